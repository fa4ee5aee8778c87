/*
 * exclude.h - the exclusion list: vectors known to be wrong.
 *
 * Text file, one vector per line: `HASH  free-text reason`. HASH is the
 * test's "hash" value (hex digits, any case). Blank lines and lines starting
 * with '#' are ignored.
 */
#ifndef MVDM_CONFORMANCE_EXCLUDE_H
#define MVDM_CONFORMANCE_EXCLUDE_H

#include <stddef.h>

struct excl_entry {
	char *hash;     /* lower case */
	char *reason;   /* may be "" */
};

struct exclusions {
	struct excl_entry *v;   /* sorted by hash */
	size_t n;
};

/* Load FILE. Returns 0, or -1 with a message in err. */
int excl_load(struct exclusions *x, const char *path, char *err, size_t errlen);

/* The entry for a hash, or NULL. */
const struct excl_entry *excl_find(const struct exclusions *x, const char *hash);

void excl_free(struct exclusions *x);

#endif
