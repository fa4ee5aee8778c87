; wfault.asm - creates WFAULT.TXT, writes a known line to it without
; closing it, then halts with interrupts disabled (CLI; HLT): the VM ends
; with a fault and what it wrote must be in the host file.
; With any command tail (e.g. "wait") it prints "waiting for a key" instead
; and waits in INT 16h AH=00h forever, the file still open (kill, shutdown).
        cpu 8086
        org 100h
%include "createwrite.inc"
        create_and_write fname, data, data_len, .err
        cmp     byte [80h], 0
        jne     .wait
        mov     dx, msg
        mov     ah, 9
        int     21h
        cli
        hlt
        mov     ax, 4C00h               ; not reached
        int     21h
.wait:  mov     dx, s_wait
        mov     ah, 9
        int     21h
.key:   xor     ah, ah
        int     16h
        jmp     short .key
.err:   mov     ax, 4C01h
        int     21h

fname   db      'WFAULT.TXT', 0
data    db      'written before the fault', 13, 10
data_len equ    $ - data
msg     db      'wfault: wrote WFAULT.TXT, now CLI HLT', 13, 10, '$'
s_wait  db      'wfault: wrote WFAULT.TXT, waiting for a key', 13, 10, '$'
