; x87.asm - the x87 (a 387) from real mode: FNINIT state, constants by
; rounding mode, arithmetic in the three precisions, every memory format,
; integer and BCD rounding, comparisons, masked exceptions and their
; responses, the stack fault, FXAM, FPREM/FPREM1, FSCALE, FXTRACT,
; transcendental values, FSAVE/FSTENV in the 16- and 32-bit real-mode
; formats. Run with guest-run --cpu 386 --fpu 80387.
;
; Expected values come from the Intel manuals (SDM Vol. 1 ch. 4 and 8,
; the instruction pages of Vol. 2) and from exact arithmetic outside this
; project (Python fractions and mpmath at 300 bits, rounded to 64 bits by
; hand; the values are quoted next to each check), not from mvdm.
        org     100h
        cpu     386
%define LIB_386
%include "lib.inc"

; CHKT addr, se, hi, lo: the 80-bit value at addr
%macro CHKT 4
        CHK     dword [%1], %4
        CHK     dword [%1+4], %3
        CHK16   word [%1+8], %2
%endmacro

        TEST    "fninit state"
        fninit
        fnstcw  [w]
        CHK16   [w], 0x037F
        mov     word [w], 0x5A5A
        fnstsw  [w]
        CHK16   [w], 0
        fnstenv [env]
        CHK16   word [env+4], 0xFFFF    ; tag word: all empty
        ENDTEST

        TEST    "constants by rounding mode"
        fninit
        fldpi                           ; pi = C90FDAA22168C234 C4C6..: rounds up to nearest
        fstp    tword [t]
        CHKT    t, 0x4000, 0xC90FDAA2, 0x2168C235
        fldl2e                          ; log2 e = B8AA3B295C17F0BB BE87..
        fstp    tword [t]
        CHKT    t, 0x3FFF, 0xB8AA3B29, 0x5C17F0BC
        fldl2t                          ; log2 10 = D49A784BCD1B8AFE 492B..: down to nearest
        fstp    tword [t]
        CHKT    t, 0x4000, 0xD49A784B, 0xCD1B8AFE
        fldlg2                          ; log10 2 = 9A209A84FBCFF798 8F89..
        fstp    tword [t]
        CHKT    t, 0x3FFD, 0x9A209A84, 0xFBCFF799
        fldln2                          ; ln 2 = B17217F7D1CF79AB C9E3..
        fstp    tword [t]
        CHKT    t, 0x3FFE, 0xB17217F7, 0xD1CF79AC
        fldcw   [cw_down]
        fldpi
        fstp    tword [t]
        CHKT    t, 0x4000, 0xC90FDAA2, 0x2168C234
        fldcw   [cw_up]
        fldl2t
        fstp    tword [t]
        CHKT    t, 0x4000, 0xD49A784B, 0xCD1B8AFF
        fld1
        fstp    tword [t]
        CHKT    t, 0x3FFF, 0x80000000, 0
        fldz
        fstp    tword [t]
        CHKT    t, 0, 0, 0
        ENDTEST

        TEST    "double and extended arithmetic"
        fninit
        fld     qword [d_01]            ; 0.1 + 0.2: exact sum rounded to 64 bits
        fadd    qword [d_02]            ; = 3FFD:9999999999999C00
        fld     st0
        fstp    tword [t]
        CHKT    t, 0x3FFD, 0x99999999, 0x99999C00
        fstp    qword [q]               ; then to double: 3FD3333333333334
        CHK     dword [q], 0x33333334
        CHK     dword [q+4], 0x3FD33333
        fld1                            ; 1/3 with PC = 53 bits: 3FD5555555555555
        fldcw   [cw_pc53]
        fdiv    dword [f_3]
        fstp    qword [q]
        CHK     dword [q], 0x55555555
        CHK     dword [q+4], 0x3FD55555
        fldcw   [cw_pc24]               ; 1/3 with PC = 24 bits: 3FFD:AAAAAB0000000000
        fld1
        fidiv   word [i16_3]
        fstp    tword [t]
        CHKT    t, 0x3FFD, 0xAAAAAB00, 0
        fldcw   [cw_near]
        fld     tword [two]             ; sqrt 2 = 3FFF:B504F333F9DE6484 (.597D..)
        fsqrt
        fstp    tword [t]
        CHKT    t, 0x3FFF, 0xB504F333, 0xF9DE6484
        fld     dword [f_3]             ; 3 - 7 = -4, 7 - 3 = 4 (FSUBR), 3 * 7, 7 / 3 rounded
        fld     dword [f_7]
        fsubr   st0, st1                ; st0 = st1 - st0 = -4
        fistp   word [w]
        CHK16   [w], -4
        fld     dword [f_7]
        fsub    st0, st1                ; 4
        fistp   word [w]
        CHK16   [w], 4
        fimul   dword [i32_7]           ; 21
        fist    word [w]
        CHK16   [w], 21
        fld     dword [f_3]
        fdivp   st1, st0                ; st1 = st1 / st0 = 7
        fistp   word [w]
        CHK16   [w], 7
        ENDTEST

        TEST    "integer stores round by RC"
        fninit
        fld     dword [f_m25]           ; -2.5
        fld     dword [f_25]            ; 2.5
        fist    word [w]                ; nearest even: 2
        CHK16   [w], 2
        fldcw   [cw_down]
        fist    word [w]
        CHK16   [w], 2
        fldcw   [cw_up]
        fist    word [w]
        CHK16   [w], 3
        fnstsw  ax                      ; inexact, rounded up: PE and C1
        and     ax, 0x0220
        CHK16   ax, 0x0220
        fldcw   [cw_chop]
        fist    word [w]
        CHK16   [w], 2
        fxch
        fldcw   [cw_near]
        fist    dword [dw]
        CHK     dword [dw], -2
        fldcw   [cw_down]
        fist    dword [dw]
        CHK     dword [dw], -3
        fldcw   [cw_chop]
        fistp   qword [q]
        CHK     dword [q], -2
        CHK     dword [q+4], -1
        fninit
        fild    dword [i32_big]         ; 40000: does not fit in 16 bits: IE, the integer indefinite
        fistp   word [w]
        CHK16   [w], 0x8000
        fnstsw  ax
        and     ax, 0x3F
        CHK16   ax, 1
        ENDTEST

        TEST    "packed BCD"
        fninit
        fild    dword [i32_bcd]         ; 123456789
        fbstp   [bcd]
        CHK     dword [bcd], 0x23456789
        CHK     dword [bcd+4], 0x00000001
        CHK16   word [bcd+8], 0
        fbld    [bcd_neg]               ; -987654321098765432
        fistp   qword [q]
        CHK     dword [q], 0xB6074B88   ; -987654321098765432 = F24B25A0B6074B88
        CHK     dword [q+4], 0xF24B25A0
        fldz
        fchs
        fbstp   [bcd]                   ; -0: the sign byte is 80h
        CHK16   word [bcd+8], 0x8000
        ENDTEST

        TEST    "compares"
        fninit
        fld1
        fld     tword [two]
        fcom    st1                     ; 2 > 1: C3 C2 C0 = 000
        fnstsw  ax
        and     ax, 0x4500
        CHK16   ax, 0
        fxch
        fcom    st1                     ; 1 < 2: C0
        fnstsw  ax
        sahf
        jnc     .bad
        fcomp   dword [f_1]             ; equal: C3
        fnstsw  ax
        and     ax, 0x4500
        CHK16   ax, 0x4000
        fld     tword [qnan]
        fucompp                         ; unordered, quiet: C3 C2 C0, no IE
        fnstsw  ax
        and     ax, 0x4501
        CHK16   ax, 0x4500
        fld     tword [qnan]
        ficom   word [i16_3]            ; FICOM with a QNaN: IE
        fnstsw  ax
        and     ax, 0x4501
        CHK16   ax, 0x4501
        fninit
        fld     dword [f_m25]
        ftst                            ; -2.5 < 0: C0
        fnstsw  ax
        and     ax, 0x4500
        CHK16   ax, 0x0100
        jmp     .ok
