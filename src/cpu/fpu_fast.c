/*
 * fpu_fast.c - the x87 handlers picked at decode time (cpu_specialize()
 * through fpu_pick()) for the forms compiled floating-point code runs
 * most, each with its threaded twin (docs/x87.md, "Speed").
 *
 * Contract
 * --------
 * - A handler runs its fast path only when the coprocessor is ready for
 *   it: one is attached, CR0.EM and TS are clear and no unmasked exception
 *   is pending (ES clear). Its operands must be of the classes its kernel
 *   takes (fpu_fast.h), the registers it reads full and those it pushes
 *   to empty, a memory operand in one page that the TLB maps for the
 *   access, and the result must raise nothing unmasked.
 * - Otherwise it changes nothing and runs op_esc() (the table's handler:
 *   #NM, the pending-exception check, fpu_ops.c's general paths), so the
 *   result is always the general path's. The fast path itself cannot fault
 *   or leave the CPU: the threaded twins record the running instruction
 *   (insn_current()) only before they call op_esc().
 * - The fast path records FCS:FIP, FOP and FDS:FDP as fpu_ops.c does.
 */
#include "cpu/block_cache.h"
#include "cpu/fpu.h"
#include "cpu/fpu_fast.h"

/* The coprocessor takes the fast paths (else op_esc() decides). */
FF_INLINE bool ready(const struct cpu *c)
{
	return likely(!((c->x87.sw & SW_ES) | (c->in.cr0 & (CR0_EM | CR0_TS)))) && c->fpu;
}

/* FCS:FIP and FOP (80387 PRM 2.5). Threaded code keeps no insn_ip: the
 * recorded instruction has the IP. */
FF_INLINE void note_ip(struct cpu *c, const struct insn *i, bool thr)
{
	struct cpu_x87 *f = &c->x87;
	f->fcs = c->seg[SEG_CS];
	f->fip = thr || c->in.blk ? i->ip : c->in.insn_ip;
	f->fop = (uint16_t)((i->op & 7u) << 8 | i->modrm);
}

/* FDS:FDP of a memory operand at ea. */
FF_INLINE void note_data(struct cpu *c, const struct insn *i, uint32_t ea)
{
	c->x87.fds = c->seg[i->seg];
	c->x87.fdp = ea;
}

/* Memory operands through the TLB only (a page-crossing access, a segment
 * limit to check or a page without a TLB entry is the general path's). */
FF_INLINE const uint8_t *rd_ptr(struct cpu *c, unsigned seg, uint32_t off, unsigned n)
{
	if ((uint64_t)off + (n - 1) >= c->in.rd_end[seg])
		return NULL;
	const uint32_t lin = c->seg_base[seg] + off;
	const struct cpu_tlbe *e = tlb_entry(c, lin);
	if (!tlb_hit(e->rd, lin, n))
		return NULL;
	return (const uint8_t *)(e->addend + lin);
}

FF_INLINE uint8_t *wr_ptr(struct cpu *c, unsigned seg, uint32_t off, unsigned n)
{
	if ((uint64_t)off + (n - 1) >= c->in.wr_end[seg])
		return NULL;
	const uint32_t lin = c->seg_base[seg] + off;
	const struct cpu_tlbe *e = tlb_entry(c, lin);
	if (!tlb_hit(e->wr, lin, n))
		return NULL;
	return (uint8_t *)(e->addend + lin);
}

/* ---- the register stack ---- */

FF_INLINE bool full(const struct cpu_x87 *f, unsigned p)
{
	return !((f->empty >> p) & 1);
}

FF_INLINE f80 reg_at(const struct cpu_x87 *f, unsigned p)
{
	f80 v = { f->m[p], f->se[p] };
	return v;
}

FF_INLINE void set_at(struct cpu_x87 *f, unsigned p, f80 v)
{
	f->m[p] = v.m;
	f->se[p] = v.se;
	f->empty &= (uint8_t)~(1u << p);
}

/* The same for a register known to be full. */
FF_INLINE void put_full(struct cpu_x87 *f, unsigned p, f80 v)
{
	f->m[p] = v.m;
	f->se[p] = v.se;
}

FF_INLINE void pop(struct cpu_x87 *f)
{
	f->empty |= (uint8_t)(1u << f->top);
	f->top = (f->top + 1) & 7u;
}

/* Push v (ST(7) checked empty by the caller). */
FF_INLINE void push(struct cpu_x87 *f, f80 v)
{
	f->top = (f->top - 1) & 7u;
	set_at(f, f->top, v);
}

FF_INLINE bool can_push(const struct cpu_x87 *f)
{
	return !full(f, (f->top - 1) & 7u);
}

/* The status word after a result: C1 and PE from the kernel's flags. */
FF_INLINE void set_flags(struct cpu_x87 *f, unsigned fl)
{
	f->sw = (uint16_t)((f->sw & ~SW_C1) | fl);
}

/* A compare's condition codes (C1 = 0). */
FF_INLINE void set_cc(struct cpu_x87 *f, int r)
{
	const uint16_t cc = r == 0 ? SW_C3 : r < 0 ? SW_C0 : 0;
	f->sw = (uint16_t)((f->sw & ~SW_CC) | cc);
}

/* FCOM/FCOMP with a memory operand b (k: 2 FCOM, 3 FCOMP), its checks
 * passed: the data pointer, C3/C2/C0 and the pop. */
FF_INLINE void compare_mem(struct cpu *c, const struct insn *i, uint32_t ea, unsigned k, f80 a, f80 b)
{
	struct cpu_x87 *f = &c->x87;
	note_data(c, i, ea);
	set_cc(f, ff_compare(a, b));
	if (k == 3)
		pop(f);
}

/* The arithmetic group by the reg field: 0 FADD, 1 FMUL, 4 FSUB (a - b),
 * 5 FSUBR (b - a), 6 FDIV (a / b), 7 FDIVR (b / a). */
FF_INLINE bool arith(unsigned P, unsigned R, unsigned k, f80 a, f80 b, f80 *r, unsigned *fl)
{
	switch (k) {
	case 0: return ff_add(P, R, a, b, false, r, fl);
	case 1: return ff_mul(P, R, a, b, r, fl);
	case 4: return ff_add(P, R, a, b, true, r, fl);
	case 5: return ff_add(P, R, b, a, true, r, fl);
	case 6: return ff_div(P, R, a, b, r, fl);
	default: return ff_div(P, R, b, a, r, fl);
	}
}

