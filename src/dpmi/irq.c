/*
 * irq.c - hardware interrupts that arrive while the CPU runs real mode
 * (a reflected INT 21h waiting for a key, a real-mode call) reach the
 * protected-mode handler a client installed for them with 0205h, as the
 * specification asks ("hardware interrupts are always routed to the
 * protected mode handler first"). While some client hooks IRQ k's vector
 * (08h-0Fh, 70h-77h), the real-mode IVT entry points at a host stub; the
 * vector it replaced is kept (0200h/0201h read and change that one, and
 * reflection goes there, so nothing loops back). At the stub the host
 * switches to protected mode and calls the client's handler on its locked
 * stack with an IRET frame that returns to the host; the handler's IRET
 * (or its chain to the default handler, which runs the real-mode vector)
 * ends in the host, which returns to the interrupted real-mode code as its
 * IRET would. When no client hooks the vector any more the IVT entry is
 * put back (unless something hooked it after the host).
 * Source: DPMI 0.9 specification, "Hardware Interrupts"; the PC's IRQ
 * vectors: IBM PC AT Technical Reference (8259A bases 08h, 70h).
 */
#include "dpmi/dpmi.h"

int dpmi_irq_of(uint8_t v)
{
	return v >= 0x08 && v <= 0x0F ? v - 0x08 : v >= 0x70 && v <= 0x77 ? v - 0x70 + 8 : -1;
}

static uint8_t vector_of(unsigned irq)
{
	return (uint8_t)(irq < 8 ? 0x08 + irq : 0x70 + irq - 8);
}

uint32_t dpmi_rm_vector(struct dpmi_host *h, uint8_t v)
{
	int irq = dpmi_irq_of(v);
	if (irq >= 0 && (h->irq_hooked >> irq) & 1)
		return h->irq_saved[irq];
	return dpmi_rd32(h, (uint32_t)v * 4);
}

bool dpmi_irq_set_rm(struct dpmi_host *h, uint8_t v, uint32_t vec)
{
	int irq = dpmi_irq_of(v);
	if (irq < 0 || !((h->irq_hooked >> irq) & 1))
		return false;
	h->irq_saved[irq] = vec;
	return true;
}

void dpmi_irq_update(struct dpmi_host *h)
{
	for (unsigned irq = 0; irq < 16; irq++) {
		uint8_t v = vector_of(irq);
		bool wanted = false;
		for (unsigned k = 0; k < h->nclients; k++)
			wanted |= h->clients[k]->pm_int[v].sel != 0;
		uint32_t stub = (uint32_t)h->rm_seg << 16 | (DPMI_RM_IRQ + 4 * irq);
		bool hooked = (h->irq_hooked >> irq) & 1;
		if (wanted && !hooked) {
			h->irq_saved[irq] = dpmi_rd32(h, (uint32_t)v * 4);
			dpmi_wr32(h, (uint32_t)v * 4, stub);
			h->irq_hooked |= (uint16_t)(1u << irq);
		} else if (!wanted && hooked && dpmi_rd32(h, (uint32_t)v * 4) == stub) {
			dpmi_wr32(h, (uint32_t)v * 4, h->irq_saved[irq]);
			h->irq_hooked &= (uint16_t)~(1u << irq);
		}
	}
}

int dpmi_irq_enter(struct dpmi_host *h, unsigned irq)
{
	struct vm16_regs rm;
	vm16_get_regs(h->vm, &rm);
	uint8_t v = vector_of(irq);
	struct dpmi_client *c = dpmi_current(h);
	if (!c || !c->pm_int[v].sel || h->nframes >= DPMI_MAX_FRAMES) {
		/* Nobody in protected mode wants it now: on to the old vector,
		 * with the interrupt's frame on the stack as it is. */
		uint32_t old = h->irq_saved[irq];
		rm.cs = (uint16_t)(old >> 16);
		rm.eip = old & 0xFFFF;
		vm16_set_regs(h->vm, &rm);
		return 0;
	}
	struct dpmi_frame *f = &h->frames[h->nframes++];
	f->kind = DPMI_FRAME_RMIRQ;
	f->client = c->slot;
	f->pm = rm; /* the real-mode context to go back to */
	f->rm_sp = c->rm_sp;
	struct vm16_regs pm = rm;
	pm.ss = c->lpms_sel;
	pm.esp = dpmi_lpms_top(h, c, NULL);
	pm.ds = pm.es = c->lpms_sel;
	pm.fs = pm.gs = 0;
	pm.eflags = (rm.eflags & ~(uint32_t)(0x200 | 0x100)) | 0x3000;
	dpmi_push(h, &pm, c->is32, pm.eflags);
	dpmi_push(h, &pm, c->is32, DPMI_SEL_CODE3);
	dpmi_push(h, &pm, c->is32, DPMI_R3_IRQRET);
	pm.cs = c->pm_int[v].sel;
	pm.eip = c->pm_int[v].off;
	return dpmi_resume(h, &pm);
}

/* The handler returned: back to real mode, which IRETs from the
 * interrupt's frame (the handler's general registers go with it). */
int dpmi_irq_return(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r)
{
	if (!h->nframes || h->frames[h->nframes - 1].kind != DPMI_FRAME_RMIRQ ||
	    h->frames[h->nframes - 1].client != c->slot) {
		dpmi_put_text(h, "DPMI: an interrupt handler returned that was not called\r\n");
		return 1;
	}
	struct vm16_regs rm = h->frames[--h->nframes].pm;
	rm.eax = r->eax;
	rm.ebx = r->ebx;
	rm.ecx = r->ecx;
	rm.edx = r->edx;
	rm.esi = r->esi;
	rm.edi = r->edi;
	rm.ebp = r->ebp;
	uint32_t ss = (uint32_t)rm.ss << 4;
	uint16_t sp = (uint16_t)rm.esp;
	rm.eip = dpmi_rd16(h, ss + sp);
	rm.cs = dpmi_rd16(h, ss + (uint16_t)(sp + 2));
	rm.eflags = (rm.eflags & 0xFFFF0000u) | dpmi_rd16(h, ss + (uint16_t)(sp + 4));
	rm.esp = (rm.esp & 0xFFFF0000u) | (uint16_t)(sp + 6);
	vdd_enter_real(h->vm, &rm);
	return 0;
}
