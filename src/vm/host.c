/*
 * host.c - struct vm16_host: what the VMs of one program share. So far the
 * instances of global VDDs, made on first use and ended with the host. The
 * library keeps no global state: whoever creates VMs owns the host.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vm/vm_internal.h"

enum { HOST_MAX_GLOBALS = 16 };

struct vm16_host {
	struct {
		const struct vdd_ops *ops;
		void *global;
		void *dl;       /* the host's own reference to a plug-in's code */
	} globals[HOST_MAX_GLOBALS];
	unsigned nglobals;
	/* The code area the JIT of every VM's CPU compiles into (src/cpu/jit.h;
	 * NULL where there is no JIT): translations' memory is bounded per
	 * host, not per VM. */
	struct cpu_jit_area *jit;
	struct cpu_code_store *code; /* decoded code shared by the VMs (code_store.c) */
};

int vm16_host_create(struct vm16_host **out)
{
	struct vm16_host *host = calloc(1, sizeof(*host));
	if (!host || cpu_code_store_create(&host->code, 0) < 0) {
		free(host);
		*out = NULL;
		return -ENOMEM;
	}
	host->jit = cpu_jit_area_create(CPU_JIT_AREA_DEFAULT);
	*out = host;
	return 0;
}

struct cpu_jit_area *vm_host_jit_area(struct vm *vm)
{
	return vm->cfg.host ? vm->cfg.host->jit : NULL;
}

struct cpu_code_store *vm_host_code_store(struct vm16_host *host)
{
	return host->code;
}

void vm16_host_set_code_limit(struct vm16_host *host, size_t bytes)
{
	cpu_code_store_set_limit(host->code, bytes);
}

void vm16_host_code_stats(struct vm16_host *host, struct vm16_host_code_stats *s)
{
	struct cpu_code_store_stats cs;
	cpu_code_store_stats(host->code, &cs);
	*s = (struct vm16_host_code_stats){ .lookups = cs.lookups, .hits = cs.hits, .adds = cs.adds,
					    .evictions = cs.evictions, .blocks = cs.blocks, .bytes = cs.bytes,
					    .codes = cs.codes };
	if (host->jit) {
		size_t limit, used;
		cpu_jit_area_usage(host->jit, &limit, &used);
		s->jit_bytes = used;
		s->jit_flushes = cpu_jit_area_flushes(host->jit);
	}
}

void vm16_host_destroy(struct vm16_host *host)
{
	if (!host)
		return;
	for (unsigned k = host->nglobals; k-- > 0;) {
		if (host->globals[k].ops->global_fini)
			host->globals[k].ops->global_fini(host->globals[k].global);
		if (host->globals[k].dl)
			dlclose(host->globals[k].dl);
	}
	cpu_jit_area_destroy(host->jit);
	cpu_code_store_destroy(host->code);
	free(host);
}

/* The shared instance of a global VDD: the host's (made on first use), or
 * the VM's own when it has no host (vm_global_fini ends those). */
int vm_global_instance(struct vm *vm, const struct vdd_ops *ops, void **global)
{
	struct vm16_host *host = vm->cfg.host;
	if (host) {
		for (unsigned k = 0; k < host->nglobals; k++) {
			if (strcmp(host->globals[k].ops->name, ops->name) == 0) {
				*global = host->globals[k].global;
				return 0;
			}
		}
		if (host->nglobals == HOST_MAX_GLOBALS)
			return vm_fail(vm, -ENOSPC, "too many global VDDs on this host");
	}
	int rc = ops->global_init(global);
	if (rc < 0)
		return vm_fail(vm, rc, "VDD %s: global setup failed (%d)", ops->name, rc);
	if (host) {
		/* A plug-in's code must stay loaded as long as the host keeps its
		 * instance, after the VMs (which unload theirs) are gone. */
		Dl_info info;
		void *dl = NULL;
		if (dladdr(ops, &info) && info.dli_fname)
			dl = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
		host->globals[host->nglobals].ops = ops;
		host->globals[host->nglobals].global = *global;
		host->globals[host->nglobals].dl = dl;
		host->nglobals++;
	}
	return 0;
}
