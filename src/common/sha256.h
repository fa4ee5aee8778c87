/* sha256.h - SHA-256 (FIPS 180-4, section 6.2) of a file, for keying a
 * program's settings by its contents (progsettings.c). */
#ifndef MVDM_COMMON_SHA256_H
#define MVDM_COMMON_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;         /* message length so far */
	uint8_t block[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* The digest (32 bytes) into out; s is spent. */
void sha256_final(struct sha256 *s, uint8_t out[32]);
/* The digest of the file at path, as 64 lower-case hex digits and a NUL
 * in hex[65]. 0 or -errno. */
int sha256_file_hex(const char *path, char hex[65]);

#endif
