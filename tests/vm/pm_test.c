/*
 * pm_test.c - the monitor with guests that leave real mode: resets that
 * resume through the CMOS shutdown code (triple fault, 8042, port 92h), a
 * triple fault with nothing to resume (the VM ends with a diagnostic), and
 * the monitor's supervisor calls from V86 mode under the guest's own
 * protected-mode monitor, the BIOS's extended memory services, the A20
 * gate, and supervisor calls from protected mode inside the region a host
 * in the monitor registered (vdd_set_pm_svc_region, the DPMI host's) and
 * what its mode switch (vdd_enter_pm) loads again. Guest programs are NASM files built next to this
 * test (argv[1] is their directory).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mvdm/vdd.h"
#include "mvdm/vm16.h"

static const char *bin_dir;

/* Load NAME at 1000:0100 with BX = bx and run it to its end (no XMS);
 * prepare(vm), if given, first. */
static struct vm *run_with(const char *name, uint16_t bx, enum vm16_stop *stop, void (*prepare)(struct vm *vm))
{
	struct vm16_config cfg;
	vm16_config_default(&cfg);
	/* No XMS driver: INT 15h/88h then reports the machine's extended
	 * memory instead of HIMEM's 0 (src/mem). */
	static const char *const settings[] = { "XMS_MEMORY_LIMIT=0", NULL };
	cfg.settings = settings;
	char err[256], path[512];
	struct vm *vm = NULL;
	assert_int_equal(vm16_create(&cfg, &vm, err, sizeof(err)), 0);
	if (prepare)
		prepare(vm);
	snprintf(path, sizeof(path), "%s/%s", bin_dir, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	uint8_t buf[8192];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(vm16_load_image(vm, 0x1000, 0x100, buf, n), 0);
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	r.cs = r.ds = r.es = r.ss = 0x1000;
	r.eip = 0x100;
	r.esp = 0xFFFE;
	r.ebx = bx;
	vm16_set_regs(vm, &r);
	*stop = VM16_STOP_SLICE;
	for (int k = 0; k < 100 && *stop == VM16_STOP_SLICE; k++)
		*stop = vm16_run(vm, 1000000);
	return vm;
}

static struct vm *run(const char *name, uint16_t bx, enum vm16_stop *stop)
{
	return run_with(name, bx, stop, NULL);
}

static int svc40(struct vm *vm, void *ctx, uint8_t n)
{
	(void)ctx;
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	r.eax = (r.eax & ~0xFFu) | (uint8_t)(0x40 + (r.eax & 0xFF)); /* 11h -> 51h */
	vm16_set_regs(vm, &r);
	return n == 40 ? 0 : 1;
}

static void pm_svc_outside(struct vm *vm)
{
	assert_int_equal(vm16_set_svc(vm, 40, svc40, NULL), 0);
}

static void pm_svc_inside(struct vm *vm)
{
	pm_svc_outside(vm);
	assert_int_equal(vdd_set_pm_svc_region(vm, 0x10100, 0x100), 0);
}

/* A protected-mode HLT at CPL 0 is a supervisor call inside the region
 * a host registered, and the guest's own anywhere else. */
static void test_pm_svc_region(void **state)
{
	(void)state;
	enum vm16_stop stop;
	struct vm *vm = run_with("pmsvc.bin", 0, &stop, pm_svc_inside);
	if (stop != VM16_STOP_EXIT)
		fail_msg("stopped %d: %s", stop, vm16_error(vm));
	assert_int_equal(vm16_exit_code(vm), 0x51);
	vm16_destroy(vm);
	vm = run_with("pmsvc.bin", 0, &stop, pm_svc_outside);
	assert_int_equal(stop, VM16_STOP_FAULT);
	if (!strstr(vm16_error(vm), "HLT with interrupts disabled"))
		fail_msg("diagnostic: %s", vm16_error(vm));
	vm16_destroy(vm);
}

/* Service 42 of pmring3.asm: AL + 40h when called from CPL 3. */
static int svc42_ring3(struct vm *vm, void *ctx, uint8_t n)
{
	(void)ctx;
	(void)n;
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	if ((r.cs & 3) == 3)
		r.eax = (r.eax & ~0xFFu) | (uint8_t)(r.eax + 0x40);
	vm16_set_regs(vm, &r);
	return 0;
}

static void ring3_region(struct vm *vm)
{
	assert_int_equal(vm16_set_svc(vm, 42, svc42_ring3, NULL), 0);
	assert_int_equal(vdd_set_pm_svc_region(vm, 0x10100, 0x200), 0);
}

/* A HLT at CPL 3 inside the region is a supervisor call, made instead of
 * its #GP(0); outside it, without a valid pair, and any other #GP is
 * delivered to the guest as the CPU delivers it (error code included). */
static void test_pm_svc_ring3(void **state)
{
	(void)state;
	static const struct {
		uint16_t scenario;
		int code;
	} cases[] = { { 0, 0x51 }, { 1, 0x80 }, { 2, 0x80 }, { 3, 0x90 } };
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		enum vm16_stop stop;
		struct vm *vm = run_with("pmring3.bin", cases[k].scenario, &stop, ring3_region);
		if (stop != VM16_STOP_EXIT)
			fail_msg("scenario %u stopped %d: %s", cases[k].scenario, stop, vm16_error(vm));
		if (vm16_exit_code(vm) != cases[k].code)
			fail_msg("scenario %u: exit code %02X, expected %02X", cases[k].scenario,
				 vm16_exit_code(vm), cases[k].code);
		vm16_destroy(vm);
	}
}

