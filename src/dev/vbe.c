/*
 * vbe.c - the VESA BIOS Extension 2.0 of the video VDD (VESA BIOS
 * Extension Core Functions Standard, version 2.0): INT 10h AX=4F00h-4F0Ah.
 *
 * Modes: packed-pixel 8 bits and direct colour 15 (5:5:5), 16 (5:6:5),
 * 24 and 32 bits at 320x200, 640x400 (8 bits), 640x480, 800x600 and
 * 1024x768, numbered as VBE 1.2 numbered them (100h-118h), the 32-bit
 * ones at 120h-123h. Each mode has a 64 KiB read/write window A at A000h
 * (64 KiB granularity, moved with 4F05h or the far call in the mode
 * information) and a linear frame buffer at VBE_LFB_BASE, a physical
 * address above RAM (claimed through vdd_claim_memory: the CPU reaches it
 * once it runs in protected mode with a DPMI host that maps it).
 * Status in AX: 004Fh success, 014Fh failed, 024Fh not supported in this
 * configuration, 034Fh invalid in this mode.
 * 4F0Ah returns the protected-mode table of vbe_pm.asm (32-bit code that
 * reaches the card through its VBE registers, vga_dispi.c), copied into
 * the ROM at ROM_PMTABLE.
 */
#include <errno.h>
#include <string.h>

#include "dev/vgabios.h"
#include "mvdm/vdd.h"

enum { VBE_OK = 0x004F, VBE_FAIL = 0x014F, VBE_INVALID = 0x034F };

struct vbe_mode {
	uint16_t number, width, height;
	uint8_t bpp;
};

static const struct vbe_mode vbe_modes[] = {
	{ 0x100, 640, 400, 8 },   { 0x101, 640, 480, 8 },    { 0x103, 800, 600, 8 },   { 0x105, 1024, 768, 8 },
	{ 0x10D, 320, 200, 15 },  { 0x10E, 320, 200, 16 },   { 0x10F, 320, 200, 24 },  { 0x110, 640, 480, 15 },
	{ 0x111, 640, 480, 16 },  { 0x112, 640, 480, 24 },   { 0x113, 800, 600, 15 },  { 0x114, 800, 600, 16 },
	{ 0x115, 800, 600, 24 },  { 0x116, 1024, 768, 15 },  { 0x117, 1024, 768, 16 }, { 0x118, 1024, 768, 24 },
	{ 0x120, 320, 200, 32 },  { 0x121, 640, 480, 32 },   { 0x122, 800, 600, 32 },  { 0x123, 1024, 768, 32 },
};
enum { NMODES = sizeof(vbe_modes) / sizeof(vbe_modes[0]) };

static const struct vbe_mode *find_mode(uint16_t number)
{
	for (unsigned k = 0; k < NMODES; k++)
		if (vbe_modes[k].number == (number & 0x1FF))
			return &vbe_modes[k];
	return NULL;
}

static unsigned bytes_pp(uint8_t bpp)
{
	return (bpp + 7u) / 8u;
}

/* ROM layout after VGABIOS_VBE_MODES: the mode list, the strings, and the
 * window function (a far call that does 4F05h). */
enum { ROM_WINFN = VGABIOS_VBE_STRINGS + 0x80, ROM_PMTABLE = VGABIOS_VBE_STRINGS + 0x100 };

extern const uint8_t vbe_pm_code[];
extern const size_t vbe_pm_code_size;
static const char oem[] = "mvdm VGA", vendor[] = "mvdm", product[] = "mvdm SVGA", rev[] = "2.0";

int vbe_init_rom(struct vga *v)
{
	uint8_t *p = v->rom + VGABIOS_VBE_MODES;
	for (unsigned k = 0; k < NMODES; k++) {
		p[2 * k] = (uint8_t)vbe_modes[k].number;
		p[2 * k + 1] = (uint8_t)(vbe_modes[k].number >> 8);
	}
	p[2 * NMODES] = p[2 * NMODES + 1] = 0xFF;
	uint8_t *s = v->rom + VGABIOS_VBE_STRINGS;
	memcpy(s, oem, sizeof(oem));
	memcpy(s + 0x20, vendor, sizeof(vendor));
	memcpy(s + 0x40, product, sizeof(product));
	memcpy(s + 0x60, rev, sizeof(rev));
	/* push ax; mov ax, 4F05h; int 10h; pop ax; retf */
	static const uint8_t winfn[] = { 0x50, 0xB8, 0x05, 0x4F, 0xCD, 0x10, 0x58, 0xCB };
	memcpy(v->rom + ROM_WINFN, winfn, sizeof(winfn));
	if (ROM_PMTABLE + vbe_pm_code_size > VGABIOS_FONT8)
		return -EOVERFLOW;
	memcpy(v->rom + ROM_PMTABLE, vbe_pm_code, vbe_pm_code_size);
	return 0;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xFFFF);
	put16(p + 2, v >> 16);
}

