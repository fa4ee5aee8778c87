/*
 * disk.c - what DOS may write to its drives: a DOS file ends below 4 GiB
 * (its size is a 32-bit number in the directory entry and in every call
 * that reports it: INT 21h/42h, 23h, the find data; RBIL), and the VM's
 * DISK_QUOTA. Every write, size change and deletion the kernel (and the
 * shell) makes on a host file goes through here, so that the quota counts
 * what this VM added to its drives, net: a deleted or truncated file gives
 * its bytes back, as on a disk that fills up. The quota is the free space
 * INT 21h/36h reports, when it is less than the host's.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dos/dos_internal.h"
#include "mvdm/vdd.h"
#include "vm/vm_internal.h"

enum { DOS_FILE_MAX = 0xFFFFFFFFu }; /* the largest DOS file size */

void dos_disk_init(struct dos *d)
{
	d->disk_quota = vdd_property(d->vm, "DISK_QUOTA") * 1024;
	d->disk_used = 0;
}

int64_t dos_disk_room(const struct dos *d)
{
	if (d->disk_quota <= 0)
		return INT64_MAX;
	int64_t room = d->disk_quota - d->disk_used;
	return room > 0 ? room : 0;
}

/* Whether disk_used is kept: only a quota reads it (dos_disk_room), so
 * without one no write or deletion asks the host for a size (an fstat per
 * write, an lstat per deletion, for nothing). */
static bool counting(const struct dos *d)
{
	return d->disk_quota > 0;
}

static int64_t fd_size(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* How many of len bytes written at pos stay inside a DOS file and the
 * quota, for a file of size bytes. */
static uint32_t fit(const struct dos *d, int64_t size, uint64_t pos, uint32_t len)
{
	if (pos >= DOS_FILE_MAX)
		return 0;
	if (len > DOS_FILE_MAX - pos)
		len = (uint32_t)(DOS_FILE_MAX - pos);
	int64_t room = dos_disk_room(d);
	if (room == INT64_MAX)
		return len;
	int64_t end = (int64_t)pos + len, limit = size + room;
	if (end > limit)
		len = limit > (int64_t)pos ? (uint32_t)(limit - (int64_t)pos) : 0;
	return len;
}

int64_t dos_disk_write(struct dos *d, int fd, int64_t pos, const uint8_t *buf, uint32_t len)
{
	bool at_cur = pos < 0;
	if (at_cur && (pos = lseek(fd, 0, SEEK_CUR)) < 0)
		return -(int64_t)dos_errno(errno);
	int64_t size = counting(d) ? fd_size(fd) : 0; /* fit needs it only with a quota */
	len = fit(d, size, (uint64_t)pos, len);
	uint32_t done = 0;
	while (done < len) {
		ssize_t n = at_cur ? write(fd, buf + done, len - done)
				   : pwrite(fd, buf + done, len - done, (off_t)pos + done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && done == 0 && errno != ENOSPC && errno != EFBIG)
			return -(int64_t)dos_errno(errno);
		if (n <= 0)
			break; /* the host's disk is full: a short write says so */
		done += (uint32_t)n;
	}
	if (counting(d) && done > 0 && (int64_t)pos + done > size)
		d->disk_used += (int64_t)pos + done - size;
	return done;
}

int dos_disk_truncate(struct dos *d, int fd, uint64_t new_size)
{
	int64_t size = fd_size(fd);
	if (new_size > DOS_FILE_MAX || ((int64_t)new_size > size && (int64_t)new_size - size > dos_disk_room(d)))
		return DOSERR_DISK_FULL;
	if (ftruncate(fd, (off_t)new_size) != 0)
		return dos_errno(errno);
	d->disk_used += (int64_t)new_size - size;
	return 0;
}

int dos_disk_unlink(struct dos *d, const char *host)
{
	struct stat st;
	int64_t size = counting(d) && lstat(host, &st) == 0 && S_ISREG(st.st_mode) ? (int64_t)st.st_size : 0;
	if (unlink(host) != 0)
		return dos_errno(errno);
	hostfs_removed(d->fs, host);
	d->disk_used -= size;
	return 0;
}

int dos_disk_mkdir(struct dos *d, const char *host)
{
	if (mkdir(host, 0777) != 0)
		return -errno;
	hostfs_added(d->fs, host);
	return 0;
}

int dos_disk_rmdir(struct dos *d, const char *host)
{
	if (rmdir(host) != 0)
		return -errno;
	hostfs_removed(d->fs, host);
	return 0;
}

int dos_disk_rename(struct dos *d, const char *from, const char *to)
{
	if (rename(from, to) != 0)
		return -errno;
	/* Two directories may be involved: the listing checked last follows
	 * (the target's, resolved second), the other is read again. */
	hostfs_removed(d->fs, from);
	hostfs_added(d->fs, to);
	return 0;
}

void dos_disk_emptied(struct dos *d, int64_t old_size)
{
	d->disk_used -= old_size;
}

int dos_disk_space(struct dos *d, int drive, uint16_t *spc, uint16_t *bps, uint16_t *free_clusters,
		   uint16_t *total_clusters)
{
	int e = hostfs_space(d->fs, drive, spc, bps, free_clusters, total_clusters);
	if (e)
		return e;
	int64_t room = dos_disk_room(d), cluster = (int64_t)*spc * *bps;
	if (room != INT64_MAX && cluster > 0 && room / cluster < *free_clusters)
		*free_clusters = (uint16_t)(room / cluster);
	return 0;
}

/* ---- programs that want the disk under the files ----
 *
 * A host directory has no sectors, FAT or drive parameter block: 21h/1Fh
 * and 32h answer "invalid drive" and INT 25h/26h fail, as DOS does for a
 * network drive. A program written for floppies may not check and go on
 * with what it did not get (RECOVER 2.0 calls into a DPB it never had, and
 * spins). When such a program then runs DOS_DISK_GRACE_S seconds of
 * virtual time without calling DOS, the VM ends with a message saying
 * why, instead of spinning until a time limit (issue 15: MS-DOS's CHKDSK
 * hanging silently). A program that keeps calling DOS is left alone. */
enum { DOS_DISK_GRACE_S = 2 };

static void disk_check(struct vm *vm, void *inst)
{
	struct dos *d = inst;
	d->disk_event = 0;
	if (d->int21_calls != d->disk_calls || d->psp != d->disk_psp || cpu_mode(&vm->cpu) != CPU_MODE_REAL)
		return;
	snprintf(d->abort_msg, sizeof(d->abort_msg),
		 "dos: the program asked for drive %c:'s %s, which a host directory does not have, then ran %d s "
		 "without calling DOS: ended (CHKDSK, RECOVER, SYS and the like need a disk image)",
		 'A' + d->disk_drive, d->disk_what, DOS_DISK_GRACE_S);
	/* End it through the INT 21h entry, which stops the VM with the
	 * message (a supervisor call may end the VM; an event may not). */
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	r.cs = DOS_SEG;
	r.eip = DOS_INT21;
	vm16_set_regs(vm, &r);
}

void dos_disk_refused(struct dos *d, int drive, const char *what)
{
	d->disk_calls = d->int21_calls;
	d->disk_psp = d->psp;
	d->disk_drive = drive;
	snprintf(d->disk_what, sizeof(d->disk_what), "%s", what);
	if (d->disk_event > 0)
		vdd_cancel(d->vm, d->disk_event);
	d->disk_event = vdd_schedule(d->vm, (uint64_t)DOS_DISK_GRACE_S * 1000000000u, disk_check, d);
}
