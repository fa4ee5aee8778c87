; pmbasic.asm - 386 protected mode as a small kernel sees it: entering it,
; segment loads and their faults with error codes, limits and rights,
; expand-down segments, exceptions through the IDT, CPL 3 and a call
; gate, IOPL and the I/O permission bitmap, LAR/LSL/VERR/VERW/ARPL, 16-bit
; and conforming code segments, and back to real mode by clearing PE.
; (Intel 80386 PRM chapters 5, 6, 8, 9; error codes 9.7.)
        org     100h
%include "pmlib.inc"

SEL_LIM         equ 50h         ; data, limit FFh
SEL_RO          equ 58h         ; read-only data
SEL_XO          equ 60h         ; execute-only code
SEL_RX          equ 68h         ; readable code
SEL_XDOWN       equ 70h         ; expand-down data, limit FFFh, B = 1
SEL_NP          equ 78h         ; data, not present
SEL_STK3        equ 83h         ; ring 3 stack, limit 1FFh (DPL 3)
SEL_CONF        equ 88h         ; conforming code, DPL 0
SCRATCH         equ 8000h       ; scratch memory (offset)

pm_main:
        PTEST   "enter protected mode"
        mov     eax, cs
        PCHK    eax, SEL_CODE32
        smsw    ax
        and     eax, 1
        PCHK    eax, 1
        str     ax
        movzx   eax, ax
        PCHK    eax, SEL_TSS
        sgdt    [scratch_gdtr]
        movzx   eax, word [scratch_gdtr]
        PCHK    eax, gdt_end - gdt - 1
        PCHK    [scratch_gdtr + 2], PM_BASE + gdt
        sidt    [scratch_gdtr]
        movzx   eax, word [scratch_gdtr]
        PCHK    eax, idt_end - idt - 1
        mov     eax, ss
        PCHK    eax, SEL_DATA32
        PENDT

        SETDESC SEL_LIM, PM_BASE + SCRATCH, 0FFh, 92h, 4
        SETDESC SEL_RO, PM_BASE + SCRATCH, 0FFFFh, 90h, 4
        SETDESC SEL_XO, PM_BASE, 0FFFFh, 98h, 4
        SETDESC SEL_RX, PM_BASE, 0FFFFh, 9Ah, 4
        SETDESC SEL_XDOWN, PM_BASE, 0FFFh, 96h, 4
        SETDESC SEL_NP, PM_BASE, 0FFFFh, 12h, 4
        SETDESC SEL_STK3, PM_BASE + SCRATCH, 1FFh, 0F2h, 4
        SETDESC SEL_CONF, PM_BASE, 0FFFFh, 9Eh, 4

        PTEST   "limits and rights"
        mov     ax, SEL_LIM
        mov     es, ax
        mov     byte [es:0FFh], 5Ah
        movzx   eax, byte [es:0FFh]
        PCHK    eax, 5Ah
        FAULT   13, 0, mov al, [es:100h]
        FAULT   13, 0, mov ax, [es:0FFh]
        FAULT   13, 0, mov dword [es:0FDh], 0
        mov     ax, SEL_RO
        mov     es, ax
        movzx   eax, byte [es:0FFh]
        PCHK    eax, 5Ah
        FAULT   13, 0, mov byte [es:0], 1
        mov     ax, SEL_RX
        mov     es, ax
        mov     eax, [es:pm_main]
        PCHK    eax, [pm_main]
        FAULT   13, 0, mov byte [es:SCRATCH], 1
        FAULT   13, 0, mov byte [cs:SCRATCH], 1
        mov     ax, SEL_XDOWN
        mov     es, ax
        mov     byte [es:1000h], 1
        FAULT   13, 0, mov al, [es:0FFFh]
        FAULT   13, 0, mov ax, [es:0FFFh]
        mov     eax, [es:0FFFFFFFCh]
        PENDT

        PTEST   "segment loads"
        mov     ax, SEL_XO
        FAULT   13, SEL_XO, mov es, ax
        mov     ax, SEL_NP
        FAULT   11, SEL_NP, mov es, ax
        mov     ax, SEL_TSS
        FAULT   13, SEL_TSS, mov es, ax
        mov     ax, 1000h
        FAULT   13, 1000h, mov es, ax
        mov     ax, 0FFFh                       ; RPL 3, TI (no LDT): index past it
        FAULT   13, 0FFCh, mov es, ax
        xor     eax, eax
        mov     es, ax                          ; null: fine to load ...
        FAULT   13, 0, mov al, [es:0]           ; ... not to use
        FAULT   13, 0, mov ss, ax
        mov     ax, SEL_DATA3
        FAULT   13, SEL_DATA3 & 0FFFCh, mov ss, ax
        mov     ax, SEL_RO
        FAULT   13, SEL_RO, mov ss, ax
        mov     ax, SEL_NP
        FAULT   12, SEL_NP, mov ss, ax
        mov     ax, SEL_DATA32 | 2              ; RPL above the DPL
        FAULT   13, SEL_DATA32, mov es, ax
        mov     ax, SEL_DATA3 & 0FFFCh          ; DPL 3 at CPL 0 with RPL 0: fine
        mov     es, ax
        mov     eax, es
        PCHK    eax, SEL_DATA3 & 0FFFCh
        mov     ax, SEL_DATA32
        mov     es, ax
        PENDT

        PTEST   "exceptions"
        xor     ecx, ecx
        FAULT   0, -1, div ecx
        FAULT   6, -1, ud2
        mov     eax, 10
        FAULT   5, -1, bound eax, [bounds]
        mov     al, 7Fh
        add     al, 1                           ; OF
        FAULT   4, -1, into
        FAULT   3, -1, int3
        FAULT   31h, -1, int 31h
        FAULT   13, 40h * 8 + 2, int 40h        ; past the IDT limit
        and     byte [idt + 2Fh * 8 + 5], 7Fh   ; a gate that is not present
        FAULT   11, 2Fh * 8 + 2, int 2Fh
        or      byte [idt + 2Fh * 8 + 5], 80h
        mov     word [idt + 2Eh * 8 + 2], SEL_DATA32    ; a gate to a data segment
        FAULT   13, SEL_DATA32, int 2Eh
        mov     word [idt + 2Eh * 8 + 2], SEL_CODE32
        mov     eax, 2Ch * 8 + 5
        mov     byte [idt + eax], 85h                   ; a task gate ...
        mov     word [idt + 2Ch * 8 + 2], SEL_LIM       ; ... to no TSS
        FAULT   13, SEL_LIM, int 2Ch
        mov     byte [idt + eax], 8Eh
        mov     word [idt + 2Ch * 8 + 2], SEL_CODE32
        PENDT

        PTEST   "cpl 3"
        RING3   {mov ebx, cs}
        PCHK    [exc_vector], 30h
        and     ebx, 3
        PCHK    ebx, 3
        RING3   cli
        PCHK    [exc_vector], 13
        PCHK    [exc_error], 0
        RING3   hlt
        PCHK    [exc_vector], 13
        RING3   {mov eax, cr0}
        PCHK    [exc_vector], 13
        RING3   lgdt [gdtr]
        PCHK    [exc_vector], 13
        RING3   int 31h                         ; the gate's DPL is 0
        PCHK    [exc_vector], 13
        PCHK    [exc_error], 31h * 8 + 2
        RING3   {mov ax, SEL_DATA32}
        PCHK    [exc_vector], 30h
        RING3   {mov ax, SEL_DATA32}, {mov es, ax}
        PCHK    [exc_vector], 13
        PCHK    [exc_error], SEL_DATA32
        RING3   {mov ax, SEL_DATA3}, {mov ss, ax}
        PCHK    [exc_vector], 30h
        RING3   {mov ax, SEL_STK3}, {mov ss, ax}, {mov esp, 2}, push eax
        PCHK    [exc_vector], 12
        PCHK    [exc_error], 0
        RING3   {mov ax, SEL_STK3}, {mov ss, ax}, {mov esp, 200h}, push eax, pop ebx
        PCHK    [exc_vector], 30h
        PENDT

        PTEST   "call gate"
        RING3   push dword 1234h, call SEL_GATE3:0, {mov [r3_eax], eax}, {mov [r3_ebx], ebx}, {mov [r3_ecx], ecx}, {mov [r3_esp], esp}, {mov [r3_cs], cs}
        PCHK    [exc_vector], 30h
        PCHK    [r3_eax], 0                     ; ran at CPL 0
        PCHK    [r3_ebx], 1234h                 ; the parameter was copied
        PCHK    [r3_ecx], SEL_CODE3             ; the caller's CS was pushed
        PCHK    [r3_esp], STACK3_TOP            ; RETF 4 removed the parameter
        movzx   eax, word [r3_cs]
        PCHK    eax, SEL_CODE3
        mov     word [gdt + SEL_GATE3 - 3 + 5], 0CCh    ; DPL 2: not for CPL 3
        RING3   call SEL_GATE3:0
        PCHK    [exc_vector], 13
        PCHK    [exc_error], SEL_GATE3 & 0FFFCh
        mov     word [gdt + SEL_GATE3 - 3 + 5], 6Ch     ; DPL 3, not present
        RING3   call SEL_GATE3:0
        PCHK    [exc_vector], 11
        PCHK    [exc_error], SEL_GATE3 & 0FFFCh
        mov     word [gdt + SEL_GATE3 - 3 + 5], 0ECh
        PENDT

        PTEST   "iopl and the i/o bitmap"
        RING3   {in al, 80h}
        PCHK    [exc_vector], 30h
        or      byte [tss_iomap + 80h / 8], 1
        RING3   {in al, 80h}
        PCHK    [exc_vector], 13
        PCHK    [exc_error], 0
        RING3   {in al, 81h}
        PCHK    [exc_vector], 30h
        RING3   {in ax, 7Fh}                    ; touches port 80h
        PCHK    [exc_vector], 13
        and     byte [tss_iomap + 80h / 8], 0FEh
        pushfd
        or      dword [esp], 3000h              ; IOPL 3
        popfd
        RING3   cli, sti
        PCHK    [exc_vector], 30h
        pushfd
        and     dword [esp], ~3000h
        popfd
        RING3   pushfd, pop eax, {mov [r3_eax], eax}, push dword 3200h, popfd, pushfd, pop eax, {mov [r3_ebx], eax}
        PCHK    [exc_vector], 30h
        mov     eax, [r3_eax]
        and     eax, 3200h
        PCHK    eax, 0
        mov     eax, [r3_ebx]                   ; POPF at CPL 3 changes neither IOPL nor IF
        and     eax, 3200h
        PCHK    eax, 0
        PENDT

        PTEST   "lar lsl verr verw arpl"
        mov     eax, 0FFFFFFFFh
        lar     eax, [sel_code32]
        PCHK    eax, 00409B00h
        lsl     eax, [sel_data32]
        PCHK    eax, 0FFFFh
        mov     ecx, SEL_FLAT
        lsl     eax, ecx
        PCHK    eax, 0FFFFFFFFh
        mov     ebx, 77h
        xor     ecx, ecx
        lar     ebx, ecx                        ; null: ZF = 0, EBX unchanged
        setz    al
        movzx   eax, al
        PCHK    eax, 0
        PCHK    ebx, 77h
        mov     cx, SEL_XO
        verr    cx
        setz    al
        movzx   eax, al
        PCHK    eax, 0
        mov     cx, SEL_RX
        verr    cx
        setz    al
        movzx   eax, al
        PCHK    eax, 1
        mov     cx, SEL_RO
        verw    cx
        setz    al
        movzx   eax, al
        PCHK    eax, 0
        mov     cx, SEL_DATA32
        verw    cx
        setz    al
        movzx   eax, al
        PCHK    eax, 1
        mov     ax, 0010h
        mov     bx, 0003h
        arpl    ax, bx
        setz    cl
        movzx   eax, ax
        PCHK    eax, 0013h
        movzx   ecx, cl
        PCHK    ecx, 1
        PENDT

        PTEST   "16-bit code segment"
        mov     eax, 12345678h
        call    SEL_CODE16:code16_sub
        PCHK    eax, 12340006h
        PENDT

        PTEST   "conforming code"
        RING3   call SEL_CONF:conf_sub, {mov [r3_eax], eax}
        PCHK    [exc_vector], 30h
        PCHK    [r3_eax], SEL_CONF | 3           ; runs at the caller's CPL
        PENDT

        jmp     pm_exit

; 16-bit code: AX = the sum of 1..3 with a 16-bit LOOP.
        bits    16
code16_sub:
        xor     ax, ax
        mov     cx, 3
.l:     add     ax, cx
        loop    .l
        o32 retf
        bits    32

conf_sub:
        mov     eax, cs
        retf

        align   4
scratch_gdtr:   times 8 db 0
bounds:         dd 0, 5
sel_code32:     dd SEL_CODE32
sel_data32:     dd SEL_DATA32
r3_eax:         dd 0
r3_ebx:         dd 0
r3_ecx:         dd 0
r3_esp:         dd 0
r3_cs:          dd 0
