/*
 * interrupt.c - delivering interrupts and exceptions: through the IVT in
 * real mode, through the IDT's gates in protected and virtual-8086 mode
 * (Intel 80286 PRM 9.2-9.4, 80386 PRM 9.6 and 15.3, and the INT n
 * pseudo-code of chapter 17).
 *
 * Protected mode: the gate (task, 286/386 interrupt or trap gate) must lie
 * inside the IDT limit (#GP(vector*8+2+EXT)), be present (#NP(...)) and, for
 * INT n/INT3/INTO, have a DPL >= CPL (#GP(vector*8+2)). Its code segment
 * must be a present code segment with DPL <= CPL (#GP/#NP(selector+EXT)).
 * A more privileged non-conforming segment switches to the stack the TSS
 * holds for its DPL (#TS for a bad one, #SS if it is not present or has no
 * room); from V86 mode only ring 0 may be the target, and the frame then
 * also holds GS, FS, DS and ES, which are loaded with null. The frame is
 * written completely before any register changes, so a fault while writing
 * it leaves the interrupted state intact.
 */
#include "cpu/cpu_internal.h"


/* The real-mode interrupt (Intel 80386 PRM 14.1.4): push FLAGS, CS, IP;
 * clear IF and TF (and AC on the 486); CS:IP from the IVT at IDTR.base +
 * 4 * vector, within IDTR.limit (#GP otherwise). */
static void real_deliver(struct cpu *c, uint8_t vector, uint32_t return_ip)
{
	uint32_t entry = c->in.idt_base + 4u * vector;
	if (4u * vector + 3 > c->in.idt_limit)
		cpu_fault(c, EXC_GP);
	push16(c, (uint16_t)cpu_flags_read(c));
	push16(c, c->seg[SEG_CS]);
	push16(c, (uint16_t)return_ip);
	c->in.flags &= ~(uint32_t)(FLAG_IF | FLAG_TF | FLAG_AC);
	uint16_t ip = (uint16_t)sys_read(c, entry, 2);
	uint16_t cs = (uint16_t)sys_read(c, entry + 2, 2);
	seg_load(c, SEG_CS, cs);
	c->ip = ip;
}

/* A stack being built before it becomes SS:ESP (inner-privilege calls and
 * interrupts): pushes check its limit (#SS(selector+EXT)) and write with
 * supervisor rights. */

void new_stack_push(struct cpu *c, struct new_stack *ns, unsigned sz, uint32_t v)
{
	const bool big = ns->d.attr & DESC_DB;
	const uint32_t mask = big ? 0xFFFFFFFFu : 0xFFFF;
	const uint32_t esp = (ns->esp - sz) & mask;
	const uint64_t last = (uint64_t)esp + sz - 1;
	bool bad;
	if (desc_is_xdown(ns->d.attr))
		bad = esp <= ns->d.limit || last > (big ? 0xFFFFFFFFu : 0xFFFF);
	else
		bad = last > ns->d.limit;
	if (bad)
		cpu_fault_err(c, EXC_SS, ns->err);
	sys_write(c, ns->d.base + esp, sz, v);
	ns->esp = (ns->esp & ~mask) | esp;
}

/* The inner stack for privilege level dpl from the current TSS (Intel
 * 80386 PRM 6.3.4.1): its SS must be a present writable data segment at
 * that DPL with RPL = DPL (#TS(SS+EXT), #SS(SS+EXT) if not present). */
