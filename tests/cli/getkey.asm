; getkey.asm - reads one key with INT 21h/01h (Ctrl+C checked) and exits
; with return code 5. Ctrl+C ends it through INT 23h instead: mvdm run
; must then exit with 130, not with its DOS return code 0.
        cpu 8086
        org 100h
        mov     ah, 01h
        int     21h
        mov     ax, 4C05h
        int     21h
