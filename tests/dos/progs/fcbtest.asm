; fcbtest.asm - the FCB functions and the directory search of the DOS
; kernel: INT 21h 29h (parse), 16h (create), 15h (sequential write), 10h
; (close), 0Fh (open), 14h (sequential read), 21h/22h (random read and
; write), 23h (file size), 24h (set random record), 27h/28h (random block
; read and write, truncation), 11h/12h (find by FCB, normal and extended),
; 17h (rename, with '?' in the new name), 13h (delete, with wildcards),
; 4Eh/4Fh (find by path, errors 03h and 12h, a device).
; Prints one line per check, "PASS name" or "FAIL name", and ends with
; AX=4C00h. Works in the current directory of drive C: and deletes the
; files it makes (FCBTEST.DAT, FCBTEST2.DAT, RENAMED.*, XFCB.DAT).
        cpu 8086
        org 100h

REC     equ 32                          ; record size used for the transfers

%define CHECK_EOL 13, 10, '$'           ; the name ends the line
%include "check.inc"

; AL_IS value, "name"
%macro AL_IS 2
        cmp     al, %1
        OK_IF   e, %2
%endmacro

; SAME ptr1, ptr2, count, "name": the two byte ranges are equal.
%macro SAME 4
        mov     si, %1
        mov     di, %2
        mov     cx, %3
        repe    cmpsb
        OK_IF   e, %4
%endmacro

; FCBCALL function, fcb
%macro FCBCALL 2
        mov     dx, %2
        mov     ah, %1
        int     21h
%endmacro

start:  cld
        mov     di, bss_start           ; memory past the image is not cleared
        mov     cx, bss_end - bss_start
        xor     al, al
        rep     stosb
        mov     dx, dta                 ; all results go to our DTA
        mov     ah, 1Ah
        int     21h

; ---- 29h: parse filename ----
        mov     si, name1
        mov     di, fcb1
        mov     ax, 2901h               ; skip leading separators
        int     21h
        AL_IS   0, "29h: no wildcards -> AL=00h"
        cmp     si, name1_end
        OK_IF   e, "29h: DS:SI past the name"
        SAME    fcb1, want1, 12, "29h: drive C: and FCBTEST DAT"

        mov     si, name_wild
        mov     di, fcb_w
        mov     ax, 2900h
        int     21h
        AL_IS   1, "29h: '*' and '?' -> AL=01h"
        SAME    fcb_w, want_wild, 12, "29h: '*' fills with '?'"

        mov     si, name_keep
        mov     di, fcb_k
        mov     ax, 290Eh               ; keep drive, name and extension
        int     21h
        SAME    fcb_k, want_keep, 12, "29h: option bits 1-3 keep fields"

        mov     si, name_bad
        mov     di, fcb_w
        mov     ax, 2900h
        int     21h
        AL_IS   0FFh, "29h: invalid drive -> AL=FFh"

; ---- 16h create, 15h write, 10h close ----
        FCBCALL 16h, fcb1
        AL_IS   0, "16h: create"
        cmp     word [fcb1+0Eh], 80h
        OK_IF   e, "16h: record size 80h"
        mov     word [fcb1+0Eh], REC
        mov     byte [fcb1+20h], 0
        mov     al, 'A'
        call    fill
        FCBCALL 15h, fcb1
        AL_IS   0, "15h: write record 0"
        mov     al, 'B'
        call    fill
        FCBCALL 15h, fcb1
        mov     al, 'C'
        call    fill
        FCBCALL 15h, fcb1
        AL_IS   0, "15h: write record 2"
        cmp     byte [fcb1+20h], 3
        OK_IF   e, "15h: current record advanced to 3"
        cmp     word [fcb1+10h], 3*REC
        OK_IF   e, "15h: file size field updated"
        FCBCALL 10h, fcb1
        AL_IS   0, "10h: close"

; ---- 0Fh open, 14h read ----
        FCBCALL 0Fh, fcb_none
        AL_IS   0FFh, "0Fh: missing file -> AL=FFh"
        mov     si, name2               ; no drive: the default drive
        mov     di, fcb2
        mov     ax, 2900h
        int     21h
        FCBCALL 0Fh, fcb2
        AL_IS   0, "0Fh: open"
        cmp     byte [fcb2], 0
        OK_IF   ne, "0Fh: drive 0 replaced by the drive"
        cmp     word [fcb2+10h], 3*REC
        OK_IF   e, "0Fh: file size"
        mov     word [fcb2+0Eh], REC
        mov     byte [fcb2+20h], 0
        FCBCALL 14h, fcb2
        AL_IS   0, "14h: read record 0"
        cmp     byte [dta], 'A'
        OK_IF   e, "14h: record 0 data"
        FCBCALL 14h, fcb2
        FCBCALL 14h, fcb2
        cmp     byte [dta+REC-1], 'C'
        OK_IF   e, "14h: record 2 data"
        FCBCALL 14h, fcb2
        AL_IS   1, "14h: end of file -> AL=01h"
        mov     word [fcb2+0Eh], 2*REC  ; bytes 64-127 of 96: a partial record
        mov     word [fcb2+0Ch], 0
        mov     byte [fcb2+20h], 1
        mov     byte [dta+REC], 0FFh
        FCBCALL 14h, fcb2
        AL_IS   3, "14h: partial record -> AL=03h"
        cmp     byte [dta+REC], 0
        OK_IF   e, "14h: partial record zero padded"

