; prn.asm - prints through the three ways DOS offers: INT 21h/05h (a
; character), handle 4 (stdprn) and a handle opened on "LPT1"; LPT2 has
; nothing attached. Each line goes to the printer (src/dos/printer.c).
        cpu     8086
        org     100h
        mov     dl, '5'
        mov     ah, 5
        int     21h
        mov     dl, 13
        int     21h
        mov     dl, 10
        int     21h
        mov     bx, 4
        mov     dx, l4
        mov     cx, l4len
        mov     ah, 40h
        int     21h
        mov     dx, lpt1
        call    openwrite
        mov     dx, lpt2
        call    openwrite
        mov     ax, 4C00h
        int     21h
openwrite:
        mov     ax, 3D01h
        int     21h
        jc      .r
        mov     bx, ax
        mov     dx, lo
        mov     cx, lolen
        mov     ah, 40h
        int     21h
        mov     ah, 3Eh
        int     21h
.r:     ret
l4:     db      'handle 4', 13, 10
l4len   equ     $ - l4
lo:     db      'opened by name', 13, 10
lolen   equ     $ - lo
lpt1:   db      'LPT1', 0
lpt2:   db      'LPT2', 0
