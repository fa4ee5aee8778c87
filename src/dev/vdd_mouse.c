/*
 * vdd_mouse.c - the mouse driver in the host as a VDD: INT 33h functions
 * 00h-24h (RBIL INT 33h; Microsoft Mouse Programmer's Reference) behind
 * an entry (F4 n ~n IRET at offset 10h, after the driver's name) in the
 * VDDs' guest memory (vdd_alloc_guest_mem: no upper memory is taken),
 * fed by the host's mouse (vm16_mouse, vm16_mouse_at), which it also
 * passes to the PS/2 mouse on the 8042's aux port (board-wired), so
 * programs with their own driver (INT 15h/C2h, IRQ 12) see it too.
 *
 * The event handler (AX=0Ch/14h/18h) is called as the driver calls it,
 * from "interrupt time": when the guest has interrupts enabled, with AX =
 * the conditions, BX = buttons, CX/DX = position, SI/DI = the last
 * mickeys; all registers are given back afterwards. Conditions that come
 * while interrupts are off or the handler runs wait (a retry on the VM's
 * clock every millisecond).
 * The cursor is drawn in video memory as the driver draws it: in text
 * modes the cell under it becomes (cell AND screen mask) XOR cursor mask
 * (or the hardware cursor moves there, AX=0Ah BX=1); in graphics modes
 * the 16x16 masks at the hot spot, through INT 10h AH=0Dh/0Ch, the
 * pixels under it saved and put back when it moves or hides.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dev/board_links.h"
#include "dev/mouse.h"
#include "mvdm/vdd.h"

enum { ENTRY_SIZE = 0x20, ROM_ENTRY = 0x10, STATE_SIZE = sizeof(struct mouse) };

struct vdd_mouse {
	struct vm *vm;
	struct mouse m;
	uint16_t entry_seg;   /* the driver's entry in guest memory (ROM_ENTRY) */
	struct mouse_ps2 ps2;       /* the aux port's mouse (board-wired) */
	int retry;                  /* event id of the pending delivery retry */
	bool in_handler, drawing;
	/* the cursor as drawn */
	bool drawn, drawn_text;
	uint32_t drawn_addr;        /* text: the cell's address */
	uint16_t saved_cell;
	int drawn_px, drawn_py;     /* graphics: top left pixel */
	uint8_t saved[16][16];
	uint16_t old_vec_seg, old_vec_off;
};

static uint8_t bda8(struct vdd_mouse *d, unsigned off)
{
	uint8_t b = 0;
	(void)vdd_phys_read(d->vm, 0x400 + off, &b, 1);
	return b;
}

static uint16_t bda16(struct vdd_mouse *d, unsigned off)
{
	uint8_t b[2] = { 0, 0 };
	(void)vdd_phys_read(d->vm, 0x400 + off, b, 2);
	return (uint16_t)(b[0] | b[1] << 8);
}

static bool text_mode(uint8_t mode)
{
	return mode <= 3 || mode == 7;
}

/* The virtual screen of the current mode (mouse.h). */
static void screen_of(struct vdd_mouse *d, int *w, int *h, int *px_div)
{
	uint8_t mode = bda8(d, 0x49) & 0x7F;
	*px_div = 1;
	if (text_mode(mode)) {
		unsigned cols = bda16(d, 0x4A), rows = bda8(d, 0x84) + 1u;
		*w = (int)(cols ? cols : 80) * 8;
		*h = (int)rows * 8;
		return;
	}
	switch (mode) {
	case 0x04: case 0x05: case 0x0D: case 0x13: *w = 640; *h = 200; *px_div = 2; return;
	case 0x06: case 0x0E: *w = 640; *h = 200; return;
	case 0x0F: case 0x10: *w = 640; *h = 350; return;
	case 0x11: case 0x12: *w = 640; *h = 480; return;
	default: /* a VBE mode: BIOS columns and rows */
		*w = bda16(d, 0x4A) * 8;
		*h = (bda8(d, 0x84) + 1) * 16;
		if (*w <= 0 || *h <= 0) {
			*w = 640;
			*h = 480;
		}
		return;
	}
}

/* ---- guest calls ---- */

static void get_regs(struct vdd_mouse *d, struct vm16_regs *r)
{
	vm16_get_regs(d->vm, r);
}

