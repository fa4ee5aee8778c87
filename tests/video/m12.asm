; m12.asm - mode 12h (640x480, 16 colours, planar) through the graphics
; controller's ports: write mode 2 (colour 12), write mode 2 under a bit
; mask (colour 9, left half of a byte), set/reset in write mode 0
; (colour 2), and an INT 10h AH=0Ch pixel (colour 14).
; GOLDEN size 640 480
; GOLDEN rect 0 0 39 19 FF5555
; GOLDEN rect 80 30 83 30 5555FF
; GOLDEN rect 560 400 639 409 00AA00
; GOLDEN pixel 320 240 FFFF55
        org 100h
        cpu 8086
        mov ax, 0012h
        int 10h
        mov ax, 0A000h
        mov es, ax
        mov dx, 3CEh
        mov ax, 0205h           ; write mode 2
        out dx, ax
        mov ax, 0FF08h          ; bit mask FFh
        out dx, ax
        xor di, di
        mov bx, 20
.rows:  mov cx, 5
.cols:  mov al, [es:di]         ; load the latches
        mov byte [es:di], 12
        inc di
        loop .cols
        add di, 80 - 5
        dec bx
        jnz .rows
        mov ax, 0F008h          ; bit mask F0h: x 80-83 of row 30
        out dx, ax
        mov di, 30 * 80 + 10
        mov al, [es:di]
        mov byte [es:di], 9
        mov ax, 0005h           ; write mode 0 with set/reset colour 2
        out dx, ax
        mov ax, 0200h
        out dx, ax
        mov ax, 0F01h
        out dx, ax
        mov ax, 0FF08h
        out dx, ax
        mov di, 400 * 80 + 70
        mov bx, 10
.sr:    mov cx, 10
        rep stosb               ; any value: set/reset gives the colour
        add di, 80 - 10
        dec bx
        jnz .sr
        mov ax, 0001h           ; set/reset off again
        out dx, ax
        mov ax, 0C0Eh
        xor bh, bh
        mov cx, 320
        mov dx, 240
        int 10h
        mov ax, 4C00h
        int 21h
