/*
 * requests.c - the typed requests of docs/server.md "Requests": each
 * builds its JSON object, runs one transaction and reads the result into
 * the caller's structs.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client_internal.h"

static int no_memory(struct mvdm_client *c)
{
	return client_fail(c, MVDM_ERR_LOCAL, -ENOMEM, "out of memory");
}

/* req if building it went well (ok), else NULL with req freed: the
 * request functions hand NULL to client_transact, which reports it as out
 * of memory. */
static cJSON *request_built(cJSON *req, bool ok)
{
	if (ok)
		return req;
	cJSON_Delete(req);
	return NULL;
}

/* {"op": op, "v": 1, "id": id}, or NULL. */
static cJSON *request_id(const char *op, uint64_t id)
{
	cJSON *req = client_request_new(op);
	return request_built(req, req && cJSON_AddNumberToObject(req, "id", (double)id));
}

int mvdm_client_hello(struct mvdm_client *c, struct mvdm_hello *h)
{
	cJSON *resp;
	int rc = client_transact(c, client_request_new("hello"), &resp);
	if (rc < 0)
		return rc;
	uint64_t workers = 0, vms = 0;
	struct mvdm_hello r = {0};
	rc = client_get_int(c, resp, "protocol", true, &r.protocol);
	if (!rc)
		rc = client_get_str(c, resp, "server", true, r.server, sizeof(r.server));
	if (!rc)
		rc = client_get_u64(c, resp, "workers", true, &workers);
	if (!rc)
		rc = client_get_u64(c, resp, "vms", true, &vms);
	cJSON_Delete(resp);
	if (rc < 0)
		return rc;
	r.workers = (unsigned)workers;
	r.vms = (unsigned)vms;
	*h = r;
	return 0;
}

/* ---- create ---- */

static bool has_equals(const char *const *list)
{
	for (; list && *list; list++)
		if (!strchr(*list, '=') || **list == '=')
			return false;
	return true;
}

/* Checks r before anything is sent: 0 or a recorded -EINVAL. */
static int check_create(struct mvdm_client *c, const struct mvdm_create_req *r)
{
	if (!r->program || !r->program[0])
		return client_fail(c, MVDM_ERR_LOCAL, -EINVAL, "create: no program");
	if (!has_equals(r->env))
		return client_fail(c, MVDM_ERR_LOCAL, -EINVAL, "create: env entries are NAME=VALUE");
	if (!has_equals(r->settings))
		return client_fail(c, MVDM_ERR_LOCAL, -EINVAL, "create: settings are NAME=VALUE");
	if (r->name && strlen(r->name) > MVDM_NAME_MAX)
		return client_fail(c, MVDM_ERR_LOCAL, -EINVAL, "create: the name is longer than %d bytes",
				   MVDM_NAME_MAX);
	if (!isfinite(r->timeout_s) || r->timeout_s < 0 || !isfinite(r->mips) || r->mips < 0)
		return client_fail(c, MVDM_ERR_LOCAL, -EINVAL, "create: timeout_s and mips are numbers >= 0");
	return 0;
}

static bool any_drive(const char *const drives[26])
{
	for (int i = 0; i < 26; i++)
		if (drives[i])
			return true;
	return false;
}

