; xmstest.asm - the XMS 3.0 driver (src/mem/xms.c, xms_emb.c): INT 2Fh
; 4300h/4310h, the hookable entry point, version, extended memory blocks
; (08h-0Fh, 88h-8Fh), moves between every pair of conventional, extended
; and EMS memory (through the page frame), locks, handles, the A20
; functions (03h-07h) and the HMA (01h/02h), UMBs (10h-12h), INT 15h/88h,
; and bad input: wrong handles, offsets and lengths past a block's end,
; freeing twice, locked blocks, running out of handles and memory, and a
; client (this program run again as a child) that ends without freeing.
; Arguments: none = everything (default settings: DOS_HIGH and DOS_UMB
; off, EMS on); L = the leaking child; N = no XMS driver expected
; (XMS_MEMORY_LIMIT=0); M = XMS_MINIMUM_HMA=63 expected.
; Sources: XMS 3.0; RBIL INT 2F/AX=4300h, 4310h (tables 02749-02775).
        cpu 386
        org 100h

%define PROG_NAME "xmstest"
        jmp     start
%include "memlib.inc"

; MOVE len, src handle, src offset (dword or seg:off via the two-word
; forms below), dst handle, dst offset: fill `mv` and call 0Bh.
%macro MOVE 5
        mov     dword [mv_len], %1
        mov     ax, %2
        mov     [mv_sh], ax
        mov     eax, %3
        mov     [mv_so], eax
        mov     ax, %4
        mov     [mv_dh], ax
        mov     eax, %5
        mov     [mv_do], eax
        mov     si, mv
        XMS     0Bh
%endmacro

; FILL ptr, count, seed: bytes seed, seed+1, ... at DS:ptr.
%macro FILL 3
        mov     di, %1
        mov     cx, %2
        mov     al, %3
%%l:    mov     [di], al
        inc     al
        inc     di
        loop    %%l
%endmacro

start:  mov     ax, ds
        mov     es, ax
        mov     [myseg], ax
        ; conventional addresses of the buffers for moves (seg:off dwords)
        mov     word [far_buf1], buf1
        mov     [far_buf1 + 2], ax
        mov     word [far_buf2], buf2
        mov     [far_buf2 + 2], ax
        mov     word [far_ovl], buf1 + 16
        mov     [far_ovl + 2], ax
        mov     si, 81h                 ; the first letter of the command tail
.skip:  lodsb
        cmp     al, ' '
        je      .skip
        and     al, 0DFh
        cmp     al, 'L'
        je      leak_child
        cmp     al, 'N'
        je      no_xms
        cmp     al, 'M'
        je      hma_min
        jmp     full

; ---- XMS_MEMORY_LIMIT=0: no driver; INT 15h/88h tells the truth ----
no_xms: mov     ax, 4300h
        int     2Fh
        cmp     al, 80h
        OK_IF   ne, "4300h: no XMS driver"
        mov     ah, 88h
        int     15h
        mov     dx, s_int15
        call    show
        jmp     finish

; ---- XMS_MINIMUM_HMA=63 ----
hma_min:
        call    find_xms
        mov     dx, 100h
        XMS     01h
        XERR    92h, "01h: less than XMS_MINIMUM_HMA is refused (92h)"
        mov     dx, 0FFFFh
        XMS     01h
        XOK     "01h: an application (FFFFh) gets the HMA"
        XMS     02h
        XOK     "02h: released"
        jmp     finish

; ---- the child that leaks a megabyte ----
leak_child:
        call    find_xms
        mov     dx, 1024
        XMS     09h
        push    ds
        push    40h
        pop     ds
        mov     [0F0h], dx              ; intra-application area: the handle
        pop     ds
        mov     ax, 4C00h               ; ends without freeing it
        int     21h

