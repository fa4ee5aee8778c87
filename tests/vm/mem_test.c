/*
 * mem_test.c - the monitor's memory services through the public VDD API
 * (include/mvdm/vdd.h, docs/memory.md): the extended memory allocator,
 * windows and vdd_map_phys with host accesses through them, moves and
 * exchanges, the A20 gate, the HMA's owner, upper memory blocks, and the
 * VDD guest code page and supervisor calls running out.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "mvdm/vdd.h"
#include "mvdm/vm16.h"
#include "vmload.h"

enum { PAGE = 4096, EXT_BASE = 0x110000 };

/* A VM with the given settings (NULL-terminated) or the defaults. */
static struct vm *make_with(const char *const *settings, bool video)
{
	struct vm16_config cfg;
	vm16_config_default(&cfg);
	cfg.settings = settings;
	cfg.use_video = video;
	char err[256];
	struct vm *vm = NULL;
	assert_int_equal(vm16_create(&cfg, &vm, err, sizeof(err)), 0);
	return vm;
}

static struct vm *make(const char *const *settings)
{
	return make_with(settings, true);
}

/* No XMS or EMS: the allocator is all the test's. */
static const char *const bare[] = { "XMS_MEMORY_LIMIT=0", "EMS_MEMORY_LIMIT=0", "EXTENDED_MEMORY=1088", NULL };

static void test_xmem_alloc_free(void **state)
{
	(void)state;
	struct vm *vm = make(bare);
	uint32_t free_pages, largest, a, b, c;
	vdd_xmem_query(vm, &free_pages, &largest);
	assert_int_equal(free_pages, (1088 - 64) / 4); /* 1 MiB + 1 MiB, less the HMA */
	assert_int_equal(largest, free_pages);
	assert_int_equal(vdd_xmem_alloc(vm, 16, &a), 0);
	assert_int_equal(a, 0x100000 + 1088 * 1024 - 16 * PAGE); /* from the top */
	assert_int_equal(vdd_xmem_alloc(vm, 16, &b), 0);
	assert_int_equal(b, a - 16 * PAGE);
	assert_int_equal(vdd_xmem_alloc(vm, 0, &c), -ENOMEM);
	assert_int_equal(vdd_xmem_alloc(vm, free_pages, &c), -ENOMEM);
	/* A hole between two blocks, then the largest run is below them. */
	assert_int_equal(vdd_xmem_free(vm, a, 16), 0);
	assert_int_equal(vdd_xmem_free(vm, a, 16), -EINVAL);      /* twice */
	assert_int_equal(vdd_xmem_free(vm, b + PAGE, 16), -EINVAL); /* runs into free pages */
	assert_int_equal(vdd_xmem_free(vm, 0x100000, 1), -EINVAL);  /* the HMA is not the allocator's */
	assert_int_equal(vdd_xmem_free(vm, b + 1, 1), -EINVAL);     /* not page aligned */
	vdd_xmem_query(vm, &free_pages, &largest);
	assert_int_equal(free_pages, (1088 - 64) / 4 - 16);
	assert_int_equal(largest, (1088 - 64) / 4 - 32);
	/* The tail of a block may go back on its own. */
	assert_int_equal(vdd_xmem_free(vm, b + 8 * PAGE, 8), 0);
	assert_int_equal(vdd_xmem_free(vm, b, 8), 0);
	vdd_xmem_query(vm, &free_pages, &largest);
	assert_int_equal(free_pages, (1088 - 64) / 4);
	assert_int_equal(largest, free_pages); /* merged back into one run */
	vm16_destroy(vm);
}

static void test_xmem_resize(void **state)
{
	(void)state;
	struct vm *vm = make(bare);
	uint32_t a, b, moved;
	assert_int_equal(vdd_xmem_alloc(vm, 4, &a), 0);
	assert_int_equal(vdd_xmem_alloc(vm, 4, &b), 0); /* right below a */
	uint8_t pattern[64], back[64];
	for (unsigned k = 0; k < sizeof(pattern); k++)
		pattern[k] = (uint8_t)(k * 7 + 1);
	assert_int_equal(vm16_write(vm, b + 100, pattern, sizeof(pattern)), 0);
	/* b cannot grow in place (a is right above it) without moving. */
	moved = b;
	assert_int_equal(vdd_xmem_resize(vm, &moved, 4, 8, false), -ENOMEM);
	assert_int_equal(moved, b);
	assert_int_equal(vdd_xmem_resize(vm, &moved, 4, 8, true), 0);
	assert_int_not_equal(moved, b);
	assert_int_equal(vm16_read(vm, moved + 100, back, sizeof(back)), 0);
	assert_memory_equal(back, pattern, sizeof(pattern));
	/* a grows in place: the pages above it... are the top; free b's old
	 * place is below a, so a shrinks and grows in place instead. */
	uint32_t keep = a;
	assert_int_equal(vdd_xmem_resize(vm, &a, 4, 2, false), 0);
	assert_int_equal(vdd_xmem_resize(vm, &a, 2, 4, false), 0);
	assert_int_equal(a, keep);
	assert_int_equal(vdd_xmem_resize(vm, &a, 4, 1u << 20, true), -ENOMEM);
	assert_int_equal(a, keep);
	vm16_destroy(vm);
}

