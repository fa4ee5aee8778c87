; modex.asm - unchained 256-colour mode ("mode X" at 320x200): planes
; through the map mask, a start address of 50 rows and a split screen at
; scan line 200 (row 100) that shows memory from address 0.
; GOLDEN size 320 200
; GOLDEN pixel 5 0 AA0000
; GOLDEN rect 0 100 15 109 0000AA
; GOLDEN pixel 5 150 AA0000
        org 100h
        cpu 8086
        mov ax, 0013h
        int 10h
        mov dx, 3C4h
        mov ax, 0604h           ; chain-4 off
        out dx, ax
        mov dx, 3D4h
        mov ax, 0014h           ; double-word mode off
        out dx, ax
        mov ax, 0E317h          ; byte mode
        out dx, ax
        mov ax, 0A000h
        mov es, ax
        mov dx, 3C4h
        mov ax, 0F02h           ; all planes: clear, then the blue rectangle
        out dx, ax
        xor di, di
        xor ax, ax
        mov cx, 8000h
        rep stosw
        xor di, di
        mov bx, 10
.rows:  mov cx, 4
        mov al, 1
        rep stosb
        add di, 80 - 4
        dec bx
        jnz .rows
        mov ax, 0202h           ; x = 5: plane 1, byte 1 of row 50
        out dx, ax
        mov byte [es:50 * 80 + 1], 4
        mov dx, 3D4h
        mov ax, 0F0Ch           ; start address 4000 (row 50)
        out dx, ax
        mov ax, 0A00Dh
        out dx, ax
        mov ax, 0C818h          ; line compare 200
        out dx, ax
        mov ax, 0F07h           ; its bit 8 clear
        out dx, ax
        mov ax, 0109h           ; its bit 9 clear (max scan line 1 kept)
        out dx, ax
        mov ax, 4C00h
        int 21h
