/*
 * guestmem.c - the DOS kernel's access to guest memory by segment and
 * offset. Everything goes through vm16_read/vm16_write, so the CPU's
 * decoded-code cache sees every host write; offsets wrap inside the
 * segment, as the guest's own accesses do; memory that cannot be read
 * (past the end of RAM) reads as FFh.
 */
#include <string.h>

#include "dos/dos_internal.h"

static uint32_t lin(uint16_t seg, uint16_t off)
{
	return ((uint32_t)seg << 4) + off;
}

void dos_read_mem(struct dos *d, uint16_t seg, uint16_t off, void *buf, size_t len)
{
	uint8_t *p = buf;
	/* Offsets wrap inside the segment, as the guest's own accesses do. */
	for (size_t i = 0; i < len;) {
		size_t chunk = 0x10000u - off;
		if (chunk > len - i)
			chunk = len - i;
		if (vm16_read(d->vm, lin(seg, off), p + i, chunk) != 0)
			memset(p + i, 0xFF, chunk);
		i += chunk;
		off = (uint16_t)(off + chunk);
	}
}

void dos_write_mem(struct dos *d, uint16_t seg, uint16_t off, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	for (size_t i = 0; i < len;) {
		size_t chunk = 0x10000u - off;
		if (chunk > len - i)
			chunk = len - i;
		(void)vm16_write(d->vm, lin(seg, off), p + i, chunk);
		i += chunk;
		off = (uint16_t)(off + chunk);
	}
}

uint8_t dos_rd8(struct dos *d, uint16_t seg, uint16_t off)
{
	uint8_t v;
	dos_read_mem(d, seg, off, &v, 1);
	return v;
}

uint16_t dos_rd16(struct dos *d, uint16_t seg, uint16_t off)
{
	uint8_t b[2];
	dos_read_mem(d, seg, off, b, 2);
	return (uint16_t)(b[0] | b[1] << 8);
}

void dos_wr8(struct dos *d, uint16_t seg, uint16_t off, uint8_t v)
{
	dos_write_mem(d, seg, off, &v, 1);
}

void dos_wr16(struct dos *d, uint16_t seg, uint16_t off, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	dos_write_mem(d, seg, off, b, 2);
}

size_t dos_read_str(struct dos *d, uint16_t seg, uint16_t off, char *out, size_t max)
{
	size_t n = 0;
	while (n + 1 < max) {
		uint8_t c = dos_rd8(d, seg, (uint16_t)(off + n));
		if (!c)
			break;
		out[n++] = (char)c;
	}
	out[n] = 0;
	return n;
}
