/*
 * int21.c - INT 21h: the dispatcher on the one table of functions
 * (int21.def: number, handler, name, what the idle detector makes of it)
 * and the handlers of the functions that belong to no family (dates and
 * times, country information, drives and directories, memory, processes,
 * the small ones). The families have files of their own: console.c
 * (01h-0Ch), files.c (handles), fcb.c, find.c.
 *
 * The result convention of the kernel: a handler puts the call's result
 * in the guest's registers (dos_ok: CF clear; dos_fail(code): CF set, AX
 * and the extended error = the DOS error code, positive, RBIL table
 * 01680). Functions below a handler return 0 or a positive DOS error when
 * they return a status only, or a count or index that is negative, -(DOS
 * error), on failure. Host errors become DOS errors in one place,
 * dos_errno(). What the dispatch itself did is an enum dos_dispatch.
 * Sources: RBIL INT 21h; MS-DOS 2.0 SYSCALL.DOC.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/le.h"
#include "dos/dos_internal.h"
#include "vm/vm_internal.h"

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
static void alloc_info(struct dos *d, int drive)
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
	struct hostfs_entry ent;
	int e = AL(d) == 0 ? dos_path_entry(d, path, host, &ent) : dos_path_host(d, path, HOSTFS_EXISTING, host, NULL);
	if (e) {
		dos_fail(d, (uint16_t)e);
		return;
	}
	if (AL(d) == 0) {
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

/* 1Bh: the default drive, 1Ch: drive DL (0 = default). */
static void fn_alloc_info(struct dos *d)
{
	int drive = hostfs_current_drive(d->fs);
	if (AH(d) == 0x1C && DL(d))
		drive = DL(d) - 1;
	alloc_info(d, drive);
}

/* ---- processes, memory, the small ones ---- */

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

static void fn_terminate(struct dos *d)
{
	dos_terminate(d, 0, 0, 0);
}

static void fn_keep(struct dos *d)
{
	dos_terminate(d, AL(d), 3, DX(d));
}

static void fn_exit(struct dos *d)
{
	dos_terminate(d, AL(d), 0, 0);
}

static void fn_exec(struct dos *d)
{
	if (dos_exec(d) != 0)
		d->outcome = DOS_DISPATCH_END_VM;
}

static void fn_return_code(struct dos *d)
{
	dos_set16(&d->r.eax, d->ret_code);
	d->ret_code = 0;
	dos_ok(d);
}

/* Valid and nothing to do: disk reset (writes go to the host at once). */
static void fn_nothing(struct dos *d)
{
	(void)d;
}

/* CP/M leftovers: AL = 0. */
static void fn_cpm_null(struct dos *d)
{
	dos_set_lo(&d->r.eax, 0);
}

static void fn_select_drive(struct dos *d)
{
	hostfs_set_current_drive(d->fs, DL(d));
	dos_set_lo(&d->r.eax, 26);
}

static void fn_current_drive(struct dos *d)
{
	dos_set_lo(&d->r.eax, (uint8_t)hostfs_current_drive(d->fs));
}

static void fn_set_dta(struct dos *d)
{
	d->dta_seg = d->r.ds;
	d->dta_off = DX(d);
}

static void fn_get_dta(struct dos *d)
{
	d->r.es = d->dta_seg;
	dos_set16(&d->r.ebx, d->dta_off);
}

/* 1Fh, 32h: no parameter block for host drives (as for a network drive). */
static void fn_dpb(struct dos *d)
{
	dos_disk_refused(d, AH(d) == 0x32 && DL(d) ? DL(d) - 1 : hostfs_current_drive(d->fs),
			 AH(d) == 0x32 ? "parameter block (INT 21h/32h)" : "parameter block (INT 21h/1Fh)");
	dos_set_lo(&d->r.eax, 0xFF);
}

static void fn_set_vector(struct dos *d)
{
	dos_wr16(d, 0, (uint16_t)(AL(d) * 4), DX(d));
	dos_wr16(d, 0, (uint16_t)(AL(d) * 4 + 2), d->r.ds);
}

static void fn_get_vector(struct dos *d)
{
	dos_set16(&d->r.ebx, dos_rd16(d, 0, (uint16_t)(AL(d) * 4)));
	d->r.es = vector_seg(d, AL(d));
}

static void fn_set_verify(struct dos *d)
{
	d->verify_flag = AL(d) & 1;
}

static void fn_get_verify(struct dos *d)
{
	dos_set_lo(&d->r.eax, d->verify_flag);
}

static void fn_indos(struct dos *d)
{
	d->r.es = DOS_SEG;
	dos_set16(&d->r.ebx, DOS_INDOS);
}

static void fn_switchar(struct dos *d)
{
	if (AL(d) == 0) {
		dos_set_lo(&d->r.eax, 0);
		dos_set_lo(&d->r.edx, dos_rd8(d, DOS_SEG, DOS_SWITCHAR));
	} else if (AL(d) == 1) {
		dos_wr8(d, DOS_SEG, DOS_SWITCHAR, DL(d));
		dos_set_lo(&d->r.eax, 0);
	} else {
		dos_set_lo(&d->r.eax, 0xFF);
	}
}

