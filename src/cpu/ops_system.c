/*
 * ops_system.c - the system instructions (Intel 80286 PRM chapter 10 and
 * appendix B, 80386 PRM chapters 4-12 and 17, i486 PRM): the MSW and the
 * control, debug and test registers, the descriptor table registers,
 * LLDT/LTR/SLDT/STR, LAR/LSL/VERR/VERW/ARPL, and the 486's INVD, WBINVD,
 * INVLPG and CPUID.
 *
 * Privilege: what changes the machine (LGDT, LIDT, LLDT, LTR, LMSW, CLTS,
 * MOV to or from CRn/DRn/TRn, INVD, WBINVD, INVLPG) needs CPL 0 in
 * protected mode and is #GP(0) in V86 mode; in real mode it works.
 * LLDT, LTR, SLDT, STR, LAR, LSL, VERR, VERW and ARPL exist only in
 * protected mode (#UD in real and V86 mode).
 */
#include <errno.h>

#include "cpu/cpu_internal.h"

/* #GP(0) unless at CPL 0 (real mode counts as CPL 0; V86 is CPL 3). */
static void need_cpl0(struct cpu *c)
{
	if ((c->in.cr0 & CR0_PE) && c->in.cpl != 0)
		cpu_fault(c, EXC_GP);
}

static void need_pm(struct cpu *c)
{
	if (!cpu_pm(c))
		cpu_fault(c, EXC_UD);
}

/* CR0 (Intel 80386 PRM 4.1.3, 10.3, 14.5; i486 PRM 4.1.3): PG needs PE
 * and NW needs CD (#GP(0)); the 486's ET reads as 1. A change of PE switches
 * the mode: the segment caches stay as they are (Intel 80386 PRM 10.3: the
 * program reloads them), the CPL is 0 on both sides of the switch. */
static bool cr0_load(struct cpu *c, uint32_t v, bool resume)
{
	uint32_t writable;
	switch (c->model) {
	case CPU_80286: writable = 0xF; break;
	case CPU_80386: writable = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_PG; break;
	default:
		writable = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG;
		break;
	}
	v = (c->in.cr0 & ~writable) | (v & writable);
	if (c->model >= CPU_80486)
		v |= CR0_ET;
	if ((v & CR0_PG) && !(v & CR0_PE))
		cpu_fault(c, EXC_GP);
	if (c->model >= CPU_80486 && (v & CR0_NW) && !(v & CR0_CD))
		cpu_fault(c, EXC_GP);
	const uint32_t old = c->in.cr0;
	c->in.cr0 = v;
	bool resumed = false;
	if ((old ^ v) & (CR0_PE | CR0_PG | CR0_WP)) {
		resumed = resume && tlb_resume_paging(c, old);
		if (old & ~v & CR0_PG)
			tlb_pause_paging(c, old);
		else if (!resumed)
			tlb_flush_paging(c);
	}
	if ((old ^ v) & CR0_PE) {
		seg_mode_changed(c);
		cpu_set_cpl(c, 0);
	} else if ((old ^ v) & CR0_AM) {
		cpu_priv_changed(c);
	}
	cpu_update_events(c);
	return resumed;
}

void cpu_load_cr0(struct cpu *c, uint32_t v)
{
	(void)cr0_load(c, v, false);
}

void cpu_load_cr3(struct cpu *c, uint32_t v)
{
	c->in.cr3 = v & (c->model >= CPU_80486 ? 0xFFFFF018u : 0xFFFFF000u);
	/* A CR3 load flushes the TLB with paging off too (80386 PRM 5.2.5):
	 * the epoch paging was turned off under is not resumed. */
	c->in.kept_epoch = 0;
	if (c->in.cr0 & CR0_PG)
		tlb_flush_paging(c);
}

/* SMSW: the 286's unused MSW bits read as ones; a 32-bit register gets
 * all of CR0 on the 386/486. Not privileged. */
