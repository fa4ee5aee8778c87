/*
 * console_test.c - the terminal console (src/console): the CP437 table,
 * terminal input decoding (keymap), the renderer drawing into a pipe, and
 * the keyboard feed into a VM. No tty is needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "console/cp437.h"
#include "console/keymap.h"
#include "console/stream.h"
#include "console/term.h"
#include "mvdm/vm16.h"

/* ---- CP437 ---- */

static void expect_utf8(size_t (*fn)(uint8_t, char[4]), uint8_t ch, const char *want)
{
	char out[4];
	size_t n = fn(ch, out);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(out, want, n);
}

static void test_cp437_screen_glyphs(void **state)
{
	(void)state;
	expect_utf8(cp437_to_utf8, 0xB3, "\u2502");  /* │ */
	expect_utf8(cp437_to_utf8, 0xDB, "\u2588");  /* █ */
	expect_utf8(cp437_to_utf8, 0xC9, "\u2554");  /* ╔ */
	expect_utf8(cp437_to_utf8, 0x01, "\u263A");  /* ☺ */
	expect_utf8(cp437_to_utf8, 0x0A, "\u25D9");  /* ◙ */
	expect_utf8(cp437_to_utf8, 0x1F, "\u25BC");  /* ▼ */
	expect_utf8(cp437_to_utf8, 0x7F, "\u2302");  /* ⌂ */
	expect_utf8(cp437_to_utf8, 0xE1, "\u00DF");  /* ß */
	expect_utf8(cp437_to_utf8, 0x80, "\u00C7");  /* Ç */
	expect_utf8(cp437_to_utf8, 0xFF, "\u00A0");  /* no-break space */
	expect_utf8(cp437_to_utf8, 0x00, " ");
	expect_utf8(cp437_to_utf8, 'A', "A");
}

static void test_cp437_stream_controls(void **state)
{
	(void)state;
	static const uint8_t controls[] = {0x07, 0x08, 0x09, 0x0A, 0x0D, 0x1B, 0x00, 0x7F};
	for (size_t i = 0; i < sizeof(controls); i++) {
		char out[4];
		assert_int_equal(cp437_stream_to_utf8(controls[i], out), 1);
		assert_int_equal((uint8_t)out[0], controls[i]);
	}
	expect_utf8(cp437_stream_to_utf8, 0xE1, "\u00DF");
	expect_utf8(cp437_stream_to_utf8, 0xB3, "\u2502");
	expect_utf8(cp437_stream_to_utf8, 'z', "z");
}

/* Every byte has its own glyph, and only 00h is U+0000. A screen cell
 * never yields a control byte, so a guest cannot send escape sequences to
 * the host terminal. */
static void test_cp437_table_is_a_bijection(void **state)
{
	(void)state;
	for (unsigned a = 0; a < 256; a++) {
		char out[4];
		size_t n = cp437_to_utf8((uint8_t)a, out);
		for (size_t i = 0; i < n; i++)
			assert_true((uint8_t)out[i] >= 0x20 && (uint8_t)out[i] != 0x7F);
		assert_true(a == 0 || cp437_codepoint((uint8_t)a) != 0);
		for (unsigned b = a + 1; b < 256; b++)
			assert_int_not_equal(cp437_codepoint((uint8_t)a), cp437_codepoint((uint8_t)b));
	}
}

/* ---- keymap ---- */

struct parsed {
	size_t n;
	bool quit;
	struct keymap_event ev[32];
};

static struct parsed parse(const char *s)
{
	struct parsed p;
	memset(&p, 0, sizeof(p));
	p.n = keymap_parse((const uint8_t *)s, strlen(s), true, p.ev, 32, &p.quit);
	return p;
}

/* Mods: 'S' shift, 'C' ctrl, 'A' alt, 'E' extended, in any order. */
static void expect_key(const struct keymap_event *ev, uint8_t make, const char *mods)
{
	assert_int_equal(ev->make, make);
	assert_int_equal(ev->shift, strchr(mods, 'S') != NULL);
	assert_int_equal(ev->ctrl, strchr(mods, 'C') != NULL);
	assert_int_equal(ev->alt, strchr(mods, 'A') != NULL);
	assert_int_equal(ev->extended, strchr(mods, 'E') != NULL);
}

static void expect_one(const char *input, uint8_t make, const char *mods)
{
	struct parsed p = parse(input);
	assert_int_equal(p.n, 1);
	assert_false(p.quit);
	expect_key(&p.ev[0], make, mods);
}

