/*
 * hostfs.c - DOS drives on host directories. See hostfs.h for the contract.
 *
 * Layout of this file:
 *   - 8.3 names: which host names are valid DOS names, the stable mangled
 *     name of the others, FCB ("NAME    EXT") forms and DOS wildcards;
 *   - directory listings: a host directory read once, sorted by host name,
 *     each entry given its 8.3 name; kept in a small LRU table that also
 *     backs find handles. What DOS itself creates or removes is applied to
 *     the cached listing (hostfs_added, hostfs_removed) instead of reading
 *     the directory again, so creating the n-th file costs the same as the
 *     first (issue 15, defect 3: 100,000 creates fell from 225/s to 40/s);
 *   - DOS paths: the INT 21h/60h canonical form, per-drive current
 *     directories, resolution to host paths inside the sandbox;
 *   - directory search, attributes, times, label and free space.
 *
 * The sandbox rests on three rules: a host path is only ever built from a
 * drive root downward, one listed entry name at a time (DOS `..` is
 * resolved on the DOS path before any host path exists); every symlink met
 * on the way is replaced by its realpath, which must lie inside the root
 * (prefix test at a `/` boundary); nothing but regular files and
 * directories is handed out.
 *
 * DOS facts cite Ralf Brown's Interrupt List (RBIL).
 */
#include "dos/hostfs.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

enum {
	DIR_SLOTS = 64,         /* cached listings = find handles */
	SLOT_BITS = 6,          /* dir_id = slot | generation << SLOT_BITS */
	GEN_MASK = 0x3FF,       /* 16 - SLOT_BITS bits of generation */
	HASH_DIGITS = 3,        /* base-36 digits after the '~' of a mangled name */
	HASH_SPACE = 36 * 36 * 36,
	MANGLE_PREFIX = 4,      /* characters of the host name kept before '~' */
	MANGLE_TRIES = 4096,    /* collision probes before a name is given up */
	CWD_MAX = 66,           /* "C:\..." in the CDS: 67 bytes with NUL (RBIL #01643, INT 21h/52h) */
	FIND_LABEL = 0,         /* find positions: volume label, ".", "..", then entries */
	FIND_DOT = 1,
	FIND_DOTDOT = 2,
	FIND_ENTRIES = 3,
	FIND_END = 0xFFFF,
	MISSING = -1,           /* internal: a name that does not exist */
	/* A listing read this long after its directory's last change holds
	 * every entry the stamp stands for, even on file systems with
	 * timestamps as coarse as FAT's 2 s: a name it lacks is missing. */
	SETTLED_NS = 2000000000,
};

_Static_assert(PATH_MAX <= HOSTFS_HOST_PATH, "a realpath must fit a host path buffer");
_Static_assert(DIR_SLOTS == 1 << SLOT_BITS, "slot bits");

/* One host directory entry: its host name and the 8.3 name DOS sees
 * (name[0] == 0 if it could not be given one). */
struct dir_ent {
	const char *host;
	char name[13];
	char fcb[11];
	bool owned;             /* host is malloc'd (added after the read), not in the pool */
	bool dead;              /* removed (hostfs_removed): name[0] == 0, kept for the indices */
};

/* A host directory's entries ("." and ".." left out): the first `sorted`
 * as read, sorted by strcmp of the host names, then what hostfs_added
 * appended in the order DOS made them; with an open-addressed table from
 * 8.3 name to entry (a removed entry stays in it under the empty name). */
struct listing {
	char *pool;             /* the host names read, NUL separated */
	struct dir_ent *ents;
	uint32_t n, sorted, cap;
	uint32_t *table;        /* entry index + 1, 0 = empty */
	uint32_t mask;
};

/* What tells that a directory changed since it was read. */
struct stamp {
	dev_t dev;
	ino_t ino;
	struct timespec mtime, ctime;
};

/* A cached listing of host directory `path` as seen from drive `drive`
 * (-1: none). `current` marks the slot lookups use; a slot replaced by a
 * newer listing stays readable for the find handles that point at it until
 * it is reused. */
struct dir_slot {
	char *path;             /* NULL: free */
	int drive;
	bool current;
	uint16_t gen;
	uint64_t used;          /* LRU tick */
	struct stamp stamp;
	bool complete;          /* a name the listing lacks is missing (no re-read to be sure) */
	struct listing list;
};

struct drive {
	char *root;             /* realpath, NULL if not mapped */
	char cwd[HOSTFS_DOS_PATH]; /* "\" or "\DIR\SUB" */
};

struct hostfs {
	struct drive drive[HOSTFS_DRIVES];
	int current;            /* -1 until a drive is mapped */
	uint64_t tick;
	struct dir_slot slot[DIR_SLOTS];
	/* The listing the last lookup checked against its directory, for
	 * hostfs_added/hostfs_removed right after (same gen: not reused). */
	struct dir_slot *checked;
	uint16_t checked_gen;
	unsigned long reads;    /* directories read (hostfs_listing_reads) */
};

/* ---- characters and 8.3 names ----------------------------------------- */

