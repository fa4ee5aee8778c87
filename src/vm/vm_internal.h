/*
 * vm_internal.h - struct vm: one virtual DOS machine. Everything mutable of a
 * VM hangs off it (memory, CPU, ports, clock, devices, handlers).
 *
 * Physical memory map: 00000-9FFFF conventional RAM (mem_4k of it mapped),
 * A0000-EFFFF upper memory (devices, the EMS frame and UMBs map ranges),
 * F0000-FFFFF the ROM BIOS (read-only, src/bios/) and the VDDs' guest code
 * page after it, 100000-10FFEF the HMA (reached while the A20 gate is on),
 * the rest of extended memory up to ram_size (cfg.ext_kb; given out by the
 * extended memory allocator of src/mem/), and an alias of the ROM at the
 * top of the address space (vm_rom_alias(): where the CPU starts after a
 * reset). Pages below VM_RAM_SIZE have owners and may show other physical
 * pages (memmap.c); extended memory above the HMA is plain RAM.
 * docs/memory.md has the whole map.
 */
#ifndef MVDM_VM_INTERNAL_H
#define MVDM_VM_INTERNAL_H

#include <stdarg.h>

#include "cpu/cpu.h"
#include "mvdm/vdd.h"
#include "mvdm/vm16.h"
#include "bios/bios.h"
#include "mem/mem.h"

enum {
	VM_RAM_SIZE = 0x110000,
	VM_ROM_BASE = 0xF0000,
	VM_ROM_SEG = 0xF000,
	VM_STUB_BASE = 0xF8000, /* the VDDs' guest code page, inside the ROM (vddsvc.c, bios.asm) */
	VM_MAX_PORT_OWNERS = 32,
	VM_MAX_MEM_OWNERS = 32,
	VM_MAX_SETTINGS = 64,
	VM_MAX_CHANNELS = 16,
	VM_MAX_VDDS = 16,
	VM_MAX_EVENTS = 32,
	VM_MAX_HOOKS = 32,
	VM_ERR_LEN = 256,
	VM_PAGES = VM_RAM_SIZE >> CPU_PAGE_SHIFT, /* linear pages the monitor maps */
	VM_PHYS_NONE = 0xFFFFFFFFu,  /* page_phys: device memory or nothing */
	VM_MAX_MUX = 8,              /* INT 2Fh multiplex handlers (vdd_multiplex) */
	VM_MAX_DOS_DEVICES = 4,      /* device headers VDDs offer DOS (vdd_add_dos_device) */
	VM_QUIET_MAX = 8,
	/* Host ns of a host service (supervisor call, trapped INT) that count
	 * as one unit of a vm16_run() budget (vm.c). */
	VM_HOST_NS_PER_UNIT = 2,
};

/* Reserved supervisor calls (besides VM16_SVC_EXIT). */
enum {
	VM_SVC_UNHANDLED = 3, /* stub F4 03 FC vv: exception vv with no handler */
	VM_SVC_RETURN = 4,    /* stub F4 04 FB: end of a nested run (nested.c) */
	VM_ROM_RETURN_STUB = 0x204, /* its offset in the ROM (bios.asm) */
	VM_SVC_IDLE = 0x1E,   /* stub F4 1E E1: an empty poll (idle.c): INT 16h peek, INT 28h */
	VM_SVC_VDD_FIRST = 5, /* 5-15: given to VDDs by vdd_alloc_svc */
	VM_SVC_VDD_LAST = 15,
	VM_SVC_USER = 32,     /* 0-31 belong to mvdm (BIOS and DOS services) */
};

/* The general protection fault's vector (80386 PRM 9.8.13). */
enum { VM_EXC_GP = 13 };

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

/* Deep sleep (quiet.c). What n runs of a quiet handler do, done at once
 * by the host (the BIOS's INT 08h: n ticks into 40:6Ch). */
typedef void (*vm_fold_fn)(struct vm *vm, uint64_t n);

struct vm_quiet_vector {
	uint8_t vector;
	uint16_t seg, off;  /* the handler it must point at */
	vm_fold_fn fold;    /* NULL: running it changes nothing */
};

struct vm_quiet {
	struct { uint16_t cs, ip; } waits[VM_QUIET_MAX]; /* CS:IP after the HLT */
	unsigned nwaits;
	struct vm_quiet_vector vectors[VM_QUIET_MAX];
	unsigned nvectors;
	struct vdd_tick_source ticks; /* the PIT (vdd_set_tick_source) */
	bool on;            /* the VM is quiet until it runs again */
	bool irq_left;      /* a folded pass left the tick's IRQ pending for the guest */
};
enum { VM_MAX_HIGH_RANGES = 4 };
/* The limit of a VM's own code store (a VM with a host uses the host's). */
#define VM_OWN_CODE_STORE ((size_t)16 << 20)

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
	struct cpu_code_store *own_code; /* the VM's own store of decoded code when it
				       * has no host (CODE_SHARING: vm.c), of at most
				       * VM_OWN_CODE_STORE bytes */
	uint8_t *ram;                 /* ram_size bytes of physical memory, page aligned */
	uint32_t ram_size;            /* 1 MiB + extended memory (cfg.ext_kb, at least 64 KiB) */
	enum vm16_stop ended;         /* EXIT/FAULT once ended, SLICE otherwise */
	int exit_code;
	char error[VM_ERR_LEN];

	/* Memory: owner index + 1 per 4 KiB page (memmap.c). */
	uint8_t page_owner[VM_PAGES];
	struct vm_mem_owner mem_owners[VM_MAX_MEM_OWNERS];
	unsigned nmem_owners;
	/* The physical page (index into ram) behind each linear page, or
	 * VM_PHYS_NONE; writable pages; windows a VDD may remap; how many
	 * pages show a physical page other than their own (memmap.c). */
	uint32_t page_phys[VM_PAGES];
	uint8_t page_writable[VM_PAGES / 8];
	uint8_t page_window[VM_PAGES / 8];
	unsigned nremapped;

	/* I/O: owner index + 1 per port, 0 = unclaimed. After the tables
	 * above and struct cpu, written before any port is claimed: the page
	 * of the ports claimed first (below 400h) is not first read (as a
	 * zero page) and then written, two faults (docs/cpu-speed.md, "Session
	 * 18": fields placed by use). */
	uint8_t port_owner[65536];
	struct vm_port_owner owners[VM_MAX_PORT_OWNERS];
	unsigned nowners;

	bool a20;                     /* the A20 gate (a20.c); always off on the 8086/186 */
	uint8_t fpu;                  /* enum cpu_fpu of the FPU setting (core_props.c) */
	uint8_t jit;                  /* the JIT setting: 0 auto, 1 off, 2 force (core_props.c) */
	void (*fpu_error_fn)(void *inst, bool asserted); /* the board's FERR# wire (fpu_link.c) */
	void *fpu_error_inst;
	struct mem_state mem;         /* extended memory, HMA and UMBs (src/mem/) */
	uint32_t stub_base;           /* the VDDs' guest code page, VM_STUB_BASE (vddsvc.c) */
	uint32_t stub_used;           /* bytes of it given out */
	struct vm_mux {
		uint8_t ah;
		vdd_mux_fn fn;
		void *ctx;
	} mux[VM_MAX_MUX];
	unsigned nmux;
	uint32_t dos_devices[VM_MAX_DOS_DEVICES]; /* seg << 16 | off of device headers */
	unsigned ndos_devices;
	struct vm_high_range high[VM_MAX_HIGH_RANGES];
	unsigned nhigh;
	uint32_t pm_svc_base, pm_svc_size; /* protected-mode supervisor calls (pmsvc.c) */
	/* LDTR and TR as vdd_enter_pm() last loaded them from that GDT
	 * (pmsvc.c: not loaded again while the CPU still holds them). */
	struct vm_pm_loaded {
		bool valid;
		uint32_t gdt_base;
		uint16_t gdt_limit, ldtr, tr;
		struct cpu_desc ldt, tss;
	} pm_loaded;

	/* Virtual clock. */
	uint64_t clock_ns;
	uint64_t insn_ns;
	struct vm_event events[VM_MAX_EVENTS];
	uint64_t events_due_min; /* the earliest pending due_ns, UINT64_MAX: none (clock.c) */
	int next_event_id;
	struct vm_idle idle;
	struct vm_quiet quiet;
	int key_want;                 /* vm16_key_wanted(): the strongest since the last call */

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

	uint32_t bios_logged;         /* unsupported BIOS functions logged once (bit per service) */
	uint32_t bios_unsupported[16];/* INT 16h / INT 1Ah functions logged once (rom.c) */
	vm16_log_fn log_fn;           /* the log sink (vm16_set_log), NULL = stderr */
	void *log_ctx;
	unsigned log_mask;            /* categories logged (1u << category) */
	vm16_tap_fn con_tap;          /* console tap (vm16_set_console_tap) */
	void *con_tap_ctx;
	bool in_cpu;                  /* inside cpu_run() (port handlers run there) */
	uint64_t host_units;          /* budget units host services cost since vm16_run()
				       * last charged them (vm_charge_host) */
	unsigned nested_depth;        /* nested runs in progress (nested.c) */
	unsigned nested_return;       /* level whose return stub was reached */
	void *plugin_handles[VM_MAX_VDDS]; /* dlopen handles of plug-in VDDs */
	unsigned nplugins;

	/* Processor resets (reset.c). */
	char reset_why[VM_ERR_LEN];   /* what the last reset ends the VM with if nothing resumes */
	bool reset_fault;             /* ... as a fault (a triple fault) or an exit (code 0) */
	bool reset_pending;           /* a port handler pulsed RESET: after this instruction */

	/* Last: 8 KiB a VM seldom touches, which between the fields above
	 * put them on one page more. */
	uint32_t unclaimed_logged[2048]; /* one bit per port: logged once */
};

