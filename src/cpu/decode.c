/*
 * decode.c - instruction decoder: prefixes, opcode, ModR/M, SIB,
 * displacement and immediates into a struct insn, driven by op_table.
 *
 * Rules (Intel 80386 PRM 17.2; 80286 PRM; SingleStepTests captures):
 * - Instruction bytes are fetched at CS:EIP within the CS limit (#GP(0)
 *   beyond it, also in real mode on the 286: "an attempt to execute past
 *   the end of a segment" is exception 13, 80286 PRM table 2-4); the
 *   8086/186 wrap IP at 64 KiB instead.
 * - The code segment's D bit gives the default operand and address size
 *   (32 bits when set); prefixes 66h/67h select the other one.
 * - Length limit: 10 bytes on the 286 and 15 on the 386/486 (#GP beyond);
 *   the 8086/186 accept any number of prefixes.
 * - 16-bit ModR/M: [BX+SI] [BX+DI] [BP+SI] [BP+DI] [SI] [DI] [BP]/disp16 [BX];
 *   BP-based forms default to SS. 32-bit: SIB when rm=4, disp32 when mod=0
 *   and rm=5 (or SIB base=5), ESP/EBP bases default to SS.
 */
#include "cpu/cpu_internal.h"

static inline uint8_t fetch(struct cpu *c, unsigned *n, unsigned maxlen)
{
	if (unlikely(*n >= maxlen))
		cpu_fault(c, EXC_GP);
	uint32_t off = c->ip + *n;
	(*n)++;
	if (unlikely(off > c->in.sd[SEG_CS].limit)) {
		if (c->model >= CPU_80286 || c->in.ip_mask != 0xFFFF)
			cpu_fault(c, EXC_GP);
		off &= 0xFFFF;
	}
	const uint32_t lin = c->seg_base[SEG_CS] + off;
	/* A byte the prefetch queue holds as it was (prefetch.c). */
	if (unlikely(c->in.pq.mask) && lin - c->in.pq.base < 32 && ((c->in.pq.mask >> (lin - c->in.pq.base)) & 1))
		return c->in.pq.old[lin - c->in.pq.base];
	return lin_read8(c, lin);
}

static inline uint32_t fetch16(struct cpu *c, unsigned *n, unsigned maxlen)
{
	uint32_t lo = fetch(c, n, maxlen);
	return lo | ((uint32_t)fetch(c, n, maxlen) << 8);
}

static inline uint32_t fetch32(struct cpu *c, unsigned *n, unsigned maxlen)
{
	uint32_t lo = fetch16(c, n, maxlen);
	return lo | (fetch16(c, n, maxlen) << 16);
}

/* The entry an older model uses instead of e (its 8086 meaning, or #UD). */
static const struct op_entry *older(const struct cpu *c, const struct op_entry *e)
{
	if (c->model == CPU_8086 && e->alt >= 0)
		return &op_table[e->alt];
	return &op_table[OPT_UD];
}

static const uint8_t base16[8] = { REG_BX, REG_BX, REG_BP, REG_BP, REG_SI, REG_DI, REG_BP, REG_BX };
static const uint8_t index16[8] = { REG_SI, REG_DI, REG_SI, REG_DI, 8, 8, 8, 8 };

static void decode_modrm(struct cpu *c, struct insn *i, unsigned *n, unsigned maxlen)
{
	uint8_t m = fetch(c, n, maxlen);
	i->modrm = m;
	i->mod = m >> 6;
	i->reg = (m >> 3) & 7;
	i->rm = m & 7;
	i->base = 8;
	i->index = 8;
	i->scale = 0;
	i->disp = 0;
	if (i->mod == 3)
		return;
	bool ss_default;
	if (i->asz == 2) {
		if (i->mod == 0 && i->rm == 6) {
			i->disp = fetch16(c, n, maxlen);
			ss_default = false;
		} else {
			i->base = base16[i->rm];
			i->index = index16[i->rm];
			ss_default = i->base == REG_BP;
		}
		if (i->mod == 1)
			i->disp = (uint32_t)(int8_t)fetch(c, n, maxlen);
		else if (i->mod == 2)
			i->disp = fetch16(c, n, maxlen);
	} else {
		unsigned base = i->rm;
		if (i->rm == 4) {
			uint8_t sib = fetch(c, n, maxlen);
			i->scale = sib >> 6;
			unsigned idx = (sib >> 3) & 7;
			i->index = idx == 4 ? 8 : (uint8_t)idx;
			base = sib & 7;
		}
		if (base == 5 && i->mod == 0) {
			i->base = 8;
			i->disp = fetch32(c, n, maxlen);
		} else {
			i->base = (uint8_t)base;
		}
		ss_default = i->base == REG_SP || i->base == REG_BP;
		if (i->mod == 1)
			i->disp = (uint32_t)(int8_t)fetch(c, n, maxlen);
		else if (i->mod == 2)
			i->disp = fetch32(c, n, maxlen);
	}
	if (!i->seg_override)
		i->seg = ss_default ? SEG_SS : SEG_DS;
}

void cpu_decode(struct cpu *c, struct insn *i)
{
	const unsigned maxlen = c->model == CPU_80286 ? 10 : c->model >= CPU_80386 ? 15 : 0x10000;
	const uint8_t size = c->in.ip_mask == 0xFFFF ? 2 : 4;
	unsigned n = 0;
	const struct op_entry *e;
	uint8_t b;

	i->seg = SEG_DS;
	i->seg_override = 0;
	i->rep = 0;
	i->lock = 0;
	i->wsz = size;
	i->asz = size;
	i->two_byte = 0;
	i->mod = 3;
	i->modrm = 0;
	i->reg = 0;
	i->rm = 0;
	i->base = 8;
	i->index = 8;
	i->scale = 0;
	i->disp = 0;
	i->imm = 0;
	i->imm2 = 0;
	for (;;) {
		b = fetch(c, &n, maxlen);
		e = &op_table[OPT_1 + b];
		if (unlikely(e->model > c->model))
			e = older(c, e);
		if (likely(!(e->form & F_PREFIX)))
			break;
		switch (b) {
		case 0x26: i->seg = SEG_ES; i->seg_override = 1; break;
		case 0x2E: i->seg = SEG_CS; i->seg_override = 1; break;
		case 0x36: i->seg = SEG_SS; i->seg_override = 1; break;
		case 0x3E: i->seg = SEG_DS; i->seg_override = 1; break;
		case 0x64: i->seg = SEG_FS; i->seg_override = 1; break;
		case 0x65: i->seg = SEG_GS; i->seg_override = 1; break;
		case 0x66: i->wsz = 6 - size; break;
		case 0x67: i->asz = 6 - size; break;
		case 0xF2: case 0xF3: i->rep = b; break;
		default: i->lock = 1; break; /* F0, F1 */
		}
	}
	if (b == 0x0F && c->model >= CPU_80286) {
		i->two_byte = 1;
		b = fetch(c, &n, maxlen);
		e = &op_table[OPT_0F + b];
		if (e->fn == NULL || e->model > c->model)
			e = &op_table[OPT_UD];
	}
	i->op = b;
	unsigned form = e->form;
	if (form & (F_MODRM | F_GROUP))
		decode_modrm(c, i, &n, maxlen);
	if (form & F_GROUP) {
		e = &op_table[e->group + i->reg];
		if (unlikely(e->model > c->model))
			e = older(c, e);
		form = e->form;
	}
	if (unlikely(e->fn == NULL || ((form & F_MEMONLY) && i->mod == 3 && c->model >= CPU_80186)))
		e = &op_table[OPT_UD];
	i->osz = (form & F_BYTE) ? 1 : i->wsz;
	if (form & F_MOFFS) {
		i->mod = 0;
		i->disp = i->asz == 4 ? fetch32(c, &n, maxlen) : fetch16(c, &n, maxlen);
	}
	if (form & (F_IMM8 | F_REL8)) {
		i->imm = (uint32_t)(int8_t)fetch(c, &n, maxlen);
	} else if (form & F_IMMV) {
		i->imm = i->wsz == 4 ? fetch32(c, &n, maxlen) : fetch16(c, &n, maxlen);
	} else if (form & F_IMM16) {
		i->imm = fetch16(c, &n, maxlen);
		if (form & F_IMM8B)
			i->imm2 = fetch(c, &n, maxlen);
	} else if (form & F_RELV) {
		i->imm = i->wsz == 4 ? fetch32(c, &n, maxlen) : (uint32_t)(int16_t)fetch16(c, &n, maxlen);
	} else if (form & F_FAR) {
		i->imm = i->wsz == 4 ? fetch32(c, &n, maxlen) : fetch16(c, &n, maxlen);
		i->imm2 = fetch16(c, &n, maxlen);
	}
	i->len = n;
	i->ent = e;
	i->ip = c->ip;
	i->term = (form & F_ENDS) ? ((form & F_LINKS) ? TERM_LINK : TERM_ALWAYS) :
		  ((form & F_STRING) && i->rep) ? TERM_ALWAYS : (form & F_BRANCH) ? TERM_IF_JUMP : TERM_NONE;
	cpu_specialize(c, i);
}
