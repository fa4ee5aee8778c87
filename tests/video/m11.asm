; m11.asm - VGA mode 11h (640x480, 2 colours): line 0 written through
; memory and an INT 10h AH=0Ch pixel of colour 1 on the last line.
; GOLDEN size 640 480
; GOLDEN rect 0 0 639 0 FFFFFF
; GOLDEN pixel 320 479 FFFFFF
        org 100h
        cpu 8086
        mov ax, 0011h
        int 10h
        mov ax, 0A000h
        mov es, ax
        xor di, di
        mov cx, 40
        mov ax, 0FFFFh
        cld
        rep stosw
        mov ax, 0C01h
        xor bh, bh
        mov cx, 320
        mov dx, 479
        int 10h
        mov ax, 4C00h
        int 21h
