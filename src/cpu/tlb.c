/*
 * tlb.c - the software TLB: linear page -> host page, for reads and for
 * writes, filled on a miss by the slow path and used by the inline
 * accessors in cpu_internal.h.
 *
 * One direct-mapped table of CPU_TLB_SIZE entries. An entry's read tag is
 * set when the page may be read with the rights it was filled with, its
 * write tag when it may also be written (with paging: the dirty bit is
 * already set). Without paging a fill sets both (a RAM page is read and
 * written alike; ROM gets a read tag only).
 *
 * Rights: entries filled in user mode give user rights, which supervisor
 * code may use too. Entries filled in supervisor mode may give more than
 * user mode may have; the TLB remembers that (tlb_super) and is dropped
 * when the CPU enters user mode (cpu_priv_changed()). Accesses that must
 * be checked one by one never get an entry: 486 alignment checking
 * (ac_check) and pages with an enabled data breakpoint.
 *
 * The mapping epochs count the events that change linear-to-physical
 * mappings (CR3 loads and paging turned on, INVLPG, A20, the physical
 * map): decoded blocks recorded under another epoch check their physical
 * address again (block_cache.c; epoch_bump() below).
 *
 * Pages holding decoded code get no write tag, only cpu_tlbx.wcode and the
 * page's summary (bc_tlb_slot_set()): their writes take the slow path,
 * which checks them against the code (lin_write_slow(), bc_code_write()).
 *
 * The system translation cache (stlb) holds what this TLB may not: the
 * supervisor-rights translations of the processor's own accesses to the
 * descriptor tables, the TSS and the stacks of an interrupt or task
 * switch, which it makes with supervisor rights whatever the CPL (Intel
 * 80386 PRM 6.4.1.1; the SDM vol. 3 4.6 calls them implicit supervisor-
 * mode accesses). An entry filled for one at CPL 3 must not serve user
 * accesses, so they live apart, in CPU_STLB_SIZE direct-mapped entries
 * that only sys_read()/sys_write() and the host's lookups consult. Each
 * keeps what its walk left true in the tables (accessed bits, dirty bit,
 * supervisor write allowed), so that a hit never skips an update the walk
 * would have made: a read needs the accessed bits set, a write the dirty
 * bit too (80386 PRM 5.2.4.4: the processor sets them in the tables, and
 * the TLB only caches entries it has set them in). The stlb is emptied
 * wherever this TLB is flushed (tlb_flush(): A20, the physical map;
 * tlb_flush_paging(): CR3 loads, CR0.PG/PE/WP; tlb_flush_page():
 * INVLPG; dr_update(): a page newly watched), so a guest that changes its
 * tables and flushes as the PRM 5.2.5 requires is seen at once; but for
 * paging turned off, which keeps it for cpu_resume_paging() (nothing uses
 * it until paging is on again, and every other way back empties it:
 * tlb_pause_paging() below). It holds
 * no code-page state: its writes check the page's code slot every time
 * (memory.c sys_cached(), span_write()).
 */
#include "cpu/block_cache.h"

void cpu_bc_ctx_update(struct cpu *c)
{
	c->in.bc_ctx = (uint64_t)(c->in.mode_bits | c->in.epoch << 8) << 32;
	bc_link_check_update(c);
}

void tlb_drop(struct cpu *c)
{
	/* Mapping changes come in runs (a VM's set-up maps memory a dozen
	 * times): an empty TLB is not walked again. */
	if (c->in.tlb_clean)
		return;
	/* Only the slots filled since the last drop hold tags (tlb_used):
	 * the others are TLB_NONE already, or zero tags that match nothing
	 * (cpu_init_zeroed()), whose pages are then not touched. */
	for (unsigned w = 0; w < CPU_TLB_SIZE / 64; w++) {
		for (uint64_t m = c->in.tlb_used[w]; m; m &= m - 1) {
			const unsigned k = w * 64 + (unsigned)__builtin_ctzll(m);
			c->in.tlb[k].rd = TLB_NONE;
			c->in.tlb[k].wr = TLB_NONE;
			c->in.tlb_x[k].wcode = TLB_NONE;
		}
		c->in.tlb_used[w] = 0;
	}
	c->in.tlb_super = false;
	c->in.tlb_clean = true;
}

/* Two mapping epochs, the one in force in bc_ctx (c->in.epoch): one
 * for linear-to-physical without paging (odd), which only the A20 gate
 * and the physical map change, and one with paging (even), which CR3
 * loads, INVLPG and paging turned on or its rights changed move too. Each
 * number stands for one mapping: paging turned off goes back to the flat
 * epoch it left, whose mapping has not changed (a block recorded or
 * checked under it needs no recheck: CWSDPMI's switches between paged
 * protected mode and real mode leave the real-mode blocks current), while
 * paging turned on always takes a new paged epoch (the tables may have
 * changed meanwhile, and the processor's TLB starts empty). A block
 * checked under one is checked again under the other (bc_recheck()).
 * Both are 24 bits (bc_ctx) and never 0 (an empty block slot has context
 * 0): when one would wrap, blocks of old epochs could pass for current
 * ones, so the block cache is emptied. */
