/*
 * main.c - cpu-diff: differential testing of the mvdm CPU core (80386 model,
 * real, protected, paged and V86 mode) against Unicorn, one instruction at a
 * time or whole sequences in one cpu_run().
 *
 *   cpu-diff [--seed N] [--count N] [--length N] [--verbose]
 *            [--start N] [--template NAME] [--list] [--block] [--mode M]
 *
 * --count sequences of --length template instances each; sequence i depends
 * only on (seed, i), so `--start i --count 1` replays one. Prints per-template
 * counts, the first mismatch of each template, and
 * "cpu-diff: N passed, N failed" (sequences). Exit status 1 on any mismatch.
 */
#include "diff.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A core that never returns from cpu_run() cannot be compared: a watchdog
 * ends the run with a replay line instead of hanging the test. */
#define WATCHDOG_SECONDS 20
static char watchdog_msg[512];
static size_t watchdog_len;

static void on_watchdog(int sig)
{
	(void)sig;
	fflush(stdout);   /* the main thread is stuck inside the core, not in stdio */
	if (write(STDERR_FILENO, watchdog_msg, watchdog_len) < 0)
		_exit(1);
	_exit(1);
}

struct opts {
	enum diff_mode mode;
	uint64_t seed;
	uint64_t count;
	uint64_t start;
	unsigned length;
	bool verbose;
	bool block;
	int only;
};

struct stats {
	uint64_t executed;     /* instructions of this template run */
	uint64_t failed;       /* sequences that failed on one of them */
	uint64_t undef_diff;   /* runs where only undefined results differed */
	bool reported;
};

struct fail {
	unsigned insn;         /* index in seq.insn, or -1u for no instruction */
	bool harness;          /* the harness/generator (or Unicorn) failed */
	char err[256];
	struct xstate before, u, m;
	struct mismatch mm;
	uint32_t mem_lin;      /* the instruction's memory operand (linear) */
	uint8_t mem_before[8]; /* and its bytes before it ran */
	int block_pass;        /* block mode: 0 first run, 1 cached run, -1 n/a */
	int block_step;        /* block mode: first instruction whose registers differ */
};

struct ctx {
	uint8_t *pristine, *uram, *mram;
	uint8_t *mlin;         /* paging mode: mram as the linear addresses see it */
	struct uni *uni;
	struct mv *mv;
	struct seq seq;
	uint64_t exits[DIFF_MAX_INSNS + 1];
	struct xstate ustate[DIFF_MAX_INSNS + 1];  /* block mode: Unicorn after each step */
	unsigned ustate_insn[DIFF_MAX_INSNS + 1];
};

/* Block mode: an invalid opcode right after the code (0F 0B, UD2, is #UD on
 * an 80386) stops the core at the end of the sequence. */
static const uint8_t end_marker[2] = { 0x0F, 0x0B };

static uint8_t *alloc_ram(void)
{
	uint8_t *p = aligned_alloc(4096, DIFF_RAM_SIZE);
	if (!p) {
		fprintf(stderr, "cpu-diff: out of memory\n");
		exit(2);
	}
	return p;
}

static void fill_random(uint8_t *p, uint64_t seed)
{
	struct rng r;
	rng_seed(&r, seed ^ 0x5EEDF00Dull);
	for (uint32_t i = 0; i < DIFF_RAM_SIZE; i += 8) {
		uint64_t v = rng_next(&r);
		memcpy(p + i, &v, 8);
	}
}

/* The system area of a protected-mode sequence (diff.h). */
static void put_sys(const struct seq *s, uint8_t *ram)
{
	if (s->mode != MODE_REAL)
		memcpy(ram + DIFF_SYS_BASE, s->sys, DIFF_SYS_SIZE);
}

/* mvdm's memory as linear addresses see it. Unicorn 2.0.1 ignores the
 * guest's page tables (uni.c), so in the paging mode its image is linear
 * and mvdm's is physical: mvdm's is read through the sequence's page
 * table, and the system area (where only mvdm sets accessed and dirty
 * bits) is taken from Unicorn's. Elsewhere the image itself. */
static const uint8_t *mview(struct ctx *x)
{
	const struct seq *s = &x->seq;
	if (s->mode != MODE_PAGING)
		return x->mram;
	const struct xstate on = { .cr0 = 0x80000001u };
	for (uint32_t p = 0; p < DIFF_RAM_SIZE; p += 4096)
		memcpy(x->mlin + p, x->mram + diff_phys(s, &on, p), 4096);
	memcpy(x->mlin + DIFF_SYS_BASE, x->uram + DIFF_SYS_BASE, DIFF_SYS_SIZE);
	return x->mlin;
}

