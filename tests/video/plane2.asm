; plane2.asm - a font loaded the way programs do it without the BIOS:
; plane 2 opened through the sequencer and the graphics controller
; (map mask 4, sequential addressing, read map 2, A000h 64 KiB), the
; glyph of character 80h written at A000:1000h (32 bytes a character),
; the text-mode registers restored, and the character shown yellow on
; blue in the first cell.
; GOLDEN size 720 400
; GOLDEN glyph 0 0 FFFF55 0000AA 16 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55 AA 55
; GOLDEN rect 8 0 8 15 0000AA
        org 100h
%include "video.inc"
        cpu 8086
        mov ax, 0003h
        int 10h
        mov dx, 3C4h
        mov ax, 0402h           ; map mask: plane 2
        out dx, ax
        mov ax, 0704h           ; memory mode: sequential, chain 4 off
        out dx, ax
        mov dx, 3CEh
        mov ax, 0204h           ; read map 2
        out dx, ax
        mov ax, 0005h           ; write mode 0, odd/even off
        out dx, ax
        mov ax, 0406h           ; A000h, 64 KiB, text
        out dx, ax
        mov ax, 0A000h
        mov es, ax
        mov di, 80h * 32
        mov si, glyph
        mov cx, 16
        cld
        rep movsb
        mov dx, 3C4h
        mov ax, 0302h           ; planes 0 and 1
        out dx, ax
        mov ax, 0304h           ; odd/even
        out dx, ax
        mov dx, 3CEh
        mov ax, 0004h
        out dx, ax
        mov ax, 1005h           ; odd/even
        out dx, ax
        mov ax, 0E06h           ; B800h, 32 KiB, odd/even chained
        out dx, ax
        mov ax, 0B800h
        mov es, ax
        mov word [es:0], 1E80h
        NO_CURSOR
        EXIT 0
glyph:  times 8 db 0AAh, 55h
