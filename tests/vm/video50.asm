; video50.asm - switch to 80x50 (INT 10h AX=1112h) and report the rows
; minus one from INT 10h AX=1130h (DL) as the exit code.
        org 100h
        cpu 8086
        mov ax, 1112h
        xor bl, bl
        int 10h
        mov ax, 1130h
        int 10h
        mov al, dl
        db 0F4h, 2, 0FDh
