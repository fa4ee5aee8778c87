/*
 * memmap.c - the VM's address space below 1 MiB + 64 KiB: who owns each
 * 4 KiB page (RAM the CPU reaches directly, mapped with vm_map_ram_owned;
 * a device's memory-mapped I/O, claimed with vdd_claim_memory; a window
 * whose owner remaps it, vdd_claim_window) and which physical page each
 * linear page shows (page_phys). vm_map_pages is the one function that
 * changes what a page shows: it keeps the CPU's page map and the host's
 * view (vm16_read/vm16_write, vdd_mem_move) the same. A page has at most
 * one owner; a second claim is refused naming both.
 */
#include <errno.h>
#include <string.h>

#include "vm/vm_internal.h"

static bool bit(const uint8_t *map, uint32_t p)
{
	return (map[p / 8] >> (p % 8)) & 1;
}

static void set_bit(uint8_t *map, uint32_t p, bool v)
{
	if (v)
		map[p / 8] |= (uint8_t)(1u << (p % 8));
	else
		map[p / 8] &= (uint8_t)~(1u << (p % 8));
}

static int claim_pages(struct vm *vm, const char *owner, uint32_t base, uint32_t size, unsigned index)
{
	if ((base | size) & (CPU_PAGE_SIZE - 1) || size == 0 || base > VM_RAM_SIZE || size > VM_RAM_SIZE - base)
		return vm_fail(vm, -EINVAL, "%s: bad memory range %05Xh+%Xh", owner, base, size);
	for (uint32_t p = base >> CPU_PAGE_SHIFT; p < (base + size) >> CPU_PAGE_SHIFT; p++)
		if (vm->page_owner[p])
			return vm_fail(vm, -EBUSY, "%s cannot claim memory at %05Xh: it belongs to %s", owner,
				       p << CPU_PAGE_SHIFT, vm->mem_owners[vm->page_owner[p] - 1].name);
	for (uint32_t p = base >> CPU_PAGE_SHIFT; p < (base + size) >> CPU_PAGE_SHIFT; p++)
		vm->page_owner[p] = (uint8_t)index;
	return 0;
}

/* Record a new owner and give it the pages of [base, base+size). */
static int claim_range(struct vm *vm, const char *owner, uint32_t base, uint32_t size, void *inst,
		       vdd_mem_read_fn read, vdd_mem_write_fn write)
{
	if (vm->nmem_owners == VM_MAX_MEM_OWNERS)
		return vm_fail(vm, -ENOSPC, "%s: too many memory ranges on this VM", owner);
	int rc = claim_pages(vm, owner, base, size, vm->nmem_owners + 1);
	if (rc < 0)
		return rc;
	vm->mem_owners[vm->nmem_owners++] = (struct vm_mem_owner){ owner, inst, read, write };
	return 0;
}

const char *vm_page_owner_name(const struct vm *vm, uint32_t lin)
{
	unsigned o = lin < VM_RAM_SIZE ? vm->page_owner[lin >> CPU_PAGE_SHIFT] : 0;
	return o ? vm->mem_owners[o - 1].name : "";
}

int vm_map_pages(struct vm *vm, uint32_t linear, uint32_t phys, uint32_t size, bool writable)
{
	if ((linear | phys | size) & (CPU_PAGE_SIZE - 1) || linear > VM_RAM_SIZE || size > VM_RAM_SIZE - linear ||
	    phys > vm->ram_size || size > vm->ram_size - phys)
		return -EINVAL;
	int rc = cpu_map_ram(&vm->cpu, linear, size, vm->ram + phys, writable);
	if (rc < 0)
		return rc;
	for (uint32_t k = 0; k < size >> CPU_PAGE_SHIFT; k++) {
		uint32_t p = (linear >> CPU_PAGE_SHIFT) + k, was = vm->page_phys[p], now = (phys >> CPU_PAGE_SHIFT) + k;
		vm->nremapped -= was != VM_PHYS_NONE && was != p;
		vm->nremapped += now != p;
		vm->page_phys[p] = now;
		set_bit(vm->page_writable, p, writable);
	}
	return 0;
}

int vm_map_ram_owned(struct vm *vm, const char *owner, uint32_t base, uint32_t size, bool writable)
{
	int rc = claim_range(vm, owner, base, size, NULL, NULL, NULL);
	if (rc == 0)
		rc = vm_map_pages(vm, base, base, size, writable);
	return rc < 0 && !vm->error[0] ? vm_fail(vm, rc, "cannot map %Xh bytes at %05Xh", size, base) : rc;
}

