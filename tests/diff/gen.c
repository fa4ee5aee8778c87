/*
 * gen.c - random sequences: RNG, operand encoder, memory-operand solver and
 * sequence assembly. See gen.h for the safety rules.
 */
#include "gen.h"

#include <stdarg.h>
#include <string.h>

/* ---------------------------------------------------------------- RNG */

void rng_seed(struct rng *r, uint64_t seed)
{
	r->s = seed;
}

/* splitmix64 */
uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

uint32_t rng_u32(struct rng *r)
{
	return (uint32_t)(rng_next(r) >> 32);
}

uint32_t rng_below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32) : 0;
}

uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

uint32_t rng_value(struct rng *r, unsigned bits)
{
	uint32_t mask = bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1;
	uint32_t top = 1u << (bits - 1);
	uint32_t v;

	switch (rng_below(r, 10)) {
	case 0: v = rng_below(r, 4); break;                  /* 0..3 */
	case 1: v = mask - rng_below(r, 3); break;            /* all ones, -2, -3 */
	case 2: v = top - 2 + rng_below(r, 4); break;        /* around the sign bit */
	case 3: v = rng_u32(r) & ((1u << rng_below(r, bits)) - 1); break; /* short */
	case 4: v = 1u << rng_below(r, bits); break;         /* one bit */
	default: v = rng_u32(r); break;
	}
	return v & mask;
}

bool coin(struct gen *g)
{
	return rng_next(&g->rng) >> 63;
}

/* ---------------------------------------------------------- encoding */

void ib_put8(struct ib *ib, uint32_t v)
{
	if (ib->n < sizeof ib->b)
		ib->b[ib->n++] = (uint8_t)v;
}

void ib_put16(struct ib *ib, uint32_t v)
{
	ib_put8(ib, v);
	ib_put8(ib, v >> 8);
}

void ib_put32(struct ib *ib, uint32_t v)
{
	ib_put16(ib, v);
	ib_put16(ib, v >> 16);
}

void ib_putn(struct ib *ib, uint32_t v, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		ib_put8(ib, v >> (8 * i));
}

uint8_t seg_prefix(int seg)
{
	static const uint8_t p[S_COUNT] = { 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65 };
	return p[seg];
}

void ib_prefixes(struct gen *g, struct ib *ib, bool o32, const struct opnd *o)
{
	uint8_t p[3];
	unsigned n = 0;

	if (o32 != g->code32)
		p[n++] = 0x66;
	if (o && o->is_mem && o->m.a32 != g->code32)
		p[n++] = 0x67;
	if (o && o->is_mem && o->m.ovr)
		p[n++] = o->m.ovr;
	for (unsigned i = n; i > 1; i--) {  /* shuffle: any order is valid */
		unsigned j = rng_below(&g->rng, i);
		uint8_t t = p[i - 1];
		p[i - 1] = p[j];
		p[j] = t;
	}
	for (unsigned i = 0; i < n; i++)
		ib_put8(ib, p[i]);
}

void ib_o32(struct gen *g, struct ib *ib, bool o32)
{
	if (o32 != g->code32)
		ib_put8(ib, 0x66);
}

void ib_a32(struct gen *g, struct ib *ib, bool a32)
{
	if (a32 != g->code32)
		ib_put8(ib, 0x67);
}

void ib_modrm(struct ib *ib, unsigned reg, const struct opnd *o)
{
	if (!o->is_mem) {
		ib_put8(ib, 0xC0 | (reg & 7) << 3 | o->reg);
		return;
	}
	ib_put8(ib, (unsigned)o->m.mod << 6 | (reg & 7) << 3 | o->m.rm);
	if (o->m.has_sib)
		ib_put8(ib, o->m.sib);
	ib_putn(ib, o->m.disp, o->m.dsize);
}

/* ------------------------------------------------------------ emission */

struct insn *emit(struct gen *g, const struct ib *ib, const char *fmt, ...)
{
	static struct insn dummy;
	struct seq *s = g->s;

	if (s->n_insn >= DIFF_MAX_INSNS - 1 || s->len + ib->n > DIFF_MAX_CODE - 16) {
		g->overflow = true;
		memset(&dummy, 0, sizeof dummy);
		return &dummy;
	}
	struct insn *in = &s->insn[s->n_insn++];
	memset(in, 0, sizeof *in);
	in->off = (uint16_t)s->len;
	in->len = (uint8_t)ib->n;
	in->tmpl = (uint16_t)g->tmpl;
	in->undef_reg = -1;
	in->mem_seg = -1;
	if (g->tmpl != TMPL_SETUP && g->has_last_mem) {
		in->mem_seg = (int8_t)g->last_mem.seg;
		in->mem_ea = g->last_mem.ea;
		in->mem_width = (uint8_t)g->last_width;
		g->has_last_mem = false;
	}
	memcpy(s->code + s->len, ib->b, ib->n);
	s->len += ib->n;

