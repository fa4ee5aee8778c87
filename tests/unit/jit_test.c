/*
 * jit_test.c - the JIT's code area and compiled blocks (src/cpu/jit.h):
 * no mapping is ever writable and executable, the area's limit holds and a
 * full area is flushed with the guest's results unchanged, and compiled
 * code gives what the interpreter gives on loops of the inline forms.
 * Compiled code kept in the code store: a program loaded again and a
 * second CPU run it without compiling (also when both took the blocks
 * before either was hot), a write into shared code changes
 * only the writer's blocks, and an area full while blocks of two CPUs on
 * two threads are linked is flushed with their results unchanged.
 * Skipped (77) on hosts without the JIT.
 */
#include <cpuid.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cpu/block_cache.h"
#include "cpu/cpu.h"
#include "cpu/jit.h"

enum { RAM = 0x110000, CODE = 0x10000 };

/* No line of /proc/self/maps is both writable and executable. */
static void assert_no_wx_mapping(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	assert_non_null(f);
	char line[512];
	int jit_maps = 0;
	while (fgets(line, sizeof(line), f)) {
		char perms[8] = "";
		if (sscanf(line, "%*s %7s", perms) != 1)
			continue;
		assert_false(perms[1] == 'w' && perms[2] == 'x');
		if (strstr(line, "mvdm-jit"))
			jit_maps++;
	}
	fclose(f);
	assert_true(jit_maps >= 2); /* the writable and the executable view */
}

struct run {
	struct cpu c;
	uint8_t *ram;
};

static void run_init(struct run *r, enum cpu_jit jit, struct cpu_jit_area *a, const uint8_t *code, size_t n)
{
	r->ram = aligned_alloc(CPU_PAGE_SIZE, RAM);
	assert_non_null(r->ram);
	memset(r->ram, 0xF4, RAM); /* HLT */
	memcpy(r->ram + CODE, code, n);
	cpu_init(&r->c, CPU_80386, NULL);
	cpu_set_jit(&r->c, jit);
	cpu_set_jit_area(&r->c, a);
	assert_int_equal(cpu_map_ram(&r->c, 0, RAM, r->ram, true), 0);
	cpu_load_seg(&r->c, SEG_CS, CODE >> 4);
	cpu_load_seg(&r->c, SEG_DS, 0x2000);
	cpu_load_seg(&r->c, SEG_SS, 0x3000);
	r->c.r[REG_SP].d = 0xFFF0;
	r->c.ip = 0;
}

static void run_free(struct run *r)
{
	cpu_destroy(&r->c);
	free(r->ram);
}

/* run_init() with CPU model m instead of the default one. */
static void run_init_model(struct run *r, enum cpu_model m, enum cpu_jit jit, const uint8_t *code, size_t n)
{
	run_init(r, jit, NULL, code, n);
	cpu_destroy(&r->c);
	cpu_init(&r->c, m, NULL);
	cpu_set_jit(&r->c, jit);
	assert_int_equal(cpu_map_ram(&r->c, 0, RAM, r->ram, true), 0);
}

/* Runs a and b ended alike: registers, IP, flags, instructions retired,
 * memory, and with segs the segment registers (their caches too). */
static void assert_same_run(struct run *a, struct run *b, bool segs)
{
	assert_memory_equal(a->c.r, b->c.r, sizeof(a->c.r));
	assert_int_equal(a->c.ip, b->c.ip);
	if (segs)
		assert_memory_equal(a->c.seg, b->c.seg, sizeof(a->c.seg));
	assert_int_equal(cpu_get_flags(&a->c), cpu_get_flags(&b->c));
	assert_int_equal(a->c.retired, b->c.retired);
	assert_memory_equal(a->ram, b->ram, RAM);
}

/* The end of a loop that CX counts from top (E2 rel8 may not reach it):
 * dec cx; jz +3; jmp near top; hlt. Returns the code's length. */
static size_t loop_tail(uint8_t *p, size_t k, size_t top)
{
	p[k++] = 0x49;
	p[k++] = 0x74, p[k++] = 3;
	p[k++] = 0xE9;
	const uint16_t rel = (uint16_t)(top - (k + 2));
	p[k++] = (uint8_t)rel, p[k++] = (uint8_t)(rel >> 8);
	p[k++] = 0xF4;
	return k;
}

/* Many small blocks, run `passes` times: `inc ax; jmp $+2; nop` n times
 * (each JMP $+2 ends a block: block_cache.c jumped_to_next(); a block
 * goes on across a JMP over bytes, jmp_inside()), a loop back over them,
 * HLT. */
static size_t make_many_blocks(uint8_t *p, unsigned n, uint8_t passes)
{
	size_t k = 0;
	p[k++] = 0xB9, p[k++] = passes, p[k++] = 0; /* mov cx, passes */
	const size_t top = k;
	for (unsigned b = 0; b < n; b++)
		p[k++] = 0x40, p[k++] = 0xEB, p[k++] = 0x00, p[k++] = 0x90;
	return loop_tail(p, k, top);
}

static void test_area_wx_limit_flush(void **state)
{
	(void)state;
	struct cpu_jit_area *a = cpu_jit_area_create(1); /* one chunk */
	if (!a) {
		skip(); /* no JIT on this host */
		return;
	}
	size_t limit, used;
	cpu_jit_area_usage(a, &limit, &used);
	assert_true(limit > 0 && limit <= (1u << 20));
	assert_true(used > 0 && used < 4096); /* the link stub and the shared code */
	static uint8_t code[0x8000];
	const unsigned nblocks = 6000;
	const size_t n = make_many_blocks(code, nblocks, 2);
	struct run on, off;
	run_init(&on, CPU_JIT_FORCE, a, code, n);
	run_init(&off, CPU_JIT_OFF, NULL, code, n);
	assert_int_equal(cpu_run(&on.c, 100000), CPU_EXIT_HLT);
	assert_int_equal(cpu_run(&off.c, 100000), CPU_EXIT_HLT);
	assert_int_equal(on.c.r[REG_AX].w[0], 2 * nblocks);
	assert_memory_equal(on.c.r, off.c.r, sizeof(on.c.r));
	assert_int_equal(on.c.retired, off.c.retired);
	struct cpu_code_stats s;
	cpu_code_stats(&on.c, &s);
	assert_true(s.jit_blocks > nblocks);  /* compiled again after flushes */
	assert_true(s.jit_flushes >= 1);      /* the area was full */
	cpu_jit_area_usage(a, &limit, &used);
	assert_true(used <= limit);
	assert_true(cpu_jit_area_flushes(a) >= 1);
	assert_no_wx_mapping();
	run_free(&on);
	cpu_jit_area_usage(a, &limit, &used);
	assert_true(used <= limit); /* (the code is the area's: it stays) */
	run_free(&off);
	cpu_jit_area_destroy(a);
}

/* The smallest area, filled and made anew in every pass of a loop: an
 * inner loop of three blocks runs 100 times (its blocks link through the
 * links they remember), then a chain of 4000 blocks is compiled, which
 * fills the area. After each flush the inner loop's blocks are compiled
 * again, into the new mapping, and must not take a link they remembered
 * before it (the old mapping is unmapped at once when no other CPU uses
 * the area: its code is gone). The interpreter's results, and links
 * taken through remembered ones. */
static void test_link_fast_area_flush(void **state)
{
	(void)state;
	struct cpu_jit_area *a = cpu_jit_area_create(1);
	if (!a) {
		skip();
		return;
	}
	static uint8_t code[0x4000];
	const unsigned nblocks = 4000, passes = 8; /* (each pass fills the smallest area) */
	size_t k = 0;
	code[k++] = 0xB9, code[k++] = passes, code[k++] = 0; /* mov cx, passes */
	const size_t outer = k;
	code[k++] = 0xBA, code[k++] = 100, code[k++] = 0;    /* outer: mov dx, 100 */
	const size_t inner = k;
	code[k++] = 0x40, code[k++] = 0xEB, code[k++] = 0x00, code[k++] = 0x90; /* inner: inc ax; jmp $+2; nop */
	code[k++] = 0x43, code[k++] = 0xEB, code[k++] = 0x00, code[k++] = 0x90; /* inc bx; jmp $+2; nop */
	code[k++] = 0x4A;                                    /* dec dx */
	code[k++] = 0x75, code[k] = (uint8_t)(inner - (k + 1)), k++; /* jnz inner */
	for (unsigned b = 0; b < nblocks; b++)
		code[k++] = 0x46, code[k++] = 0xEB, code[k++] = 0x00, code[k++] = 0x90; /* inc si; jmp $+2; nop */
	code[k++] = 0x49;                                    /* dec cx */
	code[k++] = 0x74, code[k++] = 3;                     /* jz hlt */
	code[k++] = 0xE9;                                    /* jmp near outer */
	const int16_t rel = (int16_t)(outer - (k + 2));
	memcpy(code + k, &rel, 2);
	k += 2;
	code[k++] = 0xF4;
	assert_true(k <= sizeof(code));
	struct run on, off;
	run_init(&on, CPU_JIT_FORCE, a, code, k);
	run_init(&off, CPU_JIT_OFF, NULL, code, k);
	assert_int_equal(cpu_run(&on.c, 1000000), CPU_EXIT_HLT);
	assert_int_equal(cpu_run(&off.c, 1000000), CPU_EXIT_HLT);
	assert_int_equal(on.c.r[REG_AX].w[0], passes * 100);
	assert_int_equal(on.c.r[REG_SI].w[0], passes * nblocks);
	assert_memory_equal(on.c.r, off.c.r, sizeof(on.c.r));
	assert_int_equal(on.c.retired, off.c.retired);
	struct cpu_code_stats s;
	cpu_code_stats(&on.c, &s);
	assert_true(s.jit_flushes >= passes - 1);
	assert_true(s.fast_links >= passes * 100);
	run_free(&on);
	run_free(&off);
	cpu_jit_area_destroy(a);
}

/* A loop of the inline forms (ALU, INC/DEC, MOV, LEA, TEST, fused
 * compare-and-branch) with flags read back through PUSHF and ADC: the
 * compiled code gives the interpreter's registers, flags and memory. */
static void test_inline_forms_match(void **state)
{
	(void)state;
	static const uint8_t code[] = {
		0xB9, 0x00, 0x01,       /* mov cx, 256 */
		0x66, 0xB8, 0x78, 0x56, 0x34, 0x12, /* mov eax, 12345678h */
		0xBB, 0x01, 0x80,       /* mov bx, 8001h */
		/* top: */
		0x01, 0xD8,             /* add ax, bx */
		0x11, 0xC2,             /* adc dx, ax */
		0x88, 0xC4,             /* mov ah, al */
		0x28, 0xDF,             /* sub bh, bl */
		0x66, 0x31, 0xC6,       /* xor esi, eax */
		0x43,                   /* inc bx */
		0x8D, 0x78, 0x07,       /* lea di, [bx+si+7] */
		0x85, 0xFB,             /* test bx, di */
		0x9C,                   /* pushf */
		0x58,                   /* pop ax */
		0x01, 0x06, 0x00, 0x01, /* add [100h], ax */
		0x83, 0xFA, 0x40,       /* cmp dx, 40h */
		0x72, 0x01,             /* jb +1 */
		0x4A,                   /* dec dx */
		0x80, 0xC5, 0x11,       /* add ch, 11h */
		0x49,                   /* dec cx */
		0x75, 0xDD,             /* jnz top */
		0xF4,
	};
	struct run on, off;
	run_init(&on, CPU_JIT_FORCE, NULL, code, sizeof(code));
	run_init(&off, CPU_JIT_OFF, NULL, code, sizeof(code));
	enum cpu_exit eon = cpu_run(&on.c, 1000000), eoff = cpu_run(&off.c, 1000000);
	assert_int_equal(eon, eoff);
	assert_memory_equal(on.c.r, off.c.r, sizeof(on.c.r));
	assert_int_equal(on.c.ip, off.c.ip);
	assert_int_equal(cpu_get_flags(&on.c), cpu_get_flags(&off.c));
	assert_int_equal(on.c.retired, off.c.retired);
	assert_memory_equal(on.ram + 0x20000, off.ram + 0x20000, 0x200);
	struct cpu_code_stats s;
	cpu_code_stats(&on.c, &s);
	assert_true(s.jit_blocks > 0);
	run_free(&on);
	run_free(&off);
}

/* Writes to the page of compiled code. A loop that writes data a few
 * bytes after itself (INC m, ADD m,r, STOSB, MOVSB) must not leave its
 * compiled code nor drop anything (the inline check of the page's
 * translated bytes), nor call STOSB's and MOVSB's handlers (jit_fallbacks:
 * jit_compile.c fb_access()); a loop whose STOSB patches the next instruction must
 * see each new immediate (the block is dropped and left). Both give the
 * interpreter's registers, memory and counts. */
static void test_code_page_writes(void **state)
{
	(void)state;
	static const uint8_t code[72] = {
		0x0E, 0x1F, 0x0E, 0x07, 0xFC, /* push cs; pop ds; push cs; pop es; cld */
		0xB9, 0x2C, 0x01,             /* mov cx, 300 */
		/* 8: */
		0xFF, 0x06, 0x40, 0x00,       /* inc word [40h] */
		0x01, 0x0E, 0x42, 0x00,       /* add [42h], cx */
		0xBF, 0x44, 0x00,             /* mov di, 44h */
		0x88, 0xC8,                   /* mov al, cl */
		0xAA,                         /* stosb */
		0xBE, 0x40, 0x00,             /* mov si, 40h */
		0xAD,                         /* lodsw */
		0x01, 0xC2,                   /* add dx, ax */
		0xBE, 0x46, 0x00,             /* mov si, 46h */
		0xA4,                         /* movsb ([46h] to [45h]) */
		0xE2, 0xE6,                   /* loop 8 */
		0xF4,                         /* hlt */
		0x90,
		/* 36: */
		0xB9, 0x64, 0x00,             /* mov cx, 100 */
		/* 39: */
		0xBF, 0x31, 0x00,             /* mov di, 49 (the imm8 below) */
		0x88, 0xC8,                   /* mov al, cl */
		0x24, 0x03,                   /* and al, 3 */
		0xAA,                         /* stosb */
		/* 47: */
		0x83, 0xC3, 0x00,             /* add bx, 0 */
		0xE2, 0xF3,                   /* loop 39 */
		0xF4,                         /* hlt */
		/* 64: data */
	};
	struct run on, off;
	run_init(&on, CPU_JIT_FORCE, NULL, code, sizeof(code));
	run_init(&off, CPU_JIT_OFF, NULL, code, sizeof(code));
	/* (every write seen at once: the prefetch queue is tests/guest's) */
	cpu_set_prefetch(&on.c, false);
	cpu_set_prefetch(&off.c, false);
	struct cpu_code_stats son, soff;
	for (int part = 0; part < 2; part++) {
		if (part == 1)
			on.c.ip = off.c.ip = 36; /* (moving IP wakes the CPU from HLT) */
		enum cpu_exit eon = cpu_run(&on.c, 1000000), eoff = cpu_run(&off.c, 1000000);
		assert_int_equal(eon, CPU_EXIT_HLT);
		assert_int_equal(eon, eoff);
		assert_memory_equal(on.c.r, off.c.r, sizeof(on.c.r));
		assert_int_equal(on.c.ip, off.c.ip);
		assert_int_equal(on.c.retired, off.c.retired);
		assert_memory_equal(on.ram + CODE, off.ram + CODE, sizeof(code));
		cpu_code_stats(&on.c, &son);
		cpu_code_stats(&off.c, &soff);
		assert_true(son.jit_blocks > 0);
		assert_int_equal(son.data_writes, soff.data_writes);
		assert_int_equal(son.invalidations, soff.invalidations);
		if (part == 0) {
			assert_true(son.data_writes >= 4 * 300);
			assert_int_equal(son.invalidations, 0);
			/* (STOSB, MOVSB beside the code: inline, session 18) */
			assert_int_equal(son.jit_fallbacks, 0);
		} else {
			assert_true(son.smc_stops > 0);
		}
	}
	/* bx = the sum over CX = 100..1 of CX & 3 */
	assert_int_equal(on.c.r[REG_BX].w[0], 150);
	run_free(&on);
	run_free(&off);
}

/* MOV m, sreg (inline since session 14) writing into its own block: each
 * pass stores ES (= CX) over the immediate of the ADD after it, which
 * must add the new value, compiled as interpreted. */
static void test_mov_m_sreg_smc(void **state)
{
	(void)state;
	static const uint8_t code[] = {
		0x0E, 0x1F,             /*  0: push cs; pop ds */
		0xB9, 0x32, 0x00,       /*  2: mov cx, 50 */
		0x8E, 0xC1,             /*  5: top: mov es, cx */
		0x8C, 0x06, 0x0D, 0x00, /*  7: mov [0Dh], es */
		0x81, 0xC3, 0x00, 0x00, /* 11: add bx, imm16 (at 13) */
		0xE2, 0xF4,             /* 15: loop top */
		0xF4,                   /* 17: hlt */
	};
	struct run r[2];
	for (int k = 0; k < 2; k++) {
		run_init(&r[k], k ? CPU_JIT_FORCE : CPU_JIT_OFF, NULL, code, sizeof(code));
		cpu_set_prefetch(&r[k].c, false); /* (the prefetch queue is tests/guest's) */
		assert_int_equal(cpu_run(&r[k].c, 100000), CPU_EXIT_HLT);
	}
	assert_same_run(&r[0], &r[1], true);
	assert_int_equal(r[1].c.r[REG_BX].w[0], 1275); /* 50 + 49 + ... + 1 */
	struct cpu_code_stats st;
	cpu_code_stats(&r[1].c, &st);
	assert_true(st.jit_blocks > 0 && st.smc_stops > 0);
	run_free(&r[0]);
	run_free(&r[1]);
}

/* Every TLB entry that maps a page with code for checked writes claims
 * none of its translated bytes free (struct cpu_tlbx): not in its free
 * run, and the chunk bit of every write of up to 4 bytes that would
 * touch one set. */
static void assert_summaries_true(const struct cpu *c)
{
	for (unsigned k = 0; k < CPU_TLB_SIZE; k++) {
		const struct cpu_tlbx *x = &c->in.tlb_x[k];
		const struct bc_page *pg = c->in.tlb_p[k].code;
		if (x->wcode == TLB_NONE || !pg)
			continue;
		for (unsigned off = 0; off < CPU_PAGE_SIZE; off++) {
			if (!((pg->bits[off >> 6] >> (off & 63)) & 1))
				continue;
			assert_false(off >= x->free_lo && off < x->free_hi);
			for (unsigned d = 0; d < 4 && d <= off; d++)
				assert_true((x->chunks >> ((off - d) >> 6)) & 1);
		}
	}
}

/* cpu_run() to the end in slices of a few instructions, the summaries
 * checked between them. */
static enum cpu_exit run_checking_summaries(struct cpu *c)
{
	enum cpu_exit ex;
	for (int n = 0; n < 100000 && (ex = cpu_run(c, 3)) == CPU_EXIT_BUDGET; n++)
		assert_summaries_true(c);
	assert_summaries_true(c);
	return ex;
}

/* Writes beside code that the TLB entry's summary lets through (struct
 * cpu_tlbx: the free run, the chunk bits) must stop letting them through
 * once the bytes are translated. The writes are made by subroutines at
 * 80h-8Bh (byte, word, dword), compiled after the warm-up loop's first
 * pass (which writes F00h while it is free). Then F00h is run as code
 * and a write into its ADD's immediate must be seen by the next call;
 * again after that write dropped the block (the page's bitmap rebuilt,
 * the summary widened) and F00h was translated anew; a word write that
 * starts in the free run before F00h and ends in its first byte; and
 * code translated at F80h, outside the free run (only its chunk bit
 * tells), then written; and after a TLB flush, code at FC0h translated
 * while no entry maps the page, then written twice (the entry filled
 * anew by the first gets the page's summary, which the second relies
 * on). Compiled as interpreted. */
