; dpmi32.asm - a 32-bit DPMI client (a DOS .COM program, run through
; `mvdm run`): it enters protected mode as a 32-bit client, makes a 32-bit
; code segment and a flat data segment with the LDT functions and runs
; 32-bit code that checks what the DPMI 0.9 specification says of 32-bit
; clients: full 32-bit offsets in INT 31h (EDX, EDI), memory blocks above
; 1 MiB reached through a flat selector (0501h, 0503h), the 32-bit
; exception frame (dwords) with a #GP's error code, a 32-bit interrupt
; handler (IRETD), 0300h with ES:EDI, a callback with its 32-bit IRET, a
; page-granular 4 GiB limit (0008h), and that freeing twice and bad
; selectors give the documented errors. Expected output: dpmi32.out.
        cpu     386
        org     100h

%define LIBSFX 16
%include "dpmilib.inc"

        bits    16
start:  mov     [rseg], cs
        mov     bx, 1000h
        mov     ah, 4Ah
        int     21h
        mov     ax, 1687h
        int     2Fh
        test    ax, ax
        jnz     .none
        test    bl, 1
        jz      .none
        mov     [entry], di
        mov     [entry + 2], es
        mov     bx, si
        mov     ah, 48h
        int     21h
        jc      .none
        mov     es, ax
        mov     ax, 1                   ; a 32-bit client
        call    far [entry]
        jnc     .inpm
.none:  SAY     "FAIL no 32-bit DPMI host"
        mov     ax, 4C01h
        int     21h
.inpm:  mov     [ds16], ds
        ; a 32-bit code segment and a 32-bit data segment at our base, and a flat one
        mov     ax, 0006h
        mov     bx, ds
        int     31h
        mov     [base], dx
        mov     [base + 2], cx
        mov     ax, 0000h
        mov     cx, 3
        int     31h
        CHECK   nc, "0000h: three descriptors"
        mov     [cs32], ax
        add     ax, 8
        mov     [ds32], ax
        add     ax, 8
        mov     [flat], ax
        mov     bx, [cs32]
        call    setbase
        mov     ax, 0009h
        mov     cx, 40FAh               ; 32-bit code, DPL 3
        int     31h
        CHECK   nc, "0009h: a 32-bit code segment"
        mov     bx, [ds32]
        call    setbase
        mov     ax, 0009h
        mov     cx, 40F2h
        int     31h
        mov     bx, [flat]
        mov     ax, 0008h
        mov     cx, 0FFFFh
        mov     dx, 0FFFFh
        int     31h
        CHECK   nc, "0008h: a 4 GiB limit"
        mov     ax, 0009h
        mov     cx, 0C0F2h
        int     31h
        mov     ax, [flat]
        lsl     eax, eax
        cmp     eax, 0FFFFFFFFh
        CHECK   e, "LSL sees 4 GiB"
        ; into 32-bit code
        movzx   eax, word [cs32]
        push    eax
        push    dword code32
        o32 retf

setbase:
        mov     ax, 0007h
        mov     cx, [base + 2]
        mov     dx, [base]
        int     31h
        mov     ax, 0008h
        xor     cx, cx
        mov     dx, 0FFFFh
        int     31h
        ret

DPMILIB 16

        bits    32
