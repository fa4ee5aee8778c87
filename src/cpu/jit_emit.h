/*
 * jit_emit.h - a small x86-64 instruction encoder for the JIT (jit.c).
 *
 * Only the forms the block compiler needs: 32/16/8-bit moves and ALU
 * operations between a host register and [base + disp] or an immediate,
 * calls and jumps through RAX, rel32 branches patched later. Encodings
 * from the Intel SDM Vol. 2 (2.1 instruction format, 2.2.1 REX, the
 * opcode tables of appendix A). Host registers are numbered as in the
 * encoding (RAX 0 ... R15 15).
 *
 * Contract: the encoder writes into [p, end) and never past end: when an
 * instruction does not fit, `over` is set and nothing more is written;
 * the caller then drops the whole function (jit.c).
 */
#ifndef MVDM_CPU_JIT_EMIT_H
#define MVDM_CPU_JIT_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum { H_RAX = 0, H_RCX = 1, H_RDX = 2, H_RBX = 3, H_RSP = 4, H_RBP = 5, H_RSI = 6, H_RDI = 7,
       H_R12 = 12, H_R13 = 13 };

struct em {
	uint8_t *p, *end; /* the write cursor and the end of the space */
	bool over;        /* an instruction did not fit */
};

/* Room for the longest instruction emitted (15 bytes). */
static inline bool em_room(struct em *e, size_t n)
{
	if (e->over || (size_t)(e->end - e->p) < n) {
		e->over = true;
		return false;
	}
	return true;
}

static inline void em_b(struct em *e, uint8_t b) { *e->p++ = b; }
static inline void em_d(struct em *e, uint32_t d) { memcpy(e->p, &d, 4); e->p += 4; }
static inline void em_w(struct em *e, uint16_t w) { memcpy(e->p, &w, 2); e->p += 2; }
static inline void em_q(struct em *e, uint64_t q) { memcpy(e->p, &q, 8); e->p += 8; }

/* Operand sizes: 1, 2, 4 (8 = 64-bit, REX.W). */

/* Prefixes and REX for an instruction with ModR/M reg `r` and base `b`:
 * the 66h prefix for 16 bits, REX.W for 64, REX.R/B for r8-r15; an empty
 * REX (40h) when a byte register is SPL..DIL (without it, 4-7 mean
 * AH..BH), for byte operations (sz 1) and for `byte8` (the byte source
 * of MOVZX/MOVSX); harmless where b is a memory operand's base. */
static inline void em_pre_b(struct em *e, unsigned sz, unsigned r, unsigned b, bool byte8)
{
	if (sz == 2)
		em_b(e, 0x66);
	uint8_t rex = (uint8_t)(0x40 | (sz == 8 ? 8 : 0) | ((r & 8) ? 4 : 0) | ((b & 8) ? 1 : 0));
	if (rex != 0x40 || (sz == 1 && (r & 0xC) == 4) || ((sz == 1 || byte8) && (b & 0xC) == 4))
		em_b(e, rex);
}

static inline void em_pre(struct em *e, unsigned sz, unsigned r, unsigned b)
{
	em_pre_b(e, sz, r, b, false);
}

/* ModR/M (+SIB) for [base + disp] with reg field r: disp8 when it fits,
 * else disp32; RSP/R12 need a SIB byte. */
static inline void em_mem(struct em *e, unsigned r, unsigned base, int32_t disp)
{
	const bool d8 = disp >= -128 && disp <= 127;
	em_b(e, (uint8_t)((d8 ? 0x40 : 0x80) | ((r & 7) << 3) | (base & 7)));
	if ((base & 7) == 4)
		em_b(e, 0x24);
	if (d8)
		em_b(e, (uint8_t)disp);
	else
		em_d(e, (uint32_t)disp);
}

/* op r, [base + disp] or op [base + disp], r with the byte opcode for
 * 8 bits (op8) and the word/dword/qword one (op). */
static inline void em_rm(struct em *e, uint8_t op8, uint8_t op, unsigned sz, unsigned r, unsigned base, int32_t disp)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, sz, r, base);
	em_b(e, sz == 1 ? op8 : op);
	em_mem(e, r, base, disp);
}

/* mov r, [base + disp] */
static inline void em_load(struct em *e, unsigned sz, unsigned r, unsigned base, int32_t disp)
{
	em_rm(e, 0x8A, 0x8B, sz, r, base, disp);
}

/* mov [base + disp], r */
static inline void em_store(struct em *e, unsigned sz, unsigned r, unsigned base, int32_t disp)
{
	em_rm(e, 0x88, 0x89, sz, r, base, disp);
}

/* movzx r32, byte/word [base + disp] (sz 1, 2), mov r32 for 4 */
static inline void em_loadzx(struct em *e, unsigned sz, unsigned r, unsigned base, int32_t disp)
{
	if (sz == 4) {
		em_load(e, 4, r, base, disp);
		return;
	}
	if (!em_room(e, 15))
		return;
	em_pre(e, 4, r, base);
	em_b(e, 0x0F);
	em_b(e, sz == 1 ? 0xB6 : 0xB7);
	em_mem(e, r, base, disp);
}

/* ModR/M and SIB for [base + index * 2^scale + disp] with reg field r: no
 * displacement when it is 0 (and base is not RBP/R13, whose mod 00 means
 * no base), disp8 when it fits, else disp32; index must not be RSP. */
static inline void em_mem_idx(struct em *e, unsigned r, unsigned base, unsigned index, unsigned scale, int32_t disp)
{
	const uint8_t mod = disp == 0 && (base & 7) != 5 ? 0x00 : disp >= -128 && disp <= 127 ? 0x40 : 0x80;
	em_b(e, (uint8_t)(mod | ((r & 7) << 3) | 4));
	em_b(e, (uint8_t)(scale << 6 | (index & 7) << 3 | (base & 7)));
	if (mod == 0x40)
		em_b(e, (uint8_t)disp);
	else if (mod == 0x80)
		em_d(e, (uint32_t)disp);
}

/* op r, [base + index * 2^scale + disp] or op [...], r, as em_rm()
 * (SIB with REX.X for an index in R8-R15; index must not be RSP). */
static inline void em_rm_idx(struct em *e, uint8_t op8, uint8_t op, unsigned sz, unsigned r, unsigned base,
			     unsigned index, unsigned scale, int32_t disp)
{
	if (!em_room(e, 15))
		return;
	if (sz == 2)
		em_b(e, 0x66);
	const uint8_t rex = (uint8_t)(0x40 | (sz == 8 ? 8 : 0) | ((r & 8) ? 4 : 0) | ((index & 8) ? 2 : 0) |
				      ((base & 8) ? 1 : 0));
	if (rex != 0x40 || (sz == 1 && (r & 0xC) == 4))
		em_b(e, rex);
	em_b(e, sz == 1 ? op8 : op);
	em_mem_idx(e, r, base, index, scale, disp);
}

/* mov r, [base + index * 2^scale + disp] (sz 8, 4) and the store */
static inline void em_load_idx(struct em *e, unsigned sz, unsigned r, unsigned base, unsigned index, unsigned scale,
			       int32_t disp)
{
	em_rm_idx(e, 0x8A, 0x8B, sz, r, base, index, scale, disp);
}
static inline void em_store_idx(struct em *e, unsigned sz, unsigned r, unsigned base, unsigned index, unsigned scale,
				int32_t disp)
{
	em_rm_idx(e, 0x88, 0x89, sz, r, base, index, scale, disp);
}

/* movzx r32, byte/word [base + index * 2^scale + disp] (0F B6 / 0F B7;
 * sz 1, 2), mov r32 for 4 */
