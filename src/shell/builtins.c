/*
 * builtins.c - the internal commands of the built-in COMMAND.COM, run in
 * the host on the VM's DOS kernel (files through the kernel's SFT and the
 * sandboxed host drives) and writing to the shell's STDOUT.
 * Sources: MS-DOS 5 User's Guide and Reference (command syntax and output
 * formats).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "shell/shell.h"

typedef void (*builtin_fn)(struct shell *sh, char *args);

static char *skip_ws(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static void rtrim(char *p)
{
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		p[--n] = 0;
}

static void upper(char *p)
{
	for (; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
}

/* Next whitespace-separated argument of *p (quotes kept together). */
static bool next_arg(char **p, char *out, size_t max)
{
	char *s = skip_ws(*p);
	if (!*s)
		return false;
	size_t n = 0;
	bool q = false;
	while (*s && (q || (*s != ' ' && *s != '\t'))) {
		if (*s == '"')
			q = !q;
		if (n + 1 < max)
			out[n++] = *s;
		s++;
	}
	out[n] = 0;
	*p = s;
	return true;
}

/* Take the switches (/X) out of args; returns them as a bit set of letters. */
static uint32_t take_switches(char *args)
{
	uint32_t sw = 0;
	char *w = args;
	for (char *p = args; *p;) {
		if (*p == '/' && p[1]) {
			char c = (char)(p[1] | 0x20);
			if (c >= 'a' && c <= 'z')
				sw |= 1u << (c - 'a');
			p += 2;
			while (*p && *p != ' ' && *p != '/')
				p++;
			*w++ = ' ';
			continue;
		}
		*w++ = *p++;
	}
	*w = 0;
	return sw;
}

#define SW(c) (1u << ((c) - 'a'))

/* ---- simple commands ---- */

static void cmd_rem(struct shell *sh, char *args)
{
	(void)sh;
	(void)args;
}

static void cmd_echo(struct shell *sh, char *args)
{
	if (*args == '.' || *args == '/' ) {
		sh_printf(sh, "%s\n", args + 1);
		return;
	}
	char *a = skip_ws(args);
	if (!*a) {
		sh_printf(sh, "ECHO is %s\n", sh->echo ? "on" : "off");
		return;
	}
	if (strcasecmp(a, "ON") == 0 || strcasecmp(a, "OFF") == 0) {
		sh->echo = (a[1] | 0x20) == 'n';
		return;
	}
	sh_printf(sh, "%s\n", a);
}

static void cmd_set(struct shell *sh, char *args)
{
	char *a = skip_ws(args);
	rtrim(a);
	if (!*a) {
		uint16_t seg = dos_rd16(sh->d, sh->psp, 0x2C);
		char var[512];
		for (uint16_t off = 0; off < 0x8000;) {
			size_t n = dos_read_str(sh->d, seg, off, var, sizeof(var));
			if (!n)
				break;
			sh_printf(sh, "%s\n", var);
			off = (uint16_t)(off + n + 1);
		}
		return;
	}
	char *eq = strchr(a, '=');
	if (!eq) {
		sh_puts(sh, "Syntax error\n");
		return;
	}
	*eq = 0;
	upper(a);
	sh_setenv(sh, a, eq + 1);
}

static void cmd_path(struct shell *sh, char *args)
{
	char *a = skip_ws(args);
	rtrim(a);
	if (*a == '=')
		a = skip_ws(a + 1);
	if (!*a) {
		char p[512];
		if (sh_getenv(sh, "PATH", p, sizeof(p)) && *p)
			sh_printf(sh, "PATH=%s\n", p);
		else
			sh_puts(sh, "No Path\n");
		return;
	}
	if (strcmp(a, ";") == 0)
		a[0] = 0;
	upper(a);
	sh_setenv(sh, "PATH", a);
}

static void cmd_prompt(struct shell *sh, char *args)
{
	char *a = skip_ws(args);
	snprintf(sh->prompt, sizeof(sh->prompt), "%s", *a ? a : "$n$g");
	sh_setenv(sh, "PROMPT", *a ? a : NULL);
}

static void cmd_ver(struct shell *sh, char *args)
{
	(void)args;
	sh_printf(sh, "\nMVDM DOS Version %u.%02u\n", sh->d->ver_major, sh->d->ver_minor);
}

static int drive_of(struct shell *sh, const char *arg)
{
	if (arg[0] && arg[1] == ':') {
		char c = (char)(arg[0] | 0x20);
		return c - 'a';
	}
	return hostfs_current_drive(sh->d->fs);
}

static void cmd_vol(struct shell *sh, char *args)
{
	int drive = drive_of(sh, skip_ws(args));
	char label[12];
	if (drive < 0 || drive > 25 || hostfs_label(sh->d->fs, drive, label) != 0) {
		sh_puts(sh, "Invalid drive specification\n");
		return;
	}
	sh_printf(sh, " Volume in drive %c is %s\n", 'A' + drive, label);
}

static void cmd_cls(struct shell *sh, char *args)
{
	(void)args;
	/* INT 10h AH=00h with the current mode clears the screen. */
	struct vm16_regs save, r;
	vm16_get_regs(sh->d->vm, &save);
	r = save;
	r.eax = dos_rd8(sh->d, 0x40, 0x49) & 0x7F;
	vm16_set_regs(sh->d->vm, &r);
	vm16_simulate_int(sh->d->vm, 0x10, 1000000);
	vm16_set_regs(sh->d->vm, &save);
}

static void cmd_exit(struct shell *sh, char *args)
{
	(void)args;
	if (!sh->permanent)
		sh->exit_now = true;
}

