; pm286.asm - 80286 protected mode (Intel 80286 PRM chapters 6-10): LMSW
; into protected mode (it cannot leave it again), 286 descriptors (24-bit
; bases), SMSW and SGDT as the 286 stores them, faults with error codes
; through 286 interrupt gates, CPL 3 and a 286 call gate copying word
; parameters, a task switch through a 286 TSS, 386 types refused. The 286
; leaves protected mode only by a reset: the program ends through the
; debug exit port (F4h); its output goes to port E9h.
        org     100h
        cpu     286

SEL_CODE        equ 08h
SEL_DATA        equ 10h
SEL_CODE3       equ 1Bh
SEL_DATA3       equ 23h
SEL_TSS         equ 28h
SEL_GATE        equ 33h         ; 286 call gate, DPL 3, 2 word parameters
SEL_TSSB        equ 38h
SEL_NP          equ 40h         ; data, not present
SEL_LIM         equ 48h         ; data, limit FFh
SEL_TSS386      equ 50h         ; a 386 TSS descriptor: no such type on the 286
BASE            equ 10000h
STACK0          equ 0FF00h
STACK3          equ 0E000h

        jmp     start

%macro PTEST 1
        jmp     %%over
%%n:    db      %1, 0
%%over: mov     word [name], %%n
        mov     byte [failed], 0
        mov     word [checks], 0
%endmacro
%macro PENDT 0
        call    endtest
%endmacro
%macro PCHK 2
        push    ax
        push    bx
        mov     ax, %1
        mov     bx, %2
        call    check
        pop     bx
        pop     ax
%endmacro
%macro FAULT 3+
        mov     word [resume], %%r
        mov     [resume_sp], sp
        mov     word [exc_vec], -1
        mov     word [exc_err], -1
        %3
%%r:    mov     word [resume], 0
        PCHK    [exc_vec], %1
        PCHK    [exc_err], %2
%endmacro

%define ABS(x) ((x) - $$ + 100h)
%macro DESC 3                   ; base, limit, access
        dw      (%2) & 0FFFFh
        dw      (%1) & 0FFFFh
        db      ((%1) >> 16) & 0FFh
        db      %3
        dw      0
%endmacro
%macro GATE 4                   ; selector, offset, access, word count
        dw      %2
        dw      %1
        db      %4
        db      %3
        dw      0
%endmacro

        align   8
gdt:    dq      0
        DESC    BASE, 0FFFFh, 9Ah
        DESC    BASE, 0FFFFh, 92h
        DESC    BASE, 0FFFFh, 0FAh
        DESC    BASE, 0FFFFh, 0F2h
        DESC    BASE + ABS(tss), 2Bh, 81h
        GATE    SEL_CODE, ABS(gate_target), 0E4h, 2
        DESC    BASE + ABS(tss_b), 2Bh, 81h
        DESC    BASE, 0FFFFh, 12h
        DESC    BASE + 8000h, 0FFh, 92h
        DESC    BASE + ABS(tss), 67h, 89h
gdt_end:
gdtr:   dw      gdt_end - gdt - 1
        dd      BASE + ABS(gdt)

idt:
%assign v 0
%rep 49
%if v == 30h
        GATE    SEL_CODE, ABS(stub_ %+ v), 0E6h, 0
%else
        GATE    SEL_CODE, ABS(stub_ %+ v), 86h, 0
%endif
%assign v v + 1
%endrep
idt_end:
idtr:   dw      idt_end - idt - 1
        dd      BASE + ABS(idt)

tss:    dw      0, STACK0, SEL_DATA, 0, 0, 0, 0
        times   16 dw 0
        dw      0                       ; LDT
tss_b:  dw      0, STACK0, SEL_DATA, 0, 0, 0, 0
        dw      task_b, 2               ; IP, FLAGS
        dw      0, 0, 0, 4321h, 0E800h, 0, 0, 0 ; AX CX DX BX SP BP SI DI
        dw      SEL_DATA, SEL_CODE, SEL_DATA, SEL_DATA
        dw      0

name:   dw      0
failed: db      0
any:    db      0
checks: dw      0
exc_vec: dw     -1
exc_err: dw     -1
resume: dw      0
resume_sp: dw   0
tmp:    times   8 db 0
b_bx:   dw      0

start:
        cli
        lgdt    [gdtr]
        lidt    [idtr]
        smsw    ax
        or      ax, 1
        lmsw    ax
        jmp     SEL_CODE:pm
