/*
 * xms.c - the XMS 3.0 driver as a VDD ("xms"), a HIMEM equivalent in the
 * host. INT 2Fh AX=4300h reports it installed and AX=4310h gives its entry
 * point: a stub in the VDD guest code page that starts with a short jump
 * and three NOPs, so that programs can hook the driver as the
 * specification describes, and then calls the host (supervisor call).
 * This file has the entry, the version, the HMA (01h/02h), A20 (03h-07h)
 * and UMB (10h-12h) functions; xms_emb.c the extended memory blocks.
 * While the driver is installed, INT 15h/88h reports 0 KiB, as HIMEM's
 * hook does. Settings (as OS/2 named them): XMS_MEMORY_LIMIT,
 * XMS_HANDLES, XMS_MINIMUM_HMA.
 * Sources: eXtended Memory Specification 3.0; RBIL INT 2F/AX=4300h,
 * 4310h (tables 02749-02775).
 */
#include <errno.h>
#include <stdlib.h>

#include "mem/xms.h"

static const char hma_client[] = "an XMS client";

void xms_ok(struct xms *x)
{
	x->r.eax = (x->r.eax & 0xFFFF0000u) | 1;
}

void xms_fail(struct xms *x, uint8_t code)
{
	x->r.eax &= 0xFFFF0000u;
	x->r.ebx = (x->r.ebx & 0xFFFFFF00u) | code;
}

static void set16(uint32_t *reg, uint16_t v)
{
	*reg = (*reg & 0xFFFF0000u) | v;
}

static uint16_t dx(const struct xms *x)
{
	return (uint16_t)x->r.edx;
}

/* ---- HMA ---- */

/* 01h: DX = bytes the caller needs (FFFFh for an application). */
static void request_hma(struct xms *x)
{
	const char *owner = vdd_hma_owner(x->vm);
	if (owner)
		xms_fail(x, XMS_HMA_IN_USE);
	else if (dx(x) < x->hma_min)
		xms_fail(x, XMS_HMA_TOO_SMALL);
	else if (vdd_hma_claim(x->vm, hma_client) < 0)
		xms_fail(x, XMS_NO_HMA);
	else
		xms_ok(x);
}

static void release_hma(struct xms *x)
{
	if (vdd_hma_owner(x->vm) != hma_client) {
		xms_fail(x, XMS_HMA_NOT_ALLOCATED);
		return;
	}
	vdd_hma_release(x->vm);
	xms_ok(x);
}

/* ---- A20 ---- */

/* The line follows the global flag and the local count; a disable that
 * leaves it on (the other kind still holds it) reports 94h. */
static void a20_apply(struct xms *x, bool disabling)
{
	bool on = x->a20_global || x->a20_local > 0;
	vdd_set_a20(x->vm, on);
	if (disabling && on)
		xms_fail(x, XMS_A20_STILL_ENABLED);
	else
		xms_ok(x);
}

static void a20_call(struct xms *x, uint8_t fn)
{
	switch (fn) {
	case 0x03: x->a20_global = true; a20_apply(x, false); break;
	case 0x04: x->a20_global = false; a20_apply(x, true); break;
	case 0x05: x->a20_local++; a20_apply(x, false); break;
	case 0x06:
		if (x->a20_local)
			x->a20_local--;
		a20_apply(x, true);
		break;
	default: /* 07h: query */
		set16(&x->r.eax, vdd_a20(x->vm) ? 1 : 0);
		x->r.ebx &= 0xFFFFFF00u;
		break;
	}
}

/* ---- UMBs ---- */

static void umb_call(struct xms *x, uint8_t fn)
{
	uint16_t seg, got;
	int rc;
	switch (fn) {
	case 0x10: /* DX = paragraphs; BX = segment, DX = size */
		rc = vdd_umb_alloc(x->vm, dx(x), &seg, &got);
		if (rc == 0) {
			set16(&x->r.ebx, seg);
			set16(&x->r.edx, got);
			xms_ok(x);
		} else {
			set16(&x->r.edx, got);
			xms_fail(x, got ? XMS_SMALLER_UMB : XMS_NO_UMB);
		}
		break;
	case 0x11: /* DX = segment */
		if (vdd_umb_free(x->vm, dx(x)) == 0)
			xms_ok(x);
		else
			xms_fail(x, XMS_BAD_UMB);
		break;
	default: /* 12h: DX = segment, BX = new size */
		rc = vdd_umb_resize(x->vm, dx(x), (uint16_t)x->r.ebx, &got);
		if (rc == 0) {
			xms_ok(x);
		} else if (rc == -ENOMEM) {
			set16(&x->r.edx, got);
			xms_fail(x, XMS_SMALLER_UMB);
		} else {
			xms_fail(x, XMS_BAD_UMB);
		}
		break;
	}
}

/* ---- the entry point ---- */

