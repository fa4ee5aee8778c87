/*
 * ops_misc.c - HLT, flag instructions, WAIT/ESC without a coprocessor and
 * invalid opcodes. The system instructions are in ops_system.c.
 */
#include "cpu/fpu.h"

void op_ud(struct cpu *c, const struct insn *i)
{
	(void)i;
	cpu_fault(c, EXC_UD);
}

/* Table entries that are prefixes or group headers never execute. */
void op_none(struct cpu *c, const struct insn *i)
{
	op_ud(c, i);
}

/* HLT needs CPL 0 in protected mode (#GP(0)). In V86 mode it is #GP(0)
 * too, unless the monitor asked to see it first (CPU_TRAP_V86_HLT: its
 * supervisor-call stubs are HLTs). */
void op_hlt(struct cpu *c, const struct insn *i)
{
	(void)i;
	if (cpu_v86(c)) {
		if (c->trap_mask & CPU_TRAP_V86_HLT)
			cpu_exit_now(c, CPU_EXIT_V86_HLT);
		cpu_fault(c, EXC_GP);
	}
	if ((c->in.cr0 & CR0_PE) && c->in.cpl != 0)
		cpu_fault(c, EXC_GP);
	cpu_check_trap(c, CPU_TRAP_HLT);
	c->in.halted = true;
	c->in.halt_cs = c->seg[SEG_CS];
	c->in.halt_ip = c->ip;
	cpu_update_events(c);
}

void op_cmc(struct cpu *c, const struct insn *i)
{
	(void)i;
	flags_put_cf(c, !flag_cf(c));
}

/* CLI and STI need CPL <= IOPL in protected mode, IOPL 3 in V86 mode
 * (#GP(0), Intel 80386 PRM 8.3, 15.2.3). */
static void check_iopl(struct cpu *c)
{
	if ((c->in.cr0 & CR0_PE) && c->in.cpl > ((c->in.flags & FLAG_IOPL) >> 12))
		cpu_fault(c, EXC_GP);
}

/* F8 CLC, F9 STC, FA CLI, FB STI, FC CLD, FD STD. */
void op_flagop(struct cpu *c, const struct insn *i)
{
	switch (i->op) {
	case 0xF8: flags_put_cf(c, false); break;
	case 0xF9: flags_put_cf(c, true); break;
	case 0xFA:
		cpu_check_trap(c, CPU_TRAP_CLI);
		check_iopl(c);
		c->in.flags &= ~(uint32_t)FLAG_IF;
		break;
	case 0xFB:
		cpu_check_trap(c, CPU_TRAP_STI);
		check_iopl(c);
		/* STI delays interrupts by one instruction (Intel 80386 PRM STI). */
		if (!(c->in.flags & FLAG_IF))
			c->in.inhibit_irq = true;
		c->in.flags |= FLAG_IF;
		break;
	case 0xFC: c->in.flags &= ~(uint32_t)FLAG_DF; break;
	default: c->in.flags |= FLAG_DF; break;
	}
	cpu_update_events(c);
}

/* ESC (D8h-DFh). CR0.EM, or CR0.TS, raises #NM on the 286 and later
 * (Intel 80286 PRM 9.4, 80386 PRM 11.x). Without a coprocessor ESC only
 * computes its address (done by the decoder): the FNINIT/FNSTSW probe
 * finds its status word as it left it. With one, fpu_ops.c runs it. */
void op_esc(struct cpu *c, const struct insn *i)
{
	if (c->model >= CPU_80286 && (c->in.cr0 & (CR0_EM | CR0_TS)))
		cpu_fault(c, EXC_NM);
	if (c->fpu) {
		fpu_exec(c, i);
		return;
	}
	/* The 286 still checks the first word of a memory operand against the
	 * segment limit (80286 captures: ESC with EA = FFFFh raises #GP). */
	if (c->model == CPU_80286 && i->mod != 3 && insn_ea(c, i) == 0xFFFF)
		cpu_fault(c, EXC_GP);
}

/* WAIT: #NM when CR0.MP and TS are both set (80386 PRM 11.x), then an
 * unmasked exception pending in the FPU raises #MF with CR0.NE. */
void op_wait(struct cpu *c, const struct insn *i)
{
	(void)i;
	if (c->model >= CPU_80286 && (c->in.cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
		cpu_fault(c, EXC_NM);
	if (c->fpu)
		fpu_check_pending(c);
}
