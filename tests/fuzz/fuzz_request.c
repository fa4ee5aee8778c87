/*
 * fuzz_request.c - the server's request decoder (src/server/decode.c,
 * request_decode) and its answer path: the input is one request line.
 * Checked: a refused line says why; a decoded one is a JSON object whose
 * strings hold no NUL and are UTF-8; the field checks (req_check) accept or
 * refuse it with a message; and the error answer built for it (with its
 * tag copied, as the server does) is one line of valid UTF-8 that parses
 * as an object with "ok": false, whatever bytes the request held.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/decode.h"
#include "server/reqcheck.h"
#include "server/server_internal.h"

/* Every field type, as the requests have them. */
static const struct req_field fields[] = {
	{ "program", RT_STRING, false }, { "args", RT_ARRAY, false },   { "drives", RT_OBJECT, false },
	{ "id", RT_ID, false },          { "timeout_s", RT_NUMBER, false }, { "paused", RT_BOOL, false },
	{ "max", RT_INT, false },        { "settings", RT_OBJECT, false },
};

static void check_strings(const cJSON *j)
{
	for (; j; j = j->next) {
		if (j->string && !utf8_valid(j->string, strlen(j->string), NULL))
			abort();
		if (cJSON_IsString(j) && !utf8_valid(j->valuestring, strlen(j->valuestring), NULL))
			abort();
		check_strings(j->child);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > SERVER_LINE_MAX)
		return 0;
	const char *line = (const char *)data;
	char msg[256];
	msg[0] = 0;
	cJSON *req = request_decode(line, size, msg, sizeof(msg));
	if (!req) {
		if (!msg[0] || !memchr(msg, 0, sizeof(msg)))
			abort(); /* a refusal says why */
	} else {
		if (!cJSON_IsObject(req) || memchr(line, 0, size))
			abort(); /* an object, and never from a line with a NUL in it */
		check_strings(req->child);
		char why[160] = "";
		if (!req_check(req, fields, sizeof(fields) / sizeof(fields[0]), why, sizeof(why)) && !why[0])
			abort();
	}
	/* The answer: an error naming the op (as unknown_op does, cut to 64
	 * bytes, perhaps mid-character), with the request's tag. */
	struct conn c = { .fd = -1 };
	const cJSON *op = req ? cJSON_GetObjectItemCaseSensitive(req, "op") : NULL;
	server_reply_error(&c, req, "unknown_op", "no request is called \"%.64s\"",
			   cJSON_IsString(op) ? op->valuestring : "");
	if (!c.out || c.out_len == 0 || c.out[c.out_len - 1] != '\n' || memchr(c.out, '\n', c.out_len - 1) ||
	    !utf8_valid(c.out, c.out_len, NULL))
		abort();
	cJSON *resp = cJSON_ParseWithLength(c.out, c.out_len);
	if (!cJSON_IsObject(resp) || !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(resp, "ok")))
		abort();
	cJSON_Delete(resp);
	free(c.out);
	cJSON_Delete(req);
	return 0;
}
