; herctext.asm - a Hercules card back in text mode the way programs
; leave graphics: graphics set up through 3BFh, 3B8h and the 6845, then
; 3B8h = 28h (text, video on, blink) and the 6845's text values; a full
; block (DBh, attribute 07h) written at B000:0000 shows as one lit 9x16
; cell of text mode 07h (the MDA's normal intensity), the cursor hidden.
; GOLDEN args --set VIDEO_ADAPTER=HERCULES
; GOLDEN size 720 400
; GOLDEN rect 0 0 8 15 AAAAAA
        org 100h
        cpu 8086
        mov dx, 3BFh
        mov al, 3
        out dx, al
        mov dx, 3B8h
        mov al, 0Ah
        out dx, al
        mov si, gfx
        call crtc
        mov dx, 3B8h
        mov al, 28h
        out dx, al
        mov si, text
        call crtc
        mov ax, 0B000h
        mov es, ax
        xor di, di
        mov ax, 0720h
        mov cx, 2000
        cld
        rep stosw
        mov word [es:0], 07DBh
        mov ah, 01h
        mov cx, 2000h
        int 10h
        mov ax, 4C00h
        int 21h
crtc:   mov dx, 3B4h            ; R0-R11 from SI
        xor bl, bl
.reg:   mov al, bl
        out dx, al
        inc dx
        lodsb
        out dx, al
        dec dx
        inc bl
        cmp bl, 12
        jb .reg
        ret
gfx:    db 35h, 2Dh, 2Eh, 07h, 5Bh, 02h, 57h, 57h, 02h, 03h, 00h, 00h
text:   db 61h, 50h, 52h, 0Fh, 19h, 06h, 19h, 19h, 02h, 0Dh, 0Bh, 0Ch
