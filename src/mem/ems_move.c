/*
 * ems_move.c - LIM EMS 4.0 function 24 (57h): move (AL=0) or exchange
 * (AL=1) a region of up to 1 MiB between conventional and expanded
 * memory in any combination, without changing the page maps. An expanded
 * region runs over consecutive logical pages of one handle from a page
 * and an offset; a conventional one is seg:off as the CPU sees it (the
 * page frame's current pages included). Overlapping moves are done as if
 * through a buffer and answer 92h; overlapping exchanges are refused.
 * Sources: LIM EMS 4.0 function 24; RBIL INT 67h/AH=57h (table 03663).
 */
#include "common/le.h"
#include "mem/ems.h"

enum { MAX_REGION = 0x100000, CONVENTIONAL = 0, EXPANDED = 1 };

struct side {
	uint8_t type;
	uint16_t handle, offset, where;     /* where: segment or logical page */
	struct ems_handle *h;
};

static void parse_side(const uint8_t *b, struct side *s)
{
	s->type = b[0];
	s->handle = get16(b + 1);
	s->offset = get16(b + 3);
	s->where = get16(b + 5);
}

static int check_side(struct ems *e, struct side *s, uint32_t len)
{
	if (s->type == CONVENTIONAL)
		return ems_lin(s->where, s->offset) + len > MAX_REGION ? EMS_WRAPS : EMS_OK;
	if (s->type != EXPANDED)
		return EMS_BAD_MEMORY_TYPE;
	s->h = ems_handle(e, s->handle);
	if (!s->h)
		return EMS_BAD_HANDLE;
	if (s->where >= s->h->npages)
		return EMS_BAD_LOGICAL;
	if (s->offset >= EMS_PAGE_SIZE)
		return EMS_OFFSET_OUTSIDE;
	uint64_t end = (uint64_t)s->where * EMS_PAGE_SIZE + s->offset + len;
	return end > (uint64_t)s->h->npages * EMS_PAGE_SIZE ? EMS_LENGTH_EXCEEDS : EMS_OK;
}

/* Position of byte `pos` of a region: an address for vdd_mem_move (linear
 * for conventional memory, physical for a logical page) and the bytes
 * left before the side's next discontinuity. */
static uint32_t addr_at(const struct side *s, uint32_t pos, uint32_t *left)
{
	if (s->type == CONVENTIONAL) {
		*left = MAX_REGION;
		return ems_lin(s->where, s->offset) + pos;
	}
	uint32_t at = (uint32_t)s->offset + pos;
	*left = EMS_PAGE_SIZE - at % EMS_PAGE_SIZE;
	return s->h->pages[s->where + at / EMS_PAGE_SIZE] + at % EMS_PAGE_SIZE;
}

/* Where both sides are the same memory kind, their overlap in that
 * kind's own addressing (conventional: linear; expanded: the handle's
 * logical space). Returns 0 none, else the sign of dst - src. */
static int overlap(const struct side *src, const struct side *dst, uint32_t len)
{
	if (src->type != dst->type || (src->type == EXPANDED && src->handle != dst->handle))
		return 0;
	uint64_t a = src->type == CONVENTIONAL ? ems_lin(src->where, src->offset)
					       : (uint64_t)src->where * EMS_PAGE_SIZE + src->offset;
	uint64_t b = dst->type == CONVENTIONAL ? ems_lin(dst->where, dst->offset)
					       : (uint64_t)dst->where * EMS_PAGE_SIZE + dst->offset;
	if (len == 0 || a + len <= b || b + len <= a)
		return 0;
	return b > a ? 1 : -1;
}

/* 94h: the conventional region covers a physical page that shows one of
 * the expanded region's pages right now. */
static bool aliased(const struct ems *e, const struct side *conv, const struct side *exp, uint32_t len)
{
	if (conv->type != CONVENTIONAL || exp->type != EXPANDED || len == 0)
		return false;
	uint32_t c0 = ems_lin(conv->where, conv->offset), c1 = c0 + len;
	uint32_t first = exp->where, last = exp->where + (exp->offset + len - 1) / EMS_PAGE_SIZE;
	for (unsigned p = 0; p < e->nphys; p++) {
		const struct ems_phys *ph = &e->phys[p];
		uint32_t p0 = (uint32_t)ph->seg << 4;
		if (ph->logical != EMS_UNMAPPED && ph->handle == exp->handle && ph->logical >= first &&
		    ph->logical <= last && c0 < p0 + EMS_PAGE_SIZE && p0 < c1)
			return true;
	}
	return false;
}

static void transfer(struct ems *e, const struct side *src, const struct side *dst, uint32_t len, bool exchange,
		     bool backward)
{
	for (uint32_t done = 0; done < len;) {
		uint32_t ls, ld, n = len - done;
		uint32_t pos = backward ? len - done - 1 : done;
		/* Backward: the chunk ends at pos; find how far down it may go. */
		if (backward) {
			uint32_t ps = (src->type == CONVENTIONAL ? pos : (src->offset + pos) % EMS_PAGE_SIZE) + 1;
			uint32_t pd = (dst->type == CONVENTIONAL ? pos : (dst->offset + pos) % EMS_PAGE_SIZE) + 1;
			n = src->type == CONVENTIONAL ? n : (ps < n ? ps : n);
			n = dst->type == CONVENTIONAL ? n : (pd < n ? pd : n);
			pos = pos + 1 - n;
		}
		uint32_t sa = addr_at(src, pos, &ls), da = addr_at(dst, pos, &ld);
		n = n < ls ? n : ls;
		n = n < ld ? n : ld;
		if (exchange)
			(void)vdd_mem_exchange(e->vm, da, sa, n);
		else
			(void)vdd_mem_move(e->vm, da, sa, n);
		done += n;
	}
}

void ems_fn_move(struct ems *e)
{
	uint8_t sub = ems_al(e), b[18];
	if (sub > 1) {
		ems_set_ah(e, EMS_BAD_SUBFUNCTION);
		return;
	}
	(void)vm16_read(e->vm, ems_lin(e->r.ds, (uint16_t)e->r.esi), b, sizeof(b));
	uint32_t len = get32(b);
	struct side src = { 0 }, dst = { 0 };
	parse_side(b + 4, &src);
	parse_side(b + 11, &dst);
	if (len > MAX_REGION) {
		ems_set_ah(e, EMS_LENGTH_TOO_BIG);
		return;
	}
	int st = check_side(e, &src, len);
	if (st == EMS_OK)
		st = check_side(e, &dst, len);
	if (st == EMS_OK && (aliased(e, &src, &dst, len) || aliased(e, &dst, &src, len)))
		st = EMS_REGIONS_OVERLAP;
	int ov = st == EMS_OK ? overlap(&src, &dst, len) : 0;
	if (st == EMS_OK && ov && sub == 1)
		st = EMS_EXCHANGE_OVERLAP;
	if (st != EMS_OK) {
		ems_set_ah(e, (uint8_t)st);
		return;
	}
	transfer(e, &src, &dst, len, sub == 1, ov > 0);
	ems_set_ah(e, ov ? EMS_MOVE_OVERLAP : EMS_OK);
}
