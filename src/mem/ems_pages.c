/*
 * ems_pages.c - EMS handles and pages: status, frame and counts (40h-42h,
 * 46h, 4Bh-4Dh), allocation (43h, 51h, 5Ah through ems_allocate), mapping
 * (44h, 50h), deallocation (45h), the frame's saved map per handle (47h,
 * 48h), whole and partial page maps (4Eh, 4Fh), attributes (52h) and
 * names (53h, 54h). A logical page is 16 KiB of the VM's extended memory
 * (vdd_xmem_alloc) and its physical address is all the manager keeps;
 * handle 0 owns the mappable conventional memory itself. Page map arrays
 * are this manager's own format, with a signature and a checksum so that
 * a corrupted one is refused (A3h) instead of mapping garbage.
 * Sources: LIM EMS 4.0 functions 1-21; RBIL INT 67h/AH=40h-54h.
 */
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "mem/ems.h"

enum { EMS_4K_PER_PAGE = EMS_PAGE_SIZE / 4096, MAP_SIGNATURE = 0x4D45 /* "EM" */ };

struct ems_handle *ems_handle(struct ems *e, uint16_t h)
{
	return h < EMS_MAX_HANDLES && e->handles[h].used ? &e->handles[h] : NULL;
}

uint32_t ems_free_pages(const struct ems *e)
{
	uint32_t free_4k, largest_4k;
	vdd_xmem_query(e->vm, &free_4k, &largest_4k);
	uint32_t left = e->limit_pages > e->used_pages ? e->limit_pages - e->used_pages : 0;
	return free_4k / EMS_4K_PER_PAGE < left ? free_4k / EMS_4K_PER_PAGE : left;
}

static int grow(struct ems *e, struct ems_handle *h, uint16_t pages)
{
	if (pages <= h->npages)
		return EMS_OK;
	uint32_t *p = realloc(h->pages, pages * sizeof(*p));
	if (!p)
		return EMS_INTERNAL;
	h->pages = p;
	for (uint16_t k = h->npages; k < pages; k++) {
		if (vdd_xmem_alloc(e->vm, EMS_4K_PER_PAGE, &h->pages[k]) < 0) {
			while (k-- > h->npages)
				(void)vdd_xmem_free(e->vm, h->pages[k], EMS_4K_PER_PAGE);
			return EMS_NOT_ENOUGH_PAGES;
		}
	}
	e->used_pages += pages - h->npages;
	h->npages = pages;
	return EMS_OK;
}

/* Unmap every physical page that shows a page of handle h from `from` up. */
static void unmap_handle(struct ems *e, uint16_t h, uint16_t from)
{
	for (unsigned p = 0; p < e->nphys; p++)
		if (e->phys[p].handle == h && e->phys[p].logical != EMS_UNMAPPED && e->phys[p].logical >= from)
			(void)ems_map(e, p, 0, EMS_UNMAPPED);
}

static void shrink(struct ems *e, uint16_t handle, struct ems_handle *h, uint16_t pages)
{
	unmap_handle(e, handle, pages);
	for (uint16_t k = pages; k < h->npages; k++)
		(void)vdd_xmem_free(e->vm, h->pages[k], EMS_4K_PER_PAGE);
	e->used_pages -= h->npages - pages;
	h->npages = pages;
}

int ems_allocate(struct ems *e, uint16_t pages, bool zero_ok, uint16_t *handle)
{
	unsigned k = 1;
	while (k < EMS_MAX_HANDLES && e->handles[k].used)
		k++;
	if (k == EMS_MAX_HANDLES)
		return EMS_NO_HANDLES;
	if (!pages && !zero_ok)
		return EMS_ZERO_PAGES;
	if (pages > e->limit_pages)
		return EMS_TOO_MANY_PAGES;
	if (pages > ems_free_pages(e))
		return EMS_NOT_ENOUGH_PAGES;
	struct ems_handle *h = &e->handles[k];
	memset(h, 0, sizeof(*h));
	int st = grow(e, h, pages);
	if (st != EMS_OK) {
		free(h->pages);
		h->pages = NULL;
		return st;
	}
	h->used = true;
	*handle = (uint16_t)k;
	return EMS_OK;
}

int ems_reallocate(struct ems *e, uint16_t handle, uint16_t pages)
{
	struct ems_handle *h = ems_handle(e, handle);
	if (!h || handle == 0)
		return EMS_BAD_HANDLE;
	if (pages > e->limit_pages)
		return EMS_TOO_MANY_PAGES;
	if (pages > h->npages && (uint32_t)(pages - h->npages) > ems_free_pages(e))
		return EMS_NOT_ENOUGH_PAGES;
	if (pages < h->npages)
		shrink(e, handle, h, pages);
	return grow(e, h, pages);
}

