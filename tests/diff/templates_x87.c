/*
 * templates_x87.c - cpu-diff's fpu mode: x87 instructions on random values
 * (real mode, a 387 on both sides).
 *
 * Every sequence starts with FNINIT, FLDCW (all exceptions masked, a
 * random precision and rounding control) and two to six FLDs of random
 * 80-bit values; the generator tracks the stack depth so that no
 * instruction overflows or underflows the stack.
 *
 * Unicorn 2.0.1's x87 is QEMU 5.0's, which gets these wrong or leaves
 * them out, so they are not generated or not compared (the guest tests
 * in tests/guest/x87*.asm and tests/unit/fpu_host.c, against the Intel
 * manuals and the host's x87, cover them):
 *  - the exception flags (QEMU 5.0 sets few of them: the x87 exception
 *    work went into QEMU 5.1), C1 (neither round-up nor stack faults),
 *    SF, ES and B: only TOP, C0, C2, C3 of the status word are compared,
 *    and FNSTSW AX's other bits are left uncompared;
 *  - stack overflow and underflow (QEMU 5.0 has no stack fault checks);
 *  - unsupported formats (unnormals, pseudo-NaNs, pseudo-infinities: QEMU
 *    5.0 computes with them) and SNaNs;
 *  - the transcendental instructions, FPREM and FPREM1 (QEMU 5.0 computes
 *    them with the host's double);
 *  - FXTRACT (QEMU 5.0 takes the raw exponent of zeros, denormals and
 *    infinities), FSCALE (it rounds by the precision control, and scales
 *    by an infinite ST(1) as by a large finite number), FBSTP (no range
 *    check: out-of-range values store digits instead of the indefinite;
 *    and a negative value rounding to zero loses its sign), the constants
 *    other than 1 and 0 (rounded to nearest whatever RC says), FSQRT of a
 *    negative number (C2 set);
 *  - denormal operands are generated, the DE flag is not compared.
 */
#include "gen.h"

#include <string.h>

#define RNG (&g->rng)

/* A random 80-bit value: mostly normal numbers of moderate exponent, also
 * zeros, infinities, QNaNs, denormals and extreme exponents. */
static void rand_f80(struct gen *g, uint64_t *m, uint16_t *se)
{
	const uint32_t k = rng_below(RNG, 32);
	uint16_t sign = (uint16_t)(rng_below(RNG, 2) << 15);
	uint64_t mant = (uint64_t)rng_u32(RNG) << 32 | rng_u32(RNG);
	uint16_t e;
	if (k < 20) {
		e = (uint16_t)(0x3FFF + (int)rng_below(RNG, 80) - 40);
		if (k < 6) /* few significant bits: exact results, ties */
			mant &= ~0ull << rng_range(RNG, 11, 62);
	} else if (k < 22) {
		e = 0;
		mant = 0;
	} else if (k < 23) {
		e = 0x7FFF;
		mant = 0;
	} else if (k < 24) {
		e = 0x7FFF;
		mant |= 1ull << 62; /* QNaN */
	} else if (k < 26) {
		e = 0;
		mant &= ~(1ull << 63); /* denormal */
		if (!mant)
			mant = 1;
	} else if (k < 28) {
		e = (uint16_t)rng_range(RNG, 1, 40);
	} else if (k < 30) {
		e = (uint16_t)rng_range(RNG, 0x7FD0, 0x7FFE);
	} else {
		e = (uint16_t)rng_range(RNG, 1, 0x7FFE);
	}
	if (e != 0)
		mant |= 1ull << 63; /* no unnormals */
	*m = mant;
	*se = (uint16_t)(sign | e);
}

/* A memory operand of `width` bytes holding `bytes` (NULL: for a store). */
static void mem_with(struct gen *g, struct opnd *o, unsigned width, const uint8_t *bytes)
{
	memset(o, 0, sizeof *o);
	o->is_mem = true;
	/* MEM_WRITE for loads too: the set-up stores cannot go through CS. */
	gen_mem(g, &o->m, width, MEM_WRITE, 0, 0, (uint16_t)(0x10000 - width));
	if (!bytes)
		return;
	for (unsigned k = 0; k < width;) {
		const unsigned n = width - k >= 4 ? 4 : width - k >= 2 ? 2 : 1;
		uint32_t v = 0;
		memcpy(&v, bytes + k, n);
		setup_store(g, o->m.seg, (uint16_t)(o->m.ea + k), v, n);
		k += n;
	}
}

