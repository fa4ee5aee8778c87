; pmring3.asm - supervisor calls from CPL 3 (vdd_set_pm_svc_region, pm_test.c
; test_pm_svc_ring3): enters protected mode, loads a TSS (ring-0 stack
; 10h:F000h) and an IDT whose only gate, #GP, goes to a ring-0 handler
; that exits with AL = 80h | the error code's low byte, then goes to ring 3
; (16-bit code 1Bh, stack 23h:E000h) at the scenario's entry (BX):
;   0  HLT; db 42, ~42 inside the region: the test's service 42 (AL + 40h
;      when it sees CPL 3), then the exit call from ring 3: 51h
;   1  the same HLT outside the region: the guest's #GP(0): 80h
;   2  inside the region, but not a pair: #GP(0): 80h
;   3  inside the region, MOV DS of a ring-0 selector: #GP(10h): 90h
; The region is 10100h-102FFh; `outside` lies at 10400h.
        org 100h
        cpu 386
        cli
        lgdt [gdtr]
        lidt [idtr]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp 08h:.pm
.pm:    mov ax, 10h
        mov ds, ax
        mov ss, ax
        mov esp, 0F000h
        mov ax, 28h
        ltr ax
        shl bx, 1
        mov ax, [entries + bx]
        push word 23h                   ; RETF to ring 3: SS, SP, CS, IP
        push word 0E000h
        push word 1Bh
        push ax
        retf

r3_svc: mov al, 11h
        db 0F4h, 42, 255 - 42
        db 0F4h, 02h, 0FDh              ; exit with AL, from ring 3
r3_nopair:
        mov al, 11h
        db 0F4h, 42, 42
r3_gp:  mov ax, 10h
        mov ds, ax

gp_handler:                             ; ring 0, a 386 interrupt gate
        pop eax                         ; the error code
        or al, 80h
        db 0F4h, 02h, 0FDh

        align 2
entries: dw r3_svc, outside, r3_nopair, r3_gp

        align 8
gdt:    dq 0
        dw 0FFFFh, 0, 9A01h, 0          ; 08h ring-0 code, base 10000h
        dw 0FFFFh, 0, 9201h, 0          ; 10h ring-0 data
        dw 0FFFFh, 0, 0FA01h, 0         ; 18h ring-3 code
        dw 0FFFFh, 0, 0F201h, 0         ; 20h ring-3 data
        dw 67h, tss, 8901h, 0           ; 28h the TSS
gdt_end:
idt:    times 13 dq 0
        dw gp_handler, 08h, 8E00h, 0    ; 0Dh: 386 interrupt gate, DPL 0
idt_end:
gdtr:   dw gdt_end - gdt - 1
        dd 10000h + gdt
idtr:   dw idt_end - idt - 1
        dd 10000h + idt
        align 4
tss:    dd 0, 0F000h, 10h               ; link, ESP0, SS0
        times 68h - 12 db 0

        times 300h - ($ - $$) db 0
outside:
        mov al, 11h
        db 0F4h, 42, 255 - 42
        db 0F4h, 02h, 0FDh              ; (were these calls: exit with 51h)