pm:     mov     ax, SEL_DATA
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     sp, STACK0
        mov     ax, SEL_TSS
        ltr     ax

        PTEST   "enter protected mode"
        smsw    ax
        PCHK    ax, 0FFF1h              ; the unused bits read as ones
        xor     ax, ax
        lmsw    ax                      ; LMSW cannot clear PE
        smsw    ax
        PCHK    ax, 0FFF1h
        sgdt    [tmp]
        PCHK    [tmp], gdt_end - gdt - 1
        PCHK    [tmp + 4], (BASE >> 16) | 0FF00h        ; base 23:16, then FFh
        str     ax
        PCHK    ax, SEL_TSS
        PENDT

        PTEST   "faults"
        mov     ax, SEL_LIM
        mov     es, ax
        FAULT   13, 0, mov al, [es:100h]
        mov     ax, SEL_NP
        FAULT   11, SEL_NP, mov es, ax
        FAULT   6, -1, db 0Fh, 0FFh
        FAULT   13, 40h * 8 + 2, int 40h
        mov     ax, SEL_TSS386
        FAULT   13, SEL_TSS386, ltr ax
        xor     cx, cx
        FAULT   0, -1, div cx
        mov     ax, SEL_DATA
        mov     es, ax
        PENDT

        PTEST   "cpl 3 and a call gate"
        mov     [resume_sp], sp
        mov     word [resume], .back
        push    SEL_DATA3
        push    STACK3
        pushf
        push    SEL_CODE3
        push    .r3
        iret
.r3:    mov     ax, SEL_DATA3
        mov     ds, ax
        push    1111h
        push    2222h
        call    SEL_GATE:0
        mov     [tmp], ax               ; the gate's CPL
        mov     [tmp + 2], bx           ; its first parameter
        mov     [tmp + 4], sp
        int     30h
.back:  PCHK    [exc_vec], 30h
        PCHK    [tmp], 0
        PCHK    [tmp + 2], 2222h
        PCHK    [tmp + 4], STACK3       ; RETF 4 removed the parameters
        PENDT

        PTEST   "286 task switch"
        mov     bx, 0ABCDh
        call    SEL_TSSB:0
        PCHK    bx, 0ABCDh
        PCHK    [b_bx], 4321h
        PENDT

        mov     al, [any]
        out     0F4h, al
.hang:  hlt
        jmp     .hang

task_b: mov     [b_bx], bx
        iret

gate_target:                            ; CPL in AX, the last-pushed parameter in BX
        mov     ax, cs
        and     ax, 3
        mov     bp, sp
        mov     bx, [bp + 4]
        retf    4

; ---- output ----
putc:   out     0E9h, al
        ret
puts:   push    ax
.n:     lodsb
        test    al, al
        jz      .d
        out     0E9h, al
        jmp     .n
.d:     pop     ax
        ret
hex16:  push    ax
        push    cx
        mov     cx, 4
.l:     rol     ax, 4
        push    ax
        and     al, 0Fh
        add     al, '0'
        cmp     al, '9'
        jbe     .o
        add     al, 7
.o:     out     0E9h, al
        pop     ax
        loop    .l
        pop     cx
        pop     ax
        ret
crlf:   mov     al, 13
        out     0E9h, al
        mov     al, 10
        out     0E9h, al
        ret
check:  inc     word [checks]
        cmp     ax, bx
        je      .ok
        push    si
        mov     si, s_fail
        call    puts
        mov     si, [name]
        call    puts
        mov     si, s_check
        call    puts
        push    ax
        mov     ax, [checks]
        call    hex16
        pop     ax
        mov     si, s_got
        call    puts
        call    hex16
        mov     si, s_want
        call    puts
        mov     ax, bx
        call    hex16
        call    crlf
        pop     si
        mov     byte [failed], 1
        mov     byte [any], 1
.ok:    ret
endtest:
        cmp     byte [failed], 0
        jne     .d
        push    si
        mov     si, s_pass
        call    puts
        mov     si, [name]
        call    puts
        call    crlf
        pop     si
.d:     ret
s_pass: db "PASS ", 0
s_fail: db "FAIL ", 0
s_check: db ": check ", 0
s_got:  db " got ", 0
s_want: db " want ", 0
s_unexp: db "FAIL unexpected exception ", 0

; ---- exceptions: 8 and 10-13 push an error code ----
%assign v 0
%rep 49
stub_ %+ v:
%if v != 8 && (v < 10 || v > 13)
        push    -1
%endif
        push    v
        jmp     exc_common
%assign v v + 1
%endrep
exc_common:
        push    ax
        push    bp
        mov     ax, SEL_DATA
        mov     ds, ax
        mov     bp, sp
        mov     ax, [bp + 4]
        mov     [exc_vec], ax
        mov     ax, [bp + 6]
        mov     [exc_err], ax
        cmp     word [resume], 0
        je      .unexpected
        mov     ss, [cs:sel_data]
        mov     sp, [resume_sp]
        push    word [resume]
        mov     word [resume], 0
        mov     ax, SEL_DATA
        mov     es, ax
        ret
.unexpected:
        mov     si, s_unexp
        call    puts
        mov     ax, [exc_vec]
        call    hex16
        call    crlf
        mov     al, 1
        out     0F4h, al
.h:     hlt
        jmp     .h
sel_data: dw    SEL_DATA
