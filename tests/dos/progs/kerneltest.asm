; kerneltest.asm - the INT 21h kernel functions outside the FCB family:
; memory (48h, 49h, 4Ah, 58h and the MCB chain from 52h), processes (4Bh
; 00h/01h/03h with CHILD.COM, 4Dh, 62h, 51h), handles (3Ch-46h, 56h, 57h,
; 5Ah, 5Bh, 6Ch, 44h IOCTL), devices by name, directories (39h-3Bh, 47h,
; 60h) and the small ones (30h, 3306h, 25h/35h, 2Ah, 2Ch, 0Eh/19h, 36h,
; 65h, 66h, 59h, 34h, an unknown function, long-name 71xxh calls).
; Prints one line per check, "PASS name" or "FAIL name (AX=....)", then a
; summary, and ends with AX=4C00h, or 4C01h if a check failed. Runs in
; the root of drive C: with CHILD.COM next to it, and deletes what it
; makes (KTEST*.DAT, a temporary file, the directory KTDIR).
; Sources: RBIL INT 21h (the function entries and tables 01378, 01628,
; 01590-01592, 01680-01683).
        cpu 8086
        org 100h

%define CHECK_EOL '$'                   ; pass/fail print the new line
%include "check.inc"

; CF_REG cf, reg, value, "name": CF in state cf (c or nc) and reg = value.
%macro CF_REG 4
        j%-1    %%no
        cmp     %2, %3
        jmp     short %%chk
%%no:   or      sp, sp                  ; ZF = 0
%%chk:  OK_IF   e, %4
%endmacro

; NC_AX value, "name": CF clear and AX = value.
%macro NC_AX 2
        CF_REG  nc, ax, %1, %2
%endmacro

; NC_CX value, "name": CF clear and CX = value.
%macro NC_CX 2
        CF_REG  nc, cx, %1, %2
%endmacro

; NC_DXAX high, low, "name": CF clear and DX:AX = high:low (a seek).
%macro NC_DXAX 3
        jc      %%no
        cmp     dx, %1
        jne     %%chk
        cmp     ax, %2
        jmp     short %%chk
%%no:   or      sp, sp
%%chk:  OK_IF   e, %3
%endmacro

; ERR_IS code, "name": CF set and AX = code.
%macro ERR_IS 2
        CF_REG  c, ax, %1, %2
%endmacro

; EQ_NC "name": ZF set by a comparison made after `call save_cf`, and the
; CF that save_cf saw was clear.
%macro EQ_NC 1
        call    nc_zf
        OK_IF   e, %1
%endmacro

; DOS function with AX
%macro DOS 1
        mov     ax, %1
        int     21h
%endmacro

; SEEK handle-variable, mode, CX, DX
%macro SEEK 4
        mov     bx, [%1]
        mov     cx, %3
        mov     dx, %4
        mov     ax, 4200h + %2
        int     21h
%endmacro

; STREQ buffer, expected, "name": ASCIIZ expected equals the buffer.
%macro STREQ 3
        mov     si, %2
        mov     di, %1
        call    strcmp
        OK_IF   e, %3
%endmacro

start:  cld
        mov     di, bss_start           ; memory past the image is not cleared
        mov     cx, bss_end - bss_start
        xor     al, al
        rep     stosb

; ==== the PSP: 62h, 51h ====
        mov     ah, 62h
        int     21h
        mov     [psp], bx
        mov     ax, cs
        cmp     bx, ax
        OK_IF   e, "62h: PSP = CS of a .COM"
        mov     ah, 51h
        int     21h
        cmp     bx, [psp]
        OK_IF   e, "51h: the same PSP as 62h"
        mov     ax, [2]                 ; PSP:02h: end of our block = top of memory
        mov     [memtop], ax
        mov     ax, [2Ch]
        mov     [envseg], ax

; ==== memory: 4Ah, 48h, 49h ====
        mov     bx, 1000h               ; keep 64 KiB: code, data and stack
        mov     ah, 4Ah
        int     21h
        OK_IF   nc, "4Ah: shrink our block to 64 KiB"
        mov     ax, [psp]
        mov     bx, ax
        mov     cx, 1000h
        call    mcb_is
        OK_IF   e, "4Ah: our MCB: owner = PSP, 1000h paragraphs"

        mov     bx, 0FFFFh
        mov     ah, 48h
        int     21h
        mov     [largest], bx
        ERR_IS  8, "48h: FFFFh paragraphs -> error 8"
        mov     ax, [memtop]
        sub     ax, [psp]
        sub     ax, 1001h
        cmp     ax, [largest]
        OK_IF   e, "48h: BX = the largest block (the rest of memory)"

        mov     bx, 100h
        mov     ah, 48h
        int     21h
        mov     [blk_a], ax
        OK_IF   nc, "48h: allocate 100h paragraphs"
        mov     ax, [psp]
        add     ax, 1001h
        cmp     ax, [blk_a]
        OK_IF   e, "48h: the block right after ours"
        mov     ax, [blk_a]
        mov     bx, [psp]
        mov     cx, 100h
        call    mcb_is
        OK_IF   e, "48h: its MCB: owner = our PSP, 100h paragraphs"
        mov     bx, 10h
        mov     ah, 48h
        int     21h
        mov     [blk_b], ax
        OK_IF   nc, "48h: allocate a second block"

        mov     es, [blk_a]
        mov     bx, 80h
        mov     ah, 4Ah
        int     21h
        OK_IF   nc, "4Ah: shrink a block to 80h"
        mov     ax, [blk_a]
        mov     bx, [psp]
        mov     cx, 80h
        call    mcb_is
        OK_IF   e, "4Ah: its MCB says 80h"
        mov     ax, [blk_a]
        add     ax, 81h
        xor     bx, bx
        mov     cx, 7Fh
        call    mcb_is
        OK_IF   e, "4Ah: the rest became a free block of 7Fh"
        mov     es, [blk_a]
        mov     bx, 100h
        mov     ah, 4Ah
        int     21h
        OK_IF   nc, "4Ah: grow it back to 100h"
        mov     ax, [blk_a]
        mov     bx, [psp]
        mov     cx, 100h
        call    mcb_is
        OK_IF   e, "4Ah: its MCB says 100h again"
        mov     es, [blk_a]
        mov     bx, 101h
        mov     ah, 4Ah
        int     21h
        mov     [tmp], bx
        ERR_IS  8, "4Ah: grow into the next block -> error 8"
        cmp     word [tmp], 100h
        OK_IF   e, "4Ah: BX = 100h, the most the block can have"
        mov     es, [blk_b]
        mov     ah, 49h
        int     21h
        OK_IF   nc, "49h: free the second block"
        mov     es, [blk_a]
        mov     bx, 200h
        mov     ah, 4Ah
        int     21h
        OK_IF   nc, "4Ah: grow over the freed block"
        mov     es, [blk_a]
        mov     ah, 49h
        int     21h
        OK_IF   nc, "49h: free the first block"
        mov     ax, cs
        add     ax, 10h                 ; inside our block: not a block
        mov     es, ax
        mov     ah, 49h
        int     21h
        ERR_IS  9, "49h: not a memory block -> error 9"
        push    cs
        pop     es
        call    check_largest
        OK_IF   e, "48h: all of it is free again"

