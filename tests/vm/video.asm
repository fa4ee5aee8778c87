; video.asm - the text screen through INT 10h and directly: teletype "Hi"
; CR LF, then 30 more lines so the screen scrolls, INT 10h AH=09h writes
; 3 x 'Z' in attribute 1Eh at row 2 column 10, a direct write of 'D'/4Fh to
; B800:0000 (row 0, column 0), then the CRTC cursor is moved to row 5
; column 7 with OUT to 3D4h/3D5h. Exits with AL = rows reported by INT 10h
; AX=1130h after switching to 50 rows (AX=1112h), minus one.
        org 100h
        cpu 8086
        mov ah, 0Eh
        mov al, 'H'
        int 10h
        mov al, 'i'
        int 10h
        mov cx, 31
.lines: mov al, 13
        int 10h
        mov al, 10
        int 10h
        loop .lines
        mov ah, 02h             ; cursor to row 2, column 10 (page 0)
        xor bh, bh
        mov dx, 020Ah
        int 10h
        mov ax, 095Ah           ; 'Z'
        mov bx, 001Eh
        mov cx, 3
        int 10h
        mov ax, 0B800h
        mov es, ax
        mov word [es:0], 4F44h  ; 'D' white on red
        mov dx, 3D4h            ; cursor location = 5*80+7 = 407 = 197h
        mov ax, 010Eh
        out dx, ax
        mov ax, 970Fh
        out dx, ax
        db 0F4h, 2, 0FDh        ; exit: the host checks the 25-row screen
