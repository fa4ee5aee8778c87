/*
 * cpu.c - the run loop, exceptions, interrupts and FLAGS rules.
 *
 * The fast loop decodes and executes one instruction at a time while
 * `in.events` is zero. Anything unusual (TF, a pending interrupt with IF set,
 * an interrupt shadow, HLT, a stop request, tracing) sets `in.events`, and the
 * loop takes the slow path for the next instruction.
 *
 * Exceptions (Intel 80286 PRM 5.4, 80386 PRM 14.1): a fault restores IP and
 * SP to the start of the instruction and is delivered through the IVT with
 * the faulting IP pushed; on the 8086/80186 the divide error pushes the IP of
 * the next instruction. A fault while delivering a fault is a double fault
 * (#DF, vector 8) on the 286+; a fault while delivering that shuts the CPU
 * down (CPU_EXIT_SHUTDOWN).
 */
#include <errno.h>
#include <string.h>

#include <stdlib.h>

#include "cpu/block_cache.h"
#include "cpu/cpu_internal.h"

const char *cpu_model_name(enum cpu_model m)
{
	switch (m) {
	case CPU_8086: return "8086";
	case CPU_80186: return "80186";
	case CPU_80286: return "80286";
	case CPU_80386: return "80386";
	default: return "?";
	}
}

int cpu_model_parse(const char *name)
{
	static const char *const names[CPU_MODEL_COUNT][3] = {
		{ "8086", "86", "8088" }, { "80186", "186", "80186" }, { "80286", "286", "80286" },
		{ "80386", "386", "80386" },
	};
	for (int m = 0; m < CPU_MODEL_COUNT; m++)
		for (int k = 0; k < 3; k++)
			if (strcmp(name, names[m][k]) == 0)
				return m;
	return -1;
}

/* FLAGS bits the guest can change, and bits that always read as 1.
 * 8086/186: bits 12-15 read as 1. 286 real mode: IOPL/NT cannot be set
 * (bits 12-15 read as 0). 386: IOPL and NT are writable in real mode. */
static uint32_t flags_writable(const struct cpu *c)
{
	return c->model >= CPU_80386 ? 0x7FD5u : 0x0FD5u;
}

static uint32_t flags_fixed(const struct cpu *c)
{
	return c->model <= CPU_80186 ? 0xF002u : 0x0002u;
}

void cpu_update_events(struct cpu *c)
{
	c->in.events = (c->in.flags & FLAG_TF) |
		       ((c->in.irq_line && (c->in.flags & FLAG_IF)) ? 1u : 0) |
		       (c->in.inhibit_irq ? 2u : 0) | (c->in.halted ? 4u : 0) |
		       (c->in.stop_requested ? 8u : 0) | (c->in.trace ? 16u : 0);
}

uint32_t cpu_flags_read(const struct cpu *c)
{
	return c->in.flags | flags_arith_get(c);
}

void cpu_flags_write(struct cpu *c, uint32_t f, unsigned sz)
{
	uint32_t keep = sz == 4 ? 0 : (c->in.flags & 0xFFFF0000u);
	f = (f & flags_writable(c)) | flags_fixed(c);
	c->in.flags = keep | (f & ~(uint32_t)FLAGS_ARITH);
	flags_arith_set(c, f);
	cpu_update_events(c);
}

uint32_t cpu_get_flags(const struct cpu *c)
{
	return cpu_flags_read(c);
}

void cpu_set_flags(struct cpu *c, uint32_t flags)
{
	cpu_flags_write(c, flags, 4);
}

void cpu_load_seg(struct cpu *c, enum cpu_seg s, uint16_t value)
{
	if ((unsigned)s < SEG_COUNT)
		seg_load(c, s, value);
}

