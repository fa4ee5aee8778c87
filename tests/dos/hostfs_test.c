/*
 * hostfs_test.c - tests of DOS drives on host directories (src/dos/hostfs.c)
 * on a temporary tree under /tmp: 8.3 lookup, mangled names, canonical
 * paths, current directories, directory search, attributes, and the
 * sandbox (nothing outside the drive root can be reached).
 *
 * Tree (T = mkdtemp, C: = T/c):
 *   T/c/README.TXT  "hello"        T/c/readme.txt (case twin)
 *   T/c/longfilename.txt           T/c/a b.txt     T/c/.hidden
 *   T/c/Makefile    T/c/ro.txt (0444)   T/c/con.txt (a device name)
 *   T/c/sub/inner.dat  T/c/sub/deeper/
 *   T/c/link_out -> /etc   T/c/link_in -> sub   T/c/pfx -> ../cx
 *   T/c/dangling -> T/nowhere     T/c/pipe (a FIFO)
 *   T/cx/secret.txt (a sibling whose name starts like the root's)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dos/hostfs.h"

enum { C = 2, D = 3, E = 4 };

struct fixture {
	char tmp[64];
	char root[256]; /* realpath of T/c */
	struct hostfs *fs;
};

static void path_in(const struct fixture *f, const char *rel, char *out)
{
	snprintf(out, HOSTFS_HOST_PATH, "%s/%s", f->tmp, rel);
}

static void make_file(const struct fixture *f, const char *rel, const char *text, mode_t mode)
{
	char p[HOSTFS_HOST_PATH];
	path_in(f, rel, p);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(p, mode), 0);
}

