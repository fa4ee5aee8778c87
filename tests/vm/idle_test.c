/*
 * idle_test.c - the idle detector (src/vm/idle.c): a guest that waits by
 * polling sleeps like one that waits in HLT. idlepoll.bin (idlepoll.asm)
 * polls one way or another for N timer ticks; run as a pacing host runs a
 * VM (on VM16_STOP_IDLE, pass the time until the next event), a waiting
 * program must cost a few instructions per tick instead of millions, its
 * ticks must still count right, and a busy program must not be throttled.
 * The BIOS poll (INT 16h) runs in a bare VM; the DOS ones (INT 21h, 28h,
 * 2Fh) in a VM with the DOS kernel on a temporary C: drive. argv[1] is
 * the directory of the guest binaries.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mvdm/dos.h"
#include "mvdm/vm16.h"
#include "vmload.h"

static const char *bin_dir;

/* 65536 PIT clocks at 1.193182 MHz. */
static const double TICK_NS = 65536.0 * 1e9 / 1193182.0;

/* Instructions per tick allowed for a waiting program (a busy one runs
 * 100 MIPS of virtual time: 5.5 million a tick). */
enum { WAIT_INSNS_PER_TICK = 3000, BUSY_INSNS_PER_TICK = 1000000 };

static size_t read_bin(uint8_t *buf, size_t max)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/idlepoll.bin", bin_dir);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, max, f);
	fclose(f);
	assert_true(n > 0);
	return n;
}

static void config(struct vm16_config *cfg, bool pace, const char *const *settings)
{
	vm16_config_default(cfg);
	cfg->pace_idle = pace;
	cfg->settings = settings;
}

/* A bare VM (BIOS only) with idlepoll.bin at 1000:0100 and `tail` as its
 * command tail at 1000:0080. */
static struct vm *bare_vm(const char *tail, bool pace, const char *const *settings)
{
	struct vm16_config cfg;
	config(&cfg, pace, settings);
	char err[256];
	struct vm *vm = NULL;
	assert_int_equal(vm16_create(&cfg, &vm, err, sizeof(err)), 0);
	uint8_t buf[4096];
	size_t n = read_bin(buf, sizeof(buf));
	assert_int_equal(vmload_image(vm, buf, n), 0);
	uint8_t t[128] = { 0 };
	size_t len = strlen(tail);
	t[0] = (uint8_t)len;
	memcpy(t + 1, tail, len);
	t[1 + len] = 0x0D;
	assert_int_equal(vm16_load_image(vm, 0x1000, 0x80, t, sizeof(t)), 0);
	return vm;
}

/* A VM with the DOS kernel, C: = a temporary directory holding
 * IDLEPOLL.COM, started with `tail`. */
struct dos_vm {
	struct vm *vm;
	struct dos *dos;
	char dir[64], com[96];
};

static void dos_vm_start(struct dos_vm *dv, const char *tail, bool pace, const char *const *settings)
{
	snprintf(dv->dir, sizeof(dv->dir), "/tmp/mvdm-idle-XXXXXX");
	assert_non_null(mkdtemp(dv->dir));
	snprintf(dv->com, sizeof(dv->com), "%s/IDLEPOLL.COM", dv->dir);
	uint8_t buf[4096];
	size_t n = read_bin(buf, sizeof(buf));
	FILE *f = fopen(dv->com, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, n, f), n);
	fclose(f);
	struct vm16_config cfg;
	config(&cfg, pace, settings);
	char err[256];
	assert_int_equal(vm16_create(&cfg, &dv->vm, err, sizeof(err)), 0);
	struct dos_config dc;
	dos_config_default(&dc);
	dc.drives[2] = dv->dir;
	assert_int_equal(dos_create(dv->vm, &dc, &dv->dos, err, sizeof(err)), 0);
	int rc = dos_start(dv->dos, "C:\\IDLEPOLL.COM", tail, err, sizeof(err));
	if (rc)
		fail_msg("dos_start: %s", err);
}

