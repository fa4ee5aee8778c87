/*
 * fpu_link.c - the monitor's side of the numeric coprocessor: the FPU
 * error output of the CPU goes to the hook the board set (the AT's IRQ 13
 * latch, src/dev/vdd_fpu.c), and the coprocessor reset of port F1h comes
 * back to the CPU (docs/x87.md).
 */
#include "vm/vm_internal.h"

void vm_fpu_error(void *ctx, bool asserted)
{
	struct vm *vm = ctx;
	if (vm->fpu_error_fn)
		vm->fpu_error_fn(vm->fpu_error_inst, asserted);
}

void vdd_set_fpu_error_hook(struct vm *vm, void (*fn)(void *inst, bool asserted), void *inst)
{
	vm->fpu_error_fn = fn;
	vm->fpu_error_inst = inst;
}

void vdd_fpu_reset(struct vm *vm)
{
	if (vm->cpu.fpu != CPU_FPU_NONE)
		cpu_fpu_init(&vm->cpu);
}
