/*
 * profile.c - reading a profile file (mvdm/profile.h, docs/profiles.md).
 */
#include "mvdm/profile.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/failf.h"
#include "mvdm/vm16.h"

enum { LINE_MAX_BYTES = 1024 };

struct profile {
	char *name;
	char *drives[26];
	char *env[PROFILE_MAX_ENTRIES + 1];
	unsigned nenv;
	char *settings[PROFILE_MAX_ENTRIES + 1];
	unsigned nsettings;
	char *autoexec;
	size_t autoexec_len;
};

enum section { SEC_SETTINGS, SEC_DRIVES, SEC_ENV, SEC_AUTOEXEC };

void profile_destroy(struct profile *p)
{
	if (!p)
		return;
	free(p->name);
	for (int k = 0; k < 26; k++)
		free(p->drives[k]);
	for (unsigned k = 0; k < p->nenv; k++)
		free(p->env[k]);
	for (unsigned k = 0; k < p->nsettings; k++)
		free(p->settings[k]);
	free(p->autoexec);
	free(p);
}

int profile_find(const char *name, const char *config_dir, char *out, size_t len, char *err, size_t errlen)
{
	if (!name[0])
		return failf(err, errlen, -EINVAL, "a profile needs a name");
	size_t n = strlen(name);
	int w;
	if (strchr(name, '/') || (n > 8 && strcmp(name + n - 8, ".profile") == 0)) {
		w = snprintf(out, len, "%s", name);
	} else {
		if (!config_dir || !config_dir[0])
			return failf(err, errlen, -ENOENT,
				     "profile %s: no configuration directory (set HOME or XDG_CONFIG_HOME), or give a path",
				     name);
		w = snprintf(out, len, "%s/mvdm/profiles/%s.profile", config_dir, name);
	}
	if (w < 0 || (size_t)w >= len)
		return failf(err, errlen, -ENAMETOOLONG, "profile %s: the path is too long", name);
	return 0;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = 0;
	return s;
}

/* NAME=VALUE split in place (spaces around both removed); false if there
 * is no '=' or no name. */
static bool split_pair(char *line, char **name, char **value)
{
	char *eq = strchr(line, '=');
	if (!eq)
		return false;
	*eq = 0;
	*name = trim(line);
	*value = trim(eq + 1);
	return (*name)[0] != 0;
}

static int add_string(char **list, unsigned *n, const char *a, const char *b)
{
	if (*n >= PROFILE_MAX_ENTRIES)
		return -E2BIG;
	size_t len = strlen(a) + strlen(b) + 2;
	char *s = malloc(len);
	if (!s)
		return -ENOMEM;
	snprintf(s, len, "%s=%s", a, b);
	list[(*n)++] = s;
	return 0;
}

/* One [drives] line: LETTER (or LETTER:) = an existing host directory. */
static int drive_line(struct profile *p, char *line, const char *base_dir, const char *home, char *why, size_t wlen)
{
	char *letter, *dir;
	if (!split_pair(line, &letter, &dir))
		return failf(why, wlen, -EINVAL, "a drive is LETTER=DIRECTORY");
	int k = toupper((unsigned char)letter[0]) - 'A';
	if (k < 0 || k > 25 || (letter[1] && !(letter[1] == ':' && !letter[2])))
		return failf(why, wlen, -EINVAL, "drive \"%s\" is not a letter A to Z", letter);
	if (!dir[0])
		return failf(why, wlen, -EINVAL, "drive %c: has no directory", 'A' + k);
	char path[PATH_MAX];
	int w;
	if (dir[0] == '~' && (dir[1] == '/' || !dir[1])) {
		if (!home || !home[0])
			return failf(why, wlen, -EINVAL, "drive %c: %s: no HOME for ~", 'A' + k, dir);
		w = snprintf(path, sizeof(path), "%s%s", home, dir + 1);
	} else if (dir[0] == '/' || !base_dir) {
		w = snprintf(path, sizeof(path), "%s", dir);
	} else {
		w = snprintf(path, sizeof(path), "%s/%s", base_dir, dir);
	}
	if (w < 0 || (size_t)w >= sizeof(path))
		return failf(why, wlen, -ENAMETOOLONG, "drive %c: the path is too long", 'A' + k);
	char *real = realpath(path, NULL);
	struct stat st;
	if (!real || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
		int e = real ? ENOTDIR : errno;
		free(real);
		return failf(why, wlen, -e, "drive %c: %s: %s", 'A' + k, path, strerror(e));
	}
	free(p->drives[k]);
	p->drives[k] = real;
	return 0;
}

static int env_line(struct profile *p, char *line, char *why, size_t wlen)
{
	char *name, *value;
	if (!split_pair(line, &name, &value))
		return failf(why, wlen, -EINVAL, "an environment variable is NAME=VALUE");
	for (const char *c = name; *c; c++)
		if (*c == ' ' || (unsigned char)*c < 0x20)
			return failf(why, wlen, -EINVAL, "environment name \"%s\" has a space or a control character",
				     name);
	int rc = add_string(p->env, &p->nenv, name, value);
	if (rc == -E2BIG)
		return failf(why, wlen, rc, "more than %d environment variables", PROFILE_MAX_ENTRIES);
	return rc < 0 ? failf(why, wlen, rc, "out of memory") : 0;
}

