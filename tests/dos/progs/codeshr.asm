; codeshr.asm - 150 small blocks (each ends with a JMP $+2: a block goes
; on across a JMP over bytes, src/cpu/block_cache.c jmp_inside()) that fold a
; checksum, which it prints in hex: a program with many blocks for the
; code-sharing test (code_share_test.sh). It writes nothing into its own
; image, so loading it again writes the same bytes.
        cpu 8086
        org 100h
        xor     ax, ax
        xor     bx, bx
%assign k 1
%rep 150
        add     ax, k
        xor     bx, ax
        rol     bx, 1
        jmp     short $+2
        nop
%assign k k+1
%endrep
        mov     cx, 4
digit:  rol     bx, 1
        rol     bx, 1
        rol     bx, 1
        rol     bx, 1
        mov     dl, bl
        and     dl, 0Fh
        add     dl, '0'
        cmp     dl, '9'
        jbe     put
        add     dl, 'A' - '0' - 10
put:    mov     ah, 2
        int     21h
        loop    digit
        mov     dl, 13
        int     21h
        mov     dl, 10
        int     21h
        mov     ax, 4C00h
        int     21h
