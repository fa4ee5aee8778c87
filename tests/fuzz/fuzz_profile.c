/*
 * fuzz_profile.c - the profile parser (src/profile/profile.c,
 * profile_parse): the input is a profile file's text. Checked: a refusal
 * names the file; an accepted profile holds only settings the VM accepts
 * (vm16_settings_check), NAME=VALUE variables, absolute existing
 * directories as drives, and start-up commands within their limit, each
 * line ended by CR LF and free of control characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mvdm/profile.h"
#include "mvdm/vm16.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile *p = NULL;
	char err[512];
	err[0] = 0;
	int rc = profile_parse((const char *)data, size, "fuzz.profile", "/tmp", "/tmp", &p, err, sizeof(err));
	if (rc < 0) {
		if (p || strncmp(err, "fuzz.profile", 12) != 0)
			abort();
		return 0;
	}
	if (!p)
		abort();
	const char *const *set = profile_settings(p);
	if (vm16_settings_check(set, err, sizeof(err)) < 0)
		abort();
	for (const char *const *e = profile_env(p); *e; e++)
		if (!strchr(*e, '=') || (*e)[0] == '=')
			abort();
	for (int k = 0; k < 26; k++) {
		const char *d = profile_drive(p, k);
		struct stat st;
		if (d && (d[0] != '/' || stat(d, &st) != 0 || !S_ISDIR(st.st_mode)))
			abort();
	}
	const char *a = profile_autoexec(p);
	if (a) {
		size_t n = strlen(a);
		if (n > PROFILE_MAX_AUTOEXEC || n < 2 || a[n - 2] != '\r' || a[n - 1] != '\n')
			abort();
		for (const char *c = a; *c; c++)
			if ((unsigned char)*c < 0x20 && *c != '\t' && *c != '\r' && *c != '\n')
				abort();
	}
	profile_destroy(p);
	return 0;
}
