/*
 * cmos_test.c - device tests of the MC146818A RTC and CMOS RAM
 * (src/dev/cmos.h): drive it through ports 70h/71h and virtual clock steps
 * only, and check time bytes, register A-D behaviour, IRQ 8 edges and the
 * PC AT configuration bytes against the MC146818A data sheet and the IBM PC
 * AT Technical Reference. Uses cmocka.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L   /* gmtime_r, used only as a reference */
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "dev/cmos.h"

enum {
	IDX = 0x70, DATA = 0x71,
	SEC = 0x00, ASEC = 0x01, MIN = 0x02, AMIN = 0x03, HOUR = 0x04,
	AHOUR = 0x05, DOW = 0x06, DAY = 0x07, MONTH = 0x08, YEAR = 0x09,
	REG_A = 0x0A, REG_B = 0x0B, REG_C = 0x0C, REG_D = 0x0D, CENTURY = 0x32,
};

static const uint64_t S = 1000000000u;

/* Epochs (UTC) used below, with their weekday for reference. */
static const int64_t T_2026_11_21_123456 = 1795264496;  /* Saturday */
static const int64_t T_2026_12_31_235959 = 1798761599;  /* Thursday */
static const int64_t T_1999_12_31_235959 = 946684799;   /* Friday */
static const int64_t T_2026_04_30_235959 = 1777593599;  /* Thursday */
static const int64_t T_2024_02_28_235959 = 1709164799;  /* Wednesday */
static const int64_t T_2000_02_28_235959 = 951782399;   /* Monday */
static const int64_t T_2100_02_28_235959 = 4107542399;  /* Sunday */
static const int64_t T_2099_12_31_235959 = 4102444799;  /* Thursday */

static uint8_t rd(struct cmos *c, uint8_t idx)
{
	cmos_write(c, IDX, idx);
	return cmos_read(c, DATA);
}

static void wr(struct cmos *c, uint8_t idx, uint8_t v)
{
	cmos_write(c, IDX, idx);
	cmos_write(c, DATA, v);
}

static void init_at(struct cmos *c, int64_t t)
{
	cmos_init(c, t, 640, 15360, false, false);
}

/* Date and time bytes as {year, month, day, dow, hour, min, sec, century}. */
static void expect_time(struct cmos *c, const uint8_t want[8])
{
	const uint8_t idx[8] = { YEAR, MONTH, DAY, DOW, HOUR, MIN, SEC, CENTURY };
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(rd(c, idx[i]), want[i]);
}

static uint8_t bcd(unsigned v)
{
	return (uint8_t)((v / 10) << 4 | v % 10);
}

static void test_init_time_from_epoch(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	expect_time(&c, (const uint8_t[8]){ 0x26, 0x11, 0x21, 7, 0x12, 0x34, 0x56, 0x20 });
	init_at(&c, 0);   /* 1970-01-01 00:00:00, a Thursday */
	expect_time(&c, (const uint8_t[8]){ 0x70, 0x01, 0x01, 5, 0x00, 0x00, 0x00, 0x19 });
	init_at(&c, -1);  /* 1969-12-31 23:59:59, a Wednesday */
	expect_time(&c, (const uint8_t[8]){ 0x69, 0x12, 0x31, 4, 0x23, 0x59, 0x59, 0x19 });
}

/* Our own calendar arithmetic against the C library's over 1900-2199. */
static void test_init_matches_gmtime(void **state)
{
	(void)state;
	struct cmos c;
	for (int64_t t = -2208988800LL; t < 7258118400LL; t += 86400LL * 37 + 3607) {
		time_t tt = (time_t)t;
		struct tm tm;
		assert_non_null(gmtime_r(&tt, &tm));
		init_at(&c, t);
		unsigned year = (unsigned)tm.tm_year + 1900u;
		expect_time(&c, (const uint8_t[8]){
			bcd(year % 100), bcd((unsigned)tm.tm_mon + 1), bcd((unsigned)tm.tm_mday),
			(uint8_t)(tm.tm_wday + 1), bcd((unsigned)tm.tm_hour), bcd((unsigned)tm.tm_min),
			bcd((unsigned)tm.tm_sec), bcd(year / 100) });
	}
}

