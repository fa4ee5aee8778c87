/*
 * fpu_paths_test.c - the x87's fast paths (src/cpu/fpu_fast.c: the picked
 * handlers, their threaded twins and the runs) against the general paths
 * alone (cpu_set_fpu_fast(false)), instruction for instruction.
 *
 * Random loops of x87 instructions (every form with a fast path, mixed
 * with FLDCW to random precision and rounding controls, FSQRT, FRNDINT,
 * FNCLEX, FWAIT, NOP and integer instructions that end runs) over a data area
 * of doubles, singles and integers of every class (normal, zero,
 * denormal, infinity, NaN, values near the overflow and underflow
 * thresholds) run on two 80386s with a 387. After each slice of the
 * budget, the whole x87 state (registers, TOP, empty bits, CW, SW, FIP,
 * FCS, FOP, FDP, FDS), the general registers and the data must be equal.
 * Some loops unmask exceptions, so exceptions go pending and the
 * instructions after them take the general path; some keep data in the
 * page of the code (the fast stores decline there).
 *
 * The same loops run compiled (the JIT forced on the fast machine, against
 * the interpreter's general paths alone): x87 runs (jit_compile.c) with
 * their checks failing and passing, FCS:FIP/FOP/FDS:FDP as FNSTENV stores
 * them after compiled code, and in some loops reads at [DI + disp] with DI
 * moving on every pass until an operand crosses the segment's end: a #GP
 * in the middle of a compiled block (it exits: exception_exit_mask), where
 * both machines must have the same state (the x87's pointers those of the
 * instruction before).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/cpu.h"

enum { RAM = 0x20000, CODE = 0x1000, DATA = 0x3000, NEAR_DATA = 0x1800, SLOTS = 32, ROUNDS = 40, SLICE = 5000 };

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static uint64_t rnd64(uint32_t *s)
{
	return (uint64_t)rnd(s) << 32 | rnd(s);
}

/* A double of a random class. */
static uint64_t random_double(uint32_t *s)
{
	const uint32_t r = rnd(s);
	const uint64_t sign = (uint64_t)(r & 1) << 63;
	uint64_t frac = rnd64(s) & 0xFFFFFFFFFFFFFull;
	if ((r >> 1) % 4 == 0)
		frac &= ~0ull << 30; /* few bits: exact results */
	switch ((r >> 4) % 16) {
	case 0: return sign;                                            /* zero */
	case 1: return sign | frac;                                     /* denormal */
	case 2: return sign | 0x7FF0000000000000ull;                    /* infinity */
	case 3: return sign | 0x7FF0000000000000ull | (frac | 1);       /* NaN */
	case 4: return sign | (uint64_t)(0x7FE - (r >> 8) % 4) << 52 | frac; /* near overflow */
	case 5: return sign | (uint64_t)(1 + (r >> 8) % 4) << 52 | frac;     /* near underflow */
	default: return sign | (uint64_t)(1023 - 8 + (r >> 8) % 16) << 52 | frac;
	}
}

static uint32_t random_single(uint32_t *s)
{
	const uint32_t r = rnd(s);
	const uint32_t sign = (r & 1) << 31, frac = rnd(s) & 0x7FFFFF;
	switch ((r >> 4) % 12) {
	case 0: return sign;
	case 1: return sign | frac;
	case 2: return sign | 0x7F800000u;
	case 3: return sign | (0xFEu - (r >> 8) % 3) << 23 | frac;
	default: return sign | (127u - 6 + (r >> 8) % 12) << 23 | frac;
	}
}

/* [BX + disp8] with BX = the data area: ModR/M 47h | reg << 3. */
static unsigned mem(uint8_t *p, unsigned n, uint8_t op, unsigned reg, uint32_t *s, unsigned size)
{
	p[n++] = op;
	p[n++] = (uint8_t)(0x47 | reg << 3);
	p[n++] = (uint8_t)((rnd(s) % (SLOTS * 8 / size)) * size);
	return n;
}

static unsigned regop(uint8_t *p, unsigned n, uint8_t op, unsigned reg, unsigned rm)
{
	p[n++] = op;
	p[n++] = (uint8_t)(0xC0 | reg << 3 | rm);
	return n;
}

/* The loop at CODE: FNINIT, FLDCW, then random instructions, JMP back. */
/* A read of 8 bytes at [DI + 8k + 4] (DI moves on every pass). */
static unsigned mem_di(uint8_t *p, unsigned n, uint8_t op, unsigned reg, uint32_t *s)
{
	p[n++] = op;
	p[n++] = (uint8_t)(0x45 | reg << 3);
	p[n++] = (uint8_t)((rnd(s) % 16) * 8 + 4);
	return n;
}

