/*
 * ctl_attach.c - `mvdm attach ID`: the screen of a VM in the server drawn
 * in this terminal (src/console/term.c) about 30 times a second, the keys
 * typed sent to it as raw key events (`keys` with `scancodes`). Ctrl+]
 * detaches and leaves the VM running; when the VM ends, attach says how
 * and exits with its status (as `mvdm wait`).
 *
 * One connection carries everything: each frame is a `screen` and a
 * `status` request, and each key transition a `keys` request, so a full
 * keyboard queue (bad_state) keeps exactly the transitions not yet taken
 * for the next frame.
 *
 * `mvdm attach --window ID` shows the VM's picture in a window instead
 * (src/console/window.c): each frame is a `screenshot` (a PNG, decoded
 * here) and a `status`; keys go as `keys` scancodes, the mouse as
 * `mouse` requests with the position in the picture.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console/png.h"
#include "console/term.h"
#include "console/window.h"
#include "ctl_internal.h"

enum { FRAME_MS = 33 };

struct attach {
	struct mvdm_client *c;
	uint64_t id;
	bool key_failed;              /* send_key() returned the client's error */
	struct vm16_screen screen;
};

/* term_key_fn: one transition to the VM. A refused one (bad_state: the
 * keyboard queue is full, or the VM has just ended, which the next status
 * shows) is kept for later. */
static int send_key(void *ctx, uint8_t make, bool extended, bool pressed)
{
	struct attach *a = ctx;
	struct mvdm_key k = {.make = make, .extended = extended, .pressed = pressed};
	int rc = mvdm_client_keys_scancodes(a->c, a->id, &k, 1, NULL);
	if (rc < 0 && mvdm_client_error_code(a->c) == MVDM_ERR_BAD_STATE)
		return -ENOSPC;
	a->key_failed = rc < 0;
	return rc;
}

/* Draws the VM's current screen. 0 or the request's error. */
static int draw(struct attach *a, struct term *t)
{
	int rc = mvdm_client_screen(a->c, a->id, &a->screen, NULL);
	if (rc == 0)
		term_draw(t, &a->screen);
	return rc;
}

/* The exit status of an ended VM, with a line saying how it ended. */
static int ended(const struct mvdm_vm_status *s)
{
	struct mvdm_wait_result w = {
		.state = s->info.state,
		.has_exit_code = s->info.has_exit_code,
		.exit_code = s->info.exit_code,
	};
	snprintf(w.reason, sizeof(w.reason), "%s", s->reason);
	if (w.state == MVDM_STATE_EXITED)
		fprintf(stderr, "mvdm: VM %llu exited with code %d\n", (unsigned long long)s->info.id,
			w.has_exit_code ? w.exit_code : 0);
	return ctl_ending_status(s->info.id, &w);
}

/* The session: returns the exit status; the terminal is closed on return
 * (so messages go below the last frame). */
static int session(struct attach *a, struct term *t)
{
	struct mvdm_vm_status s;
	for (;;) {
		int k = term_poll_key_events(t, send_key, a);
		if (k == TERM_QUIT || k == -EPIPE) {
			term_close(t);
			fprintf(stderr, "mvdm: detached; VM %llu goes on running (mvdm attach %llu)\n",
				(unsigned long long)a->id, (unsigned long long)a->id);
			return 0;
		}
		if (k < 0 && !a->key_failed) {
			term_close(t);
			fprintf(stderr, "mvdm: reading the terminal: %s\n", strerror(-k));
			return CLI_EXIT_SERVER;
		}
		if (k < 0 || draw(a, t) < 0 || mvdm_client_status(a->c, a->id, &s) < 0)
			break;
		if (mvdm_state_ended(s.info.state)) {
			draw(a, t); /* the last screen */
			term_close(t);
			return ended(&s);
		}
		struct pollfd p = {.fd = 0, .events = POLLIN};
		poll(&p, 1, FRAME_MS);
	}
	term_close(t);
	return ctl_server_error(a->c);
}

