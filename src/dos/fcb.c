/*
 * fcb.c - the FCB file functions of INT 21h: 0Fh open, 10h close, 14h/15h
 * sequential read/write, 16h create, 21h/22h random read/write, 23h file
 * size, 24h set random record, 27h/28h random block read/write and 29h
 * parse filename. (The FCB directory functions 11h-13h and 17h are in
 * find.c.) Every function takes a normal or an extended FCB (first byte
 * FFh, RBIL table 01346) at DS:DX and returns its status in AL.
 *
 * An open FCB names its system file table entry in its reserved bytes
 * (18h-1Fh, layout below): the SFT index, a signature, and the host
 * file's inode to tell a reused entry from the FCB's own. The file
 * position lives in the FCB alone (current block and record, random
 * record, record size): every transfer positions explicitly (pread,
 * pwrite), so an FCB whose SFT entry is gone (closed, or reclaimed when
 * the table was full: programs often never close FCBs) is reopened by
 * name and goes on where it was. FCB-opened SFT entries are in no JFT;
 * they are marked in their mode byte (FCB_MARK) so that only they are
 * ever reclaimed.
 *
 * Sources: RBIL INT 21h/0Fh, 10h, 14h-16h, 21h-24h, 27h-29h; tables 01345
 * (FCB), 01346 (extended FCB), 01380 (29h parsing options).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dos/dos_internal.h"
#include "common/le.h"

enum {
	/* FCB, RBIL table 01345. */
	FCB_DRIVE = 0x00,   /* 0 = default, 1 = A: */
	FCB_NAME = 0x01,    /* 8 + 3 blank padded */
	FCB_BLOCK = 0x0C,   /* WORD current block (128 records) */
	FCB_RECSIZE = 0x0E, /* WORD logical record size */
	FCB_SIZE = 0x10,    /* DWORD file size */
	FCB_DATE = 0x14,
	FCB_TIME = 0x16,
	FCB_RES = 0x18,     /* 8 reserved bytes: ours, below */
	FCB_CURREC = 0x20,  /* BYTE record within the current block */
	FCB_RANDOM = 0x21,  /* DWORD (3 bytes when the record size is 64 or more) */
	FCB_LEN = 0x25,
	XFCB_FLAG = 0xFF,
	XFCB_ATTR = 6,
	XFCB_HDR = 7,

	/* The reserved bytes of an open FCB. */
	RES_SFT = 0x18,     /* SFT index */
	RES_SIG = 0x19,     /* 'M', 'F' */
	RES_FLAGS = 0x1B,   /* RF_* */
	RES_INODE = 0x1C,   /* DWORD: low 32 bits of the host file's inode */
	RF_NOINODE = 0x01,  /* a device or the built-in file */

	RECS_PER_BLOCK = 128,
	DEFAULT_RECSIZE = 0x80,
	/* An SFT mode byte no 3Dh open asks for (sharing field 7 is invalid)
	 * plus no-inherit: the entry belongs to an FCB. */
	FCB_MARK = 0xF0,
	OPEN_RW = 2,
	OPEN_RO = 0,

	/* AL results of the transfers (RBIL 14h, 15h, 21h, 22h, 27h, 28h). */
	XF_OK = 0,
	XF_EOF = 1,         /* read: end of file, nothing (more) read; write: disk full */
	XF_WRAP = 2,        /* the transfer would wrap the DTA's segment */
	XF_PARTIAL = 3,     /* read: a partial record, zero padded */
	XF_WAIT = -1,       /* console input not ready: the call is repeated */
};

/* ---- the FCB as a host copy ---- */

struct fcb {
	uint16_t seg, off;   /* the normal FCB (past an extended header) */
	bool ext;
	uint8_t attr;        /* extended FCB attribute, 0 for a normal FCB */
	uint8_t b[FCB_LEN];
};

static char upcase(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
}

static void set_al(struct dos *d, uint8_t v)
{
	dos_set_lo(&d->r.eax, v);
}

static void fcb_load(struct dos *d, uint16_t seg, uint16_t off, struct fcb *f)
{
	memset(f, 0, sizeof(*f));
	f->seg = seg;
	f->off = off;
	if (dos_rd8(d, seg, off) == XFCB_FLAG) {
		f->ext = true;
		f->attr = dos_rd8(d, seg, (uint16_t)(off + XFCB_ATTR));
		f->off = (uint16_t)(off + XFCB_HDR);
	}
	dos_read_mem(d, seg, f->off, f->b, sizeof(f->b));
}

