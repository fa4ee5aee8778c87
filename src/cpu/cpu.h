/*
 * cpu.h - the instruction set translator (IST): an x86 real-mode interpreter.
 *
 * Contract
 * --------
 * - One `struct cpu` per virtual machine; the core has no global mutable state.
 * - The CPU knows nothing about DOS or devices. It reaches memory through a
 *   page map of host RAM (fast path) plus the caller's `struct cpu_bus`
 *   callbacks (unmapped pages, MMIO, ROM writes, I/O ports).
 * - cpu_run() executes until its instruction budget is spent or something the
 *   caller must handle happens, and returns the reason (enum cpu_exit).
 *   The state is always architecturally consistent at a return: either the
 *   instruction completed, or (traps) it has not started and CS:IP points at
 *   its first prefix byte.
 * - Guest input can never crash the host: a bad guest state ends in an exit
 *   reason (CPU_EXIT_SHUTDOWN, ...), never in abort()/exit().
 *
 * Models (Intel 8086/80186/80286/80386 PRMs; differences listed in
 * docs/cpu-models.md): 8086 and 80186 wrap addresses at 1 MiB; the 286 and
 * 386 run in real mode with A20 enabled (linear addresses up to 0x10FFEF).
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
	CPU_MODEL_COUNT
};

/* Register indexes, in ModR/M encoding order. */
enum cpu_reg { REG_AX, REG_CX, REG_DX, REG_BX, REG_SP, REG_BP, REG_SI, REG_DI };
/* Segment register indexes, in ModR/M sreg encoding order. */
enum cpu_seg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_COUNT };

/* FLAGS bits (Intel 80386 PRM 2.3.4). */
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
};

/* Why cpu_run() returned. */
enum cpu_exit {
	CPU_EXIT_BUDGET = 0,   /* the instruction budget is spent */
	CPU_EXIT_HLT,          /* HLT executed (IP is past it) and no interrupt is pending */
	CPU_EXIT_IO,           /* IN/OUT/INS/OUTS to a port in the trap bitmap; not executed */
	CPU_EXIT_TRAP,         /* a sensitive instruction in trap_mask; not executed */
	CPU_EXIT_EXCEPTION,    /* an exception whose vector is in exception_exit_mask; not delivered */
	CPU_EXIT_INVALID,      /* invalid opcode (#UD) with vector 6 in exception_exit_mask */
	CPU_EXIT_SHUTDOWN,     /* fault while delivering a fault (286+: double fault chain) */
	CPU_EXIT_STOP,         /* cpu_request_stop() was called (from a bus callback, say) */
	CPU_EXIT_UNSUPPORTED,  /* the guest tried to enter protected mode (LMSW/MOV CR0 with PE) */
};

/* Sensitive instructions that can be trapped (struct cpu.trap_mask). */
enum cpu_trap {
	CPU_TRAP_CLI = 1u << 0,
	CPU_TRAP_STI = 1u << 1,
	CPU_TRAP_PUSHF = 1u << 2,
	CPU_TRAP_POPF = 1u << 3,
	CPU_TRAP_INT = 1u << 4,   /* INT n, INT3, INTO (when it would interrupt) */
	CPU_TRAP_IRET = 1u << 5,
	CPU_TRAP_HLT = 1u << 6,
};

/* Details of the last exit; valid until the next cpu_run(). */
struct cpu_exit_info {
	enum cpu_exit reason;
	uint32_t trap;        /* CPU_EXIT_TRAP: one enum cpu_trap bit */
	uint8_t vector;       /* TRAP of INT n / EXCEPTION / INVALID: the vector */
	uint16_t port;        /* IO: port number */
	uint8_t io_size;      /* IO: 1, 2 or 4 bytes */
	bool io_write;        /* IO: OUT/OUTS */
	bool io_string;       /* IO: INS/OUTS */
	uint16_t cs;          /* CS:IP of the instruction concerned */
	uint32_t ip;
};

/*
 * Memory and I/O callbacks. Every callback gets `ctx` first. Pages mapped with
 * cpu_map_ram() never reach mem_read8/mem_write8. Unmapped memory with a NULL
 * callback reads 0xFF and ignores writes; I/O ports with NULL callbacks read
 * all ones.
 */
struct cpu_bus {
	void *ctx;
	uint8_t (*mem_read8)(void *ctx, uint32_t linear);
	void (*mem_write8)(void *ctx, uint32_t linear, uint8_t value);
	uint32_t (*io_read)(void *ctx, uint16_t port, unsigned size);
	void (*io_write)(void *ctx, uint16_t port, unsigned size, uint32_t value);
	/* Acknowledge the pending external interrupt: return its vector (0-255),
	 * or -1 when there is none to deliver after all (the host took it, or
	 * it went away). Called only when cpu_set_irq(c, true) and IF allow it.
	 * NULL = no interrupts. */
	int (*intr_ack)(void *ctx);
};

#define CPU_PAGE_SHIFT 12
#define CPU_PAGE_SIZE (1u << CPU_PAGE_SHIFT)
/* Real mode reaches at most FFFF:FFFF + 3 = 0x10FFF2; 2 MiB covers it with A20 on. */
#define CPU_PAGE_COUNT 512u

union cpu_gpr {
	uint32_t d;
	uint16_t w[2];
	uint8_t b[4];
};

struct cpu_trace;
struct bc_block;
struct insn;

/*
 * The CPU state. Fields before `internal` are read and written by the caller
 * between runs (use cpu_get_flags()/cpu_set_flags() and cpu_load_seg() for
 * FLAGS and segment registers: they keep cached state right).
 */
struct cpu {
	union cpu_gpr r[9];       /* EAX..EDI in ModR/M order; r[8] is always 0 */
	uint32_t ip;              /* EIP; only the low 16 bits are used in real mode */
	uint16_t seg[SEG_COUNT];  /* selector values */
	uint32_t seg_base[SEG_COUNT + 1];  /* seg << 4; [SEG_COUNT] is 0 (absolute) */

	enum cpu_model model;
	uint32_t trap_mask;            /* enum cpu_trap bits to exit on */
	uint32_t exception_exit_mask;  /* vectors 0-31 that exit instead of being delivered */
	const uint8_t *io_trap_bitmap; /* 8192 bytes, bit set = exit CPU_EXIT_IO; NULL = none */
	uint64_t retired;              /* instructions retired since cpu_init(); updated when
					* cpu_run() returns (bus callbacks see the value of
					* the last return) */
	uint64_t work;                 /* budget units spent since cpu_init(): one per
					* instruction, plus one per further iteration of
					* each chunk of a repeated string instruction, plus
					* restarted chunks; updated when cpu_run() returns */
	struct cpu_exit_info exit;
	struct cpu_bus bus;

	/* ---- internal state below: use the functions ---- */
	struct {
		/* Lazy arithmetic flags (see flags.h). */
		int32_t lf_res;
		uint32_t lf_aux;
		uint32_t lf_b;
		uint32_t flags;          /* non-arithmetic FLAGS bits (TF IF DF IOPL NT, fixed bits) */
		uint32_t a20_mask;       /* applied to every linear address */
		uint32_t events;         /* nonzero = check slow path between instructions */
		bool irq_line;
		bool halted;
		uint16_t halt_cs;         /* CS:IP after the HLT; moving it wakes the CPU */
		uint32_t halt_ip;
		bool stop_requested;
		bool inhibit_irq;        /* one-instruction interrupt shadow (MOV SS, POP SS, STI) */
		uint8_t fault_depth;
		uint8_t fault_vector;     /* vector passed to cpu_fault() */
		uint32_t fault_next_ip;   /* IP after the faulting instruction (8086 #DE) */
		uint32_t cr0, cr2, cr3;   /* 386 control registers (real mode only) */
		uint32_t dr[8];           /* 386 debug registers (stored, not acted on) */
		uint32_t tr[8];           /* 386 test registers (stored) */
		uint32_t idt_base;        /* real-mode IVT base (LIDT), 0 at reset */
		uint16_t idt_limit;
		uint32_t gdt_base;
		uint16_t gdt_limit;
		uint32_t insn_ip;        /* IP of the current instruction's first byte */
		uint32_t insn_sp;        /* ESP before the current instruction */
		uint64_t budget_left;
		jmp_buf fault_jmp;       /* target of cpu_fault() inside cpu_run() */
		uint8_t *page_rd[CPU_PAGE_COUNT];
		uint8_t *page_wr[CPU_PAGE_COUNT];
		uint32_t page_gen[CPU_PAGE_COUNT]; /* bumped by every write to the page */
		struct cpu_trace *trace; /* NULL = tracing off */
		struct block_cache *bcache; /* decoded blocks, allocated by cpu_run() */
		bool bcache_off;
		const struct bc_block *blk; /* block running threaded (block_cache.c) */
		const struct insn *cur;   /* its instruction running now */
		unsigned link_depth;      /* blocks entered through bc_link() */
		uint32_t blk_ip;          /* IP at its start */
		uint64_t unretired;       /* budget units that retired nothing */
		uint64_t rep_extra;       /* units charged for REP iterations beyond the first
					   * of each chunk (ops_string.c) */
	} in;
};

/* Reset to the model's power-on state with no memory mapped. `c` is
 * uninitialised memory or a CPU released with cpu_destroy(). */
void cpu_init(struct cpu *c, enum cpu_model model, const struct cpu_bus *bus);

/* Power-on register state again, keeping the bus, the memory map, the block
 * cache and the trace (cheap: for test harnesses that reuse one CPU). */
void cpu_reset(struct cpu *c);

/* The decoded-block cache (on by default, about 1 MiB per CPU, allocated on
 * the first cpu_run()). Off: every instruction is decoded as it runs. */
void cpu_set_block_cache(struct cpu *c, bool enabled);

/* Map host memory at linear [base, base+size) for direct access. base and
 * size are multiples of CPU_PAGE_SIZE. `writable` false makes it ROM: writes go
 * to bus.mem_write8 (which may ignore them). host == NULL unmaps.
 * Returns 0 or -EINVAL. The caller owns `host` and keeps it alive.
 * Host code that writes mapped memory directly (not through cpu_poke*) must
 * then call cpu_mem_written() for that range, so that code cached from it is
 * checked again (cpu_reset() does this for all memory). */
int cpu_map_ram(struct cpu *c, uint32_t base, uint32_t size, uint8_t *host, bool writable)
	__attribute__((warn_unused_result));

/* Tell the CPU that the host wrote guest memory [linear, linear+size). */
void cpu_mem_written(struct cpu *c, uint32_t linear, uint32_t size);

/* Run until `budget` units of work are spent (an instruction is one unit,
 * each further iteration of a repeated string instruction one more: see
 * `work`), or until an exit. */
enum cpu_exit cpu_run(struct cpu *c, uint64_t budget);

/* FLAGS as the guest sees them (PUSHF value), and loading them (POPF rules of
 * the model apply: fixed bits, 286 real mode cannot set IOPL/NT). */
uint32_t cpu_get_flags(const struct cpu *c);
void cpu_set_flags(struct cpu *c, uint32_t flags);

/* Load a segment register in real mode (base = value << 4). */
void cpu_load_seg(struct cpu *c, enum cpu_seg s, uint16_t value);

/* Raise or lower the INTR line (level). The CPU calls bus.intr_ack when it
 * takes the interrupt. */
void cpu_set_irq(struct cpu *c, bool asserted);

/* Ask a running cpu_run() to return CPU_EXIT_STOP after the current instruction. */
void cpu_request_stop(struct cpu *c);

/* Deliver an interrupt through the real-mode IVT now (push FLAGS, CS, IP;
 * clear IF and TF; load CS:IP from vector). For monitors that emulate INT n.
 * Returns 0, or -EFAULT if the push or the vector read faulted. */
int cpu_interrupt(struct cpu *c, uint8_t vector);

/* Guest memory access by linear address for the host (goes through the page
 * map and the bus; honours A20). */
uint8_t cpu_peek8(struct cpu *c, uint32_t linear);
void cpu_poke8(struct cpu *c, uint32_t linear, uint8_t value);
uint16_t cpu_peek16(struct cpu *c, uint32_t linear);
void cpu_poke16(struct cpu *c, uint32_t linear, uint16_t value);

/* A20 gate for 286/386 (8086/186 always wrap at 1 MiB). */
void cpu_set_a20(struct cpu *c, bool enabled);

/* Instruction trace: one line per instruction (CS:IP, bytes, disassembly,
 * registers) to `out`. NULL turns it off. Costs nothing when off. Returns 0 or
 * -ENOMEM. */
int cpu_trace_enable(struct cpu *c, FILE *out) __attribute__((warn_unused_result));
void cpu_trace_disable(struct cpu *c);

/* Disassemble the instruction at seg:off into buf (NUL-terminated).
 * Returns its length in bytes (>= 1). */
int cpu_disasm(struct cpu *c, uint16_t seg, uint32_t off, char *buf, size_t buflen);

/* Name of a model ("8086", "80186", "80286", "80386") and parse one (also
 * accepts "186", "286", "386"). Parse returns -1 if unknown. */
const char *cpu_model_name(enum cpu_model m);
int cpu_model_parse(const char *name);

/* Release what the CPU allocated (block cache, trace). */
void cpu_destroy(struct cpu *c);

#endif