static void test_windows_and_moves(void **state)
{
	(void)state;
	struct vm *vm = make(bare);
	uint32_t phys;
	assert_int_equal(vdd_xmem_alloc(vm, 4, &phys), 0);
	assert_int_equal(vdd_claim_window(vm, "test window", 0xD0000, 0x4000), 0);
	assert_int_equal(vdd_claim_window(vm, "other", 0xD1000, 0x1000), -EBUSY);
	assert_non_null(strstr(vm16_error(vm), "test window"));
	/* Host writes through the window land in the mapped memory. */
	assert_int_equal(vdd_map_phys(vm, 0xD0000, phys, 0x4000), 0);
	assert_int_equal(vm16_write(vm, 0xD0010, "mapped", 6), 0);
	char buf[8] = { 0 };
	assert_int_equal(vm16_read(vm, phys + 0x10, buf, 6), 0);
	assert_string_equal(buf, "mapped");
	/* Its own memory again. */
	assert_int_equal(vdd_map_phys(vm, 0xD0000, 0xD0000, 0x4000), 0);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(vm16_read(vm, 0xD0010, buf, 6), 0);
	assert_string_not_equal(buf, "mapped");
	/* Only windows and conventional memory remap; sizes are pages. */
	assert_int_equal(vdd_map_phys(vm, 0xB8000, phys, 0x1000), -EINVAL);
	assert_int_equal(vdd_map_phys(vm, 0xD0000, phys + 1, 0x1000), -EINVAL);
	assert_int_equal(vdd_map_phys(vm, 0x40000, phys, 0x1000), 0);
	assert_int_equal(vdd_map_phys(vm, 0x40000, 0x40000, 0x1000), 0);
	/* memmove semantics both ways, across pages. */
	uint8_t in[6000], out[6000];
	for (unsigned k = 0; k < sizeof(in); k++)
		in[k] = (uint8_t)(k ^ (k >> 8));
	assert_int_equal(vm16_write(vm, 0x20000, in, sizeof(in)), 0);
	assert_int_equal(vdd_mem_move(vm, 0x20000 + 1000, 0x20000, sizeof(in)), 0);
	assert_int_equal(vm16_read(vm, 0x20000 + 1000, out, sizeof(out)), 0);
	assert_memory_equal(in, out, sizeof(in));
	assert_int_equal(vdd_mem_move(vm, 0x20000, 0x20000 + 1000, sizeof(in)), 0);
	assert_int_equal(vm16_read(vm, 0x20000, out, sizeof(out)), 0);
	assert_memory_equal(in, out, sizeof(in));
	/* Into extended memory and back, and an exchange. */
	assert_int_equal(vdd_mem_move(vm, phys, 0x20000, 4096), 0);
	assert_int_equal(vm16_write(vm, 0x30000, "abcdef", 6), 0);
	assert_int_equal(vdd_mem_exchange(vm, phys, 0x30000, 6), 0);
	assert_int_equal(vm16_read(vm, phys, buf, 6), 0);
	assert_memory_equal(buf, "abcdef", 6);
	assert_int_equal(vm16_read(vm, 0x30000, out, 6), 0);
	assert_memory_equal(out, in, 6);
	/* Past the VM's memory. */
	assert_int_equal(vdd_mem_move(vm, 0x100000 + 1088 * 1024 - 2, 0x20000, 4), -ERANGE);
	assert_int_equal(vm16_read(vm, 0x100000 + 1088 * 1024, buf, 1), -ERANGE);
	vm16_destroy(vm);
}

