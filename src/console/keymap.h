/*
 * keymap.h - terminal input bytes to PC keys, as a pure function (no tty, no
 * VM), so the translation can be tested on its own.
 *
 * A terminal sends ASCII for ordinary keys, C0 control bytes for Ctrl+key,
 * and escape sequences for the other keys (xterm "ctlseqs": PC-style
 * function keys, CSI and SS3 cursor keys, the "CSI 1 ; m X" and
 * "CSI n ; m ~" modifier forms; the Linux console's "ESC [ [ A".."E" for
 * F1-F5). Each key becomes one event: an IBM PC AT scan code set 1 make
 * code, whether it is an E0-prefixed (extended) key, and the modifiers that
 * must be held down around it.
 *
 * Byte meanings (US layout):
 *   20h-7Eh      the key that types the character, with Shift when needed
 *   0Dh, 0Ah     Enter (a raw tty sends CR; LF comes from pipes)
 *   08h, 7Fh     Backspace (terminals send either)
 *   09h          Tab
 *   01h-1Ah      otherwise Ctrl+A..Ctrl+Z
 *   00h          Ctrl+2 (Ctrl+@ / Ctrl+Space), 1Ch Ctrl+\, 1Eh Ctrl+6,
 *                1Fh Ctrl+- (the keys that give these codes on a PC)
 *   1Dh          Ctrl+]: the escape-to-host chord (KEYMAP_QUIT)
 *   ESC alone    Esc (nothing follows it in the buffer), ESC ESC = Esc + ...
 *   ESC x        Alt+x for any other single key x
 *   ESC [ ... / ESC O x   cursor, editing and function keys
 *   80h-FFh      text: with `utf8` one UTF-8 sequence, the code page 437
 *                character it spells (KEYMAP_CHAR; characters code page
 *                437 lacks are ignored); without, the byte is that
 *                character. Such a character has no key of its own: it is
 *                typed as Alt + its decimal code on the numeric keypad.
 * Unknown escape sequences are consumed whole and ignored.
 * Mouse reports (xterm "ctlseqs", SGR mouse mode 1006): "ESC [ < b ; x ;
 * y M" for a press or a motion, "... m" for a release; b bits 0-1 the
 * button (0 left, 1 middle, 2 right, 3 none), bit 5 motion, bit 6 the
 * wheel (ignored); x, y the cell, from 1.
 */
#ifndef MVDM_CONSOLE_KEYMAP_H
#define MVDM_CONSOLE_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IBM PC AT scan code set 1 make codes used outside the tables. */
enum {
	SC_ESC = 0x01,
	SC_BACKSPACE = 0x0E,
	SC_TAB = 0x0F,
	SC_ENTER = 0x1C,
	SC_LCTRL = 0x1D,
	SC_LSHIFT = 0x2A,
	SC_LALT = 0x38,
	SC_F1 = 0x3B,
	SC_F10 = 0x44,
	SC_HOME = 0x47, /* E0 for the grey keys below */
	SC_UP = 0x48,
	SC_PGUP = 0x49,
	SC_LEFT = 0x4B,
	SC_KP5 = 0x4C,
	SC_RIGHT = 0x4D,
	SC_END = 0x4F,
	SC_DOWN = 0x50,
	SC_PGDN = 0x51,
	SC_INSERT = 0x52,
	SC_DELETE = 0x53,
	SC_F11 = 0x57,
	SC_F12 = 0x58,
};

/* The escape-to-host byte: Ctrl+] (GS). */
enum { KEYMAP_QUIT_BYTE = 0x1D };

/* One key stroke: press the modifiers, press and release make_code, release
 * the modifiers. */
struct keymap_event {
	uint8_t make;   /* set 1 make code, 01h-7Fh; 0 for a KEYMAP_CHAR */
	bool extended;  /* E0-prefixed (grey cursor/editing keys, keypad Enter) */
	bool shift, ctrl, alt;
	uint8_t ch;     /* KEYMAP_CHAR: the code page 437 character */
	/* KEYMAP_MOUSE: the cell (0-based), the button (0 left, 1 middle,
	 * 2 right, 3 none) and what it did */
	bool mouse;
	uint16_t col, row;
	uint8_t button;
	bool press, release;
};

enum keymap_kind {
	KEYMAP_KEY,    /* *ev holds a key */
	KEYMAP_MOUSE,  /* *ev holds a mouse report (ev->mouse) */
	KEYMAP_NONE,   /* the bytes mean no key (ignored) */
	KEYMAP_QUIT,   /* the escape-to-host chord */
	KEYMAP_CHAR,   /* a character with no key: ev->ch (Alt + keypad code) */
};

/* Decodes the key at the start of buf[0..len) (len > 0); `utf8`: bytes
 * 80h-FFh are UTF-8 (else code page 437). Returns the number of bytes it
 * took (1..len) and sets *kind; *ev is set for KEYMAP_KEY and KEYMAP_CHAR.
 * The buffer is taken to be all the input there is: an ESC at its end is a
 * lone Esc key, a truncated sequence is ignored. */
size_t keymap_decode(const uint8_t *buf, size_t len, bool utf8, struct keymap_event *ev, enum keymap_kind *kind);

/* Decodes buf[0..len) into at most max events (keys, characters and
 * mouse reports). Stops after the quit chord (setting *quit; the bytes
 * after it are dropped) or when max events are stored; every key takes at
 * least one byte, so max >= len is always enough. Returns the number of
 * events stored. */
size_t keymap_parse(const uint8_t *buf, size_t len, bool utf8, struct keymap_event *ev, size_t max, bool *quit);

#endif
