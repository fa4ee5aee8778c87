/*
 * ops_alu.c - ADD/OR/ADC/SBB/AND/SUB/XOR/CMP, TEST, INC/DEC, NOT/NEG.
 * One handler per operand form; the operand size comes from the decoder
 * (insn.osz), the operation from the opcode (bits 3-5) or ModR/M reg.
 */
#include "cpu/alu.h"

void op_alu_rm_r(struct cpu *c, const struct insn *i)
{
	unsigned op = (i->op >> 3) & 7, sz = i->osz;
	if (i->mod == 3) {
		uint32_t r = alu_op(c, op, reg_get(c, i->rm, sz), reg_get(c, i->reg, sz), sz);
		if (op != ALU_CMP)
			reg_set(c, i->rm, sz, r);
		return;
	}
	uint32_t ea = insn_ea(c, i);
	uint32_t r = alu_op(c, op, mem_read(c, i->seg, ea, sz), reg_get(c, i->reg, sz), sz);
	if (op != ALU_CMP)
		mem_write(c, i->seg, ea, sz, r);
}

void op_alu_r_rm(struct cpu *c, const struct insn *i)
{
	unsigned op = (i->op >> 3) & 7, sz = i->osz;
	uint32_t r = alu_op(c, op, reg_get(c, i->reg, sz), rm_read(c, i, sz), sz);
	if (op != ALU_CMP)
		reg_set(c, i->reg, sz, r);
}

void op_alu_acc_imm(struct cpu *c, const struct insn *i)
{
	unsigned op = (i->op >> 3) & 7, sz = i->osz;
	uint32_t r = alu_op(c, op, reg_get(c, REG_AX, sz), i->imm & size_mask(sz), sz);
	if (op != ALU_CMP)
		reg_set(c, REG_AX, sz, r);
}

void op_alu_rm_imm(struct cpu *c, const struct insn *i)
{
	unsigned op = i->reg, sz = i->osz;
	uint32_t b = i->imm & size_mask(sz);
	if (i->mod == 3) {
		uint32_t r = alu_op(c, op, reg_get(c, i->rm, sz), b, sz);
		if (op != ALU_CMP)
			reg_set(c, i->rm, sz, r);
		return;
	}
	uint32_t ea = insn_ea(c, i);
	uint32_t r = alu_op(c, op, mem_read(c, i->seg, ea, sz), b, sz);
	if (op != ALU_CMP)
		mem_write(c, i->seg, ea, sz, r);
}

void op_test_rm_r(struct cpu *c, const struct insn *i)
{
	alu_op(c, ALU_AND, rm_read(c, i, i->osz), reg_get(c, i->reg, i->osz), i->osz);
}

void op_test_acc_imm(struct cpu *c, const struct insn *i)
{
	alu_op(c, ALU_AND, reg_get(c, REG_AX, i->osz), i->imm & size_mask(i->osz), i->osz);
}

void op_test_rm_imm(struct cpu *c, const struct insn *i)
{
	alu_op(c, ALU_AND, rm_read(c, i, i->osz), i->imm & size_mask(i->osz), i->osz);
}

static inline uint32_t inc_dec(struct cpu *c, uint32_t a, unsigned sz, bool dec)
{
	return inc_dec_flags(c, a, sz, dec, true);
}

void op_inc_reg(struct cpu *c, const struct insn *i)
{
	unsigned r = i->op & 7;
	reg_set(c, r, i->wsz, inc_dec(c, reg_get(c, r, i->wsz), i->wsz, false));
}

void op_dec_reg(struct cpu *c, const struct insn *i)
{
	unsigned r = i->op & 7;
	reg_set(c, r, i->wsz, inc_dec(c, reg_get(c, r, i->wsz), i->wsz, true));
}

void op_inc_rm(struct cpu *c, const struct insn *i)
{
	rm_write(c, i, i->osz, inc_dec(c, rm_read(c, i, i->osz), i->osz, false));
}

