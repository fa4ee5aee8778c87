/*
 * pmode.c - far transfers: JMP and CALL far, RETF and IRET, in real, V86
 * and protected mode (Intel 80286 PRM chapters 7-8, 80386 PRM 6.3.4 and
 * the JMP, CALL, RET and IRET pseudo-code of chapter 17).
 *
 * Real and V86 mode: CS = selector, base = selector << 4 (V86 also resets
 * the limit and attributes); the offset must lie inside the CS limit.
 * Protected mode: the selector names a code segment (same privilege; a
 * conforming one keeps the CPL), a call gate (CALL may go to a more
 * privileged non-conforming segment on the stack the TSS gives for it,
 * copying the gate's parameter count of words or dwords), a task gate or a
 * TSS (a task switch, task.c). RETF and IRET may return to an outer level
 * (then with its stack; data segments the outer level may not use become
 * null), IRET also to V86 mode (from CPL 0) or, with NT, to the previous
 * task. Every check comes before the first register changes, so a fault
 * leaves the instruction restartable.
 */
#include "cpu/cpu_internal.h"


static inline uint32_t sel_err(uint16_t sel)
{
	return sel & 0xFFFCu;
}

/* Real mode and V86 mode: the new CS's limit is the old one in real mode
 * (only selector and base change) and FFFFh in V86 mode. */
static void rv_far_jump(struct cpu *c, uint16_t sel, uint32_t off)
{
	if (off > (cpu_v86(c) ? 0xFFFFu : c->in.sd[SEG_CS].limit))
		cpu_fault(c, EXC_GP);
	cpu_load_sreg(c, SEG_CS, sel);
	c->ip = off;
}

/* The descriptor a far transfer or return names: a null selector is
 * #GP(0), one outside its table #GP(sel). */
static void fetch_desc(struct cpu *c, uint16_t sel, struct cpu_desc *d, uint32_t *addr, uint32_t *hi)
{
	uint32_t lo;
	if ((sel & ~3u) == 0)
		cpu_fault(c, EXC_GP);
	if (!desc_fetch(c, sel, &lo, hi, addr))
		cpu_fault_err(c, EXC_GP, sel_err(sel));
	desc_decode(c, lo, *hi, d);
}

static void load_cs(struct cpu *c, uint16_t sel, struct cpu_desc *d, uint32_t addr, uint32_t hi, unsigned cpl)
{
	seg_commit(c, SEG_CS, (uint16_t)((sel & ~3u) | cpl), d, addr, hi);
	if (cpl != c->in.cpl)
		cpu_set_cpl(c, cpl);
}

/* JMP/CALL to a code segment at the same privilege (Intel 80386 PRM
 * 6.3.4.1): conforming DPL <= CPL, non-conforming DPL = CPL and RPL <= CPL. */
static void check_direct_code(struct cpu *c, uint16_t sel, const struct cpu_desc *d)
{
	const unsigned dpl = desc_dpl(d->attr);
	if (!desc_is_code(d->attr))
		cpu_fault_err(c, EXC_GP, sel_err(sel));
	if ((d->attr & 4) ? dpl > c->in.cpl : (dpl != c->in.cpl || (sel & 3u) > c->in.cpl))
		cpu_fault_err(c, EXC_GP, sel_err(sel));
	if (!(d->attr & DESC_P))
		cpu_fault_err(c, EXC_NP, sel_err(sel));
}

/* A gate or TSS named by JMP/CALL: its DPL must be >= CPL and >= RPL
 * (#GP(sel)), and it must be present (#NP(sel)). */
static void check_gate(struct cpu *c, uint16_t sel, const struct cpu_desc *d)
{
	const unsigned dpl = desc_dpl(d->attr);
	if (dpl < c->in.cpl || dpl < (sel & 3u))
		cpu_fault_err(c, EXC_GP, sel_err(sel));
	if (!(d->attr & DESC_P))
		cpu_fault_err(c, EXC_NP, sel_err(sel));
}

