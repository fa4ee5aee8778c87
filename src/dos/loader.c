/*
 * loader.c - program images: parsing the MZ header, opening a program file
 * and copying its load module into guest memory with its relocations.
 * Memory allocation, the PSP and the registers are EXEC's (process.c).
 * Sources: RBIL INT 21h/4Bh and table 01594 (.EXE header); MS-DOS's
 * loader reads the load module the header declares and stops at the end
 * of the file, and takes a file that is too short for the header as a .COM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/le.h"
#include "dos/dos_internal.h"
#include "dos/loader.h"

static int refuse(struct dos_image *im, int code, const char *fmt, unsigned long a, unsigned long b)
{
	snprintf(im->why, sizeof(im->why), fmt, a, b);
	return code;
}

int dos_image_parse(struct dos_image *im, const uint8_t *b, size_t n, uint64_t file_len)
{
	im->file_len = file_len;
	im->why[0] = 0;
	im->exe = n >= DOS_MZ_HEADER && ((b[0] == 'M' && b[1] == 'Z') || (b[0] == 'Z' && b[1] == 'M'));
	if (!im->exe) {
		if (file_len > DOS_COM_MAX)
			return refuse(im, DOSERR_NO_MEMORY, "a .COM program larger than %lu bytes (%lu)",
				      DOS_COM_MAX, (unsigned long)file_len);
		im->module_off = 0;
		im->module_len = (uint32_t)file_len;
		im->nreloc = 0;
		return 0;
	}
	uint16_t last = get16(b + 2), pages = get16(b + 4), hdr_paras = get16(b + 8);
	im->nreloc = get16(b + 6);
	im->min_alloc = get16(b + 0x0A);
	im->max_alloc = get16(b + 0x0C);
	im->ss = get16(b + 0x0E);
	im->sp = get16(b + 0x10);
	im->ip = get16(b + 0x14);
	im->cs = get16(b + 0x16);
	im->reloc_off = get16(b + 0x18);
	/* The image is `pages` pages, the last one holding `last` bytes
	 * (0 = a full page; values of 512 and above are taken as full too). */
	uint32_t image_len = (uint32_t)pages * 512;
	if (pages && last && last < 512)
		image_len -= 512u - last;
	uint32_t hdr = (uint32_t)hdr_paras * 16;
	if (hdr > image_len)
		return refuse(im, DOSERR_BAD_FORMAT, "MZ header of %lu bytes is larger than the image of %lu bytes",
			      hdr, image_len);
	if (hdr > file_len)
		return refuse(im, DOSERR_BAD_FORMAT, "file of %lu bytes is shorter than its MZ header of %lu bytes",
			      (unsigned long)file_len, hdr);
	if (im->nreloc && (uint64_t)im->reloc_off + (uint64_t)im->nreloc * 4 > file_len)
		return refuse(im, DOSERR_BAD_FORMAT, "relocation table (%lu items at %lu) runs past the end of the file",
			      im->nreloc, im->reloc_off);
	im->module_off = hdr;
	im->module_len = image_len - hdr;
	return 0;
}