; ---- 21h/22h random, 23h size, 24h set random record ----
        mov     word [fcb2+0Eh], REC
        mov     word [fcb2+21h], 1
        mov     word [fcb2+23h], 0
        FCBCALL 21h, fcb2
        AL_IS   0, "21h: random read"
        cmp     byte [dta], 'B'
        OK_IF   e, "21h: record 1 data"
        cmp     byte [fcb2+20h], 1
        OK_IF   e, "21h: current record set to the random record"
        mov     word [fcb2+21h], 5
        mov     al, 'Z'
        call    fill
        FCBCALL 22h, fcb2
        AL_IS   0, "22h: random write record 5"
        cmp     word [fcb2+10h], 6*REC
        OK_IF   e, "22h: file size field 6 records"
        mov     si, name2
        mov     di, fcb3
        mov     ax, 2900h
        int     21h
        mov     word [fcb3+0Eh], REC
        FCBCALL 23h, fcb3
        AL_IS   0, "23h: file size"
        cmp     word [fcb3+21h], 6
        OK_IF   e, "23h: 6 records"
        mov     word [fcb2+0Ch], 1      ; block 1, record 2 = record 130
        mov     byte [fcb2+20h], 2
        FCBCALL 24h, fcb2
        cmp     word [fcb2+21h], 130
        OK_IF   e, "24h: random record = block * 128 + record"

; ---- 27h/28h random block read and write ----
        mov     word [fcb2+21h], 0
        mov     cx, 3
        FCBCALL 27h, fcb2
        AL_IS   0, "27h: block read"
        cmp     cx, 3
        OK_IF   e, "27h: CX = 3 records"
        mov     al, [dta]
        mov     ah, [dta+2*REC]
        cmp     ax, 'AC'
        OK_IF   e, "27h: data of records 0 and 2"
        cmp     word [fcb2+21h], 3
        OK_IF   e, "27h: random record advanced"
        mov     word [fcb2+21h], 4
        xor     cx, cx
        FCBCALL 28h, fcb2
        AL_IS   0, "28h: CX=0 sets the size"
        cmp     word [fcb2+10h], 4*REC
        OK_IF   e, "28h: file truncated to 4 records"
        mov     word [fcb2+21h], 4
        mov     cx, 2
        FCBCALL 28h, fcb2
        AL_IS   0, "28h: block write"
        cmp     cx, 2
        OK_IF   e, "28h: CX = 2 records"
        cmp     word [fcb2+10h], 6*REC
        OK_IF   e, "28h: file size field 6 records"
        FCBCALL 10h, fcb2
        AL_IS   0, "10h: close again"

; ---- 4Eh/4Fh find by path ----
        mov     dx, path1
        mov     cx, 0
        mov     ah, 4Eh
        int     21h
        OK_IF   nc, "4Eh: find FCBTEST.D*"
        SAME    dta+1Eh, want_found, 12, "4Eh: name FCBTEST.DAT"
        cmp     word [dta+1Ah], 6*REC
        OK_IF   e, "4Eh: size"
        mov     ah, 4Fh
        int     21h
        OK_IF   c, "4Fh: no more"
        cmp     ax, 12h
        OK_IF   e, "4Fh: error 12h"
        FCBCALL 16h, fcb_two            ; a second file for the wildcard searches
        FCBCALL 10h, fcb_two
        mov     dx, path_wild
        mov     cx, 0
        mov     ah, 4Eh
        int     21h
        mov     bx, 0
        jc      .nofind
.next:  inc     bx
        mov     ah, 4Fh
        int     21h
        jnc     .next
.nofind:
        cmp     bx, 2
        OK_IF   e, "4Eh/4Fh: two matches for FCBTES*.DAT"
        mov     dx, path_none
        mov     cx, 0
        mov     ah, 4Eh
        int     21h
        OK_IF   c, "4Eh: no match fails"
        cmp     ax, 12h
        OK_IF   e, "4Eh: no match -> 12h"
        mov     dx, path_nodir
        mov     cx, 0
        mov     ah, 4Eh
        int     21h
        cmp     ax, 3
        OK_IF   e, "4Eh: missing directory -> 03h"
        mov     dx, path_con
        mov     cx, 0
        mov     ah, 4Eh
        int     21h
        OK_IF   nc, "4Eh: finds the device CON"
        cmp     byte [dta+15h], 40h
        OK_IF   e, "4Eh: device attribute 40h"

; ---- 11h/12h find by FCB ----
        FCBCALL 11h, fcb_find
        AL_IS   0, "11h: find first"
        mov     al, [dta]
        cmp     al, [fcb1]
        OK_IF   e, "11h: DTA+0 drive number"
        SAME    dta+1, fcb_find+1, 6, "11h: DTA+1 name"
        FCBCALL 12h, fcb_find
        AL_IS   0, "12h: find next"
        FCBCALL 12h, fcb_find
        AL_IS   0FFh, "12h: no more -> AL=FFh"