/* The request object of r, or NULL (out of memory). */
static cJSON *build_create(const struct mvdm_create_req *r)
{
	cJSON *req = client_request_new("create");
	if (!req || !cJSON_AddStringToObject(req, "program", r->program))
		goto err_free;
	if (r->args && client_add_strings(req, "args", r->args) < 0)
		goto err_free;
	if (any_drive(r->drives) && client_add_drives(req, r->drives) < 0)
		goto err_free;
	if (r->env && client_add_strings(req, "env", r->env) < 0)
		goto err_free;
	if (r->settings && r->settings[0] && client_add_settings(req, r->settings) < 0)
		goto err_free;
	if (r->mode == MVDM_MODE_EXCLUSIVE && !cJSON_AddStringToObject(req, "mode", "exclusive"))
		goto err_free;
	if (r->timeout_s > 0 && !cJSON_AddNumberToObject(req, "timeout_s", r->timeout_s))
		goto err_free;
	if (r->mips > 0 && !cJSON_AddNumberToObject(req, "mips", r->mips))
		goto err_free;
	if (r->name && !cJSON_AddStringToObject(req, "name", r->name))
		goto err_free;
	if (r->paused && !cJSON_AddBoolToObject(req, "paused", true))
		goto err_free;
	if (r->owned && !cJSON_AddBoolToObject(req, "owned", true))
		goto err_free;
	if (r->like && !cJSON_AddNumberToObject(req, "like", (double)r->like))
		goto err_free;
	if (r->profile && !cJSON_AddStringToObject(req, "profile", r->profile))
		goto err_free;
	if (r->autoexec && !cJSON_AddStringToObject(req, "autoexec", r->autoexec))
		goto err_free;
	return req;
err_free:
	cJSON_Delete(req);
	return NULL;
}

int mvdm_client_create(struct mvdm_client *c, const struct mvdm_create_req *r, uint64_t *id, char *name,
		       size_t name_len)
{
	client_clear(c);
	int rc = check_create(c, r);
	if (rc < 0)
		return rc;
	cJSON *req = build_create(r);
	if (!req)
		return no_memory(c);
	cJSON *resp;
	rc = client_transact(c, req, &resp);
	if (rc < 0)
		return rc;
	uint64_t got;
	rc = client_get_u64(c, resp, "id", true, &got);
	if (!rc && name && name_len) {
		name[0] = 0;
		rc = client_get_str(c, resp, "name", false, name, name_len);
		rc = rc == -ENOENT ? 0 : rc;
	}
	cJSON_Delete(resp);
	if (rc < 0)
		return rc;
	*id = got;
	return 0;
}

/* ---- list, status, wait ---- */

/* The fields list and status share. */
static int read_info(struct mvdm_client *c, const cJSON *o, struct mvdm_vm_info *v)
{
	*v = (struct mvdm_vm_info){0};
	char mode[16] = "";
	int rc = client_get_u64(c, o, "id", true, &v->id);
	if (!rc)
		rc = client_get_str(c, o, "name", false, v->name, sizeof(v->name));
	if (rc == 0 || rc == -ENOENT)
		rc = client_get_str(c, o, "program", true, v->program, sizeof(v->program));
	if (!rc)
		rc = client_get_state(c, o, true, &v->state);
	if (!rc)
		rc = client_get_str(c, o, "mode", false, mode, sizeof(mode));
	if (rc == 0 || rc == -ENOENT) {
		v->mode = strcmp(mode, "exclusive") == 0 ? MVDM_MODE_EXCLUSIVE : MVDM_MODE_CONCURRENT;
		rc = client_get_int(c, o, "exit_code", false, &v->exit_code);
		v->has_exit_code = rc == 0;
	}
	return rc == -ENOENT ? 0 : rc;
}

int mvdm_client_list(struct mvdm_client *c, struct mvdm_vm_info **vms, size_t *count)
{
	cJSON *resp;
	int rc = client_transact(c, client_request_new("list"), &resp);
	if (rc < 0)
		return rc;
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(resp, "vms");
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(resp);
		return client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO, "the server's \"vms\" is not an array");
	}
	size_t n = (size_t)cJSON_GetArraySize(arr), k = 0;
	struct mvdm_vm_info *v = n ? calloc(n, sizeof(*v)) : NULL;
	if (n && !v) {
		cJSON_Delete(resp);
		return no_memory(c);
	}
	const cJSON *item;
	cJSON_ArrayForEach(item, arr)
	{
		rc = read_info(c, item, &v[k++]);
		if (rc < 0)
			break;
	}
	cJSON_Delete(resp);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*vms = v;
	*count = n;
	return 0;
}

static int optional(int rc)
{
	return rc == -ENOENT ? 0 : rc;
}