; ==== 58h: allocation strategy ====
        DOS     5800h
        NC_AX   0, "5800h: first fit by default"
        mov     bx, 30h                 ; P 30h, Q 10h, R 20h, S 10h; free P
        call    alloc                   ; and R: holes of 30h and 20h below
        mov     [blk_p], ax             ; the rest of memory
        mov     bx, 10h
        call    alloc
        mov     [blk_q], ax
        mov     bx, 20h
        call    alloc
        mov     [blk_r], ax
        mov     bx, 10h
        call    alloc
        mov     [blk_s], ax
        mov     ax, [blk_p]
        call    free
        mov     ax, [blk_r]
        call    free
        mov     bx, 10h
        call    alloc
        mov     [tmp], ax
        cmp     ax, [blk_p]
        OK_IF   e, "48h first fit: the first hole (30h)"
        mov     ax, [tmp]
        call    free
        mov     bx, 1
        DOS     5801h
        OK_IF   nc, "5801h: best fit"
        DOS     5800h
        NC_AX   1, "5800h: best fit is set"
        mov     bx, 10h
        call    alloc
        mov     [tmp], ax
        cmp     ax, [blk_r]
        OK_IF   e, "48h best fit: the smallest hole (20h)"
        mov     ax, [tmp]
        call    free
        mov     bx, 2
        DOS     5801h
        OK_IF   nc, "5801h: last fit"
        DOS     5800h
        NC_AX   2, "5800h: last fit is set"
        mov     bx, 10h
        call    alloc
        mov     [tmp], ax
        mov     ax, [memtop]
        sub     ax, 10h
        cmp     ax, [tmp]
        OK_IF   e, "48h last fit: the top of memory"
        mov     ax, [tmp]
        dec     ax
        mov     es, ax
        cmp     byte [es:0], 'Z'
        OK_IF   e, "48h last fit: the block is the 'Z' block"
        push    cs
        pop     es
        mov     ax, [tmp]
        call    free
        xor     bx, bx
        DOS     5801h
        DOS     5800h
        NC_AX   0, "5801h: back to first fit"
        mov     ax, [blk_q]
        call    free
        mov     ax, [blk_s]
        call    free
        call    check_largest
        OK_IF   e, "49h: all of it is free again"

; ==== the MCB chain from the list of lists (52h) ====
        mov     ah, 52h
        int     21h
        mov     ax, [es:bx-2]           ; the first MCB
        xor     cx, cx                  ; blocks seen
        xor     dx, dx                  ; DL: 1 our block, 2 our environment
.walk:  mov     es, ax
        mov     bl, [es:0]
        cmp     bl, 'M'
        je      .sig_ok
        cmp     bl, 'Z'
        jne     .broken
.sig_ok:
        mov     bx, ax
        inc     bx
        cmp     bx, [psp]
        jne     .not_ours
        mov     bx, [es:1]
        cmp     bx, [psp]
        jne     .not_env
        or      dl, 1
        jmp     short .not_env
.not_ours:
        cmp     bx, [envseg]
        jne     .not_env
        mov     bx, [es:1]
        cmp     bx, [psp]
        jne     .not_env
        or      dl, 2
.not_env:
        cmp     byte [es:0], 'Z'
        je      .walked
        add     ax, [es:3]
        inc     ax
        inc     cx
        cmp     cx, 1000
        jb      .walk
.broken:
        or      dl, 80h
.walked:
        add     ax, [es:3]
        inc     ax
        mov     [tmp], ax               ; end of the 'Z' block
        mov     [found], dl
        push    cs
        pop     es
        test    byte [found], 80h
        OK_IF   z, "52h: the MCB chain leads to a 'Z' block"
        test    byte [found], 1
        OK_IF   nz, "MCB chain: our block, owned by our PSP"
        test    byte [found], 2
        OK_IF   nz, "MCB chain: our environment, owned by our PSP"
        mov     ax, [tmp]
        cmp     ax, [memtop]
        OK_IF   e, "MCB chain: the 'Z' block ends at the top of memory"

