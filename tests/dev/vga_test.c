/*
 * vga_test.c - device tests of the VGA (dev/vga_*.c) through its ports,
 * its memory window and its picture, without a CPU or a VM: the graphics
 * controller's read and write modes, latches, chain-4, odd/even, the DAC,
 * the CRTC's write protection and the retrace bits, and frames whose
 * pixels are computed here from the register description; garbage in
 * every register (VGA, CGA, Hercules, the VBE registers) stays inside the device.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dev/vga.h"

static struct vga *new_vga(uint8_t mode)
{
	struct vga *v = calloc(1, sizeof(*v));
	v->vram_size = 4u << 20;
	v->vram = calloc(1, v->vram_size);
	v->pel_mask = 0xFF;
	assert_true(vga_load_mode_regs(v, mode));
	vga_load_dac(v, mode);
	return v;
}

static void free_vga(struct vga *v)
{
	free(v->vram);
	free(v->frame);
	free(v);
}

static void gc(struct vga *v, uint8_t i, uint8_t val)
{
	vga_port_out(v, 0x3CE, i);
	vga_port_out(v, 0x3CF, val);
}

static void seq(struct vga *v, uint8_t i, uint8_t val)
{
	vga_port_out(v, 0x3C4, i);
	vga_port_out(v, 0x3C5, val);
}

static void test_write_modes(void **state)
{
	(void)state;
	struct vga *v = new_vga(0x12);
	/* Mode 0 with set/reset on planes 0 and 2 (colour 5), bit mask 0F0h. */
	gc(v, 0, 0x05);
	gc(v, 1, 0x0F);
	gc(v, 8, 0xF0);
	vga_mem_write(v, 0xA0010, 0x00);
	assert_int_equal(*vga_plane(v, 0, 0x10), 0xF0);
	assert_int_equal(*vga_plane(v, 1, 0x10), 0x00);
	assert_int_equal(*vga_plane(v, 2, 0x10), 0xF0);
	/* Latches: read loads them, write mode 1 copies them elsewhere. */
	(void)vga_mem_read(v, 0xA0010);
	gc(v, 5, 0x01);
	vga_mem_write(v, 0xA0020, 0x77);
	assert_int_equal(*vga_plane(v, 2, 0x20), 0xF0);
	/* Mode 2: bit p of the value fills plane p, under the bit mask 3Ch. */
	gc(v, 5, 0x02);
	gc(v, 8, 0x3C);
	(void)vga_mem_read(v, 0xA0030); /* latches = 0 */
	vga_mem_write(v, 0xA0030, 0x0A);
	assert_int_equal(*vga_plane(v, 0, 0x30), 0x00);
	assert_int_equal(*vga_plane(v, 1, 0x30), 0x3C);
	assert_int_equal(*vga_plane(v, 3, 0x30), 0x3C);
	/* Mode 3: set/reset colour ANDed bit mask from the rotated byte. */
	gc(v, 5, 0x03);
	gc(v, 8, 0xFF);
	gc(v, 0, 0x08);
	gc(v, 3, 0x01); /* rotate right 1 */
	(void)vga_mem_read(v, 0xA0040);
	vga_mem_write(v, 0xA0040, 0x03); /* rotated: 81h */
	assert_int_equal(*vga_plane(v, 3, 0x40), 0x81);
	assert_int_equal(*vga_plane(v, 0, 0x40), 0x00);
	/* Logical function XOR with the latches; map mask leaves plane 1 alone. */
	gc(v, 5, 0x00);
	gc(v, 1, 0x00);
	gc(v, 3, 0x18);
	seq(v, 2, 0x0D);
	(void)vga_mem_read(v, 0xA0010); /* latches F0 00 F0 00 */
	vga_mem_write(v, 0xA0010, 0xFF);
	assert_int_equal(*vga_plane(v, 0, 0x10), 0x0F);
	assert_int_equal(*vga_plane(v, 1, 0x10), 0x00);
	assert_int_equal(*vga_plane(v, 3, 0x10), 0xFF);
	free_vga(v);
}

static void test_read_modes(void **state)
{
	(void)state;
	struct vga *v = new_vga(0x12);
	*vga_plane(v, 0, 5) = 0xFF;
	*vga_plane(v, 1, 5) = 0x0F;
	*vga_plane(v, 2, 5) = 0x00;
	*vga_plane(v, 3, 5) = 0x33;
	gc(v, 4, 3);
	assert_int_equal(vga_mem_read(v, 0xA0005), 0x33);
	/* Colour compare with colour 3 (planes 0, 1 set, 2, 3 clear). */
	gc(v, 5, 0x08);
	gc(v, 2, 0x03);
	gc(v, 7, 0x0F);
	assert_int_equal(vga_mem_read(v, 0xA0005), 0x0C);
	gc(v, 7, 0x07); /* plane 3 don't care */
	assert_int_equal(vga_mem_read(v, 0xA0005), 0x0F);
	/* Outside the window (B8000h in a 64 KiB A0000h mode). */
	assert_int_equal(vga_mem_read(v, 0xB8000), 0xFF);
	free_vga(v);
}

static void test_chain4_and_odd_even(void **state)
{
	(void)state;
	struct vga *v = new_vga(0x13);
	vga_mem_write(v, 0xA0005, 0x42);
	assert_int_equal(*vga_plane(v, 1, 4), 0x42);
	assert_int_equal(vga_mem_read(v, 0xA0005), 0x42);
	free_vga(v);
	v = new_vga(0x03);
	vga_mem_write(v, 0xB8000 + 160, 'A');
	vga_mem_write(v, 0xB8000 + 161, 0x1E);
	assert_int_equal(*vga_plane(v, 0, 160), 'A');
	assert_int_equal(*vga_plane(v, 1, 160), 0x1E);
	assert_int_equal(vga_mem_read(v, 0xB8000 + 161), 0x1E);
	assert_int_equal(vga_mem_read(v, 0xA0000), 0xFF);
	free_vga(v);
}

static void test_dac_and_registers(void **state)
{
	(void)state;
	struct vga *v = new_vga(0x13);
	vga_port_out(v, 0x3C8, 10);
	vga_port_out(v, 0x3C9, 0x3F);
	vga_port_out(v, 0x3C9, 0x40 | 0x20); /* 6 bits kept */
	vga_port_out(v, 0x3C9, 0x01);
	vga_port_out(v, 0x3C7, 10);
	assert_int_equal(vga_port_in(v, 0x3C7), 3);
	assert_int_equal(vga_port_in(v, 0x3C9), 0x3F);
	assert_int_equal(vga_port_in(v, 0x3C9), 0x20);
	assert_int_equal(vga_port_in(v, 0x3C9), 0x01);
	assert_int_equal(vga_dac_rgb(v, 10), 0xFF8204);
	/* CRTC registers 0-7 are protected by 11h bit 7 (but 07h bit 4). */
	vga_port_out(v, 0x3D4, 0x01);
	vga_port_out(v, 0x3D5, 0x33);
	assert_int_equal(v->crtc[1], 0x4F);
	vga_port_out(v, 0x3D4, 0x11);
	vga_port_out(v, 0x3D5, 0x0E);
	vga_port_out(v, 0x3D4, 0x01);
	vga_port_out(v, 0x3D5, 0x33);
	assert_int_equal(vga_port_in(v, 0x3D5), 0x33);
	/* Mono addresses are not decoded in a colour mode. */
	assert_int_equal(vga_port_in(v, 0x3B5), 0xFF);
	/* Reading 3DAh resets the attribute flip-flop to the index. */
	vga_port_out(v, 0x3C0, 0x01);
	(void)vga_port_in(v, 0x3DA);
	vga_port_out(v, 0x3C0, 0x02);
	vga_port_out(v, 0x3C0, 0x09);
	assert_int_equal(v->ac[2], 0x09);
	free_vga(v);
}

static void test_retrace_from_clock(void **state)
{
	(void)state;
	struct vga *v = new_vga(0x03);
	/* 449 lines of 31778 ns; retrace from line 412 for 2 lines. */
	v->test_ns = 100 * 31778ull;
	assert_int_equal(vga_status1(v, v->test_ns) & 0x09, 0x00);
	v->test_ns = 412 * 31778ull + 100;
	assert_int_equal(vga_status1(v, v->test_ns) & 0x09, 0x09);
	v->test_ns += 449 * 31778ull * 5;
	assert_int_equal(vga_port_in(v, 0x3DA) & 0x08, 0x08);
	v->test_ns = 420 * 31778ull;
	assert_int_equal(vga_port_in(v, 0x3DA) & 0x09, 0x01);
	free_vga(v);
}

