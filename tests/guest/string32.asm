; string32.asm - 32-bit string instructions: MOVSD/STOSD/LODSD/CMPSD/SCASD
; with 16-bit addressing (SI/DI/CX, upper halves untouched) and 32-bit
; addressing (67h: ESI/EDI/ECX), REP/REPE/REPNE, DF, segment overrides.
        org     100h
        cpu     386
%define LIB_386
%include "lib.inc"

        TEST    "rep movsd a16"
        cld
        mov     esi, 0xAAAA0000 + src
        mov     edi, 0xBBBB0000 + dst
        mov     ecx, 0xCCCC0004
        rep movsd
        CHK     ecx, 0xCCCC0000
        CHK     esi, 0xAAAA0000 + src + 16
        CHK     edi, 0xBBBB0000 + dst + 16
        CHK     dword [dst], 0x03020100
        CHK     dword [dst+12], 0x0F0E0D0C
        ENDTEST

        TEST    "rep movsb a32"
        cld
        mov     esi, src
        mov     edi, dst + 32
        mov     ecx, 5
        a32 rep movsb
        CHK     ecx, 0
        CHK     esi, src + 5
        CHK     edi, dst + 37
        CHK     dword [dst+32], 0x03020100
        CHK16   word [dst+36], 0x0004
        ENDTEST

        TEST    "stosd and std"
        std
        mov     eax, 0xDEADBEEF
        mov     edi, dst + 60
        mov     cx, 3
        rep stosd
        cld
        CHK16   di, dst + 48
        CHK     dword [dst+52], 0xDEADBEEF
        CHK     dword [dst+60], 0xDEADBEEF
        CHK     dword [dst+48], 0
        ENDTEST

        TEST    "lodsd"
        cld
        mov     si, src + 4
        lodsd
        CHK     eax, 0x07060504
        CHK16   si, src + 8
        std
        lodsw
        cld
        CHK     eax, 0x07060908
        CHK16   si, src + 6
        mov     esi, src + 12
        a32 lodsd
        CHK     eax, 0x0F0E0D0C
        CHK     esi, src + 16
        ENDTEST

        TEST    "repe cmpsd"
        cld
        mov     si, src
        mov     di, cmpbuf              ; equal for 2 dwords, then differs
        mov     cx, 4
        repe cmpsd
        CHKF    F_ZF | F_CF, F_CF       ; 0x0B0A0908 < 0x0B0A0909
        CHK16   cx, 1
        CHK16   si, src + 12
        CHK16   di, cmpbuf + 12
        ENDTEST

        TEST    "repne scasd a32"
        cld
        mov     eax, 0x0B0A0908
        mov     edi, src
        mov     ecx, 10
        a32 repne scasd
        CHKF    F_ZF, F_ZF
        CHK     ecx, 7
        CHK     edi, src + 12
        mov     eax, 0x12345678         ; not there: runs out
        mov     edi, src
        mov     ecx, 4
        a32 repne scasd
        CHKF    F_ZF, 0
        CHK     ecx, 0
        ENDTEST

        TEST    "segment override on the source"
        cld
        mov     ax, ds
        add     ax, 0x1000
        mov     fs, ax
        mov     dword [fs:0x20], 0x600DF00D
        mov     si, 0x20
        mov     di, dst + 64
        fs movsd
        CHK     dword [dst+64], 0x600DF00D
        mov     ax, fs
        mov     gs, ax
        mov     esi, 0x20
        a32 gs lodsd
        CHK     eax, 0x600DF00D
        ENDTEST

        TEST    "rep with cx=0"
        mov     si, src
        mov     di, dst
        mov     ecx, 0x12340000
        mov     dword [dst], 0x55555555
        rep movsd
        CHK     dword [dst], 0x55555555
        CHK     ecx, 0x12340000
        CHK16   si, src
        ENDTEST

        FINISH

        align   4
src:    db      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
cmpbuf: db      0, 1, 2, 3, 4, 5, 6, 7, 9, 9, 10, 11, 12, 13, 14, 15
dst:    times 72 db 0
