; mmio.asm - reads and writes a device's memory-mapped range at D000:0000
; (claimed by the host test): the read of D000:0010 returns the low byte of
; the address (10h); two writes are counted by the device. Exits with the
; byte read plus the count read back from D000:0000's handler.
        org 100h
        cpu 8086
        mov ax, 0D000h
        mov ds, ax
        mov bl, [0010h]
        mov byte [0020h], 1
        mov word [0030h], 2     ; a word: two byte writes
        mov al, [0000h]         ; the device answers the write count here
        add al, bl
        db 0F4h, 2, 0FDh
