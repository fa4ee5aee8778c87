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
 * properties, requests from other programs, plug-ins, and what memory
 * services need (guest code and supervisor calls, INT 2Fh multiplex
 * handlers, the A20 gate and the HMA, the extended memory allocator,
 * remappable windows, upper memory blocks, DOS devices; docs/memory.md).
 */
#ifndef MVDM_VDD_H
#define MVDM_VDD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mvdm/vm16.h"

/* 2: struct vdd_property has choices, live and step.
 * 3: ports claimed with vdd_claim_ports() see byte accesses only (wider
 * ones are split by the monitor, as on the ISA bus); the machine services
 * below (interrupt controller, A20, display, ROM services, memory).
 * 4: struct vdd_machine has fpu; the protected-mode services (a DPMI
 * host: supervisor calls from protected mode, mode switches, control and
 * debug registers). */
#define MVDM_VDD_ABI 4u

/* Port handlers: size is 1, 2 or 4 (see vdd_claim_ports_wide); reads
 * return the value (upper bits ignored). */
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

/* Claim ports [first, last] for `owner`, an 8-bit device: a 16- or 32-bit
 * access reaches it as 1-byte accesses of the consecutive ports, lowest
 * first, as on the ISA bus (OUT DX, AX to an index port writes the index,
 * then AH to the data port). A port already claimed is refused with
 * -EBUSY, and the error names both owners. */
int vdd_claim_ports(struct vm *vm, const char *owner, uint16_t first, uint16_t last, void *inst,
		    vdd_port_read_fn read, vdd_port_write_fn write) __attribute__((warn_unused_result));
/* The same for a device that decodes accesses up to max_size bytes (1, 2
 * or 4) whole; wider ones, or ones that run past its range, are split. */
int vdd_claim_ports_wide(struct vm *vm, const char *owner, uint16_t first, uint16_t last, unsigned max_size,
			 void *inst, vdd_port_read_fn read, vdd_port_write_fn write) __attribute__((warn_unused_result));

/* Memory-mapped I/O: claim [base, base+size) (4 KiB pages) for `owner`;
 * guest byte accesses there call read/write with the physical address
 * (wider accesses arrive byte by byte). Below 110000h (the real-mode
 * address space); or at or above VDD_HIGH_MEMORY_BASE (outside RAM, up to
 * 4 GiB: a linear frame buffer, reached once the CPU runs with paging or
 * protected mode, and by the host through vdd_phys_read/write). Pages
 * already claimed, by a device or as RAM, are refused with -EBUSY naming
 * both owners. */
#define VDD_HIGH_MEMORY_BASE 0xC0000000u
typedef uint8_t (*vdd_mem_read_fn)(void *inst, uint32_t addr);
typedef void (*vdd_mem_write_fn)(void *inst, uint32_t addr, uint8_t value);
int vdd_claim_memory(struct vm *vm, const char *owner, uint32_t base, uint32_t size, void *inst,
		     vdd_mem_read_fn read, vdd_mem_write_fn write) __attribute__((warn_unused_result));

/* Device memory the CPU reaches directly (a ROM, or RAM the device reads
 * when it likes): map host[0..size) at [base, base+size) below 110000h,
 * 4 KiB pages, read-only when !writable (writes ignored). The device owns
 * `host` and keeps it alive until its terminate hook. Refused like
 * vdd_claim_memory. After the device writes mapped memory itself it calls
 * vdd_memory_changed() (code cached from it is checked again). */
int vdd_map_memory(struct vm *vm, const char *owner, uint32_t base, uint32_t size, uint8_t *host, bool writable)
	__attribute__((warn_unused_result));
void vdd_memory_changed(struct vm *vm, uint32_t base, uint32_t size);

/* A physical memory access as the guest's CPU would make it (RAM, ROM or a
 * device's handlers), for host code such as a ROM service: 0 or -ERANGE. */
int vdd_phys_read(struct vm *vm, uint32_t addr, void *buf, size_t len);
int vdd_phys_write(struct vm *vm, uint32_t addr, const void *buf, size_t len);

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

/* ---- Guest code of a VDD ---- */

/* A supervisor call for the VDD: guest code `HLT; db n, ~n` (F4 n ~n), in
 * its ROM or its guest memory, calls fn with the guest registers, IP past
 * the three bytes (see vm16_set_svc; returning nonzero ends the VM with
 * that message). Returns n (5-15) or -ENOSPC when all are given out. */
int vdd_alloc_svc(struct vm *vm, vm16_svc_fn fn, void *ctx) __attribute__((warn_unused_result));

/* `size` bytes of guest RAM for a VDD's own real-mode code and data
 * (interrupt handlers, entry points, device headers) in the monitor's
 * guest code page, F000:8000-F000:8FFF, outside conventional and upper
 * memory. Paragraph aligned and zero-filled: *seg gets the segment whose
 * offset 0 is the first byte (so a device header can sit at offset 0).
 * The guest may write it (entry points that programs hook). It lives as
 * long as the VM. Returns 0 or -ENOSPC. */
int vdd_alloc_guest_mem(struct vm *vm, uint32_t size, uint16_t *seg) __attribute__((warn_unused_result));

/* INT 2Fh multiplex handler for function group AH = `ah`: called with the
 * guest registers when INT 2Fh with that AH reaches the end of the guest's
 * chain (the DOS kernel's handler), as if the service had hooked INT 2Fh
 * when DOS started. It changes the registers with vm16_get/set_regs and
 * returns true when it served the call, false to pass it on. One handler
 * per AH; returns 0, -EBUSY (taken) or -ENOSPC. */
typedef bool (*vdd_mux_fn)(struct vm *vm, void *ctx);
int vdd_multiplex(struct vm *vm, uint8_t ah, vdd_mux_fn fn, void *ctx) __attribute__((warn_unused_result));

/* A character device a VDD offers DOS programs, as a DEVICE= driver would
 * (EMMXXXX0): the guest address of its device header (RBIL table 01646:
 * next pointer, attribute, strategy, interrupt, 8-byte name), built by the
 * VDD in guest memory before the DOS kernel starts. The kernel links it
 * into its device chain after NUL, and programs open it by name (INT 21h
 * 3Dh) and ask it IOCTL 4400h (device information from the attribute) and
 * 4406h/4407h (ready); a read ends at once and a write is taken and
 * dropped, as for NUL. 0 or -ENOSPC. */
int vdd_add_dos_device(struct vm *vm, uint16_t seg, uint16_t off) __attribute__((warn_unused_result));

/* ---- The A20 gate and the HMA ---- */

/* The VM's A20 gate (80286 and later): one state, which the keyboard
 * controller's output port, port 92h and the XMS A20 functions all set
 * (each source calls vdd_set_a20 when it changes the line). Off, linear
 * addresses wrap at 1 MiB, for the CPU and for host accesses alike. The
 * 8086 and 80186 have no A20 line: always off there, and setting it does
 * nothing. It is on when a VM starts on the 80286 and later. */
void vdd_set_a20(struct vm *vm, bool enabled);
bool vdd_a20(const struct vm *vm);

/* The HMA (FFFF:0010-FFFF:FFFF) has one owner at a time: the DOS kernel
 * (DOS_HIGH) or an XMS client (XMS function 01h). claim: 0, -EBUSY (taken:
 * vdd_hma_owner says by whom) or -ENODEV (no HMA: 8086/80186 or no
 * extended memory). vdd_hma_owner: the owner's name or NULL. */
int vdd_hma_claim(struct vm *vm, const char *owner) __attribute__((warn_unused_result));
void vdd_hma_release(struct vm *vm);
const char *vdd_hma_owner(const struct vm *vm);

/* ---- Extended memory ---- */

/* The one allocator of the VM's physical memory above the HMA
 * (110000h up to 1 MiB + EXTENDED_MEMORY): XMS, EMS, the BIOS's INT 15h
 * and the DPMI host all take from it, so no memory is given twice.
 * Sizes are in 4 KiB pages, addresses are physical (byte offsets in the
 * VM's memory, at or above 110000h). Pages cost host memory only once
 * touched; freed pages are given back to the host.
 * alloc: a contiguous block of `pages` (> 0); 0 and *phys, or -ENOMEM.
 * free: a block (or the tail of one) given by alloc; a range that is not
 * allocated is refused with -EINVAL and nothing changes.
 * resize: grow or shrink the block at *phys from `pages` to `new_pages`
 * (> 0) in place, or (may_move) anywhere with its contents copied; 0 and
 * the new *phys, or -ENOMEM with the block unchanged.
 * query: free pages in all and the largest contiguous run. */
int vdd_xmem_alloc(struct vm *vm, uint32_t pages, uint32_t *phys) __attribute__((warn_unused_result));
int vdd_xmem_free(struct vm *vm, uint32_t phys, uint32_t pages);
int vdd_xmem_resize(struct vm *vm, uint32_t *phys, uint32_t pages, uint32_t new_pages, bool may_move)
	__attribute__((warn_unused_result));
void vdd_xmem_query(const struct vm *vm, uint32_t *free_pages, uint32_t *largest_pages);
/* The XMS driver owns extended memory: the BIOS's INT 15h/88h then
 * reports 0 KiB, as under HIMEM (otherwise it reports the KiB from 1 MiB
 * up to the first allocated page). */
void vdd_xmem_claim_int15(struct vm *vm);

/* ---- Remappable windows and host copies ---- */

/* Claim [base, base+size) (4 KiB pages below 100000h, unclaimed) for
 * `owner` as RAM that its owner may remap with vdd_map_phys (an EMS page
 * frame). It starts showing its own physical memory. 0, -EBUSY naming
 * both owners, or -EINVAL. */
int vdd_claim_window(struct vm *vm, const char *owner, uint32_t base, uint32_t size)
	__attribute__((warn_unused_result));
/* Show physical memory [phys, phys+size) at linear [linear, linear+size),
 * for the CPU and for host accesses (vm16_read/vm16_write, vdd_mem_move):
 * the one monitor function behind every EMS mapping. 4 KiB aligned; the
 * linear pages must be a claimed window or conventional memory; the
 * physical range must lie in the VM's memory. phys == linear shows the
 * page's own memory again. 0 or -EINVAL. */
int vdd_map_phys(struct vm *vm, uint32_t linear, uint32_t phys, uint32_t size) __attribute__((warn_unused_result));

/* Copy len bytes of guest memory from src to dst (linear addresses as the
 * guest sees them in real mode below 1 MiB + 64 KiB, A20 and windows
 * applied; physical memory above that), as memmove: overlapping ranges
 * copy as if through a buffer. Read-only pages are written too (the host
 * may); device memory goes through its handlers. 0 or -ERANGE (beyond the
 * VM's memory). exchange swaps two ranges that must not overlap. */
int vdd_mem_move(struct vm *vm, uint32_t dst, uint32_t src, uint32_t len);
int vdd_mem_exchange(struct vm *vm, uint32_t a, uint32_t b, uint32_t len);

/* ---- Upper memory blocks ---- */

/* The free pages of C0000h-EFFFFh (no device, ROM or window claimed them
 * when the VM was made) are upper memory, given out in blocks of
 * paragraphs (XMS functions 10h-12h, DOS_UMB).
 * alloc: the block of the first free area that holds `paras`, or with
 * paras = 0xFFFF the largest; 0 and *seg, *got (its size), or -ENOMEM with
 * *got = the largest free block (0: none at all).
 * free: 0 or -EINVAL (not the start of an allocated block).
 * resize: in place; 0, -EINVAL, or -ENOMEM with *got = the largest size
 * the block could have. */
int vdd_umb_alloc(struct vm *vm, uint16_t paras, uint16_t *seg, uint16_t *got);
int vdd_umb_free(struct vm *vm, uint16_t seg);
int vdd_umb_resize(struct vm *vm, uint16_t seg, uint16_t paras, uint16_t *got);

/* The interrupt controller: the VDD that is one registers these (once per
 * VM); vdd_set_irq() then drives its lines and the CPU takes its vectors. */
struct vdd_intc {
	void *inst;
	void (*set_irq)(void *inst, unsigned irq, bool level);
	bool (*intr)(void *inst);                 /* INTR output asserted */
	uint8_t (*ack)(void *inst);               /* INTA: the vector */
	/* The IRQ (0-15) a vector just acknowledged belongs to, or -1 (spurious). */
	int (*irq_of_vector)(void *inst, uint8_t vector);
	void (*eoi)(void *inst, unsigned irq);    /* non-specific EOI (and the cascade's) */
	/* The vector irq would reach the CPU as now, if raised: -1 when it is
	 * masked or something is in service (the monitor's deep sleep). May be
	 * NULL. */
	int (*deliverable_vector)(void *inst, unsigned irq);
};
void vdd_set_intc(struct vm *vm, const struct vdd_intc *intc);

/* What the machine is, for devices that describe it (CMOS, BIOS). */
struct vdd_machine {
	uint32_t conv_kb;      /* conventional memory */
	uint32_t ext_kb;       /* extended memory above 1 MiB (HMA included) */
	uint32_t ram_size;     /* bytes of physical RAM from 0 */
	int64_t start_time;    /* wall-clock seconds (UTC) at virtual time 0 */
	enum vm16_cpu cpu;
	bool display;          /* the VM has a display (vm16_config.use_video) */
	bool fpu;              /* a numeric coprocessor is there (the FPU setting; ABI 4) */
};
void vdd_machine(const struct vm *vm, struct vdd_machine *m);

/* The numeric coprocessor (docs/x87.md). Its error output (FERR#, the
 * 287/387's ERROR#) goes to fn(inst, asserted), which the board sets (the
 * AT's IRQ 13 latch); vdd_fpu_reset() is the coprocessor reset of the AT's
 * port F1h (FNINIT state). Both do nothing without an FPU. */
void vdd_set_fpu_error_hook(struct vm *vm, void (*fn)(void *inst, bool asserted), void *inst);
void vdd_fpu_reset(struct vm *vm);

/* Input from the host reached the device: a guest that idles waiting for
 * it runs again. */
void vdd_input_arrived(struct vm *vm);
/* The guest polls this device in a loop and nothing it can see changes
 * before virtual time until_ns (a retrace wait on 3DAh): the monitor may
 * stop it after the current instruction and let it sleep until then, as
 * for HLT (virtual time jumps, or a pacing host sleeps). */
void vdd_guest_waits(struct vm *vm, uint64_t until_ns);

/* The timer tick: the device whose periodic event is the system timer's
 * tick (the PIT) registers it once, so that the monitor's deep sleep can
 * pass a VM's idle time without running every tick (docs/idle.md): its
 * clock event, the IRQ it raises, and edges(inst), the ticks it produced
 * so far. */
struct vdd_tick_source {
	vdd_event_fn event;
	void *inst;
	unsigned irq;
	uint64_t (*edges)(void *inst);
};
void vdd_set_tick_source(struct vm *vm, const struct vdd_tick_source *src);

/* The display: the VDD that shows the VM's screen registers these (once
 * per VM); vm16_screen(), vm16_frame() and vm16_teletype() call them.
 * text: the text screen (-1: not in a text mode). frame: the picture
 * (vm16.h). teletype: one character of console output on the active page
 * as INT 10h/0Eh writes it. */
struct vdd_display {
	void *inst;
	int (*text)(void *inst, struct vm16_screen *s);
	int (*frame)(void *inst, struct vm16_frame *f, uint64_t since);
	void (*teletype)(void *inst, uint8_t ch);
};
void vdd_set_display(struct vm *vm, const struct vdd_display *d);
/* Console output a device produced (teletype): to the host's console tap. */
void vdd_console_out(struct vm *vm, const uint8_t *buf, size_t len);

/* Pointing devices: the VDD that takes the host's mouse registers it;
 * vm16_mouse() calls it. */
struct vdd_pointer {
	void *inst;
	void (*motion)(void *inst, int dx, int dy, unsigned buttons);
	/* Absolute position (x, y) in a picture of w x h pixels (the frame
	 * the host shows: window consoles). */
	void (*position)(void *inst, int x, int y, int w, int h, unsigned buttons);
};
void vdd_set_pointer(struct vm *vm, const struct vdd_pointer *p);

/* ---- Protected-mode services (a DPMI host: docs/dpmi.md) ---- */

/* Supervisor calls from protected mode: a HLT executed at CPL 0 whose
 * linear address lies in [base, base + size) and is followed by a valid
 * pair n, ~n is supervisor call n, as in real mode (the handler sees EIP
 * past the three bytes). So is such a HLT at CPL 1-3, made instead of the
 * #GP(0) the HLT raises there: the handler sees the CPU as the HLT found
 * it (its CPL, registers and stack), EIP past the three bytes; a host's
 * ring-3 stubs reach it without an exception delivery. While a region is
 * registered every #GP comes to the monitor first; those that are not
 * such calls are delivered as the CPU delivers them. Everywhere else a
 * protected-mode HLT stays the guest's own (a DOS extender's kernel
 * halting). One region per VM; size 0 removes it. 0 or -EINVAL. */
int vdd_set_pm_svc_region(struct vm *vm, uint32_t base, uint32_t size);

/* The system tables a protected-mode context runs with: GDTR, IDTR, and
 * the LDT and TSS selectors (in that GDT; 0 for none), loaded as LLDT and
 * LTR would load them but without LTR's busy bit; cr3: the page directory
 * (0: paging off), loaded (which flushes the TLB) when it is not CR3
 * already or `flush` asks for it. LDTR and TR are not read from the GDT
 * again while the CPU still holds what the last vdd_enter_pm() loaded with
 * the same GDT and selectors: a host that rewrote those GDT entries (or
 * its page tables) since sets `flush`, and everything is loaded again.
 * Without `flush`, a return to paging with the same cr3 keeps what the
 * CPU knew of that mapping (its decoded code, its system translations:
 * cpu.h cpu_resume_paging()), as a TLB keeps entries until CR3 is
 * loaded (Intel 80386 PRM 5.2.5). */
struct vdd_pm_tables {
	uint32_t gdt_base, idt_base;
	uint16_t gdt_limit, idt_limit;
	uint16_t ldtr, tr;
	uint32_t cr3;
	bool flush;
};

/* Mode switches done by the monitor, as a DPMI host's raw switch does
 * them (80386 and later).
 * vdd_enter_pm: CR0.PE on (and PG with a cr3), the tables loaded, then r: the general
 * registers, EIP, EFLAGS (IOPL, IF...) and the selectors, CS first (its
 * descriptor's DPL becomes the CPL), then SS, DS, ES, FS, GS with the
 * checks of MOV Sreg at that CPL. A selector that fails them is loaded as
 * null (SS: -EFAULT). 0, -EFAULT, or -EINVAL (no protected mode, or a
 * table that does not load).
 * vdd_enter_real: CR0.PE and PG off, the IVT at 0 (IDTR 0/3FFh), r loaded
 * with every segment cache as real mode makes it (base = selector * 16,
 * 64 KiB, 16-bit data, CS a 16-bit code segment), EIP and ESP as given. */
int vdd_enter_pm(struct vm *vm, const struct vdd_pm_tables *t, const struct vm16_regs *r)
	__attribute__((warn_unused_result));
void vdd_enter_real(struct vm *vm, const struct vm16_regs *r);
/* Whether the CPU runs in protected mode (not V86), and its CPL. */
bool vdd_protected_mode(const struct vm *vm);
/* Control registers (n = 0, 2, 3) and debug registers (n = 0-3, 6, 7) of
 * the VM's CPU: 0 or -EINVAL (no such register on this model). Setting CR0
 * applies the mode and TLB consequences; a debug register takes effect at
 * the next instruction. */
uint32_t vdd_get_cr(const struct vm *vm, unsigned n);
int vdd_set_cr(struct vm *vm, unsigned n, uint32_t value);
uint32_t vdd_get_dr(const struct vm *vm, unsigned n);
int vdd_set_dr(struct vm *vm, unsigned n, uint32_t value);

#endif
