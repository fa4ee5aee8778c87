/*
 * jit_compile.c - one decoded block to one x86-64 host function (jit.h).
 *
 * Host registers inside a compiled block:
 *   RBX      the struct cpu + JIT_CPU_BIAS (OFF())
 *   R8-R15   guest EAX..EDI (ModR/M order) while cached: a guest register
 *            is loaded whole on first use, kept until the next call, and
 *            stored back (all 32 bits) before anything outside the
 *            function can look at it (a handler call, a fault, an exit);
 *            in a block that jumps back to its own start, loaded at its
 *            start and kept across those jumps (emit_loop_back())
 *   RAX RCX RDX RSI RDI   scratch and call arguments
 * The prologue pushes RBX and R12-R15 (five pushes: the stack is 16-byte
 * aligned for calls). Guest high bytes (AH..BH) are reached by rotating
 * the word (ROR r16, 8) around the operation.
 *
 * Lazy flags are stored as flags.h defines them, by the same rules as the
 * interpreter's handlers, unless the block overwrites them all before
 * anything can read them (the same reasoning as block_cache.c's dead-flag
 * pass, over the inline forms only, none of which can fault). A Jcc right
 * after an inline ALU operation branches on the host's flags, which are
 * the guest's for every condition (INC/DEC: not those reading CF, which
 * they keep); any other Jcc reads the lazy flags: inline for the
 * conditions on ZF, SF, CF and SF ^ OF (emit_jcc_zs(), emit_jcc_cf_of()),
 * through jit_cond() for OF and PF.
 *
 * An inline memory access's slow path (a few bytes that call the code
 * every block of the mapping shares, emit_shared()), an inline
 * instruction's fallback (its handler), an x87 instruction's way to its
 * handler and its exits are emitted after its body; every block leaves
 * for the next through its mapping's link stub (emit_link_stub()), which
 * the shared code follows.
 *
 * Compiled code does not depend on where the block it was compiled from
 * is: it reaches the running block's header and instructions through
 * c->in.blk (RBX-relative, emit_insn_addr(): the instructions through the
 * header's ins, the store's or its own), which whoever enters a
 * block sets to it (bc_run_block(), bc_link(), the link stub), and the
 * per-CPU figures through c->in.bcache. So one function serves every copy
 * of the block, in any CPU of the host and after any reload: the code
 * store keeps it with the decoded block (code_store.h). Never embed the
 * address of a bc_block, of its insns or of per-CPU data in the code.
 *
 * x87 instructions with fast paths (fpu_fast.c, fpu_jit_op()) are direct
 * calls of them, in runs checked once ("runs of x87 instructions" below);
 * SAHF sets the lazy flags inline (OF from the mapping's shared subroutine SH_OF)
 * and the host's own flags for a fused Jcc.
 */
#include <stdlib.h>
#include <sys/platform/x86.h>

#include "cpu/alu.h"
#include "cpu/fpu.h"
#include "cpu/jit.h"
#include "cpu/jit_emit.h"

/* RBX points JIT_CPU_BIAS bytes into the struct cpu, so that the fields
 * from r[] to the start of in.tlb[] (cpu.h keeps them within its first 255
 * bytes) are [RBX + disp8], 3 bytes shorter than a disp32 operand
 * (docs/cpu-speed.md, "Session 15: the CPU within 8-bit displacements").
 * OFF() is a field's displacement from RBX; the CPU itself, as C takes
 * it, is RBX - JIT_CPU_BIAS (em_cpu_arg()). */
enum { JIT_CPU_BIAS = 127 };
#define OFF(f) ((int32_t)offsetof(struct cpu, f) - JIT_CPU_BIAS)
_Static_assert(offsetof(struct cpu, in.tlb) + offsetof(struct cpu_tlbe, addend) <= JIT_CPU_BIAS + 127,
	       "in.tlb[0] is out of reach of [RBX + disp8]");

/* lea rdi, [rbx - JIT_CPU_BIAS]: the CPU as the first argument of a call */
static void em_cpu_arg(struct em *e)
{
	em_lea(e, H_RDI, H_RBX, -JIT_CPU_BIAS);
}

extern const struct op_pair alu_rr_table[8][3], alu_rr_rev_table[8][3], alu_ri_table[8][3];
extern const struct op_pair alu_incdec_op[2][3], alu_incdec_rm[2][3];
extern const struct op_pair jcc_table[16];
extern const struct op_pair mov_rr_table[3], mov_ri_table[3];
extern const struct op_pair jmp_rel16_pair, jmp_rel32_pair, loop16_pair, loop32_pair;
extern const struct op_pair alu_mr_table[8][3], alu_rm_table[8][3], alu_mi_table[8][3];
extern const struct op_pair mov_rm_table[3], mov_mr_table[3];
extern const struct op_pair push_reg_table[2][2], pop_reg_table[2][2];
extern const struct op_pair call_rel_table[2][2], ret_table[2][2];
extern const struct op_pair shift_table[3][8][3];
extern const struct op_pair string1_table[5];
void op_inc_rm(struct cpu *c, const struct insn *i);
void op_dec_rm(struct cpu *c, const struct insn *i);
void op_mov_acc_moffs(struct cpu *c, const struct insn *i);
void op_mov_moffs_acc(struct cpu *c, const struct insn *i);
void op_lea(struct cpu *c, const struct insn *i);
void op_test_rm_r(struct cpu *c, const struct insn *i);
void op_test_acc_imm(struct cpu *c, const struct insn *i);
void op_mov_r_rm(struct cpu *c, const struct insn *i);
void op_sahf(struct cpu *c, const struct insn *i);
void op_flagop(struct cpu *c, const struct insn *i);
void op_wait(struct cpu *c, const struct insn *i);
void op_nop(struct cpu *c, const struct insn *i);
void op_push_seg(struct cpu *c, const struct insn *i);
void op_push_imm(struct cpu *c, const struct insn *i);
void op_push_rm(struct cpu *c, const struct insn *i);
void op_call_far(struct cpu *c, const struct insn *i);
void op_callf_rm(struct cpu *c, const struct insn *i);
void op_retf(struct cpu *c, const struct insn *i);
void op_mov_rm_imm(struct cpu *c, const struct insn *i);
void op_test_rm_imm(struct cpu *c, const struct insn *i);
void op_cbw(struct cpu *c, const struct insn *i);
void op_cwd(struct cpu *c, const struct insn *i);
void op_lxs(struct cpu *c, const struct insn *i);
void op_pop_seg(struct cpu *c, const struct insn *i);
void op_mov_sreg_rm(struct cpu *c, const struct insn *i);
void op_jmp_rm(struct cpu *c, const struct insn *i);
void op_call_rm(struct cpu *c, const struct insn *i);
void op_xchg_acc_reg(struct cpu *c, const struct insn *i);
void op_not(struct cpu *c, const struct insn *i);
void op_neg(struct cpu *c, const struct insn *i);
void op_mov_rm_sreg(struct cpu *c, const struct insn *i);
void op_mul(struct cpu *c, const struct insn *i);
void op_imul(struct cpu *c, const struct insn *i);
void op_div(struct cpu *c, const struct insn *i);
void op_idiv(struct cpu *c, const struct insn *i);

_Static_assert(sizeof(struct cpu_tlbe) == 16, "emit_access() indexes the TLB by shifting 4");
_Static_assert(sizeof(struct cpu_tlbx) == 16 && sizeof(struct cpu_tlbp) == 16,
	       "emit_code_page_write_helper() indexes tlb_x and tlb_p as the TLB");

static uint32_t jit_flag_cf(struct cpu *c)
{
	return flag_cf(c);
}

/* Condition cc (0-15) of a Jcc on the lazy flags: 1 if taken. */
static uint32_t jit_cond(struct cpu *c, uint32_t cc)
{
	return flags_cond(c, cc);
}

/* The guest's OF now (flag_of()): SH_OF's call for ADC and SBB. */
static uint32_t jit_flag_of(struct cpu *c)
{
	return flag_of(c);
}

/* The slow paths of the inline memory accesses, where mem_read() and
 * mem_write() (cpu_internal.h) go when the inline code's check failed:
 * sel is the segment when the offset a is outside the segment's fast-path
 * limits, or JIT_LIN when the TLB did not have the page of the linear
 * address a (a write to a page holding code comes here). */
enum { JIT_LIN = 0x100 };

static uint32_t jit_mem_read(struct cpu *c, unsigned sel, uint32_t a, unsigned sz)
{
	const uint32_t v = sel == JIT_LIN ? lin_read_slow(c, a, sz) : mem_read_seg_slow(c, sel, a, sz);
	return sz == 4 ? v : v & ((1u << (sz * 8)) - 1);
}

static void jit_mem_write(struct cpu *c, unsigned sel, uint32_t a, unsigned sz, uint32_t v)
{
	if (sel == JIT_LIN)
		lin_write_slow(c, a, sz, v);
	else
		mem_write_seg_slow(c, sel, a, sz, v);
}

/* The shared slow path of the inline accesses (emit_shared(): one copy
 * per code mapping, reached by a call from each access's few bytes out of
 * line, emit_slow_path()) is told what it needs by one 32-bit record in
 * ESI: */
enum {
	SR_K = 0x3F,              /* bits 0-5: the entry k (c->in.cur) */
	SR_DIRTY_SHIFT = 8,       /* bits 8-15: guest registers to store first */
	SR_SMC = 1u << 20,        /* the instruction's last write: leave for
				   * entry k + 1 if it dropped the block */
	SR_SZ_SHIFT = 21,         /* bits 21-23: the size, 1, 2 or 4 */
	SR_SPSUB_SHIFT = 24,      /* bits 24-28: sp_sub (struct slow) */
};
/* and DIL: 0 after a TLB miss (EAX the linear address; emit_host_addr()
 * leaves the page there), SL_LIM | the segment when the offset (EAX)
 * failed the segment's fast-path limit. */
enum { SL_LIM = 0x80 };
_Static_assert((unsigned)BC_MAX_INSNS < (unsigned)SR_K, "SR_K holds entry k + 1");
_Static_assert(sizeof(struct insn) == 64, "emit_shared() indexes insns by shifting 6");

/* What the slow path of entry k (rec) sets before an access that may
 * fault, as emit_call() sets it for a handler: c->in.cur and insn_sp
 * (the registers are in memory: emit_shared() stored the dirty ones).
 * Counted (jit_slow): a wrong TLB index in the inline code only sends
 * every access here, which the figure shows (jit_test.c
 * test_tlb_hits_inline). */
static void jit_slow_enter(struct cpu *c, uint32_t rec)
{
	c->in.jit->stats.jit_slow++;
	c->in.cur = &c->in.blk->ins[rec & SR_K];
	c->in.insn_sp = c->r[REG_SP].d;
}

static unsigned jit_slow_sel(uint32_t lim)
{
	return (lim & SL_LIM) ? lim & 7u : JIT_LIN;
}

/* A read's slow path: the value, zero-extended. */
static uint32_t jit_slow_read(struct cpu *c, uint32_t a, uint32_t rec, uint32_t lim)
{
	jit_slow_enter(c, rec);
	return jit_mem_read(c, jit_slow_sel(lim), a, (rec >> SR_SZ_SHIFT) & 7u);
}

/* A write's slow path: nonzero when it was the instruction's last write
 * (SR_SMC) and it dropped the running block (c->in.smc_stop, set by
 * block_cache.c stop_if_running()): the code then ends the block before
 * entry k + 1 (bc_stop()). */
static uint32_t jit_slow_write(struct cpu *c, uint32_t a, uint32_t rec, uint32_t v, uint32_t lim)
{
	jit_slow_enter(c, rec);
	jit_mem_write(c, jit_slow_sel(lim), a, (rec >> SR_SZ_SHIFT) & 7u, v);
	return (rec & SR_SMC) && c->in.smc_stop;
}

static void em_raw(struct em *e, const uint8_t *b, size_t n)
{
	if (em_room(e, n))
		for (size_t m = 0; m < n; m++)
			em_b(e, b[m]);
}

/* ---- what each instruction is ---- */

enum ik {
	IK_CALL = 0, /* call its handler */
	IK_ALU,      /* aop dst, src/imm (not ADC/SBB) */
	IK_ADC,      /* ADC/SBB dst, src/imm (aop), registers (emit_adc()) */
	IK_TEST,     /* TEST dst, src/imm */
	IK_INCDEC,
	IK_MOV,      /* dst <- src */
	IK_MOVI,     /* dst <- imm */
	IK_LEA,
	IK_JMP,      /* JMP rel */
	IK_LOOP,     /* LOOP (E2) with address size = operand size */
	IK_LOAD,     /* MOV r, m */
	IK_STORE,    /* MOV m, r */
	IK_ALU_RM,   /* aop r, m */
	IK_ALU_M,    /* aop m, r / m, imm */
	IK_PUSH,     /* PUSH r (50+r) */
	IK_POP,      /* POP r (58+r) */
	IK_SHIFT,    /* SHL/SHR/SAR r, n (n a constant, 0 < n < bits) */
	IK_INCDEC_M, /* INC/DEC m */
	IK_CALLREL,  /* CALL rel */
	IK_RET,      /* RET [imm16] near */
	IK_JCC,      /* Jcc rel on the lazy flags (not after an inline ALU form) */
	IK_X87,      /* an x87 instruction with a fast path (fpu_jit_op()), or WAIT */
	IK_SAHF,
	IK_NOP,      /* NOP: nothing (in a run of x87 entries, a member) */
	IK_SHIFT_CL, /* SHL/SHR/SAR r, CL: inline for a count of 1 to bits - 1 */
	IK_STRING,   /* MOVS, STOS, LODS without a repeat prefix (aop: 0, 2, 3) */
	IK_PUSHX,    /* PUSH sreg (aop 0, src: the segment), imm (aop 1), m (aop 2) */
	IK_FAR,      /* real mode: CALL ptr16:16/32 (aop 0), RETF [imm16] (aop 1),
		      * CALL FAR m16:16 (aop 2) */
	IK_MOVMI,    /* MOV m, imm */
	IK_CBW,      /* CBW/CWDE (aop 0), CWD/CDQ (aop 1) */
	IK_SEG,      /* real mode, ES DS FS GS (src): LxS (aop 0), POP (1), MOV sreg, r/m (2) */
	IK_JMPRM,    /* JMP r/m (aop 0), CALL r/m (aop 1) near */
	IK_XCHG,     /* XCHG eAX, r (90+r): dst AX, src r */
	IK_UNARY,    /* NOT r (aop 0), NEG r (aop 1) */
	IK_MOVSR,    /* MOV r/m, sreg (ES CS SS DS: src) */
	IK_MUL,      /* MUL (aop 0), IMUL (aop 1) r/m without REP (emit_mul()) */
	IK_DIV,      /* DIV (aop 0), IDIV (aop 1) r/m8, r/m16, r/m32 without REP (emit_div()) */
	IK_DF,       /* CLD (aop 0), STD (aop 1) */
};

struct iform {
	enum ik k;
	unsigned aop, sz, dst, src; /* guest registers in ModR/M numbering for sz */
	bool imm, dec, flags, s32;
	bool moffs;                 /* IK_LOAD/IK_STORE of AL/eAX at [disp] */
	bool test;                  /* IK_ALU_M: TEST m, imm (AND without the write) */
	uint32_t val;
};

static unsigned size_index(unsigned sz)
{
	return sz == 1 ? 0 : sz == 2 ? 1 : 2;
}

static bool is_jcc(const struct insn *j)
{
	return j->ent->spec == SP_JCC && j->ent->reads != OFL_NONE && j->impl == jcc_table[j->op & 0xF].impl;
}

/* classify()'s forms added in session 14 (docs/cpu-speed.md): register
 * forms the nmake build called most from compiled code (XCHG eAX, r; NOT
 * and NEG r; MOV r/m, sreg; TEST r, imm and TEST m, r). True if i is one
 * (then *f says which). */
static bool classify_more(const struct insn *i, struct iform *f)
{
	if (i->impl == op_xchg_acc_reg) {
		f->k = IK_XCHG, f->dst = REG_AX, f->src = i->op & 7u, f->sz = i->wsz;
		return true;
	}
	if ((i->impl == op_not || i->impl == op_neg) && i->mod == 3) {
		f->k = IK_UNARY, f->aop = i->impl == op_neg, f->dst = i->rm;
		f->flags = i->impl == op_neg;
		return true;
	}
	if (i->impl == op_mov_rm_sreg && i->reg < 4) {
		/* (sreg_index(): 0-3 are ES CS SS DS on every model) */
		f->k = IK_MOVSR, f->src = i->reg, f->dst = i->rm, f->sz = i->mod == 3 ? i->wsz : 2;
		return true;
	}
	if (i->impl == op_test_rm_imm && i->mod == 3) {
		f->k = IK_TEST, f->dst = i->rm, f->imm = true, f->val = i->imm & size_mask(i->osz);
		return true;
	}
	if (i->impl == op_test_rm_r && i->mod != 3) {
		f->k = IK_ALU_M, f->aop = ALU_AND, f->test = true, f->src = i->reg;
		return true;
	}
	return false;
}

/* Classify i by its handler: the pointers specialize.c installs, so a
 * handler the decoder replaced (e.g. by #UD) is never taken for these. */
static struct iform classify(const struct insn *i)
{
	struct iform f = { .k = IK_CALL, .flags = true };
	const unsigned s = size_index(i->osz);
	f.sz = i->osz;
	if (i->ent->fn == op_esc) {
		struct fpu_jit_op x;
		if (i->term == TERM_NONE && fpu_jit_op(i, &x))
			f.k = IK_X87;
		return f;
	}
	if (i->impl == op_sahf) {
		f.k = IK_SAHF;
		return f;
	}
	if (i->impl == op_nop) {
		f.k = IK_NOP; /* (Microsoft's emulator fixups leave NOP, ESC) */
		return f;
	}
	if (i->impl == op_wait) {
		f.k = IK_X87; /* (a member of runs: nothing to do there) */
		return f;
	}
	for (unsigned op = 0; op < 8; op++) {
		const enum ik kind = op == ALU_ADC || op == ALU_SBB ? IK_ADC : IK_ALU;
		if (i->impl == alu_rr_table[op][s].impl && i->mod == 3) {
			f.k = kind, f.aop = op, f.dst = i->rm, f.src = i->reg;
			f.flags = i->fn != alu_rr_table[op][s].nf;
			return f;
		}
		if (i->impl == alu_rr_rev_table[op][s].impl && i->mod == 3) {
			f.k = kind, f.aop = op, f.dst = i->reg, f.src = i->rm;
			f.flags = i->fn != alu_rr_rev_table[op][s].nf;
			return f;
		}
		if (i->impl == alu_ri_table[op][s].impl && i->mod == 3) {
			f.k = kind, f.aop = op, f.dst = i->rm, f.imm = true, f.val = i->imm & size_mask(i->osz);
			f.flags = i->fn != alu_ri_table[op][s].nf;
			return f;
		}
	}
	for (unsigned op = 0; op < 8; op++) {
		if (i->mod == 3)
			continue;
		if (i->impl == alu_rm_table[op][s].impl) {
			f.k = IK_ALU_RM, f.aop = op, f.dst = i->reg;
			return f;
		}
		if (i->impl == alu_mr_table[op][s].impl) {
			f.k = IK_ALU_M, f.aop = op, f.src = i->reg;
			return f;
		}
		if (i->impl == alu_mi_table[op][s].impl) {
			f.k = IK_ALU_M, f.aop = op, f.imm = true, f.val = i->imm & size_mask(i->osz);
			return f;
		}
	}
	for (unsigned op = 4; op < 8; op++) {
		for (unsigned src = 0; src < 3; src += 2) {
			const unsigned n = src == 0 ? 1 : i->imm & 0x1F; /* (C0/C1: 80186+) */
			if (i->mod == 3 && i->impl == shift_table[src][op][s].impl && n > 0 && n < i->osz * 8u) {
				f.k = IK_SHIFT, f.aop = op, f.dst = i->rm, f.val = n;
				f.flags = i->fn != shift_table[src][op][s].nf;
				return f;
			}
		}
	}
	for (unsigned op = 4; op < 8; op++) {
		if (i->mod == 3 && i->impl == shift_table[1][op][s].impl) {
			f.k = IK_SHIFT_CL, f.aop = op, f.dst = i->rm;
			f.flags = i->fn != shift_table[1][op][s].nf;
			return f;
		}
	}
	for (unsigned kind = 0; kind < 4; kind++) {
		/* (string1_table: specialize.c's MOVS CMPS STOS LODS SCAS
		 * without a repeat prefix; CMPS is not inline) */
		if (kind != 1 && i->impl == string1_table[kind].impl) {
			f.k = IK_STRING, f.aop = kind;
			return f;
		}
	}
	if (i->impl == op_push_seg || i->impl == op_push_imm || (i->impl == op_push_rm && i->mod != 3)) {
		/* (the stack size is the block's: emit_pass()) */
		f.k = IK_PUSHX, f.sz = i->wsz;
		if (i->impl == op_push_seg)
			f.src = i->two_byte ? (i->op < 0xA8 ? SEG_FS : SEG_GS) : (i->op >> 3) & 3u;
		else
			f.aop = i->impl == op_push_imm ? 1 : 2, f.val = i->imm & size_mask(i->wsz);
		return f;
	}
	if (i->impl == op_call_far || i->impl == op_retf) {
		/* (real mode only, and the stack size: the block's, emit_pass()) */
		f.k = IK_FAR, f.sz = i->wsz, f.aop = i->impl == op_retf;
		return f;
	}
	if (i->impl == op_callf_rm && i->wsz == 2) {
		/* (CALL FAR m16:16; m16:32 is left to the handler) */
		f.k = IK_FAR, f.sz = 2, f.aop = 2;
		return f;
	}
	if (i->impl == op_jmp_rm || i->impl == op_call_rm) {
		/* (the stack size: the block's, jit_emit_block()) */
		f.k = IK_JMPRM, f.aop = i->impl == op_call_rm, f.sz = i->wsz;
		return f;
	}
	if (i->mod != 3 && i->impl == op_mov_rm_imm) {
		f.k = IK_MOVMI, f.val = i->imm & size_mask(i->osz);
		return f;
	}
	if (i->mod != 3 && i->impl == op_test_rm_imm) {
		f.k = IK_ALU_M, f.aop = ALU_AND, f.test = true, f.imm = true, f.val = i->imm & size_mask(i->osz);
		return f;
	}
	if (i->impl == op_cbw || i->impl == op_cwd) {
		f.k = IK_CBW, f.aop = i->impl == op_cwd, f.sz = i->wsz;
		return f;
	}
	if (i->impl == op_lxs || i->impl == op_pop_seg || i->impl == op_mov_sreg_rm) {
		/* (real mode only: jit_emit_block(); ES DS FS GS, whatever
		 * the model, as sreg_index() and opcode_sreg() name them) */
		unsigned sr = SEG_COUNT;
		if (i->impl == op_lxs)
			sr = !i->two_byte ? (i->op == 0xC4 ? SEG_ES : SEG_DS) : i->op == 0xB4 ? SEG_FS : i->op == 0xB5 ? SEG_GS : SEG_COUNT;
		else if (i->impl == op_pop_seg)
			sr = i->two_byte ? (i->op == 0xA1 ? SEG_FS : SEG_GS) : i->op == 0x07 ? SEG_ES : i->op == 0x1F ? SEG_DS : SEG_COUNT;
		else if (i->reg == 0 || i->reg == 3)
			sr = i->reg; /* (ES, DS on every model; FS, GS only on the 386+: left to the handler) */
		if (sr != SEG_COUNT) {
			f.k = IK_SEG, f.src = sr, f.sz = i->wsz;
			f.aop = i->impl == op_lxs ? 0 : i->impl == op_pop_seg ? 1 : 2;
		}
		return f;
	}
	if (classify_more(i, &f))
		return f;
	if (i->mod != 3 && (i->impl == op_inc_rm || i->impl == op_dec_rm)) {
		f.k = IK_INCDEC_M, f.dec = i->impl == op_dec_rm;
		return f;
	}
	if ((i->impl == op_mul || i->impl == op_imul) && !i->rep) {
		f.k = IK_MUL, f.aop = i->impl == op_imul; /* (with REP: the 8086's negated product) */
		return f;
	}
	if (i->impl == op_flagop && (i->op == 0xFC || i->op == 0xFD)) {
		f.k = IK_DF, f.aop = i->op == 0xFD;
		return f;
	}
	if ((i->impl == op_div || i->impl == op_idiv) && !i->rep) {
		f.k = IK_DIV, f.aop = i->impl == op_idiv; /* (with REP: the 8086's negated quotient) */
		return f;
	}
	if (i->impl == op_mov_acc_moffs) {
		f.k = IK_LOAD, f.dst = REG_AX, f.moffs = true;
		return f;
	}
	if (i->impl == op_mov_moffs_acc) {
		f.k = IK_STORE, f.src = REG_AX, f.moffs = true;
		return f;
	}
	if (i->mod != 3 && i->impl == mov_rm_table[s].impl) {
		f.k = IK_LOAD, f.dst = i->reg;
		return f;
	}
	if (i->mod != 3 && i->impl == mov_mr_table[s].impl) {
		f.k = IK_STORE, f.src = i->reg;
		return f;
	}
	for (unsigned w = 0; w < 2; w++) {
		for (unsigned ss = 0; ss < 2; ss++) {
			/* (the twin tells the stack size the block was made for) */
			if (i->fn == call_rel_table[w][ss].thr && i->impl == call_rel_table[w][ss].impl) {
				f.k = IK_CALLREL, f.sz = w ? 4 : 2, f.s32 = ss;
				return f;
			}
			if (i->fn == ret_table[w][ss].thr && i->impl == ret_table[w][ss].impl) {
				f.k = IK_RET, f.sz = w ? 4 : 2, f.s32 = ss;
				return f;
			}
			if (i->impl == push_reg_table[w][ss].impl) {
				f.k = IK_PUSH, f.src = i->op & 7u, f.sz = w ? 4 : 2, f.s32 = ss;
				return f;
			}
			if (i->impl == pop_reg_table[w][ss].impl) {
				f.k = IK_POP, f.dst = i->op & 7u, f.sz = w ? 4 : 2, f.s32 = ss;
				return f;
			}
		}
	}
	for (unsigned d = 0; d < 2; d++) {
		if (s > 0 && i->impl == alu_incdec_op[d][s].impl) {
			f.k = IK_INCDEC, f.dec = d, f.dst = i->op & 7u;
			f.flags = i->fn != alu_incdec_op[d][s].nf;
			return f;
		}
		if (i->impl == alu_incdec_rm[d][s].impl && i->mod == 3) {
			f.k = IK_INCDEC, f.dec = d, f.dst = i->rm;
			f.flags = i->fn != alu_incdec_rm[d][s].nf;
			return f;
		}
	}
	if (i->impl == mov_rr_table[s].impl && i->mod == 3) {
		f.k = IK_MOV, f.dst = i->rm, f.src = i->reg;
	} else if (i->impl == op_mov_r_rm && i->mod == 3) {
		f.k = IK_MOV, f.dst = i->reg, f.src = i->rm;
	} else if (i->impl == mov_ri_table[s].impl) {
		f.k = IK_MOVI, f.dst = i->op & 7u, f.val = i->imm & size_mask(i->osz);
	} else if (i->impl == op_lea && i->mod != 3) {
		f.k = IK_LEA, f.dst = i->reg, f.sz = i->wsz;
	} else if (i->impl == op_test_rm_r && i->mod == 3) {
		f.k = IK_TEST, f.dst = i->rm, f.src = i->reg;
	} else if (i->impl == op_test_acc_imm) {
		f.k = IK_TEST, f.dst = REG_AX, f.imm = true, f.val = i->imm & size_mask(i->osz);
	} else if (i->ent->spec == SP_JMP_REL && (i->impl == jmp_rel16_pair.impl || i->impl == jmp_rel32_pair.impl)) {
		f.k = IK_JMP;
	} else if (is_jcc(i)) {
		f.k = IK_JCC;
	} else if (i->ent->spec == SP_LOOP && i->op == 0xE2 && i->asz == i->wsz &&
		   (i->impl == loop16_pair.impl || i->impl == loop32_pair.impl)) {
		f.k = IK_LOOP, f.sz = i->asz;
	}
	return f;
}