static void dos_vm_end(struct dos_vm *dv)
{
	dos_destroy(dv->dos);
	vm16_destroy(dv->vm);
	unlink(dv->com);
	rmdir(dv->dir);
}

struct run {
	enum vm16_stop stop;
	uint64_t insns, idles;
	uint16_t ticks;    /* BIOS tick count (40:6Ch) gained */
	double vticks;     /* virtual time in ticks */
};

static uint16_t bios_ticks(struct vm *vm)
{
	uint16_t t;
	assert_int_equal(vm16_read(vm, 0x46C, &t, 2), 0);
	return t;
}

/* Run to the end as a pacing host does: when the VM idles, "sleep" until
 * its next device event and pass that time. `keys` are typed after the
 * third idle stop. Gives up (stop SLICE) after 300 million instructions. */
static struct run run_vm(struct vm *vm, const char *keys)
{
	struct run r = { .stop = VM16_STOP_SLICE };
	uint16_t t0 = bios_ticks(vm);
	uint64_t i0 = vm16_insns(vm), c0 = vm16_clock_ns(vm);
	/* At most ~55 ticks of a busy guest: a test that fails fails fast. */
	while (vm16_insns(vm) - i0 < 300000000) {
		r.stop = vm16_run(vm, 1000000);
		if (r.stop == VM16_STOP_EXIT || r.stop == VM16_STOP_FAULT)
			break;
		if (r.stop == VM16_STOP_IDLE) {
			uint64_t ns = vm16_idle_ns(vm);
			assert_true(ns != UINT64_MAX); /* the timer always has an event due */
			vm16_pass_time(vm, ns);
			if (++r.idles == 3 && keys)
				assert_int_equal(vm16_type(vm, keys), 0);
		}
	}
	if (r.stop == VM16_STOP_FAULT)
		fail_msg("the VM faulted: %s", vm16_error(vm));
	r.insns = vm16_insns(vm) - i0;
	r.ticks = (uint16_t)(bios_ticks(vm) - t0);
	r.vticks = (double)(vm16_clock_ns(vm) - c0) / TICK_NS;
	return r;
}

/* The program waited N ticks: it ends with 0, its tick count gained N
 * exactly (it stops as it sees the N-th), and virtual time agrees. */
static void check_waited(const struct run *r, struct vm *vm, unsigned n)
{
	assert_int_equal(r->stop, VM16_STOP_EXIT);
	assert_int_equal(vm16_exit_code(vm), 0);
	assert_int_equal(r->ticks, n);
	assert_true(r->vticks > n - 1.0 && r->vticks < n + 1.0);
}

static void report(const char *what, const struct run *r, unsigned n)
{
	print_message("  %-28s %10.0f instructions per tick, %llu idle stops in %u ticks\n", what,
		      (double)r->insns / n, (unsigned long long)r->idles, n);
}

static void check_idle(const struct run *r, unsigned n)
{
	if (r->insns > (uint64_t)n * WAIT_INSNS_PER_TICK)
		fail_msg("%llu instructions in %u ticks: the wait was not recognised", (unsigned long long)r->insns,
			 n);
	assert_true(r->idles >= n);
}

static void check_busy(const struct run *r, unsigned n)
{
	if (r->idles != 0)
		fail_msg("a busy program was idled %llu times", (unsigned long long)r->idles);
	assert_true(r->insns > (uint64_t)n * BUSY_INSNS_PER_TICK);
}

/* (a) INT 16h AH=01h and 11h loops in a pacing VM. */
static void test_bios_peek_loop_idles(void **state)
{
	(void)state;
	const char *tails[] = { "K20", "E20" };
	for (size_t k = 0; k < 2; k++) {
		struct vm *vm = bare_vm(tails[k], true, NULL);
		struct run r = run_vm(vm, NULL);
		report(k ? "INT 16h AH=11h loop" : "INT 16h AH=01h loop", &r, 20);
		check_waited(&r, vm, 20);
		check_idle(&r, 20);
		vm16_destroy(vm);
	}
}