static char up(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static char down(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_sep(char c)
{
	return c == '\\' || c == '/';
}

/* Characters a host name may use unchanged in a DOS 8.3 name: letters,
 * digits and ! # $ % & ' ( ) - @ ^ _ ` { } ~ (MS-DOS file name rules; the
 * characters RBIL INT 21h/29h treats as separators are not among them).
 * Bytes >= 80h are left out: host names are UTF-8, DOS names a code page. */
static bool is_dos_char(char c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return true;
	return c != 0 && strchr("!#$%&'()-@^_`{}~", c) != NULL;
}

/* Characters a DOS path component may hold (wildcards included): control
 * characters and the separators " + , ; = [ ] | < > : are refused, as by
 * DOS's own name parsing (RBIL INT 21h/29h). */
static bool is_path_char(char c)
{
	if ((unsigned char)c < 0x20)
		return false;
	return strchr("\"+,;=[]|<>:", c) == NULL;
}

static bool has_wildcard(const char *s)
{
	return strpbrk(s, "?*") != NULL;
}

/* The DOS character devices: a file of that base name (any extension)
 * cannot be reached under its own name in DOS. */
static bool is_device(const char *base, size_t n)
{
	static const char devices[][7] = { "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3",
					   "COM4", "LPT1", "LPT2", "LPT3", "CLOCK$" };
	for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++) {
		if (strlen(devices[i]) != n)
			continue;
		size_t k = 0;
		while (k < n && up(base[k]) == devices[i][k])
			k++;
		if (k == n)
			return true;
	}
	return false;
}

/* FNV-1a, 32 bits: a fixed public hash, so mangled names are the same in
 * every run and on every host. */
static uint32_t fnv1a(const void *data, size_t n, uint32_t h)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static uint32_t fnv1a_str(const char *s)
{
	return fnv1a(s, strlen(s), 2166136261u);
}

/* If host is a valid 8.3 name (1-8 base characters, optionally a dot and
 * 1-3 extension characters, all is_dos_char, not a device, not a dotfile),
 * put its upper-case form in out and return true. */
static bool plain_name(const char *host, char out[13])
{
	size_t base = 0, ext = 0, o = 0;
	bool dot = false;
	if (host[0] == '.')
		return false;
	for (const char *p = host; *p; p++) {
		if (*p == '.') {
			if (dot)
				return false;
			dot = true;
			out[o++] = '.';
			continue;
		}
		if (!is_dos_char(*p))
			return false;
		if (dot ? ++ext > 3 : ++base > 8)
			return false;
		out[o++] = up(*p);
	}
	out[o] = 0;
	return base > 0 && (!dot || ext > 0) && !is_device(out, base);
}

/* A host name character in a mangled name: itself upper case, or '_'. */
static char mangle_char(char c)
{
	return is_dos_char(c) ? up(c) : '_';
}

/* The mangled 8.3 name of host name `host`, probe number `attempt` (0 for
 * the first choice): up to MANGLE_PREFIX characters of the name (leading
 * dots dropped, up to its last dot), '~', HASH_DIGITS base-36 digits of
 * FNV-1a(host, attempt), and up to 3 characters of what follows the last
 * dot. "longfilename.txt" -> "LONG~xyz.TXT". */
static void mangle(const char *host, uint32_t attempt, char out[13])
{
	static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	const char *s = host;
	while (*s == '.')
		s++;
	const char *dot = strrchr(s, '.');
	const char *stem_end = dot ? dot : s + strlen(s);
	size_t o = 0;
	for (const char *p = s; p < stem_end && o < MANGLE_PREFIX; p++)
		out[o++] = mangle_char(*p);
	if (o == 0)
		out[o++] = '_';
	uint32_t h = fnv1a_str(host);
	if (attempt) {
		unsigned char le[4] = { (unsigned char)attempt, (unsigned char)(attempt >> 8),
					(unsigned char)(attempt >> 16), (unsigned char)(attempt >> 24) };
		h = fnv1a(le, sizeof le, h);
	}
	h %= HASH_SPACE;
	out[o++] = '~';
	for (int i = HASH_DIGITS - 1; i >= 0; i--) {
		out[o + (size_t)i] = digits[h % 36];
		h /= 36;
	}
	o += HASH_DIGITS;
	if (dot && dot[1]) {
		out[o++] = '.';
		for (size_t i = 1; i <= 3 && dot[i]; i++)
			out[o++] = mangle_char(dot[i]);
	}
	out[o] = 0;
}

/* "NAME.EXT" -> "NAME    EXT" (11 characters, no NUL). "." and ".." are
 * kept as they are, space padded. */
static void to_fcb(const char *name, char fcb[11])
{
	memset(fcb, ' ', 11);
	if (name[0] == '.') {
		for (size_t i = 0; i < 2 && name[i]; i++)
			fcb[i] = name[i];
		return;
	}
	const char *dot = strchr(name, '.');
	size_t base = dot ? (size_t)(dot - name) : strlen(name);
	memcpy(fcb, name, base > 8 ? 8 : base);
	if (dot) {
		size_t ext = strlen(dot + 1);
		memcpy(fcb + 8, dot + 1, ext > 3 ? 3 : ext);
	}
}

/* See hostfs.h. */
void hostfs_name_from_fcb(const char fcb[11], char name[13])
{
	size_t b = 8, e = 3, o = 0;
	while (b > 0 && fcb[b - 1] == ' ')
		b--;
	while (e > 0 && fcb[8 + e - 1] == ' ')
		e--;
	memcpy(name, fcb, b);
	o = b;
	if (e) {
		name[o++] = '.';
		memcpy(name + o, fcb + 8, e);
		o += e;
	}
	name[o] = 0;
}

/* DOS wildcard match of an FCB name against an FCB pattern: '?' matches
 * any character, the space padding included (RBIL INT 21h/4Eh: the search
 * name is kept in FCB form in the DTA). */
static bool fcb_match(const char pattern[11], const char fcb[11])
{
	for (size_t i = 0; i < 11; i++)
		if (pattern[i] != '?' && pattern[i] != fcb[i])
			return false;
	return true;
}

/* ---- host paths --------------------------------------------------------- */

/* Is path (a realpath) root itself or below it? "/a/b" is not in "/a/bc". */
static bool inside(const char *root, const char *path)
{
	size_t n = strlen(root);
	if (n == 1)
		return path[0] == '/';
	return strncmp(root, path, n) == 0 && (path[n] == 0 || path[n] == '/');
}

/* out = dir "/" name. Returns 0, or -1 if it does not fit. */
static int join(char *out, const char *dir, const char *name)
{
	size_t d = strlen(dir), n = strlen(name);
	if (d == 1 && dir[0] == '/')
		d = 0;
	if (d + 1 + n + 1 > HOSTFS_HOST_PATH)
		return -1;
	memmove(out, dir, d);
	out[d] = '/';
	memcpy(out + d + 1, name, n + 1);
	return 0;
}

/* A host error met on the way to a name: a missing piece is a path not
 * found (of the path's directories), otherwise the one map's answer. */
static int errno_to_dos(int err)
{
	int e = dos_errno(err);
	return e == DOSERR_FILE_NOT_FOUND ? DOSERR_PATH_NOT_FOUND : e;
}

/* Settle a host path that exists inside root by its name: a symlink is
 * replaced by its realpath, which must lie inside root; then it must be a
 * directory or a regular file. Returns 0, MISSING, or DOSERR_ACCESS_DENIED. */
static int settle(const char *root, char *path, struct stat *st, bool *linked)
{
	if (lstat(path, st) != 0)
		return errno == ENOENT ? MISSING : DOSERR_ACCESS_DENIED;
	if (linked)
		*linked = S_ISLNK(st->st_mode);
	if (S_ISLNK(st->st_mode)) {
		char real[PATH_MAX];
		if (!realpath(path, real) || !inside(root, real))
			return DOSERR_ACCESS_DENIED;
		strcpy(path, real);
		if (stat(path, st) != 0)
			return DOSERR_ACCESS_DENIED;
	}
	return S_ISDIR(st->st_mode) || S_ISREG(st->st_mode) ? 0 : DOSERR_ACCESS_DENIED;
}

/* ---- directory listings ------------------------------------------------- */

static void listing_free(struct listing *l)
{
	for (uint32_t i = 0; l->ents && i < l->n; i++)
		if (l->ents[i].owned)
			free((char *)l->ents[i].host);
	free(l->pool);
	free(l->ents);
	free(l->table);
	memset(l, 0, sizeof *l);
}

static int cmp_host(const void *a, const void *b)
{
	return strcmp(((const struct dir_ent *)a)->host, ((const struct dir_ent *)b)->host);
}

/* Index of the entry whose 8.3 name is name, or -1. */
static int64_t table_find(const struct listing *l, const char *name)
{
	for (uint32_t h = fnv1a_str(name) & l->mask;; h = (h + 1) & l->mask) {
		uint32_t v = l->table[h];
		if (v == 0)
			return -1;
		if (strcmp(l->ents[v - 1].name, name) == 0)
			return v - 1;
	}
}

/* Claim entry i's name in the table: false if another entry holds it. */
static bool table_claim(struct listing *l, uint32_t i)
{
	for (uint32_t h = fnv1a_str(l->ents[i].name) & l->mask;; h = (h + 1) & l->mask) {
		uint32_t v = l->table[h];
		if (v == 0) {
			l->table[h] = i + 1;
			return true;
		}
		if (strcmp(l->ents[v - 1].name, l->ents[i].name) == 0)
			return false;
	}
}

/* Give every entry its 8.3 name. Valid 8.3 host names keep their own
 * (upper case); of names that differ only in case the first in sorted
 * order keeps it. Every other name then gets its mangled name, probing
 * further hash values while the name is taken. Returns 0 or -ENOMEM. */
static int assign_names(struct listing *l)
{
	uint32_t size = 16;
	while (size < 2 * (uint64_t)l->n)
		size *= 2;
	l->table = calloc(size, sizeof *l->table);
	if (!l->table)
		return -ENOMEM;
	l->mask = size - 1;
	for (uint32_t i = 0; i < l->n; i++) {
		struct dir_ent *e = &l->ents[i];
		if (!plain_name(e->host, e->name) || !table_claim(l, i))
			e->name[0] = 0;
	}
	for (uint32_t i = 0; i < l->n; i++) {
		struct dir_ent *e = &l->ents[i];
		if (e->name[0])
			continue;
		uint32_t attempt = 0;
		for (; attempt < MANGLE_TRIES; attempt++) {
			mangle(e->host, attempt, e->name);
			if (table_claim(l, i))
				break;
		}
		if (attempt == MANGLE_TRIES)
			e->name[0] = 0; /* unreachable from DOS */
	}
	for (uint32_t i = 0; i < l->n; i++)
		to_fcb(l->ents[i].name, l->ents[i].fcb);
	return 0;
}

/* Read the names in pool form. Returns 0 or a negative errno. */
static int read_names(const char *path, char **pool_out, size_t *len_out, uint32_t *n_out)
{
	DIR *d = opendir(path);
	if (!d)
		return -errno;
	size_t cap = 1024, len = 0;
	uint32_t n = 0;
	char *pool = malloc(cap);
	int err = pool ? 0 : -ENOMEM;
	while (!err) {
		errno = 0;
		struct dirent *de = readdir(d);
		if (!de) {
			err = -errno;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		size_t k = strlen(de->d_name) + 1;
		if (len + k > cap) {
			char *p = realloc(pool, 2 * cap + k);
			if (!p) {
				err = -ENOMEM;
				break;
			}
			pool = p;
			cap = 2 * cap + k;
		}
		memcpy(pool + len, de->d_name, k);
		len += k;
		n++;
	}
	closedir(d);
	if (err) {
		free(pool);
		return err;
	}
	*pool_out = pool;
	*len_out = len;
	*n_out = n;
	return 0;
}

/* Read host directory path into l. Returns 0 or a negative errno. */
static int listing_read(const char *path, struct listing *l)
{
	size_t len;
	memset(l, 0, sizeof *l);
	int err = read_names(path, &l->pool, &len, &l->n);
	if (err)
		return err;
	l->cap = l->n ? l->n : 1;
	l->sorted = l->n;
	l->ents = calloc(l->cap, sizeof *l->ents);
	if (!l->ents) {
		listing_free(l);
		return -ENOMEM;
	}
	const char *p = l->pool;
	for (uint32_t i = 0; i < l->n; i++) {
		l->ents[i].host = p;
		p += strlen(p) + 1;
	}
	qsort(l->ents, l->n, sizeof *l->ents, cmp_host);
	err = assign_names(l);
	if (err)
		listing_free(l);
	return err;
}

/* Do a and b hold the same entries, host and 8.3 names, in the same order? */
static bool listing_same(const struct listing *a, const struct listing *b)
{
	if (a->n != b->n)
		return false;
	for (uint32_t i = 0; i < a->n; i++)
		if (strcmp(a->ents[i].host, b->ents[i].host) != 0 || strcmp(a->ents[i].name, b->ents[i].name) != 0)
			return false;
	return true;
}

/* Entry index of host name `host` (binary search in the sorted part,
 * then the entries added after the read), or -1. Removed entries are not
 * found. */
static int64_t listing_find_host(const struct listing *l, const char *host)
{
	uint32_t lo = 0, hi = l->sorted;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->ents[mid].host, host);
		if (c == 0 && !l->ents[mid].dead)
			return mid;
		if (c == 0)
			break;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint32_t i = l->n; i-- > l->sorted;)
		if (!l->ents[i].dead && strcmp(l->ents[i].host, host) == 0)
			return i;
	return -1;
}

