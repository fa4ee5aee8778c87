/*
 * vga_ports.c - the VGA's registers through its ports (IBM VGA Technical
 * Reference, "Registers"):
 *   3C0h  attribute controller index/data (a flip-flop, reset by reading
 *         input status 1); 3C1h reads the data
 *   3C2h  miscellaneous output (write), input status 0 (read)
 *   3C4h/3C5h sequencer   3C6h PEL mask   3C7h DAC read index / DAC state
 *   3C8h  DAC write index  3C9h DAC data (three 6-bit values per entry)
 *   3CAh  feature control (read)  3CCh misc output (read)
 *   3CEh/3CFh graphics controller
 *   3B4h/3B5h or 3D4h/3D5h CRT controller (misc bit 0: colour at 3Dxh)
 *   3BAh/3DAh input status 1 (read), feature control (write)
 *   3D8h/3D9h the CGA's mode control and colour select (VIDEO_ADAPTER=cga)
 * CRTC registers 0-7 are write protected while bit 7 of 11h is set
 * (except the line compare bit 4 of 07h). Every write that can change the
 * picture marks it dirty.
 */
#include "dev/vga.h"
#include "mvdm/vdd.h"

uint64_t vga_now_ns(const struct vga *v)
{
	return v->vm ? vdd_clock_ns(v->vm) : v->test_ns;
}

uint16_t vga_crtc_base(const struct vga *v)
{
	return (v->misc & 1) ? 0x3D0 : 0x3B0;
}

static unsigned total_lines(const struct vga *v)
{
	const uint8_t *c = v->crtc;
	unsigned vt = c[6] | ((c[7] & 0x01u) << 8) | ((c[7] & 0x20u) << 4);
	return vt + 2;
}

/* Retrace from the VM's clock: 31.469 kHz lines (31778 ns), the CRTC's
 * vertical total, display end and retrace start/end in lines, and the
 * last fifth of each line as horizontal blanking. */
uint8_t vga_status1(const struct vga *v, uint64_t ns)
{
	enum { LINE_NS = 31778 };
	const uint8_t *c = v->crtc;
	unsigned total = total_lines(v);
	if (total < 16)
		total = 16;
	unsigned vde = c[0x12] | ((c[7] & 0x02u) << 7) | ((c[7] & 0x40u) << 3);
	unsigned vrs = c[0x10] | ((c[7] & 0x04u) << 6) | ((c[7] & 0x80u) << 2);
	unsigned vr_len = ((c[0x11] & 0x0Fu) - (vrs & 0x0Fu)) & 0x0Fu;
	if (vr_len == 0)
		vr_len = 16;
	uint64_t in_frame = ns % ((uint64_t)total * LINE_NS);
	unsigned line = (unsigned)(in_frame / LINE_NS), dot = (unsigned)(in_frame % LINE_NS);
	uint8_t st = 0;
	if (line >= vrs && line < vrs + vr_len)
		st |= 0x08;
	if (line > vde || dot >= LINE_NS * 4 / 5)
		st |= 0x01;
	return st;
}

uint64_t vga_status1_next(const struct vga *v, uint64_t ns, uint8_t mask)
{
	enum { LINE_NS = 31778, BLANK_AT = LINE_NS * 4 / 5 };
	uint8_t now = vga_status1(v, ns) & mask;
	/* Changes happen only at line starts and where blanking begins. */
	uint64_t t = ns - ns % LINE_NS;
	for (unsigned k = 0; k < 4 * 1100; k++) {
		uint64_t cand = (k & 1) ? t + LINE_NS : t + BLANK_AT;
		if (k & 1)
			t += LINE_NS;
		if (cand <= ns)
			continue;
		if ((vga_status1(v, cand) & mask) != now)
			return cand;
	}
	return ns + LINE_NS;
}

/* A read of input status 1. A guest that keeps reading it (a wait for
 * the retrace) and sees the same value sleeps until it changes: until the
 * next change of bits 0 and 3, or of bit 3 alone once it kept polling
 * through a change of bit 0 (it waits for the vertical retrace). */
static uint8_t status_read(struct vga *v)
{
	uint64_t now = vga_now_ns(v);
	uint8_t val = vga_status1(v, now);
	/* Polling goes on when the read comes soon after the last one, or
	 * is the first after the sleep the last one asked for. */
	bool on = now - v->poll.last_ns <= 5000 || v->poll.woke;
	v->poll.woke = false;
	if (!on) {
		v->poll.same = 0;
		v->poll.ignores_hblank = false;
	} else if (val == v->poll.last) {
		if (v->poll.same < 255)
			v->poll.same++;
	} else {
		if (((val ^ v->poll.last) & 0x09) == 0x01)
			v->poll.ignores_hblank = true;
		v->poll.same = 0;
	}
	v->poll.last_ns = now;
	v->poll.last = val;
	if (v->poll.same >= 3 && v->vm) {
		v->poll.same = 0;
		v->poll.woke = true;
		vdd_guest_waits(v->vm, vga_status1_next(v, now, v->poll.ignores_hblank ? 0x08 : 0x09));
	}
	return val;
}

static uint8_t dac_in(struct vga *v)
{
	uint8_t val = v->dac[v->dac_read][v->dac_comp];
	if (++v->dac_comp == 3) {
		v->dac_comp = 0;
		v->dac_read++;
	}
	return v->lin.dac8 ? val : val & 0x3F;
}

static void dac_out(struct vga *v, uint8_t val)
{
	v->dac[v->dac_write][v->dac_comp] = v->lin.dac8 ? val : val & 0x3F;
	if (++v->dac_comp == 3) {
		v->dac_comp = 0;
		v->dac_write++;
	}
	v->dirty = true;
}