/* Without pace_idle the clock jumps to the next event instead: the same
 * few instructions per tick, no IDLE stops. */
static void test_bios_peek_loop_batch(void **state)
{
	(void)state;
	struct vm *vm = bare_vm("K20", false, NULL);
	struct run r = run_vm(vm, NULL);
	report("INT 16h AH=01h, no pacing", &r, 20);
	check_waited(&r, vm, 20);
	assert_int_equal(r.idles, 0);
	assert_true(r.insns < 20u * WAIT_INSNS_PER_TICK);
	vm16_destroy(vm);
}

/* A key typed while the VM sleeps in its poll loop reaches it: it goes on
 * where it was, sees the key and ends with its code. */
static void test_key_wakes_poller(void **state)
{
	(void)state;
	struct vm *vm = bare_vm("A", true, NULL);
	struct run r = run_vm(vm, "q");
	assert_int_equal(r.stop, VM16_STOP_EXIT);
	assert_int_equal(vm16_exit_code(vm), 'q');
	assert_true(r.idles >= 3);
	assert_true(r.insns < 10u * WAIT_INSNS_PER_TICK);
	vm16_destroy(vm);
}

/* (c) IDLE_SENSITIVITY=0: polling is never idle. */
static void test_sensitivity_zero(void **state)
{
	(void)state;
	const char *off[] = { "IDLE_SENSITIVITY=0", NULL };
	struct vm *vm = bare_vm("K2", true, off);
	struct run r = run_vm(vm, NULL);
	report("INT 16h AH=01h, sensitivity 0", &r, 2);
	check_waited(&r, vm, 2);
	check_busy(&r, 2);
	vm16_destroy(vm);

	struct dos_vm dv;
	dos_vm_start(&dv, "Y2", true, off);
	r = run_vm(dv.vm, NULL);
	report("INT 2Fh/1680h, sensitivity 0", &r, 2);
	check_waited(&r, dv.vm, 2);
	check_busy(&r, 2);
	dos_vm_end(&dv);
}

/* The setting is live: turned to 0 while the program waits, the next
 * polls are work again; turned back, they idle again. */
static void test_sensitivity_live(void **state)
{
	(void)state;
	struct vm *vm = bare_vm("K6", true, NULL);
	unsigned idles = 0;
	while (idles < 2) {
		enum vm16_stop s = vm16_run(vm, 1000000);
		assert_true(s == VM16_STOP_IDLE || s == VM16_STOP_SLICE);
		if (s == VM16_STOP_IDLE) {
			idles++;
			vm16_pass_time(vm, vm16_idle_ns(vm));
		}
	}
	assert_int_equal(vm16_set_setting(vm, "IDLE_SENSITIVITY", "0"), 0);
	uint64_t i0 = vm16_insns(vm);
	for (int k = 0; k < 10; k++)
		assert_int_equal(vm16_run(vm, 1000000), VM16_STOP_SLICE);
	/* Each slice ran the poll loop instead of idling (the asserts above:
	 * no idle stop) and the guest went on. How far it went depends on
	 * the host: the wall time of its INT 16h services counts in the
	 * budget too (vm16_run), and under ASan that is most of a slice
	 * (measured: 0.67 M instructions in these ten with the JIT off, 1.2 M
	 * with it on, less with other tests running beside), so only
	 * progress is checked: at least some hundreds of polls. */
	assert_true(vm16_insns(vm) - i0 > 10000);
	assert_int_equal(vm16_set_setting(vm, "IDLE_SENSITIVITY", "75"), 0);
	struct run r = run_vm(vm, NULL);
	assert_int_equal(r.stop, VM16_STOP_EXIT);
	assert_int_equal(vm16_exit_code(vm), 0);
	assert_true(r.idles >= 2);
	vm16_destroy(vm);
}

/* (d) A program that polls once per ~10,000 instructions of work is busy,
 * at the default sensitivity and at the highest. */
