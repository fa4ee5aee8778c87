/* block_cache.c - recording, finding, replaying and dropping decoded
 * blocks (block_cache.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu/block_cache.h"
#include "cpu/code_store.h"
#include "cpu/fpu.h"
#include "cpu/jit.h"

/* Blocks in the arena start on a cache line (block_cache.h: the header is
 * two lines, each instruction one). */
enum { BC_ALIGN = 64 };
_Static_assert(sizeof(struct bc_block) == 2 * BC_ALIGN && offsetof(struct bc_block, key) == BC_ALIGN,
	       "bc_block: fast[] one cache line, the rest of the header the next");
_Static_assert(sizeof(struct insn) % BC_ALIGN == 0, "insn: whole cache lines");

static inline size_t block_size(unsigned ninsns)
{
	size_t n = sizeof(struct bc_block) + (ninsns + 1u) * sizeof(struct insn);
	return (n + BC_ALIGN - 1) & ~(size_t)(BC_ALIGN - 1);
}

/* b's free list (free_blocks[]: its instruction count, or 0 for the
 * header of a block from the store) and the arena bytes it takes. */
static inline unsigned block_class(const struct bc_block *b)
{
	return bc_in_store(b) ? 0 : b->ninsns;
}
static inline size_t class_size(unsigned k)
{
	return k ? block_size(k) : sizeof(struct bc_block);
}

/* The store's instructions of a block of n (block_cache.store_held). */
static inline size_t store_insn_bytes(unsigned n)
{
	return (n + 1u) * sizeof(struct insn);
}

/* The second line of b's header (key, tag, ins, succ[], hnext), for a
 * prefetch; b may be NULL. */
static inline const void *bc_line1(const struct bc_block *b)
{
	return (const void *)((uintptr_t)b + offsetof(struct bc_block, key));
}

static inline uint32_t *bc_bucket(struct block_cache *bc, uint32_t lin)
{
	return &bc->hash[(lin ^ (lin >> BC_HASH_BITS)) & (BC_HASH_SIZE - 1)];
}

static inline uint64_t bc_key(uint32_t lin, uint32_t ip)
{
	return (uint64_t)ip << 32 | lin;
}

static inline struct bc_block *bc_find(struct block_cache *bc, uint32_t lin, uint32_t ip)
{
	const uint64_t key = bc_key(lin, ip);
	struct bc_block *b = bc_blk(bc, *bc_bucket(bc, lin));
	while (b && b->key != key)
		b = bc_blk(bc, b->hnext);
	return b;
}

/* ---- pages and their bitmaps ---- */

/* The n bits from off set (on) or cleared. */
static inline void bits_put(uint64_t *bits, unsigned off, unsigned n, bool on)
{
	for (const unsigned end = off + n; off < end;) {
		const unsigned b = off & 63, k = end - off < 64 - b ? end - off : 64 - b;
		const uint64_t m = (k == 64 ? ~0ull : (1ull << k) - 1) << b;
		bits[off >> 6] = on ? bits[off >> 6] | m : bits[off >> 6] & ~m;
		off += k;
	}
}

static void bits_set(uint64_t *bits, unsigned off, unsigned n)
{
	bits_put(bits, off, n, true);
}

/* The n bits from off set, those of them from lo to hi-1 only. */
static inline void bits_set_within(uint64_t *bits, unsigned off, unsigned n, unsigned lo, unsigned hi)
{
	const unsigned s = off > lo ? off : lo, e = off + n < hi ? off + n : hi;
	if (s < e)
		bits_set(bits, s, e - s);
}

/* Any of the n bits from off set? (off + n <= CPU_PAGE_SIZE; n may be 0) */
static bool bits_any(const uint64_t *bits, unsigned off, unsigned n)
{
	if (n == 0)
		return false;
	unsigned end = off + n;
	for (unsigned w = off >> 6; w <= (end - 1) >> 6; w++) {
		uint64_t m = ~0ull;
		if (w == off >> 6)
			m &= ~0ull << (off & 63);
		if (w == (end - 1) >> 6 && (end & 63))
			m &= ~0ull >> (64 - (end & 63));
		if (bits[w] & m)
			return true;
	}
	return false;
}

/* The bytes of a page's bitmap that a span (struct bc_page) holds: its
 * block's, and the prefetch queue's past it. */
static inline unsigned span_bits(uint32_t span)
{
	return ((span >> 16) & 0xFF) + (span >> 24);
}

/* ---- the pages' summaries in the TLB (struct cpu_tlbx) ---- */

/* The chunk bits (struct cpu_tlbx) that translated bytes [off, off + n)
 * set (n >= 1): chunk j covers bytes 64j .. 64j + 66. */
static uint64_t chunks_of(unsigned off, unsigned n)
{
	const unsigned first = (off < 3 ? 0 : off - 3) >> 6, last = (off + n - 1) >> 6;
	return (last == 63 ? ~0ull : (1ull << (last + 1)) - 1) & ~((1ull << first) - 1);
}

/* The first translated byte of pg at or after off (CPU_PAGE_SIZE: none). */
static unsigned next_set(const struct bc_page *pg, unsigned off)
{
	while (off < CPU_PAGE_SIZE) {
		const uint64_t w = pg->bits[off >> 6] >> (off & 63);
		if (w)
			return off + (unsigned)__builtin_ctzll(w);
		off = (off | 63) + 1;
	}
	return CPU_PAGE_SIZE;
}

/* One past the last translated byte of pg before end (0: none). */
static unsigned prev_set_end(const struct bc_page *pg, unsigned end)
{
	while (end > 0) {
		const unsigned w = (end - 1) >> 6;
		const uint64_t m = pg->bits[w] & ((end & 63) ? (1ull << (end & 63)) - 1 : ~0ull);
		if (m)
			return w * 64 + 64 - (unsigned)__builtin_clzll(m);
		end = w * 64;
	}
	return 0;
}

/* After bits were cleared: pg's chunks from its bitmap, and its free run
 * grown to the translated bytes on either side (it was free, and stays
 * so: a few words read, not the page's every run). */
static void page_summarize(struct bc_page *pg)
{
	pg->chunks = 0;
	for (unsigned w = 0; w < CPU_PAGE_SIZE / 64; w++) {
		if (pg->bits[w])
			pg->chunks |= 1ull << w;
		if (w > 0 && (pg->bits[w] & 7))
			pg->chunks |= 1ull << (w - 1);
	}
	const unsigned lo = pg->free_lo;
	pg->free_hi = (uint16_t)next_set(pg, pg->free_hi);
	pg->free_lo = (uint16_t)prev_set_end(pg, lo);
}

static bool slot_has(const struct cpu *c, unsigned k, const struct bc_page *pg)
{
	return c->in.tlb_x[k].wcode != TLB_NONE && c->in.tlb_p[k].code == pg;
}

static void tlbx_copy(struct cpu_tlbx *x, const struct bc_page *pg)
{
	x->chunks = pg->chunks;
	x->free_lo = pg->free_lo;
	x->free_hi = pg->free_hi;
}

void bc_tlb_slot_set(struct cpu *c, unsigned k, struct bc_page *pg)
{
	if (pg->tlb_slot != k && pg->tlb_slot < CPU_TLB_SIZE && slot_has(c, pg->tlb_slot, pg))
		pg->tlb_multi = true;
	pg->tlb_slot = (uint16_t)k;
	c->in.tlb_p[k].code = pg;
	tlbx_copy(&c->in.tlb_x[k], pg);
}

/* pg's summary changed: every TLB entry of the page gets it. */
static void page_tlb_sync(struct cpu *c, const struct bc_page *pg)
{
	if (!pg->tlb_multi) {
		if (pg->tlb_slot < CPU_TLB_SIZE && slot_has(c, pg->tlb_slot, pg))
			tlbx_copy(&c->in.tlb_x[pg->tlb_slot], pg);
		return;
	}
	for (unsigned w = 0; w < CPU_TLB_SIZE / 64; w++) {
		for (uint64_t m = c->in.tlb_used[w]; m; m &= m - 1) {
			const unsigned k = w * 64 + (unsigned)__builtin_ctzll(m);
			if (slot_has(c, k, pg))
				tlbx_copy(&c->in.tlb_x[k], pg);
		}
	}
}

/* Bytes [off, off + n) of pg (n >= 1), src in host memory, are translated
 * from now on: copied to the page's copy (bc_page.bytes), set in its
 * bitmap and, before anything can write them, taken out of the summary
 * that its TLB entries hold (the free run shrinks to its larger side, in
 * O(1); page_summarize() grows it when bits are cleared). */
static void page_mark(struct cpu *c, struct bc_page *pg, unsigned off, unsigned n, const uint8_t *src)
{
	memcpy(pg->bytes + off, src, n);
	bits_set(pg->bits, off, n);
	const uint64_t ch = chunks_of(off, n);
	bool changed = (ch & ~pg->chunks) != 0;
	pg->chunks |= ch;
	const unsigned lo = pg->free_lo, hi = pg->free_hi, end = off + n;
	if (off < hi && lo < end) {
		const unsigned left = off > lo ? off - lo : 0, right = hi > end ? hi - end : 0;
		pg->free_lo = (uint16_t)(left >= right ? lo : end);
		pg->free_hi = (uint16_t)(left >= right ? lo + left : hi);
		changed = true;
	}
	if (changed)
		page_tlb_sync(c, pg);
}

/* Writes through the TLB to a page that just got code must come to the
 * slow path: take the write tag off the entries that map it. */