static void test_keymap_letters_and_digits(void **state)
{
	(void)state;
	struct parsed p = parse("aZq1 0");
	assert_int_equal(p.n, 6);
	expect_key(&p.ev[0], 0x1E, "");
	expect_key(&p.ev[1], 0x2C, "S");
	expect_key(&p.ev[2], 0x10, "");
	expect_key(&p.ev[3], 0x02, "");
	expect_key(&p.ev[4], 0x39, "");
	expect_key(&p.ev[5], 0x0B, "");
}

static void test_keymap_symbols(void **state)
{
	(void)state;
	expect_one("!", 0x02, "S");
	expect_one("@", 0x03, "S");
	expect_one("_", 0x0C, "S");
	expect_one("-", 0x0C, "");
	expect_one("+", 0x0D, "S");
	expect_one("{", 0x1A, "S");
	expect_one("]", 0x1B, "");
	expect_one(":", 0x27, "S");
	expect_one("\"", 0x28, "S");
	expect_one("~", 0x29, "S");
	expect_one("`", 0x29, "");
	expect_one("|", 0x2B, "S");
	expect_one("\\", 0x2B, "");
	expect_one("<", 0x33, "S");
	expect_one(".", 0x34, "");
	expect_one("?", 0x35, "S");
}

static void test_keymap_editing_keys(void **state)
{
	(void)state;
	expect_one("\r", SC_ENTER, "");
	expect_one("\n", SC_ENTER, "");
	expect_one("\x7f", SC_BACKSPACE, "");
	expect_one("\b", SC_BACKSPACE, "");
	expect_one("\t", SC_TAB, "");
	expect_one("\033[Z", SC_TAB, "S");
}

static void test_keymap_ctrl(void **state)
{
	(void)state;
	expect_one("\x03", 0x2E, "C");  /* Ctrl+C */
	expect_one("\x01", 0x1E, "C");  /* Ctrl+A */
	expect_one("\x1a", 0x2C, "C");  /* Ctrl+Z */
	expect_one("\x1c", 0x2B, "C");  /* Ctrl+\ */
	expect_one("\x1e", 0x07, "C");  /* Ctrl+^ */
	struct parsed p;
	memset(&p, 0, sizeof(p));
	p.n = keymap_parse((const uint8_t *)"\0", 1, true, p.ev, 32, &p.quit);
	assert_int_equal(p.n, 1);
	expect_key(&p.ev[0], 0x03, "C"); /* Ctrl+@ */
}

static void test_keymap_cursor_keys(void **state)
{
	(void)state;
	expect_one("\033[A", SC_UP, "E");
	expect_one("\033[B", SC_DOWN, "E");
	expect_one("\033[C", SC_RIGHT, "E");
	expect_one("\033[D", SC_LEFT, "E");
	expect_one("\033OA", SC_UP, "E");
	expect_one("\033OD", SC_LEFT, "E");
	expect_one("\033[H", SC_HOME, "E");
	expect_one("\033[F", SC_END, "E");
	expect_one("\033OH", SC_HOME, "E");
	expect_one("\033OF", SC_END, "E");
	expect_one("\033[1~", SC_HOME, "E");
	expect_one("\033[2~", SC_INSERT, "E");
	expect_one("\033[3~", SC_DELETE, "E");
	expect_one("\033[4~", SC_END, "E");
	expect_one("\033[5~", SC_PGUP, "E");
	expect_one("\033[6~", SC_PGDN, "E");
	expect_one("\033OM", SC_ENTER, "E"); /* keypad Enter */
}

static void test_keymap_modified_keys(void **state)
{
	(void)state;
	expect_one("\033[1;5A", SC_UP, "EC");
	expect_one("\033[1;2D", SC_LEFT, "ES");
	expect_one("\033[3;3~", SC_DELETE, "EA");
	expect_one("\033[1;2P", SC_F1, "S");
	expect_one("\033[15;6~", SC_F1 + 4, "SC");
}

static void test_keymap_function_keys(void **state)
{
	(void)state;
	expect_one("\033OP", 0x3B, "");
	expect_one("\033OQ", 0x3C, "");
	expect_one("\033OR", 0x3D, "");
	expect_one("\033OS", 0x3E, "");
	expect_one("\033[11~", 0x3B, "");
	expect_one("\033[15~", 0x3F, "");
	expect_one("\033[17~", 0x40, "");
	expect_one("\033[18~", 0x41, "");
	expect_one("\033[19~", 0x42, "");
	expect_one("\033[20~", 0x43, "");
	expect_one("\033[21~", 0x44, "");
	expect_one("\033[23~", 0x57, "");
	expect_one("\033[24~", 0x58, "");
	expect_one("\033[[A", 0x3B, "");
	expect_one("\033[[E", 0x3F, "");
}

