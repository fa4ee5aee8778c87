/*
 * failf.h - the "return an error code with a formatted reason" helper of
 * functions that take (char *err, size_t errlen).
 */
#ifndef MVDM_COMMON_FAILF_H
#define MVDM_COMMON_FAILF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Writes the reason into err (if err and len) and returns rc. */
static inline int failf(char *err, size_t len, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static inline int failf(char *err, size_t len, int rc, const char *fmt, ...)
{
	if (err && len) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return rc;
}

#endif
