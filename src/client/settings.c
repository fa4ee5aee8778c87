/*
 * settings.c - the `settings` request (docs/server.md "settings"): the
 * DOS settings of a VM or of a program that is not running, read into
 * owned strings.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client_internal.h"

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

/* A setting value as text: booleans "true"/"false", integral numbers in
 * decimal, strings as they are. NULL when absent or null; -EPROTO through
 * *rc for other types, -ENOMEM when out of memory. */
static char *value_text(const cJSON *v, int *rc)
{
	char buf[64];
	*rc = 0;
	if (!v || cJSON_IsNull(v))
		return NULL;
	if (cJSON_IsBool(v))
		snprintf(buf, sizeof(buf), "%s", cJSON_IsTrue(v) ? "true" : "false");
	else if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 9.3e18)
		snprintf(buf, sizeof(buf), "%" PRId64, (int64_t)v->valuedouble);
	else if (cJSON_IsNumber(v))
		snprintf(buf, sizeof(buf), "%g", v->valuedouble);
	else if (cJSON_IsString(v))
		return dup_str(v->valuestring);
	else {
		*rc = -EPROTO;
		return NULL;
	}
	return dup_str(buf);
}

static void setting_free(struct mvdm_setting *s)
{
	free(s->name);
	free(s->value);
	free(s->def);
	free(s->source);
	free(s->help);
	for (char **p = s->choices; p && *p; p++)
		free(*p);
	free(s->choices);
	*s = (struct mvdm_setting){0};
}

void mvdm_settings_free(struct mvdm_settings *s)
{
	if (!s)
		return;
	for (size_t k = 0; k < s->count; k++)
		setting_free(&s->items[k]);
	free(s->items);
	*s = (struct mvdm_settings){0};
}

static enum mvdm_setting_type type_from_name(const char *t)
{
	if (strcmp(t, "bool") == 0)
		return MVDM_SETTING_BOOL;
	if (strcmp(t, "int") == 0)
		return MVDM_SETTING_INT;
	if (strcmp(t, "choice") == 0)
		return MVDM_SETTING_CHOICE;
	return MVDM_SETTING_UNKNOWN;
}

/* A string member copied, or NULL when absent; *rc -EPROTO (not a string)
 * or -ENOMEM. */
static char *string_member(const cJSON *o, const char *name, int *rc)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, name);
	*rc = 0;
	if (!f || cJSON_IsNull(f))
		return NULL;
	if (!cJSON_IsString(f)) {
		*rc = -EPROTO;
		return NULL;
	}
	char *s = dup_str(f->valuestring);
	if (!s)
		*rc = -ENOMEM;
	return s;
}

static int read_choices(const cJSON *o, struct mvdm_setting *s)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "choices");
	if (!arr || cJSON_IsNull(arr))
		return 0;
	if (!cJSON_IsArray(arr))
		return -EPROTO;
	size_t n = (size_t)cJSON_GetArraySize(arr), k = 0;
	s->choices = calloc(n + 1, sizeof(char *));
	if (!s->choices)
		return -ENOMEM;
	const cJSON *item;
	cJSON_ArrayForEach(item, arr)
	{
		int rc;
		s->choices[k] = value_text(item, &rc);
		if (rc < 0)
			return rc;
		if (!s->choices[k])
			return -ENOMEM;
		k++;
	}
	return 0;
}

/* Fills *s from one element of "settings"; 0, -EPROTO or -ENOMEM (*s may
 * then hold some strings: setting_free() it). */
static int read_setting(const cJSON *o, struct mvdm_setting *s)
{
	int rc;
	if (!cJSON_IsObject(o))
		return -EPROTO;
	s->name = string_member(o, "name", &rc);
	if (rc < 0 || !s->name)
		return rc < 0 ? rc : -EPROTO;
	char *type = string_member(o, "type", &rc);
	if (rc < 0)
		return rc;
	s->type = type ? type_from_name(type) : MVDM_SETTING_UNKNOWN;
	free(type);
	const char *const texts[] = {"value", "default"};
	char **dst[] = {&s->value, &s->def};
	for (int k = 0; k < 2; k++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, texts[k]);
		*dst[k] = value_text(v, &rc);
		if (rc < 0)
			return rc;
		if (v && !cJSON_IsNull(v) && !*dst[k])
			return -ENOMEM;
	}
	const cJSON *min = cJSON_GetObjectItemCaseSensitive(o, "min");
	const cJSON *max = cJSON_GetObjectItemCaseSensitive(o, "max");
	if (cJSON_IsNumber(min) && cJSON_IsNumber(max)) {
		s->has_range = true;
		s->min = (int64_t)min->valuedouble;
		s->max = (int64_t)max->valuedouble;
	}
	rc = read_choices(o, s);
	if (rc < 0)
		return rc;
	s->live = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "live"));
	s->source = string_member(o, "source", &rc);
	if (rc < 0)
		return rc;
	s->help = string_member(o, "help", &rc);
	return rc;
}

static int read_settings(struct mvdm_client *c, const cJSON *resp, struct mvdm_settings *out)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(resp, "settings");
	if (!cJSON_IsArray(arr))
		return client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO, "the server's \"settings\" is not an array");
	struct mvdm_settings r = {0};
	size_t n = (size_t)cJSON_GetArraySize(arr);
	r.items = calloc(n ? n : 1, sizeof(*r.items));
	if (!r.items)
		return client_fail(c, MVDM_ERR_LOCAL, -ENOMEM, "out of memory");
	const cJSON *item;
	int rc = 0;
	cJSON_ArrayForEach(item, arr)
	{
		rc = read_setting(item, &r.items[r.count++]);
		if (rc < 0)
			break;
	}
	if (rc < 0) {
		mvdm_settings_free(&r);
		return rc == -ENOMEM ? client_fail(c, MVDM_ERR_LOCAL, rc, "out of memory")
				     : client_fail(c, MVDM_ERR_PROTOCOL, rc, "a setting in the server's answer is malformed");
	}
	*out = r;
	return 0;
}

static int settings_transact(struct mvdm_client *c, cJSON *req, struct mvdm_settings *out)
{
	cJSON *resp;
	int rc = client_transact(c, req, &resp);
	if (rc < 0)
		return rc;
	rc = read_settings(c, resp, out);
	cJSON_Delete(resp);
	return rc;
}

int mvdm_client_settings(struct mvdm_client *c, uint64_t id, struct mvdm_settings *out)
{
	cJSON *req = client_request_new("settings");
	if (req && !cJSON_AddNumberToObject(req, "id", (double)id)) {
		cJSON_Delete(req);
		req = NULL;
	}
	return settings_transact(c, req, out);
}

int mvdm_client_settings_program(struct mvdm_client *c, const char *program, const char *const drives[26],
				 struct mvdm_settings *out)
{
	client_clear(c);
	if (!program || !program[0])
		return client_fail(c, MVDM_ERR_LOCAL, -EINVAL, "settings: no program");
	cJSON *req = client_request_new("settings");
	if (!req || !cJSON_AddStringToObject(req, "program", program)) {
		cJSON_Delete(req);
		return client_fail(c, MVDM_ERR_LOCAL, -ENOMEM, "out of memory");
	}
	int rc = client_add_drives(req, drives);
	if (rc < 0) {
		cJSON_Delete(req);
		return rc == -EINVAL ? client_fail(c, MVDM_ERR_LOCAL, rc, "settings: no drive is mapped")
				     : client_fail(c, MVDM_ERR_LOCAL, rc, "out of memory");
	}
	return settings_transact(c, req, out);
}
