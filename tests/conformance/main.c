/*
 * main.c - cpu-conform: run single-step CPU test vectors against the mvdm core.
 *
 *   cpu-conform --model 8086|80186|80286|80386 [--exclude FILE]
 *               [--only XX[,YY]] [--verbose N] [--quiet] [--trace HASH]
 *               [--no-block-cache] DIR
 *
 * Runs every DIR/ *.json.gz (sorted by name) with the undefined-flag masks of
 * DIR/metadata.json, prints one line per file with failures and ends with
 * `conformance MODEL: N passed, N failed, N skipped`.
 * Exit status: 0 all passed, 1 failures (or unreadable vectors), 2 usage or
 * setup error, 77 DIR does not exist (meson: test skipped).
 */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L   /* open_memstream, strdup, strncasecmp, dirent */
#endif

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "cpu/cpu.h"
#include "exclude.h"
#include "masks.h"
#include "report.h"
#include "runner.h"
#include "vectors.h"

#define EXIT_SKIP 77
#define SUFFIX ".json.gz"
#define COMPACT_MAX_MEM 6

struct options {
	int model;
	const char *exclude;
	const char *only;        /* comma-separated stems */
	long verbose;            /* failing tests to print in full per file */
	bool quiet;
	bool no_block_cache;     /* decode every instruction as it runs */
	const char *trace;       /* hash (or hash prefix) of a test to trace */
	const char *dir;
};

struct totals {
	unsigned long passed, failed, skipped;
	unsigned long files, files_failed, errors;
};

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: cpu-conform --model 8086|80186|80286|80386 [--exclude FILE]\n"
	        "                   [--only XX[,YY...]] [--verbose N] [--quiet] [--trace HASH]\n"
	        "                   [--no-block-cache] DIR\n"
	        "\n"
	        "Runs the single-step test vectors DIR/*.json.gz on the mvdm CPU core.\n"
	        "  --model M      CPU model to emulate (286 and later: tests end with HLT)\n"
	        "  --exclude FILE vectors to skip: lines `HASH  reason`, '#' comments\n"
	        "  --only LIST    only these files: XX runs XX and every XX.R, XX.R one file\n"
	        "  --verbose N    print up to N failing tests per file in full, and skips\n"
	        "  --quiet        print only the final line (and errors)\n"
	        "  --trace HASH   trace the test(s) whose hash starts with HASH to stderr\n"
	        "                 and print their full result\n"
	        "  --no-block-cache  run with the CPU's decoded-block cache off\n"
	        "Exit: 0 all passed, 1 failures, 2 usage error, 77 DIR does not exist.\n");
}

/* --name value or --name=value. Returns the value, NULL if arg is not --name. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		fprintf(stderr, "cpu-conform: %s needs a value\n", name);
		exit(2);
	}
	return argv[++*i];
}

static void parse_args(int argc, char **argv, struct options *o)
{
	*o = (struct options){.model = -1};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			exit(0);
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			o->quiet = true;
		} else if (strcmp(a, "--no-block-cache") == 0) {
			o->no_block_cache = true;
		} else if ((v = opt_value(argc, argv, &i, "--model")) != NULL) {
			o->model = cpu_model_parse(v);
			if (o->model < 0) {
				fprintf(stderr, "cpu-conform: unknown model '%s'\n", v);
				exit(2);
			}
		} else if ((v = opt_value(argc, argv, &i, "--exclude")) != NULL) {
			o->exclude = v;
		} else if ((v = opt_value(argc, argv, &i, "--only")) != NULL) {
			o->only = v;
		} else if ((v = opt_value(argc, argv, &i, "--trace")) != NULL) {
			o->trace = v;
		} else if ((v = opt_value(argc, argv, &i, "--verbose")) != NULL) {
			char *end;
			o->verbose = strtol(v, &end, 10);
			if (*v == '\0' || *end != '\0' || o->verbose < 0) {
				fprintf(stderr, "cpu-conform: --verbose needs a count\n");
				exit(2);
			}
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "cpu-conform: unknown option '%s'\n", a);
			usage(stderr);
			exit(2);
		} else if (o->dir == NULL) {
			o->dir = a;
		} else {
			fprintf(stderr, "cpu-conform: more than one DIR given\n");
			exit(2);
		}
	}
	if (o->model < 0 || o->dir == NULL) {
		usage(stderr);
		exit(2);
	}
}

/* Does file stem `stem` ("F6" or "F6.6") match the --only list? */
static bool only_match(const char *only, const char *stem)
{
	if (only == NULL)
		return true;
	size_t slen = strlen(stem);
	const char *p = only;
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n > 0 && n <= slen && strncasecmp(p, stem, n) == 0 &&
		    (stem[n] == '\0' || stem[n] == '.'))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted *.json.gz names in dir that --only selects. */
