; tinyexe.asm - a valid 40-byte MZ executable: a 32-byte header (its
; relocation table offset, 40h, points past the end of the file, but it
; has no relocation items) and an 8-byte load module that ends with
; return code 42 (AX=4C2Ah).
        db      'MZ'
        dw      40, 1                   ; 40 bytes on the one page
        dw      0, 2                    ; no relocations, 2 header paragraphs
        dw      10h, 0FFFFh
        dw      0, 100h                 ; SS:SP
        dw      0, 0, 0                 ; checksum, CS:IP = 0:0
        dw      40h, 0                  ; relocation table "at" 40h
        times   32 - ($ - $$) db 0
        mov     ax, 4C2Ah
        int     21h
        times   40 - ($ - $$) db 90h
