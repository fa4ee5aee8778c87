/*
 * decode.h - the bytes of the protocol (docs/server.md "Framing"): a
 * request line is decoded only when it is UTF-8 (RFC 8259 8.1, RFC 3629)
 * with no NUL in it, raw or as \u0000 (a C string would end there and
 * silently cut a path), and is one JSON object; a response leaves the
 * server as valid UTF-8 whatever bytes went into it (a guest's file name,
 * a message cut in the middle of a character).
 */
#ifndef MVDM_SERVER_DECODE_H
#define MVDM_SERVER_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

/* The request object of line[0..len) (no newline), or NULL with a
 * one-line reason in msg (the error code is bad_json). */
cJSON *request_decode(const char *line, size_t len, char *msg, size_t msglen);

/* Whether text[0..len) is UTF-8 (no overlong forms, no surrogates, at most
 * U+10FFFF); if not, *bad_at is the offset of the first bad byte. */
bool utf8_valid(const char *text, size_t len, size_t *bad_at);

/* text[0..len) with every byte that is not part of a valid UTF-8
 * character replaced by U+FFFD: a malloc'd, NUL-terminated copy (length
 * in *out_len), or NULL when out of memory. */
char *utf8_scrub(const char *text, size_t len, size_t *out_len);

#endif
