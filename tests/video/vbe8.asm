; vbe8.asm - VESA mode 101h (640x480, 256 colours) through the banked
; window: the controller information says "VESA", mode information says
; 640 bytes a line, colour 5 is set with 4F09h, bank 4 is selected with
; 4F05h and ten pixels are written in it (offset 40000h: y 409, x 384).
; The program exits with 1 when a VBE answer is wrong.
; GOLDEN size 640 480
; GOLDEN rect 384 409 393 409 FF00FF
        org 100h
        cpu 8086
        push cs
        pop es
        mov ax, 4F00h
        mov di, buf
        int 10h
        cmp ax, 004Fh
        jne fail
        cmp word [buf], 'VE'
        jne fail
        mov ax, 4F01h
        mov cx, 101h
        mov di, buf
        int 10h
        cmp ax, 004Fh
        jne fail
        cmp word [buf + 16], 640
        jne fail
        mov ax, 4F02h
        mov bx, 101h
        int 10h
        cmp ax, 004Fh
        jne fail
        mov ax, 4F09h           ; colour 5 = B 63, G 0, R 63
        xor bl, bl
        mov cx, 1
        mov dx, 5
        mov di, pal
        int 10h
        mov ax, 4F05h
        xor bx, bx
        mov dx, 4
        int 10h
        cmp ax, 004Fh
        jne fail
        mov ax, 0A000h
        mov es, ax
        xor di, di
        mov al, 5
        mov cx, 10
        rep stosb
        mov ax, 4C00h
        int 21h
fail:   mov ax, 4C01h
        int 21h
pal:    db 63, 0, 63, 0
buf:    times 512 db 0
