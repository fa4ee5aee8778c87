/*
 * ops_shift.c - ROL ROR RCL RCR SHL SHR SAL SAR (group 2), the 8086's
 * undocumented SETMO/SETMOC, and the 386's SHLD/SHRD.
 *
 * Count: 1 (D0/D1), CL (D2/D3) or imm8 (C0/C1). The 80186 and later mask it
 * to 5 bits; the 8086 uses all 8 bits (Intel 80386 PRM 17.2.2.11 SAL note).
 * A zero count changes nothing, flags included.
 * OF is defined for count 1; for other counts we compute it the way the
 * hardware captures show: ROL/RCL/SHL: MSB(result) xor CF; ROR/RCR:
 * MSB(result) xor next bit; SHR: MSB of the operand before the last step.
 */
#include "cpu/cpu_internal.h"

static uint32_t shift_count(struct cpu *c, const struct insn *i)
{
	uint32_t n;
	if (i->op == 0xD0 || i->op == 0xD1)
		n = 1;
	else if (i->op == 0xD2 || i->op == 0xD3)
		n = *reg8(c, 1);
	else
		n = i->imm & 0xFF;
	return c->model >= CPU_80186 ? n & 0x1F : n;
}

/* The result of SHL/SAL (op 4, 6), SHR (5) or SAR (7) by n (n > 0). */
static inline __attribute__((always_inline)) uint32_t shift_val(unsigned op, uint32_t a, uint32_t n, unsigned sz)
{
	const unsigned bits = sz * 8;
	if (op == 4 || op == 6)
		return n < 32 ? (a << n) & size_mask(sz) : 0;
	if (op == 5)
		return n < 32 ? a >> n : 0;
	int32_t s = flags_sext(a, bits);
	unsigned k = n < bits ? n : bits;
	return (uint32_t)(k >= 32 ? (s >> 31) : (s >> (k - 1)) >> 1) & size_mask(sz);
}

static inline __attribute__((always_inline)) uint32_t shift_op(struct cpu *c, unsigned op, uint32_t a, uint32_t n, unsigned sz)
{
	const unsigned bits = sz * 8;
	const uint32_t m = size_mask(sz), msb = 1u << (bits - 1);
	uint32_t r, cf;
	switch (op) {
	case 0: { /* ROL */
		unsigned k = n % bits;
		r = k ? ((a << k) | (a >> (bits - k))) & m : a;
		cf = r & 1;
		flags_put_cf_of(c, cf, ((r & msb) != 0) ^ cf);
		return r;
	}
	case 1: { /* ROR */
		unsigned k = n % bits;
		r = k ? ((a >> k) | (a << (bits - k))) & m : a;
		cf = (r & msb) != 0;
		bool of = ((r >> (bits - 1)) ^ (r >> (bits - 2))) & 1;
		flags_put_cf_of(c, cf, of);
		return r;
	}
	case 2: { /* RCL: rotate through CF, one bit at a time */
		cf = flag_cf(c);
		r = a;
		unsigned k = n % (bits + 1);
		for (unsigned s = 0; s < k; s++) {
			uint32_t out = (r & msb) != 0;
			r = ((r << 1) | cf) & m;
			cf = out;
		}
		flags_put_cf_of(c, cf, ((r & msb) != 0) ^ cf);
		return r;
	}
	case 3: { /* RCR */
		cf = flag_cf(c);
		r = a;
		unsigned k = n % (bits + 1);
		for (unsigned s = 0; s < k; s++) {
			uint32_t out = r & 1;
			r = (r >> 1) | (cf ? msb : 0);
			cf = out;
		}
		bool of = ((r >> (bits - 1)) ^ (r >> (bits - 2))) & 1;
		flags_put_cf_of(c, cf, of);
		return r;
	}
	case 4: case 6: /* SHL, SAL */
		r = shift_val(op, a, n, sz);
		cf = n <= bits ? (a >> (bits - n)) & 1 : 0;
		flags_result(c, r, bits, (cf ? FLAG_CF : 0) | ((((r & msb) != 0) ^ cf) ? FLAG_OF : 0));
		return r;
	case 5: /* SHR */
		r = shift_val(op, a, n, sz);
		cf = n <= bits ? (a >> (n - 1)) & 1 : 0;
		flags_result(c, r, bits, (cf ? FLAG_CF : 0) |
			     ((n <= bits && ((a >> (n - 1)) & msb)) ? FLAG_OF : 0));
		return r;
	default: { /* SAR */
		int32_t s = flags_sext(a, bits);
		unsigned k = n < bits ? n : bits;
		r = shift_val(op, a, n, sz);
		cf = (uint32_t)(s >> (k - 1 < 31 ? k - 1 : 31)) & 1;
		flags_result(c, r, bits, cf ? FLAG_CF : 0);
		return r;
	}
	}
}

void op_shift(struct cpu *c, const struct insn *i)
{
	uint32_t n = shift_count(c, i);
	if (n == 0) {
		/* Still touches memory like the real thing would (a read). */
		(void)rm_read(c, i, i->osz);
		return;
	}
	uint32_t a = rm_read(c, i, i->osz);
	rm_write(c, i, i->osz, shift_op(c, i->reg, a, n, i->osz));
}

/* 8086 D0-D3 /6: SETMO (count 1) and SETMOC (count CL, nothing if CL = 0)
 * set the operand to all ones; flags as for OR with all ones. */
