/* keypad.h - the numeric keypad of a PC keyboard, for Alt + keypad code
 * entry (a character typed as its decimal code while Alt is held: the
 * BIOS makes the character of it when Alt is released). IBM PC AT
 * Technical Reference, Keyboard "Scan Codes" (set 1); RBIL INT 09h. */
#ifndef MVDM_COMMON_KEYPAD_H
#define MVDM_COMMON_KEYPAD_H

#include <stdint.h>

enum { KEYPAD_ALT_MAKE = 0x38 /* left Alt */ };

/* Set 1 make code of the keypad key of digit d (0-9). */
static inline uint8_t keypad_make(unsigned d)
{
	static const uint8_t make[10] = { 0x52, 0x4F, 0x50, 0x51, 0x4B, 0x4C, 0x4D, 0x47, 0x48, 0x49 };
	return make[d % 10];
}

/* The keypad make codes of the decimal digits of ch (1-3 of them, no
 * leading zeros) into digits[]; returns how many. */
static inline unsigned keypad_code_keys(uint8_t ch, uint8_t digits[3])
{
	unsigned n = ch >= 100 ? 3 : ch >= 10 ? 2 : 1;
	for (unsigned k = n; k-- > 0; ch /= 10)
		digits[k] = keypad_make(ch % 10u);
	return n;
}

#endif
