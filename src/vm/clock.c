/*
 * clock.c - the VM's virtual clock and its event queue. Time advances with
 * the guest instructions executed (insn_ns each) and jumps ahead while the
 * guest idles; devices schedule callbacks on it, never on host timers, so a
 * run is deterministic. The earliest due time is kept (events_due_min,
 * exact), so the run loop's turns (every supervisor call, every mode
 * switch of a DPMI host) need not look at every slot twice.
 */
#include <errno.h>
#include <stdint.h>

#include "vm/vm_internal.h"

/* events_due_min from the slots, after an event left them. */
static void due_min_update(struct vm *vm)
{
	uint64_t m = UINT64_MAX;
	for (unsigned k = 0; k < VM_MAX_EVENTS; k++)
		if (vm->events[k].id && vm->events[k].due_ns < m)
			m = vm->events[k].due_ns;
	vm->events_due_min = m;
}

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
		if (e->due_ns < vm->events_due_min)
			vm->events_due_min = e->due_ns;
		return e->id;
	}
	return vm_fail(vm, -ENOSPC, "too many pending device events (%u)", VM_MAX_EVENTS);
}

void vdd_cancel(struct vm *vm, int event_id)
{
	for (unsigned k = 0; k < VM_MAX_EVENTS; k++) {
		if (vm->events[k].id == event_id && event_id > 0) {
			vm->events[k].id = 0;
			due_min_update(vm);
		}
	}
}

uint64_t vm_clock_next_ns(const struct vm *vm)
{
	const uint64_t due = vm->events_due_min;
	if (due == UINT64_MAX)
		return UINT64_MAX;
	return due > vm->clock_ns ? due - vm->clock_ns : 0;
}

/* Events run in due order; an event may schedule new ones (run next round). */
void vm_clock_run_due(struct vm *vm)
{
	for (;;) {
		if (vm->events_due_min > vm->clock_ns)
			return;
		struct vm_event *first = NULL;
		for (unsigned k = 0; k < VM_MAX_EVENTS; k++) {
			struct vm_event *e = &vm->events[k];
			if (e->id && e->due_ns <= vm->clock_ns && (!first || e->due_ns < first->due_ns))
				first = e;
		}
		if (!first) {
			due_min_update(vm); /* (kept exact: not reached) */
			return;
		}
		vdd_event_fn fn = first->fn;
		void *inst = first->inst;
		first->id = 0;
		due_min_update(vm);
		fn(vm, inst);
	}
}
