/*
 * ops_string.c - MOVS CMPS STOS LODS SCAS INS OUTS, with REP/REPE/REPNE.
 *
 * Source is seg:SI (DS unless overridden), destination ES:DI (never
 * overridden); SI/DI or ESI/EDI by address size step by the operand size,
 * down when DF is set. CX/ECX counts. A repeated instruction runs in chunks
 * of REP_CHUNK iterations and stops early when an interrupt is pending; it
 * then restarts at its first prefix byte with the registers of the finished
 * iterations, as the hardware does (Intel 80386 PRM 17.2.2.11 REP).
 */
#include "cpu/alu.h"

enum { REP_CHUNK = 4096 };

uint32_t io_in(struct cpu *c, uint16_t port, unsigned sz, bool string);
void io_out(struct cpu *c, uint16_t port, unsigned sz, uint32_t v, bool string);

static inline uint32_t idx_get(struct cpu *c, unsigned r, const struct insn *i)
{
	return i->asz == 4 ? *reg32(c, r) : *reg16(c, r);
}

static inline void idx_step(struct cpu *c, unsigned r, const struct insn *i)
{
	uint32_t delta = (c->in.flags & FLAG_DF) ? (uint32_t)-(int32_t)i->osz : i->osz;
	if (i->asz == 4)
		*reg32(c, r) += delta;
	else
		*reg16(c, r) = (uint16_t)(*reg16(c, r) + delta);
}

static inline uint32_t acc_get(struct cpu *c, const struct insn *i)
{
	return reg_get(c, REG_AX, i->osz);
}

/* The 286 steps the index register of an access that runs past offset
 * FFFFh before it raises #GP, and a repeated instruction has already counted
 * CX down by cx_dec (0, 1 or 2 depending on the access: 80286 captures);
 * check that case first. */
static inline uint32_t idx_checked(struct cpu *c, unsigned r, const struct insn *i, unsigned cx_dec)
{
	uint32_t off = idx_get(c, r, i);
	if (unlikely(c->model == CPU_80286 && off > 0x10000u - i->osz)) {
		idx_step(c, r, i);
		if (i->rep)
			reg_set(c, REG_CX, i->asz, reg_get(c, REG_CX, i->asz) - cx_dec);
		cpu_fault(c, EXC_GP);
	}
	return off;
}

/* One iteration of the string instruction; returns false when a REPE/REPNE
 * comparison ends the repetition. */
static bool string_step(struct cpu *c, const struct insn *i, unsigned kind)
{
	const unsigned sz = i->osz;
	switch (kind) {
	case 0: { /* MOVS */
		uint32_t v = mem_read(c, i->seg, idx_checked(c, REG_SI, i, 1), sz);
		idx_step(c, REG_SI, i);
		mem_write(c, SEG_ES, idx_checked(c, REG_DI, i, 2), sz, v);
		idx_step(c, REG_DI, i);
		return true;
	}
	case 1: { /* CMPS: the 286 reads ES:DI first (captures) */
		uint32_t b = mem_read(c, SEG_ES, idx_checked(c, REG_DI, i, 0), sz);
		idx_step(c, REG_DI, i);
		uint32_t a = mem_read(c, i->seg, idx_checked(c, REG_SI, i, 1), sz);
		idx_step(c, REG_SI, i);
		alu_op(c, ALU_CMP, a, b, sz);
		return flag_zf(c) == (i->rep == 0xF3);
	}
	case 2: /* STOS */
		mem_write(c, SEG_ES, idx_checked(c, REG_DI, i, 2), sz, acc_get(c, i));
		idx_step(c, REG_DI, i);
		return true;
	case 3: /* LODS */
		reg_set(c, REG_AX, sz, mem_read(c, i->seg, idx_checked(c, REG_SI, i, 1), sz));
		idx_step(c, REG_SI, i);
		return true;
	case 4: /* SCAS */
		alu_op(c, ALU_CMP, acc_get(c, i), mem_read(c, SEG_ES, idx_checked(c, REG_DI, i, 1), sz), sz);
		idx_step(c, REG_DI, i);
		return flag_zf(c) == (i->rep == 0xF3);
	case 5: { /* INS: the port is read before the write (restartable on a trap) */
		uint32_t off = idx_checked(c, REG_DI, i, 2);
		uint32_t v = io_in(c, *reg16(c, REG_DX), sz, true);
		mem_write(c, SEG_ES, off, sz, v);
		idx_step(c, REG_DI, i);
		return true;
	}
	default: /* OUTS */
		io_out(c, *reg16(c, REG_DX), sz, mem_read(c, i->seg, idx_checked(c, REG_SI, i, 1), sz), true);
		idx_step(c, REG_SI, i);
		return true;
	}
}

static void string_op(struct cpu *c, const struct insn *i, unsigned kind)
{
	if (!i->rep) {
		string_step(c, i, kind);
		return;
	}
	uint32_t n = reg_get(c, REG_CX, i->asz);
	for (unsigned chunk = REP_CHUNK; n != 0; chunk--) {
		if (chunk == 0 || (c->in.events & 1)) {
			/* Not finished: run the instruction again later; this
			 * budget unit retired nothing. */
			c->ip = c->in.insn_ip;
			c->in.unretired++;
			return;
		}
		bool go_on = string_step(c, i, kind);
		n--;
		reg_set(c, REG_CX, i->asz, n);
		if (!go_on)
			return;
	}
}

void op_movs(struct cpu *c, const struct insn *i) { string_op(c, i, 0); }
void op_cmps(struct cpu *c, const struct insn *i) { string_op(c, i, 1); }
void op_stos(struct cpu *c, const struct insn *i) { string_op(c, i, 2); }
void op_lods(struct cpu *c, const struct insn *i) { string_op(c, i, 3); }
void op_scas(struct cpu *c, const struct insn *i) { string_op(c, i, 4); }
void op_ins(struct cpu *c, const struct insn *i) { string_op(c, i, 5); }
void op_outs(struct cpu *c, const struct insn *i) { string_op(c, i, 6); }
