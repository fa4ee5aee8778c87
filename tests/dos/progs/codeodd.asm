; codeodd.asm - code in the places where a code cache or a JIT goes wrong
; (issue 13, "Bad input"): it must be slow at worst, never wrong.
;  - code in video memory (B800h, the VGA's memory behind the VDD), run,
;    rewritten and run again;
;  - code in the HMA (A20 on), and the same far address with A20 off,
;    where it wraps to the bottom of memory and is other code;
;  - two entry points into the same bytes (a jump into the middle of an
;    instruction), then one byte of them changed;
;  - a loop whose every instruction rewrites the next one;
;  - an instruction across a 4 KiB page boundary, its second page rewritten.
; Each part runs its code many times, so that it is cached (and compiled
; when the JIT is on) before it changes. One "PASS"/"FAIL" line a check,
; exit code 1 if one failed (memlib.inc).
        cpu 8086
        org 100h

%define PROG_NAME "codeodd"
        jmp     start
%include "memlib.inc"

; The routine copied around: MOV AX, imm16 / RETF.
rt_code: db     0B8h
rt_imm:  dw     0
         db     0CBh
RT_LEN  equ     $ - rt_code

; copy_rt: copy the routine to ES:DI with imm16 = AX.
copy_rt:
        push    si
        push    di
        push    cx
        mov     [rt_imm], ax
        mov     si, rt_code
        mov     cx, RT_LEN
        rep     movsb
        pop     cx
        pop     di
        pop     si
        ret

start:
; ---- video memory: B800:1F00 (text page 1, not on the screen) ----
        mov     ax, 0B800h
        mov     es, ax
        mov     di, 1F00h
        mov     word [far_ptr], di
        mov     word [far_ptr + 2], es
        xor     dx, dx                  ; the sum of what the calls return
        mov     cx, 100
.vid:   mov     ax, cx
        call    copy_rt                 ; a new immediate each pass
        call    far [far_ptr]
        add     dx, ax
        loop    .vid
        IS      dx, 5050, "video memory: code rewritten 100 times, each run seen"
        mov     cx, 50
        xor     dx, dx
.vid2:  call    far [far_ptr]           ; unchanged: 50 runs of the last one (1)
        add     dx, ax
        loop    .vid2
        IS      dx, 50, "video memory: code run 50 times unchanged"
        push    ds
        pop     es

; ---- the HMA (none before the 286: no XMS driver, no A20) ----
        mov     ax, 4300h
        int     2Fh
        cmp     al, 80h
        je      .xms
        jmp     .ovl
.xms:   call    find_xms
        mov     dx, 0FFFFh
        XMS     01h                     ; request the HMA
        cmp     ax, 1
        je      .hma_ours
        mov     bx, 40h                 ; DOS is there: 64 bytes of it
        mov     ax, 4A02h
        int     2Fh
        cmp     di, 0FFFFh
        je      .no_hma
        jmp     short .hma_at
.hma_ours:
        mov     byte [hma_mine], 1
        mov     ax, 0FFFFh
        mov     es, ax
        mov     di, 0100h
.hma_at:
        mov     [far_ptr], di
        mov     [far_ptr + 2], es
        XMS     03h                     ; global enable A20
        XOK     "HMA: XMS 03h turned A20 on"
        mov     ax, 1111h
        call    copy_rt
        push    ds
        pop     es
        mov     cx, 100
        xor     dx, dx
.hma:   call    far [far_ptr]
        add     dx, ax
        loop    .hma
        IS      dx, 100 * 1111h & 0FFFFh, "HMA: code run 100 times with A20 on"
        cmp     byte [hma_mine], 1      ; the wrap only where it lands on the
        jne     .ovl                    ; vectors (FFFF:0100 -> 0000:00F0)
        ; A20 off: the same far address is linear - 1 MiB. Put other code
        ; there (saving what is there) and call the same far pointer.
        mov     ax, [far_ptr + 2]
        mov     cl, 4
        shl     ax, cl
        add     ax, [far_ptr]           ; the low 16 bits of the linear address
        mov     [low_off], ax           ; = its offset from 0000h with A20 off
        xor     ax, ax
        mov     es, ax
        mov     si, [low_off]
        mov     cx, RT_LEN
        mov     di, saved
.save:  mov     al, [es:si]
        mov     [di], al
        inc     si
        inc     di
        loop    .save
        XMS     04h                     ; global disable A20
        XOK     "HMA: XMS 04h turned A20 off"
        cli                             ; the bytes may be an interrupt vector
        xor     ax, ax
        mov     es, ax
        mov     di, [low_off]
        mov     ax, 2222h
        call    copy_rt
        call    far [far_ptr]
        mov     bx, ax
        ; put the vector bytes back before anything can use them
        xor     ax, ax
        mov     es, ax
        mov     di, [low_off]
        mov     si, saved
        mov     cx, RT_LEN
        rep     movsb
        sti
        push    ds
        pop     es
        IS      bx, 2222h, "HMA: A20 off, the far call wraps to the low code"
        XMS     03h
        call    far [far_ptr]
        IS      ax, 1111h, "HMA: A20 on again, the HMA code runs again"
        XMS     04h
        XMS     02h                     ; release the HMA
        jmp     short .ovl
.no_hma:
        mov     dx, s_nohma
        call    fail

; ---- two entry points into the same bytes ----
.ovl:   push    ds
        pop     es
        mov     cx, 100
        xor     dx, dx
.ovl1:  mov     ax, 5
        call    ovl_code + 1            ; INC AX / RET: 6
        add     dx, ax
        call    ovl_code                ; MOV AX, 0C340h / RET
        add     dx, ax
        loop    .ovl1
        IS      dx, (100 * (6 + 0C340h)) & 0FFFFh, "overlapping entries: both run 100 times"
        mov     byte [ovl_code + 1], 48h ; now DEC AX / MOV AX, 0C348h
        mov     ax, 5
        call    ovl_code + 1
        IS      ax, 4, "overlapping entries: the inner one after its byte changed"
        call    ovl_code
        IS      ax, 0C348h, "overlapping entries: the outer one after that byte changed"
        mov     byte [ovl_code + 1], 40h

; ---- every instruction rewrites the next ----
        mov     cx, 200
        xor     dx, dx
.sm:    mov     [.sm_a + 1], cx         ; the immediate of the next MOV
.sm_a:  mov     ax, strict word 0
        mov     [.sm_b + 2], ax         ; the immediate of the next ADD
.sm_b:  add     dx, strict word 0
        loop    .sm
        IS      dx, 20100, "every instruction rewrites the next: sum 1..200"

; ---- an instruction across a page boundary ----
        ; A place in this segment, after the program, where the routine's
        ; 3-byte MOV starts 1 byte before a 4 KiB boundary.
        mov     ax, cs
        mov     cl, 4
        shl     ax, cl                  ; low 16 bits of the segment's base
        add     ax, 8000h
        neg     ax
        dec     ax                      ; (4095 - (base + 8000h)) mod 4096
        and     ax, 0FFFh
        add     ax, 8000h
        mov     di, ax
        mov     [far_ptr], di
        mov     [far_ptr + 2], cs
        mov     cx, 100
        xor     dx, dx
.pg:    mov     ax, cx
        xchg    ah, al                  ; the high byte (on the second page) changes
        call    copy_rt
        call    far [far_ptr]
        xchg    ah, al
        add     dx, ax
        loop    .pg
        IS      dx, 5050, "across a page boundary: rewritten 100 times, each run seen"
        mov     bx, di
        mov     cx, 100
        xor     dx, dx
.pg2:   mov     byte [bx + 2], cl       ; only the byte on the second page
        call    far [far_ptr]
        add     dl, ah
        adc     dh, 0
        loop    .pg2
        IS      dx, 5050, "across a page boundary: its second page's byte rewritten"
        jmp     finish

ovl_code: db    0B8h, 40h, 0C3h, 0C3h   ; MOV AX, 0C340h / RET, and at +1 INC AX / RET

far_ptr:  dd    0
low_off:  dw    0
hma_mine: db    0
saved:    times 8 db 0
s_nohma:  db    "HMA: none to be had$"
