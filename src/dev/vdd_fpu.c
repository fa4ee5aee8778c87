/*
 * vdd_fpu.c - the AT's coprocessor ports and IRQ 13 latch (IBM PC AT
 * Technical Reference, "Math Coprocessor"; Intel 80387 data sheet,
 * ERROR#/BUSY# in PC designs). The FPU's error output sets the latch,
 * which raises IRQ 13 (INT 75h); a write to port F0h clears the latch
 * (and the BUSY# hold), a write to port F1h resets the coprocessor. The
 * device hangs its latch on the FPU's error output through
 * vdd_set_fpu_error_hook(). Without an FPU it claims nothing: the ports
 * read as an empty bus.
 */
#include <errno.h>
#include <stdlib.h>

#include "mvdm/vdd.h"

enum { FPU_IRQ = 13 };

struct vdd_fpu {
	struct vm *vm;
	bool latch;
};

static void fpu_error(void *inst, bool asserted)
{
	struct vdd_fpu *d = inst;
	if (asserted && !d->latch) {
		d->latch = true;
		vdd_set_irq(d->vm, FPU_IRQ, true);
	}
}

static uint32_t fpu_port_read(void *inst, uint16_t port, unsigned size)
{
	(void)inst;
	(void)port;
	(void)size;
	return 0xFF;
}

static void fpu_port_write(void *inst, uint16_t port, unsigned size, uint32_t v)
{
	(void)size;
	(void)v;
	struct vdd_fpu *d = inst;
	d->latch = false;
	vdd_set_irq(d->vm, FPU_IRQ, false);
	if (port == 0xF1)
		vdd_fpu_reset(d->vm);
}

static int fpu_create(struct vm *vm, void **inst)
{
	struct vdd_machine m;
	vdd_machine(vm, &m);
	struct vdd_fpu *d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->vm = vm;
	if (m.fpu) {
		int rc = vdd_claim_ports(vm, "fpu", 0xF0, 0xF1, d, fpu_port_read, fpu_port_write);
		if (rc < 0) {
			free(d);
			return rc;
		}
		vdd_set_fpu_error_hook(vm, fpu_error, d);
	}
	*inst = d;
	return 0;
}

static void fpu_terminate(struct vm *vm, void *inst)
{
	vdd_set_fpu_error_hook(vm, NULL, NULL);
	free(inst);
}

const struct vdd_ops vdd_fpu_ops = {
	.abi = MVDM_VDD_ABI,
	.name = "fpu",
	.create = fpu_create,
	.terminate = fpu_terminate,
};
