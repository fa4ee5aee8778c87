/*
 * vm.c - the VM16 API: the control block, creating and destroying VMs, and
 * the monitor loop that runs a VM's CPU and handles what it exits for.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "vm/vm_internal.h"

/* The VM's CPU models are the core's (vm16_config.cpu is passed on). */
_Static_assert((int)VM16_CPU_8086 == (int)CPU_8086 && (int)VM16_CPU_80286 == (int)CPU_80286 &&
		       (int)VM16_CPU_80486 == (int)CPU_80486,
	       "enum vm16_cpu follows enum cpu_model");

/* Vectors that must go through the guest IVT: CPU exceptions and the
 * hardware interrupt vectors of both PICs (programs and BIOS hook them). */
static bool vector_must_reflect(unsigned v)
{
	return v < 0x10 || (v >= 0x70 && v <= 0x77);
}

void vm16_config_default(struct vm16_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->task_mode = VM16_CONCURRENT;
	cfg->use_video = true;
	memset(cfg->capture, 0xFF, sizeof(cfg->capture));
	cfg->mem_4k = 160;
	cfg->ext_kb = 16384;
	cfg->cpu = VM16_CPU_80386;
	cfg->insn_ns = 0;
}

int vm16_config_check(const struct vm16_config *cfg, char *err, size_t errlen)
{
	const char *why = NULL;
	char buf[128];
	if (cfg->task_mode != VM16_CONCURRENT && cfg->task_mode != VM16_EXCLUSIVE)
		why = "task mode must be concurrent or exclusive";
	else if (cfg->direct_hw && cfg->task_mode != VM16_EXCLUSIVE)
		why = "direct hardware access needs the exclusive task mode";
	else if (cfg->video_full_screen && !cfg->use_video)
		why = "full-screen video needs use_video";
	else if (cfg->mem_4k < 16 || cfg->mem_4k > 160)
		why = "memory size must be 16 to 160 blocks of 4 KiB (64 to 640 KiB)";
	else if (cfg->ext_kb % 64 || cfg->ext_kb > VM16_EXT_KB_MAX)
		why = "extended memory must be a multiple of 64 KiB up to 3 GiB";
	else if ((unsigned)cfg->cpu > VM16_CPU_80486)
		why = "unknown CPU model";
	if (!why && (cfg->irq_host & (1u << 2)))
		why = "IRQ 2 is the cascade of the second interrupt controller: it cannot be handled in the host";
	for (unsigned v = 0; !why && v < 256; v++) {
		if (vector_must_reflect(v) && !(cfg->capture[v / 32] & (1u << (v % 32)))) {
			snprintf(buf, sizeof(buf),
				 "INT %02Xh cannot be served in the host: it is a CPU exception or hardware interrupt vector",
				 v);
			why = buf;
		}
	}
	if (!why)
		return 0;
	if (err && errlen)
		snprintf(err, errlen, "%s", why);
	return -EINVAL;
}

int vm_fail(struct vm *vm, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(vm->error, sizeof(vm->error), fmt, ap);
	va_end(ap);
	return rc;
}

void vm_fault_text(struct vm *vm, const char *what, char *buf, size_t len)
{
	struct cpu *c = &vm->cpu;
	char bytes[3 * 8 + 1] = "";
	uint32_t base = c->seg_base[SEG_CS];
	/* Inside the CPU (a port handler), IP is already past the instruction. */
	uint32_t ip = vm->in_cpu ? c->in.insn_ip : c->ip;
	const enum cpu_mode mode = cpu_mode(c);
	const uint32_t mask = mode == CPU_MODE_PROT ? 0xFFFFFFFFu : 0xFFFF;
	for (unsigned k = 0; k < 6; k++)
		snprintf(bytes + 3 * k, sizeof(bytes) - 3 * k, "%02X ", cpu_peek8(c, base + ((ip + k) & mask)));
	if (bytes[0])
		bytes[strlen(bytes) - 1] = 0;
	if (mode == CPU_MODE_REAL)
		snprintf(buf, len, "%s at %04X:%04X (bytes %s)", what, c->seg[SEG_CS], (unsigned)ip, bytes);
	else
		snprintf(buf, len, "%s at %04X:%0*X (%s, CPL %u; bytes %s)", what, c->seg[SEG_CS],
			 mode == CPU_MODE_PROT ? 8 : 4, (unsigned)ip,
			 mode == CPU_MODE_PROT ? "protected mode" : "virtual-8086 mode", cpu_cpl(c), bytes);
}

