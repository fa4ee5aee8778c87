/*
 * vm_test.c - the VM16 API end to end: the control block and its errors,
 * supervisor calls, the interrupt capture table and hook chains, port
 * ownership, fault isolation between VMs, and IRQ 0 from the virtual PIT
 * through the virtual PIC into a guest handler. Guest programs are NASM
 * files built next to this test (argv[1] is their directory).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mvdm/vdd.h"
#include "mvdm/vm16.h"

static const char *bin_dir, *plugin_path, *old_plugin_path;

static struct vm *load(const char *name, const struct vm16_config *cfg_in)
{
	struct vm16_config cfg;
	if (cfg_in)
		cfg = *cfg_in;
	else
		vm16_config_default(&cfg);
	char err[256], path[512];
	struct vm *vm = NULL;
	assert_int_equal(vm16_create(&cfg, &vm, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/%s", bin_dir, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	uint8_t buf[4096];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(vm16_load_image(vm, 0x1000, 0x100, buf, n), 0);
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	r.cs = r.ds = r.es = r.ss = 0x1000;
	r.eip = 0x100;
	r.esp = 0xFFFE;
	vm16_set_regs(vm, &r);
	return vm;
}

static void test_config_errors(void **state)
{
	(void)state;
	struct vm16_config cfg;
	char err[256];
	vm16_config_default(&cfg);
	assert_int_equal(vm16_config_check(&cfg, err, sizeof(err)), 0);
	cfg.direct_hw = true;
	assert_int_equal(vm16_config_check(&cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "exclusive"));
	cfg.task_mode = VM16_EXCLUSIVE;
	assert_int_equal(vm16_config_check(&cfg, err, sizeof(err)), 0);
	vm16_config_default(&cfg);
	cfg.mem_4k = 200;
	assert_int_equal(vm16_config_check(&cfg, err, sizeof(err)), -EINVAL);
	vm16_config_default(&cfg);
	cfg.capture[0x08 / 32] &= ~(1u << 0x08); /* serve the timer interrupt in the host */
	assert_int_equal(vm16_config_check(&cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "INT 08h"));
	/* A refused configuration builds nothing. */
	struct vm *vm = (struct vm *)0x1;
	assert_int_equal(vm16_create(&cfg, &vm, err, sizeof(err)), -EINVAL);
	assert_ptr_equal(vm, (struct vm *)0x1);
	vm16_config_default(&cfg);
	cfg.video_full_screen = true;
	cfg.use_video = false;
	assert_int_equal(vm16_config_check(&cfg, err, sizeof(err)), -EINVAL);
}

static int svc_double(struct vm *vm, void *ctx, uint8_t n)
{
	(void)ctx;
	(void)n;
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	r.eax = (r.eax & 0xFFFF0000u) | (uint16_t)(r.eax * 2);
	vm16_set_regs(vm, &r);
	return 0;
}

static int int21_add100(struct vm *vm, void *ctx, uint8_t vector)
{
	(void)ctx;
	(void)vector;
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	r.eax += 100;
	vm16_set_regs(vm, &r);
	return 0;
}

/* svc.bin with SVC 40 (doubles AX) and INT 21h (adds 100) served in the host. */
static struct vm *load_svc_vm(void)
{
	struct vm16_config cfg;
	vm16_config_default(&cfg);
	cfg.capture[0x21 / 32] &= ~(1u << (0x21 % 32));
	struct vm *vm = load("svc.bin", &cfg);
	assert_int_equal(vm16_set_svc(vm, 40, svc_double, NULL), 0);
	assert_int_equal(vm16_set_int_handler(vm, 0x21, int21_add100, NULL), 0);
	return vm;
}

