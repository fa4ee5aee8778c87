/*
 * pit_test.c - device tests of the 8254 PIT (src/dev/pit.h): drive it through
 * port writes/reads, gate changes and virtual clock steps only, and check OUT
 * levels, OUT0 rising edges (IRQ 0) and counter values against the Intel
 * 8254 data sheet timing. Uses cmocka.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>

#include <cmocka.h>

#include "dev/pit.h"

enum { CTRL = 0x43, MODE_BCD = 0x100 };

static uint16_t ch_port(unsigned ch)
{
	return (uint16_t)(0x40 + ch);
}

/* Control word with RW = LSB then MSB, then the count, as a BIOS would.
   `mode` may carry MODE_BCD. */
static void program(struct pit *t, unsigned ch, unsigned mode, uint16_t count)
{
	pit_write(t, CTRL, (uint8_t)(ch << 6 | 0x30 | (mode & 7) << 1 | !!(mode & MODE_BCD)));
	pit_write(t, ch_port(ch), (uint8_t)count);
	pit_write(t, ch_port(ch), (uint8_t)(count >> 8));
}

/* Counter latch command, then LSB and MSB (RW = LSB then MSB). */
static uint16_t latch_read(struct pit *t, unsigned ch)
{
	pit_write(t, CTRL, (uint8_t)(ch << 6));
	uint8_t lo = pit_read(t, ch_port(ch));
	uint8_t hi = pit_read(t, ch_port(ch));
	return (uint16_t)(lo | hi << 8);
}

static uint8_t read_status(struct pit *t, unsigned ch)
{
	pit_write(t, CTRL, (uint8_t)(0xE0 | 2u << ch));  /* read-back, status only */
	return pit_read(t, ch_port(ch));
}

/* Edges expected from a periodic counter of period n, t ticks after the
   count was written: the first rising edge comes at n + 1. */
static uint64_t periodic_edges(uint64_t n, uint64_t ticks)
{
	return ticks < n + 1 ? 0 : (ticks - n - 1) / n + 1;
}

static void test_power_on(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	for (unsigned ch = 0; ch < PIT_CHANNELS; ch++)
		assert_true(pit_out(&t, ch));
	assert_false(pit_out(&t, 3));
	assert_int_equal(pit_read(&t, CTRL), 0xFF);
	assert_int_equal(pit_next_edge0(&t), UINT64_MAX);
	assert_int_equal(pit_advance(&t, 10 * (uint64_t)PIT_HZ), 0);
	assert_int_equal(pit_port61_read(&t, 0x00), 0x20);  /* OUT2 high, gate 2 low */
	assert_int_equal(pit_period_ticks(&t, 0), 0);
}

/* BIOS setup: counter 0 mode 3 count 0 gives PIT_HZ / 65536 = 18.2065 Hz. */
static void test_bios_timer_18hz(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	program(&t, 0, 3, 0);
	assert_int_equal(pit_period_ticks(&t, 0), 0);  /* not loaded yet */
	assert_int_equal(pit_advance(&t, PIT_HZ), 18);
	assert_int_equal(pit_period_ticks(&t, 0), 65536);
	assert_int_equal(pit_advance(&t, 65536u * 1000u), 1000);

	pit_init(&t);
	pit_bios_setup(&t);
	uint64_t hour = 3600ull * PIT_HZ, edges = 0;
	for (int s = 0; s < 3600; s++)
		edges += pit_advance(&t, PIT_HZ);
	assert_int_equal(edges, periodic_edges(65536, hour));
	assert_int_equal(edges, 65543);  /* 18.2065 Hz * 3600 s = 65543.4 */
}

/* Mode 3, even count: OUT high N/2 clocks, low N/2; CE counts down by two. */
static void test_mode3_even_waveform(void **state)
{
	(void)state;
	static const bool out[] = { 1, 1, 1, 0, 0, 1, 1, 0, 0, 1 };
	static const uint16_t val[] = { 0, 4, 2, 4, 2, 4, 2, 4, 2, 4 };
	static const unsigned edge[] = { 0, 0, 0, 0, 0, 1, 0, 0, 0, 1 };
	struct pit t;
	pit_init(&t);
	program(&t, 0, 3, 4);
	for (unsigned k = 1; k < sizeof(out); k++) {
		assert_int_equal(pit_advance(&t, 1), edge[k]);
		assert_int_equal(pit_out(&t, 0), out[k]);
		assert_int_equal(latch_read(&t, 0), val[k]);
	}
}

