; idlepoll.asm - waits by polling, for the idle detector tests (idle_test.c).
; A .COM program: run by the DOS kernel, or loaded at 1000:0100 with the
; command tail written at 1000:0080 by the host. The tail is a mode letter
; and a tick count N: the program polls the way the mode says until N BIOS
; timer ticks (0040:006Ch) have passed, then exits through SVC 2 with AL=0.
;   K  INT 16h AH=01h          E  INT 16h AH=11h
;   Y  INT 2Fh AX=1680h (AL must come back 00h: "supported")
;   I  INT 28h                 B  INT 21h AH=0Bh (AL must be 00h: no key)
;   D  INT 21h AH=06h DL=FFh (ZF must be set: no character)
;   W  busy: about 10,000 instructions of work between INT 16h AH=01h polls
;   M  about 1,000 instructions of work between INT 16h AH=01h polls
;   A  INT 16h AH=01h until a key comes, then exit with its ASCII code
; A poll that reports input when none was typed exits with AL=0E0h-0E3h.
        org 100h
        cpu 8086
start:  sti
        mov si, 81h
.skip:  lodsb
        cmp al, ' '
        je .skip
        mov bl, al                  ; mode
        xor cx, cx                  ; N
.num:   lodsb
        sub al, '0'
        jb .mode
        cmp al, 9
        ja .mode
        mov ah, 0
        xchg ax, cx                 ; ax = N so far, cx = digit
        mov dx, 10
        mul dx
        add ax, cx
        xchg ax, cx
        jmp .num
.mode:  mov [ticks], cx
        mov di, modes
.find:  mov al, [di]
        cmp al, 0
        je bad_mode
        cmp al, bl
        je .found
        add di, 3
        jmp .find
.found: mov ax, [di+1]
        mov [poll_fn], ax
        cmp bl, 'A'
        je await
        mov ax, 40h
        mov es, ax
        mov ax, [es:6Ch]
        mov [start_tick], ax
.loop:  mov ax, [es:6Ch]
        sub ax, [start_tick]
        cmp ax, [ticks]
        jae .done
        call [poll_fn]
        jmp .loop
.done:  mov al, 0
exit:   db 0F4h, 2, 0FDh            ; SVC 2: end the VM with AL

bad_mode:
        mov al, 0EFh
        jmp exit

await:  mov ah, 01h
        int 16h
        jz await
        mov ah, 00h
        int 16h
        jmp exit

poll_k: mov ah, 01h
        int 16h
        jnz key_seen
        ret
poll_e: mov ah, 11h
        int 16h
        jnz key_seen
        ret
poll_y: mov ax, 1680h
        int 2Fh
        cmp al, 0
        jne .bad
        ret
.bad:   mov al, 0E1h
        jmp exit
poll_i: int 28h
        ret
poll_b: mov ah, 0Bh
        int 21h
        cmp al, 0
        jne .bad
        ret
.bad:   mov al, 0E2h
        jmp exit
poll_d: mov ah, 06h
        mov dl, 0FFh
        int 21h
        jnz .bad
        ret
.bad:   mov al, 0E3h
        jmp exit
poll_w: mov cx, 5000                ; 2 instructions a round
.w:     add dx, cx
        loop .w
        jmp poll_k
poll_m: mov cx, 500
.m:     add dx, cx
        loop .m
        jmp poll_k
key_seen:
        mov al, 0E0h
        jmp exit

modes:  db 'K'
        dw poll_k
        db 'E'
        dw poll_e
        db 'Y'
        dw poll_y
        db 'I'
        dw poll_i
        db 'B'
        dw poll_b
        db 'D'
        dw poll_d
        db 'W'
        dw poll_w
        db 'M'
        dw poll_m
        db 'A'
        dw poll_k
        db 0

ticks       dw 0
start_tick  dw 0
poll_fn     dw 0
