/*
 * idle.c - the idle detector: a guest that waits by polling (a loop on
 * INT 16h AH=01h, INT 21h AH=0Bh, INT 28h...) must sleep like one that
 * waits in HLT. The poll points call vm_idle_poll() each time they find
 * nothing to report; enough of them close together mark the VM idle, and
 * vm16_run() then stops it exactly as for HLT with interrupts enabled (the
 * guest goes on after the poll when it runs again). INT 2Fh AX=1680h, the
 * documented "release time slice" call, marks it idle at once.
 *
 * The rule, with s = IDLE_SENSITIVITY (0-100, keyboard VDD; read at every
 * poll, it may change while the VM runs):
 *   s = 0: never idle by polling or yielding (HLT still idles).
 *   A poll is "close" to the previous one when at most 20 * s guest
 *   instructions ran in between (more is real work: the count restarts).
 *   The VM is idle when 2 + (100 - s) * 4 close polls fall within one
 *   window of virtual time (one BIOS timer tick, 65536 / 1193182 s =
 *   54.9254 ms); a window that expires first restarts the count.
 *   So the default s = 75 needs 102 polls at most 1500 instructions
 *   apart; s = 100 two polls 2000 apart; s = 1 398 polls 20 apart.
 * Once idle, the VM stays idle: each further close poll sleeps it again
 * at once, until a poll comes after real work, a key arrives or the guest
 * does real work through a service such as DOS file I/O (vm_idle_reset).
 * OS/2's IDLE_SENSITIVITY has the same 0-100 scale ("the percentage of
 * the maximum polling rate"); the mapping is our own. docs/idle.md.
 */
#include "vm/vm_internal.h"

/* One BIOS timer tick in ns: 65536 PIT clocks at 1.193182 MHz. */
enum { IDLE_WINDOW_NS = 54925439 };

static uint32_t idle_threshold(int64_t s)
{
	return (uint32_t)(2 + (100 - s) * 4);
}

static uint64_t idle_max_gap(int64_t s)
{
	return (uint64_t)s * 20;
}

static int64_t idle_sensitivity(const struct vm *vm)
{
	int64_t s = vdd_property(vm, "IDLE_SENSITIVITY");
	return s < 0 ? 0 : s > 100 ? 100 : s;
}

void vm_idle_reset(struct vm *vm)
{
	vm->idle.polls = 0;
	vm->idle.idle = false;
}

void vm_idle_poll(struct vm *vm)
{
	struct vm_idle *id = &vm->idle;
	int64_t s = idle_sensitivity(vm);
	uint64_t insns = vm->cpu.retired, now = vm->clock_ns;
	uint64_t gap = insns - id->last_poll_insns;
	id->last_poll_insns = insns;
	if (s == 0) {
		vm_idle_reset(vm);
		return;
	}
	if (id->polls > 0 && gap > idle_max_gap(s))
		vm_idle_reset(vm); /* real work since the last poll */
	if (id->idle) {
		id->pending = true;
		return;
	}
	if (id->polls == 0 || now - id->window_start_ns >= IDLE_WINDOW_NS) {
		id->window_start_ns = now;
		id->polls = 0;
	}
	if (++id->polls >= idle_threshold(s)) {
		id->idle = true;
		id->pending = true;
	}
}

void vm_idle_yield(struct vm *vm)
{
	struct vm_idle *id = &vm->idle;
	id->last_poll_insns = vm->cpu.retired;
	if (idle_sensitivity(vm) == 0) {
		vm_idle_reset(vm);
		return;
	}
	/* Not sticky: the next poll or yield decides again. */
	id->pending = true;
}

void vm_key_want(struct vm *vm, int level)
{
	if (level > vm->key_want)
		vm->key_want = level;
}

int vm16_key_wanted(struct vm *vm)
{
	int w = vm->key_want;
	vm->key_want = 0;
	return w;
}

bool vm_idle_take(struct vm *vm)
{
	bool idle = vm->idle.pending && !vm->ended && vm->nested_depth == 0;
	vm->idle.pending = false;
	return idle;
}
