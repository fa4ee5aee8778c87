/*
 * ldt.c - the LDT and the descriptor functions 0000h-000Dh. One LDT of
 * 8192 descriptors serves every client (a nested client's parent is
 * suspended while it runs); the host remembers which client owns each
 * entry and frees a client's entries when it ends. Entries 1-15 are
 * given out only by 000Dh, as the specification reserves them; entry 0
 * is never given out. Clients get DPL 3 descriptors only: 0009h and 000Ch
 * refuse anything else with 8021h, and a selector the client does not
 * own (or that is not an LDT selector) is 8022h.
 * Source: DPMI 0.9 specification, "LDT Descriptor Management Services";
 * RBIL INT 31h/AX=0000h-000Dh; the descriptor format: Intel 80386 PRM 5.1.
 */
#include "dpmi/dpmi.h"

static uint32_t ldt_addr(const struct dpmi_host *h, unsigned idx)
{
	return h->area + DPMI_LDT + 8 * idx;
}

bool dpmi_desc_read(struct dpmi_host *h, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
	uint32_t addr;
	if (sel & 4)
		addr = ldt_addr(h, sel >> 3);
	else if ((sel & ~7u) && (sel | 7u) <= DPMI_GDT_LIMIT)
		addr = h->area + (sel & ~7u);
	else
		return false;
	uint8_t b[8];
	if (vdd_phys_read(h->vm, addr, b, 8) < 0)
		return false;
	*lo = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	*hi = (uint32_t)b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16 | (uint32_t)b[7] << 24;
	return true;
}

static void desc_write(struct dpmi_host *h, uint16_t sel, uint32_t lo, uint32_t hi)
{
	uint8_t b[8] = { (uint8_t)lo, (uint8_t)(lo >> 8), (uint8_t)(lo >> 16), (uint8_t)(lo >> 24),
			 (uint8_t)hi, (uint8_t)(hi >> 8), (uint8_t)(hi >> 16), (uint8_t)(hi >> 24) };
	(void)vdd_phys_write(h->vm, ldt_addr(h, sel >> 3), b, 8);
}

void dpmi_desc_set_accessed(struct dpmi_host *h, uint16_t sel, uint32_t hi)
{
	uint8_t b = (uint8_t)(hi >> 8) | 1;
	(void)vdd_phys_write(h->vm, ldt_addr(h, sel >> 3) + 5, &b, 1);
}

uint32_t dpmi_desc_base(uint32_t lo, uint32_t hi)
{
	return (lo >> 16) | (hi & 0xFF) << 16 | (hi & 0xFF000000u);
}

uint32_t dpmi_desc_limit(uint32_t lo, uint32_t hi)
{
	uint32_t limit = (lo & 0xFFFF) | (hi & 0xF0000);
	return (hi & 0x800000) ? limit << 12 | 0xFFF : limit;
}

static void set_base(uint32_t *lo, uint32_t *hi, uint32_t base)
{
	*lo = (*lo & 0xFFFF) | base << 16;
	*hi = (*hi & 0x00FFFF00u) | ((base >> 16) & 0xFF) | (base & 0xFF000000u);
}

/* limit in bytes - 1; above 1 MiB it must end a page (checked by the caller). */
static void set_limit(uint32_t *lo, uint32_t *hi, uint32_t limit)
{
	bool g = limit > 0xFFFFF;
	if (g)
		limit >>= 12;
	*lo = (*lo & 0xFFFF0000u) | (limit & 0xFFFF);
	*hi = (*hi & ~(uint32_t)0x8F0000) | (limit & 0xF0000) | (g ? 0x800000u : 0);
}

void dpmi_ldt_set(struct dpmi_host *h, uint16_t sel, uint32_t base, uint32_t limit, bool code, bool big)
{
	uint32_t lo = 0, hi = (uint32_t)(code ? 0xFA : 0xF2) << 8 | (big ? 0x400000u : 0);
	set_base(&lo, &hi, base);
	set_limit(&lo, &hi, limit);
	desc_write(h, sel, lo, hi);
}