/* INT 10h through the guest (nested), for pixels. */
static uint8_t bios_pixel(struct vdd_mouse *d, bool write, int x, int y, uint8_t color)
{
	struct vm16_regs save, r;
	vm16_get_regs(d->vm, &save);
	r = save;
	r.eax = write ? 0x0C00u | color : 0x0D00u;
	r.ebx = (uint32_t)(d->m.page << 8);
	r.ecx = (uint32_t)x;
	r.edx = (uint32_t)y;
	vm16_set_regs(d->vm, &r);
	vm16_simulate_int(d->vm, 0x10, 100000);
	vm16_get_regs(d->vm, &r);
	vm16_set_regs(d->vm, &save);
	return (uint8_t)r.eax;
}

/* ---- the cursor ---- */

static void undraw(struct vdd_mouse *d)
{
	if (!d->drawn)
		return;
	d->drawn = false;
	if (d->drawn_text) {
		uint8_t b[2] = { (uint8_t)d->saved_cell, (uint8_t)(d->saved_cell >> 8) };
		(void)vdd_phys_write(d->vm, d->drawn_addr, b, 2);
		return;
	}
	for (int j = 0; j < 16; j++)
		for (int i = 0; i < 16; i++) {
			int x = d->drawn_px + i, y = d->drawn_py + j;
			if (x >= 0 && y >= 0)
				bios_pixel(d, true, x, y, d->saved[j][i]);
		}
}

static bool in_exclusion(const struct mouse *m)
{
	return m->excl_on && m->x >= m->excl[0] && m->x <= m->excl[2] && m->y >= m->excl[1] && m->y <= m->excl[3];
}

static void draw(struct vdd_mouse *d)
{
	struct mouse *m = &d->m;
	if (m->show < 0 || d->drawing || in_exclusion(m))
		return;
	d->drawing = true;
	uint8_t mode = bda8(d, 0x49) & 0x7F;
	if (text_mode(mode)) {
		unsigned cols = bda16(d, 0x4A), rows = bda8(d, 0x84) + 1u;
		unsigned col = (unsigned)m->x / 8, row = (unsigned)m->y / 8;
		if (!cols || col >= cols || row >= rows) {
			d->drawing = false;
			return;
		}
		if (m->text_hw) {
			/* The hardware cursor: INT 10h AH=02h on the page. */
			struct vm16_regs save, r;
			vm16_get_regs(d->vm, &save);
			r = save;
			r.eax = 0x0200;
			r.ebx = (uint32_t)(m->page << 8);
			r.edx = (uint32_t)(row << 8 | col);
			vm16_set_regs(d->vm, &r);
			vm16_simulate_int(d->vm, 0x10, 100000);
			vm16_set_regs(d->vm, &save);
			d->drawing = false;
			return;
		}
		uint32_t base = mode == 7 ? 0xB0000 : 0xB8000;
		uint32_t addr = base + ((bda16(d, 0x4E) + (row * cols + col) * 2) & 0x7FFF);
		uint8_t b[2];
		(void)vdd_phys_read(d->vm, addr, b, 2);
		d->saved_cell = (uint16_t)(b[0] | b[1] << 8);
		uint16_t cell = (uint16_t)((d->saved_cell & m->text_screen) ^ m->text_cursor);
		b[0] = (uint8_t)cell;
		b[1] = (uint8_t)(cell >> 8);
		(void)vdd_phys_write(d->vm, addr, b, 2);
		d->drawn = true;
		d->drawn_text = true;
		d->drawn_addr = addr;
		d->drawing = false;
		return;
	}
	int div = m->px_div ? m->px_div : 1;
	d->drawn_px = m->x / div - m->hot_x;
	d->drawn_py = m->y - m->hot_y;
	uint8_t white = mode == 0x13 || mode > 0x13 ? 0x0F : (mode == 0x04 || mode == 0x05) ? 3 :
			(mode == 0x06 || mode == 0x11 || mode == 0x0F) ? 1 : 0x0F;
	int w = m->screen_w / div, h = m->screen_h;
	for (int j = 0; j < 16; j++)
		for (int i = 0; i < 16; i++) {
			int x = d->drawn_px + i, y = d->drawn_py + j;
			if (x < 0 || y < 0 || x >= w || y >= h) {
				d->saved[j][i] = 0;
				continue;
			}
			uint8_t old = bios_pixel(d, false, x, y, 0);
			d->saved[j][i] = old;
			bool s = m->gfx_screen[j] & (0x8000 >> i), c = m->gfx_cursor[j] & (0x8000 >> i);
			uint8_t px = (uint8_t)((s ? old : 0) ^ (c ? white : 0));
			if (px != old)
				bios_pixel(d, true, x, y, px);
		}
	d->drawn = true;
	d->drawn_text = false;
	d->drawing = false;
}

