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
#include <sys/stat.h>
#include <unistd.h>

#include "dos/dos_internal.h"
#include "mvdm/vdd.h"

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
	int64_t size = fd_size(fd);
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
	if (done > 0 && (int64_t)pos + done > size)
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
	int64_t size = lstat(host, &st) == 0 && S_ISREG(st.st_mode) ? (int64_t)st.st_size : 0;
	if (unlink(host) != 0)
		return dos_errno(errno);
	d->disk_used -= size;
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
