/*
 * ops_move.c - data movement: MOV forms, XCHG, LEA, LES/LDS/LSS/LFS/LGS,
 * MOVZX/MOVSX, CBW/CWDE, CWD/CDQ, LAHF/SAHF, XLAT, NOP.
 */
#include "cpu/cpu_internal.h"

void op_mov_rm_r(struct cpu *c, const struct insn *i)
{
	rm_write(c, i, i->osz, reg_get(c, i->reg, i->osz));
}

void op_mov_r_rm(struct cpu *c, const struct insn *i)
{
	reg_set(c, i->reg, i->osz, rm_read(c, i, i->osz));
}

void op_mov_rm_imm(struct cpu *c, const struct insn *i)
{
	rm_write(c, i, i->osz, i->imm & size_mask(i->osz));
}

void op_mov_reg_imm(struct cpu *c, const struct insn *i)
{
	reg_set(c, i->op & 7, i->osz, i->imm);
}

void op_mov_acc_moffs(struct cpu *c, const struct insn *i)
{
	reg_set(c, REG_AX, i->osz, mem_read(c, i->seg, i->disp, i->osz));
}

void op_mov_moffs_acc(struct cpu *c, const struct insn *i)
{
	mem_write(c, i->seg, i->disp, i->osz, reg_get(c, REG_AX, i->osz));
}

/* Segment register number from ModR/M reg: the 8086 decodes two bits; the
 * 286 has ES CS SS DS; the 386 adds FS GS. Returns -1 if invalid. */
static int sreg_index(const struct cpu *c, unsigned reg)
{
	if (c->model <= CPU_80186)
		return (int)(reg & 3);
	if (c->model == CPU_80286)
		return reg < 4 ? (int)reg : -1;
	return reg < 6 ? (int)reg : -1;
}

void op_mov_rm_sreg(struct cpu *c, const struct insn *i)
{
	int s = sreg_index(c, i->reg);
	if (s < 0)
		cpu_fault(c, EXC_UD);
	if (i->mod == 3)
		reg_set(c, i->rm, i->wsz, c->seg[s]);
	else
		mem_write16(c, i->seg, insn_ea(c, i), c->seg[s]);
}

void op_mov_sreg_rm(struct cpu *c, const struct insn *i)
{
	int s = sreg_index(c, i->reg);
	if (s < 0 || (s == SEG_CS && c->model >= CPU_80286))
		cpu_fault(c, EXC_UD);
	uint16_t v = (uint16_t)rm_read(c, i, 2);
	if (s == SEG_CS)
		seg_load(c, SEG_CS, v); /* the 8086's MOV CS */
	else
		cpu_load_sreg(c, (unsigned)s, v);
	if (s == SEG_SS) {
		c->in.inhibit_irq = true;
		cpu_update_events(c);
	}
}

void op_lea(struct cpu *c, const struct insn *i)
{
	if (i->mod == 3)
		return; /* 8086 only (186+ raise #UD): undefined, we leave reg as is */
	reg_set(c, i->reg, i->wsz, insn_ea(c, i));
}

/* LES C4, LDS C5, LSS 0F B2, LFS 0F B4, LGS 0F B5: offset then selector. */
void op_lxs(struct cpu *c, const struct insn *i)
{
	unsigned s;
	if (!i->two_byte)
		s = i->op == 0xC4 ? SEG_ES : SEG_DS;
	else
		s = i->op == 0xB2 ? SEG_SS : i->op == 0xB4 ? SEG_FS : SEG_GS;
	uint32_t ea = insn_ea(c, i);
	uint32_t off = mem_read(c, i->seg, ea, i->wsz);
	uint32_t sel_ea = ea + i->wsz;
	if (i->asz == 2)
		sel_ea &= 0xFFFF;
	uint16_t sel = mem_read16(c, i->seg, sel_ea);
	cpu_load_sreg(c, s, sel);
	reg_set(c, i->reg, i->wsz, off);
	if (s == SEG_SS) {
		c->in.inhibit_irq = true;
		cpu_update_events(c);
	}
}

/* MOVZX 0F B6/B7, MOVSX 0F BE/BF. */
void op_movx(struct cpu *c, const struct insn *i)
{
	unsigned src_sz = (i->op & 1) ? 2 : 1;
	uint32_t v = rm_read(c, i, src_sz);
	if (i->op >= 0xBE)
		v = (uint32_t)flags_sext(v, src_sz * 8);
	reg_set(c, i->reg, i->wsz, v);
}

void op_xchg_rm_r(struct cpu *c, const struct insn *i)
{
	uint32_t a = rm_read(c, i, i->osz);
	rm_write(c, i, i->osz, reg_get(c, i->reg, i->osz));
	reg_set(c, i->reg, i->osz, a);
}

void op_xchg_acc_reg(struct cpu *c, const struct insn *i)
{
	unsigned r = i->op & 7;
	uint32_t a = reg_get(c, REG_AX, i->wsz);
	reg_set(c, REG_AX, i->wsz, reg_get(c, r, i->wsz));
	reg_set(c, r, i->wsz, a);
}

void op_nop(struct cpu *c, const struct insn *i)
{
	(void)c;
	(void)i;
}

void op_cbw(struct cpu *c, const struct insn *i)
{
	if (i->wsz == 4)
		*reg32(c, REG_AX) = (uint32_t)(int32_t)(int16_t)*reg16(c, REG_AX);
	else
		*reg16(c, REG_AX) = (uint16_t)(int16_t)(int8_t)*reg8(c, 0);
}

void op_cwd(struct cpu *c, const struct insn *i)
{
	if (i->wsz == 4)
		*reg32(c, REG_DX) = (*reg32(c, REG_AX) & 0x80000000u) ? 0xFFFFFFFFu : 0;
	else
		*reg16(c, REG_DX) = (*reg16(c, REG_AX) & 0x8000) ? 0xFFFF : 0;
}

void op_lahf(struct cpu *c, const struct insn *i)
{
	(void)i;
	*reg8(c, 4) = (uint8_t)cpu_flags_read(c);
}

void op_sahf(struct cpu *c, const struct insn *i)
{
	(void)i;
	uint32_t f = (*reg8(c, 4) & (FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF)) |
		     (flag_of(c) ? FLAG_OF : 0);
	flags_arith_set(c, f);
}

void op_xlat(struct cpu *c, const struct insn *i)
{
	uint32_t off = (i->asz == 4 ? *reg32(c, REG_BX) : *reg16(c, REG_BX)) + *reg8(c, 0);
	if (i->asz == 2)
		off &= 0xFFFF;
	*reg8(c, 0) = mem_read8(c, i->seg, off);
}

/* MOV specialised per operand size and form (used through specialize.c). */
#define MOV_VARIANTS(sz) \
	static void mov_rr_##sz(struct cpu *c, const struct insn *i) \
	{ \
		reg_set(c, i->rm, sz, reg_get(c, i->reg, sz)); \
	} \
	static void mov_rm_##sz(struct cpu *c, const struct insn *i) \
	{ \
		insn_current(c, i); \
		reg_set(c, i->reg, sz, mem_read(c, i->seg, insn_ea(c, i), sz)); \
	} \
	static void mov_mr_##sz(struct cpu *c, const struct insn *i) \
	{ \
		insn_current(c, i); \
		mem_write(c, i->seg, insn_ea(c, i), sz, reg_get(c, i->reg, sz)); \
	} \
	static void mov_ri_##sz(struct cpu *c, const struct insn *i) \
	{ \
		reg_set(c, i->op & 7, sz, i->imm); \
	} \
	static void mov_rr_##sz##_t(struct cpu *c, const struct insn *i) \
	{ \
		mov_rr_##sz(c, i); \
		insn_chain_regs(c, i); \
	} \
	static void mov_rm_##sz##_t(struct cpu *c, const struct insn *i) \
	{ \
		mov_rm_##sz(c, i); \
		insn_chain(c, i); \
	} \
	static void mov_mr_##sz##_t(struct cpu *c, const struct insn *i) \
	{ \
		mov_mr_##sz(c, i); \
		insn_chain(c, i); \
	} \
	static void mov_ri_##sz##_t(struct cpu *c, const struct insn *i) \
	{ \
		mov_ri_##sz(c, i); \
		insn_chain_regs(c, i); \
	}
