/*
 * comhost.h - a minimal host for running a flat .COM program on a bare
 * struct cpu, for CPU tests and benchmarks only (the real DOS kernel lives in
 * src/dos/). It maps 1 MiB + 64 KiB of RAM, loads the image at 1000:0100 with
 * a PSP stub (INT 20h at offset 0, command tail empty), SP=FFFE with a 0 word
 * pushed, and serves in the host, by trapping INT n:
 *   INT 20h, INT 21h/4Ch (exit, AL = code), INT 21h/00h,
 *   INT 21h/02h (DL to output), INT 21h/09h ('$'-terminated string at DS:DX),
 *   INT 21h/40h with BX=1 or 2 (CX bytes at DS:DX),
 * and any other INT n through the guest IVT (all vectors point at an IRET).
 * Two debug ports serve programs in protected mode, where INT 21h is not
 * the host's (as QEMU's debugcon and isa-debug-exit do): a byte written to
 * port E9h is output, and a byte written to port F4h ends the program with
 * it as the exit code.
 * Output goes to a caller buffer (and optionally a FILE).
 */
#ifndef MVDM_TESTS_COMHOST_H
#define MVDM_TESTS_COMHOST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"

struct comhost {
	struct cpu cpu;
	uint8_t *ram;          /* 0x110000 bytes, owned */
	char *out;             /* program output, NUL-terminated, owned */
	size_t out_len, out_cap;
	FILE *echo;            /* if non-NULL, output is also written here */
	int exit_code;         /* AL of INT 21h/4Ch, 0 for INT 20h/21h-00h, or the byte to port F4h */
	int exited;            /* the program ended through port F4h */
	char error[256];       /* set when the run did not end in a DOS exit */
};

/* Load `image` (size bytes, at most 0xFF00) on a fresh CPU of `model`.
 * Returns 0 or a negative errno. */
int comhost_init(struct comhost *h, enum cpu_model model, const uint8_t *image, size_t size);
/* Load a .COM file from disk. */
int comhost_load_file(struct comhost *h, enum cpu_model model, const char *path);
/* Run until the program exits, faults, halts with no interrupt source, or
 * max_insns instructions have been retired. Returns 0 when the program exited
 * (exit_code is set), -1 otherwise (error says why). */
int comhost_run(struct comhost *h, uint64_t max_insns);
void comhost_free(struct comhost *h);

#endif
