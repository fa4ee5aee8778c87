/*
 * cmos.h - the Motorola MC146818 real-time clock and 128 bytes of CMOS RAM
 * as wired in the IBM PC AT, as a pure device model: no bus, no PIC, no
 * host clock. The caller routes ports 70h/71h to it, advances virtual time
 * in nanoseconds and turns reported rising edges into IRQ 8 requests.
 *
 * Sources: Motorola MC146818A Real-Time Clock Plus RAM data sheet
 * ("Address map", "Time, calendar and alarm locations", "Register A-D",
 * "Update cycle", "Interrupts", table of periodic interrupt rates); IBM PC AT
 * Technical Reference, system board: "CMOS RAM configuration information"
 * (the map of bytes 0Eh-3Fh below), port 70h bit 7 = NMI mask, RTC IRQ on
 * IRQ 8, 32.768 kHz time base. Century byte behaviour in binary mode follows
 * the Dallas DS12C887 century register (same format as the other date bytes).
 *
 * Ports
 * -----
 *   Port  Dir  Function
 *   70h   W    index: bits 6-0 select the CMOS byte, bit 7 = 1 disables NMI
 *              (stored here, see cmos_nmi_masked(); the caller acts on it)
 *   70h   R    FFh (the index register is write-only on the AT)
 *   71h   R/W data byte at the selected index
 *   Only bit 0 of `port` is decoded (even = index, odd = data).
 *
 * Register map (MC146818A)
 * ------------------------
 *   00h seconds        01h alarm seconds   02h minutes   03h alarm minutes
 *   04h hours          05h alarm hours     06h day of week (1 = Sunday)
 *   07h day of month   08h month           09h year (00-99)
 *     BCD or binary per B.DM; hours 0-23, or 1-12 with bit 7 = PM per B.24/12.
 *     Alarm bytes with bits 7-6 = 11 (C0h-FFh) are "don't care": they match
 *     any value.
 *   0Ah A  bit 7 UIP (read-only), bits 6-4 DV2-0 divider (010 = 32.768 kHz
 *          running, 11x = divider held in reset), bits 3-0 RS3-0 periodic
 *          rate: 0 none, 1 256 Hz, 2 128 Hz, 3-15 32768 >> (RS - 1) Hz
 *          (6 = 1024 Hz, 15 = 2 Hz)
 *   0Bh B  bit 7 SET (stop updates; setting it clears UIE), bit 6 PIE,
 *          bit 5 AIE, bit 4 UIE, bit 3 SQWE, bit 2 DM (1 = binary),
 *          bit 1 24/12 (1 = 24-hour), bit 0 DSE (stored, not acted on)
 *   0Ch C  read-only: bit 7 IRQF = (PF & PIE) | (AF & AIE) | (UF & UIE),
 *          bit 6 PF periodic, bit 5 AF alarm, bit 4 UF update ended;
 *          reading C clears bits 7-4
 *   0Dh D  read-only: bit 7 VRT = 1 (battery good), bits 6-0 = 0
 *
 * PC AT configuration bytes (IBM PC AT TR), plain RAM to the chip
 * ----------------------------------------------------------------
 *   0Eh diagnostic status       0Fh shutdown status    10h diskette types
 *   12h fixed disk types        14h equipment: bits 7-6 diskettes - 1,
 *       bits 5-4 display (00 own BIOS, 01 colour 40, 10 colour 80, 11 mono),
 *       bit 1 math coprocessor, bit 0 diskettes present
 *   15h/16h base memory KB (low/high)   17h/18h expansion memory KB
 *   2Eh/2Fh checksum of 10h-2Dh (2Eh = high byte)
 *   30h/31h extended memory KB found by POST   32h century (BCD)
 *   33h information flags (bit 7 = 128 KB memory option, i.e. base > 512 KB)
 *
 * Model and contract
 * ------------------
 * - All state lives in `struct cmos`, which callers embed; no globals.
 * - Time is virtual and only moves through cmos_advance(). The divider chain
 *   is at a second boundary at cmos_init(); an update cycle (one second
 *   added to the clock, alarm compare, UF) happens at each whole virtual
 *   second after that while DV = 010 and SET = 0. The update is
 *   instantaneous; UIP reads 1 during the last 244 us before it (the data
 *   sheet's tBUC) and 0 otherwise, so the time bytes are always coherent.
 * - Periodic flags follow the 32.768 kHz divider: a periodic event is due
 *   when the count of whole 32.768 kHz cycles since the last second boundary
 *   reaches a multiple of the period (every rate divides 32768, so periodic
 *   events stay aligned with updates). PF is set whatever PIE says.
 * - With DV other than 010 the divider is stopped (no updates, no periodic
 *   flags, the second phase frozen). Going from reset (11x) to 010 starts the
 *   divider so that the first update comes 500 ms later (data sheet).
 * - The update reads the time bytes in the current format (DM, 24/12) and
 *   writes them back in it; changing DM or 24/12 does not convert them (as
 *   on the chip). Values out of range roll over at the next carry instead of
 *   being undefined. Leap years use the full year (century byte * 100 +
 *   year), so 2000 is leap and 2100 is not; the year 99 -> 00 carry also
 *   increments the century byte 32h.
 * - IRQ 8 is reported as rising edges of IRQF: an edge raised by a port
 *   write (e.g. enabling PIE while PF is already set) is kept and reported
 *   by the next cmos_advance(), even cmos_advance(c, 0).
 * - Nothing here can fail on guest input, so no function returns an error.
 * - Not modelled: daylight saving (DSE), the SQW pin, the 4.194/1.049 MHz
 *   time bases, the chip's divide-by stages beyond the rules above.
 */
