; ems_stub.asm - the guest half of the EMS driver (src/mem/ems.c): a
; character device header named EMMXXXX0 at offset 0 of the segment that
; INT 67h points into (LIM EMS 4.0, "testing for the presence of the
; EMM": the name is at offset 0Ah of that segment), its strategy and
; interrupt routines, and the INT 67h entry. ems.c writes the supervisor
; call numbers over the zero pairs after each HLT.
; Sources: LIM EMS 4.0; RBIL table 01646 (device driver header), 02597
; (request header: status word at offset 03h).
        cpu 8086
        org 0

header: dw 0FFFFh, 0FFFFh               ; next driver: none
        dw 0C000h                       ; character device, IOCTL supported
        dw strategy
        dw interrupt
        db "EMMXXXX0"

strategy:                               ; ES:BX -> request header
        mov     [cs:request], bx
        mov     [cs:request + 2], es
        retf

interrupt:                              ; open (0Dh) and close (0Eh) succeed;
        push    bx                      ; nothing else is done by this device
        push    ds
        lds     bx, [cs:request]
        mov     word [bx + 3], 0100h    ; done
        cmp     byte [bx + 2], 0Dh
        je      .out
        cmp     byte [bx + 2], 0Eh
        je      .out
        mov     word [bx + 3], 8103h    ; error, done, unknown command
.out:   pop     ds
        pop     bx
        retf

        times 50h - ($ - $$) db 0
int67:                                  ; 50h (EMS_STUB_INT67)
        hlt
        db      0, 0
        iret
call_return:                            ; 54h (EMS_STUB_CALL_RETURN): the end of
        hlt                             ; an "alter page map and call" (56h)
        db      0, 0
        iret

request: dd 0
