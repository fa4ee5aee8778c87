/*
 * specialize.c - after decoding, replace a generic handler by a variant
 * specialised for the operand size, operation and operand form when one
 * exists. The generic handler stays the table's entry (opcodes.def); this
 * only picks a faster function with the same behaviour.
 */
#include "cpu/alu.h"

/* Each table entry is a pair: the handler and its threaded twin. */
extern const struct op_pair alu_rr_table[8][3], alu_rr_rev_table[8][3], alu_ri_table[8][3];
extern const struct op_pair alu_mr_table[8][3], alu_rm_table[8][3], alu_mi_table[8][3];
extern const struct op_pair alu_incdec_op[2][3], alu_incdec_rm[2][3];
extern const struct op_pair jcc_table[16];
extern const struct op_pair mov_rr_table[3], mov_rm_table[3], mov_mr_table[3], mov_ri_table[3];
extern const struct op_pair shift_table[3][8][3];
extern const struct op_pair push_reg_table[2][2], pop_reg_table[2][2];
extern const struct op_pair string1_table[5];
extern const struct op_pair loop16_pair, jmp_rel16_pair, loop32_pair, jmp_rel32_pair;
extern const struct op_pair call_rel_table[2][2], ret_table[2][2];

void op_alu_rm_r(struct cpu *c, const struct insn *i);
void op_alu_r_rm(struct cpu *c, const struct insn *i);
void op_alu_rm_imm(struct cpu *c, const struct insn *i);
void op_alu_acc_imm(struct cpu *c, const struct insn *i);
void op_inc_reg(struct cpu *c, const struct insn *i);
void op_dec_reg(struct cpu *c, const struct insn *i);
void op_inc_rm(struct cpu *c, const struct insn *i);
void op_dec_rm(struct cpu *c, const struct insn *i);
void op_jcc(struct cpu *c, const struct insn *i);
void op_mov_rm_r(struct cpu *c, const struct insn *i);
void op_mov_r_rm(struct cpu *c, const struct insn *i);
void op_mov_reg_imm(struct cpu *c, const struct insn *i);
void op_shift(struct cpu *c, const struct insn *i);
void op_push_reg(struct cpu *c, const struct insn *i);
void op_pop_reg(struct cpu *c, const struct insn *i);
void op_call_rel(struct cpu *c, const struct insn *i);
void op_ret(struct cpu *c, const struct insn *i);
void op_loop(struct cpu *c, const struct insn *i);
void op_jmp_rel(struct cpu *c, const struct insn *i);
void op_movs(struct cpu *c, const struct insn *i);
void op_cmps(struct cpu *c, const struct insn *i);
void op_stos(struct cpu *c, const struct insn *i);
void op_lods(struct cpu *c, const struct insn *i);
void op_scas(struct cpu *c, const struct insn *i);

static inline unsigned size_index(unsigned sz)
{
	return sz == 1 ? 0 : sz == 2 ? 1 : 2;
}

static const struct op_pair *pick(const struct cpu *c, struct insn *i, op_fn fn)
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
	if (fn == op_inc_reg || fn == op_dec_reg)
		return &alu_incdec_op[fn == op_dec_reg][s];
	if ((fn == op_inc_rm || fn == op_dec_rm) && reg)
		return &alu_incdec_rm[fn == op_dec_rm][s];
	if (fn == op_jcc)
		return &jcc_table[i->op & 0xF];
	if (fn == op_mov_rm_r)
		return &(reg ? mov_rr_table : mov_mr_table)[s];
	if (fn == op_mov_r_rm && !reg)
		return &mov_rm_table[s];
	if (fn == op_mov_reg_imm)
		return &mov_ri_table[s];
	if (fn == op_shift && reg) {
		unsigned src = (i->op == 0xD0 || i->op == 0xD1) ? 0 : (i->op == 0xD2 || i->op == 0xD3) ? 1 : 2;
		return &shift_table[src][i->reg][s];
	}
	const bool s32 = c->in.sp_mask != 0xFFFF; /* see push_s() */
	if (fn == op_push_reg && ((i->op & 7) != REG_SP || c->model >= CPU_80286))
		return &push_reg_table[i->wsz == 4][s32];
	if (fn == op_pop_reg)
		return &pop_reg_table[i->wsz == 4][s32];
	if (fn == op_call_rel)
		return &call_rel_table[i->wsz == 4][s32];
	if (!i->rep) {
		const op_fn strings[5] = { op_movs, op_cmps, op_stos, op_lods, op_scas };
		for (unsigned k = 0; k < 5; k++)
			if (fn == strings[k])
				return &string1_table[k];
	}
	if (fn == op_jmp_rel)
		return i->wsz == 2 ? &jmp_rel16_pair : &jmp_rel32_pair;
	if (fn == op_ret)
		return &ret_table[i->wsz == 4][s32];
	if (i->asz == i->wsz && fn == op_loop)
		return i->wsz == 2 ? &loop16_pair : &loop32_pair;
	return NULL;
}

/* FL_* of an instruction with the specialised handler pair p. */
static unsigned flag_use(const struct cpu *c, const struct insn *i, const struct op_pair *p)
{
	const unsigned s = size_index(i->osz);
	if (p == &mov_rr_table[s] || p == &mov_ri_table[s])
		return FL_PASS;
	if (i->mod != 3)
		return 0;
	for (unsigned op = 0; op < 8; op++) {
		if (p != &alu_rr_table[op][s] && p != &alu_rr_rev_table[op][s] && p != &alu_ri_table[op][s])
			continue;
		return op == ALU_ADC || op == ALU_SBB ? 0 : FL_KILL;
	}
	/* Shifts by 1 or by a nonzero immediate (after the 186's masking). */
	const unsigned n = c->model >= CPU_80186 ? i->imm & 0x1F : i->imm & 0xFF;
	if (i->reg >= 4 && (p == &shift_table[0][i->reg][s] || (p == &shift_table[2][i->reg][s] && n)))
		return FL_KILL;
	return 0;
}

void cpu_specialize(const struct cpu *c, struct insn *i, op_fn fn)
{
	const struct op_pair *p = pick(c, i, fn);
	i->impl = p ? p->impl : fn;
	i->fn = p ? p->thr : i->term == TERM_NONE ? thread_plain : thread_generic;
	i->fl = p ? (uint8_t)flag_use(c, i, p) : 0;
}

op_fn cpu_noflags_twin(const struct cpu *c, struct insn *i)
{
	const struct op_pair *p = pick(c, i, i->ent->fn);
	return p && i->fn == p->thr ? p->nf : NULL;
}