/* DATE [mm-dd-yy[yy]] and TIME [hh:mm[:ss]]: show DOS's clock (the one
 * INT 21h/2Ah and 2Ch report) or set it. No argument: show only (the
 * prompt for a new value is not asked for). */
static void cmd_date(struct shell *sh, char *args)
{
	char *a = skip_ws(args);
	time_t t = dos_clock(sh->d);
	struct tm tm;
	localtime_r(&t, &tm);
	if (*a) {
		int m, dd, y;
		if (sscanf(a, "%d%*[-/.]%d%*[-/.]%d", &m, &dd, &y) != 3 || m < 1 || m > 12 || dd < 1 || dd > 31) {
			sh_puts(sh, "Invalid date\n");
			return;
		}
		tm.tm_year = (y < 80 ? y + 2000 : y < 100 ? y + 1900 : y) - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = dd;
		tm.tm_isdst = -1;
		dos_clock_set(sh->d, mktime(&tm));
		return;
	}
	static const char *const days[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	sh_printf(sh, "Current date is %s %02d-%02d-%04d\n", days[tm.tm_wday], tm.tm_mon + 1, tm.tm_mday,
		  tm.tm_year + 1900);
}

static void cmd_time(struct shell *sh, char *args)
{
	char *a = skip_ws(args);
	time_t t = dos_clock(sh->d);
	struct tm tm;
	localtime_r(&t, &tm);
	if (*a) {
		int h, m, sec = 0;
		if (sscanf(a, "%d:%d:%d", &h, &m, &sec) < 2 || h > 23 || m > 59 || sec > 59) {
			sh_puts(sh, "Invalid time\n");
			return;
		}
		tm.tm_hour = h;
		tm.tm_min = m;
		tm.tm_sec = sec;
		tm.tm_isdst = -1;
		dos_clock_set(sh->d, mktime(&tm));
		return;
	}
	sh_printf(sh, "Current time is %2d:%02d:%02d.00%c\n", tm.tm_hour % 12 ? tm.tm_hour % 12 : 12, tm.tm_min,
		  tm.tm_sec, tm.tm_hour < 12 ? 'a' : 'p');
}

static void cmd_pause(struct shell *sh, char *args)
{
	(void)args;
	sh_puts(sh, "Press any key to continue . . .");
	sh->d->r.eax = 0x0800; /* the loop reads one key */
	sh->wait = SH_PAUSE;
}

/* ---- directories ---- */

static void cmd_cd(struct shell *sh, char *args)
{
	char *a = skip_ws(args);
	rtrim(a);
	struct dos *d = sh->d;
	if (!*a || (a[1] == ':' && !a[2])) {
		int drive = drive_of(sh, a);
		char cwd[HOSTFS_DOS_PATH];
		if (hostfs_getcwd(d->fs, drive, cwd) != 0) {
			sh_puts(sh, "Invalid drive specification\n");
			return;
		}
		sh_printf(sh, "%c:%s\n", 'A' + drive, cwd);
		return;
	}
	if (hostfs_chdir(d->fs, a) != 0)
		sh_puts(sh, "Invalid directory\n");
}

static void cmd_md(struct shell *sh, char *args)
{
	char *a = skip_ws(args), host[HOSTFS_HOST_PATH];
	rtrim(a);
	if (!*a) {
		sh_puts(sh, "Required parameter missing\n");
		return;
	}
	if (dos_path_host(sh->d, a, HOSTFS_PARENT, host, NULL) != 0 || dos_disk_mkdir(sh->d, host) != 0)
		sh_puts(sh, "Unable to create directory\n");
}

static void cmd_rd(struct shell *sh, char *args)
{
	char *a = skip_ws(args), host[HOSTFS_HOST_PATH];
	rtrim(a);
	if (!*a) {
		sh_puts(sh, "Required parameter missing\n");
		return;
	}
	if (dos_path_host(sh->d, a, HOSTFS_EXISTING, host, NULL) != 0 || dos_disk_rmdir(sh->d, host) != 0)
		sh_puts(sh, "Invalid path, not directory,\nor directory not empty\n");
}

/* ---- file lists (wildcards) ---- */

/* The directory part of a DOS path ("C:\DIR\" of "C:\DIR\*.C"). */
static void dir_part(const char *path, char *out, size_t max)
{
	const char *base = path;
	for (const char *p = path; *p; p++)
		if (*p == '\\' || *p == '/' || *p == ':')
			base = p + 1;
	size_t n = (size_t)(base - path);
	if (n >= max)
		n = max - 1;
	memcpy(out, path, n);
	out[n] = 0;
}

typedef void (*each_fn)(struct shell *sh, const char *dos_path, const struct hostfs_entry *e, void *ctx);

/* Calls fn for every plain file matching pattern; returns the count. */
static unsigned for_each_file(struct shell *sh, const char *pattern, each_fn fn, void *ctx)
{
	struct hostfs_find_pos pos;
	struct hostfs_entry e;
	char dir[HOSTFS_DOS_PATH], full[HOSTFS_DOS_PATH * 2];
	dir_part(pattern, dir, sizeof(dir));
	unsigned n = 0;
	int rc = hostfs_find_first(sh->d->fs, pattern, 0, &pos, &e);
	while (rc == 0) {
		if (!(e.attr & (DOSATTR_DIR | DOSATTR_VOLUME))) {
			snprintf(full, sizeof(full), "%s%s", dir, e.name);
			fn(sh, full, &e, ctx);
			n++;
		}
		rc = hostfs_find_next(sh->d->fs, &pos, &e);
	}
	return n;
}

static void del_one(struct shell *sh, const char *path, const struct hostfs_entry *e, void *ctx)
{
	(void)e;
	(void)ctx;
	char host[HOSTFS_HOST_PATH];
	if (dos_path_host(sh->d, path, HOSTFS_EXISTING, host, NULL) != 0 || dos_disk_unlink(sh->d, host) != 0)
		sh_puts(sh, "Access denied\n");
}

static void cmd_del(struct shell *sh, char *args)
{
	take_switches(args);
	char *a = skip_ws(args);
	rtrim(a);
	if (!*a) {
		sh_puts(sh, "Required parameter missing\n");
		return;
	}
	char pattern[HOSTFS_DOS_PATH + 8];
	char host[HOSTFS_HOST_PATH];
	bool is_dir = false;
	/* DEL DIR means DEL DIR\*.* */
	if (hostfs_resolve(sh->d->fs, a, HOSTFS_EXISTING, host, NULL, &is_dir) == 0 && is_dir)
		snprintf(pattern, sizeof(pattern), "%s\\*.*", a);
	else
		snprintf(pattern, sizeof(pattern), "%s", a);
	if (for_each_file(sh, pattern, del_one, NULL) == 0)
		sh_puts(sh, "File not found\n");
}

/* Apply a rename pattern: `?` and `*` take the old name's characters. */
static void apply_pattern(const char *old, const char *pat, char *out, size_t max)
{
	char o8[9] = "", o3[4] = "", p8[9] = "", p3[4] = "";
	const char *dot = strchr(old, '.');
	snprintf(o8, sizeof(o8), "%.*s", dot ? (int)(dot - old) : 8, old);
	if (dot)
		snprintf(o3, sizeof(o3), "%s", dot + 1);
	dot = strchr(pat, '.');
	snprintf(p8, sizeof(p8), "%.*s", dot ? (int)(dot - pat) : 8, pat);
	if (dot)
		snprintf(p3, sizeof(p3), "%s", dot + 1);
	char n8[9] = "", n3[4] = "";
	size_t k = 0;
	for (size_t i = 0; p8[i] && k < 8; i++) {
		if (p8[i] == '*') {
			for (size_t j = k; o8[j] && k < 8; j++)
				n8[k++] = o8[j];
			break;
		}
		n8[k] = p8[i] == '?' ? (k < strlen(o8) ? o8[k] : 0) : p8[i];
		if (n8[k])
			k++;
	}
	n8[k] = 0;
	k = 0;
	for (size_t i = 0; p3[i] && k < 3; i++) {
		if (p3[i] == '*') {
			for (size_t j = k; o3[j] && k < 3; j++)
				n3[k++] = o3[j];
			break;
		}
		n3[k] = p3[i] == '?' ? (k < strlen(o3) ? o3[k] : 0) : p3[i];
		if (n3[k])
			k++;
	}
	n3[k] = 0;
	snprintf(out, max, "%s%s%s", n8, n3[0] ? "." : "", n3);
}

struct ren_ctx {
	const char *pattern;
	int errors;
};

static void ren_one(struct shell *sh, const char *path, const struct hostfs_entry *e, void *ctx)
{
	struct ren_ctx *r = ctx;
	char newname[16], dir[HOSTFS_DOS_PATH], to[HOSTFS_DOS_PATH * 2];
	char hfrom[HOSTFS_HOST_PATH], hto[HOSTFS_HOST_PATH];
	apply_pattern(e->name, r->pattern, newname, sizeof(newname));
	dir_part(path, dir, sizeof(dir));
	snprintf(to, sizeof(to), "%s%s", dir, newname);
	struct stat st;
	if (dos_path_host(sh->d, path, HOSTFS_EXISTING, hfrom, NULL) != 0 ||
	    dos_path_host(sh->d, to, HOSTFS_PARENT, hto, NULL) != 0 || lstat(hto, &st) == 0 ||
	    dos_disk_rename(sh->d, hfrom, hto) != 0)
		r->errors++;
}

static void cmd_ren(struct shell *sh, char *args)
{
	char from[HOSTFS_DOS_PATH], to[HOSTFS_DOS_PATH];
	char *p = args;
	if (!next_arg(&p, from, sizeof(from)) || !next_arg(&p, to, sizeof(to))) {
		sh_puts(sh, "Required parameter missing\n");
		return;
	}
	/* MS-DOS 5: "You cannot specify a new drive or path for your
	 * destination" (HELP REN); a path there is refused, not applied as a
	 * pattern (which made "..\X\B.TXT" a file named "O"). */
	if (strpbrk(to, ":\\/")) {
		sh_puts(sh, "Invalid parameter\n");
		return;
	}
	upper(to);
	struct ren_ctx r = { to, 0 };
	if (for_each_file(sh, from, ren_one, &r) == 0)
		sh_puts(sh, "File not found\n");
	else if (r.errors)
		sh_puts(sh, "Duplicate file name or file not found\n");
}

/* ---- TYPE and COPY through the kernel (devices work too) ---- */

static void cmd_type(struct shell *sh, char *args)
{
	char *a = skip_ws(args);
	rtrim(a);
	int idx = dos_sft_open(sh->d, a, 0, 0, 0);
	if (idx < 0) {
		sh_puts(sh, "File not found\n");
		return;
	}
	struct dos_file *f = dos_sft(sh->d, idx);
	uint8_t buf[4096];
	for (;;) {
		int n = dos_sft_read(sh->d, f, buf, sizeof(buf));
		if (n <= 0)
			break;
		uint8_t *z = memchr(buf, 0x1A, (size_t)n);
		sh_write(sh, (const char *)buf, z ? (size_t)(z - buf) : (size_t)n);
		if (z)
			break;
	}
	dos_sft_release(sh->d, idx);
}

/* Append file src to the open dest; ascii stops at ^Z. Returns 0 or -1. */
static int copy_into(struct shell *sh, const char *src, struct dos_file *dest, bool ascii)
{
	int idx = dos_sft_open(sh->d, src, 0, 0, 0);
	if (idx < 0)
		return -1;
	struct dos_file *f = dos_sft(sh->d, idx);
	uint8_t buf[8192];
	for (;;) {
		int n = dos_sft_read(sh->d, f, buf, sizeof(buf));
		if (n <= 0)
			break;
		uint8_t *z = ascii ? memchr(buf, 0x1A, (size_t)n) : NULL;
		size_t len = z ? (size_t)(z - buf) : (size_t)n;
		dos_sft_write(sh->d, dest, buf, (uint16_t)len);
		if (z)
			break;
	}
	dos_sft_release(sh->d, idx);
	return 0;
}

static bool is_directory(struct shell *sh, const char *path)
{
	char host[HOSTFS_HOST_PATH];
	bool is_dir = false;
	size_t n = strlen(path);
	if (n == 2 && path[1] == ':')
		return true;
	return hostfs_resolve(sh->d->fs, path, HOSTFS_EXISTING, host, NULL, &is_dir) == 0 && is_dir;
}

struct copy_ctx {
	const char *dest;
	bool dest_dir, ascii;
	unsigned copied;
};

static void copy_one(struct shell *sh, const char *path, const struct hostfs_entry *e, void *ctx)
{
	struct copy_ctx *c = ctx;
	char target[HOSTFS_DOS_PATH * 2];
	if (c->dest_dir) {
		size_t n = strlen(c->dest);
		bool sep = n && (c->dest[n - 1] == '\\' || c->dest[n - 1] == ':');
		snprintf(target, sizeof(target), "%s%s%s", c->dest, sep ? "" : "\\", e->name);
	} else if (strchr(c->dest, '*') || strchr(c->dest, '?')) {
		char dir[HOSTFS_DOS_PATH], name[16];
		dir_part(c->dest, dir, sizeof(dir));
		apply_pattern(e->name, c->dest + strlen(dir), name, sizeof(name));
		snprintf(target, sizeof(target), "%s%s", dir, name);
	} else {
		snprintf(target, sizeof(target), "%s", c->dest);
	}
	char ct[HOSTFS_DOS_PATH], cs[HOSTFS_DOS_PATH];
	if (hostfs_canonical(sh->d->fs, target, ct) == 0 && hostfs_canonical(sh->d->fs, path, cs) == 0 &&
	    strcmp(ct, cs) == 0) {
		sh_puts(sh, "File cannot be copied onto itself\n");
		return;
	}
	int idx = dos_sft_open(sh->d, target, 2, 1, 0);
	if (idx < 0) {
		sh_puts(sh, "File creation error\n");
		return;
	}
	copy_into(sh, path, dos_sft(sh->d, idx), c->ascii);
	if (c->ascii)
		dos_sft_write(sh->d, dos_sft(sh->d, idx), (const uint8_t *)"\x1A", 1);
	dos_sft_release(sh->d, idx);
	c->copied++;
}

static void cmd_copy(struct shell *sh, char *args)
{
	uint32_t sw = take_switches(args);
	char srcs[SH_LINE], dest[HOSTFS_DOS_PATH] = "";
	char *p = args;
	/* Sources are joined by '+': "A+B C" or "A + B C". */
	size_t sl = 0;
	char arg[HOSTFS_DOS_PATH];
	bool want_more = true;
	srcs[0] = 0;
	while (next_arg(&p, arg, sizeof(arg))) {
		if (want_more || arg[0] == '+') {
			sl += (size_t)snprintf(srcs + sl, sizeof(srcs) - sl, "%s", arg);
			size_t al = strlen(arg);
			want_more = arg[al - 1] == '+';
			continue;
		}
		snprintf(dest, sizeof(dest), "%s", arg);
	}
	if (!srcs[0]) {
		sh_puts(sh, "Required parameter missing\n");
		return;
	}
	bool concat = strchr(srcs, '+') != NULL;
	bool ascii = (sw & SW('a')) || (concat && !(sw & SW('b')));
	if (!dest[0])
		snprintf(dest, sizeof(dest), "%c:", 'A' + hostfs_current_drive(sh->d->fs));
	struct copy_ctx c = { dest, is_directory(sh, dest), ascii, 0 };
	if (!concat) {
		if (dos_device_by_name(srcs, NULL) != DEV_NONE) {
			struct hostfs_entry e = { 0 };
			snprintf(e.name, sizeof(e.name), "%.12s", srcs);
			copy_one(sh, srcs, &e, &c);
		} else if (for_each_file(sh, srcs, copy_one, &c) == 0) {
			sh_puts(sh, "File not found\n");
		}
		sh_printf(sh, "%9u file(s) copied\n", c.copied);
		return;
	}
	/* Concatenation into dest (or into the first source when no dest). */
	int idx = dos_sft_open(sh->d, dest, 2, 1, 0);
	if (idx < 0) {
		sh_puts(sh, "File creation error\n");
		return;
	}
	unsigned n = 0;
	for (char *tok = strtok(srcs, "+"); tok; tok = strtok(NULL, "+"))
		if (copy_into(sh, tok, dos_sft(sh->d, idx), ascii) == 0)
			n++;
	if (ascii)
		dos_sft_write(sh->d, dos_sft(sh->d, idx), (const uint8_t *)"\x1A", 1);
	dos_sft_release(sh->d, idx);
	sh_printf(sh, "%9u file(s) copied\n", n ? 1u : 0u);
}

/* ---- DIR ---- */

static void cmd_dir(struct shell *sh, char *args)
{
	uint32_t sw = take_switches(args);
	char *a = skip_ws(args);
	rtrim(a);
	char pattern[HOSTFS_DOS_PATH + 8];
	if (!*a)
		snprintf(pattern, sizeof(pattern), "*.*");
	else if (is_directory(sh, a))
		snprintf(pattern, sizeof(pattern), "%s%s*.*", a,
			 a[strlen(a) - 1] == '\\' || a[strlen(a) - 1] == ':' ? "" : "\\");
	else if (!strchr(a, '.') && !strchr(a, '*'))
		snprintf(pattern, sizeof(pattern), "%s.*", a);
	else
		snprintf(pattern, sizeof(pattern), "%s", a);
	char canon[HOSTFS_DOS_PATH];
	if (hostfs_canonical(sh->d->fs, pattern, canon) != 0) {
		sh_puts(sh, "Invalid drive specification\n");
		return;
	}
	int drive = canon[0] - 'A';
	bool bare = sw & SW('b'), wide = sw & SW('w');
	if (!bare) {
		char label[12];
		if (hostfs_label(sh->d->fs, drive, label) == 0)
			sh_printf(sh, "\n Volume in drive %c is %s\n", 'A' + drive, label);
		char dir[HOSTFS_DOS_PATH];
		dir_part(canon, dir, sizeof(dir));
		size_t dl = strlen(dir);
		if (dl > 3)
			dir[dl - 1] = 0;
		sh_printf(sh, " Directory of  %s\n\n", dir);
	}
	struct hostfs_find_pos pos;
	struct hostfs_entry e;
	unsigned files = 0, col = 0;
	uint64_t bytes = 0;
	int rc = hostfs_find_first(sh->d->fs, pattern, DOSATTR_DIR, &pos, &e);
	if (rc) {
		sh_puts(sh, "File not found\n");
		return;
	}
	for (; rc == 0; rc = hostfs_find_next(sh->d->fs, &pos, &e)) {
		char name[9] = "", ext[4] = "";
		const char *dot = strchr(e.name, '.');
		if (e.name[0] == '.')
			dot = NULL;
		snprintf(name, sizeof(name), "%.*s", dot ? (int)(dot - e.name) : 8, e.name);
		if (dot)
			snprintf(ext, sizeof(ext), "%s", dot + 1);
		/* /B leaves out "." and ".." (MS-DOS 5). */
		if (bare && e.name[0] == '.')
			continue;
		files++;
		if (bare) {
			sh_printf(sh, "%s\n", e.name);
		} else if (wide) {
			/* Five columns of 15: a row is 75 characters, so the
			 * line break never follows an automatic wrap at column
			 * 80 (which left a blank line after each row). */
			char cell[20];
			snprintf(cell, sizeof(cell), e.attr & DOSATTR_DIR ? "[%s]" : "%s", e.name);
			if (++col % 5)
				sh_printf(sh, "%-15s", cell);
			else
				sh_printf(sh, "%s\n", cell);
		} else {
			unsigned yr = ((e.date >> 9) + 80) % 100, mo = (e.date >> 5) & 15, dy = e.date & 31;
			unsigned hr = e.time >> 11, mi = (e.time >> 5) & 63;
			char size[16];
			if (e.attr & DOSATTR_DIR)
				snprintf(size, sizeof(size), "<DIR>   ");
			else
				snprintf(size, sizeof(size), "%9u", e.size);
			sh_printf(sh, "%-8s %-3s %9s %02u-%02u-%02u  %2u:%02u%c\n", name, ext, size, mo, dy, yr,
				  hr % 12 ? hr % 12 : 12, mi, hr < 12 ? 'a' : 'p');
		}
		if (!(e.attr & DOSATTR_DIR))
			bytes += e.size;
	}
	if (wide && col % 5)
		sh_puts(sh, "\n");
	if (!bare) {
		uint16_t spc = 0, bps = 0, fc = 0, tc = 0;
		dos_disk_space(sh->d, drive, &spc, &bps, &fc, &tc);
		sh_printf(sh, "%9u file(s) %10llu bytes\n", files, (unsigned long long)bytes);
		sh_printf(sh, "%26llu bytes free\n", (unsigned long long)spc * bps * fc);
	}
}

/* ---- batch control ---- */

static void cmd_goto(struct shell *sh, char *args)
{
	struct batch *b = sh->batch;
	char *label = skip_ws(args);
	if (*label == ':')
		label++;
	rtrim(label);
	if (!b)
		return;
	size_t want = strlen(label) > 8 ? 8 : strlen(label);
	for (size_t pos = 0; pos < b->len;) {
		const char *line = b->text + pos;
		const char *nl = memchr(line, '\n', b->len - pos);
		size_t next = nl ? (size_t)(nl - b->text) + 1 : b->len;
		const char *l = line;
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l == ':' && strncasecmp(l + 1, label, want) == 0) {
			char c = l[1 + want];
			size_t rest = strlen(l + 1);
			if (want == 8 || c == '\r' || c == '\n' || c == ' ' || c == 0 || rest == want) {
				b->pos = next;
				return;
			}
		}
		pos = next;
	}
	sh_puts(sh, "Label not found\n");
	b->pos = b->len;
}