; ==== EXEC 4B00h ====
        mov     [pb_tail+2], cs
        mov     [pb_fcb1+2], cs
        mov     [pb_fcb2+2], cs
        mov     [save_sp], sp
        mov     [save_ss], ss
        mov     dx, child_name
        mov     bx, pblock
        push    cs
        pop     es
        mov     bp, 1234h
        mov     si, 5678h
        mov     di, 9ABCh
        DOS     4B00h
        mov     [cs:r_ax], ax
        lahf
        mov     [cs:r_fl], ah
        mov     [cs:r_sp], sp
        mov     [cs:r_ss], ss
        mov     [cs:r_ds], ds
        mov     [cs:r_es], es
        mov     [cs:r_bp], bp
        mov     [cs:r_si], si
        mov     [cs:r_di], di
        cli
        mov     ss, [cs:save_ss]
        mov     sp, [cs:save_sp]
        sti
        push    cs
        pop     ds
        push    cs
        pop     es
        mov     ax, [r_ax]
        test    byte [r_fl], 1
        OK_IF   z, "4B00h: EXEC CHILD.COM, CF clear"
        mov     ax, [r_ss]
        xor     ax, [save_ss]
        mov     bx, [r_sp]
        xor     bx, [save_sp]
        or      ax, bx
        OK_IF   z, "4B00h: SS:SP preserved"
        mov     ax, [r_bp]
        xor     ax, 1234h
        mov     bx, [r_si]
        xor     bx, 5678h
        or      ax, bx
        mov     bx, [r_di]
        xor     bx, 9ABCh
        or      ax, bx
        OK_IF   z, "4B00h: BP, SI, DI preserved"
        mov     ax, [r_ds]
        mov     bx, cs
        xor     ax, bx
        mov     cx, [r_es]
        xor     cx, bx
        or      ax, cx
        OK_IF   z, "4B00h: DS, ES preserved"
        mov     ah, 4Dh
        int     21h
        cmp     ax, 002Ah
        OK_IF   e, "4Dh: AX = 002Ah (normal end, code 2Ah)"
        mov     ah, 4Dh
        int     21h
        cmp     ax, 0
        OK_IF   e, "4Dh: the code is returned once only"

        mov     ax, env_block           ; an environment of our own
        mov     cl, 4
        shr     ax, cl
        mov     bx, cs
        add     ax, bx
        mov     [pblock], ax
        mov     word [pb_tail], tail_env
        mov     dx, child_name
        mov     ax, 4B00h
        call    exec
        OK_IF   nc, "4B00h: EXEC with our environment block"
        mov     ah, 4Dh
        int     21h
        cmp     ax, 002Ah
        OK_IF   e, "4Dh: AX = 002Ah again"
        mov     word [pblock], 0
        mov     word [pb_tail], tail_hello

        mov     dx, missing_name
        mov     ax, 4B00h
        call    exec
        ERR_IS  2, "4B00h: a missing program -> error 2"
        mov     ax, 4B02h
        mov     dx, child_name
        call    exec
        ERR_IS  1, "4B02h: not a subfunction -> error 1"

; ==== EXEC 4B01h: load, then run it as a debugger does ====
        mov     dx, child_name
        mov     bx, pblock
        DOS     4B01h
        OK_IF   nc, "4B01h: load CHILD.COM without running it"
        mov     ah, 62h
        int     21h
        mov     [child_psp], bx
        cmp     bx, [psp]
        OK_IF   ne, "4B01h: the child's PSP is current (62h)"
        mov     ax, [pb_csip+2]
        xor     ax, [child_psp]
        mov     bx, [pb_csip]
        xor     bx, 100h
        or      ax, bx
        OK_IF   z, "4B01h: CS:IP = child PSP:0100h"
        mov     ax, [pb_sssp+2]
        cmp     ax, [child_psp]
        OK_IF   e, "4B01h: SS = child PSP"
        mov     es, [pb_sssp+2]
        mov     bx, [pb_sssp]
        cmp     word [es:bx], 0
        OK_IF   e, "4B01h: the initial AX (0000h) on top of its stack"
        mov     es, [child_psp]
        mov     di, 100h
        call    is_child_image
        OK_IF   e, "4B01h: the child's code is at CS:IP"
        mov     es, [child_psp]
        mov     ax, [es:16h]
        cmp     ax, [psp]
        OK_IF   e, "4B01h: its parent is our PSP"
        mov     es, [child_psp]
        mov     word [es:0Ah], after_child ; terminate address: back to us
        mov     [es:0Ch], cs
        mov     [save_sp], sp
        mov     [save_ss], ss
        cli
        mov     ss, [pb_sssp+2]
        mov     sp, [pb_sssp]
        sti
        pop     ax                      ; the child's AX
        push    word [cs:pb_csip+2]
        push    word [cs:pb_csip]
        mov     bx, [cs:child_psp]
        mov     ds, bx
        mov     es, bx
        retf
after_child:                            ; the child ended: DOS returns on the
        cld                             ; stack of the 4B01h call, whose flags
        cli                             ; are stale by now (as in DOS)
        mov     ss, [cs:save_ss]
        mov     sp, [cs:save_sp]
        sti
        push    cs
        pop     ds
        push    cs
        pop     es
        mov     ah, 4Dh
        int     21h
        cmp     ax, 002Ah
        OK_IF   e, "4B01h: the loaded child ran and returned 2Ah"
        mov     ah, 62h
        int     21h
        cmp     bx, [psp]
        OK_IF   e, "4B01h: our PSP is current again"

; ==== EXEC 4B03h: overlay ====
        mov     bx, 100h
        call    alloc
        mov     [ovl_seg], ax
        mov     [ovl_pb], ax
        mov     [ovl_pb+2], ax
        mov     dx, child_name
        mov     bx, ovl_pb
        DOS     4B03h
        OK_IF   nc, "4B03h: load CHILD.COM as an overlay"
        mov     es, [ovl_seg]
        xor     di, di
        call    is_child_image
        OK_IF   e, "4B03h: its image is at the given segment"
        push    cs
        pop     es
        mov     ah, 62h
        int     21h
        cmp     bx, [psp]
        OK_IF   e, "4B03h: no new process"
        mov     ax, [ovl_seg]
        call    free
        call    check_largest
        OK_IF   e, "EXEC: all the children's memory is free again"

