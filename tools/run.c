/*
 * run.c - `mvdm run` and `mvdm shell`: one DOS program (or the prompt) in a
 * fresh VM with the DOS kernel, on the Linux terminal or on pipes.
 *
 * When stdout is a terminal the VM's text screen is drawn there and keys
 * go to the VM's keyboard (src/console/term.c); otherwise the DOS console
 * is a byte stream: what the program writes as teletype goes to stdout and
 * stdin feeds CON. Ctrl+] leaves an interactive session.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "console/cp437.h"
#include "console/png.h"
#include "console/term.h"
#include "console/window.h"
#include "cpu/cpu.h"
#include "hostpath.h"
#include "mvdm/dos.h"
#include "mvdm/progsettings.h"
#include "mvdm/vm16.h"
#include "run.h"
#include "settings_cmd.h"

enum { EXIT_TIMEOUT = 124, EXIT_FAULT = 125, EXIT_USAGE = 126, RUN_MAX_SETS = 64 };

/* --console: where the VM's screen and keyboard are. auto: the terminal
 * when stdin and stdout are one (switching to a window when the program
 * sets a graphics mode and a display is there), else a byte stream. */
enum console_kind { CONSOLE_AUTO = 0, CONSOLE_WINDOW, CONSOLE_TERMINAL, CONSOLE_STREAM };
static const struct {
	const char *name;
	enum console_kind kind;
} consoles[] = {
	{ "auto", CONSOLE_AUTO },
	{ "window", CONSOLE_WINDOW },
	{ "terminal", CONSOLE_TERMINAL },
	{ "stream", CONSOLE_STREAM },
};

struct run_opts {
	const char *drives[26];
	char *drive_buf[26];
	const char *env[DOS_MAX_ENV];
	unsigned nenv;
	/* DOS settings from the command line, in order (later wins): --set,
	 * and --cpu, --mem, --dos-version as CPU_MODEL, DOS_MEMORY and
	 * DOS_VERSION. They win over the program's settings files. */
	const char *sets[RUN_MAX_SETS];
	char set_buf[RUN_MAX_SETS][32];
	unsigned nsets;
	double timeout_s;
	bool utf8;
	bool tty;
	const char *screenshot;     /* --screenshot: PNG of the screen at the end */
	enum console_kind console; /* --console */
	const char *name;           /* the program, for the window's title */
};

struct stream {
	bool utf8;
	FILE *out;
	uint8_t in[4096];           /* bytes read from stdin, not yet given */
	size_t in_len, in_pos;
	double deadline;            /* monotonic seconds, 0 = none (--timeout) */
	bool cut;                   /* input was ended by the deadline */
};

static double now_s(void);

static void stream_write(void *ctx, const uint8_t *buf, size_t len)
{
	struct stream *s = ctx;
	for (size_t i = 0; i < len; i++) {
		if (!s->utf8) {
			putc(buf[i], s->out);
			continue;
		}
		char u[4];
		size_t n = cp437_stream_to_utf8(buf[i], u);
		fwrite(u, 1, n, s->out);
	}
}

/* One byte of stdin for CON. Waits at most until the deadline, then
 * reports end of input so the run loop can end the VM as timed out. */
static int stream_read(void *ctx, uint8_t *b)
{
	struct stream *s = ctx;
	if (s->in_pos >= s->in_len) {
		fflush(s->out); /* a prompt shows before we wait */
		if (s->deadline > 0) {
			double left = s->deadline - now_s();
			struct pollfd p = { .fd = 0, .events = POLLIN };
			if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0) {
				s->cut = true;
				return 0;
			}
		}
		ssize_t n = read(0, s->in, sizeof(s->in));
		if (n <= 0)
			return 0;
		s->in_len = (size_t)n;
		s->in_pos = 0;
	}
	*b = s->in[s->in_pos++];
	return 1;
}

static int run_usage(void)
{
	fprintf(stderr,
		"usage: mvdm run [options] PROGRAM [ARGS...]\n"
		"  PROGRAM        a host path, or a DOS path on a mapped drive (D:\\MASM.EXE, MASM)\n"
		"  -d X=DIR       map drive X: to host directory DIR (repeatable; C: is . by default)\n"
		"  -e NAME=VALUE  set an environment variable (repeatable)\n"
		"  --cpu MODEL    8086, 80186, 80286 or 80386 (default)\n"
		"  --mem KB       conventional memory, 64-640, a multiple of 4 (default 640)\n"
		"  --dos-version X.Y   the DOS version programs see (default 5.0)\n"
		"  --set NAME=VALUE    a DOS setting (repeatable; `mvdm settings PROGRAM` lists them),\n"
		"                 over the program's settings files (PROGRAM.mvdm)\n"
		"  --timeout S    end the VM after S seconds (exit status 124)\n"
		"  --utf8         translate code page 437 output to UTF-8 (pipes)\n"
		"  --screenshot FILE.png  write the screen as a PNG when the program ends (or times out)\n"
		"  --console KIND auto (default), window, terminal or stream\n");
	return EXIT_USAGE;
}

