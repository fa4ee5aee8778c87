/*
 * progsettings.c - per-program DOS settings files (mvdm/progsettings.h):
 * find them next to the program and in the user's configuration
 * directory, parse and check them against the settings catalog, and keep
 * each value with its source. Also where a DOS program lives on the host,
 * with the kernel's own PATH search on the drives alone (no VM).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dos/dos_internal.h"
#include "mvdm/progsettings.h"
#include "mvdm/vm16.h"
#include "common/failf.h"
#include "common/sha256.h"

enum {
	PS_MAX = 64,          /* settings given (at most one entry per catalog setting) */
	PS_MAX_SOURCES = 16,  /* distinct sources (two files and a request, usually) */
	PS_TEXT = 112,        /* "NAME=VALUE" as listed */
	PS_LINE = 1024,       /* longest line of a settings file */
};

struct ps_entry {
	const char *name;     /* the catalog's name (static) */
	int64_t value;
	unsigned src;         /* index into sources */
};

struct progsettings {
	struct ps_entry e[PS_MAX];
	unsigned n;
	char *sources[PS_MAX_SOURCES];
	unsigned nsources;
	char text[PS_MAX][PS_TEXT];
	const char *list[PS_MAX + 1];
};


int progsettings_create(struct progsettings **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	(*out)->list[0] = NULL;
	return 0;
}

void progsettings_destroy(struct progsettings *ps)
{
	if (!ps)
		return;
	for (unsigned k = 0; k < ps->nsources; k++)
		free(ps->sources[k]);
	free(ps);
}

int progsettings_config_dir(const char *xdg_config_home, const char *home, char *out, size_t len)
{
	int n;
	if (xdg_config_home && xdg_config_home[0] == '/')
		n = snprintf(out, len, "%s", xdg_config_home);
	else if (home && home[0])
		n = snprintf(out, len, "%s/.config", home);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The list for vm16_config.settings, remade after every change. */
static void remake_list(struct progsettings *ps)
{
	for (unsigned k = 0; k < ps->n; k++) {
		struct vm16_setting_info s;
		char value[80] = "";
		if (vm16_settings_lookup(ps->e[k].name, &s) == 0)
			vm16_setting_format(&s, ps->e[k].value, value, sizeof(value));
		snprintf(ps->text[k], PS_TEXT, "%s=%s", ps->e[k].name, value);
		ps->list[k] = ps->text[k];
	}
	ps->list[ps->n] = NULL;
}

static int intern_source(struct progsettings *ps, const char *source, unsigned *idx)
{
	for (unsigned k = 0; k < ps->nsources; k++) {
		if (strcmp(ps->sources[k], source) == 0) {
			*idx = k;
			return 0;
		}
	}
	if (ps->nsources == PS_MAX_SOURCES)
		return -ENOSPC;
	char *copy = strdup(source);
	if (!copy)
		return -ENOMEM;
	ps->sources[ps->nsources] = copy;
	*idx = ps->nsources++;
	return 0;
}

static void put(struct progsettings *ps, const char *name, int64_t value, unsigned src)
{
	for (unsigned k = 0; k < ps->n; k++) {
		if (ps->e[k].name == name) {
			ps->e[k].value = value;
			ps->e[k].src = src;
			return;
		}
	}
	if (ps->n < PS_MAX) /* cannot fill up: one entry per catalog setting */
		ps->e[ps->n++] = (struct ps_entry){ name, value, src };
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = 0;
	return s;
}

/* "NAME=VALUE" (spaces around both allowed) checked against the catalog:
 * the catalog's name and the value. */
static int parse_setting(const char *text, const char **name, int64_t *value, char *err, size_t errlen)
{
	char buf[PS_LINE];
	if (snprintf(buf, sizeof(buf), "%s", text) >= (int)sizeof(buf))
		return failf(err, errlen, -EINVAL, "setting too long");
	char *eq = strchr(buf, '=');
	if (!eq)
		return failf(err, errlen, -EINVAL, "\"%s\" is not NAME=VALUE", trim(buf));
	*eq = 0;
	char *n = trim(buf), *v = trim(eq + 1);
	struct vm16_setting_info s;
	if (!*n)
		return failf(err, errlen, -EINVAL, "a setting without a name");
	if (vm16_settings_lookup(n, &s) < 0)
		return failf(err, errlen, -ENOENT, "unknown setting %s", n);
	*name = s.name;
	return vm16_setting_parse(&s, v, value, err, errlen);
}

int progsettings_set(struct progsettings *ps, const char *name_value, const char *source, char *err, size_t errlen)
{
	const char *name;
	int64_t value;
	unsigned src;
	int rc = parse_setting(name_value, &name, &value, err, errlen);
	if (rc < 0)
		return rc;
	rc = intern_source(ps, source, &src);
	if (rc < 0)
		return failf(err, errlen, rc, "too many settings sources");
	put(ps, name, value, src);
	remake_list(ps);
	return 0;
}

int progsettings_load_file(struct progsettings *ps, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		int e = errno;
		return failf(err, errlen, -e, "%s: %s", path, strerror(e));
	}
	/* The file's settings are staged and kept only if every line is good. */
	struct {
		const char *name;
		int64_t value;
	} staged[PS_MAX];
	unsigned nstaged = 0;
	char line[PS_LINE + 2], why[256];
	int rc = 0;
	for (unsigned lineno = 1; fgets(line, sizeof(line), f); lineno++) {
		size_t len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			rc = failf(err, errlen, -EINVAL, "%s:%u: line longer than %d bytes", path, lineno, PS_LINE);
			break;
		}
		char *s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		const char *name;
		int64_t value;
		rc = parse_setting(s, &name, &value, why, sizeof(why));
		if (rc < 0) {
			rc = failf(err, errlen, rc == -ENOENT || rc == -ERANGE ? rc : -EINVAL, "%s:%u: %s", path,
				   lineno, why);
			break;
		}
		unsigned k = 0;
		while (k < nstaged && staged[k].name != name)
			k++;
		staged[k].name = name;
		staged[k].value = value;
		if (k == nstaged)
			nstaged++;
	}
	if (!rc && ferror(f))
		rc = failf(err, errlen, -EIO, "%s: read error", path);
	fclose(f);
	if (rc < 0)
		return rc;
	char source[PS_LINE + 8];
	unsigned src;
	snprintf(source, sizeof(source), "file:%s", path);
	rc = intern_source(ps, source, &src);
	if (rc < 0)
		return failf(err, errlen, rc, "too many settings sources");
	for (unsigned k = 0; k < nstaged; k++)
		put(ps, staged[k].name, staged[k].value, src);
	remake_list(ps);
	return 0;
}

