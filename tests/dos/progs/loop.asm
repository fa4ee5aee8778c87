; loop.asm - prints a line and then loops forever: `mvdm run --timeout`
; must end it (exit status 124).
        cpu 8086
        org 100h
        mov     dx, msg
        mov     ah, 9
        int     21h
spin:   jmp     short spin
msg     db      'loop: spinning', 13, 10, '$'
