/*
 * extmem.c - the one allocator of the VM's extended memory: the physical
 * pages from 110000h (above the HMA) to the end of the VM's memory, in
 * 4 KiB pages. XMS blocks, EMS pages and (later) DPMI memory all come from
 * here, so nothing is given twice. Blocks are taken from the top down,
 * which keeps the memory right above the HMA in one piece for programs
 * that use INT 15h/88h's "contiguous KiB from 1 MiB" without a driver.
 * Freed pages go back to the host (madvise), so an idle VM costs only
 * what its programs touched. Contracts in include/mvdm/vdd.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vm/vm_internal.h"

enum { EXT_FIRST_PAGE = 0x110000 >> CPU_PAGE_SHIFT };

static bool has_hma(const struct vm *vm)
{
	return vm->cfg.cpu >= VM16_CPU_80286 && vm->cfg.ext_kb >= 64;
}

int mem_init(struct vm *vm)
{
	struct mem_ext *e = &vm->mem.ext;
	e->first = EXT_FIRST_PAGE;
	e->end = has_hma(vm) ? vm->ram_size >> CPU_PAGE_SHIFT : EXT_FIRST_PAGE;
	e->cap = 16;
	e->free = malloc(e->cap * sizeof(*e->free));
	if (!e->free)
		return vm_fail(vm, -ENOMEM, "out of memory");
	if (e->end > e->first) {
		e->free[0] = (struct mem_run){ e->first, e->end - e->first };
		e->nfree = 1;
		e->free_pages = e->end - e->first;
	}
	return 0;
}

void mem_destroy(struct vm *vm)
{
	free(vm->mem.ext.free);
	vm->mem.ext.free = NULL;
}

/* Room for two more runs (a split, or a free between two runs). */
static int reserve(struct mem_ext *e)
{
	if (e->nfree + 2 <= e->cap)
		return 0;
	struct mem_run *n = realloc(e->free, 2 * e->cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	e->free = n;
	e->cap *= 2;
	return 0;
}

static void remove_run(struct mem_ext *e, unsigned k)
{
	memmove(&e->free[k], &e->free[k + 1], (e->nfree - k - 1) * sizeof(*e->free));
	e->nfree--;
}

/* Take [start, start+len) out of run k, which holds it. */
static void take(struct mem_ext *e, unsigned k, uint32_t start, uint32_t len)
{
	struct mem_run r = e->free[k];
	uint32_t below = start - r.start, above = r.start + r.len - (start + len);
	e->free_pages -= len;
	if (!below && !above) {
		remove_run(e, k);
	} else if (!below) {
		e->free[k] = (struct mem_run){ start + len, above };
	} else if (!above) {
		e->free[k].len = below;
	} else {
		memmove(&e->free[k + 2], &e->free[k + 1], (e->nfree - k - 1) * sizeof(*e->free));
		e->nfree++;
		e->free[k].len = below;
		e->free[k + 1] = (struct mem_run){ start + len, above };
	}
}

int vdd_xmem_alloc(struct vm *vm, uint32_t pages, uint32_t *phys)
{
	struct mem_ext *e = &vm->mem.ext;
	if (pages == 0 || reserve(e) < 0)
		return -ENOMEM;
	for (unsigned k = e->nfree; k-- > 0;) {
		if (e->free[k].len >= pages) {
			uint32_t start = e->free[k].start + e->free[k].len - pages;
			take(e, k, start, pages);
			*phys = start << CPU_PAGE_SHIFT;
			return 0;
		}
	}
	return -ENOMEM;
}

/* Whether [start, start+len) is managed and overlaps no free run. */
static bool allocated(const struct mem_ext *e, uint32_t start, uint32_t len)
{
	if (len == 0 || start < e->first || start > e->end || len > e->end - start)
		return false;
	for (unsigned k = 0; k < e->nfree; k++)
		if (start < e->free[k].start + e->free[k].len && e->free[k].start < start + len)
			return false;
	return true;
}

static void give_back(struct vm *vm, uint32_t start, uint32_t len)
{
	/* The pages read as zero next time and cost nothing until then. */
	(void)madvise(vm->ram + ((size_t)start << CPU_PAGE_SHIFT), (size_t)len << CPU_PAGE_SHIFT, MADV_DONTNEED);
	vm_phys_written(vm, start << CPU_PAGE_SHIFT, len << CPU_PAGE_SHIFT);
}

int vdd_xmem_free(struct vm *vm, uint32_t phys, uint32_t pages)
{
	struct mem_ext *e = &vm->mem.ext;
	uint32_t start = phys >> CPU_PAGE_SHIFT;
	if ((phys & (CPU_PAGE_SIZE - 1)) || !allocated(e, start, pages))
		return -EINVAL;
	if (reserve(e) < 0)
		return -ENOMEM;
	give_back(vm, start, pages);
	unsigned k = 0;
	while (k < e->nfree && e->free[k].start < start)
		k++;
	bool join_prev = k > 0 && e->free[k - 1].start + e->free[k - 1].len == start;
	bool join_next = k < e->nfree && start + pages == e->free[k].start;
	if (join_prev && join_next) {
		e->free[k - 1].len += pages + e->free[k].len;
		remove_run(e, k);
	} else if (join_prev) {
		e->free[k - 1].len += pages;
	} else if (join_next) {
		e->free[k].start = start;
		e->free[k].len += pages;
	} else {
		memmove(&e->free[k + 1], &e->free[k], (e->nfree - k) * sizeof(*e->free));
		e->free[k] = (struct mem_run){ start, pages };
		e->nfree++;
	}
	e->free_pages += pages;
	return 0;
}

int vdd_xmem_resize(struct vm *vm, uint32_t *phys, uint32_t pages, uint32_t new_pages, bool may_move)
{
	struct mem_ext *e = &vm->mem.ext;
	uint32_t start = *phys >> CPU_PAGE_SHIFT;
	if (new_pages == 0 || !allocated(e, start, pages))
		return -EINVAL;
	if (new_pages <= pages)
		return new_pages == pages ? 0 : vdd_xmem_free(vm, *phys + (new_pages << CPU_PAGE_SHIFT), pages - new_pages);
	if (reserve(e) < 0)
		return -ENOMEM;
	uint32_t more = new_pages - pages;
	for (unsigned k = 0; k < e->nfree; k++) {
		if (e->free[k].start == start + pages && e->free[k].len >= more) {
			take(e, k, start + pages, more);
			return 0;
		}
	}
	uint32_t moved;
	if (!may_move || vdd_xmem_alloc(vm, new_pages, &moved) < 0)
		return -ENOMEM;
	memcpy(vm->ram + moved, vm->ram + *phys, (size_t)pages << CPU_PAGE_SHIFT);
	vm_phys_written(vm, moved, pages << CPU_PAGE_SHIFT);
	(void)vdd_xmem_free(vm, *phys, pages);
	*phys = moved;
	return 0;
}

void vdd_xmem_query(const struct vm *vm, uint32_t *free_pages, uint32_t *largest_pages)
{
	const struct mem_ext *e = &vm->mem.ext;
	uint32_t largest = 0;
	for (unsigned k = 0; k < e->nfree; k++)
		if (e->free[k].len > largest)
			largest = e->free[k].len;
	*free_pages = e->free_pages;
	*largest_pages = largest;
}

void vdd_xmem_claim_int15(struct vm *vm)
{
	vm->mem.ext.int15_claimed = true;
}

uint16_t mem_int15_kb(const struct vm *vm)
{
	const struct mem_ext *e = &vm->mem.ext;
	if (!has_hma(vm) || e->int15_claimed || vm->mem.hma_owner)
		return 0;
	uint32_t kb = 64;
	if (e->nfree && e->free[0].start == e->first)
		kb += e->free[0].len * (CPU_PAGE_SIZE / 1024);
	return (uint16_t)(kb > 0xFFFF ? 0xFFFF : kb);
}

/* ---- the HMA ---- */

int vdd_hma_claim(struct vm *vm, const char *owner)
{
	if (!has_hma(vm))
		return -ENODEV;
	if (vm->mem.hma_owner)
		return -EBUSY;
	vm->mem.hma_owner = owner;
	return 0;
}

void vdd_hma_release(struct vm *vm)
{
	vm->mem.hma_owner = NULL;
}

const char *vdd_hma_owner(const struct vm *vm)
{
	return vm->mem.hma_owner;
}
