; dpmi16.asm - a 16-bit DPMI client (a DOS .COM program, run through
; `mvdm run`): it finds the host (INT 2Fh/1687h), switches to protected
; mode and checks what the DPMI 0.9 specification promises: the initial
; selectors, LDT descriptors (0000h-000Dh), DOS memory (0100h-0102h),
; memory blocks (0500h-0503h), reflected interrupts, real-mode calls
; (0300h/0301h), a real-mode callback (0303h/0304h), exception and
; interrupt handlers (0202h-0205h), the virtual interrupt flag, a debug
; watchpoint (0B00h-0B03h), the raw mode switch (0306h), a nested client
; (EXEC of itself from protected mode, which ends without freeing what it
; took) and the error codes of bad calls (8021h, 8022h, 8023h, 8024h).
; Expected output: dpmi16.out (each PASS line is a property the spec
; states). Run with the argument "child" it is the nested client.
        cpu     386
        org     100h

%include "dpmilib.inc"

start:  jmp     main

; A #GP with no handler: the host prints a diagnostic and ends the client.
crash_client:
        SAY     "crash: loading a free selector"
        mov     ax, 1F3h
        mov     es, ax
        SAY     "FAIL crash: still running"
        mov     ax, 4C01h
        int     21h

; DX = XMS's total free KiB (function 08h), called in real mode with 0301h.
xms_free:
        push    es
        push    di
        mov     dword [rmregs + 1Ch], 4310h
        mov     word [rmregs + 2Eh], 0
        mov     word [rmregs + 30h], 0
        mov     word [rmregs + 20h], 0
        mov     ax, 0300h
        mov     bx, 2Fh
        xor     cx, cx
        push    ds
        pop     es
        mov     di, rmregs
        int     31h
        mov     ax, [rmregs + 10h]      ; the entry: ES:BX
        mov     [rmregs + 2Ah], ax
        mov     ax, [rmregs + 22h]
        mov     [rmregs + 2Ch], ax
        mov     dword [rmregs + 1Ch], 0800h
        mov     ax, 0301h
        xor     bx, bx
        xor     cx, cx
        mov     di, rmregs
        int     31h
        mov     dx, [rmregs + 14h]
        pop     di
        pop     es
        ret

; An exception handler that returns a frame with a null CS.
corrupt_client:
        mov     ax, 0203h
        mov     bl, 0
        mov     cx, cs
        mov     dx, corrupt_handler
        int     31h
        SAY     "corrupt: dividing by zero"
        xor     bl, bl
        div     bl
        SAY     "FAIL corrupt: still running"
        mov     ax, 4C01h
        int     21h
corrupt_handler:
        push    bp
        mov     bp, sp
        mov     word [bp + 10], 0       ; the frame's CS
        pop     bp
        retf

; An exception handler that returns to an IP past its code segment's limit
; (a 16-byte alias of CS): the host's return faults, the program ends.
limit_client:
        mov     ax, 000Ah               ; a data alias of CS ...
        mov     bx, cs
        int     31h
        mov     [limsel], ax
        mov     bx, ax
        mov     ax, 0009h
        mov     cx, 00FAh               ; ... made code again, DPL 3
        int     31h
        mov     ax, 0008h
        xor     cx, cx
        mov     dx, 0Fh                 ; 16 bytes
        int     31h
        mov     ax, 0203h
        mov     bl, 0
        mov     cx, cs
        mov     dx, limit_handler
        int     31h
        SAY     "limit: dividing by zero"
        xor     bl, bl
        div     bl
        SAY     "FAIL limit: still running"
        mov     ax, 4C01h
        int     21h
limit_handler:
        push    bp
        mov     bp, sp
        push    ax
        mov     ax, [cs:limsel]
        mov     [bp + 10], ax           ; CS: the 16-byte segment, IP past it
        pop     ax
        pop     bp
        retf

; An exception handler that returns to the host's ring-0 code selector
; (GDT 08h): the return is refused as from ring 0 to ring 3 (the program
; ends), not made at ring 0.
ring0_client:
        mov     ax, 0203h
        mov     bl, 0
        mov     cx, cs
        mov     dx, ring0_handler
        int     31h
        SAY     "ring0: dividing by zero"
        xor     bl, bl
        div     bl
        SAY     "FAIL ring0: still running"
        mov     ax, 4C01h
        int     21h
ring0_handler:
        push    bp
        mov     bp, sp
        mov     word [bp + 10], 8       ; CS: the host's ring-0 code, RPL 0
        pop     bp
        retf