void op_dec_rm(struct cpu *c, const struct insn *i)
{
	rm_write(c, i, i->osz, inc_dec(c, rm_read(c, i, i->osz), i->osz, true));
}

void op_not(struct cpu *c, const struct insn *i)
{
	rm_write(c, i, i->osz, ~rm_read(c, i, i->osz) & size_mask(i->osz));
}

void op_neg(struct cpu *c, const struct insn *i)
{
	uint32_t a = rm_read(c, i, i->osz);
	uint32_t r = (0 - a) & size_mask(i->osz);
	flags_sub(c, 0, a, r, i->osz * 8);
	rm_write(c, i, i->osz, r);
}

/*
 * Specialised variants for the decoded-block cache: one function per
 * (operation, size, operand form), so the hot path has no size or
 * operation switch. Built from the same inline code as the generic
 * handlers above; cpu_specialize() (specialize.c) picks them at decode.
 */
/* Register forms, with flags or without (see alu_op_flags()). The register
 * numbers are read into locals first: the flag stores could alias the
 * insn's byte fields as far as the compiler knows, and it would load them
 * again for the result. CMP without flags does nothing. */
static inline __attribute__((always_inline)) void alu_rr_f(struct cpu *c, const struct insn *i, unsigned op,
							    unsigned sz, bool flags)
{
	const unsigned rm = i->rm, rg = i->reg;
	if (op == ALU_CMP && !flags)
		return;
	uint32_t r = alu_op_flags(c, op, reg_get(c, rm, sz), reg_get(c, rg, sz), sz, flags);
	if (op != ALU_CMP)
		reg_set(c, rm, sz, r);
}

static inline __attribute__((always_inline)) void alu_rr_rev_f(struct cpu *c, const struct insn *i, unsigned op,
								unsigned sz, bool flags)
{
	const unsigned rm = i->rm, rg = i->reg;
	if (op == ALU_CMP && !flags)
		return;
	uint32_t r = alu_op_flags(c, op, reg_get(c, rg, sz), reg_get(c, rm, sz), sz, flags);
	if (op != ALU_CMP)
		reg_set(c, rg, sz, r);
}

static inline __attribute__((always_inline)) void alu_ri_f(struct cpu *c, const struct insn *i, unsigned op,
							    unsigned sz, bool flags)
{
	const unsigned rm = i->rm;
	if (op == ALU_CMP && !flags)
		return;
	uint32_t r = alu_op_flags(c, op, reg_get(c, rm, sz), i->imm & size_mask(sz), sz, flags);
	if (op != ALU_CMP)
		reg_set(c, rm, sz, r);
}

#define ALU_REG_FORM(form) \
	static inline __attribute__((always_inline)) void alu_##form(struct cpu *c, const struct insn *i, \
								      unsigned op, unsigned sz) \
	{ \
		alu_##form##_f(c, i, op, sz, true); \
	} \
	static inline __attribute__((always_inline)) void alu_##form##_nf(struct cpu *c, const struct insn *i, \
									   unsigned op, unsigned sz) \
	{ \
		alu_##form##_f(c, i, op, sz, false); \
	}
ALU_REG_FORM(rr)
ALU_REG_FORM(rr_rev)
ALU_REG_FORM(ri)

static inline __attribute__((always_inline)) void alu_mr(struct cpu *c, const struct insn *i, unsigned op, unsigned sz)
{
	insn_current(c, i);
	uint32_t ea = insn_ea(c, i);
	uint32_t r = alu_op(c, op, mem_read(c, i->seg, ea, sz), reg_get(c, i->reg, sz), sz);
	if (op != ALU_CMP)
		mem_write(c, i->seg, ea, sz, r);
}

