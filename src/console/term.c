/*
 * term.c - the terminal renderer and keyboard feed (see term.h).
 *
 * Sources: xterm "Control Sequences" (ctlseqs): CUP "CSI row ; col H",
 * ED "CSI 2 J", SGR 0/4/30-37/40-47/90-97/100-107, DECTCEM "CSI ? 25 l/h",
 * the alternate screen "CSI ? 1049 h/l"; tty_ioctl(4) TIOCGWINSZ;
 * the IBM CGA/VGA attribute byte (IBM PC Technical Reference, Color/Graphics
 * Monitor Adapter: foreground bits 0-3, background bits 4-6, bit 7 blink or
 * background intensity) and the MDA's monochrome attributes; termios(3)
 * for raw mode.
 */
#include "console/term.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "common/keypad.h"
#include "console/cp437.h"
#include "console/keymap.h"

enum {
	MAX_COLS = 80,
	MAX_ROWS = 50,
	MAX_CELLS = MAX_COLS * MAX_ROWS,
	/* Worst case per cell: CUP (8) + SGR (14) + a 3-byte glyph, plus the
	 * frame's prologue and epilogue. */
	OUT_MAX = MAX_CELLS * 32 + 256,
	READ_MAX = 256,
	/* A key is at most 3 modifier makes, its make and break, 3 breaks. */
	PENDING_MAX = (READ_MAX + 4) * 8,
	MODE_MDA = 7,
	UNKNOWN = -1,
};

/* A key transition waiting for room in the VM's keyboard queue. */
struct key_transition {
	uint8_t make;
	uint8_t flags;
};

enum { KT_EXTENDED = 1, KT_PRESSED = 2, KT_LAST = 4 /* ends a key stroke */ };

struct term {
	int in_fd, out_fd;
	bool raw;            /* saved holds the termios to restore */
	bool utf8, alt_screen;
	bool closed;
	struct termios saved;
	unsigned term_rows, term_cols; /* the terminal's size, 0 = unknown (unlimited) */

	/* What the terminal shows: the view rows x cols of the DOS screen
	 * starting at (top, left). */
	bool have_frame;     /* shown[], cols, rows, mode, top, left are valid */
	uint8_t cols, rows, mode;
	uint8_t top, left;
	uint8_t last_rows;   /* rows of the last frame drawn (0: none) */
	int sgr;             /* attribute the SGR state draws, or UNKNOWN */
	int at_row, at_col;  /* the terminal's cursor (0-based), or UNKNOWN */
	int cursor_vis;      /* 0, 1 or UNKNOWN */
	uint16_t shown[MAX_CELLS];

	/* The frame being built. */
	size_t out_len;
	bool out_overflow;
	char out[OUT_MAX];

	/* The mouse (xterm reporting): where reports go, the buttons held. */
	term_mouse_fn mouse_fn;
	void *mouse_ctx;
	unsigned mouse_held;
	bool mouse_on;        /* reporting was turned on (term_open) */

	/* Keys not yet taken by the VM; the start of a UTF-8 sequence whose
	 * end has not been read yet. */
	size_t pend_head, pend_len;
	struct key_transition pend[PENDING_MAX];
	size_t partial_len;
	uint8_t partial[4];
};

/* CGA colour number (bit 0 blue, 1 green, 2 red) to ANSI (bit 0 red,
 * 1 green, 2 blue): black, blue, green, cyan, red, magenta, brown, grey. */
static const uint8_t cga_to_ansi[8] = {0, 4, 2, 6, 1, 5, 3, 7};

/* ---- output buffer ---- */

static void out_bytes(struct term *t, const char *s, size_t n)
{
	if (n > OUT_MAX - t->out_len) {
		t->out_overflow = true;
		return;
	}
	memcpy(t->out + t->out_len, s, n);
	t->out_len += n;
}

static void out_str(struct term *t, const char *s)
{
	out_bytes(t, s, strlen(s));
}

