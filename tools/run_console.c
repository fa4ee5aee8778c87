/*
 * run_console.c - the consoles of `mvdm run` (run_console.h,
 * docs/console.md).
 *
 * stream: the VM is not paced: at each idle stop virtual time jumps to the
 *   next device event. CON reads take stdin through the DOS kernel's
 *   console read; BIOS key reads get stdin typed as keys, one at a time
 *   when the guest asks the BIOS for a key (vm16_key_wanted). When a
 *   program waits for a key and stdin has ended, the run ends with
 *   RUN_EXIT_INPUT_ENDED. Output is flushed at each line and after every
 *   slice.
 * terminal: the VM is paced in real time; the screen is drawn about 50
 *   times a second and before every sleep; a VM that only waits for input
 *   (deep sleep, docs/idle.md) sleeps until a key or a signal comes. Under
 *   `auto`, a graphics mode (no text screen) with a display available
 *   hands the run over to a window.
 * window: paced like the terminal; the picture is shown at most 70 times
 *   a second when it changed; keys and the mouse come from the window
 *   (console/window.h); closing it ends the run as Ctrl+] does.
 *
 * Signals (SIGINT, SIGTERM, SIGHUP, SIGWINCH) are blocked and read from a
 * signalfd between slices (at most once per SIGNAL_NS of host time: a
 * slice is far shorter, and a read that finds nothing is a system call
 * for nothing) and in every wait: no handlers, no globals.
 */
#include "run_console.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "console/stream.h"
#include "console/term.h"
#include "console/window.h"

/* Units of work per vm16_run() call: well under a millisecond of host
 * time, so the time limit, signals and keys are looked at often. */
enum { RUN_SLICE = 200000, DRAW_NS = 20000000 };
/* How often the signalfd is read between slices: a signal ends a busy run
 * within this (plus a slice), well inside what a person notices. The
 * clock is the vDSO's, no system call. */
enum { SIGNAL_NS = 5000000 };

struct run_console {
	const struct run_console_kind *kind;
	struct run_console_opts o;
	bool utf8;               /* text on the host side is UTF-8 (terminal; the stream asks itself) */
	int sig_fd;              /* signalfd of the blocked signals, or -1 */
	uint64_t signals_ns;     /* monotonic time the signalfd was last read between slices */
	sigset_t old_mask;
	bool mask_set;
	uint64_t deadline_ns;    /* monotonic; 0 = no time limit */
	struct con_stream *stream;
	struct term *term;
	uint64_t last_draw_ns;
	struct vm16_screen *screen; /* the terminal's (8 KiB: made by terminal_open) */
	bool auto_picked;        /* the kind came from `auto` (it may hand over to a window) */
	struct window *win;
	uint64_t win_serial;     /* the picture the window shows */
};

struct run_console_kind {
	const char *name, *help;
	/* Whether it can run here (auto takes the first that can). */
	bool (*usable)(void);
	/* Before the VM is built: the VM's and the DOS console's set-up.
	 * 0, or RUN_EXIT_USAGE after a message. */
	int (*open)(struct run_console *rc, struct vm16_config *vc, struct dos_config *dc);
	/* Runs the started VM to its end: the exit status. */
	int (*run)(struct run_console *rc, struct vm *vm);
	/* Gives back what open took (also when run never ran). */
	void (*close)(struct run_console *rc);
};

/* ---- what every kind shares ---- */

/* Reads the pending signals: the exit status a terminating one asks for
 * (128 + n), or 0; *resized when the terminal changed its size. */
static int take_signals(struct run_console *rc, bool *resized)
{
	int status = 0;
	struct signalfd_siginfo si;
	while (rc->sig_fd >= 0 && read(rc->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH) {
			if (resized)
				*resized = true;
		} else if (!status) {
			status = RUN_EXIT_SIGNAL + (int)si.ssi_signo;
		}
	}
	return status;
}

static const char *signal_text(int status)
{
	switch (status - RUN_EXIT_SIGNAL) {
	case SIGINT: return "interrupted (SIGINT)";
	case SIGTERM: return "terminated (SIGTERM)";
	case SIGHUP: return "the terminal hung up (SIGHUP)";
	default: return "ended by a signal";
	}
}

/* How the run ends, if it does now: the program's end, a fault, a signal
 * or the time limit. Returns the exit status with *why (the message, ""
 * for the program's own end), or -1 to go on. */