void cpu_init(struct cpu *c, enum cpu_model model, const struct cpu_bus *bus)
{
	memset(c, 0, sizeof(*c));
	c->model = model < CPU_MODEL_COUNT ? model : CPU_80386;
	if (bus)
		c->bus = *bus;
	c->in.a20_mask = c->model <= CPU_80186 ? 0xFFFFFu : 0xFFFFFFFFu;
	c->in.idt_limit = 0x3FF;
	c->in.cr0 = 0;
	c->in.flags = flags_fixed(c);
	flags_arith_set(c, 0);
	seg_load(c, SEG_CS, 0xFFFF);
	c->ip = 0;
	cpu_update_events(c);
}

void cpu_destroy(struct cpu *c)
{
	cpu_trace_disable(c);
	free(c->in.bcache);
	c->in.bcache = NULL;
}

void cpu_reset(struct cpu *c)
{
	struct block_cache *bc = c->in.bcache;
	struct cpu_trace *trace = c->in.trace;
	bool off = c->in.bcache_off;
	uint8_t *rd[CPU_PAGE_COUNT], *wr[CPU_PAGE_COUNT];
	uint32_t gens[CPU_PAGE_COUNT];
	memcpy(gens, c->in.page_gen, sizeof(gens));
	struct cpu_bus bus = c->bus;
	memcpy(rd, c->in.page_rd, sizeof(rd));
	memcpy(wr, c->in.page_wr, sizeof(wr));
	cpu_init(c, c->model, &bus);
	memcpy(c->in.page_rd, rd, sizeof(rd));
	memcpy(c->in.page_wr, wr, sizeof(wr));
	c->in.bcache = bc;
	c->in.bcache_off = off;
	c->in.trace = trace;
	/* Memory may have been rewritten by the host: check cached code again. */
	memcpy(c->in.page_gen, gens, sizeof(gens));
	cpu_invalidate_code(c);
	cpu_update_events(c);
}

void cpu_set_a20(struct cpu *c, bool enabled)
{
	if (c->model >= CPU_80286) {
		c->in.a20_mask = enabled ? 0xFFFFFFFFu : 0xFFEFFFFFu;
		cpu_invalidate_code(c);
	}
}

void cpu_set_irq(struct cpu *c, bool asserted)
{
	c->in.irq_line = asserted;
	cpu_update_events(c);
}

void cpu_request_stop(struct cpu *c)
{
	c->in.stop_requested = true;
	cpu_update_events(c);
}

/* Inside a threaded block, c->ip and insn_ip are not kept per instruction:
 * take them from the running instruction. */
static void sync_threaded(struct cpu *c)
{
	const struct insn *i = c->in.cur;
	if (c->in.blk) {
		c->in.insn_ip = i->ip;
		c->ip = (i->ip + i->len) & 0xFFFF;
		/* Threaded twins fault before they change SP (insn_chain()). */
		if (i->fn != thread_generic && i->fn != thread_plain)
			c->in.insn_sp = c->r[REG_SP].d;
	}
}

_Noreturn void cpu_fault(struct cpu *c, uint8_t vector)
{
	c->in.fault_vector = vector;
	sync_threaded(c);
	c->in.fault_next_ip = c->ip;
	longjmp(c->in.fault_jmp, 1);
}

_Noreturn void cpu_exit_now(struct cpu *c, enum cpu_exit reason)
{
	sync_threaded(c);
	c->ip = c->in.insn_ip;
	c->r[REG_SP].d = c->in.insn_sp;
	c->exit.reason = reason;
	c->exit.cs = c->seg[SEG_CS];
	c->exit.ip = c->ip;
	longjmp(c->in.fault_jmp, 2);
}

/* Real-mode interrupt entry (Intel 80386 PRM 14.1.4): push FLAGS, CS, IP;
 * clear IF and TF; CS:IP from the IVT at idt_base + 4 * vector. */
