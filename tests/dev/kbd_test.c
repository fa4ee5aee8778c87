/*
 * kbd_test.c - device tests of the 8042 keyboard controller and keyboard
 * (src/dev/kbd.c), driven only through ports 60h/64h, virtual time steps,
 * the IRQ lines and host key injection. Command and reply bytes are those of
 * the IBM PC AT Technical Reference (see the tables in kbd.h).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dev/kbd.h"

enum { DATA = KBD_DATA_PORT, CMD = KBD_STATUS_PORT };

/* Set 1 make codes used below. */
enum {
	K_ESC = 0x01, K_1 = 0x02, K_A = 0x1E, K_H = 0x23, K_I = 0x17,
	K_LSHIFT = 0x2A, K_CTRL = 0x1D, K_UP = 0x48, K_ENTER = 0x1C,
};

static uint8_t status(struct kbd *k)
{
	return kbd_read(k, CMD);
}

/* The guest's polled read: the buffer must be full; then let the next
   keyboard byte travel. */
static uint8_t next_byte(struct kbd *k)
{
	assert_true(status(k) & KBD_ST_OBF);
	uint8_t v = kbd_read(k, DATA);
	kbd_advance(k, KBD_BYTE_GAP_NS);
	return v;
}

static void assert_empty(struct kbd *k)
{
	kbd_advance(k, KBD_BYTE_GAP_NS);
	assert_false(status(k) & KBD_ST_OBF);
	assert_false(kbd_irq1(k));
}

static void ctl(struct kbd *k, uint8_t c)
{
	kbd_write(k, CMD, c);
}

static void ctl_data(struct kbd *k, uint8_t c, uint8_t v)
{
	kbd_write(k, CMD, c);
	kbd_write(k, DATA, v);
}

static uint8_t ctl_read(struct kbd *k, uint8_t c)
{
	kbd_write(k, CMD, c);
	return next_byte(k);
}

static void test_power_on_state(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	assert_int_equal(status(&k), KBD_ST_SYS | KBD_ST_UNLOCKED);
	assert_false(kbd_irq1(&k));
	assert_false(kbd_irq12(&k));
	assert_true(kbd_a20(&k));
	assert_false(kbd_reset_requested(&k));
	assert_true(kbd_scanning(&k));
	assert_int_equal(kbd_leds(&k), 0);
	assert_int_equal(kbd_pending_ns(&k), UINT64_MAX);
	assert_int_equal(ctl_read(&k, 0x20), 0x45);
	/* status bit 3: the last write went to 64h */
	assert_true(status(&k) & KBD_ST_CMD);
	assert_int_equal(kbd_read(&k, 0x61), 0xFF);
}

static void test_key_press_raises_irq1(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	assert_int_equal(kbd_key(&k, K_A, false, true), 0);
	assert_true(kbd_irq1(&k));
	assert_int_equal(status(&k) & (KBD_ST_OBF | KBD_ST_AOBF), KBD_ST_OBF);
	assert_int_equal(kbd_read(&k, DATA), K_A);
	assert_false(status(&k) & KBD_ST_OBF);
	assert_false(kbd_irq1(&k));
}

static void test_release_code(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	assert_int_equal(kbd_key(&k, K_A, false, true), 0);
	assert_int_equal(kbd_key(&k, K_A, false, false), 0);
	assert_int_equal(next_byte(&k), 0x1E);
	assert_int_equal(next_byte(&k), 0x9E);
	assert_empty(&k);
}

static void test_extended_keys(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	kbd_key(&k, K_CTRL, true, true);   /* right Ctrl */
	kbd_key(&k, K_CTRL, true, false);
	kbd_key(&k, K_UP, true, true);     /* grey Up arrow */
	kbd_key(&k, K_UP, true, false);
	const uint8_t want[] = { 0xE0, 0x1D, 0xE0, 0x9D, 0xE0, 0x48, 0xE0, 0xC8 };
	for (size_t i = 0; i < sizeof(want); i++)
		assert_int_equal(next_byte(&k), want[i]);
	assert_empty(&k);
}

/* After a read the line falls; a second read returns the same byte; the
   next byte needs the serial gap of virtual time. */