static bool has_dac(const struct vga *v)
{
	return v->adapter == VGA_ADAPTER_VGA;
}

uint8_t vga_port_in(struct vga *v, uint16_t port)
{
	uint16_t crtc = vga_crtc_base(v);
	if ((port & 0xFFF0) == 0x3B0 || (port & 0xFFF0) == 0x3D0) {
		if ((port & 0xFFF0) != crtc)
			return 0xFF; /* the other card's addresses */
		switch (port & 0x0F) {
		case 0x4: return v->crtc_index;
		case 0x5: return v->crtc_index < 0x19 ? v->crtc[v->crtc_index] : 0xFF;
		case 0xA: {
			v->ac_data = false;
			uint8_t st = status_read(v);
			if (v->adapter == VGA_ADAPTER_HERCULES) /* bit 7: not in vertical retrace */
				st = (uint8_t)((st & 0x0F) | ((st & 0x08) ? 0 : 0x80));
			return st;
		}
		case 0x8: return v->cga_mode;
		default: return 0xFF;
		}
	}
	if (v->adapter == VGA_ADAPTER_CGA || vga_mono_card(v))
		return 0xFF; /* no EGA/VGA registers */
	switch (port) {
	case 0x3C0: return v->ac_index;
	case 0x3C1: return v->ac[v->ac_index & 0x1F];
	case 0x3C2: return 0x10; /* switch sense: a colour monitor */
	case 0x3C3: return 0x01;
	case 0x3C4: return v->seq_index;
	case 0x3C5: return v->seq_index < 5 ? v->seq[v->seq_index] : 0xFF;
	case 0x3C6: return has_dac(v) ? v->pel_mask : 0xFF;
	case 0x3C7: return has_dac(v) ? v->dac_state : 0xFF;
	case 0x3C8: return has_dac(v) ? v->dac_write : 0xFF;
	case 0x3C9: return has_dac(v) ? dac_in(v) : 0xFF;
	case 0x3CA: return v->feature;
	case 0x3CC: return v->misc;
	case 0x3CE: return v->gc_index;
	case 0x3CF: return v->gc_index < 9 ? v->gc[v->gc_index] : 0xFF;
	default: return 0xFF;
	}
}

static void crtc_out(struct vga *v, uint8_t val)
{
	uint8_t i = v->crtc_index;
	if (i >= 0x19)
		return;
	if (v->adapter == VGA_ADAPTER_HERCULES) {
		/* A 6845: no write protection. Its timing registers (R0-R9)
		 * only count in graphics (vga_herc.c); in text mode 07h's stay. */
		if (i > 15 || (i <= 9 && !vga_herc_graphics(v)))
			return;
	} else if ((v->crtc[0x11] & 0x80) && i <= 7) {
		if (i != 7)
			return;
		val = (uint8_t)((v->crtc[7] & ~0x10u) | (val & 0x10u)); /* only the line compare bit */
	}
	v->crtc[i] = val;
	v->dirty = true;
}

static void ac_out(struct vga *v, uint8_t val)
{
	if (!v->ac_data) {
		v->ac_index = val & 0x3F;
	} else if ((v->ac_index & 0x1F) < 0x15) {
		v->ac[v->ac_index & 0x1F] = val;
		v->dirty = true;
	}
	v->ac_data = !v->ac_data;
	v->dirty = true; /* the palette source bit blanks or shows the screen */
}

void vga_port_out(struct vga *v, uint16_t port, uint8_t val)
{
	uint16_t crtc = vga_crtc_base(v);
	if ((port & 0xFFF0) == 0x3B0 || (port & 0xFFF0) == 0x3D0) {
		if ((port & 0xFFF0) != crtc)
			return;
		switch (port & 0x0F) {
		case 0x4: v->crtc_index = val & 0x3F; break;
		case 0x5: crtc_out(v, val); break;
		case 0x8:
			if (v->adapter == VGA_ADAPTER_HERCULES)
				vga_herc_mode_out(v, val);
			else
				vga_cga_mode_out(v, val);
			break;
		case 0xF:
			if (v->adapter == VGA_ADAPTER_HERCULES)
				vga_herc_config_out(v, val);
			break;
		case 0x9: vga_cga_color_out(v, val); break;
		case 0xA: v->feature = val; break;
		default: break;
		}
		return;
	}
	if (v->adapter == VGA_ADAPTER_CGA || vga_mono_card(v))
		return;
	switch (port) {
	case 0x3C0: ac_out(v, val); break;
	case 0x3C2: v->misc = val; v->dirty = true; break;
	case 0x3C4: v->seq_index = val & 7; break;
	case 0x3C5:
		if (v->seq_index < 5) {
			v->seq[v->seq_index] = val;
			v->dirty = true;
		}
		break;
	case 0x3C6: if (has_dac(v)) { v->pel_mask = val; v->dirty = true; } break;
	case 0x3C7: if (has_dac(v)) { v->dac_read = val; v->dac_comp = 0; v->dac_state = 3; } break;
	case 0x3C8: if (has_dac(v)) { v->dac_write = val; v->dac_comp = 0; v->dac_state = 0; } break;
	case 0x3C9: if (has_dac(v)) dac_out(v, val); break;
	case 0x3CE: v->gc_index = val & 0x0F; break;
	case 0x3CF:
		if (v->gc_index < 9) {
			v->gc[v->gc_index] = val;
			v->dirty = true;
		}
		break;
	default: break;
	}
}