static char **list_files(const char *dir, const char *only, size_t *count)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "cpu-conform: %s: %s\n", dir, strerror(errno));
		return NULL;
	}
	size_t n = 0, cap = 64;
	char **names = malloc(cap * sizeof(*names));
	struct dirent *e;
	while (names != NULL && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name), sl = strlen(SUFFIX);
		if (len <= sl || strcmp(e->d_name + len - sl, SUFFIX) != 0)
			continue;
		char stem[256];
		snprintf(stem, sizeof(stem), "%.*s", (int)(len - sl), e->d_name);
		if (!only_match(only, stem))
			continue;
		if (n == cap) {
			char **nn = realloc(names, 2 * cap * sizeof(*names));
			if (nn == NULL)
				break;
			names = nn;
			cap *= 2;
		}
		names[n] = strdup(e->d_name);
		if (names[n] == NULL)
			break;
		n++;
	}
	closedir(d);
	if (names == NULL) {
		fprintf(stderr, "cpu-conform: out of memory\n");
		return NULL;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	*count = n;
	return names;
}

static bool trace_match(const char *want, const char *hash)
{
	return want != NULL && hash[0] != '\0' && strncasecmp(want, hash, strlen(want)) == 0;
}

/* Run one vector file; output for it goes to stdout when it is done. */
static void run_file(const struct options *o, const char *name, const struct masks *masks,
                     const struct exclusions *excl, struct runner *r, struct totals *tot)
{
	char path[4096], stem[256], err[256];
	snprintf(path, sizeof(path), "%s/%s", o->dir, name);
	snprintf(stem, sizeof(stem), "%.*s", (int)(strlen(name) - strlen(SUFFIX)), name);
	uint16_t mask = masks_lookup(masks, stem);

	struct vec_file *f;
	if (vec_open(&f, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "cpu-conform: %s: %s\n", path, err);
		tot->errors++;
		return;
	}
	tot->files++;

	char *first = NULL, *detail = NULL;
	size_t first_len = 0, detail_len = 0;
	FILE *first_ms = open_memstream(&first, &first_len);
	FILE *detail_ms = open_memstream(&detail, &detail_len);
	if (first_ms == NULL || detail_ms == NULL) {
		fprintf(stderr, "cpu-conform: out of memory\n");
		exit(2);
	}

	struct vec_test t = {0};
	struct run_result res = {0};
	unsigned long total = 0, failed = 0, skipped = 0;
	long shown = 0;
	for (;;) {
		int rc = vec_next(f, &t, err, sizeof(err));
		if (rc == 0)
			break;
		if (rc == -2) {
			fprintf(stderr, "cpu-conform: %s: %s\n", path, err);
			tot->errors++;
			break;
		}
		total++;
		if (rc == -1) {
			failed++;
			if (failed == 1)
				fprintf(first_ms, "#%ld: bad vector: %s", t.index, err);
			if (shown < o->verbose) {
				fprintf(detail_ms, "  test #%ld: bad vector: %s\n", t.index, err);
				shown++;
			}
			continue;
		}
		const struct excl_entry *x = excl_find(excl, t.hash);
		if (x != NULL) {
			skipped++;
			if (o->verbose > 0)
				fprintf(detail_ms, "  skipped #%ld \"%s\" %s: %s\n", t.index, t.name,
				        t.hash, x->reason[0] ? x->reason : "(no reason given)");
			continue;
		}
		bool traced = trace_match(o->trace, t.hash);
		if (traced) {
			fflush(stdout);
			fprintf(stderr, "--- trace of %s #%ld %s\n", name, t.index, t.hash);
		}
		bool pass = runner_run(r, &t, mask, traced ? stderr : NULL, &res);
		if (traced) {
			fflush(stderr);
			printf("%s: traced test %s\n", name, pass ? "PASSED" : "FAILED");
			report_full(stdout, &t, &res);
		}
		if (pass)
			continue;
		failed++;
		if (failed == 1)
			report_compact(first_ms, &t, &res, COMPACT_MAX_MEM);
		if (shown < o->verbose) {
			report_full(detail_ms, &t, &res);
			shown++;
		}
	}
	vec_close(f);
	vec_test_free(&t);
	run_result_free(&res);
	fclose(first_ms);
	fclose(detail_ms);

	tot->passed += total - failed - skipped;
	tot->failed += failed;
	tot->skipped += skipped;
	if (failed > 0)
		tot->files_failed++;
	if (!o->quiet && failed > 0) {
		printf("%s: %lu/%lu failed", name, failed, total - skipped);
		if (skipped)
			printf(" (%lu skipped)", skipped);
		printf("; first: %s\n", first);
	}
	if (!o->quiet && o->verbose > 0) {
		if (failed == 0 && skipped > 0)
			printf("%s: %lu/%lu passed (%lu skipped)\n", name, total - skipped,
			       total - skipped, skipped);
		fputs(detail, stdout);
	}
	free(first);
	free(detail);
}

