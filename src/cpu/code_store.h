/*
 * code_store.h - decoded blocks kept for every CPU of a host, found by the
 * bytes they were decoded from (docs/cpu-speed.md, "Translations that
 * outlive a program"). The public side is in cpu.h (struct
 * cpu_code_store); this is what the block cache (block_cache.c) uses.
 *
 * An entry is an immutable copy of a recorded block: its instructions
 * (decoded, specialised, fused, the dead-flag twins, the end entry) and
 * the code bytes they came from. It is found by the block's EIP, its
 * decoding signature (cs_sig()) and its first byte, and is given out only
 * when the bytes in guest memory now are equal to the stored ones, all of
 * them (compared, not hashed). The caller runs the instructions in place,
 * with a header of its own (block_cache.h struct bc_block), where what is
 * per CPU (links, page lists, the JIT's entry) lives; nothing writes into
 * them. The caller holds a reference (cs_take(), cs_release()), and an
 * entry with references is never evicted.
 *
 * Why this is exact: a block's instructions depend only on its bytes, its
 * EIP (relative jumps, insn.ip), the code and stack size, the CPU model
 * (the opcode table, length limits, specialised twins) and whether the CS
 * limit check was left out (cpu_nolimit_twin()); the signature holds the
 * block context bits (bc_ctx: code and stack size, mode, user level, the
 * CS limit bit, whether every segment's ends reach 64 KiB, which selects
 * the compiled code's limit checks), the model and the FPU, and the host
 * features the CPU's JIT uses (which select its compiled code: a CPU
 * gets code compiled with its own set). Where the code is (its linear and
 * physical address, the mapping epoch) is not part of a block's
 * instructions: the caller checks that the block fits in the page and the
 * CS limit where it is found.
 *
 * Compiled code: an entry may also hold the JIT's code for its block
 * (cs_set_code()), which depends on nothing but what the key and the bytes
 * fix (jit_compile.c), with the code area and the area's generation it
 * was written in. It is given out only to a CPU of the same area while
 * that generation is current (a flush of the area retires the code,
 * jit_area.c); evicting an entry forgets its code, whose memory the area
 * reclaims with its next flush. The CPUs sharing a store normally share
 * their area (vm16_host); a CPU with an area of its own forgets its code
 * in the store (cs_forget_code()) before the area goes.
 */
#ifndef MVDM_CPU_CODE_STORE_H
#define MVDM_CPU_CODE_STORE_H

#include "cpu/cpu_internal.h"

/* The decoding signature of blocks recorded now (mode bits of bc_ctx, with
 * BC_CSLIM, the CPU model and the FPU, and whether the prefetch queue is
 * modelled: blocks then end at every JMP, block_cache.c jmp_inside()),
 * and the host features the CPU's JIT uses (cpu_set_jit_host()), which
 * select its compiled code. */
static inline uint32_t cs_sig(const struct cpu *c, uint8_t mode_bits)
{
	return (uint32_t)mode_bits | (uint32_t)c->model << 8 | (uint32_t)c->fpu << 16 | (uint32_t)c->in.jit_host << 24 |
	       (uint32_t)(c->in.pq.len != 0) << 31;
}

/* Find a block for eip and sig whose bytes equal code[0..nbytes) with
 * nbytes <= avail: its ninsns + 1 instructions, in place, with a
 * reference taken on them (given back by cs_release(); the entry is not
 * evicted before), *ninsns and *nbytes set; or NULL. *jcode: its compiled
 * code if it has code of area `area` (NULL: none wanted) and generation
 * gen, else NULL. */
const struct insn *cs_take(struct cpu_code_store *s, uint32_t eip, uint32_t sig, const uint8_t *code,
			  unsigned avail, uint8_t *ninsns, uint8_t *nbytes, const struct cpu_jit_area *area, uint64_t gen,
			  op_fn *jcode);

/* Give back the reference cs_take() returned ins (of a block of nbytes
 * code bytes) with. No instruction of it may run afterwards. */
void cs_release(struct cpu_code_store *s, const struct insn *ins, unsigned nbytes);

/* The block for eip and sig of ninsns instructions decoded from
 * code[0..nbytes) was compiled to fn in area (generation gen): keep it
 * with the block's entry, if the store still has one. */
void cs_set_code(struct cpu_code_store *s, uint32_t eip, uint32_t sig, const uint8_t *code, unsigned nbytes,
		 unsigned ninsns, const struct cpu_jit_area *area, uint64_t gen, op_fn fn);

/* The code of the block for eip, sig, ninsns and code[0..nbytes) if the
 * store has code for it in area and generation gen, else NULL (a block
 * taken from the store before another CPU compiled it, now hot here). */
op_fn cs_get_code(struct cpu_code_store *s, uint32_t eip, uint32_t sig, const uint8_t *code, unsigned nbytes,
		  unsigned ninsns, const struct cpu_jit_area *area, uint64_t gen);

/* Forget every entry's code in area (which is about to be destroyed). */
void cs_forget_code(struct cpu_code_store *s, const struct cpu_jit_area *area);

/* Add a copy of a block (its ninsns + 1 instructions, decoded from
 * code[0..nbytes) at eip with signature sig) and return the copy's
 * instructions with a reference taken, as cs_take() does (the caller runs
 * them in place of its own and gives the reference back with
 * cs_release()). A block equal to one held already is not added again:
 * that one's are returned. Too large for the limit or no memory: NULL,
 * nothing added. */
const struct insn *cs_add(struct cpu_code_store *s, uint32_t eip, uint32_t sig, const uint8_t *code,
			 unsigned nbytes, const struct insn *insns, unsigned ninsns);

#endif
