/*
 * fpu_trans.c - the transcendental instructions: F2XM1, FYL2X, FYL2XP1,
 * FPTAN, FPATAN, FSIN, FCOS, FSINCOS (docs/x87.md).
 *
 * Each result is computed in a 128-bit binary floating point of our own
 * (struct bf: a 128-bit significand, truncating arithmetic, about 2^-120
 * relative error after a series) and then rounded once to the 64-bit
 * register format by the rounding control (f80_round_pack): the result is
 * the correctly rounded one unless the exact value lies within about
 * 2^-56 ulp of a rounding boundary. Precision control does not apply (SDM
 * Vol. 1 8.1.5.2).
 *
 * FSIN, FCOS, FSINCOS and FPTAN reduce their operand by pi/2 exactly, but
 * with the 66-bit pi of the x87 (SDM Vol. 1 8.3.10: "an internal value of
 * pi with 66 significant bits"), so that large operands give the
 * hardware's results; |x| >= 2^63 is out of range (C2 = 1, ST(0) kept).
 * Operand ranges of the 8087/287 (F2XM1 0..0.5, FPTAN 0..pi/4, FPATAN
 * 0 <= y < x) are not enforced: every model computes as the 387.
 *
 * Series: expm1 (Taylor), ln by 2 atanh((m-1)/(m+1)), atan by a table of
 * atan(k/16) and atan((t-c)/(1+tc)), sin and cos (Taylor) on |r| <= pi/4.
 * The constants are 128-bit values computed with mpmath (docs/x87.md).
 */
#include "cpu/fpu.h"

/* value = m * 2^(e - 127); m has bit 127 set, or is 0 (zero). */
struct bf {
	u128 m;
	int32_t e;
	bool s;
};

#define U128(hi, lo) (((u128)(hi) << 64) | (u128)(lo))

static const u128 LN2_M = U128(0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull);   /* e = -1 */
static const u128 LOG2E_M = U128(0xB8AA3B295C17F0BBull, 0xBE87FED0691D3E88ull); /* e = 0 */
static const u128 PI_M = U128(0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull);    /* e = 1 */
/* atan(k/16), k = 1..16: significand and exponent. */
static const struct {
	uint64_t hi, lo;
	int8_t e;
} atan_tab[16] = {
	{ 0xFFAADDB967EF4E36ull, 0xCB2792DC0E2E0D51ull, -5 }, { 0xFEADD4D5617B6E32ull, 0xC897989F3E888EF7ull, -4 },
	{ 0xBDCBDA5E72D81134ull, 0x7B0B4F881C9C7487ull, -3 }, { 0xFADBAFC96406EB15ull, 0x6DC79EF5F7A217E5ull, -3 },
	{ 0x9B13B9B83F5E5E69ull, 0xC5ABB498D27AF328ull, -2 }, { 0xB7B0CA0F26F78473ull, 0x8AA32122DCFE4483ull, -2 },
	{ 0xD327761E611FE5B6ull, 0x427C95E9001E7136ull, -2 }, { 0xED63382B0DDA7B45ull, 0x6FE445ECBC3A8D03ull, -2 },
	{ 0x832BF4A6D9867E2Aull, 0x4B6A09CB61A515C0ull, -1 }, { 0x8F005D5EF7F59F9Bull, 0x5C835E1665C43747ull, -1 },
	{ 0x9A2F80E671BDDA20ull, 0x4226F8E2204FF3BCull, -1 }, { 0xA4BC7D1934F70924ull, 0x19A87F2A457DAC9Eull, -1 },
	{ 0xAEAC4C38B4D8C080ull, 0x14725E2F3E52070Aull, -1 }, { 0xB8053E2BC2319E73ull, 0xCB2DA55210A4443Dull, -1 },
	{ 0xC0CE85B8AC526640ull, 0x89DD62C46E92FA24ull, -1 }, { 0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull, -1 },
};
/* pi/2 with the x87's 66 significant bits, in units of 2^-65. */
static const u128 PIO2_66 = U128(0x3ull, 0x243F6A8885A308D3ull);

static int clz128(u128 v)
{
	const uint64_t hi = (uint64_t)(v >> 64);
	return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)v);
}

static struct bf bf_make(bool s, int32_t e, u128 m)
{
	struct bf r = { m, e, s };
	if (m) {
		const int lz = clz128(m);
		r.m = m << lz;
		r.e = e - lz;
	}
	return r;
}

static struct bf bf_const(u128 m, int32_t e) { return bf_make(false, e, m); }

