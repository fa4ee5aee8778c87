/*
 * fpu_fast_test.c - the x87's fast kernels (src/cpu/fpu_fast.h) against
 * the general soft-float (src/cpu/fpu_arith.c), on any host.
 *
 * Operands are drawn to land where the kernels work and at their edges:
 * normal numbers with exponents close together (cancellation, carries),
 * far apart (the 63-bit limit of the adder), near the overflow and
 * underflow thresholds, significands with few bits (doubles, singles,
 * powers of two), all ones, ties and near-ties, zeros (which the adder,
 * the multiplier and the compare take), plus denormals, pseudo-denormals,
 * unnormals, infinities and NaNs, which the kernels must decline. Every operation runs under all 16 combinations of
 * precision and rounding control, through the dispatch the handlers use
 * (FF_BY_CW: the constant-folded copies for 53 and 64 bits to nearest).
 * Whenever a kernel accepts, its result, PE and C1 must be the general
 * function's, which must raise nothing else; a kernel that declines must
 * leave its outputs alone. Also checked: the loads and stores of doubles,
 * singles and integers, and the compare.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/fpu_fast.h"

/* xorshift64*: reproducible. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1Dull;
}

static uint64_t random_sig(uint64_t *s)
{
	const uint64_t r = rnd(s);
	uint64_t m = rnd(s);
	switch (r & 15) {
	case 0: m = 0; break;                                  /* a power of two */
	case 1: m = ~0ull; break;                              /* all ones */
	case 2: m &= ~0ull << 11; break;                       /* a double's */
	case 3: m &= ~0ull << 40; break;                       /* a single's */
	case 4: m = (m & ~0ull << 11) | 0x400; break;          /* a tie at 53 bits */
	case 5: m = (m & ~0ull << 40) | (1ull << 39); break;   /* a tie at 24 bits */
	case 6: m |= 0x7FF; break;                             /* just below a 53-bit step */
	case 7: m &= ~0ull << ((r >> 8) % 64); break;          /* few bits */
	case 8: m = 1ull << ((r >> 8) % 63); break;
	default: break;
	}
	return m | F80_INT;
}

/* Mostly normal numbers; some of every other class. */
static f80 random_value(uint64_t *s)
{
	const uint64_t r = rnd(s);
	const bool sign = (r >> 60) & 1;
	unsigned e;
	switch ((r >> 4) & 15) {
	case 0: e = 1 + (unsigned)((r >> 8) % 80); break;             /* near underflow */
	case 1: e = 0x7FFE - (unsigned)((r >> 8) % 80); break;        /* near overflow */
	case 2: e = (unsigned)((r >> 8) & 0x7FFF); break;              /* anywhere */
	case 3: { /* another class */
		switch ((r >> 8) & 7) {
		case 0: return f80_zero(sign);
		case 1: return f80_make(sign, 0, rnd(s) >> 1);             /* denormal */
		case 2: return f80_make(sign, 0, rnd(s) | F80_INT);        /* pseudo-denormal */
		case 3: return f80_make(sign, 1 + (unsigned)(rnd(s) % 0x7FFE), rnd(s) >> 1); /* unnormal */
		case 4: return f80_inf(sign);
		case 5: return f80_make(sign, F80_EXP_MAX, F80_INT | (rnd(s) >> 2)); /* SNaN or QNaN */
		case 6: return f80_indefinite();
		default: return f80_make(sign, F80_EXP_MAX, rnd(s) >> 1); /* pseudo-NaN/infinity */
		}
	}
	default: e = 0x3FFF - 40 + (unsigned)((r >> 8) % 80); break;
	}
	return f80_make(sign, e, random_sig(s));
}

