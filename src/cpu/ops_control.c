/*
 * ops_control.c - jumps, calls, returns, loops, INT/INTO/IRET, BOUND.
 * Near targets are computed in the operand size and masked to it; a target
 * past the 64 KiB CS limit faults on the 386 (jump_to()).
 */
#include "cpu/cpu_internal.h"

void op_jcc(struct cpu *c, const struct insn *i)
{
	if (flags_cond(c, i->op & 0xF))
		jump_to(c, (c->ip + i->imm) & ip_mask(i));
}

void op_jmp_rel(struct cpu *c, const struct insn *i)
{
	jump_to(c, (c->ip + i->imm) & ip_mask(i));
}

void op_call_rel(struct cpu *c, const struct insn *i)
{
	uint32_t target = (c->ip + i->imm) & ip_mask(i);
	push_sz(c, i->wsz, c->ip);
	jump_to(c, target);
}

void op_call_rm(struct cpu *c, const struct insn *i)
{
	uint32_t target = rm_read(c, i, i->wsz);
	push_sz(c, i->wsz, c->ip);
	jump_to(c, target);
}

void op_jmp_rm(struct cpu *c, const struct insn *i)
{
	jump_to(c, rm_read(c, i, i->wsz));
}

static void far_jump(struct cpu *c, uint16_t sel, uint32_t off)
{
	seg_load(c, SEG_CS, sel);
	jump_to(c, off);
}

void op_jmp_far(struct cpu *c, const struct insn *i)
{
	far_jump(c, (uint16_t)i->imm2, i->imm);
}

void op_call_far(struct cpu *c, const struct insn *i)
{
	push_sz(c, i->wsz, c->seg[SEG_CS]);
	push_sz(c, i->wsz, c->ip);
	far_jump(c, (uint16_t)i->imm2, i->imm);
}

/* Far pointer operand in memory: offset (operand size), then selector. */
static void far_pointer(struct cpu *c, const struct insn *i, uint16_t *sel, uint32_t *off)
{
	uint32_t ea = insn_ea(c, i);
	*off = mem_read(c, i->seg, ea, i->wsz);
	uint32_t sel_ea = ea + i->wsz;
	if (i->asz == 2)
		sel_ea &= 0xFFFF;
	*sel = mem_read16(c, i->seg, sel_ea);
}

void op_callf_rm(struct cpu *c, const struct insn *i)
{
	uint16_t sel;
	uint32_t off;
	far_pointer(c, i, &sel, &off);
	push_sz(c, i->wsz, c->seg[SEG_CS]);
	push_sz(c, i->wsz, c->ip);
	far_jump(c, sel, off);
}

void op_jmpf_rm(struct cpu *c, const struct insn *i)
{
	uint16_t sel;
	uint32_t off;
	far_pointer(c, i, &sel, &off);
	far_jump(c, sel, off);
}

/* RET / RET imm16 (and the 8086 aliases C0/C1). */
void op_ret(struct cpu *c, const struct insn *i)
{
	uint32_t ip = pop_sz(c, i->wsz);
	*reg16(c, REG_SP) = (uint16_t)(*reg16(c, REG_SP) + i->imm);
	jump_to(c, ip);
}

void op_retf(struct cpu *c, const struct insn *i)
{
	uint32_t ip = pop_sz(c, i->wsz);
	uint16_t cs = (uint16_t)pop_sz(c, i->wsz);
	*reg16(c, REG_SP) = (uint16_t)(*reg16(c, REG_SP) + i->imm);
	far_jump(c, cs, ip);
}

void op_iret(struct cpu *c, const struct insn *i)
{
	cpu_check_trap(c, CPU_TRAP_IRET);
	uint32_t ip = pop_sz(c, i->wsz);
	uint16_t cs = (uint16_t)pop_sz(c, i->wsz);
	uint32_t f = pop_sz(c, i->wsz);
	far_jump(c, cs, ip);
	cpu_flags_write(c, f, i->wsz);
}

void op_int3(struct cpu *c, const struct insn *i)
{
	(void)i;
	cpu_do_softint(c, EXC_BP);
}

void op_int(struct cpu *c, const struct insn *i)
{
	cpu_do_softint(c, (uint8_t)i->imm);
}

void op_into(struct cpu *c, const struct insn *i)
{
	(void)i;
	if (flag_of(c))
		cpu_do_softint(c, EXC_OF);
}

/* LOOPNZ E0, LOOPZ E1, LOOP E2: the counter is CX or ECX by address size. */
void op_loop(struct cpu *c, const struct insn *i)
{
	uint32_t cx = reg_get(c, REG_CX, i->asz) - 1;
	reg_set(c, REG_CX, i->asz, cx);
	cx &= size_mask(i->asz);
	bool go = cx != 0;
	if (i->op == 0xE0)
		go = go && !flag_zf(c);
	else if (i->op == 0xE1)
		go = go && flag_zf(c);
	if (go)
		jump_to(c, (c->ip + i->imm) & ip_mask(i));
}

