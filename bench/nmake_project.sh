#!/usr/bin/env bash
# bench/nmake_project.sh DIR [NC NA] - write the sources of the "nmake"
# workload (bench/README.md) into DIR: a small-model program of NC C modules
# (default 32), NA assembler modules (default 8), a main module and a header,
# with a makefile that builds PROG.EXE through CL (-Ox: C1, C2, C3), MASM and
# LINK (a response file: the object list is longer than a DOS command line).
# Every name is 8.3 and upper case, so DOSBox and mvdm see the same files.
# PROG.EXE prints one line that depends on every module.
set -euo pipefail
dir=${1:?usage: nmake_project.sh DIR [NC NA]}
nc=${2:-32} na=${3:-8}
mkdir -p "$dir"
cd "$dir"

crlf() { sed 's/$/\r/'; }

{
	echo 'int printf(const char *, ...);'
	echo 'struct rec { int key; int val; struct rec *next; };'
	for k in $(seq 1 $nc); do echo "int run$k(int seed);"; done
	for k in $(seq 1 $na); do
		echo "int asum$k(const unsigned char *p, int n);"
		echo "int amix$k(int a, int b);"
	done
} | crlf >PROJ.H

for k in $(seq 1 $nc); do
	a=$(( (k - 1) % na + 1 ))
	crlf >"C$k.C" <<SRC
#include "proj.h"
/* Module $k: sorting, hashing, a linked list and a string fold. */
static struct rec pool[32];
static struct rec *head;
static int hash(int x)
{
    x ^= x << 3;
    x ^= x >> 5;
    return x & 31;
}
static int sort(int *a, int n)
{
    int i, j, t, sw = 0;
    for (i = 1; i < n; i++) {
        t = a[i];
        for (j = i; j > 0 && a[j - 1] > t; j--) {
            a[j] = a[j - 1];
            sw++;
        }
        a[j] = t;
    }
    return sw;
}
static long fold(const char *s)
{
    long h = $k;
    while (*s) {
        switch (*s & 3) {
        case 0: h = h * 31 + *s; break;
        case 1: h ^= (long)*s << 4; break;
        case 2: h -= *s; break;
        default: h += h >> 3; break;
        }
        s++;
    }
    return h;
}
static int walk(void)
{
    struct rec *r;
    int n = 0;
    for (r = head; r && n < 64; r = r->next)
        n += r->key - r->val;
    return n;
}
int run$k(int seed)
{
    int a[16];
    unsigned char b[24];
    int i, s;
    struct rec *r;
    for (i = 0; i < 16; i++) {
        seed = seed * 25173 + 13849;
        a[i] = seed & 1023;
    }
    for (i = 0; i < 24; i++)
        b[i] = (unsigned char)(seed >> (i & 7));
    s = sort(a, 16);
    r = &pool[hash(a[3])];
    r->key = a[0];
    r->val = a[15];
    if (r != head) {
        r->next = head;
        head = r;
    }
    return s + walk() + (int)fold("module $k of the nmake bench") + asum$a(b, 24) + amix$a(a[7], seed);
}
SRC
done

for k in $(seq 1 $na); do
	crlf >"A$k.ASM" <<SRC
; Module A$k: byte sum and a mixing function, C calling convention.
_TEXT   segment byte public 'CODE'
        assume cs:_TEXT
        public _asum$k, _amix$k
_asum$k proc near
        push bp
        mov bp, sp
        push si
        mov si, [bp+4]
        mov cx, [bp+6]
        xor ax, ax
        xor dx, dx
sum$k:  lodsb
        add dx, ax
        rol dx, 1
        loop sum$k
        mov ax, dx
        pop si
        pop bp
        ret
_asum$k endp
_amix$k proc near
        push bp
        mov bp, sp
        mov ax, [bp+4]
        mov dx, [bp+6]
        xor ax, dx
        mov cl, $k
        rol ax, cl
        add ax, $k * 101
        pop bp
        ret
_amix$k endp
_TEXT   ends
        end
SRC
done

{
	echo '#include "proj.h"'
	echo 'int main(void)'
	echo '{'
	echo '    int i, t = 0;'
	echo '    for (i = 0; i < 50; i++) {'
	for k in $(seq 1 $nc); do echo "        t += run$k(t + i);"; done
	echo '    }'
	echo '    printf("nmake bench total=%04X\n", t);'
	echo '    return 0;'
	echo '}'
} | crlf >MAIN.C

objs="MAIN.OBJ"
for k in $(seq 1 $nc); do objs="$objs C$k.OBJ"; done
for k in $(seq 1 $na); do objs="$objs A$k.OBJ"; done
# LINK's answers: the objects eight to a line ("+" continues), the run file.
{
	echo "$objs" | tr ' ' '\n' | sed 's/\.OBJ//' | paste -d+ - - - - - - - - | sed 's/+*$//; $!s/$/+/'
	echo "PROG;"
} | crlf >PROG.LNK
{
	echo "# The nmake workload (bench/nmake_project.sh)."
	echo "PROG.EXE: PROG.LNK $objs"
	echo "	link @PROG.LNK"
	echo
	echo "MAIN.OBJ: MAIN.C PROJ.H"
	echo "	cl -c -AS -Ox MAIN.C"
	for k in $(seq 1 $nc); do
		echo
		echo "C$k.OBJ: C$k.C PROJ.H"
		echo "	cl -c -AS -Ox C$k.C"
	done
	for k in $(seq 1 $na); do
		echo
		echo "A$k.OBJ: A$k.ASM"
		echo "	masm A$k;"
	done
} | crlf >MAKEFILE
