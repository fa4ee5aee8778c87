; m0f.asm - EGA/VGA mode 0Fh (640x350 monochrome graphics, planes 0 and
; 2): plane 0 alone through the map mask gives the attribute's "video"
; (palette register 1 = 08h: normal grey) on line 0, planes 0 and 2 give
; "video + intensity" (register 5 = 18h: white) on the last line.
; GOLDEN size 640 350
; GOLDEN rect 0 0 15 0 AAAAAA
; GOLDEN rect 0 349 7 349 FFFFFF
        org 100h
%include "video.inc"
        cpu 8086
        mov ax, 000Fh
        int 10h
        mov ax, 0A000h
        mov es, ax
        mov dx, 3C4h
        mov ax, 0102h           ; map mask: plane 0
        out dx, ax
        mov word [es:0], 0FFFFh
        mov ax, 0502h           ; planes 0 and 2
        out dx, ax
        mov byte [es:349 * 80], 0FFh
        EXIT 0