static void test_a20_and_hma(void **state)
{
	(void)state;
	struct vm *vm = make(bare);
	assert_true(vdd_a20(vm));
	assert_int_equal(vm16_write(vm, 0x100100, "hma", 3), 0);
	assert_int_equal(vm16_write(vm, 0x000100, "low", 3), 0);
	char buf[4] = { 0 };
	vdd_set_a20(vm, false);
	assert_false(vdd_a20(vm));
	assert_int_equal(vm16_read(vm, 0x100100, buf, 3), 0);
	assert_string_equal(buf, "low"); /* wraps at 1 MiB */
	vdd_set_a20(vm, true);
	assert_int_equal(vm16_read(vm, 0x100100, buf, 3), 0);
	assert_string_equal(buf, "hma");
	assert_null(vdd_hma_owner(vm));
	assert_int_equal(vdd_hma_claim(vm, "first"), 0);
	assert_int_equal(vdd_hma_claim(vm, "second"), -EBUSY);
	assert_string_equal(vdd_hma_owner(vm), "first");
	vdd_hma_release(vm);
	assert_int_equal(vdd_hma_claim(vm, "second"), 0);
	vm16_destroy(vm);
	/* The 8086 has no A20 line and no HMA. */
	static const char *const xt[] = { "CPU_MODEL=8086", NULL };
	vm = make(xt);
	assert_false(vdd_a20(vm));
	vdd_set_a20(vm, true);
	assert_false(vdd_a20(vm));
	assert_int_equal(vdd_hma_claim(vm, "x"), -ENODEV);
	uint32_t phys;
	assert_int_equal(vdd_xmem_alloc(vm, 1, &phys), -ENOMEM);
	vm16_destroy(vm);
}

static void test_umbs(void **state)
{
	(void)state;
	/* No EMS frame and no video card (whose BIOS has C0000-C3FFF): C0000-EFFFF
	 * is all upper memory (192 KiB). */
	struct vm *vm = make_with(bare, false);
	uint16_t seg, got, seg2;
	assert_int_equal(vdd_umb_alloc(vm, 0xFFFF, &seg, &got), -ENOMEM);
	assert_int_equal(got, 0x3000);
	assert_int_equal(vdd_umb_alloc(vm, 0x100, &seg, &got), 0);
	assert_int_equal(seg, 0xC000);
	assert_int_equal(got, 0x100);
	assert_int_equal(vdd_umb_alloc(vm, 0x2F00, &seg2, &got), 0);
	assert_int_equal(seg2, 0xC100);
	assert_int_equal(vdd_umb_alloc(vm, 1, &seg2, &got), -ENOMEM);
	assert_int_equal(got, 0);
	/* It is RAM now. */
	assert_int_equal(vm16_write(vm, 0xC0000, "umb", 3), 0);
	char buf[4] = { 0 };
	assert_int_equal(vm16_read(vm, 0xC0000, buf, 3), 0);
	assert_string_equal(buf, "umb");
	assert_int_equal(vdd_umb_resize(vm, seg, 0x200, &got), -ENOMEM);
	assert_int_equal(got, 0x100);
	assert_int_equal(vdd_umb_free(vm, 0xC100), 0);
	assert_int_equal(vdd_umb_resize(vm, seg, 0x200, &got), 0);
	assert_int_equal(vdd_umb_free(vm, seg), 0);
	assert_int_equal(vdd_umb_free(vm, seg), -EINVAL);
	assert_int_equal(vdd_umb_free(vm, 0xC080), -EINVAL);
	vm16_destroy(vm);
	/* The default EMS frame (D000h) and mappable pages are no UMBs. */
	vm = make(NULL);
	assert_int_equal(vdd_umb_alloc(vm, 0xFFFF, &seg, &got), -ENOMEM);
	assert_int_equal(got, 0x0C00); /* C400-CFFF after the VGA BIOS; E800-EFFF is smaller */
	vm16_destroy(vm);
}

static int no_svc(struct vm *vm, void *ctx, uint8_t n)
{
	(void)vm;
	(void)ctx;
	(void)n;
	return 0;
}

static void test_guest_code_and_svcs(void **state)
{
	(void)state;
	struct vm *vm = make(bare);
	uint16_t a, b;
	assert_int_equal(vdd_alloc_guest_mem(vm, 20, &a), 0);
	assert_int_equal(vdd_alloc_guest_mem(vm, 1, &b), 0);
	assert_int_equal(b, a + 2); /* 20 bytes take two paragraphs */
	assert_true(a >= 0xF000);
	assert_int_equal(vdd_alloc_guest_mem(vm, 8192, &b), -ENOSPC);
	int n, last = 0, count = 0;
	while ((n = vdd_alloc_svc(vm, no_svc, NULL)) > 0) {
		assert_true(n > last);
		last = n;
		count++;
	}
	assert_int_equal(n, -ENOSPC);
	assert_true(count >= 5); /* XMS and EMS are off: all but none are free */
	vm16_destroy(vm);
}

/* The ROM BIOS (F0000-FFFFF but for the VDD code page) is the library's
 * one read-only copy, mapped into every VM: a guest's writes and the host's
 * (vm16_write) leave it as it is, in that VM and in the others, and its
 * FFh filler reads as FFh. */