/* ---- the fast paths: true when done, false when nothing changed ---- */

/* D8 (m32real) and DC (m64real) /k: arithmetic, FCOM, FCOMP, on the
 * operand at host address p (offset ea, for FDP). */
FF_INLINE bool mem_arith_at(struct cpu *c, const struct insn *i, unsigned P, unsigned R, unsigned esc,
			    unsigned k, uint32_t ea, const uint8_t *p, bool T)
{
	struct cpu_x87 *f = &c->x87;
	f80 b;
	if (esc == 4) {
		uint64_t v;
		memcpy(&v, p, 8);
#ifdef FF_HOST_DOUBLE
		/* FADD, FSUB, FSUBR m64 with PC 53 to nearest: the sum of the
		 * operand as it is and ST(0) as a double (fpu_fast.h). */
		uint64_t a64;
		f80 r;
		unsigned fl;
		if (P == 53 && R == RC_NEAR && (k == 0 || k == 4 || k == 5) && (T || full(f, f->top)) &&
		    ff_f64_addable(v) && ff_as_f64(reg_at(f, f->top), &a64) &&
		    ff_add_f64_bits(k == 5 ? v : a64, (k == 5 ? a64 : v) ^ (uint64_t)(k != 0) << 63, &r, &fl) &&
		    (T || !(fl & ~f->cw & FF_PE))) {
			note_data(c, i, ea);
			put_full(f, f->top, r);
			set_flags(f, fl);
			return true;
		}
#endif
		if (!ff_from_f64(v, &b))
			return false;
	} else {
		uint32_t v;
		memcpy(&v, p, 4);
		if (!ff_from_f32(v, &b))
			return false;
	}
	const unsigned t = f->top;
	if (!T && !full(f, t))
		return false;
	const f80 a = reg_at(f, t);
	if (k == 2 || k == 3) {
		if (!ff_is_normal_or_zero(a))
			return false;
		compare_mem(c, i, ea, k, a, b);
		return true;
	}
	f80 r;
	unsigned fl;
	if (!arith(P, R, k, a, b, &r, &fl) || (!T && (fl & ~f->cw & FF_PE)))
		return false;
	note_data(c, i, ea);
	put_full(f, t, r);
	set_flags(f, fl);
	return true;
}

FF_INLINE bool mem_arith(struct cpu *c, const struct insn *i, unsigned P, unsigned R, unsigned esc,
			 unsigned k)
{
	const uint32_t ea = insn_ea(c, i);
	const uint8_t *p = rd_ptr(c, i->seg, ea, esc == 4 ? 8 : 4);
	return p && mem_arith_at(c, i, P, R, esc, k, ea, p, false);
}

/* D8, DC, DE with ST(i) /k: arithmetic (DE pops). */
FF_INLINE bool reg_arith(struct cpu *c, const struct insn *i, unsigned P, unsigned R, unsigned esc,
			 unsigned k, bool T)
{
	struct cpu_x87 *f = &c->x87;
	const unsigned t = f->top, p = (t + i->rm) & 7u;
	if (!T && (!full(f, t) || !full(f, p)))
		return false;
	f80 r;
	unsigned fl;
	if (!arith(P, R, k, reg_at(f, t), reg_at(f, p), &r, &fl) || (!T && (fl & ~f->cw & FF_PE)))
		return false;
	put_full(f, esc ? p : t, r);
	set_flags(f, fl);
	if (esc == 6)
		pop(f);
	return true;
}

/* FCOM, FCOMP ST(i) (D8 D0+i, D8+i), FCOMPP (DE D9) and, on the 387,
 * FUCOM, FUCOMP ST(i) (DD E0+i, E8+i) and FUCOMPP (DA E9): the same for
 * normal numbers and zeros. */
FF_INLINE bool reg_compare(struct cpu *c, const struct insn *i, unsigned pops, bool unordered, bool T)
{
	struct cpu_x87 *f = &c->x87;
	if (unordered && c->fpu != CPU_FPU_80387)
		return false;
	const unsigned t = f->top, p = (t + i->rm) & 7u;
	if (!T && (!full(f, t) || !full(f, p)))
		return false;
	const f80 a = reg_at(f, t), b = reg_at(f, p);
	if (!ff_is_normal_or_zero(a) || !ff_is_normal_or_zero(b))
		return false;
	set_cc(f, ff_compare(a, b));
	while (pops--)
		pop(f);
	return true;
}

/* FTST (D9 E4). */
FF_INLINE bool ftst(struct cpu *c, bool T)
{
	struct cpu_x87 *f = &c->x87;
	if (!T && !full(f, f->top))
		return false;
	const f80 a = reg_at(f, f->top);
	if (!ff_is_normal_or_zero(a))
		return false;
	set_cc(f, ff_is_zero(a) ? 0 : f80_sign(a) ? -1 : 1);
	return true;
}

/* FLD m32real (D9 /0), m64real (DD /0), FILD m16int (DF /0), m32int
 * (DB /0). */
enum load_kind { LD_F32, LD_F64, LD_I16, LD_I32 };

FF_INLINE bool mem_load_at(struct cpu *c, const struct insn *i, enum load_kind k, uint32_t ea, const uint8_t *p, bool T)
{
	struct cpu_x87 *f = &c->x87;
	if (!T && !can_push(f))
		return false;
	f80 v;
	switch (k) {
	case LD_F32: {
		uint32_t w;
		memcpy(&w, p, 4);
		if (!ff_from_f32(w, &v))
			return false;
		break;
	}
	case LD_F64: {
		uint64_t w;
		memcpy(&w, p, 8);
		if (!ff_from_f64(w, &v))
			return false;
		break;
	}
	case LD_I16: {
		int16_t w;
		memcpy(&w, p, 2);
		v = ff_from_int(w);
		break;
	}
	default: {
		int32_t w;
		memcpy(&w, p, 4);
		v = ff_from_int(w);
		break;
	}
	}
	note_data(c, i, ea);
	push(f, v);
	set_flags(f, 0);
	return true;
}

static const uint8_t load_size[] = { 4, 8, 2, 4 };

FF_INLINE bool mem_load(struct cpu *c, const struct insn *i, enum load_kind k)
{
	const uint32_t ea = insn_ea(c, i);
	const uint8_t *p = rd_ptr(c, i->seg, ea, load_size[k]);
	return p && mem_load_at(c, i, k, ea, p, false);
}

/* FST/FSTP m32real (D9 /2, /3) and m64real (DD /2, /3). */
FF_INLINE bool mem_store_at(struct cpu *c, const struct insn *i, bool dbl, uint32_t ea, uint8_t *p, bool T)
{
	struct cpu_x87 *f = &c->x87;
	const unsigned t = f->top;
	if (!T && !full(f, t))
		return false;
	const f80 a = reg_at(f, t);
	unsigned fl;
	bool ok;
	if (dbl) {
		uint64_t v;
		if (T)
			ok = ff_to_f64(RC_NEAR, a, &v, &fl);
		else
			FF_BY_RC(f->cw, ok, ff_to_f64, a, &v, &fl);
		if (!ok || (!T && (fl & ~f->cw & FF_PE)))
			return false;
		memcpy(p, &v, 8);
	} else {
		uint32_t v;
		if (T)
			ok = ff_to_f32(RC_NEAR, a, &v, &fl);
		else
			FF_BY_RC(f->cw, ok, ff_to_f32, a, &v, &fl);
		if (!ok || (!T && (fl & ~f->cw & FF_PE)))
			return false;
		memcpy(p, &v, 4);
	}
	note_data(c, i, ea);
	set_flags(f, fl);
	if (i->reg == 3)
		pop(f);
	return true;
}

FF_INLINE bool mem_store(struct cpu *c, const struct insn *i, bool dbl)
{
	if (!full(&c->x87, c->x87.top))
		return false;
	const uint32_t ea = insn_ea(c, i);
	uint8_t *p = wr_ptr(c, i->seg, ea, dbl ? 8 : 4);
	return p && mem_store_at(c, i, dbl, ea, p, false);
}

/* FLD ST(i) (D9 C0+i): any contents. */
FF_INLINE bool fld_st(struct cpu *c, const struct insn *i, bool T)
{
	struct cpu_x87 *f = &c->x87;
	const unsigned p = (f->top + i->rm) & 7u;
	if (!T && (!full(f, p) || !can_push(f)))
		return false;
	push(f, reg_at(f, p));
	set_flags(f, 0);
	return true;
}

/* FST/FSTP ST(i) (DD D0+i, D8+i): any contents. */
FF_INLINE bool fst_st(struct cpu *c, const struct insn *i, bool T)
{
	struct cpu_x87 *f = &c->x87;
	const unsigned t = f->top;
	if (!T && !full(f, t))
		return false;
	set_at(f, (t + i->rm) & 7u, reg_at(f, t));
	set_flags(f, 0);
	if (i->reg == 3)
		pop(f);
	return true;
}

/* FXCH ST(i) (D9 C8+i). */
FF_INLINE bool fxch(struct cpu *c, const struct insn *i, bool T)
{
	struct cpu_x87 *f = &c->x87;
	const unsigned t = f->top, p = (t + i->rm) & 7u;
	if (!T && (!full(f, t) || !full(f, p)))
		return false;
	const f80 a = reg_at(f, t), b = reg_at(f, p);
	put_full(f, t, b);
	put_full(f, p, a);
	set_flags(f, 0);
	return true;
}

/* FCHS (D9 E0), FABS (D9 E1): any contents. */
FF_INLINE bool fsign(struct cpu *c, bool abs, bool T)
{
	struct cpu_x87 *f = &c->x87;
	const unsigned t = f->top;
	if (!T && !full(f, t))
		return false;
	f->se[t] = abs ? (uint16_t)(f->se[t] & 0x7FFF) : (uint16_t)(f->se[t] ^ 0x8000);
	set_flags(f, 0);
	return true;
}

/* FLD1 (D9 E8), FLDZ (D9 EE): exact under every RC. */
FF_INLINE bool fld_const(struct cpu *c, bool one, bool T)
{
	struct cpu_x87 *f = &c->x87;
	if (!T && !can_push(f))
		return false;
	push(f, one ? f80_make(false, F80_BIAS, F80_INT) : f80_zero(false));
	set_flags(f, 0);
	return true;
}

/* ---- the handlers, their threaded twins and the runs ----
 *
 * Every fast path X gets three functions:
 * - X (the handler, run outside threaded code): the readiness check, the
 *   fast path and FCS:FIP/FOP, else op_esc().
 * - X_t (the threaded twin): the same, then the next instruction.
 * - X_x (the run member): X_t without the readiness check, entered only
 *   from the fast path of the instruction before it in the block.
 * A run is a sequence of such instructions in a recorded block:
 * fpu_fuse() (called by cpu_fuse() for each pair of consecutive
 * instructions) marks an instruction whose successor has a member in imm
 * (unused by ESC instructions) with the successor's member index. When the
 * fast path of a marked instruction succeeds, the coprocessor is still
 * ready (a fast path never sets ES or changes CR0), so the successor's
 * member runs next, and the marked instruction leaves FCS:FIP and FOP to
 * it: only the last instruction of a run that completes writes them (FDS:
 * FDP are written by every instruction with a memory operand). A member
 * whose fast path declines first writes its predecessor's FCS:FIP/FOP
 * (decline()), so whatever the general path does is seen as after the
 * predecessor. */

/* FCS:FIP/FOP of the instruction before i when it is in the running
 * block and let i write them (a member of a run): only on the way to the
 * general path, so a fault there sees the predecessor recorded. Entered
 * as a twin instead, the predecessor ran its general path, which wrote
 * the same values. */
__attribute__((noinline)) static void decline(struct cpu *c, const struct insn *i)
{
	const struct bc_block *b = c->in.blk;
	if (b && i > b->ins && i[-1].ent->fn == op_esc && i[-1].imm)
		note_ip(c, i - 1, true);
	insn_current(c, i);
	op_esc(c, i);
	insn_chain(c, i);
}

/* The general way from a twin: op_esc() then the next instruction. */
__attribute__((noinline)) static void general_t(struct cpu *c, const struct insn *i)
{
	insn_current(c, i);
	op_esc(c, i);
	insn_chain(c, i);
}

/* Every fast path by number (0: none): fpu_pick() and fpu_fuse() find
 * an instruction's by fast_id(), and members[] is indexed by it. */
#define FF_IDS(X)                                                                                    \
	X(mem_0_0) X(mem_0_1) X(mem_0_2) X(mem_0_3) X(mem_0_4) X(mem_0_5) X(mem_0_6) X(mem_0_7)      \
	X(mem_4_0) X(mem_4_1) X(mem_4_2) X(mem_4_3) X(mem_4_4) X(mem_4_5) X(mem_4_6) X(mem_4_7)      \
	X(reg_0_0) X(reg_0_1) X(reg_0_4) X(reg_0_5) X(reg_0_6) X(reg_0_7)                            \
	X(reg_4_0) X(reg_4_1) X(reg_4_4) X(reg_4_5) X(reg_4_6) X(reg_4_7)                            \
	X(reg_6_0) X(reg_6_1) X(reg_6_4) X(reg_6_5) X(reg_6_6) X(reg_6_7)                            \
	X(fcom_st) X(fcompp) X(fucom_st) X(fucompp) X(ftst_h) X(fld_m32) X(fld_m64) X(fild_m16)      \
	X(fild_m32) X(fst_m32) X(fst_m64) X(fld_st_h) X(fst_st_h) X(fxch_h) X(fchs_h) X(fabs_h)      \
	X(fld1_h) X(fldz_h)
#define FF_ENUM(n) ID_##n,
enum { ID_NONE, FF_IDS(FF_ENUM) ID_FNSTSW, ID_FNSTSW_M, ID_COUNT };
static const op_fn members[ID_COUNT];

/* After a fast path: the successor's member, or FCS:FIP/FOP and the next
 * instruction. */
FF_INLINE void next(struct cpu *c, const struct insn *i)
{
	if (i->imm && likely(!c->in.smc_stop)) { /* (a stop: insn_chain() ends the block) */
		members[i->imm](c, i + 1);
		return;
	}
	note_ip(c, i, true);
	insn_chain(c, i);
}

/* The three functions from a fast path `call` (an expression of c and i),
 * and X_pair. All end in tail calls, so the fast path saves nothing. */
#define FF_HANDLER(name, call)                                                 \
	static void name(struct cpu *c, const struct insn *i)                 \
	{                                                                      \
		if (likely(ready(c) && (call)))                                \
			note_ip(c, i, false);                                  \
		else                                                           \
			op_esc(c, i);                                          \
	}                                                                      \
	static void name##_x(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		if (unlikely(!(call))) {                                       \
			decline(c, i);                                         \
			return;                                                \
		}                                                              \
		next(c, i);                                                    \
	}                                                                      \
	static void name##_t(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		if (unlikely(!ready(c))) {                                     \
			general_t(c, i);                                       \
			return;                                                \
		}                                                              \
		name##_x(c, i);                                                \
	}                                                                      \
	static const struct op_pair name##_pair = { name, name##_t, NULL };

/* The same for the arithmetic: the fast path's precision P and rounding
 * control R are constants in three copies (to nearest with 53 and 64
 * bits, what compiled code runs under, and one with both read from CW),
 * functions of their own that X_x jumps to by CW. */
#define FF_HANDLER_PR(name, call)                                                                    \
	static void name(struct cpu *c, const struct insn *i)                                       \
	{                                                                                            \
		const unsigned P = ff_prec(c->x87.cw), R = (c->x87.cw >> 10) & 3u;                   \
		if (likely(ready(c) && (call)))                                                      \
			note_ip(c, i, false);                                                        \
		else                                                                                 \
			op_esc(c, i);                                                                \
	}                                                                                            \
	FF_VARIANT(name##_53, call, 53, RC_NEAR)                                                     \
	FF_VARIANT(name##_64, call, 64, RC_NEAR)                                                     \
	FF_VARIANT(name##_any, call, ff_prec(c->x87.cw), (c->x87.cw >> 10) & 3u)                     \
	static void name##_x(struct cpu *c, const struct insn *i)                                   \
	{                                                                                            \
		switch ((c->x87.cw >> 8) & 0xF) {                                                    \
		case 0x2: name##_53(c, i); return;                                                   \
		case 0x3: name##_64(c, i); return;                                                   \
		default: name##_any(c, i); return;                                                   \
		}                                                                                    \
	}                                                                                            \
	static void name##_t(struct cpu *c, const struct insn *i)                                   \
	{                                                                                            \
		if (unlikely(!ready(c))) {                                                           \
			general_t(c, i);                                                             \
			return;                                                              \
		}                                                                                    \
		name##_x(c, i);                                                                      \
	}                                                                                            \
	static const struct op_pair name##_pair = { name, name##_t, NULL };
#define FF_VARIANT(vname, call, p, r)                                                                \
	__attribute__((noinline)) static void vname(struct cpu *c, const struct insn *i)            \
	{                                                                                            \
		const unsigned P = (p), R = (r);                                                     \
		if (unlikely(!(call))) {                                                             \
			decline(c, i);                                                               \
			return;                                                                      \
		}                                                                                    \
		next(c, i);                                                                          \
	}

#define MEM_ARITH(esc, k) FF_HANDLER_PR(mem_##esc##_##k, mem_arith(c, i, P, R, esc, k))
#define REG_ARITH(esc, k) FF_HANDLER_PR(reg_##esc##_##k, reg_arith(c, i, P, R, esc, k, false))
#define EACH_K(m, esc) m(esc, 0) m(esc, 1) m(esc, 2) m(esc, 3) m(esc, 4) m(esc, 5) m(esc, 6) m(esc, 7)
#define EACH_ARITH_K(m, esc) m(esc, 0) m(esc, 1) m(esc, 4) m(esc, 5) m(esc, 6) m(esc, 7)
EACH_K(MEM_ARITH, 0)
EACH_K(MEM_ARITH, 4)
EACH_ARITH_K(REG_ARITH, 0)
EACH_ARITH_K(REG_ARITH, 4)
EACH_ARITH_K(REG_ARITH, 6)

FF_HANDLER(fcom_st, reg_compare(c, i, i->reg == 3, false, false))
FF_HANDLER(fcompp, reg_compare(c, i, 2, false, false))
FF_HANDLER(fucom_st, reg_compare(c, i, i->reg == 5, true, false))
FF_HANDLER(fucompp, reg_compare(c, i, 2, true, false))
FF_HANDLER(ftst_h, ftst(c, false))
FF_HANDLER(fld_m32, mem_load(c, i, LD_F32))
FF_HANDLER(fld_m64, mem_load(c, i, LD_F64))
FF_HANDLER(fild_m16, mem_load(c, i, LD_I16))
FF_HANDLER(fild_m32, mem_load(c, i, LD_I32))
FF_HANDLER(fst_m32, mem_store(c, i, false))
FF_HANDLER(fst_m64, mem_store(c, i, true))
FF_HANDLER(fld_st_h, fld_st(c, i, false))
FF_HANDLER(fst_st_h, fst_st(c, i, false))
FF_HANDLER(fxch_h, fxch(c, i, false))
FF_HANDLER(fchs_h, fsign(c, false, false))
FF_HANDLER(fabs_h, fsign(c, true, false))
FF_HANDLER(fld1_h, fld_const(c, true, false))
FF_HANDLER(fldz_h, fld_const(c, false, false))

#define FF_MEMBER(n) [ID_##n] = n##_x,
static const op_fn members[ID_COUNT] = { FF_IDS(FF_MEMBER) };
#define FF_PAIR(n) [ID_##n] = &n##_pair,

/* FNSTSW AX: no wait, so no pending-exception check (only #NM). */
FF_INLINE bool fnstsw_ax(struct cpu *c)
{
	if (unlikely(!c->fpu || (c->in.cr0 & (CR0_EM | CR0_TS))))
		return false;
	c->r[REG_AX].w[0] = (uint16_t)((c->x87.sw & ~0x3800u) | (unsigned)c->x87.top << 11);
	return true;
}
static void fnstsw_ax_h(struct cpu *c, const struct insn *i)
{
	if (unlikely(!fnstsw_ax(c)))
		op_esc(c, i);
}

static void fnstsw_ax_t(struct cpu *c, const struct insn *i)
{
	if (unlikely(!fnstsw_ax(c))) {
		general_t(c, i);
		return;
	}
	insn_chain(c, i);
}

static const struct op_pair fnstsw_pair = { fnstsw_ax_h, fnstsw_ax_t, NULL };

/* FNSTSW m16 (DD /7), which Microsoft C's compares use: no wait (only
 * #NM), a control instruction (FIP, FOP and FDP stay), the word through
 * the TLB (a page holding code has no write entry). */
FF_INLINE bool fnstsw_m(struct cpu *c, const struct insn *i)
{
	if (unlikely(!c->fpu || (c->in.cr0 & (CR0_EM | CR0_TS))))
		return false;
	uint8_t *p = wr_ptr(c, i->seg, insn_ea(c, i), 2);
	if (!p)
		return false;
	const uint16_t w = cpu_fpu_status(c);
	memcpy(p, &w, 2);
	return true;
}

static void fnstsw_m_h(struct cpu *c, const struct insn *i)
{
	if (unlikely(!fnstsw_m(c, i)))
		op_esc(c, i);
}

static void fnstsw_m_t(struct cpu *c, const struct insn *i)
{
	if (unlikely(!fnstsw_m(c, i))) {
		general_t(c, i);
		return;
	}
	insn_chain(c, i);
}

static const struct op_pair fnstsw_m_pair = { fnstsw_m_h, fnstsw_m_t, NULL };
static const struct op_pair *const pairs[ID_COUNT] = { FF_IDS(FF_PAIR)[ID_FNSTSW] = &fnstsw_pair,
						       [ID_FNSTSW_M] = &fnstsw_m_pair };

/* The fast path of i, by ID_*, or ID_NONE. */
static unsigned fast_id(const struct insn *i)
{
	const unsigned esc = i->op & 7, reg = i->reg;
	if (i->mod != 3) {
		switch (esc << 3 | reg) {
		case 0 << 3 | 0: case 0 << 3 | 1: case 0 << 3 | 2: case 0 << 3 | 3:
		case 0 << 3 | 4: case 0 << 3 | 5: case 0 << 3 | 6: case 0 << 3 | 7:
			return ID_mem_0_0 + reg;
		case 4 << 3 | 0: case 4 << 3 | 1: case 4 << 3 | 2: case 4 << 3 | 3:
		case 4 << 3 | 4: case 4 << 3 | 5: case 4 << 3 | 6: case 4 << 3 | 7:
			return ID_mem_4_0 + reg;
		case 1 << 3 | 0: return ID_fld_m32;
		case 1 << 3 | 2: case 1 << 3 | 3: return ID_fst_m32;
		case 5 << 3 | 0: return ID_fld_m64;
		case 5 << 3 | 2: case 5 << 3 | 3: return ID_fst_m64;
		case 5 << 3 | 7: return ID_FNSTSW_M;
		case 7 << 3 | 0: return ID_fild_m16;
		case 3 << 3 | 0: return ID_fild_m32;
		default: return ID_NONE;
		}
	}
	/* The arithmetic by reg: 0, 1, then 4-7 (2 and 3 are the compares). */
	static const uint8_t arith_slot[8] = { 0, 1, 0, 0, 2, 3, 4, 5 };
	switch (esc) {
	case 0:
		return reg == 2 || reg == 3 ? ID_fcom_st : ID_reg_0_0 + arith_slot[reg];
	case 4:
		return reg == 2 || reg == 3 ? ID_NONE : ID_reg_4_0 + arith_slot[reg];
	case 6:
		return i->modrm == 0xD9 ? ID_fcompp : reg == 2 || reg == 3 ? ID_NONE : ID_reg_6_0 + arith_slot[reg];
	case 1:
		switch (i->modrm) {
		case 0xE0: return ID_fchs_h;
		case 0xE1: return ID_fabs_h;
		case 0xE4: return ID_ftst_h;
		case 0xE8: return ID_fld1_h;
		case 0xEE: return ID_fldz_h;
		default: break;
		}
		return reg == 0 ? ID_fld_st_h : reg == 1 ? ID_fxch_h : ID_NONE;
	case 2:
		return i->modrm == 0xE9 ? ID_fucompp : ID_NONE;
	case 5:
		return reg == 2 || reg == 3 ? ID_fst_st_h : reg == 4 || reg == 5 ? ID_fucom_st : ID_NONE;
	case 7:
		return i->modrm == 0xE0 ? ID_FNSTSW : ID_NONE;
	default:
		return ID_NONE;
	}
}

const struct op_pair *fpu_pick(const struct insn *i)
{
	return pairs[fast_id(i)];
}

void fpu_fuse(struct insn *first, const struct insn *next)
{
	if (next->ent->fn != op_esc)
		return;
	const unsigned a = fast_id(first), b = fast_id(next);
	if (a != ID_NONE && a < ID_FNSTSW && b != ID_NONE && b < ID_FNSTSW && first->fn == pairs[a]->thr &&
	    next->fn == pairs[b]->thr)
		first->imm = b;
}

/* ---- the fast paths for compiled code (jit_compile.c) ----
 *
 * X_j runs X's fast path as X does (the readiness check, then the fast
 * path) on a memory operand whose host address compiled code found
 * through its inline TLB check (p; ea its offset, for FDS:FDP), and
 * reports whether it did: false means nothing changed and compiled code
 * must run the instruction's handler (the general path). FCS:FIP and FOP
 * are compiled code's to write, as the last instruction of a run writes
 * them here (see "the runs" above). */
#define JX(name, call)                                                                               \
	static bool name##_j(struct cpu *c, const struct insn *i, uint32_t ea, uint8_t *p)          \
	{                                                                                            \
		(void)i, (void)ea, (void)p;                                                          \
		return likely(ready(c)) && (call);                                                   \
	}
#define JX_PR(name, call)                                                                            \
	static bool name##_j(struct cpu *c, const struct insn *i, uint32_t ea, uint8_t *p)          \
	{                                                                                            \
		(void)ea, (void)p;                                                                   \
		if (unlikely(!ready(c)))                                                             \
			return false;                                                                \
		switch ((c->x87.cw >> 8) & 0xF) {                                                    \
		case 0x2: {                                                                          \
			const unsigned P = 53, R = RC_NEAR;                                          \
			return (call);                                                               \
		}                                                                                    \
		case 0x3: {                                                                          \
			const unsigned P = 64, R = RC_NEAR;                                          \
			return (call);                                                               \
		}                                                                                    \
		default: {                                                                           \
			const unsigned P = ff_prec(c->x87.cw), R = (c->x87.cw >> 10) & 3u;           \
			return (call);                                                               \
		}                                                                                    \
		}                                                                                    \
	}

#define JX_MEM_ARITH(esc, k) JX_PR(mem_##esc##_##k, mem_arith_at(c, i, P, R, esc, k, ea, p, false))
#define JX_REG_ARITH(esc, k) JX_PR(reg_##esc##_##k, reg_arith(c, i, P, R, esc, k, false))
EACH_K(JX_MEM_ARITH, 0)
EACH_K(JX_MEM_ARITH, 4)
EACH_ARITH_K(JX_REG_ARITH, 0)
EACH_ARITH_K(JX_REG_ARITH, 4)
EACH_ARITH_K(JX_REG_ARITH, 6)

JX(fcom_st, reg_compare(c, i, i->reg == 3, false, false))
JX(fcompp, reg_compare(c, i, 2, false, false))
JX(fucom_st, reg_compare(c, i, i->reg == 5, true, false))
JX(fucompp, reg_compare(c, i, 2, true, false))
JX(ftst_h, ftst(c, false))
JX(fld_m32, mem_load_at(c, i, LD_F32, ea, p, false))
JX(fld_m64, mem_load_at(c, i, LD_F64, ea, p, false))
JX(fild_m16, mem_load_at(c, i, LD_I16, ea, p, false))
JX(fild_m32, mem_load_at(c, i, LD_I32, ea, p, false))
JX(fst_m32, mem_store_at(c, i, false, ea, p, false))
JX(fst_m64, mem_store_at(c, i, true, ea, p, false))
JX(fld_st_h, fld_st(c, i, false))
JX(fst_st_h, fst_st(c, i, false))
JX(fxch_h, fxch(c, i, false))
JX(fchs_h, fsign(c, false, false))
JX(fabs_h, fsign(c, true, false))
JX(fld1_h, fld_const(c, true, false))
JX(fldz_h, fld_const(c, false, false))

/* The lean first try of X_s for the arithmetic (the rest: X_sfull, a
 * tail call): FADD, FSUB, FSUBR with PC 53 (the run's check made RC to
 * nearest, and the host's MXCSR binary64 to nearest: fpu.h) on operands
 * that are doubles, in the host's doubles (fpu_fast.h
 * ff_add_f64_bits_rn(), the proof there), FMUL (ST(i) and m64) of
 * normal numbers by the kernel, and FCOM/FCOMP m64 of normal numbers.
 * The same results and flags as the full fast path's, in functions with
 * fewer saved registers. False: nothing changed. */
FF_INLINE bool sum_lean(struct cpu_x87 *f, unsigned k, uint64_t a, uint64_t b, unsigned dst)
{
#ifdef FF_HOST_DOUBLE
	f80 r;
	unsigned fl;
	/* arith(): 0 a + b, 4 a - b, 5 b - a */
	if (!ff_add_f64_bits_rn(k == 5 ? b : a, (k == 5 ? a : b) ^ (uint64_t)(k != 0) << 63, &r, &fl))
		return false;
	put_full(f, dst, r);
	set_flags(f, fl);
	return true;
#else
	(void)f, (void)k, (void)a, (void)b, (void)dst;
	return false;
#endif
}

/* FMUL of two normal numbers by the kernel (PC 53 or 64, to nearest). */
FF_INLINE bool mul_lean(struct cpu_x87 *f, f80 a, f80 b, unsigned dst)
{
	f80 r;
	unsigned fl;
	if (!((f->cw & 0x100) ? ff_mul_normal(64, RC_NEAR, a, b, &r, &fl) : ff_mul_normal(53, RC_NEAR, a, b, &r, &fl)))
		return false;
	put_full(f, dst, r);
	set_flags(f, fl);
	return true;
}

/* FADD, FSUB, FSUBR (k 0, 4, 5) with PC 64 to nearest: the kernel of the
 * full fast path (ff_add(), any operands it takes) with its constants,
 * without that path's dispatch. */
FF_INLINE bool sum64_lean(struct cpu_x87 *f, unsigned k, f80 a, f80 b, unsigned dst)
{
	f80 r;
	unsigned fl;
	if (!(k == 5 ? ff_add(64, RC_NEAR, b, a, true, &r, &fl) : ff_add(64, RC_NEAR, a, b, k == 4, &r, &fl)))
		return false;
	put_full(f, dst, r);
	set_flags(f, fl);
	return true;
}

/* FADD, FSUB, FSUBR ST(i) (k 0, 4, 5) with PC 64 to nearest (X_s64). */
FF_INLINE bool reg_sum64(struct cpu_x87 *f, const struct insn *i, unsigned esc, unsigned k)
{
	const unsigned t = f->top, q = (t + i->rm) & 7u;
	if (!sum64_lean(f, k, reg_at(f, t), reg_at(f, q), esc ? q : t))
		return false;
	if (esc == 6)
		pop(f);
	return true;
}

/* FADD, FSUB, FSUBR m64 with PC 64 to nearest (X_s64). */
FF_INLINE bool mem_sum64(struct cpu *c, const struct insn *i, unsigned k, uint32_t ea, const uint8_t *p)
{
	struct cpu_x87 *f = &c->x87;
	uint64_t v;
	f80 b;
	memcpy(&v, p, 8);
	if (!ff_from_f64(v, &b) || !sum64_lean(f, k, reg_at(f, f->top), b, f->top))
		return false;
	note_data(c, i, ea);
	return true;
}

FF_INLINE bool reg_lean(struct cpu *c, const struct insn *i, unsigned esc, unsigned k)
{
	struct cpu_x87 *f = &c->x87;
	if (k == 1) {
		const unsigned t = f->top, q = (t + i->rm) & 7u;
		if (!mul_lean(f, reg_at(f, t), reg_at(f, q), esc ? q : t))
			return false;
		if (esc == 6)
			pop(f);
		return true;
	}
	if (!(k == 0 || k == 4 || k == 5))
		return false;
	if (f->cw & 0x100)
		return false; /* (X_s64) */
#ifdef FF_HOST_DOUBLE
	const unsigned t = f->top, q = (t + i->rm) & 7u;
	uint64_t a, b;
	if (!ff_as_f64(reg_at(f, t), &a) || !ff_as_f64(reg_at(f, q), &b) || !sum_lean(f, k, a, b, esc ? q : t))
		return false;
	if (esc == 6)
		pop(f);
	return true;
#else
	(void)i, (void)esc;
	return false;
#endif
}

FF_INLINE bool mem_lean(struct cpu *c, const struct insn *i, unsigned esc, unsigned k, uint32_t ea, const uint8_t *p)
{
	struct cpu_x87 *f = &c->x87;
	if ((k == 2 || k == 3) && esc == 4) { /* FCOM, FCOMP m64 of normal numbers */
		uint64_t v;
		f80 b;
		memcpy(&v, p, 8);
		const f80 a = reg_at(f, f->top);
		if (!ff_from_f64_normal(v, &b) || !f80_is_normal(a))
			return false;
		compare_mem(c, i, ea, k, a, b);
		return true;
	}
	if (k == 1 && esc == 4) {
		uint64_t v;
		f80 b;
		memcpy(&v, p, 8);
		if (!ff_from_f64_normal(v, &b) || !mul_lean(f, reg_at(f, f->top), b, f->top))
			return false;
		note_data(c, i, ea);
		return true;
	}
	if (esc != 4 || !(k == 0 || k == 4 || k == 5))
		return false;
	if (f->cw & 0x100)
		return false; /* (X_s64) */
#ifdef FF_HOST_DOUBLE
	uint64_t a, b;
	memcpy(&b, p, 8);
	if (!ff_f64_addable(b) || !ff_as_f64(reg_at(f, f->top), &a) || !sum_lean(f, k, a, b, f->top))
		return false;
	note_data(c, i, ea);
	return true;
#else
	(void)i, (void)ea, (void)p;
	return false;
#endif
}

/* X_s: X's fast path for compiled code that made its checks once for a
 * run of such instructions (fpu.h, struct fpu_jit_op): it declines only
 * for the class of its operands or its result. */
#define JS(name, call)                                                                               \
	static bool name##_s(struct cpu *c, const struct insn *i, uint32_t ea, uint8_t *p)          \
	{                                                                                            \
		(void)i, (void)ea, (void)p;                                                          \
		return (call);                                                                       \
	}
#define JS_PR(name, call, lean, sum, lean64)                                                                    \
	__attribute__((noinline)) static bool name##_sfull(struct cpu *c, const struct insn *i, uint32_t ea, \
							   uint8_t *p)                                         \
	{                                                                                            \
		(void)ea, (void)p;                                                                   \
		const unsigned R = RC_NEAR;                                                          \
		if (c->x87.cw & 0x100) {                                                             \
			const unsigned P = 64;                                                       \
			return (call);                                                               \
		}                                                                                    \
		const unsigned P = 53;                                                               \
		return (call);                                                                       \
	}                                                                                            \
	__attribute__((noinline)) static bool name##_s64(struct cpu *c, const struct insn *i, uint32_t ea,  \
							 uint8_t *p)                                          \
	{                                                                                            \
		(void)ea, (void)p;                                                                   \
		if (lean64)                                                                          \
			return true;                                                                 \
		return name##_sfull(c, i, ea, p);                                                    \
	}                                                                                            \
	static bool name##_s(struct cpu *c, const struct insn *i, uint32_t ea, uint8_t *p)          \
	{                                                                                            \
		(void)ea, (void)p;                                                                   \
		if (sum && (c->x87.cw & 0x100))                                                      \
			return name##_s64(c, i, ea, p);                                              \
		if (lean)                                                                            \
			return true;                                                                 \
		return name##_sfull(c, i, ea, p);                                                    \
	}
/* The sums (FADD, FSUB, FSUBR: k 0, 4, 5) with PC 64 go to X_s64, whose
 * first try is the integer adder with its constants (sum64_lean()). */
#define JS_SUM(esc, k) ((k) == 0 || (k) == 4 || (k) == 5)
#define JS_MEM_ARITH(esc, k)                                                                         \
	JS_PR(mem_##esc##_##k, mem_arith_at(c, i, P, R, esc, k, ea, p, true), mem_lean(c, i, esc, k, ea, p), \
	      esc == 4 && JS_SUM(esc, k), mem_sum64(c, i, k, ea, p))
#define JS_REG_ARITH(esc, k)                                                                         \
	JS_PR(reg_##esc##_##k, reg_arith(c, i, P, R, esc, k, true), reg_lean(c, i, esc, k), JS_SUM(esc, k), \
	      reg_sum64(&c->x87, i, esc, k))
EACH_K(JS_MEM_ARITH, 0)
EACH_K(JS_MEM_ARITH, 4)
EACH_ARITH_K(JS_REG_ARITH, 0)
EACH_ARITH_K(JS_REG_ARITH, 4)
EACH_ARITH_K(JS_REG_ARITH, 6)

JS(fcom_st, reg_compare(c, i, i->reg == 3, false, true))
JS(fcompp, reg_compare(c, i, 2, false, true))
JS(fucom_st, reg_compare(c, i, i->reg == 5, true, true))
JS(fucompp, reg_compare(c, i, 2, true, true))
JS(ftst_h, ftst(c, true))
JS(fld_m32, mem_load_at(c, i, LD_F32, ea, p, true))
JS(fld_m64, mem_load_at(c, i, LD_F64, ea, p, true))
JS(fild_m16, mem_load_at(c, i, LD_I16, ea, p, true))
JS(fild_m32, mem_load_at(c, i, LD_I32, ea, p, true))
JS(fst_m32, mem_store_at(c, i, false, ea, p, true))
JS(fst_m64, mem_store_at(c, i, true, ea, p, true))
JS(fld_st_h, fld_st(c, i, true))
JS(fst_st_h, fst_st(c, i, true))
JS(fxch_h, fxch(c, i, true))
JS(fchs_h, fsign(c, false, true))
JS(fabs_h, fsign(c, true, true))
JS(fld1_h, fld_const(c, true, true))
JS(fldz_h, fld_const(c, false, true))

#define FF_JX(n) [ID_##n] = { n##_j, n##_s, 0, false, false, 0, 0, false, 0 },
static const struct fpu_jit_op jit_ops[ID_COUNT] = { FF_IDS(FF_JX)[ID_FNSTSW] = { .fnstsw = true },
						     [ID_FNSTSW_M] = { .fnstsw = true, .size = 2, .write = true } };

/* The registers op's fast path needs full or empty, and how it moves the
 * stack (struct fpu_jit_op). */
static void stack_use(unsigned id, const struct insn *i, struct fpu_jit_op *op)
{
	const uint8_t st0 = 1, sti = (uint8_t)(1u << i->rm);
	if (id >= ID_mem_0_0 && id <= ID_mem_4_7) {
		op->full = st0;
		op->pops = i->reg == 3;
		if (id == ID_mem_4_1)
			op->inl = FPU_JIT_FMUL_M64;
		else if (id == ID_mem_4_0 || id == ID_mem_4_4 || id == ID_mem_4_5)
			op->inl = FPU_JIT_SUM_M64;
	} else if (id >= ID_reg_0_0 && id <= ID_reg_6_7) {
		op->full = st0 | sti;
		op->pops = id >= ID_reg_6_0;
		if (id == ID_reg_0_1 || id == ID_reg_4_1 || id == ID_reg_6_1)
			op->inl = FPU_JIT_FMUL_ST;
		else if (i->reg == 0 || i->reg == 4 || i->reg == 5)
			op->inl = FPU_JIT_SUM_ST;
	} else {
		switch (id) {
		case ID_fcom_st: op->full = st0 | sti, op->pops = i->reg == 3; break;
		case ID_fucom_st: op->full = st0 | sti, op->pops = i->reg == 5; break;
		case ID_fcompp:
		case ID_fucompp: op->full = st0 | sti, op->pops = 2; break; /* (rm 1) */
		case ID_ftst_h:
		case ID_fchs_h:
		case ID_fabs_h: op->full = st0; break;
		case ID_fst_m32: op->full = st0, op->pops = i->reg == 3; break;
		case ID_fst_m64: op->full = st0, op->pops = i->reg == 3, op->inl = FPU_JIT_FST_M64; break;
		case ID_fld_m64: op->push = true, op->inl = FPU_JIT_FLD_M64; break;
		case ID_fld_st_h: op->full = sti, op->push = true, op->inl = FPU_JIT_FLD_ST; break;
		case ID_fst_st_h: op->full = st0, op->fills = sti, op->pops = i->reg == 3, op->inl = FPU_JIT_FST_ST; break;
		case ID_fxch_h: op->full = st0 | sti, op->inl = FPU_JIT_FXCH; break;
		default: op->push = true; break; /* the loads, FLD1, FLDZ */
		}
	}
}

bool fpu_jit_op(const struct insn *i, struct fpu_jit_op *op)
{
	const unsigned id = fast_id(i);
	if (id == ID_NONE || i->impl != pairs[id]->impl)
		return false;
	*op = jit_ops[id];
	if (id >= ID_FNSTSW)
		return true;
	stack_use(id, i, op);
	if (i->mod != 3) {
		const unsigned esc = i->op & 7;
		op->size = id == ID_fild_m16 ? 2 : esc == 4 || esc == 5 ? 8 : 4;
		op->write = id == ID_fst_m32 || id == ID_fst_m64;
	}
	return true;
}

bool fpu_jit_host_double(void)
{
#ifdef FF_HOST_DOUBLE
	return true;
#else
	return false;
#endif
}
