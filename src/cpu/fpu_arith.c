/*
 * fpu_arith.c - the x87's 80-bit soft-float: exact integer arithmetic and
 * one IEEE 754 rounding (fpu_arith.h has the contract; docs/x87.md why).
 *
 * Sources: IEEE 754-1985; Intel 80387 Programmer's Reference Manual
 * (1987) chapters 2-3 and 6; Intel SDM Vol. 1 chapters 4 and 8 (masked
 * responses, NaN propagation Table 4-7, tininess "after rounding with
 * unbounded exponent, taking precision control into account" 4.9.1.5).
 */
#include "cpu/fpu_arith.h"

#include <string.h>

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* A target format for rounding: the exponent bias, the largest biased
 * exponent of a finite number, the significand bits, and whether the
 * destination is a register (unmasked OE/UE then deliver a result with a
 * biased exponent) or memory (nothing is stored). */
struct rfmt {
	int32_t bias;
	int32_t emax;
	unsigned prec;
	bool reg;
};

/* The exponent bias adjustment of unmasked overflow and underflow
 * (SDM Vol. 1 8.5.3, 8.5.4: 3 * 2^13). */
#define BIAS_ADJUST 24576

static int clz128(u128 v)
{
	uint64_t hi = (uint64_t)(v >> 64);
	if (hi)
		return __builtin_clzll(hi);
	return 64 + __builtin_clzll((uint64_t)v);
}

/* v >> n with every bit shifted out ORed into bit 0. */
static u128 shr_sticky(u128 v, int32_t n)
{
	if (n <= 0)
		return v;
	if (n >= 128)
		return v != 0;
	return (v >> n) | ((v << (128 - n)) != 0);
}

/* Round away from zero? rem is the discarded part, half its midpoint. */
static bool round_up(uint8_t rc, bool sign, bool lsb, u128 rem, u128 half)
{
	if (rem == 0)
		return false;
	switch (rc) {
	case RC_NEAR: return rem > half || (rem == half && lsb);
	case RC_DOWN: return sign;
	case RC_UP: return !sign;
	default: return false;
	}
}

/* Round v * 2^(e - 16383 - 127) (v != 0) to the format: *oexp gets the
 * biased exponent in the format (0 for denormals and zero, emax + 1 for
 * infinity), *om the significand with its integer bit at bit 63. Returns
 * false when nothing may be stored (unmasked OE/UE with a memory
 * destination). */
static bool round_fmt(struct fctx *x, bool sign, int32_t e, u128 v, const struct rfmt *f, int32_t *oexp,
		      uint64_t *om)
{
	const unsigned p = f->prec;
	x->up = false;
	if (v == 0) {
		*oexp = 0;
		*om = 0;
		return true;
	}
	const int lz = clz128(v);
	v <<= lz;
	e = e - lz - F80_BIAS + f->bias;
	const u128 half = (u128)1 << (127 - p);
	const u128 mask = (half << 1) - 1;
	bool tiny = false;
	if (e < 1) {
		/* Tiny after rounding with unbounded exponent: only a value just
		 * below the smallest normal can round up out of it. */
		tiny = e < 0 || (v >> (128 - p)) != ((u128)1 << p) - 1 ||
		       !round_up(x->rc, sign, true, v & mask, half);
		if (tiny && !(x->masks & FX_UE)) {
			x->exc |= FX_UE;
			if (!f->reg)
				return false;
			e += BIAS_ADJUST;
			tiny = false;
		}
	}
	bool den = false;
	if (e < 1) {
		v = shr_sticky(v, 1 - e);
		e = 1;
		den = true;
	}
	const u128 rem = v & mask;
	u128 keep = v >> (128 - p);
	const bool inexact = rem != 0;
	const bool inc = round_up(x->rc, sign, (keep & 1) != 0, rem, half);
	if (inc) {
		keep++;
		if (keep >> p) {
			keep >>= 1;
			e++;
		}
	}
	if (den && !((keep >> (p - 1)) & 1))
		e = 0;
	uint64_t m = (uint64_t)(keep << (64 - p));
	if (inexact) {
		x->exc |= FX_PE;
		x->up = inc;
		if (tiny)
			x->exc |= FX_UE;
	}
	if (e > f->emax) {
		x->exc |= FX_OE;
		if (!(x->masks & FX_OE)) {
			if (!f->reg)
				return false;
			e -= BIAS_ADJUST;
		} else {
			x->exc |= FX_PE;
			const bool to_inf = x->rc == RC_NEAR || (x->rc == RC_UP && !sign) || (x->rc == RC_DOWN && sign);
			if (to_inf) {
				e = f->emax + 1;
				m = F80_INT;
			} else {
				e = f->emax;
				m = ~0ull << (64 - p);
			}
			x->up = to_inf;
		}
	}
	*oexp = e;
	*om = m;
	return true;
}

