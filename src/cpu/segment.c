/*
 * segment.c - segment registers and their descriptor caches (Intel 80386
 * PRM 5.1, 6.3.1; 80286 PRM 6.3): loading them in each mode, the checks of
 * segment-relative accesses, and what the rest of the core derives from
 * them (fast-path limits, code and stack size, CPL, the block context).
 *
 * Every segment register has a cache (base, limit, attributes), also in
 * real mode. A real-mode load changes only the selector and the base, so
 * limits and attributes left by a protected-mode detour stay ("big real"
 * mode). V86 loads set base = selector << 4, limit FFFFh and a writable
 * data segment at DPL 3. Protected-mode loads read the GDT or LDT and
 * check the selector, type, privilege and presence.
 */
#include <errno.h>

#include "cpu/cpu_internal.h"

void desc_decode(const struct cpu *c, uint32_t lo, uint32_t hi, struct cpu_desc *d)
{
	d->base = (lo >> 16) | ((hi & 0xFF) << 16);
	d->limit = lo & 0xFFFF;
	d->attr = (uint16_t)((hi >> 8) & 0xFF);
	if (c->model >= CPU_80386) {
		d->base |= hi & 0xFF000000u;
		d->limit |= hi & 0x000F0000u;
		d->attr |= (uint16_t)((hi >> 8) & 0xF000);
		if (d->attr & DESC_G)
			d->limit = (d->limit << 12) | 0xFFF;
	}
}

bool desc_fetch(struct cpu *c, uint16_t sel, uint32_t *lo, uint32_t *hi, uint32_t *addr)
{
	uint32_t base, limit;
	if (sel & 4) {
		if ((c->in.ldtr & ~3u) == 0 || !(c->in.ldt.attr & DESC_P))
			return false;
		base = c->in.ldt.base;
		limit = c->in.ldt.limit;
	} else {
		base = c->in.gdt_base;
		limit = c->in.gdt_limit;
	}
	uint32_t off = sel & ~7u;
	if (off + 7 > limit)
		return false;
	*addr = base + off;
	*lo = sys_read(c, *addr, 4);
	*hi = sys_read(c, *addr + 4, 4);
	return true;
}

void desc_set_accessed(struct cpu *c, uint32_t addr, uint32_t hi)
{
	if (!(hi & 0x100))
		sys_write(c, addr + 5, 1, (hi >> 8 & 0xFF) | 1);
}

void seg_update_ends(struct cpu *c, unsigned s)
{
	const struct cpu_desc *d = &c->in.sd[s];
	uint64_t rd = (uint64_t)d->limit + 1, wr = rd;
	if (desc_is_xdown(d->attr))
		rd = wr = 0;
	if (cpu_pm(c)) {
		/* Type checks exist in protected mode only. */
		if (!(d->attr & DESC_P) || !(d->attr & DESC_S))
			rd = wr = 0;
		else if (desc_is_code(d->attr))
			wr = 0, rd = (d->attr & 2) ? rd : 0;
		else if (!(d->attr & 2))
			wr = 0;
	}
	c->in.rd_end[s] = rd;
	c->in.wr_end[s] = wr;
}

/* Do every segment's fast-path ends reach 10000h (BC_SEG64K)? */
static bool ends_64k(const struct cpu *c)
{
	for (unsigned s = 0; s < SEG_COUNT; s++)
		if (c->in.rd_end[s] < 0x10000 || c->in.wr_end[s] < 0x10000)
			return false;
	return true;
}

/* The block context follows the code and stack size, the mode, user
 * privilege and whether every segment's fast-path ends reach 64 KiB (so
 * every change of rd_end/wr_end, seg_update_ends(), is followed by a
 * call of this: seg_set_cache(), seg_mode_changed()). */
static void update_mode_bits(struct cpu *c)
{
	unsigned bits = 0;
	if (c->in.ip_mask != 0xFFFF)
		bits |= BC_CODE32;
	if (c->in.sp_mask != 0xFFFF)
		bits |= BC_STACK32;
	if (c->in.cr0 & CR0_PE)
		bits |= BC_PE;
	if (c->in.flags & FLAG_VM)
		bits |= BC_V86;
	if (c->in.cpl == 3)
		bits |= BC_USER;
	if (c->in.sd[SEG_CS].limit < c->in.ip_mask)
		bits |= BC_CSLIM;
	if (ends_64k(c))
		bits |= BC_SEG64K;
	if (bits != c->in.mode_bits) {
		c->in.mode_bits = (uint8_t)bits;
		cpu_bc_ctx_update(c);
	}
}

void cpu_priv_changed(struct cpu *c)
{
	bool ac = c->model >= CPU_80486 && (c->in.cr0 & CR0_AM) && (c->in.flags & FLAG_AC) && c->in.cpl == 3;
	if (ac != c->in.ac_check) {
		c->in.ac_check = ac;
		tlb_drop(c);
	}
	if (c->in.cpl == 3 && c->in.tlb_super)
		tlb_drop(c);
	update_mode_bits(c);
}

