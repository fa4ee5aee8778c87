; m0d.asm - mode 0Dh (320x200, 16 colours) through the sequencer's map
; mask (blue plane, then green and red: brown), and teletype in graphics
; mode with a user graphics font (INT 10h AX=1121h) whose 'A' is a box.
; GOLDEN size 320 200
; GOLDEN glyph 0 0 FFFFFF 000000 8 FF 81 81 81 81 81 81 FF
; GOLDEN rect 0 100 31 100 0000AA
; GOLDEN rect 32 100 39 100 AA5500
        org 100h
        cpu 8086
        mov ax, 000Dh
        int 10h
        mov ax, 1121h           ; INT 43h = our font, 8 bytes a character, 25 rows
        push cs
        pop es
        mov bp, font
        mov cx, 8
        mov bl, 2
        int 10h
        mov ax, 0E41h           ; 'A' in white at the cursor (0, 0)
        mov bx, 000Fh
        int 10h
        mov ax, 0A000h
        mov es, ax
        mov dx, 3C4h
        mov ax, 0102h           ; map mask: plane 0 (blue)
        out dx, ax
        mov di, 100 * 40
        mov al, 0FFh
        mov cx, 4
        rep stosb
        mov ax, 0602h           ; planes 1 and 2: colour 6
        out dx, ax
        mov byte [es:di], 0FFh
        mov ax, 4C00h
        int 21h
font:   times 41h * 8 db 0
        db 0FFh, 81h, 81h, 81h, 81h, 81h, 81h, 0FFh
        times (256 - 42h) * 8 db 0
