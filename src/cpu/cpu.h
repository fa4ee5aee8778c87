/*
 * cpu.h - the instruction set translator (IST): an x86 interpreter for the
 * 8086, 80186, 80286, 80386 and 80486 in real, protected and virtual-8086
 * mode, with paging (docs/cpu-protected-mode.md, docs/cpu-models.md).
 *
 * Contract
 * --------
 * - One `struct cpu` per virtual machine; the core has no global mutable state.
 * - The CPU knows nothing about DOS or devices. It reaches physical memory
 *   through its physical map of host RAM (cpu_map_ram(): fast path) plus the
 *   caller's `struct cpu_bus` callbacks (unmapped pages, MMIO, ROM writes,
 *   I/O ports). Linear addresses are translated by the guest's page tables
 *   when CR0.PG is set, and the A20 gate applies to physical addresses.
 * - cpu_run() executes until its instruction budget is spent or something the
 *   caller must handle happens, and returns the reason (enum cpu_exit).
 *   The state is always architecturally consistent at a return: either the
 *   instruction completed, or (traps) it has not started and CS:EIP points at
 *   its first prefix byte.
 * - Exceptions go to the guest: through the IVT in real mode, through the
 *   IDT in protected and virtual-8086 mode (unless exception_exit_mask asks
 *   for an exit). A fault while delivering one is a double fault; a fault
 *   while delivering that shuts the CPU down (CPU_EXIT_SHUTDOWN, the caller
 *   resets or ends the machine).
 * - Guest input can never crash the host: a bad guest state ends in an exit
 *   reason (CPU_EXIT_SHUTDOWN, ...), never in abort()/exit().
 */
#ifndef MVDM_CPU_H
#define MVDM_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum cpu_model {
	CPU_8086 = 0,
	CPU_80186 = 1,
	CPU_80286 = 2,
	CPU_80386 = 3,
	CPU_80486 = 4,
	CPU_MODEL_COUNT
};

/* The numeric coprocessor attached (docs/x87.md). The 80486's built-in
 * FPU is CPU_FPU_80387 (the 387's programming model). */
enum cpu_fpu { CPU_FPU_NONE = 0, CPU_FPU_8087, CPU_FPU_80287, CPU_FPU_80387, CPU_FPU_COUNT };

/* The x87 register file and environment (Intel 80387 PRM 2.1; SDM Vol. 1
 * 8.1). Registers are physical (R0-R7); ST(i) is R((top + i) & 7). The
 * status word's TOP field lives in `top`; the tag word is kept as one
 * empty bit per register and computed from the contents when stored
 * (FSTENV, FSAVE), as the 387 does. */
struct cpu_x87 {
	uint64_t m[8];    /* significands, bit 63 the integer bit */
	uint16_t se[8];   /* sign (bit 15) and biased exponent */
	uint16_t cw;      /* control word */
	uint16_t sw;      /* status word without TOP (bits 11-13 read as 0 here) */
	uint8_t top;
	uint8_t empty;    /* bit n set: R(n) is empty (tag 11b) */
	bool ferr;        /* the FERR#/ERROR# output is asserted */
	uint16_t fop;     /* last non-control instruction: 11-bit opcode */
	uint16_t fcs, fds; /* ... its CS and the DS of its memory operand */
	uint32_t fip, fdp; /* ... its offset and its operand's */
};

/* Register indexes, in ModR/M encoding order. */
enum cpu_reg { REG_AX, REG_CX, REG_DX, REG_BX, REG_SP, REG_BP, REG_SI, REG_DI };
/* Segment register indexes, in ModR/M sreg encoding order. */
enum cpu_seg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_COUNT };

/* EFLAGS bits (Intel 80386 PRM 2.3.4; AC and ID: i486 PRM 2.3.6). */
enum {
	FLAG_CF = 1u << 0,
	FLAG_PF = 1u << 2,
	FLAG_AF = 1u << 4,
	FLAG_ZF = 1u << 6,
	FLAG_SF = 1u << 7,
	FLAG_TF = 1u << 8,
	FLAG_IF = 1u << 9,
	FLAG_DF = 1u << 10,
	FLAG_OF = 1u << 11,
	FLAG_IOPL = 3u << 12,
	FLAG_NT = 1u << 14,
	FLAG_RF = 1u << 16,
	FLAG_VM = 1u << 17,
	FLAG_AC = 1u << 18,
	FLAG_ID = 1u << 21,
};

/* CR0 bits (Intel 80386 PRM 4.1.3; WP, AM, NE, NW, CD: i486 PRM 4.1.3). */
enum {
	CR0_PE = 1u << 0,
	CR0_MP = 1u << 1,
	CR0_EM = 1u << 2,
	CR0_TS = 1u << 3,
	CR0_ET = 1u << 4,
	CR0_NE = 1u << 5,
	CR0_WP = 1u << 16,
	CR0_AM = 1u << 18,
	CR0_NW = 1u << 29,
	CR0_CD = 1u << 30,
	CR0_PG = 1u << 31,
};

/* Why cpu_run() returned. */
enum cpu_exit {
	CPU_EXIT_BUDGET = 0,   /* the instruction budget is spent */
	CPU_EXIT_HLT,          /* HLT executed (EIP is past it) and no interrupt is pending */
	CPU_EXIT_IO,           /* IN/OUT/INS/OUTS to a port in the trap bitmap; not executed */
	CPU_EXIT_TRAP,         /* a sensitive instruction in trap_mask; not executed */
	CPU_EXIT_EXCEPTION,    /* an exception whose vector is in exception_exit_mask; not delivered */
	CPU_EXIT_INVALID,      /* invalid opcode (#UD) with vector 6 in exception_exit_mask */
	CPU_EXIT_SHUTDOWN,     /* a fault while delivering a double fault (triple fault);
				* exit.chain has the exceptions. The CPU state is as at
				* the first fault; a PC resets the processor now */
	CPU_EXIT_STOP,         /* cpu_request_stop() was called (from a bus callback, say) */
	CPU_EXIT_V86_HLT,      /* HLT in virtual-8086 mode, with CPU_TRAP_V86_HLT in trap_mask:
				* not executed, EIP at the HLT. The monitor decides: its own
				* supervisor call (it moves EIP on), or the guest's #GP(0)
				* (cpu_raise()) as the hardware would do */
};

/* Sensitive instructions that can be trapped (struct cpu.trap_mask). The
 * real-mode traps (all but CPU_TRAP_V86_HLT) apply only in real mode. */
enum cpu_trap {
	CPU_TRAP_CLI = 1u << 0,
	CPU_TRAP_STI = 1u << 1,
	CPU_TRAP_PUSHF = 1u << 2,
	CPU_TRAP_POPF = 1u << 3,
	CPU_TRAP_INT = 1u << 4,   /* INT n, INT3, INTO (when it would interrupt) */
	CPU_TRAP_IRET = 1u << 5,
	CPU_TRAP_HLT = 1u << 6,
	CPU_TRAP_V86_HLT = 1u << 7, /* HLT in V86 mode: CPU_EXIT_V86_HLT instead of #GP(0) */
};

/* Operating mode (Intel 80386 PRM 1.4, 15.1). */
enum cpu_mode { CPU_MODE_REAL = 0, CPU_MODE_PROT, CPU_MODE_V86 };

/* Details of the last exit; valid until the next cpu_run(). */
struct cpu_exit_info {
	enum cpu_exit reason;
	uint32_t trap;        /* CPU_EXIT_TRAP: one enum cpu_trap bit */
	uint8_t vector;       /* TRAP of INT n / EXCEPTION / INVALID: the vector */
	bool has_error;       /* EXCEPTION: the exception pushes an error code ... */
	uint32_t error;       /* ... and this is it */
	uint16_t port;        /* IO: port number */
	uint8_t io_size;      /* IO: 1, 2 or 4 bytes */
	bool io_write;        /* IO: OUT/OUTS */
	bool io_string;       /* IO: INS/OUTS */
	uint16_t cs;          /* CS:EIP of the instruction concerned */
	uint32_t ip;
	uint8_t chain_len;    /* SHUTDOWN: the exceptions that led to it, first first */
	uint8_t chain[4];
	enum cpu_mode mode;   /* the mode at the exit */
};

/*
 * Memory and I/O callbacks. Every callback gets `ctx` first. Physical pages
 * mapped with cpu_map_ram() never reach mem_read8/mem_write8 (which get
 * physical addresses). Unmapped memory with a NULL callback reads 0xFF and
 * ignores writes; I/O ports with NULL callbacks read all ones.
 */
struct cpu_bus {
	void *ctx;
	uint8_t (*mem_read8)(void *ctx, uint32_t phys);
	void (*mem_write8)(void *ctx, uint32_t phys, uint8_t value);
	uint32_t (*io_read)(void *ctx, uint16_t port, unsigned size);
	void (*io_write)(void *ctx, uint16_t port, unsigned size, uint32_t value);
	/* The FPU's error output (FERR# on the 486, ERROR# of the 287/387, the
	 * 8087's INT): asserted when an unmasked exception is pending and
	 * CR0.NE is clear; the board latches it into IRQ 13 (IBM AT
	 * Technical Reference: port F0h clears the latch). NULL = not wired. */
	void (*fpu_error)(void *ctx, bool asserted);
	/* Acknowledge the pending external interrupt: return its vector (0-255),
	 * or -1 when there is none to deliver after all (the host took it, or
	 * it went away). Called only when cpu_set_irq(c, true) and IF allow it.
	 * NULL = no interrupts. */
	int (*intr_ack)(void *ctx);
};

#define CPU_PAGE_SHIFT 12
#define CPU_PAGE_SIZE (1u << CPU_PAGE_SHIFT)

/* The software TLB (tlb.c): direct-mapped, indexed by linear page. 1024
 * entries hold the whole real-mode address space (1 MiB + 64 KiB) at once. */
#define CPU_TLB_BITS 10
#define CPU_TLB_SIZE (1u << CPU_TLB_BITS)
#define CPU_STLB_SIZE 32u /* entries of the system translation cache (tlb.c) */
/* The physical map (phys.c): 4 MiB chunks of 1024 pages. */
#define CPU_PCHUNK_SHIFT 22
#define CPU_PCHUNKS 1024u

union cpu_gpr {
	uint32_t d;
	uint16_t w[2];
	uint8_t b[4];
};

/* A segment descriptor as the processor caches it behind a segment
 * register, LDTR or TR (Intel 80386 PRM 5.1.1, 5.1.2). */
struct cpu_desc {
	uint32_t base;
	uint32_t limit;   /* in bytes: granularity already applied */
	uint16_t attr;    /* descriptor byte 5 (type, S, DPL, P) in bits 0-7, byte 6
			   * bits 4-7 in bits 12-15 (AVL 12, D/B 14, G 15) */
};

/* Attribute bits of struct cpu_desc.attr. */
enum {
	DESC_TYPE = 0x0F,     /* with S: bit 3 code, bit 2 conforming/expand-down,
			       * bit 1 readable/writable, bit 0 accessed */
	DESC_S = 0x10,        /* code or data (else a system descriptor) */
	DESC_DPL_SHIFT = 5,
	DESC_DPL = 0x60,
	DESC_P = 0x80,
	DESC_AVL = 0x1000,
	DESC_DB = 0x4000,
	DESC_G = 0x8000,
};

/* One TLB entry: rd/wr are the linear page base that may be read/written
 * through it, or 1 (never a page base); the host address of linear `lin`
 * is addend + lin. */
struct cpu_tlbe {
	uint32_t rd;
	uint32_t wr;
	uintptr_t addend;
};

/* One entry of the system translation cache (tlb.c stlb_translate()):
 * the supervisor-rights translation of linear page `page` (TLB_NONE: the
 * entry is empty) to physical page `phys`, the host addresses of that
 * page for reads and for writes (NULL: the bus), and what the walk that
 * filled it found or made true (PAGE_* of cpu_internal.h: supervisor
 * write allowed, accessed bits set, dirty bit set). */
struct cpu_stlbe {
	uint32_t page;
	uint32_t phys;
	uint8_t *rd, *wr;
	uint32_t rights;
};

struct cpu_trace;
struct bc_block;
struct bc_page;
struct insn;

/* The physical map of one 4 MiB chunk: host pointers per 4 KiB page (NULL:
 * the bus), for reads and for writes side by side (a range of pages is one
 * run of memory), and, for pages that decoded blocks were made from, the
 * block cache's record of them (see block_cache.h). 24 KiB: chunks are
 * page-aligned slots of one mapping (phys.c), so a chunk costs the pages
 * its mapped entries fill and nothing else. */
struct cpu_pchunk {
	struct cpu_ppage {
		uint8_t *rd, *wr;
	} page[1u << (CPU_PCHUNK_SHIFT - CPU_PAGE_SHIFT)];
	struct bc_page *code[1u << (CPU_PCHUNK_SHIFT - CPU_PAGE_SHIFT)];
};

/* A chunk of the physical map as struct cpu holds it: where its pages are,
 * or, for a chunk mapped whole to one host range, only that range's start
 * (uniform; its page entries are then not filled: phys.c). Kept here, not
 * in the chunk, so that mapping a chunk whole touches no page of the
 * chunks' mapping. */
struct cpu_pmap {
	struct cpu_pchunk *chunk; /* NULL: no page of the chunk is mapped */
	uint8_t *uniform;
	bool uniform_writable;
};

/* What the TLB keeps beside each entry for writes that the slow path
 * checks: the linear page when it may be written but holds decoded code
 * (its write tag is then TLB_NONE, so writes come to the slow path, which
 * checks them against the code: block_cache.h), else TLB_NONE; while
 * wcode is a page, a summary of where the page's translated bytes are
 * not, so that a write beside code is told from a write to code without
 * reading the page's bitmap (docs/cpu-speed.md, "Session 15"):
 * - bytes [free_lo, free_hi) of the page hold no translated byte;
 * - bit j of chunks clear: bytes 64j .. 64j + 66 (inside the page) hold
 *   none, so no write of up to 4 bytes starting in the j-th 64 bytes
 *   touches one.
 * Both may claim less than is free, never more (block_cache.c
 * page_mark(), which updates every entry of the page before translated
 * bytes are added). 16 bytes, indexed as the TLB. */
struct cpu_tlbx {
	uint32_t wcode;
	uint16_t free_lo, free_hi;
	uint64_t chunks;
};

/* And what the slow paths use: the physical page, and with wcode the
 * block cache's record of the page. */
struct cpu_tlbp {
	uint32_t phys;
	struct bc_page *code;
};

/* Figures of the decoded-block cache (cpu_code_stats()), since it was made
 * (the first cpu_run() after cpu_init() or after it was turned on). */
struct cpu_code_stats {
	uint64_t hits;          /* a cached block was run */
	uint64_t misses;        /* a block was recorded: none was cached, or the
				 * cached one no longer fit the context */
	uint64_t rechecks;      /* a block was checked again after the mapping
				 * epoch moved (still on the same physical bytes?) */
	uint64_t invalidations; /* blocks dropped because their bytes were written */
	uint64_t code_writes;   /* writes that touched translated bytes */
	uint64_t data_writes;   /* writes to a page with code that touched none */
	uint64_t smc_stops;     /* running or recording blocks ended by such a write */
	uint64_t evictions;     /* blocks evicted to make room (flushes), and parked
				 * blocks given up before they were revived (the
				 * parks' limits, a flush, a remap of their page) */
	uint64_t flushes;       /* times the whole cache was emptied */
	uint64_t blocks;        /* blocks in the cache now */
	uint64_t bytes;         /* arena bytes holding cached blocks now */
	uint64_t pages;         /* physical pages holding blocks now */
	uint64_t store_hits;    /* blocks taken from the code store (cpu_set_code_store())
				 * instead of being decoded (not counted in misses) */
	uint64_t store_adds;    /* blocks recorded here and given to the store */
	uint64_t singles;       /* instructions decoded and run on their own, not cached
				 * (they cross a page or the end of the IP range); the
				 * block before one is counted in misses with it */
	uint64_t jit_blocks;    /* blocks compiled to host code (jit.h) */
	uint64_t jit_bytes;     /* host code bytes written for them */
	uint64_t jit_flushes;   /* times this CPU's host code was all dropped (the area
				 * was full and made anew: jit_area.c) */
	uint64_t jit_shared;    /* blocks taken from the code store with their compiled
				 * code (compiled by this or another CPU of the host) */
	uint64_t fast_links;    /* compiled blocks entered from compiled blocks through
				 * a remembered link (bc_fast: the link stub's fast
				 * path, or its link table); counted in hits too */
	uint64_t parked;        /* blocks kept aside when a write over all of their
				 * page's code, or a long one over part of it,
				 * dropped them (counted in invalidations) */
	uint64_t revived;       /* parked blocks taken back when their bytes were in
				 * memory again (not counted in misses or store_hits) */
	uint64_t jit_slow;      /* inline accesses of compiled code that called the
				 * slow path (a TLB miss, a failed limit check; not a
				 * code page write served by SH_CPW*: jit_compile.c) */
	uint64_t jit_fallbacks; /* inline instructions of compiled code that called their
				 * handler instead (DF set for a string instruction, a
				 * divisor of 0, an access off the inline path, ...) */
};

/* Decoded blocks shared by the CPUs of one host and kept after their code
 * is overwritten (code_store.c, docs/cpu-speed.md): found by the bytes of
 * the code, not by where it is. Thread-safe; owned by whoever made it (a
 * vm16_host, or a VM without one), which must outlive the CPUs using it. */
struct cpu_code_store;
struct cpu_code_store_stats {
	uint64_t lookups;       /* CPUs asked for a block (their cache missed) */
	uint64_t hits;          /* ... and got one */
	uint64_t adds;          /* blocks added */
	uint64_t evictions;     /* blocks evicted to stay under the limit */
	uint64_t scans;         /* entries looked at to evict (its cost) */
	uint64_t codes;         /* compiled code given to it with a block (the JIT) */
	uint64_t blocks;        /* blocks held now */
	uint64_t bytes;         /* memory they take now */
	uint64_t limit;         /* the byte limit */
};
/* A store of at most limit bytes of blocks (0: CPU_CODE_STORE_DEFAULT).
 * 0 or -ENOMEM. */
#define CPU_CODE_STORE_DEFAULT ((size_t)64 << 20)
int cpu_code_store_create(struct cpu_code_store **out, size_t limit);
void cpu_code_store_destroy(struct cpu_code_store *s);
/* Evicts blocks, the oldest not used since first (second chance), until it
 * holds at most limit bytes. */
void cpu_code_store_set_limit(struct cpu_code_store *s, size_t limit);
void cpu_code_store_stats(struct cpu_code_store *s, struct cpu_code_store_stats *st);

/* The JIT (src/cpu/jit.h): hot decoded blocks compiled to x86-64 code.
 * OFF: the interpreter only. ON: blocks that ran 16 times (256 without a
 * code store) are compiled, unless they would mostly call handlers anyway
 * (jit.h jit_worth()).
 * FORCE: every block is compiled once it is decoded (the tests run so).
 * Hosts other than x86-64 always run as OFF. */
enum cpu_jit { CPU_JIT_OFF = 0, CPU_JIT_ON = 1, CPU_JIT_FORCE = 2 };
#define CPU_JIT_DEFAULT CPU_JIT_ON
/* Host features the JIT's code may use where the host has them
 * (docs/cpu-speed.md, "The JIT", Host features): each has a fallback of
 * baseline x86-64 instructions, which the tests run by turning them off
 * (cpu_set_jit_host()). */
enum cpu_jit_host {
	CPU_JIT_HOST_BMI2 = 1u << 0, /* RORX for the inline accesses' TLB index */
	CPU_JIT_HOST_SAHF = 1u << 1, /* SAHF in 64-bit mode (CPUID 80000001h ECX
				      * bit 0): the host's flags for a Jcc after SAHF */
	CPU_JIT_HOST_ALL = CPU_JIT_HOST_BMI2 | CPU_JIT_HOST_SAHF,
};
/* The code area a host or a CPU of its own makes (bytes). */
#define CPU_JIT_AREA_DEFAULT ((size_t)32 << 20)

/* A code area shared by the CPUs of one host (vm16_host): a mapping of
 * `limit` bytes, never writable and executable at once, filled by the
 * CPUs as they compile; code compiled by one CPU serves every CPU of the
 * host that shares its code store (cpu_set_code_store()). A full area is
 * made anew (a flush: the old mapping is unmapped once no CPU can run its
 * code, jit_area.c). NULL if it cannot be made. */
struct cpu_jit_area;
struct cpu_jit_area *cpu_jit_area_create(size_t limit);
/* After every CPU using it was destroyed. */
void cpu_jit_area_destroy(struct cpu_jit_area *a);
/* Bytes of the area, and bytes of code in it now. */
void cpu_jit_area_usage(const struct cpu_jit_area *a, size_t *limit, size_t *used);
/* Times the area was full and made anew. */
uint64_t cpu_jit_area_flushes(const struct cpu_jit_area *a);

/* The instruction prefetch queue as the models have it (prefetch.c;
 * docs/cpu-speed.md, "Session 16 (issue 13)"): the bytes the queue holds
 * that memory no longer does, because the instruction that changed them had
 * them prefetched already. Empty (mask 0) nearly always. */
struct cpu_pq {
	uint8_t len;       /* the queue's length Q, 0 with the model off */
	bool off;          /* the model off: cpu_init()'s default, cpu_set_prefetch(c, false) */
	bool bus8;         /* the 8088's 8-bit bus: a 4-byte queue (cpu_set_8bit_bus()) */
	uint32_t mask;     /* bit k: the queue's byte at linear base + k is old[k] */
	uint32_t base;     /* linear address of bit 0 */
	uint32_t next;     /* linear address of the next instruction it holds */
	uint8_t old[32];
};

/*
 * The CPU state. Fields outside `in` are read and written by the caller
 * between runs (use cpu_get_flags()/cpu_set_flags() and cpu_load_seg() or
 * cpu_set_seg() for EFLAGS and segment registers: they keep cached state
 * right).
 */
struct cpu {
	union cpu_gpr r[9];       /* EAX..EDI in ModR/M order; r[8] is always 0 */
	uint32_t ip;              /* EIP (IP in 16-bit code) */
	uint16_t seg[SEG_COUNT];  /* selector values */
	uint32_t seg_base[SEG_COUNT + 1];  /* bases from the descriptor caches; [SEG_COUNT] is 0 */

	/* ---- internal state: use the functions ---- */
	/* Compiled code reaches the CPU through a register pointing
	 * JIT_CPU_BIAS bytes into it (jit_compile.c), so that the fields
	 * from r[] to the start of in.tlb[] take 8-bit displacements: keep
	 * the registers and the hottest internal fields (to in.tlb) within
	 * the first 255 bytes, and the rest of the public fields after `in`
	 * (docs/cpu-speed.md, "Session 15: the CPU within 8-bit
	 * displacements"). */
	struct {
		/* Segment access checks, hottest first: an access of n bytes at
		 * offset off is allowed on the fast path when off + n - 1 <
		 * rd_end (reads) or wr_end (writes). end = limit + 1 for an
		 * expand-up segment of that kind, 0 for everything the slow path
		 * must look at (expand-down, not readable/writable, null). */
		uint64_t rd_end[SEG_COUNT + 1];
		uint64_t wr_end[SEG_COUNT + 1];
		/* Lazy arithmetic flags (see flags.h). */
		int32_t lf_res;
		uint32_t lf_aux;
		uint32_t lf_b;
		uint32_t flags;          /* non-arithmetic EFLAGS bits (TF IF DF IOPL NT RF VM AC ID, fixed bits) */
		uint32_t events;         /* nonzero = check slow path between instructions */
		/* A write dropped the running block (block_cache.c
		 * stop_if_running()): it ends after the writing instruction,
		 * where threaded code (insn_chain()) and compiled code (after a
		 * called handler or a slow-path write: jit_compile.c
		 * emit_smc_check()) look, rather than by a patch in the block's
		 * instructions, which other CPUs may run too. Cleared by the
		 * stop (bc_stop()) and by bc_run_block(). */
		bool smc_stop;
		uint64_t budget_left;
		struct bc_block *blk;     /* block running threaded (block_cache.c) */
		const struct insn *cur;   /* its instruction running now */
		struct cpu_tlbe tlb[CPU_TLB_SIZE];
		uint32_t ip_mask;        /* FFFFh in 16-bit code, FFFFFFFFh in 32-bit code */
		uint32_t sp_mask;        /* FFFFh with a 16-bit stack (SS.B = 0), else FFFFFFFFh */
		uint8_t cpl;             /* current privilege level (0 in real mode, 3 in V86) */
		uint8_t mode_bits;       /* BC_MODE_* (block_cache.h): what decoded blocks depend on */
		uint32_t epoch;          /* the mapping epoch in force: epoch_paged with paging, else epoch_flat */
		uint32_t epoch_flat;     /* bumped when linear-to-physical mappings change (24 bits, never 0): */
		uint32_t epoch_paged;    /* odd without paging, even with it (tlb.c epoch_bump()) */
		uint64_t bc_ctx;         /* (mode_bits | epoch << 8) << 32: a block's context (block_cache.h) */
		uint64_t link_check;     /* bc_ctx | bcache->link_epoch: what a remembered link's
					  * check word must equal (block_cache.h bc_link_check_update()) */
		/* Figures compiled code counts itself, in the line of link_check
		 * (the link stub reads it on every link) rather than behind
		 * c->in.bcache: a link pays one increment, not a load of the
		 * pointer and an increment of another line. cpu_code_stats()
		 * adds them to the cache's; bc_free() clears them. */
		uint64_t fast_links;     /* struct cpu_code_stats fast_links: through fast[] */
		uint64_t ltab_links;     /* ... and through the link table (bcache->ltab) */
		uint64_t jit_hits;       /* its hits other than those (the stub's succ[] path,
					  * a compiled loop's jump back) */
		struct cpu_desc sd[SEG_COUNT + 1]; /* descriptor caches ([SEG_COUNT]: flat, for system use) */
		uint32_t a20_mask;       /* applied to every physical address (A20 gate, address lines) */
		bool a20;
		bool irq_line;
		bool halted;
		uint16_t halt_cs;         /* CS:IP after the HLT; moving it wakes the CPU */
		uint32_t halt_ip;
		bool stop_requested;
		bool inhibit_irq;        /* one-instruction interrupt shadow (MOV SS, POP SS, STI) */
		uint8_t fault_depth;
		uint8_t fault_vector;     /* vector passed to cpu_fault() */
		bool fault_has_err;
		uint32_t fault_err;
		uint8_t fault_chain[3];   /* the exceptions being delivered, by depth */
		uint8_t fault_hist[4];    /* every exception of the current chain, in order */
		uint8_t fault_nhist;
		bool deliver_ext;         /* delivering an external event: error codes get EXT */
		uint32_t fault_next_ip;   /* IP after the faulting instruction (8086 #DE) */
		uint32_t cr0, cr2, cr3;
		/* The paged epoch paging was last turned off under, kept for
		 * cpu_resume_paging() (tlb.c); 0: none to resume. */
		uint32_t kept_epoch;
		uint32_t kept_wp;         /* CR0.WP it stood for */
		uint32_t dr[8];           /* debug registers (DR4/DR5 alias DR6/DR7) */
		uint32_t treg[8];         /* 386 test registers (stored) */
		uint32_t idt_base;        /* IDTR (the IVT base in real mode, 0 at reset) */
		uint16_t idt_limit;
		uint32_t gdt_base;
		uint16_t gdt_limit;
		uint16_t ldtr;            /* LDTR selector and its descriptor cache */
		struct cpu_desc ldt;
		uint16_t tr;              /* TR selector and its descriptor cache (the TSS) */
		struct cpu_desc tss;
		bool tlb_super;           /* the TLB holds translations user mode may not use */
		bool tlb_clean;           /* every TLB entry is empty (no fill since tlb_drop()) */
		uint64_t tlb_used[CPU_TLB_SIZE / 64]; /* slots filled since tlb_drop() (tlb.c) */
		/* Supervisor-rights translations for the processor's own
		 * accesses and the host's (tlb.c stlb_translate()). */
		struct cpu_stlbe stlb[CPU_STLB_SIZE];
		uint32_t stlb_used;       /* its entries filled since stlb_drop() (a bit each) */
		uint8_t dr_exec;          /* DR7 instruction breakpoints enabled (bits 0-3) */
		uint8_t dr_data;          /* DR7 data breakpoints enabled (bits 0-3) */
		uint32_t dr_page[4];      /* the page of DR0-DR3 when enabled in dr_data (debug.c) */
		uint8_t dr_hit;           /* data breakpoints hit by the current instruction */
		bool ac_check;            /* 486 alignment checks active (CR0.AM, AC, CPL 3) */
		uint32_t insn_ip;        /* IP of the current instruction's first byte */
		uint32_t insn_sp;        /* ESP before the current instruction */
		uint32_t mxcsr;          /* the host's MXCSR, as a compiled x87 run's check read it */
		jmp_buf fault_jmp;       /* target of cpu_fault() inside cpu_run() */
		struct cpu_trace *trace; /* NULL = tracing off */
		struct block_cache *bcache; /* decoded blocks, allocated by cpu_run() */
		bool bcache_off;
		struct cpu_code_store *cstore; /* shared blocks, or NULL (cpu_set_code_store()) */
		bool fpu_general;         /* no x87 fast paths (cpu_set_fpu_fast()) */
		struct jit *jit;          /* the JIT's state (jit.h), NULL until it compiles */
		struct cpu_jit_area *jit_area; /* the host's code area, NULL: a private one */
		uint8_t jit_mode;         /* enum cpu_jit in effect */
		bool perf_map;            /* name compiled code for perf (MVDM_PERF_MAP=1, jit.h) */
		uint8_t jit_host;         /* enum cpu_jit_host: what the JIT uses (cpu_set_jit_host()) */
		unsigned link_depth;      /* blocks entered through bc_link() */
		uint64_t unretired;       /* budget units that retired nothing */
		uint64_t rep_extra;       /* units charged for REP iterations beyond the first
					   * of each chunk (ops_string.c) */
		_Alignas(16) struct cpu_tlbx tlb_x[CPU_TLB_SIZE];
		struct cpu_tlbp tlb_p[CPU_TLB_SIZE];
		struct cpu_pmap pmap[CPU_PCHUNKS];
		struct cpu_pchunk *pchunks; /* where the chunks live (phys.c), or NULL */
		/* Writes to a page holding code that touched no translated byte,
		 * counted here by the code-page write paths and added to the
		 * block cache's data_writes by cpu_code_stats(); 0 again when the
		 * cache is freed. */
		uint64_t code_page_data_writes;
		/* Inline instructions of compiled code that called their
		 * handler instead (a fallback: jit_compile.c emit_fallback()),
		 * counted by that code; cpu_code_stats()' jit_fallbacks. */
		uint64_t jit_fallbacks;
		struct cpu_pq pq; /* the prefetch queue's old bytes (prefetch.c) */
	} in;

	/* ---- the caller's again ---- */
	enum cpu_model model;
	enum cpu_fpu fpu;              /* the x87 attached: cpu_set_fpu() */
	struct cpu_x87 x87;            /* its registers (harnesses read and write them) */
	uint32_t trap_mask;            /* enum cpu_trap bits to exit on */
	uint32_t exception_exit_mask;  /* vectors 0-31 that exit instead of being delivered */
	const uint8_t *io_trap_bitmap; /* 8192 bytes, bit set = exit CPU_EXIT_IO; NULL = none.
					* Checked after the guest's own I/O permission
					* (IOPL, TSS bitmap) in protected and V86 mode */
	uint64_t retired;              /* instructions retired since cpu_init(); updated when
					* cpu_run() returns (bus callbacks see the value of
					* the last return) */
	uint64_t work;                 /* budget units spent since cpu_init(): one per
					* instruction, plus one per further iteration of
					* each chunk of a repeated string instruction, plus
					* restarted chunks; updated when cpu_run() returns */
	struct cpu_exit_info exit;
	struct cpu_bus bus;
};

/* Reset to the model's power-on state with no memory mapped. `c` is
 * uninitialised memory or a CPU released with cpu_destroy(). */
void cpu_init(struct cpu *c, enum cpu_model model, const struct cpu_bus *bus);
/* cpu_init() of a `c` whose every byte is zero (fresh calloc() memory):
 * the same state, but the TLB (32 KiB of the structure) is not written, so
 * its pages cost nothing until used (a one-shot `mvdm run` faulted in
 * 8 pages for it). */
void cpu_init_zeroed(struct cpu *c, enum cpu_model model, const struct cpu_bus *bus);

/* The processor's RESET: power-on register state again (Intel 80386 PRM
 * 10.1: real mode, CS:EIP F000:FFF0 with the CS base at the top of the
 * address space), keeping the bus, the memory map, the A20 gate, the block
 * cache and the trace. Cheap: test harnesses reuse one CPU with it. */
void cpu_reset(struct cpu *c);

/* The decoded-block cache (on by default, allocated on the first
 * cpu_run(); it grows with the code run, up to about 16 MiB per CPU).
 * Off: every instruction is decoded as it runs. */
void cpu_set_block_cache(struct cpu *c, bool enabled);
/* Use at most `bytes` for decoded blocks (16 MiB at most, the default;
 * at least room for one block); a full cache is emptied and fills again.
 * Makes the cache now if it is on; empties it if it holds more. */
void cpu_set_block_cache_limit(struct cpu *c, size_t bytes);
/* The cache's figures (zero while it is off). */
void cpu_code_stats(const struct cpu *c, struct cpu_code_stats *s);
/* Share decoded blocks through store s (NULL: none, the default): a block
 * the cache does not hold is taken from s when s holds one decoded from the
 * same bytes in the same context, and blocks recorded here are added to s. */
void cpu_set_code_store(struct cpu *c, struct cpu_code_store *s);
/* The JIT mode (enum cpu_jit). cpu_init() takes it from the environment
 * variable MVDM_JIT (off, on, force) or else CPU_JIT_DEFAULT. Changing
 * it drops the code compiled so far. */
void cpu_set_jit(struct cpu *c, enum cpu_jit mode);
enum cpu_jit cpu_get_jit(const struct cpu *c);
/* Compile into the host's area a (NULL: a private area of the CPU, made
 * when it first compiles). Drops the code compiled so far. */
void cpu_set_jit_area(struct cpu *c, struct cpu_jit_area *a);
/* Let the JIT use only the host features in mask (enum cpu_jit_host) of
 * those the host has: cpu_init() takes the mask from the environment
 * variable MVDM_JIT_HOST (a comma-separated list of bmi2, sahf, all,
 * none; unknown names are ignored), else CPU_JIT_HOST_ALL. Code compiled
 * with one set is shared through the code store only with CPUs using the
 * same set (code_store.h cs_sig()). Drops the code compiled so far. */
void cpu_set_jit_host(struct cpu *c, unsigned mask);
/* The host features the JIT uses (the mask's that the host has). */
unsigned cpu_get_jit_host(const struct cpu *c);

/* The prefetch queue (off by default: cpu_init(); the VM setting
 * CPU_PREFETCH): an instruction's write to the bytes after it that the
 * model's queue (8088 4 bytes: cpu_set_8bit_bus(), 8086/80186/80286 6
 * bytes, 80386 16, 80486 32) had fetched already is not seen by execution until a
 * jump, call, return, interrupt or exception empties the queue, or
 * execution passes those bytes (docs/cpu-speed.md, "Session 16
 * (issue 13): the prefetch queue"). Off: every write is seen by the next
 * instruction fetched, as on the Pentium. */
void cpu_set_prefetch(struct cpu *c, bool on);
bool cpu_get_prefetch(const struct cpu *c);
/* The 8088: the 8086 (CPU_8086, the same instructions) with an 8-bit data
 * bus, which programs see only through its prefetch queue of 4 bytes
 * instead of 6 (Intel 8088 data sheet; 8086 Family User's Manual, the
 * 8088's bus interface unit). Off by cpu_init(); on for the other models
 * it changes nothing. Like cpu_set_prefetch(), drops the code translated
 * so far when the queue's length changes. */
void cpu_set_8bit_bus(struct cpu *c, bool on);

/* Map host memory at physical [base, base+size) for direct access. base and
 * size are multiples of CPU_PAGE_SIZE. `writable` false makes it ROM: writes go
 * to bus.mem_write8 (which may ignore them). host == NULL unmaps.
 * Returns 0, -EINVAL or -ENOMEM. The caller owns `host` and keeps it alive.
 * Host code that writes mapped memory directly (not through cpu_poke*) must
 * then call cpu_mem_written() for that range, so that code cached from it is
 * checked again (cpu_reset() does this for all memory). */
int cpu_map_ram(struct cpu *c, uint32_t base, uint32_t size, uint8_t *host, bool writable)
	__attribute__((warn_unused_result));

/* Tell the CPU that the host wrote guest memory at physical [phys, phys+size). */
void cpu_mem_written(struct cpu *c, uint32_t phys, uint32_t size);

/* Run until `budget` units of work are spent (an instruction is one unit,
 * each further iteration of a repeated string instruction one more: see
 * `work`), or until an exit. */
enum cpu_exit cpu_run(struct cpu *c, uint64_t budget);

/* EFLAGS as the guest sees them (PUSHFD value, VM and RF included), and
 * loading them (the model's fixed and writable bits apply; VM is taken as
 * given: the caller switches modes with it). */
uint32_t cpu_get_flags(const struct cpu *c);
void cpu_set_flags(struct cpu *c, uint32_t flags);

/* Attach an x87 (or none) and put it in its FNINIT state; on the 80386
 * CR0.ET then says whether it is there. */
void cpu_set_fpu(struct cpu *c, enum cpu_fpu fpu);
/* FNINIT: the x87's initial state (Intel 80387 PRM 6, FINIT). */
void cpu_fpu_init(struct cpu *c);
/* Use the x87 fast paths (docs/x87.md, "Speed"; on by default) or only
 * the general soft-float paths, for instructions decoded from now on (set
 * it before running code). Both give the same results: tests compare
 * them. */
void cpu_set_fpu_fast(struct cpu *c, bool on);
/* The x87 status word with TOP, as FNSTSW stores it. */
uint16_t cpu_fpu_status(const struct cpu *c);
/* Name of an FPU choice ("none", "8087", "80287", "80387"). */
const char *cpu_fpu_name(enum cpu_fpu f);

/* Load a segment register as real and virtual-8086 mode do (base = value
 * << 4; in V86 mode also limit FFFFh and data attributes). In protected
 * mode use cpu_set_seg(). */
void cpu_load_seg(struct cpu *c, enum cpu_seg s, uint16_t value);

/* Load a segment register in the current mode: real/V86 as cpu_load_seg(),
 * protected mode from the GDT/LDT with the checks of MOV Sreg (CS: of a far
 * jump to a code segment, at its own DPL). Returns 0, or -EFAULT when the
 * guest would take an exception (nothing changed). */
int cpu_set_seg(struct cpu *c, enum cpu_seg s, uint16_t selector);

/* The hidden part of a segment register (for harnesses and diagnostics),
 * and setting it directly (no checks; CS sets the CPL from its DPL). */
void cpu_get_desc(const struct cpu *c, enum cpu_seg s, struct cpu_desc *d);
void cpu_set_desc(struct cpu *c, enum cpu_seg s, uint16_t selector, const struct cpu_desc *d);

/* The mode, and the current privilege level. */
enum cpu_mode cpu_mode(const struct cpu *c);
unsigned cpu_cpl(const struct cpu *c);

/* Control and system registers for harnesses and monitors (n = 0, 2, 3 for
 * CR0/CR2/CR3). cpu_set_cr applies the mode and TLB consequences. Returns 0
 * or -EINVAL (no such register on this model). */
uint32_t cpu_get_cr(const struct cpu *c, unsigned n);
int cpu_set_cr(struct cpu *c, unsigned n, uint32_t value);
/* cpu_set_cr(c, 0, cr0) for a monitor that turns paging off and on
 * around real-mode work of its own and knows its page tables unchanged
 * meanwhile: when this load turns paging on again with CR3 and CR0.WP as
 * they were when paging was last turned off, and no mapping change came
 * between (a CR3 load, INVLPG, a task switch, A20, the physical map,
 * paging turned on), it takes up the paged mapping epoch that was in
 * force then instead of a new one, so that decoded blocks of that mapping
 * stay valid without a recheck, and so do the supervisor translations
 * of the system translation cache; the TLB is emptied all the same
 * (tlb.c tlb_pause_paging()). The caller's contract: the page tables' bytes
 * have not changed since paging was turned off, as a processor whose TLB
 * was not flushed would assume (Intel 80386 PRM 5.2.5: only a CR3 load
 * flushes it; a program that changes the tables must load CR3). Returns
 * 1 (epoch resumed), 0 (loaded with a new epoch, as cpu_set_cr) or
 * -EINVAL. */
int cpu_resume_paging(struct cpu *c, uint32_t cr0);
void cpu_set_gdt(struct cpu *c, uint32_t base, uint16_t limit);
void cpu_set_idt(struct cpu *c, uint32_t base, uint16_t limit);
/* LDTR and TR from the descriptors their selectors name in the current
 * GDT, as LLDT and LTR load them, for monitors that build a protected-mode
 * context (no busy bit is set; 0 makes the LDT unusable). Returns 0 or
 * -EINVAL (not an LDT / TSS descriptor in the GDT). */
int cpu_set_ldtr(struct cpu *c, uint16_t selector);
int cpu_set_tr(struct cpu *c, uint16_t selector);
/* Debug registers DR0-DR3, DR6, DR7 for monitors (as MOV DRn writes
 * them). get: the value, 0 for others; set: 0 or -EINVAL. */
uint32_t cpu_get_dr(const struct cpu *c, unsigned n);
int cpu_set_dr(struct cpu *c, unsigned n, uint32_t value);

/* Raise or lower the INTR line (level). The CPU calls bus.intr_ack when it
 * takes the interrupt. */
void cpu_set_irq(struct cpu *c, bool asserted);

/* Ask a running cpu_run() to return CPU_EXIT_STOP after the current instruction. */
void cpu_request_stop(struct cpu *c);

/* Deliver an interrupt through the real-mode IVT now (push FLAGS, CS, IP;
 * clear IF and TF; load CS:IP from vector). For monitors that emulate INT n
 * in real mode. Returns 0, or -EFAULT if the push or the vector read
 * faulted, -EPERM outside real mode. */
int cpu_interrupt(struct cpu *c, uint8_t vector);

/* Deliver exception `vector` (with `error` if it has an error code) as if
 * the instruction at CS:EIP had raised it: through the IVT or IDT, with
 * the double-fault rules. For monitors (CPU_EXIT_V86_HLT). Returns 0, or
 * -EFAULT if that shut the CPU down (exit.reason is CPU_EXIT_SHUTDOWN). */
int cpu_raise(struct cpu *c, uint8_t vector, uint32_t error);

/* Guest memory access by linear address for the host: translated by the
 * guest's page tables when paging is on (without faults or accessed bits:
 * an address that is not mapped reads 0xFF and ignores writes), then the
 * physical map and the bus, with A20. Little-endian; a multi-byte peek
 * is one translation when it stays in a page. Translations are cached as
 * the processor's TLB caches them, until the next TLB flush (CR3 load,
 * INVLPG, CR0.PG/WP, A20, cpu_map_ram()): host code that changes the
 * guest's page tables flushes, as the guest must (Intel 80386 PRM 5.2.5),
 * e.g. with cpu_set_cr(c, 3, cpu_get_cr(c, 3)). */
uint8_t cpu_peek8(struct cpu *c, uint32_t linear);
void cpu_poke8(struct cpu *c, uint32_t linear, uint8_t value);
uint16_t cpu_peek16(struct cpu *c, uint32_t linear);
uint32_t cpu_peek32(struct cpu *c, uint32_t linear);
void cpu_poke16(struct cpu *c, uint32_t linear, uint16_t value);

/* The physical address of a linear one as the guest's page tables (when
 * paging is on) and the A20 gate make it, with supervisor rights. Returns
 * 0, or -EFAULT when the page is not present (or not writable, for
 * `write`). No side effects on guest state (the translation is cached as
 * cpu_peek8's are). */
int cpu_linear_to_phys(struct cpu *c, uint32_t linear, bool write, uint32_t *phys);

/* A20 gate for the 286 and later (8086/186 always wrap at 1 MiB). */
void cpu_set_a20(struct cpu *c, bool enabled);

/* Instruction trace: one line per instruction (CS:EIP, bytes, disassembly,
 * registers) to `out`. NULL turns it off. Costs nothing when off. Returns 0 or
 * -ENOMEM. */
int cpu_trace_enable(struct cpu *c, FILE *out) __attribute__((warn_unused_result));
void cpu_trace_disable(struct cpu *c);

/* Disassemble the instruction at sel:off into buf (NUL-terminated): sel is
 * a real-mode segment in real and V86 mode; in protected mode the current
 * CS when sel is its selector, else the descriptor sel names. Returns its
 * length in bytes (>= 1). */
int cpu_disasm(struct cpu *c, uint16_t sel, uint32_t off, char *buf, size_t buflen);

/* Name of a model ("8086", "80186", "80286", "80386", "80486") and parse
 * one (also accepts "186", "286", "386", "486", and "8088" as the 8086: its
 * 4-byte queue is the caller's cpu_set_8bit_bus()). Parse returns -1
 * if unknown. */
const char *cpu_model_name(enum cpu_model m);
int cpu_model_parse(const char *name);

/* Release what the CPU allocated (block cache, trace, physical map). */
void cpu_destroy(struct cpu *c);

#endif
