; m06.asm - CGA mode 06h (640x200, 2 colours): bytes in both banks.
; GOLDEN size 640 200
; GOLDEN rect 0 0 79 0 FFFFFF
; GOLDEN rect 0 1 3 1 FFFFFF
; GOLDEN rect 0 199 7 199 FFFFFF
        org 100h
        cpu 8086
        mov ax, 0006h
        int 10h
        mov ax, 0B800h
        mov es, ax
        xor di, di
        mov al, 0FFh
        mov cx, 10
        rep stosb
        mov byte [es:2000h], 0F0h
        mov byte [es:2000h + 99 * 80], 0FFh
        mov ax, 4C00h
        int 21h
