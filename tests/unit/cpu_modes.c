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

/* start: CS:IP to start at (CS in the high 16 bits), or 0 for one drawn
 * from the seed. */
static void run_pair_at(enum cpu_model model, const uint8_t *image, uint32_t seed, uint32_t start)
{
	struct machine a, b;
	machine_init(&a, model, image, seed);
	machine_init(&b, model, image, seed);
	if (start) {
		cpu_load_seg(&a.c, SEG_CS, (uint16_t)(start >> 16));
		cpu_load_seg(&b.c, SEG_CS, (uint16_t)(start >> 16));
		a.c.ip = b.c.ip = start & 0xFFFF;
	}
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

static void run_pair(enum cpu_model model, const uint8_t *image, uint32_t seed)
{
	run_pair_at(model, image, seed, 0);
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
		for (int m = CPU_8086; m < CPU_MODEL_COUNT; m++)
			run_pair((enum cpu_model)m, img, seed * 104729u + (uint32_t)m);
	}
	free(img);
}

/* A random register register-only loop body for the dead-flag pass
 * (block_cache.c): ALU, INC/DEC, shifts and moves whose flags are often
 * overwritten before they are read, mixed with flag readers (ADC, SBB,
 * LAHF, and Jcc over a MOV, so the flags show in a register), closed by a
 * jump back to its start. The loop runs many times, so its blocks run
 * threaded, with the flag-less twins; SP is never written. */
static uint32_t next_rnd(uint32_t *seed)
{
	*seed = *seed * 1664525u + 1013904223u;
	return *seed >> 16;
}

/* ModR/M byte for two registers (mod = 3). */
static uint8_t modrm_rr(unsigned reg, unsigned rm)
{
	return (uint8_t)(0xC0 | reg << 3 | rm);
}

static uint32_t make_flag_loop(uint8_t *p, uint32_t seed, enum cpu_model model)
{
	static const uint8_t alu_rr[] = { 0x01, 0x03, 0x09, 0x0B, 0x11, 0x19, 0x21, 0x29, 0x2B, 0x31, 0x33, 0x39, 0x3B, 0x85 };
	static const uint8_t regs[] = { 0, 1, 2, 3, 5, 6, 7 };
	uint32_t n = 0;
#define RND() next_rnd(&seed)
#define REG() regs[next_rnd(&seed) % sizeof(regs)]
	for (int k = 0; k < 40; k++) {
		const bool wide = model >= CPU_80386 && RND() % 4 == 0;
		if (wide)
			p[n++] = 0x66;
		switch (RND() % 10) {
		case 0: case 1: case 2:
			p[n++] = alu_rr[RND() % sizeof(alu_rr)];
			p[n] = modrm_rr(REG(), 0);
			p[n++] |= REG();
			break;
		case 3:
			p[n++] = 0x83;
			p[n] = modrm_rr(RND() % 8, 0);
			p[n++] |= REG();
			p[n++] = (uint8_t)RND();
			break;
		case 4:
			p[n++] = (uint8_t)((RND() % 2 ? 0x40 : 0x48) | REG());
			break;
		case 5: {
			/* D1 (by 1), D3 (by CL), C1 (imm8, 186+): mostly SHL, SHR and
			 * SAR, sometimes a rotate (never /6, SETMO on the 8086) */
			static const uint8_t shifts[] = { 4, 5, 7, 4, 5, 7, 0, 1, 2, 3 };
			unsigned form = RND() % (model >= CPU_80186 ? 3 : 2);
			p[n++] = form == 0 ? 0xD1 : form == 1 ? 0xD3 : 0xC1;
			p[n] = modrm_rr(shifts[RND() % sizeof(shifts)], 0);
			p[n++] |= REG();
			if (form == 2)
				p[n++] = (uint8_t)(RND() % 20);
			break;
		}
		case 6:
			p[n++] = 0x89;
			p[n] = modrm_rr(REG(), 0);
			p[n++] |= REG();
			break;
		case 7:
			p[n++] = 0x9F; /* LAHF */
			break;
		default:
			if (wide)
				n--; /* the 66h prefix would change the MOV's size */
			p[n++] = (uint8_t)(0x70 | RND() % 16);
			p[n++] = 3;
			p[n++] = (uint8_t)(0xB8 | REG());
			p[n++] = (uint8_t)RND();
			p[n++] = (uint8_t)RND();
			break;
		}
	}
	p[n] = 0xE9; /* JMP back to the start */
	uint16_t back = (uint16_t)(0 - (n + 3));
	p[n + 1] = (uint8_t)back;
	p[n + 2] = (uint8_t)(back >> 8);
#undef RND
#undef REG
	return n + 3;
}

static void test_dead_flags_match_stepping(void **state)
{
	(void)state;
	uint8_t *img = calloc(1, RAM);
	assert_non_null(img);
	for (uint32_t seed = 1; seed <= 40; seed++) {
		for (int m = CPU_8086; m < CPU_MODEL_COUNT; m++) {
			memset(img + 0x10100, 0x90, 0x400);
			make_flag_loop(img + 0x10100, seed * 2654435761u + (uint32_t)m, (enum cpu_model)m);
			run_pair_at((enum cpu_model)m, img, seed * 40503u + (uint32_t)m, 0x10000100u);
		}
	}
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_path_matches_stepping),
		cmocka_unit_test(test_dead_flags_match_stepping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
