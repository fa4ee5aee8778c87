/*
 * kbd.h - the PC AT keyboard controller (Intel 8042 running the IBM
 * keyboard firmware) with a PC/AT (MF2) keyboard attached, as a pure device
 * model: no bus, no PIC, no host clock, no allocation. The owner embeds a
 * struct kbd, routes ports 60h/64h here, drives IRQ 1 (and IRQ 12) from
 * kbd_irq1()/kbd_irq12() after every call, advances virtual time with
 * kbd_advance(), honours kbd_a20() and kbd_reset_requested(), and injects
 * host keys with kbd_key()/kbd_type_text().
 *
 * Sources: IBM PC AT Technical Reference, System Board "Keyboard
 * Controller" (status register, command byte, controller commands, input
 * and output ports) and Keyboard "Commands from the System" / "Commands to
 * the System"; the 8042 command set as publicly documented for AT and PS/2
 * compatible controllers; scan code sets 1 and 2 and the 8042 set 2 to set 1
 * translation as tables of facts.
 *
 * Register map
 * ------------
 *   Port  Dir  Function
 *   60h   R    output buffer: a scan code, a keyboard reply or a controller
 *              reply. Reading clears OBF; with OBF clear it returns the last
 *              byte again (the register keeps its value).
 *   60h   W    data: the parameter of a pending controller command (60h-7Fh,
 *              D1h-D4h), else a byte sent to the keyboard (commands below)
 *   64h   R    status register
 *   64h   W    controller command
 *
 *   Status (64h read)
 *     bit 0 OBF   output buffer full (port 60h has a byte to read)
 *     bit 1 IBF   input buffer full: always 0, writes are taken at once
 *     bit 2 SYS   system flag, a copy of command byte bit 2 (set by POST)
 *     bit 3 A2    1 = the last write went to 64h (command), 0 = to 60h
 *     bit 4 INH   1 = keyboard not inhibited by the keylock (always 1)
 *     bit 5 AOBF  the output buffer holds auxiliary-device data (PS/2)
 *     bit 6 TO    time-out: a byte sent to the absent aux device (D4h);
 *                 cleared by the next write to 60h or 64h
 *     bit 7 PERR  parity error: always 0
 *
 *   Command byte (controller RAM byte 0; 20h reads, 60h writes)
 *     bit 0 INT   IRQ 1 when the controller fills the output buffer
 *     bit 1 INT2  IRQ 12 for auxiliary data (PS/2)
 *     bit 2 SYS   system flag
 *     bit 3       (AT: override keylock inhibit) stored only
 *     bit 4 EN    1 = keyboard interface disabled (AD/AE set and clear it)
 *     bit 5 EN2   1 = aux interface disabled (A7/A8); no aux device exists
 *     bit 6 XLAT  translate the keyboard's set 2 codes to set 1
 *     bit 7       reserved, stored
 *   After POST (kbd_init): 45h = XLAT | SYS | INT.
 *
 *   Controller commands (64h write)
 *     20h-3Fh  read controller RAM byte (cmd & 1Fh); 20h = command byte
 *     60h-7Fh  write RAM byte (cmd & 1Fh) with the next 60h data byte
 *     A4h      password installed? -> F1h (no)
 *     A7h/A8h  disable/enable aux interface (command byte bit 5)
 *     A9h      aux interface test -> 00h (lines idle high: no device)
 *     AAh      controller self test -> 55h
 *     ABh      keyboard interface test -> 00h
 *     ADh/AEh  disable/enable keyboard interface (command byte bit 4)
 *     C0h      read input port -> bit 7 keylock off, bit 6 0 = colour
 *              primary display, bit 5 no manufacturing jumper, bit 4
 *              512 KiB on the system board: B0h unless kbd_set_input_port()
 *     D0h      read output port: bit 0 reset (1), bit 1 A20 gate, bit 4
 *              IRQ 1 level (output buffer full), bit 5 input buffer empty
 *              (1), bits 2-3 and 6-7 as last written (power-on DFh)
 *     D1h      write output port (next data byte): bit 1 sets A20, bit 0
 *              = 0 pulses the CPU reset line
 *     D2h      next data byte enters the output buffer as keyboard data
 *     D3h      next data byte enters the output buffer as aux data
 *     D4h      next data byte goes to the aux device (the PS/2 mouse,
 *              ps2mouse.h); its answers arrive as aux data (AOBF, IRQ 12)
 *              while the aux interface is enabled
 *     DDh/DFh  A20 off/on (HP Vectra style: the output port value itself)
 *     F0h-FFh  pulse output port bits 3-0 low where the command bit is 0:
 *              bit 0 resets the CPU (FEh is the usual one); pulses of
 *              bits 1-3 are not modelled (A20 keeps its level)
 *   Other commands are ignored, as the controller does with undefined ones.
 *
 *   Keyboard commands (60h write with no controller parameter pending)
 *     EDh + b  set LEDs (b bit 0 Scroll, 1 Num, 2 Caps): FA, FA
 *     EEh      echo: EE
 *     F0h + s  scan code set: s = 0 reports FA then the set (set 2: 41h
 *              translated, 02h untranslated); s = 1-3 FA, stored only: the
 *              keyboard always sends set 2 (see "Scan codes")
 *     F2h      identify: FA AB 41 (translated) or FA AB 83 (untranslated);
 *              the 8042 translates the MF2 ID byte 83h to 41h
 *     F3h + r  typematic rate/delay: FA, FA (stored; the host repeats keys)
 *     F4h      enable scanning: FA, clears the keyboard's buffer
 *     F5h      default and disable scanning: FA, clears the buffer
 *     F6h      set defaults, keep scanning: FA, clears the buffer
 *     F7h-FDh  set 3 key type commands: FA, otherwise ignored
 *     FEh      resend: the last byte the keyboard sent
 *     FFh      reset: FA, then AA (basic assurance test passed); clears the
 *              buffer, LEDs off, set 2, scanning on
 *     other    FE (resend request)
 *   A byte with bit 7 set in place of a parameter (after ED/F3/F0) is taken
 *   as a new command, as the AT keyboard does.
 *
 * Scan codes
 * ----------
 * Keys are named by their scan code set 1 make code (01h-7Fh) plus an
 * "extended" flag for the E0-prefixed keys. The keyboard speaks set 2; with
 * XLAT on (the PC default) the 8042 turns that into set 1, so the guest sees
 * make = code, break = code | 80h, extended keys preceded by E0h. With XLAT
 * off the guest sees set 2: code2, F0h code2 for a break, E0h first for
 * extended keys. Not modelled: the Pause key (E1h sequence), the fake shift
 * codes (E0 2A / E0 AA) that a real keyboard wraps around some extended
 * keys, and typematic repeat (the host sends repeated makes if it wants).
 *
 * Timing and delivery (virtual time)
 * ----------------------------------
 * The output buffer holds one byte. Keyboard bytes (scan codes and
 * keyboard replies) travel a serial line, so after the guest reads port
 * 60h the next keyboard byte enters the buffer only once KBD_BYTE_GAP_NS of
 * virtual time has passed (kbd_advance()). This matters twice: the IRQ 1
 * line falls between two bytes, so an edge-triggered PIC sees every byte,
 * and an INT 09h handler that reads 60h twice (a hook chaining to the BIOS)
 * gets the same byte both times. A byte is loaded at once when the buffer
 * is empty and the gap has passed, so an idle controller answers a key or a
 * command immediately. Controller replies (20h, C0h, D0h, AAh...) skip the
 * gap and come before pending keyboard bytes.
 *
 * Queueing rules
 * --------------
 * - Keyboard interface disabled (ADh or command byte bit 4): the keyboard
 *   keeps its keys (as a real one holds them while the clock line is low)
 *   and sends them after AEh. Replies to keyboard commands still arrive,
 *   so a BIOS talking to a disabled keyboard does not wait forever.
 * - Scanning disabled by the keyboard command F5h: keys are not scanned;
 *   kbd_key() drops them and returns 0 (kbd_scanning() tells).
 * - While a command waits for its parameter (ED, F3, F0), keys are kept.
 * - FF, F4, F5, F6 clear the keyboard's buffer, as the keyboard does.
 *
 * Contract
 * --------
 * All state lives in struct kbd (callers embed it, change it only through
 * these functions). Nothing fails on guest input; only host injection
 * returns errors.
 */