static void send_position(void *ctx, int x, int y, unsigned buttons)
{
	struct attach *a = ctx;
	(void)mvdm_client_mouse_at(a->c, a->id, x, y, buttons);
}

static void send_motion(void *ctx, int dx, int dy, unsigned buttons)
{
	struct attach *a = ctx;
	(void)mvdm_client_mouse(a->c, a->id, dx, dy, buttons);
}

/* One picture into the window when it changed. 0 or the request's error. */
static int draw_window(struct attach *a, struct window *w, uint64_t *serial)
{
	uint8_t *png = NULL;
	size_t len = 0;
	struct mvdm_picture info;
	int rc = mvdm_client_screenshot(a->c, a->id, &png, &len, &info);
	if (rc < 0)
		return rc;
	uint32_t *px = NULL, pw = 0, ph = 0;
	if (info.serial != *serial && png_decode(png, len, &px, &pw, &ph) == 0) {
		struct vm16_frame f = { .width = pw, .height = ph, .stride = pw, .pixels = px, .serial = info.serial,
					.mode = (uint8_t)info.mode, .graphics = info.graphics, .aspect_w = 4, .aspect_h = 3 };
		window_draw(w, &f);
		*serial = info.serial;
	}
	free(px);
	free(png);
	return 0;
}

static int window_session(struct attach *a, struct window *w)
{
	struct mvdm_vm_status s;
	struct window_input in = { a, send_key, send_motion, send_position };
	uint64_t serial = UINT64_MAX;
	for (;;) {
		if (window_poll(w, &in, FRAME_MS) == WINDOW_QUIT) {
			fprintf(stderr, "mvdm: detached; VM %llu goes on running (mvdm attach %llu)\n",
				(unsigned long long)a->id, (unsigned long long)a->id);
			return 0;
		}
		if (draw_window(a, w, &serial) < 0 || mvdm_client_status(a->c, a->id, &s) < 0)
			break;
		if (mvdm_state_ended(s.info.state)) {
			draw_window(a, w, &serial);
			return ended(&s);
		}
	}
	return ctl_server_error(a->c);
}

int ctl_attach(int argc, char **argv)
{
	struct ctl_args args;
	int rc = ctl_parse_args(argc, argv, ACCEPT_WINDOW, 1, &args);
	if (args.first < 0)
		return rc;
	struct attach *a = calloc(1, sizeof(*a));
	if (!a)
		return ctl_usage_error("attach", "out of memory");
	rc = ctl_connect(args.socket, false, &a->c);
	if (!rc)
		rc = ctl_find_vm(a->c, argv[args.first], &a->id);
	struct mvdm_vm_status s;
	if (!rc && mvdm_client_status(a->c, a->id, &s) < 0)
		rc = ctl_server_error(a->c);
	/* Hold it in the foreground while attached, as a window on it would
	 * (closing the connection gives it back). */
	if (!rc && mvdm_client_focus(a->c, a->id, true, NULL) < 0)
		rc = ctl_server_error(a->c);
	if (!rc && args.window) {
		struct window *w = NULL;
		char err[200], name[64];
		snprintf(name, sizeof(name), "VM %llu", (unsigned long long)a->id);
		if (window_open(&w, name, err, sizeof(err)) < 0) {
			fprintf(stderr, "mvdm: cannot open a window: %s\n", err);
			rc = CLI_EXIT_USAGE;
		} else {
			rc = window_session(a, w);
			window_free(w);
		}
		mvdm_client_close(a->c);
		free(a);
		return rc;
	}
	struct term *t = NULL;
	if (!rc && term_open(&t, 0, 1) < 0) {
		fprintf(stderr, "mvdm: attach needs a terminal on stdin and stdout\n");
		rc = CLI_EXIT_USAGE;
	}
	if (!rc)
		rc = session(a, t);
	term_free(t);
	mvdm_client_close(a->c);
	free(a);
	return rc;
}
