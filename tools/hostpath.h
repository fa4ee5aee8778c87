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
 * frees). "Its directory" is the one the argument names (links in it
 * followed), and the name stays the argument's: a symbolic link to a file
 * elsewhere is followed only if its target lies inside that drive's root,
 * as the drive sandbox does (src/dos/hostfs.h); the target's directory is
 * never mapped. Returns 0, or -EXDEV (a link leading outside), -ENOSPC
 * (no free drive), -ENOMEM or realpath()'s -errno with err[errlen] saying
 * what was wrong, the argument named. */
int hostpath_program(const char *drives[26], char *owned[26], const char *arg, char *out, size_t max, char *err,
		     size_t errlen);

#endif
