/*
 * memory.c - the DOS memory arena: a chain of memory control blocks (MCBs)
 * in guest memory, as DOS keeps it, so programs that walk it (INT 21h/52h)
 * see the real thing. Allocation first, best or last fit (58h); adjacent
 * free blocks merge when the chain is walked.
 * Source: RBIL INT 21h/48h-4Ah, 58h; table 01628 (MCB format).
 */
#include <string.h>

#include "dos/dos_internal.h"

enum { MCB_MID = 'M', MCB_LAST = 'Z', OWNER_FREE = 0, OWNER_DOS = 8 };

struct mcb {
	uint8_t sig;
	uint16_t owner, size;
};

static struct mcb mcb_get(struct dos *d, uint16_t seg)
{
	struct mcb m = { dos_rd8(d, seg, 0), dos_rd16(d, seg, 1), dos_rd16(d, seg, 3) };
	return m;
}

static void mcb_put(struct dos *d, uint16_t seg, const struct mcb *m)
{
	dos_wr8(d, seg, 0, m->sig);
	dos_wr16(d, seg, 1, m->owner);
	dos_wr16(d, seg, 3, m->size);
}

static bool mcb_valid(const struct mcb *m)
{
	return m->sig == MCB_MID || m->sig == MCB_LAST;
}

static uint16_t first_mcb(struct dos *d)
{
	return dos_rd16(d, DOS_SEG, DOS_LOL - 2);
}

int dos_mem_init(struct dos *d, uint16_t first, uint16_t top)
{
	if (top <= first + 1)
		return -1;
	struct mcb m = { MCB_LAST, OWNER_FREE, (uint16_t)(top - first - 1) };
	mcb_put(d, first, &m);
	dos_write_mem(d, first, 8, "\0\0\0\0\0\0\0\0", 8);
	return 0;
}

/* Merge free blocks following the free block at seg. */
static void merge_after(struct dos *d, uint16_t seg, struct mcb *m)
{
	while (m->sig == MCB_MID) {
		uint16_t next = (uint16_t)(seg + m->size + 1);
		struct mcb n = mcb_get(d, next);
		if (!mcb_valid(&n) || n.owner != OWNER_FREE)
			break;
		m->size = (uint16_t)(m->size + n.size + 1);
		m->sig = n.sig;
	}
	mcb_put(d, seg, m);
}

/* Walk the chain: calls fn for every block (free blocks merged first).
 * Returns 0 at the end, 7 if the chain is broken, or what fn returned. */
typedef int (*mcb_fn)(struct dos *d, uint16_t seg, struct mcb *m, void *ctx);
static int walk(struct dos *d, mcb_fn fn, void *ctx)
{
	uint16_t seg = first_mcb(d);
	for (unsigned guard = 0; guard < 0x10000; guard++) {
		struct mcb m = mcb_get(d, seg);
		if (!mcb_valid(&m))
			return DOSERR_MCB_DESTROYED;
		if (m.owner == OWNER_FREE)
			merge_after(d, seg, &m);
		int rc = fn(d, seg, &m, ctx);
		if (rc)
			return rc;
		if (m.sig == MCB_LAST)
			return 0;
		seg = (uint16_t)(seg + m.size + 1);
	}
	return DOSERR_MCB_DESTROYED;
}

struct fit {
	uint16_t want, strategy;
	uint16_t found, found_size, largest;
};

static int fit_fn(struct dos *d, uint16_t seg, struct mcb *m, void *ctx)
{
	(void)d;
	struct fit *f = ctx;
	if (m->owner != OWNER_FREE)
		return 0;
	if (m->size > f->largest)
		f->largest = m->size;
	if (m->size < f->want)
		return 0;
	switch (f->strategy & 3) {
	case 0: /* first fit */
		if (!f->found) {
			f->found = seg;
			f->found_size = m->size;
		}
		break;
	case 1: /* best fit */
		if (!f->found || m->size < f->found_size) {
			f->found = seg;
			f->found_size = m->size;
		}
		break;
	default: /* last fit */
		f->found = seg;
		f->found_size = m->size;
		break;
	}
	return 0;
}

/* Split block seg (size >= keep) so that it keeps `keep` paragraphs and
 * the rest becomes a free block after it. */
static void split(struct dos *d, uint16_t seg, struct mcb *m, uint16_t keep)
{
	if (m->size <= keep)
		return; /* nothing left over for a block of its own */
	struct mcb r = { m->sig, OWNER_FREE, (uint16_t)(m->size - keep - 1) };
	mcb_put(d, (uint16_t)(seg + keep + 1), &r);
	dos_write_mem(d, (uint16_t)(seg + keep + 1), 8, "\0\0\0\0\0\0\0\0", 8);
	m->sig = MCB_MID;
	m->size = keep;
	mcb_put(d, seg, m);
}

