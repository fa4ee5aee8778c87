/*
 * block_cache.h - decoded-instruction blocks, so that hot code is decoded
 * once, in a cache that holds whole programs (docs/cpu-speed.md).
 *
 * A block is a run of instructions recorded the first time they execute from
 * a linear address and EIP: it ends at a taken jump (any change of EIP other
 * than falling through, and a jump to the next instruction, which the
 * threaded and compiled forms leave the block at too: block_cache.c
 * jumped_to_next()), an instruction that may change CS or the interrupt
 * state (F_ENDS in opcodes.def), a pending event, a page boundary, or its
 * size limits. So all its bytes lie in one physical page.
 *
 * Finding: blocks are chained in a hash table on their linear address and
 * EIP; a block remembers the last two blocks it was linked to, which
 * bc_link() tries first. A block is used again only in the context it was decoded in: the
 * same linear address and EIP (so the same CS base), the same code and
 * stack size, mode (real, protected, V86) and user/supervisor level
 * (bc_ctx's mode bits), its last byte inside the CS limit, and, when
 * linear-to-physical mappings changed since it was last checked (the
 * mapping epoch in bc_ctx moved: CR3, paging, INVLPG, A20, the physical
 * map), its linear address still on the same physical byte.
 *
 * Invalidation: every block is on the list of its physical page, and the
 * page keeps a bitmap of the bytes that blocks were decoded from. Guest
 * pages holding blocks are not writable through the TLB's fast path; a
 * write to one (bc_code_write()) that touches no translated byte only
 * writes, one that does drops exactly the blocks whose bytes it overlaps.
 * Host writes (cpu_mem_written(), cpu_map_ram()) go through the same
 * function. Code is never stale: a write that drops the block running now
 * ends it after the writing instruction, and one that drops the block
 * being recorded ends the recording there without keeping it, so the next
 * instruction is decoded from memory as it is after the write, unless the
 * CPU model's prefetch queue holds it already (prefetch.c: then it runs
 * from the queue; with the model off every write is seen by the next
 * instruction fetched, as on the Pentium and later).
 *
 * Size: blocks are allocated from one arena of BC_ARENA_BYTES (a block
 * taken from the code store only its header: its instructions are the
 * store's, run in place); a dropped block's memory goes on a free list by
 * its instruction count (0: a store block's header), which the next block
 * of that count reuses (a program loaded again records blocks of the same
 * sizes). A write over all of a page's code (a program
 * loaded over another), or a long one over part of it, parks the blocks
 * it drops rather than freeing them,
 * and they come back when their bytes do (struct bc_park). When the
 * arena is full the parked blocks are evicted; if that is not enough, the
 * whole cache is emptied (a flush: every block is evicted, the cheapest
 * policy that never leaves a dangling link) and filling starts again. Memory is reused only while
 * no block runs (bc_run() records), so a dropped block that is running
 * stays intact until it ends.
 */
#ifndef MVDM_CPU_BLOCK_CACHE_H
#define MVDM_CPU_BLOCK_CACHE_H

#include "cpu/cpu_internal.h"

/* BC_LINK_MAX bounds how many blocks run linked before returning to
 * bc_run() (the call depth in builds without tail calls). */
enum {
	BC_MAX_INSNS = 48,
	BC_MAX_BYTES = 128,
	BC_LINK_MAX = 32,
	BC_HASH_BITS = 15,
	BC_HASH_SIZE = 1 << BC_HASH_BITS,
	BC_LTAB_BITS = 10,
	BC_LTAB_SIZE = 1 << BC_LTAB_BITS,
	BC_MAX_SHADOW = 32, /* bytes of a prefetch queue past a block (block_cache.c block_shadow()) */
};
#define BC_ARENA_BYTES ((size_t)16 << 20)

/* A compiled block that this one was linked to, remembered so that its
 * link stub can enter it again without reading its header (the link
 * stub's fast path, jit_compile.c emit_link_stub(); docs/cpu-speed.md,
 * "Link epochs"; the cache's link table, ltab, holds the same). It holds while `check` equals the CPU's bc_ctx ORed
 * with its cache's link_epoch (bc_ctx's low 32 bits are 0), which the
 * CPU keeps in one word, c->in.link_check (bc_link_check_update()):
 * - the epoch moves whenever anything a remembered link relies on may
 *   change (bc_links_stale(): a block freed or evicted, the cache
 *   emptied, compiled code dropped), so an equal epoch means blk is
 *   still the live block with this key, compiled, with this code;
 * - the context was its tag when it was remembered, and a mapping epoch
 *   stands for one linear-to-physical mapping (tlb.c epoch_bump(): the
 *   paged epoch only grows; the flat one, which paging turned off comes
 *   back to, grows whenever the flat mapping changes; a wrap empties the
 *   cache), so an equal context means bc_valid() would accept it at once
 *   (its recheck would find the same physical address again).
 * check 0 (never a bc_ctx, which is never 0): nothing remembered. */
