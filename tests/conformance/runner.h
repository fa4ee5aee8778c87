/*
 * runner.h - running one test vector on a struct cpu and comparing the result.
 *
 * One runner holds the CPU, 2 MiB of host RAM mapped at linear 0, and the
 * scratch state for the memory comparison; it is reused for every test. Only
 * the bytes a test lists are written, so the rest of RAM keeps whatever the
 * previous tests left there ("memory that is not listed has no defined
 * contents").
 */
#ifndef MVDM_CONFORMANCE_RUNNER_H
#define MVDM_CONFORMANCE_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "vectors.h"

#define RUNNER_RAM_SIZE (2u << 20)

struct mem_diff {
	uint32_t addr;
	uint8_t want, got;
	uint8_t mask;      /* bits compared: 0xFF, or a byte of the flags mask
	                      for the FLAGS word pushed by an interrupt */
};

struct run_result {
	bool pass;
	char note[160];            /* failure that is not a diff (exit, bad vector) */
	uint16_t flags_mask;
	uint16_t want[VR_COUNT];   /* expected registers */
	uint32_t got[VR_COUNT];    /* registers after the run */
	uint32_t reg_diff;         /* bit r: register r differs */
	struct mem_diff *mem;      /* differing bytes, in vector order */
	size_t nmem, mem_cap;
	bool pushed_flags;         /* the pushed FLAGS word was masked ... */
	uint32_t pushed_addr[2];   /* ... at these two linear addresses */
	uint64_t executed;         /* instructions retired */
	enum cpu_exit exit;        /* last cpu_run() result */
};

struct runner {
	struct cpu cpu;
	enum cpu_model model;
	bool hlt_ends;             /* tests end with an executed HLT (286+) */
	uint8_t *ram;              /* RUNNER_RAM_SIZE bytes, page aligned */
	uint8_t *expect;           /* expected bytes, valid where stamp == gen */
	uint32_t *stamp;
	uint32_t gen;
	bool no_block_cache;        /* run with cpu_set_block_cache(c, false) */
	bool cpu_ready;             /* cpu_init() done: later tests use cpu_reset() */
};

/* Returns a runner, or NULL (out of memory). */
struct runner *runner_new(enum cpu_model model);
void runner_free(struct runner *r);

/* Run test t with the file's flags mask; trace != NULL traces it there.
 * Fills *res (its mem array is reused between calls) and returns res->pass. */
bool runner_run(struct runner *r, const struct vec_test *t, uint16_t flags_mask,
                FILE *trace, struct run_result *res);

void run_result_free(struct run_result *res);

const char *runner_exit_name(enum cpu_exit e);

#endif
