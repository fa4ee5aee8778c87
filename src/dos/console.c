/*
 * console.c - the CON device and INT 21h functions 01h-0Ch.
 *
 * Output goes to the screen as BIOS teletype (through the guest's INT 29h
 * or INT 10h when a program hooked them), and the monitor's console tap
 * copies it to the host stream when there is one. Input comes from the
 * host stream (struct dos_console.read) or from the BIOS keyboard buffer.
 * Functions 01h-0Ch read STDIN and write STDOUT (handles 0 and 1), so they
 * follow redirection. A read that must wait sends the guest to the idle
 * stub (STI; HLT), which repeats the call: the VM sleeps while it waits.
 * A status call that finds no input (06h DL=FFh, 0Bh) is a poll for the
 * monitor's idle detector (src/vm/idle.c): a program that loops on it
 * sleeps too.
 * Sources: RBIL INT 21h/01h-0Ch, INT 29h, INT 16h (BIOS buffer at 40:1Ah).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dos/dos_internal.h"
#include "vm/vm_internal.h"

enum { CTRL_C = 3, BS = 8, LF = 10, CR = 13, ESC = 27, CTRL_Z = 26 };

/* ---- raw input ---- */

/* One byte from the BIOS keyboard buffer: the ASCII code, or 0 followed by
 * the scan code on the next call for extended keys. -1 if empty. */
static int kbd_getc(struct dos *d)
{
	if (d->has_ext_key) {
		d->has_ext_key = false;
		return d->ext_key;
	}
	uint16_t head = dos_rd16(d, 0x40, 0x1A), tail = dos_rd16(d, 0x40, 0x1C);
	if (head == tail)
		return -1;
	uint16_t key = dos_rd16(d, 0x40, head);
	uint16_t start = dos_rd16(d, 0x40, 0x80), end = dos_rd16(d, 0x40, 0x82);
	head = (uint16_t)(head + 2);
	if (head >= end)
		head = start;
	dos_wr16(d, 0x40, 0x1A, head);
	uint8_t ascii = (uint8_t)key;
	/* 00h, or E0h from a grey key: an extended key (a scan code follows).
	 * E0h with scan code 0 is the character (Alt + keypad 224). */
	if (ascii == 0 || (ascii == 0xE0 && key >> 8)) {
		d->ext_key = (uint8_t)(key >> 8);
		d->has_ext_key = true;
		return 0;
	}
	return ascii;
}

static bool kbd_ready(struct dos *d)
{
	return d->has_ext_key || dos_rd16(d, 0x40, 0x1A) != dos_rd16(d, 0x40, 0x1C);
}

/* One byte from the host stream; LF (and the LF of CR LF) reads as CR, as
 * the Enter key would give it. */
static int stream_getc(struct dos *d)
{
	for (;;) {
		uint8_t b;
		if (d->has_peek) {
			d->has_peek = false;
			b = d->peek;
		} else {
			if (d->con_eof)
				return -2;
			int rc = d->con.read(d->con.ctx, &b);
			if (rc == -EAGAIN)
				return -1;
			if (rc <= 0) {
				d->con_eof = true;
				return -2;
			}
		}
		if (b == LF && d->skip_lf) {
			d->skip_lf = false;
			continue;
		}
		d->skip_lf = b == CR;
		return b == LF ? CR : b;
	}
}

int dos_con_getc(struct dos *d)
{
	return d->con.read ? stream_getc(d) : kbd_getc(d);
}

bool dos_con_ready(struct dos *d)
{
	if (!d->con.read)
		return kbd_ready(d);
	if (d->has_peek)
		return true;
	if (d->con_eof)
		return false;
	uint8_t b;
	int rc = d->con.read(d->con.ctx, &b);
	if (rc == 1) {
		d->peek = b;
		d->has_peek = true;
		return true;
	}
	if (rc != -EAGAIN)
		d->con_eof = true;
	return false;
}

/* ---- output ---- */

static bool vector_is(struct dos *d, uint8_t v, uint16_t seg, uint16_t off)
{
	return dos_rd16(d, 0, (uint16_t)(v * 4)) == off && dos_rd16(d, 0, (uint16_t)(v * 4 + 2)) == seg;
}

/* Run the guest's handler of INT vector with registers r (nested
 * execution). The handler may call INT 21h itself: the state of the call
 * in progress is kept and put back, and so are the guest's registers. */
static void guest_int(struct dos *d, uint8_t vector, const struct vm16_regs *r)
{
	struct vm16_regs save_guest, save_call = d->r;
	uint16_t save_flags = d->frame_flags;
	bool save_retry = d->retry, save_waiting = d->waiting;
	vm16_get_regs(d->vm, &save_guest);
	vm16_set_regs(d->vm, r);
	vm16_simulate_int(d->vm, vector, 1000000);
	vm16_set_regs(d->vm, &save_guest);
	d->r = save_call;
	d->frame_flags = save_flags;
	d->retry = save_retry;
	d->waiting = save_waiting;
}