void cpu_set_cpl(struct cpu *c, unsigned cpl)
{
	c->in.cpl = (uint8_t)cpl;
	cpu_priv_changed(c);
}

/* Code and stack size from the CS and SS caches: D/B selects 32 bits in
 * protected and real mode; V86 mode is always 16-bit. */
static void update_sizes(struct cpu *c)
{
	bool v86 = cpu_v86(c);
	c->in.ip_mask = (!v86 && (c->in.sd[SEG_CS].attr & DESC_DB)) ? 0xFFFFFFFFu : 0xFFFF;
	c->in.sp_mask = (!v86 && (c->in.sd[SEG_SS].attr & DESC_DB)) ? 0xFFFFFFFFu : 0xFFFF;
	update_mode_bits(c);
}

void seg_set_cache(struct cpu *c, unsigned s, uint16_t sel, const struct cpu_desc *d)
{
	if (s < SEG_COUNT) /* [SEG_COUNT] is the flat system cache: it has no selector */
		c->seg[s] = sel;
	c->seg_base[s] = d->base;
	c->in.sd[s] = *d;
	seg_update_ends(c, s);
	if (s == SEG_CS || s == SEG_SS)
		update_sizes(c);
	else
		update_mode_bits(c); /* (BC_SEG64K) */
}

void seg_mode_changed(struct cpu *c)
{
	for (unsigned s = 0; s < SEG_COUNT; s++)
		seg_update_ends(c, s);
	update_sizes(c);
	cpu_priv_changed(c);
}

/* V86 mode: the 8086's segments, at DPL 3 (Intel 80386 PRM 15.1.2). */
static void v86_load(struct cpu *c, unsigned s, uint16_t sel)
{
	const struct cpu_desc d = { (uint32_t)sel << 4, 0xFFFF, 0xF3 };
	seg_set_cache(c, s, sel, &d);
}

/* Error code of a selector-related fault (Intel 80386 PRM 9.7). */
static inline uint32_t sel_err(const struct cpu *c, uint16_t sel)
{
	return (sel & 0xFFFCu) | (c->in.deliver_ext ? 1u : 0);
}

/* MOV/POP/LxS to SS in protected mode (Intel 80386 PRM 6.3.1, MOV). */
void seg_commit(struct cpu *c, unsigned s, uint16_t sel, struct cpu_desc *d, uint32_t addr, uint32_t hi)
{
	desc_set_accessed(c, addr, hi);
	d->attr |= 1;
	seg_set_cache(c, s, sel, d);
}

void pm_load_ss(struct cpu *c, uint16_t sel, unsigned vec)
{
	uint32_t lo, hi, addr;
	struct cpu_desc d;
	if ((sel & ~3u) == 0)
		cpu_fault_err(c, vec, 0);
	if (!desc_fetch(c, sel, &lo, &hi, &addr))
		cpu_fault_err(c, vec, sel_err(c, sel));
	desc_decode(c, lo, hi, &d);
	if ((sel & 3) != c->in.cpl || desc_dpl(d.attr) != c->in.cpl || !(d.attr & DESC_S) ||
	    desc_is_code(d.attr) || !(d.attr & 2))
		cpu_fault_err(c, vec, sel_err(c, sel));
	if (!(d.attr & DESC_P))
		cpu_fault_err(c, EXC_SS, sel_err(c, sel));
	seg_commit(c, SEG_SS, sel, &d, addr, hi);
}

/* MOV/POP/LxS to DS, ES, FS, GS in protected mode: a null selector loads
 * an unusable segment (accesses #GP(0)); others must be data or readable
 * code, with RPL and CPL not above the DPL unless conforming code. */
void pm_load_data(struct cpu *c, unsigned s, uint16_t sel, unsigned vec)
{
	uint32_t lo, hi, addr;
	struct cpu_desc d;
	if ((sel & ~3u) == 0) {
		const struct cpu_desc null = { 0, 0, 0 };
		seg_set_cache(c, s, sel, &null);
		return;
	}
	if (!desc_fetch(c, sel, &lo, &hi, &addr))
		cpu_fault_err(c, vec, sel_err(c, sel));
	desc_decode(c, lo, hi, &d);
	bool code = desc_is_code(d.attr);
	if (!(d.attr & DESC_S) || (code && !(d.attr & 2)))
		cpu_fault_err(c, vec, sel_err(c, sel));
	bool conforming = code && (d.attr & 4);
	unsigned dpl = desc_dpl(d.attr);
	if (!conforming && ((sel & 3u) > dpl || c->in.cpl > dpl))
		cpu_fault_err(c, vec, sel_err(c, sel));
	if (!(d.attr & DESC_P))
		cpu_fault_err(c, EXC_NP, sel_err(c, sel));
	seg_commit(c, s, sel, &d, addr, hi);
}

void cpu_load_sreg(struct cpu *c, unsigned s, uint16_t sel)
{
	if (cpu_v86(c))
		v86_load(c, s, sel);
	else if (!(c->in.cr0 & CR0_PE))
		seg_load(c, s, sel);
	else if (s == SEG_SS)
		pm_load_ss(c, sel, EXC_GP);
	else
		pm_load_data(c, s, sel, EXC_GP);
}

