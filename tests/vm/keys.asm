; keys.asm - reads three keystrokes with INT 16h AH=00h (waiting in the BIOS
; while the buffer is empty) and stores them at 1000:0180 for the host.
        org 100h
        cpu 8086
        sti
        mov di, res
        mov cx, 3
.next:  mov ah, 00h
        int 16h
        mov [di], ax
        add di, 2
        loop .next
        mov ah, 01h             ; buffer empty now: ZF=1
        int 16h
        mov ax, 0
        jnz .exit
        mov al, 1
.exit:  db 0F4h, 2, 0FDh
        times 80h - ($ - $$) db 0
res:    times 6 db 0
