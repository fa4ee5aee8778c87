; fileloop.asm - the file calls a build makes, in a loop, for counting the
; host system calls behind them (syscalls_test.sh): create FILE.TMP, 300
; one-byte writes, then 20 times each: open it for writing (3D01h), ask
; IOCTL 4400h (a file that has been written), close; create it again over
; itself (3Ch, a truncate); at last delete it. Exit code 0, or 1 at the
; first call that fails.
        cpu     8086
        org     100h
        call    create
        mov     si, 300
write:  mov     dx, name
        mov     cx, 1
        mov     ah, 40h
        int     21h
        jc      fail
        dec     si
        jnz     write
        mov     ah, 3Eh
        int     21h
        mov     si, 20
reopen: mov     dx, name
        mov     ax, 3D01h
        int     21h
        jc      fail
        mov     bx, ax
        mov     ax, 4400h
        int     21h
        jc      fail
        mov     ah, 3Eh
        int     21h
        dec     si
        jnz     reopen
        mov     si, 20
recreate:
        call    create
        mov     ah, 3Eh
        int     21h
        dec     si
        jnz     recreate
        mov     dx, name
        mov     ah, 41h
        int     21h
        jc      fail
        mov     ax, 4C00h
        int     21h
fail:   mov     ax, 4C01h
        int     21h
; create: creates FILE.TMP (3Ch, over it if it is there): BX the handle.
create: mov     dx, name
        xor     cx, cx
        mov     ah, 3Ch
        int     21h
        jc      fail
        mov     bx, ax
        ret
name    db      'FILE.TMP', 0