main:   mov     [rseg], cs
        mov     sp, stack_top
        mov     bx, 1000h               ; keep 64 KiB: room for DOS blocks
        mov     ah, 4Ah
        int     21h
        cmp     byte [80h], 0
        je      .parent
        mov     byte [child], 1
        cmp     byte [83h], 'h'       ; " child" (else " crash", " corrupt", " limit", " ring0")
        je      .parent
        mov     byte [child], 2         ; "crash"
        cmp     byte [83h], 'e'
        jne     .notreal
        mov     byte [child], 4         ; "realexit"
.notreal:
        cmp     byte [83h], 'o'
        jne     .notcorrupt
        mov     byte [child], 3         ; "corrupt"
.notcorrupt:
        cmp     byte [83h], 'i'
        jne     .parent
        mov     byte [child], 5         ; "limit"
        cmp     byte [84h], 'n'
        jne     .parent
        mov     byte [child], 6         ; "ring0"
.parent:
        mov     ax, 1687h
        int     2Fh
        test    ax, ax
        jz      .found
        SAY     "no DPMI host"          ; DPMI_MEMORY_LIMIT=0, an 80286 (dpmi16-off.out)
        mov     ax, 4C00h
        int     21h
.found: cmp     byte [child], 0
        jne     .nocheck
        push    ax
        mov     ax, dx
        cmp     ax, 005Ah
        CHECK   e, "1687h: version 0.90"
        mov     ax, bx
        test    al, 1
        CHECK   nz, "1687h: 32-bit programs supported"
        pop     ax
.nocheck:
        mov     [entry], di
        mov     [entry + 2], es
        mov     bx, si                  ; the host's private data
        mov     ah, 48h
        int     21h
        jnc     .mem
        SAY     "FAIL no memory for the host's data"
        mov     ax, 4C01h
        int     21h
.mem:   mov     es, ax
        xor     ax, ax                  ; a 16-bit client
        call    far [entry]
        jnc     .inpm
        SAY     "FAIL mode switch"
        mov     ax, 4C01h
        int     21h
.inpm:  mov     [ds_sel], ds
        mov     [cs_sel], cs
        mov     [psp_sel], es
        mov     ax, cs
        and     ax, 3
        cmp     ax, 3
        CHECK   e, "client runs at ring 3"
        cmp     byte [child], 1
        je      child_client
        cmp     byte [child], 2
        je      crash_client
        cmp     byte [child], 3
        je      corrupt_client
        cmp     byte [child], 4
        je      realexit_client
        cmp     byte [child], 5
        je      limit_client
        cmp     byte [child], 6
        je      ring0_client