/* Rebuild the name table at twice the size (the entries added after the
 * read fill it). Returns 0 or -ENOMEM. */
static int table_grow(struct listing *l)
{
	uint32_t size = (l->mask + 1) * 2;
	uint32_t *t = calloc(size, sizeof *t);
	if (!t)
		return -ENOMEM;
	free(l->table);
	l->table = t;
	l->mask = size - 1;
	for (uint32_t i = 0; i < l->n; i++)
		if (l->ents[i].name[0])
			(void)table_claim(l, i);
	return 0;
}

/* Append host name `host` (a file DOS just made) with its own 8.3 name.
 * Returns 0, or -1 when that cannot be done in place (the name is not a
 * plain 8.3 one, it is taken, no memory): the caller reads the directory
 * again then. */
static int listing_append(struct listing *l, const char *host)
{
	char name[13];
	if (!plain_name(host, name))
		return -1;
	if (table_find(l, name) >= 0)
		return -1;
	if (l->n == l->cap) {
		uint32_t cap = l->cap * 2;
		struct dir_ent *e = realloc(l->ents, (size_t)cap * sizeof *e);
		if (!e)
			return -1;
		l->ents = e;
		l->cap = cap;
	}
	if (2 * ((uint64_t)l->n + 1) > (uint64_t)l->mask + 1 && table_grow(l) != 0)
		return -1;
	char *copy = strdup(host);
	if (!copy)
		return -1;
	struct dir_ent *e = &l->ents[l->n];
	memset(e, 0, sizeof *e);
	e->host = copy;
	e->owned = true;
	strcpy(e->name, name);
	to_fcb(e->name, e->fcb);
	(void)table_claim(l, l->n);
	l->n++;
	return 0;
}

