; bios.asm - the ROM BIOS of every VM, at F000:0000 (64 KiB segment).
;
; Layout: the ROM starts with a table of 256 words, the offset of each
; interrupt vector's handler (src/bios/rom.c fills the guest IVT from it),
; then the handlers. Services that need the host use supervisor calls
; (F4 n ~n). Sources: IBM PC AT Technical Reference (BIOS data area, vector
; use), RBIL INT 08h, 11h, 12h, 1Ah, 1Ch, 70h.
        cpu 8086
        org 0

SVC_UNHANDLED   equ 3
SVC_INT10       equ 10h
SVC_KBD         equ 11h             ; AL = scan code from port 60h
SVC_INT15       equ 12h             ; INT 15h functions served in the host
SVC_UNSUPPORTED equ 13h             ; log an unsupported function: F4 13 EC vv, AH = function
SVC_RESET       equ 14h             ; a reset no shutdown code resumes from (bios/rom.c)
SVC_IDLE        equ 1Eh             ; an empty poll, for the idle detector (src/vm/idle.c)
SVC_KEY_PEEK    equ 0Eh             ; INT 16h AH=01h/11h found no key (keyboard.c)
SVC_KEY_WAIT    equ 0Fh             ; INT 16h AH=00h/10h waits for a key (keyboard.c)
BDA_SEG         equ 0040h
TICKS_PER_DAY   equ 1800B0h         ; RBIL INT 1A/AH=00h: 1573040 ticks

%macro  vec 2                       ; vector, handler
        times (%1 * 2) - ($ - vector_table) db 0FFh
        dw %2
%endmacro

vector_table:
        ; every vector defaults to `iret_stub` (rom.c: 0xFFFF means default)
        vec 00h, fault_00
        vec 01h, iret_stub
        vec 02h, iret_stub
        vec 03h, iret_stub
        vec 04h, iret_stub
        vec 05h, iret_stub
        vec 06h, fault_06
        vec 07h, fault_07
        vec 08h, int08
        vec 09h, int09
        vec 0Ah, irq_master
        vec 0Bh, irq_master
        vec 0Ch, irq_master
        vec 0Dh, irq_master
        vec 0Eh, irq_master
        vec 0Fh, irq_master
        vec 10h, int10
        vec 11h, int11
        vec 12h, int12
        vec 15h, int15
        vec 16h, int16
        vec 1Ah, int1a
        vec 1Ch, iret_stub
        vec 70h, irq_slave
        vec 71h, irq_slave
        vec 72h, irq_slave
        vec 73h, irq_slave
        vec 74h, int74
        vec 75h, int75
        vec 76h, irq_slave
        vec 77h, irq_slave
        times 512 - ($ - vector_table) db 0FFh

iret_stub:                          ; offset 200h: the default handler
        iret

; Offset 204h: where host-run guest code returns to (src/vm/nested.c).
        times 204h - ($ - $$) db 0FFh
return_stub:
        db 0F4h, 04h, 0FBh

; INT 15h/AH=C0h system configuration table, at offset 208h (int15.c):
; 8 bytes follow; model FCh (AT), submodel 01h, revision 0; feature byte 1:
; cascaded second PIC, RTC, INT 15h/4Fh called by INT 09h (RBIL INT 15/C0h).
        times 208h - ($ - $$) db 0FFh
sysconf:
        dw 8
        db 0FCh, 01h, 00h, 70h, 00h, 00h, 00h, 00h

; Offset 214h: where the key wait of INT 16h halts (the IP after its HLT),
; for the monitor's deep sleep (rom.c registers it).
        times 214h - ($ - $$) db 0FFh
quiet_wait:
        dw int16.waited

; Exceptions nothing handles end the VM (SVC 3, vector in the next byte).
fault_00: db 0F4h, SVC_UNHANDLED, ~SVC_UNHANDLED & 0FFh, 00h
fault_06: db 0F4h, SVC_UNHANDLED, ~SVC_UNHANDLED & 0FFh, 06h
fault_07: db 0F4h, SVC_UNHANDLED, ~SVC_UNHANDLED & 0FFh, 07h

; Hardware IRQs without a device handler: acknowledge and return.
irq_master:
        push ax
        mov al, 20h
        out 20h, al
        pop ax
        iret
