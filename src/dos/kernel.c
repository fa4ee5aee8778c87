/*
 * kernel.c - the DOS kernel of a VM: attaches to the VM, builds the DOS
 * segment (stubs from dos.asm, list of lists, device headers, tables, the
 * root PSP), and serves INT 20h-2Fh. INT 21h functions that belong to a
 * family live in their own files (console.c, files.c, fcb.c, find.c,
 * memory.c, process.c); this file has the dispatcher and the small ones.
 * Sources: RBIL INT 21h; MS-DOS 2.0 SYSCALL.DOC.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bios/bios.h"
#include "common/le.h"
#include "dos/dos_internal.h"
#include "vm/vm_internal.h"

/* Where the tables and the CDS are (DOS_HIGH: in the HMA). */
static uint16_t dos_table_seg(const struct dos *d)
{
	return d->high ? 0xFFFF : DOS_SEG;
}

static uint16_t dos_table_off(const struct dos *d, unsigned layout_off)
{
	return (uint16_t)(d->high ? layout_off - DOS_TABLES + DOS_HMA_TABLES : layout_off);
}

/* ---- registers and results ---- */

void dos_set16(uint32_t *reg, uint16_t v)
{
	*reg = (*reg & 0xFFFF0000u) | v;
}

void dos_set_lo(uint32_t *reg, uint8_t v)
{
	*reg = (*reg & 0xFFFFFF00u) | v;
}

void dos_set_hi(uint32_t *reg, uint8_t v)
{
	*reg = (*reg & 0xFFFF00FFu) | (uint32_t)v << 8;
}

enum { FL_CF = 0x0001, FL_ZF = 0x0040, FL_IF = 0x0200 };

void dos_ok(struct dos *d)
{
	d->frame_flags &= (uint16_t)~FL_CF;
}

/* Error class, action and locus for 59h (RBIL table 01681-01683). */
static void set_ext_error(struct dos *d, uint16_t code)
{
	d->ext_error = code;
	d->ext_action = 1; /* retry / abort: "take action" is fine for every code here */
	switch (code) {
	case DOSERR_FILE_NOT_FOUND:
	case DOSERR_PATH_NOT_FOUND:
	case DOSERR_NO_MORE_FILES:
		d->ext_class = 8; /* not found */
		d->ext_locus = 2; /* block device */
		d->ext_action = 3;
		break;
	case DOSERR_ACCESS_DENIED:
	case DOSERR_WRITE_PROTECT:
		d->ext_class = 3; /* authorization */
		d->ext_locus = 2;
		d->ext_action = 3;
		break;
	case DOSERR_NO_MEMORY:
	case DOSERR_TOO_MANY_OPEN:
		d->ext_class = 1; /* out of resource */
		d->ext_locus = 1;
		d->ext_action = 4;
		break;
	case DOSERR_MCB_DESTROYED:
		d->ext_class = 7; /* application error */
		d->ext_locus = 5; /* memory */
		d->ext_action = 5;
		break;
	case DOSERR_FILE_EXISTS:
		d->ext_class = 12; /* already exists */
		d->ext_locus = 2;
		d->ext_action = 3;
		break;
	default:
		d->ext_class = 7;
		d->ext_locus = 1;
		d->ext_action = 4;
		break;
	}
}

void dos_fail(struct dos *d, uint16_t code)
{
	set_ext_error(d, code);
	dos_set16(&d->r.eax, code);
	d->frame_flags |= FL_CF;
}

void dos_set_zf(struct dos *d, bool zf)
{
	if (zf)
		d->frame_flags |= FL_ZF;
	else
		d->frame_flags &= (uint16_t)~FL_ZF;
}

uint16_t dos_errno(int err)
{
	switch (err) {
	case ENOENT: return DOSERR_FILE_NOT_FOUND;
	case ENOTDIR: return DOSERR_PATH_NOT_FOUND;
	case EACCES:
	case EPERM:
	case EISDIR:
	case EROFS:
	case ENOTEMPTY:
	case EBUSY: return DOSERR_ACCESS_DENIED;
	case EEXIST: return DOSERR_FILE_EXISTS;
	case EMFILE:
	case ENFILE: return DOSERR_TOO_MANY_OPEN;
	case ENOSPC:
	case EFBIG: return DOSERR_DISK_FULL;
	case EXDEV: return DOSERR_NOT_SAME_DEVICE;
	case EBADF: return DOSERR_INVALID_HANDLE;
	case ENOMEM: return DOSERR_NO_MEMORY;
	default: return DOSERR_GENERAL;
	}
}

enum dos_end dos_end_type(const struct dos *d)
{
	return (enum dos_end)((d->ret_code >> 8) & 3);
}

void dos_log(struct dos *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vm16_vlog(d->vm, VM16_LOG_DOS, fmt, ap);
	va_end(ap);
}

void dos_log_once(struct dos *d, unsigned key, const char *fmt, ...)
{
	key &= 511; /* 00h-FFh: INT 21h functions; 100h-1FFh: the others */
	if (d->logged[key / 32] & (1u << (key % 32)))
		return;
	d->logged[key / 32] |= 1u << (key % 32);
	va_list ap;
	va_start(ap, fmt);
	vm16_vlog(d->vm, VM16_LOG_DOS, fmt, ap);
	va_end(ap);
}

/* ---- date and time: the VM's virtual clock plus what DOS was told ---- */

static time_t dos_now(struct dos *d, unsigned *hundredths)
{
	uint64_t ns = vm16_clock_ns(d->vm);
	if (hundredths)
		*hundredths = (unsigned)(ns / 10000000u % 100u);
	return (time_t)(d->vm->start_time + d->time_offset + (int64_t)(ns / 1000000000u));
}

static void fn_get_date(struct dos *d)
{
	time_t t = dos_now(d, NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	dos_set16(&d->r.ecx, (uint16_t)(tm.tm_year + 1900));
	dos_set_hi(&d->r.edx, (uint8_t)(tm.tm_mon + 1));
	dos_set_lo(&d->r.edx, (uint8_t)tm.tm_mday);
	dos_set_lo(&d->r.eax, (uint8_t)tm.tm_wday);
}

static void fn_get_time(struct dos *d)
{
	unsigned cs;
	time_t t = dos_now(d, &cs);
	struct tm tm;
	localtime_r(&t, &tm);
	dos_set_hi(&d->r.ecx, (uint8_t)tm.tm_hour);
	dos_set_lo(&d->r.ecx, (uint8_t)tm.tm_min);
	dos_set_hi(&d->r.edx, (uint8_t)tm.tm_sec);
	dos_set_lo(&d->r.edx, (uint8_t)cs);
}

time_t dos_clock(struct dos *d)
{
	return dos_now(d, NULL);
}

void dos_clock_set(struct dos *d, time_t t)
{
	d->time_offset += (int64_t)(t - dos_now(d, NULL));
}

/* 2Bh/2Dh: DOS keeps the difference to the virtual clock. AL = 0 or FFh. */
static void set_clock(struct dos *d, struct tm *tm)
{
	tm->tm_isdst = -1;
	time_t want = mktime(tm);
	if (want == (time_t)-1) {
		dos_set_lo(&d->r.eax, 0xFF);
		return;
	}
	d->time_offset += (int64_t)(want - dos_now(d, NULL));
	dos_set_lo(&d->r.eax, 0);
}

static void fn_set_date(struct dos *d)
{
	static const uint8_t mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned y = CX(d), m = DH(d), day = DL(d);
	if (y < 1980 || y > 2099 || m < 1 || m > 12 || day < 1 || day > mdays[m - 1]) {
		dos_set_lo(&d->r.eax, 0xFF);
		return;
	}
	time_t t = dos_now(d, NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)m - 1;
	tm.tm_mday = (int)day;
	set_clock(d, &tm);
}

static void fn_set_time(struct dos *d)
{
	if (CH(d) > 23 || CL(d) > 59 || DH(d) > 59 || DL(d) > 99) {
		dos_set_lo(&d->r.eax, 0xFF);
		return;
	}
	time_t t = dos_now(d, NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_hour = CH(d);
	tm.tm_min = CL(d);
	tm.tm_sec = DH(d);
	set_clock(d, &tm);
}

/* ---- country information (38h, 65h): United States, code page 437 ---- */

/* RBIL table 01399 (DOS 3+ country info, 34 bytes). */
static void country_bytes(uint8_t b[34])
{
	memset(b, 0, 34);
	b[0] = 0;            /* date format: m d y */
	b[2] = '$';          /* currency */
	b[7] = ',';          /* thousands */
	b[9] = '.';          /* decimal */
	b[11] = '-';         /* date separator */
	b[13] = ':';         /* time separator */
	b[15] = 0;           /* currency format */
	b[16] = 2;           /* digits after the decimal */
	b[17] = 0;           /* 12-hour clock */
	b[18] = DOS_IRET;    /* case map routine: a far RETF would be right; */
	b[20] = DOS_SEG & 0xFF; /* an IRET stub returns as well for a far call */
	b[21] = DOS_SEG >> 8;   /* with flags ignored: good enough */
	b[22] = ',';         /* data-list separator */
}

static void country_info(struct dos *d, uint16_t seg, uint16_t off)
{
	uint8_t b[34];
	country_bytes(b);
	dos_write_mem(d, seg, off, b, sizeof(b));
}

static void fn_country(struct dos *d)
{
	if (AL(d) == 0 || AL(d) == 1) {
		if (DX(d) == 0xFFFF) { /* set country: only the US is known */
			dos_ok(d);
			return;
		}
		country_info(d, d->r.ds, DX(d));
		dos_set16(&d->r.ebx, 1);
		dos_set16(&d->r.eax, 1);
		dos_ok(d);
		return;
	}
	dos_fail(d, 2);
}

/* 65h: extended country information. */
static void fn_country_ext(struct dos *d)
{
	uint16_t es = d->r.es, di = DI(d), cx = CX(d);
	uint8_t al = AL(d);
	if (al >= 0x20 && al <= 0x22) { /* upper-case a character / string / ASCIIZ */
		if (al == 0x20) {
			uint8_t c = DL(d);
			if (c >= 'a' && c <= 'z')
				dos_set_lo(&d->r.edx, (uint8_t)(c - 32));
		} else {
			uint16_t n = al == 0x21 ? cx : 0xFFFF;
			for (uint16_t i = 0; i < n; i++) {
				uint8_t c = dos_rd8(d, d->r.ds, (uint16_t)(DX(d) + i));
				if (al == 0x22 && !c)
					break;
				if (c >= 'a' && c <= 'z')
					dos_wr8(d, d->r.ds, (uint16_t)(DX(d) + i), (uint8_t)(c - 32));
			}
		}
		dos_ok(d);
		return;
	}
	uint8_t b[41] = { 0 };
	unsigned len;
	uint16_t table;
	switch (al) {
	case 0x01: /* general information */
		b[0] = 1;
		b[1] = 38;
		b[2] = 0;
		b[3] = 1;    /* country 1 */
		b[4] = 0;
		b[5] = 0xB5; /* code page 437 */
		b[6] = 0x01;
		country_bytes(b + 7); /* only CX bytes reach the caller's buffer */
		len = cx < 41 ? cx : 41;
		if (len < 5) {
			dos_fail(d, DOSERR_INVALID_FUNCTION);
			return;
		}
		dos_write_mem(d, es, di, b, len);
		dos_set16(&d->r.ecx, (uint16_t)len);
		dos_ok(d);
		return;
	case 0x02: table = DOS_UPCASE; break;
	case 0x04: table = DOS_FUPCASE; break;
	case 0x05: table = DOS_FCHAR; break;
	case 0x06: table = DOS_COLLATE; break;
	case 0x07: table = DOS_DBCS; break;
	default:
		dos_fail(d, DOSERR_INVALID_FUNCTION);
		return;
	}
	b[0] = al;
	put16(b + 1, dos_table_off(d, table));
	put16(b + 3, dos_table_seg(d));
	dos_write_mem(d, es, di, b, 5);
	dos_set16(&d->r.ecx, 5);
	dos_ok(d);
}

/* ---- the small functions ---- */

static uint16_t vector_seg(struct dos *d, uint8_t v)
{
	return dos_rd16(d, 0, (uint16_t)(v * 4 + 2));
}

static void fn_version(struct dos *d)
{
	dos_set_lo(&d->r.eax, d->ver_major);
	dos_set_hi(&d->r.eax, d->ver_minor);
	/* BH: OEM (FFh Microsoft; AL=01h asks for the "DOS in HMA" flag, 0). */
	dos_set_hi(&d->r.ebx, AL(d) == 1 ? 0 : 0xFF);
	dos_set_lo(&d->r.ebx, 0);
	dos_set16(&d->r.ecx, 0);
}

static void fn_break(struct dos *d)
{
	switch (AL(d)) {
	case 0: dos_set_lo(&d->r.edx, d->break_flag); break;
	case 1: d->break_flag = DL(d) & 1; break;
	case 2: {
		uint8_t old = d->break_flag;
		d->break_flag = DL(d) & 1;
		dos_set_lo(&d->r.edx, old);
		break;
	}
	case 5: dos_set_lo(&d->r.edx, 3); break; /* boot drive C: */
	case 6: /* true version (DOS 5) */
		dos_set16(&d->r.ebx, (uint16_t)(d->true_major | d->true_minor << 8));
		dos_set16(&d->r.edx, 0);
		break;
	default: dos_set_lo(&d->r.eax, 0xFF); break;
	}
}

static void fn_free_space(struct dos *d)
{
	int drive = DL(d) ? DL(d) - 1 : hostfs_current_drive(d->fs);
	uint16_t spc, bps, freec, total;
	if (drive == DOS_BUILTIN_DRIVE && !hostfs_mapped(d->fs, drive)) { /* the built-in Z: drive */
		dos_set16(&d->r.eax, 1);
		dos_set16(&d->r.ebx, 0);
		dos_set16(&d->r.ecx, 512);
		dos_set16(&d->r.edx, 1);
		return;
	}
	if (dos_disk_space(d, drive, &spc, &bps, &freec, &total) != 0) {
		dos_set16(&d->r.eax, 0xFFFF);
		return;
	}
	dos_set16(&d->r.eax, spc);
	dos_set16(&d->r.ebx, freec);
	dos_set16(&d->r.ecx, bps);
	dos_set16(&d->r.edx, total);
}

/* 1Bh/1Ch: allocation information; DS:BX -> media ID byte. */
static void fn_alloc_info(struct dos *d, int drive)
{
	uint16_t spc, bps, freec, total;
	if (hostfs_space(d->fs, drive, &spc, &bps, &freec, &total) != 0) {
		dos_set_lo(&d->r.eax, 0xFF);
		return;
	}
	dos_set_lo(&d->r.eax, (uint8_t)spc);
	dos_set16(&d->r.ecx, bps);
	dos_set16(&d->r.edx, total);
	d->r.ds = DOS_SEG;
	dos_set16(&d->r.ebx, DOS_DPB + 0x16); /* a byte F8h (fixed disk) */
}

static void fn_dirs(struct dos *d)
{
	char path[HOSTFS_DOS_PATH], host[HOSTFS_HOST_PATH];
	dos_read_str(d, d->r.ds, DX(d), path, sizeof(path));
	int e;
	if (AH(d) == 0x3B) {
		e = hostfs_chdir(d->fs, path);
		if (e) {
			dos_fail(d, (uint16_t)e);
			return;
		}
		dos_ok(d);
		return;
	}
	char canon[HOSTFS_DOS_PATH];
	e = dos_path_host(d, path, AH(d) == 0x39 ? HOSTFS_PARENT : HOSTFS_EXISTING, host, canon);
	if (e) {
		dos_fail(d, (uint16_t)(e == DOSERR_FILE_NOT_FOUND ? DOSERR_PATH_NOT_FOUND : e));
		return;
	}
	if (AH(d) == 0x3A) {
		/* RBIL: RMDIR of a drive's current directory gives error 10h. */
		char cwd[HOSTFS_DOS_PATH];
		if (hostfs_getcwd(d->fs, canon[0] - 'A', cwd) == 0 && strcmp(canon + 2, cwd) == 0) {
			dos_fail(d, DOSERR_CURRENT_DIR);
			return;
		}
	}
	int rc = AH(d) == 0x39 ? dos_disk_mkdir(d, host) : dos_disk_rmdir(d, host);
	if (rc != 0) {
		int err = -rc;
		/* RBIL: MKDIR of an existing name and RMDIR of a non-empty or
		 * current directory give "access denied". */
		dos_fail(d, err == EEXIST ? DOSERR_ACCESS_DENIED : dos_errno(err));
		return;
	}
	dos_ok(d);
}

static void fn_getcwd(struct dos *d)
{
	int drive = DL(d) ? DL(d) - 1 : hostfs_current_drive(d->fs);
	char cwd[HOSTFS_DOS_PATH];
	if (dos_getcwd(d, drive, cwd) != 0) {
		dos_fail(d, DOSERR_INVALID_DRIVE);
		return;
	}
	/* 47h returns the path without the drive and the leading backslash. */
	dos_write_mem(d, d->r.ds, SI(d), cwd + 1, strlen(cwd + 1) + 1);
	dos_set16(&d->r.eax, 0x0100);
	dos_ok(d);
}

static void fn_truename(struct dos *d)
{
	char path[HOSTFS_DOS_PATH], canon[HOSTFS_DOS_PATH];
	dos_read_str(d, d->r.ds, SI(d), path, sizeof(path));
	uint8_t unit;
	int e;
	if (dos_device_by_name(path, &unit) != DEV_NONE) {
		/* RBIL: a device gives "X:/NAME" in DOS 5 */
		const char *base = path;
		for (const char *p = path; *p; p++)
			if (*p == '\\' || *p == '/' || *p == ':')
				base = p + 1;
		snprintf(canon, sizeof(canon), "%c:/%.8s", 'A' + hostfs_current_drive(d->fs), base);
		for (char *p = canon; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 32);
		char *dot = strchr(canon + 3, '.');
		if (dot)
			*dot = 0;
	} else if ((e = hostfs_canonical(d->fs, path, canon)) != 0) {
		if ((path[0] | 0x20) == 'z' && path[1] == ':' && !hostfs_mapped(d->fs, DOS_BUILTIN_DRIVE)) {
			snprintf(canon, sizeof(canon), "Z:\\%.120s", path[2] == 0x5C ? path + 3 : path + 2);
			for (char *p = canon; *p; p++)
				if (*p >= 'a' && *p <= 'z')
					*p = (char)(*p - 32);
		} else {
			dos_fail(d, (uint16_t)e);
			return;
		}
	}
	dos_write_mem(d, d->r.es, DI(d), canon, strlen(canon) + 1);
	dos_ok(d);
}

static void fn_rename(struct dos *d)
{
	char from[HOSTFS_DOS_PATH], to[HOSTFS_DOS_PATH], hfrom[HOSTFS_HOST_PATH], hto[HOSTFS_HOST_PATH];
	char cfrom[HOSTFS_DOS_PATH], cto[HOSTFS_DOS_PATH];
	dos_read_str(d, d->r.ds, DX(d), from, sizeof(from));
	dos_read_str(d, d->r.es, DI(d), to, sizeof(to));
	int e = dos_path_host(d, from, HOSTFS_EXISTING, hfrom, cfrom);
	if (!e)
		e = dos_path_host(d, to, HOSTFS_PARENT, hto, cto);
	if (e) {
		dos_fail(d, (uint16_t)e);
		return;
	}
	if (cfrom[0] != cto[0]) {
		dos_fail(d, DOSERR_NOT_SAME_DEVICE);
		return;
	}
	struct stat st;
	if (strcmp(hfrom, hto) != 0 && lstat(hto, &st) == 0) {
		dos_fail(d, DOSERR_ACCESS_DENIED); /* the new name exists */
		return;
	}
	if ((e = dos_disk_rename(d, hfrom, hto)) != 0) {
		dos_fail(d, dos_errno(-e));
		return;
	}
	dos_ok(d);
}

/* 43h: get/set attributes. Read-only maps to the owner's write permission;
 * the other bits have no host form and are accepted. */
static void fn_attr(struct dos *d)
{
	char path[HOSTFS_DOS_PATH], host[HOSTFS_HOST_PATH];
	dos_read_str(d, d->r.ds, DX(d), path, sizeof(path));
	int e = dos_path_host(d, path, HOSTFS_EXISTING, host, NULL);
	if (e) {
		dos_fail(d, (uint16_t)e);
		return;
	}
	struct hostfs_entry ent;
	if (AL(d) == 0) {
		if (hostfs_stat(d->fs, host, &ent) != 0) {
			dos_fail(d, DOSERR_FILE_NOT_FOUND);
			return;
		}
		dos_set16(&d->r.ecx, ent.attr);
		dos_set16(&d->r.eax, ent.attr);
		dos_ok(d);
		return;
	}
	if (AL(d) != 1) {
		dos_fail(d, DOSERR_INVALID_FUNCTION);
		return;
	}
	struct stat st;
	if (stat(host, &st) != 0) {
		dos_fail(d, dos_errno(errno));
		return;
	}
	if ((CX(d) & (DOSATTR_VOLUME | DOSATTR_DIR)) != 0 && !S_ISDIR(st.st_mode)) {
		dos_fail(d, DOSERR_ACCESS_DENIED);
		return;
	}
	mode_t m = st.st_mode & 07777;
	m = (CX(d) & DOSATTR_READONLY) ? (mode_t)(m & ~0222u) : (mode_t)(m | 0200u);
	if (chmod(host, m) != 0) {
		dos_fail(d, dos_errno(errno));
		return;
	}
	dos_ok(d);
}

/* ---- other interrupts ---- */

/* INT 2Fh/4A01h: BX = free bytes of the HMA, ES:DI -> them (FFFF:FFFF and
 * BX = 0 when DOS is not high); 4A02h: BX bytes of it (rounded up to
 * paragraphs), ES:DI -> them, DI = FFFFh if they are not there. RBIL INT
 * 2F/AX=4A01h, 4A02h (DOS 5+). */
static void hma_query(struct dos *d)
{
	uint32_t left = 0x10000 - d->hma_free;
	if (AL(d) == 0x01) {
		dos_set16(&d->r.ebx, (uint16_t)(left > 0xFFFF ? 0xFFFF : left));
		d->r.es = 0xFFFF;
		dos_set16(&d->r.edi, left ? (uint16_t)d->hma_free : 0xFFFF);
		return;
	}
	uint32_t want = (BX(d) + 15u) & ~15u;
	d->r.es = 0xFFFF;
	if (!d->high || want == 0 || want > left) {
		dos_set16(&d->r.edi, 0xFFFF);
		return;
	}
	dos_set16(&d->r.edi, (uint16_t)d->hma_free);
	d->hma_free += want;
}

static int svc_int2f(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dos *d = ctx;
	/* The services that hooked INT 2Fh in the monitor (XMS: 43h) first:
	 * DOS is the end of the guest's chain. */
	if (vm_multiplex_dispatch(vm))
		return 0;
	vm16_get_regs(vm, &d->r);
	/* Installation checks (AL = 0) answer "not installed" by leaving AL 0;
	 * 1680h (release time slice) answers AL = 0, "call supported" (RBIL
	 * INT 2F/AX=1680h), and gives the slice up: the monitor idles the VM
	 * until its next event (src/vm/idle.c). */
	if (AX(d) == 0x1680) {
		dos_set_lo(&d->r.eax, 0);
		vm16_set_regs(vm, &d->r);
		vm_idle_yield(vm);
	} else if (AX(d) == 0x4A01 || AX(d) == 0x4A02) {
		hma_query(d);
		vm16_set_regs(vm, &d->r);
	}
	return 0;
}

static int svc_int29(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dos *d = ctx;
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	dos_con_putc(d, (uint8_t)r.eax);
	return 0;
}

static int svc_int25(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dos *d = ctx;
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	dos_log_once(d, 0x100 + 0x25, "INT %02Xh absolute disk access refused: drive %c: is a host directory",
		     n == DOS_SVC_INT25 ? 0x25 : 0x26, 'A' + (r.eax & 0xFF));
	dos_disk_refused(d, (int)(r.eax & 0xFF), n == DOS_SVC_INT25 ? "sectors (INT 25h)" : "sectors (INT 26h)");
	/* AH = 80h attachment failed / AL = 02h drive not ready, CF set. */
	r.eax = (r.eax & 0xFFFF0000u) | 0x8002;
	r.eflags |= FL_CF;
	vm16_set_regs(vm, &r);
	return 0;
}

static int svc_int20(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dos *d = ctx;
	vm16_get_regs(vm, &d->r);
	dos_terminate(d, 0, 0, 0);
	vm16_set_regs(vm, &d->r);
	return 0;
}

static int svc_int23(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dos *d = ctx;
	vm16_get_regs(vm, &d->r);
	dos_terminate(d, 0, 1, 0);
	vm16_set_regs(vm, &d->r);
	return 0;
}

/* INT 27h: terminate and stay resident, DX = bytes from the PSP. */
static int svc_int27(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dos *d = ctx;
	vm16_get_regs(vm, &d->r);
	dos_terminate(d, 0, 3, (uint16_t)((DX(d) + 15u) >> 4));
	vm16_set_regs(vm, &d->r);
	return 0;
}

static int dispatch21(struct dos *d);

/* CALL 5: the stack holds the far return into the PSP and the caller's
 * near return; turn it into an INT 21h frame with AH = CL. */
static int svc_call5(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dos *d = ctx;
	vm16_get_regs(vm, &d->r);
	uint16_t ss = d->r.ss, sp = (uint16_t)d->r.esp;
	uint16_t cs = dos_rd16(d, ss, (uint16_t)(sp + 2));
	uint16_t ip = dos_rd16(d, ss, (uint16_t)(sp + 4));
	/* The same six bytes become IP, CS, FLAGS. */
	dos_wr16(d, ss, sp, ip);
	dos_wr16(d, ss, (uint16_t)(sp + 2), cs);
	dos_wr16(d, ss, (uint16_t)(sp + 4), (uint16_t)d->r.eflags);
	dos_set_hi(&d->r.eax, CL(d));
	d->r.cs = DOS_SEG;
	d->r.eip = DOS_INT21;
	vm16_set_regs(vm, &d->r);
	return 0;
}

/* ---- INT 21h ---- */

static void fn_psp_funcs(struct dos *d)
{
	switch (AH(d)) {
	case 0x50: d->psp = BX(d); vm16_psp_changed(d->vm, d->psp); break;
	case 0x51:
	case 0x62: dos_set16(&d->r.ebx, d->psp); break;
	case 0x26: /* create PSP at DX from the current one */
		dos_new_psp(d, DX(d), dos_rd16(d, d->psp, 2), d->psp);
		break;
	case 0x55: /* child PSP at DX, SI = end of memory */
		dos_new_psp(d, DX(d), SI(d), d->psp);
		dos_wr16(d, DX(d), 0x16, d->psp);
		dos_set_lo(&d->r.eax, 0xF0);
		break;
	}
}

static void fn_memory(struct dos *d)
{
	uint16_t largest = 0, err = 0;
	switch (AH(d)) {
	case 0x48: {
		uint16_t seg = dos_mem_alloc(d, BX(d), d->psp, &largest, &err);
		if (!seg) {
			dos_fail(d, err);
			dos_set16(&d->r.ebx, largest);
			return;
		}
		dos_set16(&d->r.eax, seg);
		dos_ok(d);
		return;
	}
	case 0x49: {
		int e = dos_mem_free(d, d->r.es);
		if (e) {
			dos_fail(d, (uint16_t)e);
			return;
		}
		dos_ok(d);
		return;
	}
	case 0x4A: {
		int e = dos_mem_resize(d, d->r.es, BX(d), &largest);
		if (e) {
			dos_fail(d, (uint16_t)e);
			dos_set16(&d->r.ebx, largest);
			return;
		}
		dos_ok(d);
		return;
	}
	case 0x58:
		if (AL(d) == 0) {
			dos_set16(&d->r.eax, d->alloc_strategy);
			dos_ok(d);
		} else if (AL(d) == 1) {
			d->alloc_strategy = BL(d);
			dos_ok(d);
		} else if (AL(d) == 2) {
			dos_set_lo(&d->r.eax, dos_umb_linked(d) ? 1 : 0);
			dos_ok(d);
		} else if (AL(d) == 3 && BX(d) <= 1) {
			int e = dos_umb_link(d, BX(d) == 1);
			if (e)
				dos_fail(d, (uint16_t)e);
			else
				dos_ok(d);
		} else {
			dos_fail(d, DOSERR_INVALID_FUNCTION);
		}
		return;
	}
}

static void fn_ext_error(struct dos *d)
{
	dos_set16(&d->r.eax, d->ext_error);
	dos_set_hi(&d->r.ebx, d->ext_class);
	dos_set_lo(&d->r.ebx, d->ext_action);
	dos_set_hi(&d->r.ecx, d->ext_locus);
}

/* The functions that are valid and do nothing here: disk reset, verify
 * flag, record locking on a single-user host, commit (writes go to the
 * host at once). */
static bool fn_trivial(struct dos *d)
{
	switch (AH(d)) {
	case 0x0D: return true;
	case 0x18: case 0x1D: case 0x1E: case 0x20: /* CP/M leftovers: AL = 0 */
		dos_set_lo(&d->r.eax, 0);
		return true;
	case 0x2E: d->verify_flag = AL(d) & 1; return true;
	case 0x54: dos_set_lo(&d->r.eax, d->verify_flag); return true;
	case 0x5C: dos_ok(d); return true;
	case 0x68: case 0x6A:
		if (!dos_handle_file(d, BX(d)))
			dos_fail(d, DOSERR_INVALID_HANDLE);
		else
			dos_ok(d);
		return true;
	default: return false;
	}
}

static int dispatch21(struct dos *d)
{
	uint8_t ah = AH(d);
	if (dos_int21_console(d) == 0 || dos_int21_files(d) == 0 || dos_int21_fcb(d) == 0 ||
	    dos_int21_find(d) == 0 || fn_trivial(d))
		return 0;
	switch (ah) {
	case 0x00: dos_terminate(d, 0, 0, 0); return 0;
	case 0x0E:
		hostfs_set_current_drive(d->fs, DL(d));
		dos_set_lo(&d->r.eax, 26);
		return 0;
	case 0x19: dos_set_lo(&d->r.eax, (uint8_t)hostfs_current_drive(d->fs)); return 0;
	case 0x1A: d->dta_seg = d->r.ds; d->dta_off = DX(d); return 0;
	case 0x1B: fn_alloc_info(d, hostfs_current_drive(d->fs)); return 0;
	case 0x1C: fn_alloc_info(d, DL(d) ? DL(d) - 1 : hostfs_current_drive(d->fs)); return 0;
	case 0x1F: case 0x32: /* no DPB for host drives (as for a network drive) */
		dos_disk_refused(d, AH(d) == 0x32 && DL(d) ? DL(d) - 1 : hostfs_current_drive(d->fs),
				 AH(d) == 0x32 ? "parameter block (INT 21h/32h)" : "parameter block (INT 21h/1Fh)");
		dos_set_lo(&d->r.eax, 0xFF);
		return 0;
	case 0x25:
		dos_wr16(d, 0, (uint16_t)(AL(d) * 4), DX(d));
		dos_wr16(d, 0, (uint16_t)(AL(d) * 4 + 2), d->r.ds);
		return 0;
	case 0x26: case 0x50: case 0x51: case 0x55: case 0x62: fn_psp_funcs(d); return 0;
	case 0x2A: fn_get_date(d); return 0;
	case 0x2B: fn_set_date(d); return 0;
	case 0x2C: fn_get_time(d); return 0;
	case 0x2D: fn_set_time(d); return 0;
	case 0x2F: d->r.es = d->dta_seg; dos_set16(&d->r.ebx, d->dta_off); return 0;
	case 0x30: fn_version(d); return 0;
	case 0x31: dos_terminate(d, AL(d), 3, DX(d)); return 0;
	case 0x33: fn_break(d); return 0;
	case 0x34: d->r.es = DOS_SEG; dos_set16(&d->r.ebx, DOS_INDOS); return 0;
	case 0x35:
		dos_set16(&d->r.ebx, dos_rd16(d, 0, (uint16_t)(AL(d) * 4)));
		d->r.es = vector_seg(d, AL(d));
		return 0;
	case 0x36: fn_free_space(d); return 0;
	case 0x37:
		if (AL(d) == 0) {
			dos_set_lo(&d->r.eax, 0);
			dos_set_lo(&d->r.edx, dos_rd8(d, DOS_SEG, DOS_SWITCHAR));
		} else if (AL(d) == 1) {
			dos_wr8(d, DOS_SEG, DOS_SWITCHAR, DL(d));
			dos_set_lo(&d->r.eax, 0);
		} else {
			dos_set_lo(&d->r.eax, 0xFF);
		}
		return 0;
	case 0x38: fn_country(d); return 0;
	case 0x39: case 0x3A: case 0x3B: fn_dirs(d); return 0;
	case 0x43: fn_attr(d); return 0;
	case 0x47: fn_getcwd(d); return 0;
	case 0x48: case 0x49: case 0x4A: case 0x58: fn_memory(d); return 0;
	case 0x4B: return dos_exec(d);
	case 0x4C: dos_terminate(d, AL(d), 0, 0); return 0;
	case 0x4D:
		dos_set16(&d->r.eax, d->ret_code);
		d->ret_code = 0;
		dos_ok(d);
		return 0;
	case 0x52:
		d->r.es = DOS_SEG;
		dos_set16(&d->r.ebx, DOS_LOL);
		return 0;
	case 0x56: fn_rename(d); return 0;
	case 0x59: fn_ext_error(d); return 0;
	case 0x60: fn_truename(d); return 0;
	case 0x63: /* DBCS lead byte table: empty */
		d->r.ds = dos_table_seg(d);
		dos_set16(&d->r.esi, dos_table_off(d, DOS_DBCS + 2));
		dos_set_lo(&d->r.eax, 0);
		dos_ok(d);
		return 0;
	case 0x65: fn_country_ext(d); return 0;
	case 0x66:
		if (AL(d) == 1) {
			dos_set16(&d->r.ebx, 437);
			dos_set16(&d->r.edx, 437);
			dos_ok(d);
		} else if (AL(d) == 2) {
			if (BX(d) == 437)
				dos_ok(d);
			else
				dos_fail(d, 0x25); /* code page not found? RBIL: 25h */
		} else {
			dos_fail(d, DOSERR_INVALID_FUNCTION);
		}
		return 0;
	case 0x71: case 0x73:
		/* Long file names and FAT32 (Windows 95, DOS 7.1) are not DOS
		 * 5's: AX=7100h/7300h with CF set, what programs test to fall
		 * back to the short-name calls (RBIL INT 21h/AX=71xxh, 73xxh). */
		dos_fail(d, DOSERR_INVALID_FUNCTION);
		dos_set16(&d->r.eax, (uint16_t)(ah << 8));
		return 0;
	default:
		dos_log_once(d, ah, "INT 21h function %02Xh (AX=%04Xh) is not supported", ah, AX(d));
		dos_set_lo(&d->r.eax, 0); /* DOS 2: unknown functions return AL = 0 */
		dos_fail(d, DOSERR_INVALID_FUNCTION);
		return 0;
	}
}

/* For the idle detector (src/vm/idle.c): INT 21h functions that are real
 * work, so a program that calls them between its keyboard polls is busy,
 * not waiting: everything from 0Dh up (files, disks, memory, processes)
 * except the queries and settings a wait loop may make as well. Character
 * I/O (01h-0Ch) is not work: 06h and 0Bh without input are the polls. */
static bool int21_is_work(uint8_t ah)
{
	if (ah < 0x0D)
		return false;
	switch (ah) {
	case 0x19: case 0x1A: case 0x25: case 0x2A: case 0x2B: case 0x2C: case 0x2D: case 0x2E:
	case 0x2F: case 0x30: case 0x33: case 0x34: case 0x35: case 0x37: case 0x44: case 0x50:
	case 0x51: case 0x54: case 0x62:
		return false;
	default:
		return true;
	}
}

static int svc_int21(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dos *d = ctx;
	if (d->abort_msg[0])
		return vm_fail(vm, -ETIMEDOUT, "%s", d->abort_msg);
	d->int21_calls++;
	vm16_get_regs(vm, &d->r);
	if (int21_is_work(AH(d)))
		vm_idle_reset(vm);
	/* DOS in the HMA needs A20: MS-DOS turns it on at every call. */
	if (d->high && !vdd_a20(vm))
		vdd_set_a20(vm, true);
	uint16_t ss = d->r.ss, sp = (uint16_t)d->r.esp;
	d->frame_flags = dos_rd16(d, ss, (uint16_t)(sp + 4));
	d->retry = d->waiting;
	d->waiting = false;
	uint16_t entry_cs = d->r.cs;
	uint32_t entry_ip = d->r.eip;
	int rc = dispatch21(d);
	/* A call that moved the guest elsewhere (EXEC, terminate, a wait)
	 * leaves the frame alone; the others return through the IRET after
	 * the supervisor call with the frame's flags updated. */
	if (d->r.cs == entry_cs && d->r.eip == entry_ip && d->r.ss == ss && (uint16_t)d->r.esp == sp)
		dos_wr16(d, ss, (uint16_t)(sp + 4), d->frame_flags);
	vm16_set_regs(vm, &d->r);
	if (rc != 0 && d->err[0])
		return vm_fail(vm, -EINVAL, "%s", d->err);
	return rc;
}

/* ---- building the DOS segment ---- */

static void put_dev(uint8_t *seg, unsigned off, unsigned next, uint16_t attr, const char *name)
{
	uint8_t *h = seg + off;
	h[0] = (uint8_t)next;
	h[1] = (uint8_t)(next >> 8);
	h[2] = next == 0xFFFF ? 0xFF : (uint8_t)DOS_SEG;
	h[3] = next == 0xFFFF ? 0xFF : (uint8_t)(DOS_SEG >> 8);
	h[4] = (uint8_t)attr;
	h[5] = (uint8_t)(attr >> 8);
	h[6] = h[8] = DOS_DEV_ENTRY;
	memset(h + 10, ' ', 8);
	memcpy(h + 10, name, strlen(name));
}

/* The list of lists (RBIL INT 21h/52h, DOS 5 layout) and what it points to. */
static void build_dos_segment(struct dos *d, uint8_t *seg)
{
	memcpy(seg, dos_stubs, dos_stubs_size);
	seg[DOS_SWITCHAR] = '/';
	uint8_t *lol = seg + DOS_LOL;
	put16(lol - 2, (uint16_t)(d->root_psp + DOS_ROOT_MCB_PARAS));
	put16(lol + 0x00, DOS_DPB); /* DPB chain: one dummy block */
	put16(lol + 0x02, DOS_SEG);
	put16(lol + 0x04, DOS_SFT);
	put16(lol + 0x06, DOS_SEG);
	put16(lol + 0x08, DOS_DEVICES + 3 * 18); /* CLOCK$ */
	put16(lol + 0x0A, DOS_SEG);
	put16(lol + 0x0C, DOS_DEVICES);          /* CON */
	put16(lol + 0x0E, DOS_SEG);
	put16(lol + 0x10, 512);
	put16(lol + 0x12, 0xFFFF);
	put16(lol + 0x14, 0xFFFF);
	put16(lol + 0x16, dos_table_off(d, DOS_CDS));
	put16(lol + 0x18, dos_table_seg(d));
	put16(lol + 0x1A, 0xFFFF);
	put16(lol + 0x1C, 0xFFFF);
	lol[0x20] = 0;  /* block devices: none (host drives are redirected) */
	lol[0x21] = 26; /* LASTDRIVE */
	put16(lol + DOS_LOL_UMB_MCB, 0xFFFF); /* no UMBs (dos_umb_init) */
	/* NUL heads the device chain; then CON, AUX, PRN, CLOCK$, COM1-4, LPT1-3. */
	static const char *const names[DOS_NDEVICES] = {
		"CON", "AUX", "PRN", "CLOCK$", "COM1", "COM2", "COM3", "COM4", "LPT1", "LPT2", "LPT3",
	};
	static const uint16_t attrs[DOS_NDEVICES] = {
		0x8013, 0x8000, 0xA0C0, 0x8008, 0x8000, 0x8000, 0x8000, 0x8000, 0xA0C0, 0xA0C0, 0xA0C0,
	};
	put_dev(seg, DOS_NUL_DEV, DOS_DEVICES, 0x8004, "NUL");
	for (unsigned i = 0; i < DOS_NDEVICES; i++)
		put_dev(seg, DOS_DEVICES + i * 18, i + 1 < DOS_NDEVICES ? DOS_DEVICES + (i + 1) * 18 : 0xFFFF,
			attrs[i], names[i]);
	/* SFT header: no more blocks, no entries visible (the host holds them). */
	put16(seg + DOS_SFT, 0xFFFF);
	put16(seg + DOS_SFT + 2, 0xFFFF);
	put16(seg + DOS_SFT + 4, 0);
	/* DPB: next = FFFF:FFFF; media byte at +16h. */
	put16(seg + DOS_DPB + 0x19, 0xFFFF);
	put16(seg + DOS_DPB + 0x1B, 0xFFFF);
	seg[DOS_DPB + 0x16] = 0xF8;
	/* Country tables: upper case of 80h-FFh is the identity in this
	 * simple US table; the filename character table is DOS's. */
	put16(seg + DOS_UPCASE, 128);
	put16(seg + DOS_FUPCASE, 128);
	for (unsigned i = 0; i < 128; i++)
		seg[DOS_UPCASE + 2 + i] = seg[DOS_FUPCASE + 2 + i] = (uint8_t)(0x80 + i);
	static const char illegal[] = ".\"/\\[]:|<>+=;,";
	uint8_t *fc = seg + DOS_FCHAR;
	put16(fc, 22 + (uint16_t)strlen(illegal));
	fc[2] = 1;    /* permissible character value range */
	fc[3] = 0;    /* lowest */
	fc[4] = 0xFF; /* highest */
	fc[5] = 0;
	fc[6] = 0x00; /* excluded range */
	fc[7] = 0x20;
	fc[8] = 2;
	fc[9] = (uint8_t)strlen(illegal);
	memcpy(fc + 10, illegal, strlen(illegal));
	put16(seg + DOS_COLLATE, 256);
	for (unsigned i = 0; i < 256; i++)
		seg[DOS_COLLATE + 2 + i] = (uint8_t)(i >= 'a' && i <= 'z' ? i - 32 : i);
	put16(seg + DOS_DBCS, 0);
	/* CDS: "X:\" for every mapped drive; flags 4000h = physical. */
	for (int i = 0; i < 26; i++) {
		uint8_t *c = seg + DOS_CDS + i * DOS_CDS_ENTRY;
		c[0] = (uint8_t)('A' + i);
		c[1] = ':';
		c[2] = '\\';
		bool present = hostfs_mapped(d->fs, i) || i == 25;
		put16(c + 0x43, present ? 0xC000 : 0); /* network + physical: a redirected drive */
		put16(c + 0x4F, 2);                    /* backslash offset */
	}
}

/* Point the DOS vectors at the stubs; CALL 5's far target FEF0:F01D... wraps
 * to 0:00C0 (and to FFFF:00D0 in the HMA with A20 on), where a far jump to
 * the stub goes (RBIL INT 21h/00h notes, "CALL 5"). */
static void set_vectors(struct dos *d)
{
	static const struct {
		uint8_t vec;
		uint16_t off;
	} vecs[] = {
		{ 0x20, DOS_INT20 }, { 0x21, DOS_INT21 }, { 0x22, DOS_INT22 }, { 0x23, DOS_INT23 },
		{ 0x24, DOS_INT24 }, { 0x25, DOS_INT25 }, { 0x26, DOS_INT26 }, { 0x27, DOS_INT27 },
		{ 0x28, DOS_INT28 }, { 0x29, DOS_INT29 }, { 0x2A, DOS_IRET }, { 0x2E, DOS_IRET },
		{ 0x2F, DOS_INT2F },
	};
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		dos_wr16(d, 0, (uint16_t)(vecs[i].vec * 4), vecs[i].off);
		dos_wr16(d, 0, (uint16_t)(vecs[i].vec * 4 + 2), DOS_SEG);
	}
	uint8_t jmp[5] = { 0xEA, DOS_CALL5, 0, DOS_SEG & 0xFF, DOS_SEG >> 8 };
	dos_write_mem(d, 0, 0xC0, jmp, sizeof(jmp));
	(void)vm16_write(d->vm, 0x1000C0, jmp, sizeof(jmp));
}

/* DOS_HIGH: the kernel takes the HMA (if it exists and is free) and puts
 * its tables there; INT 2Fh/4A01h-4A02h then give out the rest of it. */
static void dos_layout(struct dos *d)
{
	d->high = vdd_property(d->vm, "DOS_HIGH") && vdd_hma_claim(d->vm, "DOS") == 0;
	d->root_psp = d->high ? DOS_HIGH_ROOT_PSP : DOS_ROOT_PSP;
	d->hma_free = d->high ? (DOS_HMA_TABLES + DOS_ROOT_PSP_OFF - DOS_TABLES + 15u) & ~15u : 0x10000;
}

static int install(struct dos *d)
{
	uint8_t seg[DOS_ROOT_PSP_OFF];
	memset(seg, 0, sizeof(seg));
	dos_layout(d);
	build_dos_segment(d, seg);
	if (d->high) {
		dos_write_mem(d, DOS_SEG, 0, seg, DOS_TABLES);
		dos_write_mem(d, 0xFFFF, DOS_HMA_TABLES, seg + DOS_TABLES, DOS_ROOT_PSP_OFF - DOS_TABLES);
	} else {
		dos_write_mem(d, DOS_SEG, 0, seg, sizeof(seg));
	}
	dos_link_vdd_devices(d);
	set_vectors(d);
	/* Deep sleep (src/vm/quiet.c, docs/idle.md): the console wait only
	 * looks for input, and calls INT 28h each time round. (The monitor's
	 * table has room for the BIOS's entries and these.) */
	(void)vm_quiet_add_wait(d->vm, DOS_SEG, DOS_INT21_WAITED);
	(void)vm_quiet_add_vector(d->vm, 0x28, DOS_SEG, DOS_INT28, NULL);
	static const struct {
		uint8_t n;
		vm16_svc_fn fn;
	} svcs[] = {
		{ DOS_SVC_INT21, svc_int21 }, { DOS_SVC_INT20, svc_int20 }, { DOS_SVC_INT25, svc_int25 },
		{ DOS_SVC_INT26, svc_int25 }, { DOS_SVC_INT27, svc_int27 }, { DOS_SVC_INT29, svc_int29 },
		{ DOS_SVC_INT2F, svc_int2f }, { DOS_SVC_CALL5, svc_call5 }, { DOS_SVC_INT23, svc_int23 },
	};
	for (size_t i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++)
		vm_set_svc_internal(d->vm, svcs[i].n, svcs[i].fn, d);
	/* Memory: the arena runs from the first MCB to the top of RAM. */
	d->mem_top = (uint16_t)(d->vm->cfg.mem_4k * 256u);
	int e = dos_mem_init(d, (uint16_t)(d->root_psp + DOS_ROOT_MCB_PARAS), d->mem_top);
	if (e)
		return e;
	if (vdd_property(d->vm, "DOS_UMB"))
		dos_umb_init(d);
	/* The root PSP: parent of the first program, parent of itself. */
	dos_new_psp(d, d->root_psp, d->mem_top, d->root_psp);
	dos_wr16(d, d->root_psp, 0x2C, (uint16_t)(d->root_psp + DOS_ROOT_ENV_PARAS));
	dos_wr16(d, d->root_psp, 0x0A, DOS_ROOT_EXIT);
	dos_wr16(d, d->root_psp, 0x0C, DOS_SEG);
	d->psp = d->root_psp;
	dos_files_init(d);
	return 0;
}

void dos_config_default(struct dos_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->console.echo = true; /* version 0.0: the DOS_VERSION setting */
}

/* The reported version: DOS_VERSION (major * 100 + minor, core_props.c)
 * when the VM's configuration gave it, else the config's version, else
 * the setting's default; the setting then holds the version in effect. */
static void dos_apply_version(struct dos *d, const struct dos_config *cfg)
{
	int64_t v = vdd_property(d->vm, "DOS_VERSION");
	if (!vm_setting_given(d->vm, "DOS_VERSION") && cfg->version_major) {
		v = cfg->version_major * 100 + cfg->version_minor % 100;
		vm_setting_store(d->vm, "DOS_VERSION", v);
	}
	d->ver_major = (uint8_t)(v / 100);
	d->ver_minor = (uint8_t)(v % 100);
}

void dos_attach_shell(struct dos *d, const struct dos_shell_hooks *hooks)
{
	d->shell = *hooks;
	if (hooks->svc)
		vm_set_svc_internal(d->vm, DOS_SVC_SHELL, hooks->svc, d);
}

int dos_kernel_create(struct vm *vm, const struct dos_config *cfg, struct dos **out, char *err, size_t errlen)
{
	*out = NULL;
	struct dos *d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	d->vm = vm;
	d->con = cfg->console;
	d->start = cfg->start;
	d->start_ctx = cfg->start_ctx;
	dos_apply_version(d, cfg);
	d->true_major = 5;
	d->true_minor = 0;
	d->alloc_strategy = 0;
	d->break_flag = 0;
	d->cfg_env_count = 0;
	dos_disk_init(d);
	int e = dos_printer_init(d, cfg->printer);
	if (e)
		goto err_free;
	e = hostfs_create(&d->fs);
	if (e)
		goto err_free;
	bool any = false;
	for (int i = 0; i < 26; i++) {
		if (!cfg->drives[i])
			continue;
		e = hostfs_map(d->fs, i, cfg->drives[i]);
		if (e) {
			snprintf(err, errlen, "cannot map drive %c: to %s: %s", 'A' + i, cfg->drives[i], strerror(-e));
			goto err_fs;
		}
		any = true;
	}
	if (!any) {
		snprintf(err, errlen, "no drive is mapped");
		e = -EINVAL;
		goto err_fs;
	}
	for (unsigned i = 0; i < cfg->nenv && i < DOS_MAX_ENV; i++) {
		if (!strchr(cfg->env[i], '=') || strlen(cfg->env[i]) >= sizeof(d->cfg_env[0])) {
			snprintf(err, errlen, "bad environment entry '%s' (NAME=VALUE, at most %zu bytes)",
				 cfg->env[i], sizeof(d->cfg_env[0]) - 1);
			e = -EINVAL;
			goto err_fs;
		}
		strcpy(d->cfg_env[d->cfg_env_count++], cfg->env[i]);
	}
	if (cfg->autoexec && cfg->autoexec[0]) {
		if (strlen(cfg->autoexec) > 4096 || !(d->autoexec = strdup(cfg->autoexec))) {
			snprintf(err, errlen, "the start-up commands are longer than 4096 bytes");
			e = -E2BIG;
			goto err_fs;
		}
	}
	if (d->con.write)
		vm16_set_console_tap(vm, d->con.write, d->con.ctx);
	e = install(d);
	if (e) {
		snprintf(err, errlen, "cannot set up DOS memory: %s", d->err);
		goto err_fs;
	}
	*out = d;
	return 0;

err_fs:
	free(d->autoexec);
	hostfs_destroy(d->fs);
err_free:
	dos_printer_close(d);
	free(d);
	return e < 0 ? e : -EINVAL;
}

void dos_destroy(struct dos *d)
{
	if (!d)
		return;
	if (d->disk_event > 0)
		vdd_cancel(d->vm, d->disk_event);
	dos_files_close_all(d);
	if (d->shell.free_all)
		d->shell.free_all(d);
	vm16_set_console_tap(d->vm, NULL, NULL);
	hostfs_destroy(d->fs);
	dos_printer_close(d);
	free(d->autoexec);
	free(d->autoexec_batch);
	free(d);
}
