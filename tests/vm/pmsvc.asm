; pmsvc.asm - supervisor calls from protected mode (vdd_set_pm_svc_region):
; enters protected mode at CPL 0 (a 16-bit code segment at 10000h, no IDT,
; interrupts off) and runs `HLT; db 40, ~40`, then the exit call `HLT; db
; 2, ~2` with AL as the host's service left it. Inside a registered region
; both are supervisor calls; outside, the first HLT is the guest's own (with
; interrupts off the VM can never wake: it ends with that diagnostic).
        org 100h
        cpu 386
        cli
        lgdt [gdtr]
        lidt [idtr_empty]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp 08h:.pm
.pm:    mov al, 11h
        db 0F4h, 40, 255 - 40           ; the host's service 40 sets AL
        db 0F4h, 02h, 0FDh              ; exit with AL

        align 8
gdt:    dq 0
        dw 0FFFFh, 0, 9A01h, 0
gdt_end:
gdtr:   dw gdt_end - gdt - 1
        dd 10000h + gdt - $$ + 100h
idtr_empty: dw 0
        dd 0
