; logme.asm - calls an INT 21h function the kernel does not have (F0h), so
; that the VM logs it (category dos), then exits with return code 0.
        cpu 8086
        org 100h
        mov     ax, 0F000h
        int     21h
        mov     ax, 4C00h
        int     21h
