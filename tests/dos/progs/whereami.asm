; whereami.asm - prints where DOS loaded it: "PSP high" (a UMB, at or
; above A000h) or "PSP low", the UMB link state and the allocation
; strategy it runs with (LOADHIGH test, tests/dos/progs/lh.bat).
        cpu 8086
        org 100h
        mov     dx, s_low
        mov     ax, cs
        cmp     ax, 0A000h
        jb      .low
        mov     dx, s_high
.low:   mov     ah, 9
        int     21h
        mov     ax, 5802h
        int     21h
        add     al, '0'
        mov     [s_link + 9], al
        mov     ax, 5800h
        int     21h
        mov     cl, 4
        mov     bl, al
        shr     al, cl
        call    digit
        mov     [s_strat + 11], al
        mov     al, bl
        and     al, 0Fh
        call    digit
        mov     [s_strat + 12], al
        mov     dx, s_link
        mov     ah, 9
        int     21h
        mov     ax, 4C00h
        int     21h
digit:  add     al, '0'
        cmp     al, '9'
        jbe     .d
        add     al, 7
.d:     ret
s_low:  db "PSP low$"
s_high: db "PSP high$"
s_link: db ", linked=0"
s_strat: db ", strategy=00", 13, 10, "$"
