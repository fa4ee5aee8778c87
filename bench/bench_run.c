/*
 * bench_run.c - mvdm-bench: run .COM workloads on the CPU core through the
 * test .COM host (tests/lib/comhost.h) and report retired instructions, wall
 * time and MIPS.
 *
 *   mvdm-bench [options] FILE.COM...
 *     --cpu MODEL        8086, 80186, 80286 or 80386 (default 80386)
 *     --repeat N         run each workload N times, report the fastest (default 1)
 *     --max-insns N      give up after N instructions (default 100000000000)
 *     --cpu-time         time CPU seconds of the process instead of wall
 *                        seconds (steadier on a shared machine)
 *     --tsv              one tab-separated line per workload:
 *                        name, retired, seconds, MIPS, output (CR/LF removed)
 *     --out-dir DIR      write each program's exact output to DIR/NAME.out
 *     --expect-dir DIR   compare each output (trailing CR/LF ignored) with
 *                        DIR/NAME.txt; exit 1 on any mismatch
 *
 * NAME is the file's base name up to its first '.', so alu.com and
 * alu.smoke.com are both "alu". Only comhost_run() is timed (not loading).
 * The exit status is 0 when every program ran to its DOS exit with code 0
 * (and matched its expected output), 1 otherwise, 2 on bad usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "comhost.h"

#define DEFAULT_MAX_INSNS 100000000000ull

struct options {
	enum cpu_model model;
	unsigned repeat;
	uint64_t max_insns;
	bool tsv;
	bool cpu_time;
	const char *out_dir;
	const char *expect_dir;
};

struct result {
	uint64_t retired;
	double seconds;   /* best of the repeats */
	char *output;     /* exact output of the last run, owned */
	size_t output_len;
};

static void usage(FILE *f)
{
	fputs("usage: mvdm-bench [--cpu MODEL] [--repeat N] [--max-insns N] [--cpu-time] [--tsv]\n"
	      "                  [--out-dir DIR] [--expect-dir DIR] FILE.COM...\n",
	      f);
}

static double now_seconds(bool cpu_time)
{
	struct timespec ts;
	clock_gettime(cpu_time ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Base name up to the first '.', into buf. */
static void workload_name(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strcspn(base, ".");
	if (n >= len)
		n = len - 1;
	memcpy(buf, base, n);
	buf[n] = 0;
}

/* Length of s without trailing CR/LF. */
static size_t trimmed_len(const char *s, size_t len)
{
	while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	return len;
}

/* Output on one line: CR dropped, LF turned into " | " (between lines). */
static void print_one_line(FILE *f, const char *s, size_t len)
{
	len = trimmed_len(s, len);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r')
			continue;
		if (s[i] == '\n')
			fputs(" | ", f);
		else if (s[i] == '\t')
			fputc(' ', f);
		else
			fputc(s[i], f);
	}
}

/* Run `path` opt->repeat times. Returns 0, or -1 after printing why. */
static int run_workload(const struct options *opt, const char *path, const char *name,
			struct result *res)
{
	memset(res, 0, sizeof(*res));
	res->seconds = -1.0;
	for (unsigned rep = 0; rep < opt->repeat; rep++) {
		struct comhost *h = malloc(sizeof(*h));
		if (!h) {
			fprintf(stderr, "mvdm-bench: %s: out of memory\n", name);
			return -1;
		}
		int rc = comhost_load_file(h, opt->model, path);
		if (rc < 0) {
			fprintf(stderr, "mvdm-bench: %s: cannot load: %s\n", path, strerror(-rc));
			free(h);
			return -1;
		}
		/* The model's coprocessor, as a PC of that model had (mandel87). */
		cpu_set_fpu(&h->cpu, opt->model >= CPU_80386 ? CPU_FPU_80387
				     : opt->model == CPU_80286 ? CPU_FPU_80287 : CPU_FPU_8087);
		double t0 = now_seconds(opt->cpu_time);
		rc = comhost_run(h, opt->max_insns);
		double t1 = now_seconds(opt->cpu_time);
		uint64_t retired = h->cpu.retired;
		if (rc != 0 || h->exit_code != 0) {
			if (rc != 0)
				fprintf(stderr, "mvdm-bench: %s: did not exit: %s (after %" PRIu64
					" instructions)\n", name, h->error, retired);
			else
				fprintf(stderr, "mvdm-bench: %s: exit code %d\n", name, h->exit_code);
			if (h->out_len) {
				fprintf(stderr, "mvdm-bench: %s: output so far: ", name);
				print_one_line(stderr, h->out, h->out_len);
				fputc('\n', stderr);
			}
			comhost_free(h);
			free(h);
			return -1;
		}
		if (rep > 0 && retired != res->retired)
			fprintf(stderr, "mvdm-bench: %s: warning: run %u retired %" PRIu64
				" instructions, run 1 retired %" PRIu64 "\n", name, rep + 1, retired,
				res->retired);
		res->retired = retired;
		if (res->seconds < 0 || t1 - t0 < res->seconds)
			res->seconds = t1 - t0;
		free(res->output);
		res->output = malloc(h->out_len + 1);
		if (!res->output) {
			comhost_free(h);
			free(h);
			fprintf(stderr, "mvdm-bench: %s: out of memory\n", name);
			return -1;
		}
		if (h->out_len)
			memcpy(res->output, h->out, h->out_len);
		res->output[h->out_len] = 0;
		res->output_len = h->out_len;
		comhost_free(h);
		free(h);
	}
	return 0;
}

static int write_output(const char *dir, const char *name, const struct result *res)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.out", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "mvdm-bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t n = fwrite(res->output, 1, res->output_len, f);
	if (fclose(f) != 0 || n != res->output_len) {
		fprintf(stderr, "mvdm-bench: %s: write error\n", path);
		return -1;
	}
	return 0;
}