; ==== handles: 3Ch, 40h, 42h, 3Fh, 45h, 46h ====
        mov     dx, f_ktest
        xor     cx, cx
        mov     ah, 3Ch
        int     21h
        mov     [h1], ax
        OK_IF   nc, "3Ch: create KTEST.DAT"
        cmp     word [h1], 5
        OK_IF   ae, "3Ch: a handle above the standard five"
        mov     bx, [h1]
        mov     cx, 16
        mov     dx, data16
        mov     ah, 40h
        int     21h
        NC_AX   16, "40h: write 16 bytes"
        SEEK    h1, 0, 0, 4
        NC_DXAX 0, 4, "42h mode 0: DX:AX = 4"
        SEEK    h1, 1, 0, 2
        NC_DXAX 0, 6, "42h mode 1, +2: DX:AX = 6"
        SEEK    h1, 2, 0FFFFh, 0FFFDh
        NC_DXAX 0, 13, "42h mode 2, -3: DX:AX = 13"
        SEEK    h1, 2, 0, 0
        NC_DXAX 0, 16, "42h mode 2, 0: DX:AX = 16 (the size)"
        SEEK    h1, 0, 0, 4
        mov     bx, [h1]
        mov     cx, 4
        mov     dx, buf
        mov     ah, 3Fh
        int     21h
        NC_AX   4, "3Fh: read 4 bytes at 4"
        mov     si, buf
        mov     di, data16+4
        mov     cx, 4
        repe    cmpsb
        OK_IF   e, "3Fh: they are '4567'"
        SEEK    h1, 2, 0, 0
        mov     bx, [h1]
        mov     cx, 4
        mov     dx, buf
        mov     ah, 3Fh
        int     21h
        NC_AX   0, "3Fh: at the end: 0 bytes"

        mov     bx, [h1]
        mov     ah, 45h
        int     21h
        mov     [h2], ax
        OK_IF   nc, "45h: duplicate the handle"
        mov     ax, [h2]
        cmp     ax, [h1]
        OK_IF   ne, "45h: a new handle number"
        SEEK    h1, 0, 0, 2
        SEEK    h2, 1, 0, 0
        NC_DXAX 0, 2, "45h: the duplicate shares the position"
        mov     bx, [h2]
        mov     cx, 1
        mov     dx, buf
        mov     ah, 3Fh
        int     21h
        mov     bx, [h1]
        mov     cx, 1
        mov     dx, buf+1
        mov     ah, 3Fh
        int     21h
        cmp     word [buf], '23'
        OK_IF   e, "45h: reads through either handle move both"
        mov     bx, [h2]
        mov     ah, 3Eh
        int     21h
        OK_IF   nc, "3Eh: close the duplicate"
        mov     bx, [h2]
        mov     ah, 3Eh
        int     21h
        ERR_IS  6, "3Eh: a closed handle -> error 6"
        mov     bx, [h1]
        mov     ah, 3Fh
        mov     cx, 1
        mov     dx, buf
        int     21h
        NC_AX   1, "3Fh: the original handle still works"

        mov     dx, f_ktest
        DOS     3D00h
        mov     [h3], ax
        OK_IF   nc, "3Dh: open KTEST.DAT a second time"
        mov     bx, [h1]
        mov     cx, [h3]
        mov     ah, 46h
        int     21h
        OK_IF   nc, "46h: force the second handle onto the first file"
        SEEK    h1, 0, 0, 10
        SEEK    h3, 1, 0, 0
        NC_DXAX 0, 10, "46h: the handles share the position"
        mov     bx, [h3]
        mov     ah, 3Eh
        int     21h
        OK_IF   nc, "3Eh: close the forced handle"

        SEEK    h1, 0, 0, 8
        mov     bx, [h1]
        xor     cx, cx
        mov     dx, buf
        mov     ah, 40h
        int     21h
        NC_AX   0, "40h: CX=0 at position 8"
        SEEK    h1, 2, 0, 0
        NC_DXAX 0, 8, "40h: CX=0 truncated the file to 8 bytes"

; ---- 44h IOCTL ----
        mov     bx, [h1]
        DOS     4400h
        call    save_cf
        mov     ax, dx
        and     ax, 0BFh                ; device bit and drive (bit 6: not written)
        cmp     ax, 2
        EQ_NC   "4400h: a file: bit 7 clear, drive C: (2) in bits 0-5"
        mov     bx, 1
        DOS     4400h
        call    save_cf
        mov     ax, dx
        and     ax, 83h
        cmp     ax, 83h
        EQ_NC   "4400h: handle 1 is CON: bits 7, 1 and 0 set"
        mov     bx, 99
        DOS     4400h
        ERR_IS  6, "4400h: a bad handle -> error 6"
        xor     bx, bx
        DOS     4408h
        NC_AX   1, "4408h: drive C: is fixed (AX=1)"
        mov     bx, 3
        DOS     4408h
        NC_AX   1, "4408h: the same for BL=3"
        xor     bx, bx
        DOS     440Eh
        call    save_cf
        cmp     al, 0
        EQ_NC   "440Eh: one letter for the drive (AL=0)"
        mov     bx, 17
        DOS     4408h
        ERR_IS  0Fh, "4408h: an unmapped drive -> error 0Fh"

; ---- 57h: date and time ----
        mov     bx, [h1]
        mov     cx, TIME
        mov     dx, DATE
        DOS     5701h
        OK_IF   nc, "5701h: set 1999-12-31 23:58:30"
        mov     bx, [h1]
        DOS     5700h
        call    save_cf
        xor     cx, TIME
        xor     dx, DATE
        or      cx, dx
        EQ_NC   "5700h: reads it back"
        mov     bx, [h1]
        mov     ah, 3Eh
        int     21h
        OK_IF   nc, "3Eh: close KTEST.DAT"
        mov     dx, f_ktest
        DOS     3D00h
        mov     [h1], ax
        OK_IF   nc, "3Dh: open it again"
        mov     bx, [h1]
        DOS     5700h
        call    save_cf
        xor     cx, TIME
        xor     dx, DATE
        or      cx, dx
        EQ_NC   "5700h: the date and time stayed"
        mov     bx, [h1]
        mov     ah, 3Eh
        int     21h

; ---- 43h: attributes ----
        mov     dx, f_ktest
        DOS     4300h
        call    save_cf
        test    cx, 1
        EQ_NC   "4300h: not read-only"
        mov     dx, f_ktest
        mov     cx, 1
        DOS     4301h
        OK_IF   nc, "4301h: make it read-only"
        mov     dx, f_ktest
        DOS     4300h
        call    save_cf
        and     cx, 1
        cmp     cx, 1
        EQ_NC   "4300h: read-only now"
        mov     dx, f_ktest
        DOS     3D02h
        ERR_IS  5, "3Dh: read/write open of a read-only file -> error 5"
        mov     dx, f_ktest
        DOS     3D01h
        ERR_IS  5, "3Dh: write open of a read-only file -> error 5"
        mov     dx, f_ktest
        xor     cx, cx
        mov     ah, 3Ch
        int     21h
        ERR_IS  5, "3Ch: create over a read-only file -> error 5"
        mov     dx, f_ktest
        DOS     3D00h
        mov     [h1], ax
        OK_IF   nc, "3Dh: read open of a read-only file"
        mov     bx, [h1]
        mov     ah, 3Eh
        int     21h
        mov     dx, f_ktest
        mov     ah, 41h
        int     21h
        ERR_IS  5, "41h: delete a read-only file -> error 5"
        mov     dx, f_ktest
        xor     cx, cx
        DOS     4301h
        OK_IF   nc, "4301h: clear read-only"
        mov     dx, f_ktest
        DOS     3D02h
        mov     [h1], ax
        OK_IF   nc, "3Dh: read/write open works again"
        mov     bx, [h1]
        mov     ah, 3Eh
        int     21h
        mov     dx, f_missing
        DOS     4300h
        ERR_IS  2, "4300h: a missing file -> error 2"

