/*
 * alu.h - the eight classic ALU operations (ADD OR ADC SBB AND SUB XOR CMP,
 * in opcode order, Intel 80386 PRM 17.2.2.1) on 8/16/32-bit values,
 * with their flags. Shared by the ALU and string (CMPS/SCAS) handlers.
 */
#ifndef MVDM_CPU_ALU_H
#define MVDM_CPU_ALU_H

#include "cpu/cpu_internal.h"

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

static inline __attribute__((always_inline)) uint32_t alu_op(struct cpu *c, unsigned op, uint32_t a, uint32_t b, unsigned sz)
{
	const unsigned bits = sz * 8;
	const uint32_t m = size_mask(sz);
	uint32_t r;
	switch (op) {
	case ALU_ADD:
		r = (a + b) & m;
		flags_add(c, a, b, r, bits);
		break;
	case ALU_OR:
		r = a | b;
		flags_logic(c, r, bits);
		break;
	case ALU_ADC: {
		uint32_t cf = flag_cf(c);
		r = (a + b + cf) & m;
		flags_lazy(c, LF_ADC, a, b, r, bits, cf);
		break;
	}
	case ALU_SBB: {
		uint32_t cf = flag_cf(c);
		r = (a - b - cf) & m;
		flags_lazy(c, LF_SBB, a, b, r, bits, cf);
		break;
	}
	case ALU_AND:
		r = a & b;
		flags_logic(c, r, bits);
		break;
	case ALU_XOR:
		r = a ^ b;
		flags_logic(c, r, bits);
		break;
	default: /* SUB, CMP */
		r = (a - b) & m;
		flags_sub(c, a, b, r, bits);
		break;
	}
	return r;
}

#endif
