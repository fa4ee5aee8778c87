/*
 * vdd_vga.c - the video card as a VDD, on the public VDD API only: the
 * registers at 3B0h-3BFh and 3C0h-3DFh (vga_ports.c), video memory behind
 * the window A0000h-BFFFFh (vga_mem.c) and the VBE linear frame buffer at
 * VBE_LFB_BASE, its option ROM at C000:0000 with INT 10h (vgabios.c), and
 * the VM's display (vm16_screen, vm16_frame, vm16_teletype). Only with
 * use_video. Its POST (create_done) sets the first mode, as a card's ROM
 * does when the system BIOS calls it.
 *
 * Settings: VIDEO_ADAPTER (vga, ega, cga, mda: the modes, ports and BIOS
 * functions the card has), VIDEO_ROWS (25 or 50 at start),
 * VIDEO_MODE_RESTRICTION (text modes 0-3 or 7 only).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "dev/vga.h"
#include "dev/vgabios.h"
#include "mvdm/vdd.h"

/* VIDEO_MODE_RESTRICTION's choices: NONE, COLOR, MONO. */
static const char *const restriction_choices[] = { "NONE", "COLOR", "MONO", NULL };
static const char *const adapter_choices[] = { "VGA", "EGA", "CGA", "MDA", "HERCULES", NULL };
enum { RESTRICT_NONE, RESTRICT_COLOR, RESTRICT_MONO };
enum { VRAM_VGA = 4u << 20, VRAM_EGA = VGA_PLANES_SIZE };

static const struct vdd_property vga_props[] = {
	{ .name = "VIDEO_ROWS", .type = VDD_PROP_INT, .def = 25, .min = 25, .max = 50, .step = 25,
	  .help = "text rows at start: 25 (8x16 font) or 50 (8x8 font)" },
	{ .name = "VIDEO_MODE_RESTRICTION", .type = VDD_PROP_CHOICE, .def = RESTRICT_NONE,
	  .choices = restriction_choices,
	  .help = "video modes allowed: NONE (all), COLOR (text modes 0-3), MONO (mode 7 only)" },
	{ .name = "VIDEO_ADAPTER", .type = VDD_PROP_CHOICE, .def = VGA_ADAPTER_VGA, .choices = adapter_choices,
	  .help = "the video card: VGA (with VESA VBE 2.0), EGA, CGA, MDA or HERCULES (modes, ports and BIOS as that card)" },
};

static uint32_t port_read(void *inst, uint16_t port, unsigned size)
{
	(void)size;
	return vga_port_in(inst, port);
}

static void port_write(void *inst, uint16_t port, unsigned size, uint32_t val)
{
	(void)size;
	vga_port_out(inst, port, (uint8_t)val);
}

/* 1CEh-1CFh, 16 bits (1D0h only completes a word access at 1CFh). */
static uint32_t dispi_read(void *inst, uint16_t port, unsigned size)
{
	(void)size;
	return port == 0x1D0 ? 0xFF : vga_dispi_read(inst, port);
}

static void dispi_write(void *inst, uint16_t port, unsigned size, uint32_t val)
{
	if (port == 0x1D0)
		return;
	struct vga *v = inst;
	/* A byte write sets the low byte (the high one stays). */
	uint16_t old = vga_dispi_read(v, port);
	vga_dispi_write(v, port, size == 1 ? (uint16_t)((old & 0xFF00) | (val & 0xFF)) : (uint16_t)val);
}

static uint8_t mem_read(void *inst, uint32_t addr)
{
	return vga_mem_read(inst, addr);
}

static void mem_write(void *inst, uint32_t addr, uint8_t val)
{
	vga_mem_write(inst, addr, val);
}

/* The linear frame buffer: vram from offset 0. */
static uint8_t lfb_read(void *inst, uint32_t addr)
{
	struct vga *v = inst;
	return v->vram[(addr - VBE_LFB_BASE) % v->vram_size];
}

static void lfb_write(void *inst, uint32_t addr, uint8_t val)
{
	struct vga *v = inst;
	v->vram[(addr - VBE_LFB_BASE) % v->vram_size] = val;
	v->dirty = true;
}

static int display_text(void *inst, struct vm16_screen *s)
{
	return vgabios_text_screen(inst, s);
}

