/*
 * find.c - directory search and the FCB directory functions of INT 21h:
 * 4Eh/4Fh (find first/next by path), 11h/12h (find first/next by FCB),
 * 13h (delete by FCB) and 17h (rename by FCB).
 *
 * hostfs does the matching (hostfs_find_first/next). The search state is
 * kept where DOS keeps it, in guest memory, so a program may run as many
 * searches as it has DTAs or FCBs and nothing leaks in the host:
 *   - 4Eh/4Fh: the 21 reserved bytes of the find data block in the DTA
 *     (RBIL table 01626), laid out as MS-DOS 3.2-5.0 lays them out
 *     (drive, search template, attributes, entry number, directory) with a
 *     signature and a check byte in the 4 bytes DOS leaves reserved;
 *   - 11h/12h: the reserved part of the caller's FCB (RBIL INT 21h/11h
 *     notes: DOS 3.3 keeps its state at FCB+0Ch..+15h), again with a
 *     signature and a check byte.
 * A block that fails the check ends the search (4Fh: error 12h, 12h:
 * AL = FFh) instead of resuming somewhere else; hostfs refuses directory
 * ids whose listing slot has been reused.
 * Sources: RBIL INT 21h/11h, 12h, 13h, 17h, 4Eh, 4Fh; tables 01345 (FCB),
 * 01346 (extended FCB), 01352 (directory entry), 01626 (find data block).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dos/dos_internal.h"
#include "common/le.h"

enum {
	/* Find data block in the DTA (4Eh/4Fh), RBIL table 01626. */
	FD_DRIVE = 0x00,    /* drive letter, bit 7: remote (host drives are redirected) */
	FD_TEMPLATE = 0x01, /* 11 bytes: the search pattern in FCB form */
	FD_SATTR = 0x0C,    /* search attributes */
	FD_INDEX = 0x0D,    /* WORD: next entry (hostfs_find_pos.index) */
	FD_DIR = 0x0F,      /* WORD: directory (hostfs_find_pos.dir_id) */
	FD_SIG = 0x11,      /* 2 bytes "MV" (DOS: reserved) */
	FD_KIND = 0x13,     /* FIND_* below */
	FD_CHECK = 0x14,    /* check byte over 00h-13h */
	FD_ATTR = 0x15,
	FD_TIME = 0x16,
	FD_DATE = 0x18,
	FD_SIZE = 0x1A,
	FD_NAME = 0x1E,     /* 13 bytes ASCIIZ */
	FD_LEN = 0x2B,

	/* FCB (RBIL table 01345) and extended FCB header (table 01346). */
	XFCB_FLAG = 0xFF,
	XFCB_ATTR = 6,
	XFCB_HDR = 7,
	FCB_DRIVE = 0x00,
	FCB_NAME = 0x01,
	FCB_NEWNAME = 0x11, /* 17h: the new name */
	/* Our search state in the FCB (11h/12h): 0Ch-15h, the bytes DOS 3.3
	 * uses (RBIL INT 21h/11h notes). */
	FS_SIG = 0x0C,      /* BYTE 'S' */
	FS_INDEX = 0x0D,    /* WORD (DOS 3.3: directory entry number) */
	FS_DIR = 0x0F,      /* WORD (DOS 3.3: directory cluster) */
	FS_SATTR = 0x11,    /* search attributes */
	FS_CHECK = 0x12,    /* check byte over the state and the pattern */
	FS_SIG2 = 0x13,     /* 2 bytes "MV" */
	FS_DRIVE = 0x15,    /* drive number, 1 = A: (as DOS 3.3) */
	FS_END = 0x16,

	DIRENT_LEN = 32,    /* RBIL table 01352 */

	FIND_SEARCH = 1,    /* a hostfs search that may go on */
	FIND_SINGLE = 2,    /* one entry (device, built-in file): nothing follows */
	CHECK_SEED = 0x5A,
	ATTR_DEVICE = 0x40, /* RBIL 4Eh: DOS 3+ reports character devices with 40h */
};

/* ---- small helpers ---- */

static char upcase(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
}

static uint8_t check_byte(const uint8_t *p, size_t n)
{
	uint8_t x = CHECK_SEED;
	for (size_t i = 0; i < n; i++)
		x = (uint8_t)((x << 1 | x >> 7) ^ p[i]);
	return x;
}


/* A file name with wildcards ("*.C", "A?.*") as an 11-character FCB
 * pattern: upper case, '*' fills the rest of its field with '?'. */
