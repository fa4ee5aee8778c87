; x87pm.asm - the x87 environment in protected mode (SDM Vol. 1 Figures
; 8-9 and 8-10, 80387 PRM 6): FNSTENV and FNSAVE in the 32-bit format (FIP
; offset, FCS selector with FOP in bits 16-26 of the same dword, FDP
; offset, FDS selector) and in the 16-bit format (o16: offsets and
; selectors in words), FLDENV/FRSTOR back. Run with guest-run --cpu 386
; --fpu 80387 (and 486).
        org     100h
%include "pmlib.inc"

pm_main:
        PTEST   "fnstenv 32-bit protected-mode format"
        fninit
        fld1
fop_at: fadd    dword [f_3]             ; D8 05 disp32: FOP 005h
        fnstenv [env]
        movzx   eax, word [env]
        PCHK    eax, 0x037F
        movzx   eax, word [env+4]
        PCHK    eax, 0x3800             ; TOP = 7
        movzx   eax, word [env+8]
        PCHK    eax, 0x3FFF             ; R7 valid
        PCHK    [env+12], fop_at        ; FIP: the offset
        mov     eax, [env+16]
        and     eax, 0x07FFFFFF
        PCHK    eax, 0x00050000 | SEL_CODE32 ; FOP in 16-26, FCS
        PCHK    [env+20], f_3           ; FDP
        movzx   eax, word [env+24]
        PCHK    eax, SEL_DATA32         ; FDS
        PENDT

        PTEST   "fnstenv 16-bit protected-mode format"
        o16 fnstenv [env]
        movzx   eax, word [env]
        PCHK    eax, 0x037F
        movzx   eax, word [env+6]
        PCHK    eax, fop_at             ; FIP offset
        movzx   eax, word [env+8]
        PCHK    eax, SEL_CODE32         ; FCS
        movzx   eax, word [env+10]
        PCHK    eax, f_3                ; FDP offset
        movzx   eax, word [env+12]
        PCHK    eax, SEL_DATA32         ; FDS
        PENDT

        PTEST   "fsave frstor 32-bit"
        fldcw   [cw_up]
        fnsave  [env]                   ; 28 + 80 bytes, then FNINIT
        fnstcw  [w]
        movzx   eax, word [w]
        PCHK    eax, 0x037F
        mov     eax, [env+28+4]         ; ST(0) = 4.0: 4001:8000000000000000
        PCHK    eax, 0x80000000
        movzx   eax, word [env+28+8]
        PCHK    eax, 0x4001
        frstor  [env]
        fnstcw  [w]
        movzx   eax, word [w]
        PCHK    eax, 0x0B7F
        fistp   word [w]
        movzx   eax, word [w]
        PCHK    eax, 4
        PENDT

        PTEST   "fldenv 16-bit"
        fninit
        mov     word [env], 0x0F7F      ; CW: chop
        mov     word [env+2], 0x3000    ; TOP = 6
        mov     word [env+4], 0xFFFF    ; all empty
        o16 fldenv [env]
        fnstcw  [w]
        movzx   eax, word [w]
        PCHK    eax, 0x0F7F
        fnstsw  ax
        movzx   eax, ax
        PCHK    eax, 0x3000
        fninit
        PENDT

        jmp     pm_exit

w:      dw 0
f_3:    dd 3.0
cw_up:  dw 0x0B7F
        align 4
env:    times 108 db 0