static void make_program(uint8_t *ram, uint32_t seed, bool unmask, uint16_t data, bool walk)
{
	uint32_t s = seed;
	uint8_t *p = ram + CODE;
	unsigned n = 0;
	/* MOV DI, data */
	p[n++] = 0xBF;
	p[n++] = (uint8_t)data;
	p[n++] = (uint8_t)(data >> 8);
	/* MOV BX, data; FNINIT; FLDCW [BX - 8] (disp8 F8h) */
	p[n++] = 0xBB;
	p[n++] = (uint8_t)data;
	p[n++] = (uint8_t)(data >> 8);
	p[n++] = 0xDB;
	p[n++] = 0xE3;
	p[n++] = 0xD9;
	p[n++] = 0x6F;
	p[n++] = 0xF8;
	const unsigned loop = n;
	for (int k = 0; k < 48; k++) {
		const uint32_t r = rnd(&s);
		const unsigned reg = (r >> 8) & 7, rm = (r >> 12) & 7;
		switch (r % 24) {
		case 0: case 1: n = mem(p, n, 0xDC, reg, &s, 8); break;           /* arith/compare m64 */
		case 2: n = mem(p, n, 0xD8, reg, &s, 4); break;                   /* arith/compare m32 */
		case 3: case 4: n = mem(p, n, 0xDD, 0, &s, 8); break;             /* FLD m64 */
		case 5: n = mem(p, n, 0xDD, 2 + (r >> 16) % 2, &s, 8); break;     /* FST(P) m64 */
		case 6: n = mem(p, n, 0xD9, 0, &s, 4); break;                     /* FLD m32 */
		case 7: n = mem(p, n, 0xD9, 2 + (r >> 16) % 2, &s, 4); break;     /* FST(P) m32 */
		case 8: n = mem(p, n, (r >> 16) & 1 ? 0xDF : 0xDB, 0, &s, 4); break; /* FILD m16/m32 */
		case 9: case 10: n = regop(p, n, 0xD8, reg == 2 || reg == 3 ? reg : reg, rm); break; /* D8 reg */
		case 11: n = regop(p, n, 0xDC, reg == 2 || reg == 3 ? 1 : reg, rm); break;
		case 12: n = regop(p, n, 0xDE, reg == 2 || reg == 3 ? 5 : reg, rm); break;
		case 13: n = regop(p, n, 0xD9, 0, rm); break;                     /* FLD ST(i) */
		case 14: n = regop(p, n, 0xD9, 1, rm); break;                     /* FXCH */
		case 15: n = regop(p, n, 0xDD, 2 + (r >> 16) % 2, rm); break;     /* FST(P) ST(i) */
		case 16: {                                                        /* unary, constants */
			static const uint8_t un[] = { 0xE0, 0xE1, 0xE4, 0xE8, 0xEE, 0xFA, 0xFC };
			p[n++] = 0xD9;
			p[n++] = un[(r >> 16) % sizeof(un)];
			break;
		}
		case 17: /* FCOMPP, FUCOMPP, FUCOM(P) ST(i) */
			if ((r >> 16) % 3 == 0) {
				p[n++] = 0xDE;
				p[n++] = 0xD9;
			} else if ((r >> 16) % 3 == 1) {
				p[n++] = 0xDA;
				p[n++] = 0xE9;
			} else {
				n = regop(p, n, 0xDD, 4 + (r >> 18) % 2, rm);
			}
			break;
		case 18:
			if ((r >> 16) % 3 == 0) {                                  /* FNSTSW AX */
				p[n++] = 0xDF;
				p[n++] = 0xE0;
			} else if (walk && (r >> 16) % 3 == 1) {                   /* FNSTSW [DI + d] */
				p[n++] = 0xDD;
				p[n++] = 0x7D;
				p[n++] = (uint8_t)(((r >> 18) % 16) * 8 + 4);
			} else {                                                    /* FNSTSW [BX + d] */
				p[n++] = 0xDD;
				p[n++] = 0x7F;
				p[n++] = (uint8_t)(((r >> 18) % SLOTS) * 8);
			}
			break;
		case 19: n = mem(p, n, 0xD9, 5, &s, 64); break;                   /* FLDCW (slot 0..3 CWs) */
		case 20: p[n++] = 0xDB; p[n++] = 0xE2; break;                     /* FNCLEX */
		case 21: p[n++] = (r >> 16) & 1 ? 0x90 : 0x9B; break;            /* NOP, FWAIT */
		case 22: p[n++] = 0x40 | (r >> 16) % 2; break;                    /* INC AX / CX: ends a run */
		case 23:
			if (walk && (r >> 16) % 2) {                               /* FLD/arith m64 at [DI + d] */
				n = mem_di(p, n, (r >> 17) % 2 ? 0xDD : 0xDC, (r >> 17) % 2 ? 0 : reg, &s);
			} else if ((r >> 16) % 4 == 0) {                           /* FNSTENV [BX + 100h] */
				p[n++] = 0xD9;
				p[n++] = 0xB7;
				p[n++] = 0x00;
				p[n++] = 0x01;
			} else {
				n = regop(p, n, 0xD8, reg, rm);
			}
			break;
		default: n = regop(p, n, 0xD8, reg, rm); break;
		}
	}
	/* ADD DI, 44h (a walking DI reaches FFFCh in about 800 passes) */
	p[n++] = 0x83;
	p[n++] = 0xC7;
	p[n++] = 0x44;
	/* JMP loop (near) */
	p[n++] = 0xE9;
	const uint16_t rel = (uint16_t)(loop - (n + 2));
	p[n++] = (uint8_t)rel;
	p[n++] = (uint8_t)(rel >> 8);
	/* The data: doubles, singles, integers; CWs at offsets 0, 40h, -80h,
	 * -40h (FLDCW picks them by disp8 0, 40h, 80h, C0h) and -8. */
	uint8_t *d = ram + data;
	for (unsigned k = 0; k < SLOTS; k++) {
		uint64_t v;
		switch (rnd(&s) % 4) {
		case 0: v = random_single(&s) | (uint64_t)random_single(&s) << 32; break;
		case 1: v = rnd64(&s) >> (rnd(&s) % 64); break;
		default: v = random_double(&s); break;
		}
		memcpy(d + k * 8, &v, 8);
	}
	for (unsigned k = 0; k < 5; k++) {
		/* (half of them round to nearest: the control words compiled
		 * code checks for, with every precision) */
		const uint16_t pcrc = (uint16_t)(rnd(&s) & (rnd(&s) & 1 ? 0x300 : 0x1F00)); /* and IC */
		const uint16_t cw = (uint16_t)((unmask ? 0x40 | (rnd(&s) & 0x3F) : 0x7F) | pcrc);
		static const int at[5] = { 0, 0x40, -0x80, -0x40, -8 };
		memcpy(d + at[k], &cw, 2);
	}
}

