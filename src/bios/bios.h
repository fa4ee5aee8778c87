/* bios.h - the ROM BIOS of a VM (bios.asm + rom.c). */
#ifndef MVDM_BIOS_H
#define MVDM_BIOS_H

struct vm;

/* Copy the ROM to F000:0000, set every interrupt vector and the BIOS data
 * area. Called once when the VM is created. */
void bios_install(struct vm *vm);

#endif