static struct insn *emit_esc(struct gen *g, unsigned esc, unsigned reg, const struct opnd *o, const char *name)
{
	struct ib ib = { .n = 0 };
	char a[40];
	ib_prefixes(g, &ib, false, o);
	ib_put8(&ib, 0xD8 + esc);
	ib_modrm(&ib, reg, o);
	opnd_text(a, sizeof a, o, 4);
	return emit(g, &ib, "%s %s", name, a);
}

static struct insn *emit_reg(struct gen *g, unsigned esc, unsigned modrm, const char *name)
{
	struct ib ib = { .n = 0 };
	ib_put8(&ib, 0xD8 + esc);
	ib_put8(&ib, modrm);
	return emit(g, &ib, "%s (%02X %02X)", name, 0xD8 + esc, modrm);
}

/* A random value in a memory format: real32/64/80, int16/32/64. */
enum fmt { M_R32, M_R64, M_R80, M_I16, M_I32, M_I64, M_BCD };
static const unsigned fmt_width[] = { 4, 8, 10, 2, 4, 8, 10 };

static void rand_mem_value(struct gen *g, enum fmt f, uint8_t *b)
{
	uint64_t m;
	uint16_t se;
	rand_f80(g, &m, &se);
	switch (f) {
	case M_R80:
		memcpy(b, &m, 8);
		memcpy(b + 8, &se, 2);
		break;
	case M_R64: {
		/* A double of the same kind of value: sign, exponent, fraction. */
		const unsigned e = se & 0x7FFF;
		uint64_t d = (uint64_t)(se >> 15) << 63;
		if (e == 0x7FFF)
			d |= 0x7FFull << 52 | ((m & ~(1ull << 63)) >> 11);
		else if (e >= 0x3FFF - 1022 && e <= 0x3FFF + 1023)
			d |= (uint64_t)(e - 0x3FFF + 1023) << 52 | ((m >> 11) & 0xFFFFFFFFFFFFFull);
		else if (e)
			d |= (uint64_t)rng_range(RNG, 0, 0x7FE) << 52 | ((m >> 11) & 0xFFFFFFFFFFFFFull);
		memcpy(b, &d, 8);
		break;
	}
	case M_R32: {
		const unsigned e = se & 0x7FFF;
		uint32_t s = (uint32_t)(se >> 15) << 31;
		if (e == 0x7FFF)
			s |= 0xFFu << 23 | (uint32_t)((m & ~(1ull << 63)) >> 40);
		else if (e >= 0x3FFF - 126 && e <= 0x3FFF + 127)
			s |= (uint32_t)(e - 0x3FFF + 127) << 23 | (uint32_t)((m >> 40) & 0x7FFFFF);
		else if (e)
			s |= (uint32_t)rng_range(RNG, 0, 0xFE) << 23 | (uint32_t)((m >> 40) & 0x7FFFFF);
		memcpy(b, &s, 4);
		break;
	}
	case M_BCD:
		for (unsigned k = 0; k < 9; k++)
			b[k] = (uint8_t)(rng_below(RNG, 10) << 4 | rng_below(RNG, 10));
		b[9] = (uint8_t)(rng_below(RNG, 2) << 7);
		break;
	default: {
		const uint64_t v = rng_below(RNG, 4) ? (uint64_t)(int64_t)(int32_t)rng_value(RNG, 32)
						  : (uint64_t)rng_u32(RNG) << 32 | rng_u32(RNG);
		memcpy(b, &v, fmt_width[f]);
		break;
	}
	}
}

void x87_prologue(struct gen *g)
{
	struct ib ib = { .n = 0 };
	ib_put8(&ib, 0xDB);
	ib_put8(&ib, 0xE3);
	emit_setup(g, &ib, "fninit");
	static const uint16_t pcs[3] = { 0x000, 0x200, 0x300 };
	const uint16_t cw = (uint16_t)(0x007F | pcs[rng_below(RNG, 3)] | rng_below(RNG, 4) << 10);
	struct opnd o;
	mem_with(g, &o, 2, (const uint8_t *)&cw);
	ib.n = 0;
	ib_prefixes(g, &ib, false, &o);
	ib_put8(&ib, 0xD9);
	ib_modrm(&ib, 5, &o);
	emit_setup(g, &ib, "fldcw");
	g->fcw = cw;
	g->fdepth = rng_range(RNG, 2, 6);
	for (unsigned k = 0; k < g->fdepth; k++) {
		uint8_t b[10];
		rand_mem_value(g, M_R80, b);
		mem_with(g, &o, 10, b);
		ib.n = 0;
		ib_prefixes(g, &ib, false, &o);
		ib_put8(&ib, 0xDB);
		ib_modrm(&ib, 5, &o);
		emit_setup(g, &ib, "fld tword");
	}
}