; ---------------------------------------------------------------- parent
parent_tests:
        ; ES = the PSP (256 bytes); its 2Ch holds the environment's selector.
        mov     ax, es
        lsl     ax, ax
        cmp     ax, 0FFh
        CHECK   e, "ES is the PSP's selector, limit 0FFh"
        mov     ax, [es:2Ch]
        lar     cx, ax
        CHECK   z, "PSP:2Ch is the environment's selector"
        mov     ax, 0400h
        int     31h
        cmp     ax, 005Ah
        CHECK   e, "0400h: version 0.90"
        ; INT 2Fh AX=1686h from protected mode: AX = 0
        mov     ax, 1686h
        int     2Fh
        test    ax, ax
        CHECK   z, "1686h in protected mode answers 0"
        ; a reflected INT 21h: get the DOS version
        mov     ax, 3000h
        int     21h
        cmp     al, 5
        CHECK   e, "INT 21h/30h reflected to DOS"

        ; ---- LDT descriptors
        mov     ax, 0003h
        int     31h
        cmp     ax, 8
        CHECK   e, "0003h: selector increment 8"
        mov     ax, 0000h
        mov     cx, 2
        int     31h
        CHECK   nc, "0000h: two descriptors"
        mov     [sel1], ax
        mov     bx, ax
        mov     ax, 0006h
        mov     bx, [ds_sel]
        int     31h
        mov     [dsbase], dx
        mov     [dsbase + 2], cx
        add     dx, buffer              ; base of the new one = our buffer
        adc     cx, 0
        mov     bx, [sel1]
        mov     ax, 0007h
        int     31h
        CHECK   nc, "0007h: set base"
        mov     ax, 0008h
        xor     cx, cx
        mov     dx, 0FFh
        int     31h
        CHECK   nc, "0008h: set limit"
        mov     es, [sel1]
        mov     byte [es:10h], 5Ah
        cmp     byte [buffer + 10h], 5Ah
        CHECK   e, "a write through the new descriptor lands at its base"
        mov     ax, es
        lsl     ax, ax
        cmp     ax, 0FFh
        CHECK   e, "LSL sees the limit"
        mov     ax, 0006h
        mov     bx, [sel1]
        int     31h
        sub     dx, buffer
        sbb     cx, 0
        cmp     dx, [dsbase]
        CHECK   e, "0006h: get base"
        ; 000Bh / 000Ch: copy the descriptor, make it read-only, set it back
        push    ds
        pop     es
        mov     di, desc
        mov     bx, [sel1]
        mov     ax, 000Bh
        int     31h
        CHECK   nc, "000Bh: get descriptor"
        mov     al, [desc + 5]
        and     al, 0FEh                ; the CPU set the accessed bit
        cmp     al, 0F2h
        CHECK   e, "a new descriptor is present data at DPL 3"
        mov     byte [desc + 5], 0F0h   ; read-only data
        mov     ax, 000Ch
        int     31h
        CHECK   nc, "000Ch: set descriptor"
        mov     ax, [sel1]
        verw    ax
        CHECK   nz, "VERW: no longer writable"
        mov     byte [desc + 5], 92h    ; DPL 0: refused
        mov     ax, 000Ch
        int     31h
        CHECK   c, "000Ch with DPL 0 fails"
        cmp     ax, 8021h
        CHECK   e, "... with 8021h"
        mov     ax, 0009h
        mov     bx, [sel1]
        mov     cx, 0092h
        int     31h
        cmp     ax, 8021h
        CHECK   e, "0009h with DPL 0: 8021h"
        mov     ax, 0009h
        mov     cx, 00FEh               ; conforming code
        int     31h
        cmp     ax, 8021h
        CHECK   e, "0009h of conforming code: 8021h"
        mov     ax, 0009h
        mov     cx, 00F2h
        int     31h
        CHECK   nc, "0009h: writable data again"
        mov     ax, 0008h
        mov     cx, 12h
        mov     dx, 3456h
        int     31h
        cmp     ax, 8021h
        CHECK   e, "0008h: a limit above 1 MiB not ending a page: 8021h"
        ; 000Ah: a data alias of CS
        mov     ax, 000Ah
        mov     bx, cs
        int     31h
        CHECK   nc, "000Ah: alias of CS"
        mov     es, ax
        mov     bx, ax
        mov     ax, [es:start]
        cmp     ax, [cs:start]
        CHECK   e, "the alias reads the code"
        push    ds
        pop     es
        mov     ax, 0001h
        int     31h
        CHECK   nc, "0001h: free the alias"
        ; 0002h: one selector per segment
        mov     ax, 0002h
        mov     bx, 0B800h
        int     31h
        mov     cx, ax
        mov     ax, 0002h
        int     31h
        cmp     ax, cx
        CHECK   e, "0002h: the same selector twice"
        ; 000Dh: a reserved descriptor, once
        mov     ax, 000Dh
        mov     bx, 0Ch + 3             ; index 1, LDT, RPL 3
        int     31h
        CHECK   nc, "000Dh: specific descriptor 0Fh"
        mov     ax, 000Dh
        int     31h
        cmp     ax, 8011h
        CHECK   e, "000Dh again: 8011h"
        mov     ax, 0001h
        mov     bx, [sel1]
        int     31h
        CHECK   nc, "0001h: free"
        mov     ax, 0001h
        int     31h
        cmp     ax, 8022h
        CHECK   e, "0001h freeing twice: 8022h"
        mov     ax, 0006h
        mov     bx, 0
        int     31h
        cmp     ax, 8022h
        CHECK   e, "0006h on the null selector: 8022h"
        mov     ax, 0007h
        mov     bx, 8                   ; a GDT selector: not the client's
        int     31h
        cmp     ax, 8022h
        CHECK   e, "0007h on a GDT selector: 8022h"
        mov     ax, 0000h
        xor     cx, cx
        int     31h
        cmp     ax, 8021h
        CHECK   e, "0000h of no descriptors: 8021h"

        ; ---- DOS memory
        mov     ax, 0100h
        mov     bx, 1100h               ; 68 KiB: two selectors
        int     31h
        CHECK   nc, "0100h: DOS memory"
        mov     [dosseg], ax
        mov     [dossel], dx
        mov     es, dx
        mov     word [es:0FFFEh], 1234h
        mov     es, [ds_sel]
        add     dx, 8
        mov     es, dx
        mov     word [es:0], 5678h
        mov     ax, es
        lsl     ax, ax
        cmp     ax, 0FFFh
        CHECK   e, "the second selector covers the last 4 KiB"
        push    ds
        pop     es
        mov     ax, 0102h
        mov     bx, 0800h
        mov     dx, [dossel]
        int     31h
        CHECK   nc, "0102h: shrink"
        mov     ax, 0102h
        mov     bx, 0FFFFh
        int     31h
        CHECK   c, "0102h: a 16-bit client cannot grow past its selectors"
        cmp     ax, 8011h
        CHECK   e, "... 8011h"
        mov     ax, 0101h
        mov     dx, [dossel]
        int     31h
        CHECK   nc, "0101h: free"
        mov     ax, 0101h
        int     31h
        cmp     ax, 8022h
        CHECK   e, "0101h freeing twice: 8022h"
        mov     ax, 0100h
        mov     bx, 0FFFFh
        int     31h
        CHECK   c, "0100h of 1 MiB fails"
        cmp     ax, 8
        CHECK   e, "... with DOS error 8"
        cmp     bx, 1000h
        CHECK   a, "... and BX says the largest block"

        ; ---- memory blocks
        mov     ax, 0500h
        mov     di, meminfo
        int     31h
        CHECK   nc, "0500h: free memory information"
        mov     eax, [meminfo]
        cmp     eax, 100000h
        CHECK   a, "more than 1 MiB free"
        ; XMS sees what DPMI takes (one allocator: nothing given twice)
        call    xms_free
        mov     [xmsbefore], dx
        mov     ax, 0501h
        mov     bx, 10h                 ; 1 MiB
        xor     cx, cx
        int     31h
        mov     [handle], di
        mov     [handle + 2], si
        call    xms_free
        mov     ax, [xmsbefore]
        sub     ax, dx
        cmp     ax, 1024
        CHECK   ae, "XMS's free memory shrank by the 1 MiB DPMI gave out"
        mov     ax, 0502h
        mov     si, [handle + 2]
        mov     di, [handle]
        int     31h
        call    xms_free
        mov     ax, [xmsbefore]
        sub     ax, dx
        cmp     ax, 4
        CHECK   be, "... and grew back when it was freed (but for a 4 KiB page table)"
        mov     ax, 0501h
        mov     bx, 1                   ; 64 KiB
        xor     cx, cx
        int     31h
        CHECK   nc, "0501h: 64 KiB"
        mov     [handle], di
        mov     [handle + 2], si
        mov     [blk], cx
        mov     [blk + 2], bx
        mov     ax, 0000h
        mov     cx, 1
        int     31h
        mov     [sel1], ax
        mov     bx, ax
        mov     cx, [blk + 2]
        mov     dx, [blk]
        mov     ax, 0007h
        int     31h
        mov     ax, 0008h
        xor     cx, cx
        mov     dx, 0FFFFh
        int     31h
        mov     es, [sel1]
        mov     word [es:0FFF0h], 0BEEFh
        push    ds
        pop     es
        mov     ax, 0503h
        mov     bx, 2                   ; 128 KiB
        xor     cx, cx
        mov     si, [handle + 2]
        mov     di, [handle]
        int     31h
        CHECK   nc, "0503h: grow to 128 KiB"
        mov     dx, cx
        mov     cx, bx
        mov     bx, [sel1]
        mov     ax, 0007h
        int     31h
        mov     es, [sel1]
        cmp     word [es:0FFF0h], 0BEEFh
        CHECK   e, "the block keeps its contents"
        push    ds
        pop     es
        mov     ax, 0502h
        mov     si, [handle + 2]
        mov     di, [handle]
        int     31h
        CHECK   nc, "0502h: free"
        mov     ax, 0502h
        int     31h
        cmp     ax, 8023h
        CHECK   e, "0502h freeing twice: 8023h"
        mov     ax, 0501h
        xor     bx, bx
        xor     cx, cx
        int     31h
        cmp     ax, 8021h
        CHECK   e, "0501h of 0 bytes: 8021h"
        mov     ax, 0501h
        mov     bx, 4000h               ; 1 GiB
        int     31h
        cmp     ax, 8013h
        CHECK   e, "0501h of 1 GiB: 8013h"
        mov     ax, 0604h
        int     31h
        cmp     cx, 1000h
        CHECK   e, "0604h: pages of 4 KiB"
        mov     ax, 0600h
        int     31h
        CHECK   nc, "0600h: lock"
        mov     ax, 0800h
        mov     bx, 000Ah
        xor     cx, cx
        xor     si, si
        mov     di, 1000h
        int     31h
        cmp     ax, 8021h
        CHECK   e, "0800h below 1 MiB: 8021h"

        ; ---- real-mode calls and a callback
        mov     dword [rmregs + 1Ch], 3000h     ; EAX
        mov     word [rmregs + 2Eh], 0          ; SS:SP = the host's stack
        mov     word [rmregs + 30h], 0
        mov     word [rmregs + 20h], 0
        mov     ax, 0300h
        mov     bx, 21h
        xor     cx, cx
        push    ds
        pop     es
        mov     di, rmregs
        int     31h
        CHECK   nc, "0300h: simulate INT 21h"
        mov     al, [rmregs + 1Ch]
        cmp     al, 5
        CHECK   e, "... the call structure has DOS's AL"
        mov     ax, 0303h
        push    ds
        mov     si, callback
        push    cs
        pop     ds
        mov     di, cbregs
        int     31h
        pop     ds
        CHECK   nc, "0303h: allocate a callback"
        mov     [cbaddr], dx
        mov     [cbaddr + 2], cx
        mov     [rmregs + 2Ah], dx              ; call it with 0301h
        mov     [rmregs + 2Ch], cx
        mov     dword [rmregs + 1Ch], 1234h
        mov     ax, 0301h
        xor     bx, bx
        xor     cx, cx
        mov     di, rmregs
        int     31h
        CHECK   nc, "0301h: call the callback's real-mode address"
        cmp     word [cbcount], 1
        CHECK   e, "the callback ran once"
        cmp     word [cbseen], 1234h
        CHECK   e, "it saw real mode's AX"
        cmp     word [rmregs + 1Ch], 5678h
        CHECK   e, "real mode got the AX it set"
        mov     ax, 0304h
        mov     cx, [cbaddr + 2]
        mov     dx, [cbaddr]
        int     31h
        CHECK   nc, "0304h: free the callback"
        mov     ax, 0304h
        int     31h
        cmp     ax, 8024h
        CHECK   e, "0304h freeing twice: 8024h"

        ; ---- exceptions and interrupts
        mov     ax, 0202h
        mov     bl, 0
        int     31h
        mov     [oldexc], dx
        mov     [oldexc + 2], cx
        mov     ax, 0203h
        mov     bl, 0
        mov     cx, cs
        mov     dx, divide_handler
        int     31h
        CHECK   nc, "0203h: a handler for exception 0"
        mov     ax, 100
        xor     bl, bl
        div     bl                      ; 2 bytes: the handler skips them
        cmp     byte [excseen], 1
        CHECK   e, "exception 0 reached the handler, which resumed past it"
        cmp     word [excerr], 0
        CHECK   e, "... with error code 0 in the frame"
        mov     ax, 0001h               ; the host's locked stack (an exception's SS)
        mov     bx, [lpms]
        int     31h
        cmp     ax, 8022h
        CHECK   e, "0001h of the host's locked-stack selector: 8022h"
        mov     ax, 0203h
        mov     bl, 0
        mov     cx, [oldexc + 2]
        mov     dx, [oldexc]
        int     31h
        CHECK   nc, "0203h: the default handler back"
        mov     ax, 0203h
        mov     bl, 40h
        int     31h
        cmp     ax, 8021h
        CHECK   e, "0203h for exception 40h: 8021h"
        mov     ax, 0205h
        mov     bl, 60h
        mov     cx, 0
        mov     dx, int60
        int     31h
        cmp     ax, 8022h
        CHECK   e, "0205h with a null selector: 8022h"
        mov     ax, 0205h
        mov     cx, cs
        int     31h
        CHECK   nc, "0205h: a handler for INT 60h"
        mov     ax, 7
        int     60h
        cmp     ax, 8
        CHECK   e, "INT 60h ran the protected-mode handler"
        mov     ax, 0204h
        mov     bl, 21h
        int     31h
        mov     [oldint], dx
        mov     [oldint + 2], cx
        mov     ax, 0205h
        mov     bl, 21h
        mov     cx, cs
        mov     dx, int21
        int     31h
        mov     ax, 3000h
        int     21h                     ; through our handler, chained to the host's
        cmp     al, 5
        CHECK   e, "INT 21h hooked in protected mode chains to the default handler"
        cmp     byte [int21seen], 1
        CHECK   e, "... which our hook saw"
        mov     ax, 0205h
        mov     bl, 21h
        mov     cx, [oldint + 2]
        mov     dx, [oldint]
        int     31h

        ; ---- IRQ 0 taken in real mode reaches our protected-mode handler
        mov     ax, 0002h
        xor     bx, bx
        int     31h
        mov     [ivtsel], ax
        mov     ax, 0002h
        mov     bx, 40h
        int     31h
        mov     [biossel], ax
        mov     es, [ivtsel]
        mov     eax, [es:8 * 4]
        mov     [ivt8], eax
        mov     es, [biossel]
        mov     eax, [es:6Ch]
        mov     [ticks], eax
        push    ds
        pop     es
        mov     ax, 0204h
        mov     bl, 8
        int     31h
        mov     [oldirq0], dx
        mov     [oldirq0 + 2], cx
        mov     ax, 0205h
        mov     bl, 8
        mov     cx, cs
        mov     dx, irq0_handler
        int     31h
        mov     ax, 0200h
        mov     bl, 8
        int     31h
        cmp     cx, [ivt8 + 2]
        CHECK   e, "0200h shows the real-mode vector the host's hook replaced"
        mov     ax, [rseg]
        mov     [rmregs + 2Ch], ax
        mov     word [rmregs + 2Ah], rm_wait
        mov     word [rmregs + 2Eh], 0
        mov     word [rmregs + 30h], 0
        mov     word [rmregs + 20h], 0
        mov     ax, 0301h
        xor     bx, bx
        xor     cx, cx
        mov     di, rmregs
        int     31h
        cmp     word [irqcount], 0
        CHECK   a, "IRQ 0 in real mode ran the protected-mode handler"
        mov     es, [biossel]
        mov     eax, [es:6Ch]
        cmp     eax, [ticks]
        CHECK   a, "... which chained to the BIOS's (the tick count moved)"
        push    ds
        pop     es
        mov     ax, 0205h
        mov     bl, 8
        mov     cx, [oldirq0 + 2]
        mov     dx, [oldirq0]
        int     31h
        mov     es, [ivtsel]
        mov     eax, [es:8 * 4]
        push    ds
        pop     es
        cmp     eax, [ivt8]
        CHECK   e, "unhooked: the IVT has its vector back"

        ; ---- the virtual interrupt flag
        sti
        mov     ax, 0900h
        int     31h
        cmp     al, 1
        CHECK   e, "0900h: was enabled"
        mov     ax, 0902h
        int     31h
        cmp     al, 0
        CHECK   e, "0902h: now disabled"
        mov     ax, 0901h
        int     31h
        pushf
        pop     ax
        test    ax, 200h
        CHECK   nz, "0901h: IF set again"

        ; ---- a watchpoint on a word
        mov     ax, 0203h
        mov     bl, 1
        mov     cx, cs
        mov     dx, debug_handler
        int     31h
        mov     cx, [dsbase]
        mov     bx, [dsbase + 2]
        add     cx, watched
        adc     bx, 0
        mov     ax, 0B00h
        mov     dx, 0102h               ; 2 bytes, on writes
        int     31h
        CHECK   nc, "0B00h: set a watchpoint"
        mov     [wphandle], bx
        mov     word [watched], 1
        cmp     byte [dbgseen], 1
        CHECK   e, "the write raised exception 1"
        mov     ax, 0B02h
        mov     bx, [wphandle]
        int     31h
        test    ax, 1
        CHECK   nz, "0B02h: it triggered"
        mov     ax, 0B03h
        int     31h
        mov     ax, 0B02h
        int     31h
        test    ax, 1
        CHECK   z, "0B03h: reset"
        mov     ax, 0B01h
        int     31h
        CHECK   nc, "0B01h: clear"
        mov     ax, 0B01h
        int     31h
        cmp     ax, 8023h
        CHECK   e, "0B01h clearing twice: 8023h"

        ; ---- the coprocessor: EM set exactly when there is none
        mov     ax, 0E00h
        int     31h
        mov     bx, ax
        shr     bx, 1                   ; EM
        xor     bx, ax                  ; bit 1 of ax>>1 ^ ... : compare EM with present
        mov     cx, ax
        shr     cx, 2
        and     cx, 1                   ; present
        mov     dx, ax
        shr     dx, 1
        and     dx, 1                   ; EM
        xor     cx, dx
        cmp     cx, 1
        CHECK   e, "0E00h: EM set exactly without an x87"

        ; ---- the raw mode switch there and back, back through a code
        ; alias of ours that was never loaded (its accessed bit clear)
        mov     ax, 000Ah
        mov     bx, cs
        int     31h
        mov     [rawcs], ax
        mov     bx, ax
        mov     ax, 0009h
        mov     cx, 00FAh               ; code, DPL 3, accessed clear
        int     31h
        mov     ax, 0306h
        int     31h
        mov     [rawrm], cx
        mov     [rawrm + 2], bx
        mov     [rawpm], di
        mov     [rawpm + 2], si
        mov     ax, [rseg]
        mov     cx, ax
        mov     dx, ax
        mov     bx, sp
        mov     si, ax
        mov     di, in_real
        mov     [pm_ss], ss
        jmp     far [rawpm]
