/*
 * keyboard.c - the host half of INT 09h: turn scan codes (set 1, from port
 * 60h) into BIOS keystrokes in the keyboard buffer and keep the shift flags,
 * as the PC AT BIOS does (IBM PC AT Technical Reference; RBIL INT 09h and
 * INT 16h: buffer 40:1Eh-3Dh with head 40:1Ah, tail 40:1Ch, bounds 40:80h/
 * 40:82h; shift flags 40:17h/40:18h; E0 prefix flag in 40:96h bit 1).
 * A keystroke is scan code << 8 | ASCII (ASCII 0 for function keys; Alt
 * combinations give ASCII 0 too). Alt held while digits are typed on the
 * numeric keypad enters that decimal character code (mod 256): scan code
 * 0, stored when Alt is released (the work byte is 40:19h, RBIL MEMORY.LST).
 * The ROM's INT 16h reports finding no key (SVC 0Eh for a peek, 0Fh for a
 * read about to wait): the monitor's idle detector counts the peeks, and
 * vm16_key_wanted() tells the host a key is wanted.
 */
#include <string.h>

#include "bios/bios.h"
#include "vm/vm_internal.h"

#define BDA(vm, off) ((vm)->ram + 0x400 + (off))

enum {
	KF_RSHIFT = 0x01, KF_LSHIFT = 0x02, KF_CTRL = 0x04, KF_ALT = 0x08,
	KF_SCROLL = 0x10, KF_NUM = 0x20, KF_CAPS = 0x40, KF_INSERT = 0x80,
};

/* Printable keys of a US keyboard: unshifted and shifted ASCII by scan code. */
static const char plain[0x3A] = {
	[0x02] = '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=',
	[0x10] = 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']',
	[0x1E] = 'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`',
	[0x2B] = '\\', 'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/',
	[0x37] = '*', [0x39] = ' ',
};
static const char shifted[0x3A] = {
	[0x02] = '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+',
	[0x10] = 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}',
	[0x1E] = 'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~',
	[0x2B] = '|', 'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?',
	[0x37] = '*', [0x39] = ' ',
};

static void buffer_put(struct vm *vm, uint16_t key)
{
	uint8_t *bda = BDA(vm, 0);
	uint16_t head = (uint16_t)(bda[0x1A] | bda[0x1B] << 8), tail = (uint16_t)(bda[0x1C] | bda[0x1D] << 8);
	uint16_t start = (uint16_t)(bda[0x80] | bda[0x81] << 8), end = (uint16_t)(bda[0x82] | bda[0x83] << 8);
	uint16_t next = (uint16_t)(tail + 2 >= end ? start : tail + 2);
	if (next == head || tail < 0x1E || tail > 0xFE)
		return; /* full (a real BIOS beeps) or corrupted by the guest */
	vm->ram[0x400 + tail] = (uint8_t)key;
	vm->ram[0x400 + tail + 1] = (uint8_t)(key >> 8);
	bda[0x1C] = (uint8_t)next;
	bda[0x1D] = (uint8_t)(next >> 8);
	cpu_mem_written(&vm->cpu, 0x400, 0x100);
}

/* The keystroke for a make code with the current shift state, or 0. */
static uint16_t translate(uint8_t scan, uint8_t flags)
{
	bool shift = flags & (KF_LSHIFT | KF_RSHIFT), ctrl = flags & KF_CTRL, alt = flags & KF_ALT;
	if (scan < sizeof(plain) && plain[scan]) {
		char ch = plain[scan];
		bool letter = ch >= 'a' && ch <= 'z';
		if (alt)
			return (uint16_t)(scan << 8);
		if (ctrl) {
			if (letter)
				return (uint16_t)(scan << 8 | (ch - 'a' + 1));
			if (ch == '[' || ch == '\\' || ch == ']')
				return (uint16_t)(scan << 8 | (ch - '[' + 0x1B));
			if (ch == '-')
				return (uint16_t)(scan << 8 | 0x1F);
			return ch == '2' ? 0x0300 : ch == '6' ? 0x071E : 0;
		}
		bool upper = shift ^ (letter && (flags & KF_CAPS));
		return (uint16_t)(scan << 8 | (uint8_t)(upper ? shifted[scan] : ch));
	}
	switch (scan) {
	case 0x01: return alt ? 0x0100 : 0x011B;                                  /* Esc */
	case 0x0E: return alt ? 0x0E00 : ctrl ? 0x0E7F : 0x0E08;                  /* Backspace */
	case 0x0F: return alt ? 0xA500 : ctrl ? 0x9400 : shift ? 0x0F00 : 0x0F09; /* Tab */
	case 0x1C: return alt ? 0xA600 : ctrl ? 0x1C0A : 0x1C0D;                  /* Enter */
	default: break;
	}
	if (scan >= 0x3B && scan <= 0x44) { /* F1-F10 */
		unsigned base = alt ? 0x68 : ctrl ? 0x5E : shift ? 0x54 : 0x3B;
		return (uint16_t)((base + scan - 0x3B) << 8);
	}
	if (scan == 0x57 || scan == 0x58) /* F11, F12 */
		return (uint16_t)((scan == 0x57 ? 0x85 : 0x86) + (alt ? 6 : ctrl ? 4 : shift ? 2 : 0)) << 8;
	if (scan >= 0x47 && scan <= 0x53) { /* keypad and cursor keys */
		static const char digits[] = "789-456+1230.";
		char d = digits[scan - 0x47];
		if (d == '-' || d == '+')
			return (uint16_t)(scan << 8 | (uint8_t)d);
		if (((flags & KF_NUM) != 0) ^ shift)
			return (uint16_t)(scan << 8 | (uint8_t)d);
		return (uint16_t)(scan << 8);
	}
	return 0;
}

