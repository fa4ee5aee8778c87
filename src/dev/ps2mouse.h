/*
 * ps2mouse.h - a PS/2 mouse on the 8042's auxiliary port, as a pure
 * device model (kbd.c owns it). Sources: the IBM PS/2 Hardware Interface
 * Technical Reference, "Keyboard and Auxiliary Device Controller" and
 * "Pointing Device" (commands, the 3-byte packet).
 *
 * Commands (bytes the system sends with 8042 command D4h), each answered
 * with FAh (acknowledge) first:
 *   FFh reset: FA AA 00, defaults, reporting off   FEh resend the last byte
 *   F6h defaults (100/s, 4 counts/mm, 1:1, off)    F5h reporting off
 *   F4h reporting on (stream mode)                 F3h r: sample rate
 *   F2h identify: FA 00                            F0h remote mode
 *   EEh/ECh wrap mode on/off (stored)              EBh read data: a packet
 *   EAh stream mode   E9h status: FA s r rate      E8h r: resolution
 *   E7h/E6h scaling 2:1 / 1:1                      others: FEh
 * Packet: byte 0 = buttons (bit 0 left, 1 right, 2 middle), bit 3 always
 * 1, bits 4/5 the X/Y sign, 6/7 overflow; bytes 1, 2 = X, Y (Y up).
 */
#ifndef MVDM_DEV_PS2MOUSE_H
#define MVDM_DEV_PS2MOUSE_H

#include <stdbool.h>
#include <stdint.h>

enum { PS2M_QUEUE = 48 };

struct ps2mouse {
	uint8_t q[PS2M_QUEUE];    /* bytes for the 8042 */
	uint8_t q_head, q_len;
	uint8_t param_cmd;        /* F3h/E8h waiting for its parameter */
	bool reporting, remote, wrap, scale21;
	uint8_t rate, resolution, last_sent;
	int dx, dy;               /* motion not yet sent */
	unsigned buttons;
};

void ps2mouse_init(struct ps2mouse *m);
/* A byte from the system (8042 command D4h). */
void ps2mouse_command(struct ps2mouse *m, uint8_t v);
/* Host motion (mickeys; +y down) and buttons: packets when reporting. */
void ps2mouse_move(struct ps2mouse *m, int dx, int dy, unsigned buttons);
/* The next byte for the 8042, if any. */
bool ps2mouse_pop(struct ps2mouse *m, uint8_t *v);
bool ps2mouse_pending(const struct ps2mouse *m);

#endif
