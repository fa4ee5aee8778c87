/*
 * io.c - the VM's I/O port bus. Each port has at most one owner (a VDD);
 * claims that overlap are refused and the error names both owners. Ports
 * nobody claimed read as all ones and ignore writes (logged once per port).
 *
 * Wide accesses are split here, once for every device, as on the ISA bus:
 * a 16- or 32-bit IN/OUT reaches an 8-bit device (vdd_claim_ports) as byte
 * accesses of consecutive ports, lowest first; a device claimed with a
 * wider max_size gets accesses up to that width whole when all their ports
 * are its own.
 */
#include <errno.h>
#include <stdio.h>

#include "vm/vm_internal.h"

int vdd_claim_ports(struct vm *vm, const char *owner, uint16_t first, uint16_t last, void *inst,
		    vdd_port_read_fn read, vdd_port_write_fn write)
{
	return vdd_claim_ports_wide(vm, owner, first, last, 1, inst, read, write);
}

int vdd_claim_ports_wide(struct vm *vm, const char *owner, uint16_t first, uint16_t last, unsigned max_size,
			 void *inst, vdd_port_read_fn read, vdd_port_write_fn write)
{
	if (first > last || !read || !write || (max_size != 1 && max_size != 2 && max_size != 4))
		return vm_fail(vm, -EINVAL, "%s: bad port claim %04Xh-%04Xh", owner, first, last);
	for (uint32_t p = first; p <= last; p++) {
		if (vm->port_owner[p])
			return vm_fail(vm, -EBUSY, "%s cannot claim port %04Xh: it belongs to %s", owner, (unsigned)p,
				       vm->owners[vm->port_owner[p] - 1].name);
	}
	if (vm->nowners == VM_MAX_PORT_OWNERS)
		return vm_fail(vm, -ENOSPC, "%s: too many port ranges on this VM", owner);
	struct vm_port_owner *o = &vm->owners[vm->nowners++];
	o->name = owner;
	o->max_size = max_size;
	o->inst = inst;
	o->read = read;
	o->write = write;
	for (uint32_t p = first; p <= last; p++)
		vm->port_owner[p] = (uint8_t)vm->nowners;
	return 0;
}

/* An access to a port nobody claimed: with io_strict the VM ends (the CPU
 * stops at the end of the instruction), else it is logged once per port. */
static void log_unclaimed(struct vm *vm, uint16_t port, const char *dir)
{
	if (vm->cfg.io_strict && !vm->ended) {
		char what[80];
		snprintf(what, sizeof(what), "I/O permission: %s of port %04Xh, which no device claims", dir, port);
		vm_end_fault(vm, what);
		cpu_request_stop(&vm->cpu);
		return;
	}
	uint32_t *w = &vm->unclaimed_logged[port / 32];
	if (*w & (1u << (port % 32)))
		return;
	*w |= 1u << (port % 32);
	vm16_log(vm, VM16_LOG_IO, "%s of unclaimed port %04Xh (ignored)", dir, port);
}

/* The owner (index + 1) of all `size` ports from `port` when it takes an
 * access that wide whole, or 0 (unclaimed, different owners, or too wide:
 * the access is then split into bytes). */
static unsigned sole_owner(const struct vm *vm, uint16_t port, unsigned size)
{
	unsigned o = vm->port_owner[port];
	if (!o || size > vm->owners[o - 1].max_size)
		return 0;
	for (unsigned k = 1; k < size; k++)
		if (vm->port_owner[(uint16_t)(port + k)] != o)
			return 0;
	return o;
}

uint32_t vm_io_read(void *ctx, uint16_t port, unsigned size)
{
	struct vm *vm = ctx;
	unsigned o = sole_owner(vm, port, size);
	if (o) {
		const struct vm_port_owner *w = &vm->owners[o - 1];
		uint32_t v = w->read(w->inst, port, size);
		vm_update_intr(vm); /* a read can change IRQ state (PIC poll mode) */
		return v;
	}
	if (size == 1) {
		log_unclaimed(vm, port, "read");
		return 0xFF;
	}
	uint32_t v = 0;
	for (unsigned k = 0; k < size; k++)
		v |= vm_io_read(vm, (uint16_t)(port + k), 1) << (8 * k);
	return v;
}

void vm_io_write(void *ctx, uint16_t port, unsigned size, uint32_t value)
{
	struct vm *vm = ctx;
	unsigned o = sole_owner(vm, port, size);
	if (o) {
		const struct vm_port_owner *w = &vm->owners[o - 1];
		w->write(w->inst, port, size, value);
		vm_update_intr(vm);
		return;
	}
	if (size == 1) {
		log_unclaimed(vm, port, "write");
		return;
	}
	for (unsigned k = 0; k < size; k++)
		vm_io_write(vm, (uint16_t)(port + k), 1, (value >> (8 * k)) & 0xFF);
}
