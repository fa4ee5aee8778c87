/*
 * code_store_unit.c - the store of decoded code shared by CPUs
 * (cpu_code_store, code_store.c): a second CPU running the same program
 * decodes nothing, a changed byte is never served from the store, the
 * store keeps to its limit, a program loaded again over another one in the
 * same CPU is not decoded again, and CPUs on two threads share one store.
 * Program loads: a host write over all of a page's code drops its blocks
 * at once and they come back from the store, a block from the store is
 * dropped by a write to any of its bytes, a cache far smaller than the
 * program is refilled from the store without decoding, and a block that
 * overwrites its whole page runs the new bytes next; writes over part of
 * a page leave its other blocks' bytes marked. Parked blocks: a program
 * loaded again over the one that overwrote it revives its blocks, a
 * changed byte is never revived, nothing parked survives a remap, a
 * flush or a reset, a full cache evicts parked blocks before live
 * ones, a load over part of a page parks the blocks it drops, and the
 * prefetch queue's bytes past a block neither keep it from being parked
 * nor are lost when it is revived. Self-modifying code ends the running
 * block without writing into its instructions (which may be shared).
 * Uses cmocka.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/block_cache.h"
#include "cpu/code_store.h"
#include "cpu/cpu.h"
#include "cpu/jit.h"

enum { RAM = 0x110000 };

struct rig {
	struct cpu c;
	uint8_t *ram;
};

/* Code at seg:0100 (so at another linear address for each seg, the same
 * EIP), stack 2000:FFFE, DS=ES=seg, sharing store s. */
static struct rig *rig_new(enum cpu_model m, struct cpu_code_store *s, uint16_t seg, const uint8_t *code, size_t n)
{
	struct rig *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	r->ram = aligned_alloc(CPU_PAGE_SIZE, RAM);
	assert_non_null(r->ram);
	memset(r->ram, 0xF4, RAM);
	struct cpu_bus bus = { .ctx = r };
	cpu_init(&r->c, m, &bus);
	cpu_set_code_store(&r->c, s);
	assert_int_equal(cpu_map_ram(&r->c, 0, RAM, r->ram, true), 0);
	if (n)
		memcpy(r->ram + seg * 16u + 0x100, code, n);
	cpu_load_seg(&r->c, SEG_CS, seg);
	cpu_load_seg(&r->c, SEG_DS, seg);
	cpu_load_seg(&r->c, SEG_ES, seg);
	cpu_load_seg(&r->c, SEG_SS, 0x2000);
	r->c.ip = 0x100;
	r->c.r[REG_SP].d = 0xFFFE;
	return r;
}

static void rig_free(struct rig *r)
{
	cpu_destroy(&r->c);
	free(r->ram);
	free(r);
}

/* A loop over a few blocks: AX = sum of 1..100 plus a call per pass. */
static const uint8_t prog[] = {
	0x31, 0xC0,             /* 100: xor ax, ax */
	0xB9, 0x64, 0x00,       /* 102: mov cx, 100 */
	0x01, 0xC8,             /* 105: add ax, cx */
	0xE8, 0x04, 0x00,       /* 107: call 10E */
	0xE2, 0xF9,             /* 10A: loop 105 */
	0xF4,                   /* 10C: hlt */
	0x90,                   /* 10D: nop */
	0x43,                   /* 10E: inc bx */
	0xC3,                   /* 10F: ret */
};

/* The same program in two CPUs of one store, at different linear
 * addresses: the second takes every block from the store. */
static void test_second_cpu_decodes_nothing(void **state)
{
	(void)state;
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	struct rig *a = rig_new(CPU_80386, s, 0x1000, prog, sizeof(prog));
	assert_int_equal(cpu_run(&a->c, 10000), CPU_EXIT_HLT);
	assert_int_equal(a->c.r[REG_AX].w[0], 5050);
	struct cpu_code_stats sa, sb;
	cpu_code_stats(&a->c, &sa);
	assert_true(sa.misses > 0);
	assert_int_equal(sa.store_hits, 0);
	assert_int_equal(sa.store_adds, sa.misses);

	struct rig *b = rig_new(CPU_80386, s, 0x3000, prog, sizeof(prog));
	assert_int_equal(cpu_run(&b->c, 10000), CPU_EXIT_HLT);
	assert_int_equal(b->c.r[REG_AX].w[0], 5050);
	assert_int_equal(b->c.r[REG_BX].w[0], 100);
	cpu_code_stats(&b->c, &sb);
	assert_int_equal(sb.misses, 0);
	assert_int_equal(sb.store_adds, 0);
	assert_int_equal(sb.store_hits, sa.misses);

	struct cpu_code_store_stats st;
	cpu_code_store_stats(s, &st);
	assert_int_equal(st.blocks, sa.misses);
	assert_int_equal(st.hits, sa.misses);
	assert_true(st.bytes > 0);

	/* Another model decodes for itself (its opcode table differs). */
	struct rig *c = rig_new(CPU_80286, s, 0x1000, prog, sizeof(prog));
	assert_int_equal(cpu_run(&c->c, 10000), CPU_EXIT_HLT);
	assert_int_equal(c->c.r[REG_AX].w[0], 5050);
	struct cpu_code_stats sc;
	cpu_code_stats(&c->c, &sc);
	assert_int_equal(sc.store_hits, 0);
	assert_true(sc.misses > 0);
	rig_free(a);
	rig_free(b);
	rig_free(c);
	cpu_code_store_destroy(s);
}

/* A CPU whose cache is far smaller than the program, behind a store that
 * holds it all: a full cache is emptied and the block that found it full
 * is still taken from the store (run in place, its header in the emptied
 * arena), never decoded again; the store's instructions its headers hold
 * stay within the cache's limit. */
static void test_full_cache_reloads_from_store(void **state)
{
	(void)state;
	enum { BLOCKS = 300, PASSES = 20 };
	uint8_t code[8 + BLOCKS * 3 + 8];
	size_t n = 0;
	code[n++] = 0xB9, code[n++] = PASSES, code[n++] = 0; /* 100: mov cx, PASSES */
	for (unsigned k = 0; k < BLOCKS; k++)
		code[n++] = 0x40, code[n++] = 0xEB, code[n++] = 0x00; /* inc ax; jmp $+2 */
	const unsigned back = 0x103 - (0x100 + (unsigned)n + 6);
	code[n++] = 0x49;                                    /* dec cx */
	code[n++] = 0x74, code[n++] = 0x03;                  /* jz hlt */
	code[n++] = 0xE9, code[n++] = (uint8_t)back, code[n++] = (uint8_t)(back >> 8); /* jmp 103 */
	code[n++] = 0xF4;                                    /* hlt */
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	struct rig *a = rig_new(CPU_80386, s, 0x1000, code, n);
	assert_int_equal(cpu_run(&a->c, 1000000), CPU_EXIT_HLT);
	assert_int_equal(a->c.r[REG_AX].w[0], BLOCKS * PASSES);
	struct rig *b = rig_new(CPU_80386, s, 0x3000, code, n);
	cpu_set_block_cache_limit(&b->c, 16384);
	assert_int_equal(cpu_run(&b->c, 1000000), CPU_EXIT_HLT);
	assert_int_equal(b->c.r[REG_AX].w[0], BLOCKS * PASSES);
	struct cpu_code_stats sb;
	cpu_code_stats(&b->c, &sb);
	assert_true(sb.flushes >= PASSES);
	assert_int_equal(sb.misses, 0);
	assert_int_equal(sb.store_adds, 0);
	assert_true(sb.store_hits > (uint64_t)BLOCKS * PASSES);
	assert_true(sb.bytes <= 16384);
	/* The store's instructions its headers hold count in its limit too,
	 * as copies would (looked at every 100 instructions). */
	struct rig *d = rig_new(CPU_80386, s, 0x3000, code, n);
	cpu_set_block_cache_limit(&d->c, 16384);
	size_t held_max = 0;
	enum cpu_exit why;
	while ((why = cpu_run(&d->c, 100)) == CPU_EXIT_BUDGET)
		if (d->c.in.bcache->store_held > held_max)
			held_max = d->c.in.bcache->store_held;
	assert_int_equal(why, CPU_EXIT_HLT);
	assert_true(held_max > 8192);
	assert_true(held_max <= 16384);
	rig_free(a);
	rig_free(b);
	rig_free(d);
	cpu_code_store_destroy(s);
}

/* A block taken from the store is exact like a decoded one: a write to any
 * of its bytes (here the immediate of MOV CX, two bytes into the block,
 * written by the host as a program load does) drops it, and the code that
 * runs next is the new one. */
static void test_store_block_write_drops(void **state)
{
	(void)state;
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	struct rig *a = rig_new(CPU_80386, s, 0x1000, prog, sizeof(prog));
	assert_int_equal(cpu_run(&a->c, 10000), CPU_EXIT_HLT);
	struct rig *b = rig_new(CPU_80386, s, 0x3000, prog, sizeof(prog));
	assert_int_equal(cpu_run(&b->c, 10000), CPU_EXIT_HLT);
	assert_int_equal(b->c.r[REG_AX].w[0], 5050);
	struct cpu_code_stats sb;
	cpu_code_stats(&b->c, &sb);
	assert_int_equal(sb.misses, 0);
	b->ram[0x30000 + 0x103] = 50; /* mov cx, 50 */
	cpu_mem_written(&b->c, 0x30000 + 0x103, 1);
	cpu_code_stats(&b->c, &sb);
	assert_int_equal(sb.invalidations, 1);
	b->c.ip = 0x100;
	assert_int_equal(cpu_run(&b->c, 10000), CPU_EXIT_HLT);
	assert_int_equal(b->c.r[REG_AX].w[0], 1275);
	rig_free(a);
	rig_free(b);
	cpu_code_store_destroy(s);
}

/* prog_blocks(): LOAD_BLOCKS pairs INC r; JMP $+2 run LOAD_PASSES times, adding to
 * the register `inc` (0x40 + register number) names; code for 1000:0100. */
enum { LOAD_BLOCKS = 300, LOAD_PASSES = 20 };
static size_t prog_blocks(uint8_t *code, uint8_t inc)
{
	size_t n = 0;
	code[n++] = 0xB9, code[n++] = LOAD_PASSES, code[n++] = 0; /* 100: mov cx, PASSES */
	for (unsigned k = 0; k < LOAD_BLOCKS; k++)
		code[n++] = inc, code[n++] = 0xEB, code[n++] = 0x00; /* inc r; jmp $+2 */
	const unsigned back = 0x103 - (0x100 + (unsigned)n + 6);
	code[n++] = 0x49;                                    /* dec cx */
	code[n++] = 0x74, code[n++] = 0x03;                  /* jz hlt */
	code[n++] = 0xE9, code[n++] = (uint8_t)back, code[n++] = (uint8_t)(back >> 8); /* jmp 103 */
	code[n++] = 0xF4;                                    /* hlt */
	return n;
}

static void run_from_100(struct rig *r)
{
	r->c.ip = 0x100;
	r->c.r[REG_AX].d = r->c.r[REG_BX].d = 0;
	assert_int_equal(cpu_run(&r->c, 1000000), CPU_EXIT_HLT);
}

/* A program loaded by the host over another one's code (as EXEC does):
 * a write over every translated byte of a page drops all its blocks at
 * once, the next program runs its own code, the first one loaded again
 * comes back from the store without a decoding, and a write over part of
 * the page still drops only the block it touches. */
