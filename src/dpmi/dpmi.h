/*
 * dpmi.h - the DPMI 0.9 host in the monitor (VDD "dpmi"): shared state of
 * its files. docs/dpmi.md is the design; the comments cite the DPMI 0.9
 * specification (DPMI Committee, 1990) and RBIL INT 31h.
 *
 * host.c      the VDD, INT 2Fh/1686h-1687h, the host area, clients start and end
 * switch.c    mode switches: entering a client's protected-mode context,
 *             real-mode calls and reflections and their return
 * ldt.c       LDT descriptors (0000h-000Dh), selector checks
 * int31.c     the INT 31h dispatcher and the small functions
 * interrupts.c  interrupt and exception entry, vectors 0200h-0205h, reflection
 * rmcall.c    real-mode calls and callbacks (0300h-0306h)
 * irq.c       IRQs taken in real mode for the clients' protected-mode handlers
 * memory.c    DOS memory (0100h-0102h), memory blocks (0500h-0503h), 0600h, 0800h
 * paging.c    the page tables: linear addresses of blocks and mappings
 */
#ifndef MVDM_DPMI_H
#define MVDM_DPMI_H

#include <stdbool.h>
#include <stdint.h>

#include "mvdm/vdd.h"

/* The host area: guest physical memory from the extended memory
 * allocator (so XMS, INT 15h and DPMI blocks never overlap it), mapped at
 * its own linear address (paging.c). Offsets in it: */
enum {
	DPMI_GDT = 0x0000,        /* 16 descriptors */
	DPMI_TSS = 0x0100,        /* 386 TSS, 68h bytes, no I/O bitmap */
	DPMI_STACK0 = 0x1000,     /* top of the ring-0 stack (0800h-0FFFh) */
	DPMI_IDT = 0x1000,        /* 256 interrupt gates */
	DPMI_STUB0 = 0x1800,      /* ring-0 entry stubs: vector v at +4v: F4 n ~n 90 */
	DPMI_IRETD = 0x1C00,      /* IRETD: how the host returns to a client */
	DPMI_STUB3 = 0x2000,      /* ring-3 stubs (HLT: #GP into the host) */
	DPMI_LPMS = 0x4000,       /* locked protected-mode stacks, 4 KiB per client */
	DPMI_LDT = 0x10000,       /* 8192 descriptors */
	DPMI_AREA_SIZE = 0x20000,
	DPMI_LDT_ENTRIES = 8192,
	DPMI_LDT_RESERVED = 16,   /* entries 0-15: only 000Dh gives them out */
	DPMI_OWNER_HOST_FOR = 0xF0, /* ldt_owner of the host's selectors for client slot k: F0h + k */
	DPMI_MAX_CLIENTS = 8,
	DPMI_MAX_FRAMES = 32,
	DPMI_CALLBACKS = 16,
	DPMI_PRIV_PARAS = 0x200,  /* the client's private data: our real-mode stack, 8 KiB */
	DPMI_RM_LEVEL = 0x400,    /* real-mode stack bytes per nested switch */
	DPMI_LIN_BASE = 0x10000000, /* linear addresses of memory blocks start here */
	DPMI_LIN_GUARD = 16,      /* unmapped pages after each block */
};

/* Ring-3 stubs, offsets in the host's ring-3 code segment (DPMI_SEL_CODE3). */
enum {
	DPMI_R3_DEFAULT = 0x000,  /* default interrupt handler of vector v at +4v */
	DPMI_R3_RAW = 0x400,      /* raw switch protected -> real (0306h) */
	DPMI_R3_SAVE16 = 0x404,   /* state save/restore (0305h): RETF */
	DPMI_R3_SAVE32 = 0x406,   /* ... 66 CB: RETFD */
	DPMI_R3_EXCRET = 0x408,   /* an exception handler returns (RETF) here */
	DPMI_R3_CBRET = 0x40C,    /* a callback procedure returns (IRET) here */
	DPMI_R3_IRQRET = 0x410,   /* a handler of an IRQ taken in real mode returns (IRET) here */
	DPMI_R3_EXCDEF = 0x480,   /* default exception handler of exception v at +4v */
	DPMI_R3_END = 0x500,
};

/* Real-mode stubs (the VDD guest code page): offsets in its segment. */
enum {
	DPMI_RM_ENTRY = 0x00,     /* the mode switch entry (1687h ES:DI) */
	DPMI_RM_RETURN = 0x04,    /* a reflected interrupt or real-mode call returns */
	DPMI_RM_RAW = 0x08,       /* raw switch real -> protected (0306h) */
	DPMI_RM_SAVE = 0x0C,      /* state save/restore: RETF */
	DPMI_RM_CALLBACK = 0x10,  /* callback k at +4k */
	DPMI_RM_IRQ = 0x10 + 4 * DPMI_CALLBACKS, /* IRQ k's real-mode vector while a client hooks it */
	DPMI_RM_SIZE = DPMI_RM_IRQ + 4 * 16,
};

/* GDT selectors. */
enum {
	DPMI_SEL_CODE0 = 0x08,    /* host code, ring 0, 32-bit, base = area */
	DPMI_SEL_DATA0 = 0x10,    /* host stack, ring 0, base = area */
	DPMI_SEL_TSS = 0x18,
	DPMI_SEL_LDT = 0x20,
	DPMI_SEL_CODE3 = 0x2B,    /* host stubs at ring 3, 16-bit, base = area + DPMI_STUB3 */
	DPMI_GDT_LIMIT = 0x2F,
};

/* DPMI error codes (DPMI 1.0 specification, "Error Codes and Messages";
 * returned in AX with CF set; a 0.9 client looks only at CF). */
enum {
	DPMI_ERR_UNSUPPORTED = 0x8001,
	DPMI_ERR_RESOURCE = 0x8010,
	DPMI_ERR_DESCRIPTOR = 0x8011,
	DPMI_ERR_LINEAR = 0x8012,
	DPMI_ERR_PHYSICAL = 0x8013,
	DPMI_ERR_CALLBACK = 0x8015,
	DPMI_ERR_HANDLE = 0x8016,
	DPMI_ERR_VALUE = 0x8021,
	DPMI_ERR_SELECTOR = 0x8022,
	DPMI_ERR_BAD_HANDLE = 0x8023,
	DPMI_ERR_BAD_CALLBACK = 0x8024,
	DPMI_ERR_BAD_LINEAR = 0x8025,
};

struct dpmi_far {
	uint16_t sel;
	uint32_t off;
};

/* A memory block (0501h): linear pages [lin, lin + 4096 * pages), page
 * k backed by physical page phys[k] (paging.c). */
struct dpmi_block {
	uint32_t handle, lin, pages, cap;
	uint32_t *phys;
};

struct dpmi_client {
	bool is32;
	uint16_t psp, parent_psp, env_seg; /* real-mode PSP, its parent, PSP:2Ch at entry */
	uint16_t psp_sel, env_sel;
	uint16_t priv_seg;                 /* private data: the host's real-mode stack */
	uint16_t rm_sp;                    /* free top of that stack */
	uint16_t lpms_sel, scratch_sel;    /* locked PM stack; DS of callbacks */
	unsigned slot;                     /* index in host.clients (its LPMS) */
	struct dpmi_far pm_int[256];       /* 0205h; sel 0 = the host's default */
	struct dpmi_far exc[32];           /* 0203h; sel 0 = the host's default */
	struct dpmi_block *blocks;
	unsigned nblocks, capblocks;
	struct { uint16_t seg, sel; } seg_sel[32]; /* 0002h */
	unsigned nseg_sel;
};

/* What a frame on the host's stack waits for when real mode returns to
 * DPMI_RM_RETURN, or what a protected-mode callback returns from. */
enum dpmi_frame_kind {
	DPMI_FRAME_REFLECT,   /* a reflected interrupt: regs back, then resume */
	DPMI_FRAME_CHAIN,     /* the same, reached through the default handler: IRET the client's frame */
	DPMI_FRAME_RMCALL,    /* 0300h-0302h: the call structure back */
	DPMI_FRAME_DOSMEM,    /* 0100h-0102h: the DOS call's result */
	DPMI_FRAME_CALLBACK,  /* a real-mode callback runs its protected-mode procedure */
	DPMI_FRAME_RMIRQ,     /* an IRQ taken in real mode runs a client's handler */
};

struct dpmi_frame {
	enum dpmi_frame_kind kind;
	unsigned client;
	struct vm16_regs pm;    /* the client's context to resume */
	uint16_t rm_sp;         /* the client's rm_sp before this switch */
	uint32_t arg;           /* RMCALL: linear address of the structure; DOSMEM: function
				 * (and selector); CALLBACK: the callback */
	uint32_t arg2;
};

struct dpmi_callback {
	bool used;
	unsigned client;
	struct dpmi_far proc, regs;
};

struct dpmi_host {
	struct vm *vm;
	bool enabled;            /* DPMI_MEMORY_LIMIT > 0 on a 386 or later */
	uint32_t limit_pages;    /* DPMI_MEMORY_LIMIT in 4 KiB pages */
	uint32_t used_pages;     /* given to clients by 0501h/0503h */
	uint8_t svc;             /* our supervisor call */
	uint16_t rm_seg;         /* the real-mode stubs' segment */
	uint32_t area;           /* physical = linear base of the host area, 0 until the first client */
	uint16_t cur_psp;        /* the running DOS program (psp_change) */
	uint32_t next_handle;
	struct dpmi_client *clients[DPMI_MAX_CLIENTS]; /* the nesting order: the last is current */
	unsigned nclients;
	/* Made with the host area (an idle VM pays for neither). */
	uint8_t *ldt_owner;      /* DPMI_LDT_ENTRIES: 0 free, 0xFF the host's, F0h + slot the host's
				  * for that client, else the client's slot + 1 */
	struct dpmi_frame *frames; /* DPMI_MAX_FRAMES */
	unsigned nframes;
	struct dpmi_callback cb[DPMI_CALLBACKS];
	/* IRQ k's real-mode vector (irq.c): while bit k of irq_hooked is set
	 * the IVT points at the host's stub and this is the vector before it. */
	uint32_t irq_saved[16];
	uint16_t irq_hooked;
	/* Paging (paging.c): the directory, each entry's table (physical), the
	 * next free linear address, and whether entries changed since the
	 * client's TLB was last flushed. */
	uint32_t pd;
	uint32_t *pt;
	bool tlb_stale;
	struct { uint32_t lin, pages; } maps[16]; /* 0800h mappings below device memory (pages 0: free) */
};

/* A client's state as the host sees it (its registers, CS:EIP, EFLAGS and
 * SS:ESP as the ring-0 frame holds them); AX etc. via these helpers. */
static inline void dpmi_set16(uint32_t *reg, uint16_t v)
{
	*reg = (*reg & 0xFFFF0000u) | v;
}

/* host.c */
struct dpmi_client *dpmi_current(struct dpmi_host *h);
void dpmi_client_end(struct dpmi_host *h, struct dpmi_client *c);
void dpmi_put_text(struct dpmi_host *h, const char *text);

/* switch.c */
void dpmi_tables(const struct dpmi_host *h, struct vdd_pm_tables *t);
/* Continue the client in context r: loaded directly when the IRETD from
 * the host's ring 0 would succeed, else through that IRETD (switch.c).
 * Returns 0 or ends the VM (-1) when the host's own context fails. */
int dpmi_resume(struct dpmi_host *h, const struct vm16_regs *r);
/* Switch to real mode with r, saving `pm` in a new frame of `kind` whose
 * real-mode stack comes from the client's private area (unless r->ss/sp
 * are given: use_stack). Pushes the return stub as an IRET frame (iret)
 * or a far return address. Returns the frame or NULL (too deep: the VM ends). */
struct dpmi_frame *dpmi_to_real(struct dpmi_host *h, struct dpmi_client *c, enum dpmi_frame_kind kind,
				const struct vm16_regs *pm, struct vm16_regs *rm, bool own_stack, bool iret,
				uint16_t copy_words);
/* SVC from real mode at DPMI_RM_RETURN; rm: the CPU's registers. */
int dpmi_rm_return(struct dpmi_host *h, const struct vm16_regs *rm);
/* Linear address of sel:off for the client, and a stack access. */
uint32_t dpmi_lin(struct dpmi_host *h, uint16_t sel, uint32_t off);
void dpmi_push(struct dpmi_host *h, struct vm16_regs *r, bool is32, uint32_t v);
uint32_t dpmi_pop(struct dpmi_host *h, struct vm16_regs *r, bool is32);
/* Pop an IRET frame of the client's width from r's stack into r's CS:EIP, EFLAGS. */
void dpmi_iret(struct dpmi_host *h, const struct dpmi_client *c, struct vm16_regs *r);
/* len bytes of client memory at linear address lin, read or written
 * through the host's page tables (not present: reads 0, writes nothing). */
void dpmi_copy_lin(struct dpmi_host *h, uint32_t lin, void *buf, uint32_t len, bool write);
/* n (at most 8) dwords at offset off of the host area, by its physical
 * address (the ring-0 stack's frames). */
void dpmi_area_rd32s(struct dpmi_host *h, uint32_t off, uint32_t *v, unsigned n);
void dpmi_area_wr32s(struct dpmi_host *h, uint32_t off, const uint32_t *v, unsigned n);
uint32_t dpmi_rd32(struct dpmi_host *h, uint32_t lin);
uint16_t dpmi_rd16(struct dpmi_host *h, uint32_t lin);
void dpmi_wr32(struct dpmi_host *h, uint32_t lin, uint32_t v);
void dpmi_wr16(struct dpmi_host *h, uint32_t lin, uint16_t v);

/* ldt.c */
bool dpmi_desc_read(struct dpmi_host *h, uint16_t sel, uint32_t *lo, uint32_t *hi);
/* Set the accessed bit of LDT selector sel whose descriptor's high dword is hi. */
void dpmi_desc_set_accessed(struct dpmi_host *h, uint16_t sel, uint32_t hi);
uint32_t dpmi_desc_base(uint32_t lo, uint32_t hi);
uint32_t dpmi_desc_limit(uint32_t lo, uint32_t hi);
/* Allocate n consecutive LDT descriptors for client c (data, base and
 * limit 0, present, DPL 3): the first selector or 0. */
uint16_t dpmi_ldt_alloc(struct dpmi_host *h, struct dpmi_client *c, unsigned n);
/* Make sel a segment: base, limit (bytes - 1), code or data, 32-bit. */
void dpmi_ldt_set(struct dpmi_host *h, uint16_t sel, uint32_t base, uint32_t limit, bool code, bool big);
/* A selector client c owns (an allocated LDT entry of its own): true. */
bool dpmi_sel_owned(struct dpmi_host *h, struct dpmi_client *c, uint16_t sel);
void dpmi_ldt_free(struct dpmi_host *h, uint16_t sel);
void dpmi_ldt_functions(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r);

/* int31.c: CF clear / set with AX = code. */
void dpmi_ok(struct vm16_regs *r);
void dpmi_fail(struct vm16_regs *r, uint16_t code);
/* INT 31h: returns what dpmi_resume returns, or 0 when it switched modes itself. */
int dpmi_int31(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r);

/* interrupts.c */
int dpmi_pm_entry(struct dpmi_host *h);
void dpmi_vector_functions(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r);
/* Reflect INT vector to real mode (the default handler); chain: the client
 * reached the default handler with an IRET frame on its stack. */
int dpmi_reflect(struct dpmi_host *h, struct dpmi_client *c, const struct vm16_regs *r, uint8_t vector, bool chain);

/* irq.c: the IRQ (0-15) of a vector, or -1; the real-mode vector v's
 * interrupts go to (past the host's stub); after 0205h or a client's end,
 * hook or unhook the IVT; 0201h for a hooked vector; the stub's entry and
 * the handler's return. */
int dpmi_irq_of(uint8_t v);
uint32_t dpmi_rm_vector(struct dpmi_host *h, uint8_t v);
void dpmi_irq_update(struct dpmi_host *h);
bool dpmi_irq_set_rm(struct dpmi_host *h, uint8_t v, uint32_t vec);
int dpmi_irq_enter(struct dpmi_host *h, unsigned irq);
int dpmi_irq_return(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r);

/* rmcall.c */
int dpmi_rmcall(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r);
int dpmi_callback_functions(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r);
int dpmi_callback_enter(struct dpmi_host *h, unsigned k);
int dpmi_callback_return(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r);
int dpmi_raw_to_pm(struct dpmi_host *h, const struct vm16_regs *rm);
int dpmi_raw_to_rm(struct dpmi_host *h, struct dpmi_client *c, const struct vm16_regs *r);
void dpmi_rmcall_done(struct dpmi_host *h, struct dpmi_frame *f, const struct vm16_regs *rm, struct vm16_regs *pm);
uint32_t dpmi_lpms_top(struct dpmi_host *h, struct dpmi_client *c, const struct vm16_regs *cur);

/* paging.c */
int dpmi_paging_init(struct dpmi_host *h);
int dpmi_map(struct dpmi_host *h, uint32_t lin, uint32_t phys, uint32_t pages, unsigned flags);
void dpmi_unmap(struct dpmi_host *h, uint32_t lin, uint32_t pages);
bool dpmi_lin_phys(struct dpmi_host *h, uint32_t lin, uint32_t *phys);
/* Free linear pages for `pages` (plus the guard), the lowest that fit, or
 * 0; dpmi_lin_free: whether [lin, lin + pages + guard) is free but for
 * block `self` (a block that grows in place). */
uint32_t dpmi_lin_alloc(struct dpmi_host *h, uint32_t pages);
bool dpmi_lin_free(struct dpmi_host *h, uint32_t lin, uint32_t pages, const struct dpmi_block *self);
int dpmi_block_back(struct dpmi_host *h, struct dpmi_block *b, uint32_t from, uint32_t to);
void dpmi_block_unback(struct dpmi_host *h, struct dpmi_block *b, uint32_t from, uint32_t to);

/* memory.c */
int dpmi_dosmem(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r);
void dpmi_dosmem_done(struct dpmi_host *h, struct dpmi_frame *f, const struct vm16_regs *rm, struct vm16_regs *pm);
void dpmi_memory_functions(struct dpmi_host *h, struct dpmi_client *c, struct vm16_regs *r);
void dpmi_free_blocks(struct dpmi_host *h, struct dpmi_client *c);

#endif