/* Teletype one character through the guest's INT 10h when a program
 * hooked it, else in the host. */
static void teletype(struct dos *d, uint8_t ch)
{
	if (dos_rd16(d, 0, 0x10 * 4 + 2) >= 0xC000) { /* still the ROM's */
		vm16_teletype(d->vm, ch);
		return;
	}
	struct vm16_regs r;
	vm16_get_regs(d->vm, &r);
	r.eax = 0x0E00 | ch;
	r.ebx = (r.ebx & 0xFFFF0000u) | 0x0007;
	guest_int(d, 0x10, &r);
}

void dos_con_putc(struct dos *d, uint8_t ch)
{
	if (vector_is(d, 0x29, DOS_SEG, DOS_INT29)) {
		teletype(d, ch);
		return;
	}
	/* A program hooked INT 29h (fast console output): give it the byte. */
	struct vm16_regs r;
	vm16_get_regs(d->vm, &r);
	r.eax = (r.eax & 0xFFFFFF00u) | ch;
	guest_int(d, 0x29, &r);
}

void dos_con_write(struct dos *d, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dos_con_putc(d, buf[i]);
}

/* ---- STDIN / STDOUT for functions 01h-0Ch ---- */

static bool stdin_is_con(struct dos *d)
{
	struct dos_file *f = dos_handle_file(d, 0);
	return !f || f->dev == DEV_CON;
}

/* A byte from STDIN: the byte, -1 (wait) or -2 (end of input). */
static int stdin_getc(struct dos *d)
{
	struct dos_file *f = dos_handle_file(d, 0);
	if (!f || f->dev == DEV_CON)
		return dos_con_getc(d);
	uint8_t b;
	int n = dos_sft_read(d, f, &b, 1);
	if (n == DOS_WAIT)
		return -1;
	return n == 1 ? b : -2;
}

static void stdout_putc(struct dos *d, uint8_t ch)
{
	struct dos_file *f = dos_handle_file(d, 1);
	if (!f || f->dev == DEV_CON) {
		dos_con_putc(d, ch);
		return;
	}
	dos_sft_write(d, f, &ch, 1);
}

static bool echo_on(struct dos *d)
{
	return !d->con.read || d->con.echo;
}

static void echo_if(struct dos *d, bool on, uint8_t ch)
{
	if (on)
		stdout_putc(d, ch);
}

/* Ctrl-C: "^C", a new line, then the program's INT 23h (the ctrlc stub
 * calls it and repeats the function if it returns). */
static void ctrl_c(struct dos *d)
{
	stdout_putc(d, '^');
	stdout_putc(d, 'C');
	stdout_putc(d, CR);
	stdout_putc(d, LF);
	d->line_active = false;
	d->line_len = 0;
	d->r.cs = DOS_SEG;
	d->r.eip = DOS_CTRLC;
}

void dos_wait_input(struct dos *d)
{
	d->r.cs = DOS_SEG;
	d->r.eip = DOS_INT21_WAIT;
	d->waiting = true;
}

/* ---- line input (0Ah and cooked CON reads) ---- */

/* Scan codes of the editing keys (RBIL INT 16h, table 00006). */
enum { SC_F1 = 0x3B, SC_F3 = 0x3D, SC_UP = 0x48, SC_DOWN = 0x50, SC_LEFT = 0x4B, SC_RIGHT = 0x4D };

/* Take back what the line shows (BS, blank, BS per character). */
static void erase_line(struct dos *d, bool echo_input)
{
	for (; d->line_len > 0; d->line_len--) {
		echo_if(d, echo_input, BS);
		echo_if(d, echo_input, ' ');
		echo_if(d, echo_input, BS);
	}
}

static void put_line_char(struct dos *d, unsigned max, bool echo_input, uint8_t c)
{
	if (d->line_len + 1 >= max || d->line_len + 1 >= DOS_LINE_MAX)
		return;
	d->line[d->line_len++] = c;
	echo_if(d, echo_input, c);
}

/* The keyboard's editing keys, as DOS's line input and DOSKEY have them:
 * F1 / right arrow copy one character of the template (the last line
 * entered) and F3 the rest of it; up and down arrows step through the
 * last DOS_HISTORY lines. Other extended keys are ignored. */
