/*
 * hostpath.c - a host path to a program becomes a DOS path (hostpath.h).
 */
#include "hostpath.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* path lies inside the directory root (both real paths). */
static bool inside(const char *path, const char *root)
{
	size_t n = strlen(root);
	if (n == 1) /* "/": the path's own slash follows the root */
		n = 0;
	return strncmp(path, root, n) == 0 && path[n] == '/';
}

int hostpath_program(const char *drives[26], char *owned[26], const char *arg, char *out, size_t max, char *err,
		     size_t errlen)
{
	struct stat st;
	bool dos_form = arg[0] && arg[1] == ':' && !strchr(arg, '/');
	if (dos_form || stat(arg, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(out, max, "%s", arg);
		return 0;
	}
	/* The directory the user named (its links followed), and the file's
	 * name in it as given: a link stays a link, for the drive's sandbox
	 * to follow or refuse. */
	char dir[PATH_MAX], real_dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(arg, '/');
	const char *base = slash ? slash + 1 : arg;
	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash == arg ? 1 : slash - arg), arg);
	else
		snprintf(dir, sizeof(dir), ".");
	if (!realpath(dir, real_dir) || !realpath(arg, real)) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", arg, strerror(e));
		return -e;
	}
	int drive = -1;
	char root[PATH_MAX];
	for (int i = 0; i < 26 && drive < 0; i++)
		if (drives[i] && realpath(drives[i], root) && strcmp(root, real_dir) == 0)
			drive = i;
	for (int i = 3; i < 25 && drive < 0; i++) {
		if (drives[i])
			continue;
		drive = i;
		snprintf(root, sizeof(root), "%s", real_dir);
	}
	if (drive < 0) {
		snprintf(err, errlen, "%s: no free drive letter to map its directory to", arg);
		return -ENOSPC;
	}
	/* As the drive sandbox does (hostfs.h): a link leading out of the
	 * drive's root is refused, and nothing else is mapped for it. */
	if (!inside(real, root)) {
		snprintf(err, errlen,
			 "%s is a symbolic link to %s, outside drive %c: (%s); map the directory that holds the "
			 "program with -d to run it",
			 arg, real, 'A' + drive, root);
		return -EXDEV;
	}
	if (!drives[drive]) {
		owned[drive] = strdup(root);
		if (!owned[drive]) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		drives[drive] = owned[drive];
	}
	snprintf(out, max, "%c:\\%s", 'A' + drive, base);
	return 0;
}