static bool is_high8(unsigned r, unsigned sz)
{
	return sz == 1 && r >= 4;
}

/* The name of each enum cpu_jit_host bit in MVDM_JIT_HOST, by bit. */
static const char *const host_feature_names[] = { "bmi2", "sahf" };
_Static_assert(CPU_JIT_HOST_ALL == (1u << sizeof(host_feature_names) / sizeof(host_feature_names[0])) - 1,
	       "a name for every feature");

/* The features spec names: "bmi2,sahf", "all", "none" (NULL: all). */
static unsigned host_features_named(const char *spec)
{
	if (!spec)
		return CPU_JIT_HOST_ALL;
	unsigned mask = 0;
	for (const char *p = spec; *p;) {
		const size_t n = strcspn(p, ",");
		if (n == 3 && strncmp(p, "all", 3) == 0)
			mask = CPU_JIT_HOST_ALL;
		for (unsigned k = 0; k < sizeof(host_feature_names) / sizeof(host_feature_names[0]); k++) {
			if (strlen(host_feature_names[k]) == n && strncmp(p, host_feature_names[k], n) == 0)
				mask |= 1u << k;
		}
		p += n + (p[n] == ',');
	}
	return mask;
}

/* BMI2 (RORX: emit_tlb_addend()) and SAHF in 64-bit mode (LAHF-SAHF,
 * CPUID 80000001h ECX bit 0; missing on the first x86-64 processors), as
 * glibc's dynamic loader found them at start-up (<sys/platform/x86.h>,
 * glibc 2.33 and later: "usable" also honours GLIBC_TUNABLES'
 * glibc.cpu.hwcaps). No CPUID here: under a hypervisor each one traps
 * (about 9 us on the development VM), and libgcc's __builtin_cpu_supports()
 * would add a constructor running a dozen of them in every process
 * (docs/cpu-speed.md, "Session 18"). */
unsigned jit_host_features(const char *spec)
{
	unsigned has = 0;
	if (CPU_FEATURE_ACTIVE(BMI2))
		has |= CPU_JIT_HOST_BMI2;
	if (CPU_FEATURE_ACTIVE(LAHF64_SAHF64))
		has |= CPU_JIT_HOST_SAHF;
	return has & host_features_named(spec);
}

/* Does the host's flag state after f's inline code equal the guest's for
 * condition cc (features: enum cpu_jit_host)? */
static bool host_flags_ok(const struct iform *f, unsigned cc, unsigned features)
{
	if (!f->flags || is_high8(f->dst, f->sz))
		return false;
	switch (f->k) {
	case IK_ALU:
	case IK_ADC:
	case IK_TEST:
	case IK_ALU_RM:
		return true;
	case IK_ALU_M:
		return f->aop == ALU_CMP || f->test; /* (no write access after it) */
	case IK_INCDEC:
	case IK_INCDEC_M: /* (emit_incdec_m_flags()) */
		return (cc >> 1) != 1 && (cc >> 1) != 3; /* (CF is kept) */
	case IK_SAHF:
		return cc >= 2 && cc < 0xC && (features & CPU_JIT_HOST_SAHF); /* (not OF, which SAHF keeps) */
	default:
		return false;
	}
}

/* ---- code generation ---- */

/* Exits: X_LINKK (to_link()) to the link stub for entry k, which sets
 * c->in.cur = &ins[k] there (the exit gives its offset in the instructions,
 * and its charge as a constant: no read of that entry, a cache line
 * compiled code does not otherwise touch); X_RET return; X_GP #GP at
 * entry k (c->in.cur set by the shared SH_GP); X_NEXT end the block
 * before entry k (bc_stop(): a write dropped it). None of them needs c->in.cur set before. */
enum { X_RET, X_GP, X_NEXT, X_LINKK };

struct fix {
	long at;      /* rel32 to patch */
	unsigned x;   /* X_* */
	unsigned k;   /* X_NEXT, X_LINKK: the entry */
};

/* An inline access's slow path, emitted after the body (emit_access()). */
struct slow {
	long at[2];      /* the rel32s of the two branches to it */
	long resume;     /* where the fast path goes on */
	unsigned k;      /* the entry */
	uint8_t seg, sz, sp_sub;
	bool write, smc;
	uint8_t cached, dirty; /* the register state at the access */
};

/* An x87 instruction's way to its handler (emit_x87()), after the body. */
struct xslow {
	long at[4];      /* the rel32s of the branches to it (-1: none) */
	long resume;     /* where the compiled instruction's code ends */
	unsigned k;      /* the entry */
	int note;        /* the entry whose FCS:FIP/FOP to write first, or -1 */
	uint8_t dirty;   /* the registers to store (state at the branches) */
	uint8_t cached;  /* the registers to load after it (state at resume) */
};

/* A run of x87 entries k0..k1 compiled with their checks made once
 * (emit_x87_run()). */
struct x87run {
	unsigned k0, k1;
	int note;        /* x87_note before it */
	long end;        /* the code after it */
};

/* An inline instruction's fallback, emitted after the body
 * (emit_fallback()): when its fast path does not apply (an access outside
 * the TLB or the segment's fast-path limits, DF set, a shift count outside
 * 1 to bits - 1), its handler runs the whole instruction out of line, as
 * emit_call() runs it, and the code goes on after the instruction. Every
 * branch to it comes before the fast path has changed guest state, so
 * memory plus the registers dirty at the instruction's start are the
 * state the handler must see. */
struct fallback {
	long at[6];      /* the rel32s of the branches to it */
	unsigned nat;
	long resume;     /* the end of the instruction's inline code */
	unsigned k;      /* the entry */
	uint8_t dirty;   /* dirty at the instruction's start: stored first */
	uint8_t cached;  /* cached at resume: loaded again after the call */
	bool smc;        /* the handler may write: leave if it dropped the block */
	long cpw_at;     /* its write's TLB branch (fb_access()), tried with SH_CPW* first; -1: none */
	long cpw_resume; /* ... where the code goes on after the write */
	unsigned cpw_sz;
};

struct cg {
	struct em e;
	uint8_t *base;   /* function start (written view) */
	const struct bc_block *b;
	uint8_t cached;  /* bit r: host register 8 + r holds guest register r */
	uint8_t dirty;   /* ... and memory does not */
	struct fix fix[BC_MAX_INSNS * 4 + 8];
	unsigned nfix;
	struct slow slow[BC_MAX_INSNS * 2];
	unsigned nslow;
	struct xslow xslow[BC_MAX_INSNS];
	unsigned nxslow;
	int x87_note;    /* x87 entry whose FCS:FIP/FOP is not written yet, or -1 */
	struct fpu_jit_op xop[BC_MAX_INSNS];   /* of the IK_X87 entries */
	struct x87run xrun[BC_MAX_INSNS];
	unsigned nxrun;
	long xmain[BC_MAX_INSNS];              /* entry k's code in a run */
	long xbr[BC_MAX_INSNS][12];            /* branches to entry k's handler */
	uint8_t nxbr[BC_MAX_INSNS];
	struct fallback fb[BC_MAX_INSNS];
	unsigned nfb;
	struct iform f[BC_MAX_INSNS];
	bool fused[BC_MAX_INSNS];  /* f[k] branches with the Jcc at k + 1 */
	bool chained[BC_MAX_INSNS]; /* the Jcc at k branches on the host's flags that a
				     * Jcc at k - 1 branched on (chain_jccs()) */
	long body;                 /* offset of the first instruction's code */
	const uint8_t *stub;       /* the mapping's link stub (written view) */
	unsigned features;         /* enum cpu_jit_host: the host features it may use */
	uint32_t code_mask;        /* FFFFh in a 16-bit code segment, else FFFFFFFFh */
	/* Registers kept across passes of a block that jumps back to its own
	 * start (jit_emit_block()'s second pass): */
	bool self_loop;            /* this pass emitted such a jump */
	bool loop;                 /* this pass keeps registers across it */
	uint8_t used, wrote;       /* this pass: registers ever cached, ever dirty */
	uint8_t loop_used, loop_wrote; /* the first pass's, for the second */
};

/* The code shared by every block of a mapping, after its link stub
 * (emit_shared()), each piece at a fixed offset from the stub
 * (SH_FIRST + id * SH_SLOT) and reached by a near call: the inline
 * accesses' slow paths (SH_READ, SH_WCALL, and the code page writes
 * a write's TLB miss tries first, SH_CPW1/2/4), CF (SH_CF,
 * emit_cf()), OF (SH_OF, emit_sahf()) and the #GP exit (SH_GP,
 * emit_exits()). Inside one the host stack is 8 bytes off the
 * 16-byte alignment of the body. */
enum { SH_READ, SH_WCALL, SH_CPW1, SH_CPW2, SH_CPW4, SH_CF, SH_OF, SH_GP, SH_COUNT };
enum { SH_FIRST = 1024, SH_SLOT = 256 }; /* (the link stub takes 544 bytes, with link epochs) */

static long sh_at(unsigned id)
{
	return SH_FIRST + (long)id * SH_SLOT;
}

const char *jit_shared_part(unsigned k, unsigned *at)
{
	static const char *const names[JIT_SHARED_PARTS] = {
		"mvdm-jit link stub", "mvdm-jit SH_READ", "mvdm-jit SH_WCALL", "mvdm-jit SH_CPW1", "mvdm-jit SH_CPW2",
		"mvdm-jit SH_CPW4", "mvdm-jit SH_CF", "mvdm-jit SH_OF", "mvdm-jit SH_GP",
	};
	_Static_assert(SH_COUNT + 1 == JIT_SHARED_PARTS, "a name for the stub and each SH_*");
	if (k >= JIT_SHARED_PARTS)
		return NULL;
	*at = k == 0 ? 0 : (unsigned)sh_at(k - 1);
	return names[k];
}

static unsigned host(unsigned r)
{
	return 8 + r;
}

static uint64_t addr_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void to_exit(struct cg *g, int cc, unsigned x, unsigned k)
{
	long at = em_jcc_fwd(&g->e, cc, g->base);
	if (at < 0 || g->nfix == sizeof(g->fix) / sizeof(g->fix[0])) {
		g->e.over = true;
		return;
	}
	g->fix[g->nfix++] = (struct fix){ at, x, k };
}

/* Leave for the link stub as entry k (the stub sets c->in.cur). */
static void to_link(struct cg *g, int cc, unsigned k)
{
	to_exit(g, cc, X_LINKK, k);
}

/* call the mapping's shared code id (emit_shared()). */
static void emit_shared_call(struct cg *g, unsigned id)
{
	long at = em_call_fwd(&g->e, g->base);
	if (at >= 0)
		em_fix(g->base, at, (g->stub - g->base) + sh_at(id));
}

/* Guest register r (whole) in its host register. */
static void ensure(struct cg *g, unsigned r)
{
	if (!(g->cached & (1u << r))) {
		em_load(&g->e, 4, host(r), H_RBX, OFF(r) + (int32_t)r * 4);
		g->cached |= (uint8_t)(1u << r);
	}
}

/* Store the dirty registers (the state at compile time is unchanged:
 * code for a path that leaves). */
static void emit_flush(struct cg *g)
{
	for (unsigned r = 0; r < 8; r++)
		if (g->dirty & (1u << r))
			em_store(&g->e, 4, host(r), H_RBX, OFF(r) + (int32_t)r * 4);
}

/* Before a call: memory gets every register, and the cache is forgotten
 * (the callee may change them; R8-R11 do not survive it). */
static void flush_forget(struct cg *g)
{
	emit_flush(g);
	g->cached = g->dirty = 0;
}

/* The host register holding source operand r of size sz; a high byte is
 * moved into the low byte of tmp (or any source when copy is set). */
static unsigned src_reg(struct cg *g, unsigned r, unsigned sz, unsigned tmp, bool copy)
{
	const unsigned gr = sz == 1 ? (r & 3) : r;
	ensure(g, gr);
	if (is_high8(r, sz)) {
		em_mov_rr(&g->e, 4, tmp, host(gr));
		em_shift_ri(&g->e, true, tmp, 8);
		return tmp;
	}
	if (copy) {
		em_mov_rr(&g->e, 4, tmp, host(gr));
		return tmp;
	}
	return host(gr);
}

/* The host register to operate on for destination r of size sz (a high
 * byte rotated into the low one until dst_end()). */
static unsigned dst_begin(struct cg *g, unsigned r, unsigned sz)
{
	const unsigned gr = sz == 1 ? (r & 3) : r;
	if (sz == 4) {
		/* (loaded anyway: a read-modify-write needs it) */
		ensure(g, gr);
	} else {
		ensure(g, gr);
		if (is_high8(r, sz))
			em_ror16(&g->e, host(gr), 8);
	}
	return host(gr);
}

static void dst_end(struct cg *g, unsigned r, unsigned sz)
{
	const unsigned gr = sz == 1 ? (r & 3) : r;
	if (is_high8(r, sz))
		em_ror16(&g->e, host(gr), 8);
	g->dirty |= (uint8_t)(1u << gr);
}

/* A whole 32-bit destination that is only written. */
static unsigned dst_full(struct cg *g, unsigned r)
{
	g->cached |= (uint8_t)(1u << r);
	g->dirty |= (uint8_t)(1u << r);
	return host(r);
}

/* lf_res = the result in host register h (size sz), sign-extended. */
static void emit_lf_res(struct cg *g, unsigned h, unsigned sz)
{
	if (sz < 4) {
		em_movsx(&g->e, sz, H_RAX, h);
		h = H_RAX;
	}
	em_store(&g->e, 4, h, H_RBX, OFF(in.lf_res));
}

/* EAX = the guest's CF now (flag_cf()), by the block's subroutine
 * SH_CF: arithmetic for the explicit, INC/DEC, ADD and SUB kinds, a call
 * of flag_cf() for ADC and SBB (R8-R11, RDX and RSI kept; RCX, RDI not).
 * ADD and SUB compare with both operands shifted to the top of 32 bits
 * (s = 32 - bits): r << s < b << s for ADD (a carry out leaves r below
 * b), a << s < b << s with a << s = (r << s) + (b << s) for SUB. */
static void emit_cf(struct cg *g)
{
	emit_shared_call(g, SH_CF);
}

/* A shared subroutine's tail: the n host registers of kept[] pushed (an
 * odd count aligns the stack, which is 8 bytes off inside a subroutine),
 * fn(c) called, EAX its result, the registers popped, return. */
static void emit_kept_call_ret(struct em *e, const uint8_t *kept, unsigned n, uint64_t fn)
{
	for (unsigned r = 0; r < n; r++)
		em_push(e, kept[r]);
	em_cpu_arg(e);
	em_mov_imm64(e, H_RAX, fn);
	em_call_rax(e);
	for (unsigned r = n; r-- > 0;)
		em_pop(e, kept[r]);
	em_ret(e);
}

/* The body of emit_cf()'s subroutine (SH_CF; base: the mapping's start). */
static void emit_cf_helper(struct em *e, uint8_t *base)
{
	em_load(e, 4, H_RAX, H_RBX, OFF(in.lf_aux));
	em_mov_rr(e, 4, H_RCX, H_RAX);
	em_shift_ri(e, true, H_RCX, 16);
	em_movzx(e, 1, H_RCX, H_RCX);
	em_alu_ri(e, ALU_SUB, 4, H_RCX, 1);
	em_alu_ri(e, ALU_CMP, 4, H_RCX, 3);
	long lazy = em_jcc_fwd(e, 6 /* BE */, base);
	em_alu_ri(e, ALU_AND, 4, H_RAX, 1);
	em_ret(e);
	if (e->over)
		return;
	em_fix(base, lazy, e->p - base);
	/* ECX = kind - 1: 0 ADD, 1 ADC, 2 SUB, 3 SBB */
	em_test_r8_imm(e, H_RCX, 1);
	long slow = em_jcc_fwd(e, 5 /* NE: ADC, SBB */, base);
	em_mov_rr(e, 4, H_RDI, H_RCX);
	em_shift_ri(e, true, H_RAX, 24);
	em_mov_ri(e, 4, H_RCX, 32);
	em_alu_rr(e, ALU_SUB, 4, H_RCX, H_RAX);
	em_load(e, 4, H_RAX, H_RBX, OFF(in.lf_res));
	em_shift_cl(e, 4, 4, H_RAX);
	em_alu_ri(e, ALU_CMP, 4, H_RDI, 0);
	em_load(e, 4, H_RDI, H_RBX, OFF(in.lf_b));
	long add = em_jcc_fwd(e, 4 /* E: ADD (flags of the CMP; loads keep them) */, base);
	em_shift_cl(e, 4, 4, H_RDI);
	em_alu_rr(e, ALU_ADD, 4, H_RAX, H_RDI);
	long cmp = em_jcc_fwd(e, -1, base);
	if (e->over)
		return;
	em_fix(base, add, e->p - base);
	em_shift_cl(e, 4, 4, H_RDI);
	em_fix(base, cmp, e->p - base);
	em_alu_rr(e, ALU_CMP, 4, H_RAX, H_RDI);
	em_setcc(e, 2 /* B */, H_RAX);
	em_movzx(e, 1, H_RAX, H_RAX);
	em_ret(e);
	if (e->over)
		return;
	em_fix(base, slow, e->p - base);
	/* (R8-R11, RDX, RSI kept; RCX for a seventh push, which aligns the
	 * stack for the call) */
	static const uint8_t saved[7] = { 8, 9, 10, 11, H_RDX, H_RSI, H_RCX };
	emit_kept_call_ret(e, saved, 7, addr_of(jit_flag_cf));
}

/* The body of the shared subroutine SH_OF (base: the mapping's start):
 * EAX = the guest's OF now (0 or 1), as flag_of() computes it: bit 11
 * of lf_aux for the explicit kind; for ADD and INC a = r - b,
 * OF = MSB((a ^ r) & (b ^ r)); for SUB and DEC
 * a = r + b, OF = MSB((a ^ b) & (a ^ r)) (flags.h), with r and b shifted
 * to the top of 32 bits (s = 32 - bits), so that the MSB is bit 31 and
 * a needs no mask; a call of flag_of() for ADC and SBB. RCX, RDX, RSI
 * and RDI are not kept; R8-R11 are. */
static void emit_of_helper(struct em *e, uint8_t *base)
{
	em_load(e, 4, H_RAX, H_RBX, OFF(in.lf_aux));
	em_mov_rr(e, 4, H_RDX, H_RAX);
	em_shift_ri(e, true, H_RDX, 16);
	em_movzx(e, 1, H_RDX, H_RDX);
	em_alu_ri(e, ALU_CMP, 4, H_RDX, LF_EXPLICIT);
	long lazy = em_jcc_fwd(e, 5 /* NE */, base);
	em_shift_ri(e, true, H_RAX, 11);
	em_alu_ri(e, ALU_AND, 4, H_RAX, 1);
	em_ret(e);
	if (e->over)
		return;
	em_fix(base, lazy, e->p - base);
	em_alu_ri(e, ALU_CMP, 4, H_RDX, LF_ADC);
	long slow1 = em_jcc_fwd(e, 4 /* E */, base);
	em_alu_ri(e, ALU_CMP, 4, H_RDX, LF_SBB);
	long slow2 = em_jcc_fwd(e, 4 /* E */, base);
	/* ECX = s, EAX = r << s, ESI = b << s */
	em_shift_ri(e, true, H_RAX, 24);
	em_mov_ri(e, 4, H_RCX, 32);
	em_alu_rr(e, ALU_SUB, 4, H_RCX, H_RAX);
	em_load(e, 4, H_RAX, H_RBX, OFF(in.lf_res));
	em_shift_cl(e, 4, 4, H_RAX);
	em_load(e, 4, H_RSI, H_RBX, OFF(in.lf_b));
	em_shift_cl(e, 4, 4, H_RSI);
	em_mov_rr(e, 4, H_RDI, H_RAX);
	em_alu_ri(e, ALU_CMP, 4, H_RDX, LF_SUB);
	long sub1 = em_jcc_fwd(e, 4 /* E */, base);
	em_alu_ri(e, ALU_CMP, 4, H_RDX, LF_DEC);
	long sub2 = em_jcc_fwd(e, 4 /* E */, base);
	/* ADD, INC: EDI = a = r - b; (a ^ r) & (b ^ r) */
	em_alu_rr(e, ALU_SUB, 4, H_RDI, H_RSI);
	em_alu_rr(e, ALU_XOR, 4, H_RDI, H_RAX);
	em_alu_rr(e, ALU_XOR, 4, H_RSI, H_RAX);
	em_alu_rr(e, ALU_AND, 4, H_RDI, H_RSI);
	em_mov_rr(e, 4, H_RAX, H_RDI);
	em_shift_ri(e, true, H_RAX, 31);
	em_ret(e);
	if (e->over)
		return;
	em_fix(base, sub1, e->p - base);
	em_fix(base, sub2, e->p - base);
	/* SUB, DEC: EDI = a = r + b; (a ^ b) & (a ^ r) */
	em_alu_rr(e, ALU_ADD, 4, H_RDI, H_RSI);
	em_alu_rr(e, ALU_XOR, 4, H_RSI, H_RDI);
	em_alu_rr(e, ALU_XOR, 4, H_RAX, H_RDI);
	em_alu_rr(e, ALU_AND, 4, H_RAX, H_RSI);
	em_shift_ri(e, true, H_RAX, 31);
	em_ret(e);
	if (e->over)
		return;
	em_fix(base, slow1, e->p - base);
	em_fix(base, slow2, e->p - base);
	/* (R8-R11 kept; RCX for a fifth push, which aligns the stack for the
	 * call) */
	static const uint8_t saved[5] = { 8, 9, 10, 11, H_RCX };
	emit_kept_call_ret(e, saved, 5, addr_of(jit_flag_of));
}

/* r = the address of the running block's entry k plus disp (c->in.blk:
 * the code serves every copy of the block, see the top of the file). */
static void emit_insn_addr(struct cg *g, unsigned r, unsigned k, int32_t disp)
{
	em_load(&g->e, 8, r, H_RBX, OFF(in.blk));
	em_load(&g->e, 8, r, r, (int32_t)offsetof(struct bc_block, ins));
	em_lea(&g->e, r, r, (int32_t)(k * sizeof(struct insn)) + disp);
}

/* c->in.cur = RSI = &ins[k] (RSI: a handler's second argument, kept
 * until the call by the code between, which uses RAX and RDI) */
static void emit_cur(struct cg *g, unsigned k)
{
	emit_insn_addr(g, H_RSI, k, 0);
	em_store(&g->e, 8, H_RSI, H_RBX, OFF(in.cur));
}

/* A jump of entry k back to the block's own start (same CS, so the same
 * linear address): run the block again without leaving, when bc_link()
 * would enter it: the budget charged for this pass still leaves room for
 * a whole pass, no event is pending, and the block is still valid in the
 * current context (its tag; a dropped block has left already). Registers
 * are in memory at this point, as at the function's start; in a block that
 * keeps them across passes (g->loop, emit_loop_back()) those the start
 * expects cached are loaded instead, where a call made the code forget
 * them. When a check fails, the code goes on after this. */
static void emit_self_loop(struct cg *g, unsigned k)
{
	struct em *e = &g->e;
	em_load(e, 8, H_RDX, H_RBX, OFF(in.budget_left));
	em_alu_ri(e, ALU_SUB, 8, H_RDX, k + 1); /* (the charge of entry k) */
	em_alu_ri(e, ALU_CMP, 8, H_RDX, g->b->ninsns);
	long no1 = em_jcc_fwd(e, 6 /* BE */, g->base);
	em_cmp_mem_imm(e, H_RBX, OFF(in.events), 0);
	long no2 = em_jcc_fwd(e, 5 /* NE */, g->base);
	em_load(e, 8, H_RAX, H_RBX, OFF(in.blk));
	em_load(e, 8, H_RAX, H_RAX, (int32_t)offsetof(struct bc_block, tag));
	em_rm(e, 0x3B, 0x3B, 8, H_RAX, H_RBX, OFF(in.bc_ctx));
	long no3 = em_jcc_fwd(e, 5 /* NE */, g->base);
	em_store(e, 8, H_RDX, H_RBX, OFF(in.budget_left));
	em_rm(e, 0xFF, 0xFF, 8, 0 /* INC */, H_RBX, OFF(in.jit_hits));
	if (g->loop) {
		const uint8_t cached = g->cached;
		for (unsigned r = 0; r < 8; r++)
			if (g->loop_used & (1u << r))
				ensure(g, r);
		g->cached = cached; /* (the state of the code that follows) */
	}
	long back = em_jcc_fwd(e, -1, g->base);
	if (e->over)
		return;
	em_fix(g->base, back, g->body);
	em_fix(g->base, no1, e->p - g->base);
	em_fix(g->base, no2, e->p - g->base);
	em_fix(g->base, no3, e->p - g->base);
}

static void emit_leave(struct cg *g, unsigned k, uint32_t target, bool check, bool self);

/* emit_self_loop() for a block whose registers stay in host registers
 * across passes (g->loop): its start expects loop_used cached and
 * loop_wrote dirty (a superset of what any point of the block has dirty;
 * storing a clean register is harmless). When the same checks pass, the
 * registers not cached here are loaded and the code jumps back without
 * storing anything; else (or when the CS limit check would fail) it
 * leaves as emit_leave_jump() does. */
static void emit_loop_back(struct cg *g, unsigned k, uint32_t target, bool check)
{
	struct em *e = &g->e;
	long no = -1;
	if (check) {
		em_cmp_mem_imm(e, H_RBX, OFF(in.sd[SEG_CS].limit), target);
		no = em_jcc_fwd(e, 2 /* B: limit < target */, g->base);
	}
	emit_self_loop(g, k);
	if (no >= 0 && !e->over)
		em_fix(g->base, no, e->p - g->base);
	emit_leave(g, k, target, check, false);
}

/* Leave the block for `target` as a taken jump of entry k does: registers
 * to memory, c->in.cur, the CS limit check (jump_to(): #GP), c->ip, then
 * (self: the block's own start) emit_self_loop(), or bc_link(). */
static void emit_leave(struct cg *g, unsigned k, uint32_t target, bool check, bool self)
{
	struct em *e = &g->e;
	emit_flush(g);
	if (check) {
		em_cmp_mem_imm(e, H_RBX, OFF(in.sd[SEG_CS].limit), target);
		to_exit(g, 2 /* B: limit < target */, X_GP, k);
	}
	em_store_imm(e, 4, H_RBX, OFF(ip), target);
	if (self)
		emit_self_loop(g, k);
	to_link(g, -1, k);
}

/* A taken jump of entry k to target: emit_loop_back() in a block that
 * keeps its registers across passes, else emit_leave(). */
static void emit_leave_jump(struct cg *g, unsigned k, uint32_t target, bool check)
{
	const bool self = target == g->b->ins[0].ip;
	g->self_loop |= self;
	if (self && g->loop)
		emit_loop_back(g, k, target, check);
	else
		emit_leave(g, k, target, check, self);
}

