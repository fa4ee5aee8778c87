/*
 * block_cache.h - decoded-instruction blocks, so that hot code is decoded
 * once.
 *
 * A block is a run of instructions recorded the first time they execute from
 * a linear address and EIP: it ends at a taken jump (any change of EIP other
 * than falling through), an instruction that may change CS or the interrupt
 * state (F_ENDS in opcodes.def), a pending event, a page boundary, or its
 * size limits.
 * A block is used again only in the context it was decoded in: the same
 * linear address and EIP (so the same CS base), the same code and stack
 * size, mode (real, protected, V86) and user/supervisor level (bc_ctx's
 * mode bits), its last byte inside the CS limit, and memory still holding
 * its bytes. Each block keeps a copy of its bytes; they are compared again
 * only when its physical page was written (the page's write generation
 * moved) or linear-to-physical mappings changed (the mapping epoch in
 * bc_ctx moved: CR3, paging, INVLPG, A20, the physical map). Code patched
 * inside the block that is running takes effect at the next block entry
 * (like a prefetch queue, but longer). Slots are direct-mapped by linear
 * address.
 */
#ifndef MVDM_CPU_BLOCK_CACHE_H
#define MVDM_CPU_BLOCK_CACHE_H

#include "cpu/cpu_internal.h"

/* BC_LINK_MAX bounds how many blocks run linked before returning to
 * bc_run() (the call depth in builds without tail calls). */
enum { BC_SLOTS = 1024, BC_MAX_INSNS = 32, BC_MAX_BYTES = 128, BC_LINK_MAX = 32 };

struct bc_block {
	uint64_t key;      /* EIP << 32 | linear address of the first byte; 0 with
			    * ninsns 0 = empty slot (same bytes at another EIP may
			    * wrap differently at 64 KiB) */
	uint64_t ctx;      /* bc_ctx when it was recorded or last checked */
	const uint32_t *genp; /* the write generation of its physical page ... */
	uint32_t gen;      /* ... when its bytes were last checked */
	uint32_t last_off; /* CS offset of its last byte (checked against the limit) */
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