static void fn_list_of_lists(struct dos *d)
{
	d->r.es = DOS_SEG;
	dos_set16(&d->r.ebx, DOS_LOL);
}

/* Record locking on a single-user host: granted. */
static void fn_lock(struct dos *d)
{
	dos_ok(d);
}

/* 68h, 6Ah: commit (writes go to the host at once): the handle must be open. */
static void fn_commit(struct dos *d)
{
	if (!dos_handle_file(d, BX(d)))
		dos_fail(d, DOSERR_INVALID_HANDLE);
	else
		dos_ok(d);
}

/* 63h: the DBCS lead byte table: empty. */
static void fn_dbcs(struct dos *d)
{
	d->r.ds = dos_table_seg(d);
	dos_set16(&d->r.esi, dos_table_off(d, DOS_DBCS + 2));
	dos_set_lo(&d->r.eax, 0);
	dos_ok(d);
}

/* 66h: the global code page: 437, and only 437 can be set. */
static void fn_code_page(struct dos *d)
{
	if (AL(d) == 1) {
		dos_set16(&d->r.ebx, 437);
		dos_set16(&d->r.edx, 437);
		dos_ok(d);
	} else if (AL(d) == 2) {
		if (BX(d) == 437)
			dos_ok(d);
		else
			dos_fail(d, 0x25); /* RBIL: 25h, code page not found */
	} else {
		dos_fail(d, DOSERR_INVALID_FUNCTION);
	}
}

/* Long file names and FAT32 (Windows 95, DOS 7.1) are not DOS 5's:
 * AX=7100h/7300h with CF set, what programs test to fall back to the
 * short-name calls (RBIL INT 21h/AX=71xxh, 73xxh). */
static void fn_lfn(struct dos *d)
{
	uint8_t ah = AH(d);
	dos_fail(d, DOSERR_INVALID_FUNCTION);
	dos_set16(&d->r.eax, (uint16_t)(ah << 8));
}

/* ---- the table ---- */

enum int21_kind { WORK, QUERY, POLL };

struct int21_fn {
	void (*handler)(struct dos *d);
	const char *name;
	enum int21_kind kind;
};

static void fn_unsupported(struct dos *d);

static const struct int21_fn int21_table[256] = {
#define FN(ah, handler, name, kind) [ah] = { handler, name, kind },
#include "dos/int21.def"
#undef FN
};

static void fn_unsupported(struct dos *d)
{
	dos_log_once(d, AH(d), "INT 21h function %02Xh (AX=%04Xh) is not supported", AH(d), AX(d));
	dos_set_lo(&d->r.eax, 0); /* DOS 2: unknown functions return AL = 0 */
	dos_fail(d, DOSERR_INVALID_FUNCTION);
}

/* What the log calls function ah. */
static const char *int21_name(uint8_t ah)
{
	return int21_table[ah].handler ? int21_table[ah].name : "not supported";
}

int dos_svc_int21(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dos *d = ctx;
	if (d->abort_msg[0])
		return vm_fail(vm, -ETIMEDOUT, "%s", d->abort_msg);
	d->int21_calls++;
	vm16_get_regs(vm, &d->r);
	const struct int21_fn *fn = &int21_table[AH(d)];
	if (!fn->handler || fn->kind == WORK)
		vm_idle_reset(vm);
	/* DOS in the HMA needs A20: MS-DOS turns it on at every call. */
	if (d->high && !vdd_a20(vm))
		vdd_set_a20(vm, true);
	uint16_t ss = d->r.ss, sp = (uint16_t)d->r.esp;
	d->frame_flags = dos_rd16(d, ss, (uint16_t)(sp + 4));
	d->retry = d->waiting;
	d->waiting = false;
	d->outcome = DOS_DISPATCH_DONE;
	uint16_t entry_cs = d->r.cs;
	uint32_t entry_ip = d->r.eip;
	uint8_t ah = AH(d);
	(fn->handler ? fn->handler : fn_unsupported)(d);
	/* A call that moved the guest elsewhere (EXEC, terminate, a wait)
	 * leaves the frame alone; the others return through the IRET after
	 * the supervisor call with the frame's flags updated. */
	if (d->r.cs == entry_cs && d->r.eip == entry_ip && d->r.ss == ss && (uint16_t)d->r.esp == sp)
		dos_wr16(d, ss, (uint16_t)(sp + 4), d->frame_flags);
	vm16_set_regs(vm, &d->r);
	if (d->outcome == DOS_DISPATCH_END_VM)
		return vm_fail(vm, -EINVAL, "INT 21h/%02Xh (%s): %s", ah, int21_name(ah),
			       d->err[0] ? d->err : "the VM cannot go on");
	return 0;
}
