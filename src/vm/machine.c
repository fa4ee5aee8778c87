/*
 * machine.c - the machine services the VDD API offers devices (vdd.h):
 * the interrupt controller, what the machine is, and the display and pointer a device registers, which
 * the host's views (vm16_screen, vm16_frame, vm16_teletype, vm16_mouse)
 * reach. The monitor knows nothing of the devices behind them. (The A20
 * gate is in a20.c, resets in reset.c.)
 */
#include <errno.h>

#include "vm/vm_internal.h"

void vdd_set_intc(struct vm *vm, const struct vdd_intc *intc)
{
	vm->intc = *intc;
	vm_update_intr(vm);
}

void vdd_machine(const struct vm *vm, struct vdd_machine *m)
{
	m->conv_kb = vm->cfg.mem_4k * 4;
	m->ext_kb = vm->cfg.ext_kb;
	m->ram_size = vm->ram_size;
	m->start_time = vm->start_time;
	m->cpu = vm->cfg.cpu;
	m->display = vm->cfg.use_video;
	m->fpu = vm->fpu != CPU_FPU_NONE;
}

void vdd_input_arrived(struct vm *vm)
{
	vm_idle_reset(vm);
}

static void wait_over(struct vm *vm, void *inst)
{
	(void)inst;
	vm->wait_event = 0;
}

void vdd_guest_waits(struct vm *vm, uint64_t until_ns)
{
	uint64_t now = vdd_clock_ns(vm);
	if (until_ns <= now || vm->ended)
		return;
	if (vm->wait_event)
		vdd_cancel(vm, vm->wait_event);
	int id = vdd_schedule(vm, until_ns - now, wait_over, NULL);
	vm->wait_event = id > 0 ? id : 0;
	if (!vm->wait_event)
		return;
	vm->wait_due_ns = until_ns;
	vm->wait_pending = true;
	if (vm->in_cpu)
		cpu_request_stop(&vm->cpu);
}

bool vm_wait_take(struct vm *vm)
{
	bool w = vm->wait_pending && !vm->ended;
	vm->wait_pending = false;
	return w;
}

void vdd_set_display(struct vm *vm, const struct vdd_display *d)
{
	vm->display = *d;
}

void vdd_set_pointer(struct vm *vm, const struct vdd_pointer *p)
{
	vm->pointer = *p;
}

void vdd_console_out(struct vm *vm, const uint8_t *buf, size_t len)
{
	if (vm->con_tap)
		vm->con_tap(vm->con_tap_ctx, buf, len);
}

void vm16_set_console_tap(struct vm *vm, vm16_tap_fn fn, void *ctx)
{
	vm->con_tap = fn;
	vm->con_tap_ctx = ctx;
}

int vm16_screen(struct vm *vm, struct vm16_screen *s)
{
	if (!vm->display.text)
		return -1;
	return vm->display.text(vm->display.inst, s);
}

int vm16_frame(struct vm *vm, struct vm16_frame *f, uint64_t since)
{
	if (!vm->display.frame)
		return -ENODEV;
	return vm->display.frame(vm->display.inst, f, since);
}

void vm16_teletype(struct vm *vm, uint8_t ch)
{
	if (vm->display.teletype)
		vm->display.teletype(vm->display.inst, ch);
	else
		vdd_console_out(vm, &ch, 1);
}

int vm16_mouse(struct vm *vm, int dx, int dy, unsigned buttons)
{
	if (!vm->pointer.motion)
		return -ENODEV;
	vm->pointer.motion(vm->pointer.inst, dx, dy, buttons);
	vm_idle_reset(vm);
	return 0;
}

int vm16_mouse_at(struct vm *vm, int x, int y, unsigned buttons)
{
	if (!vm->pointer.position)
		return -ENODEV;
	/* The picture's size now, to scale the position. */
	struct vm16_frame f;
	if (!vm->display.frame || vm->display.frame(vm->display.inst, &f, 0) < 0)
		return -ENODEV;
	vm->pointer.position(vm->pointer.inst, x, y, (int)f.width, (int)f.height, buttons);
	vm_idle_reset(vm);
	return 0;
}