static void test_load_over_code_page(void **state)
{
	(void)state;
	uint8_t a[8 + LOAD_BLOCKS * 3 + 8], b[sizeof(a)];
	const size_t na = prog_blocks(a, 0x40), nb = prog_blocks(b, 0x43); /* inc ax / inc bx */
	assert_int_equal(na, nb);
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	struct rig *r = rig_new(CPU_80386, s, 0x1000, a, na);
	const uint32_t at = 0x10100;
	run_from_100(r);
	assert_int_equal(r->c.r[REG_AX].w[0], LOAD_BLOCKS * LOAD_PASSES);
	struct cpu_code_stats s0, s1, s2, s3;
	cpu_code_stats(&r->c, &s0);
	assert_true(s0.blocks > 0);
	assert_int_equal(s0.invalidations, 0);

	memcpy(r->ram + at, b, nb); /* B loaded over A */
	cpu_mem_written(&r->c, at, (uint32_t)nb);
	cpu_code_stats(&r->c, &s1);
	assert_int_equal(s1.invalidations, s0.blocks);
	assert_int_equal(s1.blocks, 0);
	run_from_100(r);
	assert_int_equal(r->c.r[REG_AX].w[0], 0);
	assert_int_equal(r->c.r[REG_BX].w[0], LOAD_BLOCKS * LOAD_PASSES);

	memcpy(r->ram + at, a, na); /* A again: every block parked or from the store */
	cpu_mem_written(&r->c, at, (uint32_t)na);
	cpu_code_stats(&r->c, &s2);
	run_from_100(r);
	assert_int_equal(r->c.r[REG_AX].w[0], LOAD_BLOCKS * LOAD_PASSES);
	assert_int_equal(r->c.r[REG_BX].w[0], 0);
	cpu_code_stats(&r->c, &s3);
	assert_int_equal(s3.misses, s2.misses);
	assert_true(s3.store_hits + s3.revived - s2.store_hits - s2.revived >= LOAD_BLOCKS);

	/* The 101st INC becomes INC BX: the block holding it goes (every
	 * JMP $+2 ends a block, so one does), the others stay. */
	r->ram[at + 3 + 3 * 100] = 0x43;
	cpu_mem_written(&r->c, at + 3 + 3 * 100, 1);
	cpu_code_stats(&r->c, &s2);
	assert_int_equal(s2.invalidations - s3.invalidations, 1);
	assert_int_equal(s2.blocks, s3.blocks - 1);
	run_from_100(r);
	assert_int_equal(r->c.r[REG_AX].w[0], (LOAD_BLOCKS - 1) * LOAD_PASSES);
	assert_int_equal(r->c.r[REG_BX].w[0], LOAD_PASSES);
	rig_free(r);
	cpu_code_store_destroy(s);
}

/* Parked blocks (block_cache.h bc_park): program A, then B loaded over it
 * (one host write over all of the page's code), then A again. A's blocks
 * were parked when B overwrote them and are revived when A's first block
 * is looked up (all of them: their bytes are back): nothing decoded,
 * nothing taken from the store. Then B again: its blocks were parked by
 * A's load, and come back too. */
static void test_parked_program_revived(void **state)
{
	(void)state;
	uint8_t a[8 + LOAD_BLOCKS * 3 + 8], b[sizeof(a)];
	const size_t na = prog_blocks(a, 0x40), nb = prog_blocks(b, 0x43); /* inc ax / inc bx */
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	struct rig *r = rig_new(CPU_80386, s, 0x1000, a, na);
	const uint32_t at = 0x10100;
	run_from_100(r);
	struct cpu_code_stats s0, s1, s2, s3;
	cpu_code_stats(&r->c, &s0);
	assert_true(s0.blocks > LOAD_BLOCKS);
	assert_int_equal(s0.parked, 0);
	memcpy(r->ram + at, b, nb); /* B over A: A's blocks parked */
	cpu_mem_written(&r->c, at, (uint32_t)nb);
	cpu_code_stats(&r->c, &s1);
	assert_int_equal(s1.parked, s0.blocks);
	assert_int_equal(s1.blocks, 0);
	run_from_100(r);
	assert_int_equal(r->c.r[REG_BX].w[0], LOAD_BLOCKS * LOAD_PASSES);
	cpu_code_stats(&r->c, &s1);
	memcpy(r->ram + at, a, na); /* A again: revived */
	cpu_mem_written(&r->c, at, (uint32_t)na);
	/* The first block found brings back the rest of its park (all of A
	 * is on one page), before they run. */
	r->c.ip = 0x100;
	assert_int_equal(cpu_run(&r->c, 4), CPU_EXIT_BUDGET);
	cpu_code_stats(&r->c, &s2);
	assert_true(s2.revived - s1.revived >= LOAD_BLOCKS);
	run_from_100(r);
	assert_int_equal(r->c.r[REG_AX].w[0], LOAD_BLOCKS * LOAD_PASSES);
	assert_int_equal(r->c.r[REG_BX].w[0], 0);
	cpu_code_stats(&r->c, &s2);
	assert_int_equal(s2.misses, s1.misses);
	assert_int_equal(s2.store_hits, s1.store_hits);
	assert_true(s2.revived - s1.revived >= LOAD_BLOCKS);
	memcpy(r->ram + at, b, nb); /* B again: revived too */
	cpu_mem_written(&r->c, at, (uint32_t)nb);
	run_from_100(r);
	assert_int_equal(r->c.r[REG_BX].w[0], LOAD_BLOCKS * LOAD_PASSES);
	cpu_code_stats(&r->c, &s3);
	assert_int_equal(s3.misses, s2.misses);
	assert_int_equal(s3.store_hits, s2.store_hits);
	assert_true(s3.revived - s2.revived >= LOAD_BLOCKS);
	rig_free(r);
	cpu_code_store_destroy(s);
}

/* A loaded again with one byte changed (the 101st INC AX is INC DX): the
 * block holding it is not revived, it is decoded and runs the new code;
 * the others are revived. Without a store, so that only a park could
 * hold it. */
static void test_parked_changed_byte_not_revived(void **state)
{
	(void)state;
	uint8_t a[8 + LOAD_BLOCKS * 3 + 8], b[sizeof(a)];
	const size_t na = prog_blocks(a, 0x40), nb = prog_blocks(b, 0x43);
	struct rig *r = rig_new(CPU_80386, NULL, 0x1000, a, na);
	const uint32_t at = 0x10100;
	run_from_100(r);
	struct cpu_code_stats s0, s1, s2;
	cpu_code_stats(&r->c, &s0);
	memcpy(r->ram + at, b, nb);
	cpu_mem_written(&r->c, at, (uint32_t)nb);
	run_from_100(r);
	cpu_code_stats(&r->c, &s1);
	assert_int_equal(s1.parked, s0.blocks);
	a[3 + 3 * 100] = 0x42;
	memcpy(r->ram + at, a, na);
	cpu_mem_written(&r->c, at, (uint32_t)na);
	r->c.r[REG_DX].d = 0;
	run_from_100(r);
	assert_int_equal(r->c.r[REG_AX].w[0], (LOAD_BLOCKS - 1) * LOAD_PASSES);
	assert_int_equal(r->c.r[REG_DX].w[0], LOAD_PASSES);
	cpu_code_stats(&r->c, &s2);
	assert_int_equal(s2.misses - s1.misses, 1);
	assert_true(s2.revived - s1.revived >= LOAD_BLOCKS - 1);
	rig_free(r);
}

/* A block that goes on across a JMP (block_cache.c jmp_inside()) keeps the
 * bytes jumped over in its range, which a park compares with its page's
 * copy: the copy holds them as they were when the block was recorded
 * (they are not in the bitmap). A, then B over it (A parked), then A
 * again: revived, nothing decoded. Without a store, so that only a park
 * could hold it. (Bytes jumped over that the program writes before a
 * block over them is recorded differ from the loaded ones: that block is
 * decoded again when the program is loaded again.) */
static void test_parked_jmp_gap_revived(void **state)
{
	(void)state;
	uint8_t a[] = {
		0xB9, 0x32, 0x00, /* 100: mov cx, 50 */
		0xEB, 0x02,       /* 103: top: jmp short 107 */
		0xCC, 0xCC,       /* 105: (jumped over) */
		0x40,             /* 107: inc ax (B: inc bx) */
		0xE2, 0xF9,       /* 108: loop top */
		0xF4,             /* 10A: hlt */
	};
	uint8_t b[sizeof(a)];
	memcpy(b, a, sizeof(a));
	b[7] = 0x43;
	struct rig *r = rig_new(CPU_80386, NULL, 0x1000, a, sizeof(a));
	const uint32_t at = 0x10100;
	run_from_100(r);
	assert_int_equal(r->c.r[REG_AX].w[0], 50);
	struct cpu_code_stats s0, s1, s2;
	cpu_code_stats(&r->c, &s0);
	memcpy(r->ram + at, b, sizeof(b)); /* B over A: A's blocks parked */
	cpu_mem_written(&r->c, at, sizeof(b));
	run_from_100(r);
	assert_int_equal(r->c.r[REG_BX].w[0], 50);
	cpu_code_stats(&r->c, &s1);
	assert_true(s1.parked >= s0.blocks);
	memcpy(r->ram + at, a, sizeof(a)); /* A again */
	cpu_mem_written(&r->c, at, sizeof(a));
	run_from_100(r);
	assert_int_equal(r->c.r[REG_AX].w[0], 50);
	assert_int_equal(r->c.r[REG_BX].w[0], 0);
	cpu_code_stats(&r->c, &s2);
	assert_int_equal(s2.misses, s1.misses);
	assert_true(s2.revived - s1.revived >= s0.blocks);
	rig_free(r);
}

/* The prefetch queue (80386: 16 bytes) with parked blocks. A jumps to an
 * instruction that ends at a 64-byte chunk's end and writes INC BX over
 * the INC AX 2 bytes after it, which its queue holds: the old INC AX runs.
 * Its block ends after it, and the queue's bytes past it (in the next
 * chunk, which holds no block, and past the program's end) are in the
 * page's bitmap, so the write is seen although no block's bytes are near.
 * B loaded over A covers every block's bytes, not those shadow bytes: all
 * of A's blocks are parked all the same. A again: its block is revived
 * with its queue's bytes marked again, so its write is still seen by the
 * queue and the old INC AX still runs. Without a store, so that only a
 * park could hold it. */