static void far_ptr(uint8_t *p, unsigned off)
{
	put16(p, off);
	put16(p + 2, VGABIOS_ROM_BASE >> 4);
}

/* 4F00h: VbeInfoBlock at ES:DI (512 bytes when the caller put "VBE2" in
 * it, else 256). */
static uint16_t controller_info(struct vga *v, struct vm16_regs *r)
{
	uint8_t b[512] = { 0 };
	uint8_t sig[4];
	vgabios_read(v, r->es, (uint16_t)r->edi, sig, 4);
	bool v2 = memcmp(sig, "VBE2", 4) == 0;
	memcpy(b, "VESA", 4);
	put16(b + 4, 0x0200);
	far_ptr(b + 6, VGABIOS_VBE_STRINGS);
	put32(b + 10, 1); /* DAC switchable to 8 bits */
	far_ptr(b + 14, VGABIOS_VBE_MODES);
	put16(b + 18, v->vram_size / 0x10000);
	put16(b + 20, 0x0100);
	far_ptr(b + 22, VGABIOS_VBE_STRINGS + 0x20);
	far_ptr(b + 26, VGABIOS_VBE_STRINGS + 0x40);
	far_ptr(b + 30, VGABIOS_VBE_STRINGS + 0x60);
	vgabios_write(v, r->es, (uint16_t)r->edi, b, v2 ? 512 : 256);
	return VBE_OK;
}

/* 4F01h: ModeInfoBlock for mode CX at ES:DI (256 bytes). */
static uint16_t mode_info(struct vga *v, struct vm16_regs *r)
{
	const struct vbe_mode *m = find_mode((uint16_t)r->ecx);
	if (!m)
		return VBE_FAIL;
	uint8_t b[256] = { 0 };
	uint32_t pitch = m->width * bytes_pp(m->bpp);
	uint32_t size = pitch * m->height;
	bool fits = size <= v->vram_size;
	put16(b + 0, (fits ? 0x01 : 0) | 0x02 | 0x04 | 0x08 | 0x10 | 0x80);
	b[2] = 0x07; /* window A: exists, readable, writable */
	put16(b + 4, 64);
	put16(b + 6, 64);
	put16(b + 8, 0xA000);
	put16(b + 12, ROM_WINFN);
	put16(b + 14, VGABIOS_ROM_BASE >> 4);
	put16(b + 16, pitch);
	put16(b + 18, m->width);
	put16(b + 20, m->height);
	b[22] = 8;
	b[23] = 16;
	b[24] = 1;
	b[25] = m->bpp;
	b[26] = 1;
	b[27] = m->bpp == 8 ? 4 : 6; /* packed pixel, direct colour */
	b[29] = (uint8_t)(size ? (v->vram_size / size > 1 ? v->vram_size / size - 1 : 0) : 0);
	b[30] = 1;
	static const uint8_t masks[4][8] = {
		{ 5, 10, 5, 5, 5, 0, 1, 15 },  /* 15: r g b rsvd (size, position) */
		{ 5, 11, 6, 5, 5, 0, 0, 0 },   /* 16 */
		{ 8, 16, 8, 8, 8, 0, 0, 0 },   /* 24 */
		{ 8, 16, 8, 8, 8, 0, 8, 24 },  /* 32 */
	};
	if (m->bpp > 8)
		memcpy(b + 31, masks[m->bpp == 15 ? 0 : m->bpp == 16 ? 1 : m->bpp == 24 ? 2 : 3], 8);
	put32(b + 40, VBE_LFB_BASE);
	put32(b + 44, size);
	put16(b + 48, (v->vram_size - size) / 1024);
	vgabios_write(v, r->es, (uint16_t)r->edi, b, sizeof(b));
	return fits ? VBE_OK : VBE_FAIL;
}

