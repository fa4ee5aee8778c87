; smc.asm - self-modifying code and data next to code, as the decoded-block
; cache must handle them (src/cpu/block_cache.h): a write is seen by the
; next instruction fetched, also inside the block that is running (the
; first pass of each loop records the block, the later ones run it from the
; cache), and writes next to code change nothing but the data. 8086 code.
;
; Except where the CPU's prefetch queue holds the bytes already
; (src/cpu/prefetch.c): assembled once per queue length, -DPQ=4 (8088), 6 (8086,
; 80186, 80286), 16 (80386), 32 (80486), with the expectations of that
; queue, and -DPQ=0 for the model off (run with --prefetch off), which
; expects what Pentium-class hardware does: every write seen at once.
        org     100h
        cpu     8086
%include "lib.inc"

        TEST    "patch the next instruction, each pass"
        mov     cx, 4
        xor     dx, dx
p1_:    mov     [p1i_+1], cl            ; the immediate of the MOV below
p1i_:   mov     al, 0
        add     dl, al                  ; 4 + 3 + 2 + 1
        loop    p1_
%if PQ > 5
        CHK16   dx, 0 + 4 + 3 + 2       ; the queue held the last pass's immediate
%else
        CHK16   dx, 10
%endif
        ENDTEST

        TEST    "patch an instruction further on in the block"
        mov     cx, 3
        xor     dx, dx
p2_:    mov     word [p2i_+2], 0x0102   ; the immediate of the ADD below (81 C2 iw)
        inc     dx
        inc     dx
        nop
        nop
        nop
        nop
p2i_:   add     dx, strict word 0
        add     word [p2i_+2], 0
        loop    p2_
%if PQ > 15
        CHK16   dx, 3 * 2 + 2 * 0x0102  ; (the first pass ran the queue's 0)
%else
        CHK16   dx, 3 * (2 + 0x0102)
%endif
        ENDTEST

        TEST    "a block that rewrites its own start"
        mov     cx, 3
        xor     bx, bx
        jmp     short p3_               ; (the first pass records a block from p3_)
p3_:    add     bx, byte 1              ; 83 C3 ib: becomes add bx, 5
        mov     byte [p3_+2], 5
        loop    p3_
        CHK16   bx, 1 + 5 + 5
        ENDTEST

        TEST    "an instruction turned into another one"
        mov     cx, 2
        xor     dx, dx
p4_:    mov     byte [p4i_], 0x42       ; INC DX over the DEC DX below
p4i_:   dec     dx                      ; 4A: never runs as DEC
        loop    p4_
%if PQ > 5
        CHK16   dx, -1 + 1              ; the queue's DEC DX in the first pass
%else
        CHK16   dx, 2
%endif
        mov     byte [p4i_], 0x4A
        ENDTEST

        TEST    "rep movsb over the code ahead"
        push    ds
        pop     es
        mov     bp, 3
        xor     dx, dx
p5_:    mov     si, p5new_
        mov     di, p5old_
        mov     cx, 3
        cld
        rep     movsb                   ; mov dx-add becomes add dx, 7
p5old_: add     dx, 1
        mov     word [p5old_], 0xC283   ; back to add dx, 1 (83 C2 01)
        mov     byte [p5old_+2], 1
        dec     bp
        jnz     p5_
%if PQ > 4
        CHK16   dx, 3                   ; the queue's add dx, 1 every pass
%else
        CHK16   dx, 21
%endif
        ENDTEST

        TEST    "code written to a buffer, called, rewritten"
        mov     byte [buf], 0xB8        ; mov ax, imm16
        mov     word [buf+1], 1111h
        mov     byte [buf+3], 0xC3      ; ret
        call    buf
        mov     bx, ax
        mov     word [buf+1], 2222h
        call    buf
        add     bx, ax
        mov     word [buf+1], 3333h
        call    buf
        add     bx, ax
        CHK16   bx, 6666h
        ENDTEST

        TEST    "data right next to a hot loop"
        mov     cx, 1000
        mov     word [d_before], 0
        mov     word [d_after], 0
p7_:    inc     word [d_before]
        add     word [d_after], 3
        loop    p7_
        jmp     p7end_
d_before: dw 0                          ; the bytes right before p7end_'s code
p7end_: CHK16   [d_before], 1000
        CHK16   [d_after], 3000
        ENDTEST

        TEST    "a write to code that already ran in the block"
        mov     cx, 2
        xor     dx, dx
        jmp     short p8_               ; (the first pass records a block from p8_)
p8_:    mov     ax, 1                   ; B8 01 00: rewritten to mov ax, 3
        add     dx, ax
        mov     word [p8_+1], 3
        add     dx, ax                  ; still 1 in the first pass
        loop    p8_
        CHK16   dx, 1 + 1 + 3 + 3
        mov     word [p8_+1], 1
        ENDTEST

        TEST    "a push over the next instruction"
        mov     cx, 2
        xor     dx, dx
        mov     bp, sp
        cli                             ; (nothing else may push there)
p9_:    mov     sp, p9i_+4
        mov     ax, 5
        push    ax                      ; the immediate below: add dx, 5
p9i_:   add     dx, strict word 1       ; 81 C2 iw
        mov     di, sp                  ; moved by the push
        mov     sp, bp
        loop    p9_
        sti
%if PQ > 3
        CHK16   dx, 1 + 5               ; the queue's 1 in the first pass (its low byte, 3 on)
%else
        CHK16   dx, 10
%endif
        CHK16   di, p9i_+2
        mov     word [p9i_+2], 1
        ENDTEST

        TEST    "inc and add on memory over the next instruction"
        mov     cx, 2
        xor     dx, dx
p10_:   mov     word [p10i_+2], 1
        inc     byte [p10i_+2]          ; add dx, 2
p10i_:  add     dx, strict word 1
        add     word [p10j_+2], 3       ; add dx, 4
p10j_:  add     dx, strict word 1
        mov     word [p10j_+2], 1
        loop    p10_
%if PQ > 13
        ; the queue's immediates: 1 and 1 in the first pass, then the 2
        ; that pass's INC left (this pass's MOV of 1 came too late) and 1
        CHK16   dx, 1 + 1 + 2 + 1
