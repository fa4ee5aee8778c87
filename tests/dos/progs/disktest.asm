; disktest.asm - the limits of what DOS writes (src/dos/disk.c): a file
; ends at 4 GiB - 1, a position past it is a seek error, and DISK_QUOTA
; (run with --set DISK_QUOTA=64, 64 KiB) cuts writes short as a full disk
; does, gives back what is deleted or truncated, and is the free space
; INT 21h/36h reports. Prints one line per step: what it did, then CF and
; AX (and for 36h the free bytes, BX * AX * CX).
        cpu     386
        org     100h
%macro STEP 1
        call    show
        db      %1, 0
%endmacro
        mov     dx, big
        xor     cx, cx
        mov     ah, 3Ch
        int     21h
        STEP    'create BIG.DAT'
        mov     [hbig], ax
        mov     bx, ax
        mov     ax, 4200h
        mov     cx, 0FFFFh
        mov     dx, 0FFFFh
        int     21h
        STEP    'seek to FFFFFFFF'
        mov     bx, [hbig]
        mov     ah, 40h
        mov     cx, 2
        mov     dx, big
        int     21h
        STEP    'write 2 there (nothing fits)'
        mov     bx, [hbig]
        mov     ax, 4201h
        xor     cx, cx
        mov     dx, 10
        int     21h
        STEP    'seek 10 further'
        mov     bx, [hbig]
        mov     ax, 4200h
        mov     cx, 0FFFFh
        mov     dx, 0FFFEh
        int     21h
        STEP    'seek to FFFFFFFE'
        mov     bx, [hbig]
        mov     ah, 40h
        mov     cx, 2
        mov     dx, big
        int     21h
        STEP    'write 2 at FFFFFFFE (1 fits, none with a quota)'
        mov     bx, [hbig]
        mov     ah, 3Eh
        int     21h
        mov     dx, big
        mov     ah, 41h
        int     21h
        STEP    'delete BIG.DAT'
        ; the quota
        mov     ah, 36h
        mov     dl, 0
        int     21h
        call    show_free
        mov     dx, small
        xor     cx, cx
        mov     ah, 3Ch
        int     21h
        STEP    'create Q.DAT'
        mov     [hq], ax
        mov     bx, ax
        mov     ah, 40h
        mov     cx, 65000
        mov     dx, 0
        int     21h
        STEP    'write 65000'
        mov     bx, [hq]
        mov     ah, 40h
        mov     cx, 1000
        mov     dx, 0
        int     21h
        STEP    'write 1000 more'
        mov     bx, [hq]
        mov     ah, 40h
        mov     cx, 100
        mov     dx, 0
        int     21h
        STEP    'write 100 more'
        mov     ah, 36h
        mov     dl, 0
        int     21h
        call    show_free
        mov     bx, [hq]
        mov     ax, 4200h
        mov     cx, 1
        mov     dx, 1000h
        int     21h
        mov     bx, [hq]
        mov     ah, 40h
        xor     cx, cx
        int     21h
        STEP    'extend to 11000h (CX=0)'
        mov     bx, [hq]
        mov     ax, 4200h
        xor     cx, cx
        mov     dx, 1000
        int     21h
        mov     bx, [hq]
        mov     ah, 40h
        xor     cx, cx
        int     21h
        STEP    'truncate to 1000 (CX=0)'
        mov     bx, [hq]
        mov     ah, 40h
        mov     cx, 65535
        mov     dx, 0
        int     21h
        STEP    'write 65535'
        mov     bx, [hq]
        mov     ah, 3Eh
        int     21h
        mov     dx, small
        mov     ah, 41h
        int     21h
        STEP    'delete Q.DAT'
        call    create_write_q
        STEP    'create again, write 65535'
        mov     ah, 3Eh
        int     21h
        call    create_write_q
        STEP    'create over it (its bytes back), write 65535'
        mov     ah, 3Eh
        int     21h
        mov     dx, small
        mov     ah, 41h
        int     21h
        STEP    'delete Q.DAT'
        mov     ax, 4C00h
        int     21h

; create_write_q: creates Q.DAT (3Ch, over the file if it is there) and
; writes 65535 bytes to it; BX the handle, AX and CF the write's.
create_write_q:
        mov     dx, small
        xor     cx, cx
        mov     ah, 3Ch
        int     21h
        mov     bx, ax
        mov     ah, 40h
        mov     cx, 65535
        mov     dx, 0
        int     21h
        ret

; show: prints the ASCIIZ text after the call, then CF and AX; returns
; after the text with AX and the flags as they were.
show:   pushf
        pop     word [flags]
        mov     [axv], ax
        pop     si
.t:     lodsb
        or      al, al
        jz      .e
        mov     dl, al
        mov     ah, 2
        int     21h
        jmp     .t
.e:     push    si
        mov     dx, cfmsg
        mov     ah, 9
        int     21h
        mov     al, [flags]
        and     al, 1
        add     al, '0'
        mov     dl, al
        mov     ah, 2
        int     21h
        mov     dx, axmsg
        mov     ah, 9
        int     21h
        mov     ax, [axv]
        call    hex16
        call    crlf
        mov     ax, [axv]
        push    word [flags]
        popf
        ret
; show_free: 36h's free bytes (AX sectors per cluster * BX clusters * CX
; bytes), capped at 99999999 for the output.
show_free:
        movzx   eax, ax
        movzx   ebx, bx
        movzx   ecx, cx
        imul    eax, ebx
        imul    eax, ecx
        cmp     eax, 99999999
        jbe     .ok
        mov     eax, 99999999
.ok:    push    eax
        mov     dx, freemsg
        mov     ah, 9
        int     21h
        pop     eax
        mov     ebx, 10
        xor     cx, cx
.d:     xor     edx, edx
        div     ebx
        push    dx
        inc     cx
        or      eax, eax
        jnz     .d
.p:     pop     dx
        add     dl, '0'
        mov     ah, 2
        int     21h
        loop    .p
crlf:   mov     dx, nl
        mov     ah, 9
        int     21h
        ret
hex16:  mov     cx, 4
.h:     rol     ax, 4
        push    ax
        and     al, 15
        add     al, '0'
        cmp     al, '9'
        jbe     .o
        add     al, 7
.o:     mov     dl, al
        mov     ah, 2
        int     21h
        pop     ax
        loop    .h
        ret
big:    db      'BIG.DAT', 0
small:  db      'Q.DAT', 0
hbig:   dw      0
hq:     dw      0
flags:  dw      0
axv:    dw      0
cfmsg:  db      ': CF=$'
axmsg:  db      ' AX=$'
freemsg: db     'free bytes: $'
nl:     db      13, 10, '$'