/* ---- checks of segment-relative accesses (the fast path's rejects) ---- */

bool mem_seg_check(struct cpu *c, unsigned seg, uint32_t off, unsigned n, bool write)
{
	const struct cpu_desc *d = &c->in.sd[seg];
	const uint64_t last = (uint64_t)off + n - 1;
	if (cpu_pm(c)) {
		if (!(d->attr & DESC_P) || !(d->attr & DESC_S))
			goto fault;
		if (desc_is_code(d->attr) ? (write || !(d->attr & 2)) : (write && !(d->attr & 2)))
			goto fault;
	}
	if (desc_is_xdown(d->attr)) {
		uint32_t top = (d->attr & DESC_DB) ? 0xFFFFFFFFu : 0xFFFF;
		if (off <= d->limit || last > top)
			goto fault;
	} else if (last > d->limit) {
		goto fault;
	}
	return false;
fault:
	if (c->model <= CPU_80186)
		return true; /* the 8086/186 wrap inside the segment */
	if (seg == SEG_SS && (c->model >= CPU_80386 || (c->in.cr0 & CR0_PE)))
		cpu_fault(c, EXC_SS);
	cpu_fault(c, EXC_GP);
}

uint32_t mem_read_seg_slow(struct cpu *c, unsigned seg, uint32_t off, unsigned n)
{
	const uint32_t base = c->seg_base[seg];
	if (!mem_seg_check(c, seg, off, n, false))
		return n == 1 ? lin_read8(c, base + off) : n == 2 ? lin_read16(c, base + off) : lin_read32(c, base + off);
	uint32_t v = 0;
	for (unsigned k = 0; k < n; k++)
		v |= (uint32_t)lin_read8(c, base + ((off + k) & 0xFFFF)) << (8 * k);
	return v;
}

void mem_write_seg_slow(struct cpu *c, unsigned seg, uint32_t off, unsigned n, uint32_t v)
{
	const uint32_t base = c->seg_base[seg];
	if (!mem_seg_check(c, seg, off, n, true)) {
		if (n == 1)
			lin_write8(c, base + off, (uint8_t)v);
		else if (n == 2)
			lin_write16(c, base + off, (uint16_t)v);
		else
			lin_write32(c, base + off, v);
		return;
	}
	for (unsigned k = 0; k < n; k++)
		lin_write8(c, base + ((off + k) & 0xFFFF), (uint8_t)(v >> (8 * k)));
}

/* ---- the public API ---- */

void cpu_load_seg(struct cpu *c, enum cpu_seg s, uint16_t value)
{
	if ((unsigned)s >= SEG_COUNT)
		return;
	if (cpu_pm(c))
		(void)cpu_set_seg(c, s, value);
	else if (cpu_v86(c))
		v86_load(c, s, value);
	else
		seg_load(c, s, value);
}

int cpu_set_seg(struct cpu *c, enum cpu_seg s, uint16_t selector)
{
	if ((unsigned)s >= SEG_COUNT)
		return -EINVAL;
	if (!cpu_pm(c)) {
		cpu_load_seg(c, s, selector);
		return 0;
	}
	jmp_buf saved;
	volatile int rc = 0;
	memcpy(saved, c->in.fault_jmp, sizeof(jmp_buf));
	if (setjmp(c->in.fault_jmp) == 0) {
		if (s == SEG_CS) {
			uint32_t lo, hi, addr;
			struct cpu_desc d;
			if ((selector & ~3u) == 0 || !desc_fetch(c, selector, &lo, &hi, &addr))
				cpu_fault(c, EXC_GP);
			desc_decode(c, lo, hi, &d);
			if (!desc_is_code(d.attr) || !(d.attr & DESC_P))
				cpu_fault(c, EXC_GP);
			seg_set_cache(c, SEG_CS, (uint16_t)((selector & ~3u) | desc_dpl(d.attr)), &d);
			cpu_set_cpl(c, desc_dpl(d.attr));
		} else {
			cpu_load_sreg(c, s, selector);
		}
	} else {
		rc = -EFAULT;
	}
	memcpy(c->in.fault_jmp, saved, sizeof(jmp_buf));
	return rc;
}

void cpu_get_desc(const struct cpu *c, enum cpu_seg s, struct cpu_desc *d)
{
	*d = c->in.sd[(unsigned)s < SEG_COUNT ? s : SEG_COUNT];
}

void cpu_set_desc(struct cpu *c, enum cpu_seg s, uint16_t selector, const struct cpu_desc *d)
{
	if ((unsigned)s >= SEG_COUNT)
		return;
	seg_set_cache(c, s, selector, d);
	if (s == SEG_CS && cpu_pm(c))
		cpu_set_cpl(c, desc_dpl(d->attr));
}

enum cpu_mode cpu_mode(const struct cpu *c)
{
	return cpu_v86(c) ? CPU_MODE_V86 : (c->in.cr0 & CR0_PE) ? CPU_MODE_PROT : CPU_MODE_REAL;
}

unsigned cpu_cpl(const struct cpu *c)
{
	return c->in.cpl;
}
