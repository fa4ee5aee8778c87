/*
 * reqcheck.c - request field checks and hex (reqcheck.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "server/reqcheck.h"

static const char *type_names(unsigned t)
{
	switch (t) {
	case RT_STRING: return "a string";
	case RT_INT: return "an integer";
	case RT_NUMBER: return "a number";
	case RT_BOOL: return "true or false";
	case RT_OBJECT: return "an object";
	case RT_ARRAY: return "an array";
	case RT_STRING | RT_NUMBER | RT_BOOL: return "a string, a number or true/false";
	case RT_ID: return "a VM's id (an integer) or its name (a string)";
	default: return "of another type";
	}
}

static bool is_int(const cJSON *j)
{
	double d = j->valuedouble;
	return cJSON_IsNumber(j) && isfinite(d) && d == floor(d) && d >= -9.2e18 && d <= 9.2e18;
}

static bool type_ok(const cJSON *j, unsigned types)
{
	return ((types & RT_STRING) && cJSON_IsString(j)) || ((types & RT_INT) && is_int(j)) ||
	       ((types & RT_NUMBER) && cJSON_IsNumber(j) && isfinite(j->valuedouble)) ||
	       ((types & RT_BOOL) && cJSON_IsBool(j)) || ((types & RT_OBJECT) && cJSON_IsObject(j)) ||
	       ((types & RT_ARRAY) && cJSON_IsArray(j));
}

bool req_check(const cJSON *req, const struct req_field *fields, size_t n, char *msg, size_t len)
{
	for (const cJSON *m = req->child; m; m = m->next) {
		if (!m->string) {
			snprintf(msg, len, "a member has no name");
			return false;
		}
		if (strcmp(m->string, "op") == 0 || strcmp(m->string, "tag") == 0 || strcmp(m->string, "v") == 0)
			continue;
		const struct req_field *f = NULL;
		for (size_t k = 0; k < n && !f; k++)
			if (strcmp(fields[k].name, m->string) == 0)
				f = &fields[k];
		if (!f) {
			snprintf(msg, len, "unknown field \"%.64s\"", m->string);
			return false;
		}
		if (!type_ok(m, f->types)) {
			snprintf(msg, len, "field \"%s\" must be %s", f->name, type_names(f->types));
			return false;
		}
		for (const cJSON *o = m->next; o; o = o->next)
			if (o->string && strcmp(o->string, m->string) == 0) {
				snprintf(msg, len, "field \"%s\" is given twice", f->name);
				return false;
			}
	}
	for (size_t k = 0; k < n; k++)
		if (fields[k].required && !cJSON_GetObjectItemCaseSensitive(req, fields[k].name)) {
			snprintf(msg, len, "field \"%s\" is required", fields[k].name);
			return false;
		}
	return true;
}

const char *req_str(const cJSON *req, const char *name, const char *def)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(req, name);
	return cJSON_IsString(j) ? j->valuestring : def;
}

int64_t req_int(const cJSON *req, const char *name, int64_t def)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(req, name);
	return cJSON_IsNumber(j) ? (int64_t)j->valuedouble : def;
}

double req_num(const cJSON *req, const char *name, double def)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(req, name);
	return cJSON_IsNumber(j) ? j->valuedouble : def;
}

bool req_bool(const cJSON *req, const char *name, bool def)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(req, name);
	return cJSON_IsBool(j) ? cJSON_IsTrue(j) : def;
}

void hex_encode(const uint8_t *data, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t k = 0; k < len; k++) {
		out[2 * k] = digits[data[k] >> 4];
		out[2 * k + 1] = digits[data[k] & 15];
	}
	out[2 * len] = 0;
}

size_t base64_len(size_t len)
{
	return (len + 2) / 3 * 4 + 1;
}

/* RFC 4648 base64 with padding. */
void base64_encode(const uint8_t *data, size_t len, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t k = 0; k < len; k += 3) {
		uint32_t v = (uint32_t)data[k] << 16 | (k + 1 < len ? (uint32_t)data[k + 1] << 8 : 0) |
			     (k + 2 < len ? data[k + 2] : 0);
		out[o++] = a[v >> 18];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = k + 1 < len ? a[(v >> 6) & 63] : '=';
		out[o++] = k + 2 < len ? a[v & 63] : '=';
	}
	out[o] = 0;
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

long hex_decode(const char *hex, uint8_t *out, size_t max)
{
	size_t n = strlen(hex);
	if (n % 2 || n / 2 > max)
		return -1;
	for (size_t k = 0; k < n / 2; k++) {
		int hi = nibble(hex[2 * k]), lo = nibble(hex[2 * k + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[k] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}
