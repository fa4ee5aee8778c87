/*
 * disasm.c - a compact disassembler for traces and diagnostics, driven by
 * the same op_table and decoder as execution (Intel syntax, operands in
 * hex). It decodes without side effects: a fault while fetching ends it.
 */
#include <stdarg.h>
#include <string.h>

#include "cpu/cpu_internal.h"

static const char *const reg_names[3][8] = {
	{ "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh" },
	{ "ax", "cx", "dx", "bx", "sp", "bp", "si", "di" },
	{ "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" },
};
static const char *const seg_names[SEG_COUNT] = { "es", "cs", "ss", "ds", "fs", "gs" };

struct out {
	char *p;
	size_t left;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->p, o->left, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t used = (size_t)n < o->left ? (size_t)n : (o->left ? o->left - 1 : 0);
	o->p += used;
	o->left -= used;
}

static const char *reg_name(unsigned r, unsigned sz)
{
	return reg_names[sz == 1 ? 0 : sz == 2 ? 1 : 2][r & 7];
}

static void put_hex_signed(struct out *o, const char *sep, uint32_t v, unsigned asz)
{
	int32_t sv = asz == 2 ? (int16_t)v : (int32_t)v;
	if (sv < 0)
		put(o, "-%Xh", (uint32_t)-(int64_t)sv);
	else
		put(o, "%s%Xh", sep, (uint32_t)sv);
}

static void put_mem(struct out *o, const struct insn *i, unsigned sz)
{
	static const char *const ptr[5] = { "", "byte ", "word ", "", "dword " };
	put(o, "%s[%s:", ptr[sz <= 4 ? sz : 0], seg_names[i->seg]);
	bool any = false;
	unsigned asz = i->asz;
	if (i->base < 8) {
		put(o, "%s", reg_name(i->base, asz));
		any = true;
	}
	if (i->index < 8) {
		put(o, "%s%s", any ? "+" : "", reg_name(i->index, asz));
		if (i->scale)
			put(o, "*%u", 1u << i->scale);
		any = true;
	}
	if (!any)
		put(o, "%Xh", i->disp & (asz == 2 ? 0xFFFF : 0xFFFFFFFF));
	else if (i->disp)
		put_hex_signed(o, "+", i->disp, asz);
	put(o, "]");
}

static void put_rm(struct out *o, const struct insn *i, unsigned sz)
{
	if (i->mod == 3)
		put(o, "%s", reg_name(i->rm, sz));
	else
		put_mem(o, i, sz);
}

/* Operand kinds, printed in order by put_operands(). */
enum opnd {
	O_END, O_RM, O_RM8, O_RM16, O_REG, O_OPREG, O_ACC, O_IMM, O_IMM8, O_IMM2, O_REL, O_FAR,
	O_MOFFS, O_SREG, O_OPSREG, O_ONE, O_CL, O_DX, O_CR, O_WREG, O_RM32,
};

static void put_operand(struct out *o, struct cpu *c, const struct insn *i, enum opnd k)
{
	const unsigned sz = i->osz;
	static const char *const cr_kind[4] = { "cr", "dr", "tr", "tr" };
	switch (k) {
	case O_RM: put_rm(o, i, sz); break;
	case O_RM8: put_rm(o, i, 1); break;
	case O_RM16: put_rm(o, i, 2); break;
	case O_RM32: put_rm(o, i, 4); break;
	case O_REG: put(o, "%s", reg_name(i->reg, sz)); break;
	case O_WREG: put(o, "%s", reg_name(i->reg, i->wsz)); break;
	case O_OPREG: put(o, "%s", reg_name(i->op & 7, sz)); break;
	case O_ACC: put(o, "%s", reg_name(REG_AX, sz)); break;
	case O_IMM: put(o, "%Xh", i->imm & size_mask(sz)); break;
	case O_IMM8: put(o, "%Xh", i->imm & 0xFF); break;
	case O_IMM2: put(o, "%Xh", i->imm2 & 0xFF); break;
	case O_REL: put(o, "%Xh", (c->ip + i->len + i->imm) & (i->wsz == 4 ? 0xFFFFFFFF : 0xFFFF)); break;
	case O_FAR: put(o, "%04X:%Xh", i->imm2, i->imm); break;
	case O_MOFFS: put_mem(o, i, sz); break;
	case O_SREG: put(o, "%s", seg_names[i->reg % SEG_COUNT]); break;
	case O_OPSREG:
		put(o, "%s", seg_names[i->two_byte ? (i->op < 0xA8 ? SEG_FS : SEG_GS) : (i->op >> 3) & 3]);
		break;
	case O_ONE: put(o, "1"); break;
	case O_CL: put(o, "cl"); break;
	case O_DX: put(o, "dx"); break;
	case O_CR: put(o, "%s%u", cr_kind[(i->op >> 2) & 1 ? 2 : (i->op & 1)], i->reg); break;
	default: break;
	}
}

/* The operands of the one-byte opcode op. */
static const uint8_t *operands_1(const struct insn *i)
{
	static const uint8_t alu[6][3] = { { O_RM, O_REG }, { O_RM, O_REG }, { O_REG, O_RM },
					   { O_REG, O_RM }, { O_ACC, O_IMM }, { O_ACC, O_IMM } };
	static const uint8_t none[1] = { O_END }, rm[2] = { O_RM }, rm_reg[3] = { O_RM, O_REG },
			     reg_rm[3] = { O_REG, O_RM }, opreg[2] = { O_OPREG }, rel[2] = { O_REL },
			     imm[2] = { O_IMM }, imm8[2] = { O_IMM8 }, rm_imm[3] = { O_RM, O_IMM },
			     acc_imm[3] = { O_ACC, O_IMM }, opsreg[2] = { O_OPSREG },
			     reg_rm_imm[4] = { O_REG, O_RM, O_IMM }, rm_sreg[3] = { O_RM16, O_SREG },
			     sreg_rm[3] = { O_SREG, O_RM16 }, acc_opreg[3] = { O_ACC, O_OPREG },
			     opreg_imm[3] = { O_OPREG, O_IMM }, acc_moffs[3] = { O_ACC, O_MOFFS },
			     moffs_acc[3] = { O_MOFFS, O_ACC }, far[2] = { O_FAR }, rm_one[3] = { O_RM, O_ONE },
			     rm_cl[3] = { O_RM, O_CL }, rm_imm8[3] = { O_RM, O_IMM8 }, enter[3] = { O_IMM, O_IMM2 },
			     acc_imm8[3] = { O_ACC, O_IMM8 }, imm8_acc[3] = { O_IMM8, O_ACC },
			     acc_dx[3] = { O_ACC, O_DX }, dx_acc[3] = { O_DX, O_ACC };
	const uint8_t op = i->op;
	if (op < 0x40)
		return (op & 7) < 6 ? alu[op & 7] : (op & 0x26) == 0x26 ? none : opsreg;
	if (op < 0x60)
		return opreg;
	switch (op) {
	case 0x62: case 0x8D: case 0xC4: case 0xC5: return reg_rm;
	case 0x68: case 0x6A: case 0xCD: return op == 0xCD ? imm8 : imm;
	case 0x69: case 0x6B: return reg_rm_imm;
	case 0x80: case 0x81: case 0x82: case 0x83: case 0xC6: case 0xC7: return rm_imm;
	case 0x84: case 0x85: case 0x86: case 0x87: case 0x88: case 0x89: return rm_reg;
	case 0x8A: case 0x8B: return reg_rm;
	case 0x8C: return rm_sreg;
	case 0x8E: return sreg_rm;
	case 0x8F: case 0xFE: case 0xFF: return rm;
	case 0x9A: case 0xEA: return far;
	case 0xA0: case 0xA1: return acc_moffs;
	case 0xA2: case 0xA3: return moffs_acc;
	case 0xA8: case 0xA9: return acc_imm;
	case 0xC0: case 0xC1: return rm_imm8;
	case 0xC2: case 0xCA: return imm;
	case 0xC8: return enter;
	case 0xD0: case 0xD1: return rm_one;
	case 0xD2: case 0xD3: return rm_cl;
	case 0xD4: case 0xD5: return imm8;
	case 0xE4: case 0xE5: return acc_imm8;
	case 0xE6: case 0xE7: return imm8_acc;
	case 0xEC: case 0xED: return acc_dx;
	case 0xEE: case 0xEF: return dx_acc;
	case 0xF6: case 0xF7: return i->reg < 2 ? rm_imm : rm;
	default: break;
	}
	if ((op >= 0x70 && op < 0x80) || (op >= 0xE0 && op <= 0xE3) || op == 0xE8 || op == 0xE9 || op == 0xEB)
		return rel;
	if (op >= 0x91 && op <= 0x97)
		return acc_opreg;
	if (op >= 0xB0 && op <= 0xBF)
		return opreg_imm;
	if (op >= 0xD8 && op <= 0xDF)
		return rm;
	return none;
}

/* The operands of the two-byte opcode 0F op. */
static const uint8_t *operands_0f(const struct insn *i)
{
	static const uint8_t none[1] = { O_END }, rm[2] = { O_RM }, rm8[2] = { O_RM8 },
			     rel[2] = { O_REL }, rm_reg[3] = { O_RM, O_REG }, reg_rm[3] = { O_REG, O_RM },
			     rm_imm8[3] = { O_RM, O_IMM8 }, opsreg[2] = { O_OPSREG },
			     shxd_imm[4] = { O_RM, O_REG, O_IMM8 }, shxd_cl[4] = { O_RM, O_REG, O_CL },
			     movx8[3] = { O_WREG, O_RM8 }, movx16[3] = { O_WREG, O_RM16 },
			     from_cr[3] = { O_RM32, O_CR }, to_cr[3] = { O_CR, O_RM32 };
	const uint8_t op = i->op;
	switch (op) {
	case 0x00: case 0x01: return rm;
	case 0x20: case 0x21: case 0x24: return from_cr;
	case 0x22: case 0x23: case 0x26: return to_cr;
	case 0xA0: case 0xA1: case 0xA8: case 0xA9: return opsreg;
	case 0xA3: case 0xAB: case 0xB3: case 0xBB: return rm_reg;
	case 0xA4: case 0xAC: return shxd_imm;
	case 0xA5: case 0xAD: return shxd_cl;
	case 0xAF: case 0xB2: case 0xB4: case 0xB5: case 0xBC: case 0xBD: return reg_rm;
	case 0xB6: case 0xBE: return movx8;
	case 0xB7: case 0xBF: return movx16;
	case 0xBA: return rm_imm8;
	default: break;
	}
	if (op >= 0x80 && op <= 0x8F)
		return rel;
	if (op >= 0x90 && op <= 0x9F)
		return rm8;
	return none;
}

/* Mnemonics that name their operand size: the table holds the 16-bit one. */
static const char *sized_name(const struct insn *i, const char *name)
{
	static const char *const pairs[][2] = {
		{ "pusha", "pushad" }, { "popa", "popad" }, { "pushf", "pushfd" }, { "popf", "popfd" },
		{ "cbw", "cwde" }, { "cwd", "cdq" }, { "iret", "iretd" },
		{ "movs", "movsd" }, { "cmps", "cmpsd" }, { "stos", "stosd" }, { "lods", "lodsd" },
		{ "scas", "scasd" }, { "ins", "insd" }, { "outs", "outsd" },
	};
	static const char *const words[] = { "movsw", "cmpsw", "stosw", "lodsw", "scasw", "insw", "outsw" };
	for (size_t k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++)
		if (strcmp(name, pairs[k][0]) == 0) {
			if (i->wsz == 4)
				return pairs[k][1];
			return k >= 7 ? words[k - 7] : name;
		}
	return name;
}

void cpu_disasm_insn(struct cpu *c, const struct insn *i, char *buf, size_t buflen)
{
	struct out o = { buf, buflen };
	const struct op_entry *e = i->ent;
	if (buflen)
		buf[0] = 0;
	if (i->lock)
		put(&o, "lock ");
	if (i->rep && (e->form & F_STRING))
		put(&o, "%s ", i->rep == 0xF2 ? "repne" : "rep");
	put(&o, "%s", sized_name(i, e->name));
	const uint8_t *ops = i->two_byte ? operands_0f(i) : operands_1(i);
	for (unsigned k = 0; ops[k] != O_END && k < 4; k++) {
		put(&o, k ? ", " : " ");
		put_operand(&o, c, i, (enum opnd)ops[k]);
	}
}

int cpu_disasm(struct cpu *c, uint16_t sel, uint32_t off, char *buf, size_t buflen)
{
	jmp_buf saved;
	struct insn i;
	const uint16_t saved_sel = c->seg[SEG_CS];
	const struct cpu_desc saved_cs = c->in.sd[SEG_CS];
	const uint32_t saved_ip = c->ip;
	const uint64_t saved_bc = c->in.bc_ctx, saved_check = c->in.link_check;
	const uint8_t saved_bits = c->in.mode_bits;
	const uint32_t saved_cr2 = c->in.cr2;
	volatile int len = 1;
	memcpy(saved, c->in.fault_jmp, sizeof(jmp_buf));
	if (setjmp(c->in.fault_jmp) == 0) {
		if (cpu_pm(c) && sel != saved_sel) {
			/* Another selector: its descriptor, unchecked. */
			uint32_t lo, hi, addr;
			struct cpu_desc d;
			if (!desc_fetch(c, sel, &lo, &hi, &addr))
				cpu_fault(c, EXC_GP);
			desc_decode(c, lo, hi, &d);
			seg_set_cache(c, SEG_CS, sel, &d);
		} else if (!cpu_pm(c)) {
			seg_load(c, SEG_CS, sel);
		}
		c->ip = off & c->in.ip_mask;
		cpu_decode(c, &i);
		cpu_disasm_insn(c, &i, buf, buflen);
		len = (int)i.len;
	} else if (buflen) {
		snprintf(buf, buflen, "(fault while decoding)");
	}
	memcpy(c->in.fault_jmp, saved, sizeof(jmp_buf));
	seg_set_cache(c, SEG_CS, saved_sel, &saved_cs);
	c->ip = saved_ip;
	c->in.mode_bits = saved_bits;
	c->in.bc_ctx = saved_bc;
	c->in.link_check = saved_check;
	c->in.cr2 = saved_cr2;
	return len;
}
