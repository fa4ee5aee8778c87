; vbe32.asm - a 640x480 mode with 32 bits a pixel, found in the mode list
; by its mode information (4F00h, 4F01h: 640x480, 32 bits per pixel,
; direct colour), set with 4F02h: red at (0,0), then window A moved to
; 64 KiB with 4F05h and blue at pixel 16384 (x 384, line 25).
; GOLDEN size 640 480
; GOLDEN pixel 0 0 FF0000
; GOLDEN pixel 384 25 0000FF
        org 100h
        cpu 8086
        push cs
        pop es
        mov ax, 4F00h
        mov di, vbeinfo
        int 10h
        cmp ax, 004Fh
        jne fail
        lds si, [vbeinfo + 0Eh] ; the mode list
.next:  lodsw
        cmp ax, 0FFFFh
        je fail
        mov cx, ax
        push ds
        push si
        push cs
        pop ds
        mov ax, 4F01h
        mov di, modeinfo
        int 10h
        pop si
        pop ds
        cmp ax, 004Fh
        jne fail
        cmp word [cs:modeinfo + 12h], 640
        jne .next
        cmp word [cs:modeinfo + 14h], 480
        jne .next
        cmp byte [cs:modeinfo + 19h], 32
        jne .next
        cmp byte [cs:modeinfo + 1Bh], 6 ; direct colour
        jne .next
        mov bx, cx
        mov ax, 4F02h
        int 10h
        cmp ax, 004Fh
        jne fail
        mov ax, 0A000h
        mov es, ax
        mov word [es:0], 0000h
        mov word [es:2], 00FFh
        mov ax, 4F05h
        xor bx, bx
        mov dx, 1
        int 10h
        mov word [es:0], 00FFh
        mov word [es:2], 0000h
        mov ax, 4C00h
        int 21h
fail:   mov ax, 4C01h
        int 21h
vbeinfo:  times 512 db 0
modeinfo: times 256 db 0
