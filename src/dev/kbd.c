/*
 * kbd.c - 8042 keyboard controller and PC/AT keyboard (see kbd.h).
 *
 * Data path: host key events wait in the keyboard's queue. When the output
 * buffer is free (and the inter-byte gap has passed), one event is expanded
 * into its bytes (`stage`) in the code set the guest sees, and they are
 * moved into the output buffer one per read. Priority of sources for the
 * output buffer: controller replies, keyboard command replies, key bytes.
 */
#include "dev/kbd.h"

#include <errno.h>
#include <string.h>

#include "common/keypad.h"

enum {
	EV_EXTENDED = 0x01,
	EV_PRESSED = 0x02,
	FIFO_AUX = 0x100,        /* kbd_fifo entry flag: aux data */
	CMD_BYTE_POST = 0x45,    /* XLAT | SYS | INT */
	OUT_PORT_POST = 0xDF,    /* reset high, A20 on, lines idle high */
	OUT_RESET = 0x01,
	OUT_A20 = 0x02,
	OUT_IRQ1 = 0x10,
	OUT_IBE = 0x20,          /* AT: input buffer empty */
	IN_PORT_POST = 0xB0,
	TYPEMATIC_DEFAULT = 0x2B, /* 10.9 characters/s, 500 ms delay */
	PREFIX_E0 = 0xE0,
	SET2_BREAK = 0xF0,
	ASCII_SHIFT = 0x80,      /* kbd_ascii_keys flag */
};

/* Keyboard replies (IBM PC AT Technical Reference, "Commands to the System"). */
enum {
	KB_ACK = 0xFA,
	KB_BAT_OK = 0xAA,
	KB_ECHO = 0xEE,
	KB_RESEND = 0xFE,
	KB_ID1 = 0xAB,
	KB_ID2 = 0x83,          /* MF2 keyboard, set 2 code */
	KB_ID2_XLAT = 0x41,     /* the same after 8042 translation */
};

/* Keyboard commands ("Commands from the System"). */
enum {
	KC_SET_LEDS = 0xED,
	KC_ECHO = 0xEE,
	KC_SCAN_SET = 0xF0,
	KC_IDENTIFY = 0xF2,
	KC_TYPEMATIC = 0xF3,
	KC_ENABLE = 0xF4,
	KC_DEFAULT_DISABLE = 0xF5,
	KC_SET_DEFAULT = 0xF6,
	KC_SET3_FIRST = 0xF7,
	KC_SET3_LAST = 0xFD,
	KC_RESEND = 0xFE,
	KC_RESET = 0xFF,
};

/*
 * Set 1 make code -> set 2 make code, for the untranslated (XLAT off) path.
 * The same base code serves the E0-prefixed keys (E0 1D right Ctrl -> E0 14,
 * E0 48 Up -> E0 75, ...). 5Bh-5Dh exist only as E0 keys (Windows, Menu).
 * 0 = no such key in set 2.
 */
static const uint8_t kbd_set1_to_set2[0x80] = {
	[0x01] = 0x76, [0x02] = 0x16, [0x03] = 0x1E, [0x04] = 0x26,
	[0x05] = 0x25, [0x06] = 0x2E, [0x07] = 0x36, [0x08] = 0x3D,
	[0x09] = 0x3E, [0x0A] = 0x46, [0x0B] = 0x45, [0x0C] = 0x4E,
	[0x0D] = 0x55, [0x0E] = 0x66, [0x0F] = 0x0D, [0x10] = 0x15,
	[0x11] = 0x1D, [0x12] = 0x24, [0x13] = 0x2D, [0x14] = 0x2C,
	[0x15] = 0x35, [0x16] = 0x3C, [0x17] = 0x43, [0x18] = 0x44,
	[0x19] = 0x4D, [0x1A] = 0x54, [0x1B] = 0x5B, [0x1C] = 0x5A,
	[0x1D] = 0x14, [0x1E] = 0x1C, [0x1F] = 0x1B, [0x20] = 0x23,
	[0x21] = 0x2B, [0x22] = 0x34, [0x23] = 0x33, [0x24] = 0x3B,
	[0x25] = 0x42, [0x26] = 0x4B, [0x27] = 0x4C, [0x28] = 0x52,
	[0x29] = 0x0E, [0x2A] = 0x12, [0x2B] = 0x5D, [0x2C] = 0x1A,
	[0x2D] = 0x22, [0x2E] = 0x21, [0x2F] = 0x2A, [0x30] = 0x32,
	[0x31] = 0x31, [0x32] = 0x3A, [0x33] = 0x41, [0x34] = 0x49,
	[0x35] = 0x4A, [0x36] = 0x59, [0x37] = 0x7C, [0x38] = 0x11,
	[0x39] = 0x29, [0x3A] = 0x58, [0x3B] = 0x05, [0x3C] = 0x06,
	[0x3D] = 0x04, [0x3E] = 0x0C, [0x3F] = 0x03, [0x40] = 0x0B,
	[0x41] = 0x83, [0x42] = 0x0A, [0x43] = 0x01, [0x44] = 0x09,
	[0x45] = 0x77, [0x46] = 0x7E, [0x47] = 0x6C, [0x48] = 0x75,
	[0x49] = 0x7D, [0x4A] = 0x7B, [0x4B] = 0x6B, [0x4C] = 0x73,
	[0x4D] = 0x74, [0x4E] = 0x79, [0x4F] = 0x69, [0x50] = 0x72,
	[0x51] = 0x7A, [0x52] = 0x70, [0x53] = 0x71, [0x54] = 0x84,
	[0x56] = 0x61, [0x57] = 0x78, [0x58] = 0x07, [0x5B] = 0x1F,
	[0x5C] = 0x27, [0x5D] = 0x2F,
};

