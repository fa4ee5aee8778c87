/*
 * fpu_arith.h - the x87's arithmetic: an 80-bit soft-float (docs/x87.md).
 *
 * Contract
 * --------
 * - Values are the x87's double-extended format (Intel 80387 PRM 3.1.3;
 *   SDM Vol. 1 4.2.2): a sign, a 15-bit biased exponent (bias 16383) and a
 *   64-bit significand with an explicit integer bit (bit 63).
 * - Every operation is exact integer arithmetic (uint64_t and unsigned
 *   __int128) followed by one rounding (round_pack() in fpu_arith.c): the
 *   results never depend on the host's floating point or compiler flags.
 * - The caller passes the rounding control, the precision control and the
 *   exception masks in a struct fctx; the operation ORs the exception
 *   flags it raised into fctx.exc (SW bit positions) and sets fctx.up when
 *   the result was rounded away from zero (C1, SDM Vol. 1 8.1.3.1).
 * - Operands are classified as the 80387 does (387 PRM 3.2, SDM Vol. 1
 *   8.2.2): unnormals, pseudo-NaNs and pseudo-infinities are unsupported
 *   formats (invalid operation); pseudo-denormals are denormals.
 * - Masked responses are the 387's (SDM Vol. 1 4.9, 8.5): the QNaN
 *   indefinite, NaN propagation by larger significand, infinities and
 *   largest finite numbers on overflow by rounding mode, denormals on
 *   underflow; unmasked overflow/underflow deliver the result with its
 *   exponent biased by 24576 (8.5.3, 8.5.4). An unmasked IE, DE or ZE
 *   leaves the result unusable: the caller stores nothing (fctx_stop()).
 */
#ifndef MVDM_CPU_FPU_ARITH_H
#define MVDM_CPU_FPU_ARITH_H

#include <stdbool.h>
#include <stdint.h>

typedef unsigned __int128 u128;

/* A double-extended value: m = significand (bit 63 the integer bit), se =
 * sign (bit 15) and biased exponent (bits 0-14). */
typedef struct {
	uint64_t m;
	uint16_t se;
} f80;

/* Exception flags as in the status word (SDM Vol. 1 8.1.3). */
enum {
	FX_IE = 0x01, FX_DE = 0x02, FX_ZE = 0x04, FX_OE = 0x08, FX_UE = 0x10, FX_PE = 0x20,
	FX_SF = 0x40,
};

/* Rounding control (CW bits 10-11). */
enum { RC_NEAR = 0, RC_DOWN = 1, RC_UP = 2, RC_CHOP = 3 };

struct fctx {
	uint8_t rc;       /* RC_* */
	uint8_t prec;     /* significand bits of results: 24, 53 or 64 */
	uint8_t masks;    /* CW bits 0-5: set = masked */
	uint8_t exc;      /* raised (FX_*) */
	bool up;          /* the last rounding went away from zero */
	uint8_t mode;     /* FM_*: the 8087/287 rules (fpu_ctx()); 0 on the 387 */
};

/* The rules of the 8087 and 80287 where they differ from the 387's
 * (Intel SDM Vol. 3 22.18 "x87 FPU" compatibility; 80286 and 80287 PRM
 * chapters 1-2):
 * - FM_PROJ: projective closure (CW bit 12, IC, clear: the FNINIT
 *   default there; the 387 and later are always affine, 22.18.3). The
 *   two infinities are one unsigned infinity: inf + inf and inf - inf of
 *   any signs are invalid, the square root of an infinity is invalid, an
 *   infinity compares equal to an infinity and is not comparable with
 *   anything else (IE, unordered: 287 PRM FCOM "NaNs and infinity
 *   (projective) cannot be compared", Table 2-7 FTST "ST is not
 *   comparable (NaN or projective infinity)"). Products, quotients and
 *   the signs of infinite results are as in the affine closure.
 * - FM_287, the other rules of the 8087/287: any NaN operand of an
 *   arithmetic operation raises IE, quiet or not (22.18.5.1: the 16-bit
 *   coprocessors "raise an invalid-operation exception upon encountering
 *   any kind of NaN"); FLD m32/m64 of an SNaN raises nothing and loads
 *   it as it is (22.18.7.11); FXTRACT of a zero gives 0 in ST(1) without
 *   an exception, of an infinity IE (22.18.7.12). */
enum { FM_PROJ = 1, FM_287 = 2 };

/* An unmasked IE, DE or ZE was raised: the operation has no result. */
static inline bool fctx_stop(const struct fctx *x)
{
	return (x->exc & ~x->masks & (FX_IE | FX_DE | FX_ZE)) != 0;
}

#define F80_EXP_MAX 0x7FFF
#define F80_BIAS 16383
#define F80_INT (1ull << 63)
#define F80_QBIT (1ull << 62)

static inline f80 f80_make(bool sign, unsigned exp, uint64_t m)
{
	f80 r = { m, (uint16_t)((sign ? 0x8000u : 0) | exp) };
	return r;
}
static inline bool f80_sign(f80 a) { return (a.se >> 15) != 0; }
static inline unsigned f80_exp(f80 a) { return a.se & 0x7FFFu; }
static inline f80 f80_neg(f80 a) { a.se ^= 0x8000; return a; }
static inline f80 f80_abs(f80 a) { a.se &= 0x7FFF; return a; }

/* The QNaN indefinite (SDM Vol. 1 4.8.3.7): negative, C000...0. */
static inline f80 f80_indefinite(void) { return f80_make(true, F80_EXP_MAX, 0xC000000000000000ull); }
static inline f80 f80_zero(bool sign) { return f80_make(sign, 0, 0); }
static inline f80 f80_inf(bool sign) { return f80_make(sign, F80_EXP_MAX, F80_INT); }

/* Operand classes (SDM Vol. 1 8.3.5 FXAM, 8.2.2 unsupported formats). */
enum fclass { FC_ZERO, FC_DENORMAL, FC_NORMAL, FC_INF, FC_QNAN, FC_SNAN, FC_UNSUPPORTED };
enum fclass f80_class(f80 a);
static inline bool fclass_nan(enum fclass k) { return k == FC_QNAN || k == FC_SNAN; }

/* The tag of a value (SDM Vol. 1 8.1.7): 0 valid, 1 zero, 2 special. */
unsigned f80_tag(f80 a);

/* Arithmetic: precision control applies (SDM Vol. 1 8.1.5.2). */
f80 f80_add(struct fctx *x, f80 a, f80 b);
f80 f80_sub(struct fctx *x, f80 a, f80 b);
f80 f80_mul(struct fctx *x, f80 a, f80 b);
f80 f80_div(struct fctx *x, f80 a, f80 b);
f80 f80_sqrt(struct fctx *x, f80 a);

/* FPREM (ieee = false: truncating quotient) and FPREM1 (round to nearest):
 * *cc gets C0/C3/C1 from the quotient's low bits and C2 for an incomplete
 * reduction, as SW bits (C0 0x100, C1 0x200, C2 0x400, C3 0x4000). */
f80 f80_rem(struct fctx *x, f80 a, f80 b, bool ieee, uint16_t *cc);
/* FRNDINT, FSCALE, FXTRACT (*sig, *expo). */
f80 f80_round_int(struct fctx *x, f80 a);
f80 f80_scale(struct fctx *x, f80 a, f80 b);
void f80_extract(struct fctx *x, f80 a, f80 *sig, f80 *expo);

/* Comparison: -1 less, 0 equal, 1 greater, 2 unordered. quiet: only SNaNs
 * raise IE (FUCOM); else every NaN does (FCOM). */
int f80_compare(struct fctx *x, f80 a, f80 b, bool quiet);

/* Conversions. Loads are exact; SNaNs and denormals of the smaller formats
 * raise IE and DE (SDM Vol. 1 8.5.1.1 and 8.5.2). */
f80 f80_from_f32(struct fctx *x, uint32_t v);
f80 f80_from_f64(struct fctx *x, uint64_t v);
f80 f80_from_i64(int64_t v);
/* Stores round with the format's precision and exponent range. They
 * return false when nothing may be stored (an unmasked exception). */
bool f80_to_f32(struct fctx *x, f80 a, uint32_t *out);
bool f80_to_f64(struct fctx *x, f80 a, uint64_t *out);
/* Integer of `bits` (16, 32, 64) by the rounding control; out of range,
 * NaN and infinity: IE, the integer indefinite when masked. */
bool f80_to_int(struct fctx *x, f80 a, unsigned bits, int64_t *out);
/* Packed BCD (18 digits and a sign byte, SDM Vol. 1 4.7). */
f80 f80_from_bcd(const uint8_t bcd[10]);
bool f80_to_bcd(struct fctx *x, f80 a, uint8_t bcd[10]);

/* The value of a register with an exact rounding of v * 2^(e - 16383 - 127)
 * (v's bit 127 is the integer bit when e is the biased exponent): the one
 * rounding every operation ends in, at x->prec bits. */
f80 f80_round_pack(struct fctx *x, bool sign, int32_t e, u128 v);

/* Unpack a finite nonzero value (normal, denormal, pseudo-denormal) into a
 * normalised significand (bit 63 set) and an unbounded biased exponent. */
void f80_unpack(f80 a, uint64_t *m, int32_t *e);

/* NaN result of an operation with NaN operands (SDM Vol. 1 Table 4-7):
 * raises IE for an SNaN and returns it quieted. */
f80 f80_nan_result(struct fctx *x, f80 a, f80 b, bool two);

/* A normal number (the fast kernels' operands, fpu_fast.h). */
static inline bool f80_is_normal(f80 a)
{
	return ((unsigned)(a.se & 0x7FFF) - 1u) < 0x7FFEu && (a.m >> 63);
}


#endif