/* The digit of a keypad key (make code), or -1. */
static int keypad_digit(uint8_t scan)
{
	static const int8_t digits[0x53 - 0x47 + 1] = { 7, 8, 9, -1, 4, 5, 6, -1, 1, 2, 3, 0, -1 };
	return scan >= 0x47 && scan <= 0x53 ? digits[scan - 0x47] : -1;
}

/* SVC 0Eh/0Fh: INT 16h found the buffer empty. */
static int key_peek_svc(struct vm *vm, void *ctx, uint8_t n)
{
	(void)ctx;
	(void)n;
	vm_key_want(vm, VM16_KEY_PEEKED);
	vm_idle_poll(vm);
	return 0;
}

static int key_wait_svc(struct vm *vm, void *ctx, uint8_t n)
{
	(void)ctx;
	(void)n;
	vm_key_want(vm, VM16_KEY_WAITING);
	return 0;
}

/* SVC: AL = a byte read from port 60h by the ROM's INT 09h. */
static int kbd_svc(struct vm *vm, void *ctx, uint8_t n)
{
	(void)ctx;
	(void)n;
	uint8_t code = vm->cpu.r[REG_AX].b[0];
	uint8_t *flags = BDA(vm, 0x17), *flags2 = BDA(vm, 0x18), *ext = BDA(vm, 0x96);
	if (code == 0xE0) {
		*ext |= 0x02;
		return 0;
	}
	bool extended = *ext & 0x02, release = code & 0x80;
	*ext &= (uint8_t)~0x02;
	uint8_t scan = code & 0x7F;
	uint8_t bit = 0;
	switch (scan) {
	case 0x2A: bit = extended ? 0 : KF_LSHIFT; break; /* E0 2A is a fake shift */
	case 0x36: bit = extended ? 0 : KF_RSHIFT; break;
	case 0x1D: bit = KF_CTRL; break;
	case 0x38: bit = KF_ALT; break;
	default: break;
	}
	uint8_t *alt_code = BDA(vm, 0x19);
	if (bit) {
		*flags = release ? (uint8_t)(*flags & ~bit) : (uint8_t)(*flags | bit);
		if (bit == KF_ALT && !release)
			*alt_code = 0;
		if (bit == KF_ALT && release && *alt_code) {
			buffer_put(vm, *alt_code); /* Alt + keypad code: scan code 0 */
			*alt_code = 0;
		}
		return 0;
	}
	int digit = keypad_digit(scan);
	if (digit >= 0 && !extended && (*flags & KF_ALT) && !(*flags & KF_CTRL)) {
		if (!release)
			*alt_code = (uint8_t)(*alt_code * 10 + digit);
		return 0;
	}
	if (scan == 0x2A || scan == 0x36)
		return 0;
	static const uint8_t locks[][2] = { { 0x3A, KF_CAPS }, { 0x45, KF_NUM }, { 0x46, KF_SCROLL }, { 0x52, KF_INSERT } };
	for (size_t k = 0; k < sizeof(locks) / sizeof(locks[0]); k++) {
		if (scan == locks[k][0] && !(scan == 0x52 && (*flags & KF_NUM) && !extended)) {
			uint8_t held = (uint8_t)(locks[k][1] >> 4);
			if (release) {
				*flags2 &= (uint8_t)~held;
			} else if (!(*flags2 & held)) { /* toggle once per press, not on repeat */
				*flags2 |= held;
				*flags ^= locks[k][1];
			}
			if (scan != 0x52)
				return 0;
		}
	}
	if (release)
		return 0;
	uint16_t key;
	if (extended && scan >= 0x47 && scan <= 0x53)
		key = (uint16_t)(scan << 8 | 0xE0); /* grey cursor keys (AH=10h form) */
	else if (extended && scan == 0x1C)
		key = 0xE00D; /* keypad Enter */
	else if (extended && scan == 0x35)
		key = 0xE02F; /* keypad / */
	else
		key = translate(scan, *flags);
	/* INT 16h AH=00h reports grey keys as their plain forms (ASCII 0). */
	if ((key & 0xFF) == 0xE0 && key >> 8 != 0xE0)
		key &= 0xFF00;
	if (key)
		buffer_put(vm, key);
	return 0;
}

void bios_keyboard_install(struct vm *vm)
{
	uint8_t *bda = BDA(vm, 0);
	/* Empty buffer at 40:1Eh-3Dh. */
	bda[0x1A] = bda[0x1C] = 0x1E;
	bda[0x1B] = bda[0x1D] = 0x00;
	bda[0x80] = 0x1E;
	bda[0x81] = 0x00;
	bda[0x82] = 0x3E;
	bda[0x83] = 0x00;
	bda[0x17] = 0;          /* no shift state; Num Lock off */
	bda[0x96] = 0x10;       /* enhanced (101-key) keyboard installed */
	bda[0x19] = 0;          /* Alt + keypad entry */
	vm_set_svc_internal(vm, BIOS_SVC_KBD, kbd_svc, NULL);
	vm_set_svc_internal(vm, BIOS_SVC_KEY_PEEK, key_peek_svc, NULL);
	vm_set_svc_internal(vm, BIOS_SVC_KEY_WAIT, key_wait_svc, NULL);
}
