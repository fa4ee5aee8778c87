/*
 * templates.c - what cpu-diff generates: one function per instruction family
 * of the 80386 real-mode set. Each emits its set-up code (through gen.h, so
 * every memory access is safe) and the instruction under test, and marks what
 * the Intel manuals leave undefined:
 *   [PRM]  Intel 80386 Programmer's Reference Manual (1986), chapter 17 and
 *          appendix C ("Status Flag Summary");
 *   [SDM]  Intel 64 and IA-32 Architectures SDM vol. 2, only where the 386
 *          PRM says nothing.
 * Only results documented as undefined are masked; everything else is
 * compared bit for bit.
 */
#include "gen.h"

#include <string.h>

static const char *const alu_name[8] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };
static const char *const cc_name[16] = {
	"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g",
};
static const char *const sh_name[8] = { "rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar" };
static const char *const sreg_name[S_COUNT] = { "es", "cs", "ss", "ds", "fs", "gs" };

#define RNG (&g->rng)
#define BIT(r) ((uint8_t)(1u << (r)))

/* 1, 2 or 4 bytes. */
static unsigned pick_w(struct gen *g)
{
	static const unsigned w[4] = { 1, 2, 4, 4 };
	return w[rng_below(RNG, 4)];
}

static unsigned pick_w24(struct gen *g)
{
	return coin(g) ? 4 : 2;
}

static uint32_t hi_rand(struct gen *g)
{
	return rng_u32(RNG) & 0xFFFF0000u;
}

static uint32_t sext(uint32_t v, unsigned bits)
{
	unsigned sh = 32 - bits;
	return (uint32_t)((int32_t)(v << sh) >> sh);
}

/* Set a register operand of `w` bytes to v, keeping other bits random. */
static void set_reg(struct gen *g, unsigned reg, unsigned w, uint32_t v)
{
	if (w == 1)
		setup_reg8(g, reg, (uint8_t)v);
	else if (w == 2)
		setup_reg32(g, reg, hi_rand(g) | (v & 0xFFFF));
	else
		setup_reg32(g, reg, v);
}

/* Set an operand (register or memory) to v. Callers choose such operands
 * with ESP in `avoid` and MEM_WRITE (no CS override: the store would hit the
 * code). */
static void set_opnd(struct gen *g, const struct opnd *o, unsigned w, uint32_t v)
{
	if (o->is_mem)
		setup_store(g, o->m.seg, o->m.ea, v, w);
	else
		set_reg(g, o->reg, w, v);
}

static char *txt(char *buf, size_t n, const struct opnd *o, unsigned w)
{
	opnd_text(buf, n, o, w);
	return buf;
}

/* LOCK (F0h) now and then on an instruction that may carry it: a memory
 * destination of ADD OR ADC SBB AND SUB XOR, NOT NEG INC DEC, XCHG,
 * BTS BTR BTC [PRM 17, LOCK]. It changes nothing for a single CPU. (Not on
 * NEG: see t_negnot.) */
static void maybe_lock(struct gen *g, struct ib *ib, const struct opnd *o)
{
	if (o->is_mem && rng_below(RNG, 8) == 0)
		ib_put8(ib, 0xF0);
}

/* ------------------------------------------------------------- ALU */

/* AND, OR, XOR (and TEST): AF undefined [PRM appendix C: "AND 0 M M -- M 0"]. */
static uint32_t alu_undef(unsigned op)
{
	return (op == 1 || op == 4 || op == 6) ? F_AF : 0;
}

static void t_alu_rm_r(struct gen *g)
{
	unsigned w = pick_w(g), op = rng_below(RNG, 8);
	bool to_reg = coin(g), writes = op != 7;
	struct opnd rm;
	uint8_t reg;
	char a[32];

	gen_rm(g, &rm, w, writes && !to_reg, true, 0, 0);
	reg = (writes && to_reg) ? pick_dst_reg(g, w, 0) : pick_src_reg(g, w, 0);
	struct ib ib = { .n = 0 };
	if (writes && !to_reg)
		maybe_lock(g, &ib, &rm);
	ib_prefixes(g, &ib, w == 4, &rm);
	ib_put8(&ib, op * 8 + (to_reg ? 2 : 0) + (w != 1));
	ib_modrm(&ib, reg, &rm);
	struct insn *in = to_reg
		? emit(g, &ib, "%s %s, %s", alu_name[op], reg_name(reg, w), txt(a, sizeof a, &rm, w))
		: emit(g, &ib, "%s %s, %s", alu_name[op], txt(a, sizeof a, &rm, w), reg_name(reg, w));
	in->undef_flags = alu_undef(op);
}

static void t_alu_imm(struct gen *g)
{
	unsigned op = rng_below(RNG, 8), form = rng_below(RNG, 4), w;
	struct opnd rm;
	struct ib ib = { .n = 0 };
	uint32_t imm;
	char a[32];
	struct insn *in;

	if (form == 3) {                     /* AL/AX/EAX, imm */
		w = pick_w(g);
		imm = rng_value(RNG, w * 8);
		ib_o32(g, &ib, w == 4);
		ib_put8(&ib, op * 8 + 4 + (w != 1));
		ib_putn(&ib, imm, w);
		in = emit(g, &ib, "%s %s, 0x%x", alu_name[op], reg_name(0, w), imm);
		in->undef_flags = alu_undef(op);
		return;
	}
	w = form == 0 ? 1 : pick_w24(g);
	gen_rm(g, &rm, w, op != 7, true, 0, 0);
	if (op != 7)
		maybe_lock(g, &ib, &rm);
	ib_prefixes(g, &ib, w == 4, &rm);
	if (form == 0) {
		/* 82 /op is an alias of 80 /op on the 8086..80386 (opcode map,
		 * [SDM] vol. 2 table A-6: valid outside 64-bit mode). */
		ib_put8(&ib, rng_below(RNG, 8) == 0 ? 0x82 : 0x80);
		imm = rng_value(RNG, 8);
	} else if (form == 1) {
		ib_put8(&ib, 0x81);
		imm = rng_value(RNG, w * 8);
	} else {
		ib_put8(&ib, 0x83);
		imm = rng_value(RNG, 8);
	}
	ib_modrm(&ib, op, &rm);
	ib_putn(&ib, imm, form == 1 ? w : 1);
	in = emit(g, &ib, "%s %s, 0x%x%s", alu_name[op], txt(a, sizeof a, &rm, w), imm,
		  form == 2 ? " (sx8)" : "");
	in->undef_flags = alu_undef(op);
}

static void t_incdec(struct gen *g)
{
	struct ib ib = { .n = 0 };
	bool dec = coin(g);

	if (coin(g)) {                       /* 40+r / 48+r */
		unsigned w = pick_w24(g);
		uint8_t r = pick_dst_reg(g, w, 0);
		ib_o32(g, &ib, w == 4);
		ib_put8(&ib, (dec ? 0x48 : 0x40) + r);
		emit(g, &ib, "%s %s", dec ? "dec" : "inc", reg_name(r, w));
		return;
	}
	unsigned w = pick_w(g);
	struct opnd rm;
	char a[32];
	gen_rm(g, &rm, w, true, true, 0, 0);
	maybe_lock(g, &ib, &rm);
	ib_prefixes(g, &ib, w == 4, &rm);
	ib_put8(&ib, w == 1 ? 0xFE : 0xFF);
	ib_modrm(&ib, dec, &rm);
	emit(g, &ib, "%s %s", dec ? "dec" : "inc", txt(a, sizeof a, &rm, w));
}

