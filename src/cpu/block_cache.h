/*
 * block_cache.h - decoded-instruction blocks, so that hot code is decoded
 * once.
 *
 * A block is a run of instructions recorded the first time they execute from
 * a linear address and IP: it ends at a taken jump (any change of IP other
 * than falling through), an instruction that may change CS or the interrupt
 * state (F_ENDS in opcodes.def), a pending event, a page boundary, or its
 * size limits.
 * Each block keeps a copy of its instruction bytes and is used again only if
 * memory still holds those bytes, so code that was patched, reloaded or
 * remapped is decoded again. The bytes are compared only when the page was
 * written, or the memory map or A20 changed, since the last check (both
 * bump the page's generation, page_gen). Code patched inside the
 * block that is running takes effect at the next block entry (like a
 * prefetch queue, but longer). Slots are direct-mapped by linear address.
 */
#ifndef MVDM_CPU_BLOCK_CACHE_H
#define MVDM_CPU_BLOCK_CACHE_H

#include "cpu/cpu_internal.h"

/* BC_LINK_MAX bounds how many blocks run linked before returning to
 * bc_run() (the call depth in builds without tail calls). */
enum { BC_SLOTS = 1024, BC_MAX_INSNS = 32, BC_MAX_BYTES = 128, BC_LINK_MAX = 32 };

struct bc_block {
	uint32_t lin1;     /* linear address of the first byte + 1; 0 = empty slot */
	uint32_t gen;      /* page_gen of its page when its bytes were last checked */
	uint16_t page;     /* that page */
	uint16_t ip;       /* IP of the first instruction (same bytes at another
			    * IP may wrap differently at 64 KiB) */
	uint8_t ninsns;
	uint8_t nbytes;
	uint8_t bytes[BC_MAX_BYTES];
	struct insn insns[BC_MAX_INSNS + 1]; /* + the end entry */
};

struct block_cache {
	struct bc_block slots[BC_SLOTS];
};

/* Run from CS:IP until the budget is spent or an event is pending, block
 * by block: a cached block if it is valid, else record one while executing. */
void bc_run(struct cpu *c, struct block_cache *bc);

/* Called by a threaded handler whose block ended with a jump or by falling
 * through (c->ip set): charge the block's instructions to the budget and,
 * if nothing is pending and the next block is cached, valid and fits in the
 * budget, run it now (a tail call). */
void bc_link(struct cpu *c);

/* A cache with every slot empty, or NULL. */
struct block_cache *bc_alloc(void);

/* After a fault or exit unwound out of bc_run(): charge the budget for the
 * instructions of the current block that completed before c->in.cur. */
void bc_settle(struct cpu *c);

#endif
