/*
 * files.c - open files: the system file table (host side, struct dos_file)
 * and each PSP's job file table (JFT, in guest memory at the far pointer
 * PSP:34h, size PSP:32h), character devices by name, the built-in Z:
 * drive, and the handle functions of INT 21h (3Ch-46h, 5Ah, 5Bh, 67h,
 * 6Ch). Writes go to the host file at once, so what a program wrote is on
 * the host however the VM ends.
 * Sources: RBIL INT 21h/3Ch-46h, 44h subfunctions, 5Ah, 5Bh, 67h, 6Ch.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dos/dos_internal.h"
#include "vm/vm_internal.h"

enum { FREE_SLOT = 0xFF, NO_INHERIT = 0x80 };

/* ---- devices ---- */

static const struct {
	const char *name;
	enum dos_dev dev;
	uint8_t unit;
	uint16_t info; /* IOCTL 4400h device information word */
} devices[] = {
	{ "CON", DEV_CON, 0, 0x80D3 },   { "NUL", DEV_NUL, 0, 0x80C4 },   { "AUX", DEV_AUX, 1, 0x80C0 },
	{ "PRN", DEV_PRN, 1, 0xA0C0 },   { "CLOCK$", DEV_CLOCK, 0, 0x80C8 }, { "COM1", DEV_COM, 1, 0x80C0 },
	{ "COM2", DEV_COM, 2, 0x80C0 },  { "COM3", DEV_COM, 3, 0x80C0 },  { "COM4", DEV_COM, 4, 0x80C0 },
	{ "LPT1", DEV_LPT, 1, 0xA0C0 },  { "LPT2", DEV_LPT, 2, 0xA0C0 },  { "LPT3", DEV_LPT, 3, 0xA0C0 },
};

/* A device name is the base name of the last component, with or without
 * an extension, in any directory ("CON", "C:\TMP\NUL.TXT"): upper case in
 * name[9]; false if it is longer than 8 characters. */