/*
 * ASCII -> set 1 make code on a US keyboard, ASCII_SHIFT when the character
 * needs Shift. 0 = no key.
 */
static const uint8_t kbd_ascii_keys[0x80] = {
	['\b'] = 0x0E, ['\t'] = 0x0F, ['\n'] = 0x1C, ['\r'] = 0x1C,
	[0x1B] = 0x01, [' '] = 0x39,
	['1'] = 0x02, ['2'] = 0x03, ['3'] = 0x04, ['4'] = 0x05, ['5'] = 0x06,
	['6'] = 0x07, ['7'] = 0x08, ['8'] = 0x09, ['9'] = 0x0A, ['0'] = 0x0B,
	['!'] = 0x82, ['@'] = 0x83, ['#'] = 0x84, ['$'] = 0x85, ['%'] = 0x86,
	['^'] = 0x87, ['&'] = 0x88, ['*'] = 0x89, ['('] = 0x8A, [')'] = 0x8B,
	['-'] = 0x0C, ['_'] = 0x8C, ['='] = 0x0D, ['+'] = 0x8D,
	['['] = 0x1A, ['{'] = 0x9A, [']'] = 0x1B, ['}'] = 0x9B,
	[';'] = 0x27, [':'] = 0xA7, ['\''] = 0x28, ['"'] = 0xA8,
	['`'] = 0x29, ['~'] = 0xA9, ['\\'] = 0x2B, ['|'] = 0xAB,
	[','] = 0x33, ['<'] = 0xB3, ['.'] = 0x34, ['>'] = 0xB4,
	['/'] = 0x35, ['?'] = 0xB5,
	['a'] = 0x1E, ['b'] = 0x30, ['c'] = 0x2E, ['d'] = 0x20, ['e'] = 0x12,
	['f'] = 0x21, ['g'] = 0x22, ['h'] = 0x23, ['i'] = 0x17, ['j'] = 0x24,
	['k'] = 0x25, ['l'] = 0x26, ['m'] = 0x32, ['n'] = 0x31, ['o'] = 0x18,
	['p'] = 0x19, ['q'] = 0x10, ['r'] = 0x13, ['s'] = 0x1F, ['t'] = 0x14,
	['u'] = 0x16, ['v'] = 0x2F, ['w'] = 0x11, ['x'] = 0x2D, ['y'] = 0x15,
	['z'] = 0x2C,
	['A'] = 0x9E, ['B'] = 0xB0, ['C'] = 0xAE, ['D'] = 0xA0, ['E'] = 0x92,
	['F'] = 0xA1, ['G'] = 0xA2, ['H'] = 0xA3, ['I'] = 0x97, ['J'] = 0xA4,
	['K'] = 0xA5, ['L'] = 0xA6, ['M'] = 0xB2, ['N'] = 0xB1, ['O'] = 0x98,
	['P'] = 0x99, ['Q'] = 0x90, ['R'] = 0x93, ['S'] = 0x9F, ['T'] = 0x94,
	['U'] = 0x96, ['V'] = 0xAF, ['W'] = 0x91, ['X'] = 0xAD, ['Y'] = 0x95,
	['Z'] = 0xAC,
};

