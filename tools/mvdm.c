/*
 * mvdm - the command line.
 *
 *   mvdm run [options] PROGRAM [ARGS...]   run a DOS program in a new VM (run.c)
 *   mvdm shell [options] | mvdm            an interactive DOS prompt
 *   mvdm disasm [--cpu MODEL] FILE.COM [COUNT]
 *   mvdm settings [--set N=V] [-d X=DIR] PROGRAM   its DOS settings (settings_cmd.c)
 *   mvdm start|ps|status|wait|kill|pause|resume|rm|screen|keys|output|attach|shutdown
 *                                           VMs in the MVM server mvdmd (ctl.c)
 *   mvdm version
 *
 * Exit status of run: the program's DOS return code; 123 when it waits
 * for a key and its input has ended, 124 when it timed out, 125 when the
 * VM faulted, 126 on usage or load errors, 128 + n on signal n (130 also
 * for Ctrl+]), each with a one-line diagnostic on stderr (run_console.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comhost.h"
#include "ctl.h"
#include "run.h"
#include "settings_cmd.h"

enum { EXIT_USAGE = 126 };

static int usage(void)
{
	fprintf(stderr, "usage: mvdm run [options] PROGRAM [ARGS...]   (mvdm run --help for the options)\n"
			"       mvdm shell [options]\n"
			"       mvdm disasm [--cpu MODEL] FILE.COM [COUNT]\n"
			"       mvdm settings [--set NAME=VALUE] [-d X=DIR] PROGRAM\n"
			"%s"
			"       mvdm version\n", ctl_usage);
	return EXIT_USAGE;
}

struct options {
	int model;
	int first_arg;
};

/* Parses options from argv[2]; returns 0 or EXIT_USAGE. */
static int parse_options(int argc, char **argv, struct options *o)
{
	o->model = CPU_80386;
	int k = 2;
	for (; k < argc && strncmp(argv[k], "--", 2) == 0; k++) {
		if (strcmp(argv[k], "--cpu") == 0 && k + 1 < argc) {
			o->model = cpu_model_parse(argv[++k]);
			if (o->model < 0) {
				fprintf(stderr, "mvdm: unknown CPU model '%s'\n", argv[k]);
				return EXIT_USAGE;
			}
		} else {
			return usage();
		}
	}
	o->first_arg = k;
	return k < argc ? 0 : usage();
}

static int cmd_disasm(int argc, char **argv)
{
	struct options o = { 0 };
	int rc = parse_options(argc, argv, &o);
	if (rc)
		return rc;
	struct comhost h;
	rc = comhost_load_file(&h, (enum cpu_model)o.model, argv[o.first_arg]);
	if (rc < 0) {
		fprintf(stderr, "mvdm: cannot load %s: %s\n", argv[o.first_arg], strerror(-rc));
		return EXIT_USAGE;
	}
	long count = o.first_arg + 1 < argc ? strtol(argv[o.first_arg + 1], NULL, 0) : 32;
	uint32_t ip = 0x100;
	char text[128];
	for (long n = 0; n < count; n++) {
		int len = cpu_disasm(&h.cpu, h.cpu.seg[SEG_CS], ip, text, sizeof(text));
		printf("%04X:%04X  %s\n", h.cpu.seg[SEG_CS], ip, text);
		ip = (ip + (uint32_t)len) & 0xFFFF;
	}
	comhost_free(&h);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return mvdm_run(0, argv + 1, true);
	if (strcmp(argv[1], "run") == 0)
		return mvdm_run(argc - 2, argv + 2, false);
	if (strcmp(argv[1], "shell") == 0)
		return mvdm_run(argc - 2, argv + 2, true);
	if (strcmp(argv[1], "disasm") == 0)
		return cmd_disasm(argc, argv);
	if (strcmp(argv[1], "settings") == 0)
		return mvdm_settings(argc - 2, argv + 2);
	if (ctl_is_command(argv[1]))
		return ctl_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "version") == 0) {
		printf("mvdm 0.1.0\n");
		return 0;
	}
	return usage();
}
