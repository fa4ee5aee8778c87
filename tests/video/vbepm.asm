; vbepm.asm - the VBE protected-mode interface (INT 10h AX=4F0Ah) used as
; a protected-mode program uses it: mode 101h (640x480, 256 colours) set
; in real mode, the table copied into the program, then, in 32-bit
; protected mode, function 5 moves window A to 128 KiB (a pixel of colour
; 7 written at A0000h lands at offset 20000h: x 512, line 204), function
; 9 makes colour 7 yellow (R 3Fh, G 3Fh, B 0), and function 7 starts the
; display 1600 double words (10 lines) down, so the pixel shows on line
; 194. A second pixel of colour 7 goes through the linear frame buffer
; at its physical address (E0000000h, as 4F01h reports it) to line 10, x 5: the
; first line shown. Back in real mode the program exits (with 1 if a VBE
; call failed).
; GOLDEN size 640 480
; GOLDEN pixel 512 194 FFFF00
; GOLDEN pixel 5 0 FFFF00
        org 100h
        cpu 386
        bits 16
        mov ax, 4F02h
        mov bx, 101h
        int 10h
        cmp ax, 004Fh
        jne fail
        mov ax, 4F0Ah
        xor bx, bx
        int 10h
        cmp ax, 004Fh
        jne fail
        cmp cx, pmcode_max
        ja fail
        push ds                 ; copy the table and its code
        push es
        pop ds
        mov si, di
        push cs
        pop es
        mov di, pmcode
        cld
        rep movsb
        pop ds
        xor eax, eax            ; descriptors based at this segment
        mov ax, cs
        mov [rm_seg], ax
        shl eax, 4
        mov [gdt + 08h + 2], ax
        mov [gdt + 10h + 2], ax
        mov [gdt + 20h + 2], ax
        mov [gdt + 28h + 2], ax
        shr eax, 16
        mov [gdt + 08h + 4], al
        mov [gdt + 10h + 4], al
        mov [gdt + 20h + 4], al
        mov [gdt + 28h + 4], al
        xor eax, eax
        mov ax, cs
        shl eax, 4
        add eax, gdt
        mov [gdtr + 2], eax
        cli
        lgdt [gdtr]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp dword 08h:pm32

        bits 32
pm32:   mov ax, 10h
        mov ds, ax
        mov ss, ax
        mov esp, stack_top
        xor ebx, ebx            ; function 5: window A at granule 2
        mov edx, 2
        movzx eax, word [pmcode + 0]
        add eax, pmcode
        call eax
        mov ax, 18h
        mov es, ax
        mov byte [es:0A0000h], 7
        mov byte [es:0E0000000h + 6400 + 5], 7
        mov ax, 10h             ; function 9: ES:EDI -> one entry
        mov es, ax
        mov edi, palentry
        xor ebx, ebx
        mov ecx, 1
        mov edx, 7
        movzx eax, word [pmcode + 4]
        add eax, pmcode
        call eax
        xor ebx, ebx            ; function 7: start at 1600 double words
        mov ecx, 1600
        xor edx, edx
        movzx eax, word [pmcode + 2]
        add eax, pmcode
        call eax
        jmp 20h:pm16

        bits 16
pm16:   mov ax, 28h             ; real-mode-like caches, then real mode
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov eax, cr0
        and al, 0FEh
        mov cr0, eax
        jmp far [rm_ptr]
rm:     mov ax, cs
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0FFFEh
        sti
        mov ax, 4C00h
        int 21h
fail:   mov ax, 4C01h
        int 21h

rm_ptr: dw rm
rm_seg: dw 0
palentry: db 0, 3Fh, 3Fh, 0     ; blue, green, red, alignment
        align 8
gdt:    dq 0
        dw 0FFFFh, 0, 9A00h, 0040h      ; 08 code, 32-bit, base = this segment
        dw 0FFFFh, 0, 9200h, 0040h      ; 10 data, 32-bit, base = this segment
        dw 0FFFFh, 0, 9200h, 00CFh      ; 18 flat data, 4 GiB
        dw 0FFFFh, 0, 9A00h, 0000h      ; 20 code, 16-bit, base = this segment
        dw 0FFFFh, 0, 9200h, 0000h      ; 28 data, 16-bit, base = this segment
gdt_end:
gdtr:   dw gdt_end - gdt - 1
        dd 0
pmcode_max equ 512
pmcode: times pmcode_max db 0
        times 256 db 0
stack_top:
