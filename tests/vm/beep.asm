; beep.asm - programs PIT channel 2 for 1000 Hz (count 1193, mode 3),
; turns the speaker on (port 61h bits 0 and 1) and exits; the host asks
; vm16_speaker(). Exit code: port 61h read back (bits 0-1 set).
        org 100h
        cpu 8086
        mov al, 0B6h            ; channel 2, lo/hi, mode 3
        out 43h, al
        mov ax, 1193
        out 42h, al
        mov al, ah
        out 42h, al
        in al, 61h
        or al, 03h
        out 61h, al
        mov cx, 1000            ; let the tone run (the counter starts on the next PIT clock)
.hold:  loop .hold
        in al, 61h
        and al, 03h
        db 0F4h, 2, 0FDh