static void test_parked_block_keeps_queue_bytes(void **state)
{
	(void)state;
	uint8_t a[0x44], b[sizeof(a)];
	memset(a, 0x90, sizeof(a));
	a[0x00] = 0xEB, a[0x01] = 0x39;                                             /* 100: jmp 13B */
	a[0x3B] = 0xC6, a[0x3C] = 0x06, a[0x3D] = 0x42, a[0x3E] = 0x01, a[0x3F] = 0x43; /* mov byte [142], 43h */
	a[0x42] = 0x40;                                                             /* 142: inc ax */
	a[0x43] = 0xF4;                                                             /* 143: hlt */
	memcpy(b, a, sizeof(a));
	b[0x3F] = 0x42; /* mov byte [142], 42h (inc dx) */
	struct rig *r = rig_new(CPU_80386, NULL, 0x1000, a, sizeof(a));
	cpu_set_prefetch(&r->c, true); /* (off by default) */
	const uint32_t at = 0x10100;
	run_from_100(r);
	assert_int_equal(r->c.r[REG_AX].w[0], 1);
	assert_int_equal(r->c.r[REG_BX].w[0], 0);
	struct cpu_code_stats s0, s1, s2;
	cpu_code_stats(&r->c, &s0);
	assert_true(s0.blocks > 0);
	memcpy(r->ram + at, b, sizeof(b)); /* B over A: A's blocks parked */
	cpu_mem_written(&r->c, at, sizeof(b));
	cpu_code_stats(&r->c, &s1);
	assert_int_equal(s1.parked, s0.blocks);
	assert_int_equal(s1.blocks, 0);
	run_from_100(r);
	assert_int_equal(r->c.r[REG_AX].w[0], 1);
	cpu_code_stats(&r->c, &s1);
	memcpy(r->ram + at, a, sizeof(a)); /* A again: revived */
	cpu_mem_written(&r->c, at, sizeof(a));
	run_from_100(r);
	cpu_code_stats(&r->c, &s2);
	assert_true(s2.revived > s1.revived);
	assert_int_equal(r->c.r[REG_AX].w[0], 1);
	assert_int_equal(r->c.r[REG_BX].w[0], 0);
	rig_free(r);
}

/* The 8088's queue switched on and off while the program's block is
 * cached (cpu_set_8bit_bus()): a 5-byte MOV writes INC BX over the INC AX
 * right after it, which the 8086's 6-byte queue holds (the old INC AX
 * runs) and the 8088's 4-byte one does not (INC BX runs); then the MOV
 * after it writes INC AX back. Each length runs twice (recorded, then
 * cached), and the 8086 again after the 8088. */
static void test_8bit_bus_queue_switch(void **state)
{
	(void)state;
	static const uint8_t code[] = {
		0xC6, 0x06, 0x05, 0x01, 0x43, /* 100: mov byte [105], 43h (inc bx) */
		0x40,                         /* 105: inc ax */
		0xC6, 0x06, 0x05, 0x01, 0x40, /* 106: mov byte [105], 40h (inc ax) */
		0xF4,                         /* 10B: hlt */
	};
	struct rig *r = rig_new(CPU_8086, NULL, 0x1000, code, sizeof(code));
	cpu_set_prefetch(&r->c, true); /* (off by default) */
	for (int pass = 0; pass < 6; pass++) {
		const bool bus8 = pass / 2 == 1;
		if (pass % 2 == 0)
			cpu_set_8bit_bus(&r->c, bus8);
		run_from_100(r);
		assert_int_equal(r->c.r[REG_AX].w[0], bus8 ? 0 : 1);
		assert_int_equal(r->c.r[REG_BX].w[0], bus8 ? 1 : 0);
	}
	rig_free(r);
}

/* A's blocks parked (B loaded over them), then what may have changed the
 * memory behind them or the cache: the page mapped again (to the same
 * host memory, so its bytes would still match), the cache emptied, the
 * CPU reset. A's parked blocks count as evicted; A loaded again then
 * revives nothing (its blocks come from the store), and runs right. */
static void test_parked_gone_after_remap_flush_reset(void **state)
{
	(void)state;
	uint8_t a[8 + LOAD_BLOCKS * 3 + 8], b[sizeof(a)];
	const size_t na = prog_blocks(a, 0x40), nb = prog_blocks(b, 0x43);
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	const uint32_t at = 0x10100;
	for (int how = 0; how < 3; how++) {
		struct rig *r = rig_new(CPU_80386, s, 0x1000, a, na);
		run_from_100(r);
		memcpy(r->ram + at, b, nb);
		cpu_mem_written(&r->c, at, (uint32_t)nb);
		run_from_100(r);
		struct cpu_code_stats s0, s1;
		cpu_code_stats(&r->c, &s0);
		assert_true(s0.parked > LOAD_BLOCKS);
		if (how == 0) {
			assert_int_equal(cpu_map_ram(&r->c, 0x10000, CPU_PAGE_SIZE, r->ram + 0x10000, true), 0);
		} else if (how == 1) {
			cpu_set_block_cache_limit(&r->c, 4096); /* (below what it holds: emptied) */
			cpu_set_block_cache_limit(&r->c, (size_t)16 << 20);
		} else {
			cpu_reset(&r->c);
			cpu_load_seg(&r->c, SEG_CS, 0x1000);
			cpu_load_seg(&r->c, SEG_SS, 0x2000);
			r->c.r[REG_SP].d = 0xFFFE;
		}
		cpu_code_stats(&r->c, &s1);
		assert_true(s1.evictions - s0.evictions >= LOAD_BLOCKS); /* (A's parked blocks) */
		memcpy(r->ram + at, a, na);
		cpu_mem_written(&r->c, at, (uint32_t)na);
		run_from_100(r);
		assert_int_equal(r->c.r[REG_AX].w[0], LOAD_BLOCKS * LOAD_PASSES);
		assert_int_equal(r->c.r[REG_BX].w[0], 0);
		cpu_code_stats(&r->c, &s1);
		assert_int_equal(s1.revived, s0.revived);
		assert_true(s1.store_hits - s0.store_hits >= LOAD_BLOCKS);
		rig_free(r);
	}
	cpu_code_store_destroy(s);
}

/* The host loads code of n bytes at 1000:0100 (one write, as EXEC does). */
static void load_at(struct rig *r, const uint8_t *code, size_t n)
{
	memcpy(r->ram + 0x10100, code, n);
	cpu_mem_written(&r->c, 0x10100, (uint32_t)n);
}

/* Parked blocks of a load over part of a page (block_cache.c
 * park_some()): code that stays at 1000:0000 (INC SI; HLT) beside A at
 * 1000:0100, then B loaded over A only (a write of 64 bytes or more over
 * part of the page's code): A's blocks are parked, the resident block
 * stays; A again revives them (nothing decoded, no store: the page's
 * blocks are A's and the resident one again); a one-byte
 * write (a guest's store) drops its block without parking it; B again
 * and A again with another byte changed: that block is decoded and runs
 * the new code, the others are revived. */
static void test_parked_partial_load(void **state)
{
	(void)state;
	uint8_t a[8 + LOAD_BLOCKS * 3 + 8], b[sizeof(a)];
	const size_t na = prog_blocks(a, 0x40), nb = prog_blocks(b, 0x43);
	struct rig *r = rig_new(CPU_80386, NULL, 0x1000, a, na);
	const uint32_t at = 0x10100; /* (1000:0100) */
	r->ram[0x10000] = 0x46, r->ram[0x10001] = 0xF4; /* 0000: inc si; hlt */
	r->c.ip = 0;
	assert_int_equal(cpu_run(&r->c, 10), CPU_EXIT_HLT);
	struct cpu_code_stats s0, s1, s2;
	cpu_code_stats(&r->c, &s0);
	const uint64_t resident = s0.blocks;
	assert_true(resident > 0);
	run_from_100(r);
	cpu_code_stats(&r->c, &s0);
	load_at(r, b, nb); /* B over A, not over 0000 */
	cpu_code_stats(&r->c, &s1);
	assert_int_equal(s1.parked, s0.blocks - resident);
	assert_int_equal(s1.blocks, resident);
	run_from_100(r);
	assert_int_equal(r->c.r[REG_BX].w[0], LOAD_BLOCKS * LOAD_PASSES);
	cpu_code_stats(&r->c, &s1);
	load_at(r, a, na); /* A again: revived */
	run_from_100(r);
	assert_int_equal(r->c.r[REG_AX].w[0], LOAD_BLOCKS * LOAD_PASSES);
	assert_int_equal(r->c.r[REG_BX].w[0], 0);
	cpu_code_stats(&r->c, &s2);
	assert_int_equal(s2.misses, s1.misses);
	assert_true(s2.revived - s1.revived >= LOAD_BLOCKS);
	assert_int_equal(s2.blocks, s0.blocks); /* (the resident code stayed) */

	r->ram[at + 3 + 3 * 100] = 0x43; /* a store: its block dropped, not parked */
	cpu_mem_written(&r->c, at + 3 + 3 * 100, 1);
	cpu_code_stats(&r->c, &s1);
	assert_int_equal(s1.invalidations - s2.invalidations, 1);
	assert_int_equal(s1.parked, s2.parked);
	run_from_100(r);
	assert_int_equal(r->c.r[REG_AX].w[0], (LOAD_BLOCKS - 1) * LOAD_PASSES);
	assert_int_equal(r->c.r[REG_BX].w[0], LOAD_PASSES);

	load_at(r, b, nb); /* B again (revived), then A with INC DX */
	run_from_100(r);
	assert_int_equal(r->c.r[REG_BX].w[0], LOAD_BLOCKS * LOAD_PASSES);
	cpu_code_stats(&r->c, &s1);
	a[3 + 3 * 100] = 0x43;
	a[3 + 3 * 200] = 0x42;
	load_at(r, a, na);
	r->c.r[REG_DX].d = 0;
	run_from_100(r);
	assert_int_equal(r->c.r[REG_AX].w[0], (LOAD_BLOCKS - 2) * LOAD_PASSES);
	assert_int_equal(r->c.r[REG_BX].w[0], LOAD_PASSES);
	assert_int_equal(r->c.r[REG_DX].w[0], LOAD_PASSES);
	cpu_code_stats(&r->c, &s2);
	assert_int_equal(s2.misses - s1.misses, 1);
	assert_true(s2.revived - s1.revived >= LOAD_BLOCKS - 1);
	rig_free(r);
}

/* Parked blocks count in the cache's limit and go before live ones: in a
 * 256 KiB cache, programs A, B and C (96 KiB of blocks each) loaded in
 * turn on one page: when C fills the arena, A's and B's parked blocks are
 * evicted (their memory reused, counted in evictions), nothing live is
 * flushed; then A again is decoded (no store), and everything computes
 * right. */
static void test_parked_evicted_before_live(void **state)
{
	(void)state;
	uint8_t p[3][8 + LOAD_BLOCKS * 3 + 8];
	static const uint8_t inc[3] = { 0x40, 0x43, 0x46 }; /* inc ax, bx, si */
	size_t n[3];
	for (int k = 0; k < 3; k++)
		n[k] = prog_blocks(p[k], inc[k]);
	struct rig *r = rig_new(CPU_80386, NULL, 0x1000, p[0], n[0]);
	cpu_set_block_cache_limit(&r->c, 256 << 10);
	const uint32_t at = 0x10100;
	struct cpu_code_stats st;
	for (int load = 0; load < 4; load++) {
		const int k = load % 3;
		memcpy(r->ram + at, p[k], n[k]);
		cpu_mem_written(&r->c, at, (uint32_t)n[k]);
		r->c.r[REG_SI].d = 0;
		run_from_100(r);
		assert_int_equal(r->c.r[k == 0 ? REG_AX : k == 1 ? REG_BX : REG_SI].w[0], LOAD_BLOCKS * LOAD_PASSES);
		cpu_code_stats(&r->c, &st);
		assert_true(st.bytes <= 256 << 10);
	}
	assert_true(st.parked >= 2 * LOAD_BLOCKS);
	assert_int_equal(st.flushes, 0);
	/* (A's and B's parked blocks at least, A's revived by none) */
	assert_true(st.evictions >= 2 * LOAD_BLOCKS && st.evictions <= st.parked - st.revived);
	rig_free(r);
}

