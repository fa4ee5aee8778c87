/*
 * vgabios_font.c - INT 10h AH=11h, character generator (RBIL INT
 * 10/AX=1100h-1130h): text-mode fonts live in plane 2 (32 bytes a
 * character, eight 8 KiB blocks chosen by SEQ 03h); graphics-mode fonts
 * are what INT 43h points to (INT 1Fh: the upper 128 of the 8x8 font).
 *   00h/10h user font ES:BP (CX characters from DX, BH bytes each, block BL)
 *   01h/11h 8x14, 02h/12h 8x8, 04h/14h 8x16 ROM fonts into block BL;
 *           10h-14h also set the character height and the rows
 *   03h     block specifier (BL into SEQ 03h)
 *   20h     INT 1Fh = ES:BP   21h INT 43h = ES:BP (CX bytes a character,
 *           rows from BL: 0 = DL, 1 = 14, 2 = 25, 3 = 43)
 *   22h/23h/24h INT 43h = the ROM 8x14 / 8x8 / 8x16 font (rows from BL)
 *   30h     information: ES:BP = pointer BH (0 INT 1Fh, 1 INT 43h, 2 8x14,
 *           3 8x8, 4 8x8 upper half, 5 9x14 (8x14), 6 8x16, 7 9x16 (8x16)),
 *           CX = character height, DL = rows - 1
 * A height of 0 or more than 32 is refused (nothing changes).
 */
#include <string.h>

#include "dev/vgabios.h"


static uint32_t block_base(unsigned block)
{
	return (block & 3u) * 0x4000u + ((block >> 2) & 1u) * 0x2000u;
}

static void load_glyphs(struct vga *v, const uint8_t *font, unsigned h, unsigned first, unsigned count,
			unsigned block)
{
	uint32_t base = block_base(block);
	const unsigned n = h < 32 ? h : 32;
	for (unsigned k = 0; k < count && first + k < 256; k++) {
		/* A glyph's 32 bytes never cross the plane's end (base + 255 * 32
		 * + 31 <= FFFFh). */
		uint8_t *g = vga_plane(v, 2, base + (first + k) * 32u);
		memcpy(g, font + k * h, n);
		memset(g + n, 0, 32 - n);
	}
	v->dirty = true;
}

/* The character height h in a text mode: max scan line, cursor, rows. */
static void set_height(struct vga *v, unsigned h)
{
	unsigned lines = (v->crtc[0x12] | ((v->crtc[7] & 0x02u) << 7) | ((v->crtc[7] & 0x40u) << 3)) + 1u;
	if (v->crtc[9] & 0x80)
		lines /= 2;
	unsigned nrows = lines / h;
	if (nrows == 0)
		nrows = 1;
	v->crtc[9] = (uint8_t)((v->crtc[9] & 0xE0) | (h - 1));
	v->crtc[0x0A] = (uint8_t)(h > 8 ? h - 3 : h - 2);
	v->crtc[0x0B] = (uint8_t)(h > 8 ? h - 2 : h - 1);
	v->crtc[0x14] = (uint8_t)((v->crtc[0x14] & 0xE0) | ((h - 1) & 0x1F));
	vgabios_set_bda8(v, 0x84, (uint8_t)(nrows - 1));
	vgabios_set_bda16(v, 0x85, (uint16_t)h);
	unsigned c = vgabios_bda16(v, 0x4A);
	vgabios_set_bda16(v, 0x4C, (uint16_t)(((c * nrows * 2) + 0xFF) & ~0xFFu));
	vgabios_set_bda8(v, 0x60, v->crtc[0x0B]);
	vgabios_set_bda8(v, 0x61, v->crtc[0x0A]);
	v->dirty = true;
}

static const uint8_t *rom_font(unsigned h)
{
	return vgabios_rom_font(h);
}

void vgabios_load_rom_font(struct vga *v, unsigned h, unsigned block)
{
	load_glyphs(v, rom_font(h), h, 0, 256, block);
	v->seq[3] = 0;
	set_height(v, h);
}

