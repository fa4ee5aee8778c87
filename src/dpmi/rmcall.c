/*
 * rmcall.c - real-mode calls and callbacks: 0300h (simulate a real-mode
 * interrupt), 0301h (call a real-mode procedure that returns with RETF),
 * 0302h (one that returns with IRET), 0303h/0304h (real-mode callbacks:
 * real mode calls a protected-mode procedure), 0305h/0306h (state
 * save/restore and the raw mode switch addresses) and the raw switches.
 * The real-mode call structure (50 bytes at ES:(E)DI): EDI, ESI, EBP,
 * reserved, EBX, EDX, ECX, EAX, FLAGS, ES, DS, FS, GS, IP, CS, SP, SS.
 * Source: DPMI 0.9 specification, "Translation Services" (the structure,
 * the callback's entry registers: DS:(E)SI the real-mode stack, ES:(E)DI
 * the structure, SS:(E)SP a locked stack; the procedure returns with IRET
 * and the structure says where real mode goes on), "Mode Switching"
 * (0305h/0306h: AX = DS, CX = ES, DX = SS, (E)BX = (E)SP, SI = CS,
 * (E)DI = (E)IP); RBIL INT 31h/0300h-0306h.
 */
#include "dpmi/dpmi.h"

static uint32_t es_edi(struct dpmi_host *h, struct dpmi_client *c, const struct vm16_regs *r)
{
	return dpmi_lin(h, r->es, c->is32 ? r->edi : (r->edi & 0xFFFF));
}

static void read_struct(struct dpmi_host *h, uint32_t at, struct vm16_regs *rm)
{
	rm->edi = dpmi_rd32(h, at);
	rm->esi = dpmi_rd32(h, at + 4);
	rm->ebp = dpmi_rd32(h, at + 8);
	rm->ebx = dpmi_rd32(h, at + 0x10);
	rm->edx = dpmi_rd32(h, at + 0x14);
	rm->ecx = dpmi_rd32(h, at + 0x18);
	rm->eax = dpmi_rd32(h, at + 0x1C);
	rm->eflags = dpmi_rd16(h, at + 0x20);
	rm->es = dpmi_rd16(h, at + 0x22);
	rm->ds = dpmi_rd16(h, at + 0x24);
	rm->fs = dpmi_rd16(h, at + 0x26);
	rm->gs = dpmi_rd16(h, at + 0x28);
	rm->eip = dpmi_rd16(h, at + 0x2A);
	rm->cs = dpmi_rd16(h, at + 0x2C);
	rm->esp = dpmi_rd16(h, at + 0x2E);
	rm->ss = dpmi_rd16(h, at + 0x30);
}

/* The registers back into the structure (CS:IP and SS:SP only when
 * `all`: a callback's entry). */
static void write_struct(struct dpmi_host *h, uint32_t at, const struct vm16_regs *rm, bool all)
{
	dpmi_wr32(h, at, rm->edi);
	dpmi_wr32(h, at + 4, rm->esi);
	dpmi_wr32(h, at + 8, rm->ebp);
	dpmi_wr32(h, at + 0xC, 0);
	dpmi_wr32(h, at + 0x10, rm->ebx);
	dpmi_wr32(h, at + 0x14, rm->edx);
	dpmi_wr32(h, at + 0x18, rm->ecx);
	dpmi_wr32(h, at + 0x1C, rm->eax);
	dpmi_wr16(h, at + 0x20, (uint16_t)rm->eflags);
	dpmi_wr16(h, at + 0x22, rm->es);
	dpmi_wr16(h, at + 0x24, rm->ds);
	dpmi_wr16(h, at + 0x26, rm->fs);
	dpmi_wr16(h, at + 0x28, rm->gs);
	if (all) {
		dpmi_wr16(h, at + 0x2A, (uint16_t)rm->eip);
		dpmi_wr16(h, at + 0x2C, rm->cs);
		dpmi_wr16(h, at + 0x2E, (uint16_t)rm->esp);
		dpmi_wr16(h, at + 0x30, rm->ss);
	}
}