/* One more command-line setting (the list has room for every option). */
static void add_set(struct run_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_set(struct run_opts *o, const char *fmt, ...)
{
	if (o->nsets == RUN_MAX_SETS)
		return;
	va_list ap;
	va_start(ap, fmt);
	if (strcmp(fmt, "%s") == 0) {
		o->sets[o->nsets++] = va_arg(ap, const char *);
	} else {
		vsnprintf(o->set_buf[o->nsets], sizeof(o->set_buf[0]), fmt, ap);
		o->sets[o->nsets] = o->set_buf[o->nsets];
		o->nsets++;
	}
	va_end(ap);
}

static int parse(int argc, char **argv, struct run_opts *o, int *first)
{
	static const struct option longopts[] = {
		{ "cpu", required_argument, NULL, 'c' },     { "mem", required_argument, NULL, 'm' },
		{ "dos-version", required_argument, NULL, 'v' }, { "timeout", required_argument, NULL, 't' },
		{ "utf8", no_argument, NULL, 'u' },          { "help", no_argument, NULL, 'h' },
		{ "set", required_argument, NULL, 's' },
		{ "screenshot", required_argument, NULL, 'S' },
		{ "console", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	optind = 0;
	int c;
	/* '+': options stop at the program name; its arguments are the program's. */
	while ((c = getopt_long(argc, argv, "+d:e:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': {
			char *a = optarg;
			int letter = (a[0] | 0x20) - 'a';
			if (letter < 0 || letter > 25 || (a[1] != '=' && a[1] != ':')) {
				fprintf(stderr, "mvdm: -d wants X=DIR, not '%s'\n", a);
				return EXIT_USAGE;
			}
			o->drives[letter] = a + 2;
			break;
		}
		case 'e':
			if (!strchr(optarg, '=') || o->nenv >= DOS_MAX_ENV - 1) {
				fprintf(stderr, "mvdm: -e wants NAME=VALUE, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			o->env[o->nenv++] = optarg;
			break;
		case 'c': {
			int m = cpu_model_parse(optarg); /* enum cpu_model = enum vm16_cpu */
			if (m < 0) {
				fprintf(stderr, "mvdm: unknown CPU model '%s'\n", optarg);
				return EXIT_USAGE;
			}
			/* The setting's name for it ("86" is "8086"; "8088" stays). */
			add_set(o, "CPU_MODEL=%s", strcmp(optarg, "8088") == 0 ? "8088" : cpu_model_name((enum cpu_model)m));
			break;
		}
		case 'm': {
			char *end;
			unsigned long kb = strtoul(optarg, &end, 10);
			if (*end || kb < 64 || kb > 640 || kb % 4) {
				fprintf(stderr, "mvdm: --mem wants 64 to 640 (KiB, a multiple of 4), not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			add_set(o, "DOS_MEMORY=%lu", kb);
			break;
		}
		case 'v': {
			unsigned maj, min;
			char dot;
			if (sscanf(optarg, "%u%c%u", &maj, &dot, &min) != 3 || dot != '.' || maj < 2 || maj > 9 ||
			    min > 99) {
				fprintf(stderr, "mvdm: --dos-version wants X.Y (2.0 to 9.99), not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			/* "3.3" means 3.30 as DOS reports it. */
			add_set(o, "DOS_VERSION=%u", maj * 100 + (strlen(strchr(optarg, '.') + 1) == 1 ? min * 10 : min));
			break;
		}
		case 't': {
			char *end;
			o->timeout_s = strtod(optarg, &end);
			if (*end || o->timeout_s <= 0) {
				fprintf(stderr, "mvdm: --timeout wants seconds, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		}
		case 's':
			if (!strchr(optarg, '=')) {
				fprintf(stderr, "mvdm: --set wants NAME=VALUE, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			add_set(o, "%s", optarg);
			break;
		case 'u': o->utf8 = true; break;
		case 'S': o->screenshot = optarg; break;
		case 'C': {
			size_t k = 0, n = sizeof(consoles) / sizeof(consoles[0]);
			while (k < n && strcmp(consoles[k].name, optarg) != 0)
				k++;
			if (k == n) {
				fprintf(stderr, "mvdm: --console wants auto, window, terminal or stream, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			o->console = consoles[k].kind;
			break;
		}
		default: return run_usage();
		}
	}
	*first = optind;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Window input into the VM. */
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

/* Where the session shows the VM (run_loop). */
struct session {
	struct term *t;        /* terminal (NULL once a window took over) */
	struct stream *s;      /* stream console, or NULL */
	struct window *win;    /* window, or NULL */
	struct window_input in;
	uint64_t serial;       /* the picture the window shows */
	double last_draw;
};

static void session_close(struct session *ss)
{
	if (ss->s)
		fflush(ss->s->out);
	if (ss->t)
		term_close(ss->t);
}

/* Opens the window; on success the terminal is given back (keys come
 * from the window now). */
static int open_window(struct session *ss, struct vm *vm, const char *name, bool quiet)
{
	char err[200];
	if (window_open(&ss->win, name, err, sizeof(err)) < 0) {
		if (!quiet)
			fprintf(stderr, "mvdm: cannot open a window: %s\n", err);
		return -1;
	}
	ss->in = (struct window_input){ vm, win_key, win_motion, win_position };
	if (ss->t)
		term_close(ss->t);
	ss->t = NULL;
	return 0;
}

/* The window shows the picture when it changed, at most 70 times a second. */
static void window_refresh(struct session *ss, struct vm *vm, double now)
{
	struct vm16_frame f;
	if (now - ss->last_draw < 1.0 / 70)
		return;
	if (vm16_frame(vm, &f, ss->serial) == 0) {
		window_draw(ss->win, &f);
		ss->serial = f.serial;
	}
	ss->last_draw = now;
}

/* Runs the VM to its end. Returns the exit status. */
static int run_loop(struct vm *vm, struct run_opts *o, struct session *ss)
{
	double start = now_s(), last_draw = 0;
	struct vm16_screen scr;
	struct stream *s = ss->s;
	for (;;) {
		enum vm16_stop why = vm16_run(vm, 2000000);
		if (why == VM16_STOP_EXIT && !(s && s->cut))
			return vm16_exit_code(vm);
		if (why == VM16_STOP_FAULT) {
			session_close(ss);
			fprintf(stderr, "mvdm: %s\n", vm16_error(vm));
			return EXIT_FAULT;
		}
		double now = now_s();
		if (o->timeout_s > 0 && (now - start > o->timeout_s || (s && s->cut))) {
			session_close(ss);
			fprintf(stderr, "mvdm: timed out after %g s\n", o->timeout_s);
			return EXIT_TIMEOUT;
		}
		if (ss->t) {
			int k = term_poll_keys(ss->t, vm);
			if (k == TERM_QUIT || k == -EPIPE) {
				term_close(ss->t);
				fprintf(stderr, "mvdm: session left with Ctrl+]\n");
				return 0;
			}
			if (now - last_draw > 0.02) {
				if (vm16_screen(vm, &scr) == 0)
					term_draw(ss->t, &scr);
				else if (o->console == CONSOLE_AUTO && window_display_available())
					open_window(ss, vm, o->name, false); /* a graphics mode: show it in a window */
				last_draw = now;
			}
		}
		if (ss->win) {
			if (window_poll(ss->win, &ss->in, 0) == WINDOW_QUIT) {
				session_close(ss);
				fprintf(stderr, "mvdm: the window was closed\n");
				return 0;
			}
			window_refresh(ss, vm, now);
		}
		if (why == VM16_STOP_IDLE) {
			uint64_t ns = vm16_idle_ns(vm);
			int ms = ns > 14000000u ? 14 : (int)(ns / 1000000u);
			if (ss->win) {
				/* Sleep until the next device event or input, at most a frame. */
				double before = now_s();
				if (window_poll(ss->win, &ss->in, ms > 0 ? ms : 1) == WINDOW_QUIT) {
					session_close(ss);
					fprintf(stderr, "mvdm: the window was closed\n");
					return 0;
				}
				vm16_pass_time(vm, (uint64_t)((now_s() - before) * 1e9));
			} else if (ss->t) {
				/* Sleep until the next device event or a key, at most 20 ms. */
				struct pollfd p = { .fd = 0, .events = POLLIN };
				double before = now_s();
				poll(&p, 1, ms);
				vm16_pass_time(vm, (uint64_t)((now_s() - before) * 1e9));
			} else {
				/* Waiting for keys with no keyboard: feed stdin as typing. */
				fflush(s->out);
				char buf[64];
				ssize_t n = read(0, buf, sizeof(buf) - 1);
				if (n <= 0) {
					fprintf(stderr, "mvdm: the program waits for a key and input has ended\n");
					return EXIT_FAULT;
				}
				buf[n] = 0;
				for (ssize_t i = 0; i < n; i++)
					if (buf[i] == '\n')
						buf[i] = '\r';
				vm16_type(vm, buf);
			}
		}
	}
}

int mvdm_run(int argc, char **argv, bool shell)
{
	struct run_opts o = { 0 };
	struct vm *vm = NULL;
	struct dos *d = NULL;
	struct term *t = NULL;
	int first;
	int rc = parse(argc + 1, argv - 1, &o, &first);
	if (rc)
		return rc;
	first -= 1;
	if (!shell && first >= argc)
		return run_usage();
	if (!o.drives[2])
		o.drives[2] = ".";
	char program[512], tail[256] = "";
	const char *prog_arg = shell ? DOS_COMSPEC : argv[first];
	rc = hostpath_program(o.drives, o.drive_buf, prog_arg, program, sizeof(program));
	if (rc) {
		fprintf(stderr, "mvdm: %s: %s\n", prog_arg, strerror(-rc));
		rc = EXIT_USAGE;
		goto out;
	}
	size_t tl = 0;
	for (int i = shell ? first : first + 1; i < argc; i++) {
		int n = snprintf(tail + tl, sizeof(tail) - tl, "%s%s", tl ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(tail) - tl || tl + (size_t)n > 126) {
			fprintf(stderr, "mvdm: the arguments are longer than DOS's 126-byte command tail\n");
			rc = EXIT_USAGE;
			goto out;
		}
		tl += (size_t)n;
	}

	/* The DOS settings: the program's settings files, then the command
	 * line's. A program that is not found has none (dos_start says so). */
	struct dos_config pc;
	dos_config_default(&pc);
	memcpy(pc.drives, o.drives, sizeof(pc.drives));
	memcpy(pc.env, o.env, sizeof(pc.env));
	pc.nenv = o.nenv;
	struct progsettings *ps = mvdm_program_settings(&pc, program, o.sets, o.nsets, false);
	if (!ps) {
		rc = EXIT_USAGE;
		goto out;
	}
	bool tty = isatty(1) && isatty(0);
	if (o.console == CONSOLE_TERMINAL && !tty) {
		fprintf(stderr, "mvdm: --console=terminal needs stdin and stdout on a terminal\n");
		rc = EXIT_USAGE;
		goto out;
	}
	if (o.console == CONSOLE_STREAM)
		tty = false;
	/* A window console: keys from the window, output to its picture. */
	bool windowed = o.console == CONSOLE_WINDOW;
	bool interactive = tty || windowed;
	o.name = prog_arg;
	struct vm16_config vc;
	vm16_config_default(&vc);
	vc.settings = progsettings_list(ps);
	vc.pace_idle = interactive;
	char err[256];
	rc = vm16_create(&vc, &vm, err, sizeof(err));
	progsettings_destroy(ps); /* vm16_create copied what it needs */
	if (rc) {
		fprintf(stderr, "mvdm: %s\n", err);
		vm = NULL;
		rc = EXIT_USAGE;
		goto out;
	}
	struct stream s = { .utf8 = o.utf8, .out = stdout };
	if (o.timeout_s > 0)
		s.deadline = now_s() + o.timeout_s;
	struct dos_config dc;
	dos_config_default(&dc);
	memcpy(dc.drives, o.drives, sizeof(dc.drives));
	memcpy(dc.env, o.env, sizeof(dc.env));
	dc.nenv = o.nenv;
	if (!interactive) {
		dc.console.ctx = &s;
		dc.console.write = stream_write;
		dc.console.read = stream_read;
		dc.console.echo = isatty(0);
	}
	rc = dos_create(vm, &dc, &d, err, sizeof(err));
	if (!rc)
		rc = dos_start(d, program, tail, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "mvdm: %s\n", err);
		rc = EXIT_USAGE;
		goto out;
	}
	if (tty && term_open(&t, 0, 1) != 0) {
		fprintf(stderr, "mvdm: cannot use the terminal\n");
		rc = EXIT_USAGE;
		goto out;
	}
	struct session ss = { .t = t, .s = interactive ? NULL : &s };
	if (windowed && open_window(&ss, vm, o.name, false) < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	rc = run_loop(vm, &o, &ss);
	if (ss.win)
		window_free(ss.win);
	if (!ss.t && t) {
		term_free(t); /* given back when the window took over */
		t = NULL;
	}
	if (o.screenshot) {
		int prc = png_screenshot(vm, o.screenshot);
		if (prc < 0) {
			fprintf(stderr, "mvdm: cannot write the screenshot %s: %s\n", o.screenshot,
				prc == -ENODEV ? "the VM has no display" : strerror(-prc));
			if (rc == 0)
				rc = EXIT_USAGE;
		}
	}
	if (t) {
		struct vm16_screen scr;
		if (vm16_screen(vm, &scr) == 0)
			term_draw(t, &scr);
	}
out:
	term_free(t);
	fflush(stdout);
	dos_destroy(d);
	vm16_destroy(vm);
	for (int i = 0; i < 26; i++)
		free(o.drive_buf[i]);
	return rc;
}