/* Writes over part of a code page (a program load written in pieces):
 * after a write drops some blocks, the page's other blocks near it (the
 * bitmap is made again only within BC_MAX_BYTES of the write) still have
 * their bytes marked, so writes to them drop them, and the dropped
 * block's own bytes are no longer marked, so a write to them is a data
 * write. Blocks 99, 100, 101 (INC; JMP $+2, 3 bytes each, their INC at
 * 3 + 3 k) and 50, 150 bytes before them, become INC BX one by one. */
static void test_partial_writes_keep_neighbours(void **state)
{
	(void)state;
	uint8_t a[8 + LOAD_BLOCKS * 3 + 8];
	const size_t na = prog_blocks(a, 0x40);
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	struct rig *r = rig_new(CPU_80386, s, 0x1000, a, na);
	const uint32_t at = 0x10100;
	run_from_100(r);
	struct cpu_code_stats s0, s1;
	cpu_code_stats(&r->c, &s0);
	static const unsigned order[] = { 100, 101, 99, 50 };
	for (unsigned k = 0; k < 4; k++) {
		const uint32_t inc = at + 3 + 3 * order[k];
		r->ram[inc] = 0x43;
		cpu_mem_written(&r->c, inc, 1);
		cpu_code_stats(&r->c, &s1);
		assert_int_equal(s1.invalidations - s0.invalidations, 1);
		assert_int_equal(s1.code_writes - s0.code_writes, 1);
		/* Its JMP (unchanged): no block holds it any more. */
		cpu_mem_written(&r->c, inc + 1, 2);
		cpu_code_stats(&r->c, &s0);
		assert_int_equal(s0.invalidations, s1.invalidations);
		assert_int_equal(s0.code_writes, s1.code_writes);
		assert_int_equal(s0.data_writes - s1.data_writes, 1);
	}
	run_from_100(r);
	assert_int_equal(r->c.r[REG_AX].w[0], (LOAD_BLOCKS - 4) * LOAD_PASSES);
	assert_int_equal(r->c.r[REG_BX].w[0], 4 * LOAD_PASSES);
	rig_free(r);
	cpu_code_store_destroy(s);
}

/* A cached block that overwrites all of its own bytes, the only code on
 * its page (STOSD; INC AX; HLT, 4 bytes, written over by its STOSD: one
 * write over every translated byte of the page, so all its blocks are
 * dropped at once): the instructions after the STOSD are the new bytes
 * (NOP, NOP), not the old INC AX, so the CPU runs on to the HLT after the
 * block (the RAM's fill byte). */
static void test_block_overwrites_its_page(void **state)
{
	(void)state;
	static const uint8_t setup[] = {
		0x66, 0xB8, 0x90, 0x90, 0x90, 0x90, /* 0000: mov eax, 90909090h */
		0xE9, 0xF7, 0x0F,                   /* 0006: jmp 1000 */
	};
	static const uint8_t blk[] = { 0x66, 0xAB, 0x40, 0xF4 }; /* 1000: stosd; inc ax; hlt */
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	for (int pass = 0; pass < 2; pass++) {
		struct rig *r = rig_new(CPU_80386, s, 0x1000, NULL, 0);
		cpu_set_prefetch(&r->c, false); /* (the prefetch queue would run the old INC AX) */
		memcpy(r->ram + 0x10000, setup, sizeof(setup));
		memcpy(r->ram + 0x11000, blk, sizeof(blk));
		/* First the block writes elsewhere (ES:2000h): it is cached. */
		r->c.ip = 0;
		r->c.r[REG_DI].d = 0x2000;
		assert_int_equal(cpu_run(&r->c, 1000), CPU_EXIT_HLT);
		assert_int_equal(r->c.r[REG_AX].w[0], 0x9091);
		assert_int_equal(r->c.ip, 0x1004);
		/* Then over itself. */
		r->c.ip = 0;
		r->c.r[REG_DI].d = 0x1000;
		assert_int_equal(cpu_run(&r->c, 1000), CPU_EXIT_HLT);
		assert_int_equal(r->ram[0x11002], 0x90);
		assert_int_equal(r->c.r[REG_AX].w[0], 0x9090);
		assert_int_equal(r->c.ip, 0x1005);
		struct cpu_code_stats st;
		cpu_code_stats(&r->c, &st);
		assert_int_equal(st.smc_stops, 1);
		rig_free(r);
	}
	cpu_code_store_destroy(s);
}

/* One long block; the second CPU's copy differs only in its last
 * immediate: the same EIP and first bytes, never served from the store. */
static void test_changed_byte_not_served(void **state)
{
	(void)state;
	uint8_t code[64];
	size_t n = 0;
	for (int k = 0; k < 12; k++)
		code[n++] = 0x05, code[n++] = 1, code[n++] = 0; /* add ax, 1 */
	code[n++] = 0x05, code[n++] = 0x10, code[n++] = 0;     /* add ax, 10h */
	code[n++] = 0xF4;                                      /* hlt */
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	struct rig *a = rig_new(CPU_80386, s, 0x1000, code, n);
	assert_int_equal(cpu_run(&a->c, 1000), CPU_EXIT_HLT);
	assert_int_equal(a->c.r[REG_AX].w[0], 12 + 0x10);
	code[n - 3] = 0x20; /* the last immediate */
	struct rig *b = rig_new(CPU_80386, s, 0x1000, code, n);
	assert_int_equal(cpu_run(&b->c, 1000), CPU_EXIT_HLT);
	assert_int_equal(b->c.r[REG_AX].w[0], 12 + 0x20);
	struct cpu_code_stats sb;
	cpu_code_stats(&b->c, &sb);
	assert_int_equal(sb.store_hits, 0);
	assert_true(sb.misses > 0);
	/* Both versions are kept; a third CPU with the first gets it. */
	code[n - 3] = 0x10;
	struct rig *c = rig_new(CPU_80386, s, 0x1000, code, n);
	assert_int_equal(cpu_run(&c->c, 1000), CPU_EXIT_HLT);
	assert_int_equal(c->c.r[REG_AX].w[0], 12 + 0x10);
	struct cpu_code_stats sc;
	cpu_code_stats(&c->c, &sc);
	assert_int_equal(sc.misses, 0);
	rig_free(a);
	rig_free(b);
	rig_free(c);
	cpu_code_store_destroy(s);
}

/* A store too small for the program: it keeps under its limit by evicting
 * the least recently used blocks, and every CPU still computes right. */
static void test_store_limit(void **state)
{
	(void)state;
	enum { BLOCKS = 200 };
	uint8_t code[BLOCKS * 4 + 4];
	size_t n = 0;
	for (unsigned k = 0; k < BLOCKS; k++) /* inc ax; jmp $+2; nop: a block each */
		code[n++] = 0x40, code[n++] = 0xEB, code[n++] = 0x00, code[n++] = 0x90;
	code[n++] = 0xF4;
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 8192), 0);
	for (int k = 0; k < 3; k++) {
		struct rig *r = rig_new(CPU_8086, s, (uint16_t)(0x1000 + k * 0x1000), code, n);
		assert_int_equal(cpu_run(&r->c, 100000), CPU_EXIT_HLT);
		assert_int_equal(r->c.r[REG_AX].w[0], BLOCKS);
		rig_free(r);
	}
	struct cpu_code_store_stats st;
	/* Entries a cache ran stayed while it did (the blocks each CPU
	 * recorded run the store's copy: above the limit); given back, the
	 * next addition or change of limit evicts down to it. */
	cpu_code_store_stats(s, &st);
	assert_true(st.bytes > 8192);
	cpu_code_store_set_limit(s, 8192);
	cpu_code_store_stats(s, &st);
	assert_true(st.bytes <= 8192);
	assert_true(st.evictions > 0);
	assert_int_equal(st.adds - st.evictions, st.blocks);
	/* The most recent blocks are the ones kept: the last ones run. */
	struct rig *r = rig_new(CPU_8086, s, 0x5000, code, n);
	r->c.ip = 0x100 + (BLOCKS - 2) * 4 - 1; /* (the nop before: where those blocks start) */
	assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
	struct cpu_code_stats sr;
	cpu_code_stats(&r->c, &sr);
	assert_int_equal(sr.misses, 0);
	rig_free(r);
	/* Lowering the limit evicts at once. */
	cpu_code_store_set_limit(s, 1024);
	cpu_code_store_stats(s, &st);
	assert_true(st.bytes <= 1024);
	cpu_code_store_destroy(s);
}

/* One CPU: program A, then B written over it by the host, then A again:
 * A's blocks come back from the store, nothing is decoded again. (The
 * programs end in a loop on themselves, not HLT: a halted CPU runs its
 * first instruction after waking outside the block cache.) */
static void test_program_loaded_again(void **state)
{
	(void)state;
	static const uint8_t other[] = { 0xB8, 0x34, 0x12, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0xEB, 0xFE };
	uint8_t a[sizeof(prog)];
	memcpy(a, prog, sizeof(prog));
	a[0x0C] = 0xEB, a[0x0D] = 0xFE; /* hlt; nop -> jmp $ */
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	struct rig *r = rig_new(CPU_80386, s, 0x1000, a, sizeof(a));
	assert_int_equal(cpu_run(&r->c, 10000), CPU_EXIT_BUDGET);
	assert_int_equal(r->c.r[REG_AX].w[0], 5050);
	struct cpu_code_stats s1, s2, s3;
	cpu_code_stats(&r->c, &s1);
	memcpy(r->ram + 0x10100, other, sizeof(other));
	cpu_mem_written(&r->c, 0x10100, sizeof(other));
	r->c.ip = 0x100;
	assert_int_equal(cpu_run(&r->c, 10000), CPU_EXIT_BUDGET);
	assert_int_equal(r->c.r[REG_AX].w[0], 0x123A);
	cpu_code_stats(&r->c, &s2);
	assert_true(s2.invalidations > 0);
	assert_true(s2.misses > s1.misses);
	memcpy(r->ram + 0x10100, a, sizeof(a));
	cpu_mem_written(&r->c, 0x10100, sizeof(a));
	r->c.ip = 0x100;
	r->c.r[REG_BX].w[0] = 0;
	r->c.r[REG_SP].d = 0xFFFE;
	assert_int_equal(cpu_run(&r->c, 10000), CPU_EXIT_BUDGET);
	assert_int_equal(r->c.r[REG_AX].w[0], 5050);
	assert_int_equal(r->c.r[REG_BX].w[0], 100);
	cpu_code_stats(&r->c, &s3);
	assert_int_equal(s3.misses, s2.misses);
	assert_true(s3.store_hits > s2.store_hits);
	rig_free(r);
	cpu_code_store_destroy(s);
}

/* Each pass writes the immediate of the next instruction: DL = 3 + 2 + 1. */
static const uint8_t smc_prog[] = {
	0xB9, 0x03, 0x00,       /* 100: mov cx, 3 */
	0x88, 0x0E, 0x08, 0x01, /* 103: mov [108h], cl */
	0xB0, 0x00,             /* 107: mov al, 0 (imm at 108h) */
	0x00, 0xC2,             /* 109: add dl, al */
	0xE2, 0xF6,             /* 10B: loop 103 */
	0x90,                   /* 10D: nop (the block from 107h: 5 entries) */
	0xF4,                   /* 10E: hlt */
};

/* Self-modifying code with a store: a block patched by itself is right on
 * every pass and in a second CPU (whose store copy is the unpatched one). */
static void test_smc_with_store(void **state)
{
	(void)state;
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	for (int k = 0; k < 3; k++) {
		struct rig *r = rig_new(CPU_8086, s, 0x1000, smc_prog, sizeof(smc_prog));
		cpu_set_prefetch(&r->c, false); /* (every write seen at once) */
		assert_int_equal(cpu_run(&r->c, 1000), CPU_EXIT_HLT);
		assert_int_equal(r->c.r[REG_DX].b[0], 3 + 2 + 1);
		rig_free(r);
	}
	cpu_code_store_destroy(s);
}

/* The live block of r's cache at CS:ip, or NULL. */
static struct bc_block *cached_block(struct rig *r, uint32_t ip)
{
	const uint64_t key = (uint64_t)ip << 32 | (r->c.seg_base[SEG_CS] + ip);
	for (struct bc_page *pg = r->c.in.bcache->pages; pg; pg = pg->next)
		for (uint32_t k = 0; k < pg->n; k++)
			if (pg->blk[k]->key == key)
				return pg->blk[k];
	return NULL;
}

/* A write that drops the running block ends it after the writing
 * instruction without writing into the block's instructions (block_cache.c
 * stop_if_running(): they may be the store's, run by other CPUs): the
 * dropped block's instructions are as they were, and another CPU of the
 * store then runs the same block, unchanged, to the same end. */
static void test_smc_stop_writes_no_insn(void **state)
{
	(void)state;
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	/* Without a store (the block's own copy), then with one (the block
	 * just recorded runs the store's copy: bc_commit()). */
	for (int k = 0; k < 4; k++) {
		const bool with_store = k >= 2, jit = k & 1;
		struct rig *r = rig_new(CPU_8086, with_store ? s : NULL, 0x1000, smc_prog, sizeof(smc_prog));
		cpu_set_prefetch(&r->c, false); /* (every write seen at once) */
		cpu_set_jit(&r->c, jit ? CPU_JIT_FORCE : CPU_JIT_OFF); /* (threaded, then compiled) */
		/* 9 instructions: pass 2 has recorded the block at 103h
		 * (pass 1's block was dropped by pass 2's write). */
		assert_int_equal(cpu_run(&r->c, 9), CPU_EXIT_BUDGET);
		struct bc_block *b = cached_block(r, 0x103);
		assert_non_null(b);
		assert_int_equal(b->ninsns, 4);
		assert_true(bc_in_store(b) == with_store);
		const struct insn *ins = b->ins;
		struct insn before[5];
		memcpy(before, ins, sizeof(before));
		/* Pass 3 runs it, drops it at 103h and ends it there. */
		assert_int_equal(cpu_run(&r->c, 1000), CPU_EXIT_HLT);
		assert_int_equal(r->c.r[REG_DX].b[0], 3 + 2 + 1);
		struct cpu_code_stats st;
		cpu_code_stats(&r->c, &st);
		assert_int_equal(st.smc_stops, 1);
		assert_null(cached_block(r, 0x103));
		/* Its instructions: its own (the memory is free, not reused:
		 * no other block of 4) or the store's, which the store keeps
		 * (its limit is far off). */
		const struct block_cache *bc = r->c.in.bcache;
		if (!with_store) {
			struct bc_block *f = bc_blk(bc, bc->free_blocks[4]);
			while (f && f != b)
				f = bc_blk(bc, f->hnext);
			assert_ptr_equal(f, b);
			if (jit && cpu_get_jit(&r->c) == CPU_JIT_FORCE)
				assert_int_equal(b->jstate, JS_DONE); /* (the stop was compiled code's) */
		}
		assert_memory_equal(before, ins, sizeof(before));
		rig_free(r);
	}
	/* Another CPU of the store: its blocks from the store, the same
	 * result. */
	struct rig *r = rig_new(CPU_8086, s, 0x3000, smc_prog, sizeof(smc_prog));
	cpu_set_prefetch(&r->c, false);
	assert_int_equal(cpu_run(&r->c, 1000), CPU_EXIT_HLT);
	assert_int_equal(r->c.r[REG_DX].b[0], 3 + 2 + 1);
	rig_free(r);
	cpu_code_store_destroy(s);
}

/* Blocks of r's cache (live, parked and freed headers aside): are they
 * all from the store, run in place (their instructions the store's)? */
static bool all_in_store(struct rig *r)
{
	for (struct bc_page *pg = r->c.in.bcache->pages; pg; pg = pg->next)
		for (uint32_t k = 0; k < pg->n; k++)
			if (!bc_in_store(pg->blk[k]))
				return false;
	return true;
}

/* A second CPU of the store runs the program from the store's
 * instructions in place: its cache holds a header per block and nothing
 * else. A store whose limit drops to nothing then keeps the entries that
 * cache runs (they are referenced) and the CPU runs on from them (ASan:
 * nothing freed under it); once the CPU is gone they go too. */
static void test_store_blocks_in_place(void **state)
{
	(void)state;
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	struct rig *a = rig_new(CPU_80386, s, 0x1000, prog, sizeof(prog));
	assert_int_equal(cpu_run(&a->c, 10000), CPU_EXIT_HLT);
	struct rig *b = rig_new(CPU_80386, s, 0x3000, prog, sizeof(prog));
	assert_int_equal(cpu_run(&b->c, 10000), CPU_EXIT_HLT);
	assert_int_equal(b->c.r[REG_AX].w[0], 5050);
	struct cpu_code_stats sa, sb;
	cpu_code_stats(&a->c, &sa);
	cpu_code_stats(&b->c, &sb);
	assert_int_equal(sb.misses, 0);
	assert_true(sb.blocks > 0);
	assert_true(all_in_store(b));
	assert_int_equal(sb.bytes, sb.blocks * sizeof(struct bc_block));
	rig_free(a); /* (b's references stay) */

	cpu_code_store_set_limit(s, 0);
	struct cpu_code_store_stats st;
	cpu_code_store_stats(s, &st);
	assert_int_equal(st.blocks, sb.blocks); /* (b's, referenced: kept) */
	assert_true(st.evictions > 0 || st.blocks == sa.misses);
	b->c.ip = 0x100;
	b->c.r[REG_AX].d = b->c.r[REG_BX].d = 0;
	assert_int_equal(cpu_run(&b->c, 10000), CPU_EXIT_HLT);
	assert_int_equal(b->c.r[REG_AX].w[0], 5050);
	assert_int_equal(b->c.r[REG_BX].w[0], 100);
	rig_free(b);
	cpu_code_store_set_limit(s, 0);
	cpu_code_store_stats(s, &st);
	assert_int_equal(st.blocks, 0);
	cpu_code_store_destroy(s);
}

/* Blocks from the store parked by a program load over them and revived
 * when it comes back: still the store's instructions, no copy; a flush
 * gives back every reference (parked, live, freed headers). */
static void test_store_blocks_parked(void **state)
{
	(void)state;
	uint8_t a[8 + LOAD_BLOCKS * 3 + 8], b[sizeof(a)];
	const size_t na = prog_blocks(a, 0x40), nb = prog_blocks(b, 0x43); /* inc ax / inc bx */
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	const uint32_t at = 0x10100;
	struct rig *r0 = rig_new(CPU_80386, s, 0x1000, a, na); /* (fills the store) */
	run_from_100(r0);
	memcpy(r0->ram + at, b, nb);
	cpu_mem_written(&r0->c, at, (uint32_t)nb);
	run_from_100(r0);
	rig_free(r0);
	struct rig *r = rig_new(CPU_80386, s, 0x1000, a, na);
	run_from_100(r);
	assert_int_equal(r->c.r[REG_AX].w[0], LOAD_BLOCKS * LOAD_PASSES);
	struct cpu_code_stats s0, s1, s2;
	cpu_code_stats(&r->c, &s0);
	assert_int_equal(s0.misses, 0);
	assert_true(all_in_store(r));
	memcpy(r->ram + at, b, nb); /* B over A: A's blocks parked */
	cpu_mem_written(&r->c, at, (uint32_t)nb);
	run_from_100(r);
	assert_int_equal(r->c.r[REG_BX].w[0], LOAD_BLOCKS * LOAD_PASSES);
	cpu_code_stats(&r->c, &s1);
	assert_int_equal(s1.parked, s0.blocks);
	memcpy(r->ram + at, a, na); /* A again: revived, no store lookup */
	cpu_mem_written(&r->c, at, (uint32_t)na);
	cpu_code_store_set_limit(s, 0); /* (only the referenced entries stay) */
	run_from_100(r);
	assert_int_equal(r->c.r[REG_AX].w[0], LOAD_BLOCKS * LOAD_PASSES);
	cpu_code_stats(&r->c, &s2);
	assert_int_equal(s2.misses, 0);
	assert_int_equal(s2.store_hits, s1.store_hits);
	assert_true(s2.revived - s1.revived >= LOAD_BLOCKS);
	assert_true(all_in_store(r));
	struct cpu_code_store_stats st;
	cpu_code_store_stats(s, &st);
	assert_true(st.blocks >= s0.blocks);
	cpu_set_prefetch(&r->c, true); /* (empties the cache: every reference given back) */
	cpu_set_prefetch(&r->c, false);
	assert_int_equal(r->c.in.bcache->store_held, 0);
	cpu_code_store_set_limit(s, 0);
	cpu_code_store_stats(s, &st);
	assert_int_equal(st.blocks, 0);
	rig_free(r);
	cpu_code_store_destroy(s);
}

/* One CPU's block from the store drops itself with a write into the
 * instruction after the writing one, while another CPU runs the same
 * store entry (its data segment elsewhere: no write to its code): the
 * first ends the block at the write, the second runs it whole, and the
 * store's instructions are unchanged. */
static void test_smc_in_shared_block(void **state)
{
	(void)state;
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	struct rig *a = rig_new(CPU_8086, s, 0x1000, smc_prog, sizeof(smc_prog)); /* (fills the store) */
	cpu_set_prefetch(&a->c, false);
	assert_int_equal(cpu_run(&a->c, 1000), CPU_EXIT_HLT);
	rig_free(a);
	struct rig *b = rig_new(CPU_8086, s, 0x1000, smc_prog, sizeof(smc_prog));
	cpu_set_prefetch(&b->c, false);
	uint8_t code[sizeof(smc_prog)];
	memcpy(code, smc_prog, sizeof(code));
	code[8] = 2; /* (the byte the store's block at 103h was decoded with) */
	struct rig *c = rig_new(CPU_8086, s, 0x3000, code, sizeof(code));
	cpu_set_prefetch(&c->c, false);
	cpu_load_seg(&c->c, SEG_DS, 0x5000);
	/* b records its own block at 103h in pass 2 (the store's was
	 * decoded after the write of 2, b looks before it); emptied, b
	 * takes the store's at 103h in pass 3, as c does in pass 2. */
	assert_int_equal(cpu_run(&b->c, 9), CPU_EXIT_BUDGET);
	cpu_set_prefetch(&b->c, true); /* (empties the cache) */
	cpu_set_prefetch(&b->c, false);
	struct cpu_code_stats s0;
	cpu_code_stats(&b->c, &s0);
	assert_int_equal(cpu_run(&c->c, 9), CPU_EXIT_BUDGET);
	struct bc_block *cb = cached_block(c, 0x103);
	assert_non_null(cb);
	assert_true(bc_in_store(cb));
	struct insn before[5];
	memcpy(before, cb->ins, sizeof(before));
	assert_int_equal(cpu_run(&b->c, 1000), CPU_EXIT_HLT);
	assert_int_equal(b->c.r[REG_DX].b[0], 3 + 2 + 1);
	struct cpu_code_stats sb, sc;
	cpu_code_stats(&b->c, &sb);
	assert_int_equal(sb.smc_stops, 1);
	assert_int_equal(sb.misses, s0.misses); /* (every block since the flush the store's) */
	assert_true(sb.store_hits > s0.store_hits);
	assert_memory_equal(before, cb->ins, sizeof(before));
	assert_int_equal(cpu_run(&c->c, 1000), CPU_EXIT_HLT);
	assert_int_equal(c->c.r[REG_DX].b[0], 2 + 2 + 2);
	cpu_code_stats(&c->c, &sc);
	assert_int_equal(sc.smc_stops, 0);
	assert_ptr_equal(cached_block(c, 0x103), cb); /* (ran whole, never dropped) */
	assert_memory_equal(before, cb->ins, sizeof(before));
	rig_free(b);
	rig_free(c);
	cpu_code_store_destroy(s);
}

