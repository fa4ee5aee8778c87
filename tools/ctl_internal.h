/* ctl_internal.h - what the server commands share (ctl.c, ctl_start.c,
 * ctl_attach.c). */
#ifndef MVDM_TOOLS_CTL_INTERNAL_H
#define MVDM_TOOLS_CTL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "mvdm/client.h"

/* "mvdm CMD: <message>" and the --help hint on stderr; returns
 * CLI_EXIT_USAGE. cmd: the command's name ("start"). */
int ctl_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "mvdm: <the server's message>"; returns CLI_EXIT_SERVER. */
int ctl_server_error(struct mvdm_client *c);
/* The id of the VM an operand names (its id or its name): 0, or
 * CLI_EXIT_SERVER after a message (no such VM). */
int ctl_find_vm(struct mvdm_client *c, const char *arg, uint64_t *id);
/* A number > 0 and at most max (seconds, MIPS) for option opt: 0, or
 * CLI_EXIT_USAGE after a message. */
int ctl_parse_positive(const char *cmd, const char *opt, const char *arg, double max, double *out);
/* Connects to socket_path (NULL: the default); with spawn, starts mvdmd
 * when nothing listens. 0, or CLI_EXIT_SERVER after a message. */
int ctl_connect(const char *socket_path, bool spawn, struct mvdm_client **c);
/* The exit status for how VM id ended (its DOS code, 124, 125, 137), with
 * a message on stderr when it did not exit. */
int ctl_ending_status(uint64_t id, const struct mvdm_wait_result *w);

/* What a command accepts besides --socket and --help. */
enum { ACCEPT_TIMEOUT = 1, ACCEPT_FOLLOW = 2, ACCEPT_JSON = 4, ACCEPT_PNG = 8, ACCEPT_WINDOW = 16 };

struct ctl_args {
	const char *socket;           /* --socket, or NULL */
	double timeout_s;             /* --timeout, 0 = none */
	bool follow;                  /* --follow */
	bool json;                    /* --json */
	const char *png;              /* --png FILE (screen) */
	bool window;                  /* --window (attach) */
	int first;                    /* argv index of the first operand */
};
/* Parses the options of argv[1..argc) (those in `accept`, --socket and
 * --help; they may come before or after the operands, "--" ends them) and
 * checks there are `operands` operands. 0; or, with a->first = -1, the
 * exit status: 0 after --help (the command's help on stdout), or
 * CLI_EXIT_USAGE after a message. */
int ctl_parse_args(int argc, char **argv, unsigned accept, int operands, struct ctl_args *a);
/* The --help text of command name. */
const char *ctl_help_of(const char *name);

int ctl_start(int argc, char **argv);   /* ctl_start.c */
extern const char ctl_start_help[];
int ctl_attach(int argc, char **argv);  /* ctl_attach.c */

#endif