static void test_svc_and_capture(void **state)
{
	(void)state;
	struct vm *vm = load_svc_vm();
	assert_int_equal(vm16_set_svc(vm, VM16_SVC_EXIT, svc_double, NULL), -EBUSY);
	assert_int_equal(vm16_set_svc(vm, 10, svc_double, NULL), -EBUSY);
	assert_int_equal(vm16_set_int_handler(vm, 0x60, int21_add100, NULL), -EINVAL); /* reflected */
	assert_int_equal(vm16_run(vm, 100000), VM16_STOP_EXIT);
	assert_int_equal(vm16_exit_code(vm), 117);
	vm16_destroy(vm);
}

static int hook_calls;

static bool hook_consume(struct vm *vm, void *ctx, uint8_t vector)
{
	(void)vector;
	hook_calls++;
	if (ctx) { /* consume: do what the guest handler would have done, and more */
		struct vm16_regs r;
		vm16_get_regs(vm, &r);
		r.eax += 1000;
		vm16_set_regs(vm, &r);
		return true;
	}
	return false;
}

static void test_hook_chain(void **state)
{
	(void)state;
	struct vm *vm = load_svc_vm();
	/* Older hook consumes, newer one passes: newest runs first, then the
	 * older consumes INT 60h, so the guest handler (+7) never runs. */
	hook_calls = 0;
	assert_int_equal(vm16_hook_int(vm, 0x60, hook_consume, (void *)1), 0);
	assert_int_equal(vm16_hook_int(vm, 0x60, hook_consume, NULL), 0);
	assert_int_equal(vm16_run(vm, 100000), VM16_STOP_EXIT);
	assert_int_equal(hook_calls, 2);
	assert_int_equal(vm16_exit_code(vm), (110 + 1000) & 0xFF);
	vm16_destroy(vm);
}

static uint32_t dummy_read(void *inst, uint16_t port, unsigned size)
{
	(void)inst;
	(void)port;
	(void)size;
	return 0;
}

static void dummy_write(void *inst, uint16_t port, unsigned size, uint32_t v)
{
	(void)inst;
	(void)port;
	(void)size;
	(void)v;
}

static void test_port_conflict_names_owners(void **state)
{
	(void)state;
	struct vm *vm = load("spin.bin", NULL);
	assert_int_equal(vdd_claim_ports(vm, "sound", 0x42, 0x42, NULL, dummy_read, dummy_write), -EBUSY);
	assert_non_null(strstr(vm16_error(vm), "sound"));
	assert_non_null(strstr(vm16_error(vm), "pit"));
	assert_int_equal(vdd_claim_ports(vm, "sound", 0x220, 0x22F, NULL, dummy_read, dummy_write), 0);
	vm16_destroy(vm);
}

static void test_fault_isolated(void **state)
{
	(void)state;
	struct vm *bad = load("fault.bin", NULL), *good = load("spin.bin", NULL);
	enum vm16_stop sb = VM16_STOP_SLICE, sg = VM16_STOP_SLICE;
	for (int k = 0; k < 1000 && (sb == VM16_STOP_SLICE || sg == VM16_STOP_SLICE); k++) {
		if (sb == VM16_STOP_SLICE)
			sb = vm16_run(bad, 500);
		if (sg == VM16_STOP_SLICE)
			sg = vm16_run(good, 500);
	}
	assert_int_equal(sb, VM16_STOP_FAULT);
	assert_non_null(strstr(vm16_error(bad), "invalid opcode"));
	assert_non_null(strstr(vm16_error(bad), "1000:0105"));
	assert_non_null(strstr(vm16_error(bad), "0F FF"));
	assert_int_equal(sg, VM16_STOP_EXIT);
	assert_int_equal(vm16_exit_code(good), 0xFC);
	/* An ended VM stays ended. */
	assert_int_equal(vm16_run(bad, 100), VM16_STOP_FAULT);
	vm16_destroy(bad);
	vm16_destroy(good);
}

