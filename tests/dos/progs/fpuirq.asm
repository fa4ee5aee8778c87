; fpuirq.asm - the coprocessor as a DOS program sees it on a PC/AT: the
; FNINIT/FNSTSW probe, INT 11h bit 1, and an unmasked exception (zero
; divide) reaching the program's INT 02h through IRQ 13: the FPU's error
; output, the AT's latch, INT 75h in the BIOS (which clears the latch with
; OUT F0h, acknowledges both interrupt controllers and calls INT 02h; IBM
; PC AT Technical Reference). Without a coprocessor it says so and stops.
        org     100h
        cpu     386

        fninit
        mov     word [sw], 0x5A5A
        fnstsw  [sw]
        cmp     word [sw], 0
        jne     .none
        mov     dx, s_probe_yes
        call    print
        int     11h
        mov     dx, s_equip_yes
        test    al, 2
        jnz     .eq
        mov     dx, s_equip_no
.eq:    call    print

        mov     ax, 2502h               ; INT 02h: the coprocessor error
        mov     dx, int02
        int     21h
        sti
        fldcw   [cw_zm]                 ; zero divide unmasked
        mov     cx, 2
.again: fld1
        fldz
        fdivp   st1, st0                ; ZE: IRQ 13 right after it
        nop
        nop
        fstp    st0
        loop    .again
        mov     dx, s_int02_2
        cmp     word [count], 2
        je      .cnt
        mov     dx, s_int02_bad
.cnt:   call    print
        fnstsw  ax
        mov     dx, s_es_clear
        test    al, 80h
        jz      .es
        mov     dx, s_es_set
.es:    call    print
        mov     ax, 4C00h
        int     21h

.none:  mov     dx, s_probe_no
        call    print
        int     11h
        mov     dx, s_equip_yes
        test    al, 2
        jnz     .eq2
        mov     dx, s_equip_no
.eq2:   call    print
        mov     ax, 4C00h
        int     21h

; The program's coprocessor error handler: count it, clear the exception.
int02:  inc     word [cs:count]
        fnclex
        iret

print:  mov     ah, 9
        int     21h
        ret

sw:     dw 0
count:  dw 0
cw_zm:  dw 0x037B
s_probe_yes: db "probe: a coprocessor answers", 13, 10, "$"
s_probe_no:  db "probe: no coprocessor", 13, 10, "$"
s_equip_yes: db "INT 11h: coprocessor bit set", 13, 10, "$"
s_equip_no:  db "INT 11h: coprocessor bit clear", 13, 10, "$"
s_int02_2:   db "IRQ 13 reached INT 02h twice", 13, 10, "$"
s_int02_bad: db "IRQ 13 did not reach INT 02h twice", 13, 10, "$"
s_es_clear:  db "status: ES clear", 13, 10, "$"
s_es_set:    db "status: ES still set", 13, 10, "$"
