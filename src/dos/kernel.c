/*
 * kernel.c - the DOS kernel of a VM: attaches to the VM, builds the DOS
 * segment (stubs from dos.asm, list of lists, device headers, tables, the
 * root PSP), the results of calls (dos_ok, dos_fail, the extended error,
 * the one errno-to-DOS map) and the interrupts other than INT 21h (20h,
 * 23h, 25h-27h, 29h, 2Fh, CALL 5). INT 21h is int21.c's, on the table of
 * int21.def. Sources: RBIL INT 21h; MS-DOS 2.0 SYSCALL.DOC.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bios/bios.h"
#include "common/le.h"
#include "dos/dos_internal.h"
#include "vm/vm_internal.h"

/* ---- registers and results ---- */

void dos_set16(uint32_t *reg, uint16_t v)
{
	*reg = (*reg & 0xFFFF0000u) | v;
}

void dos_set_lo(uint32_t *reg, uint8_t v)
{
	*reg = (*reg & 0xFFFFFF00u) | v;
}

void dos_set_hi(uint32_t *reg, uint8_t v)
{
	*reg = (*reg & 0xFFFF00FFu) | (uint32_t)v << 8;
}

enum { FL_CF = 0x0001, FL_ZF = 0x0040, FL_IF = 0x0200 };

void dos_ok(struct dos *d)
{
	d->frame_flags &= (uint16_t)~FL_CF;
}

/* Error class, action and locus for 59h (RBIL table 01681-01683). */
static void set_ext_error(struct dos *d, uint16_t code)
{
	d->ext_error = code;
	d->ext_action = 1; /* retry / abort: "take action" is fine for every code here */
	switch (code) {
	case DOSERR_FILE_NOT_FOUND:
	case DOSERR_PATH_NOT_FOUND:
	case DOSERR_NO_MORE_FILES:
		d->ext_class = 8; /* not found */
		d->ext_locus = 2; /* block device */
		d->ext_action = 3;
		break;
	case DOSERR_ACCESS_DENIED:
	case DOSERR_WRITE_PROTECT:
		d->ext_class = 3; /* authorization */
		d->ext_locus = 2;
		d->ext_action = 3;
		break;
	case DOSERR_NO_MEMORY:
	case DOSERR_TOO_MANY_OPEN:
		d->ext_class = 1; /* out of resource */
		d->ext_locus = 1;
		d->ext_action = 4;
		break;
	case DOSERR_MCB_DESTROYED:
		d->ext_class = 7; /* application error */
		d->ext_locus = 5; /* memory */
		d->ext_action = 5;
		break;
	case DOSERR_FILE_EXISTS:
		d->ext_class = 12; /* already exists */
		d->ext_locus = 2;
		d->ext_action = 3;
		break;
	default:
		d->ext_class = 7;
		d->ext_locus = 1;
		d->ext_action = 4;
		break;
	}
}

void dos_fail(struct dos *d, uint16_t code)
{
	set_ext_error(d, code);
	dos_set16(&d->r.eax, code);
	d->frame_flags |= FL_CF;
}

void dos_set_zf(struct dos *d, bool zf)
{
	if (zf)
		d->frame_flags |= FL_ZF;
	else
		d->frame_flags &= (uint16_t)~FL_ZF;
}


enum dos_end dos_end_type(const struct dos *d)
{
	return (enum dos_end)((d->ret_code >> 8) & 3);
}

void dos_log(struct dos *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vm16_vlog(d->vm, VM16_LOG_DOS, fmt, ap);
	va_end(ap);
}

void dos_log_once(struct dos *d, unsigned key, const char *fmt, ...)
{
	key &= 511; /* 00h-FFh: INT 21h functions; 100h-1FFh: the others */
	if (d->logged[key / 32] & (1u << (key % 32)))
		return;
	d->logged[key / 32] |= 1u << (key % 32);
	va_list ap;
	va_start(ap, fmt);
	vm16_vlog(d->vm, VM16_LOG_DOS, fmt, ap);
	va_end(ap);
}

/* ---- other interrupts ---- */

