/*
 * fuzz_common.h - what the VM-level fuzz targets share: one VM with the
 * DOS kernel on a private temporary drive C: (made once per process: a
 * fuzz harness may keep state between inputs; the library may not).
 */
#ifndef MVDM_FUZZ_COMMON_H
#define MVDM_FUZZ_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mvdm/dos.h"
#include "mvdm/vm16.h"

/* A broken invariant: say which, then abort (the driver or libFuzzer
 * keeps the input). */
#define FUZZ_CHECK(cond, ...)                                                        \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "fuzz: %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                \
			fputc('\n', stderr);                                         \
			abort();                                                     \
		}                                                                    \
	} while (0)

/* A temporary directory for the drive, removed at exit. */
const char *fuzz_drive_dir(void);

/* A new VM (cpu model, DISK_QUOTA of 256 KiB so a guest cannot fill the
 * disk) with the DOS kernel on fuzz_drive_dir() as C:. Aborts if it cannot
 * be made: the harness itself is broken then. */
void fuzz_vm_create(enum vm16_cpu cpu, struct vm **vm, struct dos **d);
void fuzz_vm_destroy(struct vm *vm, struct dos *d);

#endif