void op_smsw(struct cpu *c, const struct insn *i)
{
	uint32_t v = c->in.cr0;
	if (c->model == CPU_80286)
		v = (v & 0xF) | 0xFFF0;
	if (i->mod == 3 && i->wsz == 4)
		reg_set(c, i->rm, 4, v);
	else
		rm_write(c, i, 2, (uint16_t)v);
}

/* LMSW: PE, MP, EM, TS; it can set PE but never clear it. */
void op_lmsw(struct cpu *c, const struct insn *i)
{
	uint16_t v = (uint16_t)rm_read(c, i, 2);
	need_cpl0(c);
	cpu_load_cr0(c, (c->in.cr0 & ~0xEu) | (v & 0xFu) | (c->in.cr0 & CR0_PE));
}

void op_clts(struct cpu *c, const struct insn *i)
{
	(void)i;
	need_cpl0(c);
	c->in.cr0 &= ~(uint32_t)CR0_TS;
}

/* SGDT /0, SIDT /1: limit16 then base (24 bits and FFh on the 286, 24 bits
 * and 0 with a 16-bit operand size on the 386). */
void op_sxdt(struct cpu *c, const struct insn *i)
{
	uint32_t ea = insn_ea(c, i);
	bool idt = i->reg == 1;
	uint32_t base = idt ? c->in.idt_base : c->in.gdt_base;
	if (c->model == CPU_80286)
		base = (base & 0xFFFFFF) | 0xFF000000u;
	else if (i->wsz == 2)
		base &= 0xFFFFFF;
	mem_write16(c, i->seg, ea, idt ? c->in.idt_limit : c->in.gdt_limit);
	mem_write32(c, i->seg, (ea + 2) & (i->asz == 2 ? 0xFFFF : 0xFFFFFFFF), base);
}

/* LGDT /2, LIDT /3 (24-bit base with a 16-bit operand size). INVLPG /7
 * shares the group (i486 PRM). */
void op_lxdt(struct cpu *c, const struct insn *i)
{
	uint32_t ea = insn_ea(c, i);
	need_cpl0(c);
	uint16_t limit = mem_read16(c, i->seg, ea);
	uint32_t base = mem_read32(c, i->seg, (ea + 2) & (i->asz == 2 ? 0xFFFF : 0xFFFFFFFF));
	if (i->wsz == 2)
		base &= 0xFFFFFF;
	if (i->reg == 3) {
		c->in.idt_base = base;
		c->in.idt_limit = limit;
	} else {
		c->in.gdt_base = base;
		c->in.gdt_limit = limit;
	}
}

void op_invlpg(struct cpu *c, const struct insn *i)
{
	need_cpl0(c);
	tlb_flush_page(c, c->seg_base[i->seg] + insn_ea(c, i));
}

void op_invd(struct cpu *c, const struct insn *i)
{
	(void)i;
	need_cpl0(c); /* no caches are modelled: nothing to write back or drop */
}

/* 0F 20/22 CR, 21/23 DR, 24/26 TR; bit 1 of the opcode = to the special
 * register. The r/m field always names a 32-bit general register. */