in_real:
        mov     ax, cs
        cmp     ax, [rseg]
        CHECK   e, "0306h: in real mode with our segments"
        smsw    ax
        test    al, 1
        CHECK   z, "... PE clear"
        mov     ax, [ds_sel]
        mov     cx, ax
        mov     dx, [pm_ss]
        mov     bx, sp
        mov     si, [rawcs]
        mov     di, in_pm
        jmp     far [rawrm]
in_pm:  mov     ax, cs
        and     ax, 3
        cmp     ax, 3
        CHECK   e, "0306h: back in protected mode"
        mov     ax, 000Bh
        mov     bx, [rawcs]
        push    es
        push    ds
        pop     es
        mov     di, desc
        int     31h
        pop     es
        test    byte [desc + 5], 1
        CHECK   nz, "... its CS loaded as a far jump or IRET loads it: accessed"
        push    word [cs_sel]
        push    word .back
        retf
.back:  mov     ax, 0001h
        mov     bx, [rawcs]
        int     31h

        ; ---- a nested client: EXEC ourselves with "child" from protected mode
        mov     ax, 0500h
        push    ds
        pop     es
        mov     di, meminfo
        int     31h
        mov     eax, [meminfo + 14h]
        mov     [freebefore], eax
        mov     dx, tail
        call    exec_child
        test    byte [rmregs + 20h], 1
        CHECK   z, "EXEC of a nested client from protected mode"
        mov     ax, 0500h
        mov     di, meminfo
        int     31h
        mov     eax, [meminfo + 14h]
        cmp     eax, [freebefore]
        CHECK   e, "what the child left allocated is free again"
        mov     ax, 0000h
        mov     cx, 1
        int     31h
        CHECK   nc, "the parent goes on after its child"
        mov     dx, tail2               ; an exception and no handler: the host ends it
        call    exec_child
        cmp     ax, 00FFh
        CHECK   e, "an unhandled exception ended the child with code FFh"
        mov     dx, tail3               ; its exception handler corrupts its frame
        call    exec_child
        cmp     ax, 00FFh
        CHECK   e, "a corrupted exception frame ended the child with code FFh"
        mov     dx, tail5               ; its handler returns past a segment's limit
        call    exec_child
        cmp     ax, 00FFh
        CHECK   e, "a return past the code segment's limit ended the child with code FFh"
        mov     dx, tail6               ; its handler returns to the host's ring-0 CS
        call    exec_child
        cmp     ax, 00FFh
        CHECK   e, "a return to the host's ring-0 code ended the child with code FFh"
        mov     dx, tail4               ; it ends from real mode (raw switch, 4Ch)
        call    exec_child
        cmp     ax, 5
        CHECK   e, "a child that ended in real mode returned its code"
        mov     ax, 0500h
        mov     di, meminfo
        int     31h
        mov     eax, [meminfo + 14h]
        cmp     eax, [freebefore]
        CHECK   e, "... and what it left allocated is free again"
        ; INT 21h/50h to our parent's PSP and back does not end us
        push    es
        mov     es, [psp_sel]
        mov     bx, [es:16h]
        pop     es
        mov     ah, 50h
        int     21h
        mov     bx, [rseg]
        mov     ah, 50h
        int     21h
        mov     ax, 0400h
        int     31h
        cmp     ax, 005Ah
        CHECK   e, "switching to the parent's PSP and back (50h) keeps the client"

        SAY     "done"
        mov     ax, 4C00h
        int     21h

