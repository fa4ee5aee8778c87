; highexe.asm - an MZ executable with minimum and maximum allocation both
; 0: DOS loads it at the top of the largest block, its PSP at the bottom
; (RBIL INT 21h/4Bh). It prints "high" if its code segment is more than
; 64 KiB above its PSP and the top of its block (PSP:2) is just above its
; load module, "low" otherwise, and ends with 0 or 1.
        cpu 8086
        section hdr start=0
        db      'MZ'
        dw      (32 + module_len) % 512, (32 + module_len + 511) / 512
        dw      0, 2
        dw      0, 0                    ; min = max = 0: load high
        dw      0, stack_top            ; SS:SP inside the module
        dw      0, start, 0             ; checksum, CS:IP
        dw      1Ch, 0
        times   32 - ($ - $$) db 0

        section text follows=hdr vstart=0
start:  mov     ax, cs
        mov     bx, es                  ; the PSP
        sub     ax, bx
        cmp     ax, 1000h
        jb      .low
        mov     ax, [es:2]              ; the first paragraph past the block
        mov     bx, cs
        sub     ax, bx
        cmp     ax, (module_len + 15) / 16
        jne     .low
        push    cs
        pop     ds
        mov     dx, s_high
        mov     ah, 9
        int     21h
        mov     ax, 4C00h
        int     21h
.low:   push    cs
        pop     ds
        mov     dx, s_low
        mov     ah, 9
        int     21h
        mov     ax, 4C01h
        int     21h
s_high  db      'high', 13, 10, '$'
s_low   db      'low', 13, 10, '$'
        times   64 db 0
stack_top:
module_len equ $ - start
