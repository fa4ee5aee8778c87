/*
 * cpu.c - the run loop, faults and their delivery order, EFLAGS rules and
 * the reset state.
 *
 * The fast loop runs decoded blocks while `in.events` is zero. Anything
 * unusual (TF, a pending interrupt with IF set, an interrupt shadow, HLT, a
 * stop request, tracing, debug registers, RF, a prefetch queue holding
 * bytes that memory no longer holds: prefetch.c) sets `in.events`, and the
 * loop takes the slow path for the next instruction.
 *
 * Exceptions (Intel 80286 PRM 5.4, 80386 PRM 9.8-9.9, 14.1): a fault
 * restores EIP and ESP to the start of the instruction and is delivered
 * with the faulting EIP pushed; on the 8086/80186 the divide error pushes
 * the IP of the next instruction. A fault while delivering a fault: on the
 * 8086/186 the CPU shuts down; in real mode on the 286+ it is a double
 * fault; in protected mode the 386 rules decide (benign faults are then
 * handled one after the other, two contributory ones or a page fault
 * followed by a contributory one or another page fault make a double
 * fault). A fault while delivering the double fault shuts the CPU down
 * (CPU_EXIT_SHUTDOWN, the "triple fault").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/block_cache.h"
#include "cpu/cpu_internal.h"
#include "cpu/jit.h"


const char *cpu_model_name(enum cpu_model m)
{
	switch (m) {
	case CPU_8086: return "8086";
	case CPU_80186: return "80186";
	case CPU_80286: return "80286";
	case CPU_80386: return "80386";
	case CPU_80486: return "80486";
	default: return "?";
	}
}

int cpu_model_parse(const char *name)
{
	static const char *const names[CPU_MODEL_COUNT][3] = {
		{ "8086", "86", "8088" }, { "80186", "186", "80186" }, { "80286", "286", "80286" },
		{ "80386", "386", "80386" }, { "80486", "486", "80486" },
	};
	for (int m = 0; m < CPU_MODEL_COUNT; m++)
		for (int k = 0; k < 3; k++)
			if (strcmp(name, names[m][k]) == 0)
				return m;
	return -1;
}

/* EFLAGS bits each model has. 8086/186: bits 12-15 read as 1. 286: IOPL
 * and NT only in protected mode (real mode reads them as 0). 386: + RF, VM.
 * 486: + AC, ID (i486 PRM 2.3.6). */
static uint32_t flags_model_mask(const struct cpu *c)
{
	switch (c->model) {
	case CPU_8086: case CPU_80186: return 0x0FD5u;
	case CPU_80286: return (c->in.cr0 & CR0_PE) ? 0x7FD5u : 0x0FD5u;
	case CPU_80386: return 0x37FD5u;
	default: return 0x277FD5u;
	}
}

static uint32_t flags_fixed(const struct cpu *c)
{
	return c->model <= CPU_80186 ? 0xF002u : 0x0002u;
}

bool cpu_exc_has_error(uint8_t vector)
{
	return vector == EXC_DF || (vector >= EXC_TS && vector <= EXC_PF) || vector == EXC_AC;
}

void cpu_update_events(struct cpu *c)
{
	const bool debug = c->in.dr_exec || c->in.dr_data || c->in.dr_hit || (c->in.flags & FLAG_RF);
	c->in.events = (c->in.flags & FLAG_TF) |
		       ((c->in.irq_line && (c->in.flags & FLAG_IF)) ? 1u : 0) |
		       (c->in.inhibit_irq ? 2u : 0) | (c->in.halted ? 4u : 0) |
		       (c->in.stop_requested ? 8u : 0) | (c->in.trace ? 16u : 0) | (debug ? 32u : 0) |
		       (c->in.pq.mask ? 64u : 0);
}

uint32_t cpu_flags_read(const struct cpu *c)
{
	return c->in.flags | flags_arith_get(c);
}

void cpu_flags_load(struct cpu *c, uint32_t f, uint32_t mask)
{
	mask &= flags_model_mask(c);
	const uint32_t old = c->in.flags;
	uint32_t nf = ((old & ~mask) | (f & mask)) & ~(uint32_t)FLAGS_ARITH & flags_model_mask(c);
	c->in.flags = nf | flags_fixed(c);
	if (mask & FLAGS_ARITH)
		flags_arith_set(c, f);
	if ((old ^ nf) & FLAG_AC)
		cpu_priv_changed(c);
	cpu_update_events(c);
}

