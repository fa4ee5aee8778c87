/* code_store.c - the host's store of decoded blocks (code_store.h). */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/code_store.h"

/* The chains: CS_HASH_MIN_BITS at the first block, doubled while there
 * are more blocks than chains, up to CS_HASH_MAX_BITS. A one-shot run
 * records a few dozen blocks: a page of chains, not 512 KiB whose pages
 * each hashed block would fault in. */
enum { CS_HASH_MIN_BITS = 9, CS_HASH_MAX_BITS = 16 };

/* The host's cache line (an entry's instructions start on one). */
enum { CS_LINE = 64 };
_Static_assert(sizeof(struct insn) % CS_LINE == 0, "insn: whole cache lines");

struct cs_entry {
	struct cs_entry *hnext;       /* its hash chain */
	struct cs_entry *newer, *older; /* the list in order of addition (or of a
					 * second chance): newest first */
	uint32_t eip, sig;
	uint32_t size;                /* bytes it takes (counted against the limit) */
	uint8_t ninsns, nbytes;
	bool used;                    /* taken since it was added or last spared */
	bool listed;                  /* on the list (newer, older): off it while
				       * caches hold it, once shrink() met it */
	uint32_t refs;                /* blocks of CPUs' caches running its
				       * instructions (cs_take()): not evicted */
	op_fn jcode;                  /* its compiled code, or NULL (cs_set_code()) */
	const struct cpu_jit_area *jarea; /* ... in this area */
	uint64_t jgen;                /* ... and this generation of it */
	void *mem;                    /* what malloc() gave (entry_new()) */
	/* The nbytes code bytes first, right after the header that a lookup
	 * reads with them, then (at code_room(nbytes), on a cache line) the
	 * ninsns + 1 instructions, which the caches holding a reference run. */
	_Alignas(16) uint8_t data[];
};

static inline size_t code_room(unsigned nbytes)
{
	/* (the instructions start on a cache line, as in a block cache's
	 * arena: one line each, where 16-byte alignment split three in four
	 * of them over two lines; the entry is allocated on one) */
	return ((offsetof(struct cs_entry, data) + nbytes + CS_LINE - 1) & ~(size_t)(CS_LINE - 1)) -
	       offsetof(struct cs_entry, data);
}

/* An entry of size bytes on a cache line (malloc() aligns for
 * max_align_t: up to CS_LINE - that more; aligned_alloc() cost 0.1% of
 * the nmake build's host instructions in its own bookkeeping), or NULL;
 * freed by entry_free(). */
static struct cs_entry *entry_new(size_t size)
{
	void *mem = malloc(size + CS_LINE - _Alignof(max_align_t));
	if (!mem)
		return NULL;
	struct cs_entry *e = (struct cs_entry *)(((uintptr_t)mem + CS_LINE - 1) & ~(uintptr_t)(CS_LINE - 1));
	e->mem = mem;
	return e;
}

static void entry_free(struct cs_entry *e)
{
	free(e->mem);
}

struct cpu_code_store {
	pthread_mutex_t lock;         /* around everything below */
	struct cs_entry **hash;       /* 1 << hash_bits chains (NULL until the first add) */
	unsigned hash_bits;
	struct cs_entry *newest, *oldest;
	size_t limit, bytes;
	struct cpu_code_store_stats stats;
};

static inline uint8_t *entry_code(struct cs_entry *e)
{
	return e->data;
}

static inline struct insn *entry_insns(struct cs_entry *e)
{
	return (struct insn *)(e->data + code_room(e->nbytes));
}

/* Chains by EIP, signature and first byte (all of which must match). */
static inline struct cs_entry **bucket(struct cpu_code_store *s, uint32_t eip, uint32_t sig, uint8_t first)
{
	uint32_t h = eip * 0x9E3779B1u ^ sig * 0x85EBCA77u ^ first * 0xC2B2AE3Du;
	h ^= h >> 16;
	return &s->hash[h & ((1u << s->hash_bits) - 1)];
}

/* Twice the chains (lock held): every entry moves to its new chain. On no
 * memory the old ones stay (longer chains, the same answers). */
static void grow(struct cpu_code_store *s)
{
	struct cs_entry **old = s->hash;
	unsigned old_bits = s->hash_bits;
	struct cs_entry **hash = calloc((size_t)1 << (old_bits + 1), sizeof(*hash));
	if (!hash)
		return;
	s->hash = hash;
	s->hash_bits = old_bits + 1;
	for (size_t k = 0; k < (size_t)1 << old_bits; k++) {
		for (struct cs_entry *e = old[k], *next; e; e = next) {
			next = e->hnext;
			struct cs_entry **chain = bucket(s, e->eip, e->sig, entry_code(e)[0]);
			e->hnext = *chain;
			*chain = e;
		}
	}
	free(old);
}

