/*
 * flags.h - lazy arithmetic flags.
 *
 * Representation (per struct cpu, field `in`):
 *   lf_res  the last result, sign-extended from its operand size to 32 bits,
 *           so ZF = (lf_res == 0) and SF = (lf_res < 0) whatever the size.
 *   lf_aux  bits 0-11: CF, AF and OF at their FLAGS positions (explicit
 *           mode), plus "inversion" bits at the PF, ZF and SF positions: the
 *           flag's value is the one derived from lf_res XOR its inversion
 *           bit. Loading FLAGS from a word (POPF, SAHF, IRET) sets lf_res = 0
 *           and stores the inversions that give the wanted ZF/SF/PF, so any
 *           combination is representable.
 *           bits 16-23: the lazy kind (LF_ADD...), 0 = explicit;
 *           bits 24-31: the operand size in bits, for lazy kinds.
 *   lf_b    the second operand of a lazy addition or subtraction (masked
 *           to the operand size); the first is recomputed from the result
 *           (a = r - b - cin, or r + b + bin), and CF, AF and OF from both,
 *           only when read. INC/DEC keep the previous CF in lf_aux bit 0;
 *           ADC/SBB keep their carry-in there.
 * An ADD stores three words; reading ZF costs a compare and an xor.
 * Formulas (Intel 80386 PRM 2.3.4.1 flag definitions):
 *   add: CF = r < a (or r <= a with carry-in), OF = msb((a ^ r) & (b ^ r))
 *   sub: CF = a < b (or a <= b with borrow-in), OF = msb((a ^ b) & (a ^ r))
 *   AF = bit 4 of (a ^ b ^ r).
 */
#ifndef MVDM_CPU_FLAGS_H
#define MVDM_CPU_FLAGS_H

#include "cpu/cpu.h"

#define FLAGS_ARITH (FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF)

enum lf_kind { LF_EXPLICIT = 0, LF_ADD, LF_ADC, LF_SUB, LF_SBB, LF_INC, LF_DEC };

static inline int32_t flags_sext(uint32_t v, unsigned bits)
{
	unsigned sh = 32 - bits;
	return (int32_t)(v << sh) >> sh;
}

static inline void flags_lazy(struct cpu *c, enum lf_kind k, uint32_t a, uint32_t b, uint32_t r,
			      unsigned bits, uint32_t cf_in)
{
	(void)a; /* recomputed from r and b when needed (lf_a()) */
	c->in.lf_res = flags_sext(r, bits);
	c->in.lf_b = b;
	c->in.lf_aux = cf_in | ((uint32_t)k << 16) | (bits << 24);
}

static inline void flags_add(struct cpu *c, uint32_t a, uint32_t b, uint32_t r, unsigned bits)
{
	flags_lazy(c, LF_ADD, a, b, r, bits, 0);
}

static inline void flags_sub(struct cpu *c, uint32_t a, uint32_t b, uint32_t r, unsigned bits)
{
	flags_lazy(c, LF_SUB, a, b, r, bits, 0);
}

/* Logical result: CF = OF = AF = 0, SZP from r. */
static inline void flags_logic(struct cpu *c, uint32_t r, unsigned bits)
{
	c->in.lf_res = flags_sext(r, bits);
	c->in.lf_aux = 0;
}

/* Result-derived flags with explicit CF/AF/OF (each 0 or its FLAG_ bit). */
static inline void flags_result(struct cpu *c, uint32_t r, unsigned bits, uint32_t cf_af_of)
{
	c->in.lf_res = flags_sext(r, bits);
	c->in.lf_aux = cf_af_of;
}

static inline unsigned lf_kind(const struct cpu *c) { return (c->in.lf_aux >> 16) & 0xFF; }
static inline uint32_t lf_r(const struct cpu *c)
{
	unsigned bits = c->in.lf_aux >> 24;
	return (uint32_t)c->in.lf_res & (bits == 32 ? 0xFFFFFFFFu : (1u << bits) - 1);
}
static inline uint32_t lf_msb(const struct cpu *c) { return 1u << ((c->in.lf_aux >> 24) - 1); }