static uint16_t set_mode(struct vga *v, struct vm16_regs *r)
{
	uint16_t bx = (uint16_t)r->ebx;
	if ((bx & 0x1FF) < 0x100) {
		vgabios_set_mode(v, (uint8_t)((bx & 0x7F) | ((bx & 0x8000) ? 0x80 : 0)));
		return (vgabios_bda8(v, 0x49) & 0x7F) == (bx & 0x7F) ? VBE_OK : VBE_FAIL;
	}
	const struct vbe_mode *m = find_mode(bx);
	if (!m || (uint32_t)m->width * bytes_pp(m->bpp) * m->height > v->vram_size)
		return VBE_FAIL;
	/* A graphics base: mode 13h's registers (the renderer then shows the
	 * linear buffer), the 8x16 font for text output, the default DAC. */
	vgabios_set_mode(v, 0x93);
	struct vga_linear *l = &v->lin;
	memset(l, 0, sizeof(*l));
	l->on = true;
	l->width = m->width;
	l->height = m->height;
	l->bpp = m->bpp;
	l->pitch = m->width * bytes_pp(m->bpp);
	if (!(bx & 0x8000))
		memset(v->vram, 0, (size_t)l->pitch * l->height);
	v->vbe_mode = bx & 0x41FF;
	vgabios_set_bda16(v, 0x4A, (uint16_t)(m->width / 8));
	vgabios_set_bda8(v, 0x84, (uint8_t)(m->height / 16 - 1));
	vgabios_set_bda16(v, 0x85, 16);
	uint8_t p[4] = { VGABIOS_FONT16 & 0xFF, VGABIOS_FONT16 >> 8, (VGABIOS_ROM_BASE >> 4) & 0xFF,
			 (VGABIOS_ROM_BASE >> 4) >> 8 };
	vgabios_write(v, 0, 0x43 * 4, p, 4);
	v->dirty = true;
	return VBE_OK;
}

/* 4F06h: logical scan line length. */
static uint16_t scan_length(struct vga *v, struct vm16_regs *r)
{
	struct vga_linear *l = &v->lin;
	if (!l->on)
		return VBE_INVALID;
	unsigned bpp = bytes_pp(l->bpp);
	uint8_t bl = (uint8_t)r->ebx;
	uint32_t cx = r->ecx & 0xFFFF;
	uint32_t pitch = l->pitch;
	switch (bl) {
	case 0: pitch = cx * bpp; break;
	case 2: pitch = (cx + bpp - 1) / bpp * bpp; break;
	case 1: break;
	case 3: pitch = v->vram_size / l->height / bpp * bpp; break;
	default: return VBE_FAIL;
	}
	if (pitch < (uint32_t)l->width * bpp || pitch > 0xFFFF || (uint64_t)pitch * l->height > v->vram_size)
		return VBE_FAIL;
	if (bl == 0 || bl == 2)
		l->pitch = pitch;
	uint32_t shown = bl == 3 ? pitch : l->pitch;
	r->ebx = (r->ebx & ~0xFFFFu) | shown;
	r->ecx = (r->ecx & ~0xFFFFu) | shown / bpp;
	r->edx = (r->edx & ~0xFFFFu) | (uint32_t)(v->vram_size / shown > 0xFFFF ? 0xFFFF : v->vram_size / shown);
	v->dirty = true;
	return VBE_OK;
}

/* 4F07h: display start. */
static uint16_t display_start(struct vga *v, struct vm16_regs *r)
{
	struct vga_linear *l = &v->lin;
	if (!l->on)
		return VBE_INVALID;
	uint8_t bl = (uint8_t)r->ebx;
	unsigned bpp = bytes_pp(l->bpp);
	if (bl == 0x01) {
		r->ecx = (r->ecx & ~0xFFFFu) | (l->start % l->pitch) / bpp;
		r->edx = (r->edx & ~0xFFFFu) | l->start / l->pitch;
		r->ebx &= ~0xFF00u;
		return VBE_OK;
	}
	if (bl != 0x00 && bl != 0x80)
		return VBE_FAIL;
	uint64_t start = (uint64_t)(r->edx & 0xFFFF) * l->pitch + (uint64_t)(r->ecx & 0xFFFF) * bpp;
	if (start + (uint64_t)l->pitch * l->height > v->vram_size)
		return VBE_FAIL;
	l->start = (uint32_t)start;
	v->dirty = true;
	return VBE_OK;
}

