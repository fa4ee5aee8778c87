; cpu8086.asm - where the 8086 differs from its successors, as the 80286 and
; 80386 manuals list it ("differences from the 8086"): PUSH SP pushes the
; decremented SP, shift and rotate counts are not masked to 5 bits, FLAGS
; bits 12-15 read as ones, and addresses wrap at 1 MiB.
; Run with guest-run --cpu 8086 only.
        org     100h
        cpu     8086
%include "lib.inc"

        TEST    "push sp pushes the new sp"
        mov     dx, sp
        push    sp
        pop     bx
        sub     dx, 2
        CHK16   bx, dx
        ENDTEST

        TEST    "shift counts not masked"
        mov     ax, 0xFFFF
        mov     cl, 33                  ; 33 single shifts, not 1
        shl     ax, cl
        CHK16   ax, 0
        mov     bx, 0x8001
        mov     cl, 32                  ; 32 rotates of 16 bits = none
        rol     bx, cl
        CHK16   bx, 0x8001
        mov     dx, 0x0080
        mov     cl, 40                  ; 40 = 8*5: same byte again
        ror     dl, cl
        CHK16   dx, 0x0080
        mov     si, 0x1234
        mov     cl, 0x20                ; SHR by 32: all bits out
        shr     si, cl
        CHK16   si, 0
        ENDTEST

        TEST    "flags bits 12-15 are ones"
        xor     ax, ax
        push    ax
        popf                            ; try to clear them
        pushf
        pop     ax
        and     ax, 0xF000
        CHK16   ax, 0xF000
        ENDTEST

        TEST    "address wraps at 1 MiB"
        push    ds
        push    es
        xor     ax, ax
        mov     ds, ax                  ; 0000:0000 = linear 0 (vector 0)
        mov     ax, 0xFFFF
        mov     es, ax                  ; FFFF:0010 = linear 100000h -> 0
        mov     bx, [0]                 ; save vector 0's offset
        mov     byte [es:0x10], 0x77
        mov     byte [es:0x11], 0x66
        mov     cx, [0]
        mov     [0], bx                 ; restore it
        pop     es
        pop     ds
        CHK16   cx, 0x6677
        ENDTEST

        FINISH