irq_slave:
        push ax
        mov al, 20h
        out 0A0h, al
        out 20h, al
        pop ax
        iret

; INT 75h - IRQ 13, the coprocessor's error (IBM PC AT BIOS): clear the
; latch (port F0h), acknowledge both controllers, then INT 02h, where
; 8087-era programs hook their coprocessor errors.
int75:
        push ax
        xor al, al
        out 0F0h, al
        mov al, 20h
        out 0A0h, al
        out 20h, al
        pop ax
        int 2
        iret

; INT 08h - IRQ 0, 18.2 Hz: count ticks in 40:6Ch, wrap at midnight with the
; flag in 40:70h, call the user hook INT 1Ch, acknowledge.
int08:
        push ax
        push ds
        mov ax, BDA_SEG
        mov ds, ax
        add word [6Ch], 1
        adc word [6Eh], 0
        cmp word [6Eh], TICKS_PER_DAY >> 16
        jb .hook
        cmp word [6Ch], TICKS_PER_DAY & 0FFFFh
        jb .hook
        mov word [6Ch], 0
        mov word [6Eh], 0
        mov byte [70h], 1
.hook:  int 1Ch
        mov al, 20h
        out 20h, al
        pop ds
        pop ax
        iret

; INT 74h - IRQ 12, the PS/2 mouse (8042 aux port): collect the packet's
; bytes (the first has bit 3 set; out of step ones are dropped) in the BIOS
; data area; with the mouse enabled and a handler set (INT 15h/C207h,
; bios/int15.c), call it with the packet on the stack: status, X, Y, 0
; (RBIL INT 15/AX=C207h). 40:E0h handler, E4h flags (bit 7 enabled, bit 0
; handler set), E5h bytes so far, E6h-E8h the packet, E9h packet size.
MOUSE_HANDLER   equ 0E0h
MOUSE_FLAGS     equ 0E4h
MOUSE_IDX       equ 0E5h
MOUSE_BUF       equ 0E6h
int74:
        push ax
        push bx
        push ds
        mov ax, BDA_SEG
        mov ds, ax
        in al, 60h
        mov bl, [MOUSE_IDX]
        cmp bl, 0
        jne .store
        test al, 08h
        jz .eoi
.store: xor bh, bh
        mov [MOUSE_BUF + bx], al
        inc bl
        mov [MOUSE_IDX], bl
        cmp bl, 3
        jb .eoi
        mov byte [MOUSE_IDX], 0
        mov al, [MOUSE_FLAGS]
        and al, 81h
        cmp al, 81h
        jne .eoi
        push cx
        push dx
        push si
        push di
        push bp
        push es
        xor ah, ah
        mov al, [MOUSE_BUF]
        push ax
        mov al, [MOUSE_BUF + 1]
        push ax
        mov al, [MOUSE_BUF + 2]
        push ax
        xor al, al
        push ax
        call far [MOUSE_HANDLER]
        add sp, 8
        pop es
        pop bp
        pop di
        pop si
        pop dx
        pop cx
.eoi:   mov al, 20h
        out 0A0h, al
        out 20h, al
        pop ds
        pop bx
        pop ax
        iret

; INT 10h - video services, in the host (src/bios/int10.c).
int10:  db 0F4h, SVC_INT10, ~SVC_INT10 & 0FFh
        iret

; INT 09h - IRQ 1: read the scan code, offer it to INT 15h/AH=4Fh (a
; program may change or swallow it: CF clear), then let the host translate
; it into the keyboard buffer (40:1Eh-3Dh) and the shift flags (40:17h).
int09:
        push ax
        in al, 60h
        mov ah, 4Fh
        stc
        int 15h
        jnc .done
        db 0F4h, SVC_KBD, ~SVC_KBD & 0FFh
.done:  mov al, 20h
        out 20h, al
        pop ax
        iret

; INT 15h - system services: AH=4Fh keyboard intercept (returns the key
; unchanged, CF set); AH=86h wait, 88h extended memory size, C0h system
; configuration: in the host (bios/int15.c); others: CF set, AH=86h.
int15:
        cmp ah, 4Fh
        jne .host
        stc
        retf 2
.host:  db 0F4h, SVC_INT15, ~SVC_INT15 & 0FFh
        retf 2

