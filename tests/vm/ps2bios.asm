; ps2bios.asm - the PS/2 pointing device BIOS (INT 15h AX=C2xxh) and IRQ
; 12: initialise (3-byte packets), type, set the handler, enable; then
; wait until the handler got a packet. Results at 1000:0200 (bytes): 0-3
; the CF|AH of C205h, C204h, C207h, C200h; 4 the type (BH); 8 the
; handler's status word, 9 X, 10 Y; 11 handler calls.
        org 100h
        cpu 8086
        mov ax, 0C205h
        mov bh, 3
        int 15h
        call rec
        mov [res + 0], al
        mov ax, 0C204h
        int 15h
        call rec
        mov [res + 1], al
        mov [res + 4], bh
        mov ax, 0C207h
        push cs
        pop es
        mov bx, handler
        int 15h
        call rec
        mov [res + 2], al
        mov ax, 0C200h
        mov bh, 1
        int 15h
        call rec
        mov [res + 3], al
        sti
.wait:  cmp byte [res + 11], 0
        je .wait
        db 0F4h, 2, 0FDh
rec:    mov al, ah              ; AL = AH, bit 7 = CF
        jnc .ok
        or al, 80h
.ok:    ret
handler:                        ; [sp+4] 0, [sp+6] Y, [sp+8] X, [sp+10] status
        push bp
        mov bp, sp
        mov al, [bp + 12]
        mov [cs:res + 8], al
        mov al, [bp + 10]
        mov [cs:res + 9], al
        mov al, [bp + 8]
        mov [cs:res + 10], al
        inc byte [cs:res + 11]
        pop bp
        retf
        times 100h - ($ - $$) db 0
res:    times 16 db 0
