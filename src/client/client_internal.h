/*
 * client_internal.h - what the files of libmvdmclient share: the
 * connection, the error recorder and one request/response transaction on
 * cJSON objects.
 */
#ifndef MVDM_CLIENT_INTERNAL_H
#define MVDM_CLIENT_INTERNAL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mvdm/client.h"

enum {
	CLIENT_MSG_MAX = 512,
	/* The longest response line accepted. The largest legitimate one is
	 * an `output` of 65536 CP437 bytes as JSON-escaped UTF-8 (at most 6
	 * bytes each, \u00XX), well below this. */
	CLIENT_RESPONSE_MAX = 16 << 20,
};

struct mvdm_client {
	int fd;
	bool broken;                  /* a transport error: responses may be out of step */
	enum mvdm_error code;         /* of the last call */
	char msg[CLIENT_MSG_MAX];
	char *rbuf;                   /* bytes received and not yet consumed */
	size_t rlen, rcap;
};

/* Records a failure on c (code and printf-style message) and returns err
 * (a negative errno). A transport or protocol failure also breaks c. */
int client_fail(struct mvdm_client *c, enum mvdm_error code, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Clears the last error (a call starts). */
void client_clear(struct mvdm_client *c);

/* Sends line[0..len) (no '\n' in it; one is appended) and reads one
 * response line into a malloc'd NUL-terminated *resp. Returns 0 or a
 * transport/protocol error (recorded, c broken). */
int client_exchange(struct mvdm_client *c, const char *line, size_t len, char **resp);

/* Checks a parsed response: 0 for "ok": true; for "ok": false the server's
 * error is recorded and its errno returned; anything else is -EPROTO. */
int client_check(struct mvdm_client *c, const cJSON *resp);

/* A new request object {"op": op, "v": 1}, or NULL (out of memory). */
cJSON *client_request_new(const char *op);

/* Sends req (always deleted) and returns the parsed successful response in
 * *resp (cJSON_Delete() it). Errors: -ENOMEM building the line, and those
 * of client_exchange() and client_check(). */
int client_transact(struct mvdm_client *c, cJSON *req, cJSON **resp);

/* As client_transact() for requests whose result is not needed. */
int client_transact_void(struct mvdm_client *c, cJSON *req);

/* The field of a vdd_request that carries the VDD's own request code. */
#define VDD_OP_FIELD "code"

/* The errno of a server error code. */
int client_code_errno(enum mvdm_error code);

/* ---- reading results (codec.c) ---- */

/* An integer result field in [0, 2^53]: 0 and *out, or -EPROTO (missing
 * when required, or not a non-negative integer). With required false, a
 * missing field leaves *out alone and returns -ENOENT. */
int client_get_u64(struct mvdm_client *c, const cJSON *obj, const char *name, bool required, uint64_t *out);
/* An integer field in [INT_MIN, INT_MAX], same rules. */
int client_get_int(struct mvdm_client *c, const cJSON *obj, const char *name, bool required, int *out);
/* A number field, same rules. */
int client_get_double(struct mvdm_client *c, const cJSON *obj, const char *name, bool required, double *out);
/* A boolean field, same rules. */
int client_get_bool(struct mvdm_client *c, const cJSON *obj, const char *name, bool required, bool *out);
/* A string field copied into buf[len] (truncated), same rules. */
int client_get_str(struct mvdm_client *c, const cJSON *obj, const char *name, bool required, char *buf,
		 size_t len);
/* The state in a "state" field: MVDM_STATE_UNKNOWN for an unknown name;
 * -EPROTO if missing (required) or not a string. */
int client_get_state(struct mvdm_client *c, const cJSON *obj, bool required, enum mvdm_vm_state *out);

/* Adds the NULL-terminated list as a JSON array of strings to obj. 0 or
 * -ENOMEM. */
int client_add_strings(cJSON *obj, const char *name, const char *const *list);
/* Adds drives[26] as {"C": "/dir", ...}; 0, -ENOMEM, or -EINVAL (none
 * mapped). */
int client_add_drives(cJSON *obj, const char *const drives[26]);
/* Adds "NAME=VALUE" entries as {"NAME": "VALUE", ...}; 0, -ENOMEM or
 * -EINVAL (an entry without '=' or with an empty name). */
int client_add_settings(cJSON *obj, const char *const *list);

/* Hex strings: lower-case digits of in[0..len) into out (2 * len + 1
 * bytes); and back: 0 and *out_len, or -EINVAL (odd length or not hex),
 * -ENOSPC (more than max bytes). */
void client_hex_encode(const void *in, size_t len, char *out);
int client_hex_decode(const char *hex, void *out, size_t max, size_t *out_len);
/* Base64 (RFC 4648, padded) into a malloc'd *out: 0, -EINVAL or -ENOMEM. */
int client_base64_decode(const char *in, uint8_t **out, size_t *out_len);

#endif