int dpmi_rmcall(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r)
{
	uint16_t ax = (uint16_t)r->eax, words = (uint16_t)r->ecx;
	uint32_t at = es_edi(h, c, r);
	struct vm16_regs rm;
	read_struct(h, at, &rm);
	bool own_stack = rm.ss || rm.esp;
	if (ax == 0x0300) {
		uint32_t ivt = dpmi_rm_vector(h, (uint8_t)r->ebx);
		rm.cs = (uint16_t)(ivt >> 16);
		rm.eip = ivt & 0xFFFF;
	}
	if (words > 256) {
		dpmi_fail(r, DPMI_ERR_VALUE);
		return dpmi_resume(h, r);
	}
	struct dpmi_frame *f = dpmi_to_real(h, c, DPMI_FRAME_RMCALL, r, &rm, own_stack, ax != 0x0301, words);
	if (!f)
		return 1;
	f->arg = at;
	return 0;
}

void dpmi_rmcall_done(struct dpmi_host *h, struct dpmi_frame *f, const struct vm16_regs *rm, struct vm16_regs *pm)
{
	write_struct(h, f->arg, rm, false);
	dpmi_ok(pm);
}

/* 0303h, 0304h, 0305h, 0306h. */
int dpmi_callback_functions(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r)
{
	uint16_t ax = (uint16_t)r->eax;
	if (ax == 0x0303) {
		unsigned k = 0;
		while (k < DPMI_CALLBACKS && h->cb[k].used)
			k++;
		if (k == DPMI_CALLBACKS) {
			dpmi_fail(r, DPMI_ERR_CALLBACK);
			return dpmi_resume(h, r);
		}
		struct dpmi_callback *cb = &h->cb[k];
		cb->used = true;
		cb->client = c->slot;
		cb->proc.sel = r->ds;
		cb->proc.off = c->is32 ? r->esi : (r->esi & 0xFFFF);
		cb->regs.sel = r->es;
		cb->regs.off = c->is32 ? r->edi : (r->edi & 0xFFFF);
		dpmi_set16(&r->ecx, h->rm_seg);
		dpmi_set16(&r->edx, (uint16_t)(DPMI_RM_CALLBACK + 4 * k));
		dpmi_ok(r);
	} else if (ax == 0x0304) {
		unsigned off = (uint16_t)r->edx - DPMI_RM_CALLBACK, k = off / 4;
		if ((uint16_t)r->ecx != h->rm_seg || off % 4 || k >= DPMI_CALLBACKS || !h->cb[k].used ||
		    h->cb[k].client != c->slot) {
			dpmi_fail(r, DPMI_ERR_BAD_CALLBACK);
			return dpmi_resume(h, r);
		}
		h->cb[k].used = false;
		dpmi_ok(r);
	} else if (ax == 0x0305) {
		/* No state to save: the host keeps none across raw switches. */
		dpmi_set16(&r->eax, 0);
		dpmi_set16(&r->ebx, h->rm_seg);
		dpmi_set16(&r->ecx, DPMI_RM_SAVE);
		dpmi_set16(&r->esi, DPMI_SEL_CODE3);
		r->edi = c->is32 ? DPMI_R3_SAVE32 : (r->edi & 0xFFFF0000u) | DPMI_R3_SAVE16;
		dpmi_ok(r);
	} else {
		dpmi_set16(&r->ebx, h->rm_seg);
		dpmi_set16(&r->ecx, DPMI_RM_RAW);
		dpmi_set16(&r->esi, DPMI_SEL_CODE3);
		r->edi = c->is32 ? DPMI_R3_RAW : (r->edi & 0xFFFF0000u) | DPMI_R3_RAW;
		dpmi_ok(r);
	}
	return dpmi_resume(h, r);
}

