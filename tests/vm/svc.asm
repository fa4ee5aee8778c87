; svc.asm - supervisor calls: SVC 40 (a host service that doubles AX),
; then a software interrupt served in the host (INT 21h) and one reflected
; through the guest IVT to a guest handler (INT 60h), then exit with
; AL = AX low byte.
        org 100h
        cpu 8086
        xor ax, ax
        mov es, ax
        mov word [es:60h*4], int60
        mov [es:60h*4+2], cs
        mov ax, 5
        db 0F4h, 40, 0D7h               ; SVC 40: AX *= 2  -> 10
        int 21h                         ; host: AX += 100 -> 110
        int 60h                         ; guest: AX += 7  -> 117
        db 0F4h, 2, 0FDh
int60:  add ax, 7
        iret