static void test_timer_ticks(void **state)
{
	(void)state;
	struct vm *vm = load("ticks.bin", NULL);
	enum vm16_stop s = VM16_STOP_SLICE;
	for (int k = 0; k < 100000 && s != VM16_STOP_EXIT && s != VM16_STOP_FAULT; k++)
		s = vm16_run(vm, 100000);
	assert_int_equal(s, VM16_STOP_EXIT);
	assert_int_equal(vm16_exit_code(vm), 18);
	/* 18 ticks of 65536 PIT clocks at 1.193182 MHz: 0.989 s of virtual time. */
	uint64_t ns = vm16_clock_ns(vm);
	assert_true(ns > 980000000ull && ns < 1000000000ull);
	vm16_destroy(vm);
}

static void test_bios_services(void **state)
{
	(void)state;
	struct vm16_config cfg;
	vm16_config_default(&cfg);
	cfg.mem_4k = 128;                 /* 512 KiB */
	cfg.start_time = 1795219200 + 43200; /* 2026-11-21 12:00:00 UTC */
	struct vm *vm = load("bios.bin", &cfg);
	enum vm16_stop s = VM16_STOP_SLICE;
	for (int k = 0; k < 100000 && s == VM16_STOP_SLICE; k++)
		s = vm16_run(vm, 100000);
	assert_int_equal(s, VM16_STOP_EXIT);
	uint16_t res[8];
	assert_int_equal(vm16_read(vm, 0x10180, res, sizeof(res)), 0);
	assert_int_equal(res[0], 0x0020);  /* equipment: 80x25 colour, no floppy */
	assert_int_equal(res[1], 512);     /* KiB */
	uint32_t noon = (uint32_t)(43200ull * 1193182u / 65536u);
	assert_int_equal(res[2] | (uint32_t)res[3] << 16, noon); /* ticks at start (CX:DX) */
	assert_int_equal(res[4], 5);       /* waited five ticks */
	assert_int_equal(res[5], 2);       /* set to 0001:0002 */
	assert_int_equal(res[6], 1);
	assert_int_equal(res[7], 0xFFFF);  /* unsupported function: CF */
	vm16_destroy(vm);
}

static enum vm16_stop run_to_end(struct vm *vm)
{
	enum vm16_stop s = VM16_STOP_SLICE;
	for (int k = 0; k < 100000 && s == VM16_STOP_SLICE; k++)
		s = vm16_run(vm, 100000);
	return s;
}

static void test_video_text(void **state)
{
	(void)state;
	struct vm *vm = load("video.bin", NULL);
	assert_int_equal(run_to_end(vm), VM16_STOP_EXIT);
	static struct vm16_screen s;
	assert_int_equal(vm16_screen(vm, &s), 0);
	assert_int_equal(s.mode, 3);
	assert_int_equal(s.cols, 80);
	assert_int_equal(s.rows, 25);
	/* "Hi" went up with the scrolling: 31 CR LF from row 0 -> off screen. */
	assert_int_equal(s.cells[0], 0x4F44);            /* direct write */
	assert_int_equal(s.cells[2 * 80 + 10], 0x1E5A);  /* AH=09h 'Z' */
	assert_int_equal(s.cells[2 * 80 + 12], 0x1E5A);
	assert_int_equal(s.cells[2 * 80 + 13], 0x0720);  /* cleared cell */
	for (unsigned k = 0; k < 80u * 25; k++)
		assert_true((s.cells[k] & 0xFF) != 'H' && (s.cells[k] & 0xFF) != 'i');
	assert_int_equal(s.cursor_row, 5);                /* CRTC written by the guest */
	assert_int_equal(s.cursor_col, 7);
	assert_true(s.cursor_visible);
	vm16_destroy(vm);

	vm = load("video50.bin", NULL);
	assert_int_equal(run_to_end(vm), VM16_STOP_EXIT);
	assert_int_equal(vm16_exit_code(vm), 49);
	assert_int_equal(vm16_screen(vm, &s), 0);
	assert_int_equal(s.rows, 50);
	vm16_destroy(vm);

	/* Without video there is no screen. */
	struct vm16_config cfg;
	vm16_config_default(&cfg);
	cfg.use_video = false;
	vm = load("spin.bin", &cfg);
	assert_int_equal(vm16_screen(vm, &s), -1);
	vm16_destroy(vm);
}

