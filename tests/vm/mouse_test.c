/*
 * mouse_test.c - the mouse through the VM16 API and guest programs: the
 * INT 33h driver (position, buttons, the event handler, the text cursor
 * drawn in video memory), the PS/2 BIOS with IRQ 12 through the 8042's
 * aux port, and garbage INT 10h calls and port writes that must leave
 * the VM running. argv[1]: the directory of the guest binaries.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mvdm/vm16.h"
#include "vmload.h"

static const char *bin_dir;

static struct vm *load(const char *name)
{
	char err[256], path[512];
	snprintf(path, sizeof(path), "%s/%s", bin_dir, name);
	struct vm *vm = vmload_com(path, NULL, err, sizeof(err));
	if (!vm)
		fprintf(stderr, "%s\n", err);
	assert_non_null(vm);
	return vm;
}

static uint16_t res16(struct vm *vm, unsigned off)
{
	uint8_t b[2];
	assert_int_equal(vm16_read(vm, 0x10200 + off, b, 2), 0);
	return (uint16_t)(b[0] | b[1] << 8);
}

static uint8_t res8(struct vm *vm, unsigned off)
{
	uint8_t b;
	assert_int_equal(vm16_read(vm, 0x10200 + off, &b, 1), 0);
	return b;
}

static enum vm16_stop run(struct vm *vm, int slices)
{
	enum vm16_stop s = VM16_STOP_SLICE;
	for (int k = 0; k < slices && s == VM16_STOP_SLICE; k++)
		s = vm16_run(vm, 100000);
	return s;
}

static void test_int33(void **state)
{
	(void)state;
	struct vm *vm = load("mouse33.bin");
	assert_int_equal(run(vm, 5), VM16_STOP_SLICE); /* waiting */
	/* The text cursor: the cell at the centre (column 40, row 12) has its
	 * attribute inverted by the default masks (77FFh, 7700h). */
	static struct vm16_screen s;
	assert_int_equal(vm16_screen(vm, &s), 0);
	assert_int_equal(s.cells[12 * 80 + 40] >> 8, 0x70);
	/* 16 mickeys right and down: 16 and 8 units at the default ratios. */
	assert_int_equal(vm16_mouse(vm, 16, 16, 0), 0);
	assert_int_equal(vm16_screen(vm, &s), 0);
	assert_int_equal(s.cells[12 * 80 + 40] >> 8, 0x07); /* put back */
	assert_int_equal(s.cells[13 * 80 + 42] >> 8, 0x70);
	assert_int_equal(vm16_mouse(vm, 0, 0, 1), 0);
	/* Until the handler saw the press (slices are budgeted by work, host
	 * calls included, so a slice's length in guest instructions varies). */
	for (int k = 0; k < 20000 && !(res16(vm, 6) & 0x02); k++)
		assert_int_equal(run(vm, 1), VM16_STOP_SLICE);
	assert_true(res16(vm, 6) & 0x02);
	assert_int_equal(vm16_mouse(vm, 0, 0, 0), 0);
	assert_int_equal(run(vm, 20000), VM16_STOP_EXIT);
	assert_int_equal(res16(vm, 0), 0xFFFF);
	assert_int_equal(res16(vm, 2), 2);
	/* move, press, release: three calls, or two when a condition waited
	 * (the guest was in INT 33h with interrupts off) and went with the next */
	assert_true(res16(vm, 4) >= 2 && res16(vm, 4) <= 3);
	assert_int_equal(res16(vm, 6), 0x01 | 0x02 | 0x04);
	assert_int_equal(res16(vm, 8), 336);
	assert_int_equal(res16(vm, 10), 108);
	assert_int_equal(res16(vm, 12), 0);
	assert_int_equal(res16(vm, 14), 1);
	assert_int_equal(res16(vm, 16), 16);
	assert_int_equal(res16(vm, 18), 0x0626);
	assert_int_equal(res16(vm, 20), 336);
	assert_int_equal(res16(vm, 22), 108);
	vm16_destroy(vm);
}

static void test_ps2_bios(void **state)
{
	(void)state;
	struct vm *vm = load("ps2bios.bin");
	assert_int_equal(run(vm, 5), VM16_STOP_SLICE);
	for (int k = 0; k < 4; k++)
		assert_int_equal(res8(vm, (unsigned)k), 0); /* AH 0, CF clear */
	assert_int_equal(res8(vm, 4), 0);               /* a standard mouse */
	assert_int_equal(vm16_mouse(vm, 7, -5, 2), 0);  /* right button, 5 up */
	assert_int_equal(run(vm, 50), VM16_STOP_EXIT);
	assert_int_equal(res8(vm, 8), 0x0A);            /* right, bit 3 */
	assert_int_equal(res8(vm, 9), 7);
	assert_int_equal(res8(vm, 10), 5);
	assert_int_equal(res8(vm, 11), 1);
	vm16_destroy(vm);
}

static void test_video_garbage(void **state)
{
	(void)state;
	struct vm *vm = load("vidfuzz.bin");
	assert_int_equal(run(vm, 20000), VM16_STOP_EXIT);
	assert_int_equal(vm16_exit_code(vm), 42);
	struct vm16_frame f;
	assert_int_equal(vm16_frame(vm, &f, 0), 0);
	assert_int_equal(f.width, 720);
	vm16_destroy(vm);
}

/* A retrace wait sleeps: 70 retraces are one second of virtual time and
 * cost a few instructions each, not a second of polling. */
static void test_retrace_wait(void **state)
{
	(void)state;
	struct vm *vm = load("retrace.bin");
	uint64_t t0 = vm16_clock_ns(vm);
	assert_int_equal(run(vm, 1000), VM16_STOP_EXIT);
	uint64_t ns = vm16_clock_ns(vm) - t0;
	assert_true(ns > 980000000u && ns < 1020000000u);
	assert_true(vm16_insns(vm) < 100000);
	vm16_destroy(vm);
}

int main(int argc, char **argv)
{
	bin_dir = argc > 1 ? argv[1] : ".";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int33),
		cmocka_unit_test(test_ps2_bios),
		cmocka_unit_test(test_video_garbage),
		cmocka_unit_test(test_retrace_wait),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
