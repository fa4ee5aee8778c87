/*
 * ctl_start.c - `mvdm start`: create a VM in the server and print its id.
 *
 * Drives are sent as absolute host paths (realpath); C: is the current
 * directory unless mapped; a PROGRAM that is a host file becomes a DOS
 * path as `mvdm run` makes it (hostpath.c). --cpu and --mem are the DOS
 * settings CPU_MODEL and DOS_MEMORY; the server checks every value.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_internal.h"
#include "hostpath.h"
#include "mvdm/profile.h"

const char ctl_start_help[] =
	"usage: mvdm start [options] PROGRAM [ARGS...]\n"
	"Runs PROGRAM in a new VM of the server mvdmd (started if none listens) and prints\n"
	"the VM's id; the VM goes on after the command returns.\n"
	"  PROGRAM        a host path, or a DOS path on a mapped drive (D:\\MASM.EXE, MASM)\n"
	"  -d X=DIR       map drive X: to host directory DIR (repeatable; C: is . by default)\n"
	"  -e NAME=VALUE  set an environment variable (repeatable)\n"
	"  --set N=V      a DOS setting (repeatable; `mvdm settings PROGRAM` lists them)\n"
	"  --cpu MODEL    8086, 80186, 80286, 80386 or 80486 (the CPU_MODEL setting)\n"
	"  --mem KB, --dos-version X.Y   the settings DOS_MEMORY, DOS_VERSION, as for run\n"
	"  --timeout S    end the VM after S seconds\n"
	"  --mips N       cap the speed at N million instructions per second\n"
	"  --exclusive    freeze the other VMs while this one lives\n"
	"  --name NAME    a label for `mvdm ps`\n"
	"  --paused       create it paused (`mvdm resume ID` starts it)\n"
	"  --profile NAME a set-up (mvdm run --help): the server reads it; -d, -e and --set win\n"
	"Exit status 126 when the VM could not be made or the program not loaded, as for run.\n";

struct start_opts {
	struct mvdm_create_req req;
	char *owned[26];              /* realpath()s of drives[] */
	const char **env, **settings; /* NULL-terminated, argc + 1 slots */
	char **setting_buf;           /* "CPU_MODEL=..." strings made here */
	size_t nenv, nsettings;
	const char *socket;
	const char *profile_arg;      /* --profile NAME */
	struct profile *profile;      /* read here to check it and to see its drives */
	char *profile_path;           /* its absolute path, sent to the server */
};

enum { O_SET = 256, O_CPU, O_MEM, O_DOS_VERSION, O_TIMEOUT, O_MIPS, O_EXCLUSIVE, O_NAME, O_PAUSED, O_SOCKET, O_HELP,
       O_PROFILE };

/* Maps drive `arg` (X=DIR or X:DIR) to its absolute path. */
static int add_drive(struct start_opts *o, const char *arg)
{
	int letter = (arg[0] | 0x20) - 'a';
	if (letter < 0 || letter > 25 || (arg[1] != '=' && arg[1] != ':') || !arg[2])
		return ctl_usage_error("start", "-d wants X=DIR, not '%s'", arg);
	char *real = realpath(arg + 2, NULL);
	if (!real) {
		fprintf(stderr, "mvdm start: -d %s: %s\n", arg, strerror(errno));
		return CLI_EXIT_LOAD;
	}
	free(o->owned[letter]);
	o->owned[letter] = real;
	o->req.drives[letter] = real;
	return 0;
}

/* A setting made from --cpu, --mem or --dos-version (checked here, as
 * mvdm run checks it). */
static int add_made_setting(struct start_opts *o, const char *option, const char *value)
{
	char text[64];
	int rc = cli_setting_option("mvdm start", option, value, text, sizeof(text));
	if (rc)
		return rc;
	char *s = strdup(text);
	if (!s)
		return ctl_usage_error("start", "out of memory");
	o->setting_buf[o->nsettings] = s;
	o->settings[o->nsettings++] = s;
	return 0;
}

