/*
 * phys.c - the physical memory map: which 4 KiB pages of the physical
 * address space are host memory (read, or read and write) and which go to
 * the bus callbacks, and for each page the block cache's record of the
 * code decoded from it.
 *
 * The map has two levels: 1024 chunks of 4 MiB, each taken on the first
 * cpu_map_ram() that touches it (a VM with 16 MiB of RAM has five, and
 * one for the ROM's alias under 4 GiB). A chunk is never given back
 * before cpu_destroy(). The chunks are slots of one anonymous mapping,
 * reserved at the first cpu_map_ram(): its pages are zero and cost nothing
 * until touched, so a chunk costs the pages its entries fill (calloc'd
 * chunks were zeroed whole, 24 KiB each, about 36 page faults for a VM).
 * A chunk that one cpu_map_ram() maps whole to RAM keeps only the start
 * of its host range (uniform) and fills no entries (the 12 MiB of extended
 * memory above 4 MiB: 48 KiB of entries, 12 page faults, not written);
 * a later call that maps part of it writes its entries out first.
 */
#include <errno.h>
#include <sys/mman.h>

#include "cpu/block_cache.h"

enum { PCHUNK_PAGES = 1u << (CPU_PCHUNK_SHIFT - CPU_PAGE_SHIFT) };

static struct cpu_pchunk *chunk_of(const struct cpu *c, uint32_t phys)
{
	return c->in.pmap[phys >> CPU_PCHUNK_SHIFT];
}

/* A uniform chunk's entries written out: it can now change page by page. */
static void unpack(struct cpu_pchunk *ch)
{
	for (unsigned p = 0; p < PCHUNK_PAGES; p++) {
		ch->rd[p] = ch->uniform + (size_t)p * CPU_PAGE_SIZE;
		ch->wr[p] = ch->uniform_writable ? ch->rd[p] : NULL;
	}
	ch->uniform = NULL;
}

/* Other bytes now at phys: code decoded from the old ones goes. (No block
 * cache yet, no code: its slots are not even read, which would fault in
 * their pages.) */
static void drop_code(struct cpu *c, struct cpu_pchunk *ch, uint32_t phys)
{
	if (c->in.bcache && ch->code[(phys >> CPU_PAGE_SHIFT) & (PCHUNK_PAGES - 1)])
		bc_code_write(c, phys, CPU_PAGE_SIZE);
}

int cpu_map_ram(struct cpu *c, uint32_t base, uint32_t size, uint8_t *host, bool writable)
{
	if ((base | size) & (CPU_PAGE_SIZE - 1) || (uint64_t)base + size > 0x100000000ull)
		return -EINVAL;
	/* Allocate every chunk first: a failure changes nothing. */
	for (uint64_t a = base; a < (uint64_t)base + size; a = (a | ((1u << CPU_PCHUNK_SHIFT) - 1)) + 1) {
		unsigned k = (unsigned)(a >> CPU_PCHUNK_SHIFT);
		if (!c->in.pmap[k] && host) {
			if (!c->in.pchunks) {
				void *m = mmap(NULL, (size_t)CPU_PCHUNKS * sizeof(struct cpu_pchunk), PROT_READ | PROT_WRITE,
					       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
				if (m == MAP_FAILED)
					return -ENOMEM;
				c->in.pchunks = m;
			}
			c->in.pmap[k] = &c->in.pchunks[k];
		}
	}
	const uint32_t npages = size >> CPU_PAGE_SHIFT;
	for (uint32_t k = 0; k < npages; k++) {
		uint32_t phys = base + k * CPU_PAGE_SIZE;
		struct cpu_pchunk *ch = chunk_of(c, phys);
		if (!ch)
			continue; /* unmapping a page that was never mapped */
		unsigned p = (phys >> CPU_PAGE_SHIFT) & (PCHUNK_PAGES - 1);
		uint8_t *h = host ? host + (size_t)k * CPU_PAGE_SIZE : NULL;
		if (h && p == 0 && npages - k >= PCHUNK_PAGES) {
			/* The whole chunk, to one host range. */
			for (unsigned q = 0; q < PCHUNK_PAGES; q++)
				drop_code(c, ch, phys + q * CPU_PAGE_SIZE);
			ch->uniform = h;
			ch->uniform_writable = writable;
			k += PCHUNK_PAGES - 1;
			continue;
		}
		if (ch->uniform)
			unpack(ch);
		drop_code(c, ch, phys);
		ch->rd[p] = h;
		ch->wr[p] = writable ? h : NULL;
	}
	tlb_flush(c);
	return 0;
}

uint8_t *phys_host(const struct cpu *c, uint32_t phys, bool write)
{
	const struct cpu_pchunk *ch = chunk_of(c, phys);
	if (!ch)
		return NULL;
	if (ch->uniform)
		return write && !ch->uniform_writable ? NULL : ch->uniform + (phys & ((1u << CPU_PCHUNK_SHIFT) - 1));
	unsigned p = (phys >> CPU_PAGE_SHIFT) & (PCHUNK_PAGES - 1);
	uint8_t *h = write ? ch->wr[p] : ch->rd[p];
	return h ? h + (phys & (CPU_PAGE_SIZE - 1)) : NULL;
}

struct bc_page **phys_code_slot(const struct cpu *c, uint32_t phys)
{
	struct cpu_pchunk *ch = chunk_of(c, phys);
	return ch ? &ch->code[(phys >> CPU_PAGE_SHIFT) & (PCHUNK_PAGES - 1)] : NULL;
}

void cpu_invalidate_code(struct cpu *c)
{
	bc_clear(c, c->in.bcache);
}

void cpu_mem_written(struct cpu *c, uint32_t phys, uint32_t size)
{
	uint64_t a = phys, end = (uint64_t)phys + size;
	while (a < end && a < 0x100000000ull) {
		uint64_t next = (a | (CPU_PAGE_SIZE - 1)) + 1;
		if (next > end)
			next = end;
		struct bc_page **slot = phys_code_slot(c, (uint32_t)a);
		if (slot && *slot)
			bc_code_write(c, (uint32_t)a, (uint32_t)(next - a));
		a = next;
	}
}

void phys_free(struct cpu *c)
{
	if (c->in.pchunks)
		munmap(c->in.pchunks, (size_t)CPU_PCHUNKS * sizeof(struct cpu_pchunk));
	c->in.pchunks = NULL;
	memset(c->in.pmap, 0, sizeof(c->in.pmap));
}
