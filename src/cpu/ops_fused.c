/*
 * ops_fused.c - compare-and-branch pairs fused inside decoded blocks.
 *
 * When a block is recorded, `CMP r,r`, `CMP r,imm` or `DEC r` (16 or 32
 * bits, register operands) directly followed by a Jcc get a threaded
 * handler that does both: the flags are still produced exactly as by the
 * two instructions, only one dispatch and the reload of the lazy flags are
 * saved. The Jcc keeps its own entry in the block, so the budget and the
 * position of each instruction are unchanged (bc_charge() counts the Jcc
 * when the pair ends the block).
 */
#include "cpu/alu.h"
#include "cpu/block_cache.h"
#include "cpu/fpu.h"

/* First instruction of the pair; i + 1 is the Jcc. */
/* nl: a 16-bit IP whose CS limit check cannot fail (cpu_nolimit_twin()). */
static inline __attribute__((always_inline)) void fused_tail(struct cpu *c, const struct insn *i, unsigned cc,
							     bool nl)
{
	const struct insn *j = i + 1;
	if (flags_cond(c, cc)) {
		insn_current(c, j);
		if (nl)
			c->ip = (uint16_t)(j->ip + j->len + j->imm);
		else
			jump_to(c, (j->ip + j->len + j->imm) & ip_mask(j));
		bc_link(c);
		return;
	}
	insn_chain(c, j);
}

static inline __attribute__((always_inline)) void cmp_rr(struct cpu *c, const struct insn *i, unsigned sz)
{
	alu_op(c, ALU_CMP, reg_get(c, i->rm, sz), reg_get(c, i->reg, sz), sz);
}

static inline __attribute__((always_inline)) void cmp_rr_rev(struct cpu *c, const struct insn *i, unsigned sz)
{
	alu_op(c, ALU_CMP, reg_get(c, i->reg, sz), reg_get(c, i->rm, sz), sz);
}

static inline __attribute__((always_inline)) void cmp_ri(struct cpu *c, const struct insn *i, unsigned sz)
{
	alu_op(c, ALU_CMP, reg_get(c, i->rm, sz), i->imm & size_mask(sz), sz);
}

/* DEC r (48+r): CF is kept, as DEC does. */
static inline __attribute__((always_inline)) void dec_op(struct cpu *c, const struct insn *i, unsigned sz)
{
	const unsigned r = i->op & 7;
	reg_set(c, r, sz, inc_dec_flags(c, reg_get(c, r, sz), sz, true, true));
}

#define FUSED(first, sz, cc) \
	static void fused_##first##_##sz##_##cc(struct cpu *c, const struct insn *i) \
	{ \
		first(c, i, sz); \
		fused_tail(c, i, cc, false); \
	} \
	static void fused_##first##_##sz##_##cc##_nl(struct cpu *c, const struct insn *i) \
	{ \
		first(c, i, sz); \
		fused_tail(c, i, cc, true); \
	}
#define FUSED_CC(first, sz) \
	FUSED(first, sz, 0) FUSED(first, sz, 1) FUSED(first, sz, 2) FUSED(first, sz, 3) \
	FUSED(first, sz, 4) FUSED(first, sz, 5) FUSED(first, sz, 6) FUSED(first, sz, 7) \
	FUSED(first, sz, 8) FUSED(first, sz, 9) FUSED(first, sz, 10) FUSED(first, sz, 11) \
	FUSED(first, sz, 12) FUSED(first, sz, 13) FUSED(first, sz, 14) FUSED(first, sz, 15)
#define FUSED_ROW(first, sz, nl) { \
	fused_##first##_##sz##_0##nl, fused_##first##_##sz##_1##nl, fused_##first##_##sz##_2##nl, \
	fused_##first##_##sz##_3##nl, fused_##first##_##sz##_4##nl, fused_##first##_##sz##_5##nl, \
	fused_##first##_##sz##_6##nl, fused_##first##_##sz##_7##nl, fused_##first##_##sz##_8##nl, \
	fused_##first##_##sz##_9##nl, fused_##first##_##sz##_10##nl, fused_##first##_##sz##_11##nl, \
	fused_##first##_##sz##_12##nl, fused_##first##_##sz##_13##nl, fused_##first##_##sz##_14##nl, \
	fused_##first##_##sz##_15##nl }