; INT 16h - keyboard services on the BIOS buffer (head 40:1Ah, tail 40:1Ch,
; start 40:80h, end 40:82h; entries are scan code << 8 | ASCII):
;   AH=00h/10h wait for a key and take it (AX)   AH=01h/11h peek (ZF=1: none)
;   AH=02h shift flags (AL)   AH=05h store CX (AL=1 if the buffer is full)
;   AH=12h extended shift flags (AX)
; Waiting is STI; HLT, so an idle VM sleeps until the next interrupt. A
; peek that finds the buffer empty tells the host (SVC 0Eh: the idle
; detector, so a program that loops on AH=01h sleeps too, and a host that
; types from a stream knows a key is wanted), and so does a read that must
; wait (SVC 0Fh).
int16:
        push bx
        push ds
        mov bx, BDA_SEG
        mov ds, bx
        cmp ah, 00h
        je .read
        cmp ah, 10h
        je .read
        cmp ah, 01h
        je .peek
        cmp ah, 11h
        je .peek
        cmp ah, 02h
        je .shift
        cmp ah, 05h
        je .store
        cmp ah, 12h
        je .xshift
        db 0F4h, SVC_UNSUPPORTED, ~SVC_UNSUPPORTED & 0FFh, 16h
        pop ds
        pop bx
        iret
.read:  cli
        mov bx, [1Ah]
        cmp bx, [1Ch]
        jne .take
        db 0F4h, SVC_KEY_WAIT, ~SVC_KEY_WAIT & 0FFh
        sti
        hlt
.waited:                            ; a quiet wait point (rom.c, src/vm/quiet.c)
        jmp .read
.take:  mov ax, [bx]
        add bx, 2
        cmp bx, [82h]
        jb .nowrap
        mov bx, [80h]
.nowrap:
        mov [1Ah], bx
        sti
        pop ds
        pop bx
        iret
.peek:  cli
        mov bx, [1Ah]
        cmp bx, [1Ch]
        mov ax, [bx]
        sti
        jne .peeked
        db 0F4h, SVC_KEY_PEEK, ~SVC_KEY_PEEK & 0FFh ; empty: keeps the flags
.peeked:
        pop ds
        pop bx
        retf 2                      ; ZF from the compare: set = empty
.shift: mov al, [17h]
        pop ds
        pop bx
        iret
.xshift:
        mov al, [17h]
        mov ah, [18h]
        pop ds
        pop bx
        iret
.store: cli
        mov bx, [1Ch]
        mov [bx], cx
        add bx, 2
        cmp bx, [82h]
        jb .s1
        mov bx, [80h]
.s1:    cmp bx, [1Ah]
        je .full
        mov [1Ch], bx
        mov al, 0
        sti
        pop ds
        pop bx
        iret
.full:  mov al, 1
        sti
        pop ds
        pop bx
        iret

; INT 11h - equipment list (40:10h).
int11:
        push ds
        mov ax, BDA_SEG
        mov ds, ax
        mov ax, [10h]
        pop ds
        iret

; INT 12h - conventional memory size in KiB (40:13h).
int12:
        push ds
        mov ax, BDA_SEG
        mov ds, ax
        mov ax, [13h]
        pop ds
        iret

; INT 1Ah - time of day.
;   AH=00h: CX:DX = ticks since midnight, AL = midnight flag (then cleared)
;   AH=01h: set ticks from CX:DX
;   AH=02h: RTC time: CH hours, CL minutes, DH seconds (BCD), DL DST flag
;   AH=03h: set the RTC time from CH, CL, DH (BCD)
;   AH=04h: RTC date: CH century, CL year, DH month, DL day (BCD)
;   AH=05h: set the RTC date from CH, CL, DH, DL (BCD)
;   others: CF set, AH unchanged (not supported, logged once)
; RTC values come from the CMOS clock (ports 70h/71h).
int1a:
        sti
        push ds
        push bx
        mov bx, BDA_SEG
        mov ds, bx
        cmp ah, 00h
        je .get_ticks
        cmp ah, 01h
        je .set_ticks
        cmp ah, 02h
        je .get_time
        cmp ah, 03h
        je .set_time
        cmp ah, 04h
        je .get_date
        cmp ah, 05h
        je .set_date
        db 0F4h, SVC_UNSUPPORTED, ~SVC_UNSUPPORTED & 0FFh, 1Ah
        pop bx
        pop ds
        stc
        retf 2
