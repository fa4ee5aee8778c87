/*
 * vdd_pit.c - the 8254 (dev/pit.c) as a VDD: ports 40h-43h, IRQ 0 from
 * channel 0's output, channel 2 for the speaker VDD (vdd_pit.h), programmed as a PC BIOS
 * leaves it (channel 0 mode 3, count 0: 18.2 Hz). Time is the VM's virtual
 * clock: the PIT is brought up to date before every port access and at the
 * event scheduled for OUT0's next rising edge.
 */
#include <errno.h>
#include <stdlib.h>

#include "dev/pit.h"
#include "dev/board_links.h"
#include "mvdm/vdd.h"

struct vdd_pit {
	struct vm *vm;
	struct pit pit;
	uint64_t ticks;       /* PIT input clocks elapsed, = floor(clock_ns * PIT_HZ / 1e9) */
	int event;            /* pending edge event id, 0 = none */
	uint64_t edges0;      /* OUT0 rising edges so far: the timer ticks (IRQ 0) */
};

static uint64_t ticks_at(uint64_t ns)
{
	return (uint64_t)(((unsigned __int128)ns * PIT_HZ) / 1000000000u);
}

static void pit_edge_event(struct vm *vm, void *inst);

/* Advance the PIT to now, raise IRQ 0 for each rising edge of OUT0, and
 * schedule the event for the next one. */
static void pit_sync(struct vdd_pit *t)
{
	uint64_t now = ticks_at(vdd_clock_ns(t->vm));
	if (now > t->ticks) {
		unsigned edges = pit_advance(&t->pit, now - t->ticks);
		t->ticks = now;
		t->edges0 += edges;
		if (edges) {
			vdd_set_irq(t->vm, 0, true);
			vdd_set_irq(t->vm, 0, false);
		}
	}
	if (t->event)
		vdd_cancel(t->vm, t->event);
	t->event = 0;
	uint64_t next = pit_next_edge0(&t->pit);
	if (next != UINT64_MAX) {
		/* ns until tick (ticks + next), rounded up */
		unsigned __int128 due = ((unsigned __int128)(t->ticks + next) * 1000000000u + PIT_HZ - 1) / PIT_HZ;
		uint64_t now_ns = vdd_clock_ns(t->vm);
		uint64_t delay = (uint64_t)due > now_ns ? (uint64_t)due - now_ns : 0;
		int id = vdd_schedule(t->vm, delay, pit_edge_event, t);
		t->event = id > 0 ? id : 0;
	}
}

static void pit_edge_event(struct vm *vm, void *inst)
{
	(void)vm;
	struct vdd_pit *t = inst;
	t->event = 0;
	pit_sync(t);
}

/* The timer ticks so far, for the monitor's deep sleep (src/vm/quiet.c):
 * an idle VM may pass many at once, and IRQ 0 is raised once for them. */
static uint64_t pit_ticks_so_far(void *inst)
{
	const struct vdd_pit *t = inst;
	return t->edges0;
}

static uint32_t pit_port_read(void *inst, uint16_t port, unsigned size)
{
	(void)size;
	struct vdd_pit *t = inst;
	pit_sync(t);
	return pit_read(&t->pit, port);
}

static void pit_port_write(void *inst, uint16_t port, unsigned size, uint32_t v)
{
	(void)size;
	struct vdd_pit *t = inst;
	pit_sync(t);
	pit_write(&t->pit, port, (uint8_t)v);
	pit_sync(t);
}

static int pit_create(struct vm *vm, void **inst)
{
	struct vdd_pit *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->vm = vm;
	pit_init(&t->pit);
	/* BIOS POST: channel 0 mode 3 count 0 (IRQ 0 at 18.2 Hz), channel 1
	 * mode 2 count 18 (the refresh request seen in port 61h bit 4). */
	pit_bios_setup(&t->pit);
	int rc = vdd_claim_ports(vm, "pit", 0x40, 0x43, t, pit_port_read, pit_port_write);
	if (rc < 0) {
		free(t);
		return rc;
	}
	vdd_set_tick_source(vm, &(struct vdd_tick_source){ pit_edge_event, t, 0, pit_ticks_so_far });
	*inst = t;
	return 0;
}

static int pit_create_done(struct vm *vm, void *inst)
{
	(void)vm;
	pit_sync(inst);
	return 0;
}

static void pit_terminate(struct vm *vm, void *inst)
{
	(void)vm;
	free(inst);
}

void vdd_pit_set_gate2(void *pit_inst, bool gate)
{
	struct vdd_pit *t = pit_inst;
	pit_sync(t);
	pit_set_gate(&t->pit, 2, gate);
	pit_sync(t);
}

uint8_t vdd_pit_port61_bits(void *pit_inst)
{
	struct vdd_pit *t = pit_inst;
	pit_sync(t);
	return pit_port61_read(&t->pit, 0) & 0x30;
}

uint32_t vdd_pit_tone_hz(void *pit_inst)
{
	struct vdd_pit *t = pit_inst;
	pit_sync(t);
	uint64_t period = pit_period_ticks(&t->pit, 2);
	return period ? (uint32_t)((PIT_HZ + period / 2) / period) : 0;
}

const struct vdd_ops vdd_pit_ops = {
	.abi = MVDM_VDD_ABI,
	.name = "pit",
	.create = pit_create,
	.create_done = pit_create_done,
	.terminate = pit_terminate,
};