static inline void em_loadzx_idx(struct em *e, unsigned sz, unsigned r, unsigned base, unsigned index,
				 unsigned scale, int32_t disp)
{
	if (sz == 4) {
		em_load_idx(e, 4, r, base, index, scale, disp);
		return;
	}
	if (!em_room(e, 15))
		return;
	const uint8_t rex = (uint8_t)(0x40 | ((r & 8) ? 4 : 0) | ((index & 8) ? 2 : 0) | ((base & 8) ? 1 : 0));
	if (rex != 0x40)
		em_b(e, rex);
	em_b(e, 0x0F);
	em_b(e, sz == 1 ? 0xB6 : 0xB7);
	em_mem_idx(e, r, base, index, scale, disp);
}

static inline void em_loadzx16_idx(struct em *e, unsigned r, unsigned base, unsigned index, unsigned scale,
				   int32_t disp)
{
	em_loadzx_idx(e, 2, r, base, index, scale, disp);
}

/* A two-byte opcode 0F op2 with a register operand: op2 reg, rm
 * (mod 11; sz 8 adds REX.W). */
static inline void em_0f_rr(struct em *e, unsigned sz, uint8_t op2, unsigned reg, unsigned rm)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, sz, reg, rm);
	em_b(e, 0x0F);
	em_b(e, op2);
	em_b(e, (uint8_t)(0xC0 | ((reg & 7) << 3) | (rm & 7)));
}

/* bts/btr r32, r32 (0F AB / 0F B3: bit `bit` of dst, modulo 32) */
static inline void em_bt_rr(struct em *e, bool set, unsigned dst, unsigned bit)
{
	em_0f_rr(e, 4, set ? 0xAB : 0xB3, bit, dst);
}

/* mov dword/word/byte [base + disp], imm */
static inline void em_store_imm(struct em *e, unsigned sz, unsigned base, int32_t disp, uint32_t imm)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, sz, 0, base);
	em_b(e, sz == 1 ? 0xC6 : 0xC7);
	em_mem(e, 0, base, disp);
	if (sz == 1)
		em_b(e, (uint8_t)imm);
	else if (sz == 2)
		em_w(e, (uint16_t)imm);
	else
		em_d(e, imm);
}

/* Register-register forms: op r/m(dst), r(src), ModR/M mod = 3. */
static inline void em_rr(struct em *e, uint8_t op8, uint8_t op, unsigned sz, unsigned dst, unsigned src)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, sz, src, dst);
	em_b(e, sz == 1 ? op8 : op);
	em_b(e, (uint8_t)(0xC0 | ((src & 7) << 3) | (dst & 7)));
}

/* mov dst, src (64 bits with sz 8) */
static inline void em_mov_rr(struct em *e, unsigned sz, unsigned dst, unsigned src)
{
	em_rr(e, 0x88, 0x89, sz, dst, src);
}

/* The eight ALU operations in opcode order (ADD OR ADC SBB AND SUB XOR
 * CMP, as the guest's): op dst, src. */
static inline void em_alu_rr(struct em *e, unsigned aop, unsigned sz, unsigned dst, unsigned src)
{
	em_rr(e, (uint8_t)(aop << 3), (uint8_t)((aop << 3) | 1), sz, dst, src);
}

/* op dst, imm (80 /op ib, 81 /op iw/id) */
static inline void em_alu_ri(struct em *e, unsigned aop, unsigned sz, unsigned dst, uint32_t imm)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, sz, 0, dst);
	em_b(e, sz == 1 ? 0x80 : 0x81);
	em_b(e, (uint8_t)(0xC0 | (aop << 3) | (dst & 7)));
	if (sz == 1)
		em_b(e, (uint8_t)imm);
	else if (sz == 2)
		em_w(e, (uint16_t)imm);
	else
		em_d(e, imm);
}

/* aop r, imm8 sign-extended to sz (2 or 4): 83 /aop ib */
static inline void em_alu_ri8(struct em *e, unsigned aop, unsigned sz, unsigned dst, int8_t imm)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, sz, 0, dst);
	em_b(e, 0x83);
	em_b(e, (uint8_t)(0xC0 | (aop << 3) | (dst & 7)));
	em_b(e, (uint8_t)imm);
}

/* cmp dword [base + disp], imm32 */
static inline void em_cmp_mem_imm(struct em *e, unsigned base, int32_t disp, uint32_t imm)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, 4, 0, base);
	em_b(e, 0x81);
	em_mem(e, 7, base, disp);
	em_d(e, imm);
}

/* cmp word [base + disp], imm8 (66 83 /7 ib) */
static inline void em_cmp16_mem_imm8(struct em *e, unsigned base, int32_t disp, uint8_t imm)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, 2, 0, base);
	em_b(e, 0x83);
	em_mem(e, 7, base, disp);
	em_b(e, imm);
}

/* cmp byte [base + disp], imm8 (80 /7 ib) */
static inline void em_cmp8_mem_imm(struct em *e, unsigned base, int32_t disp, uint8_t imm)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, 4, 0, base);
	em_b(e, 0x80);
	em_mem(e, 7, base, disp);
	em_b(e, imm);
}

/* add rsp, 8 (48 83 C4 08): drop a return address */
static inline void em_drop_ret(struct em *e)
{
	if (em_room(e, 4))
		em_b(e, 0x48), em_b(e, 0x83), em_b(e, 0xC4), em_b(e, 0x08);
}

/* dec word [base + disp] (66 FF /1) */
static inline void em_dec16_mem(struct em *e, unsigned base, int32_t disp)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, 2, 0, base);
	em_b(e, 0xFF);
	em_mem(e, 1, base, disp);
}

/* inc/dec r (FE/FF /0 /1) */
static inline void em_incdec(struct em *e, unsigned sz, bool dec, unsigned r)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, sz, 0, r);
	em_b(e, sz == 1 ? 0xFE : 0xFF);
	em_b(e, (uint8_t)(0xC0 | (dec ? 8 : 0) | (r & 7)));
}

/* movsx/movzx r32, r8/r16 (0F BE/BF, 0F B6/B7; flags unchanged) */
static inline void em_movx(struct em *e, bool sign, unsigned sz, unsigned dst, unsigned src)
{
	if (!em_room(e, 15))
		return;
	em_pre_b(e, 4, dst, src, sz == 1);
	em_b(e, 0x0F);
	em_b(e, (uint8_t)((sign ? 0xBE : 0xB6) + (sz == 1 ? 0 : 1)));
	em_b(e, (uint8_t)(0xC0 | ((dst & 7) << 3) | (src & 7)));
}

static inline void em_movsx(struct em *e, unsigned sz, unsigned dst, unsigned src)
{
	em_movx(e, true, sz, dst, src);
}

static inline void em_movzx(struct em *e, unsigned sz, unsigned dst, unsigned src)
{
	em_movx(e, false, sz, dst, src);
}

/* shl/shr r32, imm8 (C1 /4, /5) */
static inline void em_shift_ri(struct em *e, bool right, unsigned r, uint8_t n)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, 4, 0, r);
	em_b(e, 0xC1);
	em_b(e, (uint8_t)(0xC0 | (right ? 0x28 : 0x20) | (r & 7)));
	em_b(e, n);
}

/* rorx dst32, src32, imm8 (BMI2: VEX.LZ.F2.0F3A.W0 F0 /r ib, SDM Vol. 2
 * "RORX"): dst = src rotated right by n, flags unchanged. Only where the
 * host has BMI2 and the CPU lets the JIT use it (CPU_JIT_HOST_BMI2). */
static inline void em_rorx(struct em *e, unsigned dst, unsigned src, uint8_t n)
{
	if (!em_room(e, 15))
		return;
	em_b(e, 0xC4);
	em_b(e, (uint8_t)(((dst & 8) ? 0 : 0x80) | 0x40 | ((src & 8) ? 0 : 0x20) | 0x03)); /* ~R ~X ~B, map 0F3A */
	em_b(e, 0x7B); /* W0, vvvv 1111 (none), L0, pp F2 */
	em_b(e, 0xF0);
	em_b(e, (uint8_t)(0xC0 | ((dst & 7) << 3) | (src & 7)));
	em_b(e, n);
}

