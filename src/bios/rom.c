/*
 * rom.c - install the ROM BIOS (bios.asm, embedded at build time) at
 * F000:0000, point the interrupt vector table into it, and fill the BIOS
 * data area (segment 40h) as POST leaves it.
 *
 * The ROM image starts with a table of 256 words: the offset of each
 * vector's handler, FFFFh for "the default IRET" which is at offset 200h,
 * right after the table.
 * BIOS data area fields set here (IBM PC AT Technical Reference, RBIL
 * MEMORY.LST "BIOS data area"): 10h equipment word, 13h memory size (KiB),
 * 6Ch-6Fh ticks since midnight, 70h midnight flag.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bios/bios.h"
#include "common/le.h"
#include "vm/vm_internal.h"

extern const uint8_t bios_rom[];
extern const size_t bios_rom_size;

enum { ROM_DEFAULT_IRET = 0x200, ROM_QUIET_WAIT = 0x214, TICKS_PER_DAY = 0x1800B0 };

/* What n runs of the ROM's INT 08h do (bios.asm int08), for the deep
 * sleep of src/vm/quiet.c: n ticks more in 40:6Ch, wrapped at midnight
 * with the flag in 40:70h (RBIL INT 08h, INT 1A/AH=00h). Its INT 1Ch is
 * the ROM's IRET then, and the EOI left nothing behind. */
static void fold_ticks(struct vm *vm, uint64_t n)
{
	uint8_t *bda = vm->ram + 0x400;
	uint64_t ticks = (uint64_t)get16(bda + 0x6C) | (uint64_t)get16(bda + 0x6E) << 16;
	ticks += n;
	if (ticks >= TICKS_PER_DAY) {
		ticks %= TICKS_PER_DAY;
		bda[0x70] = 1;
	}
	put16(bda + 0x6C, (uint16_t)ticks);
	put16(bda + 0x6E, (uint16_t)(ticks >> 16));
	cpu_mem_written(&vm->cpu, 0x46C, 5);
}

/* The deep sleep's part of the ROM: its key wait, and the tick's handlers
 * (INT 08h counts, INT 1Ch is a plain IRET) as they must stay. */
static void quiet_install(struct vm *vm, const uint8_t *rom)
{
	uint16_t wait = get16(rom + ROM_QUIET_WAIT);
	uint16_t int08 = get16(rom + 2 * 0x08), int1c = get16(rom + 2 * 0x1C);
	/* Fixed sizes of vm->quiet: these three always fit. */
	(void)vm_quiet_add_wait(vm, VM_ROM_SEG, wait);
	(void)vm_quiet_add_vector(vm, 0x08, VM_ROM_SEG, int08, fold_ticks);
	(void)vm_quiet_add_vector(vm, 0x1C, VM_ROM_SEG, int1c == 0xFFFF ? ROM_DEFAULT_IRET : int1c, NULL);
}

/* SVC 13h: the ROM met a function it does not provide (F4 13 EC vv with
 * vv the interrupt, AH the function): log it once per interrupt and
 * function, and go on (the ROM then returns the documented failure). */
static int unsupported_svc(struct vm *vm, void *ctx, uint8_t n)
{
	(void)ctx;
	(void)n;
	struct cpu *c = &vm->cpu;
	uint8_t vector = cpu_peek8(c, c->seg_base[SEG_CS] + c->ip), ah = c->r[REG_AX].b[1];
	c->ip = (c->ip + 1) & 0xFFFF;
	unsigned bit = (vector == 0x16 ? 0 : 256) + ah;
	if (!(vm->bios_unsupported[bit / 32] & (1u << (bit % 32)))) {
		vm->bios_unsupported[bit / 32] |= 1u << (bit % 32);
		vm16_log(vm, VM16_LOG_BIOS, "INT %02Xh AH=%02Xh is not supported", vector, ah);
	}
	return 0;
}

/* SVC_RESET: the POST found no shutdown code to resume from. */
static int reset_svc(struct vm *vm, void *ctx, uint8_t n)
{
	(void)ctx;
	(void)n;
	vm_reset_unresumed(vm);
	return 0;
}

unsigned bios_rom_pages(void)
{
	return (unsigned)((bios_rom_size + CPU_PAGE_SIZE - 1) / CPU_PAGE_SIZE);
}

bool bios_display_is_mono(const struct vm *vm)
{
	/* VIDEO_MODE_RESTRICTION=MONO (index 2) or VIDEO_ADAPTER=MDA (3) or
	 * HERCULES (4). */
	return !vm->cfg.use_video || vdd_property(vm, "VIDEO_MODE_RESTRICTION") == 2 ||
	       vdd_property(vm, "VIDEO_ADAPTER") >= 3;
}

/* The ROM's pages as the image has them, read-only: one copy in the
 * library for every VM (bios_rom is page aligned, bin2c.py), as the VGA
 * fonts are (vdd_vga.c; the CPU never writes a page mapped without write
 * access, and host writes to it are dropped, as a real ROM drops them).
 * A VM then neither copies the 64 KiB nor holds them resident: 14 of the
 * 16 pages are FFh filler. [from, to) of F0000-FFFFF, at guest address
 * base and at its alias at the top of the address space. */
