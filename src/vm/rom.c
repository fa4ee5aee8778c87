/*
 * rom.c - the VM's ROM at F000:0000 and the interrupt vector table that
 * points into it, as a PC BIOS leaves them for the parts built so far:
 *   F000:0000  IRET                        every vector without a handler
 *   F000:0010  EOI to the master PIC; IRET hardware IRQ 0-7 (INT 08h-0Fh)
 *   F000:0020  EOI to both PICs; IRET      hardware IRQ 8-15 (INT 70h-77h)
 *   F000:0100  F4 03 FC vv per exception   faults nothing handles end the VM
 *              vv (divide error, invalid opcode, coprocessor not available)
 * Sources: IBM PC AT Technical Reference (vector assignments), RBIL INT 08h,
 * INT 70h (EOI 20h to ports 20h/A0h).
 */
#include <string.h>

#include "vm/vm_internal.h"

enum { ROM_IRET = 0x0000, ROM_IRQ_MASTER = 0x0010, ROM_IRQ_SLAVE = 0x0020, ROM_UNHANDLED = 0x0100 };

static const uint8_t irq_master[] = { 0x50, 0xB0, 0x20, 0xE6, 0x20, 0x58, 0xCF };
static const uint8_t irq_slave[] = { 0x50, 0xB0, 0x20, 0xE6, 0xA0, 0xE6, 0x20, 0x58, 0xCF };

static void set_vector(uint8_t *ram, unsigned v, uint16_t off)
{
	ram[v * 4] = (uint8_t)off;
	ram[v * 4 + 1] = (uint8_t)(off >> 8);
	ram[v * 4 + 2] = (uint8_t)VM_ROM_SEG;
	ram[v * 4 + 3] = (uint8_t)(VM_ROM_SEG >> 8);
}

void vm_rom_build(struct vm *vm)
{
	uint8_t *rom = vm->ram + VM_ROM_BASE;
	memset(rom, 0xFF, 0x10000);
	rom[ROM_IRET] = 0xCF;
	memcpy(rom + ROM_IRQ_MASTER, irq_master, sizeof(irq_master));
	memcpy(rom + ROM_IRQ_SLAVE, irq_slave, sizeof(irq_slave));
	for (unsigned v = 0; v < 256; v++)
		set_vector(vm->ram, v, ROM_IRET);
	for (unsigned v = 0x08; v <= 0x0F; v++)
		set_vector(vm->ram, v, ROM_IRQ_MASTER);
	for (unsigned v = 0x70; v <= 0x77; v++)
		set_vector(vm->ram, v, ROM_IRQ_SLAVE);
	static const uint8_t fatal[] = { 0x00, 0x06, 0x07 };
	for (size_t k = 0; k < sizeof(fatal); k++) {
		uint16_t off = (uint16_t)(ROM_UNHANDLED + 8 * fatal[k]);
		rom[off] = 0xF4;
		rom[off + 1] = VM_SVC_UNHANDLED;
		rom[off + 2] = (uint8_t)~VM_SVC_UNHANDLED;
		rom[off + 3] = fatal[k];
		set_vector(vm->ram, fatal[k], off);
	}
	cpu_mem_written(&vm->cpu, 0, VM_RAM_SIZE);
}
