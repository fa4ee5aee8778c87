; pmenter.asm - what vdd_enter_pm() loads again (pm_test.c,
; test_enter_pm_tables). Real mode asks the test's service 40 to enter
; protected mode (DI = the GDT's offset, SI = the 16-bit ring-0 entry, BX
; bit 0 = `flush`); the protected-mode code ends with service 41, which
; records AX and returns to real mode at DX. The records, in order:
;   'A'   the LDT the GDT's descriptor 20h names (LDT A) is loaded
;   'A'   the GDT now names LDT B, but without `flush` LDTR is kept
;   'B'   with `flush` it is loaded again
;   'L'   the guest loads LDTR 0 itself (LLDT)
;   'B'   without `flush` the monitor sees LDTR changed and loads it
;   'T'   the guest loads TR 30h itself (LTR)
;   2018h the monitor loaded TR again: STR and SLDT give the tables' 18h, 20h
; then it exits with AL = 0.
        org 100h
        cpu 386
; The test's service 40: protected mode at ENTRY (BX = FLUSH), back in
; real mode at NEXT.
%macro ENTER_PM 3
        mov bx, %1
        mov si, %2
        mov dx, %3
        db 0F4h, 40, 255 - 40
%endmacro
        cli
        mov di, gdt
        ENTER_PM 0, pm_read, .s2
.s2:    mov word [gdt + 20h + 2], ldt_b ; descriptor 20h: LDT B
        ENTER_PM 0, pm_read, .s3
.s3:    ENTER_PM 1, pm_read, .s4
.s4:    ENTER_PM 0, pm_lldt, .s5
.s5:    ENTER_PM 0, pm_read, .s6
.s6:    ENTER_PM 0, pm_ltr, .s7
.s7:    ENTER_PM 0, pm_sys, .s8
.s8:    mov al, 0
        db 0F4h, 02h, 0FDh              ; exit with AL

; Protected mode, CPL 0, CS base 10000h.
pm_read:
        mov ax, 0Ch                     ; LDT entry 1
        mov ds, ax
        mov al, [0]
        db 0F4h, 41, 255 - 41
pm_lldt:
        xor ax, ax
        lldt ax
        mov al, 'L'
        db 0F4h, 41, 255 - 41
pm_ltr: mov ax, 30h
        ltr ax
        mov al, 'T'
        db 0F4h, 41, 255 - 41
pm_sys: str ax
        sldt bx
        mov ah, bl
        db 0F4h, 41, 255 - 41

        align 8
gdt:    dq 0
        dw 0FFFFh, 0, 9A01h, 0          ; 08h code, base 10000h
        dw 0FFFFh, 0, 9201h, 0          ; 10h data
        dw 67h, tss_a, 8901h, 0         ; 18h the tables' TSS
        dw 0Fh, ldt_a, 8201h, 0         ; 20h the LDT
        dq 0                            ; 28h
        dw 67h, tss_b, 8901h, 0         ; 30h the guest's own TSS
ldt_a:  dq 0
        dw 0, data_a, 9201h, 0          ; entry 1: one byte, 'A'
ldt_b:  dq 0
        dw 0, data_b, 9201h, 0          ; entry 1: 'B'
data_a: db 'A'
data_b: db 'B'
        align 4
tss_a:  times 68h db 0
tss_b:  times 68h db 0