static void test_code_page_summary_exact(void **state)
{
	(void)state;
	static const uint8_t code[0xFC8] = {
		0x0E, 0x1F,                         /* 00: push cs; pop ds */
		0x66, 0xB8, 0x90, 0x83, 0xC3, 0x01, /* 02: mov eax, 01C38390h (F00h's bytes) */
		0xBF, 0x00, 0x0F,                   /* 08: mov di, F00h */
		0xB9, 0x03, 0x00,                   /* 0B: mov cx, 3 */
		0xE8, 0x6F, 0x00,                   /* 0E: call 80h (data) */
		0xE8, 0x70, 0x00,                   /* 11: call 84h */
		0xE8, 0x71, 0x00,                   /* 14: call 88h */
		0xE2, 0xF5,                         /* 17: loop 0E */
		0xE8, 0xE4, 0x0E,                   /* 19: call F00h (bx += 1) */
		0xBF, 0x03, 0x0F,                   /* 1C: mov di, F03h */
		0xB0, 0x05,                         /* 1F: mov al, 5 */
		0xE8, 0x5C, 0x00,                   /* 21: call 80h */
		0xE8, 0xD9, 0x0E,                   /* 24: call F00h (bx += 5) */
		0xBF, 0x02, 0x0F,                   /* 27: mov di, F02h */
		0xB8, 0xC3, 0x07,                   /* 2A: mov ax, 07C3h */
		0xE8, 0x54, 0x00,                   /* 2D: call 84h */
		0xE8, 0xCD, 0x0E,                   /* 30: call F00h (bx += 7) */
		0x66, 0xB8, 0xC3, 0x09, 0xC3, 0x90, /* 33: mov eax, 90C309C3h */
		0xE8, 0x4C, 0x00,                   /* 39: call 88h */
		0xE8, 0xC1, 0x0E,                   /* 3C: call F00h (bx += 9) */
		0xBF, 0xFF, 0x0E,                   /* 3F: mov di, EFFh */
		0xB8, 0x90, 0x43,                   /* 42: mov ax, 4390h (F00h: inc bx) */
		0xE8, 0x3C, 0x00,                   /* 45: call 84h */
		0xE8, 0xB5, 0x0E,                   /* 48: call F00h (bx += 1 + 9) */
		0xE8, 0x32, 0x0F,                   /* 4B: call F80h (bx += 1) */
		0xBF, 0x83, 0x0F,                   /* 4E: mov di, F83h */
		0xB0, 0x02,                         /* 51: mov al, 2 */
		0xE8, 0x2A, 0x00,                   /* 53: call 80h */
		0xE8, 0x27, 0x0F,                   /* 56: call F80h (bx += 2) */
		0xF4,                               /* 59: hlt */
		0x90,                               /* 5A: (the HLT's IP: 5Bh moves it) */
		/* 5B: after a TLB flush, code at FC0h translated before the
		 * entry is filled again */
		0xE8, 0x62, 0x0F,                   /* 5B: call FC0h (bx += 1) */
		0xBF, 0xC3, 0x0F,                   /* 5E: mov di, FC3h */
		0xB0, 0x03,                         /* 61: mov al, 3 */
		0xE8, 0x1A, 0x00,                   /* 63: call 80h */
		0xE8, 0x57, 0x0F,                   /* 66: call FC0h (bx += 3) */
		0xB0, 0x04,                         /* 69: mov al, 4 (through the entry filled at 63h) */
		0xE8, 0x12, 0x00,                   /* 6B: call 80h */
		0xE8, 0x4F, 0x0F,                   /* 6E: call FC0h (bx += 4) */
		0xF4,                               /* 71: hlt */
		[0x80] = 0x88, 0x05, 0xC3,          /* 80: mov [di], al; ret */
		[0x84] = 0x89, 0x05, 0xC3,          /* 84: mov [di], ax; ret */
		[0x88] = 0x66, 0x89, 0x05, 0xC3,    /* 88: mov [di], eax; ret */
		[0xF00] = 0x90, 0x83, 0xC3, 0x01, 0xC3, /* F00: nop; add bx, imm8; ret */
		[0xF80] = 0x90, 0x83, 0xC3, 0x01, 0xC3, /* F80: the same */
		[0xFC0] = 0x90, 0x83, 0xC3, 0x01, 0xC3, /* FC0: the same */
	};
	struct run r[2];
	for (int k = 0; k < 2; k++) {
		run_init(&r[k], k ? CPU_JIT_FORCE : CPU_JIT_OFF, NULL, code, sizeof(code));
		assert_int_equal(run_checking_summaries(&r[k].c), CPU_EXIT_HLT);
		assert_int_equal(r[k].c.r[REG_BX].w[0], 1 + 5 + 7 + 9 + 10 + 1 + 2);
		cpu_set_a20(&r[k].c, !r[k].c.in.a20); /* (a TLB flush) */
		r[k].c.ip = 0x5B;
		assert_int_equal(run_checking_summaries(&r[k].c), CPU_EXIT_HLT);
		assert_int_equal(r[k].c.r[REG_BX].w[0], 1 + 5 + 7 + 9 + 10 + 1 + 2 + 1 + 3 + 4);
	}
	assert_same_run(&r[0], &r[1], true);
	struct cpu_code_stats st;
	cpu_code_stats(&r[1].c, &st);
	assert_true(st.jit_blocks > 0 && st.invalidations >= 3 && st.data_writes >= 5);
	run_free(&r[0]);
	run_free(&r[1]);
}

/* A page that two TLB entries map (A20 off: FFFF:8710h is 0800:0700h)
 * keeps both entries' summaries exact: data writes through both, then
 * 700h is run as code, and a write through the entry that was filled
 * first (not the page's tlb_slot) into its immediate must be seen.
 * Compiled as interpreted. */
static void test_code_page_summary_alias(void **state)
{
	(void)state;
	static const uint8_t code[0x708] = {
		0x0E, 0x1F,                   /* 00: push cs; pop ds */
		0xB8, 0xFF, 0xFF,             /* 02: mov ax, FFFFh */
		0x8E, 0xC0,                   /* 05: mov es, ax */
		0xB0, 0x90,                   /* 07: mov al, 90h */
		0xB9, 0x03, 0x00,             /* 09: mov cx, 3 */
		0xBF, 0x00, 0x07,             /* 0C: mov di, 700h */
		0xE8, 0x72, 0x00,             /* 0F: call 84h (data, DS) */
		0xBF, 0x10, 0x87,             /* 12: mov di, 8710h */
		0xE8, 0x68, 0x00,             /* 15: call 80h (data, ES: the alias) */
		0xE2, 0xF2,                   /* 18: loop 0C */
		0xE8, 0xE3, 0x06,             /* 1A: call 700h (bx += 1) */
		0xBF, 0x03, 0x07,             /* 1D: mov di, 703h */
		0xB0, 0x05,                   /* 20: mov al, 5 */
		0xE8, 0x5F, 0x00,             /* 22: call 84h */
		0xE8, 0xD8, 0x06,             /* 25: call 700h (bx += 5) */
		0xF4,                         /* 28: hlt */
		[0x80] = 0x26, 0x88, 0x05, 0xC3, /* 80: mov es:[di], al; ret */
		[0x84] = 0x88, 0x05, 0xC3,    /* 84: mov [di], al; ret */
		[0x700] = 0x90, 0x83, 0xC3, 0x01, 0xC3, /* 700: nop; add bx, imm8; ret */
	};
	struct run r[2];
	for (int k = 0; k < 2; k++) {
		run_init(&r[k], k ? CPU_JIT_FORCE : CPU_JIT_OFF, NULL, (const uint8_t[]){ 0xF4 }, 1);
		memcpy(r[k].ram + 0x8000, code, sizeof(code));
		cpu_load_seg(&r[k].c, SEG_CS, 0x0800);
		cpu_set_a20(&r[k].c, false);
		assert_int_equal(run_checking_summaries(&r[k].c), CPU_EXIT_HLT);
		assert_int_equal(r[k].c.r[REG_BX].w[0], 1 + 5);
	}
	assert_same_run(&r[0], &r[1], true);
	run_free(&r[0]);
	run_free(&r[1]);
}

/* Run `code` at CS:0 with DS = ES = 2000h, the given SI, DI, CX and DF,
 * #GP exiting (exception_exit_mask), until it stops. */
static enum cpu_exit run_string(struct run *r, enum cpu_jit jit, const uint8_t *code, size_t n, uint16_t si,
				uint16_t di, uint16_t cx, bool df)
{
	run_init(r, jit, NULL, code, n);
	for (uint32_t a = 0x20000; a < 0x30000; a++)
		r->ram[a] = (uint8_t)(a * 2654435761u >> 13);
	cpu_load_seg(&r->c, SEG_ES, 0x2000);
	r->c.r[REG_SI].d = si, r->c.r[REG_DI].d = di, r->c.r[REG_CX].d = cx;
	cpu_set_flags(&r->c, df ? 0x0400 : 0);
	r->c.exception_exit_mask = 1u << 13; /* #GP */
	return cpu_run(&r->c, 1000000);
}

/* REP MOVS over overlapping spans, both directions, every size, gives
 * what copying one element at a time gives (string_fast() copies a span
 * with memmove() where that is the same); REP MOVSW/STOSW and a compiled
 * LODSW loop that run into the segment's end raise #GP with CX, SI, DI
 * (and the loop's sum) after the finished iterations, compiled as
 * interpreted. */
static void test_rep_string_overlap_fault(void **state)
{
	(void)state;
	static uint8_t ref[0x10000];
	for (unsigned sz = 1; sz <= 4; sz *= 2) {
		const uint8_t code[] = { 0x66, 0xF3, (uint8_t)(sz == 1 ? 0xA4 : 0xA5), 0xF4 };
		const size_t skip = sz == 4 ? 0 : 1;
		for (int df = 0; df < 2; df++) {
			for (int delta = -9; delta <= 9; delta++) {
				const uint16_t cx = (uint16_t)(1 + (unsigned)(delta + 9) * 67 % 700);
				const uint16_t si = (uint16_t)(0x6000 + (unsigned)(delta + 9) * 5), di = (uint16_t)(si + delta);
				struct run r;
				assert_int_equal(run_string(&r, CPU_JIT_OFF, code + skip, sizeof(code) - skip, si, di, cx,
							   df),
						 CPU_EXIT_HLT);
				for (uint32_t a = 0; a < 0x10000; a++)
					ref[a] = (uint8_t)((0x20000 + a) * 2654435761u >> 13);
				const int step = df ? -(int)sz : (int)sz;
				for (unsigned k = 0; k < cx; k++) {
					const uint16_t s = (uint16_t)(si + (int)k * step), d = (uint16_t)(di + (int)k * step);
					uint8_t tmp[4];
					memcpy(tmp, ref + s, sz);
					memcpy(ref + d, tmp, sz);
				}
				assert_memory_equal(r.ram + 0x20000, ref, 0x10000);
				assert_int_equal(r.c.r[REG_CX].w[0], 0);
				assert_int_equal(r.c.r[REG_SI].w[0], (uint16_t)(si + (int)cx * step));
				assert_int_equal(r.c.r[REG_DI].w[0], (uint16_t)(di + (int)cx * step));
				run_free(&r);
			}
		}
	}
	static const uint8_t movsw[] = { 0xF3, 0xA5, 0xF4 }, stosw[] = { 0xF3, 0xAB, 0xF4 };
	static const uint8_t lodsw_loop[] = { 0xAD, 0x01, 0xC3, 0xE2, 0xFB, 0xF4 }; /* lodsw; add bx, ax; loop */
	const struct {
		const uint8_t *code;
		size_t n;
		uint16_t si, di, cx;
	} f[] = {
		{ movsw, sizeof(movsw), 0xFF01, 0x8000, 0x100 },
		{ stosw, sizeof(stosw), 0, 0xFF01, 0x100 },
		{ lodsw_loop, sizeof(lodsw_loop), 0xFF01, 0, 0x200 },
	};
	for (size_t t = 0; t < sizeof(f) / sizeof(f[0]); t++) {
		struct run on, off;
		assert_int_equal(run_string(&on, CPU_JIT_FORCE, f[t].code, f[t].n, f[t].si, f[t].di, f[t].cx, false),
				 CPU_EXIT_EXCEPTION);
		assert_int_equal(run_string(&off, CPU_JIT_OFF, f[t].code, f[t].n, f[t].si, f[t].di, f[t].cx, false),
				 CPU_EXIT_EXCEPTION);
		assert_int_equal(on.c.exit.vector, 13);
		assert_memory_equal(on.c.r, off.c.r, sizeof(on.c.r));
		assert_int_equal(on.c.ip, off.c.ip);
		assert_int_equal(on.c.retired, off.c.retired);
		assert_memory_equal(on.ram, off.ram, RAM);
		/* 127 elements done, the 128th (at offset FFFFh) faults */
		assert_int_equal(on.c.r[REG_CX].w[0], f[t].cx - 127);
		assert_int_equal(on.c.ip, 0); /* (the instruction, its prefix) */
		if (t == 2) {
			struct cpu_code_stats s;
			cpu_code_stats(&on.c, &s);
			assert_true(s.jit_blocks > 0);
		}
		run_free(&on);
		run_free(&off);
	}
}

/* Random loops over the forms the JIT compiles inline (register and
 * memory operands, PUSH/POP (PUSH of a register, a segment register, an
 * immediate or memory), MOV and TEST with memory and an immediate,
 * CBW/CWD, real-mode loads of ES and DS (LES, LDS, POP, MOV), shifts,
 * LEA, moffs, fused compare and
 * branch, ADC and SBB) mixed with some it calls (PUSHF): run compiled (every
 * block compiled as soon as it is recorded) and interpreted, the
 * registers, flags, exit and memory must be the same. Code lives in its
 * own segment, data in DS and SS, so the loop cannot rewrite itself. */
static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