	va_list ap;
	va_start(ap, fmt);
	vsnprintf(in->note, sizeof in->note, fmt, ap);
	va_end(ap);
	return in;
}

void add_jump(struct gen *g, unsigned disp_size, unsigned skip)
{
	if (g->overflow || g->njfix >= DIFF_MAX_GROUPS)
		return;
	struct insn *in = &g->s->insn[g->s->n_insn - 1];
	g->jfix[g->njfix++] = (struct jfix){
		.insn = g->s->n_insn - 1,
		.disp_at = in->off + in->len - disp_size,
		.disp_size = disp_size,
		.group = g->group,
		.skip = skip,
	};
}

struct insn *emit_setup(struct gen *g, const struct ib *ib, const char *note)
{
	unsigned t = g->tmpl;
	g->tmpl = TMPL_SETUP;
	struct insn *in = emit(g, ib, "%s", note);
	g->tmpl = t;
	return in;
}

void setup_reg32(struct gen *g, unsigned reg, uint32_t value)
{
	struct ib ib = { .n = 0 };
	char note[40];

	ib_o32(g, &ib, true);
	ib_put8(&ib, 0xB8 + reg);
	ib_put32(&ib, value);
	snprintf(note, sizeof note, "mov %s, 0x%x", reg_name(reg, 4), value);
	emit_setup(g, &ib, note);
}

void setup_reg8(struct gen *g, unsigned reg8, uint8_t value)
{
	struct ib ib = { .n = 0 };
	char note[40];

	ib_put8(&ib, 0xB0 + reg8);
	ib_put8(&ib, value);
	snprintf(note, sizeof note, "mov %s, 0x%x", reg_name(reg8, 1), value);
	emit_setup(g, &ib, note);
}

void setup_store(struct gen *g, int seg, uint16_t ea, uint32_t value, unsigned size)
{
	static const char *const sn[S_COUNT] = { "es", "cs", "ss", "ds", "fs", "gs" };
	struct ib ib = { .n = 0 };
	char note[64];

	if (seg == S_CS)
		g->overflow = true;   /* a template bug: never store through CS */
	ib_put8(&ib, seg_prefix(seg));
	ib_a32(g, &ib, false);
	if (size > 1)
		ib_o32(g, &ib, size == 4);
	ib_put8(&ib, size == 1 ? 0xC6 : 0xC7);
	ib_put8(&ib, 0x06);             /* mod 00 rm 110: [disp16] */
	ib_put16(&ib, ea);
	ib_putn(&ib, value, size);
	if (size < 4)
		value &= (1u << (8 * size)) - 1;
	snprintf(note, sizeof note, "mov %s [%s:0x%x], 0x%x",
		 size == 1 ? "byte" : size == 2 ? "word" : "dword", sn[seg], ea, value);
	emit_setup(g, &ib, note);
}

void setup_df(struct gen *g, bool df)
{
	struct ib ib = { .n = 0 };
	ib_put8(&ib, df ? 0xFD : 0xFC);
	emit_setup(g, &ib, df ? "std" : "cld");
}

/* ----------------------------------------------------------- operands */

/* In protected mode a selector of the pool, whose bases are such
 * paragraphs (gen_sequence()). */
uint16_t safe_seg(struct gen *g)
{
	if (g->pm)
		return (uint16_t)(SEL_POOL + 8 * rng_below(&g->rng, DIFF_POOL));
	return (uint16_t)rng_range(&g->rng, 0x2000, 0xFFFF);
}

uint32_t hi_rand_sp(struct gen *g)
{
	return g->stack32 ? 0 : rng_u32(&g->rng) & 0xFFFF0000u;
}

uint16_t safe_sp(struct gen *g)
{
	return (uint16_t)(rng_range(&g->rng, 0x1000, 0xF000) & ~1u);
}

uint8_t pick_dst_reg(struct gen *g, unsigned width, uint8_t avoid)
{
	for (int tries = 0; tries < 64; tries++) {
		uint8_t r = (uint8_t)rng_below(&g->rng, 8);
		if (width != 1 && r == R_ESP)
			continue;
		if (avoid & reg_bit(r, width))
			continue;
		return r;
	}
	g->overflow = true;   /* cannot happen with sane avoid masks */
	return width == 1 ? 0 : R_EAX;
}