int mvdm_client_find(struct mvdm_client *c, const char *vm, uint64_t *id)
{
	client_clear(c);
	if (!vm[0])
		return client_fail(c, MVDM_ERR_LOCAL, -EINVAL, "a VM is named by its id or its name, not \"\"");
	size_t digits = strspn(vm, "0123456789");
	if (!vm[digits]) { /* an id: no request needed */
		errno = 0;
		unsigned long long v = strtoull(vm, NULL, 10);
		if (v == 0 || errno)
			return client_fail(c, MVDM_ERR_LOCAL, -EINVAL, "'%s' is not a VM id", vm);
		*id = v;
		return 0;
	}
	cJSON *req = client_request_new("status"), *resp;
	int rc = client_transact(c, request_built(req, req && cJSON_AddStringToObject(req, "id", vm)), &resp);
	if (rc < 0)
		return rc;
	rc = client_get_u64(c, resp, "id", true, id);
	cJSON_Delete(resp);
	return rc;
}

int mvdm_client_status(struct mvdm_client *c, uint64_t id, struct mvdm_vm_status *s)
{
	cJSON *resp;
	int rc = client_transact(c, request_id("status", id), &resp);
	if (rc < 0)
		return rc;
	struct mvdm_vm_status *r = calloc(1, sizeof(*r));
	if (!r) {
		cJSON_Delete(resp);
		return no_memory(c);
	}
	rc = read_info(c, resp, &r->info);
	if (!rc)
		rc = optional(client_get_str(c, resp, "reason", false, r->reason, sizeof(r->reason)));
	if (!rc)
		rc = optional(client_get_u64(c, resp, "insns", false, &r->insns));
	if (!rc)
		rc = optional(client_get_double(c, resp, "cpu_s", false, &r->cpu_s));
	if (!rc)
		rc = optional(client_get_double(c, resp, "wall_s", false, &r->wall_s));
	if (!rc) {
		rc = client_get_double(c, resp, "first_insn_us", false, &r->first_insn_us);
		r->has_first_insn = rc == 0;
		rc = optional(rc);
	}
	if (!rc)
		rc = optional(client_get_u64(c, resp, "parent", false, &r->parent));
	cJSON_Delete(resp);
	if (!rc)
		*s = *r;
	free(r);
	return rc;
}

int mvdm_client_wait(struct mvdm_client *c, uint64_t id, double timeout_s, struct mvdm_wait_result *w)
{
	cJSON *req = request_id("wait", id);
	bool with_timeout = timeout_s > 0 && isfinite(timeout_s);
	req = request_built(req, req && (!with_timeout || cJSON_AddNumberToObject(req, "timeout_s", timeout_s)));
	cJSON *resp;
	int rc = client_transact(c, req, &resp);
	if (rc < 0)
		return rc;
	struct mvdm_wait_result r = {0};
	rc = client_get_state(c, resp, true, &r.state);
	if (!rc) {
		rc = client_get_int(c, resp, "exit_code", false, &r.exit_code);
		r.has_exit_code = rc == 0;
		rc = optional(rc);
	}
	if (!rc)
		rc = optional(client_get_str(c, resp, "reason", false, r.reason, sizeof(r.reason)));
	cJSON_Delete(resp);
	if (!rc)
		*w = r;
	return rc;
}

/* ---- pause, resume, kill, remove ---- */

/* Sends req (taken over; NULL = out of memory) and reads the "state" of
 * the answer into *state (may be NULL). */
static int state_transact(struct mvdm_client *c, cJSON *req, enum mvdm_vm_state *state)
{
	cJSON *resp;
	int rc = client_transact(c, req, &resp);
	if (rc < 0)
		return rc;
	enum mvdm_vm_state s = MVDM_STATE_UNKNOWN;
	rc = optional(client_get_state(c, resp, false, &s));
	cJSON_Delete(resp);
	if (!rc && state)
		*state = s;
	return rc;
}