/* The entry of dir called `name` in any case (an exact match first, else
 * the first in strcmp order, so the choice is stable). 0 with its path in
 * out, or -ENOENT. */
static int find_file_nocase(const char *dir, const char *name, char *out, size_t len)
{
	DIR *d = opendir(dir);
	if (!d)
		return -ENOTDIR;
	char best[256] = "";
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcasecmp(e->d_name, name) != 0)
			continue;
		if (strcmp(e->d_name, name) == 0 || !best[0] ||
		    (strcmp(best, name) != 0 && strcmp(e->d_name, best) < 0))
			snprintf(best, sizeof(best), "%s", e->d_name);
	}
	closedir(d);
	if (!best[0])
		return -ENOENT;
	int n = snprintf(out, len, "%s/%s", dir, best);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* One more file to look at: dir/name as found (any case), or as it would
 * be named. Returns false when dir cannot be read. */
static bool candidate(const char *dir, const char *name, char files[][PROGSETTINGS_PATH], bool exists[],
		      unsigned *n, unsigned max)
{
	if (*n >= max)
		return true;
	int rc = find_file_nocase(dir, name, files[*n], PROGSETTINGS_PATH);
	exists[*n] = rc == 0;
	if (!exists[*n] && snprintf(files[*n], PROGSETTINGS_PATH, "%s/%s", dir, name) >= PROGSETTINGS_PATH)
		return rc != -ENOTDIR; /* cannot be named: not looked at */
	(*n)++;
	return rc != -ENOTDIR;
}

/* progsettings_program_files(); only_existing: the file named by the
 * program's contents is not named when its directory cannot be read
 * (the program is not read for its digest: it cannot exist). */
static int program_files(const char *program, const char *config_dir, char files[][PROGSETTINGS_PATH],
			 bool exists[], unsigned max, bool only_existing)
{
	const char *slash = strrchr(program, '/');
	const char *base = slash ? slash + 1 : program;
	char dir[HOSTFS_HOST_PATH], want[256];
	if (!*base || snprintf(want, sizeof(want), "%s.mvdm", base) >= (int)sizeof(want))
		return -EINVAL;
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == program)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - program) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - program), program);
	else
		return -ENAMETOOLONG;
	unsigned n = 0;
	candidate(dir, want, files, exists, &n, max);
	if (config_dir && config_dir[0]) {
		if (snprintf(dir, sizeof(dir), "%s/mvdm/programs", config_dir) >= (int)sizeof(dir))
			return -ENAMETOOLONG;
		if (!candidate(dir, want, files, exists, &n, max) && only_existing)
			return (int)n;
		/* This very program, by its contents: NAME.EXT.<the first 16
		 * hex digits of its SHA-256>.mvdm (`sha256sum | cut -c1-16`),
		 * so two programs of one name (every SETUP.EXE) keep apart. */
		char hex[65];
		if (sha256_file_hex(program, hex) == 0) {
			snprintf(want, sizeof(want), "%s.%.16s.mvdm", base, hex);
			candidate(dir, want, files, exists, &n, max);
		}
	}
	return (int)n;
}