static void edit_key(struct dos *d, uint8_t scan, unsigned max, bool echo_input)
{
	unsigned newest = d->hist_n ? (d->hist_n - 1) % DOS_HISTORY : 0;
	const uint8_t *tmpl = d->hist_n ? d->hist[newest] : NULL; /* read only below tlen */
	unsigned tlen = d->hist_n ? d->hist_len[newest] : 0;
	switch (scan) {
	case SC_F1:
	case SC_RIGHT:
		if (d->line_len < tlen)
			put_line_char(d, max, echo_input, tmpl[d->line_len]);
		return;
	case SC_F3:
		while (d->line_len < tlen && d->line_len + 1 < max)
			put_line_char(d, max, echo_input, tmpl[d->line_len]);
		return;
	case SC_UP:
	case SC_DOWN: {
		unsigned oldest = d->hist_n > DOS_HISTORY ? d->hist_n - DOS_HISTORY : 0;
		if (scan == SC_UP && d->hist_at > oldest)
			d->hist_at--;
		else if (scan == SC_DOWN && d->hist_at < d->hist_n)
			d->hist_at++;
		else
			return;
		erase_line(d, echo_input);
		if (d->hist_at == d->hist_n)
			return; /* below the newest: an empty line */
		unsigned k = d->hist_at % DOS_HISTORY;
		for (unsigned i = 0; i < d->hist_len[k]; i++)
			put_line_char(d, max, echo_input, d->hist[k][i]);
		return;
	}
	default:
		return;
	}
}

/* A line entered from the keyboard joins the history (not an empty one,
 * nor a repeat of the newest). */
static void remember_line(struct dos *d)
{
	if (d->line_len == 0)
		return;
	if (d->hist_n) {
		unsigned k = (d->hist_n - 1) % DOS_HISTORY;
		if (d->hist_len[k] == d->line_len && memcmp(d->hist[k], d->line, d->line_len) == 0)
			return;
	}
	if (!d->hist && !(d->hist = malloc(DOS_HISTORY * sizeof(*d->hist))))
		return; /* no memory: the line is not remembered */
	unsigned k = d->hist_n % DOS_HISTORY;
	memcpy(d->hist[k], d->line, d->line_len);
	d->hist_len[k] = (uint8_t)(d->line_len > 255 ? 255 : d->line_len);
	d->hist_n++;
}

/* Edit a line into d->line until CR. Returns 1 when the line is complete,
 * 0 when the guest must wait, -1 after Ctrl-C (handled). max counts the
 * CR. At end of input the line ends as it is. echo_input: functions 01h
 * and 0Ah always echo what they read to STDOUT, as DOS does even when
 * STDIN is a file; cooked handle reads of CON echo only what is typed
 * (not a host file or pipe feeding the console). */
static int read_line(struct dos *d, unsigned max, bool check_ctrl_c, bool echo_input)
{
	if (!d->line_active) {
		d->line_active = true;
		d->line_len = 0;
		d->hist_at = d->hist_n;
	}
	if (max == 0)
		max = 1;
	for (;;) {
		int c = stdin_getc(d);
		if (c == -1)
			return 0;
		if (c == -2 || c == CR) {
			d->line_active = false;
			if (c == CR)
				echo_if(d, echo_input, CR);
			if (stdin_is_con(d) && !d->con.read)
				remember_line(d);
			return 1;
		}
		if (c == CTRL_C && check_ctrl_c && stdin_is_con(d)) {
			ctrl_c(d);
			return -1;
		}
		if (c == BS || c == 0x7F) {
			if (d->line_len > 0) {
				d->line_len--;
				echo_if(d, echo_input, BS);
				echo_if(d, echo_input, ' ');
				echo_if(d, echo_input, BS);
			}
			continue;
		}
		if (c == ESC && stdin_is_con(d) && !d->con.read) {
			/* DOS: cancel the line ("\" and a new line) */
			echo_if(d, echo_input, '\\');
			echo_if(d, echo_input, CR);
			echo_if(d, echo_input, LF);
			d->line_len = 0;
			continue;
		}
		if (c == 0 && !d->con.read && stdin_is_con(d)) { /* an extended key: the editing keys */
			int scan = kbd_getc(d);
			if (scan > 0)
				edit_key(d, (uint8_t)scan, max, echo_input);
			continue;
		}
		if (d->line_len + 1 >= max || d->line_len + 1 >= DOS_LINE_MAX) {
			if (!d->con.read)
				teletype(d, 7); /* bell: line full */
			continue;
		}
		d->line[d->line_len++] = (uint8_t)c;
		echo_if(d, echo_input, (uint8_t)c);
	}
}

/* 0Ah: DS:DX -> max, count, text CR. */
static void fn_buffered_input(struct dos *d)
{
	uint16_t seg = d->r.ds, off = DX(d);
	uint8_t max = dos_rd8(d, seg, off);
	if (max == 0)
		return;
	int rc = read_line(d, max, true, true);
	if (rc == 0) {
		dos_wait_input(d);
		return;
	}
	if (rc < 0)
		return;
	dos_wr8(d, seg, (uint16_t)(off + 1), (uint8_t)d->line_len);
	dos_write_mem(d, seg, (uint16_t)(off + 2), d->line, d->line_len);
	dos_wr8(d, seg, (uint16_t)(off + 2 + d->line_len), CR);
}

