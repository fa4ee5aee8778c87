/*
 * a20.c - the A20 gate of a VM: one monitor-level state that every source
 * sets when it changes the line (the 8042's output port, port 92h, the
 * XMS A20 functions); the CPU masks address bit 20 while it is off and the
 * host's accesses (memmap.c) wrap the same way. IBM PC AT Technical
 * Reference (8042 output port bit 1); XMS 3.0 functions 03h-07h.
 */
#include "vm/vm_internal.h"

void vdd_set_a20(struct vm *vm, bool enabled)
{
	if (vm->cfg.cpu < VM16_CPU_80286 || vm->a20 == enabled)
		return;
	vm->a20 = enabled;
	cpu_set_a20(&vm->cpu, enabled);
}

bool vdd_a20(const struct vm *vm)
{
	return vm->a20;
}
