/*
 * ctl.c - the `mvdm` commands that control VMs in the MVM server
 * (docs/server.md), built only on the client library (mvdm/client.h) and,
 * for attach, the terminal console (src/console/term.h).
 *
 * Every command takes --socket PATH (default: $MVDM_SOCKET, then the
 * server's default path). `start` runs mvdmd when no server listens (from
 * the directory of this binary, else from PATH); the others report that
 * no server listens. A refused request prints "mvdm: <server's message>"
 * and exits 1; usage errors exit 126.
 */
#include "ctl.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_internal.h"
#include "mvdm/client.h"

const char ctl_usage[] =
	"       mvdm start [options] PROGRAM [ARGS...]   (mvdm start --help for the options)\n"
	"       mvdm ps | status ID | wait ID [--timeout S] | kill ID | pause ID | resume ID | rm ID\n"
	"       mvdm screen [--png FILE] ID | keys ID TEXT | output ID [--follow] | attach [--window] ID | shutdown\n";

/* ---- shared helpers (ctl_internal.h) ---- */

int ctl_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("mvdm: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return CTL_EXIT_USAGE;
}

int ctl_server_error(struct mvdm_client *c)
{
	fprintf(stderr, "mvdm: %s\n", mvdm_client_error(c));
	return CTL_EXIT_ERROR;
}

int ctl_parse_id(const char *arg, uint64_t *id)
{
	char *end;
	errno = 0;
	unsigned long long v = arg[0] >= '0' && arg[0] <= '9' ? strtoull(arg, &end, 10) : 0;
	if (v == 0 || errno || *end)
		return ctl_usage_error("'%s' is not a VM id", arg);
	*id = v;
	return 0;
}

int ctl_parse_positive(const char *opt, const char *arg, double *out)
{
	char *end;
	double v = strtod(arg, &end);
	if (end == arg || *end || !isfinite(v) || v <= 0)
		return ctl_usage_error("%s wants a number > 0, not '%s'", opt, arg);
	*out = v;
	return 0;
}

/* mvdmd next to this binary if it is there, else "mvdmd" from PATH. */
static void mvdmd_path(char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = 0;
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			if ((size_t)snprintf(buf, len, "%s/mvdmd", self) < len && access(buf, X_OK) == 0)
				return;
		}
	}
	snprintf(buf, len, "mvdmd");
}

int ctl_connect(const char *socket_path, bool spawn, struct mvdm_client **c)
{
	char err[PATH_MAX + 256];
	int rc;
	if (spawn) {
		char mvdmd[PATH_MAX];
		mvdmd_path(mvdmd, sizeof(mvdmd));
		rc = mvdm_client_connect_or_spawn(socket_path, mvdmd, c, err, sizeof(err));
	} else {
		rc = mvdm_client_connect(socket_path, c, err, sizeof(err));
	}
	if (rc < 0) {
		fprintf(stderr, "mvdm: %s\n", err);
		return CTL_EXIT_ERROR;
	}
	return 0;
}

int ctl_ending_status(uint64_t id, const struct mvdm_wait_result *w)
{
	switch (w->state) {
	case MVDM_STATE_EXITED:
		return w->has_exit_code ? (w->exit_code & 0xFF) : 0;
	case MVDM_STATE_TIMED_OUT:
		fprintf(stderr, "mvdm: VM %llu timed out%s%s\n", (unsigned long long)id, w->reason[0] ? ": " : "",
			w->reason);
		return CTL_EXIT_TIMEOUT;
	case MVDM_STATE_FAULTED:
		fprintf(stderr, "mvdm: VM %llu faulted%s%s\n", (unsigned long long)id, w->reason[0] ? ": " : "",
			w->reason);
		return CTL_EXIT_FAULT;
	case MVDM_STATE_KILLED:
		fprintf(stderr, "mvdm: VM %llu was killed%s%s\n", (unsigned long long)id, w->reason[0] ? ": " : "",
			w->reason);
		return CTL_EXIT_KILLED;
	default:
		fprintf(stderr, "mvdm: VM %llu ended as %s\n", (unsigned long long)id, mvdm_state_name(w->state));
		return CTL_EXIT_ERROR;
	}
}

/* ---- option parsing for the commands that take an id ---- */

