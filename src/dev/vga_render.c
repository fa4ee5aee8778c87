/*
 * vga_render.c - the picture as the monitor would show it, from the
 * registers and video memory alone (no BIOS state), at the mode's native
 * resolution:
 *
 *   the CRTC scans `lines` scan lines (vertical display end + 1), halved
 *   by double scanning (09h bit 7); in a graphics mode whose rows do not
 *   substitute row-scan bits into the address (17h bits 1-0 = 11b) the
 *   max-scan-line repeats (09h bits 4-0) are one line of the picture.
 *   Each scan line is `hde` character clocks (01h + 1); clock k reads the
 *   four planes at the address of MA = line start + k: MA << 2 in
 *   double-word mode (14h bit 6), MA in byte mode (17h bit 6), else
 *   MA << 1 with MA13 or MA15 (17h bit 5) in bit 0; row scan bits 0/1
 *   replace address bits 13/14 when 17h bit 0/1 is clear (CGA and
 *   Hercules banks). Lines advance by twice the offset (13h); the start
 *   address is 0Ch/0Dh, the split screen line compare 18h (+07h bit 4,
 *   09h bit 6) restarts at address 0 (and drops panning when AC 10h bit 5).
 *   text       8 or 9 dots (SEQ 01h bit 0) per clock: character in plane
 *              0, attribute in plane 1, glyph rows in plane 2 (32 bytes a
 *              character, maps chosen by SEQ 03h and attribute bit 3);
 *              line graphics 9th dot (AC 10h bit 2), blink (AC 10h bit 3),
 *              underline (CRTC 14h, monochrome attributes with AC 10h bit 1),
 *              cursor (CRTC 0Ah/0Bh/0Eh/0Fh).
 *   planar     8 pixels per clock, bit 7-i of each plane; colour plane
 *              enable (AC 12h).
 *   CGA        shift register interleave (GC 05h bit 5): 2 bits per pixel
 *              from planes 0 and 1.
 *   256 colour AC 10h bit 6: 4 pixels per clock, one byte per plane.
 *   Colours    4-bit values through the AC palette (00h-0Fh), bits 5-4 or
 *              7-4 from AC 14h (AC 10h bit 7), masked by the PEL mask,
 *              through the DAC.
 *   VBE        linear modes straight from vram (vbe.c's struct vga_linear).
 * The blink phases follow the VM's clock: the cursor blinks every 16
 * frames, characters every 32 (70 frames a second).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dev/vga.h"
#include "mvdm/vdd.h"

uint32_t vga_dac_rgb(const struct vga *v, uint8_t index)
{
	const uint8_t *c = v->dac[index];
	if (v->lin.dac8)
		return (uint32_t)c[0] << 16 | (uint32_t)c[1] << 8 | c[2];
	/* 6-bit to 8-bit: replicate the top bits (3Fh -> FFh, 20h -> 82h). */
	uint32_t r = (c[0] << 2) | (c[0] >> 4), g = (c[1] << 2) | (c[1] >> 4), b = (c[2] << 2) | (c[2] >> 4);
	return r << 16 | g << 8 | b;
}

/* The DAC index of a 4-bit attribute colour. */
static uint8_t ac_color(const struct vga *v, unsigned c4)
{
	uint8_t x = v->ac[c4 & 15];
	if (v->ac[0x10] & 0x80)
		x = (uint8_t)((x & 0x0F) | ((v->ac[0x14] & 3) << 4));
	x = (uint8_t)((x & 0x3F) | ((v->ac[0x14] & 0x0C) << 4));
	return x & v->pel_mask;
}

struct scan {
	unsigned hde, lines, maxscan, offset, start, line_compare, pan, dots;
	bool dscan, graphics, text9;
	uint8_t cr17, cr14;
};

