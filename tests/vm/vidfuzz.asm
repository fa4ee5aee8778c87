; vidfuzz.asm - garbage for the video card: 3000 INT 10h calls with
; pseudo-random AX, BX, CX, DX, BP and ES (nonsense modes, fonts of 0
; lines, VBE calls with buffers at the end of segments) and random bytes
; to its ports 3B0h-3DFh; then mode 3 and exit code 42. The VM must get
; there (and the host must not notice).
        org 100h
        cpu 8086
        mov si, 3000
        mov word [seed], 1234h
.loop:  call rnd
        mov ax, dx
        call rnd
        mov bx, dx
        call rnd
        mov cx, dx
        and cx, 03FFh           ; counts stay short (the run stays short)
        call rnd
        mov bp, dx
        call rnd
        mov es, dx
        push ax                 ; a random byte to a random port 3B0h-3DFh
        push dx
        call rnd
        mov al, dh
        and dx, 002Fh
        add dx, 3B0h
        out dx, al
        pop dx
        pop ax
        test si, 7              ; every 8th call is a VBE call (AH=4Fh)
        jnz .call
        mov ah, 4Fh
        and al, 0Fh
.call:  int 10h
        push cs
        pop ds
        dec si
        jnz .loop
        mov ax, 0003h
        int 10h
        mov al, 42
        db 0F4h, 2, 0FDh
rnd:    mov dx, [cs:seed]       ; DX = next of a 16-bit LCG
        push ax
        mov ax, 25173
        mul dx
        add ax, 13849
        mov [cs:seed], ax
        mov dx, ax
        pop ax
        ret
seed:   dw 0