static struct bf bf_int(int64_t v)
{
	const bool s = v < 0;
	return bf_make(s, 127, s ? 0 - (uint64_t)v : (uint64_t)v);
}

static struct bf bf_from(f80 a)
{
	if (f80_exp(a) == 0 && a.m == 0)
		return bf_make(f80_sign(a), 0, 0);
	uint64_t m;
	int32_t e;
	f80_unpack(a, &m, &e);
	return bf_make(f80_sign(a), e - F80_BIAS, (u128)m << 64);
}

static f80 bf_round(struct fctx *x, struct bf a)
{
	if (a.m == 0)
		return f80_zero(a.s);
	return f80_round_pack(x, a.s, a.e + F80_BIAS, a.m);
}

static struct bf bf_neg(struct bf a)
{
	a.s = !a.s;
	return a;
}

/* The high 128 bits of the 256-bit product. */
static u128 mul_hi(u128 a, u128 b)
{
	const uint64_t a1 = (uint64_t)(a >> 64), a0 = (uint64_t)a, b1 = (uint64_t)(b >> 64), b0 = (uint64_t)b;
	const u128 p11 = (u128)a1 * b1, p10 = (u128)a1 * b0, p01 = (u128)a0 * b1, p00 = (u128)a0 * b0;
	const u128 mid = (p00 >> 64) + (uint64_t)p10 + (uint64_t)p01;
	return p11 + (p10 >> 64) + (p01 >> 64) + (mid >> 64);
}

static struct bf bf_mul(struct bf a, struct bf b)
{
	if (!a.m || !b.m)
		return bf_make(a.s ^ b.s, 0, 0);
	return bf_make(a.s ^ b.s, a.e + b.e + 1, mul_hi(a.m, b.m));
}

static struct bf bf_add(struct bf a, struct bf b)
{
	if (!b.m)
		return a;
	if (!a.m)
		return b;
	if (a.e < b.e || (a.e == b.e && a.m < b.m)) {
		const struct bf t = a;
		a = b;
		b = t;
	}
	const int32_t d = a.e - b.e + 1;
	const u128 A = a.m >> 1, B = d >= 128 ? 0 : b.m >> d;
	return bf_make(a.s, a.e + 1, a.s == b.s ? A + B : A - B);
}

static struct bf bf_sub(struct bf a, struct bf b) { return bf_add(a, bf_neg(b)); }

/* a / b, 128 quotient bits by long division. */
static struct bf bf_div(struct bf a, struct bf b)
{
	if (!a.m)
		return a;
	u128 n = a.m, q = 0;
	for (int k = 0; k < 128; k++) {
		const bool carry = (n >> 127) != 0;
		if (k) /* the first step compares the unshifted remainder */
			n <<= 1;
		if ((k && carry) || n >= b.m) {
			n -= b.m;
			q = (q << 1) | 1;
		} else {
			q <<= 1;
		}
	}
	/* q = a.m / b.m * 2^127 */
	return bf_make(a.s ^ b.s, a.e - b.e, q);
}

static struct bf bf_div_int(struct bf a, uint64_t n)
{
	if (!a.m)
		return a;
	const u128 q = a.m / n, r = a.m % n;
	const int lz = clz128(q);
	u128 m = q << lz;
	if (lz)
		m |= (r << lz) / n;
	return bf_make(a.s, a.e - lz, m);
}

/* Significant? Terms below 2^-135 of the sum's scale end a series. */
static bool tiny_vs(struct bf t, struct bf sum)
{
	return !t.m || t.e < sum.e - 135;
}

/* e^y - 1 for |y| < 1. */
static struct bf bf_expm1(struct bf y)
{
	struct bf sum = y, term = y;
	for (uint64_t n = 2; n < 60; n++) {
		term = bf_div_int(bf_mul(term, y), n);
		if (tiny_vs(term, sum))
			break;
		sum = bf_add(sum, term);
	}
	return sum;
}

/* 2 atanh(z) = ln((1+z)/(1-z)), |z| < 0.2. */
static struct bf bf_2atanh(struct bf z)
{
	const struct bf z2 = bf_mul(z, z);
	struct bf sum = z, pow = z;
	for (uint64_t k = 3; k < 200; k += 2) {
		pow = bf_mul(pow, z2);
		const struct bf term = bf_div_int(pow, k);
		if (tiny_vs(term, sum))
			break;
		sum = bf_add(sum, term);
	}
	sum.e++;
	return sum;
}

/* log2(a) for a > 0 (finite). */
static struct bf bf_log2(struct bf a)
{
	/* a = m * 2^k with m in [sqrt(1/2), sqrt(2)). */
	int32_t k = a.e;
	struct bf m = a;
	m.e = 0;
	if (m.m > U128(0xB504F333F9DE6484ull, 0)) {
		m.e = -1;
		k++;
	}
	const struct bf one = bf_int(1);
	const struct bf z = bf_div(bf_sub(m, one), bf_add(m, one));
	const struct bf ln = bf_2atanh(z);
	return bf_add(bf_int(k), bf_mul(ln, bf_const(LOG2E_M, 0)));
}

/* atan(t), 0 <= t <= 1. */
static struct bf bf_atan01(struct bf t)
{
	/* k = round(16 t) */
	int k = 0;
	if (t.m && t.e >= -5) {
		const int sh = 127 - (t.e + 4); /* 16 t = m * 2^(e + 4 - 127) */
		const u128 v = sh >= 128 ? 0 : t.m >> (sh - 1);
		k = (int)((v + 1) >> 1);
	}
	struct bf u = t, base = bf_make(false, 0, 0);
	if (k) {
		const struct bf c = bf_div_int(bf_int(k), 16);
		u = bf_div(bf_sub(t, c), bf_add(bf_int(1), bf_mul(t, c)));
		base = bf_const(U128(atan_tab[k - 1].hi, atan_tab[k - 1].lo), atan_tab[k - 1].e);
	}
	const struct bf u2 = bf_mul(u, u);
	struct bf sum = u, pow = u;
	for (uint64_t n = 3; n < 200; n += 2) {
		pow = bf_neg(bf_mul(pow, u2));
		const struct bf term = bf_div_int(pow, n);
		if (tiny_vs(term, sum))
			break;
		sum = bf_add(sum, term);
	}
	return bf_add(base, sum);
}

/* sin and cos of |r| <= pi/4 (Taylor). */
static void bf_sincos(struct bf r, struct bf *s, struct bf *c)
{
	const struct bf r2 = bf_mul(r, r);
	struct bf ss = r, ts = r, cs = bf_int(1), tc = bf_int(1);
	for (uint64_t n = 2; n < 80; n += 2) {
		tc = bf_neg(bf_div_int(bf_div_int(bf_mul(tc, r2), n - 1), n));
		ts = bf_neg(bf_div_int(bf_div_int(bf_mul(ts, r2), n), n + 1));
		const bool done = tiny_vs(tc, cs) && tiny_vs(ts, ss);
		cs = bf_add(cs, tc);
		ss = bf_add(ss, ts);
		if (done)
			break;
	}
	*s = ss;
	*c = cs;
}

/* Reduce |a| (finite, nonzero, exponent below 63) by the 66-bit pi/2:
 * |a| = q * pi66/2 + r, |r| <= pi66/4, exactly. */
static struct bf reduce(f80 a, unsigned *q)
{
	uint64_t m;
	int32_t e;
	f80_unpack(a, &m, &e);
	const int32_t E = e - F80_BIAS;
	*q = 0;
	if (E < -1)
		return bf_make(false, E, (u128)m << 64);
	const u128 X = (u128)m << (E + 2); /* units of 2^-65 */
	u128 quo = X / PIO2_66, r = X % PIO2_66;
	bool neg = false;
	if (r > PIO2_66 - r) {
		r = PIO2_66 - r;
		neg = true;
		quo++;
	}
	*q = (unsigned)(quo & 3);
	return bf_make(neg, 62, r);
}

/* ---- the instructions ---- */

static void set_c2(struct cpu_x87 *f, bool on)
{
	f->sw = (uint16_t)((f->sw & ~SW_C2) | (on ? SW_C2 : 0));
}

/* Operand checks of the one-operand instructions: true when *r is the
 * result already (NaN, unsupported, infinity, or an unmasked DE). */
static bool unary_specials(struct fctx *x, f80 a, bool inf_invalid, f80 *r)
{
	const enum fclass k = f80_class(a);
	if (k == FC_UNSUPPORTED || (k == FC_INF && inf_invalid)) {
		x->exc |= FX_IE;
		*r = f80_indefinite();
		return true;
	}
	if (fclass_nan(k)) {
		*r = f80_nan_result(x, a, a, false);
		return true;
	}
	if (k == FC_DENORMAL) {
		x->exc |= FX_DE;
		if (!(x->masks & FX_DE)) {
			*r = a;
			return true;
		}
	}
	return false;
}

static f80 f2xm1(struct fctx *x, f80 a)
{
	f80 r;
	const enum fclass k = f80_class(a);
	if (unary_specials(x, a, false, &r))
		return r;
	if (k == FC_INF)
		return f80_sign(a) ? f80_make(true, F80_BIAS, F80_INT) : a;
	if (k == FC_ZERO)
		return a;
	struct bf v = bf_from(a);
	/* Outside -1..1 (undefined on the chips): 2^n * 2^f - 1. */
	int32_t n = 0;
	if (v.e >= 0) {
		n = v.e > 20 ? (v.s ? -(1 << 21) : (1 << 21)) : (int32_t)(v.m >> (127 - v.e)) * (v.s ? -1 : 1);
		v = bf_sub(v, bf_int(n));
	}
	struct bf em1 = bf_expm1(bf_mul(v, bf_const(LN2_M, -1)));
	if (n) {
		struct bf p = bf_add(em1, bf_int(1));
		p.e += n;
		em1 = bf_sub(p, bf_int(1));
	}
	return bf_round(x, em1);
}

static f80 invalid(struct fctx *x)
{
	x->exc |= FX_IE;
	return f80_indefinite();
}

/* FYL2X (xp1 false) and FYL2XP1: y * log2(a) and y * log2(a + 1) (SDM
 * FYL2X and FYL2XP1 tables for the special cases). */
static f80 fyl2x(struct fctx *x, f80 y, f80 a, bool xp1)
{
	const enum fclass ka = f80_class(a), ky = f80_class(y);
	if (ka == FC_UNSUPPORTED || ky == FC_UNSUPPORTED)
		return invalid(x);
	if (fclass_nan(ka) || fclass_nan(ky))
		return f80_nan_result(x, a, y, true);
	const bool sy = f80_sign(y), sa = f80_sign(a);
	if (ka == FC_INF) {
		if (sa || ky == FC_ZERO)
			return invalid(x);
		return f80_inf(sy);
	}
	struct bf arg = bf_from(a);
	if (ka == FC_ZERO) {
		if (xp1) /* log2(1 +- 0) = +-0 */
			return ky == FC_INF ? invalid(x) : f80_zero(sy ^ sa);
		if (ky == FC_ZERO)
			return invalid(x);
		if (ky != FC_INF)
			x->exc |= FX_ZE;
		return f80_inf(!sy);
	}
	if (xp1)
		arg = bf_add(arg, bf_int(1));
	if (arg.s && arg.m)
		return invalid(x);
	if (ka == FC_DENORMAL || ky == FC_DENORMAL) {
		x->exc |= FX_DE;
		if (!(x->masks & FX_DE))
			return y;
	}
	if (!arg.m) { /* FYL2XP1 of -1: log2(0) */
		if (ky == FC_ZERO)
			return invalid(x);
		if (ky != FC_INF)
			x->exc |= FX_ZE;
		return f80_inf(!sy);
	}
	struct bf l;
	const struct bf av = bf_from(a);
	if (xp1 && av.e < -2) /* log2(1 + a) = 2 atanh(a / (2 + a)) log2(e): no cancellation */
		l = bf_mul(bf_2atanh(bf_div(av, bf_add(bf_int(2), av))), bf_const(LOG2E_M, 0));
	else
		l = bf_log2(arg);
	if (!l.m) /* log2(1) = +0 */
		return ky == FC_INF ? invalid(x) : f80_zero(sy);
	if (ky == FC_INF)
		return f80_inf(sy ^ l.s);
	if (ky == FC_ZERO)
		return f80_zero(sy ^ l.s);
	return bf_round(x, bf_mul(bf_from(y), l));
}

