/*
 * svc.c - supervisor calls from guest stubs: `HLT; db n, ~n` (F4 n ~n).
 * In real mode the CPU stops at the HLT with IP past it; a valid pair
 * makes the monitor skip it and call host service n. A HLT not followed by
 * a valid pair is an ordinary HLT (the caller idles the VM).
 * In V86 mode, under the guest's own monitor (EMM386, a DPMI host,
 * Windows), the stubs are still reached: a HLT there would be the guest
 * monitor's #GP(0). The CPU stops before it instead (CPU_TRAP_V86_HLT),
 * and a HLT followed by a valid pair naming a service mvdm or the host
 * serves is our call, as NTVDM recognises its BOP opcode wherever it
 * runs; any other HLT goes to the guest as the #GP(0) the hardware raises.
 * In protected mode HLT is the guest's own, but inside the stub region a
 * host in the monitor registered (pmsvc.c).
 */
#include <errno.h>
#include <stdio.h>

#include "vm/vm_internal.h"

int vm16_set_svc(struct vm *vm, uint8_t n, vm16_svc_fn fn, void *ctx)
{
	if (n < VM_SVC_USER)
		return vm_fail(vm, -EBUSY, "supervisor calls 0-%u are reserved for mvdm (asked for %u)",
			       VM_SVC_USER - 1, n);
	vm->svc_fn[n] = fn;
	vm->svc_ctx[n] = ctx;
	return 0;
}

void vm_set_svc_internal(struct vm *vm, uint8_t n, vm16_svc_fn fn, void *ctx)
{
	vm->svc_fn[n] = fn;
	vm->svc_ctx[n] = ctx;
}

/* Built-in SVC 3: exception vv (the byte after the pair) had no handler. */
static void svc_unhandled(struct vm *vm)
{
	struct cpu *c = &vm->cpu;
	uint8_t vector = cpu_peek8(c, c->seg_base[SEG_CS] + c->ip);
	/* The interrupt frame holds the faulting CS:IP. */
	uint32_t ss = c->seg_base[SEG_SS];
	uint16_t sp = c->r[REG_SP].w[0];
	uint16_t ip = cpu_peek16(c, ss + sp), cs = cpu_peek16(c, ss + (uint16_t)(sp + 2));
	static const char *const names[8] = {
		"divide error", "debug trap", "NMI", "breakpoint", "overflow", "BOUND range exceeded",
		"invalid opcode", "coprocessor not available",
	};
	char what[96];
	snprintf(what, sizeof(what), "%s (INT %02Xh) with no handler, raised", vector < 8 ? names[vector] : "exception",
		 vector);
	cpu_load_seg(c, SEG_CS, cs);
	c->ip = ip;
	vm_end_fault(vm, what);
}

bool vm_svc_dispatch(struct vm *vm)
{
	struct cpu *c = &vm->cpu;
	uint32_t base = c->seg_base[SEG_CS];
	uint8_t n = cpu_peek8(c, base + c->ip), check = cpu_peek8(c, base + ((c->ip + 1) & 0xFFFF));
	if ((uint8_t)(n ^ check) != 0xFF)
		return false;
	c->ip = (c->ip + 2) & 0xFFFF;
	if (n == VM16_SVC_EXIT) {
		vm->exit_code = c->r[REG_AX].b[0];
		vm->ended = VM16_STOP_EXIT;
		return true;
	}
	if (n == VM_SVC_UNHANDLED) {
		svc_unhandled(vm);
		return true;
	}
	if (n == VM_SVC_RETURN) {
		vm_svc_return(vm);
		return true;
	}
	if (n == VM_SVC_IDLE) {
		vm_idle_poll(vm);
		return true;
	}
	if (!vm->svc_fn[n]) {
		char what[64];
		snprintf(what, sizeof(what), "supervisor call %u has no host service", n);
		vm_end_fault(vm, what);
		return true;
	}
	uint64_t t0 = vm_host_ns();
	int rc = vm->svc_fn[n](vm, vm->svc_ctx[n], n);
	vm_charge_host(vm, t0);
	if (rc != 0 && !vm->ended)
		vm_end_fault(vm, vm->error[0] ? vm->error : "host service failed");
	return true;
}

/* A service number somebody answers. */
static bool svc_known(const struct vm *vm, uint8_t n)
{
	return n == VM16_SVC_EXIT || n == VM_SVC_UNHANDLED || n == VM_SVC_RETURN || n == VM_SVC_IDLE ||
	       vm->svc_fn[n] != NULL;
}

void vm_svc_v86(struct vm *vm)
{
	struct cpu *c = &vm->cpu;
	uint32_t base = c->seg_base[SEG_CS];
	uint8_t n = cpu_peek8(c, base + ((c->ip + 1) & 0xFFFF));
	uint8_t check = cpu_peek8(c, base + ((c->ip + 2) & 0xFFFF));
	if ((uint8_t)(n ^ check) == 0xFF && svc_known(vm, n)) {
		c->ip = (c->ip + 1) & 0xFFFF; /* as after a real-mode HLT exit */
		vm_svc_dispatch(vm);
		return;
	}
	c->exit.reason = CPU_EXIT_BUDGET;
	if (!vm_raise(vm, VM_EXC_GP, 0))
		c->exit.reason = CPU_EXIT_SHUTDOWN;
}

bool vm_raise(struct vm *vm, uint8_t vector, uint32_t error)
{
	struct cpu *c = &vm->cpu;
	const uint32_t mask = c->exception_exit_mask;
	c->exception_exit_mask = 0;
	bool ok = cpu_raise(c, vector, error) == 0;
	c->exception_exit_mask = mask;
	return ok;
}