static void test_byte_gap_and_double_read(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	kbd_key(&k, K_UP, true, true);
	assert_true(kbd_irq1(&k));
	assert_int_equal(kbd_read(&k, DATA), 0xE0);
	assert_false(kbd_irq1(&k));
	assert_int_equal(kbd_read(&k, DATA), 0xE0);
	assert_int_equal(kbd_pending_ns(&k), KBD_BYTE_GAP_NS);
	kbd_advance(&k, KBD_BYTE_GAP_NS - 1);
	assert_false(status(&k) & KBD_ST_OBF);
	assert_int_equal(kbd_pending_ns(&k), 1);
	kbd_advance(&k, 1);
	assert_true(kbd_irq1(&k));
	assert_int_equal(kbd_pending_ns(&k), UINT64_MAX);
	assert_int_equal(kbd_read(&k, DATA), 0x48);
}

static void test_queue_order_and_overflow(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	int n = 0;
	while (kbd_key(&k, (uint8_t)(1 + n % 0x58), false, true) == 0)
		n++;
	assert_true(n >= 16);
	assert_int_equal(kbd_key(&k, K_A, false, true), -ENOSPC);
	/* the first key already sits in the output buffer; the queue is full */
	for (int i = 0; i < n; i++)
		assert_int_equal(next_byte(&k), 1 + i % 0x58);
	assert_empty(&k);
	assert_int_equal(kbd_key(&k, K_A, false, true), 0);
	assert_int_equal(kbd_key(&k, 0x00, false, true), -EINVAL);
	assert_int_equal(kbd_key(&k, 0x80, false, true), -EINVAL);
	assert_int_equal(next_byte(&k), K_A);
}

static void test_type_text(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	assert_int_equal(kbd_type_text(&k, "Hi!\r"), 0);
	const uint8_t want[] = {
		0x2A, 0x23, 0xA3, 0xAA,   /* Shift+H */
		0x17, 0x97,               /* i */
		0x2A, 0x02, 0x82, 0xAA,   /* Shift+1 */
		0x1C, 0x9C,               /* Enter */
	};
	for (size_t i = 0; i < sizeof(want); i++)
		assert_int_equal(next_byte(&k), want[i]);
	assert_empty(&k);

	/* Ctrl+A for 01h, Alt + keypad 1 2 8 for 80h (a character with no key). */
	assert_int_equal(kbd_type_text(&k, "\x01\x80"), 0);
	const uint8_t want1[] = {
		0x1D, 0x1E, 0x9E, 0x9D,                   /* Ctrl+A */
		0x38, 0x4F, 0xCF, 0x50, 0xD0, 0x48, 0xC8, 0xB8, /* Alt, keypad 1 2 8 */
	};
	for (size_t i = 0; i < sizeof(want1); i++)
		assert_int_equal(next_byte(&k), want1[i]);
	assert_empty(&k);
	assert_int_equal(kbd_queued(&k), 0);

	/* all or nothing */
	char big[KBD_KEY_QUEUE / 2 + 2];
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = 'a';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(kbd_type_text(&k, big), -ENOSPC);
	assert_empty(&k);

	assert_int_equal(kbd_type_text(&k, "\b\t\x1b z"), 0);
	const uint8_t want2[] = { 0x0E, 0x8E, 0x0F, 0x8F, 0x01, 0x81, 0x39, 0xB9, 0x2C, 0xAC };
	for (size_t i = 0; i < sizeof(want2); i++)
		assert_int_equal(next_byte(&k), want2[i]);
	assert_empty(&k);
}

static void test_command_byte_and_irq_enable(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	ctl_data(&k, 0x60, 0x44);               /* INT off */
	assert_false(status(&k) & KBD_ST_CMD);  /* last write was data */
	assert_int_equal(ctl_read(&k, 0x20), 0x44);
	kbd_key(&k, K_ESC, false, true);
	assert_true(status(&k) & KBD_ST_OBF);
	assert_false(kbd_irq1(&k));
	ctl_data(&k, 0x60, 0x45);               /* INT on: the line follows */
	assert_true(kbd_irq1(&k));
	assert_int_equal(next_byte(&k), K_ESC);
	/* SYS flag in the status follows command byte bit 2 */
	ctl_data(&k, 0x60, 0x41);
	assert_false(status(&k) & KBD_ST_SYS);
	/* controller replies go through the same buffer and raise IRQ 1 */
	ctl(&k, 0x20);
	assert_true(kbd_irq1(&k));
	assert_int_equal(kbd_read(&k, DATA), 0x41);
	/* other RAM bytes: 61h writes byte 1, 21h reads it */
	ctl_data(&k, 0x61, 0x5A);
	assert_int_equal(ctl_read(&k, 0x21), 0x5A);
}