; EXEC ourselves with the command tail at DX from protected mode (0300h:
; INT 21h/4B00h in real mode); AX = the child's return code (4Dh), and the
; call structure's flags say whether EXEC failed.
exec_child:
        mov     [pblock + 2], dx
        mov     ax, [rseg]
        mov     [pblock + 4], ax
        mov     [pblock + 8], ax
        mov     [pblock + 12], ax
        mov     [rmregs + 24h], ax      ; DS:DX the name
        mov     [rmregs + 22h], ax      ; ES:BX the parameter block
        mov     dword [rmregs + 14h], progname
        mov     dword [rmregs + 10h], pblock
        mov     word [rmregs + 20h], 0
        mov     dword [rmregs + 1Ch], 4B00h
        mov     word [rmregs + 2Eh], 0
        mov     word [rmregs + 30h], 0
        mov     ax, 0300h
        mov     bx, 21h
        xor     cx, cx
        mov     di, rmregs
        int     31h
        mov     ax, 4D00h
        int     21h
        ret

; ---------------------------------------------------------------- children
; Takes 1 MiB, switches to real mode (0306h) and ends there with code 5.
realexit_client:
        mov     ax, 0501h
        mov     bx, 10h
        xor     cx, cx
        int     31h
        mov     ax, 0306h
        int     31h
        mov     [rawpm], di
        mov     [rawpm + 2], si
        mov     ax, [rseg]
        mov     cx, ax
        mov     dx, ax
        mov     bx, sp
        mov     si, ax
        mov     di, .real
        jmp     far [rawpm]
