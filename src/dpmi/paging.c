/*
 * paging.c - the host's page tables. Clients run with paging on: the
 * first 1 MiB + 64 KiB is mapped to itself (DOS memory, video memory, the
 * ROM, the HMA: what real mode sees), the host area to itself at
 * supervisor level (so a client cannot reach the host's GDT, IDT, LDT and
 * stubs even through a descriptor of its own) but for its ring-3 stubs
 * (user, read-only) and the clients' locked stacks (user); memory blocks
 * (0501h) get linear addresses from 256 MiB up (DPMI_LIN_BASE), page by
 * page backed by extended memory from the allocator wherever it has some,
 * so a block can grow (0503h) without being contiguous, and moving it
 * (when the next linear pages are taken) changes page table entries, not
 * memory. Linear space is given first fit, so freed blocks' addresses
 * are used again. 0800h maps physical memory (a linear frame buffer) the same way.
 * Everything else is not present: a stray access is a page fault in the
 * client. Page tables and the directory are pages from the allocator too.
 * The host reads and writes clients' memory through these tables
 * (dpmi_lin_phys), also while the CPU runs real mode with paging off.
 * Source: Intel 80386 PRM 5.2 (two-level paging, U/S and R/W), 6.4 (page
 * protection: supervisor accesses ignore R/W on the 386).
 */
#include <stdlib.h>

#include "dpmi/dpmi.h"

enum { PTE_P = 1, PTE_W = 2, PTE_U = 4 };

static int write32p(struct dpmi_host *h, uint32_t phys, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	return vdd_phys_write(h->vm, phys, b, 4);
}