%define LIBSFX 32
code32: mov     ds, [cs:ds32]
        mov     es, [cs:ds32]
        mov     ax, cs
        lar     eax, eax
        test    eax, 400000h
        CHECK   nz, "running 32-bit code"

        ; ---- a memory block above 1 MiB through the flat selector
        mov     ax, 0501h
        mov     bx, 10h                 ; 1 MiB
        xor     cx, cx
        int     31h
        CHECK   nc, "0501h: 1 MiB"
        shl     ebx, 16
        mov     bx, cx
        mov     [blk], ebx
        mov     [handle + 2], si
        mov     [handle], di
        cmp     ebx, 100000h
        CHECK   ae, "the block lies above 1 MiB"
        push    es
        mov     es, [flat]
        mov     dword [es:ebx + 0FFFFCh], 0CAFEF00Dh
        pop     es
        mov     ax, 0503h
        mov     bx, 20h                 ; 2 MiB
        xor     cx, cx
        mov     si, [handle + 2]
        mov     di, [handle]
        int     31h
        CHECK   nc, "0503h: grow to 2 MiB"
        shl     ebx, 16
        mov     bx, cx
        push    es
        mov     es, [flat]
        cmp     dword [es:ebx + 0FFFFCh], 0CAFEF00Dh
        pop     es
        CHECK   e, "its contents are still there"
        cmp     ebx, [blk]
        CHECK   e, "the last block made grew in place"
        mov     ax, 0800h               ; the linear frame buffer's address
        mov     bx, 0C000h
        xor     cx, cx
        xor     si, si
        mov     di, 1000h
        int     31h
        CHECK   nc, "0800h: map physical memory"
        cmp     bx, 0C000h
        CHECK   e, "... device memory at its own address"
        mov     ax, 0502h
        mov     si, [handle + 2]
        mov     di, [handle]
        int     31h
        CHECK   nc, "0502h: free"
        mov     ax, 0502h
        int     31h
        cmp     ax, 8023h
        CHECK   e, "0502h freeing twice: 8023h"

        ; ---- linear space first fit; a block that cannot grow in place moves
        mov     ecx, 10000h             ; X
        call    alloc
        mov     [lx], ebx
        mov     [hx], esi
        mov     ecx, 10000h             ; Y, after X
        call    alloc
        mov     [hy], esi
        mov     esi, [hx]
        call    free
        mov     ecx, 10000h             ; Z: where X was
        call    alloc
        mov     [hz], esi
        cmp     ebx, [lx]
        CHECK   e, "0501h: a freed block's linear space is used again"
        push    es
        mov     es, [flat]
        mov     dword [es:ebx + 0FFFCh], 600DF00Dh
        pop     es
        mov     ax, 0503h               ; Z to 1 MiB: Y is in the way
        mov     bx, 10h
        xor     cx, cx
        mov     si, [hz + 2]
        mov     di, [hz]
        int     31h
        CHECK   nc, "0503h: grow a block that Y follows"
        shl     ebx, 16
        mov     bx, cx
        cmp     ebx, [lx]
        CHECK   ne, "... it moved"
        push    es
        mov     es, [flat]
        cmp     dword [es:ebx + 0FFFCh], 600DF00Dh
        pop     es
        CHECK   e, "... with its contents"
        mov     esi, [hz]
        call    free
        mov     esi, [hy]
        call    free

        ; ---- 000Bh with a 32-bit offset in EDI
        mov     ax, 000Bh
        mov     bx, [flat]
        mov     edi, desc
        int     31h
        cmp     byte [desc + 6], 0CFh
        CHECK   e, "000Bh into ES:EDI: G and D set, limit FFFFFh"

        ; ---- exception 13 with a 32-bit frame
        mov     ax, 0203h
        mov     bl, 13
        mov     cx, cs
        mov     edx, gp_handler
        int     31h
        CHECK   nc, "0203h: a handler for exception 0Dh"
        mov     ax, 0001h
        mov     bx, [ds32]
        add     bx, 100h                ; a selector nobody has
        mov     [badsel], bx
        mov     dword [skip], 2
        mov     es, bx                  ; #GP(selector); the handler skips 2 bytes
        mov     ax, es
        cmp     ax, [ds32]
        CHECK   e, "#GP reached the handler, which resumed past the load"
        movzx   eax, word [badsel]
        and     al, 0FCh                ; the selector with TI, RPL bits 0 (Intel 80386 PRM 9.8)
        cmp     [gperr], eax
        CHECK   e, "... the frame's error code is the selector"
        mov     ax, cs
        cmp     [gpcs], ax
        CHECK   e, "... and our CS as the faulting CS"

        ; ---- the host's tables are out of the client's reach: SIDT
        ; (unprivileged) gives the IDT's linear address; reading it
        ; through a descriptor of our own is a page fault (supervisor page)
        sidt    [idtr]
        mov     ax, 0000h
        mov     cx, 1
        int     31h
        mov     [peek], ax
        mov     bx, ax
        mov     ax, 0007h
        mov     cx, [idtr + 4]
        mov     dx, [idtr + 2]
        int     31h
        mov     ax, 0008h
        xor     cx, cx
        mov     dx, 0FFFh
        int     31h
        mov     ax, 0203h
        mov     bl, 0Eh
        mov     cx, cs
        mov     edx, pf_handler
        int     31h
        mov     dword [skip], 3
        push    es
        mov     es, [peek]
        xor     ebx, ebx
        mov     al, [es:ebx]            ; 3 bytes: the handler skips them
        pop     es
        mov     eax, [gperr]
        cmp     eax, 5                  ; present, read, user
        CHECK   e, "reading the host's IDT faults (#PF, error 5)"

        ; ---- the host's ring-3 stubs (they follow the IDT by 1000h:
        ; docs/dpmi.md) run through a code segment of our own: the raw
        ; switch's HLT there is our #GP(0), not the host's switch
        mov     [cs_own], cs
        mov     dword [resume], alias_back
        mov     ax, 0000h
        mov     cx, 1
        int     31h
        mov     [alias + 4], ax
        mov     bx, ax
        mov     eax, [idtr + 2]
        add     eax, 1000h
        mov     dx, ax
        shr     eax, 16
        mov     cx, ax
        mov     ax, 0007h
        int     31h
        mov     ax, 0008h
        xor     cx, cx
        mov     dx, 0FFFh
        int     31h
        mov     ax, 0009h
        mov     cx, 00FAh               ; 16-bit code, DPL 3
        int     31h
        mov     dword [gperr], -1
        jmp     far [alias]             ; offset 400h: the raw switch's HLT
alias_back:
        mov     dword [resume], 0
        mov     ax, [alias + 4]
        cmp     [gpcs], ax
        CHECK   e, "the host's stubs through our own selector: our #GP"
        cmp     dword [gpeip], 400h
        jne     .alias_bad
        cmp     dword [gperr], 0
