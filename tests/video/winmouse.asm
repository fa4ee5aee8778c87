; winmouse.asm - driven through the window console by real X events: mode
; 13h with the mouse driver reset; it waits until it has seen the key A
; (INT 16h) and a left click (INT 33h AX=03h). Exit code: bit 0 the key
; was A, bit 1 a click, bit 2 the click was near the middle of the screen
; (X 280-360 of 640, Y 80-120 of 200).
        org 100h
        cpu 8086
        mov ax, 0013h
        int 10h
        xor ax, ax
        int 33h
        mov ax, 0A000h          ; something to see
        mov es, ax
        xor di, di
        mov cx, 32000
        mov ax, 0101h
        rep stosw
        xor bl, bl              ; BL: what was seen
.loop:  mov ah, 01h
        int 16h
        jz .mouse
        xor ah, ah
        int 16h
        cmp ah, 1Eh
        jne .mouse
        or byte [seen], 1
.mouse: mov ax, 0003h
        int 33h
        test bx, 1
        jz .next
        or byte [seen], 2
        cmp cx, 280
        jb .next
        cmp cx, 360
        ja .next
        cmp dx, 80
        jb .next
        cmp dx, 120
        ja .next
        or byte [seen], 4
.next:  mov al, [seen]
        and al, 3
        cmp al, 3
        jne .loop
        mov al, [seen]
        mov ah, 4Ch
        int 21h
seen:   db 0
