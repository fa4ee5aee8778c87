; vardata.asm - the alu loop with its state in memory next to the code.
;
; Measures: what a .COM program that keeps its variables in the same 4 KiB
; page as its loop costs (most DOS .COM programs do: code and data share one
; segment, usually one page). Every iteration reads and writes four words
; that lie a few bytes after the loop's last instruction, so an emulator that
; watches code pages for writes sees a write to a code page several times per
; iteration. The computation is alu.asm's (xorshift16, data-dependent JBE),
; with x, sum, cnt and mix in memory instead of registers. 8086 code.
;
; Result line: "vardata x=XXXX sum=XXXX cnt=XXXX mix=XXXX".

%include "common.inc"

	bench_cpu 8086
	org 100h

	bench_count OUTER, 500, 2    ; outer passes of 65536 inner iterations

start:
	mov word [vx], 1        ; x (xorshift state, never 0)
	mov word [vsum], 0
	mov word [vcnt], 0
	mov word [vmix], 0A5A5h
	mov cl, 7               ; shift count for x << 7
	mov bp, OUTER
outer:
	push bp
	xor bp, bp              ; 65536 inner iterations (dec wraps to 0 at the end)
inner:
	mov ax, [vx]
	mov dx, ax
	shl dx, cl
	xor ax, dx              ; x ^= x << 7
	mov dl, ah
	xor dh, dh
	shr dl, 1
	xor ax, dx              ; x ^= x >> 9
	xor ah, al              ; x ^= x << 8
	mov [vx], ax
	add [vsum], ax          ; sum += x
	mov dx, ax
	and dx, 0Fh
	cmp dx, 6
	jbe .low
	inc word [vcnt]         ; high nibble > 6
	or [vmix], dx
	mov dx, [vcnt]
	sub [vsum], dx
	jmp short .join
.low:
	dec word [vcnt]
	and word [vmix], 0FFF0h
	xor [vmix], ax
	add [vsum], dx
.join:
	dec bp
	jnz inner
	pop bp
	dec bp
	jnz outer
	jmp report

	; The variables: right after the loop, in its page.
vx:   dw 0
vsum: dw 0
vcnt: dw 0
vmix: dw 0

report:
	mov ax, [vx]
	mov di, msg_x
	call put_hex16
	mov ax, [vsum]
	mov di, msg_sum
	call put_hex16
	mov ax, [vcnt]
	mov di, msg_cnt
	call put_hex16
	mov ax, [vmix]
	mov di, msg_mix
	call put_hex16
	mov dx, msg
	call print_line
	exit_ok

	bench_routines

msg:     db "vardata x="
msg_x:   db "0000 sum="
msg_sum: db "0000 cnt="
msg_cnt: db "0000 mix="
msg_mix: db "0000", 13, 10, "$"
