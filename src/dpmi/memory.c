/*
 * memory.c - memory for clients: DOS memory (0100h-0102h, through the
 * DOS allocator in real mode, with selectors for the block), memory
 * blocks (0500h-0503h) from the monitor's extended memory allocator, so
 * XMS, EMS, INT 15h and DPMI never give the same page twice, at most
 * DPMI_MEMORY_LIMIT in all; page locking (0600h-0603h) and demand paging
 * (0702h/0703h) with nothing to do (no virtual memory), the page size
 * (0604h), physical address mapping (0800h/0801h). Blocks are linear
 * pages backed by physical pages wherever the allocator has them
 * (paging.c): 0503h grows a block in place when it is the last one made,
 * else maps its pages at a new address (returned, as the specification
 * allows) without copying; 0800h maps a frame buffer at its own address.
 * Source: DPMI 0.9 specification, "DOS Memory Management Services",
 * "Memory Management Services" (the 0500h structure), "Page Locking
 * Services", "Physical Address Mapping"; RBIL INT 31h/0100h-0801h.
 */
#include <stdlib.h>

#include "dpmi/dpmi.h"

/* ---- DOS memory ---- */

/* Selectors for a DOS block of `paras` at seg: a 16-bit client gets one
 * per 64 KiB (consecutive), a 32-bit one a single selector for all. */
static unsigned dos_selectors(const struct dpmi_client *c, uint32_t paras)
{
	return c->is32 ? 1 : (paras + 0xFFF) / 0x1000;
}

static void dos_set(struct dpmi_host *h, const struct dpmi_client *c, uint16_t sel, uint16_t seg, uint32_t paras)
{
	unsigned n = dos_selectors(c, paras);
	for (unsigned k = 0; k < n; k++) {
		uint32_t left = paras * 16 - k * 0x10000u;
		uint32_t limit = c->is32 ? paras * 16 - 1 : (left > 0x10000 ? 0xFFFF : left - 1);
		dpmi_ldt_set(h, (uint16_t)(sel + 8 * k), ((uint32_t)seg << 4) + k * 0x10000u, limit, false, false);
	}
}

int dpmi_dosmem(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r)
{
	uint16_t ax = (uint16_t)r->eax, bx = (uint16_t)r->ebx, dx = (uint16_t)r->edx;
	struct vm16_regs rm = *r;
	uint32_t arg = ax, arg2 = 0;
	uint32_t lo, hi;
	if (ax == 0x0100) {
		unsigned n = dos_selectors(c, bx ? bx : 1);
		uint16_t sel = dpmi_ldt_alloc(h, c, n);
		if (!sel) {
			dpmi_set16(&r->ebx, 0);
			dpmi_fail(r, DPMI_ERR_DESCRIPTOR);
			return dpmi_resume(h, r);
		}
		arg |= (uint32_t)sel << 16;
		arg2 = n;
		rm.eax = 0x4800;
	} else {
		if (!dpmi_sel_owned(h, c, dx) || !dpmi_desc_read(h, dx, &lo, &hi)) {
			dpmi_fail(r, DPMI_ERR_SELECTOR);
			return dpmi_resume(h, r);
		}
		uint32_t base = dpmi_desc_base(lo, hi);
		rm.es = (uint16_t)(base >> 4);
		rm.eax = ax == 0x0101 ? 0x4900 : 0x4A00;
		arg |= (uint32_t)dx << 16;
		uint32_t limit = dpmi_desc_limit(lo, hi);
		arg2 = dos_selectors(c, (limit + 16) / 16);
		if (ax == 0x0102 && dos_selectors(c, bx) > arg2) {
			/* More selectors than the block has: not in place. */
			dpmi_fail(r, DPMI_ERR_DESCRIPTOR);
			return dpmi_resume(h, r);
		}
	}
	uint32_t ivt = dpmi_rd32(h, 0x21 * 4);
	rm.cs = (uint16_t)(ivt >> 16);
	rm.eip = ivt & 0xFFFF;
	rm.ds = c->priv_seg;
	rm.fs = rm.gs = 0;
	struct dpmi_frame *f = dpmi_to_real(h, c, DPMI_FRAME_DOSMEM, r, &rm, false, true, 0);
	if (!f)
		return 1;
	f->arg = arg;
	f->arg2 = arg2;
	return 0;
}