.bad:   CHK16   ax, 0xBAD
.ok:
        ENDTEST

        TEST    "masked exceptions"
        fninit
        fld1                            ; 1 / 0 = +inf, ZE
        fdiv    dword [f_0]
        fstp    tword [t]
        CHKT    t, 0x7FFF, 0x80000000, 0
        fnstsw  ax
        CHK16   ax, 0x0004
        fninit                          ; 0 / 0: the QNaN indefinite, IE
        fldz
        fdiv    dword [f_0]
        fstp    tword [t]
        CHKT    t, 0xFFFF, 0xC0000000, 0
        fnstsw  ax
        CHK16   ax, 0x0001
        fninit                          ; sqrt(-1): IE
        fld1
        fchs
        fsqrt
        fstp    tword [t]
        CHKT    t, 0xFFFF, 0xC0000000, 0
        fninit                          ; 2^-149 (denormal single): DE on the load
        fld     dword [f_den]
        fstp    tword [t]
        CHKT    t, 0x3F6A, 0x80000000, 0
        fnstsw  ax
        CHK16   ax, 0x0002
        fninit                          ; the largest double times 2, stored as a double: OE, PE, +inf
        fld     qword [d_max]
        fadd    st0, st0
        fstp    qword [q]
        CHK     dword [q+4], 0x7FF00000
        CHK     dword [q], 0
        fnstsw  ax
        CHK16   ax, 0x0228              ; C1 (rounded up to infinity), PE, OE
        fninit                          ; 2^-1000 as a single: UE, PE, +0
        fld     qword [d_tiny]
        fstp    dword [dw]
        CHK     dword [dw], 0
        fnstsw  ax
        CHK16   ax, 0x0030
        fninit                          ; an SNaN loaded from a double: IE, quieted
        fld     qword [d_snan]
        fstp    qword [q]
        CHK     dword [q+4], 0x7FF80000
        CHK     dword [q], 1
        fnstsw  ax
        CHK16   ax, 0x0001
        ENDTEST

        TEST    "stack fault"
        fninit
        mov     cx, 8
.push:  fld1
        loop    .push
        fldz                            ; the ninth: overflow, IE SF C1, the indefinite
        fnstsw  ax
        CHK16   ax, 0x3A41              ; TOP = 7
        fstp    tword [t]
        CHKT    t, 0xFFFF, 0xC0000000, 0
        fninit
        fadd    st0, st1                ; both empty: underflow, IE SF, C1 = 0
        fnstsw  ax
        CHK16   ax, 0x0041
        ENDTEST

        TEST    "fxam"
        fninit
        fxam                            ; empty: C3 C0 (C1: the stale sign)
        fnstsw  ax
        and     ax, 0x4500
        CHK16   ax, 0x4100
        fldz
        fchs
        fxam                            ; -0: C3, C1 = sign
        fnstsw  ax
        and     ax, 0x4700
        CHK16   ax, 0x4200
        fld     dword [f_den]
        fxam                            ; denormal... loaded as a normal extended: C2
        fnstsw  ax
        and     ax, 0x4700
        CHK16   ax, 0x0400
        fld     tword [qnan]
        fxam                            ; NaN: C0
        fnstsw  ax
        and     ax, 0x4700
        CHK16   ax, 0x0100
        fld     tword [ext_den]
        fxam                            ; extended denormal: C3 C2
        fnstsw  ax
        and     ax, 0x4700
        CHK16   ax, 0x4400
        fld     tword [unnormal]
        fxam                            ; unsupported: 000
        fnstsw  ax
        and     ax, 0x4700
        CHK16   ax, 0
        fldpi
        fdiv    dword [f_0]
        fxam                            ; +inf: C2 C0
        fnstsw  ax
        and     ax, 0x4700
        CHK16   ax, 0x0500
        ENDTEST

        TEST    "fprem fprem1 fscale fxtract frndint"
        fninit
        fild    word [i16_3]
        fild    word [i16_10]
        fprem                           ; 10 rem 3 = 1, q = 3: C1 = Q0, C3 = Q1, C0 = Q2
        fnstsw  ax
        and     ax, 0x4700
        CHK16   ax, 0x4200
        fistp   word [w]
        CHK16   [w], 1
        fild    word [i16_11]
        fprem1                          ; 11 - 4 * 3 = -1, q = 4: C0
        fnstsw  ax
        and     ax, 0x4700
        CHK16   ax, 0x0100
        fistp   word [w]
        CHK16   [w], -1
        fld     dword [f_15]            ; 1.5 * 2^3 = 12
        fscale
        fistp   word [w]
        CHK16   [w], 12
        fstp    st0
        fild    word [i16_12]           ; 12 = 1.5 * 2^3
        fxtract
        fstp    dword [dw]
        CHK     dword [dw], 0x3FC00000  ; 1.5
        fistp   word [w]
        CHK16   [w], 3
        fld     dword [f_25]            ; 2.5 to nearest even: 2
        frndint
        fistp   word [w]
        CHK16   [w], 2
        ENDTEST

        TEST    "transcendental values"
        fninit
        fld1
        fld1
        fpatan                          ; atan2(1, 1) = pi/4 = 3FFE:C90FDAA22168C235
        fstp    tword [t]
        CHKT    t, 0x3FFE, 0xC90FDAA2, 0x2168C235
        fld     dword [f_05]
        f2xm1                           ; 2^0.5 - 1 = 3FFD:D413CCCFE7799211
        fstp    tword [t]
        CHKT    t, 0x3FFD, 0xD413CCCF, 0xE7799211
        fld1
        fild    word [i16_8]
        fyl2x                           ; log2 8 = 3
        fistp   word [w]
        CHK16   [w], 3
        fldz
        fsincos                         ; cos 0 = 1 above sin 0 = 0
        fistp   word [w]
        CHK16   [w], 1
        fistp   word [w]
        CHK16   [w], 0
        fldz
        fptan                           ; tan 0 = 0, then 1.0 pushed
        fistp   word [w]
        CHK16   [w], 1
        fistp   word [w]
        CHK16   [w], 0
        fld     tword [big]             ; 2^63: out of range: C2, unchanged
        fsin
        fnstsw  ax
        and     ax, 0x0400
        CHK16   ax, 0x0400
        ENDTEST

        TEST    "fsave and fstenv formats"
        fninit
        fldcw   [cw_down]
        fld1