int dos_image_read(const struct dos_image *im, uint64_t off, void *buf, size_t len)
{
	if (off >= im->file_len)
		return 0;
	if (len > im->file_len - off)
		len = (size_t)(im->file_len - off);
	if (im->fd < 0) {
		memcpy(buf, im->mem + off, len);
		return (int)len;
	}
	size_t done = 0;
	while (done < len) {
		ssize_t r = pread(im->fd, (uint8_t *)buf + done, len - done, (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (int)done;
}

static int parse_source(struct dos_image *im)
{
	uint8_t head[DOS_MZ_HEADER];
	int n = dos_image_read(im, 0, head, sizeof(head));
	if (n < 0)
		return refuse(im, DOSERR_GENERAL, "read error", 0, 0);
	return dos_image_parse(im, head, (size_t)n, im->file_len);
}

int dos_image_from_mem(struct dos_image *im, const uint8_t *data, size_t len)
{
	memset(im, 0, sizeof(*im));
	im->fd = -1;
	im->mem = data;
	im->file_len = len;
	return parse_source(im);
}

int dos_image_open(struct dos *d, const char *path, struct dos_image *im, char *canon)
{
	memset(im, 0, sizeof(*im));
	im->fd = -1;
	const uint8_t *data;
	size_t blen;
	if (dos_builtin_file(d, path, &data, &blen)) {
		snprintf(canon, HOSTFS_DOS_PATH, "%s", DOS_COMSPEC);
		return dos_image_from_mem(im, data, blen);
	}
	if (dos_device_by_name(path, NULL) != DEV_NONE)
		return refuse(im, DOSERR_FILE_NOT_FOUND, "a device is not a program", 0, 0);
	char host[HOSTFS_HOST_PATH];
	bool is_dir = false;
	int e = hostfs_resolve(d->fs, path, HOSTFS_EXISTING, host, canon, &is_dir);
	if (e)
		return refuse(im, e, e == DOSERR_PATH_NOT_FOUND ? "path not found" : "file not found", 0, 0);
	if (is_dir)
		return refuse(im, DOSERR_ACCESS_DENIED, "a directory is not a program", 0, 0);
	im->fd = open(host, O_RDONLY | O_CLOEXEC);
	if (im->fd < 0)
		return refuse(im, dos_errno(errno), "cannot open it", 0, 0);
	struct stat st;
	if (fstat(im->fd, &st) != 0 || !S_ISREG(st.st_mode))
		return refuse(im, DOSERR_ACCESS_DENIED, "not a regular file", 0, 0);
	im->file_len = (uint64_t)st.st_size;
	return parse_source(im);
}

void dos_image_close(struct dos_image *im)
{
	if (im->fd >= 0)
		close(im->fd);
	im->fd = -1;
}

int dos_image_place(struct dos *d, struct dos_image *im, uint16_t seg, uint16_t base, uint32_t limit)
{
	if (im->module_len > limit)
		return refuse(im, DOSERR_NO_MEMORY, "load module of %lu bytes does not fit in %lu bytes",
			      im->module_len, limit);
	uint8_t *relocs = NULL;
	size_t rlen = (size_t)im->nreloc * 4;
	if (im->exe && rlen) {
		relocs = malloc(rlen);
		if (!relocs)
			return refuse(im, DOSERR_NO_MEMORY, "out of host memory", 0, 0);
		if (dos_image_read(im, im->reloc_off, relocs, rlen) != (int)rlen) {
			free(relocs);
			return refuse(im, DOSERR_BAD_FORMAT, "cannot read the relocation table", 0, 0);
		}
		for (size_t i = 0; i < rlen; i += 4) {
			uint32_t at = (uint32_t)get16(relocs + i + 2) * 16 + get16(relocs + i);
			if (at + 2 > limit) {
				free(relocs);
				return refuse(im, DOSERR_BAD_FORMAT,
					      "relocation item %lu points %lu bytes past the program's memory",
					      i / 4, at + 2 - limit);
			}
		}
	}
	/* The image is relocated in host memory and then written whole: a
	 * program loaded again at the same place writes the bytes that are
	 * there already, which leaves the CPU's decoded code on them alone
	 * (memmap.c ram_write()). span also covers relocation items past the
	 * module (they patch the memory after it, as it is). */
	uint32_t span = im->module_len;
	bool wraps = false;
	for (size_t i = 0; i < rlen; i += 4) {
		uint32_t at = (uint32_t)get16(relocs + i + 2) * 16 + get16(relocs + i);
		span = at + 2 > span ? at + 2 : span;
		wraps |= (uint32_t)get16(relocs + i + 2) + seg > 0xFFFF;
	}
	uint8_t *img = malloc(span ? span : 1);
	if (!img) {
		free(relocs);
		return refuse(im, DOSERR_NO_MEMORY, "out of host memory", 0, 0);
	}
	int got = dos_image_read(im, im->module_off, img, im->module_len);
	if (got < 0) {
		free(img);
		free(relocs);
		return refuse(im, DOSERR_GENERAL, "read error", 0, 0);
	}
	memset(img + got, 0, im->module_len - (uint32_t)got); /* past the end of the file */
	for (uint32_t a = im->module_len; a < span;) {
		uint32_t n = span - a > 0x8000 ? 0x8000 : span - a;
		dos_read_mem(d, (uint16_t)(seg + (a >> 4)), (uint16_t)(a & 15), img + a, n);
		a += n;
	}
	for (size_t i = 0; i < rlen && !wraps; i += 4) {
		/* The word at rseg:off, wrapping inside the segment as the
		 * guest's accesses (and dos_wr16) do. */
		uint32_t rs = get16(relocs + i + 2), off = get16(relocs + i);
		uint32_t lo = rs * 16 + off, hi = rs * 16 + ((off + 1) & 0xFFFF);
		uint16_t v = (uint16_t)((img[lo] | img[hi] << 8) + base);
		img[lo] = (uint8_t)v;
		img[hi] = (uint8_t)(v >> 8);
	}
	for (uint32_t done = 0; done < span; done += 0x8000) {
		uint32_t chunk = span - done > 0x8000 ? 0x8000 : span - done;
		dos_write_mem(d, (uint16_t)(seg + (done >> 4)), 0, img + done, chunk);
	}
	free(img);
	for (size_t i = 0; i < rlen && wraps; i += 4) {
		/* A segment past FFFFh wraps (loaded near the top): the old way,
		 * item by item in guest memory. */
		uint16_t off = get16(relocs + i), rs = (uint16_t)(get16(relocs + i + 2) + seg);
		dos_wr16(d, rs, off, (uint16_t)(dos_rd16(d, rs, off) + base));
	}
	free(relocs);
	return 0;
}
