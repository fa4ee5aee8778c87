/*
 * window.c - the window console through SDL2 (window.h), loaded when a
 * window opens (sdl_api.h). SDL2 manual: SDL_CreateWindow,
 * SDL_CreateRenderer, streaming textures (SDL_UpdateTexture),
 * SDL_SetRelativeMouseMode, SDL_SetWindowFullscreen.
 */
#include "console/window.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/hidkeys.h"
#include "console/sdl_api.h"

struct window {
	struct sdl_api sdl;     /* SDL2, loaded when the window opens */
	SDL_Window *win;
	SDL_Renderer *ren;
	SDL_Texture *tex;
	uint32_t tex_w, tex_h;
	uint64_t serial;        /* the picture shown */
	bool shown;
	bool captured, fullscreen;
	uint8_t aspect_w, aspect_h;
	unsigned buttons;
	char name[128];
};

bool window_display_available(void)
{
	const char *x = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
	return (x && *x) || (w && *w);
}

static void set_title(struct window *w)
{
	char t[200];
	snprintf(t, sizeof(t), "mvdm - %s%s", w->name,
		 w->captured ? " [mouse captured: Ctrl+F10 releases it]" : "");
	w->sdl.SetWindowTitle(w->win, t);
}

int window_open(struct window **out, const char *name, char *err, size_t errlen)
{
	*out = NULL;
	if (!window_display_available()) {
		snprintf(err, errlen, "no display ($DISPLAY is not set)");
		return -ENODEV;
	}
	struct window *w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	int rc = sdl_api_load(&w->sdl, err, errlen);
	if (rc == 0 && w->sdl.InitSubSystem(SDL_INIT_VIDEO) != 0) {
		snprintf(err, errlen, "SDL: %s", w->sdl.GetError());
		rc = -ENODEV;
	}
	if (rc < 0) {
		free(w);
		return rc;
	}
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->aspect_w = 4;
	w->aspect_h = 3;
	w->win = w->sdl.CreateWindow("mvdm", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 800, 600,
				  SDL_WINDOW_RESIZABLE);
	if (w->win)
		w->ren = w->sdl.CreateRenderer(w->win, -1, 0);
	if (!w->win || !w->ren) {
		snprintf(err, errlen, "SDL: %s", w->sdl.GetError());
		window_free(w);
		return -ENODEV;
	}
	w->sdl.SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "0");
	set_title(w);
	*out = w;
	return 0;
}

void window_free(struct window *w)
{
	if (!w)
		return;
	if (w->tex)
		w->sdl.DestroyTexture(w->tex);
	if (w->ren)
		w->sdl.DestroyRenderer(w->ren);
	if (w->win)
		w->sdl.DestroyWindow(w->win);
	w->sdl.QuitSubSystem(SDL_INIT_VIDEO);
	free(w);
}

/* The picture's place in the window: as large as fits with its aspect. */
static SDL_Rect place(struct window *w)
{
	int ww, wh;
	w->sdl.GetRendererOutputSize(w->ren, &ww, &wh);
	int dw = ww, dh = ww * w->aspect_h / w->aspect_w;
	if (dh > wh) {
		dh = wh;
		dw = wh * w->aspect_w / w->aspect_h;
	}
	SDL_Rect r = { (ww - dw) / 2, (wh - dh) / 2, dw, dh };
	return r;
}

static void present(struct window *w)
{
	w->sdl.SetRenderDrawColor(w->ren, 0, 0, 0, 255);
	w->sdl.RenderClear(w->ren);
	if (w->tex) {
		SDL_Rect r = place(w);
		w->sdl.RenderCopy(w->ren, w->tex, NULL, &r);
	}
	w->sdl.RenderPresent(w->ren);
}

void window_draw(struct window *w, const struct vm16_frame *f)
{
	if (w->shown && f->serial == w->serial && f->width == w->tex_w && f->height == w->tex_h)
		return;
	if (!w->tex || f->width != w->tex_w || f->height != w->tex_h) {
		if (w->tex)
			w->sdl.DestroyTexture(w->tex);
		w->tex = w->sdl.CreateTexture(w->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, (int)f->width,
					   (int)f->height);
		w->tex_w = f->width;
		w->tex_h = f->height;
	}
	if (!w->tex)
		return;
	if (f->aspect_w && f->aspect_h) {
		w->aspect_w = f->aspect_w;
		w->aspect_h = f->aspect_h;
	}
	w->sdl.UpdateTexture(w->tex, NULL, f->pixels, (int)(f->stride * sizeof(uint32_t)));
	w->serial = f->serial;
	w->shown = true;
	present(w);
}

