; hello.asm - prints a known line, its command tail, the DOS version, the
; value of the environment variable MVDMTEST and four CP437 characters,
; writes a yellow-on-blue 'Z' at the cursor (INT 10h AH=09h, the cursor
; does not move) and exits with return code 42.
;   hello from mvdm
;   tail:[<command tail>]
;   ver:<major>.<minor, 2 digits>
;   env:[<value of MVDMTEST, empty if unset>]
;   cp437:[<bytes 82h C9h CDh BBh: e-acute and a double-line box corner>]
        cpu 8086
        org 100h
        cld
        mov     dx, s_hello
        call    puts
        mov     dx, s_tail
        call    puts
        mov     cl, [80h]
        xor     ch, ch
        mov     si, 81h
        jcxz    .tail_end
.tail:  lodsb
        mov     dl, al
        call    putc
        loop    .tail
.tail_end:
        mov     dl, ']'
        call    putc
        call    crlf

        mov     dx, s_ver
        call    puts
        mov     ah, 30h
        int     21h
        push    ax
        xor     ah, ah
        call    putdec
        mov     dl, '.'
        call    putc
        pop     ax
        mov     al, ah
        xor     ah, ah
        cmp     al, 10
        jae     .two
        mov     dl, '0'
        call    putc
.two:   call    putdec
        call    crlf

        mov     dx, s_env
        call    puts
        mov     es, [2Ch]
        xor     di, di
.var:   cmp     byte [es:di], 0         ; end of the environment
        je      .env_end
        mov     si, want
        mov     cx, want_len
        push    di
        repe    cmpsb
        pop     bx
        je      .found
        mov     di, bx                  ; skip to the next variable
        xor     al, al
        mov     cx, 0FFFFh
        repne   scasb
        jmp     short .var
.found: mov     dl, [es:di]
        test    dl, dl
        jz      .env_end
        call    putc
        inc     di
        jmp     short .found
.env_end:
        push    cs
        pop     es
        mov     dl, ']'
        call    putc
        call    crlf

        mov     dx, s_cp437
        call    puts
        mov     ax, 0900h + 'Z'         ; 'Z', yellow on blue, at the cursor
        mov     bx, 001Eh
        mov     cx, 1
        int     10h
        mov     ax, 4C2Ah
        int     21h

%include "util.inc"

s_hello db      'hello from mvdm', 13, 10, '$'
s_tail  db      'tail:[$'
s_ver   db      'ver:$'
s_env   db      'env:[$'
s_cp437 db      'cp437:[', 82h, 0C9h, 0CDh, 0BBh, ']', 13, 10, '$'
want    db      'MVDMTEST='
want_len equ    $ - want
