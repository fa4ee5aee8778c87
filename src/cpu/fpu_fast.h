/*
 * fpu_fast.h - the x87 arithmetic's fast kernels (docs/x87.md, "Speed"):
 * the common operations on normal numbers, inline, with the precision and
 * rounding control as parameters that the callers make compile-time
 * constants for the usual control words (so the rounding folds to a few
 * instructions).
 *
 * Contract
 * --------
 * - Each kernel returns false, having written nothing, when its operands
 *   or its result are outside what it handles (a denormal, infinity, NaN
 *   or unsupported operand; a zero divisor or dividend; a result that
 *   overflows or is tiny; exponents too far apart): the general function
 *   of fpu_arith.c must then run. Zeros are taken by the adder, the
 *   multiplier and the compare (ff_add(), ff_mul(), ff_compare()): each
 *   Mandelbrot point starts from zeros, and the general path costs some
 *   3,000 host instructions.
 * - Otherwise its result is bit for bit the general function's, and *fl
 *   gets exactly the flags that function would raise: FF_PE when the
 *   result is inexact and FF_C1 when it was rounded away from zero (C1,
 *   SDM Vol. 1 8.1.3.1). No other exception can arise for such operands
 *   and results. tests/unit/fpu_host.c checks every kernel against the
 *   general functions on millions of operands in every PC and RC.
 * - Like fpu_arith.c, integer arithmetic, with one exception proven exact:
 *   the sum with precision control 53 bits to nearest of two operands
 *   that are doubles may use the host's double addition where the host
 *   computes IEEE binary64 to nearest (ff_add_f64(), the proof there).
 *   Results never depend on the host's floating point or the compiler's
 *   flags.
 */
#ifndef MVDM_CPU_FPU_FAST_H
#define MVDM_CPU_FPU_FAST_H

#include <string.h>

#include "cpu/fpu_arith.h"

#define FF_INLINE static inline __attribute__((always_inline))

/* The flags a kernel reports, at their status word positions. */
enum { FF_PE = 0x20, FF_C1 = 0x200 };

/* The precision (significand bits) of a control word's PC field: 00 24
 * bits, 10 53, 11 64; the reserved 01 rounds as 64 (as fpu_ctx()). */
FF_INLINE unsigned ff_prec(uint16_t cw)
{
	const unsigned pc = (cw >> 8) & 3;
	return pc == 0 ? 24 : pc == 2 ? 53 : 64;
}

/* Round hi:lo (hi normalised: bit 63 set) with biased exponent e to P
 * significand bits by rounding control R. Only normal results: false when
 * e is out of 1..7FFEh before or after rounding. */
FF_INLINE bool ff_round(unsigned P, unsigned R, bool sign, int32_t e, uint64_t hi, uint64_t lo, f80 *r, unsigned *fl)
{
	if ((uint32_t)(e - 1) >= 0x7FFEu)
		return false;
	const unsigned drop = 64u - P;
	const uint64_t dmask = drop ? (1ull << drop) - 1 : 0;
	const uint64_t rhi = hi & dmask;
	uint64_t keep = hi & ~dmask; /* the kept bits, in place */
	const bool inexact = (rhi | lo) != 0;
	/* Whether to round away from zero, without branches (the operands of
	 * floating-point code make these unpredictable). To nearest: the
	 * discarded part plus half an ulp minus one, plus one for a sticky
	 * bit or an odd kept part (ties to even), carries into the kept part
	 * exactly when it is above half, or half with either of those. */
	unsigned inc;
	switch (R) {
	case RC_NEAR:
		if (drop) {
			const uint64_t half = 1ull << (drop - 1);
			const uint64_t s = (uint64_t)(lo != 0) | ((hi >> drop) & 1);
			inc = (unsigned)((rhi + (half - 1) + s) >> drop);
		} else {
			uint64_t t;
			inc = __builtin_add_overflow(lo, (F80_INT - 1) + (hi & 1), &t);
		}
		break;
	case RC_DOWN: inc = inexact && sign; break;
	case RC_UP: inc = inexact && !sign; break;
	default: inc = 0; break;
	}
	keep += (uint64_t)inc << drop;
	if (__builtin_expect(!keep, 0)) { /* carried out of the significand: 1.000... x 2 */
		keep = F80_INT;
		if (++e > 0x7FFE)
			return false;
	}
	*r = f80_make(sign, (unsigned)e, keep);
	*fl = (inexact ? FF_PE : 0) | (inc ? FF_C1 : 0);
	return true;
}

