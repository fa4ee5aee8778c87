; rtc.asm - reads the RTC through INT 1Ah AH=02h (time) and AH=04h (date)
; and stores CX, DX of each at 1000:0180 for the host.
        org 100h
        cpu 8086
        mov ah, 02h
        int 1Ah
        mov [res+0], cx
        mov [res+2], dx
        mov ah, 04h
        int 1Ah
        mov [res+4], cx
        mov [res+6], dx
        mov al, 0
        db 0F4h, 2, 0FDh
        times 80h - ($ - $$) db 0
res:    times 8 db 0
