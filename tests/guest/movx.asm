; movx.asm - MOVZX/MOVSX (all source/destination sizes, register and memory)
; and SETcc (all 16 conditions, register and memory destinations).
        org     100h
        cpu     386
%define LIB_386
%include "lib.inc"

        TEST    "movzx"
        mov     ebx, 0x12345680
        movzx   eax, bl
        CHK     eax, 0x00000080
        movzx   eax, bh
        CHK     eax, 0x00000056
        movzx   ecx, bx
        CHK     ecx, 0x00005680
        mov     edx, 0xAAAAAAAA
        movzx   dx, bl                  ; 16-bit destination keeps the upper half
        CHK     edx, 0xAAAA0080
        movzx   esi, byte [b_80]
        CHK     esi, 0x80
        movzx   edi, word [w_abcd]
        CHK     edi, 0xABCD
        mov     ebx, w_abcd
        mov     ecx, 1
        movzx   eax, byte [ebx+ecx]     ; a32 form
        CHK     eax, 0xAB
        ENDTEST

        TEST    "movsx"
        mov     ebx, 0x12345680
        movsx   eax, bl
        CHK     eax, 0xFFFFFF80
        movsx   eax, bh
        CHK     eax, 0x00000056
        movsx   ecx, bx
        CHK     ecx, 0x00005680
        mov     bx, 0x9000
        movsx   ecx, bx
        CHK     ecx, 0xFFFF9000
        mov     edx, 0xAAAAAAAA
        mov     bl, 0x80
        movsx   dx, bl
        CHK     edx, 0xAAAAFF80
        movsx   esi, byte [b_80]
        CHK     esi, 0xFFFFFF80
        movsx   edi, word [w_abcd]
        CHK     edi, 0xFFFFABCD
        movsx   ax, byte [b_7f]
        CHK16   ax, 0x007F
        mov     ah, 0xF0
        movsx   eax, ah
        CHK     eax, 0xFFFFFFF0
        ENDTEST

; SETcc of all 16 conditions into sc[0..15], then DX = mask (bit n = cc n).
%macro SETALL 0
        seto    [sc+0]
        setno   [sc+1]
        setb    [sc+2]
        setae   [sc+3]
        sete    [sc+4]
        setne   [sc+5]
        setbe   [sc+6]
        seta    [sc+7]
        sets    [sc+8]
        setns   [sc+9]
        setp    [sc+10]
        setnp   [sc+11]
        setl    [sc+12]
        setge   [sc+13]
        setle   [sc+14]
        setg    [sc+15]
        call    sc_mask
%endmacro

        TEST    "setcc after cmp 5, 7"
        mov     eax, 5
        cmp     eax, 7                  ; CF SF
        SETALL
        CHK16   dx, 0x5966
        ENDTEST

        TEST    "setcc after cmp 80000000h, 1"
        mov     eax, 0x80000000
        cmp     eax, 1                  ; OF PF
        SETALL
        CHK16   dx, 0x56A9
        ENDTEST

        TEST    "setcc after equal"
        mov     ecx, 0x1234
        cmp     ecx, 0x1234             ; ZF PF
        SETALL
        CHK16   dx, 0x665A
        ENDTEST

        TEST    "setcc after cmp 7, 5"
        mov     eax, 7
        cmp     eax, 5                  ; nothing set
        SETALL
        CHK16   dx, 0xAAAA
        ENDTEST

        TEST    "setcc after cmp -1, 1"
        mov     eax, 0xFFFFFFFF
        cmp     eax, 1                  ; SF
        SETALL
        CHK16   dx, 0x59AA
        ENDTEST

        TEST    "setcc register forms"
        mov     eax, 0x11111111
        stc
        setc    al
        setnc   ah
        CHK     eax, 0x11110001
        xor     ebx, ebx
        setz    bh                      ; ZF from the xor
        setnz   bl
        CHK     ebx, 0x00000100
        mov     ecx, 0xFFFFFFFF
        mov     edx, 3
        cmp     edx, ecx
        setg    cl                      ; 3 > -1
        seta    ch                      ; 3 > 0xFFFFFFFF unsigned: no
        CHK     ecx, 0xFFFF0001
        mov     esi, sc
        mov     edi, 2
        mov     word [sc+8], 0xEEEE
        setl    [esi+edi*4]             ; a32 memory form: 3 < -1? no
        setge   [esi+edi*4+1]
        CHK16   word [sc+8], 0x0100
        ENDTEST

        FINISH

sc_mask:
        push    ax
        push    si
        push    cx
        xor     dx, dx
        mov     si, sc + 15
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

b_80:   db      0x80
b_7f:   db      0x7F
w_abcd: dw      0xABCD
sc:     times 16 db 0xEE
