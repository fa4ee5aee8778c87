/*
 * vdd_kbd.c - the 8042 keyboard controller (dev/kbd.c) as a VDD: ports 60h
 * and 64h, IRQ 1 following the controller's output, the A20 gate of its
 * output port (and of port 92h, which this VDD serves too), and host key
 * injection (vm16_key, vm16_type). The device is
 * brought up to the VM's virtual time before each port access and at the
 * event it asks for (the next byte entering its output buffer).
 * A reset pulse (command FEh) resets the processor (vdd_reset_machine()):
 * the ROM resumes the guest if the CMOS shutdown code says so (286
 * programs leave protected mode this way), else the VM ends (DOS programs
 * use it to reboot).
 */
#include <errno.h>
#include <stdlib.h>

#include "dev/board_links.h"
#include "dev/kbd.h"
#include "mvdm/vdd.h"

struct vdd_kbd {
	struct vm *vm;
	struct kbd k;
	uint8_t port92;      /* System Control Port A: bit 1 "fast A20" */
	uint64_t synced_ns;
	int event;
	bool a20;           /* the A20 line (output port or port 92h) as last passed on */
};

static void kbd_event(struct vm *vm, void *inst);

static void kbd_sync(struct vdd_kbd *d)
{
	struct vm *vm = d->vm;
	uint64_t now = vdd_clock_ns(vm);
	if (now > d->synced_ns) {
		kbd_advance(&d->k, now - d->synced_ns);
		d->synced_ns = now;
	}
	vdd_set_irq(vm, 1, kbd_irq1(&d->k));
	vdd_set_irq(vm, 12, kbd_irq12(&d->k));
	/* The A20 gate: the 8042's output port or port 92h (PS/2 machines OR
	 * the two). The VM's gate is one state that XMS sets too: pass on
	 * changes of this device's lines only. */
	bool gate = kbd_a20(&d->k) || (d->port92 & 2);
	if (gate != d->a20) {
		d->a20 = gate;
		vdd_set_a20(vm, gate);
	}
	if (kbd_reset_requested(&d->k))
		vdd_reset_machine(vm, "the guest reset the machine (keyboard controller command FEh)");
	if (d->event)
		vdd_cancel(vm, d->event);
	d->event = 0;
	uint64_t next = kbd_pending_ns(&d->k);
	if (next != UINT64_MAX) {
		int id = vdd_schedule(vm, next, kbd_event, d);
		d->event = id > 0 ? id : 0;
	}
}

static void kbd_event(struct vm *vm, void *inst)
{
	(void)vm;
	struct vdd_kbd *d = inst;
	d->event = 0;
	kbd_sync(d);
}

static uint32_t kbd_port_read(void *inst, uint16_t port, unsigned size)
{
	(void)size;
	struct vdd_kbd *d = inst;
	kbd_sync(d);
	uint8_t v = kbd_read(&d->k, port);
	kbd_sync(d);
	return v;
}

static void kbd_port_write(void *inst, uint16_t port, unsigned size, uint32_t v)
{
	(void)size;
	struct vdd_kbd *d = inst;
	kbd_sync(d);
	kbd_write(&d->k, port, (uint8_t)v);
	kbd_sync(d);
}

/* Port 92h, System Control Port A (IBM PS/2 Technical Reference; RBIL
 * PORT 0092h): bit 1 gates A20 ("fast A20"), writing bit 0 as 1 pulses the
 * processor's RESET line. Reads give bit 1 back, bit 0 as 0. */
static uint32_t port92_read(void *inst, uint16_t port, unsigned size)
{
	(void)port;
	(void)size;
	struct vdd_kbd *d = inst;
	return d->port92 & 2;
}

static void port92_write(void *inst, uint16_t port, unsigned size, uint32_t v)
{
	(void)port;
	(void)size;
	struct vdd_kbd *d = inst;
	d->port92 = (uint8_t)(v & 2);
	kbd_sync(d);
	if (v & 1)
		vdd_reset_machine(d->vm, "the guest reset the machine (port 92h)");
}

/* IDLE_SENSITIVITY is the keyboard's, as in OS/2 (keyboard polling is what
 * it judges); the monitor's idle detector reads it at every poll, so it
 * may change while the VM runs (src/vm/idle.c, docs/idle.md). */
static const struct vdd_property kbd_props[] = {
	{ .name = "KBD_NUMLOCK", .type = VDD_PROP_BOOL, .def = 0, .help = "Num Lock on at start" },
	{ .name = "IDLE_SENSITIVITY", .type = VDD_PROP_INT, .def = 75, .min = 0, .max = 100, .live = true,
	  .help = "how soon a VM that polls for input counts as idle and sleeps (0 = never, 100 = soonest)" },
};

static int kbd_create(struct vm *vm, void **inst)
{
	struct vdd_kbd *d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->vm = vm;
	kbd_init(&d->k);
	d->a20 = kbd_a20(&d->k); /* on after POST, as the VM's gate starts */
	int rc = vdd_claim_ports(vm, "keyboard", 0x60, 0x60, d, kbd_port_read, kbd_port_write);
	if (rc == 0)
		rc = vdd_claim_ports(vm, "keyboard", 0x64, 0x64, d, kbd_port_read, kbd_port_write);
	if (rc == 0)
		rc = vdd_claim_ports(vm, "system control port A", 0x92, 0x92, d, port92_read, port92_write);
	if (rc < 0) {
		free(d);
		return rc;
	}
	*inst = d;
	return 0;
}

static int kbd_create_done(struct vm *vm, void *inst)
{
	(void)vm;
	kbd_sync(inst);
	return 0;
}

static void kbd_terminate(struct vm *vm, void *inst)
{
	(void)vm;
	free(inst);
}

const struct vdd_ops vdd_kbd_ops = {
	.abi = MVDM_VDD_ABI,
	.name = "keyboard",
	.props = kbd_props,
	.nprops = sizeof(kbd_props) / sizeof(kbd_props[0]),
	.create = kbd_create,
	.create_done = kbd_create_done,
	.terminate = kbd_terminate,
};

void vdd_kbd_aux_move(void *inst, int dx, int dy, unsigned buttons)
{
	struct vdd_kbd *d = inst;
	kbd_sync(d);
	kbd_mouse(&d->k, dx, dy, buttons);
	kbd_sync(d);
}

int vm16_key(struct vm *vm, uint8_t make_code, bool extended, bool pressed)
{
	struct vdd_kbd *d = vdd_instance(vm, "keyboard");
	if (!d)
		return -ENODEV;
	kbd_sync(d);
	int rc = kbd_key(&d->k, make_code, extended, pressed);
	kbd_sync(d);
	vdd_input_arrived(vm); /* input: the guest has work now */
	return rc;
}

unsigned vm16_keys_queued(struct vm *vm)
{
	struct vdd_kbd *d = vdd_instance(vm, "keyboard");
	return d ? kbd_queued(&d->k) : 0;
}

int vm16_type(struct vm *vm, const char *text)
{
	struct vdd_kbd *d = vdd_instance(vm, "keyboard");
	if (!d)
		return -ENODEV;
	kbd_sync(d);
	int rc = kbd_type_text(&d->k, text);
	kbd_sync(d);
	vdd_input_arrived(vm);
	return rc;
}
