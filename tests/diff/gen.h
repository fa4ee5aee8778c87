/*
 * gen.h - the generator's internal interface: instruction byte builder,
 * operand selection with set-up code that makes every memory access land
 * safely, and emission into a struct seq. Used by gen.c and templates.c.
 *
 * Safety rules every template follows (so neither side can fault and the
 * state stays comparable; Unicorn does not check real-mode segment limits,
 * an 80386 does, so a limit violation would be a false difference):
 *  - data segments (DS ES FS GS SS and anything loaded into them) are in
 *    [0x2000, 0xFFFF], code runs below linear 0x20000: data accesses never
 *    touch the code;
 *  - every memory operand's offset is solved for by set-up instructions
 *    (MOV reg, imm32 / MOV [seg:disp16], imm) emitted right before it in the
 *    same group, and the access lies within the segment (its last byte at
 *    offset 0xFFFF at most: often exactly there);
 *  - SP stays in [0x0800, 0xF800]: templates never write ESP except with a
 *    value from safe_sp();
 *  - jumps only go forward, to the start of a later group.
 */
#ifndef MVDM_TESTS_DIFF_GEN_H
#define MVDM_TESTS_DIFF_GEN_H

#include "diff.h"

struct ib {
	uint8_t b[32];
	unsigned n;
};

/* A memory operand. */
struct mem {
	bool a32;
	int seg;          /* segment used (default or override) */
	uint8_t ovr;      /* override prefix byte, 0 = none */
	uint8_t mod, rm;  /* ModR/M fields (reg is the caller's) */
	bool has_sib;
	uint8_t sib;
	uint8_t dsize;    /* displacement bytes: 0, 1, 2 or 4 */
	uint32_t disp;
	uint16_t ea;      /* the offset it resolves to */
	uint8_t regs;     /* registers the address uses (bit per index) */
};

/* A register or memory operand. */
struct opnd {
	bool is_mem;
	uint8_t reg;      /* ModR/M register number (for 8-bit: AL CL DL BL AH CH DH BH) */
	struct mem m;
};

/* gen_mem flags */
enum {
	MEM_WRITE = 1u << 0,   /* written: no CS override */
	MEM_NO_ESP = 1u << 1,  /* no ESP base (POP r/m computes it after the pop) */
	MEM_LEA = 1u << 2,     /* never accessed: random registers, no set-up */
	MEM_NO_OVR = 1u << 3,  /* no segment override */
	MEM_A16 = 1u << 4,     /* force 16-bit addressing */
	MEM_A32 = 1u << 5,     /* force 32-bit addressing */
};

struct jfix {
	unsigned insn;       /* index of the jump in seq.insn */
	unsigned disp_at;    /* offset of its displacement in seq.code */
	unsigned disp_size;  /* 1, 2 or 4 */
	unsigned group;      /* group it belongs to */
	unsigned skip;       /* groups to jump over */
};

struct gen {
	struct rng rng;
	struct seq *s;
	unsigned tmpl;
	unsigned group;
	unsigned group_off[DIFF_MAX_GROUPS + 1];
	struct jfix jfix[DIFF_MAX_GROUPS];
	unsigned njfix;
	bool overflow;
	struct mem last_mem;   /* the last operand from gen_mem/gen_moffs, for */
	unsigned last_width;   /* the next non-set-up instruction's record */
	bool has_last_mem;
	enum diff_mode mode;
	bool code32;           /* the code segment's default size is 32 bits */
	bool stack32;          /* SS.B: ESP's upper half must stay zero */
	bool pm;               /* segment values are selectors from the pool */
	unsigned fdepth;       /* fpu mode: registers on the x87 stack */
	uint16_t fcw;          /* fpu mode: the control word in effect */
};

/* The fpu mode's prologue and templates (templates_x87.c). */
void x87_prologue(struct gen *g);
void t_x87_load(struct gen *g);
void t_x87_store(struct gen *g);
void t_x87_arith_mem(struct gen *g);
void t_x87_arith_reg(struct gen *g);
void t_x87_compare(struct gen *g);
void t_x87_unary(struct gen *g);
void t_x87_control(struct gen *g);

/* Byte builder. */
void ib_put8(struct ib *ib, uint32_t v);
void ib_put16(struct ib *ib, uint32_t v);
void ib_put32(struct ib *ib, uint32_t v);
void ib_putn(struct ib *ib, uint32_t v, unsigned size);
/* Operand-size (66h when o32), address-size (67h when the memory operand is
 * 32-bit) and segment override prefixes, in random order. o may be NULL. */
void ib_prefixes(struct gen *g, struct ib *ib, bool o32, const struct opnd *o);
/* 66h (67h) when the operand (address) size the instruction wants is not
 * the code segment's default. */
void ib_o32(struct gen *g, struct ib *ib, bool o32);
void ib_a32(struct gen *g, struct ib *ib, bool a32);
void ib_modrm(struct ib *ib, unsigned reg, const struct opnd *o);

/* Emit an instruction of the current template; returns its record so the
 * template can mark undefined results. */
struct insn *emit(struct gen *g, const struct ib *ib, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Register a forward jump whose displacement is the last `disp_size` bytes of
 * the instruction just emitted. */
void add_jump(struct gen *g, unsigned disp_size, unsigned skip);

/* Set-up code (template "setup"). */
void setup_reg32(struct gen *g, unsigned reg, uint32_t value);
void setup_reg8(struct gen *g, unsigned reg8, uint8_t value);
void setup_store(struct gen *g, int seg, uint16_t ea, uint32_t value, unsigned size);
void setup_df(struct gen *g, bool df);
/* Any other set-up instruction. */
struct insn *emit_setup(struct gen *g, const struct ib *ib, const char *note);

/* Operand choice. `avoid` is a mask of 32-bit register indexes. */
uint8_t pick_dst_reg(struct gen *g, unsigned width, uint8_t avoid);
uint8_t pick_src_reg(struct gen *g, unsigned width, uint8_t avoid);
/* Fill m with an address in [lo, hi] (hi <= 0x10000 - bytes accessed),
 * emitting set-up. */
void gen_mem(struct gen *g, struct mem *m, unsigned width, unsigned flags,
	     uint8_t avoid, uint16_t lo, uint16_t hi);
/* A direct offset (MOV AL/AX/EAX <-> moffs): displacement only. */
void gen_moffs(struct gen *g, struct mem *m, unsigned width, unsigned flags);
/* Register (when reg_ok, half the time) or memory operand of `width` bytes. */
void gen_rm(struct gen *g, struct opnd *o, unsigned width, bool is_dst, bool reg_ok,
	    unsigned flags, uint8_t avoid);
/* The 32-bit register index an operand register number names. */
static inline unsigned reg_index(unsigned reg, unsigned width)
{
	return width == 1 ? (reg & 3) : reg;
}
static inline uint8_t reg_bit(unsigned reg, unsigned width)
{
	return (uint8_t)(1u << reg_index(reg, width));
}

uint16_t safe_seg(struct gen *g);
uint16_t safe_sp(struct gen *g);
/* Random upper bits for ESP/EBP: none with a 32-bit stack. */
uint32_t hi_rand_sp(struct gen *g);
uint8_t seg_prefix(int seg);

bool coin(struct gen *g);

/* Names for notes. */
const char *reg_name(unsigned reg, unsigned width);
void opnd_text(char *buf, size_t len, const struct opnd *o, unsigned width);

#endif
