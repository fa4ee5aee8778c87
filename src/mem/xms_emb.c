/*
 * xms_emb.c - XMS extended memory blocks: query (08h, 88h), allocate
 * (09h, 89h), free (0Ah), move (0Bh), lock and unlock (0Ch, 0Dh), handle
 * information (0Eh, 8Eh) and reallocate (0Fh, 8Fh). Blocks come from the
 * VM's extended memory allocator (vdd_xmem_*), at most XMS_MEMORY_LIMIT
 * KiB of them, each contiguous (a locked block's physical address is
 * real). Moves are host copies through the VM's memory map, so handle 0
 * (a real-mode seg:off) reaches conventional memory, upper memory, the
 * EMS frame's current pages and the HMA. The 32-bit functions (8xh) are
 * for the 80386: an 80286 driver answers 80h, as the specification says.
 * Sources: XMS 3.0 functions 08h-0Fh, 88h-8Fh; RBIL tables 02758-02774.
 */
#include <string.h>

#include "common/le.h"
#include "mem/xms.h"

enum { KB_PER_PAGE = 4, MAX_LOCKS = 255 };

static struct xms_block *block_of(struct xms *x, uint16_t handle)
{
	if (handle == 0 || handle > x->nblocks || !x->blocks[handle - 1].used)
		return NULL;
	return &x->blocks[handle - 1];
}

/* The block of the handle in DX, or NULL after failing the call with A2h. */
static struct xms_block *block_arg(struct xms *x)
{
	struct xms_block *b = block_of(x, (uint16_t)x->r.edx);
	if (!b)
		xms_fail(x, XMS_BAD_HANDLE);
	return b;
}

static uint32_t pages_for(uint32_t kb)
{
	return (kb + KB_PER_PAGE - 1) / KB_PER_PAGE;
}

/* KiB XMS may still give: the allocator's, within XMS_MEMORY_LIMIT. */
static void free_kb(struct xms *x, uint32_t *total, uint32_t *largest)
{
	uint32_t free_pages, largest_pages;
	vdd_xmem_query(x->vm, &free_pages, &largest_pages);
	uint32_t left = x->limit_kb > x->used_kb ? x->limit_kb - x->used_kb : 0;
	*total = free_pages * KB_PER_PAGE < left ? free_pages * KB_PER_PAGE : left;
	*largest = largest_pages * KB_PER_PAGE < *total ? largest_pages * KB_PER_PAGE : *total;
}

static unsigned free_handles(const struct xms *x)
{
	unsigned n = 0;
	for (unsigned k = 0; k < x->nblocks; k++)
		n += !x->blocks[k].used;
	return n;
}

static void set16(uint32_t *reg, uint16_t v)
{
	*reg = (*reg & 0xFFFF0000u) | v;
}

static uint16_t cap16(uint32_t v)
{
	return (uint16_t)(v > 0xFFFF ? 0xFFFF : v);
}

/* 08h / 88h */
static void query(struct xms *x, bool wide)
{
	uint32_t total, largest;
	free_kb(x, &total, &largest);
	uint8_t status = total ? 0 : XMS_NO_MEMORY;
	if (wide) {
		x->r.eax = largest;
		x->r.edx = total;
		x->r.ecx = vdd_property(x->vm, "EXTENDED_MEMORY") * 1024u + 0x100000u - 1u;
	} else {
		set16(&x->r.eax, cap16(largest));
		set16(&x->r.edx, cap16(total));
	}
	x->r.ebx = (x->r.ebx & 0xFFFFFF00u) | status;
}

/* 09h / 89h: kb; DX = the new handle. */
static void allocate(struct xms *x, uint32_t kb)
{
	unsigned k = 0;
	while (k < x->nblocks && x->blocks[k].used)
		k++;
	if (k == x->nblocks) {
		xms_fail(x, XMS_NO_HANDLES);
		return;
	}
	uint32_t total, largest, pages = pages_for(kb), phys = 0;
	free_kb(x, &total, &largest);
	if (pages * KB_PER_PAGE > largest || (pages && vdd_xmem_alloc(x->vm, pages, &phys) < 0)) {
		xms_fail(x, XMS_NO_MEMORY);
		return;
	}
	x->blocks[k] = (struct xms_block){ .used = true, .kb = kb, .pages = pages, .phys = phys };
	x->used_kb += pages * KB_PER_PAGE;
	set16(&x->r.edx, (uint16_t)(k + 1));
	xms_ok(x);
}

/* 0Ah: DX = handle. */
static void release(struct xms *x)
{
	struct xms_block *b = block_arg(x);
	if (!b)
		return;
	if (b->locks) {
		xms_fail(x, XMS_LOCKED);
		return;
	}
	if (b->pages)
		(void)vdd_xmem_free(x->vm, b->phys, b->pages);
	x->used_kb -= b->pages * KB_PER_PAGE;
	memset(b, 0, sizeof(*b));
	xms_ok(x);
}

/* One side of a move: handle 0 = seg:off in the real-mode address space,
 * else an offset in the block. Returns 0 and the address, or the error. */
