/*
 * umb.c - upper memory blocks: the pages of C0000h-EFFFFh that no device,
 * ROM or window (the EMS frame) claimed when the VM was made. They are
 * claimed as "upper memory" then, and an area shows RAM from the first
 * block given out in it (before that it reads as empty address space, as
 * without a UMB provider). Blocks are runs of paragraphs inside an area;
 * XMS functions 10h-12h and the DOS kernel (DOS_UMB) take them.
 * Sources: XMS 3.0 functions 10h-12h; RBIL INT 2F/AX=4310h (table 02766).
 */
#include <errno.h>

#include "vm/vm_internal.h"

enum { UMA_FIRST = 0xC0000, UMA_END = 0xF0000 };

/* Claim and map area a when its first block is given out; an area the
 * host claimed for something else meanwhile is dropped (false). */
static bool area_ready(struct vm *vm, unsigned a)
{
	struct mem_umb *u = &vm->mem.umb;
	uint32_t base = (uint32_t)u->area[a].seg << 4, size = (uint32_t)u->area[a].paras << 4;
	if (vm->page_phys[base >> CPU_PAGE_SHIFT] != VM_PHYS_NONE)
		return true;
	if (vm_map_ram_owned(vm, "upper memory", base, size, true) == 0)
		return true;
	vm->error[0] = 0;
	u->area[a].paras = 0;
	return false;
}

int mem_umb_setup(struct vm *vm)
{
	struct mem_umb *u = &vm->mem.umb;
	u->nareas = u->nblocks = 0;
	for (uint32_t p = UMA_FIRST >> CPU_PAGE_SHIFT; p < UMA_END >> CPU_PAGE_SHIFT;) {
		if (vm->page_owner[p]) {
			p++;
			continue;
		}
		uint32_t q = p;
		while (q < UMA_END >> CPU_PAGE_SHIFT && !vm->page_owner[q])
			q++;
		if (u->nareas == MEM_MAX_UMB_AREAS)
			break;
		u->area[u->nareas].seg = (uint16_t)(p << 8);
		u->area[u->nareas].paras = (uint16_t)((q - p) << 8);
		u->nareas++;
		p = q;
	}
	return 0;
}

/* The gap (free paragraphs) in area a that starts at seg, up to the next
 * block or the area's end. */
static uint16_t gap_after(const struct mem_umb *u, unsigned a, uint16_t seg)
{
	uint32_t end = (uint32_t)u->area[a].seg + u->area[a].paras;
	for (unsigned b = 0; b < u->nblocks; b++)
		if (u->block[b].seg >= seg && u->block[b].seg < end)
			end = u->block[b].seg;
	return (uint16_t)(end - seg);
}

/* Calls fn for every free gap, in address order; stops when it returns true. */
static bool each_gap(const struct mem_umb *u, bool (*fn)(void *ctx, unsigned a, uint16_t seg, uint16_t len),
		     void *ctx)
{
	for (unsigned a = 0; a < u->nareas; a++) {
		uint32_t seg = u->area[a].seg, end = seg + u->area[a].paras;
		while (seg < end) {
			uint16_t len = gap_after(u, a, (uint16_t)seg);
			if (len && fn(ctx, a, (uint16_t)seg, len))
				return true;
			seg += len;
			for (unsigned b = 0; b < u->nblocks; b++)
				if (u->block[b].seg == seg)
					seg += u->block[b].paras;
		}
	}
	return false;
}

struct fit {
	uint16_t want, largest, seg, len;
	unsigned area;
};

static bool fit_fn(void *ctx, unsigned a, uint16_t seg, uint16_t len)
{
	struct fit *f = ctx;
	if (len > f->largest) {
		f->largest = len;
		if (f->want == 0xFFFF) { /* the largest */
			f->seg = seg;
			f->len = len;
			f->area = a;
		}
	}
	if (f->want != 0xFFFF && len >= f->want) {
		f->seg = seg;
		f->len = f->want;
		f->area = a;
		return true;
	}
	return false;
}

int vdd_umb_alloc(struct vm *vm, uint16_t paras, uint16_t *seg, uint16_t *got)
{
	struct mem_umb *u = &vm->mem.umb;
	struct fit f = { .want = paras ? paras : 1 };
	each_gap(u, fit_fn, &f);
	while (f.seg && paras != 0xFFFF && !area_ready(vm, f.area)) {
		f = (struct fit){ .want = paras ? paras : 1 };
		each_gap(u, fit_fn, &f);
	}
	/* FFFFh asks for the largest (XMS 10h: "attempt to allocate FFFFh"),
	 * which succeeds only if FFFFh paragraphs are free: never. */
	if (!f.seg || paras == 0xFFFF || u->nblocks == MEM_MAX_UMBS) {
		*got = f.largest;
		return -ENOMEM;
	}
	unsigned k = u->nblocks++;
	while (k > 0 && u->block[k - 1].seg > f.seg) {
		u->block[k] = u->block[k - 1];
		k--;
	}
	u->block[k].seg = f.seg;
	u->block[k].paras = f.len;
	*seg = f.seg;
	*got = f.len;
	return 0;
}

static int find_block(const struct mem_umb *u, uint16_t seg)
{
	for (unsigned b = 0; b < u->nblocks; b++)
		if (u->block[b].seg == seg)
			return (int)b;
	return -1;
}

int vdd_umb_free(struct vm *vm, uint16_t seg)
{
	struct mem_umb *u = &vm->mem.umb;
	int b = find_block(u, seg);
	if (b < 0)
		return -EINVAL;
	for (unsigned k = (unsigned)b; k + 1 < u->nblocks; k++)
		u->block[k] = u->block[k + 1];
	u->nblocks--;
	return 0;
}

int vdd_umb_resize(struct vm *vm, uint16_t seg, uint16_t paras, uint16_t *got)
{
	struct mem_umb *u = &vm->mem.umb;
	int b = find_block(u, seg);
	if (b < 0 || paras == 0)
		return -EINVAL;
	unsigned a = 0;
	while (a < u->nareas && !(seg >= u->area[a].seg && seg < u->area[a].seg + u->area[a].paras))
		a++;
	uint16_t mine = u->block[b].paras;
	uint32_t room = (uint32_t)mine + gap_after(u, a, (uint16_t)(seg + mine));
	if (paras > room) {
		*got = (uint16_t)room;
		return -ENOMEM;
	}
	u->block[b].paras = paras;
	*got = paras;
	return 0;
}
