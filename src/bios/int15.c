/*
 * int15.c - INT 15h system services in the host (the ROM answers AH=4Fh,
 * the keyboard intercept, itself). RBIL INT 15h:
 *   AH=86h  wait CX:DX microseconds: the virtual clock moves on (devices see
 *           the time pass); CF clear.
 *   AH=87h  move CX words between the physical addresses of the source and
 *           destination descriptors (at +10h and +18h) of the GDT at ES:SI
 *           (24-bit bases, and byte 7 as 386 BIOSes read it): AH=0, CF
 *           clear; CX above 8000h is AH=01h with CF set. Memory that is
 *           not there reads FFh.
 *   AH=88h  contiguous KiB of extended memory from 1 MiB (at most FFFFh):
 *           0 on the 8086/186, and while the XMS driver owns extended
 *           memory (as HIMEM's hook answers); else the HMA and the free
 *           memory right above it (src/mem/extmem.c); CF clear.
 *   AX=E801h  memory between 1 and 16 MiB in KiB (AX, CX; at most 3C00h)
 *           and above 16 MiB in 64 KiB blocks (BX, DX); E881h the same in
 *           the 32-bit registers. CF clear. (Like E820h it describes the
 *           machine's memory, not what XMS has given out, as on a PC.)
 *   AX=E820h  the system memory map, one 20-byte entry (base, length,
 *           type: 1 RAM, 2 reserved) per call at ES:DI: EBX the
 *           continuation (0 for the first, 0 after the last), EDX 'SMAP'
 *           in, EAX 'SMAP' and ECX 20 out, CF clear; CF set when EDX or
 *           ECX are wrong.
 *   AH=C0h  system configuration: ES:BX -> the table in the ROM (AT, model
 *           FCh), AH=0, CF clear.
 *   AH=C2h  the PS/2 pointing device BIOS (RBIL INT 15/AX=C200h-C207h):
 *           00h enable/disable (BH), 01h reset (BH = ID, BL = AAh), 02h
 *           sample rate, 03h resolution, 04h type (BH), 05h initialise
 *           (BH = packet size), 06h status/scaling, 07h the far handler
 *           ES:BX. The mouse is talked to through the 8042 (command D4h)
 *           with IRQ 12 held off; its packets then reach the handler
 *           through IRQ 12 (bios.asm int74). AH = 0 and CF clear, or
 *           AH = 01h invalid function, 02h invalid input, 03h interface
 *           error, 05h no handler installed, with CF set.
 *   others  AH=86h (unsupported), CF set; logged once.
 * All agree with the VM's memory: mem_4k of conventional memory, the
 * ROM, ext_kb above 1 MiB (the HMA included), the ROM's alias at the top.
 */
#include <stdio.h>
#include <string.h>

#include "bios/bios.h"
#include "common/le.h"
#include "vm/vm_internal.h"

/* The ROM's configuration table (bios.asm `sysconf`) is at this offset. */
enum { ROM_SYSCONF = 0x208 };

static void set_cf(struct vm *vm, bool cf)
{
	/* The ROM returns with RETF 2: CF goes straight to the caller. */
	uint32_t f = cpu_get_flags(&vm->cpu);
	cpu_set_flags(&vm->cpu, cf ? f | FLAG_CF : f & ~(uint32_t)FLAG_CF);
}

/* Physical memory as the block move sees it: RAM, or a device's page. */
static uint8_t phys_read(struct vm *vm, uint32_t a)
{
	if (a < VM_RAM_SIZE)
		return vm->page_owner[a >> CPU_PAGE_SHIFT] && vm->mem_owners[vm->page_owner[a >> CPU_PAGE_SHIFT] - 1].read
			       ? vm_mem_read8(vm, a)
			       : vm->ram[a];
	return a < vm->ram_size ? vm->ram[a] : 0xFF;
}

static void phys_write(struct vm *vm, uint32_t a, uint8_t v)
{
	if (a < VM_RAM_SIZE && vm->page_owner[a >> CPU_PAGE_SHIFT] &&
	    vm->mem_owners[vm->page_owner[a >> CPU_PAGE_SHIFT] - 1].write) {
		vm_mem_write8(vm, a, v);
		return;
	}
	if (a < vm->ram_size) {
		vm->ram[a] = v;
		cpu_mem_written(&vm->cpu, a, 1);
	}
}

/* The base of the descriptor at lin: bytes 2-4 and 7. */
static uint32_t desc_base(struct vm *vm, uint32_t lin)
{
	uint8_t d[8];
	for (unsigned k = 0; k < 8; k++)
		d[k] = cpu_peek8(&vm->cpu, lin + k);
	return d[2] | (uint32_t)d[3] << 8 | (uint32_t)d[4] << 16 | (uint32_t)d[7] << 24;
}

