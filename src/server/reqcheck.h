/*
 * reqcheck.h - checking a JSON request against the fields a request
 * accepts (docs/server.md: unknown fields, missing fields and wrong types
 * are errors that name the field), and the small encodings the protocol
 * uses (hexadecimal byte strings).
 */
#ifndef MVDM_SERVER_REQCHECK_H
#define MVDM_SERVER_REQCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

enum req_type {
	RT_STRING = 1,
	RT_INT = 2,     /* a number with no fraction, in range for int64 */
	RT_NUMBER = 4,
	RT_BOOL = 8,
	RT_OBJECT = 16,
	RT_ARRAY = 32,
	RT_ANY = 63,
	RT_ID = RT_INT | RT_STRING, /* a VM: its id, or its name (protocol 2) */
};

/* A request's fields. Handlers keep theirs in `static const` arrays
 * (requests.c: id_only, f, open_f, req_f, close_f): read-only tables,
 * not state; they sit in .data.rel.ro only because they hold string
 * pointers, which the loader relocates once. */
struct req_field {
	const char *name;
	unsigned types;     /* enum req_type bits */
	bool required;
};

/* Checks every member of req against fields (n of them) plus the
 * envelope members every request may have (op, tag, v). Returns true, or
 * false with a message naming the field in msg. */
bool req_check(const cJSON *req, const struct req_field *fields, size_t n, char *msg, size_t len);

/* Typed getters for fields req_check accepted; `def` when absent. */
const char *req_str(const cJSON *req, const char *name, const char *def);
int64_t req_int(const cJSON *req, const char *name, int64_t def);
double req_num(const cJSON *req, const char *name, double def);
bool req_bool(const cJSON *req, const char *name, bool def);

/* Hexadecimal: encode len bytes (out has 2*len+1 bytes); decode a string
 * of even length into at most max bytes (-1 if it is not hex or too long). */
void hex_encode(const uint8_t *data, size_t len, char *out);
/* Base64 (RFC 4648): out needs base64_len(len) bytes (with the NUL). */
size_t base64_len(size_t len);
void base64_encode(const uint8_t *data, size_t len, char *out);
long hex_decode(const char *hex, uint8_t *out, size_t max);

#endif
