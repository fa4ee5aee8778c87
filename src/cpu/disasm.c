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
	if (i->disp || !any)
		put(o, "%s%Xh", any ? "+" : "", i->disp & (asz == 2 ? 0xFFFF : 0xFFFFFFFF));
	put(o, "]");
}

static void put_rm(struct out *o, const struct insn *i, unsigned sz)
{
	if (i->mod == 3)
		put(o, "%s", reg_name(i->rm, sz));
	else
		put_mem(o, i, sz);
}

void cpu_disasm_insn(struct cpu *c, const struct insn *i, char *buf, size_t buflen)
{
	struct out o = { buf, buflen };
	const struct op_entry *e = i->ent;
	unsigned form = e->form, sz = i->osz;
	if (buflen)
		buf[0] = 0;
	if (i->lock)
		put(&o, "lock ");
	if (i->rep && (e->fn == op_table[OPT_1 + 0xA4].fn || e->fn == op_table[OPT_1 + 0xA6].fn ||
		       e->fn == op_table[OPT_1 + 0xAA].fn || e->fn == op_table[OPT_1 + 0xAC].fn ||
		       e->fn == op_table[OPT_1 + 0xAE].fn || e->fn == op_table[OPT_1 + 0x6C].fn ||
		       e->fn == op_table[OPT_1 + 0x6E].fn))
		put(&o, "%s ", i->rep == 0xF2 ? "repne" : "rep");
	put(&o, "%s", e->name);
	const char *sep = " ";
	if (form & F_MODRM) {
		/* Direction bit: register first for opcodes 02/03-style forms. */
		bool reg_first = !i->two_byte && i->op < 0x8C && (i->op & 2) && !(form & F_GROUP) &&
				 !(i->op >= 0x80 && i->op <= 0x83);
		bool has_reg = !(e->group >= 0 || (i->op >= 0x80 && i->op <= 0x83)) &&
			       !(i->op >= 0xD8 && i->op <= 0xDF) && !(i->op >= 0xC0 && i->op <= 0xC7) &&
			       !(i->op >= 0xD0 && i->op <= 0xD3) && !(i->op >= 0xF6);
		if (i->two_byte && (i->op == 0x00 || i->op == 0x01 || i->op == 0xBA || (i->op >= 0x90 && i->op <= 0x9F)))
			has_reg = false;
		if (i->two_byte && (i->op == 0xAF || (i->op >= 0xB2 && i->op <= 0xBF && i->op != 0xBA && i->op != 0xBB && i->op != 0xB3))) {
			/* reg, r/m with the register in the operand size (MOVZX, LSS, BSF...) */
			unsigned rm_sz = (i->op == 0xB6 || i->op == 0xBE) ? 1 : (i->op == 0xB7 || i->op == 0xBF) ? 2 : i->wsz;
			put(&o, "%s%s, ", sep, reg_name(i->reg, i->wsz));
			put_rm(&o, i, rm_sz);
		} else if (reg_first && has_reg) {
			put(&o, "%s%s, ", sep, reg_name(i->reg, sz));
			put_rm(&o, i, sz);
		} else {
			put(&o, "%s", sep);
			put_rm(&o, i, sz);
			if (has_reg)
				put(&o, ", %s", (i->op == 0x8C || i->op == 0x8E) ? seg_names[i->reg % SEG_COUNT] :
						 reg_name(i->reg, sz));
		}
		sep = ", ";
	}
	if (form & F_MOFFS) {
		put(&o, "%s", sep);
		put_mem(&o, i, sz);
		sep = ", ";
	}
	if (form & (F_REL8 | F_RELV))
		put(&o, "%s%Xh", sep, (c->ip + i->len + i->imm) & (i->wsz == 4 ? 0xFFFFFFFF : 0xFFFF));
	else if (form & F_FAR)
		put(&o, "%s%04X:%Xh", sep, i->imm2, i->imm);
	else if (form & (F_IMM8 | F_IMMV | F_IMM16)) {
		put(&o, "%s%Xh", sep, i->imm & size_mask(sz == 1 ? 1 : i->wsz));
		if (form & F_IMM8B)
			put(&o, ", %Xh", i->imm2 & 0xFF);
	}
}

int cpu_disasm(struct cpu *c, uint16_t seg, uint32_t off, char *buf, size_t buflen)
{
	jmp_buf saved;
	struct insn i;
	uint16_t saved_cs = c->seg[SEG_CS];
	uint32_t saved_ip = c->ip;
	volatile int len = 1;
	memcpy(saved, c->in.fault_jmp, sizeof(jmp_buf));
	seg_load(c, SEG_CS, seg);
	c->ip = off & 0xFFFF;
	if (setjmp(c->in.fault_jmp) == 0) {
		cpu_decode(c, &i);
		cpu_disasm_insn(c, &i, buf, buflen);
		len = (int)i.len;
	} else if (buflen) {
		snprintf(buf, buflen, "(fault while decoding)");
	}
	memcpy(c->in.fault_jmp, saved, sizeof(jmp_buf));
	seg_load(c, SEG_CS, saved_cs);
	c->ip = saved_ip;
	return len;
}