void op_mov_cr(struct cpu *c, const struct insn *i)
{
	const bool to_special = i->op & 2;
	const unsigned n = i->reg, kind = i->op & ~2u;
	uint32_t *gpr = reg32(c, i->rm);
	need_cpl0(c);
	switch (kind) {
	case 0x20:
		if (n == 0) {
			if (to_special)
				cpu_load_cr0(c, *gpr);
			else
				*gpr = c->in.cr0;
		} else if (n == 2) {
			if (to_special)
				c->in.cr2 = *gpr;
			else
				*gpr = c->in.cr2;
		} else if (n == 3) {
			if (to_special)
				cpu_load_cr3(c, *gpr);
			else
				*gpr = c->in.cr3;
		} else {
			cpu_fault(c, EXC_UD);
		}
		return;
	case 0x21: {
		/* DR7.GD: any access to the debug registers is a #DB fault
		 * (DR6.BD) and clears GD so that the handler may use them. */
		if (c->in.dr[7] & (1u << 13)) {
			c->in.dr[6] |= 1u << 13;
			c->in.dr[7] &= ~(1u << 13);
			cpu_fault(c, EXC_DB);
		}
		const unsigned r = (n == 4 || n == 5) ? n + 2 : n;
		if (!to_special) {
			*gpr = c->in.dr[r];
			return;
		}
		if (r == 6)
			c->in.dr[6] = (*gpr & 0xE00F) | 0xFFFF0FF0u;
		else if (r == 7)
			c->in.dr[7] = (*gpr & 0xFFFF2BFFu) | (c->model >= CPU_80486 ? 0x400u : 0);
		else
			c->in.dr[r] = *gpr;
		dr_update(c);
		return;
	}
	default:
		/* TR6-TR7 on the 386; the 486 adds TR3-TR5 (cache test). */
		if (n < (c->model >= CPU_80486 ? 3u : 6u))
			cpu_fault(c, EXC_UD);
		if (to_special)
			c->in.treg[n] = *gpr;
		else
			*gpr = c->in.treg[n];
		return;
	}
}

/* ---- protected-mode-only instructions ---- */

/* SLDT /0, STR /1: a register gets the selector zero-extended. */
void op_sldt_str(struct cpu *c, const struct insn *i)
{
	need_pm(c);
	uint16_t v = i->reg == 0 ? c->in.ldtr : c->in.tr;
	if (i->mod == 3)
		reg_set(c, i->rm, i->wsz, v);
	else
		mem_write16(c, i->seg, insn_ea(c, i), v);
}

/* LLDT /2: null makes the LDT unusable; else an LDT descriptor in the GDT. */
void op_lldt(struct cpu *c, const struct insn *i)
{
	need_pm(c);
	uint16_t sel = (uint16_t)rm_read(c, i, 2);
	need_cpl0(c);
	if ((sel & ~3u) == 0) {
		const struct cpu_desc none = { 0, 0, 0 };
		c->in.ldtr = sel;
		c->in.ldt = none;
		return;
	}
	uint32_t lo, hi, addr;
	struct cpu_desc d;
	if ((sel & 4) || !desc_fetch(c, sel, &lo, &hi, &addr))
		cpu_fault_err(c, EXC_GP, sel & 0xFFFCu);
	desc_decode(c, lo, hi, &d);
	if ((d.attr & (DESC_S | DESC_TYPE)) != 2)
		cpu_fault_err(c, EXC_GP, sel & 0xFFFCu);
	if (!(d.attr & DESC_P))
		cpu_fault_err(c, EXC_NP, sel & 0xFFFCu);
	c->in.ldtr = sel;
	c->in.ldt = d;
}

/* LTR /3: an available TSS in the GDT, which becomes busy. */
void op_ltr(struct cpu *c, const struct insn *i)
{
	need_pm(c);
	uint16_t sel = (uint16_t)rm_read(c, i, 2);
	need_cpl0(c);
	uint32_t lo, hi, addr;
	struct cpu_desc d;
	if ((sel & ~3u) == 0)
		cpu_fault(c, EXC_GP);
	if ((sel & 4) || !desc_fetch(c, sel, &lo, &hi, &addr))
		cpu_fault_err(c, EXC_GP, sel & 0xFFFCu);
	desc_decode(c, lo, hi, &d);
	unsigned type = d.attr & (DESC_S | DESC_TYPE);
	if (type != 1 && !(type == 9 && c->model >= CPU_80386))
		cpu_fault_err(c, EXC_GP, sel & 0xFFFCu);
	if (!(d.attr & DESC_P))
		cpu_fault_err(c, EXC_NP, sel & 0xFFFCu);
	sys_write(c, addr + 5, 1, ((hi >> 8) & 0xFF) | 2);
	d.attr |= 2;
	c->in.tr = sel;
	c->in.tss = d;
}

/* The descriptor a LAR/LSL/VERR/VERW selector names, if the current
 * privilege may see it: a code or data segment with DPL >= CPL and >= RPL
 * (conforming code: any), or (LAR/LSL) an allowed system type. */