; ---- 56h rename, 5Bh create new, 41h delete ----
        mov     dx, f_ktest
        mov     di, f_ktest2
        mov     ah, 56h
        int     21h
        OK_IF   nc, "56h: rename KTEST.DAT to KTEST2.DAT"
        mov     dx, f_ktest
        DOS     3D00h
        ERR_IS  2, "56h: the old name is gone"
        mov     dx, f_ktest2
        DOS     3D00h
        mov     [h1], ax
        OK_IF   nc, "56h: the new name opens"
        SEEK    h1, 2, 0, 0
        NC_DXAX 0, 8, "56h: with the same 8 bytes"
        mov     bx, [h1]
        mov     ah, 3Eh
        int     21h
        mov     dx, f_ktest
        xor     cx, cx
        mov     ah, 3Ch
        int     21h
        mov     bx, ax
        mov     ah, 3Eh
        int     21h
        mov     dx, f_ktest2
        mov     di, f_ktest
        mov     ah, 56h
        int     21h
        ERR_IS  5, "56h: onto an existing name -> error 5"
        mov     dx, f_ktest
        xor     cx, cx
        mov     ah, 5Bh
        int     21h
        ERR_IS  50h, "5Bh: an existing file -> error 50h"
        mov     dx, f_ktest3
        xor     cx, cx
        mov     ah, 5Bh
        int     21h
        mov     [h1], ax
        OK_IF   nc, "5Bh: create KTEST3.DAT"
        mov     bx, [h1]
        mov     ah, 3Eh
        int     21h
        mov     dx, f_ktest3
        mov     ah, 41h
        int     21h
        OK_IF   nc, "41h: delete KTEST3.DAT"
        mov     dx, f_ktest3
        mov     ah, 41h
        int     21h
        ERR_IS  2, "41h: delete it again -> error 2"
        mov     dx, f_ktest
        mov     ah, 41h
        int     21h
        mov     dx, f_ktest2
        mov     ah, 41h
        int     21h
        OK_IF   nc, "41h: delete KTEST2.DAT"

; ---- 5Ah: temporary file ----
        mov     si, tmpname
        mov     di, tmpname2
        mov     cx, 32
        rep     movsb
        mov     dx, tmpname
        xor     cx, cx
        mov     ah, 5Ah
        int     21h
        mov     [h1], ax
        OK_IF   nc, "5Ah: create a temporary file in C:\"
        cmp     byte [tmpname+3], 0
        OK_IF   ne, "5Ah: its name is appended to the path"
        mov     dx, tmpname2
        xor     cx, cx
        mov     ah, 5Ah
        int     21h
        mov     [h2], ax
        OK_IF   nc, "5Ah: a second one"
        mov     si, tmpname
        mov     di, tmpname2
        call    strcmp
        OK_IF   ne, "5Ah: with another name"
        mov     bx, [h1]
        mov     ah, 3Eh
        int     21h
        mov     bx, [h2]
        mov     ah, 3Eh
        int     21h
        mov     dx, tmpname
        mov     ah, 41h
        int     21h
        OK_IF   nc, "41h: the temporary file exists under its name"
        mov     dx, tmpname2
        mov     ah, 41h
        int     21h

; ---- 6Ch: extended open/create ----
        mov     si, f_ktest6
        mov     bx, 2
        xor     cx, cx
        mov     dx, 11h
        DOS     6C00h
        mov     [h1], ax
        NC_CX   2, "6Ch action 11h: a missing file is created (CX=2)"
        mov     bx, [h1]
        mov     cx, 3
        mov     dx, data16
        mov     ah, 40h
        int     21h
        mov     bx, [h1]
        mov     ah, 3Eh
        int     21h
        mov     si, f_ktest6
        mov     bx, 2
        xor     cx, cx
        mov     dx, 11h
        DOS     6C00h
        mov     [h1], ax
        NC_CX   1, "6Ch action 11h: an existing file is opened (CX=1)"
        SEEK    h1, 2, 0, 0
        NC_DXAX 0, 3, "6Ch action 11h: with its 3 bytes"
        mov     bx, [h1]
        mov     ah, 3Eh
        int     21h
        mov     si, f_ktest6
        mov     bx, 2
        xor     cx, cx
        mov     dx, 12h
        DOS     6C00h
        mov     [h1], ax
        NC_CX   3, "6Ch action 12h: an existing file is replaced (CX=3)"
        SEEK    h1, 2, 0, 0
        NC_DXAX 0, 0, "6Ch action 12h: it is empty"
        mov     bx, [h1]
        mov     ah, 3Eh
        int     21h
        mov     si, f_ktest6
        mov     bx, 2
        xor     cx, cx
        mov     dx, 10h
        DOS     6C00h
        ERR_IS  50h, "6Ch action 10h: an existing file -> error 50h"
        mov     dx, f_ktest6
        mov     ah, 41h
        int     21h
        mov     si, f_ktest6
        mov     bx, 2
        xor     cx, cx
        mov     dx, 01h
        DOS     6C00h
        ERR_IS  2, "6Ch action 01h: a missing file -> error 2"

