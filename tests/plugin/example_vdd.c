/*
 * example_vdd.c - an out-of-tree VDD plug-in, built as a shared object: a
 * "mailbox" at port 2E0h that counts the guest's writes and answers reads
 * with the count, and requests that return to the host the count of this VM
 * (op 1) and the total of all VMs sharing the host (op 2: a global VDD
 * part). Its setting MAILBOX_STEP (live) is what one write adds. It uses
 * only the public headers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mvdm/vdd.h"

struct mailbox_global {
	uint32_t total; /* writes of every VM of the host (one thread here: no lock) */
};

struct mailbox {
	struct vm *vm;
	uint32_t writes;
	struct mailbox_global *global;
};

static uint32_t mb_read(void *inst, uint16_t port, unsigned size)
{
	(void)port;
	(void)size;
	return ((struct mailbox *)inst)->writes;
}

static void mb_write(void *inst, uint16_t port, unsigned size, uint32_t v)
{
	(void)port;
	(void)size;
	(void)v;
	struct mailbox *m = inst;
	/* A live setting: read at each use, so a change shows at once. */
	uint32_t step = (uint32_t)vdd_property(m->vm, "MAILBOX_STEP");
	m->writes += step;
	m->global->total += step;
}

static int mb_global_init(void **global)
{
	*global = calloc(1, sizeof(struct mailbox_global));
	return *global ? 0 : -ENOMEM;
}

static void mb_global_fini(void *global)
{
	free(global);
}

static int mb_create(struct vm *vm, void **inst)
{
	struct mailbox *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->vm = vm;
	m->global = *inst; /* the shared instance */
	int rc = vdd_claim_ports(vm, "mailbox", 0x2E0, 0x2E0, m, mb_read, mb_write);
	if (rc < 0) {
		free(m);
		return rc;
	}
	*inst = m;
	return 0;
}

static void mb_terminate(struct vm *vm, void *inst)
{
	(void)vm;
	free(inst);
}

static int mb_request(struct vm *vm, void *inst, void *chan, uint32_t op, const void *in, size_t in_len,
		      void *out, size_t *out_len)
{
	(void)vm;
	(void)chan;
	(void)in;
	(void)in_len;
	struct mailbox *m = inst;
	if (op != 1 && op != 2)
		return -EINVAL;
	if (*out_len < sizeof(uint32_t))
		return -ENOSPC;
	memcpy(out, op == 1 ? &m->writes : &m->global->total, sizeof(uint32_t));
	*out_len = sizeof(uint32_t);
	return 0;
}

static const struct vdd_property mailbox_props[] = {
	{ .name = "MAILBOX_STEP", .type = VDD_PROP_INT, .def = 1, .min = 1, .max = 100, .live = true,
	  .help = "what one write adds to the count" },
};

static const struct vdd_ops mailbox_ops = {
	.abi = MVDM_VDD_ABI,
	.name = "mailbox",
	.props = mailbox_props,
	.nprops = sizeof(mailbox_props) / sizeof(mailbox_props[0]),
	.create = mb_create,
	.terminate = mb_terminate,
	.global_init = mb_global_init,
	.global_fini = mb_global_fini,
	.request = mb_request,
};

const struct vdd_ops *mvdm_vdd_entry(void);
const struct vdd_ops *mvdm_vdd_entry(void)
{
	return &mailbox_ops;
}