static int map_rom_pages(struct vm *vm, uint32_t from, uint32_t to)
{
	uint8_t *host = (uint8_t *)(uintptr_t)(bios_rom + (from - VM_ROM_BASE));
	int rc = vdd_map_memory(vm, "ROM BIOS", from, to - from, host, false);
	if (rc == 0)
		rc = cpu_map_ram(&vm->cpu, vm_rom_alias(vm) + (from - VM_ROM_BASE), to - from, host, false);
	return rc;
}

/* Map the ROM: F0000-FFFFF (the reset vector is at its end) but for the
 * VDDs' guest code page, which the monitor mapped (VM_STUB_BASE). Returns
 * the ROM's bytes as the guest sees them (their host copy). */
static const uint8_t *map_rom(struct vm *vm, int *rc)
{
	uint32_t end = VM_ROM_BASE + bios_rom_pages() * CPU_PAGE_SIZE;
	if (bios_rom_size == 0x10000 && ((uintptr_t)bios_rom & (CPU_PAGE_SIZE - 1)) == 0) {
		*rc = map_rom_pages(vm, VM_ROM_BASE, VM_STUB_BASE);
		if (*rc == 0)
			*rc = map_rom_pages(vm, VM_STUB_BASE + CPU_PAGE_SIZE, end);
		return bios_rom;
	}
	/* Another size: a copy in the VM's RAM, padded with FFh. */
	*rc = vm_map_ram_owned(vm, "ROM BIOS", VM_ROM_BASE, VM_STUB_BASE - VM_ROM_BASE, false);
	if (*rc == 0 && end > VM_STUB_BASE + CPU_PAGE_SIZE)
		*rc = vm_map_ram_owned(vm, "ROM BIOS", VM_STUB_BASE + CPU_PAGE_SIZE, end - VM_STUB_BASE - CPU_PAGE_SIZE,
				       false);
	if (*rc < 0)
		return NULL;
	uint8_t *rom = vm->ram + VM_ROM_BASE;
	size_t below_stub = bios_rom_size < VM_STUB_BASE - VM_ROM_BASE ? bios_rom_size : VM_STUB_BASE - VM_ROM_BASE;
	memcpy(rom, bios_rom, below_stub);
	memset(rom + below_stub, 0xFF, VM_STUB_BASE - VM_ROM_BASE - below_stub); /* (the image fills it) */
	if (bios_rom_size > VM_STUB_BASE + CPU_PAGE_SIZE - VM_ROM_BASE)
		memcpy(rom + (VM_STUB_BASE + CPU_PAGE_SIZE - VM_ROM_BASE),
		       bios_rom + (VM_STUB_BASE + CPU_PAGE_SIZE - VM_ROM_BASE),
		       bios_rom_size - (VM_STUB_BASE + CPU_PAGE_SIZE - VM_ROM_BASE));
	return rom;
}

int bios_install(struct vm *vm)
{
	int rc;
	const uint8_t *rom = map_rom(vm, &rc);
	if (rc < 0)
		return rc;
	for (unsigned v = 0; v < 256; v++) {
		uint16_t off = (uint16_t)(rom[2 * v] | (rom[2 * v + 1] << 8));
		put16(vm->ram + 4 * v, off == 0xFFFF ? ROM_DEFAULT_IRET : off);
		put16(vm->ram + 4 * v + 2, VM_ROM_SEG);
	}
	uint8_t *bda = vm->ram + 0x400;
	/* Equipment: initial video mode 80x25 colour (bits 5-4 = 10b) or
	 * monochrome (11b); no floppy drives; bit 1: a math coprocessor. */
	put16(bda + 0x10, (uint16_t)((bios_display_is_mono(vm) ? 0x0030 : 0x0020) | (vm->cpu.fpu ? 0x0002 : 0)));
	put16(bda + 0x13, (uint16_t)(vm->cfg.mem_4k * 4));
	/* Ticks since midnight of the VM's start time (18.2065 Hz: 1193182/65536). */
	uint64_t secs = (uint64_t)(vm->start_time % 86400 + 86400) % 86400;
	uint32_t ticks = (uint32_t)(secs * 1193182u / 65536u);
	put16(bda + 0x6C, (uint16_t)ticks);
	put16(bda + 0x6E, (uint16_t)(ticks >> 16));
	bda[0x70] = 0;
	cpu_mem_written(&vm->cpu, 0, 0x1000);
	cpu_mem_written(&vm->cpu, VM_ROM_BASE, 0x10000);
	vm_set_svc_internal(vm, BIOS_SVC_UNSUPPORTED, unsupported_svc, NULL);
	quiet_install(vm, rom);
	vm_set_svc_internal(vm, BIOS_SVC_RESET, reset_svc, NULL);
	bios_int10_install(vm);
	bios_keyboard_install(vm);
	bios_int15_install(vm);
	return 0;
}

int bios_post(struct vm *vm)
{
	/* Num Lock state in the BIOS shift flags (40:17h bit 5). */
	if (vdd_property(vm, "KBD_NUMLOCK"))
		vm->ram[0x417] |= 0x20;
	return 0;
}