static bool visible_desc(struct cpu *c, uint16_t sel, uint32_t types, uint32_t *hi, struct cpu_desc *d)
{
	uint32_t lo, addr;
	if ((sel & ~3u) == 0 || !desc_fetch(c, sel, &lo, hi, &addr))
		return false;
	desc_decode(c, lo, *hi, d);
	if (!(d->attr & DESC_S)) {
		unsigned type = d->attr & DESC_TYPE;
		if (!((types >> type) & 1) || (c->model < CPU_80386 && type >= 8))
			return false;
	} else if (desc_is_code(d->attr) && (d->attr & 4)) {
		return true;
	}
	unsigned dpl = desc_dpl(d->attr);
	return dpl >= c->in.cpl && dpl >= (sel & 3u);
}

static void set_zf(struct cpu *c, bool z)
{
	uint32_t f = cpu_flags_read(c) & FLAGS_ARITH;
	flags_arith_set(c, z ? f | FLAG_ZF : f & ~(uint32_t)FLAG_ZF);
}

/* VERR /4, VERW /5 (Intel 80386 PRM 6.3.1.3). */
void op_verx(struct cpu *c, const struct insn *i)
{
	need_pm(c);
	uint16_t sel = (uint16_t)rm_read(c, i, 2);
	uint32_t hi;
	struct cpu_desc d;
	bool ok = visible_desc(c, sel, 0, &hi, &d) && (d.attr & DESC_S);
	if (ok && i->reg == 4)
		ok = !desc_is_code(d.attr) || (d.attr & 2);
	else if (ok)
		ok = !desc_is_code(d.attr) && (d.attr & 2);
	set_zf(c, ok);
}

/* LAR 0F 02 and LSL 0F 03: the access rights (bytes 5-6 masked with
 * 00FxFF00h) or the byte-granular limit of a visible descriptor; ZF tells
 * whether it was. System types: LAR 1-5, 9, B, C; LSL 1-3, 9, B. */
void op_lar_lsl(struct cpu *c, const struct insn *i)
{
	need_pm(c);
	uint16_t sel = (uint16_t)rm_read(c, i, 2);
	uint32_t hi;
	struct cpu_desc d;
	const bool lar = i->op == 0x02;
	const uint32_t types = lar ? 0x1A3E : 0x0A0E;
	if (!visible_desc(c, sel, types, &hi, &d)) {
		set_zf(c, false);
		return;
	}
	uint32_t v = lar ? hi & (c->model >= CPU_80386 ? 0x00F0FF00u : 0xFF00u) : d.limit;
	reg_set(c, i->reg, i->wsz, v);
	set_zf(c, true);
}

/* ARPL r/m16, r16: raise the RPL of the destination to the source's. */
void op_arpl(struct cpu *c, const struct insn *i)
{
	need_pm(c);
	uint16_t dst = (uint16_t)rm_read(c, i, 2), src = *reg16(c, i->reg);
	if ((dst & 3u) < (src & 3u)) {
		rm_write(c, i, 2, (uint16_t)((dst & ~3u) | (src & 3u)));
		set_zf(c, true);
	} else {
		set_zf(c, false);
	}
}

/* CPUID (the 80486 model: a 486DX2 of the kind that has it, Intel
 * AP-485): leaf 0 = highest leaf 1 and "GenuineIntel"; leaf 1 = family 4,
 * model 3, stepping 5, features: the FPU when one is attached. */
void op_cpuid(struct cpu *c, const struct insn *i)
{
	(void)i;
	if (c->r[REG_AX].d == 0) {
		c->r[REG_AX].d = 1;
		c->r[REG_BX].d = 0x756E6547u; /* "Genu" */
		c->r[REG_DX].d = 0x49656E69u; /* "ineI" */
		c->r[REG_CX].d = 0x6C65746Eu; /* "ntel" */
	} else {
		c->r[REG_AX].d = 0x435;
		c->r[REG_BX].d = 0;
		c->r[REG_CX].d = 0;
		c->r[REG_DX].d = c->fpu ? 1u : 0;
	}
}

