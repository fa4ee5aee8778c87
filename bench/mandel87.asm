; mandel87.asm - a double-precision Mandelbrot on the x87.
;
; Measures: x87 arithmetic as a compiler emits it for `double` code: FLD and
; FSTP of 64-bit memory operands, FMUL/FADD/FSUB on the register stack and
; with memory, FCOMP with FNSTSW AX / SAHF and a conditional jump (the
; bailout test), FILD for the pixel coordinates. Precision control is set
; to 53 bits, so every result is the IEEE double one (DOSBox computes with
; host doubles: both print the same counts).
;
; A 160 x 80 grid over [-2, 0.5) x [-1.25, 1.25) (steps 1/64 and 1/32, both
; exact), at most 256 iterations per point, OUTER frames.
; Result line: "mandel87 iters=HHHHLLLL inside=XXXX" (hex: the iterations of
; all frames, and the points of one frame that never escaped).

%include "common.inc"

	bench_cpu 386
	org 100h

	bench_count OUTER, 12, 1

MAXIT equ 256

start:
	finit
	fldcw [cw53]
	xor ax, ax
	mov [iters], ax
	mov [iters + 2], ax
	mov bp, OUTER
frame:
	mov word [inside], 0
	mov word [py], 0
row:
	fild word [py]                  ; ci = -1.25 + py / 32
	fmul qword [dy]
	fadd qword [ymin]
	fstp qword [ci]
	mov word [px], 0
col:
	fild word [px]                  ; cr = -2 + px / 64
	fmul qword [dx_]
	fadd qword [xmin]
	fstp qword [cr]
	fldz
	fst qword [zr]
	fstp qword [zi]
	xor cx, cx
iter:
	fld qword [zr]
	fmul st0, st0                   ; zr^2
	fld qword [zi]
	fmul st0, st0                   ; zi^2, zr^2
	fld st1
	fadd st0, st1                   ; zr^2 + zi^2
	fcomp qword [four]
	fnstsw ax
	sahf
	ja escaped
	fsubp st1, st0                  ; zr^2 - zi^2
	fadd qword [cr]
	fld qword [zr]
	fmul qword [zi]
	fadd st0, st0
	fadd qword [ci]
	fstp qword [zi]                 ; zi = 2 zr zi + ci
	fstp qword [zr]                 ; zr = zr^2 - zi^2 + cr
	inc cx
	cmp cx, MAXIT
	jb iter
	inc word [inside]
	jmp next
escaped:
	fstp st0
	fstp st0
next:
	add [iters], cx
	adc word [iters + 2], 0
	inc word [px]
	cmp word [px], 160
	jb col
	inc word [py]
	cmp word [py], 80
	jb row
	dec bp
	jnz frame

	mov di, r_iters
	mov ax, [iters + 2]
	call put_hex16
	mov ax, [iters]
	call put_hex16
	mov di, r_inside
	mov ax, [inside]
	call put_hex16
	mov dx, result
	call print_line
	mov ax, 4C00h
	int 21h

	bench_routines

; The data on a page of its own, as a compiled program's data segment
; would be: stores to the code's page make the CPU check its cached code.
	align 4096
cw53:	dw 027Fh
	align 8
dx_:	dq 0.015625
dy:	dq 0.03125
xmin:	dq -2.0
ymin:	dq -1.25
four:	dq 4.0
cr:	dq 0
ci:	dq 0
zr:	dq 0
zi:	dq 0
iters:	dd 0
inside:	dw 0
px:	dw 0
py:	dw 0
result:	db "mandel87 iters="
r_iters: db "00000000 inside="
r_inside: db "0000", 13, 10, "$"
