/*
 * hidkeys.h - USB HID keyboard usages (what SDL_Scancode numbers are:
 * USB HID Usage Tables, page 07h) to IBM PC AT scan code set 1 make codes,
 * as a pure function, so the window console's keyboard can be tested
 * without a display.
 */
#ifndef MVDM_CONSOLE_HIDKEYS_H
#define MVDM_CONSOLE_HIDKEYS_H

#include <stdbool.h>
#include <stdint.h>

/* The set 1 make code of HID usage `usage` and whether it is E0-prefixed;
 * false for a key the PC has not. */
bool hid_to_set1(unsigned usage, uint8_t *make, bool *extended);

#endif
