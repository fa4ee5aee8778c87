/*
 * fpu.c - the x87's state: initialisation, exceptions and their signal
 * (ES, B, the error output), the tag word, and the environment formats of
 * FSTENV/FLDENV/FSAVE/FRSTOR (docs/x87.md).
 *
 * Sources: Intel 8087 data sheet, 80287 and 80387 Programmer's Reference
 * Manuals (FINIT values, the environment layouts), SDM Vol. 1 8.1.
 */
#include "cpu/fpu.h"

const char *cpu_fpu_name(enum cpu_fpu f)
{
	switch (f) {
	case CPU_FPU_NONE: return "none";
	case CPU_FPU_8087: return "8087";
	case CPU_FPU_80287: return "80287";
	case CPU_FPU_80387: return "80387";
	default: return "?";
	}
}

static void set_ferr(struct cpu *c, bool on)
{
	if (c->x87.ferr == on)
		return;
	c->x87.ferr = on;
	if (c->bus.fpu_error)
		c->bus.fpu_error(c->bus.ctx, on);
}

/* FNINIT (80387 PRM FINIT): CW 037Fh on the 387 (03FFh on the 8087 and
 * 287, whose bit 7 is the 8087's interrupt mask), SW 0, every register
 * empty, the pointers cleared. */
void cpu_fpu_init(struct cpu *c)
{
	struct cpu_x87 *f = &c->x87;
	f->cw = c->fpu == CPU_FPU_80387 ? 0x037F : 0x03FF;
	f->sw = 0;
	f->top = 0;
	f->empty = 0xFF;
	f->fop = 0;
	f->fcs = f->fds = 0;
	f->fip = f->fdp = 0;
	set_ferr(c, false);
}

void cpu_set_fpu(struct cpu *c, enum cpu_fpu fpu)
{
	c->fpu = fpu < CPU_FPU_COUNT ? fpu : CPU_FPU_NONE;
	if (c->model == CPU_80386)
		c->in.cr0 = c->fpu ? c->in.cr0 | CR0_ET : c->in.cr0 & ~(uint32_t)CR0_ET;
	cpu_fpu_init(c);
}

void cpu_set_fpu_fast(struct cpu *c, bool on)
{
	c->in.fpu_general = !on;
}

uint16_t cpu_fpu_status(const struct cpu *c)
{
	return (uint16_t)((c->x87.sw & ~0x3800u) | (unsigned)c->x87.top << 11);
}

/* The error output follows ES unless CR0.NE asks for #MF instead (i486
 * PRM 7.2); the 8087 also needs its IEM clear. */
static void signal_error(struct cpu *c)
{
	const bool pending = (c->x87.sw & SW_ES) != 0;
	bool on = pending && !(c->in.cr0 & CR0_NE);
	if (c->fpu == CPU_FPU_8087 && (c->x87.cw & CW_IEM))
		on = false;
	set_ferr(c, on);
}

void fpu_update_es(struct cpu *c)
{
	struct cpu_x87 *f = &c->x87;
	if (f->sw & ~f->cw & 0x3F)
		f->sw |= SW_ES | SW_B;
	else
		f->sw &= (uint16_t)~(SW_ES | SW_B);
	signal_error(c);
}

void fpu_raise(struct cpu *c, unsigned exc)
{
	struct cpu_x87 *f = &c->x87;
	f->sw |= (uint16_t)(exc & 0x7F);
	if (exc & ~f->cw & 0x3F) {
		f->sw |= SW_ES | SW_B;
		signal_error(c);
	}
}

uint16_t fpu_tag_word(const struct cpu *c)
{
	const struct cpu_x87 *f = &c->x87;
	const bool old = c->fpu != CPU_FPU_80387;
	uint16_t tw = 0;
	for (unsigned p = 0; p < 8; p++) {
		unsigned t = 3;
		if (!((f->empty >> p) & 1)) {
			const f80 v = { f->m[p], f->se[p] };
			t = f80_tag(v);
			/* The 8087/287 tag unnormals and pseudo-zeros (exponent
			 * neither 0 nor 7FFFh, integer bit clear) valid, 00b; the
			 * 387 special, 10b (SDM Vol. 3 22.18.4). */
			if (old && f80_exp(v) != 0 && f80_exp(v) != F80_EXP_MAX && !(v.m & F80_INT))
				t = 0;
		}
		tw |= (uint16_t)(t << (2 * p));
	}
	return tw;
}

f80 fpu_read80(struct cpu *c, unsigned seg, uint32_t off)
{
	f80 v;
	v.m = mem_read32(c, seg, off) | (uint64_t)mem_read32(c, seg, off + 4) << 32;
	v.se = mem_read16(c, seg, off + 8);
	return v;
}

void fpu_write80(struct cpu *c, unsigned seg, uint32_t off, f80 v)
{
	/* Check the whole operand before writing any of it. */
	mem_seg_check(c, seg, off, 10, true);
	mem_write32(c, seg, off, (uint32_t)v.m);
	mem_write32(c, seg, off + 4, (uint32_t)(v.m >> 32));
	mem_write16(c, seg, off + 8, v.se);
}