static f80 round_pack_slow(struct fctx *x, bool sign, int32_t e, u128 v)
{
	const struct rfmt reg = { F80_BIAS, 0x7FFE, x->prec, true };
	int32_t oe;
	uint64_t m;
	round_fmt(x, sign, e, v, &reg, &oe, &m);
	return f80_make(sign, (unsigned)oe & 0x7FFF, m);
}

f80 f80_round_pack(struct fctx *x, bool sign, int32_t e, u128 v)
{
	return round_pack_slow(x, sign, e, v);
}

enum fclass f80_class(f80 a)
{
	const unsigned e = f80_exp(a);
	if (e == 0)
		return a.m == 0 ? FC_ZERO : FC_DENORMAL;
	if (!(a.m & F80_INT))
		return FC_UNSUPPORTED; /* unnormal, pseudo-NaN, pseudo-infinity */
	if (e == F80_EXP_MAX) {
		if (a.m == F80_INT)
			return FC_INF;
		return (a.m & F80_QBIT) ? FC_QNAN : FC_SNAN;
	}
	return FC_NORMAL;
}

unsigned f80_tag(f80 a)
{
	switch (f80_class(a)) {
	case FC_ZERO: return 1;
	case FC_NORMAL: return 0;
	default: return 2;
	}
}

void f80_unpack(f80 a, uint64_t *m, int32_t *e)
{
	int32_t ex = (int32_t)f80_exp(a);
	uint64_t mm = a.m;
	if (ex == 0)
		ex = 1; /* denormals and pseudo-denormals: 2^-16382 scale */
	const int lz = __builtin_clzll(mm);
	*m = mm << lz;
	*e = ex - lz;
}

static f80 quiet(f80 a)
{
	a.m |= F80_QBIT;
	return a;
}

f80 f80_nan_result(struct fctx *x, f80 a, f80 b, bool two)
{
	const enum fclass ka = f80_class(a), kb = two ? f80_class(b) : FC_NORMAL;
	if (ka == FC_SNAN || kb == FC_SNAN || (x->mode & FM_287))
		x->exc |= FX_IE;
	if (!fclass_nan(kb))
		return quiet(a);
	if (!fclass_nan(ka))
		return quiet(b);
	if (ka == FC_QNAN && kb == FC_SNAN)
		return a;
	if (ka == FC_SNAN && kb == FC_QNAN)
		return b;
	if (a.m > b.m)
		return quiet(a);
	if (b.m > a.m)
		return quiet(b);
	return quiet(!f80_sign(a) && f80_sign(b) ? a : b);
}

static f80 invalid(struct fctx *x)
{
	x->exc |= FX_IE;
	return f80_indefinite();
}

/* The checks every two-operand operation starts with (SDM Vol. 1 4.9.2
 * precedence): unsupported formats and SNaNs (IE), QNaNs, denormal
 * operands (DE; unmasked, no result). True when *r is the result. */
static bool binary_specials(struct fctx *x, f80 a, f80 b, enum fclass *ka, enum fclass *kb, f80 *r)
{
	*ka = f80_class(a);
	*kb = f80_class(b);
	if (*ka == FC_UNSUPPORTED || *kb == FC_UNSUPPORTED) {
		*r = invalid(x);
		return true;
	}
	if (fclass_nan(*ka) || fclass_nan(*kb)) {
		*r = f80_nan_result(x, a, b, true);
		return true;
	}
	if (*ka == FC_DENORMAL || *kb == FC_DENORMAL) {
		x->exc |= FX_DE;
		if (!(x->masks & FX_DE)) {
			*r = a;
			return true;
		}
	}
	return false;
}

/* Round a finite value as it is (an operand that is the result: x + 0)
 * at the precision control. */
