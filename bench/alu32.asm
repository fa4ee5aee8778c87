; alu32.asm - the ALU/branch loop of alu.asm on 32-bit registers (386).
;
; Measures: operand-size-prefixed (66h) 32-bit ADD/SUB/XOR/AND/OR/CMP/INC/DEC/
; SHL/SHR with immediate counts and data-dependent conditional jumps in real
; mode. The state is an xorshift32 generator (x ^= x<<13; x ^= x>>17;
; x ^= x<<5) whose output drives the branches and the accumulators.
;
; Result line: "alu32 x=XXXXXXXX sum=XXXXXXXX cnt=XXXXXXXX mix=XXXXXXXX".

%include "common.inc"

	bench_cpu 386
	org 100h

	bench_count OUTER, 1200, 2   ; outer passes of 65536 inner iterations

start:
	pm32_enter
	mov eax, 2463534242     ; x (xorshift state, never 0)
	xor ebx, ebx            ; sum
	xor esi, esi            ; cnt
	mov edi, 0A5A5A5A5h     ; mix
	mov ebp, OUTER
outer:
	mov ecx, 65536
inner:
	mov edx, eax
	shl edx, 13
	xor eax, edx            ; x ^= x << 13
	mov edx, eax
	shr edx, 17
	xor eax, edx            ; x ^= x >> 17
	mov edx, eax
	shl edx, 5
	xor eax, edx            ; x ^= x << 5
	add ebx, eax            ; sum += x
	mov edx, eax
	and edx, 0Fh
	cmp edx, 6
	jbe .low
	inc esi
	or edi, edx
	sub ebx, esi
	jmp short .join
.low:
	dec esi
	and edi, 0FFFFFFF0h
	xor edi, eax
	add ebx, edx
.join:
	dec ecx
	jnz inner
	dec ebp
	jnz outer
	pm32_leave

	; report
	mov edx, edi            ; mix
	mov di, msg_x
	call put_hex32          ; x
	mov eax, ebx
	mov di, msg_sum
	call put_hex32
	mov eax, esi
	mov di, msg_cnt
	call put_hex32
	mov eax, edx
	mov di, msg_mix
	call put_hex32
	mov dx, msg
	call print_line
	exit_ok

; put_hex32: write EAX as 8 hex digits at DS:DI, DI += 8.
put_hex32:
	push eax
	shr eax, 16
	call put_hex16
	pop eax
	jmp put_hex16

	bench_routines

msg:     db "alu32 x="
msg_x:   db "00000000 sum="
msg_sum: db "00000000 cnt="
msg_cnt: db "00000000 mix="
msg_mix: db "00000000", 13, 10, "$"
