; mailbox.asm - talks to the example plug-in VDD at port 2E0h: three writes,
; then the read returns the count; exits with it.
        org 100h
        cpu 8086
        mov dx, 2E0h
        out dx, al
        out dx, al
        out dx, al
        in al, dx
        db 0F4h, 2, 0FDh
