/*
 * cmos.c - Motorola MC146818A RTC and CMOS RAM as in the IBM PC AT. See
 * cmos.h for the register map and the contract; rules below cite the
 * MC146818A data sheet and the IBM PC AT Technical Reference (TR).
 */
#include "dev/cmos.h"

#include <string.h>

enum {
	/* Byte indices (MC146818A address map; PC AT TR for 0Eh and up). */
	R_SEC = 0x00, R_ASEC = 0x01, R_MIN = 0x02, R_AMIN = 0x03,
	R_HOUR = 0x04, R_AHOUR = 0x05, R_DOW = 0x06, R_DAY = 0x07,
	R_MONTH = 0x08, R_YEAR = 0x09,
	R_A = 0x0A, R_B = 0x0B, R_C = 0x0C, R_D = 0x0D,
	R_DIAG = 0x0E, R_SHUTDOWN = 0x0F, R_FLOPPY = 0x10, R_DISK = 0x12,
	R_EQUIP = 0x14, R_BASE_LO = 0x15, R_BASE_HI = 0x16,
	R_EXP_LO = 0x17, R_EXP_HI = 0x18,
	R_SUM_FIRST = 0x10, R_SUM_LAST = 0x2D, R_SUM_HI = 0x2E, R_SUM_LO = 0x2F,
	R_EXT_LO = 0x30, R_EXT_HI = 0x31, R_CENTURY = 0x32, R_INFO = 0x33,

	/* Register A */
	A_UIP = 0x80, A_DV_MASK = 0x70, A_DV_RUN = 0x20, A_DV_RESET = 0x60,
	A_RS_MASK = 0x0F,
	/* Register B */
	B_SET = 0x80, B_PIE = 0x40, B_AIE = 0x20, B_UIE = 0x10,
	B_DM_BINARY = 0x04, B_24H = 0x02,
	/* Register C */
	C_IRQF = 0x80, C_PF = 0x40, C_AF = 0x20, C_UF = 0x10,
	/* Register D */
	D_VRT = 0x80,

	INDEX_NMI = 0x80, HOUR_PM = 0x80, ALARM_DONT_CARE = 0xC0,
	EQUIP_COLOR80 = 0x20, EQUIP_MONO = 0x30, EQUIP_FPU = 0x02,
	INFO_128K = 0x80,
};

#define DIVIDER_HZ 32768u      /* PC AT time base (TR) */
#define UIP_NS 244000u         /* UIP lead before an update, tBUC (data sheet) */
#define RESET_START_NS 500000000u  /* first update 500 ms after leaving reset */

/* ---- time and date arithmetic --------------------------------------- */

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days in `month` (1-12) of full year `y`; other months count 31 days so
   that a bad month byte still rolls over. */