enum { KEY_LSHIFT = 0x2A, KEY_LCTRL = 0x1D };

/* ---- small byte queues ---- */

static void fifo_clear(struct kbd_fifo *f)
{
	f->head = 0;
	f->len = 0;
}

/* A full queue drops the new byte: only a guest that never reads gets here. */
static void fifo_push(struct kbd_fifo *f, uint16_t v)
{
	if (f->len == KBD_FIFO_LEN)
		return;
	f->buf[(f->head + f->len) % KBD_FIFO_LEN] = v;
	f->len++;
}

static bool fifo_pop(struct kbd_fifo *f, uint16_t *v)
{
	if (f->len == 0)
		return false;
	*v = f->buf[f->head];
	f->head = (uint8_t)((f->head + 1) % KBD_FIFO_LEN);
	f->len--;
	return true;
}

/* ---- output buffer ---- */

static bool xlat_on(const struct kbd *k)
{
	return (k->ram[0] & KBD_CB_XLAT) != 0;
}

static bool kbd_held_back(const struct kbd *k)
{
	return (k->ram[0] & KBD_CB_DISABLE_KBD) || k->kbd_param != 0;
}

/* Expand one key event into the bytes the guest sees (kbd.h "Scan codes"). */
static void stage_event(struct kbd *k, struct kbd_event e)
{
	bool ext = e.flags & EV_EXTENDED;
	bool pressed = e.flags & EV_PRESSED;
	uint8_t n = 0;

	if (xlat_on(k)) {
		if (ext)
			k->stage[n++] = PREFIX_E0;
		k->stage[n++] = (uint8_t)(pressed ? e.code : e.code | 0x80);
	} else {
		uint8_t c2 = kbd_set1_to_set2[e.code];
		if (c2 == 0)
			return;
		if (ext)
			k->stage[n++] = PREFIX_E0;
		if (!pressed)
			k->stage[n++] = SET2_BREAK;
		k->stage[n++] = c2;
	}
	k->stage_len = n;
	k->stage_pos = 0;
}

static bool next_key_byte(struct kbd *k, uint8_t *v)
{
	while (k->stage_pos == k->stage_len && k->q_len > 0) {
		struct kbd_event e = k->queue[k->q_head];
		k->q_head = (uint16_t)((k->q_head + 1) % KBD_KEY_QUEUE);
		k->q_len--;
		k->stage_len = k->stage_pos = 0;
		stage_event(k, e);
	}
	if (k->stage_pos == k->stage_len)
		return false;
	*v = k->stage[k->stage_pos++];
	return true;
}

static void ob_load(struct kbd *k, uint8_t v, bool aux)
{
	k->ob = v;
	k->obf = true;
	k->ob_aux = aux;
}

/* Fill an empty output buffer from the highest-priority source. */
static void kbd_pump(struct kbd *k)
{
	uint16_t w;
	uint8_t v;

	if (k->obf)
		return;
	if (fifo_pop(&k->ctl_out, &w)) {
		ob_load(k, (uint8_t)w, (w & FIFO_AUX) != 0);
		return;
	}
	/* Aux bytes travel their own serial line (the same pacing). */
	if (k->aux_gap_ns == 0 && !(k->ram[0] & KBD_CB_DISABLE_AUX) && ps2mouse_pop(&k->aux, &v)) {
		ob_load(k, v, true);
		k->aux_gap_ns = KBD_BYTE_GAP_NS;
		return;
	}
	if (k->gap_ns > 0)
		return;
	if (fifo_pop(&k->replies, &w)) {
		k->last_sent = (uint8_t)w;
		ob_load(k, (uint8_t)w, false);
		return;
	}
	if (kbd_held_back(k))
		return;
	if (next_key_byte(k, &v)) {
		k->last_sent = v;
		ob_load(k, v, false);
	}
}

/* ---- keyboard ---- */

static void kbd_clear_buffer(struct kbd *k)
{
	k->q_head = k->q_len = 0;
	k->stage_len = k->stage_pos = 0;
}

static void kbd_defaults(struct kbd *k)
{
	k->leds = 0;
	k->typematic = TYPEMATIC_DEFAULT;
	k->scan_set = 2;
	k->kbd_param = 0;
	kbd_clear_buffer(k);
}

