; x87old.asm - what differs on the 8087 and 80287 (Intel 8087 data sheet,
; 80287 PRM): FNINIT leaves CW = 03FFh (the 8087's interrupt-enable mask,
; bit 7, set); FNENI clears and FNDISI sets that mask on the 8087 and do
; nothing on the 287, which ignores FNSETPM too here; the constants are
; rounded to nearest whatever RC says (80387 PRM: "the 387 rounds the
; constants by RC; the 8087 and 287 do not"). Run with guest-run --cpu 8086
; --fpu 8087 and --cpu 286 --fpu 80287.
        org     100h
        cpu     8086
%include "lib.inc"

        TEST    "fninit control word"
        fninit
        fnstcw  [w]
        CHK16   [w], 0x03FF
        ENDTEST

        TEST    "fneni fndisi"
        push    sp                      ; the 8086 pushes SP - 2, the 286 SP
        pop     ax
        cmp     ax, sp
        jne     .is8087
        mov     word [want_eni], 0x0080 ; the 287: FNENI does nothing
.is8087:
        fninit
        db      0xDB, 0xE0              ; FNENI
        fnstcw  [w]
        mov     ax, [w]
        and     ax, 0x0080
        mov     [w], ax
        CHK16   [w], [want_eni]
        db      0xDB, 0xE1              ; FNDISI
        fnstcw  [w]
        CHK16   [w], 0x03FF
        ENDTEST

        TEST    "constants to nearest under any RC"
        fninit
        fldcw   [cw_down]
        fldpi                           ; C90FDAA22168C234 C4..: to nearest ...C235
        fstp    tword [t]
        CHK16   [t], 0xC235
        fldcw   [cw_up]
        fldl2t                          ; D49A784BCD1B8AFE 49..: to nearest ...8AFE
        fstp    tword [t]
        CHK16   [t], 0x8AFE
        ENDTEST

        FINISH

w:      dw 0
t:      times 10 db 0
cw_down: dw 0x07FF
cw_up:  dw 0x0BFF
want_eni: dw 0x0000                     ; the 8087: FNENI clears IEM
