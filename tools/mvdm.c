/*
 * mvdm - the command line.
 *
 *   mvdm run [options] PROGRAM [ARGS...]   run a DOS program in a new VM (run.c)
 *   mvdm shell [options] | mvdm            an interactive DOS prompt
 *   mvdm disasm [--cpu MODEL] FILE.COM [COUNT]
 *   mvdm settings [options] PROGRAM        its DOS settings (settings_cmd.c)
 *   mvdm start|ps|status|wait|kill|pause|resume|rm|screen|keys|output|attach|shutdown
 *                                           VMs in the MVM server mvdmd (ctl.c)
 *   mvdm help [COMMAND] | --help, mvdm version | --version
 *
 * Every command takes --help (stdout, exit 0); the exit statuses of all of
 * them are the one table of cli.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "comhost.h"
#include "ctl.h"
#include "run.h"
#include "settings_cmd.h"

static const char mvdm_help_head[] =
	"usage: mvdm [COMMAND] [OPTIONS] [ARGS...]\n"
	"Runs DOS programs, each in its own virtual DOS machine (VM).\n"
	"\n"
	"Commands:\n"
	"  run PROGRAM [ARGS...]     run a DOS program in a new VM, on this terminal or on pipes\n"
	"  shell                     an interactive DOS prompt (also `mvdm` alone)\n"
	"  settings PROGRAM          the DOS settings PROGRAM would run with, and where each comes from\n"
	"  disasm FILE.COM [COUNT]   disassemble a .COM program\n";
static const char mvdm_help_tail[] =
	"  help [COMMAND]            this text, or COMMAND's\n"
	"  version                   mvdm's version (also --version)\n"
	"\n"
	"VM is a VM's id or its name (start --name). `mvdm COMMAND --help` lists a command's\n"
	"options; mvdm(1) has the whole story.\n"
	"\n"
	"Exit status:\n";

static int mvdm_help(void)
{
	printf("%s%s%s%s", mvdm_help_head, ctl_help_lines, mvdm_help_tail, cli_exit_help);
	return CLI_EXIT_OK;
}

static const char disasm_help[] =
	"usage: mvdm disasm [--cpu MODEL] FILE.COM [COUNT]\n"
	"Disassembles COUNT (default 32) instructions of a .COM program from 0100h.\n"
	"  --cpu MODEL    8086, 80186, 80286 or 80386 (default): the instruction set\n"
	"  --help         this text\n";

static int cmd_disasm(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cpu", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "mvdm disasm";
	int model = CPU_80386, c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			model = cpu_model_parse(optarg);
			if (model < 0)
				return cli_usage_error(cmd, "unknown CPU model '%s' (8086, 80186, 80286, 80386)", optarg);
			break;
		case 'h': return cli_help(disasm_help);
		default: return cli_option_error(cmd, c, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error(cmd, "no FILE.COM given");
	if (argc - optind > 2)
		return cli_usage_error(cmd, "too many operands");
	long count = 32;
	if (optind + 1 < argc) {
		char *end;
		count = strtol(argv[optind + 1], &end, 0);
		if (*end || count < 1)
			return cli_usage_error(cmd, "COUNT must be a positive number, not '%s'", argv[optind + 1]);
	}
	struct comhost h;
	int rc = comhost_load_file(&h, (enum cpu_model)model, argv[optind]);
	if (rc < 0) {
		fprintf(stderr, "%s: cannot load %s: %s\n", cmd, argv[optind], strerror(-rc));
		return CLI_EXIT_LOAD;
	}
	uint32_t ip = 0x100;
	char text[128];
	for (long n = 0; n < count; n++) {
		int len = cpu_disasm(&h.cpu, h.cpu.seg[SEG_CS], ip, text, sizeof(text));
		printf("%04X:%04X  %s\n", h.cpu.seg[SEG_CS], ip, text);
		ip = (ip + (uint32_t)len) & 0xFFFF;
	}
	comhost_free(&h);
	return CLI_EXIT_OK;
}

/* `mvdm help [COMMAND]`: COMMAND's own --help. */
static int cmd_help(int argc, char **argv);

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv); /* argv[0] is the command's name */
} local_commands[] = {
	{ "run", mvdm_run_cmd },    { "shell", mvdm_shell_cmd }, { "settings", mvdm_settings },
	{ "disasm", cmd_disasm },   { "help", cmd_help },
};

static int dispatch(int argc, char **argv)
{
	for (size_t k = 0; k < sizeof(local_commands) / sizeof(local_commands[0]); k++)
		if (strcmp(argv[0], local_commands[k].name) == 0)
			return local_commands[k].fn(argc, argv);
	if (ctl_is_command(argv[0]))
		return ctl_main(argc, argv);
	if (strcmp(argv[0], "version") == 0) {
		if (argc == 2 && strcmp(argv[1], "--help") == 0)
			return cli_help("usage: mvdm version\nPrints mvdm's version (also mvdm --version).\n");
		return argc == 1 ? cli_version("mvdm") : cli_usage_error("mvdm version", "takes no operands");
	}
	return -1;
}

static int cmd_help(int argc, char **argv)
{
	if (argc == 1 || strcmp(argv[1], "--help") == 0)
		return mvdm_help();
	if (argc > 2)
		return cli_usage_error("mvdm help", "wants at most one COMMAND");
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "version") == 0)
		return mvdm_help();
	char *words[] = { argv[1], (char *)"--help", NULL };
	int rc = dispatch(2, words);
	if (rc < 0)
		return cli_usage_error("mvdm help", "unknown command '%s' (mvdm --help lists them)", argv[1]);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return mvdm_shell_cmd(1, (char *[]){ (char *)"shell", NULL });
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return mvdm_help();
	if (strcmp(argv[1], "--version") == 0)
		return cli_version("mvdm");
	if (argv[1][0] == '-') {
		/* Options belong to a command; `mvdm -d C=. ` is not one. */
		return cli_usage_error("mvdm", "unknown option '%s' (options follow a command: mvdm run --help)",
				       argv[1]);
	}
	int rc = dispatch(argc - 1, argv + 1);
	if (rc < 0)
		return cli_usage_error("mvdm", "unknown command '%s' (mvdm --help lists them)", argv[1]);
	return rc;
}
