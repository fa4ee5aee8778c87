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

#include "console/png.h"
#include "cpu/cpu.h"
#include "hostpath.h"
#include "mvdm/dos.h"
#include "mvdm/progsettings.h"
#include "mvdm/vm16.h"
#include "run.h"
#include "run_console.h"
#include "settings_cmd.h"

enum { EXIT_USAGE = RUN_EXIT_USAGE, RUN_MAX_SETS = 64 };

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
	const char *screenshot;     /* --screenshot: PNG of the screen at the end */
};

static int run_usage(void)
{
	fprintf(stderr,
		"usage: mvdm run [options] PROGRAM [ARGS...]\n"
		"  PROGRAM        a host path, or a DOS path on a mapped drive (D:\\MASM.EXE, MASM)\n"
		"  -d X=DIR       map drive X: to host directory DIR (repeatable; C: is . by default)\n"
		"  -e NAME=VALUE  set an environment variable (repeatable)\n"
		"  --cpu MODEL    8086, 80186, 80286, 80386 (default) or 80486\n"
		"  --mem KB       conventional memory, 64-640, a multiple of 4 (default 640)\n"
		"  --dos-version X.Y   the DOS version programs see (default 5.0)\n"
		"  --set NAME=VALUE    a DOS setting (repeatable; `mvdm settings PROGRAM` lists them),\n"
		"                 over the program's settings files (PROGRAM.mvdm)\n"
		"  --timeout S    end the VM after S seconds (exit status 124)\n"
		"  --console=KIND how the DOS console meets this one (default auto: terminal if stdin\n"
		"                 and stdout are terminals, else stream):\n");
	for (const struct run_console_kind_info *k = run_console_kinds(); k->name; k++)
		fprintf(stderr, "                   %-9s %s\n", k->name, k->help);
	fprintf(stderr,
		"  --cp437        code page 437 bytes in and out, whatever the locale (else UTF-8\n"
		"                 under a UTF-8 locale)\n"
		"  --utf8         UTF-8 in and out, whatever the locale\n"
		"  --crlf         stream: write CR LF as the program does (else LF)\n"
		"  --screenshot FILE.png  write the screen as a PNG when the program ends (or times out)\n");
	return EXIT_USAGE;
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

static int parse(int argc, char **argv, struct run_opts *o, int *first)
{
	static const struct option longopts[] = {
		{ "cpu", required_argument, NULL, 'c' },     { "mem", required_argument, NULL, 'm' },
		{ "dos-version", required_argument, NULL, 'v' }, { "timeout", required_argument, NULL, 't' },
		{ "utf8", no_argument, NULL, 'u' },          { "help", no_argument, NULL, 'h' },
		{ "set", required_argument, NULL, 's' },     { "console", required_argument, NULL, 'C' },
		{ "cp437", no_argument, NULL, '4' },         { "crlf", no_argument, NULL, 'L' },
		{ "screenshot", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	optind = 0;
	int c;
	/* '+': options stop at the program name; its arguments are the program's. */
	while ((c = getopt_long(argc, argv, "+d:e:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': {
			char *a = optarg;
			int letter = (a[0] | 0x20) - 'a';
			if (letter < 0 || letter > 25 || (a[1] != '=' && a[1] != ':')) {
				fprintf(stderr, "mvdm: -d wants X=DIR, not '%s'\n", a);
				return EXIT_USAGE;
			}
			o->drives[letter] = a + 2;
			break;
		}
		case 'e':
			if (!strchr(optarg, '=') || o->nenv >= DOS_MAX_ENV - 1) {
				fprintf(stderr, "mvdm: -e wants NAME=VALUE, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			o->env[o->nenv++] = optarg;
			break;
		case 'c': {
			int m = cpu_model_parse(optarg); /* enum cpu_model = enum vm16_cpu */
			if (m < 0) {
				fprintf(stderr, "mvdm: unknown CPU model '%s'\n", optarg);
				return EXIT_USAGE;
			}
			/* The setting's name for it ("86" is "8086"; "8088" stays). */
			add_set(o, "CPU_MODEL=%s", strcmp(optarg, "8088") == 0 ? "8088" : cpu_model_name((enum cpu_model)m));
			break;
		}
		case 'm': {
			char *end;
			unsigned long kb = strtoul(optarg, &end, 10);
			if (*end || kb < 64 || kb > 640 || kb % 4) {
				fprintf(stderr, "mvdm: --mem wants 64 to 640 (KiB, a multiple of 4), not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			add_set(o, "DOS_MEMORY=%lu", kb);
			break;
		}
		case 'v': {
			unsigned maj, min;
			char dot;
			if (sscanf(optarg, "%u%c%u", &maj, &dot, &min) != 3 || dot != '.' || maj < 2 || maj > 9 ||
			    min > 99) {
				fprintf(stderr, "mvdm: --dos-version wants X.Y (2.0 to 9.99), not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			/* "3.3" means 3.30 as DOS reports it. */
			add_set(o, "DOS_VERSION=%u", maj * 100 + (strlen(strchr(optarg, '.') + 1) == 1 ? min * 10 : min));
			break;
		}
		case 't': {
			char *end;
			o->console.timeout_s = strtod(optarg, &end);
			if (*end || o->console.timeout_s <= 0) {
				fprintf(stderr, "mvdm: --timeout wants seconds, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		}
		case 's':
			if (!strchr(optarg, '=')) {
				fprintf(stderr, "mvdm: --set wants NAME=VALUE, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			add_set(o, "%s", optarg);
			break;
		case 'u': o->console.utf8 = true; break;
		case '4': o->console.cp437 = true; break;
		case 'L': o->console.crlf = true; break;
		case 'C': o->console.kind = optarg; break;
		case 'S': o->screenshot = optarg; break;
		default: return run_usage();
		}
	}
	*first = optind;
	return 0;
}

int mvdm_run(int argc, char **argv, bool shell)
{
	struct run_opts o = { 0 };
	struct vm *vm = NULL;
	struct dos *d = NULL;
	struct run_console *con = NULL;
	int first = 0;
	int rc = parse(argc + 1, argv - 1, &o, &first);
	if (rc)
		return rc;
	first -= 1;
	if (!shell && first >= argc)
		return run_usage();
	if (!o.drives[2])
		o.drives[2] = ".";
	char program[512], tail[256] = "";
	const char *prog_arg = shell ? DOS_COMSPEC : argv[first];
	rc = hostpath_program(o.drives, o.drive_buf, prog_arg, program, sizeof(program));
	if (rc) {
		fprintf(stderr, "mvdm: %s: %s\n", prog_arg, strerror(-rc));
		rc = EXIT_USAGE;
		goto out;
	}
	size_t tl = 0;
	for (int i = shell ? first : first + 1; i < argc; i++) {
		int n = snprintf(tail + tl, sizeof(tail) - tl, "%s%s", tl ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(tail) - tl || tl + (size_t)n > 126) {
			fprintf(stderr, "mvdm: the arguments are longer than DOS's 126-byte command tail\n");
			rc = EXIT_USAGE;
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
	struct progsettings *ps = mvdm_program_settings(&pc, program, o.sets, o.nsets, false);
	if (!ps) {
		rc = EXIT_USAGE;
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
		rc = EXIT_USAGE;
		goto out;
	}
	memcpy(dc.drives, o.drives, sizeof(dc.drives));
	memcpy(dc.env, o.env, sizeof(dc.env));
	dc.nenv = o.nenv;
	rc = dos_create(vm, &dc, &d, err, sizeof(err));
	if (!rc)
		rc = dos_start(d, program, tail, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "mvdm: %s\n", err);
		rc = EXIT_USAGE;
		goto out;
	}
	rc = run_console_run(con, vm);
	if (o.screenshot) {
		int prc = png_screenshot(vm, o.screenshot);
		if (prc < 0) {
			fprintf(stderr, "mvdm: cannot write the screenshot %s: %s\n", o.screenshot,
				prc == -ENODEV ? "the VM has no display" : strerror(-prc));
			if (rc == 0)
				rc = RUN_EXIT_USAGE;
		}
	}
out:
	fflush(stdout);
	dos_destroy(d);
	run_console_free(con);
	vm16_destroy(vm);
	for (int i = 0; i < 26; i++)
		free(o.drive_buf[i]);
	return rc;
}
