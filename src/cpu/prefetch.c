/*
 * prefetch.c - the instruction prefetch queue of the 8086 to the 486, as
 * programs see it: an instruction that writes to the bytes after it which
 * the queue had already fetched does not change what executes next.
 *
 * The model (docs/cpu-speed.md, "Session 16 (issue 13): the prefetch
 * queue"): at the start of an instruction at CS offset a, the queue
 * holds the bytes [a, a + Q) as they were when fetched (no further than
 * the CS limit and the IP's wrap). A write by that instruction to bytes in
 * [its end, a + Q) is not seen by execution: those bytes run as they
 * were, also when an instruction lies only partly in them, until the
 * queue is emptied (a jump, call or return taken, a far transfer, IRET,
 * an interrupt or exception, the single-step trap among them, or the host
 * moving CS:IP) or execution has passed them.
 * Q is the queue's length: 6 bytes on the 8086 (Intel 8086 Family User's
 * Manual, the bus interface unit's 6-byte instruction queue), 4 on the
 * 8088 (the 8086 with an 8-bit bus, cpu_set_8bit_bus(): Intel 8088 data
 * sheet and the Manual, its 4-byte queue), the 80186 and the 80286 (their
 * bus units keep the 8086's 6), 16 on the 80386 (Intel386 DX data sheet,
 * the code prefetch unit's 16-byte queue; also K. Shirriff, "The 386's
 * prefetch circuitry, reverse-engineered", righto.com 2025; some later
 * steppings are said to use 12) and 32 on the 486 (i486 data sheet, the
 * 32-byte prefetch queue). Intel asks programs to jump after changing
 * code for that reason (80386 PRM 10.3: a JMP flushes the queue; Intel
 * SDM vol. 3, "Architecture Compatibility", Self-Modifying Code: only
 * the Pentium and later check the queue against writes).
 *
 * Where it acts, so that the fast paths do not change:
 * - writes that touch translated bytes (a page's bitmap, block_cache.c)
 *   and writes through lin_ptr() to pages holding code call
 *   pq_note_write() before the bytes change. The bitmap holds, besides
 *   the blocks' bytes, the queue's bytes past the end of every block that
 *   may go on to them (block_cache.c block_shadow(), and on the next
 *   page page_next_shadow()) and, while a block
 *   is recorded, those of the instruction being recorded, so a write into
 *   the queue of a cached, compiled or recorded instruction is seen;
 * - the uncached path and the slow path of cpu.c (TF, debug registers,
 *   interrupt shadows) compare the queue's bytes before and after each
 *   instruction (pq_snap(), pq_seen()), which sees every write; so does
 *   the recorder for the queue's bytes on the next page;
 * - while the queue holds old bytes, c->in.events is set, and each
 *   instruction runs here (pq_execute(), from cpu.c's step_slow()),
 *   decoded from the queue (decode.c fetch()), until it is emptied.
 * Not modelled (docs/cpu-speed.md): the next page remapped alone under a
 * cached block (its head_shadow stays on the old page); host writes
 * (cpu_mem_written()) are seen at once.
 */
#include <string.h>

#include "cpu/cpu_internal.h"
#include "cpu/flags.h"

enum { PQ_MAX = 32 };
_Static_assert(sizeof(((struct cpu_pq *)0)->old) == PQ_MAX, "cpu_pq.old holds the longest queue");

/* The conditional jumps (ops_control.c): they leave the instruction
 * stream when taken. */
void op_jcc(struct cpu *c, const struct insn *i);
void op_jcxz(struct cpu *c, const struct insn *i);
void op_loop(struct cpu *c, const struct insn *i);

unsigned pq_length(const struct cpu *c)
{
	if (c->in.pq.off)
		return 0;
	switch (c->model) {
	case CPU_8086: return c->in.pq.bus8 ? 4 : 6;
	case CPU_80186: case CPU_80286: return 6;
	case CPU_80386: return 16;
	default: return 32;
	}
}

