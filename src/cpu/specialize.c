/*
 * specialize.c - after decoding, replace a generic handler by a variant
 * specialised for the operand size, operation and operand form when one
 * exists. The generic handler stays the table's entry (opcodes.def); this
 * only picks a faster function with the same behaviour.
 */
#include "cpu/cpu_internal.h"

/* Each table entry is a pair: the handler and its threaded twin. */
extern const struct op_pair alu_rr_table[8][3], alu_rr_rev_table[8][3], alu_ri_table[8][3];
extern const struct op_pair alu_mr_table[8][3], alu_rm_table[8][3], alu_mi_table[8][3];
extern const struct op_pair alu_incdec_r16[2];
extern const struct op_pair jcc_table[16];
extern const struct op_pair mov_rr_table[3], mov_rm_table[3], mov_mr_table[3], mov_ri_table[3];

void op_alu_rm_r(struct cpu *c, const struct insn *i);
void op_alu_r_rm(struct cpu *c, const struct insn *i);
void op_alu_rm_imm(struct cpu *c, const struct insn *i);
void op_alu_acc_imm(struct cpu *c, const struct insn *i);
void op_inc_reg(struct cpu *c, const struct insn *i);
void op_dec_reg(struct cpu *c, const struct insn *i);
void op_jcc(struct cpu *c, const struct insn *i);
void op_mov_rm_r(struct cpu *c, const struct insn *i);
void op_mov_r_rm(struct cpu *c, const struct insn *i);
void op_mov_reg_imm(struct cpu *c, const struct insn *i);

static inline unsigned size_index(unsigned sz)
{
	return sz == 1 ? 0 : sz == 2 ? 1 : 2;
}

static const struct op_pair *pick(struct insn *i, op_fn fn)
{
	const unsigned s = size_index(i->osz);
	const bool reg = i->mod == 3;
	if (fn == op_alu_rm_r)
		return &(reg ? alu_rr_table : alu_mr_table)[(i->op >> 3) & 7][s];
	if (fn == op_alu_r_rm)
		return &(reg ? alu_rr_rev_table : alu_rm_table)[(i->op >> 3) & 7][s];
	if (fn == op_alu_rm_imm)
		return &(reg ? alu_ri_table : alu_mi_table)[i->reg][s];
	if (fn == op_alu_acc_imm) {
		i->rm = REG_AX;
		i->mod = 3;
		return &alu_ri_table[(i->op >> 3) & 7][s];
	}
	if ((fn == op_inc_reg || fn == op_dec_reg) && i->wsz == 2)
		return &alu_incdec_r16[fn == op_dec_reg];
	if (fn == op_jcc)
		return &jcc_table[i->op & 0xF];
	if (fn == op_mov_rm_r)
		return &(reg ? mov_rr_table : mov_mr_table)[s];
	if (fn == op_mov_r_rm && !reg)
		return &mov_rm_table[s];
	if (fn == op_mov_reg_imm)
		return &mov_ri_table[s];
	return NULL;
}

void cpu_specialize(struct insn *i, op_fn fn)
{
	const struct op_pair *p = pick(i, fn);
	i->impl = p ? p->impl : fn;
	i->fn = p ? p->thr : i->term == TERM_NONE ? thread_plain : thread_generic;
}
