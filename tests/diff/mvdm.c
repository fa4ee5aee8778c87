/*
 * mvdm.c - the mvdm side of cpu-diff: a bare struct cpu (model 80386) with
 * the whole 1 MiB + 64 KiB image mapped as RAM, every exception reported as
 * an exit instead of being delivered.
 */
#include "diff.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"

/* A REP string instruction may retire per iteration; a guard against a core
 * that never leaves an instruction. */
#define MAX_RUNS_PER_STEP 100000

struct mv {
	struct cpu cpu;
	uint8_t *ram;
	bool fpu;     /* a 387 attached (the fpu mode; elsewhere CR0.ET would differ) */
};

struct mv *mv_open(uint8_t *ram)
{
	struct mv *m = calloc(1, sizeof *m);
	if (m)
		m->ram = ram;
	return m;
}

void mv_set_fpu(struct mv *m, bool on)
{
	m->fpu = on;
}

void mv_close(struct mv *m)
{
	if (!m)
		return;
	cpu_destroy(&m->cpu);
	free(m);
}

int mv_load(struct mv *m, const struct xstate *st)
{
	struct cpu *c = &m->cpu;
	const struct cpu_bus bus = { .ctx = m };

	cpu_destroy(c);
	cpu_init(c, CPU_80386, &bus);
	cpu_set_fpu(c, m->fpu ? CPU_FPU_80387 : CPU_FPU_NONE);
	if (cpu_map_ram(c, 0, DIFF_RAM_SIZE, m->ram, true) != 0)
		return -1;
	c->exception_exit_mask = 0xFFFFFFFFu;
	c->trap_mask = 0;
	for (int i = 0; i < 8; i++)
		c->r[i].d = st->r[i];
	for (int i = 0; i < S_COUNT; i++)
		cpu_load_seg(c, (enum cpu_seg)i, st->seg[i]);
	cpu_set_flags(c, st->eflags);
	c->ip = st->eip;
	return 0;
}

int mv_reload(struct mv *m, const struct xstate *st)
{
	struct cpu *c = &m->cpu;
	/* Keeps the block cache; marks all memory as written by the host (the
	 * harness rewrote it), so cached blocks are checked against the bytes. */
	cpu_reset(c);
	c->exception_exit_mask = 0xFFFFFFFFu;
	c->trap_mask = 0;
	for (int i = 0; i < 8; i++)
		c->r[i].d = st->r[i];
	for (int i = 0; i < S_COUNT; i++)
		cpu_load_seg(c, (enum cpu_seg)i, st->seg[i]);
	cpu_set_flags(c, st->eflags);
	c->ip = st->eip;
	return 0;
}

static const char *exit_name(enum cpu_exit e)
{
	switch (e) {
	case CPU_EXIT_BUDGET: return "budget";
	case CPU_EXIT_HLT: return "hlt";
	case CPU_EXIT_IO: return "io";
	case CPU_EXIT_TRAP: return "trap";
	case CPU_EXIT_EXCEPTION: return "exception";
	case CPU_EXIT_INVALID: return "invalid opcode";
	case CPU_EXIT_SHUTDOWN: return "shutdown";
	case CPU_EXIT_STOP: return "stop";
	default: return "other";
	}
}

int mv_step(struct mv *m, char *err, size_t errlen)
{
	struct cpu *c = &m->cpu;
	uint16_t cs = c->seg[SEG_CS];
	uint32_t ip = c->ip;

	for (int n = 0; n < MAX_RUNS_PER_STEP; n++) {
		enum cpu_exit e = cpu_run(c, 1);
		if (e != CPU_EXIT_BUDGET) {
			snprintf(err, errlen, "mvdm exit '%s' (vector %u) at %04x:%04x",
				 exit_name(e), c->exit.vector, c->exit.cs, (unsigned)c->exit.ip);
			return -1;
		}
		/* Done unless a REP string instruction stopped between iterations. */
		if (c->ip != ip || c->seg[SEG_CS] != cs)
			return 0;
	}
	snprintf(err, errlen, "mvdm stayed at %04x:%04x for %d runs", cs, ip, MAX_RUNS_PER_STEP);
	return -1;
}

int mv_run_to(struct mv *m, uint32_t end_ip, uint64_t budget, char *err, size_t errlen)
{
	struct cpu *c = &m->cpu;
	enum cpu_exit e = cpu_run(c, budget);
	if (e == CPU_EXIT_INVALID && c->ip == end_ip)
		return 0;
	snprintf(err, errlen, "mvdm exit '%s' (vector %u) at %04x:%04x, not at the end marker %04x",
		 exit_name(e), c->exit.vector, c->seg[SEG_CS], (unsigned)c->ip, end_ip);
	return -1;
}

void mv_read(struct mv *m, struct xstate *st)
{
	struct cpu *c = &m->cpu;
	for (int i = 0; i < 8; i++)
		st->r[i] = c->r[i].d;
	for (int i = 0; i < S_COUNT; i++)
		st->seg[i] = c->seg[i];
	st->eip = c->ip;
	st->eflags = cpu_get_flags(c);
	st->cr0 = cpu_get_cr(c, 0) & 0x8000000Fu;
	for (int i = 0; i < 8; i++) {
		st->fm[i] = c->x87.m[i];
		st->fse[i] = c->x87.se[i];
	}
	st->fcw = c->x87.cw;
	st->fsw = cpu_fpu_status(c);
	st->fempty = c->x87.empty;
}

void mv_sync_mem(struct mv *m, uint32_t linear, uint32_t size)
{
	cpu_mem_written(&m->cpu, linear, size);
}

void mv_sync_reg(struct mv *m, int reg, uint32_t value)
{
	m->cpu.r[reg].d = value;
}

void mv_sync_flags(struct mv *m, uint32_t eflags)
{
	cpu_set_flags(&m->cpu, eflags);
}

int mv_disasm(struct mv *m, uint16_t seg, uint32_t off, char *buf, size_t len)
{
	/* In protected mode the code is CS's, whatever the listing's real-mode CS. */
	if (cpu_mode(&m->cpu) == CPU_MODE_PROT)
		seg = m->cpu.seg[SEG_CS];
	return cpu_disasm(&m->cpu, seg, off, buf, len);
}

/* Segment bases must follow the selectors (the GDT's in protected mode). */
int mv_check_bases(struct mv *m, const struct seq *s, char *err, size_t errlen)
{
	struct cpu *c = &m->cpu;
	struct xstate st;
	mv_read(m, &st);
	for (int i = 0; i < S_COUNT; i++) {
		uint32_t want = diff_seg_base(s, &st, i);
		if (c->seg_base[i] != want) {
			snprintf(err, errlen, "mvdm seg_base[%d] = %05x but selector %04x has %05x", i,
				 c->seg_base[i], c->seg[i], want);
			return -1;
		}
	}
	return 0;
}
