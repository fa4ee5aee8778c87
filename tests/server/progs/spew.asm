; spew.asm - prints N lines (N decimal in the command tail) of the form
; "line NNNNN ......" (64 bytes each with CR LF), then "spew: done", and
; exits with return code 0: more than 64 KiB overflows the output ring.
        cpu 8086
        org 100h
        cld
        mov     si, 81h
        call    parse_dec
        mov     cx, ax
        xor     bx, bx
        jcxz    .done
.line:  mov     dx, s_line
        call    puts
        mov     ax, bx
        call    puthex4
        mov     dx, s_fill
        call    puts
        inc     bx
        loop    .line
.done:  mov     dx, s_done
        call    puts
        mov     ax, 4C00h
        int     21h

%include "util.inc"

s_line  db      'line $'
s_fill  db      ' abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz01', 13, 10, '$'
s_done  db      'spew: done', 13, 10, '$'
