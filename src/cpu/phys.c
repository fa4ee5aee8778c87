/*
 * phys.c - the physical memory map: which 4 KiB pages of the physical
 * address space are host memory (read, or read and write) and which go to
 * the bus callbacks, and for each page the block cache's record of the
 * code decoded from it.
 *
 * The map has two levels: 1024 chunks of 4 MiB, each taken on the first
 * cpu_map_ram() that touches it (a VM with 16 MiB of RAM has five, and
 * one for the ROM's alias under 4 GiB). A chunk is never given back
 * before cpu_destroy(). The chunks are page-aligned slots of one anonymous
 * mapping, reserved at the first cpu_map_ram(): its pages are zero and cost
 * nothing until touched, so a chunk costs the pages its entries fill
 * (calloc'd chunks were zeroed whole, 24 KiB each, about 36 page faults
 * for a VM). A chunk that one cpu_map_ram() maps whole to RAM keeps only
 * the start of its host range, in struct cpu (uniform), and fills no
 * entries (the 12 MiB of extended memory above 4 MiB: not written); a
 * later call that maps part of it writes its entries out first. A page's
 * read and write pointers lie side by side, so a run of pages fills one
 * run of the chunk (a VM's set-up: 6 pages of the mapping where separate
 * arrays, and chunk headers, took 15 faults: docs/cpu-speed.md, "Session
 * 13").
 */
#include <errno.h>
#include <sys/mman.h>

#include "cpu/block_cache.h"

enum { PCHUNK_PAGES = 1u << (CPU_PCHUNK_SHIFT - CPU_PAGE_SHIFT) };

_Static_assert(sizeof(struct cpu_pchunk) % CPU_PAGE_SIZE == 0, "chunks are page-aligned slots");

static struct cpu_pmap *pmap_of(struct cpu *c, uint32_t phys)
{
	return &c->in.pmap[phys >> CPU_PCHUNK_SHIFT];
}

/* A uniform chunk's entries written out: it can now change page by page. */
static void unpack(struct cpu_pmap *m)
{
	struct cpu_pchunk *ch = m->chunk;
	for (unsigned p = 0; p < PCHUNK_PAGES; p++) {
		ch->page[p].rd = m->uniform + (size_t)p * CPU_PAGE_SIZE;
		ch->page[p].wr = m->uniform_writable ? ch->page[p].rd : NULL;
	}
	m->uniform = NULL;
}

/* Other bytes now at phys: code decoded from the old ones goes. (No block
 * cache yet, no code: its slots are not even read, which would fault in
 * their pages.) */
static void drop_code(struct cpu *c, struct cpu_pchunk *ch, uint32_t phys)
{
	if (c->in.bcache && ch->code[(phys >> CPU_PAGE_SHIFT) & (PCHUNK_PAGES - 1)])
		bc_code_remap(c, phys);
}

int cpu_map_ram(struct cpu *c, uint32_t base, uint32_t size, uint8_t *host, bool writable)
{
	if ((base | size) & (CPU_PAGE_SIZE - 1) || (uint64_t)base + size > 0x100000000ull)
		return -EINVAL;
	/* Allocate every chunk first: a failure changes nothing. */
	for (uint64_t a = base; a < (uint64_t)base + size; a = (a | ((1u << CPU_PCHUNK_SHIFT) - 1)) + 1) {
		unsigned k = (unsigned)(a >> CPU_PCHUNK_SHIFT);
		if (!host)
			continue;
		if (!c->in.pchunks) {
			void *m = mmap(NULL, (size_t)CPU_PCHUNKS * sizeof(struct cpu_pchunk), PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
			if (m == MAP_FAILED)
				return -ENOMEM;
			c->in.pchunks = m;
		}
		/* Chunk k is always slot k: written without being read first
		 * (a read of the still untouched page of pmap[] would map the
		 * zero page, and this write fault again). */
		c->in.pmap[k].chunk = &c->in.pchunks[k];
	}
	/* Chunk by chunk: a whole one to one host range is uniform, else its
	 * pages in the range are written in one run. */
	for (uint64_t a = base, end = (uint64_t)base + size; a < end;) {
		uint64_t next = (a | ((1u << CPU_PCHUNK_SHIFT) - 1)) + 1;
		if (next > end)
			next = end;
		struct cpu_pmap *m = pmap_of(c, (uint32_t)a);
		struct cpu_pchunk *ch = m->chunk;
		const uint32_t chunk_base = (uint32_t)a & ~((1u << CPU_PCHUNK_SHIFT) - 1);
		uint8_t *h = host ? host + (a - base) : NULL;
		unsigned p0 = (unsigned)(a >> CPU_PAGE_SHIFT) & (PCHUNK_PAGES - 1);
		unsigned p1 = p0 + (unsigned)((next - a) >> CPU_PAGE_SHIFT);
		a = next;
		if (!ch)
			continue; /* unmapping pages that were never mapped */
		for (unsigned p = p0; p < p1 && c->in.bcache; p++)
			drop_code(c, ch, chunk_base + p * CPU_PAGE_SIZE);
		if (h && p0 == 0 && p1 == PCHUNK_PAGES) {
			m->uniform = h;
			m->uniform_writable = writable;
			continue;
		}
		if (m->uniform)
			unpack(m);
		for (unsigned p = p0; p < p1; p++, h = h ? h + CPU_PAGE_SIZE : NULL) {
			ch->page[p].rd = h;
			ch->page[p].wr = writable ? h : NULL;
		}
	}
	tlb_flush(c);
	return 0;
}

struct bc_page **phys_code_slot(const struct cpu *c, uint32_t phys)
{
	struct cpu_pchunk *ch = c->in.pmap[phys >> CPU_PCHUNK_SHIFT].chunk;
	return ch ? &ch->code[(phys >> CPU_PAGE_SHIFT) & (PCHUNK_PAGES - 1)] : NULL;
}

void cpu_invalidate_code(struct cpu *c)
{
	bc_clear(c, c->in.bcache);
}

void cpu_mem_written(struct cpu *c, uint32_t phys, uint32_t size)
{
	if (!c->in.bcache)
		return; /* no code decoded yet (its slots not read: drop_code()) */
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
