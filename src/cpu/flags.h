/*
 * flags.h - lazy arithmetic flags.
 *
 * Representation (per struct cpu, field `in`):
 *   lf_res  the last result, sign-extended from its operand size to 32 bits,
 *           so ZF = (lf_res == 0) and SF = (lf_res < 0) whatever the size.
 *   lf_aux  CF, AF and OF stored directly at their FLAGS bit positions, plus
 *           "inversion" bits at the PF, ZF and SF positions: the flag's value
 *           is the one derived from lf_res XOR its inversion bit. Arithmetic
 *           clears the inversion bits; loading FLAGS from a word (POPF, SAHF,
 *           IRET) sets lf_res = 0 and stores the inversions that give the
 *           wanted ZF/SF/PF, so any combination is representable.
 * Reading a condition costs a compare and an xor; an ALU op stores two words.
 *
 * Carry vectors (used for CF, AF and OF of additions and subtractions):
 *   add r = a + b (+ cin):  cv = (a & b) | ((a | b) & ~r)   carry out of each bit
 *   sub r = a - b (- bin):  bv = (~a & b) | ((~a | b) & r)  borrow out of each bit
 *   CF = vector bit (n-1), AF = bit 3, OF = bit (n-1) xor bit (n-2).
 */
#ifndef MVDM_CPU_FLAGS_H
#define MVDM_CPU_FLAGS_H

#include "cpu/cpu.h"

#define FLAGS_ARITH (FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF)

static inline int32_t flags_sext(uint32_t v, unsigned bits)
{
	unsigned sh = 32 - bits;
	return (int32_t)(v << sh) >> sh;
}

/* Store the lazy state of an operation with result r (n bits) and carry or
 * borrow vector v. */
static inline void flags_set_vec(struct cpu *c, uint32_t r, uint32_t v, unsigned bits)
{
	uint32_t top = v >> (bits - 1);
	c->in.lf_res = flags_sext(r, bits);
	c->in.lf_aux = (top & 1) | ((v & 8) << 1) | (((top ^ (v >> (bits - 2))) & 1) << 11);
}

static inline void flags_add(struct cpu *c, uint32_t a, uint32_t b, uint32_t r, unsigned bits)
{
	flags_set_vec(c, r, (a & b) | ((a | b) & ~r), bits);
}

static inline void flags_sub(struct cpu *c, uint32_t a, uint32_t b, uint32_t r, unsigned bits)
{
	flags_set_vec(c, r, (~a & b) | ((~a | b) & r), bits);
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

static inline bool flag_cf(const struct cpu *c) { return c->in.lf_aux & 1; }
static inline bool flag_af(const struct cpu *c) { return (c->in.lf_aux >> 4) & 1; }
static inline bool flag_of(const struct cpu *c) { return (c->in.lf_aux >> 11) & 1; }
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

/* Set CF only, keeping the other arithmetic flags. */
static inline void flags_put_cf(struct cpu *c, bool cf)
{
	c->in.lf_aux = (c->in.lf_aux & ~1u) | (uint32_t)cf;
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
