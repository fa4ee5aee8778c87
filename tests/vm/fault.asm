; fault.asm - runs a while, then executes an invalid opcode (0F FF): the VM
; must end alone with a diagnostic.
        org 100h
        cpu 386
        mov cx, 1000
spin:   loop spin
        db 0Fh, 0FFh
