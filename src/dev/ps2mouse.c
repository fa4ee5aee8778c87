/* ps2mouse.c - the PS/2 mouse (ps2mouse.h). */
#include "dev/ps2mouse.h"

#include <string.h>

static void push(struct ps2mouse *m, uint8_t v)
{
	if (m->q_len < PS2M_QUEUE) {
		m->q[(m->q_head + m->q_len) % PS2M_QUEUE] = v;
		m->q_len++;
	}
}

static void defaults(struct ps2mouse *m)
{
	m->reporting = false;
	m->remote = false;
	m->scale21 = false;
	m->rate = 100;
	m->resolution = 2;
	m->dx = m->dy = 0;
}

void ps2mouse_init(struct ps2mouse *m)
{
	memset(m, 0, sizeof(*m));
	defaults(m);
}

static int clamp9(int v, bool *overflow)
{
	*overflow = v < -256 || v > 255;
	return v < -256 ? -256 : v > 255 ? 255 : v;
}

/* One packet from the motion not yet sent (all of it, clamped). */
static void packet(struct ps2mouse *m)
{
	bool ox, oy;
	int x = clamp9(m->dx, &ox), y = clamp9(-m->dy, &oy);
	push(m, (uint8_t)((m->buttons & 7) | 0x08 | (x < 0 ? 0x10 : 0) | (y < 0 ? 0x20 : 0) | (ox ? 0x40 : 0) |
			  (oy ? 0x80 : 0)));
	push(m, (uint8_t)x);
	push(m, (uint8_t)y);
	m->dx = m->dy = 0;
}

void ps2mouse_command(struct ps2mouse *m, uint8_t v)
{
	if (m->param_cmd) {
		if (m->param_cmd == 0xF3)
			m->rate = v;
		else
			m->resolution = v & 3;
		m->param_cmd = 0;
		push(m, 0xFA);
		return;
	}
	if (m->wrap && v != 0xEC && v != 0xFF) {
		push(m, v); /* wrap mode echoes */
		return;
	}
	switch (v) {
	case 0xFF:
		defaults(m);
		m->q_len = 0;
		push(m, 0xFA);
		push(m, 0xAA);
		push(m, 0x00);
		return;
	case 0xFE: push(m, m->last_sent); return;
	case 0xF6: defaults(m); break;
	case 0xF5: m->reporting = false; m->q_len = 0; break;
	case 0xF4: m->reporting = true; break;
	case 0xF3: case 0xE8: m->param_cmd = v; break;
	case 0xF2: push(m, 0xFA); push(m, 0x00); return;
	case 0xF0: m->remote = true; break;
	case 0xEE: m->wrap = true; break;
	case 0xEC: m->wrap = false; break;
	case 0xEB: push(m, 0xFA); packet(m); return;
	case 0xEA: m->remote = false; break;
	case 0xE9:
		push(m, 0xFA);
		push(m, (uint8_t)((m->remote ? 0x40 : 0) | (m->reporting ? 0x20 : 0) | (m->scale21 ? 0x10 : 0) |
				  ((m->buttons & 1) << 2) | ((m->buttons & 4) >> 1) | ((m->buttons & 2) >> 1)));
		push(m, m->resolution);
		push(m, m->rate);
		return;
	case 0xE7: m->scale21 = true; break;
	case 0xE6: m->scale21 = false; break;
	default: push(m, 0xFE); return;
	}
	push(m, 0xFA);
}

void ps2mouse_move(struct ps2mouse *m, int dx, int dy, unsigned buttons)
{
	m->dx += dx;
	m->dy += dy;
	bool changed = (buttons & 7) != m->buttons;
	m->buttons = buttons & 7;
	if (!m->reporting || m->remote)
		return;
	if ((m->dx || m->dy || changed) && m->q_len + 3 <= PS2M_QUEUE)
		packet(m);
}

bool ps2mouse_pop(struct ps2mouse *m, uint8_t *v)
{
	if (!m->q_len)
		return false;
	*v = m->q[m->q_head];
	m->q_head = (uint8_t)((m->q_head + 1) % PS2M_QUEUE);
	m->q_len--;
	m->last_sent = *v;
	return true;
}

bool ps2mouse_pending(const struct ps2mouse *m)
{
	return m->q_len > 0;
}
