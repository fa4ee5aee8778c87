/*
 * memory.c - the slow paths of linear memory access: TLB misses, accesses
 * that cross a page, pages that are not host memory (the bus), checked
 * accesses (486 alignment, data breakpoints); the processor's own system
 * accesses with supervisor rights; and the host's view (peek/poke).
 */
#include <errno.h>

#include "cpu/block_cache.h"

/* n = 1, 2 or 4 bytes (the only sizes of an access) at host address p,
 * little-endian: each size a constant-size copy (a copy of a variable
 * size is a call to the C library's). */
static inline uint32_t host_load(const uint8_t *p, unsigned n)
{
	uint16_t w;
	uint32_t d;
	switch (n) {
	case 1: return *p;
	case 2: memcpy(&w, p, 2); return w;
	default: memcpy(&d, p, 4); return d;
	}
}

static inline void host_store(uint8_t *p, unsigned n, uint32_t v)
{
	const uint16_t w = (uint16_t)v;
	switch (n) {
	case 1: *p = (uint8_t)v; break;
	case 2: memcpy(p, &w, 2); break;
	default: memcpy(p, &v, 4); break;
	}
}

/* An access of up to 4 bytes at lin, translated: one or two page pieces. */
struct lin_span {
	uint32_t pa[2];
	uint8_t *h[2];
	unsigned n0; /* bytes in the first piece */
};

/* Translate every page the access touches before any byte moves, so that
 * a #PF on the second page leaves memory untouched (restartable). */
static void span_translate(struct cpu *c, uint32_t lin, unsigned n, bool write, bool user, struct lin_span *s)
{
	unsigned left = CPU_PAGE_SIZE - (lin & (CPU_PAGE_SIZE - 1));
	s->n0 = n < left ? n : left;
	tlb_fill(c, lin, write, user, true, &s->pa[0], &s->h[0]);
	if (s->n0 < n)
		tlb_fill(c, lin + s->n0, write, user, true, &s->pa[1], &s->h[1]);
}

static uint32_t span_read(struct cpu *c, const struct lin_span *s, unsigned n)
{
	uint32_t v = 0;
	if (n <= s->n0 && s->h[0])
		return host_load(s->h[0], n);
	for (unsigned k = 0; k < n; k++) {
		unsigned piece = k >= s->n0, off = piece ? k - s->n0 : k;
		uint8_t b;
		if (s->h[piece])
			b = s->h[piece][off];
		else
			b = c->bus.mem_read8 ? c->bus.mem_read8(c->bus.ctx, s->pa[piece] + off) : 0xFF;
		v |= (uint32_t)b << (8 * k);
	}
	return v;
}

static void span_write(struct cpu *c, uint32_t lin, const struct lin_span *s, unsigned n, uint32_t v)
{
	/* (the pieces' code slots looked up only with the queue modelled) */
	for (unsigned p = 0; unlikely(c->in.pq.len) && p < (s->n0 < n ? 2u : 1u); p++) {
		struct bc_page **code = s->h[p] ? phys_code_slot(c, s->pa[p]) : NULL;
		if (code && *code)
			pq_note_write_slow(c, lin + (p ? s->n0 : 0), p ? n - s->n0 : s->n0 < n ? s->n0 : n, s->h[p]);
	}
	if (n <= s->n0 && s->h[0]) {
		host_store(s->h[0], n, v); /* (one piece of host memory) */
	} else {
		for (unsigned k = 0; k < n; k++) {
			unsigned piece = k >= s->n0, off = piece ? k - s->n0 : k;
			uint8_t b = (uint8_t)(v >> (8 * k));
			if (s->h[piece])
				s->h[piece][off] = b;
			else if (c->bus.mem_write8)
				c->bus.mem_write8(c->bus.ctx, s->pa[piece] + off, b);
		}
	}
	for (unsigned p = 0; p < (s->n0 < n ? 2u : 1u); p++) {
		struct bc_page **code = s->h[p] ? phys_code_slot(c, s->pa[p]) : NULL;
		if (code && *code)
			bc_code_write(c, s->pa[p], p ? n - s->n0 : s->n0 < n ? s->n0 : n);
	}
}

/* 486 alignment check (i486 PRM 9.8.17): data accesses in user mode with
 * CR0.AM and EFLAGS.AC set must be aligned to their size. */
static inline void align_check(struct cpu *c, uint32_t lin, unsigned n)
{
	if (c->in.ac_check && (lin & (n - 1)))
		cpu_fault_err(c, EXC_AC, 0);
}

uint32_t lin_read_slow(struct cpu *c, uint32_t lin, unsigned n)
{
	struct lin_span s;
	align_check(c, lin, n);
	span_translate(c, lin, n, false, c->in.cpl == 3, &s);
	uint32_t v = span_read(c, &s, n);
	if (c->in.dr_data)
		dr_check_access(c, lin, n, false);
	return v;
}