enum { OPT_SOCKET = 256, OPT_TIMEOUT, OPT_FOLLOW, OPT_HELP, OPT_PNG, OPT_WINDOW };

int ctl_parse_args(int argc, char **argv, unsigned accept, int operands, struct ctl_args *a)
{
	static const struct option longopts[] = {
		{"socket", required_argument, NULL, OPT_SOCKET}, {"timeout", required_argument, NULL, OPT_TIMEOUT},
		{"follow", no_argument, NULL, OPT_FOLLOW},       {"help", no_argument, NULL, OPT_HELP},
		{"png", required_argument, NULL, OPT_PNG},       {"window", no_argument, NULL, OPT_WINDOW},
		{NULL, 0, NULL, 0},
	};
	*a = (struct ctl_args){0};
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == OPT_SOCKET) {
			a->socket = optarg;
		} else if (c == OPT_TIMEOUT && (accept & ACCEPT_TIMEOUT)) {
			if (ctl_parse_positive("--timeout", optarg, &a->timeout_s))
				return CTL_EXIT_USAGE;
		} else if (c == OPT_FOLLOW && (accept & ACCEPT_FOLLOW)) {
			a->follow = true;
		} else if (c == OPT_PNG && (accept & ACCEPT_PNG)) {
			a->png = optarg;
		} else if (c == OPT_WINDOW && (accept & ACCEPT_WINDOW)) {
			a->window = true;
		} else {
			fprintf(stderr, "usage:\n%s", ctl_usage);
			return CTL_EXIT_USAGE;
		}
	}
	a->first = optind;
	if (argc - optind != operands) {
		fprintf(stderr, "mvdm %s: wants %d operand%s\nusage:\n%s", argv[0], operands, operands == 1 ? "" : "s",
			ctl_usage);
		return CTL_EXIT_USAGE;
	}
	return 0;
}

/* Parses the options and the id operand, then connects. */
static int open_for_id(int argc, char **argv, unsigned accept, int operands, struct ctl_args *a, uint64_t *id,
		       struct mvdm_client **c)
{
	int rc = ctl_parse_args(argc, argv, accept, operands, a);
	if (!rc && operands > 0)
		rc = ctl_parse_id(argv[a->first], id);
	if (!rc)
		rc = ctl_connect(a->socket, false, c);
	return rc;
}

/* ---- ps, status ---- */

static int cmd_ps(int argc, char **argv)
{
	struct ctl_args a;
	struct mvdm_client *c;
	int rc = open_for_id(argc, argv, 0, 0, &a, NULL, &c);
	if (rc)
		return rc;
	struct mvdm_vm_info *vms;
	size_t n;
	if (mvdm_client_list(c, &vms, &n) < 0) {
		rc = ctl_server_error(c);
		mvdm_client_close(c);
		return rc;
	}
	int wname = 4, wprog = 7;
	for (size_t i = 0; i < n; i++) {
		int ln = (int)strlen(vms[i].name), lp = (int)strlen(vms[i].program);
		wname = ln > wname ? ln : wname;
		wprog = lp > wprog ? lp : wprog;
	}
	printf("%-6s %-9s %-10s %-*s %-*s %s\n", "ID", "STATE", "MODE", wname, "NAME", wprog, "PROGRAM", "EXIT");
	for (size_t i = 0; i < n; i++) {
		const struct mvdm_vm_info *v = &vms[i];
		char exit_text[16] = "-";
		if (v->has_exit_code)
			snprintf(exit_text, sizeof(exit_text), "%d", v->exit_code);
		printf("%-6llu %-9s %-10s %-*s %-*s %s\n", (unsigned long long)v->id, mvdm_state_name(v->state),
		       v->mode == MVDM_MODE_EXCLUSIVE ? "exclusive" : "concurrent", wname, v->name[0] ? v->name : "-",
		       wprog, v->program, exit_text);
	}
	free(vms);
	mvdm_client_close(c);
	return 0;
}