static void test_keyboard_input(void **state)
{
	(void)state;
	struct vm *vm = load("keys.bin", NULL);
	/* No key yet: the program waits in INT 16h and the VM goes idle. */
	enum vm16_stop s = VM16_STOP_SLICE;
	for (int k = 0; k < 1000 && s == VM16_STOP_SLICE; k++)
		s = vm16_run(vm, 100000);
	/* The 18.2 Hz timer keeps waking it: idle means "nothing but timers"
	 * is not reached; what matters is that it has not finished. */
	assert_true(s == VM16_STOP_SLICE || s == VM16_STOP_IDLE);
	assert_int_equal(vm16_type(vm, "aB\r"), 0);
	assert_int_equal(run_to_end(vm), VM16_STOP_EXIT);
	assert_int_equal(vm16_exit_code(vm), 1);
	uint16_t res[3];
	assert_int_equal(vm16_read(vm, 0x10180, res, sizeof(res)), 0);
	assert_int_equal(res[0], 0x1E61); /* 'a' */
	assert_int_equal(res[1], 0x3042); /* 'B' (shift) */
	assert_int_equal(res[2], 0x1C0D); /* Enter */
	vm16_destroy(vm);
}

static void test_rtc(void **state)
{
	(void)state;
	struct vm16_config cfg;
	vm16_config_default(&cfg);
	cfg.start_time = 1795219200 + 12 * 3600 + 34 * 60 + 56; /* 2026-11-21 12:34:56 UTC */
	struct vm *vm = load("rtc.bin", &cfg);
	assert_int_equal(run_to_end(vm), VM16_STOP_EXIT);
	uint16_t res[4];
	assert_int_equal(vm16_read(vm, 0x10180, res, sizeof(res)), 0);
	assert_int_equal(res[0], 0x1234); /* CH hours, CL minutes (BCD) */
	assert_int_equal(res[1] >> 8, 0x56); /* DH seconds */
	assert_int_equal(res[2], 0x2026); /* CH century, CL year */
	assert_int_equal(res[3], 0x1121); /* DH month, DL day */
	vm16_destroy(vm);
}