uint8_t pick_src_reg(struct gen *g, unsigned width, uint8_t avoid)
{
	for (int tries = 0; tries < 64; tries++) {
		uint8_t r = (uint8_t)rng_below(&g->rng, 8);
		if (avoid & reg_bit(r, width))
			continue;
		return r;
	}
	g->overflow = true;
	return 0;
}

/* Inverse of an odd number modulo 2^32 (Newton). */
static uint32_t inv_odd(uint32_t a)
{
	uint32_t x = a;
	for (int i = 0; i < 5; i++)
		x *= 2 - a * x;
	return x;
}

static void pick_override(struct gen *g, struct mem *m, unsigned flags)
{
	static const int segs[] = { S_ES, S_SS, S_DS, S_FS, S_GS, S_CS };
	if ((flags & MEM_NO_OVR) || coin(g))
		return;
	unsigned n = (flags & MEM_WRITE) ? 5 : 6;
	m->seg = segs[rng_below(&g->rng, n)];
	m->ovr = seg_prefix(m->seg);
}

static void gen_mem16(struct gen *g, struct mem *m, unsigned flags, uint8_t avoid,
		      uint16_t lo, uint16_t hi)
{
	static const uint8_t regs16[8][2] = {
		{ R_EBX, R_ESI }, { R_EBX, R_EDI }, { R_EBP, R_ESI }, { R_EBP, R_EDI },
		{ R_ESI, 8 }, { R_EDI, 8 }, { R_EBP, 8 }, { R_EBX, 8 },
	};
	uint16_t ea = (uint16_t)rng_range(&g->rng, lo, hi);

	for (int tries = 0;; tries++) {
		m->mod = (uint8_t)rng_below(&g->rng, 3);
		m->rm = (uint8_t)rng_below(&g->rng, 8);
		if (tries > 32) {              /* give up on registers: [disp16] */
			m->mod = 0;
			m->rm = 6;
		}
		if (m->mod == 0 && m->rm == 6)
			break;
		uint8_t used = (uint8_t)(1u << regs16[m->rm][0]);
		if (regs16[m->rm][1] != 8)
			used |= (uint8_t)(1u << regs16[m->rm][1]);
		if (flags & MEM_LEA || !(used & avoid))
			break;
	}
	m->a32 = false;
	m->has_sib = false;
	m->seg = (m->rm == 2 || m->rm == 3 || (m->rm == 6 && m->mod != 0)) ? S_SS : S_DS;
	m->ea = ea;

	if (m->mod == 0 && m->rm == 6) {
		m->dsize = 2;
		m->disp = ea;
		m->regs = 0;
		return;
	}
	m->dsize = m->mod == 1 ? 1 : m->mod == 2 ? 2 : 0;
	m->disp = m->dsize == 1 ? rng_u32(&g->rng) & 0xFF : m->dsize == 2 ? rng_u32(&g->rng) & 0xFFFF : 0;
	unsigned r0 = regs16[m->rm][0], r1 = regs16[m->rm][1];
	m->regs = (uint8_t)(1u << r0 | (r1 != 8 ? 1u << r1 : 0));
	if (flags & MEM_LEA)
		return;
	int32_t d = m->dsize == 1 ? (int8_t)m->disp : (int32_t)m->disp;
	uint16_t t = (uint16_t)(ea - d);
	uint32_t hi16 = rng_u32(&g->rng) & 0xFFFF0000u;  /* ignored by 16-bit addressing */
	if (r1 != 8) {
		uint16_t v0 = (uint16_t)rng_u32(&g->rng);
		setup_reg32(g, r0, hi16 | v0);
		setup_reg32(g, r1, (rng_u32(&g->rng) & 0xFFFF0000u) | (uint16_t)(t - v0));
	} else {
		setup_reg32(g, r0, hi16 | t);
	}
}