static void t_negnot(struct gen *g)
{
	unsigned w = pick_w(g);
	bool neg = coin(g);
	struct opnd rm;
	struct ib ib = { .n = 0 };
	char a[32];

	gen_rm(g, &rm, w, true, true, 0, 0);
	/* Zero is the interesting NEG operand (CF = 0). */
	if (neg && rng_below(RNG, 6) == 0)
		set_opnd(g, &rm, w, 0);
	/* Not LOCK NEG: Unicorn 2.0.1 (QEMU's translate.c of that time) computes
	 * SF, ZF and PF of LOCK NEG from the operand before negation (its locked
	 * path leaves the old value in the temporary the flags are taken from);
	 * seen here as FLAGS(PF,SF) differences with identical results, mvdm's
	 * flags being the ones that match the result. */
	if (!neg)
		maybe_lock(g, &ib, &rm);
	ib_prefixes(g, &ib, w == 4, &rm);
	ib_put8(&ib, w == 1 ? 0xF6 : 0xF7);
	ib_modrm(&ib, neg ? 3 : 2, &rm);
	emit(g, &ib, "%s %s", neg ? "neg" : "not", txt(a, sizeof a, &rm, w));
}

static void t_test(struct gen *g)
{
	unsigned w = pick_w(g), form = rng_below(RNG, 3);
	struct opnd rm;
	struct ib ib = { .n = 0 };
	char a[32];
	struct insn *in;

	if (form == 0) {                     /* A8/A9 */
		uint32_t imm = rng_value(RNG, w * 8);
		ib_o32(g, &ib, w == 4);
		ib_put8(&ib, w == 1 ? 0xA8 : 0xA9);
		ib_putn(&ib, imm, w);
		in = emit(g, &ib, "test %s, 0x%x", reg_name(0, w), imm);
	} else {
		gen_rm(g, &rm, w, false, true, 0, 0);
		ib_prefixes(g, &ib, w == 4, &rm);
		if (form == 1) {
			uint8_t reg = pick_src_reg(g, w, 0);
			ib_put8(&ib, w == 1 ? 0x84 : 0x85);
			ib_modrm(&ib, reg, &rm);
			in = emit(g, &ib, "test %s, %s", txt(a, sizeof a, &rm, w), reg_name(reg, w));
		} else {
			uint32_t imm = rng_value(RNG, w * 8);
			ib_put8(&ib, w == 1 ? 0xF6 : 0xF7);
			ib_modrm(&ib, 0, &rm);
			ib_putn(&ib, imm, w);
			in = emit(g, &ib, "test %s, 0x%x", txt(a, sizeof a, &rm, w), imm);
		}
	}
	in->undef_flags = F_AF;              /* [PRM 17, TEST] */
}

/* ------------------------------------------------------------- moves */

static void t_mov(struct gen *g)
{
	unsigned w = pick_w(g), form = rng_below(RNG, 5);
	struct opnd rm;
	struct ib ib = { .n = 0 };
	char a[32];

	switch (form) {
	case 0:
	case 1: {
		bool to_reg = form == 1;
		gen_rm(g, &rm, w, !to_reg, true, 0, 0);
		uint8_t reg = to_reg ? pick_dst_reg(g, w, 0) : pick_src_reg(g, w, 0);
		ib_prefixes(g, &ib, w == 4, &rm);
		ib_put8(&ib, 0x88 + (to_reg ? 2 : 0) + (w != 1));
		ib_modrm(&ib, reg, &rm);
		if (to_reg)
			emit(g, &ib, "mov %s, %s", reg_name(reg, w), txt(a, sizeof a, &rm, w));
		else
			emit(g, &ib, "mov %s, %s", txt(a, sizeof a, &rm, w), reg_name(reg, w));
		break;
	}
	case 2: {
		uint8_t reg = pick_dst_reg(g, w, 0);
		uint32_t imm = rng_value(RNG, w * 8);
		ib_o32(g, &ib, w == 4);
		ib_put8(&ib, (w == 1 ? 0xB0 : 0xB8) + reg);
		ib_putn(&ib, imm, w);
		emit(g, &ib, "mov %s, 0x%x", reg_name(reg, w), imm);
		break;
	}
	case 3: {
		uint32_t imm = rng_value(RNG, w * 8);
		gen_rm(g, &rm, w, true, true, 0, 0);
		ib_prefixes(g, &ib, w == 4, &rm);
		ib_put8(&ib, w == 1 ? 0xC6 : 0xC7);
		ib_modrm(&ib, 0, &rm);
		ib_putn(&ib, imm, w);
		emit(g, &ib, "mov %s, 0x%x", txt(a, sizeof a, &rm, w), imm);
		break;
	}
	default: {                           /* A0-A3 moffs */
		bool store = coin(g);
		memset(&rm, 0, sizeof rm);
		rm.is_mem = true;
		gen_moffs(g, &rm.m, w, store ? MEM_WRITE : 0);
		ib_prefixes(g, &ib, w == 4, &rm);
		ib_put8(&ib, 0xA0 + (store ? 2 : 0) + (w != 1));
		ib_putn(&ib, rm.m.disp, rm.m.dsize);
		emit(g, &ib, "mov %s moffs%d (%s:0x%x)", store ? "to" : "from",
		     rm.m.a32 ? 32 : 16, sreg_name[rm.m.seg], rm.m.ea);
		break;
	}
	}
}

static void t_movx(struct gen *g)
{
	bool sx = coin(g), src16 = coin(g);
	unsigned sw = src16 ? 2 : 1;
	/* MOVZX/MOVSX r16, r/m16 is a plain move; keep it rare. */
	unsigned dw = (src16 && rng_below(RNG, 6) != 0) ? 4 : pick_w24(g);
	struct opnd rm;
	struct ib ib = { .n = 0 };
	char a[32];

	gen_rm(g, &rm, sw, false, true, 0, 0);
	uint8_t reg = pick_dst_reg(g, dw, 0);
	ib_prefixes(g, &ib, dw == 4, &rm);
	ib_put8(&ib, 0x0F);
	ib_put8(&ib, (sx ? 0xBE : 0xB6) + (src16 ? 1 : 0));
	ib_modrm(&ib, reg, &rm);
	emit(g, &ib, "%s %s, %s", sx ? "movsx" : "movzx", reg_name(reg, dw), txt(a, sizeof a, &rm, sw));
}

static void t_xchg(struct gen *g)
{
	struct ib ib = { .n = 0 };
	char a[32];

	if (rng_below(RNG, 3) == 0) {        /* 90+r */
		unsigned w = pick_w24(g);
		uint8_t r = pick_dst_reg(g, w, BIT(R_EAX));
		ib_o32(g, &ib, w == 4);
		ib_put8(&ib, 0x90 + r);
		emit(g, &ib, "xchg %s, %s", reg_name(0, w), reg_name(r, w));
		return;
	}
	unsigned w = pick_w(g);
	struct opnd rm;
	gen_rm(g, &rm, w, true, true, 0, 0);
	uint8_t reg = pick_dst_reg(g, w, 0);
	maybe_lock(g, &ib, &rm);
	ib_prefixes(g, &ib, w == 4, &rm);
	ib_put8(&ib, w == 1 ? 0x86 : 0x87);
	ib_modrm(&ib, reg, &rm);
	emit(g, &ib, "xchg %s, %s", txt(a, sizeof a, &rm, w), reg_name(reg, w));
}

