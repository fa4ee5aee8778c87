/*
 * keymap.c - terminal bytes to PC keys (see keymap.h).
 *
 * Sources: IBM PC AT Technical Reference, Keyboard "Scan Codes" (set 1, as
 * the 8042 delivers them to the system; E0 marks the grey cursor and
 * editing keys of the 101-key keyboard); xterm "Control Sequences"
 * (ctlseqs: "PC-Style Function Keys", "VT220-Style Function Keys",
 * cursor keys in normal (CSI) and application (SS3) mode, and the modifier
 * parameter 1 + (Shift 1 | Alt 2 | Ctrl 4 | Meta 8)); the Linux console
 * (console_codes(4)) for ESC [ [ A..E.
 */
#include "console/keymap.h"

#include "console/cp437.h"
#include <string.h>

enum {
	BYTE_ESC = 0x1B,
	MOD_SHIFT = 1,
	MOD_CTRL = 2,
	/* xterm modifier parameter bits (value - 1) */
	XMOD_SHIFT = 1,
	XMOD_ALT = 2,
	XMOD_CTRL = 4,
	XMOD_META = 8,
	PARAM_MAX = 9999,
};

/* The key for each 7-bit byte; a zero make code means no key (ESC and the
 * quit chord are decoded before this table). */
struct ascii_key {
	uint8_t make;
	uint8_t mods; /* MOD_SHIFT, MOD_CTRL */
};

/* A letter: lower case, upper case (Shift) and the control byte (Ctrl). */
#define LETTER(lc, code) [lc] = {code, 0}, [(lc) - 0x20] = {code, MOD_SHIFT}, [(lc) - 0x60] = {code, MOD_CTRL}
/* The same for the letters whose control bytes are other keys (H I J M). */
#define LETTER_NOCTRL(lc, code) [lc] = {code, 0}, [(lc) - 0x20] = {code, MOD_SHIFT}

static const struct ascii_key ascii_keys[0x80] = {
	/* Letters: the QWERTY rows of scan code set 1. */
	LETTER('q', 0x10), LETTER('w', 0x11), LETTER('e', 0x12), LETTER('r', 0x13),
	LETTER('t', 0x14), LETTER('y', 0x15), LETTER('u', 0x16), LETTER_NOCTRL('i', 0x17),
	LETTER('o', 0x18), LETTER('p', 0x19),
	LETTER('a', 0x1E), LETTER('s', 0x1F), LETTER('d', 0x20), LETTER('f', 0x21),
	LETTER('g', 0x22), LETTER_NOCTRL('h', 0x23), LETTER_NOCTRL('j', 0x24), LETTER('k', 0x25),
	LETTER('l', 0x26),
	LETTER('z', 0x2C), LETTER('x', 0x2D), LETTER('c', 0x2E), LETTER('v', 0x2F),
	LETTER('b', 0x30), LETTER('n', 0x31), LETTER_NOCTRL('m', 0x32),
	/* Control bytes that are keys of their own, or Ctrl with a non-letter. */
	[0x00] = {0x03, MOD_CTRL},            /* Ctrl+2 gives NUL on a PC */
	[0x08] = {SC_BACKSPACE, 0},
	[0x09] = {SC_TAB, 0},
	[0x0A] = {SC_ENTER, 0},
	[0x0D] = {SC_ENTER, 0},
	[0x1C] = {0x2B, MOD_CTRL},            /* Ctrl+\ */
	[0x1E] = {0x07, MOD_CTRL},            /* Ctrl+6 (Ctrl+^) */
	[0x1F] = {0x0C, MOD_CTRL},            /* Ctrl+- (Ctrl+_) */
	[0x7F] = {SC_BACKSPACE, 0},
	/* Digits and the top row's shifted symbols. */
	['1'] = {0x02, 0}, ['!'] = {0x02, MOD_SHIFT},
	['2'] = {0x03, 0}, ['@'] = {0x03, MOD_SHIFT},
	['3'] = {0x04, 0}, ['#'] = {0x04, MOD_SHIFT},
	['4'] = {0x05, 0}, ['$'] = {0x05, MOD_SHIFT},
	['5'] = {0x06, 0}, ['%'] = {0x06, MOD_SHIFT},
	['6'] = {0x07, 0}, ['^'] = {0x07, MOD_SHIFT},
	['7'] = {0x08, 0}, ['&'] = {0x08, MOD_SHIFT},
	['8'] = {0x09, 0}, ['*'] = {0x09, MOD_SHIFT},
	['9'] = {0x0A, 0}, ['('] = {0x0A, MOD_SHIFT},
	['0'] = {0x0B, 0}, [')'] = {0x0B, MOD_SHIFT},
	['-'] = {0x0C, 0}, ['_'] = {0x0C, MOD_SHIFT},
	['='] = {0x0D, 0}, ['+'] = {0x0D, MOD_SHIFT},
	/* Punctuation. */
	['['] = {0x1A, 0}, ['{'] = {0x1A, MOD_SHIFT},
	[']'] = {0x1B, 0}, ['}'] = {0x1B, MOD_SHIFT},
	[';'] = {0x27, 0}, [':'] = {0x27, MOD_SHIFT},
	['\''] = {0x28, 0}, ['"'] = {0x28, MOD_SHIFT},
	['`'] = {0x29, 0}, ['~'] = {0x29, MOD_SHIFT},
	['\\'] = {0x2B, 0}, ['|'] = {0x2B, MOD_SHIFT},
	[','] = {0x33, 0}, ['<'] = {0x33, MOD_SHIFT},
	['.'] = {0x34, 0}, ['>'] = {0x34, MOD_SHIFT},
	['/'] = {0x35, 0}, ['?'] = {0x35, MOD_SHIFT},
	[' '] = {0x39, 0},
};

