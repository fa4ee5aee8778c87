/*
 * vdd_vga.c - VGA text mode as a VDD: maps the video memory (A0000h-BFFFFh,
 * plain RAM read by the host), claims the VGA ports 3B0h-3BFh and
 * 3C0h-3DFh, and keeps the text mode state that INT 10h (bios/int10.c) and
 * the host's screen view (vm16_screen) use. Only with use_video.
 */
#include <errno.h>
#include <stdlib.h>

#include "dev/vga.h"
#include "vm/vm_internal.h"

static uint32_t vga_port_read(void *inst, uint16_t port, unsigned size)
{
	(void)size;
	return vga_read(inst, port);
}

static void vga_port_write(void *inst, uint16_t port, unsigned size, uint32_t v)
{
	vga_write(inst, port, (uint8_t)v);
	if (size == 2) /* OUT DX, AX to an index port writes index then data */
		vga_write(inst, (uint16_t)(port + 1), (uint8_t)(v >> 8));
}

/* VIDEO_MODE_RESTRICTION (indexes VM_VIDEO_RESTRICT_*): the text modes
 * INT 10h AH=00h may set, as on a colour-only or a monochrome-only card
 * (bios/int10.c). MONO starts in mode 7. */
static const char *const restriction_choices[] = { "NONE", "COLOR", "MONO", NULL };

static const struct vdd_property vga_props[] = {
	{ .name = "VIDEO_ROWS", .type = VDD_PROP_INT, .def = 25, .min = 25, .max = 50, .step = 25,
	  .help = "text rows at start: 25 (8x16 font) or 50 (8x8 font)" },
	{ .name = "VIDEO_MODE_RESTRICTION", .type = VDD_PROP_CHOICE, .def = VM_VIDEO_RESTRICT_NONE,
	  .choices = restriction_choices,
	  .help = "video modes allowed: NONE (all), COLOR (text modes 0-3), MONO (mode 7 only)" },
};

static int vga_create(struct vm *vm, void **inst)
{
	int64_t rows = vdd_property(vm, "VIDEO_ROWS");
	if (rows != 25 && rows != 50)
		return vm_fail(vm, -ERANGE, "setting VIDEO_ROWS must be 25 or 50 (got %lld)", (long long)rows);
	if (!vm->cfg.use_video) {
		*inst = NULL;
		return 0;
	}
	struct vga *v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	vga_init(v);
	int rc = vm_map_ram_owned(vm, "vga", 0xA0000, 0x20000, true);
	if (rc == 0)
		rc = vdd_claim_ports(vm, "vga", 0x3B0, 0x3BF, v, vga_port_read, vga_port_write);
	if (rc == 0)
		rc = vdd_claim_ports(vm, "vga", 0x3C0, 0x3DF, v, vga_port_read, vga_port_write);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*inst = v;
	return 0;
}

static int vga_create_done(struct vm *vm, void *inst)
{
	/* POST: mode 3 (7 when restricted to MONO) with a clear screen,
	 * through the BIOS's own routine. */
	if (inst) {
		bool mono = vdd_property(vm, "VIDEO_MODE_RESTRICTION") == VM_VIDEO_RESTRICT_MONO;
		bios_video_set_mode(vm, mono ? 0x07 : 0x03);
		if (vdd_property(vm, "VIDEO_ROWS") == 50)
			bios_video_set_rows(vm, 50);
	}
	return 0;
}

static void vga_terminate(struct vm *vm, void *inst)
{
	(void)vm;
	free(inst);
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