static f80 round_value(struct fctx *x, f80 a)
{
	if (f80_exp(a) == 0 && a.m == 0)
		return a;
	uint64_t m;
	int32_t e;
	f80_unpack(a, &m, &e);
	return f80_round_pack(x, f80_sign(a), e, (u128)m << 64);
}

static f80 addsub(struct fctx *x, f80 a, f80 b, bool negate_b)
{
	enum fclass ka, kb;
	f80 r;
	if (binary_specials(x, a, b, &ka, &kb, &r))
		return r;
	bool sa = f80_sign(a), sb = f80_sign(b) ^ negate_b;
	if (ka == FC_INF || kb == FC_INF) {
		/* Projective: inf + inf, inf - inf invalid whatever the signs. */
		if (ka == FC_INF && kb == FC_INF && (sa != sb || (x->mode & FM_PROJ)))
			return invalid(x);
		return f80_inf(ka == FC_INF ? sa : sb);
	}
	if (kb == FC_ZERO) {
		if (ka == FC_ZERO)
			return f80_zero(sa == sb ? sa : x->rc == RC_DOWN);
		return round_value(x, a);
	}
	if (ka == FC_ZERO)
		return round_value(x, f80_make(sb, f80_exp(b), b.m));
	uint64_t ma, mb;
	int32_t ea, eb;
	f80_unpack(a, &ma, &ea);
	f80_unpack(b, &mb, &eb);
	if (ea < eb || (ea == eb && ma < mb)) {
		uint64_t tm = ma;
		ma = mb;
		mb = tm;
		int32_t te = ea;
		ea = eb;
		eb = te;
		bool ts = sa;
		sa = sb;
		sb = ts;
	}
	const u128 A = (u128)ma << 63;
	const u128 B = shr_sticky((u128)mb << 63, ea - eb);
	const u128 s = sa == sb ? A + B : A - B;
	if (s == 0)
		return f80_zero(x->rc == RC_DOWN);
	return f80_round_pack(x, sa, ea + 1, s);
}

f80 f80_add(struct fctx *x, f80 a, f80 b) { return addsub(x, a, b, false); }
f80 f80_sub(struct fctx *x, f80 a, f80 b) { return addsub(x, a, b, true); }

f80 f80_mul(struct fctx *x, f80 a, f80 b)
{
	enum fclass ka, kb;
	f80 r;
	if (binary_specials(x, a, b, &ka, &kb, &r))
		return r;
	const bool s = f80_sign(a) ^ f80_sign(b);
	if (ka == FC_INF || kb == FC_INF) {
		if (ka == FC_ZERO || kb == FC_ZERO)
			return invalid(x);
		return f80_inf(s);
	}
	if (ka == FC_ZERO || kb == FC_ZERO)
		return f80_zero(s);
	uint64_t ma, mb;
	int32_t ea, eb;
	f80_unpack(a, &ma, &ea);
	f80_unpack(b, &mb, &eb);
	return f80_round_pack(x, s, ea + eb - F80_BIAS + 1, (u128)ma * mb);
}

f80 f80_div(struct fctx *x, f80 a, f80 b)
{
	enum fclass ka, kb;
	f80 r;
	if (binary_specials(x, a, b, &ka, &kb, &r))
		return r;
	const bool s = f80_sign(a) ^ f80_sign(b);
	if (ka == FC_INF)
		return kb == FC_INF ? invalid(x) : f80_inf(s);
	if (kb == FC_INF)
		return f80_zero(s);
	if (kb == FC_ZERO) {
		if (ka == FC_ZERO)
			return invalid(x);
		x->exc |= FX_ZE;
		return f80_inf(s);
	}
	if (ka == FC_ZERO)
		return f80_zero(s);
	uint64_t ma, mb;
	int32_t ea, eb;
	f80_unpack(a, &ma, &ea);
	f80_unpack(b, &mb, &eb);
	const u128 n = (u128)ma << 63;
	const u128 q1 = n / mb, r1 = n % mb;
	const u128 n2 = r1 << 64;
	const u128 q2 = n2 / mb, r2 = n2 % mb;
	const u128 q = (q1 << 64) | q2 | (r2 != 0);
	return f80_round_pack(x, s, ea - eb + F80_BIAS, q);
}

f80 f80_sqrt(struct fctx *x, f80 a)
{
	const enum fclass k = f80_class(a);
	if (k == FC_UNSUPPORTED)
		return invalid(x);
	if (fclass_nan(k))
		return f80_nan_result(x, a, a, false);
	if (k == FC_ZERO)
		return a;
	if (f80_sign(a) || (k == FC_INF && (x->mode & FM_PROJ)))
		return invalid(x); /* projective: the unsigned infinity too */
	if (k == FC_INF)
		return a;
	if (k == FC_DENORMAL) {
		x->exc |= FX_DE;
		if (!(x->masks & FX_DE))
			return a;
	}
	uint64_t m;
	int32_t e;
	f80_unpack(a, &m, &e);
	/* a = X * 2^t with t even; sqrt(a) = isqrt(X * 2^68) * 2^(t/2 - 34),
	 * bit by bit (two input bits per result bit), 67 result bits. */
	int32_t t = e - F80_BIAS - 63;
	u128 X = m;
	if (t & 1) {
		X <<= 1;
		t -= 1;
	}
	u128 rem = 0, root = 0;
	for (int i = 32; i >= -34; i--) {
		const unsigned pair = i >= 0 ? (unsigned)(X >> (2 * i)) & 3u : 0u;
		rem = (rem << 2) | pair;
		const u128 trial = (root << 2) | 1;
		if (rem >= trial) {
			rem -= trial;
			root = (root << 1) | 1;
		} else {
			root <<= 1;
		}
	}
	root |= rem != 0;
	return f80_round_pack(x, false, t / 2 - 34 + F80_BIAS + 127, root);
}

f80 f80_rem(struct fctx *x, f80 a, f80 b, bool ieee, uint16_t *cc)
{
	enum fclass ka = f80_class(a), kb = f80_class(b);
	f80 r;
	*cc = 0;
	/* inf rem y and x rem 0 are invalid before a denormal operand counts. */
	if ((ka == FC_INF && kb != FC_UNSUPPORTED && !fclass_nan(kb)) ||
	    (kb == FC_ZERO && ka != FC_UNSUPPORTED && !fclass_nan(ka)))
		return invalid(x);
	if (binary_specials(x, a, b, &ka, &kb, &r))
		return r;
	if (ka == FC_ZERO)
		return a;
	if (kb == FC_INF)
		return round_value(x, a); /* pseudo-denormals come back normal */
	const bool sa = f80_sign(a);
	uint64_t ma, mb;
	int32_t ea, eb;
	f80_unpack(a, &ma, &ea);
	f80_unpack(b, &mb, &eb);
	const int32_t d = ea - eb;
	if (d < (ieee ? -1 : 0))
		return f80_round_pack(x, sa, ea, (u128)ma << 64); /* denormals normalise */
	if (d >= 64) {
		/* Partial remainder (SDM FPREM: reduce the exponent by an
		 * implementation-dependent N, 32 <= N <= 63; here N = 32 + d mod
		 * 32, so the difference left is a multiple of 32). */
		const int n = 32 + (d & 31);
		const u128 A = (u128)ma << n;
		const u128 rm = A % mb;
		*cc = 0x400;
		if (rm == 0)
			return f80_zero(sa);
		return f80_round_pack(x, sa, ea - n + 64, rm);
	}
	const u128 A = (u128)ma << (d + 1), B = (u128)mb << 1;
	u128 q = A / B, rm = A % B;
	bool s = sa;
	if (ieee && (rm > B - rm || (rm == B - rm && (q & 1)))) {
		rm = B - rm;
		q++;
		s = !s;
	}
	*cc = (uint16_t)(((q & 4) ? 0x100 : 0) | ((q & 2) ? 0x4000 : 0) | ((q & 1) ? 0x200 : 0));
	if (rm == 0)
		return f80_zero(sa);
	return f80_round_pack(x, s, eb + 63, rm);
}

/* m * 2^(E - 63) (E < 63) rounded to an integer by rc: returns its
 * magnitude (at most 2^63), *inexact, and x->up. */
static uint64_t round_integer(struct fctx *x, bool sign, uint64_t m, int32_t E, bool *inexact)
{
	const u128 v = (u128)m << 64; /* value = v * 2^(E - 127) */
	const int32_t sh = 127 - E;   /* fraction bits of v, >= 65 */
	u128 ip, rem, half;
	if (sh > 128) {
		ip = 0;
		rem = 1;    /* nonzero, below one half */
		half = 2;
	} else if (sh == 128) {
		ip = 0;
		rem = v;
		half = (u128)1 << 127;
	} else {
		ip = v >> sh;
		rem = v & (((u128)1 << sh) - 1);
		half = (u128)1 << (sh - 1);
	}
	*inexact = rem != 0;
	x->up = round_up(x->rc, sign, (ip & 1) != 0, rem, half);
	return (uint64_t)(ip + x->up);
}

f80 f80_from_i64(int64_t v)
{
	if (v == 0)
		return f80_zero(false);
	const bool s = v < 0;
	const uint64_t u = s ? 0 - (uint64_t)v : (uint64_t)v;
	const int lz = __builtin_clzll(u);
	return f80_make(s, (unsigned)(F80_BIAS + 63 - lz), u << lz);
}

f80 f80_round_int(struct fctx *x, f80 a)
{
	const enum fclass k = f80_class(a);
	x->up = false;
	if (k == FC_UNSUPPORTED)
		return invalid(x);
	if (fclass_nan(k))
		return f80_nan_result(x, a, a, false);
	if (k == FC_ZERO || k == FC_INF)
		return a;
	if (k == FC_DENORMAL) {
		x->exc |= FX_DE;
		if (!(x->masks & FX_DE))
			return a;
	}
	uint64_t m;
	int32_t e;
	f80_unpack(a, &m, &e);
	const int32_t E = e - F80_BIAS;
	if (E >= 63)
		return a;
	bool inexact;
	const uint64_t i = round_integer(x, f80_sign(a), m, E, &inexact);
	if (inexact)
		x->exc |= FX_PE;
	if (i == 0)
		return f80_zero(f80_sign(a));
	f80 r = f80_from_i64((int64_t)(i >> 1)); /* i <= 2^63: scale by hand */
	const int lz = __builtin_clzll(i);
	r = f80_make(f80_sign(a), (unsigned)(F80_BIAS + 63 - lz), i << lz);
	return r;
}

bool f80_to_int(struct fctx *x, f80 a, unsigned bits, int64_t *out)
{
	const enum fclass k = f80_class(a);
	const uint64_t lim = 1ull << (bits - 1); /* |negative| limit; positive: lim - 1 */
	const int64_t indefinite = (int64_t)(0 - lim);
	x->up = false;
	if (k == FC_UNSUPPORTED || fclass_nan(k) || k == FC_INF)
		goto bad;
	if (k == FC_ZERO) {
		*out = 0;
		return true;
	}
	uint64_t m;
	int32_t e;
	f80_unpack(a, &m, &e);
	const int32_t E = e - F80_BIAS;
	const bool s = f80_sign(a);
	uint64_t i;
	bool inexact = false;
	if (E >= 63) {
		if (E > 63 || m != F80_INT)
			goto bad;
		i = m;
	} else {
		i = round_integer(x, s, m, E, &inexact);
	}
	if (i > (s ? lim : lim - 1)) {
		x->up = false;
		goto bad;
	}
	if (inexact)
		x->exc |= FX_PE;
	*out = s ? (int64_t)(0 - i) : (int64_t)i;
	return true;
bad:
	x->exc |= FX_IE;
	*out = indefinite;
	return (x->masks & FX_IE) != 0;
}

f80 f80_from_bcd(const uint8_t bcd[10])
{
	uint64_t v = 0;
	for (int i = 8; i >= 0; i--)
		v = v * 100 + (uint64_t)(bcd[i] >> 4) * 10 + (bcd[i] & 15u);
	f80 r = f80_from_i64((int64_t)v);
	if (bcd[9] & 0x80)
		r = f80_neg(r);
	return r;
}