/* Write bytes [from, from + len) of the copy back to the guest's FCB. */
static void fcb_store(struct dos *d, const struct fcb *f, unsigned from, unsigned len)
{
	dos_write_mem(d, f->seg, (uint16_t)(f->off + from), f->b + from, len);
}

/* The name field as DOS reads it: upper case. */
static void fcb_name(const struct fcb *f, char out[11])
{
	for (size_t i = 0; i < 11; i++)
		out[i] = upcase((char)f->b[FCB_NAME + i]);
}

/* The record size; 0 reads as 80h (and is stored as such). */
static uint16_t fcb_recsize(struct fcb *f)
{
	uint16_t rs = get16(f->b + FCB_RECSIZE);
	if (rs == 0) {
		rs = DEFAULT_RECSIZE;
		put16(f->b + FCB_RECSIZE, rs);
	}
	return rs;
}

/* Current record: block * 128 + record in block. */
static uint32_t fcb_current(const struct fcb *f)
{
	return (uint32_t)get16(f->b + FCB_BLOCK) * RECS_PER_BLOCK + f->b[FCB_CURREC];
}

static void fcb_set_current(struct fcb *f, uint32_t rec)
{
	put16(f->b + FCB_BLOCK, (uint16_t)(rec / RECS_PER_BLOCK));
	f->b[FCB_CURREC] = (uint8_t)(rec % RECS_PER_BLOCK);
}

/* The random record field is 4 bytes for records under 64 bytes, else
 * its high byte is not part of it (RBIL table 01345). */
static unsigned random_bytes(uint16_t recsize)
{
	return recsize < 64 ? 4 : 3;
}

static uint32_t fcb_random(const struct fcb *f, uint16_t recsize)
{
	uint32_t r = get32(f->b + FCB_RANDOM);
	return random_bytes(recsize) == 4 ? r : r & 0xFFFFFFu;
}

static void fcb_set_random(struct fcb *f, uint32_t rec, uint16_t recsize)
{
	uint8_t b[4];
	put32(b, rec);
	memcpy(f->b + FCB_RANDOM, b, random_bytes(recsize));
}

/* Store what the transfers change: current block, record size, file
 * size, date, time, reserved bytes, current record, and with random the
 * random record field. */
static void fcb_store_position(struct dos *d, const struct fcb *f, bool random)
{
	fcb_store(d, f, FCB_BLOCK, FCB_CURREC + 1 - FCB_BLOCK);
	if (random)
		fcb_store(d, f, FCB_RANDOM, random_bytes(get16(f->b + FCB_RECSIZE)));
}

/* The FCB's drive and name as a DOS path in that drive's current
 * directory ("C:NAME.EXT"). Returns 0 or DOSERR_INVALID_DRIVE. */
static int fcb_path(struct dos *d, const struct fcb *f, char *path)
{
	int drive = f->b[FCB_DRIVE] ? f->b[FCB_DRIVE] - 1 : hostfs_current_drive(d->fs);
	if (!dos_drive_valid(d, drive))
		return DOSERR_INVALID_DRIVE;
	char name[11], out[13];
	fcb_name(f, name);
	hostfs_name_from_fcb(name, out);
	snprintf(path, HOSTFS_DOS_PATH, "%c:%s", 'A' + drive, out);
	return 0;
}

/* ---- FCB files in the system file table ---- */

/* Low 32 bits of the inode of an open host file, 0 if there is none. */
static uint32_t file_inode(const struct dos_file *sf)
{
	struct stat st;
	if (sf->fd < 0 || fstat(sf->fd, &st) != 0)
		return 0;
	return (uint32_t)st.st_ino;
}

/* Close every FCB-opened file: done when the SFT is full. Their FCBs
 * reopen them by name on their next use. */
static void reclaim_fcb_files(struct dos *d)
{
	for (int i = 0; i < DOS_MAX_FILES; i++) {
		struct dos_file *sf = dos_sft(d, i);
		if (sf && sf->refs == 1 && (sf->mode & FCB_MARK) == FCB_MARK)
			dos_sft_release(d, i);
	}
}