static int stamp_of(const char *path, struct stamp *s)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->mtime = st.st_mtim;
	s->ctime = st.st_ctim;
	return 0;
}

static bool stamp_same(const struct stamp *a, const struct stamp *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec && a->ctime.tv_sec == b->ctime.tv_sec &&
	       a->ctime.tv_nsec == b->ctime.tv_nsec;
}

static void slot_clear(struct dir_slot *s)
{
	free(s->path);
	s->path = NULL;
	s->current = false;
	listing_free(&s->list);
}

static void touch(struct hostfs *fs, struct dir_slot *s)
{
	s->used = ++fs->tick;
}

static uint16_t slot_id(const struct hostfs *fs, const struct dir_slot *s)
{
	return (uint16_t)((size_t)(s - fs->slot) | (size_t)s->gen << SLOT_BITS);
}

/* The slot a find handle names, or NULL if it has been reused since. */
static struct dir_slot *slot_by_id(struct hostfs *fs, uint16_t id)
{
	struct dir_slot *s = &fs->slot[id & (DIR_SLOTS - 1)];
	return s->path && s->gen == id >> SLOT_BITS ? s : NULL;
}

static struct dir_slot *slot_current(struct hostfs *fs, const char *path, int drive)
{
	for (size_t i = 0; i < DIR_SLOTS; i++) {
		struct dir_slot *s = &fs->slot[i];
		if (s->path && s->current && s->drive == drive && strcmp(s->path, path) == 0)
			return s;
	}
	return NULL;
}

static struct dir_slot *slot_lru(struct hostfs *fs)
{
	struct dir_slot *best = &fs->slot[0];
	for (size_t i = 0; i < DIR_SLOTS; i++) {
		struct dir_slot *s = &fs->slot[i];
		if (!s->path)
			return s;
		if (s->used < best->used)
			best = s;
	}
	return best;
}

static void mark_checked(struct hostfs *fs, struct dir_slot *s)
{
	touch(fs, s);
	fs->checked = s;
	fs->checked_gen = s->gen;
}

/* Did the read happen long enough after the directory's last change that
 * it holds everything the stamp stands for (SETTLED_NS)? */
static bool settled(const struct stamp *st)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t changed = (int64_t)st->ctime.tv_sec * 1000000000 + st->ctime.tv_nsec;
	int64_t at = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	return at - changed >= SETTLED_NS;
}

/* How get_listing may answer from the cached listing of a directory whose
 * stamp has not changed since the listing was read or restamped. */
enum listing_want {
	LIST_CACHED,    /* always */
	LIST_SEARCH,    /* for a directory search: if it is complete (then it
			 * holds every entry: a change since would have changed
			 * the stamp) and in host name order (nothing appended by
			 * hostfs_added since the read), else read again. So a
			 * search lists what a fresh read lists, in its order,
			 * whatever was cached. */
	LIST_FRESH,     /* never: the directory is read again */
};

/* The listing of host directory path (a realpath) for drive, the cached
 * one while the directory's stamp is unchanged as `want` allows; a re-read
 * that finds the same names keeps the slot (and the find handles on it).
 * A re-read of a complete listing whose stamp is unchanged is complete too
 * (it reads the same entries), but for LIST_FRESH. Returns the slot, or
 * NULL with *err a negative errno. */
static struct dir_slot *get_listing(struct hostfs *fs, const char *path, int drive, enum listing_want want,
				    int *err, bool *was_read)
{
	struct dir_slot *cur = slot_current(fs, path, drive);
	struct stamp st;
	struct listing l;
	*was_read = false;
	*err = stamp_of(path, &st);
	if (*err)
		return NULL;
	/* A complete listing whose stamp still matches holds every entry; its
	 * re-read does too, unless it was asked for because a listed entry
	 * turned out gone (LIST_FRESH): then the stamp missed a change. */
	bool exact = cur && stamp_same(&cur->stamp, &st) && cur->complete && want != LIST_FRESH;
	if (cur && stamp_same(&cur->stamp, &st) &&
	    (want == LIST_CACHED || (want == LIST_SEARCH && exact && cur->list.n == cur->list.sorted))) {
		mark_checked(fs, cur);
		return cur;
	}
	*err = listing_read(path, &l);
	if (*err)
		return NULL;
	fs->reads++;
	*was_read = true;
	if (cur && listing_same(&cur->list, &l)) {
		listing_free(&l);
		cur->list.sorted = cur->list.n; /* what it appended is in order: as read */
		cur->stamp = st;
		cur->complete = exact || settled(&st);
		mark_checked(fs, cur);
		return cur;
	}
	char *copy = strdup(path);
	if (!copy) {
		listing_free(&l);
		*err = -ENOMEM;
		return NULL;
	}
	if (cur)
		cur->current = false;
	struct dir_slot *s = slot_lru(fs);
	slot_clear(s);
	s->path = copy;
	s->drive = drive;
	s->current = true;
	s->gen = (uint16_t)((s->gen + 1) & GEN_MASK);
	s->stamp = st;
	s->complete = exact || settled(&st);
	s->list = l;
	mark_checked(fs, s);
	return s;
}

/* The listing of the directory of host_path if the last lookup checked it
 * (so it was up to date just before DOS changed the entry), with the base
 * name in *base; else NULL. */
static struct dir_slot *checked_parent(struct hostfs *fs, const char *host_path, const char **base)
{
	struct dir_slot *s = fs->checked;
	const char *slash = strrchr(host_path, '/');
	if (!s || !slash || !s->path || !s->current || s->gen != fs->checked_gen)
		return NULL;
	size_t n = (size_t)(slash - host_path);
	if (n == 0)
		n = 1; /* "/name" */
	if (strlen(s->path) != n || strncmp(s->path, host_path, n) != 0)
		return NULL;
	*base = slash + 1;
	return s;
}

/* After a change DOS made: the directory's new stamp, or (failing that)
 * the listing goes and the next lookup reads the directory. */
static void restamp(struct dir_slot *s, bool ok)
{
	struct stamp st;
	if (ok && stamp_of(s->path, &st) == 0) {
		s->stamp = st;
		s->complete = true;
	} else {
		s->current = false;
	}
}

void hostfs_added(struct hostfs *fs, const char *host_path)
{
	const char *base;
	struct dir_slot *s = checked_parent(fs, host_path, &base);
	if (s)
		restamp(s, listing_append(&s->list, base) == 0); /* fails for a name listed already */
}

unsigned long hostfs_listing_reads(const struct hostfs *fs)
{
	return fs->reads;
}

