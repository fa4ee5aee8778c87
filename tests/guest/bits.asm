; bits.asm - BT/BTS/BTR/BTC (immediate and register offsets, register and
; memory bit strings with negative offsets), BSF/BSR, SHLD/SHRD.
; Only flags the 80386 PRM defines are checked (BT*: CF; BSF/BSR: ZF;
; SHLD/SHRD: CF, SF, ZF, PF).
        org     100h
        cpu     386
%define LIB_386
%include "lib.inc"

        TEST    "bt imm"
        mov     eax, 0x20
        bt      eax, 5
        CHKF    F_CF, F_CF
        bt      eax, 4
        CHKF    F_CF, 0
        bt      eax, 37                 ; taken mod 32
        CHKF    F_CF, F_CF
        mov     dx, 0x4000
        bt      dx, 14
        CHKF    F_CF, F_CF
        bt      dx, 30                  ; mod 16
        CHKF    F_CF, F_CF
        CHK     eax, 0x20
        ENDTEST

        TEST    "bts btr btc reg"
        xor     ecx, ecx
        bts     ecx, 31
        CHKF    F_CF, 0
        CHK     ecx, 0x80000000
        bts     ecx, 31
        CHKF    F_CF, F_CF
        mov     edx, 0xFFFFFFFF
        btr     edx, 0
        CHKF    F_CF, F_CF
        CHK     edx, 0xFFFFFFFE
        mov     esi, 0x0F
        btc     esi, 4
        CHKF    F_CF, 0
        btc     esi, 0
        CHKF    F_CF, F_CF
        CHK     esi, 0x1E
        mov     ebx, 0x80000000
        mov     ecx, 63                 ; register offset mod 32
        bt      ebx, ecx
        CHKF    F_CF, F_CF
        mov     ax, 2
        mov     di, 17                  ; mod 16
        btr     ax, di
        CHKF    F_CF, F_CF
        CHK16   ax, 0
        ENDTEST

        TEST    "bt memory bit string"
        mov     eax, 68                 ; dword 2, bit 4
        bt      [bstr], eax
        CHKF    F_CF, F_CF
        mov     ebx, bstr + 8
        mov     eax, -60                ; dword -2 from ebx, bit 4
        bt      [ebx], eax
        CHKF    F_CF, F_CF
        mov     eax, -59
        bt      [ebx], eax
        CHKF    F_CF, 0
        mov     eax, 100                ; dword 3, bit 4
        bts     [bstr], eax
        CHKF    F_CF, 0
        CHK     dword [bstr+12], 0x10
        mov     ax, 68                  ; 16-bit: word 4, bit 4
        bt      word [bstr], ax
        CHKF    F_CF, F_CF
        mov     si, bstr + 8
        mov     ax, -12                 ; word -1 from si = high word of bstr[1], bit 4
        btc     word [si], ax
        CHKF    F_CF, F_CF
        CHK     dword [bstr+4], 0
        bt      dword [bstr+8], 36      ; immediate: mod 32, no displacement
        CHKF    F_CF, F_CF
        btr     dword [bstr], 4
        CHKF    F_CF, F_CF
        CHK     dword [bstr], 0
        ENDTEST

        TEST    "bsf bsr"
        mov     ecx, 0x00018000
        bsf     eax, ecx
        CHKF    F_ZF, 0
        CHK     eax, 15
        bsr     eax, ecx
        CHK     eax, 16
        mov     edx, 0x80000000
        bsf     ebx, edx
        CHK     ebx, 31
        mov     edx, 1
        bsr     ebx, edx
        CHK     ebx, 0
        bsf     ax, word [w_8000]
        CHK16   ax, 15
        bsr     di, word [w_0101]
        CHK16   di, 8
        bsf     di, word [w_0101]
        CHK16   di, 0
        xor     ecx, ecx
        bsf     eax, ecx                ; zero source: ZF=1 (destination undefined)
        CHKF    F_ZF, F_ZF
        bsr     eax, ecx
        CHKF    F_ZF, F_ZF
        ENDTEST

        TEST    "shld shrd 32"
        mov     eax, 0x12345678
        mov     ebx, 0x9ABCDEF0
        shld    eax, ebx, 8
        CHKF    F_SZPC, F_PF
        CHK     eax, 0x3456789A
        mov     eax, 0x12345678
        shrd    eax, ebx, 4
        CHKF    F_CF, F_CF
        CHK     eax, 0x01234567
        mov     eax, 0x12345678
        mov     cl, 36                  ; count mod 32
        shld    eax, ebx, cl
        CHKF    F_CF, F_CF
        CHK     eax, 0x23456789
        mov     eax, 0x80000001
        xor     edx, edx
        shrd    eax, edx, 1
        CHKF    F_SZPC, F_PF | F_CF
        CHK     eax, 0x40000000
        mov     dword [m32], 0x12345678
        shld    [m32], ebx, 8
        CHK     dword [m32], 0x3456789A
        CHK     ebx, 0x9ABCDEF0
        mov     eax, 0x11111111
        shld    eax, ebx, 0             ; count 0: nothing changes
        CHK     eax, 0x11111111
        ENDTEST

        TEST    "shld shrd 16"
        mov     eax, 0xFFFF1234
        mov     bx, 0xABCD
        shld    ax, bx, 4
        CHKF    F_CF, F_CF
        CHK     eax, 0xFFFF234A
        mov     ax, 0x1234
        mov     cl, 12
        shrd    ax, bx, cl
        CHKF    F_SZPC, F_SF | F_PF
        CHK16   ax, 0xBCD1
        mov     word [m32], 0x1234
        shrd    [m32], bx, 12
        CHK16   word [m32], 0xBCD1
        ENDTEST

        FINISH

        align   4
bstr:   dd      0x00000010, 0x00100000, 0x00000010, 0
w_8000: dw      0x8000
w_0101: dw      0x0101
m32:    dd      0
