/*
 * switch.c - mode switches of the DPMI host. A client runs at ring 3 in
 * protected mode; the host enters it with an IRETD from its ring-0 stub
 * (so the CPU checks the client's selectors and privilege as for any
 * return to an outer level) and leaves it through the IDT gates into its
 * ring-0 stubs (interrupts.c). Real mode is real mode, not V86: a
 * reflected interrupt or real-mode call switches the CPU back
 * (vdd_enter_real), runs the real-mode code on the client's private stack
 * or its own, and returns to the host through the stub DPMI_RM_RETURN;
 * the protected-mode context waits meanwhile in a frame on the host's
 * stack (struct dpmi_frame), so real mode may call back into protected
 * mode, and clients may nest, to any depth the frames allow.
 * Source: DPMI 0.9 specification, "Mode and Stack Switching", "Interrupt
 * Flag Management" (the real-mode stack the host provides).
 */
#include <stdio.h>

#include "dpmi/dpmi.h"

/* Client memory by linear address, through the host's page tables
 * (whatever mode the CPU is in); a page that is not present reads as 0
 * and ignores writes. The first 1 MiB + 64 KiB is mapped to itself
 * (paging.c) and real mode runs with paging off, so there the linear
 * address is the physical one in every mode: one physical copy per page,
 * not a walk of the CPU's page tables (vm16_read) each time. Physical
 * writes leave the ROM alone, as the client's own writes would. */
void dpmi_copy_lin(struct dpmi_host *h, uint32_t lin, void *data, uint32_t len, bool write)
{
	uint8_t *buf = data;
	while (len) {
		uint32_t n = 4096 - (lin & 0xFFF), phys;
		if (n > len)
			n = len;
		if (dpmi_lin_phys(h, lin, &phys)) {
			if (write)
				(void)vdd_phys_write(h->vm, phys, buf, n);
			else
				(void)vdd_phys_read(h->vm, phys, buf, n);
		} else if (!write) {
			for (uint32_t k = 0; k < n; k++)
				buf[k] = 0;
		}
		lin += n;
		buf += n;
		len -= n;
	}
}

/* n dwords of the host area at offset off (its ring-0 stack's frames):
 * the area is mapped to itself (physical = linear) from build_area() on
 * and never unmapped, so the physical address is area + off, one copy. */
void dpmi_area_rd32s(struct dpmi_host *h, uint32_t off, uint32_t *v, unsigned n)
{
	uint8_t b[4 * 8];
	(void)vdd_phys_read(h->vm, h->area + off, b, 4 * n);
	for (unsigned k = 0; k < n; k++)
		v[k] = (uint32_t)b[4 * k] | (uint32_t)b[4 * k + 1] << 8 | (uint32_t)b[4 * k + 2] << 16 |
		       (uint32_t)b[4 * k + 3] << 24;
}

void dpmi_area_wr32s(struct dpmi_host *h, uint32_t off, const uint32_t *v, unsigned n)
{
	uint8_t b[4 * 8];
	for (unsigned k = 0; k < n; k++) {
		b[4 * k] = (uint8_t)v[k];
		b[4 * k + 1] = (uint8_t)(v[k] >> 8);
		b[4 * k + 2] = (uint8_t)(v[k] >> 16);
		b[4 * k + 3] = (uint8_t)(v[k] >> 24);
	}
	(void)vdd_phys_write(h->vm, h->area + off, b, 4 * n);
}