/* The first operand of the lazy operation, from the result and lf_b. */
static inline uint32_t lf_a(const struct cpu *c)
{
	unsigned bits = c->in.lf_aux >> 24;
	uint32_t m = bits == 32 ? 0xFFFFFFFFu : (1u << bits) - 1;
	uint32_t r = (uint32_t)c->in.lf_res, b = c->in.lf_b, cin = c->in.lf_aux & 1;
	switch ((c->in.lf_aux >> 16) & 0xFF) {
	case LF_ADD: case LF_INC: return (r - b) & m;
	case LF_ADC: return (r - b - cin) & m;
	case LF_SBB: return (r + b + cin) & m;
	default: return (r + b) & m; /* SUB, DEC */
	}
}

static inline bool flag_cf(const struct cpu *c)
{
	const uint32_t a = lf_a(c), b = c->in.lf_b;
	switch (lf_kind(c)) {
	case LF_ADD: return lf_r(c) < a;
	case LF_ADC: return lf_r(c) < a || ((c->in.lf_aux & 1) && lf_r(c) == a);
	case LF_SUB: return a < b;
	case LF_SBB: return a < b || ((c->in.lf_aux & 1) && a == b);
	default: return c->in.lf_aux & 1; /* explicit, INC, DEC */
	}
}

static inline bool flag_of(const struct cpu *c)
{
	const uint32_t a = lf_a(c), b = c->in.lf_b;
	switch (lf_kind(c)) {
	case LF_ADD: case LF_ADC: case LF_INC:
		return ((a ^ lf_r(c)) & (b ^ lf_r(c)) & lf_msb(c)) != 0;
	case LF_SUB: case LF_SBB: case LF_DEC:
		return ((a ^ b) & (a ^ lf_r(c)) & lf_msb(c)) != 0;
	default:
		return (c->in.lf_aux >> 11) & 1;
	}
}

static inline bool flag_af(const struct cpu *c)
{
	if (lf_kind(c) == LF_EXPLICIT)
		return (c->in.lf_aux >> 4) & 1;
	return ((lf_a(c) ^ c->in.lf_b ^ (uint32_t)c->in.lf_res) >> 4) & 1;
}

static inline bool flag_zf(const struct cpu *c)
{
	return (c->in.lf_res == 0) ^ ((c->in.lf_aux >> 6) & 1);
}
static inline bool flag_sf(const struct cpu *c)
{
	return (c->in.lf_res < 0) ^ ((c->in.lf_aux >> 7) & 1);
}
static inline bool flag_pf(const struct cpu *c)
{
	return !__builtin_parity((uint32_t)c->in.lf_res & 0xFF) ^ ((c->in.lf_aux >> 2) & 1);
}

/* Turn a lazy state into the explicit one (same flag values). */
static inline void flags_materialize(struct cpu *c)
{
	if (lf_kind(c) == LF_EXPLICIT)
		return;
	c->in.lf_aux = (flag_cf(c) ? FLAG_CF : 0) | (flag_af(c) ? FLAG_AF : 0) | (flag_of(c) ? FLAG_OF : 0);
}

/* Set CF only, keeping the other arithmetic flags. */
static inline void flags_put_cf(struct cpu *c, bool cf)
{
	flags_materialize(c);
	c->in.lf_aux = (c->in.lf_aux & ~1u) | (uint32_t)cf;
}

/* Set CF and OF, keeping ZF SF PF AF (rotates). */
static inline void flags_put_cf_of(struct cpu *c, bool cf, bool of)
{
	flags_materialize(c);
	c->in.lf_aux = (c->in.lf_aux & ~(uint32_t)(FLAG_CF | FLAG_OF)) | (uint32_t)cf | (of ? FLAG_OF : 0);
}

/* The six arithmetic flags as FLAGS bits. */
uint32_t flags_arith_get(const struct cpu *c);
/* Load the six arithmetic flags from FLAGS bits (other bits ignored). */
void flags_arith_set(struct cpu *c, uint32_t f);

/* Evaluate condition code cc (0-15, the low nibble of Jcc/SETcc). */
static inline bool flags_cond(const struct cpu *c, unsigned cc)
{
	bool r;
	switch (cc >> 1) {
	case 0: r = flag_of(c); break;
	case 1: r = flag_cf(c); break;
	case 2: r = flag_zf(c); break;
	case 3: r = flag_cf(c) || flag_zf(c); break;
	case 4: r = flag_sf(c); break;
	case 5: r = flag_pf(c); break;
	case 6: r = flag_sf(c) != flag_of(c); break;
	default: r = flag_zf(c) || (flag_sf(c) != flag_of(c)); break;
	}
	return r ^ (cc & 1);
}

#endif