static void kbd_reply(struct kbd *k, uint8_t v)
{
	fifo_push(&k->replies, v);
}

/* A keyboard command byte (kbd.h "Keyboard commands"). */
static void kbd_command(struct kbd *k, uint8_t v)
{
	switch (v) {
	case KC_SET_LEDS:
	case KC_TYPEMATIC:
	case KC_SCAN_SET:
		kbd_reply(k, KB_ACK);
		k->kbd_param = v;
		break;
	case KC_ECHO:
		kbd_reply(k, KB_ECHO);
		break;
	case KC_IDENTIFY:
		kbd_reply(k, KB_ACK);
		kbd_reply(k, KB_ID1);
		kbd_reply(k, xlat_on(k) ? KB_ID2_XLAT : KB_ID2);
		break;
	case KC_ENABLE:
		kbd_clear_buffer(k);
		k->scanning = true;
		kbd_reply(k, KB_ACK);
		break;
	case KC_DEFAULT_DISABLE:
		kbd_defaults(k);
		k->scanning = false;
		kbd_reply(k, KB_ACK);
		break;
	case KC_SET_DEFAULT:
		kbd_defaults(k);
		k->scanning = true;
		kbd_reply(k, KB_ACK);
		break;
	case KC_RESEND:
		kbd_reply(k, k->last_sent);
		break;
	case KC_RESET:
		kbd_defaults(k);
		k->scanning = true;
		fifo_clear(&k->replies);
		kbd_reply(k, KB_ACK);
		kbd_reply(k, KB_BAT_OK);
		break;
	default:
		if (v >= KC_SET3_FIRST && v <= KC_SET3_LAST)
			kbd_reply(k, KB_ACK);
		else
			kbd_reply(k, KB_RESEND);
		break;
	}
}

/* Set-number reply to F0 00, after translation when XLAT is on. */
static uint8_t scan_set_reply(const struct kbd *k)
{
	static const uint8_t translated[4] = { 0x00, 0x43, 0x41, 0x3F };

	return xlat_on(k) ? translated[k->scan_set & 3] : k->scan_set;
}

/* A byte sent to the keyboard through port 60h. */
static void kbd_receive(struct kbd *k, uint8_t v)
{
	uint8_t cmd = k->kbd_param;

	if (cmd == 0 || (v & 0x80)) {
		k->kbd_param = 0;
		kbd_command(k, v);
		return;
	}
	k->kbd_param = 0;
	switch (cmd) {
	case KC_SET_LEDS:
		k->leds = v & 0x07;
		kbd_reply(k, KB_ACK);
		break;
	case KC_TYPEMATIC:
		k->typematic = v;
		kbd_reply(k, KB_ACK);
		break;
	default: /* KC_SCAN_SET */
		if (v == 0) {
			kbd_reply(k, KB_ACK);
			kbd_reply(k, scan_set_reply(k));
		} else if (v <= 3) {
			k->scan_set = v;
			kbd_reply(k, KB_ACK);
		} else {
			kbd_reply(k, KB_RESEND);
		}
		break;
	}
}

/* ---- controller ---- */

static void ctl_reply(struct kbd *k, uint8_t v)
{
	fifo_push(&k->ctl_out, v);
}

static uint8_t out_port_read(const struct kbd *k)
{
	uint8_t v = (uint8_t)(k->out_port & ~(OUT_IRQ1 | OUT_IBE));

	if (kbd_irq1(k))
		v |= OUT_IRQ1;
	return (uint8_t)(v | OUT_IBE);
}

static void out_port_write(struct kbd *k, uint8_t v)
{
	if (!(v & OUT_RESET))
		k->reset_req = true;
	/* The reset line reads back high: the pulse reset the CPU, not us. */
	k->out_port = (uint8_t)(v | OUT_RESET);
}

/* The data byte of a controller command that takes one. */
static void ctl_param(struct kbd *k, uint8_t cmd, uint8_t v)
{
	if (cmd >= 0x60 && cmd <= 0x7F) {
		k->ram[cmd & 0x1F] = v;
		return;
	}
	switch (cmd) {
	case 0xD1:
		out_port_write(k, v);
		break;
	case 0xD2:
		fifo_push(&k->ctl_out, v);
		break;
	case 0xD3:
		fifo_push(&k->ctl_out, (uint16_t)(v | FIFO_AUX));
		break;
	default: /* 0xD4: to the PS/2 mouse */
		ps2mouse_command(&k->aux, v);
		break;
	}
}

