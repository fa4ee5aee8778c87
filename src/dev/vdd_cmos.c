/*
 * vdd_cmos.c - the CMOS RAM and real-time clock (dev/cmos.c) as a VDD:
 * ports 70h-71h and IRQ 8. The clock starts at the VM's start time (UTC,
 * vm16_config.start_time, plus the RTC_UTC_OFFSET setting) and runs on the
 * VM's virtual clock; the
 * configuration bytes describe the VM (base memory, the HMA as extended
 * memory on 286/386 models, colour display, no coprocessor).
 */
#include <errno.h>
#include <stdlib.h>

#include "dev/cmos.h"
#include "dev/board_links.h"
#include "mvdm/vdd.h"

struct vdd_cmos {
	struct vm *vm;
	struct cmos c;
	uint64_t synced_ns;
	int event;
};

static void cmos_event(struct vm *vm, void *inst);

static void cmos_sync(struct vdd_cmos *d)
{
	struct vm *vm = d->vm;
	uint64_t now = vdd_clock_ns(vm);
	if (now > d->synced_ns) {
		cmos_advance(&d->c, now - d->synced_ns);
		d->synced_ns = now;
	} else {
		cmos_advance(&d->c, 0);
	}
	vdd_set_irq(vm, 8, cmos_irq8(&d->c));
	if (d->event)
		vdd_cancel(vm, d->event);
	d->event = 0;
	uint64_t next = cmos_next_irq_ns(&d->c);
	if (next != UINT64_MAX) {
		int id = vdd_schedule(vm, next ? next : 1, cmos_event, d);
		d->event = id > 0 ? id : 0;
	}
}

static void cmos_event(struct vm *vm, void *inst)
{
	(void)vm;
	struct vdd_cmos *d = inst;
	d->event = 0;
	cmos_sync(d);
}

static uint32_t cmos_port_read(void *inst, uint16_t port, unsigned size)
{
	(void)size;
	struct vdd_cmos *d = inst;
	cmos_sync(d);
	uint8_t v = cmos_read(&d->c, port);
	cmos_sync(d);
	return v;
}

static void cmos_port_write(void *inst, uint16_t port, unsigned size, uint32_t v)
{
	(void)size;
	struct vdd_cmos *d = inst;
	cmos_sync(d);
	cmos_write(&d->c, port, (uint8_t)v);
	cmos_sync(d);
}

static const struct vdd_property cmos_props[] = {
	{ .name = "RTC_UTC_OFFSET", .type = VDD_PROP_INT, .def = 0, .min = -720, .max = 840,
	  .help = "minutes added to UTC for the real-time clock (the guest's local time)" },
};

static int cmos_create(struct vm *vm, void **inst)
{
	struct vdd_cmos *d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->vm = vm;
	struct vdd_machine m;
	vdd_machine(vm, &m);
	int64_t local = m.start_time + vdd_property(vm, "RTC_UTC_OFFSET") * 60;
	cmos_init(&d->c, local, m.conv_kb, m.ext_kb, false, m.fpu);
	int rc = vdd_claim_ports(vm, "cmos", 0x70, 0x71, d, cmos_port_read, cmos_port_write);
	if (rc < 0) {
		free(d);
		return rc;
	}
	*inst = d;
	return 0;
}

void vdd_cmos_set_mono(void *inst, bool mono)
{
	struct vdd_cmos *d = inst;
	cmos_set_mono(&d->c, mono);
}

static int cmos_create_done(struct vm *vm, void *inst)
{
	(void)vm;
	cmos_sync(inst);
	return 0;
}

static void cmos_terminate(struct vm *vm, void *inst)
{
	(void)vm;
	free(inst);
}

const struct vdd_ops vdd_cmos_ops = {
	.abi = MVDM_VDD_ABI,
	.name = "cmos",
	.props = cmos_props,
	.nprops = sizeof(cmos_props) / sizeof(cmos_props[0]),
	.create = cmos_create,
	.create_done = cmos_create_done,
	.terminate = cmos_terminate,
};