static inline __attribute__((always_inline)) void alu_rm(struct cpu *c, const struct insn *i, unsigned op, unsigned sz)
{
	insn_current(c, i);
	uint32_t r = alu_op(c, op, reg_get(c, i->reg, sz), mem_read(c, i->seg, insn_ea(c, i), sz), sz);
	if (op != ALU_CMP)
		reg_set(c, i->reg, sz, r);
}

static inline __attribute__((always_inline)) void alu_mi(struct cpu *c, const struct insn *i, unsigned op, unsigned sz)
{
	insn_current(c, i);
	uint32_t ea = insn_ea(c, i);
	uint32_t r = alu_op(c, op, mem_read(c, i->seg, ea, sz), i->imm & size_mask(sz), sz);
	if (op != ALU_CMP)
		mem_write(c, i->seg, ea, sz, r);
}

/* The next instruction after each form: the register forms cannot drop
 * the block (cpu_internal.h insn_chain_regs()). */
#define alu_chain_rr insn_chain_regs
#define alu_chain_rr_rev insn_chain_regs
#define alu_chain_ri insn_chain_regs
#define alu_chain_mr insn_chain
#define alu_chain_rm insn_chain
#define alu_chain_mi insn_chain
#define ALU_VARIANT(form, op, sz) \
	static void alu_##form##_##op##_##sz(struct cpu *c, const struct insn *i) { alu_##form(c, i, op, sz); } \
	static void alu_##form##_##op##_##sz##_t(struct cpu *c, const struct insn *i) \
	{ \
		alu_##form(c, i, op, sz); \
		alu_chain_##form(c, i); \
	}
#define ALU_VARIANT_NF(form, op, sz) \
	ALU_VARIANT(form, op, sz) \
	static void alu_##form##_##op##_##sz##_n(struct cpu *c, const struct insn *i) \
	{ \
		alu_##form##_nf(c, i, op, sz); \
		alu_chain_##form(c, i); \
	}
#define ALU_VARIANTS_OP(form, op, V) V(form, op, 1) V(form, op, 2) V(form, op, 4)
#define ALU_VARIANTS(form, V) \
	ALU_VARIANTS_OP(form, 0, V) ALU_VARIANTS_OP(form, 1, V) ALU_VARIANTS_OP(form, 2, V) \
	ALU_VARIANTS_OP(form, 3, V) ALU_VARIANTS_OP(form, 4, V) ALU_VARIANTS_OP(form, 5, V) \
	ALU_VARIANTS_OP(form, 6, V) ALU_VARIANTS_OP(form, 7, V)
#define ALU_PAIR(form, op, sz) { alu_##form##_##op##_##sz, alu_##form##_##op##_##sz##_t, NULL }
#define ALU_PAIR_NF(form, op, sz) \
	{ alu_##form##_##op##_##sz, alu_##form##_##op##_##sz##_t, alu_##form##_##op##_##sz##_n }
#define ALU_ROW(form, op, P) { P(form, op, 1), P(form, op, 2), P(form, op, 4) }
#define ALU_TABLE_OF(form, V, P) \
	ALU_VARIANTS(form, V) \
	const struct op_pair alu_##form##_table[8][3] = { \
		ALU_ROW(form, 0, P), ALU_ROW(form, 1, P), ALU_ROW(form, 2, P), ALU_ROW(form, 3, P), \
		ALU_ROW(form, 4, P), ALU_ROW(form, 5, P), ALU_ROW(form, 6, P), ALU_ROW(form, 7, P), \
	};
#define ALU_TABLE(form) ALU_TABLE_OF(form, ALU_VARIANT, ALU_PAIR)
#define ALU_TABLE_NF(form) ALU_TABLE_OF(form, ALU_VARIANT_NF, ALU_PAIR_NF)

ALU_TABLE_NF(rr)
ALU_TABLE_NF(rr_rev)
ALU_TABLE_NF(ri)
ALU_TABLE(mr)
ALU_TABLE(rm)
ALU_TABLE(mi)

/* INC/DEC reg (40-4F, opcode register) per size, and INC/DEC r/m with a
 * register operand (FE/FF /0 /1, ModR/M register), with threaded twins
 * with and without flags. */
