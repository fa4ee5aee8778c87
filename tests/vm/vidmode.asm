; vidmode.asm - VIDEO_MODE_RESTRICTION as a program sees it: the mode at
; start (INT 10h AH=0Fh), the mode after INT 10h AH=00h sets mode 7, then
; after it sets mode 3, and the equipment word (INT 11h). A card without
; the mode leaves the current one. Results at 1000:0180: byte 0 start
; mode, 1 after mode 7, 2 after mode 3, word 4 equipment.
        org 100h
        cpu 8086
        mov ah, 0Fh
        int 10h
        mov [res+0], al
        mov ax, 0007h
        int 10h
        mov ah, 0Fh
        int 10h
        mov [res+1], al
        mov ax, 0003h
        int 10h
        mov ah, 0Fh
        int 10h
        mov [res+2], al
        int 11h
        mov [res+4], ax
        db 0F4h, 2, 0FDh
        times 80h - ($ - $$) db 0
res:    times 8 db 0
