/*
 * cpu_flags_table.c - checks the flag columns of opcodes.def (reads,
 * writes) against what the CPU core does: every register form of every
 * table entry that runs in real mode without touching memory, the stack or
 * the machine state runs on random registers and flags, once with each
 * arithmetic flag flipped. A flag the instruction was seen to change is a
 * flag it writes; a flag whose flip changed a register, IP or another flag
 * is one it reads. Both must be in the entry's columns, because the
 * dead-flag pass (block_cache.c) drops flags on their word: a missing bit
 * would let it drop flags that are read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/cpu_internal.h"

enum { RAM = 0x110000, CODE = 0x10100, SAMPLES = 48 };

static const uint32_t flag_bit[6] = { FLAG_CF, FLAG_PF, FLAG_AF, FLAG_ZF, FLAG_SF, FLAG_OF };

struct state {
	uint32_t r[8];
	uint32_t ip;
	uint32_t flags;
};

struct rig {
	struct cpu c;
	uint8_t *ram;
	uint64_t rng;
};

static uint32_t rnd(struct rig *g)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return (uint32_t)(g->rng >> 16);
}

/* Run the instruction at CODE once from (r, flags); false if it faulted. */
static bool run_once(struct rig *g, enum cpu_model model, const uint32_t *r, uint32_t flags, struct state *out)
{
	struct cpu *c = &g->c;
	cpu_init(c, model, NULL);
	assert_int_equal(cpu_map_ram(c, 0, RAM, g->ram, true), 0);
	cpu_set_block_cache(c, false);
	c->exception_exit_mask = 0xFFFFFFFFu;
	cpu_load_seg(c, SEG_CS, CODE >> 4);
	cpu_load_seg(c, SEG_DS, 0x2000);
	cpu_load_seg(c, SEG_ES, 0x2000);
	cpu_load_seg(c, SEG_SS, 0x3000);
	c->ip = CODE & 0xF;
	for (unsigned k = 0; k < 8; k++)
		c->r[k].d = r[k];
	c->r[REG_SP].d = 0xFF00;
	cpu_set_flags(c, (cpu_get_flags(c) & ~FLAGS_ARITH) | flags);
	enum cpu_exit e = cpu_run(c, 1);
	bool ok = e == CPU_EXIT_BUDGET;
	for (unsigned k = 0; k < 8; k++)
		out->r[k] = c->r[k].d;
	out->ip = c->ip;
	out->flags = cpu_get_flags(c) & FLAGS_ARITH;
	cpu_destroy(c);
	return ok;
}

/* Instructions left out: they touch memory, the stack, I/O, segments or
 * control registers, or stop the CPU; their flag columns are checked by
 * reading only. */
static bool skipped(const struct op_entry *e, unsigned opcode, bool two_byte)
{
	static const char *const names[] = {
		"hlt", "in", "out", "esc", "wait", "bound", "enter", "leave", "push", "pop", "pusha",
		"popa", "pushf", "popf", "call", "ret", "retf", "callf", "jmpf", "int", "int3", "into",
		"iret", "lds", "les", "lss", "lfs", "lgs", "xlat", "lock", "cpuid",
	};
	if (e->form & (F_PREFIX | F_STRING | F_FAR | F_MOFFS | F_MEMONLY | F_ENDS | F_GROUP))
		return true;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (!strcmp(e->name, names[k]))
			return true;
	/* mov to and from segment registers; 0F 00/01 (descriptor tables),
	 * 06 (CLTS), 08/09 (caches), 20-26 (control, debug, test registers). */
	if (!two_byte && (opcode == 0x8C || opcode == 0x8E))
		return true;
	return two_byte && (opcode <= 0x01 || opcode == 0x06 || opcode == 0x08 || opcode == 0x09 ||
			    (opcode >= 0x20 && opcode <= 0x26));
}

/* The bytes of entry e's register form: opcode (0F prefix), ModR/M with
 * mod 3 (reg = the group member, else ECX; rm = EDX), immediates. */
static size_t encode(const struct op_entry *e, unsigned opcode, bool two_byte, int member, struct rig *g,
		     uint8_t *out)
{
	size_t n = 0;
	if (two_byte)
		out[n++] = 0x0F;
	out[n++] = (uint8_t)opcode;
	if (e->form & F_MODRM)
		out[n++] = (uint8_t)(0xC0 | (member >= 0 ? member : 1) << 3 | 2);
	unsigned imm = (e->form & (F_IMM8 | F_REL8)) ? 1 : 0;
	imm += (e->form & (F_IMMV | F_IMM16 | F_RELV)) ? 2 : 0;
	imm += (e->form & F_IMM8B) ? 1 : 0;
	for (unsigned k = 0; k < imm; k++)
		out[n++] = (uint8_t)rnd(g);
	return n;
}

/* Check entry e (run on model) encoded as opcode / member; returns 1 if
 * it could be run (and counts a mismatch in *bad). */
static int check_entry(struct rig *g, const struct op_entry *e, unsigned opcode, bool two_byte, int member,
		       enum cpu_model model, int *bad)
{
	if (skipped(e, opcode, two_byte))
		return 0;
	unsigned reads = 0, writes = 0, runs = 0;
	for (unsigned s = 0; s < SAMPLES; s++) {
		uint8_t code[16];
		size_t len = encode(e, opcode, two_byte, member, g, code);
		memcpy(g->ram + CODE, code, len);
		uint32_t r[8];
		for (unsigned k = 0; k < 8; k++)
			r[k] = rnd(g) ^ (rnd(g) << 16);
		r[REG_CX] &= s & 1 ? 0xFF : 0xFFFF; /* small counts too */
		uint32_t f = 0;
		for (unsigned k = 0; k < 6; k++)
			f |= rnd(g) & 1 ? flag_bit[k] : 0;
		struct state a;
		if (!run_once(g, model, r, f, &a))
			continue;
		runs++;
		for (unsigned k = 0; k < 6; k++) {
			if ((a.flags ^ f) & flag_bit[k])
				writes |= 1u << k;
			struct state b;
			if (!run_once(g, model, r, f ^ flag_bit[k], &b))
				continue;
			if (memcmp(a.r, b.r, sizeof(a.r)) || a.ip != b.ip || ((a.flags ^ b.flags) & ~flag_bit[k]))
				reads |= 1u << k;
		}
	}
	if (runs == 0)
		return 0;
	if ((reads & ~e->reads) || (writes & ~e->writes)) {
		print_error("%s%02X /%d (%s): reads %02X (table %02X), writes %02X (table %02X)\n",
			    two_byte ? "0F " : "", opcode, member, e->name, reads, e->reads, writes, e->writes);
		(*bad)++;
	}
	return 1;
}

/* Where table index idx is reached from: its opcode and group member. */
static bool locate(unsigned idx, unsigned *opcode, bool *two_byte, int *member)
{
	if (idx < OPT_ALT) {
		*opcode = idx & 0xFF;
		*two_byte = idx >= OPT_0F;
		*member = -1;
		return true;
	}
	for (unsigned k = 0; k < OPT_ALT; k++) {
		const struct op_entry *e = &op_table[k];
		if (!e->fn)
			continue;
		if (idx >= OPT_GROUP && e->group >= 0 && (unsigned)e->group == (idx & ~7u)) {
			*opcode = k & 0xFF, *two_byte = k >= OPT_0F, *member = (int)(idx & 7);
			return true;
		}
	}
	return false;
}

static void test_flag_columns(void **state)
{
	(void)state;
	struct rig *g = calloc(1, sizeof(*g));
	assert_non_null(g);
	g->ram = calloc(1, RAM);
	assert_non_null(g->ram);
	g->rng = 0x9E3779B97F4A7C15ull;
	int checked = 0, bad = 0;
	for (unsigned idx = 0; idx < OPT_SIZE; idx++) {
		const struct op_entry *e = &op_table[idx];
		if (!e->fn || (idx >= OPT_ALT && idx < OPT_GROUP))
			continue;
		unsigned opcode;
		bool two_byte;
		int member;
		if (!locate(idx, &opcode, &two_byte, &member))
			continue;
		checked += check_entry(g, e, opcode, two_byte, member, CPU_80486, &bad);
		/* The 8086 meaning, where the entry has one (XA rows). */
		if (e->alt >= 0 && op_table[e->alt].fn)
			checked += check_entry(g, &op_table[e->alt], opcode, two_byte, member, CPU_8086, &bad);
	}
	/* The ALU, shifts, INC/DEC, Jcc, SETcc, flag instructions... */
	print_message("%d entries checked, %d with flags missing from their columns\n", checked, bad);
	assert_true(checked >= 200);
	assert_int_equal(bad, 0);
	free(g->ram);
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flag_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