/* Mode 3, odd count: N-1 loaded, OUT high (N+1)/2 clocks, low (N-1)/2. */
static void test_mode3_odd_count(void **state)
{
	(void)state;
	static const bool out[] = { 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1 };
	static const uint16_t val[] = { 0, 4, 2, 0, 4, 2, 4, 2, 0, 4, 2, 4 };
	struct pit t;
	pit_init(&t);
	program(&t, 0, 3, 5);
	unsigned edges = 0;
	for (unsigned k = 1; k < sizeof(out); k++) {
		edges += pit_advance(&t, 1);
		assert_int_equal(pit_out(&t, 0), out[k]);
		assert_int_equal(latch_read(&t, 0), val[k]);
	}
	assert_int_equal(edges, 2);  /* at clocks 6 and 11: period 5 */
}

/* Mode 2: OUT low for the one clock when CE = 1, then reload, period N. */
static void test_mode2_rate_generator(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	program(&t, 0, 2, 10);
	assert_int_equal(pit_advance(&t, 1), 0);
	assert_int_equal(latch_read(&t, 0), 10);
	assert_int_equal(pit_advance(&t, 8), 0);
	assert_true(pit_out(&t, 0));
	assert_int_equal(latch_read(&t, 0), 2);
	assert_int_equal(pit_advance(&t, 1), 0);   /* clock 10: CE = 1 */
	assert_false(pit_out(&t, 0));
	assert_int_equal(latch_read(&t, 0), 1);
	assert_int_equal(pit_advance(&t, 1), 1);   /* clock 11: reload, rising edge */
	assert_true(pit_out(&t, 0));
	assert_int_equal(latch_read(&t, 0), 10);
	assert_int_equal(pit_advance(&t, 9), 0);
	assert_false(pit_out(&t, 0));
	assert_int_equal(pit_advance(&t, 1), 1);
	assert_int_equal(pit_advance(&t, 10 * 99), 99);
	assert_int_equal(pit_period_ticks(&t, 0), 10);
}

/* Mode 0: OUT low, rises N+1 clocks after the write, stays high; CE wraps. */
static void test_mode0_one_shot(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	program(&t, 0, 0, 100);
	assert_false(pit_out(&t, 0));
	assert_int_equal(pit_advance(&t, 100), 0);
	assert_false(pit_out(&t, 0));
	assert_int_equal(latch_read(&t, 0), 1);
	assert_int_equal(pit_advance(&t, 1), 1);
	assert_true(pit_out(&t, 0));
	assert_int_equal(latch_read(&t, 0), 0);
	assert_int_equal(pit_advance(&t, 1), 0);
	assert_int_equal(latch_read(&t, 0), 0xFFFF);  /* keeps counting */
	assert_int_equal(pit_advance(&t, 10u * 65536u), 0);
	assert_true(pit_out(&t, 0));
	assert_int_equal(pit_next_edge0(&t), UINT64_MAX);

	/* A new count drops OUT at once and starts a new interval. */
	pit_write(&t, 0x40, 5);
	pit_write(&t, 0x40, 0);
	assert_false(pit_out(&t, 0));
	assert_int_equal(pit_next_edge0(&t), 6);
	assert_int_equal(pit_advance(&t, 6), 1);
}

/* Mode 0, two-byte count: the first byte stops counting and drops OUT. */
static void test_mode0_first_byte_stops(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	program(&t, 0, 0, 1000);
	pit_advance(&t, 500);
	assert_int_equal(latch_read(&t, 0), 501);
	pit_write(&t, 0x40, 0x10);
	assert_false(pit_out(&t, 0));
	assert_int_equal(pit_advance(&t, 5000), 0);
	assert_int_equal(latch_read(&t, 0), 501);    /* stopped */
	pit_write(&t, 0x40, 0x00);                   /* count 0x0010 */
	assert_int_equal(pit_advance(&t, 16), 0);
	assert_int_equal(pit_advance(&t, 1), 1);
}