/* Host time (CLOCK_MONOTONIC ns), and charging a host service that began
 * at t0 to the running vm16_run()'s budget: its host time at
 * VM_HOST_NS_PER_UNIT, about what a guest instruction costs the
 * interpreter. A slice spent in costly DOS calls (a directory search, a
 * large write) then lasts about as long as one spent in guest code, and
 * the host regains control as often. */
uint64_t vm_host_ns(void);
void vm_charge_host(struct vm *vm, uint64_t t0);
/* Where the ROM's alias sits: the top 64 KiB of the model's address space
 * (16 MiB on the 286, 4 GiB on the 386/486); the 8086/186 reach none. */
static inline uint32_t vm_rom_alias(const struct vm *vm)
{
	return vm->cfg.cpu == VM16_CPU_80286 ? 0xFF0000u : vm->cfg.cpu >= VM16_CPU_80386 ? 0xFFFF0000u : 0xF0000u;
}

/* reset.c: reset the processor now (outside cpu_run), remembering why;
 * the ROM's POST then resumes the guest or calls vm_reset_unresumed(). */
void vm_reset_cpu(struct vm *vm, const char *why, bool fault);
void vm_reset_unresumed(struct vm *vm);
/* The CPU controls the monitor keeps set (trap masks), after create and
 * after every reset. */
void vm_cpu_controls(struct vm *vm);
/* Format "what at CS:IP (mode; bytes ...)" for the current CPU state. */
void vm_fault_text(struct vm *vm, const char *what, char *buf, size_t len);
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
/* The BIOS found no key for the guest (VM16_KEY_PEEKED or _WAITING):
 * remembered for vm16_key_wanted(). */
void vm_key_want(struct vm *vm, int level);
void vm_idle_yield(struct vm *vm);
void vm_idle_reset(struct vm *vm);
bool vm_idle_take(struct vm *vm);

/* quiet.c: deep sleep (docs/idle.md). The BIOS and the DOS kernel
 * register their wait points (CS:IP after the HLT) and the handlers that
 * must stay theirs; the PIT is the tick source (vdd_set_tick_source). vm_quiet_enter: at an idle
 * HLT, whether the VM is quiet now (vm->quiet.on, cleared when it runs
 * again). vm_quiet_next_ns: ns until the next event that is not a tick.
 * vm_quiet_pass: pass ns of time, folding the ticks. */
int vm_quiet_add_wait(struct vm *vm, uint16_t cs, uint16_t ip);
int vm_quiet_add_vector(struct vm *vm, uint8_t vector, uint16_t seg, uint16_t off, vm_fold_fn fold);
bool vm_quiet_enter(struct vm *vm);
uint64_t vm_quiet_next_ns(const struct vm *vm);
void vm_quiet_pass(struct vm *vm, uint64_t ns);

/* intc */
void vm_update_intr(struct vm *vm);


/* memmap.c: map guest RAM (vm->ram) at [base, base+size) for direct access,
 * owned by `owner`; the CPU's callbacks for the other pages. */
int vm_map_ram_owned(struct vm *vm, const char *owner, uint32_t base, uint32_t size, bool writable);
/* Show physical memory [phys, phys+size) at linear [linear, linear+size)
 * (page aligned, linear below VM_RAM_SIZE) to the CPU and to host
 * accesses: the one place that changes what a linear page shows. */
int vm_map_pages(struct vm *vm, uint32_t linear, uint32_t phys, uint32_t size, bool writable);
/* The host wrote physical memory [phys, phys+len): code cached from every
 * linear page that shows it is checked again. */
void vm_phys_written(struct vm *vm, uint32_t phys, uint32_t len);
/* The owner of the page at linear address lin ("" if none). */
const char *vm_page_owner_name(const struct vm *vm, uint32_t lin);
/* vddsvc.c: INT 2Fh multiplex handlers (vdd_multiplex): called by the
 * DOS kernel's INT 2Fh, the end of the guest's chain; true if one of them
 * served the call (registers as the handler left them). */
bool vm_multiplex_dispatch(struct vm *vm);
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
/* The CPU's FPU error output (cpu_bus.fpu_error): to the board's hook. */
void vm_fpu_error(void *ctx, bool asserted);

/* After vm_settings_apply: a given CPU_MODEL or DOS_MEMORY sets vm->cfg;
 * otherwise the setting takes the config's value. */
void vm_core_settings_apply(struct vm *vm);
/* The CPU_MODEL choice "8088" (core_props.c cpu_choices): the 8086 to
 * vm->cfg, with the 8088's 4-byte prefetch queue (cpu_set_8bit_bus()). */
enum { VM_CPU_CHOICE_8088 = 1 };

/* host.c: the shared instance of a global VDD for this VM. */
int vm_global_instance(struct vm *vm, const struct vdd_ops *ops, void **global);
/* host.c: the host's JIT code area for this VM's CPU (NULL: the CPU's own). */
struct cpu_jit_area *vm_host_jit_area(struct vm *vm);
/* host.c: the host's store of decoded code (code_store.c), or NULL. */
struct cpu_code_store *vm_host_code_store(struct vm16_host *host);

/* plugin.c */
int vm_load_plugin(struct vm *vm, const char *path, const struct vdd_ops **ops);
void vm_unload_plugins(struct vm *vm);

/* nested.c */
void vm_svc_return(struct vm *vm);

/* svc.c: handle a HLT exit; returns true if it was a supervisor call.
 * vm_svc_v86: a HLT in V86 mode (EIP at it): our stub's call, or the
 * guest's #GP(0). */
bool vm_svc_dispatch(struct vm *vm);
void vm_svc_v86(struct vm *vm);
/* Deliver exception `vector` now as the CPU would (cpu_raise), with the
 * monitor's exception exits (pmsvc.c) off meanwhile, so it is delivered,
 * not handed back. false: that shut the CPU down. */
bool vm_raise(struct vm *vm, uint8_t vector, uint32_t error);
/* vm.c: the general registers of r (EAX-EDI) into the CPU. */
void vm_set_gprs(struct cpu *c, const struct vm16_regs *r);
/* pmsvc.c: a protected-mode HLT exit inside the host's stub region;
 * the #GP the monitor asks to see while a region is registered (a HLT
 * at CPL > 0 in it is a supervisor call, any other #GP is delivered as
 * the CPU would have: exit.reason CPU_EXIT_SHUTDOWN if that shut it
 * down). */
bool vm_pm_svc_here(const struct vm *vm);
void vm_pm_exception(struct vm *vm);
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
