/*
 * jit.c - the block compiler and the JIT's per-CPU state (jit.h).
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/jit.h"
#include "cpu/jit_emit.h"

/* Entries before a block is compiled (CPU_JIT_ON). The nmake build
 * (docs/cpu-speed.md) ran fewest host instructions with 64, but took the
 * least CPU time with 256: compiling costs more than its instructions
 * (new code to write and fetch; programs loaded over each other come
 * back as new blocks and are compiled again). */
enum { JIT_THRESHOLD = 256 };

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

void jit_block_added(struct cpu *c, struct bc_block *b)
{
	b->heat = JIT_HEAT_IDLE;
	b->jstate = JS_COLD;
	const enum cpu_jit m = jit_mode(c);
	if (m == CPU_JIT_OFF)
		return;
	struct jit *j = c->in.jit;
	if (!j) {
		j = c->in.jit = calloc(1, sizeof(*j));
		if (!j)
			return;
		j->threshold = m == CPU_JIT_FORCE ? 1 : JIT_THRESHOLD;
	}
	if (j->dead)
		return;
	if (m == CPU_JIT_FORCE && j->npending < JIT_PENDING_MAX) {
		j->pending[j->npending++] = b;
		b->jstate = JS_QUEUED;
		return;
	}
	b->heat = j->threshold;
}

/* ---- code memory ---- */

/* Every compiled block of the cache back to threaded code, and the CPU's
 * chunks empty again. Only while no compiled code runs. */
static void jit_drop_code(struct cpu *c, struct jit *j)
{
	struct block_cache *bc = c->in.bcache;
	if (bc) {
		for (struct bc_page *pg = bc->pages; pg; pg = pg->next) {
			for (struct bc_block *b = pg->blocks; b; b = b->pnext) {
				if (b->jstate == JS_DONE || b->jstate == JS_QUEUED) {
					b->entry = b->insns[0].fn;
					b->jstate = JS_COLD;
				}
				if (b->jstate == JS_COLD)
					b->heat = jit_mode(c) != CPU_JIT_OFF ? j->threshold : JIT_HEAT_IDLE;
			}
		}
	}
	j->npending = 0;
	j->cur = 0;
	j->off = 0;
	j->flush = false;
	j->stats.jit_flushes++;
}

/* Room to write into: the current chunk from off, taking the first one
 * if needed. */
static bool jit_have_chunk(struct jit *j)
{
	if (j->nchunks)
		return true;
	long idx = jit_area_take(j->area);
	if (idx < 0)
		return false;
	j->chunks = malloc(sizeof(*j->chunks) * 4);
	if (!j->chunks) {
		jit_area_give(j->area, (uint32_t[]){ (uint32_t)idx }, 1);
		return false;
	}
	j->cap_chunks = 4;
	j->chunks[0] = (uint32_t)idx;
	j->nchunks = 1;
	j->cur = 0;
	j->off = 0;
	return true;
}

/* Move to the next chunk: one the CPU has, or a new one from the area. */
static bool jit_next_chunk(struct jit *j)
{
	if (j->cur + 1 < j->nchunks) {
		j->cur++;
		j->off = 0;
		return true;
	}
	long idx = jit_area_take(j->area);
	if (idx < 0)
		return false;
	if (j->nchunks == j->cap_chunks) {
		uint32_t *n = realloc(j->chunks, sizeof(*n) * j->cap_chunks * 2);
		if (!n) {
			jit_area_give(j->area, (uint32_t[]){ (uint32_t)idx }, 1);
			return false;
		}
		j->chunks = n;
		j->cap_chunks *= 2;
	}
	j->chunks[j->nchunks] = (uint32_t)idx;
	j->cur = j->nchunks++;
	j->off = 0;
	return true;
}

/* The current chunk's link stub, written at its start when the chunk is
 * still empty: false if it could not be. */
static bool jit_chunk_stub(struct jit *j)
{
	if (j->off)
		return true;
	uint8_t *rw = jit_area_rw(j->area, j->chunks[j->cur]);
	struct em e = { rw, rw + JIT_CHUNK, false };
	if (!jit_emit_link_stub(&e))
		return false;
	const size_t size = (size_t)(e.p - rw);
	j->off = (size + 15) & ~(size_t)15;
	return true;
}

static void jit_compile(struct cpu *c, struct jit *j, struct bc_block *b)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		if (!jit_have_chunk(j) || !jit_chunk_stub(j))
			break;
		uint8_t *rw = jit_area_rw(j->area, j->chunks[j->cur]);
		const uint8_t *rx = jit_area_rx(j->area, j->chunks[j->cur]);
		struct em e = { rw + j->off, rw + JIT_CHUNK, false };
		if (jit_emit_block(&e, b, c->in.bcache ? &c->in.bcache->stats : NULL, rw)) {
			const size_t size = (size_t)(e.p - (rw + j->off));
			op_fn fn;
			const uint8_t *code = rx + j->off;
			memcpy(&fn, &code, sizeof(fn));
			b->entry = fn;
			b->jstate = JS_DONE;
			j->off += (size + 15) & ~(size_t)15;
			j->stats.jit_blocks++;
			j->stats.jit_bytes += size;
			return;
		}
		if (!jit_next_chunk(j))
			jit_drop_code(c, j); /* (b is cold again: queue it anew) */
		if (b->jstate != JS_QUEUED)
			return;
	}
	b->jstate = JS_FAILED;
	b->entry = b->insns[0].fn;
}

void jit_run_pending(struct cpu *c)
{
	struct jit *j = c->in.jit;
	if (j->flush)
		jit_drop_code(c, j);
	if (!j->area && !j->dead) {
		j->area = c->in.jit_area;
		if (!j->area) {
			j->area = cpu_jit_area_create(CPU_JIT_AREA_DEFAULT);
			j->own_area = true;
		}
		j->dead = !j->area;
	}
	for (unsigned k = 0; k < j->npending; k++) {
		struct bc_block *b = j->pending[k];
		if (b->tag == 0 || b->jstate != JS_QUEUED)
			continue; /* (dropped since, or its memory reused) */
		if (j->dead || (jit_mode(c) == CPU_JIT_ON && !jit_worth(b))) {
			b->jstate = JS_FAILED;
			b->entry = b->insns[0].fn;
			continue;
		}
		jit_compile(c, j, b);
	}
	j->npending = 0;
}

void jit_forget(struct cpu *c)
{
	struct jit *j = c->in.jit;
	if (!j)
		return;
	j->npending = 0;
	j->flush = true;
}

void jit_free(struct cpu *c)
{
	struct jit *j = c->in.jit;
	if (!j)
		return;
	if (j->area) {
		jit_area_give(j->area, j->chunks, j->nchunks);
		if (j->own_area)
			cpu_jit_area_destroy(j->area);
	}
	free(j->chunks);
	free(j);
	c->in.jit = NULL;
}

void jit_stats(const struct cpu *c, struct cpu_code_stats *s)
{
	const struct jit *j = c->in.jit;
	s->jit_blocks = j ? j->stats.jit_blocks : 0;
	s->jit_bytes = j ? j->stats.jit_bytes : 0;
	s->jit_flushes = j ? j->stats.jit_flushes : 0;
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

void cpu_set_jit_area(struct cpu *c, struct cpu_jit_area *a)
{
	if (c->in.jit_area == a)
		return;
	cpu_invalidate_code(c);
	jit_free(c);
	c->in.jit_area = a;
}
