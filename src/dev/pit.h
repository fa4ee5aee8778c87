/*
 * pit.h - the Intel 8254 programmable interval timer (PIT) as a pure device
 * model: no bus, no PIC, no host clock. The caller routes port I/O to it,
 * advances virtual time in PIT input clocks and turns OUT0 rising edges into
 * IRQ 0 requests.
 *
 * Sources: Intel 8254 Programmable Interval Timer data sheet (order 231164),
 * "Mode definitions", "Read-back command", "Status byte"; IBM PC AT Technical
 * Reference, system board: the counters are clocked at 1.193182 MHz, OUT0
 * drives IRQ 0, OUT1 requests DRAM refresh, OUT2 drives the speaker, and
 * port 61h holds GATE2 (bit 0), SPKR DATA (bit 1), refresh detect (bit 4)
 * and OUT2 (bit 5).
 *
 * Register map
 * ------------
 *   Port  Dir  Function
 *   40h   R/W  counter 0: IRQ 0 (system timer), GATE0 tied high
 *   41h   R/W  counter 1: DRAM refresh request, GATE1 tied high
 *   42h   R/W  counter 2: speaker, GATE2 = port 61h bit 0
 *   43h   W    control word; a read returns FFh (the 8254 does not drive
 *              the bus, so the ISA bus floats high)
 *
 *   Control word (43h)  bits 7-6 SC   00/01/10 counter 0/1/2, 11 read-back
 *                       bits 5-4 RW   00 counter latch command, 01 LSB only,
 *                                     10 MSB only, 11 LSB then MSB
 *                       bits 3-1 M    mode 0-5 (110 = mode 2, 111 = mode 3)
 *                       bit  0   BCD  0 binary (16 bits), 1 BCD (4 decades)
 *   Read-back (SC = 11) bit 5 /COUNT, bit 4 /STATUS (0 = latch it),
 *                       bits 3/2/1 select counters 2/1/0, bit 0 reserved (0)
 *   Status byte         bit 7 OUT, bit 6 NULL COUNT, bits 5-0 as the
 *                       control word bits 5-0 last written
 *   Port 61h (read)     bits 3-0 as last written by the guest, bit 4 refresh
 *                       detect (toggles on each OUT1 rising edge), bit 5 OUT2
 *
 * Contract
 * --------
 * - All state lives in `struct pit`, which callers embed; no globals.
 * - Time is virtual and only moves through pit_advance(). A "tick" is one
 *   PIT input clock (1 / PIT_HZ seconds). Port writes and gate changes take
 *   effect between two ticks.
 * - OUT0 rising edges that happen outside pit_advance() (a control word or a
 *   gate change can raise OUT at once, no clock needed) are kept and
 *   reported by the next pit_advance(), even pit_advance(t, 0).
 * - Nothing here can fail on guest input: every byte pattern has a defined
 *   (if not always hardware-exact) result, so no function returns an error.
 */
#ifndef MVDM_DEV_PIT_H
#define MVDM_DEV_PIT_H

#include <stdbool.h>
#include <stdint.h>

#define PIT_HZ 1193182u   /* input clock, ticks per second (PC AT TR) */
#define PIT_CHANNELS 3u

/* Where a counter is in its count sequence. */
enum pit_state {
	PIT_IDLE,      /* nothing to count: no count yet, mode 0 waiting for its
			  second count byte, mode 1/5 waiting for a trigger,
			  or mode 2/3 stopped by GATE low */
	PIT_LOAD,      /* the next clock transfers CR to CE */
	PIT_COUNTING,  /* CE is counting (unless GATE low stops it, modes 0/4) */
};

/* One counter. Fields are private to pit.c; they are here so that callers
   can embed the struct. Values named `*_value` are numeric (BCD decoded). */