static void ctl_command(struct kbd *k, uint8_t c)
{
	k->ctl_param = 0;
	k->timeout = false;
	if (c >= 0x20 && c <= 0x3F) {
		ctl_reply(k, k->ram[c & 0x1F]);
		return;
	}
	if ((c >= 0x60 && c <= 0x7F) || (c >= 0xD1 && c <= 0xD4)) {
		k->ctl_param = c;
		return;
	}
	if (c >= 0xF0) {
		if (!(c & OUT_RESET))
			k->reset_req = true;
		return;
	}
	switch (c) {
	case 0xA4:
		ctl_reply(k, 0xF1);
		break;
	case 0xA7:
		k->ram[0] |= KBD_CB_DISABLE_AUX;
		break;
	case 0xA8:
		k->ram[0] &= (uint8_t)~KBD_CB_DISABLE_AUX;
		break;
	case 0xA9:
	case 0xAB:
		ctl_reply(k, 0x00);
		break;
	case 0xAA:
		ctl_reply(k, 0x55);
		break;
	case 0xAD:
		k->ram[0] |= KBD_CB_DISABLE_KBD;
		break;
	case 0xAE:
		k->ram[0] &= (uint8_t)~KBD_CB_DISABLE_KBD;
		break;
	case 0xC0:
		ctl_reply(k, k->in_port);
		break;
	case 0xD0:
		ctl_reply(k, out_port_read(k));
		break;
	case 0xDD:
		k->out_port &= (uint8_t)~OUT_A20;
		break;
	case 0xDF:
		k->out_port |= OUT_A20;
		break;
	default:
		break;
	}
}

/* ---- public API ---- */

void kbd_init(struct kbd *k)
{
	memset(k, 0, sizeof(*k));
	ps2mouse_init(&k->aux);
	k->ram[0] = CMD_BYTE_POST;
	k->out_port = OUT_PORT_POST;
	k->in_port = IN_PORT_POST;
	k->scanning = true;
	kbd_defaults(k);
}

uint8_t kbd_read(struct kbd *k, uint16_t port)
{
	uint8_t v;

	switch (port) {
	case KBD_DATA_PORT:
		v = k->ob;
		if (k->obf) {
			k->obf = false;
			k->gap_ns = KBD_BYTE_GAP_NS;
			kbd_pump(k);
		}
		return v;
	case KBD_STATUS_PORT:
		v = KBD_ST_UNLOCKED;
		if (k->obf)
			v |= KBD_ST_OBF;
		if (k->obf && k->ob_aux)
			v |= KBD_ST_AOBF;
		if (k->ram[0] & KBD_CB_SYS)
			v |= KBD_ST_SYS;
		if (k->last_was_cmd)
			v |= KBD_ST_CMD;
		if (k->timeout)
			v |= KBD_ST_TIMEOUT;
		return v;
	default:
		return 0xFF;
	}
}

void kbd_write(struct kbd *k, uint16_t port, uint8_t v)
{
	switch (port) {
	case KBD_DATA_PORT: {
		uint8_t cmd = k->ctl_param;
		k->last_was_cmd = false;
		k->timeout = false;
		if (cmd != 0) {
			k->ctl_param = 0;
			ctl_param(k, cmd, v);
		} else {
			kbd_receive(k, v);
		}
		break;
	}
	case KBD_STATUS_PORT:
		k->last_was_cmd = true;
		ctl_command(k, v);
		break;
	default:
		return;
	}
	kbd_pump(k);
}

void kbd_advance(struct kbd *k, uint64_t ns)
{
	k->gap_ns = ns >= k->gap_ns ? 0 : k->gap_ns - ns;
	k->aux_gap_ns = ns >= k->aux_gap_ns ? 0 : k->aux_gap_ns - ns;
	kbd_pump(k);
}

uint64_t kbd_pending_ns(const struct kbd *k)
{
	bool keys = k->stage_pos < k->stage_len || k->q_len > 0;

	if (k->obf)
		return UINT64_MAX;
	if (k->ctl_out.len > 0)
		return 0;
	if (ps2mouse_pending(&k->aux) && !(k->ram[0] & KBD_CB_DISABLE_AUX) &&
	    (k->aux_gap_ns <= k->gap_ns || !(k->replies.len > 0 || (keys && !kbd_held_back(k)))))
		return k->aux_gap_ns;
	if (k->replies.len > 0 || (keys && !kbd_held_back(k)))
		return k->gap_ns;
	return UINT64_MAX;
}