; ==== directories: 39h, 3Bh, 47h, 60h, 3Ah ====
        mov     dx, d_ktdir
        mov     ah, 39h
        int     21h
        OK_IF   nc, "39h: make KTDIR"
        mov     dx, d_ktdir
        mov     ah, 39h
        int     21h
        ERR_IS  5, "39h: an existing name -> error 5"
        mov     dx, d_sub
        mov     ah, 39h
        int     21h
        OK_IF   nc, "39h: make KTDIR\SUB"
        mov     dx, d_nodir_sub
        mov     ah, 39h
        int     21h
        ERR_IS  3, "39h: a missing parent -> error 3"
        mov     dx, d_sub
        mov     ah, 3Bh
        int     21h
        OK_IF   nc, "3Bh: change to KTDIR\SUB"
        call    getcwd
        STREQ   cwdbuf, d_sub_up, "47h: the directory is KTDIR\SUB"
        mov     dx, d_dotdot
        mov     ah, 3Bh
        int     21h
        OK_IF   nc, "3Bh: change to .."
        call    getcwd
        STREQ   cwdbuf, d_ktdir_up, "47h: the directory is KTDIR"
        mov     si, t_rel
        call    truename
        STREQ   truebuf, t_rel_want, "60h: SUB\..\X.TXT in KTDIR is C:\KTDIR\X.TXT"
        mov     dx, d_root
        mov     ah, 3Bh
        int     21h
        OK_IF   nc, "3Bh: change to \"
        call    getcwd
        cmp     byte [cwdbuf], 0
        EQ_NC   "47h: the root is an empty string"
        mov     dx, d_nodir
        mov     ah, 3Bh
        int     21h
        ERR_IS  3, "3Bh: a missing directory -> error 3"
        mov     dl, 17
        mov     si, cwdbuf
        mov     ah, 47h
        int     21h
        ERR_IS  0Fh, "47h: an unmapped drive -> error 0Fh"
        mov     si, t_dots
        call    truename
        STREQ   truebuf, t_dots_want, "60h: sub\..\kfile.txt is C:\KFILE.TXT"
        mov     si, t_slash
        call    truename
        STREQ   truebuf, t_slash_want, "60h: ktdir/sub/./y.dat is C:\KTDIR\SUB\Y.DAT"

; ==== devices by name ====
        mov     dx, n_nul
        DOS     3D02h
        mov     [h1], ax
        OK_IF   nc, "3Dh: open NUL"
        mov     bx, [h1]
        DOS     4400h
        call    save_cf
        mov     ax, dx
        and     ax, 84h
        cmp     ax, 84h
        EQ_NC   "4400h: NUL is a device, the NUL device (bits 7, 2)"
        mov     bx, [h1]
        mov     cx, 10
        mov     dx, data16
        mov     ah, 40h
        int     21h
        NC_AX   10, "40h: NUL takes 10 bytes"
        mov     bx, [h1]
        mov     cx, 10
        mov     dx, buf
        mov     ah, 3Fh
        int     21h
        NC_AX   0, "3Fh: NUL gives nothing"
        mov     bx, [h1]
        mov     ah, 3Eh
        int     21h
        mov     dx, n_con
        DOS     3D02h
        mov     [h1], ax
        OK_IF   nc, "3Dh: open C:\KTDIR\CON.TXT"
        mov     bx, [h1]
        DOS     4400h
        call    save_cf
        mov     ax, dx
        and     ax, 83h
        cmp     ax, 83h
        EQ_NC   "4400h: C:\KTDIR\CON.TXT is the CON device"
        mov     bx, [h1]
        mov     cx, con_line_len
        mov     dx, con_line
        mov     ah, 40h
        int     21h
        NC_AX   con_line_len, "40h: a line written through it"
        mov     bx, [h1]
        mov     ah, 3Eh
        int     21h
        mov     dx, n_nul2
        DOS     3D00h
        mov     [h1], ax
        OK_IF   nc, "3Dh: open KTDIR\SUB\NUL.DAT"
        mov     bx, [h1]
        DOS     4400h
        call    save_cf
        mov     ax, dx
        and     ax, 84h
        cmp     ax, 84h
        EQ_NC   "4400h: KTDIR\SUB\NUL.DAT is the NUL device"
        mov     bx, [h1]
        mov     ah, 3Eh
        int     21h

; ---- removing the directories ----
        mov     dx, d_ktdir
        mov     ah, 3Ah
        int     21h
        ERR_IS  5, "3Ah: a directory that is not empty -> error 5"
        mov     dx, d_sub
        mov     ah, 3Bh
        int     21h
        mov     dx, d_sub_abs
        mov     ah, 3Ah
        int     21h
        ERR_IS  10h, "3Ah: the current directory -> error 10h"
        mov     dx, d_root
        mov     ah, 3Bh
        int     21h
        mov     dx, d_sub
        mov     ah, 3Ah
        int     21h
        OK_IF   nc, "3Ah: remove KTDIR\SUB"
        mov     dx, d_ktdir
        mov     ah, 3Ah
        int     21h
        OK_IF   nc, "3Ah: remove KTDIR"
        mov     dx, d_ktdir
        mov     ah, 3Ah
        int     21h
        ERR_IS  3, "3Ah: it is gone -> error 3"

; ==== the small ones ====
        DOS     3000h
        cmp     ax, 0005h
        OK_IF   e, "30h: version 5.00"
        DOS     3306h
        cmp     bx, 0005h
        OK_IF   e, "3306h: true version 5.00"

        DOS     3560h
        mov     [old60], bx
        mov     [old60+2], es
        push    cs
        pop     es
        mov     dx, int60
        DOS     2560h
        DOS     3560h
        mov     ax, es
        mov     cx, cs
        xor     ax, cx
        xor     bx, int60
        or      ax, bx
        push    cs
        pop     es
        OK_IF   z, "35h: reads back the vector 25h set"
        int     60h
        cmp     byte [hit60], 1
        OK_IF   e, "25h: INT 60h reaches our handler"
        push    ds
        lds     dx, [old60]
        DOS     2560h
        pop     ds

        mov     ah, 2Ah
        int     21h
        cmp     cx, 1980
        jb      .date_bad
        cmp     dh, 1
        jb      .date_bad
        cmp     dh, 12
        ja      .date_bad
        cmp     dl, 1
        jb      .date_bad
        cmp     dl, 31
        ja      .date_bad
        cmp     al, 6
        ja      .date_bad
        xor     ax, ax                  ; ZF = 1
        jmp     short .date_say
.date_bad:
        or      sp, sp
.date_say:
        OK_IF   e, "2Ah: a date from 1980 on, fields in range"
        mov     ah, 2Ch
        int     21h
        cmp     ch, 23
        ja      .time_bad
        cmp     cl, 59
        ja      .time_bad
        cmp     dh, 59
        ja      .time_bad
        cmp     dl, 99
        ja      .time_bad
        xor     ax, ax
        jmp     short .time_say
.time_bad:
        or      sp, sp
