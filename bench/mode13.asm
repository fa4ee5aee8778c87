; mode13.asm - the graphics benchmark's guest: mode 13h, then FRAMES times:
; wait for the start of the vertical retrace (port 3DAh bit 3), rewrite
; the whole screen (64000 bytes, REP STOSW, a new colour each frame) and
; count the frame in the word at offset 102h. Exits with code 0.
%ifndef FRAMES
%define FRAMES 700
%endif
        org 100h
        cpu 8086
        jmp short start
count:  dw 0                    ; at 102h, after the 2-byte jump
start:  mov ax, 0013h
        int 10h
        mov ax, 0A000h
        mov es, ax
        mov dx, 3DAh
        mov bx, FRAMES
.frame: in al, dx               ; wait while in retrace
        test al, 8
        jnz .frame
.wait:  in al, dx               ; then for the next one to begin
        test al, 8
        jz .wait
        xor di, di
        mov ax, [count]
        mov ah, al
        inc ah
        mov cx, 32000
        rep stosw
        inc word [count]
        dec bx
        jnz .frame
        mov ax, 4C00h
        int 21h
