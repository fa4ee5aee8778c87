; fault.asm - prints a line, then executes an invalid opcode (0Fh FFh) with
; no handler for INT 06h: the VM ends with a fault.
        cpu 8086
        org 100h
        mov     dx, msg
        mov     ah, 9
        int     21h
        db      0Fh, 0FFh
        mov     dx, alive               ; not reached
        mov     ah, 9
        int     21h
        mov     ax, 4C00h
        int     21h
msg     db      'fault: now an invalid opcode', 13, 10, '$'
alive   db      'fault: still alive', 13, 10, '$'