static size_t make_random_loop(uint8_t *p, uint32_t seed, enum cpu_model model, int len)
{
	/* destinations: AX DX BX SI DI (never CX, the counter, SP or BP) */
	static const uint8_t dst16[] = { 0, 2, 3, 6, 7 };
	static const uint8_t dst8[] = { 0, 2, 3, 4, 6, 7 };   /* AL DL BL AH DH BH */
	static const uint8_t mem_rm[] = { 0, 1, 4, 5, 7 };    /* [BX+SI] [BX+DI] [SI] [DI] [BX] */
	size_t k = 0;
	p[k++] = 0xB9, p[k++] = 8, p[k++] = 0; /* mov cx, 8 */
	const size_t top = k;
#define R() rnd(&seed)
#define D16() dst16[R() % sizeof(dst16)]
#define D8() dst8[R() % sizeof(dst8)]
#define MEM(reg) (p[k++] = (uint8_t)(0x40 | (reg) << 3 | mem_rm[R() % sizeof(mem_rm)]), p[k++] = (uint8_t)R())
	for (int n = 0; n < len; n++) {
		const bool wide = model >= CPU_80386 && R() % 5 == 0;
		if (wide)
			p[k++] = 0x66;
		unsigned aop = R() % 8;
		switch (R() % 26) {
		case 0: /* ALU r16, r16 (either direction) */
			if (R() % 2) {
				p[k++] = (uint8_t)(aop << 3 | 1);
				p[k++] = (uint8_t)(0xC0 | (R() % 8) << 3 | D16());
			} else {
				p[k++] = (uint8_t)(aop << 3 | 3);
				p[k++] = (uint8_t)(0xC0 | D16() << 3 | (R() % 8));
			}
			break;
		case 1: /* ALU r8, r8 */
			p[k++] = (uint8_t)(aop << 3);
			p[k++] = (uint8_t)(0xC0 | (R() % 8) << 3 | D8());
			break;
		case 2: /* ALU r, imm8 / r8, imm8 */
		{
			const bool w = R() % 2;
			p[k++] = w ? 0x83 : 0x80;
			p[k++] = (uint8_t)(0xC0 | aop << 3 | (w ? D16() : D8()));
			p[k++] = (uint8_t)R();
		}
			break;
		case 3: /* MOV r, r / r, imm */
			if (R() % 2) {
				p[k++] = 0x89;
				p[k++] = (uint8_t)(0xC0 | (R() % 8) << 3 | D16());
			} else {
				p[k++] = (uint8_t)(0xB0 | D8());
				p[k++] = (uint8_t)R();
			}
			break;
		case 4: /* INC/DEC r */
			p[k++] = (uint8_t)((R() % 2 ? 0x40 : 0x48) | D16());
			break;
		case 5: /* SHL/SHR/SAR by 1 or imm8 */
			if (model >= CPU_80186 && R() % 2) {
				p[k++] = 0xC1;
				p[k++] = (uint8_t)(0xC0 | (uint8_t[]){ 4, 5, 7 }[R() % 3] << 3 | D16());
				p[k++] = (uint8_t)(R() % 20);
			} else {
				const bool w = R() % 2;
				p[k++] = w ? 0xD1 : 0xD0;
				p[k++] = (uint8_t)(0xC0 | (uint8_t[]){ 4, 5, 7 }[R() % 3] << 3 | (w ? D16() : D8()));
			}
			break;
		case 6: /* MOV r, [m] / [m], r */
			if (R() % 2) {
				p[k++] = 0x8B;
				MEM(D16());
			} else {
				p[k++] = 0x89;
				MEM(R() % 8);
			}
			break;
		case 7: /* ALU r, [m] */
			p[k++] = (uint8_t)(aop << 3 | 3);
			MEM(D16());
			break;
		case 8: /* ALU [m], r / [m], imm8 */
			if (R() % 2) {
				p[k++] = (uint8_t)(aop << 3 | 1);
				MEM(R() % 8);
			} else {
				p[k++] = 0x83;
				MEM(aop);
				p[k++] = (uint8_t)R();
			}
			break;
		case 9: /* INC/DEC [m], and half the time a Jcc over a MOV (the
			 * host's flags after the write, session 18) */
			p[k++] = R() % 2 ? 0xFF : 0xFE;
			MEM(R() % 2);
			if (R() % 2) {
				p[k++] = (uint8_t)(0x70 | (R() % 16)), p[k++] = 2;
				p[k++] = 0x89, p[k++] = (uint8_t)(0xC0 | (R() % 8) << 3 | D16());
			}
			break;
		case 10: /* PUSH r, sreg, imm (186+) or [m]; POP r */
			switch (R() % 4) {
			case 0:
				p[k++] = (uint8_t)(0x50 | (R() % 8));
				break;
			case 1: /* ES CS SS DS (FS, GS on the 386+) */
				if (model >= CPU_80386 && R() % 3 == 0)
					p[k++] = 0x0F, p[k++] = R() % 2 ? 0xA0 : 0xA8;
				else
					p[k++] = (uint8_t)(0x06 | (R() % 4) << 3);
				break;
			case 2:
				if (model >= CPU_80186 && !wide && R() % 2) {
					p[k++] = 0x68, p[k++] = (uint8_t)R(), p[k++] = (uint8_t)R();
				} else if (model >= CPU_80186) {
					p[k++] = 0x6A, p[k++] = (uint8_t)R();
				} else {
					p[k++] = (uint8_t)(0x50 | (R() % 8));
				}
				break;
			default:
				p[k++] = 0xFF;
				MEM(6);
				break;
			}
			if (wide)
				p[k++] = 0x66;
			p[k++] = (uint8_t)(0x58 | D16());
			break;
		case 11: /* MOV AX, [moffs] / [moffs], AX */
			p[k++] = R() % 2 ? 0xA1 : 0xA3;
			p[k++] = (uint8_t)R(), p[k++] = (uint8_t)R();
			break;
		case 12: /* LEA r, [m] */
			p[k++] = 0x8D;
			MEM(D16());
			break;
		case 13: /* CMP/TEST (or INC/DEC r, [m]), then one to three
			  * Jccs over a MOV (CMP; JL; JG: the later ones on the
			  * host's flags of the first, session 18) */
		{
			switch (R() % 4) {
			case 0:
				p[k++] = 0x39;
				p[k++] = (uint8_t)(0xC0 | (R() % 8) << 3 | (R() % 8));
				break;
			case 1:
				p[k++] = 0x85;
				p[k++] = (uint8_t)(0xC0 | (R() % 8) << 3 | (R() % 8));
				break;
			case 2:
				p[k++] = (uint8_t)((R() % 2 ? 0x40 : 0x48) | D16());
				break;
			default:
				p[k++] = R() % 2 ? 0xFF : 0xFE;
				MEM(R() % 2);
				break;
			}
			const unsigned jccs = 1 + R() % 3;
			for (unsigned j = 0; j < jccs; j++)
				p[k++] = (uint8_t)(0x70 | (R() % 16)), p[k++] = (uint8_t)(2 * (jccs - j));
			p[k++] = 0x89, p[k++] = (uint8_t)(0xC0 | (R() % 8) << 3 | D16());
		}
			break;
		case 16: /* SHL/SHR/SAR by CL (the counter: 40 down to 1, so
			  * counts of 1 to bits - 1 inline and the rest by the
			  * handler; the 8086 does not mask CL) */
		{
			const bool w = R() % 2;
			p[k++] = w ? 0xD3 : 0xD2;
			p[k++] = (uint8_t)(0xC0 | (uint8_t[]){ 4, 5, 7 }[R() % 3] << 3 | (w ? D16() : D8()));
		}
			break;
		case 17: /* LODS, STOS, MOVS (byte or word) */
			p[k++] = (uint8_t)((uint8_t[]){ 0xAC, 0xAA, 0xA4 }[R() % 3] | (R() % 2));
			break;
		case 18: /* STD or CLD: string instructions by their handler while DF is set */
			p[k++] = R() % 3 ? 0xFC : 0xFD;
			break;
		case 19: /* a segment override on LODS/MOVS, and ES moved */
			if (R() % 2) {
				p[k++] = (uint8_t)(R() % 2 ? 0x36 : 0x26); /* SS: or ES: */
				p[k++] = (uint8_t)(R() % 2 ? 0xAD : 0xA5);
			} else {
				p[k++] = 0x8C, p[k++] = 0xD8; /* mov ax, ds */
				p[k++] = 0x8E, p[k++] = 0xC0; /* mov es, ax */
			}
			break;
		case 20: /* MOV [m], imm */
		{
			const bool w = R() % 2;
			p[k++] = w ? 0xC7 : 0xC6;
			MEM(0);
			for (unsigned b = 0; b < (w ? (wide ? 4u : 2u) : 1u); b++)
				p[k++] = (uint8_t)R();
		}
			break;
		case 21: /* TEST [m], imm, then Jcc over a MOV */
		{
			const bool w = R() % 2;
			p[k++] = w ? 0xF7 : 0xF6;
			MEM(0);
			for (unsigned b = 0; b < (w ? (wide ? 4u : 2u) : 1u); b++)
				p[k++] = (uint8_t)R();
			p[k++] = (uint8_t)(0x70 | (R() % 16)), p[k++] = 2;
			p[k++] = 0x89, p[k++] = (uint8_t)(0xC0 | (R() % 8) << 3 | D16());
		}
			break;
		case 22: /* CBW/CWD; segment loads that leave DS and ES as they
			  * were (ES = DS throughout) */
			switch (wide ? R() % 2 : R() % 6) {
			case 0:
				p[k++] = 0x98;
				break;
			case 1:
				p[k++] = 0x99;
				break;
			case 2: /* LES r, [m]; MOV r, ES; PUSH DS; POP ES */
				p[k++] = 0xC4;
				MEM(D16());
				p[k++] = 0x8C, p[k++] = (uint8_t)(0xC0 | D16());
				p[k++] = 0x1E, p[k++] = 0x07;
				break;
			case 3: /* LDS r, [m] from SS:; MOV r, DS; PUSH ES; POP DS */
				p[k++] = 0x36, p[k++] = 0xC5;
				MEM(D16());
				p[k++] = 0x8C, p[k++] = (uint8_t)(0xD8 | D16());
				p[k++] = 0x06, p[k++] = 0x1F;
				break;
			case 4: /* MOV ES, [m]; MOV r, ES; MOV AX, DS; MOV ES, AX */
				p[k++] = 0x8E;
				MEM(0);
				p[k++] = 0x8C, p[k++] = (uint8_t)(0xC0 | D16());
				p[k++] = 0x8C, p[k++] = 0xD8, p[k++] = 0x8E, p[k++] = 0xC0;
				break;
			default: /* PUSH DS; POP ES */
				p[k++] = 0x1E, p[k++] = 0x07;
				break;
			}
			break;
		case 23: /* session 14's forms: XCHG eAX, r; NOT/NEG r; MOV r/m,
			  * sreg; TEST r, imm and TEST [m], r, then Jcc over a MOV */
			switch (R() % 6) {
			case 0:
				p[k++] = (uint8_t)(0x90 | D16());
				break;
			case 1: /* NOT, NEG r8/r16 */
			{
				const bool w = R() % 2;
				p[k++] = w ? 0xF7 : 0xF6;
				p[k++] = (uint8_t)(0xC0 | (2 + R() % 2) << 3 | (w ? D16() : D8()));
			}
				break;
			case 2: /* MOV r, ES/CS/SS/DS */
				p[k++] = 0x8C, p[k++] = (uint8_t)(0xC0 | (R() % 4) << 3 | D16());
				break;
			case 3: /* MOV [m], ES/CS/SS/DS (DS: or SS:) */
				if (R() % 2)
					p[k++] = 0x36;
				p[k++] = 0x8C;
				MEM(R() % 4);
				break;
			case 4: /* TEST r, imm */
			{
				const bool w = R() % 2;
				p[k++] = w ? 0xF7 : 0xF6;
				p[k++] = (uint8_t)(0xC0 | (w ? D16() : D8()));
				for (unsigned b = 0; b < (w ? (wide ? 4u : 2u) : 1u); b++)
					p[k++] = (uint8_t)R();
			}
				break;
			default: /* TEST [m], r */
				p[k++] = R() % 2 ? 0x85 : 0x84;
				MEM(R() % 8);
				break;
			}
			p[k++] = (uint8_t)(0x70 | (R() % 16)), p[k++] = 2;
			p[k++] = 0x89, p[k++] = (uint8_t)(0xC0 | (R() % 8) << 3 | D16());
			break;
		case 14: /* ADC/SBB (session 14, issue 13): register forms (the
			  * same register: SBB AX, AX = -CF), after NEG or in a
			  * chain after ADD/SUB, byte forms with AH..BH, an
			  * immediate, memory; then Jcc over a MOV (the flags
			  * read back through the host's or the lazy ones) */
		{
			const uint8_t adc = R() % 2 ? 2 : 3; /* ADC, SBB */
			const uint8_t d = D16();
			switch (R() % 7) {
			case 0:
				p[k++] = (uint8_t)(adc << 3 | 1);
				p[k++] = (uint8_t)(0xC0 | (R() % 8) << 3 | d);
				break;
			case 1: /* SBB r, r / ADC r, r, the same register, after NEG or CMP */
				if (R() % 2) {
					p[k++] = 0xF7, p[k++] = (uint8_t)(0xD8 | d);
				} else {
					p[k++] = 0x39, p[k++] = (uint8_t)(0xC0 | (R() % 8) << 3 | (R() % 8));
				}
				if (wide)
					p[k++] = 0x66;
				p[k++] = (uint8_t)(adc << 3 | 3);
				p[k++] = (uint8_t)(0xC0 | d << 3 | d);
				break;
			case 2: /* ADD/SUB r, r; ADC/SBB r, r: a 32-bit sum in two registers */
				p[k++] = (uint8_t)((adc == 2 ? 0 : 5) << 3 | 1);
				p[k++] = (uint8_t)(0xC0 | (R() % 8) << 3 | d);
				if (wide)
					p[k++] = 0x66;
				p[k++] = (uint8_t)(adc << 3 | 3);
				p[k++] = (uint8_t)(0xC0 | D16() << 3 | (R() % 8));
				break;
			case 3: /* r8, r8 (AL..BH either side, either direction) */
				if (R() % 2) {
					p[k++] = (uint8_t)(adc << 3 | 2);
					p[k++] = (uint8_t)(0xC0 | D8() << 3 | (R() % 8));
				} else {
					p[k++] = (uint8_t)(adc << 3);
					p[k++] = (uint8_t)(0xC0 | (R() % 8) << 3 | D8());
				}
				break;
			case 4: /* r, imm8 / r8, imm8 / AX, imm16 / AL, imm8 */
				if (R() % 3 == 0) {
					const bool w = R() % 2;
					p[k++] = (uint8_t)(adc << 3 | 4 | w);
					for (unsigned n2 = 0; n2 < (w ? (wide ? 4u : 2u) : 1u); n2++)
						p[k++] = (uint8_t)R();
				} else {
					const bool w = R() % 2;
					p[k++] = w ? 0x83 : 0x80;
					p[k++] = (uint8_t)(0xC0 | adc << 3 | (w ? d : D8()));
					p[k++] = (uint8_t)(R() % 4 ? R() : (uint8_t[]){ 0x7F, 0x80, 0xFF, 0 }[R() % 4]);
				}
				break;
			case 5: /* r, [m] / r8, [m] */
			{
				const bool w = R() % 2;
				p[k++] = (uint8_t)(adc << 3 | 2 | w);
				MEM(w ? d : D8());
			}
				break;
			default: /* [m], r / [m], imm8 */
				if (R() % 2) {
					p[k++] = (uint8_t)(adc << 3 | (R() % 2));
					MEM(R() % 8);
				} else {
					p[k++] = R() % 2 ? 0x83 : 0x80;
					MEM(adc);
					p[k++] = (uint8_t)R();
				}
				break;
			}
			p[k++] = (uint8_t)(0x70 | (R() % 16)), p[k++] = 2;
			p[k++] = 0x89, p[k++] = (uint8_t)(0xC0 | (R() % 8) << 3 | D16());
		}
			break;
		case 24: /* MUL/IMUL r8, r16/32 or [m] (session 18), then Jcc over a
			  * MOV (CF OF from the high half, SF ZF PF from lf_res) */
		{
			const bool w = R() % 2;
			p[k++] = w ? 0xF7 : 0xF6;
			if (R() % 2)
				p[k++] = (uint8_t)(0xC0 | (4 + R() % 2) << 3 | (R() % 8));
			else
				MEM(4 + R() % 2);
			p[k++] = (uint8_t)(0x70 | (R() % 16)), p[k++] = 2;
			p[k++] = 0x89, p[k++] = (uint8_t)(0xC0 | (R() % 8) << 3 | D16());
		}
			break;
		case 25: /* MOV AH, imm; SAHF; MOV r, r; Jcc over a MOV: the Jcc
			  * on the lazy flags of the explicit kind, ZF SF PF with
			  * their inversion bits (emit_jcc_zs(), session 18) */
			p[k++] = 0xB4, p[k++] = (uint8_t)R();
			p[k++] = 0x9E;
			p[k++] = 0x89, p[k++] = (uint8_t)(0xC0 | (R() % 8) << 3 | D16());
			p[k++] = (uint8_t)(0x70 | (R() % 16)), p[k++] = 2;
			p[k++] = 0x89, p[k++] = (uint8_t)(0xC0 | (R() % 8) << 3 | D16());
			break;
		default: /* PUSHF; POP r: the flags into a register */
			p[k++] = 0x9C;
			if (wide)
				p[k++] = 0x66;
			p[k++] = (uint8_t)(0x58 | D16());
			break;
		}
	}
#undef R
#undef D16
#undef D8
#undef MEM
	p[k++] = 0x49; /* dec cx; jnz top */
	p[k++] = 0x0F, p[k++] = 0x85; /* jnz rel16 (386+), or: */
	if (model < CPU_80386) {
		k -= 2;
		p[k++] = 0x74, p[k++] = 3; /* jz +3 */
		p[k++] = 0xE9;
	}
	const int16_t rel = (int16_t)(top - (k + 2));
	memcpy(p + k, &rel, 2);
	k += 2;
	p[k++] = 0xF4;
	return k;
}

/* len: instructions in the loop's body (a short body is one block that
 * jumps back to its own start: registers kept across passes). */
static void random_loops_match(int len, uint32_t seeds)
{
	static uint8_t code[4096];
	for (int m = CPU_8086; m < CPU_MODEL_COUNT; m++) {
		for (uint32_t seed = 1; seed <= seeds; seed++) {
			const size_t n = make_random_loop(code, seed * 7919u + (uint32_t)m + (uint32_t)(24 - len) * 100003u,
							  (enum cpu_model)m, len);
			struct run r[2];
			for (int k = 0; k < 2; k++) {
				run_init_model(&r[k], (enum cpu_model)m, k ? CPU_JIT_FORCE : CPU_JIT_OFF, code, n);
				for (uint32_t a = 0x20000; a < 0x40000; a++)
					r[k].ram[a] = (uint8_t)(a * 2654435761u >> 13);
				cpu_load_seg(&r[k].c, SEG_CS, CODE >> 4);
				cpu_load_seg(&r[k].c, SEG_DS, 0x2000);
				cpu_load_seg(&r[k].c, SEG_SS, 0x3000);
				for (int g = 0; g < 8; g++)
					r[k].c.r[g].d = seed * (uint32_t)(g + 1) * 0x9E3779B9u;
				r[k].c.r[REG_SP].d = 0x8000;
				r[k].c.ip = 0;
			}
			enum cpu_exit e0 = cpu_run(&r[0].c, 200000), e1 = cpu_run(&r[1].c, 200000);
			assert_int_equal(e0, e1);
			assert_same_run(&r[0], &r[1], false);
			struct cpu_code_stats s;
			cpu_code_stats(&r[1].c, &s);
			assert_true(s.jit_blocks > 0);
			run_free(&r[0]);
			run_free(&r[1]);
		}
	}
}

/* Lines of /proc/self/maps of JIT mappings (two per mapping). */
static int jit_map_lines(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	assert_non_null(f);
	char line[512];
	int n = 0;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "mvdm-jit") != NULL;
	fclose(f);
	return n;
}

/* A loop that adds 1 to AX 300 times; with BX != 0 it rewrites the add's
 * immediate to 2 when CX is 150 (through CS, the next pass sees it): AX
 * is then 151 + 2 * 149. */
static const uint8_t smc_loop[] = {
	0xB9, 0x2C, 0x01,             /* 0: mov cx, 300 */
	0x05, 0x01, 0x00,             /* 3: top: add ax, 1 */
	0x85, 0xDB,                   /* 6: test bx, bx */
	0x74, 0x0C,                   /* 8: jz skip */
	0x81, 0xF9, 0x96, 0x00,       /* 10: cmp cx, 150 */
	0x75, 0x06,                   /* 14: jne skip */
	0x2E, 0xC6, 0x06, 0x04, 0x00, 0x02, /* 16: mov byte [cs:4], 2 */
	0x49,                         /* 22: skip: dec cx */
	0x75, 0xEA,                   /* 23: jnz top (25 - 22 = 3) */
	0xF4,                         /* 25: hlt */
};

static void run_shared_init(struct run *r, enum cpu_jit jit, struct cpu_jit_area *a, struct cpu_code_store *s,
			    const uint8_t *code, size_t n)
{
	run_init(r, jit, a, code, n);
	cpu_set_code_store(&r->c, s);
}

/* Run r from CS:0 again with AX = 0, BX = bx. */
static void run_again(struct run *r, uint16_t bx)
{
	r->c.ip = 0;
	r->c.r[REG_AX].d = 0;
	r->c.r[REG_BX].d = bx;
	assert_int_equal(cpu_run(&r->c, 1000000), CPU_EXIT_HLT);
}

/* An area of `size` bytes and a code store for the tests of kept code:
 * false (the test is skipped) when the host gives no code memory. */
static bool shared_setup(struct cpu_jit_area **a, struct cpu_code_store **s, size_t size)
{
	*a = cpu_jit_area_create(size);
	if (!*a) {
		skip();
		return false;
	}
	assert_int_equal(cpu_code_store_create(s, 0), 0);
	return true;
}

/* A program loaded again finds its compiled code in the store (nothing
 * compiled the second time); a second CPU of the same area and store
 * compiles nothing either; the results are the interpreter's. */
static void test_store_keeps_code(void **state)
{
	(void)state;
	struct cpu_jit_area *a;
	struct cpu_code_store *s;
	if (!shared_setup(&a, &s, 1 << 20))
		return;
	struct run one, two, off;
	run_shared_init(&one, CPU_JIT_ON, a, s, smc_loop, sizeof(smc_loop));
	run_init(&off, CPU_JIT_OFF, NULL, smc_loop, sizeof(smc_loop));
	run_again(&one, 0);
	run_again(&off, 0);
	assert_int_equal(one.c.r[REG_AX].w[0], 300);
	assert_memory_equal(one.c.r, off.c.r, sizeof(one.c.r));
	struct cpu_code_stats st;
	cpu_code_stats(&one.c, &st);
	const uint64_t compiled = st.jit_blocks;
	assert_true(compiled >= 1); /* (the loop ran 300 times: hot) */
	assert_int_equal(st.jit_shared, 0);
	/* Another program over it (its blocks dropped), then it again. */
	uint8_t other[sizeof(smc_loop)];
	memset(other, 0x90, sizeof(other));
	other[sizeof(other) - 1] = 0xF4;
	memcpy(one.ram + CODE, other, sizeof(other));
	cpu_mem_written(&one.c, CODE, sizeof(other));
	run_again(&one, 0);
	memcpy(one.ram + CODE, smc_loop, sizeof(smc_loop));
	cpu_mem_written(&one.c, CODE, sizeof(smc_loop));
	run_again(&one, 0);
	assert_int_equal(one.c.r[REG_AX].w[0], 300);
	cpu_code_stats(&one.c, &st);
	assert_int_equal(st.jit_blocks, compiled); /* compiled nothing again */
	/* its code came back: from the store, or with its blocks parked
	 * when the other program overwrote them (block_cache.h bc_park) */
	assert_true(st.jit_shared + st.revived >= compiled);
	assert_true(st.invalidations > 0);
	/* A second CPU: everything hot comes compiled. */
	run_shared_init(&two, CPU_JIT_ON, a, s, smc_loop, sizeof(smc_loop));
	run_again(&two, 0);
	assert_int_equal(two.c.r[REG_AX].w[0], 300);
	cpu_code_stats(&two.c, &st);
	assert_int_equal(st.jit_blocks, 0);
	assert_true(st.jit_shared >= compiled);
	struct cpu_code_store_stats ss;
	cpu_code_store_stats(s, &ss);
	assert_true(ss.codes >= compiled);
	run_free(&one);
	run_free(&two);
	run_free(&off);
	cpu_code_store_destroy(s);
	cpu_jit_area_destroy(a);
}

/* Parked compiled blocks (block_cache.h bc_park) and the area's
 * generation: program A compiled, B loaded over it (A's blocks parked
 * with their code), then the area flushed by a large program elsewhere
 * (A's code unmapped), then A loaded again: its blocks are revived
 * without their old code (compiled again) and run as interpreted; then
 * B and A again, with no flush between: A's blocks keep their code. */
static void test_parked_code_generation(void **state)
{
	(void)state;
	struct cpu_jit_area *a = cpu_jit_area_create(1);
	if (!a) {
		skip();
		return;
	}
	static uint8_t big[0x8000];
	uint8_t pa[4 + 40 * 4 + 8], pb[sizeof(pa)];
	const size_t na = make_many_blocks(pa, 40, 2), nbig = make_many_blocks(big, 6000, 1);
	memset(pb, 0x90, sizeof(pb));
	pb[na - 1] = 0xF4; /* (B's code within A's: each load covers the other) */
	struct run r, off;
	run_init(&r, CPU_JIT_FORCE, a, pa, na);
	run_init(&off, CPU_JIT_OFF, NULL, pa, na);
	run_again(&off, 0);
	run_again(&r, 0);
	assert_int_equal(r.c.r[REG_AX].w[0], 80);
	struct cpu_code_stats s0, s1, s2;
	cpu_code_stats(&r.c, &s0);
	memcpy(r.ram + CODE, pb, na); /* B over A: A parked */
	cpu_mem_written(&r.c, CODE, (uint32_t)na);
	run_again(&r, 0);
	const uint64_t flushes = cpu_jit_area_flushes(a);
	memcpy(r.ram + 0x40000, big, nbig); /* the area flushed */
	cpu_load_seg(&r.c, SEG_CS, 0x4000);
	for (int k = 0; k < 4 && cpu_jit_area_flushes(a) == flushes; k++)
		run_again(&r, 0);
	assert_true(cpu_jit_area_flushes(a) > flushes);
	cpu_load_seg(&r.c, SEG_CS, CODE >> 4);
	cpu_code_stats(&r.c, &s1);
	memcpy(r.ram + CODE, pa, na); /* A again: revived, compiled again */
	cpu_mem_written(&r.c, CODE, (uint32_t)na);
	run_again(&r, 0);
	assert_memory_equal(r.c.r, off.c.r, sizeof(off.c.r));
	cpu_code_stats(&r.c, &s2);
	assert_true(s2.revived - s1.revived >= 40);
	assert_int_equal(s2.misses, s1.misses);
	assert_true(s2.jit_blocks - s1.jit_blocks >= 40);
	memcpy(r.ram + CODE, pb, na); /* B again (its code was dropped by the flush) */
	cpu_mem_written(&r.c, CODE, (uint32_t)na);
	run_again(&r, 0);
	cpu_code_stats(&r.c, &s1);
	memcpy(r.ram + CODE, pa, na); /* A again: revived with its new code */
	cpu_mem_written(&r.c, CODE, (uint32_t)na);
	run_again(&r, 0);
	assert_memory_equal(r.c.r, off.c.r, sizeof(off.c.r));
	cpu_code_stats(&r.c, &s2);
	assert_true(s2.revived - s1.revived >= 40);
	assert_int_equal(s2.jit_blocks, s1.jit_blocks);
	assert_int_equal(s2.misses, s1.misses);
	(void)s0;
	run_free(&r);
	run_free(&off);
	cpu_jit_area_destroy(a);
}

/* The line of perf's JIT map (path) whose code covers p, or false. */
static bool perf_map_line(const char *path, const void *p, char *name, size_t max)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char line[256];
	bool found = false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long start, size;
		int at = 0;
		if (sscanf(line, "%lx %lx %n", &start, &size, &at) != 2 || at == 0)
			continue;
		const uintptr_t a = (uintptr_t)p;
		if (a >= start && a - start < size) {
			snprintf(name, max, "%s", line + at);
			name[strcspn(name, "\n")] = 0;
			found = true;
		}
	}
	fclose(f);
	return found;
}