static void pattern_of_name(const char *name, char out[11])
{
	memset(out, ' ', 11);
	size_t o = 0, width = 8;
	for (const char *p = name; *p; p++) {
		if (*p == '.' && width == 8) {
			o = 8;
			width = 11;
			continue;
		}
		if (*p == '*') {
			while (o < width)
				out[o++] = '?';
			continue;
		}
		if (o < width)
			out[o++] = upcase(*p);
	}
}

static bool pattern_match(const char pattern[11], const char name[11])
{
	for (size_t i = 0; i < 11; i++)
		if (pattern[i] != '?' && pattern[i] != name[i])
			return false;
	return true;
}

/* ---- FCB addressing ---- */

/* An FCB argument: where its normal part starts and, for an extended FCB
 * (first byte FFh, RBIL table 01346), its attribute byte. */
struct fcb_addr {
	uint16_t seg, off; /* the normal FCB */
	uint16_t xoff;     /* the extended header (== off for a normal FCB) */
	bool ext;
	uint8_t attr;      /* extended FCB attribute, 0 for a normal FCB */
};

static struct fcb_addr fcb_at(struct dos *d, uint16_t seg, uint16_t off)
{
	struct fcb_addr a = { .seg = seg, .off = off, .xoff = off };
	if (dos_rd8(d, seg, off) == XFCB_FLAG) {
		a.ext = true;
		a.attr = dos_rd8(d, seg, (uint16_t)(off + XFCB_ATTR));
		a.off = (uint16_t)(off + XFCB_HDR);
	}
	return a;
}

/* An FCB name field (11 bytes at off within the FCB) as a pattern:
 * upper case; '*' (DOS 3+) widens to '?' up to the end of its field. */
static void fcb_pattern(struct dos *d, const struct fcb_addr *a, uint16_t off, char out[11])
{
	char raw[11];
	dos_read_mem(d, a->seg, (uint16_t)(a->off + off), raw, sizeof(raw));
	for (size_t i = 0; i < 11; i++) {
		size_t end = i < 8 ? 8 : 11;
		if (raw[i] == '*') {
			for (; i < end; i++)
				out[i] = '?';
			i--;
			continue;
		}
		out[i] = upcase(raw[i]);
	}
}

/* The FCB's drive (byte 0: 0 = default, 1 = A:) and name as a DOS path
 * relative to that drive's current directory ("C:NAME.EXT"), or, with
 * root set, in its root ("C:\NAME.EXT"). *drive gets 0 = A:. Returns 0
 * or DOSERR_INVALID_DRIVE. */
static int fcb_path(struct dos *d, const struct fcb_addr *a, const char pattern[11], bool root, char *path,
		    int *drive)
{
	uint8_t drv = dos_rd8(d, a->seg, (uint16_t)(a->off + FCB_DRIVE));
	*drive = drv ? drv - 1 : hostfs_current_drive(d->fs);
	if (!dos_drive_valid(d, *drive))
		return DOSERR_INVALID_DRIVE;
	char name[13];
	hostfs_name_from_fcb(pattern, name);
	snprintf(path, HOSTFS_DOS_PATH, "%c:%s%s", 'A' + *drive, root ? "\\" : "", name);
	return 0;
}

/* ---- built-in and device entries ---- */

/* Z:\COMMAND.COM when drive Z: has no host directory (files.c serves it
 * from memory): a search on "Z:" in its root. Returns 0 (found), 18
 * (nothing matches) or 3 (a subdirectory), or -1 if the path is not on
 * the built-in drive. */
static int builtin_find(struct dos *d, const char *path, struct hostfs_entry *e)
{
	if (hostfs_mapped(d->fs, DOS_BUILTIN_DRIVE) || upcase(path[0]) != 'Z' || path[1] != ':')
		return -1;
	const char *p = path + 2;
	if (*p == '\\' || *p == '/')
		p++;
	if (strpbrk(p, "\\/"))
		return DOSERR_PATH_NOT_FOUND;
	char pattern[11];
	pattern_of_name(p, pattern);
	if (!*p || !d->shell.image || !pattern_match(pattern, "COMMAND COM"))
		return DOSERR_NO_MORE_FILES;
	memset(e, 0, sizeof(*e));
	strcpy(e->name, "COMMAND.COM");
	memcpy(e->fcb_name, "COMMAND COM", 11);
	e->attr = DOSATTR_READONLY | DOSATTR_ARCHIVE;
	e->size = (uint32_t)d->shell.image_size;
	e->date = (11 << 9) | (4 << 5) | 9; /* 1991-04-09 05:00, MS-DOS 5.0's */
	e->time = 5 << 11;
	return 0;
}

