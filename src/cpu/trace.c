/*
 * trace.c - the optional instruction trace: one line per instruction with
 * CS:IP, the bytes, the disassembly and the registers before it runs.
 * Enabling it routes every instruction through the slow path of the run
 * loop, so the fast path pays nothing when it is off.
 */
#include <errno.h>
#include <stdlib.h>

#include "cpu/cpu_internal.h"

struct cpu_trace {
	FILE *out;
};

void cpu_disasm_insn(struct cpu *c, const struct insn *i, char *buf, size_t buflen);

int cpu_trace_enable(struct cpu *c, FILE *out)
{
	if (!out) {
		cpu_trace_disable(c);
		return 0;
	}
	if (!c->in.trace) {
		c->in.trace = calloc(1, sizeof(*c->in.trace));
		if (!c->in.trace)
			return -ENOMEM;
	}
	c->in.trace->out = out;
	cpu_update_events(c);
	return 0;
}

void cpu_trace_disable(struct cpu *c)
{
	free(c->in.trace);
	c->in.trace = NULL;
	cpu_update_events(c);
}

void trace_insn(struct cpu *c, const struct insn *i)
{
	char text[96], bytes[40];
	size_t n = 0;
	uint32_t cs = c->seg_base[SEG_CS];
	for (uint32_t k = 0; k < i->len && k < 12 && n + 3 < sizeof(bytes); k++)
		n += (size_t)snprintf(bytes + n, sizeof(bytes) - n, "%02X",
				      lin_read8(c, cs + ((c->ip + k) & 0xFFFF)));
	cpu_disasm_insn(c, i, text, sizeof(text));
	fprintf(c->in.trace->out,
		"%04X:%04X %-16s %-32s AX=%04X BX=%04X CX=%04X DX=%04X SP=%04X BP=%04X SI=%04X DI=%04X "
		"DS=%04X ES=%04X SS=%04X FL=%04X\n",
		c->seg[SEG_CS], c->ip, bytes, text, *reg16(c, REG_AX), *reg16(c, REG_BX),
		*reg16(c, REG_CX), *reg16(c, REG_DX), *reg16(c, REG_SP), *reg16(c, REG_BP),
		*reg16(c, REG_SI), *reg16(c, REG_DI), c->seg[SEG_DS], c->seg[SEG_ES], c->seg[SEG_SS],
		cpu_flags_read(c) & 0xFFFF);
}
