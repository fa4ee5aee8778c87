/*
 * guest_run.c - guest-run: run a self-checking .COM program (tests/guest/NAME.asm)
 * on the CPU core through comhost and compare what it printed with a golden
 * file.
 *
 *   guest-run [--cpu MODEL] [--fpu none|8087|80287|80387] [--budget N] [--no-block-cache]
 *             [--prefetch on|off] [--verbose] PROGRAM.COM EXPECTED.out
 *
 * MODEL is 8086, 8088 (the 8086 with its 4-byte prefetch queue:
 * cpu_set_8bit_bus()), 186, 286, 386 or 486 (default 386). --no-block-cache decodes
 * every instruction as it runs (cpu_set_block_cache()). --prefetch on
 * turns the prefetch queue's model on (cpu_set_prefetch(); off by
 * default, as in mvdm). Exit status 0 when the program exited with code 0 and its
 * output (CR LF read as LF) equals the golden file, 1 otherwise (with the
 * differing lines), 2 on usage errors.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comhost.h"
#include "cpu/cpu.h"

#define DEFAULT_BUDGET 50000000ull

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		char *p = realloc(buf, cap * 2 + 1);
		if (!p) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = p;
		cap *= 2;
	}
	fclose(f);
	if (buf) {
		buf[n] = 0;
		*len = n;
	}
	return buf;
}

/* Drop every CR (the programs print CR LF). */
static void strip_cr(char *s)
{
	char *d = s;
	for (; *s; s++)
		if (*s != '\r')
			*d++ = *s;
	*d = 0;
}

/* The next line of *p (without its LF), or NULL at the end. */
static const char *next_line(const char **p, size_t *len)
{
	const char *s = *p;
	if (!*s)
		return NULL;
	const char *e = strchr(s, '\n');
	*len = e ? (size_t)(e - s) : strlen(s);
	*p = e ? e + 1 : s + *len;
	return s;
}

/* Print the lines that differ, position by position. */
static void show_diff(const char *want, const char *got)
{
	const char *w = want, *g = got;
	unsigned line = 0;
	for (;;) {
		size_t wl = 0, gl = 0;
		const char *ws = next_line(&w, &wl), *gs = next_line(&g, &gl);
		if (!ws && !gs)
			break;
		line++;
		if (ws && gs && wl == gl && memcmp(ws, gs, wl) == 0)
			continue;
		if (ws)
			printf("  line %u expected: %.*s\n", line, (int)wl, ws);
		else
			printf("  line %u expected: (end of output)\n", line);
		if (gs)
			printf("  line %u got:      %.*s\n", line, (int)gl, gs);
		else
			printf("  line %u got:      (end of output)\n", line);
	}
}

static void usage(FILE *o)
{
	fprintf(o, "usage: guest-run [--cpu 8086|186|286|386] [--fpu none|8087|80287|80387] [--budget N] "
		   "[--no-block-cache] [--prefetch on|off] [--verbose] "
		   "PROGRAM.COM EXPECTED.out\n");
}

int main(int argc, char **argv)
{
	enum cpu_model model = CPU_80386;
	enum cpu_fpu fpu = CPU_FPU_NONE;
	unsigned long long budget = DEFAULT_BUDGET;
	bool verbose = false, cache = true, prefetch = false, bus8 = false;
	const char *prog = NULL, *golden = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cpu") && i + 1 < argc) {
			int m = cpu_model_parse(argv[++i]);
			if (m < 0) {
				fprintf(stderr, "guest-run: unknown CPU model '%s'\n", argv[i]);
				return 2;
			}
			model = (enum cpu_model)m;
			bus8 = !strcmp(argv[i], "8088"); /* the 8086 with a 4-byte queue */
		} else if (!strcmp(argv[i], "--fpu") && i + 1 < argc) {
			const char *f = argv[++i];
			int k = 0;
			while (k < CPU_FPU_COUNT && strcmp(f, cpu_fpu_name((enum cpu_fpu)k)))
				k++;
			if (k == CPU_FPU_COUNT) {
				fprintf(stderr, "guest-run: unknown FPU '%s'\n", f);
				return 2;
			}
			fpu = (enum cpu_fpu)k;
		} else if (!strcmp(argv[i], "--budget") && i + 1 < argc) {
			char *end;
			errno = 0;
			budget = strtoull(argv[++i], &end, 0);
			if (errno || *end || budget == 0) {
				fprintf(stderr, "guest-run: bad budget '%s'\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--no-block-cache")) {
			cache = false;
		} else if (!strcmp(argv[i], "--prefetch") && i + 1 < argc) {
			const char *v = argv[++i];
			if (strcmp(v, "on") && strcmp(v, "off")) {
				fprintf(stderr, "guest-run: --prefetch on or off, not '%s'\n", v);
				return 2;
			}
			prefetch = !strcmp(v, "on");
		} else if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v")) {
			verbose = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			usage(stderr);
			return 2;
		} else if (!prog) {
			prog = argv[i];
		} else if (!golden) {
			golden = argv[i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!prog || !golden) {
		usage(stderr);
		return 2;
	}

	size_t wlen;
	char *want = read_file(golden, &wlen);
	if (!want) {
		fprintf(stderr, "guest-run: cannot read %s: %s\n", golden, strerror(errno));
		return 2;
	}
	strip_cr(want);

	struct comhost *h = calloc(1, sizeof *h);
	if (!h) {
		fprintf(stderr, "guest-run: out of memory\n");
		free(want);
		return 2;
	}
	int rc = comhost_load_file(h, model, prog);
	if (rc < 0) {
		fprintf(stderr, "guest-run: cannot load %s: %s\n", prog, strerror(-rc));
		free(h);
		free(want);
		return 2;
	}
	cpu_set_fpu(&h->cpu, fpu);
	if (verbose)
		h->echo = stdout;
	cpu_set_block_cache(&h->cpu, cache);
	cpu_set_8bit_bus(&h->cpu, bus8);
	cpu_set_prefetch(&h->cpu, prefetch);
	int run = comhost_run(h, budget);
	const char *out = h->out ? h->out : "";
	char *got = malloc(strlen(out) + 1);
	if (got)
		memcpy(got, out, strlen(out) + 1);
	if (!got) {
		fprintf(stderr, "guest-run: out of memory\n");
		return 2;
	}
	strip_cr(got);

	bool ok = true;
	printf("guest-run: %s on the %s\n", prog, bus8 ? "8088" : cpu_model_name(model));
	if (run != 0) {
		printf("  did not exit: %s\n", h->error);
		ok = false;
	} else if (h->exit_code != 0) {
		printf("  exit code %d (a check failed)\n", h->exit_code);
		ok = false;
	}
	if (strcmp(want, got) != 0) {
		printf("  output differs from %s:\n", golden);
		show_diff(want, got);
		ok = false;
	}
	unsigned npass = 0;
	for (const char *p = got; (p = strstr(p, "PASS ")) != NULL; p += 5)
		npass++;
	printf("guest-run: %s (%u PASS lines)\n", ok ? "ok" : "FAILED", npass);
	struct cpu_code_stats cs;
	cpu_code_stats(&h->cpu, &cs);
	printf("guest-run: %llu blocks compiled by the JIT\n", (unsigned long long)cs.jit_blocks);
	if (cpu_get_jit(&h->cpu) == CPU_JIT_FORCE && cache && cs.jit_blocks == 0) {
		printf("guest-run: FAILED: the JIT was forced on but compiled nothing\n");
		ok = false;
	}

	comhost_free(h);
	free(h);
	free(want);
	free(got);
	return ok ? 0 : 1;
}
