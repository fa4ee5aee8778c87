/*
 * vm_cost.c - what a VM costs: creates N VMs (default 1000) with the default
 * control block and the DOS settings given (NAME=VALUE), runs each for 100
 * instructions (which allocates its block cache), and prints the creation
 * time per VM and the resident memory added per VM (from /proc/self/statm).
 * Usage: mvdm-vmcost [N] [NAME=VALUE...]
 * E.g. XMS_MEMORY_LIMIT=0 EMS_MEMORY_LIMIT=0 against the defaults shows
 * what configured but unused XMS and EMS cost (docs/memory.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mvdm/vm16.h"

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

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	if (n <= 0)
		return 2;
	struct vm **vms = calloc((size_t)n, sizeof(*vms));
	struct vm16_config cfg;
	vm16_config_default(&cfg);
	cfg.settings = argc > 2 ? (const char *const *)argv + 2 : NULL; /* argv is NULL-terminated */
	char err[256];
	long before = resident_pages();
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int k = 0; k < n; k++) {
		if (vm16_create(&cfg, &vms[k], err, sizeof(err)) < 0) {
			fprintf(stderr, "vm16_create: %s\n", err);
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (int k = 0; k < n; k++)
		vm16_run(vms[k], 100);
	long after = resident_pages();
	double us = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / 1e3 / n;
	printf("%d VMs: create %.1f us per VM; resident %.3f MiB per VM after a 100-instruction run\n", n, us,
	       (double)(after - before) * 4096.0 / n / 1048576.0);
	for (int k = 0; k < n; k++)
		vm16_destroy(vms[k]);
	free(vms);
	return 0;
}
