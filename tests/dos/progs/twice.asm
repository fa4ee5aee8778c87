_TEXT segment byte public 'CODE'
        assume cs:_TEXT
        public _twice
_twice  proc near
        push bp
        mov bp, sp
        mov ax, [bp+4]
        add ax, ax
        pop bp
        ret
_twice  endp
_TEXT   ends
        end
