/*
 * paging.c - linear to physical translation through the guest's two-level
 * page tables (Intel 80386 PRM chapter 5.2 and 6.4; i486 PRM 4.5 for
 * CR0.WP).
 *
 * A linear address splits into a directory index (bits 22-31), a table
 * index (bits 12-21) and an offset. Both entries must be present (bit 0);
 * the protection is the more restrictive of the two: user mode (CPL 3,
 * except the processor's own accesses to descriptor tables and the TSS)
 * needs U/S (bit 2) in both, and R/W (bit 1) in both to write. Supervisor
 * accesses may write anything on the 386; on the 486 CR0.WP makes them
 * respect R/W as well. The accessed bit (5) is set in both entries on use,
 * the dirty bit (6) in the table entry on a write. A violation is #PF
 * with CR2 = the address and the error code P (bit 0: protection, else
 * not present), W/R (bit 1) and U/S (bit 2).
 */
#include "cpu/cpu_internal.h"

enum { PTE_P = 1u << 0, PTE_W = 1u << 1, PTE_U = 1u << 2, PTE_A = 1u << 5, PTE_D = 1u << 6 };

/* Page-table entries are read and written in physical memory directly. */
static uint32_t pte_read(struct cpu *c, uint32_t pa)
{
	pa &= c->in.a20_mask;
	const uint8_t *h = phys_host(c, pa, false);
	if (h && (pa & (CPU_PAGE_SIZE - 1)) <= CPU_PAGE_SIZE - 4) {
		uint32_t v;
		memcpy(&v, h, 4);
		return v;
	}
	uint32_t v = 0;
	for (unsigned k = 0; k < 4; k++) {
		uint32_t a = (pa + k) & c->in.a20_mask;
		const uint8_t *b = phys_host(c, a, false);
		v |= (uint32_t)(b ? *b : c->bus.mem_read8 ? c->bus.mem_read8(c->bus.ctx, a) : 0xFF) << (8 * k);
	}
	return v;
}

static void pte_write(struct cpu *c, uint32_t pa, uint32_t v)
{
	for (unsigned k = 0; k < 4; k++) {
		uint32_t a = (pa + k) & c->in.a20_mask;
		uint8_t *b = phys_host(c, a, true);
		if (b) {
			*b = (uint8_t)(v >> (8 * k));
			cpu_mem_written(c, a, 1);
		} else if (c->bus.mem_write8) {
			c->bus.mem_write8(c->bus.ctx, a, (uint8_t)(v >> (8 * k)));
		}
	}
}

int paging_translate(struct cpu *c, uint32_t lin, bool write, bool user, bool fault, bool set_bits,
		     uint32_t *phys, unsigned *rights)
{
	const uint32_t pde_addr = (c->in.cr3 & ~(CPU_PAGE_SIZE - 1)) + ((lin >> 22) << 2);
	const uint32_t pde = pte_read(c, pde_addr);
	const uint32_t err_rw = (write ? 2u : 0) | (user ? 4u : 0);
	if (!(pde & PTE_P))
		goto not_present;
	const uint32_t pte_addr = (pde & ~(CPU_PAGE_SIZE - 1)) + (((lin >> 12) & 0x3FF) << 2);
	const uint32_t pte = pte_read(c, pte_addr);
	if (!(pte & PTE_P))
		goto not_present;
	const uint32_t both = pde & pte;
	bool ok = true;
	if (user)
		ok = (both & PTE_U) && (!write || (both & PTE_W));
	else if (write && !(both & PTE_W))
		ok = !(c->model >= CPU_80486 && (c->in.cr0 & CR0_WP));
	if (!ok) {
		if (fault)
			cpu_page_fault(c, lin, 1u | err_rw);
		return -1;
	}
	/* What the tables hold after the walk: the accessed bits in both
	 * entries and the dirty bit (the system translation cache lets later
	 * accesses skip the walk only while these are already set). */
	uint32_t pde_now = pde, pte_now = pte;
	if (set_bits) {
		if (!(pde & PTE_A))
			pte_write(c, pde_addr, pde_now = pde | PTE_A);
		uint32_t npte = pte | PTE_A | (write ? PTE_D : 0);
		if (npte != pte)
			pte_write(c, pte_addr, pte_now = npte);
	}
	*phys = ((pte & ~(CPU_PAGE_SIZE - 1)) | (lin & (CPU_PAGE_SIZE - 1))) & c->in.a20_mask;
	if (rights) {
		unsigned r = 0;
		if (both & PTE_U)
			r |= PAGE_USER_READ | ((both & PTE_W) ? PAGE_USER_WRITE : 0);
		if ((both & PTE_W) || !(c->model >= CPU_80486 && (c->in.cr0 & CR0_WP)))
			r |= PAGE_SUPER_WRITE;
		if (pde_now & pte_now & PTE_A)
			r |= PAGE_ACCESSED;
		if (pte_now & PTE_D)
			r |= PAGE_DIRTY;
		*rights = r;
	}
	return 0;

not_present:
	if (fault)
		cpu_page_fault(c, lin, err_rw);
	return -1;
}
