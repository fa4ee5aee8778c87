/*
 * ops_bcd.c - decimal adjust: DAA, DAS, AAA, AAS, AAM, AAD, and SALC.
 * Algorithms: Intel 80386 PRM 17.2.2.11 (DAA/DAS/AAA/AAS/AAM/AAD).
 * 8086/186 AAA/AAS adjust AL and AH separately; the 286+ add 6 to AX
 * (the carry out of AL reaches AH). Undefined flags follow the same
 * arithmetic (they are masked in the hardware captures).
 */
#include "cpu/cpu_internal.h"

/* DAA/DAS. The 8086 differs from the Intel 386 pseudo-code (hardware
 * captures): with AF set the high adjustment triggers above 9Fh instead of
 * 99h, and CF comes only from the high adjustment. */
static void decimal_adjust(struct cpu *c, bool sub)
{
	uint8_t al = *reg8(c, 0), old_al = al;
	bool old_cf = flag_cf(c), cf = false, af = false;
	bool lo = (al & 0x0F) > 9 || flag_af(c);
	bool hi;
	if (c->model <= CPU_80186) {
		hi = old_al > (flag_af(c) ? 0x9F : 0x99) || old_cf;
	} else {
		hi = old_al > 0x99 || old_cf;
		if (lo)
			cf = old_cf || (sub ? al < 6 : al > 0xF9);
	}
	if (lo) {
		al = (uint8_t)(sub ? al - 6 : al + 6);
		af = true;
	}
	if (hi) {
		al = (uint8_t)(sub ? al - 0x60 : al + 0x60);
		cf = true;
	}
	*reg8(c, 0) = al;
	/* OF is undefined: computed as for the signed addition/subtraction. */
	bool of = sub ? ((old_al & 0x80) && !(al & 0x80)) : (!(old_al & 0x80) && (al & 0x80));
	flags_result(c, al, 8, (cf ? FLAG_CF : 0) | (af ? FLAG_AF : 0) | (of ? FLAG_OF : 0));
}

void op_daa(struct cpu *c, const struct insn *i)
{
	(void)i;
	decimal_adjust(c, false);
}

void op_das(struct cpu *c, const struct insn *i)
{
	(void)i;
	decimal_adjust(c, true);
}

static void ascii_adjust(struct cpu *c, bool sub)
{
	uint8_t al = *reg8(c, 0);
	bool adjust = (al & 0x0F) > 9 || flag_af(c);
	if (adjust) {
		if (c->model >= CPU_80286) {
			uint16_t ax = *reg16(c, REG_AX);
			ax = (uint16_t)(sub ? ax - 6 : ax + 6);
			*reg16(c, REG_AX) = ax;
			*reg8(c, 4) = (uint8_t)(*reg8(c, 4) + (sub ? -1 : 1));
		} else {
			*reg8(c, 0) = (uint8_t)(sub ? al - 6 : al + 6);
			*reg8(c, 4) = (uint8_t)(*reg8(c, 4) + (sub ? -1 : 1));
		}
	}
	uint8_t res = *reg8(c, 0);
	*reg8(c, 0) = res & 0x0F;
	flags_result(c, res, 8, adjust ? (FLAG_CF | FLAG_AF) : 0);
}

void op_aaa(struct cpu *c, const struct insn *i)
{
	(void)i;
	ascii_adjust(c, false);
}

void op_aas(struct cpu *c, const struct insn *i)
{
	(void)i;
	ascii_adjust(c, true);
}

void op_aam(struct cpu *c, const struct insn *i)
{
	uint8_t base = (uint8_t)i->imm, al = *reg8(c, 0);
	if (base == 0) {
		/* Before the fault the divide leaves SZP of an intermediate value
		 * of the dividend 00:AL, as DIV r/m8 by 0 does with AX: on the
		 * 8086 its high byte (0; DIV: SZP of AH), on the 286 the dividend
		 * shifted right once (DIV: SZP of AX >> 1, low byte, with CF, OF
		 * and AF clear) -- both seen in the SingleStepTests captures of
		 * DIV by 0. The 386+ leave the flags alone. */
		if (c->model <= CPU_80186) {
			flags_materialize(c);
			flags_result(c, 0, 8, c->in.lf_aux & (FLAG_CF | FLAG_AF | FLAG_OF));
		} else if (c->model == CPU_80286) {
			flags_result(c, al >> 1, 8, 0);
		}
		cpu_fault(c, EXC_DE);
	}
	*reg8(c, 4) = al / base;
	*reg8(c, 0) = al % base;
	flags_result(c, *reg8(c, 0), 8, 0);
}

void op_aad(struct cpu *c, const struct insn *i)
{
	uint8_t base = (uint8_t)i->imm;
	uint8_t a = *reg8(c, 0), b = (uint8_t)(*reg8(c, 4) * base);
	uint8_t r = (uint8_t)(a + b);
	*reg16(c, REG_AX) = r;
	flags_add(c, a, b, r, 8);
}

void op_salc(struct cpu *c, const struct insn *i)
{
	(void)i;
	*reg8(c, 0) = flag_cf(c) ? 0xFF : 0x00;
}