void dpmi_dosmem_done(struct dpmi_host *h, struct dpmi_frame *f, const struct vm16_regs *rm, struct vm16_regs *pm)
{
	struct dpmi_client *c = h->clients[f->client];
	uint16_t fn = (uint16_t)f->arg, sel = (uint16_t)(f->arg >> 16);
	unsigned n = f->arg2;
	bool failed = rm->eflags & 1;
	if (failed) {
		if (fn == 0x0100)
			for (unsigned k = 0; k < n; k++)
				dpmi_ldt_free(h, (uint16_t)(sel + 8 * k));
		dpmi_set16(&pm->ebx, (uint16_t)rm->ebx);
		dpmi_fail(pm, (uint16_t)rm->eax);
		return;
	}
	if (fn == 0x0100) {
		dos_set(h, c, sel, (uint16_t)rm->eax, (uint16_t)pm->ebx ? (uint16_t)pm->ebx : 1);
		dpmi_set16(&pm->eax, (uint16_t)rm->eax);
		dpmi_set16(&pm->edx, sel);
	} else if (fn == 0x0101) {
		for (unsigned k = 0; k < n; k++)
			if (dpmi_sel_owned(h, c, (uint16_t)(sel + 8 * k)))
				dpmi_ldt_free(h, (uint16_t)(sel + 8 * k));
	} else {
		uint32_t lo, hi;
		if (dpmi_desc_read(h, sel, &lo, &hi))
			dos_set(h, c, sel, (uint16_t)(dpmi_desc_base(lo, hi) >> 4), (uint16_t)pm->ebx);
	}
	dpmi_ok(pm);
}

/* ---- memory blocks ---- */

static struct dpmi_block *find_block(struct dpmi_client *c, uint32_t handle)
{
	for (unsigned k = 0; k < c->nblocks; k++)
		if (c->blocks[k].handle == handle)
			return &c->blocks[k];
	return NULL;
}

void dpmi_free_blocks(struct dpmi_host *h, struct dpmi_client *c)
{
	for (unsigned k = 0; k < c->nblocks; k++) {
		dpmi_block_unback(h, &c->blocks[k], 0, c->blocks[k].pages);
		h->used_pages -= c->blocks[k].pages;
		free(c->blocks[k].phys);
	}
	c->nblocks = 0;
}

static uint32_t bx_cx(const struct vm16_regs *r)
{
	return (r->ebx & 0xFFFF) << 16 | (r->ecx & 0xFFFF);
}

static uint32_t si_di(const struct vm16_regs *r)
{
	return (r->esi & 0xFFFF) << 16 | (r->edi & 0xFFFF);
}

static void set_bx_cx(struct vm16_regs *r, uint32_t v)
{
	dpmi_set16(&r->ebx, (uint16_t)(v >> 16));
	dpmi_set16(&r->ecx, (uint16_t)v);
}

static void set_si_di(struct vm16_regs *r, uint32_t v)
{
	dpmi_set16(&r->esi, (uint16_t)(v >> 16));
	dpmi_set16(&r->edi, (uint16_t)v);
}

/* Pages a client may still get: the allocator's (anywhere: blocks need
 * not be contiguous) within the limit. */
static uint32_t available(struct dpmi_host *h)
{
	uint32_t free_pages, big;
	vdd_xmem_query(h->vm, &free_pages, &big);
	uint32_t left = h->limit_pages > h->used_pages ? h->limit_pages - h->used_pages : 0;
	return free_pages < left ? free_pages : left;
}

static void mem_info(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r)
{
	uint32_t total = available(h), largest = total;
	uint32_t at = dpmi_lin(h, r->es, c->is32 ? r->edi : (r->edi & 0xFFFF));
	const uint32_t info[12] = {
		largest * 4096, largest, largest, h->limit_pages, total, total, h->limit_pages, total,
		0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu,
	};
	for (unsigned k = 0; k < 12; k++)
		dpmi_wr32(h, at + 4 * k, info[k]);
	dpmi_ok(r);
}

static void mem_alloc(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r)
{
	uint32_t bytes = bx_cx(r), pages = (uint32_t)(((uint64_t)bytes + 4095) / 4096);
	if (!bytes)
		return dpmi_fail(r, DPMI_ERR_VALUE);
	uint32_t total = available(h);
	if (pages > total)
		return dpmi_fail(r, DPMI_ERR_PHYSICAL);
	if (c->nblocks == c->capblocks) {
		unsigned cap = c->capblocks ? 2 * c->capblocks : 8;
		struct dpmi_block *b = realloc(c->blocks, cap * sizeof(*b));
		if (!b)
			return dpmi_fail(r, DPMI_ERR_HANDLE);
		c->blocks = b;
		c->capblocks = cap;
	}
	struct dpmi_block b = { .pages = pages, .cap = pages, .lin = dpmi_lin_alloc(h, pages) };
	if (!b.lin)
		return dpmi_fail(r, DPMI_ERR_LINEAR);
	b.phys = calloc(pages, sizeof(*b.phys));
	if (!b.phys)
		return dpmi_fail(r, DPMI_ERR_PHYSICAL);
	if (dpmi_block_back(h, &b, 0, pages) < 0) {
		free(b.phys);
		return dpmi_fail(r, DPMI_ERR_PHYSICAL);
	}
	b.handle = ++h->next_handle;
	if (!b.handle)
		b.handle = ++h->next_handle;
	c->blocks[c->nblocks++] = b;
	h->used_pages += pages;
	set_bx_cx(r, b.lin);
	set_si_di(r, b.handle);
	dpmi_ok(r);
}

static void mem_free(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r)
{
	struct dpmi_block *b = find_block(c, si_di(r));
	if (!b)
		return dpmi_fail(r, DPMI_ERR_BAD_HANDLE);
	dpmi_block_unback(h, b, 0, b->pages);
	h->used_pages -= b->pages;
	free(b->phys);
	*b = c->blocks[--c->nblocks];
	dpmi_ok(r);
}

