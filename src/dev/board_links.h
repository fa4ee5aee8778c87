/*
 * board_links.h - the wires between built-in devices, which the board
 * (src/board/pc.c) connects after it created them: devices never look
 * each other up or call each other; each offers or takes a link here.
 */
#ifndef MVDM_DEV_BOARD_LINKS_H
#define MVDM_DEV_BOARD_LINKS_H

#include <stdbool.h>
#include <stdint.h>

/* The timer channel that drives the speaker (PIT channel 2) as port 61h
 * sees it: its gate (bit 0), the status bits 5 (OUT2) and 4 (refresh
 * toggle, OUT1), and the square wave's frequency (0: not running). */
struct speaker_timer {
	void *inst;
	void (*set_gate)(void *inst, bool gate);
	uint8_t (*status_bits)(void *inst);
	uint32_t (*tone_hz)(void *inst);
};

/* vdd_pit.c: channel 2 as a speaker_timer (inst = the PIT VDD's instance). */
void vdd_pit_set_gate2(void *pit_inst, bool gate);
uint8_t vdd_pit_port61_bits(void *pit_inst);
uint32_t vdd_pit_tone_hz(void *pit_inst);
/* vdd_speaker.c */
void vdd_speaker_connect(void *speaker_inst, const struct speaker_timer *timer);
/* The PS/2 mouse on the keyboard controller's aux port, as the mouse
 * driver feeds it (vdd_kbd.c: vdd_kbd_aux_move). */
struct mouse_ps2 {
	void *inst;
	void (*move)(void *inst, int dx, int dy, unsigned buttons);
};
void vdd_kbd_aux_move(void *kbd_inst, int dx, int dy, unsigned buttons);
void vdd_mouse_connect(void *mouse_inst, const struct mouse_ps2 *ps2);

/* vdd_cmos.c: the equipment byte's display (the board knows the card). */
void vdd_cmos_set_mono(void *cmos_inst, bool mono);

#endif