.time_say:
        OK_IF   e, "2Ch: a time with fields in range"

        mov     ah, 19h
        int     21h
        cmp     al, 2
        OK_IF   e, "19h: the current drive is C:"
        mov     dl, 2
        mov     ah, 0Eh
        int     21h
        cmp     al, 3
        OK_IF   ae, "0Eh: AL = number of drives (3 or more)"
        mov     dl, 16                  ; Q: is not mapped
        mov     ah, 0Eh
        int     21h
        mov     ah, 19h
        int     21h
        cmp     al, 2
        OK_IF   e, "0Eh: an unmapped drive is not selected"

        mov     dl, 0
        mov     ah, 36h
        int     21h
        cmp     ax, 0FFFFh
        OK_IF   ne, "36h: free space of the current drive"
        mov     dl, 17
        mov     ah, 36h
        int     21h
        cmp     ax, 0FFFFh
        OK_IF   e, "36h: an unmapped drive -> AX=FFFFh"

        mov     di, buf
        mov     cx, 41
        mov     bx, 0FFFFh
        mov     dx, 0FFFFh
        DOS     6501h
        NC_CX   41, "6501h: 41 bytes of country information"
        cmp     byte [buf], 1
        OK_IF   e, "6501h: info ID 01h"
        cmp     word [buf+3], 1
        OK_IF   e, "6501h: country 1"
        cmp     word [buf+5], 437
        OK_IF   e, "6501h: code page 437"
        mov     byte [buf+10], 0A5h
        mov     di, buf
        mov     cx, 10
        mov     bx, 0FFFFh
        mov     dx, 0FFFFh
        DOS     6501h
        NC_CX   10, "6501h: a 10-byte buffer gets 10 bytes"
        cmp     byte [buf+10], 0A5h
        OK_IF   e, "6501h: and nothing past them"
        DOS     6601h
        call    save_cf
        xor     bx, 437
        xor     dx, 437
        or      bx, dx
        EQ_NC   "6601h: code page 437 active and default"

        mov     dx, f_missing
        DOS     3D00h
        xor     bx, bx
        mov     ah, 59h
        int     21h
        mov     [tmp], bx
        cmp     ax, 2
        OK_IF   e, "59h: error 2 after a failed open"
        cmp     byte [tmp+1], 8
        OK_IF   e, "59h: class 08h (not found)"

        mov     ah, 34h
        int     21h
        mov     ax, es
        or      ax, bx
        OK_IF   nz, "34h: a pointer to the InDOS flag"
        cmp     byte [es:bx], 0
        OK_IF   e, "34h: InDOS is 0 outside DOS"
        push    cs
        pop     es

        DOS     0F000h
        ERR_IS  1, "21h/F0h: an unknown function -> CF set, AX=1"

        ; Long file names (Windows 95) are not DOS 5's: every 71xxh call
        ; fails with AX=7100h so programs fall back to the short-name
        ; functions (RBIL INT 21h/AX=71xxh). DS:DX/SI -> a valid name.
        mov     dx, s_lfnname
        mov     si, dx
        mov     di, lfnbuf
        stc
        DOS     716Ch                   ; extended open/create
        ERR_IS  7100h, "716Ch: no long names -> CF set, AX=7100h"
        clc
        DOS     714Eh                   ; find first
        ERR_IS  7100h, "714Eh: no long names -> CF set, AX=7100h"
        clc
        DOS     7147h                   ; get current directory
        ERR_IS  7100h, "7147h: no long names -> CF set, AX=7100h"
        clc
        DOS     71A0h                   ; volume information
        ERR_IS  7100h, "71A0h: no long names -> CF set, AX=7100h"
        clc
        DOS     7160h                   ; true name
        ERR_IS  7100h, "7160h: no long names -> CF set, AX=7100h"
        clc
        DOS     7303h                   ; FAT32 free space (DOS 7.1)
        ERR_IS  7300h, "7303h: no FAT32 calls -> CF set, AX=7300h"

; ==== summary ====
        mov     dx, s_sum1
        call    puts
        mov     ax, [nfail]
        or      ax, ax
        jz      .all
        call    print_dec
        mov     dx, s_sum2
        call    puts
        mov     ax, [npass]
        add     ax, [nfail]
        call    print_dec
        mov     dx, s_sum3
        call    puts
        jmp     short .summed
.all:   mov     dx, s_sum4
        call    puts
        mov     ax, [npass]
        call    print_dec
        mov     dx, s_sum5
        call    puts
.summed:
        mov     ax, 4C00h
        cmp     word [nfail], 0
        je      .exit
        mov     al, 1
.exit:  int     21h

; ---- helpers ----

; INT 60h for the vector test.
int60:  mov     byte [cs:hit60], 1
        iret

; AX = 4B00h or 4B02h: EXEC with DS:DX and the parameter block, SS:SP
; saved and restored around it. Returns CF and AX.
exec:   mov     [save_sp], sp
        mov     [save_ss], ss
        mov     bx, pblock
        push    cs
        pop     es
        int     21h
        cli
        mov     ss, [cs:save_ss]
        mov     sp, [cs:save_sp]
        sti
        push    cs
        pop     ds
        push    cs
        pop     es
        ret

; 48h with BX paragraphs: AX = segment (CF as 48h left it).
alloc:  mov     ah, 48h
        int     21h
        ret

; 49h of the block at AX.
free:   push    es
        mov     es, ax
        mov     ah, 49h
        int     21h
        pop     es
        ret

; ZF = 1 if 48h FFFFh reports the largest block we saw at the start.
check_largest:
        mov     bx, 0FFFFh
        mov     ah, 48h
        int     21h
        cmp     bx, [largest]
        ret

; ZF = 1 if the MCB of the block at AX is 'M' or 'Z' with owner BX and
; size CX.
mcb_is: push    es
        push    ax
        dec     ax
        mov     es, ax
        mov     al, [es:0]
        cmp     al, 'M'
        je      .sig
        cmp     al, 'Z'
        jne     .out
.sig:   cmp     [es:1], bx
        jne     .out
        cmp     [es:3], cx
.out:   pop     ax
        pop     es
        ret

; ZF = 1 if ES:DI holds the first bytes of CHILD.COM (JMP short, "CHILD").
is_child_image:
        cmp     byte [es:di], 0EBh
        jne     .out
        add     di, 2
        mov     si, child_sig
        mov     cx, 5
        repe    cmpsb
.out:   push    cs
        pop     es
        ret

; 47h for the current drive into cwdbuf; CF saved for EQ_NC.
getcwd: mov     si, cwdbuf
        mov     byte [si], '?'
        mov     dl, 0
        mov     ah, 47h
        int     21h
        call    save_cf
        ret

; 60h of the name at DS:SI into truebuf; CF saved for EQ_NC.
truename:
        mov     di, truebuf
        mov     byte [di], 0
        mov     ah, 60h
        int     21h
        call    save_cf
        ret