static void tlb_protect(struct cpu *c, uint32_t phys_page)
{
	/* Only slots filled since the last drop have a write tag (tlb.c). */
	for (unsigned w = 0; w < CPU_TLB_SIZE / 64; w++) {
		for (uint64_t m = c->in.tlb_used[w]; m; m &= m - 1) {
			const unsigned k = w * 64 + (unsigned)__builtin_ctzll(m);
			struct cpu_tlbe *e = &c->in.tlb[k];
			struct cpu_tlbx *x = &c->in.tlb_x[k];
			if (e->wr != TLB_NONE && c->in.tlb_p[k].phys == phys_page) {
				x->wcode = e->wr;
				bc_tlb_slot_set(c, k, *phys_code_slot(c, phys_page));
				e->wr = TLB_NONE;
			}
		}
	}
}

/* A page copy (bc_page.bytes), reused or allocated (NULL: no memory). */
static uint8_t *copy_get(struct block_cache *bc)
{
	uint8_t *p = bc->free_copies;
	if (!p)
		return malloc(CPU_PAGE_SIZE);
	memcpy(&bc->free_copies, p, sizeof(p));
	return p;
}

static void copy_put(struct block_cache *bc, uint8_t *p)
{
	memcpy(p, &bc->free_copies, sizeof(p));
	bc->free_copies = p;
}

/* The record of the page holding pa, made if needed (NULL: no memory). */
static struct bc_page *page_get(struct cpu *c, struct block_cache *bc, uint32_t pa)
{
	struct bc_page **slot = phys_code_slot(c, pa);
	if (!slot)
		return NULL;
	if (*slot)
		return *slot;
	struct bc_page *pg = bc->free_pages;
	if (pg)
		bc->free_pages = pg->next;
	else if (!(pg = calloc(1, sizeof(*pg))))
		return NULL;
	if (!pg->bytes && !(pg->bytes = copy_get(bc))) {
		pg->next = bc->free_pages;
		bc->free_pages = pg;
		return NULL;
	}
	memset(pg->bits, 0, sizeof(pg->bits));
	pg->n = 0;
	pg->phys = pa & ~(CPU_PAGE_SIZE - 1);
	pg->chunks = 0;
	pg->free_lo = 0;
	pg->free_hi = CPU_PAGE_SIZE;
	pg->tlb_slot = CPU_TLB_SIZE;
	pg->tlb_multi = false;
	pg->head_shadow = 0;
	pg->next = bc->pages;
	bc->pages = pg;
	*slot = pg;
	bc->stats.pages++;
	tlb_protect(c, pg->phys);
	return pg;
}

/* Take b off the chain starting at *pp (where it is). */
static void chain_unlink(struct block_cache *bc, uint32_t *pp, const struct bc_block *b)
{
	const uint32_t ref = bc_ref(bc, b);
	while (*pp != ref)
		pp = &bc_blk(bc, *pp)->hnext;
	*pp = b->hnext;
}

static void hash_unlink(struct block_cache *bc, struct bc_block *b)
{
	chain_unlink(bc, bc_bucket(bc, (uint32_t)b->key), b);
}

/* Put b's memory on its free list (reused by arena_take() only, when no
 * block runs: a block dropped by its own write runs on; the store's
 * instructions of a header are given back then). */
static void free_push(struct block_cache *bc, struct bc_block *b)
{
	const unsigned k = block_class(b);
	b->hnext = bc->free_blocks[k];
	bc->free_blocks[k] = bc_ref(bc, b);
	bc->free_bytes += class_size(k);
}

/* Give back to the store the instructions ins (nbytes of code, ninsns
 * instructions) that a header of this cache held, and their count in
 * store_held. */
static void ins_release(struct cpu *c, struct block_cache *bc, const struct insn *ins, unsigned nbytes,
			unsigned ninsns)
{
	cs_release(c->in.cstore, ins, nbytes);
	bc->store_held -= store_insn_bytes(ninsns);
}

/* Give back the store's instructions of b, a header, if it still holds
 * them. */
static void block_release(struct cpu *c, struct block_cache *bc, struct bc_block *b)
{
	if (b->ins) {
		ins_release(c, bc, b->ins, b->nbytes, b->ninsns);
		b->ins = NULL;
	}
}

/* Take b, already off its page's list, out of the cache; its memory goes
 * on the free list. */
static void block_free(struct cpu *c, struct block_cache *bc, struct bc_block *b)
{
	hash_unlink(bc, b);
	b->tag = 0;
	bc_links_stale(c, bc);
	bc->nblocks--;
	free_push(bc, b);
}

/* Room for one more block in pg's arrays (false: no memory). */
static bool page_reserve(struct bc_page *pg)
{
	if (pg->n < pg->cap)
		return true;
	const uint32_t cap = pg->cap ? pg->cap * 2 : 16;
	uint32_t *span = realloc(pg->span, cap * sizeof(*span));
	if (!span)
		return false;
	pg->span = span;
	struct bc_block **blk = realloc(pg->blk, cap * sizeof(*blk));
	if (!blk)
		return false;
	pg->blk = blk;
	pg->cap = cap;
	return true;
}

/* Put b on its page pg (room reserved), with `shadow` bytes past its end
 * that its page's bitmap holds too (block_shadow()). */
static void page_add(struct bc_page *pg, struct bc_block *b, unsigned shadow)
{
	pg->span[pg->n] = (b->phys & (CPU_PAGE_SIZE - 1)) | (uint32_t)b->nbytes << 16 | (uint32_t)shadow << 24;
	pg->blk[pg->n] = b;
	b->pidx = (uint16_t)pg->n++;
}

/* Take b off its page pg (the last block takes its index). */
static void page_remove(struct bc_page *pg, struct bc_block *b)
{
	const uint32_t k = b->pidx, last = --pg->n;
	if (k != last) {
		pg->span[k] = pg->span[last];
		pg->blk[k] = pg->blk[last];
		pg->blk[k]->pidx = (uint16_t)k;
	}
}

/* Take b out of the cache and off its page pg. */
static void block_drop(struct cpu *c, struct block_cache *bc, struct bc_page *pg, struct bc_block *b)
{
	page_remove(pg, b);
	block_free(c, bc, b);
}

/* The bits of the block being recorded set again, from lo to hi-1, if it
 * is on pg (with the prefetch queue's bytes past it: rec_shadow). */
static void rec_bits_within(struct block_cache *bc, struct bc_page *pg, unsigned lo, unsigned hi)
{
	if (bc->recording && !bc->rec_dead && bc->rec_page == pg)
		bits_set_within(pg->bits, bc->scratch->phys & (CPU_PAGE_SIZE - 1),
				bc->scratch->nbytes + bc->rec_shadow, lo, hi);
}

/* (Bits only go: the summary its TLB entries hold stays true, and gets
 * what was freed.) */
static void page_rebuild_bits(struct cpu *c, struct block_cache *bc, struct bc_page *pg)
{
	memset(pg->bits, 0, sizeof(pg->bits));
	for (uint32_t k = 0; k < pg->n; k++)
		bits_set(pg->bits, pg->span[k] & 0xFFFF, span_bits(pg->span[k]));
	bits_set(pg->bits, 0, pg->head_shadow);
	rec_bits_within(bc, pg, 0, CPU_PAGE_SIZE);
	page_summarize(pg);
	page_tlb_sync(c, pg);
}

void bc_stop(struct cpu *c, const struct insn *i)
{
	c->in.smc_stop = false;
	insn_current(c, i - 1);
	c->ip = i->ip;
	bc_link(c);
}

/* b was just dropped by a write: if it is the running block, end it after
 * the writing instruction (c->in.cur), where the threaded and compiled
 * code look at c->in.smc_stop (cpu.h). The block's instructions are not
 * written: they may be shared. A flag left set by an instruction that
 * ended the block anyway (a jump, an exit, a fault) ends the next block
 * run here after its first instruction that accesses memory, which is
 * only early, never wrong; bc_run_block() clears it. */
static void stop_if_running(struct cpu *c, struct block_cache *bc, struct bc_block *b)
{
	if (b != c->in.blk)
		return;
	c->in.smc_stop = true;
	bc->stats.smc_stops++;
}

/* ---- parked blocks (bc_park) ---- */

/* At most this many parks per page (a page's code is overwritten by a few
 * programs in turn: CL's passes, MASM, LINK), the oldest evicted first. */
enum { BC_PARKS_PER_PAGE = 8 };

static inline uint32_t *park_bucket(struct block_cache *bc, uint32_t lin)
{
	return &bc->park_hash[(lin ^ (lin >> BC_HASH_BITS)) & (BC_HASH_SIZE - 1)];
}

/* The memory besides the arena that p takes (bc->park_bytes). */
static size_t park_size(const struct bc_park *p)
{
	return sizeof(*p) + CPU_PAGE_SIZE + p->cap * (sizeof(*p->blk) + sizeof(*p->span));
}

static void flush_release(struct cpu *c, struct block_cache *bc, struct bc_block *b);

/* Release p: off its page's and the cache's lists, its page copy kept for
 * reuse. Its blocks still parked go on the free list if evict, else (the
 * arena is being emptied) nowhere, the store's instructions of those from
 * the store given back (flush_release(): none runs, but a block bc_run()
 * steps through may have been parked by its own write); either way they
 * count as evictions. */
