/*
 * nested.c - the host runs guest code and gets control back: simulated
 * interrupts and far calls. The guest returns to a stub in the ROM
 * (F4 04 FB: supervisor call VM_SVC_RETURN), which ends the nested run;
 * CS:IP and FLAGS are then restored. Nested runs may nest themselves (a
 * handler can be interrupted by a host-simulated interrupt again): each
 * level waits for the stub at its own stack depth.
 * Callable from supervisor-call, INT and hook handlers and from VDD events
 * (outside the CPU), not from port handlers (-EBUSY).
 */
#include <errno.h>

#include "vm/vm_internal.h"

/* Run until the guest executes the return stub with SP back at `sp_after`. */
static int run_until_return(struct vm *vm, uint16_t sp_after, uint64_t max_insns)
{
	struct cpu *c = &vm->cpu;
	unsigned level = ++vm->nested_depth;
	uint64_t start = c->retired;
	int rc = -ETIMEDOUT;
	while (!vm->ended && c->retired - start < max_insns) {
		enum vm16_stop why = vm16_run(vm, max_insns - (c->retired - start));
		if (vm->nested_return == level) {
			rc = c->r[REG_SP].w[0] == sp_after ? 0 : -EIO;
			break;
		}
		if (why == VM16_STOP_IDLE)
			break; /* waiting for an event that never comes: give up */
	}
	vm->nested_return = 0;
	vm->nested_depth--;
	return vm->ended ? -EIO : rc;
}

static int nested_enter(struct vm *vm, bool is_int, uint8_t vector, uint16_t seg, uint16_t off, uint64_t max_insns)
{
	struct cpu *c = &vm->cpu;
	uint16_t cs = c->seg[SEG_CS], sp = c->r[REG_SP].w[0];
	uint32_t ip = c->ip, flags = cpu_get_flags(c);
	if (vm->ended)
		return -EIO;
	if (vm->in_cpu)
		return -EBUSY; /* from a port handler: the CPU is mid-instruction */
	/* Return address: the stub in the ROM. */
	cpu_load_seg(c, SEG_CS, VM_ROM_SEG);
	c->ip = VM_ROM_RETURN_STUB;
	if (is_int) {
		if (cpu_interrupt(c, vector) < 0)
			goto err_restore;
	} else {
		uint32_t ss = c->seg_base[SEG_SS];
		uint16_t nsp = (uint16_t)(sp - 4);
		cpu_poke16(c, ss + (uint16_t)(nsp + 2), VM_ROM_SEG);
		cpu_poke16(c, ss + nsp, VM_ROM_RETURN_STUB);
		c->r[REG_SP].w[0] = nsp;
		cpu_load_seg(c, SEG_CS, seg);
		c->ip = off;
	}
	int rc = run_until_return(vm, sp, max_insns);
	if (rc == -ETIMEDOUT)
		return rc;
	cpu_load_seg(c, SEG_CS, cs);
	c->ip = ip;
	cpu_set_flags(c, (cpu_get_flags(c) & ~(uint32_t)(FLAG_IF | FLAG_TF | FLAG_DF)) |
			       (flags & (FLAG_IF | FLAG_TF | FLAG_DF)));
	return rc;

err_restore:
	cpu_load_seg(c, SEG_CS, cs);
	c->ip = ip;
	c->r[REG_SP].w[0] = sp;
	return -EIO;
}

int vm16_simulate_int(struct vm *vm, uint8_t vector, uint64_t max_insns)
{
	return nested_enter(vm, true, vector, 0, 0, max_insns);
}

int vm16_call_far(struct vm *vm, uint16_t seg, uint16_t off, uint64_t max_insns)
{
	return nested_enter(vm, false, 0, seg, off, max_insns);
}

/* SVC 4: the guest reached the return stub of the innermost nested run. */
void vm_svc_return(struct vm *vm)
{
	vm->nested_return = vm->nested_depth;
}