void op_jcxz(struct cpu *c, const struct insn *i)
{
	if (reg_get(c, REG_CX, i->asz) == 0)
		jump_to(c, (c->ip + i->imm) & ip_mask(i));
}

/* BOUND r, m: signed lower and upper bounds; #BR (5) if out of range. */
void op_bound(struct cpu *c, const struct insn *i)
{
	const unsigned sz = i->wsz;
	uint32_t ea = insn_ea(c, i);
	int32_t idx = flags_sext(reg_get(c, i->reg, sz), sz * 8);
	int32_t lo = flags_sext(mem_read(c, i->seg, ea, sz), sz * 8);
	uint32_t hi_ea = ea + sz;
	if (i->asz == 2)
		hi_ea &= 0xFFFF;
	int32_t hi = flags_sext(mem_read(c, i->seg, hi_ea, sz), sz * 8);
	if (idx < lo || idx > hi)
		cpu_fault(c, EXC_BR);
}

/* Jcc specialised per condition (used through specialize.c). The threaded
 * twin ends the block when the jump is taken and runs on when it is not. */
#define JCC_VARIANT(cc) \
	static void jcc_##cc(struct cpu *c, const struct insn *i) \
	{ \
		if (flags_cond(c, cc)) \
			jump_to(c, (c->ip + i->imm) & ip_mask(i)); \
	} \
	static void jcc_##cc##_t(struct cpu *c, const struct insn *i) \
	{ \
		if (flags_cond(c, cc)) { \
			insn_current(c, i); \
			jump_to(c, (i->ip + i->len + i->imm) & ip_mask(i)); \
			bc_link(c); \
			return; \
		} \
		insn_chain(c, i); \
	}
JCC_VARIANT(0) JCC_VARIANT(1) JCC_VARIANT(2) JCC_VARIANT(3) JCC_VARIANT(4) JCC_VARIANT(5)
JCC_VARIANT(6) JCC_VARIANT(7) JCC_VARIANT(8) JCC_VARIANT(9) JCC_VARIANT(10) JCC_VARIANT(11)
JCC_VARIANT(12) JCC_VARIANT(13) JCC_VARIANT(14) JCC_VARIANT(15)

#define JCC_PAIR(cc) { jcc_##cc, jcc_##cc##_t, NULL }
const struct op_pair jcc_table[16] = {
	JCC_PAIR(0), JCC_PAIR(1), JCC_PAIR(2), JCC_PAIR(3), JCC_PAIR(4), JCC_PAIR(5),
	JCC_PAIR(6), JCC_PAIR(7), JCC_PAIR(8), JCC_PAIR(9), JCC_PAIR(10), JCC_PAIR(11),
	JCC_PAIR(12), JCC_PAIR(13), JCC_PAIR(14), JCC_PAIR(15),
};

/* Near CALL, RET and LOOP with 16-bit operand and address size, threaded:
 * they end the block themselves (specialize.c). */
static void call_rel16_t(struct cpu *c, const struct insn *i)
{
	insn_current(c, i);
	uint16_t next = (uint16_t)(i->ip + i->len);
	push16(c, next);
	c->ip = (uint16_t)(next + i->imm);
	bc_link(c);
}

static void ret16_t(struct cpu *c, const struct insn *i)
{
	insn_current(c, i);
	uint16_t ip = pop16(c);
	*reg16(c, REG_SP) = (uint16_t)(*reg16(c, REG_SP) + i->imm);
	c->ip = ip;
	bc_link(c);
}

static void loop16_t(struct cpu *c, const struct insn *i)
{
	uint16_t cx = (uint16_t)(*reg16(c, REG_CX) - 1);
	*reg16(c, REG_CX) = cx;
	bool go = cx != 0;
	if (i->op == 0xE0)
		go = go && !flag_zf(c);
	else if (i->op == 0xE1)
		go = go && flag_zf(c);
	if (go) {
		insn_current(c, i);
		c->ip = (uint16_t)(i->ip + i->len + i->imm);
		bc_link(c);
		return;
	}
	insn_chain(c, i);
}

/* JMP rel8/rel16 (EB, E9 with a 16-bit operand size). */
static void jmp_rel16_t(struct cpu *c, const struct insn *i)
{
	insn_current(c, i);
	c->ip = (uint16_t)(i->ip + i->len + i->imm);
	bc_link(c);
}

const struct op_pair jmp_rel16_pair = { op_jmp_rel, jmp_rel16_t, NULL };
const struct op_pair call_rel16_pair = { op_call_rel, call_rel16_t, NULL };
const struct op_pair ret16_pair = { op_ret, ret16_t, NULL };
const struct op_pair loop16_pair = { op_loop, loop16_t, NULL };