MOV_VARIANTS(1)
MOV_VARIANTS(2)
MOV_VARIANTS(4)

/* MOV r, r/m (8Ah/8Bh) with a register operand: compilers and MASM emit
 * this encoding for register moves as often as 88h/89h (7% of the
 * instructions of the nmake build, bench/README.md). Only a threaded twin:
 * the pair's impl stays op_mov_r_rm, which handles the form (and is what
 * the JIT recognises). */
#define MOV_REV_TWIN(sz) \
	static void mov_rr_rev_##sz##_t(struct cpu *c, const struct insn *i) \
	{ \
		reg_set(c, i->reg, sz, reg_get(c, i->rm, sz)); \
		insn_chain_regs(c, i); \
	}
MOV_REV_TWIN(1)
MOV_REV_TWIN(2)
MOV_REV_TWIN(4)

#define MOV_ROW(form) { { form##_1, form##_1_t, NULL }, { form##_2, form##_2_t, NULL }, { form##_4, form##_4_t, NULL } }
const struct op_pair mov_rr_table[3] = MOV_ROW(mov_rr);
const struct op_pair mov_rm_table[3] = MOV_ROW(mov_rm);
const struct op_pair mov_mr_table[3] = MOV_ROW(mov_mr);
const struct op_pair mov_ri_table[3] = MOV_ROW(mov_ri);
/* MOV AL/AX/EAX to and from moffs (A0h-A3h) and MOV m, imm (C6h/C7h /0
 * with a memory operand) per size: threaded twins only, the pairs' impl
 * stays the general handler (which the JIT recognises). */
#define MOV_MEM_TWINS(sz) \
	static void mov_acc_moffs_##sz##_t(struct cpu *c, const struct insn *i) \
	{ \
		insn_current(c, i); \
		reg_set(c, REG_AX, sz, mem_read(c, i->seg, i->disp, sz)); \
		insn_chain(c, i); \
	} \
	static void mov_moffs_acc_##sz##_t(struct cpu *c, const struct insn *i) \
	{ \
		insn_current(c, i); \
		mem_write(c, i->seg, i->disp, sz, reg_get(c, REG_AX, sz)); \
		insn_chain(c, i); \
	} \
	static void mov_mi_##sz##_t(struct cpu *c, const struct insn *i) \
	{ \
		insn_current(c, i); \
		mem_write(c, i->seg, insn_ea(c, i), sz, i->imm & size_mask(sz)); \
		insn_chain(c, i); \
	}
MOV_MEM_TWINS(1)
MOV_MEM_TWINS(2)
MOV_MEM_TWINS(4)

const struct op_pair mov_moffs_table[2][3] = {
	{ { op_mov_acc_moffs, mov_acc_moffs_1_t, NULL }, { op_mov_acc_moffs, mov_acc_moffs_2_t, NULL },
	  { op_mov_acc_moffs, mov_acc_moffs_4_t, NULL } },
	{ { op_mov_moffs_acc, mov_moffs_acc_1_t, NULL }, { op_mov_moffs_acc, mov_moffs_acc_2_t, NULL },
	  { op_mov_moffs_acc, mov_moffs_acc_4_t, NULL } },
};
const struct op_pair mov_mi_table[3] = {
	{ op_mov_rm_imm, mov_mi_1_t, NULL }, { op_mov_rm_imm, mov_mi_2_t, NULL }, { op_mov_rm_imm, mov_mi_4_t, NULL }
};
const struct op_pair mov_rr_rev_table[3] = {
	{ op_mov_r_rm, mov_rr_rev_1_t, NULL }, { op_mov_r_rm, mov_rr_rev_2_t, NULL }, { op_mov_r_rm, mov_rr_rev_4_t, NULL }
};
