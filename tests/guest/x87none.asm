; x87none.asm - a machine without a coprocessor (FPU=none): the usual
; probe (FNINIT, then FNSTSW and FNSTCW into words set to 5A5Ah) finds its
; words as it wrote them, and WAIT runs on (Intel 8086 manual, ESC: the
; CPU only computes the address; the 8087 application notes' probe).
; Run with guest-run --fpu none on the 8086, 286 and 386.
        org     100h
        cpu     8086
%include "lib.inc"

        TEST    "no coprocessor answers the probe"
        fninit
        mov     word [sw], 0x5A5A
        mov     word [cw], 0x5A5A
        fnstsw  [sw]
        fnstcw  [cw]
        CHK16   [sw], 0x5A5A
        CHK16   [cw], 0x5A5A
        mov     ax, 0x1234
        db      0xDF, 0xE0              ; FNSTSW AX (a 287 instruction): nothing without a coprocessor
        CHK16   ax, 0x1234
        fwait
        fld1
        fstp    qword [q]
        CHK16   [q], 0x5A5A             ; nothing stored
        ENDTEST

        FINISH

sw:     dw 0
cw:     dw 0
q:      dw 0x5A5A, 0x5A5A, 0x5A5A, 0x5A5A