#undef LETTER
#undef LETTER_NOCTRL

/* A key named by an escape sequence. */
struct seq_key {
	uint8_t make;
	bool extended;
};

/* CSI / SS3 final bytes of cursor and PC-style function keys (xterm
 * ctlseqs: "CSI A".."CSI D", "CSI H", "CSI F", "SS3 P".."SS3 S"; E is the
 * keypad centre, Num Lock off). */
struct final_key {
	char final;
	struct seq_key key;
};

static const struct final_key final_keys[] = {
	{'A', {SC_UP, true}},   {'B', {SC_DOWN, true}}, {'C', {SC_RIGHT, true}},
	{'D', {SC_LEFT, true}}, {'H', {SC_HOME, true}}, {'F', {SC_END, true}},
	{'E', {SC_KP5, false}}, {'P', {SC_F1, false}},  {'Q', {SC_F1 + 1, false}},
	{'R', {SC_F1 + 2, false}}, {'S', {SC_F1 + 3, false}},
};

/* "CSI n ~" (xterm VT220-style keys; 7/8 are rxvt's Home/End, 11-14 the
 * old xterm F1-F4). A zero make code is no key. */
static const struct seq_key tilde_keys[] = {
	[1] = {SC_HOME, true},    [2] = {SC_INSERT, true}, [3] = {SC_DELETE, true},
	[4] = {SC_END, true},     [5] = {SC_PGUP, true},   [6] = {SC_PGDN, true},
	[7] = {SC_HOME, true},    [8] = {SC_END, true},
	[11] = {SC_F1, false},    [12] = {SC_F1 + 1, false}, [13] = {SC_F1 + 2, false},
	[14] = {SC_F1 + 3, false}, [15] = {SC_F1 + 4, false}, [17] = {SC_F1 + 5, false},
	[18] = {SC_F1 + 6, false}, [19] = {SC_F1 + 7, false}, [20] = {SC_F1 + 8, false},
	[21] = {SC_F10, false},   [23] = {SC_F11, false},  [24] = {SC_F12, false},
};

enum { TILDE_KEYS = sizeof(tilde_keys) / sizeof(tilde_keys[0]) };

static size_t key_result(struct keymap_event *ev, enum keymap_kind *kind, struct seq_key k, size_t used)
{
	if (k.make == 0) {
		*kind = KEYMAP_NONE;
		return used;
	}
	*ev = (struct keymap_event){.make = k.make, .extended = k.extended};
	*kind = KEYMAP_KEY;
	return used;
}

/* Applies an xterm modifier parameter (1 + bits; 0 or 1 = none). */
static void apply_xterm_mods(struct keymap_event *ev, unsigned param)
{
	if (param < 2)
		return;
	unsigned bits = param - 1;
	ev->shift = ev->shift || (bits & XMOD_SHIFT);
	ev->alt = ev->alt || (bits & (XMOD_ALT | XMOD_META));
	ev->ctrl = ev->ctrl || (bits & XMOD_CTRL);
}