/* Dispatch on the control word's PC and RC: to nearest with 53 or 64 bits
 * (what compiled code runs under) get constant folded copies of the
 * kernel, everything else one copy with both at run time. */
#define FF_BY_CW(cw, ok, kernel, ...)                                                               \
	do {                                                                                        \
		switch (((cw) >> 8) & 0xF) {                                                        \
		case 0x2: (ok) = kernel(53, RC_NEAR, __VA_ARGS__); break;                           \
		case 0x3: (ok) = kernel(64, RC_NEAR, __VA_ARGS__); break;                           \
		default: (ok) = kernel(ff_prec(cw), ((cw) >> 10) & 3u, __VA_ARGS__); break;         \
		}                                                                                   \
	} while (0)

FF_INLINE bool ff_is_zero(f80 a)
{
	return !(a.se & 0x7FFF) && !a.m;
}

/* A normal number or a zero (the kernels' operands). */
FF_INLINE bool ff_is_normal_or_zero(f80 a)
{
	return f80_is_normal(a) || ff_is_zero(a);
}

/* A zero times a normal number or a zero: the zero with the product's
 * sign, exact (fpu_arith.c f80_mul()). Else false. */
FF_INLINE bool ff_mul_zero(f80 a, f80 b, f80 *r, unsigned *fl)
{
	if (!ff_is_normal_or_zero(a) || !ff_is_normal_or_zero(b) || !(ff_is_zero(a) || ff_is_zero(b)))
		return false;
	*r = f80_zero(f80_sign(a) ^ f80_sign(b));
	*fl = 0;
	return true;
}

/* a * b of two normal numbers (else false). */
FF_INLINE bool ff_mul_normal(unsigned P, unsigned R, f80 a, f80 b, f80 *r, unsigned *fl)
{
	if (!f80_is_normal(a) || !f80_is_normal(b))
		return false;
	const u128 v = (u128)a.m * b.m;
	uint64_t hi = (uint64_t)(v >> 64), lo = (uint64_t)v;
	int32_t e = (int32_t)f80_exp(a) + (int32_t)f80_exp(b) - F80_BIAS + 1;
	const unsigned n = !(hi >> 63); /* the product is in [1, 4): one bit at most */
	hi = hi << n | (lo >> 63 & n);
	lo <<= n;
	e -= (int32_t)n;
	return ff_round(P, R, f80_sign(a) ^ f80_sign(b), e, hi, lo, r, fl);
}

FF_INLINE bool ff_mul(unsigned P, unsigned R, f80 a, f80 b, f80 *r, unsigned *fl)
{
	if (__builtin_expect(!f80_is_normal(a) || !f80_is_normal(b), 0))
		return ff_mul_zero(a, b, r, fl);
	return ff_mul_normal(P, R, a, b, r, fl);
}

/* a + b (b's sign already negated for a subtraction) where a zero is an
 * operand and the other a normal number or a zero (fpu_arith.c addsub()):
 * the other operand rounded to the precision control, or for two zeros
 * the common sign, else +0 (-0 rounding down). Else false. */
FF_INLINE bool ff_add_zero(unsigned P, unsigned R, f80 a, f80 b, f80 *r, unsigned *fl)
{
	if (!ff_is_normal_or_zero(a) || !ff_is_normal_or_zero(b))
		return false;
	const bool za = ff_is_zero(a), zb = ff_is_zero(b);
	if (za && zb) {
		*r = f80_zero(f80_sign(a) == f80_sign(b) ? f80_sign(a) : R == RC_DOWN);
		*fl = 0;
		return true;
	}
	if (!za && !zb)
		return false;
	const f80 v = za ? b : a;
	return ff_round(P, R, f80_sign(v), (int32_t)f80_exp(v), v.m, 0, r, fl);
}

/* ---- the sum in the host's doubles (53 bits, to nearest) ----
 *
 * With precision control 53 bits and rounding to nearest, the x87 rounds
 * the exact sum to 53 significant bits with its 15-bit exponent. When both
 * operands are doubles exactly (normal, 53 significant bits, exponent
 * within the double's) the host's IEEE double addition computes the same
 * value, and the flags follow from the exact error. The proof:
 *
 * 1. Operands below 2^1023 in magnitude (ff_as_f64(): biased double
 *    exponent 1..7FDh), so |a + b| < 2^1024 and neither the sum nor any
 *    step below overflows.
 * 2. s = RN(a + b) in binary64. If s is normal (biased exponent 1..7FEh)
 *    the exact sum is at least 2^-1022 in magnitude: a sum of doubles is a
 *    multiple of 2^-1074, so one below 2^-1022 is itself a double (a
 *    subnormal: J. Hauser, "Handling floating-point exceptions in numeric
 *    programs", TOPLAS 18(2), 1996) and s would be that subnormal. In the
 *    normal range RN to 53 bits is the same with any exponent range, so s
 *    is the x87's result. A subnormal, zero or infinite s goes to the
 *    integer kernel.
 * 3. The error e = (a + b) - s is computed exactly by Knuth's TwoSum (six
 *    operations, TAOCP Vol. 2, 4.2.2 Theorem B; exact in binary floating
 *    point with round to nearest and no overflow, underflow included since
 *    sums that underflow are exact: S. Boldo, S. Graillat, J.-M. Muller,
 *    "On the robustness of the 2Sum and Fast2Sum algorithms", TOMS 44(1),
 *    2017). So PE (inexact) is e != 0, and C1 (rounded away from zero)
 *    is e != 0 with its sign opposite to s's (|s| > |a + b|).
 * 4. The host really computes binary64 round to nearest: C's doubles are
 *    evaluated in their own type (FLT_EVAL_METHOD 0: SSE2, not the x87),
 *    no contraction applies (no products), the compiler does not
 *    reassociate (no -ffast-math: meson.build), and MXCSR is read before
 *    each sum (ff_host_rn()): round to nearest, no flush to zero, every
 *    exception masked, else the integer kernel runs (a host program may
 *    set its own). Compiled x87 runs read it once in their check, before
 *    a straight line of calls of fast paths that cannot change it
 *    (ff_add_f64_bits_rn(): STMXCSR costs more than the sum).
 * tests/unit/fpu_fast_test.c test_sum_f64 checks it against the general
 * function on millions of pairs of doubles at the edges of all this. */
#if defined(__x86_64__) && defined(__SSE2_MATH__) && defined(__FLT_EVAL_METHOD__) && __FLT_EVAL_METHOD__ == 0 && \
	(defined(__GNUC__) || defined(__clang__)) && !defined(__FAST_MATH__)
#define FF_HOST_DOUBLE 1

/* The host's MXCSR asks for IEEE binary64 to nearest: RC 00, FZ 0, every
 * exception masked (DAZ does not matter: operands are normal). */
FF_INLINE bool ff_host_rn(void)
{
	uint32_t m;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	return (m & 0xFF80u) == 0x1F80u;
}

/* a as the bits of a double, when it is one exactly and below 2^1023:
 * normal, the low 11 significand bits clear, biased double exponent
 * 1..7FDh (80-bit 3C01h..43FDh). */
FF_INLINE bool ff_as_f64(f80 a, uint64_t *d)
{
	const unsigned e = a.se & 0x7FFFu;
	if ((a.m & 0x80000000000007FFull) != F80_INT || e - 0x3C01u >= 0x7FDu)
		return false;
	*d = (uint64_t)(a.se >> 15) << 63 | (uint64_t)(e - 0x3C00u) << 52 | ((a.m >> 11) & 0xFFFFFFFFFFFFFull);
	return true;
}

/* A double's bits that ff_add_f64() takes: normal, below 2^1023 (biased
 * exponent 1..7FDh). */
FF_INLINE bool ff_f64_addable(uint64_t d)
{
	return ((unsigned)(d >> 52) & 0x7FFu) - 1u < 0x7FDu;
}

/* The sum of two doubles that ff_f64_addable() takes (bits ab and bb),
 * rounded as the x87 with PC 53 to nearest (the proof above); false
 * (nothing written) for a result it does not take. */
FF_INLINE bool ff_add_f64_bits(uint64_t ab, uint64_t bb, f80 *r, unsigned *fl);

/* a + b (b negated with negate_b) to 53 bits, to nearest, in the host's
 * doubles (the proof above); false (nothing written) when it does not
 * apply. */
FF_INLINE bool ff_add_f64(f80 a, f80 b, bool negate_b, f80 *r, unsigned *fl)
{
	uint64_t ab, bb;
	if (!ff_as_f64(a, &ab) || !ff_as_f64(b, &bb))
		return false;
	return ff_add_f64_bits(ab, bb ^ (uint64_t)negate_b << 63, r, fl);
}

/* ff_add_f64_bits() for a caller that found ff_host_rn() true with
 * nothing between that could change MXCSR (a compiled x87 run's check). */
FF_INLINE bool ff_add_f64_bits_rn(uint64_t ab, uint64_t bb, f80 *r, unsigned *fl)
{
	double x, y;
	memcpy(&x, &ab, 8);
	memcpy(&y, &bb, 8);
	const double s = x + y;
	const double yv = s - x, xv = s - yv; /* TwoSum */
	const double err = (x - xv) + (y - yv);
	uint64_t sb, eb;
	memcpy(&sb, &s, 8);
	memcpy(&eb, &err, 8);
	const unsigned de = (unsigned)(sb >> 52) & 0x7FFu;
	if (de - 1u >= 0x7FEu)
		return false; /* zero, subnormal or infinite */
	const unsigned inexact = (eb << 1) != 0;
	*r = f80_make(sb >> 63, de + 0x3C00u, F80_INT | sb << 11);
	*fl = (inexact ? FF_PE : 0) | (inexact & (unsigned)((eb ^ sb) >> 63) ? FF_C1 : 0);
	return true;
}

FF_INLINE bool ff_add_f64_bits(uint64_t ab, uint64_t bb, f80 *r, unsigned *fl)
{
	return ff_host_rn() && ff_add_f64_bits_rn(ab, bb, r, fl);
}
#endif

/* a + b, or a - b with negate_b; exponents at most 63 apart. */
FF_INLINE bool ff_add(unsigned P, unsigned R, f80 a, f80 b, bool negate_b, f80 *r, unsigned *fl)
{
#ifdef FF_HOST_DOUBLE
	if (P == 53 && R == RC_NEAR && ff_add_f64(a, b, negate_b, r, fl))
		return true;
#endif
	if (__builtin_expect(!f80_is_normal(a) || !f80_is_normal(b), 0))
		return ff_add_zero(P, R, a, negate_b ? f80_neg(b) : b, r, fl);
	bool sa = f80_sign(a);
	const bool sb = f80_sign(b) ^ negate_b, same = sa == sb;
	int32_t ea = (int32_t)f80_exp(a), eb = (int32_t)f80_exp(b);
	uint64_t ma = a.m, mb = b.m;
	/* |a| >= |b| from here (selects, not branches). */
	const bool swap = ea < eb || (ea == eb && ma < mb);
	const uint64_t m1 = swap ? mb : ma, m2 = swap ? ma : mb;
	const int32_t e1 = swap ? eb : ea, e2 = swap ? ea : eb;
	ma = m1;
	mb = m2;
	ea = e1;
	eb = e2;
	sa = swap ? sb : sa;
	const unsigned d = (unsigned)(ea - eb);
	if (d > 63)
		return false;
	/* mb >> d as hi and the bits shifted out as lo: exact. */
	const uint64_t bh = mb >> d, bl = d ? mb << (64 - d) : 0;
	uint64_t hi, lo;
	if (same) {
		hi = ma + bh;
		/* A carry: one bit right (bl's bit 0 is clear: nothing lost). */
		const unsigned cy = hi < ma;
		lo = bl >> cy | (hi & cy) << 63;
		hi = hi >> cy | (uint64_t)cy << 63;
		ea += (int32_t)cy;
		return ff_round(P, R, sa, ea, hi, lo, r, fl);
	}
	lo = 0 - bl;
	hi = ma - bh - (bl != 0);
	if (!(hi >> 63)) {
		if (!(hi | lo)) { /* an exact zero: +0, -0 rounding down (IEEE 754 6.3) */
			*r = f80_zero(R == RC_DOWN);
			*fl = 0;
			return true;
		}
		const unsigned lz = hi ? (unsigned)__builtin_clzll(hi) : 64u + (unsigned)__builtin_clzll(lo);
		const u128 v = ((u128)hi << 64 | lo) << lz;
		hi = (uint64_t)(v >> 64);
		lo = (uint64_t)v;
		ea -= (int32_t)lz;
	}
	return ff_round(P, R, sa, ea, hi, lo, r, fl);
}

