; hello.asm - MASM 1.x/4.x compatible EXE
stack   segment stack
        db 256 dup (?)
stack   ends
data    segment
msg     db 'Hello from MASM', 13, 10, '$'
data    ends
code    segment
        assume cs:code, ds:data
start:  mov ax, data
        mov ds, ax
        mov dx, offset msg
        mov ah, 9
        int 21h
        mov ax, 4C00h
        int 21h
code    ends
        end start
