/*
 * host.c - the DPMI 0.9 host as a VDD ("dpmi"): INT 2Fh AX=1687h (the
 * host's presence and its mode switch entry), AX=1686h from protected
 * mode, the host area (GDT, IDT, TSS, stubs, LDT, locked stacks) built in
 * guest memory from the extended memory allocator when the first client
 * starts, and the clients' lifecycle: the switch into protected mode at
 * the entry point, the end of a client (INT 21h/4Ch from protected mode,
 * or its PSP ending), nested clients (a client EXECs another).
 * Setting: DPMI_MEMORY_LIMIT (0: no host; programs bring their own).
 * Sources: DPMI 0.9 specification, "Mode Detection" and "Entering
 * Protected Mode" (INT 2Fh/1687h, the initial selectors); RBIL INT
 * 2F/1687h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpmi/dpmi.h"

static const char owner[] = "dpmi";

struct dpmi_client *dpmi_current(struct dpmi_host *h)
{
	return h->nclients ? h->clients[h->nclients - 1] : NULL;
}

void dpmi_put_text(struct dpmi_host *h, const char *text)
{
	vdd_log(h->vm, owner, "%s", text);
	vdd_console_out(h->vm, (const uint8_t *)text, strlen(text));
}

/* ---- the host area ---- */

static void put_desc(uint8_t *p, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	p[0] = (uint8_t)limit;
	p[1] = (uint8_t)(limit >> 8);
	p[2] = (uint8_t)base;
	p[3] = (uint8_t)(base >> 8);
	p[4] = (uint8_t)(base >> 16);
	p[5] = access;
	p[6] = (uint8_t)(((limit >> 16) & 0x0F) | (flags << 4));
	p[7] = (uint8_t)(base >> 24);
}

/* Build the GDT, TSS, IDT and the stubs (docs/dpmi.md, "The host area"). */
static int build_area(struct dpmi_host *h)
{
	uint32_t phys;
	if (vdd_xmem_alloc(h->vm, DPMI_AREA_SIZE / 4096, &phys) < 0)
		return -ENOMEM;
	uint8_t *img = calloc(1, DPMI_LDT);
	h->ldt_owner = calloc(DPMI_LDT_ENTRIES, 1);
	h->frames = calloc(DPMI_MAX_FRAMES, sizeof(*h->frames));
	if (!img || !h->ldt_owner || !h->frames) {
		free(img);
		free(h->ldt_owner);
		free(h->frames);
		h->ldt_owner = NULL;
		h->frames = NULL;
		(void)vdd_xmem_free(h->vm, phys, DPMI_AREA_SIZE / 4096);
		return -ENOMEM;
	}
	h->area = phys;
	put_desc(img + DPMI_SEL_CODE0, phys, 0xFFFF, 0x9A, 0x4);
	put_desc(img + DPMI_SEL_DATA0, phys, 0xFFFF, 0x92, 0x4);
	put_desc(img + DPMI_SEL_TSS, phys + DPMI_TSS, 0x67, 0x89, 0);
	put_desc(img + DPMI_SEL_LDT, phys + DPMI_LDT, DPMI_LDT_ENTRIES * 8 - 1, 0x82, 0);
	put_desc(img + (DPMI_SEL_CODE3 & ~7), phys + DPMI_STUB3, 0xFFF, 0xFA, 0);
	/* TSS: ESP0, SS0; the I/O map base past the limit (no bitmap). */
	uint8_t *tss = img + DPMI_TSS;
	tss[4] = (uint8_t)DPMI_STACK0;
	tss[5] = (uint8_t)(DPMI_STACK0 >> 8);
	tss[8] = DPMI_SEL_DATA0;
	tss[0x66] = 0x68;
	/* IDT: a 386 interrupt gate, DPL 3, per vector (IF cleared in the host). */
	for (unsigned v = 0; v < 256; v++) {
		uint8_t *g = img + DPMI_IDT + 8 * v;
		uint32_t off = DPMI_STUB0 + 4 * v;
		g[0] = (uint8_t)off;
		g[1] = (uint8_t)(off >> 8);
		g[2] = DPMI_SEL_CODE0;
		g[5] = 0xEE;
		uint8_t *s = img + DPMI_STUB0 + 4 * v;
		s[0] = 0xF4;
		s[1] = h->svc;
		s[2] = (uint8_t)~h->svc;
		s[3] = 0x90;
	}
	img[DPMI_IRETD] = 0xCF;
	/* Ring-3 stubs: `HLT; db n, ~n`. At CPL 3 the HLT is #GP(0), which
	 * the monitor turns into our supervisor call (the stubs lie in the
	 * registered region: vdd.h); were it delivered, the host would see
	 * the faulting address on its ring-0 stack. The save/restore entry is
	 * a plain return. */
	for (unsigned off = 0; off < DPMI_R3_END; off += 4) {
		img[DPMI_STUB3 + off] = 0xF4;
		img[DPMI_STUB3 + off + 1] = h->svc;
		img[DPMI_STUB3 + off + 2] = (uint8_t)~h->svc;
	}
	img[DPMI_STUB3 + DPMI_R3_SAVE16] = 0xCB;
	img[DPMI_STUB3 + DPMI_R3_SAVE32] = 0x66;
	img[DPMI_STUB3 + DPMI_R3_SAVE32 + 1] = 0xCB;
	int rc = vdd_phys_write(h->vm, phys, img, DPMI_LDT);
	free(img);
	/* Supervisor calls: the ring-0 stubs through the ring-3 ones. */
	if (rc == 0)
		rc = vdd_set_pm_svc_region(h->vm, phys + DPMI_STUB0, DPMI_STUB3 + DPMI_R3_END - DPMI_STUB0);
	if (rc == 0 && dpmi_paging_init(h) < 0)
		rc = -ENOMEM;
	/* The LDT starts empty (the allocator's pages read as zero). */
	h->ldt_owner[0] = 0xFF;
	return rc;
}

/* ---- clients ---- */

/* Return from the entry point to the caller (real mode) with CF set. */
static int entry_fail(struct dpmi_host *h, struct vm16_regs *r, const char *why)
{
	vdd_log(h->vm, owner, "mode switch refused: %s", why);
	uint32_t ss = (uint32_t)r->ss << 4;
	uint16_t sp = (uint16_t)r->esp;
	uint16_t ip = dpmi_rd16(h, ss + sp), cs = dpmi_rd16(h, ss + (uint16_t)(sp + 2));
	r->esp = (r->esp & 0xFFFF0000u) | (uint16_t)(sp + 4);
	r->eip = ip;
	r->cs = cs;
	r->eflags |= 1;
	dpmi_set16(&r->eax, DPMI_ERR_RESOURCE);
	vm16_set_regs(h->vm, r);
	return 0;
}

/* The size of the DOS block at seg (its MCB), in bytes, at most 64 KiB. */
static uint32_t dos_block_bytes(struct dpmi_host *h, uint16_t seg)
{
	uint32_t mcb = ((uint32_t)seg - 1) << 4;
	uint32_t paras = dpmi_rd16(h, mcb + 3);
	return paras && paras < 0x1000 ? paras * 16 : 0x10000;
}

/* The mode switch entry, called far from real mode with AX bit 0 = a
 * 32-bit client and ES = its private data (DPMI 0.9, "Entering Protected
 * Mode"). Returns in protected mode with CS, DS, SS selectors for the
 * real-mode segments (64 KiB), ES the PSP's selector (256 bytes), the
 * environment's selector in the PSP at 2Ch, CF clear. */
static int client_start(struct dpmi_host *h, struct vm16_regs *r)
{
	if (h->nclients >= DPMI_MAX_CLIENTS)
		return entry_fail(h, r, "too many nested clients");
	if (!h->cur_psp)
		return entry_fail(h, r, "no DOS program is running");
	if (r->es < 0x50 || r->es > 0xF000 - DPMI_PRIV_PARAS)
		return entry_fail(h, r, "ES is not the private data 1687h asked for");
	if (!h->area && build_area(h) < 0)
		return entry_fail(h, r, "no memory for the host's tables");
	struct dpmi_client *c = calloc(1, sizeof(*c));
	if (!c)
		return entry_fail(h, r, "out of host memory");
	c->slot = h->nclients;
	c->is32 = r->eax & 1;
	c->psp = h->cur_psp;
	uint32_t psp = (uint32_t)c->psp << 4;
	c->parent_psp = dpmi_rd16(h, psp + 0x16);
	c->env_seg = dpmi_rd16(h, psp + 0x2C);
	c->priv_seg = r->es;
	c->rm_sp = DPMI_PRIV_PARAS * 16 - 2;
	h->clients[h->nclients++] = c;
	uint32_t ss = (uint32_t)r->ss << 4;
	uint16_t sp = (uint16_t)r->esp;
	uint16_t ret_ip = dpmi_rd16(h, ss + sp), ret_cs = dpmi_rd16(h, ss + (uint16_t)(sp + 2));
	uint16_t cs = dpmi_ldt_alloc(h, c, 1), ds = dpmi_ldt_alloc(h, c, 1), ssel = dpmi_ldt_alloc(h, c, 1);
	c->psp_sel = dpmi_ldt_alloc(h, c, 1);
	c->env_sel = c->env_seg ? dpmi_ldt_alloc(h, c, 1) : 0;
	c->lpms_sel = dpmi_ldt_alloc(h, c, 1);
	c->scratch_sel = dpmi_ldt_alloc(h, c, 1);
	if (!cs || !ds || !ssel || !c->psp_sel || (c->env_seg && !c->env_sel) || !c->lpms_sel || !c->scratch_sel) {
		dpmi_client_end(h, c);
		return entry_fail(h, r, "no free descriptors");
	}
	dpmi_ldt_set(h, cs, (uint32_t)ret_cs << 4, 0xFFFF, true, false);
	dpmi_ldt_set(h, ds, (uint32_t)r->ds << 4, 0xFFFF, false, false);
	dpmi_ldt_set(h, ssel, ss, 0xFFFF, false, false);
	dpmi_ldt_set(h, c->psp_sel, psp, 0xFF, false, false);
	if (c->env_sel) {
		dpmi_ldt_set(h, c->env_sel, (uint32_t)c->env_seg << 4, dos_block_bytes(h, c->env_seg) - 1, false, false);
		dpmi_wr16(h, psp + 0x2C, c->env_sel);
	}
	dpmi_ldt_set(h, c->lpms_sel, h->area + DPMI_LPMS + 0x1000 * c->slot, 0xFFF, false, c->is32);
	dpmi_ldt_set(h, c->scratch_sel, 0, 0xFFFF, false, false);
	/* The locked stack's and the callbacks' selectors are the host's for
	 * this client: the client can neither free nor change them (8022h). */
	h->ldt_owner[c->lpms_sel >> 3] = (uint8_t)(DPMI_OWNER_HOST_FOR + c->slot);
	h->ldt_owner[c->scratch_sel >> 3] = (uint8_t)(DPMI_OWNER_HOST_FOR + c->slot);
	/* The coprocessor as the CPU has it: MP with an x87, EM without. */
	struct vdd_machine m;
	vdd_machine(h->vm, &m);
	uint32_t cr0 = vdd_get_cr(h->vm, 0) & ~(uint32_t)(2 | 4 | 8);
	(void)vdd_set_cr(h->vm, 0, cr0 | (m.fpu ? 2u : 4u));
	struct vm16_regs p = *r;
	p.cs = cs;
	p.eip = ret_ip;
	p.ss = ssel;
	p.esp = (uint16_t)(sp + 4);
	p.ds = ds;
	p.es = c->psp_sel;
	p.fs = p.gs = 0;
	p.eflags = (r->eflags & ~(uint32_t)1) | 0x3000;
	vdd_log(h->vm, owner, "%u-bit client %u starts (PSP %04X)", c->is32 ? 32 : 16, c->slot, c->psp);
	return dpmi_resume(h, &p);
}

/* Everything client c had goes: its descriptors, memory blocks,
 * callbacks, the frames it left on the host's stack; the PSP's
 * environment segment comes back (DPMI 0.9: the host frees a client's
 * resources when it terminates). Clients nested inside it end first. */
void dpmi_client_end(struct dpmi_host *h, struct dpmi_client *c)
{
	while (h->nclients > c->slot + 1)
		dpmi_client_end(h, h->clients[h->nclients - 1]);
	vdd_log(h->vm, owner, "client %u ends", c->slot);
	dpmi_free_blocks(h, c);
	for (unsigned k = 0; k < DPMI_LDT_ENTRIES; k++)
		if (h->ldt_owner[k] == c->slot + 1 || h->ldt_owner[k] == DPMI_OWNER_HOST_FOR + c->slot)
			dpmi_ldt_free(h, (uint16_t)(k << 3 | 7));
	for (unsigned k = 0; k < DPMI_CALLBACKS; k++)
		if (h->cb[k].used && h->cb[k].client == c->slot)
			h->cb[k].used = false;
	while (h->nframes && h->frames[h->nframes - 1].client >= c->slot)
		h->nframes--;
	if (c->env_seg)
		dpmi_wr16(h, ((uint32_t)c->psp << 4) + 0x2C, c->env_seg);
	h->nclients = c->slot;
	h->clients[c->slot] = NULL;
	free(c->blocks);
	free(c);
	dpmi_irq_update(h);
}

/* ---- entry points ---- */

static int dpmi_svc(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dpmi_host *h = ctx;
	if (vdd_protected_mode(vm))
		return dpmi_pm_entry(h);
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	if (r.cs != h->rm_seg)
		return 1;
	unsigned off = (r.eip - 3) & 0xFFFF;
	if (off == DPMI_RM_ENTRY)
		return client_start(h, &r);
	if (off >= DPMI_RM_IRQ && off < DPMI_RM_SIZE)
		return dpmi_irq_enter(h, (off - DPMI_RM_IRQ) / 4);
	if (!dpmi_current(h)) {
		vdd_log(vm, owner, "real-mode host entry %04Xh with no client", off);
		return 1;
	}
	if (off == DPMI_RM_RETURN)
		return dpmi_rm_return(h, &r);
	if (off == DPMI_RM_RAW)
		return dpmi_raw_to_pm(h, &r);
	if (off >= DPMI_RM_CALLBACK && off < DPMI_RM_IRQ)
		return dpmi_callback_enter(h, (off - DPMI_RM_CALLBACK) / 4);
	if (off >= DPMI_RM_IRQ && off < DPMI_RM_SIZE)
		return dpmi_irq_enter(h, (off - DPMI_RM_IRQ) / 4);
	return 1;
}

/* INT 2Fh AH=16h: 1687h (is a DPMI host there?) from real mode. */
static bool dpmi_mux(struct vm *vm, void *ctx)
{
	struct dpmi_host *h = ctx;
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	if ((uint16_t)r.eax != 0x1687)
		return false;
	struct vdd_machine m;
	vdd_machine(vm, &m);
	dpmi_set16(&r.eax, 0);
	dpmi_set16(&r.ebx, 1); /* 32-bit programs supported */
	r.ecx = (r.ecx & 0xFFFFFF00u) | (m.cpu == VM16_CPU_80486 ? 4 : 3);
	dpmi_set16(&r.edx, 0x005A); /* 0.90 */
	dpmi_set16(&r.esi, DPMI_PRIV_PARAS);
	r.es = h->rm_seg;
	dpmi_set16(&r.edi, DPMI_RM_ENTRY);
	vm16_set_regs(vm, &r);
	return true;
}

static int dpmi_create(struct vm *vm, void **inst)
{
	struct dpmi_host *h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	*inst = h;
	h->vm = vm;
	int64_t limit = vdd_property(vm, "DPMI_MEMORY_LIMIT");
	h->limit_pages = (uint32_t)(limit * 256); /* MiB -> 4 KiB pages */
	h->enabled = limit > 0 && vdd_property(vm, "CPU_MODEL") >= 4 /* 80386 */ &&
		     vdd_property(vm, "EXTENDED_MEMORY") >= 256;
	if (!h->enabled)
		return 0;
	int svc = vdd_alloc_svc(vm, dpmi_svc, h);
	int rc = svc;
	if (svc >= 0) {
		h->svc = (uint8_t)svc;
		rc = vdd_alloc_guest_mem(vm, DPMI_RM_SIZE, &h->rm_seg);
	}
	if (rc >= 0) {
		uint8_t stubs[DPMI_RM_SIZE];
		for (unsigned off = 0; off < DPMI_RM_SIZE; off += 4) {
			stubs[off] = 0xF4;
			stubs[off + 1] = h->svc;
			stubs[off + 2] = (uint8_t)~h->svc;
			stubs[off + 3] = 0x90;
		}
		stubs[DPMI_RM_SAVE] = 0xCB;
		rc = vm16_write(vm, (uint32_t)h->rm_seg << 4, stubs, sizeof(stubs));
	}
	if (rc >= 0)
		rc = vdd_multiplex(vm, 0x16, dpmi_mux, h);
	if (rc < 0) {
		free(h);
		*inst = NULL;
		return rc;
	}
	return 0;
}

static void dpmi_terminate(struct vm *vm, void *inst)
{
	(void)vm;
	struct dpmi_host *h = inst;
	if (!h)
		return;
	for (unsigned k = 0; k < h->nclients; k++) {
		for (unsigned j = 0; j < h->clients[k]->nblocks; j++)
			free(h->clients[k]->blocks[j].phys);
		free(h->clients[k]->blocks);
		free(h->clients[k]);
	}
	free(h->ldt_owner);
	free(h->frames);
	free(h->pt);
	free(h);
}

/* The running program changed: a client whose program ended in real mode
 * (its parent's PSP is current again and DOS freed the client's PSP: its
 * MCB's owner is no longer the PSP) is over. A client that only made its
 * parent's PSP current (INT 21h/50h) or stayed resident goes on. */
static void dpmi_psp_change(struct vm *vm, void *inst, uint16_t psp)
{
	(void)vm;
	struct dpmi_host *h = inst;
	if (!h)
		return;
	h->cur_psp = psp;
	struct dpmi_client *c = dpmi_current(h);
	if (c && psp == c->parent_psp && dpmi_rd16(h, (((uint32_t)c->psp - 1) << 4) + 1) != c->psp)
		dpmi_client_end(h, c);
}

static const struct vdd_property dpmi_props[] = {
	{ .name = "DPMI_MEMORY_LIMIT", .type = VDD_PROP_INT, .def = 16, .min = 0, .max = 3072, .step = 1,
	  .help = "MiB of memory DPMI clients may allocate (0: no DPMI host; 80386 and later)" },
};

const struct vdd_ops vdd_dpmi_ops = {
	.abi = MVDM_VDD_ABI,
	.name = "dpmi",
	.props = dpmi_props,
	.nprops = sizeof(dpmi_props) / sizeof(dpmi_props[0]),
	.create = dpmi_create,
	.terminate = dpmi_terminate,
	.psp_change = dpmi_psp_change,
};