static void cmd_shift(struct shell *sh, char *args)
{
	(void)args;
	if (sh->batch)
		sh->batch->shift++;
}

static bool is_directory(struct shell *sh, const char *path);

/* IF EXIST: a matching file, or a device name; "DIR\NUL" exists when
 * the directory does (the DOS idiom for testing directories). */
static bool file_exists_dos(struct shell *sh, const char *path)
{
	struct hostfs_find_pos pos;
	struct hostfs_entry e;
	if (dos_device_by_name(path, NULL) != DEV_NONE) {
		char dir[HOSTFS_DOS_PATH];
		dir_part(path, dir, sizeof(dir));
		size_t n = strlen(dir);
		if (n > 1 && dir[n - 1] == '\\' && dir[n - 2] != ':')
			dir[n - 1] = 0;
		return !dir[0] || is_directory(sh, dir);
	}
	return hostfs_find_first(sh->d->fs, path, 0, &pos, &e) == 0;
}

static void cmd_if(struct shell *sh, char *args)
{
	char *p = skip_ws(args), word[SH_LINE] = "";
	bool neg = false;
	char *save = p;
	if (next_arg(&p, word, sizeof(word)) && strcasecmp(word, "NOT") == 0)
		neg = true;
	else
		p = save;
	bool cond;
	save = p;
	next_arg(&p, word, sizeof(word));
	if (strcasecmp(word, "ERRORLEVEL") == 0) {
		next_arg(&p, word, sizeof(word));
		cond = sh->errorlevel >= (unsigned)atoi(word);
	} else if (strcasecmp(word, "EXIST") == 0) {
		next_arg(&p, word, sizeof(word));
		cond = file_exists_dos(sh, word);
	} else {
		/* s1==s2: the words around "==" (spaces allowed around it). */
		p = skip_ws(save);
		char *eq = strstr(p, "==");
		if (!eq) {
			sh_puts(sh, "Syntax error\n");
			return;
		}
		char s1[SH_LINE], s2[SH_LINE];
		snprintf(s1, sizeof(s1), "%.*s", (int)(eq - p), p);
		rtrim(s1);
		p = skip_ws(eq + 2);
		if (!next_arg(&p, s2, sizeof(s2)))
			s2[0] = 0;
		cond = strcmp(s1, s2) == 0;
	}
	if (cond != neg) {
		p = skip_ws(p);
		if (*p)
			sh_queue(sh, p, true);
	}
}

