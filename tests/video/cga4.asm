; cga4.asm - a CGA (VIDEO_ADAPTER=CGA) in mode 04h with its colour select
; register 3D9h = 11h: the bright palette 0 (green, red, yellow) on a
; blue background; row 0 holds four pixels of each colour 0-3.
; GOLDEN args --set VIDEO_ADAPTER=CGA
; GOLDEN size 320 200
; GOLDEN fill 0000AA
; GOLDEN rect 4 0 7 0 55FF55
; GOLDEN rect 8 0 11 0 FF5555
; GOLDEN rect 12 0 15 0 FFFF55
        org 100h
        cpu 8086
        mov ax, 0004h
        int 10h
        mov ax, 0B800h
        mov es, ax
        mov word [es:0], 5500h
        mov word [es:2], 0FFAAh
        mov dx, 3D9h
        mov al, 11h
        out dx, al
        mov ax, 4C00h
        int 21h
