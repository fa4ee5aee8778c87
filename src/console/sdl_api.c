/*
 * sdl_api.c - SDL2 loaded with dlopen() (sdl_api.h says why).
 */
#include "console/sdl_api.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

int sdl_api_load(struct sdl_api *api, char *err, size_t errlen)
{
	memset(api, 0, sizeof(*api));
	/* The soname of SDL 2 (libsdl2-2.0-0 on Debian). */
	void *lib = dlopen("libSDL2-2.0.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(err, errlen, "SDL2 could not be loaded (%s)", dlerror());
		return -ENODEV;
	}
	/* A data pointer into a function pointer: through memcpy (ISO C has no
	 * cast between the two; POSIX guarantees the representation). */
#define SDL_API_RESOLVE(ret, name, params)                                                   \
	{                                                                                      \
		void *sym = dlsym(lib, "SDL_" #name);                                          \
		if (!sym) {                                                                    \
			snprintf(err, errlen, "SDL2 has no SDL_%s", #name);                    \
			return -ENODEV;                                                        \
		}                                                                              \
		memcpy(&api->name, &sym, sizeof(sym));                                         \
	}
	SDL_API_FUNCS(SDL_API_RESOLVE)
#undef SDL_API_RESOLVE
	return 0;
}