#ifndef MVDM_DEV_KBD_H
#define MVDM_DEV_KBD_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/ps2mouse.h"

enum {
	KBD_DATA_PORT = 0x60,
	KBD_STATUS_PORT = 0x64, /* status on read, controller command on write */
	KBD_KEY_QUEUE = 128,    /* key events (press or release) the keyboard holds */
	KBD_FIFO_LEN = 8,       /* reply bytes waiting in the controller or keyboard */
	KBD_RAM_SIZE = 32,      /* controller RAM reachable by 20h-3Fh / 60h-7Fh */
};

/* Virtual time between two keyboard bytes: an 11-bit serial frame at the
   keyboard's 10-16.7 kHz clock is 0.66-1.1 ms (IBM PC AT Technical
   Reference, keyboard interface timing). */
#define KBD_BYTE_GAP_NS 1000000u

/* Status register bits (64h read). */
enum {
	KBD_ST_OBF = 0x01,
	KBD_ST_IBF = 0x02,
	KBD_ST_SYS = 0x04,
	KBD_ST_CMD = 0x08,
	KBD_ST_UNLOCKED = 0x10,
	KBD_ST_AOBF = 0x20,
	KBD_ST_TIMEOUT = 0x40,
	KBD_ST_PARITY = 0x80,
};