.real:  mov     ax, 4C05h
        int     21h

; Takes descriptors, memory and a callback and ends without freeing them.
child_client:
        mov     ax, 0000h
        mov     cx, 20
        int     31h
        CHECK   nc, "child: 20 descriptors"
        mov     ax, 0501h
        mov     bx, 10h                 ; 1 MiB
        xor     cx, cx
        int     31h
        CHECK   nc, "child: 1 MiB"
        mov     ax, 0303h
        push    ds
        push    cs
        pop     ds
        mov     si, callback
        push    es
        pop     es
        mov     di, cbregs
        int     31h
        pop     ds
        CHECK   nc, "child: a callback"
        mov     ax, 4C03h
        int     21h

; ---------------------------------------------------------------- handlers
; The callback: DS:SI = real mode's stack, ES:DI = the call structure.
; It returns as the far call that reached it would (RETF).
callback:
        push    ax
        mov     ax, [es:di + 1Ch]
        push    ds
        mov     ds, [cs:ds_sel]
        mov     [cbseen], ax
        inc     word [cbcount]
        pop     ds
        cld
        lodsw
        mov     [es:di + 2Ah], ax
        lodsw
        mov     [es:di + 2Ch], ax
        add     word [es:di + 2Eh], 4
        mov     dword [es:di + 1Ch], 5678h
        pop     ax
        iret

