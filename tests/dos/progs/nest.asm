; nest.com: runs itself (its own path from the environment) until EXEC
; fails; prints a dot per level and then the error code in hex. DOS keeps
; a parent's frame per level (DOS_MAX_EXEC): the 32nd nested EXEC fails
; with error 8 and the program goes on (issue 15, defect 5).
        org     100h
        mov     sp, stack_top
        mov     bx, (stack_top - $$ + 100h + 15) / 16
        mov     ah, 4Ah
        int     21h
        ; find our path: env segment at PSP:2Ch, after double NUL and word
        mov     es, [2Ch]
        xor     di, di
.scan:  cmp     word [es:di], 0
        je      .found
        inc     di
        jmp     .scan
.found: add     di, 4
        mov     [path_off], di
        mov     [path_seg], es
        push    cs
        pop     es
        mov     dl, '.'
        mov     ah, 2
        int     21h
        mov     ax, [2Ch]
        mov     [pblock], ax
        mov     [pblock+4], cs
        push    ds
        mov     dx, [path_off]
        mov     ds, [path_seg]
        mov     bx, pblock
        mov     ax, 4B00h
        int     21h
        pop     ds
        jnc     .ok
        ; failed: print error in AL as 2 hex digits
        mov     bl, al
        mov     dx, failmsg
        mov     ah, 9
        int     21h
        mov     al, bl
        shr     al, 4
        call    hexd
        mov     al, bl
        and     al, 15
        call    hexd
        mov     dx, crlf
        mov     ah, 9
        int     21h
        mov     ax, 4C01h
        int     21h
.ok:    mov     ax, 4C00h
        int     21h
hexd:   add     al, '0'
        cmp     al, '9'
        jbe     .p
        add     al, 7
.p:     mov     dl, al
        mov     ah, 2
        int     21h
        ret
path_off: dw    0
path_seg: dw    0
pblock: dw      0, tail, 0, 5Ch, 0, 6Ch, 0
tail:   db      0, 13
failmsg: db     'EXEC failed: error $'
crlf:   db      13, 10, '$'
        align   16
        times   256 db 0
stack_top:
