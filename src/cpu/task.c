/*
 * task.c - task switches through 286 and 386 TSSs (Intel 80286 PRM chapter
 * 8, 80386 PRM chapter 7): JMP, CALL or an interrupt to a TSS or task
 * gate, and IRET with NT set back to the previous task.
 *
 * The order follows the 386: the new TSS descriptor is checked (available
 * for JMP/CALL/INT, busy for IRET; present; limit at least 103 bytes for a
 * 386 TSS, 43 for a 286 one), the new TSS is read whole, the current state
 * is saved into the current TSS, the busy bits and back link are updated,
 * TR, CR0.TS and (386 TSS) CR3 change, and only then are the new LDT and
 * segment registers loaded with their checks. Faults up to the save happen
 * in the old task; from the loading of the segments on (#TS with the
 * selector, #NP, #SS) in the new one, as on the chips. A 386 TSS with the T
 * bit set raises a debug trap in the new task (DR6.BT).
 */
#include "cpu/cpu_internal.h"


/* 386 TSS offsets (Intel 80386 PRM figure 7-1). */
enum {
	T3_LINK = 0x00, T3_CR3 = 0x1C, T3_EIP = 0x20, T3_EFLAGS = 0x24, T3_EAX = 0x28, T3_ES = 0x48,
	T3_LDT = 0x60, T3_TBIT = 0x64, T3_MIN_LIMIT = 0x67,
};
/* 286 TSS offsets (Intel 80286 PRM figure 8-1). */
enum { T2_LINK = 0x00, T2_IP = 0x0E, T2_FLAGS = 0x10, T2_AX = 0x12, T2_ES = 0x22, T2_LDT = 0x2A,
       T2_MIN_LIMIT = 0x2B };

/* The state a TSS holds. */
struct tss_image {
	uint32_t eip, eflags, r[8], cr3;
	uint16_t seg[SEG_COUNT], ldt;
	bool tbit;
};

/* One field of a TSS at b: from host memory at p when the TSS is cached
 * whole (sys_ptr()), else a system access of its own. */
static uint32_t tss_get(struct cpu *c, const uint8_t *p, uint32_t b, unsigned off, unsigned n)
{
	if (!p)
		return sys_read(c, b + off, n);
	uint32_t v = 0;
	memcpy(&v, p + off, n == 2 ? 2 : 4); /* (little-endian, as sys_read) */
	return v;
}

static void tss_put(struct cpu *c, uint8_t *p, uint32_t b, unsigned off, unsigned n, uint32_t v)
{
	if (!p) {
		sys_write(c, b + off, n, v);
		return;
	}
	const uint16_t w = (uint16_t)v;
	if (n == 2)
		memcpy(p + off, &w, 2);
	else
		memcpy(p + off, &v, 4);
}

/* The fields in the manuals' order (the first access translates, and
 * faults if it must; when the whole TSS is then in one cached page the
 * others are host loads, which is what their system reads would do). */
static void tss_read(struct cpu *c, const struct cpu_desc *d, bool t386, struct tss_image *t)
{
	const uint32_t b = d->base;
	memset(t, 0, sizeof(*t));
	if (t386) {
		t->cr3 = sys_read(c, b + T3_CR3, 4);
		const uint8_t *p = sys_ptr(c, b, T3_MIN_LIMIT + 1, false);
		t->eip = tss_get(c, p, b, T3_EIP, 4);
		t->eflags = tss_get(c, p, b, T3_EFLAGS, 4);
		for (unsigned k = 0; k < 8; k++)
			t->r[k] = tss_get(c, p, b, T3_EAX + 4 * k, 4);
		for (unsigned s = 0; s < SEG_COUNT; s++)
			t->seg[s] = (uint16_t)tss_get(c, p, b, T3_ES + 4 * s, 2);
		t->ldt = (uint16_t)tss_get(c, p, b, T3_LDT, 2);
		t->tbit = tss_get(c, p, b, T3_TBIT, 2) & 1;
	} else {
		t->eip = sys_read(c, b + T2_IP, 2);
		const uint8_t *p = sys_ptr(c, b, T2_MIN_LIMIT + 1, false);
		t->eflags = tss_get(c, p, b, T2_FLAGS, 2);
		for (unsigned k = 0; k < 8; k++)
			t->r[k] = tss_get(c, p, b, T2_AX + 2 * k, 2);
		for (unsigned s = 0; s < 4; s++)
			t->seg[s] = (uint16_t)tss_get(c, p, b, T2_ES + 2 * s, 2);
		t->ldt = (uint16_t)tss_get(c, p, b, T2_LDT, 2);
	}
}

