/*
 * clock.c - the VM's virtual clock and its event queue. Time advances with
 * the guest instructions executed (insn_ns each) and jumps ahead while the
 * guest idles; devices schedule callbacks on it, never on host timers, so a
 * run is deterministic.
 */
#include <errno.h>
#include <stdint.h>

#include "vm/vm_internal.h"

int vdd_schedule(struct vm *vm, uint64_t delay_ns, vdd_event_fn fn, void *inst)
{
	for (unsigned k = 0; k < VM_MAX_EVENTS; k++) {
		struct vm_event *e = &vm->events[k];
		if (e->id)
			continue;
		if (++vm->next_event_id <= 0)
			vm->next_event_id = 1;
		e->id = vm->next_event_id;
		/* From now as the device sees it (inside a slice: with the
		 * instructions it ran so far, vdd_clock_ns). */
		e->due_ns = vdd_clock_ns(vm) + delay_ns;
		e->fn = fn;
		e->inst = inst;
		return e->id;
	}
	return vm_fail(vm, -ENOSPC, "too many pending device events (%u)", VM_MAX_EVENTS);
}

void vdd_cancel(struct vm *vm, int event_id)
{
	for (unsigned k = 0; k < VM_MAX_EVENTS; k++)
		if (vm->events[k].id == event_id && event_id > 0)
			vm->events[k].id = 0;
}

uint64_t vm_clock_next_ns(const struct vm *vm)
{
	uint64_t best = UINT64_MAX;
	for (unsigned k = 0; k < VM_MAX_EVENTS; k++) {
		const struct vm_event *e = &vm->events[k];
		if (!e->id)
			continue;
		uint64_t in = e->due_ns > vm->clock_ns ? e->due_ns - vm->clock_ns : 0;
		if (in < best)
			best = in;
	}
	return best;
}

/* Events run in due order; an event may schedule new ones (run next round). */
void vm_clock_run_due(struct vm *vm)
{
	for (;;) {
		struct vm_event *first = NULL;
		for (unsigned k = 0; k < VM_MAX_EVENTS; k++) {
			struct vm_event *e = &vm->events[k];
			if (e->id && e->due_ns <= vm->clock_ns && (!first || e->due_ns < first->due_ns))
				first = e;
		}
		if (!first)
			return;
		vdd_event_fn fn = first->fn;
		void *inst = first->inst;
		first->id = 0;
		fn(vm, inst);
	}
}