static struct seq_key final_key(uint8_t final)
{
	for (size_t i = 0; i < sizeof(final_keys) / sizeof(final_keys[0]); i++)
		if ((uint8_t)final_keys[i].final == final)
			return final_keys[i].key;
	return (struct seq_key){0, false};
}

/* A 7-bit byte other than ESC and the quit chord: always 1 byte. */
static size_t decode_ascii(uint8_t b, struct keymap_event *ev, enum keymap_kind *kind)
{
	struct ascii_key k = ascii_keys[b & 0x7F];
	size_t used = key_result(ev, kind, (struct seq_key){k.make, false}, 1);
	if (*kind == KEYMAP_KEY) {
		ev->shift = k.mods & MOD_SHIFT;
		ev->ctrl = k.mods & MOD_CTRL;
	}
	return used;
}

/* Text: a byte 80h-FFh, or a UTF-8 sequence (RFC 3629), as a character. */
static size_t decode_text(const uint8_t *buf, size_t len, bool utf8, struct keymap_event *ev,
			  enum keymap_kind *kind)
{
	*kind = KEYMAP_NONE;
	int ch = buf[0];
	size_t used = 1;
	if (utf8) {
		uint32_t cp;
		used = utf8_decode(buf, len, &cp);
		if (used == 0)
			return len; /* truncated: ignored */
		ch = cp == 0xFFFD ? -1 : cp437_from_codepoint(cp);
	}
	if (ch > 0) {
		*ev = (struct keymap_event){ .ch = (uint8_t)ch };
		*kind = KEYMAP_CHAR;
	}
	return used;
}

/* Up to two decimal parameters "n;m" of a control sequence (missing = 0).
 * Returns false for forms that are not key reports (private markers). */
static bool parse_params(const uint8_t *p, size_t n, unsigned param[2])
{
	unsigned idx = 0;
	param[0] = param[1] = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9') {
			if (idx < 2 && param[idx] <= PARAM_MAX)
				param[idx] = param[idx] * 10 + (unsigned)(p[i] - '0');
		} else if (p[i] == ';') {
			idx++;
		} else {
			return false;
		}
	}
	return true;
}

/* After "ESC [": p[0..n), n >= 1. Returns the bytes used after the "[". */
/* "ESC [ <" b ; x ; y (M|m): p points after the '<'. */
static size_t decode_sgr_mouse(const uint8_t *p, size_t n, struct keymap_event *ev, enum keymap_kind *kind)
{
	unsigned v[3] = { 0, 0, 0 }, idx = 0;
	size_t i = 0;
	for (; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9') {
			if (v[idx] <= 65535)
				v[idx] = v[idx] * 10 + (unsigned)(p[i] - '0');
		} else if (p[i] == ';' && idx < 2) {
			idx++;
		} else {
			break;
		}
	}
	if (i == n)
		return n; /* truncated: ignored */
	if ((p[i] != 'M' && p[i] != 'm') || idx != 2 || (v[0] & 64) || v[1] == 0 || v[2] == 0)
		return i + 1;
	memset(ev, 0, sizeof(*ev));
	ev->mouse = true;
	ev->col = (uint16_t)(v[1] - 1);
	ev->row = (uint16_t)(v[2] - 1);
	ev->button = (uint8_t)(v[0] & 3);
	ev->press = p[i] == 'M' && !(v[0] & 32) && ev->button != 3;
	ev->release = p[i] == 'm';
	*kind = KEYMAP_MOUSE;
	return i + 1;
}