uint16_t dpmi_ldt_alloc(struct dpmi_host *h, struct dpmi_client *c, unsigned n)
{
	if (n == 0 || n > DPMI_LDT_ENTRIES)
		return 0;
	unsigned run = 0;
	for (unsigned k = DPMI_LDT_RESERVED; k < DPMI_LDT_ENTRIES; k++) {
		run = h->ldt_owner[k] ? 0 : run + 1;
		if (run < n)
			continue;
		unsigned first = k + 1 - n;
		for (unsigned j = first; j <= k; j++) {
			h->ldt_owner[j] = (uint8_t)(c->slot + 1);
			dpmi_ldt_set(h, (uint16_t)(j << 3 | 7), 0, 0, false, c->is32);
		}
		return (uint16_t)(first << 3 | 7);
	}
	return 0;
}

bool dpmi_sel_owned(struct dpmi_host *h, struct dpmi_client *c, uint16_t sel)
{
	return (sel & 4) && h->ldt_owner[sel >> 3] == c->slot + 1;
}

void dpmi_ldt_free(struct dpmi_host *h, uint16_t sel)
{
	h->ldt_owner[sel >> 3] = 0;
	desc_write(h, sel, 0, 0);
}

/* An access rights byte (and the high nibble of byte 6) a client may set
 * (0009h, 000Ch): a code or data segment at the client's DPL 3, byte 6's
 * bit 5 clear; a present code segment readable and not conforming (DPMI
 * 1.0's rules for 0009h, which a 0.9 client meets too). */
static bool rights_ok(uint8_t access, uint8_t byte6)
{
	if (!(access & 0x10) || (access & 0x60) != 0x60 || (byte6 & 0x20))
		return false;
	if ((access & 0x88) == 0x88 && (access & 0x06) != 0x02)
		return false;
	return true;
}

static uint32_t cx_dx(const struct vm16_regs *r)
{
	return (r->ecx & 0xFFFF) << 16 | (r->edx & 0xFFFF);
}

static uint32_t es_di(struct dpmi_host *h, struct dpmi_client *c, const struct vm16_regs *r)
{
	return dpmi_lin(h, r->es, c->is32 ? r->edi : (r->edi & 0xFFFF));
}