/* A write to a page holding decoded code, inside the page, through its TLB
 * entry: tell the prefetch queue (prefetch.c) if it touches translated
 * bytes, write, then let the block cache drop what it overlaps (nothing
 * to do when it touched no translated byte, the common case of data next
 * to code: told by the entry's summary, tlbx_no_code(), when it can, else
 * by the page's bitmap). */
static inline bool code_page_write(struct cpu *c, uint32_t lin, unsigned n, uint32_t v)
{
	const unsigned k = (lin >> CPU_PAGE_SHIFT) & (CPU_TLB_SIZE - 1);
	const struct cpu_tlbx *x = &c->in.tlb_x[k];
	if (!tlb_hit(x->wcode, lin, n))
		return false;
	uint8_t *h = (uint8_t *)(c->in.tlb[k].addend + lin);
	const unsigned off = lin & (CPU_PAGE_SIZE - 1);
	const bool code = !tlbx_no_code(x, off, n) && bc_page_touches(c->in.tlb_p[k].code, off, n);
	if (code)
		pq_note_write(c, lin, n, h); /* (before the bytes change) */
	host_store(h, n, v);
	if (code)
		bc_code_write(c, c->in.tlb_p[k].phys | off, n);
	else
		bc_data_write(c);
	return true;
}

static __attribute__((noinline)) void lin_write_span(struct cpu *c, uint32_t lin, unsigned n, uint32_t v)
{
	struct lin_span s;
	align_check(c, lin, n);
	span_translate(c, lin, n, true, c->in.cpl == 3, &s);
	span_write(c, lin, &s, n, v);
	if (c->in.dr_data)
		dr_check_access(c, lin, n, true);
}

/* (A small frame for the code-page path: the span path is out of line.) */
void lin_write_slow(struct cpu *c, uint32_t lin, unsigned n, uint32_t v)
{
	if (!code_page_write(c, lin, n, v))
		lin_write_span(c, lin, n, v);
}

/* lin_ptr() for a write to a page holding code: its TLB entry's host
 * address, the n bytes counted as written. */
static uint8_t *code_page_ptr(struct cpu *c, uint32_t lin, unsigned n)
{
	const unsigned k = (lin >> CPU_PAGE_SHIFT) & (CPU_TLB_SIZE - 1);
	if (!tlb_hit(c->in.tlb_x[k].wcode, lin, n))
		return NULL;
	uint8_t *h = (uint8_t *)(c->in.tlb[k].addend + lin);
	pq_note_write(c, lin, n, h);
	cpu_mem_written(c, c->in.tlb_p[k].phys | (lin & (CPU_PAGE_SIZE - 1)), n);
	return h;
}

uint8_t *lin_ptr(struct cpu *c, uint32_t lin, unsigned n, bool write)
{
	uint8_t *p = write ? tlb_wr(c, lin, n) : tlb_rd(c, lin, n);
	if (p || (lin & (CPU_PAGE_SIZE - 1)) > CPU_PAGE_SIZE - n)
		return p;
	if (write && (p = code_page_ptr(c, lin, n)))
		return p;
	uint32_t pa;
	uint8_t *h;
	if (tlb_fill(c, lin, write, c->in.cpl == 3, false, &pa, &h) < 0 || !h)
		return NULL;
	if (write)
		return (p = tlb_wr(c, lin, n)) ? p : code_page_ptr(c, lin, n);
	return tlb_rd(c, lin, n);
}

/* System accesses: a TLB hit is good for supervisor rights too (user
 * rights are a subset of them); a miss is translated with supervisor
 * rights: with paging through the system translation cache (tlb.c), which
 * keeps them apart from the TLB user mode uses, both pages before a byte
 * moves; without paging by tlb_fill() (no walk, no rights). */
static void sys_span(struct cpu *c, uint32_t lin, unsigned n, bool write, struct lin_span *s)
{
	if (!(c->in.cr0 & CR0_PG)) {
		span_translate(c, lin, n, write, false, s);
		return;
	}
	const enum stlb_use use = write ? STLB_WRITE : STLB_READ;
	unsigned left = CPU_PAGE_SIZE - (lin & (CPU_PAGE_SIZE - 1));
	s->n0 = n < left ? n : left;
	stlb_translate(c, lin, use, true, &s->pa[0], &s->h[0]);
	if (s->n0 < n)
		stlb_translate(c, lin + s->n0, use, true, &s->pa[1], &s->h[1]);
}

/* The host address of n bytes at lin from the system translation cache
 * for a read or write that it already allows, inside one page of host
 * memory, else NULL. For a write, NULL too when the page holds decoded
 * code (span_write() checks those). */
static inline uint8_t *sys_cached(struct cpu *c, uint32_t lin, uint32_t n, bool write)
{
	const struct cpu_stlbe *e = stlb_hit(c, lin, n, write ? STLB_WRITE : STLB_READ);
	if (!e || !(c->in.cr0 & CR0_PG))
		return NULL;
	uint8_t *h = write ? e->wr : e->rd;
	if (!h)
		return NULL;
	if (write) {
		struct bc_page **code = phys_code_slot(c, e->phys);
		if (code && *code)
			return NULL;
	}
	return h + (lin & (CPU_PAGE_SIZE - 1));
}

uint8_t *sys_ptr(struct cpu *c, uint32_t lin, uint32_t n, bool write)
{
	uint8_t *p = write ? tlb_wr(c, lin, n) : tlb_rd(c, lin, n);
	return p ? p : sys_cached(c, lin, n, write);
}

static __attribute__((noinline)) uint32_t sys_read_span(struct cpu *c, uint32_t lin, unsigned n)
{
	struct lin_span s;
	sys_span(c, lin, n, false, &s);
	return span_read(c, &s, n);
}

static __attribute__((noinline)) void sys_write_span(struct cpu *c, uint32_t lin, unsigned n, uint32_t v)
{
	struct lin_span s;
	sys_span(c, lin, n, true, &s);
	span_write(c, lin, &s, n, v); /* (which checks the pages for decoded code) */
}

/* (The spans out of line: a hit needs no saved registers.) */
uint32_t sys_read(struct cpu *c, uint32_t lin, unsigned n)
{
	const uint8_t *p = tlb_rd(c, lin, n);
	if (p || (p = sys_cached(c, lin, n, false)))
		return host_load(p, n);
	return sys_read_span(c, lin, n);
}

void sys_write(struct cpu *c, uint32_t lin, unsigned n, uint32_t v)
{
	uint8_t *p = tlb_wr(c, lin, n);
	if (p || (p = sys_cached(c, lin, n, true))) {
		host_store(p, n, v);
		return;
	}
	sys_write_span(c, lin, n, v);
}

/* The host's translation with paging: the system translation cache (no
 * fault, no accessed or dirty bit). */
static inline int host_probe(struct cpu *c, uint32_t linear, bool write, uint32_t *phys, uint8_t **host)
{
	const enum stlb_use use = write ? STLB_PROBE_WRITE : STLB_PROBE;
	const struct cpu_stlbe *e = stlb_hit(c, linear, 1, use);
	if (!e)
		return stlb_translate(c, linear, use, false, phys, host);
	const uint32_t off = linear & (CPU_PAGE_SIZE - 1);
	uint8_t *h = write ? e->wr : e->rd;
	*phys = e->phys | off;
	*host = h ? h + off : NULL;
	return 0;
}

/* ... and without paging: through the A20 gate. */
static int host_translate(struct cpu *c, uint32_t linear, bool write, uint32_t *phys, uint8_t **host)
{
	if (c->in.cr0 & CR0_PG)
		return host_probe(c, linear, write, phys, host);
	*phys = linear & c->in.a20_mask;
	*host = phys_host(c, *phys, write);
	return 0;
}

int cpu_linear_to_phys(struct cpu *c, uint32_t linear, bool write, uint32_t *phys)
{
	if (!(c->in.cr0 & CR0_PG)) {
		*phys = linear & c->in.a20_mask;
		return 0;
	}
	uint8_t *h;
	return host_probe(c, linear, write, phys, &h) < 0 ? -EFAULT : 0;
}

uint8_t cpu_peek8(struct cpu *c, uint32_t linear)
{
	uint32_t pa;
	uint8_t *h;
	if (host_translate(c, linear, false, &pa, &h) < 0)
		return 0xFF;
	if (h)
		return *h;
	return c->bus.mem_read8 ? c->bus.mem_read8(c->bus.ctx, pa) : 0xFF;
}

void cpu_poke8(struct cpu *c, uint32_t linear, uint8_t value)
{
	uint32_t pa;
	uint8_t *h;
	if (host_translate(c, linear, true, &pa, &h) < 0)
		return;
	if (h) {
		*h = value;
		cpu_mem_written(c, pa, 1);
	} else if (c->bus.mem_write8) {
		c->bus.mem_write8(c->bus.ctx, pa, value);
	}
}

/* n bytes at linear, little-endian: one translation when they are host
 * memory in one page, else byte by byte (each byte as cpu_peek8 reads it). */
static uint32_t peek_n(struct cpu *c, uint32_t linear, unsigned n)
{
	uint32_t pa, v = 0;
	uint8_t *h;
	if ((linear & (CPU_PAGE_SIZE - 1)) <= CPU_PAGE_SIZE - n && host_translate(c, linear, false, &pa, &h) == 0 &&
	    h)
		return host_load(h, n);
	for (unsigned k = 0; k < n; k++)
		v |= (uint32_t)cpu_peek8(c, linear + k) << (8 * k);
	return v;
}

uint16_t cpu_peek16(struct cpu *c, uint32_t linear)
{
	return (uint16_t)peek_n(c, linear, 2);
}

uint32_t cpu_peek32(struct cpu *c, uint32_t linear)
{
	return peek_n(c, linear, 4);
}

void cpu_poke16(struct cpu *c, uint32_t linear, uint16_t value)
{
	cpu_poke8(c, linear, (uint8_t)value);
	cpu_poke8(c, linear + 1, (uint8_t)(value >> 8));
}