static uint8_t move_side(struct xms *x, uint16_t handle, uint32_t offset, uint32_t len, bool src, uint32_t *addr)
{
	if (handle == 0) {
		*addr = ((offset >> 16) << 4) + (offset & 0xFFFF);
		return (uint64_t)*addr + len > 0x10FFF0u ? XMS_BAD_LENGTH : 0;
	}
	struct xms_block *b = block_of(x, handle);
	if (!b)
		return src ? XMS_BAD_SRC_HANDLE : XMS_BAD_DST_HANDLE;
	uint64_t size = (uint64_t)b->kb * 1024u;
	if (offset > size || (offset == size && len))
		return src ? XMS_BAD_SRC_OFFSET : XMS_BAD_DST_OFFSET;
	if ((uint64_t)offset + len > size)
		return XMS_BAD_LENGTH;
	*addr = b->phys + offset;
	return 0;
}

/* 0Bh: DS:SI -> length (dword), source handle, offset, dest handle,
 * offset. The length must be even. */
static void move(struct xms *x)
{
	uint8_t m[16];
	if (vm16_read(x->vm, ((uint32_t)x->r.ds << 4) + (uint16_t)x->r.esi, m, sizeof(m)) < 0) {
		xms_fail(x, XMS_BAD_LENGTH);
		return;
	}
	uint32_t len = get32(m), src, dst;
	if (len & 1) {
		xms_fail(x, XMS_BAD_LENGTH);
		return;
	}
	uint8_t e = move_side(x, get16(m + 4), get32(m + 6), len, true, &src);
	if (!e)
		e = move_side(x, get16(m + 10), get32(m + 12), len, false, &dst);
	if (e) {
		xms_fail(x, e);
		return;
	}
	if (vdd_mem_move(x->vm, dst, src, len) < 0)
		xms_fail(x, XMS_BAD_LENGTH);
	else
		xms_ok(x);
}

/* 0Ch: DX:BX = the block's physical address; 0Dh: unlock. */
static void lock(struct xms *x, bool on)
{
	struct xms_block *b = block_arg(x);
	if (!b)
		return;
	if (on) {
		if (b->locks == MAX_LOCKS) {
			xms_fail(x, XMS_LOCK_OVERFLOW);
			return;
		}
		b->locks++;
		set16(&x->r.edx, (uint16_t)(b->phys >> 16));
		set16(&x->r.ebx, (uint16_t)b->phys);
	} else {
		if (!b->locks) {
			xms_fail(x, XMS_NOT_LOCKED);
			return;
		}
		b->locks--;
	}
	xms_ok(x);
}

/* 0Eh / 8Eh: BH = lock count, BL (CX) = free handles, DX (EDX) = KiB. */
static void info(struct xms *x, bool wide)
{
	struct xms_block *b = block_arg(x);
	if (!b)
		return;
	unsigned handles = free_handles(x);
	if (wide) {
		set16(&x->r.ebx, (uint16_t)(b->locks << 8 | (x->r.ebx & 0xFF)));
		set16(&x->r.ecx, (uint16_t)handles);
		x->r.edx = b->kb;
	} else {
		set16(&x->r.ebx, (uint16_t)(b->locks << 8 | (handles > 0xFF ? 0xFF : handles)));
		set16(&x->r.edx, cap16(b->kb));
	}
	xms_ok(x);
}

/* 0Fh / 8Fh: DX = handle, BX (EBX) = new size in KiB. An unlocked block
 * may move; its contents stay. */
static void reallocate(struct xms *x, uint32_t kb)
{
	struct xms_block *b = block_arg(x);
	if (!b)
		return;
	if (b->locks) {
		xms_fail(x, XMS_LOCKED);
		return;
	}
	uint32_t pages = pages_for(kb), total, largest;
	free_kb(x, &total, &largest);
	if (pages > b->pages && (pages - b->pages) * KB_PER_PAGE > total) {
		xms_fail(x, XMS_NO_MEMORY);
		return;
	}
	int rc = 0;
	if (pages == 0 && b->pages)
		rc = vdd_xmem_free(x->vm, b->phys, b->pages);
	else if (pages && !b->pages)
		rc = vdd_xmem_alloc(x->vm, pages, &b->phys);
	else if (pages)
		rc = vdd_xmem_resize(x->vm, &b->phys, b->pages, pages, true);
	if (rc < 0) {
		xms_fail(x, XMS_NO_MEMORY);
		return;
	}
	x->used_kb = x->used_kb - b->pages * KB_PER_PAGE + pages * KB_PER_PAGE;
	b->pages = pages;
	b->kb = kb;
	if (!pages)
		b->phys = 0;
	xms_ok(x);
}

bool xms_is_emb_function(uint8_t fn)
{
	return (fn >= 0x08 && fn <= 0x0F) || fn == 0x88 || fn == 0x89 || fn == 0x8E || fn == 0x8F;
}

void xms_emb_call(struct xms *x, uint8_t fn)
{
	if ((fn & 0x80) && vdd_property(x->vm, "CPU_MODEL") < 4 /* 80386 */) {
		xms_fail(x, XMS_NOT_IMPLEMENTED);
		return;
	}
	switch (fn) {
	case 0x08: query(x, false); break;
	case 0x88: query(x, true); break;
	case 0x09: allocate(x, (uint16_t)x->r.edx); break;
	case 0x89: allocate(x, x->r.edx); break;
	case 0x0A: release(x); break;
	case 0x0B: move(x); break;
	case 0x0C: lock(x, true); break;
	case 0x0D: lock(x, false); break;
	case 0x0E: info(x, false); break;
	case 0x8E: info(x, true); break;
	case 0x0F: reallocate(x, (uint16_t)x->r.ebx); break;
	default: reallocate(x, x->r.ebx); break; /* 8Fh */
	}
}