void vm_end_fault(struct vm *vm, const char *what)
{
	/* what may be vm->error itself (a service's vm_fail text): copied
	 * first, or the text would be formatted into its own source (the
	 * empty "mvdm:  at 0070:0003" of issue 15, defect 5). */
	char copy[VM_ERR_LEN];
	snprintf(copy, sizeof(copy), "%s", what);
	vm_fault_text(vm, copy, vm->error, sizeof(vm->error));
	vm->ended = VM16_STOP_FAULT;
}

/* A triple fault: the CPU state is as at the first fault; the machine
 * resets (reset.c), and ends with this text if nothing resumes. */
static void vm_shutdown(struct vm *vm)
{
	const struct cpu_exit_info *x = &vm->cpu.exit;
	char what[96] = "triple fault (exceptions";
	size_t n = strlen(what);
	for (unsigned k = 0; k < x->chain_len && n < sizeof(what); k++)
		n += (size_t)snprintf(what + n, sizeof(what) - n, " %02Xh", x->chain[k]);
	snprintf(what + n, sizeof(what) - n, ")");
	char text[VM_ERR_LEN];
	vm_fault_text(vm, what, text, sizeof(text));
	vm_reset_cpu(vm, text, true);
}

/* The CPU takes an interrupt: the IRQs of the redirection map that are
 * handled in the host are served here (handler, then EOI) and the CPU
 * delivers nothing; the others go through the guest IVT. */
static int vm_intr_ack(void *ctx)
{
	struct vm *vm = ctx;
	uint8_t v = vm->intc.ack ? vm->intc.ack(vm->intc.inst) : 0x08;
	int irq = vm->intc.irq_of_vector ? vm->intc.irq_of_vector(vm->intc.inst, v) : -1;
	if (irq >= 0 && (vm->cfg.irq_host & (1u << irq))) {
		if (vm->irq_fn[irq]) {
			vm->irq_fn[irq](vm, vm->irq_ctx[irq], (unsigned)irq);
		} else if (!(vm->irq_logged & (1u << irq))) {
			vm->irq_logged |= (uint16_t)(1u << irq);
			vm16_log(vm, VM16_LOG_VM, "IRQ %d is handled in the host but has no handler (dropped)", irq);
		}
		if (vm->intc.eoi)
			vm->intc.eoi(vm->intc.inst, (unsigned)irq);
		vm_update_intr(vm);
		return -1;
	}
	vm_update_intr(vm);
	return v;
}

int vm16_set_irq_handler(struct vm *vm, unsigned irq, vm16_irq_fn fn, void *ctx)
{
	if (irq > 15 || !(vm->cfg.irq_host & (1u << irq)))
		return vm_fail(vm, -EINVAL, "IRQ %u is reflected to the guest by the redirection map", irq);
	vm->irq_fn[irq] = fn;
	vm->irq_ctx[irq] = ctx;
	return 0;
}

void vm_update_intr(struct vm *vm)
{
	cpu_set_irq(&vm->cpu, vm->intc.intr && vm->intc.intr(vm->intc.inst));
}

void vdd_set_irq(struct vm *vm, unsigned irq, bool level)
{
	if (vm->intc.set_irq && irq < 16) {
		vm->intc.set_irq(vm->intc.inst, irq, level);
		vm_update_intr(vm);
	}
}

void *vdd_instance(struct vm *vm, const char *name)
{
	for (unsigned k = 0; k < vm->nvdds; k++)
		if (strcmp(vm->vdds[k].ops->name, name) == 0)
			return vm->vdds[k].inst;
	return NULL;
}

int vm_add_vdd(struct vm *vm, const struct vdd_ops *ops)
{
	if (ops->abi != MVDM_VDD_ABI)
		return vm_fail(vm, -EPROTO, "VDD %s was built for VDD ABI %u, mvdm has %u", ops->name, ops->abi,
			       MVDM_VDD_ABI);
	if (vm->nvdds == VM_MAX_VDDS)
		return vm_fail(vm, -ENOSPC, "too many VDDs (%u)", VM_MAX_VDDS);
	void *inst = NULL, *private_global = NULL;
	if (ops->global_init) {
		int rc = vm_global_instance(vm, ops, &inst);
		if (rc < 0)
			return rc;
		if (!vm->cfg.host)
			private_global = inst;
	}
	int rc = ops->create(vm, &inst);
	if (rc < 0) {
		if (private_global && ops->global_fini)
			ops->global_fini(private_global);
		if (!vm->error[0])
			vm_fail(vm, rc, "VDD %s: create failed (%d)", ops->name, rc);
		return rc;
	}
	vm->vdds[vm->nvdds].ops = ops;
	vm->vdds[vm->nvdds].inst = inst;
	vm->vdds[vm->nvdds].private_global = private_global;
	vm->nvdds++;
	return 0;
}