/* A loop whose stack is balanced (every register it reads full, every
 * push onto an empty one, nothing left at its end) over normal doubles in
 * [1/2, 4), singles and integers, storing its results apart, under control
 * word cw: what
 * compiled x87 runs do when their checks pass. FNSTSW AX after some
 * instructions keeps the status word in memory; FNCLEX clears what an
 * unmasked PE left pending. */
/* [BX + disp8] of an even slot (doubles) or an odd one (singles and
 * integers in make_balanced()). */
static unsigned mem_slot(uint8_t *p, unsigned n, uint8_t op, unsigned reg, uint32_t *s, bool odd)
{
	p[n++] = op;
	p[n++] = (uint8_t)(0x47 | reg << 3);
	p[n++] = (uint8_t)((rnd(s) % (SLOTS / 2) * 2 + odd) * 8);
	return n;
}

/* [BX + 200h + disp16]: where make_balanced() stores (its operands stay
 * the same normal numbers on every pass). */
static unsigned mem_out(uint8_t *p, unsigned n, uint8_t op, unsigned reg, uint32_t *s)
{
	const unsigned off = 0x200 + rnd(s) % SLOTS * 8;
	p[n++] = op;
	p[n++] = (uint8_t)(0x87 | reg << 3);
	p[n++] = (uint8_t)off;
	p[n++] = (uint8_t)(off >> 8);
	return n;
}

static void make_balanced(uint8_t *ram, uint32_t seed, uint16_t cw)
{
	uint32_t s = seed;
	uint8_t *p = ram + CODE;
	unsigned n = 0, depth = 0, sw_slot = 0;
	/* MOV CX, 3; MOV BX, DATA; FNINIT; FLDCW [BX - 16] (cw with every
	 * exception masked: the first passes, which compile the loop) */
	const uint8_t head[] = { 0xB9, 3, 0, 0xBB, DATA & 0xFF, DATA >> 8, 0xDB, 0xE3, 0xD9, 0x6F, 0xF0 };
	memcpy(p, head, sizeof(head));
	n = sizeof(head);
	const unsigned loop = n;
	for (int k = 0; k < 40; k++) {
		const uint32_t r = rnd(&s);
		const unsigned i = depth ? (r >> 8) % depth : 0;
		static const uint8_t ak[6] = { 0, 1, 4, 5, 6, 7 };
		const unsigned a = ak[(r >> 12) % 6];
		switch (r % 12) {
		case 0: case 1: /* a push */
			if (depth == 7)
				break;
			switch ((r >> 16) % 6) {
			case 0: case 1: n = mem_slot(p, n, 0xDD, 0, &s, false); break;
			case 2: n = mem_slot(p, n, 0xD9, 0, &s, true); break;
			case 3: n = mem_slot(p, n, (r >> 20) & 1 ? 0xDF : 0xDB, 0, &s, true); break;
			case 4: if (depth) { n = regop(p, n, 0xD9, 0, i); break; } /* FLD ST(i) */
				/* fall through */
			default: p[n++] = 0xD9; p[n++] = 0xE8; break; /* FLD1 */
			}
			depth++;
			break;
		case 2: case 3: /* arithmetic with memory */
			if (depth)
				n = mem_slot(p, n, 0xDC, a, &s, false);
			break;
		case 4: /* with m32 */
			if (depth)
				n = mem_slot(p, n, 0xD8, a, &s, true);
			break;
		case 5: case 6: /* on the stack: D8 ST(0), ST(i); DC ST(i), ST(0); DE ...P ST(i), ST(0) */
			if (depth < 2)
				break;
			if ((r >> 16) % 3 == 2) {
				n = regop(p, n, 0xDE, a, 1 + (r >> 20) % (depth - 1));
				depth--;
			} else {
				n = regop(p, n, (r >> 16) % 3 ? 0xDC : 0xD8, a, i);
			}
			break;
		case 7: /* FST/FSTP m64, m32 */
			if (!depth)
				break;
			n = mem_out(p, n, (r >> 16) & 1 ? 0xDD : 0xD9, 2 + (r >> 17) % 2, &s);
			depth -= (r >> 17) % 2;
			break;
		case 8: /* compares */
			if (!depth)
				break;
			if (depth >= 2 && (r >> 16) % 3 == 0) {
				p[n++] = 0xDE, p[n++] = 0xD9; /* FCOMPP */
				depth -= 2;
			} else if ((r >> 16) % 3 == 1) {
				n = mem_slot(p, n, 0xDC, 2, &s, false);
			} else {
				n = regop(p, n, 0xD8, 2, i);
			}
			break;
		case 9: /* FXCH, FST ST(i), FSTP ST(i), FCHS, FABS, FTST */
			if (!depth)
				break;
			switch ((r >> 16) % 5) {
			case 0: n = regop(p, n, 0xD9, 1, i); break;
			case 1: n = regop(p, n, 0xDD, 2, i); break;
			case 4: /* FSTP ST(i), i < depth (ST(0): a plain pop) */
				n = regop(p, n, 0xDD, 3, i);
				depth--;
				break;
			default: p[n++] = 0xD9, p[n++] = (uint8_t)(0xE0 + (r >> 18) % 2 * ((r >> 19) & 1 ? 1 : 4)); break;
			}
			break;
		case 10: /* FNSTSW AX; MOV [BX + 100h + 2k], AX, or FNSTSW [BX + 100h + 2k] */
			if ((r >> 16) & 1) {
				p[n++] = 0xDD, p[n++] = 0xBF;
			} else {
				p[n++] = 0xDF, p[n++] = 0xE0;
				p[n++] = 0x89, p[n++] = 0x87;
			}
			p[n++] = (uint8_t)(sw_slot * 2), p[n++] = 0x01;
			sw_slot = (sw_slot + 1) % 32;
			break;
		default:
			if ((r >> 16) % 8 == 0) {
				p[n++] = 0xDB, p[n++] = 0xE2; /* FNCLEX */
			} else if ((r >> 16) % 8 == 1 && depth && depth < 7) {
				/* FLDZ; FDIVP ST(1), ST(0): ZE */
				p[n++] = 0xD9, p[n++] = 0xEE, p[n++] = 0xDE, p[n++] = 0xF9;
			} else {
				p[n++] = (r >> 16) % 8 < 5 ? 0x9B : 0x90; /* FWAIT, NOP (as compilers' code) */
			}
			break;
		}
	}
	while (depth--)
		n = mem_out(p, n, 0xDD, 3, &s);
	/* DEC CX; JNZ $+5; FLDCW [BX - 8] (cw itself, after three passes) */
	const uint8_t tail[] = { 0x49, 0x75, 0x03, 0xD9, 0x6F, 0xF8 };
	memcpy(p + n, tail, sizeof(tail));
	n += sizeof(tail);
	p[n++] = 0xE9;
	const uint16_t rel = (uint16_t)(loop - (n + 2));
	p[n++] = (uint8_t)rel;
	p[n++] = (uint8_t)(rel >> 8);
	uint8_t *d = ram + DATA;
	for (unsigned k = 0; k < SLOTS; k++) {
		/* a double in [1/2, 4) and, in the odd slots, singles and
		 * small integers for the m32 and integer forms */
		const uint64_t v = (uint64_t)(rnd(&s) & 1) << 63 | (uint64_t)(1022 + rnd(&s) % 3) << 52 |
				   (rnd64(&s) & 0xFFFFFFFFFFFFFull);
		const uint64_t w = (uint64_t)(0x3F000000u + rnd(&s) % 0x1000000u) | (uint64_t)(rnd(&s) % 1000) << 32;
		memcpy(d + k * 8, k % 2 ? &w : &v, 8);
	}
	memcpy(d - 8, &cw, 2);
	const uint16_t masked = cw | 0x3F;
	memcpy(d - 16, &masked, 2);
}