full:
; ---- finding the driver ----
        mov     ax, 4300h
        int     2Fh
        IS      al, 80h, "4300h: XMS installed (AL=80h)"
        call    find_xms
        les     bx, [xms_entry]
        IS      byte [es:bx], 0EBh, "4310h: the entry starts with a short jump"
        IS      word [es:bx + 2], 9090h, "4310h: three NOPs follow (hookable)"
        push    ds
        pop     es
        call    hook_test
        XMS     00h
        IS      ax, 0300h, "00h: version 3.00"
        IS      dx, 1, "00h: the HMA exists"
        mov     ah, 88h
        int     15h
        IS      ax, 0, "INT 15h/88h: 0 KiB while XMS owns extended memory"

; ---- query and allocate ----
        mov     bl, 0FFh
        XMS     08h
        mov     [free0], dx
        cmp     ax, 1024
        OK_IF   ae, "08h: a large free block (AX = largest KiB)"
        IS      bl, 0, "08h: BL = 0"
        cmp     dx, ax
        OK_IF   ae, "08h: total >= largest"
        mov     dx, 64
        XMS     09h
        XOK     "09h: allocate 64 KiB"
        mov     [h1], dx
        XMS     08h
        mov     ax, [free0]
        sub     ax, dx
        IS      ax, 64, "08h: 64 KiB less free"
        mov     dx, [h1]
        XMS     0Eh
        XOK     "0Eh: handle information"
        IS      dx, 64, "0Eh: DX = 64 KiB"
        IS      bh, 0, "0Eh: not locked"
        IS      bl, 31, "0Eh: 31 of XMS_HANDLES=32 free"

; ---- moves ----
        FILL    buf1, 1024, 11h
        MOVE    1024, 0, [far_buf1], [h1], 1000h
        XOK     "0Bh: conventional -> extended"
        mov     dx, [h1]
        MOVE    1024, [h1], 1000h, 0, [far_buf2]
        XOK     "0Bh: extended -> conventional"
        SAME    buf1, buf2, 1024, "0Bh: the bytes came back"
        mov     dx, 4
        XMS     09h
        mov     [h2], dx
        MOVE    1024, [h1], 1000h, [h2], 200h
        XOK     "0Bh: extended -> extended (two blocks)"
        FILL    buf2, 1024, 0
        MOVE    1024, [h2], 200h, 0, [far_buf2]
        SAME    buf1, buf2, 1024, "0Bh: extended -> extended -> conventional"
        MOVE    1024, [h1], 1000h, [h1], 1010h
        XOK     "0Bh: overlapping move inside one block"
        MOVE    1024, [h1], 1010h, 0, [far_buf2]
        SAME    buf1, buf2, 1024, "0Bh: the overlapping move kept the bytes"
        call    ems_moves
        FILL    buf1, 64, 40h
        MOVE    512, 0, [far_buf1], 0, [far_ovl]
        XOK     "0Bh: conventional -> conventional, overlapping"
        IS      byte [buf1 + 16], 40h, "0Bh: as if through a buffer (first byte)"
        IS      byte [buf1 + 16 + 63], 40h + 63, "0Bh: as if through a buffer (64th byte)"
        FILL    buf1, 1024, 11h

; ---- bad moves ----
        MOVE    1023, 0, [far_buf1], [h1], 0
        XERR    0A7h, "0Bh: odd length -> A7h"
        MOVE    16, 7777h, 0, [h1], 0
        XERR    0A3h, "0Bh: bad source handle -> A3h"
        MOVE    16, [h1], 0, 7777h, 0
        XERR    0A5h, "0Bh: bad destination handle -> A5h"
        MOVE    16, [h2], 10000h, [h1], 0
        XERR    0A4h, "0Bh: source offset past the block -> A4h"
        MOVE    16, [h1], 0, [h2], 10000h
        XERR    0A6h, "0Bh: destination offset past the block -> A6h"
        MOVE    2048, [h1], 0, [h2], 0C00h
        XERR    0A7h, "0Bh: a move running past the block's end -> A7h"
        MOVE    1024, [h1], 1010h, 0, [far_buf2]
        SAME    buf1, buf2, 1024, "0Bh: refused moves changed nothing"