/* hi:lo / d with hi < d (so the quotient fits 64 bits), and the remainder. */
FF_INLINE uint64_t ff_div128(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	/* The host's integer divide: exact, and it cannot trap (hi < d). */
	uint64_t q, rm;
	__asm__("divq %4" : "=a"(q), "=d"(rm) : "a"(lo), "d"(hi), "rm"(d) : "cc");
	*rem = rm;
	return q;
#else
	const u128 n = (u128)hi << 64 | lo;
	*rem = (uint64_t)(n % d);
	return (uint64_t)(n / d);
#endif
}

FF_INLINE bool ff_div(unsigned P, unsigned R, f80 a, f80 b, f80 *r, unsigned *fl)
{
	if (!f80_is_normal(a) || !f80_is_normal(b))
		return false;
	/* a.m / b.m is in (1/2, 2): the quotient of a.m * 2^63, then 64 more
	 * bits, then a sticky bit for the remainder. */
	uint64_t r1, r2;
	const uint64_t q1 = ff_div128(a.m >> 1, a.m << 63, b.m, &r1);
	const uint64_t q2 = ff_div128(r1, 0, b.m, &r2);
	int32_t e = (int32_t)f80_exp(a) - (int32_t)f80_exp(b) + F80_BIAS;
	uint64_t hi = q1, lo = q2 | (r2 != 0);
	const unsigned n = !(hi >> 63); /* the quotient is in (1/2, 2) */
	hi = hi << n | (lo >> 63 & n);
	lo = lo << n | (lo & 1);
	e -= (int32_t)n;
	return ff_round(P, R, f80_sign(a) ^ f80_sign(b), e, hi, lo, r, fl);
}

/* The order of two numbers, each normal or a zero: -1, 0, 1 (+0 = -0). */
FF_INLINE int ff_compare(f80 a, f80 b)
{
	const bool za = ff_is_zero(a), zb = ff_is_zero(b);
	if (__builtin_expect(za | zb, 0)) {
		if (za && zb)
			return 0;
		return za ? (f80_sign(b) ? 1 : -1) : (f80_sign(a) ? -1 : 1);
	}
	if (f80_sign(a) != f80_sign(b))
		return f80_sign(a) ? -1 : 1;
	const int m = f80_exp(a) != f80_exp(b) ? (f80_exp(a) > f80_exp(b) ? 1 : -1) : a.m != b.m ? (a.m > b.m ? 1 : -1) : 0;
	return f80_sign(a) ? -m : m;
}

/* ---- conversions ---- */

/* A normal double or a zero, exactly (other classes: false). */
FF_INLINE bool ff_from_f64(uint64_t v, f80 *r)
{
	const unsigned e = (unsigned)(v >> 52) & 0x7FF;
	const uint64_t frac = v & 0xFFFFFFFFFFFFFull;
	if (e - 1u < 0x7FEu) {
		*r = f80_make(v >> 63, e - 1023 + F80_BIAS, F80_INT | frac << 11);
		return true;
	}
	if (e || frac)
		return false;
	*r = f80_zero(v >> 63);
	return true;
}

/* A normal double, exactly (the operand of arithmetic: a zero goes to
 * the general path anyway). */
FF_INLINE bool ff_from_f64_normal(uint64_t v, f80 *r)
{
	const unsigned e = (unsigned)(v >> 52) & 0x7FF;
	if (e - 1u >= 0x7FEu)
		return false;
	*r = f80_make(v >> 63, e - 1023 + F80_BIAS, F80_INT | (v & 0xFFFFFFFFFFFFFull) << 11);
	return true;
}

/* A normal single, exactly. */
FF_INLINE bool ff_from_f32_normal(uint32_t v, f80 *r)
{
	const unsigned e = (v >> 23) & 0xFF;
	if (e - 1u >= 0xFEu)
		return false;
	*r = f80_make(v >> 31, e - 127 + F80_BIAS, F80_INT | (uint64_t)(v & 0x7FFFFF) << 40);
	return true;
}