uint16_t dos_mem_alloc(struct dos *d, uint16_t paras, uint16_t owner, uint16_t *largest, uint16_t *err)
{
	struct fit f = { .want = paras, .strategy = d->alloc_strategy };
	int rc = walk(d, fit_fn, &f);
	*largest = f.largest;
	if (rc) {
		*err = (uint16_t)rc;
		return 0;
	}
	if (!f.found) {
		*err = DOSERR_NO_MEMORY;
		return 0;
	}
	struct mcb m = mcb_get(d, f.found);
	uint16_t seg = f.found;
	if ((f.strategy & 3) >= 2 && m.size > paras) {
		/* Last fit: the block takes the top of the free block. */
		split(d, f.found, &m, (uint16_t)(m.size - paras - 1));
		m.owner = OWNER_FREE;
		mcb_put(d, f.found, &m);
		seg = (uint16_t)(f.found + m.size + 1);
		m = mcb_get(d, seg);
	} else {
		split(d, seg, &m, paras);
	}
	m.owner = owner;
	mcb_put(d, seg, &m);
	dos_write_mem(d, seg, 8, "\0\0\0\0\0\0\0\0", 8);
	return (uint16_t)(seg + 1);
}

static int largest_fn(struct dos *d, uint16_t seg, struct mcb *m, void *ctx)
{
	(void)d;
	(void)seg;
	uint16_t *l = ctx;
	if (m->owner == OWNER_FREE && m->size > *l)
		*l = m->size;
	return 0;
}

uint16_t dos_mem_largest(struct dos *d)
{
	uint16_t l = 0;
	walk(d, largest_fn, &l);
	return l;
}

/* The MCB of a block the program names by its segment: must be in the chain. */
struct find_ctx {
	uint16_t target;
	bool found;
};

static int find_fn(struct dos *d, uint16_t seg, struct mcb *m, void *ctx)
{
	(void)d;
	(void)m;
	struct find_ctx *f = ctx;
	if (seg == f->target) {
		f->found = true;
		return -1;
	}
	return 0;
}

static int check_block(struct dos *d, uint16_t block)
{
	struct find_ctx f = { (uint16_t)(block - 1), false };
	int rc = walk(d, find_fn, &f);
	if (rc > 0)
		return rc;
	return f.found ? 0 : DOSERR_INVALID_BLOCK;
}

int dos_mem_free(struct dos *d, uint16_t seg)
{
	int e = check_block(d, seg);
	if (e)
		return e;
	struct mcb m = mcb_get(d, (uint16_t)(seg - 1));
	m.owner = OWNER_FREE;
	mcb_put(d, (uint16_t)(seg - 1), &m);
	return 0;
}

int dos_mem_resize(struct dos *d, uint16_t seg, uint16_t paras, uint16_t *largest)
{
	int e = check_block(d, seg);
	if (e)
		return e;
	uint16_t mseg = (uint16_t)(seg - 1);
	struct mcb m = mcb_get(d, mseg);
	/* Take in the free blocks that follow. */
	uint16_t owner = m.owner;
	m.owner = OWNER_FREE;
	merge_after(d, mseg, &m);
	m.owner = owner;
	if (m.size < paras) {
		/* RBIL 4Ah: DOS 2.1-6.0 leave the block as large as possible. */
		*largest = m.size;
		mcb_put(d, mseg, &m);
		return DOSERR_NO_MEMORY;
	}
	mcb_put(d, mseg, &m);
	split(d, mseg, &m, paras);
	return 0;
}

struct owner_ctx {
	uint16_t owner;
};

static int free_owner_fn(struct dos *d, uint16_t seg, struct mcb *m, void *ctx)
{
	struct owner_ctx *o = ctx;
	if (m->owner == o->owner) {
		m->owner = OWNER_FREE;
		mcb_put(d, seg, m);
	}
	return 0;
}

void dos_mem_free_owner(struct dos *d, uint16_t owner)
{
	struct owner_ctx o = { owner };
	walk(d, free_owner_fn, &o);
}

void dos_mem_set_owner(struct dos *d, uint16_t seg, uint16_t owner)
{
	dos_wr16(d, (uint16_t)(seg - 1), 1, owner);
}

/* DOS 4+: the program's name (up to 8 characters, no extension) in the MCB. */
void dos_mem_set_name(struct dos *d, uint16_t seg, const char *name)
{
	char n[8] = { 0 };
	for (unsigned i = 0; i < 8 && name[i] && name[i] != '.'; i++)
		n[i] = name[i];
	dos_write_mem(d, (uint16_t)(seg - 1), 8, n, 8);
}

static int first_free_fn(struct dos *d, uint16_t seg, struct mcb *m, void *ctx)
{
	(void)d;
	uint16_t *out = ctx;
	if (m->owner == OWNER_FREE && !*out) {
		*out = seg;
		return -1;
	}
	return 0;
}

uint16_t dos_mem_first_free(struct dos *d)
{
	uint16_t seg = 0;
	walk(d, first_free_fn, &seg);
	return seg;
}