static void redraw(struct vdd_mouse *d)
{
	undraw(d);
	draw(d);
}

/* ---- events ---- */

static void retry_event(struct vm *vm, void *inst);

static void deliver(struct vdd_mouse *d)
{
	struct mouse *m = &d->m;
	if (!m->pending || !m->handler.mask || (!m->handler.seg && !m->handler.off) || d->in_handler)
		return;
	struct vm16_regs save, r;
	get_regs(d, &save);
	if (!(save.eflags & 0x200)) {
		/* Interrupts off: try again shortly. */
		if (!d->retry) {
			int id = vdd_schedule(d->vm, 1000000, retry_event, d);
			d->retry = id > 0 ? id : 0;
		}
		return;
	}
	uint16_t ev = m->pending;
	m->pending = 0;
	r = save;
	r.eax = ev;
	r.ebx = m->buttons;
	r.ecx = (uint16_t)m->x;
	r.edx = (uint16_t)m->y;
	r.esi = (uint16_t)m->raw_x;
	r.edi = (uint16_t)m->raw_y;
	r.eflags &= ~0x200u; /* as from the IRQ handler */
	vm16_set_regs(d->vm, &r);
	d->in_handler = true;
	vm16_call_far(d->vm, m->handler.seg, m->handler.off, 5000000);
	d->in_handler = false;
	vm16_set_regs(d->vm, &save);
}

static void retry_event(struct vm *vm, void *inst)
{
	(void)vm;
	struct vdd_mouse *d = inst;
	d->retry = 0;
	deliver(d);
}

static void events(struct vdd_mouse *d, uint16_t ev)
{
	struct mouse *m = &d->m;
	if (ev & MOUSE_EV_MOVE)
		redraw(d);
	m->pending |= ev & m->handler.mask;
	deliver(d);
	m->raw_x = m->raw_y = 0;
}

static void pointer_motion(void *inst, int dx, int dy, unsigned buttons)
{
	struct vdd_mouse *d = inst;
	if (d->ps2.inst)
		d->ps2.move(d->ps2.inst, dx, dy, buttons);
	if (!d->m.enabled)
		return;
	events(d, mouse_motion(&d->m, dx, dy, buttons, vdd_clock_ns(d->vm)));
}

static void pointer_position(void *inst, int x, int y, int w, int h, unsigned buttons)
{
	struct vdd_mouse *d = inst;
	struct mouse *m = &d->m;
	if (w <= 0 || h <= 0)
		return;
	int vx = (int)((int64_t)x * m->screen_w / w), vy = (int)((int64_t)y * m->screen_h / h);
	/* The PS/2 mouse gets the motion this makes, in mickeys. */
	if (d->ps2.inst)
		d->ps2.move(d->ps2.inst, (vx - m->x) * (int)m->mpp_x / 8, (vy - m->y) * (int)m->mpp_y / 8, buttons);
	if (!m->enabled)
		return;
	events(d, mouse_place(m, vx, vy, buttons));
}

/* ---- INT 33h ---- */

static void reset(struct vdd_mouse *d)
{
	undraw(d);
	int w, h, div;
	screen_of(d, &w, &h, &div);
	mouse_reset(&d->m, w, h);
	d->m.px_div = div;
}

static void set_handler(struct mouse_handler *h, const struct vm16_regs *r)
{
	h->mask = (uint16_t)r->ecx;
	h->seg = r->es;
	h->off = (uint16_t)r->edx;
}