static unsigned days_in_month(unsigned month, int64_t y)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (month < 1 || month > 12)
		return 31;
	if (month == 2 && is_leap(y))
		return 29;
	return days[month - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Broken-down proleptic Gregorian time, no time zone. */
struct cmos_tm {
	int64_t year;
	unsigned month, day, hour, min, sec;
	unsigned dow;   /* 1 = Sunday ... 7 = Saturday (MC146818A) */
};

/* Seconds since 1970-01-01 00:00:00 to a calendar date. Whole 400-year
   Gregorian cycles (146097 days) are removed around 2000-01-01, which starts
   a cycle; the rest is at most 400 years and 12 months of counting. */
static void epoch_to_tm(int64_t t, struct cmos_tm *tm)
{
	const int64_t days_1970_to_2000 = 10957, days_per_cycle = 146097;
	int64_t day = floor_div(t, 86400);
	int64_t sod = t - day * 86400;
	int64_t d = day - days_1970_to_2000;
	int64_t cycles = floor_div(d, days_per_cycle);
	d -= cycles * days_per_cycle;
	int64_t y = 2000 + 400 * cycles;
	while (d >= (is_leap(y) ? 366 : 365)) {
		d -= is_leap(y) ? 366 : 365;
		y++;
	}
	unsigned m = 1;
	while (d >= days_in_month(m, y)) {
		d -= days_in_month(m, y);
		m++;
	}
	tm->year = y;
	tm->month = m;
	tm->day = (unsigned)d + 1;
	tm->hour = (unsigned)(sod / 3600);
	tm->min = (unsigned)(sod / 60 % 60);
	tm->sec = (unsigned)(sod % 60);
	/* 1970-01-01 was a Thursday (0 = Sunday, 4 = Thursday). */
	int64_t wd = (day + 4) % 7;
	tm->dow = (unsigned)(wd < 0 ? wd + 7 : wd) + 1;
}

/* ---- register formats (B.DM, B.24/12) ------------------------------- */

static bool cmos_binary(const struct cmos *c)
{
	return c->ram[R_B] & B_DM_BINARY;
}

/* A byte in the current data mode to a number. BCD digits above 9 are
   weighted as written (undefined on the chip). */
static unsigned cmos_dec(const struct cmos *c, uint8_t raw)
{
	return cmos_binary(c) ? raw : (raw >> 4) * 10u + (raw & 15u);
}

static uint8_t cmos_enc(const struct cmos *c, unsigned v)
{
	v %= 100u;
	return cmos_binary(c) ? (uint8_t)v : (uint8_t)((v / 10u) << 4 | v % 10u);
}

/* Hours byte to 0-23 (12-hour mode: 12 AM is 0, bit 7 = PM). */
static unsigned cmos_dec_hour(const struct cmos *c, uint8_t raw)
{
	if (c->ram[R_B] & B_24H)
		return cmos_dec(c, raw);
	return cmos_dec(c, raw & (uint8_t)~HOUR_PM) % 12u + ((raw & HOUR_PM) ? 12u : 0u);
}

static uint8_t cmos_enc_hour(const struct cmos *c, unsigned h)
{
	if (c->ram[R_B] & B_24H)
		return cmos_enc(c, h);
	unsigned h12 = h % 12u == 0 ? 12u : h % 12u;
	return (uint8_t)(cmos_enc(c, h12) | (h >= 12u ? HOUR_PM : 0u));
}

/* ---- interrupts ------------------------------------------------------ */

static bool cmos_irqf(const struct cmos *c)
{
	/* Data sheet: IRQF = PF.PIE + AF.AIE + UF.UIE; the enables sit in B at
	   the same bit positions as the flags in C. */
	return (c->flags & c->ram[R_B] & (C_PF | C_AF | C_UF)) != 0;
}

/* Recompute the IRQ 8 level after a flag or enable change; a rise is an
   edge to report. */
static void cmos_sync_irq(struct cmos *c)
{
	bool level = cmos_irqf(c);
	if (level && !c->irq_level)
		c->edge_pending = true;
	c->irq_level = level;
}

static bool cmos_divider_running(const struct cmos *c)
{
	return (c->ram[R_A] & A_DV_MASK) == A_DV_RUN;
}

/* Periodic interrupt period in 32.768 kHz cycles for RS = 1-15, 0 for none
   (data sheet, periodic interrupt rate table: RS 1 and 2 repeat the rates
   of RS 8 and 9 at a 32.768 kHz time base). */
static uint32_t cmos_period_cycles(const struct cmos *c)
{
	unsigned rs = c->ram[R_A] & A_RS_MASK;
	if (rs == 0)
		return 0;
	if (rs < 3)
		rs += 7;
	return 1u << (rs - 1);
}

/* Whole 32.768 kHz cycles in `ns` nanoseconds since a second boundary. */
static uint64_t cycles_at(uint64_t ns)
{
	return ns * DIVIDER_HZ / CMOS_NS_PER_S;
}

/* ---- update cycle ---------------------------------------------------- */

/* Alarm byte `a` matches time byte `t` if equal or "don't care" (bits 7-6
   set; data sheet, alarm interrupt). */
static bool alarm_match(uint8_t t, uint8_t a)
{
	return (a & ALARM_DONT_CARE) == ALARM_DONT_CARE || a == t;
}

/* One update cycle: add a second with calendar carries, in the current
   format, then compare the alarm and set UF (data sheet, update cycle). */
static void cmos_update(struct cmos *c)
{
	uint8_t *r = c->ram;
	unsigned sec = cmos_dec(c, r[R_SEC]) + 1u;
	bool carry = sec >= 60u;
	r[R_SEC] = cmos_enc(c, carry ? 0u : sec);
	if (carry) {
		unsigned min = cmos_dec(c, r[R_MIN]) + 1u;
		carry = min >= 60u;
		r[R_MIN] = cmos_enc(c, carry ? 0u : min);
	}
	if (carry) {
		unsigned hour = cmos_dec_hour(c, r[R_HOUR]) + 1u;
		carry = hour >= 24u;
		r[R_HOUR] = cmos_enc_hour(c, carry ? 0u : hour);
	}
	if (carry) {
		unsigned dow = cmos_dec(c, r[R_DOW]);
		r[R_DOW] = cmos_enc(c, dow >= 7u ? 1u : dow + 1u);
		unsigned year = cmos_dec(c, r[R_YEAR]);
		unsigned century = cmos_dec(c, r[R_CENTURY]);
		unsigned month = cmos_dec(c, r[R_MONTH]);
		unsigned day = cmos_dec(c, r[R_DAY]);
		carry = day >= days_in_month(month, (int64_t)century * 100 + year);
		r[R_DAY] = cmos_enc(c, carry ? 1u : day + 1u);
		if (carry) {
			carry = month >= 12u;
			r[R_MONTH] = cmos_enc(c, carry ? 1u : month + 1u);
		}
		if (carry) {
			carry = year >= 99u;
			r[R_YEAR] = cmos_enc(c, carry ? 0u : year + 1u);
		}
		if (carry)
			r[R_CENTURY] = cmos_enc(c, century >= 99u ? 0u : century + 1u);
	}
	if (alarm_match(r[R_SEC], r[R_ASEC]) && alarm_match(r[R_MIN], r[R_AMIN]) &&
	    alarm_match(r[R_HOUR], r[R_AHOUR]))
		c->flags |= C_AF;
	c->flags |= C_UF;
}

/* ---- public API ------------------------------------------------------ */

static void put16(struct cmos *c, unsigned lo, unsigned v)
{
	c->ram[lo] = (uint8_t)v;
	c->ram[lo + 1] = (uint8_t)(v >> 8);
}

void cmos_init(struct cmos *c, int64_t epoch_seconds, unsigned base_kb,
	       unsigned ext_kb, bool mono, bool fpu)
{
	memset(c, 0, sizeof(*c));
	c->ram[R_A] = A_DV_RUN | 6u;   /* 26h: 32.768 kHz, 1024 Hz */
	c->ram[R_B] = B_24H;           /* 02h: BCD, 24-hour, no interrupts */

	struct cmos_tm tm;
	epoch_to_tm(epoch_seconds, &tm);
	int64_t cent = floor_div(tm.year, 100) % 100;
	int64_t yy = tm.year - floor_div(tm.year, 100) * 100;
	c->ram[R_SEC] = cmos_enc(c, tm.sec);
	c->ram[R_MIN] = cmos_enc(c, tm.min);
	c->ram[R_HOUR] = cmos_enc_hour(c, tm.hour);
	c->ram[R_DOW] = cmos_enc(c, tm.dow);
	c->ram[R_DAY] = cmos_enc(c, tm.day);
	c->ram[R_MONTH] = cmos_enc(c, tm.month);
	c->ram[R_YEAR] = cmos_enc(c, (unsigned)yy);
	c->ram[R_CENTURY] = cmos_enc(c, (unsigned)(cent < 0 ? cent + 100 : cent));

	/* PC AT TR configuration bytes. 0Eh/0Fh = 0: POST found no errors,
	   normal reset. 10h/12h = 0: no diskettes, no fixed disks. */
	if (base_kb > 0xFFFFu)
		base_kb = 0xFFFFu;
	if (ext_kb > 0xFFFFu)
		ext_kb = 0xFFFFu;
	c->ram[R_EQUIP] = (uint8_t)((mono ? EQUIP_MONO : EQUIP_COLOR80) | (fpu ? EQUIP_FPU : 0));
	put16(c, R_BASE_LO, base_kb);
	put16(c, R_EXP_LO, ext_kb);
	put16(c, R_EXT_LO, ext_kb);
	c->ram[R_INFO] = base_kb > 512u ? INFO_128K : 0;
	unsigned sum = 0;
	for (unsigned i = R_SUM_FIRST; i <= R_SUM_LAST; i++)
		sum += c->ram[i];
	c->ram[R_SUM_HI] = (uint8_t)(sum >> 8);
	c->ram[R_SUM_LO] = (uint8_t)sum;
}

void cmos_set_mono(struct cmos *c, bool mono)
{
	unsigned old = c->ram[R_EQUIP];
	c->ram[R_EQUIP] = (uint8_t)((old & ~0x30u) | (mono ? EQUIP_MONO : EQUIP_COLOR80));
	unsigned sum = (unsigned)((c->ram[R_SUM_HI] << 8) | c->ram[R_SUM_LO]) - old + c->ram[R_EQUIP];
	c->ram[R_SUM_HI] = (uint8_t)(sum >> 8);
	c->ram[R_SUM_LO] = (uint8_t)sum;
}

static bool cmos_uip(const struct cmos *c)
{
	return cmos_divider_running(c) && !(c->ram[R_B] & B_SET) &&
	       c->phase_ns >= CMOS_NS_PER_S - UIP_NS;
}

uint8_t cmos_read(struct cmos *c, uint16_t port)
{
	if (!(port & 1))
		return 0xFF;
	switch (c->index) {
	case R_A:
		return (uint8_t)((c->ram[R_A] & (uint8_t)~A_UIP) | (cmos_uip(c) ? A_UIP : 0));
	case R_C: {
		uint8_t v = (uint8_t)(c->flags | (cmos_irqf(c) ? C_IRQF : 0));
		c->flags = 0;
		cmos_sync_irq(c);
		return v;
	}
	case R_D:
		return D_VRT;
	default:
		return c->ram[c->index];
	}
}

void cmos_write(struct cmos *c, uint16_t port, uint8_t v)
{
	if (!(port & 1)) {
		c->index = v & (uint8_t)~INDEX_NMI;
		c->nmi_masked = v & INDEX_NMI;
		return;
	}
	switch (c->index) {
	case R_A: {
		bool was_reset = (c->ram[R_A] & A_DV_RESET) == A_DV_RESET;
		c->ram[R_A] = v & (uint8_t)~A_UIP;
		if (was_reset && cmos_divider_running(c))
			c->phase_ns = RESET_START_NS;
		return;
	}
	case R_B:
		/* Data sheet: SET going high clears UIE. */
		if (v & B_SET)
			v &= (uint8_t)~B_UIE;
		c->ram[R_B] = v;
		cmos_sync_irq(c);
		return;
	case R_C:
	case R_D:
		return;   /* read-only */
	default:
		c->ram[c->index] = v;
		return;
	}
}

/* Fast path for long advances: at a second boundary, add up to `k` whole
   seconds to the seconds byte at once, as many as give no carry into the
   minutes (the general path does the carrying update). Same flags as that
   many single updates: every periodic rate is faster than 1 Hz, UF is set
   by each update, and the alarm matches at most at one second of the run.
   Returns the seconds consumed (0 if the fast path does not apply). */
static uint64_t cmos_skip_seconds(struct cmos *c, uint64_t k)
{
	uint8_t *r = c->ram;
	if (c->phase_ns != 0 || (r[R_B] & B_SET))
		return 0;
	unsigned sec = cmos_dec(c, r[R_SEC]);
	if (sec >= 58u)
		return 0;
	if (k > 58u - sec)
		k = 58u - sec;
	if (alarm_match(r[R_MIN], r[R_AMIN]) && alarm_match(r[R_HOUR], r[R_AHOUR])) {
		uint8_t a = r[R_ASEC];
		unsigned v = cmos_dec(c, a);
		if ((a & ALARM_DONT_CARE) == ALARM_DONT_CARE ||
		    (v > sec && v <= sec + k && cmos_enc(c, v) == a))
			c->flags |= C_AF;
	}
	if (cmos_period_cycles(c))
		c->flags |= C_PF;
	c->flags |= C_UF;
	r[R_SEC] = cmos_enc(c, sec + (unsigned)k);
	cmos_sync_irq(c);
	return k;
}

bool cmos_advance(struct cmos *c, uint64_t ns)
{
	while (ns > 0 && cmos_divider_running(c)) {
		if (ns >= 2 * (uint64_t)CMOS_NS_PER_S) {
			uint64_t k = cmos_skip_seconds(c, ns / CMOS_NS_PER_S - 1);
			ns -= k * CMOS_NS_PER_S;
			if (k)
				continue;
		}
		uint64_t left = CMOS_NS_PER_S - c->phase_ns;
		uint64_t step = ns < left ? ns : left;
		uint64_t end = c->phase_ns + step;
		uint32_t period = cmos_period_cycles(c);
		if (period && cycles_at(end) / period > cycles_at(c->phase_ns) / period)
			c->flags |= C_PF;
		ns -= step;
		if (end == CMOS_NS_PER_S) {
			c->phase_ns = 0;
			if (!(c->ram[R_B] & B_SET))
				cmos_update(c);
		} else {
			c->phase_ns = (uint32_t)end;
		}
		cmos_sync_irq(c);
	}
	bool edge = c->edge_pending;
	c->edge_pending = false;
	return edge;
}

bool cmos_irq8(const struct cmos *c)
{
	return cmos_irqf(c);
}

uint64_t cmos_next_irq_ns(const struct cmos *c)
{
	if (c->edge_pending)
		return 0;
	if (cmos_irqf(c) || !cmos_divider_running(c))
		return UINT64_MAX;
	uint8_t b = c->ram[R_B];
	uint64_t best = UINT64_MAX;
	uint32_t period = cmos_period_cycles(c);
	if ((b & B_PIE) && period) {
		/* The first ns at which the cycle count reaches the next multiple
		   of the period. */
		uint64_t next = (cycles_at(c->phase_ns) / period + 1) * period;
		uint64_t at = (next * CMOS_NS_PER_S + DIVIDER_HZ - 1) / DIVIDER_HZ;
		best = at - c->phase_ns;
	}
	if ((b & (B_UIE | B_AIE)) && !(b & B_SET)) {
		uint64_t upd = CMOS_NS_PER_S - c->phase_ns;
		if (upd < best)
			best = upd;
	}
	return best;
}

bool cmos_nmi_masked(const struct cmos *c)
{
	return c->nmi_masked;
}
