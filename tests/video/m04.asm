; m04.asm - CGA mode 04h: both banks of B800h written directly (colours
; 1 and 2 of palette 1), then INT 10h AH=0Bh selects palette 0 (green,
; red, yellow) and an INT 10h pixel of colour 3.
; GOLDEN size 320 200
; GOLDEN rect 0 10 7 10 55FF55
; GOLDEN rect 0 11 7 11 FF5555
; GOLDEN pixel 100 100 FFFF55
        org 100h
        cpu 8086
        mov ax, 0004h
        int 10h
        mov ax, 0B800h
        mov es, ax
        mov word [es:5 * 80], 5555h            ; row 10: even bank
        mov word [es:2000h + 5 * 80], 0AAAAh   ; row 11: odd bank
        mov ah, 0Bh                            ; palette 0
        mov bx, 0100h
        int 10h
        mov ax, 0C03h
        xor bh, bh
        mov cx, 100
        mov dx, 100
        int 10h
        mov ax, 4C00h
        int 21h
