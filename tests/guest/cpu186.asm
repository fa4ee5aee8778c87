; cpu186.asm - instructions the 80186 added to the 8086 set: PUSHA/POPA,
; ENTER/LEAVE (nesting levels 0-2), BOUND with an index in range (no #BR),
; IMUL r, r/m, imm8/imm16, shifts and rotates by imm8, PUSH imm.
; Run with guest-run --cpu 186; it must pass unchanged on the 286 and 386.
        org     100h
        cpu     186
%include "lib.inc"

        TEST    "pusha popa"
        mov     ax, 0x1111
        mov     cx, 0x2222
        mov     dx, 0x3333
        mov     bx, 0x4444
        mov     bp, 0x6666
        mov     si, 0x7777
        mov     di, 0x8888
        mov     [save_sp], sp
        pusha
        mov     [pushed_sp], sp
        mov     bp, sp
        CHK16   word [bp+14], 0x1111    ; AX is pushed first (highest address)
        CHK16   word [bp+12], 0x2222
        CHK16   word [bp+10], 0x3333
        CHK16   word [bp+8], 0x4444
        mov     dx, [save_sp]
        CHK16   word [bp+6], dx         ; SP as it was before PUSHA
        CHK16   word [bp+4], 0x6666
        CHK16   word [bp+2], 0x7777
        CHK16   word [bp+0], 0x8888
        sub     dx, 16
        CHK16   [pushed_sp], dx
        mov     word [bp+6], 0x0BAD     ; POPA discards the stored SP
        xor     ax, ax
        mov     cx, ax
        mov     dx, ax
        mov     bx, ax
        mov     bp, ax
        mov     si, ax
        mov     di, ax
        popa
        CHK16   ax, 0x1111
        CHK16   cx, 0x2222
        CHK16   dx, 0x3333
        CHK16   bx, 0x4444
        CHK16   bp, 0x6666
        CHK16   si, 0x7777
        CHK16   di, 0x8888
        mov     ax, sp
        CHK16   ax, [save_sp]
        ENDTEST

        TEST    "enter leave level 0"
        mov     bp, 0x1234
        mov     [save_sp], sp
        enter   8, 0
        mov     [frame_bp], bp
        mov     [frame_sp], sp
        mov     dx, [save_sp]
        sub     dx, 2
        CHK16   [frame_bp], dx          ; BP = SP after pushing BP
        sub     dx, 8
        CHK16   [frame_sp], dx
        mov     si, [frame_bp]
        CHK16   word [si], 0x1234       ; the old BP
        leave
        CHK16   bp, 0x1234
        mov     ax, sp
        CHK16   ax, [save_sp]
        ENDTEST

        TEST    "enter level 1 and 2"
        push    word 0xAAAA             ; a "previous frame": [BP-2] = 0xAAAA
        mov     bp, sp
        add     bp, 2
        mov     [outer_bp], bp
        mov     [save_sp], sp           ; S
        enter   6, 2
        mov     [frame_bp], bp
        mov     [frame_sp], sp
        mov     dx, [save_sp]
        sub     dx, 2
        CHK16   [frame_bp], dx          ; BP = S - 2
        sub     dx, 10
        CHK16   [frame_sp], dx          ; SP = S - 2 - 2 (copy) - 2 (frame) - 6
        mov     si, [frame_bp]
        mov     dx, [outer_bp]
        CHK16   [si], dx                ; [S-2] = old BP
        CHK16   word [si-2], 0xAAAA     ; copied from the old frame's [BP-2]
        CHK16   [si-4], si              ; the new frame pointer
        leave
        CHK16   bp, [outer_bp]
        enter   0, 1                    ; level 1: pushes the frame pointer only
        mov     si, bp
        mov     dx, sp
        add     dx, 2
        CHK16   si, dx
        CHK16   [si-2], si
        leave
        mov     ax, sp
        CHK16   ax, [save_sp]
        add     sp, 2                   ; drop the 0xAAAA word
        ENDTEST

        TEST    "bound in range"
        mov     ax, -5
        bound   ax, [limits]               ; lower bound
        mov     ax, 10
        bound   ax, [limits]               ; upper bound
        mov     bx, limits
        mov     si, 2
        mov     dx, 0
        bound   dx, [bx+si-2]
        CHK16   ax, 10                  ; reached: nothing faulted
        ENDTEST

        TEST    "imul imm"
        mov     bx, 100
        imul    ax, bx, 7
        CHK16   ax, 700
        imul    cx, bx, -3
        CHK16   cx, -300
        mov     dx, 300
        imul    dx, dx, 300             ; 90000: truncated, CF = OF = 1
        CHKF    F_OF | F_CF, F_OF | F_CF
        CHK16   dx, 0x5F90
        mov     word [m16], 0x0123
        imul    si, [m16], 0x10
        CHKF    F_OF | F_CF, 0
        CHK16   si, 0x1230
        mov     di, 3
        imul    di, 1000
        CHK16   di, 3000
        ENDTEST

        TEST    "shifts by imm8"
        mov     ax, 0x8421
        shl     ax, 4
        CHKF    F_CF, 0
        CHK16   ax, 0x4210
        mov     ax, 0x8000
        sar     ax, 3
        CHK16   ax, 0xF000
        mov     bx, 0x0081
        rol     bl, 7
        CHKF    F_CF, 0
        CHK16   bx, 0x00C0
        mov     dx, 0x0005
        stc
        rcr     dx, 2                   ; 17-bit rotate through CF
        CHKF    F_CF, 0
        CHK16   dx, 0xC001
        mov     cx, 0xFFFF
        shr     cx, 15
        CHKF    F_CF, F_CF
        CHK16   cx, 1
        mov     word [m16], 0x00F0
        shl     word [m16], 8
        CHK16   word [m16], 0xF000
        ENDTEST

        TEST    "push imm"
        mov     bp, sp
        push    0x1234
        push    byte -2
        CHK16   word [bp-2], 0x1234
        CHK16   word [bp-4], 0xFFFE
        pop     ax
        pop     ax
        CHK16   ax, 0x1234
        ENDTEST

        FINISH

save_sp:   dw   0
pushed_sp: dw   0
frame_bp:  dw   0
frame_sp:  dw   0
outer_bp:  dw   0
limits:       dw   -5, 10
m16:       dw   0
