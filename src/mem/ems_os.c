/*
 * ems_os.c - the LIM EMS 4.0 functions beyond mapping and moving: alter
 * page map and jump (55h) or call (56h), the mappable physical address
 * array (58h), hardware information (59h), allocating standard or raw
 * pages (5Ah), alternate map register sets (5Bh: this manager has none
 * in hardware and keeps the software form the specification allows, a
 * map save area the system names), prepare for warm boot (5Ch) and the
 * operating system's access key for the OS/E functions (5Dh).
 * A 56h call pushes the map to restore on the caller's stack under a far
 * return to the driver's call_return stub, so an abandoned call leaves
 * nothing in the host.
 * Sources: LIM EMS 4.0 functions 22, 23, 25-30; RBIL INT 67h/AH=55h-5Dh.
 */
#include "common/le.h"
#include "mem/ems.h"

enum { RAW_PAGE_PARAS = EMS_PAGE_SIZE / 16 };

static uint16_t peek16(struct ems *e, uint32_t lin)
{
	uint8_t b[2];
	(void)vm16_read(e->vm, lin, b, 2);
	return get16(b);
}

static void poke16(struct ems *e, uint32_t lin, uint16_t v)
{
	uint8_t b[2];
	put16(b, v);
	(void)vm16_write(e->vm, lin, b, 2);
}

/* Map `count` pairs at seg:off (a far pointer in memory at lin). */
static int map_from_pointer(struct ems *e, uint32_t lin, unsigned count, bool by_segment)
{
	if (!count)
		return ems_handle(e, ems_dx(e)) ? EMS_OK : EMS_BAD_HANDLE;
	uint32_t at = ems_lin(peek16(e, lin + 2), peek16(e, lin));
	return ems_map_many(e, ems_dx(e), at, count, by_segment);
}

/* 55h: DS:SI -> target (dword), map length (byte), map pointer (dword). */
static void map_and_jump(struct ems *e, uint8_t sub)
{
	uint32_t s = ems_lin(e->r.ds, (uint16_t)e->r.esi);
	uint8_t count;
	(void)vm16_read(e->vm, s + 4, &count, 1);
	int st = map_from_pointer(e, s + 5, count, sub == 1);
	if (st == EMS_OK) {
		/* The INT 67h frame (IP, CS, FLAGS) now returns to the target. */
		uint32_t frame = ems_lin(e->r.ss, (uint16_t)e->r.esp);
		poke16(e, frame, peek16(e, s));
		poke16(e, frame + 2, peek16(e, s + 2));
	}
	ems_set_ah(e, (uint8_t)st);
}

/* Bytes a 56h call puts on the stack: our data, the far return to the
 * driver and the IRET frame to the target (5602h). */
static uint16_t call_stack_bytes(const struct ems *e)
{
	return (uint16_t)(6 + 4 * e->nphys + 4 + 6);
}

/* 56h: DS:SI -> target, new map (length, pointer), old map (length,
 * pointer). Under the caller's INT 67h frame go the old map (handle,
 * mode, count, pairs), a far return to call_return and an IRET frame to
 * the target. */
static void map_and_call(struct ems *e, uint8_t sub)
{
	uint32_t s = ems_lin(e->r.ds, (uint16_t)e->r.esi);
	uint8_t lens[2];
	(void)vm16_read(e->vm, s + 4, &lens[0], 1);
	(void)vm16_read(e->vm, s + 9, &lens[1], 1);
	if (lens[1] > e->nphys) {
		ems_set_ah(e, EMS_BAD_PHYSICAL);
		return;
	}
	int st = map_from_pointer(e, s + 5, lens[0], sub == 1);
	if (st != EMS_OK) {
		ems_set_ah(e, (uint8_t)st);
		return;
	}
	uint16_t sp = (uint16_t)e->r.esp, flags = peek16(e, ems_lin(e->r.ss, (uint16_t)(sp + 4)));
	uint32_t old = ems_lin(peek16(e, s + 12), peek16(e, s + 10));
	uint16_t data = (uint16_t)(sp - 6 - 4 * lens[1]);
	poke16(e, ems_lin(e->r.ss, data), ems_dx(e));
	poke16(e, ems_lin(e->r.ss, (uint16_t)(data + 2)), sub);
	poke16(e, ems_lin(e->r.ss, (uint16_t)(data + 4)), lens[1]);
	for (unsigned k = 0; k < 2u * lens[1]; k++)
		poke16(e, ems_lin(e->r.ss, (uint16_t)(data + 6 + 2 * k)), peek16(e, old + 2 * k));
	uint16_t ret = (uint16_t)(data - 4), frame = (uint16_t)(ret - 6);
	poke16(e, ems_lin(e->r.ss, ret), EMS_STUB_CALL_RETURN);
	poke16(e, ems_lin(e->r.ss, (uint16_t)(ret + 2)), e->stub_seg);
	poke16(e, ems_lin(e->r.ss, frame), peek16(e, s));
	poke16(e, ems_lin(e->r.ss, (uint16_t)(frame + 2)), peek16(e, s + 2));
	poke16(e, ems_lin(e->r.ss, (uint16_t)(frame + 4)), flags);
	ems_set16(&e->r.esp, frame);
	ems_set_ah(e, EMS_OK);
}