/* Mode 0 with GATE low: the count is still loaded, counting waits. */
static void test_mode0_gate_pauses(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	pit_set_gate(&t, 0, false);
	program(&t, 0, 0, 10);
	assert_int_equal(pit_advance(&t, 100), 0);
	assert_int_equal(latch_read(&t, 0), 10);
	pit_set_gate(&t, 0, true);
	assert_int_equal(pit_advance(&t, 5), 0);
	pit_set_gate(&t, 0, false);
	assert_int_equal(pit_advance(&t, 100), 0);
	assert_int_equal(latch_read(&t, 0), 5);
	pit_set_gate(&t, 0, true);
	assert_int_equal(pit_next_edge0(&t), 5);
	assert_int_equal(pit_advance(&t, 5), 1);
}

/* Mode 1: a GATE rising edge starts an N-clock low pulse; retriggerable. */
static void test_mode1_retriggerable_one_shot(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	pit_set_gate(&t, 0, false);
	program(&t, 0, 1, 10);
	assert_int_equal(pit_advance(&t, 50), 0);
	assert_true(pit_out(&t, 0));
	pit_set_gate(&t, 0, true);
	assert_int_equal(pit_advance(&t, 1), 0);
	assert_false(pit_out(&t, 0));
	assert_int_equal(pit_advance(&t, 9), 0);
	assert_false(pit_out(&t, 0));
	assert_int_equal(pit_advance(&t, 1), 1);    /* pulse of 10 clocks */
	assert_true(pit_out(&t, 0));
	assert_int_equal(pit_advance(&t, 1000), 0);  /* one shot only */

	pit_set_gate(&t, 0, false);
	pit_set_gate(&t, 0, true);
	assert_int_equal(pit_advance(&t, 6), 0);
	pit_set_gate(&t, 0, false);                 /* GATE low does not stop mode 1 */
	pit_set_gate(&t, 0, true);                  /* retrigger mid-pulse */
	assert_int_equal(pit_advance(&t, 10), 0);
	assert_false(pit_out(&t, 0));
	assert_int_equal(pit_advance(&t, 1), 1);
}

/* Mode 4: OUT strobes low for one clock N+1 clocks after the write. */
static void test_mode4_software_strobe(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	program(&t, 0, 4, 5);
	assert_true(pit_out(&t, 0));
	assert_int_equal(pit_advance(&t, 5), 0);
	assert_true(pit_out(&t, 0));
	assert_int_equal(pit_advance(&t, 1), 0);
	assert_false(pit_out(&t, 0));
	assert_int_equal(pit_advance(&t, 1), 1);
	assert_true(pit_out(&t, 0));
	assert_int_equal(pit_advance(&t, 200000), 0);
	assert_int_equal(pit_next_edge0(&t), UINT64_MAX);
}

/* Mode 5: like mode 4 but started (and restarted) by a GATE rising edge. */
static void test_mode5_hardware_strobe(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	pit_set_gate(&t, 0, false);
	program(&t, 0, 5, 3);
	assert_int_equal(pit_advance(&t, 100), 0);
	assert_int_equal(pit_next_edge0(&t), UINT64_MAX);
	pit_set_gate(&t, 0, true);
	assert_int_equal(pit_advance(&t, 3), 0);
	assert_int_equal(pit_advance(&t, 1), 0);
	assert_false(pit_out(&t, 0));
	assert_int_equal(pit_advance(&t, 1), 1);
	assert_int_equal(pit_advance(&t, 100000), 0);
	pit_set_gate(&t, 0, false);
	pit_set_gate(&t, 0, true);
	assert_int_equal(pit_next_edge0(&t), 5);
	assert_int_equal(pit_advance(&t, 5), 1);
}

/* Counter latch: the value is frozen in OL while CE keeps counting; a
   second latch before the read is ignored. */
static void test_latch_freezes_value(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	program(&t, 0, 2, 1000);
	pit_advance(&t, 100);
	pit_write(&t, CTRL, 0x00);                  /* latch counter 0 */
	pit_advance(&t, 50);
	pit_write(&t, CTRL, 0x00);                  /* ignored: still latched */
	pit_advance(&t, 50);
	assert_int_equal(pit_read(&t, 0x40), 901 & 0xFF);
	assert_int_equal(pit_read(&t, 0x40), 901 >> 8);
	/* Latch released: reads follow CE again. */
	assert_int_equal(pit_read(&t, 0x40), 801 & 0xFF);
	assert_int_equal(pit_read(&t, 0x40), 801 >> 8);
	assert_int_equal(latch_read(&t, 0), 801);
}

