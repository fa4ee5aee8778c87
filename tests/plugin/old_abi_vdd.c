/* old_abi_vdd.c - a plug-in built for another VDD ABI: loading must fail
 * with an error naming both versions. */
#include "mvdm/vdd.h"

static int never(struct vm *vm, void **inst)
{
	(void)vm;
	(void)inst;
	return -1;
}

static const struct vdd_ops old_ops = { .abi = MVDM_VDD_ABI + 41, .name = "old", .create = never };

const struct vdd_ops *mvdm_vdd_entry(void);
const struct vdd_ops *mvdm_vdd_entry(void)
{
	return &old_ops;
}