/* Doubles at the edges of the compiled FLD m64 / FST m64 first tries
 * (jit_compile.c emit_x87_inline_m64()): the largest and smallest
 * normals, 2^1023, 2^-1021, denormals, zeros, infinity, NaN, and 2, 1/2,
 * 3/2 to scale them by. */
static const uint64_t edge_doubles[] = {
	0x4000000000000000ull, 0x3FE0000000000000ull, 0x3FF8000000000000ull, 0x7FEFFFFFFFFFFFFFull,
	0xFFEFFFFFFFFFFFFFull, 0x0010000000000000ull, 0x8010000000000000ull, 0x0000000000000001ull,
	0x000FFFFFFFFFFFFFull, 0x0000000000000000ull, 0x8000000000000000ull, 0x7FF0000000000000ull,
	0x7FF8000000000000ull, 0x3FF0000000000000ull, 0x7FE0000000000000ull, 0x0020000000000000ull,
	0x0010000000000001ull, 0x7FEFFFFFFFFFFFFEull, 0x801FFFFFFFFFFFFFull, 0x3FF0000000000001ull,
};
enum { EDGES = sizeof(edge_doubles) / sizeof(edge_doubles[0]) };

/* FLD m16 [BX + d] etc.: op with ModR/M [BX + disp16] (mod 10, rm 111). */
static unsigned bx16(uint8_t *p, unsigned n, uint8_t op, unsigned reg, unsigned disp)
{
	p[n++] = op;
	p[n++] = (uint8_t)(0x87 | reg << 3);
	p[n++] = (uint8_t)disp;
	p[n++] = (uint8_t)(disp >> 8);
	return n;
}

/* MOV BX, DATA; FNINIT; FLDCW [BX - 8] at p: the length (the loop's
 * start). */
static unsigned bx_loop_head(uint8_t *p)
{
	const uint8_t head[] = { 0xBB, DATA & 0xFF, DATA >> 8, 0xDB, 0xE3, 0xD9, 0x6F, 0xF8 };
	memcpy(p, head, sizeof(head));
	return sizeof(head);
}

/* JMP near from p + n back to p + loop. */
static void jmp_back(uint8_t *p, unsigned n, unsigned loop)
{
	p[n++] = 0xE9;
	const uint16_t rel = (uint16_t)(loop - (n + 2));
	p[n++] = (uint8_t)rel;
	p[n++] = (uint8_t)(rel >> 8);
}

/* A loop that loads every edge double (FLD m64), as it is, scaled by 2,
 * 1/2 or 3/2 (FMUL m64) or doubled (FADD ST, ST), and stores it (FSTP
 * m64) beside the others, under cw (exceptions unmasked by it raise #MF
 * on the 486 of prog mf): results beyond the double's range, denormal,
 * rounded (PC 64) or exact, stored through the first tries or not. */
static void make_edges(uint8_t *ram, uint16_t cw)
{
	uint8_t *p = ram + CODE;
	const unsigned loop = bx_loop_head(p);
	unsigned n = loop;
	for (unsigned j = 0; j < EDGES; j++) {
		for (unsigned how = 0; how < 5; how++) {
			n = bx16(p, n, 0xDD, 0, j * 8); /* FLD m64 */
			if (how == 1 || how == 2 || how == 3)
				n = bx16(p, n, 0xDC, 1, (how - 1) * 8); /* FMUL by 2, 1/2, 3/2 */
			else if (how == 4)
				p[n++] = 0xDC, p[n++] = 0xC0; /* FADD ST(0), ST(0) */
			n = bx16(p, n, 0xDD, 3, 0x400 + (j * 5 + how) * 8); /* FSTP m64 */
		}
	}
	jmp_back(p, n, loop);
	memcpy(ram + DATA, edge_doubles, sizeof(edge_doubles));
	memcpy(ram + DATA - 8, &cw, 2);
}

