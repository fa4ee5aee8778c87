; pmsys.asm - the processor's own accesses (system accesses) with paging:
; descriptor tables and TSSs are read and written with supervisor rights
; whatever the CPL (Intel 80386 PRM 6.4.1.1; SDM vol. 3 4.6, implicit
; supervisor-mode accesses), set the accessed and dirty bits as other
; accesses do (80386 PRM 5.2.4.4), and see a changed page-table entry
; once the TLB is flushed by a CR3 load or INVLPG (80386 PRM 5.2.5; i486
; PRM 4.5.5); and code fetched again after paging is turned off and on
; comes through the tables as they are then. mvdm keeps their translations in a cache apart from the
; TLB that user accesses use (src/cpu/tlb.c, docs/cpu-protected-mode.md),
; which these checks hold to the manuals.
        org     100h
%include "pmlib.inc"

PD              equ 20000h      ; page directory (linear = physical)
PT0             equ 21000h      ; table for 0-4 MiB: identity
PT1             equ 22000h      ; table for 4-8 MiB: the test pages
LDT_PAGE        equ 405000h     ; an LDT: -> 35000h or 36000h, supervisor only
TSS_PAGE        equ 406000h     ; a 286 TSS, and an LDT at +100h: -> 37000h or 38000h
LDT_PTE         equ PT1 + 5 * 4
TSS_PTE         equ PT1 + 6 * 4
SEL_FLAT3       equ 53h         ; flat data, DPL 3
SEL_LDTX        equ 58h         ; the LDT at LDT_PAGE
SEL_TSSX        equ 60h         ; the 286 TSS at TSS_PAGE
SEL_LDTY        equ 68h         ; the LDT at TSS_PAGE + 100h
SEL_FLATC       equ 70h         ; flat code, 32-bit
CODE_PAGE       equ 407000h     ; code: -> 39000h (mov eax, 1; retf) or 3A000h (mov eax, 2; retf)
CODE_PTE        equ PT1 + 7 * 4
SEL_IN_LDT      equ 07h         ; entry 0 of an LDT, RPL 3
P               equ 1
W               equ 2
U               equ 4
A               equ 20h
D               equ 40h

; FLUSH: reload CR3 (the whole TLB).
%macro FLUSH 0
        mov     eax, cr3
        mov     cr3, eax
%endmacro

pm_main:
        SETDESC SEL_FLAT3, 0, 0FFFFFh, 0F2h, 0Ch
        SETDESC SEL_LDTX, LDT_PAGE, 0Fh, 82h, 0
        SETDESC SEL_TSSX, TSS_PAGE, 2Bh, 81h, 0
        SETDESC SEL_LDTY, TSS_PAGE + 100h, 0Fh, 82h, 0
        SETDESC SEL_FLATC, 0, 0FFFFFh, 9Ah, 0Ch
        mov     ax, SEL_FLAT
        mov     es, ax
        mov     fs, ax
        PAGE_TABLES PD                  ; PT0 and PT1 after it
        ; two LDTs whose entry 0 (data, DPL 3, not accessed) differs in its limit
        mov     dword [es:35000h], 1111h
        mov     dword [es:35004h], 0F200h
        mov     dword [es:36000h], 2222h
        mov     dword [es:36004h], 0F200h
        ; two 286 TSS images (and an LDT behind each) that differ in their IP
        mov     ebx, 37000h
        call    make_tss
        mov     word [es:37000h + 0Eh], task_remap
        mov     ebx, 38000h
        call    make_tss
        mov     word [es:38000h + 0Eh], task_two
        mov     word [es:38000h + 18h], 2222h   ; its BX
        mov     dword [es:39000h], 1B8h         ; mov eax, 1
        mov     dword [es:39004h], 0CB00h       ; retf
        mov     dword [es:3A000h], 2B8h         ; mov eax, 2
        mov     dword [es:3A004h], 0CB00h
        ; the kernel task comes back with paging (a 386 TSS loads CR3)
        mov     dword [tss + 1Ch], PD
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 80000000h
        mov     cr0, eax
        jmp     .paged
.paged: mov     ax, SEL_LDTX
        lldt    ax

        PTEST   "supervisor page from cpl 3"
        mov     dword [fs:LDT_PTE], 35000h | P | W      ; no U
        FLUSH
        mov     dword [r3_lsl], 0
        RING3   {mov bx, SEL_IN_LDT}, {lsl eax, bx}, {mov [r3_lsl], eax}, {mov ax, SEL_FLAT3}, {mov fs, ax}, {mov eax, [fs:LDT_PAGE]}
        PCHK    [r3_lsl], 1111h                         ; the LDT read: a system access
        PCHK    [exc_vector], 14                        ; the same page read by the program
        PCHK    [exc_error], 5                          ; user, read, protection
        PCHK    [exc_cr2], LDT_PAGE
        PENDT

        PTEST   "new mapping after a cr3 load"
        mov     dword [fs:LDT_PTE], 36000h | P | W
        FLUSH
        RING3   {mov bx, SEL_IN_LDT}, {lsl eax, bx}, {mov [r3_lsl], eax}
        PCHK    [exc_vector], 30h
        PCHK    [r3_lsl], 2222h
        mov     bx, SEL_IN_LDT                          ; and from CPL 0
        lsl     eax, bx
        PCHK    eax, 2222h
        PENDT

        PTEST   "new mapping after invlpg"
        call    pm_is_486
        jnc     .no_invlpg
        mov     dword [fs:LDT_PTE], 35000h | P | W
        cpu     486
        invlpg  [fs:LDT_PAGE]
        cpu     386
        RING3   {mov bx, SEL_IN_LDT}, {lsl eax, bx}, {mov [r3_lsl], eax}
        PCHK    [r3_lsl], 1111h