int vdd_claim_memory(struct vm *vm, const char *owner, uint32_t base, uint32_t size, void *inst,
		     vdd_mem_read_fn read, vdd_mem_write_fn write)
{
	if (!read || !write)
		return vm_fail(vm, -EINVAL, "%s: memory handlers missing", owner);
	return claim_range(vm, owner, base, size, inst, read, write);
}

int vdd_claim_window(struct vm *vm, const char *owner, uint32_t base, uint32_t size)
{
	if (base >= 0x100000 || size > 0x100000 - base)
		return vm_fail(vm, -EINVAL, "%s: a window must lie below 1 MiB (%05Xh+%Xh)", owner, base, size);
	int rc = vm_map_ram_owned(vm, owner, base, size, true);
	if (rc < 0)
		return rc;
	for (uint32_t p = base >> CPU_PAGE_SHIFT; p < (base + size) >> CPU_PAGE_SHIFT; p++)
		set_bit(vm->page_window, p, true);
	return 0;
}

int vdd_map_phys(struct vm *vm, uint32_t linear, uint32_t phys, uint32_t size)
{
	if ((linear | phys | size) & (CPU_PAGE_SIZE - 1) || size == 0 || linear >= 0x100000 ||
	    size > 0x100000 - linear)
		return -EINVAL;
	uint32_t conv = vm->cfg.mem_4k;
	for (uint32_t p = linear >> CPU_PAGE_SHIFT; p < (linear + size) >> CPU_PAGE_SHIFT; p++)
		if (!bit(vm->page_window, p) && p >= conv)
			return -EINVAL;
	return vm_map_pages(vm, linear, phys, size, true);
}

/* ---- host accesses ---- */

/* Where the byte at linear address lin lives: its physical address, or
 * VM_PHYS_NONE for device memory and unmapped pages. Below VM_RAM_SIZE the
 * A20 gate and the page map apply; above, linear is physical. */
static uint32_t phys_of(const struct vm *vm, uint32_t lin)
{
	if (lin >= VM_RAM_SIZE)
		return lin < vm->ram_size ? lin : VM_PHYS_NONE;
	if (!vm->a20)
		lin &= 0xFFFFF;
	uint32_t pp = vm->page_phys[lin >> CPU_PAGE_SHIFT];
	return pp == VM_PHYS_NONE ? pp : (pp << CPU_PAGE_SHIFT) | (lin & (CPU_PAGE_SIZE - 1));
}

/* Bytes from lin to the end of its page. */
static uint32_t page_left(uint32_t lin, uint64_t len)
{
	uint32_t n = CPU_PAGE_SIZE - (lin & (CPU_PAGE_SIZE - 1));
	return len < n ? (uint32_t)len : n;
}

void vm_phys_written(struct vm *vm, uint32_t phys, uint32_t len)
{
	if (len == 0)
		return;
	uint32_t first = phys >> CPU_PAGE_SHIFT, last = (uint32_t)(((uint64_t)phys + len - 1) >> CPU_PAGE_SHIFT);
	for (uint32_t p = first; p <= last && p < VM_PAGES; p++)
		if (vm->page_phys[p] == p)
			cpu_mem_written(&vm->cpu, p << CPU_PAGE_SHIFT, CPU_PAGE_SIZE);
	if (!vm->nremapped)
		return;
	for (uint32_t p = 0; p < VM_PAGES; p++) {
		uint32_t pp = vm->page_phys[p];
		if (pp != p && pp >= first && pp <= last)
			cpu_mem_written(&vm->cpu, p << CPU_PAGE_SHIFT, CPU_PAGE_SIZE);
	}
}

static bool in_range(const struct vm *vm, uint32_t lin, uint64_t len)
{
	return (uint64_t)lin + len <= vm->ram_size;
}

/* One page's worth (n bytes within the page of lin). */
static void read_piece(struct vm *vm, uint32_t lin, uint8_t *buf, uint32_t n)
{
	uint32_t ph = phys_of(vm, lin);
	if (ph != VM_PHYS_NONE) {
		memcpy(buf, vm->ram + ph, n);
		return;
	}
	for (uint32_t k = 0; k < n; k++)
		buf[k] = vm_mem_read8(vm, (vm->a20 ? lin : lin & 0xFFFFF) + k);
}

static void write_piece(struct vm *vm, uint32_t lin, const uint8_t *buf, uint32_t n)
{
	uint32_t ph = phys_of(vm, lin);
	if (ph != VM_PHYS_NONE) {
		memcpy(vm->ram + ph, buf, n);
		vm_phys_written(vm, ph, n);
		return;
	}
	for (uint32_t k = 0; k < n; k++)
		vm_mem_write8(vm, (vm->a20 ? lin : lin & 0xFFFFF) + k, buf[k]);
}

/* Copy between the host and guest memory at a linear address, page by
 * page: through the guest's page tables when paging is on (a page that is
 * not present is -EFAULT), then as read_piece()/write_piece() see the
 * address. */
static int guest_copy(struct vm *vm, uint32_t linear, uint8_t *buf, size_t len, bool write)
{
	bool paging = cpu_get_cr(&vm->cpu, 0) & CR0_PG;
	if (!paging && !in_range(vm, linear, len))
		return -ERANGE;
	for (size_t done = 0; done < len;) {
		uint32_t lin = linear + (uint32_t)done, at = lin;
		uint32_t n = page_left(lin, len - done);
		if (paging) {
			if (cpu_linear_to_phys(&vm->cpu, lin, write, &at) < 0)
				return -EFAULT;
			if (!in_range(vm, at, n))
				return -ERANGE;
		}
		if (write)
			write_piece(vm, at, buf + done, n);
		else
			read_piece(vm, at, buf + done, n);
		done += n;
	}
	return 0;
}

int vm16_read(struct vm *vm, uint32_t linear, void *buf, size_t len)
{
	return guest_copy(vm, linear, buf, len, false);
}

int vm16_write(struct vm *vm, uint32_t linear, const void *buf, size_t len)
{
	return guest_copy(vm, linear, (uint8_t *)buf, len, true);
}

/* Pieces never cross a page of either side, so each goes through one
 * physical page or one device. */
static uint32_t piece(uint32_t a, uint32_t b, uint64_t len)
{
	uint32_t n = page_left(a, len);
	uint32_t m = page_left(b, n);
	return m;
}

int vdd_mem_move(struct vm *vm, uint32_t dst, uint32_t src, uint32_t len)
{
	if (!in_range(vm, dst, len) || !in_range(vm, src, len))
		return -ERANGE;
	uint8_t buf[CPU_PAGE_SIZE];
	if (dst <= src || dst >= src + len) {
		for (uint32_t done = 0; done < len;) {
			uint32_t n = piece(src + done, dst + done, len - done);
			read_piece(vm, src + done, buf, n);
			write_piece(vm, dst + done, buf, n);
			done += n;
		}
		return 0;
	}
	/* dst above an overlapping src: from the end down. */
	for (uint32_t left = len; left > 0;) {
		uint32_t n = (src + left) & (CPU_PAGE_SIZE - 1), m = (dst + left) & (CPU_PAGE_SIZE - 1);
		n = n ? n : CPU_PAGE_SIZE;
		m = m ? m : CPU_PAGE_SIZE;
		n = n < m ? n : m;
		n = n < left ? n : left;
		read_piece(vm, src + left - n, buf, n);
		write_piece(vm, dst + left - n, buf, n);
		left -= n;
	}
	return 0;
}

int vdd_mem_exchange(struct vm *vm, uint32_t a, uint32_t b, uint32_t len)
{
	if (!in_range(vm, a, len) || !in_range(vm, b, len))
		return -ERANGE;
	uint8_t ba[CPU_PAGE_SIZE], bb[CPU_PAGE_SIZE];
	for (uint32_t done = 0; done < len;) {
		uint32_t n = piece(a + done, b + done, len - done);
		read_piece(vm, a + done, ba, n);
		read_piece(vm, b + done, bb, n);
		write_piece(vm, a + done, bb, n);
		write_piece(vm, b + done, ba, n);
		done += n;
	}
	return 0;
}

/* CPU callbacks for pages that are not directly mapped (physical
 * addresses; above VM_RAM_SIZE nothing but RAM and the ROM alias exists:
 * the rest reads FFh). */
uint8_t vm_mem_read8(void *ctx, uint32_t lin)
{
	struct vm *vm = ctx;
	unsigned o = lin < VM_RAM_SIZE ? vm->page_owner[lin >> CPU_PAGE_SHIFT] : 0;
	if (o && vm->mem_owners[o - 1].read)
		return vm->mem_owners[o - 1].read(vm->mem_owners[o - 1].inst, lin);
	return 0xFF;
}

void vm_mem_write8(void *ctx, uint32_t lin, uint8_t v)
{
	struct vm *vm = ctx;
	unsigned o = lin < VM_RAM_SIZE ? vm->page_owner[lin >> CPU_PAGE_SHIFT] : 0;
	if (o && vm->mem_owners[o - 1].write) {
		vm->mem_owners[o - 1].write(vm->mem_owners[o - 1].inst, lin, v);
		vm_update_intr(vm);
	}
}
