; vbe_pm.asm - the VBE 2.0 protected-mode interface (INT 10h AX=4F0Ah):
; the table the function returns, and 32-bit code for functions 5 (set
; window), 7 (set display start) and 9 (set primary palette) that a
; protected-mode program copies or calls without going through INT 10h
; (VESA BIOS Extension Core Functions 2.0, "Return VBE Protected Mode
; Interface"; the table layout as RBIL table 04084 gives it).
;
; The code reaches the card through its VBE registers at 1CEh (index) and
; 1CFh (data), 16 bits wide, numbered as the Bochs "DISPI" interface
; numbers them (vga_dispi.c): 3 bits per pixel, 5 bank, 6 virtual width,
; 8 X offset, 9 Y offset; and the DAC at 3C8h/3C9h. Every register but
; the documented outputs is preserved.
        bits 32
        org 0
table:  dw set_window - table
        dw set_start - table
        dw set_palette - table
        dw ports - table

; Function 5: BL = window (0: A), DX = position in granules (64 KiB).
set_window:
        push eax
        push edx
        mov dx, 1CEh
        mov ax, 5
        out dx, ax
        pop eax
        push eax
        inc dx
        out dx, ax
        pop edx
        pop eax
        ret

; Function 7: BL = 00h or 80h, CX = bits 0-15, DX = bits 16-31 of the
; display start in double words (4-byte units of video memory). Split into
; an X and a Y offset with the line length the mode has.
set_start:
        push eax
        push ebx
        push ecx
        push edx
        shl edx, 16
        mov dx, cx
        lea ebx, [edx * 4]      ; the start in bytes
        mov dx, 1CEh
        mov ax, 3               ; bits per pixel
        out dx, ax
        inc dx
        in ax, dx
        movzx ecx, ax
        add ecx, 7
        shr ecx, 3              ; bytes per pixel
        dec dx
        mov ax, 6               ; virtual width (pixels)
        out dx, ax
        inc dx
        in ax, dx
        movzx eax, ax
        push ecx
        imul ecx, eax           ; bytes per line
        mov eax, ebx
        xor edx, edx
        div ecx                 ; EAX = line, EDX = byte in the line
        mov ebx, eax
        mov eax, edx
        xor edx, edx
        pop ecx
        div ecx                 ; EAX = pixel in the line
        mov ecx, eax
        mov dx, 1CEh
        mov ax, 8
        out dx, ax
        inc dx
        mov ax, cx
        out dx, ax
        dec dx
        mov ax, 9
        out dx, ax
        inc dx
        mov ax, bx
        out dx, ax
        pop edx
        pop ecx
        pop ebx
        pop eax
        ret

; Function 9: BL = 00h or 80h, CX = entries, DX = first entry, ES:EDI ->
; entries of blue, green, red, alignment (6 or 8 significant bits as the
; DAC is set).
set_palette:
        push eax
        push ecx
        push edx
        push edi
        mov al, dl
        mov dx, 3C8h
        out dx, al
        inc dx
        movzx ecx, cx
        jecxz .done
.entry: mov al, [es:edi + 2]
        out dx, al
        mov al, [es:edi + 1]
        out dx, al
        mov al, [es:edi]
        out dx, al
        add edi, 4
        loop .entry
.done:  pop edi
        pop edx
        pop ecx
        pop eax
        ret

; The ports the code uses (FFFFh-terminated), then the memory areas (none).
ports:  dw 03C8h, 03C9h, 01CEh, 01CFh, 0FFFFh
        dw 0FFFFh