static uint32_t read32p(struct dpmi_host *h, uint32_t phys)
{
	uint8_t b[4] = { 0, 0, 0, 0 };
	(void)vdd_phys_read(h->vm, phys, b, 4);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* The page table of directory entry d, made (zeroed: the allocator's
 * pages read as zero) when `make`. Its physical address, or 0. */
static uint32_t table(struct dpmi_host *h, unsigned d, bool make)
{
	if (h->pt[d] || !make)
		return h->pt[d];
	uint32_t phys;
	if (vdd_xmem_alloc(h->vm, 1, &phys) < 0)
		return 0;
	uint8_t zero[4096] = { 0 };
	(void)vdd_phys_write(h->vm, phys, zero, sizeof(zero));
	h->pt[d] = phys;
	(void)write32p(h, h->pd + 4 * d, phys | PTE_P | PTE_W | PTE_U);
	return phys;
}

int dpmi_map(struct dpmi_host *h, uint32_t lin, uint32_t phys, uint32_t pages, unsigned flags)
{
	for (uint32_t k = 0; k < pages; k++, lin += 4096, phys += 4096) {
		uint32_t t = table(h, lin >> 22, true);
		if (!t)
			return -1;
		(void)write32p(h, t + 4 * ((lin >> 12) & 0x3FF), (phys & ~0xFFFu) | flags | PTE_P);
	}
	h->tlb_stale = true;
	return 0;
}

void dpmi_unmap(struct dpmi_host *h, uint32_t lin, uint32_t pages)
{
	for (uint32_t k = 0; k < pages; k++, lin += 4096) {
		uint32_t t = table(h, lin >> 22, false);
		if (t)
			(void)write32p(h, t + 4 * ((lin >> 12) & 0x3FF), 0);
	}
	h->tlb_stale = true;
}

bool dpmi_lin_phys(struct dpmi_host *h, uint32_t lin, uint32_t *phys)
{
	if (!h->pd || lin < 0x110000) {
		*phys = lin;
		return true;
	}
	uint32_t t = h->pt[lin >> 22];
	uint32_t pte = t ? read32p(h, t + 4 * ((lin >> 12) & 0x3FF)) : 0;
	if (!(pte & PTE_P))
		return false;
	*phys = (pte & ~0xFFFu) | (lin & 0xFFF);
	return true;
}

int dpmi_paging_init(struct dpmi_host *h)
{
	h->pt = calloc(1024, sizeof(*h->pt));
	if (!h->pt || vdd_xmem_alloc(h->vm, 1, &h->pd) < 0)
		return -1;
	uint8_t zero[4096] = { 0 };
	(void)vdd_phys_write(h->vm, h->pd, zero, sizeof(zero));
	const uint32_t a = h->area;
	if (dpmi_map(h, 0, 0, 0x110, PTE_W | PTE_U) < 0 || dpmi_map(h, a, a, DPMI_STUB3 / 4096, PTE_W) < 0 ||
	    dpmi_map(h, a + DPMI_STUB3, a + DPMI_STUB3, (DPMI_LPMS - DPMI_STUB3) / 4096, PTE_U) < 0 ||
	    dpmi_map(h, a + DPMI_LPMS, a + DPMI_LPMS, (DPMI_LDT - DPMI_LPMS) / 4096, PTE_W | PTE_U) < 0 ||
	    dpmi_map(h, a + DPMI_LDT, a + DPMI_LDT, (DPMI_AREA_SIZE - DPMI_LDT) / 4096, PTE_W) < 0)
		return -1;
	return 0;
}

/* Whether [lin, lin + n pages) meets [a, a + m pages). */
static bool overlap(uint32_t lin, uint32_t n, uint32_t a, uint32_t m)
{
	return (uint64_t)lin < (uint64_t)a + 4096ull * m && (uint64_t)a < (uint64_t)lin + 4096ull * n;
}

bool dpmi_lin_free(struct dpmi_host *h, uint32_t lin, uint32_t pages, const struct dpmi_block *self)
{
	uint64_t n = (uint64_t)pages + DPMI_LIN_GUARD;
	if (lin < DPMI_LIN_BASE || (uint64_t)lin + 4096 * n > VDD_HIGH_MEMORY_BASE)
		return false;
	for (unsigned c = 0; c < h->nclients; c++)
		for (unsigned k = 0; k < h->clients[c]->nblocks; k++) {
			const struct dpmi_block *b = &h->clients[c]->blocks[k];
			if (b != self && overlap(lin, (uint32_t)n, b->lin, b->pages + DPMI_LIN_GUARD))
				return false;
		}
	for (unsigned k = 0; k < 16; k++)
		if (h->maps[k].pages && overlap(lin, (uint32_t)n, h->maps[k].lin, h->maps[k].pages))
			return false;
	return true;
}

/* First fit: at the base or right after a block or mapping. */
uint32_t dpmi_lin_alloc(struct dpmi_host *h, uint32_t pages)
{
	uint32_t best = 0;
	if (dpmi_lin_free(h, DPMI_LIN_BASE, pages, NULL))
		return DPMI_LIN_BASE;
	for (unsigned c = 0; c < h->nclients; c++)
		for (unsigned k = 0; k < h->clients[c]->nblocks; k++) {
			const struct dpmi_block *b = &h->clients[c]->blocks[k];
			uint64_t at = (uint64_t)b->lin + 4096ull * (b->pages + DPMI_LIN_GUARD);
			if (at < VDD_HIGH_MEMORY_BASE && (!best || at < best) && dpmi_lin_free(h, (uint32_t)at, pages, NULL))
				best = (uint32_t)at;
		}
	for (unsigned k = 0; k < 16; k++) {
		uint64_t at = (uint64_t)h->maps[k].lin + 4096ull * h->maps[k].pages;
		if (h->maps[k].pages && at < VDD_HIGH_MEMORY_BASE && (!best || at < best) &&
		    dpmi_lin_free(h, (uint32_t)at, pages, NULL))
			best = (uint32_t)at;
	}
	return best;
}

/* Back pages [from, to) of block b with extended memory, in runs as large
 * as the allocator has. 0, or -1 with those pages unbacked again. */
int dpmi_block_back(struct dpmi_host *h, struct dpmi_block *b, uint32_t from, uint32_t to)
{
	uint32_t k = from;
	while (k < to) {
		uint32_t want = to - k, free_pages, largest, phys;
		vdd_xmem_query(h->vm, &free_pages, &largest);
		if (want > largest)
			want = largest;
		if (!want || vdd_xmem_alloc(h->vm, want, &phys) < 0)
			goto undo;
		for (uint32_t j = 0; j < want; j++)
			b->phys[k + j] = phys + 4096 * j;
		if (dpmi_map(h, b->lin + 4096 * k, phys, want, PTE_W | PTE_U) < 0) {
			(void)vdd_xmem_free(h->vm, phys, want);
			goto undo;
		}
		k += want;
	}
	return 0;
undo:
	dpmi_block_unback(h, b, from, k);
	return -1;
}

void dpmi_block_unback(struct dpmi_host *h, struct dpmi_block *b, uint32_t from, uint32_t to)
{
	dpmi_unmap(h, b->lin + 4096 * from, to - from);
	for (uint32_t k = from; k < to; k++)
		(void)vdd_xmem_free(h->vm, b->phys[k], 1);
}