/* POPF/IRET in real mode (and the 8086's): everything the model has but
 * VM and RF, 16 bits with a 16-bit operand. */
void cpu_flags_write(struct cpu *c, uint32_t f, unsigned sz)
{
	uint32_t mask = (sz == 4 ? 0xFFFFFFFFu : 0xFFFFu) & ~(uint32_t)(FLAG_VM | FLAG_RF);
	if (sz == 4)
		f &= ~(uint32_t)FLAG_RF, mask |= FLAG_RF;
	cpu_flags_load(c, f, mask);
}

uint32_t cpu_get_flags(const struct cpu *c)
{
	return cpu_flags_read(c);
}

void cpu_set_flags(struct cpu *c, uint32_t flags)
{
	const uint32_t old = c->in.flags;
	cpu_flags_load(c, flags, 0xFFFFFFFFu);
	if ((old ^ c->in.flags) & FLAG_VM) {
		seg_mode_changed(c);
		cpu_set_cpl(c, cpu_v86(c) ? 3 : (c->in.cr0 & CR0_PE) ? desc_dpl(c->in.sd[SEG_CS].attr) : 0);
	}
}

/* The register state after RESET (Intel 80286 PRM 10.1, 80386 PRM 10.1,
 * i486 PRM 10.1): real mode, segments with base 0 (CS: the top of the
 * address space, F000:FFF0; 8086/186: FFFF:0000) and limit FFFFh, DX the
 * component and revision (386 D1: 0308h; 486: 0435h, a DX2), the IDT at 0
 * with limit 3FFh. */
static void reset_state(struct cpu *c)
{
	const struct cpu_desc data = { 0, 0xFFFF, 0x93 }, flat = { 0, 0xFFFFFFFFu, 0x93 };
	memset(c->r, 0, sizeof(c->r));
	c->in.cr0 = c->model >= CPU_80486 ? CR0_CD | CR0_NW | CR0_ET : (c->model == CPU_80386 && c->fpu) ? CR0_ET : 0;
	c->in.cr2 = c->in.cr3 = 0;
	memset(c->in.dr, 0, sizeof(c->in.dr));
	if (c->model >= CPU_80386) {
		c->in.dr[6] = 0xFFFF0FF0u;
		c->in.dr[7] = c->model >= CPU_80486 ? 0x400u : 0;
		c->r[REG_DX].d = c->model >= CPU_80486 ? 0x0435u : 0x0308u;
	}
	c->in.dr_exec = c->in.dr_data = c->in.dr_hit = 0;
	c->in.flags = flags_fixed(c);
	flags_arith_set(c, 0);
	c->in.cpl = 0;
	for (unsigned s = 0; s < SEG_COUNT; s++)
		seg_set_cache(c, s, 0, &data);
	seg_set_cache(c, SEG_COUNT, 0, &flat);
	if (c->model <= CPU_80186) {
		seg_load(c, SEG_CS, 0xFFFF);
		c->ip = 0;
	} else {
		struct cpu_desc cs = { c->model == CPU_80286 ? 0xFF0000u : 0xFFFF0000u, 0xFFFF, 0x9B };
		seg_set_cache(c, SEG_CS, 0xF000, &cs);
		c->ip = 0xFFF0;
	}
	c->in.idt_base = 0;
	c->in.idt_limit = 0x3FF;
	c->in.gdt_base = 0;
	c->in.gdt_limit = 0xFFFF;
	c->in.ldtr = c->in.tr = 0;
	c->in.ldt = data;
	c->in.tss = data;
	c->in.halted = c->in.inhibit_irq = c->in.stop_requested = false;
	c->in.pq.mask = 0;
	cpu_fpu_init(c); /* RESET initialises the coprocessor too (80387 data sheet) */
	seg_mode_changed(c);
	tlb_flush(c);
	cpu_update_events(c);
}

