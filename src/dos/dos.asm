; dos.asm - the guest half of the DOS kernel: interrupt entry stubs at
; DOS_SEG:0000 (src/dos/layout.h has the offsets, kept equal by a build
; check). Every service runs in the host through a supervisor call
; (F4 n ~n); a program that hooks a vector and chains to the old handler
; reaches these stubs exactly as on real DOS. The data structures that
; follow the stubs in the DOS segment (list of lists, device headers,
; tables, the root PSP) are built by src/dos/kernel.c.
; Sources: RBIL INT 20h-2Fh; MS-DOS 2.0 SYSCALL.DOC.
        cpu 8086
        org 0

SVC_EXIT        equ 02h             ; end the VM, return code in AL
SVC_INT21       equ 14h
SVC_INT20       equ 15h
SVC_INT25       equ 16h
SVC_INT26       equ 17h
SVC_INT27       equ 18h
SVC_INT29       equ 19h
SVC_INT2F       equ 1Ah
SVC_CALL5       equ 1Ch
SVC_INT23       equ 1Dh
SVC_IDLE        equ 1Eh             ; the monitor's idle detector (src/vm/idle.c)

%macro  svc 1
        db 0F4h, %1, ~%1 & 0FFh
%endmacro
%macro  place 1
        times %1 - ($ - $$) db 0CCh
%endmacro

place 00h
int21:                              ; INT 21h: the host sets results and the
        svc SVC_INT21               ; flags image in the interrupt frame
        iret
place 08h
int21_wait:                         ; console input not ready: idle, then retry
        int 28h                     ; the call with the same registers and frame
        sti
        hlt
place 0Ch                           ; the wait point of the deep sleep (src/vm/quiet.c)
        nop                         ; F4 90 FA: not a supervisor call pair
        cli
        jmp short int21
place 18h
ctrlc:                              ; Ctrl-C seen: the program's INT 23h; an
        int 23h                     ; IRET from it restarts the function
        jmp short int21
place 20h
iret_stub:                          ; terminate: the host builds a frame for
        iret                        ; the terminate address (INT 22h) here
place 24h
int20:  svc SVC_INT20
place 28h
int25:  svc SVC_INT25               ; absolute disk read: fails on host
        retf                        ; drives; RETF leaves FLAGS on the stack
place 2Ch
int26:  svc SVC_INT26
        retf
place 30h
int27:  svc SVC_INT27
place 34h
int29:  svc SVC_INT29
        iret
place 38h
int2f:  svc SVC_INT2F
        iret
place 3Ch
int28:  svc SVC_IDLE                ; idle (RBIL INT 28h): counts as a poll
        iret                        ; for the idle detector; nothing resident
place 40h
int23:  svc SVC_INT23               ; default Ctrl-C handler: terminate
place 44h
int24:  mov al, 3                   ; default critical error handler: fail
        iret
place 48h
call5:  svc SVC_CALL5               ; CP/M-style CALL 5 (function in CL)
place 4Ch
root_exit:                          ; terminate address of the first program:
        svc SVC_EXIT                ; ends the VM with the return code in AL
place 50h
dev_entry:                          ; device strategy/interrupt entries
        retf
place 54h
int22:  svc SVC_EXIT                ; INT 22h when nothing set it
place 58h