/* INT 2Fh/4A01h: BX = free bytes of the HMA, ES:DI -> them (FFFF:FFFF and
 * BX = 0 when DOS is not high); 4A02h: BX bytes of it (rounded up to
 * paragraphs), ES:DI -> them, DI = FFFFh if they are not there. RBIL INT
 * 2F/AX=4A01h, 4A02h (DOS 5+). */
static void hma_query(struct dos *d)
{
	uint32_t left = 0x10000 - d->hma_free;
	if (AL(d) == 0x01) {
		dos_set16(&d->r.ebx, (uint16_t)(left > 0xFFFF ? 0xFFFF : left));
		d->r.es = 0xFFFF;
		dos_set16(&d->r.edi, left ? (uint16_t)d->hma_free : 0xFFFF);
		return;
	}
	uint32_t want = (BX(d) + 15u) & ~15u;
	d->r.es = 0xFFFF;
	if (!d->high || want == 0 || want > left) {
		dos_set16(&d->r.edi, 0xFFFF);
		return;
	}
	dos_set16(&d->r.edi, (uint16_t)d->hma_free);
	d->hma_free += want;
}

static int svc_int2f(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dos *d = ctx;
	/* The services that hooked INT 2Fh in the monitor (XMS: 43h) first:
	 * DOS is the end of the guest's chain. */
	if (vm_multiplex_dispatch(vm))
		return 0;
	vm16_get_regs(vm, &d->r);
	/* Installation checks (AL = 0) answer "not installed" by leaving AL 0;
	 * 1680h (release time slice) answers AL = 0, "call supported" (RBIL
	 * INT 2F/AX=1680h), and gives the slice up: the monitor idles the VM
	 * until its next event (src/vm/idle.c). */
	if (AX(d) == 0x1680) {
		dos_set_lo(&d->r.eax, 0);
		vm16_set_regs(vm, &d->r);
		vm_idle_yield(vm);
	} else if (AX(d) == 0x4A01 || AX(d) == 0x4A02) {
		hma_query(d);
		vm16_set_regs(vm, &d->r);
	}
	return 0;
}

static int svc_int29(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dos *d = ctx;
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	dos_con_putc(d, (uint8_t)r.eax);
	return 0;
}

static int svc_int25(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dos *d = ctx;
	struct vm16_regs r;
	vm16_get_regs(vm, &r);
	dos_log_once(d, 0x100 + 0x25, "INT %02Xh absolute disk access refused: drive %c: is a host directory",
		     n == DOS_SVC_INT25 ? 0x25 : 0x26, 'A' + (r.eax & 0xFF));
	dos_disk_refused(d, (int)(r.eax & 0xFF), n == DOS_SVC_INT25 ? "sectors (INT 25h)" : "sectors (INT 26h)");
	/* AH = 80h attachment failed / AL = 02h drive not ready, CF set. */
	r.eax = (r.eax & 0xFFFF0000u) | 0x8002;
	r.eflags |= FL_CF;
	vm16_set_regs(vm, &r);
	return 0;
}

static int svc_int20(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dos *d = ctx;
	vm16_get_regs(vm, &d->r);
	dos_terminate(d, 0, 0, 0);
	vm16_set_regs(vm, &d->r);
	return 0;
}

static int svc_int23(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dos *d = ctx;
	vm16_get_regs(vm, &d->r);
	dos_terminate(d, 0, 1, 0);
	vm16_set_regs(vm, &d->r);
	return 0;
}

/* INT 27h: terminate and stay resident, DX = bytes from the PSP. */
static int svc_int27(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dos *d = ctx;
	vm16_get_regs(vm, &d->r);
	dos_terminate(d, 0, 3, (uint16_t)((DX(d) + 15u) >> 4));
	vm16_set_regs(vm, &d->r);
	return 0;
}


/* CALL 5: the stack holds the far return into the PSP and the caller's
 * near return; turn it into an INT 21h frame with AH = CL. */
static int svc_call5(struct vm *vm, void *ctx, uint8_t n)
{
	(void)n;
	struct dos *d = ctx;
	vm16_get_regs(vm, &d->r);
	uint16_t ss = d->r.ss, sp = (uint16_t)d->r.esp;
	uint16_t cs = dos_rd16(d, ss, (uint16_t)(sp + 2));
	uint16_t ip = dos_rd16(d, ss, (uint16_t)(sp + 4));
	/* The same six bytes become IP, CS, FLAGS. */
	dos_wr16(d, ss, sp, ip);
	dos_wr16(d, ss, (uint16_t)(sp + 2), cs);
	dos_wr16(d, ss, (uint16_t)(sp + 4), (uint16_t)d->r.eflags);
	dos_set_hi(&d->r.eax, CL(d));
	d->r.cs = DOS_SEG;
	d->r.eip = DOS_INT21;
	vm16_set_regs(vm, &d->r);
	return 0;
}

/* ---- building the DOS segment ---- */

static void put_dev(uint8_t *seg, unsigned off, unsigned next, uint16_t attr, const char *name)
{
	uint8_t *h = seg + off;
	h[0] = (uint8_t)next;
	h[1] = (uint8_t)(next >> 8);
	h[2] = next == 0xFFFF ? 0xFF : (uint8_t)DOS_SEG;
	h[3] = next == 0xFFFF ? 0xFF : (uint8_t)(DOS_SEG >> 8);
	h[4] = (uint8_t)attr;
	h[5] = (uint8_t)(attr >> 8);
	h[6] = h[8] = DOS_DEV_ENTRY;
	memset(h + 10, ' ', 8);
	memcpy(h + 10, name, strlen(name));
}

/* The list of lists (RBIL INT 21h/52h, DOS 5 layout) and what it points to. */
static void build_dos_segment(struct dos *d, uint8_t *seg)
{
	memcpy(seg, dos_stubs, dos_stubs_size);
	seg[DOS_SWITCHAR] = '/';
	uint8_t *lol = seg + DOS_LOL;
	put16(lol - 2, (uint16_t)(d->root_psp + DOS_ROOT_MCB_PARAS));
	put16(lol + 0x00, DOS_DPB); /* DPB chain: one dummy block */
	put16(lol + 0x02, DOS_SEG);
	put16(lol + 0x04, DOS_SFT);
	put16(lol + 0x06, DOS_SEG);
	put16(lol + 0x08, DOS_DEVICES + 3 * 18); /* CLOCK$ */
	put16(lol + 0x0A, DOS_SEG);
	put16(lol + 0x0C, DOS_DEVICES);          /* CON */
	put16(lol + 0x0E, DOS_SEG);
	put16(lol + 0x10, 512);
	put16(lol + 0x12, 0xFFFF);
	put16(lol + 0x14, 0xFFFF);
	put16(lol + 0x16, dos_table_off(d, DOS_CDS));
	put16(lol + 0x18, dos_table_seg(d));
	put16(lol + 0x1A, 0xFFFF);
	put16(lol + 0x1C, 0xFFFF);
	lol[0x20] = 0;  /* block devices: none (host drives are redirected) */
	lol[0x21] = 26; /* LASTDRIVE */
	put16(lol + DOS_LOL_UMB_MCB, 0xFFFF); /* no UMBs (dos_umb_init) */
	/* NUL heads the device chain; then CON, AUX, PRN, CLOCK$, COM1-4, LPT1-3. */
	static const char *const names[DOS_NDEVICES] = {
		"CON", "AUX", "PRN", "CLOCK$", "COM1", "COM2", "COM3", "COM4", "LPT1", "LPT2", "LPT3",
	};
	static const uint16_t attrs[DOS_NDEVICES] = {
		0x8013, 0x8000, 0xA0C0, 0x8008, 0x8000, 0x8000, 0x8000, 0x8000, 0xA0C0, 0xA0C0, 0xA0C0,
	};
	put_dev(seg, DOS_NUL_DEV, DOS_DEVICES, 0x8004, "NUL");
	for (unsigned i = 0; i < DOS_NDEVICES; i++)
		put_dev(seg, DOS_DEVICES + i * 18, i + 1 < DOS_NDEVICES ? DOS_DEVICES + (i + 1) * 18 : 0xFFFF,
			attrs[i], names[i]);
	/* SFT header: no more blocks, no entries visible (the host holds them). */
	put16(seg + DOS_SFT, 0xFFFF);
	put16(seg + DOS_SFT + 2, 0xFFFF);
	put16(seg + DOS_SFT + 4, 0);
	/* DPB: next = FFFF:FFFF; media byte at +16h. */
	put16(seg + DOS_DPB + 0x19, 0xFFFF);
	put16(seg + DOS_DPB + 0x1B, 0xFFFF);
	seg[DOS_DPB + 0x16] = 0xF8;
	/* Country tables: upper case of 80h-FFh is the identity in this
	 * simple US table; the filename character table is DOS's. */
	put16(seg + DOS_UPCASE, 128);
	put16(seg + DOS_FUPCASE, 128);
	for (unsigned i = 0; i < 128; i++)
		seg[DOS_UPCASE + 2 + i] = seg[DOS_FUPCASE + 2 + i] = (uint8_t)(0x80 + i);
	static const char illegal[] = ".\"/\\[]:|<>+=;,";
	uint8_t *fc = seg + DOS_FCHAR;
	put16(fc, 22 + (uint16_t)strlen(illegal));
	fc[2] = 1;    /* permissible character value range */
	fc[3] = 0;    /* lowest */
	fc[4] = 0xFF; /* highest */
	fc[5] = 0;
	fc[6] = 0x00; /* excluded range */
	fc[7] = 0x20;
	fc[8] = 2;
	fc[9] = (uint8_t)strlen(illegal);
	memcpy(fc + 10, illegal, strlen(illegal));
	put16(seg + DOS_COLLATE, 256);
	for (unsigned i = 0; i < 256; i++)
		seg[DOS_COLLATE + 2 + i] = (uint8_t)(i >= 'a' && i <= 'z' ? i - 32 : i);
	put16(seg + DOS_DBCS, 0);
	/* CDS: "X:\" for every mapped drive; flags 4000h = physical. */
	for (int i = 0; i < 26; i++) {
		uint8_t *c = seg + DOS_CDS + i * DOS_CDS_ENTRY;
		c[0] = (uint8_t)('A' + i);
		c[1] = ':';
		c[2] = '\\';
		bool present = hostfs_mapped(d->fs, i) || i == 25;
		put16(c + 0x43, present ? 0xC000 : 0); /* network + physical: a redirected drive */
		put16(c + 0x4F, 2);                    /* backslash offset */
	}
}

/* Point the DOS vectors at the stubs; CALL 5's far target FEF0:F01D... wraps
 * to 0:00C0 (and to FFFF:00D0 in the HMA with A20 on), where a far jump to
 * the stub goes (RBIL INT 21h/00h notes, "CALL 5"). */
static void set_vectors(struct dos *d)
{
	static const struct {
		uint8_t vec;
		uint16_t off;
	} vecs[] = {
		{ 0x20, DOS_INT20 }, { 0x21, DOS_INT21 }, { 0x22, DOS_INT22 }, { 0x23, DOS_INT23 },
		{ 0x24, DOS_INT24 }, { 0x25, DOS_INT25 }, { 0x26, DOS_INT26 }, { 0x27, DOS_INT27 },
		{ 0x28, DOS_INT28 }, { 0x29, DOS_INT29 }, { 0x2A, DOS_IRET }, { 0x2E, DOS_IRET },
		{ 0x2F, DOS_INT2F },
	};
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		dos_wr16(d, 0, (uint16_t)(vecs[i].vec * 4), vecs[i].off);
		dos_wr16(d, 0, (uint16_t)(vecs[i].vec * 4 + 2), DOS_SEG);
	}
	uint8_t jmp[5] = { 0xEA, DOS_CALL5, 0, DOS_SEG & 0xFF, DOS_SEG >> 8 };
	dos_write_mem(d, 0, 0xC0, jmp, sizeof(jmp));
	(void)vm16_write(d->vm, 0x1000C0, jmp, sizeof(jmp));
}

/* DOS_HIGH: the kernel takes the HMA (if it exists and is free) and puts
 * its tables there; INT 2Fh/4A01h-4A02h then give out the rest of it. */
static void dos_layout(struct dos *d)
{
	d->high = vdd_property(d->vm, "DOS_HIGH") && vdd_hma_claim(d->vm, "DOS") == 0;
	d->root_psp = d->high ? DOS_HIGH_ROOT_PSP : DOS_ROOT_PSP;
	d->hma_free = d->high ? (DOS_HMA_TABLES + DOS_ROOT_PSP_OFF - DOS_TABLES + 15u) & ~15u : 0x10000;
}

static int install(struct dos *d)
{
	uint8_t seg[DOS_ROOT_PSP_OFF];
	memset(seg, 0, sizeof(seg));
	dos_layout(d);
	build_dos_segment(d, seg);
	if (d->high) {
		dos_write_mem(d, DOS_SEG, 0, seg, DOS_TABLES);
		dos_write_mem(d, 0xFFFF, DOS_HMA_TABLES, seg + DOS_TABLES, DOS_ROOT_PSP_OFF - DOS_TABLES);
	} else {
		dos_write_mem(d, DOS_SEG, 0, seg, sizeof(seg));
	}
	dos_link_vdd_devices(d);
	set_vectors(d);
	/* Deep sleep (src/vm/quiet.c, docs/idle.md): the console wait only
	 * looks for input, and calls INT 28h each time round. (The monitor's
	 * table has room for the BIOS's entries and these.) */
	(void)vm_quiet_add_wait(d->vm, DOS_SEG, DOS_INT21_WAITED);
	(void)vm_quiet_add_vector(d->vm, 0x28, DOS_SEG, DOS_INT28, NULL);
	static const struct {
		uint8_t n;
		vm16_svc_fn fn;
	} svcs[] = {
		{ DOS_SVC_INT21, dos_svc_int21 }, { DOS_SVC_INT20, svc_int20 }, { DOS_SVC_INT25, svc_int25 },
		{ DOS_SVC_INT26, svc_int25 }, { DOS_SVC_INT27, svc_int27 }, { DOS_SVC_INT29, svc_int29 },
		{ DOS_SVC_INT2F, svc_int2f }, { DOS_SVC_CALL5, svc_call5 }, { DOS_SVC_INT23, svc_int23 },
	};
	for (size_t i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++)
		vm_set_svc_internal(d->vm, svcs[i].n, svcs[i].fn, d);
	/* Memory: the arena runs from the first MCB to the top of RAM. */
	d->mem_top = (uint16_t)(d->vm->cfg.mem_4k * 256u);
	int e = dos_mem_init(d, (uint16_t)(d->root_psp + DOS_ROOT_MCB_PARAS), d->mem_top);
	if (e)
		return e;
	if (vdd_property(d->vm, "DOS_UMB"))
		dos_umb_init(d);
	/* The root PSP: parent of the first program, parent of itself. */
	dos_new_psp(d, d->root_psp, d->mem_top, d->root_psp);
	dos_wr16(d, d->root_psp, 0x2C, (uint16_t)(d->root_psp + DOS_ROOT_ENV_PARAS));
	dos_wr16(d, d->root_psp, 0x0A, DOS_ROOT_EXIT);
	dos_wr16(d, d->root_psp, 0x0C, DOS_SEG);
	d->psp = d->root_psp;
	dos_files_init(d);
	return 0;
}

struct dos_drives *dos_drives_wrap(struct hostfs *fs)
{
	struct dos_drives *dr = malloc(sizeof(*dr));
	if (dr)
		dr->fs = fs;
	return dr;
}

struct hostfs *dos_drives_unwrap(struct dos_drives *dr)
{
	struct hostfs *fs = dr ? dr->fs : NULL;
	free(dr);
	return fs;
}

void dos_drives_free(struct dos_drives *dr)
{
	hostfs_destroy(dos_drives_unwrap(dr));
}

void dos_config_default(struct dos_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->console.echo = true; /* version 0.0: the DOS_VERSION setting */
}

/* The reported version: DOS_VERSION (major * 100 + minor, core_props.c)
 * when the VM's configuration gave it, else the config's version, else
 * the setting's default; the setting then holds the version in effect. */
static void dos_apply_version(struct dos *d, const struct dos_config *cfg)
{
	int64_t v = vdd_property(d->vm, "DOS_VERSION");
	if (!vm_setting_given(d->vm, "DOS_VERSION") && cfg->version_major) {
		v = cfg->version_major * 100 + cfg->version_minor % 100;
		vm_setting_store(d->vm, "DOS_VERSION", v);
	}
	d->ver_major = (uint8_t)(v / 100);
	d->ver_minor = (uint8_t)(v % 100);
}

void dos_attach_shell(struct dos *d, const struct dos_shell_hooks *hooks)
{
	d->shell = *hooks;
	if (hooks->svc)
		vm_set_svc_internal(d->vm, DOS_SVC_SHELL, hooks->svc, d);
}

int dos_kernel_create(struct vm *vm, const struct dos_config *cfg, struct dos **out, char *err, size_t errlen)
{
	*out = NULL;
	/* Drives mapped already (dos_program_host_path_keep()): ours now. */
	const bool took = cfg->mapped != NULL;
	struct hostfs *mapped = dos_drives_unwrap(cfg->mapped);
	struct dos *d = calloc(1, sizeof(*d));
	if (!d) {
		hostfs_destroy(mapped);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	d->vm = vm;
	d->con = cfg->console;
	d->start = cfg->start;
	d->start_ctx = cfg->start_ctx;
	dos_apply_version(d, cfg);
	d->true_major = 5;
	d->true_minor = 0;
	d->alloc_strategy = 0;
	d->break_flag = 0;
	d->cfg_env_count = 0;
	dos_disk_init(d);
	int e = dos_printer_init(d, cfg->printer);
	if (e)
		goto err_free;
	d->fs = mapped;
	mapped = NULL;
	e = d->fs ? 0 : hostfs_create(&d->fs);
	if (e)
		goto err_free;
	bool any = false;
	for (int i = 0; i < 26; i++) {
		if (!cfg->drives[i])
			continue;
		if (took) {
			any = true; /* mapped by the lookup, from the same drives */
			continue;
		}
		e = hostfs_map(d->fs, i, cfg->drives[i]);
		if (e) {
			snprintf(err, errlen, "cannot map drive %c: to %s: %s", 'A' + i, cfg->drives[i], strerror(-e));
			goto err_fs;
		}
		any = true;
	}
	if (!any) {
		snprintf(err, errlen, "no drive is mapped");
		e = -EINVAL;
		goto err_fs;
	}
	for (unsigned i = 0; i < cfg->nenv && i < DOS_MAX_ENV; i++) {
		if (!strchr(cfg->env[i], '=') || strlen(cfg->env[i]) >= DOS_ENV_ENTRY_MAX) {
			snprintf(err, errlen, "bad environment entry '%s' (NAME=VALUE, at most %d bytes)",
				 cfg->env[i], DOS_ENV_ENTRY_MAX - 1);
			e = -EINVAL;
			goto err_fs;
		}
		if (!(d->cfg_env[d->cfg_env_count] = strdup(cfg->env[i]))) {
			snprintf(err, errlen, "out of memory");
			e = -ENOMEM;
			goto err_fs;
		}
		d->cfg_env_count++;
	}
	if (cfg->autoexec && cfg->autoexec[0]) {
		if (strlen(cfg->autoexec) > 4096 || !(d->autoexec = strdup(cfg->autoexec))) {
			snprintf(err, errlen, "the start-up commands are longer than 4096 bytes");
			e = -E2BIG;
			goto err_fs;
		}
	}
	if (d->con.write)
		vm16_set_console_tap(vm, d->con.write, d->con.ctx);
	e = install(d);
	if (e) {
		snprintf(err, errlen, "cannot set up DOS memory: %s", d->err);
		goto err_fs;
	}
	*out = d;
	return 0;

err_fs:
	free(d->autoexec);
	for (unsigned i = 0; i < d->cfg_env_count; i++)
		free(d->cfg_env[i]);
	hostfs_destroy(d->fs);
err_free:
	hostfs_destroy(mapped);
	dos_printer_close(d);
	free(d);
	return e < 0 ? e : -EINVAL;
}

void dos_destroy(struct dos *d)
{
	if (!d)
		return;
	if (d->disk_event > 0)
		vdd_cancel(d->vm, d->disk_event);
	dos_files_close_all(d);
	if (d->shell.free_all)
		d->shell.free_all(d);
	vm16_set_console_tap(d->vm, NULL, NULL);
	hostfs_destroy(d->fs);
	dos_printer_close(d);
	free(d->autoexec);
	free(d->autoexec_batch);
	for (unsigned i = 0; i < d->cfg_env_count; i++)
		free(d->cfg_env[i]);
	free(d->hist);
	free(d);
}
