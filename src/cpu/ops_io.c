/*
 * ops_io.c - IN and OUT, and the port access shared with INS/OUTS.
 * First the guest's own permission: in protected mode with CPL > IOPL and
 * in V86 mode, the I/O permission bitmap of the current 386 TSS decides
 * (Intel 80386 PRM 8.3.2): the bit of every port the access touches must
 * be clear and inside the TSS limit (the processor reads two bytes of the
 * map), else #GP(0); a 286 TSS has no bitmap. Then the monitor's: a port
 * whose bit (any byte of a word/dword access) is set in io_trap_bitmap
 * makes cpu_run() return CPU_EXIT_IO before the access, with the
 * instruction not executed; other ports go to the bus callbacks. Ports
 * nobody answers read as all ones.
 */
#include "cpu/cpu_internal.h"

static void io_permission(struct cpu *c, uint16_t port, unsigned sz)
{
	if (!(c->in.cr0 & CR0_PE) || (!cpu_v86(c) && c->in.cpl <= ((c->in.flags & FLAG_IOPL) >> 12)))
		return;
	const struct cpu_desc *t = &c->in.tss;
	if (!(t->attr & 8) || t->limit < 0x67)
		cpu_fault(c, EXC_GP);
	uint32_t byte = sys_read(c, t->base + 0x66, 2) + (port >> 3);
	if (byte + 1 > t->limit)
		cpu_fault(c, EXC_GP);
	uint32_t bits = sys_read(c, t->base + byte, 2);
	if ((bits >> (port & 7)) & ((1u << sz) - 1))
		cpu_fault(c, EXC_GP);
}

static bool io_trapped(const struct cpu *c, uint16_t port, unsigned sz)
{
	if (!c->io_trap_bitmap)
		return false;
	for (unsigned k = 0; k < sz; k++) {
		uint16_t p = (uint16_t)(port + k);
		if ((c->io_trap_bitmap[p >> 3] >> (p & 7)) & 1)
			return true;
	}
	return false;
}

static _Noreturn void io_exit(struct cpu *c, uint16_t port, unsigned sz, bool write, bool string)
{
	c->exit.port = port;
	c->exit.io_size = (uint8_t)sz;
	c->exit.io_write = write;
	c->exit.io_string = string;
	cpu_exit_now(c, CPU_EXIT_IO);
}

uint32_t io_in(struct cpu *c, uint16_t port, unsigned sz, bool string)
{
	io_permission(c, port, sz);
	if (io_trapped(c, port, sz))
		io_exit(c, port, sz, false, string);
	uint32_t m = size_mask(sz);
	return c->bus.io_read ? c->bus.io_read(c->bus.ctx, port, sz) & m : m;
}

void io_out(struct cpu *c, uint16_t port, unsigned sz, uint32_t v, bool string)
{
	io_permission(c, port, sz);
	if (io_trapped(c, port, sz))
		io_exit(c, port, sz, true, string);
	if (c->bus.io_write)
		c->bus.io_write(c->bus.ctx, port, sz, v & size_mask(sz));
}

/* E4/E5 port imm8, EC/ED port DX. */
void op_in(struct cpu *c, const struct insn *i)
{
	uint16_t port = (i->op & 8) ? *reg16(c, REG_DX) : (uint16_t)(i->imm & 0xFF);
	reg_set(c, REG_AX, i->osz, io_in(c, port, i->osz, false));
}

void op_out(struct cpu *c, const struct insn *i)
{
	uint16_t port = (i->op & 8) ? *reg16(c, REG_DX) : (uint16_t)(i->imm & 0xFF);
	io_out(c, port, i->osz, reg_get(c, REG_AX, i->osz), false);
}
