; emstest.asm - the LIM EMS 4.0 manager (src/mem/ems*.c): finding it both
; ways (INT 67h's segment:000Ah, opening EMMXXXX0 with IOCTL), every
; function 40h-5Dh, mapping into the frame and into conventional memory,
; and bad input: wrong handles and pages, zero and too many pages, saving
; twice, freeing with a saved map, corrupted map arrays, bad moves, the
; OS/E access key, a client (this program run again) that ends without
; freeing. Default settings: a frame at D000h, 32 KiB high and 384 KiB
; low mappable memory, 4096 KiB of EMS. Arguments: none = everything,
; L = the leaking child; N = no EMS driver expected (EMS_MEMORY_LIMIT=0).
; Sources: LIM EMS 4.0; RBIL INT 67h (table 03650).
        cpu 386
        org 100h

%define PROG_NAME "emstest"
        jmp     start
%include "memlib.inc"

; MAP logical, physical: map a page of h1 (AH=44h).
%macro MAP 2
        mov     bx, %1
        mov     al, %2
        mov     dx, [h1]
        EMS     44h
%endmacro

; FRAME_IS page, byte, "name": the first byte of frame page `page`.
%macro FRAME_IS 3
        push    es
        mov     es, [frame]
        cmp     byte [es:%1 * 4000h], %2
        pop     es
        OK_IF   e, %3
%endmacro

; XMOVE sub, len, stype, shandle, soff, sseg, dtype, dhandle, doff, dseg
%macro XMOVE 10
        mov     dword [mv], %2
        mov     byte [mv + 4], %3
        mov     ax, %4
        mov     [mv + 5], ax
        mov     word [mv + 7], %5
        mov     ax, %6
        mov     [mv + 9], ax
        mov     byte [mv + 11], %7
        mov     ax, %8
        mov     [mv + 12], ax
        mov     word [mv + 14], %9
        mov     ax, %10
        mov     [mv + 16], ax
        mov     si, mv
        mov     al, %1
        EMS     57h
%endmacro

start:  mov     [myseg], ds
        mov     si, 81h
.skip:  lodsb
        cmp     al, ' '
        je      .skip
        and     al, 0DFh
        cmp     al, 'L'
        je      leak_child
        cmp     al, 'N'
        je      no_ems

; ---- finding the manager ----
        mov     ax, 3567h
        int     21h
        mov     di, 0Ah
        mov     si, emm_name
        mov     cx, 8
        repe    cmpsb
        OK_IF   e, "INT 67h's segment:000Ah holds EMMXXXX0"
        push    ds
        pop     es
        mov     ax, 3D00h
        mov     dx, emm_name
        int     21h
        OK_IF   nc, "3Dh: EMMXXXX0 opens"
        mov     [fh], ax
        mov     bx, ax
        mov     ax, 4400h
        int     21h
        test    dl, 80h
        OK_IF   nz, "4400h: it is a device"
        mov     bx, [fh]
        mov     ax, 4407h
        int     21h
        IS      al, 0FFh, "4407h: ready"
        mov     bx, [fh]
        mov     ah, 3Eh
        int     21h

; ---- status, version, frame, counts ----
        EMS     40h
        EST     0, "40h: status"
        EMS     46h
        IS      al, 40h, "46h: version 4.0"
        EMS     41h
        EST     0, "41h: page frame"
        IS      bx, 0D000h, "41h: at D000h"
        mov     [frame], bx
        EMS     42h
        IS      dx, 256, "42h: 256 pages (EMS_MEMORY_LIMIT=4096)"
        mov     [free0], bx
        IS      bx, 256, "42h: all free"

; ---- allocate and map ----
        mov     bx, 4
        EMS     43h
        EST     0, "43h: 4 pages"
        mov     [h1], dx
        EMS     42h
        mov     ax, [free0]
        sub     ax, bx
        IS      ax, 4, "42h: 4 fewer free"
        mov     dx, [h1]
        EMS     4Ch
        IS      bx, 4, "4Ch: the handle has 4"
        xor     cx, cx
.map:   MAP     cx, cl
        push    es                      ; page n starts with 10h + n
        mov     es, [frame]
        mov     di, cx
        shl     di, 14
        mov     al, cl
        add     al, 10h
        mov     [es:di], al
        pop     es
        inc     cx
        cmp     cx, 4
        jb      .map
        FRAME_IS 2, 12h, "44h: four pages in the frame"
        MAP     3, 0
        EST     0, "44h: logical 3 at physical 0"
        FRAME_IS 0, 13h, "physical 0 shows logical 3"
        mov     bx, 0
        mov     al, 0
        mov     dx, 99h
        EMS     44h
        EST     83h, "44h: bad handle -> 83h"
        MAP     4, 0
        EST     8Ah, "44h: logical page past the handle -> 8Ah"
        MAP     0, 99
        EST     8Bh, "44h: no such physical page -> 8Bh"
        FRAME_IS 0, 13h, "refused maps changed nothing"
        xor     bx, bx
        EMS     43h
        EST     89h, "43h: zero pages -> 89h"
        mov     bx, 9999
        EMS     43h
        EST     87h, "43h: more than there are -> 87h"
        mov     bx, 253
        EMS     43h
        EST     88h, "43h: more than are free -> 88h"

; ---- 47h/48h ----
        mov     dx, [h1]
        EMS     47h
        EST     0, "47h: save the frame's map"
        mov     dx, [h1]
        EMS     47h
        EST     8Dh, "47h: twice -> 8Dh"
        mov     dx, [h1]
        EMS     45h
        EST     86h, "45h: a handle with a saved map -> 86h"
        MAP     1, 0
        mov     dx, [h1]
        EMS     48h
        EST     0, "48h: restore"
        FRAME_IS 0, 13h, "48h: physical 0 shows logical 3 again"
        mov     dx, [h1]
        EMS     48h
        EST     8Eh, "48h: nothing saved -> 8Eh"
        EMS     4Bh
        IS      bx, 2, "4Bh: 2 handles (0 and ours)"
        mov     di, buf
        EMS     4Dh
        IS      bx, 2, "4Dh: 2 entries"
        mov     ax, [h1]
        IS      [buf + 4], ax, "4Dh: our handle second"
        IS      word [buf + 6], 4, "4Dh: with 4 pages"

; ---- 4Eh, 4Fh, 50h: page maps ----
        mov     ax, 4E03h
        int     67h
        EST     0, "4E03h: size"
        mov     [mapsize], al
        mov     di, map1
        mov     ax, 4E00h
        int     67h
        EST     0, "4E00h: get the map"
        MAP     2, 0
        mov     si, map1
        mov     ax, 4E01h
        int     67h
        EST     0, "4E01h: set it back"
        FRAME_IS 0, 13h, "4E01h: physical 0 shows logical 3"
        movzx   bx, byte [mapsize]
        xor     byte [map1 + bx - 3], 1
        mov     si, map1
        mov     ax, 4E01h
        int     67h
        EST     0A3h, "4E01h: a corrupted map -> A3h"
        movzx   bx, byte [mapsize]
        xor     byte [map1 + bx - 3], 1
        MAP     2, 0
        mov     di, map2
        mov     si, map1
        mov     ax, 4E02h
        int     67h
        EST     0, "4E02h: get and set"
        FRAME_IS 0, 13h, "4E02h: the map set"
        MAP     2, 0
        mov     si, map2
        mov     ax, 4E01h
        int     67h
        FRAME_IS 0, 12h, "4E02h: the map got was the one before"
        mov     bx, 2
        mov     ax, 4F02h
        int     67h
        IS      al, 14, "4F02h: 2 pages take 14 bytes"
        mov     si, partial
        mov     di, map2
        mov     ax, 4F00h
        int     67h
        EST     0, "4F00h: partial get (D000h, D400h)"
        MAP     0, 0
        MAP     0, 1
        mov     si, map2
        mov     ax, 4F01h
        int     67h
        EST     0, "4F01h: partial set"
        FRAME_IS 0, 12h, "4F01h: physical 0 back"
        FRAME_IS 1, 11h, "4F01h: physical 1 back"
        mov     word [pairs], 2         ; logical 2 at 0, logical 1 at 1
        mov     word [pairs + 2], 1
        mov     word [pairs + 4], 3
        mov     word [pairs + 6], 0
        mov     dx, [h1]
        mov     cx, 2
        mov     si, pairs
        mov     ax, 5000h
        int     67h
        EST     0, "5000h: map two by page number"
        FRAME_IS 0, 13h, "5000h: physical 0"
        FRAME_IS 1, 12h, "5000h: physical 1"
        mov     word [pairs], 0         ; by segment: 0 at D000h, 1 at D400h
        mov     word [pairs + 2], 0D000h
        mov     word [pairs + 4], 1
        mov     word [pairs + 6], 0D400h
        mov     dx, [h1]
        mov     cx, 2
        mov     si, pairs
        mov     ax, 5001h
        int     67h
        EST     0, "5001h: map two by segment"
        FRAME_IS 0, 10h, "5001h: D000h"
        FRAME_IS 1, 11h, "5001h: D400h"
        mov     word [pairs + 6], 0D100h
        mov     dx, [h1]
        mov     cx, 2
        mov     si, pairs
        mov     ax, 5001h
        int     67h
        EST     8Bh, "5001h: not a page's segment -> 8Bh"
        mov     ax, 4E04h
        int     67h
        EST     8Fh, "4E04h: no such subfunction -> 8Fh"

; ---- 51h, 52h ----
        mov     dx, [h1]
        mov     bx, 8
        EMS     51h
        EST     0, "51h: grow to 8"
        IS      bx, 8, "51h: BX = 8"
        FRAME_IS 0, 10h, "51h: the pages kept their contents"
        mov     dx, [h1]
        mov     bx, 2
        EMS     51h
        EST     0, "51h: shrink to 2"
        MAP     3, 3
        EST     8Ah, "44h: a page given back -> 8Ah"
        mov     dx, [h1]
        mov     bx, 9999
        EMS     51h
        EST     87h, "51h: too many -> 87h"
        IS      bx, 2, "51h: BX = the count before"
        mov     dx, [h1]
        mov     ax, 5200h
        int     67h
        IS      ax, 0, "5200h: volatile"
        mov     dx, [h1]
        mov     bl, 1
        mov     ax, 5201h
        int     67h
        EST     91h, "5201h: non-volatile -> 91h"
        mov     ax, 5202h
        int     67h
        IS      ax, 0, "5202h: only volatile pages"

; ---- names ----
        mov     dx, [h1]
        mov     si, name1
        mov     ax, 5301h
        int     67h
        EST     0, "5301h: set a name"
        mov     dx, [h1]
        mov     di, buf
        mov     ax, 5300h
        int     67h
        SAME    buf, name1, 8, "5300h: get it"
        mov     bx, 1
        EMS     43h
        mov     [h2], dx
        mov     si, name1
        mov     ax, 5301h
        int     67h
        EST     0A1h, "5301h: a name in use -> A1h"
        mov     si, name1
        mov     ax, 5401h
        int     67h
        EST     0, "5401h: search"
        IS      dx, [h1], "5401h: finds our handle"
        mov     si, name2
        mov     ax, 5401h
        int     67h
        EST     0A0h, "5401h: no such name -> A0h"
        mov     di, buf
        mov     ax, 5400h
        int     67h
        IS      al, 3, "5400h: 3 handles in the directory"
        mov     ax, 5402h
        int     67h
        IS      bx, 255, "5402h: 255 handles in all"

; ---- 55h/56h ----
        mov     word [jmpdesc], after_jump
        mov     [jmpdesc + 2], cs
        mov     byte [jmpdesc + 4], 1
        mov     word [jmpdesc + 5], pairs
        mov     [jmpdesc + 7], ds
        mov     word [pairs], 1         ; logical 1 at page 0
        mov     word [pairs + 2], 0
        mov     dx, [h1]
        mov     si, jmpdesc
        mov     ax, 5500h
        int     67h
        mov     cx, 1                   ; here only if it did not jump
        jmp     short jumped
after_jump:
        xor     cx, cx
jumped: IS      cx, 0, "5500h: jumped to the target"
        EST     0, "5500h: status 0"
        FRAME_IS 0, 11h, "5500h: with logical 1 mapped"
        mov     word [calldesc], call_target
        mov     [calldesc + 2], cs
        mov     byte [calldesc + 4], 1
        mov     word [calldesc + 5], newmap
        mov     [calldesc + 7], ds
        mov     byte [calldesc + 9], 1
        mov     word [calldesc + 10], oldmap
        mov     [calldesc + 12], ds
        mov     dx, [h1]
        mov     si, calldesc
        mov     ax, 5600h
        int     67h
        EST     0, "5600h: called and returned"
        IS      byte [seen], 10h, "5600h: the target saw logical 0"
        FRAME_IS 0, 11h, "5600h: logical 1 back after the return"
        mov     ax, 5602h
        int     67h
        cmp     bx, 10
        OK_IF   ae, "5602h: stack space"

; ---- 57h: moves and exchanges ----
        mov     di, buf
        mov     cx, 256
        mov     al, 60h
.fill:  stosb
        inc     al
        loop    .fill
        XMOVE   0, 256, 0, 0, buf, ds, 1, [h1], 10h, 1
        EST     0, "57h: conventional -> EMS"
        MAP     1, 2
        push    es
        mov     es, [frame]
        SAME    buf, 8010h, 256, "57h: in the page"
        pop     es
        XMOVE   0, 256, 1, [h1], 10h, 1, 0, 0, buf2, ds
        EST     0, "57h: EMS -> conventional"
        SAME    buf, buf2, 256, "57h: came back"
        XMOVE   0, 256, 1, [h1], 10h, 1, 1, [h1], 20h, 1
        EST     92h, "57h: EMS -> EMS overlapping: done, 92h"
        XMOVE   0, 256, 1, [h1], 20h, 1, 0, 0, buf2, ds
        SAME    buf, buf2, 256, "57h: as if through a buffer"
        XMOVE   0, 32, 0, 0, buf, ds, 1, [h1], 3FF0h, 0
        EST     0, "57h: across a page boundary"
        XMOVE   0, 32, 1, [h1], 3FF0h, 0, 0, 0, buf2, ds
        SAME    buf, buf2, 32, "57h: across it and back"
        XMOVE   0, 256, 1, [h1], 20h, 1, 1, [h2], 0, 0
        EST     0, "57h: EMS -> EMS, another handle"
        mov     di, buf2
        mov     cx, 256
        mov     al, 0
        rep     stosb
        XMOVE   1, 256, 0, 0, buf2, ds, 1, [h2], 0, 0
        EST     0, "5701h: exchange conventional <-> EMS"
        SAME    buf, buf2, 256, "5701h: the EMS bytes are here"
        XMOVE   1, 256, 1, [h1], 10h, 1, 1, [h1], 20h, 1
        EST     97h, "5701h: overlapping -> 97h"
        XMOVE   0, 100001h, 0, 0, buf, ds, 1, [h1], 0, 0
        EST     96h, "57h: more than 1 MiB -> 96h"
        XMOVE   0, 16, 2, 0, buf, ds, 1, [h1], 0, 0
        EST     98h, "57h: no such memory type -> 98h"
        XMOVE   0, 16, 0, 0, buf, ds, 1, 99h, 0, 0
        EST     83h, "57h: bad handle -> 83h"
        XMOVE   0, 16, 0, 0, buf, ds, 1, [h1], 0, 9
        EST     8Ah, "57h: bad logical page -> 8Ah"
        XMOVE   0, 16, 0, 0, buf, ds, 1, [h1], 4000h, 0
        EST     95h, "57h: offset outside the page -> 95h"
        XMOVE   0, 8000h, 0, 0, buf, ds, 1, [h1], 10h, 1
        EST     93h, "57h: past the handle's pages -> 93h"
        XMOVE   0, 200h, 0, 0, 0FF00h, 0F000h, 1, [h1], 0, 0
        EST     0A2h, "57h: conventional memory wrapping at 1 MiB -> A2h"
        XMOVE   0, 16, 0, 0, 0, 0D800h, 1, [h1], 0, 1
        EST     94h, "57h: the region shows the same page in the frame -> 94h"
        mov     ax, 5702h
        int     67h
        EST     8Fh, "5702h: no such subfunction -> 8Fh"

; ---- code in EMS pages (overlays): what runs follows the map ----
        MAP     0, 0
        push    es
        mov     es, [frame]
        mov     dword [es:0], 0CB01B0h  ; mov al, 1 / retf
        pop     es
        MAP     1, 0
        push    es
        mov     es, [frame]
        mov     dword [es:0], 0CB02B0h  ; mov al, 2 / retf
        pop     es
        mov     ax, [frame]
        mov     [code_ptr + 2], ax
        MAP     0, 0
        call    far [code_ptr]
        IS      al, 1, "code in logical 0 runs from the frame"
        MAP     1, 0
        call    far [code_ptr]
        IS      al, 2, "after mapping logical 1 its code runs"
        MAP     0, 0
        call    far [code_ptr]
        IS      al, 1, "and logical 0's again"
        MAP     1, 0
        call    far [code_ptr]          ; cached from the page as it is mapped now
        XMOVE   0, 4, 0, 0, code3, ds, 1, [h1], 0, 1
        call    far [code_ptr]
        IS      al, 3, "57h rewrote the mapped page's code: the new code runs"
        push    es                      ; the pages start with 10h and 11h again
        mov     es, [frame]
        mov     byte [es:0], 11h
        pop     es
        MAP     0, 0
        push    es
        mov     es, [frame]
        mov     byte [es:0], 10h
        pop     es
        MAP     1, 2                    ; back as the 94h check left it

; ---- 58h, mapping conventional memory ----
        mov     di, buf
        mov     ax, 5800h
        int     67h
        EST     0, "5800h: the mappable pages"
        IS      cx, 30, "5800h: 4 + 2 high + 24 low"
        mov     ax, 5801h
        int     67h
        IS      cx, 30, "5801h: 30"
        IS      word [buf], 4000h, "5800h: lowest first: 4000h"
        xor     bx, bx                  ; find D000h and 8000h
        mov     word [p8000], 0FFFFh
        mov     word [pd000], 0FFFFh
.scan:  mov     ax, [buf + bx]
        mov     dx, [buf + bx + 2]
        cmp     ax, 8000h
        jne     .n1
        mov     [p8000], dx
.n1:    cmp     ax, 0D000h
        jne     .n2
        mov     [pd000], dx
.n2:    add     bx, 4
        cmp     bx, 30 * 4
        jb      .scan
        IS      word [pd000], 0, "5800h: D000h is physical page 0"
        cmp     word [p8000], 4
        OK_IF   ae, "5800h: 8000h is mappable"
        push    es
        push    8000h
        pop     es
        mov     byte [es:0], 77h
        pop     es
        MAP     0, [p8000]
        EST     0, "44h: a page into conventional memory at 8000h"
        push    es
        push    8000h
        pop     es
        cmp     byte [es:0], 10h
        pop     es
        OK_IF   e, "8000h shows the EMS page"
        MAP     0FFFFh, [p8000]
        EST     0, "44h: unmap it (FFFFh)"
        push    es
        push    8000h
        pop     es
        cmp     byte [es:0], 77h
        pop     es
        OK_IF   e, "8000h shows its own memory again"

; ---- 59h-5Dh ----
        mov     di, buf
        mov     ax, 5900h
        int     67h
        EST     0, "5900h: hardware information"
        IS      word [buf], 400h, "5900h: raw pages of 400h paragraphs"
        mov     ax, 5901h
        int     67h
        IS      dx, 256, "5901h: 256 raw pages"
        xor     bx, bx
        mov     ax, 5A00h
        int     67h
        EST     0, "5A00h: a handle with no pages"
        mov     [h3], dx
        EMS     4Ch
        IS      bx, 0, "4Ch: 0 pages"
        mov     dx, [h3]
        EMS     45h
        EST     0, "45h: free it"
        mov     dx, [h3]
        EMS     45h
        EST     83h, "45h: twice -> 83h"
        mov     bx, 1
        mov     ax, 5A01h
        int     67h
        EST     0, "5A01h: a raw page"
        EMS     45h
        mov     ax, 5B03h
        int     67h
        EST     0, "5B03h: allocate an alternate set"
        IS      bl, 0, "5B03h: none (BL = 0)"
        mov     ax, 5B02h
        int     67h
        movzx   ax, byte [mapsize]
        IS      dx, ax, "5B02h: the save area is a page map"
        mov     di, map1
        mov     ax, 4E00h
        int     67h
        mov     di, map1
        xor     bl, bl
        mov     ax, 5B01h
        int     67h
        EST     0, "5B01h: set 0 from a save area"
        mov     ax, 5B00h
        int     67h
        EST     0, "5B00h: get"
        mov     ax, es
        push    ds
        pop     es
        IS      ax, [myseg], "5B00h: ES = the area's segment"
        IS      di, map1, "5B00h: DI = the area"
        mov     bl, 1
        mov     ax, 5B01h
        int     67h
        EST     9Ch, "5B01h: set 1 -> 9Ch"
        xor     di, di
        mov     es, di
        xor     bl, bl
        mov     ax, 5B01h
        int     67h
        push    ds
        pop     es
        EMS     5Ch
        EST     0, "5Ch: prepare for warm boot"
        mov     ax, 5D00h
        int     67h
        EST     0, "5D00h: the first call gives the key"
        mov     [key], bx
        mov     [key + 2], cx
        mov     bx, 1234h
        mov     ax, 5D01h
        int     67h
        EST     0A4h, "5D01h: a wrong key -> A4h"
        mov     bx, [key]
        mov     cx, [key + 2]
        mov     ax, 5D01h
        int     67h
        EST     0, "5D01h: disable the OS/E functions"
        mov     di, buf
        mov     ax, 5900h
        int     67h
        EST     0A4h, "5900h: denied now -> A4h"
        mov     bx, [key]
        mov     cx, [key + 2]
        mov     ax, 5D00h
        int     67h
        EST     0, "5D00h: enable again"
        mov     bx, [key]
        mov     cx, [key + 2]
        mov     ax, 5D02h
        int     67h
        EST     0, "5D02h: give the key back"
        EMS     60h
        EST     84h, "60h: no such function -> 84h"

; ---- a client that ends without freeing ----
        mov     dx, [h1]
        EMS     45h
        mov     dx, [h2]
        EMS     45h
        EMS     42h
        IS      bx, [free0], "42h: all free again"
        RUN_CHILD child
        EMS     42h
        mov     ax, [free0]
        sub     ax, bx
        IS      ax, 2, "a child left 2 pages allocated"
        mov     si, name2
        mov     ax, 5401h
        int     67h
        EST     0, "5401h: its named handle is there"
        EMS     45h
        EST     0, "another program frees it"
        EMS     42h
        IS      bx, [free0], "42h: all free at the end"
        jmp     finish

no_ems: mov     ax, 3567h
        int     21h
        mov     di, 0Ah
        mov     si, emm_name
        mov     cx, 8
        repe    cmpsb
        OK_IF   ne, "INT 67h's segment:000Ah has no EMMXXXX0"
        push    ds
        pop     es
        mov     ax, 3D00h
        mov     dx, emm_name
        int     21h
        OK_IF   c, "3Dh: no EMMXXXX0 to open"
        jmp     finish

; 5600h's target: logical 0 is at physical 0 now.
call_target:
        push    es
        mov     es, [cs:frame]
        mov     al, [es:0]
        mov     [cs:seen], al
        pop     es
        retf

leak_child:
        mov     bx, 2
        EMS     43h
        mov     si, name2
        mov     ax, 5301h
        int     67h
        mov     ax, 4C00h
        int     21h

emm_name: db "EMMXXXX0", 0
code3:  db 0B0h, 3, 0CBh, 0             ; mov al, 3 / retf
code_ptr: dw 0, 0
name1:  db "EMSTEST1"
name2:  db "LEAKED", 0, 0
partial: dw 2, 0D000h, 0D400h
newmap: dw 0, 0                         ; 5600h: logical 0 at physical 0
oldmap: dw 1, 0                         ; and logical 1 again afterwards
child:  db "EMSTEST.COM", 0
fh:     dw 0
frame:  dw 0
free0:  dw 0
h1:     dw 0
h2:     dw 0
h3:     dw 0
myseg:  dw 0
mapsize: db 0
seen:   db 0
key:    dd 0
p8000:  dw 0
pd000:  dw 0
mv:     times 18 db 0
jmpdesc: times 9 db 0
calldesc: times 22 db 0
pairs:  times 8 dw 0
map1:   times 256 db 0
map2:   times 256 db 0
buf:    times 256 db 0
buf2:   times 256 db 0
