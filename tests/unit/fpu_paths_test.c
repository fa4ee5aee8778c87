/*
 * fpu_paths_test.c - the x87's fast paths (src/cpu/fpu_fast.c: the picked
 * handlers, their threaded twins and the runs) against the general paths
 * alone (cpu_set_fpu_fast(false)), instruction for instruction.
 *
 * Random loops of x87 instructions (every form with a fast path, mixed
 * with FLDCW to random precision and rounding controls, FSQRT, FRNDINT,
 * FNCLEX, FWAIT and integer instructions that end runs) over a data area
 * of doubles, singles and integers of every class (normal, zero,
 * denormal, infinity, NaN, values near the overflow and underflow
 * thresholds) run on two 80386s with a 387. After each slice of the
 * budget, the whole x87 state (registers, TOP, empty bits, CW, SW, FIP,
 * FCS, FOP, FDP, FDS), the general registers and the data must be equal.
 * Some loops unmask exceptions, so exceptions go pending and the
 * instructions after them take the general path; some keep data in the
 * page of the code (the fast stores decline there).
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
static void make_program(uint8_t *ram, uint32_t seed, bool unmask, uint16_t data)
{
	uint32_t s = seed;
	uint8_t *p = ram + CODE;
	unsigned n = 0;
	/* MOV BX, data; FNINIT; FLDCW [BX + 0F8h] (the CW slot past the data) */
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
		case 18: p[n++] = 0xDF; p[n++] = 0xE0; break;                     /* FNSTSW AX */
		case 19: n = mem(p, n, 0xD9, 5, &s, 64); break;                   /* FLDCW (slot 0..3 CWs) */
		case 20: p[n++] = 0xDB; p[n++] = 0xE2; break;                     /* FNCLEX */
		case 21: p[n++] = 0x9B; break;                                    /* FWAIT */
		case 22: p[n++] = 0x40 | (r >> 16) % 2; break;                    /* INC AX / CX: ends a run */
		default: n = regop(p, n, 0xD8, reg, rm); break;
		}
	}
	/* JMP loop (near) */
	p[n++] = 0xE9;
	const uint16_t rel = (uint16_t)(loop - (n + 2));
	p[n++] = (uint8_t)rel;
	p[n++] = (uint8_t)(rel >> 8);
	/* The data: doubles, singles, integers; CWs at offsets 0, 40h, 80h,
	 * C0h (FLDCW picks them) and F8h. */
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
		const uint16_t cw = (uint16_t)((unmask ? 0x40 | (rnd(&s) & 0x3F) : 0x7F) | (rnd(&s) & 0xF00));
		memcpy(d + (k < 4 ? k * 0x40 : 0xF8), &cw, 2);
	}
}

struct machine {
	struct cpu c;
	uint8_t *ram;
};

static void machine_init(struct machine *m, const uint8_t *image, bool fast)
{
	memset(m, 0, sizeof(*m));
	m->ram = aligned_alloc(CPU_PAGE_SIZE, RAM);
	assert_non_null(m->ram);
	memcpy(m->ram, image, RAM);
	struct cpu_bus bus = { .ctx = m };
	cpu_init(&m->c, CPU_80386, &bus);
	cpu_set_fpu(&m->c, CPU_FPU_80387);
	cpu_set_fpu_fast(&m->c, fast);
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

static void run_program(uint32_t seed, bool unmask, uint16_t data)
{
	uint8_t *img = calloc(1, RAM);
	assert_non_null(img);
	make_program(img, seed, unmask, data);
	struct machine a, b;
	machine_init(&a, img, true);
	machine_init(&b, img, false);
	for (int round = 0; round < ROUNDS; round++) {
		const enum cpu_exit ea = cpu_run(&a.c, SLICE), eb = cpu_run(&b.c, SLICE);
		assert_int_equal(ea, eb);
		compare(&a, &b, seed, round);
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
	for (uint32_t seed = 1; seed <= 150; seed++)
		run_program(seed * 2654435761u, seed % 5 == 0, seed % 7 == 0 ? NEAR_DATA : DATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_equals_general),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