/* Save the dynamic state into the current TSS (the static parts --
 * stacks, CR3, LDT, T bit -- are not written back). As tss_read(): the
 * first write translates, the others may be host stores. */
static void tss_save(struct cpu *c, uint32_t eip, uint32_t eflags)
{
	const uint32_t b = c->in.tss.base;
	if (c->in.tss.attr & 8) {
		sys_write(c, b + T3_EIP, 4, eip);
		uint8_t *p = sys_ptr(c, b, T3_MIN_LIMIT + 1, true);
		tss_put(c, p, b, T3_EFLAGS, 4, eflags);
		for (unsigned k = 0; k < 8; k++)
			tss_put(c, p, b, T3_EAX + 4 * k, 4, c->r[k].d);
		for (unsigned s = 0; s < SEG_COUNT; s++)
			tss_put(c, p, b, T3_ES + 4 * s, 2, c->seg[s]);
	} else {
		sys_write(c, b + T2_IP, 2, eip);
		uint8_t *p = sys_ptr(c, b, T2_MIN_LIMIT + 1, true);
		tss_put(c, p, b, T2_FLAGS, 2, eflags);
		for (unsigned k = 0; k < 8; k++)
			tss_put(c, p, b, T2_AX + 2 * k, 2, c->r[k].w[0]);
		for (unsigned s = 0; s < 4; s++)
			tss_put(c, p, b, T2_ES + 2 * s, 2, c->seg[s]);
	}
}

/* Set or clear the busy bit (type bit 1) of the TSS descriptor sel. */
static void set_busy(struct cpu *c, uint16_t sel, bool busy)
{
	uint32_t addr = c->in.gdt_base + (sel & ~7u) + 5;
	uint32_t b = sys_read(c, addr, 1);
	sys_write(c, addr, 1, busy ? b | 2 : b & ~2u);
}

/* The segment loads of the new task (Intel 80386 PRM 7.5 step 10): like
 * the instructions' loads, but a bad selector is #TS(selector). */
static void load_task_segs(struct cpu *c, const struct tss_image *t)
{
	uint32_t lo, hi, addr;
	struct cpu_desc d;
	/* The LDT: null, or an LDT descriptor in the GDT. */
	if ((t->ldt & ~3u) == 0) {
		const struct cpu_desc none = { 0, 0, 0 };
		c->in.ldtr = t->ldt;
		c->in.ldt = none;
	} else {
		if ((t->ldt & 4) || !desc_fetch(c, t->ldt & ~4u, &lo, &hi, &addr))
			cpu_fault_err(c, EXC_TS, t->ldt & 0xFFFCu);
		desc_decode(c, lo, hi, &d);
		if ((d.attr & (DESC_S | DESC_TYPE)) != 2)
			cpu_fault_err(c, EXC_TS, t->ldt & 0xFFFCu);
		if (!(d.attr & DESC_P))
			cpu_fault_err(c, EXC_TS, t->ldt & 0xFFFCu);
		c->in.ldtr = t->ldt;
		c->in.ldt = d;
	}
	if (t->eflags & FLAG_VM) {
		for (unsigned s = 0; s < SEG_COUNT; s++)
			cpu_load_sreg(c, s, t->seg[s]);
		return;
	}
	/* CS: a present code segment; its RPL is the new CPL. */
	const uint16_t cs = t->seg[SEG_CS];
	if ((cs & ~3u) == 0 || !desc_fetch(c, cs, &lo, &hi, &addr))
		cpu_fault_err(c, EXC_TS, cs & 0xFFFCu);
	desc_decode(c, lo, hi, &d);
	const unsigned dpl = desc_dpl(d.attr);
	if (!desc_is_code(d.attr) || ((d.attr & 4) ? dpl > (cs & 3u) : dpl != (cs & 3u)))
		cpu_fault_err(c, EXC_TS, cs & 0xFFFCu);
	if (!(d.attr & DESC_P))
		cpu_fault_err(c, EXC_NP, cs & 0xFFFCu);
	seg_commit(c, SEG_CS, cs, &d, addr, hi);
	cpu_set_cpl(c, cs & 3u);
	/* SS and the data segments, with #TS instead of #GP. */
	for (unsigned s = 0; s < SEG_COUNT; s++) {
		if (s == SEG_SS)
			pm_load_ss(c, t->seg[s], EXC_TS);
		else if (s != SEG_CS)
			pm_load_data(c, s, t->seg[s], EXC_TS);
	}
}