void tss_inner_stack(struct cpu *c, unsigned dpl, struct new_stack *ns, uint16_t *ss_sel, uint32_t ext)
{
	const bool t386 = (c->in.tss.attr & 8) != 0;
	const uint32_t off = t386 ? 4 + dpl * 8 : 2 + dpl * 4;
	if (off + (t386 ? 5u : 3u) > c->in.tss.limit)
		cpu_fault_err(c, EXC_TS, (c->in.tr & 0xFFFCu) | ext);
	uint32_t esp = t386 ? sys_read(c, c->in.tss.base + off, 4) : sys_read(c, c->in.tss.base + off, 2);
	uint16_t sel = (uint16_t)sys_read(c, c->in.tss.base + off + (t386 ? 4 : 2), 2);
	uint32_t lo, hi, addr;
	if ((sel & ~3u) == 0)
		cpu_fault_err(c, EXC_TS, ext);
	if (!desc_fetch(c, sel, &lo, &hi, &addr))
		cpu_fault_err(c, EXC_TS, (sel & 0xFFFCu) | ext);
	desc_decode(c, lo, hi, &ns->d);
	if ((sel & 3u) != dpl || desc_dpl(ns->d.attr) != dpl || !(ns->d.attr & DESC_S) ||
	    desc_is_code(ns->d.attr) || !(ns->d.attr & 2))
		cpu_fault_err(c, EXC_TS, (sel & 0xFFFCu) | ext);
	if (!(ns->d.attr & DESC_P))
		cpu_fault_err(c, EXC_SS, (sel & 0xFFFCu) | ext);
	desc_set_accessed(c, addr, hi);
	ns->d.attr |= 1;
	ns->esp = esp;
	ns->err = (sel & 0xFFFCu) | ext;
	*ss_sel = sel;
}

static void pm_deliver(struct cpu *c, uint8_t vector, enum deliver_kind kind, uint32_t return_ip, bool has_err,
		       uint32_t err)
{
	const uint32_t ext = kind == DELIVER_SOFT ? 0 : 1;
	const uint32_t gate_err = vector * 8u + 2 + ext;
	if (vector * 8u + 7 > c->in.idt_limit)
		cpu_fault_err(c, EXC_GP, gate_err);
	const uint32_t lo = sys_read(c, c->in.idt_base + vector * 8u, 4);
	const uint32_t hi = sys_read(c, c->in.idt_base + vector * 8u + 4, 4);
	const unsigned type = (hi >> 8) & 0x1F; /* S and type */
	const bool valid = type == 5 || type == 6 || type == 7 ||
			   (c->model >= CPU_80386 && (type == 0xE || type == 0xF));
	if (!valid)
		cpu_fault_err(c, EXC_GP, gate_err);
	if (kind == DELIVER_SOFT && ((hi >> 13) & 3) < c->in.cpl)
		cpu_fault_err(c, EXC_GP, vector * 8u + 2);
	if (!(hi & 0x8000))
		cpu_fault_err(c, EXC_NP, gate_err);
	const uint16_t sel = (uint16_t)(lo >> 16);
	if (type == 5) {
		task_switch(c, sel, TS_INT, return_ip);
		if (has_err)
			push_sz(c, (c->in.tss.attr & 8) ? 4 : 2, err);
		return;
	}
	const bool gate32 = (type & 8) != 0;
	const unsigned sz = gate32 ? 4 : 2;
	const uint32_t target = gate32 ? (lo & 0xFFFF) | (hi & 0xFFFF0000u) : lo & 0xFFFF;
	const uint32_t sel_err = (sel & 0xFFFCu) | ext;

	uint32_t dlo, dhi, daddr;
	struct cpu_desc cs;
	if ((sel & ~3u) == 0)
		cpu_fault_err(c, EXC_GP, ext);
	if (!desc_fetch(c, sel, &dlo, &dhi, &daddr))
		cpu_fault_err(c, EXC_GP, sel_err);
	desc_decode(c, dlo, dhi, &cs);
	const unsigned dpl = desc_dpl(cs.attr);
	if (!desc_is_code(cs.attr) || dpl > c->in.cpl)
		cpu_fault_err(c, EXC_GP, sel_err);
	if (!(cs.attr & DESC_P))
		cpu_fault_err(c, EXC_NP, sel_err);
	const bool conforming = (cs.attr & 4) != 0;
	const bool v86 = cpu_v86(c);
	const uint32_t eflags = cpu_flags_read(c);
	unsigned new_cpl = c->in.cpl;

	if (!conforming && dpl < c->in.cpl) {
		/* Inner privilege: the TSS's stack for the new level. */
		if (v86 && dpl != 0)
			cpu_fault_err(c, EXC_GP, sel_err);
		struct new_stack ns;
		uint16_t ss_sel;
		tss_inner_stack(c, dpl, &ns, &ss_sel, ext);
		if (target > cs.limit)
			cpu_fault(c, EXC_GP);
		if (v86) {
			new_stack_push(c, &ns, sz, c->seg[SEG_GS]);
			new_stack_push(c, &ns, sz, c->seg[SEG_FS]);
			new_stack_push(c, &ns, sz, c->seg[SEG_DS]);
			new_stack_push(c, &ns, sz, c->seg[SEG_ES]);
		}
		new_stack_push(c, &ns, sz, c->seg[SEG_SS]);
		new_stack_push(c, &ns, sz, c->r[REG_SP].d);
		new_stack_push(c, &ns, sz, eflags);
		new_stack_push(c, &ns, sz, c->seg[SEG_CS]);
		new_stack_push(c, &ns, sz, return_ip);
		if (has_err)
			new_stack_push(c, &ns, sz, err);
		/* Committed: the frame is written. */
		desc_set_accessed(c, daddr, dhi);
		if (v86) {
			const struct cpu_desc null = { 0, 0, 0 };
			c->in.flags &= ~(uint32_t)FLAG_VM;
			for (unsigned s = 0; s < SEG_COUNT; s++)
				if (s != SEG_CS && s != SEG_SS)
					seg_set_cache(c, s, 0, &null);
		}
		seg_set_cache(c, SEG_SS, ss_sel, &ns.d);
		c->r[REG_SP].d = ns.esp;
		new_cpl = dpl;
	} else if (conforming || dpl == c->in.cpl) {
		if (v86)
			cpu_fault_err(c, EXC_GP, sel_err);
		if (target > cs.limit)
			cpu_fault(c, EXC_GP);
		push_sz(c, sz, eflags);
		push_sz(c, sz, c->seg[SEG_CS]);
		push_sz(c, sz, return_ip);
		if (has_err)
			push_sz(c, sz, err);
		desc_set_accessed(c, daddr, dhi);
	} else {
		cpu_fault_err(c, EXC_GP, sel_err);
	}
	cs.attr |= 1;
	seg_set_cache(c, SEG_CS, (uint16_t)((sel & ~3u) | new_cpl), &cs);
	c->ip = target;
	c->in.flags &= ~(uint32_t)(FLAG_TF | FLAG_NT | FLAG_RF | FLAG_VM);
	if (!(type & 1))
		c->in.flags &= ~(uint32_t)FLAG_IF;
	if (v86)
		seg_mode_changed(c);
	cpu_set_cpl(c, new_cpl);
}