; Exception 0: the 0.9 frame (16-bit): return IP, CS, error, IP, CS, FLAGS, SP, SS.
divide_handler:
        push    bp
        mov     bp, sp
        push    ds
        mov     ds, [cs:ds_sel]
        mov     byte [excseen], 1
        mov     [lpms], ss
        push    ax
        mov     ax, [bp + 6]
        mov     [excerr], ax
        pop     ax
        add     word [bp + 8], 2
        pop     ds
        pop     bp
        retf

debug_handler:
        push    ds
        mov     ds, [cs:ds_sel]
        mov     byte [dbgseen], 1
        pop     ds
        retf

int60:  inc     ax
        iret

irq0_handler:
        push    ds
        mov     ds, [cs:ds_sel]
        inc     word [irqcount]
        pop     ds
        jmp     far [cs:oldirq0]

; Real mode (0301h): wait for three interrupts.
rm_wait:
        sti
        hlt
        hlt
        hlt
        retf

int21:  push    ds
        mov     ds, [cs:ds_sel]
        mov     byte [int21seen], 1
        pop     ds
        jmp     far [cs:oldint]

DPMILIB

progname: db    "DPMI16.COM", 0
child:  db      0
excseen: db     0
dbgseen: db     0
int21seen: db   0
        align   4
