; text.asm - text mode 03h: a user character (80h, a checkerboard) loaded
; with INT 10h AX=1100h, written twice in yellow on blue with INT 10h
; AX=1300h; the cursor hidden. Cells are 9 dots wide: the 9th is the
; background for characters outside C0h-DFh.
; GOLDEN size 720 400
; GOLDEN glyph 0 0 FFFF55 0000AA 16 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55
; GOLDEN rect 8 0 8 15 0000AA
; GOLDEN glyph 9 0 FFFF55 0000AA 16 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55
; GOLDEN rect 17 0 17 15 0000AA
        org 100h
%include "video.inc"
        cpu 8086
        mov ax, 0003h
        int 10h
        USER_GLYPH 80h, 16, glyph
        mov ax, 1300h
        mov bx, 001Eh
        mov cx, 2
        xor dx, dx
        mov bp, str
        int 10h
        NO_CURSOR
        EXIT 0
glyph:  times 8 db 0AAh, 55h
str:    db 80h, 80h
