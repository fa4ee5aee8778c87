; cga.asm - a CGA (VIDEO_ADAPTER=CGA) switched through its own mode
; control register: mode 04h from the BIOS, bytes FFh in row 0 (even
; bank) and row 1 (odd bank), then 3D8h = 1Ah (640x200 graphics, video
; on) and colour select 3D9h = 0Eh (a yellow foreground) make each byte
; eight pixels.
; GOLDEN args --set VIDEO_ADAPTER=CGA
; GOLDEN size 640 200
; GOLDEN rect 0 0 15 0 FFFF55
; GOLDEN rect 16 1 23 1 FFFF55
        org 100h
        cpu 8086
        mov ax, 0004h
        int 10h
        mov ax, 0B800h
        mov es, ax
        mov word [es:0], 0FFFFh
        mov byte [es:2000h + 2], 0FFh
        mov dx, 3D8h
        mov al, 1Ah
        out dx, al
        mov dx, 3D9h
        mov al, 0Eh
        out dx, al
        mov ax, 4C00h
        int 21h