#ifndef MVDM_DEV_CMOS_H
#define MVDM_DEV_CMOS_H

#include <stdbool.h>
#include <stdint.h>

#define CMOS_RAM_SIZE 128u
#define CMOS_NS_PER_S 1000000000u

struct cmos {
	uint8_t ram[CMOS_RAM_SIZE];  /* bytes 00h-7Fh; 0Ah holds bits 6-0 of A
					(UIP is derived), 0Ch and 0Dh unused */
	uint8_t index;               /* selected byte, 00h-7Fh */
	bool nmi_masked;             /* bit 7 of the last index write */
	uint8_t flags;               /* register C bits 6-4 (PF, AF, UF) */
	bool irq_level;              /* IRQF as last computed */
	bool edge_pending;           /* IRQF rising edge not yet reported */
	uint32_t phase_ns;           /* ns since the last second boundary of the
					divider, < CMOS_NS_PER_S */
};

/* Power-on as a PC AT BIOS leaves the chip: clock at `epoch_seconds`
   (seconds since 1970-01-01 00:00:00, broken down without any time zone:
   pass local time if the guest should see local time), BCD and 24-hour
   mode, A = 26h, B = 02h, C = 00h, D = 80h, NMI enabled, index 0.
   Configuration bytes: no diskettes, no fixed disks, display colour 80
   (or monochrome if `mono`), coprocessor bit from `fpu`, base memory
   `base_kb`, expansion and extended memory `ext_kb` (both clamped to
   FFFFh), century byte, checksum at 2Eh/2Fh. Other bytes are zero. Years
   before 0 or after 9999 are not meaningful (the century byte is taken
   mod 100). */
void cmos_init(struct cmos *c, int64_t epoch_seconds, unsigned base_kb,
	       unsigned ext_kb, bool mono, bool fpu);
/* The display of the equipment byte (14h bits 5-4): monochrome or colour
 * 80 columns; the checksum follows. */
void cmos_set_mono(struct cmos *c, bool mono);

/* Port access (see the port table). Reading register C has side effects,
   hence the non-const pointer. */
uint8_t cmos_read(struct cmos *c, uint16_t port);
void cmos_write(struct cmos *c, uint16_t port, uint8_t v);

/* Advance virtual time by `ns` nanoseconds. Returns true if IRQF rose
   during the interval or from a port write since the last call, i.e. the
   caller should request IRQ 8 once. Flags stay set until register C is
   read, so at most one edge is reported until then. Cost: O(1) per
   virtual minute crossed (whole seconds inside a minute are added at once). */
bool cmos_advance(struct cmos *c, uint64_t ns);

/* IRQ 8 line level now: register C bit 7 (IRQF). */
bool cmos_irq8(const struct cmos *c);

/* Nanoseconds until cmos_advance() would next return true if the guest does
   not touch the ports: 0 if an edge is pending, UINT64_MAX if IRQF is
   already high (no new edge before register C is read) or no enabled
   source can fire. Exact for the periodic and update-ended interrupts; for
   the alarm it is the next update (the alarm is compared at each update),
   a lower bound. Callers recompute it after any port access. */
uint64_t cmos_next_irq_ns(const struct cmos *c);

/* Bit 7 of the last write to port 70h: true = NMI disabled. */
bool cmos_nmi_masked(const struct cmos *c);

#endif