static unsigned sdl_buttons(uint32_t state)
{
	return ((state & SDL_BUTTON_LMASK) ? 1u : 0) | ((state & SDL_BUTTON_RMASK) ? 2u : 0) |
	       ((state & SDL_BUTTON_MMASK) ? 4u : 0);
}

/* A window position as a position in the picture (clamped to it). */
static void to_picture(struct window *w, int wx, int wy, int *x, int *y)
{
	SDL_Rect r = place(w);
	int ww, wh, lw, lh;
	w->sdl.GetRendererOutputSize(w->ren, &ww, &wh);
	w->sdl.GetWindowSize(w->win, &lw, &lh);
	if (lw > 0 && lh > 0) { /* high-DPI: window points to output pixels */
		wx = wx * ww / lw;
		wy = wy * wh / lh;
	}
	long px = r.w > 0 ? (long)(wx - r.x) * (long)w->tex_w / r.w : 0;
	long py = r.h > 0 ? (long)(wy - r.y) * (long)w->tex_h / r.h : 0;
	*x = px < 0 ? 0 : px >= (long)w->tex_w ? (int)w->tex_w - 1 : (int)px;
	*y = py < 0 ? 0 : py >= (long)w->tex_h ? (int)w->tex_h - 1 : (int)py;
}

static void capture(struct window *w, bool on)
{
	w->captured = on;
	w->sdl.SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE);
	set_title(w);
}

static int handle(struct window *w, const SDL_Event *e, const struct window_input *in)
{
	switch (e->type) {
	case SDL_QUIT:
		return WINDOW_QUIT;
	case SDL_WINDOWEVENT:
		if (e->window.event == SDL_WINDOWEVENT_EXPOSED || e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
			present(w);
		if (e->window.event == SDL_WINDOWEVENT_FOCUS_LOST && w->captured)
			capture(w, false);
		return 0;
	case SDL_KEYDOWN:
	case SDL_KEYUP: {
		bool down = e->type == SDL_KEYDOWN;
		SDL_Keymod mod = w->sdl.GetModState();
		if (down && e->key.keysym.scancode == SDL_SCANCODE_F10 && (mod & KMOD_CTRL)) {
			capture(w, !w->captured);
			return 0;
		}
		if (down && e->key.keysym.scancode == SDL_SCANCODE_RETURN && (mod & KMOD_ALT)) {
			w->fullscreen = !w->fullscreen;
			w->sdl.SetWindowFullscreen(w->win, w->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
			return 0;
		}
		uint8_t make;
		bool ext;
		if (in->key && hid_to_set1((unsigned)e->key.keysym.scancode, &make, &ext))
			in->key(in->ctx, make, ext, down);
		return 0;
	}
	case SDL_MOUSEMOTION:
		w->buttons = sdl_buttons(e->motion.state);
		if (w->captured) {
			if (in->motion)
				in->motion(in->ctx, e->motion.xrel, e->motion.yrel, w->buttons);
		} else if (in->position) {
			int x, y;
			to_picture(w, e->motion.x, e->motion.y, &x, &y);
			in->position(in->ctx, x, y, w->buttons);
		}
		return 0;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP: {
		unsigned bit = e->button.button == SDL_BUTTON_LEFT ? 1u : e->button.button == SDL_BUTTON_RIGHT ? 2u
			       : e->button.button == SDL_BUTTON_MIDDLE ? 4u : 0;
		w->buttons = e->type == SDL_MOUSEBUTTONDOWN ? w->buttons | bit : w->buttons & ~bit;
		if (w->captured) {
			if (in->motion)
				in->motion(in->ctx, 0, 0, w->buttons);
		} else if (in->position) {
			int x, y;
			to_picture(w, e->button.x, e->button.y, &x, &y);
			in->position(in->ctx, x, y, w->buttons);
		}
		return 0;
	}
	default:
		return 0;
	}
}

int window_poll(struct window *w, const struct window_input *in, int wait_ms)
{
	SDL_Event e;
	int n = 0;
	if (wait_ms > 0 ? w->sdl.WaitEventTimeout(&e, wait_ms) : w->sdl.PollEvent(&e)) {
		do {
			if (handle(w, &e, in) == WINDOW_QUIT)
				return WINDOW_QUIT;
			n++;
		} while (w->sdl.PollEvent(&e));
	}
	return n;
}