/* A loop of sums of products (FLD m64, FMUL m64: 64 significant bits
 * under PC 64), each sum by one of twelve forms of FADD, FSUB and
 * FSUBR (m64; ST(0) with ST(1), ST(1) with ST(0), and popping), then
 * FNSTSW m16 of its C1 and PE and FSTP m64 of the result: the compiled
 * sums' C1 (rounded up) and PE, not only the last one's. */
static void make_sums(uint8_t *ram, uint32_t seed, uint16_t cw)
{
	uint32_t s = seed;
	uint8_t *p = ram + CODE;
	const unsigned loop = bx_loop_head(p);
	unsigned n = loop;
	for (unsigned j = 0; j < 60; j++) {
		const unsigned form = rnd(&s) % 12, k = form % 3 ? (form % 3 == 1 ? 4 : 5) : 0;
		n = bx16(p, n, 0xDD, 0, (rnd(&s) % SLOTS) * 8); /* FLD m64 */
		n = bx16(p, n, 0xDC, 1, (rnd(&s) % SLOTS) * 8); /* FMUL m64 */
		if (form < 3) {
			n = bx16(p, n, 0xDC, k, (rnd(&s) % SLOTS) * 8); /* FADD/FSUB/FSUBR m64 */
		} else { /* (form 3-5: D8, 6-8: DC, 9-11: DE) */
			n = bx16(p, n, 0xDD, 0, (rnd(&s) % SLOTS) * 8);
			n = bx16(p, n, 0xDC, 1, (rnd(&s) % SLOTS) * 8);
			/* D8 (ST(0) op ST(1)), DC (ST(1) op ST(0)), DE (... and pop) */
			static const uint8_t esc[3] = { 0xD8, 0xDC, 0xDE };
			const uint8_t e = esc[form / 3 - 1];
			p[n++] = e, p[n++] = (uint8_t)(0xC1 | k << 3);
		}
		n = bx16(p, n, 0xDD, 7, 0x400 + j * 2); /* FNSTSW m16 */
		n = bx16(p, n, 0xDD, 3, 0x800 + j * 8); /* FSTP m64 */
		if (form >= 3 && form < 9) /* (D8, DC: the other one) */
			n = bx16(p, n, 0xDD, 3, 0x600 + j * 8);
	}
	jmp_back(p, n, loop);
	for (unsigned k = 0; k < SLOTS; k++) {
		const uint64_t v = (uint64_t)(rnd(&s) & 1) << 63 | (uint64_t)(1022 + rnd(&s) % 3) << 52 |
				   (rnd64(&s) & 0xFFFFFFFFFFFFFull);
		memcpy(ram + DATA + k * 8, &v, 8);
	}
	memcpy(ram + DATA - 8, &cw, 2);
}

/* An 80-bit value for make_products(): mostly normal numbers near 1
 * with significands of 64, 53 and 24 random bits, ones that make ties
 * (1.5, 1.25, odd multiples of the last place), all ones or 1 + 2^-63
 * times all ones but the last bit (roundings that carry out of the
 * significand), 1, and 1 + 2^-63 times significands ending in 3FFh
 * (exactly half an ulp at 53 bits in the kept bits, below it a sticky
 * bit), exponents whose products land near the overflow and underflow
 * thresholds or 62-65 from 1's, and a few zeros, denormals,
 * pseudo-denormals, unnormals, infinities and NaNs. */
static void random_f80(uint32_t *s, uint8_t out[10])
{
	const uint32_t r = rnd(s);
	uint64_t m = rnd64(s) | 1ull << 63;
	switch ((r >> 1) % 8) {
	case 0: m &= ~0ull << 11; break; /* 53 bits */
	case 1: m &= ~0ull << 40; break; /* 24 bits */
	case 2: m = (r >> 8) % 2 ? 0xC000000000000000ull : 0xA000000000000000ull; break;
	case 3: m = (r >> 8) % 3 == 0 ? ~0ull << 11 : (r >> 8) % 3 == 1 ? ~0ull : ~1ull; break;
	case 4: m = 0x8000000000000000ull | ((r >> 8) % 4 ? 1ull << ((r >> 8) % 4 - 1) * 11 : 0); break;
	case 5: m = (m & ~0xFFFull) | 0x3FF; break; /* times 1 + 2^-63: half an ulp at 53 bits, and sticky */
	default: break;
	}
	unsigned e;
	switch ((r >> 4) % 16) {
	case 0: e = 0x5FFE + (r >> 9) % 4; break;       /* products near 7FFFh */
	case 1: e = 0x1FFE + (r >> 9) % 4; break;       /* products near 0 */
	case 2: e = 0x7FFE - (r >> 9) % 2; break;
	case 3: e = 1 + (r >> 9) % 2; break;
	case 4: e = 0, m = (r >> 9) % 2 ? 0 : m >> 1; break; /* zero, denormal */
	case 5: e = (r >> 9) % 2 ? 0 : 0x3FFF, m |= 1ull << 63; /* pseudo-denormal, or */
		if (e)
			m &= ~(1ull << 63); /* an unnormal */
		break;
	case 6: e = 0x7FFF, m = (r >> 9) % 2 ? 1ull << 63 : m; break; /* infinity, NaN */
	case 7: e = 0x3FFF + 62 + (r >> 9) % 4; break;
	default: e = 0x3FFE + (r >> 9) % 3; break;
	}
	const uint16_t se = (uint16_t)((r & 1) << 15 | e);
	memcpy(out, &m, 8);
	memcpy(out + 8, &se, 2);
}

