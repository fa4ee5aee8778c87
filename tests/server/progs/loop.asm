; loop.asm - CPU-bound: runs N iterations (N decimal in the command tail,
; up to 2^32 - 1) of x = x * 25173 + 13849, s = s + x (16-bit, x = s = 0 at
; the start), then prints "loop N=<n hex 8> x=<x hex> s=<s hex>" and exits
; with return code 0.
        cpu 8086
        org 100h
        cld
        mov     si, 81h
        call    parse_dec
        mov     [n_lo], ax
        mov     [n_hi], dx
        mov     cx, ax                  ; DI:CX counts down
        mov     di, dx
        xor     bx, bx                  ; x
        xor     bp, bp                  ; s
        mov     si, 25173
.iter:  mov     ax, cx
        or      ax, di
        jz      .done
        mov     ax, bx
        mul     si
        add     ax, 13849
        mov     bx, ax
        add     bp, ax
        sub     cx, 1
        sbb     di, 0
        jmp     short .iter
.done:  mov     dx, s_n
        call    puts
        mov     ax, [n_hi]
        call    puthex4
        mov     ax, [n_lo]
        call    puthex4
        mov     dx, s_x
        call    puts
        mov     ax, bx
        call    puthex4
        mov     dx, s_s
        call    puts
        mov     ax, bp
        call    puthex4
        call    crlf
        mov     ax, 4C00h
        int     21h

%include "util.inc"

s_n     db      'loop N=$'
s_x     db      ' x=$'
s_s     db      ' s=$'
n_lo    dw      0
n_hi    dw      0