/* RW modes: LSB then MSB, LSB only, MSB only. */
static void test_lo_hi_read_order(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);                               /* GATE2 low: counter 2 holds */
	program(&t, 2, 0, 0x1234);
	pit_advance(&t, 1);
	assert_int_equal(pit_read(&t, 0x42), 0x34);
	assert_int_equal(pit_read(&t, 0x42), 0x12);
	assert_int_equal(pit_read(&t, 0x42), 0x34);
	assert_int_equal(pit_read(&t, 0x42), 0x12);

	pit_write(&t, CTRL, 0x90);                  /* counter 2, LSB only, mode 0 */
	pit_write(&t, 0x42, 0x56);
	pit_advance(&t, 1);
	assert_int_equal(pit_read(&t, 0x42), 0x56);
	assert_int_equal(pit_read(&t, 0x42), 0x56);

	pit_write(&t, CTRL, 0xA0);                  /* counter 2, MSB only, mode 0 */
	pit_write(&t, 0x42, 0x78);
	pit_advance(&t, 1);
	assert_int_equal(pit_read(&t, 0x42), 0x78);
	assert_int_equal(latch_read(&t, 2) & 0xFF, 0x78);  /* one read releases it */
}

/* The read and write byte flip-flops are independent (data sheet: read LSB,
   write LSB, read MSB, write MSB is a valid sequence). */
static void test_read_write_flipflops_independent(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	program(&t, 2, 0, 0xABCD);
	pit_advance(&t, 1);
	assert_int_equal(pit_read(&t, 0x42), 0xCD);
	pit_write(&t, 0x42, 0x22);
	assert_int_equal(pit_read(&t, 0x42), 0xAB);
	pit_write(&t, 0x42, 0x11);
	pit_advance(&t, 1);
	assert_int_equal(pit_read(&t, 0x42), 0x22);
	assert_int_equal(pit_read(&t, 0x42), 0x11);
}

/* Read-back status: OUT, NULL COUNT and the control word bits 5-0. */
static void test_readback_status(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	pit_write(&t, CTRL, 0xB6);                  /* counter 2, LSB/MSB, mode 3 */
	assert_int_equal(read_status(&t, 2), 0x80 | 0x40 | 0x36);
	pit_write(&t, 0x42, 0x33);
	pit_write(&t, 0x42, 0x05);
	assert_int_equal(read_status(&t, 2), 0x80 | 0x40 | 0x36);
	pit_advance(&t, 1);                         /* CR -> CE clears NULL COUNT */
	assert_int_equal(read_status(&t, 2), 0x80 | 0x36);

	pit_write(&t, CTRL, 0x31);                  /* counter 0, mode 0, BCD */
	assert_int_equal(read_status(&t, 0), 0x40 | 0x31);
	pit_write(&t, CTRL, 0x3E);                  /* mode 7 reads back as written */
	assert_int_equal(read_status(&t, 0), 0x80 | 0x40 | 0x3E);
}

/* Read-back of count and status together: status first, then the count;
   one command can latch several counters. */
static void test_readback_count_and_status(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	program(&t, 0, 2, 100);
	program(&t, 1, 2, 200);
	pit_advance(&t, 10);
	pit_write(&t, CTRL, 0xC6);                  /* count + status, counters 0, 1 */
	pit_advance(&t, 20);
	assert_int_equal(pit_read(&t, 0x40), 0x80 | 0x34);
	assert_int_equal(pit_read(&t, 0x40), 91);
	assert_int_equal(pit_read(&t, 0x40), 0);
	assert_int_equal(pit_read(&t, 0x41), 0x80 | 0x34);
	assert_int_equal(pit_read(&t, 0x41), 191);
	assert_int_equal(pit_read(&t, 0x41), 0);
	assert_int_equal(latch_read(&t, 0), 71);    /* released, live again */

	pit_write(&t, CTRL, 0xD2);                  /* count only, counter 0 */
	assert_int_equal(pit_read(&t, 0x40), 71);
	assert_int_equal(pit_read(&t, 0x40), 0);
}

/* Counter 2 behind port 61h: bit 0 gates it, bit 5 reads OUT2, bit 1 ANDs
   the speaker. Count 1193 gives a 1000 Hz tone. */
static void test_speaker_gate_port61(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	program(&t, 2, 3, 1193);
	assert_int_equal(pit_advance(&t, 10000), 0);
	assert_int_equal(pit_port61_read(&t, 0x00) & 0x20, 0x20);   /* held high */
	assert_int_equal(pit_period_ticks(&t, 2), 0);

	pit_port61_write(&t, 0x03);
	pit_advance(&t, 1);                         /* trigger: reload */
	assert_int_equal(pit_period_ticks(&t, 2), 1193);
	assert_int_equal(pit_port61_read(&t, 0x03) & 0x0F, 0x03);
	unsigned high = 1, low = 0;
	for (unsigned k = 0; k < 1193 - 1; k++) {
		pit_advance(&t, 1);
		if (pit_port61_read(&t, 0x03) & 0x20)
			high++;
		else
			low++;
	}
	assert_int_equal(high, 597);                /* (N + 1) / 2 */
	assert_int_equal(low, 596);                 /* (N - 1) / 2 */
	assert_false(pit_speaker_level(&t, 0x03));  /* last clock of the low half */
	pit_advance(&t, 1);
	assert_true(pit_speaker_level(&t, 0x03));
	assert_false(pit_speaker_level(&t, 0x01));  /* speaker data bit off */

	unsigned changes = 0;
	bool last = pit_port61_read(&t, 0x03) & 0x20;
	for (uint64_t k = 0; k < PIT_HZ; k += 50) {
		pit_advance(&t, 50);
		bool now = pit_port61_read(&t, 0x03) & 0x20;
		changes += now != last;
		last = now;
	}
	assert_in_range(changes, 1999, 2001);       /* 1000.15 Hz, two changes a cycle */

	while (pit_out(&t, 2))
		pit_advance(&t, 1);
	pit_port61_write(&t, 0x00);                 /* GATE2 low: OUT2 high at once */
	assert_true(pit_out(&t, 2));
	pit_advance(&t, 5000);
	assert_true(pit_out(&t, 2));
}

/* BCD: four decades, count 0 means 10000, reads back in BCD. */
static void test_bcd_counting(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	program(&t, 0, 0 | MODE_BCD, 0x0100);       /* 100 decimal */
	pit_advance(&t, 1);
	assert_int_equal(latch_read(&t, 0), 0x0100);
	pit_advance(&t, 11);
	assert_int_equal(latch_read(&t, 0), 0x0089);
	assert_int_equal(pit_advance(&t, 89), 1);
	pit_advance(&t, 1);
	assert_int_equal(latch_read(&t, 0), 0x9999);  /* wraps in BCD */

	program(&t, 0, 2 | MODE_BCD, 0x0000);       /* 10^4 */
	pit_advance(&t, 1);
	assert_int_equal(latch_read(&t, 0), 0x0000);
	pit_advance(&t, 1);
	assert_int_equal(latch_read(&t, 0), 0x9999);
	assert_int_equal(pit_period_ticks(&t, 0), 10000);
	assert_int_equal(pit_advance(&t, 9999 + 50000), 6);
}

/* Modes 2 and 3: a new count waits for the next reload. */
static void test_reprogram_mid_count(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	program(&t, 0, 2, 100);
	pit_advance(&t, 50);
	pit_write(&t, 0x40, 30);
	pit_write(&t, 0x40, 0);
	assert_int_equal(read_status(&t, 0) & 0x40, 0x40);  /* NULL COUNT */
	assert_int_equal(pit_next_edge0(&t), 51);          /* old period ends at 101 */
	assert_int_equal(pit_advance(&t, 51), 1);
	assert_int_equal(read_status(&t, 0) & 0x40, 0);
	assert_int_equal(pit_next_edge0(&t), 30);
	assert_int_equal(pit_advance(&t, 300), 10);

	/* Mode 3: the current half-cycle (high, 50 clocks) finishes with the
	   old count, the low half uses the new one (20 clocks). */
	program(&t, 0, 3, 100);
	pit_advance(&t, 10);
	pit_write(&t, 0x40, 40);
	pit_write(&t, 0x40, 0);
	assert_int_equal(pit_next_edge0(&t), 61);
	assert_int_equal(pit_advance(&t, 41), 0);
	assert_false(pit_out(&t, 0));
	assert_int_equal(pit_advance(&t, 20), 1);
	assert_int_equal(pit_next_edge0(&t), 40);

	/* Mode 2 to mode 0 by a new control word stops the rate generator. */
	program(&t, 0, 0, 50);
	assert_int_equal(pit_advance(&t, 51), 1);
	assert_int_equal(pit_advance(&t, 1000), 0);
}

/* A control word or GATE low can raise OUT0 with no clock: that edge is
   reported by the next pit_advance(). */
static void test_edges_outside_advance(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	program(&t, 0, 0, 10);
	assert_int_equal(pit_advance(&t, 5), 0);
	pit_write(&t, CTRL, 0x34);                  /* mode 2: OUT high at once */
	assert_true(pit_out(&t, 0));
	assert_int_equal(pit_next_edge0(&t), 0);
	assert_int_equal(pit_advance(&t, 0), 1);
	assert_int_equal(pit_next_edge0(&t), UINT64_MAX);  /* no count yet */

	program(&t, 0, 2, 10);
	assert_int_equal(pit_advance(&t, 10), 0);
	assert_false(pit_out(&t, 0));               /* the low clock */
	pit_set_gate(&t, 0, false);                 /* forces OUT high */
	assert_true(pit_out(&t, 0));
	assert_int_equal(pit_advance(&t, 100), 1);
	assert_int_equal(pit_next_edge0(&t), UINT64_MAX);
	pit_set_gate(&t, 0, true);                  /* trigger: reload next clock */
	assert_int_equal(pit_next_edge0(&t), 11);
	assert_int_equal(pit_advance(&t, 10), 0);
	assert_int_equal(pit_advance(&t, 1), 1);
}

/* pit_next_edge0() is exact: advancing one tick less gives no edge. */
static void test_next_edge0_accuracy(void **state)
{
	(void)state;
	static const struct { unsigned mode; uint16_t count; } cfg[] = {
		{ 0, 1000 }, { 2, 777 }, { 3, 999 }, { 3, 0 }, { 3, 2 },
		{ 4, 12 }, { 2, 0 | 0 }, { 2 | MODE_BCD, 0x1234 },
	};
	uint32_t seed = 12345;
	for (size_t i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++) {
		struct pit t;
		pit_init(&t);
		program(&t, 0, cfg[i].mode, cfg[i].count);
		unsigned edges = 0;
		for (int round = 0; round < 40; round++) {
			uint64_t n = pit_next_edge0(&t);
			if (n == UINT64_MAX) {
				assert_int_equal(pit_advance(&t, 1000000), 0);
				break;
			}
			assert_true(n >= 1);
			assert_int_equal(pit_advance(&t, n - 1), 0);
			assert_int_equal(pit_advance(&t, 1), 1);
			edges++;
			seed = seed * 1103515245u + 12345u;
			uint64_t skip = (seed >> 8) % 70000;
			if (skip < pit_next_edge0(&t))
				assert_int_equal(pit_advance(&t, skip), 0);
		}
		assert_true(edges >= 1);
		if (cfg[i].mode == 0 || cfg[i].mode == 4)
			assert_int_equal(edges, 1);
	}
}

/* Large advances cost no more than small ones and stay exact. */
static void test_large_advances(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	pit_bios_setup(&t);                         /* counter 1 every 18 clocks too */
	uint64_t days = 30ull * 86400ull * PIT_HZ;
	assert_int_equal(pit_advance(&t, days), periodic_edges(65536, days));

	pit_init(&t);
	program(&t, 0, 2, 2);
	assert_int_equal(pit_advance(&t, 1ull << 40), UINT_MAX);  /* saturates */
	assert_true(pit_next_edge0(&t) <= 2);
	uint64_t n = pit_next_edge0(&t);
	assert_int_equal(pit_advance(&t, n + 2 * 1000), 1001);

	pit_init(&t);
	program(&t, 0, 0, 0);                       /* 65536 clocks, once */
	assert_int_equal(pit_advance(&t, UINT64_MAX / 2), 1);
	assert_int_equal(pit_advance(&t, UINT64_MAX / 2), 0);
}

/* Port 61h bit 4 toggles on each refresh request (OUT1 rising edge). */
static void test_refresh_detect_bit4(void **state)
{
	(void)state;
	struct pit t;
	pit_init(&t);
	pit_bios_setup(&t);                         /* counter 1: mode 2, count 18 */
	assert_int_equal(pit_port61_read(&t, 0) & 0x10, 0);
	pit_advance(&t, 18);
	assert_int_equal(pit_port61_read(&t, 0) & 0x10, 0);
	pit_advance(&t, 1);                         /* first OUT1 edge at 19 */
	assert_int_equal(pit_port61_read(&t, 0) & 0x10, 0x10);
	pit_advance(&t, 18);
	assert_int_equal(pit_port61_read(&t, 0) & 0x10, 0);
	pit_advance(&t, 18 * 1001);
	assert_int_equal(pit_port61_read(&t, 0) & 0x10, 0x10);
}