/* OUT 80h in the middle of a block of six: BX = 3. */
static const uint8_t flush_prog[] = {
	0xB0, 0x01, /* 100: mov al, 1 */
	0xE6, 0x80, /* 102: out 80h, al */
	0x43,       /* 104: inc bx */
	0x43,       /* 105: inc bx */
	0x43,       /* 106: inc bx */
	0xF4,       /* 107: hlt */
};

/* What flush_on_out() needs: the CPU and its store, and the store's
 * entries left after it. */
struct flush_out {
	struct rig *r;
	struct cpu_code_store *s;
	uint64_t blocks;
};

/* An OUT in the middle of a block from the store empties the CPU's cache
 * (as a wrap of the mapping epoch does, tlb.c) and then the store. */
static void flush_on_out(void *ctx, uint16_t port, unsigned size, uint32_t value)
{
	(void)port, (void)size, (void)value;
	struct flush_out *f = ctx;
	cpu_invalidate_code(&f->r->c);
	cpu_code_store_set_limit(f->s, 0);
	struct cpu_code_store_stats st;
	cpu_code_store_stats(f->s, &st);
	f->blocks = st.blocks;
}

/* A store holding flush_prog's blocks and a CPU at 3000:0100 about to run
 * them threaded from the store, whose OUT calls flush_on_out(f). */
static struct rig *flush_rig_new(struct flush_out *f)
{
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	struct rig *a = rig_new(CPU_80386, s, 0x1000, flush_prog, sizeof(flush_prog)); /* (fills the store) */
	assert_int_equal(cpu_run(&a->c, 100), CPU_EXIT_HLT);
	rig_free(a);
	struct rig *r = rig_new(CPU_80386, s, 0x3000, flush_prog, sizeof(flush_prog));
	cpu_set_jit(&r->c, CPU_JIT_OFF);
	*f = (struct flush_out){ .r = r, .s = s, .blocks = 99 };
	r->c.bus.ctx = f;
	r->c.bus.io_write = flush_on_out;
	return r;
}

/* A cache emptied while a block from the store runs: the block runs on to
 * its end from the store's instructions, which stay referenced until no
 * block runs (block_cache.c held_ins), so that a store shrinking meanwhile
 * cannot free them (ASan); they are given back afterwards. */
static void test_flush_under_store_block(void **state)
{
	(void)state;
	struct flush_out f;
	struct rig *r = flush_rig_new(&f);
	struct cpu_code_store *s = f.s;
	assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
	assert_int_equal(r->c.r[REG_BX].w[0], 3);
	assert_int_equal(f.blocks, 1); /* (the running block's entry, held) */
	struct cpu_code_stats st;
	cpu_code_stats(&r->c, &st);
	assert_int_equal(st.store_hits, 1);
	r->c.ip = 0x100; /* (again: the held entry given back first) */
	assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
	assert_int_equal(r->c.r[REG_BX].w[0], 6);
	assert_true(f.blocks <= 1);
	cpu_code_store_set_limit(s, 0);
	struct cpu_code_store_stats sst;
	cpu_code_store_stats(s, &sst);
	assert_int_equal(sst.blocks, 0);
	rig_free(r);
	cpu_code_store_destroy(s);
}

/* The store's blocks once its limit went to 0 (those the caches run). */
static uint64_t blocks_at_limit_0(struct cpu_code_store *s)
{
	struct cpu_code_store_stats st;
	cpu_code_store_set_limit(s, 0);
	cpu_code_store_stats(s, &st);
	return st.blocks;
}

/* The store's instructions r's live blocks hold (each (ninsns + 1)
 * instructions: block_cache.c store_insn_bytes()). */
static size_t held_by(struct rig *r)
{
	size_t n = 0;
	for (struct bc_page *pg = r->c.in.bcache->pages; pg; pg = pg->next)
		for (uint32_t k = 0; k < pg->n; k++)
			n += (pg->blk[k]->ninsns + 1u) * sizeof(struct insn);
	return n;
}

/* A program run by one CPU with a store: every block it records goes to
 * the store and runs the store's copy in place (block_cache.c
 * bc_commit()), its cache holding a header per block, threaded and
 * compiled; the entries stay while the cache runs them (a store limit of
 * 0 keeps them), and go once the CPU does. */
static void test_recorded_blocks_run_store_copy(void **state)
{
	(void)state;
	for (int jit = 0; jit < 2; jit++) {
		struct cpu_code_store *s;
		assert_int_equal(cpu_code_store_create(&s, 0), 0);
		struct rig *a = rig_new(CPU_80386, s, 0x1000, prog, sizeof(prog));
		cpu_set_jit(&a->c, jit ? CPU_JIT_FORCE : CPU_JIT_OFF);
		assert_int_equal(cpu_run(&a->c, 10000), CPU_EXIT_HLT);
		assert_int_equal(a->c.r[REG_AX].w[0], 5050);
		struct cpu_code_stats sa;
		cpu_code_stats(&a->c, &sa);
		assert_true(sa.misses > 0);
		assert_int_equal(sa.store_hits, 0);
		assert_int_equal(sa.blocks, sa.misses);
		assert_true(all_in_store(a));
		assert_int_equal(sa.bytes, sa.blocks * sizeof(struct bc_block));
		assert_int_equal(a->c.in.bcache->store_held, held_by(a));
		assert_int_equal(blocks_at_limit_0(s), sa.blocks); /* (referenced: kept) */
		a->c.ip = 0x100;
		a->c.r[REG_AX].d = a->c.r[REG_BX].d = 0;
		assert_int_equal(cpu_run(&a->c, 10000), CPU_EXIT_HLT);
		assert_int_equal(a->c.r[REG_AX].w[0], 5050);
		assert_int_equal(a->c.r[REG_BX].w[0], 100);
		cpu_code_stats(&a->c, &sa);
		assert_int_equal(sa.blocks, sa.misses); /* (nothing recorded again) */
		rig_free(a);
		assert_int_equal(blocks_at_limit_0(s), 0);
		cpu_code_store_destroy(s);
	}
}

/* Without a store, or with one too small for any block (it adds none),
 * a CPU's blocks keep their own instructions and run right. */
static void test_recorded_blocks_own_copy(void **state)
{
	(void)state;
	struct cpu_code_store *tiny;
	assert_int_equal(cpu_code_store_create(&tiny, 1), 0);
	for (int k = 0; k < 2; k++) {
		struct rig *a = rig_new(CPU_80386, k ? tiny : NULL, 0x1000, prog, sizeof(prog));
		assert_int_equal(cpu_run(&a->c, 10000), CPU_EXIT_HLT);
		assert_int_equal(a->c.r[REG_AX].w[0], 5050);
		assert_int_equal(a->c.r[REG_BX].w[0], 100);
		struct cpu_code_stats sa;
		cpu_code_stats(&a->c, &sa);
		assert_true(sa.blocks > 0);
		for (struct bc_page *pg = a->c.in.bcache->pages; pg; pg = pg->next)
			for (uint32_t j = 0; j < pg->n; j++)
				assert_false(bc_in_store(pg->blk[j]));
		assert_true(sa.bytes >= sa.blocks * (sizeof(struct bc_block) + 2 * sizeof(struct insn)));
		assert_int_equal(a->c.in.bcache->store_held, 0);
		rig_free(a);
	}
	struct cpu_code_store_stats st;
	cpu_code_store_stats(tiny, &st);
	assert_int_equal(st.blocks, 0);
	cpu_code_store_destroy(tiny);
}

/* A block added twice (two CPUs recorded it at once, code_store.c
 * cs_add()): one entry, the first's instructions for both, a reference
 * for each. */
static void test_add_equal_block_shared(void **state)
{
	(void)state;
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	static const uint8_t code[] = { 0x40, 0xC3 }; /* inc ax; ret */
	struct insn insns[3];
	memset(insns, 0, sizeof(insns));
	insns[1].len = 1; /* (what the store keeps is copied, not read) */
	const struct insn *i1 = cs_add(s, 0x100, 7, code, 2, insns, 2);
	const struct insn *i2 = cs_add(s, 0x100, 7, code, 2, insns, 2);
	assert_non_null(i1);
	assert_ptr_equal(i1, i2);
	assert_memory_equal(i1, insns, sizeof(insns));
	struct cpu_code_store_stats st;
	cpu_code_store_stats(s, &st);
	assert_int_equal(st.blocks, 1);
	assert_int_equal(st.adds, 1);
	cs_release(s, i1, 2);
	assert_int_equal(blocks_at_limit_0(s), 1); /* (the second reference holds it) */
	cs_release(s, i2, 2);
	assert_int_equal(blocks_at_limit_0(s), 0);
	/* A limit below a block's size: not added, nothing returned. */
	cpu_code_store_set_limit(s, 64);
	assert_null(cs_add(s, 0x100, 7, code, 2, insns, 2));
	cpu_code_store_destroy(s);
}

struct racer {
	struct cpu_code_store *s;
	pthread_barrier_t *go;
	struct rig *r;
	int ok;
};

static void *racer_run(void *arg)
{
	struct racer *w = arg;
	pthread_barrier_wait(w->go);
	w->ok = cpu_run(&w->r->c, 10000) == CPU_EXIT_HLT && w->r->c.r[REG_AX].w[0] == 5050;
	return NULL;
}

/* Two CPUs on two threads start the same program at once (each may
 * record a block, or take it from the store the other added, or both
 * record it and add it together): either way the store ends with one
 * copy of each block, run by both caches in place, each holding a
 * reference (the entries stay while either CPU does). */
