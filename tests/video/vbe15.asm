; vbe15.asm - VESA mode 10Dh (320x200, 5:5:5) through the window: red,
; green and blue, then white in the last pixel (offset 127998).
; GOLDEN size 320 200
; GOLDEN pixel 0 0 FF0000
; GOLDEN pixel 1 0 00FF00
; GOLDEN pixel 2 0 0000FF
; GOLDEN pixel 319 199 FFFFFF
        org 100h
        cpu 8086
        mov ax, 4F02h
        mov bx, 10Dh
        int 10h
        cmp ax, 004Fh
        jne fail
        mov ax, 0A000h
        mov es, ax
        mov word [es:0], 7C00h
        mov word [es:2], 03E0h
        mov word [es:4], 001Fh
        mov ax, 4F05h           ; window A at 64 KiB
        xor bx, bx
        mov dx, 1
        int 10h
        mov word [es:127998 - 65536], 7FFFh
        mov ax, 4C00h
        int 21h
fail:   mov ax, 4C01h
        int 21h