static void block_move(struct vm *vm)
{
	struct cpu *c = &vm->cpu;
	uint32_t words = c->r[REG_CX].w[0];
	if (words > 0x8000) {
		c->r[REG_AX].b[1] = 0x01;
		set_cf(vm, true);
		return;
	}
	uint32_t gdt = c->seg_base[SEG_ES] + c->r[REG_SI].w[0];
	uint32_t src = desc_base(vm, gdt + 0x10), dst = desc_base(vm, gdt + 0x18);
	for (uint32_t k = 0; k < words * 2; k++)
		phys_write(vm, dst + k, phys_read(vm, src + k));
	c->r[REG_AX].b[1] = 0;
	set_cf(vm, false);
}

/* The memory map E820h reports. */
struct e820 {
	uint64_t base, len;
	uint32_t type;
};

static unsigned memory_map(const struct vm *vm, struct e820 *m)
{
	unsigned n = 0;
	uint32_t conv = vm->cfg.mem_4k * CPU_PAGE_SIZE;
	m[n++] = (struct e820){ 0, conv, 1 };
	if (conv < 0xA0000)
		m[n++] = (struct e820){ conv, 0xA0000 - conv, 2 };
	m[n++] = (struct e820){ VM_ROM_BASE, 0x10000, 2 };
	if (vm->cfg.ext_kb)
		m[n++] = (struct e820){ 0x100000, (uint64_t)vm->cfg.ext_kb * 1024, 1 };
	if (vm->cfg.cpu >= VM16_CPU_80286)
		m[n++] = (struct e820){ vm_rom_alias(vm), 0x10000, 2 };
	return n;
}

static void e820(struct vm *vm)
{
	struct cpu *c = &vm->cpu;
	struct e820 map[8];
	unsigned n = memory_map(vm, map), k = c->r[REG_BX].d;
	if (c->r[REG_DX].d != 0x534D4150u || c->r[REG_CX].d < 20 || k >= n) {
		c->r[REG_AX].b[1] = 0x86;
		set_cf(vm, true);
		return;
	}
	uint8_t e[20];
	memcpy(e, &map[k].base, 8);
	memcpy(e + 8, &map[k].len, 8);
	memcpy(e + 16, &map[k].type, 4);
	uint32_t at = c->seg_base[SEG_ES] + c->r[REG_DI].w[0];
	for (unsigned b = 0; b < 20; b++)
		cpu_poke8(c, at + b, e[b]);
	c->r[REG_AX].d = 0x534D4150u;
	c->r[REG_CX].d = 20;
	c->r[REG_BX].d = k + 1 < n ? k + 1 : 0;
	set_cf(vm, false);
}

/* The BIOS's mouse data in the BIOS data area (bios.asm int74 uses it). */
enum { MOUSE_HANDLER = 0xE0, MOUSE_FLAGS = 0xE4, MOUSE_IDX = 0xE5, MOUSE_SIZE = 0xE9 };
enum { MOUSE_ENABLED = 0x80, MOUSE_INSTALLED = 0x01 };

static uint8_t port_in(struct vm *vm, uint16_t port)
{
	return (uint8_t)vm_io_read(vm, port, 1);
}

static void port_out(struct vm *vm, uint16_t port, uint8_t v)
{
	vm_io_write(vm, port, 1, v);
}

/* One byte from the aux device, waiting (virtual time) up to 20 ms. */
static int aux_byte(struct vm *vm)
{
	for (int k = 0; k < 20; k++) {
		uint8_t st = port_in(vm, 0x64);
		if ((st & 0x21) == 0x21)
			return port_in(vm, 0x60);
		if (st & 0x01)
			(void)port_in(vm, 0x60); /* a key in the way: dropped, as a BIOS polling here would */
		vm16_pass_time(vm, 1000000);
	}
	return -1;
}

/* Send a byte to the mouse and take its answer (FAh), plus `more` bytes into out. */
static int aux_command(struct vm *vm, uint8_t cmd, uint8_t *out, int more)
{
	port_out(vm, 0x64, 0xD4);
	port_out(vm, 0x60, cmd);
	if (aux_byte(vm) != 0xFA)
		return -1;
	for (int k = 0; k < more; k++) {
		int b = aux_byte(vm);
		if (b < 0)
			return -1;
		out[k] = (uint8_t)b;
	}
	return 0;
}

