/*
 * vgabios.c - INT 10h in the host for the video VDD (RBIL INT 10h; IBM VGA
 * Technical Reference, "BIOS"): the ROM and POST, mode set, cursor,
 * pages, scrolling, characters and pixels in every mode, teletype, write
 * string, and the dispatcher. Palette, fonts, state and VBE functions are
 * in vgabios_pal.c, vgabios_font.c, vgabios_state.c and vbe.c.
 *
 * Functions: 00h set mode, 01h cursor shape (with the VGA's cursor
 * emulation of CGA values), 02h/03h cursor position, 04h light pen (none),
 * 05h page, 06h/07h scroll, 08h read character and attribute, 09h/0Ah
 * write character, 0Bh CGA palette, 0Ch/0Dh pixels, 0Eh teletype, 0Fh
 * mode, 10h palette, 11h fonts, 12h alternate select, 13h write string,
 * 1Ah display combination, 1Bh state information, 1Ch save/restore, 4Fh
 * VBE. Others leave the registers as they were (logged once).
 */
#include <stdio.h>
#include <string.h>

#include "dev/vgabios.h"
#include "mvdm/vdd.h"


/* seg:off for len bytes, the offset wrapping at 64 KiB as the CPU's does:
 * at most two physical pieces. */
void vgabios_read(struct vga *v, uint16_t seg, uint16_t off, void *buf, size_t len)
{
	uint8_t *b = buf;
	while (len) {
		size_t n = 0x10000u - off < len ? 0x10000u - off : len;
		(void)vdd_phys_read(v->vm, ((uint32_t)seg << 4) + off, b, n);
		b += n;
		len -= n;
		off = (uint16_t)(off + n);
	}
}

void vgabios_write(struct vga *v, uint16_t seg, uint16_t off, const void *buf, size_t len)
{
	const uint8_t *b = buf;
	while (len) {
		size_t n = 0x10000u - off < len ? 0x10000u - off : len;
		(void)vdd_phys_write(v->vm, ((uint32_t)seg << 4) + off, b, n);
		b += n;
		len -= n;
		off = (uint16_t)(off + n);
	}
}

uint8_t vgabios_bda8(struct vga *v, unsigned off)
{
	uint8_t b = 0;
	vgabios_read(v, 0x40, (uint16_t)off, &b, 1);
	return b;
}

uint16_t vgabios_bda16(struct vga *v, unsigned off)
{
	uint8_t b[2] = { 0, 0 };
	vgabios_read(v, 0x40, (uint16_t)off, b, 2);
	return (uint16_t)(b[0] | b[1] << 8);
}

void vgabios_set_bda8(struct vga *v, unsigned off, uint8_t val)
{
	vgabios_write(v, 0x40, (uint16_t)off, &val, 1);
}

void vgabios_set_bda16(struct vga *v, unsigned off, uint16_t val)
{
	uint8_t b[2] = { (uint8_t)val, (uint8_t)(val >> 8) };
	vgabios_write(v, 0x40, (uint16_t)off, b, 2);
}

/* ---- mode facts ---- */

enum kind { K_TEXT, K_CGA2, K_CGA4, K_PLANAR, K_256, K_LINEAR };

static uint8_t cur_mode(struct vga *v)
{
	return vgabios_bda8(v, 0x49) & 0x7F;
}

static enum kind mode_kind(struct vga *v, uint8_t mode)
{
	if (v->lin.on)
		return K_LINEAR;
	switch (mode) {
	case 0x04: case 0x05: return K_CGA4;
	case 0x06: return K_CGA2;
	case 0x0D: case 0x0E: case 0x0F: case 0x10: case 0x11: case 0x12: return K_PLANAR;
	case 0x13: return K_256;
	default: return K_TEXT;
	}
}

static unsigned cols(struct vga *v)
{
	unsigned c = vgabios_bda16(v, 0x4A);
	return c ? c : 80;
}

static unsigned rows(struct vga *v)
{
	return vgabios_bda8(v, 0x84) + 1u;
}

static unsigned char_height(struct vga *v)
{
	unsigned h = vgabios_bda16(v, 0x85);
	return h >= 1 && h <= 32 ? h : 16;
}

static unsigned page_size(struct vga *v)
{
	return vgabios_bda16(v, 0x4C);
}

/* Pixel width of the current graphics mode. */
static unsigned gfx_width(struct vga *v)
{
	if (v->lin.on)
		return v->lin.width;
	return cols(v) * 8;
}

/* ---- pixels, in every graphics mode ---- */

static uint8_t *cga_byte(struct vga *v, unsigned x, unsigned y, unsigned bpp)
{
	uint32_t off = (y & 1) * 0x2000u + (y >> 1) * 80u + x * bpp / 8;
	/* Modes 4/5 are odd/even: even bytes in plane 0, odd in plane 1. */
	return bpp == 2 ? vga_plane(v, off & 1, off & ~1u) : vga_plane(v, 0, off);
}

/* AH=0Ch/0Dh: a pixel of page `page` in the current graphics mode (bit 7
 * of color XORs, except in 256-colour modes); outside the mode: nothing, 0. */
static void vgabios_put_pixel(struct vga *v, unsigned page, unsigned x, unsigned y, uint8_t color)
{
	uint8_t mode = cur_mode(v);
	/* AL bit 7 XORs the pixel, except in the 256-colour modes. */
	bool xor = (color & 0x80) && mode_kind(v, mode) != K_256 && mode_kind(v, mode) != K_LINEAR;
	if (xor)
		color &= 0x7F;
	v->dirty = true;
	switch (mode_kind(v, mode)) {
	case K_CGA4: {
		if (x >= 320 || y >= 200)
			return;
		uint8_t *b = cga_byte(v, x, y, 2), sh = (uint8_t)(6 - 2 * (x & 3)), c = (uint8_t)((color & 3) << sh);
		*b = xor ? *b ^ c : (uint8_t)((*b & ~(3u << sh)) | c);
		return;
	}
	case K_CGA2: {
		if (x >= 640 || y >= 200)
			return;
		uint8_t *b = cga_byte(v, x, y, 1), m = (uint8_t)(0x80 >> (x & 7));
		*b = xor ? ((color & 1) ? *b ^ m : *b) : (uint8_t)((color & 1) ? *b | m : *b & ~m);
		return;
	}
	case K_PLANAR: {
		unsigned w = gfx_width(v);
		if (x >= w)
			return;
		uint32_t a = page * page_size(v) + y * (w / 8) + x / 8;
		uint8_t m = (uint8_t)(0x80 >> (x & 7));
		if (y >= 1024)
			return;
		for (unsigned p = 0; p < 4; p++) {
			uint8_t *b = vga_plane(v, p, a);
			bool bit = color & (1u << p);
			if (xor)
				*b = bit ? *b ^ m : *b;
			else
				*b = bit ? *b | m : (uint8_t)(*b & ~m);
		}
		return;
	}
	case K_256:
		if (x >= 320 || y >= 200)
			return;
		*vga_plane(v, x & 3, (y * 320 + x) & ~3u) = color;
		return;
	case K_LINEAR: {
		if (x >= v->lin.width || y >= v->lin.height || v->lin.bpp != 8)
			return;
		uint32_t o = (uint32_t)((y * (uint64_t)v->lin.pitch + x) % v->vram_size);
		v->vram[o] = color;
		return;
	}
	default:
		return;
	}
}

static uint8_t vgabios_get_pixel(struct vga *v, unsigned page, unsigned x, unsigned y)
{
	uint8_t mode = cur_mode(v);
	switch (mode_kind(v, mode)) {
	case K_CGA4:
		return x < 320 && y < 200 ? (uint8_t)((*cga_byte(v, x, y, 2) >> (6 - 2 * (x & 3))) & 3) : 0;
	case K_CGA2:
		return x < 640 && y < 200 ? (uint8_t)((*cga_byte(v, x, y, 1) >> (7 - (x & 7))) & 1) : 0;
	case K_PLANAR: {
		unsigned w = gfx_width(v);
		uint32_t a = page * page_size(v) + y * (w / 8) + x / 8;
		uint8_t c = 0;
		for (unsigned p = 0; p < 4; p++)
			c |= (uint8_t)(((*vga_plane(v, p, a) >> (7 - (x & 7))) & 1) << p);
		return x < w ? c : 0;
	}
	case K_256:
		return x < 320 && y < 200 ? *vga_plane(v, x & 3, (y * 320 + x) & ~3u) : 0;
	case K_LINEAR:
		if (x >= v->lin.width || y >= v->lin.height || v->lin.bpp != 8)
			return 0;
		return v->vram[(uint32_t)((y * (uint64_t)v->lin.pitch + x) % v->vram_size)];
	default:
		return 0;
	}
}

/* ---- characters ---- */

static uint32_t text_offset(struct vga *v, unsigned page, unsigned row, unsigned col)
{
	return (page * page_size(v) + (row * cols(v) + col) * 2) & 0xFFFF;
}


/* The glyph of ch for graphics modes: through INT 43h (a program may have
 * pointed it at its own font with AH=11h). */
static void gfx_glyph(struct vga *v, uint8_t ch, uint8_t *rows_out, unsigned h)
{
	uint8_t ptr[4];
	vgabios_read(v, 0, 0x43 * 4, ptr, 4);
	uint16_t off = (uint16_t)(ptr[0] | ptr[1] << 8), seg = (uint16_t)(ptr[2] | ptr[3] << 8);
	vgabios_read(v, seg, (uint16_t)(off + ch * h), rows_out, h);
}

static void put_char(struct vga *v, unsigned page, unsigned row, unsigned col, uint8_t ch, uint8_t attr,
		     bool use_attr)
{
	if (mode_kind(v, cur_mode(v)) == K_TEXT) {
		uint32_t a = text_offset(v, page, row, col);
		*vga_plane(v, 0, a) = ch;
		if (use_attr)
			*vga_plane(v, 1, a) = attr;
		v->dirty = true;
		return;
	}
	unsigned h = char_height(v);
	uint8_t g[32];
	gfx_glyph(v, ch, g, h);
	/* Background 0; with bit 7 (not in 256-colour modes) the glyph is XORed in. */
	enum kind k = mode_kind(v, cur_mode(v));
	bool xor = (attr & 0x80) && k != K_256 && k != K_LINEAR;
	for (unsigned y = 0; y < h; y++)
		for (unsigned x = 0; x < 8; x++) {
			bool on = g[y] & (0x80 >> x);
			if (!xor || on)
				vgabios_put_pixel(v, page, col * 8 + x, row * h + y, on ? attr : 0);
		}
}

/* AH=08h in graphics modes: the character whose glyph matches the cell
 * (pixels of any non-zero colour are set), or 0. */
static uint8_t read_gfx_char(struct vga *v, unsigned page, unsigned row, unsigned col)
{
	unsigned h = char_height(v);
	uint8_t cell[32] = { 0 };
	for (unsigned y = 0; y < h; y++)
		for (unsigned x = 0; x < 8; x++)
			if (vgabios_get_pixel(v, page, col * 8 + x, row * h + y))
				cell[y] |= (uint8_t)(0x80 >> x);
	for (unsigned c = 0; c < 256; c++) {
		uint8_t g[32];
		gfx_glyph(v, (uint8_t)c, g, h);
		if (memcmp(g, cell, h) == 0)
			return (uint8_t)c;
	}
	return 0;
}

/* Offsets of a text page's cells: text_offset() with the BIOS data read
 * once for a whole row (each read is a guest memory access). */
struct text_page {
	uint32_t base;
	unsigned cols;
};

static struct text_page text_page(struct vga *v, unsigned page)
{
	return (struct text_page){ page * page_size(v), cols(v) };
}

static uint32_t cell_offset(const struct text_page *t, unsigned row, unsigned col)
{
	return (t->base + (row * t->cols + col) * 2) & 0xFFFF;
}

static void copy_cell(struct vga *v, unsigned page, unsigned r_to, unsigned r_from, unsigned c0, unsigned c1)
{
	if (mode_kind(v, cur_mode(v)) == K_TEXT) {
		struct text_page t = text_page(v, page);
		for (unsigned c = c0; c <= c1; c++) {
			uint32_t to = cell_offset(&t, r_to, c), from = cell_offset(&t, r_from, c);
			*vga_plane(v, 0, to) = *vga_plane(v, 0, from);
			*vga_plane(v, 1, to) = *vga_plane(v, 1, from);
		}
		return;
	}
	unsigned h = char_height(v);
	for (unsigned y = 0; y < h; y++)
		for (unsigned x = c0 * 8; x < (c1 + 1) * 8; x++)
			vgabios_put_pixel(v, page, x, r_to * h + y, vgabios_get_pixel(v, page, x, r_from * h + y));
}

static void clear_cells(struct vga *v, unsigned page, unsigned r0, unsigned c0, unsigned r1, unsigned c1,
			uint8_t attr)
{
	bool text = mode_kind(v, cur_mode(v)) == K_TEXT;
	unsigned h = char_height(v);
	struct text_page t = text_page(v, page);
	for (unsigned r = r0; r <= r1; r++) {
		if (text) {
			for (unsigned c = c0; c <= c1; c++) {
				uint32_t a = cell_offset(&t, r, c);
				*vga_plane(v, 0, a) = ' ';
				*vga_plane(v, 1, a) = attr;
			}
			continue;
		}
		for (unsigned y = 0; y < h; y++)
			for (unsigned x = c0 * 8; x < (c1 + 1) * 8; x++)
				vgabios_put_pixel(v, page, x, r * h + y, attr);
	}
}

/* AH=06h/07h: scroll the window (r0,c0)-(r1,c1) of the active page up or
 * down by n lines (0 or more than its height: clear it); new lines get
 * attr (the colour in graphics modes). */
static void scroll(struct vga *v, bool up, unsigned n, uint8_t attr, unsigned r0, unsigned c0, unsigned r1,
		   unsigned c1)
{
	unsigned page = vgabios_bda8(v, 0x62) & 7;
	if (r1 >= rows(v))
		r1 = rows(v) - 1;
	if (c1 >= cols(v))
		c1 = cols(v) - 1;
	if (r0 > r1 || c0 > c1)
		return;
	unsigned height = r1 - r0 + 1;
	v->dirty = true;
	if (n == 0 || n >= height) {
		clear_cells(v, page, r0, c0, r1, c1, attr);
		return;
	}
	if (up) {
		for (unsigned r = r0; r + n <= r1; r++)
			copy_cell(v, page, r, r + n, c0, c1);
		clear_cells(v, page, r1 - n + 1, c0, r1, c1, attr);
	} else {
		for (unsigned r = r1; r >= r0 + n; r--)
			copy_cell(v, page, r, r - n, c0, c1);
		clear_cells(v, page, r0, c0, r0 + n - 1, c1, attr);
	}
}

/* ---- cursor ---- */

static void crtc_set(struct vga *v, uint8_t index, uint8_t val)
{
	if (index < 0x19)
		v->crtc[index] = val;
	v->dirty = true;
}

/* The hardware cursor follows the active page's position. */
static void sync_cursor(struct vga *v)
{
	if (mode_kind(v, cur_mode(v)) != K_TEXT)
		return;
	unsigned page = vgabios_bda8(v, 0x62) & 7;
	unsigned col = vgabios_bda8(v, 0x50 + 2 * page), row = vgabios_bda8(v, 0x51 + 2 * page);
	unsigned cell = (page * page_size(v) / 2 + row * cols(v) + col) & 0xFFFF;
	crtc_set(v, 0x0E, (uint8_t)(cell >> 8));
	crtc_set(v, 0x0F, (uint8_t)cell);
}

/* AH=01h with the VGA's cursor emulation: CGA-style lines (0-7) are
 * scaled to the character height; start bit 5 (or start > end on a text
 * card convention 20h) hides it. */
static void set_cursor_shape(struct vga *v, uint8_t start, uint8_t end)
{
	vgabios_set_bda8(v, 0x60, end);
	vgabios_set_bda8(v, 0x61, start);
	unsigned h = char_height(v);
	uint8_t s = start & 0x1F, e = end & 0x1F;
	if ((start & 0x60) == 0x20) {
		crtc_set(v, 0x0A, 0x20);
		return;
	}
	if (h > 8 && s < 8 && e < 8) {
		if (s >= 6 && e >= 6) { /* underline */
			s = (uint8_t)(h - 3);
			e = (uint8_t)(h - 2);
		} else {
			s = (uint8_t)(s * h / 8);
			e = (uint8_t)((e + 1) * h / 8 - 1);
		}
	}
	crtc_set(v, 0x0A, s);
	crtc_set(v, 0x0B, e);
}

/* ---- mode set ---- */

struct mode_info {
	uint8_t cols, rows, char_h, crt_mode;
	uint16_t page_size;
};

static struct mode_info mode_info(uint8_t mode)
{
	switch (mode) {
	case 0x00: return (struct mode_info){ 40, 25, 16, 0x2C, 0x0800 };
	case 0x01: return (struct mode_info){ 40, 25, 16, 0x28, 0x0800 };
	case 0x02: return (struct mode_info){ 80, 25, 16, 0x2D, 0x1000 };
	case 0x03: return (struct mode_info){ 80, 25, 16, 0x29, 0x1000 };
	case 0x04: return (struct mode_info){ 40, 25, 8, 0x2A, 0x4000 };
	case 0x05: return (struct mode_info){ 40, 25, 8, 0x2E, 0x4000 };
	case 0x06: return (struct mode_info){ 80, 25, 8, 0x1E, 0x4000 };
	case 0x07: return (struct mode_info){ 80, 25, 16, 0x29, 0x1000 };
	case 0x0D: return (struct mode_info){ 40, 25, 8, 0x29, 0x2000 };
	case 0x0E: return (struct mode_info){ 80, 25, 8, 0x29, 0x4000 };
	case 0x0F: case 0x10: return (struct mode_info){ 80, 25, 14, 0x29, 0x8000 };
	case 0x11: case 0x12: return (struct mode_info){ 80, 30, 16, 0x29, 0xA000 };
	default: return (struct mode_info){ 40, 25, 8, 0x29, 0xFA00 }; /* 13h */
	}
}

/* Point INT 43h at a ROM font (graphics characters). */
static void set_vector(struct vga *v, uint8_t vec, uint16_t seg, uint16_t off)
{
	uint8_t p[4] = { (uint8_t)off, (uint8_t)(off >> 8), (uint8_t)seg, (uint8_t)(seg >> 8) };
	vgabios_write(v, 0, (uint16_t)(vec * 4), p, 4);
}

void vgabios_set_mode(struct vga *v, uint8_t al)
{
	uint8_t mode = al & 0x7F;
	if (!vga_load_mode_regs(v, mode))
		return; /* a mode the card has not: nothing changes */
	v->vbe_mode = 0;
	vga_load_dac(v, mode);
	struct mode_info mi = mode_info(mode);
	if (v->adapter == VGA_ADAPTER_EGA && mode <= 0x03)
		mi.char_h = 14; /* 350 lines (vga_modes.c) */
	if (!(al & 0x80)) {
		/* Clear: text cells to blank grey-on-black, graphics to 0. */
		if (mode_kind(v, mode) == K_TEXT) {
			/* The first page (the others stay as they were: a page of
			 * video memory not touched costs the host nothing). */
			uint8_t *chars = vga_plane(v, 0, 0), *attrs = vga_plane(v, 1, 0);
			for (uint32_t a = 0; a < mi.page_size && a < VGA_PLANE_SIZE; a += 2) {
				chars[a] = ' ';
				attrs[a] = 0x07;
			}
		} else {
			memset(v->vram, 0, VGA_PLANE_SIZE * 2);
			memset(v->vram + 2 * VGA_PLANE_SIZE, 0, VGA_PLANE_SIZE * 2);
		}
	}
	vgabios_set_bda8(v, 0x49, mode);
	vgabios_set_bda16(v, 0x4A, mi.cols);
	vgabios_set_bda16(v, 0x4C, mi.page_size);
	vgabios_set_bda16(v, 0x4E, 0);
	for (unsigned k = 0; k < 16; k++)
		vgabios_set_bda8(v, 0x50 + k, 0);
	vgabios_set_bda8(v, 0x62, 0);
	vgabios_set_bda16(v, 0x63, vga_crtc_base(v) + 4);
	vgabios_set_bda8(v, 0x65, mi.crt_mode);
	vgabios_set_bda8(v, 0x66, mode == 0x06 ? 0x3F : 0x30);
	vga_cga_sync(v, mi.crt_mode, mode == 0x06 ? 0x3F : 0x30);
	vgabios_set_bda8(v, 0x84, (uint8_t)(mi.rows - 1));
	vgabios_set_bda16(v, 0x85, mi.char_h);
	vgabios_set_bda8(v, 0x87, (uint8_t)(0x60 | (al & 0x80)));
	if (mode_kind(v, mode) == K_TEXT) {
		vgabios_load_rom_font(v, mi.char_h, 0);
		set_cursor_shape(v, 0x06, 0x07);
	} else {
		uint16_t font = mi.char_h == 8 ? VGABIOS_FONT8 : mi.char_h == 14 ? VGABIOS_FONT14 : VGABIOS_FONT16;
		set_vector(v, 0x43, VGABIOS_ROM_BASE >> 4, font);
		vgabios_set_bda8(v, 0x60, 0x07);
		vgabios_set_bda8(v, 0x61, 0x06);
	}
	sync_cursor(v);
	v->dirty = true;
}

void vgabios_set_rows(struct vga *v, unsigned nrows)
{
	if (mode_kind(v, cur_mode(v)) != K_TEXT)
		return;
	unsigned before = page_size(v);
	vgabios_load_rom_font(v, nrows == 50 ? 8 : 16, 0);
	/* The first page grew: blank its new cells as the mode set did. */
	for (uint32_t a = before; a < page_size(v); a += 2) {
		*vga_plane(v, 0, a) = ' ';
		*vga_plane(v, 1, a) = 0x07;
	}
}

/* ---- teletype ---- */

/* One character of teletype on page `page`: BEL, BS, LF and CR act; others
 * are written (with attr in graphics modes, or when with_attr) and move
 * the cursor, wrapping and scrolling the page. */
static void teletype(struct vga *v, unsigned page, uint8_t ch, uint8_t attr, bool with_attr)
{
	vdd_console_out(v->vm, &ch, 1);
	unsigned col = vgabios_bda8(v, 0x50 + 2 * page), row = vgabios_bda8(v, 0x51 + 2 * page);
	bool text = mode_kind(v, cur_mode(v)) == K_TEXT;
	switch (ch) {
	case 7: return;
	case 8: if (col) col--; break;
	case 10: row++; break;
	case 13: col = 0; break;
	default:
		put_char(v, page, row, col, ch, attr, with_attr || !text);
		col++;
		break;
	}
	if (col >= cols(v)) {
		col = 0;
		row++;
	}
	if (row >= rows(v)) {
		/* The new line takes the attribute at the cursor (colour 0 in graphics). */
		uint8_t fill = text ? *vga_plane(v, 1, text_offset(v, page, rows(v) - 1, col)) : 0;
		unsigned save = vgabios_bda8(v, 0x62);
		vgabios_set_bda8(v, 0x62, (uint8_t)page);
		scroll(v, true, 1, fill, 0, 0, rows(v) - 1, cols(v) - 1);
		vgabios_set_bda8(v, 0x62, (uint8_t)save);
		row = rows(v) - 1;
	}
	vgabios_set_bda8(v, 0x50 + 2 * page, (uint8_t)col);
	vgabios_set_bda8(v, 0x51 + 2 * page, (uint8_t)row);
}

void vgabios_teletype(struct vga *v, uint8_t ch)
{
	teletype(v, vgabios_bda8(v, 0x62) & 7, ch, 0x07, false);
	sync_cursor(v);
}

/* AH=13h: write string ES:BP, CX characters (with attributes when AL bit
 * 1), at DH,DL on page BH; AL bit 0 moves the cursor. */
static void write_string(struct vga *v, struct vm16_regs *r)
{
	uint8_t al = (uint8_t)r->eax, bh = (uint8_t)(r->ebx >> 8), bl = (uint8_t)r->ebx;
	unsigned page = bh & 7, n = r->ecx & 0xFFFF;
	uint16_t seg = r->es, off = (uint16_t)r->ebp;
	uint8_t save_col = vgabios_bda8(v, 0x50 + 2 * page), save_row = vgabios_bda8(v, 0x51 + 2 * page);
	vgabios_set_bda8(v, 0x50 + 2 * page, (uint8_t)r->edx);
	vgabios_set_bda8(v, 0x51 + 2 * page, (uint8_t)(r->edx >> 8));
	for (unsigned k = 0; k < n; k++) {
		uint8_t ch, attr = bl;
		vgabios_read(v, seg, off++, &ch, 1);
		if (al & 2)
			vgabios_read(v, seg, off++, &attr, 1);
		teletype(v, page, ch, attr, true);
	}
	if (!(al & 1)) {
		vgabios_set_bda8(v, 0x50 + 2 * page, save_col);
		vgabios_set_bda8(v, 0x51 + 2 * page, save_row);
	}
}

/* ---- the dispatcher ---- */

/* An unsupported function: said once per AH. */
static void log_once(struct vga *v, uint8_t ah, uint8_t al)
{
	if (v->logged[ah / 32] & (1u << (ah % 32)))
		return;
	v->logged[ah / 32] |= 1u << (ah % 32);
	fprintf(stderr, "mvdm: INT 10h AX=%02X%02Xh is not supported (ignored)\n", ah, al);
}

static int int10_svc(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct vga *v = ctx;
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	uint8_t ah = (uint8_t)(r.eax >> 8), al = (uint8_t)r.eax;
	uint8_t bh = (uint8_t)(r.ebx >> 8), bl = (uint8_t)r.ebx;
	uint8_t ch = (uint8_t)(r.ecx >> 8), cl = (uint8_t)r.ecx;
	uint8_t dh = (uint8_t)(r.edx >> 8), dl = (uint8_t)r.edx;
	unsigned page = bh & 7;
	switch (ah) {
	case 0x00:
		vgabios_set_mode(v, al);
		/* AL on return: 30h for modes 0-5 and 7, 20h for 6, 3Fh for others (RBIL) */
		r.eax = (r.eax & ~0xFFu) | (al <= 5 || al == 7 ? 0x30 : al == 6 ? 0x3F : 0x20);
		break;
	case 0x01: set_cursor_shape(v, ch, cl); break;
	case 0x02:
		vgabios_set_bda8(v, 0x50 + 2 * page, dl);
		vgabios_set_bda8(v, 0x51 + 2 * page, dh);
		break;
	case 0x03:
		r.edx = (r.edx & ~0xFFFFu) | vgabios_bda16(v, 0x50 + 2 * page);
		r.ecx = (r.ecx & ~0xFFFFu) | vgabios_bda16(v, 0x60);
		break;
	case 0x04: r.eax &= ~0xFF00u; break; /* no light pen */
	case 0x05:
		if (al < 8 && page_size(v) && (uint32_t)al * page_size(v) < 0x10000) {
			vgabios_set_bda8(v, 0x62, al);
			vgabios_set_bda16(v, 0x4E, (uint16_t)(al * page_size(v)));
			uint32_t start = al * page_size(v) / (mode_kind(v, cur_mode(v)) == K_TEXT ? 2u : 1u);
			crtc_set(v, 0x0C, (uint8_t)(start >> 8));
			crtc_set(v, 0x0D, (uint8_t)start);
		}
		break;
	case 0x06: case 0x07: scroll(v, ah == 0x06, al, bh, ch, cl, dh, dl); break;
	case 0x08: {
		unsigned row = vgabios_bda8(v, 0x51 + 2 * page), col = vgabios_bda8(v, 0x50 + 2 * page);
		if (mode_kind(v, cur_mode(v)) == K_TEXT) {
			uint32_t a = text_offset(v, page, row, col);
			r.eax = (r.eax & ~0xFFFFu) | (uint32_t)(*vga_plane(v, 1, a) << 8) | *vga_plane(v, 0, a);
		} else {
			r.eax = (r.eax & ~0xFFFFu) | read_gfx_char(v, page, row, col);
		}
		break;
	}
	case 0x09: case 0x0A: {
		unsigned row = vgabios_bda8(v, 0x51 + 2 * page), col = vgabios_bda8(v, 0x50 + 2 * page);
		bool text = mode_kind(v, cur_mode(v)) == K_TEXT;
		unsigned count = r.ecx & 0xFFFF;
		for (unsigned k = 0; k < count && row < rows(v); k++) {
			put_char(v, page, row, col, al, bl, ah == 0x09 || !text);
			if (++col >= cols(v)) {
				col = 0;
				row++;
			}
		}
		break;
	}
	case 0x0B: vgabios_cga_palette(v, &r); break;
	case 0x0C: vgabios_put_pixel(v, page, r.ecx & 0xFFFF, r.edx & 0xFFFF, al); break;
	case 0x0D:
		r.eax = (r.eax & ~0xFFu) | vgabios_get_pixel(v, page, r.ecx & 0xFFFF, r.edx & 0xFFFF);
		break;
	case 0x0E: teletype(v, vgabios_bda8(v, 0x62) & 7, al, bl, false); break;
	case 0x0F:
		r.eax = (r.eax & ~0xFFFFu) | (uint32_t)(cols(v) << 8) | vgabios_bda8(v, 0x49);
		r.ebx = (r.ebx & ~0xFF00u) | (uint32_t)(vgabios_bda8(v, 0x62) << 8);
		break;
	case 0x10: vgabios_palette(v, &r); break;
	case 0x11: vgabios_font(v, &r); break;
	case 0x12: vgabios_alt_select(v, &r); break;
	case 0x13: write_string(v, &r); break;
	case 0x1A: vgabios_dcc(v, &r); break;
	case 0x1B: vgabios_state_info(v, &r); break;
	case 0x1C: vgabios_save_restore(v, &r); break;
	case 0x4F: vbe_call(v, &r); break;
	default: log_once(v, ah, al); break;
	}
	vm16_set_regs(vm, &r);
	sync_cursor(v);
	return 0;
}

int vgabios_text_screen(struct vga *v, struct vm16_screen *s)
{
	memset(s, 0, sizeof(*s));
	s->mode = vgabios_bda8(v, 0x49);
	if (mode_kind(v, s->mode & 0x7F) != K_TEXT || (v->gc[6] & 1))
		return -1;
	unsigned c = cols(v), rw = rows(v);
	if (c > 80)
		c = 80;
	if (rw > 50)
		rw = 50;
	s->cols = (uint8_t)c;
	s->rows = (uint8_t)rw;
	uint16_t start = (uint16_t)(v->crtc[0x0C] << 8 | v->crtc[0x0D]);
	uint16_t cur = (uint16_t)(v->crtc[0x0E] << 8 | v->crtc[0x0F]);
	uint16_t rel = (uint16_t)(cur - start);
	s->cursor_row = (uint8_t)(rel / c);
	s->cursor_col = (uint8_t)(rel % c);
	s->cursor_start = v->crtc[0x0A] & 0x1F;
	s->cursor_end = v->crtc[0x0B] & 0x1F;
	s->cursor_visible = !(v->crtc[0x0A] & 0x20);
	for (unsigned k = 0; k < c * rw; k++) {
		uint32_t a = ((uint32_t)start + k) * 2;
		s->cells[k] = (uint16_t)(*vga_plane(v, 0, a) | (*vga_plane(v, 1, a) << 8));
	}
	return 0;
}

int vgabios_init(struct vga *v)
{
	uint8_t *rom = v->rom; /* page 0 (the fonts are shared pages) */
	memset(rom, 0xFF, VGABIOS_ROM_PAGE);
	rom[0] = 0x55;
	rom[1] = 0xAA;
	rom[2] = VGABIOS_ROM_SIZE / 512;
	rom[3] = 0xCB; /* RETF: its init entry (the board's POST does the work) */
	static const char id[] = "mvdm VGA BIOS";
	memcpy(rom + 0x10, id, sizeof(id));
	int svc = vdd_alloc_svc(v->vm, int10_svc, v);
	if (svc < 0)
		return svc;
	v->svc = (uint8_t)svc;
	rom[VGABIOS_ENTRY] = 0xF4;
	rom[VGABIOS_ENTRY + 1] = v->svc;
	rom[VGABIOS_ENTRY + 2] = (uint8_t)~v->svc;
	rom[VGABIOS_ENTRY + 3] = 0xCF; /* IRET */
	/* AH=1Bh static functionality: modes 00h-13h (bits), 200/350/400
	 * scan lines, 8 font blocks, the VGA's functions (RBIL table 00081). */
	static const uint8_t stat[16] = { 0xFF, 0xE0, 0x0F, 0x00, 0x00, 0x00, 0x00, 0x07, 0x02, 0x08,
					  0xFF, 0x0E, 0x00, 0x00, 0x00, 0x00 };
	memcpy(rom + VGABIOS_STATIC, stat, sizeof(stat));
	int rc = vbe_init_rom(v);
	if (rc < 0)
		return rc;
	vdd_memory_changed(v->vm, VGABIOS_ROM_BASE, VGABIOS_ROM_PAGE);
	set_vector(v, 0x10, VGABIOS_ROM_BASE >> 4, VGABIOS_ENTRY);
	set_vector(v, 0x1F, VGABIOS_ROM_BASE >> 4, VGABIOS_FONT8 + 128 * 8);
	set_vector(v, 0x43, VGABIOS_ROM_BASE >> 4, VGABIOS_FONT8);
	vgabios_set_bda8(v, 0x88, 0x09);
	vgabios_set_bda8(v, 0x89, 0x11);
	vgabios_set_bda8(v, 0x8A, 0x0B);
	return 0;
}
