/*
 * ops_muldiv.c - MUL, IMUL (one, two and three operands), DIV, IDIV.
 *
 * Flags: MUL/IMUL set CF = OF = "the upper half is significant"; SF, ZF, AF,
 * PF are undefined (we derive SZP from the low half). DIV/IDIV leave all
 * arithmetic flags undefined (we leave them unchanged).
 * Divide errors (#DE): divisor 0 or quotient out of range. The 8086 also
 * faults on the most negative quotient (0x80 / 0x8000) and a REP prefix
 * negates the IDIV quotient (SingleStepTests 8086 captures); the 286+ accept
 * the most negative quotient.
 */
#include "cpu/cpu_internal.h"

/* The accumulator pair of MUL/IMUL/DIV/IDIV: AL:AH, AX:DX or EAX:EDX. */
static void acc_pair_set(struct cpu *c, unsigned sz, uint32_t lo, uint32_t hi)
{
	if (sz == 1) {
		*reg8(c, 0) = (uint8_t)lo;
		*reg8(c, 4) = (uint8_t)hi;
	} else {
		reg_set(c, REG_AX, sz, lo);
		reg_set(c, REG_DX, sz, hi);
	}
}

static void mul_flags(struct cpu *c, uint32_t lo, unsigned sz, bool wide)
{
	flags_result(c, lo, sz * 8, wide ? (FLAG_CF | FLAG_OF) : 0);
}

void op_mul(struct cpu *c, const struct insn *i)
{
	uint32_t src = rm_read(c, i, i->osz);
	const unsigned bits = i->osz * 8;
	uint64_t r = (uint64_t)reg_get(c, REG_AX, i->osz) * src;
	uint32_t lo = (uint32_t)r & size_mask(i->osz), hi = (uint32_t)(r >> bits);
	acc_pair_set(c, i->osz, lo, hi);
	mul_flags(c, lo, i->osz, hi != 0);
}

/* Signed product of a and b (sz bytes each); returns the full product and
 * whether it does not fit in sz bytes. */
static int64_t imul_full(uint32_t a, uint32_t b, unsigned sz, bool *wide)
{
	int64_t p = (int64_t)flags_sext(a, sz * 8) * (int64_t)flags_sext(b, sz * 8);
	*wide = p != (int64_t)flags_sext((uint32_t)p, sz * 8);
	return p;
}

void op_imul(struct cpu *c, const struct insn *i)
{
	bool wide;
	uint32_t src = rm_read(c, i, i->osz);
	int64_t p = imul_full(reg_get(c, REG_AX, i->osz), src, i->osz, &wide);
	/* 8086: a REP prefix negates the product as it does the IDIV quotient. */
	if (c->model == CPU_8086 && i->rep)
		p = -p;
	acc_pair_set(c, i->osz, (uint32_t)p & size_mask(i->osz), (uint32_t)((uint64_t)p >> (i->osz * 8)));
	if (c->model == CPU_8086 && i->rep)
		wide = p != (int64_t)flags_sext((uint32_t)p, i->osz * 8);
	mul_flags(c, (uint32_t)p & size_mask(i->osz), i->osz, wide);
}

/* IMUL r, r/m, imm (69, 6B) and IMUL r, r/m (0F AF). */
void op_imul_r_rm_imm(struct cpu *c, const struct insn *i)
{
	bool wide;
	int64_t p = imul_full(rm_read(c, i, i->osz), i->imm & size_mask(i->osz), i->osz, &wide);
	reg_set(c, i->reg, i->osz, (uint32_t)p);
	mul_flags(c, (uint32_t)p & size_mask(i->osz), i->osz, wide);
}

void op_imul_r_rm(struct cpu *c, const struct insn *i)
{
	bool wide;
	int64_t p = imul_full(reg_get(c, i->reg, i->osz), rm_read(c, i, i->osz), i->osz, &wide);
	reg_set(c, i->reg, i->osz, (uint32_t)p);
	mul_flags(c, (uint32_t)p & size_mask(i->osz), i->osz, wide);
}

void op_div(struct cpu *c, const struct insn *i)
{
	uint64_t d = rm_read(c, i, i->osz);
	if (d == 0)
		cpu_fault(c, EXC_DE);
	const unsigned bits = i->osz * 8;
	uint64_t n = i->osz == 1 ? *reg16(c, REG_AX)
				 : ((uint64_t)reg_get(c, REG_DX, i->osz) << bits) | reg_get(c, REG_AX, i->osz);
	uint64_t q = n / d;
	if (q > size_mask(i->osz))
		cpu_fault(c, EXC_DE);
	acc_pair_set(c, i->osz, (uint32_t)q, (uint32_t)(n % d));
}

void op_idiv(struct cpu *c, const struct insn *i)
{
	const unsigned bits = i->osz * 8;
	int64_t d = flags_sext(rm_read(c, i, i->osz), bits);
	int64_t n;
	switch (i->osz) {
	case 1: n = (int16_t)*reg16(c, REG_AX); break;
	case 2: n = (int32_t)(((uint32_t)*reg16(c, REG_DX) << 16) | *reg16(c, REG_AX)); break;
	default: n = (int64_t)(((uint64_t)*reg32(c, REG_DX) << 32) | *reg32(c, REG_AX)); break;
	}
	if (d == 0)
		cpu_fault(c, EXC_DE);
	/* INT64_MIN / -1 is out of range for every size (and UB in C). */
	if (d == -1 && n == INT64_MIN)
		cpu_fault(c, EXC_DE);
	int64_t q = n / d, r = n % d;
	if (c->model == CPU_8086 && i->rep)
		q = -q;
	int64_t max = ((int64_t)1 << (bits - 1)) - 1;
	int64_t min = c->model <= CPU_80186 ? -max : -max - 1;
	if (q > max || q < min)
		cpu_fault(c, EXC_DE);
	acc_pair_set(c, i->osz, (uint32_t)q, (uint32_t)r);
}
