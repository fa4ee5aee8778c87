/*
 * window.h - a VM's picture in a window, through SDL2, with its keyboard
 * and mouse.
 *
 * The picture (vm16_frame) is scaled to the window with the display's
 * aspect ratio (4:3 for every VGA mode), letterboxed. Keys become PC scan
 * codes (set 1, hidkeys.h). The mouse is seamless at first: its position
 * over the picture and its buttons go to the VM as an absolute position
 * (vm16_mouse_at); Ctrl+F10 captures it (relative motion, the pointer
 * hidden and kept in the window, for games that turn with the mouse) and
 * releases it again. Alt+Enter toggles full screen. The title names the
 * VM and says whether the mouse is captured. Closing the window asks to
 * leave (WINDOW_QUIT).
 */
#ifndef MVDM_CONSOLE_WINDOW_H
#define MVDM_CONSOLE_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#include "mvdm/vm16.h"

struct window;

enum { WINDOW_QUIT = -1000 };

/* Whether a display is there to open a window on ($DISPLAY or
 * $WAYLAND_DISPLAY set). */
bool window_display_available(void);

/* Opens a window titled "mvdm - NAME". 0, or -ENODEV (no display, or SDL
 * could not start: the reason is in err). */
int window_open(struct window **out, const char *name, char *err, size_t errlen);
void window_free(struct window *w);

/* Shows the picture (again only when its serial changed or the window
 * needs it). */
void window_draw(struct window *w, const struct vm16_frame *f);

/* Where input goes. key: one set 1 key transition (as term_key_fn).
 * motion: relative mickeys while captured. position: a position in the
 * picture's pixels (seamless). buttons: bit 0 left, 1 right, 2 middle. */
struct window_input {
	void *ctx;
	int (*key)(void *ctx, uint8_t make, bool extended, bool pressed);
	void (*motion)(void *ctx, int dx, int dy, unsigned buttons);
	void (*position)(void *ctx, int x, int y, unsigned buttons);
};

/* Handles the pending events, waiting at most wait_ms for the first.
 * Returns the number of events handled or WINDOW_QUIT. */
int window_poll(struct window *w, const struct window_input *in, int wait_ms);

#endif
