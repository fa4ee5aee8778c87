/*
 * vm_share.c - N VMs of one host running the same DOS program, to show what
 * sharing decoded code between them saves (the host's code store,
 * docs/cpu-speed.md "Translations that outlive a program"). Every VM gets
 * its own C: (DIR/0, DIR/1, ..., made by the caller) and the same other
 * drives; all are created, then run round-robin on this thread in slices
 * of 1 million instructions until each has ended. Prints the CPU time of
 * the run, the blocks decoded (not counting the instructions that cross a
 * page, decoded each time they run) and taken from the store (all VMs), the
 * per-VM block caches and the store in bytes, and the resident memory the
 * run added.
 *
 * usage: mvdm-vmshare [-n N] [--set NAME=VALUE]... [-d X=DIR]... [-e NAME=VALUE]...
 *                     -c DIR PROGRAM [TAIL]
 * (--set CODE_SHARING=off: every VM decodes for itself.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "mvdm/dos.h"
#include "mvdm/vm16.h"

enum { MAX_SETS = 32 };

static long resident_pages(void)
{
	long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident;
}

static double cpu_seconds(void)
{
	struct rusage u;
	getrusage(RUSAGE_SELF, &u);
	return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 + (double)u.ru_stime.tv_sec +
	       (double)u.ru_stime.tv_usec / 1e6;
}

static void discard(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
}

static int usage(void)
{
	fprintf(stderr, "usage: mvdm-vmshare [-n N] [--set NAME=VALUE]... [-d X=DIR]... [-e NAME=VALUE]... "
			"-c DIR PROGRAM [TAIL]\n");
	return 2;
}

int main(int argc, char **argv)
{
	int n = 100;
	const char *sets[MAX_SETS + 1] = { 0 }, *env[DOS_MAX_ENV] = { 0 }, *drives[26] = { 0 };
	unsigned nsets = 0, nenv = 0;
	const char *cdir = NULL, *program = NULL, *tail = "";
	for (int k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "-n") && k + 1 < argc) {
			n = atoi(argv[++k]);
		} else if (!strcmp(argv[k], "--set") && k + 1 < argc && nsets < MAX_SETS) {
			sets[nsets++] = argv[++k];
		} else if (!strcmp(argv[k], "-e") && k + 1 < argc && nenv < DOS_MAX_ENV) {
			env[nenv++] = argv[++k];
		} else if (!strcmp(argv[k], "-d") && k + 1 < argc) {
			const char *v = argv[++k];
			char x = v[0] & ~0x20;
			if (x < 'A' || x > 'Z' || v[1] != '=')
				return usage();
			drives[x - 'A'] = v + 2;
		} else if (!strcmp(argv[k], "-c") && k + 1 < argc) {
			cdir = argv[++k];
		} else if (!program && argv[k][0] != '-') {
			program = argv[k];
			if (k + 1 < argc)
				tail = argv[k + 1];
			break;
		} else {
			return usage();
		}
	}
	if (n <= 0 || !cdir || !program)
		return usage();
	struct vm16_host *host;
	if (vm16_host_create(&host) < 0)
		return 1;
	struct vm **vms = calloc((size_t)n, sizeof(*vms));
	struct dos **dos = calloc((size_t)n, sizeof(*dos));
	char (*dirs)[4096] = calloc((size_t)n, sizeof(*dirs));
	bool *done = calloc((size_t)n, sizeof(*done));
	if (!vms || !dos || !dirs || !done)
		return 1;
	char err[256];
	for (int k = 0; k < n; k++) {
		struct vm16_config vc;
		vm16_config_default(&vc);
		vc.host = host;
		vc.settings = sets;
		if (vm16_create(&vc, &vms[k], err, sizeof(err)) < 0) {
			fprintf(stderr, "vm16_create: %s\n", err);
			return 1;
		}
		struct dos_config dc;
		dos_config_default(&dc);
		memcpy(dc.drives, drives, sizeof(dc.drives));
		snprintf(dirs[k], sizeof(dirs[k]), "%s/%d", cdir, k);
		dc.drives[2] = dirs[k];
		memcpy(dc.env, env, sizeof(env));
		dc.nenv = nenv;
		dc.console.write = discard;
		if (dos_create(vms[k], &dc, &dos[k], err, sizeof(err)) < 0 ||
		    dos_start(dos[k], program, tail, err, sizeof(err)) < 0) {
			fprintf(stderr, "VM %d: %s\n", k, err);
			return 1;
		}
	}
	long rss0 = resident_pages();
	double t0 = cpu_seconds();
	int left = n, bad = 0;
	while (left) {
		for (int k = 0; k < n; k++) {
			if (done[k])
				continue;
			enum vm16_stop r = vm16_run(vms[k], 1000000);
			if (r == VM16_STOP_EXIT || r == VM16_STOP_FAULT) {
				done[k] = true;
				left--;
				bad += r != VM16_STOP_EXIT || vm16_exit_code(vms[k]) != 0;
			}
		}
	}
	double t1 = cpu_seconds();
	long rss1 = resident_pages();
	uint64_t insns = 0, decoded = 0, shared = 0, cache = 0, compiled = 0, took_compiled = 0;
	for (int k = 0; k < n; k++) {
		struct vm16_code_stats s;
		vm16_code_stats(vms[k], &s);
		insns += vm16_insns(vms[k]);
		decoded += s.misses - s.singles;
		shared += s.store_hits;
		cache += s.bytes;
		compiled += s.jit_blocks;
		took_compiled += s.jit_shared;
	}
	struct vm16_host_code_stats hs;
	vm16_host_code_stats(host, &hs);
	printf("%d VMs running %s %s%s%s: %.2f s of CPU (%.1f ms per VM), %.0f M instructions; "
	       "blocks decoded %llu (%.0f per VM), taken from the store %llu; block caches %.2f MiB (%.0f KiB per "
	       "VM), store %.2f MiB (%llu blocks); blocks compiled %llu (%.0f per VM), taken compiled from the store "
	       "%llu, code area %.2f MiB; resident memory added %.1f MiB (%.0f KiB per VM)%s\n",
	       n, program, tail, nsets ? " with " : "", nsets ? sets[0] : "", t1 - t0, (t1 - t0) * 1e3 / n,
	       (double)insns / 1e6, (unsigned long long)decoded, (double)decoded / n, (unsigned long long)shared,
	       (double)cache / 1048576.0, (double)cache / 1024.0 / n, (double)hs.bytes / 1048576.0,
	       (unsigned long long)hs.blocks, (unsigned long long)compiled, (double)compiled / n,
	       (unsigned long long)took_compiled, (double)hs.jit_bytes / 1048576.0, (double)(rss1 - rss0) * 4096.0 / 1048576.0,
	       (double)(rss1 - rss0) * 4.0 / n, bad ? " (SOME FAILED)" : "");
	for (int k = 0; k < n; k++) {
		dos_destroy(dos[k]);
		vm16_destroy(vms[k]);
	}
	vm16_host_destroy(host);
	free(vms);
	free(dos);
	free(dirs);
	free(done);
	return bad ? 1 : 0;
}
