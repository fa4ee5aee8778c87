; ticks.asm - reads the BIOS tick count (0040:006Ch), prints
; "ticks: ready", waits for a key with INT 16h AH=00h, and prints
; "ticks=<decimal difference>" (low word); exits with return code 0.
        cpu 8086
        org 100h
        mov     ax, 40h
        mov     es, ax
        mov     bx, [es:6Ch]
        mov     dx, s_ready
        call    puts
        xor     ah, ah
        int     16h
        mov     ax, [es:6Ch]
        sub     ax, bx
        mov     dx, s_ticks
        call    puts
        call    putdec
        call    crlf
        mov     ax, 4C00h
        int     21h

%include "util.inc"

s_ready db      'ticks: ready', 13, 10, '$'
s_ticks db      'ticks=$'
