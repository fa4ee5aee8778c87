; irqmask.asm - masks IRQ 0 at the PIC (OCW1 on port 21h): no timer ticks
; arrive while masked (counted by a hooked INT 08h over a stretch of busy
; looping), then unmasks it and waits for 3 ticks. Exit code: ticks seen
; while masked * 16 + ticks after.
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
        in al, 21h
        or al, 01h              ; mask IRQ 0
        out 21h, al
        sti
        mov cx, 0
        mov dx, 40              ; about 2.6 million instructions: > 1 s of virtual time
.busy:  loop .busy
        dec dx
        jnz .busy
        cli
        mov al, [count]
        mov [masked], al
        mov word [count], 0
        in al, 21h
        and al, 0FEh            ; unmask
        out 21h, al
        sti
.idle:  hlt
        cmp word [count], 3
        jb .idle
        cli
        mov al, [masked]
        mov cl, 4
        shl al, cl
        add al, [count]
        db 0F4h, 2, 0FDh
handler:
        inc word [cs:count]
        jmp far [cs:old8]
count   dw 0
masked  db 0
old8    dd 0