int dos_con_read_cooked(struct dos *d, uint8_t *buf, uint16_t len)
{
	if (d->pending_pos >= d->pending_len) {
		d->pending_len = d->pending_pos = 0;
		bool eof_before = d->con_eof && !d->has_peek;
		if (eof_before)
			return 0;
		int rc = read_line(d, 128, true, echo_on(d));
		if (rc == 0)
			return DOS_WAIT;
		if (rc < 0)
			return 0;
		memcpy(d->pending, d->line, d->line_len);
		d->pending_len = d->line_len;
		/* A line that ended with Enter gets CR LF; one cut by the end of
		 * input only what it had. */
		if (!d->con_eof || d->line_len == 0) {
			if (d->con_eof && d->line_len == 0)
				return 0;
			d->pending[d->pending_len++] = CR;
			d->pending[d->pending_len++] = LF;
			echo_if(d, echo_on(d), LF);
		}
	}
	unsigned n = d->pending_len - d->pending_pos;
	if (n > len)
		n = len;
	memcpy(buf, d->pending + d->pending_pos, n);
	d->pending_pos += n;
	return (int)n;
}

/* ---- single characters ---- */

/* 01h, 07h, 08h: wait for a byte. Returns false if the call waits or ended in Ctrl-C. */
static bool get_char(struct dos *d, bool check_ctrl_c, int *out)
{
	int c = stdin_getc(d);
	if (c == -1) {
		dos_wait_input(d);
		return false;
	}
	if (c == -2)
		c = CTRL_Z; /* end of redirected input */
	if (c == CTRL_C && check_ctrl_c && stdin_is_con(d)) {
		ctrl_c(d);
		return false;
	}
	*out = c;
	return true;
}

static void console_fn(struct dos *d, uint8_t fn)
{
	int c;
	switch (fn) {
	case 0x01:
		if (get_char(d, true, &c)) {
			stdout_putc(d, (uint8_t)c);
			dos_set_lo(&d->r.eax, (uint8_t)c);
		}
		return;
	case 0x06:
		if (DL(d) != 0xFF) {
			stdout_putc(d, DL(d));
			return;
		}
		c = stdin_is_con(d) && !dos_con_ready(d) ? -1 : stdin_getc(d);
		if (c < 0) {
			dos_set_zf(d, true);
			dos_set_lo(&d->r.eax, 0);
			vm_idle_poll(d->vm);
			return;
		}
		dos_set_zf(d, false);
		dos_set_lo(&d->r.eax, (uint8_t)c);
		return;
	case 0x07:
	case 0x08:
		if (get_char(d, fn == 0x08, &c))
			dos_set_lo(&d->r.eax, (uint8_t)c);
		return;
	case 0x0A:
		fn_buffered_input(d);
		return;
	}
}

void dos_fn_console(struct dos *d)
{
	uint8_t ah = AH(d);
	switch (ah) {
	case 0x01:
	case 0x06:
	case 0x07:
	case 0x08:
	case 0x0A:
		console_fn(d, ah);
		return;
	case 0x02:
		stdout_putc(d, DL(d));
		dos_set_lo(&d->r.eax, DL(d));
		return;
	case 0x03: /* AUX input: nothing attached */
		dos_set_lo(&d->r.eax, CTRL_Z);
		return;
	case 0x04: /* AUX output: nothing attached, accepted */
		return;
	case 0x05: { /* printer output */
		uint8_t ch = DL(d);
		(void)dos_printer_write(d, &ch, 1);
		return;
	}
	case 0x09: {
		uint16_t seg = d->r.ds, off = DX(d);
		for (unsigned i = 0; i < 0x10000; i++) {
			uint8_t ch = dos_rd8(d, seg, (uint16_t)(off + i));
			if (ch == '$')
				break;
			stdout_putc(d, ch);
		}
		dos_set_lo(&d->r.eax, '$');
		return;
	}
	case 0x0B:
		if (stdin_is_con(d) && !dos_con_ready(d)) {
			dos_set_lo(&d->r.eax, 0);
			vm_idle_poll(d->vm);
		} else {
			dos_set_lo(&d->r.eax, 0xFF);
		}
		return;
	case 0x0C: {
		/* Flush the type-ahead (keyboard only), then AL's function. */
		if (!d->con.read && !d->retry)
			dos_wr16(d, 0x40, 0x1A, dos_rd16(d, 0x40, 0x1C));
		uint8_t al = AL(d);
		if (al == 0x01 || al == 0x06 || al == 0x07 || al == 0x08 || al == 0x0A)
			console_fn(d, al);
		else
			dos_set_lo(&d->r.eax, 0);
		return;
	}
	default:
		return; /* not one of this family's: int21.def sends none */
	}
}
