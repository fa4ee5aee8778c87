; alu.asm - 16-bit ALU and branch loop.
;
; Measures: register-to-register ADD/SUB/XOR/AND/OR/CMP/INC/DEC/SHL/SHR with
; data-dependent conditional jumps (taken about half the time), i.e. the
; decode/dispatch and lazy-flag cost of plain integer code. 8086 instructions
; only. The state is an xorshift16 generator (x ^= x<<7; x ^= x>>9; x ^= x<<8)
; whose output drives the branches and several accumulators.
;
; Result line: "alu x=XXXX sum=XXXX cnt=XXXX mix=XXXX".

%include "common.inc"

	bench_cpu 8086
	org 100h

	bench_count OUTER, 800, 2    ; outer passes of 65536 inner iterations

start:
	pm32_enter
	mov ax, 1               ; x (xorshift state, never 0)
	xor bx, bx              ; sum
	xor si, si              ; cnt (branch-dependent counter)
	mov di, 0A5A5h          ; mix
	mov cl, 7               ; shift count for x << 7
	mov bp, OUTER
outer:
	push bp
	xor bp, bp              ; 65536 inner iterations (dec wraps to 0 at the end)
inner:
	mov dx, ax
	shl dx, cl
	xor ax, dx              ; x ^= x << 7
	mov dl, ah
	xor dh, dh
	shr dl, 1
	xor ax, dx              ; x ^= x >> 9
	xor ah, al              ; x ^= x << 8
	add bx, ax              ; sum += x
	mov dx, ax
	and dx, 0Fh
	cmp dx, 6
	jbe .low
	inc si                  ; high nibble > 6
	or di, dx
	sub bx, si
	jmp short .join
.low:
	dec si
	and di, 0FFF0h
	xor di, ax
	add bx, dx
.join:
	dec bp
	jnz inner
	pop bp
	dec bp
	jnz outer
	pm32_leave

	; report
	mov dx, di              ; mix
	mov di, msg_x
	call put_hex16          ; x
	mov ax, bx
	mov di, msg_sum
	call put_hex16
	mov ax, si
	mov di, msg_cnt
	call put_hex16
	mov ax, dx
	mov di, msg_mix
	call put_hex16
	mov dx, msg
	call print_line
	exit_ok

	bench_routines

msg:     db "alu x="
msg_x:   db "0000 sum="
msg_sum: db "0000 cnt="
msg_cnt: db "0000 mix="
msg_mix: db "0000", 13, 10, "$"