static int int33_svc(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct vdd_mouse *d = ctx;
	struct mouse *m = &d->m;
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	uint16_t ax = (uint16_t)r.eax, bx = (uint16_t)r.ebx, cx = (uint16_t)r.ecx, dx = (uint16_t)r.edx;
	if (!m->enabled && ax != 0x20 && ax != 0x21 && ax != 0x00 && ax != 0x24)
		return 0;
	switch (ax) {
	case 0x00: case 0x21:
		reset(d);
		m->enabled = true;
		r.eax = 0xFFFF;
		r.ebx = 2;
		break;
	case 0x01:
		if (m->show < 0 && ++m->show == 0) {
			m->excl_on = false;
			draw(d);
		}
		break;
	case 0x02:
		if (m->show-- == 0)
			undraw(d);
		break;
	case 0x03:
		r.ebx = m->buttons;
		r.ecx = (uint16_t)m->x;
		r.edx = (uint16_t)m->y;
		break;
	case 0x04:
		m->x = (int16_t)cx;
		m->y = (int16_t)dx;
		mouse_clamp(m);
		redraw(d);
		break;
	case 0x05: case 0x06: {
		struct mouse_button *b = &m->btn[bx < 3 ? bx : 0];
		r.eax = m->buttons;
		r.ebx = ax == 5 ? b->presses : b->releases;
		r.ecx = (uint16_t)(ax == 5 ? b->press_x : b->release_x);
		r.edx = (uint16_t)(ax == 5 ? b->press_y : b->release_y);
		if (ax == 5)
			b->presses = 0;
		else
			b->releases = 0;
		break;
	}
	case 0x07: case 0x08: {
		int lo = (int16_t)cx, hi = (int16_t)dx;
		if (lo > hi) {
			int t = lo;
			lo = hi;
			hi = t;
		}
		if (ax == 7) {
			m->min_x = lo;
			m->max_x = hi;
		} else {
			m->min_y = lo;
			m->max_y = hi;
		}
		mouse_clamp(m);
		redraw(d);
		break;
	}
	case 0x09: {
		uint8_t masks[64];
		(void)vdd_phys_read(vm, ((uint32_t)r.es << 4) + dx, masks, 32);
		(void)vdd_phys_read(vm, ((uint32_t)r.es << 4) + (uint16_t)(dx + 32), masks + 32, 32);
		undraw(d);
		for (int k = 0; k < 16; k++) {
			m->gfx_screen[k] = (uint16_t)(masks[2 * k] | masks[2 * k + 1] << 8);
			m->gfx_cursor[k] = (uint16_t)(masks[32 + 2 * k] | masks[33 + 2 * k] << 8);
		}
		m->hot_x = (int16_t)bx;
		m->hot_y = (int16_t)cx;
		draw(d);
		break;
	}
	case 0x0A:
		undraw(d);
		m->text_hw = bx == 1;
		m->text_screen = cx;
		m->text_cursor = dx;
		draw(d);
		break;
	case 0x0B:
		r.ecx = (uint16_t)m->count_x;
		r.edx = (uint16_t)m->count_y;
		m->count_x = m->count_y = 0;
		break;
	case 0x0C:
		set_handler(&m->handler, &r);
		break;
	case 0x0D: case 0x0E: /* light pen emulation: nothing to emulate */
		break;
	case 0x0F:
		m->mpp_x = cx ? cx : 1;
		m->mpp_y = dx ? dx : 1;
		break;
	case 0x10:
		m->excl[0] = (int16_t)cx;
		m->excl[1] = (int16_t)dx;
		m->excl[2] = (int16_t)r.esi;
		m->excl[3] = (int16_t)r.edi;
		m->excl_on = true;
		if (in_exclusion(m))
			undraw(d);
		break;
	case 0x13:
		m->threshold = dx;
		break;
	case 0x14: {
		struct mouse_handler old = m->handler;
		set_handler(&m->handler, &r);
		r.ecx = old.mask;
		r.es = old.seg;
		r.edx = old.off;
		break;
	}
	case 0x15:
		r.ebx = STATE_SIZE;
		break;
	case 0x16: case 0x17: {
		uint32_t at = ((uint32_t)r.es << 4) + dx;
		if (ax == 0x16) {
			(void)vdd_phys_write(vm, at, m, sizeof(*m));
		} else {
			struct mouse t;
			(void)vdd_phys_read(vm, at, &t, sizeof(t));
			undraw(d);
			/* Only values that cannot hurt: clamp what the buffer says. */
			t.mpp_x = t.mpp_x ? t.mpp_x : 8;
			t.mpp_y = t.mpp_y ? t.mpp_y : 16;
			if (t.screen_w <= 0 || t.screen_w > 4096 || t.screen_h <= 0 || t.screen_h > 4096 ||
			    t.px_div < 1 || t.px_div > 2 || t.show > 0)
				break;
			*m = t;
			m->enabled = true;
			mouse_clamp(m);
			draw(d);
		}
		break;
	}
	case 0x18: case 0x19: {
		/* Alternate handlers for Shift/Ctrl/Alt + events: three slots. */
		int slot = -1;
		for (int k = 0; k < 3 && slot < 0; k++)
			if (ax == 0x18 ? !m->alt[k].mask || (m->alt[k].mask & 0xE0) == (cx & 0xE0)
				       : (m->alt[k].mask & 0xE0) == (cx & 0xE0) && m->alt[k].mask)
				slot = k;
		if (slot < 0) {
			r.eax = 0xFFFF;
			if (ax == 0x19)
				r.ecx = 0;
		} else if (ax == 0x18) {
			set_handler(&m->alt[slot], &r);
			r.eax = 0x18;
		} else {
			r.ecx = m->alt[slot].mask;
			r.es = m->alt[slot].seg;
			r.edx = m->alt[slot].off;
		}
		break;
	}
	case 0x1A:
		m->sens_x = bx;
		m->sens_y = cx;
		m->sens_dspeed = dx;
		break;
	case 0x1B:
		r.ebx = m->sens_x;
		r.ecx = m->sens_y;
		r.edx = m->sens_dspeed;
		break;
	case 0x1C:
		m->rate = bx;
		break;
	case 0x1D:
		undraw(d);
		m->page = bx & 7;
		draw(d);
		break;
	case 0x1E:
		r.ebx = m->page;
		break;
	case 0x1F:
		undraw(d);
		m->enabled = false;
		r.eax = 0x001F;
		r.es = d->old_vec_seg;
		r.ebx = d->old_vec_off;
		break;
	case 0x20:
		m->enabled = true;
		break;
	case 0x22:
		m->language = bx;
		break;
	case 0x23:
		r.ebx = m->language;
		break;
	case 0x24:
		r.ebx = 0x0626;      /* version 6.26 */
		r.ecx = 0x0400;      /* PS/2 mouse, no IRQ number */
		break;
	default:
		break; /* unknown functions leave the registers (as the Microsoft driver does) */
	}
	vm16_set_regs(vm, &r);
	return 0;
}

