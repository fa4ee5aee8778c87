/*
 * jit.h - hot decoded blocks compiled to x86-64 host code (docs/cpu-speed.md,
 * "The JIT").
 *
 * A compiled block is one host function with the threaded handlers'
 * signature, installed as the block's entry (bc_block.entry), so
 * bc_run_block() and bc_link() reach it unchanged. It does what the
 * block's threaded handlers would do, in the same order and with the same
 * state at every point where anything outside the block can look:
 * - simple register instructions (MOV, ALU without carry-in, TEST,
 *   INC/DEC, LEA, JMP, LOOP, Jcc, memory forms through an inline TLB check)
 *   inline, and the common x87 forms as calls of their fast paths (runs
 *   of them checked once, jit_compile.c),
 *   on guest registers held in host registers within the block, with the
 *   lazy flags stored exactly as the interpreter stores them (flags.h)
 *   unless the block overwrites them before anything can read them
 *   (jit_compile.c);
 * - every other instruction calls its handler (insn.impl) with the state
 *   thread_generic() sets up first (c->in.cur, insn_ip, insn_sp, c->ip past
 *   it), so a fault is precise as in the interpreter (cpu.c takes the
 *   instruction from c->in.cur), and afterwards makes the same checks
 *   (ended the block? jumped? events?);
 * - after each called handler and each slow-path write the next entry's
 *   fn is compared with the one it had when compiled: a write that
 *   dropped the running block patches it (block_stop, block_cache.c), and
 *   the compiled code then leaves for that entry, so self-modifying code
 *   stays exact;
 * - the block's end sets c->in.cur and c->ip as block_end() does and
 *   jumps to its chunk's link stub, which does what bc_link() does for
 *   the successors it remembers (charges the budget, checks events) or
 *   calls bc_link().
 * Code is only compiled and the area only reset in bc_run()'s loop
 * (jit_poll()), when no compiled code is running.
 *
 * Code memory (jit_area.c): a shared memory object mapped twice, writable
 * at one address and executable at another: no page is ever writable and
 * executable at once. A guest cannot choose what is emitted beyond which
 * of these fixed patterns, handler addresses and constants from its
 * decoded instructions, and the emitter never writes past its chunk.
 */
#ifndef MVDM_CPU_JIT_H
#define MVDM_CPU_JIT_H

#include "cpu/block_cache.h"

/* Block states (bc_block.jstate). */
enum { JS_COLD = 0, JS_QUEUED, JS_DONE, JS_FAILED };

/* Is the running block b compiled code? Compiled code saves insn_sp before
 * every handler it calls, threaded twins do not (cpu.c sync_threaded()). */
static inline bool jit_compiled(const struct bc_block *b)
{
	return b->jstate == JS_DONE;
}

/* bc_block.heat of a block that is not being counted: it counts down on
 * every entry (bc_link(), bc_run()) and calls jit_hot() at 0, which
 * sets it back to this unless the block is to be counted. */
enum { JIT_HEAT_IDLE = 0xFFFF };

/* Blocks wanted for compiling, at most this many between two polls. */
enum { JIT_PENDING_MAX = 64, JIT_CHUNK = 256 << 10 };

struct jit {
	unsigned npending;                  /* (first: jit_poll() reads it) */
	struct bc_block *pending[JIT_PENDING_MAX];
	bool flush;                         /* drop all code at the next poll */
	bool dead;                          /* no area could be had: stay off */
	uint16_t threshold;                 /* entries before a block is compiled */
	struct cpu_jit_area *area;
	bool own_area;
	uint32_t *chunks;                   /* chunk indexes taken from the area */
	unsigned nchunks, cap_chunks;
	unsigned cur;                       /* chunk being filled (index in chunks) */
	size_t off;                         /* its bytes used */
	struct cpu_code_stats stats;        /* jit_* fields only */
};

/* ---- jit_area.c ---- */
/* Take one chunk: its index, or -1 when the area is full. */
long jit_area_take(struct cpu_jit_area *a);
/* Give chunks back. */
void jit_area_give(struct cpu_jit_area *a, const uint32_t *idx, unsigned n);
/* The writable and the executable address of chunk idx. */
uint8_t *jit_area_rw(const struct cpu_jit_area *a, uint32_t idx);
const uint8_t *jit_area_rx(const struct cpu_jit_area *a, uint32_t idx);

/* ---- jit_compile.c ---- */
struct em;
/* Compile b into e (jit_emit.h): false if it did not fit. stats: the
 * block cache's figures (hits), or NULL; stub: the link stub of the chunk
 * e writes into (its written view: only the distance is used). */
bool jit_emit_block(struct em *e, const struct bc_block *b, struct cpu_code_stats *stats, const uint8_t *stub);
/* The code every block of a chunk leaves through to link to the next
 * block (jit_compile.c emit_link_stub()), at the chunk's start: false if
 * it did not fit. */
bool jit_emit_link_stub(struct em *e);
/* Is b worth compiling when the JIT is on (not forced)? Not when more
 * than a third of its instructions would call their handlers anyway.
 * x87 instructions with fast paths (fpu_jit_op()), FWAIT and NOP are
 * compiled (runs of them, jit_compile.c), the other x87 forms are calls. */
bool jit_worth(const struct bc_block *b);

/* ---- jit.c ---- */
/* Was the JIT built in (x86-64 host)? */
bool jit_supported(void);
/* A block was just entered into the cache (b->entry is its threaded
 * start): count its entries, or queue it at once when forced. */
void jit_block_added(struct cpu *c, struct bc_block *b);
/* Block b counted down to 0 (jit_count_entry()): queue it for compiling if
 * it is cold and the JIT is on, and set its count again. */
void jit_hot(struct cpu *c, struct bc_block *b);
/* Count one entry of b, which is about to run (block_cache.c). */
static inline void jit_count_entry(struct cpu *c, struct bc_block *b)
{
	if (unlikely(--b->heat == 0))
		jit_hot(c, b);
}
/* Compile what was queued (bc_run()'s loop, no block running). */
void jit_run_pending(struct cpu *c);
static inline void jit_poll(struct cpu *c)
{
	if (unlikely(c->in.jit != NULL) && unlikely(c->in.jit->npending || c->in.jit->flush))
		jit_run_pending(c);
}
/* Every block was evicted (bc_clear()): forget the queue and drop the code
 * at the next poll. */
void jit_forget(struct cpu *c);
/* Release the CPU's JIT state (cpu_destroy()). */
void jit_free(struct cpu *c);
/* The jit_* figures. */
void jit_stats(const struct cpu *c, struct cpu_code_stats *s);

#endif
