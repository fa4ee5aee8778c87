/*
 * term.h - a running VM's text screen and keyboard in a Linux terminal.
 *
 * Output: the screen (struct vm16_screen) is drawn with ANSI/ECMA-48
 * control sequences as xterm and the Linux console understand them (xterm
 * "Control Sequences": CUP, SGR, DECTCEM). Only cells that changed since
 * the previous frame are sent, in one write() per frame. Colours: the 16
 * CGA colours of the attribute byte map to the 8 ANSI colours, with the
 * intensity bit (3) as the bright foreground colours (SGR 90-97). Bit 7 is
 * shown as a BRIGHT BACKGROUND (SGR 100-107), as on a VGA with blinking
 * turned off (INT 10h AX=1003h BL=0): a terminal may not blink, and this way
 * the colour information is never lost. Mode 7 (MDA) uses the monochrome
 * attributes: invisible, underline, intense, reverse video.
 * Characters are code page 437 (cp437.h), sent as UTF-8, or as the bytes
 * themselves for a terminal that is not UTF-8 (term_opts.utf8).
 *
 * Size: the terminal's own (TIOCGWINSZ; term_resize() after SIGWINCH). A
 * terminal smaller than the DOS screen shows the part of it that holds the
 * cursor (a view that scrolls as the cursor leaves it); a larger one shows
 * the screen at its top left, the rest blank. Nothing is ever drawn
 * outside the terminal, so it never scrolls.
 *
 * The screen is drawn on the terminal's alternate screen (xterm "Alternate
 * Screen Buffer", DECSET 1049) when asked: term_close() gives back the
 * normal screen as it was.
 *
 * Input: the terminal's bytes become PC key strokes (keymap.h) that reach
 * the guest through vm16_key(), or any receiver through a callback (the
 * `mvdm attach` client sends them to the server). Text that has no key of
 * its own (é, ▒) is typed as Alt + its code on the numeric keypad, as a PC
 * user would. Ctrl+] (1Dh) is kept by the host: it is the chord that asks
 * to leave the VM (TERM_QUIT).
 */
#ifndef MVDM_CONSOLE_TERM_H
#define MVDM_CONSOLE_TERM_H

#include <stdbool.h>
#include <stdint.h>

#include "mvdm/vm16.h"

struct term;

enum { TERM_QUIT = -1000 };

struct term_opts {
	int in_fd, out_fd;
	bool raw;         /* raw input (the old termios is saved and restored) */
	bool utf8;        /* UTF-8 out and in (else code page 437 bytes) */
	bool alt_screen;  /* draw on the alternate screen */
	bool mouse;       /* xterm mouse reporting (modes 1003 and 1006) while open */
};

/* Takes over the terminal: with raw, puts in_fd in raw mode (output
 * processing is left as it was); with alt_screen switches to the
 * alternate screen; clears it. The fds may be anything when raw is false
 * (tests: a pipe has no size, so nothing is clipped). Returns 0 and *out,
 * or -errno. */
int term_open_opts(struct term **out, const struct term_opts *o);

/* term_open_opts() on two ttys, raw, UTF-8, on the alternate screen,
 * with xterm mouse reporting (modes 1003 and 1006) on. -ENOTTY if either
 * is not a tty. */
int term_open(struct term **out, int in_fd, int out_fd);

/* term_open_opts() with UTF-8 and no alternate screen; with raw false the
 * termios is not touched at all (tests, non-interactive use). */
int term_open_fd(struct term **out, int in_fd, int out_fd, bool raw);

/* The terminal's size changed (SIGWINCH): asks it again; the next frame
 * is drawn in full. */
void term_resize(struct term *t);

/* The terminal's size in cells (0 x 0 when it has none: a pipe). */
void term_size(const struct term *t, unsigned *rows, unsigned *cols);

/* Gives the terminal back: resets the colours, shows the cursor, leaves
 * the alternate screen (else moves the cursor to the line below the last
 * frame drawn, so that a shell prompt appears after the DOS screen) and
 * restores the saved termios. Does not free t: it may be called twice (the
 * second call does nothing), and with NULL. */
void term_close(struct term *t);

/* Writes the text of screen s to fd as lines (code page 437 as UTF-8 or
 * as bytes): its rows up to the last that is not blank or holds the
 * cursor, each without trailing blanks. After term_close() from the
 * alternate screen this leaves what the program showed last on the
 * normal screen, as a command's output. */
void term_print_text(int fd, const struct vm16_screen *s, bool utf8);

/* term_close() and frees t. NULL is fine. */
void term_free(struct term *t);

/* Draws the screen: the first frame (and any frame after a change of mode
 * or size, or after a failed write) clears and draws every cell; later
 * frames only the cells that differ from the last frame, then the cursor
 * position and visibility. Nothing is written when nothing changed.
 * 40 or 80 columns, 25/43/50 rows (larger sizes are clipped to 80x50). */
void term_draw(struct term *t, const struct vm16_screen *s);

/* Where term_poll_key_events() delivers keys: one key transition (set 1
 * make code, E0-prefixed or not, pressed or released). Return 0 when it is
 * taken, -ENOSPC when there is no room now (it and the transitions after
 * it are kept and offered first on the next call, before anything more is
 * read), or another negative errno (what is pending is dropped and the
 * error returned). */
typedef int (*term_key_fn)(void *ctx, uint8_t make, bool extended, bool pressed);

/* Reads the bytes available on in_fd without blocking and delivers their
 * keys to fn(ctx, ...) as transitions: modifier make, key make, key break,
 * modifier break. Returns the number of key strokes delivered whole (0 if
 * none), TERM_QUIT when the input held the escape-to-host chord (the keys
 * before it are delivered, the bytes after it dropped), -EPIPE at end of
 * input, or another -errno (a read error, or fn's). */
int term_poll_key_events(struct term *t, term_key_fn fn, void *ctx);

/* Mouse reports of the terminal (xterm SGR mouse tracking, turned on by
 * term_open for every motion): the cell (0-based) and the buttons held
 * (bit 0 left, 1 right, 2 middle), to fn(ctx, ...) from
 * term_poll_key_events(). NULL turns them off again. */
typedef void (*term_mouse_fn)(void *ctx, unsigned col, unsigned row, unsigned buttons);
void term_set_mouse(struct term *t, term_mouse_fn fn, void *ctx);

/* term_poll_key_events() into the VM's keyboard: the keys go to vm through
 * vm16_key(); a full keyboard queue (-ENOSPC) keeps them for the next
 * call. Mouse reports go to the VM's mouse (vm16_mouse_at) at the cell's
 * middle. */
int term_poll_keys(struct term *t, struct vm *vm);

#endif