static void test_two_threads_record_at_once(void **state)
{
	(void)state;
	for (int round = 0; round < 20; round++) {
		struct cpu_code_store *s;
		assert_int_equal(cpu_code_store_create(&s, 0), 0);
		pthread_barrier_t go;
		assert_int_equal(pthread_barrier_init(&go, NULL, 2), 0);
		struct racer w[2] = { { s, &go, rig_new(CPU_80386, s, 0x1000, prog, sizeof(prog)), 0 },
				      { s, &go, rig_new(CPU_80386, s, 0x3000, prog, sizeof(prog)), 0 } };
		pthread_t t[2];
		for (int k = 0; k < 2; k++)
			assert_int_equal(pthread_create(&t[k], NULL, racer_run, &w[k]), 0);
		for (int k = 0; k < 2; k++)
			assert_int_equal(pthread_join(t[k], NULL), 0);
		pthread_barrier_destroy(&go);
		assert_true(w[0].ok && w[1].ok);
		struct cpu_code_stats s0, s1;
		cpu_code_stats(&w[0].r->c, &s0);
		cpu_code_stats(&w[1].r->c, &s1);
		assert_int_equal(s0.blocks, s1.blocks);
		assert_true(all_in_store(w[0].r) && all_in_store(w[1].r));
		for (struct bc_page *pg = w[0].r->c.in.bcache->pages; pg; pg = pg->next) {
			for (uint32_t k = 0; k < pg->n; k++) {
				const struct bc_block *b0 = pg->blk[k];
				const struct bc_block *b1 = cached_block(w[1].r, (uint32_t)(b0->key >> 32));
				assert_non_null(b1);
				assert_ptr_equal(b0->ins, b1->ins);
			}
		}
		struct cpu_code_store_stats st;
		cpu_code_store_stats(s, &st);
		assert_int_equal(st.blocks, s0.blocks);
		rig_free(w[round & 1].r);
		assert_int_equal(blocks_at_limit_0(s), s0.blocks); /* (the other's references) */
		rig_free(w[!(round & 1)].r);
		assert_int_equal(blocks_at_limit_0(s), 0);
		cpu_code_store_destroy(s);
	}
}

/* The same with a budget no longer than the block (MOV and OUT: the OUT
 * ends it), so that bc_run() steps through it instruction by instruction
 * (c->in.blk is not set then): the stepped block's entry is held too, not
 * given back while its OUT runs (before, it was, and the store freed it
 * under the step, which reads the next instruction's EIP from it after
 * the OUT when budget is left), and given back afterwards. */
static void test_flush_under_stepped_store_block(void **state)
{
	(void)state;
	struct flush_out f;
	struct rig *r = flush_rig_new(&f);
	struct cpu_code_store *s = f.s;
	assert_int_equal(cpu_run(&r->c, 2), CPU_EXIT_BUDGET); /* (not more than its 2 instructions: stepped) */
	assert_int_equal(f.blocks, 1); /* (the stepped block's entry, held) */
	assert_int_equal(cpu_run(&r->c, 100), CPU_EXIT_HLT);
	assert_int_equal(r->c.r[REG_BX].w[0], 3);
	struct cpu_code_stats st;
	cpu_code_stats(&r->c, &st);
	assert_int_equal(st.store_hits, 1);
	rig_free(r);
	struct cpu_code_store_stats sst;
	cpu_code_store_set_limit(s, 0);
	cpu_code_store_stats(s, &sst);
	assert_int_equal(sst.blocks, 0);
	cpu_code_store_destroy(s);
}

struct worker {
	struct cpu_code_store *s;
	uint16_t seg;
	int ok;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	w->ok = 0;
	for (int k = 0; k < 200; k++) {
		struct rig *r = rig_new(CPU_80386, w->s, w->seg, prog, sizeof(prog));
		w->ok += cpu_run(&r->c, 10000) == CPU_EXIT_HLT && r->c.r[REG_AX].w[0] == 5050;
		rig_free(r);
	}
	return NULL;
}

/* CPUs on two threads share one store (run under ASan/TSan: no race). */
static void test_two_threads(void **state)
{
	(void)state;
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	struct worker w[2] = { { s, 0x1000, 0 }, { s, 0x3000, 0 } };
	pthread_t t[2];
	for (int k = 0; k < 2; k++)
		assert_int_equal(pthread_create(&t[k], NULL, worker_run, &w[k]), 0);
	for (int k = 0; k < 2; k++)
		assert_int_equal(pthread_join(t[k], NULL), 0);
	assert_int_equal(w[0].ok, 200);
	assert_int_equal(w[1].ok, 200);
	struct cpu_code_store_stats st;
	cpu_code_store_stats(s, &st);
	assert_true(st.hits >= 398 * st.blocks / 2);
	cpu_code_store_destroy(s);
}

/* Entries that caches hold, over the store's limit, are passed over by
 * shrink() once, not by every addition after (it takes them off its list
 * until they are given back): 300 held entries and then 300 additions,
 * each given back at once as a cache that drops its block would, look
 * at about 900 entries, not 90,000; given back, they are evicted. (An
 * addition holds the entry for its caller: cs_add() returns it with a
 * reference.) */
static void test_held_entries_scanned_once(void **state)
{
	(void)state;
	enum { HELD = 300 };
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	struct insn ins[2];
	memset(ins, 0, sizeof(ins));
	const struct insn *held[HELD];
	uint8_t code[4];
	for (uint32_t k = 0; k < HELD; k++) {
		memcpy(code, &k, sizeof(code));
		held[k] = cs_add(s, k, 1, code, sizeof(code), ins, 1);
		assert_non_null(held[k]);
	}
	cpu_code_store_set_limit(s, 4096);
	for (uint32_t k = HELD; k < 2 * HELD; k++) {
		memcpy(code, &k, sizeof(code));
		const struct insn *t = cs_add(s, k, 1, code, sizeof(code), ins, 1);
		assert_non_null(t);
		cs_release(s, t, sizeof(code));
	}
	struct cpu_code_store_stats st;
	cpu_code_store_stats(s, &st);
	/* (every addition evicted the one before it: the held ones alone
	 * are over the limit; the last is evicted by the next change) */
	assert_int_equal(st.blocks, HELD + 1);
	assert_true(st.scans <= 4 * HELD);
	for (uint32_t k = 0; k < HELD; k++)
		cs_release(s, held[k], sizeof(code));
	cpu_code_store_set_limit(s, 0);
	cpu_code_store_stats(s, &st);
	assert_int_equal(st.blocks, 0);
	cpu_code_store_destroy(s);
}

/* ---- stress: CPUs on several threads churning one tiny store ---- */

/* STRESS_THREADS threads, each with its own CPU sharing one store of
 * STRESS_STORE bytes, with caches of 8 to 64 KiB, run STRESS_ROUNDS
 * programs loaded over each other at seg:0100 (so at other linear
 * addresses, the same EIPs: the same store entries), with budgets from 1
 * instruction (bc_run() steps) to whole runs, and between them empty,
 * resize, reset, change store, JIT mode or prefetch queue, or make the
 * CPU again. */
enum { STRESS_THREADS = 4, STRESS_ROUNDS = 150, STRESS_STORE = 4096, STRESS_IMAGE = 1024 };

/* The programs, each in an image of STRESS_IMAGE bytes (HLT after it). */
enum { SP_INC_AX, SP_INC_BX, SP_INC_SI, SP_SMC, SP_FLUSH, SP_COUNT };
struct stress_images {
	uint8_t img[SP_COUNT][STRESS_IMAGE];
	size_t len[SP_COUNT];
};

struct stress {
	struct cpu_code_store *s;
	const struct stress_images *im;
	uint16_t seg;
	unsigned id;
	uint32_t rnd;
	struct rig *r;
	size_t cache_limit;
	unsigned wrong, inconsistent, stuck; /* failures seen */
	uint64_t parked, revived, store_hits, smc_stops, flushes; /* what ran */
};

/* The caches' limits (64 KiB: room for the parks of a whole page). */
static const unsigned cache_kib[] = { 8, 16, 24, 64 };

static uint32_t stress_rand(struct stress *t)
{
	t->rnd = t->rnd * 1103515245u + 12345u;
	return t->rnd >> 16;
}

/* The bytes of store instructions a cache's headers hold, from its live,
 * parked and freed headers and the block it holds for a running one:
 * each must be counted once, and the sum is store_held, within its
 * limit. */
static bool cache_refs_consistent(const struct rig *r)
{
	const struct block_cache *bc = r->c.in.bcache;
	if (!bc)
		return true;
	size_t held = bc->held_ins ? (bc->held_ninsns + 1u) * sizeof(struct insn) : 0;
	for (const struct bc_page *pg = bc->pages; pg; pg = pg->next)
		for (uint32_t k = 0; k < pg->n; k++)
			if (bc_in_store(pg->blk[k]))
				held += (pg->blk[k]->ninsns + 1u) * sizeof(struct insn);
	for (const struct bc_park *p = bc->park_oldest; p; p = p->newer)
		for (uint32_t k = 0; k < p->n; k++)
			if (p->blk[k] && bc_in_store(p->blk[k]))
				held += (p->blk[k]->ninsns + 1u) * sizeof(struct insn);
	for (const struct bc_block *b = bc_blk(bc, bc->free_blocks[0]); b; b = bc_blk(bc, b->hnext))
		if (b->ins)
			held += (b->ninsns + 1u) * sizeof(struct insn);
	return held == bc->store_held && bc->store_held <= bc->cap;
}

/* OUT 80h of SP_FLUSH: the CPU's cache emptied, and sometimes every entry
 * of the store that no cache holds evicted (other threads run on). */
static void stress_out(void *ctx, uint16_t port, unsigned size, uint32_t value)
{
	(void)port, (void)size, (void)value;
	struct stress *t = ctx;
	cpu_invalidate_code(&t->r->c);
	if (stress_rand(t) & 1) {
		cpu_code_store_set_limit(t->s, 0);
		cpu_code_store_set_limit(t->s, STRESS_STORE);
	}
}

static void stress_rig_new(struct stress *t)
{
	t->r = rig_new(CPU_80386, t->s, t->seg, NULL, 0);
	t->r->c.bus.ctx = t;
	t->r->c.bus.io_write = stress_out;
	cpu_set_prefetch(&t->r->c, false); /* (SP_SMC: every write seen at once) */
	cpu_set_block_cache_limit(&t->r->c, t->cache_limit);
	cpu_set_jit(&t->r->c, (enum cpu_jit)(t->id % 3)); /* (off, on, forced) */
}

static void stress_rig_free(struct stress *t)
{
	struct cpu_code_stats st;
	cpu_code_stats(&t->r->c, &st);
	t->parked += st.parked;
	t->revived += st.revived;
	t->store_hits += st.store_hits;
	t->smc_stops += st.smc_stops;
	t->flushes += st.flushes;
	t->inconsistent += !cache_refs_consistent(t->r);
	rig_free(t->r);
	t->r = NULL;
}

/* Program k loaded over whatever is at seg:0100 (its whole image: a load
 * over all of the page's code, which parks its blocks; or just its own
 * bytes), run to its HLT in slices of a random budget, its result
 * checked. */
