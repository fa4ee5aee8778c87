/*
 * ops_bit.c - 386 bit instructions: BT/BTS/BTR/BTC (register and immediate
 * bit offsets), BSF/BSR, SETcc.
 * Intel 80386 PRM 17.2.2.11: with a register bit offset and a memory
 * operand, the offset is signed and selects a word/dword beyond the operand;
 * an immediate offset is taken modulo the operand size. CF = the bit; OF SF
 * AF PF are undefined (left as they are), ZF is unchanged.
 */
#include "cpu/cpu_internal.h"

static uint32_t bit_apply(unsigned op, uint32_t v, uint32_t mask)
{
	switch (op) {
	case 1: return v | mask;   /* BTS */
	case 2: return v & ~mask;  /* BTR */
	case 3: return v ^ mask;   /* BTC */
	default: return v;         /* BT */
	}
}

static void bit_test(struct cpu *c, const struct insn *i, unsigned op, uint32_t offset, bool from_reg)
{
	const unsigned sz = i->osz, bits = sz * 8;
	if (i->mod == 3) {
		uint32_t mask = 1u << (offset & (bits - 1));
		uint32_t v = reg_get(c, i->rm, sz);
		flags_put_cf(c, (v & mask) != 0);
		if (op)
			reg_set(c, i->rm, sz, bit_apply(op, v, mask));
		return;
	}
	uint32_t ea = insn_ea(c, i);
	if (from_reg) {
		int32_t soff = flags_sext(offset, bits);
		ea += (uint32_t)((soff >> (bits == 16 ? 4 : 5)) * (int32_t)sz);
		if (i->asz == 2)
			ea &= 0xFFFF;
	}
	uint32_t mask = 1u << (offset & (bits - 1));
	uint32_t v = mem_read(c, i->seg, ea, sz);
	flags_put_cf(c, (v & mask) != 0);
	if (op)
		mem_write(c, i->seg, ea, sz, bit_apply(op, v, mask));
}

/* 0F A3 BT, AB BTS, B3 BTR, BB BTC: op = (opcode >> 3) & 3. */
void op_bt_rm_r(struct cpu *c, const struct insn *i)
{
	bit_test(c, i, (i->op >> 3) & 3, reg_get(c, i->reg, i->osz), true);
}

/* 0F BA /4-/7 */
void op_bt_rm_imm(struct cpu *c, const struct insn *i)
{
	bit_test(c, i, i->reg & 3, i->imm & 0xFF, false);
}

/* BSF/BSR: source 0 sets ZF and leaves the destination unchanged. */
void op_bsx(struct cpu *c, const struct insn *i)
{
	uint32_t v = rm_read(c, i, i->osz);
	uint32_t f = cpu_flags_read(c) & FLAGS_ARITH;
	if (v == 0) {
		flags_arith_set(c, f | FLAG_ZF);
		return;
	}
	unsigned idx = i->op == 0xBC ? (unsigned)__builtin_ctz(v) : 31u - (unsigned)__builtin_clz(v);
	reg_set(c, i->reg, i->osz, idx);
	flags_arith_set(c, f & ~(uint32_t)FLAG_ZF);
}

void op_setcc(struct cpu *c, const struct insn *i)
{
	rm_write(c, i, 1, flags_cond(c, i->op & 0xF) ? 1 : 0);
}
