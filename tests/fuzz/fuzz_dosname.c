/*
 * fuzz_dosname.c - the DOS path and FCB-name parsers: hostfs_canonical
 * (INT 21h/60h's form), hostfs_resolve (DOS path to host path, the
 * sandbox) and dos_parse_name (INT 21h/29h). The input's first byte is
 * 29h's option bits, the rest the name (NUL ends it for the path calls, as
 * an ASCIIZ string does). Checked: a canonical path is "X:\..." in upper
 * case without `.`/`..` components, `/` or empty components, fits its
 * buffer, and is its own canonical form; a resolved host path lies inside
 * the drive's root; 29h consumes no more than it was given, returns 0, 1
 * or FFh and leaves an upper-case name without control characters.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dos/dos_internal.h"
#include "fuzz_common.h"

static void check_canonical(const char *c)
{
	size_t n = strlen(c);
	FUZZ_CHECK(n >= 3 && n < HOSTFS_DOS_PATH && c[0] >= 'A' && c[0] <= 'Z' && c[1] == ':' && c[2] == '\\',
		   "canonical '%s'", c);
	for (const char *p = c; *p; p++)
		FUZZ_CHECK(!(*p >= 'a' && *p <= 'z') && *p != '/' && (unsigned char)*p >= 0x20, "canonical '%s'", c);
	FUZZ_CHECK(!strstr(c, "\\\\") && !strstr(c, "\\.\\") && !strstr(c, "\\..\\") && !(n > 3 && c[n - 1] == '\\'),
		   "canonical '%s'", c);
	FUZZ_CHECK(!(n >= 2 && strcmp(c + n - 2, "\\.") == 0) && !(n >= 3 && strcmp(c + n - 3, "\\..") == 0),
		   "canonical '%s'", c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vm *vm;
	static struct dos *d;
	static char root[PATH_MAX];
	if (!vm) {
		fuzz_vm_create(VM16_CPU_80386, &vm, &d);
		if (!realpath(fuzz_drive_dir(), root))
			abort();
	}
	if (size == 0)
		return 0;
	uint8_t opt = data[0];
	const uint8_t *s = data + 1;
	size_t n = size - 1;

	uint8_t fcb[12], al = 0x55;
	memset(fcb, 0x20, sizeof(fcb));
	fcb[0] = 0; /* an unopened FCB: what the "keep" bits keep */
	size_t used = dos_parse_name(d, s, n, fcb, opt, &al);
	FUZZ_CHECK(used <= n && (al == 0 || al == 1 || al == 0xFF) && fcb[0] <= 26, "29h: used %zu of %zu, AL %02X, "
		   "drive %u", used, n, al, fcb[0]);
	for (int i = 1; i < 12; i++)
		FUZZ_CHECK(!(fcb[i] >= 'a' && fcb[i] <= 'z') && fcb[i] >= 0x20, "29h: name byte %d is %02X", i, fcb[i]);

	char path[HOSTFS_DOS_PATH * 2], canon[HOSTFS_DOS_PATH], again[HOSTFS_DOS_PATH], host[HOSTFS_HOST_PATH];
	size_t k = 0;
	while (k < n && k + 1 < sizeof(path) && s[k])
		path[k] = (char)s[k], k++;
	path[k] = 0;
	if (hostfs_canonical(d->fs, path, canon) == 0) {
		check_canonical(canon);
		int e = hostfs_canonical(d->fs, canon, again);
		FUZZ_CHECK(e == 0 && strcmp(canon, again) == 0, "canonical '%s' -> '%s' -> %d '%s'", path, canon, e,
			   e ? "" : again);
	}
	for (int want = HOSTFS_EXISTING; want <= HOSTFS_PARENT; want++) {
		bool is_dir = false;
		if (hostfs_resolve(d->fs, path, (enum hostfs_want)want, host, canon, &is_dir) != 0)
			continue;
		size_t rl = strlen(root);
		FUZZ_CHECK(strncmp(host, root, rl) == 0 && (host[rl] == 0 || host[rl] == '/'),
			   "'%s' resolved to %s, outside %s", path, host, root);
		check_canonical(canon);
	}
	return 0;
}
