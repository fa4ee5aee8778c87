; m0e.asm - EGA mode 0Eh (640x200, 16 colours, planar): colour 1 through
; set/reset on the first 80 pixels of line 0, all four planes through the
; map mask on the last line, and an INT 10h AH=0Ch pixel of colour 14.
; GOLDEN size 640 200
; GOLDEN rect 0 0 79 0 0000AA
; GOLDEN rect 0 199 15 199 FFFFFF
; GOLDEN pixel 320 100 FFFF55
        org 100h
        cpu 8086
        mov ax, 000Eh
        int 10h
        mov ax, 0A000h
        mov es, ax
        mov dx, 3CEh
        mov ax, 0100h           ; set/reset: colour 1
        out dx, ax
        mov ax, 0F01h           ; enable set/reset on every plane
        out dx, ax
        xor di, di
        mov cx, 10
        mov al, 0FFh
        cld
        rep stosb
        mov ax, 0001h           ; set/reset off
        out dx, ax
        mov dx, 3C4h
        mov ax, 0F02h           ; map mask: all planes
        out dx, ax
        mov word [es:199 * 80], 0FFFFh
        mov ax, 0C0Eh
        xor bh, bh
        mov cx, 320
        mov dx, 100
        int 10h
        mov ax, 4C00h
        int 21h