/* Paging mode: mvdm's physical memory holds each linear page of the
 * image in its frame (the pages below the data area, where the prologue
 * runs before paging is on, are identity-mapped). */
static void scatter(struct ctx *x, uint8_t *ram)
{
	const struct seq *s = &x->seq;
	if (s->mode != MODE_PAGING)
		return;
	const struct xstate on = { .cr0 = 0x80000001u };
	memcpy(x->mlin, ram, DIFF_RAM_SIZE);
	for (uint32_t p = 0; p < DIFF_RAM_SIZE; p += 4096)
		memcpy(ram + diff_phys(s, &on, p), x->mlin + p, 4096);
}

/* Make mvdm's bytes at linear [lin, lin+len) Unicorn's. */
static void sync_mem(struct ctx *x, const struct xstate *st, uint32_t lin, uint32_t len)
{
	for (uint32_t k = 0; k < len; k++) {
		uint32_t pa = diff_phys(&x->seq, st, lin + k);
		x->mram[pa] = x->uram[lin + k];
		mv_sync_mem(x->mv, pa, 1);
	}
}

/* Run ctx->seq on both sides. Returns 0 when equal, 1 on a mismatch or harness
 * failure (f filled in), 2 when only the end-of-sequence whole-memory check
 * failed. full_mem compares all memory after every instruction (slow). */
static int run_sequence(struct ctx *x, bool full_mem, struct stats *st, struct fail *f)
{
	const struct seq *s = &x->seq;
	const uint32_t ip0 = s->init.eip;
	const uint32_t code_lin = ((uint32_t)s->init.seg[S_CS] << 4) + ip0;
	struct xstate cur = s->init;

	memset(f, 0, sizeof *f);
	f->insn = -1u;
	f->block_pass = -1;
	f->block_step = -1;
	memcpy(x->uram, x->pristine, DIFF_RAM_SIZE);
	memcpy(x->mram, x->pristine, DIFF_RAM_SIZE);
	put_sys(s, x->uram);
	put_sys(s, x->mram);
	memcpy(x->uram + code_lin, s->code, s->len);
	memcpy(x->mram + code_lin, s->code, s->len);
	scatter(x, x->mram);
	for (unsigned i = 0; i < s->n_insn; i++)
		x->exits[i] = code_lin + s->insn[i].off;
	x->exits[s->n_insn] = code_lin + s->len;

	if (uni_load(x->uni, &s->init, code_lin, s->len) != 0 || mv_load(x->mv, &s->init) != 0) {
		f->harness = true;
		snprintf(f->err, sizeof f->err, "cannot load the initial state");
		return 1;
	}
	for (unsigned steps = 0;; steps++) {
		if (cur.eip == ip0 + s->len)
			break;
		unsigned k;
		for (k = 0; k < s->n_insn; k++)
			if (ip0 + s->insn[k].off == cur.eip)
				break;
		if (k == s->n_insn || steps > s->n_insn) {
			f->harness = true;
			snprintf(f->err, sizeof f->err, "Unicorn went to IP %04x, not an instruction start",
				 cur.eip);
			return 1;
		}
		const struct insn *in = &s->insn[k];
		f->insn = k;
		f->before = cur;
		if (in->mem_seg >= 0) {
			f->mem_lin = diff_seg_base(s, &cur, in->mem_seg) + in->mem_ea;
			if (f->mem_lin + sizeof f->mem_before <= DIFF_RAM_SIZE)
				memcpy(f->mem_before, x->uram + f->mem_lin, sizeof f->mem_before);
		}
		if (uni_step(x->uni, x->exits, s->n_insn + 1, x->exits[k], f->err, sizeof f->err) != 0) {
			f->harness = true;
			return 1;
		}
		st[in->tmpl].executed++;
		uni_read(x->uni, &f->u);
		if (mv_step(x->mv, f->err, sizeof f->err) != 0) {
			mv_read(x->mv, &f->m);
			snprintf(f->mm.what, sizeof f->mm.what, "%s", f->err);
			return 1;
		}
		mv_read(x->mv, &f->m);
		if (!compare_step(s, in, &f->u, &f->m, x->uram, full_mem ? mview(x) : x->mram, full_mem, &f->mm))
			return 1;
		/* (During a protected-mode prologue the caches still hold what
		 * real mode loaded: checked once it has reloaded them all.) */
		if ((s->mode == MODE_REAL || in->tmpl != TMPL_SETUP) &&
		    mv_check_bases(x->mv, s, f->err, sizeof f->err) != 0) {
			snprintf(f->mm.what, sizeof f->mm.what, "%s", f->err);
			return 1;
		}
		/* Make the undefined parts equal so differences do not spread. */
		if (((f->u.eflags ^ f->m.eflags) & in->undef_flags) ||
		    (in->undef_reg >= 0 && ((f->u.r[in->undef_reg] ^ f->m.r[in->undef_reg]) & in->undef_reg_mask)))
			st[in->tmpl].undef_diff++;
		uint32_t ua, ul;
		if (undef_mem_range(s, in, &f->u, &ua, &ul) && ua + ul <= DIFF_RAM_SIZE)
			sync_mem(x, &f->u, ua, ul);
		if (in->undef_reg >= 0)
			mv_sync_reg(x->mv, in->undef_reg, f->u.r[in->undef_reg]);
		if ((f->u.eflags ^ f->m.eflags) & in->undef_flags)
			mv_sync_flags(x->mv, (f->m.eflags & ~in->undef_flags) | (f->u.eflags & in->undef_flags));
		cur = f->u;
	}
	if (!full_mem && memcmp(x->uram, mview(x), DIFF_RAM_SIZE) != 0)
		return 2;
	return 0;
}

static void load_image(struct ctx *x, uint8_t *ram)
{
	const struct seq *s = &x->seq;
	const uint32_t code_lin = ((uint32_t)s->init.seg[S_CS] << 4) + s->init.eip;
	memcpy(ram, x->pristine, DIFF_RAM_SIZE);
	put_sys(s, ram);
	memcpy(ram + code_lin, s->code, s->len);
	memcpy(ram + code_lin + s->len, end_marker, sizeof end_marker);
}

/* Block mode: Unicorn one instruction at a time to the end of the sequence;
 * mvdm in one cpu_run() with a large budget (its block cache and threaded
 * code), twice: on a fresh core (blocks being recorded) and again on the same
 * core (blocks cached). The generator made every result defined, so the
 * final states and memory are compared in full. */
static int run_block(struct ctx *x, struct stats *st, struct fail *f)
{
	const struct seq *s = &x->seq;
	const uint32_t ip0 = s->init.eip;
	const uint32_t code_lin = ((uint32_t)s->init.seg[S_CS] << 4) + ip0;
	const struct insn none = { .undef_reg = -1, .mem_seg = -1 };
	struct xstate cur = s->init;
	unsigned nsteps = 0;

	memset(f, 0, sizeof *f);
	f->insn = -1u;
	f->block_pass = -1;
	f->block_step = -1;
	load_image(x, x->uram);
	for (unsigned i = 0; i < s->n_insn; i++)
		x->exits[i] = code_lin + s->insn[i].off;
	x->exits[s->n_insn] = code_lin + s->len;
	if (uni_load(x->uni, &s->init, code_lin, s->len) != 0) {
		f->harness = true;
		snprintf(f->err, sizeof f->err, "cannot load the initial state");
		return 1;
	}
	while (cur.eip != ip0 + s->len) {
		unsigned k;
		for (k = 0; k < s->n_insn; k++)
			if (ip0 + s->insn[k].off == cur.eip)
				break;
		if (k == s->n_insn || nsteps > s->n_insn) {
			f->harness = true;
			snprintf(f->err, sizeof f->err, "Unicorn went to IP %04x, not an instruction start",
				 cur.eip);
			return 1;
		}
		if (uni_step(x->uni, x->exits, s->n_insn + 1, x->exits[k], f->err, sizeof f->err) != 0) {
			f->insn = k;
			f->harness = true;
			return 1;
		}
		st[s->insn[k].tmpl].executed++;
		uni_read(x->uni, &cur);
		x->ustate[nsteps] = cur;
		x->ustate_insn[nsteps] = k;
		nsteps++;
	}
	f->u = cur;
	f->before = s->init;
	for (int pass = 0; pass < 2; pass++) {
		load_image(x, x->mram);
		scatter(x, x->mram);
		if ((pass == 0 ? mv_load(x->mv, &s->init) : mv_reload(x->mv, &s->init)) != 0) {
			f->harness = true;
			snprintf(f->err, sizeof f->err, "cannot load the initial state");
			return 1;
		}
		f->block_pass = pass;
		int r = mv_run_to(x->mv, ip0 + s->len, 100000, f->err, sizeof f->err);
		mv_read(x->mv, &f->m);
		if (r != 0)
			snprintf(f->mm.what, sizeof f->mm.what, "%s", f->err);
		if (r != 0 || !compare_step(s, &none, &f->u, &f->m, x->uram, mview(x), true, &f->mm)) {
			/* Find the first instruction after which the registers
			 * differ: rerun with budgets 1, 2, ... on the same core. */
			for (unsigned n = 1; n <= nsteps; n++) {
				struct xstate m;
				struct mismatch mm;
				char err[64];
				load_image(x, x->mram);
				scatter(x, x->mram);
				mv_reload(x->mv, &s->init);
				(void)mv_run_to(x->mv, 0xFFFFFFFFu, n, err, sizeof err);
				mv_read(x->mv, &m);
				if (!compare_step(s, &none, &x->ustate[n - 1], &m, x->uram, x->mram, false, &mm)) {
					f->block_step = (int)x->ustate_insn[n - 1];
					break;
				}
			}
			return 1;
		}
	}
	return 0;
}

static void print_bytes(FILE *o, const uint8_t *p, unsigned n, unsigned width)
{
	unsigned i;
	for (i = 0; i < n; i++)
		fprintf(o, "%02x ", p[i]);
	for (; i < width; i++)
		fprintf(o, "   ");
}

static void print_listing(FILE *o, struct ctx *x, const struct insn *bad)
{
	const struct seq *s = &x->seq;
	fprintf(o, "  sequence (%u bytes at %04x:%04x):\n", s->len, s->init.seg[S_CS], s->init.eip);
	for (unsigned i = 0; i < s->n_insn; i++) {
		const struct insn *in = &s->insn[i];
		fprintf(o, "  %s %04x: ", in == bad ? "=>" : "  ", s->init.eip + in->off);
		print_bytes(o, s->code + in->off, in->len, 12);
		char dis[96];
		mv_disasm(x->mv, s->init.seg[S_CS], s->init.eip + in->off, dis, sizeof dis);
		fprintf(o, " %-13s %-40s | %s\n",
			in->tmpl == TMPL_SETUP ? "(setup)" : diff_templates[in->tmpl].name, in->note, dis);
	}
}

static void report(FILE *o, struct ctx *x, uint64_t index, const struct opts *op, const struct fail *f)
{
	const struct seq *s = &x->seq;
	const struct insn *bad = f->insn != -1u ? &s->insn[f->insn] : NULL;
	char dis[96];

	const struct insn *named = bad ? bad : f->block_step >= 0 ? &s->insn[f->block_step] : NULL;
	fprintf(o, "\n%s [%s] sequence %" PRIu64 " (replay: --seed %" PRIu64 " --start %" PRIu64
		" --count 1 --length %u%s%s%s --mode %s)\n",
		f->harness ? "HARNESS ERROR" : "MISMATCH",
		named ? diff_templates[named->tmpl].name : "-", index, op->seed, index, op->length,
		op->only >= 0 ? " --template " : "", op->only >= 0 ? diff_templates[op->only].name : "",
		op->block ? " --block" : "", diff_mode_names[op->mode]);
	if (bad) {
		mv_disasm(x->mv, s->init.seg[S_CS], s->init.eip + bad->off, dis, sizeof dis);
		fprintf(o, "  at %04x:%04x: ", s->init.seg[S_CS], s->init.eip + bad->off);
		print_bytes(o, s->code + bad->off, bad->len, 0);
		fprintf(o, "\n  generated as: %s\n  mvdm disasm:  %s\n", bad->note, dis);
	}
	if (f->block_pass >= 0 && !f->harness) {
		fprintf(o, "  block mode, %s run of the sequence in one cpu_run()\n",
			f->block_pass == 0 ? "first (recording)" : "second (cached)");
		if (f->block_step >= 0) {
			const struct insn *in = &s->insn[f->block_step];
			fprintf(o, "  registers first differ after %04x: %s (%s)\n", s->init.eip + in->off,
				in->note, in->tmpl == TMPL_SETUP ? "setup" : diff_templates[in->tmpl].name);
		}
		fprintf(o, "  differs at the end: %s\n", f->mm.what);
		print_state(o, "initial", &f->before);
		print_state(o, "unicorn", &f->u);
		print_state(o, "mvdm", &f->m);
		print_state_diff(o, &f->u, &f->m, 0xFFFFFFFFu);
	} else if (f->harness) {
		fprintf(o, "  %s\n", f->err);
	} else {
		fprintf(o, "  differs: %s\n", f->mm.what);
		if (bad) {
			print_state(o, "before", &f->before);
			print_state(o, "unicorn", &f->u);
			print_state(o, "mvdm", &f->m);
			print_state_diff(o, &f->u, &f->m, ~bad->undef_flags);
			if (bad->mem_seg >= 0) {
				unsigned n = bad->mem_width > 8 ? 8 : bad->mem_width;
				fprintf(o, "    memory operand at %05x (offset %04x): before ", f->mem_lin,
					bad->mem_ea);
				print_bytes(o, f->mem_before, n, 0);
				fprintf(o, " unicorn ");
				print_bytes(o, x->uram + f->mem_lin, n, 0);
				fprintf(o, " mvdm ");
				print_bytes(o, mview(x) + f->mem_lin, n, 0);
				fprintf(o, "\n");
			}
		}
	}
	print_listing(o, x, bad);
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		return -1;
	*v = x;
	return 0;
}

static void usage(FILE *o)
{
	fprintf(o, "usage: cpu-diff [--seed N] [--count N] [--length N] [--verbose]\n"
		   "                [--start N] [--template NAME] [--block] [--list]\n"
		   "                [--mode real|pm16|pm32|paging|v86|fpu]\n"
		   "  --seed N      random seed (default 1)\n"
		   "  --count N     sequences to run (default 200)\n"
		   "  --length N    template instances per sequence (default 8, max %u)\n"
		   "  --start N     index of the first sequence (replay one: --start I --count 1)\n"
		   "  --template T  generate only template T (see --list)\n"
		   "  --verbose     list every sequence and report every mismatch, not only\n"
		   "                the first of each template\n"
		   "  --block       run each sequence on mvdm in one cpu_run() (block cache and\n"
		   "                threaded code, twice: recording and cached) and compare the\n"
		   "                final state; undefined results are made defined by the\n"
		   "                generator\n"
		   "  --mode M      the mode the sequences run in (default real): a prologue\n"
		   "                both sides run enters protected mode (16- or 32-bit code),\n"
		   "                paging (shuffled data pages) or V86 mode (diff.h); fpu:\n"
		   "                x87 instructions in real mode\n",
		DIFF_MAX_GROUPS);
}

int main(int argc, char **argv)
{
	struct opts op = { .seed = 1, .count = 200, .start = 0, .length = 8, .verbose = false,
			   .block = false, .only = -1 };

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		uint64_t v;
		if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			op.verbose = true;
		} else if (!strcmp(a, "--block")) {
			op.block = true;
		} else if (!strcmp(a, "--mode") && i + 1 < argc) {
			const char *m = argv[++i];
			int k;
			for (k = 0; k < MODE_COUNT && strcmp(m, diff_mode_names[k]); k++)
				;
			if (k == MODE_COUNT) {
				fprintf(stderr, "cpu-diff: unknown mode %s\n", m);
				return 2;
			}
			op.mode = (enum diff_mode)k;
		} else if (!strcmp(a, "--list")) {
			for (unsigned t = 1; t < diff_template_count; t++)
				printf("%s\n", diff_templates[t].name);
			return 0;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (i + 1 < argc && !strcmp(a, "--template")) {
			op.only = tmpl_find(argv[++i]);
			if (op.only < 0) {
				fprintf(stderr, "cpu-diff: unknown template '%s' (see --list)\n", argv[i]);
				return 2;
			}
		} else if (i + 1 < argc && !parse_u64(argv[i + 1], &v) &&
			   (!strcmp(a, "--seed") || !strcmp(a, "--count") || !strcmp(a, "--length") ||
			    !strcmp(a, "--start"))) {
			i++;
			if (!strcmp(a, "--seed"))
				op.seed = v;
			else if (!strcmp(a, "--count"))
				op.count = v;
			else if (!strcmp(a, "--start"))
				op.start = v;
			else
				op.length = v == 0 ? 1 : v > DIFF_MAX_GROUPS ? DIFF_MAX_GROUPS : (unsigned)v;
		} else {
			usage(stderr);
			return 2;
		}
	}

	struct ctx *x = calloc(1, sizeof *x);
	struct stats *st = calloc(diff_template_count, sizeof *st);
	char err[256];
	if (!x || !st) {
		fprintf(stderr, "cpu-diff: out of memory\n");
		return 2;
	}
	x->pristine = alloc_ram();
	x->mlin = alloc_ram();
	x->uram = alloc_ram();
	x->mram = alloc_ram();
	fill_random(x->pristine, op.seed);
	x->uni = uni_open(x->uram, err, sizeof err);
	x->mv = mv_open(x->mram);
	if (!x->uni || !x->mv) {
		fprintf(stderr, "cpu-diff: %s\n", x->uni ? "out of memory" : err);
		return 2;
	}
	mv_set_fpu(x->mv, op.mode == MODE_FPU);

	printf("cpu-diff: seed %" PRIu64 ", sequences %" PRIu64 "..%" PRIu64 ", length %u%s%s\n",
	       op.seed, op.start, op.start + op.count, op.length,
	       op.only >= 0 ? ", template " : "", op.only >= 0 ? diff_templates[op.only].name : "");
	uint64_t passed = 0, failed = 0, harness = 0;
	struct fail f;
	signal(SIGALRM, on_watchdog);
	for (uint64_t n = 0; n < op.count; n++) {
		uint64_t index = op.start + n;
		int r;
		int len = snprintf(watchdog_msg, sizeof watchdog_msg,
				   "\nHANG: sequence %" PRIu64 " did not finish in %d s (replay: --seed %" PRIu64
				   " --start %" PRIu64 " --count 1 --length %u%s%s --verbose)\n"
				   "cpu-diff: %" PRIu64 " passed, %" PRIu64 " failed\n",
				   index, WATCHDOG_SECONDS, op.seed, index, op.length,
				   op.only >= 0 ? " --template " : "", op.only >= 0 ? diff_templates[op.only].name : "",
				   passed, failed + 1);
		watchdog_len = len < 0 ? 0 : (size_t)len >= sizeof watchdog_msg ? sizeof watchdog_msg - 1 : (size_t)len;
		alarm(WATCHDOG_SECONDS);
		if (gen_sequence(&x->seq, op.seed, index, op.length, op.only, op.block, op.mode) != 0) {
			memset(&f, 0, sizeof f);
			f.insn = -1u;
			f.block_pass = -1;
			f.block_step = -1;
			f.harness = true;
			snprintf(f.err, sizeof f.err, "generator overflow or template bug");
			r = 1;
		} else if (op.block) {
			r = run_block(x, st, &f);
		} else {
			r = run_sequence(x, false, st, &f);
			if (r != 0 && !f.harness) {
				/* Memory is only compared at the end of the fast run, so
				 * replay comparing all of it after every instruction to
				 * find the first difference (it may be an earlier store
				 * than the register difference the fast run saw). */
				struct stats *tmp = calloc(diff_template_count, sizeof *tmp);
				r = tmp ? run_sequence(x, true, tmp, &f) : 1;
				free(tmp);
				if (r == 0) {
					f.harness = true;
					snprintf(f.err, sizeof f.err, "the fast run differed but the replay did not (nondeterminism?)");
					r = 1;
				}
			}
		}
		if (r == 0) {
			passed++;
			if (op.verbose) {
				printf("\nsequence %" PRIu64 ": ok\n", index);
				print_listing(stdout, x, NULL);
			}
			continue;
		}
		failed++;
		unsigned t = f.insn != -1u ? x->seq.insn[f.insn].tmpl
			   : f.block_step >= 0 ? x->seq.insn[f.block_step].tmpl : 0;
		if (f.harness)
			harness++;
		else
			st[t].failed++;
		if (op.verbose || !st[t].reported || f.harness) {
			report(stdout, x, index, &op, &f);
			st[t].reported = true;
		}
	}

	/* "undefined differ": runs where Unicorn and mvdm disagreed only in
	 * results the manual leaves undefined (informational). */
	alarm(0);
	printf("\n%-22s %12s %10s %17s\n", "template", "insns run", "failed", "undefined differ");
	for (unsigned t = 0; t < diff_template_count; t++)
		printf("%-22s %12" PRIu64 " %10" PRIu64 " %17" PRIu64 "\n", diff_templates[t].name,
		       st[t].executed, st[t].failed, st[t].undef_diff);
	if (harness)
		printf("harness errors: %" PRIu64 "\n", harness);
	printf("cpu-diff: %" PRIu64 " passed, %" PRIu64 " failed\n", passed, failed);

	uni_close(x->uni);
	mv_close(x->mv);
	free(x->pristine);
	free(x->mlin);
	free(x->uram);
	free(x->mram);
	free(st);
	free(x);
	return failed ? 1 : 0;
}