static void test_plugin_vdd(void **state)
{
	(void)state;
	struct vm16_config cfg;
	vm16_config_default(&cfg);
	const char *plugins[] = { plugin_path, NULL };
	cfg.plugins = plugins;
	struct vm *vm = load("mailbox.bin", &cfg);
	assert_int_equal(run_to_end(vm), VM16_STOP_EXIT);
	assert_int_equal(vm16_exit_code(vm), 3);
	uint32_t count = 0;
	size_t len = sizeof(count);
	int ch = vm16_vdd_open(vm, "mailbox");
	assert_true(ch >= 0);
	assert_int_equal(vm16_vdd_request(vm, ch, 1, NULL, 0, &count, &len), 0);
	assert_int_equal(count, 3);
	assert_int_equal(len, sizeof(count));
	assert_int_equal(vm16_vdd_request(vm, ch, 9, NULL, 0, &count, &len), -EINVAL);
	assert_int_equal(vm16_vdd_close(vm, ch), 0);
	assert_int_equal(vm16_vdd_request(vm, ch, 1, NULL, 0, &count, &len), -EBADF);
	assert_int_equal(vm16_vdd_open(vm, "pit"), -ENOSYS);
	assert_int_equal(vm16_vdd_open(vm, "nosuch"), -ENOENT);
	assert_true(vm16_vdd_open(vm, "mailbox") >= 0); /* left open: closed with the VM */
	vm16_destroy(vm);

	/* A global VDD: two VMs of one host share its instance. */
	struct vm16_host *host;
	assert_int_equal(vm16_host_create(&host), 0);
	cfg.host = host;
	struct vm *a = load("mailbox.bin", &cfg), *b = load("mailbox.bin", &cfg);
	assert_int_equal(run_to_end(a), VM16_STOP_EXIT);
	assert_int_equal(run_to_end(b), VM16_STOP_EXIT);
	assert_int_equal(vm16_exit_code(b), 3); /* per-VM count */
	ch = vm16_vdd_open(b, "mailbox");
	len = sizeof(count);
	assert_int_equal(vm16_vdd_request(b, ch, 2, NULL, 0, &count, &len), 0);
	assert_int_equal(count, 6); /* both VMs' writes */
	vm16_destroy(a);
	vm16_destroy(b);
	vm16_host_destroy(host);
	cfg.host = NULL;

	/* A plug-in for another ABI is refused, naming both versions. */
	const char *old[] = { old_plugin_path, NULL };
	cfg.plugins = old;
	char err[256];
	assert_int_equal(vm16_create(&cfg, &vm, err, sizeof(err)), -EPROTO);
	assert_non_null(strstr(err, "ABI 42"));
	assert_non_null(strstr(err, "mvdm has 1"));
	const char *missing[] = { "/nonexistent/vdd.so", NULL };
	cfg.plugins = missing;
	assert_true(vm16_create(&cfg, &vm, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "cannot load VDD plug-in"));
}

static void test_io_permission(void **state)
{
	(void)state;
	struct vm16_config cfg;
	vm16_config_default(&cfg);
	cfg.io_strict = true;
	struct vm *vm = load("strict.bin", &cfg);
	assert_int_equal(run_to_end(vm), VM16_STOP_FAULT);
	assert_non_null(strstr(vm16_error(vm), "port 02F0h"));
	assert_non_null(strstr(vm16_error(vm), "1000:0104"));
	assert_non_null(strstr(vm16_error(vm), "EC"));
	vm16_destroy(vm);
	/* Lenient by default: the read gives all ones. */
	vm = load("strict.bin", NULL);
	assert_int_equal(run_to_end(vm), VM16_STOP_EXIT);
	assert_int_equal(vm16_exit_code(vm), 0xFF);
	vm16_destroy(vm);
}

static int focus_calls;

static void test_nested_execution(void **state)
{
	(void)state;
	struct vm *vm = load("nest.bin", NULL);
	assert_int_equal(vm16_run(vm, 1000), VM16_STOP_SLICE); /* installs INT 60h, spins */
	struct vm16_regs before, after;
	vm16_get_regs(vm, &before);
	assert_int_equal(vm16_simulate_int(vm, 0x60, 10000), 0);
	assert_int_equal(vm16_simulate_int(vm, 0x60, 10000), 0);
	uint16_t count;
	assert_int_equal(vm16_read(vm, 0x10180, &count, 2), 0);
	assert_int_equal(count, 2);
	vm16_get_regs(vm, &after);
	assert_int_equal(after.ebx & 0xFFFF, 0x1234); /* the handler's registers */
	assert_int_equal(after.cs, before.cs);         /* CS:IP and SP restored */
	assert_int_equal(after.eip, before.eip);
	assert_int_equal(after.esp, before.esp);
	struct vm16_regs r = after;
	r.eax = 10;
	vm16_set_regs(vm, &r);
	assert_int_equal(vm16_call_far(vm, 0x1000, 0x170, 10000), 0);
	vm16_get_regs(vm, &after);
	assert_int_equal(after.eax & 0xFFFF, 15);
	assert_int_equal(after.eip, before.eip);
	/* A handler that never returns: the host gets control back. */
	assert_int_equal(vm16_call_far(vm, 0x1000, 0x110, 5000), -ETIMEDOUT);
	(void)focus_calls;
	vm16_set_focus(vm, true);
	vm16_psp_changed(vm, 0x1000);
	vm16_destroy(vm);
}

