; pm486.asm - what the i486 adds (i486 PRM chapters 2, 4, 9, 26): BSWAP,
; XADD, CMPXCHG, CPUID and the ID flag, alignment checks (#AC at CPL 3
; with CR0.AM and EFLAGS.AC), INVD/WBINVD/INVLPG needing CPL 0, CR0.ET.
        org     100h
        cpu     586             ; (NASM files CMPXCHG and CPUID under the Pentium)
%include "pmlib.inc"
        cpu     586             ; (NASM files CMPXCHG and CPUID under the Pentium)

pm_main:
        PTEST   "bswap xadd cmpxchg"
        mov     eax, 12345678h
        bswap   eax
        PCHK    eax, 78563412h
        mov     ecx, 0AABBCCDDh
        bswap   ecx
        PCHK    ecx, 0DDCCBBAAh
        mov     eax, 10
        mov     dword [mem], 32
        xadd    [mem], eax
        PCHK    eax, 32
        PCHK    [mem], 42
        mov     ebx, 5
        mov     edx, 7
        xadd    ebx, edx
        PCHK    ebx, 12
        PCHK    edx, 5
        mov     eax, 42
        mov     ecx, 99
        cmpxchg [mem], ecx                      ; equal: mem = ECX, ZF
        setz    bl
        movzx   ebx, bl
        PCHK    ebx, 1
        PCHK    [mem], 99
        mov     eax, 1
        cmpxchg [mem], ecx                      ; not equal: EAX = mem
        setz    bl
        movzx   ebx, bl
        PCHK    ebx, 0
        PCHK    eax, 99
        mov     al, 5
        mov     byte [mem], 5
        mov     cl, 6
        cmpxchg [mem], cl
        movzx   eax, byte [mem]
        PCHK    eax, 6
        PENDT

        PTEST   "cpuid and the id flag"
        pushfd
        pop     eax
        mov     ebx, eax
        xor     eax, 200000h
        push    eax
        popfd
        pushfd
        pop     eax
        xor     eax, ebx
        and     eax, 200000h
        PCHK    eax, 200000h                    ; ID toggles: CPUID exists
        xor     eax, eax
        cpuid
        PCHK    eax, 1
        PCHK    ebx, 756E6547h                  ; "Genu"
        PCHK    edx, 49656E69h                  ; "ineI"
        PCHK    ecx, 6C65746Eh                  ; "ntel"
        mov     eax, 1
        cpuid
        shr     eax, 8
        and     eax, 0Fh
        PCHK    eax, 4                          ; family 4
        mov     eax, cr0
        and     eax, 10h
        PCHK    eax, 10h                        ; ET reads as 1
        PENDT

        PTEST   "alignment checks"
        mov     eax, cr0
        or      eax, 40000h                     ; AM
        mov     cr0, eax
        pushfd
        or      dword [esp], 40000h             ; AC
        popfd
        mov     eax, [mem + 1]                  ; CPL 0: no check
        RING3   {mov eax, [mem + 1]}
        PCHK    [exc_vector], 17
        PCHK    [exc_error], 0
        RING3   {mov ax, [mem + 2]}, {mov eax, [mem + 4]}, {mov al, [mem + 3]}
        PCHK    [exc_vector], 30h
        RING3   {mov word [mem + 1], 0}
        PCHK    [exc_vector], 17
        pushfd
        and     dword [esp], ~40000h
        popfd
        RING3   {mov eax, [mem + 1]}
        PCHK    [exc_vector], 30h               ; AC clear: no check
        mov     eax, cr0
        and     eax, ~40000h
        mov     cr0, eax
        PENDT

        PTEST   "privileged cache instructions"
        invd
        wbinvd
        RING3   invd
        PCHK    [exc_vector], 13
        RING3   wbinvd
        PCHK    [exc_vector], 13
        RING3   {invlpg [mem]}
        PCHK    [exc_vector], 13
        PENDT
        jmp     pm_exit

        align   8
mem:    dd      0, 0
