/*
 * run.c - `mvdm run` and `mvdm shell`: one DOS program (or the prompt) in a
 * fresh VM with the DOS kernel, on the Linux terminal or on pipes.
 *
 * The console (run_console.c, --console): on a terminal the VM's text
 * screen is drawn there and keys go to the VM's keyboard; otherwise the
 * DOS console is a byte stream: what the program writes as teletype goes
 * to stdout, and stdin feeds CON and the BIOS key reads. Ctrl+] leaves an
 * interactive session.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "console/png.h"
#include "cpu/cpu.h"
#include "hostpath.h"
#include "mvdm/dos.h"
#include "mvdm/profile.h"
#include "mvdm/progsettings.h"
#include "mvdm/vm16.h"
#include "run.h"
#include "run_console.h"
#include "settings_cmd.h"

enum { RUN_MAX_SETS = 64 };

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
	struct run_console_opts console;
	const char *profile;        /* --profile NAME */
	const char *screenshot;     /* --screenshot: PNG of the screen at the end */
	bool stats;                 /* --stats: the CPU's figures on stderr at the end */
	const char *printer;        /* --printer FILE: what DOS prints (dos_config.printer) */
};

static int run_help(bool shell)
{
	if (shell)
		printf("usage: mvdm shell [options]\n"
		       "An interactive DOS prompt (the built-in COMMAND.COM) in a new VM.\n");
	else
		printf("usage: mvdm run [options] PROGRAM [ARGS...]\n"
		       "Runs a DOS program or batch file in a new VM.\n"
		       "  PROGRAM        a host path, or a DOS path on a mapped drive (D:\\MASM.EXE, MASM)\n");
	printf("  -d X=DIR       map drive X: to host directory DIR (repeatable; C: is . by default)\n"
	       "  -e NAME=VALUE  set an environment variable (repeatable)\n"
	       "  --cpu MODEL    8086, 80186, 80286, 80386 (default) or 80486: the setting CPU_MODEL\n"
	       "  --mem KB       conventional memory, 64-640, a multiple of 4 (default 640): DOS_MEMORY\n"
	       "  --dos-version X.Y   the DOS version programs see (default 5.0; 3.3, 3.30 and 330\n"
	       "                 are one version): DOS_VERSION\n"
	       "  --set NAME=VALUE    a DOS setting (repeatable; `mvdm settings PROGRAM` lists them),\n"
	       "                 over the program's settings files (PROGRAM.mvdm)\n"
	       "  --profile NAME a set-up: drives, environment, DOS settings and start-up commands\n"
	       "                 from ~/.config/mvdm/profiles/NAME.profile, or a path (docs/profiles.md);\n"
	       "                 -d, -e and --set win over it\n"
	       "  --timeout S    end the VM after S seconds (exit status 124)\n"
	       "  --console=KIND how the DOS console meets this one (default auto: terminal if stdin\n"
	       "                 and stdout are terminals, else stream):\n");
	for (const struct run_console_kind_info *k = run_console_kinds(); k->name; k++)
		printf("                   %-9s %s\n", k->name, k->help);
	printf("  --cp437        code page 437 bytes in and out, whatever the locale (else UTF-8\n"
	       "                 under a UTF-8 locale)\n"
	       "  --utf8         UTF-8 in and out, whatever the locale\n"
	       "  --crlf         stream: write CR LF as the program does (else LF)\n"
	       "  --screenshot FILE.png  write the screen as a PNG when the program ends (or times out)\n"
	       "  --stats        print the CPU's figures (instructions, decoded-code cache) on stderr at the end\n"
	       "  --printer FILE what DOS prints (PRN, LPT1) is appended to FILE (else discarded)\n"
	       "  --help         this text\n"
	       "\n"
	       "On a terminal Ctrl+] leaves. Exit status (mvdm(1) has the whole table):\n%s",
	       cli_exit_help);
	return CLI_EXIT_OK;
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

/* Parses the options of argv (argv[0]: the command's name). Returns 0
 * with *first the index of the program, or the exit status (--help: 0)
 * with *first = -1. */
static int parse(int argc, char **argv, struct run_opts *o, int *first, bool shell)
{
	static const struct option longopts[] = {
		{ "cpu", required_argument, NULL, 'c' },     { "mem", required_argument, NULL, 'm' },
		{ "dos-version", required_argument, NULL, 'v' }, { "timeout", required_argument, NULL, 't' },
		{ "utf8", no_argument, NULL, 'u' },          { "help", no_argument, NULL, 'h' },
		{ "set", required_argument, NULL, 's' },     { "console", required_argument, NULL, 'C' },
		{ "cp437", no_argument, NULL, '4' },         { "crlf", no_argument, NULL, 'L' },
		{ "profile", required_argument, NULL, 'p' }, { "screenshot", required_argument, NULL, 'S' },
		{ "stats", no_argument, NULL, 'T' },         { "printer", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = shell ? "mvdm shell" : "mvdm run";
	*first = -1;
	optind = 0;
	opterr = 0;
	int c, rc;
	/* '+': options stop at the program name; its arguments are the program's. */
	while ((c = getopt_long(argc, argv, "+:d:e:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': {
			char *a = optarg;
			int letter = (a[0] | 0x20) - 'a';
			if (letter < 0 || letter > 25 || (a[1] != '=' && a[1] != ':'))
				return cli_usage_error(cmd, "-d wants X=DIR, not '%s'", a);
			o->drives[letter] = a + 2;
			break;
		}
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=' || o->nenv >= DOS_MAX_ENV - 1)
				return cli_usage_error(cmd, "-e wants NAME=VALUE, not '%s'", optarg);
			o->env[o->nenv++] = optarg;
			break;
		case 'c':
		case 'm':
		case 'v':
			if (o->nsets == RUN_MAX_SETS)
				return cli_usage_error(cmd, "too many settings");
			rc = cli_setting_option(cmd, c == 'c' ? "--cpu" : c == 'm' ? "--mem" : "--dos-version", optarg,
						o->set_buf[o->nsets], sizeof(o->set_buf[0]));
			if (rc)
				return rc;
			add_set(o, "%s", o->set_buf[o->nsets]);
			break;
		case 't': {
			char *end;
			o->console.timeout_s = strtod(optarg, &end);
			if (*end || end == optarg || !(o->console.timeout_s > 0) || o->console.timeout_s > 1e9)
				return cli_usage_error(cmd, "--timeout wants seconds (a number > 0), not '%s'", optarg);
			break;
		}
		case 's':
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return cli_usage_error(cmd, "--set wants NAME=VALUE, not '%s'", optarg);
			add_set(o, "%s", optarg);
			break;
		case 'u': o->console.utf8 = true; break;
		case '4': o->console.cp437 = true; break;
		case 'L': o->console.crlf = true; break;
		case 'C': o->console.kind = optarg; break;
		case 'p': o->profile = optarg; break;
		case 'S': o->screenshot = optarg; break;
		case 'T': o->stats = true; break;
		case 'P': o->printer = optarg; break;
		case 'h': return run_help(shell);
		default: return cli_option_error(cmd, c, argv);
		}
	}
	*first = optind;
	return 0;
}

/* A program that Ctrl+C (Ctrl+Break) ended, through its INT 23h, exits
 * with 130 as a Unix program that SIGINT ended would: its DOS return code
 * (0) would say it succeeded. rc: the console's status. */
static int ctrl_c_status(struct vm *vm, struct dos *d, int rc)
{
	if (vm16_run(vm, 0) != VM16_STOP_EXIT || rc != vm16_exit_code(vm) || dos_end_type(d) != DOS_END_CTRL_C)
		return rc;
	fflush(stdout);
	fprintf(stderr, "mvdm: the program was ended by Ctrl+C\n");
	return CLI_EXIT_INTERRUPT;
}

/* --stats (on stderr) and MVDM_STATS=FILE (appended to FILE, for
 * bench/run.sh): one line of NAME=VALUE figures. */
static void print_stats(const struct vm *vm, bool to_stderr)
{
	struct vm16_code_stats s;
	vm16_code_stats(vm, &s);
	char line[1024];
	snprintf(line, sizeof(line),
		 "mvdm stats: insns=%llu blocks_run=%llu blocks_recorded=%llu rechecks=%llu "
		 "invalidated=%llu code_writes=%llu data_writes=%llu smc_stops=%llu evicted=%llu "
		 "flushes=%llu blocks=%llu cache_bytes=%llu code_pages=%llu store_hits=%llu "
		 "store_adds=%llu store_blocks=%llu store_bytes=%llu singles=%llu jit_blocks=%llu jit_bytes=%llu "
		 "jit_flushes=%llu jit_shared=%llu fast_links=%llu parked=%llu revived=%llu jit_slow=%llu "
		 "jit_fallbacks=%llu\n",
		 (unsigned long long)vm16_insns(vm), (unsigned long long)s.hits,
		 (unsigned long long)s.misses, (unsigned long long)s.rechecks,
		 (unsigned long long)s.invalidations, (unsigned long long)s.code_writes,
		 (unsigned long long)s.data_writes, (unsigned long long)s.smc_stops,
		 (unsigned long long)s.evictions, (unsigned long long)s.flushes,
		 (unsigned long long)s.blocks, (unsigned long long)s.bytes, (unsigned long long)s.pages,
		 (unsigned long long)s.store_hits, (unsigned long long)s.store_adds,
		 (unsigned long long)s.store_blocks, (unsigned long long)s.store_bytes,
		 (unsigned long long)s.singles, (unsigned long long)s.jit_blocks, (unsigned long long)s.jit_bytes,
		 (unsigned long long)s.jit_flushes, (unsigned long long)s.jit_shared,
		 (unsigned long long)s.fast_links, (unsigned long long)s.parked,
		 (unsigned long long)s.revived, (unsigned long long)s.jit_slow,
		 (unsigned long long)s.jit_fallbacks);
	if (to_stderr)
		fputs(line, stderr);
	const char *file = getenv("MVDM_STATS");
	FILE *f = file && *file ? fopen(file, "a") : NULL;
	if (f) {
		fputs(line, f);
		fclose(f);
	}
}

/* Built with AddressSanitizer (GCC says so with a macro, clang with
 * __has_feature), whose leak check runs at exit. */
#if defined(__SANITIZE_ADDRESS__)
#define RUN_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RUN_SANITIZED 1
#endif
#endif

/* Whether the VM's memory may be left to the process's exit, which
 * follows mvdm_run() at once: the 40-odd MiB of mappings that
 * vm16_destroy() would unmap one by one (about a tenth of a one-line
 * program's run) go with the address space. Only when that is all
 * vm16_destroy() would do (no plug-in VDD), and not in sanitizer builds,
 * whose leak check would report the VM (the tests run the CLI there too,
 * and check the full teardown). */
static bool leave_to_exit(const struct vm *vm)
{
#ifdef RUN_SANITIZED
	(void)vm;
	return false;
#else
	return vm && vm16_destroy_frees_only(vm);
#endif
}

/* hostpath_program() for PROGRAM, its diagnostic on stderr. Not inlined:
 * its 4 KiB message buffer (and hostpath_program()'s 16 KiB of paths)
 * live only during the call, and mvdm_run()'s frame stays small, which
 * keeps every call below it shallower (each stack page a one-shot run
 * reaches is a page fault). */
static __attribute__((noinline)) int find_program(struct run_opts *o, const char *arg, char *program, size_t max)
{
	char why[PATH_MAX + 256];
	int rc = hostpath_program(o->drives, o->drive_buf, arg, program, max, why, sizeof(why));
	if (rc)
		fprintf(stderr, "mvdm: %s\n", why);
	return rc;
}

static int mvdm_run(int argc, char **argv, bool shell)
{
	struct run_opts o = { 0 };
	struct vm *vm = NULL;
	struct dos *d = NULL;
	struct run_console *con = NULL;
	struct profile *prof = NULL;
	struct dos_drives *mapped = NULL; /* until dos_create() takes them */
	const char *cmd = shell ? "mvdm shell" : "mvdm run";
	int first;
	int rc = parse(argc, argv, &o, &first, shell);
	if (first < 0)
		return rc;
	if (!shell && first >= argc)
		return cli_usage_error(cmd, "no PROGRAM given");
	if (shell && first < argc)
		return cli_usage_error(cmd, "takes no operands ('%s': mvdm run runs a program)", argv[first]);
	if (o.profile) {
		rc = cli_profile_load(cmd, o.profile, &prof);
		if (rc)
			return rc;
		cli_profile_drives(prof, o.drives);
		const char *env[DOS_MAX_ENV];
		int n = cli_profile_env(cmd, prof, o.env, o.nenv, env, DOS_MAX_ENV - 1);
		if (n < 0) {
			rc = CLI_EXIT_LOAD;
			goto out;
		}
		memcpy(o.env, env, sizeof(env[0]) * (size_t)n);
		o.nenv = (unsigned)n;
	}
	if (!o.drives[2])
		o.drives[2] = ".";
	char program[512], tail[256] = "";
	const char *prog_arg = shell ? DOS_COMSPEC : argv[first];
	if (find_program(&o, prog_arg, program, sizeof(program)) < 0) {
		rc = CLI_EXIT_LOAD;
		goto out;
	}
	size_t tl = 0;
	for (int i = shell ? first : first + 1; i < argc; i++) {
		int n = snprintf(tail + tl, sizeof(tail) - tl, "%s%s", tl ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(tail) - tl || tl + (size_t)n > 126) {
			fprintf(stderr, "mvdm: the arguments are longer than DOS's 126-byte command tail\n");
			rc = CLI_EXIT_USAGE;
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
	/* The drives the program was looked up on go to the kernel, with the
	 * listing of its directory (read once, not twice). */
	struct progsettings *ps = mvdm_program_settings(&pc, program, prof, o.sets, o.nsets, false, &mapped);
	if (!ps) {
		rc = CLI_EXIT_LOAD;
		goto out;
	}
	o.console.title = prog_arg;
	struct vm16_config vc;
	vm16_config_default(&vc);
	vc.settings = progsettings_list(ps);
	struct dos_config dc;
	dos_config_default(&dc);
	rc = run_console_open(&con, &o.console, &vc, &dc);
	if (rc) {
		progsettings_destroy(ps);
		goto out;
	}
	char err[256];
	rc = vm16_create(&vc, &vm, err, sizeof(err));
	progsettings_destroy(ps); /* vm16_create copied what it needs */
	if (rc) {
		fprintf(stderr, "mvdm: %s\n", err);
		vm = NULL;
		rc = CLI_EXIT_LOAD;
		goto out;
	}
	memcpy(dc.drives, o.drives, sizeof(dc.drives));
	memcpy(dc.env, o.env, sizeof(dc.env));
	dc.nenv = o.nenv;
	dc.autoexec = prof ? profile_autoexec(prof) : NULL;
	dc.printer = o.printer;
	dc.mapped = mapped;
	mapped = NULL;
	rc = dos_create(vm, &dc, &d, err, sizeof(err));
	if (!rc)
		rc = dos_start(d, program, tail, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "mvdm: %s\n", err);
		rc = CLI_EXIT_LOAD;
		goto out;
	}
	rc = ctrl_c_status(vm, d, run_console_run(con, vm));
	if (o.screenshot) {
		int prc = png_screenshot(vm, o.screenshot);
		if (prc < 0) {
			fprintf(stderr, "mvdm: cannot write the screenshot %s: %s\n", o.screenshot,
				prc == -ENODEV ? "the VM has no display" : strerror(-prc));
			if (rc == 0)
				rc = CLI_EXIT_USAGE;
		}
	}
out:
	fflush(stdout);
	const char *stats_file = getenv("MVDM_STATS");
	if (vm && (o.stats || (stats_file && *stats_file)))
		print_stats(vm, o.stats);
	dos_drives_free(mapped);
	dos_destroy(d); /* the guest's files closed (and their times set) */
	run_console_free(con); /* the terminal restored */
	if (!leave_to_exit(vm))
		vm16_destroy(vm);
	profile_destroy(prof);
	for (int i = 0; i < 26; i++)
		free(o.drive_buf[i]);
	return rc;
}

int mvdm_run_cmd(int argc, char **argv)
{
	return mvdm_run(argc, argv, false);
}

int mvdm_shell_cmd(int argc, char **argv)
{
	return mvdm_run(argc, argv, true);
}