struct bc_fast {
	struct bc_block *blk;
	uint64_t key;          /* blk->key */
	const void *code;      /* blk's compiled code past its prologue */
	uint64_t check;        /* bc_ctx | link_epoch when remembered */
};

/* The header is two cache lines: the first, fast[], is all that the link
 * stub's fast path reads (of the block it leaves), the second what
 * finding and checking a block reads. Blocks are 64-byte aligned, all in
 * their cache's arena (so hnext is an arena reference: bc_blk()).
 *
 * Its instructions are at ins: right after the header (insns[]) for a
 * block recorded here, or, for a block taken from the code store, the
 * store entry's, run in place (the header alone is in the arena; a
 * reference on the entry keeps them: code_store.h cs_take()). Nothing
 * writes into them once the block is committed (the self-modifying-code
 * stop is per CPU: c->in.smc_stop). */
struct bc_block {
	struct bc_fast fast[2]; /* compiled successors (written by the link stub) */
	uint64_t key;      /* EIP << 32 | linear address of the first byte (same
			    * bytes at another EIP may wrap differently at 64 KiB) */
	uint64_t tag;      /* bc_ctx when it was recorded or last checked; 0 once
			    * it was dropped */
	const struct insn *ins; /* its ninsns + 1 instructions (insns, or the
				 * store's; NULL in a freed header whose
				 * reference was given back) */
	struct bc_block *succ[2]; /* the blocks last linked to from it (a
				   * guess, checked: see bc_link()) */
	uint32_t hnext;    /* the next block of its hash chain (bc_ref()) */
	uint32_t phys;     /* physical address of its first byte */
	uint8_t ninsns;
	uint8_t nbytes;
	bool nolimit;      /* recorded without BC_CSLIM: its short jumps may leave
			    * out the CS limit check (cpu_nolimit_twin()), so it
			    * is not used while BC_CSLIM is set */
	uint8_t jstate;    /* the JIT's (jit.c) */
	uint16_t heat;     /* the JIT's count down to compiling (jit.h) */
	uint16_t pidx;     /* its index in its page's arrays (bc_page), or in
			    * its park's while parked (bc_park) */
	op_fn entry;       /* what runs the block: ins[0].fn, or its
			    * compiled code (jit.h) */
	struct insn insns[]; /* ninsns + the end entry, for a block recorded
			      * here that the store did not take (ins ==
			      * insns; block_cache.c bc_commit()) */
};

/* Does b run the store's instructions (taken from it, or recorded here
 * and added to it), its memory in the arena only its header? */
static inline bool bc_in_store(const struct bc_block *b)
{
	return b->ins != b->insns;
}

/* The CS offset of b's last byte (checked against the CS limit). */
static inline uint32_t bc_last_off(const struct bc_block *b)
{
	return (uint32_t)(b->key >> 32) + b->nbytes - 1u;
}

/* A physical page that blocks were decoded from. Its blocks are in two
 * arrays, in no order: span[k] is where blk[k] lies in the page (offset |
 * nbytes << 16 | shadow << 24, shadow the bytes past it that the bitmap
 * holds for the prefetch queue: block_cache.c block_shadow()), so that finding the blocks a write overlaps, and
 * rebuilding the bitmap, read a few dense cache lines rather than every
 * block's header (blk[k]->pidx == k). */
struct bc_page {
	uint64_t bits[CPU_PAGE_SIZE / 64]; /* bytes of its blocks (and of the
					    * block being recorded) */
	uint32_t *span;
	struct bc_block **blk;
	uint32_t n, cap;                   /* blocks, room in the arrays */
	struct bc_page *next;              /* pages in use, or free */
	uint32_t phys;                     /* its base */
	/* A copy of its translated bytes, made as each block is entered
	 * (page_mark()): exact for every block on the page, as a byte cannot
	 * change without its blocks being dropped. (The prefetch queue's
	 * bytes past a block, block_shadow(), are copied with it but may go
	 * stale, as a write to them alone drops nothing: only a block's own
	 * bytes, nbytes of its span, are ever compared.) Kept with the
	 * blocks when they are parked (bc_park), so that they can be
	 * compared with memory when the same code comes back. */
	uint8_t *bytes;                    /* CPU_PAGE_SIZE */
	struct bc_park *parks;             /* blocks parked from it, newest first */
	uint32_t nparks;
	/* The summary that TLB entries of the page copy (struct cpu_tlbx:
	 * chunks, free_lo, free_hi; never more free than bits says), and
	 * where they are: every slot whose wcode is set with code == this
	 * page is tlb_slot, unless tlb_multi (then any slot may be; set
	 * when a second slot took the page while the first still had it,
	 * until the page is freed). tlb_slot CPU_TLB_SIZE: none yet. */
	uint64_t chunks;
	uint16_t free_lo, free_hi;
	uint16_t tlb_slot;
	bool tlb_multi;
	/* Bytes at its start that the bitmap holds for the prefetch queue
	 * of a block on the linear page before it (block_cache.c
	 * page_next_shadow()): only grows until the page is freed. */
	uint8_t head_shadow;
};