/* A character device named without wildcards ("CON", "C:\X\NUL.TXT"):
 * RBIL 4Eh, DOS 3+ finds it with attribute 40h, size 0 and the current
 * date and time. Returns whether path names one. */
static bool device_find(struct dos *d, const char *path, struct hostfs_entry *e)
{
	if (strpbrk(path, "?*") || dos_device_by_name(path, NULL) == DEV_NONE)
		return false;
	const char *base = path;
	for (const char *p = path; *p; p++)
		if (*p == '\\' || *p == '/' || *p == ':')
			base = p + 1;
	memset(e, 0, sizeof(*e));
	memset(e->fcb_name, ' ', sizeof(e->fcb_name));
	size_t n = 0;
	while (base[n] && base[n] != '.' && base[n] != ':' && n < 8) {
		e->name[n] = upcase(base[n]);
		e->fcb_name[n] = e->name[n];
		n++;
	}
	e->name[n] = 0;
	e->attr = ATTR_DEVICE;
	hostfs_dos_time(dos_clock(d), &e->date, &e->time);
	return true;
}

/* ---- 4Eh / 4Fh ---- */

/* The find data block for entry e with search state pos (kind FIND_*). */
static void put_find_block(struct dos *d, int drive, const struct hostfs_find_pos *pos, uint8_t kind,
			   const struct hostfs_entry *e)
{
	uint8_t b[FD_LEN];
	memset(b, 0, sizeof(b));
	b[FD_DRIVE] = (uint8_t)(('A' + drive) | 0x80);
	memcpy(b + FD_TEMPLATE, pos->pattern, 11);
	b[FD_SATTR] = pos->attr;
	put16(b + FD_INDEX, pos->index);
	put16(b + FD_DIR, pos->dir_id);
	b[FD_SIG] = 'M';
	b[FD_SIG + 1] = 'V';
	b[FD_KIND] = kind;
	b[FD_CHECK] = check_byte(b, FD_CHECK);
	b[FD_ATTR] = e->attr;
	put16(b + FD_TIME, e->time);
	put16(b + FD_DATE, e->date);
	put32(b + FD_SIZE, e->size);
	memcpy(b + FD_NAME, e->name, strnlen(e->name, 12));
	dos_write_mem(d, d->dta_seg, d->dta_off, b, sizeof(b));
}

/* 4Eh: DS:DX ASCIIZ file specification, CX search attributes. Errors
 * (RBIL: 02h, 03h, 12h): 3 when the directory does not exist (or the
 * drive is invalid), 12h when it exists and nothing matches (DOS 3+
 * answers 12h for a plain name as well). */
static void fn_find_first(struct dos *d)
{
	char path[HOSTFS_DOS_PATH];
	dos_read_str(d, d->r.ds, DX(d), path, sizeof(path));
	struct hostfs_find_pos pos;
	struct hostfs_entry e;
	memset(&pos, 0, sizeof(pos));
	pos.attr = (uint8_t)CX(d);
	int drive = upcase(path[0]) >= 'A' && upcase(path[0]) <= 'Z' && path[1] == ':' ? upcase(path[0]) - 'A'
										      : hostfs_current_drive(d->fs);
	uint8_t kind = FIND_SEARCH;
	int err;
	if (device_find(d, path, &e)) {
		kind = FIND_SINGLE;
		memcpy(pos.pattern, e.fcb_name, 11);
		err = 0;
	} else if ((err = builtin_find(d, path, &e)) >= 0) {
		kind = FIND_SINGLE;
		memcpy(pos.pattern, "COMMAND COM", 11);
	} else {
		err = hostfs_find_first(d->fs, path, pos.attr, &pos, &e);
	}
	if (err) {
		if (err == DOSERR_FILE_NOT_FOUND)
			err = DOSERR_NO_MORE_FILES;
		else if (err == DOSERR_INVALID_DRIVE)
			err = DOSERR_PATH_NOT_FOUND;
		dos_fail(d, (uint16_t)err);
		return;
	}
	put_find_block(d, drive, &pos, kind, &e);
	dos_ok(d);
}

