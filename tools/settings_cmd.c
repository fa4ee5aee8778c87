/*
 * settings_cmd.c - `mvdm settings [options] PROGRAM`: the DOS settings a
 * program would run with (docs/server.md "DOS settings"), one per line:
 * name, value, default, range or choices, whether it can change while the
 * VM runs, where the value comes from, and what it does. Also the function
 * `mvdm run` uses to collect a program's settings.
 *
 * Exit status: 0; 126 for a usage error, a program that is not found, or
 * an unknown setting or a bad value (in --set or a settings file), with a
 * one-line diagnostic on stderr.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hostpath.h"
#include "mvdm/dos.h"
#include "mvdm/profile.h"
#include "mvdm/progsettings.h"
#include "mvdm/vm16.h"
#include "settings_cmd.h"

enum { MAX_SETS = 64, MAX_ROWS = 64, HOST_PATH = 4096 };

/* mvdm_program_settings()'s paths and messages: allocated (not zeroed),
 * not on the stack, where their 17 KiB would put every call below (the
 * directory scans, the program's digest) that much deeper: a one-shot run
 * faults in each page of stack it reaches, and these strings are short. */
struct settings_bufs {
	char host[HOST_PATH], config[HOST_PATH], err[HOST_PATH + 256], source[4200];
};

struct progsettings *mvdm_program_settings(const struct dos_config *dc, const char *program,
					   const struct profile *prof, const char *const *sets, unsigned nsets,
					   bool must_find, struct dos_drives **drives)
{
	struct progsettings *ps;
	struct dos_drives *dr = NULL;
	struct settings_bufs *b = malloc(sizeof(*b));
	if (drives)
		*drives = NULL;
	if (!b || progsettings_create(&ps) < 0) {
		fprintf(stderr, "mvdm: out of memory\n");
		free(b);
		return NULL;
	}
	char *host = b->host, *config = b->config, *err = b->err, *source = b->source;
	int rc = dos_program_host_path_keep(dc, program, host, sizeof(b->host), err, sizeof(b->err), drives ? &dr : NULL);
	if (rc < 0 && must_find)
		goto fail;
	if (rc == 0 && host[0]) {
		bool have_config = progsettings_config_dir(getenv("XDG_CONFIG_HOME"), getenv("HOME"), config,
							   sizeof(b->config)) == 0;
		rc = progsettings_load_program(ps, host, have_config ? config : NULL, err, sizeof(b->err));
		if (rc < 0)
			goto fail;
	}
	snprintf(source, sizeof(b->source), "profile:%s", prof ? profile_name(prof) : "");
	for (const char *const *p = prof ? profile_settings(prof) : NULL; p && *p; p++) {
		if (progsettings_set(ps, *p, source, err, sizeof(b->err)) < 0)
			goto fail; /* cannot happen: the profile checked them */
	}
	for (unsigned k = 0; k < nsets; k++) {
		char why[256];
		if (progsettings_set(ps, sets[k], "request", why, sizeof(why)) < 0) {
			snprintf(err, sizeof(b->err), "--set %s: %s", sets[k], why);
			goto fail;
		}
	}
	free(b);
	if (drives)
		*drives = dr;
	return ps;

fail:
	fprintf(stderr, "mvdm: %s\n", err);
	dos_drives_free(dr);
	progsettings_destroy(ps);
	free(b);
	return NULL;
}

static const char settings_help[] =
	"usage: mvdm settings [options] PROGRAM\n"
	"Prints the DOS settings PROGRAM would run with: value, default, range, whether it\n"
	"can change while the VM runs, where the value comes from, and what it does.\n"
	"  PROGRAM        a host path, or a DOS path on a mapped drive (D:\\MASM.EXE, MASM)\n"
	"  -d X=DIR       map drive X: to host directory DIR (repeatable; C: is . by default)\n"
	"  -e NAME=VALUE  an environment variable (PATH is searched for PROGRAM)\n"
	"  --set N=V      a DOS setting, over the program's settings files (repeatable)\n"
	"  --cpu MODEL, --mem KB, --dos-version X.Y   the settings CPU_MODEL, DOS_MEMORY, DOS_VERSION\n"
	"  --profile NAME its drives, environment and settings (mvdm run --help)\n"
	"  --files        list the settings files looked for, in order, and which exist\n"
	"  --help         this text\n"
	"Exit status: 0, 2 for a bad command line, 126 for an unknown program or a bad setting.\n";