/* Does the summary in x prove that an n-byte write (n <= 4) at offset off
 * of x's page, inside the page, touches no translated byte? (The same
 * test as the JIT's SH_CPW*: jit_compile.c emit_code_page_write_helper().) */
static inline bool tlbx_no_code(const struct cpu_tlbx *x, unsigned off, unsigned n)
{
	return (off >= x->free_lo && off + n <= x->free_hi) || !((x->chunks >> (off >> 6)) & 1);
}

/* Slot k's TLB entry now maps pg's page for writes that must be checked:
 * its summary copied, and pg told where it is (tlb.c tlb_fill(),
 * block_cache.c tlb_protect()). */
void bc_tlb_slot_set(struct cpu *c, unsigned k, struct bc_page *pg);

/* The blocks of a page parked together: a write over all of the page's
 * code (a program loaded over another: page_drop_all()), or one of at
 * least BC_PARK_MIN_WRITE bytes over part of it (park_some(): the blocks
 * it overlaps), takes them off the cache but keeps them, with their
 * bytes as they were, and a block
 * looked up and missing is taken back (revived) if one of them has its
 * key, its context and bytes equal to memory now (docs/cpu-speed.md,
 * "Parked blocks"). Parked blocks have tag 0, are chained by hnext in
 * park_hash, and are counted in the arena; blk[b->pidx] == b. */
struct bc_park {
	struct bc_block **blk;   /* the page's blocks when parked (NULL: revived) */
	uint32_t *span;          /* their offset | nbytes << 16 | mode bits << 24
				  * (the mode in place of the shadow: bc_page) */
	uint32_t n, cap;         /* entries and room (the page's arrays, moved,
				  * or just room for the blocks a write over
				  * part of it dropped) */
	uint32_t left;           /* blocks still parked */
	uint8_t *bytes;          /* the page's translated bytes (bc_page.bytes;
				  * only its blocks' if over part of it) */
	uint64_t jit_gen;        /* jit_code_gen() when parked */
	struct bc_page *page;
	struct bc_park *pnext;   /* the page's next older park */
	struct bc_park *older, *newer; /* every park, for evicting the oldest */
};

struct block_cache {
	struct bc_page *pages;      /* pages holding blocks */
	struct bc_page *free_pages;
	uint8_t *arena;             /* BC_ARENA_BYTES, touched as it fills */
	size_t used;
	size_t cap;                 /* the part of it used (cpu_set_block_cache_limit()) */
	uint32_t free_blocks[BC_MAX_INSNS + 1]; /* dropped, by ninsns (chained
						  * by hnext); [0]: headers of
						  * blocks from the store */
	size_t free_bytes;
	uint64_t nblocks;           /* blocks in the cache */
	/* Moves whenever a remembered link (bc_fast) may have gone wrong:
	 * bc_links_stale(). */
	uint32_t link_epoch;
	/* The block that ran last before control came back to bc_run() (a
	 * guess for its succ[], like bc_link()'s), or NULL. */
	struct bc_block *last;
	/* The block being recorded (bc_record()), on page rec_page. */
	struct bc_block *scratch;
	struct bc_page *rec_page;
	bool recording;
	bool rec_dead;              /* a write overlapped it: do not keep it */
	uint8_t rec_shadow;         /* bytes past it that its bits hold too: the
				     * prefetch queue of its last instruction */
	/* The store's instructions of a block running when the cache was
	 * emptied (bc_clear()): given back once no block runs (bc_record()). */
	const struct insn *held_ins;
	uint8_t held_nbytes, held_ninsns;
	/* The block bc_run() steps through instruction by instruction (a
	 * budget shorter than it), or NULL: it runs as c->in.blk does, but
	 * without being it, and holds its store instructions as that does
	 * (flush_release()). Cleared when the stepping ends or, after a
	 * fault out of a step, by bc_record(). */
	const struct bc_block *stepping;
	/* The bytes of the store's instructions its headers hold (live,
	 * parked, freed but not reused, held_ins): kept within cap, as
	 * copies of them would be (bc_from_store()). */
	size_t store_held;
	struct cpu_code_stats stats;
	/* Compiled blocks that bc_link() found in the hash table after a
	 * compiled block, by bc_ltab_slot() of their linear address: the
	 * link stub tries them after fast[] and succ[], for exits with more
	 * than two targets (returns to many callers, jump tables). Entries
	 * hold as fast[]'s do (struct bc_fast: the check word); BC_LTAB_SIZE,
	 * 64-byte aligned. */
	struct bc_fast *ltab;
	/* Parked blocks (bc_park): oldest and newest park, how many blocks
	 * and bytes of memory besides the arena they hold, and page copies
	 * to reuse (chained through their first bytes). */
	struct bc_park *park_oldest, *park_newest;
	uint64_t nparked;
	size_t park_bytes;
	uint8_t *free_copies;
	/* Last: the fields above share the allocation's first page (a fresh
	 * mapping, 256 KiB of hash behind them, pages touched as buckets
	 * fill), rather than a page of their own at its end. */
	uint32_t hash[BC_HASH_SIZE];      /* chains of bc_ref()s */
	uint32_t park_hash[BC_HASH_SIZE]; /* parked blocks, like hash */
};