static size_t decode_csi(const uint8_t *p, size_t n, struct keymap_event *ev, enum keymap_kind *kind)
{
	*kind = KEYMAP_NONE;
	if (p[0] == '<')
		return 1 + decode_sgr_mouse(p + 1, n - 1, ev, kind);
	if (p[0] == '[') { /* Linux console F1-F5: ESC [ [ A..E */
		if (n < 2)
			return n;
		if (p[1] >= 'A' && p[1] <= 'E')
			return key_result(ev, kind, (struct seq_key){(uint8_t)(SC_F1 + p[1] - 'A'), false}, 2);
		return 2;
	}
	size_t i = 0;
	while (i < n && p[i] >= 0x30 && p[i] <= 0x3F) /* parameter bytes */
		i++;
	size_t params_end = i;
	while (i < n && p[i] >= 0x20 && p[i] <= 0x2F) /* intermediate bytes */
		i++;
	if (i == n)
		return n; /* truncated: ignored */
	if (p[i] < 0x40 || p[i] > 0x7E)
		return i; /* malformed: ignored up to the stray byte, which is decoded next */
	size_t used = i + 1;
	unsigned param[2];
	if (params_end != i || !parse_params(p, params_end, param))
		return used;
	uint8_t final = p[i];
	if (final == '~') {
		if (param[0] >= TILDE_KEYS)
			return used;
		key_result(ev, kind, tilde_keys[param[0]], used);
	} else if (final == 'Z') { /* back-tab */
		key_result(ev, kind, (struct seq_key){SC_TAB, false}, used);
		if (*kind == KEYMAP_KEY)
			ev->shift = true;
	} else {
		key_result(ev, kind, final_key(final), used);
	}
	if (*kind == KEYMAP_KEY)
		apply_xterm_mods(ev, param[1]);
	return used;
}

/* After "ESC O": p[0..n), n >= 1; an optional modifier digit string, then
 * the final byte. Returns the bytes used after the "O". */
static size_t decode_ss3(const uint8_t *p, size_t n, struct keymap_event *ev, enum keymap_kind *kind)
{
	*kind = KEYMAP_NONE;
	size_t i = 0;
	unsigned mods = 0;
	while (i < n && p[i] >= '0' && p[i] <= '9') {
		if (mods <= PARAM_MAX)
			mods = mods * 10 + (unsigned)(p[i] - '0');
		i++;
	}
	if (i == n)
		return n;
	struct seq_key k = p[i] == 'M' ? (struct seq_key){SC_ENTER, true} : final_key(p[i]);
	key_result(ev, kind, k, i + 1);
	if (*kind == KEYMAP_KEY)
		apply_xterm_mods(ev, mods);
	return i + 1;
}

/* buf[0] is ESC. */
static size_t decode_escape(const uint8_t *buf, size_t len, bool utf8, struct keymap_event *ev,
			    enum keymap_kind *kind)
{
	if (len == 1 || buf[1] == BYTE_ESC)
		return key_result(ev, kind, (struct seq_key){SC_ESC, false}, 1);
	if (len > 2 && buf[1] == '[')
		return 2 + decode_csi(buf + 2, len - 2, ev, kind);
	if (len > 2 && buf[1] == 'O')
		return 2 + decode_ss3(buf + 2, len - 2, ev, kind);
	/* Alt+key: the key after ESC (never ESC again, so one level deep). */
	size_t used = keymap_decode(buf + 1, len - 1, utf8, ev, kind);
	if (*kind == KEYMAP_KEY)
		ev->alt = true;
	else if (*kind == KEYMAP_CHAR) /* no Alt for a character typed with Alt itself */
		*kind = KEYMAP_NONE;
	return 1 + used;
}

size_t keymap_decode(const uint8_t *buf, size_t len, bool utf8, struct keymap_event *ev, enum keymap_kind *kind)
{
	*kind = KEYMAP_NONE;
	if (len == 0)
		return 0;
	if (buf[0] == BYTE_ESC)
		return decode_escape(buf, len, utf8, ev, kind);
	if (buf[0] == KEYMAP_QUIT_BYTE) {
		*kind = KEYMAP_QUIT;
		return 1;
	}
	if (buf[0] >= 0x80)
		return decode_text(buf, len, utf8, ev, kind);
	return decode_ascii(buf[0], ev, kind);
}

size_t keymap_parse(const uint8_t *buf, size_t len, bool utf8, struct keymap_event *ev, size_t max, bool *quit)
{
	size_t count = 0, pos = 0;
	if (quit)
		*quit = false;
	while (pos < len && count < max) {
		struct keymap_event e;
		enum keymap_kind kind;
		pos += keymap_decode(buf + pos, len - pos, utf8, &e, &kind);
		if (kind == KEYMAP_QUIT) {
			if (quit)
				*quit = true;
			break;
		}
		if (kind == KEYMAP_KEY || kind == KEYMAP_CHAR) {
			e.mouse = false;
			ev[count++] = e;
		} else if (kind == KEYMAP_MOUSE) {
			ev[count++] = e;
		}
	}
	return count;
}
