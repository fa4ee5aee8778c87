; pmpaged.asm - vdd_enter_pm() with paging and `flush` (pm_test.c,
; test_enter_pm_paged). Real mode builds page tables at 20000h that map
; the first 1 MiB to itself, copies this program's page (10000h) to
; 2F000h with its protected-mode code setting AL = '2' instead of '1',
; and asks the test's service 42 to enter protected mode with
; CR3 = 20000h (DI = the GDT's offset, SI = the entry, BX bit 0 = `flush`);
; the protected-mode code ends with service 41, which records AX and
; returns to real mode at DX. Records:
;   '1'  linear 10000h is physical 10000h
;   '1'  again, the tables unchanged (the paged epoch resumed)
;   '2'  the page table entry moved to 2F000h, with `flush`: the new code
; then it exits with AL = 0.
        org 100h
        cpu 386
%macro ENTER_PAGED 3
        mov bx, %1
        mov si, %2
        mov dx, %3
        db 0F4h, 42, 255 - 42
%endmacro
        cli
        mov ax, 2000h                   ; the directory at 20000h
        mov es, ax
        xor di, di
        mov cx, 2048
        xor ax, ax
        rep stosw
        mov dword [es:0], 21007h        ; PDE 0: the table at 21000h
        mov di, 1000h                   ; PTE k = k << 12 | 7 for 256 pages
        mov eax, 7
        mov cx, 256
.pte:   mov [es:di], eax
        add eax, 1000h
        add di, 4
        loop .pte
        mov ax, 2F00h                   ; a copy of this page at 2F000h,
        mov es, ax                      ; its code setting AL = '2'
        xor si, si
        xor di, di
        mov cx, 1000h
        db 2Eh                          ; (cs:)
        rep movsb
        mov byte [es:code + 1], '2'
        mov ax, cs
        mov es, ax
        mov di, gdt
        ENTER_PAGED 0, code, .s2
.s2:    ENTER_PAGED 0, code, .s3
.s3:    mov ax, 2000h                   ; PTE 10h -> 2F000h
        mov es, ax
        mov dword [es:1000h + 4 * 10h], 2F007h
        mov ax, cs
        mov es, ax
        ENTER_PAGED 1, code, .s4
.s4:    mov al, 0
        db 0F4h, 02h, 0FDh              ; exit with AL

code:   mov al, '1'                     ; (linear 10000h + code)
        db 0F4h, 41, 255 - 41

        align 8
gdt:    dq 0
        dw 0FFFFh, 0, 9A01h, 0          ; 08h code, base 10000h
        dw 0FFFFh, 0, 9201h, 0          ; 10h data
        dw 67h, tss, 8901h, 0           ; 18h the TSS
        dw 0Fh, ldt, 8201h, 0           ; 20h the LDT
        dq 0, 0                         ; 28h, 30h
ldt:    dq 0, 0
        align 4
tss:    times 68h db 0