.set_time:
        mov bl, ch
        mov al, 04h
        call cmos_set
        mov bl, cl
        mov al, 02h
        call cmos_set
        mov bl, dh
        mov al, 00h
        call cmos_set
        jmp .ok
.set_date:
        mov bl, ch
        mov al, 32h
        call cmos_set
        mov bl, cl
        mov al, 09h
        call cmos_set
        mov bl, dh
        mov al, 08h
        call cmos_set
        mov bl, dl
        mov al, 07h
        call cmos_set
        jmp .ok
.get_ticks:
        cli
        mov dx, [6Ch]
        mov cx, [6Eh]
        mov al, [70h]
        mov byte [70h], 0
        sti
        jmp .ok
.set_ticks:
        cli
        mov [6Ch], dx
        mov [6Eh], cx
        mov byte [70h], 0
        sti
        jmp .ok
.get_time:
        mov al, 04h
        call cmos_get
        mov ch, al
        mov al, 02h
        call cmos_get
        mov cl, al
        mov al, 00h
        call cmos_get
        mov dh, al
        mov dl, 0
        jmp .ok
.get_date:
        mov al, 32h
        call cmos_get
        mov ch, al
        mov al, 09h
        call cmos_get
        mov cl, al
        mov al, 08h
        call cmos_get
        mov dh, al
        mov al, 07h
        call cmos_get
        mov dl, al
.ok:    pop bx
        pop ds
        clc
        retf 2

; AL = CMOS register -> AL = its value.
cmos_get:
        out 70h, al
        in al, 71h
        ret

; CMOS register AL = BL.
cmos_set:
        out 70h, al
        mov al, bl
        out 71h, al
        ret

; ---- POST after a processor reset (triple fault, 8042 pulse, port 92h) ----
; As the AT BIOS does (IBM PC AT Technical Reference, "shutdown status";
; RBIL CMOS 0Fh): read the shutdown code in CMOS register 0Fh and clear it.
;   05h  send EOI to both PICs, then jump to the far pointer at 40:67h
;   09h  return from an INT 15h/87h block move: SS:SP from 40:67h (SP
;        first), then IRET from the INT 15h frame there with AH = 0, CF
;        and ZF clear
;   0Ah  jump to the far pointer at 40:67h
; Any other code is a machine reset with nothing to resume: the monitor
; ends the VM (SVC_RESET), saying why it was reset.
post:
        cli
        mov al, 8Fh                 ; register 0Fh, NMI off
        out 70h, al
        in al, 71h
        mov ah, al                  ; AH = the shutdown code
        mov al, 8Fh
        out 70h, al
        xor al, al
        out 71h, al
        mov al, 0Dh                 ; NMI back on
        out 70h, al
        mov bx, BDA_SEG
        mov ds, bx
        mov al, ah
        cmp al, 05h
        je .eoi
        cmp al, 0Ah
        je .jump
        cmp al, 09h
        je .blockmove
        db 0F4h, SVC_RESET, ~SVC_RESET & 0FFh
.halt:  hlt
        jmp .halt
.eoi:   mov al, 20h
        out 0A0h, al
        out 20h, al
.jump:  jmp far [67h]
.blockmove:
        mov ss, [69h]
        mov sp, [67h]
        mov bp, sp
        and byte [bp + 4], 0BEh     ; the frame's FLAGS: CF and ZF clear
        xor ah, ah
        iret

; F000:8000-8FFF is the VDDs' guest code page (src/vm/vddsvc.c, mapped
; writable by the monitor over this part of the image): the ROM's code
; must end before it.
%if ($ - $$) > 8000h
%error "the ROM code reaches the VDDs' guest code page at F000:8000"
%endif

; The AT's reset vector, date and model byte at F000:FFF0 (IBM PC AT
; Technical Reference; RBIL MEM F000h:FFFEh: FCh = AT).
        times 0FFF0h - ($ - $$) db 0FFh
        jmp 0F000h:post
        db "01/01/92"
        db 0
        db 0FCh
        db 0