static void test_busy_poller_not_throttled(void **state)
{
	(void)state;
	const char *most[] = { "IDLE_SENSITIVITY=100", NULL };
	const char *const *settings[] = { NULL, most };
	for (size_t k = 0; k < 2; k++) {
		struct vm *vm = bare_vm("W3", true, settings[k]);
		struct run r = run_vm(vm, NULL);
		report(k ? "busy poller, sensitivity 100" : "busy poller, default", &r, 3);
		check_waited(&r, vm, 3);
		check_busy(&r, 3);
		vm16_destroy(vm);
	}
}

/* The mapping: ~1,000 instructions between polls is a wait at the default
 * (polls at most 20 * 75 = 1500 apart count) but work at 25 (500). */
static void test_sensitivity_mapping(void **state)
{
	(void)state;
	struct vm *vm = bare_vm("M10", true, NULL);
	struct run r = run_vm(vm, NULL);
	report("1000-insn poller, default", &r, 10);
	check_waited(&r, vm, 10);
	assert_true(r.idles >= 10);
	assert_true(r.insns < 10u * 20000);
	vm16_destroy(vm);

	const char *low[] = { "IDLE_SENSITIVITY=25", NULL };
	vm = bare_vm("M2", true, low);
	r = run_vm(vm, NULL);
	report("1000-insn poller, 25", &r, 2);
	check_waited(&r, vm, 2);
	check_busy(&r, 2);
	vm16_destroy(vm);
}

/* A host-simulated INT 16h (a nested run) that finds the buffer empty
 * returns normally however often it is called: polls never end nested
 * runs as idle. */
static void test_nested_polls(void **state)
{
	(void)state;
	struct vm *vm = bare_vm("K1", true, NULL);
	for (int k = 0; k < 1000; k++) {
		struct vm16_regs r;
		vm16_get_regs(vm, &r);
		r.eax = 0x0100;
		vm16_set_regs(vm, &r);
		assert_int_equal(vm16_simulate_int(vm, 0x16, 10000), 0);
	}
	vm16_destroy(vm);
}

/* (b) The DOS poll points: INT 2Fh AX=1680h (AL = 0 back), INT 28h, INT 21h
 * AH=0Bh and AH=06h DL=FFh, and INT 16h under DOS. */
static void test_dos_polls_idle(void **state)
{
	(void)state;
	const char *tails[] = { "Y10", "I10", "B10", "D10", "K10" };
	const char *names[] = { "DOS: INT 2Fh AX=1680h", "DOS: INT 28h", "DOS: INT 21h AH=0Bh", "DOS: INT 21h AH=06h",
				"DOS: INT 16h AH=01h" };
	for (size_t k = 0; k < sizeof(tails) / sizeof(tails[0]); k++) {
		struct dos_vm dv;
		dos_vm_start(&dv, tails[k], true, NULL);
		struct run r = run_vm(dv.vm, NULL);
		report(names[k], &r, 10);
		check_waited(&r, dv.vm, 10);
		check_idle(&r, 10);
		dos_vm_end(&dv);
	}
}

/* Deep sleep at the DOS prompt (src/vm/quiet.c, docs/idle.md "Deep
 * sleep"): the shell waits in the DOS console wait, which calls INT 28h;
 * with the ROM's timer handlers and the kernel's INT 28h nothing is due
 * but input, and ten seconds pass in one step into the BIOS tick count.
 * A resident program's INT 28h hook brings back a wake-up per tick. */