/* cpu_init() on zeroed memory. A zero rd/wr/wcode tag in TLB slot k
 * matches no access (tlb_rd(), tlb_wr(): slot k serves the linear pages
 * whose low CPU_TLB_BITS bits are k, and the tag compared is the page of
 * the access's last byte), except in slot 0 (linear page 0) and in the
 * last slot (an access that starts in the top page and wraps to page 0):
 * those two get TLB_NONE, and the TLB counts as clean, so that
 * reset_state()'s tlb_flush() does not write the other 32 KiB, which stay
 * untouched (not faulted in) until slots are filled. */
static void init_zeroed(struct cpu *c, enum cpu_model model, const struct cpu_bus *bus)
{
	c->in.tlb[0].rd = c->in.tlb[0].wr = c->in.tlb_x[0].wcode = TLB_NONE;
	c->in.tlb[CPU_TLB_SIZE - 1].rd = c->in.tlb[CPU_TLB_SIZE - 1].wr = TLB_NONE;
	c->in.tlb_x[CPU_TLB_SIZE - 1].wcode = TLB_NONE;
	c->in.tlb_clean = true;
	c->in.stlb_used = ~0u; /* (its zero tags are page 0: the first flush empties them) */
	c->model = model < CPU_MODEL_COUNT ? model : CPU_80386;
	if (bus)
		c->bus = *bus;
	c->in.a20 = true;
	c->in.a20_mask = c->model <= CPU_80186 ? 0xFFFFFu : c->model == CPU_80286 ? 0xFFFFFFu : 0xFFFFFFFFu;
	/* The prefetch queue's model is off until asked for (cpu_set_prefetch(),
	 * the VM setting CPU_PREFETCH): data kept just after a loop would make
	 * every write to it a code write (docs/cpu-speed.md, "Session 16 (issue
	 * 13): the prefetch queue", Default). */
	c->in.pq.off = true;
	c->in.pq.len = (uint8_t)pq_length(c);
	c->in.jit_mode = CPU_JIT_DEFAULT;
	const char *jit = getenv("MVDM_JIT");
	if (jit)
		c->in.jit_mode = strcmp(jit, "force") == 0 ? CPU_JIT_FORCE : strcmp(jit, "on") == 0 ? CPU_JIT_ON :
				 strcmp(jit, "off") == 0 ? CPU_JIT_OFF : c->in.jit_mode;
	const char *perf_map = getenv("MVDM_PERF_MAP");
	c->in.perf_map = perf_map && strcmp(perf_map, "1") == 0;
	c->in.jit_host = (uint8_t)jit_host_features(getenv("MVDM_JIT_HOST"));
	reset_state(c);
}

void cpu_init(struct cpu *c, enum cpu_model model, const struct cpu_bus *bus)
{
	memset(c, 0, sizeof(*c));
	init_zeroed(c, model, bus);
}

void cpu_init_zeroed(struct cpu *c, enum cpu_model model, const struct cpu_bus *bus)
{
	init_zeroed(c, model, bus);
}

void cpu_destroy(struct cpu *c)
{
	cpu_trace_disable(c);
	bc_free(c, c->in.bcache);
	c->in.bcache = NULL;
	jit_free(c);
	phys_free(c);
}

void cpu_reset(struct cpu *c)
{
	c->trap_mask = 0;
	c->exception_exit_mask = 0;
	c->io_trap_bitmap = NULL;
	c->in.irq_line = false;
	reset_state(c);
	/* Memory may have been rewritten by the host: check cached code again. */
	cpu_invalidate_code(c);
}

void cpu_set_a20(struct cpu *c, bool enabled)
{
	if (c->model < CPU_80286 || c->in.a20 == enabled)
		return;
	c->in.a20 = enabled;
	const uint32_t lines = c->model == CPU_80286 ? 0xFFFFFFu : 0xFFFFFFFFu;
	c->in.a20_mask = enabled ? lines : lines & ~0x100000u;
	tlb_flush(c);
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
		c->ip = (i->ip + i->len) & c->in.ip_mask;
		/* Threaded twins fault before they change SP (insn_chain()). */
		if (i->fn != thread_generic && i->fn != thread_plain && !(i->fl & FL_SP_SAVED) && !jit_compiled(c->in.blk))
			c->in.insn_sp = c->r[REG_SP].d;
	}
}

