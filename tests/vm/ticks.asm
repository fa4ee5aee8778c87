; ticks.asm - hooks INT 08h (IRQ 0 from the virtual PIT through the virtual
; PIC), counts ticks in its own handler and chains to the previous one (which
; sends the EOI), idles with STI/HLT until 18 ticks, then reports the count in
; AL through SVC 2 (exit). Loaded at 1000:0100.
        org 100h
        cpu 8086
        cli
        xor ax, ax
        mov es, ax
        mov ax, [es:8*4]
        mov [old8], ax
        mov ax, [es:8*4+2]
        mov [old8+2], ax
        mov word [es:8*4], handler
        mov [es:8*4+2], cs
        sti
idle:   hlt
        cmp word [count], 18
        jb idle
        cli
        mov al, [count]
        db 0F4h, 2, 0FDh                ; SVC 2: exit with AL
handler:
        inc word [cs:count]
        jmp far [cs:old8]
count   dw 0
old8    dd 0
