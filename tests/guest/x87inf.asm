; x87inf.asm - the 8087's and 80287's own arithmetic against the 387's,
; end to end (docs/x87.md "The 8087 and 80287"): run with guest-run --cpu
; 8086 --fpu 8087, --cpu 286 --fpu 80287 and --cpu 386 --fpu 80387. The
; program finds its coprocessor by FNINIT's control word (03FFh on the
; 8087/287, 037Fh on the 387) and expects each chip's results:
; - projective closure by default on the 8087/287 (CW.IC = 0 after FNINIT;
;   SDM Vol. 3 22.18.3): +inf + +inf is invalid (IE, the indefinite); the
;   387 is always affine (+inf, no IE), and so are the 8087/287 with IC = 1;
; - FTST of an infinity: not comparable (C3 C2 C0 = 111, IE) when
;   projective (80287 PRM Table 2-7); greater on the 387;
; - FCOM of +inf with -inf: equal when projective; greater on the 387;
; - a stack underflow: IE and SF (bit 6) on the 387, IE only on the
;   8087/287, where bit 6 is reserved (SDM Vol. 3 22.18.2.2);
; - a QNaN operand of FADD: IE on the 8087/287 only (22.18.5.1);
; - the tag of an unnormal: valid (00b) on the 8087/287, special (10b) on
;   the 387 (22.18.4);
; - FLD m80 of a denormal: DE on the 8087/287 only; FLD m64 of an SNaN:
;   IE on the 387 only (22.18.7.11);
; - FXTRACT of -0: ST(1) = +0 without an exception on the 8087/287, -inf
;   and ZE on the 387 (22.18.7.12).
        org     100h
        cpu     8086
%include "lib.inc"

; WANT old, new: [want] = old on the 8087/287, new on the 387.
%macro WANT 2
        mov     word [want], %2
        cmp     byte [is_old], 0
        je      %%done
        mov     word [want], %1
%%done:
%endmacro

        fninit
        fnstcw  [w]
        cmp     word [w], 0x037F
        je      is387
        mov     byte [is_old], 1
is387:

        TEST    "inf + inf"
        fninit
        fld1
        fldz
        fdivp   st1, st0                ; +inf (ZE)
        fld     st0
        faddp   st1, st0
        fnstsw  [w]
        and     word [w], 0x0041        ; IE, SF
        WANT    0x0001, 0x0000
        CHK16   [w], [want]
        fstp    tword [t]
        WANT    0xFFFF, 0x7FFF          ; the indefinite / +inf
        CHK16   [t + 8], [want]
        ENDTEST

        TEST    "inf + inf affine"
        fninit
        fldcw   [cw_affine]
        fld1
        fldz
        fdivp   st1, st0
        fld     st0
        faddp   st1, st0
        fnstsw  [w]
        and     word [w], 0x0001
        CHK16   [w], 0x0000
        fstp    tword [t]
        CHK16   [t + 8], 0x7FFF
        ENDTEST

        TEST    "ftst inf"
        fninit
        fld1
        fchs
        fldz
        fdivp   st1, st0                ; -inf
        ftst
        fnstsw  [w]
        and     word [w], 0x4541        ; C3 C2 C0, IE, SF
        WANT    0x4501, 0x0100          ; unordered + IE / less
        CHK16   [w], [want]
        ENDTEST

        TEST    "fcom +inf -inf"
        fninit
        fld1
        fldz
        fdivp   st1, st0                ; +inf
        fld1
        fchs
        fldz
        fdivp   st1, st0                ; -inf
        fcomp   st1                     ; -inf : +inf
        fnstsw  [w]
        and     word [w], 0x4501
        WANT    0x4000, 0x0100          ; equal / less
        CHK16   [w], [want]
        ENDTEST

        TEST    "stack underflow"
        fninit
        fadd    st0, st1                ; both empty
        fnstsw  [w]
        and     word [w], 0x0041
        WANT    0x0001, 0x0041
        CHK16   [w], [want]
        ENDTEST

        TEST    "qnan operand"
        fninit
        fld     qword [qnan]            ; a load raises nothing
        fnstsw  [w]
        and     word [w], 0x00FF
        CHK16   [w], 0x0000
        fld1
        faddp   st1, st0
        fnstsw  [w]
        and     word [w], 0x0001
        WANT    0x0001, 0x0000
        CHK16   [w], [want]
        fstp    qword [q]
        CHK16   [q + 6], 0x7FF8         ; the NaN itself
        ENDTEST

        TEST    "unnormal tag"
        fninit
        fld     tword [unnormal]        ; FLD m80 loads it as it is
        fnstenv [env]
        mov     ax, [env + 4]           ; the tag word: ST(0) is R7
        and     ax, 0xC000
        mov     [w], ax
        WANT    0x0000, 0x8000
        CHK16   [w], [want]
        ENDTEST

        TEST    "loads"
        fninit
        fld     tword [denormal]
        fnstsw  [w]
        and     word [w], 0x0003        ; IE, DE
        WANT    0x0002, 0x0000
        CHK16   [w], [want]
        fninit
        fld     qword [snan]
        fnstsw  [w]
        and     word [w], 0x0003
        WANT    0x0000, 0x0001
        CHK16   [w], [want]
        ENDTEST

        TEST    "fxtract zero"
        fninit
        fldz
        fchs
        fxtract
        fnstsw  [w]
        and     word [w], 0x0007        ; IE, DE, ZE
        WANT    0x0000, 0x0004
        CHK16   [w], [want]
        fstp    tword [t]               ; the significand: -0
        CHK16   [t + 8], 0x8000
        fstp    tword [t]               ; the exponent
        WANT    0x0000, 0xFFFF          ; +0 / -inf
        CHK16   [t + 8], [want]
        ENDTEST

        FINISH

w:      dw 0
want:   dw 0
is_old: db 0
t:      times 10 db 0
q:      dq 0
qnan:   dq 0x7FF8000000000001
cw_affine: dw 0x13FF
unnormal: dq 0x4000000000000000         ; exponent 3FFFh, integer bit clear
        dw 0x3FFF
env:    times 14 db 0
denormal: dq 0x0000000000000001         ; exponent 0, integer bit clear
        dw 0
snan:   dq 0x7FF0000000000001
