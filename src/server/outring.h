/*
 * outring.h - the console output of one VM: a ring of the last
 * OUTRING_SIZE bytes, addressed by absolute byte offsets since the VM
 * started, so readers can ask "everything after offset N" and learn how
 * much the ring no longer holds. Not locked: the owner serialises access.
 */
#ifndef MVDM_SERVER_OUTRING_H
#define MVDM_SERVER_OUTRING_H

#include <stddef.h>
#include <stdint.h>

enum { OUTRING_SIZE = 65536 };

struct outring {
	uint8_t *buf;   /* OUTRING_SIZE bytes, mapped on the first append (a VM
			 * that writes little keeps only the pages it touched) */
	uint64_t total; /* bytes ever appended: the offset of the next byte */
};

/* Appends; returns 0, or -ENOMEM (the bytes are counted as lost). */
int outring_append(struct outring *r, const uint8_t *data, size_t len);
/* Frees the buffer (the ring is empty afterwards). */
void outring_free(struct outring *r);

/* Copies at most max bytes starting at offset from into out. Bytes before
 * the oldest one held are skipped: *lost says how many. Returns the number
 * copied; the next offset to ask for is from + *lost + the return value. */
size_t outring_read(const struct outring *r, uint64_t from, uint8_t *out, size_t max, uint64_t *lost);

#endif
