/*
 * quiet.c - deep sleep: a VM that waits for input at one of our own wait
 * points, and whose timer tick runs only our own handlers, needs no host
 * time until input arrives (docs/idle.md "Deep sleep").
 *
 * Each timer tick of an idle VM normally wakes it: the guest takes IRQ 0,
 * the ROM's INT 08h counts the tick in the BIOS data area and calls
 * INT 1Ch, the wait loop looks at the keyboard again and halts. When that
 * whole chain is ours, a tick changes nothing the guest can see but the
 * tick count, so the monitor may let the time pass in one step and count
 * the ticks itself:
 *   - the CPU halted (HLT with IF set) at a registered wait point: the
 *     BIOS's INT 16h key wait, the DOS kernel's console wait. The code
 *     around it only looks for input, which comes with a host call;
 *   - every registered quiet vector still points at its registered
 *     handler: INT 08h (the tick: it has the fold), INT 1Ch (the user
 *     tick hook, an IRET of the ROM), INT 28h (the DOS idle call the
 *     console wait makes, a stub of the DOS kernel);
 *   - the tick source's IRQ reaches the CPU as that INT 08h (the PIC maps
 *     it there, it is unmasked and nothing is in service), and
 *   - no device event is pending but the tick source's.
 * Then the VM is quiet until it runs again: vm16_idle_ns() reports only
 * the other events (none: UINT64_MAX, so a pacing host sleeps until input)
 * and vm16_pass_time() folds the ticks that pass: the tick source counts
 * them (it raises its IRQ once however many passed), the guest will take
 * that one IRQ itself, and the quiet handler's fold does the rest (the
 * BIOS adds them to 40:6Ch with the midnight rollover).
 */
#include <errno.h>

#include "vm/vm_internal.h"

int vm_quiet_add_wait(struct vm *vm, uint16_t cs, uint16_t ip)
{
	struct vm_quiet *q = &vm->quiet;
	if (q->nwaits == VM_QUIET_MAX)
		return vm_fail(vm, -ENOSPC, "too many quiet wait points (%u)", VM_QUIET_MAX);
	q->waits[q->nwaits].cs = cs;
	q->waits[q->nwaits].ip = ip;
	q->nwaits++;
	return 0;
}

int vm_quiet_add_vector(struct vm *vm, uint8_t vector, uint16_t seg, uint16_t off, vm_fold_fn fold)
{
	struct vm_quiet *q = &vm->quiet;
	if (q->nvectors == VM_QUIET_MAX)
		return vm_fail(vm, -ENOSPC, "too many quiet vectors (%u)", VM_QUIET_MAX);
	q->vectors[q->nvectors] = (struct vm_quiet_vector){ vector, seg, off, fold };
	q->nvectors++;
	return 0;
}

void vdd_set_tick_source(struct vm *vm, const struct vdd_tick_source *src)
{
	vm->quiet.ticks = *src;
}

static bool at_wait_point(const struct vm *vm)
{
	const struct vm_quiet *q = &vm->quiet;
	for (unsigned k = 0; k < q->nwaits; k++)
		if (q->waits[k].cs == vm->cpu.seg[SEG_CS] && q->waits[k].ip == vm->cpu.ip)
			return true;
	return false;
}

static uint32_t ivt_entry(const struct vm *vm, uint8_t vector)
{
	const uint8_t *p = vm->ram + 4u * vector;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The fold of the tick's handler, or NULL when the chain is not all ours. */
static vm_fold_fn tick_fold(const struct vm *vm)
{
	const struct vm_quiet *q = &vm->quiet;
	if (!q->ticks.edges || !vm->intc.deliverable_vector)
		return NULL;
	int tick_vector = vm->intc.deliverable_vector(vm->intc.inst, q->ticks.irq);
	vm_fold_fn fold = NULL;
	for (unsigned k = 0; k < q->nvectors; k++) {
		const struct vm_quiet_vector *v = &q->vectors[k];
		if (ivt_entry(vm, v->vector) != ((uint32_t)v->seg << 16 | v->off))
			return NULL;
		if (v->vector == tick_vector)
			fold = v->fold;
	}
	return fold;
}

/* Whether an event is the tick source's. */
static bool is_tick(const struct vm *vm, const struct vm_event *e)
{
	return e->fn == vm->quiet.ticks.event && e->inst == vm->quiet.ticks.inst;
}

bool vm_quiet_enter(struct vm *vm)
{
	struct vm_quiet *q = &vm->quiet;
	q->on = false;
	if (!at_wait_point(vm) || !tick_fold(vm))
		return false;
	/* An interrupt already requested runs the guest at once (and a tick
	 * requested before would merge with the first one folded). */
	if (vm->intc.intr && vm->intc.intr(vm->intc.inst))
		return false;
	for (unsigned k = 0; k < VM_MAX_EVENTS; k++)
		if (vm->events[k].id && !is_tick(vm, &vm->events[k]))
			return false;
	q->on = true;
	q->irq_left = false;
	return true;
}

uint64_t vm_quiet_next_ns(const struct vm *vm)
{
	uint64_t best = UINT64_MAX;
	for (unsigned k = 0; k < VM_MAX_EVENTS; k++) {
		const struct vm_event *e = &vm->events[k];
		if (!e->id || is_tick(vm, e))
			continue;
		uint64_t in = e->due_ns > vm->clock_ns ? e->due_ns - vm->clock_ns : 0;
		if (in < best)
			best = in;
	}
	return best;
}

void vm_quiet_pass(struct vm *vm, uint64_t ns)
{
	struct vm_quiet *q = &vm->quiet;
	const struct vdd_tick_source *t = &q->ticks;
	uint64_t before = t->edges(t->inst);
	vm->clock_ns += ns;
	vm_clock_run_due(vm);
	uint64_t n = t->edges(t->inst) - before;
	if (n && !q->irq_left) {
		n--; /* its IRQ is pending: the guest takes that one itself */
		q->irq_left = true;
	}
	vm_fold_fn fold = tick_fold(vm);
	if (n && fold)
		fold(vm, n);
}