int progsettings_program_files(const char *program, const char *config_dir, char files[][PROGSETTINGS_PATH],
			       bool exists[], unsigned max)
{
	return program_files(program, config_dir, files, exists, max, false);
}

int progsettings_load_program(struct progsettings *ps, const char *program, const char *config_dir, char *err,
			      size_t errlen)
{
	/* 13 KiB of names: allocated (not zeroed), as on the stack they
	 * would put the directory scans below that much deeper. */
	char (*files)[PROGSETTINGS_PATH] = malloc(PROGSETTINGS_MAX_FILES * sizeof(*files));
	bool exists[PROGSETTINGS_MAX_FILES];
	if (!files)
		return failf(err, errlen, -ENOMEM, "out of memory");
	int n = program_files(program, config_dir, files, exists, PROGSETTINGS_MAX_FILES, true);
	int rc = 0;
	if (n == -EINVAL)
		rc = failf(err, errlen, -EINVAL, "%s: not a program file name", program);
	else if (n < 0)
		rc = failf(err, errlen, n, "%s: path too long", program);
	for (int k = 0; k < n && rc >= 0; k++)
		if (exists[k])
			rc = progsettings_load_file(ps, files[k], err, errlen);
	free(files);
	return rc < 0 ? rc : 0;
}

const char *const *progsettings_list(const struct progsettings *ps)
{
	return ps->list;
}

bool progsettings_get(const struct progsettings *ps, const char *name, int64_t *value, const char **source)
{
	for (unsigned k = 0; k < ps->n; k++) {
		if (strcasecmp(ps->e[k].name, name) == 0) {
			if (value)
				*value = ps->e[k].value;
			if (source)
				*source = ps->sources[ps->e[k].src];
			return true;
		}
	}
	if (source)
		*source = "default";
	return false;
}

int dos_program_host_path(const struct dos_config *cfg, const char *program, char *host, size_t hostlen,
			  char *err, size_t errlen)
{
	return dos_program_host_path_keep(cfg, program, host, hostlen, err, errlen, NULL);
}

int dos_program_host_path_keep(const struct dos_config *cfg, const char *program, char *host, size_t hostlen,
			       char *err, size_t errlen, struct dos_drives **drives)
{
	struct hostfs *fs;
	if (drives)
		*drives = NULL;
	int rc = hostfs_create(&fs);
	if (rc < 0)
		return failf(err, errlen, rc, "out of memory");
	bool mapped = false; /* every drive of cfg: fs may go to a kernel */
	bool any = false;
	for (int i = 0; i < HOSTFS_DRIVES; i++) {
		if (!cfg->drives[i])
			continue;
		rc = hostfs_map(fs, i, cfg->drives[i]);
		if (rc < 0) {
			failf(err, errlen, rc, "cannot map drive %c: to %s: %s", 'A' + i, cfg->drives[i], strerror(-rc));
			goto out;
		}
		any = true;
	}
	if (!any) {
		rc = failf(err, errlen, -EINVAL, "no drive is mapped");
		goto out;
	}
	mapped = true;
	/* The PATH as dos_start reads it (the first program's environment). */
	const char *path_list = "";
	for (unsigned i = 0; i < cfg->nenv && i < DOS_MAX_ENV; i++)
		if (cfg->env[i] && strncasecmp(cfg->env[i], "PATH=", 5) == 0)
			path_list = cfg->env[i] + 5;
	char dos_path[HOSTFS_DOS_PATH], host_path[HOSTFS_HOST_PATH];
	if (!dos_fs_locate_program(fs, program, path_list, dos_path, sizeof(dos_path))) {
		rc = failf(err, errlen, -ENOENT, "%s: program not found", program);
		goto out;
	}
	if (dos_builtin_name(fs, dos_path)) {
		host_path[0] = 0;
	} else if (hostfs_resolve(fs, dos_path, HOSTFS_EXISTING, host_path, NULL, NULL) != 0) {
		rc = failf(err, errlen, -ENOENT, "%s: program not found", program);
		goto out;
	}
	rc = snprintf(host, hostlen, "%s", host_path) >= (int)hostlen
		     ? failf(err, errlen, -ENAMETOOLONG, "%s: host path too long", program)
		     : 0;
out:
	if (mapped && drives) {
		*drives = dos_drives_wrap(fs);
		if (*drives)
			return rc;
	}
	hostfs_destroy(fs);
	return rc;
}