/* The queue's length changed (or its model went on or off). */
static void pq_length_changed(struct cpu *c)
{
	c->in.pq.len = (uint8_t)pq_length(c);
	pq_flush(c);
	/* Blocks hold the queue's bytes past their end in their page's
	 * bitmap for the length in effect when they were entered. */
	cpu_invalidate_code(c);
}

void cpu_set_prefetch(struct cpu *c, bool on)
{
	c->in.pq.off = !on;
	pq_length_changed(c);
}

void cpu_set_8bit_bus(struct cpu *c, bool on)
{
	c->in.pq.bus8 = on;
	pq_length_changed(c);
}

bool cpu_get_prefetch(const struct cpu *c)
{
	return !c->in.pq.off;
}

void pq_flush(struct cpu *c)
{
	if (c->in.pq.mask) {
		c->in.pq.mask = 0;
		cpu_update_events(c);
	}
}

/* Did i, which left CS:IP on the next instruction, jump there (JMP $+2,
 * or a taken Jcc, LOOP or JCXZ with a displacement of 0)? */
static bool jumped(struct cpu *c, const struct insn *i)
{
	const op_fn f = i->ent->fn;
	if (f == op_jcc)
		return flags_cond(c, i->op & 0xF);
	if (f == op_jcxz)
		return reg_get(c, REG_CX, i->asz) == 0;
	if (f == op_loop) {
		const bool go = (reg_get(c, REG_CX, i->asz) & size_mask(i->asz)) != 0;
		return i->op == 0xE0 ? go && !flag_zf(c) : i->op == 0xE1 ? go && flag_zf(c) : go;
	}
	return (i->ent->form & F_JUMPS) != 0;
}

/* The instruction running now: its CS offset and the offset after it. */
static void current_insn(const struct cpu *c, uint32_t *start, uint32_t *next)
{
	if (c->in.blk) {
		const struct insn *i = c->in.cur;
		*start = i->ip;
		*next = (i->ip + i->len) & c->in.ip_mask;
	} else {
		*start = c->in.insn_ip;
		*next = c->ip;
	}
}

/* One past the last CS offset that the queue of the instruction at start
 * holds. */
static uint64_t window_end(const struct cpu *c, uint32_t start)
{
	uint64_t end = (uint64_t)start + c->in.pq.len;
	const uint64_t limit = (uint64_t)c->in.sd[SEG_CS].limit + 1, wrap = (uint64_t)c->in.ip_mask + 1;
	if (end > limit)
		end = limit;
	return end < wrap ? end : wrap;
}

/* The queue of the instruction at CS offset start keeps `old` as its
 * byte at linear lin, unless it holds an older one there already. */
static void keep(struct cpu *c, uint32_t start, uint32_t lin, uint8_t old)
{
	struct cpu_pq *q = &c->in.pq;
	const uint32_t base = c->seg_base[SEG_CS] + start;
	if (q->mask && base != q->base) {
		const uint32_t d = base - q->base; /* (bytes passed; huge if behind) */
		if (d >= PQ_MAX) {
			q->mask = 0;
		} else {
			q->mask >>= d;
			memmove(q->old, q->old + d, PQ_MAX - d);
		}
	}
	q->base = base;
	const uint32_t k = lin - base;
	if (!(q->mask & (1u << k))) {
		q->old[k] = old;
		q->mask |= 1u << k;
	}
}

/* The queue took old bytes from the instruction ending at CS offset next:
 * execution goes on there from the queue (pq_execute()). */
static void queue_took(struct cpu *c, uint32_t next)
{
	c->in.pq.next = c->seg_base[SEG_CS] + next;
	cpu_update_events(c);
	bc_stop_running(c);
}

void pq_note_write_slow(struct cpu *c, uint32_t lin, unsigned n, const uint8_t *h)
{
	uint32_t start, next;
	current_insn(c, &start, &next);
	if (next <= start)
		return; /* (at the IP's wrap: not modelled) */
	const uint64_t end = window_end(c, start), o0 = (uint32_t)(lin - c->seg_base[SEG_CS]);
	const uint64_t lo = o0 > next ? o0 : next, hi = o0 + n < end ? o0 + n : end;
	if (lo >= hi)
		return;
	for (uint64_t o = lo; o < hi; o++)
		keep(c, start, c->seg_base[SEG_CS] + (uint32_t)o, h[o - o0]);
	queue_took(c, next);
}

/* Up to max bytes at CS offsets [from, end) as memory holds them, without
 * faulting: how many could be read (the queue stops at a page it cannot
 * read). */
static unsigned read_code(struct cpu *c, uint32_t cs, uint64_t from, uint64_t end, uint8_t *out)
{
	unsigned n = 0;
	while (from < end) {
		const uint32_t lin = cs + (uint32_t)from;
		uint32_t pa;
		if (cpu_linear_to_phys(c, lin, false, &pa) < 0)
			break;
		const uint8_t *h = phys_host(c, pa, false);
		if (!h)
			break;
		uint64_t k = CPU_PAGE_SIZE - (lin & (CPU_PAGE_SIZE - 1));
		if (k > end - from)
			k = end - from;
		memcpy(out + n, h, (size_t)k);
		n += (unsigned)k;
		from += k;
	}
	return n;
}

void pq_snap(struct cpu *c, uint32_t start, uint32_t next, struct pq_snap *s)
{
	s->n = 0;
	if (!c->in.pq.len || next <= start)
		return;
	s->start = start;
	s->next = next;
	s->cs = c->seg_base[SEG_CS];
	s->n = read_code(c, s->cs, next, window_end(c, start), s->b);
}

void pq_seen_slow(struct cpu *c, const struct pq_snap *s)
{
	if (c->seg_base[SEG_CS] != s->cs)
		return; /* (a far transfer empties the queue anyway) */
	uint8_t now[PQ_MAX];
	const unsigned n = read_code(c, s->cs, s->next, s->next + s->n, now);
	bool took = false;
	for (unsigned k = 0; k < n; k++) {
		if (now[k] != s->b[k]) {
			keep(c, s->start, s->cs + s->next + k, s->b[k]);
			took = true;
		}
	}
	if (took)
		queue_took(c, s->next);
}

/* i ran from the queue (CS base cs, at offset start, next after it): the
 * queue empties if it left the instruction stream, else execution has
 * passed the bytes before CS:IP. A string instruction that stops early
 * (an interrupted or budgeted REP) goes on at itself. */
static void retire(struct cpu *c, const struct insn *i, uint32_t cs, uint32_t start, uint32_t next)
{
	struct cpu_pq *q = &c->in.pq;
	if (!q->mask)
		return;
	const bool again = c->ip == start && (i->ent->form & F_STRING);
	if (c->seg_base[SEG_CS] != cs || (c->ip != next && !again) || (!again && jumped(c, i))) {
		pq_flush(c);
		return;
	}
	q->next = cs + c->ip;
	const uint32_t passed = q->next - q->base;
	q->mask = passed >= PQ_MAX ? 0 : q->mask & (~0u << passed);
	if (!q->mask)
		cpu_update_events(c);
}

void pq_execute(struct cpu *c)
{
	const uint32_t cs = c->seg_base[SEG_CS];
	if (c->in.pq.mask && cs + c->ip != c->in.pq.next)
		pq_flush(c); /* CS:IP moved (the host, or an exit and a restart elsewhere) */
	struct insn i;
	c->in.insn_ip = c->ip;
	c->in.insn_sp = c->r[REG_SP].d;
	cpu_decode(c, &i); /* (from the queue's old bytes where it holds some) */
	const uint32_t start = c->ip, next = (c->ip + i.len) & c->in.ip_mask;
	struct pq_snap s;
	pq_snap(c, start, next, &s);
	c->ip = next;
	i.impl(c, &i);
	c->in.budget_left--;
	pq_seen(c, &s);
	retire(c, &i, cs, start, next);
}
