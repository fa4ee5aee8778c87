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
 * - after each called handler and each slow-path write that may have
 *   dropped the running block, c->in.smc_stop is tested (set by
 *   block_cache.c stop_if_running(), never a patch in the block's
 *   instructions, which may be shared): the compiled code then ends the
 *   block before the next entry (bc_stop()), so self-modifying code stays
 *   exact;
 * - the block's end sets c->in.cur and c->ip as block_end() does and
 *   jumps to its mapping's link stub, which does what bc_link() does for
 *   the successors it remembers (charges the budget, checks events) or
 *   calls bc_link().
 * The code reaches the block through c->in.blk, never through an address
 * compiled in, so it serves every copy of the block: a CPU that compiles
 * a block gives the code to the host's code store with the decoded block
 * (cs_set_code()), and a CPU that takes the block from the store (a
 * program loaded again, another VM of the host) takes its code too.
 * A CPU compiles and drops code only in bc_run()'s loop (jit_poll()), when
 * none of its compiled code is running.
 *
 * Code memory (jit_area.c): a shared memory object mapped twice, writable
 * at one address and executable at another: no page is ever writable and
 * executable at once. A guest cannot choose what is emitted beyond which
 * of these fixed patterns, handler addresses and constants from its
 * decoded instructions, and the emitter never writes past its mapping.
 */
#ifndef MVDM_CPU_JIT_H
#define MVDM_CPU_JIT_H

#include <stdatomic.h>

#include "cpu/block_cache.h"

/* Block states (bc_block.jstate). */
enum { JS_COLD = 0, JS_QUEUED, JS_DONE, JS_FAILED };

/* Is the running block b compiled code? Compiled code saves insn_sp before
 * every handler it calls, threaded twins do not (cpu.c sync_threaded()). */
static inline bool jit_compiled(const struct bc_block *b)
{
	return b->jstate == JS_DONE;
}

/* The prologue every compiled block starts with (jit_compile.c
 * emit_pass()): push RBX, R12-R15 (1 + 4 x 2 bytes), lea rbx, [rdi +
 * JIT_CPU_BIAS] (4 bytes). The link stub enters a compiled block past it,
 * with the frame of the block it leaves; a remembered link (bc_fast.code)
 * is the compiled code past it. */
enum { JIT_FRAME_BYTES = 13 };

/* The compiled block b's code past that prologue (b compiled). */
static inline const void *jit_link_code(const struct bc_block *b)
{
	const uint8_t *code;
	_Static_assert(sizeof(code) == sizeof(b->entry), "code and data pointers alike (x86-64)");
	memcpy(&code, &b->entry, sizeof(code));
	return code + JIT_FRAME_BYTES;
}

/* bc_block.heat of a block that is not being counted: it counts down on
 * every entry (bc_link(), bc_run()) and calls jit_hot() at 0, which
 * sets it back to this unless the block is to be counted. */
enum { JIT_HEAT_IDLE = 0xFFFF };

/* Blocks wanted for compiling, at most this many between two polls; the
 * smallest area (bytes). */
enum { JIT_PENDING_MAX = 64, JIT_AREA_MIN = 256 << 10 };

/* A CPU using an area (jit_area.c): the newest generation of the area's
 * code it has seen, that is, it holds no pointer into mappings retired
 * before it (its blocks' entries, its running code). */
struct jit_user {
	uint64_t seen;
	struct jit_user *next;
};

struct jit {
	unsigned npending;                  /* (first: jit_poll() reads it) */
	const _Atomic uint64_t *area_gen;   /* the area's generation (or no_gen) */
	struct jit_user user;               /* user.seen: compared with *area_gen */
	struct bc_block *pending[JIT_PENDING_MAX];
	bool dead;                          /* no area could be had: stay off */
	bool share;                         /* code goes to and comes from the store */
	uint16_t threshold;                 /* entries before a block is compiled */
	struct cpu_jit_area *area;          /* NULL until the first compile if own */
	bool own_area;
	_Atomic uint64_t no_gen;            /* 0: what area_gen points at without an area */
	struct cpu_code_stats stats;        /* jit_* fields only */
};

/* ---- jit_area.c ---- */
/* Where to write the next block: rw up to end, executed at rx; the
 * current mapping's link stub (written view) and its generation. */
struct jit_slot {
	uint8_t *rw;
	const uint8_t *rx;
	uint8_t *end;
	const uint8_t *stub;
	uint64_t gen;
};
/* The area's generation, bumped by each flush (read it atomically). */
const _Atomic uint64_t *jit_area_gen(const struct cpu_jit_area *a);
/* A CPU starts (attach: it has seen the generation now) or stops using
 * the area. */
void jit_area_attach(struct cpu_jit_area *a, struct jit_user *u);
void jit_area_detach(struct cpu_jit_area *a, struct jit_user *u);
/* u holds no pointer into code of generations before gen any more: the
 * mappings that no user can reach are unmapped. */
void jit_area_seen(struct cpu_jit_area *a, struct jit_user *u, uint64_t gen);
/* Lock the area and say where to write (false: no mapping, not locked);
 * jit_area_unlock() keeps `used` bytes from s->rw and unlocks. */
bool jit_area_lock(struct cpu_jit_area *a, struct jit_slot *s);
void jit_area_unlock(struct cpu_jit_area *a, size_t used);
/* With the lock: retire the current mapping for a new empty one (the
 * generation moves on) and say where to write in it; false (and nothing
 * changed) if no memory. */
bool jit_area_flush_locked(struct cpu_jit_area *a, struct jit_slot *s);

/* With the lock: name b's code, size bytes at s->rx, in perf's map of JIT
 * code (jit_perf_map.c), which is opened at the first call (with lines
 * for the current mapping's stub and shared code) and gets those lines
 * for every later mapping. */
void jit_area_perf_block(struct cpu_jit_area *a, const struct jit_slot *s, size_t size, const struct bc_block *b);

/* ---- jit_perf_map.c ---- */
/* perf's map of JIT code, /tmp/perf-<pid>.map, opened to append (-1:
 * not opened). */
int jit_perf_map_open(void);
/* Lines for the link stub and shared code at the start of the mapping
 * executed at rx (its blocks start at top). */
void jit_perf_map_start(int fd, const uint8_t *rx, size_t top);
/* The line for block b's code, size bytes at rx. */
void jit_perf_map_block(int fd, const uint8_t *rx, size_t size, const struct bc_block *b);

/* ---- jit_compile.c ---- */
struct em;
/* Compile b into e (jit_emit.h): false if it did not fit. stub: the link
 * stub of the mapping e writes into (its written view: only the distance
 * is used); features: the host features it may use (enum cpu_jit_host).
 * The code depends only on b's instructions, EIP, code size and nolimit,
 * and features (the store's key: cs_sig()), not on where b is. */
bool jit_emit_block(struct em *e, const struct bc_block *b, const uint8_t *stub, unsigned features);
/* The host features of mask (enum cpu_jit_host) this host has; mask from
 * spec as MVDM_JIT_HOST gives it (cpu.h cpu_set_jit_host(); NULL: all).
 * Asks CPUID: call it once per CPU, not per compile (a VM may trap it). */
unsigned jit_host_features(const char *spec);
/* The code every block of a mapping leaves through to link to the next
 * block (jit_compile.c emit_link_stub()), at the mapping's start: false if
 * it did not fit. */
bool jit_emit_link_stub(struct em *e);
/* The name of part k of a mapping's start, for profilers (jit_perf_map.c),
 * and its offset from the mapping's start (*at); NULL for k >=
 * JIT_SHARED_PARTS. Part 0 is the link stub, the others the shared code
 * (SH_*, in order), each up to the next part (the last up to the first
 * block). */
enum { JIT_SHARED_PARTS = 9 };
const char *jit_shared_part(unsigned k, unsigned *at);
/* Is b worth compiling when the JIT is on (not forced)? Not when more
 * than a third of its instructions would call their handlers anyway.
 * x87 instructions with fast paths (fpu_jit_op()), FWAIT and NOP are
 * compiled (runs of them, jit_compile.c), the other x87 forms are calls. */
bool jit_worth(const struct bc_block *b);

/* ---- jit.c ---- */
/* Was the JIT built in (x86-64 host)? */
bool jit_supported(void);
/* A block was just entered into the cache (b->entry is its threaded
 * start): count its entries, or queue it at once when forced. code: its
 * compiled code from the store (cs_lookup()), or NULL. */
void jit_block_added(struct cpu *c, struct bc_block *b, op_fn code);
/* The area and generation whose code the store may give this CPU
 * (cs_lookup()): NULL when it does not share code. */
const struct cpu_jit_area *jit_share_area(const struct cpu *c, uint64_t *gen);
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
	const struct jit *j = c->in.jit;
	if (unlikely(j != NULL) &&
	    unlikely(j->npending || atomic_load_explicit(j->area_gen, memory_order_relaxed) != j->user.seen))
		jit_run_pending(c);
}
/* The generation of compiled code the CPU holds now (0: no JIT yet): a
 * block parked with it keeps its code if it is still the same when the
 * block is revived (block_cache.c bc_park). */
uint64_t jit_code_gen(const struct cpu *c);
/* b, parked when the CPU's code generation was gen, is in the cache again
 * (block_cache.c bc_revive()): its compiled entry kept if that is still
 * valid, else it starts as a block just recorded (jit_block_added()). */
void jit_block_revived(struct cpu *c, struct bc_block *b, uint64_t gen);
/* Every block was evicted (bc_clear()): forget the queue. */
void jit_forget(struct cpu *c);
/* Release the CPU's JIT state (cpu_destroy()). */
void jit_free(struct cpu *c);
/* The jit_* figures. */
void jit_stats(const struct cpu *c, struct cpu_code_stats *s);

#endif