void dpmi_ldt_functions(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r)
{
	uint16_t ax = (uint16_t)r->eax, bx = (uint16_t)r->ebx;
	uint32_t lo, hi;
	switch (ax) {
	case 0x0000: { /* allocate CX descriptors */
		uint16_t n = (uint16_t)r->ecx, sel = n ? dpmi_ldt_alloc(h, c, n) : 0;
		if (!n)
			return dpmi_fail(r, DPMI_ERR_VALUE);
		if (!sel)
			return dpmi_fail(r, DPMI_ERR_DESCRIPTOR);
		dpmi_set16(&r->eax, sel);
		return dpmi_ok(r);
	}
	case 0x0001: /* free */
		if (!dpmi_sel_owned(h, c, bx))
			return dpmi_fail(r, DPMI_ERR_SELECTOR);
		for (unsigned k = 0; k < c->nseg_sel; k++)
			if (c->seg_sel[k].sel == (bx | 7))
				c->seg_sel[k] = c->seg_sel[--c->nseg_sel];
		dpmi_ldt_free(h, bx);
		return dpmi_ok(r);
	case 0x0002: { /* segment to descriptor: one per segment, 64 KiB data */
		for (unsigned k = 0; k < c->nseg_sel; k++)
			if (c->seg_sel[k].seg == bx) {
				dpmi_set16(&r->eax, c->seg_sel[k].sel);
				return dpmi_ok(r);
			}
		uint16_t sel = c->nseg_sel < 32 ? dpmi_ldt_alloc(h, c, 1) : 0;
		if (!sel)
			return dpmi_fail(r, DPMI_ERR_DESCRIPTOR);
		dpmi_ldt_set(h, sel, (uint32_t)bx << 4, 0xFFFF, false, false);
		c->seg_sel[c->nseg_sel].seg = bx;
		c->seg_sel[c->nseg_sel++].sel = sel;
		dpmi_set16(&r->eax, sel);
		return dpmi_ok(r);
	}
	case 0x0003: /* selector increment */
		dpmi_set16(&r->eax, 8);
		return dpmi_ok(r);
	case 0x0004: /* lock / unlock selector (undocumented in 0.9): nothing to do */
	case 0x0005:
		return dpmi_ok(r);
	default:
		break;
	}
	/* The rest take a selector the client owns in BX. */
	if (ax != 0x000D && (!dpmi_sel_owned(h, c, bx) || !dpmi_desc_read(h, bx, &lo, &hi)))
		return dpmi_fail(r, DPMI_ERR_SELECTOR);
	switch (ax) {
	case 0x0006: { /* base */
		uint32_t base = dpmi_desc_base(lo, hi);
		dpmi_set16(&r->ecx, (uint16_t)(base >> 16));
		dpmi_set16(&r->edx, (uint16_t)base);
		return dpmi_ok(r);
	}
	case 0x0007:
		set_base(&lo, &hi, cx_dx(r));
		desc_write(h, bx, lo, hi);
		return dpmi_ok(r);
	case 0x0008: { /* limit: above 1 MiB a multiple of 4 KiB - 1 */
		uint32_t limit = cx_dx(r);
		if (limit > 0xFFFFF && (limit & 0xFFF) != 0xFFF)
			return dpmi_fail(r, DPMI_ERR_VALUE);
		set_limit(&lo, &hi, limit);
		desc_write(h, bx, lo, hi);
		return dpmi_ok(r);
	}
	case 0x0009: { /* access rights: CL byte 5, CH byte 6's G D 0 AVL */
		uint8_t cl = (uint8_t)r->ecx, ch = (uint8_t)(r->ecx >> 8);
		if (!rights_ok(cl, ch))
			return dpmi_fail(r, DPMI_ERR_VALUE);
		hi = (hi & 0xFF0F00FFu) | (uint32_t)cl << 8 | (uint32_t)(ch & 0xF0) << 16;
		desc_write(h, bx, lo, hi);
		return dpmi_ok(r);
	}
	case 0x000A: { /* a data alias of a code (or data) segment */
		uint16_t sel = dpmi_ldt_alloc(h, c, 1);
		if (!sel)
			return dpmi_fail(r, DPMI_ERR_DESCRIPTOR);
		hi = (hi & 0xFFFF00FFu) | 0xF200u;
		desc_write(h, sel, lo, hi);
		dpmi_set16(&r->eax, sel);
		return dpmi_ok(r);
	}
	case 0x000B: { /* copy the descriptor to ES:(E)DI */
		uint32_t at = es_di(h, c, r);
		dpmi_wr32(h, at, lo);
		dpmi_wr32(h, at + 4, hi);
		return dpmi_ok(r);
	}
	case 0x000C: { /* set it from ES:(E)DI */
		uint32_t at = es_di(h, c, r);
		uint32_t nlo = dpmi_rd32(h, at), nhi = dpmi_rd32(h, at + 4);
		if (!rights_ok((uint8_t)(nhi >> 8), (uint8_t)(nhi >> 16)))
			return dpmi_fail(r, DPMI_ERR_VALUE);
		desc_write(h, bx, nlo, nhi);
		return dpmi_ok(r);
	}
	case 0x000D: /* a specific descriptor of the reserved 1-15 */
		if (!(bx & 4) || (bx >> 3) == 0 || (bx >> 3) >= DPMI_LDT_RESERVED)
			return dpmi_fail(r, DPMI_ERR_SELECTOR);
		if (h->ldt_owner[bx >> 3])
			return dpmi_fail(r, DPMI_ERR_DESCRIPTOR);
		h->ldt_owner[bx >> 3] = (uint8_t)(c->slot + 1);
		dpmi_ldt_set(h, bx, 0, 0, false, c->is32);
		return dpmi_ok(r);
	default:
		return dpmi_fail(r, DPMI_ERR_UNSUPPORTED);
	}
}
