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
#include <cjson/cJSON.h>

#include "mvdm/client.h"

/* ---- shared helpers (ctl_internal.h) ---- */

int ctl_usage_error(const char *cmd, const char *fmt, ...)
{
	char full[64], msg[512];
	snprintf(full, sizeof(full), "mvdm %s", cmd);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cli_usage_error(full, "%s", msg);
}

int ctl_server_error(struct mvdm_client *c)
{
	fprintf(stderr, "mvdm: %s\n", mvdm_client_error(c));
	return CLI_EXIT_SERVER;
}

int ctl_find_vm(struct mvdm_client *c, const char *arg, uint64_t *id)
{
	if (mvdm_client_find(c, arg, id) == 0)
		return 0;
	return ctl_server_error(c);
}

int ctl_parse_positive(const char *cmd, const char *opt, const char *arg, double max, double *out)
{
	char *end;
	double v = strtod(arg, &end);
	if (end == arg || *end || !isfinite(v) || v <= 0 || v > max)
		return ctl_usage_error(cmd, "%s wants a number > 0 and at most %g, not '%s'", opt, max, arg);
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
		return CLI_EXIT_SERVER;
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
		return CLI_EXIT_TIMEOUT;
	case MVDM_STATE_FAULTED:
		fprintf(stderr, "mvdm: VM %llu faulted%s%s\n", (unsigned long long)id, w->reason[0] ? ": " : "",
			w->reason);
		return CLI_EXIT_FAULT;
	case MVDM_STATE_KILLED:
		fprintf(stderr, "mvdm: VM %llu was killed%s%s\n", (unsigned long long)id, w->reason[0] ? ": " : "",
			w->reason);
		return CLI_EXIT_KILLED;
	default:
		fprintf(stderr, "mvdm: VM %llu ended as %s\n", (unsigned long long)id, mvdm_state_name(w->state));
		return CLI_EXIT_SERVER;
	}
}

/* ---- option parsing for the commands that take an id ---- */

enum { OPT_SOCKET = 256, OPT_TIMEOUT, OPT_FOLLOW, OPT_JSON, OPT_HELP, OPT_PNG, OPT_WINDOW };

int ctl_parse_args(int argc, char **argv, unsigned accept, int operands, struct ctl_args *a)
{
	static const struct option longopts[] = {
		{"socket", required_argument, NULL, OPT_SOCKET}, {"timeout", required_argument, NULL, OPT_TIMEOUT},
		{"follow", no_argument, NULL, OPT_FOLLOW},       {"json", no_argument, NULL, OPT_JSON},
		{"help", no_argument, NULL, OPT_HELP},           {"png", required_argument, NULL, OPT_PNG},
		{"window", no_argument, NULL, OPT_WINDOW},       {NULL, 0, NULL, 0},
	};
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "mvdm %s", argv[0]);
	*a = (struct ctl_args){0};
	a->first = -1;
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (c == OPT_SOCKET) {
			a->socket = optarg;
		} else if (c == OPT_TIMEOUT && (accept & ACCEPT_TIMEOUT)) {
			if (ctl_parse_positive(argv[0], "--timeout", optarg, 1e9, &a->timeout_s))
				return CLI_EXIT_USAGE;
		} else if (c == OPT_FOLLOW && (accept & ACCEPT_FOLLOW)) {
			a->follow = true;
		} else if (c == OPT_JSON && (accept & ACCEPT_JSON)) {
			a->json = true;
		} else if (c == OPT_PNG && (accept & ACCEPT_PNG)) {
			a->png = optarg;
		} else if (c == OPT_WINDOW && (accept & ACCEPT_WINDOW)) {
			a->window = true;
		} else if (c == OPT_HELP) {
			return cli_help(ctl_help_of(argv[0]));
		} else {
			if (c != '?' && c != ':')
				optopt = 0; /* an option another command has: unknown here */
			return cli_option_error(cmd, c == ':' ? ':' : '?', argv);
		}
	}
	if (argc - optind != operands) {
		if (argc - optind < operands)
			return ctl_usage_error(argv[0], "wants %s", operands == 2 ? "a VM and the TEXT" : "a VM (its id or name)");
		return ctl_usage_error(argv[0], "takes %d operand%s, not %d", operands, operands == 1 ? "" : "s",
				       argc - optind);
	}
	a->first = optind;
	return 0;
}

