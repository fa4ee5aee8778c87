/*
 * alu.h - the eight classic ALU operations (ADD OR ADC SBB AND SUB XOR CMP,
 * in opcode order, Intel 80386 PRM 17.2.2.1) on 8/16/32-bit values,
 * with their flags. Shared by the ALU and string (CMPS/SCAS) handlers.
 */
#ifndef MVDM_CPU_ALU_H
#define MVDM_CPU_ALU_H

#include "cpu/cpu_internal.h"

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/* The result of op on a and b (cin: the carry-in of ADC/SBB, else 0). */
static inline __attribute__((always_inline)) uint32_t alu_result(unsigned op, uint32_t a, uint32_t b, uint32_t cin,
								  unsigned sz)
{
	const uint32_t m = size_mask(sz);
	switch (op) {
	case ALU_ADD: return (a + b) & m;
	case ALU_OR: return a | b;
	case ALU_ADC: return (a + b + cin) & m;
	case ALU_SBB: return (a - b - cin) & m;
	case ALU_AND: return a & b;
	case ALU_XOR: return a ^ b;
	default: return (a - b) & m; /* SUB, CMP */
	}
}

/* op on a and b with its flags, or (flags false) without them: for a
 * recorded block in which the next flag access overwrites them all
 * (block_cache.c). ADC and SBB read CF either way. */
static inline __attribute__((always_inline)) uint32_t alu_op_flags(struct cpu *c, unsigned op, uint32_t a, uint32_t b,
								    unsigned sz, bool flags)
{
	const unsigned bits = sz * 8;
	const uint32_t cin = op == ALU_ADC || op == ALU_SBB ? flag_cf(c) : 0;
	const uint32_t r = alu_result(op, a, b, cin, sz);
	if (!flags)
		return r;
	switch (op) {
	case ALU_ADD: flags_add(c, a, b, r, bits); break;
	case ALU_ADC: flags_lazy(c, LF_ADC, a, b, r, bits, cin); break;
	case ALU_SBB: flags_lazy(c, LF_SBB, a, b, r, bits, cin); break;
	case ALU_OR: case ALU_AND: case ALU_XOR: flags_logic(c, r, bits); break;
	default: flags_sub(c, a, b, r, bits); break; /* SUB, CMP */
	}
	return r;
}

static inline __attribute__((always_inline)) uint32_t alu_op(struct cpu *c, unsigned op, uint32_t a, uint32_t b, unsigned sz)
{
	return alu_op_flags(c, op, a, b, sz, true);
}

/* INC/DEC leave CF alone (Intel 80386 PRM 17.2.2.11). Without `flags` they
 * skip the flags (alu_op_flags()). */
static inline __attribute__((always_inline)) uint32_t inc_dec_flags(struct cpu *c, uint32_t a, unsigned sz,
								     bool dec, bool flags)
{
	uint32_t r = (dec ? a - 1 : a + 1) & size_mask(sz);
	if (flags)
		flags_lazy(c, dec ? LF_DEC : LF_INC, a, 1, r, sz * 8, flag_cf(c));
	return r;
}

#endif
