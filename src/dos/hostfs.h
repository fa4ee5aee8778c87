/*
 * hostfs.h - DOS drives on host directories: case-insensitive 8.3 names,
 * stable mangled short names for host names that are not 8.3, per-drive
 * current directories, directory search, and the sandbox.
 *
 * Contract: every host path this module returns lies inside the root of a
 * mapped drive (after following symlinks). `..` never leaves a drive root,
 * symlinks that point outside a root are refused, and a DOS path cannot
 * name a host path by any spelling (`/`, `\`, `..`, device or absolute host
 * names): a DOS path is always read relative to a drive root.
 *
 * Errors are DOS error codes (RBIL table 01680): 2 file not found, 3 path
 * not found, 5 access denied, 15 invalid drive, 18 no more files.
 * One struct hostfs per VM; no global state.
 */
#ifndef MVDM_DOS_HOSTFS_H
#define MVDM_DOS_HOSTFS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum {
	HOSTFS_DRIVES = 26,
	HOSTFS_DOS_PATH = 128, /* a canonical DOS path "C:\DIR\FILE.EXT" fits, NUL included */
	HOSTFS_HOST_PATH = 4096,
};

#include "dos/errors.h"

/* DOS attribute bits. */
enum {
	DOSATTR_READONLY = 0x01,
	DOSATTR_HIDDEN = 0x02,
	DOSATTR_SYSTEM = 0x04,
	DOSATTR_VOLUME = 0x08,
	DOSATTR_DIR = 0x10,
	DOSATTR_ARCHIVE = 0x20,
};

struct hostfs;

int hostfs_create(struct hostfs **out);
void hostfs_destroy(struct hostfs *fs);

/* Map drive (0 = A:) to host directory dir (must exist; its realpath is the
 * root). Returns 0 or a negative errno. The drive's current directory is
 * its root. */
int hostfs_map(struct hostfs *fs, int drive, const char *dir);
bool hostfs_mapped(const struct hostfs *fs, int drive);
/* The realpath of a mapped drive's root, or NULL. */
const char *hostfs_root(const struct hostfs *fs, int drive);

/* Current drive (0 = A:), initially the first mapped one. */
int hostfs_current_drive(const struct hostfs *fs);
int hostfs_set_current_drive(struct hostfs *fs, int drive); /* 0 or DOSERR_INVALID_DRIVE */

/* A DOS path as DOS makes it canonical (INT 21h/60h): drive letter, the
 * drive's current directory for relative paths, `.` and `..` resolved (`..`
 * at the root stays at the root), `/` read as `\`, upper case, each
 * component cut to 8.3 as DOS does (extra characters dropped), wildcards
 * kept. Checks the syntax and the drive only, not that anything exists.
 * out gets "C:\DIR\NAME.EXT" (HOSTFS_DOS_PATH bytes). Returns 0 or a DOS
 * error (3 for a bad path, 15 for an unmapped drive). */
int hostfs_canonical(const struct hostfs *fs, const char *dos_path, char *out);

/* Current directory of drive (0 = A:): "\" or "\DIR\SUB", no drive letter. */
int hostfs_getcwd(const struct hostfs *fs, int drive, char *out /* HOSTFS_DOS_PATH */);
/* CHDIR: the directory must exist. Returns 0 or a DOS error (3). */
int hostfs_chdir(struct hostfs *fs, const char *dos_path);

enum hostfs_want {
	HOSTFS_EXISTING, /* every component must exist (file or directory) */
	HOSTFS_PARENT,   /* the parent directory must exist; the last component may not */
};

/* Map a DOS path to the host path inside the drive root. Each component is
 * matched case-insensitively against the 8.3 names of the host directory's
 * entries (mangled names included). With HOSTFS_PARENT a last component that
 * does not exist becomes its DOS name in lower case (new files are created
 * lower case, as dosemu2 does). Returns 0 or a DOS error: 2 (last component
 * missing), 3 (a directory on the way missing, or wildcards), 5 (a symlink
 * leading outside the root), 15. If dos_canon is not NULL it gets the
 * canonical DOS path. If is_dir is not NULL it says whether the result is
 * an existing directory. */
int hostfs_resolve(struct hostfs *fs, const char *dos_path, enum hostfs_want want, char *host_path,
		   char *dos_canon, bool *is_dir);

/* hostfs_resolve, and what the path names: *found says whether it exists
 * (false for the new name HOSTFS_PARENT lets through), and then *st is its
 * stat (a symlink's target's), the one the lookup's sandbox check made in
 * this same walk: a caller about to open host_path needs no stat or lstat
 * of its own to see whether it exists or is read-only. */