struct pit_channel {
	uint8_t ctrl;           /* control word bits 5-0 as last written */
	uint8_t mode;           /* 0-5 (6 and 7 folded onto 2 and 3) */
	uint8_t state;          /* enum pit_state */
	bool gate;              /* GATE input level */
	bool out;               /* OUT level */
	bool null_count;        /* CR written but not yet moved to CE */
	bool have_count;        /* a whole count was written since the control word */
	bool armed;             /* modes 0/1/4/5: terminal count still to come */
	bool write_msb;         /* write flip-flop: next count byte is the MSB */
	bool read_msb;          /* read flip-flop: next count byte read is the MSB */
	bool count_latched;     /* output latch holds a latched count */
	bool status_latched;    /* status byte latched by read-back */
	uint8_t status;         /* latched status byte */
	uint8_t lsb;            /* first byte of a two-byte count in progress */
	uint16_t cr;            /* count register, raw as written (binary or BCD) */
	uint16_t ol;            /* output latch, raw as read */
	uint32_t ce_value;      /* modes 0/1/4/5 (and stopped counters): CE, < modulus */
	uint32_t period_ticks;  /* modes 2/3 while counting: N in use (2..65536) */
	uint32_t pos_ticks;     /* modes 2/3 while counting: clocks since the last
				   reload (mode 3: since the last OUT change) */
};

struct pit {
	struct pit_channel ch[PIT_CHANNELS];
	unsigned out0_edges_pending;  /* OUT0 rising edges not yet reported */
	bool refresh_toggle;          /* port 61h bit 4 */
};

/* Power-on state. The data sheet leaves mode, count and OUT undefined before
   programming; we choose mode 0 with RW = LSB then MSB, no count, OUT high
   (so the first programming of a periodic mode raises no spurious IRQ 0).
   GATE0 and GATE1 high, GATE2 low (as the PC wires them / port 61h = 0). */
void pit_init(struct pit *t);

/* What the PC AT BIOS POST writes: counter 0 mode 3 count 0 (18.2065 Hz
   IRQ 0), counter 1 mode 2 count 18 (refresh every 15.085 us). Done through
   pit_write() as a guest would; the caller calls it if it has no BIOS POST. */
void pit_bios_setup(struct pit *t);

/* Port access. Only the low two bits of `port` are decoded (40h-43h, or any
   mirror the caller chooses to route here). Reads have side effects
   (flip-flops, latches), hence the non-const pointer. */
uint8_t pit_read(struct pit *t, uint16_t port);
void pit_write(struct pit *t, uint16_t port, uint8_t v);

/* GATE input of counter `ch` (0-2; others are ignored). A rising edge is a
   trigger in modes 1, 2, 3, 5; GATE low stops counting in modes 0, 2, 3, 4. */
void pit_set_gate(struct pit *t, unsigned ch, bool gate);

/* OUT level of counter `ch` now (false for ch > 2). */
bool pit_out(const struct pit *t, unsigned ch);

/* Advance virtual time by `ticks` PIT input clocks. Returns the number of
   rising edges of OUT0 (IRQ 0 requests) during the interval plus those
   pending from writes, saturated at UINT_MAX. Costs O(1) per counter
   whatever `ticks` is. */
unsigned pit_advance(struct pit *t, uint64_t ticks);

/* Ticks until the next rising edge of OUT0 if nothing is written and GATE0
   does not change: pit_advance(t, n - 1) would return 0 and
   pit_advance(t, n) 1. Returns 0 if an edge is pending from a write, and
   UINT64_MAX if no edge is coming. */
uint64_t pit_next_edge0(const struct pit *t);

/* For modes 2 and 3 while counting: the output period in ticks (the speaker
   tone is PIT_HZ / period on counter 2). 0 for other modes or when stopped. */
uint32_t pit_period_ticks(const struct pit *t, unsigned ch);

/* Port 61h. The caller owns the byte the guest wrote (`latch61`) and passes
   writes here too: pit_port61_write() sets GATE2 from bit 0. The read value
   is bits 3-0 of `latch61`, bit 4 refresh detect, bit 5 OUT2, bits 7-6 zero
   (no parity or I/O channel check errors). The speaker cone follows
   pit_speaker_level(). */
uint8_t pit_port61_read(struct pit *t, uint8_t latch61);
void pit_port61_write(struct pit *t, uint8_t latch61);
bool pit_speaker_level(const struct pit *t, uint8_t latch61);

#endif