static void gen_mem32(struct gen *g, struct mem *m, unsigned flags, uint8_t avoid,
		      uint16_t lo, uint16_t hi)
{
	struct rng *R = &g->rng;
	int base = -1, index = -1;
	unsigned scale = 0;
	bool disp32 = false;
	uint16_t ea = (uint16_t)rng_range(R, lo + 8 < hi ? lo + 8u : lo, hi);

	m->a32 = true;
	for (int tries = 0;; tries++) {
		base = index = -1;
		scale = 0;
		disp32 = false;
		m->has_sib = rng_below(R, 3) != 0;
		m->mod = (uint8_t)rng_below(R, 3);
		if (tries > 32) {                /* [disp32] */
			m->has_sib = false;
			m->mod = 0;
		}
		if (!m->has_sib) {
			m->rm = (uint8_t)rng_below(R, 8);
			if (tries > 32)
				m->rm = 5;
			if (m->rm == 4)
				continue;
			if (m->mod == 0 && m->rm == 5) {
				disp32 = true;
			} else {
				base = m->rm;
			}
		} else {
			m->rm = 4;
			unsigned b = rng_below(R, 8), i = rng_below(R, 8);
			scale = rng_below(R, 4);
			m->sib = (uint8_t)(scale << 6 | i << 3 | b);
			if (i != 4)
				index = (int)i;
			if (b == 5 && m->mod == 0)
				disp32 = true;
			else
				base = (int)b;
		}
		if (m->mod == 2)
			disp32 = true;
		if (flags & MEM_LEA)
			break;
		uint8_t used = (uint8_t)((base >= 0 ? 1u << base : 0) | (index >= 0 ? 1u << index : 0));
		if (used & avoid)
			continue;
		if (base == R_ESP && (flags & MEM_NO_ESP))
			continue;
		break;
	}
	m->dsize = m->mod == 1 ? 1 : disp32 ? 4 : 0;
	m->seg = (base == R_ESP || base == R_EBP) ? S_SS : S_DS;
	m->regs = (uint8_t)((base >= 0 ? 1u << base : 0) | (index >= 0 ? 1u << index : 0));
	if (flags & MEM_LEA) {
		m->disp = m->dsize == 1 ? rng_u32(R) & 0xFF : rng_value(R, 32);
		m->ea = 0;
		return;
	}

	/* [ESP] or [ESP+disp8] alone: ESP must stay a usable stack pointer, so
	 * the offset is limited to what SP in [0x1000, 0xF000] reaches; when
	 * [lo, hi] is out of reach use the disp32 form instead. */
	int8_t d8 = (int8_t)rng_u32(R);
	int32_t disp = m->dsize == 1 ? d8 : 0;
	if (base == R_ESP && index < 0 && !disp32) {
		int32_t a = (int32_t)lo > 0x1000 + disp ? (int32_t)lo : 0x1000 + disp;
		int32_t b = (int32_t)hi < 0xF000 + disp ? (int32_t)hi : 0xF000 + disp;
		if (a > b) {
			m->mod = 2;
			m->dsize = 4;
			disp32 = true;
		}
	}

	/* Solve sum(coef[r] * value[r]) + disp == ea (mod 2^32). */
	uint32_t coef[8] = { 0 };
	uint32_t val[8] = { 0 };
	if (base >= 0)
		coef[base] += 1;
	if (index >= 0)
		coef[index] += 1u << scale;
	int solve = -1;
	for (int r = 0; r < 8; r++) {
		if (!coef[r])
			continue;
		if (r == R_ESP) {
			val[r] = safe_sp(g);
			if (disp32)
				val[r] |= hi_rand_sp(g);
		} else if (solve < 0 && !disp32) {
			solve = r;
		} else {
			val[r] = rng_value(R, 32);
		}
	}
	if (disp32) {
		uint32_t sum = 0;
		for (int r = 0; r < 8; r++)
			sum += coef[r] * val[r];
		m->disp = (uint32_t)ea - sum;
	} else if (solve >= 0) {
		uint32_t sum = (uint32_t)disp;
		for (int r = 0; r < 8; r++)
			if (r != solve)
				sum += coef[r] * val[r];
		uint32_t t = (uint32_t)ea - sum;
		unsigned k = (unsigned)__builtin_ctz(coef[solve]);
		uint32_t lowmask = (1u << k) - 1;
		if (t & lowmask) {              /* make t divisible by 2^k */
			ea = (uint16_t)(ea - (t & lowmask));
			t -= t & lowmask;
		}
		uint32_t v = (t >> k) * inv_odd(coef[solve] >> k);
		if (k)
			v = (v & (0xFFFFFFFFu >> k)) | (rng_u32(R) << (32 - k));
		val[solve] = v;
		m->disp = (uint32_t)disp & 0xFF;
	} else {
		/* Only ESP, with disp8 or no displacement (feasible, see above). */
		int32_t a = (int32_t)lo > 0x1000 + disp ? (int32_t)lo : 0x1000 + disp;
		int32_t b = (int32_t)hi < 0xF000 + disp ? (int32_t)hi : 0xF000 + disp;
		ea = (uint16_t)rng_range(R, (uint32_t)a, (uint32_t)b);
		val[R_ESP] = (uint32_t)((int32_t)ea - disp);
		m->disp = (uint32_t)disp & 0xFF;
	}
	m->ea = ea;
	for (int r = 0; r < 8; r++)
		if (coef[r])
			setup_reg32(g, (unsigned)r, val[r]);
}

