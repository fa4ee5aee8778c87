/*
 * png_api.h - the libpng functions the screenshots use, loaded from
 * libpng16.so.16 with dlopen() when a picture is written or read, not
 * linked.
 *
 * Why: linking libpng makes every `mvdm run` load libpng, zlib and libm
 * (three of the four shared libraries beyond libc it loaded), which cost
 * about a quarter of the start-up time of a program that never takes a
 * screenshot (issue 13: `mvdm run HELLO.COM` in at most 1 ms). The types
 * and constants still come from libpng's headers at build time; the
 * soname is the one of those headers' major version.
 *
 * The library stays loaded once opened (never dlclose'd). The table is
 * filled per call (dlopen of a loaded library only looks it up): no global
 * state, as console/sdl_api.h.
 */
#ifndef MVDM_CONSOLE_PNG_API_H
#define MVDM_CONSOLE_PNG_API_H

#include <stddef.h>

#include <png.h>

/* X(return type, name without "png_", parameter list) */
#define PNG_API_FUNCS(X)                                                                          \
	X(png_structp, create_write_struct, (png_const_charp, png_voidp, png_error_ptr, png_error_ptr)) \
	X(png_structp, create_read_struct, (png_const_charp, png_voidp, png_error_ptr, png_error_ptr))  \
	X(png_infop, create_info_struct, (png_const_structrp))                                    \
	X(void, destroy_write_struct, (png_structpp, png_infopp))                                 \
	X(void, destroy_read_struct, (png_structpp, png_infopp, png_infopp))                      \
	X(jmp_buf *, set_longjmp_fn, (png_structrp, png_longjmp_ptr, size_t))                     \
	X(void, init_io, (png_structrp, png_FILE_p))                                              \
	X(void, set_IHDR, (png_const_structrp, png_inforp, png_uint_32, png_uint_32, int, int, int, int, int)) \
	X(void, set_compression_level, (png_structrp, int))                                       \
	X(void, set_filter, (png_structrp, int, int))                                             \
	X(void, write_info, (png_structrp, png_const_inforp))                                     \
	X(void, write_row, (png_structrp, png_const_bytep))                                       \
	X(void, write_end, (png_structrp, png_inforp))                                            \
	X(int, sig_cmp, (png_const_bytep, size_t, size_t))                                        \
	X(void, error, (png_const_structrp, png_const_charp))                                     \
	X(void, read_info, (png_structrp, png_inforp))                                            \
	X(png_uint_32, get_image_width, (png_const_structrp, png_const_inforp))                   \
	X(png_uint_32, get_image_height, (png_const_structrp, png_const_inforp))                  \
	X(void, set_expand, (png_structrp))                                                       \
	X(void, set_strip_16, (png_structrp))                                                     \
	X(void, set_strip_alpha, (png_structrp))                                                  \
	X(void, set_gray_to_rgb, (png_structrp))                                                  \
	X(int, set_interlace_handling, (png_structrp))                                            \
	X(void, read_update_info, (png_structrp, png_inforp))                                     \
	X(size_t, get_rowbytes, (png_const_structrp, png_const_inforp))                           \
	X(void, read_row, (png_structrp, png_bytep, png_bytep))

struct png_api {
#define PNG_API_MEMBER(ret, name, params) ret(*name) params;
	PNG_API_FUNCS(PNG_API_MEMBER)
#undef PNG_API_MEMBER
};

/* Fills *api from the system's libpng. 0, or -ENODEV (libpng 1.6 not
 * installed, or a function missing). */
int png_api_load(struct png_api *api);

#endif
