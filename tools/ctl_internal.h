/* ctl_internal.h - what the server commands share (ctl.c, ctl_start.c,
 * ctl_attach.c). */
#ifndef MVDM_TOOLS_CTL_INTERNAL_H
#define MVDM_TOOLS_CTL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "mvdm/client.h"

enum {
	CTL_EXIT_ERROR = 1,           /* the server refused or failed, or no server */
	CTL_EXIT_TIMEOUT = 124,       /* the VM timed out (or wait --timeout ran out) */
	CTL_EXIT_FAULT = 125,         /* the VM faulted */
	CTL_EXIT_USAGE = 126,
	CTL_EXIT_KILLED = 137,        /* the VM was killed (128 + SIGKILL, as a shell shows it) */
};

/* "mvdm: <message>" on stderr; returns CTL_EXIT_USAGE. */
int ctl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "mvdm: <the server's message>"; returns CTL_EXIT_ERROR. */
int ctl_server_error(struct mvdm_client *c);
/* A VM id operand (a positive decimal integer): 0, or CTL_EXIT_USAGE
 * after a message. */
int ctl_parse_id(const char *arg, uint64_t *id);
/* A number > 0 (seconds, MIPS) for option opt: 0, or CTL_EXIT_USAGE
 * after a message. */
int ctl_parse_positive(const char *opt, const char *arg, double *out);
/* Connects to socket_path (NULL: the default); with spawn, starts mvdmd
 * when nothing listens. 0, or CTL_EXIT_ERROR after a message. */
int ctl_connect(const char *socket_path, bool spawn, struct mvdm_client **c);
/* The exit status for how VM id ended (its DOS code, 124, 125, 137), with
 * a message on stderr when it did not exit. */
int ctl_ending_status(uint64_t id, const struct mvdm_wait_result *w);

/* What a command accepts besides --socket. */
enum { ACCEPT_TIMEOUT = 1, ACCEPT_FOLLOW = 2, ACCEPT_PNG = 4, ACCEPT_WINDOW = 8 };

struct ctl_args {
	const char *socket;           /* --socket, or NULL */
	double timeout_s;             /* --timeout, 0 = none */
	bool follow;                  /* --follow */
	const char *png;              /* --png FILE (screen) */
	bool window;                  /* --window (attach) */
	int first;                    /* argv index of the first operand */
};
/* Parses the options of argv[1..argc) (those in `accept` and --socket;
 * they may come before or after the operands, "--" ends them) and checks
 * there are `operands` operands. 0, or CTL_EXIT_USAGE after a message. */
int ctl_parse_args(int argc, char **argv, unsigned accept, int operands, struct ctl_args *a);

int ctl_start(int argc, char **argv);   /* ctl_start.c */
int ctl_attach(int argc, char **argv);  /* ctl_attach.c */

#endif