/* 0 = matches, -1 = mismatch or unreadable (reported). */
static int check_expected(const char *dir, const char *name, const struct result *res)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.txt", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "mvdm-bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char want[4096];
	size_t n = fread(want, 1, sizeof(want) - 1, f);
	fclose(f);
	want[n] = 0;
	size_t wl = trimmed_len(want, n);
	size_t gl = trimmed_len(res->output, res->output_len);
	if (wl == gl && memcmp(want, res->output, wl) == 0)
		return 0;
	fprintf(stderr, "mvdm-bench: %s: output mismatch\n  expected: ", name);
	print_one_line(stderr, want, wl);
	fputs("\n  got:      ", stderr);
	print_one_line(stderr, res->output, gl);
	fputc('\n', stderr);
	return -1;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-')
		return -1;
	*v = x;
	return 0;
}

int main(int argc, char **argv)
{
	struct options opt = {
		.model = CPU_80386,
		.repeat = 1,
		.max_insns = DEFAULT_MAX_INSNS,
	};
	int first = 1;
	for (; first < argc && argv[first][0] == '-'; first++) {
		const char *a = argv[first];
		const char *val = first + 1 < argc ? argv[first + 1] : NULL;
		uint64_t v;
		if (!strcmp(a, "--")) {
			first++;
			break;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--tsv")) {
			opt.tsv = true;
			continue;
		} else if (!strcmp(a, "--cpu-time")) {
			opt.cpu_time = true;
			continue;
		} else if (!val) {
			fprintf(stderr, "mvdm-bench: %s needs a value\n", a);
			return 2;
		} else if (!strcmp(a, "--cpu")) {
			int m = cpu_model_parse(val);
			if (m < 0) {
				fprintf(stderr, "mvdm-bench: unknown CPU model '%s'\n", val);
				return 2;
			}
			opt.model = (enum cpu_model)m;
		} else if (!strcmp(a, "--repeat")) {
			if (parse_u64(val, &v) || v < 1 || v > 1000) {
				fprintf(stderr, "mvdm-bench: bad --repeat '%s'\n", val);
				return 2;
			}
			opt.repeat = (unsigned)v;
		} else if (!strcmp(a, "--max-insns")) {
			if (parse_u64(val, &v) || v < 1) {
				fprintf(stderr, "mvdm-bench: bad --max-insns '%s'\n", val);
				return 2;
			}
			opt.max_insns = v;
		} else if (!strcmp(a, "--out-dir")) {
			opt.out_dir = val;
		} else if (!strcmp(a, "--expect-dir")) {
			opt.expect_dir = val;
		} else {
			fprintf(stderr, "mvdm-bench: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		}
		first++; /* the value */
	}
	if (first >= argc) {
		usage(stderr);
		return 2;
	}

	if (!opt.tsv)
		printf("# cpu %s, best of %u\n%-10s %14s %9s %9s  %s\n", cpu_model_name(opt.model),
		       opt.repeat, "workload", "instructions", "seconds", "MIPS", "output");
	int status = 0;
	for (int i = first; i < argc; i++) {
		char name[256];
		struct result res;
		workload_name(argv[i], name, sizeof(name));
		if (run_workload(&opt, argv[i], name, &res) < 0) {
			if (opt.tsv)
				printf("%s\tFAIL\t-\t-\t-\n", name);
			else
				printf("%-10s %14s\n", name, "FAILED");
			fflush(stdout);
			free(res.output);
			status = 1;
			continue;
		}
		double mips = res.seconds > 0 ? (double)res.retired / res.seconds / 1e6 : 0.0;
		if (opt.tsv)
			printf("%s\t%" PRIu64 "\t%.6f\t%.2f\t", name, res.retired, res.seconds, mips);
		else
			printf("%-10s %14" PRIu64 " %9.4f %9.2f  ", name, res.retired, res.seconds, mips);
		print_one_line(stdout, res.output, res.output_len);
		fputc('\n', stdout);
		fflush(stdout);
		if (res.output_len == 0)
			fprintf(stderr, "mvdm-bench: %s: warning: the program printed nothing\n", name);
		if (opt.out_dir && write_output(opt.out_dir, name, &res) < 0)
			status = 1;
		if (opt.expect_dir && check_expected(opt.expect_dir, name, &res) < 0)
			status = 1;
		free(res.output);
	}
	return status;
}