static void test_irq_masking(void **state)
{
	(void)state;
	struct vm *vm = load("irqmask.bin", NULL);
	assert_int_equal(run_to_end(vm), VM16_STOP_EXIT);
	assert_int_equal(vm16_exit_code(vm), 0 * 16 + 3);
	vm16_destroy(vm);
}

static void test_int09_hook_reads_port60(void **state)
{
	(void)state;
	struct vm *vm = load("kbdhook.bin", NULL);
	assert_int_equal(vm16_run(vm, 1000), VM16_STOP_SLICE);
	assert_int_equal(vm16_key(vm, 0x1E, false, true), 0);  /* 'A' down */
	assert_int_equal(vm16_key(vm, 0x1E, false, false), 0); /* 'A' up */
	assert_int_equal(run_to_end(vm), VM16_STOP_EXIT);
	uint8_t res[4];
	assert_int_equal(vm16_read(vm, 0x10180, res, sizeof(res)), 0);
	assert_int_equal(res[0], 0x1E);
	assert_int_equal(res[1], 0x9E);
	assert_int_equal(res[2] | res[3] << 8, 0x1E61);
	vm16_destroy(vm);
}

static unsigned mmio_writes;

static uint8_t mmio_read(void *inst, uint32_t addr)
{
	(void)inst;
	return (addr & 0xFFF) == 0 ? (uint8_t)mmio_writes : (uint8_t)addr;
}

static void mmio_write(void *inst, uint32_t addr, uint8_t v)
{
	(void)inst;
	(void)addr;
	(void)v;
	mmio_writes++;
}

static void test_memory_ranges(void **state)
{
	(void)state;
	struct vm *vm = load("mmio.bin", NULL);
	mmio_writes = 0;
	assert_int_equal(vdd_claim_memory(vm, "test device", 0xD0000, 0x1000, NULL, mmio_read, mmio_write), 0);
	/* Overlaps are refused, naming both owners. */
	assert_int_equal(vdd_claim_memory(vm, "other", 0xB8000, 0x1000, NULL, mmio_read, mmio_write), -EBUSY);
	assert_non_null(strstr(vm16_error(vm), "vga"));
	assert_int_equal(vdd_claim_memory(vm, "other", 0xD0000, 0x2000, NULL, mmio_read, mmio_write), -EBUSY);
	assert_non_null(strstr(vm16_error(vm), "test device"));
	assert_int_equal(vdd_claim_memory(vm, "other", 0xD0100, 0x1000, NULL, mmio_read, mmio_write), -EINVAL);
	assert_int_equal(run_to_end(vm), VM16_STOP_EXIT);
	assert_int_equal(mmio_writes, 3);
	assert_int_equal(vm16_exit_code(vm), 0x10 + 3);
	vm16_destroy(vm);
}

static unsigned host_ticks;

static void host_tick(struct vm *vm, void *ctx, unsigned irq)
{
	(void)vm;
	(void)ctx;
	assert_int_equal(irq, 0);
	host_ticks++;
}

static void test_irq_redirection(void **state)
{
	(void)state;
	struct vm16_config cfg;
	vm16_config_default(&cfg);
	char err[256];
	struct vm *vm;
	cfg.irq_host = 1u << 2;
	assert_int_equal(vm16_create(&cfg, &vm, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "IRQ 2"));
	/* IRQ 0 handled in the host: the guest's INT 08h hook sees nothing. */
	cfg.irq_host = 1u << 0;
	vm = load("irqmask.bin", &cfg);
	host_ticks = 0;
	assert_int_equal(vm16_set_irq_handler(vm, 0, host_tick, NULL), 0);
	assert_int_equal(vm16_set_irq_handler(vm, 1, host_tick, NULL), -EINVAL);
	for (int k = 0; k < 200; k++)
		vm16_run(vm, 100000);
	assert_true(host_ticks >= 3);
	/* The guest waits for ticks of its own that never come. */
	assert_true(vm16_run(vm, 100000) != VM16_STOP_EXIT);
	vm16_destroy(vm);
}

