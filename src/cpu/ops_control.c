/*
 * ops_control.c - jumps, calls, returns, loops, INT/INTO/IRET, BOUND.
 * Near targets are computed in the operand size and masked to it; a target
 * past the CS limit is #GP(0) (jump_to()). Far transfers are pmode.c's.
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

void op_jmp_far(struct cpu *c, const struct insn *i)
{
	far_jump(c, (uint16_t)i->imm2, i->imm, i->wsz);
}

void op_call_far(struct cpu *c, const struct insn *i)
{
	far_call(c, (uint16_t)i->imm2, i->imm, i->wsz);
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
	far_call(c, sel, off, i->wsz);
}

void op_jmpf_rm(struct cpu *c, const struct insn *i)
{
	uint16_t sel;
	uint32_t off;
	far_pointer(c, i, &sel, &off);
	far_jump(c, sel, off, i->wsz);
}

/* RET / RET imm16 (and the 8086 aliases C0/C1). */
void op_ret(struct cpu *c, const struct insn *i)
{
	uint32_t ip = pop_sz(c, i->wsz);
	sp_add(c, i->imm);
	jump_to(c, ip);
}

void op_retf(struct cpu *c, const struct insn *i)
{
	far_return(c, i->wsz, i->imm);
}

/* IRET: in V86 mode with IOPL below 3 it faults to the monitor (#GP(0),
 * Intel 80386 PRM 15.2.3). */
void op_iret(struct cpu *c, const struct insn *i)
{
	cpu_check_trap(c, CPU_TRAP_IRET);
	if (cpu_v86(c) && (c->in.flags & FLAG_IOPL) != FLAG_IOPL)
		cpu_fault(c, EXC_GP);
	far_iret(c, i->wsz);
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
 * twin ends the block when the jump is taken and runs on when it is not;
 * its _nl form, for 16-bit IP in blocks recorded with CS limit FFFFh
 * (cpu_nolimit_twin()), leaves out the limit check that cannot fail. */
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
	} \
	static void jcc_##cc##_nl(struct cpu *c, const struct insn *i) \
	{ \
		if (flags_cond(c, cc)) { \
			insn_current(c, i); \
			c->ip = (uint16_t)(i->ip + i->len + i->imm); \
			bc_link(c); \
			return; \
		} \
		insn_chain(c, i); \
	}
/* Jcc inside its block (block_cache.c bc_record(), jcc_inside()): it was
 * taken when the block was recorded, to a forward target in the block's
 * page and range, recorded next. Taken, the block goes on there (the
 * target checked against the CS limit as jump_to() does: it cannot fail
 * while the target is in the block, but the Jcc may be the block's last
 * instruction, whose end entry links on from the target); not taken, the
 * block ends and links on from the instruction after the Jcc. */
#define JCC_INSIDE(cc) \
	static void jcc_##cc##_in(struct cpu *c, const struct insn *i) \
	{ \
		insn_current(c, i); \
		if (flags_cond(c, cc)) { \
			jump_to(c, (i->ip + i->len + i->imm) & ip_mask(i)); \
			insn_chain(c, i); \
			return; \
		} \
		c->ip = (i->ip + i->len) & c->in.ip_mask; \
		bc_link(c); \
	}
JCC_INSIDE(0) JCC_INSIDE(1) JCC_INSIDE(2) JCC_INSIDE(3) JCC_INSIDE(4) JCC_INSIDE(5) JCC_INSIDE(6) JCC_INSIDE(7)
JCC_INSIDE(8) JCC_INSIDE(9) JCC_INSIDE(10) JCC_INSIDE(11) JCC_INSIDE(12) JCC_INSIDE(13) JCC_INSIDE(14) JCC_INSIDE(15)

