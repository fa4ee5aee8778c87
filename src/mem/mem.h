/*
 * mem.h - the monitor's memory services (src/mem/): the extended memory
 * allocator, the HMA's owner and the upper memory blocks, whose state
 * lives in struct vm (vm->mem). The XMS and EMS VDDs, the DOS kernel and
 * the BIOS reach them through the functions of include/mvdm/vdd.h.
 * docs/memory.md describes the memory map and each service.
 */
#ifndef MVDM_MEM_H
#define MVDM_MEM_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

/* A run of 4 KiB pages: [start, start + len), in page numbers. */
struct mem_run {
	uint32_t start, len;
};

/* Extended memory: the free runs of the physical pages above the HMA,
 * sorted by address, adjacent runs merged (extmem.c). */
struct mem_ext {
	uint32_t first, end;       /* managed pages [first, end) */
	struct mem_run *free;      /* malloc'd */
	unsigned nfree, cap;
	uint32_t free_pages;
	bool int15_claimed;        /* XMS owns it: INT 15h/88h reports 0 */
};

enum { MEM_MAX_UMB_AREAS = 12, MEM_MAX_UMBS = 64 };

/* Upper memory (umb.c): the free areas found when the VM was made (in
 * paragraphs) and the blocks given out, sorted by segment. */
struct mem_umb {
	struct {
		uint16_t seg, paras;
	} area[MEM_MAX_UMB_AREAS], block[MEM_MAX_UMBS];
	unsigned nareas, nblocks;
};

struct mem_state {
	struct mem_ext ext;
	struct mem_umb umb;
	const char *hma_owner;
};

/* Set up when the VM's memory exists (vm16_create) / free (vm16_destroy). */
int mem_init(struct vm *vm);
void mem_destroy(struct vm *vm);
/* After every VDD claimed its memory: the free upper memory areas
 * become UMBs (mapped RAM owned by "upper memory"). */
int mem_umb_setup(struct vm *vm);
/* KiB INT 15h/88h reports: 0 while XMS owns extended memory or the HMA is
 * taken, else the HMA and the free pages right above it (at most FFFFh). */
uint16_t mem_int15_kb(const struct vm *vm);

#endif
