/*
 * codec.c - the client's pure parts: typed reads of response fields,
 * request field builders, hexadecimal strings (screen cells, VDD data),
 * C-style escapes and the state names of docs/server.md "VM states".
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client_internal.h"

/* ---- states ---- */

static const char *const state_names[] = {
	[MVDM_STATE_UNKNOWN] = "unknown", [MVDM_STATE_RUNNING] = "running", [MVDM_STATE_IDLE] = "idle",
	[MVDM_STATE_PAUSED] = "paused",   [MVDM_STATE_FROZEN] = "frozen",   [MVDM_STATE_EXITED] = "exited",
	[MVDM_STATE_FAULTED] = "faulted", [MVDM_STATE_KILLED] = "killed",   [MVDM_STATE_TIMED_OUT] = "timed_out",
};
enum { STATE_COUNT = sizeof(state_names) / sizeof(state_names[0]) };

const char *mvdm_state_name(enum mvdm_vm_state s)
{
	return (unsigned)s < STATE_COUNT ? state_names[s] : "unknown";
}

bool mvdm_state_ended(enum mvdm_vm_state s)
{
	return s >= MVDM_STATE_EXITED && s <= MVDM_STATE_TIMED_OUT;
}

static enum mvdm_vm_state state_from_name(const char *name)
{
	for (unsigned k = 1; k < STATE_COUNT; k++)
		if (strcmp(state_names[k], name) == 0)
			return (enum mvdm_vm_state)k;
	return MVDM_STATE_UNKNOWN;
}

/* ---- reading fields ---- */

/* The field, or NULL after recording -EPROTO (required) / returning
 * -ENOENT (optional) through *rc. */
static const cJSON *field(struct mvdm_client *c, const cJSON *obj, const char *name, bool required, int *rc)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (f && !cJSON_IsNull(f)) {
		*rc = 0;
		return f;
	}
	*rc = required ? client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO, "the server's response has no \"%s\"", name)
		       : -ENOENT;
	return NULL;
}

static int wrong_type(struct mvdm_client *c, const char *name, const char *want)
{
	return client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO, "the server's \"%s\" is not %s", name, want);
}

int client_get_double(struct mvdm_client *c, const cJSON *obj, const char *name, bool required, double *out)
{
	int rc;
	const cJSON *f = field(c, obj, name, required, &rc);
	if (!f)
		return rc;
	if (!cJSON_IsNumber(f) || !isfinite(f->valuedouble))
		return wrong_type(c, name, "a number");
	*out = f->valuedouble;
	return 0;
}

int client_get_u64(struct mvdm_client *c, const cJSON *obj, const char *name, bool required, uint64_t *out)
{
	double d = 0;
	int rc = client_get_double(c, obj, name, required, &d);
	if (rc < 0)
		return rc;
	if (d < 0 || d > 9007199254740992.0 || d != floor(d))
		return wrong_type(c, name, "a non-negative integer");
	*out = (uint64_t)d;
	return 0;
}

int client_get_int(struct mvdm_client *c, const cJSON *obj, const char *name, bool required, int *out)
{
	double d = 0;
	int rc = client_get_double(c, obj, name, required, &d);
	if (rc < 0)
		return rc;
	if (d < INT_MIN || d > INT_MAX || d != floor(d))
		return wrong_type(c, name, "an integer");
	*out = (int)d;
	return 0;
}

int client_get_bool(struct mvdm_client *c, const cJSON *obj, const char *name, bool required, bool *out)
{
	int rc;
	const cJSON *f = field(c, obj, name, required, &rc);
	if (!f)
		return rc;
	if (!cJSON_IsBool(f))
		return wrong_type(c, name, "a boolean");
	*out = cJSON_IsTrue(f);
	return 0;
}

int client_get_str(struct mvdm_client *c, const cJSON *obj, const char *name, bool required, char *buf, size_t len)
{
	int rc;
	const cJSON *f = field(c, obj, name, required, &rc);
	if (!f)
		return rc;
	if (!cJSON_IsString(f))
		return wrong_type(c, name, "a string");
	snprintf(buf, len, "%s", f->valuestring);
	return 0;
}

int client_get_state(struct mvdm_client *c, const cJSON *obj, bool required, enum mvdm_vm_state *out)
{
	int rc;
	const cJSON *f = field(c, obj, "state", required, &rc);
	if (!f)
		return rc;
	if (!cJSON_IsString(f))
		return wrong_type(c, "state", "a string");
	*out = state_from_name(f->valuestring);
	return 0;
}

/* ---- building fields ---- */

int client_add_strings(cJSON *obj, const char *name, const char *const *list)
{
	cJSON *a = cJSON_AddArrayToObject(obj, name);
	if (!a)
		return -ENOMEM;
	for (; list && *list; list++) {
		cJSON *s = cJSON_CreateString(*list);
		if (!s || !cJSON_AddItemToArray(a, s)) {
			cJSON_Delete(s);
			return -ENOMEM;
		}
	}
	return 0;
}

