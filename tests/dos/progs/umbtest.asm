; umbtest.asm - upper memory blocks in the DOS kernel (DOS_UMB=on): the
; UMBs chained after conventional memory through the "SC" block at 9FFFh
; (unlinked at start), INT 21h/5802h-5803h, allocation strategies 00h,
; 40h (high only) and 80h (high first) with 48h/49h, the list of lists'
; UMB fields (66h, 68h), and XMS 10h finding nothing left (DOS took it).
; Sources: RBIL INT 21h/58h, 52h (table 01627), 2F/4310h (table 02766).
        cpu 386
        org 100h

%define PROG_NAME "umbtest"
        jmp     start
%include "memlib.inc"

; ALLOC paras: INT 21h/48h.
%macro ALLOC 1
        mov     bx, %1
        mov     ah, 48h
        int     21h
%endmacro

; STRATEGY bl: INT 21h/5801h.
%macro STRATEGY 1
        mov     bx, %1
        mov     ax, 5801h
        int     21h
%endmacro

; FREE: INT 21h/49h on the block in AX.
%macro FREE 0
        push    es
        mov     es, ax
        mov     ah, 49h
        int     21h
        pop     es
%endmacro

start:  mov     bx, 1000h               ; a .COM holds all conventional memory: give it back
        mov     ah, 4Ah
        int     21h
        mov     ah, 52h
        int     21h
        mov     [lol], bx
        mov     [lol + 2], es
        push    ds
        pop     es
        mov     ax, 5802h
        int     21h
        IS      al, 0, "5802h: not linked at start"
        les     bx, [lol]
        IS      word [es:bx + 68h], 9FFFh, "52h: LoL+68h = 9FFFh, the MCB that links the UMBs"
        IS      byte [es:bx + 66h], 0, "52h: LoL+66h = 0, not linked"
        push    9FFFh
        pop     es
        IS      byte [es:0], 'Z', "9FFFh: a 'Z' block while unlinked"
        IS      word [es:1], 8, "9FFFh: owned by DOS (8)"
        IS      word [es:8], 'SC', "9FFFh: named SC"
        push    ds
        pop     es
        call    find_xms
        mov     dx, 0FFFFh
        XMS     10h
        XERR    0B1h, "XMS 10h: DOS has every UMB (B1h)"

        mov     bx, 1
        mov     ax, 5803h
        int     21h
        OK_IF   nc, "5803h: link"
        mov     ax, 5802h
        int     21h
        IS      al, 1, "5802h: linked"
        les     bx, [lol]
        IS      byte [es:bx + 66h], 1, "52h: LoL+66h = 1"
        push    9FFFh
        pop     es
        IS      byte [es:0], 'M', "9FFFh: an 'M' block while linked"
        push    ds
        pop     es
        call    walk
        cmp     ax, 0C000h
        OK_IF   ae, "the chain ends in upper memory"
        IS      cx, 0, "the chain is whole (no bad MCB)"

        STRATEGY 80h
        ALLOC   100h
        OK_IF   nc, "48h with 80h (high first): allocated"
        cmp     ax, 0C000h
        OK_IF   ae, "48h with 80h: in a UMB"
        FREE
        OK_IF   nc, "49h: freed"
        STRATEGY 40h
        ALLOC   0FFFFh
        OK_IF   c, "48h with 40h (high only): FFFFh fails"
        cmp     bx, 2000h
        OK_IF   b, "48h with 40h: BX = the largest UMB"
        ALLOC   100h
        cmp     ax, 0C000h
        OK_IF   ae, "48h with 40h: in a UMB"
        FREE
        STRATEGY 0
        ALLOC   100h
        OK_IF   nc, "48h with 00h: allocated"
        cmp     ax, 0A000h
        OK_IF   b, "48h with 00h: conventional memory though UMBs are linked"
        FREE
        STRATEGY 80h
        ALLOC   4000h
        OK_IF   nc, "48h with 80h: too large for a UMB"
        cmp     ax, 0A000h
        OK_IF   b, "48h with 80h: then conventional memory"
        FREE
        mov     ax, 5800h
        int     21h
        IS      ax, 80h, "5800h: strategy 80h"
        ALLOC   100h
        mov     [high_block], ax

        xor     bx, bx
        mov     ax, 5803h
        int     21h
        OK_IF   nc, "5803h: unlink"
        mov     ax, 5802h
        int     21h
        IS      al, 0, "5802h: not linked"
        push    9FFFh
        pop     es
        IS      byte [es:0], 'Z', "9FFFh: 'Z' again"
        push    ds
        pop     es
        call    walk
        IS      ax, 9FFFh, "the chain ends at 9FFFh"
        ALLOC   100h
        OK_IF   nc, "48h with 80h but unlinked: allocated"
        cmp     ax, 0A000h
        OK_IF   b, "48h with 80h but unlinked: conventional memory"
        FREE
        mov     ax, [high_block]
        FREE
        OK_IF   nc, "49h: a UMB block frees while unlinked"
        mov     bx, 2
        mov     ax, 5803h
        int     21h
        OK_IF   c, "5803h: BX=2 fails"
        IS      ax, 1, "5803h: error 1"
        STRATEGY 0
        jmp     finish

; Walk the MCB chain from the list of lists: AX = the segment of the 'Z'
; block, CX = 1 if a block was neither 'M' nor 'Z'.
walk:   push    es
        les     bx, [lol]
        mov     ax, [es:bx - 2]
        xor     cx, cx
.next:  mov     es, ax
        mov     dl, [es:0]
        cmp     dl, 'Z'
        je      .end
        cmp     dl, 'M'
        jne     .bad
        add     ax, [es:3]
        inc     ax
        jmp     .next
.bad:   mov     cx, 1
.end:   pop     es
        ret

lol:    dd 0
high_block: dw 0
