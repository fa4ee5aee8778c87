/* block_cache.c - recording and replaying decoded blocks (block_cache.h). */
#include <stdlib.h>
#include <string.h>

#include "cpu/block_cache.h"

static inline unsigned bc_slot(uint32_t lin)
{
	return (lin ^ (lin >> 10)) & (BC_SLOTS - 1);
}

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* Same bytes? Word compares, no library call (a block is at most 64 bytes);
 * the last word overlaps the one before it instead of a byte loop. */
static inline bool bytes_equal(const uint8_t *a, const uint8_t *b, unsigned n)
{
	if (n < 8) {
		for (; n; n--)
			if (*a++ != *b++)
				return false;
		return true;
	}
	for (unsigned k = 0; k + 8 < n; k += 8)
		if (load64(a + k) != load64(b + k))
			return false;
	return load64(a + n - 8) == load64(b + n - 8);
}

static inline uint64_t bc_key(uint32_t lin, uint32_t ip)
{
	return (uint64_t)ip << 32 | lin;
}

/* b failed the quick check on its context or generation: an empty slot, a
 * block of another mode or past a limited CS limit fail; a block that
 * only needed the limit check (BC_CSLIM) is good if its page was not
 * written; otherwise its bytes are compared with memory as it is mapped
 * now (out of line, so that the hot check needs no saved registers). */
static __attribute__((noinline)) bool bc_recheck(struct cpu *c, struct bc_block *b, uint32_t lin)
{
	const uint64_t ctx = c->in.bc_ctx & ~(uint64_t)BC_CSLIM;
	if (b->ninsns == 0 || (uint8_t)b->ctx != (uint8_t)ctx || b->last_off > c->in.sd[SEG_CS].limit)
		return false;
	if (b->ctx == ctx && *b->genp == b->gen)
		return true;
	const uint8_t *p = lin_ptr(c, lin, b->nbytes, false);
	if (!p || !bytes_equal(p, b->bytes, b->nbytes))
		return false;
	uint32_t pa;
	if (cpu_linear_to_phys(c, lin, false, &pa) < 0 || !(b->genp = phys_gen(c, pa)))
		return false;
	b->gen = *b->genp;
	b->ctx = ctx;
	return true;
}

/* A CS limit below the code size's top (BC_CSLIM, never part of a
 * block's ctx) sends every block to bc_recheck() for the limit check. */
static inline bool bc_valid(struct cpu *c, struct bc_block *b, uint32_t lin)
{
	if (b->key != bc_key(lin, c->ip))
		return false;
	if (likely(b->ctx == c->in.bc_ctx && *b->genp == b->gen))
		return true;
	return bc_recheck(c, b, lin);
}

/* Execute one instruction; returns false when the block must end. */
static inline bool bc_step(struct cpu *c, const struct insn *i)
{
	uint32_t next = (c->ip + i->len) & c->in.ip_mask;
	c->in.insn_ip = c->ip;
	c->in.insn_sp = c->r[REG_SP].d;
	c->ip = next;
	i->impl(c, i);
	c->in.budget_left--;
	return c->in.budget_left != 0 && c->ip == next && !c->in.events;
}

/* The threaded form of a handler that neither branches nor ends a block
 * (term == TERM_NONE): such handlers never read c->ip or insn_ip (a fault
 * takes them from c->in.cur), so only the call remains. */
void thread_plain(struct cpu *c, const struct insn *i)
{
	insn_current(c, i);
	c->in.insn_sp = c->r[REG_SP].d;
	i->impl(c, i);
	insn_chain(c, i);
}

/* The entry after a block's last instruction: the block fell through. */
static void block_end(struct cpu *c, const struct insn *i)
{
	insn_current(c, i);
	c->ip = i->ip;
	bc_link(c);
}

/* The last instruction of b overwrites every arithmetic flag: the flags
 * produced by the flag-writing instruction before it (with only FL_PASS
 * instructions in between) are never read, so that one may skip them.
 * Only the threaded twin changes: the block runs whole or, when the budget
 * is short, by impl (bc_step), which keeps every flag. None of these
 * instructions can fault, so no exception sees the skipped flags. */
static void drop_dead_flags(const struct cpu *c, struct bc_block *b)
{
	for (unsigned k = b->ninsns - 1; k-- > 0;) {
		struct insn *p = &b->insns[k];
		if (p->fl & FL_PASS)
			continue;
		op_fn nf = cpu_noflags_twin(c, p);
		if (nf)
			p->fn = nf;
		return;
	}
}

