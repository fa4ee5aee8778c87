; lines.asm - prints 30 lines "line 01" .. "line 30" (the screen scrolls),
; then "bottom: press a key" and waits for a key (INT 16h AH=00h); exits
; with return code 0. For the terminal console's view of a screen larger
; than the terminal.
        cpu 8086
        org 100h
        mov     cx, 30
        mov     bl, 1
.line:  mov     dx, s_line
        mov     ah, 9
        int     21h
        mov     al, bl
        aam                             ; AH = tens, AL = units
        add     ax, 3030h
        push    ax
        mov     dl, ah
        mov     ah, 2
        int     21h
        pop     ax
        mov     dl, al
        mov     ah, 2
        int     21h
        mov     dx, crlf
        mov     ah, 9
        int     21h
        inc     bl
        loop    .line
        mov     dx, s_bottom
        mov     ah, 9
        int     21h
        mov     ah, 0
        int     16h
        mov     ax, 4C00h
        int     21h
s_line  db      'line $'
crlf    db      13, 10, '$'
s_bottom db     'bottom: press a key$'
