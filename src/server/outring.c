/*
 * outring.c - console output ring (outring.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "server/outring.h"

int outring_append(struct outring *r, const uint8_t *data, size_t len)
{
	if (!r->buf) {
		void *m = mmap(NULL, OUTRING_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED) {
			r->total += len;
			return -ENOMEM;
		}
		r->buf = m;
	}
	if (len > OUTRING_SIZE) { /* only the tail can be kept */
		r->total += len - OUTRING_SIZE;
		data += len - OUTRING_SIZE;
		len = OUTRING_SIZE;
	}
	size_t at = (size_t)(r->total % OUTRING_SIZE);
	size_t first = len < OUTRING_SIZE - at ? len : OUTRING_SIZE - at;
	memcpy(r->buf + at, data, first);
	memcpy(r->buf, data + first, len - first);
	r->total += len;
	return 0;
}

void outring_free(struct outring *r)
{
	if (r->buf)
		munmap(r->buf, OUTRING_SIZE);
	r->buf = NULL;
}

size_t outring_read(const struct outring *r, uint64_t from, uint8_t *out, size_t max, uint64_t *lost)
{
	uint64_t oldest = r->total > OUTRING_SIZE ? r->total - OUTRING_SIZE : 0;
	*lost = 0;
	if (from < oldest) {
		*lost = oldest - from;
		from = oldest;
	}
	if (from >= r->total || !r->buf)
		return 0;
	uint64_t avail = r->total - from;
	size_t n = avail < max ? (size_t)avail : max;
	for (size_t k = 0; k < n;) {
		size_t at = (size_t)((from + k) % OUTRING_SIZE);
		size_t chunk = n - k < OUTRING_SIZE - at ? n - k : OUTRING_SIZE - at;
		memcpy(out + k, r->buf + at, chunk);
		k += chunk;
	}
	return n;
}