uint32_t dpmi_rd32(struct dpmi_host *h, uint32_t lin)
{
	uint8_t b[4];
	dpmi_copy_lin(h, lin, b, 4, false);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

uint16_t dpmi_rd16(struct dpmi_host *h, uint32_t lin)
{
	uint8_t b[2];
	dpmi_copy_lin(h, lin, b, 2, false);
	return (uint16_t)(b[0] | b[1] << 8);
}

void dpmi_wr32(struct dpmi_host *h, uint32_t lin, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	dpmi_copy_lin(h, lin, b, 4, true);
}

void dpmi_wr16(struct dpmi_host *h, uint32_t lin, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	dpmi_copy_lin(h, lin, b, 2, true);
}

uint32_t dpmi_lin(struct dpmi_host *h, uint16_t sel, uint32_t off)
{
	uint32_t lo, hi;
	if (!dpmi_desc_read(h, sel, &lo, &hi))
		return off;
	return dpmi_desc_base(lo, hi) + off;
}

/* Whether SS is a 32-bit stack (B bit). */
static bool big_stack(struct dpmi_host *h, uint16_t ss)
{
	uint32_t lo, hi;
	return dpmi_desc_read(h, ss, &lo, &hi) && (hi & 0x400000);
}

void dpmi_push(struct dpmi_host *h, struct vm16_regs *r, bool is32, uint32_t v)
{
	bool big = big_stack(h, r->ss);
	uint32_t esp = big ? r->esp : (r->esp & 0xFFFF);
	esp -= is32 ? 4 : 2;
	if (!big)
		esp &= 0xFFFF;
	uint32_t lin = dpmi_lin(h, r->ss, esp);
	if (is32)
		dpmi_wr32(h, lin, v);
	else
		dpmi_wr16(h, lin, (uint16_t)v);
	r->esp = big ? esp : (r->esp & 0xFFFF0000u) | esp;
}

uint32_t dpmi_pop(struct dpmi_host *h, struct vm16_regs *r, bool is32)
{
	bool big = big_stack(h, r->ss);
	uint32_t esp = big ? r->esp : (r->esp & 0xFFFF);
	uint32_t lin = dpmi_lin(h, r->ss, esp);
	uint32_t v = is32 ? dpmi_rd32(h, lin) : dpmi_rd16(h, lin);
	esp += is32 ? 4 : 2;
	if (!big)
		esp &= 0xFFFF;
	r->esp = big ? esp : (r->esp & 0xFFFF0000u) | esp;
	return v;
}

void dpmi_iret(struct dpmi_host *h, const struct dpmi_client *c, struct vm16_regs *r)
{
	uint32_t eip = dpmi_pop(h, r, c->is32), cs = dpmi_pop(h, r, c->is32);
	uint32_t fl = dpmi_pop(h, r, c->is32);
	r->eip = eip;
	r->cs = (uint16_t)cs;
	r->eflags = c->is32 ? fl : (r->eflags & 0xFFFF0000u) | (fl & 0xFFFF);
}

void dpmi_tables(const struct dpmi_host *h, struct vdd_pm_tables *t)
{
	t->gdt_base = h->area;
	t->gdt_limit = DPMI_GDT_LIMIT;
	t->idt_base = h->area + DPMI_IDT;
	t->idt_limit = 256 * 8 - 1;
	t->ldtr = DPMI_SEL_LDT;
	t->tr = DPMI_SEL_TSS;
	t->cr3 = h->pd;
	t->flush = h->tlb_stale;
}

/* Whether the IRETD of dpmi_resume() would return to r without a fault,
 * so that the host may load r itself: CS and SS are LDT selectors with
 * RPL 3 whose descriptors are present at DPL 3, CS a code segment whose
 * limit EIP lies within, SS a writable data segment. These are IRET's
 * checks of CS and SS on a return to an outer level (80386 PRM 17, IRET;
 * ESP is not checked). The LDT is the host's (a client writes it only
 * through 0007h-000Ch, which keep every entry it owns at DPL 3), so its
 * bytes are read directly. CS gets the accessed bit the IRETD's load would
 * set (SS gets it from the CPU's own load, pm_load_ss). */
static bool iretd_would_return(struct dpmi_host *h, const struct vm16_regs *r)
{
	uint32_t clo, chi, slo, shi;
	if ((r->cs & 7) != 7 || (r->ss & 7) != 7 || !dpmi_desc_read(h, r->cs, &clo, &chi) ||
	    !dpmi_desc_read(h, r->ss, &slo, &shi))
		return false;
	/* hi: P (15), DPL (13-14), S (12), code (11), W (9), accessed (8) */
	if ((chi & 0xF800) != 0xF800 || r->eip > dpmi_desc_limit(clo, chi) || (shi & 0xFA00) != 0xF200)
		return false;
	if (!(chi & 0x100))
		dpmi_desc_set_accessed(h, r->cs, chi);
	return true;
}

/* The client goes on with r (DPMI 0.9, "Mode and Stack Switching" and
 * "Exceptions": the registers, CS:(E)IP, SS:(E)SP and flags a switch or a
 * handler's frame names; how the host gets there is its own). */
int dpmi_resume(struct dpmi_host *h, const struct vm16_regs *r)
{
	uint32_t eflags = (r->eflags | 0x3002) & ~(uint32_t)(0x4000 | 0x20000); /* IOPL 3, no NT or VM */
	struct vdd_pm_tables t;
	dpmi_tables(h, &t);
	h->tlb_stale = false;
	struct vm16_regs k = *r;
	k.eflags = eflags;
	/* The client's context loaded as the IRETD would load it: CS (its
	 * DPL 3 the CPL), SS, then DS, ES, FS, GS with MOV's checks at CPL 3,
	 * which refuse (null) exactly the selectors the IRETD would null or
	 * fail to load at CPL 0 (a DPL below 3; 80386 PRM 6.3.1.1). */
	if (iretd_would_return(h, r) && vdd_enter_pm(h->vm, &t, &k) == 0)
		return 0;
	/* Otherwise the CPU's own IRETD from the host's ring 0, which faults
	 * into the host (dpmi_pm_entry) where the client's frame is bad. CS
	 * and SS go with RPL 3: a client returns to ring 3 only, and a
	 * selector of the host's ring-0 code (GDT 08h, RPL 0) would otherwise
	 * make the IRETD a return to ring 0 (80386 PRM 17, IRET: RPL = CPL
	 * is a return to the same level), where that IRETD faults instead.
	 * (A null selector stays as it is: it faults either way.) */
	const uint32_t cs = r->cs & ~3u ? r->cs | 3u : r->cs, ss = r->ss & ~3u ? r->ss | 3u : r->ss;
	const uint32_t frame[5] = { r->eip, cs, eflags, r->esp, ss };
	dpmi_area_wr32s(h, DPMI_STACK0 - 20, frame, 5);
	k.cs = DPMI_SEL_CODE0;
	k.eip = DPMI_IRETD;
	k.ss = DPMI_SEL_DATA0;
	k.esp = DPMI_STACK0 - 20;
	k.eflags = 2;
	if (vdd_enter_pm(h->vm, &t, &k) < 0) {
		vdd_log(h->vm, "dpmi", "the host's own protected-mode context does not load");
		return 1;
	}
	return 0;
}

struct dpmi_frame *dpmi_to_real(struct dpmi_host *h, struct dpmi_client *c, enum dpmi_frame_kind kind,
				const struct vm16_regs *pm, struct vm16_regs *rm, bool own_stack, bool iret,
				uint16_t copy_words)
{
	if (h->nframes >= DPMI_MAX_FRAMES || (!own_stack && c->rm_sp < DPMI_RM_LEVEL)) {
		dpmi_put_text(h, "DPMI host: real-mode calls nested too deeply\r\n");
		return NULL;
	}
	struct dpmi_frame *f = &h->frames[h->nframes++];
	f->kind = kind;
	f->client = c->slot;
	f->pm = *pm;
	f->rm_sp = c->rm_sp;
	if (!own_stack) {
		rm->ss = c->priv_seg;
		rm->esp = c->rm_sp;
		c->rm_sp -= DPMI_RM_LEVEL;
	}
	uint32_t ss = (uint32_t)rm->ss << 4;
	uint16_t sp = (uint16_t)rm->esp;
	if (copy_words) {
		/* Parameters from the client's stack (0300h-0302h CX). */
		struct vm16_regs src = *pm;
		sp = (uint16_t)(sp - 2 * copy_words);
		for (unsigned k = 0; k < copy_words; k++)
			dpmi_wr16(h, ss + (uint16_t)(sp + 2 * k), (uint16_t)dpmi_pop(h, &src, false));
	}
	if (iret) {
		sp = (uint16_t)(sp - 2);
		dpmi_wr16(h, ss + sp, (uint16_t)rm->eflags);
		rm->eflags &= ~(uint32_t)(0x200 | 0x100); /* entered as INT enters: IF, TF clear */
	}
	sp = (uint16_t)(sp - 4);
	dpmi_wr16(h, ss + sp, DPMI_RM_RETURN);
	dpmi_wr16(h, ss + (uint16_t)(sp + 2), h->rm_seg);
	rm->esp = (rm->esp & 0xFFFF0000u) | sp;
	rm->eflags &= ~(uint32_t)0x3000;
	vdd_enter_real(h->vm, rm);
	return f;
}

/* Real mode returned to the host: the frame on top says what for. */
int dpmi_rm_return(struct dpmi_host *h, const struct vm16_regs *real)
{
	const struct vm16_regs rm = *real;
	if (!h->nframes) {
		vdd_log(h->vm, "dpmi", "real mode returned to the host with nothing waiting");
		return 1;
	}
	struct dpmi_frame *f = &h->frames[--h->nframes];
	struct dpmi_client *c = f->client < h->nclients ? h->clients[f->client] : NULL;
	if (!c)
		return 1;
	c->rm_sp = f->rm_sp;
	struct vm16_regs pm = f->pm;
	const uint32_t arith = 0x8D5; /* CF PF AF ZF SF OF */
	switch (f->kind) {
	case DPMI_FRAME_REFLECT:
	case DPMI_FRAME_CHAIN:
		pm.eax = rm.eax;
		pm.ebx = rm.ebx;
		pm.ecx = rm.ecx;
		pm.edx = rm.edx;
		pm.esi = rm.esi;
		pm.edi = rm.edi;
		pm.ebp = rm.ebp;
		if (f->kind == DPMI_FRAME_CHAIN)
			dpmi_iret(h, c, &pm); /* the default handler returns as IRET would */
		pm.eflags = (pm.eflags & ~arith) | (rm.eflags & arith);
		break;
	case DPMI_FRAME_RMCALL:
		dpmi_rmcall_done(h, f, &rm, &pm);
		break;
	case DPMI_FRAME_DOSMEM:
		dpmi_dosmem_done(h, f, &rm, &pm);
		break;
	case DPMI_FRAME_CALLBACK:
	case DPMI_FRAME_RMIRQ:
		vdd_log(h->vm, "dpmi", "a protected-mode call's frame reached the real-mode return");
		return 1;
	}
	return dpmi_resume(h, &pm);
}