/* MVDM_PERF_MAP=1 (read by cpu_init()): every compiled block gets a line
 * in /tmp/perf-<pid>.map covering its code and naming its CS:IP, and the
 * mapping's link stub and shared code get theirs; without it no file is
 * written. */
static void test_perf_map(void **state)
{
	(void)state;
	char path[64], name[256];
	snprintf(path, sizeof(path), "/tmp/perf-%ld.map", (long)getpid());
	unlink(path);
	for (int on = 0; on < 2; on++) {
		struct cpu_jit_area *a = cpu_jit_area_create(1 << 20);
		if (!a) {
			skip();
			return;
		}
		struct run r;
		if (on)
			setenv("MVDM_PERF_MAP", "1", 1);
		run_init(&r, CPU_JIT_FORCE, a, smc_loop, sizeof(smc_loop));
		unsetenv("MVDM_PERF_MAP");
		run_again(&r, 0);
		assert_int_equal(r.c.r[REG_AX].w[0], 300);
		unsigned compiled = 0;
		for (const struct bc_page *pg = r.c.in.bcache->pages; pg; pg = pg->next) {
			for (uint32_t k = 0; k < pg->n; k++) {
				const struct bc_block *b = pg->blk[k];
				if (b->entry == b->ins[0].fn)
					continue;
				compiled++;
				const void *code;
				memcpy(&code, &b->entry, sizeof(code));
				assert_int_equal(perf_map_line(path, code, name, sizeof(name)), on);
				if (!on)
					continue;
				char want[64];
				snprintf(want, sizeof(want), "guest rm 1000:%04x lin %05x n %u", b->ins[0].ip,
					 CODE + b->ins[0].ip, b->ninsns);
				assert_string_equal(name, want);
			}
		}
		assert_true(compiled >= 1);
		assert_true(access(path, F_OK) == (on ? 0 : -1));
		run_free(&r);
		cpu_jit_area_destroy(a);
	}
	unsigned long start = 0;
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%lx", &start), 1);
	fclose(f);
	/* (the first line: the stub, at the mapping's start) */
	assert_true(perf_map_line(path, (const void *)(uintptr_t)start, name, sizeof(name)));
	assert_string_equal(name, "mvdm-jit link stub");
	assert_true(perf_map_line(path, (const void *)(uintptr_t)(start + 0x400), name, sizeof(name)));
	assert_string_equal(name, "mvdm-jit SH_READ");
	unlink(path);
}

/* A loop whose memory accesses (a word read, a read-modify-write, a word
 * write, a dword read, PUSH and POP, a byte write, on five pages) all hit
 * the TLB after its first pass, but for a byte write that moves on by
 * 80h bytes a pass, to a new page every 32 passes. */
static const uint8_t tlb_loop[] = {
	0x31, 0xDB,                         /* xor bx, bx */
	0x31, 0xFF,                         /* xor di, di */
	0xB9, 0xF4, 0x01,                   /* mov cx, 500 */
	/* 7: top */
	0x8B, 0x47, 0x10,                   /* mov ax, [bx+10h] */
	0x01, 0x87, 0x00, 0x11,             /* add [bx+1100h], ax */
	0x89, 0x87, 0x00, 0x22,             /* mov [bx+2200h], ax */
	0x66, 0x8B, 0x97, 0x00, 0x22,       /* mov edx, [bx+2200h] */
	0x50,                               /* push ax */
	0x5E,                               /* pop si */
	0x88, 0xA7, 0xF3, 0x3F,             /* mov [bx+3FF3h], ah */
	0x40,                               /* inc ax */
	0x89, 0x47, 0x10,                   /* mov [bx+10h], ax */
	0x88, 0x05,                         /* mov [di], al */
	0x81, 0xC7, 0x80, 0x00,             /* add di, 80h */
	0x49,                               /* dec cx */
	0x75, 0xDD,                         /* jnz top (7 - 42) */
	0xF4,                               /* 42: hlt */
};

/* The inline accesses' TLB index, with every host feature the JIT may
 * use and with none (cpu_set_jit_host(): RORX or MOV/SHR): a wrong index
 * gives right results (the entry's tag then differs, the slow path does
 * the access), so the test counts the slow paths (jit_slow): the 4,500
 * accesses of the loop above must take it only to fill the TLB (a few
 * per page), and give the interpreter's results. */
static void test_tlb_hits_inline(void **state)
{
	(void)state;
	const unsigned masks[] = { CPU_JIT_HOST_ALL, 0 };
	for (unsigned m = 0; m < 2; m++) {
		struct run on, off;
		run_init(&on, CPU_JIT_FORCE, NULL, tlb_loop, sizeof(tlb_loop));
		cpu_set_jit_host(&on.c, masks[m]);
		assert_int_equal(cpu_get_jit_host(&on.c) & ~masks[m], 0);
		run_init(&off, CPU_JIT_OFF, NULL, tlb_loop, sizeof(tlb_loop));
		assert_int_equal(cpu_run(&on.c, 1000000), CPU_EXIT_HLT);
		assert_int_equal(cpu_run(&off.c, 1000000), CPU_EXIT_HLT);
		assert_same_run(&on, &off, false);
		struct cpu_code_stats s;
		cpu_code_stats(&on.c, &s);
		print_message("host features %#x: %llu slow paths\n", cpu_get_jit_host(&on.c),
			      (unsigned long long)s.jit_slow);
		assert_true(s.jit_blocks > 0);
		/* (the first pass, threaded, fills the TLB; compiled code
		 * fills it for the 15 pages MOV [DI] reaches later) */
		assert_true(s.jit_slow >= 8);
		assert_true(s.jit_slow <= 32);
		run_free(&on);
		run_free(&off);
	}
}

/* Compiled code is shared through the store only between CPUs whose JIT
 * uses the same host features (code_store.h cs_sig()): a CPU with none
 * compiles the loop itself where the host has any, and gets the code
 * of another CPU with none (which compiles only a block decoded anew
 * there, as a second CPU with all of them would). */
static void test_host_features_not_shared(void **state)
{
	(void)state;
	struct cpu_jit_area *a;
	struct cpu_code_store *s;
	if (!shared_setup(&a, &s, 1 << 20))
		return;
	struct run full, none, none2;
	run_shared_init(&full, CPU_JIT_FORCE, a, s, smc_loop, sizeof(smc_loop));
	cpu_set_jit_host(&full.c, CPU_JIT_HOST_ALL);
	run_again(&full, 0);
	run_shared_init(&none, CPU_JIT_FORCE, a, s, smc_loop, sizeof(smc_loop));
	cpu_set_jit_host(&none.c, 0);
	run_again(&none, 0);
	run_shared_init(&none2, CPU_JIT_FORCE, a, s, smc_loop, sizeof(smc_loop));
	cpu_set_jit_host(&none2.c, 0);
	run_again(&none2, 0);
	struct cpu_code_stats sf, sn, sn2;
	cpu_code_stats(&full.c, &sf);
	cpu_code_stats(&none.c, &sn);
	cpu_code_stats(&none2.c, &sn2);
	assert_int_equal(none.c.r[REG_AX].w[0], 300);
	assert_int_equal(none2.c.r[REG_AX].w[0], 300);
	assert_true(sf.jit_blocks > 0);
	if (cpu_get_jit_host(&full.c) != 0) { /* (none from full) */
		assert_int_equal(sn.jit_shared, 0);
		assert_int_equal(sn.jit_blocks, sf.jit_blocks);
	}
	assert_true(sn2.jit_shared >= sf.jit_blocks); /* (from none) */
	assert_true(sn2.jit_blocks < sf.jit_blocks);
	run_free(&full);
	run_free(&none);
	run_free(&none2);
	cpu_code_store_destroy(s);
	cpu_jit_area_destroy(a);
}

/* The host features cpu_init() takes from MVDM_JIT_HOST (restored
 * afterwards: the jit-baseline test runs this whole file with it). */
static unsigned jit_host_with_env(const char *v)
{
	struct cpu *c = malloc(sizeof(*c));
	assert_non_null(c);
	if (v)
		setenv("MVDM_JIT_HOST", v, 1);
	else
		unsetenv("MVDM_JIT_HOST");
	cpu_init(c, CPU_80386, NULL);
	const unsigned host = cpu_get_jit_host(c);
	cpu_destroy(c);
	free(c);
	return host;
}

static void test_jit_host_env(void **state)
{
	(void)state;
	const char *was = getenv("MVDM_JIT_HOST");
	char saved[64] = "";
	if (was)
		snprintf(saved, sizeof(saved), "%s", was);
	const unsigned all = jit_host_with_env("all");
	assert_int_equal(all & ~(unsigned)CPU_JIT_HOST_ALL, 0);
	assert_int_equal(jit_host_with_env(NULL), all);
	assert_int_equal(jit_host_with_env("bmi2,sahf"), all);
	assert_int_equal(jit_host_with_env("none"), 0);
	assert_int_equal(jit_host_with_env(""), 0);
	assert_int_equal(jit_host_with_env("bmi2"), all & CPU_JIT_HOST_BMI2);
	assert_int_equal(jit_host_with_env("sahf"), all & CPU_JIT_HOST_SAHF);
	assert_int_equal(jit_host_with_env("bmi,sahf2,sahf"), all & CPU_JIT_HOST_SAHF);
	if (was)
		setenv("MVDM_JIT_HOST", saved, 1);
	else
		unsetenv("MVDM_JIT_HOST");
}

/* The features the JIT finds (read from glibc's start-up probe, not by
 * CPUID of its own) are those the CPUID instruction reports: BMI2 in leaf
 * 7 EBX bit 8, LAHF/SAHF in 64-bit mode in leaf 80000001h ECX bit 0 (Intel
 * SDM vol. 2A, CPUID). */
static void test_jit_host_features_cpuid(void **state)
{
	(void)state;
	unsigned a, b, c, d, want = 0;
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (b >> 8 & 1))
		want |= CPU_JIT_HOST_BMI2;
	if (__get_cpuid(0x80000001u, &a, &b, &c, &d) && (c & 1))
		want |= CPU_JIT_HOST_SAHF;
	assert_int_equal(jit_host_features("all"), want);
	assert_int_equal(jit_host_features(NULL), want);
}

/* With a code store (JIT on, not forced) a block is compiled at its 16th
 * entry (jit.c JIT_THRESHOLD_SHARED, session 14): a loop of 20 passes,
 * run in slices so that bc_run() polls the queue, is compiled; and
 * without a store not (256). */
static void test_shared_threshold(void **state)
{
	(void)state;
	static const uint8_t code[] = {
		0xB9, 0x14, 0x00, /* 0: mov cx, 20 */
		0x40,             /* 3: top: inc ax */
		0x01, 0xC3,       /* 4: add bx, ax */
		0x49,             /* 6: dec cx */
		0x75, 0xFA,       /* 7: jnz top */
		0xF4,             /* 9: hlt */
	};
	struct cpu_jit_area *a;
	struct cpu_code_store *s;
	if (!shared_setup(&a, &s, 1 << 20))
		return;
	for (int shared = 0; shared < 2; shared++) {
		struct run r;
		run_shared_init(&r, CPU_JIT_ON, a, shared ? s : NULL, code, sizeof(code));
		enum cpu_exit e;
		while ((e = cpu_run(&r.c, 4)) != CPU_EXIT_HLT)
			assert_int_equal(e, CPU_EXIT_BUDGET);
		assert_int_equal(r.c.r[REG_BX].w[0], 210); /* 1 + 2 + ... + 20 */
		struct cpu_code_stats st;
		cpu_code_stats(&r.c, &st);
		assert_int_equal(st.jit_blocks, shared ? 1 : 0);
		run_free(&r);
	}
	cpu_code_store_destroy(s);
	cpu_jit_area_destroy(a);
}

/* Two CPUs take the same blocks before either is hot; the first to find
 * one hot compiles it, the other then takes that code from the store
 * instead of compiling its own. */
static void test_hot_elsewhere_first(void **state)
{
	(void)state;
	struct cpu_jit_area *a;
	struct cpu_code_store *s;
	if (!shared_setup(&a, &s, 1 << 20))
		return;
	struct run r[2];
	for (int k = 0; k < 2; k++) {
		run_shared_init(&r[k], CPU_JIT_ON, a, s, smc_loop, sizeof(smc_loop));
		r[k].c.r[REG_AX].d = r[k].c.r[REG_BX].d = 0;
		assert_int_equal(cpu_run(&r[k].c, 20), CPU_EXIT_BUDGET); /* (a few passes) */
	}
	for (int k = 0; k < 2; k++) {
		assert_int_equal(cpu_run(&r[k].c, 1000000), CPU_EXIT_HLT);
		assert_int_equal(r[k].c.r[REG_AX].w[0], 300);
	}
	struct cpu_code_stats st[2];
	cpu_code_stats(&r[0].c, &st[0]);
	cpu_code_stats(&r[1].c, &st[1]);
	assert_true(st[0].jit_blocks >= 1);
	assert_int_equal(st[1].jit_blocks, 0);
	assert_true(st[1].jit_shared >= st[0].jit_blocks);
	assert_true(st[1].store_hits > 0);
	run_free(&r[0]);
	run_free(&r[1]);
	cpu_code_store_destroy(s);
	cpu_jit_area_destroy(a);
}

/* Two CPUs run the same compiled code from the store; one rewrites an
 * instruction of it: only its own blocks are dropped (it goes on with the
 * new bytes, exactly), the other still runs the shared code and gets the
 * unmodified result, and so does the writer when its bytes are restored. */
static void test_write_into_shared_code(void **state)
{
	(void)state;
	struct cpu_jit_area *a;
	struct cpu_code_store *s;
	if (!shared_setup(&a, &s, 1 << 20))
		return;
	struct run w, r, off;
	run_shared_init(&r, CPU_JIT_FORCE, a, s, smc_loop, sizeof(smc_loop));
	run_shared_init(&w, CPU_JIT_FORCE, a, s, smc_loop, sizeof(smc_loop));
	run_init(&off, CPU_JIT_OFF, NULL, smc_loop, sizeof(smc_loop));
	run_again(&r, 0); /* (compiles the loop into the store) */
	assert_int_equal(r.c.r[REG_AX].w[0], 300);
	run_again(&w, 1);
	run_again(&off, 1);
	assert_int_equal(w.c.r[REG_AX].w[0], 151 + 2 * 149);
	assert_memory_equal(w.c.r, off.c.r, sizeof(w.c.r));
	assert_int_equal(w.c.retired, off.c.retired);
	struct cpu_code_stats st;
	cpu_code_stats(&w.c, &st);
	assert_true(st.jit_shared > 0);   /* it ran the shared code ... */
	assert_true(st.invalidations > 0); /* ... and dropped its own copy */
	/* The reader, after the write: the shared code, unchanged. */
	run_again(&r, 0);
	assert_int_equal(r.c.r[REG_AX].w[0], 300);
	run_again(&r, 1); /* (its memory was not written: it patches now) */
	assert_int_equal(r.c.r[REG_AX].w[0], 151 + 2 * 149);
	/* The writer, its bytes restored: the store's code again. */
	memcpy(w.ram + CODE, smc_loop, sizeof(smc_loop));
	cpu_mem_written(&w.c, CODE, sizeof(smc_loop));
	run_again(&w, 0);
	assert_int_equal(w.c.r[REG_AX].w[0], 300);
	run_free(&w);
	run_free(&r);
	run_free(&off);
	cpu_code_store_destroy(s);
	cpu_jit_area_destroy(a);
}

struct thread_run {
	struct run *r;
	enum cpu_exit exit;
};

static void *thread_main(void *arg)
{
	struct thread_run *t = arg;
	/* (slices, as a server runs a VM; the area fills many times) */
	do
		t->exit = cpu_run(&t->r->c, 3000);
	while (t->exit == CPU_EXIT_BUDGET);
	return NULL;
}

/* Two CPUs on two threads share a small area and a store: the area fills
 * and is made anew many times while each CPU's blocks are linked to each
 * other and to code the other compiled; both get the interpreter's
 * results, and once they are gone only the current mapping is left. */
static void test_area_flush_two_threads(void **state)
{
	(void)state;
	struct cpu_jit_area *a;
	struct cpu_code_store *s;
	if (!shared_setup(&a, &s, 1)) /* (the smallest area) */
		return;
	static uint8_t code[0x8000];
	const unsigned nblocks = 6000;
	const size_t n = make_many_blocks(code, nblocks, 2);
	struct run r[2], off;
	for (int k = 0; k < 2; k++)
		run_shared_init(&r[k], CPU_JIT_FORCE, a, s, code, n);
	run_init(&off, CPU_JIT_OFF, NULL, code, n);
	assert_int_equal(cpu_run(&off.c, 1000000), CPU_EXIT_HLT);
	struct thread_run t[2] = { { &r[0], CPU_EXIT_BUDGET }, { &r[1], CPU_EXIT_BUDGET } };
	pthread_t th[2];
	for (int k = 0; k < 2; k++)
		assert_int_equal(pthread_create(&th[k], NULL, thread_main, &t[k]), 0);
	for (int k = 0; k < 2; k++)
		assert_int_equal(pthread_join(th[k], NULL), 0);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(t[k].exit, CPU_EXIT_HLT);
		assert_memory_equal(r[k].c.r, off.c.r, sizeof(off.c.r));
		assert_int_equal(r[k].c.retired, off.c.retired);
	}
	assert_true(cpu_jit_area_flushes(a) >= 2);
	assert_no_wx_mapping();
	run_free(&r[0]);
	run_free(&r[1]);
	assert_int_equal(jit_map_lines(), 2); /* the current mapping only */
	run_free(&off);
	cpu_code_store_destroy(s);
	cpu_jit_area_destroy(a);
}

static void test_random_loops_match(void **state)
{
	(void)state;
	random_loops_match(24, 40);
}

/* Far CALL ptr16:16 and RETF / RETF 2 in real mode, compiled inline
 * (jit_compile.c emit_far()), against the interpreter on every model:
 * a loop calls two routines in another segment (one takes an argument
 * on the stack) and leaves a word on the stack in each pass, so that the
 * pushes wrap at 64 KiB, and, from an odd SP, once the code is compiled,
 * a far CALL's push straddles offset FFFFh (the 286+ fault there,
 * precisely: the same state and exit as interpreted; the 8086 wraps the
 * word). */
static void test_far_call_ret_match(void **state)
{
	(void)state;
	static const uint8_t code[] = {
		0xB9, 30, 0,                   /* mov cx, 30 */
		0x51,                          /* top: push cx (not popped: SP moves down) */
		0x9A, 0x00, 0x00, 0x00, 0x11,  /* call 1100:0000 */
		0x51,                          /* push cx */
		0x9A, 0x10, 0x00, 0x00, 0x11,  /* call 1100:0010 (retf 2) */
		0x49,                          /* dec cx */
		0x74, 0x03,                    /* jz +3 */
		0xE9, 0xEE, 0xFF,              /* jmp top (3 - 21) */
		0xF4,                          /* hlt */
	};
	static const uint8_t far0[] = { 0x01, 0xD8, 0x43, 0xCB };  /* add ax, bx; inc bx; retf */
	static const uint8_t far1[] = { 0x89, 0xE5, 0x36, 0x03, 0x46, 0x04, /* mov bp, sp; add ax, [ss:bp+4] */
					0xD1, 0xC0, 0xCA, 0x02, 0x00 };     /* rol ax, 1; retf 2 */
	static const uint16_t sps[] = { 0xFFF0, 0x0004, 0x0030, 0x0031 };
	for (int m = CPU_8086; m < CPU_MODEL_COUNT; m++) {
		for (unsigned t = 0; t < sizeof(sps) / sizeof(sps[0]); t++) {
			struct run r[2];
			for (int k = 0; k < 2; k++) {
				run_init_model(&r[k], (enum cpu_model)m, k ? CPU_JIT_FORCE : CPU_JIT_OFF, code, sizeof(code));
				memcpy(r[k].ram + 0x11000, far0, sizeof(far0));
				memcpy(r[k].ram + 0x11010, far1, sizeof(far1));
				cpu_load_seg(&r[k].c, SEG_CS, CODE >> 4);
				cpu_load_seg(&r[k].c, SEG_SS, 0x3000);
				r[k].c.r[REG_AX].d = 0x1234;
				r[k].c.r[REG_BX].d = 7;
				r[k].c.r[REG_SP].d = sps[t];
				r[k].c.ip = 0;
			}
			enum cpu_exit e0 = cpu_run(&r[0].c, 20000), e1 = cpu_run(&r[1].c, 20000);
			assert_int_equal(e0, e1);
			assert_same_run(&r[0], &r[1], true);
			if (t < 3 || m <= CPU_80186) {
				assert_int_equal(e1, CPU_EXIT_HLT);
				assert_int_equal(r[1].c.seg[SEG_CS], CODE >> 4);
				assert_int_equal(r[1].c.ip, sizeof(code));
				assert_int_equal(r[1].c.r[REG_CX].w[0], 0);
			} else {
				assert_int_not_equal(r[1].c.r[REG_CX].w[0], 0); /* (it faulted on the way) */
			}
			struct cpu_code_stats s;
			cpu_code_stats(&r[1].c, &s);
			assert_true(s.jit_blocks > 0);
			run_free(&r[0]);
			run_free(&r[1]);
		}
	}
}

/* A far pointer (offset, then selector) at offset ea of the segment at
 * paragraph seg, each byte wrapping at 64 KiB as 16-bit addressing does. */
static void put_far_pointer(uint8_t *ram, uint16_t seg, uint16_t ea, uint16_t off, uint16_t sel)
{
	const uint8_t b[4] = { (uint8_t)off, (uint8_t)(off >> 8), (uint8_t)sel, (uint8_t)(sel >> 8) };
	for (unsigned j = 0; j < 4; j++)
		ram[((uint32_t)seg << 4) + ((ea + j) & 0xFFFFu)] = b[j];
}

/* CALL FAR m16:16 in real mode, compiled inline (jit_compile.c
 * emit_far(), emit_far_pointer()), against the interpreter on every
 * model: a loop calls 20 times through [BX+SI] (or ES:[BX+SI], or
 * [BP+SI] in SS) a routine at 1100:0000 that returns with RETF; a decoy
 * pointer to 1200:0000 (a routine that counts the other way) sits where
 * the wrong segment would read. Before the last pass (the code compiled
 * by then) SI and SP become the case's: the pointer straddles offset
 * FFFFh (at FFFDh, FFFEh, FFFFh: the 286+ #GP when a word does, the
 * 8086/80186 wrap); SP is 0, 1, 2 or 3 (the pushes wrap; on the 286+ the
 * CS push (SP 1) or the IP push (SP 3) straddles FFFFh and faults,
 * precisely: the same state, memory and exit as interpreted); SS:SP
 * points just past the pointer, so that the pushes write over it (the
 * pointer is read first). */
static void test_call_far_mem_match(void **state)
{
	(void)state;
	static const struct {
		uint8_t call[3];    /* the CALL FAR, a NOP in front when it has no prefix */
		uint16_t ea, sp, ss; /* the last pass's (BX or BP = F0h, SI = ea - F0h) */
		uint16_t ptr_seg;   /* where the pointer is (the decoy: in DS) */
		bool faults;        /* on the 286+ */
	} cases[] = {
		{ { 0x90, 0xFF, 0x18 }, 0x0100, 0x8000, 0x3000, 0x2000, false }, /* call far [bx+si] */
		{ { 0x90, 0xFF, 0x18 }, 0xFFFE, 0x8000, 0x3000, 0x2000, false }, /* selector at 0000h */
		{ { 0x90, 0xFF, 0x18 }, 0xFFFD, 0x8000, 0x3000, 0x2000, true },  /* the selector straddles */
		{ { 0x90, 0xFF, 0x18 }, 0xFFFF, 0x8000, 0x3000, 0x2000, true },  /* the offset straddles */
		{ { 0x90, 0xFF, 0x18 }, 0x0100, 0x0000, 0x3000, 0x2000, false }, /* pushes at FFFEh, FFFCh */
		{ { 0x90, 0xFF, 0x18 }, 0x0100, 0x0001, 0x3000, 0x2000, true },  /* the CS push straddles */
		{ { 0x90, 0xFF, 0x18 }, 0x0100, 0x0002, 0x3000, 0x2000, false }, /* pushes at 0000h, FFFEh */
		{ { 0x90, 0xFF, 0x18 }, 0x0100, 0x0003, 0x3000, 0x2000, true },  /* the IP push straddles */
		{ { 0x90, 0xFF, 0x18 }, 0x0100, 0x0104, 0x2000, 0x2000, false }, /* the pushes over the pointer */
		{ { 0x26, 0xFF, 0x18 }, 0x0100, 0x8000, 0x3000, 0x4000, false }, /* call far es:[bx+si] */
		{ { 0x90, 0xFF, 0x1A }, 0x0100, 0x8000, 0x3000, 0x3000, false }, /* call far [bp+si] (SS) */
	};
	static const uint8_t far0[] = { 0x42, 0xD1, 0xC0, 0xCB }; /* inc dx; rol ax, 1; retf */
	static const uint8_t far1[] = { 0x4A, 0xD1, 0xC8, 0xCB }; /* dec dx; ror ax, 1; retf */
	for (int m = CPU_8086; m < CPU_MODEL_COUNT; m++) {
		for (size_t t = 0; t < sizeof(cases) / sizeof(cases[0]); t++) {
			const uint16_t si = (uint16_t)(cases[t].ea - 0xF0), sp = cases[t].sp;
			const uint8_t code[] = {
				0xB9, 20, 0,                                     /*  0: mov cx, 20 */
				cases[t].call[0], cases[t].call[1], cases[t].call[2], /*  3: top: the call */
				0x49,                                            /*  6: dec cx */
				0x74, 0x0D,                                      /*  7: jz done */
				0x83, 0xF9, 0x01,                                /*  9: cmp cx, 1 */
				0x75, 0xF5,                                      /* 12: jne top */
				0xBE, (uint8_t)si, (uint8_t)(si >> 8),           /* 14: mov si, the case's */
				0xBC, (uint8_t)sp, (uint8_t)(sp >> 8),           /* 17: mov sp, the case's */
				0xEB, 0xED,                                      /* 20: jmp top */
				0xF4,                                            /* 22: done: hlt */
			};
			struct run r[2];
			enum cpu_exit ex[2];
			for (int k = 0; k < 2; k++) {
				run_init_model(&r[k], (enum cpu_model)m, k ? CPU_JIT_FORCE : CPU_JIT_OFF, code, sizeof(code));
				memcpy(r[k].ram + 0x11000, far0, sizeof(far0));
				memcpy(r[k].ram + 0x12000, far1, sizeof(far1));
				for (unsigned p = 0; p < 2; p++) {
					const uint16_t ea = p ? cases[t].ea : 0x0100;
					put_far_pointer(r[k].ram, 0x2000, ea, 0x0000, 0x1200);
					put_far_pointer(r[k].ram, cases[t].ptr_seg, ea, 0x0000, 0x1100);
				}
				cpu_load_seg(&r[k].c, SEG_CS, CODE >> 4);
				cpu_load_seg(&r[k].c, SEG_DS, 0x2000);
				cpu_load_seg(&r[k].c, SEG_ES, 0x4000);
				cpu_load_seg(&r[k].c, SEG_SS, cases[t].ss);
				r[k].c.r[REG_AX].d = 0x1234;
				r[k].c.r[REG_BX].d = 0xF0;
				r[k].c.r[REG_BP].d = 0xF0;
				r[k].c.r[REG_DX].d = 0;
				r[k].c.r[REG_SI].d = 0x10;
				r[k].c.r[REG_SP].d = 0x8000;
				r[k].c.ip = 0;
				r[k].c.exception_exit_mask = 1u << 13 | 1u << 12; /* #GP, #SS */
				ex[k] = cpu_run(&r[k].c, 20000);
			}
			assert_int_equal(ex[0], ex[1]);
			assert_same_run(&r[0], &r[1], true);
			struct cpu_code_stats st;
			cpu_code_stats(&r[1].c, &st);
			assert_true(st.jit_blocks > 0);
			if (cases[t].faults && m >= CPU_80286) {
				assert_int_equal(ex[1], CPU_EXIT_EXCEPTION);
				assert_int_equal(r[1].c.exit.vector, r[0].c.exit.vector);
				assert_int_equal(r[1].c.ip, cases[t].call[0] == 0x90 ? 4 : 3); /* (the CALL) */
				assert_int_equal(r[1].c.r[REG_CX].w[0], 1); /* (the last pass) */
				assert_int_equal(r[1].c.r[REG_SP].w[0], sp);
			} else {
				assert_int_equal(ex[1], CPU_EXIT_HLT);
				assert_int_equal(r[1].c.r[REG_DX].w[0], 20); /* (far0 every time) */
			}
			run_free(&r[0]);
			run_free(&r[1]);
		}
	}
}

/* A fault in an inline access's slow path, which is code shared by every
 * block of a mapping (jit_compile.c emit_shared(), reached with a record
 * of the entry and the registers to store): a compiled loop changes SI,
 * DI and DX (held in host registers) and then reads, writes, reads and
 * writes (ADD m, r), or pushes, at an offset that climbs to FFFFh; the
 * word there is past the segment's limit: #GP (the push: #GP or #SS, as
 * the interpreter raises it) on the 286+, with the registers, IP (the access), the memory and the retired
 * count the interpreter's; the 8086 and 80186 wrap and run to the end. */
static void test_slow_path_fault_match(void **state)
{
	(void)state;
	static const uint8_t access[][2] = {
		{ 0x8B, 0x07 }, /* mov ax, [bx] */
		{ 0x89, 0x0F }, /* mov [bx], cx */
		{ 0x01, 0x37 }, /* add [bx], si */
		{ 0x57, 0x90 }, /* push di; nop */
		{ 0x8C, 0x1F }, /* mov [bx], ds */
		{ 0x85, 0x37 }, /* test [bx], si */
		{ 0xF7, 0x2F }, /* imul word [bx] (DX:AX untouched by the fault) */
	};
	for (int m = CPU_8086; m < CPU_MODEL_COUNT; m++) {
		for (size_t t = 0; t < sizeof(access) / sizeof(access[0]); t++) {
			const uint8_t code[] = {
				0xBB, 0xF0, 0xFF,        /*  0: mov bx, FFF0h */
				0xB9, 0x20, 0x00,        /*  3: mov cx, 32 */
				0x46,                    /*  6: top: inc si */
				0x83, 0xC7, 0x03,        /*  7: add di, 3 */
				0x89, 0xCA,              /* 10: mov dx, cx */
				access[t][0], access[t][1], /* 12: the access */
				0x43,                    /* 14: inc bx */
				0xE2, 0xF5,              /* 15: loop top */
				0xF4,                    /* 17: hlt */
			};
			struct run r[2];
			enum cpu_exit ex[2];
			for (int k = 0; k < 2; k++) {
				run_init_model(&r[k], (enum cpu_model)m, k ? CPU_JIT_FORCE : CPU_JIT_OFF, code, sizeof(code));
				cpu_load_seg(&r[k].c, SEG_CS, CODE >> 4);
				cpu_load_seg(&r[k].c, SEG_DS, 0x2000);
				cpu_load_seg(&r[k].c, SEG_SS, 0x3000);
				r[k].c.r[REG_SP].d = t == 3 ? 0x001F : 0x8000;
				r[k].c.r[REG_SI].d = 0x100;
				r[k].c.r[REG_DI].d = 0x200;
				r[k].c.ip = 0;
				r[k].c.exception_exit_mask = 1u << 13 | 1u << 12; /* #GP, #SS */
				ex[k] = cpu_run(&r[k].c, 100000);
			}
			assert_int_equal(ex[0], ex[1]);
			assert_same_run(&r[0], &r[1], false);
			struct cpu_code_stats st;
			cpu_code_stats(&r[1].c, &st);
			assert_true(st.jit_blocks > 0);
			if (m >= CPU_80286) {
				assert_int_equal(ex[1], CPU_EXIT_EXCEPTION);
				assert_int_equal(r[1].c.exit.vector, r[0].c.exit.vector);
				assert_true(r[1].c.exit.vector == 13 || (t == 3 && r[1].c.exit.vector == 12));
				assert_int_equal(r[1].c.ip, 12);
				/* the 16th pass faults (BX = FFFFh; the push: SP 1Fh - 2 * 16) */
				assert_int_equal(r[1].c.r[REG_SI].w[0], 0x100 + 16);
				assert_int_equal(r[1].c.r[REG_DI].w[0], 0x200 + 3 * 16);
				assert_int_equal(r[1].c.r[REG_DX].w[0], 32 - 15);
			} else {
				assert_int_equal(ex[1], CPU_EXIT_HLT);
			}
			run_free(&r[0]);
			run_free(&r[1]);
		}
	}
}

/* Run code on model m (with fpu) from real mode, CS CODE >> 4, DS 2000h,
 * SS 3000h, SP sp, BX bx, AX 1234h, exiting on #GP and #SS: interpreted
 * in r[0], with the JIT forced in r[1]. Both must end alike (with segs
 * the segment registers too, and an exception's vector) and the JIT must
 * have compiled something. Returns the exit. */
static enum cpu_exit run_real_pair(enum cpu_model m, enum cpu_fpu fpu, const uint8_t *code, size_t n, uint32_t sp,
				   uint32_t bx, bool segs, struct run r[2])
{
	enum cpu_exit ex[2];
	for (int k = 0; k < 2; k++) {
		run_init_model(&r[k], m, k ? CPU_JIT_FORCE : CPU_JIT_OFF, code, n);
		cpu_set_fpu(&r[k].c, fpu);
		cpu_load_seg(&r[k].c, SEG_CS, CODE >> 4);
		cpu_load_seg(&r[k].c, SEG_DS, 0x2000);
		cpu_load_seg(&r[k].c, SEG_SS, 0x3000);
		r[k].c.r[REG_SP].d = sp;
		r[k].c.r[REG_BX].d = bx;
		r[k].c.r[REG_AX].d = 0x1234;
		r[k].c.ip = 0;
		r[k].c.exception_exit_mask = 1u << 13 | 1u << 12; /* #GP, #SS */
		ex[k] = cpu_run(&r[k].c, 100000);
	}
	assert_int_equal(ex[0], ex[1]);
	assert_same_run(&r[0], &r[1], segs);
	if (ex[1] == CPU_EXIT_EXCEPTION)
		assert_int_equal(r[1].c.exit.vector, r[0].c.exit.vector);
	struct cpu_code_stats st;
	cpu_code_stats(&r[1].c, &st);
	assert_true(st.jit_blocks > 0);
	return ex[1];
}

/* The limit checks left out or made short where every segment's ends
 * reach 10000h (BC_SEG64K, jit_compile.c emit_tlb_addend()): on every
 * model in real mode, compiled against interpreted, accesses whose offset
 * climbs past FFFFh: a byte read, ADD and MOV to memory at FFFFh (no
 * check at all: they must not fault), word reads and writes through DS
 * and SS, LODSW and POP reaching FFFFh (the 8086/186 wrap, the 286+
 * fault) and on the 386+ a dword read, a dword read-modify-write and an
 * x87 FLD dword from FFFDh on (#GP). */
static void test_seg64k_checks_match(void **state)
{
	(void)state;
	static const struct {
		enum cpu_model min;
		uint8_t op[4];
	} access[] = {
		{ CPU_8086, { 0x02, 0x07, 0x90, 0x90 } },  /* add al, [bx] */
		{ CPU_8086, { 0x00, 0x27, 0x90, 0x90 } },  /* add [bx], ah */
		{ CPU_8086, { 0xC6, 0x07, 0x5A, 0x90 } },  /* mov byte [bx], 5Ah */
		{ CPU_8086, { 0xAD, 0x90, 0x90, 0x90 } },  /* lodsw (SI from FFF1h) */
		{ CPU_8086, { 0x58, 0x90, 0x90, 0x90 } },  /* pop ax (SP from FFF1h) */
		{ CPU_80386, { 0x66, 0x8B, 0x07, 0x90 } }, /* mov eax, [bx] */
		{ CPU_80386, { 0x66, 0x01, 0x07, 0x90 } }, /* add [bx], eax */
		{ CPU_80386, { 0xD9, 0x07, 0xDD, 0xD8 } }, /* fld dword [bx]; fstp st0 */
		{ CPU_8086, { 0x8B, 0x07, 0x90, 0x90 } },  /* mov ax, [bx] */
		{ CPU_8086, { 0x89, 0x07, 0x90, 0x90 } },  /* mov [bx], ax */
		{ CPU_8086, { 0x36, 0x8B, 0x07, 0x90 } },  /* mov ax, ss:[bx] */
	};
	for (int m = CPU_8086; m < CPU_MODEL_COUNT; m++) {
		for (size_t t = 0; t < sizeof(access) / sizeof(access[0]); t++) {
			if ((enum cpu_model)m < access[t].min)
				continue;
			const uint8_t code[] = {
				0xBB, 0xF0, 0xFF, /*  0: mov bx, FFF0h */
				0xBE, 0xF1, 0xFF, /*  3: mov si, FFF1h */
				0xB9, 0x20, 0x00, /*  6: mov cx, 32 */
				access[t].op[0], access[t].op[1], access[t].op[2], access[t].op[3], /* 9: top */
				0x43,             /* 13: inc bx */
				0xE2, 0xF9,       /* 14: loop top */
				0xF4,             /* 16: hlt */
			};
			struct run r[2];
			const enum cpu_exit ex =
				run_real_pair((enum cpu_model)m, access[t].op[0] == 0xD9 ? CPU_FPU_80387 : CPU_FPU_NONE, code,
					      sizeof(code), access[t].op[0] == 0x58 ? 0xFFF1 : 0x8000, 0, false, r);
			/* bytes never fault; the rest faults on the 286+ */
			assert_int_equal(ex, t < 3 || m <= CPU_80186 ? CPU_EXIT_HLT : CPU_EXIT_EXCEPTION);
			assert_true((r[1].c.in.bc_ctx >> 32) & BC_SEG64K);
			run_free(&r[0]);
			run_free(&r[1]);
		}
	}
}

/* Put a segment descriptor (Intel 80386 PRM 5.1) at p. */
static void put_desc(uint8_t *p, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	const uint8_t d[8] = { (uint8_t)limit, (uint8_t)(limit >> 8), (uint8_t)base, (uint8_t)(base >> 8),
			       (uint8_t)(base >> 16), access, (uint8_t)(flags | ((limit >> 16) & 0xF)),
			       (uint8_t)(base >> 24) };
	memcpy(p, d, 8);
}

/* "Unreal" limits (a protected-mode detour loads DS or SS, then real
 * mode again: the caches keep their limits, Intel 80386 PRM 14.1),
 * compiled against interpreted on the 386 and 486: DS limit FFFh, bytes
 * read past it (#GP: BC_SEG64K clear, the full check); DS limit FFFFFh,
 * words read and written through FFFFh (no fault, no wrap: BC_SEG64K
 * set, the short check sends FFFFh to the slow path); SS limit FFFFh
 * with the B bit (a 32-bit stack in real mode), POPs from ESP FFE0h up
 * to 10000h (#SS: a stack offset of 32 bits gets the full check
 * although the segments' ends allow BC_SEG64K). */
static void test_unreal_limits_match(void **state)
{
	(void)state;
	static const struct {
		uint32_t limit;      /* of DS (sel 8) */
		uint8_t load;        /* MOV sreg, DX ModR/M: DS DAh, SS D2h */
		uint16_t sel;
		uint8_t op[4], step[3];
		uint16_t bx;
		uint32_t sp;
		bool seg64k;
		enum cpu_exit ex;
	} cases[] = {
		{ 0x0FFF, 0xDA, 8, { 0x02, 0x07, 0x90, 0x90 }, { 0x83, 0xC3, 0x03 }, 0x0F80, 0x8000, false, CPU_EXIT_EXCEPTION },
		{ 0xFFFFF, 0xDA, 8, { 0x03, 0x07, 0x01, 0x07 }, { 0x43, 0x90, 0x90 }, 0xFFE0, 0x8000, true, CPU_EXIT_HLT },
		{ 0xFFFF, 0xD2, 0x10, { 0x58, 0x90, 0x90, 0x90 }, { 0x43, 0x90, 0x90 }, 0, 0xFFE0, true, CPU_EXIT_EXCEPTION },
	};
	for (enum cpu_model m = CPU_80386; m <= CPU_80486; m++) {
		for (size_t t = 0; t < sizeof(cases) / sizeof(cases[0]); t++) {
			uint8_t code[0x128] = {
				0x2E, 0x0F, 0x01, 0x16, 0x00, 0x01, /*  0: lgdt cs:[100h] */
				0x0F, 0x20, 0xC0,                   /*  6: mov eax, cr0 */
				0x0C, 0x01,                         /*  9: or al, 1 */
				0x0F, 0x22, 0xC0,                   /* 11: mov cr0, eax */
				0xBA, (uint8_t)cases[t].sel, 0x00,  /* 14: mov dx, sel */
				0x8E, cases[t].load,                /* 17: mov ds/ss, dx */
				0x24, 0xFE,                         /* 19: and al, FEh */
				0x0F, 0x22, 0xC0,                   /* 21: mov cr0, eax (real mode) */
				0xB9, 0x40, 0x00,                   /* 24: mov cx, 64 */
				cases[t].op[0], cases[t].op[1], cases[t].op[2], cases[t].op[3], /* 27: top */
				cases[t].step[0], cases[t].step[1], cases[t].step[2],           /* 31 */
				0xE2, 0xF7,                         /* 34: loop top */
				0xF4,                               /* 36: hlt */
			};
			const uint32_t gdt = CODE + 0x110;
			const uint8_t gdtr[6] = { 0x17, 0, (uint8_t)gdt, (uint8_t)(gdt >> 8), (uint8_t)(gdt >> 16), 0 };
			memcpy(code + 0x100, gdtr, sizeof(gdtr));
			put_desc(code + 0x118, 0x20000, cases[t].limit, 0x93, 0);
			put_desc(code + 0x120, 0x30000, 0xFFFF, 0x93, 0x40);
			struct run r[2];
			assert_int_equal(run_real_pair(m, CPU_FPU_NONE, code, sizeof(code), cases[t].sp, cases[t].bx, true, r),
					 cases[t].ex);
			assert_int_equal(((r[1].c.in.bc_ctx >> 32) & BC_SEG64K) != 0, cases[t].seg64k);
			assert_int_equal(r[1].c.in.cr0 & 1, 0);
			assert_true(r[1].c.r[REG_CX].w[0] < 64); /* (the loop ran) */
			run_free(&r[0]);
			run_free(&r[1]);
		}
	}
}

/* A block compiled while every segment ends at 10000h (BC_SEG64K: no
 * check for a byte read) is not run once DS's cache gets limit FFFh in
 * real mode (as a protected-mode detour, or a debugger, leaves it:
 * seg_set_cache() must update the block context): bytes read at BX = 0,
 * 40h, ... run through FFFh and then fault (#GP), as interpreted. */
static void test_seg64k_context_change(void **state)
{
	(void)state;
	static const uint8_t code[] = {
		0xB9, 0x50, 0x00, /* 0: mov cx, 80 */
		0x02, 0x07,       /* 3: top: add al, [bx] */
		0x83, 0xC3, 0x40, /* 5: add bx, 40h */
		0xE2, 0xF9,       /* 8: loop top */
		0xF4,             /* 10: hlt */
	};
	for (enum cpu_model m = CPU_80286; m <= CPU_80486; m++) {
		struct run r[2];
		enum cpu_exit ex[2];
		for (int k = 0; k < 2; k++) {
			run_init_model(&r[k], m, k ? CPU_JIT_FORCE : CPU_JIT_OFF, code, sizeof(code));
			cpu_load_seg(&r[k].c, SEG_CS, CODE >> 4);
			cpu_load_seg(&r[k].c, SEG_DS, 0x2000);
			cpu_load_seg(&r[k].c, SEG_SS, 0x3000);
			r[k].c.r[REG_SP].d = 0x8000;
			r[k].c.ip = 0;
			r[k].c.exception_exit_mask = 1u << 13 | 1u << 12; /* #GP, #SS */
			assert_int_equal(cpu_run(&r[k].c, 100000), CPU_EXIT_HLT);
			assert_true((r[k].c.in.bc_ctx >> 32) & BC_SEG64K);
			const struct cpu_desc small = { 0x20000, 0x0FFF, 0x93 };
			seg_set_cache(&r[k].c, SEG_DS, 0x2000, &small);
			assert_false((r[k].c.in.bc_ctx >> 32) & BC_SEG64K);
			r[k].c.r[REG_BX].d = 0;
			r[k].c.ip = 0;
			ex[k] = cpu_run(&r[k].c, 100000);
		}
		assert_int_equal(ex[0], CPU_EXIT_EXCEPTION);
		assert_int_equal(ex[1], ex[0]);
		assert_int_equal(r[1].c.exit.vector, 13);
		assert_int_equal(r[1].c.r[REG_BX].w[0], 0x1000);
		assert_same_run(&r[0], &r[1], false);
		struct cpu_code_stats st;
		cpu_code_stats(&r[1].c, &st);
		assert_true(st.jit_blocks > 0);
		run_free(&r[0]);
		run_free(&r[1]);
	}
}

/* Run code (at CS:0) interpreted and with the JIT forced on model m,
 * from the same state; both must end alike. Returns the JIT's exit. */
static enum cpu_exit run_both_match(enum cpu_model m, const uint8_t *code, size_t n, uint32_t budget, struct run r[2])
{
	for (int k = 0; k < 2; k++) {
		run_init_model(&r[k], m, k ? CPU_JIT_FORCE : CPU_JIT_OFF, code, n);
		cpu_load_seg(&r[k].c, SEG_CS, CODE >> 4);
		cpu_load_seg(&r[k].c, SEG_DS, 0x2000);
		cpu_load_seg(&r[k].c, SEG_SS, 0x3000);
		r[k].c.r[REG_SP].d = 0x8000;
		r[k].c.ip = 0;
	}
	enum cpu_exit e0 = cpu_run(&r[0].c, budget), e1 = cpu_run(&r[1].c, budget);
	assert_int_equal(e0, e1);
	assert_same_run(&r[0], &r[1], true);
	struct cpu_code_stats st;
	cpu_code_stats(&r[1].c, &st);
	assert_true(st.jit_blocks > 0);
	return e1;
}

/* 32-bit addressing with a scaled index compiled (jit_compile.c emit_ea():
 * one LEA), against the interpreter on the 386 and 486, in real mode (67h
 * prefixes): base + index * 4 + disp8, base + index * 2 + disp32 (DS) and
 * EBP + index * 2 (SS) read and written, index * 4 + disp32 without a
 * base, and LEA with index * 8; the writes (of a value that changes with
 * the address) land where later passes read, so a wrong scale changes
 * the results. */
static void test_ea32_scaled_match(void **state)
{
	(void)state;
	static const uint8_t code[] = {
		0x66, 0xBB, 0x00, 0x01, 0x00, 0x00,             /* mov ebx, 100h */
		0x66, 0xBD, 0x40, 0x00, 0x00, 0x00,             /* mov ebp, 40h */
		0xB9, 0x28, 0x00,                               /* mov cx, 40 */
		0x66, 0x67, 0x8B, 0x44, 0xB3, 0x08,             /* top: mov eax, [ebx + esi*4 + 8] */
		0x66, 0x67, 0x01, 0xB4, 0x7B, 0x00, 0x01, 0x00, 0x00, /* add [ebx + edi*2 + 100h], esi */
		0x66, 0x67, 0x01, 0x44, 0x7D, 0x00,             /* add [ebp + edi*2 + 0], eax (SS) */
		0x67, 0x8B, 0x14, 0x8D, 0x00, 0x02, 0x00, 0x00, /* mov dx, [ecx*4 + 200h] */
		0x66, 0x67, 0x8D, 0x04, 0xD6,                   /* lea eax, [esi + edx*8] */
		0x46,                                           /* inc si */
		0x47,                                           /* inc di */
		0x49,                                           /* dec cx */
		0x75, 0xD9,                                     /* jnz top */
		0xF4,                                           /* hlt */
	};
	for (enum cpu_model m = CPU_80386; m <= CPU_80486; m++) {
		struct run r[2];
		assert_int_equal(run_both_match(m, code, sizeof(code), 100000, r), CPU_EXIT_HLT);
		assert_int_equal(r[1].c.r[REG_CX].w[0], 0);
		run_free(&r[0]);
		run_free(&r[1]);
	}
}

/* JMP r/m and CALL r/m near compiled inline (jit_compile.c
 * emit_jmp_rm()), against the interpreter on every model: a jump table
 * of four subroutines called through [CS:BX+table], one of which jumps
 * on through a word in memory, CALL AX and JMP AX to the next
 * instruction (the block goes on), and on the 386+ a JMP EAX past the
 * CS limit once compiled (#GP, precisely: the JMP's IP pushed). */
static void test_jmp_call_rm_match(void **state)
{
	(void)state;
	static const uint8_t code[] = {
		0xB9, 40, 0,                   /*  0: mov cx, 40 */
		0x89, 0xCB,                    /*  3: top: mov bx, cx */
		0x83, 0xE3, 0x03,              /*  5: and bx, 3 */
		0xD1, 0xE3,                    /*  8: shl bx, 1 */
		0x2E, 0xFF, 0x97, 40, 0,       /* 10: call [cs:bx+40] */
		0xB8, 20, 0,                   /* 15: mov ax, 20 */
		0xFF, 0xD0,                    /* 18: call ax (the next instruction) */
		0x5A,                          /* 20: pop dx (20) */
		0xB8, 26, 0,                   /* 21: mov ax, 26 */
		0xFF, 0xE0,                    /* 24: jmp ax (the next instruction) */
		0x49,                          /* 26: dec cx */
		0x74, 0x03,                    /* 27: jz 32 */
		0xE9, 0xE3, 0xFF,              /* 29: jmp top */
		0xF4,                          /* 32: hlt */
		0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
		48, 0, 52, 0, 56, 0, 60, 0,    /* 40: the table */
		0x83, 0xC6, 0x01, 0xC3,        /* 48: add si, 1; ret */
		0x83, 0xC6, 0x03, 0xC3,        /* 52: add si, 3; ret */
		0x31, 0xFE, 0x47, 0xC3,        /* 56: xor si, di; inc di; ret */
		0x2E, 0xFF, 0x26, 72, 0,       /* 60: jmp [cs:72] (to 52) */
		0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
		52, 0,                         /* 72 */
	};
	static const uint8_t gp[] = {
		0xB9, 5, 0,                    /*  0: mov cx, 5 */
		0x66, 0x0F, 0xB7, 0xC1,        /*  3: top: movzx eax, cx */
		0x66, 0xF7, 0xD8,              /*  7: neg eax */
		0x66, 0x83, 0xC0, 0x05,        /* 10: add eax, 5 (0, 1, 2, ...) */
		0x66, 0xD1, 0xE8,              /* 14: shr eax, 1 (0, 0, 1, ...) */
		0x66, 0xC1, 0xE0, 0x10,        /* 17: shl eax, 16 */
		0x66, 0x83, 0xC0, 28,          /* 21: add eax, 28 */
		0x66, 0xFF, 0xE0,              /* 25: jmp eax (28 twice, then past the limit) */
		0x49,                          /* 28: dec cx */
		0x75, 0xE4,                    /* 29: jnz top */
		0xF4,                          /* 31: hlt */
	};
	for (int m = CPU_8086; m < CPU_MODEL_COUNT; m++) {
		struct run r[2];
		assert_int_equal(run_both_match((enum cpu_model)m, code, sizeof(code), 20000, r), CPU_EXIT_HLT);
		assert_int_equal(r[1].c.ip, 33);
		assert_int_equal(r[1].c.r[REG_CX].w[0], 0);
		assert_int_equal(r[1].c.r[REG_DX].w[0], 20);
		assert_int_equal(r[1].c.r[REG_DI].w[0], 10); /* (f2 ran 10 times) */
		assert_int_equal(r[1].c.r[REG_SP].w[0], 0x8000);
		run_free(&r[0]);
		run_free(&r[1]);
		if (m < CPU_80386)
			continue;
		run_both_match((enum cpu_model)m, gp, sizeof(gp), 20000, r);
		/* (the third pass, the block at top compiled, faulted: the
		 * IP of the JMP pushed) */
		assert_int_equal(r[1].c.r[REG_CX].w[0], 3);
		assert_int_equal(r[1].c.r[REG_SP].w[0], 0x7FFA);
		assert_int_equal(r[1].ram[0x37FFA], 25);
		run_free(&r[0]);
		run_free(&r[1]);
	}
}

/* Links remembered by compiled blocks (the link stub's fast path,
 * block_cache.h struct bc_fast) are never taken once their target is
 * gone. A loop in one page (CS:0) jumps to a block B in the next page
 * (CS:1000h, `add ax, imm`) and back: after a few passes the block
 * before B enters it through a remembered link. Then B's bytes change,
 * and the next pass must run the new code:
 * - the host writes B's immediate (one byte: the blocks holding it are
 *   dropped, bc_code_write()), between two runs;
 * - the host writes all of B's page (a program load: page_drop_all());
 * - the guest writes B's immediate from the loop (BX != 0), mid-run;
 * - the A20 gate moves, so that B's linear address reaches other bytes
 *   (the block context changes; nothing is dropped before the block
 *   that starts the loop, which remembers B, leaves for it).
 * The new B has the old one's key, and after a write it is recorded in
 * the old one's memory (same size: the free list), so only the link
 * epoch (or the context) tells the remembered link is stale. Each run is
 * compared with the interpreter, whole, in slices of 7 instructions (the
 * fast path needs a budget above BC_MAX_INSNS: never taken) and of 45
 * (taken in some slices, not in others), and in the smallest cache
 * (emptied when full). */
static const uint8_t link_loop[] = {
	0xB9, 40, 0,                  /* 0: mov cx, 40 */
	0x42,                         /* 3: top: inc dx */
	0xE9, 0xF9, 0x0F,             /* 4: jmp 1000h (7 + 0FF9h) */
};
static const uint8_t link_back[] = {
	0x85, 0xDB,                   /* 20h: back: test bx, bx */
	0x74, 0x0C,                   /* 22h: jz 30h */
	0x83, 0xF9, 20,               /* 24h: cmp cx, 20 */
	0x75, 0x07,                   /* 27h: jne 30h */
	0x2E, 0xC6, 0x06, 0x01, 0x10, /* 29h: mov byte [cs:1001h], imm8 */
	5,                            /* 2Eh: (5) */
	0x90,                         /* 2Fh: nop */
	0x49,                         /* 30h: dec cx */
	0x75, 0xD0,                   /* 31h: jnz top (33h - 30h) */
	0xF4,                         /* 33h: hlt */
};
/* B at 1000h: add ax, imm16; jmp 20h */
static void put_link_b(uint8_t *at, uint8_t imm)
{
	const uint8_t b[] = { 0x05, imm, 0, 0xE9, 0x1A, 0xF0 /* 6 + F01Ah = 20h */ };
	memcpy(at, b, sizeof(b));
}

struct link_run {
	struct run r;
	bool jit;
	size_t cache;  /* a cache limit, or 0 */
	unsigned slice; /* instructions per cpu_run(), or 0: one run */
};

static void link_init(struct link_run *l, bool jit, size_t cache, unsigned slice)
{
	uint8_t code[0x1010];
	memset(code, 0x90, sizeof(code));
	memcpy(code, link_loop, sizeof(link_loop));
	memcpy(code + 0x20, link_back, sizeof(link_back));
	put_link_b(code + 0x1000, 1);
	run_init(&l->r, jit ? CPU_JIT_FORCE : CPU_JIT_OFF, NULL, code, sizeof(code));
	cpu_set_a20(&l->r.c, true);
	if (cache)
		cpu_set_block_cache_limit(&l->r.c, cache);
	l->jit = jit;
	l->cache = cache;
	l->slice = slice;
}

/* Run the loop from CS:0 (CS = cs) with AX = 0, BX = bx, interpreted
 * (l[0]) and compiled (l[1]) side by side, slice by slice: the same exit,
 * IP, registers and count of instructions after every slice. */
static void link_pass(struct link_run l[2], uint16_t cs, uint16_t bx)
{
	for (int j = 0; j < 2; j++) {
		struct cpu *c = &l[j].r.c;
		cpu_load_seg(c, SEG_CS, cs);
		c->ip = 0;
		c->r[REG_AX].d = 0;
		c->r[REG_BX].d = bx;
	}
	enum cpu_exit e[2];
	do {
		for (int j = 0; j < 2; j++)
			e[j] = cpu_run(&l[j].r.c, l[j].slice ? l[j].slice : 1000000);
		assert_int_equal(e[0], e[1]);
		assert_int_equal(l[0].r.c.retired, l[1].r.c.retired);
		assert_int_equal(l[0].r.c.ip, l[1].r.c.ip);
		assert_memory_equal(l[0].r.c.r, l[1].r.c.r, sizeof(l[0].r.c.r));
	} while (e[0] == CPU_EXIT_BUDGET && l[0].slice);
	assert_int_equal(e[1], CPU_EXIT_HLT);
}

static void test_link_fast_invalidation(void **state)
{
	(void)state;
	/* (slices of 7 never leave the fast path room, > BC_MAX_INSNS; those
	 * of BC_MAX_INSNS + 13 do, for a while) */
	const struct { size_t cache; unsigned slice; } cfg[] = {
		{ 0, 0 }, { 0, 7 }, { 0, BC_MAX_INSNS + 13 }, { 2048, 0 },
	};
	for (unsigned k = 0; k < sizeof(cfg) / sizeof(cfg[0]); k++) {
		struct link_run l[2];
		for (int j = 0; j < 2; j++)
			link_init(&l[j], j == 1, cfg[k].cache, cfg[k].slice);
		const uint16_t cs = CODE >> 4;
		/* the loop's AX after each step */
		static const uint16_t want[] = { 40, 80, 120, 21 * 3 + 19 * 5, 200, 200, 200, 280, 200 };
		for (unsigned step = 0; step < sizeof(want) / sizeof(want[0]); step++) {
			for (int j = 0; j < 2; j++) {
				struct run *r = &l[j].r;
				switch (step) {
				case 1: /* one byte of B, by the host */
					r->ram[CODE + 0x1001] = 2;
					cpu_mem_written(&r->c, CODE + 0x1001, 1);
					break;
				case 2: /* B's page, by the host (a load) */
					memset(r->ram + CODE + 0x1000, 0x90, CPU_PAGE_SIZE);
					put_link_b(r->ram + CODE + 0x1000, 3);
					cpu_mem_written(&r->c, CODE + 0x1000, CPU_PAGE_SIZE);
					break;
				case 3: /* B's immediate, by the guest at CX = 20 (to 5): BX = 1 */
					break;
				case 4: {
					/* The same code at FFFFh:0 (linear 0FFFF0h): the loop
					 * below 1 MiB, `back` and B above it, and with A20
					 * off at 10h and 0FF0h, where B adds 7. */
					static const uint32_t at[][3] = {
						{ 0x0FFFF0, 0, 0x10 }, { 0x100010, 0x20, 0x20 }, { 0x000010, 0x20, 0x20 },
						{ 0x100FF0, 0x1000, 0x10 }, { 0x000FF0, 0x1000, 0x10 },
					};
					for (unsigned n = 0; n < 5; n++) {
						memcpy(r->ram + at[n][0], r->ram + CODE + at[n][1], at[n][2]);
						cpu_mem_written(&r->c, at[n][0], at[n][2]);
					}
					r->ram[0x000FF1] = 7;
					cpu_mem_written(&r->c, 0x000FF1, 1);
					break;
				}
				case 7: /* A20 off: B's linear address reaches 0FF0h */
					cpu_set_a20(&r->c, false);
					break;
				case 8: /* and on again: the first B */
					cpu_set_a20(&r->c, true);
					break;
				}
			}
			link_pass(l, step >= 4 ? 0xFFFF : cs, step == 3);
			assert_int_equal(l[1].r.c.r[REG_AX].w[0], want[step]);
			struct cpu_code_stats st;
			cpu_code_stats(&l[1].r.c, &st);
			assert_true(st.jit_blocks > 0);
			if (step == 0 && cfg[k].slice != 7)
				assert_true(st.fast_links > 0); /* (what the rest tests) */
			if (step == 8 && cfg[k].cache)
				assert_true(st.flushes > 0);
		}
		run_free(&l[0].r);
		run_free(&l[1].r);
	}
}

/* The link stub's fast path (jit_compile.c emit_link_stub(): fast[],
 * checked against c->in.link_check) keeps bc_link()'s budget and events
 * rules. A loop of blocks linked only through remembered links, with STI
 * before it; in pass 50 its write to a device page (unmapped: the bus)
 * raises IRQ 0, which must be taken at the next block boundary, a link
 * the fast path would otherwise take (the handler saves DX and AX). Run
 * interpreted and compiled side by side, whole and in slices of
 * BC_MAX_INSNS + 13 and 4 x BC_MAX_INSNS + 3 instructions (the fast path
 * needs a budget above BC_MAX_INSNS + the exit's charge: the links near
 * a slice's end must not take it, the others do), with the same exit,
 * IP, registers and count of instructions after every slice, and one
 * acknowledged interrupt. */
enum { IRQ_PAGE = 0x50000 };

struct irq_run {
	struct run r;
	bool raised;
	int acks;
};

static void irq_write8(void *ctx, uint32_t phys, uint8_t v)
{
	struct irq_run *q = ctx;
	if (phys == IRQ_PAGE && v == 50 && !q->raised) {
		q->raised = true;
		cpu_set_irq(&q->r.c, true);
	}
}

static uint8_t irq_read8(void *ctx, uint32_t phys)
{
	(void)ctx;
	(void)phys;
	return 0xFF;
}

static int irq_ack(void *ctx)
{
	struct irq_run *q = ctx;
	q->acks++;
	cpu_set_irq(&q->r.c, false);
	return 8;
}

static void irq_init(struct irq_run *q, enum cpu_jit jit)
{
	static const uint8_t code[] = {
		0xBB, 0x00, 0x50,       /* 0: mov bx, 5000h */
		0x8E, 0xC3,             /* 3: mov es, bx */
		0x31, 0xC0,             /* 5: xor ax, ax */
		0x31, 0xD2,             /* 7: xor dx, dx */
		0xB9, 200, 0,           /* 9: mov cx, 200 */
		0xFB,                   /* Ch: sti */
		0x40,                   /* Dh: top: inc ax */
		0x26, 0xA2, 0x00, 0x00, /* Eh: mov [es:0], al (the device) */
		0x42,                   /* 12h: inc dx */
		0xEB, 0x00,             /* 13h: jmp 15h (ends the block) */
		0x90,                   /* 15h: nop */
		0x49,                   /* 16h: dec cx */
		0x75, 0xF4,             /* 17h: jnz top */
		0xF4,                   /* 19h: hlt */
	};
	static const uint8_t handler[] = {
		0x89, 0xD6, /* mov si, dx */
		0x89, 0xC7, /* mov di, ax */
		0xCF,       /* iret */
	};
	q->raised = false;
	q->acks = 0;
	struct run *r = &q->r;
	r->ram = aligned_alloc(CPU_PAGE_SIZE, RAM);
	assert_non_null(r->ram);
	memset(r->ram, 0xF4, RAM);
	memcpy(r->ram + CODE, code, sizeof(code));
	memcpy(r->ram + CODE + 0x100, handler, sizeof(handler));
	const uint8_t vec8[] = { 0x00, 0x01, CODE >> 4 & 0xFF, CODE >> 12 }; /* 1000h:0100h */
	memcpy(r->ram + 8 * 4, vec8, sizeof(vec8));
	const struct cpu_bus bus = { .ctx = q, .mem_read8 = irq_read8, .mem_write8 = irq_write8, .intr_ack = irq_ack };
	cpu_init(&r->c, CPU_80386, &bus);
	cpu_set_jit(&r->c, jit);
	assert_int_equal(cpu_map_ram(&r->c, 0, IRQ_PAGE, r->ram, true), 0);
	assert_int_equal(cpu_map_ram(&r->c, IRQ_PAGE + CPU_PAGE_SIZE, RAM - IRQ_PAGE - CPU_PAGE_SIZE,
				     r->ram + IRQ_PAGE + CPU_PAGE_SIZE, true), 0);
	cpu_load_seg(&r->c, SEG_CS, CODE >> 4);
	cpu_load_seg(&r->c, SEG_SS, 0x3000);
	r->c.r[REG_SP].d = 0xFFF0;
	r->c.ip = 0;
}

/* A JMP inside its block (block_cache.c jmp_inside(): forward, in the
 * block's page and range) is compiled as nothing: the code goes on to its
 * target's, so the loop below runs in place (a jump back to its own
 * start), not through the link stub at each JMP; the results are the
 * interpreter's. */
static void test_jmp_inside_compiled(void **state)
{
	(void)state;
	static const uint8_t code[] = {
		0xB9, 0xE8, 0x03,       /* 0: mov cx, 1000 */
		0xEB, 0x02,             /* 3: top: jmp short 7 */
		0xCC, 0xCC,             /* 5: (never run) */
		0x40,                   /* 7: inc ax */
		0xE9, 0x03, 0x00,       /* 8: jmp near E */
		0xCC, 0xCC, 0xCC,       /* B: (never run) */
		0x01, 0xC3,             /* E: add bx, ax */
		0xE2, 0xF1,             /* 10: loop top */
		0xF4,                   /* 12: hlt */
	};
	struct run on, off;
	run_init(&on, CPU_JIT_FORCE, NULL, code, sizeof(code));
	run_init(&off, CPU_JIT_OFF, NULL, code, sizeof(code));
	assert_int_equal(cpu_run(&on.c, 100000), CPU_EXIT_HLT);
	assert_int_equal(cpu_run(&off.c, 100000), CPU_EXIT_HLT);
	assert_same_run(&on, &off, false);
	assert_int_equal(on.c.r[REG_AX].w[0], 1000);
	assert_int_equal(on.c.r[REG_BX].w[0], (uint16_t)(1000 * 1001 / 2));
	struct cpu_code_stats s;
	cpu_code_stats(&on.c, &s);
	run_free(&on);
	run_free(&off);
	if (s.jit_blocks == 0) {
		skip(); /* no JIT on this host */
		return;
	}
	assert_true(s.fast_links < 50);
}

/* Jcc inside their blocks (block_cache.c jcc_inside(): taken when the
 * block was recorded, forward in its page and range): compiled, a taken
 * one goes on to its target's code and one not taken leaves for the
 * instruction after it, on the host's flags (fused after TEST or CMP) or
 * on jit_cond()'s answer (after a MOV); the directions alternate from
 * pass to pass (the block from 3 is recorded in the second pass, CX 999:
 * both JNZ taken, JZ not); the results are the interpreter's. */
static void test_jcc_inside_compiled(void **state)
{
	(void)state;
	static const uint8_t code[] = {
		0xB9, 0xE8, 0x03, /* 0: mov cx, 1000 */
		0x89, 0xC8,       /* 3: top: mov ax, cx */
		0xA8, 0x02,       /* 5: test al, 2 */
		0x75, 0x01,       /* 7: jnz A (fused) */
		0x45,             /* 9: inc bp */
		0xA8, 0x04,       /* A: test al, 4 */
		0x89, 0xC2,       /* C: mov dx, ax */
		0x75, 0x01,       /* E: jnz 11 (after a MOV: jit_cond()) */
		0x46,             /* 10: inc si */
		0xA8, 0x01,       /* 11: test al, 1 */
		0x74, 0x03,       /* 13: jz 18 */
		0x43,             /* 15: inc bx */
		0xEB, 0x01,       /* 16: jmp short 19 */
		0x47,             /* 18: inc di */
		0x39, 0xC0,       /* 19: cmp ax, ax */
		0x74, 0x01,       /* 1B: je 1E (fused, always taken) */
		0xCC,             /* 1D: (never run) */
		0xE2, 0xE3,       /* 1E: loop top */
		0xF4,             /* 20: hlt */
	};
	struct run on, off;
	run_init(&on, CPU_JIT_FORCE, NULL, code, sizeof(code));
	run_init(&off, CPU_JIT_OFF, NULL, code, sizeof(code));
	for (int k = 0; k < 2; k++) {
		on.c.r[REG_BX].d = on.c.r[REG_SI].d = on.c.r[REG_DI].d = on.c.r[REG_BP].d = 0;
		off.c.r[REG_BX].d = off.c.r[REG_SI].d = off.c.r[REG_DI].d = off.c.r[REG_BP].d = 0;
		on.c.ip = off.c.ip = 0;
		assert_int_equal(cpu_run(&on.c, 100000), CPU_EXIT_HLT);
		assert_int_equal(cpu_run(&off.c, 100000), CPU_EXIT_HLT);
		assert_same_run(&on, &off, false);
		assert_int_equal(on.c.r[REG_BP].w[0], 500);
		assert_int_equal(on.c.r[REG_SI].w[0], 500);
		assert_int_equal(on.c.r[REG_BX].w[0], 500);
		assert_int_equal(on.c.r[REG_DI].w[0], 500);
	}
	run_free(&on);
	run_free(&off);
}

static void test_link_irq_budget(void **state)
{
	(void)state;
	const unsigned slices[] = { 0, BC_MAX_INSNS + 13, 4 * BC_MAX_INSNS + 3 };
	for (unsigned n = 0; n < sizeof(slices) / sizeof(slices[0]); n++) {
		struct irq_run q[2];
		irq_init(&q[0], CPU_JIT_OFF);
		irq_init(&q[1], CPU_JIT_FORCE);
		enum cpu_exit e[2];
		do {
			for (int j = 0; j < 2; j++)
				e[j] = cpu_run(&q[j].r.c, slices[n] ? slices[n] : 1000000);
			assert_int_equal(e[0], e[1]);
			assert_int_equal(q[0].r.c.retired, q[1].r.c.retired);
			assert_int_equal(q[0].r.c.ip, q[1].r.c.ip);
			assert_memory_equal(q[0].r.c.r, q[1].r.c.r, sizeof(q[0].r.c.r));
		} while (e[0] == CPU_EXIT_BUDGET);
		assert_int_equal(e[1], CPU_EXIT_HLT);
		for (int j = 0; j < 2; j++) {
			assert_int_equal(q[j].acks, 1);
			assert_int_equal(q[j].r.c.r[REG_DI].w[0], 50); /* (AX when taken) */
			assert_int_equal(q[j].r.c.r[REG_DX].w[0], 200);
		}
		struct cpu_code_stats st;
		cpu_code_stats(&q[1].r.c, &st);
		assert_true(st.jit_blocks > 0);
		assert_true(st.fast_links > (slices[n] ? 10u : 300u)); /* (the fast path was taken) */
		run_free(&q[0].r);
		run_free(&q[1].r);
	}
}

/* c->in.link_check (block_cache.h bc_link_check_update()) stays bc_ctx
 * | the link epoch of the CPU's cache through what changes either: blocks
 * freed by a host write, the A20 gate, the cache limit (emptied), the
 * cache dropped and made anew (its epoch starts again at 0, below the
 * old one's), an area flush; after each, the link loop still gives the
 * interpreter's results. (Debug builds check the same in bc_run().) */
static void assert_link_check_exact(struct cpu *c)
{
	assert_non_null(c->in.bcache);
	assert_int_equal(c->in.link_check, c->in.bc_ctx | c->in.bcache->link_epoch);
}

static void test_link_check_exact(void **state)
{
	(void)state;
	struct link_run l[2];
	for (int j = 0; j < 2; j++)
		link_init(&l[j], j == 1, 0, 0);
	const uint16_t cs = CODE >> 4;
	for (unsigned step = 0; step < 5; step++) {
		for (int j = 0; j < 2; j++) {
			struct cpu *c = &l[j].r.c;
			switch (step) {
			case 1: /* B rewritten by the host: blocks freed */
				l[j].r.ram[CODE + 0x1001] = 2;
				cpu_mem_written(c, CODE + 0x1001, 1);
				break;
			case 2: /* the cache made anew */
				cpu_set_block_cache(c, false);
				cpu_set_block_cache(c, true);
				break;
			case 3:
				cpu_set_a20(c, false);
				break;
			case 4:
				cpu_set_block_cache_limit(c, 2048);
				break;
			}
		}
		link_pass(l, cs, 0);
		assert_link_check_exact(&l[1].r.c);
		assert_int_equal(l[1].r.c.r[REG_AX].w[0], step == 0 ? 40 : 80);
		if (step == 1)
			assert_true(l[1].r.c.in.bcache->link_epoch > 0); /* (what step 2 needs) */
	}
	run_free(&l[0].r);
	run_free(&l[1].r);
}

/* The link stub's link table (block_cache.h ltab: compiled blocks that
 * bc_link() found in the hash table, tried after fast[] and succ[]),
 * against the interpreter slice by slice. A loop whose exits have more
 * than two targets: CALL [jt] to four subroutines, and `sub` returning
 * to four sites (three CALLs and a return address pushed by hand);
 * then a setjmp/longjmp (SP reset from two calls deep, no RET). The
 * table is keyed by the target's address, so none of that may matter;
 * what it must survive is a target dropped in between:
 * - slice 3: the link epoch set to its last value, then the host
 *   rewrites site2's immediate (the block dropped and recorded again in
 *   its memory: same key, the old code still mapped): the epoch wraps
 *   to 0, the value it had when the table's entries were made, so only
 *   their clearing (bc_links_wrap()) keeps the old site2 out;
 * - pass 60: the guest rewrites site3's immediate itself;
 * - slice 6: the host rewrites site2 again (the epoch moves on). */
static void test_link_table_match(void **state)
{
	(void)state;
	/* nasm of:
	 * start: mov cx, 120
	 * top:   mov bx, cx / and bx, 3 / shl bx, 1 / call [cs:bx + jt]
	 *        call sub / site1: add di, 1 / call sub / site2: add di, 2
	 *        call sub / site3: add di, 3 / push word hand / jmp sub
	 * hand:  add di, 5 / mov bp, sp / call deep / hlt
	 * resume: cmp cx, 60 / jne .n / mov byte [cs:site3 + 2], 9
	 * .n:    dec cx / jnz top / hlt
	 * sub:   add si, di / rol si, 1 / ret
	 * deep:  call deeper / hlt
	 * deeper: mov sp, bp / jmp resume
	 * t0..t3: add dx, 1 / add dx, 3 / xor dx, si / sub dx, di, each ret
	 * jt:    dw t0, t1, t2, t3 (at 5Ah) */
	static const uint8_t code[] = {
		0xb9, 0x78, 0x00, 0x89, 0xcb, 0x83, 0xe3, 0x03, 0xd1, 0xe3, 0x2e, 0xff,
		0x97, 0x5a, 0x00, 0xe8, 0x2c, 0x00, 0x83, 0xc7, 0x01, 0xe8, 0x26, 0x00,
		0x83, 0xc7, 0x02, 0xe8, 0x20, 0x00, 0x83, 0xc7, 0x03, 0x68, 0x26, 0x00,
		0xeb, 0x18, 0x83, 0xc7, 0x05, 0x89, 0xe5, 0xe8, 0x15, 0x00, 0xf4, 0x83,
		0xf9, 0x3c, 0x75, 0x06, 0x2e, 0xc6, 0x06, 0x20, 0x00, 0x09, 0x49, 0x75,
		0xc6, 0xf4, 0x01, 0xfe, 0xd1, 0xc6, 0xc3, 0xe8, 0x01, 0x00, 0xf4, 0x89,
		0xec, 0xeb, 0xe4, 0x83, 0xc2, 0x01, 0xc3, 0x83, 0xc2, 0x03, 0xc3, 0x31,
		0xf2, 0xc3, 0x29, 0xfa, 0xc3, 0x90, 0x4b, 0x00, 0x4f, 0x00, 0x53, 0x00,
		0x56, 0x00,
	};
	enum { SITE2_IMM = 0x1A, SLICE = 400 };
	struct run r[2];
	for (int k = 0; k < 2; k++)
		run_init(&r[k], k ? CPU_JIT_FORCE : CPU_JIT_OFF, NULL, code, sizeof(code));
	uint64_t before_wrap = 0;
	enum cpu_exit e[2];
	unsigned slice = 0;
	do {
		for (int k = 0; k < 2; k++) {
			struct cpu *c = &r[k].c;
			if (slice == 3) {
				assert_non_null(c->in.bcache);
				assert_int_equal(c->in.bcache->link_epoch, 0); /* (what the wrap needs) */
				if (k == 1)
					before_wrap = c->in.ltab_links;
				c->in.bcache->link_epoch = UINT32_MAX;
				bc_link_check_update(c);
			}
			if (slice == 3 || slice == 6) {
				r[k].ram[CODE + SITE2_IMM] = (uint8_t)(slice + 1);
				cpu_mem_written(c, CODE + SITE2_IMM, 1);
			}
			e[k] = cpu_run(c, SLICE);
		}
		assert_int_equal(e[0], e[1]);
		assert_same_run(&r[0], &r[1], true);
		slice++;
	} while (e[1] == CPU_EXIT_BUDGET);
	assert_int_equal(e[1], CPU_EXIT_HLT);
	assert_int_equal(r[1].c.r[REG_CX].w[0], 0);
	assert_int_equal(r[1].c.r[REG_SP].w[0], 0xFFF0);
	assert_true(slice > 8);
	/* the table was used, also after the wrap */
	assert_true(before_wrap > 0);
	assert_true(r[1].c.in.ltab_links > before_wrap);
	run_free(&r[0]);
	run_free(&r[1]);
}

static void test_random_short_loops_match(void **state)
{
	(void)state;
	random_loops_match(5, 60);
}

/* SAHF compiled inline (jit_compile.c emit_sahf(), HL_OF): after each
 * kind of flag producer (explicit, ADD, ADC, SUB, SBB, INC, DEC, at 8,
 * 16 and 32 bits, with and without overflow), SAHF with a Jcc that is
 * fused with it (JA: the host's SAHF) and one that reads OF (JO, through
 * the lazy flags), FLAGS pushed and summed in memory each pass; the
 * loop's last SAHF is followed by LOOP (no flags), so the lazy flags at
 * the end are the compiled SAHF's: lf_res, lf_aux and lf_b must be the
 * interpreter's exactly, not only the flags they give. */
static void test_sahf_lazy_match(void **state)
{
	(void)state;
	static const struct {
		uint8_t n, b[10];
	} prod[] = {
		{ 0, { 0 } },                          /* (the ADD m of the pass before) */
		{ 2, { 0x01, 0xD8 } },                 /* add ax, bx */
		{ 2, { 0x29, 0xD8 } },                 /* sub ax, bx */
		{ 2, { 0x39, 0xD8 } },                 /* cmp ax, bx */
		{ 2, { 0x11, 0xD8 } },                 /* adc ax, bx */
		{ 2, { 0x19, 0xD8 } },                 /* sbb ax, bx */
		{ 1, { 0x40 } },                       /* inc ax */
		{ 1, { 0x48 } },                       /* dec ax */
		{ 2, { 0x00, 0xD8 } },                 /* add al, bl */
		{ 2, { 0x28, 0xD8 } },                 /* sub al, bl */
		{ 2, { 0x38, 0xC3 } },                 /* cmp bl, al */
		{ 3, { 0x66, 0x01, 0xD8 } },           /* add eax, ebx */
		{ 3, { 0x66, 0x29, 0xD8 } },           /* sub eax, ebx */
		{ 3, { 0x66, 0x19, 0xD8 } },           /* sbb eax, ebx */
		{ 2, { 0xFE, 0xC3 } },                 /* inc bl */
		{ 2, { 0xFE, 0xCB } },                 /* dec bl */
		{ 4, { 0xB0, 0x7F, 0xFE, 0xC0 } },     /* mov al, 7Fh; inc al (OF) */
		{ 4, { 0xB0, 0x80, 0xFE, 0xC8 } },     /* mov al, 80h; dec al (OF) */
		{ 8, { 0x66, 0xB8, 0xFF, 0xFF, 0xFF, 0x7F, 0x66, 0x40 } }, /* mov eax, 7FFFFFFFh; inc eax */
		{ 6, { 0xBB, 0x00, 0x80, 0x29, 0xD8, 0x90 } }, /* mov bx, 8000h; sub ax, bx (OF if ax >= 0) */
		{ 8, { 0xB8, 0xFF, 0x7F, 0x31, 0xDB, 0xF9, 0x11, 0xD8 } }, /* mov ax, 7FFFh; xor bx, bx; stc; adc ax, bx (OF from the carry) */
		{ 2, { 0x31, 0xD8 } },                 /* xor ax, bx */
		{ 2, { 0xD1, 0xE0 } },                 /* shl ax, 1 */
		{ 2, { 0xF7, 0xD8 } },                 /* neg ax */
		{ 2, { 0x9C, 0x9D } },                 /* pushf; popf */
		{ 1, { 0x9E } },                       /* sahf */
	};
	for (size_t p = 0; p < sizeof(prod) / sizeof(prod[0]); p++) {
		uint8_t code[128];
		size_t n = 0;
#define B(...) do { const uint8_t b_[] = { __VA_ARGS__ }; memcpy(code + n, b_, sizeof(b_)); n += sizeof(b_); } while (0)
		B(0xB9, 0xC8, 0x00);                               /* mov cx, 200 */
		B(0x66, 0xBE, 0x35, 0x12, 0x00, 0x00);             /* mov esi, 1235h */
		const size_t top = n;
		B(0x66, 0x69, 0xF6, 0xB1, 0x79, 0x37, 0x9E);       /* imul esi, esi, 9E3779B1h */
		B(0x66, 0x89, 0xF0, 0x66, 0x89, 0xF3);             /* mov eax, esi; mov ebx, esi */
		B(0x66, 0xC1, 0xCB, 0x0D);                         /* ror ebx, 13 */
		memcpy(code + n, prod[p].b, prod[p].n);
		n += prod[p].n;
		B(0x88, 0xFC, 0x9E);                               /* mov ah, bh; sahf */
		B(0x77, 0x01, 0x42);                               /* ja +1; inc dx */
		B(0x9E, 0x70, 0x01, 0x45);                         /* sahf; jo +1; inc bp */
		B(0x9C, 0x58, 0x01, 0x06, 0x00, 0x01);             /* pushf; pop ax; add [100h], ax */
		B(0x66, 0x89, 0xF0, 0x66, 0x89, 0xF3);             /* mov eax, esi; mov ebx, esi */
		B(0x66, 0xC1, 0xC3, 0x05);                         /* rol ebx, 5 */
		memcpy(code + n, prod[p].b, prod[p].n);
		n += prod[p].n;
		B(0x88, 0xDC, 0x9E);                               /* mov ah, bl; sahf */
		B(0xE2, (uint8_t)(top - (n + 2)));                 /* loop top */
		B(0xF4);
#undef B
		struct run on, off;
		run_init(&on, CPU_JIT_FORCE, NULL, code, n);
		run_init(&off, CPU_JIT_OFF, NULL, code, n);
		enum cpu_exit eon = cpu_run(&on.c, 1000000), eoff = cpu_run(&off.c, 1000000);
		assert_int_equal(eon, CPU_EXIT_HLT);
		assert_int_equal(eon, eoff);
		assert_memory_equal(on.c.r, off.c.r, sizeof(on.c.r));
		assert_int_equal(on.c.ip, off.c.ip);
		assert_int_equal(cpu_get_flags(&on.c), cpu_get_flags(&off.c));
		assert_int_equal(on.c.in.lf_res, off.c.in.lf_res);
		assert_int_equal(on.c.in.lf_aux, off.c.in.lf_aux);
		assert_int_equal(on.c.in.lf_b, off.c.in.lf_b);
		assert_int_equal(on.c.retired, off.c.retired);
		assert_memory_equal(on.ram + 0x20000, off.ram + 0x20000, 0x200);
		struct cpu_code_stats s;
		cpu_code_stats(&on.c, &s);
		assert_true(s.jit_blocks > 0);
		run_free(&on);
		run_free(&off);
	}
}

/* A loop of four DIV/IDIV r/m8 or r/m16 (jit_compile.c emit_div()) with
 * dividends and divisors that change with CX each pass: AX = imm + CX, DX
 * small or any, the divisor BX = imm - CX (0 on the pass where CX reaches
 * imm), from BL, BH, BX, SI, AL, AH, AX or a byte or word of memory
 * (the divisor stored there first, or what is there), now and then with
 * a REP prefix (the 8086 negates IDIV's quotient); each result summed
 * into DI and BP. Returns the code's length. */
static size_t make_div_loop(uint8_t *p, uint32_t seed)
{
	uint32_t s = seed;
#define R() rnd(&s)
	size_t k = 0;
	p[k++] = 0xB9, p[k++] = 40, p[k++] = 0; /* mov cx, 40 */
	const size_t top = k;
	for (int n = 0; n < 4; n++) {
		/* mostly dividends whose quotients fit; a divisor of 0 on one
		 * pass when bx is 1 to 8, and now and then any dividend */
		uint16_t ax = (uint16_t)(R() % 0x400), dx = R() % 2 ? 0 : 0xFFFF;
		if (R() % 4 == 0)
			ax = (uint16_t)-ax;
		if (R() % 8 == 0)
			ax = (uint16_t)R(), dx = (uint16_t)R();
		const uint16_t bx = (uint16_t)(R() % 2 ? R() % 12 : R());
		p[k++] = 0xB8, p[k++] = (uint8_t)ax, p[k++] = (uint8_t)(ax >> 8); /* mov ax, imm */
		p[k++] = 0x01, p[k++] = 0xC8;                                     /* add ax, cx */
		p[k++] = 0xBA, p[k++] = (uint8_t)dx, p[k++] = (uint8_t)(dx >> 8); /* mov dx, imm */
		p[k++] = 0xBB, p[k++] = (uint8_t)bx, p[k++] = (uint8_t)(bx >> 8); /* mov bx, imm */
		p[k++] = 0x29, p[k++] = 0xCB;                                     /* sub bx, cx */
		const unsigned form = R() % 10, op = 6 + R() % 2;
		static const uint8_t rm[] = { 3, 7, 3, 6, 0, 4, 0 }; /* BL BH BX SI AL AH AX */
		static const bool word[] = { false, false, true, true, false, false, true };
		if (form == 3)
			p[k++] = 0x89, p[k++] = 0xDE; /* mov si, bx */
		if (form >= 7 && form < 9)
			p[k++] = 0x89, p[k++] = 0x1E, p[k++] = 0x00, p[k++] = 0x01; /* mov [100h], bx */
		if (R() % 8 == 0)
			p[k++] = 0xF3; /* rep */
		if (form < 7) {
			p[k++] = word[form] ? 0xF7 : 0xF6;
			p[k++] = (uint8_t)(0xC0 | op << 3 | rm[form]);
		} else {
			p[k++] = form == 8 ? 0xF6 : 0xF7;
			if (form == 9) /* [bx + 40h]: what is there */
				p[k++] = (uint8_t)(0x40 | op << 3 | 7), p[k++] = 0x40;
			else
				p[k++] = (uint8_t)(op << 3 | 6), p[k++] = 0x00, p[k++] = 0x01;
		}
		p[k++] = 0x01, p[k++] = 0xC7; /* add di, ax */
		p[k++] = 0x31, p[k++] = 0xD5; /* xor bp, dx */
	}
#undef R
	return loop_tail(p, k, top);
}

/* Run code on model m from real mode (CS CODE >> 4, DS 2000h over a
 * pattern, SS 3000h, SP 8000h), exiting on #DE: interpreted in r[0], with
 * the JIT forced in r[1]. Both must end alike (a #DE at the same
 * instruction with the same state). Returns the exit. */
static enum cpu_exit run_div_pair(enum cpu_model m, const uint8_t *code, size_t n, struct run r[2])
{
	enum cpu_exit ex[2];
	for (int k = 0; k < 2; k++) {
		run_init_model(&r[k], m, k ? CPU_JIT_FORCE : CPU_JIT_OFF, code, n);
		for (uint32_t a = 0x20000; a < 0x30000; a++)
			r[k].ram[a] = (uint8_t)(a * 2654435761u >> 13);
		cpu_load_seg(&r[k].c, SEG_CS, CODE >> 4);
		cpu_load_seg(&r[k].c, SEG_DS, 0x2000);
		cpu_load_seg(&r[k].c, SEG_SS, 0x3000);
		r[k].c.r[REG_SP].d = 0x8000;
		r[k].c.ip = 0;
		r[k].c.exception_exit_mask = 1u << 0; /* #DE */
		ex[k] = cpu_run(&r[k].c, 100000);
	}
	assert_int_equal(ex[0], ex[1]);
	assert_same_run(&r[0], &r[1], false);
	if (ex[1] == CPU_EXIT_EXCEPTION)
		assert_int_equal(r[1].c.exit.vector, 0);
	else
		assert_int_equal(ex[1], CPU_EXIT_HLT);
	return ex[1];
}

/* Blocks compiled in r. */
static uint64_t jit_blocks_of(struct run *r)
{
	struct cpu_code_stats st;
	cpu_code_stats(&r->c, &st);
	return st.jit_blocks;
}

/* DIV and IDIV compiled inline (jit_compile.c emit_div()) against the
 * interpreter on every model: random loops (make_div_loop()) that finish,
 * or stop at a #DE (a divisor of 0 or a quotient too large) with the
 * registers, IP and flags of the faulting instruction's start; and IDIV's
 * most negative quotients (-128 / 1, -32768 / 1, each after an INC that
 * the fault must not undo): a #DE on the 8086 and 186 at the first, a
 * result on the 286+. */
/* `seeds` random loops from make() on each model from `first` on, each
 * run interpreted and compiled (run_div_pair()); enough of them must end
 * at a #DE and enough at HLT with compiled code. */
static void random_div_loops(size_t (*make)(uint8_t *, uint32_t), int first, uint32_t seeds, uint32_t mult)
{
	static uint8_t code[2048];
	unsigned faults = 0, ends = 0;
	for (int m = first; m < CPU_MODEL_COUNT; m++) {
		for (uint32_t seed = 1; seed <= seeds; seed++) {
			const size_t n = make(code, seed * mult + (uint32_t)m);
			struct run r[2];
			const enum cpu_exit ex = run_div_pair((enum cpu_model)m, code, n, r);
			if (jit_blocks_of(&r[1]) > 0)
				*(ex == CPU_EXIT_EXCEPTION ? &faults : &ends) += 1;
			run_free(&r[0]);
			run_free(&r[1]);
		}
	}
	assert_true(faults > 20 && ends > 20);
}

static void test_div_match(void **state)
{
	(void)state;
	random_div_loops(make_div_loop, CPU_8086, 100, 40503u);
	static const uint8_t most_negative[] = {
		0xB9, 0x10, 0x00, /*  0: mov cx, 16 */
		0xB8, 0x80, 0xFF, /*  3: top: mov ax, FF80h */
		0x88, 0xCB,       /*  6: mov bl, cl */
		0x46,             /*  8: inc si */
		0xF6, 0xFB,       /*  9: idiv bl (-128 / CL) */
		0xB8, 0x00, 0x80, /* 11: mov ax, 8000h */
		0xBA, 0xFF, 0xFF, /* 14: mov dx, FFFFh */
		0x89, 0xCB,       /* 17: mov bx, cx */
		0x47,             /* 19: inc di */
		0xF7, 0xFB,       /* 20: idiv bx (-32768 / CX) */
		0xE2, 0xEB,       /* 22: loop top */
		0xF4,             /* 24: hlt */
	};
	for (int m = CPU_8086; m < CPU_MODEL_COUNT; m++) {
		struct run r[2];
		const enum cpu_exit ex = run_div_pair((enum cpu_model)m, most_negative, sizeof(most_negative), r);
		assert_true(jit_blocks_of(&r[1]) > 0);
		if (m <= CPU_80186) {
			assert_int_equal(ex, CPU_EXIT_EXCEPTION);
			assert_int_equal(r[1].c.ip, 9);
			assert_int_equal(r[1].c.r[REG_SI].w[0], 16);
			assert_int_equal(r[1].c.r[REG_DI].w[0], 15);
		} else {
			assert_int_equal(ex, CPU_EXIT_HLT);
			assert_int_equal(r[1].c.r[REG_AX].w[0], 0x8000);
			assert_int_equal(r[1].c.r[REG_DI].w[0], 16);
		}
		run_free(&r[0]);
		run_free(&r[1]);
	}
}

/* imm32 at p[k..k+3] */
static size_t put32(uint8_t *p, size_t k, uint32_t v)
{
	for (int b = 0; b < 4; b++)
		p[k++] = (uint8_t)(v >> (8 * b));
	return k;
}

/* make_div_loop() for DIV and IDIV r/m32 (66h prefix, real mode, 386+):
 * four divisions a pass, from EBX, ESI, EAX itself, [100h] or [BX + 40h],
 * dividends mostly with quotients that fit (EDX 0 or FFFFFFFFh), now and
 * then any; divisors small (0 and -1 on some passes, as CX counts down)
 * or any. */
static size_t make_div32_loop(uint8_t *p, uint32_t seed)
{
	uint32_t s = seed;
#define R() rnd(&s)
	size_t k = 0;
	p[k++] = 0xB9, p[k++] = 40, p[k++] = 0; /* mov cx, 40 */
	const size_t top = k;
	for (int n = 0; n < 4; n++) {
		uint32_t eax = R() % 0x100000, edx = R() % 2 ? 0 : 0xFFFFFFFFu;
		if (R() % 4 == 0)
			eax = (uint32_t)-eax;
		if (R() % 8 == 0)
			eax = R(), edx = R() % 2 ? R() : R() % 16;
		const uint32_t ebx = R() % 2 ? R() % 44 : R();
		p[k++] = 0x66, p[k++] = 0xB8, k = put32(p, k, eax); /* mov eax, imm */
		p[k++] = 0x66, p[k++] = 0x01, p[k++] = 0xC8;       /* add eax, ecx */
		p[k++] = 0x66, p[k++] = 0xBA, k = put32(p, k, edx); /* mov edx, imm */
		p[k++] = 0x66, p[k++] = 0xBB, k = put32(p, k, ebx); /* mov ebx, imm */
		p[k++] = 0x66, p[k++] = 0x29, p[k++] = 0xCB;       /* sub ebx, ecx */
		const unsigned form = R() % 5, op = 6 + R() % 2;
		if (form == 1)
			p[k++] = 0x66, p[k++] = 0x89, p[k++] = 0xDE; /* mov esi, ebx */
		if (form == 3)
			p[k++] = 0x66, p[k++] = 0x89, p[k++] = 0x1E, p[k++] = 0x00, p[k++] = 0x01; /* mov [100h], ebx */
		if (R() % 8 == 0)
			p[k++] = 0xF3; /* rep */
		p[k++] = 0x66, p[k++] = 0xF7;
		if (form < 3) {
			static const uint8_t rm[] = { 3, 6, 0 }; /* EBX ESI EAX */
			p[k++] = (uint8_t)(0xC0 | op << 3 | rm[form]);
		} else if (form == 3) {
			p[k++] = (uint8_t)(op << 3 | 6), p[k++] = 0x00, p[k++] = 0x01;
		} else { /* [bx + 40h]: what is there */
			p[k++] = (uint8_t)(0x40 | op << 3 | 7), p[k++] = 0x40;
		}
		p[k++] = 0x66, p[k++] = 0x01, p[k++] = 0xC7; /* add edi, eax */
		p[k++] = 0x66, p[k++] = 0x31, p[k++] = 0xD5; /* xor ebp, edx */
	}
#undef R
	return loop_tail(p, k, top);
}

/* DIV and IDIV r/m32 compiled inline (emit_div32()) against the
 * interpreter on the 386 and 486, as test_div_match; and the edges:
 * -2^31 as IDIV's quotient (a result, also as 2^31 / -1), 2^31 (a #DE),
 * -2^63 / -1 (a #DE in the guest, which the host's divide must not
 * take), DIV's largest quotient and one past it, a divisor of 0. */
static void test_div32_match(void **state)
{
	(void)state;
	static uint8_t code[256];
	random_div_loops(make_div32_loop, CPU_80386, 150, 2246822519u);
	/* EDX:EAX, the divisor, IDIV or DIV, and whether it ends in #DE: the
	 * last of 16 passes divides them, the others 1 by 1 (a table in the
	 * code segment), so the division runs compiled when it meets them */
	static const struct {
		uint32_t edx, eax, div;
		bool sign, de;
	} edge[] = {
		{ 0xFFFFFFFFu, 0x80000000u, 1, true, false },            /* -2^31 / 1 */
		{ 0, 0x80000000u, 0xFFFFFFFFu, true, false },            /* 2^31 / -1 */
		{ 0, 0x80000000u, 1, true, true },                       /* 2^31 / 1 */
		{ 0x80000000u, 0, 0xFFFFFFFFu, true, true },             /* -2^63 / -1 */
		{ 0xFFFFFFFFu, 0x80000001u, 0xFFFFFFFFu, true, false },  /* (-2^31 + 1) / -1 */
		{ 0x7FFFFFFFu, 0xFFFFFFFFu, 0x80000000u, true, true },   /* (2^63 - 1) / -2^31 */
		{ 0xFFFFFFFEu, 0xFFFFFFFFu, 0xFFFFFFFFu, false, false }, /* DIV: quotient FFFFFFFFh */
		{ 0xFFFFFFFFu, 0, 0xFFFFFFFFu, false, true },            /* DIV: quotient 2^32 */
		{ 0, 5, 0, false, true },                                /* DIV by 0 */
	};
	for (size_t t = 0; t < sizeof(edge) / sizeof(edge[0]); t++) {
		static const uint8_t loop[] = {
			0xB9, 0x10, 0x00,                   /*  0: mov cx, 16 */
			0xBB, 0x40, 0x00,                   /*  3: mov bx, 64 */
			0x2E, 0x66, 0x8B, 0x17,             /*  6: top: mov edx, cs:[bx] */
			0x2E, 0x66, 0x8B, 0x47, 0x04,       /* 10: mov eax, cs:[bx + 4] */
			0x2E, 0x66, 0x8B, 0x6F, 0x08,       /* 15: mov ebp, cs:[bx + 8] */
			0x83, 0xC3, 0x0C,                   /* 20: add bx, 12 */
			0x46,                               /* 23: inc si */
			0x66, 0xF7, 0xF5,                   /* 24: div ebp (idiv: FDh) */
			0xE2, 0xE9,                         /* 27: loop top */
			0xF4,                               /* 29: hlt */
		};
		memset(code, 0, 256);
		memcpy(code, loop, sizeof(loop));
		if (edge[t].sign)
			code[26] = 0xFD;
		for (size_t n = 0; n < 16; n++) {
			const uint32_t v[3] = { n < 15 ? 0 : edge[t].edx, n < 15 ? 1 : edge[t].eax, n < 15 ? 1 : edge[t].div };
			for (size_t w = 0; w < 3; w++)
				(void)put32(code, 64 + 12 * n + 4 * w, v[w]);
		}
		for (int m = CPU_80386; m < CPU_MODEL_COUNT; m++) {
			struct run r[2];
			const enum cpu_exit ex = run_div_pair((enum cpu_model)m, code, 256, r);
			struct cpu_code_stats st;
			cpu_code_stats(&r[1].c, &st);
			assert_true(st.jit_blocks > 0);
			/* (a divisor of -1 goes to IDIV's handler) */
			assert_int_equal(st.jit_fallbacks, edge[t].sign && edge[t].div == 0xFFFFFFFFu ? 1 : edge[t].de ? 1 : 0);
			assert_int_equal(ex, edge[t].de ? CPU_EXIT_EXCEPTION : CPU_EXIT_HLT);
			assert_int_equal(r[1].c.r[REG_SI].w[0], 16);
			if (edge[t].de)
				assert_int_equal(r[1].c.ip, 24);
			run_free(&r[0]);
			run_free(&r[1]);
		}
	}
}

/* CLD and STD compiled inline (jit_compile.c IK_DF) against the
 * interpreter on every model: a loop of LODSB and STOSW after STD (their
 * handler: DF set), MOVSB after CLD (inline), PUSHF after each (DF read
 * back into BX), ending with DF set; SI and DI summed into DX and BP. */
static void test_df_match(void **state)
{
	(void)state;
	static const uint8_t code[] = {
		0xB9, 0x14, 0x00, /* mov cx, 20 */
		0xBE, 0x00, 0x01, /* top: mov si, 100h */
		0xBF, 0x00, 0x02, /* mov di, 200h */
		0xFD,             /* std */
		0xAC,             /* lodsb */
		0xAB,             /* stosw */
		0x9C, 0x58,       /* pushf; pop ax */
		0x01, 0xC3,       /* add bx, ax */
		0xFC,             /* cld */
		0xA4,             /* movsb */
		0x9C, 0x58,       /* pushf; pop ax */
		0x01, 0xC3,       /* add bx, ax */
		0x01, 0xF2,       /* add dx, si */
		0x01, 0xFD,       /* add bp, di */
		0xE2, 0xE7,       /* loop top */
		0xFD,             /* std */
		0xF4,             /* hlt */
	};
	for (int m = CPU_8086; m < CPU_MODEL_COUNT; m++) {
		struct run r[2];
		assert_int_equal(run_both_match((enum cpu_model)m, code, sizeof(code), 100000, r), CPU_EXIT_HLT);
		assert_true(cpu_get_flags(&r[1].c) & 0x400); /* DF */
		struct cpu_code_stats st;
		cpu_code_stats(&r[1].c, &st);
		assert_true(st.jit_fallbacks > 0); /* (LODSB, STOSW with DF set) */
		run_free(&r[0]);
		run_free(&r[1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_area_wx_limit_flush),
		cmocka_unit_test(test_inline_forms_match),
		cmocka_unit_test(test_random_loops_match),
		cmocka_unit_test(test_store_keeps_code),
		cmocka_unit_test(test_parked_code_generation),
		cmocka_unit_test(test_hot_elsewhere_first),
		cmocka_unit_test(test_write_into_shared_code),
		cmocka_unit_test(test_area_flush_two_threads),
		cmocka_unit_test(test_random_short_loops_match),
		cmocka_unit_test(test_link_irq_budget),
		cmocka_unit_test(test_jmp_inside_compiled),
		cmocka_unit_test(test_jcc_inside_compiled),
		cmocka_unit_test(test_link_check_exact),
		cmocka_unit_test(test_link_table_match),
		cmocka_unit_test(test_far_call_ret_match),
		cmocka_unit_test(test_call_far_mem_match),
		cmocka_unit_test(test_slow_path_fault_match),
		cmocka_unit_test(test_seg64k_checks_match),
		cmocka_unit_test(test_unreal_limits_match),
		cmocka_unit_test(test_seg64k_context_change),
		cmocka_unit_test(test_mov_m_sreg_smc),
		cmocka_unit_test(test_code_page_summary_exact),
		cmocka_unit_test(test_code_page_summary_alias),
		cmocka_unit_test(test_shared_threshold),
		cmocka_unit_test(test_jmp_call_rm_match),
		cmocka_unit_test(test_ea32_scaled_match),
		cmocka_unit_test(test_code_page_writes),
		cmocka_unit_test(test_rep_string_overlap_fault),
		cmocka_unit_test(test_sahf_lazy_match),
		cmocka_unit_test(test_div_match),
		cmocka_unit_test(test_div32_match),
		cmocka_unit_test(test_df_match),
		cmocka_unit_test(test_link_fast_invalidation),
		cmocka_unit_test(test_link_fast_area_flush),
		cmocka_unit_test(test_perf_map),
		cmocka_unit_test(test_tlb_hits_inline),
		cmocka_unit_test(test_host_features_not_shared),
		cmocka_unit_test(test_jit_host_env),
		cmocka_unit_test(test_jit_host_features_cpuid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