static void test_controller_tests_and_ports(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	assert_int_equal(ctl_read(&k, 0xAA), 0x55);
	assert_int_equal(ctl_read(&k, 0xAB), 0x00);
	assert_int_equal(ctl_read(&k, 0xA4), 0xF1);
	assert_int_equal(ctl_read(&k, 0xC0), 0xB0);
	kbd_set_input_port(&k, 0xF0);
	assert_int_equal(ctl_read(&k, 0xC0), 0xF0);
	/* DFh as written, bit 4 IRQ 1 low (buffer empty), bit 5 input buffer empty */
	assert_int_equal(ctl_read(&k, 0xD0), 0xEF);
	/* unknown controller commands are ignored */
	ctl(&k, 0xC8);
	assert_empty(&k);
}

static void test_keyboard_reset(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	kbd_key(&k, K_A, false, true);
	kbd_key(&k, K_H, false, true);
	kbd_key(&k, K_I, false, true);
	assert_int_equal(next_byte(&k), K_A);
	/* H already sits in the controller's buffer; I is still in the keyboard */
	kbd_write(&k, DATA, 0xFF);
	assert_int_equal(next_byte(&k), K_H);
	assert_int_equal(next_byte(&k), 0xFA);
	assert_int_equal(next_byte(&k), 0xAA);
	assert_empty(&k);   /* the keyboard's queued key was dropped */
	assert_int_equal(kbd_key(&k, K_A, false, true), 0);
	assert_int_equal(next_byte(&k), K_A);
}

static void test_set_leds(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	kbd_write(&k, DATA, 0xED);
	assert_int_equal(next_byte(&k), 0xFA);
	/* keys wait while the keyboard expects the LED byte */
	kbd_key(&k, K_A, false, true);
	assert_empty(&k);
	kbd_write(&k, DATA, 0x06);   /* Num + Caps */
	assert_int_equal(next_byte(&k), 0xFA);
	assert_int_equal(kbd_leds(&k), 0x06);
	assert_int_equal(next_byte(&k), K_A);
	/* a command in place of the parameter is executed */
	kbd_write(&k, DATA, 0xED);
	assert_int_equal(next_byte(&k), 0xFA);
	kbd_write(&k, DATA, 0xEE);
	assert_int_equal(next_byte(&k), 0xEE);
	assert_int_equal(kbd_leds(&k), 0x06);
	assert_empty(&k);
}

static void test_echo_resend_unknown(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	kbd_write(&k, DATA, 0xEE);
	assert_int_equal(next_byte(&k), 0xEE);
	kbd_write(&k, DATA, 0x12);   /* not a command */
	assert_int_equal(next_byte(&k), 0xFE);
	kbd_key(&k, K_1, false, true);
	assert_int_equal(next_byte(&k), K_1);
	kbd_write(&k, DATA, 0xFE);   /* resend the last byte */
	assert_int_equal(next_byte(&k), K_1);
	kbd_write(&k, DATA, 0xF8);   /* set 3 only: acknowledged */
	assert_int_equal(next_byte(&k), 0xFA);
	assert_empty(&k);
}

static void test_identify_typematic_scan_set(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	kbd_write(&k, DATA, 0xF2);
	assert_int_equal(next_byte(&k), 0xFA);
	assert_int_equal(next_byte(&k), 0xAB);
	assert_int_equal(next_byte(&k), 0x41);   /* 83h translated */
	kbd_write(&k, DATA, 0xF3);
	assert_int_equal(next_byte(&k), 0xFA);
	kbd_write(&k, DATA, 0x20);
	assert_int_equal(next_byte(&k), 0xFA);
	kbd_write(&k, DATA, 0xF0);
	assert_int_equal(next_byte(&k), 0xFA);
	kbd_write(&k, DATA, 0x00);
	assert_int_equal(next_byte(&k), 0xFA);
	assert_int_equal(next_byte(&k), 0x41);   /* set 2, translated */
	kbd_write(&k, DATA, 0xF0);
	kbd_write(&k, DATA, 0x07);               /* no such set */
	assert_int_equal(next_byte(&k), 0xFA);
	assert_int_equal(next_byte(&k), 0xFE);
	/* untranslated */
	ctl_data(&k, 0x60, 0x05);
	kbd_write(&k, DATA, 0xF2);
	assert_int_equal(next_byte(&k), 0xFA);
	assert_int_equal(next_byte(&k), 0xAB);
	assert_int_equal(next_byte(&k), 0x83);
	kbd_write(&k, DATA, 0xF0);
	kbd_write(&k, DATA, 0x00);   /* without reading the first FA */
	assert_int_equal(next_byte(&k), 0xFA);
	assert_int_equal(next_byte(&k), 0xFA);
	assert_int_equal(next_byte(&k), 0x02);
	assert_empty(&k);
}

static void test_untranslated_set2(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	ctl_data(&k, 0x60, 0x05);   /* XLAT off */
	kbd_key(&k, K_A, false, true);
	kbd_key(&k, K_A, false, false);
	kbd_key(&k, K_CTRL, true, true);
	kbd_key(&k, K_CTRL, true, false);
	kbd_key(&k, 0x41, false, true);   /* F7 */
	const uint8_t want[] = { 0x1C, 0xF0, 0x1C, 0xE0, 0x14, 0xE0, 0xF0, 0x14, 0x83 };
	for (size_t i = 0; i < sizeof(want); i++)
		assert_int_equal(next_byte(&k), want[i]);
	assert_empty(&k);
}

static void test_disable_enable_interface(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	ctl(&k, 0xAD);
	assert_int_equal(ctl_read(&k, 0x20), 0x55);
	assert_int_equal(kbd_key(&k, K_A, false, true), 0);
	assert_int_equal(kbd_key(&k, K_A, false, false), 0);
	assert_empty(&k);
	assert_int_equal(kbd_pending_ns(&k), UINT64_MAX);
	/* replies to keyboard commands still get through */
	kbd_write(&k, DATA, 0xEE);
	assert_int_equal(next_byte(&k), 0xEE);
	assert_empty(&k);
	ctl(&k, 0xAE);
	assert_true(kbd_irq1(&k));
	assert_int_equal(next_byte(&k), 0x1E);
	assert_int_equal(next_byte(&k), 0x9E);
	assert_int_equal(ctl_read(&k, 0x20), 0x45);
	assert_empty(&k);
}

static void test_scanning_disable_enable(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	kbd_write(&k, DATA, 0xF5);
	assert_int_equal(next_byte(&k), 0xFA);
	assert_false(kbd_scanning(&k));
	assert_int_equal(kbd_key(&k, K_A, false, true), 0);   /* not scanned */
	assert_int_equal(kbd_type_text(&k, "x"), 0);
	assert_empty(&k);
	kbd_write(&k, DATA, 0xF4);
	assert_int_equal(next_byte(&k), 0xFA);
	assert_true(kbd_scanning(&k));
	kbd_key(&k, K_H, false, true);
	assert_int_equal(next_byte(&k), K_H);
	assert_empty(&k);
}

static void test_a20_gate(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	ctl_data(&k, 0xD1, 0xDD);
	assert_false(kbd_a20(&k));
	assert_false(kbd_reset_requested(&k));
	assert_int_equal(ctl_read(&k, 0xD0) & 0x03, 0x01);
	ctl_data(&k, 0xD1, 0xDF);
	assert_true(kbd_a20(&k));
	assert_int_equal(ctl_read(&k, 0xD0) & 0x03, 0x03);
	ctl(&k, 0xDD);
	assert_false(kbd_a20(&k));
	ctl(&k, 0xDF);
	assert_true(kbd_a20(&k));
	/* pulsing output lines other than reset leaves A20 alone */
	ctl(&k, 0xFD);
	assert_true(kbd_a20(&k));
	assert_false(kbd_reset_requested(&k));
	assert_empty(&k);
}

static void test_cpu_reset(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	ctl(&k, 0xFE);
	assert_true(kbd_reset_requested(&k));
	assert_false(kbd_reset_requested(&k));
	ctl(&k, 0xFF);   /* no line pulsed */
	assert_false(kbd_reset_requested(&k));
	ctl_data(&k, 0xD1, 0xDE);   /* bit 0 low: reset, A20 kept on */
	assert_true(kbd_reset_requested(&k));
	assert_true(kbd_a20(&k));
	assert_int_equal(ctl_read(&k, 0xD0) & 0x01, 0x01);
}

