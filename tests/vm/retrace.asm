; retrace.asm - waits for 70 vertical retraces by polling port 3DAh
; (while bit 3 is set, then until it is set again), then exits: one second
; of virtual time at 70 Hz.
        org 100h
        cpu 8086
        mov dx, 3DAh
        mov cx, 70
.frame: in al, dx
        test al, 8
        jnz .frame
.wait:  in al, dx
        test al, 8
        jz .wait
        loop .frame
        db 0F4h, 2, 0FDh
