/*
 * memory.c - the page map and the slow paths of guest memory access:
 * unmapped pages and ROM writes go to the bus; accesses that run past the end
 * of a segment wrap (8086/186) or fault (286+).
 */
#include <errno.h>

#include "cpu/cpu_internal.h"

int cpu_map_ram(struct cpu *c, uint32_t base, uint32_t size, uint8_t *host, bool writable)
{
	if ((base | size) & (CPU_PAGE_SIZE - 1))
		return -EINVAL;
	uint32_t first = base >> CPU_PAGE_SHIFT, count = size >> CPU_PAGE_SHIFT;
	if (first > CPU_PAGE_COUNT || count > CPU_PAGE_COUNT - first)
		return -EINVAL;
	for (uint32_t k = 0; k < count; k++) {
		uint8_t *p = host ? host + (size_t)k * CPU_PAGE_SIZE : NULL;
		c->in.page_rd[first + k] = p;
		c->in.page_wr[first + k] = writable ? p : NULL;
	}
	cpu_invalidate_code(c);
	return 0;
}

void cpu_invalidate_code(struct cpu *c)
{
	for (unsigned k = 0; k < CPU_PAGE_COUNT; k++)
		c->in.page_gen[k]++;
}

void cpu_mem_written(struct cpu *c, uint32_t linear, uint32_t size)
{
	if (size == 0)
		return;
	uint64_t last = ((uint64_t)linear + size - 1) >> CPU_PAGE_SHIFT;
	for (uint64_t page = linear >> CPU_PAGE_SHIFT; page <= last && page < CPU_PAGE_COUNT; page++)
		c->in.page_gen[page]++;
}

uint8_t mem_slow_read8(struct cpu *c, uint32_t lin)
{
	if (lin < CPU_PAGE_COUNT * CPU_PAGE_SIZE) {
		uint8_t *p = c->in.page_rd[lin >> CPU_PAGE_SHIFT];
		if (p)
			return p[lin & (CPU_PAGE_SIZE - 1)];
	}
	return c->bus.mem_read8 ? c->bus.mem_read8(c->bus.ctx, lin) : 0xFF;
}

void mem_slow_write8(struct cpu *c, uint32_t lin, uint8_t v)
{
	if (lin < CPU_PAGE_COUNT * CPU_PAGE_SIZE) {
		uint8_t *p = c->in.page_wr[lin >> CPU_PAGE_SHIFT];
		if (p) {
			p[lin & (CPU_PAGE_SIZE - 1)] = v;
			c->in.page_gen[lin >> CPU_PAGE_SHIFT]++;
			return;
		}
	}
	if (c->bus.mem_write8)
		c->bus.mem_write8(c->bus.ctx, lin, v);
}

_Noreturn void mem_limit_fault(struct cpu *c, unsigned seg)
{
	cpu_fault(c, (c->model >= CPU_80386 && seg == SEG_SS) ? EXC_SS : EXC_GP);
}

uint32_t mem_read_wrap(struct cpu *c, unsigned seg, uint32_t off, unsigned n)
{
	if (c->model >= CPU_80286)
		mem_limit_fault(c, seg);
	uint32_t v = 0;
	for (unsigned k = 0; k < n; k++)
		v |= (uint32_t)lin_read8(c, c->seg_base[seg] + ((off + k) & 0xFFFF)) << (8 * k);
	return v;
}

void mem_write_wrap(struct cpu *c, unsigned seg, uint32_t off, unsigned n, uint32_t v)
{
	if (c->model >= CPU_80286)
		mem_limit_fault(c, seg);
	for (unsigned k = 0; k < n; k++)
		lin_write8(c, c->seg_base[seg] + ((off + k) & 0xFFFF), (uint8_t)(v >> (8 * k)));
}

uint8_t cpu_peek8(struct cpu *c, uint32_t linear)
{
	return lin_read8(c, linear);
}

void cpu_poke8(struct cpu *c, uint32_t linear, uint8_t value)
{
	lin_write8(c, linear, value);
}

uint16_t cpu_peek16(struct cpu *c, uint32_t linear)
{
	return (uint16_t)(lin_read8(c, linear) | (lin_read8(c, linear + 1) << 8));
}

void cpu_poke16(struct cpu *c, uint32_t linear, uint16_t value)
{
	lin_write8(c, linear, (uint8_t)value);
	lin_write8(c, linear + 1, (uint8_t)(value >> 8));
}
