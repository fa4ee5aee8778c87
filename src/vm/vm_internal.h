/*
 * vm_internal.h - struct vm: one virtual DOS machine. Everything mutable of a
 * VM hangs off it (memory, CPU, ports, clock, devices, handlers).
 *
 * Memory map (linear): 00000-9FFFF conventional RAM (mem_4k of it mapped),
 * A0000-EFFFF upper memory (devices map ranges), F0000-FFFFF the ROM BIOS
 * (read-only, src/bios/), 100000-10FFEF the HMA (A20 is always on for
 * 286/386 models), the rest of extended memory up to ram_size (cfg.ext_kb;
 * not yet reachable by the CPU, which maps the first 1 MiB + 64 KiB).
 */
#ifndef MVDM_VM_INTERNAL_H
#define MVDM_VM_INTERNAL_H

#include <stdarg.h>

#include "cpu/cpu.h"
#include "mvdm/vdd.h"
#include "mvdm/vm16.h"
#include "bios/bios.h"

enum {
	VM_RAM_SIZE = 0x110000,
	VM_ROM_BASE = 0xF0000,
	VM_ROM_SEG = 0xF000,
	VM_MAX_PORT_OWNERS = 32,
	VM_MAX_MEM_OWNERS = 16,
	VM_MAX_SETTINGS = 64,
	VM_MAX_CHANNELS = 16,
	VM_MAX_VDDS = 16,
	VM_MAX_EVENTS = 32,
	VM_MAX_HOOKS = 32,
	VM_ERR_LEN = 256,
};

/* Reserved supervisor calls (besides VM16_SVC_EXIT). */
enum {
	VM_SVC_UNHANDLED = 3, /* stub F4 03 FC vv: exception vv with no handler */
	VM_SVC_RETURN = 4,    /* stub F4 04 FB: end of a nested run (nested.c) */
	VM_ROM_RETURN_STUB = 0x204, /* its offset in the ROM (bios.asm) */
	VM_SVC_IDLE = 0x1E,   /* stub F4 1E E1: an empty poll (idle.c): INT 16h peek, INT 28h */
	VM_SVC_USER = 32,     /* 0-31 belong to mvdm (BIOS and DOS services) */
};

struct vm_port_owner {
	const char *name;
	unsigned max_size;      /* widest access it takes whole (1, 2, 4) */
	void *inst;
	vdd_port_read_fn read;
	vdd_port_write_fn write;
};

struct vm_mem_owner {
	const char *name;
	void *inst;
	vdd_mem_read_fn read;   /* NULL for memory the CPU maps directly */
	vdd_mem_write_fn write;
	uint8_t *host;          /* device memory mapped directly (vdd_map_memory): its
				 * byte for address a is host[a - base]; NULL = vm->ram */
	uint32_t base;
	bool writable;
};

struct vm_setting {
	const struct vdd_property *prop;
	const char *owner;  /* "vm", "dos" or the VDD's name */
	int64_t value;
	bool given;         /* set by the configuration or vm16_set_setting */
};

struct vm_event {
	int id;             /* 0 = free slot */
	uint64_t due_ns;
	vdd_event_fn fn;
	void *inst;
};

struct vm_hook {
	uint8_t vector;
	vm16_hook_fn fn;
	void *ctx;
};

/* A device's memory above RAM (vdd_claim_memory at VDD_HIGH_MEMORY_BASE
 * and up): a range, not pages, since it is far from the page table. */
struct vm_high_range {
	uint32_t base, size;
	unsigned owner;         /* index + 1 into mem_owners */
};
enum { VM_MAX_HIGH_RANGES = 4 };

/* The idle detector (idle.c). */
struct vm_idle {
	uint64_t window_start_ns;  /* virtual time the current window of polls began */
	uint64_t last_poll_insns;  /* cpu.retired at the last empty poll or yield */
	uint32_t polls;            /* close empty polls in this window */
	bool idle;                 /* the guest waits by polling: each close poll sleeps it */
	bool pending;              /* vm16_run() stops it as idle after this exit */
};

struct vm_vdd {
	const struct vdd_ops *ops;
	void *inst;
	void *private_global;  /* a global VDD's instance when the VM has no host */
};

struct vm {
	struct vm16_config cfg;
	int64_t start_time;           /* wall-clock seconds (UTC) at virtual time 0 */
	struct cpu cpu;
	uint8_t *ram;                 /* ram_size bytes of physical memory, page aligned */
	uint32_t ram_size;            /* 1 MiB + extended memory (cfg.ext_kb, at least 64 KiB) */
	enum vm16_stop ended;         /* EXIT/FAULT once ended, SLICE otherwise */
	int exit_code;
	char error[VM_ERR_LEN];

	/* I/O: owner index + 1 per port, 0 = unclaimed. */
	uint8_t port_owner[65536];
	struct vm_port_owner owners[VM_MAX_PORT_OWNERS];
	unsigned nowners;

	/* Memory: owner index + 1 per 4 KiB page (memmap.c). */
	uint8_t page_owner[VM_RAM_SIZE >> CPU_PAGE_SHIFT];
	struct vm_mem_owner mem_owners[VM_MAX_MEM_OWNERS];
	unsigned nmem_owners;
	struct vm_high_range high[VM_MAX_HIGH_RANGES];
	unsigned nhigh;

	/* Virtual clock. */
	uint64_t clock_ns;
	uint64_t insn_ns;
	struct vm_event events[VM_MAX_EVENTS];
	int next_event_id;
	struct vm_idle idle;

	/* Open request channels to VDDs (vm16_vdd_open). */
	struct vm_channel {
		const struct vm_vdd *vdd; /* NULL = free */
		void *chan;
	} channels[VM_MAX_CHANNELS];

	/* Settings (VDD properties). */
	struct vm_setting settings[VM_MAX_SETTINGS];
	unsigned nsettings;

	/* Devices. */
	struct vm_vdd vdds[VM_MAX_VDDS];
	unsigned nvdds;
	struct vdd_intc intc;
	struct vdd_display display;   /* inst NULL: no display */
	struct vdd_pointer pointer;   /* inst NULL: no mouse */
	uint64_t slice_insns;         /* budget of the cpu_run() in progress (vdd_clock_ns) */
	bool wait_pending;            /* a device saw the guest poll it in vain (vdd_guest_waits) */
	int wait_event;               /* the event that ends that wait */
	uint64_t wait_due_ns;         /* when */

	/* IRQ redirection: host handlers of the IRQs in cfg.irq_host. */
	vm16_irq_fn irq_fn[16];
	void *irq_ctx[16];
	uint16_t irq_logged;

	/* Interrupt capture: host call table and hook chains. */
	vm16_int_fn int_fn[256];
	void *int_ctx[256];
	struct vm_hook hooks[VM_MAX_HOOKS];
	unsigned nhooks;

	/* Supervisor calls. */
	vm16_svc_fn svc_fn[256];
	void *svc_ctx[256];

	uint32_t unclaimed_logged[2048]; /* one bit per port: logged once */
	uint32_t bios_logged;         /* unsupported BIOS functions logged once (bit per service) */
	uint32_t bios_unsupported[16];/* INT 16h / INT 1Ah functions logged once (rom.c) */
	vm16_tap_fn con_tap;          /* console tap (vm16_set_console_tap) */
	void *con_tap_ctx;
	bool in_cpu;                  /* inside cpu_run() (port handlers run there) */
	unsigned nested_depth;        /* nested runs in progress (nested.c) */
	unsigned nested_return;       /* level whose return stub was reached */
	void *plugin_handles[VM_MAX_VDDS]; /* dlopen handles of plug-in VDDs */
	unsigned nplugins;
};

/* machine.c: the wait a device asked for (vdd_guest_waits), once. */
bool vm_wait_take(struct vm *vm);

/* Set the error text (printf-style) and return -EINVAL-style code rc. */
int vm_fail(struct vm *vm, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* End the VM with a diagnostic naming CS:IP and the instruction bytes. */
void vm_end_fault(struct vm *vm, const char *what);

/* io.c */
uint32_t vm_io_read(void *ctx, uint16_t port, unsigned size);
void vm_io_write(void *ctx, uint16_t port, unsigned size, uint32_t value);

/* clock.c: run the events due at or before now; ns until the next one
 * (UINT64_MAX if none). */
void vm_clock_run_due(struct vm *vm);
uint64_t vm_clock_next_ns(const struct vm *vm);

/* idle.c: the idle detector. vm_idle_poll: a poll point found nothing (no
 * key, no input); vm_idle_yield: the guest gives up its time slice (INT 2Fh
 * AX=1680h); vm_idle_reset: a key arrived or the guest did real work.
 * vm_idle_take: true once after a poll or yield marked the VM idle (never
 * inside a nested run); vm16_run() then stops it as for HLT. */
void vm_idle_poll(struct vm *vm);
void vm_idle_yield(struct vm *vm);
void vm_idle_reset(struct vm *vm);
bool vm_idle_take(struct vm *vm);

/* intc */
void vm_update_intr(struct vm *vm);


/* memmap.c: map guest RAM (vm->ram) at [base, base+size) for direct access,
 * owned by `owner`; the CPU's callbacks for the other pages. */
int vm_map_ram_owned(struct vm *vm, const char *owner, uint32_t base, uint32_t size, bool writable);
uint8_t vm_mem_read8(void *ctx, uint32_t lin);
void vm_mem_write8(void *ctx, uint32_t lin, uint8_t v);
/* Register a supervisor call of mvdm itself (numbers below VM_SVC_USER). */
void vm_set_svc_internal(struct vm *vm, uint8_t n, vm16_svc_fn fn, void *ctx);

/* settings.c: register the core settings and the properties of these
 * VDDs and apply the configuration's NAME=VALUE list (before any VDD is
 * created). */
int vm_settings_apply(struct vm *vm, const struct vdd_ops *const *ops, unsigned nops, const char *const *settings);
/* Whether the configuration (or vm16_set_setting) gave the setting; store
 * a value without marking it given (the effective value of a setting that
 * mirrors a config field). */
bool vm_setting_given(const struct vm *vm, const char *name);
void vm_setting_store(struct vm *vm, const char *name, int64_t value);

/* core_props.c: the settings of the monitor and the DOS kernel, one table. */
struct vm_core_prop {
	const char *owner;  /* "vm" or "dos" */
	struct vdd_property prop;
};
extern const struct vm_core_prop vm_core_props[];
extern const size_t vm_ncore_props;
/* After vm_settings_apply: a given CPU_MODEL or DOS_MEMORY sets vm->cfg;
 * otherwise the setting takes the config's value. */
void vm_core_settings_apply(struct vm *vm);

/* host.c: the shared instance of a global VDD for this VM. */
int vm_global_instance(struct vm *vm, const struct vdd_ops *ops, void **global);

/* plugin.c */
int vm_load_plugin(struct vm *vm, const char *path, const struct vdd_ops **ops);
void vm_unload_plugins(struct vm *vm);

/* nested.c */
void vm_svc_return(struct vm *vm);

/* svc.c: handle a HLT exit; returns true if it was a supervisor call. */
bool vm_svc_dispatch(struct vm *vm);
/* intcap.c: handle a trapped INT n. */
void vm_int_trapped(struct vm *vm, uint8_t vector);
void vm_update_int_trap(struct vm *vm);

/* vm.c: the monitor half of vm16_create(), for the board (board/pc.c).
 * vm_machine_new: checks cfg, loads its plug-ins after the built-in VDDs
 * (ops[] gets all of them, VM_MAX_VDDS room), applies the settings of the
 * monitor and of these VDDs, makes the memory and the CPU; the board then
 * installs its ROM, adds the VDDs (vm_add_vdd), wires them and calls
 * vm_machine_ready. On error *out is NULL and err says why. */
int vm_machine_new(const struct vm16_config *cfg, const struct vdd_ops *const *builtin, unsigned nbuiltin,
		   const struct vdd_ops **ops, unsigned *nops, struct vm **out, char *err, size_t errlen);
int vm_add_vdd(struct vm *vm, const struct vdd_ops *ops);
int vm_vdds_create_done(struct vm *vm);
void vm_machine_ready(struct vm *vm);
/* board/pc.c: the built-in VDDs in creation order (*n of them). */
const struct vdd_ops *const *vm_builtin_vdds(size_t *n);

#endif