static void test_speaker(void **state)
{
	(void)state;
	struct vm *vm = load("beep.bin", NULL);
	bool on = true;
	uint32_t hz = 1;
	assert_int_equal(vm16_speaker(vm, &on, &hz), 0);
	assert_false(on);
	assert_int_equal(run_to_end(vm), VM16_STOP_EXIT);
	assert_int_equal(vm16_exit_code(vm), 3);
	assert_int_equal(vm16_speaker(vm, &on, &hz), 0);
	assert_true(on);
	assert_int_equal(hz, 1000); /* 1193182 / 1193 */
	vm16_destroy(vm);
}

struct listed {
	int n;
	char names[8][32];
	int64_t values[8];
};

static void list_one(void *ctx, const char *name, bool is_bool, int64_t value, int64_t def, int64_t min,
		     int64_t max, const char *help)
{
	(void)is_bool;
	(void)def;
	(void)min;
	(void)max;
	assert_non_null(help);
	struct listed *l = ctx;
	if (l->n < 8) {
		snprintf(l->names[l->n], sizeof(l->names[0]), "%s", name);
		l->values[l->n++] = value;
	}
}

static void test_settings(void **state)
{
	(void)state;
	struct vm16_config cfg;
	vm16_config_default(&cfg);
	char err[256];
	struct vm *vm = NULL;
	const char *bad_name[] = { "VIDEO_COLS=40", NULL };
	cfg.settings = bad_name;
	assert_int_equal(vm16_create(&cfg, &vm, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "unknown setting VIDEO_COLS"));
	const char *bad_range[] = { "RTC_UTC_OFFSET=9999", NULL };
	cfg.settings = bad_range;
	assert_int_equal(vm16_create(&cfg, &vm, err, sizeof(err)), -ERANGE);
	assert_non_null(strstr(err, "-720 to 840"));
	const char *bad_type[] = { "KBD_NUMLOCK=maybe", NULL };
	cfg.settings = bad_type;
	assert_int_equal(vm16_create(&cfg, &vm, err, sizeof(err)), -EINVAL);
	const char *bad_rows[] = { "VIDEO_ROWS=43", NULL };
	cfg.settings = bad_rows;
	assert_int_equal(vm16_create(&cfg, &vm, err, sizeof(err)), -ERANGE);
	assert_non_null(strstr(err, "25 or 50"));
	/* Good settings take effect. */
	const char *good[] = { "video_rows=50", "RTC_UTC_OFFSET=60", "KBD_NUMLOCK=on", NULL };
	cfg.settings = good;
	cfg.start_time = 1795219200 + 12 * 3600 + 34 * 60 + 56;
	vm = load("rtc.bin", &cfg);
	struct listed l = { 0 };
	vm16_list_settings(vm, list_one, &l);
	assert_int_equal(l.n, 3);
	assert_int_equal(run_to_end(vm), VM16_STOP_EXIT);
	uint16_t res[4];
	assert_int_equal(vm16_read(vm, 0x10180, res, sizeof(res)), 0);
	assert_int_equal(res[0], 0x1334); /* 12:34 UTC + 60 minutes */
	static struct vm16_screen s;
	assert_int_equal(vm16_screen(vm, &s), 0);
	assert_int_equal(s.rows, 50);
	uint8_t shift;
	assert_int_equal(vm16_read(vm, 0x417, &shift, 1), 0);
	assert_int_equal(shift & 0x20, 0x20);
	vm16_destroy(vm);
}

