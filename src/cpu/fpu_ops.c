/*
 * fpu_ops.c - the x87 instructions (ESC D8h-DFh): decode by opcode, mod
 * and reg, the stack checks, the pointer registers, and the waiting
 * instructions' pending-exception check (docs/x87.md).
 *
 * Sources: Intel 80387 PRM chapter 4 and appendix (opcode map), SDM Vol. 2
 * (each instruction's operation and flags), SDM Vol. 1 8.5 and 8.7
 * (masked responses, #MF at the next waiting instruction).
 */
#include "cpu/fpu.h"

/* Constants (SDM Vol. 1 8.3.8: rounded by RC on the 387 and later, to
 * nearest on the 8087 and 287): 128 bits of each (computed with mpmath,
 * docs/x87.md), the biased exponent of the first. */
struct fconst {
	uint64_t hi, lo;
	uint16_t exp;
};
static const struct fconst fconsts[7] = {
	{ 0x8000000000000000ull, 0, 0x3FFF },                                  /* FLD1 */
	{ 0xD49A784BCD1B8AFEull, 0x492BF6FF4DAFDB4Cull, 0x4000 },              /* FLDL2T */
	{ 0xB8AA3B295C17F0BBull, 0xBE87FED0691D3E88ull, 0x3FFF },              /* FLDL2E */
	{ 0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull, 0x4000 },              /* FLDPI */
	{ 0x9A209A84FBCFF798ull, 0x8F8959AC0B7C9178ull, 0x3FFD },              /* FLDLG2 */
	{ 0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull, 0x3FFE },              /* FLDLN2 */
	{ 0, 0, 0 },                                                           /* FLDZ */
};

/* Record the instruction in FCS:FIP, FOP and (memory operands) FDS:FDP:
 * every instruction but the control ones does (80387 PRM 2.5). */
static inline void note_reg(struct cpu *c, const struct insn *i)
{
	struct cpu_x87 *f = &c->x87;
	f->fcs = c->seg[SEG_CS];
	/* Threaded code keeps no insn_ip: the recorded instruction has it. */
	f->fip = c->in.blk ? i->ip : c->in.insn_ip;
	f->fop = (uint16_t)((i->op & 7u) << 8 | i->modrm);
}

/* note() of a memory operand whose address ea is already computed. */
static inline void note_ea(struct cpu *c, const struct insn *i, uint32_t ea)
{
	note_reg(c, i);
	c->x87.fds = c->seg[i->seg];
	c->x87.fdp = ea;
}

static void note(struct cpu *c, const struct insn *i)
{
	if (i->mod != 3)
		note_ea(c, i, insn_ea(c, i));
	else
		note_reg(c, i);
}

static void set_cc(struct cpu_x87 *f, uint16_t cc)
{
	f->sw = (uint16_t)((f->sw & ~SW_CC) | cc);
}

/* Push v after the overflow check (ST(7) not empty: IE and SF, C1 = 1;
 * masked, the indefinite is pushed). Returns false if it did not push v. */
static bool push_ok(struct cpu *c)
{
	if (!st_empty(&c->x87, 7)) {
		fpu_stack_fault(c, true);
		if (c->x87.cw & FX_IE)
			st_push(&c->x87, f80_indefinite());
		return false;
	}
	return true;
}

static void push_loaded(struct cpu *c, f80 v, const struct fctx *x)
{
	if (fctx_stop(x)) {
		fpu_raise(c, x->exc);
		return;
	}
	st_push(&c->x87, v);
	fpu_set_c1(&c->x87, false);
	fpu_raise(c, x->exc);
}

/* The arithmetic group (reg field): 0 FADD, 1 FMUL, 4 FSUB (st0 - other),
 * 5 FSUBR (other - st0), 6 FDIV, 7 FDIVR; the result goes to ST(dst). */
static void arith(struct cpu *c, unsigned kind, f80 a, f80 b, struct fctx *x, unsigned dst, bool pop)
{
	struct cpu_x87 *f = &c->x87;
	f80 r;
	switch (kind) {
	case 0: r = f80_add(x, a, b); break;
	case 1: r = f80_mul(x, a, b); break;
	case 4: r = f80_sub(x, a, b); break;
	case 5: r = f80_sub(x, b, a); break;
	case 6: r = f80_div(x, a, b); break;
	default: r = f80_div(x, b, a); break;
	}
	if (fctx_stop(x)) {
		fpu_raise(c, x->exc);
		return;
	}
	st_set(f, dst, r);
	fpu_set_c1(f, x->up);
	fpu_raise(c, x->exc);
	if (pop)
		st_pop(f);
}

