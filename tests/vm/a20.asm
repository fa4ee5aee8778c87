; a20.asm - the A20 gate (IBM AT TechRef; PS/2 port 92h): with it on,
; FFFF:0010 is linear 100000h; off, it wraps to 0. The gate is the OR of the
; 8042's output port bit 1 (command D1h) and port 92h bit 1. Results at
; 1000:0600 for the host test, one byte each: FFFF:0010 read back
;   +0 at start (on)   +1 both off   +2 port 92h on   +3 8042 on
;   +4 port 92h bit 1 as read with 92h on, +5 a write through FFFF:0011 with
;   the gate off landed at linear 1 (1)
        org 100h
        cpu 386
        xor ax, ax
        mov es, ax
        mov byte [es:0], 11h
        mov byte [es:1], 0
        mov ax, 0FFFFh
        mov fs, ax
        mov byte [fs:10h], 22h          ; linear 100000h (the gate is on)
        mov al, [fs:10h]
        mov [res+0], al
        ; both off: 8042 output port with bit 1 clear, port 92h bit 1 clear
        mov bl, 0DDh
        call kbc_out
        in al, 92h
        and al, 0FCh
        out 92h, al
        mov al, [fs:10h]
        mov [res+1], al
        mov byte [fs:11h], 33h          ; wraps to linear 1
        cmp byte [es:1], 33h
        jne .nowrap
        mov byte [res+5], 1
.nowrap:
        ; port 92h on
        in al, 92h
        or al, 2
        out 92h, al
        in al, 92h
        and al, 2
        mov [res+4], al
        mov al, [fs:10h]
        mov [res+2], al
        ; port 92h off, 8042 on
        in al, 92h
        and al, 0FCh
        out 92h, al
        mov bl, 0DFh
        call kbc_out
        mov al, [fs:10h]
        mov [res+3], al
        mov al, 0
        db 0F4h, 2, 0FDh                ; exit

; kbc_out: write BL to the 8042's output port (command D1h).
kbc_out:
        call kbc_wait
        mov al, 0D1h
        out 64h, al
        call kbc_wait
        mov al, bl
        out 60h, al
kbc_wait:
        in al, 64h
        test al, 2
        jnz kbc_wait
        ret

        times 500h - ($ - $$) db 0
res:    times 8 db 0
