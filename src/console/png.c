/*
 * png.c - PNG screenshots through libpng (libpng manual, "Writing"):
 * colour type RGB, 8 bits a channel, no interlace; each 0x00RRGGBB pixel
 * of the frame becomes three bytes. Errors come back through libpng's
 * longjmp and end as -EIO. libpng is loaded on first use
 * (console/png_api.h); without it every call gives -ENODEV.
 *
 * Memory in and out goes through open_memstream()/fmemopen() streams
 * (POSIX.1-2008) and png_init_io(), so libpng needs no callbacks of ours
 * (a callback would need libpng's png_get_io_ptr to find its state).
 */
#include "console/png.h"

#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "console/png_api.h"

/* png_jmpbuf() of png.h, through the table. */
#define API_JMPBUF(api, p) (*(api)->set_longjmp_fn((p), longjmp, sizeof(jmp_buf)))

/* Encodes f to out. */
static int encode(const struct vm16_frame *f, FILE *out)
{
	if (!f->pixels || f->width == 0 || f->height == 0)
		return -EINVAL;
	struct png_api api;
	if (png_api_load(&api) < 0)
		return -ENODEV;
	png_structp p = api.create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (!p)
		return -ENOMEM;
	png_infop info = api.create_info_struct(p);
	uint8_t *row = malloc((size_t)f->width * 3);
	if (!info || !row) {
		api.destroy_write_struct(&p, info ? &info : NULL);
		free(row);
		return -ENOMEM;
	}
	if (setjmp(API_JMPBUF(&api, p))) {
		api.destroy_write_struct(&p, &info);
		free(row);
		return -EIO;
	}
	api.init_io(p, out);
	api.set_IHDR(p, info, f->width, f->height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	/* Fast over small: zlib's quickest level and the Sub filter only
	 * (the defaults try every filter at level 6: about 17 ms for a text
	 * screen, on the server's path when a VM ends; this takes about 1 ms
	 * and the files stay a few KiB for text, tens for graphics). */
	api.set_compression_level(p, 1);
	api.set_filter(p, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
	api.write_info(p, info);
	for (uint32_t y = 0; y < f->height; y++) {
		const uint32_t *src = f->pixels + (size_t)y * f->stride;
		for (uint32_t x = 0; x < f->width; x++) {
			row[3 * x] = (uint8_t)(src[x] >> 16);
			row[3 * x + 1] = (uint8_t)(src[x] >> 8);
			row[3 * x + 2] = (uint8_t)src[x];
		}
		api.write_row(p, row);
	}
	api.write_end(p, NULL);
	api.destroy_write_struct(&p, &info);
	free(row);
	return 0;
}

int png_write_frame(FILE *out, const struct vm16_frame *f)
{
	int rc = encode(f, out);
	if (rc == 0 && fflush(out) != 0)
		rc = -EIO;
	return rc;
}

int png_encode_frame(const struct vm16_frame *f, uint8_t **buf, size_t *len)
{
	char *data = NULL;
	size_t n = 0;
	FILE *out = open_memstream(&data, &n);
	if (!out)
		return -ENOMEM;
	int rc = encode(f, out);
	/* fclose() makes data and n final (open_memstream(3)). */
	if (fclose(out) != 0 && rc == 0)
		rc = -ENOMEM;
	if (rc < 0) {
		free(data);
		return rc;
	}
	*buf = (uint8_t *)data;
	*len = n;
	return 0;
}

/* Decodes from the stream in (the PNG's bytes). */
static int decode(const struct png_api *api, FILE *in, uint32_t **pixels, uint32_t *width, uint32_t *height)
{
	png_structp p = api->create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (!p)
		return -ENOMEM;
	png_infop info = api->create_info_struct(p);
	/* volatile: they change after setjmp and are freed after a longjmp */
	uint32_t *volatile px = NULL;
	uint8_t *volatile row = NULL;
	if (!info || setjmp(API_JMPBUF(api, p))) {
		api->destroy_read_struct(&p, info ? &info : NULL, NULL);
		free(px);
		free(row);
		return -EINVAL;
	}
	api->init_io(p, in);
	api->read_info(p, info);
	uint32_t w = api->get_image_width(p, info), h = api->get_image_height(p, info);
	if (w == 0 || h == 0 || w > 4096 || h > 4096)
		api->error(p, "size");
	/* Everything as 8-bit RGB. */
	api->set_expand(p);
	api->set_strip_16(p);
	api->set_strip_alpha(p);
	api->set_gray_to_rgb(p);
	api->set_interlace_handling(p);
	api->read_update_info(p, info);
	if (api->get_rowbytes(p, info) != (size_t)w * 3)
		api->error(p, "format");
	px = malloc((size_t)w * h * sizeof(*px));
	row = malloc((size_t)w * 3);
	if (!px || !row)
		api->error(p, "memory");
	for (uint32_t y = 0; y < h; y++) {
		api->read_row(p, row, NULL);
		for (uint32_t x = 0; x < w; x++)
			px[(size_t)y * w + x] = (uint32_t)row[3 * x] << 16 | (uint32_t)row[3 * x + 1] << 8 | row[3 * x + 2];
	}
	api->destroy_read_struct(&p, &info, NULL);
	free(row);
	*pixels = px;
	*width = w;
	*height = h;
	return 0;
}

int png_decode(const uint8_t *png, size_t len, uint32_t **pixels, uint32_t *width, uint32_t *height)
{
	struct png_api api;
	if (png_api_load(&api) < 0)
		return -ENODEV;
	if (len < 8 || api.sig_cmp(png, 0, 8))
		return -EINVAL;
	/* A truncated PNG ends in libpng's read error (fread comes back short). */
	FILE *in = fmemopen((void *)png, len, "rb");
	if (!in)
		return -ENOMEM;
	int rc = decode(&api, in, pixels, width, height);
	fclose(in);
	return rc;
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
