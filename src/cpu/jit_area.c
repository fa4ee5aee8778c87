/*
 * jit_area.c - the JIT's code memory (jit.h): one per host, shared by its
 * CPUs, with a byte limit.
 *
 * W^X: code lives in a shared memory object (memfd_create(2)) mapped
 * twice, once PROT_READ|PROT_WRITE (where the compiler writes) and once
 * PROT_READ|PROT_EXEC (what runs); no mapping is ever writable and
 * executable.
 *
 * Filling: one mapping of `size` bytes (the limit) is current; it starts
 * with the link stub every block leaves through, and blocks are written
 * one after the other under the area's lock (jit_area_lock()), by any CPU.
 * Code is never freed alone: it belongs to the host, a CPU's blocks and
 * the code store's entries point at it, and a block's code serves every
 * CPU whose block has the same bytes (jit_compile.c).
 *
 * Flushing: when a block does not fit, the current mapping is retired and
 * a new empty one made (jit_area_flush_locked()); the generation counts
 * these. A CPU may still run retired code, and its blocks' entries still
 * point there, until it drops all its code (jit.c, at the top of its run
 * loop, where none of its compiled code runs) and says so
 * (jit_area_seen()). A retired mapping is unmapped once every CPU using
 * the area has seen a later generation: until then its code stays valid
 * (the code of its blocks, which the CPU may go on running), so no CPU on
 * any thread can jump into freed or rewritten code. The store serves only
 * code of the current generation (code_store.h). A CPU that does not run
 * keeps retired mappings alive (memory only, at most one per flush).
 *
 * Names for profilers: a CPU with MVDM_PERF_MAP=1 (cpu.c) has each block
 * it compiles named in perf's map of JIT code (jit_perf_map.c), which the
 * area opens at the first such block and closes when it goes; every
 * mapping's stub and shared code are named too once it is open.
 */

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu/jit.h"
#include "cpu/jit_emit.h"

struct jit_map {
	uint8_t *rw;
	uint8_t *rx;
	uint64_t gen;               /* the generation it was current in */
	struct jit_map *next;       /* retired mappings */
};

struct cpu_jit_area {
	pthread_mutex_t lock;       /* around everything below but gen's reads */
	size_t size;                /* bytes of a mapping: the limit */
	struct jit_map *cur;        /* being filled (NULL: no memory for one) */
	size_t top;                 /* bytes of cur used (the stub first) */
	const uint8_t *stub;        /* cur's link stub (written view) */
	_Atomic uint64_t gen;       /* cur's generation (read without the lock) */
	struct jit_map *retired;    /* older mappings, unmapped when unseen */
	struct jit_user *users;     /* the CPUs using the area */
	uint64_t flushes;
	size_t first;               /* offset of a mapping's first block */
	int perf_fd;                /* perf's map (jit_perf_map.c), -1: closed */
	bool perf_failed;           /* it could not be opened: do not retry */
};

static void map_free(struct jit_map *m, size_t size)
{
	if (m->rw && m->rw != MAP_FAILED)
		munmap(m->rw, size);
	if (m->rx && m->rx != MAP_FAILED)
		munmap(m->rx, size);
	free(m);
}

/* A new mapping of size bytes with the link stub at its start (NULL: no
 * memory). */
static struct jit_map *map_new(size_t size, size_t *top)
{
	struct jit_map *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	int fd = memfd_create("mvdm-jit", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)size) != 0)
		goto fail;
	m->rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	m->rx = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	if (m->rw == MAP_FAILED || m->rx == MAP_FAILED)
		goto fail;
	close(fd);
	struct em e = { m->rw, m->rw + size, false };
	if (!jit_emit_link_stub(&e)) {
		map_free(m, size);
		return NULL;
	}
	*top = ((size_t)(e.p - m->rw) + 15) & ~(size_t)15;
	return m;
fail:
	if (fd >= 0)
		close(fd);
	map_free(m, size);
	return NULL;
}

struct cpu_jit_area *cpu_jit_area_create(size_t limit)
{
#if defined(__x86_64__) && defined(__linux__)
	if (limit < JIT_AREA_MIN)
		limit = JIT_AREA_MIN;
	if (limit > ((size_t)1 << 30))
		limit = (size_t)1 << 30; /* (rel32 jumps to the stub) */
	limit = (limit + 4095) & ~(size_t)4095;
	struct cpu_jit_area *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->size = limit;
	a->cur = map_new(limit, &a->top);
	if (!a->cur || pthread_mutex_init(&a->lock, NULL) != 0) {
		if (a->cur)
			map_free(a->cur, limit);
		free(a);
		return NULL;
	}
	a->stub = a->cur->rw;
	a->first = a->top;
	a->perf_fd = -1;
	atomic_init(&a->gen, 1);
	a->cur->gen = 1;
	return a;
#else
	(void)limit;
	return NULL;
#endif
}