/* FOR %%V IN (set) DO command: one command per item; wildcard items
 * expand to the matching files. */
static void cmd_for(struct shell *sh, char *args)
{
	char *p = skip_ws(args);
	char var[8];
	if (p[0] != '%') {
		sh_puts(sh, "Syntax error\n");
		return;
	}
	size_t vl = p[1] == '%' ? 3 : 2;
	snprintf(var, sizeof(var), "%.*s", (int)vl, p);
	p = skip_ws(p + vl);
	if (strncasecmp(p, "IN", 2) != 0) {
		sh_puts(sh, "Syntax error\n");
		return;
	}
	p = skip_ws(p + 2);
	char *open = strchr(p, '('), *close = open ? strchr(open, ')') : NULL;
	if (!open || !close) {
		sh_puts(sh, "Syntax error\n");
		return;
	}
	*close = 0;
	char *rest = skip_ws(close + 1);
	if (strncasecmp(rest, "DO", 2) != 0) {
		sh_puts(sh, "Syntax error\n");
		return;
	}
	const char *cmd = skip_ws(rest + 2);
	char *items[128];
	unsigned n = 0;
	for (char *tok = strtok(open + 1, " ,;\t"); tok && n < 128; tok = strtok(NULL, " ,;\t")) {
		if (strchr(tok, '*') || strchr(tok, '?')) {
			struct hostfs_find_pos pos;
			struct hostfs_entry e;
			char dir[HOSTFS_DOS_PATH];
			dir_part(tok, dir, sizeof(dir));
			for (int rc = hostfs_find_first(sh->d->fs, tok, 0, &pos, &e); rc == 0 && n < 128;
			     rc = hostfs_find_next(sh->d->fs, &pos, &e)) {
				char full[HOSTFS_DOS_PATH * 2];
				snprintf(full, sizeof(full), "%s%s", dir, e.name);
				items[n++] = strdup(full);
			}
		} else {
			items[n++] = strdup(tok);
		}
	}
	/* Queue in reverse at the front so they run in order, before the next line. */
	for (unsigned i = n; i-- > 0;) {
		char line[SH_LINE];
		size_t o = 0;
		for (const char *c = cmd; *c && o + 1 < sizeof(line);) {
			if (strncmp(c, var, vl) == 0) {
				o += (size_t)snprintf(line + o, sizeof(line) - o, "%s", items[i] ? items[i] : "");
				c += vl;
			} else {
				line[o++] = *c++;
			}
		}
		line[o < sizeof(line) ? o : sizeof(line) - 1] = 0;
		sh_queue(sh, line, true);
		free(items[i]);
	}
}