void cpu_do_int(struct cpu *c, uint8_t vector, uint32_t return_ip)
{
	uint32_t entry = c->in.idt_base + 4u * vector;
	if (4u * vector + 3 > c->in.idt_limit)
		cpu_fault(c, EXC_GP);
	push16(c, (uint16_t)cpu_flags_read(c));
	push16(c, c->seg[SEG_CS]);
	push16(c, (uint16_t)return_ip);
	c->in.flags &= ~(uint32_t)(FLAG_IF | FLAG_TF);
	uint16_t ip = (uint16_t)(lin_read8(c, entry) | (lin_read8(c, entry + 1) << 8));
	uint16_t cs = (uint16_t)(lin_read8(c, entry + 2) | (lin_read8(c, entry + 3) << 8));
	seg_load(c, SEG_CS, cs);
	c->ip = ip;
	c->in.halted = false;
	cpu_update_events(c);
}

void cpu_do_softint(struct cpu *c, uint8_t vector)
{
	if (unlikely(c->trap_mask & CPU_TRAP_INT)) {
		c->exit.vector = vector;
		c->exit.trap = CPU_TRAP_INT;
		cpu_exit_now(c, CPU_EXIT_TRAP);
	}
	cpu_do_int(c, vector, c->ip);
}

int cpu_interrupt(struct cpu *c, uint8_t vector)
{
	jmp_buf saved;
	int rc = 0;
	memcpy(saved, c->in.fault_jmp, sizeof(jmp_buf));
	if (setjmp(c->in.fault_jmp) == 0)
		cpu_do_int(c, vector, c->ip);
	else
		rc = -EFAULT;
	memcpy(c->in.fault_jmp, saved, sizeof(jmp_buf));
	return rc;
}

/* Called after cpu_fault() unwound to cpu_run(). Returns true if cpu_run()
 * must return (exit requested or shutdown). */
static bool fault_deliver(struct cpu *c)
{
	uint8_t vector = c->in.fault_vector;
	uint32_t return_ip = c->in.insn_ip;

	if (vector == EXC_DE && c->model <= CPU_80186 && c->in.fault_depth == 0)
		return_ip = c->in.fault_next_ip;
	c->ip = c->in.insn_ip;
	c->r[REG_SP].d = c->in.insn_sp;
	c->exit.cs = c->seg[SEG_CS];
	c->exit.ip = c->ip;
	c->exit.vector = vector;
	if (c->in.fault_depth >= 2 || (c->in.fault_depth == 1 && c->model <= CPU_80186)) {
		c->in.fault_depth = 0;
		c->exit.reason = CPU_EXIT_SHUTDOWN;
		return true;
	}
	if (c->in.fault_depth == 1)
		vector = EXC_DF;
	if (c->exception_exit_mask & (1u << vector)) {
		c->in.fault_depth = 0;
		c->exit.vector = vector;
		c->exit.reason = vector == EXC_UD ? CPU_EXIT_INVALID : CPU_EXIT_EXCEPTION;
		return true;
	}
	c->in.fault_depth++;
	cpu_do_int(c, vector, return_ip);
	c->in.fault_depth = 0;
	/* The faulting instruction used its slot of the budget. */
	if (c->in.budget_left)
		c->in.budget_left--;
	return false;
}

static inline void execute_one(struct cpu *c)
{
	struct insn i;
	c->in.insn_ip = c->ip;
	c->in.insn_sp = c->r[REG_SP].d;
	cpu_decode(c, &i);
	c->ip = (c->ip + i.len) & 0xFFFF;
	i.impl(c, &i);
	c->in.budget_left--;
}

