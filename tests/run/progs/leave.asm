; leave.asm - leaves work behind for the end of `mvdm run`, which need not
; tear the VM down (tools/run.c, leave_to_exit()): everything must still
; reach the host. Writes 1024 lines of 62 letters + CR LF to standard
; output (INT 21h/40h, handle 1: 64 KiB), the letter of line k being
; 'A' + k mod 26; creates LEFT.DAT, writes 24 times a 4 KiB block whose
; byte i is i mod 256 (96 KiB), sets its date and time to 1999-12-31
; 23:58:00 (INT 21h/5701h: applied when DOS closes the file) and does not
; close it; writes "printed" CR LF to PRN (handle 4); then stays resident
; with return code 3 (INT 21h/31h, which closes no file: RBIL), so the
; file is still open when the VM ends. With 'k' as its argument it waits
; for a key instead (INT 16h/00h): with no input left, mvdm run ends the
; VM there (exit status 123), the file open too.
        cpu 8086
        org 100h
        ; The line buffer: 62 letters, CR, LF.
        mov     word [line + 62], 0A0Dh
        xor     bx, bx                  ; line number
.line:  mov     ax, bx
        mov     cl, 26
        div     cl                      ; AH = line mod 26
        mov     al, ah
        add     al, 'A'
        mov     di, line
        mov     cx, 62
        rep     stosb
        push    bx
        mov     ah, 40h
        mov     bx, 1
        mov     cx, 64
        mov     dx, line
        int     21h
        pop     bx
        jc      fail
        cmp     ax, 64
        jne     fail
        inc     bx
        cmp     bx, 1024
        jb      .line
        ; The block: byte i = i mod 256.
        mov     di, block
        mov     cx, 4096
        xor     al, al
.fill:  stosb
        inc     al
        loop    .fill
        mov     ah, 3Ch                 ; create LEFT.DAT
        xor     cx, cx
        mov     dx, name
        int     21h
        jc      fail
        mov     [handle], ax
        mov     si, 24
.block: mov     ah, 40h
        mov     bx, [handle]
        mov     cx, 4096
        mov     dx, block
        int     21h
        jc      fail
        cmp     ax, 4096
        jne     fail
        dec     si
        jnz     .block
        mov     ax, 5701h               ; set date and time
        mov     bx, [handle]
        mov     cx, (23 << 11) | (58 << 5) ; 23:58:00
        mov     dx, (19 << 9) | (12 << 5) | 31 ; 1999-12-31
        int     21h
        jc      fail
        mov     ah, 40h                 ; PRN
        mov     bx, 4
        mov     cx, 9
        mov     dx, printed
        int     21h
        cmp     byte [80h], 0           ; command tail length
        je      .tsr
        cmp     byte [81h], 'k'         ; "k", or " k" as COMMAND.COM passes it
        je      .key
        cmp     byte [82h], 'k'
        jne     .tsr
.key:   mov     ah, 0
        int     16h
        jmp     .key
.tsr:   mov     ax, 3103h               ; stay resident, return code 3
        mov     dx, 1000h               ; 64 KiB
        int     21h
fail:   mov     ax, 4C01h
        int     21h

name    db      'LEFT.DAT', 0
printed db      'printed', 13, 10
handle  dw      0
line    equ     $
block   equ     line + 64
