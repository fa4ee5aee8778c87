/*
 * cpu_internal.h - what the instruction handlers share: the decoded
 * instruction, register and memory accessors, faults.
 *
 * Faults: a handler that detects an exception calls cpu_fault(), which
 * longjmps back to cpu_run(); the instruction's IP and SP are restored there
 * and the exception is delivered (Intel 80286 PRM 5.4: faults are restartable).
 */
#ifndef MVDM_CPU_INTERNAL_H
#define MVDM_CPU_INTERNAL_H

#include <string.h>

#include "cpu/cpu.h"
#include "cpu/flags.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "mvdm's CPU core assumes a little-endian host"
#endif

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Exception vectors (Intel 80386 PRM 9.8, real mode subset). */
enum {
	EXC_DE = 0, EXC_DB = 1, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5, EXC_UD = 6,
	EXC_NM = 7, EXC_DF = 8, EXC_SS = 12, EXC_GP = 13,
};

/* Operand forms: what the decoder reads after the opcode (optable.c). */
enum op_form {
	F_NONE = 0,
	F_MODRM = 1u << 0,    /* ModR/M (+SIB, +displacement) */
	F_IMM8 = 1u << 1,     /* imm8, sign-extended into insn.imm */
	F_IMMV = 1u << 2,     /* imm16/imm32 by operand size */
	F_IMM16 = 1u << 3,    /* imm16 */
	F_REL8 = 1u << 4,     /* rel8, sign-extended */
	F_RELV = 1u << 5,     /* rel16/rel32 by operand size, sign-extended */
	F_FAR = 1u << 6,      /* offset16/32 in imm, selector in imm2 */
	F_MOFFS = 1u << 7,    /* offset16/32 by address size: a memory operand */
	F_BYTE = 1u << 8,     /* operand size is 8 bits */
	F_GROUP = 1u << 9,    /* ModR/M reg field selects from entry.group */
	F_PREFIX = 1u << 10,  /* a prefix byte */
	F_IMM8B = 1u << 11,   /* second immediate: imm8 into imm2 (ENTER) */
	F_MEMONLY = 1u << 12, /* mod=3 is #UD on 186+ (LEA, LES, BOUND...) */
	F_BRANCH = 1u << 13,  /* may change IP: ends a block when it does */
	F_ENDS = 1u << 14,    /* may change CS, IF/TF or raise events: ends a block */
	F_STRING = 1u << 15,  /* string instruction: ends a block when repeated */
};

/* insn.term: how the instruction ends a decoded block (block_cache.c). */
enum { TERM_NONE = 0, TERM_IF_JUMP = 1, TERM_ALWAYS = 2 };

struct insn;
typedef void (*op_fn)(struct cpu *c, const struct insn *i);

/* A handler, its threaded twin (see struct insn) and, for register-only
 * instructions whose flags are all that a dead-flag pass can drop, a
 * threaded twin that does not produce the arithmetic flags (nf, or NULL). */
struct op_pair {
	op_fn impl;
	op_fn thr;
	op_fn nf;
};

/* insn.fl: how the instruction touches the arithmetic flags, for the
 * dead-flag pass over recorded blocks (block_cache.c). Both kinds are
 * register-only: they cannot fault, branch or end a block. */
enum {
	FL_KILL = 1u << 0, /* writes all six without reading any */
	FL_PASS = 1u << 1, /* neither reads nor writes them */
};

struct op_entry {
	op_fn fn;
	const char *name;            /* mnemonic for disassembly */
	uint16_t form;               /* enum op_form bits */
	uint8_t model;               /* first enum cpu_model with this meaning */
	int16_t alt;                 /* op_table index of the 8086 meaning, or -1 */
	int16_t group;               /* F_GROUP: op_table index of member 0, or -1 */
};

/* op_table layout (optable.c): one-byte opcodes, 0F xx, alternatives, groups. */
enum { OPT_1 = 0, OPT_0F = 256, OPT_ALT = 512, OPT_GROUP = 1024, OPT_GROUPS = 20 };
enum { OPT_SIZE = OPT_GROUP + OPT_GROUPS * 8, OPT_UD = OPT_ALT + 0x1FF };

/* A decoded instruction. Handlers find everything here.
 * impl: the handler proper; c->ip points past the instruction when it runs.
 * fn:   the same behaviour in threaded form, used inside a decoded block
 *       (block_cache.c): it runs the instruction and then tail-calls the
 *       next one's fn (insn_chain()), unless the instruction ended the
 *       block. Hot handlers have threaded twins that do not maintain c->ip
 *       (they never read it); the others run through thread_generic(). */
struct insn {
	op_fn fn;
	op_fn impl;
	uint32_t disp;     /* memory displacement (or moffs) */
	uint32_t imm;      /* first immediate / relative displacement */
	uint32_t imm2;     /* far pointer selector, ENTER level */
	uint8_t op;        /* opcode byte (second byte for 0F xx) */
	uint8_t two_byte;  /* 1 for 0F xx */
	uint8_t modrm, mod, reg, rm;
	uint8_t base, index, scale; /* effective address registers, 8 = none */
	uint8_t seg;       /* segment of the memory operand */
	uint8_t seg_override; /* nonzero if a segment prefix was given */
	uint8_t osz;       /* operand size in bytes (1, 2, 4) */
	uint8_t wsz;       /* operand size of the word form: 2 or 4 */
	uint8_t asz;       /* address size: 2 or 4 */
	uint8_t rep;       /* 0, 0xF2 (REPNE) or 0xF3 (REP/REPE) */
	uint8_t lock;
	uint8_t term;      /* TERM_* */
	uint8_t fl;        /* FL_* */
	uint8_t charge;    /* in a recorded block: its index + 1 (instructions
			    * retired when the block ends after it) */
	uint16_t ip;       /* IP of the first byte (valid in recorded blocks) */
	uint32_t len;      /* bytes including prefixes (8086: any number of prefixes) */
	const struct op_entry *ent;
};

/* ---- registers ---- */

static inline uint8_t *reg8(struct cpu *c, unsigned r) { return &c->r[r & 3].b[r >> 2]; }
static inline uint16_t *reg16(struct cpu *c, unsigned r) { return &c->r[r].w[0]; }
static inline uint32_t *reg32(struct cpu *c, unsigned r) { return &c->r[r].d; }

/* Read/write a general register of size sz (1, 2, 4); r in ModR/M encoding. */
static inline __attribute__((always_inline)) uint32_t reg_get(struct cpu *c, unsigned r, unsigned sz)
{
	return sz == 1 ? *reg8(c, r) : sz == 2 ? *reg16(c, r) : *reg32(c, r);
}
static inline __attribute__((always_inline)) void reg_set(struct cpu *c, unsigned r, unsigned sz, uint32_t v)
{
	if (sz == 1)
		*reg8(c, r) = (uint8_t)v;
	else if (sz == 2)
		*reg16(c, r) = (uint16_t)v;
	else
		*reg32(c, r) = v;
}

static inline uint32_t size_mask(unsigned sz)
{
	return sz == 4 ? 0xFFFFFFFFu : (1u << (sz * 8)) - 1;
}

/* ---- faults and exits (cpu.c) ---- */

_Noreturn void cpu_fault(struct cpu *c, uint8_t vector);
/* Leave cpu_run() now with c->exit filled in; IP is reset to the start of the
 * current instruction (the instruction is not executed). */
_Noreturn void cpu_exit_now(struct cpu *c, enum cpu_exit reason);
/* Trap a sensitive instruction if its bit is in trap_mask. */
static inline void cpu_check_trap(struct cpu *c, uint32_t trap_bit)
{
	if (unlikely(c->trap_mask & trap_bit)) {
		c->exit.trap = trap_bit;
		cpu_exit_now(c, CPU_EXIT_TRAP);
	}
}
/* Software interrupt (INT n, INT3, INTO) and exception delivery. */
void cpu_do_int(struct cpu *c, uint8_t vector, uint32_t return_ip);
void cpu_do_softint(struct cpu *c, uint8_t vector);
void cpu_update_events(struct cpu *c);

/* ---- memory (memory.c: slow paths) ---- */

/* Make every cached block check its bytes again (memory map, A20). */
void cpu_invalidate_code(struct cpu *c);
uint8_t mem_slow_read8(struct cpu *c, uint32_t lin);
void mem_slow_write8(struct cpu *c, uint32_t lin, uint8_t v);

static inline uint8_t lin_read8(struct cpu *c, uint32_t lin)
{
	lin &= c->in.a20_mask;
	uint8_t *p = c->in.page_rd[(lin >> CPU_PAGE_SHIFT) & (CPU_PAGE_COUNT - 1)];
	if (likely(p && lin < CPU_PAGE_COUNT * CPU_PAGE_SIZE))
		return p[lin & (CPU_PAGE_SIZE - 1)];
	return mem_slow_read8(c, lin);
}

static inline void lin_write8(struct cpu *c, uint32_t lin, uint8_t v)
{
	lin &= c->in.a20_mask;
	unsigned page = (lin >> CPU_PAGE_SHIFT) & (CPU_PAGE_COUNT - 1);
	uint8_t *p = c->in.page_wr[page];
	if (likely(p && lin < CPU_PAGE_COUNT * CPU_PAGE_SIZE)) {
		p[lin & (CPU_PAGE_SIZE - 1)] = v;
		c->in.page_gen[page]++;
	} else {
		mem_slow_write8(c, lin, v);
	}
}

/* Host pointer for n bytes at lin if they sit in one mapped page, else NULL.
 * A write through the pointer must be counted (page_gen): use lin_wptr(). */
static inline uint8_t *lin_ptr(struct cpu *c, uint32_t lin, unsigned n, bool write)
{
	lin &= c->in.a20_mask;
	if ((lin & (CPU_PAGE_SIZE - 1)) > CPU_PAGE_SIZE - n || lin >= CPU_PAGE_COUNT * CPU_PAGE_SIZE)
		return NULL;
	uint8_t *p = (write ? c->in.page_wr : c->in.page_rd)[lin >> CPU_PAGE_SHIFT];
	return p ? p + (lin & (CPU_PAGE_SIZE - 1)) : NULL;
}

/* lin_ptr() for a write of n bytes: bumps the page's write generation,
 * which tells the block cache that code on the page may have changed. */
static inline uint8_t *lin_wptr(struct cpu *c, uint32_t lin, unsigned n)
{
	uint8_t *p = lin_ptr(c, lin, n, true);
	if (p)
		c->in.page_gen[(lin & c->in.a20_mask) >> CPU_PAGE_SHIFT]++;
	return p;
}

/* Segment-relative access. `off` is the effective address (already reduced
 * to the address size). A multi-byte access that runs past offset FFFFh wraps
 * inside the segment on the 8086/186 and faults on the 286+ (#GP, #SS for SS
 * on the 386: Intel 80386 PRM 14.1 real-mode exceptions; the 80286 test
 * vectors show #GP for both). */
_Noreturn void mem_limit_fault(struct cpu *c, unsigned seg);
uint32_t mem_read_wrap(struct cpu *c, unsigned seg, uint32_t off, unsigned n);
void mem_write_wrap(struct cpu *c, unsigned seg, uint32_t off, unsigned n, uint32_t v);

static inline __attribute__((always_inline)) uint8_t mem_read8(struct cpu *c, unsigned seg, uint32_t off)
{
	if (unlikely(off > 0xFFFF))
		mem_limit_fault(c, seg);
	return lin_read8(c, c->seg_base[seg] + off);
}

static inline __attribute__((always_inline)) void mem_write8(struct cpu *c, unsigned seg, uint32_t off, uint8_t v)
{
	if (unlikely(off > 0xFFFF))
		mem_limit_fault(c, seg);
	lin_write8(c, c->seg_base[seg] + off, v);
}

static inline __attribute__((always_inline)) uint16_t mem_read16(struct cpu *c, unsigned seg, uint32_t off)
{
	if (unlikely(off > 0xFFFE))
		return (uint16_t)mem_read_wrap(c, seg, off, 2);
	uint32_t lin = c->seg_base[seg] + off;
	uint8_t *p = lin_ptr(c, lin, 2, false);
	if (likely(p != NULL)) {
		uint16_t v;
		memcpy(&v, p, 2);
		return v;
	}
	return (uint16_t)(lin_read8(c, lin) | (lin_read8(c, lin + 1) << 8));
}

static inline __attribute__((always_inline)) void mem_write16(struct cpu *c, unsigned seg, uint32_t off, uint16_t v)
{
	if (unlikely(off > 0xFFFE)) {
		mem_write_wrap(c, seg, off, 2, v);
		return;
	}
	uint32_t lin = c->seg_base[seg] + off;
	uint8_t *p = lin_wptr(c, lin, 2);
	if (likely(p != NULL)) {
		memcpy(p, &v, 2);
		return;
	}
	lin_write8(c, lin, (uint8_t)v);
	lin_write8(c, lin + 1, (uint8_t)(v >> 8));
}

static inline __attribute__((always_inline)) uint32_t mem_read32(struct cpu *c, unsigned seg, uint32_t off)
{
	if (unlikely(off > 0xFFFC))
		return mem_read_wrap(c, seg, off, 4);
	uint32_t lin = c->seg_base[seg] + off;
	uint8_t *p = lin_ptr(c, lin, 4, false);
	if (likely(p != NULL)) {
		uint32_t v;
		memcpy(&v, p, 4);
		return v;
	}
	uint32_t v = 0;
	for (unsigned k = 0; k < 4; k++)
		v |= (uint32_t)lin_read8(c, lin + k) << (8 * k);
	return v;
}

static inline __attribute__((always_inline)) void mem_write32(struct cpu *c, unsigned seg, uint32_t off, uint32_t v)
{
	if (unlikely(off > 0xFFFC)) {
		mem_write_wrap(c, seg, off, 4, v);
		return;
	}
	uint32_t lin = c->seg_base[seg] + off;
	uint8_t *p = lin_wptr(c, lin, 4);
	if (likely(p != NULL)) {
		memcpy(p, &v, 4);
		return;
	}
	for (unsigned k = 0; k < 4; k++)
		lin_write8(c, lin + k, (uint8_t)(v >> (8 * k)));
}

static inline __attribute__((always_inline)) uint32_t mem_read(struct cpu *c, unsigned seg, uint32_t off, unsigned sz)
{
	return sz == 1 ? mem_read8(c, seg, off) : sz == 2 ? mem_read16(c, seg, off) : mem_read32(c, seg, off);
}

static inline __attribute__((always_inline)) void mem_write(struct cpu *c, unsigned seg, uint32_t off, unsigned sz, uint32_t v)
{
	if (sz == 1)
		mem_write8(c, seg, off, (uint8_t)v);
	else if (sz == 2)
		mem_write16(c, seg, off, (uint16_t)v);
	else
		mem_write32(c, seg, off, v);
}

/* ---- operands ---- */

/* Effective address of the ModR/M memory operand. 16-bit addressing reads
 * the 16-bit registers only: a 32-bit load of BX just after a 16-bit store
 * to it cannot be forwarded from that store and stalls the host. */
static inline uint32_t insn_ea(const struct cpu *c, const struct insn *i)
{
	if (i->asz == 2)
		return (uint16_t)(c->r[i->base].w[0] + c->r[i->index].w[0] + i->disp);
	return c->r[i->base].d + (c->r[i->index].d << i->scale) + i->disp;
}

/* r/m operand of size sz. */
static inline __attribute__((always_inline)) uint32_t rm_read(struct cpu *c, const struct insn *i, unsigned sz)
{
	if (i->mod == 3)
		return reg_get(c, i->rm, sz);
	return mem_read(c, i->seg, insn_ea(c, i), sz);
}

static inline __attribute__((always_inline)) void rm_write(struct cpu *c, const struct insn *i, unsigned sz, uint32_t v)
{
	if (i->mod == 3)
		reg_set(c, i->rm, sz, v);
	else
		mem_write(c, i->seg, insn_ea(c, i), sz, v);
}

/* ---- stack (real mode: SS is a 16-bit stack, SP wraps at 64 KiB) ---- */

static inline void push16(struct cpu *c, uint16_t v)
{
	uint16_t sp = (uint16_t)(c->r[REG_SP].w[0] - 2);
	mem_write16(c, SEG_SS, sp, v);
	c->r[REG_SP].w[0] = sp;
}

static inline void push32(struct cpu *c, uint32_t v)
{
	uint16_t sp = (uint16_t)(c->r[REG_SP].w[0] - 4);
	mem_write32(c, SEG_SS, sp, v);
	c->r[REG_SP].w[0] = sp;
}

static inline void push_sz(struct cpu *c, unsigned sz, uint32_t v)
{
	if (sz == 4)
		push32(c, v);
	else
		push16(c, (uint16_t)v);
}

static inline uint16_t pop16(struct cpu *c)
{
	uint16_t v = mem_read16(c, SEG_SS, c->r[REG_SP].w[0]);
	c->r[REG_SP].w[0] += 2;
	return v;
}

static inline uint32_t pop32(struct cpu *c)
{
	uint32_t v = mem_read32(c, SEG_SS, c->r[REG_SP].w[0]);
	c->r[REG_SP].w[0] += 4;
	return v;
}

static inline uint32_t pop_sz(struct cpu *c, unsigned sz)
{
	return sz == 4 ? pop32(c) : pop16(c);
}

/* ---- control ---- */

static inline uint32_t ip_mask(const struct insn *i) { return i->wsz == 4 ? 0xFFFFFFFFu : 0xFFFF; }

/* Jump to a new IP. Real mode: an IP past the 64 KiB CS limit faults on the
 * 386 (Intel 80386 PRM 14.1); the 286 and earlier wrap. */
static inline void jump_to(struct cpu *c, uint32_t ip)
{
	if (unlikely(ip > 0xFFFF)) {
		if (c->model >= CPU_80386)
			cpu_fault(c, EXC_GP);
		ip &= 0xFFFF;
	}
	c->ip = ip;
}

static inline void seg_load(struct cpu *c, unsigned s, uint16_t v)
{
	c->seg[s] = v;
	c->seg_base[s] = (uint32_t)v << 4;
}

uint32_t cpu_flags_read(const struct cpu *c);
void cpu_flags_write(struct cpu *c, uint32_t f, unsigned sz);

/* Decoder (decode.c) and tables (optable.c). */
void cpu_decode(struct cpu *c, struct insn *i);
/* Sets i->impl (a specialised handler if one exists) and i->fn. */
void cpu_specialize(const struct cpu *c, struct insn *i, op_fn generic);
/* The threaded twin of i that skips its arithmetic flags, or NULL (none, or
 * i->fn is no longer the plain threaded twin). */
op_fn cpu_noflags_twin(const struct cpu *c, struct insn *i);
void thread_generic(struct cpu *c, const struct insn *i);
void thread_plain(struct cpu *c, const struct insn *i);
void bc_link(struct cpu *c);
/* Fuse a compare with the Jcc after it in a recorded block (ops_fused.c). */
void cpu_fuse(struct insn *first, const struct insn *jcc);

/* Continue a decoded block with the instruction after i (a tail call).
 * Nothing is recorded here: a threaded handler that can fault or end the
 * block sets c->in.cur = i itself first (insn_current()); handlers on
 * registers only cannot fault and skip it. insn_sp is saved by
 * thread_generic()/thread_plain() for the handlers that may fault after
 * changing SP; the twins never do, and a fault in one takes SP as it is
 * (cpu.c sync_threaded()). */
static inline void insn_chain(struct cpu *c, const struct insn *i)
{
	const struct insn *n = i + 1;
	n->fn(c, n);
}

/* Record i as the running instruction of a threaded block (see above). */
static inline void insn_current(struct cpu *c, const struct insn *i)
{
	c->in.cur = i;
}
extern const struct op_entry op_table[OPT_SIZE];

/* Trace (trace.c): print one line for the instruction about to execute. */
void trace_insn(struct cpu *c, const struct insn *i);

#endif