/* test_enter_pm_tables: service 40 enters protected mode as a host in
 * the monitor does (vdd_enter_pm), service 41 records AX and goes back to
 * real mode (vdd_enter_real). */
static struct {
	uint16_t rec[8];
	unsigned n;
} enter_log;

static int svc_enter(struct vm *vm, void *ctx, uint8_t n)
{
	(void)ctx;
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	const struct vdd_pm_tables t = { .gdt_base = 0x10000 + (r.edi & 0xFFFF), .gdt_limit = 0x37,
					 .idt_base = 0, .idt_limit = 0, .ldtr = 0x20, .tr = 0x18,
					 .cr3 = n == 42 ? 0x20000 : 0, .flush = r.ebx & 1 };
	r.cs = 0x08;
	r.eip = r.esi & 0xFFFF;
	r.ss = 0x10;
	r.esp = 0xF000;
	r.ds = r.es = r.fs = r.gs = 0;
	r.eflags = 2;
	return vdd_enter_pm(vm, &t, &r) == 0 ? 0 : 1;
}

static int svc_record(struct vm *vm, void *ctx, uint8_t n)
{
	(void)ctx;
	(void)n;
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	if (enter_log.n < 8)
		enter_log.rec[enter_log.n++] = (uint16_t)r.eax;
	r.cs = r.ss = r.ds = r.es = 0x1000;
	r.eip = r.edx & 0xFFFF;
	r.esp = 0xFFFE;
	r.eflags = 2;
	vdd_enter_real(vm, &r);
	return 0;
}

static void enter_services(struct vm *vm)
{
	assert_int_equal(vm16_set_svc(vm, 40, svc_enter, NULL), 0);
	assert_int_equal(vm16_set_svc(vm, 41, svc_record, NULL), 0);
	assert_int_equal(vm16_set_svc(vm, 42, svc_enter, NULL), 0); /* with paging: CR3 20000h */
	assert_int_equal(vdd_set_pm_svc_region(vm, 0x10100, 0x200), 0);
}

/* Runs `name` with enter_services(), which must exit with 0 after the
 * records `want` (low bytes, whole words where want has more). */
static struct vm *run_enter(const char *name, const uint16_t *want, unsigned n)
{
	enum vm16_stop stop;
	memset(&enter_log, 0, sizeof(enter_log));
	struct vm *vm = run_with(name, 0, &stop, enter_services);
	if (stop != VM16_STOP_EXIT)
		fail_msg("stopped %d after %u records: %s", stop, enter_log.n, vm16_error(vm));
	assert_int_equal(vm16_exit_code(vm), 0);
	assert_int_equal(enter_log.n, n);
	for (unsigned k = 0; k < n; k++)
		if ((want[k] > 0xFF ? enter_log.rec[k] : (uint8_t)enter_log.rec[k]) != want[k])
			fail_msg("record %u: %04X, expected %04X", k, enter_log.rec[k], want[k]);
	return vm;
}

/* vdd_enter_pm loads LDTR and TR from the GDT when the CPU no longer
 * holds what it loaded last, or `flush` says the tables changed; a GDT
 * changed without `flush` keeps the loaded LDT (vdd.h's contract, which
 * spares a DPMI host's every switch two descriptor reads). */
static void test_enter_pm_tables(void **state)
{
	(void)state;
	const uint16_t want[7] = { 'A', 'A', 'B', 'L', 'B', 'T', 0x2018 };
	vm16_destroy(run_enter("pmenter.bin", want, 7));
}

/* vdd_enter_pm with paging: back from real mode with the tables unchanged
 * the CPU keeps its paged mapping epoch (cpu_resume_paging()), and the
 * client's block runs again without a recheck; with `flush` (the host
 * changed its tables: a page table entry moved the code's page) the CR3
 * load takes a new epoch, and the block is checked again. */
static void test_enter_pm_paged(void **state)
{
	(void)state;
	const uint16_t want[3] = { '1', '1', '2' };
	struct vm *vm = run_enter("pmpaged.bin", want, 3);
	/* One recheck: the block of `code` after the flush's CR3 load, none
	 * after the entry with the tables unchanged. */
	struct vm16_code_stats cs;
	vm16_code_stats(vm, &cs);
	assert_int_equal(cs.rechecks, 1);
	vm16_destroy(vm);
}

static void test_reset_resumes(void **state)
{
	(void)state;
	enum vm16_stop stop;
	struct vm *vm = run("pmreset.bin", 0, &stop);
	if (stop != VM16_STOP_EXIT)
		fail_msg("stopped %d: %s", stop, vm16_error(vm));
	assert_int_equal(vm16_exit_code(vm), 0x42);
	vm16_destroy(vm);
}