/* 4Fh: the next match of the search whose state is in the DTA. */
static void fn_find_next(struct dos *d)
{
	uint8_t b[FD_LEN];
	dos_read_mem(d, d->dta_seg, d->dta_off, b, sizeof(b));
	if (b[FD_SIG] != 'M' || b[FD_SIG + 1] != 'V' || b[FD_CHECK] != check_byte(b, FD_CHECK) ||
	    b[FD_KIND] != FIND_SEARCH) {
		dos_fail(d, DOSERR_NO_MORE_FILES);
		return;
	}
	struct hostfs_find_pos pos;
	memset(&pos, 0, sizeof(pos));
	pos.dir_id = get16(b + FD_DIR);
	pos.index = get16(b + FD_INDEX);
	pos.attr = b[FD_SATTR];
	memcpy(pos.pattern, b + FD_TEMPLATE, 11);
	struct hostfs_entry e;
	int err = hostfs_find_next(d->fs, &pos, &e);
	if (err) {
		dos_fail(d, (uint16_t)err);
		return;
	}
	put_find_block(d, (b[FD_DRIVE] & 0x7F) - 'A', &pos, FIND_SEARCH, &e);
	dos_ok(d);
}

/* ---- 11h / 12h ---- */

/* The 32-byte directory entry of e (RBIL table 01352): name, attribute,
 * 10 reserved bytes, time, date, start cluster (none: host files), size. */
static void dir_entry(const struct hostfs_entry *e, uint8_t out[DIRENT_LEN])
{
	memset(out, 0, DIRENT_LEN);
	memcpy(out, e->fcb_name, 11);
	out[11] = e->attr;
	put16(out + 22, e->time);
	put16(out + 24, e->date);
	put32(out + 28, e->size);
}

/* The FCB-form result at the DTA: the extended header for an extended
 * FCB (FFh, 5 zero bytes, the search attribute), the drive number
 * (1 = A:), the directory entry; together an unopened FCB. */
static void put_fcb_result(struct dos *d, const struct fcb_addr *a, int drive, const struct hostfs_entry *e)
{
	uint8_t b[XFCB_HDR + 1 + DIRENT_LEN];
	size_t n = 0;
	memset(b, 0, sizeof(b));
	if (a->ext) {
		b[0] = XFCB_FLAG;
		b[XFCB_ATTR] = a->attr;
		n = XFCB_HDR;
	}
	b[n++] = (uint8_t)(drive + 1);
	dir_entry(e, b + n);
	dos_write_mem(d, d->dta_seg, d->dta_off, b, n + DIRENT_LEN);
}

/* The search state bytes FCB+0Ch..+15h for pos (st[i] is FCB+0Ch+i);
 * the check byte covers the pattern too, so 12h with a changed name ends
 * the search. */
enum { FS_LEN = FS_END - FS_SIG };

static void fcb_state(const struct hostfs_find_pos *pos, int drive, uint8_t st[FS_LEN])
{
	memset(st, 0, FS_LEN);
	st[FS_SIG - FS_SIG] = 'S';
	put16(st + (FS_INDEX - FS_SIG), pos->index);
	put16(st + (FS_DIR - FS_SIG), pos->dir_id);
	st[FS_SATTR - FS_SIG] = pos->attr;
	st[FS_SIG2 - FS_SIG] = 'M';
	st[FS_SIG2 + 1 - FS_SIG] = 'V';
	st[FS_DRIVE - FS_SIG] = (uint8_t)(drive + 1);
	uint8_t sum[FS_LEN + 11];
	memcpy(sum, st, FS_LEN);
	memcpy(sum + FS_LEN, pos->pattern, 11);
	st[FS_CHECK - FS_SIG] = check_byte(sum, sizeof(sum));
}

static void fcb_save_search(struct dos *d, const struct fcb_addr *a, const struct hostfs_find_pos *pos, int drive)
{
	uint8_t st[FS_LEN];
	fcb_state(pos, drive, st);
	dos_write_mem(d, a->seg, (uint16_t)(a->off + FS_SIG), st, sizeof(st));
}

/* Read back the state fcb_save_search wrote; false if it is not ours. */
static bool fcb_load_search(struct dos *d, const struct fcb_addr *a, struct hostfs_find_pos *pos, int *drive)
{
	uint8_t st[FS_LEN], want[FS_LEN];
	dos_read_mem(d, a->seg, (uint16_t)(a->off + FS_SIG), st, sizeof(st));
	memset(pos, 0, sizeof(*pos));
	pos->index = get16(st + (FS_INDEX - FS_SIG));
	pos->dir_id = get16(st + (FS_DIR - FS_SIG));
	pos->attr = st[FS_SATTR - FS_SIG];
	fcb_pattern(d, a, FCB_NAME, pos->pattern);
	*drive = st[FS_DRIVE - FS_SIG] - 1;
	if (st[0] != 'S' || *drive < 0)
		return false;
	fcb_state(pos, *drive, want);
	return memcmp(st, want, sizeof(st)) == 0;
}