static void cmd_call(struct shell *sh, char *args)
{
	char *p = skip_ws(args), name[HOSTFS_DOS_PATH], path[HOSTFS_DOS_PATH * 2];
	char *save = p;
	if (!next_arg(&p, name, sizeof(name)))
		return;
	if (sh_find_program(sh, name, path, sizeof(path))) {
		size_t l = strlen(path);
		if (l > 4 && strcasecmp(path + l - 4, ".BAT") == 0) {
			sh_start_batch(sh, path, skip_ws(p), true);
			return;
		}
	}
	sh_queue(sh, save, true);
}

/* START PROGRAM [ARGS]: the program runs in a new concurrent VM made like
 * this one (the host's dos_config.start, the mvdm server); the shell goes
 * on at once. The name is found as for running it here (PATH, .COM, .EXE,
 * .BAT) and passed as a full DOS path. */
static void cmd_start(struct shell *sh, char *args)
{
	char *p = skip_ws(args), name[HOSTFS_DOS_PATH], path[HOSTFS_DOS_PATH * 2], full[HOSTFS_DOS_PATH];
	if (!next_arg(&p, name, sizeof(name))) {
		sh_puts(sh, "Required parameter missing\n");
		return;
	}
	if (!sh->d->start) {
		sh_puts(sh, "START needs the mvdm server (mvdm start)\n");
		return;
	}
	if (!sh_find_program(sh, name, path, sizeof(path))) {
		sh_puts(sh, "Bad command or file name\n");
		return;
	}
	if (hostfs_canonical(sh->d->fs, path, full) != 0) { /* the built-in Z: drive */
		if (strlen(path) >= sizeof(full)) {
			sh_puts(sh, "Bad command or file name\n");
			return;
		}
		memcpy(full, path, strlen(path) + 1);
	}
	char err[160];
	if (sh->d->start(sh->d->start_ctx, full, skip_ws(p), err, sizeof(err)) != 0)
		sh_printf(sh, "START: %s\n", err);
}