int cpu_code_store_create(struct cpu_code_store **out, size_t limit)
{
	/* The chains are made with the first block (a VM that never
	 * records one costs only this). */
	struct cpu_code_store *s = calloc(1, sizeof(*s));
	if (!s || pthread_mutex_init(&s->lock, NULL) != 0) {
		free(s);
		*out = NULL;
		return -ENOMEM;
	}
	s->limit = limit ? limit : CPU_CODE_STORE_DEFAULT;
	*out = s;
	return 0;
}

void cpu_code_store_destroy(struct cpu_code_store *s)
{
	if (!s)
		return;
	for (size_t k = 0; s->hash && k < (size_t)1 << s->hash_bits; k++) {
		for (struct cs_entry *e = s->hash[k], *next; e; e = next) {
			next = e->hnext;
			entry_free(e);
		}
	}
	pthread_mutex_destroy(&s->lock);
	free(s->hash);
	free(s);
}

static void use_unlink(struct cpu_code_store *s, struct cs_entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		s->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		s->oldest = e->newer;
}

static void use_push(struct cpu_code_store *s, struct cs_entry *e)
{
	e->newer = NULL;
	e->older = s->newest;
	if (s->newest)
		s->newest->newer = e;
	else
		s->oldest = e;
	s->newest = e;
}

/* Evict entries until at most limit bytes are held (lock held): the
 * oldest first, but one taken since it was added or last spared is spared
 * once more and goes to the front (the "second chance" approximation of
 * least recently used: a hit only sets a flag in the entry, it does not
 * touch the list, whose neighbours would be two more cache misses). An
 * entry whose instructions a cache holds (refs) is taken off the list
 * instead, until the last reference goes (cs_release() puts it back, at
 * the front): the store may stay above its limit while they are held,
 * and no later call walks past them again (when the held entries alone
 * were over the limit, each addition walked all of them: 648 us an
 * addition with 75,000 held in 16 MiB). Each entry is looked at at most
 * twice (once more after its second chance). */
static void shrink(struct cpu_code_store *s)
{
	for (struct cs_entry *e = s->oldest, *newer; s->bytes > s->limit && e; e = newer) {
		newer = e->newer;
		s->stats.scans++;
		use_unlink(s, e);
		if (e->refs) {
			e->listed = false;
			continue;
		}
		if (e->used) {
			e->used = false;
			use_push(s, e);
			if (!newer)
				newer = e; /* (it was the only one left: now look at it again) */
			continue;
		}
		struct cs_entry **pp = bucket(s, e->eip, e->sig, entry_code(e)[0]);
		while (*pp != e)
			pp = &(*pp)->hnext;
		*pp = e->hnext;
		s->bytes -= e->size;
		s->stats.blocks--;
		s->stats.evictions++;
		entry_free(e);
	}
}

void cpu_code_store_set_limit(struct cpu_code_store *s, size_t limit)
{
	pthread_mutex_lock(&s->lock);
	s->limit = limit;
	shrink(s);
	pthread_mutex_unlock(&s->lock);
}

void cpu_code_store_stats(struct cpu_code_store *s, struct cpu_code_store_stats *st)
{
	pthread_mutex_lock(&s->lock);
	*st = s->stats;
	st->bytes = s->bytes;
	st->limit = s->limit;
	pthread_mutex_unlock(&s->lock);
}

const struct insn *cs_take(struct cpu_code_store *s, uint32_t eip, uint32_t sig, const uint8_t *code,
			  unsigned avail, uint8_t *ninsns, uint8_t *nbytes, const struct cpu_jit_area *area, uint64_t gen,
			  op_fn *jcode)
{
	const struct insn *ins = NULL;
	*jcode = NULL;
	pthread_mutex_lock(&s->lock);
	s->stats.lookups++;
	for (struct cs_entry *e = s->hash ? *bucket(s, eip, sig, code[0]) : NULL; e; e = e->hnext) {
		if (e->eip != eip || e->sig != sig || e->nbytes > avail || memcmp(entry_code(e), code, e->nbytes) != 0)
			continue;
		ins = entry_insns(e);
		e->refs++;
		*ninsns = e->ninsns;
		*nbytes = e->nbytes;
		if (area && e->jcode && e->jarea == area && e->jgen == gen)
			*jcode = e->jcode;
		e->used = true;
		s->stats.hits++;
		/* The chain of the block that would follow on (a program
		 * loaded again asks for its blocks in the order they run):
		 * fetched now, it is one cache miss fewer if it comes next. */
		if (e->nbytes < avail)
			__builtin_prefetch(bucket(s, eip + e->nbytes, sig, code[e->nbytes]));
		break;
	}
	pthread_mutex_unlock(&s->lock);
	return ins;
}

void cs_release(struct cpu_code_store *s, const struct insn *ins, unsigned nbytes)
{
	struct cs_entry *e = (struct cs_entry *)(void *)((uint8_t *)(uintptr_t)ins - code_room(nbytes) -
							 offsetof(struct cs_entry, data));
	pthread_mutex_lock(&s->lock);
	if (--e->refs == 0 && !e->listed) {
		e->listed = true;
		use_push(s, e);
	}
	pthread_mutex_unlock(&s->lock);
}