/* Parses the options and the id operand, then connects. */
static int open_for_id(int argc, char **argv, unsigned accept, int operands, struct ctl_args *a, uint64_t *id,
		       struct mvdm_client **c)
{
	*c = NULL;
	int rc = ctl_parse_args(argc, argv, accept, operands, a);
	if (a->first < 0)
		return rc;
	rc = ctl_connect(a->socket, false, c);
	if (!rc && operands > 0)
		rc = ctl_find_vm(*c, argv[a->first], id);
	if (rc) {
		mvdm_client_close(*c);
		*c = NULL;
	}
	return rc;
}

/* ---- ps, status ---- */

/* `ps --json`: one JSON array of {id, name, program, state, mode,
 * exit_code (once exited)} on one line, as the server's `list` has them. */
static int print_ps_json(const struct mvdm_vm_info *vms, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, o);
		cJSON_AddNumberToObject(o, "id", (double)vms[i].id);
		cJSON_AddStringToObject(o, "name", vms[i].name);
		cJSON_AddStringToObject(o, "program", vms[i].program);
		cJSON_AddStringToObject(o, "state", mvdm_state_name(vms[i].state));
		cJSON_AddStringToObject(o, "mode", vms[i].mode == MVDM_MODE_EXCLUSIVE ? "exclusive" : "concurrent");
		if (vms[i].has_exit_code)
			cJSON_AddNumberToObject(o, "exit_code", vms[i].exit_code);
	}
	char *text = arr ? cJSON_PrintUnformatted(arr) : NULL;
	cJSON_Delete(arr);
	if (!text) {
		fprintf(stderr, "mvdm: out of memory\n");
		return CLI_EXIT_SERVER;
	}
	puts(text);
	cJSON_free(text);
	return CLI_EXIT_OK;
}