static void test_keymap_escape_and_alt(void **state)
{
	(void)state;
	expect_one("\033", SC_ESC, "");
	expect_one("\033x", 0x2D, "A");
	expect_one("\033X", 0x2D, "AS");
	expect_one("\033[", 0x1A, "A");  /* Alt+[ at the end of the input */
	expect_one("\033\x7f", SC_BACKSPACE, "A");
	struct parsed p = parse("\033\033");
	assert_int_equal(p.n, 2);
	expect_key(&p.ev[0], SC_ESC, "");
	expect_key(&p.ev[1], SC_ESC, "");
	p = parse("\033\033[A");
	assert_int_equal(p.n, 2);
	expect_key(&p.ev[0], SC_ESC, "");
	expect_key(&p.ev[1], SC_UP, "E");
}

static void test_keymap_quit_chord(void **state)
{
	(void)state;
	struct parsed p = parse("ab\x1d" "cd");
	assert_true(p.quit);
	assert_int_equal(p.n, 2);
	expect_key(&p.ev[1], 0x30, "");
	p = parse("\x1d");
	assert_true(p.quit);
	assert_int_equal(p.n, 0);
	p = parse("abc");
	assert_false(p.quit);
}

static void test_keymap_ignores_unknown_input(void **state)
{
	(void)state;
	/* \xe2\x82\xac is the euro sign: code page 437 has no such character. */
	struct parsed p = parse("\033[99~x\033[?1;2cy\xe2\x82\xacz\033[12");
	assert_int_equal(p.n, 3);
	expect_key(&p.ev[0], 0x2D, "");
	expect_key(&p.ev[1], 0x15, "");
	expect_key(&p.ev[2], 0x2C, "");
	/* A sequence broken by a control byte: the byte is still decoded. */
	p = parse("\033[1\r");
	assert_int_equal(p.n, 1);
	expect_key(&p.ev[0], SC_ENTER, "");
}

/* Text with no key of its own: a UTF-8 character code page 437 has is a
 * KEYMAP_CHAR of its byte; without UTF-8 a byte 80h-FFh is that byte;
 * malformed UTF-8 is dropped; Alt (ESC) before a character is ignored. */
static void test_keymap_text(void **state)
{
	(void)state;
	struct parsed p = parse("caf\xc3\xa9 \xe2\x96\x92\xe2\x98\xba");
	assert_int_equal(p.n, 7);
	expect_key(&p.ev[2], 0x21, "");
	assert_int_equal(p.ev[3].make, 0);
	assert_int_equal(p.ev[3].ch, 0x82);  /* é */
	assert_int_equal(p.ev[5].ch, 0xB1);  /* ▒ */
	assert_int_equal(p.ev[6].ch, 0x01);  /* ☺ */
	p = parse("\xc3x\x80\xff");
	assert_int_equal(p.n, 1);
	expect_key(&p.ev[0], 0x2D, "");
	p = parse("\033\xc3\xa9");
	assert_int_equal(p.n, 0);
	struct keymap_event ev[4];
	bool quit;
	assert_int_equal(keymap_parse((const uint8_t *)"\x82\xb1", 2, false, ev, 4, &quit), 2);
	assert_int_equal(ev[0].ch, 0x82);
	assert_int_equal(ev[1].ch, 0xB1);
}

static void test_keymap_max_events(void **state)
{
	(void)state;
	struct keymap_event ev[2];
	bool quit;
	assert_int_equal(keymap_parse((const uint8_t *)"abcd", 4, true, ev, 2, &quit), 2);
	assert_false(quit);
	expect_key(&ev[1], 0x30, "");
}

/* ---- renderer ---- */

struct pipe_term {
	int in[2], out[2];
	struct term *t;
};

