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

/* Exception vectors (Intel 80386 PRM 9.8; #AC: i486 PRM 9.8.17). */
enum {
	EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5, EXC_UD = 6,
	EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11, EXC_SS = 12, EXC_GP = 13,
	EXC_PF = 14, EXC_MF = 16, EXC_AC = 17,
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
	/* With F_ENDS: the block ends, but goes on through bc_link() (which
	 * takes the new CS:IP, the block context and the events as they are
	 * after the instruction) instead of returning to bc_run(). For the
	 * far transfers and segment loads that real programs run millions of
	 * times; not for instructions after which the host must look (I/O,
	 * INT, HLT, IRET and the flag and system instructions). */
	F_LINKS = 1u << 16,
	/* Always leaves the instruction stream (JMP, CALL, RET, far
	 * transfers, IRET, INT n, INT3): the prefetch queue is emptied, and
	 * a block ending with one never runs on into the bytes after it
	 * (prefetch.c). */
	F_JUMPS = 1u << 17,
};

/* insn.term: how the instruction ends a decoded block (block_cache.c). */
/* TERM_LINK (F_LINKS): ends it like TERM_ALWAYS, then links on. */
enum { TERM_NONE = 0, TERM_IF_JUMP = 1, TERM_ALWAYS = 2, TERM_LINK = 3 };

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
	/* Not about flags: i->fn saves insn_sp before it runs the handler, as
	 * thread_plain()/thread_generic() do (a twin of cpu_handler_twin()),
	 * so a fault takes SP from there (cpu.c sync_threaded()). */
	FL_SP_SAVED = 1u << 2,
};

/* The arithmetic flags an entry may read or write (opcodes.def). */
enum op_flags {
	OFL_NONE = 0,
	OFL_C = 1u << 0,
	OFL_P = 1u << 1,
	OFL_A = 1u << 2,
	OFL_Z = 1u << 3,
	OFL_S = 1u << 4,
	OFL_O = 1u << 5,
	OFL_ALL = 0x3F,
};

/* The family of specialised handlers an entry may get (opcodes.def,
 * specialize.c): one per generic handler that has them. */
enum op_spec {
	SP_NONE = 0,
	SP_ALU_RM_R,    /* ALU r/m, r */
	SP_ALU_R_RM,    /* ALU r, r/m */
	SP_ALU_RM_IMM,  /* group 1: ALU r/m, imm (the operation in reg) */
	SP_ALU_ACC_IMM, /* ALU AL/eAX, imm */
	SP_INC_REG,
	SP_DEC_REG,
	SP_INC_RM,
	SP_DEC_RM,
	SP_JCC,
	SP_MOV_RM_R,
	SP_MOV_R_RM,
	SP_MOV_REG_IMM,
	SP_SHIFT,       /* group 2: rotates and shifts (the operation in reg) */
	SP_PUSH_REG,
	SP_POP_REG,
	SP_CALL_REL,
	SP_MOVS,        /* the five string instructions, in this order */
	SP_CMPS,
	SP_STOS,
	SP_LODS,
	SP_SCAS,
	SP_JMP_REL,
	SP_RET,
	SP_LOOP,
	SP_MOV_MOFFS,   /* MOV AL/AX/EAX to or from moffs */
	SP_MOV_RM_IMM,  /* MOV r/m, imm */
};

struct op_entry {
	op_fn fn;
	const char *name;            /* mnemonic for disassembly */
	uint32_t form;               /* enum op_form bits */
	uint8_t model;               /* first enum cpu_model with this meaning */
	uint8_t reads;               /* enum op_flags it may read */
	uint8_t writes;              /* enum op_flags it may write */
	uint8_t spec;                /* enum op_spec */
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
	uint32_t ip;       /* EIP of the first byte (valid in recorded blocks) */
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

/* ---- faults and exits (cpu.c, interrupt.c) ---- */

/* Raise exception `vector` for the current instruction: longjmps back to
 * cpu_run(), which restores EIP and ESP to the instruction's start and
 * delivers it. Vectors 8, 10-14 and 17 push `err` in protected mode
 * (cpu_fault: error code 0). */
_Noreturn void cpu_fault(struct cpu *c, uint8_t vector);
_Noreturn void cpu_fault_err(struct cpu *c, uint8_t vector, uint32_t err);
/* #PF for linear address lin (CR2) with error code err (Intel 80386 PRM 9.8.14). */
_Noreturn void cpu_page_fault(struct cpu *c, uint32_t lin, uint32_t err);
/* Leave cpu_run() now with c->exit filled in; IP is reset to the start of the
 * current instruction (the instruction is not executed). */
_Noreturn void cpu_exit_now(struct cpu *c, enum cpu_exit reason);
/* Trap a sensitive instruction if its bit is in trap_mask (real mode only). */
static inline void cpu_check_trap(struct cpu *c, uint32_t trap_bit)
{
	if (unlikely(c->trap_mask & trap_bit) && !(c->in.cr0 & CR0_PE)) {
		c->exit.trap = trap_bit;
		cpu_exit_now(c, CPU_EXIT_TRAP);
	}
}

/* What is being delivered (interrupt.c). Software interrupts (INT n, INT3,
 * INTO) check the gate's DPL; external ones set EXT in error codes. */
enum deliver_kind { DELIVER_SOFT, DELIVER_EXT, DELIVER_EXC };

/* Deliver an interrupt or exception through the IVT (real mode) or IDT
 * (protected and V86 mode); return_ip is the EIP pushed. has_err/err: an
 * error code to push (protected mode only). */
void cpu_deliver(struct cpu *c, uint8_t vector, enum deliver_kind kind, uint32_t return_ip, bool has_err,
		 uint32_t err);
/* A stack being built before it becomes SS:ESP (inner-privilege calls and
 * interrupts, interrupt.c): pushes check its limit (#SS(err)) and write
 * with supervisor rights; esp is the whole ESP (SS.B decides which part
 * moves). */
struct new_stack {
	struct cpu_desc d;
	uint32_t esp;
	uint32_t err;   /* error code of a fault on it */
};
void new_stack_push(struct cpu *c, struct new_stack *ns, unsigned sz, uint32_t v);
/* The TSS's stack for privilege level dpl, checked (#TS/#SS with EXT =
 * ext); *ss_sel gets its selector. */
void tss_inner_stack(struct cpu *c, unsigned dpl, struct new_stack *ns, uint16_t *ss_sel, uint32_t ext);
/* Software interrupt (INT n, INT3, INTO): the real-mode trap, the V86
 * IOPL check, then cpu_deliver(). */
void cpu_do_softint(struct cpu *c, uint8_t vector);
void cpu_update_events(struct cpu *c);
/* Exception classes for double faults (Intel 80386 PRM 9.8.8). */
bool cpu_exc_has_error(uint8_t vector);

/* ---- the prefetch queue (prefetch.c) ---- */

/* The queue's length for c's model with the model on (cpu_set_prefetch()). */
unsigned pq_length(const struct cpu *c);
void pq_note_write_slow(struct cpu *c, uint32_t lin, unsigned n, const uint8_t *h);
/* n bytes at linear lin, now h[0..n-1] in one page, are about to be
 * written by the current instruction (a write that touches translated
 * bytes, or any write to a page holding code through lin_ptr()): those the
 * queue holds already keep their value for execution (the block running
 * ends after this instruction). Nothing with the model off. */
static inline void pq_note_write(struct cpu *c, uint32_t lin, unsigned n, const uint8_t *h)
{
	if (unlikely(c->in.pq.len))
		pq_note_write_slow(c, lin, n, h);
}
/* The queue is emptied (a jump, an interrupt or exception, or the host
 * moved CS:IP). */
void pq_flush(struct cpu *c);
/* Execute one instruction as the queue holds it, outside the block cache
 * (the uncached and step-by-step paths, and while the queue holds old
 * bytes). */
void pq_execute(struct cpu *c);
/* The bytes after the instruction at CS offsets [start, next) that its
 * queue holds, as they are before it runs (n 0 with the model off). */
struct pq_snap {
	uint32_t start, next, cs;
	unsigned n;
	uint8_t b[32];
};
void pq_snap(struct cpu *c, uint32_t start, uint32_t next, struct pq_snap *s);
/* The instruction of s ran: the bytes of s that it changed are old bytes
 * in the queue. */
void pq_seen_slow(struct cpu *c, const struct pq_snap *s);
static inline void pq_seen(struct cpu *c, const struct pq_snap *s)
{
	if (unlikely(s->n))
		pq_seen_slow(c, s);
}
/* May a block ending with i go on to the bytes after it without the
 * queue emptied? (Not after a jump, call, return or INT.) */
static inline bool pq_falls_through(const struct insn *i)
{
	return !(i->ent->form & F_JUMPS);
}
/* The queue took old bytes while block b was running: end b after the
 * current instruction (block_cache.c; b is dropped, so that it is not
 * ended there again). */
void bc_stop_running(struct cpu *c);

/* ---- physical memory, TLB, paging (phys.c, tlb.c, paging.c) ---- */

#define TLB_NONE 1u  /* an rd/wr tag that matches no page */

/* Drop every cached block (the host may have rewritten memory). */
void cpu_invalidate_code(struct cpu *c);
/* n bytes at physical pa, all in one page, were written (or the page was
 * remapped): drop the blocks decoded from them (block_cache.c). Cheap when
 * the page holds no code. */
void bc_code_write(struct cpu *c, uint32_t pa, uint32_t n);
/* Other memory now at the page of pa (cpu_map_ram()): its blocks go, and
 * its parked blocks too (block_cache.h bc_park), never to be revived. */
void bc_code_remap(struct cpu *c, uint32_t pa);
/* Drop every TLB entry (mappings or permissions changed), or the one of
 * lin (INVLPG); they bump the mapping epochs for the block cache (tlb.c):
 * tlb_flush() both (the A20 gate, the physical map), tlb_flush_paging()
 * and tlb_flush_page() the one with paging (CR3, CR0.PG/PE/WP, INVLPG). */
void tlb_flush(struct cpu *c);
void tlb_flush_paging(struct cpu *c);
void tlb_flush_page(struct cpu *c, uint32_t lin);
/* Paging was just turned off (CR0 was old): tlb_flush_paging() but for
 * what cpu_resume_paging() may take up again (tlb.c). */
void tlb_pause_paging(struct cpu *c, uint32_t old);
/* Paging was just turned on again (CR0 was old) by cpu_resume_paging():
 * true when the kept epoch was taken up again (the TLB emptied, the
 * system translation cache kept), false
 * when it may not be (the caller flushes as usual). */
bool tlb_resume_paging(struct cpu *c, uint32_t old);
/* CPL, CR0.AM or EFLAGS.AC changed: recompute what depends on them
 * (block-cache mode bits, alignment checking, a TLB with supervisor-only
 * entries when entering user mode). */
void cpu_priv_changed(struct cpu *c);
/* The physical page's host pointer for reads/writes (NULL: the bus), and
 * the block cache's record of it (NULL if no page of its chunk is mapped;
 * *slot is NULL while no block was decoded from it). */
static inline uint8_t *phys_host(const struct cpu *c, uint32_t phys, bool write)
{
	const struct cpu_pmap *m = &c->in.pmap[phys >> CPU_PCHUNK_SHIFT];
	if (m->uniform)
		return write && !m->uniform_writable ? NULL : m->uniform + (phys & ((1u << CPU_PCHUNK_SHIFT) - 1));
	if (!m->chunk)
		return NULL;
	const struct cpu_ppage *pg = &m->chunk->page[(phys >> CPU_PAGE_SHIFT) & ((1u << (CPU_PCHUNK_SHIFT - CPU_PAGE_SHIFT)) - 1)];
	uint8_t *h = write ? pg->wr : pg->rd;
	return h ? h + (phys & (CPU_PAGE_SIZE - 1)) : NULL;
}
struct bc_page **phys_code_slot(const struct cpu *c, uint32_t phys);

/* Translate lin for an access (paging.c). user: with user-mode rights
 * (CPL 3 and not a system access). fault: raise #PF, else return -1.
 * set_bits: update accessed/dirty bits. Returns 0, the physical address
 * (A20 applied) and, if rights is not NULL, the PAGE_* rights the page
 * gives, with PAGE_ACCESSED when both entries' accessed bits are set and
 * PAGE_DIRTY when the table entry's dirty bit is (after the walk). */
enum { PAGE_USER_READ = 1, PAGE_USER_WRITE = 2, PAGE_SUPER_WRITE = 4, PAGE_ACCESSED = 8, PAGE_DIRTY = 16 };
int paging_translate(struct cpu *c, uint32_t lin, bool write, bool user, bool fault, bool set_bits,
		     uint32_t *phys, unsigned *rights);
/* Translate lin for an access with the current privilege and fill its TLB
 * entry when the page may go on the fast path (tlb.c). Returns 0 with the
 * physical address and the host address of lin (NULL: the bus), or -1 when
 * the access would fault and fault is false (with fault set it raises #PF).
 * user: user-mode rights (CPL 3) or supervisor rights (system accesses). */
int tlb_fill(struct cpu *c, uint32_t lin, bool write, bool user, bool fault, uint32_t *phys, uint8_t **host);
/* Drop every entry without touching the mapping epoch (rights changed). */
void tlb_drop(struct cpu *c);
/* The system translation cache (tlb.c): supervisor-rights translations
 * with paging on, for the processor's own accesses (sys_read/sys_write,
 * whatever the CPL) and the host's (cpu_linear_to_phys(), the block
 * cache's code lookups). use says what the access needs:
 * - STLB_PROBE, STLB_PROBE_WRITE: the translation only (for a write,
 *   a page supervisor code may write); no accessed or dirty bit is set;
 * - STLB_READ, STLB_WRITE: an access, which sets the accessed bits (and
 *   for a write the dirty bit) as the walk would (Intel 80386 PRM 5.2.4.4).
 * A hit needs an entry that already gives that; a miss walks the tables
 * (paging_translate()) and fills the entry. Returns 0 with the physical
 * address and the host address of lin for the access (NULL: the bus), or
 * -1 when the walk fails and fault is false (with fault, #PF). Emptied
 * with the TLB (tlb_flush(), tlb_flush_paging(); tlb_flush_page() its
 * page; a debug register write that watches a new page); never filled
 * for a page with an enabled data breakpoint. */
enum stlb_use { STLB_PROBE, STLB_PROBE_WRITE, STLB_READ, STLB_WRITE };
int stlb_translate(struct cpu *c, uint32_t lin, enum stlb_use use, bool fault, uint32_t *phys, uint8_t **host);

/* The system translation cache's entry for n bytes at lin when it gives
 * use already (all n bytes in its page: the tag compared is the page of
 * the last byte, as tlb_hit() does), else NULL: stlb_translate()'s hit,
 * inline for the callers that try it first. */
static inline __attribute__((always_inline)) const struct cpu_stlbe *stlb_hit(const struct cpu *c, uint32_t lin,
									    unsigned n, enum stlb_use use)
{
	const struct cpu_stlbe *e = &c->in.stlb[(lin >> CPU_PAGE_SHIFT) & (CPU_STLB_SIZE - 1)];
	uint32_t need = PAGE_SUPER_WRITE | PAGE_ACCESSED | PAGE_DIRTY; /* STLB_WRITE */
	if (use == STLB_PROBE)
		need = 0;
	else if (use == STLB_PROBE_WRITE)
		need = PAGE_SUPER_WRITE;
	else if (use == STLB_READ)
		need = PAGE_ACCESSED;
	if (e->page == ((lin + n - 1) & ~(CPU_PAGE_SIZE - 1)) && (e->rights & need) == need)
		return e;
	return NULL;
}
/* Empty the system translation cache. */
void stlb_drop(struct cpu *c);
/* The block context (bc_ctx) from mode_bits and epoch. */
void cpu_bc_ctx_update(struct cpu *c);

/* Host pointer for an n-byte read/write at lin inside one page, from the
 * TLB, or NULL (miss, page crossing, or a page the slow path must handle:
 * pages holding decoded code are never written through the TLB). */
static inline __attribute__((always_inline)) uint8_t *tlb_rd(struct cpu *c, uint32_t lin, unsigned n)
{
	const struct cpu_tlbe *e = &c->in.tlb[(lin >> CPU_PAGE_SHIFT) & (CPU_TLB_SIZE - 1)];
	if (likely(e->rd == ((lin + n - 1) & ~(CPU_PAGE_SIZE - 1))))
		return (uint8_t *)(e->addend + lin);
	return NULL;
}

static inline __attribute__((always_inline)) uint8_t *tlb_wr(struct cpu *c, uint32_t lin, unsigned n)
{
	const unsigned k = (lin >> CPU_PAGE_SHIFT) & (CPU_TLB_SIZE - 1);
	const struct cpu_tlbe *e = &c->in.tlb[k];
	if (likely(e->wr == ((lin + n - 1) & ~(CPU_PAGE_SIZE - 1))))
		return (uint8_t *)(e->addend + lin);
	return NULL;
}

/* ---- linear memory (memory.c: slow paths) ----
 * Accesses by linear address with the rights of the current privilege
 * level; the slow paths fill the TLB, split page-crossing accesses (both
 * pages are checked before anything is written), and reach the bus. */
uint32_t lin_read_slow(struct cpu *c, uint32_t lin, unsigned n);
void lin_write_slow(struct cpu *c, uint32_t lin, unsigned n, uint32_t v);

/* The TLB entry of lin, and whether it allows an n-byte read or write at
 * lin (all of it in the entry's page). The accessors branch on these
 * directly: a hit needs no NULL test of the host address. */
static inline __attribute__((always_inline)) const struct cpu_tlbe *tlb_entry(const struct cpu *c, uint32_t lin)
{
	return &c->in.tlb[(lin >> CPU_PAGE_SHIFT) & (CPU_TLB_SIZE - 1)];
}

static inline __attribute__((always_inline)) bool tlb_hit(uint32_t tag, uint32_t lin, unsigned n)
{
	return tag == ((lin + n - 1) & ~(CPU_PAGE_SIZE - 1));
}

static inline __attribute__((always_inline)) uint8_t lin_read8(struct cpu *c, uint32_t lin)
{
	const struct cpu_tlbe *e = tlb_entry(c, lin);
	if (likely(tlb_hit(e->rd, lin, 1)))
		return *(const uint8_t *)(e->addend + lin);
	return (uint8_t)lin_read_slow(c, lin, 1);
}

static inline __attribute__((always_inline)) uint16_t lin_read16(struct cpu *c, uint32_t lin)
{
	const struct cpu_tlbe *e = tlb_entry(c, lin);
	if (likely(tlb_hit(e->rd, lin, 2))) {
		uint16_t v;
		memcpy(&v, (const void *)(e->addend + lin), 2);
		return v;
	}
	return (uint16_t)lin_read_slow(c, lin, 2);
}

static inline __attribute__((always_inline)) uint32_t lin_read32(struct cpu *c, uint32_t lin)
{
	const struct cpu_tlbe *e = tlb_entry(c, lin);
	if (likely(tlb_hit(e->rd, lin, 4))) {
		uint32_t v;
		memcpy(&v, (const void *)(e->addend + lin), 4);
		return v;
	}
	return lin_read_slow(c, lin, 4);
}

/* A page holding decoded code has no write tag: its writes take the slow
 * path, which checks them against the code (block_cache.h). */
static inline __attribute__((always_inline)) void lin_write8(struct cpu *c, uint32_t lin, uint8_t v)
{
	const unsigned k = (lin >> CPU_PAGE_SHIFT) & (CPU_TLB_SIZE - 1);
	const struct cpu_tlbe *e = &c->in.tlb[k];
	if (likely(tlb_hit(e->wr, lin, 1))) {
		*(uint8_t *)(e->addend + lin) = v;
		return;
	}
	lin_write_slow(c, lin, 1, v);
}

static inline __attribute__((always_inline)) void lin_write16(struct cpu *c, uint32_t lin, uint16_t v)
{
	const unsigned k = (lin >> CPU_PAGE_SHIFT) & (CPU_TLB_SIZE - 1);
	const struct cpu_tlbe *e = &c->in.tlb[k];
	if (likely(tlb_hit(e->wr, lin, 2))) {
		memcpy((void *)(e->addend + lin), &v, 2);
		return;
	}
	lin_write_slow(c, lin, 2, v);
}

static inline __attribute__((always_inline)) void lin_write32(struct cpu *c, uint32_t lin, uint32_t v)
{
	const unsigned k = (lin >> CPU_PAGE_SHIFT) & (CPU_TLB_SIZE - 1);
	const struct cpu_tlbe *e = &c->in.tlb[k];
	if (likely(tlb_hit(e->wr, lin, 4))) {
		memcpy((void *)(e->addend + lin), &v, 4);
		return;
	}
	lin_write_slow(c, lin, 4, v);
}

/* Host pointer for n bytes at lin inside one page, filling the TLB without
 * faulting; NULL if they are not plain host memory. With write, the n
 * bytes count as written now (decoded code there is dropped): use it only
 * to write them. */
uint8_t *lin_ptr(struct cpu *c, uint32_t lin, unsigned n, bool write);

/* System accesses (descriptor tables, TSS, IDT): supervisor rights
 * whatever the CPL (Intel 80386 PRM 6.4.1). */
uint32_t sys_read(struct cpu *c, uint32_t lin, unsigned n);
void sys_write(struct cpu *c, uint32_t lin, unsigned n, uint32_t v);
/* The host address of the n bytes at lin (one page) when a system read or
 * write of each of them would hit the TLB or the system translation cache
 * now, with no side effect to make (accessed and dirty bits set, for a
 * write no decoded code on the page), else NULL: a run of accesses to one
 * structure (a TSS) is then plain host loads and stores, and each is what
 * sys_read()/sys_write() would have done. Valid until the next access
 * that may fault or change a mapping. */
uint8_t *sys_ptr(struct cpu *c, uint32_t lin, uint32_t n, bool write);

/* ---- segment-relative access ----
 * `off` is the effective address (already reduced to the address size).
 * The fast path needs only off + n - 1 < rd_end/wr_end; everything else
 * (limits, expand-down, rights, null selectors, the 8086's wrap inside the
 * segment) is the slow path's (segment.c: mem_seg_check()). Real mode: a
 * multi-byte access that runs past offset FFFFh wraps inside the segment
 * on the 8086/186 and faults on the 286+ (#GP; #SS for SS on the 386:
 * Intel 80386 PRM 14.1; the 80286 test vectors show #GP for both). */
uint32_t mem_read_seg_slow(struct cpu *c, unsigned seg, uint32_t off, unsigned n);
void mem_write_seg_slow(struct cpu *c, unsigned seg, uint32_t off, unsigned n, uint32_t v);
/* The checks alone (no access): faults as the access would. Returns true
 * when the access wraps inside the segment (8086/186). */
bool mem_seg_check(struct cpu *c, unsigned seg, uint32_t off, unsigned n, bool write);

static inline __attribute__((always_inline)) uint8_t mem_read8(struct cpu *c, unsigned seg, uint32_t off)
{
	if (unlikely(off >= c->in.rd_end[seg]))
		return (uint8_t)mem_read_seg_slow(c, seg, off, 1);
	return lin_read8(c, c->seg_base[seg] + off);
}

static inline __attribute__((always_inline)) void mem_write8(struct cpu *c, unsigned seg, uint32_t off, uint8_t v)
{
	if (unlikely(off >= c->in.wr_end[seg])) {
		mem_write_seg_slow(c, seg, off, 1, v);
		return;
	}
	lin_write8(c, c->seg_base[seg] + off, v);
}

static inline __attribute__((always_inline)) uint16_t mem_read16(struct cpu *c, unsigned seg, uint32_t off)
{
	if (unlikely((uint64_t)off + 1 >= c->in.rd_end[seg]))
		return (uint16_t)mem_read_seg_slow(c, seg, off, 2);
	return lin_read16(c, c->seg_base[seg] + off);
}

static inline __attribute__((always_inline)) void mem_write16(struct cpu *c, unsigned seg, uint32_t off, uint16_t v)
{
	if (unlikely((uint64_t)off + 1 >= c->in.wr_end[seg])) {
		mem_write_seg_slow(c, seg, off, 2, v);
		return;
	}
	lin_write16(c, c->seg_base[seg] + off, v);
}

static inline __attribute__((always_inline)) uint32_t mem_read32(struct cpu *c, unsigned seg, uint32_t off)
{
	if (unlikely((uint64_t)off + 3 >= c->in.rd_end[seg]))
		return mem_read_seg_slow(c, seg, off, 4);
	return lin_read32(c, c->seg_base[seg] + off);
}

static inline __attribute__((always_inline)) void mem_write32(struct cpu *c, unsigned seg, uint32_t off, uint32_t v)
{
	if (unlikely((uint64_t)off + 3 >= c->in.wr_end[seg])) {
		mem_write_seg_slow(c, seg, off, 4, v);
		return;
	}
	lin_write32(c, c->seg_base[seg] + off, v);
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

/* ---- stack: SS:SP with a 16-bit stack, SS:ESP with a 32-bit one (SS.B,
 * Intel 80386 PRM 6.3.1.2). A push writes before it moves ESP, so a fault
 * leaves ESP as it was. ---- */

static inline bool stack32(const struct cpu *c)
{
	return c->in.sp_mask != 0xFFFF;
}

static inline uint32_t sp_get(const struct cpu *c)
{
	return stack32(c) ? c->r[REG_SP].d : c->r[REG_SP].w[0];
}

/* 16-bit stores for a 16-bit stack: SP is then read as 16 bits again (a
 * 32-bit load after a 16-bit store stalls the host). */
static inline void sp_set(struct cpu *c, uint32_t sp)
{
	if (stack32(c))
		c->r[REG_SP].d = sp;
	else
		c->r[REG_SP].w[0] = (uint16_t)sp;
}

static inline void sp_add(struct cpu *c, uint32_t delta)
{
	sp_set(c, sp_get(c) + delta);
}

/* Push and pop with the stack size a compile-time constant: the
 * specialised handlers are picked by the stack size at decode, and a
 * decoded block runs only with the stack size it was decoded with
 * (BC_STACK32). */
static inline __attribute__((always_inline)) void push_s(struct cpu *c, unsigned sz, bool s32, uint32_t v)
{
	if (s32) {
		uint32_t sp = c->r[REG_SP].d - sz;
		mem_write(c, SEG_SS, sp, sz, v);
		c->r[REG_SP].d = sp;
	} else {
		uint16_t sp = (uint16_t)(c->r[REG_SP].w[0] - sz);
		mem_write(c, SEG_SS, sp, sz, v);
		c->r[REG_SP].w[0] = sp;
	}
}

static inline __attribute__((always_inline)) uint32_t pop_s(struct cpu *c, unsigned sz, bool s32)
{
	uint32_t v;
	if (s32) {
		uint32_t sp = c->r[REG_SP].d;
		v = mem_read(c, SEG_SS, sp, sz);
		c->r[REG_SP].d = sp + sz;
	} else {
		uint16_t sp = c->r[REG_SP].w[0];
		v = mem_read(c, SEG_SS, sp, sz);
		c->r[REG_SP].w[0] = (uint16_t)(sp + sz);
	}
	return v;
}

static inline void push16(struct cpu *c, uint16_t v)
{
	if (stack32(c))
		push_s(c, 2, true, v);
	else
		push_s(c, 2, false, v);
}

static inline void push32(struct cpu *c, uint32_t v)
{
	if (stack32(c))
		push_s(c, 4, true, v);
	else
		push_s(c, 4, false, v);
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
	return (uint16_t)(stack32(c) ? pop_s(c, 2, true) : pop_s(c, 2, false));
}

static inline uint32_t pop32(struct cpu *c)
{
	return stack32(c) ? pop_s(c, 4, true) : pop_s(c, 4, false);
}

static inline uint32_t pop_sz(struct cpu *c, unsigned sz)
{
	return sz == 4 ? pop32(c) : pop16(c);
}

/* The value `depth` bytes above the stack top (for far returns and IRET,
 * which read their whole frame before changing anything). */
static inline uint32_t stack_peek(struct cpu *c, uint32_t depth, unsigned sz)
{
	return mem_read(c, SEG_SS, (sp_get(c) + depth) & c->in.sp_mask, sz);
}

/* ---- control ---- */

static inline uint32_t ip_mask(const struct insn *i) { return i->wsz == 4 ? 0xFFFFFFFFu : 0xFFFF; }

/* Jump to a new EIP inside CS: past the CS limit it is #GP(0) (real mode
 * on the 8086-286 never gets there: IP is 16 bits and the limit FFFFh). */
static inline void jump_to(struct cpu *c, uint32_t ip)
{
	if (unlikely(ip > c->in.sd[SEG_CS].limit))
		cpu_fault(c, EXC_GP);
	c->ip = ip;
}

/* ---- segment registers (segment.c) ---- */

/* What decoded blocks depend on besides their bytes (insn.mode_bits and
 * block_cache.c): the code and stack size, the mode, user privilege. */
enum {
	BC_CODE32 = 1u << 0,
	BC_STACK32 = 1u << 1,
	BC_PE = 1u << 2,
	BC_V86 = 1u << 3,
	BC_USER = 1u << 4,
	BC_SEG64K = 1u << 5, /* the fast-path ends (rd_end, wr_end) of ES, CS, SS, DS,
			      * FS and GS are all 10000h or more (real and V86 mode
			      * with limits FFFFh or "big real" ones, not expand-down;
			      * never in protected mode, whose CS is not writable):
			      * at a 16-bit offset an access that does not run past
			      * FFFFh passes them (jit_compile.c emit_tlb_addend()).
			      * Part of the tag like the mode bits. */
	BC_CSLIM = 1u << 7, /* the CS limit is below the code size's top: blocks need
			     * the limit check (block_cache.c bc_recheck()) */
};

/* Code segment? Expand-down data segment? (attr of struct cpu_desc) */
static inline bool desc_is_code(uint16_t attr) { return (attr & (DESC_S | 8)) == (DESC_S | 8); }
static inline bool desc_is_xdown(uint16_t attr) { return (attr & (DESC_S | 8 | 4)) == (DESC_S | 4); }
static inline unsigned desc_dpl(uint16_t attr) { return (attr & DESC_DPL) >> DESC_DPL_SHIFT; }

/* A descriptor's two dwords (low, high) as the model reads them: the 286
 * has a 24-bit base and 16-bit limit and ignores bytes 6-7. */
void desc_decode(const struct cpu *c, uint32_t lo, uint32_t hi, struct cpu_desc *d);
/* Read the descriptor sel names from the GDT or LDT: returns false when
 * the selector is outside the table (or names the LDT while LDTR is
 * null); *addr is its linear address. */
bool desc_fetch(struct cpu *c, uint16_t sel, uint32_t *lo, uint32_t *hi, uint32_t *addr);
/* Set the accessed bit of the descriptor at addr (if hi lacks it). */
void desc_set_accessed(struct cpu *c, uint32_t addr, uint32_t hi);
/* Set the CPL (and what depends on it). */
void cpu_set_cpl(struct cpu *c, unsigned cpl);

/* Real-mode load: selector and base only; the limit and attributes stay
 * what the descriptor cache holds (Intel 80386 PRM 14.1: that is how a
 * protected-mode detour leaves "big real" segments behind). */
static inline void seg_load(struct cpu *c, unsigned s, uint16_t v)
{
	c->seg[s] = v;
	c->seg_base[s] = (uint32_t)v << 4;
	c->in.sd[s].base = (uint32_t)v << 4;
}

/* Load segment register s as the current mode does (MOV, POP, LxS): real
 * mode, V86 (base = sel << 4, limit FFFFh, data), protected mode with
 * every check of Intel 80386 PRM 6.3.1 (#GP/#SS/#NP with the selector).
 * CS is loaded through far transfers only (pmode.c). */
void cpu_load_sreg(struct cpu *c, unsigned s, uint16_t sel);
/* Put a descriptor into the cache of s (no checks) and recompute the
 * fast-path limits (and for CS/SS the code and stack size). */
void seg_set_cache(struct cpu *c, unsigned s, uint16_t sel, const struct cpu_desc *d);
/* Load s with a descriptor that passed its checks, read from addr: set its
 * accessed bit in the table and in *d, then seg_set_cache(). */
void seg_commit(struct cpu *c, unsigned s, uint16_t sel, struct cpu_desc *d, uint32_t addr, uint32_t hi);
/* Protected-mode loads of SS and of DS/ES/FS/GS with every check of Intel
 * 80386 PRM 6.3.1; a bad selector or descriptor raises `vec` (#GP for
 * MOV, POP and LxS, #TS while a task switch loads the new task's
 * registers, PRM 7.6), not present #SS or #NP. */
void pm_load_ss(struct cpu *c, uint16_t sel, unsigned vec);
void pm_load_data(struct cpu *c, unsigned s, uint16_t sel, unsigned vec);
/* Recompute rd_end/wr_end of s from its cache and the mode. */
void seg_update_ends(struct cpu *c, unsigned s);
/* After a mode switch (PE, VM): every segment's ends, the stack and code
 * size, the block context. */
void seg_mode_changed(struct cpu *c);
/* In protected mode? (PE set, VM clear) / in V86 mode? */
static inline bool cpu_pm(const struct cpu *c)
{
	return (c->in.cr0 & CR0_PE) && !(c->in.flags & FLAG_VM);
}
static inline bool cpu_v86(const struct cpu *c)
{
	return (c->in.flags & FLAG_VM) != 0;
}

/* ---- EFLAGS (cpu.c) ---- */

uint32_t cpu_flags_read(const struct cpu *c);
/* Load the EFLAGS bits in mask from f (the model's fixed and missing bits
 * apply; the arithmetic flags all or none). */
void cpu_flags_load(struct cpu *c, uint32_t f, uint32_t mask);
/* POPF/IRET in real mode: everything but VM and RF (RF cleared by 32-bit). */
void cpu_flags_write(struct cpu *c, uint32_t f, unsigned sz);
/* The bits IRET/POPF may change in protected mode at the CPL (pmode.c). */
uint32_t pm_flags_mask(const struct cpu *c, unsigned osz);

/* ---- far transfers, tasks, control registers, debug (pmode.c, task.c,
 * ops_system.c, debug.c) ---- */

void far_jump(struct cpu *c, uint16_t sel, uint32_t off, unsigned osz);
void far_call(struct cpu *c, uint16_t sel, uint32_t off, unsigned osz);
void far_return(struct cpu *c, unsigned osz, uint32_t imm);
void far_iret(struct cpu *c, unsigned osz);
enum task_reason { TS_JMP = 0, TS_CALL, TS_IRET, TS_INT };
/* Switch to the task of TSS selector sel; return_ip is saved as the old
 * task's EIP. */
void task_switch(struct cpu *c, uint16_t sel, enum task_reason reason, uint32_t return_ip);
void cpu_load_cr0(struct cpu *c, uint32_t v);
void cpu_load_cr3(struct cpu *c, uint32_t v);
/* DR7 changed: which breakpoints are enabled. */
void dr_update(struct cpu *c);
/* A data breakpoint's page (TLB fills skip it). */
bool dr_page_watched(const struct cpu *c, uint32_t lin);
/* A data access the breakpoints may catch (memory.c). */
void dr_check_access(struct cpu *c, uint32_t lin, unsigned n, bool write);
/* An instruction breakpoint at lin (sets DR6). */
bool dr_exec_hit(struct cpu *c, uint32_t lin);
/* Raise the #DB trap for the hits of the last instruction. */
void dr_deliver_hits(struct cpu *c);
/* Free the physical map (phys.c). */
void phys_free(struct cpu *c);

/* Decoder (decode.c) and tables (optable.c). */
void cpu_decode(struct cpu *c, struct insn *i);
/* Sets i->impl (a specialised handler if one exists, by i->ent's family)
 * and i->fn, and i->fl from i->ent's flag columns. */
void cpu_specialize(const struct cpu *c, struct insn *i);
/* The threaded twin of i that skips its arithmetic flags, or NULL (none, or
 * i->fn is no longer the plain threaded twin). */
op_fn cpu_noflags_twin(const struct cpu *c, struct insn *i);
/* The twin of a threaded short jump (JMP, Jcc) with a 16-bit IP that
 * leaves out the CS limit check, for blocks recorded while the limit is
 * FFFFh or more (no BC_CSLIM), where the check cannot fail; i->fn if none
 * (ops_control.c). A block holding one is never used under BC_CSLIM
 * (bc_block.nolimit). */
op_fn cpu_nolimit_twin(const struct insn *i);
/* The threaded twin of a JMP rel (EB, E9) that goes on to the next
 * instruction of its block, which is its target (block_cache.c
 * bc_record()), or NULL for any other instruction. */
op_fn cpu_jmp_inside_twin(const struct insn *i);
/* The threaded twin of a Jcc (70-7F, 0F 80-8F) that goes on to the next
 * instruction of its block, its target, when taken, and leaves the block
 * when not (block_cache.c bc_record()), or NULL for any other
 * instruction. */
op_fn cpu_jcc_inside_twin(const struct insn *i);
void thread_generic(struct cpu *c, const struct insn *i);
void thread_plain(struct cpu *c, const struct insn *i);
void bc_link(struct cpu *c);
/* End the running block before entry i (a write dropped it: c->in.smc_stop),
 * as if i-1 had been its last instruction, and go on with bc_link(). */
void bc_stop(struct cpu *c, const struct insn *i);
/* The threaded twin that runs handler impl as thread_plain() (term
 * TERM_NONE) or thread_generic() would, with a direct call, for the
 * frequent handlers without a specialised pair; NULL for the others
 * (twins.c). Such a twin sets FL_SP_SAVED. */
op_fn cpu_handler_twin(op_fn impl, unsigned term);
/* Fuse a compare with the Jcc after it in a recorded block (ops_fused.c). */
void cpu_fuse(struct insn *first, const struct insn *jcc, bool nolimit);

/* Continue a decoded block with the instruction after i (a tail call),
 * unless i's write dropped the block (c->in.smc_stop: the block ends, so
 * that the next instruction is decoded from memory as it is now).
 * Nothing is recorded here: a threaded handler that can fault or end the
 * block sets c->in.cur = i itself first (insn_current()); handlers on
 * registers only cannot fault and skip it. insn_sp is saved by
 * thread_generic()/thread_plain() for the handlers that may fault after
 * changing SP; the twins never do, and a fault in one takes SP as it is
 * (cpu.c sync_threaded()). */
static inline void insn_chain(struct cpu *c, const struct insn *i)
{
	const struct insn *n = i + 1;
	if (unlikely(c->in.smc_stop)) {
		bc_stop(c, n);
		return;
	}
	n->fn(c, n);
}

/* insn_chain() for the twins of instructions on registers only (no memory
 * access, no port: nothing they do can drop the block), which need not
 * look at c->in.smc_stop. */
static inline void insn_chain_regs(struct cpu *c, const struct insn *i)
{
	const struct insn *n = i + 1;
	n->fn(c, n);
}

/* Record i as the running instruction of a threaded block (see above). */
static inline void insn_current(struct cpu *c, const struct insn *i)
{
	c->in.cur = i;
}

/* thread_plain() with the handler as a parameter (twins.c passes a
 * constant, so the call is direct): record the instruction, keep SP for a
 * fault, run it, go on. */
static inline void thread_plain_run(struct cpu *c, const struct insn *i, op_fn impl)
{
	insn_current(c, i);
	c->in.insn_sp = c->r[REG_SP].d;
	impl(c, i);
	insn_chain(c, i);
}

/* thread_generic() with the handler as a parameter: keep c->ip and
 * insn_ip as the handler expects, run it, and go on unless it ended the
 * block. */
static inline void thread_generic_run(struct cpu *c, const struct insn *i, op_fn impl)
{
	uint32_t next = (i->ip + i->len) & c->in.ip_mask;
	insn_current(c, i);
	c->in.insn_ip = i->ip;
	c->in.insn_sp = c->r[REG_SP].d;
	c->ip = next;
	impl(c, i);
	if (unlikely(i->term) && (i->term >= TERM_ALWAYS || c->ip != next || c->in.events)) {
		if (i->term != TERM_ALWAYS)
			bc_link(c);
		return;
	}
	insn_chain(c, i);
}

extern const struct op_entry op_table[OPT_SIZE];

/* Trace (trace.c): print one line for the instruction about to execute. */
void trace_insn(struct cpu *c, const struct insn *i);

#endif