static void test_frames(void **state)
{
	(void)state;
	struct vm16_frame f;
	/* Mode 13h: pixel (x, y) = byte y * 320 + x through chain-4. */
	struct vga *v = new_vga(0x13);
	vga_mem_write(v, 0xA0000 + 7 * 320 + 5, 0x28);
	assert_int_equal(vga_frame(v, &f, 0), 0);
	assert_int_equal(f.width, 320);
	assert_int_equal(f.height, 200);
	uint64_t serial = f.serial;
	assert_int_equal(f.pixels[7 * 320 + 5], 0xFF0000); /* entry 28h: red */
	assert_int_equal(f.pixels[7 * 320 + 6], 0x000000);
	assert_int_equal(vga_frame(v, &f, serial), 0);
	assert_int_equal(f.serial, serial); /* nothing changed: not rendered */
	/* Split screen: line compare at scan line 200 (row 100) restarts at 0. */
	vga_port_out(v, 0x3D4, 0x18);
	vga_port_out(v, 0x3D5, 200);
	vga_port_out(v, 0x3D4, 0x07); /* line compare bit 8 (allowed while protected) */
	vga_port_out(v, 0x3D5, 0x0F);
	vga_port_out(v, 0x3D4, 0x09); /* bit 9 */
	vga_port_out(v, 0x3D5, 0x01);
	vga_port_out(v, 0x3D4, 0x0C);
	vga_port_out(v, 0x3D5, 0x10);
	assert_int_equal(vga_frame(v, &f, serial), 0);
	assert_true(f.serial > serial);
	assert_int_equal(f.pixels[(100 + 7) * 320 + 5], 0xFF0000);
	free_vga(v);
	/* Mode 12h: 640x480, colour 9 from planes 0 and 3 (light blue). */
	v = new_vga(0x12);
	*vga_plane(v, 0, 80 * 479 + 79) = 0x01;
	*vga_plane(v, 3, 80 * 479 + 79) = 0x01;
	assert_int_equal(vga_frame(v, &f, 0), 0);
	assert_int_equal(f.width, 640);
	assert_int_equal(f.height, 480);
	assert_int_equal(f.pixels[479 * 640 + 639], 0x5555FF);
	free_vga(v);
	/* Text: 720x400, 'A' glyph row from plane 2, 9th column blank. */
	v = new_vga(0x03);
	*vga_plane(v, 0, 0) = 'A';
	*vga_plane(v, 1, 0) = 0x1F;
	*vga_plane(v, 2, 'A' * 32 + 3) = 0x81;
	v->crtc[0x0A] = 0x20; /* no cursor */
	assert_int_equal(vga_frame(v, &f, 0), 0);
	assert_int_equal(f.width, 720);
	assert_int_equal(f.height, 400);
	assert_int_equal(f.pixels[3 * 720 + 0], 0xFFFFFF);
	assert_int_equal(f.pixels[3 * 720 + 1], 0x0000AA);
	assert_int_equal(f.pixels[3 * 720 + 7], 0xFFFFFF);
	assert_int_equal(f.pixels[3 * 720 + 8], 0x0000AA);
	free_vga(v);
}

/* Registers full of garbage never make the device or the renderer leave
 * video memory (ASan watches) nor the picture exceed its limits. */
static void test_garbage_registers(void **state)
{
	(void)state;
	uint32_t seed = 12345;
	for (int round = 0; round < 300; round++) {
		struct vga *v = new_vga(round % 2 ? 0x13 : 0x03);
		if (round % 3 == 2)
			v->adapter = VGA_ADAPTER_CGA; /* 3D8h/3D9h reprogram the registers */
		else if (round % 5 == 4)
			v->adapter = VGA_ADAPTER_HERCULES; /* 3B8h/3BFh: its graphics page */
		for (int k = 0; k < 200; k++) {
			seed = seed * 1103515245u + 12345u;
			uint16_t port = (uint16_t)(0x3B0 + (seed >> 16) % 0x30);
			seed = seed * 1103515245u + 12345u;
			vga_port_out(v, port, (uint8_t)(seed >> 16));
			/* The VBE registers: an index 0-15, values small enough
			 * to make modes now and then. */
			seed = seed * 1103515245u + 12345u;
			vga_dispi_write(v, 0x1CE, (uint16_t)((seed >> 16) % 16));
			seed = seed * 1103515245u + 12345u;
			vga_dispi_write(v, 0x1CF, (uint16_t)((seed >> 16) % ((seed & 1) ? 2048 : 65536)));
			(void)vga_dispi_read(v, 0x1CF);
		}
		for (int k = 0; k < 50; k++) {
			seed = seed * 1103515245u + 12345u;
			vga_mem_write(v, 0xA0000 + (seed >> 8) % 0x20000, (uint8_t)seed);
			(void)vga_mem_read(v, 0xA0000 + (seed >> 12) % 0x20000);
		}
		struct vm16_frame f;
		assert_int_equal(vga_frame(v, &f, 0), 0);
		assert_true(f.width >= 1 && f.width <= VGA_MAX_W);
		assert_true(f.height >= 1 && f.height <= VGA_MAX_H);
		free_vga(v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_modes),
		cmocka_unit_test(test_read_modes),
		cmocka_unit_test(test_chain4_and_odd_even),
		cmocka_unit_test(test_dac_and_registers),
		cmocka_unit_test(test_retrace_from_clock),
		cmocka_unit_test(test_frames),
		cmocka_unit_test(test_garbage_registers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
