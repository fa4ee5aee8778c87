/*
 * memmap.c - who owns each 4 KiB page of the VM's physical address space:
 * RAM the CPU reaches directly (conventional memory, the HMA, with
 * vm_map_ram_owned), device memory mapped directly (a ROM, with
 * vdd_map_memory) or a device's memory-mapped I/O handlers (claimed with
 * vdd_claim_memory; the CPU's unmapped-page callbacks come here). A page
 * has at most one owner; a second claim is refused naming both.
 *
 * Above RAM (VDD_HIGH_MEMORY_BASE up to 4 GiB) a device may claim ranges
 * for handlers, such as the VESA linear frame buffer at E0000000h. The CPU
 * reaches only the first 1 MiB + 64 KiB today; once it has a physical map
 * beyond that, its unmapped-page callbacks (vm_mem_read8/write8) already
 * send these addresses to their owner.
 */
#include <errno.h>
#include <string.h>

#include "vm/vm_internal.h"

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

int vm_map_ram_owned(struct vm *vm, const char *owner, uint32_t base, uint32_t size, bool writable)
{
	struct vm_mem_owner o = { .name = owner, .writable = writable };
	int rc = claim_range(vm, &o, base, size, false);
	if (rc == 0)
		rc = cpu_map_ram(&vm->cpu, base, size, vm->ram + base, writable);
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

/* CPU callbacks for pages that are not directly mapped. */
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

/* Host access to one byte of physical memory: RAM, mapped device memory
 * (ROM writes too: the host loads images), or a device's handlers. */
static uint8_t *direct_byte(struct vm *vm, uint32_t a)
{
	unsigned o = owner_of(vm, a);
	if (o && vm->mem_owners[o - 1].host)
		return vm->mem_owners[o - 1].host + (a - vm->mem_owners[o - 1].base);
	if (o && vm->mem_owners[o - 1].read)
		return NULL;
	return a < vm->ram_size ? vm->ram + a : NULL;
}

/* Copy between the host and physical memory a page at a time: directly
 * where the page is RAM or mapped device memory, else through the
 * device's handlers. `rom` false skips read-only mapped pages on writes. */
static void copy_phys(struct vm *vm, uint32_t addr, uint8_t *host, size_t len, bool to_guest, bool rom)
{
	while (len) {
		size_t n = CPU_PAGE_SIZE - (addr & (CPU_PAGE_SIZE - 1));
		if (n > len)
			n = len;
		uint8_t *p = direct_byte(vm, addr);
		unsigned o = owner_of(vm, addr);
		/* A device's read-only memory is never written (it may be shared
		 * by every VM); `rom` lets the host load the system ROM, which is
		 * part of the VM's RAM buffer. */
		bool dev_rom = o && vm->mem_owners[o - 1].host && !vm->mem_owners[o - 1].writable;
		bool ram_rom = o && !vm->mem_owners[o - 1].host && !vm->mem_owners[o - 1].read && !vm->mem_owners[o - 1].writable;
		bool skip = to_guest && (dev_rom || (ram_rom && !rom));
		if (skip) {
		} else if (p && to_guest) {
			memcpy(p, host, n);
		} else if (p) {
			memcpy(host, p, n);
		} else {
			for (size_t k = 0; k < n; k++) {
				if (to_guest)
					vm_mem_write8(vm, addr + (uint32_t)k, host[k]);
				else
					host[k] = vm_mem_read8(vm, addr + (uint32_t)k);
			}
		}
		addr += (uint32_t)n;
		host += n;
		len -= n;
	}
}

int vdd_phys_read(struct vm *vm, uint32_t addr, void *buf, size_t len)
{
	if (len > (uint64_t)UINT32_MAX - addr + 1)
		return -ERANGE;
	copy_phys(vm, addr, buf, len, false, false);
	return 0;
}

int vdd_phys_write(struct vm *vm, uint32_t addr, const void *buf, size_t len)
{
	if (len > (uint64_t)UINT32_MAX - addr + 1)
		return -ERANGE;
	copy_phys(vm, addr, (uint8_t *)(uintptr_t)buf, len, true, false);
	if (len)
		cpu_mem_written(&vm->cpu, addr, (uint32_t)len);
	return 0;
}

int vm16_read(struct vm *vm, uint32_t linear, void *buf, size_t len)
{
	if (linear > VM_RAM_SIZE || len > VM_RAM_SIZE - linear)
		return -ERANGE;
	copy_phys(vm, linear, buf, len, false, false);
	return 0;
}

/* Host writes reach RAM and ROM alike (images are loaded this way). */
int vm16_write(struct vm *vm, uint32_t linear, const void *buf, size_t len)
{
	if (linear > VM_RAM_SIZE || len > VM_RAM_SIZE - linear)
		return -ERANGE;
	copy_phys(vm, linear, (uint8_t *)(uintptr_t)buf, len, true, true);
	cpu_mem_written(&vm->cpu, linear, (uint32_t)len);
	return 0;
}
