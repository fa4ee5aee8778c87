; fallbk.asm - a hot loop whose compiled code calls an instruction's
; handler instead of its inline form: STOSB with DF set (jit_compile.c
; compiles string instructions inline for DF clear only). 2,000 passes,
; then prints "fallbk: ok". `mvdm run --stats` counts the calls as
; jit_fallbacks (tests/dos/stats_test.sh).
        cpu 8086
        org 100h
        mov     cx, 2000
        push    ds
        pop     es
pass:   mov     di, buf + 15
        std
        mov     al, cl
        stosb                   ; DF set: the handler
        cld
        loop    pass
        mov     dx, msg
        mov     ah, 9
        int     21h
        mov     ax, 4C00h
        int     21h
msg     db      'fallbk: ok', 13, 10, '$'
buf     times 16 db 0