static void bc_record(struct cpu *c, struct bc_block *b, uint32_t lin)
{
	b->ctx = 0; /* empty until it holds an instruction */
	b->ninsns = 0;
	b->nbytes = 0;
	for (;;) {
		struct insn *i = &b->insns[b->ninsns];
		struct insn d;
		c->in.insn_ip = c->ip;
		c->in.insn_sp = c->r[REG_SP].d;
		cpu_decode(c, &d); /* into a copy: a fault here leaves the block whole */
		uint32_t n = b->nbytes, len = d.len;
		const uint8_t *p = NULL;
		uint32_t pa = 0;
		if (n + len <= BC_MAX_BYTES && (uint64_t)c->ip + len - 1 <= c->in.ip_mask &&
		    (lin >> CPU_PAGE_SHIFT) == ((lin + n + len - 1) >> CPU_PAGE_SHIFT) &&
		    cpu_linear_to_phys(c, lin + n, false, &pa) == 0 && phys_gen(c, pa))
			p = lin_ptr(c, lin + n, len, false);
		if (!p) {
			/* Not cacheable here: run it on its own and end the block. */
			c->ip = (c->ip + d.len) & c->in.ip_mask;
			d.impl(c, &d);
			c->in.budget_left--;
			return;
		}
		if (b->ninsns == 0) {
			b->key = bc_key(lin, c->ip);
			b->genp = phys_gen(c, pa);
			b->gen = *b->genp;
		}
		*i = d;
		memcpy(b->bytes + n, p, len);
		b->nbytes = (uint8_t)(n + len);
		b->ninsns++;
		b->ctx = c->in.bc_ctx & ~(uint64_t)BC_CSLIM;
		b->last_off = c->ip + len - 1;
		i->charge = b->ninsns;
		if (b->ninsns >= 2)
			cpu_fuse(&b->insns[b->ninsns - 2], i);
		if (i->fl & FL_KILL)
			drop_dead_flags(c, b);
		/* The end entry after the last instruction. */
		b->insns[b->ninsns].fn = block_end;
		b->insns[b->ninsns].ip = (i->ip + len) & c->in.ip_mask;
		b->insns[b->ninsns].charge = b->ninsns;
		if (!bc_step(c, i) || i->term == TERM_ALWAYS || b->ninsns == BC_MAX_INSNS)
			return;
	}
}

/* The threaded form of any handler without a threaded twin: keep c->ip and
 * insn_ip as the handler expects, run it, and go on unless it ended the
 * block. */
void thread_generic(struct cpu *c, const struct insn *i)
{
	uint32_t next = (i->ip + i->len) & c->in.ip_mask;
	insn_current(c, i);
	c->in.insn_ip = i->ip;
	c->in.insn_sp = c->r[REG_SP].d;
	c->ip = next;
	i->impl(c, i);
	if (unlikely(i->term) && (i->term == TERM_ALWAYS || c->ip != next || c->in.events)) {
		if (i->term == TERM_IF_JUMP)
			bc_link(c);
		return;
	}
	insn_chain(c, i);
}

/* Run one valid block that fits in the budget, threaded: each instruction
 * tail-calls the next. Afterwards c->in.cur is the instruction that ended
 * the block (or the end entry), and its charge is what the block retired.
 * If one faults or exits, bc_settle() counts from c->in.cur. */
static inline void bc_run_block(struct cpu *c, const struct bc_block *b)
{
	c->in.blk = b;
	c->in.cur = b->insns;
	c->in.link_depth = 0;
	b->insns[0].fn(c, b->insns);
	/* bc_link() charges the blocks it leaves and clears blk when it stops. */
	if (c->in.blk) {
		c->in.budget_left -= c->in.cur->charge;
		c->in.blk = NULL;
	}
}

void bc_link(struct cpu *c)
{
	c->in.budget_left -= c->in.cur->charge;
	if (unlikely(c->in.events) || unlikely(++c->in.link_depth > BC_LINK_MAX)) {
		c->in.blk = NULL;
		return;
	}
	uint32_t lin = c->seg_base[SEG_CS] + c->ip;
	struct bc_block *next = &c->in.bcache->slots[bc_slot(lin)];
	if (!bc_valid(c, next, lin) || c->in.budget_left <= next->ninsns) {
		c->in.blk = NULL;
		return;
	}
	c->in.blk = next;
	c->in.cur = next->insns;
	next->insns[0].fn(c, next->insns);
}

void bc_run(struct cpu *c, struct block_cache *bc)
{
	while (!c->in.events && c->in.budget_left) {
		uint32_t lin = c->seg_base[SEG_CS] + c->ip;
		struct bc_block *b = &bc->slots[bc_slot(lin)];
		if (!bc_valid(c, b, lin)) {
			bc_record(c, b, lin);
		} else if (likely(c->in.budget_left > b->ninsns)) {
			bc_run_block(c, b);
		} else {
			const struct insn *i = b->insns, *end = b->insns + b->ninsns;
			while (bc_step(c, i) && ++i < end)
				;
		}
	}
}

struct block_cache *bc_alloc(void)
{
	/* Zero is empty: the pages of unused slots are never touched. */
	return calloc(1, sizeof(struct block_cache));
}

void bc_settle(struct cpu *c)
{
	if (!c->in.blk)
		return;
	c->in.budget_left -= c->in.cur->charge - 1u;
	c->in.blk = NULL;
}