void task_switch(struct cpu *c, uint16_t sel, enum task_reason reason, uint32_t return_ip)
{
	uint32_t lo, hi, addr;
	struct cpu_desc nd;
	const uint32_t err = sel & 0xFFFCu;
	const uint8_t bad = reason == TS_IRET ? EXC_TS : EXC_GP;
	/* The new TSS: in the GDT, a TSS of the right busy state. */
	if ((sel & 4) || (sel & ~3u) == 0 || !desc_fetch(c, sel, &lo, &hi, &addr))
		cpu_fault_err(c, bad, err);
	desc_decode(c, lo, hi, &nd);
	const unsigned type = nd.attr & (DESC_S | DESC_TYPE);
	const bool t386 = type == 9 || type == 0xB;
	const bool busy = (type & 2) != 0;
	if ((type != 1 && type != 3 && !(c->model >= CPU_80386 && t386)) || busy != (reason == TS_IRET))
		cpu_fault_err(c, bad, err);
	if (!(nd.attr & DESC_P))
		cpu_fault_err(c, EXC_NP, err);
	if (nd.limit < (t386 ? (uint32_t)T3_MIN_LIMIT : (uint32_t)T2_MIN_LIMIT))
		cpu_fault_err(c, EXC_TS, err);
	struct tss_image t;
	tss_read(c, &nd, t386, &t);

	/* Save the old task; busy bits, NT and the back link. */
	uint32_t old_flags = cpu_flags_read(c);
	if (reason == TS_IRET)
		old_flags &= ~(uint32_t)FLAG_NT;
	tss_save(c, return_ip, old_flags);
	if (reason == TS_JMP || reason == TS_IRET)
		set_busy(c, c->in.tr, false);
	if (reason == TS_CALL || reason == TS_INT) {
		sys_write(c, nd.base + (t386 ? T3_LINK : T2_LINK), 2, c->in.tr);
		t.eflags |= FLAG_NT;
	}
	if (reason != TS_IRET)
		set_busy(c, sel, true);
	nd.attr |= 2;

	/* The new task's state. */
	c->in.tr = sel;
	c->in.tss = nd;
	c->in.cr0 |= CR0_TS;
	if (t386 && c->model >= CPU_80386)
		cpu_load_cr3(c, t.cr3);
	/* A 286 TSS has 16-bit registers. The manuals leave the upper halves
	 * undefined on a 386; they become FFFFh here (as Bochs models it). */
	for (unsigned k = 0; k < 8; k++)
		c->r[k].d = t386 || c->model == CPU_80286 ? t.r[k] : (0xFFFF0000u | t.r[k]);
	const uint32_t vm_before = c->in.flags & FLAG_VM;
	cpu_flags_load(c, t.eflags, t386 ? 0xFFFFFFFFu : 0xFFFFu);
	if ((c->in.flags & FLAG_VM) != vm_before) {
		seg_mode_changed(c);
		cpu_set_cpl(c, (c->in.flags & FLAG_VM) ? 3 : c->in.cpl);
	}
	c->ip = t.eip;
	c->in.inhibit_irq = false;
	load_task_segs(c, &t);
	if (c->ip > c->in.sd[SEG_CS].limit)
		cpu_fault(c, EXC_GP);
	if (t.tbit && c->model >= CPU_80386) {
		c->in.dr[6] |= 1u << 15; /* BT */
		c->in.dr_hit |= 0x80;    /* a debug trap after the switch */
	}
	cpu_update_events(c);
}