/* shift r8/r16/r32 by imm8 (C0/C1 /ext: 4 SHL, 5 SHR, 7 SAR) */
static inline void em_shift_sz(struct em *e, unsigned sz, unsigned ext, unsigned r, uint8_t n)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, sz, 0, r);
	em_b(e, sz == 1 ? 0xC0 : 0xC1);
	em_b(e, (uint8_t)(0xC0 | (ext << 3) | (r & 7)));
	em_b(e, n);
}

/* shift r8/r16/r32 by CL (D2/D3 /ext: 4 SHL, 5 SHR, 7 SAR) */
static inline void em_shift_cl(struct em *e, unsigned sz, unsigned ext, unsigned r)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, sz, 0, r);
	em_b(e, sz == 1 ? 0xD2 : 0xD3);
	em_b(e, (uint8_t)(0xC0 | (ext << 3) | (r & 7)));
}

/* setcc r8 (0F 90+cc /0; a REX prefix for SPL..DIL and R8B..R15B) */
static inline void em_setcc(struct em *e, unsigned cc, unsigned r)
{
	if (!em_room(e, 15))
		return;
	if (r >= 4)
		em_b(e, (uint8_t)(0x40 | ((r & 8) ? 1 : 0)));
	em_b(e, 0x0F);
	em_b(e, (uint8_t)(0x90 | cc));
	em_b(e, (uint8_t)(0xC0 | (r & 7)));
}

/* test r8, imm8 (F6 /0 ib; a REX prefix for SPL..DIL and R8B..R15B) */
static inline void em_test_r8_imm(struct em *e, unsigned r, uint8_t imm)
{
	if (!em_room(e, 15))
		return;
	if (r >= 4)
		em_b(e, (uint8_t)(0x40 | ((r & 8) ? 1 : 0)));
	em_b(e, 0xF6);
	em_b(e, (uint8_t)(0xC0 | (r & 7)));
	em_b(e, imm);
}

/* aop byte [base + disp], imm8 (80 /aop ib) */
static inline void em_alu_mem8_imm(struct em *e, unsigned aop, unsigned base, int32_t disp, uint8_t imm)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, 1, 0, base);
	em_b(e, 0x80);
	em_mem(e, aop, base, disp);
	em_b(e, imm);
}

/* test byte [base + disp], imm8 (F6 /0 ib) */
static inline void em_test_mem_imm8(struct em *e, unsigned base, int32_t disp, uint8_t imm)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, 1, 0, base);
	em_b(e, 0xF6);
	em_mem(e, 0, base, disp);
	em_b(e, imm);
}

/* A one-byte opcode with a 64-bit register operand and an opcode
 * extension in ModRM.reg: REX.W op /ext (register form, mod 11). */
static inline void em_op64_ext(struct em *e, uint8_t op, unsigned ext, unsigned r)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, 8, 0, r);
	em_b(e, op);
	em_b(e, (uint8_t)(0xC0 | ext << 3 | (r & 7)));
}

/* shl r64, imm8 (REX.W C1 /4) */
static inline void em_shl64(struct em *e, unsigned r, uint8_t n)
{
	em_op64_ext(e, 0xC1, 4, r);
	if (em_room(e, 1))
		em_b(e, n);
}

/* shr r64, imm8 (REX.W C1 /5) */
static inline void em_shr64(struct em *e, unsigned r, uint8_t n)
{
	em_op64_ext(e, 0xC1, 5, r);
	if (em_room(e, 1))
		em_b(e, n);
}

/* bts r64, imm8 (REX.W 0F BA /5 ib) */
static inline void em_bts64_imm(struct em *e, unsigned r, uint8_t n)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, 8, 0, r);
	em_b(e, 0x0F);
	em_b(e, 0xBA);
	em_b(e, (uint8_t)(0xE8 | (r & 7)));
	em_b(e, n);
}

/* mul r64: RDX:RAX = RAX * r, unsigned (REX.W F7 /4) */
static inline void em_mul64(struct em *e, unsigned r)
{
	em_op64_ext(e, 0xF7, 4, r);
}

/* div/idiv r (F7 /6, /7) at size sz (4 or 8): RDX:RAX (EDX:EAX) by r;
 * the caller rules out the host's #DE (a divisor of 0, a quotient that
 * does not fit). */
static inline void em_div(struct em *e, unsigned sz, bool sign, unsigned r)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, sz, 0, r);
	em_b(e, 0xF7);
	em_b(e, (uint8_t)(0xC0 | (sign ? 7 : 6) << 3 | (r & 7)));
}

/* cqo: RDX = RAX's sign (REX.W 99) */
static inline void em_cqo(struct em *e)
{
	if (em_room(e, 2))
		em_b(e, 0x48), em_b(e, 0x99);
}

/* shld dst, src, cl (64 bits: REX.W 0F A5 /r) */
static inline void em_shld64_cl(struct em *e, unsigned dst, unsigned src)
{
	em_0f_rr(e, 8, 0xA5, src, dst);
}

/* shrd dst, src, cl (64 bits: REX.W 0F AD /r) */
static inline void em_shrd64_cl(struct em *e, unsigned dst, unsigned src)
{
	em_0f_rr(e, 8, 0xAD, src, dst);
}

/* cmovcc dst, src (64 bits: REX.W 0F 40+cc /r) */
static inline void em_cmov64(struct em *e, unsigned cc, unsigned dst, unsigned src)
{
	em_0f_rr(e, 8, (uint8_t)(0x40 | cc), dst, src);
}

/* bsr dst, src (64 bits: REX.W 0F BD /r; dst undefined for src 0) */
static inline void em_bsr64(struct em *e, unsigned dst, unsigned src)
{
	em_0f_rr(e, 8, 0xBD, dst, src);
}

/* movsxd dst, src32 (REX.W 63 /r) */
static inline void em_movsxd(struct em *e, unsigned dst, unsigned src)
{
	em_rr(e, 0x63, 0x63, 8, src, dst);
}

/* neg r64 (REX.W F7 /3): CF = (r != 0) */
static inline void em_neg64(struct em *e, unsigned r)
{
	em_op64_ext(e, 0xF7, 3, r);
}

/* setc cl (0F 92 C1) */
static inline void em_setc_cl(struct em *e)
{
	if (em_room(e, 3))
		em_b(e, 0x0F), em_b(e, 0x92), em_b(e, 0xC1);
}

/* ror r16, imm8 (66 C1 /1): swaps the bytes of a word with 8 */
static inline void em_ror16(struct em *e, unsigned r, uint8_t n)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, 2, 0, r);
	em_b(e, 0xC1);
	em_b(e, (uint8_t)(0xC8 | (r & 7)));
	em_b(e, n);
}

/* mov r8/r16/r32, imm */
static inline void em_mov_ri(struct em *e, unsigned sz, unsigned r, uint32_t imm)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, sz, 0, r);
	em_b(e, (uint8_t)((sz == 1 ? 0xB0 : 0xB8) | (r & 7)));
	if (sz == 1)
		em_b(e, (uint8_t)imm);
	else if (sz == 2)
		em_w(e, (uint16_t)imm);
	else
		em_d(e, imm);
}

/* lea r64, [base + disp] */
static inline void em_lea(struct em *e, unsigned r, unsigned base, int32_t disp)
{
	em_rm(e, 0x8D, 0x8D, 8, r, base, disp);
}

/* mov r64, imm64 */
static inline void em_mov_imm64(struct em *e, unsigned r, uint64_t imm)
{
	if (!em_room(e, 15))
		return;
	em_b(e, (uint8_t)(0x48 | ((r & 8) ? 1 : 0)));
	em_b(e, (uint8_t)(0xB8 | (r & 7)));
	em_q(e, imm);
}

/* mov r32, imm32 */
static inline void em_mov_imm32(struct em *e, unsigned r, uint32_t imm)
{
	if (!em_room(e, 15))
		return;
	if (r & 8)
		em_b(e, 0x41);
	em_b(e, (uint8_t)(0xB8 | (r & 7)));
	em_d(e, imm);
}

static inline void em_push(struct em *e, unsigned r)
{
	if (!em_room(e, 2))
		return;
	if (r & 8)
		em_b(e, 0x41);
	em_b(e, (uint8_t)(0x50 | (r & 7)));
}

static inline void em_pop(struct em *e, unsigned r)
{
	if (!em_room(e, 2))
		return;
	if (r & 8)
		em_b(e, 0x41);
	em_b(e, (uint8_t)(0x58 | (r & 7)));
}

/* call rax / jmp rax / jmp qword [rsi] */
static inline void em_call_rax(struct em *e)
{
	if (em_room(e, 2))
		em_b(e, 0xFF), em_b(e, 0xD0);
}
static inline void em_jmp_rax(struct em *e)
{
	if (em_room(e, 2))
		em_b(e, 0xFF), em_b(e, 0xE0);
}
static inline void em_jmp_mem_rsi(struct em *e)
{
	if (em_room(e, 2))
		em_b(e, 0xFF), em_b(e, 0x26);
}
static inline void em_ret(struct em *e)
{
	if (em_room(e, 1))
		em_b(e, 0xC3);
}

/* test al, al (84 C0) */
static inline void em_test_al(struct em *e)
{
	if (em_room(e, 2))
		em_b(e, 0x84), em_b(e, 0xC0);
}

/* jcc rel32 (cc: the x86 condition code 0-15) or jmp rel32 (cc < 0) to a
 * target fixed later: returns the offset of the rel32 field from `base`
 * (or -1 when it did not fit). */
static inline long em_jcc_fwd(struct em *e, int cc, const uint8_t *base)
{
	if (!em_room(e, 6))
		return -1;
	if (cc < 0) {
		em_b(e, 0xE9);
	} else {
		em_b(e, 0x0F);
		em_b(e, (uint8_t)(0x80 | cc));
	}
	long at = e->p - base;
	em_d(e, 0);
	return at;
}

/* prefetcht0 [base + disp] (never faults, whatever the address) */
static inline void em_prefetch(struct em *e, unsigned base, int32_t disp)
{
	if (!em_room(e, 15))
		return;
	em_pre(e, 4, 1, base);
	em_b(e, 0x0F);
	em_b(e, 0x18);
	em_mem(e, 1 /* /1: T0 */, base, disp);
}

/* call rel32 to a target fixed later (em_fix()): returns the offset of
 * the rel32 field from `base` (or -1 when it did not fit). */
static inline long em_call_fwd(struct em *e, const uint8_t *base)
{
	if (!em_room(e, 5))
		return -1;
	em_b(e, 0xE8);
	long at = e->p - base;
	em_d(e, 0);
	return at;
}

/* Point the rel32 at `at` (from em_jcc_fwd) to `target` (both offsets
 * from base, in the written buffer). */
static inline void em_fix(uint8_t *base, long at, long target)
{
	if (at < 0)
		return;
	int32_t rel = (int32_t)(target - (at + 4));
	memcpy(base + at, &rel, 4);
}

/* jcc rel8 to a target fixed later (em_fix8()): the offset of the rel8
 * byte from base, or -1. */
static inline long em_jcc8_fwd(struct em *e, uint8_t cc, const uint8_t *base)
{
	if (!em_room(e, 2))
		return -1;
	em_b(e, (uint8_t)(0x70 | cc));
	em_b(e, 0);
	return e->p - base - 1;
}

/* Fix a rel8 of em_jcc8_fwd() to target (`over` when out of reach). */
static inline void em_fix8(struct em *e, uint8_t *base, long at, long target)
{
	if (at < 0)
		return;
	if (target - (at + 1) > 127 || target - (at + 1) < -128) {
		e->over = true;
		return;
	}
	base[at] = (uint8_t)(int8_t)(target - (at + 1));
}

#endif
