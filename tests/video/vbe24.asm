; vbe24.asm - VESA mode 10Fh (320x200, 24 bits, bytes blue-green-red):
; red, green and blue at the start of line 0 and yellow at the start of
; line 1 (offset 960).
; GOLDEN size 320 200
; GOLDEN pixel 0 0 FF0000
; GOLDEN pixel 1 0 00FF00
; GOLDEN pixel 2 0 0000FF
; GOLDEN pixel 0 1 FFFF00
        org 100h
        cpu 8086
        mov ax, 4F02h
        mov bx, 10Fh
        int 10h
        cmp ax, 004Fh
        jne fail
        mov ax, 0A000h
        mov es, ax
        mov di, pixels
        xor bx, bx
.copy:  mov al, [di + bx]
        mov [es:bx], al
        inc bx
        cmp bx, 9
        jb .copy
        mov word [es:960], 0FF00h
        mov byte [es:962], 0FFh
        mov ax, 4C00h
        int 21h
fail:   mov ax, 4C01h
        int 21h
pixels: db 0, 0, 0FFh, 0, 0FFh, 0, 0FFh, 0, 0
