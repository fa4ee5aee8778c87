/*
 * vga_dispi.c - the card's VBE registers: an index port at 1CEh and a data
 * port at 1CFh, 16 bits wide, numbered as the Bochs/QEMU "DISPI"
 * interface numbers them (so that programs and drivers written for that
 * interface find it; our own 4F0Ah protected-mode code uses it):
 *   0 ID (B0C0h-B0C5h; reads B0C5h)    5 bank (64 KiB, window A at A000h)
 *   1 X resolution                     6 virtual width (pixels a line)
 *   2 Y resolution                     7 virtual height (read only here)
 *   3 bits per pixel (8,15,16,24,32)   8 X offset, 9 Y offset (display start)
 *   4 enable: bit 0 on, bit 6 linear   10 video memory in 64 KiB units
 *     buffer, bit 7 keep memory
 * A mode set through register 4 needs no BIOS: it loads mode 13h's
 * registers as the base (as the VBE mode set does) and shows the linear
 * buffer; clearing bit 0 shows the VGA registers' picture again.
 * VGA adapter only.
 */
#include <string.h>

#include "dev/vga.h"

enum { DISPI_ID = 0xB0C5, DISPI_MAX_X = 1600, DISPI_MAX_Y = 1200 };

static unsigned bytes_per_pixel(unsigned bpp)
{
	return (bpp + 7u) / 8u;
}

/* The display start from an X and a Y offset (the other one as it is). */
static void set_start(struct vga *v, int x, int y)
{
	struct vga_linear *l = &v->lin;
	if (!l->on)
		return;
	unsigned bpp = bytes_per_pixel(l->bpp);
	uint64_t cur_x = (l->start % l->pitch) / bpp, cur_y = l->start / l->pitch;
	uint64_t start = (uint64_t)(y < 0 ? cur_y : (uint64_t)y) * l->pitch + (x < 0 ? cur_x : (uint64_t)x) * bpp;
	if (start + (uint64_t)l->pitch * l->height <= v->vram_size) {
		l->start = (uint32_t)start;
		v->dirty = true;
	}
}

static void enable(struct vga *v, uint16_t val)
{
	struct vga_linear *l = &v->lin;
	if (!(val & 1)) {
		l->on = false;
		v->dispi.enable = 0;
		v->dirty = true;
		return;
	}
	unsigned w = v->dispi.xres, h = v->dispi.yres, bpp = v->dispi.bpp;
	bool bpp_ok = bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32;
	if (!bpp_ok || w == 0 || h == 0 || w > DISPI_MAX_X || h > DISPI_MAX_Y ||
	    (uint64_t)w * bytes_per_pixel(bpp) * h > v->vram_size)
		return; /* the card keeps what it shows */
	vga_load_mode_regs(v, 0x13);
	memset(l, 0, sizeof(*l));
	l->on = true;
	l->width = (uint16_t)w;
	l->height = (uint16_t)h;
	l->bpp = (uint8_t)bpp;
	l->pitch = w * bytes_per_pixel(bpp);
	if (!(val & 0x80))
		memset(v->vram, 0, (size_t)l->pitch * h);
	v->dispi.enable = val & 0xC1;
	v->dirty = true;
}

uint16_t vga_dispi_read(struct vga *v, uint16_t port)
{
	const struct vga_linear *l = &v->lin;
	if (port == 0x1CE)
		return v->dispi.index;
	switch (v->dispi.index) {
	case 0: return DISPI_ID;
	case 1: return l->on ? l->width : v->dispi.xres;
	case 2: return l->on ? l->height : v->dispi.yres;
	case 3: return l->on ? l->bpp : v->dispi.bpp;
	case 4: return l->on ? (uint16_t)(v->dispi.enable | 1) : 0;
	case 5: return (uint16_t)l->bank;
	case 6: return l->on ? (uint16_t)(l->pitch / bytes_per_pixel(l->bpp)) : 0;
	case 7: return l->on ? (uint16_t)(v->vram_size / l->pitch > 0xFFFF ? 0xFFFF : v->vram_size / l->pitch) : 0;
	case 8: return l->on ? (uint16_t)((l->start % l->pitch) / bytes_per_pixel(l->bpp)) : 0;
	case 9: return l->on ? (uint16_t)(l->start / l->pitch) : 0;
	case 10: return (uint16_t)(v->vram_size / 0x10000);
	default: return 0;
	}
}

void vga_dispi_write(struct vga *v, uint16_t port, uint16_t val)
{
	struct vga_linear *l = &v->lin;
	if (port == 0x1CE) {
		v->dispi.index = val;
		return;
	}
	switch (v->dispi.index) {
	case 1: v->dispi.xres = val; break;
	case 2: v->dispi.yres = val; break;
	case 3: v->dispi.bpp = val; break;
	case 4: enable(v, val); break;
	case 5:
		if (val < v->vram_size / 0x10000)
			l->bank = val;
		break;
	case 6:
		if (l->on) {
			uint64_t pitch = (uint64_t)val * bytes_per_pixel(l->bpp);
			if (val >= l->width && pitch * l->height <= v->vram_size) {
				l->pitch = (uint32_t)pitch;
				l->start = 0;
				v->dirty = true;
			}
		}
		break;
	case 8: set_start(v, val, -1); break;
	case 9: set_start(v, -1, val); break;
	default: break;
	}
}