bool f80_to_bcd(struct fctx *x, f80 a, uint8_t bcd[10])
{
	int64_t v;
	const enum fclass k = f80_class(a);
	bool ok = k != FC_UNSUPPORTED && !fclass_nan(k) && k != FC_INF;
	if (ok) {
		struct fctx t = *x;
		t.masks |= FX_IE;
		ok = f80_to_int(&t, a, 64, &v) && !(t.exc & FX_IE) && v <= 999999999999999999ll &&
		     v >= -999999999999999999ll;
		if (ok) {
			x->exc = t.exc;
			x->up = t.up;
		}
	}
	if (!ok) {
		x->exc |= FX_IE;
		x->up = false;
		/* The packed BCD indefinite (SDM Vol. 1 4.7: FFFF C000 0000 0000 0000h). */
		memset(bcd, 0, 10);
		bcd[9] = 0xFF;
		bcd[8] = 0xFF;
		bcd[7] = 0xC0;
		return (x->masks & FX_IE) != 0;
	}
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	for (int i = 0; i < 9; i++) {
		const unsigned lo = (unsigned)(u % 10);
		u /= 10;
		const unsigned hi = (unsigned)(u % 10);
		u /= 10;
		bcd[i] = (uint8_t)(hi << 4 | lo);
	}
	bcd[9] = f80_sign(a) ? 0x80 : 0;
	return true;
}

int f80_compare(struct fctx *x, f80 a, f80 b, bool quiet_cmp)
{
	const enum fclass ka = f80_class(a), kb = f80_class(b);
	if (ka == FC_UNSUPPORTED || kb == FC_UNSUPPORTED) {
		x->exc |= FX_IE;
		return 2;
	}
	if (fclass_nan(ka) || fclass_nan(kb)) {
		if (!quiet_cmp || ka == FC_SNAN || kb == FC_SNAN)
			x->exc |= FX_IE;
		return 2;
	}
	if ((x->mode & FM_PROJ) && (ka == FC_INF || kb == FC_INF)) {
		/* Projective: an infinity equals an infinity and is not
		 * comparable with anything else (IE, unordered). */
		if (ka == FC_INF && kb == FC_INF)
			return 0;
		x->exc |= FX_IE;
		return 2;
	}
	if (ka == FC_DENORMAL || kb == FC_DENORMAL)
		x->exc |= FX_DE;
	const bool sa = f80_sign(a), sb = f80_sign(b);
	if (ka == FC_ZERO && kb == FC_ZERO)
		return 0;
	if (ka == FC_ZERO)
		return sb ? 1 : -1;
	if (kb == FC_ZERO)
		return sa ? -1 : 1;
	if (sa != sb)
		return sa ? -1 : 1;
	uint64_t ma = F80_INT, mb = F80_INT;
	int32_t ea = F80_EXP_MAX, eb = F80_EXP_MAX;
	if (ka != FC_INF)
		f80_unpack(a, &ma, &ea);
	if (kb != FC_INF)
		f80_unpack(b, &mb, &eb);
	int c = ea != eb ? (ea > eb ? 1 : -1) : ma != mb ? (ma > mb ? 1 : -1) : 0;
	return sa ? -c : c;
}

f80 f80_scale(struct fctx *x, f80 a, f80 b)
{
	enum fclass ka, kb;
	f80 r;
	if (binary_specials(x, a, b, &ka, &kb, &r))
		return r;
	if (kb == FC_INF) {
		if (!f80_sign(b))
			return ka == FC_ZERO ? invalid(x) : ka == FC_INF ? a : f80_inf(f80_sign(a));
		return ka == FC_INF ? invalid(x) : f80_zero(f80_sign(a));
	}
	if (ka == FC_INF || ka == FC_ZERO)
		return a;
	/* The scale: ST(1) truncated toward zero, clamped far beyond any
	 * exponent range. */
	int32_t n = 0;
	if (kb != FC_ZERO) {
		uint64_t mb;
		int32_t eb;
		f80_unpack(b, &mb, &eb);
		const int32_t E = eb - F80_BIAS;
		n = E < 0 ? 0 : E > 20 ? (1 << 21) : (int32_t)(mb >> (63 - E));
		if (f80_sign(b))
			n = -n;
	}
	uint64_t m;
	int32_t e;
	f80_unpack(a, &m, &e);
	return f80_round_pack(x, f80_sign(a), e + n, (u128)m << 64);
}

void f80_extract(struct fctx *x, f80 a, f80 *sig, f80 *expo)
{
	const enum fclass k = f80_class(a);
	if (k == FC_UNSUPPORTED) {
		*sig = *expo = invalid(x);
		return;
	}
	if (fclass_nan(k)) {
		*sig = *expo = f80_nan_result(x, a, a, false);
		return;
	}
	if (k == FC_ZERO) {
		if (!(x->mode & FM_287))
			x->exc |= FX_ZE;
		*expo = x->mode & FM_287 ? f80_zero(false) : f80_inf(true);
		*sig = a;
		return;
	}
	if (k == FC_INF && (x->mode & FM_287)) {
		*sig = *expo = invalid(x);
		return;
	}
	if (k == FC_INF) {
		*expo = f80_inf(false);
		*sig = a;
		return;
	}
	if (k == FC_DENORMAL)
		x->exc |= FX_DE;
	uint64_t m;
	int32_t e;
	f80_unpack(a, &m, &e);
	*sig = f80_make(f80_sign(a), F80_BIAS, m);
	*expo = f80_from_i64(e - F80_BIAS);
}

