; pmreset.asm - 286-style returns from protected mode through a processor
; reset (IBM PC AT Technical Reference, shutdown status; RBIL CMOS 0Fh):
; shutdown code 0Ah with a triple fault, code 05h with the 8042's reset
; command (FEh), code 0Ah with port 92h bit 0. Each resumes at the far
; pointer in 40:67h, in real mode, with memory intact. Exits (SVC 2) with
; 42h when all three came back, each step's number otherwise.
        org 100h
        cpu 386

; after a reset: SS:SP are the reset's (0000:0000)
%macro RESTORE_DS 0
        mov ax, cs
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0FFFEh
%endmacro

        mov ax, cs
        mov [resume_seg], ax
        mov byte [step], 1
        ; step 1: triple fault in protected mode, shutdown code 0Ah
        mov al, 0Ah
        mov bx, after_triple
        call set_resume
        cli
        lgdt [gdtr]
        lidt [idtr_empty]               ; no IDT: the first fault shuts down
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp 08h:.pm
.pm:    int3                            ; #GP (no gate) -> #DF -> shutdown
        jmp fail

after_triple:
        RESTORE_DS
        smsw ax
        test al, 1
        jnz fail                        ; back in real mode
        cmp byte [step], 1
        jne fail
        mov byte [step], 2
        ; step 2: the 8042's reset line, shutdown code 05h (EOI, then resume)
        mov al, 05h
        mov bx, after_kbd
        call set_resume
.wait:  in al, 64h
        test al, 2
        jnz .wait
        mov al, 0FEh
        out 64h, al
.hang:  jmp .hang                       ; the reset comes after the OUT

after_kbd:
        RESTORE_DS
        cmp byte [step], 2
        jne fail
        mov byte [step], 3
        ; step 3: port 92h bit 0, shutdown code 0Ah
        mov al, 0Ah
        mov bx, after_92
        call set_resume
        in al, 92h
        or al, 1
        out 92h, al
.hang:  jmp .hang

after_92:
        RESTORE_DS
        cmp byte [step], 3
        jne fail
        in al, 92h
        test al, 1
        jnz fail                        ; bit 0 reads back as 0
        mov al, 42h
        db 0F4h, 02h, 0FDh

fail:   mov al, [cs:step]
        db 0F4h, 02h, 0FDh

; AL = shutdown code, BX = resume offset (in this segment)
set_resume:
        push ds
        push ax
        mov ax, 40h
        mov ds, ax
        mov [67h], bx
        mov ax, [cs:resume_seg]
        mov [69h], ax
        pop ax
        pop ds
        push ax
        mov al, 8Fh
        out 70h, al
        pop ax
        out 71h, al
        ret

resume_seg: dw 0
step:       db 0
        align 8
gdt:    dq 0
        dw 0FFFFh, 0, 9A01h, 0          ; 08: 16-bit code, base 10000h
gdt_end:
gdtr:   dw gdt_end - gdt - 1
        dd 10000h + gdt - $$ + 100h
idtr_empty: dw 0
        dd 0