static bool device_base_name(const char *path, char name[9])
{
	const char *base = path;
	for (const char *p = path; *p; p++)
		if (*p == '\\' || *p == '/' || *p == ':')
			base = p + 1;
	size_t n = 0;
	while (base[n] && base[n] != '.' && n < 8) {
		char c = base[n];
		name[n++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
	}
	name[n] = 0;
	return !base[n] || base[n] == '.';
}

static int device_index(const char *path)
{
	char name[9];
	if (!device_base_name(path, name))
		return -1;
	size_t n = strlen(name);
	/* "NAME:" is accepted too (e.g. "CON:") */
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		if (strcmp(name, devices[i].name) == 0)
			return (int)i;
	if (n > 0 && name[n - 1] == ':')
		return -1;
	return -1;
}

enum dos_dev dos_device_by_name(const char *path, uint8_t *unit)
{
	size_t len = strlen(path);
	char tmp[HOSTFS_DOS_PATH];
	if (len > 0 && len < sizeof(tmp) && path[len - 1] == ':' && len > 2) {
		memcpy(tmp, path, len - 1); /* "CON:" */
		tmp[len - 1] = 0;
		path = tmp;
	}
	int i = device_index(path);
	if (i < 0)
		return DEV_NONE;
	if (unit)
		*unit = devices[i].unit;
	return devices[i].dev;
}

/* The header of VDD device k: far pointer, attribute, name (RBIL table 01646). */
static uint32_t vdd_header(struct dos *d, unsigned k)
{
	return d->vm->dos_devices[k];
}

int dos_vdd_device(struct dos *d, const char *path, uint16_t *attr)
{
	char name[9], hname[9];
	if (!device_base_name(path, name) || !name[0])
		return -1;
	for (unsigned k = 0; k < d->vm->ndos_devices; k++) {
		uint32_t h = vdd_header(d, k);
		dos_read_mem(d, (uint16_t)(h >> 16), (uint16_t)(h + 10), hname, 8);
		size_t n = 8;
		while (n && hname[n - 1] == ' ')
			n--;
		hname[n] = 0;
		if (strcmp(hname, name) == 0) {
			*attr = dos_rd16(d, (uint16_t)(h >> 16), (uint16_t)(h + 4));
			return (int)k;
		}
	}
	return -1;
}

void dos_link_vdd_devices(struct dos *d)
{
	uint16_t seg = DOS_SEG, off = DOS_DEVICES; /* CON follows them */
	for (unsigned k = d->vm->ndos_devices; k-- > 0;) {
		uint32_t h = vdd_header(d, k);
		dos_wr16(d, (uint16_t)(h >> 16), (uint16_t)h, off);
		dos_wr16(d, (uint16_t)(h >> 16), (uint16_t)(h + 2), seg);
		seg = (uint16_t)(h >> 16);
		off = (uint16_t)h;
	}
	dos_wr16(d, DOS_SEG, DOS_NUL_DEV, off);
	dos_wr16(d, DOS_SEG, DOS_NUL_DEV + 2, seg);
}

/* ---- the built-in drive Z: (COMMAND.COM) when no host directory is mapped there ---- */

bool dos_builtin_name(const struct hostfs *fs, const char *path)
{
	if (hostfs_mapped(fs, DOS_BUILTIN_DRIVE))
		return false;
	const char *p = path;
	if ((p[0] == 'z' || p[0] == 'Z') && p[1] == ':')
		p += 2;
	else if (hostfs_current_drive(fs) != 25)
		return false;
	while (*p == '\\' || *p == '/')
		p++;
	return strcasecmp(p, "COMMAND.COM") == 0;
}

bool dos_builtin_file(struct dos *d, const char *path, const uint8_t **data, size_t *len)
{
	if (!d->shell.image || !dos_builtin_name(d->fs, path))
		return false;
	*data = d->shell.image;
	*len = d->shell.image_size;
	return true;
}

bool dos_drive_valid(struct dos *d, int drive)
{
	return drive >= 0 && drive < HOSTFS_DRIVES && (hostfs_mapped(d->fs, drive) || drive == DOS_BUILTIN_DRIVE);
}

int dos_getcwd(struct dos *d, int drive, char *out)
{
	if (!dos_drive_valid(d, drive))
		return DOSERR_INVALID_DRIVE;
	if (!hostfs_mapped(d->fs, drive)) {
		strcpy(out, "\\");
		return 0;
	}
	return hostfs_getcwd(d->fs, drive, out);
}

/* What dos_path_host refuses before any host lookup: 0 or a DOS error. */
static int path_refused(struct dos *d, const char *path, enum hostfs_want want)
{
	if (dos_device_by_name(path, NULL) != DEV_NONE)
		return DOSERR_ACCESS_DENIED;
	const uint8_t *data;
	size_t len;
	if (dos_builtin_file(d, path, &data, &len))
		return DOSERR_ACCESS_DENIED; /* read-only, no host form */
	if ((path[0] | 0x20) == 'z' && path[1] == ':' && !hostfs_mapped(d->fs, DOS_BUILTIN_DRIVE))
		return want == HOSTFS_PARENT ? DOSERR_ACCESS_DENIED : DOSERR_FILE_NOT_FOUND;
	return 0;
}

int dos_path_host(struct dos *d, const char *path, enum hostfs_want want, char *host, char *canon)
{
	int e = path_refused(d, path, want);
	return e ? e : hostfs_resolve(d->fs, path, want, host, canon, NULL);
}

int dos_path_entry(struct dos *d, const char *path, char *host, struct hostfs_entry *ent)
{
	int e = path_refused(d, path, HOSTFS_EXISTING);
	return e ? e : hostfs_resolve_entry(d->fs, path, host, ent);
}

/* ---- the system file table ---- */

void dos_files_init(struct dos *d)
{
	for (int i = 0; i < DOS_MAX_FILES; i++)
		d->files[i].fd = -1;
	/* 0: CON for stdin, stdout, stderr; 1: AUX; 2: PRN (RBIL INT 21h/3Ch notes). */
	d->files[0] = (struct dos_file){ .refs = 3, .fd = -1, .dev = DEV_CON, .mode = 2, .dev_info = 0x80D3 };
	d->files[1] = (struct dos_file){ .refs = 1, .fd = -1, .dev = DEV_AUX, .dev_unit = 1, .mode = 2, .dev_info = 0x80C0 };
	d->files[2] = (struct dos_file){ .refs = 1, .fd = -1, .dev = DEV_PRN, .dev_unit = 1, .mode = 1, .dev_info = 0xA0C0 };
	memcpy(d->files[0].fcb_name, "CON        ", 11);
	memcpy(d->files[1].fcb_name, "AUX        ", 11);
	memcpy(d->files[2].fcb_name, "PRN        ", 11);
	uint8_t jft[DOS_JFT_SIZE];
	memset(jft, FREE_SLOT, sizeof(jft));
	jft[0] = jft[1] = jft[2] = 0;
	jft[3] = 1;
	jft[4] = 2;
	dos_write_mem(d, d->root_psp, 0x18, jft, sizeof(jft));
}

static int sft_alloc(struct dos *d)
{
	for (int i = 0; i < DOS_MAX_FILES; i++)
		if (d->files[i].refs == 0) {
			struct dos_file *f = &d->files[i];
			memset(f, 0, sizeof(*f));
			f->fd = -1;
			f->refs = 1;
			return i;
		}
	return -DOSERR_TOO_MANY_OPEN;
}

/* Drop one reference; the last one closes the host file (and applies a
 * date/time set with 5701h). */
void dos_sft_release(struct dos *d, int idx)
{
	if (idx < 0 || idx >= DOS_MAX_FILES || d->files[idx].refs <= 0)
		return;
	struct dos_file *f = &d->files[idx];
	if (--f->refs > 0)
		return;
	if (f->fd >= 0) {
		if (f->time_set) {
			time_t t = hostfs_host_time(f->date, f->time);
			struct timespec ts[2] = { { t, 0 }, { t, 0 } };
			futimens(f->fd, ts);
		}
		close(f->fd);
	}
	f->fd = -1;
}

struct dos_file *dos_sft(struct dos *d, int idx)
{
	if (idx < 0 || idx >= DOS_MAX_FILES || d->files[idx].refs <= 0)
		return NULL;
	return &d->files[idx];
}

static void fcb_name_of(const char *canon, char out[11])
{
	memset(out, ' ', 11);
	const char *base = strrchr(canon, '\\');
	base = base ? base + 1 : canon;
	unsigned i = 0;
	for (; *base && *base != '.' && i < 8; base++)
		out[i++] = *base;
	if (*base == '.')
		base++;
	for (i = 8; *base && i < 11; base++)
		out[i++] = *base;
}

/* Open (or create) a path into a new SFT entry. mode: the 3Dh open mode.
 * create: 0 = open existing, 1 = create or truncate, 2 = create new only.
 * Returns the SFT index or -(DOS error). */
int dos_sft_open(struct dos *d, const char *path, uint8_t mode, int create, uint8_t attr)
{
	uint8_t unit = 0;
	enum dos_dev dev = dos_device_by_name(path, &unit);
	int idx;
	uint16_t dev_attr;
	int vdev = dev == DEV_NONE ? dos_vdd_device(d, path, &dev_attr) : -1;
	if (vdev >= 0) {
		if ((idx = sft_alloc(d)) < 0)
			return idx;
		struct dos_file *f = &d->files[idx];
		f->dev = DEV_VDD;
		f->dev_unit = (uint8_t)vdev;
		f->mode = mode;
		f->dev_info = (uint16_t)((dev_attr & 0xFF00) | 0xC0); /* IOCTL 4400h: the attribute's high byte, a device */
		return idx;
	}
	if (dev != DEV_NONE) {
		if ((idx = sft_alloc(d)) < 0)
			return idx;
		struct dos_file *f = &d->files[idx];
		f->dev = dev;
		f->dev_unit = unit;
		f->mode = mode;
		for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
			if (devices[i].dev == dev && devices[i].unit == unit)
				f->dev_info = devices[i].info;
		return idx;
	}
	const uint8_t *data;
	size_t len;
	if (dos_builtin_file(d, path, &data, &len)) {
		if (create || (mode & 7) != 0)
			return -DOSERR_ACCESS_DENIED;
		if ((idx = sft_alloc(d)) < 0)
			return idx;
		struct dos_file *f = &d->files[idx];
		f->mem = data;
		f->mem_len = (uint32_t)len;
		f->mode = mode;
		f->drive = 25;
		memcpy(f->fcb_name, "COMMAND COM", 11);
		return idx;
	}
	char host[HOSTFS_HOST_PATH], canon[HOSTFS_DOS_PATH];
	struct stat old;
	bool existed = false;
	int e = hostfs_resolve_stat(d->fs, path, create ? HOSTFS_PARENT : HOSTFS_EXISTING, host, canon, &old, &existed);
	if (e)
		return -e;
	if (existed && S_ISDIR(old.st_mode))
		return -DOSERR_ACCESS_DENIED;
	int flags;
	switch (mode & 7) {
	case 0: flags = O_RDONLY; break;
	case 1: flags = O_WRONLY; break;
	case 2: flags = O_RDWR; break;
	default: return -DOSERR_INVALID_ACCESS;
	}
	if (create) {
		flags = O_RDWR | O_CREAT | (create == 2 ? O_EXCL : O_TRUNC);
	}
	/* A read-only file (no owner write permission, DOSATTR_READONLY)
	 * cannot be opened for writing or truncated, whatever the host
	 * would let this process do (root ignores the permission bits).
	 * The lookup's own stat of the file answers that, and whether a
	 * created file existed (host is no symlink: the lookup settled it). */
	if ((flags & O_ACCMODE) != O_RDONLY && !(flags & O_EXCL) && existed && S_ISREG(old.st_mode) &&
	    !(old.st_mode & S_IWUSR))
		return -DOSERR_ACCESS_DENIED;
	existed = existed && (flags & O_CREAT);
	int64_t emptied = existed && (flags & O_TRUNC) && S_ISREG(old.st_mode) ? old.st_size : 0;
	int fd = open(host, flags | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd < 0)
		return -(int)dos_errno(errno);
	if ((flags & O_CREAT) && !existed)
		hostfs_added(d->fs, host);
	dos_disk_emptied(d, emptied);
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -DOSERR_ACCESS_DENIED;
	}
	if (create && (attr & DOSATTR_READONLY))
		fchmod(fd, st.st_mode & 0555);
	if ((idx = sft_alloc(d)) < 0) {
		close(fd);
		return idx;
	}
	struct dos_file *f = &d->files[idx];
	f->fd = fd;
	f->mode = mode;
	f->drive = (uint8_t)(canon[0] - 'A');
	f->dev_info = f->drive;
	fcb_name_of(canon, f->fcb_name);
	return idx;
}

