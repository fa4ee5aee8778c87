/* vga.c - VGA text mode state (vga.h). */
#include <string.h>

#include "dev/vga.h"

void vga_init(struct vga *v)
{
	memset(v, 0, sizeof(*v));
	vga_set_mode(v, 0x03);
}

bool vga_set_mode(struct vga *v, uint8_t mode)
{
	switch (mode) {
	case 0x00: case 0x01: v->cols = 40; v->mono = false; break;
	case 0x02: case 0x03: v->cols = 80; v->mono = false; break;
	case 0x07: v->cols = 80; v->mono = true; break;
	default: return false;
	}
	v->mode = mode;
	v->rows = 25;
	v->char_height = 16;
	memset(v->crtc, 0, sizeof(v->crtc));
	/* BIOS default cursor: underline, lines 6-7 of 8 (scaled 13-14 of 16). */
	v->crtc[0x0A] = 0x0D;
	v->crtc[0x0B] = 0x0E;
	return true;
}

void vga_set_rows(struct vga *v, uint8_t rows)
{
	v->rows = rows == 50 ? 50 : 25;
	v->char_height = rows == 50 ? 8 : 16;
	v->crtc[0x0A] = rows == 50 ? 0x06 : 0x0D;
	v->crtc[0x0B] = rows == 50 ? 0x07 : 0x0E;
}

uint32_t vga_text_base(const struct vga *v)
{
	return v->mono ? 0xB0000 : 0xB8000;
}

static bool port_is_ours(const struct vga *v, uint16_t port)
{
	/* The CRTC and status registers answer at 3Bxh in monochrome, 3Dxh in colour. */
	return ((port & 0xFFF0) == 0x3B0) == v->mono;
}

uint8_t vga_read(struct vga *v, uint16_t port)
{
	if (!port_is_ours(v, port) && (port & 0xFFF0) != 0x3C0)
		return 0xFF;
	switch (port & 0x0F) {
	case 0x4: return v->crtc_index;
	case 0x5: return v->crtc[v->crtc_index & 0x1F];
	case 0xA:
		v->status_toggle ^= 0x09;
		return v->status_toggle;
	default: return 0xFF;
	}
}

void vga_write(struct vga *v, uint16_t port, uint8_t val)
{
	if (!port_is_ours(v, port))
		return;
	switch (port & 0x0F) {
	case 0x4: v->crtc_index = val & 0x1F; break;
	case 0x5: v->crtc[v->crtc_index & 0x1F] = val; break;
	default: break;
	}
}

uint16_t vga_cursor_offset(const struct vga *v)
{
	return (uint16_t)((v->crtc[0x0E] << 8) | v->crtc[0x0F]);
}

void vga_set_cursor_offset(struct vga *v, uint16_t cell)
{
	v->crtc[0x0E] = (uint8_t)(cell >> 8);
	v->crtc[0x0F] = (uint8_t)cell;
}

void vga_cursor_shape(const struct vga *v, uint8_t *start, uint8_t *end, bool *visible)
{
	*start = v->crtc[0x0A] & 0x1F;
	*end = v->crtc[0x0B] & 0x1F;
	*visible = !(v->crtc[0x0A] & 0x20);
}

void vga_set_cursor_shape(struct vga *v, uint8_t start, uint8_t end)
{
	v->crtc[0x0A] = start & 0x3F;
	v->crtc[0x0B] = end & 0x1F;
}