/* A stack underflow of an instruction with destination ST(dst): masked,
 * the indefinite goes there (and the pop happens). */
static void underflow_to(struct cpu *c, unsigned dst, bool pop)
{
	fpu_stack_fault(c, false);
	if (c->x87.cw & FX_IE) {
		st_set(&c->x87, dst, f80_indefinite());
		if (pop)
			st_pop(&c->x87);
	}
}

static uint16_t cc_of(int r)
{
	return r == 2 ? SW_C3 | SW_C2 | SW_C0 : r == 0 ? SW_C3 : r < 0 ? SW_C0 : 0;
}

static void compare(struct cpu *c, f80 a, f80 b, struct fctx *x, bool quiet, unsigned pops)
{
	struct cpu_x87 *f = &c->x87;
	const int r = f80_compare(x, a, b, quiet);
	if (fctx_stop(x)) {
		fpu_raise(c, x->exc);
		return;
	}
	set_cc(f, cc_of(r));
	fpu_raise(c, x->exc);
	while (pops--)
		st_pop(f);
}

static void compare_underflow(struct cpu *c, unsigned pops)
{
	fpu_stack_fault(c, false);
	if (c->x87.cw & FX_IE) {
		set_cc(&c->x87, SW_C3 | SW_C2 | SW_C0);
		while (pops--)
			st_pop(&c->x87);
	}
}

/* ---- memory operands ---- */

/* D8/DA/DC/DE with a memory operand: real32, int32, real64, int16. */
static void mem_arith(struct cpu *c, const struct insn *i, uint32_t ea)
{
	struct cpu_x87 *f = &c->x87;
	struct fctx x = fpu_ctx(c);
	f80 b;
	switch (i->op & 7) {
	case 0: b = f80_from_f32(&x, mem_read32(c, i->seg, ea)); break;
	case 2: b = f80_from_i64((int32_t)mem_read32(c, i->seg, ea)); break;
	case 4: b = f80_from_f64(&x, mem_read32(c, i->seg, ea) | (uint64_t)mem_read32(c, i->seg, ea + 4) << 32); break;
	default: b = f80_from_i64((int16_t)mem_read16(c, i->seg, ea)); break;
	}
	note(c, i);
	const unsigned kind = i->reg;
	if (st_empty(f, 0)) {
		if (kind == 2 || kind == 3)
			compare_underflow(c, kind == 3);
		else
			underflow_to(c, 0, false);
		return;
	}
	if (fctx_stop(&x)) {
		fpu_raise(c, x.exc);
		return;
	}
	if (kind == 2 || kind == 3)
		compare(c, st_get(f, 0), b, &x, false, kind == 3);
	else
		arith(c, kind, st_get(f, 0), b, &x, 0, false);
}

/* FST/FSTP/FIST/FISTP/FBSTP to memory: the conversion, the store, then
 * the flags and the pop (a faulting store changes nothing). */
enum store_kind { ST_F32, ST_F64, ST_F80, ST_I16, ST_I32, ST_I64, ST_BCD };

static void mem_store(struct cpu *c, const struct insn *i, uint32_t ea, enum store_kind k, bool pop)
{
	struct cpu_x87 *f = &c->x87;
	struct fctx x = fpu_ctx(c);
	const bool empty = st_empty(f, 0);
	const f80 v = empty ? f80_indefinite() : st_get(f, 0);
	note(c, i);
	if (empty)
		x.exc |= fpu_stack_fault_flags(c);
	uint64_t bits = 0;
	uint8_t bcd[10];
	bool ok = true;
	switch (k) {
	case ST_F32: {
		uint32_t w;
		ok = f80_to_f32(&x, v, &w);
		bits = w;
		break;
	}
	case ST_F64: ok = f80_to_f64(&x, v, &bits); break;
	case ST_F80: break;
	case ST_I16:
	case ST_I32:
	case ST_I64: {
		int64_t n;
		ok = f80_to_int(&x, v, k == ST_I16 ? 16 : k == ST_I32 ? 32 : 64, &n);
		bits = (uint64_t)n;
		break;
	}
	case ST_BCD: ok = f80_to_bcd(&x, v, bcd); break;
	}
	if (empty) {
		/* Stack underflow: IE (and the indefinite stored when masked);
		 * the conversion of the indefinite adds nothing else. */
		x.exc = fpu_stack_fault_flags(c);
		x.up = false;
		ok = (f->cw & FX_IE) != 0;
	}
	if (!ok || fctx_stop(&x)) {
		fpu_set_c1(f, false);
		fpu_raise(c, x.exc);
		return;
	}
	switch (k) {
	case ST_F32: mem_write32(c, i->seg, ea, (uint32_t)bits); break;
	case ST_I16: mem_write16(c, i->seg, ea, (uint16_t)bits); break;
	case ST_I32: mem_write32(c, i->seg, ea, (uint32_t)bits); break;
	case ST_F64:
	case ST_I64:
		mem_seg_check(c, i->seg, ea, 8, true);
		mem_write32(c, i->seg, ea, (uint32_t)bits);
		mem_write32(c, i->seg, ea + 4, (uint32_t)(bits >> 32));
		break;
	case ST_F80: fpu_write80(c, i->seg, ea, v); break;
	case ST_BCD:
		mem_seg_check(c, i->seg, ea, 10, true);
		for (unsigned n = 0; n < 10; n++)
			mem_write8(c, i->seg, ea + n, bcd[n]);
		break;
	}
	fpu_set_c1(f, x.up);
	fpu_raise(c, x.exc);
	if (pop)
		st_pop(f);
}

static void mem_load(struct cpu *c, const struct insn *i, uint32_t ea)
{
	struct fctx x = fpu_ctx(c);
	const unsigned esc = i->op & 7;
	f80 v;
	if (esc == 1)
		v = f80_from_f32(&x, mem_read32(c, i->seg, ea));
	else if (esc == 5)
		v = f80_from_f64(&x, mem_read32(c, i->seg, ea) | (uint64_t)mem_read32(c, i->seg, ea + 4) << 32);
	else if (esc == 3 && i->reg == 5) {
		v = fpu_read80(c, i->seg, ea);
		/* The 8087/287 report DE for FLD m80 of a denormal; the 387
		 * does not, the load is not arithmetic (SDM Vol. 3 22.18.7.11). */
		if ((x.mode & FM_287) && f80_class(v) == FC_DENORMAL)
			x.exc |= FX_DE;
	}
	else if (esc == 3)
		v = f80_from_i64((int32_t)mem_read32(c, i->seg, ea));
	else if (i->reg == 0)
		v = f80_from_i64((int16_t)mem_read16(c, i->seg, ea));
	else if (i->reg == 5)
		v = f80_from_i64((int64_t)(mem_read32(c, i->seg, ea) | (uint64_t)mem_read32(c, i->seg, ea + 4) << 32));
	else {
		uint8_t bcd[10];
		for (unsigned n = 0; n < 10; n++)
			bcd[n] = mem_read8(c, i->seg, ea + n);
		v = f80_from_bcd(bcd);
	}
	note(c, i);
	if (!push_ok(c))
		return;
	push_loaded(c, v, &x);
}

__attribute__((noinline)) static void exec_mem(struct cpu *c, const struct insn *i)
{
	struct cpu_x87 *f = &c->x87;
	const uint32_t ea = insn_ea(c, i);
	const unsigned esc = i->op & 7, reg = i->reg;
	if (!(esc & 1)) {
		mem_arith(c, i, ea);
		return;
	}
	switch (esc << 3 | reg) {
	case 1 << 3 | 0: /* FLD m32real */
	case 5 << 3 | 0: /* FLD m64real */
	case 3 << 3 | 0: /* FILD m32int */
	case 3 << 3 | 5: /* FLD m80real */
	case 7 << 3 | 0: /* FILD m16int */
	case 7 << 3 | 4: /* FBLD m80bcd */
	case 7 << 3 | 5: /* FILD m64int */
		mem_load(c, i, ea);
		break;
	case 1 << 3 | 2: mem_store(c, i, ea, ST_F32, false); break;
	case 1 << 3 | 3: mem_store(c, i, ea, ST_F32, true); break;
	case 5 << 3 | 2: mem_store(c, i, ea, ST_F64, false); break;
	case 5 << 3 | 3: mem_store(c, i, ea, ST_F64, true); break;
	case 3 << 3 | 7: mem_store(c, i, ea, ST_F80, true); break;
	case 3 << 3 | 2: mem_store(c, i, ea, ST_I32, false); break;
	case 3 << 3 | 3: mem_store(c, i, ea, ST_I32, true); break;
	case 7 << 3 | 2: mem_store(c, i, ea, ST_I16, false); break;
	case 7 << 3 | 3: mem_store(c, i, ea, ST_I16, true); break;
	case 7 << 3 | 7: mem_store(c, i, ea, ST_I64, true); break;
	case 7 << 3 | 6: mem_store(c, i, ea, ST_BCD, true); break;
	case 1 << 3 | 4: fpu_load_env(c, i->seg, ea, i->osz == 4 ? 4 : 2, false); break; /* FLDENV */
	case 1 << 3 | 5:                                                                 /* FLDCW */
		f->cw = mem_read16(c, i->seg, ea);
		if (c->fpu == CPU_FPU_80387)
			f->cw |= 0x40;
		fpu_update_es(c);
		break;
	case 1 << 3 | 6: fpu_store_env(c, i->seg, ea, i->osz == 4 ? 4 : 2, false); break; /* FNSTENV */
	case 1 << 3 | 7: mem_write16(c, i->seg, ea, f->cw); break;                       /* FNSTCW */
	case 5 << 3 | 4: fpu_load_env(c, i->seg, ea, i->osz == 4 ? 4 : 2, true); break;  /* FRSTOR */
	case 5 << 3 | 6:                                                                 /* FNSAVE */
		fpu_store_env(c, i->seg, ea, i->osz == 4 ? 4 : 2, true);
		cpu_fpu_init(c);
		break;
	case 5 << 3 | 7: mem_write16(c, i->seg, ea, cpu_fpu_status(c)); break; /* FNSTSW m16 */
	default: break; /* reserved encodings: nothing */
	}
}

/* ---- register operands ---- */

static void load_const(struct cpu *c, unsigned n)
{
	struct cpu_x87 *f = &c->x87;
	if (!push_ok(c))
		return;
	const struct fconst *k = &fconsts[n];
	f80 v = f80_make(false, k->exp, k->hi);
	if (k->hi) {
		struct fctx x = fpu_ctx(c);
		x.prec = 64;
		if (c->fpu != CPU_FPU_80387)
			x.rc = RC_NEAR;
		v = f80_round_pack(&x, false, k->exp, (u128)k->hi << 64 | k->lo);
	}
	st_push(f, v);
	fpu_set_c1(f, false);
}

/* Unary operations on ST(0) (D9 E0-FF but the transcendental ones). */
static void unary(struct cpu *c, unsigned modrm)
{
	struct cpu_x87 *f = &c->x87;
	struct fctx x = fpu_ctx(c);
	x.prec = 64;
	f80 r, s, e;
	uint16_t cc;
	switch (modrm) {
	case 0xE5: { /* FXAM: C3 C2 C0 = class, C1 = sign (SDM FXAM) */
		static const uint16_t cls[] = {
			[FC_ZERO] = SW_C3, [FC_DENORMAL] = SW_C3 | SW_C2, [FC_NORMAL] = SW_C2,
			[FC_INF] = SW_C2 | SW_C0, [FC_QNAN] = SW_C0, [FC_SNAN] = SW_C0, [FC_UNSUPPORTED] = 0,
		};
		const f80 v = st_get(f, 0);
		cc = st_empty(f, 0) ? SW_C3 | SW_C0 : cls[f80_class(v)];
		set_cc(f, (uint16_t)(cc | (f80_sign(v) ? SW_C1 : 0)));
		return;
	}
	case 0xF6: f->top = (f->top - 1) & 7u; fpu_set_c1(f, false); return; /* FDECSTP */
	case 0xF7: f->top = (f->top + 1) & 7u; fpu_set_c1(f, false); return; /* FINCSTP */
	case 0xF0: case 0xF1: case 0xF2: case 0xF3: case 0xF9: case 0xFB: case 0xFE: case 0xFF:
		fpu_transcendental(c, modrm);
		return;
	default: break;
	}
	if (st_empty(f, 0)) {
		if (modrm == 0xE4)
			compare_underflow(c, 0);
		else if (modrm == 0xF4 || modrm == 0xFA || modrm == 0xFC || modrm == 0xFD || modrm == 0xF5 ||
			 modrm == 0xF8 || modrm == 0xE0 || modrm == 0xE1)
			underflow_to(c, 0, false);
		return;
	}
	const f80 a = st_get(f, 0);
	switch (modrm) {
	case 0xE0: st_set(f, 0, f80_neg(a)); fpu_set_c1(f, false); return; /* FCHS */
	case 0xE1: st_set(f, 0, f80_abs(a)); fpu_set_c1(f, false); return; /* FABS */
	case 0xE4: compare(c, a, f80_zero(false), &x, false, 0); return;   /* FTST */
	case 0xF4:                                                          /* FXTRACT */
		if (!st_empty(f, 7)) {
			fpu_stack_fault(c, true);
			if (f->cw & FX_IE) {
				st_set(f, 0, f80_indefinite());
				st_push(f, f80_indefinite());
			}
			return;
		}
		f80_extract(&x, a, &s, &e);
		if (fctx_stop(&x))
			break;
		st_set(f, 0, e);
		st_push(f, s);
		fpu_set_c1(f, false);
		break;
	case 0xFA: /* FSQRT */
		x = fpu_ctx(c);
		r = f80_sqrt(&x, a);
		goto result;
	case 0xFC: /* FRNDINT */
		r = f80_round_int(&x, a);
		goto result;
	case 0xF5: /* FPREM1 */
	case 0xF8: /* FPREM */
	case 0xFD: /* FSCALE */
		if (st_empty(f, 1)) {
			underflow_to(c, 0, false);
			return;
		}
		if (modrm == 0xFD) {
			r = f80_scale(&x, a, st_get(f, 1));
			goto result;
		}
		r = f80_rem(&x, a, st_get(f, 1), modrm == 0xF5, &cc);
		if (fctx_stop(&x))
			break;
		st_set(f, 0, r);
		if (cc & SW_C2)
			f->sw |= SW_C2; /* partial: C0, C1, C3 as they were */
		else
			set_cc(f, cc);
		break;
	default: return; /* reserved (D9 E2, E3, E6, E7, EF) */
	}
	fpu_raise(c, x.exc);
	return;
result:
	if (!fctx_stop(&x)) {
		st_set(f, 0, r);
		fpu_set_c1(f, x.up);
	}
	fpu_raise(c, x.exc);
}

__attribute__((noinline)) static void exec_reg(struct cpu *c, const struct insn *i)
{
	struct cpu_x87 *f = &c->x87;
	const unsigned esc = i->op & 7, reg = i->reg, rm = i->rm;
	const bool is387 = c->fpu == CPU_FPU_80387;
	switch (esc) {
	case 0: /* D8: ST(0) = ST(0) op ST(i) */
	case 4: /* DC: ST(i) = ST(i) op ST(0) */
	case 6: /* DE: the same and pop */
		if (reg == 2 || reg == 3) {
			if (esc == 6 && reg == 3 && rm != 1)
				return; /* reserved */
			const unsigned pops = esc == 6 ? (reg == 3 ? 2 : 1) : reg == 3;
			if (st_empty(f, 0) || st_empty(f, rm)) {
				compare_underflow(c, pops);
				return;
			}
			struct fctx x = fpu_ctx(c);
			compare(c, st_get(f, 0), st_get(f, rm), &x, false, pops);
			return;
		}
		if (st_empty(f, 0) || st_empty(f, rm)) {
			underflow_to(c, esc ? rm : 0, esc == 6);
			return;
		}
		struct fctx x = fpu_ctx(c);
		arith(c, reg, st_get(f, 0), st_get(f, rm), &x, esc ? rm : 0, esc == 6);
		return;
	case 1: /* D9 */
		switch (reg) {
		case 0: { /* FLD ST(i) */
			if (st_empty(f, rm)) {
				fpu_stack_fault(c, false);
				if (f->cw & FX_IE) {
					if (push_ok(c))
						st_push(f, f80_indefinite());
				}
				return;
			}
			const f80 v = st_get(f, rm);
			if (push_ok(c)) {
				st_push(f, v);
				fpu_set_c1(f, false);
			}
			return;
		}
		case 1: goto fxch;
		case 2: return; /* FNOP (D9 D0), reserved D1-D7 */
		case 3: goto fstp;
		case 5:
			if (rm < 7)
				load_const(c, rm);
			return;
		default: unary(c, i->modrm); return;
		}
	case 2: /* DA: FUCOMPP (DA E9) */
		if (i->modrm == 0xE9 && is387) {
			if (st_empty(f, 0) || st_empty(f, 1)) {
				compare_underflow(c, 2);
				return;
			}
			struct fctx x = fpu_ctx(c);
			compare(c, st_get(f, 0), st_get(f, 1), &x, true, 2);
		}
		return;
	case 3: /* DB E0-E4: FENI, FDISI, FCLEX, FINIT, FSETPM */
		switch (i->modrm) {
		case 0xE0:
			if (c->fpu == CPU_FPU_8087) {
				f->cw &= (uint16_t)~CW_IEM;
				fpu_update_es(c);
			}
			return;
		case 0xE1:
			if (c->fpu == CPU_FPU_8087) {
				f->cw |= CW_IEM;
				fpu_update_es(c);
			}
			return;
		case 0xE2:
			f->sw &= 0x7F00;
			fpu_update_es(c);
			return;
		case 0xE3: cpu_fpu_init(c); return;
		default: return; /* FSETPM: the 287's; nothing on the 387 */
		}
	case 5: /* DD */
		switch (reg) {
		case 0: f->empty |= (uint8_t)(1u << st_phys(f, rm)); return; /* FFREE */
		case 1: goto fxch;
		case 2:
		case 3:
			goto fst;
		case 4:
		case 5:
			if (!is387)
				return;
			if (st_empty(f, 0) || st_empty(f, rm)) {
				compare_underflow(c, reg == 5);
				return;
			}
			struct fctx x = fpu_ctx(c);
			compare(c, st_get(f, 0), st_get(f, rm), &x, true, reg == 5);
			return;
		default: return;
		}
	default: /* DF */
		switch (reg) {
		case 0: /* FFREEP (undocumented: free and pop) */
			f->empty |= (uint8_t)(1u << st_phys(f, rm));
			st_pop(f);
			return;
		case 1: goto fxch;
		case 2:
		case 3:
			goto fstp;
		case 4:
			if (rm == 0)
				c->r[REG_AX].w[0] = cpu_fpu_status(c); /* FNSTSW AX */
			return;
		default: return;
		}
	}
fxch:
	if (st_empty(f, 0) || st_empty(f, rm)) {
		fpu_stack_fault(c, false);
		if (!(f->cw & FX_IE))
			return;
		if (st_empty(f, 0))
			st_set(f, 0, f80_indefinite());
		if (st_empty(f, rm))
			st_set(f, rm, f80_indefinite());
	}
	{
		const f80 a = st_get(f, 0), b = st_get(f, rm);
		st_set(f, 0, b);
		st_set(f, rm, a);
		fpu_set_c1(f, false);
	}
	return;
fstp:
	if (st_empty(f, 0)) {
		underflow_to(c, rm, true);
		return;
	}
	st_set(f, rm, st_get(f, 0));
	fpu_set_c1(f, false);
	st_pop(f);
	return;
fst:
	if (reg == 3)
		goto fstp;
	if (st_empty(f, 0)) {
		underflow_to(c, rm, false);
		return;
	}
	st_set(f, rm, st_get(f, 0));
	fpu_set_c1(f, false);
}

/* The instructions that do not wait for a pending exception (the FN*
 * forms) and the control instructions, which leave FIP, FOP and FDP
 * alone (80387 PRM 2.5, SDM Vol. 1 8.7.3). */
static bool no_wait(const struct insn *i)
{
	const unsigned esc = i->op & 7;
	if (i->mod == 3)
		return (esc == 3 && i->modrm >= 0xE0 && i->modrm <= 0xE4) || (esc == 7 && i->modrm == 0xE0);
	return (esc == 1 && (i->reg == 6 || i->reg == 7)) || (esc == 5 && (i->reg == 6 || i->reg == 7));
}

static bool control(const struct insn *i)
{
	const unsigned esc = i->op & 7;
	if (no_wait(i))
		return true;
	return i->mod != 3 && ((esc == 1 && (i->reg == 4 || i->reg == 5)) || (esc == 5 && i->reg == 4));
}

/* A waiting instruction with an unmasked exception pending: #MF with
 * CR0.NE (i486 PRM 7.2, SDM Vol. 1 8.7); without it the error output has
 * already gone to the board (IRQ 13) and the instruction runs. */
void fpu_check_pending(struct cpu *c)
{
	if ((c->x87.sw & SW_ES) && (c->in.cr0 & CR0_NE))
		cpu_fault(c, EXC_MF);
}

void fpu_exec(struct cpu *c, const struct insn *i)
{
	if (unlikely(c->x87.sw & SW_ES) && !no_wait(i))
		fpu_check_pending(c);
	if (i->mod != 3) {
		exec_mem(c, i);
		return;
	}
	if (!control(i))
		note(c, i);
	exec_reg(c, i);
}