static const op_fn jcc_in[16] = {
	jcc_0_in, jcc_1_in, jcc_2_in, jcc_3_in, jcc_4_in, jcc_5_in, jcc_6_in, jcc_7_in,
	jcc_8_in, jcc_9_in, jcc_10_in, jcc_11_in, jcc_12_in, jcc_13_in, jcc_14_in, jcc_15_in,
};


JCC_VARIANT(0) JCC_VARIANT(1) JCC_VARIANT(2) JCC_VARIANT(3) JCC_VARIANT(4) JCC_VARIANT(5)
JCC_VARIANT(6) JCC_VARIANT(7) JCC_VARIANT(8) JCC_VARIANT(9) JCC_VARIANT(10) JCC_VARIANT(11)
JCC_VARIANT(12) JCC_VARIANT(13) JCC_VARIANT(14) JCC_VARIANT(15)

#define JCC_PAIR(cc) { jcc_##cc, jcc_##cc##_t, NULL }
const struct op_pair jcc_table[16] = {
	JCC_PAIR(0), JCC_PAIR(1), JCC_PAIR(2), JCC_PAIR(3), JCC_PAIR(4), JCC_PAIR(5),
	JCC_PAIR(6), JCC_PAIR(7), JCC_PAIR(8), JCC_PAIR(9), JCC_PAIR(10), JCC_PAIR(11),
	JCC_PAIR(12), JCC_PAIR(13), JCC_PAIR(14), JCC_PAIR(15),
};

op_fn cpu_jcc_inside_twin(const struct insn *i)
{
	return i->ent->spec == SP_JCC && i->impl == jcc_table[i->op & 0xF].impl ? jcc_in[i->op & 0xF] : NULL;
}

/* Near CALL and RET threaded, per operand and stack size: they end the
 * block themselves (specialize.c). The target is checked before SP moves
 * (a fault in a twin must leave SP alone: insn_chain()). */
#define CALL_RET_VARIANTS(sz, ss) \
	static void call_rel##sz##_s##ss##_t(struct cpu *c, const struct insn *i) \
	{ \
		insn_current(c, i); \
		const uint32_t next = (i->ip + i->len) & (sz == 16 ? 0xFFFFu : 0xFFFFFFFFu); \
		jump_to(c, (next + i->imm) & (sz == 16 ? 0xFFFFu : 0xFFFFFFFFu)); \
		push_s(c, sz / 8, ss == 32, next); \
		bc_link(c); \
	} \
	static void ret##sz##_s##ss##_t(struct cpu *c, const struct insn *i) \
	{ \
		insn_current(c, i); \
		const uint32_t sp = ss == 32 ? c->r[REG_SP].d : c->r[REG_SP].w[0]; \
		jump_to(c, mem_read(c, SEG_SS, sp, sz / 8)); \
		if (ss == 32) \
			c->r[REG_SP].d = sp + sz / 8 + i->imm; \
		else \
			c->r[REG_SP].w[0] = (uint16_t)(sp + sz / 8 + i->imm); \
		bc_link(c); \
	}
CALL_RET_VARIANTS(16, 16)
CALL_RET_VARIANTS(16, 32)
CALL_RET_VARIANTS(32, 16)
CALL_RET_VARIANTS(32, 32)

/* LOOP/LOOPE/LOOPNE threaded: sz 2 is CX with a 16-bit IP, sz 4 ECX (32-bit
 * address size) with a 32-bit operand size. */
static inline __attribute__((always_inline)) void loop_twin(struct cpu *c, const struct insn *i, unsigned sz)
{
	const uint32_t cx = (reg_get(c, REG_CX, sz) - 1) & size_mask(sz);
	reg_set(c, REG_CX, sz, cx);
	bool go = cx != 0;
	if (i->op == 0xE0)
		go = go && !flag_zf(c);
	else if (i->op == 0xE1)
		go = go && flag_zf(c);
	if (go) {
		insn_current(c, i);
		jump_to(c, (i->ip + i->len + i->imm) & size_mask(sz));
		bc_link(c);
		return;
	}
	insn_chain(c, i);
}

