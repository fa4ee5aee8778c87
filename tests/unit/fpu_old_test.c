/*
 * fpu_old_test.c - the 8087's and 80287's own arithmetic rules
 * (src/cpu/fpu_arith.h FM_*) against the 387's, operation by operation:
 * projective closure while CW.IC is clear (SDM Vol. 3 22.18.3; 80286 and
 * 80287 PRM chapter 1 "Infinity" and chapter 2 FCOM, FTST Table 2-7) and
 * IE for every NaN operand (22.18.5.1), FLD of an SNaN (22.18.7.11) and
 * FXTRACT of zero and infinity (22.18.7.12). Each vector gives the result and
 * the exception flags under the 387 (mode 0), the 8087/287 with IC = 1
 * (affine: FM_287) and with IC = 0 (projective: FM_PROJ | FM_287).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/fpu_arith.h"

#define PINF 0x7FFF, 0x8000000000000000ull
#define NINF 0xFFFF, 0x8000000000000000ull
#define ONE 0x3FFF, 0x8000000000000000ull
#define MONE 0xBFFF, 0x8000000000000000ull
#define PZERO 0x0000, 0ull
#define QNAN 0x7FFF, 0xC000000000000001ull
#define INDEF 0xFFFF, 0xC000000000000000ull

enum op { ADD, SUB, MUL, DIV, SQRT };
enum { AFF = FM_287, PROJ = FM_PROJ | FM_287 };

static const struct {
	enum op op;
	uint8_t mode;
	uint16_t ase;
	uint64_t am;
	uint16_t bse;
	uint64_t bm;
	uint16_t rse;
	uint64_t rm;
	uint8_t exc;
} vec[] = {
	/* +inf + +inf: affine +inf; projective invalid (the indefinite). */
	{ ADD, 0, PINF, PINF, PINF, 0 },
	{ ADD, AFF, PINF, PINF, PINF, 0 },
	{ ADD, PROJ, PINF, PINF, INDEF, FX_IE },
	{ ADD, 0, NINF, NINF, NINF, 0 },
	{ ADD, PROJ, NINF, NINF, INDEF, FX_IE },
	/* +inf + -inf: invalid in both closures. */
	{ ADD, 0, PINF, NINF, INDEF, FX_IE },
	{ ADD, AFF, PINF, NINF, INDEF, FX_IE },
	{ ADD, PROJ, PINF, NINF, INDEF, FX_IE },
	/* inf + finite: the infinity, its sign kept, in both. */
	{ ADD, PROJ, PINF, MONE, PINF, 0 },
	{ ADD, PROJ, ONE, NINF, NINF, 0 },
	/* +inf - -inf: affine +inf; projective invalid. */
	{ SUB, 0, PINF, NINF, PINF, 0 },
	{ SUB, AFF, PINF, NINF, PINF, 0 },
	{ SUB, PROJ, PINF, NINF, INDEF, FX_IE },
	{ SUB, PROJ, PINF, PINF, INDEF, FX_IE },
	{ SUB, 0, PINF, PINF, INDEF, FX_IE },
	{ SUB, PROJ, ONE, PINF, NINF, 0 },
	/* Products and quotients: the same in both closures. */
	{ MUL, PROJ, PINF, NINF, NINF, 0 },
	{ MUL, PROJ, PINF, PZERO, INDEF, FX_IE },
	{ DIV, PROJ, ONE, NINF, 0x8000, 0ull, 0 },
	{ DIV, PROJ, NINF, MONE, PINF, 0 },
	{ DIV, PROJ, PINF, NINF, INDEF, FX_IE },
	/* sqrt(+inf): affine +inf; projective invalid. */
	{ SQRT, 0, PINF, PZERO, PINF, 0 },
	{ SQRT, AFF, PINF, PZERO, PINF, 0 },
	{ SQRT, PROJ, PINF, PZERO, INDEF, FX_IE },
	{ SQRT, 0, NINF, PZERO, INDEF, FX_IE },
	/* A QNaN operand: IE only on the 8087/287. */
	{ ADD, 0, QNAN, ONE, QNAN, 0 },
	{ ADD, AFF, QNAN, ONE, QNAN, FX_IE },
	{ MUL, PROJ, ONE, QNAN, QNAN, FX_IE },
	{ SQRT, AFF, QNAN, PZERO, QNAN, FX_IE },
};

static struct fctx ctx(uint8_t mode)
{
	struct fctx x = { RC_NEAR, 64, 0x3F, 0, false, mode };
	return x;
}

static void test_arithmetic(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(vec) / sizeof(vec[0]); k++) {
		struct fctx x = ctx(vec[k].mode);
		const f80 a = { vec[k].am, vec[k].ase }, b = { vec[k].bm, vec[k].bse };
		f80 r;
		switch (vec[k].op) {
		case ADD: r = f80_add(&x, a, b); break;
		case SUB: r = f80_sub(&x, a, b); break;
		case MUL: r = f80_mul(&x, a, b); break;
		case DIV: r = f80_div(&x, a, b); break;
		default: r = f80_sqrt(&x, a); break;
		}
		if (r.se != vec[k].rse || r.m != vec[k].rm || x.exc != vec[k].exc)
			fail_msg("vector %zu: %04X:%016llX exc %02X, want %04X:%016llX exc %02X", k, r.se,
				 (unsigned long long)r.m, x.exc, vec[k].rse, (unsigned long long)vec[k].rm, vec[k].exc);
	}
}

/* FCOM (quiet = false) and FTST (against +0): -1 less, 0 equal, 1
 * greater, 2 unordered (C3 C2 C0 = 111). */
static const struct {
	uint8_t mode;
	uint16_t ase;
	uint64_t am;
	uint16_t bse;
	uint64_t bm;
	int r;
	uint8_t exc;
} cmp[] = {
	{ 0, PINF, ONE, 1, 0 },
	{ AFF, PINF, ONE, 1, 0 },
	{ PROJ, PINF, ONE, 2, FX_IE },  /* not comparable */
	{ PROJ, MONE, NINF, 2, FX_IE },
	{ 0, NINF, PINF, -1, 0 },
	{ AFF, NINF, PINF, -1, 0 },
	{ PROJ, NINF, PINF, 0, 0 },     /* the one infinity equals itself */
	{ PROJ, PINF, PINF, 0, 0 },
	{ 0, NINF, PZERO, -1, 0 },      /* FTST */
	{ PROJ, NINF, PZERO, 2, FX_IE },
	{ PROJ, PINF, PZERO, 2, FX_IE },
	{ PROJ, ONE, PZERO, 1, 0 },
	{ 0, QNAN, ONE, 2, FX_IE },
	{ PROJ, QNAN, PINF, 2, FX_IE },
};

static void test_compare(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(cmp) / sizeof(cmp[0]); k++) {
		struct fctx x = ctx(cmp[k].mode);
		const f80 a = { cmp[k].am, cmp[k].ase }, b = { cmp[k].bm, cmp[k].bse };
		const int r = f80_compare(&x, a, b, false);
		if (r != cmp[k].r || x.exc != cmp[k].exc)
			fail_msg("compare %zu: %d exc %02X, want %d exc %02X", k, r, x.exc, cmp[k].r, cmp[k].exc);
	}
}

/* FXTRACT: the 387 gives -inf and ZE for a zero, inf and no exception for
 * an infinity; the 8087/287 +0 without an exception, and IE. */
static void test_extract(void **state)
{
	(void)state;
	static const uint8_t modes[] = { 0, AFF, PROJ };
	for (size_t k = 0; k < sizeof(modes); k++) {
		const bool old = modes[k] != 0;
		struct fctx x = ctx(modes[k]);
		f80 sig, expo;
		f80_extract(&x, f80_zero(true), &sig, &expo);
		assert_int_equal(sig.se, 0x8000);
		assert_int_equal(expo.se, old ? 0x0000 : 0xFFFF);
		assert_true(expo.m == (old ? 0 : F80_INT));
		assert_int_equal(x.exc, old ? 0 : FX_ZE);
		x = ctx(modes[k]);
		f80_extract(&x, f80_inf(false), &sig, &expo);
		assert_int_equal(sig.se, old ? 0xFFFF : 0x7FFF);
		assert_int_equal(expo.se, old ? 0xFFFF : 0x7FFF);
		assert_int_equal(x.exc, old ? FX_IE : 0);
	}
}

/* FLD m64 of an SNaN: IE and quieted on the 387, nothing and as it is on
 * the 8087/287. */
static void test_load_snan(void **state)
{
	(void)state;
	struct fctx x = ctx(0);
	f80 r = f80_from_f64(&x, 0x7FF0000000000001ull);
	assert_int_equal(x.exc, FX_IE);
	assert_true(r.m == 0xC000000000000800ull && r.se == 0x7FFF);
	x = ctx(AFF);
	r = f80_from_f64(&x, 0x7FF0000000000001ull);
	assert_int_equal(x.exc, 0);
	assert_true(r.m == 0x8000000000000800ull && r.se == 0x7FFF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arithmetic),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_extract),
		cmocka_unit_test(test_load_snan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
