/*
 * png.h - screenshots: a VM's picture (vm16_frame) as a PNG file, 8-bit
 * RGB at the frame's native resolution, through libpng (loaded on first
 * use: every function gives -ENODEV when libpng 1.6 is not installed).
 */
#ifndef MVDM_CONSOLE_PNG_H
#define MVDM_CONSOLE_PNG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mvdm/vm16.h"

/* Writes the frame to `out` (a file open for writing). 0 or -EIO/-ENOMEM. */
int png_write_frame(FILE *out, const struct vm16_frame *f);
/* Writes it to memory: *buf (malloc'd, the caller frees it) and *len. */
int png_encode_frame(const struct vm16_frame *f, uint8_t **buf, size_t *len);
/* Decodes a PNG (any colour type and depth libpng reads, at most
 * 4096x4096) into 0x00RRGGBB pixels, malloc'd into *pixels (free() it).
 * 0, -EINVAL (not a PNG, or too large) or -ENOMEM. */
int png_decode(const uint8_t *png, size_t len, uint32_t **pixels, uint32_t *width, uint32_t *height);
/* Writes the VM's current picture to path. 0, -ENODEV (no display) or -errno. */
int png_screenshot(struct vm *vm, const char *path);

#endif
