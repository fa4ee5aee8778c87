/*
 * jit.c - the block compiler and the JIT's per-CPU state (jit.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/code_store.h"
#include "cpu/jit.h"
#include "cpu/jit_emit.h"

/* Entries before a block is compiled (CPU_JIT_ON). With a code store,
 * compiled code is kept with the store's entry (a program loaded again,
 * or another VM of the host, takes it compiled), so a block is compiled
 * about once per host, and its count starts again at every load: a block
 * a tool runs 20 times per load ran threaded in every one of the nmake
 * build's loads with 64 (17.7 M of its 266 M guest instructions in
 * blocks still counting). docs/cpu-speed.md, sessions 10 and 14: 64
 * compiles 5,400 blocks (7.89 G host instructions), 16: 9,000 (7.59 G),
 * 8: 7.55 G; in session 10, 256: 11.79 G, 32: 11.44 G. Without a store
 * (CODE_SHARING=off) each CPU pays for its own compiles: 256, as before
 * (100 VMs compiling CL took 31% more CPU time with 64). */
enum { JIT_THRESHOLD_SHARED = 16, JIT_THRESHOLD = 256 };

bool jit_supported(void)
{
#if defined(__x86_64__) && defined(__linux__)
	return true;
#else
	return false;
#endif
}

static enum cpu_jit jit_mode(const struct cpu *c)
{
	return jit_supported() ? (enum cpu_jit)c->in.jit_mode : CPU_JIT_OFF;
}

void jit_hot(struct cpu *c, struct bc_block *b)
{
	struct jit *j = c->in.jit;
	b->heat = JIT_HEAT_IDLE;
	if (!j || j->dead || b->jstate != JS_COLD || jit_mode(c) == CPU_JIT_OFF)
		return;
	if (j->npending >= JIT_PENDING_MAX) {
		b->heat = j->threshold; /* (the queue is full: later) */
		return;
	}
	j->pending[j->npending++] = b;
	b->jstate = JS_QUEUED;
}

/* The CPU's JIT state, made with its first block (NULL: no memory). A
 * host's area is attached at once, so that the store can give this CPU
 * the code other CPUs compiled there; a CPU without one makes its own at
 * its first compile (its code is shared through the store too, with
 * itself after a reload, until the area goes: jit_free()). */
static struct jit *jit_get(struct cpu *c, enum cpu_jit m)
{
	struct jit *j = c->in.jit;
	if (j)
		return j;
	j = c->in.jit = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->threshold = m == CPU_JIT_FORCE ? 1 : c->in.cstore ? JIT_THRESHOLD_SHARED : JIT_THRESHOLD;
	atomic_init(&j->no_gen, 0);
	j->area_gen = &j->no_gen;
	j->area = c->in.jit_area;
	j->share = true;
	if (j->area) {
		jit_area_attach(j->area, &j->user);
		j->area_gen = jit_area_gen(j->area);
	}
	return j;
}

const struct cpu_jit_area *jit_share_area(const struct cpu *c, uint64_t *gen)
{
	const struct jit *j = c->in.jit;
	if (!j || !j->share || j->dead || !c->in.cstore || !j->area)
		return NULL;
	*gen = atomic_load_explicit(j->area_gen, memory_order_acquire);
	return j->area;
}

void jit_block_added(struct cpu *c, struct bc_block *b, op_fn code)
{
	b->heat = JIT_HEAT_IDLE;
	b->jstate = JS_COLD;
	const enum cpu_jit m = jit_mode(c);
	if (m == CPU_JIT_OFF)
		return;
	struct jit *j = jit_get(c, m);
	if (!j || j->dead)
		return;
	if (code) {
		/* (compiled by this or another CPU of the area: jit_compile()) */
		b->entry = code;
		b->jstate = JS_DONE;
		j->stats.jit_shared++;
		return;
	}
	if (m == CPU_JIT_FORCE && j->npending < JIT_PENDING_MAX) {
		j->pending[j->npending++] = b;
		b->jstate = JS_QUEUED;
		return;
	}
	b->heat = j->threshold;
}

uint64_t jit_code_gen(const struct cpu *c)
{
	return c->in.jit ? c->in.jit->user.seen : 0;
}

void jit_block_revived(struct cpu *c, struct bc_block *b, uint64_t gen)
{
	const struct jit *j = c->in.jit;
	if (b->jstate == JS_DONE) {
		if (j && !j->dead && j->user.seen == gen && jit_mode(c) != CPU_JIT_OFF) {
			b->heat = JIT_HEAT_IDLE;
			return;
		}
		b->entry = b->ins[0].fn;
	}
	/* (a block in any other state has that entry already: its
	 * instructions are not read here, a cache miss for a cold block) */
	jit_block_added(c, b, NULL);
}

/* ---- code memory ---- */

