/*
 * run_console.h - the consoles of `mvdm run` and `mvdm shell`: how the DOS
 * console of the VM meets the host (docs/console.md).
 *
 * A console kind is one row of a table (run_console.c): `window` (the
 * picture in an SDL2 window, keys and mouse from it), `terminal` (the DOS
 * screen drawn in the terminal, keys and mouse from it; under `auto` it
 * hands over to a window when the program sets a graphics mode and a
 * display is there), `stream` (the console as a byte stream on
 * stdin/stdout); `auto` picks the first usable one of terminal and stream. A kind sets up the VM's configuration and the DOS
 * console before the VM is built, runs the VM to its end and gives the
 * host back as it found it, on every path: the program's end, a fault, the
 * time limit, Ctrl+] and SIGINT/SIGTERM/SIGHUP (read from a signalfd: no
 * signal handlers).
 */
#ifndef MVDM_TOOLS_RUN_CONSOLE_H
#define MVDM_TOOLS_RUN_CONSOLE_H

#include <stdbool.h>

#include "mvdm/dos.h"
#include "mvdm/vm16.h"

/* Exit statuses of `mvdm run` besides the program's own (README). */
enum {
	RUN_EXIT_INPUT_ENDED = 123, /* the program waits for a key and input has ended (the values: cli.h's table) */
	RUN_EXIT_TIMEOUT = 124,
	RUN_EXIT_FAULT = 125,
	RUN_EXIT_USAGE = 126,
	RUN_EXIT_SIGNAL = 128,      /* + the signal: 129 SIGHUP, 130 SIGINT (and Ctrl+]), 143 SIGTERM */
};

struct run_console_opts {
	const char *kind;  /* "auto", "stream", "terminal", ... */
	double timeout_s;  /* 0 = none */
	bool cp437;        /* code page 437 bytes on the host side, whatever the locale */
	bool utf8;         /* UTF-8 on the host side, whatever the locale (--utf8) */
	bool crlf;         /* stream: CR LF written as it comes (else LF) */
	const char *title; /* window: names the VM in the title (the program) */
};

struct run_console;

/* The kinds, for --help: name and one line, NULL-terminated by name. */
struct run_console_kind_info {
	const char *name, *help;
};
const struct run_console_kind_info *run_console_kinds(void);

/* Picks and prepares the console: sets vc (pace_idle) and dc (the DOS
 * console). Returns 0 and *out, or RUN_EXIT_USAGE after a message on
 * stderr (unknown kind, no terminal for `terminal`). */
int run_console_open(struct run_console **out, const struct run_console_opts *o, struct vm16_config *vc,
		     struct dos_config *dc);

/* Runs the started VM to its end; returns the exit status. The host's
 * terminal and signals are as they were when it returns. */
int run_console_run(struct run_console *rc, struct vm *vm);

/* Frees it (NULL is fine). Restores what run_console_open changed, if
 * run_console_run did not (an error before the VM started). */
void run_console_free(struct run_console *rc);

#endif
