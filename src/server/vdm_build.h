/*
 * vdm_build.h - making and ending the machine of a struct vdm.
 */
#ifndef MVDM_SERVER_VDM_BUILD_H
#define MVDM_SERVER_VDM_BUILD_H

#include <stddef.h>

#include "server/vdm.h"

/* A zeroed vdm with its locks made, or NULL. */
struct vdm *vdm_new(void);
/* Frees everything (the machine must be torn down or never built). */
void vdm_free(struct vdm *v);

/* Builds the VM and its DOS kernel from v->spec and loads the program.
 * `settings` is the NULL-terminated list of settings to apply (files and
 * request merged); the VM shares `host` (global VDDs, decoded code: the
 * server's); `start` becomes dos_config.start with v as its context. Returns 0, or a
 * negative errno with a reason in err (nothing left built). */
int vdm_build(struct vdm *v, struct vm16_host *host, const char *const *settings,
	      int (*start)(void *ctx, const char *program, const char *tail, char *err, size_t errlen),
	      char *err, size_t errlen);

/* With v->lock held: keeps the last screen (and with `picture` the last
 * picture as a PNG, for screenshot requests), closes the guest's files and
 * frees the machine. Idempotent. */
void vdm_teardown(struct vdm *v, bool picture);

#endif