/* Handle 0's pages are the machine's conventional memory: it stays. */
int ems_deallocate(struct ems *e, uint16_t handle)
{
	struct ems_handle *h = ems_handle(e, handle);
	if (!h)
		return EMS_BAD_HANDLE;
	if (h->saved)
		return EMS_SAVED_CONTEXT;
	if (handle == 0)
		return EMS_OK;
	shrink(e, handle, h, 0);
	free(h->pages);
	memset(h, 0, sizeof(*h));
	return EMS_OK;
}

void ems_release_all(struct ems *e)
{
	for (unsigned k = 1; k < EMS_MAX_HANDLES; k++)
		if (e->handles[k].used) {
			e->handles[k].saved = false;
			(void)ems_deallocate(e, (uint16_t)k);
		}
}

int ems_map(struct ems *e, unsigned p, uint16_t handle, uint16_t logical)
{
	if (logical != EMS_UNMAPPED && !ems_handle(e, handle))
		return EMS_BAD_HANDLE;
	if (p >= e->nphys)
		return EMS_BAD_PHYSICAL;
	uint32_t lin = (uint32_t)e->phys[p].seg << 4, phys = lin;
	if (logical != EMS_UNMAPPED) {
		if (logical >= e->handles[handle].npages)
			return EMS_BAD_LOGICAL;
		phys = e->handles[handle].pages[logical];
	}
	if (vdd_map_phys(e->vm, lin, phys, EMS_PAGE_SIZE) < 0)
		return EMS_INTERNAL;
	e->phys[p].handle = logical == EMS_UNMAPPED ? 0 : handle;
	e->phys[p].logical = logical;
	return EMS_OK;
}

int ems_phys_of_segment(const struct ems *e, uint16_t seg)
{
	for (unsigned p = 0; p < e->nphys; p++)
		if (e->phys[p].seg == seg)
			return (int)p;
	return -1;
}

/* ---- page map arrays: signature, count, (handle, logical) per page, sum ---- */

unsigned ems_map_size(const struct ems *e)
{
	return 4 + 4 * e->nphys + 2;
}

static uint16_t checksum(const uint8_t *b, unsigned n)
{
	uint16_t s = 0x5A5A;
	for (unsigned k = 0; k < n; k++)
		s = (uint16_t)((s << 1 | s >> 15) + b[k]);
	return s;
}

void ems_map_save(struct ems *e, uint32_t lin)
{
	uint8_t b[4 + 4 * EMS_MAX_PHYS + 2];
	put16(b, MAP_SIGNATURE);
	put16(b + 2, (uint16_t)e->nphys);
	for (unsigned p = 0; p < e->nphys; p++) {
		put16(b + 4 + 4 * p, e->phys[p].handle);
		put16(b + 6 + 4 * p, e->phys[p].logical);
	}
	unsigned n = 4 + 4 * e->nphys;
	put16(b + n, checksum(b, n));
	(void)vm16_write(e->vm, lin, b, n + 2);
}

/* A (handle, logical) pair that may be mapped. */
static bool valid_pair(struct ems *e, uint16_t handle, uint16_t logical)
{
	if (logical == EMS_UNMAPPED)
		return true;
	struct ems_handle *h = ems_handle(e, handle);
	return h && logical < h->npages;
}

int ems_map_restore(struct ems *e, uint32_t lin)
{
	uint8_t b[4 + 4 * EMS_MAX_PHYS + 2];
	unsigned n = 4 + 4 * e->nphys;
	if (vm16_read(e->vm, lin, b, n + 2) < 0 || get16(b) != MAP_SIGNATURE || get16(b + 2) != e->nphys ||
	    get16(b + n) != checksum(b, n))
		return EMS_CORRUPT;
	for (unsigned p = 0; p < e->nphys; p++)
		if (!valid_pair(e, get16(b + 4 + 4 * p), get16(b + 6 + 4 * p)))
			return EMS_CORRUPT;
	for (unsigned p = 0; p < e->nphys; p++)
		(void)ems_map(e, p, get16(b + 4 + 4 * p), get16(b + 6 + 4 * p));
	return EMS_OK;
}

