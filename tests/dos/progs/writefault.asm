; writefault.asm - creates FAULT.TXT, writes "partial data" to it without
; closing it, then runs an instruction that is invalid on the 80286 (0Fh
; FFh: #UD, INT 06h, which nothing handles). Run with --cpu 80286: the VM
; ends with a fault (exit status 125) and the data must be in the host file.
        cpu 8086
        org 100h
%include "createwrite.inc"
        create_and_write fname, data, data_len, .err
        mov     dx, msg
        mov     ah, 9
        int     21h
        db      0Fh, 0FFh               ; invalid opcode on the 80286
        mov     dx, s_alive             ; not reached
        mov     ah, 9
        int     21h
        mov     ax, 4C00h
        int     21h
.err:   mov     ax, 4C01h
        int     21h

fname   db      'FAULT.TXT', 0
data    db      'partial data'
data_len equ    $ - data
msg     db      'writefault: wrote FAULT.TXT, now an invalid opcode', 13, 10, '$'
s_alive db      'writefault: still running after the invalid opcode', 13, 10, '$'