/* LOADHIGH (LH) PROGRAM [ARGS]: run PROGRAM with the UMBs linked and the
 * allocation strategy "high first, then low" (80h), as MS-DOS 5's
 * LOADHIGH does, so that it and what it leaves resident go into upper
 * memory when they fit there; the link state and the strategy come back
 * when it ends. Without UMBs (DOS_UMB off) it runs in conventional
 * memory. MS-DOS 5 User's Guide, LOADHIGH; RBIL INT 21h/58h. */
static void cmd_loadhigh(struct shell *sh, char *args)
{
	struct dos *d = sh->d;
	char *p = skip_ws(args);
	if (!*p) {
		sh_puts(sh, "Required parameter missing\n");
		return;
	}
	sh->lh_linked = dos_umb_linked(d);
	sh->lh_strategy = d->alloc_strategy;
	sh->lh_restore = true;
	if (dos_umb_link(d, true) == 0 && dos_umb_linked(d))
		d->alloc_strategy = (uint8_t)(0x80 | (d->alloc_strategy & 0x3F));
	sh_run_simple(sh, p);
	if (sh->wait != SH_EXEC)
		sh_loadhigh_done(sh); /* a builtin, or nothing ran */
}

void sh_loadhigh_done(struct shell *sh)
{
	if (!sh->lh_restore)
		return;
	sh->lh_restore = false;
	(void)dos_umb_link(sh->d, sh->lh_linked);
	sh->d->alloc_strategy = sh->lh_strategy;
}

