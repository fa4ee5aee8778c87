/*
 * jit_perf_map.c - names for compiled code in perf's map of JIT code
 * (jit.h), written when MVDM_PERF_MAP=1 (cpu.c, per CPU).
 *
 * perf reads /tmp/perf-<pid>.map for code it finds in no file: a text
 * file, one line per piece of code, "START SIZE name", START and SIZE hex
 * without 0x, the name the rest of the line (tools/perf/Documentation/
 * jit-interface.txt in the Linux sources). The area (jit_area.c) opens it
 * on its first compiled block with a CPU that asks, appends under its lock
 * and closes it with the area; several areas of one process append to the
 * same file (O_APPEND, one write(2) a line). A flush reuses the retired
 * mapping's addresses only after it is unmapped, and perf takes the last
 * line naming an address, so a profile that spans flushes may charge the
 * old code's samples to the new names (docs/cpu-speed.md, "The JIT").
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "cpu/cpu_internal.h"
#include "cpu/jit.h"

int jit_perf_map_open(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/perf-%ld.map", (long)getpid());
	/* (O_NOFOLLOW: not through a link someone else left in /tmp) */
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
}

static void put_line(int fd, const uint8_t *start, size_t size, const char *name)
{
	char line[160];
	const int n = snprintf(line, sizeof(line), "%lx %zx %s\n", (unsigned long)(uintptr_t)start, size, name);
	if (n > 0 && (size_t)n < sizeof(line) && write(fd, line, (size_t)n) != n) {
		/* (a profiling aid: a short write loses a name, nothing else) */
	}
}

void jit_perf_map_start(int fd, const uint8_t *rx, size_t top)
{
	unsigned at, next;
	const char *name;
	for (unsigned k = 0; (name = jit_shared_part(k, &at)) != NULL; k++) {
		const size_t end = jit_shared_part(k + 1, &next) ? next : top;
		put_line(fd, rx + at, end - at, name);
	}
}

void jit_perf_map_block(int fd, const uint8_t *rx, size_t size, const struct bc_block *b)
{
	const uint32_t mode = (uint32_t)(b->tag >> 32);
	const uint32_t eip = (uint32_t)(b->key >> 32), lin = (uint32_t)b->key;
	const char *bits = (mode & BC_CODE32) ? "32" : "16";
	char name[96];
	if ((mode & BC_PE) && !(mode & BC_V86)) {
		snprintf(name, sizeof(name), "guest pm%s eip %08x lin %08x n %u", bits, eip, lin, b->ninsns);
	} else {
		/* (real and V86 mode: CS = (linear - IP) / 16, as it was loaded) */
		snprintf(name, sizeof(name), "guest %s%s %04x:%04x lin %05x n %u", (mode & BC_V86) ? "v86" : "rm",
			 (mode & BC_CODE32) ? "32" : "", ((lin - eip) >> 4) & 0xFFFFu, eip, lin, b->ninsns);
	}
	put_line(fd, rx, size, name);
}