static int ending(struct run_console *rc, struct vm *vm, enum vm16_stop stop, bool *resized, char *why,
		  size_t whylen)
{
	why[0] = 0;
	if (stop == VM16_STOP_EXIT)
		return vm16_exit_code(vm);
	if (stop == VM16_STOP_FAULT) {
		snprintf(why, whylen, "%s", vm16_error(vm));
		return RUN_EXIT_FAULT;
	}
	uint64_t now = con_stream_now_ns();
	if (now - rc->signals_ns >= SIGNAL_NS) {
		rc->signals_ns = now;
		int sig = take_signals(rc, resized);
		if (sig) {
			snprintf(why, whylen, "%s", signal_text(sig));
			return sig;
		}
	}
	if (rc->deadline_ns && now >= rc->deadline_ns) {
		snprintf(why, whylen, "timed out after %g s", rc->o.timeout_s);
		return RUN_EXIT_TIMEOUT;
	}
	return -1;
}

static void say(const char *why)
{
	if (why[0])
		fprintf(stderr, "mvdm: %s\n", why);
}

/* UTF-8 on the host side: --utf8, else not --cp437 and the locale's
 * character set (LC_ALL, LC_CTYPE, LANG) is UTF-8. */
static bool host_utf8(const struct run_console_opts *o)
{
	if (o->utf8)
		return true;
	if (o->cp437)
		return false;
	/* Asked, then the process's locale put back: libraries that follow it
	 * (Xlib names the SDL window in the locale's encoding, which not every
	 * X client reads) see the C locale as before. */
	char saved[256];
	const char *cur = setlocale(LC_CTYPE, NULL);
	snprintf(saved, sizeof(saved), "%s", cur ? cur : "C");
	bool utf8 = setlocale(LC_CTYPE, "") && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	setlocale(LC_CTYPE, saved);
	return utf8;
}

/* ---- stream ---- */

static bool always(void)
{
	return true;
}

static void stream_write(void *ctx, const uint8_t *buf, size_t len)
{
	struct run_console *rc = ctx;
	con_stream_write(rc->stream, buf, len);
}

/* CON input for the DOS kernel: blocks for stdin; a signal or the time
 * limit makes the guest wait (-EAGAIN) and the run loop ends the run. */
static int stream_read(void *ctx, uint8_t *b)
{
	struct run_console *rc = ctx;
	con_stream_flush(rc->stream); /* a prompt shows before we wait */
	int n = con_stream_getc(rc->stream, b, true, rc->deadline_ns);
	return n >= 0 ? n : -EAGAIN;
}

/* The stream's utf8_query: the locale is read only if a byte needs it. */
static bool stream_utf8(void *ctx)
{
	const struct run_console *rc = ctx;
	return host_utf8(&rc->o);
}

static int stream_open(struct run_console *rc, struct vm16_config *vc, struct dos_config *dc)
{
	struct con_stream_opts so = {
		.in_fd = 0, .out_fd = 1, .crlf = rc->o.crlf, .wake_fd = rc->sig_fd,
		.utf8_query = stream_utf8, .utf8_ctx = rc,
	};
	if (con_stream_open(&rc->stream, &so) < 0) {
		fprintf(stderr, "mvdm: out of memory\n");
		return RUN_EXIT_USAGE;
	}
	vc->pace_idle = true; /* every idle stop comes back here; time jumps (stream_run) */
	dc->console.ctx = rc;
	dc->console.write = stream_write;
	dc->console.read = stream_read;
	dc->console.echo = isatty(0);
	return 0;
}

/* Types the next input byte when the guest asked the BIOS for a key (or
 * waits with nothing due but input). Returns RUN_EXIT_INPUT_ENDED when it
 * waits and input has ended, else 0. */
static int stream_feed(struct run_console *rc, struct vm *vm, enum vm16_stop stop)
{
	int want = vm16_key_wanted(vm);
	if (stop == VM16_STOP_IDLE && want == VM16_KEY_PEEKED)
		want = VM16_KEY_WAITING; /* idle by polling the keyboard: it waits */
	bool stuck = stop == VM16_STOP_IDLE && vm16_idle_ns(vm) == UINT64_MAX;
	if (!want && !stuck)
		return 0;
	if (vm16_keys_queued(vm))
		return 0; /* the last key is on its way */
	bool block = want == VM16_KEY_WAITING || stuck;
	con_stream_flush(rc->stream);
	uint8_t b;
	int n = con_stream_getc(rc->stream, &b, block, rc->deadline_ns);
	if (n == 0 && block)
		return RUN_EXIT_INPUT_ENDED;
	if (n == 1 && b) { /* Enter for LF (CR LF came as CR alone) */
		char key[2] = { (char)(b == '\n' ? '\r' : b), 0 };
		vm16_type(vm, key);
	}
	return 0;
}

