; pmtask.asm - task switches (Intel 80386 PRM chapter 7): JMP to a TSS
; and back, CALL (NT and the back link) with IRET back, a task gate in
; the IDT, busy TSSs, a 286 TSS with 16-bit code, an LDT loaded by the
; switch, a too-small TSS (#TS), CR0.TS, and the registers each task keeps.
        org     100h
%include "pmlib.inc"

SEL_TSSB        equ 50h         ; 386 TSS, task B
SEL_TSSC        equ 58h         ; 386 TSS, task C (through a task gate)
SEL_TSS2        equ 60h         ; 286 TSS, task D
SEL_TSSBAD      equ 68h         ; 386 TSS with a limit too small
SEL_LDT         equ 70h         ; task C's LDT
SEL_LDTDATA     equ 04h         ; its first entry: data at SCRATCH
SEL_TASKGATE    equ 78h         ; task gate to task B in the GDT
SCRATCH         equ 8000h
VEC_TASK        equ 38h

pm_main:
        SETDESC SEL_TSSB, PM_BASE + tss_b, 67h, 89h, 0
        SETDESC SEL_TSSC, PM_BASE + tss_c, 67h, 89h, 0
        SETDESC SEL_TSS2, PM_BASE + tss_d, 2Bh, 81h, 0
        SETDESC SEL_TSSBAD, PM_BASE + tss_b, 50h, 89h, 0
        SETDESC SEL_LDT, PM_BASE + ldt_c, 7, 82h, 0
        mov     dword [gdt + SEL_TASKGATE], SEL_TSSB << 16
        mov     dword [gdt + SEL_TASKGATE + 4], 8500h
        mov     word [idt + VEC_TASK * 8 + 2], SEL_TSSC
        mov     byte [idt + VEC_TASK * 8 + 5], 85h      ; task gate
        ; task B starts at task_b with its own stack
        mov     dword [tss_b + 20h], task_b
        mov     dword [tss_b + 38h], 0F000h
        mov     dword [tss_b + 24h], 2
        mov     dword [tss_c + 20h], task_c
        mov     dword [tss_c + 38h], 0E800h
        mov     dword [tss_c + 24h], 2
        mov     word [tss_d + 0Eh], task_d
        mov     word [tss_d + 1Ah], 0E400h
        mov     word [tss_d + 10h], 2

        PTEST   "jmp to a task and back"
        mov     ebx, 0B0B0B0Bh
        mov     esi, 51515151h
        clts
        jmp     SEL_TSSB:0
back_from_b:                                    ; task B jumps back here
        PCHK    ebx, 0B0B0B0Bh                  ; our registers came back
        PCHK    esi, 51515151h
        PCHK    [b_ebx], 12345678h              ; B's came from its TSS
        PCHK    [b_cs], SEL_CODE32
        PCHK    [b_tr], SEL_TSSB
        mov     eax, [tss_b + 20h]              ; B's state was saved
        PCHK    eax, task_b.again
        mov     eax, cr0
        and     eax, 8                          ; TS
        PCHK    eax, 8
        str     ax
        movzx   eax, ax
        PCHK    eax, SEL_TSS
        movzx   eax, byte [gdt + SEL_TSSB + 5]  ; B is available again
        PCHK    eax, 89h
        PENDT

        PTEST   "call a task, iret back"
        call    SEL_TSSB:0
        PCHK    [b_nt], 4000h                   ; NT was set in B
        movzx   eax, word [tss_b]
        PCHK    eax, SEL_TSS                    ; the back link
        movzx   eax, byte [gdt + SEL_TSSB + 5]
        PCHK    eax, 89h
        movzx   eax, byte [gdt + SEL_TSS + 5]
        PCHK    eax, 8Bh                        ; we are busy
        pushfd
        pop     eax
        and     eax, 4000h
        PCHK    eax, 0                          ; and not nested
        PENDT

        PTEST   "busy tss and task gate"
        FAULT   13, SEL_TSS, jmp SEL_TSS:0      ; the running task is busy
        call    SEL_TASKGATE:0                  ; through a task gate
        PCHK    [b_nt], 4000h
        PENDT

        PTEST   "task gate in the idt, ldt"
        mov     dword [c_value], 0
        int     VEC_TASK
        PCHK    [c_value], 0C0FFEEh
        PCHK    [c_ldtr], SEL_LDT
        PCHK    [c_ds], SEL_LDTDATA
        PCHK    [SCRATCH], 0C0FFEEh
        PENDT

        PTEST   "286 tss"
        call    SEL_TSS2:0
        PCHK    [d_ax], 3
        PENDT

        PTEST   "tss too small"
        FAULT   10, SEL_TSSBAD, jmp SEL_TSSBAD:0
        PENDT
        jmp     pm_exit

; Task B: first entered by JMP (records, jumps back), then by CALL (records
; NT, IRETs back), then through the task gate.
task_b:
        mov     ax, SEL_DATA32
        mov     ds, ax
        mov     [b_ebx], ebx
        mov     [b_cs], cs
        str     [b_tr]
        jmp     SEL_TSS:0                       ; back to the kernel task
.again:
        pushfd
        pop     eax
        and     eax, 4000h
        mov     [b_nt], eax
        iretd
        jmp     .again

; Task C (from INT 38h): uses its LDT, then returns.
task_c:
        mov     ax, SEL_DATA32
        mov     es, ax
        sldt    [es:c_ldtr]
        mov     ax, SEL_LDTDATA
        mov     ds, ax
        mov     [es:c_ds], ds
        mov     dword [0], 0C0FFEEh
        mov     dword [es:c_value], 0C0FFEEh
        iretd
        jmp     task_c

        bits    16
task_d:                                         ; a 286 task: 16-bit code
        xor     ax, ax
        mov     cx, 2
.l:     inc     ax
        loop    .l
        inc     ax
        mov     bx, SEL_DATA32
        mov     ds, bx
        mov     [d_ax], ax
        iret
        bits    32

        align   4
b_ebx:  dd 0
b_cs:   dd 0
b_tr:   dd 0
b_nt:   dd 0
c_value: dd 0
c_ldtr: dd 0
c_ds:   dd 0
d_ax:   dd 0

        align   8
ldt_c:  DESC    PM_BASE + SCRATCH, 0FFFh, 92h, 4

; Task B's 386 TSS: segments of the kernel, its own EIP/ESP/EBX.
        align   4
tss_b:  dd      0, 0FF00h, SEL_DATA32, 0, 0, 0, 0
        dd      0                       ; CR3
        dd      0, 2                    ; EIP, EFLAGS (set above)
        dd      0, 0, 0, 12345678h, 0, 0, 0, 0  ; EAX ECX EDX EBX ESP EBP ESI EDI
        dd      SEL_DATA32, SEL_CODE32, SEL_DATA32, SEL_DATA32, SEL_DATA32, SEL_DATA32
        dd      0                       ; LDT
        dw      0, 68h                  ; T, I/O map base (none)
tss_c:  dd      0, 0FF00h, SEL_DATA32, 0, 0, 0, 0
        dd      0
        dd      0, 2
        dd      0, 0, 0, 0, 0, 0, 0, 0
        dd      SEL_DATA32, SEL_CODE32, SEL_DATA32, SEL_DATA32, SEL_DATA32, SEL_DATA32
        dd      SEL_LDT
        dw      0, 68h
; Task D's 286 TSS.
tss_d:  dw      0, 0FF00h, SEL_DATA16, 0, 0, 0, 0
        dw      0, 2                    ; IP, FLAGS
        dw      0, 0, 0, 0, 0, 0, 0, 0  ; AX CX DX BX SP BP SI DI
        dw      SEL_DATA16, SEL_CODE16, SEL_DATA16, SEL_DATA16
        dw      0                       ; LDT