static void set_vec(struct vga *v, uint8_t vec, uint16_t seg, uint16_t off)
{
	uint8_t p[4] = { (uint8_t)off, (uint8_t)(off >> 8), (uint8_t)seg, (uint8_t)(seg >> 8) };
	vgabios_write(v, 0, (uint16_t)(vec * 4), p, 4);
}

/* Rows for AH=11h 21h-24h: BL 0 = DL, 1 = 14, 2 = 25, 3 = 43. */
static void gfx_rows(struct vga *v, uint8_t bl, uint8_t dl, unsigned h)
{
	static const uint8_t fixed[4] = { 0, 14, 25, 43 };
	unsigned nrows = bl == 0 ? dl : bl < 4 ? fixed[bl] : 25;
	if (nrows == 0)
		nrows = 1;
	vgabios_set_bda8(v, 0x84, (uint8_t)(nrows - 1));
	vgabios_set_bda16(v, 0x85, (uint16_t)h);
}

void vgabios_font(struct vga *v, struct vm16_regs *r)
{
	uint8_t al = (uint8_t)r->eax, bh = (uint8_t)(r->ebx >> 8), bl = (uint8_t)r->ebx;
	uint16_t rom_seg = VGABIOS_ROM_BASE >> 4;
	switch (al) {
	case 0x00: case 0x10: {
		unsigned h = bh, count = r->ecx & 0xFFFF, first = r->edx & 0xFFFF;
		if (h == 0 || h > 32 || first > 255)
			break;
		if (count > 256 - first)
			count = 256 - first;
		uint8_t buf[256 * 32];
		vgabios_read(v, r->es, (uint16_t)r->ebp, buf, count * h);
		load_glyphs(v, buf, h, first, count, bl);
		if (al == 0x10)
			set_height(v, h);
		break;
	}
	case 0x01: case 0x11: case 0x02: case 0x12: case 0x04: case 0x14: {
		unsigned h = (al & 0x0F) == 1 ? 14 : (al & 0x0F) == 2 ? 8 : 16;
		load_glyphs(v, rom_font(h), h, 0, 256, bl);
		if (al & 0x10)
			set_height(v, h);
		break;
	}
	case 0x03: v->seq[3] = bl & 0x3F; v->dirty = true; break;
	case 0x20: set_vec(v, 0x1F, r->es, (uint16_t)r->ebp); break;
	case 0x21: {
		unsigned h = r->ecx & 0xFFFF;
		if (h == 0 || h > 32)
			break;
		set_vec(v, 0x43, r->es, (uint16_t)r->ebp);
		gfx_rows(v, bl, (uint8_t)r->edx, h);
		break;
	}
	case 0x22: case 0x23: case 0x24: {
		unsigned h = al == 0x22 ? 14 : al == 0x23 ? 8 : 16;
		set_vec(v, 0x43, rom_seg, h == 8 ? VGABIOS_FONT8 : h == 14 ? VGABIOS_FONT14 : VGABIOS_FONT16);
		gfx_rows(v, bl, (uint8_t)r->edx, h);
		break;
	}
	case 0x30: {
		uint16_t seg = rom_seg, off = 0;
		uint8_t p[4];
		switch (bh) {
		case 0: case 1:
			vgabios_read(v, 0, bh ? 0x43 * 4 : 0x1F * 4, p, 4);
			off = (uint16_t)(p[0] | p[1] << 8);
			seg = (uint16_t)(p[2] | p[3] << 8);
			break;
		case 2: case 5: off = VGABIOS_FONT14; break;
		case 3: off = VGABIOS_FONT8; break;
		case 4: off = VGABIOS_FONT8 + 128 * 8; break;
		default: off = VGABIOS_FONT16; break;
		}
		r->es = seg;
		r->ebp = (r->ebp & ~0xFFFFu) | off;
		r->ecx = (r->ecx & ~0xFFFFu) | vgabios_bda16(v, 0x85);
		r->edx = (r->edx & ~0xFFu) | vgabios_bda8(v, 0x84);
		break;
	}
	default: break;
	}
}