void cpu_jit_area_destroy(struct cpu_jit_area *a)
{
	if (!a)
		return;
	if (a->cur)
		map_free(a->cur, a->size);
	for (struct jit_map *m = a->retired, *next; m; m = next) {
		next = m->next;
		map_free(m, a->size);
	}
	if (a->perf_fd >= 0)
		close(a->perf_fd);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

void cpu_jit_area_usage(const struct cpu_jit_area *a, size_t *limit, size_t *used)
{
	struct cpu_jit_area *m = (struct cpu_jit_area *)a; /* the lock only */
	pthread_mutex_lock(&m->lock);
	*limit = a->size;
	*used = a->cur ? a->top : 0;
	pthread_mutex_unlock(&m->lock);
}

uint64_t cpu_jit_area_flushes(const struct cpu_jit_area *a)
{
	struct cpu_jit_area *m = (struct cpu_jit_area *)a; /* the lock only */
	pthread_mutex_lock(&m->lock);
	const uint64_t n = a->flushes;
	pthread_mutex_unlock(&m->lock);
	return n;
}

const _Atomic uint64_t *jit_area_gen(const struct cpu_jit_area *a)
{
	return &a->gen;
}

/* Unmap the retired mappings that no user can reach any more (lock
 * held): those older than the oldest generation a user has seen. */
static void reclaim(struct cpu_jit_area *a)
{
	uint64_t oldest = atomic_load_explicit(&a->gen, memory_order_relaxed);
	for (const struct jit_user *u = a->users; u; u = u->next)
		if (u->seen < oldest)
			oldest = u->seen;
	for (struct jit_map **pp = &a->retired, *m; (m = *pp);) {
		if (m->gen < oldest) {
			*pp = m->next;
			map_free(m, a->size);
		} else {
			pp = &m->next;
		}
	}
}

void jit_area_attach(struct cpu_jit_area *a, struct jit_user *u)
{
	pthread_mutex_lock(&a->lock);
	u->seen = atomic_load_explicit(&a->gen, memory_order_relaxed);
	u->next = a->users;
	a->users = u;
	pthread_mutex_unlock(&a->lock);
}

void jit_area_detach(struct cpu_jit_area *a, struct jit_user *u)
{
	pthread_mutex_lock(&a->lock);
	for (struct jit_user **pp = &a->users; *pp; pp = &(*pp)->next) {
		if (*pp == u) {
			*pp = u->next;
			break;
		}
	}
	reclaim(a);
	pthread_mutex_unlock(&a->lock);
}

void jit_area_seen(struct cpu_jit_area *a, struct jit_user *u, uint64_t gen)
{
	pthread_mutex_lock(&a->lock);
	u->seen = gen;
	reclaim(a);
	pthread_mutex_unlock(&a->lock);
}

bool jit_area_lock(struct cpu_jit_area *a, struct jit_slot *s)
{
	pthread_mutex_lock(&a->lock);
	if (!a->cur) {
		pthread_mutex_unlock(&a->lock);
		return false;
	}
	s->rw = a->cur->rw + a->top;
	s->rx = a->cur->rx + a->top;
	s->end = a->cur->rw + a->size;
	s->stub = a->stub;
	s->gen = atomic_load_explicit(&a->gen, memory_order_relaxed);
	return true;
}

void jit_area_unlock(struct cpu_jit_area *a, size_t used)
{
	a->top += (used + 15) & ~(size_t)15;
	pthread_mutex_unlock(&a->lock);
}

bool jit_area_flush_locked(struct cpu_jit_area *a, struct jit_slot *s)
{
	size_t top;
	struct jit_map *m = map_new(a->size, &top);
	if (!m)
		return false;
	if (a->cur) {
		a->cur->next = a->retired;
		a->retired = a->cur;
	}
	m->gen = atomic_load_explicit(&a->gen, memory_order_relaxed) + 1;
	a->cur = m;
	a->top = top;
	a->stub = m->rw;
	a->flushes++;
	atomic_store_explicit(&a->gen, m->gen, memory_order_release);
	reclaim(a);
	if (a->perf_fd >= 0)
		jit_perf_map_start(a->perf_fd, m->rx, top);
	s->rw = m->rw + top;
	s->rx = m->rx + top;
	s->end = m->rw + a->size;
	s->stub = a->stub;
	s->gen = m->gen;
	return true;
}

void jit_area_perf_block(struct cpu_jit_area *a, const struct jit_slot *s, size_t size, const struct bc_block *b)
{
	if (a->perf_fd < 0 && !a->perf_failed) {
		a->perf_fd = jit_perf_map_open();
		a->perf_failed = a->perf_fd < 0;
		if (a->perf_fd >= 0)
			jit_perf_map_start(a->perf_fd, a->cur->rx, a->first);
	}
	if (a->perf_fd >= 0)
		jit_perf_map_block(a->perf_fd, s->rx, size, b);
}
