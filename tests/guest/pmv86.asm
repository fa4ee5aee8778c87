; pmv86.asm - virtual-8086 mode (Intel 80386 PRM chapter 15): a V86 task
; entered by IRETD from CPL 0, 8086 segment arithmetic, the IOPL-sensitive
; instructions faulting to the monitor with IOPL below 3 and working with
; IOPL 3, interrupts through the IDT with the V86 frame (GS, FS, DS, ES
; pushed and nulled), the I/O permission bitmap whatever IOPL, exceptions.
        org     100h
%include "pmlib.inc"

V86_SEG         equ 1000h       ; = PM_BASE >> 4: the same offsets in V86 mode
V86_SP          equ 0D000h
VEC_FRAME       equ 32h

; V86 iopl, {instruction}...: run 8086 code in V86 mode with IOPL iopl
; (0 or 3). It ends with HLT (#GP(0) to the monitor); v86_done is 1 when
; the instructions all ran. exc_* say how it ended.
%macro V86 2-*
        mov     byte [v86_done], 0
        mov     dword [exc_resume], %%back
        mov     [exc_esp], esp
        mov     dword [exc_vector], -1
        mov     dword [exc_error], -1
        push    dword V86_SEG                   ; GS
        push    dword V86_SEG                   ; FS
        push    dword V86_SEG                   ; DS
        push    dword V86_SEG                   ; ES
        push    dword V86_SEG                   ; SS
        push    dword V86_SP
        push    dword 20002h | (%1 << 12)       ; VM, IOPL
        push    dword V86_SEG
        push    dword %%v86
        iretd
        bits    16
%%v86:
%rotate 1
%rep %0 - 1
        %1
%rotate 1
%endrep
        mov     byte [v86_done], 1
        hlt
        bits    32
%%back:
        mov     dword [exc_resume], 0
%endmacro

pm_main:
        mov     word [idt + VEC_FRAME * 8], frame_handler
        mov     byte [idt + VEC_FRAME * 8 + 5], 0EEh

        PTEST   "enter v86 mode"
        V86     0, {mov ax, cs}, {mov [v86_ax], ax}, {mov ax, ss}, {mov [v86_bx], ax}
        PCHK    [v86_done], 1
        PCHK    [exc_vector], 13                ; the HLT
        PCHK    [exc_error], 0
        PCHK    [exc_cs], V86_SEG
        movzx   eax, word [v86_ax]
        PCHK    eax, V86_SEG
        movzx   eax, word [v86_bx]
        PCHK    eax, V86_SEG
        PENDT

        PTEST   "8086 segments"
        V86     0, {mov ax, 1234h}, {mov es, ax}, {mov byte [es:5], 77h}, {mov ax, 0FFFFh}, {mov es, ax}, {mov al, [es:10h]}, {mov [v86_ax], al}
        PCHK    [v86_done], 1
        push    es
        mov     ax, SEL_FLAT
        mov     es, ax
        movzx   eax, byte [es:12345h]
        PCHK    eax, 77h
        movzx   eax, byte [es:100000h]
        movzx   ebx, byte [v86_ax]
        PCHK    ebx, eax                        ; FFFF:0010 is 100000h (A20 on)
        pop     es
        PENDT

        PTEST   "iopl 0: sensitive instructions fault"
        V86     0, cli
        PCHK    [v86_done], 0
        PCHK    [exc_vector], 13
        PCHK    [exc_error], 0
        V86     0, sti
        PCHK    [exc_vector], 13
        V86     0, pushf
        PCHK    [exc_vector], 13
        V86     0, popf
        PCHK    [exc_vector], 13
        V86     0, {int 30h}
        PCHK    [exc_vector], 13
        PCHK    [exc_error], 0
        V86     0, iret
        PCHK    [exc_vector], 13
        V86     0, int3
        PCHK    [exc_vector], 13
        PENDT

        PTEST   "iopl 3"
        V86     3, cli, sti, pushf, pop ax, {mov [v86_ax], ax}, {push word 0}, popf, pushf, pop ax, {mov [v86_bx], ax}
        PCHK    [v86_done], 1
        movzx   eax, word [v86_ax]
        and     eax, 3000h
        PCHK    eax, 3000h                      ; PUSHF shows IOPL
        movzx   eax, word [v86_bx]
        and     eax, 3000h
        PCHK    eax, 3000h                      ; POPF does not change it
        V86     3, {int 30h}
        PCHK    [exc_vector], 30h               ; through the IDT
        PCHK    [exc_cs], V86_SEG
        PENDT

        PTEST   "v86 interrupt frame"
        V86     3, {mov ax, 1111h}, {mov ds, ax}, {mov ax, 2222h}, {mov es, ax}, {mov ax, 3333h}, {mov fs, ax}, {mov ax, 4444h}, {mov gs, ax}, {int VEC_FRAME}
        PCHK    [exc_vector], VEC_FRAME
        PCHK    [frame_ds], 0                   ; nulled on entry
        mov     eax, [frame + 0]                ; EIP: after the INT 32h
        movzx   eax, word [eax - 2]
        PCHK    eax, 0CDh | (VEC_FRAME << 8)
        PCHK    [frame + 4], V86_SEG            ; CS
        mov     eax, [frame + 8]
        and     eax, 20000h
        PCHK    eax, 20000h                     ; EFLAGS.VM
        PCHK    [frame + 12], V86_SP            ; ESP
        PCHK    [frame + 16], V86_SEG           ; SS
        PCHK    [frame + 20], 2222h             ; ES
        PCHK    [frame + 24], 1111h             ; DS
        PCHK    [frame + 28], 3333h             ; FS
        PCHK    [frame + 32], 4444h             ; GS
        PENDT

        PTEST   "i/o bitmap in v86 mode"
        V86     0, {in al, 80h}
        PCHK    [v86_done], 1
        or      byte [tss_iomap + 80h / 8], 1
        V86     3, {in al, 80h}
        PCHK    [v86_done], 0
        PCHK    [exc_vector], 13
        and     byte [tss_iomap + 80h / 8], 0FEh
        PENDT

        PTEST   "exceptions in v86 mode"
        V86     3, {xor cl, cl}, {div cl}
        PCHK    [exc_vector], 0
        PCHK    [exc_cs], V86_SEG
        V86     3, {db 0Fh, 0Bh}
        PCHK    [exc_vector], 6
        V86     3, {mov ax, 1}, {push ax}, {db 0Fh, 00h, 0C0h}     ; SLDT: #UD in V86 mode
        PCHK    [exc_vector], 6
        PENDT
        jmp     pm_exit

; INT 32h from V86 mode: record DS at entry and the frame, then go on as
; an exception would.
frame_handler:
        push    eax
        mov     eax, ds
        mov     [ss:frame_ds], eax
        push    esi
        push    edi
        push    ecx
        lea     esi, [esp + 16]
        mov     edi, frame
        mov     ecx, 9
.copy:  mov     eax, [ss:esi]
        mov     [ss:edi], eax
        add     esi, 4
        add     edi, 4
        loop    .copy
        pop     ecx
        pop     edi
        pop     esi
        pop     eax
        jmp     exc_stub_50                     ; = VEC_FRAME

        align   4
v86_done:       dd 0
v86_ax:         dd 0
v86_bx:         dd 0
frame_ds:       dd -1
frame:          times 9 dd 0
