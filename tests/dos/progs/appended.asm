; appended.asm - an MZ executable (header written by hand, RBIL table
; 01594) whose file goes on after the load module its header declares, as
; DJGPP programs, overlaid programs and self-extractors do. It checks:
; - its relocation item was applied (the word holds its load segment);
; - the whole load module is there (a marker at its end, 192 KiB in);
; - nothing past the module was loaded (the appended marker is not in
;   memory after the module);
; - the appended bytes are in its file (opened through the path after its
;   environment), and it prints the file's length and last 4 bytes (the
;   test grows the file to 2 MiB and appends "TAIL");
; - 4B03h loads the module again as an overlay with relocation base 1234h.
; Prints PASS/FAIL lines and ends with 0, or 1 if a check failed.
        cpu 8086

MODULE_PARAS equ (module_end - module_start + 15) / 16
IMAGE_LEN equ 32 + (module_end - module_start)

        section hdr start=0
        db      'MZ'
        dw      IMAGE_LEN % 512, (IMAGE_LEN + 511) / 512
        dw      1                       ; one relocation item
        dw      2                       ; header: 2 paragraphs
        dw      100h, 0FFFFh            ; min, max paragraphs beyond the module
        dw      MODULE_PARAS, 200h      ; SS:SP after the module
        dw      0
        dw      start - module_start, 0 ; CS:IP
        dw      relocs, 0
relocs: dw      reloc_word - module_start, 0
        times   32 - ($ - $$) db 0

        section text follows=hdr vstart=0
module_start:
start:  mov     ax, cs
        mov     ds, ax
        mov     [psp], es
        ; The relocation item: the word was 0, now the load segment (= CS).
        mov     ax, cs
        cmp     [reloc_word], ax
        mov     dx, n_reloc
        call    check_e
        ; The module's last bytes, 192 KiB in.
        mov     ax, cs
        add     ax, (far_marker - module_start) >> 4
        mov     es, ax
        mov     di, (far_marker - module_start) & 15
        mov     si, far_copy
        mov     cx, 4
        repe    cmpsb
        mov     dx, n_whole
        call    check_e
        ; Nothing after the module: the appended marker is not in memory.
        mov     ax, cs
        add     ax, (module_end - module_start) >> 4
        mov     es, ax
        mov     di, (module_end - module_start) & 15
        mov     si, marker_copy
        mov     cx, MARKER_LEN
        repe    cmpsb
        mov     dx, n_nomore
        call    check_ne
        call    open_self
        jc      .noself
        mov     [handle], ax
        ; The appended marker in the file, right after the module.
        mov     bx, ax
        mov     ax, 4200h
        mov     cx, (IMAGE_LEN) >> 16
        mov     dx, (IMAGE_LEN) & 0FFFFh
        int     21h
        mov     ah, 3Fh
        mov     cx, MARKER_LEN
        mov     dx, buf
        int     21h
        push    ds
        pop     es
        mov     si, buf
        mov     di, marker_copy
        mov     cx, MARKER_LEN
        repe    cmpsb
        mov     dx, n_infile
        call    check_e
        ; The file's length and its last 4 bytes.
        mov     bx, [handle]
        mov     ax, 4202h
        mov     cx, -1
        mov     dx, -4
        int     21h
        add     ax, 4
        adc     dx, 0
        push    ax
        mov     ax, dx
        call    hex4
        pop     ax
        call    hex4
        mov     ah, 3Fh
        mov     cx, 4
        mov     dx, buf
        int     21h
        mov     byte [buf + 4], '$'
        mov     dx, s_len
        call    puts
        mov     dx, buf
        call    puts
        mov     dx, s_crlf
        call    puts
        mov     bx, [handle]
        mov     ah, 3Eh
        int     21h
        call    overlay
        jmp     short .done
.noself:
        mov     dx, n_open
        call    fail
.done:  mov     al, [failed]
        mov     ah, 4Ch
        int     21h

; 4B03h: this program's module again, as an overlay at a block of ours,
; relocated with base 1234h.
overlay:
        mov     es, [psp]
        mov     bx, 10h + MODULE_PARAS + 20h
        mov     ah, 4Ah                 ; keep what we need, free the rest
        int     21h
        mov     bx, MODULE_PARAS
        mov     ah, 48h
        int     21h
        jc      .bad
        mov     [ovl_seg], ax
        push    ds
        pop     es
        mov     bx, ovl_seg
        mov     dx, path
        mov     ax, 4B03h
        int     21h
        jc      .bad
        mov     es, [ovl_seg]
        mov     ax, [es:reloc_word]
        cmp     ax, 1234h
        jne     .bad
        mov     si, start
        mov     di, start
        mov     cx, 16
        repe    cmpsb
        jne     .bad
        mov     dx, n_ovl
        jmp     pass
.bad:   mov     dx, n_ovl
        jmp     fail

; Open the program's own file: its path follows the environment's double
; NUL and the count word (DOS 3+). CF set on failure.
open_self:
        mov     es, [psp]
        mov     es, [es:2Ch]
        xor     di, di
        xor     al, al
        mov     cx, 8000h
.scan:  repne   scasb
        cmp     byte [es:di], 0
        jne     .scan
        add     di, 3
        mov     si, path
.copy:  mov     al, [es:di]
        mov     [si], al
        inc     di
        inc     si
        or      al, al
        jnz     .copy
        mov     dx, path
        mov     ax, 3D00h
        int     21h
        ret

check_e:
        je      pass
        jmp     fail
check_ne:
        jne     pass
        jmp     fail

pass:   push    dx
        mov     dx, s_pass
        call    puts
        pop     dx
        call    puts
        mov     dx, s_crlf
        jmp     puts
fail:   mov     byte [failed], 1
        push    dx
        mov     dx, s_fail
        call    puts
        pop     dx
        call    puts
        mov     dx, s_crlf
        jmp     puts

puts:   mov     ah, 9
        int     21h
        ret

; AX as four hex digits.
hex4:   mov     cx, 4
.dig:   push    cx
        mov     cl, 4
        rol     ax, cl
        push    ax
        and     al, 0Fh
        add     al, '0'
        cmp     al, '9'
        jbe     .out
        add     al, 7
.out:   mov     dl, al
        mov     ah, 2
        int     21h
        pop     ax
        pop     cx
        loop    .dig
        ret

n_reloc  db 'relocation item applied$'
n_whole  db 'the whole load module (192 KiB) is in memory$'
n_nomore db 'nothing past the load module was loaded$'
n_infile db 'the appended data is in the file after the module$'
n_open   db 'open the program file$'
n_ovl    db '4B03h overlay with relocation base 1234h$'
s_pass   db 'PASS $'
s_fail   db 'FAIL $'
s_len    db ' bytes, ending $'
s_crlf   db 13, 10, '$'
marker_copy db 'APPENDED-DATA-MARKER'
MARKER_LEN equ $ - marker_copy
far_copy db 'END!'
failed   db 0
psp      dw 0
handle   dw 0
ovl_seg  dw 0, 1234h                    ; 4B03h parameter block
reloc_word dw 0
path     times 80 db 0
buf      times 24 db 0
        times   192 * 1024 - 4 - ($ - module_start) db 0
far_marker db 'END!'
module_end:
        db      'APPENDED-DATA-MARKER'
        times   4096 db 0
