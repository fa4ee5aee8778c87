/*
 * ops_string.c - MOVS CMPS STOS LODS SCAS INS OUTS, with REP/REPE/REPNE.
 *
 * Source is seg:SI (DS unless overridden), destination ES:DI (never
 * overridden); SI/DI or ESI/EDI by address size step by the operand size,
 * down when DF is set. CX/ECX counts. A repeated instruction runs in chunks
 * of REP_CHUNK iterations and stops early when an interrupt is pending; it
 * then restarts at its first prefix byte with the registers of the finished
 * iterations, as the hardware does (Intel 80386 PRM 17.2.2.11 REP).
 *
 * Budget: a chunk of k iterations costs k budget units (its own unit plus
 * k - 1 charged here and counted in rep_extra, so that `retired` still
 * counts instructions): a slice's budget bounds the work it does, not only
 * its instructions. The charge never takes budget_left below REP_RESERVE,
 * which keeps the charges of the running block payable (bc_run() enters a
 * block only with more budget left than its instructions); a chunk that
 * would go below it stops early and restarts in the next slice.
 */
#include "cpu/alu.h"
#include "cpu/block_cache.h"

enum { REP_CHUNK = 4096, REP_RESERVE = BC_MAX_INSNS + 1 };

/* Iterations the next chunk may run: at least one. */
static inline uint32_t rep_allowance(const struct cpu *c)
{
	uint64_t left = c->in.budget_left;
	if (left <= REP_RESERVE)
		return 1;
	left -= REP_RESERVE;
	return left < REP_CHUNK - 1 ? (uint32_t)left + 1 : REP_CHUNK;
}

/* Charges the iterations of a chunk beyond its own unit. */
static inline void rep_charge(struct cpu *c, uint32_t iterations)
{
	if (iterations > 1) {
		c->in.budget_left -= iterations - 1;
		c->in.rep_extra += iterations - 1;
	}
}