bool kbd_irq1(const struct kbd *k)
{
	return k->obf && !k->ob_aux && (k->ram[0] & KBD_CB_INT);
}

bool kbd_irq12(const struct kbd *k)
{
	return k->obf && k->ob_aux && (k->ram[0] & KBD_CB_INT2);
}

static void queue_push(struct kbd *k, uint8_t code, bool extended, bool pressed)
{
	struct kbd_event e = {
		.code = code,
		.flags = (uint8_t)((extended ? EV_EXTENDED : 0) | (pressed ? EV_PRESSED : 0)),
	};

	k->queue[(k->q_head + k->q_len) % KBD_KEY_QUEUE] = e;
	k->q_len++;
}

int kbd_key(struct kbd *k, uint8_t make_code, bool extended, bool pressed)
{
	if (make_code == 0 || make_code >= 0x80)
		return -EINVAL;
	if (!k->scanning)
		return 0;
	if (k->q_len == KBD_KEY_QUEUE)
		return -ENOSPC;
	queue_push(k, make_code, extended, pressed);
	kbd_pump(k);
	return 0;
}

/* How a character is typed: its key (with Shift), Ctrl + a letter (01h-
 * 1Ah with no key of their own), or Alt + its decimal code on the keypad.
 * Returns the key events it takes. */
static size_t char_events(unsigned char c)
{
	if (c < 0x80 && kbd_ascii_keys[c])
		return (kbd_ascii_keys[c] & ASCII_SHIFT) ? 4 : 2;
	if (c >= 0x01 && c <= 0x1A)
		return 4;
	uint8_t digits[3];
	return 2 + 2 * keypad_code_keys(c, digits);
}

static void push_stroke(struct kbd *k, uint8_t mod, uint8_t code)
{
	if (mod)
		queue_push(k, mod, false, true);
	queue_push(k, code, false, true);
	queue_push(k, code, false, false);
	if (mod)
		queue_push(k, mod, false, false);
}

static void push_char(struct kbd *k, unsigned char c)
{
	if (c < 0x80 && kbd_ascii_keys[c]) {
		uint8_t key = kbd_ascii_keys[c];
		push_stroke(k, (key & ASCII_SHIFT) ? KEY_LSHIFT : 0, key & 0x7F);
		return;
	}
	if (c >= 0x01 && c <= 0x1A) {
		push_stroke(k, KEY_LCTRL, kbd_ascii_keys['a' + c - 1]);
		return;
	}
	uint8_t digits[3];
	unsigned n = keypad_code_keys(c, digits);
	queue_push(k, KEYPAD_ALT_MAKE, false, true);
	for (unsigned i = 0; i < n; i++) {
		queue_push(k, digits[i], false, true);
		queue_push(k, digits[i], false, false);
	}
	queue_push(k, KEYPAD_ALT_MAKE, false, false);
}

int kbd_type_text(struct kbd *k, const char *text)
{
	size_t events = 0;

	for (const char *p = text; *p; p++)
		events += char_events((unsigned char)*p);
	if (!k->scanning)
		return 0;
	if (events > (size_t)(KBD_KEY_QUEUE - k->q_len))
		return -ENOSPC;
	for (const char *p = text; *p; p++)
		push_char(k, (unsigned char)*p);
	kbd_pump(k);
	return 0;
}

unsigned kbd_queued(const struct kbd *k)
{
	return k->q_len;
}

bool kbd_a20(const struct kbd *k)
{
	return (k->out_port & OUT_A20) != 0;
}

bool kbd_reset_requested(struct kbd *k)
{
	bool r = k->reset_req;

	k->reset_req = false;
	return r;
}

uint8_t kbd_leds(const struct kbd *k)
{
	return k->leds;
}

bool kbd_scanning(const struct kbd *k)
{
	return k->scanning;
}

void kbd_mouse(struct kbd *k, int dx, int dy, unsigned buttons)
{
	ps2mouse_move(&k->aux, dx, dy, buttons);
	kbd_pump(k);
}

void kbd_set_input_port(struct kbd *k, uint8_t v)
{
	k->in_port = v;
}