_Noreturn void cpu_fault_err(struct cpu *c, uint8_t vector, uint32_t err)
{
	c->in.fault_vector = vector;
	c->in.fault_err = err;
	sync_threaded(c);
	c->in.fault_next_ip = c->ip;
	longjmp(c->in.fault_jmp, 1);
}

_Noreturn void cpu_fault(struct cpu *c, uint8_t vector)
{
	cpu_fault_err(c, vector, 0);
}

_Noreturn void cpu_page_fault(struct cpu *c, uint32_t lin, uint32_t err)
{
	c->in.cr2 = lin;
	cpu_fault_err(c, EXC_PF, err);
}

_Noreturn void cpu_exit_now(struct cpu *c, enum cpu_exit reason)
{
	sync_threaded(c);
	c->ip = c->in.insn_ip;
	c->r[REG_SP].d = c->in.insn_sp;
	c->exit.reason = reason;
	c->exit.cs = c->seg[SEG_CS];
	c->exit.ip = c->ip;
	c->exit.mode = cpu_mode(c);
	longjmp(c->in.fault_jmp, 2);
}

int cpu_interrupt(struct cpu *c, uint8_t vector)
{
	if (c->in.cr0 & CR0_PE)
		return -EPERM;
	jmp_buf saved;
	volatile int rc = 0;
	memcpy(saved, c->in.fault_jmp, sizeof(jmp_buf));
	if (setjmp(c->in.fault_jmp) == 0)
		cpu_deliver(c, vector, DELIVER_SOFT, c->ip, false, 0);
	else
		rc = -EFAULT;
	memcpy(c->in.fault_jmp, saved, sizeof(jmp_buf));
	return rc;
}

/* Contributory exceptions (Intel 80386 PRM table 9-3). */
static bool contributory(uint8_t v)
{
	return v == EXC_DE || (v >= EXC_TS && v <= EXC_GP);
}

/* Called after cpu_fault() unwound to cpu_run() (or from cpu_raise()).
 * Returns true if cpu_run() must return (exit requested or shutdown). */
static bool fault_deliver(struct cpu *c)
{
	uint8_t vector = c->in.fault_vector;
	uint32_t err = c->in.fault_err;
	uint32_t return_ip = c->in.insn_ip;
	unsigned depth = c->in.fault_depth;

	if (vector == EXC_DE && c->model <= CPU_80186 && depth == 0)
		return_ip = c->in.fault_next_ip;
	c->ip = c->in.insn_ip;
	c->r[REG_SP].d = c->in.insn_sp;
	c->in.deliver_ext = false;
	c->in.dr_hit = 0;
	c->exit.cs = c->seg[SEG_CS];
	c->exit.ip = c->ip;
	c->exit.mode = cpu_mode(c);
	if (depth == 0)
		c->in.fault_nhist = 0;
	if (depth > 0) {
		const uint8_t prev = c->in.fault_chain[depth - 1];
		if (prev == EXC_DF || c->model <= CPU_80186) {
			if (c->in.fault_nhist < sizeof(c->in.fault_hist))
				c->in.fault_hist[c->in.fault_nhist++] = vector;
			c->exit.chain_len = c->in.fault_nhist;
			memcpy(c->exit.chain, c->in.fault_hist, sizeof(c->exit.chain));
			c->exit.vector = vector;
			c->in.fault_depth = 0;
			c->exit.reason = CPU_EXIT_SHUTDOWN;
			return true;
		}
		/* Real mode on the 286+: any fault while delivering one. */
		bool dbl = !(c->in.cr0 & CR0_PE) || (contributory(prev) && contributory(vector)) ||
			   (prev == EXC_PF && (contributory(vector) || vector == EXC_PF));
		if (dbl) {
			vector = EXC_DF;
			err = 0;
		} else {
			depth--; /* handled serially: this one replaces the first */
		}
	}
	c->in.fault_chain[depth] = vector;
	if (c->in.fault_nhist < sizeof(c->in.fault_hist))
		c->in.fault_hist[c->in.fault_nhist++] = vector;
	c->exit.vector = vector;
	c->exit.has_error = cpu_exc_has_error(vector) && (c->in.cr0 & CR0_PE);
	c->exit.error = err;
	if (c->exception_exit_mask & (1u << vector)) {
		c->in.fault_depth = 0;
		c->exit.reason = vector == EXC_UD ? CPU_EXIT_INVALID : CPU_EXIT_EXCEPTION;
		return true;
	}
	c->in.fault_depth = (uint8_t)(depth + 1);
	c->in.deliver_ext = true;
	cpu_deliver(c, vector, DELIVER_EXC, return_ip, c->exit.has_error, err);
	c->in.deliver_ext = false;
	c->in.fault_depth = 0;
	/* The faulting instruction used its slot of the budget. */
	if (c->in.budget_left)
		c->in.budget_left--;
	return false;
}