/* Command byte bits (controller RAM byte 0). */
enum {
	KBD_CB_INT = 0x01,
	KBD_CB_INT2 = 0x02,
	KBD_CB_SYS = 0x04,
	KBD_CB_DISABLE_KBD = 0x10,
	KBD_CB_DISABLE_AUX = 0x20,
	KBD_CB_XLAT = 0x40,
};

/* A small byte queue; entries carry bit 8 = auxiliary-device data. */
struct kbd_fifo {
	uint16_t buf[KBD_FIFO_LEN];
	uint8_t head, len;
};

/* One host key event: set 1 make code and flags (private encoding). */
struct kbd_event {
	uint8_t code;
	uint8_t flags;
};

/* Fields are private to kbd.c; they are here so that callers can embed it. */
struct kbd {
	/* 8042 controller */
	uint8_t ram[KBD_RAM_SIZE];  /* ram[0] is the command byte */
	uint8_t out_port;           /* output port as last written (bit 1 A20) */
	uint8_t in_port;            /* input port (C0h) */
	uint8_t ob;                 /* output buffer register */
	bool obf;                   /* output buffer full */
	bool ob_aux;                /* the byte is aux data (AOBF) */
	bool last_was_cmd;          /* status bit 3 */
	bool timeout;               /* status bit 6 */
	bool reset_req;             /* CPU reset pulsed since last asked */
	uint8_t ctl_param;          /* command waiting for a 60h byte, 0 none */
	struct kbd_fifo ctl_out;    /* controller replies, before keyboard bytes */
	uint64_t gap_ns;            /* virtual time before the next keyboard byte */
	/* keyboard */
	bool scanning;              /* F4/F5 state */
	uint8_t kbd_param;          /* ED/F3/F0 waiting for its parameter, 0 none */
	uint8_t leds;               /* ED parameter bits 2-0 */
	uint8_t typematic;          /* F3 parameter */
	uint8_t scan_set;           /* F0 parameter 1-3 (stored only) */
	uint8_t last_sent;          /* for the FE (resend) command */
	struct kbd_fifo replies;    /* keyboard command replies */
	uint8_t stage[3];           /* bytes of the key being sent */
	uint8_t stage_len, stage_pos;
	struct kbd_event queue[KBD_KEY_QUEUE];
	uint16_t q_head, q_len;
	/* the PS/2 mouse on the auxiliary port */
	struct ps2mouse aux;
	uint64_t aux_gap_ns;        /* virtual time before its next byte */
};