static void park_free(struct cpu *c, struct block_cache *bc, struct bc_park *p, bool evict)
{
	bc->stats.evictions += p->left;
	for (uint32_t k = 0; k < p->n && p->left; k++) {
		struct bc_block *b = p->blk[k];
		if (!b)
			continue;
		uint32_t *pp = park_bucket(bc, (uint32_t)b->key);
		if (!evict) {
			*pp = 0; /* (every parked block goes: bc_clear()) */
			if (bc_in_store(b))
				flush_release(c, bc, b); /* (a stepped block may be parked) */
		} else {
			chain_unlink(bc, pp, b);
			free_push(bc, b);
		}
		p->left--;
		bc->nparked--;
	}
	struct bc_park **pp = &p->page->parks;
	while (*pp != p)
		pp = &(*pp)->pnext;
	*pp = p->pnext;
	p->page->nparks--;
	if (p->older)
		p->older->newer = p->newer;
	else
		bc->park_oldest = p->newer;
	if (p->newer)
		p->newer->older = p->older;
	else
		bc->park_newest = p->older;
	bc->park_bytes -= park_size(p);
	copy_put(bc, p->bytes);
	free(p->blk);
	free(p->span);
	free(p);
}

/* Every parked block evicted, before any live one (a full arena). No
 * link can lead to a parked block (parking made them stale), so none is
 * made stale here. */
static void parks_evict(struct cpu *c, struct block_cache *bc)
{
	while (bc->park_oldest)
		park_free(c, bc, bc->park_oldest, true);
}

/* The oldest park of pg. */
static struct bc_park *page_oldest_park(const struct bc_page *pg)
{
	struct bc_park *p = pg->parks;
	while (p && p->pnext)
		p = p->pnext;
	return p;
}

/* A new park on pg (its page copy fresh, no blocks yet) taking size bytes
 * of memory besides the arena, within the bounds: BC_PARKS_PER_PAGE on the
 * page and, for all parks, a quarter of the arena's limit in memory
 * besides the arena (their blocks are in the arena, counted in its limit),
 * the oldest parks evicted to make room. NULL: it cannot fit, or no
 * memory. */
static struct bc_park *park_new(struct cpu *c, struct block_cache *bc, struct bc_page *pg, size_t size)
{
	if (size > bc->cap / 4)
		return NULL;
	while (pg->nparks >= BC_PARKS_PER_PAGE)
		park_free(c, bc, page_oldest_park(pg), true);
	while (bc->park_bytes + size > bc->cap / 4)
		park_free(c, bc, bc->park_oldest, true);
	uint8_t *copy = copy_get(bc);
	struct bc_park *p = copy ? malloc(sizeof(*p)) : NULL;
	if (!p) {
		if (copy)
			copy_put(bc, copy);
		return NULL;
	}
	*p = (struct bc_park){ .bytes = copy, .jit_gen = jit_code_gen(c), .page = pg, .pnext = pg->parks,
			       .older = bc->park_newest };
	if (bc->park_newest)
		bc->park_newest->newer = p;
	else
		bc->park_oldest = p;
	bc->park_newest = p;
	pg->parks = p;
	pg->nparks++;
	bc->park_bytes += size;
	return p;
}

/* A park for all of pg's blocks, which takes its arrays and its copy of
 * their bytes (pg gets the park's fresh copy). NULL: no park (park_new()),
 * the blocks are freed. */
static struct bc_park *park_open(struct cpu *c, struct block_cache *bc, struct bc_page *pg)
{
	const size_t size = sizeof(struct bc_park) + CPU_PAGE_SIZE + pg->cap * (sizeof(*pg->blk) + sizeof(*pg->span));
	struct bc_park *p = pg->n ? park_new(c, bc, pg, size) : NULL;
	if (!p)
		return NULL;
	uint8_t *copy = p->bytes;
	p->blk = pg->blk;
	p->span = pg->span;
	p->n = pg->n;
	p->cap = pg->cap;
	p->bytes = pg->bytes;
	pg->blk = NULL;
	pg->span = NULL;
	pg->n = pg->cap = 0;
	pg->bytes = copy;
	return p;
}

/* Does [off, off + n) of pg overlap a block's bytes, or those of the
 * block being recorded? (Not the queue's bytes past them: block_shadow().) */
static bool page_overlaps(const struct block_cache *bc, const struct bc_page *pg, unsigned off, unsigned n)
{
	for (uint32_t k = 0; k < pg->n; k++) {
		const unsigned boff = pg->span[k] & 0xFFFF, bn = (pg->span[k] >> 16) & 0xFF;
		if (boff < off + n && off < boff + bn)
			return true;
	}
	const unsigned roff = bc->scratch->phys & (CPU_PAGE_SIZE - 1);
	return bc->recording && !bc->rec_dead && bc->rec_page == pg && roff < off + n &&
	       off < roff + bc->scratch->nbytes;
}

void bc_stop_running(struct cpu *c)
{
	struct bc_block *b = c->in.blk;
	struct block_cache *bc = c->in.bcache;
	if (!b || !bc)
		return;
	if (b->tag) {
		struct bc_page *pg = *phys_code_slot(c, b->phys);
		block_drop(c, bc, pg, b);
		page_rebuild_bits(c, bc, pg);
		bc->stats.invalidations++;
	}
	stop_if_running(c, bc, b);
}

/* b, off the hash table's chain and its page, parked as p->blk[k] (its
 * span there, whose top byte becomes its mode bits in place of its
 * prefetch queue's shadow). Links to it must be made
 * stale (bc_links_stale()) and bc->nparked counted by the caller. */
static void park_block(struct block_cache *bc, struct bc_park *p, uint32_t k, struct bc_block *b)
{
	hash_unlink(bc, b);
	p->span[k] = (p->span[k] & 0xFFFFFF) | (uint32_t)(uint8_t)(b->tag >> 32) << 24; /* (not its shadow) */
	b->tag = 0;
	uint32_t *bucket = park_bucket(bc, (uint32_t)b->key);
	b->hnext = *bucket;
	*bucket = bc_ref(bc, b);
	bc->nblocks--;
	p->left++;
	bc->stats.parked++;
}

/* A write of at least this many bytes over part of a page's code is a
 * program (or an overlay) loaded over part of another's: the blocks it
 * drops are parked (park_some()). Shorter writes (a guest's stores,
 * self-modifying code) drop theirs, so that their parks do not push a
 * page's program loads out of its BC_PARKS_PER_PAGE. */
enum { BC_PARK_MIN_WRITE = 64 };

/* A park for the blocks of pg that a write of [off, off + n) overlaps,
 * but the running block (it is freed: stop_if_running()), with room
 * for exactly them and a copy of nothing yet: bc_code_write() moves each
 * in with its bytes as it drops it. NULL: none, or no park (park_new()). */
static struct bc_park *park_some(struct cpu *c, struct block_cache *bc, struct bc_page *pg, unsigned off, unsigned n)
{
	uint32_t count = 0;
	for (uint32_t k = 0; k < pg->n; k++) {
		const unsigned boff = pg->span[k] & 0xFFFF, bn = (pg->span[k] >> 16) & 0xFF;
		count += boff < off + n && off < boff + bn && pg->blk[k] != c->in.blk;
	}
	if (!count)
		return NULL;
	struct bc_block **blk = malloc(count * sizeof(*blk));
	uint32_t *span = malloc(count * sizeof(*span));
	struct bc_park *p = blk && span ? park_new(c, bc, pg, sizeof(*p) + CPU_PAGE_SIZE + count * (sizeof(*blk) + sizeof(*span)))
				       : NULL;
	if (!p) {
		free(blk);
		free(span);
		return NULL;
	}
	p->blk = blk;
	p->span = span;
	p->cap = count;
	return p;
}

/* Every block of pg dropped at once (a write over all their bytes: a
 * program loaded over another), and parked if it can be (the running
 * block is freed: stop_if_running()). In the arrays'
 * order, with no swaps, and with the header of the block 8 ahead and the
 * hash buckets of the one 4 ahead fetched early, so that their cache
 * misses overlap instead of coming in a row per block (1.9% of the nmake
 * build's samples: docs/cpu-speed.md, "Program loads"). */
static void page_drop_all(struct cpu *c, struct block_cache *bc, struct bc_page *pg)
{
	struct bc_park *p = park_open(c, bc, pg);
	struct bc_block **blk = p ? p->blk : pg->blk;
	const uint32_t n = p ? p->n : pg->n;
	for (uint32_t k = 0; k < n; k++) {
		if (k + 8 < n)
			__builtin_prefetch(&blk[k + 8]->key, 1);
		if (k + 4 < n) {
			__builtin_prefetch(bc_bucket(bc, (uint32_t)blk[k + 4]->key), 1);
			if (p)
				__builtin_prefetch(park_bucket(bc, (uint32_t)blk[k + 4]->key), 1);
		}
		struct bc_block *b = blk[k];
		bc->stats.invalidations++;
		if (p && b != c->in.blk) {
			park_block(bc, p, k, b);
			continue;
		}
		block_free(c, bc, b);
		stop_if_running(c, bc, b);
		if (p)
			blk[k] = NULL;
	}
	pg->n = 0;
	if (p) {
		bc->nparked += p->left;
		bc_links_stale(c, bc); /* (links to the parked blocks) */
		if (!p->left)
			park_free(c, bc, p, true);
	}
}

/* Does a write of [off, off + n) on pg cover every translated byte of the
 * page: the bits outside it are clear or, with the prefetch queue
 * modelled, only the queue's bytes past blocks (block_shadow(), the
 * page's head_shadow) are outside it? Then it is a program loaded over
 * another, and page_drop_all() parks the page's blocks. */