static void out_uint(struct term *t, unsigned v)
{
	char digits[10];
	size_t n = 0;
	do {
		digits[sizeof(digits) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < sizeof(digits));
	out_bytes(t, digits + sizeof(digits) - n, n);
}

/* Forgets what the terminal shows: the next frame is drawn in full. */
static void forget_state(struct term *t)
{
	t->have_frame = false;
	t->sgr = UNKNOWN;
	t->at_row = t->at_col = UNKNOWN;
	t->cursor_vis = UNKNOWN;
}

/* Writes the buffer (normally one write(); partial writes are finished,
 * EINTR retried, EAGAIN waited out). A failed write leaves the terminal in
 * an unknown state. */
static void out_flush(struct term *t)
{
	size_t done = 0;
	if (t->out_overflow)
		forget_state(t);
	while (done < t->out_len) {
		ssize_t n = write(t->out_fd, t->out + done, t->out_len - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = {.fd = t->out_fd, .events = POLLOUT};
			if (poll(&p, 1, -1) >= 0)
				continue;
		}
		forget_state(t);
		break;
	}
	t->out_len = 0;
	t->out_overflow = false;
}

/* ---- drawing ---- */

/* CUP to (row, col), 0-based, unless the cursor is there already. */
static void move_to(struct term *t, int row, int col)
{
	if (t->at_row == row && t->at_col == col)
		return;
	out_str(t, "\033[");
	out_uint(t, (unsigned)row + 1);
	out_str(t, ";");
	out_uint(t, (unsigned)col + 1);
	out_str(t, "H");
	t->at_row = row;
	t->at_col = col;
}

static void set_cursor_visible(struct term *t, bool visible)
{
	if (t->cursor_vis == (int)visible)
		return;
	out_str(t, visible ? "\033[?25h" : "\033[?25l");
	t->cursor_vis = visible;
}

/* SGR for a colour attribute: fg bits 0-3 (bit 3 = bright, SGR 90-97),
 * bg bits 4-6, bit 7 = bright background (SGR 100-107, see term.h). */
static void sgr_color(struct term *t, uint8_t attr)
{
	unsigned fg = attr & 0x0F, bg = (attr >> 4) & 0x07;
	out_str(t, "\033[0;");
	out_uint(t, (fg & 8 ? 90u : 30u) + cga_to_ansi[fg & 7]);
	out_str(t, ";");
	out_uint(t, (attr & 0x80 ? 100u : 40u) + cga_to_ansi[bg]);
	out_str(t, "m");
}

/* SGR for an MDA attribute (IBM Monochrome Display Adapter): 00h/08h/80h/
 * 88h invisible, x0h with background 7 reverse video, foreground 1
 * underlined, bit 3 intense; blink (bit 7) is not shown. */
static void sgr_mono(struct term *t, uint8_t attr)
{
	uint8_t shape = attr & 0x77;
	if (shape == 0x00) {
		out_str(t, "\033[0;30;40m");
	} else if (shape == 0x70) {
		out_str(t, "\033[0;30;47m");
	} else {
		out_str(t, attr & 0x08 ? "\033[0;97;40" : "\033[0;37;40");
		out_str(t, (attr & 0x07) == 1 ? ";4m" : "m");
	}
}

static void set_attr(struct term *t, uint8_t attr, bool mono)
{
	if (t->sgr == attr)
		return;
	if (mono)
		sgr_mono(t, attr);
	else
		sgr_color(t, attr);
	t->sgr = attr;
}

/* One cell at terminal (row, col); the terminal cursor then stands after
 * it, or is unknown at the right margin (pending wrap). */
static void draw_cell(struct term *t, int row, int col, uint16_t cell, bool mono)
{
	char glyph[4];
	move_to(t, row, col);
	set_attr(t, (uint8_t)(cell >> 8), mono);
	uint8_t ch = (uint8_t)cell;
	if (t->utf8) {
		out_bytes(t, glyph, cp437_to_utf8(ch, glyph));
	} else {
		glyph[0] = ch < 0x20 || ch == 0x7F ? ' ' : (char)ch; /* controls would act */
		out_bytes(t, glyph, 1);
	}
	unsigned view_cols = t->term_cols && t->term_cols < t->cols ? t->term_cols : t->cols;
	if ((unsigned)col + 1 >= view_cols)
		t->at_row = t->at_col = UNKNOWN;
	else
		t->at_col = col + 1;
}

/* Starts a full redraw: default colours, home, clear. */
static void clear_screen(struct term *t)
{
	out_str(t, "\033[0m\033[H\033[2J");
	t->sgr = UNKNOWN;
	t->at_row = t->at_col = 0;
}

/* The rows (cols) of the DOS screen the terminal shows. */
static unsigned view_rows(const struct term *t)
{
	return t->term_rows && t->term_rows < t->rows ? t->term_rows : t->rows;
}

static unsigned view_cols(const struct term *t)
{
	return t->term_cols && t->term_cols < t->cols ? t->term_cols : t->cols;
}

/* The first of n cells shown out of total so that pos is among them: the
 * old first one if it still is (the view stays put), else the nearest. */
static uint8_t view_start(unsigned old, unsigned n, unsigned total, unsigned pos)
{
	unsigned start = old;
	if (pos < start)
		start = pos;
	else if (pos >= start + n)
		start = pos - n + 1;
	if (start + n > total)
		start = total - n;
	return (uint8_t)start;
}

/* Draws the cells of the view that differ from shown[] (all when full);
 * returns whether any was drawn. The cursor is hidden before the first. */
static bool draw_cells(struct term *t, const struct vm16_screen *s, bool full)
{
	bool mono = s->mode == MODE_MDA, drew = false;
	unsigned vr = view_rows(t), vc = view_cols(t);
	for (unsigned r = 0; r < vr; r++) {
		for (unsigned c = 0; c < vc; c++) {
			size_t k = (size_t)(t->top + r) * s->cols + (t->left + c);
			if (!full && t->shown[k] == s->cells[k])
				continue;
			if (!drew)
				set_cursor_visible(t, false);
			drew = true;
			draw_cell(t, (int)r, (int)c, s->cells[k], mono);
			t->shown[k] = s->cells[k];
		}
	}
	return drew;
}

/* The DOS cursor: shown at its cell when visible and in the view. */
static void draw_cursor(struct term *t, const struct vm16_screen *s)
{
	int row = s->cursor_row - t->top, col = s->cursor_col - t->left;
	bool visible = s->cursor_visible && s->cursor_row < t->rows && s->cursor_col < t->cols && row >= 0 &&
		       col >= 0 && (unsigned)row < view_rows(t) && (unsigned)col < view_cols(t);
	if (visible)
		move_to(t, row, col);
	set_cursor_visible(t, visible);
}

void term_draw(struct term *t, const struct vm16_screen *s)
{
	if (!t || !s || t->closed || s->cols == 0 || s->rows == 0)
		return;
	uint8_t cols = s->cols > MAX_COLS ? MAX_COLS : s->cols;
	uint8_t rows = s->rows > MAX_ROWS ? MAX_ROWS : s->rows;
	bool full = !t->have_frame || cols != t->cols || rows != t->rows || s->mode != t->mode;
	t->cols = cols;
	t->rows = rows;
	/* A view smaller than the screen follows the cursor. */
	uint8_t top = t->have_frame && !full ? t->top : 0, left = t->have_frame && !full ? t->left : 0;
	if (s->cursor_visible && s->cursor_row < rows && s->cursor_col < cols) {
		top = view_start(top, view_rows(t), rows, s->cursor_row);
		left = view_start(left, view_cols(t), cols, s->cursor_col);
	}
	full |= top != t->top || left != t->left;
	t->out_len = 0;
	if (full) {
		clear_screen(t);
		t->mode = s->mode;
		t->top = top;
		t->left = left;
		t->have_frame = true;
	}
	/* shown[] is indexed with the screen's own width (s->cols). */
	draw_cells(t, s, full);
	draw_cursor(t, s);
	t->last_rows = (uint8_t)view_rows(t);
	out_flush(t);
}

/* ---- size ---- */

static void ask_size(struct term *t)
{
	struct winsize ws;
	t->term_rows = t->term_cols = 0;
	if (ioctl(t->out_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		t->term_rows = ws.ws_row;
		t->term_cols = ws.ws_col;
	}
}

void term_resize(struct term *t)
{
	if (!t || t->closed)
		return;
	ask_size(t);
	forget_state(t);
}

void term_size(const struct term *t, unsigned *rows, unsigned *cols)
{
	*rows = t ? t->term_rows : 0;
	*cols = t ? t->term_cols : 0;
}

/* ---- opening and closing ---- */

/* Raw input (termios(3) cfmakeraw: no echo, no line editing, no signal
 * keys, 8-bit bytes), output processing left as it was; read() returns as
 * soon as one byte is there (term_poll_keys() polls first). */
static int enter_raw(struct term *t)
{
	struct termios raw;
	if (tcgetattr(t->in_fd, &t->saved) < 0)
		return -errno;
	raw = t->saved;
	cfmakeraw(&raw);
	raw.c_oflag = t->saved.c_oflag;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(t->in_fd, TCSANOW, &raw) < 0)
		return -errno;
	t->raw = true;
	return 0;
}

int term_open_opts(struct term **out, const struct term_opts *o)
{
	struct term *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->in_fd = o->in_fd;
	t->out_fd = o->out_fd;
	t->utf8 = o->utf8;
	t->alt_screen = o->alt_screen;
	forget_state(t);
	ask_size(t);
	if (o->raw) {
		int rc = enter_raw(t);
		if (rc < 0) {
			free(t);
			return rc;
		}
	}
	if (t->alt_screen)
		out_str(t, "\033[?1049h");
	if (o->mouse) {
		/* Every motion reported (1003), in the SGR form (1006). */
		out_str(t, "\033[?1003h\033[?1006h");
		t->mouse_on = true;
	}
	clear_screen(t);
	out_flush(t);
	*out = t;
	return 0;
}

int term_open(struct term **out, int in_fd, int out_fd)
{
	if (!isatty(in_fd) || !isatty(out_fd))
		return -ENOTTY;
	struct term_opts o = {
		.in_fd = in_fd, .out_fd = out_fd, .raw = true, .utf8 = true, .alt_screen = true, .mouse = true,
	};
	return term_open_opts(out, &o);
}

int term_open_fd(struct term **out, int in_fd, int out_fd, bool raw)
{
	struct term_opts o = { .in_fd = in_fd, .out_fd = out_fd, .raw = raw, .utf8 = true };
	return term_open_opts(out, &o);
}

void term_set_mouse(struct term *t, term_mouse_fn fn, void *ctx)
{
	t->mouse_fn = fn;
	t->mouse_ctx = ctx;
}

/* A mouse report: the buttons held after it, to the receiver. Button
 * numbers of the report (0 left, 1 middle, 2 right) become bits 0, 2, 1. */
static void mouse_report(struct term *t, const struct keymap_event *ev)
{
	static const unsigned bit[4] = { 1, 4, 2, 0 };
	if (ev->press)
		t->mouse_held |= bit[ev->button];
	if (ev->release)
		t->mouse_held &= ~bit[ev->button];
	if (t->mouse_fn)
		t->mouse_fn(t->mouse_ctx, ev->col, ev->row, t->mouse_held);
}

void term_close(struct term *t)
{
	if (!t || t->closed)
		return;
	t->closed = true;
	t->out_len = 0;
	out_str(t, "\033[0m");
	if (t->alt_screen) {
		out_str(t, "\033[?25h\033[?1049l");
	} else {
		if (t->last_rows) { /* below the frame: its last row, then a new line */
			t->at_row = UNKNOWN;
			move_to(t, t->last_rows - 1, 0);
			out_str(t, "\r\n");
		}
		out_str(t, "\033[?25h");
	}
	if (t->mouse_on)
		out_str(t, "\033[?1006l\033[?1003l");
	out_flush(t);
	if (t->raw)
		tcsetattr(t->in_fd, TCSADRAIN, &t->saved);
}

void term_print_text(int fd, const struct vm16_screen *s, bool utf8)
{
	unsigned cols = s->cols > MAX_COLS ? MAX_COLS : s->cols, rows = s->rows > MAX_ROWS ? MAX_ROWS : s->rows;
	int last = s->cursor_visible && s->cursor_row < rows ? s->cursor_row : -1;
	for (unsigned r = 0; r < rows; r++)
		for (unsigned c = 0; c < cols; c++)
			if ((uint8_t)s->cells[r * s->cols + c] > ' ')
				last = last > (int)r ? last : (int)r;
	char line[MAX_COLS * 3 + 2];
	for (int r = 0; r <= last; r++) {
		size_t n = 0, end = 0;
		for (unsigned c = 0; c < cols; c++) {
			uint8_t ch = (uint8_t)s->cells[r * s->cols + c];
			if (utf8) {
				n += cp437_to_utf8(ch, line + n);
			} else {
				line[n++] = ch < 0x20 || ch == 0x7F ? ' ' : (char)ch;
			}
			if (ch > ' ' && ch != 0xFF)
				end = n;
		}
		line[end] = '\n';
		size_t done = 0;
		while (done < end + 1) {
			ssize_t w = write(fd, line + done, end + 1 - done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return;
			done += (size_t)w;
		}
	}
}

void term_free(struct term *t)
{
	term_close(t);
	free(t);
}

/* ---- keyboard ---- */

static void push_transition(struct term *t, uint8_t make, uint8_t flags)
{
	if (t->pend_len < PENDING_MAX)
		t->pend[t->pend_len++] = (struct key_transition){make, flags};
}

/* A key stroke as transitions: modifiers down, key down, key up,
 * modifiers up (in reverse order). */
static void queue_key(struct term *t, const struct keymap_event *ev)
{
	uint8_t ext = ev->extended ? KT_EXTENDED : 0;
	if (ev->ctrl)
		push_transition(t, SC_LCTRL, KT_PRESSED);
	if (ev->alt)
		push_transition(t, SC_LALT, KT_PRESSED);
	if (ev->shift)
		push_transition(t, SC_LSHIFT, KT_PRESSED);
	if (!ev->make) { /* a character with no key: Alt + its code on the keypad */
		uint8_t digits[3];
		unsigned n = keypad_code_keys(ev->ch, digits);
		push_transition(t, KEYPAD_ALT_MAKE, KT_PRESSED);
		for (unsigned k = 0; k < n; k++) {
			push_transition(t, digits[k], KT_PRESSED);
			push_transition(t, digits[k], 0);
		}
		push_transition(t, KEYPAD_ALT_MAKE, KT_LAST);
		return;
	}
	push_transition(t, ev->make, ext | KT_PRESSED);
	bool mods = ev->ctrl || ev->alt || ev->shift;
	push_transition(t, ev->make, (uint8_t)(ext | (mods ? 0 : KT_LAST)));
	if (ev->shift)
		push_transition(t, SC_LSHIFT, (ev->alt || ev->ctrl) ? 0 : KT_LAST);
	if (ev->alt)
		push_transition(t, SC_LALT, ev->ctrl ? 0 : KT_LAST);
	if (ev->ctrl)
		push_transition(t, SC_LCTRL, KT_LAST);
}

/* Offers pending transitions to fn until it has no room (-ENOSPC); *sent
 * counts the key strokes completed. Returns 0, or fn's other error,
 * dropping what was pending. */
static int send_pending(struct term *t, term_key_fn fn, void *ctx, int *sent)
{
	while (t->pend_head < t->pend_len) {
		const struct key_transition *k = &t->pend[t->pend_head];
		int rc = fn(ctx, k->make, k->flags & KT_EXTENDED, k->flags & KT_PRESSED);
		if (rc == -ENOSPC)
			return 0;
		if (rc < 0) {
			t->pend_head = t->pend_len = 0;
			return rc;
		}
		if (k->flags & KT_LAST)
			(*sent)++;
		t->pend_head++;
	}
	t->pend_head = t->pend_len = 0;
	return 0;
}

/* Reads what in_fd has without blocking: >0 bytes, 0 nothing, -errno
 * (-EPIPE at end of input). */
static ssize_t read_available(struct term *t, uint8_t *buf, size_t len)
{
	struct pollfd p = {.fd = t->in_fd, .events = POLLIN};
	int n = poll(&p, 1, 0);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		return 0;
	if (p.revents & POLLNVAL)
		return -EBADF;
	ssize_t got = read(t->in_fd, buf, len);
	if (got < 0)
		return (errno == EINTR || errno == EAGAIN) ? 0 : -errno;
	return got == 0 ? -EPIPE : got;
}

int term_poll_key_events(struct term *t, term_key_fn fn, void *ctx)
{
	if (!t || !fn)
		return -EINVAL;
	int sent = 0;
	int rc = send_pending(t, fn, ctx, &sent);
	if (rc < 0)
		return rc;
	if (t->pend_len) /* the receiver has not taken the last keys yet */
		return sent;
	uint8_t buf[READ_MAX + sizeof(t->partial)];
	memcpy(buf, t->partial, t->partial_len);
	ssize_t got = read_available(t, buf + t->partial_len, READ_MAX);
	if (got <= 0)
		return got < 0 ? (int)got : sent;
	size_t len = t->partial_len + (size_t)got;
	t->partial_len = 0;
	if (t->utf8) { /* a sequence cut by the read waits for its end */
		size_t start = len;
		while (start > 0 && len - start < 3 && (buf[start - 1] & 0xC0) == 0x80)
			start--;
		uint32_t cp;
		if (start > 0 && buf[start - 1] >= 0xC0 && utf8_decode(buf + start - 1, len - start + 1, &cp) == 0) {
			t->partial_len = len - start + 1;
			memcpy(t->partial, buf + start - 1, t->partial_len);
			len = start - 1;
		}
	}
	struct keymap_event ev[READ_MAX + sizeof(t->partial)];
	bool quit;
	size_t count = keymap_parse(buf, len, t->utf8, ev, sizeof(ev) / sizeof(ev[0]), &quit);
	for (size_t i = 0; i < count; i++) {
		if (ev[i].mouse)
			mouse_report(t, &ev[i]);
		else
			queue_key(t, &ev[i]);
	}
	rc = send_pending(t, fn, ctx, &sent);
	if (rc < 0)
		return rc;
	return quit ? TERM_QUIT : sent;
}

static int key_to_vm(void *ctx, uint8_t make, bool extended, bool pressed)
{
	return vm16_key(ctx, make, extended, pressed);
}

struct mouse_ctx {
	struct term *t;
	struct vm *vm;
};

/* A cell of the terminal as a position in the VM's picture: its middle. */
static void mouse_to_vm(void *ctx, unsigned col, unsigned row, unsigned buttons)
{
	struct mouse_ctx *m = ctx;
	struct vm16_frame f;
	if (!m->t->cols || !m->t->rows || vm16_frame(m->vm, &f, 0) < 0)
		return;
	if (col >= m->t->cols)
		col = m->t->cols - 1u;
	if (row >= m->t->rows)
		row = m->t->rows - 1u;
	int x = (int)((2 * col + 1) * f.width / (2u * m->t->cols)), y = (int)((2 * row + 1) * f.height / (2u * m->t->rows));
	vm16_mouse_at(m->vm, x, y, buttons);
}

int term_poll_keys(struct term *t, struct vm *vm)
{
	if (!vm)
		return -EINVAL;
	struct mouse_ctx m = { t, vm };
	term_set_mouse(t, mouse_to_vm, &m);
	int rc = term_poll_key_events(t, key_to_vm, vm);
	term_set_mouse(t, NULL, NULL);
	return rc;
}
