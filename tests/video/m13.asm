; m13.asm - mode 13h through memory, INT 10h and the DAC's ports:
; a red rectangle written to A000h, a yellow line of INT 10h AH=0Ch
; pixels, colour 200 set through ports 3C8h/3C9h, colour 201 through
; INT 10h AX=1010h, and the default palette's entry 28h.
; GOLDEN size 320 200
; GOLDEN rect 10 10 49 29 AA0000
; GOLDEN rect 0 100 99 100 FFFF55
; GOLDEN rect 100 50 119 69 FF8200
; GOLDEN rect 200 150 209 159 0000FF
; GOLDEN pixel 300 190 FF0000
        org 100h
        cpu 8086
        mov ax, 0013h
        int 10h
        mov ax, 0A000h
        mov es, ax
        mov bx, 10              ; rows 10-29, columns 10-49: colour 4
.rect:  mov ax, 320
        mul bx
        mov di, ax
        add di, 10
        mov cx, 40
        mov al, 4
        rep stosb
        inc bx
        cmp bx, 30
        jb .rect
        mov cx, 0               ; INT 10h pixels: y 100, x 0-99, colour 14
.line:  mov ax, 0C0Eh
        mov dx, 100
        xor bh, bh
        int 10h
        inc cx
        cmp cx, 100
        jb .line
        mov dx, 3C8h            ; colour 200 = (63, 32, 0) through ports
        mov al, 200
        out dx, al
        inc dx
        mov al, 63
        out dx, al
        mov al, 32
        out dx, al
        xor al, al
        out dx, al
        mov ax, 1010h           ; colour 201 = (0, 0, 63) through the BIOS
        mov bx, 201
        mov dh, 0
        mov cx, 003Fh
        int 10h
        mov bx, 50
.r2:    mov ax, 320
        mul bx
        mov di, ax
        add di, 100
        mov cx, 20
        mov al, 200
        rep stosb
        inc bx
        cmp bx, 70
        jb .r2
        mov bx, 150
.r3:    mov ax, 320
        mul bx
        mov di, ax
        add di, 200
        mov cx, 10
        mov al, 201
        rep stosb
        inc bx
        cmp bx, 160
        jb .r3
        mov byte [es:190 * 320 + 300], 28h
        mov ax, 4C00h
        int 21h