/* One step with the special cases. Returns an exit reason, or -1 to go on. */
static int step_slow(struct cpu *c)
{
	if (c->in.stop_requested) {
		c->in.stop_requested = false;
		cpu_update_events(c);
		c->exit.reason = CPU_EXIT_STOP;
		return CPU_EXIT_STOP;
	}
	/* A halted CPU whose CS:IP the host moved is running again. */
	if (c->in.halted && (c->ip != c->in.halt_ip || c->seg[SEG_CS] != c->in.halt_cs)) {
		c->in.halted = false;
		cpu_update_events(c);
	}
	if (c->in.budget_left == 0 && !c->in.halted) {
		c->exit.reason = CPU_EXIT_BUDGET;
		return CPU_EXIT_BUDGET;
	}
	if (c->in.irq_line && (c->in.flags & FLAG_IF) && !c->in.inhibit_irq && c->in.budget_left) {
		int vector = c->bus.intr_ack ? c->bus.intr_ack(c->bus.ctx) : 8;
		c->in.halted = false;
		if (vector < 0) {
			cpu_update_events(c);
			return -1;
		}
		c->in.insn_ip = c->ip;
		c->in.insn_sp = c->r[REG_SP].d;
		cpu_do_int(c, (uint8_t)vector, c->ip);
		return -1;
	}
	if (c->in.halted) {
		c->exit.reason = CPU_EXIT_HLT;
		c->exit.cs = c->seg[SEG_CS];
		c->exit.ip = c->ip;
		return CPU_EXIT_HLT;
	}
	bool single_step = c->in.flags & FLAG_TF;
	bool shadow = c->in.inhibit_irq;
	c->in.inhibit_irq = false;
	cpu_update_events(c);
	if (c->in.trace) {
		struct insn i;
		uint32_t ip = c->ip, sp = c->r[REG_SP].d;
		c->in.insn_ip = ip;
		c->in.insn_sp = sp;
		cpu_decode(c, &i);
		trace_insn(c, &i);
	}
	execute_one(c);
	/* Single-step trap after the instruction (Intel 80386 PRM 12.3.1.4);
	 * delayed by one instruction after MOV SS / POP SS. */
	if (single_step && !shadow && !c->in.inhibit_irq) {
		c->in.insn_ip = c->ip;
		c->in.insn_sp = c->r[REG_SP].d;
		cpu_do_int(c, EXC_DB, c->ip);
	}
	return -1;
}

static enum cpu_exit run_loop(struct cpu *c)
{
	for (;;) {
		if (unlikely(c->in.events)) {
			int r = step_slow(c);
			if (r >= 0)
				return (enum cpu_exit)r;
			continue;
		}
		if (unlikely(c->in.budget_left == 0)) {
			c->exit.reason = CPU_EXIT_BUDGET;
			return CPU_EXIT_BUDGET;
		}
		if (likely(c->in.bcache != NULL))
			bc_run(c, c->in.bcache);
		else
			execute_one(c);
	}
}

static enum cpu_exit run_guarded(struct cpu *c)
{
	switch (setjmp(c->in.fault_jmp)) {
	case 0:
		break;
	case 1:
		bc_settle(c);
		if (fault_deliver(c))
			return c->exit.reason;
		break;
	default:
		bc_settle(c);
		return c->exit.reason;
	}
	return run_loop(c);
}

enum cpu_exit cpu_run(struct cpu *c, uint64_t budget)
{
	if (!c->in.bcache && !c->in.bcache_off)
		c->in.bcache = bc_alloc(); /* NULL: run uncached */
	c->in.budget_left = budget;
	c->in.unretired = 0;
	c->in.rep_extra = 0;
	c->exit.reason = CPU_EXIT_BUDGET;
	c->in.fault_depth = 0;
	enum cpu_exit r = run_guarded(c);
	/* Every budget unit spent is an instruction retired, except the
	 * restarted chunks of interrupted string instructions and the
	 * further iterations of repeated ones. */
	c->work += budget - c->in.budget_left;
	c->retired += budget - c->in.budget_left - c->in.unretired - c->in.rep_extra;
	return r;
}

void cpu_set_block_cache(struct cpu *c, bool enabled)
{
	c->in.bcache_off = !enabled;
	if (!enabled) {
		free(c->in.bcache);
		c->in.bcache = NULL;
	}
}