static void t_lea(struct gen *g)
{
	unsigned w = pick_w24(g);
	struct opnd rm;
	struct ib ib = { .n = 0 };
	char a[32];

	memset(&rm, 0, sizeof rm);
	rm.is_mem = true;
	gen_mem(g, &rm.m, 1, MEM_LEA | MEM_NO_OVR, 0, 0, 0xFFF0);
	uint8_t reg = pick_dst_reg(g, w, 0);
	ib_prefixes(g, &ib, w == 4, &rm);
	ib_put8(&ib, 0x8D);
	ib_modrm(&ib, reg, &rm);
	emit(g, &ib, "lea %s, %s", reg_name(reg, w), txt(a, sizeof a, &rm, w));
}

static void t_cbw(struct gen *g)
{
	static const char *const n[4] = { "cbw", "cwde", "cwd", "cdq" };
	struct ib ib = { .n = 0 };
	unsigned k = rng_below(RNG, 4);
	ib_o32(g, &ib, k & 1);
	ib_put8(&ib, k < 2 ? 0x98 : 0x99);
	emit(g, &ib, "%s", n[k]);
}

/* ------------------------------------------------------------ shifts */

/* Flags a shift or rotate leaves undefined, for masked count c [PRM 17 and
 * appendix C]:
 *  - count 0: nothing changes;
 *  - OF is defined only for 1-bit shifts and rotates ("RCL/RCR count: OF --",
 *    "ROL/ROR count: OF --", "SAL/SAR/SHL/SHR count: OF --");
 *  - AF is undefined after any shift ("SAL/SAR/SHL/SHR 1: AF --");
 *  - CF is the last bit shifted out for every count: the PRM marks it "M".
 *    (The later SDM calls CF undefined for SHL/SHR counts >= the operand
 *    size; the 386 shifts bit by bit, as the PRM describes, so it is kept.) */
static uint32_t shift_undef(unsigned op, unsigned c, unsigned bits)
{
	uint32_t u = 0;
	(void)bits;
	if (c == 0)
		return 0;
	if (c != 1)
		u |= F_OF;
	if (op >= 4)
		u |= F_AF;
	return u;
}

static uint8_t shift_count(struct gen *g, unsigned bits)
{
	unsigned k = rng_below(RNG, 10);
	if (k < 6)
		return (uint8_t)rng_below(RNG, bits + 2);
	if (k < 8)
		return (uint8_t)rng_below(RNG, 32);
	return (uint8_t)rng_u32(RNG);       /* masked to 5 bits on the 386 */
}

static void t_shift(struct gen *g, unsigned form)
{
	unsigned w = pick_w(g), bits = w * 8;
	unsigned op = rng_below(RNG, 7);
	struct opnd rm;
	struct ib ib = { .n = 0 };
	char a[32];
	uint8_t cnt = 1;

	if (op == 6)
		op = 7;                      /* /6 is an undocumented SAL alias: not generated */
	gen_rm(g, &rm, w, true, true, 0, form == 1 ? BIT(R_ECX) : 0);
	if (form == 1) {
		cnt = shift_count(g, bits);
		setup_reg8(g, 1, cnt);
	} else if (form == 2) {
		cnt = shift_count(g, bits);
	}
	ib_prefixes(g, &ib, w == 4, &rm);
	ib_put8(&ib, (form == 0 ? 0xD0 : form == 1 ? 0xD2 : 0xC0) + (w != 1));
	ib_modrm(&ib, op, &rm);
	if (form == 2)
		ib_put8(&ib, cnt);
	struct insn *in = emit(g, &ib, "%s %s, %s%u", sh_name[op], txt(a, sizeof a, &rm, w),
			       form == 1 ? "cl=" : "", cnt);
	in->undef_flags = shift_undef(op, cnt & 31, bits);
}

static void t_shift1(struct gen *g) { t_shift(g, 0); }
static void t_shift_cl(struct gen *g) { t_shift(g, 1); }
static void t_shift_imm(struct gen *g) { t_shift(g, 2); }

/* SHLD/SHRD [PRM 17, SHLD/SHRD and appendix C]: the count is taken mod 32;
 * count 0 changes nothing; otherwise CF, SF, ZF, PF are defined, OF and AF
 * undefined ("SHLD/SHRD: OF --, AF --"; the later SDM defines OF for count 1,
 * the 386 PRM does not); a count >= the operand size leaves the result and all
 * flags undefined, so 16-bit counts (mod 32) stay in 0..15. */
static void t_shxd(struct gen *g)
{
	unsigned w = pick_w24(g), bits = w * 8;
	bool right = coin(g), by_cl = coin(g);
	struct opnd rm;
	struct ib ib = { .n = 0 };
	char a[32];
	uint8_t cnt;

	gen_rm(g, &rm, w, true, true, 0, by_cl ? BIT(R_ECX) : 0);
	uint8_t reg = pick_src_reg(g, w, by_cl ? BIT(R_ECX) : 0);
	if (bits == 16)
		cnt = (uint8_t)(rng_below(RNG, 16) | (rng_below(RNG, 8) << 5));
	else
		cnt = (uint8_t)(rng_below(RNG, 4) == 0 ? rng_u32(RNG) : rng_below(RNG, 32));
	if (by_cl)
		setup_reg8(g, 1, cnt);
	ib_prefixes(g, &ib, w == 4, &rm);
	ib_put8(&ib, 0x0F);
	ib_put8(&ib, (right ? 0xAC : 0xA4) + (by_cl ? 1 : 0));
	ib_modrm(&ib, reg, &rm);
	if (!by_cl)
		ib_put8(&ib, cnt);
	struct insn *in = emit(g, &ib, "%s %s, %s, %s%u", right ? "shrd" : "shld",
			       txt(a, sizeof a, &rm, w), reg_name(reg, w), by_cl ? "cl=" : "", cnt);
	unsigned c = cnt & 31;
	in->undef_flags = c == 0 ? 0 : (F_AF | F_OF);
}

/* ------------------------------------------------------ multiply/divide */

/* MUL/IMUL: OF and CF defined; SF, ZF, AF, PF undefined [PRM 17 and appendix
 * C: "IMUL/MUL: M -- -- -- -- M"]. */
#define MUL_UNDEF (F_SF | F_ZF | F_AF | F_PF)

static void t_mul(struct gen *g)
{
	unsigned w = pick_w(g);
	bool imul = coin(g);
	struct opnd rm;
	struct ib ib = { .n = 0 };
	char a[32];

	gen_rm(g, &rm, w, false, true, 0, 0);
	ib_prefixes(g, &ib, w == 4, &rm);
	ib_put8(&ib, w == 1 ? 0xF6 : 0xF7);
	ib_modrm(&ib, imul ? 5 : 4, &rm);
	struct insn *in = emit(g, &ib, "%s %s", imul ? "imul" : "mul", txt(a, sizeof a, &rm, w));
	in->undef_flags = MUL_UNDEF;
}

static void t_imul2(struct gen *g)
{
	unsigned w = pick_w24(g);
	struct opnd rm;
	struct ib ib = { .n = 0 };
	char a[32];

	gen_rm(g, &rm, w, false, true, 0, 0);
	uint8_t reg = pick_dst_reg(g, w, 0);
	ib_prefixes(g, &ib, w == 4, &rm);
	ib_put8(&ib, 0x0F);
	ib_put8(&ib, 0xAF);
	ib_modrm(&ib, reg, &rm);
	struct insn *in = emit(g, &ib, "imul %s, %s", reg_name(reg, w), txt(a, sizeof a, &rm, w));
	in->undef_flags = MUL_UNDEF;
}

static void t_imul3(struct gen *g)
{
	unsigned w = pick_w24(g);
	bool imm8 = coin(g);
	struct opnd rm;
	struct ib ib = { .n = 0 };
	char a[32];

	gen_rm(g, &rm, w, false, true, 0, 0);
	uint8_t reg = pick_dst_reg(g, w, 0);
	uint32_t imm = rng_value(RNG, imm8 ? 8 : w * 8);
	ib_prefixes(g, &ib, w == 4, &rm);
	ib_put8(&ib, imm8 ? 0x6B : 0x69);
	ib_modrm(&ib, reg, &rm);
	ib_putn(&ib, imm, imm8 ? 1 : w);
	struct insn *in = emit(g, &ib, "imul %s, %s, 0x%x", reg_name(reg, w),
			       txt(a, sizeof a, &rm, w), imm);
	in->undef_flags = MUL_UNDEF;
}

/* DIV/IDIV: every arithmetic flag undefined [PRM 17]. The operands are built
 * as quotient * divisor + remainder so no divide error can occur; IDIV's
 * quotient may be the most negative value, which the 386 accepts (unlike the
 * 8086) [PRM 17, IDIV: "IF (temp > 7FH) OR (temp < 80H)"]. */
static void t_div(struct gen *g)
{
	unsigned w = pick_w(g), bits = w * 8;
	bool idiv = coin(g);
	struct opnd rm;
	struct ib ib = { .n = 0 };
	char a[32];
	/* EAX/EDX hold the dividend; ESP must keep a safe value. */
	uint8_t avoid = (uint8_t)(BIT(R_EAX) | BIT(R_ESP) | (w == 1 ? 0 : BIT(R_EDX)));
	uint64_t dividend;
	uint32_t d;

	gen_rm(g, &rm, w, false, true, MEM_WRITE, avoid);
	if (!idiv) {
		uint64_t dv, q, r;
		do
			dv = rng_value(RNG, bits);
		while (dv == 0);
		q = rng_value(RNG, bits);
		r = rng_below(RNG, (uint32_t)(dv > 0xFFFFFFFFu ? 0xFFFFFFFFu : dv));
		dividend = q * dv + r;
		d = (uint32_t)dv;
	} else {
		int64_t dv, q, r;
		do
			dv = (int32_t)sext(rng_value(RNG, bits), bits);
		while (dv == 0);
		q = (int32_t)sext(rng_value(RNG, bits), bits);
		uint64_t mag = (uint64_t)(dv < 0 ? -dv : dv);
		r = (int64_t)rng_below(RNG, (uint32_t)(mag > 0xFFFFFFFFu ? 0xFFFFFFFFu : mag));
		int64_t p = q * dv;
		if (p < 0 || (p == 0 && coin(g)))
			r = -r;
		dividend = (uint64_t)(p + r);
		d = (uint32_t)dv;
	}
	set_opnd(g, &rm, w, d);
	if (w == 1) {
		setup_reg32(g, R_EAX, hi_rand(g) | (uint32_t)(dividend & 0xFFFF));
	} else if (w == 2) {
		setup_reg32(g, R_EAX, hi_rand(g) | (uint32_t)(dividend & 0xFFFF));
		setup_reg32(g, R_EDX, hi_rand(g) | (uint32_t)((dividend >> 16) & 0xFFFF));
	} else {
		setup_reg32(g, R_EAX, (uint32_t)dividend);
		setup_reg32(g, R_EDX, (uint32_t)(dividend >> 32));
	}
	ib_prefixes(g, &ib, w == 4, &rm);
	ib_put8(&ib, w == 1 ? 0xF6 : 0xF7);
	ib_modrm(&ib, idiv ? 7 : 6, &rm);
	struct insn *in = emit(g, &ib, "%s %s", idiv ? "idiv" : "div", txt(a, sizeof a, &rm, w));
	in->undef_flags = F_ARITH;
}

/* ------------------------------------------------------------ bit ops */

/* BT/BTS/BTR/BTC: CF is the bit; OF, SF, ZF, AF, PF undefined [PRM appendix
 * C: "BT/BTS/BTR/BTC: -- -- -- -- -- M"]. (The later SDM says ZF is unaffected;
 * for the 386 the PRM is the reference.) */
#define BT_UNDEF (F_OF | F_SF | F_ZF | F_AF | F_PF)
static const char *const bt_name[4] = { "bt", "bts", "btr", "btc" };

static void t_bt_reg(struct gen *g)
{
	unsigned w = pick_w24(g), op = rng_below(RNG, 4);
	struct opnd rm;
	struct ib ib = { .n = 0 };
	char a[32];
	uint8_t reg = pick_src_reg(g, w, BIT(R_ESP));
	uint32_t off;

	memset(&rm, 0, sizeof rm);
	if (coin(g)) {
		/* Register operand: the offset is taken modulo the size. */
		rm.reg = pick_dst_reg(g, w, 0);
		off = rng_value(RNG, 32);
		if (rm.reg == reg)
			off = rng_u32(RNG);
		set_reg(g, reg, 4, off);
	} else {
		/* Memory operand: a signed bit offset reaches outside the addressed
		 * word [PRM 17, BT]: keep it within +-256 bytes. */
		rm.is_mem = true;
		gen_mem(g, &rm.m, w, op ? MEM_WRITE : 0, BIT(reg), 0x100, (uint16_t)(0x10000 - 0x100 - w));
		off = (uint32_t)(int32_t)rng_range(RNG, 0, 4095) - 2048;
		if (w == 2)
			set_reg(g, reg, 2, off);
		else
			setup_reg32(g, reg, off);
	}
	if (op)
		maybe_lock(g, &ib, &rm);
	ib_prefixes(g, &ib, w == 4, &rm);
	ib_put8(&ib, 0x0F);
	ib_put8(&ib, 0xA3 + op * 8);
	ib_modrm(&ib, reg, &rm);
	struct insn *in = emit(g, &ib, "%s %s, %s", bt_name[op], txt(a, sizeof a, &rm, w),
			       reg_name(reg, w));
	in->undef_flags = BT_UNDEF;
}

static void t_bt_imm(struct gen *g)
{
	unsigned w = pick_w24(g), op = rng_below(RNG, 4);
	struct opnd rm;
	struct ib ib = { .n = 0 };
	char a[32];
	uint8_t imm = (uint8_t)(coin(g) ? rng_below(RNG, w * 8) : rng_u32(RNG));

	gen_rm(g, &rm, w, op != 0, true, 0, 0);
	if (op)
		maybe_lock(g, &ib, &rm);
	ib_prefixes(g, &ib, w == 4, &rm);
	ib_put8(&ib, 0x0F);
	ib_put8(&ib, 0xBA);
	ib_modrm(&ib, 4 + op, &rm);
	ib_put8(&ib, imm);
	struct insn *in = emit(g, &ib, "%s %s, %u", bt_name[op], txt(a, sizeof a, &rm, w), imm);
	in->undef_flags = BT_UNDEF;
}

/* BSF/BSR [PRM 17]: ZF set when the source is zero, and then the destination
 * is undefined; CF, OF, SF, AF, PF undefined [PRM appendix C: "BSF/BSR: -- --
 * M -- -- --"]. */
static void t_bsf(struct gen *g)
{
	unsigned w = pick_w24(g);
	bool rev = coin(g);
	struct opnd rm;
	struct ib ib = { .n = 0 };
	char a[32];

	gen_rm(g, &rm, w, false, true, MEM_WRITE, BIT(R_ESP));
	uint32_t v = rng_below(RNG, 6) == 0 ? 0 : rng_value(RNG, w * 8);
	set_opnd(g, &rm, w, v);
	uint8_t reg = pick_dst_reg(g, w, 0);
	ib_prefixes(g, &ib, w == 4, &rm);
	ib_put8(&ib, 0x0F);
	ib_put8(&ib, rev ? 0xBD : 0xBC);
	ib_modrm(&ib, reg, &rm);
	struct insn *in = emit(g, &ib, "%s %s, %s (src 0x%x)", rev ? "bsr" : "bsf",
			       reg_name(reg, w), txt(a, sizeof a, &rm, w), v);
	in->undef_flags = F_CF | F_OF | F_SF | F_AF | F_PF;
	if (v == 0) {
		in->undef_reg = (int8_t)reg;
		in->undef_reg_mask = w == 2 ? 0xFFFF : 0xFFFFFFFFu;
	}
}

static void t_setcc(struct gen *g)
{
	unsigned cc = rng_below(RNG, 16);
	struct opnd rm;
	struct ib ib = { .n = 0 };
	char a[32];

	gen_rm(g, &rm, 1, true, true, 0, 0);
	ib_prefixes(g, &ib, rng_below(RNG, 8) == 0, &rm); /* 66h: no effect */
	ib_put8(&ib, 0x0F);
	ib_put8(&ib, 0x90 + cc);
	ib_modrm(&ib, 0, &rm);
	emit(g, &ib, "set%s %s", cc_name[cc], txt(a, sizeof a, &rm, 1));
}

/* ------------------------------------------------------------- jumps */

static void t_jcc_short(struct gen *g)
{
	unsigned cc = rng_below(RNG, 16);
	struct ib ib = { .n = 0 };
	bool o32 = rng_below(RNG, 4) == 0;
	ib_o32(g, &ib, o32);
	ib_put8(&ib, 0x70 + cc);
	ib_put8(&ib, 0);
	emit(g, &ib, "j%s short%s", cc_name[cc], o32 ? " o32" : "");
	add_jump(g, 1, rng_below(RNG, 4));
}

static void t_jcc_near(struct gen *g)
{
	unsigned cc = rng_below(RNG, 16);
	struct ib ib = { .n = 0 };
	bool o32 = coin(g);
	ib_o32(g, &ib, o32);
	ib_put8(&ib, 0x0F);
	ib_put8(&ib, 0x80 + cc);
	ib_putn(&ib, 0, o32 ? 4 : 2);
	emit(g, &ib, "j%s near%s", cc_name[cc], o32 ? " rel32" : " rel16");
	add_jump(g, o32 ? 4 : 2, rng_below(RNG, 4));
}

static void t_jmp(struct gen *g)
{
	struct ib ib = { .n = 0 };
	unsigned k = rng_below(RNG, 3);
	if (k == 0) {
		ib_put8(&ib, 0xEB);
		ib_put8(&ib, 0);
		emit(g, &ib, "jmp short");
		add_jump(g, 1, rng_below(RNG, 3));
	} else {
		ib_o32(g, &ib, k == 2);
		ib_put8(&ib, 0xE9);
		ib_putn(&ib, 0, k == 2 ? 4 : 2);
		emit(g, &ib, "jmp near%s", k == 2 ? " rel32" : "");
		add_jump(g, k == 2 ? 4 : 2, rng_below(RNG, 3));
	}
}

/* LOOP/LOOPE/LOOPNE/JCXZ; 67h selects ECX instead of CX. */
static void t_loop(struct gen *g)
{
	static const char *const n[4] = { "loopne", "loope", "loop", "jcxz" };
	struct ib ib = { .n = 0 };
	unsigned k = rng_below(RNG, 4);
	bool a32 = coin(g);

	/* CX/ECX often small so the branch goes both ways. */
	if (coin(g))
		setup_reg32(g, R_ECX, (a32 ? 0 : hi_rand(g)) | rng_below(RNG, 3));
	ib_a32(g, &ib, a32);
	ib_put8(&ib, 0xE0 + k);
	ib_put8(&ib, 0);
	emit(g, &ib, "%s%s", k == 3 && a32 ? "jecxz" : n[k], a32 && k != 3 ? " (ecx)" : "");
	add_jump(g, 1, rng_below(RNG, 3));
}

/* ------------------------------------------------------------- stack */

static void t_push_pop(struct gen *g)
{
	struct ib ib = { .n = 0 };
	unsigned form = rng_below(RNG, 6);
	unsigned w = pick_w24(g);
	bool o32 = w == 4;
	struct opnd rm;
	char a[32];

	switch (form) {
	case 0: {                            /* push r (any, incl. SP) */
		uint8_t r = pick_src_reg(g, w, 0);
		ib_o32(g, &ib, o32);
		ib_put8(&ib, 0x50 + r);
		emit(g, &ib, "push %s", reg_name(r, w));
		break;
	}
	case 1: {                            /* pop r */
		uint8_t r = pick_dst_reg(g, w, 0);
		ib_o32(g, &ib, o32);
		ib_put8(&ib, 0x58 + r);
		emit(g, &ib, "pop %s", reg_name(r, w));
		break;
	}
	case 2: {                            /* push imm */
		bool i8 = coin(g);
		uint32_t imm = rng_value(RNG, i8 ? 8 : w * 8);
		ib_o32(g, &ib, o32);
		ib_put8(&ib, i8 ? 0x6A : 0x68);
		ib_putn(&ib, imm, i8 ? 1 : w);
		emit(g, &ib, "push%s 0x%x%s", o32 ? "d" : "w", imm, i8 ? " (sx8)" : "");
		break;
	}
	case 3:                              /* push r/m */
		gen_rm(g, &rm, w, false, true, 0, 0);
		ib_prefixes(g, &ib, o32, &rm);
		ib_put8(&ib, 0xFF);
		ib_modrm(&ib, 6, &rm);
		emit(g, &ib, "push %s", txt(a, sizeof a, &rm, w));
		break;
	case 4:                              /* pop r/m (no ESP base: EA after pop) */
		gen_rm(g, &rm, w, true, true, MEM_NO_ESP, 0);
		ib_prefixes(g, &ib, o32, &rm);
		ib_put8(&ib, 0x8F);
		ib_modrm(&ib, 0, &rm);
		emit(g, &ib, "pop %s", txt(a, sizeof a, &rm, w));
		break;
	default: {                           /* push then pop: data round trip */
		uint8_t r = pick_src_reg(g, w, 0), d = pick_dst_reg(g, w, 0);
		ib_o32(g, &ib, o32);
		ib_put8(&ib, 0x50 + r);
		emit(g, &ib, "push %s", reg_name(r, w));
		ib.n = 0;
		ib_o32(g, &ib, o32);
		ib_put8(&ib, 0x58 + d);
		emit(g, &ib, "pop %s", reg_name(d, w));
		break;
	}
	}
}

static void push_sreg_bytes(struct ib *ib, int s)
{
	switch (s) {
	case S_FS: ib_put8(ib, 0x0F); ib_put8(ib, 0xA0); break;
	case S_GS: ib_put8(ib, 0x0F); ib_put8(ib, 0xA8); break;
	default: ib_put8(ib, 0x06 + 8 * s); break;
	}
}

static void pop_sreg_bytes(struct ib *ib, int s)
{
	switch (s) {
	case S_FS: ib_put8(ib, 0x0F); ib_put8(ib, 0xA1); break;
	case S_GS: ib_put8(ib, 0x0F); ib_put8(ib, 0xA9); break;
	default: ib_put8(ib, 0x07 + 8 * s); break;
	}
}

/* PUSH/POP FS/GS (and ES/CS/SS/DS) with 16- and 32-bit operand size. */
static void t_push_pop_seg(struct gen *g)
{
	static const int popable[5] = { S_ES, S_SS, S_DS, S_FS, S_GS };
	struct ib ib = { .n = 0 };
	bool o32 = coin(g);
	bool fsgs = rng_below(RNG, 3) != 0;   /* favour the 386 ones */

	if (coin(g)) {
		int s = fsgs ? (coin(g) ? S_FS : S_GS) : (int)rng_below(RNG, 4);
		ib_o32(g, &ib, o32);
		push_sreg_bytes(&ib, s);
		struct insn *in = emit(g, &ib, "push %s%s", sreg_name[s], o32 ? " (o32)" : "");
		if (o32)
			in->special = SPECIAL_PUSH32_SREG;
		return;
	}
	int s = fsgs ? (coin(g) ? S_FS : S_GS) : popable[rng_below(RNG, 5)];
	/* The popped value: a pushed immediate selector (always a data
	 * segment, see gen.h). */
	struct ib su = { .n = 0 };
	uint32_t v = safe_seg(g);
	char note[40];
	if (o32)
		v |= hi_rand(g);
	ib_o32(g, &su, o32);
	ib_put8(&su, 0x68);
	ib_putn(&su, v, o32 ? 4 : 2);
	snprintf(note, sizeof note, "push 0x%x", v);
	emit_setup(g, &su, note);
	ib_o32(g, &ib, o32);
	pop_sreg_bytes(&ib, s);
	emit(g, &ib, "pop %s%s", sreg_name[s], o32 ? " (o32)" : "");
}

/* MOV Sreg, r/m16 and MOV r/m16, Sreg. */
static void t_mov_sreg(struct gen *g)
{
	static const int loadable[5] = { S_ES, S_SS, S_DS, S_FS, S_GS };
	struct ib ib = { .n = 0 };
	struct opnd rm;
	char a[32];
	bool o32 = rng_below(RNG, 4) == 0;   /* 66h: ignored for these */

	if (coin(g)) {
		int s = loadable[rng_below(RNG, 5)];
		gen_rm(g, &rm, 2, false, true, MEM_WRITE, BIT(R_ESP));
		set_opnd(g, &rm, 2, safe_seg(g));
		ib_prefixes(g, &ib, o32, &rm);
		ib_put8(&ib, 0x8E);
		ib_modrm(&ib, (unsigned)s, &rm);
		emit(g, &ib, "mov %s, %s", sreg_name[s], txt(a, sizeof a, &rm, 2));
	} else {
		int s = (int)rng_below(RNG, S_COUNT);
		gen_rm(g, &rm, 2, true, true, 0, 0);
		ib_prefixes(g, &ib, o32, &rm);
		ib_put8(&ib, 0x8C);
		ib_modrm(&ib, (unsigned)s, &rm);
		struct insn *in = emit(g, &ib, "mov %s, %s%s", txt(a, sizeof a, &rm, o32 && !rm.is_mem ? 4 : 2),
				       sreg_name[s], o32 ? " (o32)" : "");
		/* To a 32-bit register the upper word is undefined on processors
		 * before the Pentium Pro [SDM, MOV: "... 32-bit register ...
		 * the upper 16 bits ... are undefined" for the IA-32 processors
		 * before P6]. A memory destination is always a word. */
		if (o32 && !rm.is_mem) {
			in->undef_reg = (int8_t)rm.reg;
			in->undef_reg_mask = 0xFFFF0000u;
		}
	}
}

/* LDS/LES/LFS/LGS/LSS r, m16:16 / m16:32. */
static void t_lxs(struct gen *g)
{
	static const struct { const char *n; uint8_t op; bool twobyte; int seg; } k[5] = {
		{ "les", 0xC4, false, S_ES }, { "lds", 0xC5, false, S_DS },
		{ "lss", 0xB2, true, S_SS }, { "lfs", 0xB4, true, S_FS }, { "lgs", 0xB5, true, S_GS },
	};
	unsigned i = rng_below(RNG, 10);
	i = i < 2 ? i : 2 + (i - 2) % 3;     /* mostly the 386 ones */
	unsigned w = pick_w24(g);
	struct ib ib = { .n = 0 };
	struct opnd rm;
	char a[32];
	uint8_t reg;

	/* LSS commonly loads SP itself; then the offset must be a safe SP. */
	if (k[i].seg == S_SS && coin(g))
		reg = R_ESP;
	else
		reg = pick_dst_reg(g, w, 0);
	memset(&rm, 0, sizeof rm);
	rm.is_mem = true;
	gen_mem(g, &rm.m, w + 2, MEM_WRITE, 0, 0x10, (uint16_t)(0x10000 - w - 2));
	uint32_t off = reg == R_ESP ? safe_sp(g) | (w == 4 ? hi_rand_sp(g) : 0) : rng_value(RNG, w * 8);
	uint16_t sel = safe_seg(g);
	setup_store(g, rm.m.seg, rm.m.ea, off, w);
	setup_store(g, rm.m.seg, (uint16_t)(rm.m.ea + w), sel, 2);
	ib_prefixes(g, &ib, w == 4, &rm);
	if (k[i].twobyte)
		ib_put8(&ib, 0x0F);
	ib_put8(&ib, k[i].op);
	ib_modrm(&ib, reg, &rm);
	emit(g, &ib, "%s %s, %s (%04x:%x)", k[i].n, reg_name(reg, w), txt(a, sizeof a, &rm, w + 2),
	     sel, off);
}

/* The 16-bit stack wraps: SP 0 -> FFFEh/FFFCh on a push, back to 0 on the
 * pop; ESP's upper half is left alone [PRM 17, PUSH: "IF StackAddrSize = 16
 * THEN SP := SP - 2 ..."]. Element-aligned, so nothing straddles FFFFh. */
static void t_stack_wrap(struct gen *g)
{
	struct ib ib = { .n = 0 };
	bool o32 = coin(g);
	unsigned w = o32 ? 4 : 2;
	unsigned form = rng_below(RNG, 3);

	setup_reg32(g, R_ESP, hi_rand(g) | (form == 1 ? 0x10000 - w : rng_below(RNG, 2) * w));
	if (form != 1) {
		uint8_t r = pick_src_reg(g, w, 0);
		ib_o32(g, &ib, o32);
		if (form == 2 && coin(g)) {
			ib_put8(&ib, 0x60);          /* PUSHA(D) from SP 0 or w */
			emit(g, &ib, "pusha%s (wrap)", o32 ? "d" : "");
			ib.n = 0;
			ib_o32(g, &ib, o32);
			ib_put8(&ib, 0x61);
			emit(g, &ib, "popa%s (wrap)", o32 ? "d" : "");
			goto done;
		}
		ib_put8(&ib, 0x50 + r);
		emit(g, &ib, "push %s (wrap)", reg_name(r, w));
		if (form == 0)
			goto done;
		ib.n = 0;
	}
	uint8_t d = pick_dst_reg(g, w, 0);
	ib_o32(g, &ib, o32);
	ib_put8(&ib, 0x58 + d);
	emit(g, &ib, "pop %s (wrap)", reg_name(d, w));
done:
	/* SP is 0, w or -w now: back to a usable one before the next group. */
	setup_reg32(g, R_ESP, hi_rand_sp(g) | safe_sp(g));
}

static void t_pusha(struct gen *g)
{
	struct ib ib = { .n = 0 };
	bool o32 = coin(g), pop = coin(g);
	ib_o32(g, &ib, o32);
	ib_put8(&ib, pop ? 0x61 : 0x60);
	emit(g, &ib, "%s%s", pop ? "popa" : "pusha", o32 ? "d" : "");
}

/* ENTER/LEAVE. The stack is 16-bit (real mode), so ENTER and LEAVE use SP and
 * BP; with 32-bit operand size what ENTER does to the upper halves of EBP and
 * of the pushed frame pointer is worded ambiguously [PRM 17, ENTER uses "eBP",
 * "eSP"], so for o32 the set-up clears them and the question never arises. */
static void t_enter_leave(struct gen *g)
{
	struct ib ib = { .n = 0 };
	bool o32 = coin(g);
	unsigned form = rng_below(RNG, 3);   /* 0 enter, 1 leave, 2 both */

	setup_reg32(g, R_ESP, (o32 ? 0 : hi_rand_sp(g)) | safe_sp(g));
	setup_reg32(g, R_EBP, (o32 ? 0 : hi_rand_sp(g)) | safe_sp(g));
	if (form != 1) {
		uint16_t size = (uint16_t)(coin(g) ? rng_below(RNG, 65) : rng_below(RNG, 0x200));
		uint8_t level = (uint8_t)(rng_below(RNG, 4) == 0 ? rng_below(RNG, 64) : rng_below(RNG, 5));
		ib_o32(g, &ib, o32);
		ib_put8(&ib, 0xC8);
		ib_put16(&ib, size);
		ib_put8(&ib, level);
		emit(g, &ib, "enter%s %u, %u", o32 ? "d" : "", size, level);
	}
	if (form != 0) {
		ib.n = 0;
		ib_o32(g, &ib, o32);
		ib_put8(&ib, 0xC9);
		emit(g, &ib, "leave%s", o32 ? "d" : "");
	}
}

/* --------------------------------------------------------------- strings */

static void t_string(struct gen *g)
{
	static const char *const n[5] = { "movs", "cmps", "stos", "lods", "scas" };
	static const uint8_t op[5] = { 0xA4, 0xA6, 0xAA, 0xAC, 0xAE };
	static const char sz[5] = { 0, 'b', 'w', 0, 'd' };
	unsigned k = rng_below(RNG, 5), w = pick_w(g);
	bool a32 = coin(g), df = rng_below(RNG, 3) == 0;
	bool cmp = k == 1 || k == 4;
	bool has_src = k <= 1 || k == 3, has_dst = k != 3;
	unsigned rep = rng_below(RNG, 4) != 0 ? (cmp ? 1 + rng_below(RNG, 2) : 1) : 0; /* 1 F3, 2 F2 */
	uint32_t count = rep ? rng_below(RNG, 8) : 0;
	uint32_t span = (count + 1) * 4 + 0x10;
	struct ib ib = { .n = 0 };
	uint8_t ovr = 0;
	int src_seg = S_DS;

	setup_df(g, df);
	if (rep)
		setup_reg32(g, R_ECX, (a32 ? 0 : hi_rand(g)) | count);
	uint16_t si = (uint16_t)(df ? rng_range(RNG, span, 0xFFF0 - 4) : rng_range(RNG, 0x10, 0xFFF0 - span));
	uint16_t di = (uint16_t)(df ? rng_range(RNG, span, 0xFFF0 - 4) : rng_range(RNG, 0x10, 0xFFF0 - span));
	bool wrap = !a32 && rng_below(RNG, 4) == 0;
	if (wrap) {
		/* 16-bit SI/DI wrap between FFFFh and 0 in mid-REP. Positions are
		 * multiples of the element size, so no access straddles the
		 * segment end. */
		si = (uint16_t)(df ? w * rng_below(RNG, 4) : 0x10000 - w * rng_range(RNG, 1, 4));
		di = (uint16_t)(df ? w * rng_below(RNG, 4) : 0x10000 - w * rng_range(RNG, 1, 4));
	}
	if (has_src && coin(g)) {
		static const int segs[6] = { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS };
		src_seg = segs[rng_below(RNG, 6)];
		ovr = seg_prefix(src_seg);
		/* ES:SI = ES:DI makes REPE CMPS run to the end. */
		if (k == 1 && src_seg == S_ES && coin(g))
			si = di;
	}
	if (has_src)
		setup_reg32(g, R_ESI, (a32 ? 0 : hi_rand(g)) | si);
	if (has_dst)
		setup_reg32(g, R_EDI, (a32 ? 0 : hi_rand(g)) | di);

	if (rep)
		ib_put8(&ib, rep == 1 ? 0xF3 : 0xF2);
	if (ovr)
		ib_put8(&ib, ovr);
	ib_a32(g, &ib, a32);
	ib_o32(g, &ib, w == 4);
	ib_put8(&ib, op[k] + (w != 1));
	emit(g, &ib, "%s%s%c%s%s%s (count %u)", rep == 0 ? "" : rep == 1 ? (cmp ? "repe " : "rep ") : "repne ",
	     n[k], sz[w], a32 ? " a32" : "", df ? " std" : "", wrap ? " wrap" : "", count);
}

static void t_xlat(struct gen *g)
{
	struct ib ib = { .n = 0 };
	bool a32 = coin(g);
	struct opnd rm;

	memset(&rm, 0, sizeof rm);
	rm.is_mem = true;
	rm.m.a32 = a32;
	setup_reg32(g, R_EBX, (a32 ? 0 : hi_rand(g)) | rng_range(RNG, 0x10, 0xFE00));
	if (coin(g)) {
		static const int segs[6] = { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS };
		rm.m.ovr = seg_prefix(segs[rng_below(RNG, 6)]);
	}
	ib_prefixes(g, &ib, false, &rm);
	ib_put8(&ib, 0xD7);
	emit(g, &ib, "xlat%s", a32 ? " a32" : "");
}

/* ----------------------------------------------------------------- misc */

static void t_flagops(struct gen *g)
{
	static const struct { uint8_t op; const char *n; } k[8] = {
		{ 0xF8, "clc" }, { 0xF9, "stc" }, { 0xF5, "cmc" }, { 0xFC, "cld" },
		{ 0xFD, "std" }, { 0x9E, "sahf" }, { 0x9F, "lahf" }, { 0x9C, "pushf" },
	};
	struct ib ib = { .n = 0 };
	unsigned i = rng_below(RNG, 8);
	bool o32 = i == 7 && coin(g);
	ib_o32(g, &ib, o32);
	ib_put8(&ib, k[i].op);
	struct insn *in = emit(g, &ib, "%s%s", k[i].n, o32 ? "d" : "");
	if (o32 && g->mode == MODE_V86)
		in->special = SPECIAL_PUSHFD_V86;
}

/* AAA AAS DAA DAS AAM AAD (8086 instructions, 80386 behaviour: AAA/AAS
 * adjust AX as a whole). Undefined flags [PRM appendix C]: AAA/AAS "OF SF ZF
 * -- PF --", DAA/DAS "OF --", AAM/AAD "OF AF CF --". AAM's divisor is never
 * 0 (#DE). */