int main(int argc, char **argv)
{
	struct options o;
	parse_args(argc, argv, &o);

	struct stat st;
	if (stat(o.dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "cpu-conform: %s: no such directory (test skipped)\n", o.dir);
		return EXIT_SKIP;
	}

	char err[512];
	struct masks *masks;
	if (masks_load(&masks, o.dir, err, sizeof(err)) != 0) {
		fprintf(stderr, "cpu-conform: %s\n", err);
		return 2;
	}
	struct exclusions excl = {0};
	if (o.exclude != NULL && excl_load(&excl, o.exclude, err, sizeof(err)) != 0) {
		fprintf(stderr, "cpu-conform: %s\n", err);
		masks_free(masks);
		return 2;
	}
	size_t nfiles = 0;
	char **files = list_files(o.dir, o.only, &nfiles);
	if (files == NULL) {
		masks_free(masks);
		excl_free(&excl);
		return 2;
	}
	if (nfiles == 0) {
		fprintf(stderr, "cpu-conform: no %s*%s files in %s\n", o.only ? "selected " : "",
		        SUFFIX, o.dir);
		free(files);
		masks_free(masks);
		excl_free(&excl);
		return 2;
	}
	if (!masks_present(masks) && !o.quiet)
		fprintf(stderr, "cpu-conform: %s/metadata.json not found: no flag masks\n", o.dir);

	struct runner *r = runner_new((enum cpu_model)o.model);
	if (r == NULL) {
		fprintf(stderr, "cpu-conform: out of memory\n");
		return 2;
	}
	r->no_block_cache = o.no_block_cache;

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct totals tot = {0};
	for (size_t i = 0; i < nfiles; i++) {
		run_file(&o, files[i], masks, &excl, r, &tot);
		fflush(stdout);
		free(files[i]);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(files);
	runner_free(r);
	masks_free(masks);
	excl_free(&excl);

	if (!o.quiet && o.verbose > 0)
		printf("%lu file(s), %lu with failures, %.2f s\n", tot.files, tot.files_failed,
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (tot.errors > 0)
		fprintf(stderr, "cpu-conform: %lu file(s) could not be read completely\n",
		        tot.errors);
	printf("conformance %s: %lu passed, %lu failed, %lu skipped\n",
	       cpu_model_name((enum cpu_model)o.model), tot.passed, tot.failed, tot.skipped);
	return tot.failed > 0 || tot.errors > 0 ? 1 : 0;
}
