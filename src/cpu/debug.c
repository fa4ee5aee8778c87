/*
 * debug.c - the debug registers' breakpoints (Intel 80386 PRM chapter 12):
 * DR0-DR3 hold linear addresses, DR7 enables them (L/G bits) with a kind
 * (R/W: 00 instruction, 01 data write, 11 data read or write; 10 is
 * undefined on the 386/486 and never matches) and a length (LEN: 1, 2 or 4
 * bytes, aligned). DR6 reports which condition hit (B0-B3, BD, BS, BT).
 *
 * Instruction breakpoints are faults, checked before an instruction starts
 * (the slow path of the run loop runs every instruction while any is
 * enabled; RF suppresses one check). Data breakpoints are traps after the
 * instruction: pages holding an enabled data breakpoint never get a TLB
 * entry, so every access to them comes through memory.c, which records the
 * hit; the run loop raises #DB before the next instruction.
 */
#include "cpu/cpu_internal.h"

static unsigned dr_len(uint32_t dr7, unsigned k)
{
	static const unsigned lens[4] = { 1, 2, 0, 4 };
	return lens[(dr7 >> (18 + 4 * k)) & 3];
}

static unsigned dr_rw(uint32_t dr7, unsigned k)
{
	return (dr7 >> (16 + 4 * k)) & 3;
}

void dr_update(struct cpu *c)
{
	const uint32_t dr7 = c->in.dr[7];
	uint8_t exec = 0, data = 0;
	for (unsigned k = 0; k < 4; k++) {
		if (!((dr7 >> (2 * k)) & 3))
			continue;
		unsigned rw = dr_rw(dr7, k);
		if (rw == 0)
			exec |= (uint8_t)(1u << k);
		else if ((rw == 1 || rw == 3) && dr_len(dr7, k))
			data |= (uint8_t)(1u << k);
	}
	/* A page newly watched may have TLB entries: they go. (Pages no
	 * longer watched have none and get them as they are used; a guest
	 * that reloads its debug registers on every switch, as CWSDPMI does,
	 * keeps its TLB.) */
	bool newly = false;
	uint32_t page[4];
	for (unsigned k = 0; k < 4; k++) {
		page[k] = c->in.dr[k] & ~(CPU_PAGE_SIZE - 1);
		if (!((data >> k) & 1))
			continue;
		bool was = false;
		for (unsigned j = 0; j < 4; j++)
			was |= ((c->in.dr_data >> j) & 1) && c->in.dr_page[j] == page[k];
		newly |= !was;
	}
	memcpy(c->in.dr_page, page, sizeof(page));
	c->in.dr_exec = exec;
	c->in.dr_data = data;
	if (newly) {
		tlb_drop(c);
		stlb_drop(c);
	}
	cpu_update_events(c);
}

bool dr_page_watched(const struct cpu *c, uint32_t lin)
{
	for (unsigned k = 0; k < 4; k++)
		if ((c->in.dr_data >> k) & 1 && ((c->in.dr[k] ^ lin) & ~(CPU_PAGE_SIZE - 1)) == 0)
			return true;
	return false;
}

void dr_check_access(struct cpu *c, uint32_t lin, unsigned n, bool write)
{
	const uint32_t dr7 = c->in.dr[7];
	for (unsigned k = 0; k < 4; k++) {
		if (!((c->in.dr_data >> k) & 1) || (dr_rw(dr7, k) == 1 && !write))
			continue;
		const unsigned len = dr_len(dr7, k);
		const uint32_t start = c->in.dr[k] & ~(len - 1);
		/* The ranges [start, start+len) and [lin, lin+n) overlap. */
		if ((uint32_t)(lin - start) < len || (uint32_t)(start - lin) < n) {
			c->in.dr_hit |= (uint8_t)(1u << k);
			cpu_update_events(c);
		}
	}
}

bool dr_exec_hit(struct cpu *c, uint32_t lin)
{
	bool hit = false;
	for (unsigned k = 0; k < 4; k++) {
		if ((c->in.dr_exec >> k) & 1 && c->in.dr[k] == lin) {
			c->in.dr[6] |= 1u << k;
			hit = true;
		}
	}
	return hit;
}

/* The data breakpoints (bits 0-3) and task-switch trap (bit 7) that the
 * last instruction hit: report them in DR6 and raise the #DB trap. */
void dr_deliver_hits(struct cpu *c)
{
	c->in.dr[6] |= c->in.dr_hit & 0xF;
	c->in.dr_hit = 0;
	c->in.insn_ip = c->ip;
	c->in.insn_sp = c->r[REG_SP].d;
	cpu_update_events(c);
	c->in.deliver_ext = true;
	cpu_deliver(c, EXC_DB, DELIVER_EXC, c->ip, false, 0);
	c->in.deliver_ext = false;
}
