; nest.asm - installs an INT 60h handler and spins; the host then runs the
; handler (simulated interrupt) and a far procedure (nested execution).
        org 100h
        cpu 8086
        xor ax, ax
        mov es, ax
        mov word [es:60h*4], int60
        mov [es:60h*4+2], cs
spin:   jmp spin
int60:  inc word [cs:count]
        mov bx, 1234h
        iret
        times 70h - ($ - $$) db 90h
farfn:  add ax, 5               ; at 1000:0170
        retf
        times 80h - ($ - $$) db 0
count:  dw 0                    ; at 1000:0180
