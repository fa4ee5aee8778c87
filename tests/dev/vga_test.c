/*
 * vga_test.c - device tests of the VGA text mode state (dev/vga.c) through
 * its ports and mode calls, without a CPU.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dev/vga.h"

static void test_modes(void **state)
{
	(void)state;
	struct vga v;
	vga_init(&v);
	assert_int_equal(v.mode, 3);
	assert_int_equal(v.cols, 80);
	assert_int_equal(v.rows, 25);
	assert_int_equal(vga_text_base(&v), 0xB8000);
	assert_true(vga_set_mode(&v, 0x01));
	assert_int_equal(v.cols, 40);
	assert_true(vga_set_mode(&v, 0x07));
	assert_int_equal(vga_text_base(&v), 0xB0000);
	assert_false(vga_set_mode(&v, 0x13)); /* graphics: not a text mode */
	assert_int_equal(v.mode, 7);
	assert_true(vga_set_mode(&v, 0x03));
	vga_set_rows(&v, 50);
	assert_int_equal(v.rows, 50);
	assert_int_equal(v.char_height, 8);
}

static void test_crtc_cursor(void **state)
{
	(void)state;
	struct vga v;
	vga_init(&v);
	/* Cursor location 0x0123 through CRTC registers 0Eh/0Fh. */
	vga_write(&v, 0x3D4, 0x0E);
	vga_write(&v, 0x3D5, 0x01);
	vga_write(&v, 0x3D4, 0x0F);
	vga_write(&v, 0x3D5, 0x23);
	assert_int_equal(vga_cursor_offset(&v), 0x0123);
	assert_int_equal(vga_read(&v, 0x3D4), 0x0F);
	assert_int_equal(vga_read(&v, 0x3D5), 0x23);
	/* Cursor shape and hiding (start register bit 5). */
	uint8_t start, end;
	bool visible;
	vga_write(&v, 0x3D4, 0x0A);
	vga_write(&v, 0x3D5, 0x26);
	vga_cursor_shape(&v, &start, &end, &visible);
	assert_int_equal(start, 6);
	assert_false(visible);
	/* Monochrome ports are ignored in a colour mode, and vice versa. */
	vga_write(&v, 0x3B4, 0x0F);
	vga_write(&v, 0x3B5, 0x55);
	assert_int_equal(vga_cursor_offset(&v), 0x0123);
	assert_true(vga_set_mode(&v, 0x07));
	vga_write(&v, 0x3B4, 0x0F);
	vga_write(&v, 0x3B5, 0x55);
	assert_int_equal(vga_cursor_offset(&v) & 0xFF, 0x55);
	assert_int_equal(vga_read(&v, 0x3D5), 0xFF);
}

static void test_retrace_toggles(void **state)
{
	(void)state;
	struct vga v;
	vga_init(&v);
	uint8_t a = vga_read(&v, 0x3DA), b = vga_read(&v, 0x3DA);
	assert_int_equal((a ^ b) & 0x08, 0x08); /* a polling loop sees retrace change */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_crtc_cursor),
		cmocka_unit_test(test_retrace_toggles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
