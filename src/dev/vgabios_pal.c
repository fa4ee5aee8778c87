/*
 * vgabios_pal.c - INT 10h AH=10h (palette registers and DAC, RBIL INT
 * 10/AX=1000h-101Bh) and AH=0Bh (the CGA palette: BH=0 background or
 * border, BH=1 palette 0/1 of modes 4/5).
 */
#include "dev/vgabios.h"

static void ac_set(struct vga *v, unsigned index, uint8_t val)
{
	v->ac[index & 0x1F] = val;
	v->dirty = true;
}

void vgabios_cga_palette(struct vga *v, struct vm16_regs *r)
{
	uint8_t bh = (uint8_t)(r->ebx >> 8), bl = (uint8_t)r->ebx;
	uint8_t mode = vgabios_bda8(v, 0x49) & 0x7F;
	uint8_t pal = vgabios_bda8(v, 0x66);
	if (bh == 0) {
		pal = (uint8_t)((pal & 0xE0) | (bl & 0x1F));
		/* Background (colour 0) in graphics modes, border in text modes. */
		uint8_t c = (uint8_t)((bl & 7) | ((bl & 8) ? 0x10 : 0));
		if (mode == 0x04 || mode == 0x05 || mode == 0x06 || (v->gc[6] & 1))
			ac_set(v, 0, c);
		ac_set(v, 0x11, c);
	} else if (bh == 1 && (mode == 0x04 || mode == 0x05)) {
		pal = (uint8_t)((pal & ~0x20) | ((bl & 1) << 5));
		/* Palette 0: green, red, brown; palette 1: cyan, magenta, white. */
		for (unsigned k = 1; k < 4; k++)
			ac_set(v, k, (uint8_t)(((bl & 1) ? 2 * k + 1 : 2 * k) | ((pal & 0x10) ? 0x10 : 0)));
	}
	vgabios_set_bda8(v, 0x66, pal);
	vga_cga_sync(v, v->cga_mode, pal);
}

static void dac_set(struct vga *v, unsigned index, uint8_t rr, uint8_t gg, uint8_t bb)
{
	uint8_t m = v->lin.dac8 ? 0xFF : 0x3F;
	v->dac[index & 0xFF][0] = rr & m;
	v->dac[index & 0xFF][1] = gg & m;
	v->dac[index & 0xFF][2] = bb & m;
	v->dirty = true;
}

void vgabios_palette(struct vga *v, struct vm16_regs *r)
{
	uint8_t al = (uint8_t)r->eax, bh = (uint8_t)(r->ebx >> 8), bl = (uint8_t)r->ebx;
	uint16_t bx = (uint16_t)r->ebx, cx = (uint16_t)r->ecx, dx = (uint16_t)r->edx;
	switch (al) {
	case 0x00: if (bl < 0x15) ac_set(v, bl, bh); break;
	case 0x01: ac_set(v, 0x11, bh); break;
	case 0x02: {
		uint8_t t[17];
		vgabios_read(v, r->es, dx, t, sizeof(t));
		for (unsigned k = 0; k < 16; k++)
			ac_set(v, k, t[k]);
		ac_set(v, 0x11, t[16]);
		break;
	}
	case 0x03: /* BL=0: intensity, 1: blink */
		ac_set(v, 0x10, (uint8_t)((v->ac[0x10] & ~0x08) | ((bl & 1) << 3)));
		break;
	case 0x07: if (bl < 0x15) r->ebx = (r->ebx & ~0xFF00u) | (uint32_t)(v->ac[bl] << 8); break;
	case 0x08: r->ebx = (r->ebx & ~0xFF00u) | (uint32_t)(v->ac[0x11] << 8); break;
	case 0x09: {
		uint8_t t[17];
		for (unsigned k = 0; k < 16; k++)
			t[k] = v->ac[k];
		t[16] = v->ac[0x11];
		vgabios_write(v, r->es, dx, t, sizeof(t));
		break;
	}
	case 0x10: dac_set(v, bx, (uint8_t)(dx >> 8), (uint8_t)(cx >> 8), (uint8_t)cx); break;
	case 0x12:
		for (unsigned k = 0; k < cx && bx + k < 256; k++) {
			uint8_t c[3];
			vgabios_read(v, r->es, (uint16_t)(dx + 3 * k), c, 3);
			dac_set(v, bx + k, c[0], c[1], c[2]);
		}
		break;
	case 0x13:
		if (bl == 0)
			ac_set(v, 0x10, (uint8_t)((v->ac[0x10] & ~0x80) | ((bh & 1) << 7)));
		else
			ac_set(v, 0x14, (v->ac[0x10] & 0x80) ? (bh & 3) : (uint8_t)((bh & 3) << 2));
		break;
	case 0x15: {
		const uint8_t *c = v->dac[bx & 0xFF];
		r->edx = (r->edx & ~0xFF00u) | (uint32_t)(c[0] << 8);
		r->ecx = (r->ecx & ~0xFFFFu) | (uint32_t)(c[1] << 8) | c[2];
		break;
	}
	case 0x17:
		for (unsigned k = 0; k < cx && bx + k < 256; k++)
			vgabios_write(v, r->es, (uint16_t)(dx + 3 * k), v->dac[bx + k], 3);
		break;
	case 0x18: v->pel_mask = bl; v->dirty = true; break;
	case 0x19: r->ebx = (r->ebx & ~0xFFu) | v->pel_mask; break;
	case 0x1A: {
		uint8_t mode = (v->ac[0x10] >> 7) & 1;
		uint8_t pg = mode ? (v->ac[0x14] & 3) : ((v->ac[0x14] >> 2) & 3);
		r->ebx = (r->ebx & ~0xFFFFu) | (uint32_t)(pg << 8) | mode;
		break;
	}
	case 0x1B: /* sum to grey: 30% red, 59% green, 11% blue */
		for (unsigned k = 0; k < cx && bx + k < 256; k++) {
			uint8_t *c = v->dac[bx + k];
			unsigned g = (c[0] * 77u + c[1] * 151u + c[2] * 28u + 128) >> 8;
			dac_set(v, bx + k, (uint8_t)g, (uint8_t)g, (uint8_t)g);
		}
		break;
	default: break;
	}
}
