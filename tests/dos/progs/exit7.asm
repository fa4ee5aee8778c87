; exit7.asm - prints a line and ends with return code 7 (shell.bat tests
; IF ERRORLEVEL with it).
        cpu 8086
        org 100h
        mov dx, msg
        mov ah, 9
        int 21h
        mov ax, 4C07h
        int 21h
msg     db 'exit7 here', 13, 10, '$'
