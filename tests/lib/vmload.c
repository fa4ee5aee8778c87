/* vmload.c - a .COM program in a bare VM (vmload.h). */
#include "vmload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int vmload_image(struct vm *vm, const void *image, size_t len)
{
	int rc = vm16_load_image(vm, 0x1000, 0x100, image, len);
	if (rc < 0)
		return rc;
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	r.cs = r.ds = r.es = r.ss = 0x1000;
	r.eip = 0x100;
	r.esp = 0xFFFE;
	vm16_set_regs(vm, &r);
	return 0;
}

struct vm *vmload_com(const char *path, const struct vm16_config *cfg, char *err, size_t errlen)
{
	enum { MAX = 0xF000 };
	struct vm16_config c;
	if (cfg)
		c = *cfg;
	else
		vm16_config_default(&c);
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(MAX);
	size_t n = f && buf ? fread(buf, 1, MAX, f) : 0;
	if (f)
		fclose(f);
	struct vm *vm = NULL;
	if (n == 0)
		snprintf(err, errlen, "cannot read %s", path);
	else if (vm16_create(&c, &vm, err, errlen) < 0)
		vm = NULL;
	else if (vmload_image(vm, buf, n) < 0) {
		snprintf(err, errlen, "%s does not fit", path);
		vm16_destroy(vm);
		vm = NULL;
	}
	free(buf);
	return vm;
}

enum vm16_stop vmload_run_to_stop(struct vm *vm, uint64_t budget)
{
	enum vm16_stop s = VM16_STOP_SLICE;
	for (int k = 0; k < 10000 && s == VM16_STOP_SLICE; k++)
		s = vm16_run(vm, budget);
	return s;
}
