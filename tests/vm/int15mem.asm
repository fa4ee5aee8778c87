; int15mem.asm - the BIOS's view of extended memory (RBIL INT 15h): AH=88h,
; AX=E801h, AX=E820h (the whole map) and an AH=87h block move to 2 MiB and
; back. Results at 1000:0600 for the host test:
;   +0 88h AX  +2 E801h AX  +4 BX  +6 CX  +8 DX  +10 E820h entries
;   +12 block move: AH of both moves (low/high byte), +14 bytes equal (1)
;   +16 the E820h entries, 20 bytes each (8 at most)
        org 100h
        cpu 386
        mov ah, 88h
        int 15h
        mov [res+0], ax
        mov ax, 0E801h
        int 15h
        mov [res+2], ax
        mov [res+4], bx
        mov [res+6], cx
        mov [res+8], dx
        xor ebx, ebx
        mov di, res + 16
.map:   mov eax, 0E820h
        mov ecx, 20
        mov edx, 534D4150h
        int 15h
        jc .done
        cmp eax, 534D4150h
        jne .done
        inc word [res+10]
        add di, 20
        test ebx, ebx
        jz .done
        cmp word [res+10], 8
        jb .map
.done:
        ; 16 words from 1000:0400 to 200000h, then back to 1000:0500
        mov si, 400h
        mov cx, 32
.fill:  mov [si], cl
        inc si
        loop .fill
        mov word [gdt + 10h + 2], 0400h
        mov byte [gdt + 10h + 4], 01h
        mov word [gdt + 18h + 2], 0
        mov byte [gdt + 18h + 4], 20h
        mov si, gdt
        mov cx, 16
        mov ah, 87h
        int 15h
        mov [res+12], ah
        mov word [gdt + 10h + 2], 0
        mov byte [gdt + 10h + 4], 20h
        mov word [gdt + 18h + 2], 0500h
        mov byte [gdt + 18h + 4], 01h
        mov si, gdt
        mov cx, 16
        mov ah, 87h
        int 15h
        mov [res+13], ah
        mov si, 400h
        mov di, 500h
        mov cx, 32
        repe cmpsb
        jne .ne
        mov byte [res+14], 1
.ne:    mov al, 0
        db 0F4h, 2, 0FDh
        times 500h - ($ - $$) db 0
res:    times 16 + 8 * 20 db 0
gdt:    times 48 db 0