static void test_power_on_registers(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	assert_int_equal(rd(&c, REG_A), 0x26);
	assert_int_equal(rd(&c, REG_B), 0x02);
	assert_int_equal(rd(&c, REG_C), 0x00);
	assert_int_equal(rd(&c, REG_D), 0x80);
	assert_false(cmos_irq8(&c));
	assert_false(cmos_nmi_masked(&c));
	assert_int_equal(cmos_next_irq_ns(&c), UINT64_MAX);
	assert_false(cmos_advance(&c, 10 * S));
}

static void test_seconds_tick(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	assert_false(cmos_advance(&c, S - 1));
	assert_int_equal(rd(&c, SEC), 0x56);
	cmos_advance(&c, 1);
	assert_int_equal(rd(&c, SEC), 0x57);
	for (unsigned i = 0; i < 1000; i++)
		cmos_advance(&c, 1000000);   /* 1 ms steps */
	assert_int_equal(rd(&c, SEC), 0x58);
	cmos_advance(&c, 3 * S + 500);
	assert_int_equal(rd(&c, SEC), 0x01);
	assert_int_equal(rd(&c, MIN), 0x35);
}

static void test_year_and_century_rollover(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_12_31_235959);
	expect_time(&c, (const uint8_t[8]){ 0x26, 0x12, 0x31, 5, 0x23, 0x59, 0x59, 0x20 });
	cmos_advance(&c, S);
	expect_time(&c, (const uint8_t[8]){ 0x27, 0x01, 0x01, 6, 0x00, 0x00, 0x00, 0x20 });
	init_at(&c, T_1999_12_31_235959);
	cmos_advance(&c, S);
	expect_time(&c, (const uint8_t[8]){ 0x00, 0x01, 0x01, 7, 0x00, 0x00, 0x00, 0x20 });
	init_at(&c, T_2099_12_31_235959);
	cmos_advance(&c, S);   /* Saturday wraps to Sunday = 1 a day later */
	expect_time(&c, (const uint8_t[8]){ 0x00, 0x01, 0x01, 6, 0x00, 0x00, 0x00, 0x21 });
	cmos_advance(&c, 86400 * S);
	assert_int_equal(rd(&c, DOW), 7);
	cmos_advance(&c, 86400 * S);
	assert_int_equal(rd(&c, DOW), 1);
}

static void test_minute_hour_day_month_rollover(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	cmos_advance(&c, 4 * S);
	expect_time(&c, (const uint8_t[8]){ 0x26, 0x11, 0x21, 7, 0x12, 0x35, 0x00, 0x20 });
	cmos_advance(&c, (25 * 60) * S);   /* to 13:00:00 */
	expect_time(&c, (const uint8_t[8]){ 0x26, 0x11, 0x21, 7, 0x13, 0x00, 0x00, 0x20 });
	cmos_advance(&c, 11 * 3600 * S);   /* to Sunday 22nd 00:00:00 */
	expect_time(&c, (const uint8_t[8]){ 0x26, 0x11, 0x22, 1, 0x00, 0x00, 0x00, 0x20 });
	init_at(&c, T_2026_04_30_235959);
	cmos_advance(&c, S);   /* 30-day month */
	expect_time(&c, (const uint8_t[8]){ 0x26, 0x05, 0x01, 6, 0x00, 0x00, 0x00, 0x20 });
	cmos_advance(&c, 30 * 86400 * S);   /* 31-day month */
	expect_time(&c, (const uint8_t[8]){ 0x26, 0x05, 0x31, 1, 0x00, 0x00, 0x00, 0x20 });
	cmos_advance(&c, 86400 * S);
	expect_time(&c, (const uint8_t[8]){ 0x26, 0x06, 0x01, 2, 0x00, 0x00, 0x00, 0x20 });
}

static void test_leap_years(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2024_02_28_235959);
	cmos_advance(&c, S);
	expect_time(&c, (const uint8_t[8]){ 0x24, 0x02, 0x29, 5, 0x00, 0x00, 0x00, 0x20 });
	cmos_advance(&c, 86400 * S);
	expect_time(&c, (const uint8_t[8]){ 0x24, 0x03, 0x01, 6, 0x00, 0x00, 0x00, 0x20 });
	init_at(&c, T_2000_02_28_235959);   /* divisible by 400: leap */
	cmos_advance(&c, S);
	expect_time(&c, (const uint8_t[8]){ 0x00, 0x02, 0x29, 3, 0x00, 0x00, 0x00, 0x20 });
	init_at(&c, T_2100_02_28_235959);   /* divisible by 100 only: not leap */
	cmos_advance(&c, S);
	expect_time(&c, (const uint8_t[8]){ 0x00, 0x03, 0x01, 2, 0x00, 0x00, 0x00, 0x21 });
}

/* One call over a long span gives the same as many small calls. */
static void test_large_advance(void **state)
{
	(void)state;
	struct cmos a, b;
	init_at(&a, T_2026_11_21_123456);
	init_at(&b, T_2026_11_21_123456);
	cmos_advance(&a, 365 * 86400 * S + 1234567);
	for (unsigned d = 0; d < 365; d++)
		cmos_advance(&b, 86400 * S);
	cmos_advance(&b, 1234567);
	expect_time(&a, (const uint8_t[8]){ 0x27, 0x11, 0x21, 1, 0x12, 0x34, 0x56, 0x20 });
	expect_time(&b, (const uint8_t[8]){ 0x27, 0x11, 0x21, 1, 0x12, 0x34, 0x56, 0x20 });
}

/* Long advances (whole seconds added at once) match 1 s steps, alarm
   included. */
static void test_long_advance_alarm(void **state)
{
	(void)state;
	struct cmos a, b;
	init_at(&a, T_2026_11_21_123456);
	init_at(&b, T_2026_11_21_123456);
	for (struct cmos *c = &a; c != NULL; c = c == &a ? &b : NULL) {
		wr(c, ASEC, 0x17);
		wr(c, AMIN, 0x50);
		wr(c, AHOUR, 0x12);
		wr(c, REG_B, 0x22);
	}
	assert_false(cmos_advance(&a, 600 * S));   /* to 12:44:56 */
	assert_int_equal(rd(&a, MIN), 0x44);
	assert_true(cmos_advance(&a, 600 * S));    /* passes 12:50:17 */
	assert_int_equal(rd(&a, REG_C) & 0xA0, 0xA0);
	unsigned raises = 0;
	for (unsigned s = 0; s < 1200; s++)
		raises += cmos_advance(&b, S);
	assert_int_equal(raises, 1);
	assert_int_equal(rd(&b, REG_C) & 0xA0, 0xA0);
	const uint8_t idx[] = { SEC, MIN, HOUR, DOW, DAY, MONTH, YEAR, CENTURY };
	for (unsigned i = 0; i < sizeof idx; i++)
		assert_int_equal(rd(&a, idx[i]), rd(&b, idx[i]));
	/* Binary mode, odd start phase, a long run over several days. */
	wr(&a, REG_B, 0x86);
	wr(&b, REG_B, 0x86);
	for (unsigned i = 0; i < sizeof idx; i++) {
		uint8_t v = (uint8_t)(rd(&a, idx[i]) % 0x10 + 1);
		wr(&a, idx[i], v);
		wr(&b, idx[i], v);
	}
	wr(&a, REG_B, 0x06);
	wr(&b, REG_B, 0x06);
	cmos_advance(&a, 3 * 86400 * S + 7777 * S + 123);
	for (unsigned s = 0; s < 3 * 86400 + 7777; s++)
		cmos_advance(&b, S);
	cmos_advance(&b, 123);
	for (unsigned i = 0; i < sizeof idx; i++)
		assert_int_equal(rd(&a, idx[i]), rd(&b, idx[i]));
}

static void test_binary_mode(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	wr(&c, REG_B, 0x80 | 0x04 | 0x02);   /* SET, binary, 24-hour */
	wr(&c, YEAR, 99);
	wr(&c, MONTH, 12);
	wr(&c, DAY, 31);
	wr(&c, DOW, 5);   /* 2099-12-31 was a Thursday */
	wr(&c, HOUR, 23);
	wr(&c, MIN, 59);
	wr(&c, SEC, 58);
	wr(&c, CENTURY, 20);
	wr(&c, REG_B, 0x06);
	cmos_advance(&c, S);
	expect_time(&c, (const uint8_t[8]){ 99, 12, 31, 5, 23, 59, 59, 20 });
	cmos_advance(&c, S);
	expect_time(&c, (const uint8_t[8]){ 0, 1, 1, 6, 0, 0, 0, 21 });
	cmos_advance(&c, 59 * 86400 * S + 13 * 3600 * S + 42 * S);   /* 2100-03-01 */
	expect_time(&c, (const uint8_t[8]){ 0, 3, 1, 2, 13, 0, 42, 21 });
}

static void test_12_hour_mode(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	wr(&c, REG_B, 0x80);          /* SET, BCD, 12-hour */
	wr(&c, HOUR, 0x11);           /* 11 AM */
	wr(&c, MIN, 0x59);
	wr(&c, SEC, 0x59);
	wr(&c, REG_B, 0x00);
	cmos_advance(&c, S);
	assert_int_equal(rd(&c, HOUR), 0x92);   /* 12 PM */
	cmos_advance(&c, 3600 * S);
	assert_int_equal(rd(&c, HOUR), 0x81);   /* 1 PM */
	cmos_advance(&c, 10 * 3600 * S);
	assert_int_equal(rd(&c, HOUR), 0x91);   /* 11 PM */
	assert_int_equal(rd(&c, DAY), 0x21);
	cmos_advance(&c, 3600 * S);
	assert_int_equal(rd(&c, HOUR), 0x12);   /* 12 AM, next day */
	assert_int_equal(rd(&c, DAY), 0x22);
	cmos_advance(&c, 3600 * S);
	assert_int_equal(rd(&c, HOUR), 0x01);   /* 1 AM */
	/* binary 12-hour: 12 PM is 0x8C */
	wr(&c, REG_B, 0x84);
	wr(&c, HOUR, 11);
	wr(&c, MIN, 59);
	wr(&c, SEC, 59);
	wr(&c, REG_B, 0x04);
	cmos_advance(&c, S);
	assert_int_equal(rd(&c, HOUR), 0x8C);
}

static void test_set_stops_clock(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	cmos_advance(&c, S / 2);
	wr(&c, REG_B, 0x82);
	cmos_advance(&c, 5 * S);
	assert_int_equal(rd(&c, SEC), 0x56);
	assert_int_equal(rd(&c, MIN), 0x34);
	wr(&c, SEC, 0x10);
	wr(&c, REG_B, 0x02);
	/* The divider kept running: the next update is at the old phase. */
	cmos_advance(&c, S / 2 - 1);
	assert_int_equal(rd(&c, SEC), 0x10);
	cmos_advance(&c, 1);
	assert_int_equal(rd(&c, SEC), 0x11);
}

static void test_set_clears_uie(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	wr(&c, REG_B, 0x12);
	assert_int_equal(rd(&c, REG_B), 0x12);
	wr(&c, REG_B, 0x92);
	assert_int_equal(rd(&c, REG_B), 0x82);
	assert_false(cmos_advance(&c, 3 * S));
	assert_int_equal(rd(&c, REG_C), 0x40);   /* PF (1024 Hz), no update, no UF */
}

static void test_periodic_1024hz(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	wr(&c, REG_B, 0x42);   /* PIE */
	uint64_t t = 0;
	unsigned raises = 0;
	while (t < S) {
		uint64_t n = cmos_next_irq_ns(&c);
		assert_true(n > 0 && n < 1000000);
		if (t + n > S)
			break;
		/* One ns short: no edge yet. */
		assert_false(cmos_advance(&c, n - 1));
		assert_true(cmos_advance(&c, 1));
		t += n;
		raises++;
		assert_true(cmos_irq8(&c));
		assert_int_equal(rd(&c, REG_C) & 0xC0, 0xC0);
		assert_false(cmos_irq8(&c));
		assert_int_equal(rd(&c, REG_C), 0x00);
	}
	assert_int_equal(raises, 1024);
	assert_int_equal(t, S);
}

