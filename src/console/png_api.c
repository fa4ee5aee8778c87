/*
 * png_api.c - libpng loaded with dlopen() (png_api.h says why).
 */
#include "console/png_api.h"

#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#define PNG_API_STR_(x) #x
#define PNG_API_STR(x) PNG_API_STR_(x)

int png_api_load(struct png_api *api)
{
	memset(api, 0, sizeof(*api));
	/* The soname of the headers' libpng: libpng16.so.16 for 1.6
	 * (libpng16-16 on Debian). */
	void *lib = dlopen("libpng" PNG_API_STR(PNG_LIBPNG_VER_DLLNUM) ".so." PNG_API_STR(PNG_LIBPNG_VER_SONUM),
			   RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return -ENODEV;
	/* A data pointer into a function pointer: through memcpy (ISO C has no
	 * cast between the two; POSIX guarantees the representation). */
#define PNG_API_RESOLVE(ret, name, params)                                                   \
	{                                                                                      \
		void *sym = dlsym(lib, "png_" #name);                                          \
		if (!sym)                                                                      \
			return -ENODEV;                                                        \
		memcpy(&api->name, &sym, sizeof(sym));                                         \
	}
	PNG_API_FUNCS(PNG_API_RESOLVE)
#undef PNG_API_RESOLVE
	return 0;
}