/* The environment (SDM Vol. 1 Figures 8-9 to 8-12; 80387 PRM Figures
 * 6-6 to 6-9). In real and V86 mode the pointers are 20-bit (16-bit
 * format) or 32-bit (32-bit format) linear addresses, split around the
 * opcode; in protected mode they are selector:offset. The 32-bit formats
 * fill the unused upper halves with ones. */
void fpu_store_env(struct cpu *c, unsigned seg, uint32_t off, unsigned osz, bool regs)
{
	struct cpu_x87 *f = &c->x87;
	const unsigned size = (osz == 4 ? 28 : 14) + (regs ? 80 : 0);
	mem_seg_check(c, seg, off, size, true);
	const uint16_t cw = f->cw, sw = cpu_fpu_status(c), tw = fpu_tag_word(c);
	uint32_t w[7];
	if (cpu_pm(c)) {
		w[3] = f->fip;
		w[4] = osz == 4 ? (uint32_t)f->fcs | (uint32_t)(f->fop & 0x7FF) << 16 : f->fcs;
		w[5] = f->fdp;
		w[6] = f->fds;
	} else {
		const uint32_t ip = ((uint32_t)f->fcs << 4) + f->fip, dp = ((uint32_t)f->fds << 4) + f->fdp;
		w[3] = ip & 0xFFFF;
		w[4] = (ip >> 16) << 12 | (f->fop & 0x7FFu);
		w[5] = dp & 0xFFFF;
		w[6] = (dp >> 16) << 12;
	}
	w[0] = cw;
	w[1] = sw;
	w[2] = tw;
	if (osz == 4) {
		/* Reserved upper halves: CW, SW, TW always; the real-mode
		 * offsets and the protected-mode FDS. */
		const uint32_t ones = 0xFFFF0000u;
		const bool pm = cpu_pm(c);
		const uint32_t d[7] = { w[0] | ones, w[1] | ones, w[2] | ones, pm ? w[3] : w[3] | ones, w[4],
					pm ? w[5] : w[5] | ones, pm ? w[6] | ones : w[6] };
		for (unsigned k = 0; k < 7; k++)
			mem_write32(c, seg, off + 4 * k, d[k]);
	} else {
		for (unsigned k = 0; k < 7; k++)
			mem_write16(c, seg, off + 2 * k, (uint16_t)w[k]);
	}
	if (!regs)
		return;
	const uint32_t base = off + (osz == 4 ? 28 : 14);
	for (unsigned i = 0; i < 8; i++)
		fpu_write80(c, seg, base + 10 * i, st_get(f, i));
}

void fpu_load_env(struct cpu *c, unsigned seg, uint32_t off, unsigned osz, bool regs)
{
	struct cpu_x87 *f = &c->x87;
	uint32_t w[7];
	for (unsigned k = 0; k < 7; k++)
		w[k] = osz == 4 ? mem_read32(c, seg, off + 4 * k) : mem_read16(c, seg, off + 2 * k);
	f80 r[8];
	if (regs) {
		const uint32_t base = off + (osz == 4 ? 28 : 14);
		for (unsigned i = 0; i < 8; i++)
			r[i] = fpu_read80(c, seg, base + 10 * i);
	}
	f->cw = (uint16_t)w[0];
	if (c->fpu == CPU_FPU_80387)
		f->cw |= 0x40; /* reads as one on the 387 */
	f->sw = (uint16_t)(w[1] & ~0x3800u);
	f->top = (uint8_t)((w[1] >> 11) & 7);
	uint8_t empty = 0;
	for (unsigned p = 0; p < 8; p++)
		if (((w[2] >> (2 * p)) & 3) == 3)
			empty |= (uint8_t)(1u << p);
	if (cpu_pm(c)) {
		f->fip = osz == 4 ? w[3] : (uint16_t)w[3];
		f->fcs = (uint16_t)w[4];
		f->fop = osz == 4 ? (uint16_t)((w[4] >> 16) & 0x7FF) : f->fop;
		f->fdp = osz == 4 ? w[5] : (uint16_t)w[5];
		f->fds = (uint16_t)w[6];
	} else {
		f->fcs = f->fds = 0;
		f->fip = (w[3] & 0xFFFF) | ((w[4] >> 12) << 16);
		f->fdp = (w[5] & 0xFFFF) | ((w[6] >> 12) << 16);
		if (osz == 2) {
			f->fip &= 0xFFFFF;
			f->fdp &= 0xFFFFF;
		}
		f->fop = (uint16_t)(w[4] & 0x7FF);
	}
	if (regs) {
		for (unsigned i = 0; i < 8; i++) {
			const unsigned p = st_phys(f, i);
			f->m[p] = r[i].m;
			f->se[p] = r[i].se;
		}
	}
	f->empty = empty;
	fpu_update_es(c);
}
