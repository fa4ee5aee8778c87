/*
 * ops_io.c - IN and OUT, and the port access shared with INS/OUTS.
 * A port whose bit (any byte of a word/dword access) is set in
 * io_trap_bitmap makes cpu_run() return CPU_EXIT_IO before the access, with
 * the instruction not executed; other ports go to the bus callbacks.
 * Ports nobody answers read as all ones.
 */
#include "cpu/cpu_internal.h"

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
	if (io_trapped(c, port, sz))
		io_exit(c, port, sz, false, string);
	uint32_t m = size_mask(sz);
	return c->bus.io_read ? c->bus.io_read(c->bus.ctx, port, sz) & m : m;
}

void io_out(struct cpu *c, uint16_t port, unsigned sz, uint32_t v, bool string)
{
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
