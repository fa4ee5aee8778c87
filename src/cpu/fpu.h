/*
 * fpu.h - what the x87's files share (fpu.c: state, exceptions and the
 * environment; fpu_ops.c: instruction decode; fpu_trans.c: the
 * transcendental instructions; fpu_arith.c: the arithmetic).
 */
#ifndef MVDM_CPU_FPU_H
#define MVDM_CPU_FPU_H

#include "cpu/cpu_internal.h"
#include "cpu/fpu_arith.h"

/* Status word bits (SDM Vol. 1 8.1.3). */
enum {
	SW_ES = 0x80, SW_C0 = 0x100, SW_C1 = 0x200, SW_C2 = 0x400, SW_C3 = 0x4000, SW_B = 0x8000,
	SW_CC = SW_C0 | SW_C1 | SW_C2 | SW_C3,
};
/* Control word: the 8087's interrupt-enable mask (IEM, 8087 manual). */
enum { CW_IEM = 0x80 };

static inline unsigned st_phys(const struct cpu_x87 *f, unsigned i) { return (f->top + i) & 7u; }

static inline f80 st_get(const struct cpu_x87 *f, unsigned i)
{
	const unsigned p = st_phys(f, i);
	f80 v = { f->m[p], f->se[p] };
	return v;
}

static inline void st_set(struct cpu_x87 *f, unsigned i, f80 v)
{
	const unsigned p = st_phys(f, i);
	f->m[p] = v.m;
	f->se[p] = v.se;
	f->empty &= (uint8_t)~(1u << p);
}

static inline bool st_empty(const struct cpu_x87 *f, unsigned i)
{
	return (f->empty >> st_phys(f, i)) & 1u;
}

static inline void st_pop(struct cpu_x87 *f)
{
	f->empty |= (uint8_t)(1u << f->top);
	f->top = (f->top + 1) & 7u;
}

static inline void st_push(struct cpu_x87 *f, f80 v)
{
	f->top = (f->top - 1) & 7u;
	st_set(f, 0, v);
}

/* Control word: infinity control (IC, bit 12; 1 = affine), meaningful
 * on the 8087 and 287 only (SDM Vol. 3 22.18.3). */
enum { CW_IC = 0x1000 };

/* The arithmetic rules of the coprocessor model (fpu_arith.h FM_*): the
 * 8087's and 287's, with projective closure while IC is clear; none on
 * the 387 and later, which keep IC in CW but ignore it. */
static inline uint8_t fpu_mode(const struct cpu *c)
{
	if (c->fpu == CPU_FPU_80387)
		return 0;
	return (uint8_t)(FM_287 | ((c->x87.cw & CW_IC) ? 0 : FM_PROJ));
}

/* The arithmetic context of the control word (PC 00: 24 bits, 10: 53,
 * 11: 64; the reserved 01 rounds as 64 here) and of the model. */
static inline struct fctx fpu_ctx(const struct cpu *c)
{
	static const uint8_t prec[4] = { 24, 64, 53, 64 };
	const uint16_t cw = c->x87.cw;
	struct fctx x = { (uint8_t)((cw >> 10) & 3), prec[(cw >> 8) & 3], (uint8_t)(cw & 0x3F), 0, false, fpu_mode(c) };
	return x;
}

static inline void fpu_set_c1(struct cpu_x87 *f, bool on)
{
	f->sw = (uint16_t)((f->sw & ~SW_C1) | (on ? SW_C1 : 0));
}

/* Set the exception flags exc (FX_*): ES and B when one is unmasked, and
 * the error output (fpu.c). */
void fpu_raise(struct cpu *c, unsigned exc);
/* ES follows the flags and masks again (FLDCW, FLDENV, FRSTOR, FNCLEX). */
void fpu_update_es(struct cpu *c);
/* The flags of a stack fault: IE and SF on the 387 and later; IE only
 * on the 8087 and 287, where bit 6 is reserved (SDM Vol. 3 22.18.2.2). */
static inline unsigned fpu_stack_fault_flags(const struct cpu *c)
{
	return c->fpu == CPU_FPU_80387 ? FX_IE | FX_SF : FX_IE;
}
/* A stack fault: those flags; on the 387 also C1 = overflow (22.18.2.2:
 * the 16-bit coprocessors set only IE, so C1 is left as it was). */
static inline void fpu_stack_fault(struct cpu *c, bool overflow)
{
	if (c->fpu == CPU_FPU_80387)
		fpu_set_c1(&c->x87, overflow);
	fpu_raise(c, fpu_stack_fault_flags(c));
}

/* The tag word from the contents (SDM Vol. 1 8.1.7) as the model tags
 * them. */
uint16_t fpu_tag_word(const struct cpu *c);
/* FNSTENV/FLDENV (save = false) and FNSAVE/FRSTOR (with the registers) at
 * seg:off in the format of the mode and operand size (SDM Vol. 1 8.1.10,
 * Figures 8-9 to 8-12). */
void fpu_store_env(struct cpu *c, unsigned seg, uint32_t off, unsigned osz, bool regs);
void fpu_load_env(struct cpu *c, unsigned seg, uint32_t off, unsigned osz, bool regs);

/* D9 F0-FF minus the non-transcendental ones: F2XM1, FYL2X, FPTAN,
 * FPATAN, FYL2XP1, FSINCOS, FSIN, FCOS (fpu_trans.c). */
void fpu_transcendental(struct cpu *c, unsigned modrm);

/* Execute an ESC instruction on an attached FPU (fpu_ops.c), and the
 * pending-exception check of WAIT and the waiting instructions. */
void fpu_exec(struct cpu *c, const struct insn *i);
/* ESC (ops_misc.c), the table's handler of D8h-DFh. */
void op_esc(struct cpu *c, const struct insn *i);
/* The handler pair (handler, threaded twin) for a decoded ESC
 * instruction: fpu_fast.c's for the common forms (the same results as
 * op_esc()), else NULL (op_esc). */
const struct op_pair *fpu_pick(const struct insn *i);
/* first and next are consecutive in a block being recorded, first an ESC
 * instruction: when both have fast paths, first's runs next's as part of
 * a run (fpu_fast.c). Called by cpu_fuse(). */
void fpu_fuse(struct insn *first, const struct insn *next);
void fpu_check_pending(struct cpu *c);
/* An ESC instruction as compiled code runs it (jit_compile.c), when it
 * has a fast path (fpu_pick()) and that is still its handler (impl):
 * - fn runs the fast path: the readiness check (coprocessor attached,
 *   CR0.EM/TS clear, no unmasked exception pending), the operation and
 *   FDS:FDP, all or nothing; false when it changed nothing, and the
 *   caller must then run the handler (impl, the general path). The
 *   operand of `size` bytes (0: none) at offset ea of i->seg is at host
 *   address p, found through the TLB for a read or (write) a write.
 *   FCS:FIP/FOP are left to the caller (they must be the last
 *   instruction's whenever anything outside can read them).
 * - sfn does what fn does for a caller that has checked, for a run of
 *   such instructions, what fn checks but the operands' and the result's
 *   classes: the coprocessor ready; CW with PC 53 or 64 bits, RC to
 *   nearest and PE masked ((cw & 0E20h) == 0220h); when
 *   fpu_jit_host_double(), the host's MXCSR (below); and for this
 *   instruction, before it runs, the registers ST(x) of bits x in `full`
 *   full and, when it pushes (`push`), ST(7) empty. Then it changes
 *   nothing but for what those registers hold, declines only when the
 *   operands or the result are not of its kernel's classes, and sets the
 *   registers of `fills` (ST(x)) full, then pops `pops` times.
 * - fnstsw: FNSTSW AX, or with size 2 (write) FNSTSW m16, which the
 *   caller compiles inline (fn NULL; no FIP/FOP/FDP, no pending-exception
 *   check, #NM: CR0.EM/TS or no FPU; the word through the TLB). */
struct fpu_jit_op {
	bool (*fn)(struct cpu *c, const struct insn *i, uint32_t ea, uint8_t *p);
	bool (*sfn)(struct cpu *c, const struct insn *i, uint32_t ea, uint8_t *p);
	uint8_t size;
	bool write;
	bool fnstsw;
	uint8_t full, fills;
	bool push;
	uint8_t pops;
	uint8_t inl; /* enum fpu_jit_inline */
};
/* sfn's that a run may compile inline instead of calling them: they
 * never decline (any register contents) and only move registers, so
 * their effect under sfn's conditions is fixed: FPU_JIT_FLD_ST pushes a
 * copy of ST(i); FPU_JIT_FST_ST copies ST(0) to ST(i) and marks it full,
 * then pops `pops` times (FST, FSTP); FPU_JIT_FXCH swaps ST(0) and ST(i);
 * each clears C1 (fpu_fast.c fld_st(), fst_st(), fxch()). i: insn rm. */
enum fpu_jit_inline {
	FPU_JIT_CALL, FPU_JIT_FLD_ST, FPU_JIT_FST_ST, FPU_JIT_FXCH, FPU_JIT_FLD_M64, FPU_JIT_FST_M64, FPU_JIT_FMUL_ST,
	FPU_JIT_FMUL_M64, FPU_JIT_SUM_ST, FPU_JIT_SUM_M64
};
/* FPU_JIT_FLD_M64 and FPU_JIT_FST_M64 (FLD m64real; FST, FSTP m64real:
 * `pops`) are inline first tries, for the common case only, before sfn:
 * FLD of a normal double (pushed exactly as fpu_fast.h ff_from_f64()
 * converts it), FST of an ST(0) that is a double exactly (normal, 53
 * significant bits, its exponent in the double's normal range: stored
 * without rounding, as ff_to_f64()'s first case). Each clears C1 and
 * writes FDS:FDP. Any other operand: sfn, as without the first try.
 * FPU_JIT_FMUL_ST (FMUL ST(0), ST(i); FMUL ST(i), ST(0); FMULP ST(i),
 * ST(0): the register written ST(0) for D8h, else ST(i); `pops`) is an
 * inline first try too: the product of two normal numbers whose result
 * is normal, as fpu_fast.h ff_mul_normal() (PC 53 or 64, RC to nearest:
 * C1, PE), then the pop; any other operand or result: sfn. So is
 * FPU_JIT_FMUL_M64 (FMUL m64real of a normal double, then FDS:FDP), and
 * FPU_JIT_SUM_ST (FADD, FSUB, FSUBR with ST(i): the sum or difference of
 * two normal numbers whose exponents are at most 63 apart and whose
 * result is normal, as ff_add() with PC 53 or 64 to nearest; then the
 * pop of the DEh forms), and FPU_JIT_SUM_M64 (FADD, FSUB, FSUBR m64real
 * of a normal double, the same; then FDS:FDP). */
bool fpu_jit_op(const struct insn *i, struct fpu_jit_op *op);

/* Whether the sfn of fpu_jit_op() also need the host's MXCSR to ask for
 * IEEE binary64 to nearest ((MXCSR & FF80h) == 1F80h: RC nearest, FZ
 * clear, every exception masked), checked by the caller with the rest
 * (fpu_fast.h, "the sum in the host's doubles"). */
bool fpu_jit_host_double(void);

/* The 80-bit value at seg:off and storing one. */
f80 fpu_read80(struct cpu *c, unsigned seg, uint32_t off);
void fpu_write80(struct cpu *c, unsigned seg, uint32_t off, f80 v);

#endif