static int state_request(struct mvdm_client *c, const char *op, uint64_t id, enum mvdm_vm_state *state)
{
	return state_transact(c, request_id(op, id), state);
}

int mvdm_client_focus(struct mvdm_client *c, uint64_t id, bool on, enum mvdm_vm_state *state)
{
	cJSON *req = request_id("focus", id);
	req = request_built(req, req && cJSON_AddBoolToObject(req, "on", on));
	return state_transact(c, req, state);
}

int mvdm_client_pause(struct mvdm_client *c, uint64_t id, enum mvdm_vm_state *state)
{
	return state_request(c, "pause", id, state);
}

int mvdm_client_resume(struct mvdm_client *c, uint64_t id, enum mvdm_vm_state *state)
{
	return state_request(c, "resume", id, state);
}

int mvdm_client_kill(struct mvdm_client *c, uint64_t id, enum mvdm_vm_state *state)
{
	return state_request(c, "kill", id, state);
}

int mvdm_client_remove(struct mvdm_client *c, uint64_t id, enum mvdm_vm_state *state)
{
	return state_request(c, "remove", id, state);
}

/* ---- screen ---- */

/* Reads the "cursor" object into s. */
static int read_cursor(struct mvdm_client *c, const cJSON *resp, struct vm16_screen *s)
{
	const cJSON *cur = cJSON_GetObjectItemCaseSensitive(resp, "cursor");
	if (!cJSON_IsObject(cur))
		return client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO, "the server's screen has no \"cursor\"");
	int row, col;
	bool visible;
	int rc = client_get_int(c, cur, "row", true, &row);
	if (!rc)
		rc = client_get_int(c, cur, "col", true, &col);
	if (!rc)
		rc = client_get_bool(c, cur, "visible", true, &visible);
	if (rc < 0)
		return rc;
	s->cursor_row = (uint8_t)(row < 0 || row > 255 ? 255 : row);
	s->cursor_col = (uint8_t)(col < 0 || col > 255 ? 255 : col);
	s->cursor_visible = visible;
	return 0;
}

/* Joins the "text" rows with '\n' into a malloc'd string. */
static int join_rows(struct mvdm_client *c, const cJSON *text, int rows, char **out)
{
	if (!cJSON_IsArray(text) || cJSON_GetArraySize(text) != rows)
		return client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO, "the server's \"text\" does not have %d rows", rows);
	size_t len = 1;
	const cJSON *row;
	cJSON_ArrayForEach(row, text)
	{
		if (!cJSON_IsString(row))
			return client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO, "a row of the server's \"text\" is not a string");
		len += strlen(row->valuestring) + 1;
	}
	char *buf = malloc(len), *p = buf;
	if (!buf)
		return no_memory(c);
	cJSON_ArrayForEach(row, text)
	{
		size_t n = strlen(row->valuestring);
		memcpy(p, row->valuestring, n);
		p[n] = '\n';
		p += n + 1;
	}
	*p = 0;
	*out = buf;
	return 0;
}

static int read_screen(struct mvdm_client *c, const cJSON *resp, struct vm16_screen *s, char **text)
{
	int mode, cols, rows;
	int rc = client_get_int(c, resp, "mode", true, &mode);
	if (!rc)
		rc = client_get_int(c, resp, "cols", true, &cols);
	if (!rc)
		rc = client_get_int(c, resp, "rows", true, &rows);
	if (rc < 0)
		return rc;
	if (mode < 0 || mode > 255 || cols < 1 || rows < 1 || cols * rows > 80 * 50 || cols > 255 || rows > 255)
		return client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO, "the server's screen is %dx%d (mode %d)", cols, rows,
				   mode);
	memset(s, 0, sizeof(*s));
	s->mode = (uint8_t)mode;
	s->cols = (uint8_t)cols;
	s->rows = (uint8_t)rows;
	rc = read_cursor(c, resp, s);
	if (rc < 0)
		return rc;
	const cJSON *cells = cJSON_GetObjectItemCaseSensitive(resp, "cells");
	if (!cJSON_IsArray(cells) || cJSON_GetArraySize(cells) != rows)
		return client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO, "the server's \"cells\" does not have %d rows", rows);
	int r = 0;
	const cJSON *row;
	cJSON_ArrayForEach(row, cells)
	{
		if (!cJSON_IsString(row) ||
		    mvdm_decode_cells(row->valuestring, &s->cells[(size_t)r * (size_t)cols], (size_t)cols) < 0)
			return client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO,
					   "row %d of the server's \"cells\" is not %d cells of 4 hex digits", r, cols);
		r++;
	}
	if (text)
		return join_rows(c, cJSON_GetObjectItemCaseSensitive(resp, "text"), rows, text);
	return 0;
}

int mvdm_client_screen(struct mvdm_client *c, uint64_t id, struct vm16_screen *s, char **text)
{
	cJSON *resp;
	int rc = client_transact(c, request_id("screen", id), &resp);
	if (rc < 0)
		return rc;
	/* Decoded into a scratch copy: *s is left alone on errors. */
	struct vm16_screen *tmp = malloc(sizeof(*tmp));
	char *t = NULL;
	rc = tmp ? read_screen(c, resp, tmp, text ? &t : NULL) : no_memory(c);
	cJSON_Delete(resp);
	if (rc == 0) {
		*s = *tmp;
		if (text)
			*text = t;
	}
	free(tmp);
	return rc;
}

/* ---- screenshot, mouse ---- */

int mvdm_client_screenshot(struct mvdm_client *c, uint64_t id, uint8_t **png, size_t *len,
			   struct mvdm_picture *info)
{
	cJSON *resp;
	int rc = client_transact(c, request_id("screenshot", id), &resp);
	if (rc < 0)
		return rc;
	struct mvdm_picture p = { 0 };
	int w = 0, h = 0;
	rc = client_get_int(c, resp, "width", true, &w);
	if (!rc)
		rc = client_get_int(c, resp, "height", true, &h);
	if (!rc)
		rc = client_get_int(c, resp, "mode", true, &p.mode);
	if (!rc)
		rc = client_get_bool(c, resp, "graphics", true, &p.graphics);
	if (!rc)
		rc = client_get_u64(c, resp, "serial", true, &p.serial);
	const cJSON *b64 = cJSON_GetObjectItemCaseSensitive(resp, "png");
	uint8_t *data = NULL;
	size_t n = 0;
	if (!rc && (w < 1 || h < 1))
		rc = client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO, "the server's screenshot is %dx%d", w, h);
	if (!rc && (!cJSON_IsString(b64) || client_base64_decode(b64->valuestring, &data, &n) < 0 || n < 8 ||
		    memcmp(data, "\x89PNG", 4) != 0))
		rc = client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO, "the server's \"png\" is not a base64 PNG");
	cJSON_Delete(resp);
	if (rc < 0) {
		free(data);
		return rc;
	}
	p.width = (uint32_t)w;
	p.height = (uint32_t)h;
	if (info)
		*info = p;
	*png = data;
	*len = n;
	return 0;
}

int mvdm_client_mouse(struct mvdm_client *c, uint64_t id, int dx, int dy, unsigned buttons)
{
	client_clear(c);
	cJSON *req = request_id("mouse", id);
	req = request_built(req, req && cJSON_AddNumberToObject(req, "dx", dx) &&
				     cJSON_AddNumberToObject(req, "dy", dy) &&
				     cJSON_AddNumberToObject(req, "buttons", buttons));
	return client_transact_void(c, req);
}

int mvdm_client_mouse_at(struct mvdm_client *c, uint64_t id, int x, int y, unsigned buttons)
{
	client_clear(c);
	cJSON *req = request_id("mouse", id);
	req = request_built(req, req && cJSON_AddNumberToObject(req, "x", x) && cJSON_AddNumberToObject(req, "y", y) &&
				     cJSON_AddNumberToObject(req, "buttons", buttons));
	return client_transact_void(c, req);
}