void gen_mem(struct gen *g, struct mem *m, unsigned width, unsigned flags,
	     uint8_t avoid, uint16_t lo, uint16_t hi)
{
	(void)width;
	memset(m, 0, sizeof *m);
	/* Often right at the end of the segment: the last byte of the access
	 * may be at offset FFFFh, no further (an 80386 faults beyond it,
	 * Unicorn would not). */
	if (!(flags & MEM_LEA) && rng_below(&g->rng, 6) == 0 && hi > lo + 8)
		lo = (uint16_t)(hi - 8);
	bool a32 = (flags & MEM_A32) ? true : (flags & MEM_A16) ? false : coin(g);
	if (a32)
		gen_mem32(g, m, flags, avoid, lo, hi);
	else
		gen_mem16(g, m, flags, avoid, lo, hi);
	pick_override(g, m, flags);
	g->last_mem = *m;
	g->last_width = width;
	g->has_last_mem = !(flags & MEM_LEA);
}

void gen_moffs(struct gen *g, struct mem *m, unsigned width, unsigned flags)
{
	memset(m, 0, sizeof *m);
	m->a32 = (flags & MEM_A32) ? true : (flags & MEM_A16) ? false : coin(g);
	m->seg = S_DS;
	m->ea = (uint16_t)(rng_below(&g->rng, 8) == 0 ? 0x10000 - width - rng_below(&g->rng, 4)
						       : rng_range(&g->rng, 0x0010, 0x10000 - width));
	m->disp = m->ea;
	m->dsize = m->a32 ? 4 : 2;
	pick_override(g, m, flags);
	g->last_mem = *m;
	g->last_width = width;
	g->has_last_mem = true;
}

void gen_rm(struct gen *g, struct opnd *o, unsigned width, bool is_dst, bool reg_ok,
	    unsigned flags, uint8_t avoid)
{
	memset(o, 0, sizeof *o);
	if (reg_ok && coin(g)) {
		o->is_mem = false;
		o->reg = is_dst ? pick_dst_reg(g, width, avoid) : pick_src_reg(g, width, avoid);
		return;
	}
	o->is_mem = true;
	gen_mem(g, &o->m, width, flags | (is_dst ? MEM_WRITE : 0), avoid,
		0x0010, (uint16_t)(0x10000 - width));
}

/* -------------------------------------------------------------- names */

