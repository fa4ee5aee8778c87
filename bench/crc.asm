; crc.asm - table-driven CRC-32 (IEEE 802.3, reflected, polynomial EDB88320h).
;
; Measures: a tight byte loop of LODSB, table lookups with [disp+BX] word loads,
; byte/word register shuffles and XORs, i.e. typical checksum/codec code.
; 8086 instructions only: the 32-bit CRC lives in BP:DX.
;
; At start the 256-entry table is built bit by bit (SHR/RCR/conditional XOR),
; and a 32 KiB buffer is filled from a 16-bit LCG (s = s*25173 + 13849, the
; byte is the high half of s, s starts at 1). Then OUTER passes run over the
; buffer, continuing one CRC, so the result is the standard CRC-32 of the
; buffer repeated OUTER times (zlib crc32 gives the same value).
; Result line: "crc32 passes=XXXX crc=XXXXXXXX".

%include "common.inc"

	bench_cpu 8086
	org 100h

	bench_count OUTER, 2000, 3   ; passes over the 32 KiB buffer

BUFSZ equ 8000h

	section .text
start:
	pm32_enter
	cld
	; build the table
	xor bx, bx              ; i * 4
	xor di, di              ; i
build:
	mov ax, di              ; crc = i
	xor dx, dx
	mov cx, 8
.bit:
	shr dx, 1
	rcr ax, 1
	jnc .nox
	xor dx, 0EDB8h
	xor ax, 08320h
.nox:
	loop .bit
	mov [table + rBX], ax
	mov [table + rBX + 2], dx
	add bx, 4
	inc di
	cmp di, 256
	jb build

	; fill the buffer
	mov di, buf
	mov cx, BUFSZ
	mov ax, 1
	mov bx, 25173
fill:
	mul bx
	add ax, 13849
	mov [rDI], ah
	inc di
	loop fill

	; OUTER passes of CRC-32 over the buffer
	mov dx, 0FFFFh          ; crc low word
	mov bp, 0FFFFh          ; crc high word
	mov di, OUTER
pass:
	mov si, buf
	mov cx, BUFSZ
.byte:
	lodsb
	xor al, dl              ; index = (crc ^ byte) & FFh
	mov bl, al
	xor bh, bh
	shl bx, 1
	shl bx, 1
	mov dl, dh              ; crc >>= 8
	mov ax, bp
	mov dh, al
	mov al, ah
	xor ah, ah
	xor dx, [table + rBX]    ; crc ^= table[index]
	xor ax, [table + rBX + 2]
	mov bp, ax
	loop .byte
	dec di
	jnz pass
	not dx
	not bp
	pm32_leave

	mov bx, dx
	mov ax, OUTER
	mov di, msg_passes
	call put_hex16
	mov ax, bp
	mov di, msg_crc
	call put_hex16
	mov ax, bx
	call put_hex16
	mov dx, msg
	call print_line
	exit_ok

	bench_routines

msg:        db "crc32 passes="
msg_passes: db "0000 crc="
msg_crc:    db "00000000", 13, 10, "$"

	section .bss
	alignb 4
table:      resd 256
buf:        resb BUFSZ
