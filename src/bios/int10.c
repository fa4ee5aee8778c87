/*
 * int10.c - INT 10h of a VM without a display (use_video false): the
 * ROM's entry (F4 10h EFh; IRET) keeps AH=0Eh teletype going to the
 * console tap, so a program's output still reaches the host; every other
 * function does nothing. A video card's ROM (dev/vgabios.c) points the
 * vector at its own INT 10h.
 */
#include "bios/bios.h"
#include "vm/vm_internal.h"

static int int10_svc(struct vm *vm, void *ctx, uint8_t n)
{
	(void)ctx;
	(void)n;
	struct cpu *c = &vm->cpu;
	if (c->r[REG_AX].b[1] == 0x0E)
		vdd_console_out(vm, &c->r[REG_AX].b[0], 1);
	return 0;
}

void bios_int10_install(struct vm *vm)
{
	vm_set_svc_internal(vm, BIOS_SVC_INT10, int10_svc, NULL);
}
