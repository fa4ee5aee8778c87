; m10.asm - mode 10h (640x350, 16 colours): all planes through the map
; mask on the last line, and INT 10h pixels of colours 5 and 8.
; GOLDEN size 640 350
; GOLDEN rect 0 349 15 349 FFFFFF
; GOLDEN pixel 639 0 AA00AA
; GOLDEN pixel 1 1 555555
        org 100h
        cpu 8086
        mov ax, 0010h
        int 10h
        mov ax, 0A000h
        mov es, ax
        mov word [es:349 * 80], 0FFFFh
        mov ax, 0C05h
        xor bh, bh
        mov cx, 639
        xor dx, dx
        int 10h
        mov ax, 0C08h
        mov cx, 1
        mov dx, 1
        int 10h
        mov ax, 4C00h
        int 21h