/* Open (create 0) or create/truncate (create 1) path for an FCB: read and
 * write in compatibility mode (RBIL 0Fh, DOS 3.1+), read only if the file
 * refuses writing. Returns the SFT index or -(DOS error). */
static int sft_open_fcb(struct dos *d, const char *path, int create, uint8_t attr, const char name[11])
{
	int idx = dos_sft_open(d, path, OPEN_RW, create, attr);
	if (idx == -DOSERR_TOO_MANY_OPEN) {
		reclaim_fcb_files(d);
		idx = dos_sft_open(d, path, OPEN_RW, create, attr);
	}
	if (idx == -DOSERR_ACCESS_DENIED && !create)
		idx = dos_sft_open(d, path, OPEN_RO, 0, 0);
	if (idx < 0)
		return idx;
	struct dos_file *sf = dos_sft(d, idx);
	sf->mode = (uint8_t)(sf->mode | FCB_MARK);
	if (sf->dev != DEV_NONE)
		memcpy(sf->fcb_name, name, 11); /* devices have no name from dos_sft_open */
	return idx;
}

/* Record SFT entry idx in the FCB's reserved bytes. */
static void fcb_bind(struct fcb *f, int idx, const struct dos_file *sf)
{
	f->b[RES_SFT] = (uint8_t)idx;
	f->b[RES_SIG] = 'M';
	f->b[RES_SIG + 1] = 'F';
	f->b[RES_FLAGS] = (uint8_t)(sf->fd < 0 ? RF_NOINODE : 0);
	put32(f->b + RES_INODE, file_inode(sf));
}

static bool fcb_was_opened(const struct fcb *f)
{
	return f->b[RES_SIG] == 'M' && f->b[RES_SIG + 1] == 'F';
}

/* The SFT entry the FCB names, if it is still this FCB's file: an
 * FCB-opened entry of the same name, drive and host file. */
static struct dos_file *fcb_bound(struct dos *d, const struct fcb *f)
{
	if (!fcb_was_opened(f))
		return NULL;
	struct dos_file *sf = dos_sft(d, f->b[RES_SFT]);
	char name[11];
	fcb_name(f, name);
	if (!sf || (sf->mode & FCB_MARK) != FCB_MARK || memcmp(sf->fcb_name, name, 11) != 0)
		return NULL;
	if (sf->dev == DEV_NONE && f->b[FCB_DRIVE] && sf->drive != f->b[FCB_DRIVE] - 1)
		return NULL;
	if (!(f->b[RES_FLAGS] & RF_NOINODE) && file_inode(sf) != get32(f->b + RES_INODE))
		return NULL;
	return sf;
}

/* The open file of an FCB for a transfer: its own SFT entry, or, for an
 * FCB that was opened once and lost its entry, the file reopened by name
 * (the reserved bytes are updated in the guest at once). NULL if the FCB
 * was never opened or the file cannot be opened. */
static struct dos_file *fcb_file(struct dos *d, struct fcb *f)
{
	struct dos_file *sf = fcb_bound(d, f);
	if (sf || !fcb_was_opened(f))
		return sf;
	char path[HOSTFS_DOS_PATH], name[11];
	fcb_name(f, name);
	if (fcb_path(d, f, path) != 0)
		return NULL;
	int idx = sft_open_fcb(d, path, 0, 0, name);
	if (idx < 0)
		return NULL;
	sf = dos_sft(d, idx);
	fcb_bind(f, idx, sf);
	fcb_store(d, f, FCB_RES, 8);
	return sf;
}

/* Size of an open file (0 for devices), at most 4 GiB - 1. */
static uint32_t file_size(const struct dos_file *sf)
{
	struct stat st;
	if (sf->mem)
		return sf->mem_len;
	if (sf->fd < 0 || fstat(sf->fd, &st) != 0)
		return 0;
	return st.st_size > (off_t)0xFFFFFFFF ? 0xFFFFFFFFu : (uint32_t)st.st_size;
}


/* ---- transfers at explicit positions ---- */

/* Read up to len bytes at byte position pos. Returns the count, DOS_WAIT
 * (console input not ready) or -(DOS error). Devices ignore pos. */
