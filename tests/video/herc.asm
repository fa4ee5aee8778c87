; herc.asm - a Hercules Graphics Card (VIDEO_ADAPTER=HERCULES) set up as
; Hercules programs do it, without the BIOS: the card found by bit 7 of
; 3BAh changing (vertical retrace), graphics and page 1 allowed (3BFh =
; 3), the 6845 loaded with the 720x348 values, page 1 (B8000h) cleared and
; drawn (8 pixels of line 0, the first pixel of line 1 in the 2000h bank,
; the last 8 of line 347 at 6000h + 90 x 86 + 89), page 0 given other
; bytes, then 3B8h = 8Ah shows page 1 (graphics, video on). Exit 1 when
; no Hercules card is found.
; GOLDEN args --set VIDEO_ADAPTER=HERCULES
; GOLDEN size 720 348
; GOLDEN rect 0 0 7 0 AAAAAA
; GOLDEN pixel 0 1 AAAAAA
; GOLDEN rect 712 347 719 347 AAAAAA
        org 100h
%include "video.inc"
        cpu 8086
        mov dx, 3BAh            ; an HGC: bit 7 changes within a frame
        in al, dx
        and al, 80h
        mov ah, al
        mov cx, 0FFFFh
.probe: in al, dx
        and al, 80h
        cmp al, ah
        jne .found
        loop .probe
        EXIT 1
.found: mov dx, 3BFh
        mov al, 3
        out dx, al
        mov dx, 3B8h            ; graphics, video off while the 6845 is set
        mov al, 02h
        out dx, al
        mov si, crtc
        HERC_CRTC
        mov ax, 0B800h          ; page 1: clear, then draw
        mov es, ax
        xor di, di
        xor ax, ax
        mov cx, 4000h
        cld
        rep stosw
        mov byte [es:0], 0FFh
        mov byte [es:2000h], 80h
        mov byte [es:6000h + 90 * 86 + 89], 0FFh
        mov ax, 0B000h          ; page 0: not shown
        mov es, ax
        mov byte [es:0], 0AAh
        mov byte [es:100], 0FFh
        mov dx, 3B8h
        mov al, 8Ah
        out dx, al
        EXIT 0
crtc:   db HERC_GRAPHICS_CRTC
