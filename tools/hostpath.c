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

int hostpath_program(const char *drives[26], char *owned[26], const char *arg, char *out, size_t max)
{
	struct stat st;
	bool dos_form = arg[0] && arg[1] == ':' && !strchr(arg, '/');
	if (dos_form || stat(arg, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(out, max, "%s", arg);
		return 0;
	}
	char real[PATH_MAX];
	if (!realpath(arg, real))
		return -errno;
	for (int i = 0; i < 26; i++) {
		if (!drives[i])
			continue;
		char root[PATH_MAX];
		if (!realpath(drives[i], root))
			continue;
		size_t n = strlen(root);
		if (n == 1) /* "/": the file's own slash follows the root */
			n = 0;
		if (strncmp(real, root, n) == 0 && real[n] == '/' && !strchr(real + n + 1, '/')) {
			snprintf(out, max, "%c:\\%s", 'A' + i, real + n + 1);
			return 0;
		}
	}
	char *slash = strrchr(real, '/');
	for (int i = 3; i < 25; i++) {
		if (drives[i])
			continue;
		*slash = 0;
		owned[i] = strdup(real[0] ? real : "/");
		if (!owned[i])
			return -ENOMEM;
		drives[i] = owned[i];
		snprintf(out, max, "%c:\\%s", 'A' + i, slash + 1);
		return 0;
	}
	return -ENOSPC;
}