/* ---- the VDD ---- */

void vdd_mouse_connect(void *inst, const struct mouse_ps2 *ps2)
{
	struct vdd_mouse *d = inst;
	d->ps2 = *ps2;
}

static int mouse_create(struct vm *vm, void **inst)
{
	struct vdd_mouse *d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->vm = vm;
	int svc = vdd_alloc_svc(vm, int33_svc, d);
	int rc = svc < 0 ? svc : vdd_alloc_guest_mem(vm, ENTRY_SIZE, &d->entry_seg);
	if (rc < 0) {
		free(d);
		return rc;
	}
	uint8_t entry[ENTRY_SIZE] = "mvdm mouse";
	entry[ROM_ENTRY] = 0xF4;
	entry[ROM_ENTRY + 1] = (uint8_t)svc;
	entry[ROM_ENTRY + 2] = (uint8_t)~svc;
	entry[ROM_ENTRY + 3] = 0xCF;
	(void)vdd_phys_write(vm, (uint32_t)d->entry_seg << 4, entry, sizeof(entry));
	struct vdd_pointer p = { d, pointer_motion, pointer_position };
	vdd_set_pointer(vm, &p);
	*inst = d;
	return 0;
}

/* The driver installs itself at INT 33h (keeping the old vector for 1Fh). */
static int mouse_create_done(struct vm *vm, void *inst)
{
	struct vdd_mouse *d = inst;
	uint8_t v[4];
	(void)vdd_phys_read(vm, 0x33 * 4, v, 4);
	d->old_vec_off = (uint16_t)(v[0] | v[1] << 8);
	d->old_vec_seg = (uint16_t)(v[2] | v[3] << 8);
	uint8_t nv[4] = { ROM_ENTRY, 0, (uint8_t)d->entry_seg, (uint8_t)(d->entry_seg >> 8) };
	(void)vdd_phys_write(vm, 0x33 * 4, nv, 4);
	reset(d);
	d->m.enabled = true;
	return 0;
}

static void mouse_terminate(struct vm *vm, void *inst)
{
	(void)vm;
	struct vdd_mouse *d = inst;
	free(d);
}

const struct vdd_ops vdd_mouse_ops = {
	.abi = MVDM_VDD_ABI,
	.name = "mouse",
	.create = mouse_create,
	.create_done = mouse_create_done,
	.terminate = mouse_terminate,
};