%else
        CHK16   dx, 12
%endif
        ENDTEST

        TEST    "stosb and movsw over the next instruction"
        push    ds
        pop     es
        cld
        mov     cx, 3
        xor     dx, dx
p11_:   mov     di, p11i_+2
        mov     al, cl
        stosb                           ; add dx, cl
p11i_:  add     dx, byte 0              ; 83 C2 ib
        mov     si, p11src_
        mov     di, p11j_+2
        movsw                           ; add dx, 0100h
p11j_:  add     dx, strict word 0       ; 81 C2 iw
        mov     word [p11j_+2], 0
        loop    p11_
%if PQ > 4
        CHK16   dx, 0 + 3 + 2           ; the queue's last immediates
%elif PQ == 4
        ; the 8088's queue ends between the bytes of the word immediate:
        ; its low byte (3 on) old, its high byte new
        CHK16   dx, 0 + 3 + 2 + 3 * 0x0100
%else
        CHK16   dx, 3 + 2 + 1 + 3 * 0x0100
%endif
        mov     byte [p11i_+2], 0
        ENDTEST

        TEST    "lodsb, stosb and shifts on data next to a hot loop"
        push    ds
        pop     es
        cld
        mov     cx, 500
        xor     bx, bx
p12_:   mov     si, p12d_
        lodsw                           ; the word after the loop
        shl     ax, cl                  ; by CL: 500 & 31 down to ...
        add     bx, ax
        mov     di, p12d_+2
        stosb                           ; the byte after it
        inc     word [p12d_]
        loop    p12_
        jmp     p12end_
p12d_:  dw 0, 0
p12end_: CHK16  [p12d_], 500
        mov     word [p12d_], 0
        ENDTEST

        TEST    "rep stosb from data into the code after it"
        push    ds
        pop     es
        cld
        mov     bp, 3
        xor     dx, dx
        mov     al, 0x42                ; INC DX, then DEC DX, then INC DX
p13_:   mov     di, p13d_
        mov     cx, 4
        rep     stosb                   ; the data word, then the two bytes of code
        jmp     short p13c_
p13d_:  dw      0
p13c_:  nop
        nop
        xor     al, 0x42 ^ 0x4A
        dec     bp
        jnz     p13_
        CHK16   dx, 2 - 2 + 2
        mov     word [p13c_], 0x9090
        ENDTEST

        TEST    "jmps inside a block over data the loop writes"
        mov     cx, 5
        xor     dx, dx
p14_:   jmp     short p14s_             ; (the block goes on across it)
p14d_:  dw      0
p14s_:  inc     word [p14d_]
        add     dx, [p14d_]
        jmp     near p14t_
p14e_:  dw      0
p14t_:  add     [p14e_], dx
        loop    p14_
        CHK16   dx, 1 + 2 + 3 + 4 + 5
        CHK16   [p14e_], 1 + 3 + 6 + 10 + 15
        ENDTEST

        TEST    "a write to a jmp's target in the same block"
        mov     cx, 3
        xor     dx, dx
p15_:   mov     [p15t_+1], cl           ; the immediate at the JMP's target
        jmp     short p15t_
        db      0xCC, 0xCC
p15t_:  mov     al, 0
        add     dl, al
        loop    p15_
        CHK16   dx, 3 + 2 + 1
        ENDTEST

        TEST    "a write to a jmp's target from another block"
        mov     cx, 3
        xor     dx, dx
p16_:   call    p16b_
        add     dl, al
        inc     byte [p16t_+1]          ; the immediate at the JMP's target
        loop    p16_
        CHK16   dx, 1 + 2 + 3
        jmp     short p16end_
p16b_:  nop
        jmp     short p16t_
        db      0xCC
p16t_:  mov     al, 1
        ret
p16end_:
        ENDTEST

        TEST    "a jcc inside a block over data, its target rewritten"
        mov     cx, 3
        xor     dx, dx
p17_:   mov     [p17t_+1], cl           ; the immediate at the Jcc's target
        cmp     cx, cx
        je      p17t_                   ; (taken: the block goes on there)
p17d_:  dw      0
p17t_:  mov     al, 0
        add     dl, al
        inc     word [p17d_]
        loop    p17_
        CHK16   dx, 3 + 2 + 1
        CHK16   [p17d_], 3
        ENDTEST

        FINISH

d_after: dw 0
p11src_: dw 0x0100
p5new_: add     dx, 7                   ; 83 C2 07
buf:    times 8 db 0x90
