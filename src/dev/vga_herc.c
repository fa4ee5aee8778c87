/*
 * vga_herc.c - the Hercules Graphics Card (VIDEO_ADAPTER=HERCULES): an MDA
 * (text mode 07h, the BIOS's only mode on it) with 64 KiB of memory and a
 * 720x348 monochrome graphics mode that programs set up themselves through
 * the 6845 CRTC and two ports (Hercules Graphics Card owner's manual;
 * Wilton, "Programmer's Guide to PC & PS/2 Video Systems", ch. 2):
 *   3B8h mode control   bit 1 graphics, bit 3 video enable, bit 5 blink,
 *                       bit 7 the page shown (0: B0000h, 1: B8000h)
 *   3BFh configuration  bit 0 allows graphics, bit 1 maps page 1
 *                       (B8000h-BFFFFh; off, the card answers B0000h-B7FFFh)
 *   3BAh status         bit 7 low during vertical retrace (how programs
 *                       tell an HGC from an MDA), bits 6-4 000b (an HGC)
 * Graphics: a line y of the picture is row y / (R9 + 1) of R1 x 2 bytes in
 * bank y mod (R9 + 1), banks 8 KiB apart (with the usual R9 = 3: offset
 * 2000h x (y mod 4) + 90 x (y / 4)), 1 bit a pixel, most significant
 * first; R1 characters of 16 pixels a line, R6 rows; the start address
 * (R12-R13) in words. A lit pixel is the MDA's normal-intensity colour.
 *
 * The memory stays the register file's odd/even text memory (vga.h: the
 * byte the CPU sees at offset o is plane o & 1 at o & ~1), so text and
 * graphics see the same bytes, as on the card. The 6845 has no write
 * protection; its timing registers R0-R9 are taken in graphics only: text
 * is drawn by the VGA-style renderer from mode 07h's registers, which
 * leaving graphics reloads (programs leave through their own 6845 text
 * values, which that renderer would not read as a 6845 does).
 */
#include <string.h>

#include "dev/vga.h"

enum { HERC_MAX_W = 1024, HERC_MAX_H = 512 };

bool vga_herc_graphics(const struct vga *v)
{
	return v->adapter == VGA_ADAPTER_HERCULES && (v->herc_config & 1) && (v->herc_mode & 2);
}

static void changed(struct vga *v, bool was_graphics)
{
	if (was_graphics && !vga_herc_graphics(v))
		vga_load_mode_regs(v, 0x07);
	v->ac[0x10] = (uint8_t)((v->ac[0x10] & ~0x08) | ((v->herc_mode & 0x20) ? 0x08 : 0));
	v->cga_blank = !(v->herc_mode & 0x08);
	v->dirty = true;
}

void vga_herc_mode_out(struct vga *v, uint8_t val)
{
	bool was = vga_herc_graphics(v);
	v->herc_mode = val;
	changed(v, was);
}

void vga_herc_config_out(struct vga *v, uint8_t val)
{
	bool was = vga_herc_graphics(v);
	v->herc_config = val & 3;
	changed(v, was);
}

int32_t vga_herc_window(const struct vga *v, uint32_t addr)
{
	uint32_t off = addr - 0xB0000;
	return off < ((v->herc_config & 2) ? 0x10000u : 0x8000u) ? (int32_t)off : -1;
}

void vga_herc_size(const struct vga *v, uint32_t *w, uint32_t *h)
{
	uint32_t cols = v->crtc[1], rows = v->crtc[6], scans = (v->crtc[9] & 0x1Fu) + 1;
	*w = cols * 16 > HERC_MAX_W ? HERC_MAX_W : cols * 16;
	*h = rows * scans > HERC_MAX_H ? HERC_MAX_H : rows * scans;
}

void vga_herc_render(struct vga *v)
{
	uint32_t lit = vga_dac_rgb(v, 0x08);
	uint32_t scans = (v->crtc[9] & 0x1Fu) + 1, pitch = 2u * v->crtc[1];
	uint32_t base = ((v->herc_mode & 0x80) ? 0x8000u : 0) + 2u * ((uint32_t)v->crtc[12] << 8 | v->crtc[13]);
	for (uint32_t y = 0; y < v->frame_h; y++) {
		uint32_t *out = v->frame + (size_t)y * v->frame_w;
		if (v->cga_blank) {
			memset(out, 0, v->frame_w * sizeof(*out));
			continue;
		}
		uint32_t line = base + 0x2000u * (y % scans) + pitch * (y / scans);
		for (uint32_t x = 0; x < v->frame_w; x++) {
			uint32_t o = (line + x / 8) & 0xFFFF;
			uint8_t b = *vga_plane(v, o & 1, o & ~1u);
			out[x] = (b >> (7 - (x & 7))) & 1 ? lit : 0;
		}
	}
}