static bool write_covers_all(const struct cpu *c, const struct block_cache *bc, const struct bc_page *pg, unsigned off,
			     unsigned n)
{
	if (!bits_any(pg->bits, 0, off) && !bits_any(pg->bits, off + n, CPU_PAGE_SIZE - off - n))
		return true;
	if (!c->in.pq.len)
		return false;
	for (uint32_t k = 0; k < pg->n; k++) {
		const unsigned boff = pg->span[k] & 0xFFFF, bn = (pg->span[k] >> 16) & 0xFF;
		if (boff < off || boff + bn > off + n)
			return false;
	}
	const unsigned roff = bc->scratch->phys & (CPU_PAGE_SIZE - 1);
	return !(bc->recording && !bc->rec_dead && bc->rec_page == pg &&
		 (roff < off || roff + bc->scratch->nbytes > off + n));
}

void bc_code_write(struct cpu *c, uint32_t pa, uint32_t n)
{
	struct block_cache *bc = c->in.bcache;
	struct bc_page **slot = phys_code_slot(c, pa);
	struct bc_page *pg = slot ? *slot : NULL;
	if (!bc || !pg || n == 0)
		return;
	const unsigned off = pa & (CPU_PAGE_SIZE - 1);
	if (off + n > CPU_PAGE_SIZE)
		n = CPU_PAGE_SIZE - off;
	if (!bits_any(pg->bits, off, n)) {
		bc->stats.data_writes++;
		return;
	}
	bc->stats.code_writes++;
	if (c->in.pq.len && !page_overlaps(bc, pg, off, n))
		return; /* (only the prefetch queue's bytes past blocks: nothing goes) */
	/* Only bits within BC_MAX_BYTES of the write can change: every block
	 * dropped overlaps it and is at most that long. They are cleared and
	 * set again from the blocks that stay, in the same pass over the
	 * spans (12,756 of the nmake build's 15,728 writes to code drop only
	 * some of a page's blocks; making all of the bitmap again after each
	 * took 1.4 M bits_set() calls). */
	unsigned lo = off > BC_MAX_BYTES ? off - BC_MAX_BYTES : 0, hi = off + n + BC_MAX_BYTES + BC_MAX_SHADOW;
	if (hi > CPU_PAGE_SIZE)
		hi = CPU_PAGE_SIZE;
	/* A write that covers every translated byte of the page drops every
	 * block without checking spans (and parks them). */
	if (write_covers_all(c, bc, pg, off, n)) {
		lo = 0; /* (the queue's bytes past the blocks go too) */
		hi = CPU_PAGE_SIZE;
		bits_put(pg->bits, 0, CPU_PAGE_SIZE, false);
		page_drop_all(c, bc, pg);
	} else {
		struct bc_park *p = n >= BC_PARK_MIN_WRITE ? park_some(c, bc, pg, off, n) : NULL;
		bits_put(pg->bits, lo, hi - lo, false);
		for (uint32_t k = 0; k < pg->n;) {
			const uint32_t sp = pg->span[k];
			const unsigned boff = sp & 0xFFFF, bn = (sp >> 16) & 0xFF;
			if (boff >= off + n || off >= boff + bn) {
				bits_set_within(pg->bits, boff, span_bits(pg->span[k]), lo, hi);
				k++;
				continue;
			}
			struct bc_block *b = pg->blk[k];
			bc->stats.invalidations++;
			if (p && b != c->in.blk) {
				page_remove(pg, b); /* (the last block moves to k) */
				memcpy(p->bytes + boff, pg->bytes + boff, bn);
				p->blk[p->n] = b;
				p->span[p->n] = sp;
				b->pidx = (uint16_t)p->n;
				park_block(bc, p, p->n++, b);
				continue;
			}
			block_drop(c, bc, pg, b); /* (the last block moves to k) */
			stop_if_running(c, bc, b);
		}
		if (p) {
			bc->nparked += p->left;
			bc_links_stale(c, bc); /* (links to the parked blocks) */
		}
	}
	bits_set_within(pg->bits, 0, pg->head_shadow, lo, hi);
	if (bc->recording && !bc->rec_dead && bc->rec_page == pg) {
		const unsigned roff = bc->scratch->phys & (CPU_PAGE_SIZE - 1);
		if (roff < off + n && off < roff + bc->scratch->nbytes) {
			bc->rec_dead = true;
			bc->stats.smc_stops++;
		}
	}
	rec_bits_within(bc, pg, lo, hi);
	/* (bits only went: the summary grows to what was freed) */
	page_summarize(pg);
	page_tlb_sync(c, pg);
}

void bc_code_remap(struct cpu *c, uint32_t pa)
{
	struct block_cache *bc = c->in.bcache;
	struct bc_page **slot = phys_code_slot(c, pa);
	if (!bc || !slot || !*slot)
		return;
	bc_code_write(c, pa & ~(CPU_PAGE_SIZE - 1), CPU_PAGE_SIZE);
	while ((*slot)->parks)
		park_free(c, bc, (*slot)->parks, true);
}

/* ---- the whole cache ---- */

enum { BC_LTAB_BYTES = BC_LTAB_SIZE * sizeof(struct bc_fast) };

void bc_links_wrap(struct block_cache *bc)
{
	for (struct bc_page *pg = bc->pages; pg; pg = pg->next)
		for (uint32_t k = 0; k < pg->n; k++)
			pg->blk[k]->fast[0].check = pg->blk[k]->fast[1].check = 0;
	for (unsigned k = 0; k < BC_LTAB_SIZE; k++)
		bc->ltab[k].check = 0;
}

/* Give back what the store's instructions of a block running now held
 * (bc_clear()), once no block runs. */
static void held_release(struct cpu *c, struct block_cache *bc)
{
	if (bc->held_ins) {
		ins_release(c, bc, bc->held_ins, bc->held_nbytes, bc->held_ninsns);
		bc->held_ins = NULL;
	}
}

/* b, a header of a block from the store, is abandoned by a flush: its
 * instructions are given back, unless it is running (c->in.blk, or the
 * block bc_run() steps through: either runs on to the end of the
 * instruction, or of the block, with them): then once no block runs. */
static void flush_release(struct cpu *c, struct block_cache *bc, struct bc_block *b)
{
	if ((b != c->in.blk && b != bc->stepping) || !b->ins) {
		block_release(c, bc, b);
		return;
	}
	held_release(c, bc);
	bc->held_ins = b->ins;
	bc->held_nbytes = b->nbytes;
	bc->held_ninsns = b->ninsns;
}

void bc_clear(struct cpu *c, struct block_cache *bc)
{
	if (!bc)
		return;
	while (bc->park_oldest)
		park_free(c, bc, bc->park_oldest, false);
	if (bc->nblocks < BC_HASH_SIZE / 8) {
		for (struct bc_page *pg = bc->pages; pg; pg = pg->next)
			for (uint32_t k = 0; k < pg->n; k++)
				*bc_bucket(bc, (uint32_t)pg->blk[k]->key) = 0;
	} else {
		memset(bc->hash, 0, sizeof(bc->hash));
	}
	/* Blocks still reachable through the running block's succ[] (the
	 * running block among them) must fail their check until their
	 * memory is reused: their tags go before the page lists. */
	for (struct bc_page *pg = bc->pages; pg; pg = pg->next)
		for (uint32_t k = 0; k < pg->n; k++)
			pg->blk[k]->tag = 0;
	bc_links_stale(c, bc);
	for (struct bc_page *pg = bc->pages; pg; pg = pg->next)
		for (uint32_t k = 0; k < pg->n; k++)
			if (bc_in_store(pg->blk[k]))
				flush_release(c, bc, pg->blk[k]);
	for (struct bc_block *b = bc_blk(bc, bc->free_blocks[0]); b; b = bc_blk(bc, b->hnext))
		flush_release(c, bc, b);
	while (bc->pages) {
		struct bc_page *pg = bc->pages;
		bc->pages = pg->next;
		*phys_code_slot(c, pg->phys) = NULL;
		pg->n = 0;
		pg->next = bc->free_pages;
		bc->free_pages = pg;
	}
	bc->stats.evictions += bc->nblocks;
	bc->stats.flushes++;
	bc->stats.pages = 0;
	bc->nblocks = 0;
	bc->used = 0;
	memset(bc->free_blocks, 0, sizeof(bc->free_blocks));
	bc->free_bytes = 0;
	bc->rec_page = NULL;
	bc->rec_dead = true;
	bc->last = NULL;
	jit_forget(c);
	/* Every page may be written through the TLB again. */
	tlb_drop(c);
}

