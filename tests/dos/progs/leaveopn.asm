; leaveopn.asm - a program's files are closed when it ends (INT 21h/4Ch:
; RBIL "closes all files"; src/dos/files.c dos_jft_close_all()). Run
; without a command tail, it runs itself 120 times (EXEC 4B00h) with the
; tail " c", more children than DOS has system file table entries (100,
; src/dos/dos_internal.h DOS_MAX_FILES). Each child opens LEAVEOPN.COM and
; ends without closing it, with return code 0, or 1 when the open failed
; (error 4, too many open files, once the entries of the children before
; it were not given back). Then the parent opens the file once more and
; prints what it found.
        cpu     8086
        org     100h

start:  cmp     byte [80h], 0
        jne     child
        mov     sp, stack_top
        mov     bx, (stack_top - $$ + 100h + 15) / 16
        mov     ah, 4Ah
        int     21h
        mov     [pblock+4], cs
        mov     cx, 120
.run:   push    cx
        mov     dx, name
        mov     bx, pblock
        mov     ax, 4B00h
        int     21h
        pop     cx
        jc      .exec_failed
        mov     ah, 4Dh                 ; the child's return code
        int     21h
        or      al, al
        jnz     .child_failed
        loop    .run
        mov     dx, name
        mov     ax, 3D00h
        int     21h
        jc      .open_failed
        mov     dx, s_ok
        jmp     short .say
.exec_failed:
        mov     dx, s_exec
        jmp     short .say
.child_failed:
        mov     dx, s_child
        jmp     short .say
.open_failed:
        mov     dx, s_open
.say:   mov     ah, 9
        int     21h
        mov     ax, 4C00h
        int     21h

child:  mov     dx, name
        mov     ax, 3D00h
        int     21h
        mov     ax, 4C00h               ; the handle left open
        jnc     .end
        mov     al, 1
.end:   int     21h

name:   db      'LEAVEOPN.COM', 0
pblock: dw      0, tail, 0, 5Ch, 0, 6Ch, 0
tail:   db      2, ' c', 13
s_ok:   db      '120 children left a file open; the parent opens it: ok', 13, 10, '$'
s_exec: db      'EXEC failed', 13, 10, '$'
s_child: db     'a child could not open the file: the files of those before it were not closed', 13, 10, '$'
s_open: db      'the parent could not open the file', 13, 10, '$'
        align   16
        times   256 db 0
stack_top:
