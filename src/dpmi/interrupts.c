/*
 * interrupts.c - how a client's interrupts and exceptions reach the host,
 * the interrupt and exception vectors (0200h-0205h), and reflection to
 * real mode. Every IDT entry is a ring-0 interrupt gate (DPL 3, so INT n
 * works from the client) to a stub `HLT; db n, ~n` in the host's code:
 * the monitor's protected-mode supervisor call. The host reads the
 * CPU's frame on its ring-0 stack: with an error code it is an exception
 * (8, 0Ah-0Eh, 11h); vectors 0-7 without one are exceptions too; any
 * other vector is an interrupt, software (INT n) or hardware (the PIC's
 * IRQs at 08h-0Fh and 70h-77h, which push no error code). A client that
 * executes one of the host's ring-3 stubs (default handlers, the raw
 * switch, the return from exception handlers and callbacks) faults on
 * its HLT: #GP with CS the host's ring-3 selector says which.
 * Interrupts go to the client's handler (0205h) on its current stack, or
 * to the default handler, which reflects them to real mode through the
 * real-mode IVT (INT 21h, 10h, 16h, 33h, the IRQs...), registers passed
 * both ways, segment registers not (DPMI 0.9: no translation).
 * Exceptions go to the client's handler (0203h) on the locked stack with
 * the 0.9 frame, or end the client with a diagnostic.
 * Source: DPMI 0.9 specification, "Interrupt Services", "Exceptions"
 * (the frame), "Hardware Interrupts", "Software Interrupts"; RBIL INT
 * 31h/0200h-0205h.
 */
#include <stdio.h>

#include "dpmi/dpmi.h"

static const char *const exc_names[18] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range", "invalid opcode",
	"coprocessor not available", "double fault", "coprocessor overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection fault", "page fault", "reserved",
	"coprocessor error", "alignment check",
};

/* The client's INT 21h/4Ch: it ends here, then DOS ends the program. */
static int client_exit(struct dpmi_host *h, struct dpmi_client *c, const struct vm16_regs *r)
{
	uint16_t priv = c->priv_seg;
	dpmi_client_end(h, c);
	struct vm16_regs rm = *r;
	uint32_t ivt = dpmi_rd32(h, 0x21 * 4);
	rm.cs = (uint16_t)(ivt >> 16);
	rm.eip = ivt & 0xFFFF;
	rm.ss = priv;
	rm.esp = DPMI_PRIV_PARAS * 16 - 8;
	rm.ds = rm.es = priv;
	rm.fs = rm.gs = 0;
	rm.eflags &= ~(uint32_t)(0x3000 | 0x200 | 0x100);
	vdd_enter_real(h->vm, &rm);
	return 0;
}

int dpmi_reflect(struct dpmi_host *h, struct dpmi_client *c, const struct vm16_regs *r, uint8_t vector, bool chain)
{
	uint16_t ax = (uint16_t)r->eax;
	if (vector == 0x21 && (ax >> 8) == 0x4C)
		return client_exit(h, c, r);
	struct vm16_regs pm = *r;
	if (vector == 0x2F && ax == 0x1686) { /* in protected mode: AX = 0 */
		dpmi_set16(&pm.eax, 0);
		if (chain)
			dpmi_iret(h, c, &pm);
		return dpmi_resume(h, &pm);
	}
	struct vm16_regs rm = *r;
	uint32_t ivt = dpmi_rm_vector(h, vector);
	rm.cs = (uint16_t)(ivt >> 16);
	rm.eip = ivt & 0xFFFF;
	rm.ds = rm.es = c->priv_seg;
	rm.fs = rm.gs = 0;
	rm.eflags = r->eflags & 0xFFFF;
	return dpmi_to_real(h, c, chain ? DPMI_FRAME_CHAIN : DPMI_FRAME_REFLECT, &pm, &rm, false, true, 0) ? 0 : 1;
}

/* Call the client's interrupt handler as INT would, on its stack. */
static int deliver_int(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r, const struct dpmi_far *to)
{
	dpmi_push(h, r, c->is32, r->eflags & (c->is32 ? 0xFFFFFFFFu : 0xFFFF));
	dpmi_push(h, r, c->is32, r->cs);
	dpmi_push(h, r, c->is32, r->eip);
	r->cs = to->sel;
	r->eip = to->off;
	r->eflags &= ~(uint32_t)(0x200 | 0x100);
	return dpmi_resume(h, r);
}

uint32_t dpmi_lpms_top(struct dpmi_host *h, struct dpmi_client *c, const struct vm16_regs *cur)
{
	if (cur && cur->ss == c->lpms_sel)
		return cur->esp;
	for (unsigned k = h->nframes; k-- > 0;)
		if (h->frames[k].client == c->slot && h->frames[k].kind != DPMI_FRAME_RMIRQ &&
		    h->frames[k].pm.ss == c->lpms_sel)
			return h->frames[k].pm.esp;
	return 0x1000;
}

/* No handler for exception v: a diagnostic, and the client ends as if it
 * had called INT 21h/4CFFh. */
static int exception_default(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r, uint8_t v,
			     uint32_t err)
{
	char msg[160];
	snprintf(msg, sizeof(msg),
		 "DPMI: unhandled exception %02Xh (%s) at %04X:%08X, error code %04X: the program ends\r\n", v,
		 v < 18 ? exc_names[v] : "reserved", r->cs, r->eip, err);
	dpmi_put_text(h, msg);
	r->eax = 0x4CFF;
	return client_exit(h, c, r);
}

/* DPMI 0.9 exception frame on the locked stack: return CS:(E)IP (the
 * host), error code, (E)IP, CS, (E)FLAGS, (E)SP, SS, each a word for a
 * 16-bit client or a dword for a 32-bit one. */
static int exception(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r, uint8_t v, uint32_t err)
{
	if (v < 32 && c->exc[v].sel) {
		struct vm16_regs s = *r;
		s.ss = c->lpms_sel;
		s.esp = dpmi_lpms_top(h, c, r);
		const uint32_t words[8] = { r->ss, r->esp, r->eflags, r->cs, r->eip, err, DPMI_SEL_CODE3, DPMI_R3_EXCRET };
		for (unsigned k = 0; k < 8; k++)
			dpmi_push(h, &s, c->is32, words[k]);
		s.cs = c->exc[v].sel;
		s.eip = c->exc[v].off;
		s.eflags &= ~(uint32_t)(0x200 | 0x100);
		return dpmi_resume(h, &s);
	}
	if (v < 8 && c->pm_int[v].sel)
		return deliver_int(h, c, r, &c->pm_int[v]);
	return exception_default(h, c, r, v, err);
}

/* The exception handler returned (RETF) to the host: the frame, possibly
 * changed, says where the client goes on. */
static int exception_return(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r)
{
	struct vm16_regs s = *r;
	(void)dpmi_pop(h, &s, c->is32); /* error code */
	uint32_t eip = dpmi_pop(h, &s, c->is32), cs = dpmi_pop(h, &s, c->is32), fl = dpmi_pop(h, &s, c->is32);
	uint32_t esp = dpmi_pop(h, &s, c->is32), ss = dpmi_pop(h, &s, c->is32);
	r->eip = eip;
	r->cs = (uint16_t)cs;
	r->eflags = c->is32 ? fl : (r->eflags & 0xFFFF0000u) | (fl & 0xFFFF);
	r->esp = c->is32 ? esp : (r->esp & 0xFFFF0000u) | (esp & 0xFFFF);
	r->ss = (uint16_t)ss;
	return dpmi_resume(h, r);
}

/* A client ran a ring-3 stub of the host (its HLT faulted): which one. */
static int stub_call(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r)
{
	uint32_t off = r->eip;
	if (off < DPMI_R3_RAW && off % 4 == 0)
		return dpmi_reflect(h, c, r, (uint8_t)(off / 4), true);
	if (off == DPMI_R3_RAW)
		return dpmi_raw_to_rm(h, c, r);
	if (off == DPMI_R3_EXCRET)
		return exception_return(h, c, r);
	if (off == DPMI_R3_CBRET)
		return dpmi_callback_return(h, c, r);
	if (off == DPMI_R3_IRQRET)
		return dpmi_irq_return(h, c, r);
	if (off >= DPMI_R3_EXCDEF && off < DPMI_R3_EXCDEF + 4 * 32) {
		/* A client chained to the default exception handler: the
		 * exception frame is on its stack. */
		struct vm16_regs s = *r;
		(void)dpmi_pop(h, &s, c->is32);
		(void)dpmi_pop(h, &s, c->is32);
		uint32_t err = dpmi_pop(h, &s, c->is32);
		r->eip = dpmi_pop(h, &s, c->is32);
		r->cs = (uint16_t)dpmi_pop(h, &s, c->is32);
		return exception_default(h, c, r, (uint8_t)((off - DPMI_R3_EXCDEF) / 4), err);
	}
	return exception_default(h, c, r, 13, 0);
}

