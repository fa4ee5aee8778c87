/*
 * report.h - printing a failed test: a compact one-line diff, or a full one.
 */
#ifndef MVDM_CONFORMANCE_REPORT_H
#define MVDM_CONFORMANCE_REPORT_H

#include <stdio.h>

#include "runner.h"
#include "vectors.h"

/* `#N "name" HASH: ax want 1235 got 1234; [01D17] want 02 got F8; ...`
 * (no newline), listing at most max_mem memory bytes. */
void report_compact(FILE *out, const struct vec_test *t, const struct run_result *res,
                    size_t max_mem);

/* Several indented lines: instruction bytes, a register table marking the
 * differences, every differing memory byte. */
void report_full(FILE *out, const struct vec_test *t, const struct run_result *res);

#endif