void cpu_deliver(struct cpu *c, uint8_t vector, enum deliver_kind kind, uint32_t return_ip, bool has_err,
		 uint32_t err)
{
	if (c->in.cr0 & CR0_PE)
		pm_deliver(c, vector, kind, return_ip, has_err, err);
	else
		real_deliver(c, vector, return_ip);
	c->in.halted = false;
	c->in.pq.mask = 0; /* the prefetch queue is emptied (prefetch.c) */
	cpu_update_events(c);
}

/* INT n, INT3, INTO. Real mode: the monitor may trap them; V86 mode: with
 * IOPL below 3 they fault to the guest's monitor (#GP(0), Intel 80386 PRM
 * 15.2.3) -- INT3 and INTO included on the 386 (INTO only when OF). */
void cpu_do_softint(struct cpu *c, uint8_t vector)
{
	if (unlikely(c->trap_mask & CPU_TRAP_INT) && !(c->in.cr0 & CR0_PE)) {
		c->exit.vector = vector;
		c->exit.trap = CPU_TRAP_INT;
		cpu_exit_now(c, CPU_EXIT_TRAP);
	}
	if (cpu_v86(c) && (c->in.flags & FLAG_IOPL) != FLAG_IOPL)
		cpu_fault(c, EXC_GP);
	cpu_deliver(c, vector, DELIVER_SOFT, c->ip, false, 0);
}
