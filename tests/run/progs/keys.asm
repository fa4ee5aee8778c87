; keys.asm - reads keys through the BIOS (INT 16h AH=00h, which waits)
; after printing "key? " (no new line), echoes each one (INT 21h AH=02h)
; until Enter, then prints CR LF and "keys: done" and exits with return
; code 7. With the tail "p" it polls (INT 16h AH=01h) before each read;
; with "w" it does about 10,000 instructions of work between two polls
; (a busy program that looks at the keyboard, not one that waits).
        cpu 8086
        org 100h
        cld
        mov     si, 81h
.blank: lodsb
        cmp     al, ' '
        je      .blank
        mov     [mode], al
        mov     dx, prompt
        mov     ah, 9
        int     21h
next:   cmp     byte [mode], 'p'
        je      .poll
        cmp     byte [mode], 'w'
        jne     .read
.poll:  mov     ah, 1
        int     16h
        jnz     .read
        cmp     byte [mode], 'w'
        jne     .poll
        mov     cx, 3000                ; work between polls
.work:  loop    .work
        jmp     short .poll
.read:  mov     ah, 0
        int     16h
        cmp     al, 13
        je      done
        mov     dl, al
        mov     ah, 2
        int     21h
        jmp     short next
done:   mov     dx, bye
        mov     ah, 9
        int     21h
        mov     ax, 4C07h
        int     21h
mode    db      0
prompt  db      'key? $'
bye     db      13, 10, 'keys: done', 13, 10, '$'
