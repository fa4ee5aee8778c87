/*
 * ems.c - the LIM EMS 4.0 expanded memory manager as a VDD ("ems", OS/2's
 * VEMM). Its guest half (ems_stub.asm, in the VDD guest code page) is the
 * EMMXXXX0 device header at offset 0 of the segment INT 67h points into,
 * so that programs find the driver both ways the specification gives:
 * the name at INT 67h's segment:000Ah, and opening EMMXXXX0 (the DOS
 * kernel links the header into its device chain). INT 67h calls the host,
 * which serves every LIM 4.0 function (ems_pages.c, ems_move.c,
 * ems_os.c). Logical pages are 16 KiB of the VM's extended memory from the
 * one allocator (vdd_xmem_*); mapping one shows it in a physical page
 * through vdd_map_phys, the monitor's single mapping function.
 * Physical pages: the page frame, four at EMS_FRAME_LOCATION (AUTO: D000h
 * if free, else the first free 64 KiB of C000h-EFFFh), numbered 0-3; then
 * in address order the top EMS_LOW_OS_MAP_REGION KiB of conventional
 * memory (the operating system handle 0 owns their own memory: LIM 4.0's
 * "mappable conventional memory") and EMS_HIGH_OS_MAP_REGION KiB of free
 * upper memory (taken before the UMBs).
 * Settings (as OS/2 named them): EMS_MEMORY_LIMIT (0: no EMS),
 * EMS_FRAME_LOCATION, EMS_LOW_OS_MAP_REGION, EMS_HIGH_OS_MAP_REGION.
 * Sources: LIM EMS 4.0 (chapters 2-3, appendix B "testing for the
 * presence of the expanded memory manager"); RBIL INT 67h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem/ems.h"

extern const uint8_t ems_stub[];
extern const size_t ems_stub_size;

static const char *const frame_choices[] = {
	"AUTO", "NONE", "C000", "C400", "C800", "CC00", "D000", "D400", "D800", "DC00", "E000",
	"8000", "8400", "8800", "8C00", "9000", NULL,
};
static const uint16_t frame_segs[] = { 0, 0, 0xC000, 0xC400, 0xC800, 0xCC00, 0xD000, 0xD400, 0xD800, 0xDC00,
				       0xE000, 0x8000, 0x8400, 0x8800, 0x8C00, 0x9000 };
enum { FRAME_AUTO = 0, FRAME_NONE = 1 };

void ems_set_ah(struct ems *e, uint8_t status)
{
	e->r.eax = (e->r.eax & 0xFFFF00FFu) | (uint32_t)status << 8;
}

void ems_set16(uint32_t *reg, uint16_t v)
{
	*reg = (*reg & 0xFFFF0000u) | v;
}

void ems_set_al(struct ems *e, uint8_t v)
{
	e->r.eax = (e->r.eax & 0xFFFFFF00u) | v;
}

static int ems_svc(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct ems *e = ctx;
	vm16_get_regs(vm, &e->r);
	if ((uint16_t)e->r.eip == EMS_STUB_CALL_RETURN + 3) {
		ems_call_return(e);
		vm16_set_regs(vm, &e->r);
		return 0;
	}
	uint8_t fn = (uint8_t)(e->r.eax >> 8);
	if ((fn >= 0x40 && fn <= 0x4D) || fn == 0x51)
		ems_fn_basic(e, fn);
	else if (fn == 0x4E || fn == 0x4F || fn == 0x50 || (fn >= 0x52 && fn <= 0x54))
		ems_fn_maps(e, fn);
	else if (fn == 0x57)
		ems_fn_move(e);
	else if (fn == 0x55 || fn == 0x56 || (fn >= 0x58 && fn <= 0x5D))
		ems_fn_os(e, fn);
	else
		ems_set_ah(e, EMS_BAD_FUNCTION);
	vm16_set_regs(vm, &e->r);
	return 0;
}

/* ---- physical pages ---- */

