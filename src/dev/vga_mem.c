/*
 * vga_mem.c - the CPU's window on video memory (A0000h-BFFFFh), through
 * the graphics controller's pipeline (IBM VGA Technical Reference,
 * "Graphics Controller Registers"):
 *
 *   window   GC 06h bits 3-2: A0000h 128 KiB, A0000h 64 KiB, B0000h 32 KiB,
 *            B8000h 32 KiB; outside it reads FFh and writes are ignored.
 *   planes   chain-4 (SEQ 04h bit 3): address bits 1-0 select the plane,
 *            the plane address is the offset with them cleared; odd/even
 *            (SEQ 04h bit 2 clear): bit 0 selects planes 0/2 or 1/3, the
 *            plane address is the offset with bit 0 cleared; else the
 *            map mask (SEQ 02h) selects the planes written, the read map
 *            (GC 04h) the plane read.
 *   reads    load the four latches; read mode 0 returns a plane's byte,
 *            mode 1 the colour compare (GC 02h, don't care GC 07h).
 *   writes   mode 0: the byte rotated (GC 03h bits 2-0), or the set/reset
 *            value (GC 00h) in planes enabled by GC 01h; mode 1: the
 *            latches; mode 2: bit p of the byte spread over plane p;
 *            mode 3: set/reset masked by the rotated byte AND the bit
 *            mask. Modes 0, 2, 3 then apply the logical function with
 *            the latches (GC 03h bits 4-3: none, AND, OR, XOR) and the
 *            bit mask (GC 08h: clear bits come from the latches).
 *   VBE      with a VBE mode on, the window is the 64 KiB bank of the
 *            linear buffer (vbe.c).
 */
#include "dev/vga.h"

/* Offset of addr in the window, or -1 outside it. */
static int32_t window_offset(const struct vga *v, uint32_t addr)
{
	if (v->adapter == VGA_ADAPTER_HERCULES)
		return vga_herc_window(v, addr);
	uint32_t off = addr - 0xA0000;
	switch ((v->gc[6] >> 2) & 3) {
	case 0: return off < 0x20000 ? (int32_t)off : -1;
	case 1: return off < 0x10000 ? (int32_t)off : -1;
	case 2: return off - 0x10000 < 0x8000 ? (int32_t)(off - 0x10000) : -1;
	default: return off - 0x18000 < 0x8000 ? (int32_t)(off - 0x18000) : -1;
	}
}

/* The plane address and the planes a CPU access at window offset off uses. */
static uint32_t plane_address(const struct vga *v, uint32_t off, uint8_t *planes)
{
	if (v->seq[4] & 0x08) {               /* chain-4 */
		*planes = (uint8_t)(1u << (off & 3));
		return off & 0xFFFC;
	}
	if (!(v->seq[4] & 0x04)) {            /* odd/even */
		*planes = (off & 1) ? 0x0A : 0x05;
		return off & 0xFFFE;
	}
	*planes = 0x0F;
	return off & 0xFFFF;
}

static uint32_t linear_offset(const struct vga *v, uint32_t addr)
{
	return (v->lin.bank * 0x10000u + (addr - 0xA0000)) % v->vram_size;
}

uint8_t vga_mem_read(struct vga *v, uint32_t addr)
{
	if (v->lin.on)
		return addr - 0xA0000 < 0x10000 ? v->vram[linear_offset(v, addr)] : 0xFF;
	int32_t off = window_offset(v, addr);
	if (off < 0)
		return 0xFF;
	uint8_t planes;
	uint32_t a = plane_address(v, (uint32_t)off, &planes);
	for (unsigned p = 0; p < 4; p++)
		v->latch[p] = *vga_plane(v, p, a);
	if (v->gc[5] & 0x08) {                /* read mode 1: colour compare */
		uint8_t diff = 0;
		for (unsigned p = 0; p < 4; p++) {
			if (!(v->gc[7] & (1u << p)))
				continue;
			uint8_t want = (v->gc[2] & (1u << p)) ? 0xFF : 0x00;
			diff |= v->latch[p] ^ want;
		}
		return (uint8_t)~diff;
	}
	unsigned plane;
	if (v->seq[4] & 0x08)
		plane = off & 3;
	else if (!(v->seq[4] & 0x04))
		plane = (v->gc[4] & 2) | (off & 1);
	else
		plane = v->gc[4] & 3;
	return v->latch[plane];
}

static uint8_t logic(uint8_t op, uint8_t d, uint8_t latch)
{
	switch (op & 3) {
	case 1: return d & latch;
	case 2: return d | latch;
	case 3: return d ^ latch;
	default: return d;
	}
}

void vga_mem_write(struct vga *v, uint32_t addr, uint8_t val)
{
	if (v->lin.on) {
		if (addr - 0xA0000 < 0x10000) {
			v->vram[linear_offset(v, addr)] = val;
			v->dirty = true;
		}
		return;
	}
	int32_t off = window_offset(v, addr);
	if (off < 0)
		return;
	uint8_t planes;
	uint32_t a = plane_address(v, (uint32_t)off, &planes);
	planes &= v->seq[2] & 0x0F;
	if (!planes)
		return;
	unsigned rot = v->gc[3] & 7, op = (v->gc[3] >> 3) & 3;
	uint8_t r = (uint8_t)((val >> rot) | (val << ((8 - rot) & 7)));
	uint8_t mask = v->gc[8];
	for (unsigned p = 0; p < 4; p++) {
		if (!(planes & (1u << p)))
			continue;
		uint8_t sr = (v->gc[0] & (1u << p)) ? 0xFF : 0x00, d, m = mask;
		switch (v->gc[5] & 3) {
		case 0:
			d = logic((uint8_t)op, (v->gc[1] & (1u << p)) ? sr : r, v->latch[p]);
			break;
		case 1:
			*vga_plane(v, p, a) = v->latch[p];
			continue;
		case 2:
			d = logic((uint8_t)op, (val & (1u << p)) ? 0xFF : 0x00, v->latch[p]);
			break;
		default:
			m &= r;
			d = logic((uint8_t)op, sr, v->latch[p]);
			break;
		}
		*vga_plane(v, p, a) = (uint8_t)((d & m) | (v->latch[p] & ~m));
	}
	v->dirty = true;
}