static int stream_run(struct run_console *rc, struct vm *vm)
{
	char why[300];
	for (;;) {
		enum vm16_stop stop = vm16_run(vm, RUN_SLICE);
		con_stream_flush(rc->stream);
		int status = ending(rc, vm, stop, NULL, why, sizeof(why));
		if (status < 0 && (status = stream_feed(rc, vm, stop)) == 0)
			status = -1;
		if (status == RUN_EXIT_INPUT_ENDED)
			snprintf(why, sizeof(why), "the program waits for a key and the input has ended");
		if (status >= 0) {
			con_stream_finish(rc->stream);
			say(why);
			return status;
		}
		if (stop == VM16_STOP_IDLE) {
			uint64_t ns = vm16_idle_ns(vm);
			if (ns != UINT64_MAX)
				vm16_pass_time(vm, ns); /* no pacing: time jumps to the event */
		}
	}
}

static void stream_close(struct run_console *rc)
{
	con_stream_free(rc->stream);
	rc->stream = NULL;
}

/* ---- terminal ---- */

static bool on_a_terminal(void)
{
	return isatty(0) && isatty(1);
}

static int terminal_open(struct run_console *rc, struct vm16_config *vc, struct dos_config *dc)
{
	(void)rc;
	(void)dc; /* the DOS console is the VM's screen and keyboard */
	if (!on_a_terminal()) {
		fprintf(stderr, "mvdm: the terminal console needs a terminal on stdin and stdout (--console=stream)\n");
		return RUN_EXIT_USAGE;
	}
	rc->screen = calloc(1, sizeof(*rc->screen));
	if (!rc->screen) {
		fprintf(stderr, "mvdm: out of memory\n");
		return RUN_EXIT_USAGE;
	}
	vc->pace_idle = true;
	rc->utf8 = host_utf8(&rc->o);
	return 0;
}

static void draw(struct run_console *rc, struct vm *vm)
{
	if (vm16_screen(vm, rc->screen) == 0)
		term_draw(rc->term, rc->screen);
	rc->last_draw_ns = con_stream_now_ns();
}

/* Leaves the terminal: the last screen drawn, the normal screen back with
 * the text of the DOS screen on it, then the message. */
static int terminal_end(struct run_console *rc, struct vm *vm, int status, const char *why)
{
	if (rc->term) {
		draw(rc, vm);
		term_close(rc->term);
		if (rc->screen->cols)
			term_print_text(1, rc->screen, rc->utf8);
	}
	say(why);
	return status;
}

/* The VM idles: sleep until its next device event (pacing), a key, a
 * signal or the time limit, and pass the time slept to its clock. */
static void terminal_sleep(struct run_console *rc, struct vm *vm)
{
	uint64_t ns = vm16_idle_ns(vm), start = con_stream_now_ns();
	int ms = -1;
	if (ns != UINT64_MAX)
		ms = (int)((ns + 999999) / 1000000);
	if (rc->deadline_ns) {
		uint64_t left = rc->deadline_ns > start ? (rc->deadline_ns - start + 999999) / 1000000 : 0;
		if (ms < 0 || left < (uint64_t)ms)
			ms = (int)left;
	}
	struct pollfd p[2] = { { .fd = 0, .events = POLLIN }, { .fd = rc->sig_fd, .events = POLLIN } };
	poll(p, 2, ms);
	vm16_pass_time(vm, con_stream_now_ns() - start);
}

/* ---- window ---- */

static int win_key(void *ctx, uint8_t make, bool extended, bool pressed)
{
	return vm16_key(ctx, make, extended, pressed);
}

static void win_motion(void *ctx, int dx, int dy, unsigned buttons)
{
	vm16_mouse(ctx, dx, dy, buttons);
}

static void win_position(void *ctx, int x, int y, unsigned buttons)
{
	vm16_mouse_at(ctx, x, y, buttons);
}