int ems_map_many(struct ems *e, uint16_t handle, uint32_t lin, unsigned count, bool by_segment)
{
	uint8_t pair[4];
	struct ems_handle *h = ems_handle(e, handle);
	if (!h)
		return EMS_BAD_HANDLE;
	for (unsigned pass = 0; pass < 2; pass++) {
		for (unsigned k = 0; k < count; k++) {
			if (vm16_read(e->vm, lin + 4 * k, pair, 4) < 0)
				return EMS_CORRUPT;
			uint16_t logical = get16(pair), where = get16(pair + 2);
			int p = by_segment ? ems_phys_of_segment(e, where) : (where < e->nphys ? where : -1);
			if (p < 0)
				return EMS_BAD_PHYSICAL;
			if (logical != EMS_UNMAPPED && logical >= h->npages)
				return EMS_BAD_LOGICAL;
			if (pass == 1)
				(void)ems_map(e, (unsigned)p, handle, logical);
		}
	}
	return EMS_OK;
}

/* ---- 40h-4Dh, 51h ---- */

static void frame_save(struct ems *e, uint16_t handle)
{
	struct ems_handle *h = ems_handle(e, handle);
	if (!h) {
		ems_set_ah(e, EMS_BAD_HANDLE);
		return;
	}
	if (h->saved) {
		ems_set_ah(e, EMS_ALREADY_SAVED);
		return;
	}
	for (unsigned p = 0; p < 4; p++)
		h->save[p] = p < e->nphys && e->frame_seg ? (uint32_t)e->phys[p].handle << 16 | e->phys[p].logical
							  : EMS_UNMAPPED;
	h->saved = true;
	ems_set_ah(e, EMS_OK);
}

static void frame_restore(struct ems *e, uint16_t handle)
{
	struct ems_handle *h = ems_handle(e, handle);
	if (!h) {
		ems_set_ah(e, EMS_BAD_HANDLE);
		return;
	}
	if (!h->saved) {
		ems_set_ah(e, EMS_NOT_SAVED);
		return;
	}
	for (unsigned p = 0; p < 4 && e->frame_seg; p++) {
		uint16_t sh = (uint16_t)(h->save[p] >> 16), sl = (uint16_t)h->save[p];
		(void)ems_map(e, p, valid_pair(e, sh, sl) ? sh : 0, valid_pair(e, sh, sl) ? sl : EMS_UNMAPPED);
	}
	h->saved = false;
	ems_set_ah(e, EMS_OK);
}

/* 4Dh: ES:DI -> (handle, pages) for every open handle; BX = how many. */
static void all_handle_pages(struct ems *e)
{
	uint32_t lin = ems_lin(e->r.es, (uint16_t)e->r.edi);
	uint16_t n = 0;
	for (unsigned k = 0; k < EMS_MAX_HANDLES; k++) {
		if (!e->handles[k].used)
			continue;
		uint8_t rec[4];
		put16(rec, (uint16_t)k);
		put16(rec + 2, e->handles[k].npages);
		(void)vm16_write(e->vm, lin + 4u * n, rec, 4);
		n++;
	}
	ems_set16(&e->r.ebx, n);
	ems_set_ah(e, EMS_OK);
}

static uint16_t open_handles(const struct ems *e)
{
	uint16_t n = 0;
	for (unsigned k = 0; k < EMS_MAX_HANDLES; k++)
		n += e->handles[k].used;
	return n;
}

void ems_fn_basic(struct ems *e, uint8_t fn)
{
	uint16_t handle = ems_dx(e);
	struct ems_handle *h;
	int st;
	switch (fn) {
	case 0x40: ems_set_ah(e, EMS_OK); break;
	case 0x41:
		ems_set16(&e->r.ebx, e->frame_seg);
		ems_set_ah(e, e->frame_seg ? EMS_OK : EMS_INTERNAL);
		break;
	case 0x42:
		ems_set16(&e->r.ebx, (uint16_t)ems_free_pages(e));
		ems_set16(&e->r.edx, (uint16_t)e->limit_pages);
		ems_set_ah(e, EMS_OK);
		break;
	case 0x43:
		st = ems_allocate(e, ems_bx(e), false, &handle);
		if (st == EMS_OK)
			ems_set16(&e->r.edx, handle);
		ems_set_ah(e, (uint8_t)st);
		break;
	case 0x44: /* AL = physical page, BX = logical page, DX = handle */
		ems_set_ah(e, (uint8_t)(!ems_handle(e, handle) ? EMS_BAD_HANDLE : ems_map(e, ems_al(e), handle, ems_bx(e))));
		break;
	case 0x45: ems_set_ah(e, (uint8_t)ems_deallocate(e, handle)); break;
	case 0x46:
		ems_set_al(e, 0x40);
		ems_set_ah(e, EMS_OK);
		break;
	case 0x47: frame_save(e, handle); break;
	case 0x48: frame_restore(e, handle); break;
	case 0x4B:
		ems_set16(&e->r.ebx, open_handles(e));
		ems_set_ah(e, EMS_OK);
		break;
	case 0x4C:
		h = ems_handle(e, handle);
		if (h)
			ems_set16(&e->r.ebx, h->npages);
		ems_set_ah(e, h ? EMS_OK : EMS_BAD_HANDLE);
		break;
	case 0x4D: all_handle_pages(e); break;
	case 0x51:
		st = ems_reallocate(e, handle, ems_bx(e));
		h = ems_handle(e, handle);
		if (h)
			ems_set16(&e->r.ebx, h->npages);
		ems_set_ah(e, (uint8_t)st);
		break;
	default: ems_set_ah(e, EMS_BAD_FUNCTION); break; /* 49h, 4Ah: LIM 3.x I/O ports, gone in 4.0 */
	}
}