/* 4F09h: palette data as B, G, R, alignment bytes. */
static uint16_t palette_data(struct vga *v, struct vm16_regs *r)
{
	uint8_t bl = (uint8_t)r->ebx;
	unsigned first = r->edx & 0xFFFF, count = r->ecx & 0xFFFF;
	if (first > 255 || count > 256 - first)
		return VBE_FAIL;
	uint8_t m = v->lin.dac8 ? 0xFF : 0x3F;
	for (unsigned k = 0; k < count; k++) {
		uint8_t e[4];
		uint16_t off = (uint16_t)(r->edi + 4 * k);
		if (bl == 0x00 || bl == 0x80) {
			vgabios_read(v, r->es, off, e, 4);
			v->dac[first + k][0] = e[2] & m;
			v->dac[first + k][1] = e[1] & m;
			v->dac[first + k][2] = e[0] & m;
		} else if (bl == 0x01) {
			e[0] = v->dac[first + k][2];
			e[1] = v->dac[first + k][1];
			e[2] = v->dac[first + k][0];
			e[3] = 0;
			vgabios_write(v, r->es, off, e, 4);
		} else {
			return VBE_FAIL;
		}
	}
	v->dirty = true;
	return VBE_OK;
}

void vbe_call(struct vga *v, struct vm16_regs *r)
{
	uint16_t status = VBE_FAIL;
	if (v->adapter != VGA_ADAPTER_VGA) {
		return; /* no VBE: AX stays as it was (not 004Fh) */
	}
	switch ((uint8_t)r->eax) {
	case 0x00: status = controller_info(v, r); break;
	case 0x01: status = mode_info(v, r); break;
	case 0x02: status = set_mode(v, r); break;
	case 0x03:
		r->ebx = (r->ebx & ~0xFFFFu) | (v->lin.on ? v->vbe_mode : (vgabios_bda8(v, 0x49) & 0x7F));
		status = VBE_OK;
		break;
	case 0x04: { /* save/restore: DL 0 size, 1 save, 2 restore; CX as AH=1Ch */
		struct vm16_regs t = *r;
		uint8_t dl = (uint8_t)r->edx;
		if (dl > 2)
			break;
		t.eax = (t.eax & ~0xFFu) | dl;
		vgabios_save_restore(v, &t);
		if (dl == 0)
			r->ebx = t.ebx;
		status = VBE_OK;
		break;
	}
	case 0x05: {
		uint8_t bh = (uint8_t)(r->ebx >> 8), bl = (uint8_t)r->ebx;
		if (bl != 0) {
			status = VBE_FAIL; /* window B does not exist */
		} else if (bh == 0) {
			uint32_t dx = r->edx & 0xFFFF;
			status = dx < v->vram_size / 0x10000 ? VBE_OK : VBE_FAIL;
			if (status == VBE_OK)
				v->lin.bank = dx;
		} else if (bh == 1) {
			r->edx = (r->edx & ~0xFFFFu) | v->lin.bank;
			status = VBE_OK;
		}
		break;
	}
	case 0x06: status = scan_length(v, r); break;
	case 0x07: status = display_start(v, r); break;
	case 0x08: {
		uint8_t bl = (uint8_t)r->ebx, bh = (uint8_t)(r->ebx >> 8);
		if (bl == 0x00) {
			bool to8 = bh >= 8;
			if (to8 != v->lin.dac8) {
				for (unsigned k = 0; k < 256; k++)
					for (unsigned c = 0; c < 3; c++)
						v->dac[k][c] = to8 ? (uint8_t)(v->dac[k][c] << 2) : (uint8_t)(v->dac[k][c] >> 2);
				v->lin.dac8 = to8;
				v->dirty = true;
			}
		} else if (bl != 0x01) {
			break;
		}
		r->ebx = (r->ebx & ~0xFF00u) | (v->lin.dac8 ? 0x0800u : 0x0600u);
		status = VBE_OK;
		break;
	}
	case 0x09: status = palette_data(v, r); break;
	case 0x0A: /* ES:DI = the table, CX = its length with the code */
		if ((uint8_t)r->ebx != 0)
			break;
		r->es = VGABIOS_ROM_BASE >> 4;
		r->edi = (r->edi & ~0xFFFFu) | ROM_PMTABLE;
		r->ecx = (r->ecx & ~0xFFFFu) | (uint32_t)vbe_pm_code_size;
		status = VBE_OK;
		break;
	default: break;
	}
	r->eax = (r->eax & ~0xFFFFu) | status;
}