static void test_dos_prompt_sleeps_deep(void **state)
{
	(void)state;
	struct dos_vm dv;
	snprintf(dv.dir, sizeof(dv.dir), "/tmp/mvdm-idle-XXXXXX");
	assert_non_null(mkdtemp(dv.dir));
	dv.com[0] = 0;
	struct vm16_config cfg;
	config(&cfg, true, NULL);
	char err[256];
	assert_int_equal(vm16_create(&cfg, &dv.vm, err, sizeof(err)), 0);
	struct dos_config dc;
	dos_config_default(&dc);
	dc.drives[2] = dv.dir;
	assert_int_equal(dos_create(dv.vm, &dc, &dv.dos, err, sizeof(err)), 0);
	assert_int_equal(dos_start(dv.dos, "Z:\\COMMAND.COM", "", err, sizeof(err)), 0);
	struct vm *vm = dv.vm;
	enum vm16_stop st;
	for (int k = 0; k < 100 && (st = vm16_run(vm, 1000000)) == VM16_STOP_SLICE; k++)
		;
	assert_int_equal(st, VM16_STOP_IDLE);
	assert_true(vm16_idle_ns(vm) == UINT64_MAX);
	/* From noon (ticks 0C0058h, half of 1800B0h; flag 0), not the
	 * host's time of day, which within 10 s of midnight would take the
	 * count past it (as tests/vm/vm_test.c test_deep_sleep does). */
	uint8_t noon[5] = { 0x58, 0x00, 0x0C, 0x00, 0x00 };
	assert_int_equal(vm16_write(vm, 0x46C, noon, 5), 0);
	uint16_t t0 = bios_ticks(vm);
	uint64_t i0 = vm16_insns(vm);
	vm16_pass_time(vm, 10000000000ull); /* 182.07 ticks */
	assert_int_equal(vmload_run_to_stop(vm, 1000000), VM16_STOP_IDLE);
	uint16_t gained = (uint16_t)(bios_ticks(vm) - t0);
	assert_true(gained >= 181 && gained <= 183);
	assert_true(vm16_insns(vm) - i0 < 1000);
	assert_true(vm16_idle_ns(vm) == UINT64_MAX);
	/* A hooked INT 28h (an IRET of "its own" at 9000:0000). */
	uint8_t iret = 0xCF, vec[4] = { 0x00, 0x00, 0x00, 0x90 }, old[4];
	assert_int_equal(vm16_write(vm, 0x90000, &iret, 1), 0);
	assert_int_equal(vm16_read(vm, 0x28 * 4, old, 4), 0);
	assert_int_equal(vm16_write(vm, 0x28 * 4, vec, 4), 0);
	vm16_pass_time(vm, 1000000);
	assert_int_equal(vmload_run_to_stop(vm, 1000000), VM16_STOP_IDLE);
	assert_true(vm16_idle_ns(vm) <= 55000000);
	assert_int_equal(vm16_write(vm, 0x28 * 4, old, 4), 0);
	vm16_pass_time(vm, vm16_idle_ns(vm));
	assert_int_equal(vmload_run_to_stop(vm, 1000000), VM16_STOP_IDLE);
	assert_true(vm16_idle_ns(vm) == UINT64_MAX);
	/* Input ends it. */
	assert_int_equal(vm16_type(vm, "exit\r"), 0);
	for (int k = 0; k < 200 && (st = vm16_run(vm, 1000000)) != VM16_STOP_EXIT; k++)
		if (st == VM16_STOP_IDLE)
			vm16_pass_time(vm, vm16_idle_ns(vm) == UINT64_MAX ? 1000000 : vm16_idle_ns(vm));
	assert_int_equal(st, VM16_STOP_EXIT);
	dos_destroy(dv.dos);
	vm16_destroy(vm);
	rmdir(dv.dir);
}

int main(int argc, char **argv)
{
	bin_dir = argc > 1 ? argv[1] : ".";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bios_peek_loop_idles),
		cmocka_unit_test(test_bios_peek_loop_batch),
		cmocka_unit_test(test_key_wakes_poller),
		cmocka_unit_test(test_sensitivity_zero),
		cmocka_unit_test(test_sensitivity_live),
		cmocka_unit_test(test_busy_poller_not_throttled),
		cmocka_unit_test(test_sensitivity_mapping),
		cmocka_unit_test(test_nested_polls),
		cmocka_unit_test(test_dos_polls_idle),
		cmocka_unit_test(test_dos_prompt_sleeps_deep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
