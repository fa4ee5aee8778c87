/*
 * memory.c - the DOS memory arena: a chain of memory control blocks (MCBs)
 * in guest memory, as DOS keeps it, so programs that walk it (INT 21h/52h)
 * see the real thing. Allocation first, best or last fit (58h); adjacent
 * free blocks merge when the chain is walked.
 * Upper memory (DOS_UMB, as DOS 5's DOS=UMB): the kernel takes every UMB
 * when it starts and chains them after conventional memory through an
 * MCB at its top paragraph (owner 8, "SC") that spans the video memory
 * and ROMs up to the first UMB; holes between UMBs get "SC" blocks too.
 * That MCB is of type 'M' while the UMBs are linked (58h 03h) and 'Z'
 * while not; allocation follows the high-memory bits of the strategy
 * (40h high only, 80h high first) when they are linked.
 * Source: RBIL INT 21h/48h-4Ah, 58h; tables 01627 (list of lists), 01628
 * (MCB format), 01629 (owner 8, "SC").
 */
#include <string.h>

#include "dos/dos_internal.h"
#include "vm/vm_internal.h"

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
 * Returns 0 at the end, 7 if the chain is broken, or what fn returned.
 * `all` goes on into unlinked UMBs (freeing a block, a program's end). */
typedef int (*mcb_fn)(struct dos *d, uint16_t seg, struct mcb *m, void *ctx);
static int walk_chain(struct dos *d, mcb_fn fn, void *ctx, bool all)
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
		if (m.sig == MCB_LAST && !(all && seg == d->umb_link && d->umb_link))
			return 0;
		seg = (uint16_t)(seg + m.size + 1);
	}
	return DOSERR_MCB_DESTROYED;
}

static int walk(struct dos *d, mcb_fn fn, void *ctx)
{
	return walk_chain(d, fn, ctx, false);
}

/* Which blocks an allocation may take: all, conventional memory only or
 * the UMBs only; the strategy gives one or two such phases. */
enum region { REGION_ANY, REGION_LOW, REGION_HIGH };

static unsigned phases(struct dos *d, enum region out[2])
{
	if (!dos_umb_linked(d)) {
		out[0] = REGION_ANY;
		return 1;
	}
	if (d->alloc_strategy & 0x80) {
		out[0] = REGION_HIGH;
		out[1] = REGION_LOW;
		return 2;
	}
	out[0] = d->alloc_strategy & 0x40 ? REGION_HIGH : REGION_LOW;
	return 1;
}

struct fit {
	uint16_t want, strategy;
	uint16_t found, found_size, largest;
	enum region region;
};

static int fit_fn(struct dos *d, uint16_t seg, struct mcb *m, void *ctx)
{
	struct fit *f = ctx;
	if (m->owner != OWNER_FREE)
		return 0;
	if ((f->region == REGION_LOW && seg > d->umb_link) || (f->region == REGION_HIGH && seg < d->umb_link))
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
	enum region ph[2];
	unsigned nph = phases(d, ph);
	struct fit f = { 0 };
	uint16_t most = 0;
	for (unsigned k = 0; k < nph; k++) {
		f = (struct fit){ .want = paras, .strategy = d->alloc_strategy, .region = ph[k] };
		int rc = walk(d, fit_fn, &f);
		if (rc) {
			*largest = f.largest;
			*err = (uint16_t)rc;
			return 0;
		}
		most = f.largest > most ? f.largest : most;
		if (f.found)
			break;
	}
	*largest = most;
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

uint16_t dos_mem_largest(struct dos *d)
{
	return dos_mem_largest_fit(d, 0xFFFF);
}

uint16_t dos_mem_largest_fit(struct dos *d, uint16_t min)
{
	enum region ph[2];
	unsigned nph = phases(d, ph);
	uint16_t most = 0;
	for (unsigned k = 0; k < nph; k++) {
		struct fit f = { .want = 0xFFFF, .region = ph[k] };
		walk(d, fit_fn, &f);
		if (f.largest >= min)
			return f.largest;
		most = f.largest > most ? f.largest : most;
	}
	return most;
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
	int rc = walk_chain(d, find_fn, &f, true);
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
	walk_chain(d, free_owner_fn, &o, true);
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

/* ---- upper memory blocks (DOS_UMB) ---- */

static void mcb_system(struct dos *d, uint16_t seg, uint8_t sig, uint16_t size)
{
	struct mcb m = { sig, OWNER_DOS, size };
	mcb_put(d, seg, &m);
	dos_write_mem(d, seg, 8, "SC\0\0\0\0\0\0", 8);
}

static void mcb_free(struct dos *d, uint16_t seg, uint8_t sig, uint16_t size)
{
	struct mcb m = { sig, OWNER_FREE, size };
	mcb_put(d, seg, &m);
	dos_write_mem(d, seg, 8, "\0\0\0\0\0\0\0\0", 8);
}

void dos_umb_init(struct dos *d)
{
	enum { MAX = 16 };
	struct {
		uint16_t seg, paras;
	} u[MAX];
	unsigned n = 0;
	for (; n < MAX; n++) {
		uint16_t seg, got, largest = 0;
		(void)vdd_umb_alloc(d->vm, 0xFFFF, &seg, &largest); /* asks for the largest */
		if (largest < 2 || vdd_umb_alloc(d->vm, largest, &seg, &got) < 0)
			break;
		unsigned k = n;
		for (; k > 0 && u[k - 1].seg > seg; k--)
			u[k] = u[k - 1];
		u[k].seg = seg;
		u[k].paras = got;
	}
	if (!n)
		return;
	/* The conventional arena ends one paragraph lower, at the link MCB. */
	uint16_t link = (uint16_t)(d->mem_top - 1);
	if (dos_mem_init(d, first_mcb(d), link) != 0)
		return;
	struct mcb low = mcb_get(d, first_mcb(d));
	low.sig = MCB_MID;
	mcb_put(d, first_mcb(d), &low);
	mcb_system(d, link, MCB_LAST, (uint16_t)(u[0].seg - link - 1));
	for (unsigned k = 0; k < n; k++) {
		if (k + 1 == n) {
			mcb_free(d, u[k].seg, MCB_LAST, (uint16_t)(u[k].paras - 1));
			break;
		}
		uint16_t hole = (uint16_t)(u[k].seg + u[k].paras - 1);
		mcb_free(d, u[k].seg, MCB_MID, (uint16_t)(u[k].paras - 2));
		mcb_system(d, hole, MCB_MID, (uint16_t)(u[k + 1].seg - hole - 1));
	}
	d->umb_link = link;
	dos_wr16(d, DOS_SEG, DOS_LOL + DOS_LOL_UMB_MCB, link);
	dos_wr8(d, DOS_SEG, DOS_LOL + DOS_LOL_UMB_LINKED, 0);
}

bool dos_umb_linked(struct dos *d)
{
	return d->umb_link && dos_rd8(d, d->umb_link, 0) == MCB_MID;
}

int dos_umb_link(struct dos *d, bool link)
{
	if (!d->umb_link)
		return link ? DOSERR_INVALID_FUNCTION : 0;
	dos_wr8(d, d->umb_link, 0, link ? MCB_MID : MCB_LAST);
	dos_wr8(d, DOS_SEG, DOS_LOL + DOS_LOL_UMB_LINKED, link ? 1 : 0);
	return 0;
}
