/*
 * reset.c - processor resets as on an AT: a triple fault (CPU_EXIT_SHUTDOWN),
 * the 8042's reset line (command FEh) and port 92h bit 0 reset the CPU
 * alone -- memory, devices and the A20 gate keep their state. The CPU
 * starts at F000:FFF0 in the ROM, whose POST reads the CMOS shutdown code
 * and resumes the guest (codes 5, 9, 0Ah: src/bios/bios.asm) or asks the
 * monitor to end the VM (SVC_RESET: vm_reset_unresumed()), which then says
 * why the machine was reset. This is how 286 programs return from
 * protected mode.
 */
#include <string.h>

#include "vm/vm_internal.h"

void vm_cpu_controls(struct vm *vm)
{
	vm->cpu.trap_mask |= CPU_TRAP_V86_HLT;
	/* A host's ring-3 stubs (pmsvc.c): #GP comes to the monitor first. */
	if (vm->pm_svc_size)
		vm->cpu.exception_exit_mask |= 1u << VM_EXC_GP;
	else
		vm->cpu.exception_exit_mask &= ~(1u << VM_EXC_GP);
	vm_update_int_trap(vm);
}

void vm_reset_cpu(struct vm *vm, const char *why, bool fault)
{
	snprintf(vm->reset_why, sizeof(vm->reset_why), "%s", why);
	vm->reset_fault = fault;
	cpu_reset(&vm->cpu);
	vm_cpu_controls(vm);
	vm_update_intr(vm);
}

void vdd_reset_machine(struct vm *vm, const char *why)
{
	if (!vm->in_cpu) {
		vm_reset_cpu(vm, why, false);
		return;
	}
	snprintf(vm->reset_why, sizeof(vm->reset_why), "%s", why);
	vm->reset_fault = false;
	vm->reset_pending = true;
	cpu_request_stop(&vm->cpu);
}

void vm_reset_unresumed(struct vm *vm)
{
	snprintf(vm->error, sizeof(vm->error), "%s", vm->reset_why[0] ? vm->reset_why : "the machine was reset");
	if (vm->reset_fault) {
		vm->ended = VM16_STOP_FAULT;
	} else {
		vm->exit_code = 0;
		vm->ended = VM16_STOP_EXIT;
	}
}