.no_invlpg:
        PENDT

        PTEST   "system accesses set accessed and dirty"
        mov     dword [fs:LDT_PTE], 35000h | P | W      ; A and D clear
        FLUSH
        RING3   {mov bx, SEL_IN_LDT}, {lsl eax, bx}
        mov     eax, [fs:LDT_PTE]                       ; a read: accessed
        and     eax, A | D
        PCHK    eax, A
        mov     eax, [fs:PD + 4]
        and     eax, A
        PCHK    eax, A
        RING3   {mov ax, SEL_IN_LDT}, {mov es, ax}      ; sets the descriptor's accessed bit
        PCHK    [exc_vector], 30h
        movzx   eax, byte [fs:35005h]
        PCHK    eax, 0F3h
        mov     eax, [fs:LDT_PTE]                       ; a write: dirty
        and     eax, A | D
        PCHK    eax, A | D
        PENDT

        PTEST   "task switch reads a remapped tss"
        mov     dword [fs:TSS_PTE], 37000h | P | W | A | D
        FLUSH
        mov     ax, SEL_LDTY                            ; a system read of the TSS's page
        lldt    ax
        mov     bx, SEL_IN_LDT
        lsl     eax, bx
        PCHK    eax, 3333h
        mov     dword [fs:TSS_PTE], 38000h | P | W | A | D
        FLUSH
        mov     dword [task_seen], 0
        jmp     SEL_TSSX:0                              ; to task_two, through 38000h
        PCHK    [task_seen], 2
        PCHK    [task_bx], 2222h                        ; its registers from there too
        PENDT

        PTEST   "task switch saves into a remapped tss"
        mov     dword [fs:TSS_PTE], 37000h | P | W | A | D
        FLUSH
        mov     dword [task_seen], 0
        jmp     SEL_TSSX:0                              ; to task_remap, through 37000h
        PCHK    [task_seen], 1
        movzx   eax, word [fs:38000h + 0Eh]             ; its IP was saved through 38000h
        PCHK    eax, task_remap.saved
        movzx   eax, word [fs:38000h + 18h]             ; and its BX and DS
        PCHK    eax, 0B0Bh
        movzx   eax, word [fs:38000h + 28h]
        PCHK    eax, SEL_DATA32
        movzx   eax, word [fs:37000h + 0Eh]             ; not through 37000h
        PCHK    eax, task_remap
        movzx   eax, word [fs:37000h + 18h]
        PCHK    eax, 0
        PENDT

        PTEST   "paging on again after a table change"
        mov     dword [fs:CODE_PTE], 39000h | P | W
        FLUSH
        xor     eax, eax
        call    SEL_FLATC:CODE_PAGE
        PCHK    eax, 1
        mov     eax, cr0                                ; paging off (identity-mapped here)
        and     eax, 7FFFFFFFh
        mov     cr0, eax
        jmp     .off
.off:   mov     dword [fs:CODE_PTE], 3A000h | P | W
        mov     eax, cr0                                ; and on, without a CR3 load
        or      eax, 80000000h
        mov     cr0, eax
        jmp     .on
.on:    xor     eax, eax
        call    SEL_FLATC:CODE_PAGE
        PCHK    eax, 2
        PENDT
        jmp     pm_exit

; A 286 TSS at physical EBX for a task in the kernel's 32-bit code (its
; IP set by the caller; no stack used), and an LDT at EBX + 100h whose
; entry 0 has the limit 3333h.
make_tss:
        mov     esi, tss_x
        mov     edi, ebx
        mov     ecx, tss_x_end - tss_x
        rep movsb
        mov     dword [es:ebx + 100h], 3333h
        mov     dword [es:ebx + 104h], 0F200h
        ret

; The tasks: back to the kernel task (whose TSS has CR3) when done.
task_two:
        mov     ax, SEL_DATA32
        mov     ds, ax
        mov     dword [task_seen], 2
        mov     [task_bx], bx
        jmp     SEL_TSS:0

; Points its own TSS's page at 38000h, then leaves: the switch saves its
; state there.
task_remap:
        mov     ax, SEL_DATA32
        mov     ds, ax
        mov     dword [task_seen], 1
        mov     ax, SEL_FLAT
        mov     fs, ax
        mov     dword [fs:TSS_PTE], 38000h | P | W | A | D
        mov     eax, cr3
        mov     cr3, eax
        mov     bx, 0B0Bh
        jmp     SEL_TSS:0
.saved:
        jmp     .saved


        align   4
r3_lsl:         dd 0
task_seen:      dd 0
task_bx:        dd 0
tss_x:  dw      0, 0FF00h, SEL_DATA32, 0, 0, 0, 0
        dw      0, 2                    ; IP (set), FLAGS
        dw      0, 0, 0, 0, 0, 0, 0, 0  ; AX CX DX BX SP BP SI DI
        dw      SEL_DATA32, SEL_CODE32, SEL_DATA32, SEL_DATA32
        dw      0                       ; LDT
tss_x_end:
