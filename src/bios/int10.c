/*
 * int10.c - INT 10h video services for text modes, in the host. The ROM's
 * INT 10h entry is a supervisor call (F4 10h EFh; IRET); this code works on
 * the registers, the text buffer in guest memory, the BIOS data area and
 * the VGA state (dev/vga.c).
 *
 * Functions (RBIL INT 10h): 00h set mode, 01h cursor shape, 02h/03h set/get
 * cursor position, 05h select page, 06h/07h scroll up/down, 08h read
 * character and attribute, 09h/0Ah write character (and attribute), 0Eh
 * teletype, 0Fh get mode, 11h font load (8x8: 50 rows, 8x16: 25 rows) and
 * 1130h font information, 12h/BL=10h EGA information, 1Ah display
 * combination. Others are logged once and leave the registers unchanged.
 * BIOS data area (segment 40h): 49h mode, 4Ah columns, 4Ch page size,
 * 4Eh page offset, 50h cursor positions of pages 0-7 (column, row),
 * 60h/61h cursor end/start line, 62h active page, 63h CRTC port,
 * 84h rows - 1, 85h character height.
 */
#include <stdio.h>
#include <string.h>

#include "bios/bios.h"
#include "common/le.h"
#include "dev/vga.h"
#include "vm/vm_internal.h"

#define BDA(vm, off) ((vm)->ram + 0x400 + (off))

static struct vga *vga_of(struct vm *vm)
{
	return vdd_instance(vm, "vga");
}

static uint16_t page_bytes(const struct vga *v)
{
	/* 40x25: 800h, 80x25: 1000h, 80x50: 2000h (rounded as the BIOS does) */
	uint32_t n = (uint32_t)v->cols * v->rows * 2;
	return (uint16_t)((n + 0x7FF) & ~0x7FFu);
}

static uint8_t *cell(struct vm *vm, const struct vga *v, unsigned page, unsigned row, unsigned col)
{
	uint32_t off = (uint32_t)page * page_bytes(v) + ((uint32_t)row * v->cols + col) * 2;
	return vm->ram + vga_text_base(v) + (off & 0x7FFF);
}

static void text_written(struct vm *vm, const struct vga *v)
{
	cpu_mem_written(&vm->cpu, vga_text_base(v), 0x8000);
}

/* Move the hardware cursor to page `page`'s position when it is active. */
static void sync_cursor(struct vm *vm, struct vga *v)
{
	unsigned page = *BDA(vm, 0x62) & 7;
	uint8_t col = *BDA(vm, 0x50 + 2 * page), row = *BDA(vm, 0x51 + 2 * page);
	vga_set_cursor_offset(v, (uint16_t)(page * page_bytes(v) / 2 + row * v->cols + col));
}

static void fill(struct vm *vm, const struct vga *v, unsigned page, unsigned r0, unsigned c0, unsigned r1,
		 unsigned c1, uint8_t attr)
{
	for (unsigned r = r0; r <= r1; r++)
		for (unsigned c = c0; c <= c1; c++) {
			uint8_t *p = cell(vm, v, page, r, c);
			p[0] = ' ';
			p[1] = attr;
		}
}

/* Scroll the window (r0,c0)-(r1,c1) of the active page up (or down) by n
 * lines; n = 0 or more than the height clears it. New lines get attr. */
static void scroll(struct vm *vm, struct vga *v, bool up, unsigned n, uint8_t attr, unsigned r0, unsigned c0,
		   unsigned r1, unsigned c1)
{
	unsigned page = *BDA(vm, 0x62) & 7;
	if (r1 >= v->rows)
		r1 = v->rows - 1u;
	if (c1 >= v->cols)
		c1 = v->cols - 1u;
	if (r0 > r1 || c0 > c1)
		return;
	unsigned height = r1 - r0 + 1;
	if (n == 0 || n >= height) {
		fill(vm, v, page, r0, c0, r1, c1, attr);
		return;
	}
	size_t width = (c1 - c0 + 1) * 2;
	if (up) {
		for (unsigned r = r0; r + n <= r1; r++)
			memmove(cell(vm, v, page, r, c0), cell(vm, v, page, r + n, c0), width);
		fill(vm, v, page, r1 - n + 1, c0, r1, c1, attr);
	} else {
		for (unsigned r = r1; r >= r0 + n; r--)
			memmove(cell(vm, v, page, r, c0), cell(vm, v, page, r - n, c0), width);
		fill(vm, v, page, r0, c0, r0 + n - 1, c1, attr);
	}
}

static void set_bda_mode(struct vm *vm, const struct vga *v)
{
	*BDA(vm, 0x49) = v->mode;
	put16(BDA(vm, 0x4A), v->cols);
	put16(BDA(vm, 0x4C), page_bytes(v));
	put16(BDA(vm, 0x4E), 0);
	memset(BDA(vm, 0x50), 0, 16);
	uint8_t start, end;
	bool visible;
	vga_cursor_shape(v, &start, &end, &visible);
	*BDA(vm, 0x60) = end;
	*BDA(vm, 0x61) = start;
	*BDA(vm, 0x62) = 0;
	put16(BDA(vm, 0x63), v->mono ? 0x3B4 : 0x3D4);
	*BDA(vm, 0x84) = (uint8_t)(v->rows - 1);
	put16(BDA(vm, 0x85), v->char_height);
}

/* VIDEO_MODE_RESTRICTION (vdd_vga.c): the modes a colour-only (0-3) or
 * a monochrome-only (7) card has. A card without the mode leaves the
 * current one as it is. */
static bool mode_allowed(const struct vm *vm, uint8_t mode)
{
	switch (vdd_property(vm, "VIDEO_MODE_RESTRICTION")) {
	case VM_VIDEO_RESTRICT_COLOR: return mode <= 0x03;
	case VM_VIDEO_RESTRICT_MONO: return mode == 0x07;
	default: return true;
	}
}

void bios_video_set_mode(struct vm *vm, uint8_t mode)
{
	struct vga *v = vga_of(vm);
	if (!v || !mode_allowed(vm, mode & 0x7F) || !vga_set_mode(v, mode & 0x7F))
		return;
	set_bda_mode(vm, v);
	if (!(mode & 0x80)) {
		for (unsigned k = 0; k < 0x8000; k += 2) {
			vm->ram[vga_text_base(v) + k] = ' ';
			vm->ram[vga_text_base(v) + k + 1] = 0x07;
		}
	}
	text_written(vm, v);
	sync_cursor(vm, v);
}

void bios_video_set_rows(struct vm *vm, uint8_t rows)
{
	struct vga *v = vga_of(vm);
	if (!v)
		return;
	vga_set_rows(v, rows);
	set_bda_mode(vm, v);
	sync_cursor(vm, v);
}

/* Teletype output of one character on page `page` (BEL, BS, LF, CR acted on). */
static void teletype(struct vm *vm, struct vga *v, unsigned page, uint8_t ch, uint8_t attr, bool use_attr)
{
	if (vm->con_tap)
		vm->con_tap(vm->con_tap_ctx, &ch, 1);
	uint8_t *pos = BDA(vm, 0x50 + 2 * page);
	unsigned col = pos[0], row = pos[1];
	switch (ch) {
	case 7: return;
	case 8: if (col) col--; break;
	case 10: row++; break;
	case 13: col = 0; break;
	default: {
		uint8_t *p = cell(vm, v, page, row, col);
		p[0] = ch;
		if (use_attr)
			p[1] = attr;
		col++;
		break;
	}
	}
	if (col >= v->cols) {
		col = 0;
		row++;
	}
	if (row >= v->rows) {
		/* New line takes the attribute of the cell at the cursor. */
		uint8_t fill_attr = cell(vm, v, page, v->rows - 1u, col)[1];
		scroll(vm, v, true, 1, fill_attr, 0, 0, v->rows - 1u, v->cols - 1u);
		row = v->rows - 1u;
	}
	pos[0] = (uint8_t)col;
	pos[1] = (uint8_t)row;
}

void bios_teletype(struct vm *vm, uint8_t ch)
{
	struct vga *v = vga_of(vm);
	if (!v) {
		if (vm->con_tap)
			vm->con_tap(vm->con_tap_ctx, &ch, 1);
		return;
	}
	teletype(vm, v, *BDA(vm, 0x62) & 7, ch, 0, false);
	sync_cursor(vm, v);
}

void vm16_set_console_tap(struct vm *vm, vm16_tap_fn fn, void *ctx)
{
	vm->con_tap = fn;
	vm->con_tap_ctx = ctx;
}

static int int10_svc(struct vm *vm, void *ctx, uint8_t n)
{
	(void)ctx;
	(void)n;
	struct cpu *c = &vm->cpu;
	struct vga *v = vga_of(vm);
	uint8_t ah = c->r[REG_AX].b[1], al = c->r[REG_AX].b[0];
	uint8_t bh = c->r[REG_BX].b[1], bl = c->r[REG_BX].b[0];
	uint8_t ch = c->r[REG_CX].b[1], cl = c->r[REG_CX].b[0];
	uint8_t dh = c->r[REG_DX].b[1], dl = c->r[REG_DX].b[0];
	if (!v) {
		if (ah == 0x0E && vm->con_tap)
			vm->con_tap(vm->con_tap_ctx, &al, 1);
		return 0; /* no display: nothing else answers */
	}
	unsigned page = bh & 7;
	switch (ah) {
	case 0x00:
		bios_video_set_mode(vm, al);
		break;
	case 0x01:
		vga_set_cursor_shape(v, ch, cl);
		*BDA(vm, 0x60) = cl;
		*BDA(vm, 0x61) = ch;
		break;
	case 0x02:
		*BDA(vm, 0x50 + 2 * page) = dl;
		*BDA(vm, 0x51 + 2 * page) = dh;
		break;
	case 0x03:
		c->r[REG_DX].b[0] = *BDA(vm, 0x50 + 2 * page);
		c->r[REG_DX].b[1] = *BDA(vm, 0x51 + 2 * page);
		c->r[REG_CX].b[0] = *BDA(vm, 0x60);
		c->r[REG_CX].b[1] = *BDA(vm, 0x61);
		break;
	case 0x05:
		*BDA(vm, 0x62) = al & 7;
		put16(BDA(vm, 0x4E), (uint16_t)((al & 7) * page_bytes(v)));
		vga_write(v, v->mono ? 0x3B4 : 0x3D4, 0x0C);
		vga_write(v, v->mono ? 0x3B5 : 0x3D5, (uint8_t)(((al & 7) * page_bytes(v) / 2) >> 8));
		vga_write(v, v->mono ? 0x3B4 : 0x3D4, 0x0D);
		vga_write(v, v->mono ? 0x3B5 : 0x3D5, (uint8_t)((al & 7) * page_bytes(v) / 2));
		break;
	case 0x06:
	case 0x07:
		scroll(vm, v, ah == 0x06, al, bh, ch, cl, dh, dl);
		break;
	case 0x08: {
		uint8_t *p = cell(vm, v, page, *BDA(vm, 0x51 + 2 * page), *BDA(vm, 0x50 + 2 * page));
		c->r[REG_AX].b[0] = p[0];
		c->r[REG_AX].b[1] = p[1];
		break;
	}
	case 0x09:
	case 0x0A: {
		unsigned row = *BDA(vm, 0x51 + 2 * page), col = *BDA(vm, 0x50 + 2 * page);
		unsigned count = c->r[REG_CX].w[0];
		for (unsigned k = 0; k < count && row < v->rows; k++) {
			uint8_t *p = cell(vm, v, page, row, col);
			p[0] = al;
			if (ah == 0x09)
				p[1] = bl;
			if (++col >= v->cols) {
				col = 0;
				row++;
			}
		}
		break;
	}
	case 0x0E:
		teletype(vm, v, *BDA(vm, 0x62) & 7, al, bl, false);
		break;
	case 0x0F:
		c->r[REG_AX].b[0] = *BDA(vm, 0x49);
		c->r[REG_AX].b[1] = (uint8_t)get16(BDA(vm, 0x4A));
		c->r[REG_BX].b[1] = *BDA(vm, 0x62);
		break;
	case 0x11:
		if (al == 0x12 || al == 0x02) {
			bios_video_set_rows(vm, 50);
		} else if (al == 0x14 || al == 0x04 || al == 0x11 || al == 0x01) {
			bios_video_set_rows(vm, 25);
		} else if (al == 0x30) {
			c->r[REG_CX].w[0] = v->char_height;
			c->r[REG_DX].b[0] = (uint8_t)(v->rows - 1);
		}
		break;
	case 0x12:
		if (bl == 0x10) {
			c->r[REG_BX].b[1] = v->mono ? 1 : 0; /* BH: colour/mono */
			c->r[REG_BX].b[0] = 3;              /* BL: 256 KiB */
			c->r[REG_CX].w[0] = 0x0009;
		}
		break;
	case 0x1A:
		if (al == 0x00) {
			c->r[REG_AX].b[0] = 0x1A;
			c->r[REG_BX].w[0] = v->mono ? 0x0007 : 0x0008;
		}
		break;
	default:
		if (!(vm->bios_logged & 1)) {
			vm->bios_logged |= 1;
			vm16_log(vm, VM16_LOG_BIOS, "INT 10h AH=%02Xh is not supported (ignored)", ah);
		}
		break;
	}
	text_written(vm, v);
	sync_cursor(vm, v);
	return 0;
}

void bios_int10_install(struct vm *vm)
{
	vm_set_svc_internal(vm, BIOS_SVC_INT10, int10_svc, NULL);
}

int vm16_screen(struct vm *vm, struct vm16_screen *s)
{
	struct vga *v = vga_of(vm);
	if (!v)
		return -1;
	memset(s, 0, sizeof(*s));
	s->mode = v->mode;
	s->cols = v->cols;
	s->rows = v->rows;
	uint16_t start = (uint16_t)((v->crtc[0x0C] << 8) | v->crtc[0x0D]);
	uint16_t cur = vga_cursor_offset(v);
	uint16_t rel = (uint16_t)(cur - start);
	s->cursor_row = (uint8_t)(rel / v->cols);
	s->cursor_col = (uint8_t)(rel % v->cols);
	vga_cursor_shape(v, &s->cursor_start, &s->cursor_end, &s->cursor_visible);
	for (unsigned k = 0; k < (unsigned)v->cols * v->rows; k++) {
		const uint8_t *p = vm->ram + vga_text_base(v) + (((uint32_t)start + k) * 2 & 0x7FFF);
		s->cells[k] = (uint16_t)(p[0] | (p[1] << 8));
	}
	return 0;
}
