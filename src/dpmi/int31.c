/*
 * int31.c - INT 31h, the DPMI services: the dispatcher, and the small
 * functions: version (0400h), the virtual interrupt flag (0900h-0902h),
 * the vendor API (0A00h: none), debug watchpoints (0B00h-0B03h through
 * the debug registers DR0-DR3), and the coprocessor (0E00h/0E01h, DPMI
 * 1.0). Every function returns CF clear on success, or CF set with a
 * DPMI 1.0 error code in AX (8001h for a function this host lacks).
 * The interrupt flag is the real one: clients run with IOPL 3, so CLI and
 * STI work directly and 0900h-0902h read and change IF.
 * Source: DPMI 0.9 specification, "Get Version", "Virtual Interrupt
 * State Functions", "Debug Support Services"; DPMI 1.0, 0E00h-0E01h;
 * RBIL INT 31h; Intel 80386 PRM 12.2 (DR7).
 */
#include "dpmi/dpmi.h"

void dpmi_ok(struct vm16_regs *r)
{
	r->eflags &= ~(uint32_t)1;
}

void dpmi_fail(struct vm16_regs *r, uint16_t code)
{
	dpmi_set16(&r->eax, code);
	r->eflags |= 1;
}

/* 0B00h-0B03h: four watchpoints, handles 0-3 = DR0-DR3. */
static void watchpoints(struct dpmi_host *h, struct vm16_regs *r)
{
	uint16_t ax = (uint16_t)r->eax, bx = (uint16_t)r->ebx;
	uint32_t dr7 = vdd_get_dr(h->vm, 7);
	if (ax == 0x0B00) {
		/* BX:CX linear address, DL size (1, 2, 4), DH type (0 execute, 1 write, 2 read/write). */
		uint8_t size = (uint8_t)r->edx, type = (uint8_t)(r->edx >> 8);
		if ((size != 1 && size != 2 && size != 4) || type > 2)
			return dpmi_fail(r, DPMI_ERR_VALUE);
		for (unsigned k = 0; k < 4; k++) {
			if (dr7 & (3u << (2 * k)))
				continue;
			uint32_t rw = type == 0 ? 0 : type == 1 ? 1 : 3, len = type == 0 ? 0 : size - 1;
			if (size == 4)
				len = 3;
			dr7 &= ~(0xFu << (16 + 4 * k));
			dr7 |= (1u << (2 * k)) | (rw | len << 2) << (16 + 4 * k);
			if (vdd_set_dr(h->vm, k, (r->ebx & 0xFFFF) << 16 | (r->ecx & 0xFFFF)) < 0 ||
			    vdd_set_dr(h->vm, 7, dr7) < 0)
				return dpmi_fail(r, DPMI_ERR_UNSUPPORTED);
			dpmi_set16(&r->ebx, (uint16_t)k);
			return dpmi_ok(r);
		}
		return dpmi_fail(r, DPMI_ERR_RESOURCE);
	}
	if (bx > 3 || !(dr7 & (3u << (2 * bx))))
		return dpmi_fail(r, DPMI_ERR_BAD_HANDLE);
	switch (ax) {
	case 0x0B01: /* clear */
		(void)vdd_set_dr(h->vm, 7, dr7 & ~(3u << (2 * bx)));
		return dpmi_ok(r);
	case 0x0B02: /* state: AX bit 0 = it triggered */
		dpmi_set16(&r->eax, (vdd_get_dr(h->vm, 6) >> bx) & 1);
		return dpmi_ok(r);
	case 0x0B03: /* reset */
		(void)vdd_set_dr(h->vm, 6, vdd_get_dr(h->vm, 6) & ~(1u << bx));
		return dpmi_ok(r);
	default:
		return dpmi_fail(r, DPMI_ERR_UNSUPPORTED);
	}
}

/* 0E00h: AX bit 0 MP, bit 1 EM (the client's CR0), bit 2 an x87 is
 * there, bit 3 the host emulates (no), bits 4-7 its type (0 none, 3 the
 * 387, 4 the 486's); 0E01h: BX bit 0 MP, bit 1 EM. */
static void coprocessor(struct dpmi_host *h, struct vm16_regs *r)
{
	struct vdd_machine m;
	vdd_machine(h->vm, &m);
	uint32_t cr0 = vdd_get_cr(h->vm, 0);
	if ((uint16_t)r->eax == 0x0E00) {
		uint16_t st = (uint16_t)(((cr0 >> 1) & 3) | (m.fpu ? 4 : 0));
		if (m.fpu)
			st |= (uint16_t)((m.cpu == VM16_CPU_80486 ? 4 : 3) << 4);
		dpmi_set16(&r->eax, st);
		return dpmi_ok(r);
	}
	uint32_t bits = (r->ebx & 3) << 1;
	if (!m.fpu && !(bits & 4))
		return dpmi_fail(r, DPMI_ERR_VALUE); /* no x87 to run FPU code on */
	(void)vdd_set_cr(h->vm, 0, (cr0 & ~(uint32_t)6) | bits);
	dpmi_ok(r);
}

int dpmi_int31(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r)
{
	uint16_t ax = (uint16_t)r->eax;
	struct vdd_machine m;
	switch (ax >> 8) {
	case 0x00:
		dpmi_ldt_functions(h, c, r);
		break;
	case 0x01:
		if (ax <= 0x0102)
			return dpmi_dosmem(h, c, r);
		dpmi_fail(r, DPMI_ERR_UNSUPPORTED);
		break;
	case 0x02:
		dpmi_vector_functions(h, c, r);
		break;
	case 0x03:
		if (ax <= 0x0302)
			return dpmi_rmcall(h, c, r);
		if (ax <= 0x0306)
			return dpmi_callback_functions(h, c, r);
		dpmi_fail(r, DPMI_ERR_UNSUPPORTED);
		break;
	case 0x04:
		if (ax != 0x0400) {
			dpmi_fail(r, DPMI_ERR_UNSUPPORTED);
			break;
		}
		vdd_machine(h->vm, &m);
		dpmi_set16(&r->eax, 0x005A);    /* 0.90 */
		dpmi_set16(&r->ebx, 0x0003);    /* 32-bit host; real mode (not V86) for reflections; no VM */
		r->ecx = (r->ecx & 0xFFFFFF00u) | (m.cpu == VM16_CPU_80486 ? 4 : 3);
		dpmi_set16(&r->edx, 0x0870);    /* the PICs' bases */
		dpmi_ok(r);
		break;
	case 0x05:
	case 0x06:
	case 0x07:
	case 0x08:
		dpmi_memory_functions(h, c, r);
		break;
	case 0x09: {
		if (ax > 0x0902) {
			dpmi_fail(r, DPMI_ERR_UNSUPPORTED);
			break;
		}
		uint8_t was = (r->eflags & 0x200) ? 1 : 0;
		if (ax == 0x0900)
			r->eflags &= ~(uint32_t)0x200;
		else if (ax == 0x0901)
			r->eflags |= 0x200;
		r->eax = (r->eax & 0xFFFFFF00u) | was;
		dpmi_ok(r);
		break;
	}
	case 0x0B:
		watchpoints(h, r);
		break;
	case 0x0E:
		if (ax <= 0x0E01)
			coprocessor(h, r);
		else
			dpmi_fail(r, DPMI_ERR_UNSUPPORTED);
		break;
	default: /* 0A00h: no vendor extensions */
		dpmi_fail(r, DPMI_ERR_UNSUPPORTED);
		break;
	}
	return dpmi_resume(h, r);
}
