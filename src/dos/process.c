/*
 * process.c - PSPs, the program loader (.COM and MZ .EXE), EXEC (4Bh
 * 00h/01h/03h) and termination (00h, 4Ch, 31h, INT 20h/27h, Ctrl-C).
 *
 * EXEC keeps the parent's registers on a host-side stack and its SS:SP in
 * its PSP at 2Eh, as DOS does; the child's PSP at 0Ah holds the terminate
 * address (the parent's return address, or what the parent put in INT 22h).
 * Termination restores the parent's stack and registers, builds an
 * interrupt frame there for the terminate address and leaves through the
 * IRET stub, so a parent that set its own INT 22h gets control there.
 * Sources: RBIL INT 21h/4Bh, 4Ch, 26h, 55h; table 01378 (PSP format);
 * MS-DOS 2.0 SYSCALL.DOC ("EXEC").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <sys/stat.h>

#include "dos/dos_internal.h"
#include "common/le.h"
#include "dos/loader.h"

enum { FL_CF = 0x0001, FL_IF = 0x0200, ROOT_FRAME = 0x70 };

int dos_new_psp(struct dos *d, uint16_t seg, uint16_t mem_end, uint16_t parent)
{
	uint8_t p[256] = { 0 };
	p[0] = 0xCD;
	p[1] = 0x20;
	p[2] = (uint8_t)mem_end;
	p[3] = (uint8_t)(mem_end >> 8);
	/* CALL 5 compatibility: far call to F01D:FEF0 (0:00C0 / FFFF:00D0). */
	p[5] = 0x9A;
	p[6] = 0xF0;
	p[7] = 0xFE;
	p[8] = 0x1D;
	p[9] = 0xF0;
	/* INT 22h, 23h, 24h as they are now. */
	dos_read_mem(d, 0, 0x22 * 4, p + 0x0A, 12);
	p[0x16] = (uint8_t)parent;
	p[0x17] = (uint8_t)(parent >> 8);
	memset(p + 0x18, 0xFF, DOS_JFT_SIZE);
	p[0x32] = DOS_JFT_SIZE;
	p[0x34] = 0x18;
	p[0x36] = (uint8_t)seg;
	p[0x37] = (uint8_t)(seg >> 8);
	memset(p + 0x38, 0xFF, 4);
	p[0x40] = d->ver_major;
	p[0x41] = d->ver_minor;
	p[0x50] = 0xCD; /* INT 21h; RETF */
	p[0x51] = 0x21;
	p[0x52] = 0xCB;
	memset(p + 0x5D, ' ', 11);
	memset(p + 0x6D, ' ', 11);
	p[0x81] = 0x0D;
	dos_write_mem(d, seg, 0, p, sizeof(p));
	return 0;
}

/* ---- environment ---- */

/* Length of an environment block including the final double NUL. */
static int env_length(struct dos *d, uint16_t seg)
{
	for (unsigned i = 0; i < 0x8000; i++)
		if (dos_rd8(d, seg, (uint16_t)i) == 0 && (i == 0 || dos_rd8(d, seg, (uint16_t)(i + 1)) == 0))
			return i == 0 ? 1 : (int)i + 2;
	return -1;
}

/* A copy of env (or an empty one) followed, for DOS 3+, by 0001h and the
 * program's path; owned by `owner`. Returns the segment or 0. */
static uint16_t make_env(struct dos *d, uint16_t src, const char *prog, uint16_t owner, uint16_t *err)
{
	int len = src ? env_length(d, src) : 0;
	if (len < 0) {
		*err = DOSERR_BAD_ENV;
		return 0;
	}
	size_t plen = strlen(prog);
	size_t total = (size_t)(len ? len : 2) + 2 + plen + 1;
	uint16_t largest;
	uint16_t seg = dos_mem_alloc(d, (uint16_t)((total + 15) / 16), owner, &largest, err);
	if (!seg)
		return 0;
	uint8_t *buf = calloc(1, total);
	if (!buf) {
		dos_mem_free(d, seg);
		*err = DOSERR_NO_MEMORY;
		return 0;
	}
	if (len)
		dos_read_mem(d, src, 0, buf, (size_t)len);
	size_t at = len ? (size_t)len : 2;
	if (d->ver_major >= 3) {
		buf[at] = 1;
		buf[at + 1] = 0;
		memcpy(buf + at + 2, prog, plen + 1);
	}
	dos_write_mem(d, seg, 0, buf, total);
	free(buf);
	dos_mem_set_name(d, seg, "");
	return seg;
}