const char *reg_name(unsigned reg, unsigned width)
{
	static const char *const n8[] = { "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh" };
	static const char *const n16[] = { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di" };
	static const char *const n32[] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
	reg &= 7;
	return width == 1 ? n8[reg] : width == 2 ? n16[reg] : n32[reg];
}

void opnd_text(char *buf, size_t len, const struct opnd *o, unsigned width)
{
	if (!o->is_mem) {
		snprintf(buf, len, "%s", reg_name(o->reg, width));
		return;
	}
	snprintf(buf, len, "%s[a%d%s]", width == 1 ? "byte" : width == 2 ? "word" : "dword",
		 o->m.a32 ? 32 : 16, o->m.has_sib ? " sib" : "");
}

/* ------------------------------------------------------------ assembly */

/* Templates a mode cannot run: SP wrapping at 64 KiB needs a 16-bit
 * stack. */
static bool tmpl_allowed(const struct gen *g, unsigned i)
{
	/* The x87 templates run in the fpu mode, and only they. */
	if ((g->mode == MODE_FPU) != !strncmp(diff_templates[i].name, "x87_", 4))
		return false;
	return !(g->stack32 && !strcmp(diff_templates[i].name, "stack_wrap"));
}

static unsigned pick_template(struct gen *g, int only)
{
	if (only >= 0)
		return (unsigned)only;
	unsigned total = 0;
	for (unsigned i = 1; i < diff_template_count; i++)
		total += tmpl_allowed(g, i) ? diff_templates[i].weight : 0;
	unsigned x = rng_below(&g->rng, total);
	for (unsigned i = 1; i < diff_template_count; i++) {
		unsigned w = tmpl_allowed(g, i) ? diff_templates[i].weight : 0;
		if (x < w)
			return i;
		x -= w;
	}
	return 1;
}

const char *const diff_mode_names[MODE_COUNT] = { "real", "pm16", "pm32", "paging", "v86", "fpu" };

static void put_desc(uint8_t *d, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	d[0] = (uint8_t)limit;
	d[1] = (uint8_t)(limit >> 8);
	d[2] = (uint8_t)base;
	d[3] = (uint8_t)(base >> 8);
	d[4] = (uint8_t)(base >> 16);
	d[5] = access;
	d[6] = (uint8_t)(((limit >> 16) & 0xF) | flags << 4);
	d[7] = (uint8_t)(base >> 24);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* The GDT (and for paging the page tables) of a protected-mode sequence:
 * every descriptor as its real-mode segment would be (base paragraph * 16,
 * limit FFFFh, accessed already so that no side writes it). */
static void build_sys(struct gen *g, struct seq *s)
{
	uint8_t *sys = s->sys;
	memset(sys, 0, DIFF_SYS_SIZE);
	const unsigned ngdt = 8 + DIFF_POOL;
	put32(sys + SYS_GDTR + 2, DIFF_SYS_BASE + SYS_GDT);
	sys[SYS_GDTR] = (uint8_t)(ngdt * 8 - 1);
	sys[SYS_GDTR + 1] = (uint8_t)((ngdt * 8 - 1) >> 8);
	uint8_t *gdt = sys + SYS_GDT;
	put_desc(gdt + SEL_CODE, (uint32_t)s->init.seg[S_CS] << 4, 0xFFFF, 0x9B, g->code32 ? 4 : 0);
	static const int order[5] = { S_SS, S_DS, S_ES, S_FS, S_GS };
	for (unsigned k = 0; k < 5; k++)
		put_desc(gdt + 0x10 + 8 * k, (uint32_t)s->init.seg[order[k]] << 4, 0xFFFF, 0x93,
			 order[k] == S_SS && g->stack32 ? 4 : 0);
	put_desc(gdt + SEL_FLAT, 0, 0xFFFFF, 0x93, 0xC);
	/* (The pool keeps the stack's size: ESP's upper half is random with a
	 * 16-bit stack, and QEMU checks no segment limit.) */
	for (unsigned k = 0; k < DIFF_POOL; k++)
		put_desc(gdt + SEL_POOL + 8 * k, (uint32_t)rng_range(&g->rng, 0x2000, 0xFFFF) << 4, 0xFFFF, 0x93,
			 g->stack32 ? 4 : 0);
	if (s->mode != MODE_PAGING)
		return;
	/* 0-4 MiB: identity below the data area; the data area's pages
	 * (20000h and up, 1 MiB + 64 KiB of RAM) shuffled among themselves. */
	/* (Accessed already: the directory entry and the pages below the data
	 * area, whose accessed bits QEMU's prefetch would set a step early.) */
	put32(sys + SYS_PD, (DIFF_SYS_BASE + SYS_PT) | 0x27);
	enum { FIRST = 0x20, LAST = DIFF_RAM_SIZE >> 12 };
	uint32_t frames[LAST];
	for (uint32_t p = 0; p < LAST; p++)
		frames[p] = p;
	for (uint32_t p = LAST - 1; p > FIRST; p--) {
		uint32_t j = FIRST + rng_below(&g->rng, p - FIRST + 1);
		uint32_t t = frames[p];
		frames[p] = frames[j];
		frames[j] = t;
	}
	for (uint32_t p = 0; p < 1024; p++)
		put32(sys + SYS_PT + 4 * p, (p < LAST ? frames[p] : p) << 12 | (p < FIRST ? 0x27 : 7));
}

/* A set-up instruction of fixed bytes (at most 8). */
static void setup_bytes(struct gen *g, const char *note, unsigned n, const uint8_t *b)
{
	struct ib ib = { .n = 0 };
	for (unsigned k = 0; k < n; k++)
		ib_put8(&ib, b[k]);
	emit_setup(g, &ib, note);
}

/* The prologue from real mode into the sequence's mode (see diff.h). */
static void prologue(struct gen *g, struct seq *s)
{
	const uint32_t ip0 = s->init.eip;
	struct ib ib = { .n = 0 };
	/* DS = the system area, LGDT [0] */
	setup_bytes(g, "mov ax, system area", 3, (const uint8_t[]){ 0xB8, DIFF_SYS_BASE >> 4 & 0xFF, DIFF_SYS_BASE >> 12 });
	setup_bytes(g, "mov ds, ax", 2, (const uint8_t[]){ 0x8E, 0xD8 });
	setup_bytes(g, "lgdt [0]", 5, (const uint8_t[]){ 0x0F, 0x01, 0x16, SYS_GDTR & 0xFF, SYS_GDTR >> 8 });
	if (s->mode == MODE_PAGING) {
		setup_reg32(g, R_EAX, DIFF_SYS_BASE + SYS_PD);
		setup_bytes(g, "mov cr3, eax", 3, (const uint8_t[]){ 0x0F, 0x22, 0xD8 });
	}
	setup_bytes(g, "mov eax, cr0", 3, (const uint8_t[]){ 0x0F, 0x20, 0xC0 });
	setup_bytes(g, "or eax, PE (PG)", 6,
		    (const uint8_t[]){ 0x66, 0x0D, 1, 0, 0, s->mode == MODE_PAGING ? 0x80 : 0 });
	setup_bytes(g, "mov cr0, eax", 3, (const uint8_t[]){ 0x0F, 0x22, 0xC0 });
	const uint16_t next = (uint16_t)(ip0 + s->len + 5);
	setup_bytes(g, "jmp far code:next", 5, (const uint8_t[]){ 0xEA, next & 0xFF, next >> 8, SEL_CODE, 0 });
	g->code32 = s->mode == MODE_PM32 || s->mode == MODE_PAGING;
	/* The data segments; V86 mode gets a flat stack for its IRETD. */
	static const int order[5] = { S_SS, S_DS, S_ES, S_FS, S_GS };
	static const uint8_t mov_sreg[S_COUNT] = { 0xC0, 0, 0xD0, 0xD8, 0xE0, 0xE8 };
	for (unsigned k = 0; k < 5; k++) {
		uint16_t sel = (uint16_t)(0x10 + 8 * k);
		if (s->mode == MODE_V86 && k > 0)
			break;
		if (s->mode == MODE_V86)
			sel = SEL_FLAT;
		ib.n = 0;
		ib_o32(g, &ib, false);
		ib_put8(&ib, 0xB8);
		ib_put16(&ib, sel);
		emit_setup(g, &ib, "mov ax, selector");
		ib.n = 0;
		ib_put8(&ib, 0x8E);
		ib_put8(&ib, mov_sreg[order[k]]);
		emit_setup(g, &ib, "mov sreg, ax");
	}
	if (s->mode == MODE_V86) {
		setup_reg32(g, R_ESP, DIFF_SYS_BASE + SYS_V86_STACK);
		const uint32_t frame[9] = {
			s->init.seg[S_GS], s->init.seg[S_FS], s->init.seg[S_DS], s->init.seg[S_ES],
			s->init.seg[S_SS], s->init.r[R_ESP], s->init.eflags | 0x23000u, s->init.seg[S_CS], 0,
		};
		for (unsigned k = 0; k < 9; k++) {
			ib.n = 0;
			ib_o32(g, &ib, true);
			ib_put8(&ib, 0x68);
			ib_put32(&ib, k < 8 ? frame[k] : ip0 + s->len + 6 + 2);
			emit_setup(g, &ib, "push dword (the V86 frame)");
		}
		ib.n = 0;
		ib_o32(g, &ib, true);
		ib_put8(&ib, 0xCF);
		emit_setup(g, &ib, "iretd (to V86 mode)");
	}
	setup_reg32(g, R_EAX, s->init.r[R_EAX]);
}

static void fix_jumps(struct gen *g, unsigned ngroups)
{
	struct seq *s = g->s;

	for (unsigned j = 0; j < g->njfix; j++) {
		struct jfix *f = &g->jfix[j];
		struct insn *in = &s->insn[f->insn];
		unsigned next = in->off + in->len;
		unsigned target = f->group + 1 + f->skip;
		if (target > ngroups)
			target = ngroups;
		int32_t rel = (int32_t)g->group_off[target] - (int32_t)next;
		while (f->disp_size == 1 && rel > 127 && target > f->group + 1) {
			target--;
			rel = (int32_t)g->group_off[target] - (int32_t)next;
		}
		for (unsigned i = 0; i < f->disp_size; i++)
			s->code[f->disp_at + i] = (uint8_t)((uint32_t)rel >> (8 * i));
		size_t nl = strlen(in->note);
		snprintf(in->note + nl, sizeof in->note - nl, " (+%d)", rel);
	}
}

/* Block mode: make what the last instruction of the group left undefined
 * defined again, so the final state of a whole-sequence run is comparable:
 * CMP r32, r32 sets all six arithmetic flags from defined values, MOV sets a
 * register, and the upper word of an o32 PUSH Sreg is popped and replaced. */
static void normalize_group(struct gen *g, unsigned first)
{
	struct seq *s = g->s;
	if (s->n_insn <= first)
		return;
	struct insn last = s->insn[s->n_insn - 1];
	if (last.tmpl == TMPL_SETUP)
		return;
	if (last.undef_flags) {
		struct ib ib = { .n = 0 };
		unsigned a = rng_below(&g->rng, 8), b = rng_below(&g->rng, 8);
		ib_o32(g, &ib, true);
		ib_put8(&ib, 0x39);
		ib_put8(&ib, 0xC0 | a << 3 | b);
		emit_setup(g, &ib, "cmp (defines the flags)");
	}
	if (last.undef_reg >= 0)
		setup_reg32(g, (unsigned)last.undef_reg, rng_u32(&g->rng));
	if (last.special == SPECIAL_PUSH32_SREG || last.special == SPECIAL_PUSHFD_V86) {
		struct ib ib = { .n = 0 };
		unsigned r = pick_dst_reg(g, 4, 0);
		ib_o32(g, &ib, true);
		ib_put8(&ib, 0x58 + r);
		emit_setup(g, &ib, "pop r32 (the o32 push's upper word)");
		setup_reg32(g, r, rng_u32(&g->rng));
		ib.n = 0;
		ib_o32(g, &ib, true);
		ib_put8(&ib, 0x50 + r);
		emit_setup(g, &ib, "push r32 (defined upper word)");
	}
}

int gen_sequence(struct seq *s, uint64_t seed, uint64_t index, unsigned groups, int only,
		 bool defined_only, enum diff_mode mode)
{
	struct gen g;

	memset(&g, 0, sizeof g);
	s->len = 0;
	s->n_insn = 0;
	/* Independent streams per (seed, index): hash both. */
	struct rng h;
	rng_seed(&h, seed);
	uint64_t a = rng_next(&h);
	rng_seed(&h, index ^ 0xD1B54A32D192ED03ull);
	rng_seed(&g.rng, a ^ rng_next(&h));
	g.s = s;
	g.mode = mode;
	s->mode = mode;
	g.stack32 = mode == MODE_PM32 || mode == MODE_PAGING;
	if (groups > DIFF_MAX_GROUPS)
		groups = DIFF_MAX_GROUPS;

	struct xstate *st = &s->init;
	memset(st, 0, sizeof *st);
	for (int r = 0; r < 8; r++)
		st->r[r] = rng_value(&g.rng, 32);
	st->r[R_ESP] = hi_rand_sp(&g) | safe_sp(&g);
	for (int i = 0; i < S_COUNT; i++)
		st->seg[i] = safe_seg(&g);
	/* Code below the system area in the other modes (diff.h). */
	st->seg[S_CS] = (uint16_t)rng_range(&g.rng, 0, mode == MODE_REAL ? 0x0FFF : 0x07FF);
	st->eip = rng_range(&g.rng, 0, 0xF000 - DIFF_MAX_CODE);
	st->eflags = 0x0002 | (rng_u32(&g.rng) & (F_ARITH | F_DF | F_IF));
	if (mode == MODE_FPU) {
		x87_prologue(&g);
	} else if (mode != MODE_REAL) {
		g.code32 = mode == MODE_PM32 || mode == MODE_PAGING; /* for the descriptors */
		build_sys(&g, s);
		g.code32 = false;                                     /* the prologue starts in real mode */
		prologue(&g, s);
		g.pm = mode != MODE_V86;
	}

	unsigned n;
	for (n = 0; n < groups && !g.overflow; n++) {
		g.group = n;
		g.group_off[n] = s->len;
		g.has_last_mem = false;
		g.tmpl = pick_template(&g, only);
		unsigned first = s->n_insn;
		diff_templates[g.tmpl].emit(&g);
		if (defined_only)
			normalize_group(&g, first);
	}
	if (g.overflow)
		return -1;
	g.group_off[n] = s->len;
	fix_jumps(&g, n);
	return 0;
}

/* ------------------------------------------------ the sequence's view */

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

uint32_t diff_seg_base(const struct seq *s, const struct xstate *st, int seg)
{
	uint16_t sel = st->seg[seg];
	if (!(st->cr0 & 1) || (st->eflags & 0x20000u))
		return (uint32_t)sel << 4;
	const uint8_t *d = s->sys + SYS_GDT + (sel & ~7u);
	if ((sel & ~7u) >= SYS_V86_STACK - SYS_GDT)
		return 0;
	return d[2] | (uint32_t)d[3] << 8 | (uint32_t)d[4] << 16 | (uint32_t)d[7] << 24;
}

bool diff_stack32(const struct seq *s, const struct xstate *st)
{
	if (!(st->cr0 & 1) || (st->eflags & 0x20000u))
		return false;
	uint16_t sel = st->seg[S_SS];
	return (s->sys[SYS_GDT + (sel & ~7u) + 6] & 0x40) != 0;
}

uint32_t diff_phys(const struct seq *s, const struct xstate *st, uint32_t lin)
{
	if (!(st->cr0 & 0x80000000u) || s->mode != MODE_PAGING || (lin >> 22) != 0)
		return lin;
	return (get32(s->sys + SYS_PT + 4 * (lin >> 12)) & ~0xFFFu) | (lin & 0xFFF);
}