/* b for a given a: close exponents, cancellation, or unrelated. */
static f80 random_partner(uint64_t *s, f80 a)
{
	const uint64_t r = rnd(s);
	if (!f80_is_normal(a) || (r & 7) == 0)
		return random_value(s);
	if ((r & 31) == 1) /* a zero with a normal number (x + 0, x * 0) */
		return f80_zero((r >> 5) & 1);
	f80 b = a;
	const int delta = (int)((r >> 8) % 140) - 70;
	const int e = (int)f80_exp(a) + ((r >> 3) & 1 ? delta : (int)((r >> 16) % 5) - 2);
	b.se = (uint16_t)((b.se & 0x8000) | (unsigned)(e < 1 ? 1 : e > 0x7FFE ? 0x7FFE : e));
	switch ((r >> 24) & 7) {
	case 0: break;                                            /* same significand */
	case 1: b.m ^= rnd(s) >> (32 + (r >> 32) % 32); break;   /* close */
	case 2: b.m = random_sig(s); break;
	case 3: b.m ^= 1; break;
	default: b.m = rnd(s) | F80_INT; break;
	}
	b.m |= F80_INT;
	if ((r >> 40) & 1)
		b.se ^= 0x8000;
	return b;
}

static struct fctx ctx_of(uint16_t cw)
{
	static const uint8_t prec[4] = { 24, 64, 53, 64 };
	struct fctx x = { (uint8_t)((cw >> 10) & 3), prec[(cw >> 8) & 3], (uint8_t)(cw & 0x3F), 0, false, 0 };
	return x;
}

/* The kernel of operation k (0 add, 1 sub, 2 mul, 3 div) with P and R. */
FF_INLINE bool kernel(unsigned P, unsigned R, unsigned k, f80 a, f80 b, f80 *r, unsigned *fl)
{
	switch (k) {
	case 0: return ff_add(P, R, a, b, false, r, fl);
	case 1: return ff_add(P, R, a, b, true, r, fl);
	case 2: return ff_mul(P, R, a, b, r, fl);
	default: return ff_div(P, R, a, b, r, fl);
	}
}

static f80 general(struct fctx *x, unsigned k, f80 a, f80 b)
{
	switch (k) {
	case 0: return f80_add(x, a, b);
	case 1: return f80_sub(x, a, b);
	case 2: return f80_mul(x, a, b);
	default: return f80_div(x, a, b);
	}
}

static unsigned long accepted[4], tried[4];

static void check_arith(unsigned k, uint16_t cw, f80 a, f80 b)
{
	static const char *const names[] = { "add", "sub", "mul", "div" };
	const f80 poison = { 0x0123456789ABCDEFull, 0x5A5A };
	f80 r = poison;
	unsigned fl = 0xDEAD;
	bool ok;
	FF_BY_CW(cw, ok, kernel, k, a, b, &r, &fl);
	tried[k]++;
	if (!ok) {
		assert_true(r.m == poison.m && r.se == poison.se && fl == 0xDEAD);
		return;
	}
	accepted[k]++;
	struct fctx x = ctx_of(cw);
	const f80 g = general(&x, k, a, b);
	const unsigned gfl = x.exc | (x.up ? FF_C1 : 0);
	if (r.m != g.m || r.se != g.se || fl != gfl || (x.exc & ~FF_PE)) {
		print_error("%s cw=%04X a=%04X:%016llX b=%04X:%016llX: fast %04X:%016llX fl %03X, general "
			    "%04X:%016llX fl %03X\n",
			    names[k], cw, a.se, (unsigned long long)a.m, b.se, (unsigned long long)b.m, r.se,
			    (unsigned long long)r.m, fl, g.se, (unsigned long long)g.m, gfl);
		fail();
	}
}

enum { N = 250000 };

static void test_arith(void **state)
{
	(void)state;
	uint64_t s = 0xC0FFEE1234567891ull;
	for (int n = 0; n < N; n++) {
		f80 a = random_value(&s);
		const f80 b = random_partner(&s, a);
		if ((n & 63) == 7) /* a zero first (0 + x, 0 - x, 0 * x, 0 / x) */
			a = f80_zero(n >> 6 & 1);
		for (unsigned pcrc = 0; pcrc < 16; pcrc++) {
			const uint16_t cw = (uint16_t)(0x7F | pcrc << 8);
			for (unsigned k = 0; k < 4; k++)
				check_arith(k, cw, a, b);
		}
	}
	/* The kernels must take most of these, or the test tests little. */
	for (unsigned k = 0; k < 4; k++) {
		printf("# kernel %u: %lu of %lu accepted\n", k, accepted[k], tried[k]);
		assert_true(accepted[k] > tried[k] / 2);
	}
}

static void test_compare(void **state)
{
	(void)state;
	uint64_t s = 0xFEEDFACE0BADF00Dull;
	for (int n = 0; n < N; n++) {
		f80 a = random_value(&s);
		const f80 b = random_partner(&s, a);
		if ((n & 15) == 3)
			a = f80_zero(n >> 4 & 1);
		if (!ff_is_normal_or_zero(a) || !ff_is_normal_or_zero(b))
			continue;
		struct fctx x = ctx_of(0x37F);
		assert_int_equal(ff_compare(a, b), f80_compare(&x, a, b, false));
		assert_int_equal(x.exc, 0);
	}
}

FF_INLINE bool store64(unsigned R, f80 a, uint64_t *out, unsigned *fl)
{
	return ff_to_f64(R, a, out, fl);
}

FF_INLINE bool store32(unsigned R, f80 a, uint32_t *out, unsigned *fl)
{
	return ff_to_f32(R, a, out, fl);
}

static void test_convert(void **state)
{
	(void)state;
	uint64_t s = 0x0DDBA11CAFEBABEull;
	unsigned long took64 = 0, took32 = 0;
	for (int n = 0; n < N * 4; n++) {
		f80 a = random_value(&s);
		const uint64_t r = rnd(&s);
		if (r & 1) { /* exponents around the edges of the double and single ranges */
			const unsigned top = (r >> 2) & 1, dbl = (r >> 1) & 1;
			const unsigned base = top ? F80_BIAS + (dbl ? 1023 : 127) - 4 : F80_BIAS - (dbl ? 1022 : 126) - 4;
			a.se = (uint16_t)((a.se & 0x8000) | (base + (unsigned)((r >> 8) % 9)));
		}
		for (unsigned rc = 0; rc < 4; rc++) {
			const uint16_t cw = (uint16_t)(0x37F | rc << 10);
			uint64_t o64 = 7, g64;
			uint32_t o32 = 7, g32;
			unsigned fl = 0xDEAD;
			bool ok;
			FF_BY_RC(cw, ok, store64, a, &o64, &fl);
			if (ok) {
				took64++;
				struct fctx x = ctx_of(cw);
				assert_true(f80_to_f64(&x, a, &g64));
				if (o64 != g64 || fl != (x.exc | (x.up ? FF_C1 : 0u)) || (x.exc & ~FF_PE)) {
					print_error("fst m64 rc=%u a=%04X:%016llX: %016llX/%X vs %016llX/%X\n", rc, a.se,
						    (unsigned long long)a.m, (unsigned long long)o64, fl,
						    (unsigned long long)g64, x.exc);
					fail();
				}
			} else {
				assert_true(o64 == 7 && fl == 0xDEAD);
			}
			fl = 0xDEAD;
			FF_BY_RC(cw, ok, store32, a, &o32, &fl);
			if (ok) {
				took32++;
				struct fctx x = ctx_of(cw);
				assert_true(f80_to_f32(&x, a, &g32));
				if (o32 != g32 || fl != (x.exc | (x.up ? FF_C1 : 0u)) || (x.exc & ~FF_PE)) {
					print_error("fst m32 rc=%u a=%04X:%016llX: %08X/%X vs %08X/%X\n", rc, a.se,
						    (unsigned long long)a.m, o32, fl, g32, x.exc);
					fail();
				}
			} else {
				assert_true(o32 == 7 && fl == 0xDEAD);
			}
		}
		/* Loads: every double and single pattern class. */
		const uint64_t d = rnd(&s) & (r & 8 ? 0x800FFFFFFFFFFFFFull : ~0ull) & (r & 16 ? 0x8000000000000000ull : ~0ull);
		f80 l = { 1, 1 };
		if (ff_from_f64(d, &l)) {
			struct fctx x = ctx_of(0x37F);
			const f80 g = f80_from_f64(&x, d);
			assert_true(l.m == g.m && l.se == g.se);
			assert_int_equal(x.exc, 0);
		} else {
			assert_true(l.m == 1 && l.se == 1);
		}
		l.m = 1;
		l.se = 1;
		if (ff_from_f64_normal(d, &l)) {
			struct fctx x = ctx_of(0x37F);
			const f80 g = f80_from_f64(&x, d);
			assert_true(l.m == g.m && l.se == g.se && f80_is_normal(g));
		} else {
			assert_true(l.m == 1 && l.se == 1);
		}
		const uint32_t w = (uint32_t)d & (r & 32 ? 0x807FFFFFu : ~0u);
		l.m = 1;
		l.se = 1;
		if (ff_from_f32_normal(w, &l)) {
			struct fctx x = ctx_of(0x37F);
			const f80 g = f80_from_f32(&x, w);
			assert_true(l.m == g.m && l.se == g.se && f80_is_normal(g));
		} else {
			assert_true(l.m == 1 && l.se == 1);
		}
		l.m = 1;
		l.se = 1;
		if (ff_from_f32(w, &l)) {
			struct fctx x = ctx_of(0x37F);
			const f80 g = f80_from_f32(&x, w);
			assert_true(l.m == g.m && l.se == g.se);
			assert_int_equal(x.exc, 0);
		} else {
			assert_true(l.m == 1 && l.se == 1);
		}
		const int64_t iv = (int64_t)rnd(&s) >> (r >> 10) % 64;
		const f80 li = ff_from_int(iv), gi = f80_from_i64(iv);
		assert_true(li.m == gi.m && li.se == gi.se);
	}
	printf("# stores taken: m64 %lu, m32 %lu of %d\n", took64, took32, N * 16);
	assert_true(took64 > (unsigned long)N && took32 > (unsigned long)N);
}


#ifdef FF_HOST_DOUBLE
/* A double's bits for the host-double sum: exponents at the edges of the
 * double range (the subnormal results, the 2^1023 limit) and in the middle,
 * significands with few bits, all ones, random. */
static uint64_t random_f64(uint64_t *s)
{
	const uint64_t r = rnd(s);
	unsigned e;
	switch (r & 7) {
	case 0: e = 1 + (unsigned)((r >> 8) % 64); break;        /* near the subnormals */
	case 1: e = 0x7FE - (unsigned)((r >> 8) % 64); break;    /* near the top (7FEh: declined) */
	case 2: e = (unsigned)((r >> 8) % 0x7FF); break;         /* anywhere, zeros and subnormals too */
	default: e = 1023 - 30 + (unsigned)((r >> 8) % 60); break;
	}
	uint64_t m = rnd(s) & 0xFFFFFFFFFFFFFull;
	switch ((r >> 20) & 7) {
	case 0: m = 0; break;
	case 1: m = 0xFFFFFFFFFFFFFull; break;
	case 2: m &= ~0ull << ((r >> 24) % 52); break;
	case 3: m = 1; break;
	default: break;
	}
	return (r >> 63) << 63 | (uint64_t)e << 52 | m;
}

/* b for a: the same exponent or a close one, cancellation (the same value
 * with low bits changed, opposite sign), far apart (ties against the
 * sticky bits), or unrelated. */
static uint64_t random_f64_partner(uint64_t *s, uint64_t a)
{
	const uint64_t r = rnd(s);
	const int ea = (int)((a >> 52) & 0x7FF);
	int e;
	uint64_t b = a;
	switch (r & 7) {
	case 0: return random_f64(s);
	case 1: b ^= rnd(s) >> (12 + (r >> 8) % 52); b ^= 1ull << 63; return b; /* cancellation */
	case 2: e = ea - 53 - (int)((r >> 8) % 3); break;                     /* ties and near ties */
	case 3: e = ea - (int)((r >> 8) % 120); break;
	default: e = ea + (int)((r >> 8) % 7) - 3; break;
	}
	if (e < 0 || e > 0x7FE)
		return random_f64(s);
	b = (rnd(s) & 0x800FFFFFFFFFFFFFull) | (uint64_t)e << 52;
	if ((r >> 16) & 1)
		b &= ~0ull << ((r >> 24) % 53);
	return b;
}

/* ff_add_f64() (the sum in host doubles, 53 bits to nearest) against the
 * general function on pairs of doubles: wherever it accepts, the result,
 * PE and C1 must be the general path's; declining, it writes nothing. */
static void test_sum_f64(void **state)
{
	(void)state;
	uint64_t s = 0x5EED0F64ADD5ull;
	unsigned long took = 0, tries = 0, inexact = 0, up = 0;
	for (int n = 0; n < N * 8; n++) {
		const uint64_t da = random_f64(&s), db = random_f64_partner(&s, da);
		f80 a, b;
		if (!ff_from_f64(da, &a) || !ff_from_f64(db, &b))
			continue; /* (a subnormal, infinity or NaN) */
		for (unsigned neg = 0; neg < 2; neg++) {
			const f80 poison = { 0x0123456789ABCDEFull, 0x5A5A };
			f80 r = poison;
			unsigned fl = 0xDEAD;
			tries++;
			if (!ff_add_f64(a, b, neg, &r, &fl)) {
				assert_true(r.m == poison.m && r.se == poison.se && fl == 0xDEAD);
				continue;
			}
			took++;
			inexact += (fl & FF_PE) != 0;
			up += (fl & FF_C1) != 0;
			struct fctx x = ctx_of(0x27F);
			const f80 g = neg ? f80_sub(&x, a, b) : f80_add(&x, a, b);
			const unsigned gfl = x.exc | (x.up ? FF_C1 : 0);
			if (r.m != g.m || r.se != g.se || fl != gfl || (x.exc & ~FF_PE)) {
				print_error("f64 %s %016llX %016llX: fast %04X:%016llX fl %03X, general %04X:%016llX fl %03X\n",
					    neg ? "sub" : "add", (unsigned long long)da, (unsigned long long)db, r.se,
					    (unsigned long long)r.m, fl, g.se, (unsigned long long)g.m, gfl);
				fail();
			}
		}
	}
	printf("# host-double sums: %lu of %lu accepted, %lu inexact, %lu rounded up\n", took, tries, inexact, up);
	assert_true(took > tries / 2 && inexact > took / 4 && up > took / 8 && inexact < took);
	/* A host MXCSR that rounds otherwise, flushes to zero or unmasks an
	 * exception: the sum declines, the kernel is still exact. */
	static const uint32_t odd_mxcsr[] = { 0x1F80 | 1u << 13, 0x1F80 | 2u << 13, 0x1F80 | 3u << 13, 0x1F80 | 1u << 15,
					      0x1F80 & ~(1u << 12) };
	uint32_t saved;
	__asm__ volatile("stmxcsr %0" : "=m"(saved));
	for (unsigned k = 0; k < sizeof(odd_mxcsr) / sizeof(odd_mxcsr[0]); k++) {
		for (int n = 0; n < 2000; n++) {
			const uint64_t da = random_f64(&s), db = random_f64_partner(&s, da);
			f80 a, b, r = { 1, 1 }, rk;
			unsigned fl = 0xDEAD, flk;
			if (!ff_from_f64(da, &a) || !ff_from_f64(db, &b))
				continue;
			__asm__ volatile("ldmxcsr %0" : : "m"(odd_mxcsr[k]));
			const bool took_odd = ff_add_f64(a, b, false, &r, &fl);
			const bool ok = ff_add(53, RC_NEAR, a, b, false, &rk, &flk);
			__asm__ volatile("ldmxcsr %0" : : "m"(saved));
			assert_false(took_odd);
			assert_true(r.m == 1 && r.se == 1 && fl == 0xDEAD);
			if (ok) {
				struct fctx x = ctx_of(0x27F);
				const f80 g = f80_add(&x, a, b);
				assert_true(rk.m == g.m && rk.se == g.se && flk == (x.exc | (x.up ? FF_C1 : 0u)));
			}
		}
	}
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arith),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_convert),
#ifdef FF_HOST_DOUBLE
		cmocka_unit_test(test_sum_f64),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