/* Opens the window (quiet: no message when it cannot). 0 or -1. */
static int window_start(struct run_console *rc, struct vm *vm, bool quiet)
{
	(void)vm;
	char err[200];
	if (window_open(&rc->win, rc->o.title ? rc->o.title : "DOS", err, sizeof(err)) < 0) {
		if (!quiet)
			fprintf(stderr, "mvdm: cannot open a window: %s\n", err);
		return -1;
	}
	return 0;
}

/* Shows the picture when it changed, at most 70 times a second. */
static void window_show(struct run_console *rc, struct vm *vm, bool now)
{
	uint64_t t = con_stream_now_ns();
	if (!now && t - rc->last_draw_ns < 1000000000u / 70)
		return;
	struct vm16_frame f;
	if (vm16_frame(vm, &f, rc->win_serial) == 0) {
		window_draw(rc->win, &f);
		rc->win_serial = f.serial;
	}
	rc->last_draw_ns = t;
}

static int window_loop(struct run_console *rc, struct vm *vm)
{
	struct window_input in = { vm, win_key, win_motion, win_position };
	char why[300];
	for (;;) {
		enum vm16_stop stop = vm16_run(vm, RUN_SLICE);
		int status = ending(rc, vm, stop, NULL, why, sizeof(why));
		if (status >= 0) {
			window_show(rc, vm, true);
			say(why);
			return status;
		}
		int wait_ms = 0;
		if (stop == VM16_STOP_IDLE) {
			/* Sleep until the next device event or input, at most a frame. */
			uint64_t ns = vm16_idle_ns(vm);
			wait_ms = ns > 14000000u ? 14 : ns < 1000000u ? 1 : (int)(ns / 1000000u);
		}
		uint64_t before = con_stream_now_ns();
		if (window_poll(rc->win, &in, wait_ms) == WINDOW_QUIT) {
			say("the window was closed");
			return RUN_EXIT_SIGNAL + SIGINT;
		}
		if (stop == VM16_STOP_IDLE)
			vm16_pass_time(vm, con_stream_now_ns() - before);
		window_show(rc, vm, stop == VM16_STOP_IDLE);
	}
}

static int window_kind_open(struct run_console *rc, struct vm16_config *vc, struct dos_config *dc)
{
	(void)rc;
	(void)dc; /* the DOS console is the VM's screen and keyboard */
	if (!window_display_available()) {
		fprintf(stderr, "mvdm: the window console needs a display ($DISPLAY or $WAYLAND_DISPLAY)\n");
		return RUN_EXIT_USAGE;
	}
	vc->pace_idle = true;
	return 0;
}

static int window_kind_run(struct run_console *rc, struct vm *vm)
{
	if (window_start(rc, vm, false) < 0)
		return RUN_EXIT_USAGE;
	return window_loop(rc, vm);
}

static void window_kind_close(struct run_console *rc)
{
	window_free(rc->win);
	rc->win = NULL;
}

static bool never(void)
{
	return false;
}

/* ---- terminal (continued) ---- */

static int terminal_run(struct run_console *rc, struct vm *vm)
{
	struct term_opts to = {
		.in_fd = 0, .out_fd = 1, .raw = true, .utf8 = rc->utf8, .alt_screen = true, .mouse = true,
	};
	if (term_open_opts(&rc->term, &to) != 0) {
		fprintf(stderr, "mvdm: cannot use the terminal\n");
		return RUN_EXIT_USAGE;
	}
	char why[300];
	for (;;) {
		enum vm16_stop stop = vm16_run(vm, RUN_SLICE);
		bool resized = false;
		int status = ending(rc, vm, stop, &resized, why, sizeof(why));
		if (resized)
			term_resize(rc->term);
		if (status >= 0)
			return terminal_end(rc, vm, status, why);
		int k = term_poll_keys(rc->term, vm);
		if (k == TERM_QUIT)
			return terminal_end(rc, vm, RUN_EXIT_SIGNAL + SIGINT, "session left with Ctrl+]");
		if (k == -EPIPE || k == -EIO)
			return terminal_end(rc, vm, RUN_EXIT_SIGNAL + SIGHUP, "the terminal has gone");
		if (stop == VM16_STOP_IDLE || resized || con_stream_now_ns() - rc->last_draw_ns > DRAW_NS) {
			if (rc->auto_picked && vm16_screen(vm, rc->screen) < 0 && window_display_available() &&
			    window_start(rc, vm, true) == 0) {
				/* A graphics mode: a window shows it from now on. */
				term_close(rc->term);
				return window_loop(rc, vm);
			}
			draw(rc, vm);
		}
		if (stop == VM16_STOP_IDLE && k <= 0) /* keys just typed: run it first */
			terminal_sleep(rc, vm);
	}
}