void ems_call_return(struct ems *e)
{
	uint16_t sp = (uint16_t)e->r.esp;
	uint16_t handle = peek16(e, ems_lin(e->r.ss, sp)), mode = peek16(e, ems_lin(e->r.ss, (uint16_t)(sp + 2)));
	uint16_t count = peek16(e, ems_lin(e->r.ss, (uint16_t)(sp + 4)));
	if (count > e->nphys)
		count = 0;
	int st = count ? ems_map_many(e, handle, ems_lin(e->r.ss, (uint16_t)(sp + 6)), count, mode == 1) : EMS_OK;
	ems_set16(&e->r.esp, (uint16_t)(sp + 6 + 4 * count));
	ems_set_ah(e, (uint8_t)st);
}

/* 58h: 00 ES:DI -> (segment, page number) pairs by segment; CX = count. */
static void mappable_array(struct ems *e, uint8_t sub)
{
	if (sub > 1) {
		ems_set_ah(e, EMS_BAD_SUBFUNCTION);
		return;
	}
	ems_set16(&e->r.ecx, (uint16_t)e->nphys);
	if (sub == 0) {
		uint32_t dst = ems_lin(e->r.es, (uint16_t)e->r.edi);
		bool done[EMS_MAX_PHYS] = { false };
		for (unsigned n = 0; n < e->nphys; n++) {
			unsigned best = EMS_MAX_PHYS;
			for (unsigned p = 0; p < e->nphys; p++)
				if (!done[p] && (best == EMS_MAX_PHYS || e->phys[p].seg < e->phys[best].seg))
					best = p;
			done[best] = true;
			poke16(e, dst + 4 * n, e->phys[best].seg);
			poke16(e, dst + 4 * n + 2, (uint16_t)best);
		}
	}
	ems_set_ah(e, EMS_OK);
}

/* 59h (OS/E): 00 ES:DI -> raw page size, alternate sets, save area size,
 * DMA sets, DMA channel operation; 01 BX = free raw pages, DX = all. */
static void hardware_info(struct ems *e, uint8_t sub)
{
	if (sub == 0) {
		uint32_t dst = ems_lin(e->r.es, (uint16_t)e->r.edi);
		uint16_t info[5] = { RAW_PAGE_PARAS, 0, (uint16_t)ems_map_size(e), 0, 0 };
		for (unsigned k = 0; k < 5; k++)
			poke16(e, dst + 2 * k, info[k]);
	} else if (sub == 1) {
		ems_set16(&e->r.ebx, (uint16_t)ems_free_pages(e));
		ems_set16(&e->r.edx, (uint16_t)e->limit_pages);
	} else {
		ems_set_ah(e, EMS_BAD_SUBFUNCTION);
		return;
	}
	ems_set_ah(e, EMS_OK);
}

/* 5Bh (OS/E): only set 0 exists; its map lives in the save area the
 * system gives with 01h (ES:DI, 0:0 = none), as LIM 4.0 allows. */
