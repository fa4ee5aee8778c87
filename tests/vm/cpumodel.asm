; cpumodel.asm - which CPU the VM has, as programs test it: FLAGS bits
; 12-15 read as 1 on the 8086/8088 and 80186, as 0 in real mode on the
; 80286 and 80386 (Intel 80286 PRM, "flags"). Exits with those bits (F0h
; or 00h).
        org 100h
        cpu 8086
        xor ax, ax
        push ax
        popf
        pushf
        pop ax
        mov al, ah
        and al, 0F0h
        db 0F4h, 2, 0FDh
