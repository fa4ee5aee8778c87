/*
 * cli.c - the conventions every mvdm command shares (cli.h).
 */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/version.h"
#include "cpu/cpu.h"
#include "mvdm/profile.h"
#include "mvdm/progsettings.h"
#include "mvdm/vm16.h"

const char cli_exit_help[] =
	"  0-255  run, shell, wait, attach: the DOS program's return code; others: 0 = done\n"
	"  1      the server refused a request, or no server could be reached\n"
	"  2      a bad command line (unknown command or option, missing operand)\n"
	"  123    run: the program waits for a key and its input has ended\n"
	"  124    the VM's time limit ran out (or wait --timeout did)\n"
	"  125    the VM faulted\n"
	"  126    the VM could not be made or the program not loaded\n"
	"  128+N  run: ended by signal N (129 SIGHUP, 143 SIGTERM)\n"
	"  130    interrupted: SIGINT, the program ended by Ctrl+C, or Ctrl+] left a run\n"
	"  137    the VM was killed\n";

int cli_version(const char *program)
{
	printf("%s %s\n", program, MVDM_VERSION);
	return CLI_EXIT_OK;
}

int cli_help(const char *text)
{
	fputs(text, stdout);
	return CLI_EXIT_OK;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry '%s --help'.\n", cmd);
	va_end(ap);
	return CLI_EXIT_USAGE;
}

int cli_option_error(const char *cmd, int c, char *const *argv)
{
	/* getopt_long has moved optind past the word it did not like (or
	 * stays on a cluster of short options: then optopt names it). */
	const char *word = optind > 0 ? argv[optind - 1] : "";
	char shortopt[3] = { '-', (char)optopt, 0 };
	const char *name = strncmp(word, "--", 2) == 0 || !optopt ? word : shortopt;
	char opt[64];
	snprintf(opt, sizeof(opt), "%.*s", (int)strcspn(name, "="), name);
	if (c == ':')
		return cli_usage_error(cmd, "option '%s' needs a value", opt);
	return cli_usage_error(cmd, "unknown option '%s'", opt);
}

int cli_setting_option(const char *cmd, const char *option, const char *value, char *out, size_t len)
{
	const char *name = strcmp(option, "--cpu") == 0	   ? "CPU_MODEL"
			   : strcmp(option, "--mem") == 0	   ? "DOS_MEMORY"
			   : strcmp(option, "--dos-version") == 0 ? "DOS_VERSION"
								   : NULL;
	if (!name)
		return cli_usage_error(cmd, "unknown option '%s'", option);
	/* --cpu also takes the short model names ("386"): the setting's
	 * choice for that model. */
	char canon[32];
	if (strcmp(name, "CPU_MODEL") == 0 && strcmp(value, "8088") != 0) {
		int m = cpu_model_parse(value);
		if (m >= 0) {
			snprintf(canon, sizeof(canon), "%s", cpu_model_name((enum cpu_model)m));
			value = canon;
		}
	}
	struct vm16_setting_info si;
	int64_t v;
	char why[256];
	if (vm16_settings_lookup(name, &si) < 0 || vm16_setting_parse(&si, value, &v, why, sizeof(why)) < 0) {
		/* A bad value is a bad setting, as in --set or a settings file. */
		fprintf(stderr, "%s: %s %s: %s\n", cmd, option, value, why);
		return CLI_EXIT_LOAD;
	}
	char text[64];
	vm16_setting_format(&si, v, text, sizeof(text));
	snprintf(out, len, "%s=%s", name, text);
	return 0;
}

int cli_profile_load(const char *cmd, const char *name, struct profile **out)
{
	char config[4096], path[4096], err[4096 + 512];
	const char *home = getenv("HOME");
	bool have_config = progsettings_config_dir(getenv("XDG_CONFIG_HOME"), home, config, sizeof(config)) == 0;
	int rc = profile_find(name, have_config ? config : NULL, path, sizeof(path), err, sizeof(err));
	if (rc == 0)
		rc = profile_load(path, home, out, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		return CLI_EXIT_LOAD;
	}
	return 0;
}

void cli_profile_drives(const struct profile *p, const char *drives[26])
{
	for (int k = 0; p && k < 26; k++)
		if (!drives[k])
			drives[k] = profile_drive(p, k);
}

int cli_profile_env(const char *cmd, const struct profile *p, const char *const *cmdline, unsigned n,
		    const char **out, unsigned max)
{
	unsigned count = 0;
	for (const char *const *e = p ? profile_env(p) : NULL; e && *e; e++) {
		if (count == max)
			goto full;
		out[count++] = *e;
	}
	for (unsigned k = 0; k < n; k++) {
		if (count == max)
			goto full;
		out[count++] = cmdline[k];
	}
	return (int)count;
full:
	fprintf(stderr, "%s: more than %u environment variables\n", cmd, max);
	return -1;
}