static void test_aux_port(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	ctl(&k, 0xA7);
	assert_int_equal(ctl_read(&k, 0x20), 0x65);
	ctl(&k, 0xA8);
	assert_int_equal(ctl_read(&k, 0x20), 0x45);
	assert_int_equal(ctl_read(&k, 0xA9), 0x00);
	/* D3 loops a byte back as aux data: AOBF, IRQ 12 only if enabled */
	ctl_data(&k, 0xD3, 0x08);
	assert_int_equal(status(&k) & (KBD_ST_OBF | KBD_ST_AOBF), KBD_ST_OBF | KBD_ST_AOBF);
	assert_false(kbd_irq1(&k));
	assert_false(kbd_irq12(&k));
	assert_int_equal(next_byte(&k), 0x08);
	ctl_data(&k, 0x60, 0x47);
	ctl_data(&k, 0xD3, 0x09);
	assert_true(kbd_irq12(&k));
	assert_int_equal(next_byte(&k), 0x09);
	/* D2 places keyboard data */
	ctl_data(&k, 0xD2, 0x3B);
	assert_true(kbd_irq1(&k));
	assert_int_equal(next_byte(&k), 0x3B);
	/* D4: to the PS/2 mouse, which answers as aux data (IRQ 12) */
	ctl_data(&k, 0xD4, 0xFF);
	assert_true(kbd_irq12(&k));
	assert_int_equal(next_byte(&k), 0xFA);
	assert_int_equal(next_byte(&k), 0xAA);
	assert_int_equal(next_byte(&k), 0x00);
	assert_empty(&k);
	ctl_data(&k, 0xD4, 0xF2); /* identify: a standard mouse */
	assert_int_equal(next_byte(&k), 0xFA);
	assert_int_equal(next_byte(&k), 0x00);
	kbd_mouse(&k, 5, -3, 0); /* not reporting yet: nothing */
	assert_empty(&k);
	ctl_data(&k, 0xD4, 0xF4);
	assert_int_equal(next_byte(&k), 0xFA);
	kbd_mouse(&k, 5, -3, 1); /* 5 + 5 right, 6 up, left button */
	assert_true(status(&k) & KBD_ST_AOBF);
	assert_int_equal(next_byte(&k), 0x09);
	assert_int_equal(next_byte(&k), 10);
	assert_int_equal(next_byte(&k), 6);
	kbd_mouse(&k, -2, 400, 0); /* left, down past the 9-bit range */
	assert_int_equal(next_byte(&k), 0x08 | 0x10 | 0x20 | 0x80);
	assert_int_equal(next_byte(&k), 0xFE);
	assert_int_equal(next_byte(&k), 0x00);
	/* A7 holds aux data back until A8. */
	ctl(&k, 0xA7);
	kbd_mouse(&k, 1, 0, 0);
	assert_empty(&k);
	ctl(&k, 0xA8);
	kbd_advance(&k, KBD_BYTE_GAP_NS);
	assert_int_equal(next_byte(&k), 0x08);
	assert_int_equal(next_byte(&k), 1);
	assert_int_equal(next_byte(&k), 0);
	assert_empty(&k);
}

/* A controller reply skips the keyboard's gap and goes before its bytes. */
static void test_controller_reply_priority(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	kbd_key(&k, K_A, false, true);
	kbd_key(&k, K_LSHIFT, false, true);
	assert_int_equal(kbd_read(&k, DATA), K_A);
	ctl(&k, 0xAA);
	assert_true(status(&k) & KBD_ST_OBF);
	assert_int_equal(kbd_read(&k, DATA), 0x55);
	assert_false(status(&k) & KBD_ST_OBF);
	kbd_advance(&k, KBD_BYTE_GAP_NS);
	assert_int_equal(next_byte(&k), K_LSHIFT);
	assert_empty(&k);
}

static void test_enter_and_keypad(void **state)
{
	(void)state;
	struct kbd k;
	kbd_init(&k);
	kbd_key(&k, K_ENTER, false, true);
	kbd_key(&k, K_ENTER, true, true);   /* keypad Enter */
	kbd_key(&k, K_ENTER, true, false);
	const uint8_t want[] = { 0x1C, 0xE0, 0x1C, 0xE0, 0x9C };
	for (size_t i = 0; i < sizeof(want); i++)
		assert_int_equal(next_byte(&k), want[i]);
	assert_empty(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_power_on_state),
		cmocka_unit_test(test_key_press_raises_irq1),
		cmocka_unit_test(test_release_code),
		cmocka_unit_test(test_extended_keys),
		cmocka_unit_test(test_byte_gap_and_double_read),
		cmocka_unit_test(test_queue_order_and_overflow),
		cmocka_unit_test(test_type_text),
		cmocka_unit_test(test_command_byte_and_irq_enable),
		cmocka_unit_test(test_controller_tests_and_ports),
		cmocka_unit_test(test_keyboard_reset),
		cmocka_unit_test(test_set_leds),
		cmocka_unit_test(test_echo_resend_unknown),
		cmocka_unit_test(test_identify_typematic_scan_set),
		cmocka_unit_test(test_untranslated_set2),
		cmocka_unit_test(test_disable_enable_interface),
		cmocka_unit_test(test_scanning_disable_enable),
		cmocka_unit_test(test_a20_gate),
		cmocka_unit_test(test_cpu_reset),
		cmocka_unit_test(test_aux_port),
		cmocka_unit_test(test_controller_reply_priority),
		cmocka_unit_test(test_enter_and_keypad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