static int cmd_status(int argc, char **argv)
{
	struct ctl_args a;
	struct mvdm_client *c;
	uint64_t id = 0;
	int rc = open_for_id(argc, argv, 0, 1, &a, &id, &c);
	if (rc)
		return rc;
	struct mvdm_vm_status s;
	if (mvdm_client_status(c, id, &s) < 0) {
		rc = ctl_server_error(c);
		mvdm_client_close(c);
		return rc;
	}
	mvdm_client_close(c);
	printf("id:            %llu\n", (unsigned long long)s.info.id);
	printf("name:          %s\n", s.info.name);
	printf("program:       %s\n", s.info.program);
	printf("state:         %s\n", mvdm_state_name(s.info.state));
	printf("mode:          %s\n", s.info.mode == MVDM_MODE_EXCLUSIVE ? "exclusive" : "concurrent");
	if (s.info.has_exit_code)
		printf("exit_code:     %d\n", s.info.exit_code);
	if (s.reason[0])
		printf("reason:        %s\n", s.reason);
	printf("insns:         %llu\n", (unsigned long long)s.insns);
	printf("cpu_s:         %.3f\n", s.cpu_s);
	printf("wall_s:        %.3f\n", s.wall_s);
	if (s.has_first_insn)
		printf("first_insn_us: %.0f\n", s.first_insn_us);
	if (s.parent)
		printf("parent:        %llu\n", (unsigned long long)s.parent);
	return 0;
}

/* ---- wait, kill, pause, resume, rm ---- */

static int cmd_wait(int argc, char **argv)
{
	struct ctl_args a;
	struct mvdm_client *c;
	uint64_t id = 0;
	int rc = open_for_id(argc, argv, ACCEPT_TIMEOUT, 1, &a, &id, &c);
	if (rc)
		return rc;
	struct mvdm_wait_result w;
	rc = mvdm_client_wait(c, id, a.timeout_s, &w);
	if (rc == -ETIMEDOUT && mvdm_client_error_code(c) == MVDM_ERR_TIMEOUT) {
		fprintf(stderr, "mvdm: VM %llu has not ended after %g s\n", (unsigned long long)id, a.timeout_s);
		rc = CTL_EXIT_TIMEOUT;
	} else if (rc < 0) {
		rc = ctl_server_error(c);
	} else {
		rc = ctl_ending_status(id, &w);
	}
	mvdm_client_close(c);
	return rc;
}

static int cmd_state_change(int argc, char **argv,
			    int (*fn)(struct mvdm_client *, uint64_t, enum mvdm_vm_state *))
{
	struct ctl_args a;
	struct mvdm_client *c;
	uint64_t id = 0;
	int rc = open_for_id(argc, argv, 0, 1, &a, &id, &c);
	if (rc)
		return rc;
	rc = fn(c, id, NULL) < 0 ? ctl_server_error(c) : 0;
	mvdm_client_close(c);
	return rc;
}

/* ---- screen, keys, output ---- */

/* screen --png FILE: the VM's picture as a PNG file. */
static int screen_png(struct mvdm_client *c, uint64_t id, const char *path)
{
	uint8_t *png = NULL;
	size_t len = 0;
	if (mvdm_client_screenshot(c, id, &png, &len, NULL) < 0)
		return ctl_server_error(c);
	FILE *f = fopen(path, "wb");
	int rc = 0;
	if (!f || fwrite(png, 1, len, f) != len) {
		fprintf(stderr, "mvdm: cannot write %s: %s\n", path, strerror(errno));
		rc = CTL_EXIT_ERROR;
	}
	if (f && fclose(f) != 0 && rc == 0) {
		fprintf(stderr, "mvdm: cannot write %s: %s\n", path, strerror(errno));
		rc = CTL_EXIT_ERROR;
	}
	free(png);
	return rc;
}

static int cmd_screen(int argc, char **argv)
{
	struct ctl_args a;
	struct mvdm_client *c;
	uint64_t id = 0;
	int rc = open_for_id(argc, argv, ACCEPT_PNG, 1, &a, &id, &c);
	if (rc)
		return rc;
	if (a.png) {
		rc = screen_png(c, id, a.png);
		mvdm_client_close(c);
		return rc;
	}
	struct vm16_screen *s = malloc(sizeof(*s));
	char *text = NULL;
	if (!s) {
		mvdm_client_close(c);
		fprintf(stderr, "mvdm: out of memory\n");
		return CTL_EXIT_ERROR;
	}
	rc = mvdm_client_screen(c, id, s, &text) < 0 ? ctl_server_error(c) : 0;
	for (char *line = text; !rc && line && *line;) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		size_t end = n;
		while (end > 0 && line[end - 1] == ' ')
			end--;
		fwrite(line, 1, end, stdout);
		putchar('\n');
		line += nl ? n + 1 : n;
	}
	free(text);
	free(s);
	mvdm_client_close(c);
	return rc;
}