/* FLD/FILD/FBLD from memory, the constants, FLD ST(i). */
void t_x87_load(struct gen *g)
{
	if (g->fdepth >= 8) {
		emit_reg(g, 5, 0xD8, "fstp st0"); /* make room */
		g->fdepth--;
		return;
	}
	static const struct { enum fmt f; uint8_t esc, reg; const char *name; } loads[] = {
		{ M_R32, 1, 0, "fld dword" }, { M_R64, 5, 0, "fld qword" }, { M_R80, 3, 5, "fld tword" },
		{ M_I16, 7, 0, "fild word" }, { M_I32, 3, 0, "fild dword" }, { M_I64, 7, 5, "fild qword" },
		{ M_BCD, 7, 4, "fbld" },
	};
	const unsigned k = rng_below(RNG, g->fdepth ? 9 : 8); /* FLD ST(i) needs one */
	if (k < 7) {
		uint8_t b[10];
		struct opnd o;
		rand_mem_value(g, loads[k].f, b);
		mem_with(g, &o, fmt_width[loads[k].f], b);
		emit_esc(g, loads[k].esc, loads[k].reg, &o, loads[k].name);
	} else if (k == 7) {
		/* FLD1 and FLDZ: QEMU 5.0 rounds the others to nearest whatever RC says. */
		emit_reg(g, 1, coin(g) ? 0xE8 : 0xEE, "fld1/fldz");
	} else {
		emit_reg(g, 1, 0xC0 + rng_below(RNG, g->fdepth), "fld st(i)");
	}
	g->fdepth++;
}

/* FST/FSTP/FIST/FISTP/FBSTP to memory, FST/FSTP ST(i). */
void t_x87_store(struct gen *g)
{
	if (g->fdepth == 0) {
		emit_reg(g, 1, 0xE8, "fld1");
		g->fdepth++;
		return;
	}
	static const struct { enum fmt f; uint8_t esc, reg; bool pop; const char *name; } stores[] = {
		{ M_R32, 1, 2, false, "fst dword" }, { M_R32, 1, 3, true, "fstp dword" },
		{ M_R64, 5, 2, false, "fst qword" }, { M_R64, 5, 3, true, "fstp qword" },
		{ M_R80, 3, 7, true, "fstp tword" }, { M_I16, 7, 2, false, "fist word" },
		{ M_I16, 7, 3, true, "fistp word" }, { M_I32, 3, 2, false, "fist dword" },
		{ M_I32, 3, 3, true, "fistp dword" }, { M_I64, 7, 7, true, "fistp qword" },
		{ M_BCD, 7, 6, true, "fbstp" },
	};
	/* (FBSTP, stores[10], is not generated: above.) */
	const unsigned k = rng_below(RNG, 12);
	bool pop;
	if (k < 10) {
		struct opnd o;
		mem_with(g, &o, fmt_width[stores[k].f], NULL);
		emit_esc(g, stores[k].esc, stores[k].reg, &o, stores[k].name);
		pop = stores[k].pop;
	} else {
		pop = k == 11;
		emit_reg(g, 5, (pop ? 0xD8 : 0xD0) + rng_below(RNG, g->fdepth), pop ? "fstp st(i)" : "fst st(i)");
	}
	if (pop)
		g->fdepth--;
}

static const char *const arith_name[8] = { "fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr" };

/* The arithmetic group with a memory operand: real32, int32, real64, int16. */
void t_x87_arith_mem(struct gen *g)
{
	if (g->fdepth == 0) {
		emit_reg(g, 1, 0xEE, "fldz");
		g->fdepth++;
		return;
	}
	static const enum fmt f[4] = { M_R32, M_I32, M_R64, M_I16 };
	const unsigned esc = rng_below(RNG, 4) * 2;
	unsigned reg = rng_below(RNG, 8);
	uint8_t b[10];
	struct opnd o;
	rand_mem_value(g, f[esc / 2], b);
	mem_with(g, &o, fmt_width[f[esc / 2]], b);
	emit_esc(g, esc, reg, &o, arith_name[reg]);
	if (reg == 3)
		g->fdepth--;
}