int vm_machine_new(const struct vm16_config *cfg, const struct vdd_ops *const *builtin, unsigned nbuiltin,
		   const struct vdd_ops **ops, unsigned *nops_out, struct vm **out, char *err, size_t errlen)
{
	*out = NULL;
	int rc = vm16_config_check(cfg, err, errlen);
	if (rc < 0)
		return rc;
	struct vm *vm = calloc(1, sizeof(*vm));
	if (!vm) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	vm->cfg = *cfg;
	vm->log_mask = VM16_LOG_ALL;
	vm->events_due_min = UINT64_MAX; /* no events */
	unsigned nops = 0;
	for (unsigned k = 0; k < nbuiltin && k < VM_MAX_VDDS; k++)
		ops[nops++] = builtin[k];
	for (const char *const *p = cfg->plugins; p && *p; p++) {
		if (nops == VM_MAX_VDDS) {
			rc = vm_fail(vm, -ENOSPC, "too many VDDs (%u)", VM_MAX_VDDS);
			goto err;
		}
		rc = vm_load_plugin(vm, *p, &ops[nops]);
		if (rc < 0)
			goto err;
		nops++;
	}
	*nops_out = nops;
	/* All VDDs (built-in, then plug-ins) are known before any is created,
	 * so that the settings can be checked as a whole first. The core
	 * settings may change the CPU model and the memory size (vm->cfg):
	 * they are applied before the CPU and the memory are made. */
	rc = vm_settings_apply(vm, ops, nops, cfg->settings);
	if (rc < 0)
		goto err;
	vm_core_settings_apply(vm);
	vm->cfg.settings = NULL; /* applied: the caller's list need not outlive the call */
	/* Physical memory: 1 MiB, then extended memory (at least the HMA's
	 * 64 KiB, which the 8086 models map but cannot reach). Anonymous
	 * memory: zero, and a page costs nothing until touched. */
	vm->ram_size = 0x100000u + (vm->cfg.ext_kb > 64 ? vm->cfg.ext_kb : 64) * 1024u;
	if (vm->ram_size < VM_RAM_SIZE)
		vm->ram_size = VM_RAM_SIZE;
	vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		rc = vm_fail(vm, -ENOMEM, "cannot reserve %u KiB of guest memory", vm->ram_size / 1024);
		goto err;
	}
	vm->insn_ns = cfg->insn_ns ? cfg->insn_ns : 10; /* 100 MIPS of virtual time by default */
	struct cpu_bus bus = { .ctx = vm, .io_read = vm_io_read, .io_write = vm_io_write, .intr_ack = vm_intr_ack,
			       .mem_read8 = vm_mem_read8, .mem_write8 = vm_mem_write8,
			       .fpu_error = vm_fpu_error };
	cpu_init_zeroed(&vm->cpu, (enum cpu_model)vm->cfg.cpu, &bus); /* vm: calloc()'d, untouched */
	cpu_set_fpu(&vm->cpu, (enum cpu_fpu)vm->fpu);
	/* JIT: the host's code area; auto keeps cpu_init()'s default */
	cpu_set_jit_area(&vm->cpu, vm_host_jit_area(vm));
	if (vm->jit == 1)
		cpu_set_jit(&vm->cpu, CPU_JIT_OFF);
	else if (vm->jit == 2)
		cpu_set_jit(&vm->cpu, CPU_JIT_FORCE);
	if (vdd_property(vm, "CPU_MODEL") == VM_CPU_CHOICE_8088)
		cpu_set_8bit_bus(&vm->cpu, true); /* the 8086 with the 8088's 4-byte queue */
	if (vdd_property(vm, "CPU_PREFETCH"))
		cpu_set_prefetch(&vm->cpu, true);
	if (vdd_property(vm, "CODE_CACHE_SIZE") != 16384)
		cpu_set_block_cache_limit(&vm->cpu, (size_t)vdd_property(vm, "CODE_CACHE_SIZE") << 10);
	if (vdd_property(vm, "CODE_SHARING")) {
		/* The host's store, or the VM's own (programs it runs again). */
		struct cpu_code_store *cs = vm->cfg.host ? vm_host_code_store(vm->cfg.host) : NULL;
		if (!vm->cfg.host && cpu_code_store_create(&vm->own_code, VM_OWN_CODE_STORE) == 0)
			cs = vm->own_code;
		cpu_set_code_store(&vm->cpu, cs); /* (no memory: none) */
	}
	vm->a20 = vm->cfg.cpu >= VM16_CPU_80286; /* cpu_init: A20 on for the 286 and later */
	for (unsigned p = 0; p < VM_PAGES; p++)
		vm->page_phys[p] = VM_PHYS_NONE;
	uint32_t conv = vm->cfg.mem_4k * CPU_PAGE_SIZE;
	/* The VDDs' guest code page lies inside the ROM's 64 KiB (bios.asm
	 * keeps it free; bios_install maps the ROM around it). */
	vm->stub_base = VM_STUB_BASE;
	if (vm_map_ram_owned(vm, "conventional memory", 0, conv, true) < 0 ||
	    vm_map_ram_owned(vm, "VDD guest code", VM_STUB_BASE, CPU_PAGE_SIZE, true) < 0 ||
	    vm_map_ram_owned(vm, "HMA", 0x100000, 0x10000, true) < 0 ||
	    cpu_map_ram(&vm->cpu, VM_RAM_SIZE, vm->ram_size - VM_RAM_SIZE, vm->ram + VM_RAM_SIZE, true) < 0 ||
	    cpu_map_ram(&vm->cpu, vm_rom_alias(vm), bios_rom_pages() * CPU_PAGE_SIZE, vm->ram + VM_ROM_BASE,
			false) < 0) {
		rc = vm_fail(vm, -EINVAL, "cannot map guest memory");
		goto err;
	}
	rc = mem_init(vm);
	if (rc < 0)
		goto err;
	vm->start_time = cfg->start_time ? cfg->start_time : (int64_t)time(NULL);
	*out = vm;
	return 0;
