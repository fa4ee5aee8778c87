; string.asm - string instructions over 32 KiB buffers.
;
; Measures: REP STOSW, REPNE SCASB, REP MOVSW, REPE CMPSB, REP MOVSB (odd
; source offset) and a LODSB/XOR/STOSB/ADD/LOOP loop, each over 32 KiB in two
; buffers in their own segments (A = CS+1000h, B = CS+1800h), with segment
; overrides and DS/ES reloads as real programs do. 8086 instructions only.
;
; Per pass p (OUTER down to 1):
;   fill A with a nonzero word pattern (REP STOSW); put a 0 at 7F00h+(p&FFh);
;   find it with REPNE SCASB; copy A to B (REP MOVSW); flip bit 0 of B at
;   7E00h+(3p&1FFh); find the difference with REPE CMPSB; copy B+1 to A
;   (REP MOVSB, 7FFFh bytes); then A -> B through LODSB/STOSB with a running
;   16-bit hash.
; Result line: "string scan=XXXX hash=XXXX", where scan sums the CX left by
; the scans and hash is the running hash.

%include "common.inc"

	bench_cpu 8086
	org 100h

	bench_count OUTER, 4000, 3   ; passes

BUFSZ equ 8000h                 ; 32 KiB

start:
	cld
%ifdef PM32
	xor eax, eax            ; A and B: descriptors 28h and 30h
	mov ax, cs
	add ax, 1000h
	shl eax, 4
	mov bx, 28h
	call pm32_setbase
	add eax, 8000h
	mov bx, 30h
	call pm32_setbase
	mov word [seg_a], 28h
	mov word [seg_b], 30h
	pm32_enter
%else
	mov ax, cs
	add ax, 1000h
	mov [seg_a], ax
	add ax, 0800h
	mov [seg_b], ax
%endif
	xor dx, dx              ; scan sum
	xor bx, bx              ; hash
	mov bp, OUTER
pass:
	; 1. fill A: AL = (p & 7Fh) | 80h, AH = AL ^ 5Ah (both nonzero)
	mov es, [cs:seg_a]
	mov ax, bp
	and al, 7Fh
	or al, 80h
	mov ah, al
	xor ah, 5Ah
	xor di, di
	mov cx, BUFSZ / 2
	rep stosw
	; 2. a zero byte at 7F00h + (p & FFh)
	mov di, bp
	and di, 0FFh
	add di, 7F00h
	mov byte [es:rDI], 0
	; 3. find it
	xor di, di
	mov cx, BUFSZ
	xor al, al
	repne scasb
	add dx, cx
	; 4. copy A to B
	mov ds, [cs:seg_a]
	mov es, [cs:seg_b]
	xor si, si
	xor di, di
	mov cx, BUFSZ / 2
	rep movsw
	; 5. flip a bit in B at 7E00h + (3p & 1FFh)
	mov di, bp
	add di, di
	add di, bp
	and di, 1FFh
	add di, 7E00h
	xor byte [es:rDI], 1
	; 6. find the difference
	xor si, si
	xor di, di
	mov cx, BUFSZ
	repe cmpsb
	add dx, cx
	; 7. copy B+1 to A (odd source, byte moves)
	mov ds, [cs:seg_b]
	mov es, [cs:seg_a]
	mov si, 1
	xor di, di
	mov cx, BUFSZ - 1
	rep movsb
	; 8. A to B through a LODSB/STOSB loop with a running hash in BX
	mov ds, [cs:seg_a]
	mov es, [cs:seg_b]
	xor si, si
	xor di, di
	mov cx, BUFSZ
	xor ah, ah
.copy:
	lodsb
	xor al, bl
	stosb
	add bx, ax
	loop .copy
	push cs
	pop ds
	dec bp
	jz done
	jmp pass
done:
	pm32_leave
	push cs
	pop es
	mov ax, dx
	mov di, msg_scan
	call put_hex16
	mov ax, bx
	mov di, msg_hash
	call put_hex16
	mov dx, msg
	call print_line
	exit_ok

	bench_routines

seg_a:     dw 0
seg_b:     dw 0
msg:       db "string scan="
msg_scan:  db "0000 hash="
msg_hash:  db "0000", 13, 10, "$"
