/*
 * vga.h - VGA text modes: the text buffer in guest memory, the CRT
 * controller's cursor registers and the mode state the BIOS sets.
 *
 * Modes (IBM VGA Technical Reference; RBIL INT 10/AH=00h):
 *   00h/01h 40x25 colour, 02h/03h 80x25 colour (B800:0000), 07h 80x25
 *   monochrome (B000:0000); 80x50 is mode 03h with the 8x8 font (INT 10h
 *   AX=1112h). Each cell is a character byte and an attribute byte.
 * Ports: CRTC index/data at 3D4h/3D5h (3B4h/3B5h in monochrome), input
 * status 1 at 3DAh (3BAh): bit 0 display disabled, bit 3 vertical retrace,
 * toggled on each read so polling loops end. CRTC registers kept: 0Ah/0Bh
 * cursor start/end (bit 5 of 0Ah hides it), 0Ch/0Dh start address, 0Eh/0Fh
 * cursor location.
 */
#ifndef MVDM_DEV_VGA_H
#define MVDM_DEV_VGA_H

#include <stdbool.h>
#include <stdint.h>

struct vga {
	uint8_t mode;        /* BIOS video mode */
	uint8_t cols, rows;
	uint8_t char_height; /* 16 (25 rows) or 8 (50 rows) */
	bool mono;
	uint8_t crtc_index;
	uint8_t crtc[32];
	uint8_t status_toggle;
};

void vga_init(struct vga *v);
/* Set a text mode (00h-03h, 07h); returns false for modes it does not do. */
bool vga_set_mode(struct vga *v, uint8_t mode);
/* Switch 25/50 rows in the current colour text mode (8x16 / 8x8 font). */
void vga_set_rows(struct vga *v, uint8_t rows);
uint32_t vga_text_base(const struct vga *v);   /* linear address of the text buffer */
uint8_t vga_read(struct vga *v, uint16_t port);
void vga_write(struct vga *v, uint16_t port, uint8_t val);
/* Cursor as the CRTC has it: cell offset from the start of the buffer, and
 * the scan lines; hidden when start line bit 5 is set. */
uint16_t vga_cursor_offset(const struct vga *v);
void vga_set_cursor_offset(struct vga *v, uint16_t cell);
void vga_cursor_shape(const struct vga *v, uint8_t *start, uint8_t *end, bool *visible);
void vga_set_cursor_shape(struct vga *v, uint8_t start, uint8_t end);

#endif