/* A loop of products and sums in every FMUL, FADD, FSUB and FSUBR form
 * with a register operand, and with an m64 operand: three values loaded
 * by FLD m80 (the general path: any 80-bit value), FXCH, then two of
 * FMUL, FADD, FSUB, FSUBR ST(0), ST(j), the same ST(j), ST(0), their
 * popping forms (j 0-2) and the m64 forms, each followed by FNSTSW m16
 * (its C1 and PE), and FSTP m80 of what is left: the compiled first tries
 * (jit_compile.c emit_x87_inline_fmul(), emit_x87_inline_sum()) with
 * their flags, compared one by one. */
static void make_products(uint8_t *ram, uint32_t seed, uint16_t cw)
{
	uint32_t s = seed;
	uint8_t *p = ram + CODE;
	const unsigned loop = bx_loop_head(p);
	unsigned n = loop;
	for (unsigned j = 0; j < 40; j++) {
		const unsigned pair = j % 4 ? SLOTS : rnd(&s) % 4 * 2; /* (slots 0-7: pairs) */
		for (unsigned v = 0; v < 3; v++)
			n = bx16(p, n, 0xDB, 5, (v < 2 && pair < SLOTS ? pair + v : rnd(&s) % SLOTS) * 10); /* FLD m80 */
		p[n++] = 0xD9, p[n++] = 0xC9; /* FXCH ST(1) */
		unsigned left = 3;
		for (unsigned k = 0; k < 2; k++) {
			/* 0-2 FMUL (D8, DC, DE), 3 FMUL m64, 4-12 FADD, FSUB, FSUBR
			 * (D8, DC, DE), 13-15 FADD, FSUB, FSUBR m64 */
			const unsigned form = rnd(&s) % 16, rm = rnd(&s) % 3;
			static const uint8_t esc[3] = { 0xD8, 0xDC, 0xDE }, sum_reg[3] = { 0, 4, 5 };
			if (form == 3 || form >= 13) {
				n = bx16(p, n, 0xDC, form == 3 ? 1 : sum_reg[form - 13], 0x200 + (rnd(&s) % 16) * 8);
			} else {
				const unsigned e = form < 3 ? form : (form - 4) / 3, reg = form < 3 ? 1 : sum_reg[(form - 4) % 3];
				p[n++] = esc[e], p[n++] = (uint8_t)(0xC0 | reg << 3 | (rm < left ? rm : 1));
				left -= e == 2;
			}
			n = bx16(p, n, 0xDD, 7, 0x400 + (j * 2 + k) * 2); /* FNSTSW m16 */
		}
		for (unsigned v = 0; v < left; v++)
			n = bx16(p, n, 0xDB, 7, 0x600 + (j * 3 + v) * 10); /* FSTP m80 */
	}
	jmp_back(p, n, loop);
	for (unsigned k = 0; k < SLOTS; k++)
		random_f80(&s, ram + DATA + k * 10);
	/* Pairs in slots 0-7 that some products and sums take together: 1 and
	 * 1 - 2^-64 (a difference with nothing in its upper 64 bits), a value
	 * and itself (an exact zero), and exponents 64 and 63 apart. */
	const uint64_t pm[8] = { 1ull << 63, ~0ull, rnd64(&s) | 1ull << 63, 0, rnd64(&s) | 1ull << 63,
				 rnd64(&s) | 1ull << 63, rnd64(&s) | 1ull << 63, rnd64(&s) | 1ull << 63 };
	const uint16_t sign = (uint16_t)(rnd(&s) & 0x8000);
	const uint16_t pe[8] = { 0x3FFF, 0x3FFE, 0x3FFF, 0x3FFF, 0x3FFF, 0x3FFF - 64, 0x3FFF, 0x3FFF - 63 };
	for (unsigned k = 0; k < 8; k++) {
		const uint64_t v = k == 3 ? pm[2] : pm[k];
		const uint16_t w = (uint16_t)(sign | pe[k]);
		memcpy(ram + DATA + k * 10, &v, 8);
		memcpy(ram + DATA + k * 10 + 8, &w, 2);
	}
	for (unsigned k = 0; k < 16; k++) {
		uint64_t v = random_double(&s);
		if (k < 4) /* 1.5, 1.25: ties */
			v = k % 2 ? 0x3FF8000000000000ull : 0x3FF4000000000000ull;
		memcpy(ram + DATA + 0x200 + k * 8, &v, 8);
	}
	memcpy(ram + DATA - 8, &cw, 2);
}

struct machine {
	struct cpu c;
	uint8_t *ram;
};

/* One loop: make_program()'s (unmask, data, walk) or make_balanced()'s
 * (balanced, cw), run on the fast paths, compiled when jit, on a 486 with
 * CR0.NE (unmasked exceptions: #MF) when mf, on an 8086 with an 8087 or
 * a 286 with a 287 (fpu, their own arithmetic rules) when fpu is set. */
struct prog {
	uint32_t seed;
	bool unmask, walk, balanced, edges, sums, products, jit, mf;
	uint16_t data, cw;
	enum cpu_fpu fpu;
};

static void machine_init(struct machine *m, const uint8_t *image, bool fast, const struct prog *g)
{
	memset(m, 0, sizeof(*m));
	m->ram = aligned_alloc(CPU_PAGE_SIZE, RAM);
	assert_non_null(m->ram);
	memcpy(m->ram, image, RAM);
	struct cpu_bus bus = { .ctx = m };
	const enum cpu_model model = g->fpu == CPU_FPU_8087	 ? CPU_8086
				     : g->fpu == CPU_FPU_80287 ? CPU_80286
				     : g->mf		       ? CPU_80486
							       : CPU_80386;
	cpu_init(&m->c, model, &bus);
	cpu_set_fpu(&m->c, g->fpu ? g->fpu : CPU_FPU_80387);
	cpu_set_fpu_fast(&m->c, fast);
	cpu_set_jit(&m->c, fast && g->jit ? CPU_JIT_FORCE : CPU_JIT_OFF);
	m->c.exception_exit_mask = 1u << 12 | 1u << 13 | 1u << 16;
	if (g->mf)
		m->c.in.cr0 |= CR0_NE;
	assert_int_equal(cpu_map_ram(&m->c, 0, RAM, m->ram, true), 0);
	for (int s = 0; s < SEG_COUNT; s++)
		cpu_load_seg(&m->c, (enum cpu_seg)s, 0);
	m->c.ip = CODE;
	m->c.r[REG_SP].d = 0xFFF0;
}