void op_setmo(struct cpu *c, const struct insn *i)
{
	if ((i->op == 0xD2 || i->op == 0xD3) && *reg8(c, 1) == 0)
		return;
	(void)rm_read(c, i, i->osz);
	uint32_t r = size_mask(i->osz);
	rm_write(c, i, i->osz, r);
	flags_logic(c, r, i->osz * 8);
}

/* SHLD/SHRD r/m, r, imm8|CL (Intel 80386 PRM 17.2.2.11). Count mod 32;
 * a count above the operand size leaves the result undefined: we shift the
 * concatenation as if it were wider. */
void op_shxd(struct cpu *c, const struct insn *i)
{
	const unsigned sz = i->osz, bits = sz * 8;
	unsigned n = ((i->op & 1) ? *reg8(c, 1) : i->imm) & 0x1F;
	uint32_t a = rm_read(c, i, sz);
	if (n == 0)
		return;
	uint64_t b = reg_get(c, i->reg, sz), r, cf;
	const uint32_t m = size_mask(sz), msb = 1u << (bits - 1);
	if (i->op == 0xA4 || i->op == 0xA5) { /* SHLD: dest:src shifted left */
		uint64_t cat = ((uint64_t)a << bits) | b;
		if (bits == 16)
			cat = (cat << 16) | b; /* 48 bits: a:b:b, as the 386 does */
		unsigned total = bits == 16 ? 48 : 64;
		r = (cat << n) >> (total - bits);
		cf = (cat >> (total - n)) & 1;
	} else { /* SHRD: src:dest shifted right */
		uint64_t cat = (b << bits) | a;
		if (bits == 16)
			cat |= b << 32;
		r = cat >> n;
		cf = (cat >> (n - 1)) & 1;
	}
	r &= m;
	bool of = ((r ^ a) & msb) != 0;
	flags_result(c, (uint32_t)r, bits, (cf ? FLAG_CF : 0) | (of ? FLAG_OF : 0));
	rm_write(c, i, sz, (uint32_t)r);
}

/* Register forms specialised per count source (1, CL, imm8), operation and
 * size, with threaded twins (used through specialize.c). Without `flags`
 * (SHL/SAL/SHR/SAR only) they skip the flags, for a block in which the
 * flags are dead. */
static inline __attribute__((always_inline)) void shift_reg(struct cpu *c, const struct insn *i,
							     unsigned src, unsigned op, unsigned sz, bool flags)
{
	uint32_t n = src == 0 ? 1 : src == 1 ? *reg8(c, 1) : i->imm & 0xFF;
	if (c->model >= CPU_80186)
		n &= 0x1F;
	if (n == 0)
		return;
	const unsigned rm = i->rm; /* read before the flag stores (ops_alu.c) */
	const uint32_t a = reg_get(c, rm, sz);
	reg_set(c, rm, sz, flags ? shift_op(c, op, a, n, sz) : shift_val(op, a, n, sz));
}

#define SHIFT_VARIANT(src, op, sz) \
	static void shift_##src##_##op##_##sz(struct cpu *c, const struct insn *i) { shift_reg(c, i, src, op, sz, true); } \
	static void shift_##src##_##op##_##sz##_t(struct cpu *c, const struct insn *i) \
	{ \
		shift_reg(c, i, src, op, sz, true); \
		insn_chain_regs(c, i); \
	}
#define SHIFT_VARIANT_NF(src, op, sz) \
	SHIFT_VARIANT(src, op, sz) \
	static void shift_##src##_##op##_##sz##_n(struct cpu *c, const struct insn *i) \
	{ \
		shift_reg(c, i, src, op, sz, false); \
		insn_chain_regs(c, i); \
	}
#define SHIFT_OP(src, op, V) V(src, op, 1) V(src, op, 2) V(src, op, 4)
#define SHIFT_SRC(src) \
	SHIFT_OP(src, 0, SHIFT_VARIANT) SHIFT_OP(src, 1, SHIFT_VARIANT) \
	SHIFT_OP(src, 2, SHIFT_VARIANT) SHIFT_OP(src, 3, SHIFT_VARIANT) \
	SHIFT_OP(src, 4, SHIFT_VARIANT_NF) SHIFT_OP(src, 5, SHIFT_VARIANT_NF) \
	SHIFT_OP(src, 6, SHIFT_VARIANT_NF) SHIFT_OP(src, 7, SHIFT_VARIANT_NF)
SHIFT_SRC(0)
SHIFT_SRC(1)
SHIFT_SRC(2)

#define SHIFT_PAIR(src, op, sz) { shift_##src##_##op##_##sz, shift_##src##_##op##_##sz##_t, NULL }
#define SHIFT_PAIR_NF(src, op, sz) \
	{ shift_##src##_##op##_##sz, shift_##src##_##op##_##sz##_t, shift_##src##_##op##_##sz##_n }
#define SHIFT_ROW(src, op, P) { P(src, op, 1), P(src, op, 2), P(src, op, 4) }
#define SHIFT_BLOCK(src) { \
	SHIFT_ROW(src, 0, SHIFT_PAIR), SHIFT_ROW(src, 1, SHIFT_PAIR), \
	SHIFT_ROW(src, 2, SHIFT_PAIR), SHIFT_ROW(src, 3, SHIFT_PAIR), \
	SHIFT_ROW(src, 4, SHIFT_PAIR_NF), SHIFT_ROW(src, 5, SHIFT_PAIR_NF), \
	SHIFT_ROW(src, 6, SHIFT_PAIR_NF), SHIFT_ROW(src, 7, SHIFT_PAIR_NF) }
const struct op_pair shift_table[3][8][3] = { SHIFT_BLOCK(0), SHIFT_BLOCK(1), SHIFT_BLOCK(2) };