static int add_phys(struct ems *e, uint16_t seg)
{
	if (e->nphys == EMS_MAX_PHYS)
		return -ENOSPC;
	e->phys[e->nphys++] = (struct ems_phys){ seg, 0, EMS_UNMAPPED };
	return 0;
}

/* 64 KiB at seg: free (no owner) in the upper memory area? */
static int claim_frame(struct ems *e, uint16_t seg)
{
	return vdd_claim_window(e->vm, "EMS page frame", (uint32_t)seg << 4, 4 * EMS_PAGE_SIZE);
}

static int setup_frame(struct ems *e, unsigned choice)
{
	if (choice == FRAME_NONE)
		return 0;
	if (choice != FRAME_AUTO) {
		int rc = claim_frame(e, frame_segs[choice]);
		if (rc < 0)
			return rc;
		e->frame_seg = frame_segs[choice];
	} else {
		static const uint16_t order[] = { 0xD000, 0xE000, 0xC000, 0xC400, 0xC800, 0xCC00, 0xD400, 0xD800, 0xDC00 };
		for (size_t k = 0; k < sizeof(order) / sizeof(order[0]) && !e->frame_seg; k++)
			if (claim_frame(e, order[k]) == 0)
				e->frame_seg = order[k];
		if (!e->frame_seg)
			return 0; /* no room: EMS without a frame (41h answers 80h) */
	}
	for (unsigned k = 0; k < 4; k++)
		(void)add_phys(e, (uint16_t)(e->frame_seg + k * (EMS_PAGE_SIZE >> 4)));
	return 0;
}

/* EMS_HIGH_OS_MAP_REGION: 16 KiB pages of free upper memory, above the
 * frame first, then below it. */
static void setup_high(struct ems *e, unsigned kb)
{
	unsigned want = kb / 16, got = 0;
	uint16_t start = e->frame_seg ? (uint16_t)(e->frame_seg + 0x1000) : 0xC000;
	for (unsigned pass = 0; pass < 2 && got < want; pass++) {
		uint32_t from = pass == 0 ? start : 0xC000, to = pass == 0 ? 0xF000 : start;
		for (uint32_t seg = from; seg + 0x400 <= to && got < want; seg += 0x400) {
			if (vdd_claim_window(e->vm, "EMS mappable pages", seg << 4, EMS_PAGE_SIZE) == 0) {
				(void)add_phys(e, (uint16_t)seg);
				got++;
			}
		}
	}
}

/* EMS_LOW_OS_MAP_REGION: the top of conventional memory, in 16 KiB pages
 * (at least the first 64 KiB stay unmappable); handle 0 owns them. */
static int setup_low(struct ems *e, unsigned kb)
{
	uint32_t top = (uint32_t)vdd_property(e->vm, "DOS_MEMORY") * 1024u;
	top &= ~(uint32_t)(EMS_PAGE_SIZE - 1);
	uint32_t bottom = top > kb * 1024u ? top - kb * 1024u : 0;
	if (bottom < 0x10000)
		bottom = 0x10000;
	struct ems_handle *h0 = &e->handles[0];
	h0->used = true;
	unsigned n = top > bottom ? (top - bottom) / EMS_PAGE_SIZE : 0;
	if (!n)
		return 0;
	h0->pages = calloc(n, sizeof(*h0->pages));
	if (!h0->pages)
		return -ENOMEM;
	for (unsigned k = 0; k < n; k++) {
		uint32_t at = bottom + k * EMS_PAGE_SIZE;
		h0->pages[k] = at;
		if (add_phys(e, (uint16_t)(at >> 4)) == 0)
			e->phys[e->nphys - 1] = (struct ems_phys){ (uint16_t)(at >> 4), 0, (uint16_t)k };
	}
	h0->npages = (uint16_t)n;
	return 0;
}

/* Physical pages after the frame's in address order (58h lists them so). */
static void sort_phys(struct ems *e)
{
	unsigned first = e->frame_seg ? 4 : 0;
	for (unsigned i = first + 1; i < e->nphys; i++)
		for (unsigned j = i; j > first && e->phys[j - 1].seg > e->phys[j].seg; j--) {
			struct ems_phys t = e->phys[j];
			e->phys[j] = e->phys[j - 1];
			e->phys[j - 1] = t;
		}
}