; ---- locks ----
        mov     dx, [h1]
        XMS     0Ch
        XOK     "0Ch: lock"
        cmp     dx, 11h
        OK_IF   ae, "0Ch: DX:BX is above the HMA"
        mov     dx, [h1]
        XMS     0Ch
        mov     dx, [h1]
        XMS     0Eh
        IS      bh, 2, "0Eh: lock count 2"
        mov     dx, [h1]
        XMS     0Ah
        XERR    0ABh, "0Ah: a locked block is not freed (ABh)"
        mov     dx, [h1]
        mov     bx, 128
        XMS     0Fh
        XERR    0ABh, "0Fh: a locked block is not resized (ABh)"
        mov     dx, [h1]
        XMS     0Dh
        mov     dx, [h1]
        XMS     0Dh
        XOK     "0Dh: unlock twice"
        mov     dx, [h1]
        XMS     0Dh
        XERR    0AAh, "0Dh: not locked -> AAh"

; ---- reallocate ----
        mov     dx, [h1]
        mov     bx, 256
        XMS     0Fh
        XOK     "0Fh: grow to 256 KiB"
        mov     dx, [h1]
        XMS     0Eh
        IS      dx, 256, "0Eh: DX = 256 KiB"
        FILL    buf2, 1024, 0
        MOVE    1024, [h1], 1010h, 0, [far_buf2]
        SAME    buf1, buf2, 1024, "0Fh: the contents moved with the block"
        mov     dx, [h1]
        mov     bx, 8
        XMS     0Fh
        XOK     "0Fh: shrink to 8 KiB"
        MOVE    16, [h1], 2000h, 0, [far_buf2]
        XERR    0A4h, "0Bh: past the shrunk block -> A4h"
        mov     dx, [h1]
        mov     bx, 0FFFFh
        XMS     0Fh
        XERR    0A0h, "0Fh: more than there is -> A0h"

; ---- bad handles, freeing twice, running out ----
        mov     dx, 7777h
        XMS     0Eh
        XERR    0A2h, "0Eh: bad handle -> A2h"
        mov     dx, 0
        XMS     0Ah
        XERR    0A2h, "0Ah: handle 0 -> A2h"
        mov     dx, [h2]
        XMS     0Ah
        XOK     "0Ah: free"
        mov     dx, [h2]
        XMS     0Ah
        XERR    0A2h, "0Ah: freeing twice -> A2h"
        mov     dx, 0FFFFh
        XMS     09h
        XERR    0A0h, "09h: more than there is -> A0h"
        xor     cx, cx                  ; take every handle with empty blocks
.take:  xor     dx, dx
        XMS     09h
        or      ax, ax
        jz      .full
        mov     di, cx
        shl     di, 1
        mov     [handles + di], dx
        inc     cx
        cmp     cx, 64
        jb      .take
.full:  mov     ax, 0
        IS      cx, 31, "09h: 31 empty blocks fill XMS_HANDLES=32"
        IS      bl, 0A1h, "09h: then A1h, all handles in use"
.give:  jcxz    .given
        dec     cx
        mov     di, cx
        shl     di, 1
        mov     dx, [handles + di]
        XMS     0Ah
        jmp     .give
.given:

; ---- 32-bit functions ----
        XMS     88h
        IS      bl, 0, "88h: BL = 0"
        cmp     eax, 1024
        OK_IF   ae, "88h: EAX = largest KiB"
        IS      ecx, 10FFFFFh, "88h: ECX = the last byte of 16 MiB of extended memory"
        mov     edx, 100h
        XMS     89h
        XOK     "89h: allocate (EDX KiB)"
        mov     [h2], dx
        XMS     8Eh
        IS      edx, 100h, "8Eh: EDX = 256 KiB"
        IS      cx, 30, "8Eh: CX = free handles (30)"
        mov     dx, [h2]
        mov     ebx, 1000h
        XMS     8Fh
        XOK     "8Fh: resize to 4 MiB"
        mov     dx, [h2]
        XMS     8Eh
        IS      edx, 1000h, "8Eh: EDX = 4096 KiB"
        mov     dx, [h2]
        XMS     0Ah