; ---- 17h rename ----
        FCBCALL 17h, fcb_ren
        AL_IS   0, "17h: rename FCBTEST2.DAT to RENAMED.DAT"
        FCBCALL 17h, fcb_ren
        AL_IS   0FFh, "17h: old name gone -> AL=FFh"
        FCBCALL 17h, fcb_ren2
        AL_IS   0, "17h: '?' keeps characters (RENAMED.OLD)"
        mov     dx, path_old
        mov     cx, 0
        mov     ah, 4Eh
        int     21h
        OK_IF   nc, "17h: RENAMED.OLD exists"

; ---- 13h delete ----
        FCBCALL 13h, fcb_delw
        AL_IS   0, "13h: delete FCBTEST?.* (wildcards)"
        FCBCALL 11h, fcb_delw
        AL_IS   0FFh, "13h: FCBTEST?.* gone"
        FCBCALL 13h, fcb_delw
        AL_IS   0FFh, "13h: nothing to delete -> AL=FFh"
        FCBCALL 13h, fcb_delold
        AL_IS   0, "13h: delete RENAMED.OLD"

; ---- extended FCBs ----
        FCBCALL 16h, xfcb
        AL_IS   0, "extended 16h: create"
        mov     word [xfcb+7+0Eh], REC
        mov     byte [xfcb+7+20h], 0
        mov     al, 'X'
        call    fill
        FCBCALL 15h, xfcb
        AL_IS   0, "extended 15h: write"
        FCBCALL 10h, xfcb
        AL_IS   0, "extended 10h: close"
        FCBCALL 11h, xfcb_find
        AL_IS   0, "extended 11h: find"
        cmp     byte [dta], 0FFh
        OK_IF   e, "extended 11h: DTA holds an extended FCB"
        SAME    dta+8, xfcb+8, 11, "extended 11h: name at DTA+8"
        cmp     word [dta+8+1Ch], REC
        OK_IF   e, "extended 11h: size in the directory entry"
        FCBCALL 13h, xfcb
        AL_IS   0, "extended 13h: delete"

        mov     ax, 4C00h
        int     21h

; ---- helpers ----

; Fill the first record of the DTA with AL.
fill:   mov     di, dta
        mov     cx, REC
        rep     stosb
        ret

; Print "PASS " or "FAIL " and the name at DX; AX is kept for the next check.
pass:   push    dx
        mov     dx, s_pass
        jmp     short report
fail:   push    dx
        mov     dx, s_fail
report: push    ax
        mov     ah, 9
        int     21h
        pop     ax
        pop     dx
        push    ax
        mov     ah, 9
        int     21h
        pop     ax
        ret

s_pass  db      'PASS $'
s_fail  db      'FAIL $'

name1   db      '  C:fcbtest.dat'
name1_end db    0
want1   db      3, 'FCBTEST DAT'
name_wild db    '*.d?t', 0
want_wild db    0, '????????D?T'
name_keep db    'A:', 0
want_keep db    1, 'KEEPNAMEEXT'
name_bad db     'Q:X', 0
name2   db      'FCBTEST.DAT', 0
want_found db   'FCBTEST.DAT', 0
path1   db      'FCBTEST.D*', 0
path_wild db    'FCBTES*.DAT', 0
path_none db    'NOSUCH.XYZ', 0
path_nodir db   'NODIR\X.Y', 0
path_con db     'CON', 0
path_old db     'RENAMED.OLD', 0

fcb_k   db      7, 'KEEPNAMEEXT'        ; parsed with options 0Eh
        times 37 - ($ - fcb_k) db 0
fcb_none db     0, 'NOSUCH  DAT'
        times 37 - ($ - fcb_none) db 0
fcb_two db      0, 'FCBTEST2DAT'
        times 37 - ($ - fcb_two) db 0
fcb_find db     0, 'FCBTEST?DAT'
        times 37 - ($ - fcb_find) db 0
fcb_ren db      0, 'FCBTEST2DAT', 0, 0, 0, 0, 0, 'RENAMED DAT'
        times 37 - ($ - fcb_ren) db 0
fcb_ren2 db     0, 'RENAMED DAT', 0, 0, 0, 0, 0, '????????OLD'
        times 37 - ($ - fcb_ren2) db 0
fcb_delw db     0, 'FCBTEST?', '???'    ; only our own files
        times 37 - ($ - fcb_delw) db 0
fcb_delold db   0, 'RENAMED OLD'
        times 37 - ($ - fcb_delold) db 0
xfcb    db      0FFh, 0, 0, 0, 0, 0, 0, 0, 'XFCB    DAT'
        times 44 - ($ - xfcb) db 0
xfcb_find db    0FFh, 0, 0, 0, 0, 0, 0, 0, 'XFCB    ???'
        times 44 - ($ - xfcb_find) db 0

        section .bss
bss_start:
fcb1    resb    44
fcb2    resb    44
fcb3    resb    44
fcb_w   resb    44
dta     resb    256
bss_end:
