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

/* 16-bit real-mode code prints as before (CS:IP, 16-bit registers);
 * protected mode, V86 and 32-bit code print EIP and the 32-bit registers,
 * with the mode and CPL. */
void trace_insn(struct cpu *c, const struct insn *i)
{
	char text[96], bytes[40];
	size_t n = 0;
	uint32_t cs = c->seg_base[SEG_CS];
	for (uint32_t k = 0; k < i->len && k < 12 && n + 3 < sizeof(bytes); k++)
		n += (size_t)snprintf(bytes + n, sizeof(bytes) - n, "%02X",
				      cpu_peek8(c, cs + ((c->ip + k) & c->in.ip_mask)));
	cpu_disasm_insn(c, i, text, sizeof(text));
	FILE *o = c->in.trace->out;
	if (!(c->in.cr0 & CR0_PE) && c->in.ip_mask == 0xFFFF) {
		fprintf(o,
			"%04X:%04X %-16s %-32s AX=%04X BX=%04X CX=%04X DX=%04X SP=%04X BP=%04X SI=%04X DI=%04X "
			"DS=%04X ES=%04X SS=%04X FL=%04X\n",
			c->seg[SEG_CS], c->ip, bytes, text, *reg16(c, REG_AX), *reg16(c, REG_BX),
			*reg16(c, REG_CX), *reg16(c, REG_DX), *reg16(c, REG_SP), *reg16(c, REG_BP),
			*reg16(c, REG_SI), *reg16(c, REG_DI), c->seg[SEG_DS], c->seg[SEG_ES], c->seg[SEG_SS],
			cpu_flags_read(c) & 0xFFFF);
		return;
	}
	static const char *const modes[3] = { "real", "pm", "v86" };
	fprintf(o,
		"%04X:%08X %-16s %-32s EAX=%08X EBX=%08X ECX=%08X EDX=%08X ESP=%08X EBP=%08X ESI=%08X "
		"EDI=%08X DS=%04X ES=%04X FS=%04X GS=%04X SS=%04X EFL=%08X %s CPL%u\n",
		c->seg[SEG_CS], c->ip, bytes, text, c->r[REG_AX].d, c->r[REG_BX].d, c->r[REG_CX].d, c->r[REG_DX].d,
		c->r[REG_SP].d, c->r[REG_BP].d, c->r[REG_SI].d, c->r[REG_DI].d, c->seg[SEG_DS], c->seg[SEG_ES],
		c->seg[SEG_FS], c->seg[SEG_GS], c->seg[SEG_SS], cpu_flags_read(c), modes[cpu_mode(c)], c->in.cpl);
}