fop_here:
        fadd    dword [f_3]             ; 4: FOP = 0D8h:06h -> 006h, FIP = its linear address
        fsave   [env]                   ; 16-bit real-mode format: 14 + 80 bytes
        CHK16   word [env], 0x077F
        CHK16   word [env+2], 0x3800    ; TOP = 7
        CHK16   word [env+4], 0x3FFF    ; R7 valid, the rest empty
        mov     dx, cs
        movzx   edx, dx
        shl     edx, 4
        add     edx, fop_here
        CHK16   word [env+6], dx        ; FIP 15-0
        shr     edx, 16
        shl     dx, 12
        or      dx, 0x0006              ; FIP 19-16 in bits 15-12, FOP (D8 06 -> 0 06)
        CHK16   word [env+8], dx
        mov     dx, ds
        movzx   edx, dx
        shl     edx, 4
        add     edx, f_3
        CHK16   word [env+10], dx       ; FDP 15-0
        CHKT    env+14, 0x4001, 0x80000000, 0 ; ST(0) = 4
        fnstcw  [w]                     ; FSAVE ends with FNINIT
        CHK16   [w], 0x037F
        frstor  [env]
        fnstcw  [w]
        CHK16   [w], 0x077F
        fistp   word [w]
        CHK16   [w], 4
fnstenv_here:
        fld1
        o32 fnstenv [env]               ; 32-bit real-mode format: 28 bytes
        CHK16   word [env], 0x077F      ; CW, SW, TW in the low halves of dwords
        CHK16   word [env+4], 0x3800
        CHK16   word [env+8], 0x3FFF
        mov     dx, cs
        movzx   edx, dx
        shl     edx, 4
        add     edx, fnstenv_here
        CHK16   word [env+12], dx       ; FIP 15-0
        shr     edx, 16
        shl     edx, 12
        or      dx, 0x01E8              ; FIP 31-16 in bits 27-12, FOP (D9 E8: FLD1)
        CHK     dword [env+16], edx
        ENDTEST

        FINISH

w:      dw 0
dw:     dd 0
q:      dq 0
t:      times 10 db 0
        dw 0
bcd:    times 10 db 0
env:    times 108 db 0
cw_near: dw 0x037F
cw_down: dw 0x077F
cw_up:  dw 0x0B7F
cw_chop: dw 0x0F7F
cw_pc53: dw 0x027F
cw_pc24: dw 0x007F
d_01:   dq 0x3FB999999999999A           ; 0.1
d_02:   dq 0x3FC999999999999A           ; 0.2
d_max:  dq 0x7FEFFFFFFFFFFFFF
d_tiny: dq 0x0170000000000000           ; 2^-1000
d_snan: dq 0x7FF0000000000001
f_0:    dd 0.0
f_05:   dd 0.5
f_1:    dd 1.0
f_15:   dd 1.5
f_25:   dd 2.5
f_m25:  dd -2.5
f_3:    dd 3.0
f_7:    dd 7.0
f_den:  dd 0x00000001                   ; 2^-149
i16_3:  dw 3
i16_8:  dw 8
i16_10: dw 10
i16_11: dw 11
i16_12: dw 12
i32_7:  dd 7
i32_big: dd 40000
i32_bcd: dd 123456789
two:    dt 2.0
qnan:   dw 0, 0, 0, 0xC000, 0x7FFF
ext_den: dw 1, 0, 0, 0, 0
unnormal: dw 0, 0, 0, 0x4000, 0x4000
big:    dw 0, 0, 0, 0x8000, 0x403E      ; 2^63
bcd_neg: db 0x32, 0x54, 0x76, 0x98, 0x10, 0x32, 0x54, 0x76, 0x98, 0x80
