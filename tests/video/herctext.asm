; herctext.asm - a Hercules card back in text mode the way programs
; leave graphics: graphics set up through 3BFh, 3B8h and the 6845, then
; 3B8h = 28h (text, video on, blink) and the 6845's text values; a full
; block (DBh, attribute 07h) written at B000:0000 shows as one lit 9x16
; cell of text mode 07h (the MDA's normal intensity), the cursor hidden.
; GOLDEN args --set VIDEO_ADAPTER=HERCULES
; GOLDEN size 720 400
; GOLDEN rect 0 0 8 15 AAAAAA
        org 100h
%include "video.inc"
        cpu 8086
        mov dx, 3BFh
        mov al, 3
        out dx, al
        mov dx, 3B8h
        mov al, 0Ah
        out dx, al
        mov si, gfx
        HERC_CRTC
        mov dx, 3B8h
        mov al, 28h
        out dx, al
        mov si, text
        HERC_CRTC
        mov ax, 0B000h
        mov es, ax
        xor di, di
        mov ax, 0720h
        mov cx, 2000
        cld
        rep stosw
        mov word [es:0], 07DBh
        NO_CURSOR
        EXIT 0
gfx:    db HERC_GRAPHICS_CRTC
text:   db HERC_TEXT_CRTC
