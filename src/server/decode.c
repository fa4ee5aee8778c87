/*
 * decode.c - request lines in, response text out (decode.h).
 */
#include "server/decode.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The length of the UTF-8 character at p (at most n bytes), or 0 if the
 * bytes there are not one (RFC 3629 section 4, the table of well-formed
 * byte sequences). */
static size_t utf8_char(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF; /* the range of the second byte */
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0; /* no overlong forms */
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F; /* at most U+10FFFF */
	} else {
		return 0;
	}
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t k = 2; k < len; k++)
		if (p[k] < 0x80 || p[k] > 0xBF)
			return 0;
	return len;
}

bool utf8_valid(const char *text, size_t len, size_t *bad_at)
{
	const unsigned char *p = (const unsigned char *)text;
	for (size_t k = 0; k < len;) {
		size_t n = utf8_char(p + k, len - k);
		if (!n) {
			if (bad_at)
				*bad_at = k;
			return false;
		}
		k += n;
	}
	return true;
}

char *utf8_scrub(const char *text, size_t len, size_t *out_len)
{
	static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
	const unsigned char *p = (const unsigned char *)text;
	char *out = malloc(len * 3 + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t k = 0; k < len;) {
		size_t n = utf8_char(p + k, len - k);
		if (n) {
			memcpy(out + o, p + k, n);
			o += n;
			k += n;
		} else {
			memcpy(out + o, replacement, 3);
			o += 3;
			k++;
		}
	}
	out[o] = 0;
	if (out_len)
		*out_len = o;
	return out;
}

/* Where a NUL is inside line: a raw 00h byte, or a \u0000 escape in a
 * string (cJSON would end the C string there). -1 if there is none. */
static long find_nul(const char *line, size_t len)
{
	/* A raw NUL anywhere first: the scan below steps over the character
	 * after a backslash, which may be one (found by fuzzing: "a\\<NUL>"
	 * passed, and cJSON took the string). */
	const char *raw = memchr(line, 0, len);
	if (raw)
		return (long)(raw - line);
	bool in_string = false;
	for (size_t k = 0; k < len; k++) {
		char c = line[k];
		if (c == 0)
			return (long)k;
		if (!in_string) {
			in_string = c == '"';
			continue;
		}
		if (c == '"') {
			in_string = false;
		} else if (c == '\\' && k + 1 < len) {
			if (line[k + 1] == 'u' && k + 5 < len && memcmp(line + k + 2, "0000", 4) == 0)
				return (long)k;
			k++; /* the escaped character: never a quote that ends the string */
		}
	}
	return -1;
}

cJSON *request_decode(const char *line, size_t len, char *msg, size_t msglen)
{
	size_t bad;
	if (!utf8_valid(line, len, &bad)) {
		snprintf(msg, msglen, "the request is not UTF-8 (byte %zu is not part of a character)", bad);
		return NULL;
	}
	long nul = find_nul(line, len);
	if (nul >= 0) {
		snprintf(msg, msglen, "the request holds a NUL character (at byte %ld): no name or path may contain one",
			 nul);
		return NULL;
	}
	const char *end = NULL;
	cJSON *req = cJSON_ParseWithLengthOpts(line, len, &end, false);
	while (req && end && end < line + len && (*end == ' ' || *end == '\t' || *end == '\r'))
		end++;
	if (!req || !cJSON_IsObject(req) || !end || end != line + len) {
		snprintf(msg, msglen, "the request is not one JSON object on one line");
		cJSON_Delete(req);
		return NULL;
	}
	return req;
}
