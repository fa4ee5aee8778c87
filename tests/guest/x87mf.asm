; x87mf.asm - unmasked x87 exceptions on the 486 with CR0.NE = 1: #MF
; (vector 16, through the real-mode IVT) at the next waiting instruction,
; never at the no-wait ones (FNSTSW, FNCLEX); the unmasked responses (SDM
; Vol. 1 8.5: no result for ZE and IE; for OE the result with its
; exponent biased by 24576 = 6000h); #NM from CR0.EM and from CR0.TS with
; WAIT and MP. Run with guest-run --cpu 486 --fpu 80387.
        org     100h
        cpu     486
%define LIB_386
%include "lib.inc"

        xor     ax, ax
        mov     es, ax
        mov     word [es:16*4], mf_handler
        mov     [es:16*4+2], cs
        mov     word [es:7*4], nm_handler
        mov     [es:7*4+2], cs

        TEST    "unmasked zero divide: #MF at the next waiting instruction"
        mov     eax, cr0
        or      eax, 0x20               ; NE
        mov     cr0, eax
        fninit
        fldcw   [cw_zm]                 ; ZE unmasked
        fld1
        fldz
        fdivp   st1, st0                ; 1 / 0: ZE, ES, B; ST(1) unchanged, no pop
        fnstsw  ax                      ; no-wait: no #MF
        CHK16   ax, 0xB084              ; B, TOP = 6, ES, ZE
        CHK16   [mf_count], 0
mf_at:  fld1                            ; waiting: #MF before it runs
        CHK16   [mf_count], 1
        CHK16   [mf_ip], mf_at          ; the fault points at the FLD1
        fstp    st0                     ; the handler cleared the exceptions: FLD1 ran
        fistp   word [w]                ; the zero is still there
        CHK16   [w], 0
        fistp   word [w]
        CHK16   [w], 1
        ENDTEST

        TEST    "unmasked overflow: the biased result"
        fninit
        fldcw   [cw_om]                 ; OE unmasked
        fld     tword [xmax]            ; 7FFE:FFFFFFFFFFFFFFFF squared =
        fmul    st0, st0                ; (2 - 2^-62 + 2^-126) * 2^32767: 5FFE:FFFFFFFFFFFFFFFE
        fnstsw  ax
        CHK16   ax, 0xB8A8              ; B, TOP 7, ES, PE, OE
        fnclex                          ; no-wait, clears ES: no #MF
        fstp    tword [t]
        CHK16   [mf_count], 1
        CHK     dword [t], 0xFFFFFFFE
        CHK     dword [t+4], 0xFFFFFFFF
        CHK16   word [t+8], 0x5FFE
        ENDTEST

        TEST    "unmasked invalid: no result, FWAIT faults"
        fninit
        fldcw   [cw_im]
        fld1
        fchs
        fsqrt                           ; IE: ST(0) stays -1
        fnstsw  ax
        CHK16   ax, 0xB881
wait_at: fwait
        CHK16   [mf_count], 2
        CHK16   [mf_ip], wait_at
        fistp   word [w]
        CHK16   [w], -1
        ENDTEST

        TEST    "#NM from EM and from TS"
        mov     eax, cr0
        or      eax, 0x04               ; EM: ESC faults
        mov     cr0, eax
nm1:    fld1
        CHK16   [nm_count], 1
        CHK16   [nm_ip], nm1
        mov     eax, cr0
        and     eax, ~0x04
        or      eax, 0x0A               ; MP and TS: ESC and WAIT fault
        mov     cr0, eax
nm2:    fwait
        CHK16   [nm_count], 2
        CHK16   [nm_ip], nm2
        mov     eax, cr0
        or      eax, 0x08               ; TS again (the handler cleared it)
        and     eax, ~0x02              ; without MP WAIT runs, ESC still faults
        mov     cr0, eax
        fwait
        CHK16   [nm_count], 2
nm3:    fnop
        CHK16   [nm_count], 3
        CHK16   [nm_ip], nm3
        ENDTEST

        FINISH

; #MF: count, note the faulting IP, clear the exceptions, return to it.
mf_handler:
        push    bp
        mov     bp, sp
        push    ax
        inc     word [cs:mf_count]
        mov     ax, [bp+2]
        mov     [cs:mf_ip], ax
        fnclex
        pop     ax
        pop     bp
        iret

; #NM: count, note the IP, clear EM and TS (CLTS), return to it.
nm_handler:
        push    bp
        mov     bp, sp
        push    eax
        inc     word [cs:nm_count]
        mov     ax, [bp+2]
        mov     [cs:nm_ip], ax
        mov     eax, cr0
        and     eax, ~0x0C
        mov     cr0, eax
        pop     eax
        pop     bp
        iret

mf_count: dw 0
mf_ip:  dw 0
nm_count: dw 0
nm_ip:  dw 0
w:      dw 0
t:      times 10 db 0
cw_zm:  dw 0x037B
cw_om:  dw 0x0377
cw_im:  dw 0x037E
xmax:   dw 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0x7FFE