static void set_al(struct dos *d, uint8_t v)
{
	dos_set_lo(&d->r.eax, v);
}

/* Start a search for an FCB's name in its drive's current directory;
 * an extended FCB gives the attributes (RBIL 11h: attribute 08h finds the
 * volume label, which lives in the root, from any directory). */
static int fcb_search_first(struct dos *d, const struct fcb_addr *a, struct hostfs_find_pos *pos,
			    struct hostfs_entry *e, int *drive)
{
	char pattern[11], path[HOSTFS_DOS_PATH];
	fcb_pattern(d, a, FCB_NAME, pattern);
	int err = fcb_path(d, a, pattern, a->attr == DOSATTR_VOLUME, path, drive);
	if (err)
		return err;
	return hostfs_find_first(d->fs, path, a->attr, pos, e);
}

/* 11h: DS:DX unopened (extended) FCB, '?' and '*' wildcards. AL = 00h
 * and the match at the DTA, or FFh. */
static void fn_fcb_find_first(struct dos *d)
{
	struct fcb_addr a = fcb_at(d, d->r.ds, DX(d));
	struct hostfs_find_pos pos;
	struct hostfs_entry e;
	int drive;
	if (fcb_search_first(d, &a, &pos, &e, &drive) != 0) {
		set_al(d, 0xFF);
		return;
	}
	fcb_save_search(d, &a, &pos, drive);
	put_fcb_result(d, &a, drive, &e);
	set_al(d, 0);
}

/* 12h: the same FCB as 11h; AL = 00h with the next match, or FFh. */
static void fn_fcb_find_next(struct dos *d)
{
	struct fcb_addr a = fcb_at(d, d->r.ds, DX(d));
	struct hostfs_find_pos pos;
	struct hostfs_entry e;
	int drive;
	if (!fcb_load_search(d, &a, &pos, &drive) || hostfs_find_next(d->fs, &pos, &e) != 0) {
		set_al(d, 0xFF);
		return;
	}
	fcb_save_search(d, &a, &pos, drive);
	put_fcb_result(d, &a, drive, &e);
	set_al(d, 0);
}

/* ---- 13h / 17h: every match of an FCB's name ---- */

struct match_list {
	struct hostfs_entry *e;
	size_t n, cap;
	char dir[HOSTFS_DOS_PATH]; /* canonical directory searched, no trailing '\' */
};

static void match_free(struct match_list *m)
{
	free(m->e);
	m->e = NULL;
	m->n = m->cap = 0;
}

/* Every entry matching the FCB's name in its drive's current directory,
 * the label, "." and ".." left out (an extended FCB asking for the label
 * alone matches nothing: host drives have no label to delete or rename).
 * The whole list is taken before anything changes, so deleting or
 * renaming does not disturb the search. Returns 0 (m->n may be 0) or a
 * DOS error. */
static int match_collect(struct dos *d, const struct fcb_addr *a, uint16_t name_off, struct match_list *m)
{
	char pattern[11], path[HOSTFS_DOS_PATH];
	int drive;
	memset(m, 0, sizeof(*m));
	fcb_pattern(d, a, name_off, pattern);
	int err = fcb_path(d, a, pattern, false, path, &drive);
	if (!err)
		err = hostfs_canonical(d->fs, path, m->dir);
	if (err)
		return err;
	*strrchr(m->dir, '\\') = 0;
	if (a->attr == DOSATTR_VOLUME)
		return 0;
	struct hostfs_find_pos pos;
	struct hostfs_entry e;
	uint8_t attr = (uint8_t)(a->attr & ~DOSATTR_VOLUME);
	for (err = hostfs_find_first(d->fs, path, attr, &pos, &e); !err; err = hostfs_find_next(d->fs, &pos, &e)) {
		if ((e.attr & DOSATTR_VOLUME) || e.name[0] == '.')
			continue;
		if (m->n == m->cap) {
			size_t cap = m->cap ? m->cap * 2 : 16;
			struct hostfs_entry *p = realloc(m->e, cap * sizeof(*p));
			if (!p) {
				match_free(m);
				return DOSERR_NO_MEMORY;
			}
			m->e = p;
			m->cap = cap;
		}
		m->e[m->n++] = e;
	}
	return err == DOSERR_NO_MORE_FILES || err == DOSERR_FILE_NOT_FOUND ? 0 : err;
}