/* Real mode called callback k: its protected-mode procedure runs. */
int dpmi_callback_enter(struct dpmi_host *h, unsigned k)
{
	struct dpmi_callback *cb = &h->cb[k];
	struct dpmi_client *c = cb->used && cb->client < h->nclients ? h->clients[cb->client] : NULL;
	if (!c) {
		vdd_log(h->vm, "dpmi", "real mode called callback %u, which is free", k);
		return 1;
	}
	struct vm16_regs rm;
	vm16_get_regs(h->vm, &rm);
	rm.eip = (rm.eip - 3) & 0xFFFF;
	write_struct(h, dpmi_lin(h, cb->regs.sel, cb->regs.off), &rm, true);
	if (h->nframes >= DPMI_MAX_FRAMES) {
		dpmi_put_text(h, "DPMI host: real-mode calls nested too deeply\r\n");
		return 1;
	}
	struct vm16_regs pm = rm;
	dpmi_ldt_set(h, c->scratch_sel, (uint32_t)rm.ss << 4, 0xFFFF, false, false);
	pm.ds = c->scratch_sel;
	pm.esi = rm.esp & 0xFFFF;
	pm.es = cb->regs.sel;
	pm.edi = cb->regs.off;
	pm.fs = pm.gs = 0;
	pm.ss = c->lpms_sel;
	pm.esp = dpmi_lpms_top(h, c, NULL);
	pm.eflags = (rm.eflags & ~(uint32_t)(0x200 | 0x100)) | 0x3000;
	/* The procedure's IRET comes back to the host. */
	dpmi_push(h, &pm, c->is32, pm.eflags);
	dpmi_push(h, &pm, c->is32, DPMI_SEL_CODE3);
	dpmi_push(h, &pm, c->is32, DPMI_R3_CBRET);
	pm.cs = cb->proc.sel;
	pm.eip = cb->proc.off;
	struct dpmi_frame *f = &h->frames[h->nframes++];
	f->kind = DPMI_FRAME_CALLBACK;
	f->client = c->slot;
	f->pm = pm;
	f->rm_sp = c->rm_sp;
	f->arg = k;
	return dpmi_resume(h, &pm);
}

/* The callback procedure returned: real mode goes on as ES:(E)DI's
 * structure says. */
int dpmi_callback_return(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r)
{
	if (!h->nframes || h->frames[h->nframes - 1].kind != DPMI_FRAME_CALLBACK ||
	    h->frames[h->nframes - 1].client != c->slot) {
		dpmi_put_text(h, "DPMI: a callback returned that was not called\r\n");
		return 1;
	}
	h->nframes--;
	struct vm16_regs rm = *r;
	read_struct(h, es_edi(h, c, r), &rm);
	rm.eflags &= ~(uint32_t)0x3000;
	vdd_enter_real(h->vm, &rm);
	return 0;
}

int dpmi_raw_to_pm(struct dpmi_host *h, const struct vm16_regs *real)
{
	struct dpmi_client *c = dpmi_current(h);
	const struct vm16_regs rm = *real;
	struct vm16_regs pm = rm;
	pm.ds = (uint16_t)rm.eax;
	pm.es = (uint16_t)rm.ecx;
	pm.ss = (uint16_t)rm.edx;
	pm.esp = c->is32 ? rm.ebx : (rm.ebx & 0xFFFF);
	pm.cs = (uint16_t)rm.esi;
	pm.eip = c->is32 ? rm.edi : (rm.edi & 0xFFFF);
	pm.fs = pm.gs = 0;
	return dpmi_resume(h, &pm);
}

int dpmi_raw_to_rm(struct dpmi_host *h, struct dpmi_client *c, const struct vm16_regs *r)
{
	(void)c;
	struct vm16_regs rm = *r;
	rm.ds = (uint16_t)r->eax;
	rm.es = (uint16_t)r->ecx;
	rm.ss = (uint16_t)r->edx;
	rm.esp = r->ebx & 0xFFFF;
	rm.cs = (uint16_t)r->esi;
	rm.eip = r->edi & 0xFFFF;
	rm.fs = rm.gs = 0;
	rm.eflags &= ~(uint32_t)0x3000;
	vdd_enter_real(h->vm, &rm);
	return 0;
}