/* Arena references (hnext, hash chains, free lists): 0 none, else the
 * block's offset in the arena + 1. */
static inline struct bc_block *bc_blk(const struct block_cache *bc, uint32_t ref)
{
	return ref ? (struct bc_block *)(bc->arena + ref - 1u) : NULL;
}
static inline uint32_t bc_ref(const struct block_cache *bc, const struct bc_block *b)
{
	return (uint32_t)((const uint8_t *)b - bc->arena) + 1u;
}

/* The link table's slot for the block at linear address lin (the link
 * stub forms the same: jit_compile.c emit_link_stub()). */
static inline uint32_t bc_ltab_slot(uint32_t lin)
{
	return (lin ^ lin >> BC_LTAB_BITS) & (BC_LTAB_SIZE - 1);
}

/* c->in.link_check = bc_ctx | the link epoch of c's cache: the one word
 * the link stub and the static exits (jit_compile.c) compare a bc_fast's
 * check with. Kept exact: called wherever either part changes
 * (cpu_bc_ctx_update(), bc_links_stale(), a cache allocated, and
 * cpu_disasm()'s restore), so it always equals what those would OR. */
static inline void bc_link_check_update(struct cpu *c)
{
	c->in.link_check = c->in.bc_ctx | (c->in.bcache ? c->in.bcache->link_epoch : 0);
}

/* A block was freed or evicted, or compiled code dropped: every link
 * remembered in a bc_fast fails its check from now on. When the 32-bit
 * epoch wraps, the remembered links of every live block are forgotten
 * (a block off the cache gets fresh ones when it is entered again), so
 * that an old one cannot pass for a new one. bc is c's cache. */
void bc_links_wrap(struct block_cache *bc);
static inline void bc_links_stale(struct cpu *c, struct block_cache *bc)
{
	if (unlikely(++bc->link_epoch == 0))
		bc_links_wrap(bc);
	bc_link_check_update(c);
}

/* Would an n-byte write (n <= 4) at offset off of page pg touch a
 * translated byte? (Two bitmap words at most.) */
static inline bool bc_page_touches(const struct bc_page *pg, unsigned off, unsigned n)
{
	const unsigned w = off >> 6, b = off & 63;
	const uint64_t m = (1ull << n) - 1;
	if (pg->bits[w] & (m << b))
		return true;
	return b + n > 64 && (pg->bits[w + 1] & (m >> (64 - b)));
}

/* Count a write to a code page that touched no translated byte. */
static inline void bc_data_write(struct cpu *c)
{
	c->in.code_page_data_writes++;
}

/* Run from CS:IP until the budget is spent or an event is pending, block
 * by block: a cached block if it is valid, else record one while executing. */
void bc_run(struct cpu *c, struct block_cache *bc);

/* Called by a threaded handler whose block ended with a jump or by falling
 * through (c->ip set): charge the block's instructions to the budget and,
 * if nothing is pending and the next block is cached, valid and fits in the
 * budget, run it now (a tail call). */
void bc_link(struct cpu *c);

/* An empty cache, or NULL. */
struct block_cache *bc_alloc(void);
/* Release bc (may be NULL) and forget its pages in c's physical map. */
void bc_free(struct cpu *c, struct block_cache *bc);

/* Evict every block (bc may be NULL). */
void bc_clear(struct cpu *c, struct block_cache *bc);

/* After a fault or exit unwound out of bc_run(): charge the budget for the
 * instructions of the current block that completed before c->in.cur, and
 * keep what a recording interrupted by it had recorded. */
void bc_settle(struct cpu *c);

#endif
