; jcc.asm - the 80386 near conditional jumps (0F 80-8F) with 16-bit and
; 32-bit displacements, forward and backward, over more than 127 bytes, for
; all 16 conditions taken and not taken; JMP rel32; JCXZ/JECXZ and LOOP*
; with CX versus ECX (67h).
        org     100h
        cpu     386
%define LIB_386
%include "lib.inc"

; Jcc near to a target more than 127 bytes ahead; jr[n] = 1 if taken.
%macro JN 2
        mov     byte [jr+%2], 0x55
        j%1     near %%taken
        mov     byte [jr+%2], 0
        jmp     near %%done
        times 140 nop
%%taken:
        mov     byte [jr+%2], 1
%%done:
%endmacro

%macro JALL 0
        JN      o, 0
        JN      no, 1
        JN      b, 2
        JN      ae, 3
        JN      e, 4
        JN      ne, 5
        JN      be, 6
        JN      a, 7
        JN      s, 8
        JN      ns, 9
        JN      p, 10
        JN      np, 11
        JN      l, 12
        JN      ge, 13
        JN      le, 14
        JN      g, 15
        call    jr_mask
%endmacro

; Jcc with a 32-bit displacement (66 0F 8x rel32): NASM cannot be asked for
; it in 16-bit code, so it is spelled out.
%macro JCC32 2
        db      0x66, 0x0F, 0x80 + %1
        dd      (%2) - ($ + 4)
%endmacro

        TEST    "jcc near after cmp 5, 7"
        mov     eax, 5
        cmp     eax, 7
        JALL
        CHK16   dx, 0x5966
        ENDTEST

        TEST    "jcc near after cmp 80000000h, 1"
        mov     eax, 0x80000000
        cmp     eax, 1
        JALL
        CHK16   dx, 0x56A9
        ENDTEST

        TEST    "jcc near after equal"
        xor     ecx, ecx
        cmp     ecx, 0
        JALL
        CHK16   dx, 0x665A
        ENDTEST

        TEST    "jcc near after cmp 7, 5"
        mov     eax, 7
        cmp     eax, 5
        JALL
        CHK16   dx, 0xAAAA
        ENDTEST

        TEST    "jcc near backward"
        xor     bx, bx
        mov     cx, 3
.back:
        inc     bx
        times 150 nop
        dec     cx
        jnz     near .back
        CHK16   bx, 3
        ENDTEST

        TEST    "jcc rel32"
        xor     bx, bx
        xor     eax, eax
        JCC32   0x4, .z_taken           ; jz: taken
        mov     bx, 0xBAD
.z_taken:
        JCC32   0x5, .nz_target         ; jnz: not taken
        or      bx, 1
.nz_target:
        mov     cx, 2
.back32:
        inc     bx
        dec     cx
        JCC32   0x5, .back32            ; backward
        CHK16   bx, 3
        ENDTEST

        TEST    "jmp near rel16 and rel32"
        xor     bx, bx
        jmp     near .fwd
        mov     bx, 0xBAD
        times 200 nop
.fwd:
        db      0x66, 0xE9              ; jmp rel32
        dd      .fwd32 - ($ + 4)
        mov     bx, 0xBAD
.fwd32:
        CHK16   bx, 0
        ENDTEST

        TEST    "jcxz jecxz"
        mov     ecx, 0x00010000         ; CX = 0, ECX != 0
        xor     bx, bx
        jcxz    .cx_zero
        or      bx, 1
.cx_zero:
        jecxz   .ecx_zero
        or      bx, 2
.ecx_zero:
        xor     ecx, ecx
        jecxz   .ecx_zero2
        or      bx, 4
.ecx_zero2:
        CHK16   bx, 2
        ENDTEST

        TEST    "loop cx vs ecx"
        mov     ecx, 0x00010001
        xor     bx, bx
        loop    .l1                     ; CX 1 -> 0: falls through
        or      bx, 1
.l1:
        CHK     ecx, 0x00010000
        mov     ecx, 0x00010001
        loop    .l2, ecx                ; ECX -> 0x00010000: taken
        or      bx, 2
.l2:
        CHK     ecx, 0x00010000
        mov     ecx, 5
        xor     eax, eax
.l3:
        inc     eax
        loop    .l3, ecx
        CHK     eax, 5
        mov     ecx, 0x00020003         ; loope: stops when ZF = 0
        xor     dx, dx
.l4:
        inc     dx
        cmp     dx, 2
        loope   .l4, ecx                ; 1st: ZF=0 -> exits at once
        CHK16   dx, 1
        CHK     ecx, 0x00020002
        mov     ecx, 10
        xor     dx, dx
.l5:
        inc     dx
        cmp     dx, 4
        loopne  .l5, ecx                ; until dx == 4
        CHK16   dx, 4
        CHK     ecx, 6
        CHK16   bx, 1
        ENDTEST

        FINISH

jr_mask:
        push    ax
        push    si
        push    cx
        xor     dx, dx
        mov     si, jr + 15
        mov     cx, 16
.next:
        shl     dx, 1
        mov     al, [si]
        and     al, 1
        or      dl, al
        dec     si
        loop    .next
        pop     cx
        pop     si
        pop     ax
        ret

jr:     times 16 db 0