; ---- A20 ----
        XMS     07h
        IS      ax, 1, "07h: A20 is on at start"
        call    wraps
        IS      al, 0, "A20 on: FFFF:0510 is not 0000:0500"
        XMS     04h
        XOK     "04h: global disable"
        XMS     07h
        IS      ax, 0, "07h: off"
        call    wraps
        IS      al, 1, "A20 off: FFFF:0510 wraps to 0000:0500"
        XMS     05h
        XOK     "05h: local enable"
        XMS     05h
        XMS     06h
        XERR    94h, "06h: still enabled by the other local enable (94h)"
        XMS     06h
        XOK     "06h: local disable"
        XMS     07h
        IS      ax, 0, "07h: off again"
        XMS     03h
        XOK     "03h: global enable"
        XMS     05h
        XMS     04h
        XERR    94h, "04h: still enabled locally (94h)"
        XMS     06h
        XOK     "06h: then off"
        XMS     03h
        XMS     07h
        IS      ax, 1, "03h: on again"

; ---- HMA ----
        mov     dx, 0FFFFh
        XMS     01h
        XOK     "01h: the HMA (DOS is not high)"
        mov     dx, 0FFFFh
        XMS     01h
        XERR    91h, "01h: twice -> 91h"
        push    es
        push    0FFFFh
        pop     es
        mov     dword [es:1000h], 12345678h
        cmp     dword [es:1000h], 12345678h
        pop     es
        OK_IF   e, "the HMA holds what was written"
        XMS     02h
        XOK     "02h: release"
        XMS     02h
        XERR    93h, "02h: not allocated -> 93h"

; ---- UMBs (DOS_UMB off: the driver has them) ----
        mov     dx, 0FFFFh
        XMS     10h
        XERR    0B0h, "10h: FFFFh paragraphs -> B0h"
        mov     [umb_largest], dx
        cmp     dx, 0C00h
        OK_IF   ae, "10h: DX = the largest UMB (48 KiB or more: C400h-CFFFh)"
        mov     dx, 100h
        XMS     10h
        XOK     "10h: 4 KiB"
        mov     [umb], bx
        IS      dx, 100h, "10h: DX = 100h paragraphs"
        cmp     bx, 0C000h
        OK_IF   ae, "10h: the UMB is above C000h"
        push    es
        mov     es, [umb]
        mov     word [es:0], 0A55Ah
        cmp     word [es:0], 0A55Ah
        pop     es
        OK_IF   e, "the UMB is RAM"
        mov     dx, [umb]
        mov     bx, 80h
        XMS     12h
        XOK     "12h: shrink"
        mov     dx, [umb]
        mov     bx, 0F000h
        XMS     12h
        XERR    0B0h, "12h: too large -> B0h"
        mov     dx, [umb]
        XMS     11h
        XOK     "11h: release"
        mov     dx, [umb]
        XMS     11h
        XERR    0B2h, "11h: twice -> B2h"
        mov     dx, 1234h
        XMS     11h
        XERR    0B2h, "11h: not a UMB -> B2h"
        XMS     13h
        XERR    80h, "13h: not a function -> 80h"

; ---- a client that ends without freeing ----
        mov     dx, [h1]
        XMS     0Ah
        XMS     08h
        mov     [free0], dx
        RUN_CHILD child
        XMS     08h
        mov     ax, [free0]
        sub     ax, dx
        IS      ax, 1024, "a child left 1 MiB allocated (XMS has no owners)"
        push    ds
        push    40h
        pop     ds
        mov     dx, [0F0h]
        pop     ds
        mov     [h1], dx
        XMS     0Eh
        IS      dx, 1024, "its handle is still good"
        mov     dx, [h1]
        XMS     0Ah
        XOK     "another program frees it"
        XMS     08h
        IS      dx, [free0], "08h: all free again"
        jmp     finish

