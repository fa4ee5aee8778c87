; vbe16.asm - VESA mode 111h (640x480, 5:6:5) through the window: red,
; green and blue pixels at the start of the first line.
; GOLDEN size 640 480
; GOLDEN pixel 0 0 FF0000
; GOLDEN pixel 1 0 00FF00
; GOLDEN pixel 2 0 0000FF
        org 100h
        cpu 8086
        mov ax, 4F02h
        mov bx, 111h
        int 10h
        cmp ax, 004Fh
        jne fail
        mov ax, 0A000h
        mov es, ax
        mov word [es:0], 0F800h
        mov word [es:2], 07E0h
        mov word [es:4], 001Fh
        mov ax, 4C00h
        int 21h
fail:   mov ax, 4C01h
        int 21h