/* The register forms: D8 (ST0 op= ST(i)), DC (ST(i) op= ST0), DE (and pop). */
void t_x87_arith_reg(struct gen *g)
{
	if (g->fdepth < 2) {
		emit_reg(g, 1, 0xE8, "fld1");
		g->fdepth++;
		return;
	}
	static const uint8_t escs[3] = { 0, 4, 6 };
	const unsigned esc = escs[rng_below(RNG, 3)];
	unsigned reg = rng_below(RNG, 6);
	reg = reg >= 2 ? reg + 2 : reg; /* 0 1 4 5 6 7 */
	const unsigned i = rng_below(RNG, g->fdepth);
	emit_reg(g, esc, 0xC0 + reg * 8 + i, arith_name[reg]);
	if (esc == 6)
		g->fdepth--;
}

/* Compares: FCOM/FCOMP/FUCOM/FUCOMP ST(i), FCOMPP, FUCOMPP, FTST, FXAM,
 * FCOM/FICOM with memory. */
void t_x87_compare(struct gen *g)
{
	if (g->fdepth < 2) {
		emit_reg(g, 1, 0xEE, "fldz");
		g->fdepth++;
		return;
	}
	const unsigned k = rng_below(RNG, 9), i = rng_below(RNG, g->fdepth);
	switch (k) {
	case 0: emit_reg(g, 0, 0xD0 + i, "fcom st(i)"); break;
	case 1: emit_reg(g, 0, 0xD8 + i, "fcomp st(i)"); g->fdepth--; break;
	case 2: emit_reg(g, 5, 0xE0 + i, "fucom st(i)"); break;
	case 3: emit_reg(g, 5, 0xE8 + i, "fucomp st(i)"); g->fdepth--; break;
	case 4: emit_reg(g, 6, 0xD9, "fcompp"); g->fdepth -= 2; break;
	case 5: emit_reg(g, 2, 0xE9, "fucompp"); g->fdepth -= 2; break;
	case 6: emit_reg(g, 1, 0xE4, "ftst"); break;
	case 7: emit_reg(g, 1, 0xE5, "fxam"); break;
	default: {
		static const enum fmt f[4] = { M_R32, M_I32, M_R64, M_I16 };
		const unsigned esc = rng_below(RNG, 4) * 2, reg = 2 + rng_below(RNG, 2);
		uint8_t b[10];
		struct opnd o;
		rand_mem_value(g, f[esc / 2], b);
		mem_with(g, &o, fmt_width[f[esc / 2]], b);
		emit_esc(g, esc, reg, &o, reg == 2 ? "fcom mem" : "fcomp mem");
		if (reg == 3)
			g->fdepth--;
		break;
	}
	}
}

/* FCHS FABS FSQRT FRNDINT FXCH. */
void t_x87_unary(struct gen *g)
{
	if (g->fdepth < 2) {
		emit_reg(g, 1, 0xE8, "fld1");
		g->fdepth++;
		return;
	}
	switch (rng_below(RNG, 5)) {
	case 0: emit_reg(g, 1, 0xE0, "fchs"); break;
	case 1: emit_reg(g, 1, 0xE1, "fabs"); break;
	case 2:
		/* QEMU 5.0 sets C2 after FSQRT of a negative number (Intel:
		 * C0 C2 C3 undefined, an invalid operation): positive only. */
		emit_reg(g, 1, 0xE1, "fabs");
		emit_reg(g, 1, 0xFA, "fsqrt");
		break;
	case 3: emit_reg(g, 1, 0xFC, "frndint"); break;
	default: emit_reg(g, 1, 0xC8 + rng_below(RNG, g->fdepth), "fxch"); break;
	}
}

/* FNSTSW AX (C0 C2 C3 and TOP compared), FLDCW, FNSTCW, FNCLEX, FNOP. */
void t_x87_control(struct gen *g)
{
	struct insn *in;
	switch (rng_below(RNG, 5)) {
	case 0:
		in = emit_reg(g, 7, 0xE0, "fnstsw ax");
		in->undef_reg = R_EAX;
		in->undef_reg_mask = 0x82FF; /* B, C1, ES, SF and the exception flags */
		break;
	case 1: {
		static const uint16_t pcs[3] = { 0x000, 0x200, 0x300 };
		const uint16_t cw = (uint16_t)(0x007F | pcs[rng_below(RNG, 3)] | rng_below(RNG, 4) << 10);
		struct opnd o;
		mem_with(g, &o, 2, (const uint8_t *)&cw);
		emit_esc(g, 1, 5, &o, "fldcw");
		g->fcw = cw;
		break;
	}
	case 2: {
		struct opnd o;
		mem_with(g, &o, 2, NULL);
		emit_esc(g, 1, 7, &o, "fnstcw");
		break;
	}
	case 3: emit_reg(g, 3, 0xE2, "fnclex"); break;
	default: emit_reg(g, 1, 0xD0, "fnop"); break;
	}
}
