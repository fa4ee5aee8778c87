/*
 * diff.h - shared definitions of cpu-diff, the differential tester that runs
 * random 80386 real-mode instruction sequences on both Unicorn (QEMU's CPU)
 * and the mvdm core, one instruction at a time, and compares the states.
 *
 * Pieces (one purpose per file):
 *   gen.c        random number generator, operand encoder, sequence assembly
 *   templates.c  the instruction templates (what is generated, and which
 *                results the Intel manuals leave undefined)
 *   uni.c        the Unicorn side
 *   mvdm.c       the mvdm side
 *   compare.c    state comparison and mismatch reports
 *   main.c       command line, the run loop, statistics
 */
#ifndef MVDM_TESTS_DIFF_H
#define MVDM_TESTS_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* 1 MiB + 64 KiB: everything FFFF:FFFF reaches with A20 enabled. */
#define DIFF_RAM_SIZE 0x110000u

#define DIFF_MAX_CODE 4096u
#define DIFF_MAX_INSNS 512u
#define DIFF_MAX_GROUPS 128u

/* FLAGS bits (own copies so the generator does not depend on the core). */
enum {
	F_CF = 1u << 0,
	F_PF = 1u << 2,
	F_AF = 1u << 4,
	F_ZF = 1u << 6,
	F_SF = 1u << 7,
	F_TF = 1u << 8,
	F_IF = 1u << 9,
	F_DF = 1u << 10,
	F_OF = 1u << 11,
	F_ARITH = F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF,
};
/* EFLAGS bits compared: 0-17 (an 80386 has nothing above VM; AC is 486). */
#define DIFF_FLAGS_COMPARED 0x0003FFFFu

/* Register and segment indexes (ModR/M order, as struct cpu). */
enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };
enum { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS, S_COUNT };

/* The architectural state that is compared. */
struct xstate {
	uint32_t r[8];
	uint32_t eip;
	uint16_t seg[S_COUNT];
	uint32_t eflags;
	uint32_t cr0;
	/* The x87 (compared in the fpu mode): physical registers, CW, SW
	 * (with TOP), and which registers are empty (bit per register). */
	uint64_t fm[8];
	uint16_t fse[8];
	uint16_t fcw, fsw;
	uint8_t fempty;
};

/*
 * Modes (--mode). Every sequence starts in real mode; the other modes
 * begin with a set-up prologue both sides run: LGDT, CR0.PE (and paging),
 * a far jump and segment loads -- and for V86 an IRETD with VM set -- so
 * that the instructions after it run in that mode with the same linear
 * addresses as in real mode (every descriptor's base is the real-mode
 * segment's paragraph * 16, limit FFFFh):
 *   real    real mode, 16-bit code
 *   pm16    protected mode, CPL 0, 16-bit code and stack
 *   pm32    protected mode, CPL 0, 32-bit code and stack
 *   paging  pm32 with paging: the data area's pages shuffled
 *   v86     virtual-8086 mode with IOPL 3
 *   fpu     real mode, x87 instructions only (templates_x87.c), after a
 *           prologue of FNINIT, FLDCW and loads of random values; the x87
 *           registers, TOP, CW, C0 C2 C3 and the empty registers are
 *           compared (templates_x87.c says what Unicorn's x87 gets wrong
 *           and is therefore left out)
 */
enum diff_mode { MODE_REAL = 0, MODE_PM16, MODE_PM32, MODE_PAGING, MODE_V86, MODE_FPU, MODE_COUNT };
extern const char *const diff_mode_names[MODE_COUNT];

/* The system area (GDT, V86 set-up stack, page tables) of the protected
 * modes, at a linear (= physical) address no code or data reaches: code
 * stays below it (its CS below 0800h in these modes), data segments start
 * at 20000h. */
#define DIFF_SYS_BASE 0x18000u
#define DIFF_SYS_SIZE 0x8000u
enum {
	SYS_GDTR = 0x0000,
	SYS_GDT = 0x0100,        /* null, code, SS, DS, ES, FS, GS, flat, then the pool */
	SYS_V86_STACK = 0x1000,
	SYS_PD = 0x2000,
	SYS_PT = 0x3000,         /* one table: 0-4 MiB */
	DIFF_POOL = 16,          /* data descriptors templates may load (safe_seg()) */
	SEL_CODE = 0x08, SEL_FLAT = 0x38, SEL_POOL = 0x40,
};

/* What an instruction leaves undefined beyond its flags (struct insn.special). */
enum special {
	SPECIAL_NONE = 0,
	/* PUSH of a segment register with 32-bit operand size: the upper word of
	 * the stack slot is written as zero by some processors and left alone by
	 * others (Intel SDM vol. 2, PUSH). */
	SPECIAL_PUSH32_SREG,
	/* PUSHFD in V86 mode: Intel clears VM and RF in the image (SDM vol. 2,
	 * PUSHF); Unicorn 2.0.1 stores VM set. The image's byte 2 is left
	 * uncompared (mvdm stores it as the manual says). */
	SPECIAL_PUSHFD_V86,
};

/* One instruction of a sequence. */
struct insn {
	uint16_t off;          /* offset in seq.code */
	uint8_t len;
	uint16_t tmpl;         /* template index; TMPL_SETUP for set-up code */
	uint32_t undef_flags;  /* FLAGS bits undefined after it */
	int8_t undef_reg;      /* register with undefined bits after it, or -1 */
	uint32_t undef_reg_mask;
	uint8_t special;       /* enum special */
	int8_t mem_seg;        /* its explicit memory operand (for reports): segment or -1 */
	uint8_t mem_width;
	uint16_t mem_ea;
	char note[64];         /* what the template meant to generate */
};

struct seq {
	uint8_t code[DIFF_MAX_CODE];
	unsigned len;
	struct insn insn[DIFF_MAX_INSNS];
	unsigned n_insn;
	struct xstate init;    /* code runs from init.seg[S_CS]:init.eip */
	enum diff_mode mode;
	uint8_t sys[DIFF_SYS_SIZE]; /* the system area's contents (not real mode) */
};

/* The base of segment register `seg` in state st (real and V86 mode: its
 * value * 16; protected mode: from the sequence's GDT), whether the stack
 * is 32-bit, and a linear address as physical (the sequence's page
 * tables when paging is on). */
uint32_t diff_seg_base(const struct seq *s, const struct xstate *st, int seg);
bool diff_stack32(const struct seq *s, const struct xstate *st);
uint32_t diff_phys(const struct seq *s, const struct xstate *st, uint32_t lin);

/* ---- gen.c ---- */
struct rng {
	uint64_t s;
};
void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
uint32_t rng_u32(struct rng *r);
uint32_t rng_below(struct rng *r, uint32_t n);     /* [0, n) */
uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi); /* [lo, hi] */
/* A random value of `bits` bits, biased towards boundary values. */
uint32_t rng_value(struct rng *r, unsigned bits);

/* Build sequence number `index` of a run with `seed`: `groups` template
 * instances (template `only` when >= 0, else all weighted). defined_only
 * (block mode) follows every instruction that leaves something undefined
 * with set-up code that defines it again. Returns 0, or -1 when the
 * generator ran out of room (a harness bug). */
int gen_sequence(struct seq *s, uint64_t seed, uint64_t index, unsigned groups, int only,
		 bool defined_only, enum diff_mode mode);

/* ---- templates.c ---- */
#define TMPL_SETUP 0
struct gen;
struct tmpl {
	const char *name;
	unsigned weight;
	void (*emit)(struct gen *g);
};
extern const struct tmpl diff_templates[];
extern const unsigned diff_template_count;
int tmpl_find(const char *name);

/* ---- uni.c ---- */
struct uni;
struct uni *uni_open(uint8_t *ram, char *err, size_t errlen);
void uni_close(struct uni *u);
/* Load a state and the code range about to be run. */
int uni_load(struct uni *u, const struct xstate *st, uint32_t code_lin, uint32_t code_len);
/* Run one instruction: stop at the first of `exits` (linear addresses of every
 * instruction boundary of the sequence) other than the current one, at
 * linear address cur_lin. Returns 0, or -1 with a message in err. */
int uni_step(struct uni *u, const uint64_t *exits, size_t n_exits, uint64_t cur_lin, char *err, size_t errlen);
void uni_read(struct uni *u, struct xstate *st);

/* ---- mvdm.c ---- */
struct mv;
struct mv *mv_open(uint8_t *ram);
void mv_close(struct mv *m);
/* Attach a 387 to the CPU of the next loads (the fpu mode). */
void mv_set_fpu(struct mv *m, bool on);
int mv_load(struct mv *m, const struct xstate *st);
int mv_step(struct mv *m, char *err, size_t errlen);
/* Block mode: set the state again keeping the core's caches (no cpu_init),
 * and run with a large budget until the invalid opcode placed at end_ip. */
int mv_reload(struct mv *m, const struct xstate *st);
int mv_run_to(struct mv *m, uint32_t end_ip, uint64_t budget, char *err, size_t errlen);
void mv_read(struct mv *m, struct xstate *st);
/* Overwrite state bits the manual leaves undefined with Unicorn's, so that a
 * difference in them does not propagate. */
void mv_sync_reg(struct mv *m, int reg, uint32_t value);
/* The harness wrote guest memory directly (cpu_mem_written()). */
void mv_sync_mem(struct mv *m, uint32_t linear, uint32_t size);
void mv_sync_flags(struct mv *m, uint32_t eflags);
/* Check every segment register's base against the sequence's view. */
int mv_check_bases(struct mv *m, const struct seq *s, char *err, size_t errlen);
int mv_disasm(struct mv *m, uint16_t seg, uint32_t off, char *buf, size_t len);

/* ---- compare.c ---- */
struct mismatch {
	char what[512];        /* "EAX ECX FLAGS(CF) mem@12345" summary */
};
/* Compare the states after instruction `in`, and the whole memory images
 * when full_mem (as linear images: mram through the page tables in the
 * paging mode, main.c). Returns true when equal (after masking what `in`
 * leaves undefined). */
bool compare_step(const struct seq *s, const struct insn *in, const struct xstate *u, const struct xstate *m,
		  const uint8_t *uram, const uint8_t *mram, bool full_mem,
		  struct mismatch *out);
/* Linear range [*addr, *addr + *len) the instruction leaves undefined in
 * memory (after it), or false. */
bool undef_mem_range(const struct seq *s, const struct insn *in, const struct xstate *after,
		     uint32_t *addr, uint32_t *len);
void print_state(FILE *f, const char *label, const struct xstate *s);
void print_state_diff(FILE *f, const struct xstate *u, const struct xstate *m, uint32_t flag_mask);

#endif
