; prefetch.asm - the instruction prefetch queue as the CPU models have it
; (src/cpu/prefetch.c; docs/cpu-speed.md, "Session 16 (issue 13): the
; prefetch queue"): a write by an instruction to the bytes after it that
; its queue holds is not seen until a jump, an interrupt or the
; single-step trap empties the queue.
; Assembled once per queue length: -DPQ=4 (8088), 6 (8086, 80186, 80286), 16 (80386),
; 32 (80486), 0 (the model off: the Pentium's behaviour). Each test runs
; three passes (recorded, then cached or compiled). 8086 code.
        org     100h
        cpu     8086
%include "lib.inc"

; One probe: the byte k bytes after the start of a 2-byte MOV (AL = 42h)
; becomes INC DX; the old byte is a NOP. DX counts the probes that saw the
; write.
%macro PROBE 1
        mov     bx, %%t
        mov     [bx], al                ; 88 07
        times (%1 - 2) nop
%%t:    nop
        mov     byte [%%t], 0x90        ; (behind itself: seen by the next pass)
%endmacro

        TEST    "the queue's length from patches k bytes ahead"
        mov     bp, 3
q1_:    xor     dx, dx
        mov     al, 0x42                ; INC DX
%assign k 2
%rep 39
        PROBE   k
%assign k k + 1
%endrep
        ; probes k = 2 .. 40 saw the write when k >= Q (from 2 on)
        mov     ax, 39
        sub     ax, dx                  ; probes that ran the old byte
        add     ax, 2
        mov     bx, ax
%if PQ == 0
        CHK16   bx, 2
%else
        CHK16   bx, PQ
%endif
        dec     bp
        jz      q1e_
        jmp     q1_
q1e_:   ENDTEST

        TEST    "rep stosb over the bytes after it"
        push    ds
        pop     es
        cld
        mov     bp, 3
q2_:    mov     di, q2run_
        mov     cx, 40
        mov     al, 0x90                ; NOP over each INC DX
        xor     dx, dx
        rep     stosb                   ; F3 AA: its queue holds PQ - 2 of them
q2run_: times 40 inc dx
%if PQ == 0
        CHK16   dx, 0
%else
        CHK16   dx, PQ - 2
%endif
        mov     di, q2run_
        mov     cx, 40
        mov     al, 0x42                ; INC DX again (far behind this one)
        rep     stosb
        dec     bp
        jnz     q2_
        ENDTEST

        TEST    "a jump to the next instruction empties the queue"
        mov     bp, 3
        xor     dx, dx
        mov     al, 0x42                ; INC DX
q3_:    mov     bx, q3t_
        mov     [bx], al                ; 88 07: q3t_ is 4 bytes on
        jmp     short q3t_              ; EB 00
q3t_:   nop                             ; INC DX on every model
        mov     byte [q3t_], 0x90
        mov     bx, q3u_
        cmp     ax, ax
        mov     [bx], al
        jz      q3u_                    ; taken, to the next instruction
q3u_:   nop
        mov     byte [q3u_], 0x90
        mov     bx, q3v_
        cmp     ax, ax
        mov     [bx], al
        jnz     q3v_                    ; not taken: the queue stays
q3v_:   nop
        mov     byte [q3v_], 0x90
        dec     bp
        jnz     q3_
%if PQ <= 4
        CHK16   dx, 9                   ; (the 8088's queue ends before q3v_)
%else
        CHK16   dx, 6
%endif
        ENDTEST

        TEST    "an instruction half in the queue"
        mov     bp, 3
q4_:    mov     bx, q4t_ + 1
        mov     word [bx], 0x1111
        mov     ax, 0xBBAA
        jmp     short q4w_
q4w_:   mov     [bx], ax                ; 89 07: writes the imm of q4t_, at PQ - 1 and PQ
%if PQ == 0
        times 2 nop
%else
        times (PQ - 4) nop
%endif
q4t_:   mov     ax, 0x1111              ; B8 iw: its low byte in the queue, its high byte not
%if PQ == 0
        CHK16   ax, 0xBBAA
%else
        CHK16   ax, 0xBB11
%endif
        dec     bp
        jnz     q4_
        ENDTEST

        TEST    "the single-step trap empties the queue"
        mov     bp, 3
        xor     dx, dx
q5_:    pushf
        pop     ax
        or      ax, 0x0100
        push    ax
        popf                            ; TF: traps after the next instruction
        mov     byte [q5t_], 0x42       ; trap after it (INT 1: an IRET)
q5t_:   nop                             ; INC DX on every model
        pushf
        pop     ax
        and     ax, 0xFEFF
        push    ax
        popf
        mov     byte [q5t_], 0x90
        dec     bp
        jnz     q5_
        CHK16   dx, 3
        ENDTEST

        TEST    "an interrupt empties the queue"
        mov     bp, 3
        xor     dx, dx
        mov     al, 0x42
q6_:    mov     bx, q6t_
        mov     [bx], al                ; q6t_ is 4 bytes on
        int     60h                     ; an IRET
q6t_:   nop
        mov     byte [q6t_], 0x90
        dec     bp
        jnz     q6_
        CHK16   dx, 3
        ENDTEST

        TEST    "the queue runs on into the next page"
        push    ds
        pop     es
        cld
        mov     ax, cs
        mov     cl, 4
        shl     ax, cl                  ; the low 16 bits of CS's base
        neg     ax
        and     ax, 0FFFh
        add     ax, 8000h               ; a 4 KiB boundary in this segment
        mov     bp, ax
        lea     di, [bp - 3]
        mov     si, q7code_
        mov     cx, Q7LEN
        rep     movsb
        mov     cx, 3
        xor     dx, dx
q7_:    mov     bx, bp
        mov     al, 0x42
        lea     si, [bp - 3]
        call    si                      ; its write lands on the next page
        mov     byte [bx], 0x90
        loop    q7_
%if PQ == 0
        CHK16   dx, 3
%else
        CHK16   dx, 0
%endif
        ENDTEST

        FINISH

; Copied to 3 bytes before a page boundary: the NOP after it is the next
; page's first byte, 3 bytes after the MOV (in every queue, the 8088's 4
; bytes too).
q7code_: mov    [bx], al                ; 88 07
        nop
        nop                             ; (the boundary) INC DX when seen
        ret
Q7LEN   equ     $ - q7code_