/* ---- keys ---- */

static int keys_result(struct mvdm_client *c, cJSON *req, unsigned *queued)
{
	cJSON *resp;
	int rc = client_transact(c, req, &resp);
	if (rc < 0)
		return rc;
	uint64_t n = 0;
	rc = client_get_u64(c, resp, "queued", true, &n);
	cJSON_Delete(resp);
	if (!rc && queued)
		*queued = (unsigned)n;
	return rc;
}

int mvdm_client_keys_text(struct mvdm_client *c, uint64_t id, const char *text, unsigned *queued)
{
	client_clear(c);
	for (const char *p = text; *p; p++)
		if ((unsigned char)*p >= 0x80)
			return client_fail(c, MVDM_ERR_LOCAL, -EINVAL, "keys: the text is not ASCII (byte %02Xh)",
					   (unsigned char)*p);
	cJSON *req = request_id("keys", id);
	req = request_built(req, req && cJSON_AddStringToObject(req, "text", text));
	return keys_result(c, req, queued);
}

int mvdm_client_keys_scancodes(struct mvdm_client *c, uint64_t id, const struct mvdm_key *keys, size_t n,
			       unsigned *queued)
{
	client_clear(c);
	if (n == 0)
		return client_fail(c, MVDM_ERR_LOCAL, -EINVAL, "keys: no key events");
	for (size_t i = 0; i < n; i++)
		if (keys[i].make < 1 || keys[i].make > 127)
			return client_fail(c, MVDM_ERR_LOCAL, -EINVAL, "keys: make code %u is not 1-127", keys[i].make);
	cJSON *req = request_id("keys", id);
	cJSON *arr = req ? cJSON_AddArrayToObject(req, "scancodes") : NULL;
	for (size_t i = 0; arr && i < n; i++) {
		cJSON *ev = cJSON_CreateArray();
		cJSON *make = cJSON_CreateNumber(keys[i].make);
		cJSON *ext = cJSON_CreateBool(keys[i].extended);
		cJSON *pressed = cJSON_CreateBool(keys[i].pressed);
		if (!ev || !make || !ext || !pressed) {
			cJSON_Delete(ev);
			cJSON_Delete(make);
			cJSON_Delete(ext);
			cJSON_Delete(pressed);
			arr = NULL;
			break;
		}
		cJSON_AddItemToArray(ev, make);
		cJSON_AddItemToArray(ev, ext);
		cJSON_AddItemToArray(ev, pressed);
		cJSON_AddItemToArray(arr, ev);
	}
	if (!arr) {
		cJSON_Delete(req);
		req = NULL;
	}
	return keys_result(c, req, queued);
}

/* ---- output ---- */

int mvdm_client_output(struct mvdm_client *c, uint64_t id, const struct mvdm_output_req *r,
		       struct mvdm_output *out)
{
	cJSON *req = request_id("output", id);
	bool ok = req != NULL;
	if (ok && r->from)
		ok = cJSON_AddNumberToObject(req, "from", (double)r->from) != NULL;
	if (ok && r->max)
		ok = cJSON_AddNumberToObject(req, "max", (double)r->max) != NULL;
	if (ok && r->wait)
		ok = cJSON_AddBoolToObject(req, "wait", true) != NULL;
	if (ok && r->wait && r->timeout_s > 0 && isfinite(r->timeout_s))
		ok = cJSON_AddNumberToObject(req, "timeout_s", r->timeout_s) != NULL;
	req = request_built(req, ok);
	cJSON *resp;
	int rc = client_transact(c, req, &resp);
	if (rc < 0)
		return rc;
	struct mvdm_output o = {0};
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(resp, "text");
	if (!cJSON_IsString(text))
		rc = client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO, "the server's output has no \"text\"");
	if (!rc)
		rc = client_get_u64(c, resp, "next", true, &o.next);
	if (!rc)
		rc = optional(client_get_u64(c, resp, "lost", false, &o.lost));
	if (!rc)
		rc = client_get_bool(c, resp, "ended", true, &o.ended);
	if (!rc) {
		o.len = strlen(text->valuestring);
		o.text = malloc(o.len + 1);
		if (o.text)
			memcpy(o.text, text->valuestring, o.len + 1);
		else
			rc = no_memory(c);
	}
	cJSON_Delete(resp);
	if (!rc)
		*out = o;
	return rc;
}