/* System descriptor types (the S bit clear). */
enum { SYS_TSS286 = 1, SYS_LDT = 2, SYS_TSS286_BUSY = 3, SYS_CALL286 = 4, SYS_TASK = 5, SYS_TSS386 = 9,
       SYS_TSS386_BUSY = 0xB, SYS_CALL386 = 0xC };

static bool type_valid(const struct cpu *c, unsigned type)
{
	return c->model >= CPU_80386 || type < 8;
}

/* JMP or CALL far in protected mode. next_ip: EIP after the instruction. */
static void pm_far(struct cpu *c, uint16_t sel, uint32_t off, unsigned osz, bool call, uint32_t next_ip)
{
	struct cpu_desc d;
	uint32_t addr, hi;
	fetch_desc(c, sel, &d, &addr, &hi);
	if (d.attr & DESC_S) {
		check_direct_code(c, sel, &d);
		if (off > d.limit)
			cpu_fault(c, EXC_GP);
		if (call) {
			push_sz(c, osz, c->seg[SEG_CS]);
			push_sz(c, osz, next_ip);
		}
		load_cs(c, sel, &d, addr, hi, c->in.cpl);
		c->ip = off;
		return;
	}
	const unsigned type = d.attr & DESC_TYPE;
	if (!type_valid(c, type))
		cpu_fault_err(c, EXC_GP, sel_err(sel));
	switch (type) {
	case SYS_TSS286:
	case SYS_TSS386:
		check_gate(c, sel, &d);
		task_switch(c, sel, call ? TS_CALL : TS_JMP, next_ip);
		return;
	case SYS_TASK: {
		check_gate(c, sel, &d);
		uint16_t tss = (uint16_t)(sys_read(c, addr + 2, 2));
		task_switch(c, tss, call ? TS_CALL : TS_JMP, next_ip);
		return;
	}
	case SYS_CALL286:
	case SYS_CALL386:
		break;
	default:
		cpu_fault_err(c, EXC_GP, sel_err(sel));
	}
	/* A call gate (Intel 80386 PRM 6.3.4.1). */
	check_gate(c, sel, &d);
	const uint32_t glo = sys_read(c, addr, 4);
	const bool gate32 = type == SYS_CALL386;
	const unsigned gsz = gate32 ? 4 : 2;
	const uint16_t tsel = (uint16_t)(glo >> 16);
	const uint32_t target = gate32 ? (glo & 0xFFFF) | (hi & 0xFFFF0000u) : glo & 0xFFFF;
	const unsigned params = hi & 0x1F;
	struct cpu_desc t;
	uint32_t taddr, thi;
	fetch_desc(c, tsel, &t, &taddr, &thi);
	const unsigned dpl = desc_dpl(t.attr);
	if (!desc_is_code(t.attr) || dpl > c->in.cpl)
		cpu_fault_err(c, EXC_GP, sel_err(tsel));
	if (!call && !(t.attr & 4) && dpl != c->in.cpl)
		cpu_fault_err(c, EXC_GP, sel_err(tsel));
	if (!(t.attr & DESC_P))
		cpu_fault_err(c, EXC_NP, sel_err(tsel));
	if (target > t.limit)
		cpu_fault(c, EXC_GP);
	if (!call) {
		load_cs(c, tsel, &t, taddr, thi, c->in.cpl);
		c->ip = target;
		return;
	}
	if (!(t.attr & 4) && dpl < c->in.cpl) {
		/* More privileged: the TSS's stack, with the caller's SS:ESP,
		 * the parameters and CS:EIP on it. */
		struct new_stack ns;
		uint16_t ss_sel;
		tss_inner_stack(c, dpl, &ns, &ss_sel, 0);
		new_stack_push(c, &ns, gsz, c->seg[SEG_SS]);
		new_stack_push(c, &ns, gsz, c->r[REG_SP].d);
		for (unsigned k = params; k-- > 0;)
			new_stack_push(c, &ns, gsz, stack_peek(c, k * gsz, gsz));
		new_stack_push(c, &ns, gsz, c->seg[SEG_CS]);
		new_stack_push(c, &ns, gsz, next_ip);
		seg_set_cache(c, SEG_SS, ss_sel, &ns.d);
		c->r[REG_SP].d = ns.esp;
		load_cs(c, tsel, &t, taddr, thi, dpl);
	} else {
		push_sz(c, gsz, c->seg[SEG_CS]);
		push_sz(c, gsz, next_ip);
		load_cs(c, tsel, &t, taddr, thi, c->in.cpl);
	}
	c->ip = target;
}

