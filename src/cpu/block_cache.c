/* block_cache.c - recording and replaying decoded blocks (block_cache.h). */
#include <string.h>

#include "cpu/block_cache.h"

static inline unsigned bc_slot(uint32_t lin)
{
	return (lin ^ (lin >> 10)) & (BC_SLOTS - 1);
}

/* Same bytes? Word compares, no library call (a block is at most 64 bytes). */
static inline bool bytes_equal(const uint8_t *a, const uint8_t *b, unsigned n)
{
	uint64_t x, y;
	for (; n >= 8; n -= 8, a += 8, b += 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return false;
	}
	for (; n; n--)
		if (*a++ != *b++)
			return false;
	return true;
}

static inline bool bc_valid(struct cpu *c, const struct bc_block *b, uint32_t lin)
{
	if (b->lin != lin || b->ninsns == 0 || c->ip + b->nbytes > 0x10000)
		return false;
	const uint8_t *p = lin_ptr(c, lin, b->nbytes, false);
	return p && bytes_equal(p, b->bytes, b->nbytes);
}

/* Execute one instruction; returns false when the block must end. */
static inline bool bc_step(struct cpu *c, const struct insn *i)
{
	uint32_t next = (c->ip + i->len) & 0xFFFF;
	c->in.insn_ip = c->ip;
	c->in.insn_sp = c->r[REG_SP].d;
	c->ip = next;
	i->fn(c, i);
	c->in.budget_left--;
	return c->in.budget_left != 0 && c->ip == next && !c->in.events;
}

static void bc_record(struct cpu *c, struct bc_block *b, uint32_t lin)
{
	b->lin = lin;
	b->ninsns = 0;
	b->nbytes = 0;
	for (;;) {
		struct insn *i = &b->insns[b->ninsns];
		c->in.insn_ip = c->ip;
		c->in.insn_sp = c->r[REG_SP].d;
		cpu_decode(c, i);
		uint32_t n = b->nbytes, len = i->len;
		const uint8_t *p = NULL;
		if (n + len <= BC_MAX_BYTES && c->ip + len <= 0x10000 &&
		    ((lin + n) >> CPU_PAGE_SHIFT) == ((lin + n + len - 1) >> CPU_PAGE_SHIFT))
			p = lin_ptr(c, lin + n, len, false);
		if (!p) {
			/* Not cacheable here: run it on its own and end the block. */
			struct insn copy = *i;
			c->ip = (c->ip + copy.len) & 0xFFFF;
			copy.fn(c, &copy);
			c->in.budget_left--;
			return;
		}
		memcpy(b->bytes + n, p, len);
		b->nbytes = (uint8_t)(n + len);
		b->ninsns++;
		if (!bc_step(c, i) || b->ninsns == BC_MAX_INSNS)
			return;
	}
}

void bc_run(struct cpu *c, struct block_cache *bc)
{
	uint32_t lin = c->seg_base[SEG_CS] + c->ip;
	struct bc_block *b = &bc->slots[bc_slot(lin)];
	if (!bc_valid(c, b, lin)) {
		bc_record(c, b, lin);
		return;
	}
	const struct insn *i = b->insns, *end = b->insns + b->ninsns;
	while (bc_step(c, i) && ++i < end)
		;
}
