/*
 * fpu_host.c - the soft-float of the x87 (src/cpu/fpu_arith.c) against a
 * real x87: the host's, when the tests run on an x86 (x86-64 or i386) and
 * are built with GCC or Clang. Random operands with edge cases (zeros,
 * denormals, pseudo-denormals, unnormals, NaNs, infinities, values near
 * overflow and underflow, cancellation), every rounding mode and
 * precision control, all exceptions masked (the host would trap on an
 * unmasked one): results, exception flags and C1 (C0-C3 for FPREM and the
 * comparisons) must be bit-identical. On another host the test is skipped.
 * (The fast kernels of fpu_fast.h are checked against these functions by
 * tests/unit/fpu_fast_test.c.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/fpu_arith.h"

#if defined(__x86_64__) || defined(__i386__)
#define HAVE_X87 1
#else
#define HAVE_X87 0
#endif

/* xorshift64*: reproducible. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1Dull;
}

static f80 random_f80(uint64_t *s)
{
	static const uint16_t exps[] = { 0, 1, 2, 3, 40, 0x3FFF, 0x3FFE, 0x4000, 0x403E, 0x403F, 0x4040, 0x7FFE,
					 0x7FFD, 0x7FFF, 0x3F80, 0x4080, 0x3C00, 0x3C01, 0x43FE, 0x43FF, 0x3F81,
					 0x407F };
	uint64_t r = rnd(s);
	uint16_t e;
	switch (r & 3) {
	case 0: e = exps[(r >> 8) % (sizeof(exps) / sizeof(exps[0]))]; break;
	case 1: e = (uint16_t)(0x3FFF + (int)((r >> 8) % 140) - 70); break;
	default: e = (uint16_t)((r >> 8) & 0x7FFF); break;
	}
	uint64_t m = rnd(s);
	switch ((r >> 24) & 7) {
	case 0: m = F80_INT; break;
	case 1: m = ~0ull; break;
	case 2: m &= ~0ull << ((r >> 32) % 64); break;
	case 3: m |= F80_INT; m |= 0xFFFFFF; break;
	default: break;
	}
	if (e != 0 && ((r >> 40) & 31) != 0)
		m |= F80_INT; /* mostly supported formats */
	if (e == 0x7FFF && ((r >> 45) & 1))
		m = F80_INT;
	return f80_make((r >> 50) & 1, e, m);
}

/* b near a, for cancellation and exact cases. */
static f80 random_pair(uint64_t *s, f80 a)
{
	uint64_t r = rnd(s);
	if ((r & 3) != 0)
		return random_f80(s);
	f80 b = a;
	b.se = (uint16_t)((b.se & 0x8000) | ((f80_exp(a) + (r >> 4) % 5 - 2) & 0x7FFF));
	if ((r >> 8) & 1)
		b.se ^= 0x8000;
	b.m ^= rnd(s) >> (r >> 16) % 64;
	return b;
}

#if HAVE_X87
struct host_out {
	f80 r;
	uint16_t sw;
};

/* One x87 instruction (its bytes) on ST(0) = a, ST(1) = b. */
#define HOST2(name, bytes)                                                                          \
	static struct host_out name(uint16_t cw, f80 a, f80 b)                                      \
	{                                                                                           \
		unsigned char ba[10], bb[10], br[10];                                               \
		memcpy(ba, &a.m, 8);                                                                \
		memcpy(ba + 8, &a.se, 2);                                                           \
		memcpy(bb, &b.m, 8);                                                                \
		memcpy(bb + 8, &b.se, 2);                                                           \
		uint16_t sw;                                                                        \
		__asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" bytes          \
				 "\n\tfnstsw %[sw]\n\tfstpt %[r]\n\tfstp %%st(0)\n\tfninit"           \
				 : [sw] "=m"(sw), [r] "=m"(br)                                        \
				 : [cw] "m"(cw), [a] "m"(ba), [b] "m"(bb)                             \
				 : "memory");                                                         \
		struct host_out o;                                                                  \
		memcpy(&o.r.m, br, 8);                                                              \
		memcpy(&o.r.se, br + 8, 2);                                                         \
		o.sw = sw;                                                                          \
		return o;                                                                           \
	}

HOST2(host_add, ".byte 0xD8, 0xC1")
HOST2(host_mul, ".byte 0xD8, 0xC9")
HOST2(host_sub, ".byte 0xD8, 0xE1")
HOST2(host_div, ".byte 0xD8, 0xF1")
HOST2(host_sqrt, ".byte 0xD9, 0xFA")
HOST2(host_rndint, ".byte 0xD9, 0xFC")
HOST2(host_scale, ".byte 0xD9, 0xFD")
HOST2(host_prem, ".byte 0xD9, 0xF8")
HOST2(host_prem1, ".byte 0xD9, 0xF5")
HOST2(host_com, ".byte 0xD8, 0xD1")
HOST2(host_ucom, ".byte 0xDD, 0xE1")

static uint16_t random_cw(uint64_t *s)
{
	const uint64_t r = rnd(s);
	return (uint16_t)(0x007F | ((r & 3) << 8) | (((r >> 2) & 3) << 10));
}

static void check(const char *what, uint16_t cw, f80 a, f80 b, f80 r, uint8_t exc, uint16_t cc, struct host_out h,
		  uint16_t ccmask, bool result)
{
	const uint16_t mine = (uint16_t)(exc | cc), host = (uint16_t)(h.sw & (0x3F | ccmask));
	if ((result && (r.m != h.r.m || r.se != h.r.se)) || mine != host) {
		print_error("%s cw=%04X a=%04X:%016llX b=%04X:%016llX: mine %04X:%016llX sw %04X, host "
			    "%04X:%016llX sw %04X\n",
			    what, cw, a.se, (unsigned long long)a.m, b.se, (unsigned long long)b.m, r.se,
			    (unsigned long long)r.m, mine, h.r.se, (unsigned long long)h.r.m, host);
		fail();
	}
}

static struct fctx ctx_of(uint16_t cw)
{
	static const uint8_t prec[4] = { 24, 64, 53, 64 };
	struct fctx x = { (uint8_t)((cw >> 10) & 3), prec[(cw >> 8) & 3], (uint8_t)(cw & 0x3F), 0, false, 0 };
	return x;
}

enum { N = 300000 };

static void test_arith(void **state)
{
	(void)state;
	uint64_t s = 0x9E3779B97F4A7C15ull;
	for (int n = 0; n < N; n++) {
		const f80 a = random_f80(&s), b = random_pair(&s, a);
		const uint16_t cw = random_cw(&s);
		struct fctx x;
		f80 r;
#define ONE(name, expr, hostfn)                                                                      \
	x = ctx_of(cw);                                                                              \
	r = expr;                                                                                    \
	check(name, cw, a, b, r, x.exc, x.up ? 0x200 : 0, hostfn(cw, a, b), 0x200, true);
		ONE("fadd", f80_add(&x, a, b), host_add)
		ONE("fsub", f80_sub(&x, a, b), host_sub)
		ONE("fmul", f80_mul(&x, a, b), host_mul)
		ONE("fdiv", f80_div(&x, a, b), host_div)
		ONE("fsqrt", f80_sqrt(&x, a), host_sqrt)
#undef ONE
	}
}

static void test_misc(void **state)
{
	(void)state;
	uint64_t s = 0x1234567887654321ull;
	for (int n = 0; n < N; n++) {
		f80 a = random_f80(&s), b = random_pair(&s, a);
		const uint16_t cw = random_cw(&s);
		struct fctx x = ctx_of(cw);
		x.prec = 64;
		f80 r = f80_round_int(&x, a);
		check("frndint", cw, a, b, r, x.exc, x.up ? 0x200 : 0, host_rndint(cw, a, b), 0x200, true);
		/* FSCALE with a moderate scale (huge ones take the host long). */
		f80 sb = b;
		if (f80_exp(sb) > 0x3FFF + 16 && f80_exp(sb) != 0x7FFF)
			sb.se = (uint16_t)((sb.se & 0x8000) | (0x3FFF + 16));
		x = ctx_of(cw);
		x.prec = 64;
		r = f80_scale(&x, a, sb);
		check("fscale", cw, a, sb, r, x.exc, x.up ? 0x200 : 0, host_scale(cw, a, sb), 0x200, true);
		/* FPREM/FPREM1: all of C0-C3. */
		uint16_t cc;
		x = ctx_of(cw);
		x.prec = 64;
		r = f80_rem(&x, a, b, false, &cc);
		struct host_out h = host_prem(cw, a, b);
		if (cc & 0x400)
			cc = (uint16_t)(0x400 | (h.sw & 0x4300)); /* partial: C0, C1, C3 left as they were */
		check("fprem", cw, a, b, r, x.exc, cc, h, 0x4700, true);
		x = ctx_of(cw);
		x.prec = 64;
		r = f80_rem(&x, a, b, true, &cc);
		h = host_prem1(cw, a, b);
		if (cc & 0x400)
			cc = (uint16_t)(0x400 | (h.sw & 0x4300));
		check("fprem1", cw, a, b, r, x.exc, cc, h, 0x4700, true);
		/* FCOM, FUCOM. */
		static const uint16_t ccs[4] = { 0x100, 0x4000, 0, 0x4500 };
		x = ctx_of(cw);
		int c = f80_compare(&x, a, b, false);
		check("fcom", cw, a, b, a, x.exc, ccs[c + 1 == 3 ? 3 : c + 1], host_com(cw, a, b), 0x4500, false);
		x = ctx_of(cw);
		c = f80_compare(&x, a, b, true);
		check("fucom", cw, a, b, a, x.exc, ccs[c + 1 == 3 ? 3 : c + 1], host_ucom(cw, a, b), 0x4500, false);
	}
}

/* Stores to memory formats and loads from them. */
static void test_convert(void **state)
{
	(void)state;
	uint64_t s = 0x0DDC0FFEE0DDF00Dull;
	for (int n = 0; n < N; n++) {
		const f80 a = random_f80(&s);
		const uint16_t cw = random_cw(&s);
		unsigned char ba[10];
		memcpy(ba, &a.m, 8);
		memcpy(ba + 8, &a.se, 2);
		uint16_t sw;
		uint32_t h32 = 0;
		uint64_t h64 = 0;
		int16_t hi16 = 0;
		int32_t hi32 = 0;
		int64_t hi64 = 0;
		unsigned char hb[10];
#define STORE(insn, out)                                                                               \
	__asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\t" insn " %[o]\n\tfnstsw %[sw]\n\tfninit" \
			 : [sw] "=m"(sw), [o] "=m"(out)                                                \
			 : [cw] "m"(cw), [a] "m"(ba)                                                   \
			 : "memory")
		struct fctx x = ctx_of(cw);
		uint32_t m32;
		f80_to_f32(&x, a, &m32);
		STORE("fstps", h32);
		if (m32 != h32 || (x.exc | (x.up ? 0x200 : 0)) != (sw & 0x23F)) {
			print_error("fst m32 cw=%04X a=%04X:%016llX: mine %08X/%X host %08X/%X\n", cw, a.se,
				    (unsigned long long)a.m, m32, x.exc, h32, sw);
			fail();
		}
		x = ctx_of(cw);
		uint64_t m64;
		f80_to_f64(&x, a, &m64);
		STORE("fstpl", h64);
		if (m64 != h64 || (x.exc | (x.up ? 0x200 : 0)) != (sw & 0x23F)) {
			print_error("fst m64 cw=%04X a=%04X:%016llX: mine %016llX/%X host %016llX/%X\n", cw, a.se,
				    (unsigned long long)a.m, (unsigned long long)m64, x.exc, (unsigned long long)h64, sw);
			fail();
		}
		int64_t iv;
		x = ctx_of(cw);
		f80_to_int(&x, a, 16, &iv);
		STORE("fistps", hi16);
		assert_int_equal(iv, hi16);
		assert_int_equal(x.exc | (x.up ? 0x200 : 0), sw & 0x23F);
		x = ctx_of(cw);
		f80_to_int(&x, a, 32, &iv);
		STORE("fistpl", hi32);
		assert_int_equal(iv, hi32);
		assert_int_equal(x.exc | (x.up ? 0x200 : 0), sw & 0x23F);
		x = ctx_of(cw);
		f80_to_int(&x, a, 64, &iv);
		STORE("fistpll", hi64);
		if (iv != hi64 || (x.exc | (x.up ? 0x200 : 0)) != (sw & 0x23F)) {
			print_error("fistp m64 cw=%04X a=%04X:%016llX: mine %lld/%X host %lld/%X\n", cw, a.se,
				    (unsigned long long)a.m, (long long)iv, x.exc, (long long)hi64, sw);
			fail();
		}
		uint8_t bcd[10];
		x = ctx_of(cw);
		f80_to_bcd(&x, a, bcd);
		STORE("fbstp", hb);
		if (memcmp(bcd, hb, 10) != 0 || (x.exc | (x.up ? 0x200 : 0)) != (sw & 0x23F)) {
			print_error("fbstp cw=%04X a=%04X:%016llX: exc mine %X host %X\n", cw, a.se,
				    (unsigned long long)a.m, x.exc, sw);
			fail();
		}
#undef STORE
		/* Loads of m32/m64 (denormals: DE; SNaNs: IE, quieted). */
		const uint64_t r = rnd(&s);
		const uint32_t v32 = (uint32_t)r & ((r >> 40) & 1 ? 0x807FFFFFu : ~0u);
		const uint64_t v64 = rnd(&s) & ((r >> 41) & 1 ? 0x800FFFFFFFFFFFFFull : ~0ull);
		unsigned char out[10];
		__asm__ volatile("fninit\n\tflds %[v]\n\tfnstsw %[sw]\n\tfstpt %[o]\n\tfninit"
				 : [sw] "=m"(sw), [o] "=m"(out)
				 : [v] "m"(v32)
				 : "memory");
		x = ctx_of(0x37F);
		f80 l = f80_from_f32(&x, v32);
		assert_memory_equal(&l.m, out, 8);
		assert_memory_equal(&l.se, out + 8, 2);
		assert_int_equal(x.exc, sw & 0x3F);
		__asm__ volatile("fninit\n\tfldl %[v]\n\tfnstsw %[sw]\n\tfstpt %[o]\n\tfninit"
				 : [sw] "=m"(sw), [o] "=m"(out)
				 : [v] "m"(v64)
				 : "memory");
		x = ctx_of(0x37F);
		l = f80_from_f64(&x, v64);
		assert_memory_equal(&l.m, out, 8);
		assert_memory_equal(&l.se, out + 8, 2);
		assert_int_equal(x.exc, sw & 0x3F);
	}
}
#else
static void test_arith(void **state) { (void)state; skip(); }
static void test_misc(void **state) { (void)state; skip(); }
static void test_convert(void **state) { (void)state; skip(); }
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arith),
		cmocka_unit_test(test_misc),
		cmocka_unit_test(test_convert),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