static void pipe_term_open(struct pipe_term *p)
{
	assert_int_equal(pipe(p->in), 0);
	assert_int_equal(pipe(p->out), 0);
	assert_int_equal(fcntl(p->out[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(term_open_fd(&p->t, p->in[0], p->out[1], false), 0);
}

static void pipe_term_close(struct pipe_term *p)
{
	term_free(p->t);
	for (int i = 0; i < 2; i++) {
		close(p->in[i]);
		close(p->out[i]);
	}
}

/* Everything written so far, NUL-terminated (the caller frees it). */
static char *drain(struct pipe_term *p, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	assert_non_null(buf);
	for (;;) {
		ssize_t got = read(p->out[0], buf + n, cap - n);
		if (got <= 0)
			break;
		n += (size_t)got;
		assert_true(n < cap);
	}
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

static void blank_screen(struct vm16_screen *s, uint8_t mode, uint8_t cols, uint8_t rows)
{
	memset(s, 0, sizeof(*s));
	s->mode = mode;
	s->cols = cols;
	s->rows = rows;
	for (size_t k = 0; k < (size_t)cols * rows; k++)
		s->cells[k] = 0x0720;
	s->cursor_visible = true;
}

static void put_text(struct vm16_screen *s, unsigned row, unsigned col, const char *text, uint8_t attr)
{
	for (size_t i = 0; text[i]; i++)
		s->cells[row * s->cols + col + i] = (uint16_t)((uint8_t)text[i] | attr << 8);
}

static void test_term_open_clears(void **state)
{
	(void)state;
	struct pipe_term p;
	pipe_term_open(&p);
	char *out = drain(&p, NULL);
	assert_non_null(strstr(out, "\033[2J"));
	free(out);
	pipe_term_close(&p);
}

static void test_term_draw_full_frame(void **state)
{
	(void)state;
	struct pipe_term p;
	pipe_term_open(&p);
	free(drain(&p, NULL));
	struct vm16_screen s;
	blank_screen(&s, 3, 80, 25);
	put_text(&s, 0, 0, "Hello", 0x1E);          /* yellow on blue */
	s.cells[1 * 80 + 10] = 0x4F00 | 0xB3;       /* white on red │ */
	s.cells[2 * 80 + 0] = 0x9700 | 'B';         /* bit 7: bright blue background */
	s.cells[3 * 80 + 0] = 0x0700 | 0x01;        /* ☺ */
	s.cursor_row = 4;
	s.cursor_col = 7;
	term_draw(p.t, &s);
	size_t len;
	char *out = drain(&p, &len);
	assert_non_null(strstr(out, "\033[2J"));
	assert_non_null(strstr(out, "\033[0;93;44mHello"));
	assert_non_null(strstr(out, "\033[0;97;41m\u2502"));
	assert_non_null(strstr(out, "\033[0;37;104mB"));
	assert_non_null(strstr(out, "\u263A"));
	assert_non_null(strstr(out, "\033[?25l"));
	const char *tail = "\033[5;8H\033[?25h";
	assert_true(len > strlen(tail));
	assert_string_equal(out + len - strlen(tail), tail);
	free(out);
	pipe_term_close(&p);
}

static void test_term_draw_only_changes(void **state)
{
	(void)state;
	struct pipe_term p;
	pipe_term_open(&p);
	struct vm16_screen s;
	blank_screen(&s, 3, 80, 25);
	put_text(&s, 0, 0, "Hello", 0x07);
	term_draw(p.t, &s);
	free(drain(&p, NULL));

	/* The same frame again: nothing at all is written. */
	term_draw(p.t, &s);
	size_t len;
	char *out = drain(&p, &len);
	assert_int_equal(len, 0);
	free(out);

	/* One cell changed: only that cell (and the cursor) is sent. */
	s.cells[12 * 80 + 40] = 0x0700 | 'X';
	term_draw(p.t, &s);
	out = drain(&p, &len);
	assert_null(strstr(out, "Hello"));
	assert_null(strstr(out, "\033[2J"));
	assert_non_null(strstr(out, "\033[13;41HX"));
	assert_true(len < 40);
	free(out);

	/* The cursor moves and is hidden. */
	s.cursor_row = 1;
	s.cursor_visible = false;
	term_draw(p.t, &s);
	out = drain(&p, NULL);
	assert_string_equal(out, "\033[?25l");
	free(out);
	pipe_term_close(&p);
}

static void test_term_draw_mode_change_redraws(void **state)
{
	(void)state;
	struct pipe_term p;
	pipe_term_open(&p);
	struct vm16_screen s;
	blank_screen(&s, 3, 80, 25);
	term_draw(p.t, &s);
	free(drain(&p, NULL));
	blank_screen(&s, 1, 40, 25);
	put_text(&s, 24, 35, "Wide", 0x02);
	term_draw(p.t, &s);
	char *out = drain(&p, NULL);
	assert_non_null(strstr(out, "\033[2J"));
	assert_non_null(strstr(out, "\033[0;32;40mWide"));
	free(out);
	pipe_term_close(&p);
}

static void test_term_draw_mono(void **state)
{
	(void)state;
	struct pipe_term p;
	pipe_term_open(&p);
	struct vm16_screen s;
	blank_screen(&s, 7, 80, 25);
	put_text(&s, 0, 0, "u", 0x01);
	put_text(&s, 0, 1, "r", 0x70);
	put_text(&s, 0, 2, "i", 0x0F);
	term_draw(p.t, &s);
	char *out = drain(&p, NULL);
	assert_non_null(strstr(out, "\033[0;37;40;4mu"));
	assert_non_null(strstr(out, "\033[0;30;47mr"));
	assert_non_null(strstr(out, "\033[0;97;40mi"));
	free(out);
	pipe_term_close(&p);
}

static void test_term_draw_50_rows(void **state)
{
	(void)state;
	struct pipe_term p;
	pipe_term_open(&p);
	struct vm16_screen s;
	blank_screen(&s, 3, 80, 50);
	put_text(&s, 49, 76, "End", 0x07);
	s.cursor_row = 49;
	s.cursor_col = 79;
	term_draw(p.t, &s);
	char *out = drain(&p, NULL);
	assert_non_null(strstr(out, "End"));
	assert_non_null(strstr(out, "\033[50;80H\033[?25h"));
	free(out);
	pipe_term_close(&p);
}

static void test_term_close_moves_below_frame(void **state)
{
	(void)state;
	struct pipe_term p;
	pipe_term_open(&p);
	struct vm16_screen s;
	blank_screen(&s, 3, 80, 25);
	term_draw(p.t, &s);
	free(drain(&p, NULL));
	term_close(p.t);
	char *out = drain(&p, NULL);
	assert_non_null(strstr(out, "\033[0m"));
	assert_non_null(strstr(out, "\033[25;1H\r\n"));
	assert_non_null(strstr(out, "\033[?25h"));
	free(out);
	term_close(p.t); /* a second close writes nothing */
	size_t len;
	out = drain(&p, &len);
	assert_int_equal(len, 0);
	free(out);
	term_draw(p.t, &s); /* nor does drawing after close */
	out = drain(&p, &len);
	assert_int_equal(len, 0);
	free(out);
	term_close(NULL);
	term_free(NULL);
	pipe_term_close(&p);
}

static void test_term_open_needs_tty(void **state)
{
	(void)state;
	int fds[2];
	struct term *t = NULL;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(term_open(&t, fds[0], fds[1]), -ENOTTY);
	assert_null(t);
	close(fds[0]);
	close(fds[1]);
}

/* ---- keyboard feed ---- */

static struct vm *new_vm(void)
{
	struct vm16_config cfg;
	struct vm *vm = NULL;
	char err[256];
	vm16_config_default(&cfg);
	assert_int_equal(vm16_create(&cfg, &vm, err, sizeof(err)), 0);
	return vm;
}

static void feed(struct pipe_term *p, const char *s)
{
	assert_int_equal(write(p->in[1], s, strlen(s)), (ssize_t)strlen(s));
}

static void test_term_poll_keys(void **state)
{
	(void)state;
	struct pipe_term p;
	pipe_term_open(&p);
	struct vm *vm = new_vm();
	assert_int_equal(term_poll_keys(p.t, vm), 0);  /* nothing typed */
	feed(&p, "aB\033[A");
	assert_int_equal(term_poll_keys(p.t, vm), 3);
	assert_int_equal(term_poll_keys(p.t, vm), 0);
	feed(&p, "x\x1dy");
	assert_int_equal(term_poll_keys(p.t, vm), TERM_QUIT);
	close(p.in[1]);
	p.in[1] = -1;
	assert_int_equal(term_poll_keys(p.t, vm), -EPIPE);
	vm16_destroy(vm);
	pipe_term_close(&p);
}

/* More keys than the VM's keyboard queue holds: the rest wait in the term
 * and nothing more is read until they are taken. */
static void test_term_poll_keys_queue_full(void **state)
{
	(void)state;
	struct pipe_term p;
	pipe_term_open(&p);
	struct vm *vm = new_vm();
	char many[201];
	memset(many, 'a', 200);
	many[200] = 0;
	feed(&p, many);
	int sent = term_poll_keys(p.t, vm);
	assert_true(sent > 0 && sent < 200);
	assert_int_equal(term_poll_keys(p.t, vm), 0);
	feed(&p, "\x1d");
	assert_int_equal(term_poll_keys(p.t, vm), 0); /* the chord waits behind the keys */
	vm16_destroy(vm);
	pipe_term_close(&p);
}

/* A receiver of key transitions with room for `room` of them. */
struct key_sink {
	unsigned room, count;
	int fail;                     /* returned once count reaches room, if set */
	struct { uint8_t make; bool extended, pressed; } got[64];
};

static int sink_key(void *ctx, uint8_t make, bool extended, bool pressed)
{
	struct key_sink *k = ctx;
	if (k->count >= k->room)
		return k->fail ? k->fail : -ENOSPC;
	k->got[k->count].make = make;
	k->got[k->count].extended = extended;
	k->got[k->count].pressed = pressed;
	k->count++;
	return 0;
}

/* Keys go to a callback as transitions, in order: Shift+a is Shift down,
 * A down, A up, Shift up; the grey Up key is E0-prefixed. A full receiver
 * (-ENOSPC) keeps the rest for the next call, nothing lost or repeated; any
 * other error is returned and drops what was pending. */
static void test_term_poll_key_events_callback(void **state)
{
	(void)state;
	struct pipe_term p;
	pipe_term_open(&p);
	struct key_sink k = {.room = 3};
	feed(&p, "A\033[A");
	assert_int_equal(term_poll_key_events(p.t, sink_key, &k), 0); /* Shift up is still pending */
	assert_int_equal(k.count, 3);
	k.room = 64;
	assert_int_equal(term_poll_key_events(p.t, sink_key, &k), 2);
	assert_int_equal(k.count, 6);
	static const struct { uint8_t make; bool extended, pressed; } want[] = {
		{0x2A, false, true}, {0x1E, false, true}, {0x1E, false, false},
		{0x2A, false, false}, {0x48, true, true}, {0x48, true, false},
	};
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(k.got[i].make, want[i].make);
		assert_int_equal(k.got[i].extended, want[i].extended);
		assert_int_equal(k.got[i].pressed, want[i].pressed);
	}
	k.fail = -EIO;
	k.room = k.count;
	feed(&p, "b");
	assert_int_equal(term_poll_key_events(p.t, sink_key, &k), -EIO);
	k.fail = 0;
	k.room = 64;
	assert_int_equal(term_poll_key_events(p.t, sink_key, &k), 0); /* "b" was dropped */
	assert_int_equal(k.count, 6);
	assert_int_equal(term_poll_key_events(p.t, NULL, &k), -EINVAL);
	pipe_term_close(&p);
}

/* é typed in a UTF-8 terminal reaches the receiver as Alt + keypad 1 3 0,
 * also when the read cuts its UTF-8 sequence in two. */
static void test_term_types_text(void **state)
{
	(void)state;
	struct pipe_term p;
	pipe_term_open(&p);
	struct key_sink k = {.room = 64};
	feed(&p, "\xc3");
	assert_int_equal(term_poll_key_events(p.t, sink_key, &k), 0);
	assert_int_equal(k.count, 0);
	feed(&p, "\xa9");
	assert_int_equal(term_poll_key_events(p.t, sink_key, &k), 1);
	static const struct { uint8_t make; bool pressed; } want[] = {
		{0x38, true}, {0x4F, true}, {0x4F, false}, {0x51, true}, {0x51, false},
		{0x52, true}, {0x52, false}, {0x38, false},
	};
	assert_int_equal(k.count, 8);
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(k.got[i].make, want[i].make);
		assert_int_equal(k.got[i].pressed, want[i].pressed);
		assert_false(k.got[i].extended);
	}
	pipe_term_close(&p);
}

/* ---- the byte-stream console (stream.h) ---- */

struct pipe_stream {
	int in[2], out[2], wake[2];
	struct con_stream *s;
};

static void pipe_stream_open(struct pipe_stream *p, bool utf8, bool crlf)
{
	assert_int_equal(pipe(p->in), 0);
	assert_int_equal(pipe(p->out), 0);
	assert_int_equal(pipe(p->wake), 0);
	assert_int_equal(fcntl(p->out[0], F_SETFL, O_NONBLOCK), 0);
	struct con_stream_opts o = { .in_fd = p->in[0], .out_fd = p->out[1], .utf8 = utf8, .crlf = crlf,
				     .wake_fd = p->wake[0] };
	assert_int_equal(con_stream_open(&p->s, &o), 0);
}

static void pipe_stream_close(struct pipe_stream *p)
{
	con_stream_free(p->s);
	for (int i = 0; i < 2; i++) {
		close(p->in[i]);
		close(p->out[i]);
		close(p->wake[i]);
	}
}

static char *stream_out(struct pipe_stream *p)
{
	static char buf[4096];
	ssize_t n = read(p->out[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	return buf;
}

static void put(struct pipe_stream *p, const char *s)
{
	con_stream_write(p->s, (const uint8_t *)s, strlen(s));
}

/* Output: CR LF (and CR CR LF, as DOS echoes Enter) becomes LF, a lone CR
 * stays, a CR at the very end waits for the next byte (or the finish);
 * a line is written as soon as it ends, the rest at a flush; code page 437
 * as UTF-8 or as bytes; --crlf keeps everything. */
static void test_stream_output(void **state)
{
	(void)state;
	struct pipe_stream p;
	pipe_stream_open(&p, true, false);
	put(&p, "one\r\ntwo\r\r\nbar\rbaz");
	assert_string_equal(stream_out(&p), "one\ntwo\n");
	assert_int_equal(con_stream_flush(p.s), 0);
	assert_string_equal(stream_out(&p), "bar\rbaz");
	put(&p, "\x82\xb1\x01\r");
	con_stream_flush(p.s);
	assert_string_equal(stream_out(&p), "\u00e9\u2592\x01");
	put(&p, "\n");
	assert_string_equal(stream_out(&p), "\n");
	put(&p, "end\r");
	con_stream_finish(p.s);
	assert_string_equal(stream_out(&p), "end\r");
	pipe_stream_close(&p);
	pipe_stream_open(&p, false, true);
	put(&p, "a\x82\r\n");
	assert_string_equal(stream_out(&p), "a\x82\r\n");
	pipe_stream_close(&p);
}

/* Input: UTF-8 decoded to code page 437 (a sequence cut between two
 * reads waits for its end; what code page 437 lacks and malformed bytes
 * read '?'), or the bytes themselves; the end of input; a non-blocking
 * read with nothing there; the deadline; the wake fd. */
static void test_stream_input(void **state)
{
	(void)state;
	struct pipe_stream p;
	pipe_stream_open(&p, true, false);
	uint8_t b;
	assert_int_equal(con_stream_getc(p.s, &b, false, 0), -EAGAIN);
	assert_int_equal(write(p.in[1], "a\xc3", 2), 2);
	assert_int_equal(con_stream_getc(p.s, &b, false, 0), 1);
	assert_int_equal(b, 'a');
	assert_int_equal(con_stream_getc(p.s, &b, false, 0), -EAGAIN); /* half of é */
	uint64_t t0 = con_stream_now_ns();
	assert_int_equal(con_stream_getc(p.s, &b, true, t0 + 50000000), -ETIMEDOUT);
	assert_true(con_stream_now_ns() - t0 >= 50000000);
	assert_int_equal(write(p.in[1], "\xa9\xe2\x82\xac\xff", 5), 5);
	assert_int_equal(con_stream_getc(p.s, &b, true, 0), 1);
	assert_int_equal(b, 0x82);
	assert_int_equal(con_stream_getc(p.s, &b, true, 0), 1);
	assert_int_equal(b, '?'); /* the euro sign */
	assert_int_equal(con_stream_getc(p.s, &b, true, 0), 1);
	assert_int_equal(b, '?'); /* FFh is no UTF-8 */
	assert_int_equal(write(p.wake[1], "x", 1), 1);
	assert_int_equal(con_stream_getc(p.s, &b, true, 0), -EINTR);
	char drained;
	assert_int_equal(read(p.wake[0], &drained, 1), 1);
	/* CR LF is one line end; a LF alone stays. */
	assert_int_equal(write(p.in[1], "z\r\n\n", 4), 4);
	static const uint8_t want[] = { 'z', '\r', '\n' };
	for (size_t k = 0; k < sizeof(want); k++) {
		assert_int_equal(con_stream_getc(p.s, &b, true, 0), 1);
		assert_int_equal(b, want[k]);
	}
	close(p.in[1]);
	p.in[1] = -1;
	assert_int_equal(con_stream_getc(p.s, &b, true, 0), 0);
	pipe_stream_close(&p);
	pipe_stream_open(&p, false, false);
	assert_int_equal(write(p.in[1], "\xc3\xa9", 2), 2);
	assert_int_equal(con_stream_getc(p.s, &b, true, 0), 1);
	assert_int_equal(b, 0xC3);
	pipe_stream_close(&p);
}

/* The code page 437 byte of a code point and the UTF-8 decoder. */
static void test_cp437_decode(void **state)
{
	(void)state;
	assert_int_equal(cp437_from_codepoint('A'), 'A');
	assert_int_equal(cp437_from_codepoint(0x00E9), 0x82);
	assert_int_equal(cp437_from_codepoint(0x2592), 0xB1);
	assert_int_equal(cp437_from_codepoint(0x263A), 0x01);
	assert_int_equal(cp437_from_codepoint(0x20AC), -1);
	for (unsigned b = 0x80; b < 0x100; b++)
		assert_int_equal(cp437_from_codepoint(cp437_codepoint((uint8_t)b)), (int)b);
	uint32_t cp;
	assert_int_equal(utf8_decode((const uint8_t *)"\xe2\x96\x92", 3, &cp), 3);
	assert_int_equal(cp, 0x2592);
	assert_int_equal(utf8_decode((const uint8_t *)"\xe2\x96", 2, &cp), 0);
	assert_int_equal(utf8_decode((const uint8_t *)"\xc0\x80", 2, &cp), 1); /* overlong */
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(utf8_decode((const uint8_t *)"\xed\xa0\x80", 3, &cp), 1); /* surrogate */
	assert_int_equal(utf8_decode((const uint8_t *)"\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
}

/* xterm SGR mouse reports: the cell and the buttons held, keys around them intact. */
struct mouse_sink {
	unsigned n, col[8], row[8], buttons[8];
};

static void sink_mouse(void *ctx, unsigned col, unsigned row, unsigned buttons)
{
	struct mouse_sink *m = ctx;
	if (m->n < 8) {
		m->col[m->n] = col;
		m->row[m->n] = row;
		m->buttons[m->n] = buttons;
		m->n++;
	}
}

static void test_term_mouse_reports(void **state)
{
	(void)state;
	struct parsed q = parse("\033[<0;10;5M");
	assert_int_equal(q.n, 1);
	assert_true(q.ev[0].mouse && q.ev[0].press && !q.ev[0].release);
	assert_int_equal(q.ev[0].col, 9);
	assert_int_equal(q.ev[0].row, 4);
	q = parse("\033[<64;1;1M\033[<0;0;1M"); /* wheel, and a bad cell: ignored */
	assert_int_equal(q.n, 0);
	struct pipe_term p;
	pipe_term_open(&p);
	struct mouse_sink m = { 0 };
	struct key_sink k = {.room = 64};
	term_set_mouse(p.t, sink_mouse, &m);
	feed(&p, "a\033[<35;3;2M\033[<2;3;2M\033[<34;4;2M\033[<2;4;2mb");
	assert_int_equal(term_poll_key_events(p.t, sink_key, &k), 2);
	assert_int_equal(m.n, 4);
	assert_int_equal(m.col[0], 2);
	assert_int_equal(m.row[0], 1);
	assert_int_equal(m.buttons[0], 0);
	assert_int_equal(m.buttons[1], 2); /* right held */
	assert_int_equal(m.col[2], 3);
	assert_int_equal(m.buttons[2], 2);
	assert_int_equal(m.buttons[3], 0); /* released */
	pipe_term_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cp437_screen_glyphs),
		cmocka_unit_test(test_cp437_stream_controls),
		cmocka_unit_test(test_cp437_table_is_a_bijection),
		cmocka_unit_test(test_keymap_letters_and_digits),
		cmocka_unit_test(test_keymap_symbols),
		cmocka_unit_test(test_keymap_editing_keys),
		cmocka_unit_test(test_keymap_ctrl),
		cmocka_unit_test(test_keymap_cursor_keys),
		cmocka_unit_test(test_keymap_modified_keys),
		cmocka_unit_test(test_keymap_function_keys),
		cmocka_unit_test(test_keymap_escape_and_alt),
		cmocka_unit_test(test_keymap_quit_chord),
		cmocka_unit_test(test_keymap_ignores_unknown_input),
		cmocka_unit_test(test_keymap_text),
		cmocka_unit_test(test_keymap_max_events),
		cmocka_unit_test(test_term_open_clears),
		cmocka_unit_test(test_term_draw_full_frame),
		cmocka_unit_test(test_term_draw_only_changes),
		cmocka_unit_test(test_term_draw_mode_change_redraws),
		cmocka_unit_test(test_term_draw_mono),
		cmocka_unit_test(test_term_draw_50_rows),
		cmocka_unit_test(test_term_close_moves_below_frame),
		cmocka_unit_test(test_term_open_needs_tty),
		cmocka_unit_test(test_term_poll_keys),
		cmocka_unit_test(test_term_poll_keys_queue_full),
		cmocka_unit_test(test_term_poll_key_events_callback),
		cmocka_unit_test(test_term_types_text),
		cmocka_unit_test(test_stream_output),
		cmocka_unit_test(test_stream_input),
		cmocka_unit_test(test_cp437_decode),
		cmocka_unit_test(test_term_mouse_reports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