/* The internal commands: name, handler, what HELP lists, and what
 * NAME /? shows (the syntax, in MS-DOS 5's conventions: [] optional, |
 * either). Aliases share their command's texts. */
struct builtin {
	const char *name;
	builtin_fn fn;
	const char *summary;
	const char *usage;
};

static void cmd_help(struct shell *sh, char *args);

static const struct builtin builtins[] = {
	{ "CALL", cmd_call, "Runs a batch file from another and comes back.", "CALL [drive:][path]file [arguments]" },
	{ "CD", cmd_cd, "Shows or changes the current directory.", "CD [drive:][path]\nCD ..\nCD [drive:]" },
	{ "CHDIR", cmd_cd, NULL, NULL },
	{ "CLS", cmd_cls, "Clears the screen.", "CLS" },
	{ "COPY", cmd_copy, "Copies files.",
	  "COPY [/A | /B] source [+ source ...] [destination]\n  /A  text: stops at Ctrl+Z\n  /B  binary (the default)" },
	{ "DATE", cmd_date, "Shows the date.", "DATE" },
	{ "DEL", cmd_del, "Deletes files.", "DEL [drive:][path]filename\n  A directory name means all its files." },
	{ "DIR", cmd_dir, "Lists the files of a directory.",
	  "DIR [drive:][path][filename] [/W] [/B]\n  /W  wide: names only, five to a line\n  /B  bare: names only, "
	  "one to a line" },
	{ "ECHO", cmd_echo, "Shows a message, or turns command echoing on or off.", "ECHO [ON | OFF]\nECHO message\nECHO." },
	{ "ERASE", cmd_del, NULL, NULL },
	{ "EXIT", cmd_exit, "Leaves the command interpreter (not one started with /P).", "EXIT" },
	{ "FOR", cmd_for, "Runs a command for each of a set of names.",
	  "FOR %variable IN (set) DO command\n  In a batch file, write %%variable." },
	{ "GOTO", cmd_goto, "Goes to a label in a batch file.", "GOTO label" },
	{ "HELP", cmd_help, "Lists the internal commands, or shows one's syntax.", "HELP [command]" },
	{ "IF", cmd_if, "Runs a command if a condition holds (in batch files).",
	  "IF [NOT] ERRORLEVEL number command\nIF [NOT] string1==string2 command\nIF [NOT] EXIST filename "
	  "command" },
	{ "LH", cmd_loadhigh, NULL, NULL },
	{ "LOADHIGH", cmd_loadhigh, "Runs a program in upper memory (with DOS_UMB).",
	  "LOADHIGH [drive:][path]program [arguments]\nLH [drive:][path]program [arguments]" },
	{ "MD", cmd_md, "Makes a directory.", "MD [drive:]path" },
	{ "MKDIR", cmd_md, NULL, NULL },
	{ "PATH", cmd_path, "Shows or sets where programs are looked for.", "PATH [[drive:]path[;...]]\nPATH ;" },
	{ "PAUSE", cmd_pause, "Waits for a key.", "PAUSE" },
	{ "PROMPT", cmd_prompt, "Changes the command prompt.", "PROMPT [text]\n  $P path  $G >  $N drive  $_ new line" },
	{ "RD", cmd_rd, "Removes an empty directory.", "RD [drive:]path" },
	{ "REM", cmd_rem, "Marks a comment in a batch file.", "REM [comment]" },
	{ "REN", cmd_ren, "Renames files (in their own directory).", "REN [drive:][path]filename1 filename2" },
	{ "RENAME", cmd_ren, NULL, NULL },
	{ "RMDIR", cmd_rd, NULL, NULL },
	{ "SET", cmd_set, "Shows, sets or removes environment variables.", "SET [variable=[string]]" },
	{ "SHIFT", cmd_shift, "Shifts the batch file's parameters down by one.", "SHIFT" },
	{ "START", cmd_start, "Starts a program in a new VM (mvdm's own command).", "START program [arguments]" },
	{ "TIME", cmd_time, "Shows the time.", "TIME" },
	{ "TYPE", cmd_type, "Shows a text file.", "TYPE [drive:][path]filename" },
	{ "VER", cmd_ver, "Shows the DOS version.", "VER" },
	{ "VOL", cmd_vol, "Shows a drive's volume label.", "VOL [drive:]" },
};