struct block_cache *bc_alloc(void)
{
	/* Zero is empty: pages of the table and arena are touched as used. */
	struct block_cache *bc = calloc(1, sizeof(*bc));
	if (!bc)
		return NULL;
	bc->arena = aligned_alloc(BC_ALIGN, BC_ARENA_BYTES);
	bc->cap = BC_ARENA_BYTES;
	bc->scratch = malloc(block_size(BC_MAX_INSNS));
	/* The link table as a mapping of its own: zero pages until the link
	 * stub's entries fill them (a memset of its 32 KiB was 8 page faults
	 * at the start of every program, most never needing it: a program
	 * whose blocks are not compiled never reads it). */
	void *ltab = mmap(NULL, BC_LTAB_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bc->ltab = ltab == MAP_FAILED ? NULL : ltab;
	if (!bc->arena || !bc->scratch || !bc->ltab) {
		free(bc->arena);
		free(bc->scratch);
		if (bc->ltab)
			munmap(bc->ltab, BC_LTAB_BYTES);
		free(bc);
		return NULL;
	}
	bc->scratch->ins = bc->scratch->insns;
	return bc;
}

void bc_free(struct cpu *c, struct block_cache *bc)
{
	if (!bc)
		return;
	bc_clear(c, bc);
	held_release(c, bc);
	c->in.code_page_data_writes = c->in.fast_links = c->in.ltab_links = c->in.jit_hits = 0; /* (the cache's figures) */
	while (bc->free_pages) {
		struct bc_page *pg = bc->free_pages;
		bc->free_pages = pg->next;
		free(pg->span);
		free(pg->blk);
		free(pg->bytes);
		free(pg);
	}
	while (bc->free_copies) {
		uint8_t *p = bc->free_copies;
		memcpy(&bc->free_copies, p, sizeof(p));
		free(p);
	}
	free(bc->arena);
	free(bc->scratch);
	munmap(bc->ltab, BC_LTAB_BYTES);
	free(bc);
}

void cpu_set_block_cache_limit(struct cpu *c, size_t bytes)
{
	struct block_cache *bc = c->in.bcache;
	if (!bc && !c->in.bcache_off) {
		bc = c->in.bcache = bc_alloc();
		bc_link_check_update(c);
	}
	if (!bc)
		return;
	bc->cap = bytes < block_size(BC_MAX_INSNS) ? block_size(BC_MAX_INSNS) :
		  bytes > BC_ARENA_BYTES ? BC_ARENA_BYTES : bytes;
	if (bc->used > bc->cap || bc->store_held > bc->cap)
		bc_clear(c, bc);
}

void cpu_set_code_store(struct cpu *c, struct cpu_code_store *s)
{
	if (c->in.cstore == s)
		return;
	/* (blocks from the store hold references on its entries) */
	if (c->in.bcache) {
		bc_clear(c, c->in.bcache);
		held_release(c, c->in.bcache);
	}
	/* (code of a CPU's own area must not stay in a store it leaves) */
	if (c->in.jit) {
		cpu_invalidate_code(c);
		jit_free(c);
	}
	c->in.cstore = s;
}

void cpu_code_stats(const struct cpu *c, struct cpu_code_stats *s)
{
	const struct block_cache *bc = c->in.bcache;
	if (!bc) {
		memset(s, 0, sizeof(*s));
	} else {
		*s = bc->stats;
		s->data_writes += c->in.code_page_data_writes;
		s->fast_links += c->in.fast_links + c->in.ltab_links;
		s->hits += s->fast_links + c->in.jit_hits; /* (compiled code counts those apart) */
		s->blocks = bc->nblocks;
		s->bytes = bc->used - bc->free_bytes;
	}
	jit_stats(c, s);
}

/* ---- finding ---- */

/* b failed the quick check on its context: a block of another mode or past
 * a limited CS limit fails; a block that only needed the limit check
 * (BC_CSLIM) is good; after a mapping change its linear address must
 * still be its physical address (writes to that drop it, so its bytes are
 * then the same). Out of line, so that the hot check needs no saved
 * registers. */
static __attribute__((noinline)) bool bc_recheck(struct cpu *c, struct bc_block *b, uint32_t lin)
{
	const uint64_t ctx = c->in.bc_ctx & ~((uint64_t)BC_CSLIM << 32);
	if (b->tag == 0 || (uint8_t)(b->tag >> 32) != (uint8_t)(ctx >> 32) ||
	    bc_last_off(b) > c->in.sd[SEG_CS].limit || (b->nolimit && ctx != c->in.bc_ctx))
		return false; /* (tag 0: dropped, reached through a stale succ) */
	if (b->tag == ctx)
		return true;
	c->in.bcache->stats.rechecks++;
	uint32_t pa;
	if (cpu_linear_to_phys(c, lin, false, &pa) < 0 || pa != b->phys)
		return false;
	b->tag = ctx;
	return true;
}

/* A CS limit below the code size's top (BC_CSLIM, never part of a
 * block's tag) sends every block to bc_recheck() for the limit check. */
static inline bool bc_valid(struct cpu *c, struct bc_block *b, uint32_t lin)
{
	if (likely(b->tag == c->in.bc_ctx))
		return true;
	return bc_recheck(c, b, lin);
}

/* ---- running ---- */

/* Execute one instruction of a recorded block; returns false when the
 * block must end: the budget spent, an event, or EIP not at the block's
 * next entry (i[1], the end entry after the last; past a JMP inside the
 * block that is its target: bc_record()). */
static inline bool bc_step(struct cpu *c, const struct insn *i)
{
	uint32_t next = (c->ip + i->len) & c->in.ip_mask;
	c->in.insn_ip = c->ip;
	c->in.insn_sp = c->r[REG_SP].d;
	c->ip = next;
	i->impl(c, i);
	c->in.budget_left--;
	return c->in.budget_left != 0 && c->ip == i[1].ip && !c->in.events;
}

/* The threaded form of a handler that neither branches nor ends a block
 * (term == TERM_NONE): such handlers never read c->ip or insn_ip (a fault
 * takes them from c->in.cur), so only the call remains. */
void thread_plain(struct cpu *c, const struct insn *i)
{
	thread_plain_run(c, i, i->impl);
}

/* The entry after a block's last instruction: the block fell through. */
static void block_end(struct cpu *c, const struct insn *i)
{
	insn_current(c, i);
	c->ip = i->ip;
	bc_link(c);
}

/* The last instruction of b overwrites every arithmetic flag: the flags
 * produced by the flag-writing instruction before it (with only FL_PASS
 * instructions in between) are never read, so that one may skip them.
 * Only the threaded twin changes: the block runs whole or, when the budget
 * is short, by impl (bc_step), which keeps every flag. None of these
 * instructions can fault, so no exception sees the skipped flags. */
static void drop_dead_flags(const struct cpu *c, struct bc_block *b)
{
	for (unsigned k = b->ninsns - 1; k-- > 0;) {
		struct insn *p = &b->insns[k];
		if (p->fl & FL_PASS)
			continue;
		op_fn nf = cpu_noflags_twin(c, p);
		if (nf)
			p->fn = nf;
		return;
	}
}

/* i (F_BRANCH, TERM_IF_JUMP) ran and left EIP on the next instruction: did
 * it jump there? The threaded twins of JMP, CALL and RET, of a taken Jcc,
 * LOOP or JCXZ (ops_control.c, ops_fused.c) and the compiled code
 * (jit_compile.c: IK_JMP, IK_CALLREL, IK_RET, emit_jcc()) leave the block
 * at every jump they take, wherever it lands, and go on through
 * bc_link(): the recording must end there too, or the block holds
 * instructions after a JMP $+2 that only the recording ever runs, and
 * the next run starts a block after the jump that recording never made
 * (then which blocks a program has depends on how often its code ran
 * before it was recorded, and a program loaded again asks the code store
 * for blocks that its first run never recorded: docs/x87.md, "Compiled").
 * RET and the near indirect JMP and CALL always jump; a relative one went
 * to the next instruction taken or not when its displacement is 0 modulo
 * the IP size (checked on 16 bits: a 32-bit displacement of 10000h only
 * ends a block needlessly). The jumps a block goes on across are a JMP
 * rel to a constant forward target in its page and byte range
 * (jmp_inside()), whose twin goes on to the target, recorded next, on
 * every run, and a Jcc that was taken to such a target when recorded
 * (jcc_inside()), whose twin goes on there when taken and leaves the
 * block when not: so the run still follows the recording. */
static inline bool jumped_to_next(const struct insn *i)
{
	return !(i->ent->form & (F_REL8 | F_RELV)) || (uint16_t)i->imm == 0;
}

static const struct insn *bc_to_store(struct cpu *c, struct block_cache *bc, const struct bc_block *b);
static struct bc_block *header_take(struct cpu *c, struct block_cache *bc, size_t need);

/* The target of i, the jump being recorded at lin + off in b (lin: b's
 * first byte), if b may go on across it: forward, with room for b's next
 * instruction (at most BC_MAX_INSNS), in b's page and within BC_MAX_BYTES
 * of b's start (the target's own length is checked when it is decoded, as
 * any instruction's: if it does not fit, b ends after the jump, whose end
 * entry links on from the target), and not with the prefetch queue
 * modelled (a jump empties the queue; blocks keep the queue's logic only
 * at their end: block_shadow()). Else 0 (never a target: it is after the
 * jump). The gap's bytes are in b's range [phys, phys + nbytes) (compared
 * by the code store and the parks) but not in the page's bitmap as the
 * recording sets it, so a write to data there is not a code write; a
 * rebuild of the bitmap from the blocks' spans (page_rebuild_bits(), after
 * a drop) marks the gap again, which errs safe: a write there then drops
 * the block as a write over its code would. */
static uint32_t jump_inside(const struct cpu *c, const struct bc_block *b, const struct insn *i, uint32_t lin,
			    uint32_t off)
{
	if (c->in.pq.len || b->ninsns >= BC_MAX_INSNS)
		return 0;
	const uint64_t end = (uint64_t)i->ip + i->len;
	const uint32_t target = (uint32_t)(end + i->imm) & ip_mask(i);
	if (target <= end)
		return 0;
	const uint64_t at = off + (target - end) + i->len; /* the target's offset in b */
	if (at >= BC_MAX_BYTES || ((lin & (CPU_PAGE_SIZE - 1)) + at) >= CPU_PAGE_SIZE)
		return 0;
	return target;
}

/* jump_inside() for a JMP rel (EB, E9), whose target is constant: the
 * block always goes on there. */
static uint32_t jmp_inside(const struct cpu *c, const struct bc_block *b, const struct insn *i, uint32_t lin,
			   uint32_t off)
{
	return cpu_jmp_inside_twin(i) ? jump_inside(c, b, i, lin, off) : 0;
}

/* jump_inside() for a Jcc that was just taken, the block's recording
 * going on (budget and no event): the block goes on at its target while
 * it is taken, and ends after it when not (its twin, cpu_jcc_inside_twin(),
 * and the compiled code, jit_compile.c emit_jcc(), leave there). The
 * direction taken when the block is recorded decides; a branch taken the
 * first time is mostly taken (the nmake build: docs/cpu-speed.md,
 * "Session 17"). */
static uint32_t jcc_inside(const struct cpu *c, const struct bc_block *b, const struct insn *i, uint32_t lin,
			   uint32_t off)
{
	if (!c->in.budget_left || c->in.events || !cpu_jcc_inside_twin(i))
		return 0;
	const uint32_t target = jump_inside(c, b, i, lin, off);
	return target && c->ip == target ? target : 0;
}

/* The bytes past b's end (in its page) that the prefetch queue of its
 * last instruction holds, when it may go on to them: its page's bitmap
 * holds them too, so that a write to them by b's instructions is seen
 * (prefetch.c pq_note_write(); the bytes before its end are its own). */
static unsigned block_shadow(const struct cpu *c, const struct bc_block *b)
{
	const struct insn *last = &b->ins[b->ninsns - 1];
	const unsigned q = c->in.pq.len, end = (b->phys & (CPU_PAGE_SIZE - 1)) + b->nbytes;
	if (q <= last->len || !pq_falls_through(last))
		return 0;
	return end + q - last->len > CPU_PAGE_SIZE ? CPU_PAGE_SIZE - end : q - last->len;
}

/* The prefetch queue of b's last instruction runs on past its page (b
 * ends at the page's end, or near it, and may go on): the first bytes of
 * the next linear page, as it maps now, are held by that page's bitmap
 * (its head_shadow), so that a write to them by b is seen there too. */
static void page_next_shadow(struct cpu *c, struct block_cache *bc, const struct bc_block *b)
{
	const struct insn *last = &b->ins[b->ninsns - 1];
	const unsigned q = c->in.pq.len, end = (b->phys & (CPU_PAGE_SIZE - 1)) + b->nbytes;
	if (q <= last->len || end + q - last->len <= CPU_PAGE_SIZE || !pq_falls_through(last))
		return;
	const unsigned n = end + q - last->len - CPU_PAGE_SIZE;
	const uint32_t lin = ((uint32_t)b->key & ~(uint32_t)(CPU_PAGE_SIZE - 1)) + CPU_PAGE_SIZE;
	uint32_t pa;
	const uint8_t *mem;
	if (cpu_linear_to_phys(c, lin, false, &pa) < 0 || !(mem = phys_host(c, pa, false)))
		return;
	struct bc_page *pg = page_get(c, bc, pa);
	if (!pg)
		return;
	if (n > pg->head_shadow)
		pg->head_shadow = (uint8_t)n;
	page_mark(c, pg, 0, n, mem); /* (pa is the page's base: lin is) */
}

/* Put b, complete in the arena, on its hash chain and its page pg (room
 * reserved), with no links remembered, and the prefetch queue's bytes
 * past it in the bitmaps (block_shadow(), page_next_shadow(); its own
 * shadow's bits are marked by its caller, with its bytes). */
static void block_link_in(struct cpu *c, struct block_cache *bc, struct bc_block *b, struct bc_page *pg)
{
	uint32_t *bucket = bc_bucket(bc, (uint32_t)b->key);
	b->hnext = *bucket;
	*bucket = bc_ref(bc, b);
	page_add(pg, b, block_shadow(c, b)); /* (its bits marked: bc_record(), bc_from_store()) */
	page_next_shadow(c, bc, b);
	bc->nblocks++;
	bc->last = b;
	b->fast[0].check = b->fast[1].check = 0;
}

/* Enter b, complete in the arena, in the cache: its hash chain, its page
 * pg (room reserved), its entry (code: compiled code from the store, or
 * NULL). */
static void block_enter(struct cpu *c, struct block_cache *bc, struct bc_block *b, struct bc_page *pg, op_fn code)
{
	block_link_in(c, bc, b, pg);
	b->entry = b->ins[0].fn;
	jit_block_added(c, b, code);
}

/* Arena room for a block of n instructions (0: the header of a block
 * from the store), from the free list or the arena's end, or NULL (full).
 * Called only when no block runs: a reused header gives back the store's
 * instructions it held. */
static struct bc_block *arena_take(struct cpu *c, struct block_cache *bc, unsigned n)
{
	const size_t size = class_size(n);
	struct bc_block *b = bc_blk(bc, bc->free_blocks[n]);
	if (b) {
		bc->free_blocks[n] = b->hnext;
		__builtin_prefetch(bc_line1(bc_blk(bc, b->hnext)), 1); /* the next pop's header, likely cold by then */
		bc->free_bytes -= size;
		if (!n)
			block_release(c, bc, b);
	} else if (bc->used + size <= bc->cap) {
		b = (struct bc_block *)(bc->arena + bc->used);
		b->tag = 0; /* (not a block until entered: a stale succ[] guess fails) */
		bc->used += size;
	}
	return b;
}

/* Arena room for the block just recorded (bc->scratch): its header only
 * if it runs the store's instructions ins, else the whole block. */
static struct bc_block *commit_room(struct cpu *c, struct block_cache *bc, const struct insn *ins)
{
	const unsigned n = bc->scratch->ninsns;
	return ins ? header_take(c, bc, store_insn_bytes(n)) : arena_take(c, bc, n);
}

/* Enter the recorded block in the cache (a full arena is emptied first,
 * and the block dropped). With a store, the block is added to it first
 * and runs the store's copy of its instructions in place, as if it had
 * come from the store (bc_from_store()): the arena holds its header only.
 * Nothing runs its instructions yet (the recording ran the scratch's), so
 * its header may point at the store's from the start. The store's limit,
 * no store or no memory for it: its own copy after the header. */
static void bc_commit(struct cpu *c, struct block_cache *bc)
{
	struct bc_block *s = bc->scratch;
	bc->recording = false;
	if (bc->rec_dead || s->ninsns == 0 || !bc->rec_page)
		goto drop;
	if (!page_reserve(bc->rec_page))
		goto drop;
	const struct insn *ins = c->in.cstore ? bc_to_store(c, bc, s) : NULL;
	struct bc_block *b = commit_room(c, bc, ins);
	if (!b && bc->park_oldest) {
		parks_evict(c, bc); /* (parked blocks go before live ones) */
		b = commit_room(c, bc, ins);
	}
	if (!b) {
		if (ins)
			cs_release(c->in.cstore, ins, s->nbytes);
		bc_clear(c, bc); /* (empties the recording's page too) */
		goto drop;
	}
	if (ins) {
		memcpy(b, s, sizeof(*b));
		b->ins = ins;
		bc->store_held += store_insn_bytes(s->ninsns);
	} else {
		memcpy(b, s, block_size(s->ninsns));
		b->ins = b->insns;
	}
	block_enter(c, bc, b, bc->rec_page, NULL);
	bc->rec_page = NULL;
	return;
drop:
	if (bc->rec_page)
		page_rebuild_bits(c, bc, bc->rec_page);
	bc->rec_page = NULL;
}

/* ---- the host's code store (code_store.h) ---- */

/* Arena room for the header of a block from the store whose instructions
 * take need bytes, within the cache's limit for the store's instructions
 * its headers hold (store_held, counted as copies would be in the arena:
 * a cache of a few headers must not keep the store from shrinking
 * without bound), or NULL. */
static struct bc_block *header_take(struct cpu *c, struct block_cache *bc, size_t need)
{
	struct bc_block *b = arena_take(c, bc, 0); /* (a reused header gives its back first) */
	if (b && bc->store_held + need > bc->cap) {
		b->ins = NULL;
		free_push(bc, b);
		return NULL;
	}
	return b;
}

/* The block at lin from the code store, entered in the cache as if it had
 * been recorded (it runs when bc_run() comes round again): true, or false
 * when the store holds none for these bytes. The block must fit in the
 * page, the IP range and a limited CS limit where it is found, so that
 * bc_valid() accepts it. Its instructions are the store's, run in place
 * (cs_take(): a reference, given back when its header is reused or the
 * cache emptied); the arena holds only its header. */
static bool bc_from_store(struct cpu *c, struct block_cache *bc, uint32_t lin)
{
	const uint64_t ctx = c->in.bc_ctx, cslim = (uint64_t)BC_CSLIM << 32;
	const uint32_t ip = c->ip;
	uint32_t pa;
	if (cpu_linear_to_phys(c, lin, false, &pa) < 0)
		return false;
	const uint8_t *code = phys_host(c, pa, false);
	if (!code)
		return false;
	uint64_t avail = CPU_PAGE_SIZE - (lin & (CPU_PAGE_SIZE - 1));
	if (avail > BC_MAX_BYTES)
		avail = BC_MAX_BYTES;
	if (avail > (uint64_t)c->in.ip_mask - ip + 1)
		avail = (uint64_t)c->in.ip_mask - ip + 1;
	if ((ctx & cslim) && avail > (uint64_t)c->in.sd[SEG_CS].limit - ip + 1)
		avail = ip > c->in.sd[SEG_CS].limit ? 0 : (uint64_t)c->in.sd[SEG_CS].limit - ip + 1;
	if (avail == 0)
		return false;
	uint64_t gen = 0;
	const struct cpu_jit_area *area = jit_share_area(c, &gen);
	op_fn jcode;
	uint8_t n, nbytes;
	const struct insn *ins = cs_take(c->in.cstore, ip, cs_sig(c, (uint8_t)(ctx >> 32)), code, (unsigned)avail, &n,
					 &nbytes, area, gen, &jcode);
	if (!ins)
		return false;
	/* Room for its header, else the parked blocks evicted, else
	 * everything (as bc_commit() does); then its page. */
	const size_t need = store_insn_bytes(n);
	struct bc_block *b = header_take(c, bc, need);
	if (!b && bc->park_oldest) {
		parks_evict(c, bc);
		b = header_take(c, bc, need);
	}
	if (!b) {
		bc_clear(c, bc);
		b = header_take(c, bc, need);
	}
	struct bc_page *pg = b ? page_get(c, bc, pa) : NULL;
	if (!pg || !page_reserve(pg)) {
		if (b) {
			b->ins = NULL; /* (the reference is given back here) */
			free_push(bc, b);
		}
		cs_release(c->in.cstore, ins, nbytes);
		return false;
	}
	b->ins = ins;
	bc->store_held += need;
	b->key = bc_key(lin, ip);
	b->tag = ctx & ~cslim;
	b->phys = pa;
	b->ninsns = n;
	b->nbytes = nbytes;
	b->nolimit = !(ctx & cslim);
	b->succ[0] = b->succ[1] = NULL;
	page_mark(c, pg, pa & (CPU_PAGE_SIZE - 1), nbytes + block_shadow(c, b), code);
	bc->stats.store_hits++;
	block_enter(c, bc, b, pg, jcode);
	return true;
}

/* ---- reviving parked blocks ---- */

/* b, parked in p (*link: where its park chain holds it), back in the
 * cache on its page pg (room reserved) with tag, its bytes at mem: it
 * keeps its instructions, its compiled code if the area has not been
 * flushed since it was parked, and its succ[] guesses (checked on use);
 * links to it were made stale when it was parked and it remembers none
 * (block_link_in()). */
static void revive(struct cpu *c, struct block_cache *bc, struct bc_page *pg, struct bc_park *p, struct bc_block *b,
		   uint32_t *link, uint64_t tag, const uint8_t *mem)
{
	*link = b->hnext;
	p->blk[b->pidx] = NULL;
	p->left--;
	bc->nparked--;
	b->tag = tag;
	page_mark(c, pg, b->phys & (CPU_PAGE_SIZE - 1), b->nbytes + block_shadow(c, b), mem);
	block_link_in(c, bc, b, pg);
	jit_block_revived(c, b, p->jit_gen);
	bc->stats.revived++;
}

/* After one block of p came back (its page's linear address lin_page maps
 * to it now, page_mem its memory): every other block of p whose bytes
 * are back too, at once, if it was decoded in this mode (the CS limit is
 * checked when it is used: bc_valid()) on this linear page. The program
 * is loaded again and most of them will run (in the nmake build 97% of
 * the parked blocks were revived one by one), each then found by
 * bc_link() rather than after a round through bc_run(). The bytes are
 * compared first (the park's arrays and copy); the header of the block
 * 8 ahead and the hash buckets of the one 4 ahead are fetched early, as
 * page_drop_all() does, so that their misses overlap. */
static void revive_rest(struct cpu *c, struct block_cache *bc, struct bc_page *pg, struct bc_park *p, uint32_t lin_page,
			const uint8_t *page_mem, uint64_t tag)
{
	const uint8_t mode = (uint8_t)(tag >> 32);
	for (uint32_t k = 0; k < p->n && p->left; k++) {
		if (k + 8 < p->n && p->blk[k + 8])
			__builtin_prefetch(bc_line1(p->blk[k + 8]));
		if (k + 4 < p->n && p->blk[k + 4]) {
			const uint32_t ahead = (uint32_t)p->blk[k + 4]->key;
			__builtin_prefetch(park_bucket(bc, ahead));
			__builtin_prefetch(bc_bucket(bc, ahead), 1);
		}
		struct bc_block *b = p->blk[k];
		if (!b)
			continue;
		const uint32_t sp = p->span[k], off = sp & 0xFFFF, nbytes = (sp >> 16) & 0xFF;
		if ((uint8_t)(sp >> 24) != mode || memcmp(p->bytes + off, page_mem + off, nbytes) != 0)
			continue;
		if ((uint32_t)b->key != (lin_page | off))
			continue; /* (decoded through another linear page) */
		if (!page_reserve(pg))
			return;
		uint32_t *link = park_bucket(bc, (uint32_t)b->key);
		while (*link != bc_ref(bc, b))
			link = &bc_blk(bc, *link)->hnext;
		revive(c, bc, pg, p, b, link, tag, page_mem + off);
	}
}

/* A parked block for lin and CS:IP taken back into the cache, as if it
 * had been recorded now (it runs when bc_run() comes round again), with
 * the rest of its park whose bytes are back (revive_rest()): true, or
 * false when none is parked there with the context now (mode bits, the
 * CS limit as bc_recheck() checks it, lin on the same physical byte) and
 * its bytes, all of them, equal to memory now (compared with the park's
 * copy). No copy, no store lookup. */
static bool bc_revive(struct cpu *c, struct block_cache *bc, uint32_t lin)
{
	const uint64_t cslim = (uint64_t)BC_CSLIM << 32, ctx = c->in.bc_ctx, key = bc_key(lin, c->ip);
	const uint8_t mode = (uint8_t)((ctx & ~cslim) >> 32);
	uint32_t *pp = park_bucket(bc, lin);
	struct bc_block *b;
	uint32_t pa = 0;
	const uint8_t *mem = NULL;
	for (; (b = bc_blk(bc, *pp)); pp = &b->hnext) {
		if (b->key != key)
			continue;
		if (!mem && (cpu_linear_to_phys(c, lin, false, &pa) < 0 || !(mem = phys_host(c, pa, false))))
			return false;
		if (b->phys != pa || bc_last_off(b) > c->in.sd[SEG_CS].limit || (b->nolimit && (ctx & cslim)))
			continue;
		struct bc_page *pg = *phys_code_slot(c, pa); /* (parks keep their page's record) */
		struct bc_park *p = pg->parks;
		while (p && !(b->pidx < p->n && p->blk[b->pidx] == b))
			p = p->pnext;
		if (!p || (uint8_t)(p->span[b->pidx] >> 24) != mode ||
		    memcmp(p->bytes + (pa & (CPU_PAGE_SIZE - 1)), mem, b->nbytes) != 0)
			continue;
		if (!page_reserve(pg))
			return false;
		revive(c, bc, pg, p, b, pp, ctx & ~cslim, mem);
		revive_rest(c, bc, pg, p, lin & ~(CPU_PAGE_SIZE - 1), mem - (pa & (CPU_PAGE_SIZE - 1)), ctx & ~cslim);
		if (!p->left)
			park_free(c, bc, p, true);
		bc->last = b;
		return true;
	}
	return false;
}

/* Give the store a copy of b, just recorded (its bytes in memory are still
 * the ones it was decoded from: a write to them would have dropped it):
 * the store's instructions for it with a reference taken (cs_add(): the
 * copy, or an equal block another CPU added meanwhile), or NULL. */
static const struct insn *bc_to_store(struct cpu *c, struct block_cache *bc, const struct bc_block *b)
{
	const uint8_t *code = phys_host(c, b->phys, false);
	if (!code)
		return NULL;
	const uint8_t mode = (uint8_t)(b->tag >> 32) | (b->nolimit ? 0 : BC_CSLIM);
	bc->stats.store_adds++;
	return cs_add(c->in.cstore, (uint32_t)(b->key >> 32), cs_sig(c, mode), code, b->nbytes, b->ins, b->ninsns);
}

/* Record a block at lin while executing it (into bc->scratch; bc_commit()
 * keeps it). The bytes of each instruction are marked in the page's bitmap
 * before it runs, so that a write to them ends the recording. */
static void bc_record(struct cpu *c, struct block_cache *bc, uint32_t lin)
{
	struct bc_block *b = bc->scratch;
	held_release(c, bc); /* (no block runs) */
	bc->stepping = NULL;
	if (bc->nparked && bc_revive(c, bc, lin))
		return;
	if (c->in.cstore && bc_from_store(c, bc, lin))
		return;
	bc->stats.misses++;
	b->ninsns = 0;
	b->nbytes = 0;
	b->succ[0] = b->succ[1] = NULL;
	bc->recording = true;
	bc->rec_dead = false;
	bc->rec_page = NULL;
	bc->rec_shadow = 0;
	uint32_t at = 0; /* where the next instruction is in the block: b->nbytes, or past a JMP's gap */
	for (;;) {
		struct insn *i = &b->insns[b->ninsns];
		struct insn d;
		c->in.insn_ip = c->ip;
		c->in.insn_sp = c->r[REG_SP].d;
		cpu_decode(c, &d); /* into a copy: a fault here leaves the block whole */
		uint32_t n = at, len = d.len;
		uint32_t pa = 0;
		const uint8_t *src = NULL;
		bool ok = n + len <= BC_MAX_BYTES && (uint64_t)c->ip + len - 1 <= c->in.ip_mask &&
			  (lin >> CPU_PAGE_SHIFT) == ((lin + n + len - 1) >> CPU_PAGE_SHIFT) &&
			  cpu_linear_to_phys(c, lin + n, false, &pa) == 0 && (src = phys_host(c, pa, false)) != NULL;
		if (ok && n == 0) {
			b->phys = pa;
			ok = (bc->rec_page = page_get(c, bc, pa)) != NULL;
		}
		if (!ok) {
			/* Not cacheable here: keep the block so far, run this
			 * one on its own (its prefetch queue compared). */
			bc->stats.singles++;
			bc_commit(c, bc);
			struct pq_snap qs;
			pq_snap(c, c->ip, (c->ip + d.len) & c->in.ip_mask, &qs);
			c->ip = (c->ip + d.len) & c->in.ip_mask;
			d.impl(c, &d);
			c->in.budget_left--;
			pq_seen(c, &qs);
			return;
		}
		if (b->ninsns == 0) {
			b->key = bc_key(lin, c->ip);
			b->nolimit = !(c->in.bc_ctx & ((uint64_t)BC_CSLIM << 32));
		}
		*i = d;
		if (b->nolimit)
			i->fn = cpu_nolimit_twin(i);
		/* Its bytes, and those after it that its prefetch queue holds
		 * (a write to them ends the block after it: prefetch.c); the
		 * queue's bytes on the next page are compared instead. */
		const unsigned poff = pa & (CPU_PAGE_SIZE - 1), q = c->in.pq.len;
		const unsigned shadow = q <= len ? 0 : poff + q > CPU_PAGE_SIZE ? CPU_PAGE_SIZE - poff - len : q - len;
		bc->rec_shadow = (uint8_t)shadow;
		if (n > b->nbytes) /* (a JMP's gap: in the page's copy for the parks, not in its bitmap) */
			memcpy(bc->rec_page->bytes + poff - (n - b->nbytes), src - (n - b->nbytes), n - b->nbytes);
		page_mark(c, bc->rec_page, poff, len + shadow, src);
		struct pq_snap qs = { .n = 0 };
		if (q > len && poff + q > CPU_PAGE_SIZE)
			pq_snap(c, c->ip, (c->ip + len) & c->in.ip_mask, &qs);
		b->nbytes = (uint8_t)(n + len);
		at = n + len;
		b->ninsns++;
		b->tag = c->in.bc_ctx & ~((uint64_t)BC_CSLIM << 32);
		i->charge = b->ninsns;
		struct insn *prev = b->ninsns >= 2 ? &b->insns[b->ninsns - 2] : NULL;
		const op_fn prev_fn = prev ? prev->fn : NULL;
		if (prev)
			cpu_fuse(prev, i, b->nolimit);
		if (i->fl & FL_KILL)
			drop_dead_flags(c, b);
		/* The end entry after the last instruction (after a JMP the
		 * block goes on across, at its target). */
		const uint32_t target = jmp_inside(c, b, i, lin, n);
		if (target) {
			i->fn = cpu_jmp_inside_twin(i);
			at = n + len + (target - (i->ip + len));
		}
		b->insns[b->ninsns].fn = block_end;
		b->insns[b->ninsns].ip = target ? target : (i->ip + len) & c->in.ip_mask;
		b->insns[b->ninsns].charge = b->ninsns;
		bool more = bc_step(c, i);
		pq_seen(c, &qs);
		const uint32_t jcc_target = more ? 0 : jcc_inside(c, b, i, lin, n);
		if (jcc_target) {
			/* Taken: the block goes on at its target (not fused
			 * with the compare before it, whose fused twins leave
			 * when it is taken). */
			i->fn = cpu_jcc_inside_twin(i);
			if (prev && prev->ent->fn != op_esc)
				prev->fn = prev_fn;
			b->insns[b->ninsns].ip = jcc_target;
			at = n + len + (jcc_target - (i->ip + len));
			more = true;
		}
		if (!more || c->in.pq.mask || i->term >= TERM_ALWAYS || (i->term == TERM_IF_JUMP && jumped_to_next(i)) ||
		    b->ninsns == BC_MAX_INSNS || bc->rec_dead) {
			bc_commit(c, bc);
			return;
		}
	}
}

/* The threaded form of any handler without a threaded twin
 * (thread_generic_run()). */
void thread_generic(struct cpu *c, const struct insn *i)
{
	thread_generic_run(c, i, i->impl);
}

/* Run one valid block that fits in the budget, threaded: each instruction
 * tail-calls the next. Afterwards c->in.cur is the instruction that ended
 * the block (or the end entry), and its charge is what the block retired.
 * If one faults or exits, bc_settle() counts from c->in.cur. */
static inline void bc_run_block(struct cpu *c, struct bc_block *b)
{
	c->in.blk = b;
	c->in.cur = b->ins;
	c->in.link_depth = 0;
	c->in.smc_stop = false;
	jit_count_entry(c, b);
	b->entry(c, b->ins);
	/* bc_link() charges the blocks it leaves and clears blk when it stops. */
	if (c->in.blk) {
		c->in.budget_left -= c->in.cur->charge;
		c->in.bcache->last = c->in.blk;
		c->in.blk = NULL;
	}
}

/* The live block at lin/ip, or NULL: one of the two that `from` (may be
 * NULL) was last linked to, else from the hash table (then remembered in
 * from->succ). */
static inline struct bc_block *bc_next(struct block_cache *bc, struct bc_block *from, uint32_t lin, uint32_t ip)
{
	const uint64_t key = bc_key(lin, ip);
	if (from) {
		/* (tag 0: dropped since; the table may hold its successor) */
		struct bc_block *s0 = from->succ[0], *s1 = from->succ[1];
		if (s0 && s0->key == key && s0->tag)
			return s0;
		if (s1 && s1->key == key && s1->tag)
			return s1;
	}
	struct bc_block *next = bc_find(bc, lin, ip);
	if (next && from) {
		from->succ[1] = from->succ[0];
		from->succ[0] = next;
	}
	return next;
}

void bc_link(struct cpu *c)
{
	c->in.budget_left -= c->in.cur->charge;
	if (unlikely(c->in.events) || unlikely(++c->in.link_depth > BC_LINK_MAX)) {
		c->in.bcache->last = c->in.blk;
		c->in.blk = NULL;
		return;
	}
	const uint32_t lin = c->seg_base[SEG_CS] + c->ip;
	struct block_cache *bc = c->in.bcache;
	/* The blocks this one was last linked to first: a pointer into the
	 * arena always points at a block's start (blocks are carved and
	 * reused whole, and a flush leaves no live block that points into
	 * the old ones), so its key and tag are checked like a found one's. */
	struct bc_block *next = bc_next(bc, c->in.blk, lin, c->ip);
	if (!next || !bc_valid(c, next, lin) || c->in.budget_left <= next->ninsns) {
		bc->last = c->in.blk;
		c->in.blk = NULL;
		return;
	}
	bc->stats.hits++;
	if (jit_compiled(next) && jit_compiled(c->in.blk)) {
		/* for the link stub of compiled blocks (block_cache.h ltab) */
		struct bc_fast *l = &bc->ltab[bc_ltab_slot(lin)];
		*l = (struct bc_fast){ .blk = next, .key = next->key, .check = c->in.link_check,
				       .code = jit_link_code(next) };
	}
	c->in.blk = next;
	c->in.cur = next->ins;
	jit_count_entry(c, next);
	/* Its likely successor's header, which the next bc_link() reads
	 * first: fetched while this block runs (the live blocks do not fit in
	 * the host's L2 in a large program); and, for compiled code, its own
	 * fast[], which its link stub reads first. */
	__builtin_prefetch(bc_line1(next->succ[0]));
	__builtin_prefetch(next);
	next->entry(c, next->ins);
}

#ifndef NDEBUG
/* Debug builds (the tests): c->in.link_check must equal bc_ctx | the
 * link epoch whenever compiled code may compare it (block_cache.h
 * bc_link_check_update()); a change of either that does not update it
 * stops the test that makes it, here, where bc_run() picks a block. An
 * internal invariant, not guest input: release builds do not look. */
static void bc_check_link_word(const struct cpu *c, const struct block_cache *bc)
{
	if (c->in.link_check != (c->in.bc_ctx | bc->link_epoch)) {
		fprintf(stderr, "mvdm: c->in.link_check is stale (block_cache.h bc_link_check_update())\n");
		abort();
	}
}
#endif

void bc_run(struct cpu *c, struct block_cache *bc)
{
	while (!c->in.events && c->in.budget_left) {
		jit_poll(c);
#ifndef NDEBUG
		bc_check_link_word(c, bc);
#endif
		const uint32_t lin = c->seg_base[SEG_CS] + c->ip;
		struct bc_block *b = bc_next(bc, bc->last, lin, c->ip);
		bc->last = NULL;
		if (b && !bc_valid(c, b, lin)) {
			/* Recorded for another context: replace it. */
			struct bc_page *pg = *phys_code_slot(c, b->phys);
			block_drop(c, bc, pg, b);
			page_rebuild_bits(c, bc, pg);
			b = NULL;
		}
		if (!b) {
			bc_record(c, bc, lin);
		} else if (likely(c->in.budget_left > b->ninsns)) {
			bc->stats.hits++;
			bc_run_block(c, b);
		} else {
			/* Step by step; a write that drops the block ends it. */
			bc->stats.hits++;
			bc->last = b;
			bc->stepping = b; /* (its store instructions held: flush_release()) */
			const struct insn *i = b->ins, *end = b->ins + b->ninsns;
			while (bc_step(c, i) && ++i < end && b->tag)
				;
			bc->stepping = NULL;
		}
	}
}

void bc_settle(struct cpu *c)
{
	struct block_cache *bc = c->in.bcache;
	if (bc && bc->recording)
		bc_commit(c, bc);
	if (!c->in.blk)
		return;
	c->in.budget_left -= c->in.cur->charge - 1u;
	c->in.blk = NULL;
}