void far_jump(struct cpu *c, uint16_t sel, uint32_t off, unsigned osz)
{
	if (cpu_pm(c))
		pm_far(c, sel, off, osz, false, c->ip);
	else
		rv_far_jump(c, sel, off);
}

void far_call(struct cpu *c, uint16_t sel, uint32_t off, unsigned osz)
{
	if (cpu_pm(c)) {
		pm_far(c, sel, off, osz, true, c->ip);
		return;
	}
	if (off > (cpu_v86(c) ? 0xFFFFu : c->in.sd[SEG_CS].limit))
		cpu_fault(c, EXC_GP);
	push_sz(c, osz, c->seg[SEG_CS]);
	push_sz(c, osz, c->ip);
	cpu_load_sreg(c, SEG_CS, sel);
	c->ip = off;
}

/* Data segments an outer level may not use become null on a return to it
 * (Intel 80386 PRM 6.3.4.2). */
static void null_inaccessible(struct cpu *c)
{
	static const unsigned segs[4] = { SEG_ES, SEG_DS, SEG_FS, SEG_GS };
	for (unsigned k = 0; k < 4; k++) {
		const struct cpu_desc *d = &c->in.sd[segs[k]];
		bool conforming_code = desc_is_code(d->attr) && (d->attr & 4);
		if ((d->attr & DESC_P) && !conforming_code && desc_dpl(d->attr) < c->in.cpl) {
			const struct cpu_desc null = { 0, 0, 0 };
			seg_set_cache(c, segs[k], 0, &null);
		}
	}
}

/* The checks of a return's CS (RET far, IRET): RPL >= CPL, a present code
 * segment whose DPL is RPL (or <= RPL if conforming). */
static void check_return_cs(struct cpu *c, uint16_t sel, struct cpu_desc *d, uint32_t *addr, uint32_t *hi)
{
	if ((sel & 3u) < c->in.cpl)
		cpu_fault_err(c, EXC_GP, sel_err(sel));
	fetch_desc(c, sel, d, addr, hi);
	const unsigned dpl = desc_dpl(d->attr);
	if (!desc_is_code(d->attr) || ((d->attr & 4) ? dpl > (sel & 3u) : dpl != (sel & 3u)))
		cpu_fault_err(c, EXC_GP, sel_err(sel));
	if (!(d->attr & DESC_P))
		cpu_fault_err(c, EXC_NP, sel_err(sel));
}

/* The outer level's stack of a return: SS with RPL = the new CPL, a
 * present writable data segment at that DPL. */
static void check_return_ss(struct cpu *c, uint16_t sel, unsigned rpl, struct cpu_desc *d, uint32_t *addr,
			    uint32_t *hi)
{
	fetch_desc(c, sel, d, addr, hi);
	if ((sel & 3u) != rpl || !(d->attr & DESC_S) || desc_is_code(d->attr) || !(d->attr & 2) ||
	    desc_dpl(d->attr) != rpl)
		cpu_fault_err(c, EXC_GP, sel_err(sel));
	if (!(d->attr & DESC_P))
		cpu_fault_err(c, EXC_SS, sel_err(sel));
}

