/*
 * exclude.c - the exclusion list; see exclude.h.
 */
#include "exclude.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_range(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct excl_entry *)a)->hash, ((const struct excl_entry *)b)->hash);
}

static int add(struct exclusions *x, size_t *cap, const char *hash, size_t hlen,
               const char *reason, size_t rlen)
{
	if (x->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct excl_entry *n = realloc(x->v, ncap * sizeof(*n));
		if (n == NULL)
			return -1;
		x->v = n;
		*cap = ncap;
	}
	struct excl_entry e = {dup_range(hash, hlen), dup_range(reason, rlen)};
	if (e.hash == NULL || e.reason == NULL) {
		free(e.hash);
		free(e.reason);
		return -1;
	}
	for (char *p = e.hash; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	x->v[x->n++] = e;
	return 0;
}

int excl_load(struct exclusions *x, const char *path, char *err, size_t errlen)
{
	*x = (struct exclusions){0};
	FILE *fp = fopen(path, "r");
	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	size_t cap = 0;
	char line[1024];
	long lineno = 0;
	int rc = 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		size_t len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			snprintf(err, errlen, "%s:%ld: line too long", path, lineno);
			rc = -1;
			break;
		}
		const char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '#' || *s == '\n' || *s == '\r' || *s == '\0')
			continue;
		size_t hlen = 0;
		while (isxdigit((unsigned char)s[hlen]))
			hlen++;
		if (hlen < 8 || (s[hlen] != ' ' && s[hlen] != '\t' && s[hlen] != '\n' &&
		                 s[hlen] != '\r' && s[hlen] != '\0')) {
			snprintf(err, errlen, "%s:%ld: expected `HASH  reason` (HASH in hex)",
			         path, lineno);
			rc = -1;
			break;
		}
		const char *r = s + hlen;
		while (*r == ' ' || *r == '\t')
			r++;
		size_t rlen = strlen(r);
		while (rlen > 0 && (r[rlen - 1] == '\n' || r[rlen - 1] == '\r' ||
		                    r[rlen - 1] == ' ' || r[rlen - 1] == '\t'))
			rlen--;
		if (add(x, &cap, s, hlen, r, rlen) != 0) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s: read error", path);
		rc = -1;
	}
	fclose(fp);
	if (rc != 0) {
		excl_free(x);
		return -1;
	}
	if (x->n > 1)
		qsort(x->v, x->n, sizeof(*x->v), cmp_entry);
	return 0;
}

const struct excl_entry *excl_find(const struct exclusions *x, const char *hash)
{
	if (x->n == 0 || hash[0] == '\0')
		return NULL;
	char key[128];
	size_t i = 0;
	for (; hash[i] != '\0' && i < sizeof(key) - 1; i++)
		key[i] = (char)tolower((unsigned char)hash[i]);
	key[i] = '\0';
	struct excl_entry k = {key, NULL};
	return bsearch(&k, x->v, x->n, sizeof(*x->v), cmp_entry);
}

void excl_free(struct exclusions *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->v[i].hash);
		free(x->v[i].reason);
	}
	free(x->v);
	*x = (struct exclusions){0};
}