static int install_stub(struct ems *e)
{
	int svc = vdd_alloc_svc(e->vm, ems_svc, e);
	if (svc < 0)
		return svc;
	int rc = vdd_alloc_guest_mem(e->vm, (uint32_t)ems_stub_size, &e->stub_seg);
	if (rc < 0)
		return rc;
	uint32_t base = (uint32_t)e->stub_seg << 4;
	uint8_t pair[2] = { (uint8_t)svc, (uint8_t)~svc };
	uint8_t vec[4] = { EMS_STUB_INT67, 0, (uint8_t)e->stub_seg, (uint8_t)(e->stub_seg >> 8) };
	if (vm16_write(e->vm, base, ems_stub, ems_stub_size) < 0 ||
	    vm16_write(e->vm, base + EMS_STUB_INT67 + 1, pair, 2) < 0 ||
	    vm16_write(e->vm, base + EMS_STUB_CALL_RETURN + 1, pair, 2) < 0 ||
	    vm16_write(e->vm, 0x67 * 4, vec, sizeof(vec)) < 0)
		return -EIO;
	return vdd_add_dos_device(e->vm, e->stub_seg, 0);
}

static void ems_terminate(struct vm *vm, void *inst)
{
	(void)vm;
	struct ems *e = inst;
	if (!e)
		return;
	for (unsigned h = 0; h < EMS_MAX_HANDLES; h++)
		free(e->handles[h].pages);
	free(e);
}

static int ems_create(struct vm *vm, void **inst)
{
	struct ems *e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	*inst = e;
	e->vm = vm;
	e->limit_pages = (uint32_t)vdd_property(vm, "EMS_MEMORY_LIMIT") / 16;
	e->active = e->limit_pages > 0 && vdd_property(vm, "CPU_MODEL") >= 3 /* 80286 */ &&
		    vdd_property(vm, "EXTENDED_MEMORY") > 64;
	if (!e->active)
		return 0;
	int rc = setup_frame(e, (unsigned)vdd_property(vm, "EMS_FRAME_LOCATION"));
	if (rc == 0) {
		setup_high(e, (unsigned)vdd_property(vm, "EMS_HIGH_OS_MAP_REGION"));
		rc = setup_low(e, (unsigned)vdd_property(vm, "EMS_LOW_OS_MAP_REGION"));
	}
	if (rc == 0)
		rc = install_stub(e);
	if (rc < 0) {
		ems_terminate(vm, e);
		*inst = NULL;
		return rc;
	}
	sort_phys(e);
	return 0;
}

static const struct vdd_property ems_props[] = {
	{ .name = "EMS_MEMORY_LIMIT", .type = VDD_PROP_INT, .def = 4096, .min = 0, .max = 32768, .step = 16,
	  .help = "expanded memory in KiB, a multiple of 16 (0: no EMS driver; from extended memory, 80286 and later)" },
	{ .name = "EMS_FRAME_LOCATION", .type = VDD_PROP_CHOICE, .def = FRAME_AUTO, .choices = frame_choices,
	  .help = "segment of the 64 KiB EMS page frame: AUTO (D000 if free), NONE, or a segment" },
	{ .name = "EMS_HIGH_OS_MAP_REGION", .type = VDD_PROP_INT, .def = 32, .min = 0, .max = 96, .step = 16,
	  .help = "KiB of upper memory besides the frame that EMS may map (taken from the UMBs)" },
	{ .name = "EMS_LOW_OS_MAP_REGION", .type = VDD_PROP_INT, .def = 384, .min = 0, .max = 576, .step = 16,
	  .help = "KiB at the top of conventional memory that EMS may map (LIM 4.0 mappable conventional memory)" },
};

const struct vdd_ops vdd_ems_ops = {
	.abi = MVDM_VDD_ABI,
	.name = "ems",
	.props = ems_props,
	.nprops = sizeof(ems_props) / sizeof(ems_props[0]),
	.create = ems_create,
	.terminate = ems_terminate,
};
