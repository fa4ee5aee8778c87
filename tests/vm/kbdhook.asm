; kbdhook.asm - hooks INT 09h, reads the scan code from port 60h itself in
; its handler, stores it, and chains to the BIOS (which reads port 60h
; again and gets the same byte). Waits for 2 scan codes, then reads the
; BIOS buffer with INT 16h. Results at 1000:0180: the two scan codes seen
; by the hook, then the key from INT 16h.
        org 100h
        cpu 8086
        cli
        xor ax, ax
        mov es, ax
        mov ax, [es:9*4]
        mov [old9], ax
        mov ax, [es:9*4+2]
        mov [old9+2], ax
        mov word [es:9*4], handler
        mov [es:9*4+2], cs
        sti
.idle:  hlt
        cmp byte [seen], 2
        jb .idle
        mov ah, 0
        int 16h
        mov [res+2], ax
        mov al, 0
        db 0F4h, 2, 0FDh
handler:
        push ax
        push bx
        in al, 60h
        mov bl, [cs:seen]
        xor bh, bh
        mov [cs:res+bx], al
        inc byte [cs:seen]
        pop bx
        pop ax
        jmp far [cs:old9]
seen    db 0
old9    dd 0
        times 80h - ($ - $$) db 0
res:    times 4 db 0
