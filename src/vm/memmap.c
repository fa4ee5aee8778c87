/*
 * memmap.c - who owns each 4 KiB page of the VM's address space: RAM the
 * CPU reaches directly (conventional memory, the HMA, video memory: mapped
 * with vm_map_ram) or a device's memory-mapped I/O handlers (claimed with
 * vdd_claim_memory; the CPU's unmapped-page callbacks come here). A page has
 * at most one owner; a second claim is refused naming both.
 */
#include <errno.h>

#include "vm/vm_internal.h"

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

int vm_map_ram_owned(struct vm *vm, const char *owner, uint32_t base, uint32_t size, bool writable)
{
	int rc = claim_range(vm, owner, base, size, NULL, NULL, NULL);
	if (rc == 0)
		rc = cpu_map_ram(&vm->cpu, base, size, vm->ram + base, writable);
	return rc < 0 && !vm->error[0] ? vm_fail(vm, rc, "cannot map %Xh bytes at %05Xh", size, base) : rc;
}

int vdd_claim_memory(struct vm *vm, const char *owner, uint32_t base, uint32_t size, void *inst,
		     vdd_mem_read_fn read, vdd_mem_write_fn write)
{
	if (!read || !write)
		return vm_fail(vm, -EINVAL, "%s: memory handlers missing", owner);
	return claim_range(vm, owner, base, size, inst, read, write);
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
