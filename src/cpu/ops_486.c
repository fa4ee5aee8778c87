/*
 * ops_486.c - the i486's new application instructions (i486 PRM chapter
 * 26): BSWAP, XADD and CMPXCHG.
 */
#include "cpu/alu.h"

/* BSWAP r32 (0F C8+r). With a 16-bit operand size the result is undefined;
 * a 486 leaves zero in the register's low word, and so does this. */
void op_bswap(struct cpu *c, const struct insn *i)
{
	const unsigned r = i->op & 7;
	if (i->wsz == 2)
		*reg16(c, r) = 0;
	else
		*reg32(c, r) = __builtin_bswap32(*reg32(c, r));
}

/* XADD r/m, r (0F C0/C1): the sum goes to r/m, the old r/m value to r; the
 * flags are ADD's. With the same register on both sides it gets the sum. */
void op_xadd(struct cpu *c, const struct insn *i)
{
	const unsigned sz = i->osz;
	const uint32_t src = reg_get(c, i->reg, sz);
	if (i->mod == 3) {
		const uint32_t dst = reg_get(c, i->rm, sz);
		const uint32_t sum = alu_op(c, ALU_ADD, dst, src, sz);
		reg_set(c, i->reg, sz, dst);
		reg_set(c, i->rm, sz, sum);
		return;
	}
	const uint32_t ea = insn_ea(c, i);
	const uint32_t dst = mem_read(c, i->seg, ea, sz);
	const uint32_t sum = alu_op(c, ALU_ADD, dst, src, sz);
	mem_write(c, i->seg, ea, sz, sum);
	reg_set(c, i->reg, sz, dst);
}

/* CMPXCHG r/m, r (0F B0/B1): flags of CMP accumulator, r/m; equal: r/m =
 * r; else the accumulator = r/m. A memory operand is written either way
 * (with its own value when they differ), as on the 486. */
void op_cmpxchg(struct cpu *c, const struct insn *i)
{
	const unsigned sz = i->osz;
	const uint32_t acc = reg_get(c, REG_AX, sz);
	const uint32_t src = reg_get(c, i->reg, sz);
	if (i->mod == 3) {
		const uint32_t dst = reg_get(c, i->rm, sz);
		alu_op(c, ALU_CMP, acc, dst, sz);
		if (acc == dst)
			reg_set(c, i->rm, sz, src);
		else
			reg_set(c, REG_AX, sz, dst);
		return;
	}
	const uint32_t ea = insn_ea(c, i);
	const uint32_t dst = mem_read(c, i->seg, ea, sz);
	mem_write(c, i->seg, ea, sz, acc == dst ? src : dst);
	alu_op(c, ALU_CMP, acc, dst, sz);
	if (acc != dst)
		reg_set(c, REG_AX, sz, dst);
}