static void read_scan(const struct vga *v, struct scan *s)
{
	const uint8_t *c = v->crtc;
	s->hde = c[1] + 1u;
	s->lines = (c[0x12] | ((c[7] & 0x02u) << 7) | ((c[7] & 0x40u) << 3)) + 1u;
	s->maxscan = c[9] & 0x1Fu;
	s->dscan = c[9] & 0x80;
	s->offset = c[0x13] * 2u;
	s->start = (unsigned)(c[0x0C] << 8 | c[0x0D]);
	s->line_compare = c[0x18] | ((c[7] & 0x10u) << 4) | ((c[9] & 0x40u) << 3);
	s->graphics = v->gc[6] & 1;
	s->text9 = !s->graphics && !(v->seq[1] & 1);
	s->dots = s->text9 ? 9 : 8;
	s->pan = v->ac[0x13] & 0x0F;
	s->cr17 = c[0x17];
	s->cr14 = c[0x14];
}

/* The plane address of memory address counter ma on row scan rs. */
static uint32_t scan_address(const struct scan *s, uint32_t ma, unsigned rs)
{
	uint32_t a;
	if (s->cr14 & 0x40)
		a = ma << 2;
	else if (s->cr17 & 0x40)
		a = ma;
	else
		a = (ma << 1) | ((ma >> ((s->cr17 & 0x20) ? 15 : 13)) & 1);
	if (!(s->cr17 & 1))
		a = (a & ~0x2000u) | ((rs & 1u) << 13);
	if (!(s->cr17 & 2))
		a = (a & ~0x4000u) | ((rs & 2u) << 13);
	return a & 0xFFFF;
}

/* One scan line of a graphics mode: width pixels from ma. */
static void graphics_line(struct vga *v, const struct scan *s, uint32_t *out, unsigned width, uint32_t ma,
			  unsigned rs, unsigned pan, const uint32_t *pal)
{
	bool m256 = v->ac[0x10] & 0x40, cga = v->gc[5] & 0x20;
	uint8_t cpe = v->ac[0x12] & 0x0F;
	unsigned per = m256 ? 4 : 8, skip = m256 ? (pan & 7) / 2 : (pan & 7);
	unsigned x = 0;
	for (uint32_t k = 0; x < width; k++) {
		uint32_t a = scan_address(s, ma + k, rs);
		uint8_t p0 = *vga_plane(v, 0, a), p1 = *vga_plane(v, 1, a), p2 = *vga_plane(v, 2, a),
			p3 = *vga_plane(v, 3, a);
		for (unsigned i = 0; i < per && x < width; i++) {
			if (skip) {
				skip--;
				continue;
			}
			uint32_t rgb;
			if (m256) {
				uint8_t b = i == 0 ? p0 : i == 1 ? p1 : i == 2 ? p2 : p3;
				uint8_t idx = (uint8_t)(((v->ac[b >> 4] & 0x0F) << 4) | (v->ac[b & 15] & 0x0F));
				rgb = pal[idx & v->pel_mask];
			} else if (cga) {
				uint8_t b = i < 4 ? p0 : p1;
				unsigned c2 = (b >> (6 - 2 * (i & 3))) & 3;
				rgb = pal[ac_color(v, c2 & cpe)];
			} else {
				unsigned bit = 7 - i;
				unsigned c4 = ((p0 >> bit) & 1) | (((p1 >> bit) & 1) << 1) | (((p2 >> bit) & 1) << 2) |
					      (((p3 >> bit) & 1) << 3);
				rgb = pal[ac_color(v, c4 & cpe)];
			}
			out[x++] = rgb;
		}
	}
}