void hostfs_removed(struct hostfs *fs, const char *host_path)
{
	const char *base;
	struct dir_slot *s = checked_parent(fs, host_path, &base);
	if (!s)
		return;
	/* By its 8.3 name first (the name table), else by host name. */
	char name[13];
	int64_t i = plain_name(base, name) ? table_find(&s->list, name) : -1;
	if (i < 0 || strcmp(s->list.ents[i].host, base) != 0)
		i = listing_find_host(&s->list, base);
	if (i >= 0) {
		struct dir_ent *e = &s->list.ents[i];
		e->dead = true;
		e->name[0] = 0; /* stays in the name table as a tombstone no DOS name matches */
	}
	restamp(s, i >= 0);
}

/* ---- drives ------------------------------------------------------------- */

int hostfs_create(struct hostfs **out)
{
	struct hostfs *fs = calloc(1, sizeof *fs);
	if (!fs)
		return -ENOMEM;
	fs->current = -1;
	*out = fs;
	return 0;
}

void hostfs_destroy(struct hostfs *fs)
{
	if (!fs)
		return;
	for (size_t i = 0; i < DIR_SLOTS; i++)
		slot_clear(&fs->slot[i]);
	for (size_t i = 0; i < HOSTFS_DRIVES; i++)
		free(fs->drive[i].root);
	free(fs);
}

