; dpbspin.asm - asks for the default drive's parameter block (INT 21h/32h),
; which a host drive does not have (AL = FFh), says so, and then spins
; without calling DOS, as RECOVER 2.0 does with what it did not get: the
; VM must end with a message saying why (src/dos/disk.c), not at the time
; limit. With an argument it exits at once after the call instead.
        cpu     8086
        org     100h
        mov     ah, 32h
        mov     dl, 0
        int     21h
        cmp     al, 0FFh
        jne     .odd
        mov     si, nodpb       ; through the BIOS: no DOS call after 32h
.say:   lodsb
        or      al, al
        jz      .said
        mov     ah, 0Eh
        xor     bx, bx
        int     10h
        jmp     .say
.said:  cmp     byte [80h], 0
        jne     .exit
.spin:  jmp     .spin
.odd:   mov     dx, gotdpb
        mov     ah, 9
        int     21h
.exit:  mov     ax, 4C00h
        int     21h
nodpb:  db      'no DPB for this drive', 13, 10, 0
gotdpb: db      'a DPB?', 13, 10, '$'