static void compare(const struct machine *a, const struct machine *b, uint32_t seed, int round)
{
	const struct cpu_x87 *x = &a->c.x87, *y = &b->c.x87;
	const bool same = !memcmp(x->m, y->m, sizeof(x->m)) && !memcmp(x->se, y->se, sizeof(x->se)) &&
			  x->cw == y->cw && x->sw == y->sw && x->top == y->top && x->empty == y->empty &&
			  x->fop == y->fop && x->fcs == y->fcs && x->fds == y->fds && x->fip == y->fip &&
			  x->fdp == y->fdp && x->ferr == y->ferr;
	if (!same) {
		print_error("seed %u round %d: fast cw %04X sw %04X top %u empty %02X fip %X fop %X fdp %X, "
			    "general cw %04X sw %04X top %u empty %02X fip %X fop %X fdp %X\n",
			    seed, round, x->cw, x->sw, x->top, x->empty, x->fip, x->fop, x->fdp, y->cw, y->sw, y->top,
			    y->empty, y->fip, y->fop, y->fdp);
		for (int k = 0; k < 8; k++)
			if (x->m[k] != y->m[k] || x->se[k] != y->se[k])
				print_error("  R%d %04X:%016llX vs %04X:%016llX\n", k, x->se[k],
					    (unsigned long long)x->m[k], y->se[k], (unsigned long long)y->m[k]);
		fail();
	}
	assert_memory_equal(a->c.r, b->c.r, sizeof(a->c.r));
	assert_int_equal(a->c.ip, b->c.ip);
	assert_int_equal(a->c.retired, b->c.retired);
	assert_memory_equal(a->ram, b->ram, RAM);
}

/* Run g on both machines; the exceptions it ended with are counted in
 * *faults. */
static void run_program(const struct prog *g, unsigned *faults)
{
	const uint32_t seed = g->seed;
	uint8_t *img = calloc(1, RAM);
	assert_non_null(img);
	if (g->edges)
		make_edges(img, g->cw);
	else if (g->sums)
		make_sums(img, seed, g->cw);
	else if (g->products)
		make_products(img, seed, g->cw);
	else if (g->balanced)
		make_balanced(img, seed, g->cw);
	else
		make_program(img, seed, g->unmask, g->data, g->walk);
	struct machine a, b;
	machine_init(&a, img, true, g);
	machine_init(&b, img, false, g);
	for (int round = 0; round < ROUNDS; round++) {
		const enum cpu_exit ea = cpu_run(&a.c, SLICE), eb = cpu_run(&b.c, SLICE);
		assert_int_equal(ea, eb);
		compare(&a, &b, seed, round);
		if (ea == CPU_EXIT_EXCEPTION) {
			assert_int_equal(a.c.exit.vector, b.c.exit.vector);
			++*faults;
		}
		if (ea != CPU_EXIT_BUDGET)
			break;
	}
	cpu_destroy(&a.c);
	cpu_destroy(&b.c);
	free(a.ram);
	free(b.ram);
	free(img);
}

static void test_fast_equals_general(void **state)
{
	(void)state;
	unsigned faults = 0;
	for (uint32_t seed = 1; seed <= 150; seed++)
		run_program(&(struct prog){ .seed = seed * 2654435761u, .unmask = seed % 5 == 0,
					    .data = seed % 7 == 0 ? NEAR_DATA : DATA },
			    &faults);
}

/* The fast machine compiled (the JIT forced): the x87 runs of
 * jit_compile.c against the general paths; a third of the loops read
 * through a walking DI, and some of those (11 with these seeds) fault in
 * the middle of a compiled block. */
static void test_compiled_equals_general(void **state)
{
	(void)state;
	unsigned faults = 0;
	for (uint32_t seed = 1; seed <= 150; seed++)
		run_program(&(struct prog){ .seed = seed * 2246822519u, .unmask = seed % 5 == 0,
					    .data = seed % 7 == 0 ? NEAR_DATA : DATA, .jit = true, .walk = seed % 3 == 0 },
			    &faults);
	print_message("%u loops ended in a #GP in compiled code\n", faults);
	assert_true(faults >= 8);
}

/* The random loops on the 8087 and the 287, interpreted and compiled:
 * their fast paths must leave the infinities (projective while IC is
 * clear, and the random CWs set it in some loops), NaNs and stack faults
 * to the general path, which has those chips' rules (fpu_arith.h FM_*). */
static void test_old_fpus_fast_equals_general(void **state)
{
	(void)state;
	unsigned faults = 0;
	for (uint32_t seed = 1; seed <= 80; seed++)
		run_program(&(struct prog){ .seed = seed * 2654435761u + 3, .unmask = seed % 5 == 0,
					    .data = seed % 7 == 0 ? NEAR_DATA : DATA, .jit = seed % 2 == 0,
					    .walk = seed % 6 == 0, .fpu = seed % 4 < 2 ? CPU_FPU_8087 : CPU_FPU_80287 },
			    &faults);
}

/* Balanced loops compiled (their runs' checks pass) against the general
 * paths, under every precision and rounding control, with every exception
 * masked, and on a 486 with CR0.NE with PE or ZE unmasked after the
 * first passes: the first inexact result or zero divide leaves an
 * exception pending, and the next waiting x87 instruction, compiled,
 * raises #MF. */