static void test_triple_fault_ends_vm(void **state)
{
	(void)state;
	enum vm16_stop stop;
	struct vm *vm = run("pmtriple.bin", 0, &stop);
	assert_int_equal(stop, VM16_STOP_FAULT);
	const char *e = vm16_error(vm);
	if (!strstr(e, "triple fault (exceptions 06h 0Dh 08h 0Dh) at 0008:") || !strstr(e, "protected mode"))
		fail_msg("diagnostic: %s", e);
	vm16_destroy(vm);
}

/* v86svc.asm's scenarios, each VM made ready by prepare (or not). */
static void v86_scenarios(void (*prepare)(struct vm *vm))
{
	static const struct {
		uint16_t scenario;
		int code;
	} cases[] = { { 1, 0x33 }, { 2, 0x55 }, { 3, 0x40 } };
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		enum vm16_stop stop;
		struct vm *vm = run_with("v86svc.bin", cases[k].scenario, &stop, prepare);
		if (stop != VM16_STOP_EXIT)
			fail_msg("scenario %u stopped %d: %s", cases[k].scenario, stop, vm16_error(vm));
		assert_int_equal(vm16_exit_code(vm), cases[k].code);
		vm16_destroy(vm);
	}
}

static void test_svc_from_v86(void **state)
{
	(void)state;
	v86_scenarios(NULL);
}

/* The same with a protected-mode supervisor-call region registered (the
 * DPMI host's, which stays once a client ran): the monitor then sees every
 * #GP first, and the V86 monitor's #GP(0) of a plain HLT (scenario 3)
 * must still reach it, not shut the CPU down. */
static void v86_with_region(struct vm *vm)
{
	assert_int_equal(vdd_set_pm_svc_region(vm, 0x90000, 0x100), 0);
}

static void test_svc_from_v86_with_region(void **state)
{
	(void)state;
	v86_scenarios(v86_with_region);
}

static void test_int15_memory(void **state)
{
	(void)state;
	enum vm16_stop stop;
	struct vm *vm = run("int15mem.bin", 0, &stop);
	assert_int_equal(stop, VM16_STOP_EXIT);
	uint8_t r[16 + 8 * 20];
	assert_int_equal(vm16_read(vm, 0x10600, r, sizeof(r)), 0);
	uint16_t w[8];
	memcpy(w, r, sizeof(w));
	assert_int_equal(w[0], 16384);         /* 88h: the default 16 MiB */
	assert_int_equal(w[1], 15360);         /* E801h: 15 MiB below 16 MiB ... */
	assert_int_equal(w[2], (16384 - 15360) / 64); /* ... and 64 KiB blocks above */
	assert_int_equal(w[3], 15360);
	assert_int_equal(w[4], (16384 - 15360) / 64);
	assert_int_equal(w[5], 4);             /* E820h: 0-640K, ROM, 1 MiB+, the alias (no hole) */
	assert_int_equal(r[12], 0);            /* both moves succeeded ... */
	assert_int_equal(r[13], 0);
	assert_int_equal(r[14], 1);            /* ... and the bytes came back */
	uint64_t base, len;
	uint32_t type;
	memcpy(&base, r + 16 + 2 * 20, 8);    /* the third entry: extended memory */
	memcpy(&len, r + 16 + 2 * 20 + 8, 8);
	memcpy(&type, r + 16 + 2 * 20 + 16, 4);
	assert_true(base == 0x100000 && len == 16384ull * 1024 && type == 1);
	vm16_destroy(vm);
}

static void test_a20_gate(void **state)
{
	(void)state;
	enum vm16_stop stop;
	struct vm *vm = run("a20.bin", 0, &stop);
	if (stop != VM16_STOP_EXIT)
		fail_msg("stopped %d: %s", stop, vm16_error(vm));
	uint8_t r[6];
	assert_int_equal(vm16_read(vm, 0x10600, r, sizeof(r)), 0);
	assert_int_equal(r[0], 0x22);   /* on at start: 100000h */
	assert_int_equal(r[1], 0x11);   /* off: wraps to 0 */
	assert_int_equal(r[5], 1);      /* ... writes too */
	assert_int_equal(r[2], 0x22);   /* port 92h alone turns it on */
	assert_int_equal(r[4], 2);
	assert_int_equal(r[3], 0x22);   /* the 8042 alone too */
	vm16_destroy(vm);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: pm-test BIN_DIR\n");
		return 2;
	}
	bin_dir = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_resumes),
		cmocka_unit_test(test_triple_fault_ends_vm),
		cmocka_unit_test(test_svc_from_v86),
		cmocka_unit_test(test_svc_from_v86_with_region),
		cmocka_unit_test(test_int15_memory),
		cmocka_unit_test(test_a20_gate),
		cmocka_unit_test(test_pm_svc_region),
		cmocka_unit_test(test_enter_pm_tables),
		cmocka_unit_test(test_enter_pm_paged),
		cmocka_unit_test(test_pm_svc_ring3),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
