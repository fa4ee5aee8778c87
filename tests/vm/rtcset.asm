; rtcset.asm - sets the RTC (INT 1Ah AH=03h, 05h) and reads it back
; (AH=02h, 04h); an unsupported INT 1Ah function returns CF=1. Results at
; 1000:0180: time CX, DX; date CX, DX; CF of the unsupported call.
        org 100h
        cpu 8086
        mov ah, 03h
        mov cx, 2359h
        mov dx, 5800h
        int 1Ah
        mov ah, 05h
        mov cx, 1999h
        mov dx, 1231h
        int 1Ah
        mov ah, 02h
        int 1Ah
        mov [res+0], cx
        mov [res+2], dx
        mov ah, 04h
        int 1Ah
        mov [res+4], cx
        mov [res+6], dx
        mov ah, 0Ah             ; not supported
        int 1Ah
        sbb ax, ax
        mov [res+8], ax
        mov al, 0
        db 0F4h, 2, 0FDh
        times 80h - ($ - $$) db 0
res:    times 10 db 0
