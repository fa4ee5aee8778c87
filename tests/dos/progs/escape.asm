; escape.asm - a program that tries to leave its mapped drive (the sandbox
; test, tests/dos/corpus_test.sh case "sandbox"). For each attempt it
; prints the path and the DOS result: "ok" or "error N".
        cpu 8086
        org 100h

%macro  try_open 1
        mov dx, %%name
        call show
        mov ax, 3D00h
        int 21h
        call result
        jmp short %%next
%%name: db %1, 0
%%next:
%endmacro

start:  try_open '..\..\fruit.txt'
        try_open '\..\..\..\etc\passwd'
        try_open 'C:\ETC\PASSWD'
        try_open 'C:/etc/passwd'
        try_open 'ETC\HOSTNAME'
        try_open '/dev/null'
        try_open 'Q:\X.TXT'
        try_open 'SUB\..\..\..\..\FRUIT.TXT'
        try_open 'NUL'
        try_open 'C:\SUB\CON'
        ; create through .. : lands at the root of C:
        mov dx, made
        call show
        mov ah, 3Ch
        xor cx, cx
        mov dx, made
        int 21h
        call result
        ; the directory as the program sees it
        mov dx, listing
        mov ah, 9
        int 21h
        mov ah, 4Eh
        mov cx, 16h
        mov dx, pattern
        int 21h
.next:  jc .done
        mov si, 80h + 1Eh
.name:  lodsb
        or al, al
        jz .eol
        mov dl, al
        mov ah, 2
        int 21h
        jmp short .name
.eol:   mov dx, crlf
        mov ah, 9
        int 21h
        mov ah, 4Fh
        int 21h
        jmp short .next
.done:  mov ax, 4C00h
        int 21h

; print the ASCIIZ name at DX and ": "
show:   push dx
        mov si, dx
.l:     lodsb
        or al, al
        jz .e
        mov dl, al
        mov ah, 2
        int 21h
        jmp short .l
.e:     mov dx, colon
        mov ah, 9
        int 21h
        pop dx
        ret

; CF clear: "ok" (and close the handle); set: "error N"
result: jc .err
        mov bx, ax
        mov ah, 3Eh
        int 21h
        mov dx, ok
        mov ah, 9
        int 21h
        ret
.err:   push ax
        mov dx, error
        mov ah, 9
        int 21h
        pop ax
        jmp put_dec2                ; codes < 100

%include "dec2.inc"

made    db '..\MADE.TXT', 0
pattern db '*.*', 0
listing db 'directory of C:\', 13, 10, '$'
colon   db ': $'
ok      db 'ok', 13, 10, '$'
error   db 'error $'
crlf    db 13, 10, '$'