static int cmd_ps(int argc, char **argv)
{
	struct ctl_args a;
	struct mvdm_client *c;
	int rc = open_for_id(argc, argv, ACCEPT_JSON, 0, &a, NULL, &c);
	if (rc || !c)
		return rc;
	struct mvdm_vm_info *vms;
	size_t n;
	if (mvdm_client_list(c, &vms, &n) < 0) {
		rc = ctl_server_error(c);
		mvdm_client_close(c);
		return rc;
	}
	if (a.json) {
		rc = print_ps_json(vms, n);
		free(vms);
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
	if (rc || !c)
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
	if (rc || !c)
		return rc;
	struct mvdm_wait_result w;
	rc = mvdm_client_wait(c, id, a.timeout_s, &w);
	if (rc == -ETIMEDOUT && mvdm_client_error_code(c) == MVDM_ERR_TIMEOUT) {
		fprintf(stderr, "mvdm: VM %llu has not ended after %g s\n", (unsigned long long)id, a.timeout_s);
		rc = CLI_EXIT_TIMEOUT;
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
	if (rc || !c)
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
		rc = CLI_EXIT_USAGE;
	}
	if (f && fclose(f) != 0 && rc == 0) {
		fprintf(stderr, "mvdm: cannot write %s: %s\n", path, strerror(errno));
		rc = CLI_EXIT_USAGE;
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
	if (rc || !c)
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
		return CLI_EXIT_SERVER;
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
	if (a.first < 0)
		return rc;
	const char *in = argv[a.first + 1];
	size_t max = strlen(in) + 1;
	char *text = malloc(max);
	const char *bad = NULL;
	int n = text ? mvdm_unescape(in, text, max, &bad) : -ENOMEM;
	if (n < 0) {
		free(text);
		if (n == -EINVAL)
			return ctl_usage_error(argv[0], "bad escape in the keys at \"%.6s\" (\\r \\n \\t \\e \\\\ \\xHH...)",
					       bad);
		return ctl_usage_error(argv[0], "%s", strerror(-n));
	}
	rc = ctl_connect(a.socket, false, &c);
	if (!rc)
		rc = ctl_find_vm(c, argv[a.first], &id);
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
	if (rc || !c)
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
	if (rc || !c)
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

/* Each command: its function and its --help. */
static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{"start", ctl_start, NULL /* ctl_start_help */},
	{"ps", cmd_ps,
	 "usage: mvdm ps [--json] [--socket PATH]\n"
	 "Lists the server's VMs: ID STATE MODE NAME PROGRAM EXIT.\n"
	 "  --json         one JSON array of {id, name, program, state, mode, exit_code}\n"},
	{"status", cmd_status,
	 "usage: mvdm status VM [--socket PATH]\n"
	 "A VM's state, exit code or reason, instructions run, CPU and wall time.\n"},
	{"wait", cmd_wait,
	 "usage: mvdm wait VM [--timeout S] [--socket PATH]\n"
	 "Waits until the VM ends; exits with its DOS return code (124 timed out, 125 faulted,\n"
	 "137 killed; 124 also when --timeout S ran out first).\n"},
	{"kill", cmd_kill, "usage: mvdm kill VM [--socket PATH]\nEnds the VM (state killed); its files are closed.\n"},
	{"pause", cmd_pause, "usage: mvdm pause VM [--socket PATH]\nStops the VM where it is (mvdm resume goes on).\n"},
	{"resume", cmd_resume, "usage: mvdm resume VM [--socket PATH]\nLets a paused VM go on.\n"},
	{"rm", cmd_rm, "usage: mvdm rm VM [--socket PATH]\nForgets an ended VM (its screen and output).\n"},
	{"screen", cmd_screen,
	 "usage: mvdm screen VM [--png FILE] [--socket PATH]\n"
	 "Prints the VM's text screen.\n"
	 "  --png FILE     write its picture (any mode) as a PNG instead\n"},
	{"keys", cmd_keys,
	 "usage: mvdm keys VM TEXT [--socket PATH]\n"
	 "Types TEXT into the VM (C escapes: \\r is Enter, \\n \\t \\e \\\\ \\xHH).\n"},
	{"output", cmd_output,
	 "usage: mvdm output VM [--follow] [--socket PATH]\n"
	 "Prints the VM's console output (the last 64 KiB).\n"
	 "  --follow       go on printing what comes until the VM ends\n"},
	{"attach", ctl_attach,
	 "usage: mvdm attach VM [--window] [--socket PATH]\n"
	 "Shows the VM in this terminal, keys go to it; Ctrl+] detaches (the VM goes on).\n"
	 "Exits with the VM's status if it ends while attached, 0 when detached.\n"
	 "  --window       show it in a window instead (keys and mouse; closing it detaches)\n"},
	{"shutdown", cmd_shutdown, "usage: mvdm shutdown [--socket PATH]\nEnds every VM and the server.\n"},
};

/* The lines of `mvdm --help` for these commands. */
const char ctl_help_lines[] =
	"  start PROGRAM [ARGS...]   run a program in a new VM of the server mvdmd, print its id\n"
	"  ps [--json]               the server's VMs\n"
	"  status VM | wait VM [--timeout S] | kill VM | pause VM | resume VM | rm VM\n"
	"  screen VM [--png FILE] | keys VM TEXT | output VM [--follow] | attach VM [--window]\n"
	"  shutdown                  end the server and every VM\n";

static const char ctl_common_help[] =
	"  --socket PATH  the server's socket (default $MVDM_SOCKET, then\n"
	"                 $XDG_RUNTIME_DIR/mvdm/mvdmd.sock)\n"
	"  --help         this text\n"
	"VM is the VM's id or its name (start --name). Exit status: 0, 1 when the server\n"
	"refused or cannot be reached (or no VM has that id or name),\n"
	"2 for a bad command line (mvdm --help has the whole table).\n";

const char *ctl_help_of(const char *name)
{
	static char buf[1024];
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (strcmp(commands[k].name, name) == 0) {
			snprintf(buf, sizeof(buf), "%s%s", commands[k].help ? commands[k].help : ctl_start_help,
				 ctl_common_help);
			return buf;
		}
	return "";
}

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
	return cli_usage_error("mvdm", "unknown command '%s' (mvdm --help lists them)", argv[0]);
}