/* ---- job file tables ---- */

static uint16_t jft_size(struct dos *d, uint16_t psp)
{
	return dos_rd16(d, psp, 0x32);
}

static void jft_ptr(struct dos *d, uint16_t psp, uint16_t *seg, uint16_t *off)
{
	*off = dos_rd16(d, psp, 0x34);
	*seg = dos_rd16(d, psp, 0x36);
}

/* The SFT entry of handle h of the JFT at s:o, or -1. */
static int jft_entry(struct dos *d, uint16_t s, uint16_t o, uint16_t h)
{
	uint8_t v = dos_rd8(d, s, (uint16_t)(o + h));
	return v == FREE_SLOT || !dos_sft(d, v) ? -1 : v;
}

static int jft_get(struct dos *d, uint16_t psp, uint16_t h)
{
	if (h >= jft_size(d, psp))
		return -1;
	uint16_t s, o;
	jft_ptr(d, psp, &s, &o);
	return jft_entry(d, s, o, h);
}

static void jft_set(struct dos *d, uint16_t psp, uint16_t h, uint8_t v)
{
	uint16_t s, o;
	jft_ptr(d, psp, &s, &o);
	dos_wr8(d, s, (uint16_t)(o + h), v);
}

/* A free handle in the current JFT for SFT entry idx: the handle or -(err). */
static int jft_add(struct dos *d, int idx)
{
	uint16_t n = jft_size(d, d->psp), s, o;
	jft_ptr(d, d->psp, &s, &o);
	for (uint16_t h = 0; h < n; h++)
		if (dos_rd8(d, s, (uint16_t)(o + h)) == FREE_SLOT) {
			dos_wr8(d, s, (uint16_t)(o + h), (uint8_t)idx);
			return h;
		}
	return -DOSERR_TOO_MANY_OPEN;
}

struct dos_file *dos_handle_file(struct dos *d, uint16_t handle)
{
	int idx = jft_get(d, d->psp, handle);
	return idx < 0 ? NULL : &d->files[idx];
}

int dos_handle_sft(struct dos *d, uint16_t handle)
{
	return jft_get(d, d->psp, handle);
}

/* (The JFT's size and address read once for the whole table: four
 * reads of guest memory a handle were 27 k host instructions of every
 * program's start and exit; docs/cpu-speed.md, "Session 18".) */
void dos_jft_inherit(struct dos *d, uint16_t parent, uint16_t child)
{
	uint16_t n = jft_size(d, parent), s, o;
	jft_ptr(d, parent, &s, &o);
	for (uint16_t h = 0; h < n && h < DOS_JFT_SIZE; h++) {
		int idx = jft_entry(d, s, o, h);
		if (idx < 0 || (d->files[idx].mode & NO_INHERIT))
			continue;
		d->files[idx].refs++;
		dos_wr8(d, child, (uint16_t)(0x18 + h), (uint8_t)idx);
	}
}

void dos_jft_close_all(struct dos *d, uint16_t psp)
{
	uint16_t n = jft_size(d, psp), s, o;
	jft_ptr(d, psp, &s, &o);
	for (uint16_t h = 0; h < n; h++) {
		int idx = jft_entry(d, s, o, h);
		if (idx < 0)
			continue;
		dos_sft_release(d, idx);
		dos_wr8(d, s, (uint16_t)(o + h), FREE_SLOT);
	}
}

void dos_files_close_all(struct dos *d)
{
	for (int i = 0; i < DOS_MAX_FILES; i++) {
		if (d->files[i].refs > 0 && d->files[i].fd >= 0) {
			d->files[i].refs = 1;
			dos_sft_release(d, i);
		}
		d->files[i].refs = 0;
	}
}

/* A new handle for a just-opened SFT entry (its one reference moves to
 * the JFT), or the error of the open; a full JFT closes the entry. */
static int handle_for_new(struct dos *d, int idx)
{
	if (idx < 0)
		return idx;
	int h = jft_add(d, idx);
	if (h < 0)
		dos_sft_release(d, idx);
	return h;
}

int dos_open_path(struct dos *d, const char *path, uint8_t mode)
{
	return handle_for_new(d, dos_sft_open(d, path, mode, 0, 0));
}

int dos_create_path(struct dos *d, const char *path, uint8_t attr, bool must_not_exist)
{
	if (attr & (DOSATTR_VOLUME | DOSATTR_DIR))
		return -DOSERR_ACCESS_DENIED;
	return handle_for_new(d, dos_sft_open(d, path, 2, must_not_exist ? 2 : 1, attr));
}

int dos_handle_close(struct dos *d, uint16_t handle)
{
	int idx = jft_get(d, d->psp, handle);
	if (idx < 0)
		return -DOSERR_INVALID_HANDLE;
	jft_set(d, d->psp, handle, FREE_SLOT);
	dos_sft_release(d, idx);
	return 0;
}

int dos_handle_dup(struct dos *d, uint16_t handle)
{
	int idx = jft_get(d, d->psp, handle);
	if (idx < 0)
		return -DOSERR_INVALID_HANDLE;
	int h = jft_add(d, idx);
	if (h >= 0)
		d->files[idx].refs++;
	return h;
}

int dos_handle_dup2(struct dos *d, uint16_t handle, uint16_t target)
{
	int idx = jft_get(d, d->psp, handle);
	if (idx < 0 || target >= jft_size(d, d->psp))
		return -DOSERR_INVALID_HANDLE;
	if (handle == target)
		return 0;
	int old = jft_get(d, d->psp, target);
	if (old >= 0)
		dos_sft_release(d, old);
	d->files[idx].refs++;
	jft_set(d, d->psp, target, (uint8_t)idx);
	return 0;
}

/* ---- reading and writing ---- */

int dos_sft_read(struct dos *d, struct dos_file *f, uint8_t *buf, uint16_t len)
{
	if (f->mem) {
		uint32_t n = f->mem_len - f->mem_pos < len ? f->mem_len - f->mem_pos : len;
		memcpy(buf, f->mem + f->mem_pos, n);
		f->mem_pos += n;
		return (int)n;
	}
	switch (f->dev) {
	case DEV_NONE: {
		if ((f->mode & 7) == 1)
			return -DOSERR_ACCESS_DENIED;
		ssize_t n = read(f->fd, buf, len);
		return n < 0 ? -(int)dos_errno(errno) : (int)n;
	}
	case DEV_CON:
		if (f->dev_info & 0x20) { /* raw: what is there, at least one byte */
			int c = dos_con_getc(d);
			if (c == -1)
				return DOS_WAIT;
			if (c == -2)
				return 0;
			buf[0] = (uint8_t)c;
			return 1;
		}
		return dos_con_read_cooked(d, buf, len);
	default:
		return 0; /* NUL, CLOCK$, ports and printers: end of input */
	}
}

int dos_sft_write(struct dos *d, struct dos_file *f, const uint8_t *buf, uint16_t len)
{
	if (f->mem)
		return -DOSERR_ACCESS_DENIED;
	switch (f->dev) {
	case DEV_NONE: {
		if ((f->mode & 7) == 0)
			return -DOSERR_ACCESS_DENIED;
		if (len == 0) { /* CX = 0: truncate or extend to the position */
			off_t pos = lseek(f->fd, 0, SEEK_CUR);
			if (pos < 0)
				return -(int)dos_errno(errno);
			int e = dos_disk_truncate(d, f->fd, (uint64_t)pos);
			return e ? -e : 0;
		}
		return (int)dos_disk_write(d, f->fd, -1, buf, len);
	}
	case DEV_CON:
		dos_con_write(d, buf, len);
		return len;
	case DEV_PRN:
		return dos_printer_write(d, buf, len);
	case DEV_LPT:
		if (f->dev_unit == 1)
			return dos_printer_write(d, buf, len);
		return len;
	default:
		return len; /* NUL and devices without a host side take everything */
	}
}

int dos_handle_read(struct dos *d, uint16_t handle, uint8_t *buf, uint16_t len)
{
	struct dos_file *f = dos_handle_file(d, handle);
	if (!f)
		return -DOSERR_INVALID_HANDLE;
	return dos_sft_read(d, f, buf, len);
}

int dos_handle_write(struct dos *d, uint16_t handle, const uint8_t *buf, uint16_t len)
{
	struct dos_file *f = dos_handle_file(d, handle);
	if (!f)
		return -DOSERR_INVALID_HANDLE;
	return dos_sft_write(d, f, buf, len);
}

uint8_t *dos_load_file(struct dos *d, const char *path, size_t *len, uint16_t *err, char *canon)
{
	const uint8_t *data;
	size_t blen;
	if (dos_builtin_file(d, path, &data, &blen)) {
		uint8_t *copy = malloc(blen);
		if (!copy) {
			*err = DOSERR_NO_MEMORY;
			return NULL;
		}
		memcpy(copy, data, blen);
		*len = blen;
		snprintf(canon, HOSTFS_DOS_PATH, "%s", DOS_COMSPEC);
		return copy;
	}
	char host[HOSTFS_HOST_PATH];
	bool is_dir = false;
	int e = dos_device_by_name(path, NULL) != DEV_NONE ? DOSERR_FILE_NOT_FOUND
							   : hostfs_resolve(d->fs, path, HOSTFS_EXISTING, host, canon, &is_dir);
	if (e || is_dir) {
		*err = (uint16_t)(e ? e : DOSERR_ACCESS_DENIED);
		return NULL;
	}
	int fd = open(host, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > 0x100000) {
		*err = fd < 0 ? dos_errno(errno) : DOSERR_BAD_FORMAT;
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	uint8_t *buf = malloc((size_t)st.st_size + 1);
	ssize_t n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	close(fd);
	if (n < 0) {
		free(buf);
		*err = DOSERR_GENERAL;
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

/* ---- INT 21h handle functions ---- */

static void ret_handle(struct dos *d, int h)
{
	if (h < 0) {
		dos_fail(d, (uint16_t)-h);
		return;
	}
	dos_set16(&d->r.eax, (uint16_t)h);
	dos_ok(d);
}

static void fn_read_write(struct dos *d, bool write)
{
	uint16_t len = CX(d);
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf) {
		dos_fail(d, DOSERR_NO_MEMORY);
		return;
	}
	int n;
	if (write) {
		dos_read_mem(d, d->r.ds, DX(d), buf, len);
		n = dos_handle_write(d, BX(d), buf, len);
	} else {
		n = dos_handle_read(d, BX(d), buf, len);
		if (n > 0)
			dos_write_mem(d, d->r.ds, DX(d), buf, (size_t)n);
	}
	free(buf);
	if (n == DOS_WAIT) {
		dos_wait_input(d);
		return;
	}
	ret_handle(d, n);
}

static void fn_seek(struct dos *d)
{
	struct dos_file *f = dos_handle_file(d, BX(d));
	if (!f) {
		dos_fail(d, DOSERR_INVALID_HANDLE);
		return;
	}
	if (AL(d) > 2) {
		dos_fail(d, DOSERR_INVALID_FUNCTION);
		return;
	}
	int32_t off = (int32_t)((uint32_t)CX(d) << 16 | DX(d));
	int64_t pos;
	if (f->mem) {
		int64_t base = AL(d) == 0 ? 0 : AL(d) == 1 ? f->mem_pos : f->mem_len;
		pos = base + off;
		if (pos < 0)
			pos = 0;
		f->mem_pos = (uint32_t)(pos > f->mem_len ? f->mem_len : pos);
	} else if (f->dev != DEV_NONE) {
		pos = 0;
	} else {
		/* Offsets are signed for modes 1 and 2, unsigned for mode 0. A
		 * position DOS cannot give back in DX:AX (past 4 GiB - 1, a
		 * host file larger than DOS allows) is refused with "seek
		 * error" and the position stays where it was. */
		int64_t o = AL(d) == 0 ? (int64_t)(uint32_t)off : off;
		int64_t base = 0;
		struct stat st;
		if (AL(d) == 1)
			base = lseek(f->fd, 0, SEEK_CUR);
		else if (AL(d) == 2)
			base = fstat(f->fd, &st) == 0 ? st.st_size : -1;
		pos = base < 0 ? -1 : base + o;
		if (pos < 0 || pos > 0xFFFFFFFF || lseek(f->fd, pos, SEEK_SET) < 0) {
			dos_fail(d, DOSERR_SEEK);
			return;
		}
	}
	dos_set16(&d->r.eax, (uint16_t)pos);
	dos_set16(&d->r.edx, (uint16_t)(pos >> 16));
	dos_ok(d);
}

static void fn_delete(struct dos *d)
{
	char path[HOSTFS_DOS_PATH], host[HOSTFS_HOST_PATH];
	dos_read_str(d, d->r.ds, DX(d), path, sizeof(path));
	struct hostfs_entry ent;
	int e = dos_path_entry(d, path, host, &ent);
	/* A directory, or a read-only file (no owner write permission). */
	if (!e && (ent.attr & (DOSATTR_DIR | DOSATTR_READONLY)))
		e = DOSERR_ACCESS_DENIED;
	if (e) {
		dos_fail(d, (uint16_t)e);
		return;
	}
	if ((e = dos_disk_unlink(d, host)) != 0) {
		dos_fail(d, (uint16_t)e);
		return;
	}
	dos_ok(d);
}

static void fn_file_time(struct dos *d)
{
	struct dos_file *f = dos_handle_file(d, BX(d));
	if (!f) {
		dos_fail(d, DOSERR_INVALID_HANDLE);
		return;
	}
	if (AL(d) == 0) {
		uint16_t date = 0x21, time = 0; /* devices: 1980-01-01 */
		struct stat st;
		if (f->time_set) {
			date = f->date;
			time = f->time;
		} else if (f->fd >= 0 && fstat(f->fd, &st) == 0) {
			hostfs_dos_time(st.st_mtime, &date, &time);
		}
		dos_set16(&d->r.ecx, time);
		dos_set16(&d->r.edx, date);
		dos_ok(d);
	} else if (AL(d) == 1) {
		f->time_set = f->fd >= 0;
		f->time = CX(d);
		f->date = DX(d);
		dos_ok(d);
	} else {
		dos_fail(d, DOSERR_INVALID_FUNCTION);
	}
}

static void fn_ioctl(struct dos *d)
{
	uint8_t al = AL(d);
	if (al == 0x08 || al == 0x09 || al == 0x0E || al == 0x0F) {
		int drive = BL(d) ? BL(d) - 1 : hostfs_current_drive(d->fs);
		if (!dos_drive_valid(d, drive)) {
			dos_fail(d, DOSERR_INVALID_DRIVE);
			return;
		}
		if (al == 0x08)
			dos_set16(&d->r.eax, 1); /* fixed */
		else if (al == 0x09)
			dos_set16(&d->r.edx, 0x0000); /* local, as DOSBox and dosemu2 answer */
		else
			dos_set_lo(&d->r.eax, 0); /* one logical drive per device */
		dos_ok(d);
		return;
	}
	struct dos_file *f = dos_handle_file(d, BX(d));
	if (!f) {
		dos_fail(d, DOSERR_INVALID_HANDLE);
		return;
	}
	switch (al) {
	case 0x00:
		if (f->dev == DEV_NONE) {
			uint16_t info = f->drive & 0x3F;
			struct stat st;
			if (f->fd >= 0 && fstat(f->fd, &st) == 0 && st.st_size == 0 && lseek(f->fd, 0, SEEK_CUR) == 0)
				info |= 0x40; /* not written */
			dos_set16(&d->r.edx, info);
		} else {
			dos_set16(&d->r.edx, f->dev_info);
		}
		dos_set16(&d->r.eax, (uint16_t)d->r.edx);
		dos_ok(d);
		return;
	case 0x01:
		if (f->dev == DEV_NONE || DH(d) != 0) {
			dos_fail(d, DOSERR_INVALID_DATA);
			return;
		}
		f->dev_info = (uint16_t)((f->dev_info & 0xFF00) | DL(d) | 0x80);
		dos_ok(d);
		return;
	case 0x06: { /* input status: FFh ready */
		bool ready = true;
		if (f->dev == DEV_CON)
			ready = dos_con_ready(d);
		else if (f->dev == DEV_NONE && f->fd >= 0) {
			struct stat st;
			off_t pos = lseek(f->fd, 0, SEEK_CUR);
			ready = fstat(f->fd, &st) == 0 && pos < st.st_size;
		} else if (f->mem)
			ready = f->mem_pos < f->mem_len;
		else if (f->dev == DEV_NUL)
			ready = false;
		dos_set_lo(&d->r.eax, ready ? 0xFF : 0);
		dos_ok(d);
		return;
	}
	case 0x07:
		dos_set_lo(&d->r.eax, 0xFF);
		dos_ok(d);
		return;
	case 0x0A:
		dos_set16(&d->r.edx, f->dev == DEV_NONE ? 0 : f->dev_info);
		dos_ok(d);
		return;
	default:
		dos_log_once(d, 0x100 + al, "INT 21h/44h subfunction %02Xh is not supported", al);
		dos_fail(d, DOSERR_INVALID_FUNCTION);
		return;
	}
}

/* 5Ah: a new file with a unique name in the directory DS:DX names. */
static void fn_temp_file(struct dos *d)
{
	char dir[HOSTFS_DOS_PATH], path[HOSTFS_DOS_PATH + 16];
	size_t n = dos_read_str(d, d->r.ds, DX(d), dir, sizeof(dir) - 14);
	if (n && dir[n - 1] != '\\' && dir[n - 1] != '/' && dir[n - 1] != ':')
		dir[n++] = '\\';
	dir[n] = 0;
	uint32_t seed = (uint32_t)(vm16_clock_ns(d->vm) / 1000u) ^ (uint32_t)d->psp << 8;
	for (unsigned attempt = 0; attempt < 64; attempt++) {
		snprintf(path, sizeof(path), "%s%08X", dir, (unsigned)(seed + attempt * 7919u));
		int h = dos_create_path(d, path, CL(d), true);
		if (h == -DOSERR_FILE_EXISTS)
			continue;
		if (h >= 0)
			dos_write_mem(d, d->r.ds, DX(d), path, strlen(path) + 1);
		ret_handle(d, h);
		return;
	}
	dos_fail(d, DOSERR_CANNOT_MAKE);
}

/* 67h: a larger JFT in memory the program owns. */
static void fn_handle_count(struct dos *d)
{
	uint16_t want = BX(d), cur = jft_size(d, d->psp);
	if (want <= cur) {
		dos_ok(d);
		return;
	}
	if (want > 255) {
		dos_fail(d, DOSERR_TOO_MANY_OPEN);
		return;
	}
	uint16_t largest, err;
	uint16_t seg = dos_mem_alloc(d, (uint16_t)((want + 15) / 16), d->psp, &largest, &err);
	if (!seg) {
		dos_fail(d, err);
		return;
	}
	uint8_t buf[256];
	memset(buf, FREE_SLOT, sizeof(buf));
	uint16_t s, o;
	jft_ptr(d, d->psp, &s, &o);
	dos_read_mem(d, s, o, buf, cur);
	dos_write_mem(d, seg, 0, buf, want);
	dos_wr16(d, d->psp, 0x32, want);
	dos_wr16(d, d->psp, 0x34, 0);
	dos_wr16(d, d->psp, 0x36, seg);
	dos_ok(d);
}

/* 6Ch: extended open/create (DOS 4+). */
static void fn_ext_open(struct dos *d)
{
	char path[HOSTFS_DOS_PATH];
	dos_read_str(d, d->r.ds, SI(d), path, sizeof(path));
	uint8_t action = DL(d);
	int h = dos_open_path(d, path, BL(d));
	if (h >= 0) {
		if ((action & 0x0F) == 0) {
			dos_handle_close(d, (uint16_t)h);
			dos_fail(d, DOSERR_FILE_EXISTS);
			return;
		}
		if ((action & 0x0F) == 2) {
			dos_handle_close(d, (uint16_t)h);
			h = dos_create_path(d, path, CL(d), false);
			if (h >= 0)
				dos_set16(&d->r.ecx, 3);
		} else {
			dos_set16(&d->r.ecx, 1);
		}
	} else if (h == -DOSERR_FILE_NOT_FOUND && (action & 0xF0) == 0x10) {
		h = dos_create_path(d, path, CL(d), true);
		if (h >= 0)
			dos_set16(&d->r.ecx, 2);
	}
	ret_handle(d, h);
}

void dos_fn_files(struct dos *d)
{
	char path[HOSTFS_DOS_PATH];
	switch (AH(d)) {
	case 0x3C:
	case 0x5B:
		dos_read_str(d, d->r.ds, DX(d), path, sizeof(path));
		ret_handle(d, dos_create_path(d, path, CL(d), AH(d) == 0x5B));
		return;
	case 0x3D:
		dos_read_str(d, d->r.ds, DX(d), path, sizeof(path));
		ret_handle(d, dos_open_path(d, path, AL(d)));
		return;
	case 0x3E: {
		int e = dos_handle_close(d, BX(d));
		if (e)
			dos_fail(d, (uint16_t)-e);
		else
			dos_ok(d);
		return;
	}
	case 0x3F: fn_read_write(d, false); return;
	case 0x40: fn_read_write(d, true); return;
	case 0x41: fn_delete(d); return;
	case 0x42: fn_seek(d); return;
	case 0x44: fn_ioctl(d); return;
	case 0x45: ret_handle(d, dos_handle_dup(d, BX(d))); return;
	case 0x46: {
		int e = dos_handle_dup2(d, BX(d), CX(d));
		if (e)
			dos_fail(d, (uint16_t)-e);
		else
			dos_ok(d);
		return;
	}
	case 0x57: fn_file_time(d); return;
	case 0x5A: fn_temp_file(d); return;
	case 0x67: fn_handle_count(d); return;
	case 0x6C: fn_ext_open(d); return;
	default: return; /* not one of this family's: int21.def sends none */
	}
}

/* ---- for the command interpreter ---- */

int dos_handle_from_sft(struct dos *d, int idx)
{
	if (!dos_sft(d, idx))
		return -DOSERR_INVALID_HANDLE;
	int h = jft_add(d, idx);
	if (h >= 0)
		d->files[idx].refs++;
	return h;
}

void dos_sft_seek_end(struct dos *d, int idx)
{
	struct dos_file *f = dos_sft(d, idx);
	if (f && f->fd >= 0)
		lseek(f->fd, 0, SEEK_END);
}

void dos_sft_rewind(struct dos *d, int idx)
{
	struct dos_file *f = dos_sft(d, idx);
	if (f && f->fd >= 0)
		lseek(f->fd, 0, SEEK_SET);
}

/* An anonymous host file (a pipe between two programs): gone when closed. */
int dos_sft_open_temp(struct dos *d)
{
	char tmpl[] = "/tmp/mvdm-pipe-XXXXXX";
	int fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0)
		return -(int)dos_errno(errno);
	unlink(tmpl);
	int idx = sft_alloc(d);
	if (idx < 0) {
		close(fd);
		return idx;
	}
	struct dos_file *f = &d->files[idx];
	f->fd = fd;
	f->mode = 2;
	f->drive = (uint8_t)hostfs_current_drive(d->fs);
	memcpy(f->fcb_name, "PIPE       ", 11);
	return idx;
}
