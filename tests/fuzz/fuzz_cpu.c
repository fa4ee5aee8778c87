/*
 * fuzz_cpu.c - the CPU (and the DOS kernel under it) on random code: the
 * input's first byte picks the processor model (8086, 80186, 80286, 80386,
 * 80486), the rest is a .COM program run in a fresh VM with DOS (so random
 * code also calls INT 21h with random registers) for at most 300,000
 * units of work. Checked: vm16_run returns one of its reasons; an ended VM
 * says why (a fault's message is never empty: the blank "mvdm:  at
 * 0070:0003" of issue 15); nothing escapes the drive (it is a private
 * temporary directory with a 256 KiB DISK_QUOTA). Crashes, leaks and
 * undefined behaviour are the sanitizers' to see.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"

enum { BUDGET = 300000, SLICE = 50000, MAX_CODE = 0xFF00 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum vm16_cpu models[] = { VM16_CPU_8086, VM16_CPU_80186, VM16_CPU_80286, VM16_CPU_80386,
						VM16_CPU_80486 };
	if (size < 2 || size - 1 > MAX_CODE)
		return 0;
	char path[256];
	snprintf(path, sizeof(path), "%s/FUZZ.COM", fuzz_drive_dir());
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	close(fd);
	struct vm *vm;
	struct dos *d;
	fuzz_vm_create(models[data[0] % 5], &vm, &d);
	char err[256];
	if (dos_start(d, "C:\\FUZZ.COM", "", err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz: dos_start: %s\n", err);
		abort();
	}
	for (unsigned done = 0; done < BUDGET; done += SLICE) {
		enum vm16_stop st = vm16_run(vm, SLICE);
		if (st == VM16_STOP_SLICE)
			continue;
		/* A fault says what, not only where. */
		FUZZ_CHECK(st != VM16_STOP_FAULT || (vm16_error(vm)[0] && strncmp(vm16_error(vm), " at ", 4) != 0),
			   "a fault without a reason: '%s'", vm16_error(vm));
		FUZZ_CHECK(st == VM16_STOP_IDLE || st == VM16_STOP_EXIT || st == VM16_STOP_FAULT, "vm16_run gave %d",
			   (int)st);
		if (st != VM16_STOP_IDLE)
			break;
	}
	fuzz_vm_destroy(vm, d);
	return 0;
}
