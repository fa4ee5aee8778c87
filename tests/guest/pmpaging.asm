; pmpaging.asm - paging (Intel 80386 PRM 5.2, 6.4, 9.8.14; i486 PRM 4.5):
; two-level tables, a remapped page, accessed and dirty bits, #PF with CR2
; and its error code (not present, protection, user/supervisor,
; read/write), CR0.WP on the 486, INVLPG and CR3 reloads, a page-crossing
; access and a REP MOVSD that faults part way (restartable), then paging
; off and back to real mode.
        org     100h
%include "pmlib.inc"

PD              equ 20000h      ; page directory (linear = physical)
PT0             equ 21000h      ; table for 0-4 MiB: identity
PT1             equ 22000h      ; table for 4-8 MiB: the test pages
PAGE_A          equ 400000h     ; -> 30000h, present, writable, user
PAGE_NP         equ 401000h     ; not present
PAGE_SUP        equ 402000h     ; -> 32000h, supervisor only
PAGE_RO         equ 403000h     ; -> 33000h, user, read-only
PAGE_B          equ 404000h     ; -> 34000h, for the move
SEL_FLAT3       equ 53h         ; flat data, DPL 3
P               equ 1
W               equ 2
U               equ 4
A               equ 20h
D               equ 40h

pm_main:
        SETDESC SEL_FLAT3, 0, 0FFFFFh, 0F2h, 0Ch
        mov     ax, SEL_FLAT
        mov     es, ax
        mov     fs, ax
        PAGE_TABLES PD                  ; PT0 and PT1 after it
        mov     dword [es:PT1 + 0 * 4], 30000h | P | W | U
        mov     dword [es:PT1 + 1 * 4], 31000h | W | U
        mov     dword [es:PT1 + 2 * 4], 32000h | P | W
        mov     dword [es:PT1 + 3 * 4], 33000h | P | U
        mov     dword [es:PT1 + 4 * 4], 34000h | P | W | U
        mov     dword [es:30000h], 11111111h
        mov     dword [es:33000h], 33333333h

        PTEST   "paging on"
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 80000000h
        mov     cr0, eax
        jmp     .flush                          ; identity-mapped: execution goes on
.flush: mov     eax, cr0
        shr     eax, 31
        PCHK    eax, 1
        mov     eax, cr3
        PCHK    eax, PD
        PENDT

        PTEST   "translation"
        PCHK    [fs:PAGE_A], 11111111h
        mov     dword [fs:PAGE_A + 4], 22222222h
        PCHK    [fs:30004h], 22222222h          ; the same physical memory
        PCHK    [fs:PAGE_RO], 33333333h
        PENDT

        PTEST   "accessed and dirty"
        mov     eax, [fs:PT1 + 4 * 4]
        and     eax, A | D
        PCHK    eax, 0
        mov     eax, [fs:PAGE_B]
        mov     eax, [fs:PT1 + 4 * 4]
        and     eax, A | D
        PCHK    eax, A
        mov     byte [fs:PAGE_B + 10h], 1
        mov     eax, [fs:PT1 + 4 * 4]
        and     eax, A | D
        PCHK    eax, A | D
        mov     eax, [fs:PD + 4]
        and     eax, A
        PCHK    eax, A
        PENDT

        PTEST   "page faults"
        FAULT   14, 0, mov eax, [fs:PAGE_NP]
        PCHK    [exc_cr2], PAGE_NP
        FAULT   14, 2, mov byte [fs:PAGE_NP + 123h], 0
        PCHK    [exc_cr2], PAGE_NP + 123h
        FAULT   14, 0, mov eax, [fs:PAGE_A + 0FFEh]     ; crosses into PAGE_NP
        PCHK    [exc_cr2], PAGE_NP
        mov     eax, [fs:PAGE_SUP]                      ; fine at CPL 0
        RING3   {mov ax, SEL_FLAT3}, {mov ds, ax}, {mov eax, [PAGE_SUP]}
        PCHK    [exc_vector], 14
        PCHK    [exc_error], 5
        PCHK    [exc_cr2], PAGE_SUP
        RING3   {mov ax, SEL_FLAT3}, {mov ds, ax}, {mov byte [PAGE_RO], 1}
        PCHK    [exc_vector], 14
        PCHK    [exc_error], 7
        RING3   {mov ax, SEL_FLAT3}, {mov ds, ax}, {mov byte [PAGE_NP], 1}
        PCHK    [exc_vector], 14
        PCHK    [exc_error], 6
        RING3   {mov ax, SEL_FLAT3}, {mov ds, ax}, {mov eax, [PAGE_RO]}, {mov [PAGE_B], eax}
        PCHK    [exc_vector], 30h
        PCHK    [fs:PAGE_B], 33333333h
        PENDT

        PTEST   "supervisor writes and cr0.wp"
        mov     byte [fs:PAGE_RO + 1], 44h              ; the 386 lets CPL 0 write
        PCHK    [fs:PAGE_RO], 33334433h
        call    pm_is_486
        jnc     .no_wp
        mov     eax, cr0
        or      eax, 10000h                             ; WP
        mov     cr0, eax
        FAULT   14, 3, mov byte [fs:PAGE_RO + 1], 55h
        PCHK    [fs:PAGE_RO], 33334433h
        mov     eax, cr0
        and     eax, ~10000h
        mov     cr0, eax
.no_wp:
        PENDT

        PTEST   "tlb flushes"
        mov     eax, [fs:PAGE_A]                        ; cached
        mov     dword [fs:31000h], 99999999h
        mov     dword [fs:PT1 + 0 * 4], 31000h | P | W | U
        mov     eax, cr3
        mov     cr3, eax
        PCHK    [fs:PAGE_A], 99999999h
        mov     dword [fs:PT1 + 0 * 4], 30000h | P | W | U
        call    pm_is_486
        jnc     .cr3
        cpu     486
        invlpg  [fs:PAGE_A]
        cpu     386
        jmp     .check
.cr3:   mov     eax, cr3
        mov     cr3, eax
.check: PCHK    [fs:PAGE_A], 11111111h
        PENDT

        PTEST   "rep movsd faults part way"
        mov     ax, SEL_FLAT
        mov     es, ax
        mov     esi, PAGE_A + 0FF0h                     ; 4 dwords, then PAGE_NP
        mov     edi, PAGE_B
        mov     ecx, 10
        FAULT   14, 0, db 0F3h, 64h, 0A5h               ; rep movsd with FS:ESI
        PCHK    [exc_cr2], PAGE_NP
        PCHK    ecx, 6                                  ; 4 moved
        PCHK    esi, PAGE_NP
        PCHK    edi, PAGE_B + 10h
        PENDT

        PTEST   "paging off"
        mov     eax, cr0
        and     eax, 7FFFFFFFh
        mov     cr0, eax
        PCHK    [fs:30004h], 22222222h
        PENDT
        jmp     pm_exit

