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

/* POP ES/SS/DS/FS/GS, and the 8086's POP CS (0F). */
void op_pop_seg(struct cpu *c, const struct insn *i)
{
	unsigned s = opcode_sreg(i);
	uint16_t v = (uint16_t)pop_sz(c, i->wsz);
	seg_load(c, s, v);
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

void op_pushf(struct cpu *c, const struct insn *i)
{
	cpu_check_trap(c, CPU_TRAP_PUSHF);
	/* PUSHFD clears VM and RF in the image (Intel 80386 PRM 17.2.2.11). */
	push_sz(c, i->wsz, cpu_flags_read(c) & ~(uint32_t)(FLAG_VM | FLAG_RF));
}

void op_popf(struct cpu *c, const struct insn *i)
{
	cpu_check_trap(c, CPU_TRAP_POPF);
	cpu_flags_write(c, pop_sz(c, i->wsz), i->wsz);
}

/* ENTER size, level (Intel 80386 PRM 17.2.2.11): level mod 32. */
void op_enter(struct cpu *c, const struct insn *i)
{
	const unsigned sz = i->wsz;
	uint16_t size = (uint16_t)i->imm;
	unsigned level = i->imm2 & 0x1F;
	push_sz(c, sz, reg_get(c, REG_BP, sz));
	uint32_t frame = *reg16(c, REG_SP);
	if (level > 0) {
		uint16_t bp = *reg16(c, REG_BP);
		for (unsigned k = 1; k < level; k++) {
			bp = (uint16_t)(bp - sz);
			push_sz(c, sz, mem_read(c, SEG_SS, bp, sz));
		}
		push_sz(c, sz, frame);
	}
	reg_set(c, REG_BP, sz, sz == 4 ? (reg_get(c, REG_BP, 4) & 0xFFFF0000u) | frame : frame);
	*reg16(c, REG_SP) = (uint16_t)(*reg16(c, REG_SP) - size);
}

void op_leave(struct cpu *c, const struct insn *i)
{
	*reg16(c, REG_SP) = *reg16(c, REG_BP);
	reg_set(c, REG_BP, i->wsz, pop_sz(c, i->wsz));
}

/* PUSH/POP of a general register specialised per size, with threaded
 * twins (specialize.c uses them except for the 8086/186 PUSH SP). */
#define STACK_VARIANTS(sz) \
	static void push_r##sz(struct cpu *c, const struct insn *i) \
	{ \
		insn_current(c, i); \
		push_sz(c, sz / 8, reg_get(c, i->op & 7, sz / 8)); \
	} \
	static void pop_r##sz(struct cpu *c, const struct insn *i) \
	{ \
		insn_current(c, i); \
		uint32_t v = pop_sz(c, sz / 8); \
		reg_set(c, i->op & 7, sz / 8, v); \
	} \
	static void push_r##sz##_t(struct cpu *c, const struct insn *i) \
	{ \
		push_r##sz(c, i); \
		insn_chain(c, i); \
	} \
	static void pop_r##sz##_t(struct cpu *c, const struct insn *i) \
	{ \
		pop_r##sz(c, i); \
		insn_chain(c, i); \
	}
STACK_VARIANTS(16)
STACK_VARIANTS(32)

const struct op_pair push_reg_table[2] = { { push_r16, push_r16_t, NULL }, { push_r32, push_r32_t, NULL } };
const struct op_pair pop_reg_table[2] = { { pop_r16, pop_r16_t, NULL }, { pop_r32, pop_r32_t, NULL } };