/* Every compiled block of the cache back to threaded code (nothing of this
 * CPU points into the area's code any more), and the area told that this
 * CPU has seen generation gen. Only while no compiled code of this CPU
 * runs. */
static void jit_drop_code(struct cpu *c, struct jit *j, uint64_t gen)
{
	struct block_cache *bc = c->in.bcache;
	if (bc) {
		bc_links_stale(c, bc); /* (links remembered with the old code) */
		for (struct bc_page *pg = bc->pages; pg; pg = pg->next) {
			for (uint32_t k = 0; k < pg->n; k++) {
				struct bc_block *b = pg->blk[k];
				if (b->jstate == JS_DONE || b->jstate == JS_QUEUED) {
					b->entry = b->ins[0].fn;
					b->jstate = JS_COLD;
				}
				if (b->jstate == JS_COLD)
					b->heat = jit_mode(c) != CPU_JIT_OFF ? j->threshold : JIT_HEAT_IDLE;
			}
		}
	}
	j->npending = 0;
	j->stats.jit_flushes++;
	jit_area_seen(j->area, &j->user, gen);
}

/* Give the store b's code (for the CPUs that take b's bytes from it). */
static void jit_to_store(struct cpu *c, const struct bc_block *b, op_fn fn, uint64_t gen)
{
	const uint8_t *code = phys_host(c, b->phys, false);
	if (!code)
		return;
	const uint8_t mode = (uint8_t)(b->tag >> 32) | (b->nolimit ? 0 : BC_CSLIM);
	cs_set_code(c->in.cstore, (uint32_t)(b->key >> 32), cs_sig(c, mode), code, b->nbytes, b->ninsns, c->in.jit->area,
		    gen, fn);
}

/* b's code if another CPU compiled it meanwhile (b was taken from the
 * store before that, and got hot here too), else NULL. */
static op_fn jit_from_store(struct cpu *c, const struct bc_block *b)
{
	uint64_t gen;
	const struct cpu_jit_area *area = jit_share_area(c, &gen);
	const uint8_t *code = area ? phys_host(c, b->phys, false) : NULL;
	if (!code)
		return NULL;
	const uint8_t mode = (uint8_t)(b->tag >> 32) | (b->nolimit ? 0 : BC_CSLIM);
	return cs_get_code(c->in.cstore, (uint32_t)(b->key >> 32), cs_sig(c, mode), code, b->nbytes, b->ninsns, area,
			   gen);
}

#ifndef NDEBUG
static bool within(uintptr_t v, const void *p, size_t n)
{
	return v >= (uintptr_t)p && v - (uintptr_t)p < n;
}

/* Debug builds: the code compiled for a block must not hold the address
 * of anything per CPU (jit_compile.c: it serves every CPU of the host),
 * so no 64-bit immediate of it (MOV r64, imm64: REX.W B8+r, the only way
 * the emitters put a host address into code; a disp32 or rel32 cannot
 * hold one) may point into the CPU, its block cache or its arena. Any 8
 * bytes were checked before; that misfired about once in many ASan runs:
 * a disp32 of 00007Fxxh (a TLB entry of struct cpu at a constant index:
 * the TLB spans offsets 428h-8428h) after four other code bytes reads as
 * an address in a mapping at 7Fxx'xxxxxxxxh, where the arena may lie
 * (seen once in dos-memcombos under ASan). Tested by hand: an extra
 * MOV RAX, block address in emit_cf_helper() stops jit-test. Code that does (a merge that brings an emitter using a block's
 * address) stops the test that compiles it, here rather than in another
 * CPU running it. An internal invariant, not guest input: release builds
 * do not look. */
static void jit_check_shareable(const struct cpu *c, const uint8_t *code, size_t size)
{
	const struct block_cache *bc = c->in.bcache;
	for (size_t k = 2; k + 8 <= size; k++) {
		if ((code[k - 2] & 0xFEu) != 0x48 || (code[k - 1] & 0xF8u) != 0xB8)
			continue;
		uint64_t v;
		memcpy(&v, code + k, 8);
		if (within((uintptr_t)v, c, sizeof(*c)) ||
		    (bc && (within((uintptr_t)v, bc, sizeof(*bc)) || within((uintptr_t)v, bc->arena, BC_ARENA_BYTES)))) {
			fprintf(stderr, "mvdm: compiled code holds a per-CPU address at +%zu (jit_compile.c)\n", k);
			abort();
		}
	}
}
#endif

/* Compile b into the area (under its lock, as any CPU of the host may
 * write there): a full mapping is retired for a new one (then this CPU's
 * other code is dropped, b's kept). */
