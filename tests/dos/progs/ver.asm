; ver.asm - prints the DOS version INT 21h AH=30h reports ("DOS 5.00"),
; and the conventional memory INT 12h reports ("640 KiB"): what the
; DOS_VERSION and DOS_MEMORY settings give a program.
        cpu 8086
        org 100h
        mov     ah, 30h
        int     21h                     ; AL major, AH minor
        mov     bx, ax
        mov     dx, dosmsg
        call    puts
        mov     al, bl
        xor     ah, ah
        call    putdec                  ; major
        mov     dl, '.'
        call    putc
        mov     al, bh
        aam                             ; AH tens, AL units of the minor
        add     ax, 3030h
        mov     bl, al
        mov     dl, ah
        call    putc
        mov     dl, bl
        call    putc
        mov     dx, sep
        call    puts
        int     12h                     ; AX KiB
        call    putdec
        mov     dx, kib
        call    puts
        mov     ax, 4C00h
        int     21h

; AX (0-65535) in decimal.
putdec: mov     cx, 0
        mov     si, 10
.div:   xor     dx, dx
        div     si
        push    dx
        inc     cx
        test    ax, ax
        jnz     .div
.out:   pop     dx
        add     dl, '0'
        call    putc
        loop    .out
        ret

putc:   mov     ah, 2
        int     21h
        ret

puts:   mov     ah, 9
        int     21h
        ret

dosmsg  db      'DOS $'
sep     db      ', $'
kib     db      ' KiB', 13, 10, '$'
