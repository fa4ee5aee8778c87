; mouse33.asm - the INT 33h driver through a program: reset, an event
; handler for every condition, double speed off, the text cursor shown; then it waits
; (polling AX=03h) until the handler saw the left button go up. Results
; at 1000:0200 (words): 0 reset AX, 2 reset BX, 4 handler calls, 6 the
; conditions ORed, 8 AX=03h X, 10 Y, 12 buttons, 14 AX=05h presses of
; the left button, 16 AX=0Bh horizontal mickeys, 18 AX=24h BX (version),
; 20 the handler's last CX, 22 its last DX.
        org 100h
        cpu 8086
        xor ax, ax
        int 33h
        mov [res + 0], ax
        mov [res + 2], bx
        mov ax, 000Ch           ; event handler for all conditions
        mov cx, 007Fh
        push cs
        pop es
        mov dx, handler
        int 33h
        mov ax, 0013h           ; no double speed (threshold 10000 mickeys/s)
        mov dx, 10000
        int 33h
        mov ax, 0001h           ; show the cursor
        int 33h
        sti
.wait:  mov ax, 0003h
        int 33h
        test byte [done], 1
        jz .wait
        mov ax, 0003h           ; once more: the state after the release
        int 33h
        mov [res + 8], cx
        mov [res + 10], dx
        mov [res + 12], bx
        mov ax, 0005h
        xor bx, bx
        int 33h
        mov [res + 14], bx
        mov ax, 000Bh
        int 33h
        mov [res + 16], cx
        mov ax, 0024h
        int 33h
        mov [res + 18], bx
        db 0F4h, 2, 0FDh
handler:                        ; AX conditions, BX buttons, CX X, DX Y
        inc word [cs:res + 4]
        or [cs:res + 6], ax
        mov [cs:res + 20], cx
        mov [cs:res + 22], dx
        test ax, 4              ; left button up: done
        jz .ret
        mov byte [cs:done], 1
.ret:   retf
done:   db 0
        times 100h - ($ - $$) db 0
res:    times 32 db 0