err:
	if (err && errlen)
		snprintf(err, errlen, "%s", vm->error[0] ? vm->error : "cannot make the VM");
	vm16_destroy(vm);
	return rc;
}

int vm_vdds_create_done(struct vm *vm)
{
	for (unsigned k = 0; k < vm->nvdds; k++) {
		if (vm->vdds[k].ops->create_done) {
			int rc = vm->vdds[k].ops->create_done(vm, vm->vdds[k].inst);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

void vm_machine_ready(struct vm *vm)
{
	vm_cpu_controls(vm);
}

void vm16_destroy(struct vm *vm)
{
	if (!vm)
		return;
	for (int k = 0; k < VM_MAX_CHANNELS; k++)
		if (vm->channels[k].vdd)
			vm16_vdd_close(vm, k);
	for (unsigned k = vm->nvdds; k-- > 0;) {
		if (vm->vdds[k].ops->terminate)
			vm->vdds[k].ops->terminate(vm, vm->vdds[k].inst);
		if (vm->vdds[k].private_global && vm->vdds[k].ops->global_fini)
			vm->vdds[k].ops->global_fini(vm->vdds[k].private_global);
	}
	cpu_destroy(&vm->cpu);
	cpu_code_store_destroy(vm->own_code);
	mem_destroy(vm);
	vm_unload_plugins(vm);
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	free(vm);
}

bool vm16_destroy_frees_only(const struct vm *vm)
{
	for (int k = 0; k < VM_MAX_CHANNELS; k++)
		if (vm->channels[k].vdd)
			return false; /* its VDD's close hook */
	if (vm->nplugins)
		return false; /* hooks and destructors of code we do not know */
	/* Every VDD is built in (pc.c): their terminate hooks free memory
	 * and nothing else, and none has global_fini. */
	size_t nb;
	const struct vdd_ops *const *builtin = vm_builtin_vdds(&nb);
	for (unsigned k = 0; k < vm->nvdds; k++) {
		bool known = false;
		for (size_t j = 0; j < nb && !known; j++)
			known = vm->vdds[k].ops == builtin[j];
		if (!known || vm->vdds[k].ops->global_fini)
			return false;
	}
	return true;
}

void vm16_set_focus(struct vm *vm, bool foreground)
{
	for (unsigned k = 0; k < vm->nvdds; k++)
		if (vm->vdds[k].ops->focus)
			vm->vdds[k].ops->focus(vm, vm->vdds[k].inst, foreground);
}

void vm16_psp_changed(struct vm *vm, uint16_t psp)
{
	for (unsigned k = 0; k < vm->nvdds; k++)
		if (vm->vdds[k].ops->psp_change)
			vm->vdds[k].ops->psp_change(vm, vm->vdds[k].inst, psp);
}

int vm16_vdd_open(struct vm *vm, const char *vdd)
{
	const struct vm_vdd *d = NULL;
	for (unsigned k = 0; k < vm->nvdds && !d; k++)
		if (strcmp(vm->vdds[k].ops->name, vdd) == 0)
			d = &vm->vdds[k];
	if (!d)
		return vm_fail(vm, -ENOENT, "no VDD called %s in this VM", vdd);
	if (!d->ops->request)
		return vm_fail(vm, -ENOSYS, "VDD %s takes no requests", vdd);
	for (int k = 0; k < VM_MAX_CHANNELS; k++) {
		struct vm_channel *ch = &vm->channels[k];
		if (ch->vdd)
			continue;
		void *chan = NULL;
		int rc = d->ops->open ? d->ops->open(vm, d->inst, &chan) : 0;
		if (rc < 0)
			return rc;
		ch->vdd = d;
		ch->chan = chan;
		return k;
	}
	return vm_fail(vm, -EMFILE, "too many open VDD channels (%u)", VM_MAX_CHANNELS);
}

static struct vm_channel *channel(struct vm *vm, int chan)
{
	if (chan < 0 || chan >= VM_MAX_CHANNELS || !vm->channels[chan].vdd)
		return NULL;
	return &vm->channels[chan];
}

int vm16_vdd_request(struct vm *vm, int chan, uint32_t op, const void *in, size_t in_len, void *out,
		     size_t *out_len)
{
	struct vm_channel *ch = channel(vm, chan);
	if (!ch)
		return vm_fail(vm, -EBADF, "VDD channel %d is not open", chan);
	return ch->vdd->ops->request(vm, ch->vdd->inst, ch->chan, op, in, in_len, out, out_len);
}

int vm16_vdd_close(struct vm *vm, int chan)
{
	struct vm_channel *ch = channel(vm, chan);
	if (!ch)
		return vm_fail(vm, -EBADF, "VDD channel %d is not open", chan);
	if (ch->vdd->ops->close)
		ch->vdd->ops->close(vm, ch->vdd->inst, ch->chan);
	ch->vdd = NULL;
	return 0;
}

int vm16_load_image(struct vm *vm, uint16_t seg, uint16_t off, const void *data, size_t len)
{
	return vm16_write(vm, ((uint32_t)seg << 4) + off, data, len);
}

const char *vm16_error(const struct vm *vm)
{
	return vm->error;
}

int vm16_exit_code(const struct vm *vm)
{
	return vm->exit_code;
}

uint64_t vm16_clock_ns(const struct vm *vm)
{
	return vm->clock_ns;
}

uint64_t vm16_insns(const struct vm *vm)
{
	return vm->cpu.retired;
}

void vm16_code_stats(const struct vm *vm, struct vm16_code_stats *s)
{
	struct cpu_code_stats cs;
	cpu_code_stats(&vm->cpu, &cs);
	*s = (struct vm16_code_stats){
		.hits = cs.hits, .misses = cs.misses, .rechecks = cs.rechecks,
		.invalidations = cs.invalidations, .code_writes = cs.code_writes,
		.data_writes = cs.data_writes, .smc_stops = cs.smc_stops,
		.evictions = cs.evictions, .flushes = cs.flushes, .blocks = cs.blocks,
		.bytes = cs.bytes, .pages = cs.pages,
		.jit_blocks = cs.jit_blocks, .jit_bytes = cs.jit_bytes, .jit_flushes = cs.jit_flushes,
		.jit_shared = cs.jit_shared, .fast_links = cs.fast_links,
		.store_hits = cs.store_hits, .store_adds = cs.store_adds, .singles = cs.singles,
		.parked = cs.parked, .revived = cs.revived, .jit_slow = cs.jit_slow,
		.jit_fallbacks = cs.jit_fallbacks,
	};
	if (vm->cpu.in.cstore) {
		struct cpu_code_store_stats ss;
		cpu_code_store_stats(vm->cpu.in.cstore, &ss);
		s->store_blocks = ss.blocks;
		s->store_bytes = ss.bytes;
	}
}

uint64_t vm16_work(const struct vm *vm)
{
	return vm->cpu.work;
}

uint64_t vm16_idle_ns(const struct vm *vm)
{
	return vm->quiet.on ? vm_quiet_next_ns(vm) : vm_clock_next_ns(vm);
}

static void clock_advance(struct vm *vm, uint64_t ns)
{
	if (vm->quiet.on) {
		vm_quiet_pass(vm, ns);
		return;
	}
	vm->clock_ns += ns;
	vm_clock_run_due(vm);
}

/* The host passes the time it slept: a device's wait (vdd_guest_waits)
 * ends exactly at its time, so a guest waiting for a short state (the 64
 * microseconds of the vertical retrace) never sleeps past it; the VM is
 * then a little behind the host's clock, which the host makes up by
 * running it. */
void vm16_pass_time(struct vm *vm, uint64_t ns)
{
	if (vm->wait_event && vm->wait_due_ns > vm->clock_ns && vm->wait_due_ns - vm->clock_ns < ns)
		ns = vm->wait_due_ns - vm->clock_ns;
	clock_advance(vm, ns);
}

/* Inside a slice (a port or memory handler running in cpu_run()) the
 * clock has not yet been moved on by the instructions the slice ran so
 * far: count them from the budget spent, so a device polled in a loop
 * (3DAh retrace, the PIT) sees time pass. */
uint64_t vdd_clock_ns(const struct vm *vm)
{
	if (!vm->in_cpu)
		return vm->clock_ns;
	uint64_t left = vm->cpu.in.budget_left, spent = vm->slice_insns > left ? vm->slice_insns - left : 0;
	return vm->clock_ns + spent * vm->insn_ns;
}

void vm16_get_regs(const struct vm *vm, struct vm16_regs *r)
{
	const struct cpu *c = &vm->cpu;
	r->eax = c->r[REG_AX].d;
	r->ecx = c->r[REG_CX].d;
	r->edx = c->r[REG_DX].d;
	r->ebx = c->r[REG_BX].d;
	r->esp = c->r[REG_SP].d;
	r->ebp = c->r[REG_BP].d;
	r->esi = c->r[REG_SI].d;
	r->edi = c->r[REG_DI].d;
	r->eip = c->ip;
	r->eflags = cpu_get_flags(c);
	r->es = c->seg[SEG_ES];
	r->cs = c->seg[SEG_CS];
	r->ss = c->seg[SEG_SS];
	r->ds = c->seg[SEG_DS];
	r->fs = c->seg[SEG_FS];
	r->gs = c->seg[SEG_GS];
}

void vm_set_gprs(struct cpu *c, const struct vm16_regs *r)
{
	c->r[REG_AX].d = r->eax;
	c->r[REG_CX].d = r->ecx;
	c->r[REG_DX].d = r->edx;
	c->r[REG_BX].d = r->ebx;
	c->r[REG_SP].d = r->esp;
	c->r[REG_BP].d = r->ebp;
	c->r[REG_SI].d = r->esi;
	c->r[REG_DI].d = r->edi;
}

void vm16_set_regs(struct vm *vm, const struct vm16_regs *r)
{
	struct cpu *c = &vm->cpu;
	vm_set_gprs(c, r);
	cpu_set_flags(c, r->eflags);
	/* EIP: 16 bits outside protected mode (where 32-bit code is the
	 * guest's own business). */
	c->ip = cpu_mode(c) == CPU_MODE_PROT ? r->eip : r->eip & 0xFFFF;
	cpu_load_seg(c, SEG_ES, r->es);
	cpu_load_seg(c, SEG_CS, r->cs);
	cpu_load_seg(c, SEG_SS, r->ss);
	cpu_load_seg(c, SEG_DS, r->ds);
	cpu_load_seg(c, SEG_FS, r->fs);
	cpu_load_seg(c, SEG_GS, r->gs);
}

uint64_t vm_host_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void vm_charge_host(struct vm *vm, uint64_t t0)
{
	vm->host_units += (vm_host_ns() - t0) / VM_HOST_NS_PER_UNIT;
}

enum vm16_stop vm16_run(struct vm *vm, uint64_t max_insns)
{
	struct cpu *c = &vm->cpu;
	uint64_t done = 0;
	while (!vm->ended && !vm->nested_return && done < max_insns) {
		/* Never run past the next device event. */
		uint64_t slice = max_insns - done, until = vm_clock_next_ns(vm);
		if (until != UINT64_MAX) {
			uint64_t n = until / vm->insn_ns + 1;
			if (n < slice)
				slice = n;
		}
		uint64_t before = c->work;
		vm->quiet.on = false; /* the guest runs: what it waited for may come */
		vm->in_cpu = true;
		vm->slice_insns = slice;
		enum cpu_exit why = cpu_run(c, slice);
		vm->in_cpu = false;
		uint64_t ran = c->work - before;
		done += ran ? ran : 1;
		clock_advance(vm, ran * vm->insn_ns);
		switch (why) {
		case CPU_EXIT_BUDGET:
			break;
		case CPU_EXIT_HLT: {
			bool polling = false;
			/* Our stubs run in real mode (V86: CPU_EXIT_V86_HLT) or, for
			 * a host in the monitor, at CPL 0 in its own protected-mode
			 * stubs (pmsvc.c); any other protected-mode HLT is the
			 * guest's own. */
			bool svc = (cpu_mode(c) == CPU_MODE_REAL || vm_pm_svc_here(vm)) && vm_svc_dispatch(vm);
			done += vm->host_units;
			vm->host_units = 0;
			if (svc) {
				/* A poll point (idle.c) may have found the guest
				 * waiting: idle as for HLT, and it goes on after
				 * the poll when it runs again. */
				if (!vm_idle_take(vm))
					break;
				polling = true;
			} else if (!(cpu_get_flags(c) & FLAG_IF)) {
				vm_end_fault(vm, "HLT with interrupts disabled: the VM can never wake up");
				break;
			}
			/* Idle: jump the clock to the next event, or let the host
			 * pace it (pace_idle), or wait for host input. A polling
			 * guest is not halted: with no event to sleep until, it
			 * just runs on. A guest halted at our own input wait with
			 * only our own tick handlers (quiet.c) waits for input:
			 * its ticks pass in one step whenever the host passes
			 * time. */
			until = !polling && vm_quiet_enter(vm) ? vm_quiet_next_ns(vm) : vm_clock_next_ns(vm);
			if (polling && until == UINT64_MAX)
				break;
			if (until == UINT64_MAX || vm->cfg.pace_idle)
				return VM16_STOP_IDLE;
			clock_advance(vm, until);
			break;
		}
		case CPU_EXIT_TRAP: {
			uint64_t t0 = vm_host_ns();
			vm_int_trapped(vm, c->exit.vector);
			vm_charge_host(vm, t0);
			done += vm->host_units;
			vm->host_units = 0;
			break;
		}
		case CPU_EXIT_EXCEPTION: /* #GP while a host's stub region is registered */
		case CPU_EXIT_V86_HLT:
			if (why == CPU_EXIT_EXCEPTION)
				vm_pm_exception(vm);
			else
				vm_svc_v86(vm);
			done += vm->host_units;
			vm->host_units = 0;
			if (c->exit.reason == CPU_EXIT_SHUTDOWN)
				vm_shutdown(vm);
			break;
		case CPU_EXIT_STOP: /* a device ended the VM (strict I/O), pulsed RESET, or the guest waits on it */
			if (vm->reset_pending) {
				vm->reset_pending = false;
				vm_reset_cpu(vm, vm->reset_why, false);
			} else if (vm_wait_take(vm)) {
				/* Sleep until the device's state changes (or an earlier event). */
				until = vm_clock_next_ns(vm);
				if (until != UINT64_MAX && vm->cfg.pace_idle && !vm->nested_depth)
					return VM16_STOP_IDLE;
				if (until != UINT64_MAX)
					clock_advance(vm, until);
			}
			break;
		case CPU_EXIT_SHUTDOWN:
			vm_shutdown(vm);
			break;
		default:
			vm_end_fault(vm, "unexpected CPU exit");
			break;
		}
	}
	return vm->ended ? vm->ended : VM16_STOP_SLICE;
}
