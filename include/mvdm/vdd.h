/*
 * vdd.h - the virtual device driver (VDD) API.
 *
 * A VDD gives a VM a piece of virtual hardware. For each VM it is
 * instantiated once (create hook), registers what it decodes on that VM
 * (I/O port ranges with per-width handlers) and drives virtual IRQ lines and
 * timed events on the VM's virtual clock. Its state lives in the instance
 * data it returns from create; the monitor passes it back to every call.
 * All functions take the VM first; registration functions return 0 or a
 * negative errno and leave a reason in vm16_error().
 *
 * Covered: ports, memory ranges, IRQs, the clock, lifecycle hooks,
 * properties, requests from other programs, plug-ins.
 */
#ifndef MVDM_VDD_H
#define MVDM_VDD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mvdm/vm16.h"

/* 2: struct vdd_property has choices, live and step. */
#define MVDM_VDD_ABI 2u

/* Port handlers: size is 1, 2 or 4; a handler that only does bytes can split
 * wider accesses itself. Reads return the value (upper bits ignored). */
typedef uint32_t (*vdd_port_read_fn)(void *inst, uint16_t port, unsigned size);
typedef void (*vdd_port_write_fn)(void *inst, uint16_t port, unsigned size, uint32_t value);

/* A per-VM property ("DOS setting") a VDD offers: the VM's configuration
 * sets it by name (vm16_config.settings), checked against type and range
 * before any VDD is created; the VDD reads it with vdd_property().
 * BOOL: 0 or 1. INT: min..max, in steps of `step` from min (0 or 1: any).
 * CHOICE: the value is an index into `choices` (a NULL-terminated list of
 * upper-case names, matched case-insensitively); def is an index, min and
 * max are ignored. A `live` property may change while the VM runs
 * (vm16_set_setting): its VDD reads it with vdd_property() each time it
 * needs it instead of keeping a copy. Use designated initializers, so
 * that fields added at the end (with a new MVDM_VDD_ABI) start as 0. */
enum vdd_prop_type {
	VDD_PROP_BOOL = VM16_SETTING_BOOL,
	VDD_PROP_INT = VM16_SETTING_INT,
	VDD_PROP_CHOICE = VM16_SETTING_CHOICE,
};
struct vdd_property {
	const char *name;   /* upper case, unique in the VM: "VIDEO_ROWS" */
	enum vdd_prop_type type;
	int64_t def, min, max;
	const char *help;   /* one line */
	/* ABI 2 */
	const char *const *choices; /* VDD_PROP_CHOICE: the names, NULL-terminated */
	bool live;          /* may change while the VM runs */
	int64_t step;       /* VDD_PROP_INT: 0 or 1 = any value in range */
};

struct vdd_ops {
	uint32_t abi;       /* MVDM_VDD_ABI */
	const char *name;   /* short, unique ("pic", "pit"...) */
	const struct vdd_property *props; /* its settings, or NULL */
	size_t nprops;
	/* Per-VM instance: build it and register ports; *inst is passed back
	 * everywhere. Return 0 or a negative errno. For a global VDD, *inst
	 * holds the shared instance on entry (keep it, or make a per-VM one
	 * that points to it). */
	int (*create)(struct vm *vm, void **inst);
	/* Global VDDs: one shared instance for all the VMs of a host
	 * (struct vm16_host), made by global_init on the first VM and ended by
	 * global_fini with the host. A VM without a host gets its own. The
	 * VDD locks the shared data itself if VMs run on several threads.
	 * Both optional (a per-VM VDD has neither). */
	int (*global_init)(void **global);
	void (*global_fini)(void *global);
	/* All VDDs exist: cross-device wiring. Optional. */
	int (*create_done)(struct vm *vm, void *inst);
	/* The VM ends: free the instance. Optional. */
	void (*terminate)(struct vm *vm, void *inst);
	/* The VM's window gained (true) or lost the foreground. Optional. */
	void (*focus)(struct vm *vm, void *inst, bool foreground);
	/* The running DOS program (PSP segment) changed. Optional. */
	void (*psp_change)(struct vm *vm, void *inst, uint16_t psp);
	/* Another program opens a channel to this VDD (vm16_vdd_open): *chan
	 * is passed to its requests and close. Optional (accept, chan NULL);
	 * return a negative errno to refuse. */
	int (*open)(struct vm *vm, void *inst, void **chan);
	/* A request on a channel: `op` is the VDD's own request code;
	 * `in`/`out` are byte buffers; *out_len is the room in out on entry
	 * and the bytes written on return. Return 0 or a negative errno.
	 * A VDD without it takes no requests. */
	int (*request)(struct vm *vm, void *inst, void *chan, uint32_t op, const void *in, size_t in_len,
		       void *out, size_t *out_len);
	/* The channel is closed (also when the VM ends). Optional. */
	void (*close)(struct vm *vm, void *inst, void *chan);
};

/* Plug-ins: a shared object exporting this function (C linkage) is a VDD.
 * mvdm checks ops->abi against MVDM_VDD_ABI before calling anything else. */
#define MVDM_VDD_ENTRY "mvdm_vdd_entry"
typedef const struct vdd_ops *(*vdd_entry_fn)(void);

/* Claim ports [first, last] for `owner`. A port already claimed is refused
 * with -EBUSY, and the error names both owners. */
int vdd_claim_ports(struct vm *vm, const char *owner, uint16_t first, uint16_t last, void *inst,
		    vdd_port_read_fn read, vdd_port_write_fn write) __attribute__((warn_unused_result));

/* Memory-mapped I/O: claim [base, base+size) (4 KiB pages, below 110000h)
 * for `owner`; guest byte accesses there call read/write with the linear
 * address (wider accesses arrive byte by byte). Pages already claimed, by
 * a device or as RAM, are refused with -EBUSY naming both owners. */
typedef uint8_t (*vdd_mem_read_fn)(void *inst, uint32_t addr);
typedef void (*vdd_mem_write_fn)(void *inst, uint32_t addr, uint8_t value);
int vdd_claim_memory(struct vm *vm, const char *owner, uint32_t base, uint32_t size, void *inst,
		     vdd_mem_read_fn read, vdd_mem_write_fn write) __attribute__((warn_unused_result));

/* Drive virtual IRQ line irq (0-15) of the VM's interrupt controller. */
void vdd_set_irq(struct vm *vm, unsigned irq, bool level);

/* Pulse the processor's RESET line (the 8042's output port bit 0, port
 * 92h bit 0): the CPU restarts at its reset vector and the ROM decides,
 * from the CMOS shutdown code, whether the guest resumes or the VM ends
 * (then with `why`, exit code 0). Callable from port handlers: the reset
 * happens after the current instruction. */
void vdd_reset_machine(struct vm *vm, const char *why);

/* Virtual clock: schedule fn(vm, inst) at now + delay_ns. Returns an event id
 * (> 0) or a negative errno. One VDD instance may have several events. */
typedef void (*vdd_event_fn)(struct vm *vm, void *inst);
int vdd_schedule(struct vm *vm, uint64_t delay_ns, vdd_event_fn fn, void *inst) __attribute__((warn_unused_result));
void vdd_cancel(struct vm *vm, int event_id);
uint64_t vdd_clock_ns(const struct vm *vm);

/* The VM's value of a property (its default if the configuration did not
 * set it; a choice's index); 0 for a name nobody registered. Also reads
 * the monitor's and the DOS kernel's settings ("CPU_SPEED"...). Cheap
 * enough to call for every use: that is how a live setting's new value
 * reaches its owner. */
int64_t vdd_property(const struct vm *vm, const char *name);

/* Logs one message (printf-style, no newline) in the VM's log, category
 * VM16_LOG_VDD, prefixed with the VDD's name `owner` (vm16.h, vm16_log). */
void vdd_log(struct vm *vm, const char *owner, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The instance of VDD `name` on this VM (for create_done wiring), or NULL. */
void *vdd_instance(struct vm *vm, const char *name);

#endif