/* 0503h: a block shrinks or grows where it is when the linear pages after
 * it are free; otherwise its pages are mapped
 * at a new linear address (no copying) and the new one is returned. */
static void mem_resize(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r)
{
	struct dpmi_block *b = find_block(c, si_di(r));
	uint32_t bytes = bx_cx(r), pages = (uint32_t)(((uint64_t)bytes + 4095) / 4096);
	if (!b)
		return dpmi_fail(r, DPMI_ERR_BAD_HANDLE);
	if (!bytes)
		return dpmi_fail(r, DPMI_ERR_VALUE);
	uint32_t total = available(h);
	if (pages > b->pages && pages - b->pages > total)
		return dpmi_fail(r, DPMI_ERR_PHYSICAL);
	if (pages < b->pages) {
		dpmi_block_unback(h, b, pages, b->pages);
		h->used_pages -= b->pages - pages;
		b->pages = pages;
	} else if (pages > b->pages) {
		if (pages > b->cap) {
			uint32_t *p = realloc(b->phys, pages * sizeof(*p));
			if (!p)
				return dpmi_fail(r, DPMI_ERR_PHYSICAL);
			b->phys = p;
			b->cap = pages;
		}
		if (!dpmi_lin_free(h, b->lin, pages, b)) {
			uint32_t lin = dpmi_lin_alloc(h, pages);
			if (!lin)
				return dpmi_fail(r, DPMI_ERR_LINEAR);
			for (uint32_t k = 0; k < b->pages; k++)
				if (dpmi_map(h, lin + 4096 * k, b->phys[k], 1, 6 /* W, U */) < 0)
					return dpmi_fail(r, DPMI_ERR_PHYSICAL);
			dpmi_unmap(h, b->lin, b->pages);
			b->lin = lin;
		}
		if (dpmi_block_back(h, b, b->pages, pages) < 0)
			return dpmi_fail(r, DPMI_ERR_PHYSICAL);
		h->used_pages += pages - b->pages;
		b->pages = pages;
	}
	set_bx_cx(r, b->lin);
	set_si_di(r, b->handle);
	dpmi_ok(r);
}

/* 0800h: physical BX:CX, SI:DI bytes, above 1 MiB. Device memory at
 * VDD_HIGH_MEMORY_BASE and up (a linear frame buffer) is mapped at its own
 * address, other memory at new linear pages (0801h frees them). */
static void phys_map(struct dpmi_host *h, struct vm16_regs *r)
{
	uint32_t phys = bx_cx(r), size = si_di(r);
	if (phys < 0x100000 || !size || phys + size - 1 < phys)
		return dpmi_fail(r, DPMI_ERR_VALUE);
	uint32_t first = phys & ~0xFFFu, pages = (uint32_t)(((uint64_t)phys + size - first + 4095) / 4096);
	uint32_t lin = first;
	if (first < VDD_HIGH_MEMORY_BASE) {
		unsigned k = 0;
		while (k < 16 && h->maps[k].pages)
			k++;
		lin = k < 16 ? dpmi_lin_alloc(h, pages) : 0;
		if (!lin)
			return dpmi_fail(r, DPMI_ERR_LINEAR);
		h->maps[k].lin = lin;
		h->maps[k].pages = pages + DPMI_LIN_GUARD;
	}
	if (dpmi_map(h, lin, first, pages, 6 /* W, U */) < 0)
		return dpmi_fail(r, DPMI_ERR_RESOURCE);
	set_bx_cx(r, lin + (phys & 0xFFF));
	dpmi_ok(r);
}

static void phys_unmap(struct dpmi_host *h, struct vm16_regs *r)
{
	uint32_t lin = bx_cx(r) & ~0xFFFu;
	for (unsigned k = 0; k < 16; k++)
		if (h->maps[k].pages && h->maps[k].lin == lin) {
			dpmi_unmap(h, lin, h->maps[k].pages - DPMI_LIN_GUARD);
			h->maps[k].pages = 0;
		}
	dpmi_ok(r);
}

void dpmi_memory_functions(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r)
{
	switch ((uint16_t)r->eax) {
	case 0x0500:
		return mem_info(h, c, r);
	case 0x0501:
		return mem_alloc(h, c, r);
	case 0x0502:
		return mem_free(h, c, r);
	case 0x0503:
		return mem_resize(h, c, r);
	case 0x0600: /* lock, unlock linear regions; real-mode regions: all resident */
	case 0x0601:
	case 0x0602:
	case 0x0603:
	case 0x0702: /* page candidates for discarding: nothing is paged */
	case 0x0703:
		return dpmi_ok(r);
	case 0x0604: /* page size */
		set_bx_cx(r, 4096);
		return dpmi_ok(r);
	case 0x0800:
		return phys_map(h, r);
	case 0x0801:
		return phys_unmap(h, r);
	default:
		return dpmi_fail(r, DPMI_ERR_UNSUPPORTED);
	}
}
