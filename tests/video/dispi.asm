; dispi.asm - a mode set without the BIOS, through the card's VBE
; registers (index 1CEh, data 1CFh: 1 X resolution, 2 Y resolution, 3 bits
; per pixel, 4 enable, 9 Y offset): 320x200 with 32 bits a pixel, red at
; line 0 and green at line 1 through window A, then a Y offset of 1 line
; so that green is on the first line shown. Register 0 must read B0C0h-
; B0C5h (exit 1 otherwise).
; GOLDEN size 320 200
; GOLDEN pixel 0 0 00FF00
        org 100h
        cpu 386
        mov dx, 1CEh
        xor ax, ax
        out dx, ax
        inc dx
        in ax, dx
        and ax, 0FFF0h
        cmp ax, 0B0C0h
        jne fail
        mov bx, 1
        mov cx, 320
        call dispi
        mov bx, 2
        mov cx, 200
        call dispi
        mov bx, 3
        mov cx, 32
        call dispi
        mov bx, 4
        mov cx, 41h             ; on, linear buffer
        call dispi
        mov ax, 0A000h
        mov es, ax
        mov dword [es:0], 00FF0000h
        mov dword [es:320 * 4], 0000FF00h
        mov bx, 9
        mov cx, 1
        call dispi
        mov ax, 4C00h
        int 21h
fail:   mov ax, 4C01h
        int 21h
dispi:  mov dx, 1CEh            ; register BX = CX
        mov ax, bx
        out dx, ax
        inc dx
        mov ax, cx
        out dx, ax
        ret