static void terminal_close(struct run_console *rc)
{
	term_free(rc->term); /* closes it first, if nothing did */
	rc->term = NULL;
	window_kind_close(rc); /* a window it handed over to */
}

/* ---- the table ---- */

/* Names and help texts as arrays of their own: the list below and
 * run_console_kinds() use them, and an array's address is a constant
 * (another array's element is not one to every compiler: clang). auto
 * takes the first usable kind in the list's order (a window only when
 * asked for: under auto the terminal hands over to one). */
static const char window_name[] = "window", terminal_name[] = "terminal", stream_name[] = "stream";
static const char window_help[] = "the picture in a window (SDL2), its keys and mouse into the VM (needs a display)";
static const char terminal_help[] =
	"the DOS screen drawn in this terminal, its keys typed into the VM (stdin and stdout ttys)";
static const char stream_help[] =
	"the DOS console as text on stdout and stdin (pipes, files, or a terminal left as it is)";
static const struct run_console_kind kinds[] = {
	{ window_name, window_help, never, window_kind_open, window_kind_run, window_kind_close },
	{ terminal_name, terminal_help, on_a_terminal, terminal_open, terminal_run, terminal_close },
	{ stream_name, stream_help, always, stream_open, stream_run, stream_close },
};
enum { NKINDS = sizeof(kinds) / sizeof(kinds[0]) };

const struct run_console_kind_info *run_console_kinds(void)
{
	static const struct run_console_kind_info info[NKINDS + 1] = {
		{ window_name, window_help },
		{ terminal_name, terminal_help },
		{ stream_name, stream_help },
		{ NULL, NULL },
	};
	return info;
}

static const struct run_console_kind *pick(const char *name)
{
	for (unsigned k = 0; k < NKINDS; k++)
		if (strcmp(name, "auto") == 0 ? kinds[k].usable() : strcmp(name, kinds[k].name) == 0)
			return &kinds[k];
	return NULL;
}

static int block_signals(struct run_console *rc)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &set, &rc->old_mask) < 0)
		return -errno;
	rc->mask_set = true;
	rc->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return rc->sig_fd < 0 ? -errno : 0;
}

int run_console_open(struct run_console **out, const struct run_console_opts *o, struct vm16_config *vc,
		     struct dos_config *dc)
{
	const struct run_console_kind *kind = pick(o->kind ? o->kind : "auto");
	if (!kind) {
		fprintf(stderr, "mvdm: unknown console '%s' (", o->kind);
		for (unsigned k = 0; k < NKINDS; k++)
			fprintf(stderr, "%s%s", kinds[k].name, k + 1 < NKINDS ? ", " : " or auto)\n");
		return RUN_EXIT_USAGE;
	}
	struct run_console *rc = calloc(1, sizeof(*rc));
	if (!rc) {
		fprintf(stderr, "mvdm: out of memory\n");
		return RUN_EXIT_USAGE;
	}
	rc->kind = kind;
	rc->auto_picked = !o->kind || strcmp(o->kind, "auto") == 0;
	rc->o = *o;
	rc->sig_fd = -1;
	if (o->timeout_s > 0)
		rc->deadline_ns = con_stream_now_ns() + (uint64_t)(o->timeout_s * 1e9);
	int rc_open = block_signals(rc);
	if (rc_open < 0) {
		fprintf(stderr, "mvdm: cannot watch signals: %s\n", strerror(-rc_open));
		run_console_free(rc);
		return RUN_EXIT_USAGE;
	}
	rc_open = kind->open(rc, vc, dc);
	if (rc_open) {
		run_console_free(rc);
		return rc_open;
	}
	*out = rc;
	return 0;
}

int run_console_run(struct run_console *rc, struct vm *vm)
{
	return rc->kind->run(rc, vm);
}

void run_console_free(struct run_console *rc)
{
	if (!rc)
		return;
	rc->kind->close(rc);
	if (rc->sig_fd >= 0)
		close(rc->sig_fd);
	if (rc->mask_set)
		sigprocmask(SIG_SETMASK, &rc->old_mask, NULL);
	free(rc->screen);
	free(rc);
}
