; font8.asm - text mode 03h with the 8x8 ROM font (INT 10h AX=1112h: 50
; rows of 8 scan lines) and a user character (80h) loaded with AX=1100h,
; BH=8, written yellow on blue to the first cell of row 49 (scan lines
; 392-399). Cells stay 9 dots wide.
; GOLDEN size 720 400
; GOLDEN glyph 0 392 FFFF55 0000AA 8 AA 55 AA 55 AA 55 AA 55
; GOLDEN rect 8 392 8 399 0000AA
        org 100h
%include "video.inc"
        cpu 8086
        mov ax, 0003h
        int 10h
        mov ax, 1112h
        xor bl, bl
        int 10h
        USER_GLYPH 80h, 8, glyph
        mov ax, 0B800h
        mov es, ax
        mov word [es:49 * 160], 1E80h
        NO_CURSOR
        EXIT 0
glyph:  times 4 db 0AAh, 55h