struct stat;
int hostfs_resolve_stat(struct hostfs *fs, const char *dos_path, enum hostfs_want want, char *host_path,
			char *dos_canon, struct stat *st, bool *found);

/* DOS changed an entry of a host directory: host_path, which
 * hostfs_resolve gave in the same DOS call, has just been created (a file
 * or a directory) or removed. The cached listing of its directory follows
 * the change instead of being read again (creating the n-th file of a
 * directory then costs what the first did). When the listing cannot
 * follow, it is dropped and the next lookup reads the directory. A change
 * another process makes to the same directory between the lookup and
 * DOS's own change is seen at the directory's next change. */
void hostfs_added(struct hostfs *fs, const char *host_path);
void hostfs_removed(struct hostfs *fs, const char *host_path);
/* How many times a host directory was read (for tests and statistics). */
unsigned long hostfs_listing_reads(const struct hostfs *fs);

/* One directory entry as DOS sees it. */
struct hostfs_entry {
	char name[13];        /* "NAME.EXT" (no dot if no extension) */
	char fcb_name[11];    /* "NAME    EXT" space padded, no NUL */
	uint8_t attr;         /* DOSATTR_* */
	uint32_t size;        /* bytes, 0xFFFFFFFF if larger */
	uint16_t date, time;  /* DOS packed local date and time */
};

/* Directory search (find first / next). hostfs_find_first takes a DOS path
 * whose last component may hold wildcards (`*`, `?`) and an attribute mask
 * (RBIL INT 21h/4Eh: hidden, system and directory entries only when asked;
 * volume label only when bit 3 is set; read-only and archive always), and
 * fills *pos with a small handle for find_next. Directories other than a
 * root list `.` and `..` first; the order is stable between calls.
 * Return 0, or a DOS error (2, 3 or 18 when nothing matches). */
struct hostfs_find_pos {
	uint16_t dir_id;      /* which directory (a table in hostfs; ids are reused LRU) */
	uint16_t index;       /* next entry to look at */
	uint8_t attr;         /* search attributes */
	char pattern[11];     /* FCB-style pattern, `?` for wildcards */
};
int hostfs_find_first(struct hostfs *fs, const char *dos_path, uint8_t attr, struct hostfs_find_pos *pos,
		      struct hostfs_entry *e);
int hostfs_find_next(struct hostfs *fs, struct hostfs_find_pos *pos, struct hostfs_entry *e);

/* Entry of one existing path (for 43h, 57h, the shell's DIR). */
int hostfs_stat(struct hostfs *fs, const char *host_path, struct hostfs_entry *e);

/* hostfs_resolve (HOSTFS_EXISTING) and hostfs_stat of what it found in one
 * walk: host_path gets the host path, *e its entry. The entry is the one
 * hostfs_stat(host_path) gives, taken from the lookup itself (the listed
 * 8.3 name, the lstat the sandbox check made) instead of a realpath() and
 * a stat of the host path afterwards. Returns 0 or hostfs_resolve's DOS
 * error (2 also when the entry cannot be read). */
int hostfs_resolve_entry(struct hostfs *fs, const char *dos_path, char *host_path, struct hostfs_entry *e);

/* "NAME    EXT" -> "NAME.EXT": the trailing blanks of each field dropped,
 * no dot without an extension. */
void hostfs_name_from_fcb(const char fcb[11], char name[13]);

/* Time conversion: host time to DOS packed local date/time and back. */
void hostfs_dos_time(time_t t, uint16_t *date, uint16_t *time);
time_t hostfs_host_time(uint16_t date, uint16_t time);

/* Volume label of a drive (the root directory's base name cut to 11
 * characters, upper case) and free space (INT 21h/36h figures: sectors per
 * cluster, bytes per sector, free and total clusters, each <= 0xFFFF). */
int hostfs_label(const struct hostfs *fs, int drive, char *out /* 12 bytes */);
int hostfs_space(const struct hostfs *fs, int drive, uint16_t *spc, uint16_t *bps, uint16_t *free_clusters,
		 uint16_t *total_clusters);

/* The 8.3 name DOS shows for a host file name within the host directory
 * dir (stable: the same host name gives the same short name in every run).
 * out: "NAME.EXT". Returns 0 or -1 if the name has no DOS form (".", ".."). */
int hostfs_short_name(struct hostfs *fs, const char *dir, const char *host_name, char *out /* 13 */);

#endif
