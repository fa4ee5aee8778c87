/*
 * mvdm/progsettings.h - the DOS settings of one program, from its settings
 * files and a request (docs/server.md "DOS settings"), without a VM.
 *
 * The effective value of each setting is, from lowest to highest
 * precedence: the registered default; the file next to the program
 * (DIR/NAME.EXT.mvdm for DIR/NAME.EXT); the user's files
 * CONFIGDIR/mvdm/programs/NAME.EXT.mvdm (by name) and NAME.EXT.HASH.mvdm
 * (by contents); a profile's settings (profile.h); the request's
 * NAME=VALUE overrides. NAME.EXT is the program's host file name; both files are
 * found whatever the case of their names. A file has one NAME=VALUE per
 * line; blank lines and lines starting with `#` or `;` are ignored, and so
 * are spaces around the name and the value. Names and values are checked
 * against the settings catalog (vm16_settings_catalog: the monitor, the
 * DOS kernel and the built-in VDDs; plug-in settings cannot be given
 * here). Each value remembers its source: "file:PATH" or what the caller
 * says ("request"); a setting nobody gave is "default".
 *
 * The library reads no environment variables: the caller passes the user's
 * configuration directory (progsettings_config_dir makes it from
 * XDG_CONFIG_HOME and HOME).
 */
#ifndef MVDM_PROGSETTINGS_H
#define MVDM_PROGSETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mvdm/dos.h"

struct progsettings;

/* An empty set (everything at its default). 0 or -ENOMEM. */
int progsettings_create(struct progsettings **out);
void progsettings_destroy(struct progsettings *ps); /* NULL is fine */

/* The user's configuration directory by the XDG rules: xdg_config_home if
 * it is an absolute path, else HOME/.config (either may be NULL). Returns
 * 0, or -ENOENT (neither is usable), -ENAMETOOLONG. */
int progsettings_config_dir(const char *xdg_config_home, const char *home, char *out, size_t len);

/* Read one settings file (later lines win over earlier ones, and over what
 * was there). Returns 0; -EINVAL with "PATH:LINE: reason" in err for a
 * line that is not NAME=VALUE, an unknown setting or a bad value (nothing
 * of that file is kept); or -errno with "PATH: why" if it cannot be read. */
int progsettings_load_file(struct progsettings *ps, const char *path, char *err, size_t errlen);

/* Read the settings files of the program at host path `program`, each
 * over the one before: DIR/NAME.EXT.mvdm next to it, then in
 * config_dir/mvdm/programs (config_dir may be NULL) NAME.EXT.mvdm (every
 * program of that name) and NAME.EXT.HASH.mvdm, HASH being the first 16
 * hexadecimal digits of the SHA-256 of the program's contents (this very
 * program wherever it lies: `sha256sum NAME.EXT | cut -c1-16`). Missing
 * files are fine. Errors as progsettings_load_file. */
int progsettings_load_program(struct progsettings *ps, const char *program, const char *config_dir, char *err,
			      size_t errlen);

enum { PROGSETTINGS_MAX_FILES = 3, PROGSETTINGS_PATH = 4096 + 256 + 2 };
/* The files progsettings_load_program() reads for program, in that order:
 * up to max paths (as found, in any case, or as they would be named) with
 * whether each exists. Returns how many, or -EINVAL / -ENAMETOOLONG. */
int progsettings_program_files(const char *program, const char *config_dir, char files[][PROGSETTINGS_PATH],
			       bool exists[], unsigned max);

/* One "NAME=VALUE" from `source` (e.g. "request"), over what was there.
 * Returns 0, or -EINVAL/-ENOENT/-ERANGE with the reason in err (as
 * vm16_settings_check). */
int progsettings_set(struct progsettings *ps, const char *name_value, const char *source, char *err,
		     size_t errlen);

/* What was given, as a NULL-terminated "NAME=VALUE" list for
 * vm16_config.settings (names upper case, values as vm16_setting_format
 * writes them). Valid until the next change of ps. */
const char *const *progsettings_list(const struct progsettings *ps);

/* The value given for setting `name` (case-insensitive) and its source:
 * true, or false with *source "default" (and *value untouched) when
 * nothing gave it. value and source may be NULL. */
bool progsettings_get(const struct progsettings *ps, const char *name, int64_t *value, const char **source);

/* The host file that the DOS kernel would load for `program` (a DOS path
 * or name as dos_start takes it: the PATH of cfg->env is searched, .COM,
 * .EXE and .BAT tried) on the drives of cfg. Returns 0 with its host path
 * in host ("" for the built-in Z:\COMMAND.COM, which has no host file),
 * or -ENOENT (not found) / another negative errno (a drive cannot be
 * mapped) with the reason in err. */
int dos_program_host_path(const struct dos_config *cfg, const char *program, char *host, size_t hostlen,
			  char *err, size_t errlen);
/* The same, keeping the drives it mapped and the listings it read: *drives
 * gets them (NULL if a drive could not be mapped), for dos_config.mapped
 * of the kernel that runs the program next (one directory scan instead of
 * two: `mvdm run`), or for dos_drives_free(). */
int dos_program_host_path_keep(const struct dos_config *cfg, const char *program, char *host, size_t hostlen,
			       char *err, size_t errlen, struct dos_drives **drives);

#endif