/* Event arithmetic matches clock-by-clock stepping: two timers get the same
   random writes and gate changes; one advances in single ticks, the other in
   one call. Edges, OUT levels, counts and status must agree. */
static void test_jumps_match_single_ticks(void **state)
{
	(void)state;
	static const uint8_t ctrl[] = { 0x30, 0x32, 0x34, 0x36, 0x38, 0x3A, 0x35, 0x37,
					0x10, 0x20, 0x3C, 0x3E };
	struct pit a, b;
	pit_init(&a);
	pit_init(&b);
	uint32_t seed = 4242;
	for (int round = 0; round < 5000; round++) {
		seed = seed * 1103515245u + 12345u;
		unsigned r = seed >> 8, ch = r % 3;
		switch ((r >> 2) % 8) {
		case 0: {
			uint8_t cw = (uint8_t)(ch << 6 | ctrl[(r >> 5) % sizeof(ctrl)]);
			pit_write(&a, CTRL, cw);
			pit_write(&b, CTRL, cw);
			break;
		}
		case 1:
		case 2: {
			uint8_t v = (uint8_t)((r >> 9) % 7 == 0 ? 0 : (r >> 12) % 40 + 1);
			pit_write(&a, ch_port(ch), v);
			pit_write(&b, ch_port(ch), v);
			break;
		}
		case 3:
			pit_set_gate(&a, ch, (r >> 9) & 1);
			pit_set_gate(&b, ch, (r >> 9) & 1);
			break;
		default: {
			uint64_t n = (r >> 9) % 300;
			unsigned ea = pit_advance(&a, n), eb = 0;
			for (uint64_t k = 0; k < n; k++)
				eb += pit_advance(&b, 1);
			eb += pit_advance(&b, 0);
			assert_int_equal(ea, eb);
			break;
		}
		}
		assert_int_equal(pit_next_edge0(&a), pit_next_edge0(&b));
		for (unsigned c = 0; c < PIT_CHANNELS; c++) {
			assert_int_equal(pit_out(&a, c), pit_out(&b, c));
			pit_write(&a, CTRL, (uint8_t)(0xC0 | 2u << c));  /* count + status */
			pit_write(&b, CTRL, (uint8_t)(0xC0 | 2u << c));
			for (int k = 0; k < 3; k++)
				assert_int_equal(pit_read(&a, ch_port(c)), pit_read(&b, ch_port(c)));
		}
		assert_int_equal(pit_port61_read(&a, 3), pit_port61_read(&b, 3));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_power_on),
		cmocka_unit_test(test_bios_timer_18hz),
		cmocka_unit_test(test_mode3_even_waveform),
		cmocka_unit_test(test_mode3_odd_count),
		cmocka_unit_test(test_mode2_rate_generator),
		cmocka_unit_test(test_mode0_one_shot),
		cmocka_unit_test(test_mode0_first_byte_stops),
		cmocka_unit_test(test_mode0_gate_pauses),
		cmocka_unit_test(test_mode1_retriggerable_one_shot),
		cmocka_unit_test(test_mode4_software_strobe),
		cmocka_unit_test(test_mode5_hardware_strobe),
		cmocka_unit_test(test_latch_freezes_value),
		cmocka_unit_test(test_lo_hi_read_order),
		cmocka_unit_test(test_read_write_flipflops_independent),
		cmocka_unit_test(test_readback_status),
		cmocka_unit_test(test_readback_count_and_status),
		cmocka_unit_test(test_speaker_gate_port61),
		cmocka_unit_test(test_bcd_counting),
		cmocka_unit_test(test_reprogram_mid_count),
		cmocka_unit_test(test_edges_outside_advance),
		cmocka_unit_test(test_next_edge0_accuracy),
		cmocka_unit_test(test_large_advances),
		cmocka_unit_test(test_refresh_detect_bit4),
		cmocka_unit_test(test_jumps_match_single_ticks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
