; arith32.asm - 32-bit arithmetic and flags, CBW/CWDE/CWD/CDQ (80386 real mode).
; Expected flags follow the Intel 80386 PRM, chapter 17 and appendix C; flags
; the PRM leaves undefined are left out of the masks.
        org     100h
        cpu     386
%define LIB_386
%include "lib.inc"

        TEST    "add32 overflow"
        mov     eax, 0x7FFFFFFF
        add     eax, 1
        CHKF    F_ARITH, F_OF | F_SF | F_AF | F_PF
        CHK     eax, 0x80000000
        ENDTEST

        TEST    "add32 carry"
        mov     ebx, 0xFFFFFFFF
        add     ebx, 1
        CHKF    F_ARITH, F_ZF | F_AF | F_PF | F_CF
        CHK     ebx, 0
        ENDTEST

        TEST    "add32 imm8 sign-extended"
        mov     ecx, 5
        add     ecx, byte -1
        CHKF    F_ARITH, F_CF | F_AF
        CHK     ecx, 4
        ENDTEST

        TEST    "adc32 64-bit add"
        mov     eax, 0xFFFFFFFF         ; edx:eax = 0x00000001_FFFFFFFF
        mov     edx, 1
        add     eax, 1
        adc     edx, 0
        CHK     eax, 0
        CHK     edx, 2
        stc
        mov     eax, 0xFFFFFFFE
        mov     ebx, 1
        adc     eax, ebx
        CHKF    F_ARITH, F_ZF | F_AF | F_PF | F_CF
        CHK     eax, 0
        ENDTEST

        TEST    "sub32 overflow"
        mov     esi, 0x80000000
        sub     esi, 1
        CHKF    F_ARITH, F_OF | F_AF | F_PF
        CHK     esi, 0x7FFFFFFF
        ENDTEST

        TEST    "sbb32 64-bit subtract"
        xor     eax, eax                ; edx:eax = 0x00000001_00000000
        mov     edx, 1
        sub     eax, 1
        sbb     edx, 0
        CHKF    F_ZF | F_CF, F_ZF
        CHK     eax, 0xFFFFFFFF
        CHK     edx, 0
        stc
        mov     edi, 0
        sbb     edi, 0
        CHKF    F_ARITH, F_SF | F_AF | F_PF | F_CF
        CHK     edi, 0xFFFFFFFF
        ENDTEST

        TEST    "cmp32"
        mov     eax, 5
        cmp     eax, 6
        CHKF    F_ARITH, F_SF | F_AF | F_PF | F_CF
        mov     eax, 0x80000000
        cmp     eax, 1
        CHKF    F_ARITH, F_OF | F_AF | F_PF
        mov     ebx, 0x12345678
        cmp     ebx, 0x12345678
        CHKF    F_ARITH, F_ZF | F_PF
        ENDTEST

        TEST    "neg32"
        mov     eax, 1
        neg     eax
        CHKF    F_ARITH, F_SF | F_AF | F_PF | F_CF
        CHK     eax, 0xFFFFFFFF
        mov     eax, 0x80000000
        neg     eax
        CHKF    F_ARITH, F_OF | F_SF | F_PF | F_CF
        CHK     eax, 0x80000000
        xor     ecx, ecx
        neg     ecx
        CHKF    F_ARITH, F_ZF | F_PF
        ENDTEST

        TEST    "inc32/dec32 keep CF"
        stc
        mov     ecx, 0xFFFFFFFF
        inc     ecx
        CHKF    F_ARITH, F_ZF | F_AF | F_PF | F_CF
        CHK     ecx, 0
        clc
        mov     edx, 0x80000000
        dec     edx
        CHKF    F_ARITH, F_OF | F_AF | F_PF
        CHK     edx, 0x7FFFFFFF
        ENDTEST

        TEST    "logic32"
        mov     eax, 0xF0F0F0F0
        and     eax, 0x0FF00FF0
        CHKF    F_OF | F_SZPC, F_PF
        CHK     eax, 0x00F000F0
        or      eax, 0x80000001
        CHKF    F_OF | F_SZPC, F_SF
        CHK     eax, 0x80F000F1
        xor     eax, 0x80F000F1
        CHKF    F_OF | F_SZPC, F_ZF | F_PF
        CHK     eax, 0
        mov     edx, 0x80000001
        test    edx, 0x80000000
        CHKF    F_OF | F_SZPC, F_SF | F_PF
        not     edx
        CHK     edx, 0x7FFFFFFE
        ENDTEST

        TEST    "mul32"
        mov     eax, 0xFFFFFFFF
        mov     ecx, 0xFFFFFFFF
        mul     ecx
        CHKF    F_OF | F_CF, F_OF | F_CF
        CHK     eax, 1
        CHK     edx, 0xFFFFFFFE
        mov     eax, 3
        mov     dword [m_five], 5
        mul     dword [m_five]
        CHKF    F_OF | F_CF, 0
        CHK     eax, 15
        CHK     edx, 0
        ENDTEST

        TEST    "div32"
        mov     edx, 0x0000000F
        mov     eax, 0xFFFFFFFF
        mov     ebx, 0x10
        div     ebx
        CHK     eax, 0xFFFFFFFF
        CHK     edx, 0xF
        mov     edx, 1
        xor     eax, eax
        div     dword [m_five]          ; 0x100000000 / 5
        CHK     eax, 0x33333333
        CHK     edx, 1
        ENDTEST

        TEST    "idiv32"
        mov     eax, -100
        cdq
        mov     ecx, 7
        idiv    ecx
        CHK     eax, -14
        CHK     edx, -2
        mov     eax, 100
        cdq
        mov     ecx, -7
        idiv    ecx
        CHK     eax, -14
        CHK     edx, 2
        ; the most negative quotient is valid on the 386
        mov     edx, 0xFFFFFFFF
        mov     eax, 0x80000000         ; -2^31
        mov     ecx, 1
        idiv    ecx
        CHK     eax, 0x80000000
        CHK     edx, 0
        ENDTEST

        TEST    "cbw cwde cwd cdq"
        mov     eax, 0x12345680
        cbw
        CHK     eax, 0x1234FF80
        mov     ax, 0x8000
        cwde
        CHK     eax, 0xFFFF8000
        mov     edx, 0x12345678
        cwd
        CHK     edx, 0x1234FFFF
        cdq
        CHK     edx, 0xFFFFFFFF
        mov     eax, 0x7FFFFFFF
        cdq
        CHK     edx, 0
        ENDTEST

        TEST    "shift32"
        mov     eax, 0x80000001
        shl     eax, 1
        CHKF    F_OF | F_CF, F_OF | F_CF
        CHK     eax, 2
        mov     eax, 0x12345678
        rol     eax, 4
        CHKF    F_CF, F_CF
        CHK     eax, 0x23456781
        mov     eax, 0x80000000
        sar     eax, 31
        CHKF    F_CF, 0
        CHK     eax, 0xFFFFFFFF
        mov     eax, 0x80000000
        mov     cl, 36                  ; the 386 masks the count to 5 bits
        shr     eax, cl
        CHK     eax, 0x08000000
        mov     ebx, 0x00000001
        stc
        rcr     ebx, 1
        CHKF    F_CF, F_CF
        CHK     ebx, 0x80000000
        ENDTEST

        TEST    "xchg32"
        mov     eax, 0x11111111
        mov     ebp, 0x22222222
        xchg    eax, ebp
        CHK     eax, 0x22222222
        CHK     ebp, 0x11111111
        mov     dword [m_tmp], 0x33333333
        xchg    [m_tmp], eax
        CHK     eax, 0x33333333
        CHK     dword [m_tmp], 0x22222222
        ENDTEST

        FINISH

m_five: dd 0
m_tmp:  dd 0
