/* bios.h - the ROM BIOS of a VM (bios.asm + rom.c). */
#ifndef MVDM_BIOS_H
#define MVDM_BIOS_H

struct vm;

#include <stdint.h>

/* Supervisor calls used by the ROM (bios.asm): 10h-14h, and 0Eh/0Fh when
 * INT 16h finds no key (a peek, a read that waits: keyboard.c). */
enum {
	BIOS_SVC_KEY_PEEK = 0x0E,
	BIOS_SVC_KEY_WAIT = 0x0F,
	BIOS_SVC_INT10 = 0x10,
	BIOS_SVC_KBD = 0x11,
	BIOS_SVC_INT15 = 0x12,
	BIOS_SVC_UNSUPPORTED = 0x13,
	BIOS_SVC_RESET = 0x14,
};

#include <stdbool.h>

/* Map the ROM at F000:0000, set every interrupt vector and the BIOS data
 * area, and register the BIOS's host services. Called once by the board
 * when the VM is created, before the VDDs. 0 or a negative errno. */
int bios_install(struct vm *vm);
/* POST, after the devices exist: what the BIOS data area takes from their
 * settings. */
int bios_post(struct vm *vm);
/* The display is monochrome (or absent): equipment bits 5-4 = 11b. */
bool bios_display_is_mono(const struct vm *vm);
/* 4 KiB pages the ROM image takes at F000:0000. */
unsigned bios_rom_pages(void);

/* INT 09h/16h host half (keyboard.c) and INT 15h (int15.c). */
void bios_keyboard_install(struct vm *vm);
void bios_int15_install(struct vm *vm);

/* INT 10h without a display (int10.c): teletype to the console tap. A
 * video card's ROM replaces the vector. */
void bios_int10_install(struct vm *vm);

#endif
