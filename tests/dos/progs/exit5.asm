; exit5.asm - prints a line and ends with return code 5 (AX=4C05h): the
; exit status of `mvdm run`.
        cpu 8086
        org 100h
        mov     dx, msg
        mov     ah, 9
        int     21h
        mov     ax, 4C05h
        int     21h
msg     db      'exit5 here', 13, 10, '$'
