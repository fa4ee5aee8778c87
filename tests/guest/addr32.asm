; addr32.asm - 32-bit addressing in real mode (67h): ModR/M and SIB forms,
; scales, displacements, default segments (EBP/ESP bases use SS), FS/GS
; overrides, LEA arithmetic, and 32-bit operands with 16-bit addressing.
        org     100h
        cpu     386
%define LIB_386
%include "lib.inc"

OTHER   equ     0x2000                  ; a scratch segment for default-segment tests

        TEST    "base+index*scale"
        mov     ebx, arr
        mov     esi, 2
        CHK     dword [ebx+esi*4], 0x33333333
        mov     ecx, 3
        CHK     dword [ebx+ecx*4+4], 0x55555555
        mov     edi, 1
        CHK     dword [ebx+edi*8], 0x33333333
        CHK     dword [ebx+edi*1+3], 0x22222222
        ENDTEST

        TEST    "index*scale+disp32, no base"
        mov     esi, 1
        CHK     dword [esi*8+arr], 0x33333333
        mov     eax, 3
        CHK     dword [eax*4+arr], 0x44444444
        ENDTEST

        TEST    "disp32 only"
        CHK     dword [dword arr+4], 0x22222222
        mov     eax, [dword arr+12]
        CHK     eax, 0x44444444
        ENDTEST

        TEST    "base==index"
        mov     eax, arr3               ; even: [eax+eax] with eax = arr3 / 2
        shr     eax, 1
        CHK     dword [eax+eax], 0xA5A5A5A5
        mov     dword [0xC000], 0x00C0FFEE
        mov     dword [0xA000], 0x00A0FFEE
        mov     dword [0x9000], 0x0090FFEE
        mov     eax, 0x4000
        CHK     dword [eax+eax*2], 0x00C0FFEE
        mov     ecx, 0x2000
        CHK     dword [ecx+ecx*4], 0x00A0FFEE
        mov     edi, 0x1000
        CHK     dword [edi+edi*8], 0x0090FFEE
        ENDTEST

        TEST    "negative index wraps mod 2^32"
        mov     ebx, arr+16
        mov     ecx, -2
        CHK     dword [ebx+ecx*4], 0x33333333
        mov     ecx, 0xFFFFFFFF         ; -1 * 4 = -4
        CHK     dword [ebx+ecx*4], 0x44444444
        ENDTEST

        TEST    "ebp/esp bases default to SS"
        push    dword 0xBEEFF00D
        push    ds
        mov     ax, OTHER
        mov     ds, ax                  ; DS != SS now (and DS:SP holds zeros)
        mov     ebp, esp
        and     ebp, 0xFFFF
        mov     eax, [ebp+2]
        mov     ebx, [esp+2]
        mov     esi, 1
        mov     ecx, [ebp+esi*2]
        mov     edx, [ds:ebp+2]         ; explicit DS: the other segment
        mov     dword [0x40], 0x01020304    ; DS = OTHER
        mov     edi, [ds:0x40]
        pop     ds
        CHK     eax, 0xBEEFF00D
        CHK     ebx, 0xBEEFF00D
        CHK     ecx, 0xBEEFF00D
        CHK     edx, 0
        CHK     edi, 0x01020304
        CHK     dword [0x40], 0         ; not the same memory
        pop     eax
        CHK     eax, 0xBEEFF00D
        ENDTEST

        TEST    "fs/gs overrides"
        mov     ax, OTHER
        mov     fs, ax
        mov     ax, OTHER + 1           ; 16 bytes further
        mov     gs, ax
        mov     ebx, 0x100
        mov     dword [fs:ebx+0x10], 0xCAFEBABE
        CHK     dword [gs:ebx], 0xCAFEBABE
        mov     esi, 0x40
        mov     word [gs:esi*2+2], 0x1234   ; gs:0x82 = fs:0x92
        CHK16   word [fs:0x92], 0x1234
        ENDTEST

        TEST    "lea32"
        mov     ebx, 0xF0000000
        mov     ecx, 0x20000000
        lea     eax, [ebx+ecx*8+0x12345678] ; 0xF0000000 + 0 (2^32 mod 2^32) + ...
        CHK     eax, 0x02345678
        mov     esi, 0x7FFFFFFF
        lea     edx, [esi+esi*4]
        CHK     edx, 0x7FFFFFFB
        mov     eax, 0x12345678
        mov     ebx, 0x00010001
        mov     ecx, 0xFFFF
        lea     ax, [ebx+ecx]           ; 16-bit destination: truncated
        CHK     eax, 0x12340000
        mov     bx, 0xFFFF
        mov     si, 2
        lea     eax, [bx+si]            ; 16-bit address: wraps at 64K, zero-extended
        CHK     eax, 1
        lea     ecx, [esp+4]
        mov     edx, esp
        add     edx, 4
        CHK     ecx, edx
        ENDTEST

        TEST    "32-bit operands, 16-bit addressing"
        mov     bx, arr
        mov     si, 4
        CHK     dword [bx+si], 0x22222222
        mov     eax, [bx+si+8]
        CHK     eax, 0x44444444
        mov     dword [bx+si+8], 0x87654321
        CHK     dword [arr+12], 0x87654321
        mov     dword [arr+12], 0x44444444
        ENDTEST

        TEST    "a32 read-modify-write"
        mov     ebx, arr
        mov     ecx, 1
        add     dword [ebx+ecx*4], 0x11111111
        CHK     dword [arr+4], 0x33333333
        sub     dword [ebx+ecx*4], 0x11111111
        CHK     dword [arr+4], 0x22222222
        inc     byte [ebx+ecx*4+3]
        CHK     dword [arr+4], 0x23222222
        dec     byte [ebx+ecx*4+3]
        ENDTEST

        FINISH

        align   4
arr:    dd      0x11111111, 0x22222222, 0x33333333, 0x44444444, 0x55555555
        align   16
arr3:   dd      0xA5A5A5A5
