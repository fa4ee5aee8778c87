/*
 * vdd_pic.c - the 8259A pair (dev/pic.c) as a VDD: ports 20h-21h and
 * A0h-A1h, programmed as a PC BIOS leaves it (vectors 08h and 70h), and the
 * VM's interrupt controller (its INTR output goes to the CPU).
 */
#include <errno.h>
#include <stdlib.h>

#include "dev/pic.h"
#include "mvdm/vdd.h"

static uint32_t pic_port_read(void *inst, uint16_t port, unsigned size)
{
	(void)size;
	return pic_pair_read(inst, port);
}

static void pic_port_write(void *inst, uint16_t port, unsigned size, uint32_t v)
{
	(void)size;
	pic_pair_write(inst, port, (uint8_t)v);
}

static void intc_set_irq(void *inst, unsigned irq, bool level)
{
	pic_pair_set_irq(inst, irq, level);
}

static bool intc_intr(void *inst)
{
	return pic_pair_intr(inst);
}

static uint8_t intc_ack(void *inst)
{
	return pic_pair_ack(inst);
}

/* Acknowledged vectors are base + IR; IR 2 of the master is the cascade
 * (the slave's vector is returned instead), and IR 7 acknowledged with
 * nothing in service is spurious (Intel 8259A data sheet). */
static int intc_irq_of_vector(void *inst, uint8_t v)
{
	const struct pic_pair *p = inst;
	int irq = -1;
	if ((v & 0xF8) == p->master.vector_base && (v & 7) != 2)
		irq = v & 7;
	else if ((v & 0xF8) == p->slave.vector_base)
		irq = 8 + (v & 7);
	if (irq == 7 && !(p->master.isr & 0x80))
		return -1;
	if (irq == 15 && !(p->slave.isr & 0x80))
		return -1;
	return irq;
}

/* The vector a master IRQ would be delivered as now: the master is
 * initialised, the IRQ unmasked and nothing is in service on either chip
 * (so no priority rule can hold it back). Slave IRQs: -1. */
static int intc_deliverable_vector(void *inst, unsigned irq)
{
	const struct pic_pair *p = inst;
	const struct pic *m = &p->master;
	if (irq >= 8 || irq == PIC_CASCADE_IR || m->init_step != PIC_STEP_READY || (m->imr & (1u << irq)) ||
	    m->isr || p->slave.isr)
		return -1;
	return m->vector_base + (int)irq;
}

static void intc_eoi(void *inst, unsigned irq)
{
	if (irq >= 8)
		pic_pair_write(inst, 0xA0, 0x20);
	pic_pair_write(inst, 0x20, 0x20);
}

static int pic_create(struct vm *vm, void **inst)
{
	struct pic_pair *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	pic_pair_init(p);
	pic_pair_reset_pc(p);
	int rc = vdd_claim_ports(vm, "pic", 0x20, 0x21, p, pic_port_read, pic_port_write);
	if (rc == 0)
		rc = vdd_claim_ports(vm, "pic", 0xA0, 0xA1, p, pic_port_read, pic_port_write);
	if (rc < 0) {
		free(p);
		return rc;
	}
	struct vdd_intc intc = { p, intc_set_irq, intc_intr, intc_ack, intc_irq_of_vector, intc_eoi,
				 intc_deliverable_vector };
	vdd_set_intc(vm, &intc);
	*inst = p;
	return 0;
}

static void pic_terminate(struct vm *vm, void *inst)
{
	(void)vm;
	free(inst);
}

const struct vdd_ops vdd_pic_ops = {
	.abi = MVDM_VDD_ABI,
	.name = "pic",
	.create = pic_create,
	.terminate = pic_terminate,
};