static void alternate_sets(struct ems *e, uint8_t sub)
{
	uint8_t bl = (uint8_t)e->r.ebx;
	uint32_t area = (uint32_t)e->r.es << 16 | (uint16_t)e->r.edi;
	int st = EMS_OK;
	switch (sub) {
	case 0x00: /* get: BL = active set, ES:DI -> the area, holding the current map */
		if (e->alt_map)
			ems_map_save(e, ems_lin((uint16_t)(e->alt_map >> 16), (uint16_t)e->alt_map));
		e->r.es = (uint16_t)(e->alt_map >> 16);
		ems_set16(&e->r.edi, (uint16_t)e->alt_map);
		e->r.ebx &= 0xFFFFFF00u;
		break;
	case 0x01: /* set: BL = 0, ES:DI -> a map to restore and keep */
		if (bl) {
			st = EMS_BAD_ALT_SET;
			break;
		}
		if (area)
			st = ems_map_restore(e, ems_lin((uint16_t)(area >> 16), (uint16_t)area));
		if (st == EMS_OK)
			e->alt_map = area;
		break;
	case 0x02: ems_set16(&e->r.edx, (uint16_t)ems_map_size(e)); break;
	case 0x03: case 0x05: e->r.ebx &= 0xFFFFFF00u; break; /* allocate: none available (BL = 0) */
	case 0x04: case 0x06: case 0x07: case 0x08:
		st = bl ? (sub == 0x04 ? EMS_BAD_ALT_SET : EMS_BAD_DMA_SET) : EMS_OK;
		break;
	default: st = EMS_BAD_SUBFUNCTION; break;
	}
	ems_set_ah(e, (uint8_t)st);
}

/* 5Dh: 00 enable / 01 disable the OS/E functions, 02 give the access key
 * back. The first 00h or 01h returns the key in BX:CX; later calls must
 * pass it. */
static void os_access(struct ems *e, uint8_t sub)
{
	if (sub > 2) {
		ems_set_ah(e, EMS_BAD_SUBFUNCTION);
		return;
	}
	uint32_t key = (uint32_t)(uint16_t)e->r.ebx << 16 | (uint16_t)e->r.ecx;
	if (e->os_key_given && key != e->os_key) {
		ems_set_ah(e, EMS_DENIED);
		return;
	}
	if (!e->os_key_given && sub != 2) {
		e->os_key = (uint32_t)(vdd_clock_ns(e->vm) * 2654435761u) | 1;
		e->os_key_given = true;
		ems_set16(&e->r.ebx, (uint16_t)(e->os_key >> 16));
		ems_set16(&e->r.ecx, (uint16_t)e->os_key);
	}
	if (sub == 2) {
		e->os_key_given = false;
		e->os_disabled = false;
	} else {
		e->os_disabled = sub == 1;
	}
	ems_set_ah(e, EMS_OK);
}

void ems_fn_os(struct ems *e, uint8_t fn)
{
	uint8_t sub = ems_al(e);
	uint16_t handle;
	int st;
	if ((fn == 0x59 || fn == 0x5B) && e->os_disabled) {
		ems_set_ah(e, EMS_DENIED);
		return;
	}
	switch (fn) {
	case 0x55:
		if (sub > 1)
			ems_set_ah(e, EMS_BAD_SUBFUNCTION);
		else
			map_and_jump(e, sub);
		break;
	case 0x56:
		if (sub == 2) {
			ems_set16(&e->r.ebx, call_stack_bytes(e));
			ems_set_ah(e, EMS_OK);
		} else if (sub > 2) {
			ems_set_ah(e, EMS_BAD_SUBFUNCTION);
		} else {
			map_and_call(e, sub);
		}
		break;
	case 0x58: mappable_array(e, sub); break;
	case 0x59: hardware_info(e, sub); break;
	case 0x5A:
		if (sub > 1) {
			ems_set_ah(e, EMS_BAD_SUBFUNCTION);
			break;
		}
		st = ems_allocate(e, ems_bx(e), true, &handle);
		if (st == EMS_OK)
			ems_set16(&e->r.edx, handle);
		ems_set_ah(e, (uint8_t)st);
		break;
	case 0x5B: alternate_sets(e, sub); break;
	case 0x5C: ems_set_ah(e, EMS_OK); break;
	default: os_access(e, sub); break;
	}
}