/* One line of the table. */
struct row {
	char col[7][320];
};

static void range_text(const struct vm16_setting_info *s, char *out, size_t len)
{
	if (s->type == VM16_SETTING_BOOL) {
		snprintf(out, len, "on|off");
		return;
	}
	bool few = s->step > 1 && (s->max - s->min) / s->step < 4;
	if (s->type == VM16_SETTING_INT && !few) {
		char lo[32], hi[32];
		vm16_setting_format(s, s->min, lo, sizeof(lo));
		vm16_setting_format(s, s->max, hi, sizeof(hi));
		if (s->step > 1)
			snprintf(out, len, "%s..%s step %lld", lo, hi, (long long)s->step);
		else
			snprintf(out, len, "%s..%s", lo, hi);
		return;
	}
	size_t o = 0;
	out[0] = 0;
	for (int64_t v = s->min; v <= s->max && o < len; v += s->type == VM16_SETTING_CHOICE ? 1 : s->step) {
		char one[64];
		vm16_setting_format(s, v, one, sizeof(one));
		int n = snprintf(out + o, len - o, "%s%s", o ? "|" : "", one);
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

struct table {
	const struct progsettings *ps;
	struct row rows[MAX_ROWS + 1];
	unsigned n;
};

static void add_row(void *ctx, const struct vm16_setting_info *s)
{
	struct table *t = ctx;
	if (t->n > MAX_ROWS)
		return;
	struct row *r = &t->rows[t->n++];
	int64_t value = s->def;
	const char *source;
	progsettings_get(t->ps, s->name, &value, &source);
	snprintf(r->col[0], sizeof(r->col[0]), "%s", s->name);
	vm16_setting_format(s, value, r->col[1], sizeof(r->col[1]));
	vm16_setting_format(s, s->def, r->col[2], sizeof(r->col[2]));
	range_text(s, r->col[3], sizeof(r->col[3]));
	snprintf(r->col[4], sizeof(r->col[4]), "%s", s->live ? "yes" : "no");
	snprintf(r->col[5], sizeof(r->col[5]), "%s", source);
	snprintf(r->col[6], sizeof(r->col[6]), "%s", s->help);
}

/* --files: the settings files of the program, in the order they are read
 * (later wins), and whether each is there. */
static int print_files(const struct dos_config *dc, const char *program)
{
	char host[HOST_PATH], config[HOST_PATH], err[HOST_PATH + 256];
	if (dos_program_host_path(dc, program, host, sizeof(host), err, sizeof(err)) < 0) {
		fprintf(stderr, "mvdm: %s\n", err);
		return CLI_EXIT_LOAD;
	}
	if (!host[0]) {
		printf("%s is built in: it has no settings files\n", program);
		return CLI_EXIT_OK;
	}
	bool have_config = progsettings_config_dir(getenv("XDG_CONFIG_HOME"), getenv("HOME"), config,
						   sizeof(config)) == 0;
	static char files[PROGSETTINGS_MAX_FILES][PROGSETTINGS_PATH];
	bool exists[PROGSETTINGS_MAX_FILES];
	int n = progsettings_program_files(host, have_config ? config : NULL, files, exists, PROGSETTINGS_MAX_FILES);
	if (n < 0) {
		fprintf(stderr, "mvdm: %s: %s\n", host, strerror(-n));
		return CLI_EXIT_LOAD;
	}
	for (int k = 0; k < n; k++)
		printf("%-8s %s\n", exists[k] ? "found" : "missing", files[k]);
	return CLI_EXIT_OK;
}

int mvdm_settings(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "set", required_argument, NULL, 's' },  { "cpu", required_argument, NULL, 'c' },
		{ "mem", required_argument, NULL, 'm' },  { "dos-version", required_argument, NULL, 'v' },
		{ "profile", required_argument, NULL, 'p' }, { "files", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },       { NULL, 0, NULL, 0 },
	};
	const char *cmd = "mvdm settings";
	const char *profile_arg = NULL;
	bool list_files = false;
	const char *drives[26] = { 0 }, *sets[MAX_SETS];
	char made[MAX_SETS][64];
	char *owned[26] = { 0 };
	unsigned nsets = 0;
	struct dos_config dc;
	dos_config_default(&dc);
	int c, rc = CLI_EXIT_LOAD;
	struct profile *prof = NULL;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:d:e:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': {
			int letter = (optarg[0] | 0x20) - 'a';
			if (letter < 0 || letter > 25 || (optarg[1] != '=' && optarg[1] != ':'))
				return cli_usage_error(cmd, "-d wants X=DIR, not '%s'", optarg);
			drives[letter] = optarg + 2;
			break;
		}
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=' || dc.nenv >= DOS_MAX_ENV)
				return cli_usage_error(cmd, "-e wants NAME=VALUE, not '%s'", optarg);
			dc.env[dc.nenv++] = optarg;
			break;
		case 's':
		case 'c':
		case 'm':
		case 'v':
			if (nsets == MAX_SETS)
				return cli_usage_error(cmd, "too many settings");
			if (c == 's') {
				if (!strchr(optarg, '=') || optarg[0] == '=')
					return cli_usage_error(cmd, "--set wants NAME=VALUE, not '%s'", optarg);
				sets[nsets++] = optarg;
				break;
			}
			rc = cli_setting_option(cmd, c == 'c' ? "--cpu" : c == 'm' ? "--mem" : "--dos-version", optarg,
						made[nsets], sizeof(made[0]));
			if (rc)
				return rc;
			sets[nsets] = made[nsets];
			nsets++;
			rc = CLI_EXIT_LOAD;
			break;
		case 'p': profile_arg = optarg; break;
		case 'f': list_files = true; break;
		case 'h': return cli_help(settings_help);
		default: return cli_option_error(cmd, c, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error(cmd, "no PROGRAM given");
	if (optind != argc - 1)
		return cli_usage_error(cmd, "wants one PROGRAM, not %d operands", argc - optind);
	int first = optind;
	if (profile_arg && (rc = cli_profile_load(cmd, profile_arg, &prof)) != 0)
		return rc;
	rc = CLI_EXIT_LOAD;
	cli_profile_drives(prof, drives);
	const char *env[DOS_MAX_ENV];
	int nenv = cli_profile_env(cmd, prof, dc.env, dc.nenv, env, DOS_MAX_ENV);
	if (nenv < 0)
		goto out;
	memcpy(dc.env, env, sizeof(env[0]) * (size_t)nenv);
	dc.nenv = (unsigned)nenv;
	if (!drives[2])
		drives[2] = ".";
	char program[512];
	char why[PATH_MAX + 256];
	int e = hostpath_program(drives, owned, argv[first], program, sizeof(program), why, sizeof(why));
	if (e < 0) {
		fprintf(stderr, "mvdm: %s\n", why);
		goto out;
	}
	memcpy(dc.drives, drives, sizeof(dc.drives));
	if (list_files) {
		rc = print_files(&dc, program);
		goto out;
	}
	struct progsettings *ps = mvdm_program_settings(&dc, program, prof, sets, nsets, true, NULL);
	if (!ps)
		goto out;
	static struct table t;
	t.ps = ps;
	t.n = 0;
	snprintf(t.rows[0].col[0], sizeof(t.rows[0].col[0]), "NAME");
	snprintf(t.rows[0].col[1], sizeof(t.rows[0].col[1]), "VALUE");
	snprintf(t.rows[0].col[2], sizeof(t.rows[0].col[2]), "DEFAULT");
	snprintf(t.rows[0].col[3], sizeof(t.rows[0].col[3]), "RANGE");
	snprintf(t.rows[0].col[4], sizeof(t.rows[0].col[4]), "LIVE");
	snprintf(t.rows[0].col[5], sizeof(t.rows[0].col[5]), "SOURCE");
	snprintf(t.rows[0].col[6], sizeof(t.rows[0].col[6]), "HELP");
	t.n = 1;
	vm16_settings_catalog(add_row, &t);
	int width[6] = { 0 };
	for (unsigned k = 0; k < t.n; k++)
		for (int j = 0; j < 6; j++)
			if ((int)strlen(t.rows[k].col[j]) > width[j])
				width[j] = (int)strlen(t.rows[k].col[j]);
	for (unsigned k = 0; k < t.n; k++) {
		for (int j = 0; j < 6; j++)
			printf("%-*s  ", width[j], t.rows[k].col[j]);
		printf("%s\n", t.rows[k].col[6]);
	}
	progsettings_destroy(ps);
	rc = 0;
out:
	profile_destroy(prof);
	for (int i = 0; i < 26; i++)
		free(owned[i]);
	return rc;
}
