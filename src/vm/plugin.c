/*
 * plugin.c - VDDs in shared objects, loaded when a VM is created
 * (vm16_config.plugins). A plug-in exports `mvdm_vdd_entry` (vdd.h), which
 * returns its struct vdd_ops; its ABI version must equal MVDM_VDD_ABI, or
 * the VM is not created and the error names both versions. The plug-in
 * calls the vdd_* functions of the program that loads it, so that program
 * exports them (linked with -rdynamic / meson export_dynamic).
 */
#include <dlfcn.h>
#include <errno.h>

#include "vm/vm_internal.h"

int vm_load_plugin(struct vm *vm, const char *path, const struct vdd_ops **ops)
{
	if (vm->nplugins == VM_MAX_VDDS)
		return vm_fail(vm, -ENOSPC, "too many plug-ins");
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return vm_fail(vm, -ENOENT, "cannot load VDD plug-in %s: %s", path, dlerror());
	vdd_entry_fn entry;
	void *sym = dlsym(h, MVDM_VDD_ENTRY);
	/* POSIX: a dlsym() result converts to a function pointer. */
	*(void **)&entry = sym;
	const struct vdd_ops *o = entry ? entry() : NULL;
	if (!o) {
		dlclose(h);
		return vm_fail(vm, -EINVAL, "%s is not a VDD plug-in (no %s)", path, MVDM_VDD_ENTRY);
	}
	if (o->abi != MVDM_VDD_ABI || !o->name || !o->create) {
		int rc = vm_fail(vm, -EPROTO, "VDD plug-in %s was built for VDD ABI %u, mvdm has %u", path, o->abi,
				 MVDM_VDD_ABI);
		dlclose(h);
		return rc;
	}
	vm->plugin_handles[vm->nplugins++] = h;
	*ops = o;
	return 0;
}

void vm_unload_plugins(struct vm *vm)
{
	while (vm->nplugins)
		dlclose(vm->plugin_handles[--vm->nplugins]);
}
