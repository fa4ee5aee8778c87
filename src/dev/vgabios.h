/*
 * vgabios.h - the video BIOS of the video VDD: its option ROM at C000:0000
 * (INT 10h entry, the ROM fonts, the VBE tables; the font pages are one
 * read-only copy that every VM maps) and the host half of INT
 * 10h. It drives the card as the IBM VGA BIOS does, through the registers
 * of dev/vga.h, and keeps the BIOS data area's video fields (segment 40h:
 * 49h mode, 4Ah columns, 4Ch page size, 4Eh page start, 50h cursor
 * positions of pages 0-7, 60h/61h cursor end/start, 62h active page, 63h
 * CRTC port, 65h/66h CGA mode and palette registers, 84h rows - 1, 85h
 * character height, 87h-8Ah EGA/VGA flags).
 */
#ifndef MVDM_DEV_VGABIOS_H
#define MVDM_DEV_VGABIOS_H

#include "dev/vga.h"

enum {
	VGABIOS_ROM_BASE = 0xC0000,
	VGABIOS_ROM_SIZE = 0x8000,  /* the ROM's size (its header); pages 0-3 are mapped */
	VGABIOS_ROM_PAGE = 0x1000,  /* page 0: per VM (the entry, the tables) */
	VGABIOS_FONT_PAGES = 0x3000,/* pages 1-3: the fonts, shared by all VMs (vga_rom_fonts) */
	/* Offsets in the ROM. */
	VGABIOS_ENTRY = 0x0100,   /* INT 10h: F4 n ~n CF */
	VGABIOS_STATIC = 0x0110,  /* AH=1Bh static functionality table (16 bytes) */
	VGABIOS_VBE_MODES = 0x0140, /* VBE mode list, FFFFh-terminated */
	VGABIOS_VBE_STRINGS = 0x0200,
	VGABIOS_FONT8 = 0x1000,
	VGABIOS_FONT14 = 0x1800,
	VGABIOS_FONT16 = 0x2600,
};

/* Builds the ROM, points INT 10h, 1Fh and 43h into it and sets the first
 * mode (POST). 0 or a negative errno. */
int vgabios_init(struct vga *v);
/* BIOS mode set as INT 10h AH=00h (bit 7: keep memory). */
void vgabios_set_mode(struct vga *v, uint8_t mode);
/* 25 or 50 rows in a colour text mode (8x16 or 8x8 font). */
void vgabios_set_rows(struct vga *v, unsigned rows);
/* Teletype on the active page (vm16_teletype, INT 10h AH=0Eh). */
void vgabios_teletype(struct vga *v, uint8_t ch);
/* The text screen for the host (vm16_screen): -1 in graphics modes. */
int vgabios_text_screen(struct vga *v, struct vm16_screen *s);

/* The fonts, as the ROM has them (8x8, 8x14, 8x16 at VGABIOS_FONT8... - 1000h). */
extern const uint8_t vga_rom_fonts[3 * 4096];
static inline const uint8_t *vgabios_rom_font(unsigned height)
{
	return vga_rom_fonts + (height == 8 ? 0 : height == 14 ? 0x800 : 0x1600);
}

/* vgabios.c helpers for the other INT 10h files. */
uint8_t vgabios_bda8(struct vga *v, unsigned off);
uint16_t vgabios_bda16(struct vga *v, unsigned off);
void vgabios_set_bda8(struct vga *v, unsigned off, uint8_t val);
void vgabios_set_bda16(struct vga *v, unsigned off, uint16_t val);

/* vgabios_pal.c: AH=10h (palette and DAC), AH=0Bh. */
void vgabios_palette(struct vga *v, struct vm16_regs *r);
void vgabios_cga_palette(struct vga *v, struct vm16_regs *r);
/* vgabios_font.c: AH=11h; font loading for mode sets. */
void vgabios_font(struct vga *v, struct vm16_regs *r);
void vgabios_load_rom_font(struct vga *v, unsigned height, unsigned block);
/* vgabios_state.c: AH=12h, 1Ah, 1Bh, 1Ch. */
void vgabios_alt_select(struct vga *v, struct vm16_regs *r);
void vgabios_dcc(struct vga *v, struct vm16_regs *r);
void vgabios_state_info(struct vga *v, struct vm16_regs *r);
void vgabios_save_restore(struct vga *v, struct vm16_regs *r);
/* vbe.c: AH=4Fh. */
void vbe_call(struct vga *v, struct vm16_regs *r);
int vbe_init_rom(struct vga *v);

/* Guest memory through ES:BX-style pointers. */
void vgabios_read(struct vga *v, uint16_t seg, uint16_t off, void *buf, size_t len);
void vgabios_write(struct vga *v, uint16_t seg, uint16_t off, const void *buf, size_t len);

#endif
