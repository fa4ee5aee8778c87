; strict.asm - reads a port no device claims (2F0h).
        org 100h
        cpu 8086
        nop
        mov dx, 2F0h
        in al, dx
        db 0F4h, 2, 0FDh
