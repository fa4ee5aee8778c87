; v86svc.asm - the monitor's supervisor calls reached in virtual-8086
; mode under the guest's own protected-mode monitor (as under EMM386 or a
; DPMI host): BX chooses (set by the test)
;   1: our stub F4 02 FD (SVC 2, exit) in V86 code: the VM exits with 33h
;   2: a plain HLT in V86 code: the guest's #GP(0) handler gets it and
;      exits (through real mode) with 55h
;   3: INT 15h/88h through the IVT into the ROM's stub (SVC 12h) from V86
;      mode, then exit with AH (the extended memory size / 256).
; Anything unexpected exits with 66h.
        org 100h
        cpu 386
        cli
        mov [scenario], bx
        lgdt [gdtr]
        lidt [idtr]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp dword 08h:pm32

        bits 32
pm32:   mov ax, 10h
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, 0F000h
        mov ax, 18h
        ltr ax
        push dword 1000h                ; GS
        push dword 1000h                ; FS
        push dword 1000h                ; DS
        push dword 1000h                ; ES
        push dword 1000h                ; SS
        push dword 0E000h               ; ESP
        push dword 23002h               ; VM, IOPL 3
        push dword 1000h                ; CS
        push dword v86code
        iretd

gp_handler:
        mov al, 55h
        jmp exit_pm
other_handler:
        mov al, 66h
exit_pm:                                ; back to real mode, exit with AL
        jmp 20h:.c16
        bits 16
.c16:   mov bx, 28h
        mov ds, bx
        mov es, bx
        mov ss, bx
        mov ebx, cr0
        and bl, 0FEh
        mov cr0, ebx
        jmp 1000h:.real
.real:  db 0F4h, 02h, 0FDh

v86code:
        cmp word [scenario], 2
        je .s2
        cmp word [scenario], 3
        je .s3
        mov al, 33h
        db 0F4h, 02h, 0FDh              ; our exit, from V86 mode
        mov al, 66h
        jmp .s2
.s2:    hlt                             ; the guest's #GP(0)
        nop
        nop
        mov al, 66h
        db 0F4h, 02h, 0FDh
.s3:    xor ax, ax
        mov es, ax
        mov ah, 88h
        pushf
        call far [es:15h * 4]
        mov al, ah
        db 0F4h, 02h, 0FDh

scenario: dw 0
        align 8
gdt:    dq 0
        dw 0FFFFh, 0, 9A01h, 0040h      ; 08 code32, base 10000h
        dw 0FFFFh, 0, 9201h, 0040h      ; 10 data32
        dw 67h, tss - $$ + 100h, 8901h, 0       ; 18 TSS
        dw 0FFFFh, 0, 9A01h, 0          ; 20 code16
        dw 0FFFFh, 0, 9201h, 0          ; 28 data16
gdt_end:
gdtr:   dw gdt_end - gdt - 1
        dd 10000h + gdt - $$ + 100h
idt:
%assign v 0
%rep 32
%if v == 13
        dw gp_handler - $$ + 100h, 08h, 8E00h, 0
%else
        dw other_handler - $$ + 100h, 08h, 8E00h, 0
%endif
%assign v v + 1
%endrep
idt_end:
idtr:   dw idt_end - idt - 1
        dd 10000h + idt - $$ + 100h
tss:    dd 0, 0F000h, 10h
        times 23 dd 0
        dw 0, 68h