static int cmd_keys(int argc, char **argv)
{
	struct ctl_args a;
	struct mvdm_client *c = NULL;
	uint64_t id = 0;
	int rc = ctl_parse_args(argc, argv, 0, 2, &a);
	if (!rc)
		rc = ctl_parse_id(argv[a.first], &id);
	if (rc)
		return rc;
	const char *in = argv[a.first + 1];
	size_t max = strlen(in) + 1;
	char *text = malloc(max);
	const char *bad = NULL;
	int n = text ? mvdm_unescape(in, text, max, &bad) : -ENOMEM;
	if (n < 0) {
		free(text);
		if (n == -EINVAL)
			return ctl_usage_error("bad escape in the keys at \"%.6s\" (\\r \\n \\t \\e \\\\ \\xHH...)", bad);
		return ctl_usage_error("%s", strerror(-n));
	}
	rc = ctl_connect(a.socket, false, &c);
	if (!rc && mvdm_client_keys_text(c, id, text, NULL) < 0)
		rc = ctl_server_error(c);
	free(text);
	mvdm_client_close(c);
	return rc;
}

/* Prints the output from offset 0; with follow, waits for more until the
 * VM ends. */
static int cmd_output(int argc, char **argv)
{
	struct ctl_args a;
	struct mvdm_client *c;
	uint64_t id = 0;
	int rc = open_for_id(argc, argv, ACCEPT_FOLLOW, 1, &a, &id, &c);
	if (rc)
		return rc;
	struct mvdm_output_req r = {.wait = a.follow};
	for (;;) {
		struct mvdm_output o;
		if (mvdm_client_output(c, id, &r, &o) < 0) {
			rc = ctl_server_error(c);
			break;
		}
		if (o.lost)
			fprintf(stderr, "mvdm: %llu bytes of output were no longer held\n", (unsigned long long)o.lost);
		fwrite(o.text, 1, o.len, stdout);
		fflush(stdout);
		/* Ended: next is the end. Otherwise, without --follow, stop
		 * once nothing new came. */
		bool done = o.ended || (!a.follow && o.next == r.from + o.lost);
		r.from = o.next;
		mvdm_output_free(&o);
		if (done)
			break;
	}
	mvdm_client_close(c);
	return rc;
}

/* ---- shutdown ---- */

static int cmd_shutdown(int argc, char **argv)
{
	struct ctl_args a;
	struct mvdm_client *c;
	int rc = open_for_id(argc, argv, 0, 0, &a, NULL, &c);
	if (rc)
		return rc;
	rc = mvdm_client_shutdown(c) < 0 ? ctl_server_error(c) : 0;
	mvdm_client_close(c);
	return rc;
}

/* ---- dispatch ---- */

static int cmd_kill(int argc, char **argv)
{
	return cmd_state_change(argc, argv, mvdm_client_kill);
}

static int cmd_pause(int argc, char **argv)
{
	return cmd_state_change(argc, argv, mvdm_client_pause);
}

static int cmd_resume(int argc, char **argv)
{
	return cmd_state_change(argc, argv, mvdm_client_resume);
}

static int cmd_rm(int argc, char **argv)
{
	return cmd_state_change(argc, argv, mvdm_client_remove);
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{"start", ctl_start},   {"ps", cmd_ps},         {"status", cmd_status}, {"wait", cmd_wait},
	{"kill", cmd_kill},     {"pause", cmd_pause},   {"resume", cmd_resume}, {"rm", cmd_rm},
	{"screen", cmd_screen}, {"keys", cmd_keys},     {"output", cmd_output}, {"attach", ctl_attach},
	{"shutdown", cmd_shutdown},
};

bool ctl_is_command(const char *cmd)
{
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (strcmp(commands[k].name, cmd) == 0)
			return true;
	return false;
}

int ctl_main(int argc, char **argv)
{
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (strcmp(commands[k].name, argv[0]) == 0)
			return commands[k].fn(argc, argv);
	return ctl_usage_error("unknown command '%s'", argv[0]);
}
