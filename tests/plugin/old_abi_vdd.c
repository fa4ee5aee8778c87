/* old_abi_vdd.c - a plug-in built for the old VDD ABI 1 (whose struct
 * vdd_property was shorter): loading must fail with an error naming both
 * versions. */
#include "mvdm/vdd.h"

static int never(struct vm *vm, void **inst)
{
	(void)vm;
	(void)inst;
	return -1;
}

static const struct vdd_ops old_ops = { .abi = 1, .name = "old", .create = never };

const struct vdd_ops *mvdm_vdd_entry(void);
const struct vdd_ops *mvdm_vdd_entry(void)
{
	return &old_ops;
}
