/*
 * vga_cga.c - the CGA's own registers when the card is a CGA
 * (VIDEO_ADAPTER=cga): the mode control register 3D8h and the colour
 * select register 3D9h (IBM Color/Graphics Monitor Adapter, Technical
 * Reference, "Mode Control Register" and "Color Select Register").
 *
 * The card is modelled as the VGA's register file (vga.h) loaded with the
 * BIOS mode's values; a write to 3D8h or 3D9h is translated into those
 * registers, so programs that set CGA modes and palettes through the ports
 * instead of INT 10h see what a CGA shows:
 *   3D8h bit 0  80 x 25 text (else 40 x 25)    bit 3  video enable
 *        bit 1  graphics (320 x 200)           bit 4  640 x 200 graphics
 *        bit 2  black and white (mode 5's      bit 5  blink (else bright
 *               cyan/red/white palette)               backgrounds)
 *   3D9h bits 0-3 the background (320 x 200), foreground (640 x 200) or
 *        border (text) colour; bit 4 the bright palette; bit 5 palette 1
 *        (cyan, magenta, white) instead of palette 0 (green, red, brown).
 * On the other adapters the values are only kept (the EGA and VGA do not
 * decode these ports; the BIOS keeps their shadows at 40:65h and 40:66h).
 */
#include "dev/vga.h"

/* The BIOS mode whose registers a mode control value selects. */
static uint8_t cga_bios_mode(uint8_t m)
{
	if (m & 0x02)
		return (m & 0x10) ? 0x06 : (m & 0x04) ? 0x05 : 0x04;
	if (m & 0x01)
		return (m & 0x04) ? 0x02 : 0x03;
	return (m & 0x04) ? 0x00 : 0x01;
}

/* An IRGB colour number as the attribute controller's value for the
 * CGA palette of vga_modes.c (bright colours at 10h-17h). */
static uint8_t irgb(uint8_t c)
{
	return (uint8_t)((c & 7) | ((c & 8) ? 0x10 : 0));
}

static void apply_color(struct vga *v)
{
	uint8_t c = v->cga_color, m = v->cga_mode;
	if (!(m & 0x02)) {
		v->ac[0x11] = irgb(c);
	} else if (m & 0x10) {
		v->ac[0] = 0;
		v->ac[1] = irgb(c);
	} else {
		static const uint8_t pal[3][3] = { { 2, 4, 6 }, { 3, 5, 7 }, { 3, 4, 7 } };
		const uint8_t *p = pal[(m & 0x04) ? 2 : (c & 0x20) ? 1 : 0];
		v->ac[0] = irgb(c);
		for (unsigned k = 1; k < 4; k++)
			v->ac[k] = (uint8_t)(p[k - 1] | ((c & 0x10) ? 0x10 : 0));
	}
	v->dirty = true;
}

/* A CGA has one linear 16 KiB memory that every mode reads; our register
 * file keeps modes 00h-05h odd/even over planes 0 and 1 and mode 06h in
 * plane 0. So a switch between the two organisations copies the 16 KiB
 * the CPU sees at B8000h from the old one to the new one. */
static void load_regs_keeping_memory(struct vga *v, uint8_t mode)
{
	enum { CGA_RAM = 0x4000 };
	uint8_t before = v->seq[4] & 0x04, latch[4], ram[CGA_RAM];
	for (unsigned k = 0; k < 4; k++)
		latch[k] = v->latch[k];
	for (uint32_t a = 0; a < CGA_RAM; a++)
		ram[a] = vga_mem_read(v, 0xB8000 + a);
	vga_load_mode_regs(v, mode);
	if ((v->seq[4] & 0x04) != before)
		for (uint32_t a = 0; a < CGA_RAM; a++)
			vga_mem_write(v, 0xB8000 + a, ram[a]);
	for (unsigned k = 0; k < 4; k++)
		v->latch[k] = latch[k];
}

void vga_cga_mode_out(struct vga *v, uint8_t val)
{
	uint8_t old = v->cga_mode;
	v->cga_mode = val;
	if (v->adapter != VGA_ADAPTER_CGA)
		return;
	if ((old ^ val) & 0x17)
		load_regs_keeping_memory(v, cga_bios_mode(val));
	v->ac[0x10] = (uint8_t)((v->ac[0x10] & ~0x08) | ((val & 0x20) ? 0x08 : 0));
	v->cga_blank = !(val & 0x08);
	apply_color(v);
}

void vga_cga_color_out(struct vga *v, uint8_t val)
{
	v->cga_color = val;
	if (v->adapter == VGA_ADAPTER_CGA)
		apply_color(v);
}

void vga_cga_sync(struct vga *v, uint8_t mode_control, uint8_t color_select)
{
	v->cga_mode = mode_control;
	v->cga_color = color_select;
	v->cga_blank = false;
}
