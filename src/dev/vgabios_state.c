/*
 * vgabios_state.c - INT 10h AH=12h (alternate select), 1Ah (display
 * combination), 1Bh (state information) and 1Ch (save/restore video
 * state), after RBIL INT 10/AH=12h, 1Ah, 1Bh, 1Ch. A card answers as
 * what it is (VIDEO_ADAPTER): an EGA has no AH=1Ah-1Ch, a CGA or MDA
 * none of these.
 */
#include <string.h>

#include "dev/vgabios.h"

static bool is_vga(const struct vga *v)
{
	return v->adapter == VGA_ADAPTER_VGA;
}

void vgabios_alt_select(struct vga *v, struct vm16_regs *r)
{
	uint8_t bl = (uint8_t)r->ebx, al = (uint8_t)r->eax;
	if (v->adapter == VGA_ADAPTER_CGA || vga_mono_card(v))
		return;
	switch (bl) {
	case 0x10: /* BH colour (0) or mono (1), BL memory (3 = 256 KiB), CX feature/switches */
		r->ebx = (r->ebx & ~0xFFFFu) | (vga_crtc_base(v) == 0x3B0 ? 0x0100u : 0) | 0x03u;
		r->ecx = (r->ecx & ~0xFFFFu) | 0x0009u;
		return;
	default: break;
	}
	if (!is_vga(v))
		return;
	switch (bl) {
	case 0x30: /* scan lines for text modes: AL 0 = 200, 1 = 350, 2 = 400 (400 is all we do) */
	case 0x31: /* default palette loading */
	case 0x33: /* grey summing */
	case 0x34: /* cursor emulation */
		(void)al;
		r->eax = (r->eax & ~0xFFu) | 0x12;
		break;
	case 0x32: /* video addressing: AL 0 enable, 1 disable */
		v->misc = (uint8_t)(al == 1 ? v->misc & ~2u : v->misc | 2u);
		r->eax = (r->eax & ~0xFFu) | 0x12;
		break;
	case 0x36: /* screen off (AL=1) or on (SEQ 01h bit 5) */
		v->seq[1] = (uint8_t)(al == 1 ? v->seq[1] | 0x20 : v->seq[1] & ~0x20);
		v->dirty = true;
		r->eax = (r->eax & ~0xFFu) | 0x12;
		break;
	default: break;
	}
}

void vgabios_dcc(struct vga *v, struct vm16_regs *r)
{
	if (!is_vga(v))
		return;
	uint8_t al = (uint8_t)r->eax;
	if (al == 0x00) {
		r->ebx = (r->ebx & ~0xFFFFu) | (vga_crtc_base(v) == 0x3B0 ? 0x07u : 0x08u);
		r->eax = (r->eax & ~0xFFu) | 0x1A;
	} else if (al == 0x01) {
		r->eax = (r->eax & ~0xFFu) | 0x1A;
	}
}

/* AH=1Bh BX=0: the 64-byte state at ES:DI (RBIL table 00040). */
void vgabios_state_info(struct vga *v, struct vm16_regs *r)
{
	if (!is_vga(v) || (r->ebx & 0xFFFF) != 0)
		return;
	uint8_t s[64] = { 0 };
	s[0] = VGABIOS_STATIC & 0xFF;
	s[1] = VGABIOS_STATIC >> 8;
	s[2] = (VGABIOS_ROM_BASE >> 4) & 0xFF;
	s[3] = (VGABIOS_ROM_BASE >> 4) >> 8;
	vgabios_read(v, 0x40, 0x49, s + 4, 30);
	s[0x22] = (uint8_t)(vgabios_bda8(v, 0x84) + 1);
	s[0x23] = (uint8_t)vgabios_bda16(v, 0x85);
	s[0x25] = vga_crtc_base(v) == 0x3B0 ? 0x07 : 0x08;
	uint8_t mode = vgabios_bda8(v, 0x49) & 0x7F;
	unsigned colours = mode == 0x13 ? 256 : (mode == 0x06 || mode == 0x11 || mode == 0x0F || mode == 0x07) ? 2
		: (mode == 0x04 || mode == 0x05) ? 4 : 16;
	s[0x27] = (uint8_t)colours;
	s[0x28] = (uint8_t)(colours >> 8);
	s[0x29] = mode == 0x13 || mode >= 0x11 ? 1 : 8;
	unsigned lines = (v->crtc[0x12] | ((v->crtc[7] & 0x02u) << 7) | ((v->crtc[7] & 0x40u) << 3)) + 1u;
	s[0x2A] = lines <= 200 ? 0 : lines <= 350 ? 1 : lines <= 400 ? 2 : 3;
	s[0x2D] = (uint8_t)((v->ac[0x10] & 0x08) ? 0x20 : 0);
	s[0x31] = 3; /* 256 KiB */
	vgabios_write(v, r->es, (uint16_t)r->edi, s, sizeof(s));
	r->eax = (r->eax & ~0xFFu) | 0x1B;
}

