/*
 * mouse.h - the mouse driver in the host: INT 33h (Microsoft Mouse driver
 * interface, RBIL INT 33h, functions 00h-24h) for the VM's programs, fed
 * by the host's mouse (vm16_mouse, vm16_mouse_at). Its state and the
 * pure parts (motion, ranges, buttons, event conditions) are here; the
 * VDD (vdd_mouse.c) calls the program's event handler and draws the
 * cursor in video memory as the driver does.
 *
 * Positions are in the driver's virtual screen: 8 units a character cell
 * in text modes (640x200 for 80x25), 640 wide in the 320-pixel graphics
 * modes (each pixel two units), the mode's pixels otherwise.
 */
#ifndef MVDM_DEV_MOUSE_H
#define MVDM_DEV_MOUSE_H

#include <stdbool.h>
#include <stdint.h>

/* Event conditions (INT 33h AX=0Ch CX). */
enum {
	MOUSE_EV_MOVE = 0x01,
	MOUSE_EV_LEFT_DOWN = 0x02,
	MOUSE_EV_LEFT_UP = 0x04,
	MOUSE_EV_RIGHT_DOWN = 0x08,
	MOUSE_EV_RIGHT_UP = 0x10,
	MOUSE_EV_MIDDLE_DOWN = 0x20,
	MOUSE_EV_MIDDLE_UP = 0x40,
};

struct mouse_button {
	uint16_t presses, releases;
	int16_t press_x, press_y, release_x, release_y;
};

struct mouse_handler {
	uint16_t mask, seg, off;
};

struct mouse {
	bool enabled;             /* AX=1Fh/20h */
	int x, y;                 /* position, virtual screen */
	int min_x, max_x, min_y, max_y;
	int frac_x, frac_y;       /* mickeys not yet a whole unit */
	int16_t count_x, count_y; /* mickeys since AX=0Bh */
	int16_t raw_x, raw_y;     /* mickeys of the last event (SI, DI) */
	uint16_t mpp_x, mpp_y;    /* mickeys per 8 units (AX=0Fh) */
	uint16_t threshold;       /* double speed threshold, mickeys a second */
	uint64_t last_ns;         /* virtual time of the last motion report */
	uint16_t sens_x, sens_y, sens_dspeed; /* AX=1Ah */
	uint16_t rate, page, language;
	unsigned buttons;
	struct mouse_button btn[3];
	int show;                 /* the cursor shows at 0, hides below */
	bool text_hw;             /* text cursor: hardware (AX=0Ah BX=1) */
	uint16_t text_screen, text_cursor;
	uint16_t gfx_screen[16], gfx_cursor[16];
	int16_t hot_x, hot_y;
	int16_t excl[4];          /* AX=10h region (x1, y1, x2, y2); excl_on */
	bool excl_on;
	struct mouse_handler handler, alt[3];
	uint16_t pending;         /* conditions not yet given to the handler */
	/* the virtual screen of the mode at the last reset */
	int screen_w, screen_h, cell_w, cell_h, px_div;
};

/* The defaults of reset (AX=00h/21h) for a screen of w x h units. */
void mouse_reset(struct mouse *m, int w, int h);
/* Motion in mickeys and the buttons held at virtual time now_ns: the
 * position within the ranges (twice as far above the double speed
 * threshold: the speed is the motion over the time since the last report,
 * 10 ms at least), the counters, the press/release records; returns the
 * event conditions. */
uint16_t mouse_motion(struct mouse *m, int dx, int dy, unsigned buttons, uint64_t now_ns);
/* Move to (x, y) (clamped) with these buttons: the conditions. */
uint16_t mouse_place(struct mouse *m, int x, int y, unsigned buttons);
/* Clamp the position to the ranges. */
void mouse_clamp(struct mouse *m);

#endif