static inline uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static inline uint64_t load64u(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

uint32_t io_in(struct cpu *c, uint16_t port, unsigned sz, bool string);
void io_out(struct cpu *c, uint16_t port, unsigned sz, uint32_t v, bool string);

static inline uint32_t idx_get(struct cpu *c, unsigned r, const struct insn *i)
{
	return i->asz == 4 ? *reg32(c, r) : *reg16(c, r);
}

static inline void idx_step(struct cpu *c, unsigned r, const struct insn *i)
{
	uint32_t delta = (c->in.flags & FLAG_DF) ? (uint32_t)-(int32_t)i->osz : i->osz;
	if (i->asz == 4)
		*reg32(c, r) += delta;
	else
		*reg16(c, r) = (uint16_t)(*reg16(c, r) + delta);
}

static inline uint32_t acc_get(struct cpu *c, const struct insn *i)
{
	return reg_get(c, REG_AX, i->osz);
}

/* The 286 steps the index register of an access that runs past offset
 * FFFFh before it raises #GP, and a repeated instruction has already counted
 * CX down by cx_dec (0, 1 or 2 depending on the access: 80286 captures);
 * check that case first. */
static inline uint32_t idx_checked(struct cpu *c, unsigned r, const struct insn *i, unsigned cx_dec)
{
	uint32_t off = idx_get(c, r, i);
	if (unlikely(c->model == CPU_80286 && off > 0x10000u - i->osz && !(c->in.cr0 & CR0_PE))) {
		idx_step(c, r, i);
		if (i->rep)
			reg_set(c, REG_CX, i->asz, reg_get(c, REG_CX, i->asz) - cx_dec);
		cpu_fault(c, EXC_GP);
	}
	return off;
}

/* One iteration of the string instruction; returns false when a REPE/REPNE
 * comparison ends the repetition. */
static inline __attribute__((always_inline)) bool string_step(struct cpu *c, const struct insn *i, unsigned kind)
{
	const unsigned sz = i->osz;
	switch (kind) {
	case 0: { /* MOVS */
		uint32_t v = mem_read(c, i->seg, idx_checked(c, REG_SI, i, 1), sz);
		if (c->model <= CPU_80286) {
			idx_step(c, REG_SI, i);
			mem_write(c, SEG_ES, idx_checked(c, REG_DI, i, 2), sz, v);
		} else {
			/* A fault (#PF) on the write leaves SI as it was. */
			mem_write(c, SEG_ES, idx_get(c, REG_DI, i), sz, v);
			idx_step(c, REG_SI, i);
		}
		idx_step(c, REG_DI, i);
		return true;
	}
	case 1: { /* CMPS: the 286 reads ES:DI first (captures) */
		uint32_t b, a;
		if (c->model <= CPU_80286) {
			b = mem_read(c, SEG_ES, idx_checked(c, REG_DI, i, 0), sz);
			idx_step(c, REG_DI, i);
			a = mem_read(c, i->seg, idx_checked(c, REG_SI, i, 1), sz);
		} else {
			a = mem_read(c, i->seg, idx_get(c, REG_SI, i), sz);
			b = mem_read(c, SEG_ES, idx_get(c, REG_DI, i), sz);
			idx_step(c, REG_DI, i);
		}
		idx_step(c, REG_SI, i);
		alu_op(c, ALU_CMP, a, b, sz);
		return flag_zf(c) == (i->rep == 0xF3);
	}
	case 2: /* STOS */
		mem_write(c, SEG_ES, idx_checked(c, REG_DI, i, 2), sz, acc_get(c, i));
		idx_step(c, REG_DI, i);
		return true;
	case 3: /* LODS */
		reg_set(c, REG_AX, sz, mem_read(c, i->seg, idx_checked(c, REG_SI, i, 1), sz));
		idx_step(c, REG_SI, i);
		return true;
	case 4: /* SCAS */
		alu_op(c, ALU_CMP, acc_get(c, i), mem_read(c, SEG_ES, idx_checked(c, REG_DI, i, 1), sz), sz);
		idx_step(c, REG_DI, i);
		return flag_zf(c) == (i->rep == 0xF3);
	case 5: { /* INS: the port is read before the write (restartable on a trap) */
		uint32_t off = idx_checked(c, REG_DI, i, 2);
		uint32_t v = io_in(c, *reg16(c, REG_DX), sz, true);
		mem_write(c, SEG_ES, off, sz, v);
		idx_step(c, REG_DI, i);
		return true;
	}
	default: /* OUTS */
		io_out(c, *reg16(c, REG_DX), sz, mem_read(c, i->seg, idx_checked(c, REG_SI, i, 1), sz), true);
		idx_step(c, REG_SI, i);
		return true;
	}
}

/* ---- fast paths for repeated MOVS/STOS/SCAS/CMPS ----
 * They handle the iterations whose elements all sit in one page of host
 * memory and inside the segment's fast-path range (rd_end/wr_end: plain
 * expand-up segments) without wrapping the address size; everything else
 * (page or segment boundaries, MMIO, faults, checked pages) goes element
 * by element through string_step(). The results are those of
 * element-by-element execution, overlapping MOVS included. */

/* How many elements, at most max, starting at seg:off and stepping by
 * `step` bytes (negative: down) stay inside the segment, the address size
 * and one page. Sets *p to the host address of the first one. 0 if not
 * possible. A write takes the host pointer for all of them at once, so
 * that a page holding code counts every byte as written (lin_ptr()). */
static uint32_t span(struct cpu *c, unsigned seg, uint32_t off, int step, uint32_t max, bool write, unsigned asz,
		     uint8_t **p)
{
	const uint32_t sz = (uint32_t)(step < 0 ? -step : step);
	const uint64_t end = write ? c->in.wr_end[seg] : c->in.rd_end[seg];
	const uint64_t top = asz == 2 ? 0x10000u : 0x100000000ull;
	const uint64_t lim = end < top ? end : top;
	if ((uint64_t)off + sz > lim)
		return 0;
	uint32_t lin = c->seg_base[seg] + off;
	uint32_t in_page = lin & (CPU_PAGE_SIZE - 1);
	if (in_page > CPU_PAGE_SIZE - sz)
		return 0;
	uint64_t n = step > 0 ? (lim - off) / sz : (uint64_t)off / sz + 1;
	uint32_t in = step > 0 ? (CPU_PAGE_SIZE - in_page) / sz : in_page / sz + 1;
	if (n > in)
		n = in;
	if (n > max)
		n = max;
	if (n == 0)
		return 0;
	const uint32_t bytes = (uint32_t)n * sz, low = step > 0 ? lin : lin - (bytes - sz);
	uint8_t *h = lin_ptr(c, low, bytes, write);
	if (!h)
		return 0;
	*p = h + (lin - low);
	return (uint32_t)n;
}

static inline void idx_add(struct cpu *c, unsigned r, int32_t delta, unsigned asz)
{
	if (asz == 4)
		*reg32(c, r) += (uint32_t)delta;
	else
		*reg16(c, r) = (uint16_t)(*reg16(c, r) + delta);
}

/* Would n elements of sz bytes copied one by one from src to dst, upwards
 * (step > 0) or downwards, give what memmove() gives? Yes unless the
 * destination overlaps source elements not yet read: upwards when dst
 * lies above src by less than the span, downwards when below. (Host
 * addresses: two linear pages may share a host page.) */
static inline bool movs_is_memmove(const uint8_t *src, const uint8_t *dst, size_t bytes, int step)
{
	const uintptr_t s = (uintptr_t)src, d = (uintptr_t)dst;
	return step > 0 ? !(d > s && d - s < bytes) : !(d < s && s - d < bytes);
}

/* Fill n elements of sz bytes, all v, from the lowest, lo. */
static inline void stos_fill(uint8_t *lo, uint32_t n, unsigned sz, uint32_t v)
{
	const size_t bytes = (size_t)n * sz;
	if (sz == 1) {
		memset(lo, (int)(v & 0xFF), bytes);
		return;
	}
	const uint64_t pat = sz == 2 ? (v & 0xFFFFu) * 0x0001000100010001ull : (uint64_t)v * 0x0000000100000001ull;
	size_t j = 0;
	for (; j + 8 <= bytes; j += 8)
		memcpy(lo + j, &pat, 8);
	memcpy(lo + j, &pat, bytes - j); /* (the pattern's period divides 8) */
}

/* Returns the number of iterations done (0: take the slow path once). */
static uint32_t string_fast(struct cpu *c, const struct insn *i, unsigned kind, uint32_t n)
{
	const unsigned sz = i->osz;
	const int step = (c->in.flags & FLAG_DF) ? -(int)sz : (int)sz;
	uint8_t *src = NULL, *dst = NULL;
	uint32_t k;
	switch (kind) {
	case 0: /* MOVS */
		n = span(c, i->seg, idx_get(c, REG_SI, i), step, n, false, i->asz, &src);
		n = n ? span(c, SEG_ES, idx_get(c, REG_DI, i), step, n, true, i->asz, &dst) : 0;
		if (n > 1 && movs_is_memmove(src, dst, (size_t)n * sz, step)) {
			const size_t back = step > 0 ? 0 : (size_t)(n - 1) * sz;
			memmove(dst - back, src - back, (size_t)n * sz);
		} else {
			for (k = 0; k < n; k++) {
				uint8_t tmp[4];
				memcpy(tmp, src + (ptrdiff_t)k * step, sz);
				memcpy(dst + (ptrdiff_t)k * step, tmp, sz);
			}
		}
		idx_add(c, REG_SI, (int32_t)n * step, i->asz);
		idx_add(c, REG_DI, (int32_t)n * step, i->asz);
		return n;
	case 2: { /* STOS */
		n = span(c, SEG_ES, idx_get(c, REG_DI, i), step, n, true, i->asz, &dst);
		uint32_t v = reg_get(c, REG_AX, sz);
		if (n)
			stos_fill(step > 0 ? dst : dst - (size_t)(n - 1) * sz, n, sz, v);
		idx_add(c, REG_DI, (int32_t)n * step, i->asz);
		return n;
	}
	case 4: { /* SCAS: stop after the element that ends the repetition */
		n = span(c, SEG_ES, idx_get(c, REG_DI, i), step, n, false, i->asz, &dst);
		uint32_t acc = reg_get(c, REG_AX, sz), v = 0;
		bool want_equal = i->rep == 0xF3;
		k = 0;
		if (sz == 1 && step > 0 && !want_equal && n) {
			/* REPNE SCASB upwards: memchr finds the stop. */
			const uint8_t *hit = memchr(dst, (int)acc, n);
			k = hit ? (uint32_t)(hit - dst) + 1 : n;
			v = dst[k - 1];
		} else {
			while (k < n) {
				v = 0;
				memcpy(&v, dst + (ptrdiff_t)k * step, sz);
				k++;
				if ((v == acc) != want_equal)
					break;
			}
		}
		if (k)
			alu_op(c, ALU_CMP, acc, v, sz);
		idx_add(c, REG_DI, (int32_t)k * step, i->asz);
		return k;
	}
	default: { /* CMPS (the 286 order of access does not matter here: no fault) */
		n = span(c, i->seg, idx_get(c, REG_SI, i), step, n, false, i->asz, &src);
		n = n ? span(c, SEG_ES, idx_get(c, REG_DI, i), step, n, false, i->asz, &dst) : 0;
		uint32_t a = 0, b = 0;
		bool want_equal = i->rep == 0xF3;
		k = 0;
		if (step > 0 && want_equal && n > 1) {
			/* REPE CMPS upwards: skip equal 8-byte runs first. */
			uint32_t bytes = n * sz, skip = 0;
			while (skip + 8 <= bytes && load64u(src + skip) == load64u(dst + skip))
				skip += 8;
			k = skip / sz;
			if (k == n)
				k = n - 1; /* keep the last element for the flags */
		}
		for (; k < n;) {
			a = 0;
			b = 0;
			memcpy(&a, src + (ptrdiff_t)k * step, sz);
			memcpy(&b, dst + (ptrdiff_t)k * step, sz);
			k++;
			if ((a == b) != want_equal)
				break;
		}
		if (k)
			alu_op(c, ALU_CMP, a, b, sz);
		idx_add(c, REG_SI, (int32_t)k * step, i->asz);
		idx_add(c, REG_DI, (int32_t)k * step, i->asz);
		return k;
	}
	}
}

static inline __attribute__((always_inline)) void string_op(struct cpu *c, const struct insn *i, unsigned kind)
{
	if (!i->rep) {
		string_step(c, i, kind);
		return;
	}
	const bool fast = kind == 0 || kind == 1 || kind == 2 || kind == 4;
	uint32_t n = reg_get(c, REG_CX, i->asz);
	const uint32_t chunk = rep_allowance(c);
	uint32_t budget = chunk;
	while (n != 0) {
		if (budget == 0 || (c->in.events & 1)) {
			/* Not finished: run the instruction again later; this
			 * budget unit retired nothing. */
			c->ip = c->in.insn_ip;
			c->in.unretired++;
			break;
		}
		uint32_t done = fast ? string_fast(c, i, kind, min_u32(n, budget)) : 0;
		if (done) {
			n -= done;
			budget -= done;
			reg_set(c, REG_CX, i->asz, n);
			if ((kind == 1 || kind == 4) && flag_zf(c) != (i->rep == 0xF3))
				break;
			continue;
		}
		bool go_on = string_step(c, i, kind);
		n--;
		budget--;
		reg_set(c, REG_CX, i->asz, n);
		if (!go_on)
			break;
	}
	rep_charge(c, chunk - budget);
}

void op_movs(struct cpu *c, const struct insn *i) { string_op(c, i, 0); }
void op_cmps(struct cpu *c, const struct insn *i) { string_op(c, i, 1); }
void op_stos(struct cpu *c, const struct insn *i) { string_op(c, i, 2); }
void op_lods(struct cpu *c, const struct insn *i) { string_op(c, i, 3); }
void op_scas(struct cpu *c, const struct insn *i) { string_op(c, i, 4); }
void op_ins(struct cpu *c, const struct insn *i) { string_op(c, i, 5); }
void op_outs(struct cpu *c, const struct insn *i) { string_op(c, i, 6); }

/* MOVS, CMPS, STOS, LODS and SCAS without a repeat prefix, with threaded
 * twins (used through specialize.c): one iteration, no REP loop. */
#define STRING1_VARIANT(name, kind) \
	static void name##1(struct cpu *c, const struct insn *i) { string_step(c, i, kind); } \
	static void name##1_t(struct cpu *c, const struct insn *i) \
	{ \
		insn_current(c, i); \
		string_step(c, i, kind); \
		insn_chain(c, i); \
	}
STRING1_VARIANT(movs, 0)
STRING1_VARIANT(cmps, 1)
STRING1_VARIANT(stos, 2)
STRING1_VARIANT(lods, 3)
STRING1_VARIANT(scas, 4)

const struct op_pair string1_table[5] = {
	{ movs1, movs1_t, NULL }, { cmps1, cmps1_t, NULL }, { stos1, stos1_t, NULL },
	{ lods1, lods1_t, NULL }, { scas1, scas1_t, NULL },
};