/* ---- the loader ---- */

/* An EXEPACKed program: its entry segment starts with the unpacker's
 * header, signature "RB" at offset 0Eh, 10h or 12h (the EXEPACK versions differ). */
static bool is_exepacked(const struct dos_image *im)
{
	uint8_t b[6];
	uint64_t at = (uint64_t)im->module_off + (uint64_t)im->cs * 16 + 0x0E;
	if (dos_image_read(im, at, b, sizeof(b)) != (int)sizeof(b))
		return false;
	for (unsigned i = 0; i <= 4; i += 2)
		if (b[i] == 'R' && b[i + 1] == 'B')
			return true;
	return false;
}

/* FCB drive validity for AL/AH at program start: FFh if the FCB's drive
 * byte names a drive that does not exist. */
static uint8_t fcb_drive_ok(struct dos *d, uint16_t psp, uint16_t off)
{
	uint8_t drv = dos_rd8(d, psp, off);
	if (drv == 0)
		return 0;
	return dos_drive_valid(d, drv - 1) ? 0 : 0xFF;
}

void dos_fcbs_from_tail(struct dos *d, const char *tail, uint8_t fcb1[16], uint8_t fcb2[16])
{
	uint8_t al;
	size_t n = strlen(tail);
	memset(fcb1, 0, 16);
	memset(fcb2, 0, 16);
	size_t used = dos_parse_name(d, (const uint8_t *)tail, n, fcb1, 1, &al);
	dos_parse_name(d, (const uint8_t *)tail + used, n - used, fcb2, 1, &al);
}

struct exec_args {
	const char *canon;      /* the program's canonical DOS path */
	uint16_t env;           /* environment to copy, 0 = the parent's */
	uint8_t tail[128];      /* length byte, text, CR */
	uint8_t fcb1[16], fcb2[16];
};

/* Load a program as a child of the current PSP. On success the child's
 * registers are in *r and its PSP is *child_psp. Returns 0 or a DOS error
 * (im->why says what was wrong). */