static int parse_start(int argc, char **argv, struct start_opts *o, int *first)
{
	static const struct option longopts[] = {
		{"set", required_argument, NULL, O_SET},
		{"cpu", required_argument, NULL, O_CPU},
		{"mem", required_argument, NULL, O_MEM},
		{"dos-version", required_argument, NULL, O_DOS_VERSION},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"mips", required_argument, NULL, O_MIPS},
		{"exclusive", no_argument, NULL, O_EXCLUSIVE},
		{"name", required_argument, NULL, O_NAME},
		{"paused", no_argument, NULL, O_PAUSED},
		{"socket", required_argument, NULL, O_SOCKET},
		{"help", no_argument, NULL, O_HELP},
		{"profile", required_argument, NULL, O_PROFILE},
		{NULL, 0, NULL, 0},
	};
	optind = 0;
	opterr = 0;
	int c, rc = 0;
	/* '+': options stop at the program name; its arguments are the program's. */
	while (!rc && (c = getopt_long(argc, argv, "+:d:e:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': rc = add_drive(o, optarg); break;
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return ctl_usage_error("start", "-e wants NAME=VALUE, not '%s'", optarg);
			o->env[o->nenv++] = optarg;
			break;
		case O_SET:
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return ctl_usage_error("start", "--set wants NAME=VALUE, not '%s'", optarg);
			o->settings[o->nsettings++] = optarg;
			break;
		case O_CPU: rc = add_made_setting(o, "--cpu", optarg); break;
		case O_MEM: rc = add_made_setting(o, "--mem", optarg); break;
		case O_DOS_VERSION: rc = add_made_setting(o, "--dos-version", optarg); break;
		case O_TIMEOUT: rc = ctl_parse_positive("start", "--timeout", optarg, 1e9, &o->req.timeout_s); break;
		case O_MIPS: rc = ctl_parse_positive("start", "--mips", optarg, 1e6, &o->req.mips); break;
		case O_EXCLUSIVE: o->req.mode = MVDM_MODE_EXCLUSIVE; break;
		case O_NAME:
			if (strlen(optarg) > MVDM_NAME_MAX)
				return ctl_usage_error("start", "--name is at most %d bytes", MVDM_NAME_MAX);
			o->req.name = optarg;
			break;
		case O_PAUSED: o->req.paused = true; break;
		case O_SOCKET: o->socket = optarg; break;
		case O_PROFILE: o->profile_arg = optarg; break;
		case O_HELP: *first = -1; return cli_help(ctl_help_of("start"));
		default: return cli_option_error("mvdm start", c, argv);
		}
	}
	*first = optind;
	return rc;
}

/* Fills the drives (C: = the current directory unless mapped) and the
 * program's DOS path into program[max]. */
static int resolve_program(struct start_opts *o, const char *arg, char *program, size_t max)
{
	/* The profile's drives (the server maps them too) count for finding
	 * PROGRAM and for the default C:, and are not sent again. */
	const char *drives[26];
	memcpy(drives, o->req.drives, sizeof(drives));
	cli_profile_drives(o->profile, drives);
	if (!drives[2]) {
		o->owned[2] = realpath(".", NULL);
		if (!o->owned[2]) {
			fprintf(stderr, "mvdm start: the current directory: %s\n", strerror(errno));
			return CLI_EXIT_LOAD;
		}
		drives[2] = o->owned[2];
	}
	char why[PATH_MAX + 256];
	int rc = hostpath_program(drives, o->owned, arg, program, max, why, sizeof(why));
	if (rc < 0) {
		fprintf(stderr, "mvdm start: %s\n", why);
		return CLI_EXIT_LOAD;
	}
	for (int k = 0; k < 26; k++)
		o->req.drives[k] = o->profile && drives[k] == profile_drive(o->profile, k) ? NULL : drives[k];
	return 0;
}

static void free_opts(struct start_opts *o)
{
	for (int i = 0; i < 26; i++)
		free(o->owned[i]);
	profile_destroy(o->profile);
	free(o->profile_path);
	for (size_t i = 0; o->setting_buf && i < o->nsettings; i++)
		free(o->setting_buf[i]);
	free(o->setting_buf);
	free(o->env);
	free(o->settings);
}

int ctl_start(int argc, char **argv)
{
	struct start_opts o = {0};
	size_t slots = (size_t)argc + 1;
	o.env = calloc(slots, sizeof(*o.env));
	o.settings = calloc(slots, sizeof(*o.settings));
	o.setting_buf = calloc(slots, sizeof(*o.setting_buf));
	int first = argc, rc = 0;
	if (!o.env || !o.settings || !o.setting_buf)
		rc = ctl_usage_error("start", "out of memory");
	if (!rc)
		rc = parse_start(argc, argv, &o, &first);
	if (first < 0) { /* --help */
		free_opts(&o);
		return rc;
	}
	if (!rc && first >= argc)
		rc = ctl_usage_error("start", "no PROGRAM given");
	if (!rc && o.profile_arg) {
		rc = cli_profile_load("mvdm start", o.profile_arg, &o.profile);
		if (!rc && !(o.profile_path = realpath(profile_name(o.profile), NULL))) {
			fprintf(stderr, "mvdm start: profile %s: %s\n", profile_name(o.profile), strerror(errno));
			rc = CLI_EXIT_LOAD;
		}
		o.req.profile = o.profile_path;
	}
	char program[PATH_MAX];
	if (!rc)
		rc = resolve_program(&o, argv[first], program, sizeof(program));
	struct mvdm_client *c = NULL;
	if (!rc)
		rc = ctl_connect(o.socket, true, &c);
	if (!rc) {
		o.req.program = program;
		o.req.args = (const char *const *)(argv + first + 1);
		o.req.env = o.env;
		o.req.settings = o.settings;
		uint64_t id;
		if (mvdm_client_create(c, &o.req, &id, NULL, 0) < 0) {
			rc = ctl_server_error(c);
			/* The VM could not be made or its program not loaded:
			 * the status mvdm run has for that. */
			enum mvdm_error e = mvdm_client_error_code(c);
			if (e == MVDM_ERR_CREATE_FAILED || e == MVDM_ERR_BAD_SETTING)
				rc = CLI_EXIT_LOAD;
		}
		else
			printf("%llu\n", (unsigned long long)id);
	}
	mvdm_client_close(c);
	free_opts(&o);
	return rc;
}
