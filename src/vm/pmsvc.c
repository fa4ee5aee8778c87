/*
 * pmsvc.c - what a DPMI host in the monitor needs of the CPU (vdd.h,
 * "Protected-mode services"): supervisor calls from protected mode inside
 * one registered region of host stubs, mode switches done by the monitor
 * as a raw mode switch does them, and the control and debug registers.
 * A HLT at CPL 0 inside the region followed by n, ~n is supervisor call n
 * (vm.c); so is one at CPL 1-3, where the HLT raises #GP(0) (80386 PRM
 * 17, HLT): while a region is registered the CPU exits on #GP instead of
 * delivering it (exception_exit_mask, reset.c), and the monitor makes
 * the call, or delivers the #GP as the CPU would have. This spares a
 * host's ring-3 stubs (the DPMI host's raw switch, default handlers)
 * the exception delivery through its IDT and ring-0 stub. Anywhere else
 * a protected-mode HLT is the guest's own.
 * Sources: Intel 80386 PRM 10.3 and 14.5 (switching to and from protected
 * mode: the segment caches real mode needs), 12.2 (debug registers).
 */
#include <errno.h>

#include "vm/vm_internal.h"

int vdd_set_pm_svc_region(struct vm *vm, uint32_t base, uint32_t size)
{
	if (size && base + size < base)
		return -EINVAL;
	vm->pm_svc_base = base;
	vm->pm_svc_size = size;
	vm_cpu_controls(vm);
	return 0;
}

/* The #GP(0) of a HLT at CPL 1-3 inside the region (c->ip at the HLT). */
static bool ring_hlt_here(struct vm *vm)
{
	struct cpu *c = &vm->cpu;
	if (c->exit.vector != VM_EXC_GP || c->exit.error != 0 || cpu_mode(c) != CPU_MODE_PROT || cpu_cpl(c) == 0)
		return false;
	uint32_t hlt = c->seg_base[SEG_CS] + c->ip;
	return hlt - vm->pm_svc_base < vm->pm_svc_size && cpu_peek8(c, hlt) == 0xF4;
}

void vm_pm_exception(struct vm *vm)
{
	struct cpu *c = &vm->cpu;
	if (ring_hlt_here(vm)) {
		uint32_t ip = c->ip;
		c->ip = ip + 1; /* as after a HLT exit */
		if (vm_svc_dispatch(vm))
			return;
		c->ip = ip;
	}
	/* Delivered now as cpu_run() would have (cpu_raise: the same frame,
	 * error code and double-fault rules). */
	if (!vm_raise(vm, c->exit.vector, c->exit.error))
		c->exit.reason = CPU_EXIT_SHUTDOWN;
}

bool vm_pm_svc_here(const struct vm *vm)
{
	const struct cpu *c = &vm->cpu;
	if (!vm->pm_svc_size || cpu_mode(c) != CPU_MODE_PROT || cpu_cpl(c) != 0)
		return false;
	uint32_t hlt = c->seg_base[SEG_CS] + c->ip - 1;
	return hlt - vm->pm_svc_base < vm->pm_svc_size;
}

bool vdd_protected_mode(const struct vm *vm)
{
	return cpu_mode(&vm->cpu) == CPU_MODE_PROT;
}

static bool desc_same(const struct cpu_desc *a, const struct cpu_desc *b)
{
	return a->base == b->base && a->limit == b->limit && a->attr == b->attr;
}

/* Whether LDTR and TR hold what the last vdd_enter_pm() loaded from these
 * tables' GDT. Only LLDT, LTR and task switches (protected mode), a reset
 * and the monitor change them; real mode cannot (LLDT and LTR are #UD
 * there: 80386 PRM 17, LLDT and LTR, "Real Address Mode Exceptions"), and
 * a guest that switched to protected mode itself to load them left a
 * different selector or descriptor cache, which this sees. What it cannot
 * see is the GDT's bytes changing under an unchanged cache: vdd.h's
 * contract makes the host say so (`flush`). */
static bool system_segments_loaded(const struct vm *vm, const struct vdd_pm_tables *t)
{
	const struct cpu *c = &vm->cpu;
	const struct vm_pm_loaded *l = &vm->pm_loaded;
	return l->valid && !t->flush && l->gdt_base == t->gdt_base && l->gdt_limit == t->gdt_limit &&
	       l->ldtr == t->ldtr && l->tr == t->tr && c->in.ldtr == t->ldtr && desc_same(&c->in.ldt, &l->ldt) &&
	       (!t->tr || (c->in.tr == t->tr && desc_same(&c->in.tss, &l->tss)));
}