static void emit_alu(struct cg *g, const struct iform *f)
{
	struct em *e = &g->e;
	const unsigned sz = f->sz;
	const bool high = is_high8(f->dst, sz);
	const bool write = (f->k == IK_ALU || f->k == IK_ALU_RM) && f->aop != ALU_CMP;
	const unsigned aop = f->k == IK_TEST ? ALU_AND : f->aop == ALU_CMP ? ALU_SUB : f->aop;
	unsigned s = H_RCX; /* (IK_ALU_RM: the memory operand is in ECX) */
	/* (a copy when the operation would overwrite the source before lf_b
	 * is stored: ADD AX, AX) */
	if (!f->imm && f->k != IK_ALU_RM)
		s = src_reg(g, f->src, sz, H_RCX, high || (write && f->flags && (aop == ALU_ADD || aop == ALU_SUB)));
	unsigned h;
	if (write) {
		h = dst_begin(g, f->dst, sz);
	} else {
		/* CMP, TEST: the result in EAX only */
		const unsigned gr = sz == 1 ? (f->dst & 3) : f->dst;
		ensure(g, gr);
		em_mov_rr(e, 4, H_RAX, host(gr));
		if (high)
			em_shift_ri(e, true, H_RAX, 8);
		h = H_RAX;
	}
	if (f->imm)
		em_alu_ri(e, aop, sz, h, f->val);
	else
		em_alu_rr(e, aop, sz, h, s);
	if (f->flags) {
		emit_lf_res(g, h, sz);
		if (aop == ALU_ADD || aop == ALU_SUB) {
			if (f->imm) {
				em_store_imm(e, 4, H_RBX, OFF(in.lf_b), f->val);
			} else {
				unsigned b = s;
				if (sz < 4) {
					em_movzx(e, sz, H_RCX, s);
					b = H_RCX;
				}
				em_store(e, 4, b, H_RBX, OFF(in.lf_b));
			}
			em_store_imm(e, 4, H_RBX, OFF(in.lf_aux),
				     (uint32_t)(aop == ALU_ADD ? LF_ADD : LF_SUB) << 16 | (sz * 8) << 24);
		} else {
			em_store_imm(e, 4, H_RBX, OFF(in.lf_aux), 0);
		}
	}
	if (write)
		dst_end(g, f->dst, sz);
}

/* ADC and SBB (f->aop; alu_op_flags()): the carry-in is the guest's CF
 * (emit_cf()), put in the host's CF for the host's own ADC/SBB at the
 * operand size, so the host's flags after it are the guest's (a fused
 * Jcc). The lazy state is flags_lazy()'s: lf_aux = the carry-in | LF_ADC
 * or LF_SBB << 16 | bits << 24 (stored first: nothing between it and the
 * operation can fault), lf_res the result sign-extended, lf_b the source
 * zero-extended. Forms: IK_ADC, registers or an immediate source;
 * IK_ALU_RM, the source (memory) in EDX; IK_ALU_M, the destination
 * (memory) in EDX, the result left there. SBB r, r gives -CF. */
static void emit_adc(struct cg *g, const struct iform *f)
{
	struct em *e = &g->e;
	const unsigned sz = f->sz;
	emit_cf(g); /* EAX = CF (RCX, RDI clobbered; RDX kept) */
	if (f->flags) {
		em_alu_ri(e, ALU_OR, 4, H_RAX,
			  (uint32_t)(f->aop == ALU_ADC ? LF_ADC : LF_SBB) << 16 | (sz * 8) << 24);
		em_store(e, 4, H_RAX, H_RBX, OFF(in.lf_aux));
	}
	unsigned s = H_RDX, h = H_RDX;
	/* (a copy: the operation may overwrite the source before lf_b is
	 * stored, SBB AX, AX, or rotate its register, ADC AH, AL) */
	if (f->k != IK_ALU_RM && !f->imm)
		s = src_reg(g, f->src, sz, H_RCX, true);
	if (f->k != IK_ALU_M)
		h = dst_begin(g, f->dst, sz);
	em_shift_ri(e, true, H_RAX, 1); /* CF = bit 0, the carry-in */
	if (f->imm)
		em_alu_ri(e, f->aop, sz, h, f->val);
	else
		em_alu_rr(e, f->aop, sz, h, s);
	if (f->flags) {
		emit_lf_res(g, h, sz);
		if (f->imm) {
			em_store_imm(e, 4, H_RBX, OFF(in.lf_b), f->val);
		} else {
			if (sz < 4) {
				em_movzx(e, sz, H_RCX, s);
				s = H_RCX;
			}
			em_store(e, 4, s, H_RBX, OFF(in.lf_b));
		}
	}
	if (f->k != IK_ALU_M)
		dst_end(g, f->dst, sz);
}

static void emit_incdec(struct cg *g, const struct iform *f)
{
	struct em *e = &g->e;
	const unsigned sz = f->sz;
	if (f->flags) {
		emit_cf(g);
		em_alu_ri(e, ALU_OR, 4, H_RAX, (uint32_t)(f->dec ? LF_DEC : LF_INC) << 16 | (sz * 8) << 24);
		em_store(e, 4, H_RAX, H_RBX, OFF(in.lf_aux));
	}
	const unsigned h = dst_begin(g, f->dst, sz);
	em_incdec(e, sz, f->dec, h);
	if (f->flags) {
		emit_lf_res(g, h, sz);
		em_store_imm(e, 4, H_RBX, OFF(in.lf_b), 1);
	}
	dst_end(g, f->dst, sz);
}

/* SHL/SHR/SAR by a constant 0 < n < bits (ops_shift.c shift_op()): the
 * host's shift gives the result and CF; OF as the interpreter computes
 * it (SHL: MSB(r) ^ CF; SHR: the operand's MSB for n = 1, else 0; SAR:
 * 0); AF 0 (flags_result()). */
static void emit_shift(struct cg *g, const struct iform *f)
{
	struct em *e = &g->e;
	const unsigned sz = f->sz, bits = sz * 8;
	const unsigned h = dst_begin(g, f->dst, sz);
	em_shift_sz(e, sz, f->aop == 6 ? 4 : f->aop, h, (uint8_t)f->val);
	if (f->flags) {
		em_setc_cl(e);
		em_movzx(e, 1, H_RCX, H_RCX);
		emit_lf_res(g, h, sz);
		if (f->aop == 4 || f->aop == 6) {
			em_load(e, 4, H_RDX, H_RBX, OFF(in.lf_res));
			em_shift_ri(e, true, H_RDX, 31);
			em_alu_rr(e, ALU_XOR, 4, H_RDX, H_RCX);
			em_shift_ri(e, false, H_RDX, 11);
			em_alu_rr(e, ALU_OR, 4, H_RCX, H_RDX);
		} else if (f->aop == 5 && f->val == 1) {
			if (sz == 4)
				em_mov_rr(e, 4, H_RDX, h);
			else
				em_movzx(e, sz, H_RDX, h);
			em_shift_ri(e, true, H_RDX, (uint8_t)(bits - 2));
			em_alu_ri(e, ALU_AND, 4, H_RDX, 1);
			em_shift_ri(e, false, H_RDX, 11);
			em_alu_rr(e, ALU_OR, 4, H_RCX, H_RDX);
		}
		em_store(e, 4, H_RCX, H_RBX, OFF(in.lf_aux));
	}
	dst_end(g, f->dst, sz);
}

static void emit_mov(struct cg *g, const struct iform *f)
{
	struct em *e = &g->e;
	const unsigned sz = f->sz;
	if (sz == 4) {
		ensure(g, f->src);
		em_mov_rr(e, 4, dst_full(g, f->dst), host(f->src));
		return;
	}
	const unsigned s = src_reg(g, f->src, sz, H_RCX, is_high8(f->dst, sz));
	const unsigned h = dst_begin(g, f->dst, sz);
	em_mov_rr(e, sz, h, s);
	dst_end(g, f->dst, sz);
}

static void emit_movi(struct cg *g, const struct iform *f)
{
	if (f->sz == 4) {
		em_mov_ri(&g->e, 4, dst_full(g, f->dst), f->val);
		return;
	}
	const unsigned h = dst_begin(g, f->dst, f->sz);
	em_mov_ri(&g->e, f->sz, h, f->val);
	dst_end(g, f->dst, f->sz);
}

/* EAX = the effective address of i (insn_ea(); the moffs forms: disp). */
static void emit_ea(struct cg *g, const struct insn *i)
{
	struct em *e = &g->e;
	if (i->ent->form & F_MOFFS) {
		em_mov_ri(e, 4, H_RAX, i->disp);
		return;
	}
	/* One 32-bit LEA of the whole host registers (session 15): 32-bit
	 * addressing wraps at 2^32 as LEA does, and 16-bit addressing keeps
	 * the low 16 bits of the sum, which the registers' high halves do not
	 * change (insn_ea()); the scale is 32-bit addressing's only. */
	const bool base = i->base < 8, index = i->index < 8;
	const unsigned scale = i->asz == 2 ? 0 : i->scale;
	if (base)
		ensure(g, i->base);
	if (index)
		ensure(g, i->index);
	if (base && index) {
		em_rm_idx(e, 0x8D, 0x8D, 4, H_RAX, host(i->base), host(i->index), scale, (int32_t)i->disp);
	} else if (base || (index && !scale)) {
		em_rm(e, 0x8D, 0x8D, 4, H_RAX, host(base ? i->base : i->index), (int32_t)i->disp);
	} else if (index) {
		/* [index * 2^scale + disp] */
		em_mov_rr(e, 4, H_RAX, host(i->index));
		em_shift_ri(e, false, H_RAX, (uint8_t)scale);
		if (i->disp)
			em_alu_ri(e, ALU_ADD, 4, H_RAX, i->disp);
	} else {
		em_mov_ri(e, 4, H_RAX, i->disp);
	}
	if (i->asz == 2)
		em_movzx(e, 2, H_RAX, H_RAX);
}

/* LEA: the effective address as emit_ea() computes it (insn_ea(): 16-bit
 * addressing reads the 16-bit registers and wraps at 64 KiB). */
static void emit_lea(struct cg *g, const struct insn *i, const struct iform *f)
{
	struct em *e = &g->e;
	emit_ea(g, i);
	if (f->sz == 4) {
		em_mov_rr(e, 4, dst_full(g, f->dst), H_RAX);
	} else {
		const unsigned h = dst_begin(g, f->dst, 2);
		em_mov_rr(e, 2, h, H_RAX);
		dst_end(g, f->dst, 2);
	}
}

/* An access of sz bytes at offset EAX of segment seg, for entry i, as
 * mem_read()/mem_write() do it, when the offset is inside the segment's
 * fast-path limits and the TLB has the page; else a branch to the
 * caller's slow path, at[0] for the limit (EAX = the offset; -1: no
 * limit check, it cannot fail), at[1] for the TLB (EAX = the linear
 * address, RCX = its TLB index * 16, EDI = the page of its last byte:
 * its low byte 0, emit_slow_path()). A read leaves the value
 * zero-extended in EAX; a write stores EDX. Uses RAX RCX RDI (and RDX,
 * RSI in the slow path). Only the slow path can drop a block: pages
 * holding blocks are never writable through the TLB's fast path
 * (block_cache.h). */
static void emit_tlb_addend(struct cg *g, const struct insn *i, unsigned seg, unsigned sz, bool write, long at[2]);

static void emit_access_inline(struct cg *g, const struct insn *i, unsigned seg, unsigned sz, bool write,
			       long at[2])
{
	struct em *e = &g->e;
	emit_tlb_addend(g, i, seg, sz, write, at);
	if (write)
		em_store_idx(e, sz, H_RDX, H_RCX, H_RAX, 0, 0);
	else
		em_loadzx_idx(e, sz, H_RAX, H_RCX, H_RAX, 0, 0);
}

/* Is the offset entry i forms for an access through seg below 10000h?
 * An instruction's offsets are reduced to its address size (insn_ea(),
 * the string indexes, LxS's and far pointers' second word) and a stack
 * access's to the stack size (sp_mask): SS may be either (a [BP]
 * operand, a PUSH), so it needs both to be 16 bits. The emitters form
 * them the same way (emit_ea(), emit_x87_ea(), emit_index(),
 * emit_sp_below()/emit_sp_above(), MOVZX): EAX's high half is 0. */
static bool access_off16(const struct cg *g, const struct insn *i, unsigned seg)
{
	return i->asz == 2 && (seg != SEG_SS || !((g->b->tag >> 32) & BC_STACK32));
}

/* emit_access_inline()'s checks, leaving RCX = the TLB entry's addend
 * (the access is at RCX + RAX). At the TLB branch (at[1]) RCX is the TLB
 * index * 16 (sizeof(struct cpu_tlbe)), without RBX: the entry is
 * [RBX + RCX], one instruction fewer than adding RBX (session 15). A
 * byte's limit check compares the offset itself. Where the block's
 * context says every segment's ends reach 10000h (BC_SEG64K, part of its
 * tag) and the offset is below that (access_off16()), the check is
 * off + sz - 1 < 10000h (session 16): none for a byte, `cmp ax, -sz; ja`
 * (the offset above 10000h - sz) for more. It passes only where the
 * ends' check would; what it sends to the slow path besides (an access
 * past FFFFh in a "big real" segment) gets every check there, as do the
 * 8086's wrap and the 286+'s fault at offset FFFFh. */
static void emit_tlb_addend(struct cg *g, const struct insn *i, unsigned seg, unsigned sz, bool write, long at[2])
{
	struct em *e = &g->e;
	if (((g->b->tag >> 32) & BC_SEG64K) && access_off16(g, i, seg) && sz <= 16) {
		at[0] = -1;
		if (sz > 1) {
			em_alu_ri8(e, ALU_CMP, 2, H_RAX, (int8_t)-(int)sz);
			at[0] = em_jcc_fwd(e, 7 /* A */, g->base);
		}
	} else {
		const int32_t ends = write ? OFF(in.wr_end) : OFF(in.rd_end);
		unsigned end = H_RAX;
		if (sz > 1) {
			em_lea(e, H_RCX, H_RAX, (int32_t)sz - 1);
			end = H_RCX;
		}
		em_rm(e, 0x3B, 0x3B, 8, end, H_RBX, ends + (int32_t)seg * 8);
		at[0] = em_jcc_fwd(e, 3 /* AE */, g->base);
	}
	em_rm(e, 0x03, 0x03, 4, H_RAX, H_RBX, OFF(seg_base) + (int32_t)seg * 4);
	/* RCX = the TLB index * 16: (EAX >> 8) & 3FF0h (a rotation: the bits
	 * rotated in are masked off) */
	if (g->features & CPU_JIT_HOST_BMI2) {
		em_rorx(e, H_RCX, H_RAX, CPU_PAGE_SHIFT - 4);
	} else {
		em_mov_rr(e, 4, H_RCX, H_RAX);
		em_shift_ri(e, true, H_RCX, CPU_PAGE_SHIFT - 4);
	}
	em_alu_ri(e, ALU_AND, 4, H_RCX, (CPU_TLB_SIZE - 1) << 4);
	_Static_assert(((CPU_TLB_SIZE - 1) << 4) < (1u << (32 - (CPU_PAGE_SHIFT - 4))), "no rotated-in bit kept");
	if (sz == 1)
		em_mov_rr(e, 4, H_RDI, H_RAX);
	else
		em_rm(e, 0x8D, 0x8D, 4, H_RDI, H_RAX, (int32_t)sz - 1);
	em_alu_ri(e, ALU_AND, 4, H_RDI, ~(CPU_PAGE_SIZE - 1));
	em_rm_idx(e, 0x3B, 0x3B, 4, H_RDI, H_RBX, H_RCX, 0,
		  OFF(in.tlb) + (int32_t)(write ? offsetof(struct cpu_tlbe, wr) : offsetof(struct cpu_tlbe, rd)));
	at[1] = em_jcc_fwd(e, 5 /* NE */, g->base);
	em_load_idx(e, 8, H_RCX, H_RBX, H_RCX, 0, OFF(in.tlb) + (int32_t)offsetof(struct cpu_tlbe, addend));
}

/* emit_access_inline()'s checks, leaving the host address of the access
 * in RCX instead of making it. */
static void emit_host_addr(struct cg *g, const struct insn *i, unsigned seg, unsigned sz, bool write, long at[2])
{
	emit_tlb_addend(g, i, seg, sz, write, at);
	em_alu_rr(&g->e, ALU_ADD, 8, H_RCX, H_RAX);
}

/* The inline access of emit_access_inline() for entry k, its slow path a
 * call out of line (emit_slow_path(): registers stored first, c->in.cur
 * and insn_sp set, so a fault there is precise).
 * smc (writes): the instruction's last write, after which a write that
 * dropped this block ends it before entry k + 1 (bc_stop()); sp_sub: what a
 * PUSH subtracts from SP after the write (size | 16 for ESP; 0: nothing),
 * done before leaving. */
static void emit_access(struct cg *g, unsigned k, unsigned seg, unsigned sz, bool write, bool smc, unsigned sp_sub)
{
	if (g->nslow == sizeof(g->slow) / sizeof(g->slow[0])) {
		g->e.over = true;
		return;
	}
	struct slow *sl = &g->slow[g->nslow++];
	*sl = (struct slow){ .k = k, .seg = (uint8_t)seg, .sz = (uint8_t)sz, .sp_sub = (uint8_t)sp_sub,
			     .write = write, .smc = smc, .cached = g->cached, .dirty = g->dirty };
	emit_access_inline(g, &g->b->ins[k], seg, sz, write, sl->at);
	sl->resume = g->e.p - g->base;
}

/* Store the registers of mask dirty (a state other than the current one:
 * a slow path's). */
static void emit_flush_mask(struct cg *g, uint8_t dirty)
{
	for (unsigned r = 0; r < 8; r++)
		if (dirty & (1u << r))
			em_store(&g->e, 4, host(r), H_RBX, OFF(r) + (int32_t)r * 4);
}

/* code_page_write() (memory.c), the first step of lin_write_slow(),
 * inline (SH_CPW1/2/4, called first after a write's TLB miss,
 * emit_slow_path()): a write of sz bytes (EDX) to a page holding decoded
 * code that touches none of its translated bytes is done here, counted
 * (bc_data_write()), and it returns with ZF set; anything else returns
 * with ZF clear, EAX and EDX as they were and EDI = 0 (DIL: the TLB's
 * case for SH_WCALL). At entry (emit_access_inline()'s TLB branch, then
 * emit_slow_path() adds RBX to RCX): EAX =
 * the linear address, RCX = RBX + its TLB index * 16, EDI = the page of
 * its last byte. What tells a write beside code, in the order tried
 * (tlbx_no_code(), then bc_page_touches()):
 * - the entry's free run (one load with wcode), then its chunk bit
 *   (struct cpu_tlbx, the same 16 bytes): no other line than the TLB
 *   entry's is read;
 * - else the page's bitmap, through the entry's page record (tlb_p): the
 *   16 bits from byte off / 8, sz bits from bit off % 8 (at most bit 10;
 *   the page check keeps them inside the page's bitmap).
 * The count is in struct cpu (no load of the cache's pointer). The path
 * of a write in the free run, from the entry to its RET, is 62 bytes, in
 * the one 64-byte line of the slot (rel8 jumps, the other checks after
 * it): laid out past that line (rel32 jumps, 77 bytes) it cost vardata
 * 9% of its CPU time, as did main's 88-byte path (docs/cpu-speed.md,
 * "Session 15"). */
static void emit_code_page_write_helper(struct em *e, uint8_t *base, unsigned sz)
{
	_Static_assert(SH_SLOT % 64 == 0, "each shared slot starts a cache line");
	const int32_t x = OFF(in.tlb_x);
	_Static_assert(offsetof(struct cpu_tlbx, wcode) == 0 && offsetof(struct cpu_tlbx, free_lo) == 4 &&
			       offsetof(struct cpu_tlbx, free_hi) == 6,
		       "one load reads wcode and the free run");
	/* RSI = wcode | free_lo << 32 | free_hi << 48 */
	em_load(e, 8, H_RSI, H_RCX, x);
	em_alu_rr(e, ALU_CMP, 4, H_RSI, H_RDI);
	long no1 = em_jcc8_fwd(e, 5 /* NE */, base);
	em_load(e, 8, H_RDI, H_RCX, OFF(in.tlb) + (int32_t)offsetof(struct cpu_tlbe, addend));
	/* ECX = the offset in the page; in [free_lo, free_hi - sz]? (the
	 * write straight after, the other checks out of its way) */
	if (em_room(e, 4))
		em_b(e, 0x48), em_b(e, 0xC1), em_b(e, 0xEE), em_b(e, 32); /* shr rsi, 32 */
	em_mov_rr(e, 4, H_RCX, H_RAX);
	em_alu_ri(e, ALU_AND, 4, H_RCX, CPU_PAGE_SIZE - 1);
	em_alu_rr(e, ALU_CMP, 2, H_RCX, H_RSI);
	long below = em_jcc8_fwd(e, 2 /* B */, base);
	em_shift_ri(e, true, H_RSI, 16);
	if (em_room(e, 3))
		em_b(e, 0x83), em_b(e, 0xC1), em_b(e, (uint8_t)sz); /* add ecx, sz */
	em_alu_rr(e, ALU_CMP, 4, H_RCX, H_RSI);
	long above = em_jcc8_fwd(e, 7 /* A */, base);
	const long data = e->p - base;
	em_alu_rr(e, ALU_ADD, 8, H_RDI, H_RAX);
	em_store(e, sz, H_RDX, H_RDI, 0);
	em_rm(e, 0xFF, 0xFF, 8, 0 /* INC */, H_RBX, OFF(in.code_page_data_writes));
	em_alu_rr(e, ALU_XOR, 4, H_RCX, H_RCX); /* (ZF: done) */
	em_ret(e);
	em_fix8(e, base, no1, e->p - base);
	const long no = e->p - base;
	em_mov_imm32(e, H_RDI, 0); /* (flags kept: ZF clear from the failed compare or test) */
	em_ret(e);
	em_fix8(e, base, above, e->p - base);
	if (em_room(e, 3))
		em_b(e, 0x83), em_b(e, 0xE9), em_b(e, (uint8_t)sz); /* sub ecx, sz */
	em_fix8(e, base, below, e->p - base);
	/* RSI = RBX + the TLB index * 16 again; its chunk's bit */
	em_mov_rr(e, 4, H_RSI, H_RAX);
	em_shift_ri(e, true, H_RSI, CPU_PAGE_SHIFT - 4);
	em_alu_ri(e, ALU_AND, 4, H_RSI, (CPU_TLB_SIZE - 1) << 4);
	em_alu_rr(e, ALU_ADD, 8, H_RSI, H_RBX);
	em_load(e, 8, H_RSI, H_RSI, x + (int32_t)offsetof(struct cpu_tlbx, chunks));
	em_shift_ri(e, true, H_RCX, 6);
	em_0f_rr(e, 8, 0xA3, H_RCX, H_RSI); /* bt rsi, rcx */
	em_fix8(e, base, em_jcc8_fwd(e, 3 /* AE: clear */, base), data);
	/* the bitmap, through the entry's page record (tlb_p) */
	em_mov_rr(e, 4, H_RSI, H_RAX);
	em_shift_ri(e, true, H_RSI, CPU_PAGE_SHIFT - 4);
	em_alu_ri(e, ALU_AND, 4, H_RSI, (CPU_TLB_SIZE - 1) << 4);
	em_alu_rr(e, ALU_ADD, 8, H_RSI, H_RBX);
	em_load(e, 8, H_RSI, H_RSI, OFF(in.tlb_p) + (int32_t)offsetof(struct cpu_tlbp, code));
	em_mov_rr(e, 4, H_RCX, H_RAX);
	em_shift_ri(e, true, H_RCX, 3);
	em_alu_ri(e, ALU_AND, 4, H_RCX, (CPU_PAGE_SIZE / 8) - 1);
	em_alu_rr(e, ALU_ADD, 8, H_RSI, H_RCX);
	em_loadzx(e, 2, H_RSI, H_RSI, (int32_t)offsetof(struct bc_page, bits));
	em_mov_rr(e, 4, H_RCX, H_RAX);
	em_alu_ri(e, ALU_AND, 4, H_RCX, 7);
	em_shift_cl(e, 4, 5 /* SHR */, H_RSI);
	em_test_r8_imm(e, H_RSI, (uint8_t)((1u << sz) - 1));
	em_fix(base, em_jcc_fwd(e, 4 /* E: no translated byte */, base), data);
	em_fix(base, em_jcc_fwd(e, -1, base), no); /* (ZF clear) */
}

/* SH_READ and SH_WCALL, the slow path's call (emit_slow_path() calls it
 * with the record in ESI, EAX the address: the offset with SR_LIM, else
 * the linear address; EDX the value of a write): the registers of the
 * record's dirty mask stored (R8-R15 hold guest registers, cached), R8-R11
 * kept on the stack across the call (the callee may change them; the
 * access never changes a guest register), then jit_slow_read() (EAX = the
 * value) or jit_slow_write(), which sets c->in.cur and insn_sp first so
 * that a fault there is precise. A write that dropped the running block
 * (SR_SMC) does not return: a PUSH's SP is moved (sp_sub) and stored, and
 * the code leaves for entry k + 1 with the block's frame, as emit_exits()'
 * X_NEXT does (bc_stop()). */
static void emit_pops(struct em *e);

static void emit_slow_call(struct em *e, uint8_t *base, bool write)
{
	for (unsigned r = 0; r < 8; r++) {
		if (em_room(e, 6)) {
			em_b(e, 0x0F), em_b(e, 0xBA), em_b(e, 0xE6); /* bt esi, imm8 */
			em_b(e, (uint8_t)(SR_DIRTY_SHIFT + r));
			em_b(e, 0x73), em_b(e, 4); /* jnc past the store */
		}
		uint8_t *p0 = e->p;
		em_store(e, 4, host(r), H_RBX, OFF(r) + (int32_t)r * 4);
		if (!e->over && e->p - p0 != 4)
			e->over = true; /* (the jnc's distance) */
	}
	for (unsigned r = 8; r < 12; r++)
		em_push(e, r);
	em_push(e, H_RSI); /* (the record; five pushes: aligned for the call) */
	/* the last argument: DIL (movzx r8d/ecx, dil) */
	em_raw(e, write ? (const uint8_t[]){ 0x44, 0x0F, 0xB6, 0xC7 } : (const uint8_t[]){ 0x40, 0x0F, 0xB6, 0xCF }, 4);
	em_cpu_arg(e);
	if (write)
		em_mov_rr(e, 4, H_RCX, H_RDX);
	em_mov_rr(e, 4, H_RDX, H_RSI);
	em_mov_rr(e, 4, H_RSI, H_RAX);
	em_mov_imm64(e, H_RAX, write ? addr_of((const void *)jit_slow_write) : addr_of((const void *)jit_slow_read));
	em_call_rax(e);
	em_pop(e, H_RSI);
	for (unsigned r = 12; r-- > 8;)
		em_pop(e, r);
	if (!write) {
		em_ret(e);
		return;
	}
	em_rr(e, 0x84, 0x85, 4, H_RAX, H_RAX); /* test eax, eax */
	long dropped = em_jcc_fwd(e, 5 /* NE */, base);
	em_ret(e);
	if (e->over)
		return;
	em_fix(base, dropped, e->p - base);
	/* ECX = sp_sub's size: SP (or ESP, bit 4) moved and stored */
	em_mov_rr(e, 4, H_RCX, H_RSI);
	em_shift_ri(e, true, H_RCX, SR_SPSUB_SHIFT);
	em_alu_ri(e, ALU_AND, 4, H_RCX, 15);
	long nosp = em_jcc_fwd(e, 4 /* E */, base);
	if (em_room(e, 6)) {
		em_b(e, 0xF7), em_b(e, 0xC6); /* test esi, imm32 */
		em_d(e, 16u << SR_SPSUB_SHIFT);
	}
	long esp = em_jcc_fwd(e, 5 /* NE */, base);
	em_alu_rr(e, ALU_SUB, 2, host(REG_SP), H_RCX);
	long st = em_jcc_fwd(e, -1, base);
	if (e->over)
		return;
	em_fix(base, esp, e->p - base);
	em_alu_rr(e, ALU_SUB, 4, host(REG_SP), H_RCX);
	em_fix(base, st, e->p - base);
	em_store(e, 4, host(REG_SP), H_RBX, OFF(r) + REG_SP * 4);
	em_fix(base, nosp, e->p - base);
	/* RSI = &ins[k + 1] of the running block (c->in.blk) */
	em_alu_ri(e, ALU_AND, 4, H_RSI, SR_K);
	em_shift_ri(e, false, H_RSI, 6);
	em_load(e, 8, H_RAX, H_RBX, OFF(in.blk));
	em_rm(e, 0x03, 0x03, 8, H_RSI, H_RAX, (int32_t)offsetof(struct bc_block, ins)); /* add rsi, [rax + ins] */
	em_lea(e, H_RSI, H_RSI, (int32_t)sizeof(struct insn));
	em_drop_ret(e);
	emit_pops(e);
	em_cpu_arg(e);
	em_pop(e, H_RBX);
	em_mov_imm64(e, H_RAX, addr_of((const void *)bc_stop));
	em_jmp_rax(e);
}

/* SH_GP, the #GP exit of entry k (X_GP, jumped to with the body's stack
 * and EAX = the entry's offset in the instructions, 64 k): c->in.cur set,
 * the registers stored, SP not moved yet (the instruction's start, as
 * cpu_fault() restores it). */
static void emit_gp_exit(struct em *e)
{
	em_load(e, 8, H_RCX, H_RBX, OFF(in.blk));
	em_rm(e, 0x03, 0x03, 8, H_RAX, H_RCX, (int32_t)offsetof(struct bc_block, ins)); /* add rax, [rcx + ins] */
	em_store(e, 8, H_RAX, H_RBX, OFF(in.cur));
	em_load(e, 4, H_RAX, H_RBX, OFF(r) + REG_SP * 4);
	em_store(e, 4, H_RAX, H_RBX, OFF(in.insn_sp));
	em_cpu_arg(e);
	em_mov_imm32(e, H_RSI, EXC_GP);
	em_mov_imm64(e, H_RAX, addr_of((const void *)cpu_fault));
	em_call_rax(e); /* (does not return) */
}

/* The shared code of a mapping (SH_*), after its link stub at base. */
static bool emit_shared(struct em *e, uint8_t *base)
{
	for (unsigned id = 0; id < SH_COUNT && !e->over; id++) {
		if (e->p - base > sh_at(id) || !em_room(e, (size_t)(sh_at(id) - (e->p - base)))) {
			e->over = true;
			break;
		}
		while (e->p - base < sh_at(id))
			em_b(e, 0xCC); /* int3 */
		switch (id) {
		case SH_READ:
			emit_slow_call(e, base, false);
			break;
		case SH_WCALL:
			emit_slow_call(e, base, true);
			break;
		case SH_CPW1:
		case SH_CPW2:
		case SH_CPW4:
			emit_code_page_write_helper(e, base, id == SH_CPW1 ? 1 : id == SH_CPW2 ? 2 : 4);
			break;
		case SH_CF:
			emit_cf_helper(e, base);
			break;
		case SH_OF:
			emit_of_helper(e, base);
			break;
		default:
			emit_gp_exit(e);
			break;
		}
		if (e->p - base > sh_at(id) + SH_SLOT)
			e->over = true;
	}
	return !e->over;
}

/* A write's TLB branch (at) to the code page write of its size first
 * (SH_CPW*; RCX made RBX + the TLB index * 16, as it expects): done, on
 * at resume (the end of the inline write); else on past this code, ZF
 * clear, with EAX and EDX as they were and EDI 0. */
static void emit_cpw_try(struct cg *g, long at, unsigned sz, long resume)
{
	struct em *e = &g->e;
	em_fix(g->base, at, e->p - g->base);
	em_alu_rr(e, ALU_ADD, 8, H_RCX, H_RBX); /* (SH_CPW*'s RCX: RBX + the TLB index * 16) */
	emit_shared_call(g, sz == 1 ? SH_CPW1 : sz == 2 ? SH_CPW2 : SH_CPW4);
	long done = em_jcc_fwd(e, 4 /* E: done */, g->base);
	if (!e->over)
		em_fix(g->base, done, resume);
}

/* One access's slow path (emit_access()), out of line: the limit check's
 * branch sets DIL = SL_LIM | the segment (after the TLB's, DIL is 0: EDI
 * holds a page there), ESI = the record, a call of the mapping's shared
 * slow path (SH_READ, SH_WCALL), which returns with the registers as they
 * were (a read's value in EAX) or leaves the block, and back to the fast
 * path's end: 18 bytes. A write's TLB miss first calls the code page
 * write of its size (SH_CPW*, as the block's own subroutine did before:
 * a write next to code costs no more than that; RCX made RBX + the TLB
 * index * 16 first, as SH_CPW* expect), 34 bytes. Without a limit check
 * (emit_tlb_addend(): a byte under BC_SEG64K) neither the MOV DIL nor the
 * short jump over it is there. */
static void emit_slow_path(struct cg *g, const struct slow *sl)
{
	struct em *e = &g->e;
	const uint32_t rec = sl->k | (uint32_t)sl->dirty << SR_DIRTY_SHIFT | (uint32_t)sl->sz << SR_SZ_SHIFT |
			     (uint32_t)sl->sp_sub << SR_SPSUB_SHIFT | (sl->smc ? SR_SMC : 0);
	long join = -1;
	if (sl->write) {
		emit_cpw_try(g, sl->at[1], sl->sz, sl->resume);
		if (sl->at[0] >= 0 && em_room(e, 2))
			em_b(e, 0xEB), em_b(e, 3); /* jmp short past the MOV DIL */
		join = e->p - g->base;
	}
	if (sl->at[0] >= 0) { /* (none where the limit check cannot fail) */
		em_fix(g->base, sl->at[0], e->p - g->base);
		em_raw(e, (const uint8_t[]){ 0x40, 0xB7, (uint8_t)(SL_LIM | sl->seg) }, 3); /* mov dil, imm8 */
	}
	if (!sl->write)
		em_fix(g->base, sl->at[1], e->p - g->base);
	else if (!e->over && sl->at[0] >= 0 && e->p - g->base != join + 3)
		e->over = true; /* (the short jump's distance) */
	em_mov_imm32(e, H_RSI, rec);
	emit_shared_call(g, sl->write ? SH_WCALL : SH_READ);
	long back = em_jcc_fwd(e, -1, g->base);
	if (!e->over)
		em_fix(g->base, back, sl->resume);
}

static void emit_fallback(struct cg *g, const struct fallback *fb);

/* Every slow path and fallback of the block, after its body. */
static void emit_slow_paths(struct cg *g)
{
	for (unsigned n = 0; n < g->nslow && !g->e.over; n++)
		emit_slow_path(g, &g->slow[n]);
	for (unsigned n = 0; n < g->nfb && !g->e.over; n++)
		emit_fallback(g, &g->fb[n]);
}

/* Start entry k's fallback (struct fallback), before its fast path
 * changes anything; NULL (and `over`) when the table is full. */
static struct fallback *fb_begin(struct cg *g, unsigned k, bool smc)
{
	if (g->nfb == sizeof(g->fb) / sizeof(g->fb[0])) {
		g->e.over = true;
		return NULL;
	}
	struct fallback *fb = &g->fb[g->nfb++];
	*fb = (struct fallback){ .k = k, .dirty = g->dirty, .smc = smc, .cpw_at = -1 };
	return fb;
}

/* A branch (condition cc) to the fallback, or a rel32 already emitted. */
static void fb_add(struct cg *g, struct fallback *fb, long at)
{
	if (at < 0 || fb->nat == sizeof(fb->at) / sizeof(fb->at[0]))
		g->e.over = true;
	else
		fb->at[fb->nat++] = at;
}

static void fb_branch(struct cg *g, struct fallback *fb, int cc)
{
	fb_add(g, fb, em_jcc_fwd(&g->e, cc, g->base));
}

/* An inline access whose slow path is the fallback. A write's TLB miss
 * (one per instruction) tries the code page write first, as
 * emit_slow_path() does (emit_fallback(), emit_cpw_try()): a write beside
 * the code of a page holding blocks (MOVS or STOS into a program's data
 * next to its code) goes on inline. */
static void fb_access(struct cg *g, struct fallback *fb, unsigned seg, unsigned sz, bool write)
{
	long at[2];
	emit_access_inline(g, &g->b->ins[fb->k], seg, sz, write, at);
	if (at[0] >= 0)
		fb_add(g, fb, at[0]);
	if (write && fb->cpw_at < 0)
		fb->cpw_at = at[1], fb->cpw_resume = g->e.p - g->base, fb->cpw_sz = sz;
	else
		fb_add(g, fb, at[1]);
}

/* The instruction's inline code ends here. */
static void fb_end(struct cg *g, struct fallback *fb)
{
	fb->resume = g->e.p - g->base;
	fb->cached = g->cached;
}

static void emit_handler(struct cg *g, unsigned k, uint32_t next);
static void emit_smc_check(struct cg *g, unsigned k);

static void emit_fallback(struct cg *g, const struct fallback *fb)
{
	struct em *e = &g->e;
	const struct insn *i = &g->b->ins[fb->k];
	if (fb->cpw_at >= 0)
		emit_cpw_try(g, fb->cpw_at, fb->cpw_sz, fb->cpw_resume); /* (else on into the handler's call) */
	for (unsigned n = 0; n < fb->nat; n++)
		em_fix(g->base, fb->at[n], e->p - g->base);
	em_rm(e, 0xFF, 0xFF, 8, 0 /* INC */, H_RBX, OFF(in.jit_fallbacks));
	emit_flush_mask(g, fb->dirty);
	emit_handler(g, fb->k, (i->ip + i->len) & g->code_mask);
	for (unsigned r = 0; r < 8; r++)
		if (fb->cached & (1u << r))
			em_load(e, 4, host(r), H_RBX, OFF(r) + (int32_t)r * 4);
	if (fb->smc)
		emit_smc_check(g, fb->k + 1u); /* (every register is in memory: stored before the call) */
	long back = em_jcc_fwd(e, -1, g->base);
	if (!e->over)
		em_fix(g->base, back, fb->resume);
}

/* SHL/SHR/SAR r, CL (shift_reg()): inline for a count of 1 to bits - 1
 * (the same code as emit_shift()'s, the host's shift by CL); a count of 0
 * (nothing changes, not even the flags) or of bits or more (the 8086 does
 * not mask CL; the results then depend on the model) goes to the
 * handler. OF: SHL MSB(r) ^ CF, SHR the operand's MSB for a count of 1,
 * else 0 (shift_op()), SAR 0. */
static void emit_shift_cl(struct cg *g, unsigned k, const struct iform *f)
{
	struct em *e = &g->e;
	const unsigned sz = f->sz, bits = sz * 8;
	struct fallback *fb = fb_begin(g, k, false);
	if (!fb)
		return;
	ensure(g, REG_CX);
	em_movzx(e, 1, H_RCX, host(REG_CX));
	em_alu_ri(e, ALU_CMP, 4, H_RCX, bits);
	fb_branch(g, fb, 3 /* AE */);
	em_rr(e, 0x84, 0x85, 4, H_RCX, H_RCX); /* test ecx, ecx */
	fb_branch(g, fb, 4 /* E */);
	const unsigned h = dst_begin(g, f->dst, sz);
	if (f->flags && f->aop == 5) {
		/* EDX = the operand's MSB */
		if (sz == 4)
			em_mov_rr(e, 4, H_RDX, h);
		else
			em_movzx(e, sz, H_RDX, h);
		em_shift_ri(e, true, H_RDX, (uint8_t)(bits - 1));
	}
	em_shift_cl(e, sz, f->aop == 6 ? 4 : f->aop, h);
	if (f->flags) {
		em_setcc(e, 2 /* B: CF */, H_RSI);
		em_movzx(e, 1, H_RSI, H_RSI);
		emit_lf_res(g, h, sz);
		if (f->aop == 4 || f->aop == 6) {
			em_load(e, 4, H_RDX, H_RBX, OFF(in.lf_res));
			em_shift_ri(e, true, H_RDX, 31);
			em_alu_rr(e, ALU_XOR, 4, H_RDX, H_RSI);
			em_shift_ri(e, false, H_RDX, 11);
			em_alu_rr(e, ALU_OR, 4, H_RSI, H_RDX);
		} else if (f->aop == 5) {
			em_alu_ri(e, ALU_CMP, 4, H_RCX, 1);
			long not1 = em_jcc_fwd(e, 5 /* NE */, g->base);
			em_shift_ri(e, false, H_RDX, 11);
			em_alu_rr(e, ALU_OR, 4, H_RSI, H_RDX);
			if (!e->over)
				em_fix(g->base, not1, e->p - g->base);
		}
		em_store(e, 4, H_RSI, H_RBX, OFF(in.lf_aux));
	}
	dst_end(g, f->dst, sz);
	fb_end(g, fb);
}

/* EAX = index register r (SI, DI) as an offset of address size asz. */
static void emit_index(struct cg *g, unsigned r, unsigned asz)
{
	ensure(g, r);
	if (asz == 2)
		em_movzx(&g->e, 2, H_RAX, host(r));
	else
		em_mov_rr(&g->e, 4, H_RAX, host(r));
}

/* MOVS, STOS, LODS without a repeat prefix (string_step()), when DF is
 * clear and every access takes the inline path; else the handler
 * (emit_fallback()), which also covers the 286's index checks
 * (idx_checked(): an access past offset FFFFh never takes the inline
 * path) and MOVS's order of index updates around a fault. */
static void emit_string(struct cg *g, unsigned k, const struct insn *i, const struct iform *f)
{
	struct em *e = &g->e;
	const unsigned sz = f->sz, asz = i->asz;
	struct fallback *fb = fb_begin(g, k, f->aop != 3);
	if (!fb)
		return;
	em_test_mem_imm8(e, H_RBX, OFF(in.flags) + 1, (uint8_t)(FLAG_DF >> 8));
	fb_branch(g, fb, 5 /* NE: DF set */);
	switch (f->aop) {
	case 0: /* MOVS */
		emit_index(g, REG_SI, asz);
		fb_access(g, fb, i->seg, sz, false);
		em_mov_rr(e, 4, H_RDX, H_RAX);
		emit_index(g, REG_DI, asz);
		fb_access(g, fb, SEG_ES, sz, true);
		break;
	case 2: /* STOS */
		src_reg(g, REG_AX, sz, H_RDX, true);
		emit_index(g, REG_DI, asz);
		fb_access(g, fb, SEG_ES, sz, true);
		break;
	default: /* LODS */
		emit_index(g, REG_SI, asz);
		fb_access(g, fb, i->seg, sz, false);
		if (sz == 4) {
			em_mov_rr(e, 4, dst_full(g, REG_AX), H_RAX);
		} else {
			const unsigned h = dst_begin(g, REG_AX, sz);
			em_mov_rr(e, sz, h, H_RAX);
			dst_end(g, REG_AX, sz);
		}
		break;
	}
	if (f->aop != 2) {
		em_alu_ri(e, ALU_ADD, asz, host(REG_SI), sz);
		g->dirty |= 1u << REG_SI;
	}
	if (f->aop != 3) {
		em_alu_ri(e, ALU_ADD, asz, host(REG_DI), sz);
		g->dirty |= 1u << REG_DI;
	}
	fb_end(g, fb);
}

/* EAX = SP - sub (f->s32: ESP - sub), the offset of a push's slot. */
static void emit_sp_below(struct cg *g, const struct iform *f, unsigned sub)
{
	struct em *e = &g->e;
	ensure(g, REG_SP);
	/* (one LEA, as emit_ea(): the low 16 bits of the difference do not
	 * depend on ESP's high half) */
	em_rm(e, 0x8D, 0x8D, 4, H_RAX, host(REG_SP), -(int32_t)sub);
	if (!f->s32)
		em_movzx(e, 2, H_RAX, H_RAX);
}

/* EAX = SP + add, as stack_peek() reads (sp_mask). */
static void emit_sp_above(struct cg *g, const struct iform *f, unsigned add)
{
	struct em *e = &g->e;
	ensure(g, REG_SP);
	if (!add) {
		if (f->s32)
			em_mov_rr(e, 4, H_RAX, host(REG_SP));
		else
			em_movzx(e, 2, H_RAX, host(REG_SP));
		return;
	}
	em_rm(e, 0x8D, 0x8D, 4, H_RAX, host(REG_SP), (int32_t)add); /* (as emit_sp_below()) */
	if (!f->s32)
		em_movzx(e, 2, H_RAX, H_RAX);
}

/* CS = the selector in EDX (16 bits) as seg_load() loads it in real
 * mode: the selector and the base (cache and seg_base), nothing else. */
static void emit_load_cs_real(struct cg *g)
{
	struct em *e = &g->e;
	em_store(e, 2, H_RDX, H_RBX, OFF(seg) + SEG_CS * 2);
	em_shift_ri(e, false, H_RDX, 4);
	em_store(e, 4, H_RDX, H_RBX, OFF(seg_base) + SEG_CS * 4);
	em_store(e, 4, H_RDX, H_RBX, OFF(in.sd[SEG_CS].base));
}

/* CALL FAR m16:16's pointer, read as far_pointer() (ops_control.c) reads
 * it: the offset at the effective address, then the selector 2 bytes on
 * (wrapping at 64 KiB with 16-bit addressing), then the offset checked
 * against the CS limit (far_call(): #GP, nothing written yet). Both are
 * held in c->ip, the offset in its low half and the selector in its high
 * half, where the pushes' slow paths (calls: every scratch host register
 * is lost) cannot touch them and a write over the pointer does not
 * change them; a fault takes c->ip from the instruction again
 * (sync_threaded()). */
static void emit_far_pointer(struct cg *g, unsigned k, const struct insn *i)
{
	struct em *e = &g->e;
	emit_ea(g, i);
	emit_access(g, k, i->seg, 2, false, false, 0);
	em_store(e, 4, H_RAX, H_RBX, OFF(ip));
	emit_ea(g, i);
	em_alu_ri(e, ALU_ADD, 4, H_RAX, 2);
	if (i->asz == 2)
		em_movzx(e, 2, H_RAX, H_RAX);
	emit_access(g, k, i->seg, 2, false, false, 0);
	em_store(e, 2, H_RAX, H_RBX, OFF(ip) + 2);
	em_loadzx(e, 2, H_RCX, H_RBX, OFF(ip));
	em_rm(e, 0x3B, 0x3B, 4, H_RCX, H_RBX, OFF(in.sd[SEG_CS].limit));
	to_exit(g, 7 /* A: target > limit */, X_GP, k);
}

/* Far CALL ptr16:16/32, CALL FAR m16:16 (op_callf_rm(): its pointer
 * read first, emit_far_pointer()) and RETF [imm16] in real mode (the
 * block's context says so: BC_PE and BC_V86 clear; classify() is told in
 * jit_emit_block()), as far_call() and far_return() do them there, in
 * the same order: CALL checks the offset against the CS limit (#GP),
 * writes CS then IP below SP and moves SP after both writes (so a fault
 * in either leaves SP as it was, as cpu_fault() restores it), loads CS;
 * RETF reads IP then CS, checks IP against the limit, moves SP, loads
 * CS. Then bc_link(), as the handler's block would (TERM_LINK): a real
 * mode CS load changes neither the block context nor the events. The
 * stack writes are the block's last instruction: a write over this
 * block needs no check (it ends here). */
static void emit_far(struct cg *g, unsigned k, const struct insn *i, const struct iform *f)
{
	struct em *e = &g->e;
	const unsigned sz = f->sz;
	emit_flush(g);
	if (f->aop != 1) {
		const uint32_t next = (i->ip + i->len) & g->code_mask;
		if (f->aop == 0) {
			em_cmp_mem_imm(e, H_RBX, OFF(in.sd[SEG_CS].limit), i->imm);
			to_exit(g, 2 /* B: limit < target */, X_GP, k);
		} else {
			emit_far_pointer(g, k, i);
		}
		em_loadzx(e, 2, H_RDX, H_RBX, OFF(seg) + SEG_CS * 2);
		emit_sp_below(g, f, sz);
		emit_access(g, k, SEG_SS, sz, true, false, 0);
		em_mov_ri(e, 4, H_RDX, next);
		emit_sp_below(g, f, 2 * sz);
		emit_access(g, k, SEG_SS, sz, true, false, 0);
		em_alu_ri(e, ALU_SUB, f->s32 ? 4 : 2, host(REG_SP), 2 * sz);
		em_store(e, 4, host(REG_SP), H_RBX, OFF(r) + REG_SP * 4);
		if (f->aop == 0) {
			em_mov_ri(e, 4, H_RDX, (uint16_t)i->imm2);
			emit_load_cs_real(g);
			em_store_imm(e, 4, H_RBX, OFF(ip), i->imm);
		} else {
			em_loadzx(e, 2, H_RDX, H_RBX, OFF(ip) + 2);
			em_store_imm(e, 2, H_RBX, OFF(ip) + 2, 0);
			emit_load_cs_real(g);
		}
	} else {
		/* (c->ip holds the new IP until the check: a fault takes it
		 * from the instruction again, sync_threaded()) */
		emit_sp_above(g, f, 0);
		emit_access(g, k, SEG_SS, sz, false, false, 0);
		em_store(e, 4, H_RAX, H_RBX, OFF(ip));
		emit_sp_above(g, f, sz);
		emit_access(g, k, SEG_SS, sz, false, false, 0);
		em_movzx(e, 2, H_RDX, H_RAX);
		em_load(e, 4, H_RCX, H_RBX, OFF(ip));
		em_rm(e, 0x3B, 0x3B, 4, H_RCX, H_RBX, OFF(in.sd[SEG_CS].limit));
		to_exit(g, 7 /* A: target > limit */, X_GP, k);
		em_alu_ri(e, ALU_ADD, f->s32 ? 4 : 2, host(REG_SP), 2 * sz + i->imm);
		em_store(e, 4, host(REG_SP), H_RBX, OFF(r) + REG_SP * 4);
		emit_load_cs_real(g);
	}
	to_link(g, -1, k);
}

/* Segment register s = the selector in EDX (16 bits) as seg_load()
 * loads it in real mode (EDX is lost). */
static void emit_load_seg_real(struct cg *g, unsigned s)
{
	struct em *e = &g->e;
	em_store(e, 2, H_RDX, H_RBX, OFF(seg) + (int32_t)s * 2);
	em_shift_ri(e, false, H_RDX, 4);
	em_store(e, 4, H_RDX, H_RBX, OFF(seg_base) + (int32_t)s * 4);
	em_store(e, 4, H_RDX, H_RBX, OFF(in.sd) + (int32_t)(s * sizeof(struct cpu_desc) + offsetof(struct cpu_desc, base)));
}

/* LES/LDS/LFS/LGS, POP ES/DS/FS/GS and MOV ES/DS, r/m in real mode (the
 * block's context: jit_emit_block()), as op_lxs(), op_pop_seg() and
 * op_mov_sreg_rm() do them there, reads in the same order, every read
 * before the first change (c->ip holds LxS's offset between its two
 * reads: a fault takes c->ip from the instruction again,
 * sync_threaded()); the load is seg_load()'s. These end their block
 * (F_LINKS): bc_link() follows, as after the handler (a real-mode load
 * of these changes neither the block context nor the events). */
static void emit_seg(struct cg *g, unsigned k, const struct insn *i, const struct iform *f)
{
	struct em *e = &g->e;
	const unsigned sz = f->sz;
	const uint32_t next = (i->ip + i->len) & g->code_mask;
	switch (f->aop) {
	case 0: /* offset (operand size), then the selector after it */
		emit_ea(g, i);
		emit_access(g, k, i->seg, sz, false, false, 0);
		em_store(e, 4, H_RAX, H_RBX, OFF(ip));
		emit_ea(g, i);
		em_alu_ri(e, ALU_ADD, 4, H_RAX, sz);
		if (i->asz == 2)
			em_movzx(e, 2, H_RAX, H_RAX);
		emit_access(g, k, i->seg, 2, false, false, 0);
		em_mov_rr(e, 4, H_RDX, H_RAX);
		emit_load_seg_real(g, f->src);
		em_load(e, 4, H_RAX, H_RBX, OFF(ip));
		if (sz == 4) {
			em_mov_rr(e, 4, dst_full(g, i->reg), H_RAX);
		} else {
			const unsigned h = dst_begin(g, i->reg, 2);
			em_mov_rr(e, 2, h, H_RAX);
			dst_end(g, i->reg, 2);
		}
		break;
	case 1: /* stack_peek(0), then SP moves */
		ensure(g, REG_SP);
		if (g->b->tag >> 32 & BC_STACK32)
			em_mov_rr(e, 4, H_RAX, host(REG_SP));
		else
			em_movzx(e, 2, H_RAX, host(REG_SP));
		emit_access(g, k, SEG_SS, sz, false, false, 0);
		em_movzx(e, 2, H_RDX, H_RAX);
		emit_load_seg_real(g, f->src);
		em_alu_ri(e, ALU_ADD, (g->b->tag >> 32 & BC_STACK32) ? 4 : 2, host(REG_SP), sz);
		g->dirty |= 1u << REG_SP;
		break;
	default: /* rm_read(c, i, 2) */
		if (i->mod == 3) {
			em_movzx(e, 2, H_RDX, src_reg(g, i->rm, 2, H_RDX, false));
		} else {
			emit_ea(g, i);
			emit_access(g, k, i->seg, 2, false, false, 0);
			em_mov_rr(e, 4, H_RDX, H_RAX);
		}
		emit_load_seg_real(g, f->src);
		break;
	}
	emit_flush(g);
	em_store_imm(e, 4, H_RBX, OFF(ip), next);
	to_link(g, -1, k);
}

/* JMP r/m and CALL r/m near (op_jmp_rm(), op_call_rm()): the target
 * read (held in c->ip: a fault takes c->ip from the instruction again,
 * sync_threaded()), CALL's push written, then the CS limit check
 * (jump_to(): #GP, SP not moved yet), SP moved. As after the handler
 * (TERM_IF_JUMP), a target other than the next instruction leaves for
 * bc_link(); the next one goes on in the block, after CALL's push
 * checked for a write over it (emit_smc_check()). */
static void emit_jmp_rm(struct cg *g, unsigned k, const struct insn *i, const struct iform *f)
{
	struct em *e = &g->e;
	const unsigned sz = f->sz;
	const uint32_t next = (i->ip + i->len) & g->code_mask;
	if (i->mod == 3) {
		const unsigned h = src_reg(g, i->rm, sz, H_RAX, false);
		if (sz == 2)
			em_movzx(e, 2, H_RAX, h);
		else
			em_mov_rr(e, 4, H_RAX, h);
	} else {
		emit_ea(g, i);
		emit_access(g, k, i->seg, sz, false, false, 0);
	}
	em_store(e, 4, H_RAX, H_RBX, OFF(ip));
	if (f->aop == 1) {
		em_mov_ri(e, 4, H_RDX, next);
		emit_sp_below(g, f, sz);
		emit_access(g, k, SEG_SS, sz, true, false, 0);
	}
	emit_flush(g);
	em_load(e, 4, H_RCX, H_RBX, OFF(ip));
	em_rm(e, 0x3B, 0x3B, 4, H_RCX, H_RBX, OFF(in.sd[SEG_CS].limit));
	to_exit(g, 7 /* A: target > limit */, X_GP, k);
	if (f->aop == 1) {
		em_alu_ri(e, ALU_SUB, f->s32 ? 4 : 2, host(REG_SP), sz);
		em_store(e, 4, host(REG_SP), H_RBX, OFF(r) + REG_SP * 4);
	}
	em_alu_ri(e, ALU_CMP, 4, H_RCX, next);
	long cont = em_jcc_fwd(e, 4 /* E: the next instruction */, g->base);
	to_link(g, -1, k);
	if (e->over)
		return;
	em_fix(g->base, cont, e->p - g->base);
	if (f->aop == 1)
		emit_smc_check(g, k + 1);
}

/* CBW/CWDE and CWD/CDQ (op_cbw(), op_cwd()) on the cached registers. */
static void emit_cbw(struct cg *g, const struct iform *f)
{
	struct em *e = &g->e;
	ensure(g, REG_AX);
	if (f->aop == 0) {
		if (f->sz == 4) {
			em_movsx(e, 2, H_RAX, host(REG_AX));
			em_mov_rr(e, 4, dst_full(g, REG_AX), H_RAX);
		} else {
			em_movsx(e, 1, H_RAX, host(REG_AX));
			const unsigned h = dst_begin(g, REG_AX, 2);
			em_mov_rr(e, 2, h, H_RAX);
			dst_end(g, REG_AX, 2);
		}
		return;
	}
	if (f->sz == 4) {
		em_mov_rr(e, 4, H_RAX, host(REG_AX));
		em_shift_sz(e, 4, 7 /* SAR */, H_RAX, 31);
		em_mov_rr(e, 4, dst_full(g, REG_DX), H_RAX);
	} else {
		em_movsx(e, 2, H_RAX, host(REG_AX));
		em_shift_sz(e, 4, 7 /* SAR */, H_RAX, 31);
		const unsigned h = dst_begin(g, REG_DX, 2);
		em_mov_rr(e, 2, h, H_RAX);
		dst_end(g, REG_DX, 2);
	}
}

/* XCHG eAX, r (op_xchg_acc_reg()): no flags, no access. */
static void emit_xchg(struct cg *g, const struct iform *f)
{
	struct em *e = &g->e;
	if (f->src == REG_AX)
		return;
	ensure(g, REG_AX);
	ensure(g, f->src);
	em_mov_rr(e, 4, H_RAX, host(REG_AX));
	em_mov_rr(e, f->sz, host(REG_AX), host(f->src));
	em_mov_rr(e, f->sz, host(f->src), H_RAX);
	g->dirty |= (uint8_t)(1u << REG_AX | 1u << f->src);
}

/* NOT r (op_not(): no flags) and NEG r (op_neg(): flags_sub(0, a, -a),
 * so lf_b is the operand, zero-extended). */
static void emit_unary(struct cg *g, const struct iform *f)
{
	struct em *e = &g->e;
	const unsigned sz = f->sz;
	const unsigned h = dst_begin(g, f->dst, sz);
	if (f->aop == 1 && f->flags) {
		if (sz == 4)
			em_mov_rr(e, 4, H_RCX, h);
		else
			em_movzx(e, sz, H_RCX, h);
		em_store(e, 4, H_RCX, H_RBX, OFF(in.lf_b));
	}
	em_alu_ri(e, ALU_XOR, sz, h, size_mask(sz));
	if (f->aop == 1) {
		em_alu_ri(e, ALU_ADD, sz, h, 1); /* (-a = ~a + 1) */
		if (f->flags) {
			emit_lf_res(g, h, sz);
			em_store_imm(e, 4, H_RBX, OFF(in.lf_aux), (uint32_t)LF_SUB << 16 | (sz * 8) << 24);
		}
	}
	dst_end(g, f->dst, sz);
}

/* MOV r/m, sreg (op_mov_rm_sreg()): the selector into a register (a
 * 32-bit one zero-extended) or a word of memory. */
static void emit_movsr(struct cg *g, unsigned k, const struct insn *i, const struct iform *f)
{
	struct em *e = &g->e;
	const int32_t sel = OFF(seg) + (int32_t)f->src * 2;
	if (i->mod != 3) {
		em_loadzx(e, 2, H_RDX, H_RBX, sel);
		emit_ea(g, i);
		emit_access(g, k, i->seg, 2, true, true, 0);
	} else if (f->sz == 4) {
		em_loadzx(e, 2, dst_full(g, f->dst), H_RBX, sel);
	} else {
		em_loadzx(e, 2, H_RAX, H_RBX, sel);
		const unsigned h = dst_begin(g, f->dst, 2);
		em_mov_rr(e, 2, h, H_RAX);
		dst_end(g, f->dst, 2);
	}
}

/* The host's flags of INC/DEC m for the Jcc fused with it, after its
 * write (whose checks change them): the operand again from the result in
 * lf_res (sign-extended: emit_lf_res()) and the host's own INC/DEC of it
 * at the operand size, which sets SF ZF OF AF PF as the guest's did
 * (host_flags_ok() leaves out the conditions on CF, which INC/DEC keep). */
static void emit_incdec_m_flags(struct cg *g, const struct iform *f)
{
	struct em *e = &g->e;
	em_load(e, 4, H_RAX, H_RBX, OFF(in.lf_res));
	em_lea(e, H_RAX, H_RAX, f->dec ? 1 : -1);
	em_incdec(e, f->sz, f->dec, H_RAX);
}

/* dst (host) = the low sz bytes of src extended to an operand's width
 * for the host's multiply or divide (emit_mul(), emit_div()): 32 bits for
 * bytes and words; dwords to 64 bits when signed, 32 (zero-extending the
 * 64-bit register) when not. */
static void emit_widen(struct em *e, bool sign, unsigned sz, unsigned dst, unsigned src)
{
	if (sz < 4)
		em_movx(e, sign, sz, dst, src);
	else if (sign)
		em_movsxd(e, dst, src);
	else
		em_mov_rr(e, 4, dst, src);
}

/* MUL and IMUL r/m (F6/F7 /4 /5: op_mul(), op_imul()) without a REP
 * prefix (with one the 8086 negates the product: the handler's). The
 * source (a register, or the inline read, which may fault before
 * anything changed), then the product of both operands extended (signed
 * for IMUL) in RAX, exact in 32 bits for bytes and words and in 64 for
 * dwords; AX, or DX:AX, or EDX:EAX from it; and the lazy flags as
 * mul_flags() leaves them: lf_res the low half sign-extended, lf_aux
 * CF | OF when the high half is significant (the product is not its low
 * half extended) and 0 otherwise, lf_b as it was. The same on every
 * model (ops_muldiv.c). */
static void emit_mul(struct cg *g, unsigned k, const struct insn *i, const struct iform *f)
{
	struct em *e = &g->e;
	const unsigned sz = f->sz, w = sz == 4 ? 8 : 4;
	const bool sign = f->aop != 0;
	if (i->mod != 3) {
		emit_ea(g, i);
		emit_access(g, k, i->seg, sz, false, false, 0);
		em_mov_rr(e, 4, H_RCX, H_RAX);
	} else {
		src_reg(g, i->rm, sz, H_RCX, true);
	}
	ensure(g, REG_AX);
	em_mov_rr(e, 4, H_RAX, host(REG_AX));
	emit_widen(e, sign, sz, H_RAX, H_RAX);
	emit_widen(e, sign, sz, H_RCX, H_RCX);
	em_0f_rr(e, w, 0xAF, H_RAX, H_RCX); /* imul rax, rcx (the low 64 bits: exact) */
	em_mov_rr(e, 4, H_RDX, H_RAX);
	emit_widen(e, sign, sz, H_RDX, H_RDX);
	em_alu_rr(e, ALU_SUB, w, H_RDX, H_RAX); /* 0: the low half is the product */
	em_neg64(e, H_RDX);                     /* CF: it is not */
	em_alu_rr(e, ALU_SBB, 4, H_RDX, H_RDX);
	em_alu_ri(e, ALU_AND, 4, H_RDX, FLAG_CF | FLAG_OF);
	em_store(e, 4, H_RDX, H_RBX, OFF(in.lf_aux));
	if (sz < 4) {
		em_movsx(e, sz, H_RDX, H_RAX);
		em_store(e, 4, H_RDX, H_RBX, OFF(in.lf_res));
		const unsigned h = dst_begin(g, REG_AX, 2);
		em_mov_rr(e, 2, h, H_RAX); /* (bytes: AH:AL, the whole product) */
		dst_end(g, REG_AX, 2);
		if (sz == 2) {
			em_shift_ri(e, true, H_RAX, 16);
			const unsigned d = dst_begin(g, REG_DX, 2);
			em_mov_rr(e, 2, d, H_RAX);
			dst_end(g, REG_DX, 2);
		}
	} else {
		em_store(e, 4, H_RAX, H_RBX, OFF(in.lf_res));
		em_mov_rr(e, 4, dst_full(g, REG_AX), H_RAX);
		em_shr64(e, H_RAX, 32);
		em_mov_rr(e, 4, dst_full(g, REG_DX), H_RAX);
	}
}

/* DIV and IDIV r/m8, r/m16 (F6/F7 /6 /7: op_div(), op_idiv()) without
 * a REP prefix (with one the 8086 negates IDIV's quotient: the
 * handler's), when the quotient fits: the source (a register, or the
 * inline read), checked for 0; the dividend AX or DX:AX extended (signed
 * for IDIV) and the host's DIV (32 bits) or IDIV (64 bits, so that
 * 80000000h / -1 cannot trap either) by the extended source; the
 * quotient checked against the operand size; then AL, AH or AX, DX =
 * quotient, remainder. Flags unchanged, as the handler leaves them. A
 * divisor of 0, a quotient out of range and IDIV's most negative
 * quotient (80h, 8000h: the 8086 and 186 raise #DE, the 286+ accept it,
 * ops_muldiv.c) go to the handler (emit_fallback()) before anything
 * changed, and it raises #DE as the model does; so does a read the
 * inline path does not take. Dwords: the handler (a 64-bit dividend). */
/* DIV and IDIV r/m32: the dividend EDX:EAX in RAX, one 64-bit host
 * divide by the divisor in RCX (not 0), which cannot trap: DIV's RDX is 0,
 * below any divisor; IDIV's only trapping case, -2^63 / -1, is left to the
 * handler with every divisor of -1. The quotient must fit 32 bits
 * (signed: -2^31 .. 2^31 - 1, the 80386's range; Intel SDM Vol. 2 "DIV",
 * "IDIV"), else the handler raises #DE before anything is written. */
static void emit_div32(struct cg *g, struct fallback *fb, bool sign)
{
	struct em *e = &g->e;
	ensure(g, REG_AX);
	ensure(g, REG_DX);
	em_mov_rr(e, 4, H_RAX, host(REG_DX));
	em_shl64(e, H_RAX, 32);
	em_mov_rr(e, 4, H_RDX, host(REG_AX));
	em_alu_rr(e, ALU_OR, 8, H_RAX, H_RDX);
	if (sign) {
		em_alu_ri8(e, ALU_CMP, 8, H_RCX, -1);
		fb_branch(g, fb, 4 /* E: a divisor of -1 */);
		em_cqo(e);
		em_div(e, 8, true, H_RCX);
		em_movsxd(e, H_RCX, H_RAX);
		em_alu_rr(e, ALU_CMP, 8, H_RCX, H_RAX);
	} else {
		em_alu_rr(e, ALU_XOR, 4, H_RDX, H_RDX);
		em_div(e, 8, false, H_RCX);
		em_mov_rr(e, 8, H_RCX, H_RAX);
		em_shr64(e, H_RCX, 32);
	}
	fb_branch(g, fb, 5 /* NE: #DE */);
	em_mov_rr(e, 4, dst_full(g, REG_AX), H_RAX);
	em_mov_rr(e, 4, dst_full(g, REG_DX), H_RDX);
	fb_end(g, fb);
}

static void emit_div(struct cg *g, unsigned k, const struct insn *i, const struct iform *f)
{
	struct em *e = &g->e;
	const unsigned sz = f->sz;
	const bool sign = f->aop != 0;
	struct fallback *fb = fb_begin(g, k, false);
	if (!fb)
		return;
	if (i->mod != 3) {
		emit_ea(g, i);
		fb_access(g, fb, i->seg, sz, false);
		emit_widen(e, sign, sz, H_RCX, H_RAX); /* RCX = the divisor */
	} else {
		emit_widen(e, sign, sz, H_RCX, src_reg(g, i->rm, sz, H_RCX, false));
	}
	em_rr(e, 0x84, 0x85, 4, H_RCX, H_RCX); /* test ecx, ecx */
	fb_branch(g, fb, 4 /* E: #DE */);
	if (sz == 4) {
		emit_div32(g, fb, sign);
		return;
	}
	ensure(g, REG_AX);
	if (sz == 1) {
		em_movx(e, sign, 2, H_RAX, host(REG_AX));
	} else {
		ensure(g, REG_DX);
		em_movzx(e, 2, H_RAX, host(REG_DX));
		em_shift_ri(e, false, H_RAX, 16);
		em_movzx(e, 2, H_RDX, host(REG_AX));
		em_alu_rr(e, ALU_OR, 4, H_RAX, H_RDX);
	}
	const uint32_t max = sz == 1 ? 0x7Fu : 0x7FFFu;
	if (sign) {
		em_movsxd(e, H_RAX, H_RAX);
		em_movsxd(e, H_RCX, H_RCX);
		em_cqo(e);
		em_div(e, 8, true, H_RCX);
		em_lea(e, H_RCX, H_RAX, (int32_t)max); /* -max..max -> 0..2 * max */
		em_alu_ri(e, ALU_CMP, 4, H_RCX, 2 * max);
	} else {
		em_alu_rr(e, ALU_XOR, 4, H_RDX, H_RDX);
		em_div(e, 4, false, H_RCX);
		em_alu_ri(e, ALU_CMP, 4, H_RAX, 2 * max + 1);
	}
	fb_branch(g, fb, 7 /* A: #DE, or the most negative quotient */);
	if (sz == 1) {
		em_movzx(e, 1, H_RAX, H_RAX);
		em_shift_ri(e, false, H_RDX, 8);
		em_alu_rr(e, ALU_OR, 4, H_RAX, H_RDX);
	}
	const unsigned h = dst_begin(g, REG_AX, 2);
	em_mov_rr(e, 2, h, H_RAX);
	dst_end(g, REG_AX, 2);
	if (sz == 2) {
		const unsigned d = dst_begin(g, REG_DX, 2);
		em_mov_rr(e, 2, d, H_RDX);
		dst_end(g, REG_DX, 2);
	}
	fb_end(g, fb);
}

static void emit_mem(struct cg *g, unsigned k, const struct insn *i, const struct iform *f)
{
	struct em *e = &g->e;
	const unsigned sz = f->sz;
	switch (f->k) {
	case IK_LOAD:
		emit_ea(g, i);
		emit_access(g, k, i->seg, sz, false, false, 0);
		if (sz == 4) {
			em_mov_rr(e, 4, dst_full(g, f->dst), H_RAX);
		} else {
			const unsigned h = dst_begin(g, f->dst, sz);
			em_mov_rr(e, sz, h, H_RAX);
			dst_end(g, f->dst, sz);
		}
		break;
	case IK_STORE:
		src_reg(g, f->src, sz, H_RDX, true);
		emit_ea(g, i);
		emit_access(g, k, i->seg, sz, true, true, 0);
		break;
	case IK_ALU_RM:
		emit_ea(g, i);
		emit_access(g, k, i->seg, sz, false, false, 0);
		if (f->aop == ALU_ADC || f->aop == ALU_SBB) {
			em_mov_rr(e, 4, H_RDX, H_RAX);
			emit_adc(g, f);
			break;
		}
		em_mov_rr(e, 4, H_RCX, H_RAX);
		emit_alu(g, f);
		break;
	case IK_ALU_M: {
		const unsigned aop = f->aop == ALU_CMP ? ALU_SUB : f->aop;
		emit_ea(g, i);
		emit_access(g, k, i->seg, sz, false, false, 0);
		if (aop == ALU_ADC || aop == ALU_SBB) {
			em_mov_rr(e, 4, H_RDX, H_RAX);
			emit_adc(g, f);
			emit_ea(g, i);
			emit_access(g, k, i->seg, sz, true, true, 0);
			break;
		}
		unsigned s = 0;
		if (!f->imm)
			s = src_reg(g, f->src, sz, H_RCX, true);
		if (f->imm)
			em_alu_ri(e, aop, sz, H_RAX, f->val);
		else
			em_alu_rr(e, aop, sz, H_RAX, s);
		if (f->flags) {
			em_mov_rr(e, 4, H_RDX, H_RAX);
			emit_lf_res(g, H_RDX, sz);
			if (aop == ALU_ADD || aop == ALU_SUB) {
				if (f->imm) {
					em_store_imm(e, 4, H_RBX, OFF(in.lf_b), f->val);
				} else {
					if (sz < 4)
						em_movzx(e, sz, H_RCX, H_RCX);
					em_store(e, 4, H_RCX, H_RBX, OFF(in.lf_b));
				}
				em_store_imm(e, 4, H_RBX, OFF(in.lf_aux),
					     (uint32_t)(aop == ALU_ADD ? LF_ADD : LF_SUB) << 16 | (sz * 8) << 24);
			} else {
				em_store_imm(e, 4, H_RBX, OFF(in.lf_aux), 0);
			}
		}
		if (f->aop != ALU_CMP && !f->test) {
			em_mov_rr(e, 4, H_RDX, H_RAX);
			emit_ea(g, i);
			emit_access(g, k, i->seg, sz, true, true, 0);
		}
		break;
	}
	case IK_PUSHX:
	case IK_PUSH: {
		/* push_s(): write below SP, then move SP (op_push_seg(),
		 * op_push_imm(), op_push_rm(): the value first, a memory
		 * operand's read may fault) */
		if (f->k == IK_PUSH) {
			src_reg(g, f->src, sz, H_RDX, true);
		} else if (f->aop == 0) {
			em_loadzx(e, 2, H_RDX, H_RBX, OFF(seg) + (int32_t)f->src * 2);
		} else if (f->aop == 1) {
			em_mov_ri(e, 4, H_RDX, f->val);
		} else {
			emit_ea(g, i);
			emit_access(g, k, i->seg, sz, false, false, 0);
			em_mov_rr(e, 4, H_RDX, H_RAX);
		}
		emit_sp_below(g, f, sz);
		emit_access(g, k, SEG_SS, sz, true, true, (f->s32 ? 16u : 0u) | sz);
		em_alu_ri(e, ALU_SUB, f->s32 ? 4 : 2, host(REG_SP), sz);
		g->dirty |= 1u << REG_SP;
		break;
	}
	case IK_POP:
		ensure(g, REG_SP);
		if (f->s32)
			em_mov_rr(e, 4, H_RAX, host(REG_SP));
		else
			em_movzx(e, 2, H_RAX, host(REG_SP));
		emit_access(g, k, SEG_SS, sz, false, false, 0);
		em_alu_ri(e, ALU_ADD, f->s32 ? 4 : 2, host(REG_SP), sz);
		g->dirty |= 1u << REG_SP;
		if (sz == 4) {
			em_mov_rr(e, 4, dst_full(g, f->dst), H_RAX);
		} else {
			const unsigned h = dst_begin(g, f->dst, 2);
			em_mov_rr(e, 2, h, H_RAX);
			dst_end(g, f->dst, 2);
		}
		break;
	case IK_INCDEC_M: {
		/* op_inc_rm(): read, the flags (CF kept), write */
		emit_ea(g, i);
		emit_access(g, k, i->seg, sz, false, false, 0);
		em_mov_rr(e, 4, H_RDX, H_RAX);
		emit_cf(g);
		em_alu_ri(e, ALU_OR, 4, H_RAX, (uint32_t)(f->dec ? LF_DEC : LF_INC) << 16 | (sz * 8) << 24);
		em_store(e, 4, H_RAX, H_RBX, OFF(in.lf_aux));
		em_incdec(e, sz, f->dec, H_RDX);
		emit_lf_res(g, H_RDX, sz);
		em_store_imm(e, 4, H_RBX, OFF(in.lf_b), 1);
		emit_ea(g, i);
		emit_access(g, k, i->seg, sz, true, true, 0);
		if (g->fused[k])
			emit_incdec_m_flags(g, f);
		break;
	}
	case IK_CALLREL: {
		/* call_rel*_t: the target checked first, then the push, then
		 * bc_link() (a write over this block changes nothing: it ends
		 * here anyway) */
		const uint32_t m = sz == 2 ? 0xFFFF : 0xFFFFFFFFu;
		const uint32_t next = (i->ip + i->len) & m, target = (next + i->imm) & m;
		emit_flush(g);
		em_cmp_mem_imm(e, H_RBX, OFF(in.sd[SEG_CS].limit), target);
		to_exit(g, 2 /* B: limit < target */, X_GP, k);
		em_mov_ri(e, 4, H_RDX, next);
		emit_sp_below(g, f, sz);
		emit_access(g, k, SEG_SS, sz, true, false, 0);
		em_alu_ri(e, ALU_SUB, f->s32 ? 4 : 2, host(REG_SP), sz);
		em_store(e, 4, host(REG_SP), H_RBX, OFF(r) + REG_SP * 4);
		em_store_imm(e, 4, H_RBX, OFF(ip), target);
		to_link(g, -1, k);
		break;
	}
	case IK_FAR:
		emit_far(g, k, i, f);
		break;
	case IK_SEG:
		emit_seg(g, k, i, f);
		break;
	case IK_MOVMI:
		emit_ea(g, i);
		em_mov_ri(e, 4, H_RDX, f->val);
		emit_access(g, k, i->seg, sz, true, true, 0);
		break;
	case IK_RET:
		/* ret*_t: read the target, check it, then move SP */
		emit_flush(g);
		ensure(g, REG_SP);
		if (f->s32)
			em_mov_rr(e, 4, H_RAX, host(REG_SP));
		else
			em_movzx(e, 2, H_RAX, host(REG_SP));
		emit_access(g, k, SEG_SS, sz, false, false, 0);
		em_rm(e, 0x3B, 0x3B, 4, H_RAX, H_RBX, OFF(in.sd[SEG_CS].limit));
		to_exit(g, 7 /* A: target > limit */, X_GP, k);
		em_store(e, 4, H_RAX, H_RBX, OFF(ip));
		em_alu_ri(e, ALU_ADD, f->s32 ? 4 : 2, host(REG_SP), sz + i->imm);
		em_store(e, 4, host(REG_SP), H_RBX, OFF(r) + REG_SP * 4);
		to_link(g, -1, k);
		break;
	default:
		break;
	}
}

/* Whether the Jcc at entry k goes on inside its block when taken
 * (block_cache.c jcc_inside(): the entry after it, or the end entry, is
 * at its target, not after it): it then leaves when not taken, for the
 * instruction after it. */
static bool jcc_goes_on(const struct cg *g, unsigned k)
{
	const struct insn *i = &g->b->ins[k];
	const uint32_t target = (i->ip + i->len + i->imm) & ip_mask(i);
	return g->b->ins[k + 1].ip == target && target != ((i->ip + i->len) & g->code_mask);
}

/* Leave from the Jcc at entry k, i, when its condition is cc (the host's
 * E or NE after jit_cond(), or the condition of its fused flags): for
 * its target, or, for a Jcc that goes on inside its block when taken
 * (jcc_goes_on()), when not cc for the instruction after it (no limit
 * check: falling through, as at a block's end). */
static void emit_jcc_leave(struct cg *g, unsigned k, const struct insn *i, bool nolimit, int cc)
{
	const bool on = jcc_goes_on(g, k);
	long skip = em_jcc_fwd(&g->e, on ? cc : cc ^ 1, g->base);
	if (on)
		emit_leave_jump(g, k, (i->ip + i->len) & g->code_mask, false);
	else
		emit_leave_jump(g, k, (i->ip + i->len + i->imm) & ip_mask(i), !(nolimit && i->wsz == 2));
	if (!g->e.over)
		em_fix(g->base, skip, g->e.p - g->base);
}

/* A Jcc at entry k on the lazy flags in memory (which the cached
 * registers do not touch): jit_cond() decides, R8-R11 saved around it
 * (four pushes keep the stack aligned), and a taken jump leaves (or, one
 * inside its block, one not taken: emit_jcc_leave()). */
static void emit_jcc(struct cg *g, unsigned k, const struct insn *i, bool nolimit)
{
	struct em *e = &g->e;
	for (unsigned r = 8; r < 12; r++)
		em_push(e, r);
	em_cpu_arg(e);
	em_mov_ri(e, 4, H_RSI, i->op & 0xFu);
	em_mov_imm64(e, H_RAX, addr_of((const void *)jit_cond));
	em_call_rax(e);
	for (unsigned r = 12; r-- > 8;)
		em_pop(e, r);
	em_test_al(e);
	emit_jcc_leave(g, k, i, nolimit, 5 /* NE: taken */);
}

/* A Jcc on ZF or SF alone (JZ JNZ JS JNS) on the lazy flags in memory,
 * inline: flags.h flag_zf() and flag_sf() for every kind, the flag derived
 * from lf_res (= 0, < 0) XOR its inversion bit in lf_aux (bit 6, bit 7;
 * 0 for the lazy kinds, set by flags_arith_set()). RAX and RCX only, as
 * the call would clobber them. In the nmake build most of the Jccs that
 * still called jit_cond() after chain_jccs() (a block's first
 * instruction, after a JMP inside the block or a shift by CL) were JZ or
 * JNZ (docs/cpu-speed.md, "Session 18"). */
static void emit_jcc_zs(struct cg *g, unsigned k, const struct insn *i, bool nolimit)
{
	struct em *e = &g->e;
	const unsigned cc = i->op & 0xF;
	em_load(e, 4, H_RAX, H_RBX, OFF(in.lf_aux));
	em_load(e, 4, H_RCX, H_RBX, OFF(in.lf_res));
	if ((cc >> 1) == 2) {
		em_shift_ri(e, true, H_RAX, 6);
		em_rr(e, 0x84, 0x85, 4, H_RCX, H_RCX); /* test ecx, ecx */
		em_setcc(e, 4 /* E */, H_RCX);
	} else {
		em_shift_ri(e, true, H_RAX, 7);
		em_shift_ri(e, true, H_RCX, 31);
	}
	em_alu_rr(e, ALU_XOR, 1, H_RAX, H_RCX);
	em_test_r8_imm(e, H_RAX, 1);
	emit_jcc_leave(g, k, i, nolimit, cc & 1 ? 4 /* E: the flag clear */ : 5 /* NE: set */);
}

/* EDX bit 0 = the guest's ZF from the lazy flags in memory, as
 * emit_jcc_zs() reads it (RCX too). */
static void emit_zf_bit(struct em *e)
{
	em_load(e, 4, H_RDX, H_RBX, OFF(in.lf_aux));
	em_shift_ri(e, true, H_RDX, 6);
	em_load(e, 4, H_RCX, H_RBX, OFF(in.lf_res));
	em_rr(e, 0x84, 0x85, 4, H_RCX, H_RCX); /* test ecx, ecx */
	em_setcc(e, 4 /* E */, H_RCX);
	em_alu_rr(e, ALU_XOR, 1, H_RDX, H_RCX);
}

/* JB JAE JBE JA (CF, CF | ZF) and JL JGE JLE JG (SF ^ OF, | ZF) on the
 * lazy flags in memory, inline: CF from the shared SH_CF (emit_cf()),
 * OF from SH_OF (both as flag_cf() and flag_of() compute them, a call of
 * those for ADC and SBB), SF and ZF as emit_jcc_zs() reads them; bit 0
 * of EAX the condition. The calls keep R8-R11 (the registers cached in
 * R12-R15 are the host's callee-saved ones); RCX, RDX, RSI, RDI are
 * scratch here as around jit_cond(). */
static void emit_jcc_cf_of(struct cg *g, unsigned k, const struct insn *i, bool nolimit)
{
	struct em *e = &g->e;
	const unsigned cc = i->op & 0xF;
	if (cc < 8) {
		emit_shared_call(g, SH_CF);
	} else {
		emit_shared_call(g, SH_OF);
		em_load(e, 4, H_RCX, H_RBX, OFF(in.lf_res));
		em_shift_ri(e, true, H_RCX, 31);
		em_alu_rr(e, ALU_XOR, 4, H_RAX, H_RCX);
		em_load(e, 4, H_RCX, H_RBX, OFF(in.lf_aux));
		em_shift_ri(e, true, H_RCX, 7);
		em_alu_rr(e, ALU_XOR, 4, H_RAX, H_RCX); /* (bit 0: SF ^ OF) */
	}
	if ((cc >> 1) == 3 || (cc >> 1) == 7) {
		emit_zf_bit(e);
		em_alu_rr(e, ALU_OR, 4, H_RAX, H_RDX);
	}
	em_test_r8_imm(e, H_RAX, 1);
	emit_jcc_leave(g, k, i, nolimit, cc & 1 ? 4 /* E: the condition false */ : 5 /* NE: true */);
}

/* End the block before entry k if a write dropped it (c->in.smc_stop:
 * block_cache.c stop_if_running()). */
static void emit_smc_check(struct cg *g, unsigned k)
{
	em_cmp8_mem_imm(&g->e, H_RBX, OFF(in.smc_stop), 0);
	to_exit(g, 5 /* NE */, X_NEXT, k);
}

/* The call of entry k's handler with the state thread_generic() sets
 * (registers in memory already; next: the IP after it). */
static void emit_handler(struct cg *g, unsigned k, uint32_t next)
{
	struct em *e = &g->e;
	const struct insn *i = &g->b->ins[k];
	emit_cur(g, k);
	em_store_imm(e, 4, H_RBX, OFF(in.insn_ip), i->ip);
	em_load(e, 4, H_RAX, H_RBX, OFF(r) + REG_SP * 4);
	em_store(e, 4, H_RAX, H_RBX, OFF(in.insn_sp));
	em_store_imm(e, 4, H_RBX, OFF(ip), next);
	em_cpu_arg(e); /* (RSI: emit_cur()) */
	em_mov_imm64(e, H_RAX, addr_of((const void *)i->impl));
	em_call_rax(e);
}

/* An instruction run by its handler, as thread_generic() runs it. */
static void emit_call(struct cg *g, unsigned k, uint32_t ip_mask)
{
	struct em *e = &g->e;
	const struct insn *i = &g->b->ins[k];
	const uint32_t next = (i->ip + i->len) & ip_mask;
	flush_forget(g);
	emit_handler(g, k, next);
	if (i->term == TERM_ALWAYS) {
		to_exit(g, -1, X_RET, 0);
		return;
	}
	/* (a handler sets c->in.cur only to the entry it was given) */
	if (i->term == TERM_LINK) {
		to_link(g, -1, k);
		return;
	}
	if (i->term == TERM_IF_JUMP) {
		em_cmp_mem_imm(e, H_RBX, OFF(ip), next);
		to_link(g, 5 /* NE */, k);
		em_cmp_mem_imm(e, H_RBX, OFF(in.events), 0);
		to_link(g, 5 /* NE */, k);
	}
	emit_smc_check(g, k + 1);
}

/* (JIT_FRAME_BYTES, jit.h: the prologue the link stub enters past.) */

static void emit_pops(struct em *e)
{
	em_pop(e, H_R13 + 2);
	em_pop(e, H_R13 + 1);
	em_pop(e, H_R13);
	em_pop(e, H_R12);
}

/* bc_link()'s way to the next block, for the common case: the block
 * that this one was last linked to fits in the budget and no event is
 * pending. Emitted once per mapping (jit_emit_link_stub()); a block's
 * exit for entry k calls it (emit_exits()) with the registers in memory,
 * c->ip set, EAX = entry k's offset in the block's instructions | its
 * charge << 16 (one immediate: 5 bytes an exit; the stub sets R11 = the
 * block, c->in.blk, and R9 = &ins[k], stored in c->in.cur only where the
 * stub does not enter a block itself), and the block's frame still pushed. It counts
 * in the CPU (c->in.fast_links, ltab_links, jit_hits), not through
 * c->in.bcache.
 * - Fast path: the block remembers the next one in fast[] (block_cache.h:
 *   key, code and a check word of bc_ctx and the cache's link epoch,
 *   compared with the CPU's c->in.link_check) and
 *   the budget leaves room for any block (> BC_MAX_INSNS): the stub
 *   enters it reading only this block's fast[] (the first line of its
 *   header, fetched when this block was entered) and the CPU, never the
 *   next block's header, which it only prefetches.
 * - Else the blocks this one was last linked to (succ[], checked by key
 *   and tag as bc_next() does, the budget against their size as
 *   bc_link() does).
 * - Else, with the same budget rule as fast[], the CPU's link table
 *   (block_cache.h ltab: what bc_link() found in the hash table after a
 *   compiled block, for exits with more than two targets), its slot of
 *   the key checked as fast[] is, and entered the same way.
 * All three return, for a compiled block (jstate JS_DONE), with c->in.blk
 * set and the budget charged (c->in.cur too on the succ[] path; fast[]
 * and the link table leave it: emit_stub_hit()), RAX = its code past the prologue
 * (JIT_FRAME_BYTES), and the exit jumps there: the frame stays (every
 * compiled block pushes the same registers of the same caller, and RBX
 * is the CPU in all of them), and each exit has an indirect jump of its
 * own, which the host predicts far better than one jump shared by every
 * link (a static exit always goes to the same block). A compiled block
 * found through succ[] is remembered in the fast[] entry of the same
 * index; its entries are not counted (jit_hot() would only set the count
 * back).
 * - A threaded block's entry is counted as jit_count_entry() counts it,
 *   but the count that reaches 0 is left to bc_link() (jit_hot()); the
 *   stub drops its return address and the frame and jumps to its entry.
 * - Else (or if bc_link() must decide) the same, to bc_link(). */
/* The link stub's entry of the block in RSI (budget after it in RDX):
 * the budget, the figure, c->in.blk and c->in.cur set as bc_link() sets
 * them, RAX = its entry, RSI = its instructions. */
static void emit_stub_enter(struct em *e)
{
	em_store(e, 8, H_RDX, H_RBX, OFF(in.budget_left));
	em_rm(e, 0xFF, 0xFF, 8, 0 /* INC */, H_RBX, OFF(in.jit_hits));
	em_store(e, 8, H_RSI, H_RBX, OFF(in.blk));
	/* Its likely successor's header, which the next link reads if
	 * fast[] fails: fetched while it runs, as bc_link() does. */
	em_load(e, 8, H_RCX, H_RSI, (int32_t)offsetof(struct bc_block, succ));
	em_prefetch(e, H_RCX, (int32_t)offsetof(struct bc_block, key));
	em_load(e, 8, H_RAX, H_RSI, (int32_t)offsetof(struct bc_block, entry));
	em_load(e, 8, H_RSI, H_RSI, (int32_t)offsetof(struct bc_block, ins));
	em_store(e, 8, H_RSI, H_RBX, OFF(in.cur));
}

/* The link stub's c->in.cur = entry k: R9 = R11's (the block's) ins +
 * R9W (its offset there). */
static void emit_stub_cur(struct em *e)
{
	em_movzx(e, 2, 9, 9);
	em_rm(e, 0x03, 0x03, 8, 9, 11, (int32_t)offsetof(struct bc_block, ins)); /* add r9, [r11 + ins] */
	em_store(e, 8, 9, H_RBX, OFF(in.cur));
}

/* The link stub enters the compiled block of the struct bc_fast at [r +
 * disp] (RDX = the budget after the leaving block): the budget, the
 * figure at OFF(count), c->in.blk, RAX = its code past the prologue. */
static void emit_stub_hit(struct em *e, unsigned r, int32_t disp, int32_t count)
{
	em_store(e, 8, H_RDX, H_RBX, OFF(in.budget_left));
	em_rm(e, 0xFF, 0xFF, 8, 0 /* INC */, H_RBX, count);
	em_load(e, 8, H_RSI, r, disp + (int32_t)offsetof(struct bc_fast, blk));
	em_load(e, 8, H_RAX, r, disp + (int32_t)offsetof(struct bc_fast, code));
	em_store(e, 8, H_RSI, H_RBX, OFF(in.blk));
	/* its fast[], which its own exit reads first. c->in.cur is left as
	 * it is: compiled code sets it before anything reads it (handler
	 * calls, slow paths, SH_GP, its exits), and the block's ins are in
	 * its header's second line, which this path does not read. */
	em_prefetch(e, H_RSI, (int32_t)offsetof(struct bc_block, fast));
	em_ret(e);
}

/* fast[s]'s field f, of the block in R11 */
#define FAST(s, f) ((int32_t)(offsetof(struct bc_block, fast) + (s) * sizeof(struct bc_fast) + offsetof(struct bc_fast, f)))

static void emit_link_stub(struct em *e, uint8_t *base)
{
	const int32_t key = (int32_t)offsetof(struct bc_block, key), tag = (int32_t)offsetof(struct bc_block, tag);
	const int32_t blk = 11, entry = 9; /* R11, R9 */
	/* R11 = the block, R9D = EAX = entry k's offset | its charge << 16
	 * (emit_exits()): entry k is c->in.cur only off the fast path (the
	 * fast path sets the next block's), made from R9 there */
	em_load(e, 8, blk, H_RBX, OFF(in.blk));
	em_mov_rr(e, 4, entry, H_RAX);
	em_shift_ri(e, true, H_RAX, 16);
	em_cmp_mem_imm(e, H_RBX, OFF(in.events), 0);
	long no[7];
	no[0] = em_jcc_fwd(e, 5 /* NE */, base);
	/* RDX = the budget after charging entry k */
	em_load(e, 8, H_RDX, H_RBX, OFF(in.budget_left));
	em_alu_rr(e, ALU_SUB, 8, H_RDX, H_RAX);
	/* RAX = the key: EIP << 32 | linear address */
	em_load(e, 4, H_RAX, H_RBX, OFF(ip));
	em_load(e, 4, H_RCX, H_RBX, OFF(seg_base) + SEG_CS * 4);
	em_alu_rr(e, ALU_ADD, 4, H_RCX, H_RAX);
	em_shl64(e, H_RAX, 32);
	em_alu_rr(e, ALU_OR, 8, H_RAX, H_RCX);
	/* The fast path: RSI = bc_ctx | the link epoch (one word kept by
	 * the CPU: block_cache.h bc_link_check_update()) */
	em_alu_ri(e, ALU_CMP, 8, H_RDX, BC_MAX_INSNS);
	long slow = em_jcc_fwd(e, 6 /* BE */, base);
	em_load(e, 8, H_RSI, H_RBX, OFF(in.link_check));
	long hit[2];
	for (unsigned s = 0; s < 2; s++) {
		em_rm(e, 0x39, 0x39, 8, H_RAX, blk, FAST(s, key));
		long other = em_jcc_fwd(e, 5 /* NE */, base);
		em_rm(e, 0x39, 0x39, 8, H_RSI, blk, FAST(s, check));
		hit[s] = em_jcc_fwd(e, 4 /* E */, base);
		if (!e->over)
			em_fix(base, other, e->p - base);
	}
	long miss = em_jcc_fwd(e, -1, base);
	for (unsigned s = 0; s < 2 && !e->over; s++) {
		em_fix(base, hit[s], e->p - base);
		emit_stub_hit(e, blk, FAST(s, blk), OFF(in.fast_links));
	}
	if (e->over)
		return;
	em_fix(base, slow, e->p - base);
	em_fix(base, miss, e->p - base);
	/* c->in.cur = entry k: what bc_link() charges, and what the paths
	 * below overwrite when they enter a block */
	emit_stub_cur(e);
	/* succ[]: R10 = the fast[] entry of the same index */
	long found[2];
	for (unsigned s = 0; s < 2; s++) {
		em_load(e, 8, H_RSI, blk, (int32_t)(offsetof(struct bc_block, succ) + s * sizeof(void *)));
		em_lea(e, 10, blk, FAST(s, blk));
		em_rr(e, 0x84, 0x85, 8, H_RSI, H_RSI); /* test rsi, rsi */
		long none = em_jcc_fwd(e, 4 /* E */, base);
		em_rm(e, 0x39, 0x39, 8, H_RAX, H_RSI, key);
		found[s] = em_jcc_fwd(e, 4 /* E */, base);
		if (!e->over)
			em_fix(base, none, e->p - base);
	}
	/* The link table (block_cache.h ltab), checked as fast[] is: RDI =
	 * its slot of the key's linear address (bc_ltab_slot()) */
	em_alu_ri(e, ALU_CMP, 8, H_RDX, BC_MAX_INSNS);
	no[1] = em_jcc_fwd(e, 6 /* BE */, base);
	em_mov_rr(e, 4, H_RDI, H_RAX);
	em_mov_rr(e, 4, H_RCX, H_RAX);
	em_shift_ri(e, true, H_RCX, BC_LTAB_BITS);
	em_alu_rr(e, ALU_XOR, 4, H_RDI, H_RCX);
	em_alu_ri(e, ALU_AND, 4, H_RDI, BC_LTAB_SIZE - 1);
	_Static_assert(sizeof(struct bc_fast) == 32, "a slot is 32 bytes");
	em_shift_ri(e, false, H_RDI, 5);
	em_load(e, 8, H_RCX, H_RBX, OFF(in.bcache));
	em_rm(e, 0x03, 0x03, 8, H_RDI, H_RCX, (int32_t)offsetof(struct block_cache, ltab)); /* add rdi, [rcx + ltab] */
	em_rm(e, 0x39, 0x39, 8, H_RAX, H_RDI, (int32_t)offsetof(struct bc_fast, key));
	no[5] = em_jcc_fwd(e, 5 /* NE */, base);
	em_load(e, 8, H_RSI, H_RBX, OFF(in.link_check));
	em_rm(e, 0x39, 0x39, 8, H_RSI, H_RDI, (int32_t)offsetof(struct bc_fast, check));
	no[6] = em_jcc_fwd(e, 5 /* NE */, base);
	emit_stub_hit(e, H_RDI, 0, OFF(in.ltab_links));
	if (e->over)
		return;
	em_fix(base, found[0], e->p - base);
	em_fix(base, found[1], e->p - base);
	/* bc_valid()'s quick check; the rest is bc_recheck()'s */
	em_load(e, 8, H_RDI, H_RBX, OFF(in.bc_ctx));
	em_rm(e, 0x39, 0x39, 8, H_RDI, H_RSI, tag);
	no[2] = em_jcc_fwd(e, 5 /* NE */, base);
	em_loadzx(e, 1, H_RCX, H_RSI, (int32_t)offsetof(struct bc_block, ninsns));
	em_alu_rr(e, ALU_CMP, 8, H_RDX, H_RCX);
	no[3] = em_jcc_fwd(e, 6 /* BE */, base);
	/* (a compiled block's count only comes back to JIT_HEAT_IDLE in
	 * jit_hot(): not counted) */
	em_cmp8_mem_imm(e, H_RSI, (int32_t)offsetof(struct bc_block, jstate), JS_DONE);
	long threaded = em_jcc_fwd(e, 5 /* NE */, base);
	/* Remembered in fast[]: key, block, check (c->in.link_check), code. */
	em_store(e, 8, H_RAX, 10, (int32_t)offsetof(struct bc_fast, key));
	em_store(e, 8, H_RSI, 10, (int32_t)offsetof(struct bc_fast, blk));
	em_load(e, 8, H_RAX, H_RBX, OFF(in.link_check));
	em_store(e, 8, H_RAX, 10, (int32_t)offsetof(struct bc_fast, check));
	em_prefetch(e, H_RSI, (int32_t)offsetof(struct bc_block, fast));
	emit_stub_enter(e);
	em_alu_ri(e, ALU_ADD, 8, H_RAX, JIT_FRAME_BYTES);
	em_store(e, 8, H_RAX, 10, (int32_t)offsetof(struct bc_fast, code));
	em_ret(e);
	if (e->over)
		return;
	em_fix(base, threaded, e->p - base);
	em_cmp16_mem_imm8(e, H_RSI, (int32_t)offsetof(struct bc_block, heat), 1);
	no[4] = em_jcc_fwd(e, 4 /* E */, base);
	em_dec16_mem(e, H_RSI, (int32_t)offsetof(struct bc_block, heat));
	emit_stub_enter(e);
	em_drop_ret(e);
	emit_pops(e);
	em_cpu_arg(e);
	em_pop(e, H_RBX);
	em_jmp_rax(e);
	if (e->over)
		return;
	for (unsigned n = 1; n < 7; n++)
		em_fix(base, no[n], e->p - base);
	long stored = em_jcc_fwd(e, -1, base);
	/* (events: before R9 was made) */
	if (e->over)
		return;
	em_fix(base, no[0], e->p - base);
	emit_stub_cur(e);
	if (e->over)
		return;
	em_fix(base, stored, e->p - base);
	em_drop_ret(e);
	emit_pops(e);
	em_cpu_arg(e);
	em_pop(e, H_RBX);
	em_mov_imm64(e, H_RAX, addr_of((const void *)bc_link));
	em_jmp_rax(e);
}

#undef FAST

bool jit_emit_link_stub(struct em *e)
{
	uint8_t *base = e->p;
	emit_link_stub(e, base);
	return !e->over && emit_shared(e, base);
}

static void emit_exits(struct cg *g)
{
	struct em *e = &g->e;
	long at_ret = -1;
	long at_k[3][BC_MAX_INSNS + 1]; /* X_GP, X_NEXT, X_LINKK at entry k */
	for (unsigned k = 0; k <= BC_MAX_INSNS; k++)
		at_k[0][k] = at_k[1][k] = at_k[2][k] = -1;
	for (unsigned n = 0; n < g->nfix && !e->over; n++) {
		const struct fix *f = &g->fix[n];
		long *at = f->x == X_RET ? &at_ret : &at_k[f->x - X_GP][f->k];
		/* EAX = entry k's offset in the instructions (the same in
		 * every copy) */
		const uint32_t off = (uint32_t)(f->k * sizeof(struct insn));
		if (*at < 0) {
			*at = e->p - g->base;
			switch (f->x) {
			case X_LINKK: {
				/* EAX = the offset | entry k's charge << 16, one
				 * immediate (the same in every copy of the block) */
				_Static_assert((BC_MAX_INSNS + 1) * sizeof(struct insn) <= 0xFFFF,
					       "an entry's offset fits in 16 bits");
				em_mov_imm32(e, H_RAX, off | (uint32_t)g->b->ins[f->k].charge << 16);
				long at = em_call_fwd(e, g->base);
				em_jmp_rax(e); /* (the next block's body: emit_link_stub()) */
				if (!e->over)
					em_fix(g->base, at, g->stub - g->base);
				break;
			}
			case X_RET:
				emit_pops(e);
				em_pop(e, H_RBX);
				em_ret(e);
				break;
			case X_GP:
				em_mov_imm32(e, H_RAX, off);
				em_fix(g->base, em_jcc_fwd(e, -1, g->base), (g->stub - g->base) + sh_at(SH_GP));
				break;
			default: /* X_NEXT: bc_stop(c, &ins[k]) */
				emit_insn_addr(g, H_RSI, f->k, 0);
				emit_pops(e);
				em_cpu_arg(e);
				em_pop(e, H_RBX);
				em_mov_imm64(e, H_RAX, addr_of((const void *)bc_stop));
				em_jmp_rax(e);
				break;
			}
		}
		if (!e->over)
			em_fix(g->base, f->at, *at);
	}
}

/* Which inline flag writers may skip their flags: the next instruction
 * touching flags overwrites all six without reading any, with only inline
 * moves in between (none can fault, so nothing sees the skipped flags). */
static void dead_flags(struct cg *g, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		struct iform *f = &g->f[k];
		if (!(f->k == IK_ALU || f->k == IK_ADC || f->k == IK_TEST || f->k == IK_INCDEC || f->k == IK_SHIFT ||
		      f->k == IK_SHIFT_CL) || !f->flags || g->fused[k])
			continue;
		for (unsigned m = k + 1; m < n; m++) {
			const enum ik mk = g->f[m].k;
			if (mk == IK_MOV || mk == IK_MOVI || mk == IK_LEA)
				continue;
			if (mk == IK_ALU || mk == IK_TEST || mk == IK_SHIFT)
				f->flags = false;
			break;
		}
	}
}

/* ---- x87 instructions ----
 *
 * An x87 instruction with a fast path (fpu_jit_op()) is a direct call of
 * that fast path, its memory operand's host address found by the same
 * inline limit and TLB check as emit_access(); FNSTSW AX is inline. When
 * the check or the fast path fails, the instruction's handler runs out of
 * line (emit_x87_slow(), as emit_call() runs it: the general path, which
 * may fault or leave) and the code goes on after it. As in the
 * interpreter's runs (fpu_fast.c), FCS:FIP/FOP are written only for the
 * last x87 instruction of a run of them: before the next instruction of
 * any other kind, the block's end, and the general path of the next x87
 * instruction (x87_note), so a fault, a handler, FSTENV or an exit always
 * sees the last one's. FDS:FDP are the fast path's. */

/* FCS:FIP/FOP of x87 entry k (fpu_fast.c note_ip()). */
static void emit_x87_ip(struct cg *g, unsigned k)
{
	struct em *e = &g->e;
	const struct insn *i = &g->b->ins[k];
	em_loadzx(e, 2, H_RAX, H_RBX, OFF(seg) + SEG_CS * 2);
	em_store(e, 2, H_RAX, H_RBX, OFF(x87.fcs));
	em_store_imm(e, 4, H_RBX, OFF(x87.fip), i->ip);
	em_store_imm(e, 2, H_RBX, OFF(x87.fop), (i->op & 7u) << 8 | i->modrm);
}

/* Write the deferred FCS:FIP/FOP, if any. */
static void emit_x87_note(struct cg *g)
{
	if (g->x87_note >= 0)
		emit_x87_ip(g, (unsigned)g->x87_note);
	g->x87_note = -1;
}

/* With EAX the operand's offset (emit_ea()): RCX = its host address and
 * EDX its offset, through the segment's fast-path limit and the TLB
 * (emit_host_addr()); br[0] and br[1] are the branches taken when either
 * check fails (to the instruction's handler; rel32s to fix). */
static void emit_x87_host_addr(struct cg *g, const struct insn *i, unsigned sz, bool write, long br[2])
{
	em_mov_rr(&g->e, 4, H_RDX, H_RAX);
	emit_host_addr(g, i, i->seg, sz, write, br);
}

static void emit_x87(struct cg *g, unsigned k, const struct insn *i)
{
	struct em *e = &g->e;
	struct fpu_jit_op op;
	if (!fpu_jit_op(i, &op) || g->nxslow == sizeof(g->xslow) / sizeof(g->xslow[0])) {
		e->over = true;
		return;
	}
	if (op.fnstsw)
		emit_x87_note(g); /* (FNSTSW does not write them: the run ends) */
	struct xslow *xs = &g->xslow[g->nxslow++];
	*xs = (struct xslow){ .at = { -1, -1, -1, -1 }, .k = k, .note = g->x87_note };
	if (op.fnstsw) {
		/* fpu_fast.c fnstsw_ax(): AX = SW with TOP */
		em_cmp_mem_imm(e, H_RBX, OFF(fpu), CPU_FPU_NONE);
		xs->at[0] = em_jcc_fwd(e, 4 /* E */, g->base);
		em_load(e, 4, H_RAX, H_RBX, OFF(in.cr0));
		em_alu_ri(e, ALU_AND, 4, H_RAX, CR0_EM | CR0_TS);
		xs->at[1] = em_jcc_fwd(e, 5 /* NE */, g->base);
		xs->dirty = g->dirty;
		if (op.size) {
			/* FNSTSW m16: RCX = the word's host address (emit_host_addr(),
			 * no call: R8-R11 stay), [RCX] = SW with TOP */
			emit_ea(g, i);
			emit_host_addr(g, i, i->seg, 2, true, xs->at + 2);
			xs->dirty = g->dirty;
			em_loadzx(e, 2, H_RAX, H_RBX, OFF(x87.sw));
			em_alu_ri(e, ALU_AND, 4, H_RAX, 0xC7FF);
			em_loadzx(e, 1, H_RDX, H_RBX, OFF(x87.top));
			em_shift_ri(e, false, H_RDX, 11);
			em_alu_rr(e, ALU_OR, 4, H_RAX, H_RDX);
			em_store(e, 2, H_RAX, H_RCX, 0);
			xs->cached = g->cached;
			xs->resume = e->p - g->base;
			return;
		}
		em_loadzx(e, 2, H_RAX, H_RBX, OFF(x87.sw));
		em_alu_ri(e, ALU_AND, 4, H_RAX, 0xC7FF);
		em_loadzx(e, 1, H_RCX, H_RBX, OFF(x87.top));
		em_shift_ri(e, false, H_RCX, 11);
		em_alu_rr(e, ALU_OR, 4, H_RAX, H_RCX);
		const unsigned h = dst_begin(g, REG_AX, 2);
		em_mov_rr(e, 2, h, H_RAX);
		dst_end(g, REG_AX, 2);
		xs->cached = g->cached;
		xs->resume = e->p - g->base;
		return;
	}
	/* (R8-R11 do not survive the call) */
	emit_flush_mask(g, g->dirty & 0x0F);
	g->dirty &= 0xF0;
	g->cached &= 0xF0;
	if (op.size) {
		/* RCX = the operand's host address, EDX its offset */
		emit_ea(g, i);
		emit_x87_host_addr(g, i, op.size, op.write, xs->at);
	}
	xs->dirty = g->dirty;
	em_cpu_arg(e);
	emit_insn_addr(g, H_RSI, k, 0);
	em_mov_imm64(e, H_RAX, addr_of((const void *)op.fn));
	em_call_rax(e);
	g->cached &= 0xF0;
	em_test_al(e);
	xs->at[2] = em_jcc_fwd(e, 4 /* E: declined */, g->base);
	xs->cached = g->cached;
	xs->resume = e->p - g->base;
	g->x87_note = (int)k;
}

/* FWAIT (x87 entry k) outside a run: nothing when CR0.TS and ES are
 * clear (op_wait() then neither raises #NM nor #MF), else its handler
 * out of line (emit_x87_slow()). False: no room, call the handler. */
static bool emit_x87_wait(struct cg *g, unsigned k)
{
	struct em *e = &g->e;
	if (g->nxslow == sizeof(g->xslow) / sizeof(g->xslow[0]))
		return false;
	struct xslow *xs = &g->xslow[g->nxslow++];
	*xs = (struct xslow){ .at = { -1, -1, -1, -1 }, .k = k, .note = g->x87_note };
	em_load(e, 4, H_RAX, H_RBX, OFF(in.cr0));
	em_alu_ri(e, ALU_AND, 4, H_RAX, CR0_TS);
	xs->at[0] = em_jcc_fwd(e, 5 /* NE */, g->base);
	em_loadzx(e, 2, H_RAX, H_RBX, OFF(x87.sw));
	em_alu_ri(e, ALU_AND, 4, H_RAX, SW_ES);
	xs->at[1] = em_jcc_fwd(e, 5 /* NE */, g->base);
	xs->dirty = g->dirty;
	xs->cached = g->cached;
	xs->resume = e->p - g->base;
	return true;
}

/* The handler of x87 entry xs->k, in the register state of its branches:
 * registers stored, the deferred FCS:FIP/FOP written, the call as
 * emit_call() makes it, the check for a dropped block (the general path
 * may write anywhere), the registers the resumed code holds loaded. */
static void emit_x87_slow(struct cg *g, const struct xslow *xs)
{
	struct em *e = &g->e;
	const struct insn *i = &g->b->ins[xs->k];
	const uint32_t code_mask = ((g->b->tag >> 32) & BC_CODE32) ? 0xFFFFFFFFu : 0xFFFF;
	for (unsigned n = 0; n < 4; n++)
		if (xs->at[n] >= 0)
			em_fix(g->base, xs->at[n], e->p - g->base);
	emit_flush_mask(g, xs->dirty);
	if (xs->note >= 0)
		emit_x87_ip(g, (unsigned)xs->note);
	emit_handler(g, xs->k, (i->ip + i->len) & code_mask);
	emit_smc_check(g, xs->k + 1);
	for (unsigned r = 0; r < 8; r++)
		if (xs->cached & (1u << r))
			em_load(e, 4, host(r), H_RBX, OFF(r) + (int32_t)r * 4);
	long back = em_jcc_fwd(e, -1, g->base);
	if (!e->over)
		em_fix(g->base, back, xs->resume);
}

/* ---- runs of x87 instructions ----
 *
 * Consecutive x87 entries (not FNSTSW) whose registers can be checked at
 * once (x87_pre()) are compiled as a run: before it one check of what
 * their fast paths check (emit_x87_check(): ready, CW, the registers they
 * need full and empty, by position from the run's TOP), then a call of
 * each one's trusted fast path (fpu_jit_op() sfn). Registers are in
 * memory over the run (R12-R15 may stay cached: nothing in it writes
 * them). Out of line (emit_x87_run_slow()), entry k's handler runs when
 * the check before it or its fast path failed, and then the check for
 * the rest of the run decides whether k + 1 runs its fast path or its
 * handler. FCS:FIP/FOP: of the run's last entry after it (x87_note), of
 * k - 1 before k's handler. */

/* What entries k..k1 need of the registers at k, by position from TOP at
 * k (bit j: ST(j)): full in *need_full, empty in *need_empty. False when
 * one of them can never run its fast path (it reads a register the run
 * emptied or pushes onto one the run filled). */
static bool x87_pre(const struct cg *g, unsigned k, unsigned k1, uint8_t *need_full, uint8_t *need_empty)
{
	uint8_t known = 0, isfull = 0, nf = 0, ne = 0;
	unsigned d = 0; /* TOP - TOP at k, mod 8 */
	for (unsigned m = k; m <= k1; m++) {
		const struct fpu_jit_op *op = &g->xop[m];
		for (unsigned x = 0; x < 8; x++) {
			if (!(op->full & (1u << x)))
				continue;
			const uint8_t b = (uint8_t)(1u << ((d + x) & 7));
			if (!(known & b))
				nf |= b, known |= b, isfull |= b;
			else if (!(isfull & b))
				return false;
		}
		if (op->push) {
			const uint8_t b = (uint8_t)(1u << ((d + 7) & 7));
			if (!(known & b))
				ne |= b, known |= b;
			else if (isfull & b)
				return false;
			d = (d + 7) & 7;
			isfull |= (uint8_t)(1u << d);
		}
		for (unsigned x = 0; x < 8; x++) {
			if (op->fills & (1u << x)) {
				const uint8_t b = (uint8_t)(1u << ((d + x) & 7));
				known |= b, isfull |= b;
			}
		}
		for (unsigned q = 0; q < op->pops; q++) {
			const uint8_t b = (uint8_t)(1u << d);
			known |= b, isfull &= (uint8_t)~b;
			d = (d + 1) & 7;
		}
	}
	*need_full = nf;
	*need_empty = ne;
	return true;
}

/* Is x87 entry k a WAIT (FWAIT) or a NOP? Inside a run, whose check found
 * no exception pending and CR0.TS clear, it does nothing (op_wait()). */
static bool x87_is_wait(const struct cg *g, unsigned k)
{
	return !g->xop[k].sfn && !g->xop[k].fnstsw;
}

/* The x87 entry whose FCS:FIP/FOP are the processor's before entry k of
 * run r (WAIT writes none): the last ESC entry of the run before k, or
 * the one pending before the run. */
static int x87_note_before(const struct cg *g, const struct x87run *r, unsigned k)
{
	for (unsigned m = k; m-- > r->k0;)
		if (!x87_is_wait(g, m))
			return (int)m;
	return r->note;
}

/* The last entry of the run starting at k (k itself: no run). */
static unsigned x87_run_end(const struct cg *g, unsigned k, unsigned n)
{
	unsigned k1 = k;
	uint8_t nf, ne;
	while (k1 + 1 < n && (g->f[k1 + 1].k == IK_X87 || g->f[k1 + 1].k == IK_NOP) && !g->xop[k1 + 1].fnstsw &&
	       x87_pre(g, k, k1 + 1, &nf, &ne))
		k1++;
	return k1;
}

static void x87_branch(struct cg *g, unsigned k, long at)
{
	if (at < 0 || g->nxbr[k] == sizeof(g->xbr[0]) / sizeof(g->xbr[0][0])) {
		g->e.over = true;
		return;
	}
	g->xbr[k][g->nxbr[k]++] = at;
}


/* The check before entry k of a run ending at k1: its failing branches
 * go to k's handler (x87_branch()). */
static void emit_x87_check(struct cg *g, unsigned k, unsigned k1)
{
	struct em *e = &g->e;
	uint8_t nf = 0, ne = 0;
	if (!x87_pre(g, k, k1, &nf, &ne)) {
		e->over = true; /* (x87_run_end() made runs without such) */
		return;
	}
	em_loadzx(e, 2, H_RAX, H_RBX, OFF(x87.sw));
	em_alu_ri(e, ALU_AND, 4, H_RAX, SW_ES);
	x87_branch(g, k, em_jcc_fwd(e, 5 /* NE */, g->base));
	em_load(e, 4, H_RAX, H_RBX, OFF(in.cr0));
	em_alu_ri(e, ALU_AND, 4, H_RAX, CR0_EM | CR0_TS);
	x87_branch(g, k, em_jcc_fwd(e, 5 /* NE */, g->base));
	em_cmp_mem_imm(e, H_RBX, OFF(fpu), CPU_FPU_NONE);
	x87_branch(g, k, em_jcc_fwd(e, 4 /* E */, g->base));
	em_loadzx(e, 2, H_RAX, H_RBX, OFF(x87.cw));
	em_alu_ri(e, ALU_AND, 4, H_RAX, 0x0E20);
	em_alu_ri(e, ALU_CMP, 4, H_RAX, 0x0220);
	x87_branch(g, k, em_jcc_fwd(e, 5 /* NE */, g->base));
	if (fpu_jit_host_double()) {
		/* stmxcsr [rbx + in.mxcsr]: binary64 to nearest (fpu.h) */
		if (em_room(e, 7)) {
			const int32_t d = OFF(in.mxcsr);
			em_raw(e, (const uint8_t[]){ 0x0F, 0xAE, 0x9B }, 3);
			em_d(e, (uint32_t)d);
		}
		em_load(e, 4, H_RAX, H_RBX, OFF(in.mxcsr));
		em_alu_ri(e, ALU_AND, 4, H_RAX, 0xFF80);
		em_alu_ri(e, ALU_CMP, 4, H_RAX, 0x1F80);
		x87_branch(g, k, em_jcc_fwd(e, 5 /* NE */, g->base));
	}
	if (!(nf | ne))
		return;
	/* AL = the empty bits by position from TOP */
	em_loadzx(e, 1, H_RAX, H_RBX, OFF(x87.empty));
	em_loadzx(e, 1, H_RCX, H_RBX, OFF(x87.top));
	em_raw(e, (const uint8_t[]){ 0xD2, 0xC8 }, 2); /* ror al, cl */
	if (nf) {
		em_raw(e, (const uint8_t[]){ 0xA8, nf }, 2); /* test al, nf */
		x87_branch(g, k, em_jcc_fwd(e, 5 /* NE */, g->base));
	}
	if (ne) {
		em_raw(e, (const uint8_t[]){ 0xF6, 0xD0, 0xA8, ne }, 4); /* not al; test al, ne */
		x87_branch(g, k, em_jcc_fwd(e, 5 /* NE */, g->base));
	}
}

/* EAX = entry i's effective address as emit_ea() computes it, reading
 * registers that are not cached from memory without caching them (so
 * every path through a run has the same register state). */
static void emit_x87_ea(struct cg *g, const struct insn *i)
{
	struct em *e = &g->e;
	const unsigned sz = i->asz == 2 ? 2 : 4;
	if (i->base < 8) {
		if (g->cached & (1u << i->base) && sz == 4)
			em_mov_rr(e, 4, H_RAX, host(i->base));
		else if (g->cached & (1u << i->base))
			em_movzx(e, 2, H_RAX, host(i->base));
		else
			em_loadzx(e, sz, H_RAX, H_RBX, OFF(r) + (int32_t)i->base * 4);
	} else {
		em_mov_ri(e, 4, H_RAX, 0);
	}
	if (i->index < 8) {
		if (g->cached & (1u << i->index) && sz == 4)
			em_mov_rr(e, 4, H_RCX, host(i->index));
		else if (g->cached & (1u << i->index))
			em_movzx(e, 2, H_RCX, host(i->index));
		else
			em_loadzx(e, sz, H_RCX, H_RBX, OFF(r) + (int32_t)i->index * 4);
		if (sz == 4 && i->scale)
			em_shift_ri(e, false, H_RCX, i->scale);
		em_alu_rr(e, ALU_ADD, 4, H_RAX, H_RCX);
	}
	if (i->disp)
		em_alu_ri(e, ALU_ADD, 4, H_RAX, i->disp);
	if (sz == 2)
		em_movzx(e, 2, H_RAX, H_RAX);
}

/* RCX = the host address of entry i's memory operand (op), EDX its
 * offset; a failed check branches to its handler. */
static void emit_x87_ptr(struct cg *g, unsigned k, const struct insn *i, const struct fpu_jit_op *op)
{
	long br[2];
	emit_x87_ea(g, i);
	emit_x87_host_addr(g, i, op->size, op->write, br);
	if (br[0] >= 0) /* (-1: no limit check) */
		x87_branch(g, k, br[0]);
	x87_branch(g, k, br[1]);
}

/* Entry i's register move (op->inl: fpu.h enum fpu_jit_inline) inline,
 * under its run's check (ST(i) full for FLD and FXCH, ST(0) full for
 * FST and FXCH, ST(7) empty for FLD): what fpu_fast.c fld_st(), fst_st()
 * and fxch() do then. ECX = TOP, EDX = the physical register of ST(i),
 * RAX and RSI the values moved. */
static void emit_x87_inline_op(struct cg *g, const struct insn *i, const struct fpu_jit_op *op)
{
	struct em *e = &g->e;
	const int32_t m = OFF(x87.m), se = OFF(x87.se);
	em_loadzx(e, 1, H_RCX, H_RBX, OFF(x87.top));
	em_lea(e, H_RDX, H_RCX, (int32_t)i->rm);
	em_alu_ri(e, ALU_AND, 4, H_RDX, 7);
	switch (op->inl) {
	case FPU_JIT_FLD_ST:
		/* TOP - 1 = the new ST(0), full */
		em_alu_ri(e, ALU_ADD, 4, H_RCX, 7);
		em_alu_ri(e, ALU_AND, 4, H_RCX, 7);
		em_load_idx(e, 8, H_RAX, H_RBX, H_RDX, 3, m);
		em_store_idx(e, 8, H_RAX, H_RBX, H_RCX, 3, m);
		em_loadzx16_idx(e, H_RAX, H_RBX, H_RDX, 1, se);
		em_store_idx(e, 2, H_RAX, H_RBX, H_RCX, 1, se);
		em_store(e, 1, H_RCX, H_RBX, OFF(x87.top));
		em_loadzx(e, 1, H_RAX, H_RBX, OFF(x87.empty));
		em_bt_rr(e, false, H_RAX, H_RCX);
		em_store(e, 1, H_RAX, H_RBX, OFF(x87.empty));
		break;
	case FPU_JIT_FST_ST:
		em_load_idx(e, 8, H_RAX, H_RBX, H_RCX, 3, m);
		em_store_idx(e, 8, H_RAX, H_RBX, H_RDX, 3, m);
		em_loadzx16_idx(e, H_RAX, H_RBX, H_RCX, 1, se);
		em_store_idx(e, 2, H_RAX, H_RBX, H_RDX, 1, se);
		em_loadzx(e, 1, H_RAX, H_RBX, OFF(x87.empty));
		em_bt_rr(e, false, H_RAX, H_RDX);
		if (op->pops) {
			/* (one pop: FSTP) */
			em_bt_rr(e, true, H_RAX, H_RCX);
			em_alu_ri(e, ALU_ADD, 4, H_RCX, 1);
			em_alu_ri(e, ALU_AND, 4, H_RCX, 7);
			em_store(e, 1, H_RCX, H_RBX, OFF(x87.top));
		}
		em_store(e, 1, H_RAX, H_RBX, OFF(x87.empty));
		break;
	default: /* FPU_JIT_FXCH */
		em_load_idx(e, 8, H_RAX, H_RBX, H_RCX, 3, m);
		em_load_idx(e, 8, H_RSI, H_RBX, H_RDX, 3, m);
		em_store_idx(e, 8, H_RSI, H_RBX, H_RCX, 3, m);
		em_store_idx(e, 8, H_RAX, H_RBX, H_RDX, 3, m);
		em_loadzx16_idx(e, H_RAX, H_RBX, H_RCX, 1, se);
		em_loadzx16_idx(e, H_RSI, H_RBX, H_RDX, 1, se);
		em_store_idx(e, 2, H_RSI, H_RBX, H_RCX, 1, se);
		em_store_idx(e, 2, H_RAX, H_RBX, H_RDX, 1, se);
		break;
	}
	/* C1 = 0 */
	em_loadzx(e, 2, H_RAX, H_RBX, OFF(x87.sw));
	em_alu_ri(e, ALU_AND, 4, H_RAX, (uint32_t)~SW_C1 & 0xFFFFu);
	em_store(e, 2, H_RAX, H_RBX, OFF(x87.sw));
}

/* FDS:FDP of entry i's memory operand, its offset in EDX (fpu_fast.c
 * note_data()). */
static void emit_x87_data(struct cg *g, const struct insn *i)
{
	struct em *e = &g->e;
	em_loadzx(e, 2, H_RAX, H_RBX, OFF(seg) + (int32_t)i->seg * 2);
	em_store(e, 2, H_RAX, H_RBX, OFF(x87.fds));
	em_store(e, 4, H_RDX, H_RBX, OFF(x87.fdp));
}

/* Pop the x87 stack whose TOP is in R8 (R8 = the new TOP; RAX lost). */
static void emit_x87_pop_r8(struct cg *g)
{
	struct em *e = &g->e;
	const unsigned R8 = 8;
	em_loadzx(e, 1, H_RAX, H_RBX, OFF(x87.empty));
	em_bt_rr(e, true, H_RAX, R8);
	em_store(e, 1, H_RAX, H_RBX, OFF(x87.empty));
	em_alu_ri(e, ALU_ADD, 4, R8, 1);
	em_alu_ri(e, ALU_AND, 4, R8, 7);
	em_store(e, 1, R8, H_RBX, OFF(x87.top));
}

/* The double at host address RCX as significand (register sig) and
 * sign/exponent (sexp), exactly as ff_from_f64_normal() converts a normal
 * one (tmp is lost); the offset of the branch (to fill in) taken for any
 * other. */
static long emit_x87_f64_operand(struct cg *g, unsigned sig, unsigned sexp, unsigned tmp)
{
	struct em *e = &g->e;
	em_load(e, 8, sig, H_RCX, 0);
	em_mov_rr(e, 8, sexp, sig);
	em_shr64(e, sexp, 52);
	em_alu_ri(e, ALU_AND, 4, sexp, 0x7FF);
	em_lea(e, tmp, sexp, -1);
	em_alu_ri(e, ALU_CMP, 4, tmp, 0x7FD);
	const long other = em_jcc_fwd(e, 7 /* A */, g->base);
	/* se = sign << 15 | (e - 1023 + 16383), m = 1 . fraction */
	em_alu_ri(e, ALU_ADD, 4, sexp, 0x3C00);
	em_mov_rr(e, 8, tmp, sig);
	em_shr64(e, tmp, 63);
	em_shift_ri(e, false, tmp, 15);
	em_alu_rr(e, ALU_OR, 4, sexp, tmp);
	em_shl64(e, sig, 11);
	em_bts64_imm(e, sig, 63);
	return other;
}

/* The inline first try of FLD m64 or FST/FSTP m64 (op->inl: fpu.h), with
 * RCX the operand's host address and EDX its offset (emit_x87_ptr()),
 * under its run's check (ST(7) empty for FLD, ST(0) full for FST): on
 * success it falls through; for any other operand it branches, RCX and
 * EDX intact and nothing changed, to where the caller fixes other[]
 * (the call of sfn; -1: no branch). Uses RAX, RSI, RDI, R8. */
static void emit_x87_inline_m64(struct cg *g, const struct insn *i, const struct fpu_jit_op *op, long other[3])
{
	struct em *e = &g->e;
	const int32_t m = OFF(x87.m), se = OFF(x87.se);
	const unsigned R8 = 8;
	other[0] = other[1] = other[2] = -1;
	if (op->inl == FPU_JIT_FLD_M64) {
		/* RAX, ESI = the double (normal) as significand, sign/exponent */
		other[0] = emit_x87_f64_operand(g, H_RAX, H_RSI, H_RDI);
		/* push: R8 = TOP - 1, full */
		em_loadzx(e, 1, R8, H_RBX, OFF(x87.top));
		em_alu_ri(e, ALU_ADD, 4, R8, 7);
		em_alu_ri(e, ALU_AND, 4, R8, 7);
		em_store_idx(e, 8, H_RAX, H_RBX, R8, 3, m);
		em_store_idx(e, 2, H_RSI, H_RBX, R8, 1, se);
		em_store(e, 1, R8, H_RBX, OFF(x87.top));
		em_loadzx(e, 1, H_RAX, H_RBX, OFF(x87.empty));
		em_bt_rr(e, false, H_RAX, R8);
		em_store(e, 1, H_RAX, H_RBX, OFF(x87.empty));
	} else {
		/* RAX = ST(0)'s significand: the integer bit set, the low 11
		 * bits clear; ESI its sign and exponent, the exponent
		 * 3C01h..43FEh (a normal double) */
		em_loadzx(e, 1, R8, H_RBX, OFF(x87.top));
		em_load_idx(e, 8, H_RAX, H_RBX, R8, 3, m);
		em_loadzx16_idx(e, H_RSI, H_RBX, R8, 1, se);
		em_rr(e, 0x84, 0x85, 8, H_RAX, H_RAX); /* test rax, rax */
		other[0] = em_jcc_fwd(e, 9 /* NS */, g->base);
		if (em_room(e, 5)) {
			em_b(e, 0xA9); /* test eax, 7FFh */
			em_d(e, 0x7FF);
		}
		other[1] = em_jcc_fwd(e, 5 /* NE */, g->base);
		em_mov_rr(e, 4, H_RDI, H_RSI);
		em_alu_ri(e, ALU_AND, 4, H_RDI, 0x7FFF);
		em_alu_ri(e, ALU_SUB, 4, H_RDI, 0x3C01);
		em_alu_ri(e, ALU_CMP, 4, H_RDI, 0x7FD);
		other[2] = em_jcc_fwd(e, 7 /* A */, g->base);
		/* sign << 63 | (e - 3C00h) << 52 | fraction */
		em_alu_ri(e, ALU_ADD, 4, H_RDI, 1);
		em_shl64(e, H_RDI, 52);
		em_shl64(e, H_RAX, 1);
		em_shr64(e, H_RAX, 12);
		em_alu_rr(e, ALU_OR, 8, H_RAX, H_RDI);
		em_shift_ri(e, true, H_RSI, 15);
		em_shl64(e, H_RSI, 63);
		em_alu_rr(e, ALU_OR, 8, H_RAX, H_RSI);
		em_store(e, 8, H_RAX, H_RCX, 0);
		if (op->pops)
			emit_x87_pop_r8(g);
	}
	/* C1 = 0, FDS:FDP */
	em_loadzx(e, 2, H_RAX, H_RBX, OFF(x87.sw));
	em_alu_ri(e, ALU_AND, 4, H_RAX, (uint32_t)~SW_C1 & 0xFFFFu);
	em_store(e, 2, H_RAX, H_RBX, OFF(x87.sw));
	emit_x87_data(g, i);
}

/* The most fail branches of an inline first try. */
enum { X87_FIRST_FAILS = 12 };

/* A new fail branch (jcc cc) of an inline first try. */
static void x87_fail(struct cg *g, long fail[X87_FIRST_FAILS], unsigned *n, int cc)
{
	fail[(*n)++] = em_jcc_fwd(&g->e, cc, g->base);
}

/* The inline first try of FMUL ST(0), ST(i), FMUL ST(i), ST(0), FMULP
 * ST(i), ST(0) (op->inl FPU_JIT_FMUL_ST) and FMUL m64real
 * (FPU_JIT_FMUL_M64, the operand at host address RCX, its offset in EDX)
 * under its run's check (fpu.h: the registers full; PC 53 or 64 bits, RC
 * to nearest, PE masked): the product of two normal numbers whose
 * rounded result is normal, exactly as fpu_fast.h ff_mul_normal() and
 * ff_round() compute it (the 128-bit product of the significands by the
 * host's MUL, normalised by one bit at most, rounded to 53 or 64 bits to
 * nearest, ties to even, the discarded bits as sticky bit), C1 = rounded
 * up, PE = inexact; then the pop of FMULP, or FDS:FDP. Any other operand
 * or result (a zero, denormal or special operand, an exponent out of
 * range, a rounding that carries out of the significand) branches to
 * `fail` having written nothing: the call of the fast path, which
 * computes all of those (or declines).
 * R8 = TOP, R9 = ST(i)'s register (m64: the operand's offset, R10 its
 * host address, which the caller puts back into EDX and RCX for the
 * call after a failure); RDX:RAX the product, R11 its biased exponent,
 * ESI its sign (bit 15), ECX the flags (C1, PE). */
/* dst = (se - 1) & 7FFFh, the biased exponent of sign/exponent se minus
 * 1; to `fail` unless it is 1..7FFEh (normal). */
static void emit_x87_exp_check(struct cg *g, unsigned dst, unsigned se, long fail[X87_FIRST_FAILS],
			       unsigned *nfail)
{
	struct em *e = &g->e;
	em_lea(e, dst, se, -1);
	em_alu_ri(e, ALU_AND, 4, dst, 0x7FFF);
	em_alu_ri(e, ALU_CMP, 4, dst, 0x7FFD);
	x87_fail(g, fail, nfail, 7 /* A */);
}

/* Physical registers px and py: their significands to mx and my, their
 * signs and exponents to ESI and EDI; to `fail` unless both integer bits
 * are set (tmp is lost). */
static void emit_x87_load_pair(struct cg *g, unsigned px, unsigned py, unsigned mx, unsigned my, unsigned tmp,
			       long fail[X87_FIRST_FAILS], unsigned *nfail)
{
	struct em *e = &g->e;
	const int32_t m = OFF(x87.m), se = OFF(x87.se);
	em_load_idx(e, 8, mx, H_RBX, px, 3, m);
	em_load_idx(e, 8, my, H_RBX, py, 3, m);
	em_loadzx16_idx(e, H_RSI, H_RBX, px, 1, se);
	em_loadzx16_idx(e, H_RDI, H_RBX, py, 1, se);
	em_mov_rr(e, 8, tmp, mx);
	em_alu_rr(e, ALU_AND, 8, tmp, my);
	x87_fail(g, fail, nfail, 9 /* NS */);
}

static void emit_x87_round_put(struct cg *g, const struct insn *i, const struct fpu_jit_op *op, unsigned dst,
			       long fail[X87_FIRST_FAILS], unsigned *nfail);

static void emit_x87_inline_fmul(struct cg *g, const struct insn *i, const struct fpu_jit_op *op,
				 long fail[X87_FIRST_FAILS], unsigned *nfail)
{
	struct em *e = &g->e;
	const int32_t m = OFF(x87.m), se = OFF(x87.se);
	const unsigned R8 = 8, R9 = 9, R10 = 10, R11 = 11;
	const bool mem = op->inl == FPU_JIT_FMUL_M64;
	const unsigned esc = i->op & 7u, dst = esc && !mem ? R9 : R8;
	em_loadzx(e, 1, R8, H_RBX, OFF(x87.top));
	if (mem) {
		/* RCX, EDI = the double as significand and sign/exponent:
		 * normal (biased exponent 1..7FEh), exactly as
		 * ff_from_f64_normal() converts it */
		em_mov_rr(e, 4, R9, H_RDX);
		em_mov_rr(e, 8, R10, H_RCX);
		fail[(*nfail)++] = emit_x87_f64_operand(g, H_RCX, H_RDI, H_RDX);
		em_load_idx(e, 8, H_RAX, H_RBX, R8, 3, m);
		em_loadzx16_idx(e, H_RSI, H_RBX, R8, 1, se);
		em_rr(e, 0x84, 0x85, 8, H_RAX, H_RAX); /* test rax, rax */
		x87_fail(g, fail, nfail, 9 /* NS */);
	} else {
		em_lea(e, R9, R8, (int32_t)i->rm);
		em_alu_ri(e, ALU_AND, 4, R9, 7);
		emit_x87_load_pair(g, R8, R9, H_RAX, H_RCX, H_RDX, fail, nfail);
	}
	/* both exponents 1..7FFEh (EDX, R11 the exponents minus 1: (se - 1)
	 * & 7FFFh, below 7FFEh) */
	emit_x87_exp_check(g, H_RDX, H_RSI, fail, nfail);
	emit_x87_exp_check(g, R11, H_RDI, fail, nfail);
	/* sign; exponent (ea - 1) + (eb - 1) - 3FFFh + 3 */
	em_alu_rr(e, ALU_XOR, 4, H_RSI, H_RDI);
	em_alu_ri(e, ALU_AND, 4, H_RSI, 0x8000);
	em_alu_rr(e, ALU_ADD, 4, R11, H_RDX);
	em_alu_ri(e, ALU_SUB, 4, R11, 0x3FFC);
	em_mul64(e, H_RCX);
	/* the product is in [1, 4): shift it left by one (CL) when bit 127
	 * is clear, without a branch */
	em_mov_rr(e, 8, H_RCX, H_RDX);
	em_shr64(e, H_RCX, 63);
	em_alu_ri(e, ALU_XOR, 4, H_RCX, 1);
	em_shld64_cl(e, H_RDX, H_RAX);
	em_shift_cl(e, 8, 4 /* SHL */, H_RAX);
	em_alu_rr(e, ALU_SUB, 4, R11, H_RCX);
	emit_x87_round_put(g, i, op, dst, fail, nfail);
}

/* The end of an inline first try of the arithmetic: round RDX:RAX (RDX's
 * bit 63 set) with biased exponent R11 and sign ESI (bit 15, nothing
 * else) to 53 or 64 bits by CW's PC, to nearest, as fpu_fast.h ff_round()
 * (ties to even, RAX and the dropped bits sticky), C1 = rounded up, PE =
 * inexact; a result that is not normal or a rounding that carries out
 * of the significand branches to `fail` (nothing written). Else the
 * result goes to register dst (physical), C1 and PE to SW, and the pop
 * (op->pops) or, for FPU_JIT_FMUL_M64, FDS:FDP (its offset in R9) follow.
 * R8 = TOP. */
