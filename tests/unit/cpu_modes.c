/*
 * cpu_modes.c - the decoded-block path (threaded handlers, block cache) must
 * behave exactly like single-stepping (cpu_run with a budget of 1, which
 * decodes each instruction as it runs). Random code runs from read-only
 * memory so that it cannot modify itself (where the two paths may
 * legitimately differ); guest writes go to a log that both runs compare.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/cpu.h"

enum { RAM = 0x110000, STEPS = 3000 };

struct machine {
	struct cpu c;
	uint8_t *rom;
	uint64_t write_hash;
	uint32_t writes;
};

static void log_write(void *ctx, uint32_t lin, uint8_t v)
{
	struct machine *m = ctx;
	m->write_hash = (m->write_hash ^ (lin * 0x9E3779B97F4A7C15ull) ^ v) * 0x100000001B3ull;
	m->writes++;
}

static int ack(void *ctx)
{
	(void)ctx;
	return 0x08;
}

static void machine_init(struct machine *m, enum cpu_model model, const uint8_t *image, uint32_t seed)
{
	memset(m, 0, sizeof(*m));
	m->rom = aligned_alloc(CPU_PAGE_SIZE, RAM);
	assert_non_null(m->rom);
	memcpy(m->rom, image, RAM);
	struct cpu_bus bus = { .ctx = m, .mem_write8 = log_write, .intr_ack = ack };
	cpu_init(&m->c, model, &bus);
	assert_int_equal(cpu_map_ram(&m->c, 0, RAM, m->rom, false), 0);
	for (int s = 0; s < SEG_COUNT; s++)
		cpu_load_seg(&m->c, (enum cpu_seg)s, (uint16_t)(seed >> (s * 3)));
	m->c.ip = (seed >> 7) & 0xFFFF;
	for (int r = 0; r < 8; r++)
		m->c.r[r].d = seed * (uint32_t)(r + 3) * 2654435761u;
	m->c.r[REG_SP].d = 0x8000;
	cpu_set_flags(&m->c, (seed & 1) ? 0x0400 : 0);
}

/* Restart somewhere else after an exit that stops the program. */
static void reseed(struct cpu *c, uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	cpu_load_seg(c, SEG_CS, (uint16_t)(*seed >> 12));
	c->ip = *seed & 0xFFFF;
	c->r[REG_SP].d = 0x8000;
	cpu_set_flags(c, 0);
}

static void run_pair(enum cpu_model model, const uint8_t *image, uint32_t seed)
{
	struct machine a, b;
	machine_init(&a, model, image, seed);
	machine_init(&b, model, image, seed);
	uint32_t sa = seed, sb = seed;
	/* a: one budget unit per call; b: the same number of units in one
	 * call. (A budget unit is an instruction, or a chunk of an interrupted
	 * REP string instruction.) */
	for (int round = 0; round < 4; round++) {
		uint64_t units = 0;
		enum cpu_exit ea = CPU_EXIT_BUDGET;
		while (units < STEPS && ea == CPU_EXIT_BUDGET) {
			ea = cpu_run(&a.c, 1);
			units++;
		}
		enum cpu_exit eb = cpu_run(&b.c, units);
		assert_int_equal(a.c.retired, b.c.retired);
		assert_int_equal(ea, eb);
		assert_memory_equal(a.c.r, b.c.r, sizeof(a.c.r));
		assert_int_equal(a.c.ip, b.c.ip);
		assert_memory_equal(a.c.seg, b.c.seg, sizeof(a.c.seg));
		assert_int_equal(cpu_get_flags(&a.c), cpu_get_flags(&b.c));
		assert_int_equal(a.writes, b.writes);
		assert_true(a.write_hash == b.write_hash);
		if (ea != CPU_EXIT_BUDGET) {
			reseed(&a.c, &sa);
			reseed(&b.c, &sb);
		}
	}
	cpu_destroy(&a.c);
	cpu_destroy(&b.c);
	free(a.rom);
	free(b.rom);
}

/* Code that is mostly ordinary instructions: ALU, moves, shifts, stack,
 * short branches and string operations, with random operands. */
static void make_image(uint8_t *img, uint32_t seed)
{
	static const uint8_t common[] = {
		0x01, 0x03, 0x29, 0x2B, 0x31, 0x33, 0x21, 0x09, 0x39, 0x3B, 0x85, 0x89, 0x8B,
		0x40, 0x41, 0x43, 0x48, 0x4A, 0x50, 0x53, 0x58, 0x5B, 0xB8, 0xB1, 0xD1, 0xD3,
		0xC1, 0x83, 0x81, 0x74, 0x75, 0x72, 0x7E, 0xE2, 0xEB, 0xAC, 0xAA, 0xA4, 0xF3,
		0x66, 0x67, 0x0F, 0x90, 0x99, 0x98, 0xF7, 0xFF, 0xE8, 0xC3, 0x9C, 0x9D,
	};
	for (uint32_t k = 0; k < RAM; k++) {
		seed = seed * 1664525u + 1013904223u;
		uint8_t r = (uint8_t)(seed >> 24);
		img[k] = (seed & 0x300) ? common[r % sizeof(common)] : r;
	}
}

static void test_block_path_matches_stepping(void **state)
{
	(void)state;
	uint8_t *img = malloc(RAM);
	assert_non_null(img);
	for (uint32_t seed = 1; seed <= 6; seed++) {
		make_image(img, seed * 7919);
		for (int m = CPU_8086; m <= CPU_80386; m++)
			run_pair((enum cpu_model)m, img, seed * 104729u + (uint32_t)m);
	}
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_path_matches_stepping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
