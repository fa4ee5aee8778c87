; pmdebug.asm - the debug registers (Intel 80386 PRM chapter 12): an
; instruction breakpoint (a fault before the instruction; RF lets it run
; after the handler's IRETD), data breakpoints on writes and on reads or
; writes (traps after the instruction), single-step (DR6.BS) and general
; detect (DR6.BD).
        org     100h
%include "pmlib.inc"

pm_main:
        mov     word [idt + 1 * 8], dbg_handler

        PTEST   "instruction breakpoint"
        mov     eax, PM_BASE + bp_target
        mov     dr0, eax
        mov     eax, 1                          ; L0, execute, 1 byte
        mov     dr7, eax
        xor     ebx, ebx
        mov     dword [dbg_count], 0
        inc     ebx
bp_target:
        inc     ebx                             ; stops here once, then runs with RF
        inc     ebx
        PCHK    ebx, 3
        PCHK    [dbg_count], 1
        PCHK    [dbg_eip], bp_target
        mov     eax, [dbg_dr6]
        and     eax, 0Fh
        PCHK    eax, 1
        xor     eax, eax
        mov     dr7, eax
        PENDT

        PTEST   "data breakpoint on writes"
        mov     eax, PM_BASE + watched
        mov     dr1, eax
        mov     eax, 4 | (1 << 20) | (3 << 22)  ; L1, write, 4 bytes
        mov     dr7, eax
        mov     dword [dbg_count], 0
        mov     eax, [watched]                  ; a read: nothing
        PCHK    [dbg_count], 0
        mov     byte [watched + 2], 5           ; inside the dword: a trap
after_write:
        PCHK    [dbg_count], 1
        PCHK    [dbg_eip], after_write          ; after the instruction
        mov     eax, [dbg_dr6]
        and     eax, 0Fh
        PCHK    eax, 2
        mov     byte [watched + 4], 5           ; next to it: nothing
        PCHK    [dbg_count], 1
        PENDT

        PTEST   "data breakpoint on reads"
        mov     eax, 4 | (3 << 20) | (1 << 22)  ; L1, read/write, 2 bytes
        mov     dr7, eax
        mov     dword [dbg_count], 0
        mov     al, [watched + 1]
        PCHK    [dbg_count], 1
        mov     al, [watched + 2]
        PCHK    [dbg_count], 1
        xor     eax, eax
        mov     dr7, eax
        PENDT

        PTEST   "single step"
        mov     dword [dbg_count], 0
        pushfd
        or      dword [esp], 100h               ; TF
        popfd
        nop                                     ; the trap comes after this one
after_nop:
        PCHK    [dbg_count], 1
        PCHK    [dbg_eip], after_nop
        mov     eax, [dbg_dr6]
        and     eax, 4000h
        PCHK    eax, 4000h
        PENDT

        PTEST   "general detect"
        mov     word [idt + 1 * 8], exc_stub_1  ; #DB as any exception now
        mov     eax, 2000h                      ; GD
        mov     dr7, eax
        FAULT   1, -1, mov eax, dr0
        mov     eax, dr6
        and     eax, 2000h
        PCHK    eax, 2000h
        mov     eax, dr7                        ; GD was cleared
        and     eax, 2000h
        PCHK    eax, 0
        PENDT
        jmp     pm_exit

; #DB: record DR6, EIP and the count, clear DR6, and return with RF set
; (and TF clear).
dbg_handler:
        push    eax
        mov     eax, dr6
        mov     [ss:dbg_dr6], eax
        xor     eax, eax
        mov     dr6, eax
        inc     dword [ss:dbg_count]
        mov     eax, [esp + 4]
        mov     [ss:dbg_eip], eax
        or      dword [esp + 12], 10000h
        and     dword [esp + 12], ~100h
        pop     eax
        iretd

        align   4
dbg_count:      dd 0
dbg_eip:        dd 0
dbg_dr6:        dd 0
watched:        dd 0, 0
