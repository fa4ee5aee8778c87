; font14.asm - text mode 03h with the 8x14 ROM font (INT 10h AX=1111h: 28
; rows of 14 scan lines in 400) and a user character (80h) loaded with
; AX=1100h, BH=14, written yellow on blue to the first cell of row 27
; (scan lines 378-391).
; GOLDEN size 720 400
; GOLDEN glyph 0 378 FFFF55 0000AA 14 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55
; GOLDEN rect 8 378 8 391 0000AA
        org 100h
%include "video.inc"
        cpu 8086
        mov ax, 0003h
        int 10h
        mov ax, 1111h
        xor bl, bl
        int 10h
        USER_GLYPH 80h, 14, glyph
        mov ax, 0B800h
        mov es, ax
        mov word [es:27 * 160], 1E80h
        NO_CURSOR
        EXIT 0
glyph:  times 7 db 0AAh, 55h