#define INCDEC_VARIANT(name, regexpr, sz, dec) \
	static inline __attribute__((always_inline)) void name##_f(struct cpu *c, const struct insn *i, bool flags) \
	{ \
		const unsigned r = regexpr; \
		reg_set(c, r, sz, inc_dec_flags(c, reg_get(c, r, sz), sz, dec, flags)); \
	} \
	static void name(struct cpu *c, const struct insn *i) { name##_f(c, i, true); } \
	static void name##_t(struct cpu *c, const struct insn *i) \
	{ \
		name##_f(c, i, true); \
		insn_chain_regs(c, i); \
	} \
	static void name##_n(struct cpu *c, const struct insn *i) \
	{ \
		name##_f(c, i, false); \
		insn_chain_regs(c, i); \
	}
INCDEC_VARIANT(inc_op16, i->op & 7, 2, false)
INCDEC_VARIANT(dec_op16, i->op & 7, 2, true)
INCDEC_VARIANT(inc_op32, i->op & 7, 4, false)
INCDEC_VARIANT(dec_op32, i->op & 7, 4, true)
INCDEC_VARIANT(inc_rm8, i->rm, 1, false)
INCDEC_VARIANT(dec_rm8, i->rm, 1, true)
INCDEC_VARIANT(inc_rm16, i->rm, 2, false)
INCDEC_VARIANT(dec_rm16, i->rm, 2, true)
INCDEC_VARIANT(inc_rm32, i->rm, 4, false)
INCDEC_VARIANT(dec_rm32, i->rm, 4, true)

#define INCDEC_PAIR(name) { name, name##_t, name##_n }
/* [dec][size: 1, 2, 4] */
const struct op_pair alu_incdec_op[2][3] = {
	{ { NULL, NULL, NULL }, INCDEC_PAIR(inc_op16), INCDEC_PAIR(inc_op32) },
	{ { NULL, NULL, NULL }, INCDEC_PAIR(dec_op16), INCDEC_PAIR(dec_op32) },
};
/* INC/DEC with a memory operand (FE/FF /0 /1) per size: threaded twins
 * only (the address computed once); the pairs' impl stays op_inc_rm /
 * op_dec_rm, which the step-by-step path and the JIT run. */
#define INCDEC_MEM_TWIN(name, sz, dec) \
	static void name##_t(struct cpu *c, const struct insn *i) \
	{ \
		insn_current(c, i); \
		const uint32_t ea = insn_ea(c, i); \
		mem_write(c, i->seg, ea, sz, inc_dec(c, mem_read(c, i->seg, ea, sz), sz, dec)); \
		insn_chain(c, i); \
	}
INCDEC_MEM_TWIN(inc_m8, 1, false)
INCDEC_MEM_TWIN(dec_m8, 1, true)
INCDEC_MEM_TWIN(inc_m16, 2, false)
INCDEC_MEM_TWIN(dec_m16, 2, true)
INCDEC_MEM_TWIN(inc_m32, 4, false)
INCDEC_MEM_TWIN(dec_m32, 4, true)

const struct op_pair alu_incdec_m[2][3] = {
	{ { op_inc_rm, inc_m8_t, NULL }, { op_inc_rm, inc_m16_t, NULL }, { op_inc_rm, inc_m32_t, NULL } },
	{ { op_dec_rm, dec_m8_t, NULL }, { op_dec_rm, dec_m16_t, NULL }, { op_dec_rm, dec_m32_t, NULL } },
};

const struct op_pair alu_incdec_rm[2][3] = {
	{ INCDEC_PAIR(inc_rm8), INCDEC_PAIR(inc_rm16), INCDEC_PAIR(inc_rm32) },
	{ INCDEC_PAIR(dec_rm8), INCDEC_PAIR(dec_rm16), INCDEC_PAIR(dec_rm32) },
};
