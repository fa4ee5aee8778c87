/*
 * intcap.c - software interrupt capture: hook chains and the host call
 * table. INT n is trapped by the CPU only while some vector is hooked or
 * served in the host; then hooks run newest first (a hook may consume the
 * interrupt, as with Windows' Hook_V86_Int_Chain), and the interrupt goes to
 * the host handler if the capture table says so, else through the guest IVT.
 */
#include <errno.h>
#include <stdio.h>

#include "vm/vm_internal.h"

static bool served_in_host(const struct vm *vm, uint8_t v)
{
	return !(vm->cfg.capture[v / 32] & (1u << (v % 32)));
}

void vm_update_int_trap(struct vm *vm)
{
	bool any = vm->nhooks > 0;
	for (unsigned v = 0; v < 256 && !any; v++)
		any = served_in_host(vm, (uint8_t)v);
	if (any)
		vm->cpu.trap_mask |= CPU_TRAP_INT;
	else
		vm->cpu.trap_mask &= ~(uint32_t)CPU_TRAP_INT;
}

int vm16_set_int_handler(struct vm *vm, uint8_t vector, vm16_int_fn fn, void *ctx)
{
	if (!served_in_host(vm, vector))
		return vm_fail(vm, -EINVAL, "INT %02Xh is reflected to the guest by the capture table", vector);
	vm->int_fn[vector] = fn;
	vm->int_ctx[vector] = ctx;
	return 0;
}

int vm16_hook_int(struct vm *vm, uint8_t vector, vm16_hook_fn fn, void *ctx)
{
	if (vm->nhooks == VM_MAX_HOOKS)
		return vm_fail(vm, -ENOSPC, "too many interrupt hooks (%u)", VM_MAX_HOOKS);
	vm->hooks[vm->nhooks++] = (struct vm_hook){ vector, fn, ctx };
	vm_update_int_trap(vm);
	return 0;
}

int vm16_unhook_int(struct vm *vm, uint8_t vector, vm16_hook_fn fn, void *ctx)
{
	for (unsigned k = vm->nhooks; k-- > 0;) {
		struct vm_hook *h = &vm->hooks[k];
		if (h->vector == vector && h->fn == fn && h->ctx == ctx) {
			for (unsigned j = k; j + 1 < vm->nhooks; j++)
				vm->hooks[j] = vm->hooks[j + 1];
			vm->nhooks--;
			vm_update_int_trap(vm);
			return 0;
		}
	}
	return -ENOENT;
}

/* The CPU stopped before INT n (IP at the INT instruction). */
void vm_int_trapped(struct vm *vm, uint8_t vector)
{
	struct cpu *c = &vm->cpu;
	uint8_t opcode = cpu_peek8(c, c->seg_base[SEG_CS] + c->ip);
	uint32_t next = (c->ip + (opcode == 0xCD ? 2 : 1)) & 0xFFFF;
	/* Hooks see the registers as at the INT, with IP past it. */
	c->ip = next;
	for (unsigned k = vm->nhooks; k-- > 0;) {
		if (vm->hooks[k].vector == vector && vm->hooks[k].fn(vm, vm->hooks[k].ctx, vector))
			return;
	}
	if (served_in_host(vm, vector)) {
		if (!vm->int_fn[vector]) {
			char what[80];
			snprintf(what, sizeof(what), "INT %02Xh is served in the host but has no handler", vector);
			vm_end_fault(vm, what);
			return;
		}
		if (vm->int_fn[vector](vm, vm->int_ctx[vector], vector) != 0 && !vm->ended)
			vm_end_fault(vm, vm->error[0] ? vm->error : "host interrupt service failed");
		return;
	}
	if (cpu_interrupt(c, vector) < 0)
		vm_end_fault(vm, "stack fault while reflecting a software interrupt");
}
