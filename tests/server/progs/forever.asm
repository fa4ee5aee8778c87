; forever.asm - prints a line, then loops forever without idling.
        cpu 8086
        org 100h
        mov     dx, msg
        mov     ah, 9
        int     21h
        xor     ax, ax
spin:   inc     ax
        jmp     short spin
msg     db      'forever: spinning', 13, 10, '$'