/* Loads of the IEEE single and double formats (exact). */
static f80 from_ieee(struct fctx *x, bool s, uint32_t exp, uint64_t frac, unsigned fbits, uint32_t emax, int32_t bias)
{
	if (exp == emax) {
		if (frac == 0)
			return f80_inf(s);
		f80 r = f80_make(s, F80_EXP_MAX, F80_INT | frac << (63 - fbits));
		if (!(r.m & F80_QBIT) && !(x->mode & FM_287)) {
			x->exc |= FX_IE;
			r.m |= F80_QBIT;
		}
		return r;
	}
	if (exp == 0) {
		if (frac == 0)
			return f80_zero(s);
		x->exc |= FX_DE;
		const int lz = __builtin_clzll(frac);
		/* frac * 2^(1 - bias - fbits) */
		return f80_make(s, (unsigned)(F80_BIAS + 63 - lz + 1 - bias - (int32_t)fbits), frac << lz);
	}
	return f80_make(s, (unsigned)((int32_t)exp - bias + F80_BIAS), F80_INT | frac << (63 - fbits));
}

f80 f80_from_f32(struct fctx *x, uint32_t v)
{
	return from_ieee(x, v >> 31, (v >> 23) & 0xFF, v & 0x7FFFFF, 23, 0xFF, 127);
}

f80 f80_from_f64(struct fctx *x, uint64_t v)
{
	return from_ieee(x, v >> 63, (uint32_t)(v >> 52) & 0x7FF, v & 0xFFFFFFFFFFFFFull, 52, 0x7FF, 1023);
}

/* Stores to the IEEE formats: *out gets sign | exp | fraction. */
static bool to_ieee(struct fctx *x, f80 a, unsigned fbits, uint32_t emax, int32_t bias, uint64_t *out)
{
	const enum fclass k = f80_class(a);
	const uint64_t s = (uint64_t)f80_sign(a) << (fbits + (fbits == 23 ? 8 : 11));
	const uint64_t expfield = (uint64_t)emax << fbits;
	x->up = false;
	switch (k) {
	case FC_UNSUPPORTED:
		x->exc |= FX_IE;
		*out = (1ull << (fbits + (fbits == 23 ? 8 : 11))) | expfield | (1ull << (fbits - 1));
		return (x->masks & FX_IE) != 0;
	case FC_SNAN:
	case FC_QNAN:
		if (k == FC_SNAN)
			x->exc |= FX_IE;
		*out = s | expfield | ((a.m & ~F80_INT) >> (63 - fbits)) | (1ull << (fbits - 1));
		return k == FC_QNAN || (x->masks & FX_IE);
	case FC_INF: *out = s | expfield; return true;
	case FC_ZERO: *out = s; return true;
	default: break;
	}
	/* A denormal source raises no DE here (the 387 and later: the host
	 * x87 agrees, tests/unit/fpu_host.c). */
	uint64_t m;
	int32_t e;
	f80_unpack(a, &m, &e);
	const struct rfmt f = { bias, (int32_t)emax - 1, fbits + 1, false };
	int32_t oe;
	uint64_t om;
	if (!round_fmt(x, f80_sign(a), e, (u128)m << 64, &f, &oe, &om))
		return false;
	*out = s | (uint64_t)oe << fbits | ((om & ~F80_INT) >> (63 - fbits));
	return true;
}

bool f80_to_f32(struct fctx *x, f80 a, uint32_t *out)
{
	uint64_t v = 0;
	const bool ok = to_ieee(x, a, 23, 0xFF, 127, &v);
	*out = (uint32_t)v;
	return ok;
}

bool f80_to_f64(struct fctx *x, f80 a, uint64_t *out)
{
	return to_ieee(x, a, 52, 0x7FF, 1023, out);
}
