/*
 * memmap.c - the VM's physical address space. Below 1 MiB + 64 KiB: who
 * owns each 4 KiB page (RAM the CPU reaches directly, mapped with
 * vm_map_ram_owned; device memory mapped directly, a ROM, with
 * vdd_map_memory; a device's memory-mapped I/O, claimed with
 * vdd_claim_memory; a window whose owner remaps it, vdd_claim_window) and
 * which physical page each page shows (page_phys). vm_map_pages is the one
 * function that changes what a page shows: it keeps the CPU's map and the
 * host's view (vm16_read/vm16_write, vdd_mem_move) the same. A page has at
 * most one owner; a second claim is refused naming both.
 *
 * Above RAM (VDD_HIGH_MEMORY_BASE up to 4 GiB) a device may claim ranges
 * for handlers, such as the VESA linear frame buffer at E0000000h: the
 * CPU's unmapped-page callbacks (vm_mem_read8/write8) send these physical
 * addresses to their owner.
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
	for (uint32_t p = base >> CPU_PAGE_SHIFT; p < (base + size) >> CPU_PAGE_SHIFT; p++)
		if (vm->page_owner[p])
			return vm_fail(vm, -EBUSY, "%s cannot claim memory at %05Xh: it belongs to %s", owner,
				       p << CPU_PAGE_SHIFT, vm->mem_owners[vm->page_owner[p] - 1].name);
	for (uint32_t p = base >> CPU_PAGE_SHIFT; p < (base + size) >> CPU_PAGE_SHIFT; p++)
		vm->page_owner[p] = (uint8_t)index;
	return 0;
}

static int claim_high(struct vm *vm, const char *owner, uint32_t base, uint32_t size, unsigned index)
{
	for (unsigned k = 0; k < vm->nhigh; k++) {
		const struct vm_high_range *h = &vm->high[k];
		if (base < h->base + (uint64_t)h->size && h->base < base + (uint64_t)size)
			return vm_fail(vm, -EBUSY, "%s cannot claim memory at %08Xh: it belongs to %s", owner, base,
				       vm->mem_owners[h->owner - 1].name);
	}
	if (vm->nhigh == VM_MAX_HIGH_RANGES)
		return vm_fail(vm, -ENOSPC, "%s: too many memory ranges above RAM on this VM", owner);
	vm->high[vm->nhigh++] = (struct vm_high_range){ base, size, index };
	return 0;
}

/* Record a new owner and give it the pages of [base, base+size). */
static int claim_range(struct vm *vm, const struct vm_mem_owner *o, uint32_t base, uint32_t size, bool high_ok)
{
	bool high = high_ok && base >= VDD_HIGH_MEMORY_BASE && size <= 0u - base;
	if ((base | size) & (CPU_PAGE_SIZE - 1) || size == 0 ||
	    (!high && (base > VM_RAM_SIZE || size > VM_RAM_SIZE - base)))
		return vm_fail(vm, -EINVAL, "%s: bad memory range %05Xh+%Xh", o->name, base, size);
	if (vm->nmem_owners == VM_MAX_MEM_OWNERS)
		return vm_fail(vm, -ENOSPC, "%s: too many memory ranges on this VM", o->name);
	int rc = high ? claim_high(vm, o->name, base, size, vm->nmem_owners + 1)
		      : claim_pages(vm, o->name, base, size, vm->nmem_owners + 1);
	if (rc < 0)
		return rc;
	vm->mem_owners[vm->nmem_owners] = *o;
	vm->mem_owners[vm->nmem_owners].base = base;
	vm->nmem_owners++;
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
	struct vm_mem_owner o = { .name = owner, .writable = writable };
	int rc = claim_range(vm, &o, base, size, false);
	if (rc == 0)
		rc = vm_map_pages(vm, base, base, size, writable);
	return rc < 0 && !vm->error[0] ? vm_fail(vm, rc, "cannot map %Xh bytes at %05Xh", size, base) : rc;
}

int vdd_map_memory(struct vm *vm, const char *owner, uint32_t base, uint32_t size, uint8_t *host, bool writable)
{
	if (!host)
		return vm_fail(vm, -EINVAL, "%s: no memory to map", owner);
	struct vm_mem_owner o = { .name = owner, .host = host, .writable = writable };
	int rc = claim_range(vm, &o, base, size, false);
	if (rc == 0)
		rc = cpu_map_ram(&vm->cpu, base, size, host, writable);
	return rc < 0 && !vm->error[0] ? vm_fail(vm, rc, "cannot map %Xh bytes at %05Xh", size, base) : rc;
}

void vdd_memory_changed(struct vm *vm, uint32_t base, uint32_t size)
{
	cpu_mem_written(&vm->cpu, base, size);
}

int vdd_claim_memory(struct vm *vm, const char *owner, uint32_t base, uint32_t size, void *inst,
		     vdd_mem_read_fn read, vdd_mem_write_fn write)
{
	if (!read || !write)
		return vm_fail(vm, -EINVAL, "%s: memory handlers missing", owner);
	struct vm_mem_owner o = { .name = owner, .inst = inst, .read = read, .write = write };
	return claim_range(vm, &o, base, size, true);
}

/* The owner (index + 1) of physical address a, 0 = none. */
static unsigned owner_of(const struct vm *vm, uint32_t a)
{
	if (a < VM_RAM_SIZE)
		return vm->page_owner[a >> CPU_PAGE_SHIFT];
	for (unsigned k = 0; k < vm->nhigh; k++)
		if (a - vm->high[k].base < vm->high[k].size)
			return vm->high[k].owner;
	return 0;
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

/* Host accesses see addresses as the guest's CPU does after paging: below
 * VM_RAM_SIZE the A20 gate and the page map apply (EMS windows, UMBs);
 * above, RAM up to ram_size, then devices' ranges. The A20 gate is applied
 * only below VM_RAM_SIZE, so that moves of extended memory (XMS, the BIOS
 * block move) work whatever the gate, as HIMEM's do. */
static uint32_t a20_wrap(const struct vm *vm, uint32_t a)
{
	return a < VM_RAM_SIZE && !vm->a20 ? a & 0xFFFFF : a;
}

/* The RAM offset of the byte at a (after a20_wrap), or VM_PHYS_NONE. */
static uint32_t phys_of(const struct vm *vm, uint32_t a)
{
	if (a >= VM_RAM_SIZE)
		return a < vm->ram_size ? a : VM_PHYS_NONE;
	uint32_t pp = vm->page_phys[a >> CPU_PAGE_SHIFT];
	return pp == VM_PHYS_NONE ? pp : (pp << CPU_PAGE_SHIFT) | (a & (CPU_PAGE_SIZE - 1));
}

/* Bytes from lin to the end of its page. */
static uint32_t page_left(uint32_t lin, uint64_t len)
{
	uint32_t n = CPU_PAGE_SIZE - (lin & (CPU_PAGE_SIZE - 1));
	return len < n ? (uint32_t)len : n;
}

/* Tell the CPU that the bytes [phys, end) of RAM, as far as they lie in RAM
 * page ram_page, changed where it sees that page: at cpu_page. */
static void written_in_page(struct vm *vm, uint32_t cpu_page, uint32_t ram_page, uint32_t phys, uint64_t end)
{
	uint64_t lo = (uint64_t)ram_page << CPU_PAGE_SHIFT, hi = lo + CPU_PAGE_SIZE;
	if (lo < phys)
		lo = phys;
	if (hi > end)
		hi = end;
	if (lo < hi)
		cpu_mem_written(&vm->cpu, cpu_page << CPU_PAGE_SHIFT | (uint32_t)(lo & (CPU_PAGE_SIZE - 1)),
				(uint32_t)(hi - lo));
}

void vm_phys_written(struct vm *vm, uint32_t phys, uint32_t len)
{
	if (len == 0)
		return;
	const uint64_t end = (uint64_t)phys + len;
	uint32_t first = phys >> CPU_PAGE_SHIFT, last = (uint32_t)((end - 1) >> CPU_PAGE_SHIFT);
	/* Only the bytes written: the CPU keeps the code around them. */
	for (uint32_t p = first; p <= last; p++)
		if (p >= VM_PAGES || vm->page_phys[p] == p)
			written_in_page(vm, p, p, phys, end);
	if (!vm->nremapped)
		return;
	for (uint32_t p = 0; p < VM_PAGES; p++) {
		uint32_t pp = vm->page_phys[p];
		if (pp != p && pp >= first && pp <= last)
			written_in_page(vm, p, pp, phys, end);
	}
}

static bool in_range(const struct vm *vm, uint32_t lin, uint64_t len)
{
	return (uint64_t)lin + len <= vm->ram_size;
}

/* One page's worth (n bytes within the page of a): RAM, a device's mapped
 * memory, or its handlers (nothing there reads FFh). */
static void read_piece(struct vm *vm, uint32_t a, uint8_t *buf, uint32_t n)
{
	a = a20_wrap(vm, a);
	uint32_t ph = phys_of(vm, a);
	unsigned o = ph == VM_PHYS_NONE ? owner_of(vm, a) : 0;
	if (ph != VM_PHYS_NONE)
		memcpy(buf, vm->ram + ph, n);
	else if (o && vm->mem_owners[o - 1].host)
		memcpy(buf, vm->mem_owners[o - 1].host + (a - vm->mem_owners[o - 1].base), n);
	else
		for (uint32_t k = 0; k < n; k++)
			buf[k] = vm_mem_read8(vm, a + k);
}

/* Write n bytes at RAM offset ph; the CPU hears only of the span from the
 * first to the last byte that differs from what was there, so the code it
 * decoded from unchanged bytes stays (a program loaded again at the same
 * place: docs/cpu-speed.md, "Translations that outlive a program"). */
static void ram_write(struct vm *vm, uint32_t ph, const uint8_t *buf, uint32_t n)
{
	uint8_t *d = vm->ram + ph;
	uint32_t lo = 0, hi = n;
	/* A write before the comparison (n bytes lie in one page): a page of
	 * RAM never touched yet would otherwise fault twice, once as the
	 * comparison maps the shared zero page and once more as the memcpy
	 * writes it (the host's loading of the BIOS, the DOS kernel and each
	 * program). An atomic OR of 0 is a write that changes no byte, even
	 * with the guest's CPU writing the page from another thread. (Zeros
	 * written over such a page now take it, where the comparison left
	 * the zero page: peak memory within 0.4% in the measured programs, fewer
	 * faults; docs/cpu-speed.md, "Session 18".) */
	if (n)
		__atomic_fetch_or(d, (uint8_t)0, __ATOMIC_RELAXED);
	while (lo < n && d[lo] == buf[lo])
		lo++;
	while (hi > lo && d[hi - 1] == buf[hi - 1])
		hi--;
	if (lo == hi)
		return;
	memcpy(d + lo, buf + lo, hi - lo);
	vm_phys_written(vm, ph + lo, hi - lo);
}

/* The same for a write. Read-only RAM (the system ROM) is written only
 * with rom_ok (the host loading images); a device's read-only memory
 * never (it may be shared by every VM). */
static void write_piece(struct vm *vm, uint32_t a, const uint8_t *buf, uint32_t n, bool rom_ok)
{
	a = a20_wrap(vm, a);
	uint32_t ph = phys_of(vm, a);
	unsigned o = ph == VM_PHYS_NONE ? owner_of(vm, a) : 0;
	if (ph != VM_PHYS_NONE) {
		if (a < VM_RAM_SIZE && !rom_ok && !bit(vm->page_writable, a >> CPU_PAGE_SHIFT))
			return;
		ram_write(vm, ph, buf, n);
	} else if (o && vm->mem_owners[o - 1].host) {
		if (!vm->mem_owners[o - 1].writable)
			return;
		memcpy(vm->mem_owners[o - 1].host + (a - vm->mem_owners[o - 1].base), buf, n);
		cpu_mem_written(&vm->cpu, a, n);
	} else {
		for (uint32_t k = 0; k < n; k++)
			vm_mem_write8(vm, a + k, buf[k]);
	}
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
			write_piece(vm, at, buf + done, n, true);
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
			write_piece(vm, dst + done, buf, n, false);
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
		write_piece(vm, dst + left - n, buf, n, false);
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
		write_piece(vm, a + done, bb, n, false);
		write_piece(vm, b + done, ba, n, false);
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
	unsigned o = owner_of(vm, lin);
	if (o && vm->mem_owners[o - 1].read)
		return vm->mem_owners[o - 1].read(vm->mem_owners[o - 1].inst, lin);
	return 0xFF;
}

void vm_mem_write8(void *ctx, uint32_t lin, uint8_t v)
{
	struct vm *vm = ctx;
	unsigned o = owner_of(vm, lin);
	/* A device that changes an IRQ line does so through vdd_set_irq(),
	 * which updates the CPU's INTR: nothing to do here per byte. */
	if (o && vm->mem_owners[o - 1].write)
		vm->mem_owners[o - 1].write(vm->mem_owners[o - 1].inst, lin, v);
}

/* Physical accesses for host code such as a ROM service: pieces as the
 * CPU would make the accesses (no paging; ROM is not written). */
int vdd_phys_read(struct vm *vm, uint32_t addr, void *buf, size_t len)
{
	if (len > (uint64_t)UINT32_MAX - addr + 1)
		return -ERANGE;
	uint8_t *p = buf;
	for (size_t done = 0; done < len;) {
		uint32_t n = page_left(addr + (uint32_t)done, len - done);
		read_piece(vm, addr + (uint32_t)done, p + done, n);
		done += n;
	}
	return 0;
}

int vdd_phys_write(struct vm *vm, uint32_t addr, const void *buf, size_t len)
{
	if (len > (uint64_t)UINT32_MAX - addr + 1)
		return -ERANGE;
	const uint8_t *p = buf;
	for (size_t done = 0; done < len;) {
		uint32_t n = page_left(addr + (uint32_t)done, len - done);
		write_piece(vm, addr + (uint32_t)done, p + done, n, false);
		done += n;
	}
	return 0;
}
