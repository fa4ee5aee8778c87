/*
 * png.c - PNG screenshots through libpng (libpng manual, "Writing"):
 * colour type RGB, 8 bits a channel, no interlace; each 0x00RRGGBB pixel
 * of the frame becomes three bytes. Errors come back through libpng's
 * longjmp and end as -EIO.
 */
#include "console/png.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

struct membuf {
	uint8_t *data;
	size_t len, cap;
	bool failed;
};

static void mem_write(png_structp p, png_bytep data, png_size_t n)
{
	struct membuf *m = png_get_io_ptr(p);
	if (m->failed)
		return;
	if (m->len + n > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 65536;
		while (cap < m->len + n)
			cap *= 2;
		uint8_t *d = realloc(m->data, cap);
		if (!d) {
			m->failed = true;
			return;
		}
		m->data = d;
		m->cap = cap;
	}
	memcpy(m->data + m->len, data, n);
	m->len += n;
}

static void mem_flush(png_structp p)
{
	(void)p;
}

/* Encodes f to out (a FILE) or to m (memory). */
static int encode(const struct vm16_frame *f, FILE *out, struct membuf *m)
{
	if (!f->pixels || f->width == 0 || f->height == 0)
		return -EINVAL;
	png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (!p)
		return -ENOMEM;
	png_infop info = png_create_info_struct(p);
	uint8_t *row = malloc((size_t)f->width * 3);
	if (!info || !row) {
		png_destroy_write_struct(&p, info ? &info : NULL);
		free(row);
		return -ENOMEM;
	}
	if (setjmp(png_jmpbuf(p))) {
		png_destroy_write_struct(&p, &info);
		free(row);
		return -EIO;
	}
	if (out)
		png_init_io(p, out);
	else
		png_set_write_fn(p, m, mem_write, mem_flush);
	png_set_IHDR(p, info, f->width, f->height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	/* Fast over small: zlib's quickest level and the Sub filter only
	 * (the defaults try every filter at level 6: about 17 ms for a text
	 * screen, on the server's path when a VM ends; this takes about 1 ms
	 * and the files stay a few KiB for text, tens for graphics). */
	png_set_compression_level(p, 1);
	png_set_filter(p, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
	png_write_info(p, info);
	for (uint32_t y = 0; y < f->height; y++) {
		const uint32_t *src = f->pixels + (size_t)y * f->stride;
		for (uint32_t x = 0; x < f->width; x++) {
			row[3 * x] = (uint8_t)(src[x] >> 16);
			row[3 * x + 1] = (uint8_t)(src[x] >> 8);
			row[3 * x + 2] = (uint8_t)src[x];
		}
		png_write_row(p, row);
	}
	png_write_end(p, NULL);
	png_destroy_write_struct(&p, &info);
	free(row);
	return m && m->failed ? -ENOMEM : 0;
}

int png_write_frame(FILE *out, const struct vm16_frame *f)
{
	int rc = encode(f, out, NULL);
	if (rc == 0 && fflush(out) != 0)
		rc = -EIO;
	return rc;
}

int png_encode_frame(const struct vm16_frame *f, uint8_t **buf, size_t *len)
{
	struct membuf m = { 0 };
	int rc = encode(f, NULL, &m);
	if (rc < 0) {
		free(m.data);
		return rc;
	}
	*buf = m.data;
	*len = m.len;
	return 0;
}

struct memread {
	const uint8_t *data;
	size_t len, pos;
};

static void mem_read(png_structp p, png_bytep out, png_size_t n)
{
	struct memread *m = png_get_io_ptr(p);
	if (n > m->len - m->pos)
		png_error(p, "truncated");
	memcpy(out, m->data + m->pos, n);
	m->pos += n;
}

int png_decode(const uint8_t *png, size_t len, uint32_t **pixels, uint32_t *width, uint32_t *height)
{
	if (len < 8 || png_sig_cmp(png, 0, 8))
		return -EINVAL;
	png_structp p = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (!p)
		return -ENOMEM;
	png_infop info = png_create_info_struct(p);
	/* volatile: they change after setjmp and are freed after a longjmp */
	uint32_t *volatile px = NULL;
	uint8_t *volatile row = NULL;
	struct memread m = { png, len, 0 };
	if (!info || setjmp(png_jmpbuf(p))) {
		png_destroy_read_struct(&p, info ? &info : NULL, NULL);
		free(px);
		free(row);
		return -EINVAL;
	}
	png_set_read_fn(p, &m, mem_read);
	png_read_info(p, info);
	uint32_t w = png_get_image_width(p, info), h = png_get_image_height(p, info);
	if (w == 0 || h == 0 || w > 4096 || h > 4096)
		png_error(p, "size");
	/* Everything as 8-bit RGB. */
	png_set_expand(p);
	png_set_strip_16(p);
	png_set_strip_alpha(p);
	png_set_gray_to_rgb(p);
	png_set_interlace_handling(p);
	png_read_update_info(p, info);
	if (png_get_rowbytes(p, info) != (size_t)w * 3)
		png_error(p, "format");
	px = malloc((size_t)w * h * sizeof(*px));
	row = malloc((size_t)w * 3);
	if (!px || !row)
		png_error(p, "memory");
	for (uint32_t y = 0; y < h; y++) {
		png_read_row(p, row, NULL);
		for (uint32_t x = 0; x < w; x++)
			px[(size_t)y * w + x] = (uint32_t)row[3 * x] << 16 | (uint32_t)row[3 * x + 1] << 8 | row[3 * x + 2];
	}
	png_destroy_read_struct(&p, &info, NULL);
	free(row);
	*pixels = px;
	*width = w;
	*height = h;
	return 0;
}

int png_screenshot(struct vm *vm, const char *path)
{
	struct vm16_frame f;
	int rc = vm16_frame(vm, &f, 0);
	if (rc < 0)
		return rc;
	FILE *out = fopen(path, "wb");
	if (!out)
		return -errno;
	rc = png_write_frame(out, &f);
	if (fclose(out) != 0 && rc == 0)
		rc = -EIO;
	return rc;
}
