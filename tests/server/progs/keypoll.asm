; keypoll.asm - prints "keypoll: ready", polls the keyboard with INT 16h
; AH=01h until a key is there, reads it (AH=00h) and prints
; "key:<char> scan:<scan code hex>"; exits with the character as return code.
        cpu 8086
        org 100h
        mov     dx, s_ready
        call    puts
.poll:  mov     ah, 1
        int     16h
        jz      .poll
        xor     ah, ah
        int     16h
        mov     bx, ax
        mov     dx, s_key
        call    puts
        mov     dl, bl
        call    putc
        mov     dx, s_scan
        call    puts
        mov     al, bh
        xor     ah, ah
        call    puthex4
        call    crlf
        mov     al, bl
        mov     ah, 4Ch
        int     21h

%include "util.inc"

s_ready db      'keypoll: ready', 13, 10, '$'
s_key   db      'key:$'
s_scan  db      ' scan:$'
