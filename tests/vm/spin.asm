; spin.asm - a well-behaved neighbour: sums 1..N (N = 3000) in DX:AX-free
; 16-bit arithmetic and exits with the low byte of the sum (3000*3001/2 =
; 4501500 = 0x44B0FC -> FCh).
        org 100h
        cpu 386
        xor eax, eax
        mov ecx, 3000
sum:    add eax, ecx
        loop sum
        db 0F4h, 2, 0FDh