static int load_program(struct dos *d, const struct exec_args *a, struct dos_image *im, struct vm16_regs *r,
			uint16_t *child_psp)
{
	uint16_t parent = d->psp, err = 0, largest;
	uint16_t src_env = a->env ? a->env : dos_rd16(d, parent, 0x2C);
	uint16_t env = make_env(d, src_env, a->canon, parent, &err);
	if (!env) {
		snprintf(im->why, sizeof(im->why), "%s", err == DOSERR_BAD_ENV ? "bad environment" : "no memory for the environment");
		return err;
	}
	/* Program memory: a .COM gets the largest block; an .EXE between its
	 * minimum and maximum (RBIL INT 21h/4Bh, "load/execute"); with both
	 * 0 it takes the largest block and is loaded at its top. */
	uint32_t load_paras = (im->module_len + 15) / 16;
	uint32_t min, max;
	bool high = false;
	if (im->exe) {
		min = 0x10 + load_paras + im->min_alloc;
		max = 0x10 + load_paras + (uint32_t)im->max_alloc;
		high = im->min_alloc == 0 && im->max_alloc == 0;
		if (high)
			max = 0xFFFF;
	} else {
		min = 0x10 + load_paras + 0x10;
		max = 0xFFFF;
	}
	if (max > 0xFFFF)
		max = 0xFFFF;
	if (max < min)
		max = min;
	/* EXEPACK's unpacker needs its segment arithmetic to wrap at 1 MiB,
	 * which it does not with A20 on when it runs in the first 64 KiB
	 * ("Packed file is corrupt"). Like LOADFIX, load such a program
	 * above 64 KiB: a filler block takes the low memory meanwhile. */
	uint16_t filler = 0;
	if (im->exe && is_exepacked(im)) {
		uint16_t ff = dos_mem_first_free(d);
		if (ff && ff + 1 < 0x1000) {
			uint16_t e2;
			filler = dos_mem_alloc(d, (uint16_t)(0x1000 - ff - 1), parent, &largest, &e2);
		}
	}
	largest = dos_mem_largest_fit(d, (uint16_t)(min > 0xFFFF ? 0xFFFF : min)); /* UMBs first for LOADHIGH */
	if (largest < min && filler) {
		dos_mem_free(d, filler);
		filler = 0;
		largest = dos_mem_largest_fit(d, (uint16_t)(min > 0xFFFF ? 0xFFFF : min));
	}
	if (largest < min) {
		dos_mem_free(d, env);
		snprintf(im->why, sizeof(im->why), "not enough memory: it needs %u KiB, %u KiB are free",
			 (unsigned)((min * 16 + 1023) / 1024), (unsigned)(largest * 16u / 1024));
		return DOSERR_NO_MEMORY;
	}
	uint16_t size = (uint16_t)(largest < max ? largest : max);
	uint16_t psp = dos_mem_alloc(d, size, parent, &largest, &err);
	if (filler)
		dos_mem_free(d, filler);
	if (!psp) {
		dos_mem_free(d, env);
		snprintf(im->why, sizeof(im->why), "no memory block");
		return err;
	}
	/* The image: right after the PSP, or at the top of the block. */
	uint16_t load = high ? (uint16_t)(psp + size - load_paras) : (uint16_t)(psp + 0x10);
	uint32_t room = ((uint32_t)psp + size - load) * 16;
	int e = dos_image_place(d, im, load, im->exe ? load : 0, room);
	if (e) {
		dos_mem_free(d, psp);
		dos_mem_free(d, env);
		return e;
	}
	dos_mem_set_owner(d, psp, psp);
	dos_mem_set_owner(d, env, psp);
	const char *base = strrchr(a->canon, '\\');
	dos_mem_set_name(d, psp, base ? base + 1 : a->canon);
	dos_new_psp(d, psp, (uint16_t)(psp + size), parent);
	dos_wr16(d, psp, 0x2C, env);
	dos_jft_inherit(d, parent, psp);
	dos_write_mem(d, psp, 0x80, a->tail, 128);
	dos_write_mem(d, psp, 0x5C, a->fcb1, 16);
	dos_write_mem(d, psp, 0x6C, a->fcb2, 16);

	memset(r, 0, sizeof(*r));
	uint16_t fcbok = (uint16_t)(fcb_drive_ok(d, psp, 0x5C) | fcb_drive_ok(d, psp, 0x6C) << 8);
	r->eax = fcbok;
	r->ecx = 0xFF;
	r->edx = psp;
	r->ds = r->es = psp;
	r->eflags = 0x0202;
	if (im->exe) {
		r->ss = (uint16_t)(load + im->ss);
		r->esp = im->sp;
		r->cs = (uint16_t)(load + im->cs);
		r->eip = im->ip;
	} else {
		uint32_t top = (uint32_t)size * 16;
		uint16_t sp = top >= 0x10000 ? 0xFFFE : (uint16_t)(top - 2);
		dos_wr16(d, psp, sp, 0); /* a RET ends the program through PSP:0 */
		r->ss = r->cs = psp;
		r->esp = sp;
		r->eip = 0x100;
	}
	r->esi = r->eip;
	r->edi = r->esp;
	*child_psp = psp;
	return 0;
}

/* Make psp current (DTA at its 80h). */
static void switch_to(struct dos *d, uint16_t psp)
{
	d->psp = psp;
	d->dta_seg = psp;
	d->dta_off = 0x80;
	vm16_psp_changed(d->vm, psp);
}

/* The parent's side of EXEC: remember its registers and stack, and make
 * its return address the child's terminate address. */
static int push_parent(struct dos *d, uint16_t child)
{
	if (d->nexec >= DOS_MAX_EXEC) {
		snprintf(d->err, sizeof(d->err), "EXEC nested more than %d deep", DOS_MAX_EXEC);
		return -1;
	}
	struct dos_exec_frame *f = &d->exec[d->nexec++];
	f->child_psp = child;
	f->regs = d->r;
	f->dta_seg = d->dta_seg;
	f->dta_off = d->dta_off;
	uint16_t ss = d->r.ss, sp = (uint16_t)d->r.esp;
	dos_wr16(d, d->psp, 0x2E, sp);
	dos_wr16(d, d->psp, 0x30, ss);
	uint16_t ret_ip = dos_rd16(d, ss, sp), ret_cs = dos_rd16(d, ss, (uint16_t)(sp + 2));
	dos_wr16(d, 0, 0x22 * 4, ret_ip);
	dos_wr16(d, 0, 0x22 * 4 + 2, ret_cs);
	dos_wr16(d, child, 0x0A, ret_ip);
	dos_wr16(d, child, 0x0C, ret_cs);
	return 0;
}

static int read_exec_args(struct dos *d, struct exec_args *a, uint16_t pseg, uint16_t poff)
{
	a->env = dos_rd16(d, pseg, poff);
	uint16_t toff = dos_rd16(d, pseg, (uint16_t)(poff + 2)), tseg = dos_rd16(d, pseg, (uint16_t)(poff + 4));
	dos_read_mem(d, tseg, toff, a->tail, 128);
	if (a->tail[0] > 126)
		a->tail[0] = 126;
	a->tail[1 + a->tail[0]] = 0x0D;
	uint16_t f1o = dos_rd16(d, pseg, (uint16_t)(poff + 6)), f1s = dos_rd16(d, pseg, (uint16_t)(poff + 8));
	uint16_t f2o = dos_rd16(d, pseg, (uint16_t)(poff + 10)), f2s = dos_rd16(d, pseg, (uint16_t)(poff + 12));
	dos_read_mem(d, f1s, f1o, a->fcb1, 16);
	dos_read_mem(d, f2s, f2o, a->fcb2, 16);
	return 0;
}

/* A program file EXEC refused for what is in it (not a missing file):
 * say why on the log, once per VM. */
static void log_refusal(struct dos *d, const char *path, const struct dos_image *im, int e)
{
	if (e == DOSERR_BAD_FORMAT || (e == DOSERR_NO_MEMORY && !im->exe && im->file_len > DOS_COM_MAX))
		dos_log(d, "EXEC %s refused: %s (DOS error %d)", path, im->why, e);
}

/* 4B03h: load an overlay at the segment in the parameter block, into
 * memory the caller owns (RBIL: DOS assumes it was allocated); it may not
 * reach past the first megabyte. */
static void exec_overlay(struct dos *d, struct dos_image *im)
{
	uint16_t seg = dos_rd16(d, d->r.es, BX(d)), base = dos_rd16(d, d->r.es, (uint16_t)(BX(d) + 2));
	int e = dos_image_place(d, im, seg, base, 0x100000u - (uint32_t)seg * 16);
	if (e) {
		log_refusal(d, "(overlay)", im, e);
		dos_fail(d, (uint16_t)e);
		return;
	}
	dos_ok(d);
}

int dos_exec(struct dos *d)
{
	uint8_t mode = AL(d);
	if (mode != 0 && mode != 1 && mode != 3) {
		dos_fail(d, DOSERR_INVALID_FUNCTION);
		return 0;
	}
	char path[HOSTFS_DOS_PATH], canon[HOSTFS_DOS_PATH] = "";
	dos_read_str(d, d->r.ds, DX(d), path, sizeof(path));
	struct dos_image im;
	int e = dos_image_open(d, path, &im, canon);
	if (e) {
		dos_image_close(&im);
		log_refusal(d, canon[0] ? canon : path, &im, e);
		dos_fail(d, (uint16_t)e);
		return 0;
	}
	if (mode == 3) {
		exec_overlay(d, &im);
		dos_image_close(&im);
		return 0;
	}
	/* The parent's registers wait in a frame of d->exec: with every
	 * frame taken the EXEC fails as DOS does when memory runs out, before
	 * anything is loaded (the VM used to end here). */
	if (d->nexec >= DOS_MAX_EXEC) {
		dos_image_close(&im);
		dos_log_once(d, 0x1F0, "EXEC of %s refused: programs nested more than %d deep (DOS error 8)",
			     canon, DOS_MAX_EXEC);
		dos_fail(d, DOSERR_NO_MEMORY);
		return 0;
	}
	struct exec_args a = { .canon = canon };
	read_exec_args(d, &a, d->r.es, BX(d));
	struct vm16_regs child;
	uint16_t psp;
	e = load_program(d, &a, &im, &child, &psp);
	dos_image_close(&im);
	if (e) {
		log_refusal(d, canon, &im, e);
		dos_fail(d, (uint16_t)e);
		return 0;
	}
	dos_ok(d);
	/* The frame's flags say "success" when the child returns to us. */
	dos_wr16(d, d->r.ss, (uint16_t)(d->r.esp + 4), d->frame_flags);
	if (push_parent(d, psp) != 0)
		return -1;
	switch_to(d, psp);
	if (mode == 1) {
		/* Load only: the child's SS:SP (initial AX on top) and CS:IP go to
		 * the parameter block; the caller continues. */
		uint16_t sp = (uint16_t)(child.esp - 2);
		dos_wr16(d, child.ss, sp, (uint16_t)child.eax);
		uint16_t pb = BX(d);
		dos_wr16(d, d->r.es, (uint16_t)(pb + 0x0E), sp);
		dos_wr16(d, d->r.es, (uint16_t)(pb + 0x10), child.ss);
		dos_wr16(d, d->r.es, (uint16_t)(pb + 0x12), (uint16_t)child.eip);
		dos_wr16(d, d->r.es, (uint16_t)(pb + 0x14), child.cs);
		return 0;
	}
	d->r = child;
	return 0;
}

int dos_load_first(struct dos *d, const char *canon, const char *tail)
{
	char real_canon[HOSTFS_DOS_PATH];
	struct dos_image im;
	int e = dos_image_open(d, canon, &im, real_canon);
	if (e) {
		dos_image_close(&im);
		snprintf(d->err, sizeof(d->err), "cannot load %s: %s (DOS error %d)", canon, im.why, e);
		return e == DOSERR_NO_MEMORY ? -ENOMEM : e == DOSERR_BAD_FORMAT ? -ENOEXEC : -ENOENT;
	}
	struct exec_args a = { .canon = real_canon };
	size_t n = strlen(tail);
	if (n > 126)
		n = 126;
	a.tail[0] = (uint8_t)n;
	memcpy(a.tail + 1, tail, n);
	a.tail[1 + n] = 0x0D;
	dos_fcbs_from_tail(d, tail, a.fcb1, a.fcb2);
	struct vm16_regs child;
	uint16_t psp;
	d->psp = d->root_psp;
	e = load_program(d, &a, &im, &child, &psp);
	dos_image_close(&im);
	if (e) {
		snprintf(d->err, sizeof(d->err), "cannot load %s: %s (DOS error %d)", canon, im.why, e);
		return e == DOSERR_NO_MEMORY ? -ENOMEM : -ENOEXEC;
	}
	/* The root's frame: the first program's end goes to the exit stub. */
	dos_wr16(d, DOS_SEG, ROOT_FRAME, DOS_ROOT_EXIT);
	dos_wr16(d, DOS_SEG, ROOT_FRAME + 2, DOS_SEG);
	dos_wr16(d, DOS_SEG, ROOT_FRAME + 4, 0x0202);
	d->r = child;
	d->r.ss = DOS_SEG;
	d->r.esp = ROOT_FRAME;
	if (push_parent(d, psp) != 0)
		return -EINVAL;
	switch_to(d, psp);
	vm16_set_regs(d->vm, &child);
	return 0;
}

/* ---- termination ---- */

void dos_terminate(struct dos *d, uint8_t code, uint8_t type, uint16_t keep_paras)
{
	uint16_t psp = d->psp;
	uint16_t parent = dos_rd16(d, psp, 0x16);
	/* INT 22h-24h come back from the PSP. */
	uint8_t vecs[12];
	dos_read_mem(d, psp, 0x0A, vecs, sizeof(vecs));
	dos_write_mem(d, 0, 0x22 * 4, vecs, sizeof(vecs));
	uint16_t term_ip = get16(vecs), term_cs = get16(vecs + 2);
	if (type == 3) {
		uint16_t largest;
		dos_mem_resize(d, psp, keep_paras < 6 ? 6 : keep_paras, &largest);
	} else {
		dos_jft_close_all(d, psp);
		if (psp != parent)
			dos_mem_free_owner(d, psp);
	}
	d->ret_code = (uint16_t)(type << 8 | code);
	if (d->shell.process_ended)
		d->shell.process_ended(d, psp);
	if (psp == d->root_psp || psp == parent) {
		/* Nothing to return to: the VM ends. */
		dos_set_lo(&d->r.eax, code);
		d->r.cs = DOS_SEG;
		d->r.eip = DOS_ROOT_EXIT;
		return;
	}
	struct vm16_regs regs = d->r;
	uint16_t dta_seg = parent, dta_off = 0x80;
	while (d->nexec > 0) {
		struct dos_exec_frame *f = &d->exec[--d->nexec];
		if (f->child_psp == psp) {
			regs = f->regs;
			dta_seg = f->dta_seg;
			dta_off = f->dta_off;
			break;
		}
	}
	uint16_t sp = dos_rd16(d, parent, 0x2E), ss = dos_rd16(d, parent, 0x30);
	regs.ss = ss;
	regs.esp = sp;
	uint16_t flags = (uint16_t)(dos_rd16(d, ss, (uint16_t)(sp + 4)) & ~FL_CF);
	dos_wr16(d, ss, sp, term_ip);
	dos_wr16(d, ss, (uint16_t)(sp + 2), term_cs);
	dos_wr16(d, ss, (uint16_t)(sp + 4), flags);
	regs.cs = DOS_SEG;
	regs.eip = DOS_IRET;
	regs.eax = (regs.eax & 0xFFFF0000u) | code;
	d->r = regs;
	d->psp = parent;
	d->dta_seg = dta_seg;
	d->dta_off = dta_off;
	vm16_psp_changed(d->vm, parent);
}

/* ---- the first program ---- */

/* The root environment: COMSPEC and PATH defaults, then the caller's
 * variables (a later NAME replaces an earlier one). Owned by DOS (8). */
static int build_root_env(struct dos *d)
{
	char buf[4096];
	size_t o = 0;
	const char *defaults[2] = { "COMSPEC=" DOS_COMSPEC, "PATH=Z:\\" };
	const char *vars[DOS_MAX_ENV + 2];
	unsigned n = 0;
	for (unsigned i = 0; i < 2; i++)
		vars[n++] = defaults[i];
	for (unsigned i = 0; i < d->cfg_env_count; i++)
		vars[n++] = d->cfg_env[i];
	for (unsigned i = 0; i < n; i++) {
		const char *eq = strchr(vars[i], '=');
		size_t nl = (size_t)(eq - vars[i]);
		bool replaced = false;
		for (unsigned j = i + 1; j < n; j++)
			if (strncasecmp(vars[j], vars[i], nl) == 0 && vars[j][nl] == '=')
				replaced = true;
		if (replaced)
			continue;
		size_t l = strlen(vars[i]);
		if (o + l + 2 > sizeof(buf))
			return -ENOSPC;
		memcpy(buf + o, vars[i], l + 1);
		for (size_t k = 0; k < nl; k++) /* names are upper case */
			if (buf[o + k] >= 'a' && buf[o + k] <= 'z')
				buf[o + k] = (char)(buf[o + k] - 32);
		o += l + 1;
	}
	buf[o++] = 0;
	uint16_t largest, err;
	uint16_t seg = dos_mem_alloc(d, (uint16_t)((o + 2 + 15) / 16), 8, &largest, &err);
	if (!seg)
		return -ENOMEM;
	dos_write_mem(d, seg, 0, buf, o);
	dos_wr16(d, seg, (uint16_t)o, 0);
	dos_wr16(d, d->root_psp, 0x2C, seg);
	return 0;
}

static bool exists(struct hostfs *fs, const char *path)
{
	char host[HOSTFS_HOST_PATH];
	bool is_dir = false;
	if (dos_builtin_name(fs, path))
		return true;
	return hostfs_resolve(fs, path, HOSTFS_EXISTING, host, NULL, &is_dir) == 0 && !is_dir;
}

bool dos_find_program(struct dos *d, const char *name, const char *path_list, char *out, size_t max)
{
	return dos_fs_find_program(d->fs, name, path_list, out, max);
}

bool dos_fs_find_program(struct hostfs *fs, const char *name, const char *path_list, char *out, size_t max)
{
	static const char *const exts[] = { "", ".COM", ".EXE", ".BAT" };
	bool pathed = strpbrk(name, "\\/:") != NULL;
	const char *base = name;
	for (const char *p = name; *p; p++)
		if (*p == '\\' || *p == '/' || *p == ':')
			base = p + 1;
	bool has_ext = strchr(base, '.') != NULL;
	char dirs[1100];
	snprintf(dirs, sizeof(dirs), ";%s", pathed ? "" : path_list);
	for (const char *p = dirs; p;) {
		const char *semi = strchr(p, ';');
		size_t dl = semi ? (size_t)(semi - p) : strlen(p);
		for (unsigned e = has_ext ? 0 : 1; e < (has_ext ? 1u : 4u); e++) {
			char cand[HOSTFS_DOS_PATH * 3];
			if (dl == 0)
				snprintf(cand, sizeof(cand), "%s%s", name, exts[e]);
			else
				snprintf(cand, sizeof(cand), "%.*s%s%s%s", (int)dl, p,
					 p[dl - 1] == '\\' || p[dl - 1] == ':' ? "" : "\\", name, exts[e]);
			if (strlen(cand) < max && exists(fs, cand)) {
				snprintf(out, max, "%s", cand);
				return true;
			}
		}
		if (pathed || !semi)
			break;
		p = semi + 1;
	}
	return false;
}

/* A host file the command line named as "X:\DIR\hostname" (mvdm run
 * kerneltest.com): a host name that is not 8.3 is not what DOS calls the
 * file; use the short name DOS lists it under. */
static bool host_name_program(struct hostfs *fs, const char *name, char *out, size_t max)
{
	const char *base = strrchr(name, '\\');
	if (!base || !base[1] || strlen(name) >= HOSTFS_DOS_PATH)
		return false;
	char dir[HOSTFS_DOS_PATH], host[HOSTFS_HOST_PATH], short_name[13];
	size_t dl = (size_t)(base - name);
	memcpy(dir, name, dl);
	dir[dl] = 0;
	if (dl == 2 && dir[1] == ':')
		strcpy(dir + 2, "\\");
	bool is_dir = false;
	if (hostfs_resolve(fs, dir, HOSTFS_EXISTING, host, NULL, &is_dir) != 0 || !is_dir)
		return false;
	char full[HOSTFS_HOST_PATH + 256];
	struct stat st;
	snprintf(full, sizeof(full), "%s/%s", host, base + 1);
	if (stat(full, &st) != 0 || !S_ISREG(st.st_mode) || hostfs_short_name(fs, host, base + 1, short_name) != 0)
		return false;
	if (snprintf(out, max, "%.*s\\%s", (int)dl, name, short_name) >= (int)max)
		return false;
	return exists(fs, out);
}

bool dos_fs_locate_program(struct hostfs *fs, const char *program, const char *path_list, char *out, size_t max)
{
	return dos_fs_find_program(fs, program, path_list, out, max) || host_name_program(fs, program, out, max);
}

int dos_start(struct dos *d, const char *program, const char *tail, char *err, size_t errlen)
{
	int e = build_root_env(d);
	if (e) {
		snprintf(err, errlen, "environment too large");
		return e;
	}
	char path[HOSTFS_DOS_PATH];
	const char *path_list = "";
	for (unsigned i = 0; i < d->cfg_env_count; i++)
		if (strncasecmp(d->cfg_env[i], "PATH=", 5) == 0)
			path_list = d->cfg_env[i] + 5;
	if (!dos_fs_locate_program(d->fs, program, path_list, path, sizeof(path))) {
		snprintf(err, errlen, "%s: program not found", program);
		return -ENOENT;
	}
	char canon[HOSTFS_DOS_PATH];
	if (hostfs_canonical(d->fs, path, canon) != 0)
		snprintf(canon, sizeof(canon), "%s", path);
	size_t l = strlen(canon);
	char t[256];
	const char *load = canon;
	if (l > 4 && strcasecmp(canon + l - 4, ".BAT") == 0) {
		/* A batch file runs through the command interpreter. */
		snprintf(t, sizeof(t), "/C %s%s%s", canon, *tail ? " " : "", tail);
		load = DOS_COMSPEC;
		tail = t;
	}
	if (strlen(tail) > 126) {
		snprintf(err, errlen, "command tail longer than 126 bytes");
		return -E2BIG;
	}
	if (d->autoexec) {
		/* Start-up commands: the built-in COMMAND.COM runs them, then
		 * the program as their last line (a batch file's last line
		 * hands over to it), and exits with its return code; for the
		 * prompt itself it stays. */
		bool prompt = strcasecmp(canon, DOS_COMSPEC) == 0 && !tail[0];
		size_t n = strlen(d->autoexec) + strlen(canon) + strlen(tail) + 8;
		d->autoexec_batch = malloc(n);
		if (!d->autoexec_batch) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		if (prompt)
			snprintf(d->autoexec_batch, n, "%s", d->autoexec);
		else
			snprintf(d->autoexec_batch, n, "%s%s%s%s\r\n", d->autoexec, canon, tail[0] ? " " : "", tail);
		d->autoexec_then_exit = !prompt;
		load = DOS_COMSPEC;
		tail = "";
	}
	e = dos_load_first(d, load, tail);
	if (e) {
		snprintf(err, errlen, "%s", d->err);
		return e;
	}
	return 0;
}