void mvdm_output_free(struct mvdm_output *out)
{
	if (!out)
		return;
	free(out->text);
	*out = (struct mvdm_output){0};
}

/* ---- set, VDD channels, shutdown ---- */

int mvdm_client_set(struct mvdm_client *c, uint64_t id, const char *const *settings)
{
	client_clear(c);
	if (!settings || !settings[0])
		return client_fail(c, MVDM_ERR_LOCAL, -EINVAL, "set: no settings");
	cJSON *req = request_id("set", id);
	if (!req)
		return no_memory(c);
	int rc = client_add_settings(req, settings);
	if (rc < 0) {
		cJSON_Delete(req);
		return rc == -EINVAL ? client_fail(c, MVDM_ERR_LOCAL, rc, "set: settings are NAME=VALUE") : no_memory(c);
	}
	return client_transact_void(c, req);
}

int mvdm_client_vdd_open(struct mvdm_client *c, uint64_t id, const char *vdd, uint64_t *chan)
{
	cJSON *req = request_id("vdd_open", id);
	req = request_built(req, req && cJSON_AddStringToObject(req, "vdd", vdd));
	cJSON *resp;
	int rc = client_transact(c, req, &resp);
	if (rc < 0)
		return rc;
	rc = client_get_u64(c, resp, "chan", true, chan);
	cJSON_Delete(resp);
	return rc;
}

/* {"op": op, "v": 1, "id": id, "chan": chan}, or NULL. */
static cJSON *request_chan(const char *op, uint64_t id, uint64_t chan)
{
	cJSON *req = request_id(op, id);
	req = request_built(req, req && cJSON_AddNumberToObject(req, "chan", (double)chan));
	return req;
}

/* The request's fields besides id and chan; false when out of memory. */
static bool add_vdd_fields(cJSON *req, uint32_t op, const void *in, size_t in_len, size_t max)
{
	if (!cJSON_AddNumberToObject(req, VDD_OP_FIELD, op))
		return false;
	if (in_len) {
		char *hex = malloc(2 * in_len + 1);
		if (!hex)
			return false;
		client_hex_encode(in, in_len, hex);
		cJSON *s = cJSON_AddStringToObject(req, "data", hex);
		free(hex);
		if (!s)
			return false;
	}
	return !max || cJSON_AddNumberToObject(req, "max", (double)max);
}

int mvdm_client_vdd_request(struct mvdm_client *c, uint64_t id, uint64_t chan, uint32_t op, const void *in,
			    size_t in_len, void *out, size_t max, size_t *out_len)
{
	cJSON *req = request_chan("vdd_request", id, chan);
	req = request_built(req, req && add_vdd_fields(req, op, in, in_len, max));
	cJSON *resp;
	int rc = client_transact(c, req, &resp);
	if (rc < 0)
		return rc;
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(resp, "data");
	if (!cJSON_IsString(data))
		rc = client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO, "the server's vdd_request answer has no \"data\"");
	else if (client_hex_decode(data->valuestring, out, max ? max : 4096, out_len) < 0)
		rc = client_fail(c, MVDM_ERR_PROTOCOL, -EPROTO,
				 "the server's \"data\" is not hexadecimal or longer than %zu bytes", max ? max : 4096);
	cJSON_Delete(resp);
	return rc;
}

int mvdm_client_vdd_close(struct mvdm_client *c, uint64_t id, uint64_t chan)
{
	return client_transact_void(c, request_chan("vdd_close", id, chan));
}

int mvdm_client_shutdown(struct mvdm_client *c)
{
	return client_transact_void(c, client_request_new("shutdown"));
}
