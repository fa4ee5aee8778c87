/*
 * attach.c - the DOS system a VM gets from dos_create() (include/mvdm/
 * dos.h): the kernel (src/dos/), then the built-in command interpreter
 * attached to it through the hooks the kernel offers (struct
 * dos_shell_hooks). The kernel knows the shell only through those: the
 * layers go upward by hooks, never by name (docs/architecture.md).
 */
#include "shell/shell.h"

int dos_create(struct vm *vm, const struct dos_config *cfg, struct dos **out, char *err, size_t errlen)
{
	int e = dos_kernel_create(vm, cfg, out, err, errlen);
	if (e)
		return e;
	const struct dos_shell_hooks hooks = {
		.process_ended = shell_process_ended,
		.free_all = shell_free_all,
		.svc = shell_svc_entry,
		.image = shell_stub,
		.image_size = shell_stub_size,
	};
	dos_attach_shell(*out, &hooks);
	return 0;
}