static void loop16_t(struct cpu *c, const struct insn *i)
{
	loop_twin(c, i, 2);
}

static void loop32_t(struct cpu *c, const struct insn *i)
{
	loop_twin(c, i, 4);
}

/* JMP rel8/rel16/rel32 (EB, E9), masked to the operand size. */
static void jmp_rel16_t(struct cpu *c, const struct insn *i)
{
	insn_current(c, i);
	jump_to(c, (uint16_t)(i->ip + i->len + i->imm));
	bc_link(c);
}

static void jmp_rel16_nl(struct cpu *c, const struct insn *i)
{
	insn_current(c, i);
	c->ip = (uint16_t)(i->ip + i->len + i->imm);
	bc_link(c);
}

static const op_fn jcc_nl[16] = {
	jcc_0_nl, jcc_1_nl, jcc_2_nl, jcc_3_nl, jcc_4_nl, jcc_5_nl, jcc_6_nl, jcc_7_nl,
	jcc_8_nl, jcc_9_nl, jcc_10_nl, jcc_11_nl, jcc_12_nl, jcc_13_nl, jcc_14_nl, jcc_15_nl,
};

op_fn cpu_nolimit_twin(const struct insn *i)
{
	if (i->wsz != 2)
		return i->fn;
	if (i->fn == jmp_rel16_t)
		return jmp_rel16_nl;
	for (unsigned cc = 0; cc < 16; cc++)
		if (i->fn == jcc_table[cc].thr)
			return jcc_nl[cc];
	return i->fn;
}

static void jmp_rel32_t(struct cpu *c, const struct insn *i)
{
	insn_current(c, i);
	jump_to(c, i->ip + i->len + i->imm);
	bc_link(c);
}

/* JMP rel inside its block (block_cache.c bc_record(), jmp_inside()): a
 * forward target in the block's page and byte range, recorded as the
 * block's next instruction, so the block goes on there instead of
 * leaving. The target is checked against the CS limit as any jump's is:
 * it cannot fail while the target is in the block (bc_valid() checked
 * the block's last byte), but the JMP may be the block's last
 * instruction (the recording ended there), and its end entry then links
 * on from the target (its ip). */
static void jmp_rel16_in(struct cpu *c, const struct insn *i)
{
	insn_current(c, i);
	jump_to(c, (uint16_t)(i->ip + i->len + i->imm));
	insn_chain(c, i);
}

static void jmp_rel32_in(struct cpu *c, const struct insn *i)
{
	insn_current(c, i);
	jump_to(c, i->ip + i->len + i->imm);
	insn_chain(c, i);
}

op_fn cpu_jmp_inside_twin(const struct insn *i)
{
	if (i->ent->spec != SP_JMP_REL || i->impl != op_jmp_rel)
		return NULL;
	return i->wsz == 2 ? jmp_rel16_in : jmp_rel32_in;
}

const struct op_pair jmp_rel16_pair = { op_jmp_rel, jmp_rel16_t, NULL };
const struct op_pair loop16_pair = { op_loop, loop16_t, NULL };
const struct op_pair jmp_rel32_pair = { op_jmp_rel, jmp_rel32_t, NULL };
const struct op_pair loop32_pair = { op_loop, loop32_t, NULL };
/* [32-bit operand][32-bit stack] */
const struct op_pair call_rel_table[2][2] = {
	{ { op_call_rel, call_rel16_s16_t, NULL }, { op_call_rel, call_rel16_s32_t, NULL } },
	{ { op_call_rel, call_rel32_s16_t, NULL }, { op_call_rel, call_rel32_s32_t, NULL } },
};
const struct op_pair ret_table[2][2] = {
	{ { op_ret, ret16_s16_t, NULL }, { op_ret, ret16_s32_t, NULL } },
	{ { op_ret, ret32_s16_t, NULL }, { op_ret, ret32_s32_t, NULL } },
};