FUSED_CC(cmp_rr, 2)
FUSED_CC(cmp_rr, 4)
FUSED_CC(cmp_rr_rev, 2)
FUSED_CC(cmp_rr_rev, 4)
FUSED_CC(cmp_ri, 2)
FUSED_CC(cmp_ri, 4)
FUSED_CC(dec_op, 2)
FUSED_CC(dec_op, 4)

/* [no limit check][first kind][size 2/4][condition] */
static const op_fn fused_table[2][4][2][16] = {
	{
		{ FUSED_ROW(cmp_rr, 2, ), FUSED_ROW(cmp_rr, 4, ) },
		{ FUSED_ROW(cmp_rr_rev, 2, ), FUSED_ROW(cmp_rr_rev, 4, ) },
		{ FUSED_ROW(cmp_ri, 2, ), FUSED_ROW(cmp_ri, 4, ) },
		{ FUSED_ROW(dec_op, 2, ), FUSED_ROW(dec_op, 4, ) },
	}, {
		{ FUSED_ROW(cmp_rr, 2, _nl), FUSED_ROW(cmp_rr, 4, _nl) },
		{ FUSED_ROW(cmp_rr_rev, 2, _nl), FUSED_ROW(cmp_rr_rev, 4, _nl) },
		{ FUSED_ROW(cmp_ri, 2, _nl), FUSED_ROW(cmp_ri, 4, _nl) },
		{ FUSED_ROW(dec_op, 2, _nl), FUSED_ROW(dec_op, 4, _nl) },
	},
};

extern const struct op_pair alu_rr_table[8][3], alu_rr_rev_table[8][3], alu_ri_table[8][3];
extern const struct op_pair alu_incdec_op[2][3];
extern const struct op_pair jcc_table[16];

void cpu_fuse(struct insn *first, const struct insn *jcc, bool nolimit)
{
	if (first->ent->fn == op_esc) {
		fpu_fuse(first, jcc); /* x87 runs (fpu_fast.c) */
		return;
	}
	/* (Any Jcc: short or near, 16- or 32-bit IP; fused_tail() masks the
	 * target as the Jcc's own handler does.) The pairs are CMP (which
	 * only writes flags) and DEC r, register forms, 16 or 32 bits, by the
	 * families of opcodes.def. */
	if (jcc->ent->spec != SP_JCC || jcc->ent->reads == OFL_NONE || first->mod != 3 ||
	    (first->osz != 2 && first->osz != 4))
		return;
	const unsigned s = first->osz == 4 ? 2 : 1;
	const struct op_pair *p;
	int kind;
	switch ((enum op_spec)first->ent->spec) {
	case SP_ALU_RM_R:
		kind = 0, p = &alu_rr_table[ALU_CMP][s];
		break;
	case SP_ALU_R_RM:
		kind = 1, p = &alu_rr_rev_table[ALU_CMP][s];
		break;
	case SP_ALU_RM_IMM:
	case SP_ALU_ACC_IMM:
		kind = 2, p = &alu_ri_table[ALU_CMP][s];
		break;
	case SP_DEC_REG:
		kind = 3, p = &alu_incdec_op[1][s];
		break;
	default:
		return;
	}
	const unsigned op = first->ent->spec == SP_ALU_RM_IMM ? first->reg : (first->op >> 3) & 7u;
	if (kind < 3 && op != ALU_CMP)
		return;
	/* Still the plain threaded twin (not one that skips its flags). */
	if (first->fn != p->thr)
		return;
	first->fn = fused_table[nolimit && jcc->wsz == 2][kind][s - 1][jcc->op & 0xF];
}
