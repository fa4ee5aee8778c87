; pmtriple.asm - a triple fault in protected mode with no shutdown code:
; the reset has nothing to resume, so the VM ends with a diagnostic that
; names the exceptions and the protected-mode CS:EIP.
        org 100h
        cpu 386
        cli
        mov al, 8Fh                     ; shutdown code 0
        out 70h, al
        xor al, al
        out 71h, al
        lgdt [gdtr]
        lidt [idtr_empty]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp 08h:.pm
.pm:    ud2                             ; #GP (no gate) -> #DF -> shutdown
        db 0F4h, 02h, 0FDh

        align 8
gdt:    dq 0
        dw 0FFFFh, 0, 9A01h, 0
gdt_end:
gdtr:   dw gdt_end - gdt - 1
        dd 10000h + gdt - $$ + 100h
idtr_empty: dw 0
        dd 0