static int ps2_bios(struct vm *vm, struct cpu *c)
{
	uint8_t al = c->r[REG_AX].b[0], bh = c->r[REG_BX].b[1];
	uint8_t *bda = vm->ram + 0x400;
	/* IRQ 12 off while the BIOS talks to the mouse itself. */
	port_out(vm, 0x64, 0x20);
	uint8_t cb = port_in(vm, 0x60);
	port_out(vm, 0x64, 0x60);
	port_out(vm, 0x60, (uint8_t)(cb & ~0x22u));
	int err = 0;
	uint8_t b[3] = { 0, 0, 0 };
	static const uint8_t rates[7] = { 10, 20, 40, 60, 80, 100, 200 };
	switch (al) {
	case 0x00:
		if (bh > 1)
			err = 2;
		else if (bh == 1 && !(bda[MOUSE_FLAGS] & MOUSE_INSTALLED))
			err = 5;
		else if (aux_command(vm, bh ? 0xF4 : 0xF5, NULL, 0) < 0)
			err = 3;
		else
			bda[MOUSE_FLAGS] = (uint8_t)(bh ? bda[MOUSE_FLAGS] | MOUSE_ENABLED
							: bda[MOUSE_FLAGS] & ~MOUSE_ENABLED);
		break;
	case 0x01:
		if (aux_command(vm, 0xFF, b, 2) < 0) {
			err = 3;
			break;
		}
		bda[MOUSE_FLAGS] &= (uint8_t)~MOUSE_ENABLED;
		bda[MOUSE_IDX] = 0;
		c->r[REG_BX].b[1] = b[1];
		c->r[REG_BX].b[0] = b[0];
		break;
	case 0x02:
		if (bh > 6)
			err = 2;
		else if (aux_command(vm, 0xF3, NULL, 0) < 0 || aux_command(vm, rates[bh], NULL, 0) < 0)
			err = 3;
		break;
	case 0x03:
		if (bh > 3)
			err = 2;
		else if (aux_command(vm, 0xE8, NULL, 0) < 0 || aux_command(vm, bh, NULL, 0) < 0)
			err = 3;
		break;
	case 0x04:
		if (aux_command(vm, 0xF2, b, 1) < 0)
			err = 3;
		else
			c->r[REG_BX].b[1] = b[0];
		break;
	case 0x05:
		if (bh < 1 || bh > 8)
			err = 2;
		else if (aux_command(vm, 0xF6, NULL, 0) < 0)
			err = 3;
		else {
			bda[MOUSE_SIZE] = bh;
			bda[MOUSE_IDX] = 0;
			bda[MOUSE_FLAGS] &= (uint8_t)~MOUSE_ENABLED;
		}
		break;
	case 0x06:
		if (bh == 0) {
			if (aux_command(vm, 0xE9, b, 3) < 0)
				err = 3;
			c->r[REG_BX].b[0] = b[0];
			c->r[REG_CX].b[0] = b[1];
			c->r[REG_DX].b[0] = b[2];
		} else if (bh <= 2) {
			if (aux_command(vm, bh == 1 ? 0xE6 : 0xE7, NULL, 0) < 0)
				err = 3;
		} else {
			err = 2;
		}
		break;
	case 0x07:
		put16(bda + MOUSE_HANDLER, c->r[REG_BX].w[0]);
		put16(bda + MOUSE_HANDLER + 2, c->seg[SEG_ES]);
		bda[MOUSE_FLAGS] = (uint8_t)((c->r[REG_BX].w[0] || c->seg[SEG_ES]) ? bda[MOUSE_FLAGS] | MOUSE_INSTALLED
										  : bda[MOUSE_FLAGS] & ~MOUSE_INSTALLED);
		break;
	default:
		err = 1;
		break;
	}
	cpu_mem_written(&vm->cpu, 0x400, 0x100);
	/* IRQ 12 and the aux interface on again (while the mouse is enabled). */
	port_out(vm, 0x64, 0x60);
	port_out(vm, 0x60, (uint8_t)((cb & ~0x22u) | ((bda[MOUSE_FLAGS] & MOUSE_ENABLED) ? 0x02 : 0)));
	c->r[REG_AX].b[1] = (uint8_t)err;
	return err;
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
	case 0x87:
		block_move(vm);
		break;
	case 0x88:
		c->r[REG_AX].w[0] = mem_int15_kb(vm);
		set_cf(vm, false);
		break;
	case 0xE8:
		if (c->r[REG_AX].b[0] == 0x01 || c->r[REG_AX].b[0] == 0x81) {
			uint32_t low = vm->cfg.ext_kb < 15360 ? vm->cfg.ext_kb : 15360;
			uint32_t high = vm->cfg.ext_kb > 15360 ? (vm->cfg.ext_kb - 15360) / 64 : 0;
			if (c->r[REG_AX].b[0] == 0x81) {
				c->r[REG_AX].d = c->r[REG_CX].d = low;
				c->r[REG_BX].d = c->r[REG_DX].d = high;
			} else {
				c->r[REG_AX].w[0] = c->r[REG_CX].w[0] = (uint16_t)low;
				c->r[REG_BX].w[0] = c->r[REG_DX].w[0] = (uint16_t)high;
			}
			set_cf(vm, false);
			break;
		}
		if (c->r[REG_AX].b[0] == 0x20) {
			e820(vm);
			break;
		}
		goto unsupported;
	case 0xC2:
		set_cf(vm, ps2_bios(vm, c) != 0);
		break;
	case 0xC0:
		cpu_load_seg(c, SEG_ES, VM_ROM_SEG);
		c->r[REG_BX].w[0] = ROM_SYSCONF;
		c->r[REG_AX].b[1] = 0;
		set_cf(vm, false);
		break;
	default:
	unsupported:
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
