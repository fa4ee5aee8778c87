/*
 * jit_test.c - the JIT's code area and compiled blocks (src/cpu/jit.h):
 * no mapping is ever writable and executable, the area's limit holds and a
 * full area is flushed with the guest's results unchanged, and compiled
 * code gives what the interpreter gives on loops of the inline forms.
 * Skipped (77) on hosts without the JIT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/cpu.h"

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

/* Many small blocks, run twice: `inc ax; jmp $+3; nop` n times (a jump
 * to the next instruction would not end a block), a loop back over them,
 * HLT. */
static size_t make_many_blocks(uint8_t *p, unsigned n)
{
	size_t k = 0;
	p[k++] = 0xB9, p[k++] = 2, p[k++] = 0; /* mov cx, 2 */
	const size_t top = k;
	for (unsigned b = 0; b < n; b++)
		p[k++] = 0x40, p[k++] = 0xEB, p[k++] = 0x01, p[k++] = 0x90;
	/* loop top (E2 rel8 cannot reach: dec cx; jz +3; jmp near top) */
	p[k++] = 0x49;
	p[k++] = 0x74, p[k++] = 3;
	p[k++] = 0xE9;
	const int16_t rel = (int16_t)(top - (k + 2));
	memcpy(p + k, &rel, 2);
	k += 2;
	p[k++] = 0xF4;
	return k;
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
	assert_int_equal(used, 0);
	static uint8_t code[0x8000];
	const unsigned nblocks = 6000;
	const size_t n = make_many_blocks(code, nblocks);
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
	assert_no_wx_mapping();
	run_free(&on);
	cpu_jit_area_usage(a, &limit, &used);
	assert_int_equal(used, 0); /* the CPU gave its chunks back */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_area_wx_limit_flush),
		cmocka_unit_test(test_inline_forms_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
