; shell.asm - the guest half of the built-in COMMAND.COM (src/shell/).
; The command interpreter runs in the host: each supervisor call lets it
; take its next step, and when it needs DOS (EXEC of a program, reading a
; line at the prompt, terminating) it leaves the registers set for one
; INT 21h call, which the loop makes before asking again. So programs run
; through a real INT 21h/4B00h and every DOS hook sees them.
        cpu 8086
        org 100h

SVC_SHELL       equ 1Bh

start:  db 0F4h, SVC_SHELL, ~SVC_SHELL & 0FFh
        int 21h
        jmp short start