/* The entry of a command, aliases resolved to the one with the texts. */
static const struct builtin *find_builtin(const char *name)
{
	size_t n = sizeof(builtins) / sizeof(builtins[0]);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(name, builtins[i].name) != 0)
			continue;
		for (size_t k = 0; k < n && !builtins[i].summary; k++)
			if (builtins[k].fn == builtins[i].fn && builtins[k].summary)
				return &builtins[k];
		return &builtins[i];
	}
	return NULL;
}

static void show_usage(struct shell *sh, const struct builtin *b)
{
	sh_printf(sh, "%s\n\n%s\n", b->summary, b->usage);
}

static void cmd_help(struct shell *sh, char *args)
{
	char *a = skip_ws(args);
	rtrim(a);
	if (*a) {
		upper(a);
		const struct builtin *b = find_builtin(a);
		if (b)
			show_usage(sh, b);
		else
			sh_printf(sh, "%s is not an internal command: try %s /?\n", a, a);
		return;
	}
	sh_puts(sh, "Internal commands (NAME /? shows one's syntax):\n");
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (builtins[i].summary)
			sh_printf(sh, "%-9s %s\n", builtins[i].name, builtins[i].summary);
}

bool sh_builtin(struct shell *sh, const char *name, char *args)
{
	const struct builtin *b = find_builtin(name);
	if (!b)
		return false;
	/* NAME /? shows the syntax instead of running (MS-DOS 5). */
	const char *a = args;
	while (*a == ' ' || *a == '\t')
		a++;
	if (a[0] == '/' && a[1] == '?') {
		show_usage(sh, b);
		return true;
	}
	b->fn(sh, args);
	return true;
}

/* The command word ends at a blank, a switch, or (for CD, MD, RD, ECHO)
 * at the `\`, `.` or `=` DOS accepts right after them ("CD\", "ECHO."). */
void sh_split_word(const char *line, char *name, size_t max, const char **rest)
{
	size_t n = 0;
	const char *p = line;
	while (*p && *p != ' ' && *p != '\t' && *p != '/' && *p != '=' && *p != ',' && *p != ';' && n + 1 < max) {
		name[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		p++;
		name[n] = 0;
		if ((*p == '\\' || *p == '.') &&
		    (strcmp(name, "CD") == 0 || strcmp(name, "MD") == 0 || strcmp(name, "RD") == 0 ||
		     strcmp(name, "ECHO") == 0 || strcmp(name, "DIR") == 0 || strcmp(name, "TYPE") == 0))
			break;
	}
	name[n] = 0;
	*rest = p;
}

int sh_run_simple(struct shell *sh, char *line)
{
	char *p = skip_ws(line);
	rtrim(p);
	if (!*p)
		return 0;
	char name[HOSTFS_DOS_PATH];
	const char *rest;
	sh_split_word(p, name, sizeof(name), &rest);
	/* "X:" changes the current drive. */
	if (strlen(name) == 2 && name[1] == ':') {
		if (hostfs_set_current_drive(sh->d->fs, name[0] - 'A') != 0)
			sh_puts(sh, "Invalid drive specification\n");
		return 0;
	}
	char args[SH_LINE];
	snprintf(args, sizeof(args), "%s", rest);
	if (sh_builtin(sh, name, args)) /* LOADHIGH may have started a program */
		return sh->wait == SH_PAUSE || sh->wait == SH_EXEC ? 1 : 0;
	char path[HOSTFS_DOS_PATH * 2];
	if (!sh_find_program(sh, name, path, sizeof(path))) {
		sh_puts(sh, "Bad command or file name\n");
		return 0;
	}
	size_t l = strlen(path);
	const char *tail = rest;
	while (*tail == ' ' || *tail == '\t')
		tail++;
	if (l > 4 && strcasecmp(path + l - 4, ".BAT") == 0) {
		sh_start_batch(sh, path, tail, false);
		return 0;
	}
	/* A switch right after the name belongs to the tail ("DIR/W"). */
	return sh_exec(sh, path, *rest == '/' ? rest : tail);
}
