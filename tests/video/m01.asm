; m01.asm - text mode 01h (40x25, 9x16 cells: 360x400): a user character
; (80h, a checkerboard, loaded with INT 10h AX=1100h) in column 1 and a
; space in column 0, both yellow on blue, written to B800h directly.
; GOLDEN size 360 400
; GOLDEN rect 0 0 8 15 0000AA
; GOLDEN glyph 9 0 FFFF55 0000AA 16 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55
; GOLDEN rect 17 0 17 15 0000AA
        org 100h
%include "video.inc"
        cpu 8086
        mov ax, 0001h
        int 10h
        USER_GLYPH 80h, 16, glyph
        mov ax, 0B800h
        mov es, ax
        mov word [es:0], 1E20h
        mov word [es:2], 1E80h
        NO_CURSOR
        EXIT 0
glyph:  times 8 db 0AAh, 55h