/* FPATAN: atan2(y, x) (SDM FPATAN table for the special cases). */
static f80 fpatan(struct fctx *x, f80 y, f80 a)
{
	const enum fclass ka = f80_class(a), ky = f80_class(y);
	if (ka == FC_UNSUPPORTED || ky == FC_UNSUPPORTED) {
		x->exc |= FX_IE;
		return f80_indefinite();
	}
	if (fclass_nan(ka) || fclass_nan(ky))
		return f80_nan_result(x, a, y, true);
	if (ka == FC_DENORMAL || ky == FC_DENORMAL) {
		x->exc |= FX_DE;
		if (!(x->masks & FX_DE))
			return y;
	}
	const bool sy = f80_sign(y), sx = f80_sign(a);
	const struct bf pi = bf_const(PI_M, 1);
	struct bf pio2 = pi;
	pio2.e--;
	struct bf r;
	if (ky == FC_ZERO) {
		if (!sx)
			return y;
		r = pi;
	} else if (ky == FC_INF) {
		if (ka == FC_INF) {
			r = bf_const(PI_M, -1); /* pi/4 */
			if (sx)
				r = bf_mul(r, bf_int(3));
		} else {
			r = pio2;
		}
	} else if (ka == FC_ZERO) {
		r = pio2;
	} else if (ka == FC_INF) {
		if (!sx)
			return f80_zero(sy);
		r = pi;
	} else {
		struct bf by = bf_from(y), bx = bf_from(a);
		by.s = bx.s = false;
		const bool swap = by.e > bx.e || (by.e == bx.e && by.m > bx.m);
		r = bf_atan01(swap ? bf_div(bx, by) : bf_div(by, bx));
		if (swap)
			r = bf_sub(pio2, r);
		if (sx)
			r = bf_sub(pi, r);
	}
	r.s = sy;
	return bf_round(x, r);
}

void fpu_transcendental(struct cpu *c, unsigned modrm)
{
	struct cpu_x87 *f = &c->x87;
	struct fctx x = fpu_ctx(c);
	x.prec = 64;
	const bool two = modrm == 0xF1 || modrm == 0xF3 || modrm == 0xF9; /* ST(1) op ST(0), pop */
	const bool pushes = modrm == 0xF2 || modrm == 0xFB;
	if (st_empty(f, 0) || (two && st_empty(f, 1))) {
		fpu_stack_fault(c, false);
		if (f->cw & FX_IE) {
			if (two) {
				st_set(f, 1, f80_indefinite());
				st_pop(f);
			} else {
				st_set(f, 0, f80_indefinite());
				if (pushes && st_empty(f, 7))
					st_push(f, f80_indefinite());
			}
		}
		return;
	}
	if (pushes && !st_empty(f, 7)) {
		fpu_stack_fault(c, true);
		if (f->cw & FX_IE) {
			st_set(f, 0, f80_indefinite());
			st_push(f, f80_indefinite());
		}
		return;
	}
	const f80 a = st_get(f, 0);
	f80 r, r2 = f80_make(false, F80_BIAS, F80_INT); /* FPTAN's 1.0 */
	switch (modrm) {
	case 0xF0: r = f2xm1(&x, a); break;
	case 0xF1: r = fyl2x(&x, st_get(f, 1), a, false); break;
	case 0xF9: r = fyl2x(&x, st_get(f, 1), a, true); break;
	case 0xF3: r = fpatan(&x, st_get(f, 1), a); break;
	default: { /* FPTAN, FSINCOS, FSIN, FCOS */
		if (unary_specials(&x, a, true, &r)) {
			r2 = r;
			break;
		}
		if (f80_class(a) != FC_ZERO && f80_exp(a) >= F80_BIAS + 63) {
			set_c2(f, true); /* out of range: nothing changes */
			fpu_raise(c, x.exc);
			return;
		}
		if (f80_class(a) == FC_ZERO) {
			r = modrm == 0xFF ? f80_make(false, F80_BIAS, F80_INT) : a;
			r2 = modrm == 0xFB ? f80_make(false, F80_BIAS, F80_INT) : r2;
			break;
		}
		unsigned q;
		const struct bf red = reduce(a, &q);
		struct bf s, co;
		bf_sincos(red, &s, &co);
		const struct bf sv[4] = { s, co, bf_neg(s), bf_neg(co) };
		const struct bf cv[4] = { co, bf_neg(s), bf_neg(co), s };
		struct bf sn = sv[q], cs = cv[q];
		if (f80_sign(a))
			sn = bf_neg(sn);
		if (modrm == 0xF2) {
			r = bf_round(&x, bf_div(sn, cs));
		} else if (modrm == 0xFE) {
			r = bf_round(&x, sn);
		} else if (modrm == 0xFF) {
			r = bf_round(&x, cs);
		} else {
			r2 = bf_round(&x, cs);
			r = bf_round(&x, sn);
		}
		break;
	}
	}
	if (fctx_stop(&x)) {
		fpu_raise(c, x.exc);
		return;
	}
	set_c2(f, false);
	if (two) {
		st_set(f, 1, r);
		st_pop(f);
	} else {
		st_set(f, 0, r);
		if (pushes)
			st_push(f, r2);
	}
	fpu_set_c1(f, x.up); /* FSINCOS: the sine's rounding (as the host x87) */
	fpu_raise(c, x.exc);
}