/* The second half of RETF and IRET to an outer level rpl: the outer ESP
 * and SS are at depth `at` and at + osz on the current stack. Both are
 * checked, and the new EIP against the CS limit, before CS and then
 * SS:ESP are loaded (Intel 80386 PRM 17.2.2.11, RET and IRET). */
static void return_outer(struct cpu *c, uint16_t sel, struct cpu_desc *d, uint32_t addr, uint32_t hi,
			 unsigned rpl, uint32_t ip, uint32_t at, unsigned osz)
{
	const uint32_t esp = stack_peek(c, at, osz);
	const uint16_t ss_sel = (uint16_t)stack_peek(c, at + osz, osz);
	struct cpu_desc ss;
	uint32_t ss_addr, ss_hi;
	check_return_ss(c, ss_sel, rpl, &ss, &ss_addr, &ss_hi);
	if (ip > d->limit)
		cpu_fault(c, EXC_GP);
	load_cs(c, sel, d, addr, hi, rpl);
	seg_commit(c, SEG_SS, ss_sel, &ss, ss_addr, ss_hi);
	c->r[REG_SP].d = osz == 4 ? esp : (c->r[REG_SP].d & 0xFFFF0000u) | (esp & 0xFFFF);
}

/* RETF [imm16] in protected mode: EIP and CS are read before anything
 * changes. */
static void pm_retf(struct cpu *c, unsigned osz, uint32_t imm)
{
	const uint32_t ip = stack_peek(c, 0, osz);
	const uint16_t sel = (uint16_t)stack_peek(c, osz, osz);
	struct cpu_desc d;
	uint32_t addr, hi;
	check_return_cs(c, sel, &d, &addr, &hi);
	const unsigned rpl = sel & 3u;
	if (rpl == c->in.cpl) {
		if (ip > d.limit)
			cpu_fault(c, EXC_GP);
		sp_add(c, 2 * osz + imm);
		load_cs(c, sel, &d, addr, hi, rpl);
		c->ip = ip;
		return;
	}
	return_outer(c, sel, &d, addr, hi, rpl, ip, 2 * osz + imm, osz);
	sp_add(c, imm);
	c->ip = ip;
	null_inaccessible(c);
}

void far_return(struct cpu *c, unsigned osz, uint32_t imm)
{
	if (cpu_pm(c)) {
		pm_retf(c, osz, imm);
		return;
	}
	const uint32_t ip = stack_peek(c, 0, osz);
	const uint16_t cs = (uint16_t)stack_peek(c, osz, osz);
	if (ip > (cpu_v86(c) ? 0xFFFFu : c->in.sd[SEG_CS].limit))
		cpu_fault(c, EXC_GP);
	sp_add(c, 2 * osz + imm);
	cpu_load_sreg(c, SEG_CS, cs);
	c->ip = ip;
}

/* The EFLAGS an IRET (or POPF) in protected mode may change at the
 * current privilege: IOPL only at CPL 0, IF only at CPL <= IOPL; VM and
 * RF are the caller's business. */
uint32_t pm_flags_mask(const struct cpu *c, unsigned osz)
{
	uint32_t mask = (osz == 4 ? 0xFFFFFFFFu : 0xFFFFu) & ~(uint32_t)(FLAG_VM | FLAG_RF);
	if (c->in.cpl > 0)
		mask &= ~(uint32_t)FLAG_IOPL;
	if (c->in.cpl > ((c->in.flags & FLAG_IOPL) >> 12))
		mask &= ~(uint32_t)FLAG_IF;
	return mask;
}

/* IRETD from CPL 0 with VM set in the popped EFLAGS: back to V86 mode
 * (Intel 80386 PRM 15.3.3): ESP, SS, ES, DS, FS, GS follow on the stack. */
