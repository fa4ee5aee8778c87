; callret.asm - CALL/RET recursion (recursive Fibonacci).
;
; Measures: near CALL and RET / RET imm16, PUSH/POP of registers, BP stack
; frames and [BP+disp] loads, i.e. stack-heavy code. Two versions of the same
; recursive fib(n) (mod 65536) alternate: fib_reg takes n in AX and saves the
; registers it uses with PUSH/POP; fib_stk takes n on the stack, builds a BP
; frame and returns with RET 2. 8086 instructions only.
;
; Pass i (OUTER down to 1) computes fib(21 + ((i >> 1) & 3)), with fib_reg
; when i is odd and fib_stk when it is even.
; Result line: "callret sum=XXXX mix=XXXX fib24=XXXX".

%include "common.inc"

	bench_cpu 8086
	org 100h

	bench_count OUTER, 800, 4    ; passes, about 84000 calls each

start:
	pm32_enter
	xor si, si              ; sum of results
	xor di, di              ; order-dependent mix
	mov cx, OUTER
pass:
	mov ax, cx
	shr ax, 1
	and ax, 3
	add ax, 21              ; n in 21..24
	test cl, 1
	jz .stk
	call fib_reg
	jmp short .acc
.stk:
	push ax
	call fib_stk
.acc:
	add si, ax
	rol di, 1
	xor di, ax
	add di, cx
	loop pass

	mov ax, 24
	call fib_reg
	mov bx, ax              ; fib(24) = 46368 = B520h
	pm32_leave
	mov dx, di              ; mix
	mov ax, si
	mov di, msg_sum
	call put_hex16
	mov ax, dx
	mov di, msg_mix
	call put_hex16
	mov ax, bx
	mov di, msg_fib
	call put_hex16
	mov dx, msg
	call print_line
	exit_ok

	pm32_code
; fib_reg: AX = n -> AX = fib(n) mod 65536. Preserves every other register.
fib_reg:
	cmp ax, 2
	jb .ret                 ; fib(0) = 0, fib(1) = 1
	push bx
	push ax
	dec ax
	call fib_reg
	mov bx, ax              ; fib(n-1)
	pop ax
	sub ax, 2
	call fib_reg
	add ax, bx              ; + fib(n-2)
	pop bx
.ret:
	ret

; fib_stk: word n on the stack -> AX = fib(n) mod 65536; pops its argument.
; Preserves every register except AX.
fib_stk:
	push bp
	mov bp, sp
	mov ax, [rBP+2+RET_SZ]
	cmp ax, 2
	jb .ret
	push bx
	dec ax
	push ax
	call fib_stk
	mov bx, ax              ; fib(n-1)
	mov ax, [rBP+2+RET_SZ]
	sub ax, 2
	push ax
	call fib_stk
	add ax, bx              ; + fib(n-2)
	pop bx
.ret:
	pop bp
	ret 2

	rm_code
	bench_routines

msg:      db "callret sum="
msg_sum:  db "0000 mix="
msg_mix:  db "0000 fib24="
msg_fib:  db "0000", 13, 10, "$"