.alias_bad:
        CHECK   e, "... at the HLT, error code 0"

        ; ---- a 32-bit interrupt handler
        mov     ax, 0205h
        mov     bl, 61h
        mov     cx, cs
        mov     edx, int61
        int     31h
        mov     eax, 12345678h
        int     61h
        cmp     eax, 12345679h
        CHECK   e, "INT 61h ran the 32-bit handler (IRETD)"

        ; ---- 0300h through ES:EDI
        mov     dword [rmregs + 1Ch], 3000h
        mov     dword [rmregs + 2Eh], 0
        mov     ax, 0300h
        mov     bx, 21h
        xor     ecx, ecx
        mov     edi, rmregs
        int     31h
        cmp     byte [rmregs + 1Ch], 5
        CHECK   e, "0300h with ES:EDI: INT 21h/30h"

        ; ---- a callback, its 32-bit IRETD back to the host
        push    ds
        mov     ax, 0303h
        mov     esi, callback
        mov     edi, cbregs
        push    cs
        pop     ds
        int     31h
        pop     ds
        CHECK   nc, "0303h: a callback"
        mov     [rmregs + 2Ah], dx
        mov     [rmregs + 2Ch], cx
        mov     dword [rmregs + 1Ch], 0ABCDh
        mov     ax, 0301h
        xor     bx, bx
        xor     ecx, ecx
        mov     edi, rmregs
        int     31h
        CHECK   nc, "0301h: real mode calls it"
        cmp     dword [cbseen], 0ABCDh
        CHECK   e, "the callback saw real mode's EAX"
        cmp     word [rmregs + 1Ch], 4321h
        CHECK   e, "real mode got the AX it set"

        ; ---- bad input
        mov     ax, 0008h
        mov     bx, [flat]
        mov     cx, 10h
        mov     dx, 0
        int     31h
        cmp     ax, 8021h
        CHECK   e, "0008h: a 1 MiB+1 limit: 8021h"
        mov     ax, 0203h
        mov     bl, 0
        mov     cx, [ds32]
        mov     edx, gp_handler
        int     31h
        cmp     ax, 8022h
        CHECK   e, "0203h with a data selector: 8022h"
        mov     ax, 0202h
        mov     bl, 13
        int     31h
        cmp     edx, gp_handler
        CHECK   e, "0202h: EDX is the handler's 32-bit offset"

        SAY     "done"
        mov     ax, 4C00h
        int     21h

; 0501h of ECX bytes: EBX = linear address, ESI = handle (SI:DI as one).
alloc:  mov     ebx, ecx
        shr     ebx, 16
        mov     ax, 0501h
        int     31h
        shl     ebx, 16
        mov     bx, cx
        shl     esi, 16
        mov     si, di
        ret
; 0502h of handle ESI.
free:   mov     edi, esi
        shr     esi, 16
        mov     ax, 0502h
        int     31h
        ret

; Exception handler, 32-bit frame: return EIP, CS, error, EIP, CS, EFLAGS,
; ESP, SS. It keeps the error code, the faulting CS and EIP and resumes
; [skip] bytes past the faulting instruction's start, or at [resume] in
; our code segment when that is not 0.
gp_handler:
pf_handler:
        push    ebp
        mov     ebp, esp
        push    ds
        mov     ds, [cs:ds32]
        push    eax
        mov     eax, [ebp + 12]
        mov     [gperr], eax
        mov     eax, [ebp + 16]
        mov     [gpeip], eax
        mov     eax, [ebp + 20]
        mov     [gpcs], ax
        mov     eax, [skip]
        add     [ebp + 16], eax
        mov     eax, [resume]
        test    eax, eax
        jz      .out
        mov     [ebp + 16], eax
        movzx   eax, word [cs_own]
        mov     [ebp + 20], eax
.out:   pop     eax
        pop     ds
        pop     ebp
        retf

int61:  inc     eax
        iretd

callback:
        push    eax
        mov     eax, [es:edi + 1Ch]
        push    ds
        mov     ds, [cs:ds32]
        mov     [cbseen], eax
        pop     ds
        cld
        lodsw
        mov     [es:edi + 2Ah], ax
        lodsw
        mov     [es:edi + 2Ch], ax
        add     word [es:edi + 2Eh], 4
        mov     dword [es:edi + 1Ch], 4321h
        pop     eax
        iretd

DPMILIB 32

        align   4
rseg:   dw      0
ds16:   dw      0
cs32:   dw      0
ds32:   dw      0
flat:   dw      0
badsel: dw      0
peek:   dw      0
idtr:   dw      0, 0, 0
skip:   dd      0
lx:     dd      0
hx:     dd      0
hy:     dd      0
hz:     dd      0
entry:  dd      0
base:   dd      0
blk:    dd      0
handle: dd      0
gperr:  dd      0
gpcs:   dd      0
gpeip:  dd      0
resume: dd      0
cs_own: dw      0
alias:  dd      400h, 0                 ; far pointer: offset, selector
cbseen: dd      0
desc:   times 8 db 0
rmregs: times 50 db 0
cbregs: times 50 db 0