/* ---- the public API ---- */

uint32_t cpu_get_cr(const struct cpu *c, unsigned n)
{
	return n == 0 ? c->in.cr0 : n == 2 ? c->in.cr2 : n == 3 ? c->in.cr3 : 0;
}

/* cpu_set_cr(), resuming the kept paged epoch when `resume` allows it
 * (cr0_load()): 1 when it did. */
static int set_cr(struct cpu *c, unsigned n, uint32_t value, bool resume)
{
	if (c->model < CPU_80286 || (c->model == CPU_80286 && n != 0) || (n != 0 && n != 2 && n != 3))
		return -EINVAL;
	jmp_buf saved;
	volatile int rc = 0;
	memcpy(saved, c->in.fault_jmp, sizeof(jmp_buf));
	if (setjmp(c->in.fault_jmp) == 0) {
		if (n == 0)
			rc = cr0_load(c, value, resume);
		else if (n == 2)
			c->in.cr2 = value;
		else
			cpu_load_cr3(c, value);
	} else {
		rc = -EINVAL;
	}
	memcpy(c->in.fault_jmp, saved, sizeof(jmp_buf));
	return rc;
}

int cpu_set_cr(struct cpu *c, unsigned n, uint32_t value)
{
	const int rc = set_cr(c, n, value, false);
	return rc < 0 ? rc : 0;
}

int cpu_resume_paging(struct cpu *c, uint32_t cr0)
{
	return set_cr(c, 0, cr0, true);
}

void cpu_set_gdt(struct cpu *c, uint32_t base, uint16_t limit)
{
	c->in.gdt_base = base;
	c->in.gdt_limit = limit;
}

void cpu_set_idt(struct cpu *c, uint32_t base, uint16_t limit)
{
	c->in.idt_base = base;
	c->in.idt_limit = limit;
}

/* The descriptor of a GDT selector, or false. */
static bool gdt_desc(struct cpu *c, uint16_t sel, struct cpu_desc *d)
{
	uint32_t idx = sel & ~7u;
	if ((sel & 4) || idx == 0 || idx + 7 > c->in.gdt_limit)
		return false;
	desc_decode(c, cpu_peek32(c, c->in.gdt_base + idx), cpu_peek32(c, c->in.gdt_base + idx + 4), d);
	return true;
}

int cpu_set_ldtr(struct cpu *c, uint16_t selector)
{
	struct cpu_desc d = { 0, 0, 0 };
	if ((selector & ~3u) != 0 && (!gdt_desc(c, selector, &d) || (d.attr & (DESC_S | DESC_TYPE)) != 2))
		return -EINVAL;
	c->in.ldtr = selector;
	c->in.ldt = d;
	return 0;
}

int cpu_set_tr(struct cpu *c, uint16_t selector)
{
	struct cpu_desc d;
	if (!gdt_desc(c, selector, &d))
		return -EINVAL;
	unsigned type = d.attr & (DESC_S | DESC_TYPE);
	if (type != 1 && type != 3 && type != 9 && type != 11)
		return -EINVAL;
	c->in.tr = selector;
	c->in.tss = d;
	return 0;
}

uint32_t cpu_get_dr(const struct cpu *c, unsigned n)
{
	return n < 8 && n != 4 && n != 5 ? c->in.dr[n] : 0;
}

int cpu_set_dr(struct cpu *c, unsigned n, uint32_t value)
{
	if (c->model < CPU_80386 || n >= 8 || n == 4 || n == 5)
		return -EINVAL;
	if (n == 6)
		c->in.dr[6] = (value & 0xE00F) | 0xFFFF0FF0u;
	else if (n == 7)
		c->in.dr[7] = (value & 0xFFFF2BFFu) | (c->model >= CPU_80486 ? 0x400u : 0);
	else
		c->in.dr[n] = value;
	dr_update(c);
	return 0;
}