int dpmi_pm_entry(struct dpmi_host *h)
{
	struct vm16_regs k;
	vm16_get_regs(h->vm, &k);
	if (k.cs & 3) {
		/* A ring-3 stub's HLT, made our call instead of its #GP(0)
		 * (vdd.h): the client's registers as the HLT found them, EIP past
		 * the three bytes. Reached through a code segment of the
		 * client's own (an alias of the stubs), it is the #GP. */
		struct dpmi_client *c = dpmi_current(h);
		if (!c)
			return 1;
		k.eip -= 3;
		return k.cs == DPMI_SEL_CODE3 ? stub_call(h, c, &k) : exception(h, c, &k, 13, 0);
	}
	uint8_t v = (uint8_t)((k.eip - 3 - DPMI_STUB0) / 4);
	bool has_err = k.esp == DPMI_STACK0 - 24;
	/* The CPU's frame on the ring-0 stack, read in one piece: [error
	 * code,] EIP, CS, EFLAGS, ESP, SS (80386 PRM 9.6.1). */
	uint32_t fr[6], *frame = fr + 1, err = 0;
	if (has_err) {
		dpmi_area_rd32s(h, DPMI_STACK0 - 24, fr, 6);
		err = fr[0];
	} else if (k.esp == DPMI_STACK0 - 20) {
		dpmi_area_rd32s(h, DPMI_STACK0 - 20, frame, 5);
	} else {
		/* Not from ring 3: the host's IRETD to the client faulted (a
		 * frame the client corrupted, a selector it freed). The frame it
		 * was returning with is still at the top of the ring-0 stack.
		 * The client ends, as after an unhandled exception. */
		char msg[160];
		snprintf(msg, sizeof(msg),
			 "DPMI: exception %02Xh returning to the client at %04X:%08X (a bad selector or frame): the program ends\r\n",
			 v, dpmi_rd16(h, h->area + DPMI_STACK0 - 16), dpmi_rd32(h, h->area + DPMI_STACK0 - 20));
		dpmi_put_text(h, msg);
		struct dpmi_client *c = dpmi_current(h);
		if (!c)
			return 1;
		k.eax = 0x4CFF;
		return client_exit(h, c, &k);
	}
	struct dpmi_client *c = dpmi_current(h);
	if (!c)
		return 1;
	struct vm16_regs r = k;
	r.eip = frame[0];
	r.cs = (uint16_t)frame[1];
	r.eflags = frame[2];
	r.esp = frame[3];
	r.ss = (uint16_t)frame[4];
	if (v == 0x31 && !has_err)
		return dpmi_int31(h, c, &r);
	if (v == 13 && has_err && r.cs == DPMI_SEL_CODE3)
		return stub_call(h, c, &r);
	if (has_err || v < 8)
		return exception(h, c, &r, v, err);
	if (c->pm_int[v].sel)
		return deliver_int(h, c, &r, &c->pm_int[v]);
	return dpmi_reflect(h, c, &r, v, false);
}

/* A code selector a client may name as a handler: its own, or the host's stubs. */
static bool handler_ok(struct dpmi_host *h, struct dpmi_client *c, uint16_t sel)
{
	uint32_t lo, hi;
	if (sel == DPMI_SEL_CODE3)
		return true;
	return dpmi_sel_owned(h, c, sel) && dpmi_desc_read(h, sel, &lo, &hi) && (hi & 0x1800) == 0x1800;
}

void dpmi_vector_functions(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r)
{
	uint8_t v = (uint8_t)r->ebx;
	uint16_t cx = (uint16_t)r->ecx;
	uint32_t off = c->is32 ? r->edx : (r->edx & 0xFFFF);
	switch ((uint16_t)r->eax) {
	case 0x0200: { /* real-mode vector (past the host's IRQ stub) */
		uint32_t ivt = dpmi_rm_vector(h, v);
		dpmi_set16(&r->ecx, (uint16_t)(ivt >> 16));
		dpmi_set16(&r->edx, (uint16_t)ivt);
		return dpmi_ok(r);
	}
	case 0x0201:
		if (!dpmi_irq_set_rm(h, v, (uint32_t)cx << 16 | (r->edx & 0xFFFF)))
			dpmi_wr32(h, (uint32_t)v * 4, (uint32_t)cx << 16 | (r->edx & 0xFFFF));
		return dpmi_ok(r);
	case 0x0202: /* exception handler */
		if (v >= 32)
			return dpmi_fail(r, DPMI_ERR_VALUE);
		if (c->exc[v].sel) {
			dpmi_set16(&r->ecx, c->exc[v].sel);
			r->edx = c->exc[v].off;
		} else {
			dpmi_set16(&r->ecx, DPMI_SEL_CODE3);
			r->edx = DPMI_R3_EXCDEF + 4u * v;
		}
		return dpmi_ok(r);
	case 0x0203:
		if (v >= 32)
			return dpmi_fail(r, DPMI_ERR_VALUE);
		if (!handler_ok(h, c, cx))
			return dpmi_fail(r, DPMI_ERR_SELECTOR);
		c->exc[v].sel = cx == DPMI_SEL_CODE3 ? 0 : cx;
		c->exc[v].off = off;
		return dpmi_ok(r);
	case 0x0204: /* protected-mode interrupt vector */
		if (c->pm_int[v].sel) {
			dpmi_set16(&r->ecx, c->pm_int[v].sel);
			r->edx = c->pm_int[v].off;
		} else {
			dpmi_set16(&r->ecx, DPMI_SEL_CODE3);
			r->edx = DPMI_R3_DEFAULT + 4u * v;
		}
		return dpmi_ok(r);
	case 0x0205:
		if (!handler_ok(h, c, cx))
			return dpmi_fail(r, DPMI_ERR_SELECTOR);
		c->pm_int[v].sel = cx == DPMI_SEL_CODE3 ? 0 : cx;
		c->pm_int[v].off = off;
		if (dpmi_irq_of(v) >= 0)
			dpmi_irq_update(h);
		return dpmi_ok(r);
	default:
		return dpmi_fail(r, DPMI_ERR_UNSUPPORTED);
	}
}
