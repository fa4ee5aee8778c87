/*
 * specialize.c - after decoding, replace a generic handler by a variant
 * specialised for the operand size, operation and operand form when one
 * exists. The generic handler stays the table's entry (opcodes.def); this
 * only picks a faster function with the same behaviour. Which variants an
 * entry may get (its family) and the flags it reads and writes (for the
 * dead-flag pass) are columns of opcodes.def.
 */
#include "cpu/alu.h"
#include "cpu/fpu.h"

/* Each table entry is a pair: the handler and its threaded twin. */
extern const struct op_pair alu_rr_table[8][3], alu_rr_rev_table[8][3], alu_ri_table[8][3];
extern const struct op_pair alu_mr_table[8][3], alu_rm_table[8][3], alu_mi_table[8][3];
extern const struct op_pair alu_incdec_op[2][3], alu_incdec_rm[2][3], alu_incdec_m[2][3];
extern const struct op_pair mov_moffs_table[2][3], mov_mi_table[3];
extern const struct op_pair jcc_table[16];
extern const struct op_pair mov_rr_table[3], mov_rm_table[3], mov_mr_table[3], mov_ri_table[3], mov_rr_rev_table[3];
extern const struct op_pair shift_table[3][8][3];
extern const struct op_pair push_reg_table[2][2], pop_reg_table[2][2];
extern const struct op_pair string1_table[5];
extern const struct op_pair loop16_pair, jmp_rel16_pair, loop32_pair, jmp_rel32_pair;
extern const struct op_pair call_rel_table[2][2], ret_table[2][2];

static inline unsigned size_index(unsigned sz)
{
	return sz == 1 ? 0 : sz == 2 ? 1 : 2;
}

/* The specialised pair for i, by its entry's family (opcodes.def), or NULL. */
static const struct op_pair *pick(const struct cpu *c, struct insn *i)
{
	const unsigned s = size_index(i->osz);
	const bool reg = i->mod == 3;
	const bool s32 = c->in.sp_mask != 0xFFFF; /* see push_s() */
	const enum op_spec spec = (enum op_spec)i->ent->spec;
	switch (spec) {
	case SP_NONE:
		return NULL;
	case SP_ALU_RM_R:
		return &(reg ? alu_rr_table : alu_mr_table)[(i->op >> 3) & 7][s];
	case SP_ALU_R_RM:
		return &(reg ? alu_rr_rev_table : alu_rm_table)[(i->op >> 3) & 7][s];
	case SP_ALU_RM_IMM:
		return &(reg ? alu_ri_table : alu_mi_table)[i->reg][s];
	case SP_ALU_ACC_IMM:
		i->rm = REG_AX;
		i->mod = 3;
		return &alu_ri_table[(i->op >> 3) & 7][s];
	case SP_INC_REG:
	case SP_DEC_REG:
		return &alu_incdec_op[spec == SP_DEC_REG][s];
	case SP_INC_RM:
	case SP_DEC_RM:
		return &(reg ? alu_incdec_rm : alu_incdec_m)[spec == SP_DEC_RM][s];
	case SP_JCC:
		return &jcc_table[i->op & 0xF];
	case SP_MOV_RM_R:
		return &(reg ? mov_rr_table : mov_mr_table)[s];
	case SP_MOV_R_RM:
		return &(reg ? mov_rr_rev_table : mov_rm_table)[s];
	case SP_MOV_REG_IMM:
		return &mov_ri_table[s];
	case SP_SHIFT: {
		if (!reg)
			return NULL;
		unsigned src = (i->op == 0xD0 || i->op == 0xD1) ? 0 : (i->op == 0xD2 || i->op == 0xD3) ? 1 : 2;
		return &shift_table[src][i->reg][s];
	}
	case SP_PUSH_REG:
		return (i->op & 7) != REG_SP || c->model >= CPU_80286 ? &push_reg_table[i->wsz == 4][s32] : NULL;
	case SP_POP_REG:
		return &pop_reg_table[i->wsz == 4][s32];
	case SP_CALL_REL:
		return &call_rel_table[i->wsz == 4][s32];
	case SP_MOVS:
	case SP_CMPS:
	case SP_STOS:
	case SP_LODS:
	case SP_SCAS:
		return i->rep ? NULL : &string1_table[spec - SP_MOVS];
	case SP_JMP_REL:
		return i->wsz == 2 ? &jmp_rel16_pair : &jmp_rel32_pair;
	case SP_RET:
		return &ret_table[i->wsz == 4][s32];
	case SP_LOOP:
		return i->asz == i->wsz ? (i->wsz == 2 ? &loop16_pair : &loop32_pair) : NULL;
	case SP_MOV_MOFFS:
		return &mov_moffs_table[i->op >= 0xA2][s];
	case SP_MOV_RM_IMM:
		return reg ? NULL : &mov_mi_table[s];
	}
	return NULL;
}

/* FL_* of an instruction that got a specialised pair, from its entry's
 * flag columns (opcodes.def). Only register-only forms take part (they
 * cannot fault, so no exception sees flags a twin skipped): FL_PASS for
 * moves, which touch no flag; FL_KILL for ALU operations and shifts that
 * write all six flags and read none (so not ADC, SBB, INC, DEC or the
 * rotates), shifts only by 1 or by a nonzero immediate (after the 186's
 * masking: a count of 0 changes no flag). */
static unsigned flag_use(const struct cpu *c, const struct insn *i)
{
	const struct op_entry *e = i->ent;
	const bool kills = e->writes == OFL_ALL && e->reads == OFL_NONE;
	switch ((enum op_spec)e->spec) {
	case SP_MOV_REG_IMM:
		return e->reads == OFL_NONE && e->writes == OFL_NONE ? FL_PASS : 0;
	case SP_MOV_RM_R:
	case SP_MOV_R_RM:
		return i->mod == 3 && e->reads == OFL_NONE && e->writes == OFL_NONE ? FL_PASS : 0;
	case SP_ALU_RM_R:
	case SP_ALU_R_RM:
	case SP_ALU_RM_IMM:
	case SP_ALU_ACC_IMM: /* (pick() made it a register form) */
		return i->mod == 3 && kills ? FL_KILL : 0;
	case SP_SHIFT: {
		const unsigned n = c->model >= CPU_80186 ? i->imm & 0x1F : i->imm & 0xFF;
		const bool by_const = i->op == 0xD0 || i->op == 0xD1 || ((i->op == 0xC0 || i->op == 0xC1) && n);
		return i->mod == 3 && kills && by_const ? FL_KILL : 0;
	}
	default:
		return 0;
	}
}

void cpu_specialize(const struct cpu *c, struct insn *i)
{
	const op_fn fn = i->ent->fn;
	const struct op_pair *p = fn != op_esc ? pick(c, i) : c->in.fpu_general ? NULL : fpu_pick(i);
	i->impl = p ? p->impl : fn;
	i->fl = p ? (uint8_t)flag_use(c, i) : 0;
	if (p) {
		i->fn = p->thr;
		return;
	}
	const op_fn twin = cpu_handler_twin(fn, i->term);
	i->fn = twin ? twin : i->term == TERM_NONE ? thread_plain : thread_generic;
	if (twin)
		i->fl |= FL_SP_SAVED;
}

op_fn cpu_noflags_twin(const struct cpu *c, struct insn *i)
{
	const struct op_pair *p = pick(c, i);
	return p && i->fn == p->thr ? p->nf : NULL;
}
