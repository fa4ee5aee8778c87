/*
 * vddsvc.c - what the monitor gives VDDs that run guest code of their own
 * (memory managers, drivers): supervisor call numbers 5-15, bytes of the
 * guest code page after the ROM BIOS, INT 2Fh multiplex handlers at the
 * end of the guest's chain, and device headers for the DOS kernel's
 * device chain. Contracts in include/mvdm/vdd.h.
 */
#include <errno.h>
#include <string.h>

#include "vm/vm_internal.h"

int vdd_alloc_svc(struct vm *vm, vm16_svc_fn fn, void *ctx)
{
	for (unsigned n = VM_SVC_VDD_FIRST; n <= VM_SVC_VDD_LAST; n++) {
		if (!vm->svc_fn[n]) {
			vm_set_svc_internal(vm, (uint8_t)n, fn, ctx);
			return (int)n;
		}
	}
	return vm_fail(vm, -ENOSPC, "no supervisor call left for VDDs (%u-%u)", VM_SVC_VDD_FIRST, VM_SVC_VDD_LAST);
}

int vdd_alloc_guest_mem(struct vm *vm, uint32_t size, uint16_t *seg)
{
	uint32_t need = (size + 15u) & ~15u;
	if (size == 0 || need > CPU_PAGE_SIZE - vm->stub_used)
		return vm_fail(vm, -ENOSPC, "the VDD guest code page is full (%u of %u bytes given, %u more asked)",
			       vm->stub_used, CPU_PAGE_SIZE, size);
	uint32_t at = vm->stub_base + vm->stub_used;
	vm->stub_used += need;
	uint8_t zero[64] = { 0 };
	for (uint32_t k = 0; k < need; k += sizeof(zero))
		(void)vm16_write(vm, at + k, zero, need - k < sizeof(zero) ? need - k : sizeof(zero));
	*seg = (uint16_t)(at >> 4);
	return 0;
}

int vdd_multiplex(struct vm *vm, uint8_t ah, vdd_mux_fn fn, void *ctx)
{
	for (unsigned k = 0; k < vm->nmux; k++)
		if (vm->mux[k].ah == ah)
			return vm_fail(vm, -EBUSY, "INT 2Fh AH=%02Xh already has a multiplex handler", ah);
	if (vm->nmux == VM_MAX_MUX)
		return vm_fail(vm, -ENOSPC, "too many INT 2Fh multiplex handlers (%u)", VM_MAX_MUX);
	vm->mux[vm->nmux++] = (struct vm_mux){ ah, fn, ctx };
	return 0;
}

bool vm_multiplex_dispatch(struct vm *vm)
{
	uint8_t ah = vm->cpu.r[REG_AX].b[1];
	for (unsigned k = 0; k < vm->nmux; k++)
		if (vm->mux[k].ah == ah)
			return vm->mux[k].fn(vm, vm->mux[k].ctx);
	return false;
}

int vdd_add_dos_device(struct vm *vm, uint16_t seg, uint16_t off)
{
	if (vm->ndos_devices == VM_MAX_DOS_DEVICES)
		return vm_fail(vm, -ENOSPC, "too many DOS devices from VDDs (%u)", VM_MAX_DOS_DEVICES);
	vm->dos_devices[vm->ndos_devices++] = (uint32_t)seg << 16 | off;
	return 0;
}