static void test_compiled_runs_every_cw(void **state)
{
	(void)state;
	unsigned mf = 0;
	for (unsigned k = 0; k < 96; k++) {
		static const uint16_t masks[3] = { 0x3F, 0x1F, 0x3B };
		run_program(&(struct prog){ .seed = k * 2654435761u + 1, .balanced = true, .jit = true, .mf = k >= 32,
					    .cw = (uint16_t)((k & 0xF) << 8 | masks[k / 32] | 0x40) },
			    &mf);
	}
	print_message("%u loops ended in #MF\n", mf);
	assert_true(mf >= 40);
}

/* 48 more balanced loops compiled with PC 53 to nearest (027Fh, the
 * Mandelbrot benchmark's control word) and 64 bits (037Fh), every
 * exception masked: the compiled arithmetic's lean paths (fpu_fast.c,
 * host doubles for FADD/FSUB/FSUBR on doubles) against the general
 * paths. (test_compiled_equals_general meets FSUBR m64 under 027Fh only
 * on NaNs: an FSUBR computed as FSUB in the lean path passed it.) */
static void test_compiled_runs_pc53(void **state)
{
	(void)state;
	unsigned mf = 0;
	for (unsigned k = 0; k < 48; k++)
		run_program(&(struct prog){ .seed = k * 2246822519u + 7, .balanced = true, .jit = true,
					    .cw = k % 3 ? 0x027F : 0x037F },
			    &mf);
	assert_int_equal(mf, 0);
}

/* The edge doubles through compiled runs (make_edges()) under PC 53 and
 * 64 to nearest, every exception masked, and with OE, UE or DE unmasked
 * on a 486 with CR0.NE: the inline FLD m64 and FST m64 take only what
 * they convert exactly, and leave overflow, underflow, denormals,
 * rounding, zeros and NaNs to the fast paths' calls and handlers. */
static void test_compiled_edges(void **state)
{
	(void)state;
	static const uint16_t cws[] = { 0x027F, 0x037F, 0x0277, 0x0377, 0x026F, 0x036F, 0x027D };
	unsigned mf = 0;
	for (unsigned k = 0; k < sizeof(cws) / sizeof(cws[0]); k++)
		run_program(&(struct prog){ .edges = true, .jit = true, .mf = k >= 2, .cw = cws[k] }, &mf);
	print_message("%u loops ended in #MF\n", mf);
	assert_int_equal(mf, 5);
}

/* make_sums() compiled under PC 64 and 53 to nearest (037Fh, 027Fh),
 * every exception masked: the C1 and PE of every compiled sum. */
static void test_compiled_sums(void **state)
{
	(void)state;
	unsigned mf = 0;
	for (unsigned k = 0; k < 24; k++)
		run_program(&(struct prog){ .seed = k * 2654435761u + 3, .sums = true, .jit = true,
					    .cw = k % 3 ? 0x037F : 0x027F },
			    &mf);
	assert_int_equal(mf, 0);
}

/* make_products() compiled under PC 64 and 53 to nearest (037Fh,
 * 027Fh: the inline products), PC 24, the other rounding controls and
 * the reserved PC 01 (the runs' check sends those to the handlers), and
 * on a 486 with CR0.NE with PE unmasked (the first inexact product is
 * pending: #MF) or OE or UE unmasked (the products near the thresholds
 * must not be computed inline). */
static void test_compiled_products(void **state)
{
	(void)state;
	static const uint16_t cws[] = { 0x037F, 0x027F, 0x037F, 0x027F, 0x007F, 0x077F, 0x0B7F, 0x0F7F, 0x017F, 0x035F, 0x0277, 0x036F };
	unsigned mf = 0;
	for (unsigned k = 0; k < 48; k++) {
		const unsigned c = k < 24 ? k % 4 : 4 + k % 8;
		run_program(&(struct prog){ .seed = k * 2246822519u + 5, .products = true, .jit = true, .mf = c >= 9,
					    .cw = cws[c] },
			    &mf);
	}
	print_message("%u loops ended in #MF\n", mf);
	assert_true(mf >= 3);
}

#if defined(__x86_64__)
/* The same loops compiled while the host's MXCSR rounds up, toward zero
 * or flushes to zero: the runs' check sends them to the handlers (the
 * lean paths' sums in host doubles need binary64 to nearest), and the
 * results stay the general paths'. */
static void test_compiled_runs_odd_mxcsr(void **state)
{
	(void)state;
	static const uint32_t odd[] = { 0x1F80 | 2u << 13, 0x1F80 | 3u << 13, 0x1F80 | 1u << 15 };
	uint32_t saved;
	__asm__ volatile("stmxcsr %0" : "=m"(saved));
	unsigned mf = 0;
	for (unsigned k = 0; k < 12; k++) {
		__asm__ volatile("ldmxcsr %0" : : "m"(odd[k % 3]));
		run_program(&(struct prog){ .seed = k * 2246822519u + 7, .balanced = true, .jit = true, .cw = 0x027F },
			    &mf);
		__asm__ volatile("ldmxcsr %0" : : "m"(saved));
	}
	assert_int_equal(mf, 0);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_equals_general),
		cmocka_unit_test(test_compiled_equals_general),
		cmocka_unit_test(test_old_fpus_fast_equals_general),
		cmocka_unit_test(test_compiled_runs_every_cw),
		cmocka_unit_test(test_compiled_runs_pc53),
		cmocka_unit_test(test_compiled_edges),
		cmocka_unit_test(test_compiled_sums),
		cmocka_unit_test(test_compiled_products),
#if defined(__x86_64__)
		cmocka_unit_test(test_compiled_runs_odd_mxcsr),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
