/*
 * mvdm/profile.h - profiles: a set-up kept in a file (docs/profiles.md,
 * mvdm-settings(5)): drives, environment, DOS settings and start-up
 * commands, for `mvdm run --profile NAME` and the server's `create`.
 *
 *   # games.profile
 *   DOS_VERSION=6.22          # lines before any section: [settings]
 *   [drives]
 *   C=~/dos/games             # ~ is $HOME; a relative path is from the file's directory
 *   D=/mnt/cdrom
 *   [env]
 *   PATH=C:\;C:\UTIL
 *   BLASTER=A220 I5 D1
 *   [autoexec]
 *   SET TEMP=C:\TMP
 *   CD \GAMES
 *
 * [settings] and the lines before any section are settings-file lines
 * (NAME=VALUE, checked against the catalog); [drives] maps a letter to an
 * existing host directory; [env] holds NAME=VALUE environment variables;
 * [autoexec] holds DOS command lines, taken as they are, that the built-in
 * COMMAND.COM runs (as a batch file, ECHO off) before the program. Blank
 * lines, and lines starting with `#` or `;` outside [autoexec], are
 * ignored. Any error names the file and the line, and nothing of the file
 * is used.
 */
#ifndef MVDM_PROFILE_H
#define MVDM_PROFILE_H

#include <stddef.h>

struct profile;

enum {
	PROFILE_MAX_SIZE = 65536,     /* bytes of a profile file */
	PROFILE_MAX_AUTOEXEC = 4096,  /* bytes of its [autoexec] */
	PROFILE_MAX_ENTRIES = 64,     /* settings, and environment variables */
};

/* Where profile NAME lives: NAME itself when it holds a '/' or ends in
 * ".profile" (a path), else config_dir/mvdm/profiles/NAME.profile
 * (config_dir from progsettings_config_dir). 0 with the path in out, or
 * -ENOENT (no config_dir), -EINVAL (an empty name), -ENAMETOOLONG, with the
 * reason in err. */
int profile_find(const char *name, const char *config_dir, char *out, size_t len, char *err, size_t errlen);

/* Reads and checks the profile at path. home: $HOME for `~` (NULL: `~` is
 * an error). Returns 0 and *out, or a negative errno with "PATH:LINE:
 * reason" (or "PATH: reason") in err. */
int profile_load(const char *path, const char *home, struct profile **out, char *err, size_t errlen);
/* The same from text[0..len); base_dir resolves relative drive paths,
 * name is what err calls it. */
int profile_parse(const char *text, size_t len, const char *name, const char *base_dir, const char *home,
		  struct profile **out, char *err, size_t errlen);
void profile_destroy(struct profile *p); /* NULL is fine */

/* Its path (or name, from profile_parse). */
const char *profile_name(const struct profile *p);
/* The absolute host directory of drive letter (0 = A:), or NULL. */
const char *profile_drive(const struct profile *p, int letter);
/* NULL-terminated "NAME=VALUE" lists: the environment, and the DOS
 * settings (each checked against the catalog), in the file's order. */
const char *const *profile_env(const struct profile *p);
const char *const *profile_settings(const struct profile *p);
/* The [autoexec] lines, "\r\n" after each, or NULL if it has none. */
const char *profile_autoexec(const struct profile *p);

#endif