/* The host path of name in the searched directory. */
static int match_host(struct dos *d, const struct match_list *m, const char *name, enum hostfs_want want,
		      char *host, bool *is_dir)
{
	char path[HOSTFS_DOS_PATH + 16];
	if (snprintf(path, sizeof(path), "%s\\%s", m->dir, name) >= HOSTFS_DOS_PATH)
		return DOSERR_PATH_NOT_FOUND;
	return hostfs_resolve(d->fs, path, want, host, NULL, is_dir);
}

/* 13h: delete every plain file matching the FCB (an extended FCB may add
 * hidden and system files); read-only files and directories stay. AL =
 * 00h if at least one file was deleted, else FFh. */
static void fn_fcb_delete(struct dos *d)
{
	struct fcb_addr a = fcb_at(d, d->r.ds, DX(d));
	struct match_list m;
	bool deleted = false;
	if (match_collect(d, &a, FCB_NAME, &m) == 0) {
		for (size_t i = 0; i < m.n; i++) {
			char host[HOSTFS_HOST_PATH];
			bool is_dir = false;
			if (m.e[i].attr & (DOSATTR_DIR | DOSATTR_READONLY))
				continue;
			if (match_host(d, &m, m.e[i].name, HOSTFS_EXISTING, host, &is_dir) == 0 && !is_dir &&
			    dos_disk_unlink(d, host) == 0)
				deleted = true;
		}
		match_free(&m);
	}
	set_al(d, deleted ? 0 : 0xFF);
}

/* Rename one match: '?' in the new name keeps the old name's character.
 * Fails (false) for a read-only file, a new name that exists or is not a
 * valid name. */
static bool rename_one(struct dos *d, const struct match_list *m, const struct hostfs_entry *e,
		       const char newpat[11])
{
	char newfcb[11], newname[13], from[HOSTFS_HOST_PATH], to[HOSTFS_HOST_PATH];
	bool is_dir = false;
	if ((e->attr & DOSATTR_READONLY) && !(e->attr & DOSATTR_DIR))
		return false;
	for (size_t i = 0; i < 11; i++)
		newfcb[i] = newpat[i] == '?' ? e->fcb_name[i] : newpat[i];
	hostfs_name_from_fcb(newfcb, newname);
	if (!newname[0] || strchr(newname, ' ') || match_host(d, m, e->name, HOSTFS_EXISTING, from, &is_dir) != 0)
		return false;
	if (match_host(d, m, newname, HOSTFS_EXISTING, to, &is_dir) != DOSERR_FILE_NOT_FOUND)
		return false; /* exists (the same name included), or a bad name */
	if (match_host(d, m, newname, HOSTFS_PARENT, to, &is_dir) != 0)
		return false;
	return dos_disk_rename(d, from, to) == 0;
}

/* 17h: old name (wildcards) at FCB+01h, new name at FCB+11h ('?' keeps
 * the old character; the drive byte at FCB+10h is not used). Every match
 * is renamed in turn; the first failure stops. AL = 00h if every match
 * was renamed, FFh if none matched or one failed (RBIL: no match,
 * read-only file, or new name exists). */
static void fn_fcb_rename(struct dos *d)
{
	struct fcb_addr a = fcb_at(d, d->r.ds, DX(d));
	struct match_list m;
	char newpat[11];
	bool ok = false;
	fcb_pattern(d, &a, FCB_NEWNAME, newpat);
	if (match_collect(d, &a, FCB_NAME, &m) == 0) {
		ok = m.n > 0;
		for (size_t i = 0; ok && i < m.n; i++)
			ok = rename_one(d, &m, &m.e[i], newpat);
		match_free(&m);
	}
	set_al(d, ok ? 0 : 0xFF);
}

void dos_fn_find(struct dos *d)
{
	switch (AH(d)) {
	case 0x11: fn_fcb_find_first(d); return;
	case 0x12: fn_fcb_find_next(d); return;
	case 0x13: fn_fcb_delete(d); return;
	case 0x17: fn_fcb_rename(d); return;
	case 0x4E: fn_find_first(d); return;
	case 0x4F: fn_find_next(d); return;
	default: return; /* not one of this family's: int21.def sends none */
	}
}
