; bios.asm - BIOS services seen by a program: INT 11h (equipment), INT 12h
; (memory size), INT 1Ah AH=00h/01h (ticks: they advance with IRQ 0 while
; the program idles in HLT; setting them), and an unsupported INT 1Ah
; function returning CF=1. Results are stored at 1000:0180 (16 bytes) for
; the host test to read.
        org 100h
        cpu 8086
        int 11h
        mov [res+0], ax
        int 12h
        mov [res+2], ax
        mov ah, 00h
        int 1Ah
        mov [res+4], dx
        mov [res+6], cx
        mov bx, dx
        sti
.idle:  hlt
        mov ah, 00h
        int 1Ah
        sub dx, bx
        cmp dx, 5
        jb .idle
        mov [res+8], dx
        mov ah, 01h
        mov cx, 1
        mov dx, 2
        int 1Ah
        mov ah, 00h
        int 1Ah
        mov [res+10], dx
        mov [res+12], cx
        mov ah, 0FFh
        int 1Ah
        sbb ax, ax
        mov [res+14], ax
        mov al, 0
        db 0F4h, 2, 0FDh
        times 80h - ($ - $$) db 0
res:    times 16 db 0