rseg:   dw      0
ds_sel: dw      0
cs_sel: dw      0
psp_sel: dw     0
pm_ss:  dw      0
sel1:   dw      0
dosseg: dw      0
dossel: dw      0
excerr: dw      0
wphandle: dw    0
watched: dw     0
cbcount: dw     0
cbseen: dw      0
xmsbefore: dw   0
irqcount: dw    0
lpms:   dw      0
ivtsel: dw      0
biossel: dw     0
ivt8:   dd      0
ticks:  dd      0
oldirq0: dd     0
entry:  dd      0
dsbase: dd      0
handle: dd      0
blk:    dd      0
cbaddr: dd      0
oldexc: dd      0
oldint: dd      0
rawrm:  dd      0
rawpm:  dd      0
freebefore: dd  0
pblock: dw      0, tail, 0, 5Ch, 0, 6Ch, 0
tail:   db      6, " child", 13
tail2:  db      6, " crash", 13
tail3:  db      8, " corrupt", 13
tail4:  db      9, " realexit", 13
tail5:  db      6, " limit", 13
tail6:  db      6, " ring0", 13
limsel: dw      0
rawcs:  dw      0
desc:   times 8 db 0
meminfo: times 48 db 0
rmregs: times 50 db 0
cbregs: times 50 db 0
buffer: times 256 db 0
        times 512 db 0
stack_top:
