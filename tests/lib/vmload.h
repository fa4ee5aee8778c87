/*
 * vmload.h - a .COM program in a bare VM (no DOS kernel), for the VM tests
 * and benchmarks: the image at 1000:0100, CS = DS = ES = SS = 1000h,
 * IP = 100h, SP = FFFEh.
 */
#ifndef MVDM_TESTS_VMLOAD_H
#define MVDM_TESTS_VMLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "mvdm/vm16.h"

/* Loads len bytes at 1000:0100 and points the registers at them.
 * 0 or -ERANGE. */
int vmload_image(struct vm *vm, const void *image, size_t len);

/* Creates a VM from cfg (the defaults when NULL) and loads the file at
 * path (at most 60 KiB) into it. The VM, or NULL with a message in err. */
struct vm *vmload_com(const char *path, const struct vm16_config *cfg, char *err, size_t errlen);

/* vm16_run(vm, budget) again for as long as it ends with VM16_STOP_SLICE
 * (at most 10,000 times), and the first other stop, or VM16_STOP_SLICE.
 * A test that expects a stop (exit, idle, fault) within a budget must
 * use this: the budget also counts the host time of supervisor calls and
 * trapped interrupts (vm_charge_host(), 2 ns a unit, so 100,000 units
 * are 200 us), and a service that the host scheduler preempts on a busy
 * machine ends the slice before the guest gets there. */
enum vm16_stop vmload_run_to_stop(struct vm *vm, uint64_t budget);

#endif
