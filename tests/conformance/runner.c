/*
 * runner.c - running one test vector on a struct cpu; see runner.h.
 */
#include "runner.h"

#include <stdlib.h>
#include <string.h>

/* At most this many instructions to reach the HLT ending a 286 test. */
#define MAX_STEPS 3
/* A budget unit is one iteration of a repeated string instruction
 * (cpu.h `work`): cpu_run(c, 1) runs again until the instruction retires,
 * at most once per iteration CX can ask for. */
#define MAX_ITERATIONS 0x10001

/* Where each vector register lives in struct cpu. */
static const enum cpu_reg gpr_of[VR_COUNT] = {
	[VR_AX] = REG_AX, [VR_BX] = REG_BX, [VR_CX] = REG_CX, [VR_DX] = REG_DX,
	[VR_SP] = REG_SP, [VR_BP] = REG_BP, [VR_SI] = REG_SI, [VR_DI] = REG_DI,
};
static const enum cpu_seg seg_of[VR_COUNT] = {
	[VR_CS] = SEG_CS, [VR_SS] = SEG_SS, [VR_DS] = SEG_DS, [VR_ES] = SEG_ES,
};

static bool is_seg(int r)
{
	return r == VR_CS || r == VR_SS || r == VR_DS || r == VR_ES;
}

const char *runner_exit_name(enum cpu_exit e)
{
	/* A table, not a switch: new exit reasons in cpu.h must not break the build. */
	static const char *const names[] = {
		[CPU_EXIT_BUDGET] = "BUDGET", [CPU_EXIT_HLT] = "HLT", [CPU_EXIT_IO] = "IO",
		[CPU_EXIT_TRAP] = "TRAP", [CPU_EXIT_EXCEPTION] = "EXCEPTION",
		[CPU_EXIT_INVALID] = "INVALID", [CPU_EXIT_SHUTDOWN] = "SHUTDOWN",
		[CPU_EXIT_STOP] = "STOP",
	};
	unsigned i = (unsigned)e;
	if (i < sizeof(names) / sizeof(names[0]) && names[i] != NULL)
		return names[i];
	return "OTHER";
}

struct runner *runner_new(enum cpu_model model)
{
	struct runner *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->model = model;
	r->hlt_ends = model >= CPU_80286;
	r->ram = aligned_alloc(CPU_PAGE_SIZE, RUNNER_RAM_SIZE);
	r->expect = malloc(RUNNER_RAM_SIZE);
	r->stamp = calloc(RUNNER_RAM_SIZE, sizeof(*r->stamp));
	if (r->ram == NULL || r->expect == NULL || r->stamp == NULL) {
		runner_free(r);
		return NULL;
	}
	memset(r->ram, 0, RUNNER_RAM_SIZE);
	return r;
}

void runner_free(struct runner *r)
{
	if (r == NULL)
		return;
	if (r->cpu_ready)
		cpu_destroy(&r->cpu);
	free(r->ram);
	free(r->expect);
	free(r->stamp);
	free(r);
}

void run_result_free(struct run_result *res)
{
	free(res->mem);
	res->mem = NULL;
	res->nmem = res->mem_cap = 0;
}

static bool fail(struct run_result *res, const char *msg)
{
	res->pass = false;
	if (res->note[0] == '\0')
		snprintf(res->note, sizeof(res->note), "%s", msg);
	return false;
}

static bool add_mem_diff(struct run_result *res, struct mem_diff d)
{
	if (res->nmem == res->mem_cap) {
		size_t ncap = res->mem_cap ? res->mem_cap * 2 : 16;
		struct mem_diff *n = realloc(res->mem, ncap * sizeof(*n));
		if (n == NULL)
			return false;
		res->mem = n;
		res->mem_cap = ncap;
	}
	res->mem[res->nmem++] = d;
	return true;
}

static bool ram_in_range(const struct vec_ram_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].addr >= RUNNER_RAM_SIZE)
			return false;
	return true;
}

/* Set the CPU state from the vector's initial state. */
static bool load(struct runner *r, const struct vec_test *t, struct run_result *res)
{
	struct cpu *c = &r->cpu;
	const struct cpu_bus bus = {0};   /* no callbacks: ports read all ones */
	/* First test: full init; then a cheap reset that keeps the memory map
	 * and the block cache. */
	if (!r->cpu_ready) {
		cpu_init(c, r->model, &bus);
		if (cpu_map_ram(c, 0, RUNNER_RAM_SIZE, r->ram, true) != 0)
			return fail(res, "cpu_map_ram() failed");
		if (r->no_block_cache)
			cpu_set_block_cache(c, false);
		r->cpu_ready = true;
	} else {
		cpu_reset(c);
	}
	c->trap_mask = 0;
	c->exception_exit_mask = 0;
	c->io_trap_bitmap = NULL;
	for (int i = 0; i < VR_COUNT; i++) {
		if (i == VR_IP || i == VR_FLAGS)
			continue;
		if (is_seg(i))
			cpu_load_seg(c, seg_of[i], t->init[i]);
		else
			c->r[gpr_of[i]].w[0] = t->init[i];
	}
	c->ip = t->init[VR_IP];
	uint16_t flags = t->init[VR_FLAGS];
	if (r->model == CPU_80286)
		flags &= 0x0FFF;   /* LOADALL values; real mode cannot hold IOPL/NT/bit 15 */
	cpu_set_flags(c, flags);
	return true;
}

/* Runs one instruction: one budget unit, or as many as a repeated string
 * instruction takes to retire. */
static enum cpu_exit run_insn(struct cpu *c)
{
	uint64_t before = c->retired;
	enum cpu_exit e;
	unsigned k = 0;
	do
		e = cpu_run(c, 1);
	while (e == CPU_EXIT_BUDGET && c->retired == before && ++k < MAX_ITERATIONS);
	return e;
}

static void execute(struct runner *r, struct run_result *res)
{
	struct cpu *c = &r->cpu;
	if (!r->hlt_ends) {
		res->exit = run_insn(c);
		if (res->exit != CPU_EXIT_BUDGET)
			snprintf(res->note, sizeof(res->note), "cpu_run() returned %s (%d)",
			         runner_exit_name(res->exit), (int)res->exit);
	} else {
		int steps = 0;
		do {
			res->exit = run_insn(c);
			steps++;
		} while (res->exit == CPU_EXIT_BUDGET && steps < MAX_STEPS);
		if (res->exit != CPU_EXIT_HLT)
			snprintf(res->note, sizeof(res->note),
			         "no HLT exit after %d cpu_run(c, 1) calls (last returned %s (%d))",
			         steps, runner_exit_name(res->exit), (int)res->exit);
	}
	res->executed = c->retired;
}

static void read_back(struct runner *r, struct run_result *res)
{
	struct cpu *c = &r->cpu;
	for (int i = 0; i < VR_COUNT; i++) {
		if (i == VR_IP)
			res->got[i] = c->ip;
		else if (i == VR_FLAGS)
			res->got[i] = cpu_get_flags(c);
		else if (is_seg(i))
			res->got[i] = c->seg[seg_of[i]];
		else
			res->got[i] = c->r[gpr_of[i]].w[0];
	}
}

bool runner_run(struct runner *r, const struct vec_test *t, uint16_t flags_mask,
                FILE *trace, struct run_result *res)
{
	res->pass = true;
	res->note[0] = '\0';
	res->flags_mask = flags_mask;
	res->reg_diff = 0;
	res->nmem = 0;
	res->pushed_flags = false;
	res->executed = 0;
	res->exit = CPU_EXIT_BUDGET;
	memset(res->got, 0, sizeof(res->got));

	/* Expected registers. */
	for (int i = 0; i < VR_COUNT; i++)
		res->want[i] = t->fin[i];
	if (r->model == CPU_80286 && !(t->fin_present & (1u << VR_FLAGS)))
		res->want[VR_FLAGS] &= 0x0FFF;

	if (!ram_in_range(&t->init_ram) || !ram_in_range(&t->final_ram))
		return fail(res, "bad vector: RAM address beyond the 2 MiB test memory");

	/* Initial and expected memory. */
	if (r->gen >= UINT32_MAX - 2) {
		memset(r->stamp, 0, RUNNER_RAM_SIZE * sizeof(*r->stamp));
		r->gen = 0;
	}
	r->gen += 2;
	const uint32_t g = r->gen;
	for (size_t i = 0; i < t->init_ram.n; i++) {
		const struct vec_ram *e = &t->init_ram.v[i];
		r->ram[e->addr] = e->value;
		r->expect[e->addr] = e->value;
		r->stamp[e->addr] = g;
	}
	for (size_t i = 0; i < t->final_ram.n; i++) {
		const struct vec_ram *e = &t->final_ram.v[i];
		r->expect[e->addr] = e->value;
		r->stamp[e->addr] = g;
	}

	if (!load(r, t, res))
		return false;
	if (trace != NULL && cpu_trace_enable(&r->cpu, trace) != 0)
		fprintf(stderr, "cpu-conform: cpu_trace_enable() failed\n");
	execute(r, res);
	if (trace != NULL)
		cpu_trace_disable(&r->cpu);
	read_back(r, res);
	if (res->note[0] != '\0')
		res->pass = false;

	/* Registers. */
	for (int i = 0; i < VR_COUNT; i++) {
		uint32_t want = res->want[i], got = res->got[i];
		if (i == VR_FLAGS) {
			want &= flags_mask;
			got &= flags_mask;
		}
		if (want != got)
			res->reg_diff |= 1u << i;
	}
	if (res->reg_diff != 0)
		res->pass = false;

	/* The FLAGS word an interrupt pushed: at SS:(final SP + 4). */
	if (flags_mask != 0xFFFF &&
	    (t->has_exception ||
	     (r->model <= CPU_80186 && res->want[VR_CS] == 0 && res->want[VR_IP] == 0x400))) {
		uint32_t wrap = r->model <= CPU_80186 ? 0xFFFFFu : 0xFFFFFFu;
		uint32_t base = (uint32_t)res->want[VR_SS] << 4;
		res->pushed_flags = true;
		res->pushed_addr[0] = (base + ((res->want[VR_SP] + 4u) & 0xFFFFu)) & wrap;
		res->pushed_addr[1] = (base + ((res->want[VR_SP] + 5u) & 0xFFFFu)) & wrap;
	}

	/* Memory: every listed byte, once, in vector order. */
	for (int pass = 0; pass < 2; pass++) {
		const struct vec_ram_list *l = pass == 0 ? &t->init_ram : &t->final_ram;
		for (size_t i = 0; i < l->n; i++) {
			uint32_t a = l->v[i].addr;
			if (r->stamp[a] != g)
				continue;
			r->stamp[a] = g + 1;
			uint8_t mask = 0xFF;
			if (res->pushed_flags && a == res->pushed_addr[0])
				mask = (uint8_t)flags_mask;
			else if (res->pushed_flags && a == res->pushed_addr[1])
				mask = (uint8_t)(flags_mask >> 8);
			if (((r->ram[a] ^ r->expect[a]) & mask) == 0)
				continue;
			res->pass = false;
			if (!add_mem_diff(res, (struct mem_diff){a, r->expect[a], r->ram[a], mask}))
				return fail(res, "out of memory");
		}
	}
	return res->pass;
}