static int setting_line(struct profile *p, char *line, char *why, size_t wlen)
{
	char *name, *value;
	if (!split_pair(line, &name, &value))
		return failf(why, wlen, -EINVAL, "\"%s\" is not NAME=VALUE", line);
	char text[LINE_MAX_BYTES + 2];
	snprintf(text, sizeof(text), "%s=%s", name, value);
	const char *one[] = { text, NULL };
	int rc = vm16_settings_check(one, why, wlen);
	if (rc < 0)
		return rc;
	rc = add_string(p->settings, &p->nsettings, name, value);
	if (rc == -E2BIG)
		return failf(why, wlen, rc, "more than %d settings", PROFILE_MAX_ENTRIES);
	return rc < 0 ? failf(why, wlen, rc, "out of memory") : 0;
}

static int autoexec_line(struct profile *p, const char *line, char *why, size_t wlen)
{
	size_t n = strlen(line);
	if (p->autoexec_len + n + 2 > PROFILE_MAX_AUTOEXEC)
		return failf(why, wlen, -E2BIG, "[autoexec] is longer than %d bytes", PROFILE_MAX_AUTOEXEC);
	for (const char *c = line; *c; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t')
			return failf(why, wlen, -EINVAL, "a control character in a command line");
	char *a = realloc(p->autoexec, p->autoexec_len + n + 3);
	if (!a)
		return failf(why, wlen, -ENOMEM, "out of memory");
	p->autoexec = a;
	memcpy(a + p->autoexec_len, line, n);
	memcpy(a + p->autoexec_len + n, "\r\n", 3);
	p->autoexec_len += n + 2;
	return 0;
}

/* A [SECTION] line: the section, or -1. */
static int section_of(const char *line)
{
	static const char *const names[] = { [SEC_SETTINGS] = "[settings]", [SEC_DRIVES] = "[drives]",
					     [SEC_ENV] = "[env]", [SEC_AUTOEXEC] = "[autoexec]" };
	for (int k = 0; k < 4; k++)
		if (strcasecmp(line, names[k]) == 0)
			return k;
	return -1;
}

int profile_parse(const char *text, size_t len, const char *name, const char *base_dir, const char *home,
		  struct profile **out, char *err, size_t errlen)
{
	*out = NULL;
	if (len > PROFILE_MAX_SIZE)
		return failf(err, errlen, -EFBIG, "%s: larger than %d bytes", name, PROFILE_MAX_SIZE);
	struct profile *p = calloc(1, sizeof(*p));
	if (!p || !(p->name = strdup(name))) {
		free(p);
		return failf(err, errlen, -ENOMEM, "out of memory");
	}
	enum section sec = SEC_SETTINGS;
	char line[LINE_MAX_BYTES + 1], why[512];
	size_t pos = 0;
	int rc = 0;
	for (unsigned lineno = 1; pos < len && rc == 0; lineno++) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = (nl ? (size_t)(nl - text) : len) - pos;
		if (memchr(text + pos, 0, n)) {
			rc = failf(err, errlen, -EINVAL, "%s:%u: a NUL byte", name, lineno);
			break;
		}
		if (n > LINE_MAX_BYTES) {
			rc = failf(err, errlen, -EINVAL, "%s:%u: line longer than %d bytes", name, lineno, LINE_MAX_BYTES);
			break;
		}
		memcpy(line, text + pos, n);
		line[n] = 0;
		pos += n + (nl ? 1 : 0);
		if (n && line[n - 1] == '\r')
			line[--n] = 0;
		char *s = trim(line);
		if (s[0] == '[') {
			int k = section_of(s);
			if (k < 0) {
				rc = failf(err, errlen, -EINVAL,
					   "%s:%u: unknown section %s ([settings], [drives], [env] or [autoexec])", name,
					   lineno, s);
				break;
			}
			sec = (enum section)k;
			continue;
		}
		if (sec == SEC_AUTOEXEC) {
			if (s[0])
				rc = autoexec_line(p, s, why, sizeof(why));
		} else if (!s[0] || s[0] == '#' || s[0] == ';') {
			continue;
		} else if (sec == SEC_DRIVES) {
			rc = drive_line(p, s, base_dir, home, why, sizeof(why));
		} else if (sec == SEC_ENV) {
			rc = env_line(p, s, why, sizeof(why));
		} else {
			rc = setting_line(p, s, why, sizeof(why));
		}
		if (rc < 0)
			failf(err, errlen, rc, "%s:%u: %s", name, lineno, why);
	}
	if (rc < 0) {
		profile_destroy(p);
		return rc;
	}
	*out = p;
	return 0;
}

int profile_load(const char *path, const char *home, struct profile **out, char *err, size_t errlen)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		int e = errno;
		return failf(err, errlen, -e, "profile %s: %s", path, strerror(e));
	}
	char *text = malloc(PROFILE_MAX_SIZE + 1);
	size_t len = text ? fread(text, 1, PROFILE_MAX_SIZE + 1, f) : 0;
	bool bad = !text || ferror(f);
	fclose(f);
	if (bad) {
		free(text);
		return failf(err, errlen, -EIO, "profile %s: cannot read it", path);
	}
	/* Relative drive paths are from the profile's own directory. */
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	int rc = profile_parse(text, len, path, dir, home, out, err, errlen);
	free(text);
	return rc;
}

const char *profile_name(const struct profile *p)
{
	return p->name;
}

const char *profile_drive(const struct profile *p, int letter)
{
	return letter >= 0 && letter < 26 ? p->drives[letter] : NULL;
}

const char *const *profile_env(const struct profile *p)
{
	return (const char *const *)p->env;
}

const char *const *profile_settings(const struct profile *p)
{
	return (const char *const *)p->settings;
}

const char *profile_autoexec(const struct profile *p)
{
	return p->autoexec;
}