static void test_idle_pacing(void **state)
{
	(void)state;
	struct vm16_config cfg;
	vm16_config_default(&cfg);
	cfg.pace_idle = true;
	struct vm *vm = load("keys.bin", &cfg);
	/* Waiting for a key: the VM stops as idle with the next timer tick due
	 * within 55 ms, and virtual time does not race ahead. */
	assert_int_equal(vm16_run(vm, 100000), VM16_STOP_IDLE);
	uint64_t t0 = vm16_clock_ns(vm), idle = vm16_idle_ns(vm);
	assert_true(idle > 0 && idle <= 55000000); /* one 18.2 Hz period, + a PIT clock */
	assert_int_equal(vm16_run(vm, 100000), VM16_STOP_IDLE);
	assert_true(vm16_clock_ns(vm) - t0 < 1000000);
	vm16_pass_time(vm, idle); /* the host slept until the tick */
	assert_true(vm16_clock_ns(vm) >= t0 + idle);
	assert_int_equal(vm16_type(vm, "xyz"), 0);
	enum vm16_stop s = VM16_STOP_IDLE;
	for (int k = 0; k < 100 && s != VM16_STOP_EXIT; k++) {
		s = vm16_run(vm, 100000);
		if (s == VM16_STOP_IDLE)
			vm16_pass_time(vm, vm16_idle_ns(vm) == UINT64_MAX ? 1000000 : vm16_idle_ns(vm));
	}
	assert_int_equal(s, VM16_STOP_EXIT);
	vm16_destroy(vm);
}

static void test_rtc_set(void **state)
{
	(void)state;
	struct vm *vm = load("rtcset.bin", NULL);
	assert_int_equal(run_to_end(vm), VM16_STOP_EXIT);
	uint16_t res[5];
	assert_int_equal(vm16_read(vm, 0x10180, res, sizeof(res)), 0);
	assert_int_equal(res[0], 0x2359);
	assert_int_equal(res[1] >> 8, 0x58);
	assert_int_equal(res[2], 0x1999);
	assert_int_equal(res[3], 0x1231);
	assert_int_equal(res[4], 0xFFFF);
	vm16_destroy(vm);
}

static void test_many_vms(void **state)
{
	(void)state;
	enum { N = 64 };
	struct vm *vms[N];
	for (int k = 0; k < N; k++)
		vms[k] = load("spin.bin", NULL);
	int done = 0;
	for (int round = 0; round < 100 && done < N; round++)
		for (int k = 0; k < N; k++)
			if (vms[k] && vm16_run(vms[k], 1000) == VM16_STOP_EXIT) {
				assert_int_equal(vm16_exit_code(vms[k]), 0xFC);
				vm16_destroy(vms[k]);
				vms[k] = NULL;
				done++;
			}
	assert_int_equal(done, N);
}

int main(int argc, char **argv)
{
	bin_dir = argc > 1 ? argv[1] : ".";
	plugin_path = argc > 2 ? argv[2] : "example_vdd.so";
	old_plugin_path = argc > 3 ? argv[3] : "old_abi_vdd.so";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_svc_and_capture),
		cmocka_unit_test(test_hook_chain),
		cmocka_unit_test(test_port_conflict_names_owners),
		cmocka_unit_test(test_fault_isolated),
		cmocka_unit_test(test_timer_ticks),
		cmocka_unit_test(test_bios_services),
		cmocka_unit_test(test_video_text),
		cmocka_unit_test(test_keyboard_input),
		cmocka_unit_test(test_rtc),
		cmocka_unit_test(test_plugin_vdd),
		cmocka_unit_test(test_io_permission),
		cmocka_unit_test(test_nested_execution),
		cmocka_unit_test(test_irq_masking),
		cmocka_unit_test(test_int09_hook_reads_port60),
		cmocka_unit_test(test_memory_ranges),
		cmocka_unit_test(test_irq_redirection),
		cmocka_unit_test(test_speaker),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_idle_pacing),
		cmocka_unit_test(test_rtc_set),
		cmocka_unit_test(test_many_vms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
