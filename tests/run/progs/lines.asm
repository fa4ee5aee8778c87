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
        call    put_dec2
        inc     bl
        loop    .line
        mov     dx, s_bottom
        mov     ah, 9
        int     21h
        mov     ah, 0
        int     16h
        mov     ax, 4C00h
        int     21h
%include "dec2.inc"

s_line  db      'line $'
crlf    db      13, 10, '$'
s_bottom db     'bottom: press a key$'