/* One scan line of a text mode: row scan rs of the character row at ma. */
static void text_line(struct vga *v, const struct scan *s, uint32_t *out, unsigned width, uint32_t ma,
		      unsigned rs, unsigned phase, const uint32_t *pal)
{
	/* SEQ 03h: map A (attribute bit 3 set) in bits 5,3,2, map B in 4,1,0;
	 * map n starts at (n & 3) * 16 KiB + (n >> 2) * 8 KiB of plane 2. */
	uint8_t sel = v->seq[3];
	unsigned na = ((sel >> 2) & 3u) | ((sel >> 3) & 4u), nb = (sel & 3u) | ((sel >> 2) & 4u);
	uint32_t map_a = (na & 3u) * 0x4000u + (na >> 2) * 0x2000u, map_b = (nb & 3u) * 0x4000u + (nb >> 2) * 0x2000u;
	bool blink = v->ac[0x10] & 0x08, mono = v->ac[0x10] & 0x02, lg = v->ac[0x10] & 0x04;
	uint32_t cursor = (uint32_t)(v->crtc[0x0E] << 8 | v->crtc[0x0F]);
	unsigned cs = v->crtc[0x0A] & 0x1F, ce = v->crtc[0x0B] & 0x1F;
	bool cur_on = !(v->crtc[0x0A] & 0x20) && (phase & 1) && rs >= cs && rs <= ce;
	unsigned ul = s->cr14 & 0x1F;
	unsigned x = 0;
	for (uint32_t k = 0; k < s->hde && x + s->dots <= width; k++) {
		uint32_t a = scan_address(s, ma + k, rs);
		uint8_t ch = *vga_plane(v, 0, a), at = *vga_plane(v, 1, a);
		uint32_t font = ((at & 8) ? map_a : map_b) + ch * 32u + rs;
		uint8_t bits = rs < 32 ? *vga_plane(v, 2, font) : 0;
		unsigned fg = at & 15, bg = at >> 4;
		if (blink) {
			bg &= 7;
			if ((at & 0x80) && !(phase & 2))
				fg = bg;
		}
		if (mono && rs == ul && (at & 7) == 1)
			bits = 0xFF;
		if (cur_on && ((ma + k) & 0xFFFF) == cursor)
			bits = 0xFF;
		uint32_t f = pal[ac_color(v, fg)], b = pal[ac_color(v, bg)];
		for (unsigned i = 0; i < 8; i++)
			out[x++] = (bits & (0x80 >> i)) ? f : b;
		if (s->text9)
			out[x++] = (lg && ch >= 0xC0 && ch <= 0xDF && (bits & 1)) ? f : b;
	}
}

/* The native size; 0 when the CRTC describes nothing to show. */
static void picture_size(const struct vga *v, const struct scan *s, uint32_t *w, uint32_t *h, unsigned *div)
{
	if (vga_herc_graphics(v)) {
		vga_herc_size(v, w, h);
		*div = 1;
		return;
	}
	if (v->lin.on) {
		*w = v->lin.width;
		*h = v->lin.height;
		*div = 1;
		return;
	}
	unsigned clocks = s->dscan ? s->lines / 2 : s->lines;
	*div = (s->graphics && (s->cr17 & 3) == 3) ? s->maxscan + 1 : 1;
	if (s->graphics)
		*w = s->hde * ((v->ac[0x10] & 0x40) ? 4u : 8u);
	else
		*w = s->hde * s->dots;
	*h = clocks / *div;
	if (*w > VGA_MAX_W)
		*w = VGA_MAX_W;
	if (*h > VGA_MAX_H)
		*h = VGA_MAX_H;
}

static void render_vga(struct vga *v, const struct scan *s, unsigned div, unsigned phase)
{
	uint32_t pal[256];
	for (unsigned k = 0; k < 256; k++)
		pal[k] = vga_dac_rgb(v, (uint8_t)k);
	unsigned clocks = s->dscan ? s->lines / 2 : s->lines;
	uint32_t ma = s->start;
	unsigned rs = v->crtc[8] & 0x1F, pan = s->pan;
	if (s->text9)
		pan = pan >= 8 ? 0 : pan + 1; /* 9-dot panning: 8 means none */
	bool blank = !(v->ac_index & 0x20) || v->cga_blank;
	for (unsigned c = 0; c < clocks; c++) {
		unsigned phys = s->dscan ? 2 * c : c;
		if (phys == s->line_compare || (s->dscan && phys + 1 == s->line_compare)) {
			ma = 0;
			rs = 0;
			if (v->ac[0x10] & 0x20)
				pan = 0;
		}
		unsigned y = c / div;
		if (c % div == 0 && y < v->frame_h) {
			uint32_t *out = v->frame + (size_t)y * v->frame_w;
			if (blank)
				memset(out, 0, v->frame_w * sizeof(*out));
			else if (s->graphics)
				graphics_line(v, s, out, v->frame_w, ma, rs, pan, pal);
			else
				text_line(v, s, out, v->frame_w, ma, rs, phase, pal);
		}
		if (rs >= s->maxscan) {
			rs = 0;
			ma += s->offset;
		} else {
			rs++;
		}
	}
}

