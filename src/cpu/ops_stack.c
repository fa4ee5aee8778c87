/*
 * ops_stack.c - PUSH/POP of registers, segment registers, memory and
 * immediates; PUSHA/POPA; PUSHF/POPF; ENTER/LEAVE.
 * PUSH SP: the 8086/186 push the decremented SP, the 286+ the old one
 * (Intel 80286 PRM, "Compatibility with the 8086").
 */
#include "cpu/cpu_internal.h"

void op_push_reg(struct cpu *c, const struct insn *i)
{
	unsigned r = i->op & 7;
	uint32_t v = reg_get(c, r, i->wsz);
	if (r == REG_SP && c->model <= CPU_80186)
		v = (v - 2) & 0xFFFF;
	push_sz(c, i->wsz, v);
}

void op_pop_reg(struct cpu *c, const struct insn *i)
{
	uint32_t v = pop_sz(c, i->wsz);
	reg_set(c, i->op & 7, i->wsz, v);
}

static unsigned opcode_sreg(const struct insn *i)
{
	if (i->two_byte)
		return i->op < 0xA8 ? SEG_FS : SEG_GS;
	return (i->op >> 3) & 3;
}

void op_push_seg(struct cpu *c, const struct insn *i)
{
	push_sz(c, i->wsz, c->seg[opcode_sreg(i)]);
}

/* POP ES/SS/DS/FS/GS, and the 8086's POP CS (0F). The selector is read
 * before SP moves, so a faulting load leaves SP alone. */
void op_pop_seg(struct cpu *c, const struct insn *i)
{
	unsigned s = opcode_sreg(i);
	uint16_t v = (uint16_t)stack_peek(c, 0, i->wsz);
	if (s == SEG_CS)
		seg_load(c, s, v);
	else
		cpu_load_sreg(c, s, v);
	sp_add(c, i->wsz);
	if (s == SEG_SS) {
		c->in.inhibit_irq = true;
		cpu_update_events(c);
	}
}

void op_push_imm(struct cpu *c, const struct insn *i)
{
	push_sz(c, i->wsz, i->imm);
}

void op_push_rm(struct cpu *c, const struct insn *i)
{
	uint32_t v = rm_read(c, i, i->wsz);
	/* 8086: PUSH SP through FF /6 also pushes the decremented value. */
	if (i->mod == 3 && i->rm == REG_SP && c->model <= CPU_80186)
		v = (v - 2) & 0xFFFF;
	push_sz(c, i->wsz, v);
}

/* POP r/m: the address is computed after SP is incremented
 * (Intel 80386 PRM 17.2.2.11 POP). */
void op_pop_rm(struct cpu *c, const struct insn *i)
{
	uint32_t v = pop_sz(c, i->wsz);
	rm_write(c, i, i->wsz, v);
}

void op_pusha(struct cpu *c, const struct insn *i)
{
	uint32_t sp = reg_get(c, REG_SP, i->wsz);
	for (unsigned r = REG_AX; r <= REG_DI; r++)
		push_sz(c, i->wsz, r == REG_SP ? sp : reg_get(c, r, i->wsz));
}

void op_popa(struct cpu *c, const struct insn *i)
{
	for (int r = REG_DI; r >= REG_AX; r--) {
		uint32_t v = pop_sz(c, i->wsz);
		if (r != REG_SP)
			reg_set(c, (unsigned)r, i->wsz, v);
	}
}

/* PUSHF/POPF in V86 mode need IOPL 3 (#GP(0), Intel 80386 PRM 15.2.3). */
static void v86_iopl3(struct cpu *c)
{
	if (cpu_v86(c) && (c->in.flags & FLAG_IOPL) != FLAG_IOPL)
		cpu_fault(c, EXC_GP);
}

void op_pushf(struct cpu *c, const struct insn *i)
{
	cpu_check_trap(c, CPU_TRAP_PUSHF);
	v86_iopl3(c);
	/* PUSHFD clears VM and RF in the image (Intel 80386 PRM 17.2.2.11). */
	push_sz(c, i->wsz, cpu_flags_read(c) & ~(uint32_t)(FLAG_VM | FLAG_RF));
}

/* POPF: VM never changes and RF is cleared; in protected mode IOPL only at
 * CPL 0 and IF only at CPL <= IOPL (silently kept otherwise); in V86 mode
 * (IOPL 3) everything but IOPL. */
void op_popf(struct cpu *c, const struct insn *i)
{
	cpu_check_trap(c, CPU_TRAP_POPF);
	v86_iopl3(c);
	uint32_t f = pop_sz(c, i->wsz);
	if (cpu_pm(c))
		cpu_flags_load(c, f & ~(uint32_t)FLAG_RF, pm_flags_mask(c, i->wsz) | (i->wsz == 4 ? FLAG_RF : 0));
	else if (cpu_v86(c))
		cpu_flags_load(c, f & ~(uint32_t)FLAG_RF,
			       ((i->wsz == 4 ? 0xFFFFFFFFu : 0xFFFFu) & ~(uint32_t)(FLAG_IOPL | FLAG_VM)));
	else
		cpu_flags_write(c, f, i->wsz);
}

/* ENTER size, level (Intel 80386 PRM 17.2.2.11): level mod 32. The pushes
 * have the operand size; the frame pointer and the BP/EBP steps have the
 * stack's size (SS.B). */
void op_enter(struct cpu *c, const struct insn *i)
{
	const unsigned sz = i->wsz;
	const uint32_t m = c->in.sp_mask;
	uint16_t size = (uint16_t)i->imm;
	unsigned level = i->imm2 & 0x1F;
	push_sz(c, sz, reg_get(c, REG_BP, sz));
	uint32_t frame = sp_get(c);
	if (level > 0) {
		uint32_t bp = reg_get(c, REG_BP, stack32(c) ? 4 : 2);
		for (unsigned k = 1; k < level; k++) {
			bp = (bp - sz) & m;
			push_sz(c, sz, mem_read(c, SEG_SS, bp, sz));
		}
		push_sz(c, sz, frame);
	}
	if (sz == 4)
		reg_set(c, REG_BP, 4, stack32(c) ? frame : (reg_get(c, REG_BP, 4) & 0xFFFF0000u) | frame);
	else
		reg_set(c, REG_BP, 2, frame);
	sp_set(c, (sp_get(c) - size) & m);
}

void op_leave(struct cpu *c, const struct insn *i)
{
	uint32_t sp = stack32(c) ? *reg32(c, REG_BP) : *reg16(c, REG_BP);
	uint32_t v = mem_read(c, SEG_SS, sp, i->wsz);
	sp_set(c, sp + i->wsz);
	reg_set(c, REG_BP, i->wsz, v);
}

/* PUSH/POP of a general register specialised per operand and stack size,
 * with threaded twins (specialize.c uses them except for the 8086/186
 * PUSH SP). */
#define STACK_VARIANTS(sz, ss) \
	static void push_r##sz##_s##ss(struct cpu *c, const struct insn *i) \
	{ \
		insn_current(c, i); \
		push_s(c, sz / 8, ss == 32, reg_get(c, i->op & 7, sz / 8)); \
	} \
	static void pop_r##sz##_s##ss(struct cpu *c, const struct insn *i) \
	{ \
		insn_current(c, i); \
		uint32_t v = pop_s(c, sz / 8, ss == 32); \
		reg_set(c, i->op & 7, sz / 8, v); \
	} \
	static void push_r##sz##_s##ss##_t(struct cpu *c, const struct insn *i) \
	{ \
		push_r##sz##_s##ss(c, i); \
		insn_chain(c, i); \
	} \
	static void pop_r##sz##_s##ss##_t(struct cpu *c, const struct insn *i) \
	{ \
		pop_r##sz##_s##ss(c, i); \
		insn_chain(c, i); \
	}
STACK_VARIANTS(16, 16)
STACK_VARIANTS(32, 16)
STACK_VARIANTS(16, 32)
STACK_VARIANTS(32, 32)

/* [32-bit operand][32-bit stack] */
#define STACK_PAIR(op, sz, ss) { op##_r##sz##_s##ss, op##_r##sz##_s##ss##_t, NULL }
const struct op_pair push_reg_table[2][2] = {
	{ STACK_PAIR(push, 16, 16), STACK_PAIR(push, 16, 32) },
	{ STACK_PAIR(push, 32, 16), STACK_PAIR(push, 32, 32) },
};
const struct op_pair pop_reg_table[2][2] = {
	{ STACK_PAIR(pop, 16, 16), STACK_PAIR(pop, 16, 32) },
	{ STACK_PAIR(pop, 32, 16), STACK_PAIR(pop, 32, 32) },
};
