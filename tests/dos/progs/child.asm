; child.asm - the program kerneltest.com starts with EXEC (4B00h, 4B01h)
; and loads as an overlay (4B03h). Prints its command tail and the program
; path DOS put after its environment, checks both, and ends with return
; code 2Ah when everything was right (2Bh when not).
;   tail " hello": the environment is a copy of the parent's;
;   tail " env":   the parent passed an environment of its own, whose only
;                  variable is KTEST=42.
; The first bytes are fixed (a short JMP, then "CHILD") so that the parent
; can recognize the image it loaded.
        cpu 8086
        org 100h

start:  jmp     short main
sig     db      'CHILD'

main:   cld
        xor     bp, bp                  ; number of failed checks
        mov     dx, s_tail
        call    puts
        mov     cl, [80h]               ; the tail as it is, through handle 1
        xor     ch, ch
        mov     dx, 81h
        mov     bx, 1
        mov     ah, 40h
        int     21h
        mov     dx, s_close
        call    puts

; ---- command tail: length byte, text, CR ----
        mov     si, 80h
        mov     di, t_hello
        mov     cx, t_hello_len
        repe    cmpsb
        mov     byte [mode], 1
        je      .tail_ok
        mov     si, 80h
        mov     di, t_env
        mov     cx, t_env_len
        repe    cmpsb
        mov     byte [mode], 2
        je      .tail_ok
        mov     byte [mode], 0
        mov     dx, s_tail_bad
        jmp     short .tail_say
.tail_ok:
        mov     dx, s_tail_ok
.tail_say:
        call    result

; ---- environment: variables, a NUL, word 0001h, the program's path ----
        mov     es, [2Ch]
        cmp     byte [mode], 2
        jne     .scan
        mov     si, want_env        ; " env": exactly KTEST=42
        xor     di, di
        mov     cx, want_env_len
        repe    cmpsb
        mov     dx, s_env_ok
        je      .env_say
        mov     dx, s_env_bad
.env_say:
        call    result
.scan:  xor     di, di
.var:   cmp     byte [es:di], 0
        je      .vars_end
.skip:  inc     di
        cmp     byte [es:di], 0
        jne     .skip
        inc     di
        cmp     di, 8000h
        jb      .var
.vars_end:
        inc     di
        cmp     word [es:di], 1
        mov     dx, s_count_bad
        jne     .no_path
        add     di, 2
        mov     [path], di
        mov     dx, s_prog              ; print it
        call    puts
        mov     si, di
.print: mov     dl, [es:si]
        or      dl, dl
        jz      .printed
        mov     ah, 2
        int     21h
        inc     si
        jmp     short .print
.printed:
        mov     dx, s_crlf
        call    puts
        ; "C:\" at the start, "\CHILD.COM" at the end
        mov     di, [path]
        mov     si, want_drive
        mov     cx, 3
        repe    cmpsb
        mov     dx, s_path_bad
        jne     .no_path
        mov     di, [path]
        mov     cx, 0FFFFh
        xor     al, al
        repne   scasb                   ; DI past the NUL
        sub     di, want_name_len + 1
        mov     si, want_name
        mov     cx, want_name_len
        repe    cmpsb
        mov     dx, s_path_bad
        jne     .no_path
        mov     dx, s_path_ok
.no_path:
        call    result

        mov     ax, 4C2Ah
        or      bp, bp
        jz      .exit
        mov     al, 2Bh
.exit:  int     21h

; DX: a message starting "PASS" or "FAIL"; count the failures.
result: mov     bx, dx
        cmp     byte [bx], 'F'
        jne     puts
        inc     bp
puts:   push    ax
        mov     ah, 9
        int     21h
        pop     ax
        ret

s_tail  db      'child: tail [$'
s_close db      ']', 13, 10, '$'
s_prog  db      'child: program $'
s_crlf  db      13, 10, '$'
s_tail_ok   db  'PASS child: command tail with its CR', 13, 10, '$'
s_tail_bad  db  'FAIL child: command tail with its CR', 13, 10, '$'
s_env_ok    db  'PASS child: the environment the parent passed', 13, 10, '$'
s_env_bad   db  'FAIL child: the environment the parent passed', 13, 10, '$'
s_count_bad db  'FAIL child: word 0001h after the variables', 13, 10, '$'
s_path_ok   db  'PASS child: program path after the variables', 13, 10, '$'
s_path_bad  db  'FAIL child: program path after the variables', 13, 10, '$'

t_hello db      6, ' hello', 13
t_hello_len equ $ - t_hello
t_env   db      4, ' env', 13
t_env_len equ $ - t_env
want_env db     'KTEST=42', 0, 0
want_env_len equ $ - want_env
want_drive db   'C:\'
want_name db    '\CHILD.COM'
want_name_len equ $ - want_name

mode    db      0
path    dw      0
