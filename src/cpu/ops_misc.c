/*
 * ops_misc.c - HLT, flag instructions, WAIT/ESC without a coprocessor,
 * invalid opcodes, and the 286/386 system instructions that work in real
 * mode (SMSW LMSW SGDT SIDT LGDT LIDT CLTS, MOV to/from CR/DR/TR).
 * Entering protected mode (PE) is not supported: cpu_run() returns
 * CPU_EXIT_UNSUPPORTED with the instruction not executed.
 */
#include "cpu/cpu_internal.h"

enum { CR0_PE = 1u << 0, CR0_MP = 1u << 1, CR0_EM = 1u << 2, CR0_TS = 1u << 3, CR0_PG = 1u << 31 };

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

void op_hlt(struct cpu *c, const struct insn *i)
{
	(void)i;
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

/* F8 CLC, F9 STC, FA CLI, FB STI, FC CLD, FD STD. */
void op_flagop(struct cpu *c, const struct insn *i)
{
	switch (i->op) {
	case 0xF8: flags_put_cf(c, false); break;
	case 0xF9: flags_put_cf(c, true); break;
	case 0xFA:
		cpu_check_trap(c, CPU_TRAP_CLI);
		c->in.flags &= ~(uint32_t)FLAG_IF;
		break;
	case 0xFB:
		cpu_check_trap(c, CPU_TRAP_STI);
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

/* No coprocessor: ESC only computes its address (done by the decoder);
 * with EM or TS set the 286+ raise #NM (Intel 80286 PRM 9.4). */
void op_esc(struct cpu *c, const struct insn *i)
{
	if (c->model >= CPU_80286 && (c->in.cr0 & (CR0_EM | CR0_TS)))
		cpu_fault(c, EXC_NM);
	/* The 286 still checks the first word of a memory operand against the
	 * segment limit (80286 captures: ESC with EA = FFFFh raises #GP). */
	if (c->model == CPU_80286 && i->mod != 3 && insn_ea(c, i) == 0xFFFF)
		cpu_fault(c, EXC_GP);
}

void op_wait(struct cpu *c, const struct insn *i)
{
	(void)i;
	if (c->model >= CPU_80286 && (c->in.cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
		cpu_fault(c, EXC_NM);
}

/* SMSW: the 286's unused MSW bits read as ones. */
void op_smsw(struct cpu *c, const struct insn *i)
{
	uint16_t v = (uint16_t)c->in.cr0;
	if (c->model == CPU_80286)
		v |= 0xFFF0;
	rm_write(c, i, 2, v);
}

static void load_cr0(struct cpu *c, uint32_t v)
{
	if (v & CR0_PE)
		cpu_exit_now(c, CPU_EXIT_UNSUPPORTED);
	if (v & CR0_PG)
		cpu_fault(c, EXC_GP);
	c->in.cr0 = v;
}

void op_lmsw(struct cpu *c, const struct insn *i)
{
	uint16_t v = (uint16_t)rm_read(c, i, 2);
	load_cr0(c, (c->in.cr0 & ~0xFu) | (v & 0xFu));
}

void op_clts(struct cpu *c, const struct insn *i)
{
	(void)i;
	c->in.cr0 &= ~(uint32_t)CR0_TS;
}

/* SGDT /0, SIDT /1: limit16 then base (24 bits and FFh on the 286 and with
 * a 16-bit operand size on the 386). */
void op_sxdt(struct cpu *c, const struct insn *i)
{
	uint32_t ea = insn_ea(c, i);
	bool idt = i->reg == 1;
	uint32_t base = idt ? c->in.idt_base : c->in.gdt_base;
	if (c->model == CPU_80286)
		base = (base & 0xFFFFFF) | 0xFF000000u;
	else if (i->wsz == 2)
		base &= 0xFFFFFF;
	mem_write16(c, i->seg, ea, idt ? c->in.idt_limit : c->in.gdt_limit);
	mem_write32(c, i->seg, (ea + 2) & (i->asz == 2 ? 0xFFFF : 0xFFFFFFFF), base);
}

void op_lxdt(struct cpu *c, const struct insn *i)
{
	uint32_t ea = insn_ea(c, i);
	uint16_t limit = mem_read16(c, i->seg, ea);
	uint32_t base = mem_read32(c, i->seg, (ea + 2) & (i->asz == 2 ? 0xFFFF : 0xFFFFFFFF));
	if (i->wsz == 2)
		base &= 0xFFFFFF;
	if (i->reg == 3) {
		c->in.idt_base = base;
		c->in.idt_limit = limit;
	} else {
		c->in.gdt_base = base;
		c->in.gdt_limit = limit;
	}
}

/* 0F 20/22 CR, 21/23 DR, 24/26 TR; bit 1 of the opcode = to the special
 * register. The r/m field always names a 32-bit general register. */
void op_mov_cr(struct cpu *c, const struct insn *i)
{
	bool to_special = i->op & 2;
	unsigned n = i->reg, kind = i->op & ~2u;
	uint32_t *gpr = reg32(c, i->rm);
	uint32_t *dst;
	switch (kind) {
	case 0x20:
		if (n == 0) {
			if (to_special) {
				load_cr0(c, *gpr);
				return;
			}
			*gpr = c->in.cr0;
			return;
		}
		if (n == 2)
			dst = &c->in.cr2;
		else if (n == 3)
			dst = &c->in.cr3;
		else
			cpu_fault(c, EXC_UD);
		break;
	case 0x21:
		dst = &c->in.dr[(n == 4 || n == 5) ? n + 2 : n];
		break;
	default:
		if (n < 6)
			cpu_fault(c, EXC_UD);
		dst = &c->in.tr[n];
		break;
	}
	if (to_special)
		*dst = *gpr;
	else
		*gpr = *dst;
}
