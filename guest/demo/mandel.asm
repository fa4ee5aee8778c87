; mandel.asm - the mvdm demo: an ASCII Mandelbrot set in 32-bit fixed point
; (386 real mode: 32-bit registers, IMUL r32,r/m32, MOVSX, SAR), printed
; through INT 21h AH=02h. Build: nasm -f bin mandel.asm -o MANDEL.COM
        org 100h
        cpu 386

FRAC    equ 13                  ; fixed point: 8192 = 1.0
ROWS    equ 24
COLS    equ 78
MAXIT   equ 64

start:
        xor     bp, bp                  ; row
.row:
        ; ci = (row - ROWS/2) * 2.4/ROWS  ->  (row-12) * 819
        movsx   ebx, bp
        sub     ebx, ROWS/2
        imul    ebx, ebx, 819
        xor     di, di                  ; column
.col:
        ; cr = (col - 52) * 2.6/COLS -> (col-52)*273
        movsx   ecx, di
        sub     ecx, 52
        imul    ecx, ecx, 273
        xor     esi, esi                ; zr
        xor     edx, edx                ; zi
        mov     word [iter], 0
.iterate:
        mov     eax, esi
        imul    eax, eax                ; zr^2
        sar     eax, FRAC
        mov     [zr2], eax
        mov     eax, edx
        imul    eax, eax                ; zi^2
        sar     eax, FRAC
        mov     [zi2], eax
        add     eax, [zr2]
        cmp     eax, 4 << FRAC          ; |z|^2 > 4: escaped
        jg      .escaped
        mov     eax, esi
        imul    eax, edx                ; zr*zi
        sar     eax, FRAC - 1           ; 2*zr*zi
        add     eax, ebx
        mov     edx, eax                ; zi = 2 zr zi + ci
        mov     eax, [zr2]
        sub     eax, [zi2]
        add     eax, ecx
        mov     esi, eax                ; zr = zr^2 - zi^2 + cr
        inc     word [iter]
        cmp     word [iter], MAXIT
        jb      .iterate
.escaped:
        mov     ax, [iter]
        shr     ax, 3                   ; 0..8
        mov     bx, ax
        mov     dl, [palette + bx]
        mov     ah, 02h
        push    bx
        int     21h
        pop     bx
        ; restore ci (EBX was used as an index)
        movsx   ebx, bp
        sub     ebx, ROWS/2
        imul    ebx, ebx, 819
        inc     di
        cmp     di, COLS
        jb      .col
        mov     dx, crlf
        mov     ah, 09h
        int     21h
        inc     bp
        cmp     bp, ROWS
        jb      .row
        mov     ax, 4C00h
        int     21h

palette db      " .:-=+*#%@"
crlf    db      13, 10, "$"
iter    dw      0
zr2     dd      0
zi2     dd      0
