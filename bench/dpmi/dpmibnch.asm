; dpmibnch.asm - the DPMI benchmark (bench/dpmi/run.sh): a 32-bit DPMI
; client (.COM, running 16-bit code: CWSDPMI takes only 32-bit clients) that enters protected mode through whatever host answers
; INT 2Fh/1687h (mvdm's own, or CWSDPMI loaded resident with -p) and then,
; by its argument:
;   0  nothing more (the baseline: start-up, the mode switch, the exit)
;   S  COUNT round trips of the raw mode switch (0306h): protected ->
;      real -> protected
;   I  COUNT INT 21h AH=30h from protected mode, which the host reflects
;      to DOS in real mode and back
; It prints one line, "dpmibnch MODE done", and exits with INT 21h/4Ch.
        cpu     386
        org     100h
COUNT   equ     300000                  ; bench/dpmi/run.sh divides by it

start:  mov     bx, 1000h
        mov     ah, 4Ah
        int     21h
        mov     si, 81h
.skip:  lodsb
        cmp     al, ' '
        je      .skip
        mov     [mode], al
        mov     [rseg], cs
        mov     ax, 1687h
        int     2Fh
        test    ax, ax
        jnz     fail
        mov     [entry], di
        mov     [entry + 2], es
        mov     bx, si
        mov     ah, 48h
        int     21h
        jc      fail
        mov     es, ax
        mov     ax, 1                   ; a 32-bit client
        call    far [entry]
        jc      fail
        mov     [ds_sel], ds
        mov     [cs_sel], cs
        mov     [ss_sel], ss
        mov     dword [left], COUNT
        cmp     byte [mode], 'S'
        je      switches
        cmp     byte [mode], 'I'
        je      ints
        jmp     done

ints:   mov     ah, 30h
        int     21h
        dec     dword [left]
        jnz     ints
        jmp     done

switches:
        mov     ax, 0306h
        int     31h
        mov     [rawrm], cx
        mov     [rawrm + 2], bx
        mov     [rawpm], edi                ; a 32-bit client's far pointer: offset 32, selector
        mov     [rawpm + 4], si
.again: mov     ax, [rseg]
        mov     cx, ax
        mov     dx, ax
        movzx   ebx, sp
        mov     si, ax
        mov     edi, .real
        jmp     dword far [rawpm]
.real:  mov     ax, [ds_sel]
        mov     cx, ax
        mov     dx, [ss_sel]
        movzx   ebx, sp
        mov     si, [cs_sel]
        mov     edi, .prot
        jmp     far [rawrm]
.prot:  dec     dword [left]
        jnz     .again

done:   mov     al, [mode]
        mov     [msg + 9], al
        mov     si, msg
.put:   lodsb
        test    al, al
        jz      .exit
        mov     dl, al
        mov     ah, 2
        int     21h
        jmp     .put
.exit:  mov     ax, 4C00h
        int     21h

fail:   mov     dx, nohost
        mov     ah, 9
        int     21h
        mov     ax, 4C01h
        int     21h

nohost: db      "no DPMI host", 13, 10, "$"
msg:    db      "dpmibnch ? done", 13, 10, 0
mode:   db      0
        align   4
rseg:   dw      0
ds_sel: dw      0
cs_sel: dw      0
ss_sel: dw      0
entry:  dd      0
rawrm:  dd      0
rawpm:  dd      0, 0
left:   dd      0
