/*
 * int15.c - INT 15h system services in the host (the ROM answers AH=4Fh,
 * the keyboard intercept, itself). RBIL INT 15h:
 *   AH=86h  wait CX:DX microseconds: the virtual clock moves on (devices see
 *           the time pass); CF clear.
 *   AH=88h  contiguous KiB of extended memory from 1 MiB (at most FFFFh):
 *           0 on the 8086/186, and while the XMS driver owns extended
 *           memory (as HIMEM's hook answers); else the HMA and the free
 *           memory right above it (src/mem/extmem.c); CF clear.
 *   AH=C0h  system configuration: ES:BX -> the table in the ROM (AT, model
 *           FCh), AH=0, CF clear.
 *   others  AH=86h (unsupported), CF set; logged once.
 */
#include <stdio.h>

#include "bios/bios.h"
#include "vm/vm_internal.h"

/* The ROM's configuration table (bios.asm `sysconf`) is at this offset. */
enum { ROM_SYSCONF = 0x208 };

static void set_cf(struct vm *vm, bool cf)
{
	/* The ROM returns with RETF 2: CF goes straight to the caller. */
	uint32_t f = cpu_get_flags(&vm->cpu);
	cpu_set_flags(&vm->cpu, cf ? f | FLAG_CF : f & ~(uint32_t)FLAG_CF);
}

static int int15_svc(struct vm *vm, void *ctx, uint8_t n)
{
	(void)ctx;
	(void)n;
	struct cpu *c = &vm->cpu;
	switch (c->r[REG_AX].b[1]) {
	case 0x86: {
		uint64_t us = ((uint64_t)c->r[REG_CX].w[0] << 16) | c->r[REG_DX].w[0];
		vm16_pass_time(vm, us * 1000);
		set_cf(vm, false);
		break;
	}
	case 0x88:
		c->r[REG_AX].w[0] = mem_int15_kb(vm);
		set_cf(vm, false);
		break;
	case 0xC0:
		cpu_load_seg(c, SEG_ES, VM_ROM_SEG);
		c->r[REG_BX].w[0] = ROM_SYSCONF;
		c->r[REG_AX].b[1] = 0;
		set_cf(vm, false);
		break;
	default:
		if (!(vm->bios_logged & 2)) {
			vm->bios_logged |= 2;
			vm16_log(vm, VM16_LOG_BIOS, "INT 15h AH=%02Xh is not supported", c->r[REG_AX].b[1]);
		}
		c->r[REG_AX].b[1] = 0x86;
		set_cf(vm, true);
		break;
	}
	return 0;
}

void bios_int15_install(struct vm *vm)
{
	vm_set_svc_internal(vm, BIOS_SVC_INT15, int15_svc, NULL);
}
