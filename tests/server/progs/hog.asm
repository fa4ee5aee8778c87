; hog.asm - keeps the host busy in a way that costs far more than one
; instruction per instruction, for the tests of time limits, kill, pause
; and shutdown (docs/server.md "Preemption"). The first letter of the
; command tail picks the work, after "hog: ready" is printed:
;   r  REP LODSB with CX = FFFFh, again and again (64 Ki iterations each)
;   f  find first / find next over C:\MANY\*.* again and again (costly
;      DOS calls when the directory is large)
;   s  a tight loop of plain instructions
; It never ends by itself and never idles.
        cpu 8086
        org 100h
        cld
        mov     dx, ready
        mov     ah, 9
        int     21h
        mov     si, 81h
.blank: lodsb
        cmp     al, ' '
        je      .blank
        cmp     al, 'r'
        je      rep_loop
        cmp     al, 'f'
        je      find_loop
spin:   inc     ax
        jmp     short spin

rep_loop:
        mov     cx, 0FFFFh
        xor     si, si
        rep     lodsb
        jmp     short rep_loop

find_loop:
        mov     ah, 4Eh
        xor     cx, cx
        mov     dx, pattern
        int     21h
        jc      find_loop
.next:  mov     ah, 4Fh
        int     21h
        jnc     .next
        jmp     short find_loop

ready   db      'hog: ready', 13, 10, '$'
pattern db      'C:\MANY\*.*', 0
