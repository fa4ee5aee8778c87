; egatext.asm - text mode 03h on an EGA (VIDEO_ADAPTER=EGA): 350 lines,
; the 8x14 font, cells 8 dots wide (640x350). A user character (80h)
; loaded with INT 10h AX=1100h, BH=14, yellow on blue in the first two
; cells.
; GOLDEN args --set VIDEO_ADAPTER=EGA
; GOLDEN size 640 350
; GOLDEN glyph 0 0 FFFF55 0000AA 14 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55
; GOLDEN glyph 8 0 FFFF55 0000AA 14 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55
        org 100h
%include "video.inc"
        cpu 8086
        mov ax, 0003h
        int 10h
        USER_GLYPH 80h, 14, glyph
        mov ax, 0B800h
        mov es, ax
        mov word [es:0], 1E80h
        mov word [es:2], 1E80h
        NO_CURSOR
        EXIT 0
glyph:  times 7 db 0AAh, 55h