static void stress_run(struct stress *t, unsigned k)
{
	struct rig *r = t->r;
	const uint32_t at = t->seg * 16u + 0x100;
	const size_t n = stress_rand(t) & 1 ? STRESS_IMAGE : t->im->len[k];
	memcpy(r->ram + at, t->im->img[k], n);
	cpu_mem_written(&r->c, at, (uint32_t)n);
	r->c.ip = 0x100;
	r->c.r[REG_AX].d = r->c.r[REG_BX].d = r->c.r[REG_CX].d = r->c.r[REG_DX].d = r->c.r[REG_SI].d = 0;
	const uint32_t pick = stress_rand(t) % 4;
	const uint64_t budget = pick == 0 ? 1 + stress_rand(t) % 7 : pick == 1 ? 8 + stress_rand(t) % 60 : 1000000;
	enum cpu_exit e;
	unsigned slices = 0;
	while ((e = cpu_run(&r->c, budget)) == CPU_EXIT_BUDGET && ++slices < 100000)
		;
	if (e != CPU_EXIT_HLT) {
		t->stuck++;
		return;
	}
	const unsigned want = LOAD_BLOCKS * LOAD_PASSES;
	switch (k) {
	case SP_INC_AX: t->wrong += r->c.r[REG_AX].w[0] != want || r->c.r[REG_BX].w[0] != 0; break;
	case SP_INC_BX: t->wrong += r->c.r[REG_BX].w[0] != want || r->c.r[REG_AX].w[0] != 0; break;
	case SP_INC_SI: t->wrong += r->c.r[REG_SI].w[0] != want || r->c.r[REG_AX].w[0] != 0; break;
	case SP_SMC: t->wrong += r->c.r[REG_DX].b[0] != 3 + 2 + 1; break;
	default: t->wrong += r->c.r[REG_BX].w[0] != 3; break;
	}
}

static void *stress_thread(void *arg)
{
	struct stress *t = arg;
	stress_rig_new(t);
	for (unsigned round = 0; round < STRESS_ROUNDS; round++) {
		stress_run(t, stress_rand(t) % SP_COUNT);
		t->inconsistent += !cache_refs_consistent(t->r);
		struct cpu *c = &t->r->c;
		switch (stress_rand(t) % 12) {
		case 0:
			t->cache_limit = (size_t)cache_kib[stress_rand(t) % 4] << 10;
			cpu_set_block_cache_limit(c, t->cache_limit);
			break;
		case 1:
			cpu_invalidate_code(c);
			break;
		case 2:
			cpu_set_code_store(c, c->in.cstore ? NULL : t->s);
			break;
		case 3:
			cpu_reset(c);
			cpu_load_seg(c, SEG_CS, t->seg);
			cpu_load_seg(c, SEG_DS, t->seg);
			cpu_load_seg(c, SEG_ES, t->seg);
			cpu_load_seg(c, SEG_SS, 0x2000);
			c->r[REG_SP].d = 0xFFFE;
			break;
		case 4:
			cpu_set_jit(c, (enum cpu_jit)(stress_rand(t) % 3));
			break;
		case 5:
			cpu_set_prefetch(c, true); /* (empties the cache) */
			cpu_set_prefetch(c, false);
			break;
		case 6:
			stress_rig_free(t);
			stress_rig_new(t);
			break;
		default:
			break;
		}
		t->inconsistent += !cache_refs_consistent(t->r);
	}
	stress_rig_free(t);
	return NULL;
}

/* Several threads, each with its own CPU, share one store of 4 KiB (a
 * few dozen entries: nearly every block taken is evicted as soon as no
 * cache holds it) with caches of 8 to 64 KiB (emptied every few dozen to
 * few hundred blocks), loading programs over each other (parks, revivals), one with
 * self-modifying code in a block every thread takes from the store, one
 * whose OUT empties the cache under the running or stepped block and
 * shrinks the store while the other threads run its entries; between
 * runs the caches are emptied, resized, reset, switched to no store and
 * back, their JIT mode changed, or the CPU made again. Every result is
 * right, every cache's store_held is what its headers hold (each counted
 * once), and once the CPUs are gone no entry is referenced: a limit of 0
 * evicts them all. Run under ASan and TSan (no use after free, no race). */
static void test_stress_threads(void **state)
{
	(void)state;
	static struct stress_images im;
	memset(&im, 0xF4, sizeof(im));
	im.len[SP_INC_AX] = prog_blocks(im.img[SP_INC_AX], 0x40);
	im.len[SP_INC_BX] = prog_blocks(im.img[SP_INC_BX], 0x43);
	im.len[SP_INC_SI] = prog_blocks(im.img[SP_INC_SI], 0x46);
	memcpy(im.img[SP_SMC], smc_prog, im.len[SP_SMC] = sizeof(smc_prog));
	memcpy(im.img[SP_FLUSH], flush_prog, im.len[SP_FLUSH] = sizeof(flush_prog));
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, STRESS_STORE), 0);
	struct stress t[STRESS_THREADS];
	pthread_t th[STRESS_THREADS];
	for (unsigned k = 0; k < STRESS_THREADS; k++) {
		t[k] = (struct stress){ .s = s, .im = &im, .seg = (uint16_t)(0x1000 + 0x2000 * k), .id = k,
					.rnd = 0x9E3779B9u * (k + 1), .cache_limit = (size_t)cache_kib[k % 4] << 10 };
		assert_int_equal(pthread_create(&th[k], NULL, stress_thread, &t[k]), 0);
	}
	uint64_t parked = 0, revived = 0, store_hits = 0, smc_stops = 0, flushes = 0;
	for (unsigned k = 0; k < STRESS_THREADS; k++) {
		assert_int_equal(pthread_join(th[k], NULL), 0);
		assert_int_equal(t[k].stuck, 0);
		assert_int_equal(t[k].wrong, 0);
		assert_int_equal(t[k].inconsistent, 0);
		parked += t[k].parked, revived += t[k].revived, store_hits += t[k].store_hits;
		smc_stops += t[k].smc_stops, flushes += t[k].flushes;
	}
	/* (the churn reached what it is for) */
	assert_true(parked > 0 && revived > 0 && store_hits > 0 && smc_stops > 0 && flushes > 0);
	struct cpu_code_store_stats st;
	cpu_code_store_stats(s, &st);
	assert_int_equal(st.blocks, st.adds - st.evictions);
	assert_true(st.evictions > 0);
	cpu_code_store_set_limit(s, 0); /* (no CPU left: nothing referenced) */
	cpu_code_store_stats(s, &st);
	assert_int_equal(st.blocks, 0);
	assert_int_equal(st.bytes, 0);
	cpu_code_store_destroy(s);
}

/* A loop whose OUT calls equal_on_out(). */
static const uint8_t equal_prog[] = {
	0xB9, 0x40, 0x00, /* 100: mov cx, 64 */
	0x40,             /* 103: top: inc ax */
	0xE6, 0x80,       /* 104: out 80h, al */
	0x43,             /* 106: inc bx */
	0xE2, 0xFA,       /* 107: loop top */
	0xF4,             /* 109: hlt */
};

struct equal_out {
	struct rig *other; /* run at the second OUT, or NULL */
	unsigned outs;
};

/* At the second OUT (while the block from 103h is recorded, a miss in the
 * store), the other CPU runs the whole program: it records that block
 * too, adds it to the store and compiles it. */
static void equal_on_out(void *ctx, uint16_t port, unsigned size, uint32_t value)
{
	(void)port, (void)size, (void)value;
	struct equal_out *e = ctx;
	if (++e->outs == 2 && e->other) {
		assert_int_equal(cpu_run(&e->other->c, 10000), CPU_EXIT_HLT);
		assert_int_equal(e->other->c.r[REG_BX].w[0], 64);
	}
}

/* Two CPUs of one store and one code area record the same block at once
 * (code_store.c cs_add() finds the other's equal entry, which has
 * compiled code by then): the block runs the store's instructions, and
 * when it is hot it takes the other CPU's code (jit.c jit_from_store()):
 * one compiled copy, nothing compiled by the second CPU. */
static void test_equal_add_takes_compiled_code(void **state)
{
	(void)state;
	struct cpu_jit_area *area = cpu_jit_area_create(1 << 20);
	if (!area) {
		skip();
		return;
	}
	struct cpu_code_store *s;
	assert_int_equal(cpu_code_store_create(&s, 0), 0);
	struct rig *a = rig_new(CPU_80386, s, 0x1000, equal_prog, sizeof(equal_prog));
	struct rig *b = rig_new(CPU_80386, s, 0x3000, equal_prog, sizeof(equal_prog));
	struct equal_out ea = { .other = b }, eb = { .other = NULL };
	a->c.bus.ctx = &ea;
	a->c.bus.io_write = equal_on_out;
	b->c.bus.ctx = &eb;
	b->c.bus.io_write = equal_on_out;
	struct rig *rigs[2] = { a, b };
	for (int k = 0; k < 2; k++) {
		cpu_set_jit(&rigs[k]->c, CPU_JIT_ON);
		cpu_set_jit_area(&rigs[k]->c, area);
		rigs[k]->c.r[REG_AX].d = rigs[k]->c.r[REG_BX].d = 0;
	}
	assert_int_equal(cpu_run(&a->c, 10000), CPU_EXIT_HLT);
	assert_int_equal(a->c.r[REG_BX].w[0], 64);
	assert_int_equal(a->c.r[REG_AX].w[0], 64);
	struct cpu_code_stats sa, sb;
	cpu_code_stats(&a->c, &sa);
	cpu_code_stats(&b->c, &sb);
	assert_true(sb.jit_blocks >= 1); /* (b compiled the loop) */
	assert_int_equal(sa.jit_blocks, 0);
	assert_true(sa.jit_shared >= 1);
	/* One entry for each block: a's add of the block from 103h found b's. */
	struct cpu_code_store_stats st;
	cpu_code_store_stats(s, &st);
	assert_int_equal(st.adds, sa.store_adds + sb.store_adds - 1);
	assert_int_equal(st.codes, sb.jit_blocks);
	rig_free(a);
	rig_free(b);
	cpu_code_store_destroy(s);
	cpu_jit_area_destroy(area);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_second_cpu_decodes_nothing),
		cmocka_unit_test(test_full_cache_reloads_from_store),
		cmocka_unit_test(test_store_block_write_drops),
		cmocka_unit_test(test_load_over_code_page),
		cmocka_unit_test(test_parked_program_revived),
		cmocka_unit_test(test_parked_changed_byte_not_revived),
		cmocka_unit_test(test_parked_jmp_gap_revived),
		cmocka_unit_test(test_parked_block_keeps_queue_bytes),
		cmocka_unit_test(test_8bit_bus_queue_switch),
		cmocka_unit_test(test_parked_gone_after_remap_flush_reset),
		cmocka_unit_test(test_parked_evicted_before_live),
		cmocka_unit_test(test_parked_partial_load),
		cmocka_unit_test(test_partial_writes_keep_neighbours),
		cmocka_unit_test(test_block_overwrites_its_page),
		cmocka_unit_test(test_changed_byte_not_served),
		cmocka_unit_test(test_store_limit),
		cmocka_unit_test(test_program_loaded_again),
		cmocka_unit_test(test_smc_with_store),
		cmocka_unit_test(test_smc_stop_writes_no_insn),
		cmocka_unit_test(test_store_blocks_in_place),
		cmocka_unit_test(test_store_blocks_parked),
		cmocka_unit_test(test_smc_in_shared_block),
		cmocka_unit_test(test_flush_under_store_block),
		cmocka_unit_test(test_flush_under_stepped_store_block),
		cmocka_unit_test(test_two_threads),
		cmocka_unit_test(test_recorded_blocks_run_store_copy),
		cmocka_unit_test(test_recorded_blocks_own_copy),
		cmocka_unit_test(test_add_equal_block_shared),
		cmocka_unit_test(test_two_threads_record_at_once),
		cmocka_unit_test(test_held_entries_scanned_once),
		cmocka_unit_test(test_stress_threads),
		cmocka_unit_test(test_equal_add_takes_compiled_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
