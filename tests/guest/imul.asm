; imul.asm - IMUL in its one-, two- and three-operand forms (8/16/32-bit,
; register and memory, imm8 and full immediates) and MUL; CF = OF = "the
; result does not fit the destination" (SF ZF AF PF are undefined, unchecked).
        org     100h
        cpu     386
%define LIB_386
%include "lib.inc"

        TEST    "imul one operand 32"
        mov     eax, -2
        mov     ecx, 3
        imul    ecx
        CHKF    F_OF | F_CF, 0
        CHK     eax, -6
        CHK     edx, 0xFFFFFFFF
        mov     eax, 0x40000000
        mov     ebx, 4
        imul    ebx
        CHKF    F_OF | F_CF, F_OF | F_CF
        CHK     eax, 0
        CHK     edx, 1
        mov     eax, 0x7FFFFFFF
        mov     dword [m32], 2
        imul    dword [m32]
        CHKF    F_OF | F_CF, F_OF | F_CF
        CHK     eax, 0xFFFFFFFE
        CHK     edx, 0
        ENDTEST

        TEST    "imul one operand 8/16"
        mov     eax, 0xAAAA0080         ; al = -128
        mov     bl, 2
        imul    bl
        CHKF    F_OF | F_CF, F_OF | F_CF
        CHK     eax, 0xAAAAFF00
        mov     al, -8
        mov     bl, 16
        imul    bl
        CHKF    F_OF | F_CF, 0
        CHK16   ax, 0xFF80
        mov     edx, 0x55555555
        mov     ax, 0x8000
        mov     cx, -1
        imul    cx
        CHKF    F_OF | F_CF, F_OF | F_CF
        CHK16   ax, 0x8000
        CHK     edx, 0x55550000
        ENDTEST

        TEST    "imul two operands"
        mov     eax, 0x10000
        imul    eax, eax
        CHKF    F_OF | F_CF, F_OF | F_CF
        CHK     eax, 0
        mov     ecx, -3
        mov     edx, 7
        imul    ecx, edx
        CHKF    F_OF | F_CF, 0
        CHK     ecx, -21
        mov     dword [m32], 0x12345
        mov     esi, 0x100
        imul    esi, [m32]
        CHK     esi, 0x1234500
        mov     edx, 0xCCCCFFFE         ; dx = -2
        mov     word [m16], 1000
        imul    dx, [m16]
        CHKF    F_OF | F_CF, 0
        CHK     edx, 0xCCCCF830
        ENDTEST

        TEST    "imul three operands"
        mov     ebx, 100
        imul    eax, ebx, -5            ; imm8, sign-extended
        CHKF    F_OF | F_CF, 0
        CHK     eax, 0xFFFFFE0C
        mov     ecx, 0x10001
        imul    ecx, ecx, 0x10001       ; imm32
        CHKF    F_OF | F_CF, F_OF | F_CF
        CHK     ecx, 0x00020001
        mov     eax, 0x12345678
        mov     bx, 300
        imul    ax, bx, 300             ; imm16
        CHKF    F_OF | F_CF, F_OF | F_CF
        CHK     eax, 0x12345F90
        mov     dword [m32], 0x12345
        imul    edi, [m32], 3
        CHK     edi, 0x369CF
        mov     word [m16], 0x4000
        imul    bp, [m16], 2
        CHKF    F_OF | F_CF, F_OF | F_CF
        CHK16   bp, 0x8000
        ENDTEST

        TEST    "mul"
        mov     al, 200
        mov     bl, 2
        mul     bl
        CHKF    F_OF | F_CF, F_OF | F_CF
        CHK16   ax, 400
        mov     ax, 0x1234
        mov     word [m16], 0x10
        mul     word [m16]
        CHKF    F_OF | F_CF, F_OF | F_CF
        CHK16   ax, 0x2340
        CHK16   dx, 0x0001
        ENDTEST

        FINISH

        align   4
m32:    dd      0
m16:    dw      0
