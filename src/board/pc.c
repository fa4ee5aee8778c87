/*
 * pc.c - the board: the PC/AT that vm16_create() builds. It is the one
 * place that knows which devices a VM has and how they are wired, so the
 * monitor never calls the BIOS and devices never call each other (QEMU's
 * board files and kvmtool's init levels work the same way):
 *
 *   1. the monitor makes memory and the CPU (vm_machine_new);
 *   2. the system ROM BIOS is installed (vectors, BIOS data area);
 *   3. each VDD is created (built-in, then plug-ins), and claims its
 *      ports, memory and IRQ lines;
 *   4. the board wires them (the PIT's channel 2 to the speaker, the
 *      display type to the CMOS equipment byte);
 *   5. every VDD's create_done runs (a video card's ROM initialises the
 *      display: its INT 10h, the first video mode); what the devices
 *      left of C0000-EFFFF becomes upper memory (src/mem);
 *   6. POST fills what the BIOS takes from the devices' settings.
 */
#include <errno.h>
#include <stdio.h>

#include "bios/bios.h"
#include "dev/board_links.h"
#include "mem/mem.h"
#include "vm/vm_internal.h"

extern const struct vdd_ops vdd_pic_ops;
extern const struct vdd_ops vdd_pit_ops;
extern const struct vdd_ops vdd_vga_ops;
extern const struct vdd_ops vdd_kbd_ops;
extern const struct vdd_ops vdd_cmos_ops;
extern const struct vdd_ops vdd_fpu_ops;
extern const struct vdd_ops vdd_speaker_ops;
extern const struct vdd_ops vdd_mouse_ops;
extern const struct vdd_ops vdd_ems_ops;
extern const struct vdd_ops vdd_xms_ops;
extern const struct vdd_ops vdd_dpmi_ops;

/* Their terminate hooks free the instance's memory and do nothing else,
 * and they have no global_init/global_fini: vm16_destroy_frees_only()
 * counts on it (a VM of built-in VDDs may be left to the process's exit). */
static const struct vdd_ops *const builtin_vdds[] = {
	&vdd_pic_ops, &vdd_pit_ops, &vdd_speaker_ops, &vdd_kbd_ops, &vdd_cmos_ops, &vdd_fpu_ops, &vdd_vga_ops, &vdd_mouse_ops,
	&vdd_ems_ops, &vdd_xms_ops, /* after the devices that claim upper memory */
	&vdd_dpmi_ops,
};

const struct vdd_ops *const *vm_builtin_vdds(size_t *n)
{
	*n = sizeof(builtin_vdds) / sizeof(builtin_vdds[0]);
	return builtin_vdds;
}

/* Step 4: the wires between built-in devices. */
static void board_wire(struct vm *vm)
{
	void *pit = vdd_instance(vm, "pit"), *speaker = vdd_instance(vm, "speaker"), *cmos = vdd_instance(vm, "cmos");
	if (pit && speaker) {
		struct speaker_timer t = { pit, vdd_pit_set_gate2, vdd_pit_port61_bits, vdd_pit_tone_hz };
		vdd_speaker_connect(speaker, &t);
	}
	if (cmos)
		vdd_cmos_set_mono(cmos, bios_display_is_mono(vm));
	void *kbd = vdd_instance(vm, "keyboard"), *mouse = vdd_instance(vm, "mouse");
	if (kbd && mouse) {
		struct mouse_ps2 p = { kbd, vdd_kbd_aux_move };
		vdd_mouse_connect(mouse, &p);
	}
}

int vm16_create(const struct vm16_config *cfg, struct vm **out, char *err, size_t errlen)
{
	const struct vdd_ops *ops[VM_MAX_VDDS];
	unsigned nops = 0;
	struct vm *vm;
	int rc = vm_machine_new(cfg, builtin_vdds, sizeof(builtin_vdds) / sizeof(builtin_vdds[0]), ops, &nops, &vm,
				err, errlen);
	if (rc < 0)
		return rc;
	rc = bios_install(vm);
	for (unsigned k = 0; rc == 0 && k < nops; k++)
		rc = vm_add_vdd(vm, ops[k]);
	if (rc == 0) {
		board_wire(vm);
		rc = vm_vdds_create_done(vm);
	}
	/* Every device has claimed its memory: what is left of C0000-EFFFF
	 * is upper memory. */
	if (rc == 0)
		rc = mem_umb_setup(vm);
	if (rc == 0)
		rc = bios_post(vm);
	if (rc < 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s", vm->error[0] ? vm->error : "device setup failed");
		vm16_destroy(vm);
		return rc;
	}
	vm_machine_ready(vm);
	*out = vm;
	return 0;
}
