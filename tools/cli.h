/*
 * cli.h - what every mvdm command (and mvdmd) shares: the one table of
 * exit statuses, --help and --version, and the messages for a bad command
 * line (README "Exit status", mvdm(1)).
 */
#ifndef MVDM_TOOLS_CLI_H
#define MVDM_TOOLS_CLI_H

#include <stddef.h>

/* The exit statuses of every command. run, shell, wait and attach exit
 * with the DOS program's return code (0-255) when it ended by itself; the
 * values below are what the commands themselves report. They follow the
 * shell's conventions (timeout(1): 124-126; 128 + signal). */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_SERVER = 1,      /* the server refused a request, or none could be reached */
	CLI_EXIT_USAGE = 2,       /* a bad command line: unknown command or option, a missing
				   * or malformed operand */
	CLI_EXIT_INPUT_ENDED = 123, /* run: the program waits for a key and input has ended
				   * (run_console.h RUN_EXIT_INPUT_ENDED) */
	CLI_EXIT_TIMEOUT = 124,   /* the VM's time limit ran out (or wait --timeout did) */
	CLI_EXIT_FAULT = 125,     /* the VM faulted (a one-line diagnostic says where) */
	CLI_EXIT_LOAD = 126,      /* the VM could not be made or the program not loaded: not
				   * found, not an executable, a bad setting or profile */
	CLI_EXIT_SIGNAL = 128,    /* run: + the signal that ended it (129 SIGHUP, 143 SIGTERM) */
	CLI_EXIT_INTERRUPT = 130, /* interrupted: SIGINT (Ctrl+C where it is a signal), the
				   * program ended by Ctrl+C (Ctrl+Break), or the session
				   * left with Ctrl+] (run, shell) */
	CLI_EXIT_KILLED = 137,    /* the VM was killed (mvdm kill), 128 + SIGKILL */
};

/* The table above as text for --help (lines starting with two spaces). */
extern const char cli_exit_help[];

/* "PROGRAM VERSION" on stdout; returns 0. */
int cli_version(const char *program);
/* text on stdout; returns 0 (--help). */
int cli_help(const char *text);

/* "CMD: message" then "Try 'CMD --help'." on stderr (cmd is "mvdm run",
 * "mvdmd"...). Returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The message for getopt_long()'s '?' or ':' (with opterr = 0 and ':'
 * leading the option string): names the unknown option, or the option
 * that needs a value. Returns CLI_EXIT_USAGE. */
int cli_option_error(const char *cmd, int c, char *const *argv);

/* The options that are DOS settings: `--cpu MODEL`, `--mem KB` and
 * `--dos-version X.Y` become "CPU_MODEL=...", "DOS_MEMORY=..." and
 * "DOS_VERSION=..." in out[len], checked against the settings catalog so
 * that every command refuses a bad value with the same message. Returns 0
 * or, after a message, CLI_EXIT_LOAD (a bad setting, as with --set). */
int cli_setting_option(const char *cmd, const char *option, const char *value, char *out, size_t len);

struct profile;

/* `--profile NAME` (mvdm/profile.h): found (a path, or
 * $XDG_CONFIG_HOME/mvdm/profiles/NAME.profile) and read. 0 and *out, or
 * CLI_EXIT_LOAD after a message naming the file and line. */
int cli_profile_load(const char *cmd, const char *name, struct profile **out);
/* The drives: each letter the command line left unmapped (NULL) takes the
 * profile's. */
void cli_profile_drives(const struct profile *p, const char *drives[26]);
/* The environment: the profile's variables, then the command line's (the
 * later of two equal names wins in DOS), into out[max]. Returns how many,
 * or -1 after a message when they do not fit. */
int cli_profile_env(const char *cmd, const struct profile *p, const char *const *cmdline, unsigned n,
		    const char **out, unsigned max);

#endif