static void test_periodic_rates(void **state)
{
	(void)state;
	for (unsigned rs = 1; rs < 16; rs++) {
		struct cmos c;
		init_at(&c, T_2026_11_21_123456);
		wr(&c, REG_A, (uint8_t)(0x20 | rs));
		wr(&c, REG_B, 0x42);
		unsigned raises = 0;
		/* 1 ms steps: reading C after each one. */
		for (unsigned ms = 0; ms < 1000; ms++) {
			if (cmos_advance(&c, 1000000))
				raises++;
			rd(&c, REG_C);
		}
		unsigned hz = rs == 1 ? 256 : rs == 2 ? 128 : 32768u >> (rs - 1);
		if (hz > 1000)
			hz = 1000;   /* at most one edge per 1 ms step */
		assert_int_equal(raises, hz);
	}
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	wr(&c, REG_A, 0x20);   /* RS = 0: no periodic interrupt */
	wr(&c, REG_B, 0x42);
	assert_int_equal(cmos_next_irq_ns(&c), UINT64_MAX);
	assert_false(cmos_advance(&c, 2 * S));
	assert_int_equal(rd(&c, REG_C), 0x10);   /* UF only, no PF */
}

static void test_pf_without_pie_and_late_enable(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	assert_false(cmos_advance(&c, 2000000));   /* PF set, PIE off */
	assert_false(cmos_irq8(&c));
	wr(&c, REG_B, 0x42);                       /* enable PIE: IRQF rises now */
	assert_true(cmos_irq8(&c));
	assert_int_equal(cmos_next_irq_ns(&c), 0);
	assert_true(cmos_advance(&c, 0));
	assert_false(cmos_advance(&c, 0));
	assert_int_equal(cmos_next_irq_ns(&c), UINT64_MAX);   /* already high */
	assert_int_equal(rd(&c, REG_C), 0xC0);
	/* Clearing the enable drops the line (IRQF = PF.PIE + ...). */
	cmos_advance(&c, 2000000);
	assert_true(cmos_irq8(&c));
	wr(&c, REG_B, 0x02);
	assert_false(cmos_irq8(&c));
	assert_int_equal(rd(&c, REG_C), 0x40);
}

static void test_alarm_interrupt(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	wr(&c, REG_A, 0x20);   /* no periodic flags, to see AF and UF alone */
	wr(&c, ASEC, 0x00);
	wr(&c, AMIN, 0x35);
	wr(&c, AHOUR, 0x12);
	wr(&c, REG_B, 0x22);   /* AIE */
	assert_false(cmos_advance(&c, 3 * S));
	assert_int_equal(rd(&c, REG_C), 0x10);   /* UF set each update, not enabled */
	assert_true(cmos_advance(&c, S));        /* 12:35:00 */
	assert_int_equal(rd(&c, REG_C), 0xB0);   /* IRQF, AF, UF */
	assert_false(cmos_advance(&c, 86399 * S));
	rd(&c, REG_C);
	assert_true(cmos_advance(&c, S));        /* next day, same time */
	assert_int_equal(rd(&c, DAY), 0x22);
}

static void test_alarm_dont_care(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	wr(&c, ASEC, 0x30);
	wr(&c, AMIN, 0xC0);
	wr(&c, AHOUR, 0xFF);
	wr(&c, REG_B, 0x22);
	unsigned raises = 0;
	for (unsigned s = 0; s < 180; s++) {
		if (cmos_advance(&c, S))
			raises++;
		rd(&c, REG_C);
	}
	assert_int_equal(raises, 3);   /* hh:mm:30 once a minute */
	wr(&c, ASEC, 0xC0);            /* all don't care: every second */
	raises = 0;
	for (unsigned s = 0; s < 10; s++) {
		uint64_t n = cmos_next_irq_ns(&c);
		assert_true(n <= S);
		if (cmos_advance(&c, n))
			raises++;
		rd(&c, REG_C);
	}
	assert_int_equal(raises, 10);
}

