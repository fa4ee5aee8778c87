; hmatest.asm - DOS in the HMA (DOS_HIGH=on): INT 2Fh/4A01h and 4A02h
; give out the HMA that DOS does not use, XMS 01h finds it taken (91h),
; the country tables (INT 21h/6502h) and the CDS (list of lists 16h)
; are at FFFFh, the arena starts lower, and an INT 21h call turns A20
; back on after a program turned it off. Argument O: DOS_HIGH=off (no
; HMA for 4A01h/4A02h, the HMA is free for XMS).
; Sources: RBIL INT 2F/AX=4A01h, 4A02h; INT 21h/6502h, 52h.
        cpu 386
        org 100h

%define PROG_NAME "hmatest"
        jmp     start
%include "memlib.inc"

start:  call    find_xms
        mov     si, 81h
.skip:  lodsb
        cmp     al, ' '
        je      .skip
        and     al, 0DFh
        cmp     al, 'O'
        je      not_high

        mov     ax, 4A01h
        int     2Fh
        cmp     bx, 60000
        OK_IF   ae, "4A01h: most of the HMA is free"
        mov     ax, es
        IS      ax, 0FFFFh, "4A01h: ES = FFFFh"
        mov     [free_bytes], bx
        mov     [free_at], di
        push    ds
        pop     es
        mov     bx, 100h
        mov     ax, 4A02h
        int     2Fh
        IS      di, [free_at], "4A02h: 256 bytes where 4A01h said"
        mov     dword [es:di], 0CAFEF00Dh
        cmp     dword [es:di], 0CAFEF00Dh
        OK_IF   e, "4A02h: the block holds what was written"
        push    ds
        pop     es
        mov     ax, 4A01h
        int     2Fh
        push    ds
        pop     es
        mov     ax, [free_bytes]
        sub     ax, bx
        IS      ax, 100h, "4A01h: 256 fewer bytes"
        mov     bx, 0F800h
        mov     ax, 4A02h
        int     2Fh
        push    ds
        pop     es
        IS      di, 0FFFFh, "4A02h: more than is free -> DI = FFFFh"
        mov     dx, 0FFFFh
        XMS     01h
        XERR    91h, "XMS 01h: DOS has the HMA (91h)"
        mov     ax, 6502h               ; upper-case table
        mov     bx, 0FFFFh
        mov     dx, 0FFFFh
        mov     cx, 5
        mov     di, buf
        int     21h
        IS      word [buf + 3], 0FFFFh, "6502h: the table is in the HMA"
        les     di, [buf + 1]
        IS      word [es:di], 128, "6502h: and it is there"
        push    ds
        pop     es
        mov     ah, 52h
        int     21h
        IS      word [es:bx + 18h], 0FFFFh, "52h: the CDS is in the HMA"
        mov     ax, [es:bx - 2]
        push    ds
        pop     es
        cmp     ax, 0C0h
        OK_IF   b, "52h: the first MCB is lower than without DOS_HIGH"
        XMS     04h
        XMS     07h
        IS      ax, 0, "XMS 04h: A20 off"
        mov     ah, 30h
        int     21h
        XMS     07h
        IS      ax, 1, "INT 21h: DOS turned A20 back on"
        jmp     finish

not_high:
        mov     ax, 4A01h
        int     2Fh
        IS      bx, 0, "4A01h: no HMA for DOS"
        IS      di, 0FFFFh, "4A01h: ES:DI = FFFF:FFFF"
        push    ds
        pop     es
        mov     bx, 10h
        mov     ax, 4A02h
        int     2Fh
        IS      di, 0FFFFh, "4A02h: nothing"
        push    ds
        pop     es
        mov     dx, 0FFFFh
        XMS     01h
        XOK     "XMS 01h: the HMA is free"
        XMS     02h
        jmp     finish

free_bytes: dw 0
free_at: dw 0
buf:    times 16 db 0
