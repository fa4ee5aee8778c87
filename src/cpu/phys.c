/*
 * phys.c - the physical memory map: which 4 KiB pages of the physical
 * address space are host memory (read, or read and write) and which go to
 * the bus callbacks, and each mapped page's write generation.
 *
 * The map has two levels: 1024 chunks of 4 MiB, each allocated on the
 * first cpu_map_ram() that touches it (a VM with 16 MiB of RAM has five).
 * A chunk is never freed before cpu_destroy(), so pointers to its write
 * generations stay valid (the TLB and the block cache keep them).
 */
#include <errno.h>
#include <stdlib.h>

#include "cpu/cpu_internal.h"

enum { PCHUNK_PAGES = 1u << (CPU_PCHUNK_SHIFT - CPU_PAGE_SHIFT) };

static struct cpu_pchunk *chunk_of(const struct cpu *c, uint32_t phys)
{
	return c->in.pmap[phys >> CPU_PCHUNK_SHIFT];
}

int cpu_map_ram(struct cpu *c, uint32_t base, uint32_t size, uint8_t *host, bool writable)
{
	if ((base | size) & (CPU_PAGE_SIZE - 1) || (uint64_t)base + size > 0x100000000ull)
		return -EINVAL;
	/* Allocate every chunk first: a failure changes nothing. */
	for (uint64_t a = base; a < (uint64_t)base + size; a = (a | ((1u << CPU_PCHUNK_SHIFT) - 1)) + 1) {
		unsigned k = (unsigned)(a >> CPU_PCHUNK_SHIFT);
		if (!c->in.pmap[k] && host) {
			c->in.pmap[k] = calloc(1, sizeof(struct cpu_pchunk));
			if (!c->in.pmap[k])
				return -ENOMEM;
		}
	}
	for (uint32_t k = 0; k < size >> CPU_PAGE_SHIFT; k++) {
		uint32_t phys = base + k * CPU_PAGE_SIZE;
		struct cpu_pchunk *ch = chunk_of(c, phys);
		if (!ch)
			continue; /* unmapping a page that was never mapped */
		unsigned p = (phys >> CPU_PAGE_SHIFT) & (PCHUNK_PAGES - 1);
		uint8_t *h = host ? host + (size_t)k * CPU_PAGE_SIZE : NULL;
		ch->rd[p] = h;
		ch->wr[p] = writable ? h : NULL;
		ch->gen[p]++;
	}
	tlb_flush(c);
	return 0;
}

uint8_t *phys_host(const struct cpu *c, uint32_t phys, bool write)
{
	const struct cpu_pchunk *ch = chunk_of(c, phys);
	if (!ch)
		return NULL;
	unsigned p = (phys >> CPU_PAGE_SHIFT) & (PCHUNK_PAGES - 1);
	uint8_t *h = write ? ch->wr[p] : ch->rd[p];
	return h ? h + (phys & (CPU_PAGE_SIZE - 1)) : NULL;
}

uint32_t *phys_gen(const struct cpu *c, uint32_t phys)
{
	struct cpu_pchunk *ch = chunk_of(c, phys);
	return ch ? &ch->gen[(phys >> CPU_PAGE_SHIFT) & (PCHUNK_PAGES - 1)] : NULL;
}

void cpu_invalidate_code(struct cpu *c)
{
	for (unsigned k = 0; k < CPU_PCHUNKS; k++) {
		struct cpu_pchunk *ch = c->in.pmap[k];
		if (ch)
			for (unsigned p = 0; p < PCHUNK_PAGES; p++)
				ch->gen[p]++;
	}
}

void cpu_mem_written(struct cpu *c, uint32_t phys, uint32_t size)
{
	if (size == 0)
		return;
	uint64_t last = ((uint64_t)phys + size - 1) >> CPU_PAGE_SHIFT;
	for (uint64_t page = phys >> CPU_PAGE_SHIFT; page <= last && page < (1ull << 20); page++) {
		uint32_t *g = phys_gen(c, (uint32_t)(page << CPU_PAGE_SHIFT));
		if (g)
			(*g)++;
	}
}

void phys_free(struct cpu *c)
{
	for (unsigned k = 0; k < CPU_PCHUNKS; k++) {
		free(c->in.pmap[k]);
		c->in.pmap[k] = NULL;
	}
}