static void jit_compile(struct cpu *c, struct jit *j, struct bc_block *b)
{
	struct jit_slot s;
	if (!jit_area_lock(j->area, &s)) {
		b->jstate = JS_FAILED;
		b->entry = b->ins[0].fn;
		return;
	}
	struct em e = { s.rw, s.end, false };
	bool ok = jit_emit_block(&e, b, s.stub, c->in.jit_host);
	if (!ok && jit_area_flush_locked(j->area, &s)) {
		e = (struct em){ s.rw, s.end, false };
		ok = jit_emit_block(&e, b, s.stub, c->in.jit_host);
	}
	const size_t size = ok ? (size_t)(e.p - s.rw) : 0;
#ifndef NDEBUG
	jit_check_shareable(c, s.rw, size);
#endif
	if (ok && c->in.perf_map)
		jit_area_perf_block(j->area, &s, size, b);
	jit_area_unlock(j->area, size);
	if (s.gen != j->user.seen)
		jit_drop_code(c, j, s.gen); /* (a flush, here or by another CPU) */
	if (!ok) {
		b->jstate = JS_FAILED;
		b->entry = b->ins[0].fn;
		return;
	}
	op_fn fn;
	memcpy(&fn, &s.rx, sizeof(fn));
	b->entry = fn;
	b->jstate = JS_DONE;
	j->stats.jit_blocks++;
	j->stats.jit_bytes += size;
	if (j->share && c->in.cstore)
		jit_to_store(c, b, fn, s.gen);
}

void jit_run_pending(struct cpu *c)
{
	struct jit *j = c->in.jit;
	if (!j->area && !j->dead) {
		j->area = cpu_jit_area_create(CPU_JIT_AREA_DEFAULT);
		j->own_area = true;
		j->dead = !j->area;
		if (j->area) {
			jit_area_attach(j->area, &j->user);
			j->area_gen = jit_area_gen(j->area);
		}
	}
	if (j->area) {
		const uint64_t gen = atomic_load_explicit(j->area_gen, memory_order_acquire);
		if (gen != j->user.seen)
			jit_drop_code(c, j, gen); /* (another CPU flushed the area) */
	}
	for (unsigned k = 0; k < j->npending; k++) {
		struct bc_block *b = j->pending[k];
		if (b->tag == 0 || b->jstate != JS_QUEUED)
			continue; /* (dropped since, or its memory reused) */
		if (j->dead || (jit_mode(c) == CPU_JIT_ON && !jit_worth(b))) {
			b->jstate = JS_FAILED;
			b->entry = b->ins[0].fn;
			continue;
		}
		op_fn fn = jit_from_store(c, b);
		if (fn) {
			b->entry = fn;
			b->jstate = JS_DONE;
			j->stats.jit_shared++;
			continue;
		}
		jit_compile(c, j, b);
	}
	j->npending = 0;
}

void jit_forget(struct cpu *c)
{
	struct jit *j = c->in.jit;
	if (j)
		j->npending = 0;
}

void jit_free(struct cpu *c)
{
	struct jit *j = c->in.jit;
	if (!j)
		return;
	if (j->area) {
		jit_area_detach(j->area, &j->user);
		if (j->own_area) {
			if (c->in.cstore)
				cs_forget_code(c->in.cstore, j->area);
			cpu_jit_area_destroy(j->area);
		}
	}
	free(j);
	c->in.jit = NULL;
}

void jit_stats(const struct cpu *c, struct cpu_code_stats *s)
{
	const struct jit *j = c->in.jit;
	s->jit_blocks = j ? j->stats.jit_blocks : 0;
	s->jit_bytes = j ? j->stats.jit_bytes : 0;
	s->jit_flushes = j ? j->stats.jit_flushes : 0;
	s->jit_shared = j ? j->stats.jit_shared : 0;
	s->jit_slow = j ? j->stats.jit_slow : 0;
	s->jit_fallbacks = c->in.jit_fallbacks;
}

/* ---- the public settings (cpu.h) ---- */

void cpu_set_jit(struct cpu *c, enum cpu_jit mode)
{
	if (c->in.jit_mode == (uint8_t)mode)
		return;
	c->in.jit_mode = (uint8_t)mode;
	cpu_invalidate_code(c);
	jit_free(c);
}

enum cpu_jit cpu_get_jit(const struct cpu *c)
{
	return jit_mode(c);
}

void cpu_set_jit_host(struct cpu *c, unsigned mask)
{
	const uint8_t host = (uint8_t)jit_host_features(NULL) & (uint8_t)mask;
	if (c->in.jit_host == host)
		return;
	c->in.jit_host = host;
	cpu_invalidate_code(c); /* (the blocks' store signature changes too: cs_sig()) */
	jit_free(c);
}

unsigned cpu_get_jit_host(const struct cpu *c)
{
	return c->in.jit_host;
}

void cpu_set_jit_area(struct cpu *c, struct cpu_jit_area *a)
{
	if (c->in.jit_area == a)
		return;
	cpu_invalidate_code(c);
	jit_free(c);
	c->in.jit_area = a;
}
