/* hostpath.h - host paths on the command line as a VM sees them, shared by
 * `mvdm run` (run.c) and the server commands (ctl.c). */
#ifndef MVDM_TOOLS_HOSTPATH_H
#define MVDM_TOOLS_HOSTPATH_H

#include <stddef.h>

/* The PROGRAM argument as a DOS path, into out[max]. A DOS path (X:...
 * without '/') or anything that is not an existing regular host file is
 * copied as it is. A host file becomes X:\NAME when it lies directly in
 * the directory of a mapped drive (drives[i], any form realpath() takes);
 * else its directory is mapped to the first free drive from D: to Y:
 * (drives[i] then points to owned[i], a malloc'd absolute path the caller
 * frees). Returns 0, -ENOSPC (no free drive), -ENOMEM or realpath()'s
 * -errno. */
int hostpath_program(const char *drives[26], char *owned[26], const char *arg, char *out, size_t max);

#endif