static int xms_svc(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct xms *x = ctx;
	vm16_get_regs(vm, &x->r);
	uint8_t fn = (uint8_t)(x->r.eax >> 8);
	if (fn == 0x00) {
		set16(&x->r.eax, 0x0300);  /* XMS 3.00 */
		set16(&x->r.ebx, 0x0301);  /* driver revision */
		set16(&x->r.edx, vdd_property(vm, "EXTENDED_MEMORY") >= 64 ? 1 : 0); /* HMA exists */
	} else if (fn == 0x01) {
		request_hma(x);
	} else if (fn == 0x02) {
		release_hma(x);
	} else if (fn >= 0x03 && fn <= 0x07) {
		a20_call(x, fn);
	} else if (fn >= 0x10 && fn <= 0x12) {
		umb_call(x, fn);
	} else if (xms_is_emb_function(fn)) {
		xms_emb_call(x, fn);
	} else {
		xms_fail(x, XMS_NOT_IMPLEMENTED);
	}
	vm16_set_regs(vm, &x->r);
	return 0;
}

/* INT 2Fh AH=43h: 00h installation check (AL = 80h), 10h entry point. */
static bool xms_mux(struct vm *vm, void *ctx)
{
	struct xms *x = ctx;
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	uint8_t al = (uint8_t)r.eax;
	if (al == 0x00) {
		r.eax = (r.eax & 0xFFFFFF00u) | 0x80;
	} else if (al == 0x10) {
		r.es = x->entry_seg;
		set16(&r.ebx, 0);
	} else {
		return false;
	}
	vm16_set_regs(vm, &r);
	return true;
}

/* EB 03: jump over the three NOPs (the bytes a hooking program replaces
 * with a far jump); then F4 n ~n, the supervisor call; CB, RETF. */
static int install_entry(struct xms *x)
{
	int svc = vdd_alloc_svc(x->vm, xms_svc, x);
	if (svc < 0)
		return svc;
	int rc = vdd_alloc_guest_mem(x->vm, 16, &x->entry_seg);
	if (rc < 0)
		return rc;
	uint8_t code[] = { 0xEB, 0x03, 0x90, 0x90, 0x90, 0xF4, (uint8_t)svc, (uint8_t)~svc, 0xCB };
	return vm16_write(x->vm, (uint32_t)x->entry_seg << 4, code, sizeof(code));
}

static int xms_create(struct vm *vm, void **inst)
{
	struct xms *x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	*inst = x;
	x->vm = vm;
	x->limit_kb = (uint32_t)vdd_property(vm, "XMS_MEMORY_LIMIT");
	x->hma_min = (uint32_t)vdd_property(vm, "XMS_MINIMUM_HMA") * 1024u;
	x->active = vdd_property(vm, "CPU_MODEL") >= 3 /* 80286 */ && x->limit_kb > 0 &&
		    vdd_property(vm, "EXTENDED_MEMORY") >= 64;
	if (!x->active)
		return 0;
	x->nblocks = (unsigned)vdd_property(vm, "XMS_HANDLES");
	x->blocks = calloc(x->nblocks ? x->nblocks : 1, sizeof(*x->blocks));
	int rc = x->blocks ? install_entry(x) : -ENOMEM;
	if (rc == 0)
		rc = vdd_multiplex(vm, 0x43, xms_mux, x);
	if (rc < 0)
		goto err_free;
	vdd_xmem_claim_int15(vm);
	return 0;

err_free:
	free(x->blocks);
	free(x);
	*inst = NULL;
	return rc;
}

/* The VM's memory goes with it: blocks a program left allocated (XMS
 * has no owners: a block outlives the program that made it, as under
 * HIMEM) need no freeing one by one. */
static void xms_terminate(struct vm *vm, void *inst)
{
	(void)vm;
	struct xms *x = inst;
	if (x)
		free(x->blocks);
	free(x);
}

static const struct vdd_property xms_props[] = {
	{ .name = "XMS_MEMORY_LIMIT", .type = VDD_PROP_INT, .def = 16384, .min = 0, .max = VM16_EXT_KB_MAX, .step = 1,
	  .help = "extended memory XMS may give out, in KiB (0: no XMS driver; 80286 and later)" },
	{ .name = "XMS_HANDLES", .type = VDD_PROP_INT, .def = 32, .min = 0, .max = 255, .step = 1,
	  .help = "XMS handles: extended memory blocks that may exist at once" },
	{ .name = "XMS_MINIMUM_HMA", .type = VDD_PROP_INT, .def = 0, .min = 0, .max = 63, .step = 1,
	  .help = "least KiB a program must ask for to get the HMA from XMS (HIMEM's /HMAMIN)" },
};

const struct vdd_ops vdd_xms_ops = {
	.abi = MVDM_VDD_ABI,
	.name = "xms",
	.props = xms_props,
	.nprops = sizeof(xms_props) / sizeof(xms_props[0]),
	.create = xms_create,
	.terminate = xms_terminate,
};