; ZF = 1 if the ASCIIZ strings at SI and DI are equal.
strcmp: mov     al, [si]
        cmp     al, [di]
        jne     .out
        inc     si
        inc     di
        or      al, al
        jnz     strcmp
.out:   ret

; Keep CF for nc_zf; all registers and flags are kept.
save_cf:
        push    ax
        lahf
        mov     [lastcf], ah
        pop     ax
        ret

; ZF = ZF and (the saved CF was clear).
nc_zf:  jnz     .out
        test    byte [lastcf], 1
.out:   ret

; "PASS name" / "FAIL name (AX=....)" for the name at DX. All registers kept.
pass:   push    ax
        push    dx
        inc     word [npass]
        mov     dx, s_pass
        call    puts
        pop     dx
        call    puts
        push    dx
        mov     dx, s_crlf
        call    puts
        pop     dx
        pop     ax
        ret

fail:   push    ax
        push    cx
        push    di
        push    dx
        inc     word [nfail]
        mov     di, s_ax_val
        call    hex4
        mov     dx, s_fail
        call    puts
        pop     dx
        call    puts
        push    dx
        mov     dx, s_ax
        call    puts
        pop     dx
        pop     di
        pop     cx
        pop     ax
        ret

; The $-terminated string at DX.
puts:   push    ax
        mov     ah, 9
        int     21h
        pop     ax
        ret

; AX as four hex digits at DI.
hex4:   push    ax
        push    bx
        push    cx
        mov     bx, ax
        mov     cx, 4
.digit: push    cx
        mov     cl, 4
        rol     bx, cl
        pop     cx
        mov     al, bl
        and     al, 0Fh
        add     al, '0'
        cmp     al, '9'
        jbe     .put
        add     al, 'A' - '9' - 1
.put:   mov     [di], al
        inc     di
        loop    .digit
        pop     cx
        pop     bx
        pop     ax
        ret

; AX in decimal.
print_dec:
        mov     bx, 10
        xor     cx, cx
.div:   xor     dx, dx
        div     bx
        push    dx
        inc     cx
        or      ax, ax
        jnz     .div
.out:   pop     dx
        add     dl, '0'
        mov     ah, 2
        int     21h
        loop    .out
        ret

; ---- data ----

TIME    equ     23 << 11 | 58 << 5 | 30 / 2
DATE    equ     (1999 - 1980) << 9 | 12 << 5 | 31

s_pass  db      'PASS $'
s_fail  db      'FAIL $'
s_crlf  db      13, 10, '$'
s_ax    db      ' (AX='
s_ax_val db     '....)', 13, 10, '$'
s_lfnname db 'KTEST1.DAT', 0
lfnbuf  times 64 db 0
s_sum1  db      'kerneltest: $'
s_sum2  db      ' of $'
s_sum3  db      ' checks failed', 13, 10, '$'
s_sum4  db      'all $'
s_sum5  db      ' checks passed', 13, 10, '$'

child_name db   'CHILD.COM', 0
child_sig  db   'CHILD'
missing_name db 'NOSUCH.COM', 0
tail_hello db   6, ' hello', 13
tail_env   db   4, ' env', 13
fcb_a   db      0, '           ', 0, 0, 0, 0
fcb_b   db      0, '           ', 0, 0, 0, 0

pblock  dw      0                       ; +00h environment (0 = a copy of ours)
pb_tail dw      tail_hello, 0           ; +02h command tail
pb_fcb1 dw      fcb_a, 0                ; +06h FCB 1
pb_fcb2 dw      fcb_b, 0                ; +0Ah FCB 2
pb_sssp dw      0, 0                    ; +0Eh 4B01h: SS:SP
pb_csip dw      0, 0                    ; +12h 4B01h: CS:IP
ovl_pb  dw      0, 0                    ; 4B03h: segment, relocation factor

f_ktest  db     'KTEST.DAT', 0
f_ktest2 db     'KTEST2.DAT', 0
f_ktest3 db     'KTEST3.DAT', 0
f_ktest6 db     'KTEST6.DAT', 0
f_missing db    'NOSUCH.XYZ', 0
data16  db      '0123456789ABCDEF'
tmpname db      'C:\', 0
        times 32 - ($ - tmpname) db 0

d_ktdir db      'KTDIR', 0
d_sub   db      'KTDIR\SUB', 0
d_sub_abs db    'C:\KTDIR\SUB', 0
d_nodir_sub db  'NODIR\SUB', 0
d_nodir db      'NODIR', 0
d_dotdot db     '..', 0
d_root  db      '\', 0
d_sub_up db     'KTDIR\SUB', 0
d_ktdir_up db   'KTDIR', 0
t_rel   db      'SUB\..\X.TXT', 0
t_rel_want db   'C:\KTDIR\X.TXT', 0
t_dots  db      'sub\..\kfile.txt', 0
t_dots_want db  'C:\KFILE.TXT', 0
t_slash db      'ktdir/sub/./y.dat', 0
t_slash_want db 'C:\KTDIR\SUB\Y.DAT', 0

n_nul   db      'NUL', 0
n_con   db      'C:\KTDIR\CON.TXT', 0
n_nul2  db      'KTDIR\SUB\NUL.DAT', 0
con_line db     '(this line went through C:\KTDIR\CON.TXT)', 13, 10
con_line_len equ $ - con_line

        align   16
env_block db    'KTEST=42', 0, 0

        section .bss
bss_start:
psp     resw    1
memtop  resw    1
envseg  resw    1
largest resw    1
tmp     resw    1
blk_a   resw    1
blk_b   resw    1
blk_p   resw    1
blk_q   resw    1
blk_r   resw    1
blk_s   resw    1
ovl_seg resw    1
child_psp resw  1
save_sp resw    1
save_ss resw    1
r_ax    resw    1
r_fl    resw    1
r_sp    resw    1
r_ss    resw    1
r_ds    resw    1
r_es    resw    1
r_bp    resw    1
r_si    resw    1
r_di    resw    1
h1      resw    1
h2      resw    1
h3      resw    1
old60   resw    2
hit60   resb    1
lastcf  resb    1
found   resb    1
npass   resw    1
nfail   resw    1
tmpname2 resb   32
cwdbuf  resb    68
truebuf resb    128
buf     resb    64
bss_end:
