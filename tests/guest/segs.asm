; segs.asm - FS and GS: MOV to/from them, PUSH/POP FS/GS with 16- and 32-bit
; operand size, LFS/LGS/LSS (and LDS/LES) with 16:16 and 16:32 pointers, and
; that the loaded segments address the memory they should.
        org     100h
        cpu     386
%define LIB_386
%include "lib.inc"

        TEST    "mov fs gs"
        mov     ax, 0x2345
        mov     fs, ax
        mov     bx, fs
        CHK16   bx, 0x2345
        mov     word [m16], 0x3456
        mov     gs, [m16]
        mov     [m16b], gs
        CHK16   word [m16b], 0x3456
        mov     cx, gs
        CHK16   cx, 0x3456
        ENDTEST

        TEST    "fs gs address memory"
        mov     ax, ds
        add     ax, 0x1000              ; 64 KiB above the program
        mov     fs, ax
        mov     es, ax
        mov     byte [fs:0x10], 0x5A
        CHK16   word [es:0x10], 0x005A
        add     ax, 1
        mov     gs, ax
        mov     dword [gs:0], 0xA1B2C3D4 ; = fs:0x10
        CHK     dword [fs:0x10], 0xA1B2C3D4
        mov     bx, 0x10
        mov     eax, [fs:bx]
        CHK     eax, 0xA1B2C3D4
        push    ds
        pop     es
        ENDTEST

        TEST    "push pop fs gs 16"
        mov     ax, 0x4567
        mov     fs, ax
        mov     bp, sp
        push    fs
        mov     cx, bp
        sub     cx, sp
        CHK16   cx, 2
        CHK16   word [ss:bp-2], 0x4567
        pop     gs
        mov     dx, gs
        CHK16   dx, 0x4567
        mov     ax, sp
        CHK16   ax, bp
        push    word 0x5000
        pop     fs
        mov     dx, fs
        CHK16   dx, 0x5000
        ENDTEST

        TEST    "push pop fs gs 32"
        mov     ax, 0x789A
        mov     gs, ax
        mov     bp, sp
        o32 push gs                     ; 4 bytes; the upper word is model-specific
        mov     cx, bp
        sub     cx, sp
        CHK16   cx, 4
        CHK16   word [ss:bp-4], 0x789A
        o32 pop fs
        mov     dx, fs
        CHK16   dx, 0x789A
        mov     ax, sp
        CHK16   ax, bp
        push    dword 0xFFFF6543        ; pop fs uses the low word
        o32 pop gs
        mov     dx, gs
        CHK16   dx, 0x6543
        mov     ax, sp
        CHK16   ax, bp
        ENDTEST

        TEST    "lfs lgs 16:16"
        mov     dword [m16b], 0         ; clear
        lfs     si, [p1616]
        CHK16   si, 0x1234
        mov     ax, fs
        CHK16   ax, 0x2000
        mov     ebx, p1616
        mov     ecx, 0xFFFF0000
        lgs     cx, [ebx]               ; a32 address, 16-bit offset: upper ECX kept
        CHK     ecx, 0xFFFF1234
        mov     ax, gs
        CHK16   ax, 0x2000
        ENDTEST

        TEST    "lfs lgs 16:32"
        lgs     esi, [p1632]
        CHK     esi, 0x12345678
        mov     ax, gs
        CHK16   ax, 0x3000
        mov     bx, p1632
        lfs     edi, [bx]
        CHK     edi, 0x12345678
        mov     ax, fs
        CHK16   ax, 0x3000
        ENDTEST

        TEST    "lss"
        mov     [save_sp], sp
        mov     [save_ss], ss
        lss     sp, [newstack]          ; 0x2800:0x0100
        push    word 0x7777
        mov     ax, ss
        mov     bx, sp
        lss     sp, [save_sp]
        CHK16   ax, 0x2800
        CHK16   bx, 0x00FE
        mov     ax, 0x2800
        mov     es, ax
        CHK16   word [es:0xFE], 0x7777
        push    ds
        pop     es
        mov     eax, esp                ; back to comhost's initial SP
        CHK     eax, 0xFFFE
        ENDTEST

        TEST    "les lds 32"
        mov     [save_ds], ds
        o32 les edi, [p1632]            ; 66 C4: 48-bit pointer
        CHK     edi, 0x12345678
        mov     ax, es
        CHK16   ax, 0x3000
        push    ds
        pop     es
        o32 lds esi, [p1632]
        mov     bx, ds
        mov     ds, [cs:save_ds]
        CHK     esi, 0x12345678
        CHK16   bx, 0x3000
        ENDTEST

        FINISH

p1616:  dw      0x1234, 0x2000
p1632:  dd      0x12345678
        dw      0x3000
newstack: dw    0x0100, 0x2800
save_sp: dw     0
save_ss: dw     0
save_ds: dw     0
m16:    dw      0
m16b:   dd      0