static void t_bcd(struct gen *g)
{
	static const char *const n[6] = { "aaa", "aas", "daa", "das", "aam", "aad" };
	static const uint8_t op[6] = { 0x37, 0x3F, 0x27, 0x2F, 0xD4, 0xD5 };
	static const uint32_t undef[6] = {
		F_OF | F_SF | F_ZF | F_PF, F_OF | F_SF | F_ZF | F_PF, F_OF, F_OF,
		F_OF | F_AF | F_CF, F_OF | F_AF | F_CF,
	};
	struct ib ib = { .n = 0 };
	unsigned k = rng_below(RNG, 6);
	uint8_t imm = 10;

	/* AX: valid unpacked/packed BCD half the time, anything otherwise. */
	uint16_t ax = coin(g) ? (uint16_t)(rng_below(RNG, 10) << 8 | rng_below(RNG, 10) << 4 | rng_below(RNG, 16))
			      : (uint16_t)rng_u32(RNG);
	setup_reg32(g, R_EAX, hi_rand(g) | ax);
	ib_put8(&ib, op[k]);
	if (k >= 4) {
		if (rng_below(RNG, 4) == 0)
			imm = (uint8_t)rng_range(RNG, 1, 255);   /* other bases */
		ib_put8(&ib, imm);
	}
	struct insn *in = emit(g, &ib, "%s%s (ax 0x%04x)", n[k], k >= 4 && imm != 10 ? " base" : "", ax);
	in->undef_flags = undef[k];
}

/* POPF/POPFD with the 80386 real-mode rules: every flag of bits 0-14 can be
 * popped, IOPL and NT included; RF and VM are not changed [PRM 17, POPF].
 * TF stays 0 (no single-step trap) and bits 18-21, which an 80386 does not
 * have (Unicorn emulates a later CPU), stay 0. */
static void t_popf(struct gen *g)
{
	struct ib su = { .n = 0 }, ib = { .n = 0 };
	bool o32 = coin(g);
	uint32_t v = rng_u32(RNG) & (o32 ? 0x00037FFFu : 0x7FFFu) & ~(uint32_t)F_TF;
	char note[40];

	ib_o32(g, &su, o32);
	ib_put8(&su, 0x68);
	ib_putn(&su, v, o32 ? 4 : 2);
	snprintf(note, sizeof note, "push 0x%x", v);
	emit_setup(g, &su, note);
	ib_o32(g, &ib, o32);
	ib_put8(&ib, 0x9D);
	emit(g, &ib, "popf%s (0x%x)", o32 ? "d" : "", v);
	if (coin(g)) {                       /* and read them back */
		ib.n = 0;
		ib_o32(g, &ib, o32);
		ib_put8(&ib, 0x9C);
		struct insn *in = emit(g, &ib, "pushf%s", o32 ? "d" : "");
		if (o32 && g->mode == MODE_V86)
			in->special = SPECIAL_PUSHFD_V86;
	}
}

/* BOUND r, m (in range: no #BR). */
static void t_bound(struct gen *g)
{
	unsigned w = pick_w24(g), bits = w * 8;
	struct ib ib = { .n = 0 };
	struct opnd rm;
	uint8_t reg = pick_dst_reg(g, w, 0);

	memset(&rm, 0, sizeof rm);
	rm.is_mem = true;
	gen_mem(g, &rm.m, 2 * w, MEM_WRITE, BIT(reg), 0x10, (uint16_t)(0x10000 - 2 * w));
	int32_t x = (int32_t)sext(rng_value(RNG, bits), bits);
	int32_t y = (int32_t)sext(rng_value(RNG, bits), bits);
	int32_t lo = x < y ? x : y, hi = x < y ? y : x;
	uint32_t span = (uint32_t)hi - (uint32_t)lo;
	int32_t v = (int32_t)((uint32_t)lo + (span == 0xFFFFFFFFu ? rng_u32(RNG) : rng_below(RNG, span + 1)));
	if (rng_below(RNG, 4) == 0)
		v = coin(g) ? lo : hi;        /* the edges are in range */
	setup_store(g, rm.m.seg, rm.m.ea, (uint32_t)lo, w);
	setup_store(g, rm.m.seg, (uint16_t)(rm.m.ea + w), (uint32_t)hi, w);
	set_reg(g, reg, w, (uint32_t)v);
	ib_prefixes(g, &ib, w == 4, &rm);
	ib_put8(&ib, 0x62);
	ib_modrm(&ib, reg, &rm);
	emit(g, &ib, "bound %s, [a%d] (%d in [%d,%d])", reg_name(reg, w), rm.m.a32 ? 32 : 16,
	     v, lo, hi);
}

/* ------------------------------------------------------------ the table */

static void t_setup(struct gen *g) { (void)g; }

const struct tmpl diff_templates[] = {
	{ "setup", 0, t_setup },
	{ "alu_rm_r", 10, t_alu_rm_r },
	{ "alu_imm", 8, t_alu_imm },
	{ "incdec", 4, t_incdec },
	{ "negnot", 3, t_negnot },
	{ "test", 3, t_test },
	{ "mov", 6, t_mov },
	{ "movzx_movsx", 4, t_movx },
	{ "xchg", 3, t_xchg },
	{ "lea", 4, t_lea },
	{ "cbw_cwd", 2, t_cbw },
	{ "shift_1", 3, t_shift1 },
	{ "shift_cl", 5, t_shift_cl },
	{ "shift_imm", 5, t_shift_imm },
	{ "shld_shrd", 5, t_shxd },
	{ "mul_imul1", 4, t_mul },
	{ "imul2", 3, t_imul2 },
	{ "imul3", 3, t_imul3 },
	{ "div_idiv", 5, t_div },
	{ "bt_reg", 4, t_bt_reg },
	{ "bt_imm", 4, t_bt_imm },
	{ "bsf_bsr", 4, t_bsf },
	{ "setcc", 3, t_setcc },
	{ "jcc_short", 3, t_jcc_short },
	{ "jcc_near", 3, t_jcc_near },
	{ "jmp", 1, t_jmp },
	{ "loop_jcxz", 2, t_loop },
	{ "push_pop", 4, t_push_pop },
	{ "push_pop_seg", 3, t_push_pop_seg },
	{ "mov_sreg", 2, t_mov_sreg },
	{ "lds_les_lfs_lgs_lss", 3, t_lxs },
	{ "pusha_popa", 2, t_pusha },
	{ "stack_wrap", 2, t_stack_wrap },
	{ "enter_leave", 3, t_enter_leave },
	{ "string", 6, t_string },
	{ "xlat", 1, t_xlat },
	{ "flagops", 2, t_flagops },
	{ "bound", 2, t_bound },
	{ "bcd", 2, t_bcd },
	{ "popf", 2, t_popf },
	/* The fpu mode's, and only its (templates_x87.c). */
	{ "x87_load", 6, t_x87_load },
	{ "x87_store", 5, t_x87_store },
	{ "x87_arith_mem", 6, t_x87_arith_mem },
	{ "x87_arith_reg", 6, t_x87_arith_reg },
	{ "x87_compare", 4, t_x87_compare },
	{ "x87_unary", 4, t_x87_unary },
	{ "x87_control", 2, t_x87_control },
};
const unsigned diff_template_count = sizeof diff_templates / sizeof diff_templates[0];

int tmpl_find(const char *name)
{
	for (unsigned i = 1; i < diff_template_count; i++)
		if (strcmp(diff_templates[i].name, name) == 0)
			return (int)i;
	return -1;
}