/* A normal single or a zero, exactly. */
FF_INLINE bool ff_from_f32(uint32_t v, f80 *r)
{
	const unsigned e = (v >> 23) & 0xFF;
	const uint32_t frac = v & 0x7FFFFF;
	if (e - 1u < 0xFEu) {
		*r = f80_make(v >> 31, e - 127 + F80_BIAS, F80_INT | (uint64_t)frac << 40);
		return true;
	}
	if (e || frac)
		return false;
	*r = f80_zero(v >> 31);
	return true;
}

/* An integer, exactly (every one is representable). */
FF_INLINE f80 ff_from_int(int64_t v)
{
	if (!v)
		return f80_zero(false);
	const bool neg = v < 0;
	const uint64_t m = neg ? 0 - (uint64_t)v : (uint64_t)v;
	const unsigned lz = (unsigned)__builtin_clzll(m);
	return f80_make(neg, (unsigned)(F80_BIAS + 63 - (int)lz), m << lz);
}

/* Store to a double by R (precision control does not apply): a normal
 * value whose rounded double is normal, or a zero. */
FF_INLINE bool ff_to_f64(unsigned R, f80 a, uint64_t *out, unsigned *fl)
{
	if (ff_is_zero(a)) {
		*out = (uint64_t)f80_sign(a) << 63;
		*fl = 0;
		return true;
	}
	const unsigned ae = a.se & 0x7FFFu;
	if ((a.m & 0x80000000000007FFull) == F80_INT && ae - 0x3C01u < 0x7FEu) {
		/* a double exactly (53 bits, the normal range): nothing to round */
		*out = (uint64_t)f80_sign(a) << 63 | (uint64_t)(ae - 0x3C00u) << 52 | ((a.m >> 11) & 0xFFFFFFFFFFFFFull);
		*fl = 0;
		return true;
	}
	if (!f80_is_normal(a))
		return false;
	const int32_t de = (int32_t)f80_exp(a) - F80_BIAS + 1023;
	if (de < 1 || de > 0x7FE)
		return false;
	f80 r;
	unsigned rfl;
	if (!ff_round(53, R, f80_sign(a), (int32_t)f80_exp(a), a.m, 0, &r, &rfl))
		return false;
	const int32_t re = (int32_t)f80_exp(r) - F80_BIAS + 1023;
	if (re > 0x7FE)
		return false;
	*fl = rfl;
	*out = (uint64_t)f80_sign(a) << 63 | (uint64_t)re << 52 | ((r.m >> 11) & 0xFFFFFFFFFFFFFull);
	return true;
}

/* Store to a single by R: a normal value whose rounded single is normal,
 * or a zero. */
FF_INLINE bool ff_to_f32(unsigned R, f80 a, uint32_t *out, unsigned *fl)
{
	if (ff_is_zero(a)) {
		*out = (uint32_t)f80_sign(a) << 31;
		*fl = 0;
		return true;
	}
	if (!f80_is_normal(a))
		return false;
	const int32_t se = (int32_t)f80_exp(a) - F80_BIAS + 127;
	if (se < 1 || se > 0xFE)
		return false;
	f80 r;
	unsigned rfl;
	if (!ff_round(24, R, f80_sign(a), (int32_t)f80_exp(a), a.m, 0, &r, &rfl))
		return false;
	const int32_t re = (int32_t)f80_exp(r) - F80_BIAS + 127;
	if (re > 0xFE)
		return false;
	*fl = rfl;
	*out = (uint32_t)f80_sign(a) << 31 | (uint32_t)re << 23 | (uint32_t)((r.m >> 40) & 0x7FFFFF);
	return true;
}

/* Dispatch a store kernel on RC (compile-time copies for each). */
#define FF_BY_RC(cw, ok, kernel, ...)                                                               \
	do {                                                                                        \
		switch (((cw) >> 10) & 3) {                                                         \
		case RC_NEAR: (ok) = kernel(RC_NEAR, __VA_ARGS__); break;                           \
		case RC_DOWN: (ok) = kernel(RC_DOWN, __VA_ARGS__); break;                           \
		case RC_UP: (ok) = kernel(RC_UP, __VA_ARGS__); break;                               \
		default: (ok) = kernel(RC_CHOP, __VA_ARGS__); break;                                \
		}                                                                                   \
	} while (0)

#endif
