/*
 * fuzz_common.c - see fuzz_common.h.
 */
#include "fuzz_common.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char drive_dir[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_drive(void)
{
	if (drive_dir[0])
		nftw(drive_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fuzz_drive_dir(void)
{
	if (!drive_dir[0]) {
		snprintf(drive_dir, sizeof(drive_dir), "/tmp/mvdm-fuzz-XXXXXX");
		if (!mkdtemp(drive_dir))
			abort();
		atexit(rm_drive);
	}
	return drive_dir;
}

static void discard_log(void *ctx, struct vm *vm, enum vm16_log_category cat, const char *msg)
{
	(void)ctx;
	(void)vm;
	(void)cat;
	if (!msg[0] && cat > VM16_LOG_VDD)
		abort(); /* never: keeps msg read, so its bytes are checked by ASan */
}

void fuzz_vm_create(enum vm16_cpu cpu, struct vm **vm, struct dos **d)
{
	static const char *const settings[] = { "DISK_QUOTA=256", NULL };
	struct vm16_config vc;
	vm16_config_default(&vc);
	vc.cpu = cpu;
	vc.settings = settings;
	char err[256];
	if (vm16_create(&vc, vm, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz: vm16_create: %s\n", err);
		abort();
	}
	struct dos_config dc;
	dos_config_default(&dc);
	dc.drives[2] = fuzz_drive_dir();
	vm16_set_log(*vm, discard_log, NULL); /* formatted (fuzzed too), not printed */
	if (dos_create(*vm, &dc, d, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz: dos_create: %s\n", err);
		abort();
	}
}

void fuzz_vm_destroy(struct vm *vm, struct dos *d)
{
	dos_destroy(d);
	vm16_destroy(vm);
}