static void epoch_bump(struct cpu *c, bool flat)
{
	if (c->in.epoch_paged == 0) { /* (zeroed: the first bump) */
		c->in.epoch_flat = 1;
		c->in.epoch_paged = 2;
	}
	if (flat)
		c->in.epoch_flat += 2;
	c->in.epoch_paged += 2;
	c->in.kept_epoch = 0; /* a mapping changed: nothing to resume */
	if (c->in.epoch_flat >= 1u << 24 || c->in.epoch_paged >= 1u << 24) {
		c->in.epoch_flat = 1;
		c->in.epoch_paged = 2;
		bc_clear(c, c->in.bcache);
	}
	c->in.epoch = (c->in.cr0 & CR0_PG) ? c->in.epoch_paged : c->in.epoch_flat;
	cpu_bc_ctx_update(c);
}

/* (Only the entries filled since the last drop; zeroed ones, whose tag
 * is page 0, by the first flush, reset_state()'s: init_zeroed() marks
 * them all used.) */
_Static_assert(CPU_STLB_SIZE <= 32, "stlb_used has a bit per entry");
void stlb_drop(struct cpu *c)
{
	for (uint32_t m = c->in.stlb_used; m; m &= m - 1)
		c->in.stlb[__builtin_ctz(m)].page = TLB_NONE;
	c->in.stlb_used = 0;
}

void tlb_flush(struct cpu *c)
{
	tlb_drop(c);
	stlb_drop(c);
	epoch_bump(c, true);
}

void tlb_flush_paging(struct cpu *c)
{
	tlb_drop(c);
	stlb_drop(c);
	epoch_bump(c, false);
}

/* Resuming a paged epoch (cpu_resume_paging(), for a monitor's mode
 * switches: docs/dpmi.md, "Paging resumed without a new epoch"). Paging
 * turned off keeps the paged epoch that was in force, with the CR0.WP
 * its mapping stood for (which supervisor writes a translation allows:
 * i486 PRM 4.1.3, CR0.WP). Every later epoch bump (INVLPG in real mode,
 * a CR0 load that changes PE or WP, the guest turning paging on itself,
 * A20, the physical map) forgets it, and so does every CR3 load, whatever
 * the mode and value (cpu_load_cr3(); a task switch loads CR3 too): so
 * CR3 is still the one it was taken under, and when it is taken up again
 * the linear-to-physical mapping it names can only differ through the
 * bytes of the tables, which the monitor vouches for. The paged counter
 * goes back to it: the value the turn-off's bump left was never in force
 * (with paging off bc_ctx holds the flat epoch), so the next bump still
 * yields an epoch no block was recorded under. A turn-off whose bump
 * wrapped (the block cache emptied, the counter restarted) keeps nothing,
 * or an old number could come back into use.
 * The TLB is not kept (real mode fills it with flat translations). The
 * system translation cache is: nothing fills or consults it while paging
 * is off (memory.c sys_span(), sys_cached(), host_translate()), every
 * flush between empties it as before (tlb_flush(), tlb_flush_paging(),
 * tlb_flush_page() its entry, dr_update()), and paging turned on other
 * than by a resume is a tlb_flush_paging(), which empties it; so it is
 * used again only under the mapping it was filled under. (Its entries
 * hold no code-page state: sys_cached() checks the page's code slot on
 * every write.) */
void tlb_pause_paging(struct cpu *c, uint32_t old)
{
	const uint32_t paged = c->in.epoch;
	tlb_drop(c);
	epoch_bump(c, false);
	if (c->in.epoch_paged != paged + 2)
		return;
	c->in.kept_epoch = paged;
	c->in.kept_wp = old & CR0_WP;
}

bool tlb_resume_paging(struct cpu *c, uint32_t old)
{
	if ((old & CR0_PG) || !(c->in.cr0 & CR0_PG) || !c->in.kept_epoch || (c->in.cr0 & CR0_WP) != c->in.kept_wp)
		return false;
	tlb_drop(c);
	c->in.epoch_paged = c->in.kept_epoch;
	c->in.epoch = c->in.kept_epoch;
	c->in.kept_epoch = 0;
	cpu_bc_ctx_update(c);
	return true;
}

void tlb_flush_page(struct cpu *c, uint32_t lin)
{
	const unsigned k = (lin >> CPU_PAGE_SHIFT) & (CPU_TLB_SIZE - 1);
	c->in.tlb[k].rd = TLB_NONE;
	c->in.tlb[k].wr = TLB_NONE;
	c->in.tlb_x[k].wcode = TLB_NONE;
	c->in.stlb[(lin >> CPU_PAGE_SHIFT) & (CPU_STLB_SIZE - 1)].page = TLB_NONE;
	epoch_bump(c, false);
}

int stlb_translate(struct cpu *c, uint32_t lin, enum stlb_use use, bool fault, uint32_t *phys, uint8_t **host)
{
	const uint32_t page = lin & ~(CPU_PAGE_SIZE - 1), off = lin & (CPU_PAGE_SIZE - 1);
	const bool write = use == STLB_PROBE_WRITE || use == STLB_WRITE;
	struct cpu_stlbe *e = &c->in.stlb[(lin >> CPU_PAGE_SHIFT) & (CPU_STLB_SIZE - 1)];
	if (!stlb_hit(c, lin, 1, use)) {
		/* A miss, or an entry that does not give this use yet: the
		 * walk (with its #PF, and its accessed and dirty bits for an
		 * access) refills it with what the tables say now. */
		uint32_t pa;
		unsigned rights;
		if (paging_translate(c, lin, write, false, fault, use >= STLB_READ, &pa, &rights) < 0)
			return -1;
		const uint32_t ppage = pa & ~(CPU_PAGE_SIZE - 1);
		uint8_t *rd = phys_host(c, ppage, false), *wr = phys_host(c, ppage, true);
		if (c->in.dr_data && dr_page_watched(c, lin)) {
			*phys = pa;
			*host = write ? (wr ? wr + off : NULL) : rd ? rd + off : NULL;
			return 0;
		}
		c->in.stlb_used |= 1u << ((lin >> CPU_PAGE_SHIFT) & (CPU_STLB_SIZE - 1));
		e->page = page;
		e->phys = ppage;
		e->rd = rd;
		e->wr = wr;
		e->rights = rights;
	}
	*phys = e->phys | off;
	uint8_t *h = write ? e->wr : e->rd;
	*host = h ? h + off : NULL;
	return 0;
}

int tlb_fill(struct cpu *c, uint32_t lin, bool write, bool user, bool fault, uint32_t *phys, uint8_t **host)
{
	uint32_t pa;
	unsigned rights = PAGE_USER_READ | PAGE_USER_WRITE | PAGE_SUPER_WRITE;
	const bool paging = (c->in.cr0 & CR0_PG) != 0;
	if (paging) {
		if (paging_translate(c, lin, write, user, fault, true, &pa, &rights) < 0)
			return -1;
	} else {
		pa = lin & c->in.a20_mask;
	}
	*phys = pa;
	uint8_t *h = phys_host(c, pa, write);
	*host = h;
	if (!h)
		return 0;
	/* A supervisor fill from user mode (a system access) must not leave
	 * an entry user mode could use; nor may checked accesses get one. */
	if ((!user && c->in.cpl == 3 && paging) || c->in.ac_check ||
	    (c->in.dr_data && dr_page_watched(c, lin)))
		return 0;
	const uint32_t page = lin & ~(CPU_PAGE_SIZE - 1);
	const unsigned k = (lin >> CPU_PAGE_SHIFT) & (CPU_TLB_SIZE - 1);
	struct cpu_tlbe *e = &c->in.tlb[k];
	const uintptr_t addend = (uintptr_t)(h - (pa & (CPU_PAGE_SIZE - 1))) - page;
	struct cpu_tlbx *x = &c->in.tlb_x[k];
	c->in.tlb_clean = false;
	c->in.tlb_used[k / 64] |= 1ull << (k % 64);
	if ((e->rd != page && e->wr != page && x->wcode != page) || e->addend != addend) {
		e->rd = TLB_NONE;
		e->wr = TLB_NONE;
		x->wcode = TLB_NONE;
	}
	e->addend = addend;
	c->in.tlb_p[k].phys = pa & ~(CPU_PAGE_SIZE - 1);
	e->rd = page;
	/* Without paging a read fill may write too (RAM, not ROM); with
	 * paging only a write fill has set the dirty bit. */
	const uint8_t *hw = write ? h : !paging ? phys_host(c, pa, true) : NULL;
	if (hw == h) {
		struct bc_page **code = phys_code_slot(c, pa);
		if (code && *code) {
			e->wr = TLB_NONE;
			x->wcode = page;
			bc_tlb_slot_set(c, k, *code);
		} else {
			e->wr = page;
			x->wcode = TLB_NONE;
		}
	}
	if (paging && !user &&
	    (!(rights & PAGE_USER_READ) || (e->wr == page && !(rights & PAGE_USER_WRITE))))
		c->in.tlb_super = true;
	return 0;
}
