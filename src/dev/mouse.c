/* mouse.c - the mouse driver's state (mouse.h). */
#include "dev/mouse.h"

#include <string.h>

void mouse_reset(struct mouse *m, int w, int h)
{
	bool enabled = m->enabled;
	uint16_t lang = m->language;
	struct mouse_handler keep = m->handler;
	memset(m, 0, sizeof(*m));
	m->enabled = enabled;
	m->language = lang;
	m->handler = keep;
	m->handler.mask = 0; /* reset disables the event handler */
	m->screen_w = w;
	m->screen_h = h;
	m->max_x = w - 1;
	m->max_y = h - 1;
	m->x = w / 2;
	m->y = h / 2;
	m->mpp_x = 8;
	m->mpp_y = 16;
	m->threshold = 64;
	m->sens_x = m->sens_y = m->sens_dspeed = 50;
	m->show = -1;
	m->text_screen = 0x77FF;
	m->text_cursor = 0x7700;
	/* The default arrow: screen mask clears its shape, cursor mask draws it. */
	static const uint16_t screen[16] = { 0x3FFF, 0x1FFF, 0x0FFF, 0x07FF, 0x03FF, 0x01FF, 0x00FF, 0x007F,
					     0x003F, 0x001F, 0x01FF, 0x10FF, 0x30FF, 0xF87F, 0xF87F, 0xFC3F };
	static const uint16_t cursor[16] = { 0x0000, 0x4000, 0x6000, 0x7000, 0x7800, 0x7C00, 0x7E00, 0x7F00,
					     0x7F80, 0x7C00, 0x6C00, 0x4600, 0x0600, 0x0300, 0x0300, 0x0000 };
	memcpy(m->gfx_screen, screen, sizeof(screen));
	memcpy(m->gfx_cursor, cursor, sizeof(cursor));
}

void mouse_clamp(struct mouse *m)
{
	if (m->x < m->min_x)
		m->x = m->min_x;
	if (m->x > m->max_x)
		m->x = m->max_x;
	if (m->y < m->min_y)
		m->y = m->min_y;
	if (m->y > m->max_y)
		m->y = m->max_y;
}

static uint16_t buttons_changed(struct mouse *m, unsigned buttons)
{
	uint16_t ev = 0;
	for (unsigned b = 0; b < 3; b++) {
		bool was = m->buttons & (1u << b), now = buttons & (1u << b);
		if (was == now)
			continue;
		struct mouse_button *r = &m->btn[b];
		if (now) {
			r->presses++;
			r->press_x = (int16_t)m->x;
			r->press_y = (int16_t)m->y;
		} else {
			r->releases++;
			r->release_x = (int16_t)m->x;
			r->release_y = (int16_t)m->y;
		}
		/* left 02h/04h, right 08h/10h, middle 20h/40h */
		ev |= (uint16_t)((now ? 2u : 4u) << (2 * b));
	}
	m->buttons = buttons & 7;
	return ev;
}

uint16_t mouse_motion(struct mouse *m, int dx, int dy, unsigned buttons, uint64_t now_ns)
{
	uint16_t ev = 0;
	if (dx || dy) {
		uint64_t dt = now_ns - m->last_ns;
		if (dt < 10000000u)
			dt = 10000000u;
		m->last_ns = now_ns;
		uint64_t dist = (uint64_t)(dx < 0 ? -dx : dx) + (uint64_t)(dy < 0 ? -dy : dy);
		if (m->threshold && dist * 1000000000u / dt > m->threshold) {
			dx *= 2;
			dy *= 2;
		}
		m->count_x = (int16_t)(m->count_x + dx);
		m->count_y = (int16_t)(m->count_y + dy);
		m->raw_x = (int16_t)(m->raw_x + dx);
		m->raw_y = (int16_t)(m->raw_y + dy);
		/* mpp mickeys make 8 units */
		int fx = m->frac_x + dx * 8, fy = m->frac_y + dy * 8;
		int ux = m->mpp_x ? fx / (int)m->mpp_x : 0, uy = m->mpp_y ? fy / (int)m->mpp_y : 0;
		m->frac_x = m->mpp_x ? fx - ux * (int)m->mpp_x : 0;
		m->frac_y = m->mpp_y ? fy - uy * (int)m->mpp_y : 0;
		int ox = m->x, oy = m->y;
		m->x += ux;
		m->y += uy;
		mouse_clamp(m);
		if (m->x != ox || m->y != oy || dx || dy)
			ev |= MOUSE_EV_MOVE;
	}
	return ev | buttons_changed(m, buttons);
}

uint16_t mouse_place(struct mouse *m, int x, int y, unsigned buttons)
{
	uint16_t ev = 0;
	if (x != m->x || y != m->y) {
		m->count_x = (int16_t)(m->count_x + (x - m->x) * (int)m->mpp_x / 8);
		m->count_y = (int16_t)(m->count_y + (y - m->y) * (int)m->mpp_y / 8);
		m->x = x;
		m->y = y;
		mouse_clamp(m);
		ev |= MOUSE_EV_MOVE;
	}
	return ev | buttons_changed(m, buttons);
}