int vdd_enter_pm(struct vm *vm, const struct vdd_pm_tables *t, const struct vm16_regs *r)
{
	struct cpu *c = &vm->cpu;
	if (c->model < CPU_80386)
		return -EINVAL;
	cpu_set_gdt(c, t->gdt_base, t->gdt_limit);
	cpu_set_idt(c, t->idt_base, t->idt_limit);
	uint32_t cr0 = cpu_get_cr(c, 0) | CR0_PE;
	if (t->cr3 && (t->flush || cpu_get_cr(c, 3) != t->cr3) && cpu_set_cr(c, 3, t->cr3) < 0)
		return -EINVAL;
	cr0 = t->cr3 ? cr0 | CR0_PG : cr0 & ~(uint32_t)CR0_PG;
	/* Unchanged tables (no `flush`, the same CR3, so no CR3 load
	 * above, which would forget it): paging comes back with the mapping
	 * epoch it left, so the client's decoded blocks need no recheck
	 * (cpu.h cpu_resume_paging(); docs/dpmi.md, "Paging resumed without a
	 * new epoch"). */
	if (cpu_resume_paging(c, cr0) < 0)
		return -EINVAL;
	if (!system_segments_loaded(vm, t)) {
		vm->pm_loaded.valid = false;
		if (cpu_set_ldtr(c, t->ldtr) < 0 || (t->tr && cpu_set_tr(c, t->tr) < 0))
			return -EINVAL;
		vm->pm_loaded = (struct vm_pm_loaded){ .valid = true, .gdt_base = t->gdt_base,
						       .gdt_limit = t->gdt_limit, .ldtr = t->ldtr, .tr = t->tr,
						       .ldt = c->in.ldt, .tss = c->in.tss };
	}
	vm_set_gprs(c, r);
	cpu_set_flags(c, r->eflags & ~(uint32_t)FLAG_VM);
	if (cpu_set_seg(c, SEG_CS, r->cs) < 0 || cpu_set_seg(c, SEG_SS, r->ss) < 0)
		return -EFAULT;
	const enum cpu_seg data[4] = { SEG_DS, SEG_ES, SEG_FS, SEG_GS };
	const uint16_t sel[4] = { r->ds, r->es, r->fs, r->gs };
	for (unsigned k = 0; k < 4; k++)
		if (cpu_set_seg(c, data[k], sel[k]) < 0)
			(void)cpu_set_seg(c, data[k], 0);
	c->ip = r->eip;
	c->in.halted = false;
	return 0;
}

void vdd_enter_real(struct vm *vm, const struct vm16_regs *r)
{
	struct cpu *c = &vm->cpu;
	(void)cpu_set_cr(c, 0, cpu_get_cr(c, 0) & ~(uint32_t)(CR0_PE | CR0_PG));
	cpu_set_idt(c, 0, 0x3FF);
	vm_set_gprs(c, r);
	cpu_set_flags(c, r->eflags & ~(uint32_t)FLAG_VM);
	const enum cpu_seg order[SEG_COUNT] = { SEG_CS, SEG_SS, SEG_DS, SEG_ES, SEG_FS, SEG_GS };
	const uint16_t sel[SEG_COUNT] = { r->cs, r->ss, r->ds, r->es, r->fs, r->gs };
	for (unsigned k = 0; k < SEG_COUNT; k++) {
		/* Present, accessed, DPL 0: a readable code or writable data
		 * segment of 64 KiB (80386 PRM 14.5). */
		struct cpu_desc d = { .base = (uint32_t)sel[k] << 4, .limit = 0xFFFF,
				      .attr = order[k] == SEG_CS ? 0x9B : 0x93 };
		cpu_set_desc(c, order[k], sel[k], &d);
	}
	c->ip = r->eip & 0xFFFF;
	c->in.halted = false;
}

uint32_t vdd_get_cr(const struct vm *vm, unsigned n)
{
	return cpu_get_cr(&vm->cpu, n);
}

int vdd_set_cr(struct vm *vm, unsigned n, uint32_t value)
{
	return cpu_set_cr(&vm->cpu, n, value);
}

uint32_t vdd_get_dr(const struct vm *vm, unsigned n)
{
	return cpu_get_dr(&vm->cpu, n);
}

int vdd_set_dr(struct vm *vm, unsigned n, uint32_t value)
{
	return cpu_set_dr(&vm->cpu, n, value);
}