static int display_frame(void *inst, struct vm16_frame *f, uint64_t since)
{
	struct vga *v = inst;
	int rc = vga_frame(v, f, since);
	if (rc == 0)
		f->mode = v->lin.on ? 0xFF : vgabios_bda8(v, 0x49) & 0x7F;
	return rc;
}

static void display_teletype(void *inst, uint8_t ch)
{
	vgabios_teletype(inst, ch);
}

static void vga_free(struct vga *v)
{
	if (!v)
		return;
	if (v->vram)
		munmap(v->vram, v->vram_size);
	free(v->rom);
	free(v->frame);
	free(v);
}

static int vga_create(struct vm *vm, void **inst)
{
	struct vdd_machine m;
	vdd_machine(vm, &m);
	if (!m.display) {
		*inst = NULL;
		return 0;
	}
	struct vga *v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->vm = vm;
	v->adapter = (enum vga_adapter)vdd_property(vm, "VIDEO_ADAPTER");
	if (vdd_property(vm, "VIDEO_MODE_RESTRICTION") == RESTRICT_MONO)
		v->adapter = VGA_ADAPTER_MDA;
	v->restrict_color = vdd_property(vm, "VIDEO_MODE_RESTRICTION") == RESTRICT_COLOR;
	v->vram_size = v->adapter == VGA_ADAPTER_VGA ? VRAM_VGA : VRAM_EGA;
	v->vram = mmap(NULL, v->vram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	v->rom = calloc(1, VGABIOS_ROM_PAGE);
	int rc = -ENOMEM;
	if (v->vram == MAP_FAILED) {
		v->vram = NULL;
		goto err;
	}
	if (!v->rom)
		goto err;
	v->pel_mask = 0xFF;
	rc = vdd_claim_ports(vm, "vga", 0x3B0, 0x3BF, v, port_read, port_write);
	if (rc == 0)
		rc = vdd_claim_ports(vm, "vga", 0x3C0, 0x3DF, v, port_read, port_write);
	if (rc == 0)
		rc = vdd_claim_memory(vm, "vga", 0xA0000, 0x20000, v, mem_read, mem_write);
	if (rc == 0)
		rc = vdd_map_memory(vm, "vga bios", VGABIOS_ROM_BASE, VGABIOS_ROM_PAGE, v->rom, false);
	/* The font pages: one copy in the library, read-only, for every VM
	 * (the CPU never writes a page mapped without write access). */
	if (rc == 0)
		rc = vdd_map_memory(vm, "vga bios fonts", VGABIOS_ROM_BASE + VGABIOS_ROM_PAGE, VGABIOS_FONT_PAGES,
				    (uint8_t *)(uintptr_t)vga_rom_fonts, false);
	if (rc == 0 && v->adapter == VGA_ADAPTER_VGA)
		rc = vdd_claim_ports_wide(vm, "vga vbe", 0x1CE, 0x1D0, 2, v, dispi_read, dispi_write);
	if (rc == 0 && v->adapter == VGA_ADAPTER_VGA)
		rc = vdd_claim_memory(vm, "vga lfb", VBE_LFB_BASE, v->vram_size, v, lfb_read, lfb_write);
	if (rc < 0)
		goto err;
	*inst = v;
	return 0;
err:
	vga_free(v);
	return rc;
}

/* POST: the ROM, INT 10h, the first mode (3, or 7 on a monochrome card)
 * with 50 rows when VIDEO_ROWS says so; then the VM's display. */
static int vga_create_done(struct vm *vm, void *inst)
{
	struct vga *v = inst;
	if (!v)
		return 0;
	int rc = vgabios_init(v);
	if (rc < 0)
		return rc;
	vgabios_set_mode(v, vga_mono_card(v) ? 0x07 : 0x03);
	if (vdd_property(vm, "VIDEO_ROWS") == 50)
		vgabios_set_rows(v, 50);
	struct vdd_display d = { v, display_text, display_frame, display_teletype };
	vdd_set_display(vm, &d);
	return 0;
}

static void vga_terminate(struct vm *vm, void *inst)
{
	(void)vm;
	vga_free(inst);
}

const struct vdd_ops vdd_vga_ops = {
	.abi = MVDM_VDD_ABI,
	.name = "vga",
	.props = vga_props,
	.nprops = sizeof(vga_props) / sizeof(vga_props[0]),
	.create = vga_create,
	.create_done = vga_create_done,
	.terminate = vga_terminate,
};
