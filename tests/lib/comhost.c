/*
 * comhost.c - minimal .COM host for CPU tests and benchmarks (see comhost.h).
 * DOS services are emulated by trapping INT n; everything else is reflected
 * through the guest IVT, whose vectors all point at an IRET in the stub area.
 */
#include "comhost.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum {
	RAM_SIZE = 0x110000,
	PSP_SEG = 0x1000,
	STUB_SEG = 0x0050,  /* 0050:0000 holds IRET for every vector */
};

static void out_byte(struct comhost *h, char ch)
{
	if (h->out_len + 1 >= h->out_cap) {
		size_t cap = h->out_cap ? h->out_cap * 2 : 4096;
		char *p = realloc(h->out, cap);
		if (!p)
			return;
		h->out = p;
		h->out_cap = cap;
	}
	h->out[h->out_len++] = ch;
	h->out[h->out_len] = 0;
	if (h->echo)
		fputc(ch, h->echo);
}

/* The debug ports: E9h output, F4h exit. */
static void debug_port_write(void *ctx, uint16_t port, unsigned size, uint32_t value)
{
	struct comhost *h = ctx;
	(void)size;
	if (port == 0xE9) {
		out_byte(h, (char)value);
	} else if (port == 0xF4) {
		h->exit_code = (int)(value & 0xFF);
		h->exited = 1;
		cpu_request_stop(&h->cpu);
	}
}

int comhost_init(struct comhost *h, enum cpu_model model, const uint8_t *image, size_t size)
{
	memset(h, 0, sizeof(*h));
	if (size > 0xFF00)
		return -EFBIG;
	h->ram = aligned_alloc(CPU_PAGE_SIZE, RAM_SIZE);
	if (!h->ram)
		return -ENOMEM;
	memset(h->ram, 0, RAM_SIZE);
	const struct cpu_bus bus = { .ctx = h, .io_write = debug_port_write };
	cpu_init(&h->cpu, model, &bus);
	if (cpu_map_ram(&h->cpu, 0, RAM_SIZE, h->ram, true) < 0) {
		comhost_free(h);
		return -EINVAL;
	}
	/* IVT: every vector at 0050:0000 = IRET. */
	h->ram[STUB_SEG * 16] = 0xCF;
	for (unsigned v = 0; v < 256; v++) {
		h->ram[v * 4 + 0] = 0;
		h->ram[v * 4 + 1] = 0;
		h->ram[v * 4 + 2] = STUB_SEG & 0xFF;
		h->ram[v * 4 + 3] = STUB_SEG >> 8;
	}
	uint8_t *psp = h->ram + PSP_SEG * 16;
	psp[0] = 0xCD; /* INT 20h */
	psp[1] = 0x20;
	psp[2] = 0x00; /* top of memory segment: A000h */
	psp[3] = 0xA0;
	psp[0x80] = 0;
	psp[0x81] = 0x0D;
	memcpy(psp + 0x100, image, size);
	struct cpu *c = &h->cpu;
	for (int s = 0; s < SEG_COUNT; s++)
		cpu_load_seg(c, (enum cpu_seg)s, PSP_SEG);
	c->ip = 0x100;
	c->r[REG_SP].d = 0xFFFE;
	c->trap_mask = CPU_TRAP_INT;
	cpu_set_flags(c, FLAG_IF);
	return 0;
}

int comhost_load_file(struct comhost *h, enum cpu_model model, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	static const size_t max = 0xFF00;
	uint8_t *buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	size_t n = fread(buf, 1, max + 1, f);
	fclose(f);
	int rc = n > max ? -EFBIG : comhost_init(h, model, buf, n);
	free(buf);
	return rc;
}

/* Serve a trapped INT n; returns 1 when the program exited, 0 to go on. */
static int serve_int(struct comhost *h, uint8_t vector)
{
	struct cpu *c = &h->cpu;
	uint8_t ah = c->r[REG_AX].b[1];
	uint32_t ds = c->seg_base[SEG_DS];
	if (vector == 0x20 || (vector == 0x21 && ah == 0x00)) {
		h->exit_code = 0;
		return 1;
	}
	if (vector == 0x21) {
		switch (ah) {
		case 0x4C:
			h->exit_code = c->r[REG_AX].b[0];
			return 1;
		case 0x02:
			out_byte(h, (char)c->r[REG_DX].b[0]);
			break;
		case 0x09: {
			uint16_t off = c->r[REG_DX].w[0];
			for (unsigned k = 0; k < 0x10000; k++) {
				char ch = (char)cpu_peek8(c, ds + (uint16_t)(off + k));
				if (ch == '$')
					break;
				out_byte(h, ch);
			}
			break;
		}
		case 0x40: {
			uint16_t bx = c->r[REG_BX].w[0], cx = c->r[REG_CX].w[0], off = c->r[REG_DX].w[0];
			if (bx == 1 || bx == 2) {
				for (unsigned k = 0; k < cx; k++)
					out_byte(h, (char)cpu_peek8(c, ds + (uint16_t)(off + k)));
				c->r[REG_AX].w[0] = cx;
			}
			break;
		}
		default:
			break;
		}
		c->ip = (c->ip + 2) & 0xFFFF; /* skip the CD 21 */
		return 0;
	}
	/* Anything else: step over the INT and deliver it through the IVT. */
	uint16_t len = cpu_peek8(c, c->seg_base[SEG_CS] + c->ip) == 0xCD ? 2 : 1;
	c->ip = (c->ip + len) & 0xFFFF;
	if (cpu_interrupt(c, vector) < 0) {
		snprintf(h->error, sizeof(h->error), "fault delivering INT %02Xh", vector);
		return -1;
	}
	return 0;
}

int comhost_run(struct comhost *h, uint64_t max_insns)
{
	struct cpu *c = &h->cpu;
	uint64_t start = c->retired;
	while (c->retired - start < max_insns) {
		uint64_t left = max_insns - (c->retired - start);
		enum cpu_exit why = cpu_run(c, left);
		switch (why) {
		case CPU_EXIT_BUDGET:
			break;
		case CPU_EXIT_STOP:
			if (h->exited)
				return 0;
			break;
		case CPU_EXIT_TRAP: {
			int r = serve_int(h, c->exit.vector);
			if (r == 1)
				return 0;
			if (r < 0)
				return -1;
			break;
		}
		default:
			snprintf(h->error, sizeof(h->error), "cpu exit %d at %04X:%X (vector %u)", (int)why,
				 c->exit.cs, (unsigned)c->exit.ip, c->exit.vector);
			return -1;
		}
	}
	snprintf(h->error, sizeof(h->error), "instruction limit %llu reached at %04X:%X",
		 (unsigned long long)max_insns, c->seg[SEG_CS], (unsigned)c->ip);
	return -1;
}

void comhost_free(struct comhost *h)
{
	cpu_destroy(&h->cpu);
	free(h->ram);
	free(h->out);
	h->ram = NULL;
	h->out = NULL;
}
