/*
 * vm16.h - create and run virtual DOS machines (VDMs).
 *
 * A VM is described by a control block (struct vm16_config), checked as a
 * whole before anything is built: vm16_create() returns a complete VM or an
 * error message, never a half-made VM. Many VMs live in one process and share
 * no mutable state. A guest can never crash, hang or exit the process: what
 * cannot be delivered to the guest ends that VM (vm16_run() returns
 * VM16_STOP_FAULT with a diagnostic in vm16_error()).
 *
 * Threading: a struct vm is used by one thread at a time.
 */
#ifndef MVDM_VM16_H
#define MVDM_VM16_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;

/* A host: what several VMs of one program share, such as the instances of
 * global VDDs (vdd.h). It outlives the VMs created with it. */
struct vm16_host;
int vm16_host_create(struct vm16_host **out) __attribute__((warn_unused_result));
/* Ends the global VDD instances. Destroy the host's VMs first. */
void vm16_host_destroy(struct vm16_host *host);
/* The host's store of decoded code, shared by its VMs (setting CODE_SHARING,
 * docs/cpu-speed.md): at most `bytes` (default 64 MiB; the least recently
 * used blocks are evicted), and its figures. */
void vm16_host_set_code_limit(struct vm16_host *host, size_t bytes);
struct vm16_host_code_stats {
	uint64_t lookups;       /* a VM's cache missed and asked the store */
	uint64_t hits;          /* ... and the store had the block */
	uint64_t adds;          /* blocks added */
	uint64_t evictions;     /* blocks evicted to stay under the limit */
	uint64_t blocks;        /* blocks held now */
	uint64_t bytes;         /* memory they take now */
	uint64_t codes;         /* compiled code given to it with a block (the JIT) */
	uint64_t jit_bytes;     /* bytes of the host's code area in use now (the JIT) */
	uint64_t jit_flushes;   /* times the code area was full and made anew */
};
void vm16_host_code_stats(struct vm16_host *host, struct vm16_host_code_stats *s);

enum vm16_task_mode {
	VM16_CONCURRENT = 0, /* time-sliced with the other VMs */
	VM16_EXCLUSIVE,      /* the others stop while it runs */
};

enum vm16_cpu { VM16_CPU_8086 = 0, VM16_CPU_80186, VM16_CPU_80286, VM16_CPU_80386, VM16_CPU_80486 };

/* The VM control block. */
struct vm16_config {
	enum vm16_task_mode task_mode;
	bool use_video;          /* the VM has a display (VGA text) */
	bool video_full_screen;  /* it may change video mode and go full screen (needs use_video) */
	bool direct_hw;          /* direct BIOS/hardware access: implies VM16_EXCLUSIVE */
	/* Software interrupt capture table, 256 bits: bit v set = INT v is
	 * reflected through the guest IVT (the default for every vector);
	 * clear = INT v is served in the host from the call table without
	 * entering the guest IVT (vm16_set_int_handler()). */
	uint32_t capture[8];
	uint32_t mem_4k;         /* conventional memory in 4 KiB blocks: 16 (64 KiB) to 160 (640 KiB) */
	uint32_t ext_kb;         /* extended memory above 1 MiB in KiB, the 64 KiB HMA included:
				  * a multiple of 64 up to VM16_EXT_KB_MAX (286 and later models;
				  * the 8086 and 80186 have none, the 286's 24 address lines
				  * reach VM16_EXT_KB_MAX_286); default 16 MiB */
	enum vm16_cpu cpu;
	uint64_t insn_ns;        /* virtual nanoseconds per guest instruction (speed); 0 = default */
	int64_t start_time;      /* wall-clock time of the VM's RTC at start, seconds since
				  * 1970 (UTC); 0 = the host's time now */
	/* IRQ redirection map, 16 bits: bit n set = IRQ n is handled in the
	 * host (vm16_set_irq_handler, then EOI) instead of being reflected
	 * through the guest IVT (the default, 0). IRQ 2 cannot be set. */
	uint16_t irq_host;
	/* Idle time: false (default) = while the guest idles (HLT with
	 * interrupts enabled, a keyboard wait, or a polling loop or time-slice
	 * release the monitor recognised: setting IDLE_SENSITIVITY, see
	 * docs/idle.md) virtual time jumps to the next device event at once
	 * (batch runs, tests); true = vm16_run() returns
	 * VM16_STOP_IDLE and vm16_idle_ns() says how long until that event, so
	 * the host can sleep in real time and then call vm16_pass_time(). */
	bool pace_idle;
	bool io_strict;          /* I/O permission: an access to a port no VDD claimed ends
				  * the VM (default: reads all ones, writes ignored, logged) */
	const char *const *plugins; /* NULL or a NULL-terminated list of VDD shared objects
				  * to load into the VM (see vdd.h) */
	struct vm16_host *host;  /* NULL, or the host whose global VDD instances and decoded
				  * code this VM shares (a VM without one gets private ones) */
	const char *const *settings; /* NULL or a NULL-terminated list of "NAME=VALUE": DOS
				  * settings (see vm16_list_settings); unknown names and
				  * bad values are configuration errors. A setting wins
				  * over the field it mirrors: CPU_MODEL over cpu,
				  * DOS_MEMORY over mem_4k, EXTENDED_MEMORY over ext_kb */
};

/* Largest extended memory a VM can have (KiB): 3 GiB; on the 80286 16 MiB
 * less the first MiB and the ROM at the top (15 MiB - 64 KiB). */
#define VM16_EXT_KB_MAX 3145728u
#define VM16_EXT_KB_MAX_286 15296u

/* Defaults: concurrent, video on, every interrupt reflected, 640 KiB, 386. */
void vm16_config_default(struct vm16_config *cfg);

/* Checks cfg. Returns 0, or -EINVAL with a one-line reason in err. */
int vm16_config_check(const struct vm16_config *cfg, char *err, size_t errlen);

/* Builds a VM from cfg with every built-in VDD (and the plug-ins named by the
 * caller later). Returns 0 and *out, or a negative errno with a reason in
 * err (and nothing allocated). */
int vm16_create(const struct vm16_config *cfg, struct vm **out, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* Ends the VM's devices (terminate hooks) and frees everything. NULL is fine. */
void vm16_destroy(struct vm *vm);

/* Whether vm16_destroy(vm) would do nothing but give memory back to the
 * process: true when every VDD of the VM is built in (their terminate
 * hooks only free memory) and no request channel is open; false with a
 * plug-in VDD loaded (its hooks and its shared object's destructors may
 * act outside the process). A process that ends right after the VM may
 * then leave that memory to its exit instead of unmapping it piece by
 * piece (`mvdm run` does, but in sanitizer builds; docs/cpu-speed.md,
 * "Session 13"). dos_destroy() is still needed first: it closes the
 * guest's files. */
bool vm16_destroy_frees_only(const struct vm *vm);

/* Copies an image into guest memory at seg:off (host writes go through this
 * so that cached code is checked again). Returns 0 or -ERANGE. */
int vm16_load_image(struct vm *vm, uint16_t seg, uint16_t off, const void *data, size_t len);

/* Why vm16_run() returned. */
enum vm16_stop {
	VM16_STOP_SLICE = 0,  /* the slice is used up; run again */
	VM16_STOP_IDLE,       /* waiting for an event (HLT, keyboard wait, polling): none is
			       * due, or pace_idle is set (vm16_idle_ns()) */
	VM16_STOP_EXIT,       /* the guest ended the VM (SVC 2): vm16_exit_code() */
	VM16_STOP_FAULT,      /* the VM was ended by an error: vm16_error() says what and where */
};

/* Runs until max_insns units of work are done: a guest instruction is one
 * unit, each further iteration of a repeated string instruction one more,
 * and a host service (DOS and BIOS calls) counts its host time at about
 * 2 ns a unit. So a budget bounds the host time a call takes, whatever the
 * guest does, and virtual time advances by insn_ns a unit of guest work.
 * After EXIT or FAULT the VM stays ended: further calls return the same
 * reason. */
enum vm16_stop vm16_run(struct vm *vm, uint64_t max_insns);

/* Registers as the guest sees them. */
struct vm16_regs {
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t eip, eflags;
	uint16_t es, cs, ss, ds, fs, gs;
};
void vm16_get_regs(const struct vm *vm, struct vm16_regs *r);
void vm16_set_regs(struct vm *vm, const struct vm16_regs *r);

/* Guest memory for the host by linear address: through the guest's page
 * tables when paging is on (-EFAULT for a page that is not present); then
 * below 1 MiB + 64 KiB as the guest sees it in real mode (the A20 gate and
 * remapped windows such as the EMS page frame apply; device memory goes
 * through its handlers), above that physical memory up to 1 MiB +
 * extended memory. Writes may go to read-only pages (loading the ROM).
 * Returns 0, -EFAULT or -ERANGE (beyond the VM's memory). */
int vm16_read(struct vm *vm, uint32_t linear, void *buf, size_t len);
int vm16_write(struct vm *vm, uint32_t linear, const void *buf, size_t len);

/* The last diagnostic ("" if none), and the code passed to SVC 2. */
const char *vm16_error(const struct vm *vm);
int vm16_exit_code(const struct vm *vm);

/* The VM's log: diagnostics that do not end the VM (an unsupported BIOS or
 * DOS function, a port no device claims), each in one category, as QEMU's
 * qemu_log_mask has them. A sink gets one message at a time, one line
 * without its newline; the library writes "mvdm: CATEGORY: MESSAGE" on
 * stderr until vm16_set_log() names another sink. Messages whose category
 * bit (1u << category) is clear in the mask are not even formatted. */
enum vm16_log_category {
	VM16_LOG_VM = 0,  /* the monitor: interrupt routing, nested runs */
	VM16_LOG_CPU,     /* the processor */
	VM16_LOG_IO,      /* ports and memory-mapped I/O */
	VM16_LOG_BIOS,    /* the ROM BIOS services */
	VM16_LOG_DOS,     /* the DOS kernel */
	VM16_LOG_SHELL,   /* the built-in COMMAND.COM */
	VM16_LOG_VDD,     /* virtual device drivers (vdd_log) */
	VM16_LOG_CATEGORIES
};
enum { VM16_LOG_ALL = (1u << VM16_LOG_CATEGORIES) - 1 };
typedef void (*vm16_log_fn)(void *ctx, struct vm *vm, enum vm16_log_category cat, const char *msg);
/* Sends the VM's log to fn (NULL: back to stderr). From the thread that
 * owns the VM. */
void vm16_set_log(struct vm *vm, vm16_log_fn fn, void *ctx);
/* Which categories are logged (bits 1u << category; VM16_LOG_ALL at start). */
void vm16_set_log_mask(struct vm *vm, unsigned mask);
/* Logs one message (printf-style, no newline) in category cat. */
void vm16_log(struct vm *vm, enum vm16_log_category cat, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same with a va_list (for a layer's own logging function). */
void vm16_vlog(struct vm *vm, enum vm16_log_category cat, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* "vm", "cpu", "io", "bios", "dos", "shell", "vdd"; NULL for others. */
const char *vm16_log_category_name(enum vm16_log_category cat);
/* A category by name (case-insensitive): the category, or -ENOENT. */
int vm16_log_category_parse(const char *name);

/* The text screen as the host sees it (VMs with use_video). */
struct vm16_screen {
	uint8_t mode, cols, rows;            /* BIOS video mode, size in cells */
	uint8_t cursor_row, cursor_col;
	uint8_t cursor_start, cursor_end;    /* scan lines */
	bool cursor_visible;
	uint16_t cells[80 * 50];             /* character | attribute << 8, row by row */
};
/* Fills *s from the active display page. Returns 0, or -1 without video. */
int vm16_screen(struct vm *vm, struct vm16_screen *s);

/* The picture as the display shows it, at the mode's native resolution
 * (320x200 for mode 13h, 640x480 for 12h, 720x400 for 80x25 text with the
 * VM's font, the VBE mode's size...), each pixel 0x00RRGGBB from the DAC
 * (6-bit values scaled to 8 bits). The pixels belong to the VM and stay
 * valid until the next vm16_frame() or vm16_run() of this VM. The picture
 * is rendered again only when video memory or a register changed (or the
 * cursor or blink phase); `serial` counts the pictures: a caller that
 * passes the serial it has as `since` learns "unchanged" cheaply (the
 * pixels are not touched, and f->serial == since). The display aspect
 * is aspect_w:aspect_h (4:3 for every VGA mode). Buffers are made on the
 * first call. Returns 0, -ENODEV without a display, -ENOMEM. */
struct vm16_frame {
	uint32_t width, height;
	uint32_t stride;             /* pixels per row (>= width) */
	const uint32_t *pixels;
	uint64_t serial;
	uint8_t mode;                /* the BIOS video mode (VBE modes: 0xFF) */
	bool graphics;               /* a graphics mode (else text) */
	uint8_t aspect_w, aspect_h;
};
int vm16_frame(struct vm *vm, struct vm16_frame *f, uint64_t since);

/* Console output as INT 10h AH=0Eh writes it on the active page (the DOS
 * kernel's fast path), also given to the console tap. */
void vm16_teletype(struct vm *vm, uint8_t ch);

/* The host's mouse: relative motion in mickeys (1/200 inch as a PS/2
 * mouse reports it; +x right, +y down) and the buttons held (bit 0 left,
 * 1 right, 2 middle); or an absolute position in the frame's pixels (a
 * window that knows where the pointer is). They reach the guest's mouse
 * driver (INT 33h) or PS/2 BIOS handler. 0 or -ENODEV. */
int vm16_mouse(struct vm *vm, int dx, int dy, unsigned buttons);
int vm16_mouse_at(struct vm *vm, int x, int y, unsigned buttons);

/* The console tap: fn gets every character the guest writes as teletype
 * output (INT 10h/0Eh, DOS console output), in order, so a host can show
 * the console as a byte stream. NULL turns it off. */
typedef void (*vm16_tap_fn)(void *ctx, const uint8_t *buf, size_t len);
void vm16_set_console_tap(struct vm *vm, vm16_tap_fn fn, void *ctx);

/* Keyboard input from the host: one key (set 1 make code, `extended` for
 * E0-prefixed keys) pressed or released, or the keys that type text (code
 * page 437 on a US layout; a character with no key of its own is typed as
 * on a PC: 01h-1Ah as Ctrl + the letter, others as Alt + the decimal code
 * on the numeric keypad). They reach the guest through the 8042 and IRQ 1.
 * Return 0, -ENOSPC (queue full; vm16_type types all or nothing), -EINVAL
 * (a make code outside 01h-7Fh) or -ENODEV. */
int vm16_key(struct vm *vm, uint8_t make_code, bool extended, bool pressed);
int vm16_type(struct vm *vm, const char *text);
/* Key events typed by the host that the keyboard has not yet sent. */
unsigned vm16_keys_queued(struct vm *vm);

/* Whether the guest asked the BIOS for a key and found none since the last
 * call (which clears it): 0, VM16_KEY_PEEKED (INT 16h AH=01h/11h: it
 * looked), VM16_KEY_WAITING (AH=00h/10h: it waits for one). A host that
 * types from a stream (a pipe) feeds a key then. */
enum { VM16_KEY_PEEKED = 1, VM16_KEY_WAITING = 2 };
int vm16_key_wanted(struct vm *vm);

/* DOS settings ("properties", as OS/2 had them): typed per-VM values
 * registered by the monitor and the DOS kernel (CPU_MODEL, DOS_MEMORY,
 * CPU_SPEED, DOS_VERSION, DOS_BACKGROUND_EXECUTION) and by each VDD
 * (vdd.h struct vdd_property). A VM's configuration sets them as
 * "NAME=VALUE" strings (vm16_config.settings; names are case-insensitive).
 * Values: booleans on/off, yes/no, true/false, 1/0; integers in decimal or
 * 0x-hexadecimal; choices by name (case-insensitive). */
enum vm16_setting_type { VM16_SETTING_BOOL = 0, VM16_SETTING_INT, VM16_SETTING_CHOICE };

/* One setting as listed. For a choice, value/def/min/max are indexes into
 * choices (min 0, max the last index). */
struct vm16_setting_info {
	const char *name;               /* upper case: "DOS_VERSION" */
	enum vm16_setting_type type;
	int64_t value;                  /* the VM's effective value (catalog: the default) */
	int64_t def, min, max;
	int64_t step;                   /* values are min + k * step (1: any in range) */
	const char *const *choices;     /* VM16_SETTING_CHOICE: NULL-terminated names, else NULL */
	bool live;                      /* may change while the VM runs (vm16_set_setting) */
	bool given;                     /* set by the configuration or vm16_set_setting
					 * (false: the default, or the config field it mirrors) */
	const char *owner;              /* "vm", "dos" or the VDD's name */
	const char *help;               /* one line */
};
typedef void (*vm16_setting_fn)(void *ctx, const struct vm16_setting_info *s);

/* The VM's settings with their effective values, in registration order
 * (monitor and kernel first, then the VDDs): fn is called once for each.
 * A setting that mirrors a config field (CPU_MODEL: cpu, DOS_MEMORY:
 * mem_4k, DOS_VERSION: dos_config's version) shows the value in effect
 * whichever of the two gave it. */
void vm16_list_settings(const struct vm *vm, vm16_setting_fn fn, void *ctx);

/* Every setting the monitor, the DOS kernel and the built-in VDDs register,
 * without a VM (value = default). Plug-in VDDs' settings are only known to
 * a VM that loaded them. */
void vm16_settings_catalog(vm16_setting_fn fn, void *ctx);
/* One catalog setting by name (case-insensitive). 0 or -ENOENT. */
int vm16_settings_lookup(const char *name, struct vm16_setting_info *out);
/* The value of setting s written as text (on/off, a number, a choice
 * name): parse. Returns 0, or -EINVAL (not a boolean, a number or one of
 * the choices), -ERANGE (outside min..max or off the step), with a
 * one-line reason naming the setting in err. */
int vm16_setting_parse(const struct vm16_setting_info *s, const char *text, int64_t *value, char *err,
		       size_t errlen);
/* A DOS version as every part of mvdm accepts it: "X.Y" or "X.YY" (3.3 is
 * 3.30, as DOS prints it), "X" (7 is 7.00) or the DOS_VERSION setting's
 * major * 100 + minor ("330"). *value = major * 100 + minor. 0 or -EINVAL.
 * The setting DOS_VERSION takes every one of these spellings and is
 * written X.YY (vm16_setting_format). */
int vm16_dos_version_parse(const char *text, int64_t *value);
/* value as text: "on"/"off", decimal (DOS_VERSION: X.YY), or the choice's name. Returns
 * what snprintf returns. */
int vm16_setting_format(const struct vm16_setting_info *s, int64_t value, char *buf, size_t len);
/* Check a NULL-terminated list of "NAME=VALUE" against the catalog: 0, or
 * -EINVAL (not NAME=VALUE, bad value), -ENOENT (unknown name), -ERANGE,
 * with a one-line reason in err. */
int vm16_settings_check(const char *const *settings, char *err, size_t errlen);

/* Change a live setting of a VM (created, running or idle; between two
 * vm16_run() calls, from the thread that owns the VM). Returns 0, -ENOENT
 * (no such setting), -EPERM (it cannot change while the VM runs),
 * -EINVAL/-ERANGE (bad value), each with a reason in vm16_error(). The
 * owner of the setting sees the new value the next time it reads it:
 * readers of live settings call vdd_property() each time they need the
 * value instead of keeping a copy. */
int vm16_set_setting(struct vm *vm, const char *name, const char *value);
/* The same for a NULL-terminated list of "NAME=VALUE": every one is
 * checked before any is applied (all or nothing). */
int vm16_set_settings(struct vm *vm, const char *const *settings);

/* The PC speaker: *on when the guest has the speaker enabled and gated to
 * a running PIT channel 2, *hz its square-wave frequency. 0 or -ENODEV. */
int vm16_speaker(struct vm *vm, bool *on, uint32_t *hz);

/* Lifecycle notifications passed to every VDD: the VM's window gained or
 * lost the foreground; the running DOS program (PSP segment) changed. */
void vm16_set_focus(struct vm *vm, bool foreground);
void vm16_psp_changed(struct vm *vm, uint16_t psp);

/* Talk to a VDD of this VM from another program: open a channel to the VDD
 * called `vdd` (its open hook may refuse), send requests on it (its
 * request hook: `op` is the VDD's own code; *out_len is the room in out,
 * then the bytes written), close it. vm16_vdd_open returns a channel
 * number >= 0 or -ENOENT (no such VDD), -ENOSYS (it takes no requests),
 * -EMFILE; the others return what the hook returns, or -EBADF. Channels
 * still open when the VM ends are closed then. */
int vm16_vdd_open(struct vm *vm, const char *vdd);
int vm16_vdd_request(struct vm *vm, int chan, uint32_t op, const void *in, size_t in_len, void *out,
		     size_t *out_len);
int vm16_vdd_close(struct vm *vm, int chan);

/* Simulate a hardware or software interrupt into the guest and run the
 * guest's handler to its IRET before returning (nested execution, as
 * VDDSimulateInterrupt / Simulate_Int): the registers are those the
 * handler left, except CS:IP and FLAGS, which are restored. Runs at most
 * max_insns instructions. Returns 0, -ETIMEDOUT (the handler did not
 * return; the VM is left where it was), or -EIO if the VM ended. */
int vm16_simulate_int(struct vm *vm, uint8_t vector, uint64_t max_insns);
/* The same for a far call into the guest (returning with RETF). */
int vm16_call_far(struct vm *vm, uint16_t seg, uint16_t off, uint64_t max_insns);

/* While idle: virtual ns until the next device event (UINT64_MAX: none,
 * only host input can wake the guest). Input the host has just given
 * (vm16_key, vm16_type) may already wait as an interrupt: run the VM
 * then rather than sleep. */
uint64_t vm16_idle_ns(const struct vm *vm);
/* Let ns of virtual time pass (an idle VM's devices run their events). */
void vm16_pass_time(struct vm *vm, uint64_t ns);

/* Virtual time of the VM in nanoseconds. */
uint64_t vm16_clock_ns(const struct vm *vm);

/* Guest instructions retired since the VM was created (counted when
 * vm16_run() returns; a supervisor call's HLT counts as one). */
uint64_t vm16_insns(const struct vm *vm);
/* Units of guest work since the VM was created: instructions plus the
 * further iterations of repeated string instructions (see vm16_run). */
uint64_t vm16_work(const struct vm *vm);

/* Figures of the VM's decoded-code cache (docs/cpu-speed.md), since the
 * cache was made (zero while the CPU runs without it). */
struct vm16_code_stats {
	uint64_t hits;          /* a cached block was run */
	uint64_t misses;        /* a block was decoded and recorded */
	uint64_t rechecks;      /* a block checked again after the mappings changed */
	uint64_t invalidations; /* blocks dropped because their bytes were written */
	uint64_t code_writes;   /* writes that touched decoded bytes */
	uint64_t data_writes;   /* writes to a page holding code that touched none */
	uint64_t smc_stops;     /* running or recording blocks ended by such a write */
	uint64_t evictions;     /* blocks evicted when the cache was full */
	uint64_t flushes;       /* times the whole cache was emptied */
	uint64_t blocks;        /* blocks cached now */
	uint64_t bytes;         /* cache memory in use now */
	uint64_t pages;         /* 4 KiB pages of guest memory holding cached code now */
	uint64_t jit_blocks;    /* blocks compiled to host code (the JIT setting) */
	uint64_t jit_bytes;     /* host code written for them */
	uint64_t jit_flushes;   /* times the VM's host code was all dropped (area full) */
	uint64_t jit_shared;    /* blocks this VM took from the store already compiled */
	uint64_t fast_links;    /* compiled blocks entered from compiled ones by a link
				 * remembered in the block left or in the CPU's table of
				 * links (counted in hits too) */
	uint64_t parked;        /* blocks kept aside when a program load overwrote all
				 * of their page's code (counted in invalidations) */
	uint64_t revived;       /* parked blocks taken back when their bytes were in
				 * memory again (neither decoded nor from the store) */
	uint64_t jit_slow;      /* compiled code's inline accesses that took the slow
				 * path (TLB misses, failed limit checks) */
	uint64_t jit_fallbacks; /* compiled code's inline instructions that called their
				 * handler instead (a divisor of 0, DF set for a string
				 * instruction, an access off the inline path, ...) */
	uint64_t singles;       /* instructions decoded and run uncached (they cross a
				 * page): counted in misses too */
	/* The store of decoded code that outlives programs (setting
	 * CODE_SHARING; shared by the VMs of a vm16_host, else the VM's own): */
	uint64_t store_hits;    /* blocks this VM took from it instead of decoding them */
	uint64_t store_adds;    /* blocks this VM decoded and gave to it */
	uint64_t store_blocks;  /* blocks it holds now (for all its VMs) */
	uint64_t store_bytes;   /* memory they take now */
};
void vm16_code_stats(const struct vm *vm, struct vm16_code_stats *s);

/* Host service for INT vector when the capture table serves it in the host.
 * The handler sees the registers at the INT instruction and may change them;
 * returning nonzero ends the VM with that message. */
typedef int (*vm16_int_fn)(struct vm *vm, void *ctx, uint8_t vector);
int vm16_set_int_handler(struct vm *vm, uint8_t vector, vm16_int_fn fn, void *ctx)
	__attribute__((warn_unused_result));

/* Host handler of an IRQ that the redirection map handles in the host.
 * Called when the guest would have taken the interrupt (IF set, not masked
 * at the PIC); mvdm sends the EOI afterwards. */
typedef void (*vm16_irq_fn)(struct vm *vm, void *ctx, unsigned irq);
int vm16_set_irq_handler(struct vm *vm, unsigned irq, vm16_irq_fn fn, void *ctx)
	__attribute__((warn_unused_result));

/* Capture chains (Hook_V86_Int_Chain): host hooks on a vector run newest
 * first when the guest executes INT n, before the interrupt is reflected or
 * served; a hook returns true when it consumed the interrupt. */
typedef bool (*vm16_hook_fn)(struct vm *vm, void *ctx, uint8_t vector);
int vm16_hook_int(struct vm *vm, uint8_t vector, vm16_hook_fn fn, void *ctx)
	__attribute__((warn_unused_result));
int vm16_unhook_int(struct vm *vm, uint8_t vector, vm16_hook_fn fn, void *ctx);

/* Supervisor calls: guest stubs `HLT; db n, ~n` (F4 n ~n) call host service
 * n. The handler runs with the guest registers; IP is past the 3 bytes.
 * Returning nonzero ends the VM with that message. Numbers 0-31 belong to
 * mvdm (SVC 2 terminates the VM with the return code in AL; others serve
 * the BIOS and DOS); the host may set 32-255. */
typedef int (*vm16_svc_fn)(struct vm *vm, void *ctx, uint8_t n);
int vm16_set_svc(struct vm *vm, uint8_t n, vm16_svc_fn fn, void *ctx) __attribute__((warn_unused_result));
enum { VM16_SVC_EXIT = 2 };

#endif