static void iret_to_v86(struct cpu *c, uint32_t ip, uint16_t cs, uint32_t eflags)
{
	uint32_t v[6];
	for (unsigned k = 0; k < 6; k++)
		v[k] = stack_peek(c, 12 + 4 * k, 4);
	if (ip > 0xFFFF)
		cpu_fault(c, EXC_GP);
	cpu_flags_load(c, eflags, 0xFFFFFFFFu);
	c->in.flags |= FLAG_VM;
	seg_mode_changed(c);
	cpu_set_cpl(c, 3);
	cpu_load_sreg(c, SEG_CS, cs);
	cpu_load_sreg(c, SEG_SS, (uint16_t)v[1]);
	cpu_load_sreg(c, SEG_ES, (uint16_t)v[2]);
	cpu_load_sreg(c, SEG_DS, (uint16_t)v[3]);
	cpu_load_sreg(c, SEG_FS, (uint16_t)v[4]);
	cpu_load_sreg(c, SEG_GS, (uint16_t)v[5]);
	c->r[REG_SP].d = v[0];
	c->ip = ip;
	cpu_update_events(c);
}

static void pm_iret(struct cpu *c, unsigned osz)
{
	if (c->in.flags & FLAG_NT) {
		/* Return to the task in the back link (Intel 80386 PRM 7.6). */
		uint16_t back = (uint16_t)sys_read(c, c->in.tss.base, 2);
		task_switch(c, back, TS_IRET, c->ip);
		return;
	}
	const uint32_t ip = stack_peek(c, 0, osz);
	const uint16_t sel = (uint16_t)stack_peek(c, osz, osz);
	const uint32_t eflags = stack_peek(c, 2 * osz, osz);
	if (osz == 4 && (eflags & FLAG_VM) && c->in.cpl == 0 && c->model >= CPU_80386) {
		iret_to_v86(c, ip, sel, eflags);
		return;
	}
	struct cpu_desc d;
	uint32_t addr, hi;
	check_return_cs(c, sel, &d, &addr, &hi);
	const unsigned rpl = sel & 3u;
	const uint32_t mask = pm_flags_mask(c, osz);
	if (rpl == c->in.cpl) {
		if (ip > d.limit)
			cpu_fault(c, EXC_GP);
		sp_add(c, 3 * osz);
		load_cs(c, sel, &d, addr, hi, rpl);
	} else {
		return_outer(c, sel, &d, addr, hi, rpl, ip, 3 * osz, osz);
		null_inaccessible(c);
	}
	/* The flags as the privilege before the return allowed. */
	cpu_flags_load(c, (eflags & ~(uint32_t)FLAG_RF) | (osz == 4 ? eflags & FLAG_RF : 0),
		       mask | (osz == 4 ? FLAG_RF : 0));
	c->ip = ip;
}

void far_iret(struct cpu *c, unsigned osz)
{
	if (cpu_pm(c)) {
		pm_iret(c, osz);
		return;
	}
	const uint32_t ip = stack_peek(c, 0, osz);
	const uint16_t cs = (uint16_t)stack_peek(c, osz, osz);
	const uint32_t f = stack_peek(c, 2 * osz, osz);
	if (cpu_v86(c)) {
		/* IOPL 3 (checked by the caller): IOPL, VM and RF stay. */
		if (ip > 0xFFFF)
			cpu_fault(c, EXC_GP);
		sp_add(c, 3 * osz);
		cpu_load_sreg(c, SEG_CS, cs);
		c->ip = ip;
		cpu_flags_load(c, f, (osz == 4 ? 0xFFFFFFFFu : 0xFFFFu) & ~(uint32_t)(FLAG_IOPL | FLAG_VM | FLAG_RF));
		return;
	}
	if (ip > c->in.sd[SEG_CS].limit)
		cpu_fault(c, EXC_GP);
	sp_add(c, 3 * osz);
	seg_load(c, SEG_CS, cs);
	c->ip = ip;
	cpu_flags_write(c, f, osz);
}