static void render_linear(struct vga *v)
{
	const struct vga_linear *l = &v->lin;
	unsigned bytes = (l->bpp + 7) / 8;
	for (uint32_t y = 0; y < v->frame_h; y++) {
		uint32_t *out = v->frame + (size_t)y * v->frame_w;
		for (uint32_t x = 0; x < v->frame_w; x++) {
			uint64_t off = (uint64_t)l->start + (uint64_t)y * l->pitch + (uint64_t)x * bytes;
			uint32_t o = (uint32_t)(off % v->vram_size), px = 0;
			for (unsigned b = 0; b < bytes; b++)
				px |= (uint32_t)v->vram[(o + b) % v->vram_size] << (8 * b);
			switch (l->bpp) {
			case 8: out[x] = vga_dac_rgb(v, (uint8_t)(px & v->pel_mask)); break;
			case 15:
				out[x] = ((px >> 10 & 31) * 255 / 31) << 16 | ((px >> 5 & 31) * 255 / 31) << 8 |
					 (px & 31) * 255 / 31;
				break;
			case 16:
				out[x] = ((px >> 11 & 31) * 255 / 31) << 16 | ((px >> 5 & 63) * 255 / 63) << 8 |
					 (px & 31) * 255 / 31;
				break;
			default: out[x] = px & 0xFFFFFF; break;
			}
		}
	}
}

int vga_frame(struct vga *v, struct vm16_frame *f, uint64_t since)
{
	struct scan s;
	read_scan(v, &s);
	uint32_t w, h;
	unsigned div;
	picture_size(v, &s, &w, &h, &div);
	if (w == 0 || h == 0) {
		w = h = 1;
	}
	/* Blink: 70 frames a second; the cursor changes every 16, text every 32. */
	unsigned phase = (unsigned)((vga_now_ns(v) / 14285714u / 16u) & 3u);
	phase = ((phase & 1) ^ 1) | (((phase >> 1) & 1) ^ 1) << 1;
	bool text = !s.graphics && !v->lin.on && !vga_herc_graphics(v);
	if (!v->frame || v->dirty || w != v->frame_w || h != v->frame_h || (text && phase != v->phase)) {
		if ((size_t)w * h > v->frame_cap) {
			uint32_t *n = realloc(v->frame, (size_t)w * h * sizeof(*n));
			if (!n)
				return -ENOMEM;
			v->frame = n;
			v->frame_cap = (size_t)w * h;
		}
		v->frame_w = w;
		v->frame_h = h;
		v->phase = phase;
		v->dirty = false;
		if (vga_herc_graphics(v))
			vga_herc_render(v);
		else if (v->lin.on)
			render_linear(v);
		else if (s.lines > 1 && s.hde > 0)
			render_vga(v, &s, div, phase);
		else
			memset(v->frame, 0, (size_t)w * h * sizeof(*v->frame));
		v->serial++;
	}
	(void)since;
	f->width = v->frame_w;
	f->height = v->frame_h;
	f->stride = v->frame_w;
	f->pixels = v->frame;
	f->serial = v->serial;
	f->graphics = !text;
	f->aspect_w = 4;
	f->aspect_h = 3;
	return 0;
}