static int64_t file_read(struct dos *d, struct dos_file *sf, uint8_t *buf, uint32_t len, uint64_t pos)
{
	if (sf->mem) {
		if (pos >= sf->mem_len)
			return 0;
		uint64_t n = sf->mem_len - pos < len ? sf->mem_len - pos : len;
		memcpy(buf, sf->mem + pos, (size_t)n);
		return (int64_t)n;
	}
	if (sf->dev != DEV_NONE)
		return dos_sft_read(d, sf, buf, (uint16_t)(len > 0xFFFF ? 0xFFFF : len));
	if ((sf->mode & 7) == 1)
		return -DOSERR_ACCESS_DENIED;
	uint32_t done = 0;
	while (done < len) {
		ssize_t n = pread(sf->fd, buf + done, len - done, (off_t)(pos + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -(int64_t)dos_errno(errno);
		if (n == 0)
			break;
		done += (uint32_t)n;
	}
	return done;
}

/* Write len bytes at byte position pos (a DOS file ends below 4 GiB).
 * Returns the count written (short when the disk is full) or -(DOS error). */
static int64_t file_write(struct dos *d, struct dos_file *sf, const uint8_t *buf, uint32_t len, uint64_t pos)
{
	if (sf->mem || (sf->dev == DEV_NONE && (sf->mode & 7) == 0))
		return -DOSERR_ACCESS_DENIED;
	if (sf->dev != DEV_NONE) {
		uint32_t done = 0;
		while (done < len) {
			uint16_t chunk = (uint16_t)(len - done > 0xFFFF ? 0xFFFF : len - done);
			int n = dos_sft_write(d, sf, buf + done, chunk);
			if (n <= 0)
				break;
			done += (uint32_t)n;
		}
		return done;
	}
	if (pos >= 0xFFFFFFFFu)
		return 0;
	int64_t n = dos_disk_write(d, sf->fd, (int64_t)pos, buf, len);
	return n < 0 ? 0 : n; /* a short write is "disk full" */
}

/* Does a transfer of len bytes fit in the DTA's segment? */
static bool dta_fits(const struct dos *d, uint64_t len)
{
	return d->dta_off + len <= 0x10000u;
}

/* Read count records of recsize bytes from record rec into the DTA.
 * *done gets the records transferred, a zero-padded partial one
 * included. Returns an XF_* status: OK (all), EOF (end of file on a
 * record boundary, *done may be 0), PARTIAL (the last one short), WRAP
 * (nothing read), or WAIT. */
static int read_records(struct dos *d, struct dos_file *sf, uint32_t rec, uint16_t recsize, uint32_t count,
			uint32_t *done)
{
	uint64_t total = (uint64_t)recsize * count;
	*done = 0;
	if (!dta_fits(d, total))
		return XF_WRAP;
	if (total == 0)
		return XF_OK;
	uint8_t *buf = calloc(1, (size_t)total);
	if (!buf)
		return XF_EOF;
	int64_t n = file_read(d, sf, buf, (uint32_t)total, (uint64_t)rec * recsize);
	if (n == DOS_WAIT) {
		free(buf);
		return XF_WAIT;
	}
	if (n < 0)
		n = 0;
	*done = (uint32_t)((n + recsize - 1) / recsize);
	dos_write_mem(d, d->dta_seg, d->dta_off, buf, (size_t)*done * recsize);
	free(buf);
	if ((uint64_t)n == total)
		return XF_OK;
	return n % recsize ? XF_PARTIAL : XF_EOF;
}

/* Write count records of recsize bytes from the DTA at record rec.
 * *done gets the whole records written. Returns XF_OK, XF_EOF (disk
 * full or the file cannot be written) or XF_WRAP. */
static int write_records(struct dos *d, struct dos_file *sf, uint32_t rec, uint16_t recsize, uint32_t count,
			 uint32_t *done)
{
	uint64_t total = (uint64_t)recsize * count;
	*done = 0;
	if (!dta_fits(d, total))
		return XF_WRAP;
	if (total == 0)
		return XF_OK;
	uint8_t *buf = malloc((size_t)total);
	if (!buf)
		return XF_EOF;
	dos_read_mem(d, d->dta_seg, d->dta_off, buf, (size_t)total);
	int64_t n = file_write(d, sf, buf, (uint32_t)total, (uint64_t)rec * recsize);
	free(buf);
	if (n < 0)
		n = 0;
	*done = (uint32_t)(n / recsize);
	return (uint64_t)n == total ? XF_OK : XF_EOF;
}

/* After a write the FCB's file size is the file's. */
static void update_size(struct fcb *f, const struct dos_file *sf)
{
	if (sf->dev == DEV_NONE)
		put32(f->b + FCB_SIZE, file_size(sf));
}

/* ---- 0Fh, 10h, 16h ---- */

/* Fill in an FCB just opened or created (RBIL 0Fh): drive 0 becomes the
 * actual drive, current block 0, record size 80h, the file's size, date
 * and time, and the reserved bytes. */
static void fcb_opened(struct dos *d, struct fcb *f, int idx, const char *path)
{
	struct dos_file *sf = dos_sft(d, idx);
	uint16_t date = 0, time = 0;
	struct stat st;
	if (f->b[FCB_DRIVE] == 0)
		f->b[FCB_DRIVE] = (uint8_t)(path[0] - 'A' + 1);
	put16(f->b + FCB_BLOCK, 0);
	put16(f->b + FCB_RECSIZE, DEFAULT_RECSIZE);
	put32(f->b + FCB_SIZE, file_size(sf));
	if (sf->fd >= 0 && fstat(sf->fd, &st) == 0)
		hostfs_dos_time(st.st_mtime, &date, &time);
	else if (sf->dev != DEV_NONE)
		hostfs_dos_time(dos_clock(d), &date, &time);
	else
		date = (11 << 9) | (4 << 5) | 9; /* the built-in COMMAND.COM: 1991-04-09 */
	put16(f->b + FCB_DATE, date);
	put16(f->b + FCB_TIME, time);
	fcb_bind(f, idx, sf);
	fcb_store(d, f, FCB_DRIVE, FCB_CURREC - FCB_DRIVE);
}

/* 0Fh (create false) and 16h (create true): AL = 00h, or FFh (not found,
 * access denied, wildcards, invalid drive). 16h truncates an existing
 * file; an extended FCB gives the new file's attribute (read-only is
 * kept; volume labels and directories cannot be made here). An FCB that
 * is still open gives up its old entry first. */
static void fn_open(struct dos *d, bool create)
{
	struct fcb f;
	char path[HOSTFS_DOS_PATH], name[11];
	fcb_load(d, d->r.ds, DX(d), &f);
	fcb_name(&f, name);
	if (fcb_path(d, &f, path) != 0 || memchr(name, '?', 11) || memchr(name, '*', 11) ||
	    (create && (f.attr & (DOSATTR_VOLUME | DOSATTR_DIR)))) {
		set_al(d, 0xFF);
		return;
	}
	if (fcb_bound(d, &f))
		dos_sft_release(d, f.b[RES_SFT]);
	int idx = sft_open_fcb(d, path, create ? 1 : 0, create ? f.attr : 0, name);
	if (idx < 0) {
		set_al(d, 0xFF);
		return;
	}
	fcb_opened(d, &f, idx, path);
	set_al(d, 0);
}

/* 10h: AL = 00h, or FFh for an FCB that was never opened. One whose
 * entry is gone already counts as closed. */
static void fn_close(struct dos *d)
{
	struct fcb f;
	fcb_load(d, d->r.ds, DX(d), &f);
	struct dos_file *sf = fcb_bound(d, &f);
	if (sf)
		dos_sft_release(d, f.b[RES_SFT]);
	set_al(d, sf || fcb_was_opened(&f) ? 0 : 0xFF);
}

/* ---- 14h, 15h, 21h, 22h ---- */

/* One record at the current record (14h, 15h: then advance it) or at the
 * random record (21h, 22h: the current block and record are set to it,
 * the random record stays). AL: read 00h, 01h EOF, 02h wrap, 03h partial;
 * write 00h, 01h disk full, 02h wrap; FFh if the FCB is not open. */
static void fn_record(struct dos *d, bool write, bool random)
{
	struct fcb f;
	fcb_load(d, d->r.ds, DX(d), &f);
	struct dos_file *sf = fcb_file(d, &f);
	if (!sf) {
		set_al(d, 0xFF);
		return;
	}
	uint16_t rs = fcb_recsize(&f);
	uint32_t rec = random ? fcb_random(&f, rs) : fcb_current(&f), done;
	int st = write ? write_records(d, sf, rec, rs, 1, &done) : read_records(d, sf, rec, rs, 1, &done);
	if (st == XF_WAIT) {
		dos_wait_input(d);
		return;
	}
	fcb_set_current(&f, random || !done ? rec : rec + 1);
	if (write)
		update_size(&f, sf);
	fcb_store_position(d, &f, false);
	set_al(d, (uint8_t)st);
}

/* ---- 23h, 24h ---- */

/* 23h: DS:DX unopened FCB with its record size set; the random record
 * field gets the size in records, rounded up. AL = 00h, FFh if no such
 * file. */
static void fn_file_size(struct dos *d)
{
	struct fcb f;
	char path[HOSTFS_DOS_PATH], name[11];
	fcb_load(d, d->r.ds, DX(d), &f);
	fcb_name(&f, name);
	int idx = -1;
	if (fcb_path(d, &f, path) == 0 && !memchr(name, '?', 11) && !memchr(name, '*', 11))
		idx = dos_sft_open(d, path, OPEN_RO, 0, 0);
	if (idx < 0) {
		set_al(d, 0xFF);
		return;
	}
	uint32_t size = file_size(dos_sft(d, idx));
	dos_sft_release(d, idx);
	uint16_t rs = get16(f.b + FCB_RECSIZE);
	if (rs == 0)
		rs = DEFAULT_RECSIZE;
	fcb_set_random(&f, (uint32_t)(((uint64_t)size + rs - 1) / rs), rs);
	fcb_store(d, &f, FCB_RANDOM, random_bytes(rs));
	set_al(d, 0);
}

/* 24h: random record = current block * 128 + current record. */
static void fn_set_random(struct dos *d)
{
	struct fcb f;
	fcb_load(d, d->r.ds, DX(d), &f);
	uint16_t rs = get16(f.b + FCB_RECSIZE);
	if (rs == 0)
		rs = DEFAULT_RECSIZE;
	fcb_set_random(&f, fcb_current(&f), rs);
	fcb_store(d, &f, FCB_RANDOM, random_bytes(rs));
}

/* ---- 27h, 28h ---- */

/* 28h with CX = 0: the file's size becomes random record * record size. */
static int truncate_at(struct dos *d, struct dos_file *sf, uint64_t pos)
{
	if (sf->dev != DEV_NONE)
		return XF_OK;
	if (sf->mem || (sf->mode & 7) == 0 || dos_disk_truncate(d, sf->fd, pos) != 0)
		return XF_EOF;
	return XF_OK;
}

/* 27h/28h: CX records from the random record to/from the DTA. CX = the
 * records transferred (a partial one read included); the random record
 * and the current block and record move past them. 28h with CX = 0 sets
 * the file size to the random record's position. AL as for 21h/22h. */
static void fn_block(struct dos *d, bool write)
{
	struct fcb f;
	fcb_load(d, d->r.ds, DX(d), &f);
	struct dos_file *sf = fcb_file(d, &f);
	if (!sf) {
		set_al(d, 0xFF);
		dos_set16(&d->r.ecx, 0);
		return;
	}
	uint16_t rs = fcb_recsize(&f);
	uint32_t rec = fcb_random(&f, rs), done = 0;
	int st;
	if (write && CX(d) == 0)
		st = truncate_at(d, sf, (uint64_t)rec * rs);
	else if (write)
		st = write_records(d, sf, rec, rs, CX(d), &done);
	else
		st = read_records(d, sf, rec, rs, CX(d), &done);
	if (st == XF_WAIT) {
		dos_wait_input(d);
		return;
	}
	fcb_set_random(&f, rec + done, rs);
	fcb_set_current(&f, rec + done);
	if (write)
		update_size(&f, sf);
	fcb_store_position(d, &f, true);
	dos_set16(&d->r.ecx, (uint16_t)done);
	set_al(d, (uint8_t)st);
}

/* ---- 29h ---- */

static bool is_blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* Separators skipped before the name with option bit 0 (RBIL 29h). */
static bool is_separator(uint8_t c)
{
	return c && strchr(":.;,=+", c) != NULL;
}

/* Characters that end a name or extension: control characters, blanks,
 * and the punctuation DOS does not allow in names. */
static bool is_terminator(uint8_t c)
{
	return c <= ' ' || (c < 0x80 && strchr(".\"/\\[]:|<>+=;,", c) != NULL);
}

/* One field (8 for the name, 3 for the extension) from s[*i]: upper case,
 * '*' fills the rest of the field with '?', characters past the width are
 * skipped up to the terminator. Returns whether the field was given. */
static bool parse_field(const uint8_t *s, size_t n, size_t *i, uint8_t *out, size_t width)
{
	size_t start = *i, o = 0;
	uint8_t tmp[8];
	while (*i < n && !is_terminator(s[*i])) {
		uint8_t c = s[(*i)++];
		if (c == '*') {
			while (o < width)
				tmp[o++] = '?';
		} else if (o < width) {
			tmp[o++] = (uint8_t)upcase((char)c);
		}
	}
	if (*i == start)
		return false;
	memset(out, ' ', width);
	memcpy(out, tmp, o);
	return true;
}

/* 29h: DS:SI string, ES:DI unopened FCB (its drive byte and 11-byte name;
 * an extended FCB's caller passes the address past the header), AL the
 * options (RBIL table 01380): bit 0 skip leading separators, bits 1-3
 * keep the FCB's drive / name / extension when the string gives none
 * (else 0 / blanks / blanks). Leading blanks are always skipped. Returns
 * AL = 00h, 01h (wildcards in the name), FFh (invalid drive letter) and
 * DS:SI at the first character not parsed. */
size_t dos_parse_name(struct dos *d, const uint8_t *s, size_t n, uint8_t fcb[12], uint8_t opt, uint8_t *al)
{
	size_t i = 0;
	while (i < n && (is_blank(s[i]) || ((opt & 1) && is_separator(s[i]))))
		i++;
	bool bad_drive = false;
	if (i + 1 < n && s[i + 1] == ':' && upcase((char)s[i]) >= 'A' && upcase((char)s[i]) <= 'Z') {
		int drive = upcase((char)s[i]) - 'A';
		bad_drive = !dos_drive_valid(d, drive);
		fcb[0] = (uint8_t)(drive + 1);
		i += 2;
	} else if (!(opt & 2)) {
		fcb[0] = 0;
	}
	if (!parse_field(s, n, &i, fcb + 1, 8) && !(opt & 4))
		memset(fcb + 1, ' ', 8);
	bool has_ext = false;
	if (i < n && s[i] == '.') {
		i++;
		has_ext = true;
		if (!parse_field(s, n, &i, fcb + 9, 3))
			memset(fcb + 9, ' ', 3);
	}
	if (!has_ext && !(opt & 8))
		memset(fcb + 9, ' ', 3);
	*al = bad_drive ? 0xFF : memchr(fcb + 1, '?', 11) ? 1 : 0;
	return i;
}

static void fn_parse(struct dos *d)
{
	uint8_t s[128], fcb[12], al;
	dos_read_mem(d, d->r.ds, SI(d), s, sizeof(s));
	dos_read_mem(d, d->r.es, DI(d), fcb, sizeof(fcb));
	size_t i = dos_parse_name(d, s, sizeof(s), fcb, AL(d), &al);
	dos_write_mem(d, d->r.es, DI(d), fcb, sizeof(fcb));
	dos_set16(&d->r.esi, (uint16_t)(SI(d) + i));
	set_al(d, al);
}

void dos_fn_fcb(struct dos *d)
{
	switch (AH(d)) {
	case 0x0F: fn_open(d, false); return;
	case 0x10: fn_close(d); return;
	case 0x14: fn_record(d, false, false); return;
	case 0x15: fn_record(d, true, false); return;
	case 0x16: fn_open(d, true); return;
	case 0x21: fn_record(d, false, true); return;
	case 0x22: fn_record(d, true, true); return;
	case 0x23: fn_file_size(d); return;
	case 0x24: fn_set_random(d); return;
	case 0x27: fn_block(d, false); return;
	case 0x28: fn_block(d, true); return;
	case 0x29: fn_parse(d); return;
	default: return; /* not one of this family's: int21.def sends none */
	}
}