int client_add_drives(cJSON *obj, const char *const drives[26])
{
	cJSON *d = cJSON_CreateObject();
	if (!d)
		return -ENOMEM;
	unsigned n = 0;
	for (int i = 0; i < 26; i++) {
		if (!drives[i])
			continue;
		char letter[2] = {(char)('A' + i), 0};
		if (!cJSON_AddStringToObject(d, letter, drives[i])) {
			cJSON_Delete(d);
			return -ENOMEM;
		}
		n++;
	}
	if (!n) {
		cJSON_Delete(d);
		return -EINVAL;
	}
	if (!cJSON_AddItemToObject(obj, "drives", d)) {
		cJSON_Delete(d);
		return -ENOMEM;
	}
	return 0;
}

int client_add_settings(cJSON *obj, const char *const *list)
{
	cJSON *s = cJSON_CreateObject();
	if (!s)
		return -ENOMEM;
	int rc = 0;
	for (; list && *list && rc == 0; list++) {
		const char *eq = strchr(*list, '=');
		char name[128];
		if (!eq || eq == *list || (size_t)(eq - *list) >= sizeof(name)) {
			rc = -EINVAL;
			break;
		}
		memcpy(name, *list, (size_t)(eq - *list));
		name[eq - *list] = 0;
		/* A repeated name: the last one wins, as on a command line. */
		cJSON_DeleteItemFromObjectCaseSensitive(s, name);
		if (!cJSON_AddStringToObject(s, name, eq + 1))
			rc = -ENOMEM;
	}
	if (rc == 0 && !cJSON_AddItemToObject(obj, "settings", s))
		rc = -ENOMEM;
	if (rc < 0)
		cJSON_Delete(s);
	return rc;
}

/* ---- hexadecimal ---- */

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

int client_base64_decode(const char *in, uint8_t **out, size_t *out_len)
{
	size_t n = strlen(in);
	if (n % 4)
		return -EINVAL;
	uint8_t *buf = malloc(n / 4 * 3 + 1);
	if (!buf)
		return -ENOMEM;
	size_t o = 0;
	for (size_t k = 0; k < n; k += 4) {
		int v[4];
		for (int i = 0; i < 4; i++) {
			v[i] = in[k + i] == '=' && k + 4 == n && i >= 2 ? 0 : b64_value(in[k + i]);
			if (v[i] < 0 || (i == 2 && in[k + 2] == '=' && in[k + 3] != '=')) {
				free(buf);
				return -EINVAL;
			}
		}
		uint32_t w = (uint32_t)(v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3]);
		buf[o++] = (uint8_t)(w >> 16);
		if (in[k + 2] != '=')
			buf[o++] = (uint8_t)(w >> 8);
		if (in[k + 3] != '=')
			buf[o++] = (uint8_t)w;
	}
	*out = buf;
	*out_len = o;
	return 0;
}

void client_hex_encode(const void *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = in;
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * len] = 0;
}

int client_hex_decode(const char *hex, void *out, size_t max, size_t *out_len)
{
	size_t n = strlen(hex);
	if (n % 2)
		return -EINVAL;
	if (n / 2 > max)
		return -ENOSPC;
	uint8_t *p = out;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		p[i] = (uint8_t)(hi << 4 | lo);
	}
	*out_len = n / 2;
	return 0;
}

int mvdm_decode_cells(const char *hex, uint16_t *cells, size_t ncells)
{
	if (!hex || strlen(hex) != 4 * ncells)
		return -EINVAL;
	for (size_t i = 0; i < ncells; i++) {
		int d[4];
		for (int k = 0; k < 4; k++) {
			d[k] = hex_digit(hex[4 * i + (size_t)k]);
			if (d[k] < 0)
				return -EINVAL;
		}
		/* "4107": character 41h, attribute 07h. */
		unsigned ch = (unsigned)(d[0] << 4 | d[1]), attr = (unsigned)(d[2] << 4 | d[3]);
		cells[i] = (uint16_t)(ch | attr << 8);
	}
	return 0;
}

/* ---- escapes ---- */

/* The byte a one-letter escape stands for, or -1. */
static int simple_escape(char ch)
{
	static const char from[] = "rntbeafv\\'\"";
	static const char to[] = "\r\n\t\b\x1b\a\f\v\\'\"";
	const char *p = strchr(from, ch);
	return ch && p ? (unsigned char)to[p - from] : -1;
}

/* Decodes the escape at p (p[0] is the backslash) into *byte. Returns
 * the bytes it took, or 0 if it is not a valid escape. */
static size_t decode_escape(const char *p, int *byte)
{
	if (p[1] != 'x') {
		*byte = simple_escape(p[1]);
		return *byte < 0 ? 0 : 2;
	}
	int hi = hex_digit(p[2]), lo = hi < 0 ? -1 : hex_digit(p[3]);
	if (hi < 0)
		return 0;
	*byte = lo < 0 ? hi : hi << 4 | lo;
	return *byte == 0 ? 0 : lo < 0 ? 3 : 4;
}

int mvdm_unescape(const char *in, char *out, size_t max, const char **bad)
{
	size_t n = 0;
	for (const char *p = in; *p;) {
		int byte = (unsigned char)*p;
		size_t took = *p == '\\' ? decode_escape(p, &byte) : 1;
		if (!took) {
			if (bad)
				*bad = p;
			return -EINVAL;
		}
		if (n + 1 >= max)
			return -ENOSPC;
		out[n++] = (char)byte;
		p += took;
	}
	if (max == 0)
		return -ENOSPC;
	out[n] = 0;
	return (int)n;
}