; Hook the driver as the specification says: replace the entry's short
; jump with a far jump to our handler, which counts the call and goes on
; at the address the short jump led to; then put the bytes back.
hook_test:
        les     di, [xms_entry]
        mov     eax, [es:di]
        mov     [saved_entry], eax
        mov     al, [es:di + 4]
        mov     [saved_entry + 4], al
        mov     ax, di
        add     ax, 5                   ; EB 03: the driver goes on at entry + 5
        mov     [chain], ax
        mov     [chain + 2], es
        mov     byte [es:di], 0EAh      ; JMP FAR our_hook
        mov     word [es:di + 1], our_hook
        mov     [es:di + 3], cs
        push    ds
        pop     es
        XMS     00h
        IS      word [hooked], 1, "a program hooked the entry: its handler ran"
        IS      ax, 0300h, "and the driver answered behind it"
        les     di, [xms_entry]
        mov     eax, [saved_entry]
        mov     [es:di], eax
        mov     al, [saved_entry + 4]
        mov     [es:di + 4], al
        push    ds
        pop     es
        ret
our_hook:
        inc     word [cs:hooked]
        jmp     far [cs:chain]

; AL = 1 if FFFF:0510 shows 0000:0500 (A20 off), else 0.
wraps:  push    ds
        push    es
        xor     ax, ax
        mov     ds, ax
        mov     ax, 0FFFFh
        mov     es, ax
        mov     byte [500h], 5Ah
        mov     byte [es:510h], 0A5h
        xor     al, al
        cmp     byte [500h], 0A5h
        jne     .no
        mov     al, 1
.no:    pop     es
        pop     ds
        ret

; Moves through the EMS page frame: map logical page 0 of a 2-page EMS
; handle at physical page 0, move an extended block there (conventional
; seg:off = the frame), then map page 1 and back, and read it.
ems_moves:
        mov     bx, 2
        EMS     43h
        EST     0, "EMS 43h: two pages for the XMS moves"
        mov     [ems_h], dx
        EMS     41h
        mov     [frame], bx
        mov     ax, 4400h               ; logical 0 at physical 0
        xor     bx, bx
        mov     dx, [ems_h]
        int     67h
        mov     ax, [frame]
        mov     word [far_frame], 100h
        mov     [far_frame + 2], ax
        FILL    buf1, 1024, 77h
        MOVE    1024, 0, [far_buf1], [h2], 0
        MOVE    1024, [h2], 0, 0, [far_frame]
        XOK     "0Bh: extended -> EMS (through the frame)"
        mov     ax, 4400h               ; page 1, then page 0 again
        mov     bx, 1
        mov     dx, [ems_h]
        int     67h
        mov     ax, 4400h
        xor     bx, bx
        mov     dx, [ems_h]
        int     67h
        push    es
        mov     es, [frame]
        SAME    buf1, 100h, 1024, "the EMS page holds it after remapping"
        pop     es
        FILL    buf2, 1024, 0
        MOVE    1024, 0, [far_frame], [h2], 800h
        XOK     "0Bh: EMS -> extended"
        MOVE    1024, [h2], 800h, 0, [far_buf2]
        SAME    buf1, buf2, 1024, "0Bh: EMS -> extended -> conventional"
        FILL    buf2, 1024, 0
        MOVE    1024, 0, [far_frame], 0, [far_buf2]
        XOK     "0Bh: EMS -> conventional"
        SAME    buf1, buf2, 1024, "0Bh: the bytes arrived"
        mov     dx, [ems_h]
        EMS     45h
        ret

child:  db "XMSTEST.COM", 0

mv:
mv_len: dd 0
mv_sh:  dw 0
mv_so:  dd 0
mv_dh:  dw 0
mv_do:  dd 0

saved_entry: times 5 db 0
chain:  dd 0
hooked: dw 0
far_buf1: dd 0
far_buf2: dd 0
far_ovl: dd 0
far_frame: dd 0
myseg:  dw 0
free0:  dw 0
h1:     dw 0
h2:     dw 0
ems_h:  dw 0
frame:  dw 0
umb:    dw 0
umb_largest: dw 0
s_int15: db "INT 15h/88h: extended KiB=$"

        align 16
handles: times 64 dw 0
buf1:   times 1024 db 0
buf2:   times 1024 db 0
