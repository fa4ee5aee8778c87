/*
 * loader.h - reading a program file into guest memory: .COM images and MZ
 * executables (RBIL INT 21h/4Bh, table 01594 "Format of .EXE file header").
 *
 * What the MZ header describes is loaded, no more: bytes after the load
 * module (overlays, a DJGPP program's COFF image after its stub, a
 * self-extractor's archive, debug information) stay in the file, where the
 * program reads them itself. The file is read where it lies; it is never
 * read whole into host memory.
 */
#ifndef MVDM_DOS_LOADER_H
#define MVDM_DOS_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dos;

enum {
	DOS_MZ_HEADER = 0x1C,    /* bytes of the fixed MZ header */
	DOS_COM_MAX = 0xFF00,    /* the largest .COM image: 64 KiB less the PSP */
};

struct dos_image {
	/* Where the bytes come from: a host file (fd >= 0) or memory. */
	int fd;
	const uint8_t *mem;
	uint64_t file_len;
	/* What parsing found. */
	bool exe;
	uint16_t min_alloc, max_alloc, ss, sp, ip, cs, nreloc;
	uint32_t reloc_off;      /* file offset of the relocation table */
	uint32_t module_off;     /* file offset of the load module */
	uint32_t module_len;     /* bytes of the load module the header declares (.COM: the file) */
	char why[96];            /* what was wrong, for a refusal */
};

/* Parse a program whose first bytes are head[0..n) (n = the file's first
 * DOS_MZ_HEADER bytes or all of a shorter file) and whose length is
 * file_len. A file that does not begin with "MZ"/"ZM" or is shorter than
 * the MZ header is a .COM image. Returns 0, or a DOS error (11 invalid
 * format, 8 a .COM too large for a segment) with im->why set. The source
 * fields (fd, mem) are left alone. */
int dos_image_parse(struct dos_image *im, const uint8_t *head, size_t n, uint64_t file_len);

/* A program in memory (the built-in COMMAND.COM, tests): parsed. */
int dos_image_from_mem(struct dos_image *im, const uint8_t *data, size_t len);

/* Open and parse the program at DOS path `path` (devices refused, the
 * built-in Z: drive served from memory); canon gets its canonical DOS path
 * (HOSTFS_DOS_PATH bytes). Returns 0 or a DOS error with im->why set;
 * dos_image_close() in either case. */
int dos_image_open(struct dos *d, const char *path, struct dos_image *im, char *canon);
void dos_image_close(struct dos_image *im);

/* Bytes of the file at off (fewer at its end): the count, or -1. */
int dos_image_read(const struct dos_image *im, uint64_t off, void *buf, size_t len);

/* Copy the load module to seg:0 (what the file lacks of it reads as 0)
 * and, for an MZ image, add `base` to each relocation item. limit is the
 * number of bytes from seg:0 the image may touch (its memory block): a
 * module or relocation item beyond it is refused (DOS error 11 or 8, with
 * im->why), before anything is written. Returns 0 or a DOS error. */
int dos_image_place(struct dos *d, struct dos_image *im, uint16_t seg, uint16_t base, uint32_t limit);

#endif
