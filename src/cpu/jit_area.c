/*
 * jit_area.c - the JIT's code memory (jit.h): one per host, shared by its
 * CPUs, with a byte limit.
 *
 * W^X: the area is a shared memory object (memfd_create(2)) mapped twice,
 * once PROT_READ|PROT_WRITE (where the compiler writes) and once
 * PROT_READ|PROT_EXEC (what runs); no mapping is ever writable and
 * executable. The limit is the object's size. It is carved into chunks of
 * JIT_CHUNK bytes that CPUs take one at a time under a mutex (the VMs of a
 * server run on several threads); a CPU writes only into its own chunks,
 * so compiling needs no lock, and gives them back when it is destroyed.
 */

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu/jit.h"

struct cpu_jit_area {
	pthread_mutex_t lock;
	uint8_t *rw;
	uint8_t *rx;
	size_t size;        /* the limit, a multiple of JIT_CHUNK */
	uint32_t nchunks;   /* size / JIT_CHUNK */
	uint32_t carved;    /* chunks handed out at least once */
	uint32_t nfree;     /* given back, in free[] */
	uint32_t *free;
};

struct cpu_jit_area *cpu_jit_area_create(size_t limit)
{
#if defined(__x86_64__) && defined(__linux__)
	if (limit < JIT_CHUNK)
		limit = JIT_CHUNK;
	if (limit > ((size_t)1 << 30))
		limit = (size_t)1 << 30;
	limit = (limit + JIT_CHUNK - 1) / JIT_CHUNK * JIT_CHUNK;
	struct cpu_jit_area *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->size = limit;
	a->nchunks = (uint32_t)(limit / JIT_CHUNK);
	a->free = calloc(a->nchunks, sizeof(*a->free));
	int fd = memfd_create("mvdm-jit", MFD_CLOEXEC);
	if (!a->free || fd < 0 || ftruncate(fd, (off_t)limit) != 0)
		goto fail;
	a->rw = mmap(NULL, limit, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	a->rx = mmap(NULL, limit, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	if (a->rw == MAP_FAILED || a->rx == MAP_FAILED)
		goto fail;
	close(fd);
	pthread_mutex_init(&a->lock, NULL);
	return a;
fail:
	if (a->rw && a->rw != MAP_FAILED)
		munmap(a->rw, limit);
	if (a->rx && a->rx != MAP_FAILED)
		munmap(a->rx, limit);
	if (fd >= 0)
		close(fd);
	free(a->free);
	free(a);
	return NULL;
#else
	(void)limit;
	return NULL;
#endif
}

void cpu_jit_area_destroy(struct cpu_jit_area *a)
{
	if (!a)
		return;
	munmap(a->rw, a->size);
	munmap(a->rx, a->size);
	pthread_mutex_destroy(&a->lock);
	free(a->free);
	free(a);
}

void cpu_jit_area_usage(const struct cpu_jit_area *a, size_t *limit, size_t *used)
{
	struct cpu_jit_area *m = (struct cpu_jit_area *)a; /* the lock only */
	pthread_mutex_lock(&m->lock);
	*limit = a->size;
	*used = (size_t)(a->carved - a->nfree) * JIT_CHUNK;
	pthread_mutex_unlock(&m->lock);
}

long jit_area_take(struct cpu_jit_area *a)
{
	long idx = -1;
	pthread_mutex_lock(&a->lock);
	if (a->nfree)
		idx = a->free[--a->nfree];
	else if (a->carved < a->nchunks)
		idx = a->carved++;
	pthread_mutex_unlock(&a->lock);
	return idx;
}

void jit_area_give(struct cpu_jit_area *a, const uint32_t *idx, unsigned n)
{
	pthread_mutex_lock(&a->lock);
	for (unsigned k = 0; k < n; k++)
		a->free[a->nfree++] = idx[k];
	pthread_mutex_unlock(&a->lock);
}

uint8_t *jit_area_rw(const struct cpu_jit_area *a, uint32_t idx)
{
	return a->rw + (size_t)idx * JIT_CHUNK;
}

const uint8_t *jit_area_rx(const struct cpu_jit_area *a, uint32_t idx)
{
	return a->rx + (size_t)idx * JIT_CHUNK;
}