static void test_rom_shared_read_only(void **state)
{
	(void)state;
	struct vm *a = make(bare), *b = make(bare);
	static uint8_t before[0x8000], after[0x8000], other[0x8000];
	assert_int_equal(vm16_read(a, 0xF0000, before, sizeof before), 0);
	for (unsigned i = 0x1000; i < 0x8000; i++)
		assert_int_equal(before[i], 0xFF);
	uint8_t top[16];
	assert_int_equal(vm16_read(a, 0xFFFF0, top, sizeof top), 0);
	assert_int_equal(top[0], 0xEA); /* the reset vector: JMP FAR */
	/* At 1000:0000: stores into the filler and the code pages, then SVC 2. */
	static const uint8_t code[] = {
		0xB8, 0x00, 0xF1, 0x8E, 0xD8,             /* mov ax, F100h; mov ds, ax */
		0xC6, 0x06, 0x00, 0x00, 0x12,             /* mov byte [0], 12h */
		0xC7, 0x06, 0x10, 0x00, 0x56, 0x34,       /* mov word [10h], 3456h */
		0xB8, 0x00, 0xF0, 0x8E, 0xD8,             /* mov ax, F000h; mov ds, ax */
		0xC6, 0x06, 0x00, 0x00, 0x90,             /* mov byte [0], 90h */
		0xC6, 0x06, 0xF0, 0xFF, 0x90,             /* mov byte [FFF0h], 90h */
		0xF4, 0x02, 0xFD,                         /* svc 2: exit */
	};
	assert_int_equal(vm16_write(a, 0x10000, code, sizeof code), 0);
	struct vm16_regs r;
	vm16_get_regs(a, &r);
	r.cs = 0x1000;
	r.eip = 0;
	vm16_set_regs(a, &r);
	assert_int_equal(vmload_run_to_stop(a, 1000), VM16_STOP_EXIT);
	/* The host writes too (DOS reading a file into F100:0000). */
	static const uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	assert_int_equal(vm16_write(a, 0xF1000, junk, sizeof junk), 0);
	assert_int_equal(vm16_write(a, 0xF0000, junk, sizeof junk), 0);
	assert_int_equal(vm16_read(a, 0xF0000, after, sizeof after), 0);
	assert_memory_equal(after, before, sizeof before);
	assert_int_equal(vm16_read(b, 0xF0000, other, sizeof other), 0);
	assert_memory_equal(other, before, sizeof before);
	uint8_t top2[16];
	assert_int_equal(vm16_read(a, 0xFFFF0, top2, sizeof top2), 0);
	assert_memory_equal(top2, top, sizeof top);
	assert_int_equal(vm16_read(b, 0xFFFF0, top2, sizeof top2), 0);
	assert_memory_equal(top2, top, sizeof top);
	vm16_destroy(a);
	vm16_destroy(b);
}

static long minor_faults(void)
{
	struct rusage u;
	assert_int_equal(getrusage(RUSAGE_SELF, &u), 0);
	return u.ru_minflt;
}

/* The host writing a page of RAM nothing touched yet costs one page
 * fault, not two (memmap.c ram_write(): its comparison of the old bytes
 * would map the zero page first), and the bytes land; the same bytes
 * again cost none. (The sanitizers' shadow memory faults too: counted
 * only without them.) */
static void test_host_write_fresh_page(void **state)
{
	(void)state;
	struct vm *vm = make_with(bare, false);
	static const uint8_t bytes[16] = { 0xB8, 0x00, 0x4C, 0xCD, 0x21, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	uint8_t back[sizeof bytes];
	assert_int_equal(vm16_read(vm, 0x60000 - sizeof back, back, sizeof back), 0); /* (the stack's pages) */
	const long before = minor_faults();
	assert_int_equal(vm16_write(vm, 0x60000, bytes, sizeof bytes), 0);
	const long first = minor_faults() - before;
	assert_int_equal(vm16_write(vm, 0x60000, bytes, sizeof bytes), 0);
	const long again = minor_faults() - before - first;
	assert_int_equal(vm16_read(vm, 0x60000, back, sizeof back), 0);
	assert_memory_equal(back, bytes, sizeof bytes);
#ifndef __SANITIZE_ADDRESS__
	assert_true(first <= 1);
	assert_int_equal(again, 0);
#else
	(void)first;
	(void)again;
#endif
	vm16_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xmem_alloc_free), cmocka_unit_test(test_xmem_resize),
		cmocka_unit_test(test_windows_and_moves), cmocka_unit_test(test_a20_and_hma),
		cmocka_unit_test(test_umbs), cmocka_unit_test(test_guest_code_and_svcs),
		cmocka_unit_test(test_rom_shared_read_only), cmocka_unit_test(test_host_write_fresh_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