int hostfs_map(struct hostfs *fs, int drive, const char *dir)
{
	char real[PATH_MAX];
	struct stat st;
	if (drive < 0 || drive >= HOSTFS_DRIVES)
		return -EINVAL;
	if (!realpath(dir, real))
		return -errno;
	if (stat(real, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	char *root = strdup(real);
	if (!root)
		return -ENOMEM;
	struct drive *d = &fs->drive[drive];
	free(d->root);
	d->root = root;
	strcpy(d->cwd, "\\");
	/* Listings (and find handles) of the old mapping go with it. */
	for (size_t i = 0; i < DIR_SLOTS; i++)
		if (fs->slot[i].path && fs->slot[i].drive == drive)
			slot_clear(&fs->slot[i]);
	if (fs->current < 0)
		fs->current = drive;
	return 0;
}

bool hostfs_mapped(const struct hostfs *fs, int drive)
{
	return drive >= 0 && drive < HOSTFS_DRIVES && fs->drive[drive].root != NULL;
}

const char *hostfs_root(const struct hostfs *fs, int drive)
{
	return hostfs_mapped(fs, drive) ? fs->drive[drive].root : NULL;
}

int hostfs_current_drive(const struct hostfs *fs)
{
	return fs->current;
}

int hostfs_set_current_drive(struct hostfs *fs, int drive)
{
	if (!hostfs_mapped(fs, drive))
		return DOSERR_INVALID_DRIVE;
	fs->current = drive;
	return 0;
}

/* The first mapped drive whose root holds host path real, or -1. */
static int drive_of(const struct hostfs *fs, const char *real)
{
	for (int d = 0; d < HOSTFS_DRIVES; d++)
		if (fs->drive[d].root && inside(fs->drive[d].root, real))
			return d;
	return -1;
}

/* ---- canonical DOS paths (INT 21h/60h) ---------------------------------- */

/* Parse one field (base or extension) of a component: upper case, '*'
 * filled with '?' to the end of the field and what follows it in the field
 * ignored, cut to max characters, trailing blanks dropped. Returns the
 * field length, or -1 for a character DOS refuses or an inner blank. */
static int parse_field(const char *p, size_t n, size_t max, char *out)
{
	size_t o = 0, blanks = 0;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (!is_path_char(c))
			return -1;
		if (c == ' ') {
			blanks++;
			continue;
		}
		if (blanks)
			return -1;
		if (c == '*') {
			while (o < max)
				out[o++] = '?';
			break;
		}
		if (o < max)
			out[o++] = up(c);
	}
	return (int)o;
}

/* Drop the last component of the canonical path in buf ("C:\A\B" ->
 * "C:\A"; "C:" stays: `..` at the root stays at the root). */
static void pop_component(char *buf, size_t *len)
{
	while (*len > 2 && buf[*len - 1] != '\\')
		(*len)--;
	if (*len > 2)
		(*len)--;
}

/* Append component p[0..n) to the canonical path buf (no trailing '\').
 * RBIL INT 21h/60h: `.` and `..` resolved, upper case, '*' expanded to
 * '?', names cut to 8.3. Returns 0 or DOSERR_PATH_NOT_FOUND. */
static int add_component(char *buf, size_t *len, const char *p, size_t n)
{
	size_t dots = 0;
	while (dots < n && p[dots] == '.')
		dots++;
	if (dots == n) {
		if (n == 2)
			pop_component(buf, len);
		return n <= 2 ? 0 : DOSERR_PATH_NOT_FOUND;
	}
	const char *dot = memchr(p, '.', n);
	size_t bn = dot ? (size_t)(dot - p) : n;
	char base[8], ext[3];
	int bl = parse_field(p, bn, 8, base);
	int el = 0;
	if (dot) {
		size_t en = n - bn - 1;
		if (memchr(dot + 1, '.', en))
			return DOSERR_PATH_NOT_FOUND;
		el = parse_field(dot + 1, en, 3, ext);
	}
	if (bl <= 0 || el < 0)
		return DOSERR_PATH_NOT_FOUND;
	size_t need = 1 + (size_t)bl + (el ? 1 + (size_t)el : 0);
	if (*len + need + 1 > HOSTFS_DOS_PATH)
		return DOSERR_PATH_NOT_FOUND;
	buf[(*len)++] = '\\';
	memcpy(buf + *len, base, (size_t)bl);
	*len += (size_t)bl;
	if (el) {
		buf[(*len)++] = '.';
		memcpy(buf + *len, ext, (size_t)el);
		*len += (size_t)el;
	}
	return 0;
}

int hostfs_canonical(const struct hostfs *fs, const char *dos_path, char *out)
{
	const char *p = dos_path;
	int drive = fs->current;
	if (is_letter(p[0]) && p[1] == ':') {
		drive = up(p[0]) - 'A';
		p += 2;
	} else if (p[0] == 0) {
		return DOSERR_PATH_NOT_FOUND;
	}
	if (!hostfs_mapped(fs, drive))
		return DOSERR_INVALID_DRIVE;
	char buf[HOSTFS_DOS_PATH];
	size_t len = 2;
	buf[0] = (char)('A' + drive);
	buf[1] = ':';
	if (is_sep(p[0])) {
		if (is_sep(p[1]))
			return DOSERR_PATH_NOT_FOUND; /* "\\server": no network drives here */
		p++;
	} else if (fs->drive[drive].cwd[1]) {
		size_t n = strlen(fs->drive[drive].cwd);
		memcpy(buf + len, fs->drive[drive].cwd, n);
		len += n;
	}
	while (*p) {
		const char *end = p;
		while (*end && !is_sep(*end))
			end++;
		if (end == p)
			return DOSERR_PATH_NOT_FOUND; /* empty component: "A\\B" */
		int err = add_component(buf, &len, p, (size_t)(end - p));
		if (err)
			return err;
		p = *end ? end + 1 : end;
	}
	if (len == 2)
		buf[len++] = '\\';
	buf[len] = 0;
	memcpy(out, buf, len + 1);
	return 0;
}

/* ---- resolution to host paths ------------------------------------------- */

/* The host entry of 8.3 name `name` in host directory dir (a realpath in
 * drive's root), settled (see settle): host path in child, kind in *st,
 * whether the entry is a symlink (child is then its target) in *linked.
 * A name listed but gone makes one re-read; so does a name not in the
 * cached listing, unless the listing was just read or is complete (read
 * SETTLED_NS after the directory's last change, or kept up to date by
 * hostfs_added/hostfs_removed since). Returns 0, MISSING, or a DOS error. */
static int find_child(struct hostfs *fs, int drive, const char *dir, const char *name, char *child,
		      struct stat *st, bool *linked)
{
	char path[HOSTFS_HOST_PATH]; /* child may alias dir */
	for (int pass = 0; pass < 2; pass++) {
		int err;
		bool was_read;
		struct dir_slot *s = get_listing(fs, dir, drive, pass > 0 ? LIST_FRESH : LIST_CACHED, &err, &was_read);
		if (!s)
			return errno_to_dos(-err);
		int64_t i = table_find(&s->list, name);
		if (i < 0 && (was_read || s->complete))
			return MISSING; /* just read, or known complete: no second read */
		if (i < 0)
			continue;
		if (join(path, dir, s->list.ents[i].host) != 0)
			return DOSERR_PATH_NOT_FOUND;
		int r = settle(fs->drive[drive].root, path, st, linked);
		if (r == 0)
			strcpy(child, path);
		if (r != MISSING)
			return r;
	}
	return MISSING;
}

/* The host name a new file gets for DOS name `name`: lower case. Refused
 * (DOSERR_ACCESS_DENIED) for device names and for characters outside
 * ASCII, which hostfs could not show back under the same DOS name. */
static int new_host_name(const char *name, char *out)
{
	const char *dot = strchr(name, '.');
	if (is_device(name, dot ? (size_t)(dot - name) : strlen(name)))
		return DOSERR_ACCESS_DENIED;
	size_t i = 0;
	for (; name[i]; i++) {
		if ((unsigned char)name[i] >= 0x80)
			return DOSERR_ACCESS_DENIED;
		out[i] = down(name[i]);
	}
	out[i] = 0;
	return 0;
}

/* What resolve_canon found at the end of the path, when it exists. */
struct resolved {
	struct stat st;         /* of host_path (a symlink's target) */
	bool found;             /* the last component exists: st, linked are set */
	bool linked;            /* the last component is a symlink */
	bool root;              /* the path is the drive's root (found is false) */
};

/* hostfs_resolve on a path already canonical ("C:\..."); *at (if not
 * NULL) gets what the path names when it exists. */
static int resolve_canon(struct hostfs *fs, const char *canon, enum hostfs_want want, char *host_path,
			 bool *is_dir, struct resolved *at)
{
	int drive = canon[0] - 'A';
	const char *root = fs->drive[drive].root;
	char path[HOSTFS_HOST_PATH];
	bool dir = true;
	if (has_wildcard(canon))
		return DOSERR_PATH_NOT_FOUND;
	strcpy(path, root);
	if (at) {
		at->root = !canon[3];
		at->found = false;
	}
	for (const char *p = canon + 3; *p;) {
		const char *end = strchr(p, '\\');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char comp[13];
		memcpy(comp, p, n); /* n <= 12: the canonical form is 8.3 */
		comp[n] = 0;
		struct stat st;
		bool linked = false;
		int r = find_child(fs, drive, path, comp, path, &st, &linked);
		if (r == MISSING) {
			if (end)
				return DOSERR_PATH_NOT_FOUND;
			if (want == HOSTFS_EXISTING)
				return DOSERR_FILE_NOT_FOUND;
			char lower[13];
			r = new_host_name(comp, lower);
			if (r == 0 && join(path, path, lower) != 0)
				r = DOSERR_PATH_NOT_FOUND;
			if (r)
				return r;
			dir = false;
			break;
		}
		if (r)
			return r;
		dir = S_ISDIR(st.st_mode);
		if (end && !dir)
			return DOSERR_PATH_NOT_FOUND;
		if (at && !end) {
			at->st = st;
			at->found = true;
			at->linked = linked;
		}
		p = end ? end + 1 : p + n;
	}
	strcpy(host_path, path);
	if (is_dir)
		*is_dir = dir;
	return 0;
}

int hostfs_resolve(struct hostfs *fs, const char *dos_path, enum hostfs_want want, char *host_path,
		   char *dos_canon, bool *is_dir)
{
	char canon[HOSTFS_DOS_PATH];
	int err = hostfs_canonical(fs, dos_path, canon);
	if (err)
		return err;
	if (dos_canon)
		strcpy(dos_canon, canon);
	return resolve_canon(fs, canon, want, host_path, is_dir, NULL);
}

int hostfs_resolve_stat(struct hostfs *fs, const char *dos_path, enum hostfs_want want, char *host_path,
			char *dos_canon, struct stat *st, bool *found)
{
	char canon[HOSTFS_DOS_PATH];
	struct resolved at;
	int err = hostfs_canonical(fs, dos_path, canon);
	if (err)
		return err;
	if (dos_canon)
		strcpy(dos_canon, canon);
	err = resolve_canon(fs, canon, want, host_path, NULL, &at);
	if (err)
		return err;
	*found = at.found;
	if (at.found)
		*st = at.st;
	else if (at.root) /* a root has no entry of its own to settle */
		*found = stat(host_path, st) == 0;
	return 0;
}

int hostfs_getcwd(const struct hostfs *fs, int drive, char *out)
{
	if (!hostfs_mapped(fs, drive))
		return DOSERR_INVALID_DRIVE;
	strcpy(out, fs->drive[drive].cwd);
	return 0;
}

/* CHDIR (RBIL INT 21h/3Bh: error 3 only): a path too long for the CDS,
 * a missing one or a file give 3; a symlink out of the root gives 5. */
int hostfs_chdir(struct hostfs *fs, const char *dos_path)
{
	char canon[HOSTFS_DOS_PATH], host[HOSTFS_HOST_PATH];
	bool dir = false;
	int err = hostfs_canonical(fs, dos_path, canon);
	if (err)
		return DOSERR_PATH_NOT_FOUND;
	if (strlen(canon) > CWD_MAX)
		return DOSERR_PATH_NOT_FOUND;
	err = resolve_canon(fs, canon, HOSTFS_EXISTING, host, &dir, NULL);
	if (err == DOSERR_ACCESS_DENIED)
		return err;
	if (err || !dir)
		return DOSERR_PATH_NOT_FOUND;
	strcpy(fs->drive[canon[0] - 'A'].cwd, canon + 2);
	return 0;
}

/* ---- entries, attributes, times ----------------------------------------- */

/* RBIL INT 21h/AX=5700h: date = (year-1980) << 9 | month << 5 | day,
 * time = hour << 11 | minute << 5 | second / 2. Clamped to 1980-2107. */
void hostfs_dos_time(time_t t, uint16_t *date, uint16_t *time)
{
	struct tm tm;
	if (!localtime_r(&t, &tm) || tm.tm_year < 80) {
		*date = 1 << 5 | 1;
		*time = 0;
		return;
	}
	if (tm.tm_year > 80 + 127) {
		*date = 127 << 9 | 12 << 5 | 31;
		*time = 23 << 11 | 59 << 5 | 29;
		return;
	}
	*date = (uint16_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
	*time = (uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
}

time_t hostfs_host_time(uint16_t date, uint16_t time)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = 80 + (date >> 9);
	tm.tm_mon = ((date >> 5) & 15) - 1;
	tm.tm_mday = date & 31;
	tm.tm_hour = time >> 11;
	tm.tm_min = (time >> 5) & 63;
	tm.tm_sec = (time & 31) * 2;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* Attributes (RBIL #01420 at INT 21h/AX=4301h): directories 10h; regular
 * files archive 20h, plus read-only 01h without owner write permission;
 * dotfiles hidden 02h. */
static uint8_t attr_of(const struct stat *st, const char *host_name)
{
	uint8_t a = S_ISDIR(st->st_mode) ? DOSATTR_DIR : DOSATTR_ARCHIVE;
	if (!S_ISDIR(st->st_mode) && !(st->st_mode & S_IWUSR))
		a |= DOSATTR_READONLY;
	if (host_name[0] == '.')
		a |= DOSATTR_HIDDEN;
	return a;
}

static void fill_entry(struct hostfs_entry *e, const char *name, const struct stat *st, uint8_t attr)
{
	memset(e, 0, sizeof *e);
	strcpy(e->name, name);
	to_fcb(name, e->fcb_name);
	e->attr = attr;
	if (S_ISREG(st->st_mode))
		e->size = st->st_size > (off_t)0xFFFFFFFF ? 0xFFFFFFFFu : (uint32_t)st->st_size;
	hostfs_dos_time(st->st_mtim.tv_sec, &e->date, &e->time);
}

int hostfs_short_name(struct hostfs *fs, const char *dir, const char *host_name, char *out)
{
	if (!host_name[0] || strcmp(host_name, ".") == 0 || strcmp(host_name, "..") == 0 ||
	    strchr(host_name, '/'))
		return -1;
	char real[PATH_MAX];
	int drive = realpath(dir, real) ? drive_of(fs, real) : -1;
	for (int pass = 0; drive >= 0 && pass < 2; pass++) {
		int err;
		bool was_read;
		struct dir_slot *s = get_listing(fs, real, drive, pass > 0 ? LIST_FRESH : LIST_CACHED, &err, &was_read);
		if (!s)
			break;
		int64_t i = listing_find_host(&s->list, host_name);
		if (i >= 0 && s->list.ents[i].name[0]) {
			strcpy(out, s->list.ents[i].name);
			return 0;
		}
	}
	/* Not listed (or outside every drive): the name it would get alone. */
	if (!plain_name(host_name, out))
		mangle(host_name, 0, out);
	return 0;
}

int hostfs_stat(struct hostfs *fs, const char *host_path, struct hostfs_entry *e)
{
	char real[PATH_MAX];
	struct stat st;
	if (!realpath(host_path, real))
		return errno == ENOENT ? DOSERR_FILE_NOT_FOUND : DOSERR_ACCESS_DENIED;
	int drive = drive_of(fs, real);
	if (drive < 0)
		return DOSERR_ACCESS_DENIED;
	if (stat(real, &st) != 0)
		return DOSERR_FILE_NOT_FOUND;
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return DOSERR_ACCESS_DENIED;
	if (strcmp(real, fs->drive[drive].root) == 0) {
		fill_entry(e, "", &st, DOSATTR_DIR); /* a root has no name */
		return 0;
	}
	/* The name DOS sees is the link's, found in the link's directory. */
	char dir[HOSTFS_HOST_PATH], name[13];
	strcpy(dir, host_path);
	char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : dir;
	if (slash == dir)
		hostfs_short_name(fs, "/", base, name);
	else if (slash) {
		*slash = 0;
		hostfs_short_name(fs, dir, base, name);
	} else
		hostfs_short_name(fs, ".", base, name);
	fill_entry(e, name, &st, attr_of(&st, base));
	return 0;
}

int hostfs_resolve_entry(struct hostfs *fs, const char *dos_path, char *host_path, struct hostfs_entry *e)
{
	char canon[HOSTFS_DOS_PATH];
	struct resolved at;
	int err = hostfs_canonical(fs, dos_path, canon);
	if (!err)
		err = resolve_canon(fs, canon, HOSTFS_EXISTING, host_path, NULL, &at);
	if (err)
		return err;
	if (at.root || at.linked) /* rare: hostfs_stat's own way, realpath and all */
		return hostfs_stat(fs, host_path, e) ? DOSERR_FILE_NOT_FOUND : 0;
	/* The last component is a listed entry that is no symlink: its 8.3
	 * name is the last component of canon (what hostfs_short_name finds
	 * for its host name), host_path is its realpath, at.st its lstat. */
	const char *base = strrchr(host_path, '/') + 1;
	fill_entry(e, strrchr(canon, '\\') + 1, &at.st, attr_of(&at.st, base));
	return 0;
}

/* ---- volume label and free space ---------------------------------------- */

int hostfs_label(const struct hostfs *fs, int drive, char *out)
{
	if (!hostfs_mapped(fs, drive))
		return DOSERR_INVALID_DRIVE;
	const char *base = strrchr(fs->drive[drive].root, '/') + 1;
	size_t n = 0;
	for (; base[n] && n < 11; n++)
		out[n] = base[n] == ' ' ? ' ' : mangle_char(base[n]);
	out[n] = 0;
	return 0;
}

/* INT 21h/36h figures (RBIL): 512-byte sectors, the smallest power-of-two
 * cluster (up to 64 sectors) that brings the total under 65536 clusters;
 * larger disks are reported as their first ~2 GiB, which 16-bit programs
 * multiplying the figures can take. */
int hostfs_space(const struct hostfs *fs, int drive, uint16_t *spc, uint16_t *bps, uint16_t *free_clusters,
		 uint16_t *total_clusters)
{
	struct statvfs sv;
	if (!hostfs_mapped(fs, drive))
		return DOSERR_INVALID_DRIVE;
	if (statvfs(fs->drive[drive].root, &sv) != 0)
		return DOSERR_ACCESS_DENIED;
	uint64_t total = (uint64_t)sv.f_blocks * sv.f_frsize;
	uint64_t avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	uint64_t sectors = 1;
	while (sectors < 64 && total / (512 * sectors) > 0xFFFF)
		sectors *= 2;
	uint64_t cluster = 512 * sectors;
	uint64_t t = total / cluster, f = avail / cluster;
	if (t > 0xFFFF)
		t = 0xFFFF;
	if (f > t)
		f = t;
	*spc = (uint16_t)sectors;
	*bps = 512;
	*total_clusters = (uint16_t)t;
	*free_clusters = (uint16_t)f;
	return 0;
}

/* ---- directory search (INT 21h/4Eh, 4Fh) -------------------------------- */

/* RBIL INT 21h/4Eh: an entry is found if its hidden, system and directory
 * bits are all in the search attributes; read-only and archive do not
 * matter. */
static bool attr_wanted(uint8_t search, uint8_t attr)
{
	return (attr & (DOSATTR_HIDDEN | DOSATTR_SYSTEM | DOSATTR_DIR) & ~search) == 0;
}

static bool slot_is_root(const struct hostfs *fs, const struct dir_slot *s)
{
	return hostfs_mapped(fs, s->drive) && strcmp(s->path, fs->drive[s->drive].root) == 0;
}

/* The volume label as a search entry ("LABELNAM.EXT" from the 11
 * characters), dated as the root. Returns 0, or 1 if there is none. */
static int label_entry(const struct hostfs *fs, const struct dir_slot *s, struct hostfs_entry *e)
{
	char label[12], fcb[11], name[13];
	struct stat st;
	if (hostfs_label(fs, s->drive, label) != 0 || !label[0] || stat(s->path, &st) != 0)
		return 1;
	memset(fcb, ' ', sizeof fcb);
	memcpy(fcb, label, strlen(label));
	hostfs_name_from_fcb(fcb, name);
	fill_entry(e, name, &st, DOSATTR_VOLUME);
	memcpy(e->fcb_name, fcb, sizeof fcb);
	return 0;
}

/* "." (the directory) or ".." (its parent, inside the root since the
 * directory is not the root). Returns 0 or 1 if it cannot be read. */
static int dot_entry(const struct dir_slot *s, bool dotdot, struct hostfs_entry *e)
{
	char path[HOSTFS_HOST_PATH];
	struct stat st;
	strcpy(path, s->path);
	if (dotdot) {
		char *slash = strrchr(path, '/');
		slash[slash == path ? 1 : 0] = 0;
	}
	if (stat(path, &st) != 0)
		return 1;
	fill_entry(e, dotdot ? ".." : ".", &st, DOSATTR_DIR);
	return 0;
}

/* Listed entry k as a search entry. Entries that are gone, have no 8.3
 * name, or are not a file or directory inside the root (symlinks out of
 * it, devices, FIFOs) are left out: returns 1. */
static int file_entry(const struct hostfs *fs, const struct dir_slot *s, uint32_t k, struct hostfs_entry *e)
{
	const struct dir_ent *d = &s->list.ents[k];
	char path[HOSTFS_HOST_PATH];
	struct stat st;
	if (!d->name[0] || !hostfs_mapped(fs, s->drive) || join(path, s->path, d->host) != 0)
		return 1;
	if (settle(fs->drive[s->drive].root, path, &st, NULL) != 0)
		return 1;
	fill_entry(e, d->name, &st, attr_of(&st, d->host));
	return 0;
}

/* Go on with a search from pos->index: the volume label (root, attribute
 * bit 3; alone if the attributes are exactly 08h, DOS 3+ per RBIL), "."
 * and ".." (not in a root), then the listed entries in host name order. */
static int find_scan(struct hostfs *fs, struct hostfs_find_pos *pos, struct hostfs_entry *e)
{
	struct dir_slot *s = slot_by_id(fs, pos->dir_id);
	if (!s)
		return DOSERR_NO_MORE_FILES;
	touch(fs, s);
	bool root = slot_is_root(fs, s);
	while (pos->index < FIND_END) {
		uint32_t i = pos->index++;
		int r = 1;
		if (i == FIND_LABEL) {
			if (root && (pos->attr & DOSATTR_VOLUME))
				r = label_entry(fs, s, e);
		} else if (pos->attr == DOSATTR_VOLUME) {
			break;
		} else if (i < FIND_ENTRIES) {
			if (!root)
				r = dot_entry(s, i == FIND_DOTDOT, e);
		} else if (i - FIND_ENTRIES >= s->list.n) {
			break;
		} else if (fcb_match(pos->pattern, s->list.ents[i - FIND_ENTRIES].fcb)) {
			r = file_entry(fs, s, i - FIND_ENTRIES, e);
		}
		if (r == 0 && fcb_match(pos->pattern, e->fcb_name) && attr_wanted(pos->attr, e->attr))
			return 0;
	}
	pos->index = FIND_END;
	return DOSERR_NO_MORE_FILES;
}

/* Find first: the directory part must exist (else 3); the listing is read
 * again unless the cached one is complete, in order and its directory
 * unchanged (LIST_SEARCH). Nothing found gives 18 for a wildcard pattern and 2 for a plain
 * name. */
int hostfs_find_first(struct hostfs *fs, const char *dos_path, uint8_t attr, struct hostfs_find_pos *pos,
		      struct hostfs_entry *e)
{
	char canon[HOSTFS_DOS_PATH], host[HOSTFS_HOST_PATH];
	bool dir = false;
	int err = hostfs_canonical(fs, dos_path, canon);
	if (err)
		return err;
	char *last = strrchr(canon, '\\');
	if (!last[1])
		return DOSERR_PATH_NOT_FOUND; /* a root has no name to search for */
	char name[13];
	strcpy(name, last + 1);
	if (last == canon + 2)
		last[1] = 0; /* "C:\" */
	else
		last[0] = 0;
	err = resolve_canon(fs, canon, HOSTFS_EXISTING, host, &dir, NULL);
	if (err == DOSERR_FILE_NOT_FOUND || (!err && !dir))
		return DOSERR_PATH_NOT_FOUND;
	if (err)
		return err;
	bool was_read;
	struct dir_slot *s = get_listing(fs, host, canon[0] - 'A', LIST_SEARCH, &err, &was_read);
	if (!s)
		return errno_to_dos(-err);
	memset(pos, 0, sizeof *pos);
	pos->dir_id = slot_id(fs, s);
	pos->attr = attr;
	to_fcb(name, pos->pattern); /* the canonical form has '*' as '?' already */
	err = find_scan(fs, pos, e);
	if (err == DOSERR_NO_MORE_FILES && !has_wildcard(name))
		return DOSERR_FILE_NOT_FOUND;
	return err;
}

int hostfs_find_next(struct hostfs *fs, struct hostfs_find_pos *pos, struct hostfs_entry *e)
{
	return find_scan(fs, pos, e);
}