/* AH=1Ch: CX bit 0 = hardware registers, 1 = BIOS data, 2 = DAC. The
 * buffer layout is this BIOS's own (programs only hand it back). */
enum { SAVE_HW = 4 + 8 + 16 + 32 + 32 + 4, SAVE_BDA = 0x60, SAVE_DAC = 768 + 4 };

void vgabios_save_restore(struct vga *v, struct vm16_regs *r)
{
	if (!is_vga(v))
		return;
	uint8_t al = (uint8_t)r->eax;
	unsigned what = r->ecx & 7;
	size_t size = ((what & 1) ? SAVE_HW : 0) + ((what & 2) ? SAVE_BDA : 0) + ((what & 4) ? SAVE_DAC : 0);
	if (al == 0x00) {
		r->ebx = (r->ebx & ~0xFFFFu) | (uint32_t)((size + 63) / 64);
		r->eax = (r->eax & ~0xFFu) | 0x1C;
		return;
	}
	if (al != 0x01 && al != 0x02)
		return;
	uint8_t buf[SAVE_HW + SAVE_BDA + SAVE_DAC];
	size_t n = 0;
	bool save = al == 0x01;
	if (!save)
		vgabios_read(v, r->es, (uint16_t)r->ebx, buf, size);
	if (what & 1) {
		uint8_t *p = buf + n;
		if (save) {
			p[0] = v->misc; p[1] = v->seq_index; p[2] = v->gc_index; p[3] = v->crtc_index;
			memcpy(p + 4, v->seq, 8); memcpy(p + 12, v->gc, 16); memcpy(p + 28, v->crtc, 32);
			memcpy(p + 60, v->ac, 32); memcpy(p + 92, v->latch, 4);
		} else {
			v->misc = p[0]; v->seq_index = p[1] & 7; v->gc_index = p[2] & 15; v->crtc_index = p[3] & 0x3F;
			memcpy(v->seq, p + 4, 8); memcpy(v->gc, p + 12, 16); memcpy(v->crtc, p + 28, 32);
			memcpy(v->ac, p + 60, 32); memcpy(v->latch, p + 92, 4);
		}
		n += SAVE_HW;
	}
	if (what & 2) {
		if (save)
			vgabios_read(v, 0x40, 0x49, buf + n, SAVE_BDA);
		else
			vgabios_write(v, 0x40, 0x49, buf + n, SAVE_BDA);
		n += SAVE_BDA;
	}
	if (what & 4) {
		uint8_t *p = buf + n;
		if (save) {
			memcpy(p, v->dac, 768);
			p[768] = v->pel_mask; p[769] = v->dac_write; p[770] = v->dac_read; p[771] = v->dac_comp;
		} else {
			memcpy(v->dac, p, 768);
			for (unsigned k = 0; k < 768; k++)
				v->dac[k / 3][k % 3] &= v->lin.dac8 ? 0xFF : 0x3F;
			v->pel_mask = p[768]; v->dac_write = p[769]; v->dac_read = p[770]; v->dac_comp = p[771] % 3;
		}
		n += SAVE_DAC;
	}
	if (save)
		vgabios_write(v, r->es, (uint16_t)r->ebx, buf, n);
	v->dirty = true;
	r->eax = (r->eax & ~0xFFu) | 0x1C;
}