/* State after BIOS POST: command byte 45h (keyboard enabled, XLAT, IRQ 1
   enabled, system flag), A20 on (output port DFh), keyboard scanning in set
   2 with LEDs off, typematic 2Bh (10.9/s, 500 ms), nothing queued. */
void kbd_init(struct kbd *k);

/* Port access on 60h and 64h; other ports read FFh and ignore writes.
   Reads have side effects (OBF), hence the non-const pointer. */
uint8_t kbd_read(struct kbd *k, uint16_t port);
void kbd_write(struct kbd *k, uint16_t port, uint8_t v);

/* Advance virtual time by `ns`; may move the next byte into the output
   buffer (see "Timing"). */
void kbd_advance(struct kbd *k, uint64_t ns);

/* Virtual ns after which kbd_advance() would fill the output buffer, or
   UINT64_MAX when that needs the guest (buffer full, keys held back, or
   nothing to send). Lets the owner schedule an event on the VM clock. */
uint64_t kbd_pending_ns(const struct kbd *k);

/* IRQ 1 level: the output buffer holds a non-aux byte (key, keyboard or
   controller reply: the 8042 raises it for every byte it places there) and
   command byte bit 0 is set. IRQ 12 likewise for aux data and bit 1. */
bool kbd_irq1(const struct kbd *k);
bool kbd_irq12(const struct kbd *k);

/*
 * Host key: `make_code` is the set 1 make code (01h-7Fh), `extended` for
 * the E0-prefixed keys (right Ctrl/Alt, arrows, Insert...Page Down, keypad
 * Enter and /). Returns 0 (also when the keyboard is not scanning and drops
 * the key), -EINVAL for a code outside 01h-7Fh, -ENOSPC when the keyboard's
 * queue of KBD_KEY_QUEUE events is full.
 */
int kbd_key(struct kbd *k, uint8_t make_code, bool extended, bool pressed);

/*
 * Type text (code page 437 bytes) on a US layout: for each character a
 * press and release of its key, wrapped in left Shift press/release when
 * needed: letters, digits, punctuation, space, Enter ('\r' or '\n'),
 * Backspace, Tab, Escape. A character with no key is typed as a PC user
 * types it: 01h-1Ah as Ctrl + the letter, the others (80h-FFh, the other
 * control codes) as Alt held while its decimal code is typed on the
 * numeric keypad (the BIOS makes the character of it, src/bios/keyboard.c).
 * All or nothing: -ENOSPC (the whole text does not fit in the queue)
 * queues nothing. Returns 0 otherwise.
 */
int kbd_type_text(struct kbd *k, const char *text);

/* Key events typed (kbd_key, kbd_type_text) and not yet sent. */
unsigned kbd_queued(const struct kbd *k);

/* Output port bit 1: the A20 gate. */
bool kbd_a20(const struct kbd *k);

/* True once after the controller pulsed the CPU reset line (F0h-FFh with
   bit 0 clear, or D1h with bit 0 clear); the call clears it. */
bool kbd_reset_requested(struct kbd *k);

/* Keyboard LEDs as set by ED: bit 0 Scroll, bit 1 Num, bit 2 Caps Lock. */
uint8_t kbd_leds(const struct kbd *k);

/* Whether the keyboard scans keys (false after F5 until F4/F6/FF). */
bool kbd_scanning(const struct kbd *k);

/* Host mouse motion (mickeys, +y down) and buttons for the PS/2 mouse. */
void kbd_mouse(struct kbd *k, int dx, int dy, unsigned buttons);

/* Set the input port value reported by C0h (bit 6: 1 = monochrome). */
void kbd_set_input_port(struct kbd *k, uint8_t v);

#endif