static void test_update_ended_interrupt(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	wr(&c, REG_A, 0x20);   /* no periodic flags, to see UF alone */
	cmos_advance(&c, 300000000);
	wr(&c, REG_B, 0x12);   /* UIE */
	assert_int_equal(cmos_next_irq_ns(&c), 700000000);
	unsigned raises = 0;
	for (unsigned ms = 0; ms < 5000; ms++) {
		if (cmos_advance(&c, 1000000)) {
			raises++;
			assert_int_equal(rd(&c, REG_C), 0x90);
			assert_int_equal(cmos_next_irq_ns(&c), S);   /* on a boundary */
		}
	}
	assert_int_equal(raises, 5);
	assert_int_equal(rd(&c, SEC), 0x01);
}

static void test_uip_timing(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	assert_int_equal(rd(&c, REG_A), 0x26);
	cmos_advance(&c, S - 244000 - 1);
	assert_int_equal(rd(&c, REG_A), 0x26);
	cmos_advance(&c, 1);
	assert_int_equal(rd(&c, REG_A), 0xA6);   /* 244 us before the update */
	assert_int_equal(rd(&c, SEC), 0x56);
	cmos_advance(&c, 243999);
	assert_int_equal(rd(&c, REG_A), 0xA6);
	cmos_advance(&c, 1);
	assert_int_equal(rd(&c, REG_A), 0x26);
	assert_int_equal(rd(&c, SEC), 0x57);
	/* SET holds UIP low; UIP is read-only. */
	cmos_advance(&c, S - 100000);
	assert_int_equal(rd(&c, REG_A), 0xA6);
	wr(&c, REG_B, 0x82);
	assert_int_equal(rd(&c, REG_A), 0x26);
	wr(&c, REG_B, 0x02);
	wr(&c, REG_A, 0x26 | 0x80);
	cmos_advance(&c, 100000);
	assert_int_equal(rd(&c, REG_A), 0x26);
}

static void test_divider_reset(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	wr(&c, REG_B, 0x52);   /* PIE and UIE */
	wr(&c, REG_A, 0x76);   /* divider held in reset */
	assert_int_equal(cmos_next_irq_ns(&c), UINT64_MAX);
	assert_false(cmos_advance(&c, 10 * S));
	assert_int_equal(rd(&c, SEC), 0x56);
	assert_int_equal(rd(&c, REG_C), 0x00);
	wr(&c, REG_B, 0x12);   /* UIE only */
	wr(&c, REG_A, 0x26);   /* run: first update 500 ms later */
	assert_int_equal(cmos_next_irq_ns(&c), S / 2);
	assert_false(cmos_advance(&c, S / 2 - 1));
	assert_true(cmos_advance(&c, 1));
	assert_int_equal(rd(&c, SEC), 0x57);
}

static void test_config_bytes_and_checksum(void **state)
{
	(void)state;
	struct cmos c;
	cmos_init(&c, T_2026_11_21_123456, 640, 15360, false, true);
	assert_int_equal(rd(&c, 0x0E), 0x00);
	assert_int_equal(rd(&c, 0x0F), 0x00);
	assert_int_equal(rd(&c, 0x10), 0x00);   /* no diskettes */
	assert_int_equal(rd(&c, 0x12), 0x00);   /* no fixed disks */
	assert_int_equal(rd(&c, 0x14), 0x22);   /* colour 80, coprocessor */
	assert_int_equal(rd(&c, 0x15), 0x80);   /* 640 = 0280h */
	assert_int_equal(rd(&c, 0x16), 0x02);
	assert_int_equal(rd(&c, 0x17), 0x00);   /* 15360 = 3C00h */
	assert_int_equal(rd(&c, 0x18), 0x3C);
	assert_int_equal(rd(&c, 0x30), 0x00);
	assert_int_equal(rd(&c, 0x31), 0x3C);
	assert_int_equal(rd(&c, 0x32), 0x20);
	unsigned sum = 0;
	for (uint8_t i = 0x10; i <= 0x2D; i++)
		sum += rd(&c, i);
	assert_int_equal(sum, 0x22 + 0x80 + 0x02 + 0x3C);
	assert_int_equal(rd(&c, 0x2E), sum >> 8);
	assert_int_equal(rd(&c, 0x2F), sum & 0xFF);

	cmos_init(&c, 0, 512, 70000, true, false);
	assert_int_equal(rd(&c, 0x14), 0x30);   /* monochrome, no coprocessor */
	assert_int_equal(rd(&c, 0x15), 0x00);
	assert_int_equal(rd(&c, 0x16), 0x02);
	assert_int_equal(rd(&c, 0x17), 0xFF);   /* clamped to FFFFh */
	assert_int_equal(rd(&c, 0x18), 0xFF);
	sum = 0;
	for (uint8_t i = 0x10; i <= 0x2D; i++)
		sum += rd(&c, i);
	assert_int_equal(rd(&c, 0x2E) << 8 | rd(&c, 0x2F), sum);
}

