/*
 * sdl_api.h - the SDL2 functions the window console uses, loaded from
 * libSDL2-2.0.so.0 with dlopen() when a window is opened, not linked.
 *
 * Why: linking SDL2 makes every `mvdm run` load about 50 shared libraries
 * (X11, Wayland, PulseAudio, ALSA, D-Bus...), which was most of the start-up
 * time of a program that never opens a window (issue 13: `mvdm run
 * HELLO.COM` spent a third of its time in the dynamic loader). The types
 * and constants still come from SDL's headers at build time.
 *
 * The library stays loaded once opened (never dlclose'd: SDL's helper
 * threads and the display libraries' exit handlers may outlive
 * SDL_QuitSubSystem). The table is per window: no global state.
 */
#ifndef MVDM_CONSOLE_SDL_API_H
#define MVDM_CONSOLE_SDL_API_H

#include <stddef.h>

#include <SDL2/SDL.h>

/* X(return type, name without "SDL_", parameter list) */
#define SDL_API_FUNCS(X)                                                                          \
	X(int, InitSubSystem, (Uint32))                                                           \
	X(void, QuitSubSystem, (Uint32))                                                          \
	X(const char *, GetError, (void))                                                         \
	X(SDL_Window *, CreateWindow, (const char *, int, int, int, int, Uint32))                 \
	X(SDL_Renderer *, CreateRenderer, (SDL_Window *, int, Uint32))                            \
	X(SDL_bool, SetHint, (const char *, const char *))                                        \
	X(void, DestroyTexture, (SDL_Texture *))                                                  \
	X(void, DestroyRenderer, (SDL_Renderer *))                                                \
	X(void, DestroyWindow, (SDL_Window *))                                                    \
	X(int, GetRendererOutputSize, (SDL_Renderer *, int *, int *))                             \
	X(int, SetRenderDrawColor, (SDL_Renderer *, Uint8, Uint8, Uint8, Uint8))                  \
	X(int, RenderClear, (SDL_Renderer *))                                                     \
	X(int, RenderCopy, (SDL_Renderer *, SDL_Texture *, const SDL_Rect *, const SDL_Rect *))   \
	X(void, RenderPresent, (SDL_Renderer *))                                                  \
	X(SDL_Texture *, CreateTexture, (SDL_Renderer *, Uint32, int, int, int))                  \
	X(int, UpdateTexture, (SDL_Texture *, const SDL_Rect *, const void *, int))               \
	X(void, GetWindowSize, (SDL_Window *, int *, int *))                                      \
	X(int, SetRelativeMouseMode, (SDL_bool))                                                  \
	X(SDL_Keymod, GetModState, (void))                                                        \
	X(int, SetWindowFullscreen, (SDL_Window *, Uint32))                                       \
	X(void, SetWindowTitle, (SDL_Window *, const char *))                                     \
	X(int, WaitEventTimeout, (SDL_Event *, int))                                              \
	X(int, PollEvent, (SDL_Event *))

struct sdl_api {
#define SDL_API_MEMBER(ret, name, params) ret(*name) params;
	SDL_API_FUNCS(SDL_API_MEMBER)
#undef SDL_API_MEMBER
};

/* Fills *api from the system's SDL2. 0, or -ENODEV with the reason in err
 * (SDL2 not installed, or a function missing). */
int sdl_api_load(struct sdl_api *api, char *err, size_t errlen);

#endif