static struct cs_entry *find_exact(struct cpu_code_store *s, uint32_t eip, uint32_t sig, const uint8_t *code,
				   unsigned nbytes, unsigned ninsns);

const struct insn *cs_add(struct cpu_code_store *s, uint32_t eip, uint32_t sig, const uint8_t *code,
			 unsigned nbytes, const struct insn *insns, unsigned ninsns)
{
	const size_t size = offsetof(struct cs_entry, data) + code_room(nbytes) + (ninsns + 1u) * sizeof(struct insn);
	if (ninsns == 0 || nbytes == 0)
		return NULL;
	/* Made outside the lock: only the insertion holds it (and the
	 * limit's check: cpu_code_store_set_limit() may run on another
	 * thread). */
	struct cs_entry *e = entry_new(size);
	if (!e)
		return NULL;
	e->eip = eip;
	e->sig = sig;
	e->size = (uint32_t)size;
	e->ninsns = (uint8_t)ninsns;
	e->nbytes = (uint8_t)nbytes;
	e->used = false;
	e->listed = true;
	e->refs = 1; /* (the caller's: shrink() below takes it off the list) */
	e->jcode = NULL;
	e->jarea = NULL;
	e->jgen = 0;
	memcpy(entry_code(e), code, nbytes);
	memcpy(entry_insns(e), insns, (ninsns + 1u) * sizeof(struct insn));
	pthread_mutex_lock(&s->lock);
	if (size > s->limit) {
		pthread_mutex_unlock(&s->lock);
		entry_free(e);
		return NULL;
	}
	if (!s->hash) {
		if (!(s->hash = calloc((size_t)1 << CS_HASH_MIN_BITS, sizeof(*s->hash)))) {
			pthread_mutex_unlock(&s->lock);
			entry_free(e);
			return NULL;
		}
		s->hash_bits = CS_HASH_MIN_BITS;
	}
	/* Another CPU added the same block meanwhile (both missed): that
	 * one is the caller's (equal bytes, EIP and signature decode to
	 * equal instructions). */
	struct cs_entry *o = find_exact(s, eip, sig, code, nbytes, ninsns);
	if (o) {
		o->refs++;
		o->used = true;
		pthread_mutex_unlock(&s->lock);
		entry_free(e);
		return entry_insns(o);
	}
	struct cs_entry **chain = bucket(s, eip, sig, code[0]);
	e->hnext = *chain;
	*chain = e;
	use_push(s, e);
	s->bytes += size;
	s->stats.blocks++;
	s->stats.adds++;
	shrink(s);
	if (s->stats.blocks > (1u << s->hash_bits) && s->hash_bits < CS_HASH_MAX_BITS)
		grow(s);
	pthread_mutex_unlock(&s->lock);
	return entry_insns(e);
}

/* The entry for exactly this block (lock held), or NULL. */
static struct cs_entry *find_exact(struct cpu_code_store *s, uint32_t eip, uint32_t sig, const uint8_t *code,
				   unsigned nbytes, unsigned ninsns)
{
	for (struct cs_entry *e = s->hash ? *bucket(s, eip, sig, code[0]) : NULL; e; e = e->hnext)
		if (e->eip == eip && e->sig == sig && e->nbytes == nbytes && e->ninsns == ninsns &&
		    memcmp(entry_code(e), code, nbytes) == 0)
			return e;
	return NULL;
}

op_fn cs_get_code(struct cpu_code_store *s, uint32_t eip, uint32_t sig, const uint8_t *code, unsigned nbytes,
		  unsigned ninsns, const struct cpu_jit_area *area, uint64_t gen)
{
	op_fn fn = NULL;
	pthread_mutex_lock(&s->lock);
	const struct cs_entry *e = find_exact(s, eip, sig, code, nbytes, ninsns);
	if (e && e->jcode && e->jarea == area && e->jgen == gen)
		fn = e->jcode;
	pthread_mutex_unlock(&s->lock);
	return fn;
}

void cs_set_code(struct cpu_code_store *s, uint32_t eip, uint32_t sig, const uint8_t *code, unsigned nbytes,
		 unsigned ninsns, const struct cpu_jit_area *area, uint64_t gen, op_fn fn)
{
	pthread_mutex_lock(&s->lock);
	struct cs_entry *e = find_exact(s, eip, sig, code, nbytes, ninsns);
	if (e) {
		e->jcode = fn;
		e->jarea = area;
		e->jgen = gen;
		s->stats.codes++;
	}
	pthread_mutex_unlock(&s->lock);
}

void cs_forget_code(struct cpu_code_store *s, const struct cpu_jit_area *area)
{
	pthread_mutex_lock(&s->lock);
	for (size_t k = 0; s->hash && k < (size_t)1 << s->hash_bits; k++) {
		for (struct cs_entry *e = s->hash[k]; e; e = e->hnext) {
			if (e->jarea == area) {
				e->jcode = NULL;
				e->jarea = NULL;
			}
		}
	}
	pthread_mutex_unlock(&s->lock);
}