static void test_index_nmi_bit(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	cmos_write(&c, IDX, 0x8A);
	assert_true(cmos_nmi_masked(&c));
	assert_int_equal(cmos_read(&c, DATA), 0x26);   /* register A, not 8Ah */
	assert_int_equal(cmos_read(&c, IDX), 0xFF);
	cmos_write(&c, IDX, 0x80 | SEC);
	assert_int_equal(cmos_read(&c, DATA), 0x56);
	cmos_write(&c, IDX, 0x0D);
	assert_false(cmos_nmi_masked(&c));
	assert_int_equal(cmos_read(&c, DATA), 0x80);
	/* Repeated data reads keep the index. */
	assert_int_equal(cmos_read(&c, DATA), 0x80);
}

static void test_ram_registers(void **state)
{
	(void)state;
	struct cmos c;
	init_at(&c, T_2026_11_21_123456);
	for (unsigned i = 0x0E; i < 0x80; i++)
		wr(&c, (uint8_t)i, (uint8_t)(i * 7 + 3));
	for (unsigned i = 0x0E; i < 0x80; i++)
		assert_int_equal(rd(&c, (uint8_t)i), (uint8_t)(i * 7 + 3));
	/* The clock does not touch RAM (century aside) and does not fix the
	   checksum the guest wrote. */
	cmos_advance(&c, 5 * S);
	for (unsigned i = 0x0E; i < 0x80; i++)
		assert_int_equal(rd(&c, (uint8_t)i), (uint8_t)(i * 7 + 3));
	/* C and D are read-only. */
	rd(&c, REG_C);
	wr(&c, REG_C, 0xF0);
	wr(&c, REG_D, 0x00);
	assert_int_equal(rd(&c, REG_C), 0x00);
	assert_int_equal(rd(&c, REG_D), 0x80);
	/* Alarm bytes are plain storage too. */
	wr(&c, ASEC, 0x12);
	wr(&c, AMIN, 0x34);
	wr(&c, AHOUR, 0xC5);
	assert_int_equal(rd(&c, ASEC), 0x12);
	assert_int_equal(rd(&c, AMIN), 0x34);
	assert_int_equal(rd(&c, AHOUR), 0xC5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_time_from_epoch),
		cmocka_unit_test(test_init_matches_gmtime),
		cmocka_unit_test(test_power_on_registers),
		cmocka_unit_test(test_seconds_tick),
		cmocka_unit_test(test_year_and_century_rollover),
		cmocka_unit_test(test_minute_hour_day_month_rollover),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_large_advance),
		cmocka_unit_test(test_long_advance_alarm),
		cmocka_unit_test(test_binary_mode),
		cmocka_unit_test(test_12_hour_mode),
		cmocka_unit_test(test_set_stops_clock),
		cmocka_unit_test(test_set_clears_uie),
		cmocka_unit_test(test_periodic_1024hz),
		cmocka_unit_test(test_periodic_rates),
		cmocka_unit_test(test_pf_without_pie_and_late_enable),
		cmocka_unit_test(test_alarm_interrupt),
		cmocka_unit_test(test_alarm_dont_care),
		cmocka_unit_test(test_update_ended_interrupt),
		cmocka_unit_test(test_uip_timing),
		cmocka_unit_test(test_divider_reset),
		cmocka_unit_test(test_config_bytes_and_checksum),
		cmocka_unit_test(test_index_nmi_bit),
		cmocka_unit_test(test_ram_registers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
