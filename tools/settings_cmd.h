/* settings_cmd.h - `mvdm settings` and the program settings that `mvdm run`
 * applies (settings_cmd.c). */
#ifndef MVDM_TOOLS_SETTINGS_CMD_H
#define MVDM_TOOLS_SETTINGS_CMD_H

#include <stdbool.h>

struct dos_config;
struct dos_drives;
struct progsettings;
struct profile;

/* The DOS settings of `program` (a DOS path or name, as dos_start takes
 * it) on the drives and PATH of dc: its settings files (next to it, then
 * the user's, from XDG_CONFIG_HOME or HOME), then the profile's
 * [settings] (prof may be NULL; source "profile:PATH") and then the `sets`
 * ("NAME=VALUE", source "request"). A program that is not found has no
 * files, or is an error with must_find. Returns the settings, or NULL
 * after a one-line "mvdm: ..." on stderr (the caller exits with 126).
 * drives (may be NULL) gets the drives the program was looked up on, with
 * the listings read (dos_program_host_path_keep()), for dos_config.mapped
 * of the kernel that runs it; NULL when the settings are NULL. */
struct progsettings *mvdm_program_settings(const struct dos_config *dc, const char *program,
					   const struct profile *prof, const char *const *sets, unsigned nsets,
					   bool must_find, struct dos_drives **drives);

/* `mvdm settings [options] PROGRAM`; argv[0] is "settings". Returns the
 * exit status (cli.h). */
int mvdm_settings(int argc, char **argv);

#endif