/* ---- 4Eh, 4Fh, 50h, 52h-54h ---- */

/* 4Fh: a partial map is a count, then (segment, handle, logical) each. */
static void partial_map(struct ems *e, uint8_t sub)
{
	uint32_t src = ems_lin(e->r.ds, (uint16_t)e->r.esi), dst = ems_lin(e->r.es, (uint16_t)e->r.edi);
	uint8_t b[6];
	if (sub == 0x02) {
		if (ems_bx(e) > e->nphys) {
			ems_set_ah(e, EMS_BAD_PHYSICAL);
			return;
		}
		ems_set_al(e, (uint8_t)(2 + 6 * ems_bx(e)));
		ems_set_ah(e, EMS_OK);
		return;
	}
	(void)vm16_read(e->vm, src, b, 2);
	uint16_t count = get16(b);
	if (count > e->nphys) {
		ems_set_ah(e, sub == 0x00 ? EMS_BAD_PHYSICAL : EMS_CORRUPT);
		return;
	}
	for (unsigned pass = 0; pass < 2; pass++) {
		for (unsigned k = 0; k < count; k++) {
			(void)vm16_read(e->vm, src + 2 + (sub == 0x00 ? 2 * k : 6 * k), b, sub == 0x00 ? 2 : 6);
			int p = ems_phys_of_segment(e, get16(b));
			if (p < 0) {
				ems_set_ah(e, sub == 0x00 ? EMS_BAD_PHYSICAL : EMS_CORRUPT);
				return;
			}
			if (sub == 0x01 && !valid_pair(e, get16(b + 2), get16(b + 4))) {
				ems_set_ah(e, EMS_CORRUPT);
				return;
			}
			if (pass == 0)
				continue;
			if (sub == 0x00) {
				put16(b + 2, e->phys[p].handle);
				put16(b + 4, e->phys[p].logical);
				(void)vm16_write(e->vm, dst + 2 + 6 * k, b, 6);
			} else {
				(void)ems_map(e, (unsigned)p, get16(b + 2), get16(b + 4));
			}
		}
	}
	if (sub == 0x00) {
		put16(b, count);
		(void)vm16_write(e->vm, dst, b, 2);
	}
	ems_set_ah(e, EMS_OK);
}

static void page_map(struct ems *e, uint8_t sub)
{
	uint32_t src = ems_lin(e->r.ds, (uint16_t)e->r.esi), dst = ems_lin(e->r.es, (uint16_t)e->r.edi);
	int st = EMS_OK;
	switch (sub) {
	case 0x00: ems_map_save(e, dst); break;
	case 0x01: st = ems_map_restore(e, src); break;
	case 0x02:
		ems_map_save(e, dst);
		st = ems_map_restore(e, src);
		break;
	case 0x03: ems_set_al(e, (uint8_t)ems_map_size(e)); break;
	default: st = EMS_BAD_SUBFUNCTION; break;
	}
	ems_set_ah(e, (uint8_t)st);
}

static bool name_is_null(const uint8_t *n)
{
	for (unsigned k = 0; k < EMS_NAME_LEN; k++)
		if (n[k])
			return false;
	return true;
}

static int find_name(struct ems *e, const uint8_t *name)
{
	for (unsigned k = 0; k < EMS_MAX_HANDLES; k++)
		if (e->handles[k].used && memcmp(e->handles[k].name, name, EMS_NAME_LEN) == 0)
			return (int)k;
	return -1;
}