static void emit_x87_round_put(struct cg *g, const struct insn *i, const struct fpu_jit_op *op, unsigned dst,
			       long fail[X87_FIRST_FAILS], unsigned *nfail)
{
	struct em *e = &g->e;
	const int32_t m = OFF(x87.m), se = OFF(x87.se);
	const unsigned R9 = 9, R11 = 11;
	const bool mem = op->inl == FPU_JIT_FMUL_M64;
	em_test_mem_imm8(e, H_RBX, OFF(x87.cw) + 1, 1);
	const long pc53 = em_jcc_fwd(e, 4 /* E: PC 53 */, g->base);
	/* PC 64: RDX + 1 exactly when RAX + 7FFF...FFFFh + (RDX & 1)
	 * carries (above half, or half and RDX odd) */
	em_mov_rr(e, 4, H_RCX, H_RDX);
	em_alu_ri(e, ALU_AND, 4, H_RCX, 1);
	em_mov_imm64(e, H_RDI, 0x7FFFFFFFFFFFFFFFull);
	em_alu_rr(e, ALU_ADD, 8, H_RDI, H_RCX);
	em_alu_rr(e, ALU_ADD, 8, H_RDI, H_RAX);
	em_setcc(e, 2 /* C */, H_RCX);
	em_movzx(e, 1, H_RCX, H_RCX);
	em_alu_rr(e, ALU_ADD, 8, H_RDX, H_RCX);
	x87_fail(g, fail, nfail, 4 /* E: carried out */);
	const long pc64_done = em_jcc_fwd(e, -1, g->base);
	/* PC 53: the kept part plus one exactly when the 11 dropped bits
	 * plus 3FFh plus a sticky bit (RAX != 0) or the kept part's lowest
	 * bit carry into bit 11; RAX |= the dropped bits: inexact */
	if (!e->over)
		em_fix(g->base, pc53, e->p - g->base);
	em_alu_rr(e, ALU_XOR, 4, H_RCX, H_RCX);
	em_rr(e, 0x84, 0x85, 8, H_RAX, H_RAX);
	em_setcc(e, 5 /* NE */, H_RCX);
	em_mov_rr(e, 8, H_RDI, H_RDX);
	em_shr64(e, H_RDI, 11);
	em_alu_ri(e, ALU_AND, 4, H_RDI, 1);
	em_alu_rr(e, ALU_OR, 4, H_RCX, H_RDI);
	em_mov_rr(e, 4, H_RDI, H_RDX);
	em_alu_ri(e, ALU_AND, 4, H_RDI, 0x7FF);
	em_alu_rr(e, ALU_OR, 8, H_RAX, H_RDI);
	em_alu_rr(e, ALU_ADD, 4, H_RCX, H_RDI);
	em_alu_ri(e, ALU_ADD, 4, H_RCX, 0x3FF);
	em_shift_ri(e, true, H_RCX, 11);
	em_alu_ri(e, ALU_AND, 8, H_RDX, 0xFFFFF800u); /* (sign-extended) */
	em_mov_rr(e, 8, H_RDI, H_RCX);
	em_shl64(e, H_RDI, 11);
	em_alu_rr(e, ALU_ADD, 8, H_RDX, H_RDI);
	x87_fail(g, fail, nfail, 4 /* E: carried out */);
	if (!e->over)
		em_fix(g->base, pc64_done, e->p - g->base);
	/* ECX = C1 (rounded up) | PE (RAX != 0: inexact) */
	em_alu_rr(e, ALU_XOR, 4, H_RDI, H_RDI);
	em_rr(e, 0x84, 0x85, 8, H_RAX, H_RAX);
	em_setcc(e, 5 /* NE */, H_RDI);
	em_shift_ri(e, false, H_RDI, 5);
	em_shift_ri(e, false, H_RCX, 9);
	em_alu_rr(e, ALU_OR, 4, H_RCX, H_RDI);
	/* a normal result: exponent 1..7FFEh */
	em_lea(e, H_RDI, R11, -1);
	em_alu_ri(e, ALU_CMP, 4, H_RDI, 0x7FFD);
	x87_fail(g, fail, nfail, 7 /* A */);
	em_alu_rr(e, ALU_OR, 4, H_RSI, R11);
	em_store_idx(e, 8, H_RDX, H_RBX, dst, 3, m);
	em_store_idx(e, 2, H_RSI, H_RBX, dst, 1, se);
	em_loadzx(e, 2, H_RAX, H_RBX, OFF(x87.sw));
	em_alu_ri(e, ALU_AND, 4, H_RAX, (uint32_t)~SW_C1 & 0xFFFFu);
	em_alu_rr(e, ALU_OR, 4, H_RAX, H_RCX);
	em_store(e, 2, H_RAX, H_RBX, OFF(x87.sw));
	if (op->pops)
		emit_x87_pop_r8(g);
	if (mem) {
		em_mov_rr(e, 4, H_RDX, R9);
		emit_x87_data(g, i);
	}
}

/* The inline first try of FADD, FSUB and FSUBR with register operands
 * (op->inl FPU_JIT_SUM_ST: ST(0) op ST(i) to ST(0) for D8h, to ST(i) for
 * DCh and DEh, which pops; reg 0 a + b, 4 a - b, 5 b - a with a = ST(0),
 * b = ST(i)) and with an m64real operand b (FPU_JIT_SUM_M64: at host
 * address RCX, its offset in EDX; the result to ST(0), FDS:FDP; PC 53
 * branches to *pc53, the call) under its run's check, as fpu_fast.h ff_add() computes a sum
 * of two normal numbers: x + y with |x| >= |y| (exchanged without
 * branches), y's significand shifted right by the exponents' difference
 * (at most 63) with the bits shifted out kept below, the significands
 * added (a carry shifts right by one) or subtracted (normalised by the
 * count of leading zeros), then rounded by emit_x87_round_put(). Any
 * other case (a zero, denormal or special operand, exponents more than
 * 63 apart, a difference with no bit in its upper 64 (an exact zero
 * included), a result that is not normal) branches to `fail`, nothing
 * written: the call of the fast path. RDX:RAX = x's significand and the
 * bits below, R9 = y's significand, ESI, EDI their sign and exponent,
 * R10, R11 their exponents minus 1. */
static void emit_x87_inline_sum(struct cg *g, const struct insn *i, const struct fpu_jit_op *op,
				long fail[X87_FIRST_FAILS], unsigned *nfail, long *pc53)
{
	struct em *e = &g->e;
	const int32_t m = OFF(x87.m), se = OFF(x87.se);
	const unsigned R8 = 8, R9 = 9, R10 = 10, R11 = 11;
	const bool mem = op->inl == FPU_JIT_SUM_M64;
	const unsigned esc = mem ? 0 : i->op & 7u, k = i->reg;
	em_loadzx(e, 1, R8, H_RBX, OFF(x87.top));
	if (mem) {
		/* the offset and host address kept for the call after a
		 * failure (emit_x87_run() pops them there) and for FDS:FDP;
		 * y = the double, normal, converted as ff_from_f64_normal();
		 * x = ST(0); b - a as -(a - b) (RN is symmetric) */
		/* PC 53: the call at once (*pc53; its first try sums the doubles
		 * as they are in the host's doubles, shorter than this) */
		em_test_mem_imm8(e, H_RBX, OFF(x87.cw) + 1, 1);
		*pc53 = em_jcc_fwd(e, 4 /* E */, g->base);
		em_push(e, H_RCX);
		em_push(e, H_RDX);
		fail[(*nfail)++] = emit_x87_f64_operand(g, R9, H_RDI, H_RDX);
		em_load_idx(e, 8, H_RDX, H_RBX, R8, 3, m);
		em_loadzx16_idx(e, H_RSI, H_RBX, R8, 1, se);
		em_rr(e, 0x84, 0x85, 8, H_RDX, H_RDX); /* test rdx, rdx */
		x87_fail(g, fail, nfail, 9 /* NS */);
	} else {
		/* x = ST(0), y = ST(i); for b - a the other way round */
		const unsigned rx = k == 5 ? H_RCX : R8, ry = k == 5 ? R8 : H_RCX;
		em_lea(e, H_RCX, R8, (int32_t)i->rm);
		em_alu_ri(e, ALU_AND, 4, H_RCX, 7);
		emit_x87_load_pair(g, rx, ry, H_RDX, R9, H_RAX, fail, nfail);
	}
	/* both exponents 1..7FFEh */
	emit_x87_exp_check(g, R10, H_RSI, fail, nfail);
	emit_x87_exp_check(g, R11, H_RDI, fail, nfail);
	if (k != 0)
		em_alu_ri(e, ALU_XOR, 4, H_RDI, 0x8000); /* a subtraction: y negated */
	/* |x| < |y| (the borrow of (ex:mx) - (ey:my)): exchange them */
	em_alu_rr(e, ALU_CMP, 8, H_RDX, R9);
	em_mov_rr(e, 4, H_RCX, R10);
	em_alu_rr(e, ALU_SBB, 4, H_RCX, R11);
	em_mov_rr(e, 8, H_RCX, H_RDX);
	em_cmov64(e, 2 /* C */, H_RDX, R9);
	em_cmov64(e, 2 /* C */, R9, H_RCX);
	em_mov_rr(e, 8, H_RCX, H_RSI);
	em_cmov64(e, 2 /* C */, H_RSI, H_RDI);
	em_cmov64(e, 2 /* C */, H_RDI, H_RCX);
	em_mov_rr(e, 8, H_RCX, R10);
	em_cmov64(e, 2 /* C */, R10, R11);
	em_cmov64(e, 2 /* C */, R11, H_RCX);
	/* CL = the exponents' difference, at most 63; R9:RAX = y aligned */
	em_mov_rr(e, 4, H_RCX, R10);
	em_alu_rr(e, ALU_SUB, 4, H_RCX, R11);
	em_alu_ri(e, ALU_CMP, 4, H_RCX, 63);
	x87_fail(g, fail, nfail, 7 /* A */);
	em_alu_rr(e, ALU_XOR, 4, H_RAX, H_RAX);
	em_shrd64_cl(e, H_RAX, R9);
	em_shift_cl(e, 8, 5 /* SHR */, R9);
	em_mov_rr(e, 4, R11, H_RSI);
	em_alu_rr(e, ALU_XOR, 4, R11, H_RDI);
	em_alu_ri(e, ALU_AND, 4, R11, 0x8000);
	const long diff = em_jcc_fwd(e, 5 /* NE: signs differ */, g->base);
	/* the same signs: add; a carry (CL) shifts right by one, into bit 63 */
	em_alu_rr(e, ALU_ADD, 8, H_RDX, R9);
	em_setcc(e, 2 /* C */, H_RCX);
	em_movzx(e, 1, H_RCX, H_RCX);
	em_shrd64_cl(e, H_RAX, H_RDX);
	em_shift_cl(e, 8, 5 /* SHR */, H_RDX);
	em_alu_rr(e, ALU_ADD, 4, R10, H_RCX);
	em_shl64(e, H_RCX, 63);
	em_alu_rr(e, ALU_OR, 8, H_RDX, H_RCX);
	const long added = em_jcc_fwd(e, -1, g->base);
	/* different signs: subtract (RAX = 0 - the bits below, with their
	 * borrow), then shift left by the leading zeros (none: BSR 63) */
	if (!e->over)
		em_fix(g->base, diff, e->p - g->base);
	em_neg64(e, H_RAX);
	em_alu_rr(e, ALU_SBB, 8, H_RDX, R9);
	x87_fail(g, fail, nfail, 4 /* E: nothing in the upper 64 bits */);
	em_bsr64(e, H_RCX, H_RDX);
	em_alu_ri(e, ALU_XOR, 4, H_RCX, 63);
	em_shld64_cl(e, H_RDX, H_RAX);
	em_shift_cl(e, 8, 4 /* SHL */, H_RAX);
	em_alu_rr(e, ALU_SUB, 4, R10, H_RCX);
	if (!e->over)
		em_fix(g->base, added, e->p - g->base);
	/* R11 = the biased exponent, ESI the sign, R9 the register written */
	em_lea(e, R11, R10, 1);
	em_alu_ri(e, ALU_AND, 4, H_RSI, 0x8000);
	if (mem && k == 5)
		em_alu_ri(e, ALU_XOR, 4, H_RSI, 0x8000);
	if (esc) {
		em_lea(e, R9, R8, (int32_t)i->rm);
		em_alu_ri(e, ALU_AND, 4, R9, 7);
	}
	emit_x87_round_put(g, i, op, esc ? R9 : R8, fail, nfail);
	if (mem) {
		em_pop(e, H_RDX);
		em_pop(e, H_RCX);
		emit_x87_data(g, i);
	}
}

static void emit_x87_run(struct cg *g, unsigned k0, unsigned k1)
{
	struct em *e = &g->e;
	emit_flush(g);
	g->dirty = 0;
	g->cached &= 0xF0;
	struct x87run *r = &g->xrun[g->nxrun++];
	*r = (struct x87run){ .k0 = k0, .k1 = k1, .note = g->x87_note };
	for (unsigned k = k0; k <= k1; k++)
		g->nxbr[k] = 0;
	emit_x87_check(g, k0, k1);
	for (unsigned k = k0; k <= k1; k++) {
		const struct insn *i = &g->b->ins[k];
		const struct fpu_jit_op *op = &g->xop[k];
		g->xmain[k] = e->p - g->base;
		if (x87_is_wait(g, k))
			continue;
		if (op->inl == FPU_JIT_FLD_ST || op->inl == FPU_JIT_FST_ST || op->inl == FPU_JIT_FXCH) {
			emit_x87_inline_op(g, i, op);
			continue;
		}
		if (op->size)
			emit_x87_ptr(g, k, i, op);
		long other[X87_FIRST_FAILS] = { -1, -1, -1 }, done = -1, pc53 = -1;
		unsigned nfail = 3;
		if (op->inl == FPU_JIT_FLD_M64 || op->inl == FPU_JIT_FST_M64 || op->inl == FPU_JIT_FMUL_ST ||
		    op->inl == FPU_JIT_FMUL_M64 || op->inl == FPU_JIT_SUM_ST ||
		    op->inl == FPU_JIT_SUM_M64) {
			if (op->inl == FPU_JIT_FMUL_ST || op->inl == FPU_JIT_FMUL_M64) {
				nfail = 0;
				emit_x87_inline_fmul(g, i, op, other, &nfail);
			} else if (op->inl == FPU_JIT_SUM_ST || op->inl == FPU_JIT_SUM_M64) {
				nfail = 0;
				emit_x87_inline_sum(g, i, op, other, &nfail, &pc53);
			} else {
				emit_x87_inline_m64(g, i, op, other);
			}
			done = em_jcc_fwd(e, -1, g->base);
			for (unsigned n = 0; n < nfail && !e->over; n++)
				if (other[n] >= 0)
					em_fix(g->base, other[n], e->p - g->base);
			if (op->inl == FPU_JIT_FMUL_M64) { /* the call's offset and host address */
				em_mov_rr(e, 4, H_RDX, 9);
				em_mov_rr(e, 8, H_RCX, 10);
			} else if (op->inl == FPU_JIT_SUM_M64) {
				em_pop(e, H_RDX);
				em_pop(e, H_RCX);
				if (!e->over)
					em_fix(g->base, pc53, e->p - g->base);
			}
		}
		em_cpu_arg(e);
		emit_insn_addr(g, H_RSI, k, 0);
		em_mov_imm64(e, H_RAX, addr_of((const void *)op->sfn));
		em_call_rax(e);
		em_test_al(e);
		x87_branch(g, k, em_jcc_fwd(e, 4 /* E: declined */, g->base));
		if (done >= 0 && !e->over)
			em_fix(g->base, done, e->p - g->base);
	}
	r->end = e->p - g->base;
	g->x87_note = x87_note_before(g, r, k1 + 1);
}

/* A run's handlers and checks, after the body (see above). */
static void emit_x87_run_slow(struct cg *g, const struct x87run *r)
{
	struct em *e = &g->e;
	const uint32_t code_mask = ((g->b->tag >> 32) & BC_CODE32) ? 0xFFFFFFFFu : 0xFFFF;
	for (unsigned k = r->k0; k <= r->k1 && !e->over; k++) {
		const struct insn *i = &g->b->ins[k];
		for (unsigned n = 0; n < g->nxbr[k]; n++)
			em_fix(g->base, g->xbr[k][n], e->p - g->base);
		const int note = x87_note_before(g, r, k);
		if (note >= 0)
			emit_x87_ip(g, (unsigned)note);
		emit_handler(g, k, (i->ip + i->len) & code_mask);
		emit_smc_check(g, k + 1);
		if (k < r->k1)
			emit_x87_check(g, k + 1, r->k1); /* (its failures: k + 1's handler, next) */
		long at = em_jcc_fwd(e, -1, g->base);
		if (!e->over)
			em_fix(g->base, at, k == r->k1 ? r->end : g->xmain[k + 1]);
	}
}

/* SAHF (op_sahf()), inline: the lazy flags as flags_arith_set() leaves
 * them for SF ZF AF PF CF from AH and OF as it was (SH_OF): lf_res = 0,
 * which derives ZF = 1, SF = 0, PF = 1, so lf_aux = CF, AF and SF as AH
 * has them, ZF and PF inverted (AH ^ 44h, masked by D5h), OF at bit 11,
 * kind 0; lf_b is left as it was. When the Jcc after it is fused, the
 * host's flags from the guest's AH too (the host's own SAHF, where it
 * has one: the same five flags). */
static void emit_sahf(struct cg *g, unsigned k)
{
	struct em *e = &g->e;
	ensure(g, REG_AX);
	emit_shared_call(g, SH_OF);
	em_shift_ri(e, false, H_RAX, 11);
	em_mov_rr(e, 4, H_RCX, host(REG_AX));
	em_shift_ri(e, true, H_RCX, 8);
	em_alu_ri(e, ALU_XOR, 4, H_RCX, FLAG_ZF | FLAG_PF);
	em_alu_ri(e, ALU_AND, 4, H_RCX, FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF);
	em_alu_rr(e, ALU_OR, 4, H_RAX, H_RCX);
	em_store(e, 4, H_RAX, H_RBX, OFF(in.lf_aux));
	em_store_imm(e, 4, H_RBX, OFF(in.lf_res), 0);
	if (g->fused[k]) {
		em_mov_rr(e, 4, H_RAX, host(REG_AX));
		if (em_room(e, 1))
			em_b(e, 0x9E); /* sahf */
	}
}

/* A Jcc right after a Jcc that branched on the host's flags (fused with
 * the instruction before it, or itself chained) branches on them too
 * when they serve its condition (host_flags_ok()): the code of the Jcc
 * before it (emit_jcc_leave()) leaves them as they were on the way that
 * goes on, the only way into the next entry's code. In the nmake build
 * the second Jcc of CMP; JL; JG and the like took 0.68 M of the 1.69 M
 * jit_cond() calls (docs/cpu-speed.md, "Session 18"). */
static void chain_jccs(struct cg *g, unsigned n)
{
	int src = -1; /* the instruction whose host flags reach entry k */
	for (unsigned k = 0; k < n; k++) {
		const struct insn *i = &g->b->ins[k];
		g->chained[k] = false;
		if (!is_jcc(i) || g->f[k].k != IK_JCC) {
			src = g->fused[k] ? (int)k : -1;
			continue;
		}
		if (src >= 0 && k > 0 && !g->fused[k - 1])
			g->chained[k] = host_flags_ok(&g->f[src], i->op & 0xF, g->features);
		if (!g->chained[k] && (k == 0 || !g->fused[k - 1]))
			src = -1;
	}
}

bool jit_worth(const struct bc_block *b)
{
	const bool real = !((b->tag >> 32) & (BC_PE | BC_V86)); /* (IK_FAR: jit_emit_block()) */
	unsigned calls = 0;
	for (unsigned k = 0; k < b->ninsns; k++) {
		const enum ik kind = classify(&b->ins[k]).k;
		calls += kind == IK_CALL || ((kind == IK_FAR || kind == IK_SEG) && !real);
	}
	return calls * 3 <= b->ninsns;
}

/* One pass of code generation for g->b from `start`: the prologue (in a
 * g->loop pass, also the loads of loop_used), the body, the slow paths and
 * the exits. */
static void emit_pass(struct cg *g, const struct em *start)
{
	const struct bc_block *b = g->b;
	const unsigned n = b->ninsns;
	const uint32_t code_mask = g->code_mask;
	g->e = *start;
	g->cached = g->dirty = g->used = g->wrote = 0;
	g->nfix = g->nslow = g->nfb = g->nxslow = g->nxrun = 0;
	g->x87_note = -1;
	g->self_loop = false;
	em_push(&g->e, H_RBX);
	em_push(&g->e, H_R12);
	em_push(&g->e, H_R13);
	em_push(&g->e, H_R13 + 1);
	em_push(&g->e, H_R13 + 2);
	em_lea(&g->e, H_RBX, H_RDI, JIT_CPU_BIAS);
	if (!g->e.over && g->e.p - start->p != JIT_FRAME_BYTES)
		g->e.over = true; /* (the link stub enters past it) */
	if (g->loop) {
		for (unsigned r = 0; r < 8; r++)
			if (g->loop_used & (1u << r))
				ensure(g, r);
		g->dirty = g->loop_wrote;
	}
	g->body = g->e.p - g->base;
	bool ended = false;
	for (unsigned k = 0; k < n && !g->e.over;) {
		const struct insn *i = &b->ins[k];
		const struct iform *f = &g->f[k];
		if (f->k != IK_X87 && f->k != IK_NOP)
			emit_x87_note(g);
		switch (f->k) {
		case IK_NOP:
			break;
		case IK_X87: {
			const unsigned k1 = g->xop[k].fnstsw ? k : x87_run_end(g, k, n);
			if (k1 > k) {
				emit_x87_run(g, k, k1);
				k = k1 + 1;
				continue;
			}
			if (x87_is_wait(g, k)) {
				emit_x87_note(g);
				if (!emit_x87_wait(g, k))
					emit_call(g, k, code_mask);
				break;
			}
			emit_x87(g, k, i);
			break;
		}
		case IK_SAHF:
			emit_sahf(g, k);
			break;
		case IK_CALL:
			emit_call(g, k, code_mask);
			ended = i->term >= TERM_ALWAYS; /* (recording ends a block there) */
			break;
		case IK_ALU:
		case IK_TEST:
			emit_alu(g, f);
			break;
		case IK_ADC:
			emit_adc(g, f);
			break;
		case IK_INCDEC:
			emit_incdec(g, f);
			break;
		case IK_SHIFT:
			emit_shift(g, f);
			break;
		case IK_SHIFT_CL:
			emit_shift_cl(g, k, f);
			break;
		case IK_STRING:
			emit_string(g, k, i, f);
			break;
		case IK_INCDEC_M:
			emit_mem(g, k, i, f);
			break;
		case IK_MOV:
			emit_mov(g, f);
			break;
		case IK_MOVI:
			emit_movi(g, f);
			break;
		case IK_LEA:
			emit_lea(g, i, f);
			break;
		case IK_LOAD:
		case IK_STORE:
		case IK_ALU_RM:
		case IK_ALU_M:
		case IK_PUSH:
		case IK_POP:
		case IK_PUSHX:
		case IK_MOVMI:
			emit_mem(g, k, i, f);
			break;
		case IK_CBW:
			emit_cbw(g, f);
			break;
		case IK_XCHG:
			emit_xchg(g, f);
			break;
		case IK_UNARY:
			emit_unary(g, f);
			break;
		case IK_MOVSR:
			emit_movsr(g, k, i, f);
			break;
		case IK_MUL:
			emit_mul(g, k, i, f);
			break;
		case IK_DIV:
			emit_div(g, k, i, f);
			break;
		case IK_DF:
			/* CLD, STD (op_flagop()): DF in c->in.flags, the same in
			 * every mode (no privilege check, no trap). The handler's
			 * cpu_update_events() changes nothing here: c->in.events
			 * does not read DF, and whatever changes what it reads
			 * updates it (cpu.c). */
			em_alu_mem8_imm(&g->e, f->aop ? ALU_OR : ALU_AND, H_RBX, OFF(in.flags) + 1,
					(uint8_t)(f->aop ? FLAG_DF >> 8 : ~(FLAG_DF >> 8)));
			break;
		case IK_JMPRM:
			emit_jmp_rm(g, k, i, f);
			break;
		case IK_CALLREL:
		case IK_RET:
		case IK_FAR:
		case IK_SEG:
			emit_mem(g, k, i, f);
			ended = true;
			break;
		case IK_JMP: {
			const uint32_t target = (i->ip + i->len + i->imm) & ip_mask(i);
			if (k + 1 < n && b->ins[k + 1].ip == target)
				break; /* inside the block (block_cache.c jmp_inside()): on to its target, next */
			emit_leave_jump(g, k, target, !(b->nolimit && i->wsz == 2));
			ended = true;
			break;
		}
		case IK_JCC:
			if (g->chained[k])
				emit_jcc_leave(g, k, i, b->nolimit, (int)(i->op & 0xF));
			else if (((i->op & 0xF) >> 1) == 2 || ((i->op & 0xF) >> 1) == 4)
				emit_jcc_zs(g, k, i, b->nolimit);
			else if (((i->op & 0xF) >> 1) == 1 || ((i->op & 0xF) >> 1) == 3 || (i->op & 0xF) >= 0xC)
				emit_jcc_cf_of(g, k, i, b->nolimit);
			else
				emit_jcc(g, k, i, b->nolimit);
			break;
		case IK_LOOP: {
			const unsigned h = dst_begin(g, REG_CX, f->sz);
			em_incdec(&g->e, f->sz, true, h);
			dst_end(g, REG_CX, f->sz);
			long skip = em_jcc_fwd(&g->e, 4 /* E */, g->base);
			emit_leave_jump(g, k, (i->ip + i->len + i->imm) & size_mask(f->sz), true);
			if (!g->e.over)
				em_fix(g->base, skip, g->e.p - g->base);
			break;
		}
		}
		g->used |= g->cached;
		g->wrote |= g->dirty;
		if (ended)
			break;
		if (g->fused[k]) {
			/* The Jcc at k + 1 on the host's flags. */
			emit_jcc_leave(g, k + 1, &b->ins[k + 1], b->nolimit, (int)(b->ins[k + 1].op & 0xF));
			k += 2;
		} else {
			k++;
		}
	}
	if (!ended) {
		/* The end entry (block_end()). */
		emit_x87_note(g);
		emit_flush(g);
		em_store_imm(&g->e, 4, H_RBX, OFF(ip), b->ins[n].ip);
		to_link(g, -1, n);
	}
	emit_slow_paths(g);
	for (unsigned n = 0; n < g->nxslow && !g->e.over; n++)
		emit_x87_slow(g, &g->xslow[n]);
	for (unsigned n = 0; n < g->nxrun && !g->e.over; n++)
		emit_x87_run_slow(g, &g->xrun[n]);
	emit_exits(g);
}

bool jit_emit_block(struct em *e, const struct bc_block *b, const uint8_t *stub, unsigned features)
{
	/* (not calloc(): the arrays are large and filled as far as used) */
	struct cg *g = malloc(sizeof(*g));
	if (!g)
		return false;
	g->base = e->p;
	g->b = b;
	g->stub = stub;
	g->features = features;
	/* The block's code size is part of its context (BC_CODE32). */
	g->code_mask = ((b->tag >> 32) & BC_CODE32) ? 0xFFFFFFFFu : 0xFFFF;
	const unsigned n = b->ninsns;
	for (unsigned k = 0; k < n; k++) {
		g->f[k] = classify(&b->ins[k]);
		if (g->f[k].k == IK_PUSHX || g->f[k].k == IK_FAR || g->f[k].k == IK_JMPRM)
			g->f[k].s32 = ((b->tag >> 32) & BC_STACK32) != 0;
		if ((g->f[k].k == IK_FAR || g->f[k].k == IK_SEG) && ((b->tag >> 32) & (BC_PE | BC_V86)))
			g->f[k].k = IK_CALL;
		if ((g->f[k].k == IK_X87 && b->ins[k].impl == op_wait) || g->f[k].k == IK_NOP)
			g->xop[k] = (struct fpu_jit_op){ .fn = NULL };
		else if (g->f[k].k == IK_X87 && !fpu_jit_op(&b->ins[k], &g->xop[k]))
			g->f[k].k = IK_CALL;
	}
	g->fused[n - 1] = false;
	for (unsigned k = 0; k + 1 < n; k++)
		g->fused[k] = g->f[k].k != IK_CALL && is_jcc(&b->ins[k + 1]) &&
			      host_flags_ok(&g->f[k], b->ins[k + 1].op & 0xF, g->features);
	chain_jccs(g, n);
	dead_flags(g, n);
	g->loop = false;
	emit_pass(g, e);
	if (g->self_loop && !g->e.over) {
		/* Again, keeping the registers the first pass used in host
		 * registers across the jumps back (emit_loop_back()). */
		g->loop = true;
		g->loop_used = g->used;
		g->loop_wrote = g->wrote;
		emit_pass(g, e);
	}
	*e = g->e;
	free(g);
	return !e->over;
}