static void make_dir(const struct fixture *f, const char *rel)
{
	char p[HOSTFS_HOST_PATH];
	path_in(f, rel, p);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void make_link(const struct fixture *f, const char *target, const char *rel)
{
	char p[HOSTFS_HOST_PATH];
	path_in(f, rel, p);
	assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	strcpy(f->tmp, "/tmp/hostfs-test-XXXXXX");
	assert_non_null(mkdtemp(f->tmp));
	make_dir(f, "c");
	make_dir(f, "cx");
	make_file(f, "cx/secret.txt", "secret", 0644);
	make_file(f, "c/README.TXT", "hello", 0644);
	make_file(f, "c/readme.txt", "twin", 0644);
	make_file(f, "c/longfilename.txt", "long", 0644);
	make_file(f, "c/a b.txt", "blank", 0644);
	make_file(f, "c/.hidden", "dot", 0644);
	make_file(f, "c/Makefile", "all:", 0644);
	make_file(f, "c/ro.txt", "ro", 0444);
	make_file(f, "c/con.txt", "device", 0644);
	make_dir(f, "c/sub");
	make_file(f, "c/sub/inner.dat", "inner", 0644);
	make_dir(f, "c/sub/deeper");
	make_link(f, "/etc", "c/link_out");
	make_link(f, "sub", "c/link_in");
	make_link(f, "../cx", "c/pfx");
	char nowhere[HOSTFS_HOST_PATH];
	path_in(f, "nowhere", nowhere);
	make_link(f, nowhere, "c/dangling");
	char fifo[HOSTFS_HOST_PATH];
	path_in(f, "c/pipe", fifo);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	char c[HOSTFS_HOST_PATH];
	path_in(f, "c", c);
	char *real = realpath(c, NULL);
	assert_non_null(real);
	assert_true(strlen(real) < sizeof f->root);
	strcpy(f->root, real);
	free(real);
	assert_int_equal(hostfs_create(&f->fs), 0);
	assert_int_equal(hostfs_map(f->fs, C, c), 0);
	*state = f;
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	hostfs_destroy(f->fs);
	nftw(f->tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* host path = root + "/" + rel ("" for the root itself) */
static void expect_host(const struct fixture *f, const char *host, const char *rel)
{
	char want[HOSTFS_HOST_PATH];
	if (rel[0])
		snprintf(want, sizeof want, "%s/%s", f->root, rel);
	else
		snprintf(want, sizeof want, "%s", f->root);
	assert_string_equal(host, want);
}

static int resolve(struct fixture *f, const char *dos, enum hostfs_want want, char *host, bool *dir)
{
	return hostfs_resolve(f->fs, dos, want, host, NULL, dir);
}

/* The short name of a host name in the root. */
static void short_name(struct fixture *f, const char *host, char *out)
{
	assert_int_equal(hostfs_short_name(f->fs, f->root, host, out), 0);
}

static bool is_mangled(const char *name, const char *prefix, const char *ext)
{
	size_t p = strlen(prefix);
	if (strncmp(name, prefix, p) != 0 || name[p] != '~')
		return false;
	for (size_t i = 1; i <= 3; i++) {
		char c = name[p + i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')))
			return false;
	}
	return strcmp(name + p + 4, ext) == 0;
}

/* ---- drives ---- */

static void test_map_drives(void **state)
{
	struct fixture *f = *state;
	assert_true(hostfs_mapped(f->fs, C));
	assert_false(hostfs_mapped(f->fs, D));
	assert_string_equal(hostfs_root(f->fs, C), f->root);
	assert_null(hostfs_root(f->fs, D));
	assert_int_equal(hostfs_current_drive(f->fs), C);
	assert_int_equal(hostfs_set_current_drive(f->fs, D), DOSERR_INVALID_DRIVE);
	assert_int_equal(hostfs_map(f->fs, D, "/nonexistent/hostfs"), -ENOENT);
	char file[HOSTFS_HOST_PATH];
	path_in(f, "c/README.TXT", file);
	assert_int_equal(hostfs_map(f->fs, D, file), -ENOTDIR);
	assert_int_equal(hostfs_map(f->fs, HOSTFS_DRIVES, f->root), -EINVAL);
	char sub[HOSTFS_HOST_PATH];
	path_in(f, "c/sub", sub);
	assert_int_equal(hostfs_map(f->fs, D, sub), 0);
	assert_int_equal(hostfs_set_current_drive(f->fs, D), 0);
	assert_int_equal(hostfs_current_drive(f->fs), D);
}

/* ---- 8.3 names ---- */

static void test_case_insensitive_lookup(void **state)
{
	struct fixture *f = *state;
	char host[HOSTFS_HOST_PATH];
	bool dir = true;
	assert_int_equal(resolve(f, "C:\\README.TXT", HOSTFS_EXISTING, host, &dir), 0);
	expect_host(f, host, "README.TXT");
	assert_false(dir);
	/* "readme.txt" is the case twin: the plain name goes to README.TXT. */
	assert_int_equal(resolve(f, "c:\\readme.txt", HOSTFS_EXISTING, host, NULL), 0);
	expect_host(f, host, "README.TXT");
	assert_int_equal(resolve(f, "c:/Sub/Inner.Dat", HOSTFS_EXISTING, host, &dir), 0);
	expect_host(f, host, "sub/inner.dat");
	assert_int_equal(resolve(f, "makefile", HOSTFS_EXISTING, host, NULL), 0);
	expect_host(f, host, "Makefile");
	assert_int_equal(resolve(f, "C:\\SUB", HOSTFS_EXISTING, host, &dir), 0);
	expect_host(f, host, "sub");
	assert_true(dir);
	assert_int_equal(resolve(f, "C:\\", HOSTFS_EXISTING, host, &dir), 0);
	expect_host(f, host, "");
	assert_true(dir);
}

static void test_mangled_names(void **state)
{
	struct fixture *f = *state;
	char name[13], again[13], host[HOSTFS_HOST_PATH], path[HOSTFS_DOS_PATH];

	short_name(f, "README.TXT", name);
	assert_string_equal(name, "README.TXT");
	short_name(f, "Makefile", name);
	assert_string_equal(name, "MAKEFILE");

	/* Not 8.3: prefix, '~', three hash digits, extension. Stable: the same
	   in a second hostfs and the same as in every run (FNV-1a). */
	short_name(f, "longfilename.txt", name);
	assert_true(is_mangled(name, "LONG", ".TXT"));
	assert_string_equal(name, "LONG~CKO.TXT" /* FNV-1a("longfilename.txt") % 36^3 */);
	struct hostfs *other;
	assert_int_equal(hostfs_create(&other), 0);
	assert_int_equal(hostfs_map(other, C, f->root), 0);
	assert_int_equal(hostfs_short_name(other, f->root, "longfilename.txt", again), 0);
	assert_string_equal(name, again);
	hostfs_destroy(other);

	/* Resolvable back, in any case. */
	snprintf(path, sizeof path, "C:\\%s", name);
	assert_int_equal(resolve(f, path, HOSTFS_EXISTING, host, NULL), 0);
	expect_host(f, host, "longfilename.txt");
	for (char *p = path; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	assert_int_equal(resolve(f, path, HOSTFS_EXISTING, host, NULL), 0);
	expect_host(f, host, "longfilename.txt");

	/* The case twin sorted second, a blank, a dotfile, a device name. */
	short_name(f, "readme.txt", name);
	assert_true(is_mangled(name, "READ", ".TXT"));
	snprintf(path, sizeof path, "C:\\%s", name);
	assert_int_equal(resolve(f, path, HOSTFS_EXISTING, host, NULL), 0);
	expect_host(f, host, "readme.txt");
	short_name(f, "a b.txt", name);
	assert_true(is_mangled(name, "A_B", ".TXT"));
	short_name(f, ".hidden", name);
	assert_true(is_mangled(name, "HIDD", ""));
	short_name(f, "con.txt", name);
	assert_true(is_mangled(name, "CON", ".TXT"));
	assert_int_equal(hostfs_short_name(f->fs, f->root, "..", name), -1);
	assert_int_equal(hostfs_short_name(f->fs, f->root, ".", name), -1);

	/* A name that is not there (yet) gets the name it would have alone. */
	short_name(f, "another long name.c", name);
	assert_true(is_mangled(name, "ANOT", ".C"));
}

static void test_stat_attributes(void **state)
{
	struct fixture *f = *state;
	char host[HOSTFS_HOST_PATH];
	struct hostfs_entry e;

	assert_int_equal(resolve(f, "C:\\RO.TXT", HOSTFS_EXISTING, host, NULL), 0);
	assert_int_equal(hostfs_stat(f->fs, host, &e), 0);
	assert_string_equal(e.name, "RO.TXT");
	assert_memory_equal(e.fcb_name, "RO      TXT", 11);
	assert_int_equal(e.attr, DOSATTR_READONLY | DOSATTR_ARCHIVE);
	assert_int_equal(e.size, 2);

	assert_int_equal(resolve(f, "C:\\README.TXT", HOSTFS_EXISTING, host, NULL), 0);
	assert_int_equal(hostfs_stat(f->fs, host, &e), 0);
	assert_int_equal(e.attr, DOSATTR_ARCHIVE);
	assert_int_equal(e.size, 5);

	assert_int_equal(resolve(f, "C:\\SUB", HOSTFS_EXISTING, host, NULL), 0);
	assert_int_equal(hostfs_stat(f->fs, host, &e), 0);
	assert_int_equal(e.attr, DOSATTR_DIR);
	assert_int_equal(e.size, 0);

	char hidden[HOSTFS_HOST_PATH], name[13];
	snprintf(hidden, sizeof hidden, "%s/.hidden", f->root);
	assert_int_equal(hostfs_stat(f->fs, hidden, &e), 0);
	assert_int_equal(e.attr, DOSATTR_HIDDEN | DOSATTR_ARCHIVE);
	short_name(f, ".hidden", name);
	assert_string_equal(e.name, name);

	/* Outside every drive: refused. */
	char secret[HOSTFS_HOST_PATH];
	path_in(f, "cx/secret.txt", secret);
	assert_int_equal(hostfs_stat(f->fs, secret, &e), DOSERR_ACCESS_DENIED);
}

static void test_times(void **state)
{
	(void)state;
	struct tm tm = { .tm_year = 95, .tm_mon = 5, .tm_mday = 17, .tm_hour = 13, .tm_min = 45,
			 .tm_sec = 31, .tm_isdst = -1 };
	time_t t = mktime(&tm);
	uint16_t date, time;
	hostfs_dos_time(t, &date, &time);
	assert_int_equal(date, (15 << 9) | (6 << 5) | 17);
	assert_int_equal(time, (13 << 11) | (45 << 5) | 15);
	assert_int_equal(hostfs_host_time(date, time), t - 1); /* 2-second steps */
	hostfs_dos_time(0, &date, &time); /* 1970: clamped to 1980-01-01 */
	assert_int_equal(date, (1 << 5) | 1);
	assert_int_equal(time, 0);
}

static void test_file_dates(void **state)
{
	struct fixture *f = *state;
	struct tm tm = { .tm_year = 101, .tm_mon = 8, .tm_mday = 9, .tm_hour = 8, .tm_min = 7,
			 .tm_sec = 6, .tm_isdst = -1 };
	struct timespec ts[2] = { { mktime(&tm), 0 }, { mktime(&tm), 0 } };
	char host[HOSTFS_HOST_PATH];
	struct hostfs_entry e;
	snprintf(host, sizeof host, "%s/README.TXT", f->root);
	assert_int_equal(utimensat(AT_FDCWD, host, ts, 0), 0);
	assert_int_equal(hostfs_stat(f->fs, host, &e), 0);
	assert_int_equal(e.date, (21 << 9) | (9 << 5) | 9);
	assert_int_equal(e.time, (8 << 11) | (7 << 5) | 3);
}

/* ---- DOS paths ---- */

static void expect_canonical(struct fixture *f, const char *in, const char *want)
{
	char out[HOSTFS_DOS_PATH];
	assert_int_equal(hostfs_canonical(f->fs, in, out), 0);
	assert_string_equal(out, want);
}

static void expect_canonical_error(struct fixture *f, const char *in, int err)
{
	char out[HOSTFS_DOS_PATH];
	assert_int_equal(hostfs_canonical(f->fs, in, out), err);
}

static void test_canonical(void **state)
{
	struct fixture *f = *state;
	expect_canonical(f, "C:\\", "C:\\");
	expect_canonical(f, "c:", "C:\\");
	expect_canonical(f, "file.txt", "C:\\FILE.TXT");
	expect_canonical(f, "c:/sub/./deeper/", "C:\\SUB\\DEEPER");
	expect_canonical(f, "\\sub\\..\\..\\..\\x", "C:\\X");
	expect_canonical(f, "longfilename.text", "C:\\LONGFILE.TEX");
	expect_canonical(f, "verylongdirectory\\x", "C:\\VERYLONG\\X");
	expect_canonical(f, "*.*", "C:\\????????.???");
	expect_canonical(f, "a*", "C:\\A???????");
	expect_canonical(f, "ab*cd.t*x", "C:\\AB??????.T??");
	expect_canonical(f, "name.", "C:\\NAME");
	expect_canonical(f, "name .txt ", "C:\\NAME.TXT");

	assert_int_equal(hostfs_chdir(f->fs, "sub"), 0);
	expect_canonical(f, "file.txt", "C:\\SUB\\FILE.TXT");
	expect_canonical(f, "c:file.txt", "C:\\SUB\\FILE.TXT");
	expect_canonical(f, "..\\x", "C:\\X");
	expect_canonical(f, "C:", "C:\\SUB");
	expect_canonical(f, ".", "C:\\SUB");
	expect_canonical(f, "\\x", "C:\\X");

	expect_canonical_error(f, "", DOSERR_PATH_NOT_FOUND);
	expect_canonical_error(f, "a\\\\b", DOSERR_PATH_NOT_FOUND);
	expect_canonical_error(f, "\\\\server\\share", DOSERR_PATH_NOT_FOUND);
	expect_canonical_error(f, "a.b.c", DOSERR_PATH_NOT_FOUND);
	expect_canonical_error(f, ".ext", DOSERR_PATH_NOT_FOUND);
	expect_canonical_error(f, "...", DOSERR_PATH_NOT_FOUND);
	expect_canonical_error(f, "a+b", DOSERR_PATH_NOT_FOUND);
	expect_canonical_error(f, "a b", DOSERR_PATH_NOT_FOUND);
	expect_canonical_error(f, "a:b:c", DOSERR_INVALID_DRIVE);
	expect_canonical_error(f, "C:a:b", DOSERR_PATH_NOT_FOUND);
	expect_canonical_error(f, "D:\\x", DOSERR_INVALID_DRIVE);

	/* Too long for the 128-byte buffer. */
	char longp[400] = "C:";
	for (int i = 0; i < 40; i++)
		strcat(longp, "\\DIRNAME");
	expect_canonical_error(f, longp, DOSERR_PATH_NOT_FOUND);
}

static void test_chdir_getcwd(void **state)
{
	struct fixture *f = *state;
	char cwd[HOSTFS_DOS_PATH];
	assert_int_equal(hostfs_getcwd(f->fs, C, cwd), 0);
	assert_string_equal(cwd, "\\");
	assert_int_equal(hostfs_chdir(f->fs, "sub"), 0);
	assert_int_equal(hostfs_getcwd(f->fs, C, cwd), 0);
	assert_string_equal(cwd, "\\SUB");
	assert_int_equal(hostfs_chdir(f->fs, "Deeper"), 0);
	assert_int_equal(hostfs_getcwd(f->fs, C, cwd), 0);
	assert_string_equal(cwd, "\\SUB\\DEEPER");

	char host[HOSTFS_HOST_PATH];
	assert_int_equal(resolve(f, "..\\inner.dat", HOSTFS_EXISTING, host, NULL), 0);
	expect_host(f, host, "sub/inner.dat");

	assert_int_equal(hostfs_chdir(f->fs, ".."), 0);
	assert_int_equal(hostfs_getcwd(f->fs, C, cwd), 0);
	assert_string_equal(cwd, "\\SUB");
	assert_int_equal(hostfs_chdir(f->fs, "nosuch"), DOSERR_PATH_NOT_FOUND);
	assert_int_equal(hostfs_chdir(f->fs, "inner.dat"), DOSERR_PATH_NOT_FOUND);
	assert_int_equal(hostfs_chdir(f->fs, "*"), DOSERR_PATH_NOT_FOUND);
	assert_int_equal(hostfs_chdir(f->fs, "D:\\"), DOSERR_PATH_NOT_FOUND);
	assert_int_equal(hostfs_getcwd(f->fs, C, cwd), 0);
	assert_string_equal(cwd, "\\SUB");
	assert_int_equal(hostfs_chdir(f->fs, "\\"), 0);
	assert_int_equal(hostfs_getcwd(f->fs, C, cwd), 0);
	assert_string_equal(cwd, "\\");
	assert_int_equal(hostfs_getcwd(f->fs, D, cwd), DOSERR_INVALID_DRIVE);

	/* CHDIR on another drive sets that drive's directory only. */
	assert_int_equal(hostfs_map(f->fs, D, f->root), 0);
	assert_int_equal(hostfs_chdir(f->fs, "D:sub"), 0);
	assert_int_equal(hostfs_getcwd(f->fs, D, cwd), 0);
	assert_string_equal(cwd, "\\SUB");
	assert_int_equal(hostfs_getcwd(f->fs, C, cwd), 0);
	assert_string_equal(cwd, "\\");
	assert_int_equal(hostfs_current_drive(f->fs), C);
}

static void test_parent_for_new_files(void **state)
{
	struct fixture *f = *state;
	char host[HOSTFS_HOST_PATH], canon[HOSTFS_DOS_PATH];
	bool dir = true;
	assert_int_equal(resolve(f, "C:\\SUB\\NEW.TXT", HOSTFS_EXISTING, host, NULL), DOSERR_FILE_NOT_FOUND);
	assert_int_equal(hostfs_resolve(f->fs, "c:/sub/New.Txt", HOSTFS_PARENT, host, canon, &dir), 0);
	expect_host(f, host, "sub/new.txt");
	assert_string_equal(canon, "C:\\SUB\\NEW.TXT");
	assert_false(dir);
	/* An existing last component is the existing entry. */
	assert_int_equal(resolve(f, "C:\\SUB\\INNER.DAT", HOSTFS_PARENT, host, &dir), 0);
	expect_host(f, host, "sub/inner.dat");
	assert_int_equal(resolve(f, "C:\\SUB\\DEEPER", HOSTFS_PARENT, host, &dir), 0);
	assert_true(dir);
	/* The parent must exist and be a directory; no wildcards. */
	assert_int_equal(resolve(f, "C:\\NOSUCH\\NEW.TXT", HOSTFS_PARENT, host, NULL), DOSERR_PATH_NOT_FOUND);
	assert_int_equal(resolve(f, "C:\\NOSUCH\\NEW.TXT", HOSTFS_EXISTING, host, NULL), DOSERR_PATH_NOT_FOUND);
	assert_int_equal(resolve(f, "C:\\RO.TXT\\NEW.TXT", HOSTFS_PARENT, host, NULL), DOSERR_PATH_NOT_FOUND);
	assert_int_equal(resolve(f, "C:\\*.TXT", HOSTFS_PARENT, host, NULL), DOSERR_PATH_NOT_FOUND);
	assert_int_equal(resolve(f, "C:\\S?B\\X", HOSTFS_EXISTING, host, NULL), DOSERR_PATH_NOT_FOUND);
	/* A device name would never be shown back under its name. */
	assert_int_equal(resolve(f, "C:\\CON.TXT", HOSTFS_PARENT, host, NULL), DOSERR_ACCESS_DENIED);

	/* Created on the host right after a lookup: found at once. */
	make_file(f, "c/sub/new.txt", "new", 0644);
	assert_int_equal(resolve(f, "C:\\SUB\\NEW.TXT", HOSTFS_EXISTING, host, &dir), 0);
	expect_host(f, host, "sub/new.txt");
	assert_false(dir);
	/* Removed on the host: gone at once. */
	char p[HOSTFS_HOST_PATH];
	path_in(f, "c/sub/new.txt", p);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(resolve(f, "C:\\SUB\\NEW.TXT", HOSTFS_EXISTING, host, NULL), DOSERR_FILE_NOT_FOUND);
}

/* ---- directory search ---- */

/* All names a search finds, "|" separated; 0 or find first's error. The
 * search must then stay ended. */
static int find_all(struct fixture *f, const char *pattern, uint8_t attr, char *out, size_t size)
{
	struct hostfs_find_pos pos;
	struct hostfs_entry e;
	out[0] = 0;
	int r = hostfs_find_first(f->fs, pattern, attr, &pos, &e);
	if (r)
		return r;
	do {
		size_t n = strlen(out);
		snprintf(out + n, size - n, "%s%s", n ? "|" : "", e.name);
	} while ((r = hostfs_find_next(f->fs, &pos, &e)) == 0);
	assert_int_equal(r, DOSERR_NO_MORE_FILES);
	assert_int_equal(hostfs_find_next(f->fs, &pos, &e), DOSERR_NO_MORE_FILES);
	return 0;
}

/* Root entries in host name order: ".hidden" "Makefile" "README.TXT"
 * "a b.txt" "con.txt" "dangling" "link_in" "link_out" "longfilename.txt"
 * "pfx" "pipe" "readme.txt" "ro.txt" "sub". */
static void test_find_files(void **state)
{
	struct fixture *f = *state;
	char got[1024], want[1024], again[1024], ab[13], con[13], lfn[13], twin[13];
	short_name(f, "a b.txt", ab);
	short_name(f, "con.txt", con);
	short_name(f, "longfilename.txt", lfn);
	short_name(f, "readme.txt", twin);

	/* Normal files only: no directories, hidden files, symlinks out. */
	assert_int_equal(find_all(f, "C:\\*.*", 0, got, sizeof got), 0);
	snprintf(want, sizeof want, "MAKEFILE|README.TXT|%s|%s|%s|%s|RO.TXT", ab, con, lfn, twin);
	assert_string_equal(got, want);
	assert_int_equal(find_all(f, "C:\\*.*", 0, again, sizeof again), 0);
	assert_string_equal(got, again);

	/* Directories and hidden files when asked; link_in is a directory. */
	assert_int_equal(find_all(f, "C:\\*.*", DOSATTR_DIR | DOSATTR_HIDDEN, got, sizeof got), 0);
	char hid[13];
	short_name(f, ".hidden", hid);
	snprintf(want, sizeof want, "%s|MAKEFILE|README.TXT|%s|%s|LINK_IN|%s|%s|RO.TXT|SUB", hid, ab, con, lfn,
		 twin);
	assert_string_equal(got, want);

	/* "*" is "????????   ": names without an extension only. */
	assert_int_equal(find_all(f, "C:\\*", DOSATTR_DIR, got, sizeof got), 0);
	assert_string_equal(got, "MAKEFILE|LINK_IN|SUB");
	assert_int_equal(find_all(f, "C:\\R?ADME.*", 0, got, sizeof got), 0);
	assert_string_equal(got, "README.TXT");
	assert_int_equal(find_all(f, "C:\\*.T?T", 0, got, sizeof got), 0);
	snprintf(want, sizeof want, "README.TXT|%s|%s|%s|%s|RO.TXT", ab, con, lfn, twin);
	assert_string_equal(got, want);
	assert_int_equal(find_all(f, "c:/readme.txt", 0, got, sizeof got), 0);
	assert_string_equal(got, "README.TXT");

	/* Nothing there: 18 for a pattern, 2 for a name, 3 for a directory. */
	assert_int_equal(find_all(f, "C:\\*.XYZ", 0, got, sizeof got), DOSERR_NO_MORE_FILES);
	assert_int_equal(find_all(f, "C:\\NOSUCH.TXT", 0, got, sizeof got), DOSERR_FILE_NOT_FOUND);
	assert_int_equal(find_all(f, "C:\\NOSUCH\\*.*", 0, got, sizeof got), DOSERR_PATH_NOT_FOUND);
	assert_int_equal(find_all(f, "C:\\RO.TXT\\*.*", 0, got, sizeof got), DOSERR_PATH_NOT_FOUND);
	assert_int_equal(find_all(f, "E:\\*.*", 0, got, sizeof got), DOSERR_INVALID_DRIVE);
	assert_int_equal(find_all(f, "C:\\SUB", 0, got, sizeof got), DOSERR_FILE_NOT_FOUND);
	assert_int_equal(find_all(f, "C:\\SUB", DOSATTR_DIR, got, sizeof got), 0);
	assert_string_equal(got, "SUB");
}

static void test_find_entries(void **state)
{
	struct fixture *f = *state;
	struct hostfs_find_pos pos;
	struct hostfs_entry e;
	char got[1024];

	/* "." and ".." first in a subdirectory, as directories. */
	assert_int_equal(find_all(f, "C:\\SUB\\*.*", DOSATTR_DIR, got, sizeof got), 0);
	assert_string_equal(got, ".|..|DEEPER|INNER.DAT");
	assert_int_equal(hostfs_find_first(f->fs, "C:\\SUB\\*.*", DOSATTR_DIR, &pos, &e), 0);
	assert_string_equal(e.name, ".");
	assert_memory_equal(e.fcb_name, ".          ", 11);
	assert_int_equal(e.attr, DOSATTR_DIR);
	assert_int_equal(hostfs_find_next(f->fs, &pos, &e), 0);
	assert_string_equal(e.name, "..");
	assert_memory_equal(e.fcb_name, "..         ", 11);
	assert_int_equal(hostfs_find_next(f->fs, &pos, &e), 0);
	assert_string_equal(e.name, "DEEPER");
	assert_int_equal(e.attr, DOSATTR_DIR);
	assert_int_equal(hostfs_find_next(f->fs, &pos, &e), 0);
	assert_string_equal(e.name, "INNER.DAT");
	assert_memory_equal(e.fcb_name, "INNER   DAT", 11);
	assert_int_equal(e.attr, DOSATTR_ARCHIVE);
	assert_int_equal(e.size, 5);
	/* Without the directory bit: files only. */
	assert_int_equal(find_all(f, "C:\\SUB\\*.*", 0, got, sizeof got), 0);
	assert_string_equal(got, "INNER.DAT");
	/* Through a symlink inside the root, relative to the cwd. */
	assert_int_equal(hostfs_chdir(f->fs, "link_in"), 0);
	assert_int_equal(find_all(f, "*.*", DOSATTR_DIR, got, sizeof got), 0);
	assert_string_equal(got, ".|..|DEEPER|INNER.DAT");
	assert_int_equal(find_all(f, "DEEPER\\*.*", DOSATTR_DIR, got, sizeof got), 0);
	assert_string_equal(got, ".|..");
}

static void test_find_volume_label(void **state)
{
	struct fixture *f = *state;
	char label[12], got[1024];
	struct hostfs_find_pos pos;
	struct hostfs_entry e;
	assert_int_equal(hostfs_label(f->fs, C, label), 0);
	assert_string_equal(label, "C");
	assert_int_equal(hostfs_label(f->fs, D, label), DOSERR_INVALID_DRIVE);

	/* Attribute 08h alone: the label only (DOS 3+). */
	assert_int_equal(find_all(f, "C:\\*.*", DOSATTR_VOLUME, got, sizeof got), 0);
	assert_string_equal(got, "C");
	assert_int_equal(hostfs_find_first(f->fs, "C:\\*.*", DOSATTR_VOLUME, &pos, &e), 0);
	assert_int_equal(e.attr, DOSATTR_VOLUME);
	assert_memory_equal(e.fcb_name, "C          ", 11);
	/* With other bits: the label first, then the rest. */
	assert_int_equal(hostfs_find_first(f->fs, "C:\\*.*", 0x3F, &pos, &e), 0);
	assert_string_equal(e.name, "C");
	assert_int_equal(hostfs_find_next(f->fs, &pos, &e), 0);
	assert_int_equal(e.attr, DOSATTR_HIDDEN | DOSATTR_ARCHIVE);
	/* Not in a subdirectory, not without bit 3. */
	assert_int_equal(find_all(f, "C:\\SUB\\*.*", DOSATTR_VOLUME, got, sizeof got), DOSERR_NO_MORE_FILES);
	assert_int_equal(find_all(f, "C:\\C", 0, got, sizeof got), DOSERR_FILE_NOT_FOUND);

	/* A long root name: cut to 11 characters, in 8.3 form in the entry. */
	char p[HOSTFS_HOST_PATH];
	path_in(f, "c/sub/Volume.label-x", p);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(hostfs_map(f->fs, D, p), 0);
	assert_int_equal(hostfs_label(f->fs, D, label), 0);
	assert_string_equal(label, "VOLUME_LABE");
	assert_int_equal(find_all(f, "D:\\*.*", DOSATTR_VOLUME, got, sizeof got), 0);
	assert_string_equal(got, "VOLUME_L.ABE");
}

/* Find handles name one of 64 cached listings, reused LRU: a search whose
 * listing was pushed out ends (18) instead of reading another directory. */
static void test_find_handles_lru(void **state)
{
	struct fixture *f = *state;
	struct hostfs_find_pos first, pos;
	struct hostfs_entry e;
	char name[32];
	assert_int_equal(hostfs_find_first(f->fs, "C:\\SUB\\*.*", DOSATTR_DIR, &first, &e), 0);
	assert_string_equal(e.name, ".");
	/* A second search of the same directory shares the listing. */
	assert_int_equal(hostfs_find_first(f->fs, "C:\\SUB\\*.*", DOSATTR_DIR, &pos, &e), 0);
	assert_int_equal(pos.dir_id, first.dir_id);
	for (int i = 0; i < 70; i++) {
		snprintf(name, sizeof name, "c/sub/d%02d", i);
		make_dir(f, name);
	}
	for (int i = 0; i < 70; i++) {
		snprintf(name, sizeof name, "C:\\SUB\\D%02d\\*.*", i);
		assert_int_equal(hostfs_find_first(f->fs, name, DOSATTR_DIR, &pos, &e), 0);
		assert_string_equal(e.name, ".");
	}
	assert_int_equal(hostfs_find_next(f->fs, &first, &e), DOSERR_NO_MORE_FILES);
	assert_int_equal(hostfs_find_next(f->fs, &pos, &e), 0);
	assert_string_equal(e.name, "..");
	assert_int_equal(hostfs_find_next(f->fs, &pos, &e), DOSERR_NO_MORE_FILES);
}

/* A listing read for a search stays the search's: files created or
 * removed meanwhile do not shift its position (removed ones are skipped). */
static void test_find_snapshot(void **state)
{
	struct fixture *f = *state;
	struct hostfs_find_pos pos;
	struct hostfs_entry e;
	char host[HOSTFS_HOST_PATH];
	make_file(f, "c/sub/a.txt", "a", 0644);
	make_file(f, "c/sub/b.txt", "b", 0644);
	assert_int_equal(hostfs_find_first(f->fs, "C:\\SUB\\*.TXT", 0, &pos, &e), 0);
	assert_string_equal(e.name, "A.TXT");
	char p[HOSTFS_HOST_PATH];
	path_in(f, "c/sub/a.txt", p);
	assert_int_equal(unlink(p), 0);
	make_file(f, "c/sub/0.txt", "0", 0644);
	/* A lookup meanwhile sees the new directory. */
	assert_int_equal(resolve(f, "C:\\SUB\\0.TXT", HOSTFS_EXISTING, host, NULL), 0);
	assert_int_equal(hostfs_find_next(f->fs, &pos, &e), 0);
	assert_string_equal(e.name, "B.TXT");
	assert_int_equal(hostfs_find_next(f->fs, &pos, &e), DOSERR_NO_MORE_FILES);
}

/* ---- the sandbox ---- */

static void test_sandbox_dotdot(void **state)
{
	struct fixture *f = *state;
	char host[HOSTFS_HOST_PATH], canon[HOSTFS_DOS_PATH];
	/* ".." stops at the root: T/cx/secret.txt is not "..\CX\SECRET.TXT". */
	assert_int_equal(hostfs_resolve(f->fs, "C:\\..\\CX\\SECRET.TXT", HOSTFS_EXISTING, host, canon, NULL),
			 DOSERR_PATH_NOT_FOUND);
	assert_string_equal(canon, "C:\\CX\\SECRET.TXT");
	assert_int_equal(hostfs_chdir(f->fs, "sub\\deeper"), 0);
	assert_int_equal(resolve(f, "..\\..\\..\\..\\sub", HOSTFS_EXISTING, host, NULL), 0);
	expect_host(f, host, "sub");
	assert_int_equal(hostfs_chdir(f->fs, "..\\..\\..\\.."), 0);
	char cwd[HOSTFS_DOS_PATH];
	assert_int_equal(hostfs_getcwd(f->fs, C, cwd), 0);
	assert_string_equal(cwd, "\\");
}

static void test_sandbox_symlinks(void **state)
{
	struct fixture *f = *state;
	char host[HOSTFS_HOST_PATH];
	bool dir = false;
	/* Out of the root: refused, however reached. */
	assert_int_equal(resolve(f, "C:\\LINK_OUT", HOSTFS_EXISTING, host, NULL), DOSERR_ACCESS_DENIED);
	assert_int_equal(resolve(f, "C:\\LINK_OUT\\PASSWD", HOSTFS_EXISTING, host, NULL), DOSERR_ACCESS_DENIED);
	assert_int_equal(resolve(f, "C:\\LINK_OUT\\NEW.TXT", HOSTFS_PARENT, host, NULL), DOSERR_ACCESS_DENIED);
	assert_int_equal(hostfs_chdir(f->fs, "link_out"), DOSERR_ACCESS_DENIED);
	assert_int_equal(resolve(f, "C:\\LINK_OUT\\*.*", HOSTFS_EXISTING, host, NULL), DOSERR_PATH_NOT_FOUND);
	struct hostfs_find_pos pos;
	struct hostfs_entry e;
	assert_int_equal(hostfs_find_first(f->fs, "C:\\LINK_OUT\\*.*", 0, &pos, &e), DOSERR_ACCESS_DENIED);
	/* T/cx starts like T/c but is outside it. */
	assert_int_equal(resolve(f, "C:\\PFX\\SECRET.TXT", HOSTFS_EXISTING, host, NULL), DOSERR_ACCESS_DENIED);
	/* A dangling link would create its target wherever it points. */
	assert_int_equal(resolve(f, "C:\\DANGLING", HOSTFS_PARENT, host, NULL), DOSERR_ACCESS_DENIED);
	/* Neither file nor directory: refused, and never listed (find tests). */
	assert_int_equal(resolve(f, "C:\\PIPE", HOSTFS_EXISTING, host, NULL), DOSERR_ACCESS_DENIED);
	char pipe[HOSTFS_HOST_PATH];
	snprintf(pipe, sizeof pipe, "%s/pipe", f->root);
	assert_int_equal(hostfs_stat(f->fs, pipe, &e), DOSERR_ACCESS_DENIED);
	/* Inside the root: allowed, and the host path is the target's. */
	assert_int_equal(resolve(f, "C:\\LINK_IN", HOSTFS_EXISTING, host, &dir), 0);
	expect_host(f, host, "sub");
	assert_true(dir);
	assert_int_equal(resolve(f, "C:\\LINK_IN\\INNER.DAT", HOSTFS_EXISTING, host, &dir), 0);
	expect_host(f, host, "sub/inner.dat");
	assert_false(dir);
	/* A drive whose root is reached through a symlink keeps its realpath. */
	char via[HOSTFS_HOST_PATH];
	path_in(f, "c/link_in", via);
	assert_int_equal(hostfs_map(f->fs, D, via), 0);
	char want[HOSTFS_HOST_PATH];
	snprintf(want, sizeof want, "%s/sub", f->root);
	assert_string_equal(hostfs_root(f->fs, D), want);
}

static void test_sandbox_host_paths(void **state)
{
	struct fixture *f = *state;
	char host[HOSTFS_HOST_PATH], canon[HOSTFS_DOS_PATH];
	/* Host-looking paths are DOS paths from the drive root. */
	assert_int_equal(hostfs_resolve(f->fs, "C:\\etc\\passwd", HOSTFS_EXISTING, host, canon, NULL),
			 DOSERR_PATH_NOT_FOUND);
	assert_string_equal(canon, "C:\\ETC\\PASSWD");
	assert_int_equal(resolve(f, "/etc/passwd", HOSTFS_EXISTING, host, NULL), DOSERR_PATH_NOT_FOUND);
	assert_int_equal(resolve(f, "C:\\etc\\passwd", HOSTFS_PARENT, host, NULL), DOSERR_PATH_NOT_FOUND);
	make_dir(f, "c/etc");
	make_file(f, "c/etc/passwd", "root:x:0:0", 0644);
	assert_int_equal(resolve(f, "C:\\etc\\passwd", HOSTFS_EXISTING, host, NULL), 0);
	expect_host(f, host, "etc/passwd");
	assert_int_equal(resolve(f, "/etc/passwd", HOSTFS_EXISTING, host, NULL), 0);
	expect_host(f, host, "etc/passwd");
	assert_int_equal(resolve(f, "C:/../../etc/passwd", HOSTFS_EXISTING, host, NULL), 0);
	expect_host(f, host, "etc/passwd");
	/* Unmapped drives. */
	assert_int_equal(resolve(f, "E:\\FOO", HOSTFS_EXISTING, host, NULL), DOSERR_INVALID_DRIVE);
	assert_int_equal(resolve(f, "e:foo", HOSTFS_PARENT, host, NULL), DOSERR_INVALID_DRIVE);
	char cwd[HOSTFS_DOS_PATH], label[12];
	uint16_t a, b, c, d;
	assert_int_equal(hostfs_getcwd(f->fs, E, cwd), DOSERR_INVALID_DRIVE);
	assert_int_equal(hostfs_label(f->fs, E, label), DOSERR_INVALID_DRIVE);
	assert_int_equal(hostfs_space(f->fs, E, &a, &b, &c, &d), DOSERR_INVALID_DRIVE);
	assert_int_equal(hostfs_set_current_drive(f->fs, 26), DOSERR_INVALID_DRIVE);
}

/* DOS's own creates, renames and deletes keep the cached listing up to
 * date: creating 1,000 files reads the directory a bounded number of
 * times, not once or twice per file (issue 15, defect 3), and every one of
 * them is found and listed; a change from outside (a new stamp) is still
 * seen. */
static int create_via_dos(struct fixture *f, const char *dos)
{
	char host[HOSTFS_HOST_PATH];
	int e = hostfs_resolve(f->fs, dos, HOSTFS_PARENT, host, NULL, NULL);
	if (e)
		return e;
	int fd = open(host, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	hostfs_added(f->fs, host);
	return 0;
}

static void test_listing_follows_dos(void **state)
{
	struct fixture *f = *state;
	enum { N = 1000 };
	char name[32], host[HOSTFS_HOST_PATH];
	make_dir(f, "c/many");
	assert_int_equal(hostfs_resolve(f->fs, "C:\\MANY\\F0.TXT", HOSTFS_PARENT, host, NULL, NULL), 0);
	unsigned long before = hostfs_listing_reads(f->fs);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "C:\\MANY\\F%d.TXT", i);
		assert_int_equal(create_via_dos(f, name), 0);
	}
	unsigned long reads = hostfs_listing_reads(f->fs) - before;
	assert_true(reads <= 2);
	/* Each is there under its name, and a second create of one sees it. */
	for (int i = 0; i < N; i += 97) {
		snprintf(name, sizeof name, "C:\\MANY\\F%d.TXT", i);
		assert_int_equal(hostfs_resolve(f->fs, name, HOSTFS_EXISTING, host, NULL, NULL), 0);
	}
	assert_int_equal(create_via_dos(f, "C:\\MANY\\F5.TXT"), -EEXIST);
	/* Removed through DOS: gone from the listing, and can come back. */
	assert_int_equal(hostfs_resolve(f->fs, "C:\\MANY\\F7.TXT", HOSTFS_EXISTING, host, NULL, NULL), 0);
	assert_int_equal(unlink(host), 0);
	hostfs_removed(f->fs, host);
	assert_int_equal(hostfs_resolve(f->fs, "C:\\MANY\\F7.TXT", HOSTFS_EXISTING, host, NULL, NULL),
			 DOSERR_FILE_NOT_FOUND);
	assert_int_equal(create_via_dos(f, "C:\\MANY\\F7.TXT"), 0);
	assert_true(hostfs_listing_reads(f->fs) - before <= 2);
	/* A directory search lists every file once. */
	struct hostfs_find_pos pos;
	struct hostfs_entry e;
	unsigned count = 0;
	for (int r = hostfs_find_first(f->fs, "C:\\MANY\\*.*", 0, &pos, &e); r == 0;
	     r = hostfs_find_next(f->fs, &pos, &e))
		count++;
	assert_int_equal(count, N);
	/* A file made on the host side, the directory's stamp changed. */
	make_file(f, "c/many/Outside.txt", "x", 0644);
	char dir[HOSTFS_HOST_PATH];
	path_in(f, "c/many", dir);
	struct timespec past[2] = { { .tv_sec = 1000000000 }, { .tv_sec = 1000000000 } };
	assert_int_equal(utimensat(AT_FDCWD, dir, past, 0), 0);
	assert_int_equal(hostfs_resolve(f->fs, "C:\\MANY\\OUTSIDE.TXT", HOSTFS_EXISTING, host, NULL, NULL), 0);
	make_file(f, "c/many/late.txt", "x", 0644);
	past[0].tv_sec = past[1].tv_sec = 1000000001;
	assert_int_equal(utimensat(AT_FDCWD, dir, past, 0), 0);
	assert_int_equal(hostfs_resolve(f->fs, "C:\\MANY\\LATE.TXT", HOSTFS_EXISTING, host, NULL, NULL), 0);
}

/* A directory search answers from the cached listing while it is complete
 * and its directory unchanged (no read per find first: NMAKE and the
 * compilers search once per dependency), and still sees a file the host
 * (or another VM) made there: the directory's stamp changed. */
static void test_find_uses_complete_listing(void **state)
{
	struct fixture *f = *state;
	struct hostfs_find_pos pos;
	struct hostfs_entry e;
	char dir[HOSTFS_HOST_PATH];
	make_dir(f, "c/fnd");
	path_in(f, "c/fnd", dir);
	/* DOS's own creates leave the listing complete (hostfs_added); the
	 * search lists in host name order, as a fresh read does, not in the
	 * order DOS made them: one read puts the listing in order. */
	assert_int_equal(create_via_dos(f, "C:\\FND\\ONE.TXT"), 0);
	assert_int_equal(create_via_dos(f, "C:\\FND\\A0.TXT"), 0);
	unsigned long before = hostfs_listing_reads(f->fs);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(hostfs_find_first(f->fs, "C:\\FND\\*.*", 0, &pos, &e), 0);
		assert_string_equal(e.name, "A0.TXT");
		assert_int_equal(hostfs_find_next(f->fs, &pos, &e), 0);
		assert_string_equal(e.name, "ONE.TXT");
		assert_int_equal(hostfs_find_next(f->fs, &pos, &e), DOSERR_NO_MORE_FILES);
		assert_int_equal(hostfs_find_first(f->fs, "C:\\FND\\ONE.TXT", 0, &pos, &e), 0);
		assert_int_equal(hostfs_find_first(f->fs, "C:\\FND\\TWO.TXT", 0, &pos, &e), DOSERR_FILE_NOT_FOUND);
	}
	assert_int_equal(hostfs_listing_reads(f->fs) - before, 1);
	/* The listing read for the search is complete: looking up a missing
	 * name does not read the directory again. */
	char host[HOSTFS_HOST_PATH];
	assert_int_equal(resolve(f, "C:\\FND\\NONE.TXT", HOSTFS_EXISTING, host, NULL), DOSERR_FILE_NOT_FOUND);
	assert_int_equal(hostfs_listing_reads(f->fs) - before, 1);
	/* Made on the host side; the stamp moved (utimensat: a new mtime,
	 * whatever the timestamp granularity). */
	make_file(f, "c/fnd/two.txt", "2", 0644);
	struct timespec past[2] = { { .tv_sec = 1000000000 }, { .tv_sec = 1000000000 } };
	assert_int_equal(utimensat(AT_FDCWD, dir, past, 0), 0);
	assert_int_equal(hostfs_find_first(f->fs, "C:\\FND\\TWO.TXT", 0, &pos, &e), 0);
	assert_string_equal(e.name, "TWO.TXT");
	assert_int_equal(hostfs_find_first(f->fs, "C:\\FND\\*.TXT", 0, &pos, &e), 0);
	assert_string_equal(e.name, "A0.TXT");
	assert_int_equal(hostfs_find_next(f->fs, &pos, &e), 0);
	assert_string_equal(e.name, "ONE.TXT");
	assert_int_equal(hostfs_find_next(f->fs, &pos, &e), 0);
	assert_string_equal(e.name, "TWO.TXT");
	/* Removed on the host side: gone from the search too. */
	char one[HOSTFS_HOST_PATH];
	path_in(f, "c/fnd/one.txt", one);
	assert_int_equal(unlink(one), 0);
	past[0].tv_sec = past[1].tv_sec = 1000000001;
	assert_int_equal(utimensat(AT_FDCWD, dir, past, 0), 0);
	assert_int_equal(hostfs_find_first(f->fs, "C:\\FND\\*.TXT", 0, &pos, &e), 0);
	assert_string_equal(e.name, "A0.TXT");
	assert_int_equal(hostfs_find_next(f->fs, &pos, &e), 0);
	assert_string_equal(e.name, "TWO.TXT");
	assert_int_equal(hostfs_find_next(f->fs, &pos, &e), DOSERR_NO_MORE_FILES);
}

/* Two VMs (two hostfs instances) on one host directory: what one of them
 * creates or deletes, the other's cached (complete) listing sees, in
 * lookups and in searches. The pause moves past the coarse clock tick of
 * the other's last stamp (HZ >= 100), as between two DOS calls of real
 * programs; kernels with fine-grained ctimes (Linux 6.13 and later on
 * ext4, xfs, btrfs, tmpfs) need none. */
static int create_in(struct hostfs *fs, const char *dos)
{
	char host[HOSTFS_HOST_PATH];
	int e = hostfs_resolve(fs, dos, HOSTFS_PARENT, host, NULL, NULL);
	if (e)
		return e;
	int fd = open(host, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	hostfs_added(fs, host);
	return 0;
}

static void test_two_vms_one_directory(void **state)
{
	struct fixture *f = *state;
	struct hostfs *b;
	struct hostfs_find_pos pos;
	struct hostfs_entry e;
	char c[HOSTFS_HOST_PATH], host[HOSTFS_HOST_PATH];
	path_in(f, "c", c);
	assert_int_equal(hostfs_create(&b), 0);
	assert_int_equal(hostfs_map(b, C, c), 0);
	make_dir(f, "c/shr");
	assert_int_equal(create_in(b, "C:\\SHR\\B.TXT"), 0);
	assert_int_equal(hostfs_find_first(b, "C:\\SHR\\*.*", 0, &pos, &e), 0);
	assert_string_equal(e.name, "B.TXT");
	assert_int_equal(hostfs_find_next(b, &pos, &e), DOSERR_NO_MORE_FILES);
	assert_int_equal(hostfs_resolve(b, "C:\\SHR\\A.TXT", HOSTFS_EXISTING, host, NULL, NULL), DOSERR_FILE_NOT_FOUND);
	usleep(30000);
	assert_int_equal(create_in(f->fs, "C:\\SHR\\A.TXT"), 0);
	assert_int_equal(hostfs_resolve(b, "C:\\SHR\\A.TXT", HOSTFS_EXISTING, host, NULL, NULL), 0);
	assert_int_equal(hostfs_find_first(b, "C:\\SHR\\*.*", 0, &pos, &e), 0);
	assert_string_equal(e.name, "A.TXT");
	assert_int_equal(hostfs_find_next(b, &pos, &e), 0);
	assert_string_equal(e.name, "B.TXT");
	assert_int_equal(hostfs_find_next(b, &pos, &e), DOSERR_NO_MORE_FILES);
	/* Deleted by the first VM: gone for the second. */
	usleep(30000);
	assert_int_equal(hostfs_resolve(f->fs, "C:\\SHR\\B.TXT", HOSTFS_EXISTING, host, NULL, NULL), 0);
	assert_int_equal(unlink(host), 0);
	hostfs_removed(f->fs, host);
	assert_int_equal(hostfs_find_first(b, "C:\\SHR\\*.*", 0, &pos, &e), 0);
	assert_string_equal(e.name, "A.TXT");
	assert_int_equal(hostfs_find_next(b, &pos, &e), DOSERR_NO_MORE_FILES);
	assert_int_equal(hostfs_resolve(b, "C:\\SHR\\B.TXT", HOSTFS_EXISTING, host, NULL, NULL), DOSERR_FILE_NOT_FOUND);
	hostfs_destroy(b);
}

/* hostfs_resolve_entry gives what hostfs_resolve and then hostfs_stat give
 * (43h, 41h): files, read-only, hidden, mangled names, directories,
 * symlinks inside the root, the root itself; and resolve's errors. */
static void test_resolve_entry(void **state)
{
	struct fixture *f = *state;
	char name[13], hidden[20], lng[20];
	short_name(f, ".hidden", name);
	snprintf(hidden, sizeof hidden, "C:\\%s", name);
	short_name(f, "longfilename.txt", name);
	snprintf(lng, sizeof lng, "C:\\%s", name);
	const char *paths[] = { "C:\\RO.TXT", "C:\\README.TXT", "c:\\sub\\inner.dat", "C:\\SUB", "C:\\SUB\\DEEPER",
				"C:\\LINK_IN", "C:\\LINK_IN\\INNER.DAT", "C:\\", "C:\\SUB\\..", hidden, lng };
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		char host[HOSTFS_HOST_PATH], host2[HOSTFS_HOST_PATH];
		struct hostfs_entry want, got;
		assert_int_equal(resolve(f, paths[i], HOSTFS_EXISTING, host, NULL), 0);
		assert_int_equal(hostfs_stat(f->fs, host, &want), 0);
		memset(&got, 0x55, sizeof got);
		assert_int_equal(hostfs_resolve_entry(f->fs, paths[i], host2, &got), 0);
		assert_string_equal(host2, host);
		assert_string_equal(got.name, want.name);
		assert_memory_equal(got.fcb_name, want.fcb_name, sizeof want.fcb_name);
		assert_int_equal(got.attr, want.attr);
		assert_int_equal(got.size, want.size);
		assert_int_equal(got.date, want.date);
		assert_int_equal(got.time, want.time);
	}
	const char *bad[] = { "C:\\NONE.TXT", "C:\\NODIR\\X.TXT", "C:\\LINK_OUT", "C:\\DANGLING", "C:\\*.TXT",
			      "E:\\X" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char host[HOSTFS_HOST_PATH];
		struct hostfs_entry e;
		int want = resolve(f, bad[i], HOSTFS_EXISTING, host, NULL);
		assert_int_not_equal(want, 0);
		assert_int_equal(hostfs_resolve_entry(f->fs, bad[i], host, &e), want);
	}
}

/* hostfs_resolve_stat gives what hostfs_resolve gives, and the stat of
 * what the path names (a symlink's target's, a root's too) as a stat of
 * the host path would: the stat a DOS open takes instead of its own (the
 * read-only check, whether a created file existed). A new name lets
 * HOSTFS_PARENT through as missing. */
static void test_resolve_stat(void **state)
{
	struct fixture *f = *state;
	const char *paths[] = { "C:\\RO.TXT", "C:\\README.TXT", "c:\\sub\\inner.dat", "C:\\SUB", "C:\\LINK_IN",
				"C:\\LINK_IN\\INNER.DAT", "C:\\", "C:\\SUB\\.." };
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		char host[HOSTFS_HOST_PATH], host2[HOSTFS_HOST_PATH], canon[HOSTFS_DOS_PATH], canon2[HOSTFS_DOS_PATH];
		struct stat want, got;
		bool found = false;
		assert_int_equal(hostfs_resolve(f->fs, paths[i], HOSTFS_PARENT, host, canon, NULL), 0);
		assert_int_equal(stat(host, &want), 0);
		memset(&got, 0x55, sizeof got);
		assert_int_equal(hostfs_resolve_stat(f->fs, paths[i], HOSTFS_PARENT, host2, canon2, &got, &found), 0);
		assert_true(found);
		assert_string_equal(host2, host);
		assert_string_equal(canon2, canon);
		assert_int_equal(got.st_ino, want.st_ino);
		assert_int_equal(got.st_mode, want.st_mode);
		assert_int_equal(got.st_size, want.st_size);
	}
	char host[HOSTFS_HOST_PATH];
	struct stat st;
	bool found = true;
	assert_int_equal(hostfs_resolve_stat(f->fs, "C:\\SUB\\NEW.TXT", HOSTFS_PARENT, host, NULL, &st, &found), 0);
	assert_false(found);
	expect_host(f, host, "sub/new.txt");
	const char *bad[] = { "C:\\NONE.TXT", "C:\\NODIR\\X.TXT", "C:\\LINK_OUT", "C:\\DANGLING", "C:\\*.TXT" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int err = resolve(f, bad[i], HOSTFS_EXISTING, host, NULL);
		assert_int_not_equal(err, 0);
		assert_int_equal(hostfs_resolve_stat(f->fs, bad[i], HOSTFS_EXISTING, host, NULL, &st, &found), err);
	}
}

static void test_free_space(void **state)
{
	struct fixture *f = *state;
	uint16_t spc, bps, free_clusters, total;
	assert_int_equal(hostfs_space(f->fs, C, &spc, &bps, &free_clusters, &total), 0);
	assert_int_equal(bps, 512);
	assert_true(spc >= 1 && spc <= 64 && (spc & (spc - 1)) == 0);
	assert_true(total > 0);
	assert_true(free_clusters <= total);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_map_drives, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_insensitive_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mangled_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stat_attributes, setup, teardown),
		cmocka_unit_test(test_times),
		cmocka_unit_test_setup_teardown(test_file_dates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_canonical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chdir_getcwd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parent_for_new_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_volume_label, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_handles_lru, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sandbox_dotdot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sandbox_symlinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sandbox_host_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_space, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listing_follows_dos, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_uses_complete_listing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve_stat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_vms_one_directory, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
