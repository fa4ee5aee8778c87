/*
 * fuzz_settings.c - the settings parsers: a program's settings file
 * (src/dos/progsettings.c, progsettings_load_file: the input is the
 * file's text) and a single NAME=VALUE as --set gives it (the input's
 * first line). Checked: a refusal names the file or the setting; what a
 * file left in the list passes vm16_settings_check, and each entry is
 * NAME=VALUE with a value the catalog's parser takes back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mvdm/progsettings.h"
#include "mvdm/vm16.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("fuzz.mvdm", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	struct progsettings *ps;
	if (progsettings_create(&ps) != 0)
		abort();
	char err[512] = "";
	int rc = progsettings_load_file(ps, path, err, sizeof(err));
	if (rc < 0 && !strstr(err, path))
		abort();
	const char *const *list = progsettings_list(ps);
	if (vm16_settings_check(list, err, sizeof(err)) != 0)
		abort();
	for (const char *const *e = list; *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq || eq == *e)
			abort();
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)(eq - *e), *e);
		struct vm16_setting_info info;
		int64_t v;
		if (vm16_settings_lookup(name, &info) != 0 || vm16_setting_parse(&info, eq + 1, &v, err, sizeof(err)) != 0)
			abort();
	}
	/* The first line as one --set NAME=VALUE. */
	char line[256];
	size_t k = 0;
	while (k < size && k + 1 < sizeof(line) && data[k] != '\n' && data[k])
		line[k] = (char)data[k], k++;
	line[k] = 0;
	err[0] = 0;
	rc = progsettings_set(ps, line, "--set", err, sizeof(err));
	if (rc < 0 && !err[0])
		abort();
	if (vm16_settings_check(progsettings_list(ps), err, sizeof(err)) != 0)
		abort();
	progsettings_destroy(ps);
	return 0;
}