int cpu_raise(struct cpu *c, uint8_t vector, uint32_t error)
{
	jmp_buf saved;
	volatile int rc = 0;
	memcpy(saved, c->in.fault_jmp, sizeof(jmp_buf));
	c->in.insn_ip = c->ip;
	c->in.insn_sp = c->r[REG_SP].d;
	c->in.fault_depth = 0;
	c->in.fault_vector = vector;
	c->in.fault_err = error;
	c->in.fault_next_ip = c->ip;
	c->in.blk = NULL;
	/* Each nested fault comes back here and is delivered in turn. */
	if (setjmp(c->in.fault_jmp) == 2)
		rc = -EFAULT;
	else if (fault_deliver(c))
		rc = -EFAULT;
	c->in.fault_depth = 0;
	memcpy(c->in.fault_jmp, saved, sizeof(jmp_buf));
	return rc;
}

static inline void execute_one(struct cpu *c)
{
	struct insn i;
	c->in.insn_ip = c->ip;
	c->in.insn_sp = c->r[REG_SP].d;
	cpu_decode(c, &i);
	c->ip = (c->ip + i.len) & c->in.ip_mask;
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
	/* Debug traps of the last instruction come before interrupts. */
	if (c->in.dr_hit) {
		dr_deliver_hits(c);
		return -1;
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
		c->in.deliver_ext = true;
		cpu_deliver(c, (uint8_t)vector, DELIVER_EXT, c->ip, false, 0);
		c->in.deliver_ext = false;
		return -1;
	}
	if (c->in.halted) {
		c->exit.reason = CPU_EXIT_HLT;
		c->exit.cs = c->seg[SEG_CS];
		c->exit.ip = c->ip;
		c->exit.mode = cpu_mode(c);
		return CPU_EXIT_HLT;
	}
	bool single_step = c->in.flags & FLAG_TF;
	bool shadow = c->in.inhibit_irq;
	c->in.inhibit_irq = false;
	c->in.insn_ip = c->ip;
	c->in.insn_sp = c->r[REG_SP].d;
	/* Instruction breakpoints fault before the instruction unless RF is
	 * set; RF is cleared as the instruction starts (Intel 80386 PRM
	 * 12.3.1.1). */
	if (c->in.dr_exec && !(c->in.flags & FLAG_RF) && dr_exec_hit(c, c->seg_base[SEG_CS] + c->ip))
		cpu_fault(c, EXC_DB);
	c->in.flags &= ~(uint32_t)FLAG_RF;
	cpu_update_events(c);
	if (c->in.trace) {
		struct insn i;
		cpu_decode(c, &i);
		trace_insn(c, &i);
	}
	if (c->in.pq.len)
		pq_execute(c);
	else
		execute_one(c);
	/* Single-step trap after the instruction (Intel 80386 PRM 12.3.1.4);
	 * delayed by one instruction after MOV SS / POP SS. */
	if (single_step && !shadow && !c->in.inhibit_irq) {
		c->in.insn_ip = c->ip;
		c->in.insn_sp = c->r[REG_SP].d;
		if (c->model >= CPU_80386)
			c->in.dr[6] |= 1u << 14; /* BS */
		c->in.deliver_ext = true;
		cpu_deliver(c, EXC_DB, DELIVER_EXC, c->ip, false, 0);
		c->in.deliver_ext = false;
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
		else if (c->in.pq.len)
			pq_execute(c);
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
	if (!c->in.bcache && !c->in.bcache_off) {
		c->in.bcache = bc_alloc(); /* NULL: run uncached */
		bc_link_check_update(c);
	}
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
		bc_free(c, c->in.bcache);
		c->in.bcache = NULL;
	}
}