/* 53h: 00 get the name of DX to ES:DI, 01 set it from DS:SI. */
static void handle_name(struct ems *e, uint8_t sub)
{
	struct ems_handle *h = ems_handle(e, ems_dx(e));
	uint8_t name[EMS_NAME_LEN];
	if (sub > 1) {
		ems_set_ah(e, EMS_BAD_SUBFUNCTION);
		return;
	}
	if (!h) {
		ems_set_ah(e, EMS_BAD_HANDLE);
		return;
	}
	if (sub == 0) {
		(void)vm16_write(e->vm, ems_lin(e->r.es, (uint16_t)e->r.edi), h->name, EMS_NAME_LEN);
		ems_set_ah(e, EMS_OK);
		return;
	}
	(void)vm16_read(e->vm, ems_lin(e->r.ds, (uint16_t)e->r.esi), name, EMS_NAME_LEN);
	int other = find_name(e, name);
	if (!name_is_null(name) && other >= 0 && other != ems_dx(e)) {
		ems_set_ah(e, EMS_NAME_EXISTS);
		return;
	}
	memcpy(h->name, name, EMS_NAME_LEN);
	ems_set_ah(e, EMS_OK);
}

/* 54h: 00 directory to ES:DI (AL = entries), 01 search DS:SI (DX), 02 total handles (BX). */
static void handle_directory(struct ems *e, uint8_t sub)
{
	uint8_t name[EMS_NAME_LEN], rec[2 + EMS_NAME_LEN];
	if (sub == 0x00) {
		uint32_t dst = ems_lin(e->r.es, (uint16_t)e->r.edi);
		uint8_t n = 0;
		for (unsigned k = 0; k < EMS_MAX_HANDLES; k++) {
			if (!e->handles[k].used)
				continue;
			put16(rec, (uint16_t)k);
			memcpy(rec + 2, e->handles[k].name, EMS_NAME_LEN);
			(void)vm16_write(e->vm, dst + (uint32_t)sizeof(rec) * n++, rec, sizeof(rec));
		}
		ems_set_al(e, n);
		ems_set_ah(e, EMS_OK);
	} else if (sub == 0x01) {
		(void)vm16_read(e->vm, ems_lin(e->r.ds, (uint16_t)e->r.esi), name, EMS_NAME_LEN);
		int h = name_is_null(name) ? -1 : find_name(e, name);
		if (h >= 0)
			ems_set16(&e->r.edx, (uint16_t)h);
		ems_set_ah(e, name_is_null(name) ? EMS_NAME_EXISTS : h >= 0 ? EMS_OK : EMS_NAME_NOT_FOUND);
	} else if (sub == 0x02) {
		ems_set16(&e->r.ebx, EMS_MAX_HANDLES);
		ems_set_ah(e, EMS_OK);
	} else {
		ems_set_ah(e, EMS_BAD_SUBFUNCTION);
	}
}

/* 52h: attributes. Only volatile pages exist (LIM 4.0 function 19). */
static void attributes(struct ems *e, uint8_t sub)
{
	if (sub == 0x02) {
		ems_set_al(e, 0);
		ems_set_ah(e, EMS_OK);
		return;
	}
	if (sub > 0x02) {
		ems_set_ah(e, EMS_BAD_SUBFUNCTION);
		return;
	}
	if (!ems_handle(e, ems_dx(e))) {
		ems_set_ah(e, EMS_BAD_HANDLE);
		return;
	}
	if (sub == 0x00) {
		ems_set_al(e, 0);
		ems_set_ah(e, EMS_OK);
	} else {
		uint8_t bl = (uint8_t)e->r.ebx;
		ems_set_ah(e, bl == 0 ? EMS_OK : bl == 1 ? EMS_UNSUPPORTED : EMS_BAD_ATTRIBUTE);
	}
}

void ems_fn_maps(struct ems *e, uint8_t fn)
{
	uint8_t sub = ems_al(e);
	switch (fn) {
	case 0x4E: page_map(e, sub); break;
	case 0x4F:
		if (sub > 2)
			ems_set_ah(e, EMS_BAD_SUBFUNCTION);
		else
			partial_map(e, sub);
		break;
	case 0x50:
		if (sub > 1)
			ems_set_ah(e, EMS_BAD_SUBFUNCTION);
		else
			ems_set_ah(e, (uint8_t)ems_map_many(e, ems_dx(e), ems_lin(e->r.ds, (uint16_t)e->r.esi),
							  ems_cx(e), sub == 1));
		break;
	case 0x52: attributes(e, sub); break;
	case 0x53: handle_name(e, sub); break;
	default: handle_directory(e, sub); break;
	}
}
