/*
 * requests.c - the request handlers of mvdmd (docs/server.md "Requests").
 *
 * Each handler checks its fields (reqcheck.h), does the work and queues
 * exactly one response, or holds the request (wait, output with wait)
 * until server_retry_pending() can answer it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/version.h"
#include "console/cp437.h"
#include "console/png.h"
#include "mvdm/profile.h"
#include "mvdm/progsettings.h"
#include "mvdm/vdd.h"
#include "server/reqcheck.h"
#include "server/server_internal.h"
#include "server/vdm_build.h"

#define NFIELDS(f) (sizeof(f) / sizeof((f)[0]))

typedef int (*handler_fn)(struct server *s, struct conn *c, cJSON *req);

static bool checked(struct conn *c, const cJSON *req, const struct req_field *f, size_t n)
{
	char msg[160];
	if (req_check(req, f, n, msg, sizeof(msg)))
		return true;
	server_reply_error(c, req, "bad_request", "%s", msg);
	return false;
}

/* The VM that field `field` names, by id or by name, with a reference;
 * NULL after an error reply. */
static struct vdm *vm_of_field(struct server *s, struct conn *c, const cJSON *req, const char *field)
{
	const char *name = req_str(req, field, NULL);
	if (name) {
		struct vdm *v = sched_find_name(&s->sched, name);
		if (!v)
			server_reply_error(c, req, "no_such_vm", "no VM is called \"%.64s\"%s", name,
					   strcmp(field, "id") ? " (field \"like\")" : "");
		return v;
	}
	int64_t id = req_int(req, field, -1);
	struct vdm *v = id > 0 && id <= UINT32_MAX ? sched_get(&s->sched, (uint32_t)id) : NULL;
	if (!v)
		server_reply_error(c, req, "no_such_vm", "no VM has id %lld%s", (long long)id,
				   strcmp(field, "id") ? " (field \"like\")" : "");
	return v;
}

/* The VM named by the request's "id" (an id or a name). */
static struct vdm *get_vm(struct server *s, struct conn *c, const cJSON *req)
{
	return vm_of_field(s, c, req, "id");
}

static const struct req_field id_only[] = { { "id", RT_ID, true } };

/* ---- hello, list, status ---- */

static int h_hello(struct server *s, struct conn *c, cJSON *req)
{
	if (!checked(c, req, NULL, 0))
		return 0;
	cJSON *r = cJSON_CreateObject();
	cJSON_AddNumberToObject(r, "protocol", SERVER_PROTOCOL);
	cJSON_AddStringToObject(r, "server", "mvdm " MVDM_VERSION);
	cJSON_AddNumberToObject(r, "workers", s->cfg.workers);
	pthread_mutex_lock(&s->sched.lock);
	cJSON_AddNumberToObject(r, "vms", (double)s->sched.nvms);
	pthread_mutex_unlock(&s->sched.lock);
	server_reply(c, req, r);
	return 0;
}

/* The fields list and status share (sched.lock held). */
static void describe(cJSON *o, const struct vdm *v)
{
	cJSON_AddNumberToObject(o, "id", v->id);
	cJSON_AddStringToObject(o, "name", v->spec.name);
	cJSON_AddStringToObject(o, "program", v->spec.program);
	cJSON_AddStringToObject(o, "state", vdm_state_name(v->state));
	cJSON_AddStringToObject(o, "mode", v->spec.exclusive ? "exclusive" : "concurrent");
	if (v->state == VDM_EXITED)
		cJSON_AddNumberToObject(o, "exit_code", v->exit_code);
}

static int h_list(struct server *s, struct conn *c, cJSON *req)
{
	if (!checked(c, req, NULL, 0))
		return 0;
	cJSON *r = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(r, "vms");
	pthread_mutex_lock(&s->sched.lock);
	for (size_t k = 0; k < s->sched.nvms; k++) {
		cJSON *o = cJSON_CreateObject();
		describe(o, s->sched.vms[k]);
		cJSON_AddItemToArray(arr, o);
	}
	pthread_mutex_unlock(&s->sched.lock);
	server_reply(c, req, r);
	return 0;
}

static int h_status(struct server *s, struct conn *c, cJSON *req)
{
	if (!checked(c, req, id_only, NFIELDS(id_only)))
		return 0;
	struct vdm *v = get_vm(s, c, req);
	if (!v)
		return 0;
	cJSON *r = cJSON_CreateObject();
	uint64_t now = sched_now_ns();
	pthread_mutex_lock(&s->sched.lock);
	describe(r, v);
	if (v->reason[0] && v->state != VDM_EXITED)
		cJSON_AddStringToObject(r, "reason", v->reason);
	cJSON_AddNumberToObject(r, "insns", (double)v->insns);
	cJSON_AddNumberToObject(r, "cpu_s", (double)v->cpu_ns / 1e9);
	cJSON_AddNumberToObject(r, "wall_s", (double)(now - v->created_ns) / 1e9);
	if (v->first_insn_ns)
		cJSON_AddNumberToObject(r, "first_insn_us", (double)(v->first_insn_ns - v->created_ns) / 1e3);
	if (v->parent)
		cJSON_AddNumberToObject(r, "parent", v->parent);
	pthread_mutex_unlock(&s->sched.lock);
	sched_put(&s->sched, v);
	server_reply(c, req, r);
	return 0;
}

/* ---- create ---- */

static bool add_string(char **slot, const char *text)
{
	*slot = strdup(text);
	return *slot != NULL;
}

/* The request's "settings" object as "NAME=VALUE" strings added to sp.
 * Returns true, or false after an error reply. */
static bool settings_from_request(struct conn *c, const cJSON *req, struct vdm_spec *sp)
{
	const cJSON *settings = cJSON_GetObjectItemCaseSensitive(req, "settings"), *st;
	cJSON_ArrayForEach(st, settings)
	{
		char text[256];
		if (cJSON_IsString(st))
			snprintf(text, sizeof(text), "%s=%s", st->string, st->valuestring);
		else if (cJSON_IsBool(st))
			snprintf(text, sizeof(text), "%s=%s", st->string, cJSON_IsTrue(st) ? "on" : "off");
		else if (cJSON_IsNumber(st))
			snprintf(text, sizeof(text), "%s=%.17g", st->string, st->valuedouble);
		else {
			server_reply_error(c, req, "bad_setting", "setting %.64s must be a string, number or boolean",
					   st->string);
			return false;
		}
		if (sp->nsettings >= VDM_MAX_SETTINGS) {
			server_reply_error(c, req, "bad_setting", "too many settings");
			return false;
		}
		if (!add_string(&sp->settings[sp->nsettings++], text)) {
			server_reply_error(c, req, "internal", "out of memory");
			return false;
		}
	}
	return true;
}


/* Fills spec from the request over what it already holds (`like`, a
 * profile). The request's drives and env replace like's; over a profile
 * (merge) they add to its: a letter or variable in both is the request's
 * (DOS takes the later of two equal names). Returns true, or false after
 * an error reply. */
static bool spec_from_request(struct conn *c, const cJSON *req, struct vdm_spec *sp, bool merge)
{
	const char *program = req_str(req, "program", NULL);
	if (!program[0] || strlen(program) > 127) {
		server_reply_error(c, req, "bad_request", "field \"program\" must be a DOS path of 1 to 127 bytes");
		return false;
	}
	free(sp->program);
	if (!add_string(&sp->program, program))
		goto oom;
	char tail[128] = "";
	size_t tl = 0;
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(req, "args"), *a;
	cJSON_ArrayForEach(a, args)
	{
		if (!cJSON_IsString(a)) {
			server_reply_error(c, req, "bad_request", "field \"args\" must hold strings");
			return false;
		}
		int n = snprintf(tail + tl, sizeof(tail) - tl, "%s%s", tl ? " " : "", a->valuestring);
		if (n < 0 || tl + (size_t)n > 126) {
			server_reply_error(c, req, "bad_request", "the arguments are longer than DOS's 126 bytes");
			return false;
		}
		tl += (size_t)n;
	}
	free(sp->tail);
	if (!add_string(&sp->tail, tail))
		goto oom;

	const cJSON *drives = cJSON_GetObjectItemCaseSensitive(req, "drives"), *d;
	if (drives && !merge)
		for (int k = 0; k < 26; k++) {
			free(sp->drives[k]);
			sp->drives[k] = NULL;
		}
	cJSON_ArrayForEach(d, drives)
	{
		const char *letter = d->string;
		int k = (letter[0] | 0x20) - 'a';
		if (!letter[0] || (letter[1] && !(letter[1] == ':' && !letter[2])) || k < 0 || k > 25) {
			server_reply_error(c, req, "bad_request", "drive \"%.16s\" is not a letter A to Z", letter);
			return false;
		}
		struct stat st;
		if (!cJSON_IsString(d) || d->valuestring[0] != '/') {
			server_reply_error(c, req, "bad_request", "drive %c: must be an absolute host directory", 'A' + k);
			return false;
		}
		if (stat(d->valuestring, &st) != 0 || !S_ISDIR(st.st_mode)) {
			server_reply_error(c, req, "bad_request", "drive %c: %.200s is not a directory", 'A' + k,
					   d->valuestring);
			return false;
		}
		free(sp->drives[k]);
		if (!add_string(&sp->drives[k], d->valuestring))
			goto oom;
	}
	bool any = false;
	for (int k = 0; k < 26; k++)
		any |= sp->drives[k] != NULL;
	if (!any) {
		server_reply_error(c, req, "bad_request", "field \"drives\" must map at least one drive");
		return false;
	}

	const cJSON *env = cJSON_GetObjectItemCaseSensitive(req, "env"), *e;
	if (env && !merge) {
		for (unsigned k = 0; k < sp->nenv; k++)
			free(sp->env[k]);
		sp->nenv = 0;
	}
	cJSON_ArrayForEach(e, env)
	{
		if (!cJSON_IsString(e) || !strchr(e->valuestring, '=') || e->valuestring[0] == '=') {
			server_reply_error(c, req, "bad_request", "field \"env\" must hold \"NAME=VALUE\" strings");
			return false;
		}
		if (sp->nenv >= DOS_MAX_ENV - 2) {
			server_reply_error(c, req, "bad_request", "at most %d environment variables", DOS_MAX_ENV - 2);
			return false;
		}
		if (!add_string(&sp->env[sp->nenv++], e->valuestring))
			goto oom;
	}

	if (!settings_from_request(c, req, sp))
		return false;

	const char *mode = req_str(req, "mode", NULL);
	if (mode) {
		if (strcmp(mode, "exclusive") && strcmp(mode, "concurrent")) {
			server_reply_error(c, req, "bad_request", "field \"mode\" must be \"concurrent\" or \"exclusive\"");
			return false;
		}
		sp->exclusive = strcmp(mode, "exclusive") == 0;
	}
	double t = req_num(req, "timeout_s", sp->timeout_s), mips = req_num(req, "mips", sp->mips);
	if (t < 0 || (cJSON_GetObjectItemCaseSensitive(req, "timeout_s") && t <= 0) || t > 1e9) {
		server_reply_error(c, req, "bad_request", "\"timeout_s\" must be a number of seconds, > 0 and at most 1e9");
		return false;
	}
	if (mips < 0 || (cJSON_GetObjectItemCaseSensitive(req, "mips") && mips < VDM_MIPS_MIN) || mips > 1e6) {
		server_reply_error(c, req, "bad_request", "\"mips\" must be %g to 1e6 (millions of instructions per second)",
				   VDM_MIPS_MIN);
		return false;
	}
	sp->timeout_s = t;
	sp->mips = mips;
	const char *name = req_str(req, "name", NULL);
	if (name && strlen(name) > VDM_NAME_MAX) {
		server_reply_error(c, req, "bad_request", "field \"name\" is longer than %d bytes", VDM_NAME_MAX);
		return false;
	}
	if (name && !vdm_name_ok(name)) {
		server_reply_error(c, req, "bad_request",
				   "field \"name\" \"%s\" cannot name a VM: not empty, not all digits (an id), not vm<digits> "
				   "(a VM's default name), no control characters",
				   name);
		return false;
	}
	if (name)
		snprintf(sp->name, sizeof(sp->name), "%s", name);
	return true;
oom:
	server_reply_error(c, req, "internal", "out of memory");
	return false;
}

/* create's "profile" (a name in the server's configuration directory, or
 * an absolute path) and "autoexec" into spec, over what `like` gave and
 * under the request's own fields: its drives, its environment before the
 * request's, its settings between the program's files and the request's.
 * Returns true, or false after an error reply. */
static bool profile_from_request(struct server *s, struct conn *c, const cJSON *req, struct vdm_spec *sp)
{
	const char *name = req_str(req, "profile", NULL);
	const char *autoexec = req_str(req, "autoexec", NULL);
	if (autoexec && strlen(autoexec) > PROFILE_MAX_AUTOEXEC) {
		server_reply_error(c, req, "bad_request", "field \"autoexec\" is longer than %d bytes",
				   PROFILE_MAX_AUTOEXEC);
		return false;
	}
	if (name) {
		char path[512], err[1024];
		struct profile *p = NULL;
		int rc = name[0] != '/' && strchr(name, '/') ? -EINVAL : 0;
		if (rc)
			snprintf(err, sizeof(err), "profile %s: a name or an absolute path", name);
		if (!rc)
			rc = profile_find(name, s->cfg.config_dir, path, sizeof(path), err, sizeof(err));
		if (!rc)
			rc = profile_load(path, s->cfg.home, &p, err, sizeof(err));
		if (rc) {
			server_reply_error(c, req, "bad_request", "%s", err);
			return false;
		}
		bool ok = true;
		for (int k = 0; k < 26 && ok; k++)
			if (profile_drive(p, k)) {
				free(sp->drives[k]);
				ok = add_string(&sp->drives[k], profile_drive(p, k));
			}
		/* The profile's variables after like's (the later wins in DOS);
		 * the request's come after both. */
		for (const char *const *e = profile_env(p); *e && ok; e++)
			ok = sp->nenv < DOS_MAX_ENV - 2 && add_string(&sp->env[sp->nenv++], *e);
		for (unsigned k = 0; k < sp->nprofile_settings; k++)
			free(sp->profile_settings[k]);
		sp->nprofile_settings = 0;
		for (const char *const *st = profile_settings(p); *st && ok; st++)
			ok = sp->nprofile_settings < VDM_MAX_SETTINGS &&
			     add_string(&sp->profile_settings[sp->nprofile_settings++], *st);
		free(sp->profile);
		ok = ok && add_string(&sp->profile, path);
		if (ok && profile_autoexec(p)) {
			free(sp->autoexec);
			ok = add_string(&sp->autoexec, profile_autoexec(p));
		}
		profile_destroy(p);
		if (!ok) {
			server_reply_error(c, req, "bad_request", "profile %s: too many environment variables or settings",
					   name);
			return false;
		}
	}
	if (autoexec) {
		free(sp->autoexec);
		if (!add_string(&sp->autoexec, autoexec)) {
			server_reply_error(c, req, "internal", "out of memory");
			return false;
		}
	}
	return true;
}

/* A dos_config with the drives and environment of spec (borrowed). */
static void spec_dos_config(const struct vdm_spec *sp, struct dos_config *dc)
{
	dos_config_default(dc);
	for (int k = 0; k < 26; k++)
		dc->drives[k] = sp->drives[k];
	for (unsigned k = 0; k < sp->nenv; k++)
		dc->env[k] = sp->env[k];
	dc->nenv = sp->nenv;
}

/* The settings of spec's program: its settings files, then the request's
 * (docs/server.md "DOS settings"). Returns 0 and *out, or a negative
 * errno with the protocol's error code in *code and the reason (naming the
 * file and line, or the setting) in err. */
static int program_settings(struct server *s, const struct vdm_spec *sp, struct progsettings **out,
			    const char **code, char *err, size_t errlen)
{
	struct progsettings *ps;
	*out = NULL;
	*code = "internal";
	if (progsettings_create(&ps)) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	struct dos_config dc;
	spec_dos_config(sp, &dc);
	char host[4096];
	const char *fail = "bad_setting";
	int rc = dos_program_host_path(&dc, sp->program, host, sizeof(host), err, errlen);
	if (rc == -ENOENT)
		rc = 0; /* dos_start says it better: "file not found" */
	else if (rc)
		fail = "create_failed"; /* a drive cannot be mapped */
	else if (host[0])
		rc = progsettings_load_program(ps, host, s->cfg.config_dir, err, errlen);
	char source[600];
	snprintf(source, sizeof(source), "profile:%s", sp->profile ? sp->profile : "");
	for (unsigned k = 0; rc == 0 && k < sp->nprofile_settings; k++)
		rc = progsettings_set(ps, sp->profile_settings[k], source, err, errlen);
	for (unsigned k = 0; rc == 0 && k < sp->nsettings; k++)
		rc = progsettings_set(ps, sp->settings[k], "request", err, errlen);
	if (rc) {
		*code = rc == -ENOMEM ? "internal" : fail;
		progsettings_destroy(ps);
		return rc;
	}
	*out = ps;
	return 0;
}

static int too_many(struct server *s, const char **code, char *err, size_t errlen)
{
	*code = "too_many";
	snprintf(err, errlen, "the server holds its maximum of %u VMs (remove ended ones)", s->cfg.max_vms);
	return -ENOSPC;
}

/* Builds and schedules a VM from spec (taken over). Returns 0 and its id,
 * or a negative errno with code and reason. */
static int make_vm(struct server *s, struct vdm_spec *spec, uint32_t parent, bool paused, int owner,
		   uint32_t *id, const char **code, char *err, size_t errlen)
{
	struct vdm *v = vdm_new();
	if (!v) {
		vdm_spec_free(spec);
		*code = "internal";
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	v->spec = *spec;
	memset(spec, 0, sizeof(*spec));
	v->server = s;
	v->parent = parent;
	v->owner_conn = owner;
	v->paused = paused;
	v->created_ns = sched_now_ns();
	/* A first look at the limit spares building a VM that cannot go in;
	 * sched_add() checks it again where it counts. */
	pthread_mutex_lock(&s->sched.lock);
	bool full = s->sched.nvms >= s->cfg.max_vms;
	v->id = s->next_id++;
	pthread_mutex_unlock(&s->sched.lock);
	if (full) {
		vdm_free(v);
		return too_many(s, code, err, errlen);
	}
	int rc = program_settings(s, &v->spec, &v->settings, code, err, errlen);
	if (rc) {
		vdm_free(v);
		return rc;
	}
	rc = vdm_build(v, s->host, progsettings_list(v->settings), server_start_child, err, errlen);
	if (rc) {
		*code = "create_failed";
		vdm_free(v);
		return rc;
	}
	vm16_set_log(v->vm, server_vm_log, v); /* its log: the server's, with its id */
	if (!v->spec.name[0])
		snprintf(v->spec.name, sizeof(v->spec.name), "vm%u", v->id);
	v->bg_exec = vdd_property(v->vm, "DOS_BACKGROUND_EXECUTION") != 0;
	v->cap_mips = vdm_speed_cap(v);
	*id = v->id;
	char made_by[48] = "";
	if (parent)
		snprintf(made_by, sizeof(made_by), ", made like VM %u", parent);
	server_log(s, v->id, "created: %s%s%s (name %s, %s%s%s)", v->spec.program, v->spec.tail && v->spec.tail[0] ? " " : "",
		   v->spec.tail ? v->spec.tail : "", v->spec.name, v->spec.exclusive ? "exclusive" : "concurrent",
		   paused ? ", paused" : "", made_by);
	rc = sched_add(&s->sched, v);
	if (rc == -ENOSPC) {
		vdm_free(v);
		return too_many(s, code, err, errlen);
	}
	if (rc == -EEXIST) {
		*code = "bad_request";
		snprintf(err, errlen, "a VM is already called \"%s\" (names are unique until the VM is removed)",
			 v->spec.name);
		vdm_free(v);
		return rc;
	}
	if (rc) {
		*code = "internal";
		snprintf(err, errlen, "out of memory");
		vdm_free(v);
	}
	return rc;
}

static int h_create(struct server *s, struct conn *c, cJSON *req)
{
	static const struct req_field f[] = {
		{ "program", RT_STRING, true }, { "args", RT_ARRAY, false },     { "drives", RT_OBJECT, false },
		{ "env", RT_ARRAY, false },     { "settings", RT_OBJECT, false }, { "mode", RT_STRING, false },
		{ "timeout_s", RT_NUMBER, false }, { "mips", RT_NUMBER, false }, { "name", RT_STRING, false },
		{ "paused", RT_BOOL, false },   { "owned", RT_BOOL, false },     { "like", RT_ID, false },
		{ "profile", RT_STRING, false }, { "autoexec", RT_STRING, false },
	};
	if (!checked(c, req, f, NFIELDS(f)))
		return 0;
	struct vdm_spec spec = { 0 };
	uint32_t like_id = 0;
	if (cJSON_GetObjectItemCaseSensitive(req, "like")) {
		struct vdm *like = vm_of_field(s, c, req, "like");
		if (!like)
			return 0;
		like_id = like->id;
		int rc = vdm_spec_copy(&spec, &like->spec);
		spec.name[0] = 0;
		sched_put(&s->sched, like);
		if (rc) {
			server_reply_error(c, req, "internal", "out of memory");
			return 0;
		}
	}
	if (!profile_from_request(s, c, req, &spec) ||
	    !spec_from_request(c, req, &spec, cJSON_GetObjectItemCaseSensitive(req, "profile") != NULL)) {
		vdm_spec_free(&spec);
		return 0;
	}
	uint32_t id;
	const char *code = "create_failed";
	char err[300];
	if (make_vm(s, &spec, like_id, req_bool(req, "paused", false),
		    req_bool(req, "owned", false) ? c->id : -1, &id, &code, err, sizeof(err))) {
		server_log_level(s, SERVER_LOG_WARNING, 0, "create %.128s refused (%s): %s", req_str(req, "program", ""),
				 code, err);
		server_reply_error(c, req, code, "%s", err);
		return 0;
	}
	cJSON *r = cJSON_CreateObject();
	cJSON_AddNumberToObject(r, "id", id);
	struct vdm *v = sched_get(&s->sched, id);
	if (v) {
		cJSON_AddStringToObject(r, "name", v->spec.name);
		sched_put(&s->sched, v);
	}
	server_reply(c, req, r);
	return 0;
}

int server_start_child(void *ctx, const char *program, const char *tail, char *err, size_t errlen)
{
	struct vdm *parent = ctx;
	struct server *s = parent->server;
	struct vdm_spec spec;
	if (vdm_spec_copy(&spec, &parent->spec)) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	free(spec.program);
	free(spec.tail);
	spec.program = strdup(program);
	spec.tail = strdup(tail);
	spec.exclusive = false;
	spec.name[0] = 0;
	if (!spec.program || !spec.tail) {
		vdm_spec_free(&spec);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	uint32_t id;
	const char *code;
	return make_vm(s, &spec, parent->id, false, -1, &id, &code, err, errlen);
}

/* ---- wait, pause, resume, kill, remove ---- */

static void ended_result(cJSON *r, const struct vdm *v)
{
	cJSON_AddStringToObject(r, "state", vdm_state_name(v->state));
	if (v->state == VDM_EXITED)
		cJSON_AddNumberToObject(r, "exit_code", v->exit_code);
	else if (v->reason[0])
		cJSON_AddStringToObject(r, "reason", v->reason);
}

static uint64_t deadline_of(const cJSON *req)
{
	double t = req_num(req, "timeout_s", -1);
	if (t < 0)
		return UINT64_MAX;
	return sched_deadline_after(sched_now_ns(), t);
}

static void hold(struct conn *c, cJSON *req, struct vdm *v, enum pending_kind kind)
{
	c->pending = kind;
	c->pending_req = req;
	c->pending_vm = v;
	c->pending_deadline = deadline_of(req);
}

static int h_wait(struct server *s, struct conn *c, cJSON *req)
{
	static const struct req_field f[] = { { "id", RT_ID, true }, { "timeout_s", RT_NUMBER, false } };
	if (!checked(c, req, f, NFIELDS(f)))
		return 0;
	if (req_num(req, "timeout_s", 0) < 0) {
		server_reply_error(c, req, "bad_request", "field \"timeout_s\" must not be negative");
		return 0;
	}
	struct vdm *v = get_vm(s, c, req);
	if (!v)
		return 0;
	hold(c, req, v, PENDING_WAIT);
	server_retry_pending(s, c, false); /* may answer (and free req) at once */
	return 1;
}

static int h_control(struct server *s, struct conn *c, cJSON *req, const char *op)
{
	if (!checked(c, req, id_only, NFIELDS(id_only)))
		return 0;
	struct vdm *v = get_vm(s, c, req);
	if (!v)
		return 0;
	int rc;
	if (strcmp(op, "pause") == 0)
		rc = sched_pause(&s->sched, v);
	else if (strcmp(op, "resume") == 0)
		rc = sched_resume(&s->sched, v);
	else if (strcmp(op, "kill") == 0)
		rc = sched_kill(&s->sched, v, VDM_KILLED, "killed by request");
	else
		rc = sched_remove(&s->sched, v);
	if (rc == -EINPROGRESS) {
		/* A worker runs it: answered when it has parked or ended it
		 * (within a sub-slice); the event loop goes on meanwhile. */
		hold(c, req, v, PENDING_SETTLE);
		return 1;
	}
	if (rc == -ESRCH)
		server_reply_error(c, req, "bad_state", "VM %u has already ended", v->id);
	else if (rc == -EALREADY)
		server_reply_error(c, req, "bad_state", "VM %u is %s", v->id,
				   strcmp(op, "pause") == 0 ? "already paused" : "not paused");
	else if (rc == -EBUSY)
		server_reply_error(c, req, "bad_state", "VM %u has not ended (kill it first)", v->id);
	else {
		if (strcmp(op, "kill") != 0) /* a kill is logged as the VM's end */
			server_log(s, v->id, "%s by connection %d", strcmp(op, "remove") == 0 ? "removed" : op, c->id);
		cJSON *r = cJSON_CreateObject();
		pthread_mutex_lock(&s->sched.lock);
		cJSON_AddStringToObject(r, "state", strcmp(op, "remove") == 0 ? "removed" : vdm_state_name(v->state));
		pthread_mutex_unlock(&s->sched.lock);
		server_reply(c, req, r);
	}
	sched_put(&s->sched, v);
	return 0;
}

static int h_pause(struct server *s, struct conn *c, cJSON *req)
{
	return h_control(s, c, req, "pause");
}
static int h_resume(struct server *s, struct conn *c, cJSON *req)
{
	return h_control(s, c, req, "resume");
}
static int h_kill(struct server *s, struct conn *c, cJSON *req)
{
	return h_control(s, c, req, "kill");
}
static int h_remove(struct server *s, struct conn *c, cJSON *req)
{
	return h_control(s, c, req, "remove");
}

/* ---- screen, keys, output ---- */

static int h_screen(struct server *s, struct conn *c, cJSON *req)
{
	if (!checked(c, req, id_only, NFIELDS(id_only)))
		return 0;
	struct vdm *v = get_vm(s, c, req);
	if (!v)
		return 0;
	struct vm16_screen *scr = malloc(sizeof(*scr));
	int rc = -1;
	if (scr) {
		sched_lock_vm(&s->sched, v);
		if (v->vm)
			rc = vm16_screen(v->vm, scr);
		else if (v->last_screen) {
			*scr = *v->last_screen;
			rc = 0;
		}
		sched_unlock_vm(&s->sched, v);
	}
	if (rc) {
		server_reply_error(c, req, scr ? "bad_state" : "internal", "VM %u has no text screen", v->id);
	} else {
		cJSON *r = cJSON_CreateObject();
		cJSON_AddNumberToObject(r, "mode", scr->mode);
		cJSON_AddNumberToObject(r, "cols", scr->cols);
		cJSON_AddNumberToObject(r, "rows", scr->rows);
		cJSON *cur = cJSON_AddObjectToObject(r, "cursor");
		cJSON_AddNumberToObject(cur, "row", scr->cursor_row);
		cJSON_AddNumberToObject(cur, "col", scr->cursor_col);
		cJSON_AddBoolToObject(cur, "visible", scr->cursor_visible);
		cJSON *text = cJSON_AddArrayToObject(r, "text"), *cells = cJSON_AddArrayToObject(r, "cells");
		char line[80 * 3 + 1], hex[80 * 4 + 1];
		for (unsigned row = 0; row < scr->rows && row < 50; row++) {
			size_t n = 0;
			for (unsigned col = 0; col < scr->cols && col < 80; col++) {
				uint16_t cell = scr->cells[row * scr->cols + col];
				n += cp437_to_utf8((uint8_t)cell, line + n);
				uint8_t b[2] = { (uint8_t)cell, (uint8_t)(cell >> 8) };
				hex_encode(b, 2, hex + 4 * col);
			}
			line[n] = 0;
			cJSON_AddItemToArray(text, cJSON_CreateString(line));
			cJSON_AddItemToArray(cells, cJSON_CreateString(hex));
		}
		server_reply(c, req, r);
	}
	free(scr);
	sched_put(&s->sched, v);
	return 0;
}

/* screenshot: the VM's picture as a PNG (base64), at its native size. */
static int h_screenshot(struct server *s, struct conn *c, cJSON *req)
{
	if (!checked(c, req, id_only, NFIELDS(id_only)))
		return 0;
	struct vdm *v = get_vm(s, c, req);
	if (!v)
		return 0;
	uint8_t *png = NULL;
	size_t len = 0;
	struct vm16_frame f = { 0 };
	int rc = -ESRCH;
	pthread_mutex_lock(&v->lock);
	if (v->vm) {
		rc = vm16_frame(v->vm, &f, 0);
		if (rc == 0)
			rc = png_encode_frame(&f, &png, &len);
	} else if (v->last_png) {
		png = malloc(v->last_png_len);
		rc = png ? 0 : -ENOMEM;
		if (png) {
			memcpy(png, v->last_png, v->last_png_len);
			len = v->last_png_len;
			f = v->last_frame;
		}
	}
	pthread_mutex_unlock(&v->lock);
	char *b64 = rc == 0 ? malloc(base64_len(len)) : NULL;
	if (rc == -ESRCH)
		server_reply_error(c, req, "bad_state", "VM %u has ended: it has no picture", v->id);
	else if (rc == -ENODEV)
		server_reply_error(c, req, "bad_state", "VM %u has no display", v->id);
	else if (rc < 0 || !b64)
		server_reply_error(c, req, "internal", "VM %u: the screenshot failed (%s)", v->id, strerror(rc < 0 ? -rc : ENOMEM));
	else {
		base64_encode(png, len, b64);
		cJSON *r = cJSON_CreateObject();
		cJSON_AddNumberToObject(r, "width", f.width);
		cJSON_AddNumberToObject(r, "height", f.height);
		cJSON_AddNumberToObject(r, "mode", f.mode);
		cJSON_AddBoolToObject(r, "graphics", f.graphics);
		cJSON_AddNumberToObject(r, "serial", (double)f.serial);
		cJSON_AddStringToObject(r, "png", b64);
		server_reply(c, req, r);
	}
	free(b64);
	free(png);
	sched_put(&s->sched, v);
	return 0;
}

/* mouse: the host's mouse to the VM: relative mickeys (dx, dy) or an
 * absolute position in its picture (x, y), and the buttons held. */
static int h_mouse(struct server *s, struct conn *c, cJSON *req)
{
	static const struct req_field f[] = { { "id", RT_INT, true },	  { "dx", RT_INT, false },
					      { "dy", RT_INT, false },	  { "x", RT_INT, false },
					      { "y", RT_INT, false },	  { "buttons", RT_INT, false } };
	if (!checked(c, req, f, NFIELDS(f)))
		return 0;
	bool rel = cJSON_HasObjectItem(req, "dx") || cJSON_HasObjectItem(req, "dy");
	bool abs = cJSON_HasObjectItem(req, "x") || cJSON_HasObjectItem(req, "y");
	int64_t dx = req_int(req, "dx", 0), dy = req_int(req, "dy", 0), x = req_int(req, "x", 0),
		y = req_int(req, "y", 0), buttons = req_int(req, "buttons", 0);
	if (rel && abs) {
		server_reply_error(c, req, "bad_request", "give \"dx\"/\"dy\" or \"x\"/\"y\", not both");
		return 0;
	}
	if (dx < -32768 || dx > 32767 || dy < -32768 || dy > 32767 || x < 0 || x > 65535 || y < 0 || y > 65535 ||
	    buttons < 0 || buttons > 7) {
		server_reply_error(c, req, "bad_request",
				   "\"dx\"/\"dy\" are -32768..32767, \"x\"/\"y\" 0..65535, \"buttons\" 0..7");
		return 0;
	}
	struct vdm *v = get_vm(s, c, req);
	if (!v)
		return 0;
	int rc = -ESRCH;
	pthread_mutex_lock(&v->lock);
	if (v->vm)
		rc = abs ? vm16_mouse_at(v->vm, (int)x, (int)y, (unsigned)buttons)
			 : vm16_mouse(v->vm, (int)dx, (int)dy, (unsigned)buttons);
	pthread_mutex_unlock(&v->lock);
	if (rc == 0)
		sched_kick(&s->sched, v);
	if (rc == -ESRCH)
		server_reply_error(c, req, "bad_state", "VM %u has ended", v->id);
	else if (rc)
		server_reply_error(c, req, "bad_state", "VM %u has no mouse", v->id);
	else
		server_reply(c, req, cJSON_CreateObject());
	sched_put(&s->sched, v);
	return 0;
}

static int h_keys(struct server *s, struct conn *c, cJSON *req)
{
	static const struct req_field f[] = { { "id", RT_ID, true },
					      { "text", RT_STRING, false },
					      { "scancodes", RT_ARRAY, false } };
	if (!checked(c, req, f, NFIELDS(f)))
		return 0;
	const char *text = req_str(req, "text", NULL);
	const cJSON *codes = cJSON_GetObjectItemCaseSensitive(req, "scancodes"), *k;
	if (!text == !codes) {
		server_reply_error(c, req, "bad_request", "give one of \"text\" and \"scancodes\"");
		return 0;
	}
	if (text) {
		for (const char *p = text; *p; p++)
			if ((unsigned char)*p >= 0x80) {
				server_reply_error(c, req, "bad_request", "\"text\" must be ASCII (byte %u is not)",
						   (unsigned)(p - text));
				return 0;
			}
		if (strlen(text) > VDM_KEYBUF) {
			server_reply_error(c, req, "bad_request", "\"text\" is longer than %d bytes", VDM_KEYBUF);
			return 0;
		}
	}
	cJSON_ArrayForEach(k, codes)
	{
		const cJSON *m = cJSON_GetArrayItem(k, 0), *e = cJSON_GetArrayItem(k, 1), *p = cJSON_GetArrayItem(k, 2);
		if (!cJSON_IsArray(k) || cJSON_GetArraySize(k) != 3 || !cJSON_IsNumber(m) || m->valuedouble < 1 ||
		    m->valuedouble > 127 || m->valuedouble != (int)m->valuedouble || !cJSON_IsBool(e) ||
		    !cJSON_IsBool(p)) {
			server_reply_error(c, req, "bad_request",
					   "\"scancodes\" holds [make 1-127, extended, pressed] triples");
			return 0;
		}
	}
	struct vdm *v = get_vm(s, c, req);
	if (!v)
		return 0;
	int queued = 0, rc = 0;
	sched_lock_vm(&s->sched, v);
	if (!v->vm) {
		rc = -ESRCH;
	} else if (text) {
		size_t n = strlen(text);
		if (v->keylen + n > VDM_KEYBUF) {
			rc = -ENOSPC;
		} else {
			for (size_t j = 0; j < n; j++) /* Enter is CR, as a PC keyboard types it */
				v->keybuf[v->keylen + j] = text[j] == '\n' ? '\r' : text[j];
			v->keylen += n;
			queued = (int)n;
			vdm_feed_keys(v);
		}
	} else {
		cJSON_ArrayForEach(k, codes)
		{
			rc = vm16_key(v->vm, (uint8_t)cJSON_GetArrayItem(k, 0)->valuedouble,
				      cJSON_IsTrue(cJSON_GetArrayItem(k, 1)), cJSON_IsTrue(cJSON_GetArrayItem(k, 2)));
			if (rc)
				break;
			queued++;
		}
	}
	sched_unlock_vm(&s->sched, v);
	if (queued)
		sched_kick(&s->sched, v);
	if (rc == -ESRCH)
		server_reply_error(c, req, "bad_state", "VM %u has ended", v->id);
	else if (rc == -ENOSPC)
		server_reply_error(c, req, "bad_state", "VM %u's keyboard queue is full (%d key events went in)", v->id,
				   queued);
	else if (rc)
		server_reply_error(c, req, "bad_request", "a key could not be typed: %s", strerror(-rc));
	else {
		cJSON *r = cJSON_CreateObject();
		cJSON_AddNumberToObject(r, "queued", queued);
		server_reply(c, req, r);
	}
	sched_put(&s->sched, v);
	return 0;
}

/* Answers an output request if there is something to say (or forced). */
static bool output_answer(struct server *s, struct conn *c, const cJSON *req, struct vdm *v, bool force)
{
	uint64_t from = (uint64_t)req_int(req, "from", 0);
	size_t max = (size_t)req_int(req, "max", 65536);
	pthread_mutex_lock(&s->sched.lock);
	bool ended = vdm_state_ended(v->state);
	pthread_mutex_unlock(&s->sched.lock);
	uint8_t *buf = malloc(max ? max : 1);
	char *text = malloc(max * 3 + 1);
	if (!buf || !text) {
		free(buf);
		free(text);
		server_reply_error(c, req, "internal", "out of memory");
		return true;
	}
	uint64_t lost, total;
	pthread_mutex_lock(&v->out_lock);
	size_t n = outring_read(&v->out, from, buf, max, &lost);
	total = v->out.total;
	pthread_mutex_unlock(&v->out_lock);
	bool wait = req_bool(req, "wait", false);
	if (n == 0 && lost == 0 && wait && !ended && !force) {
		free(buf);
		free(text);
		return false;
	}
	size_t tl = 0;
	for (size_t k = 0; k < n; k++)
		if (buf[k]) /* NUL draws nothing on a terminal either */
			tl += cp437_stream_to_utf8(buf[k], text + tl);
	text[tl] = 0;
	uint64_t next = from + lost + n;
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "text", text);
	cJSON_AddNumberToObject(r, "next", (double)next);
	cJSON_AddNumberToObject(r, "lost", (double)lost);
	cJSON_AddBoolToObject(r, "ended", ended && next >= total);
	server_reply(c, req, r);
	free(buf);
	free(text);
	return true;
}

static int h_output(struct server *s, struct conn *c, cJSON *req)
{
	static const struct req_field f[] = { { "id", RT_ID, true },
					      { "from", RT_INT, false },
					      { "max", RT_INT, false },
					      { "wait", RT_BOOL, false },
					      { "timeout_s", RT_NUMBER, false } };
	if (!checked(c, req, f, NFIELDS(f)))
		return 0;
	if (req_int(req, "from", 0) < 0 || req_int(req, "max", 1) < 1 || req_int(req, "max", 1) > 65536 ||
	    req_num(req, "timeout_s", 0) < 0) {
		server_reply_error(c, req, "bad_request", "\"from\" >= 0, \"max\" 1 to 65536, \"timeout_s\" >= 0");
		return 0;
	}
	struct vdm *v = get_vm(s, c, req);
	if (!v)
		return 0;
	if (output_answer(s, c, req, v, false)) {
		sched_put(&s->sched, v);
		return 0;
	}
	hold(c, req, v, PENDING_OUTPUT);
	return 1;
}

void server_retry_pending(struct server *s, struct conn *c, bool expired)
{
	struct vdm *v = c->pending_vm;
	bool done = false;
	if (c->pending == PENDING_WAIT) {
		pthread_mutex_lock(&s->sched.lock);
		bool ended = vdm_state_ended(v->state);
		cJSON *r = NULL;
		if (ended) {
			r = cJSON_CreateObject();
			ended_result(r, v);
		}
		pthread_mutex_unlock(&s->sched.lock);
		if (r) {
			server_reply(c, c->pending_req, r);
			done = true;
		} else if (expired) {
			server_reply_error(c, c->pending_req, "timeout", "VM %u has not ended", v->id);
			done = true;
		}
	} else if (c->pending == PENDING_OUTPUT) {
		done = output_answer(s, c, c->pending_req, v, expired);
	} else if (c->pending == PENDING_SETTLE && sched_settled(&s->sched, v)) {
		cJSON *r = cJSON_CreateObject();
		pthread_mutex_lock(&s->sched.lock);
		cJSON_AddStringToObject(r, "state", vdm_state_name(v->state));
		pthread_mutex_unlock(&s->sched.lock);
		server_reply(c, c->pending_req, r);
		done = true;
	}
	if (!done)
		return;
	cJSON_Delete(c->pending_req);
	c->pending_req = NULL;
	c->pending = PENDING_NONE;
	c->pending_vm = NULL;
	sched_put(&s->sched, v);
}

/* ---- VDD channels ---- */

static const char *errno_text(int rc)
{
	return strerror(rc < 0 ? -rc : rc);
}

static int h_vdd(struct server *s, struct conn *c, cJSON *req, int which)
{
	static const struct req_field open_f[] = { { "id", RT_ID, true }, { "vdd", RT_STRING, true } };
	static const struct req_field req_f[] = { { "id", RT_ID, true },
						  { "chan", RT_INT, true },
						  { "code", RT_INT, true },
						  { "data", RT_STRING, false },
						  { "max", RT_INT, false } };
	static const struct req_field close_f[] = { { "id", RT_ID, true }, { "chan", RT_INT, true } };
	if ((which == 0 && !checked(c, req, open_f, NFIELDS(open_f))) ||
	    (which == 1 && !checked(c, req, req_f, NFIELDS(req_f))) ||
	    (which == 2 && !checked(c, req, close_f, NFIELDS(close_f))))
		return 0;
	int64_t op = 0, max = 4096, chan = req_int(req, "chan", 0);
	uint8_t *in = NULL, *out = NULL;
	long in_len = 0;
	if (which == 1) {
		op = req_int(req, "code", -1);
		max = req_int(req, "max", 4096);
		const char *data = req_str(req, "data", "");
		in = malloc(strlen(data) / 2 + 1);
		out = malloc(max > 0 ? (size_t)max : 1);
		in_len = in ? hex_decode(data, in, strlen(data) / 2 + 1) : -1;
		if (op < 0 || op > UINT32_MAX || max < 0 || max > 65536 || in_len < 0 || !out) {
			server_reply_error(c, req, "bad_request",
					   "\"code\" 0 to 4294967295, \"data\" hexadecimal, \"max\" 0 to 65536");
			free(in);
			free(out);
			return 0;
		}
	}
	struct vdm *v = get_vm(s, c, req);
	if (!v) {
		free(in);
		free(out);
		return 0;
	}
	int rc = 0;
	size_t out_len = (size_t)max;
	char why[256] = "";
	sched_lock_vm(&s->sched, v);
	if (!v->vm) {
		rc = -ESRCH;
	} else {
		if (which == 0)
			rc = vm16_vdd_open(v->vm, req_str(req, "vdd", ""));
		else if (chan < 0 || chan > INT32_MAX)
			rc = -EBADF;
		else if (which == 1)
			rc = vm16_vdd_request(v->vm, (int)chan, (uint32_t)op, in, (size_t)in_len, out, &out_len);
		else
			rc = vm16_vdd_close(v->vm, (int)chan);
		if (rc < 0)
			snprintf(why, sizeof(why), "%s", vm16_error(v->vm));
	}
	sched_unlock_vm(&s->sched, v);
	if (rc == -ESRCH) {
		server_reply_error(c, req, "bad_state", "VM %u has ended", v->id);
	} else if (rc < 0) {
		server_reply_error(c, req, "vdd_error", "%s%s%s", errno_text(rc), why[0] ? ": " : "", why);
	} else {
		cJSON *r = cJSON_CreateObject();
		if (which == 0)
			cJSON_AddNumberToObject(r, "chan", rc);
		if (which == 1) {
			char *hex = malloc(out_len * 2 + 1);
			if (hex) {
				hex_encode(out, out_len, hex);
				cJSON_AddStringToObject(r, "data", hex);
				free(hex);
			}
		}
		server_reply(c, req, r);
	}
	free(in);
	free(out);
	sched_put(&s->sched, v);
	return 0;
}

static int h_vdd_open(struct server *s, struct conn *c, cJSON *req)
{
	return h_vdd(s, c, req, 0);
}
static int h_vdd_request(struct server *s, struct conn *c, cJSON *req)
{
	return h_vdd(s, c, req, 1);
}
static int h_vdd_close(struct server *s, struct conn *c, cJSON *req)
{
	return h_vdd(s, c, req, 2);
}

/* ---- settings ---- */

struct settings_out {
	cJSON *arr;
	const struct progsettings *given;
};

static void setting_json(void *ctx, const struct vm16_setting_info *si)
{
	struct settings_out *so = ctx;
	static const char *const types[] = { "bool", "int", "choice" }; /* (read-only names) */
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", si->name);
	cJSON_AddStringToObject(o, "type", types[si->type]);
	int64_t value = si->value;
	const char *source = "default";
	if (so->given)
		progsettings_get(so->given, si->name, &value, &source);
	int64_t vals[2] = { value, si->def };
	const char *keys[2] = { "value", "default" };
	for (int k = 0; k < 2; k++) {
		if (si->type == VM16_SETTING_BOOL)
			cJSON_AddBoolToObject(o, keys[k], vals[k] != 0);
		else if (si->type == VM16_SETTING_CHOICE)
			cJSON_AddStringToObject(o, keys[k], si->choices[vals[k]]);
		else
			cJSON_AddNumberToObject(o, keys[k], (double)vals[k]);
	}
	if (si->type == VM16_SETTING_INT) {
		cJSON_AddNumberToObject(o, "min", (double)si->min);
		cJSON_AddNumberToObject(o, "max", (double)si->max);
	}
	if (si->type == VM16_SETTING_CHOICE) {
		cJSON *ch = cJSON_AddArrayToObject(o, "choices");
		for (const char *const *c = si->choices; *c; c++)
			cJSON_AddItemToArray(ch, cJSON_CreateString(*c));
	}
	cJSON_AddBoolToObject(o, "live", si->live);
	cJSON_AddStringToObject(o, "source", source);
	cJSON_AddStringToObject(o, "help", si->help ? si->help : "");
	cJSON_AddItemToArray(so->arr, o);
}

static int h_settings(struct server *s, struct conn *c, cJSON *req)
{
	static const struct req_field f[] = {
		{ "id", RT_ID, false },       { "program", RT_STRING, false }, { "drives", RT_OBJECT, false },
		{ "env", RT_ARRAY, false },    { "settings", RT_OBJECT, false },
	};
	if (!checked(c, req, f, NFIELDS(f)))
		return 0;
	bool by_id = cJSON_GetObjectItemCaseSensitive(req, "id") != NULL;
	if (by_id == (cJSON_GetObjectItemCaseSensitive(req, "program") != NULL)) {
		server_reply_error(c, req, "bad_request", "give one of \"id\" and \"program\"");
		return 0;
	}
	cJSON *r = cJSON_CreateObject();
	struct settings_out so = { cJSON_AddArrayToObject(r, "settings"), NULL };
	if (by_id) {
		struct vdm *v = get_vm(s, c, req);
		if (!v) {
			cJSON_Delete(r);
			return 0;
		}
		sched_lock_vm(&s->sched, v);
		bool alive = v->vm != NULL;
		if (alive) {
			so.given = v->settings;
			vm16_list_settings(v->vm, setting_json, &so);
		}
		sched_unlock_vm(&s->sched, v);
		sched_put(&s->sched, v);
		if (!alive) {
			cJSON_Delete(r);
			server_reply_error(c, req, "bad_state", "VM %lld has ended", (long long)req_int(req, "id", 0));
			return 0;
		}
		server_reply(c, req, r);
		return 0;
	}
	struct vdm_spec spec = { 0 };
	char err[300];
	struct progsettings *ps = NULL;
	if (!spec_from_request(c, req, &spec, false)) {
		cJSON_Delete(r);
		vdm_spec_free(&spec);
		return 0;
	}
	const char *code;
	int rc = program_settings(s, &spec, &ps, &code, err, sizeof(err));
	vdm_spec_free(&spec);
	if (rc) {
		cJSON_Delete(r);
		server_reply_error(c, req, code, "%s", err);
		return 0;
	}
	so.given = ps;
	vm16_settings_catalog(setting_json, &so);
	progsettings_destroy(ps);
	server_reply(c, req, r);
	return 0;
}

static int h_set(struct server *s, struct conn *c, cJSON *req)
{
	static const struct req_field f[] = { { "id", RT_ID, true }, { "settings", RT_OBJECT, true } };
	if (!checked(c, req, f, NFIELDS(f)))
		return 0;
	struct vdm_spec given = { 0 };
	if (!settings_from_request(c, req, &given))
		goto out;
	struct vdm *v = get_vm(s, c, req);
	if (!v)
		goto out;
	const char *list[VDM_MAX_SETTINGS + 1];
	for (unsigned k = 0; k < given.nsettings; k++)
		list[k] = given.settings[k];
	list[given.nsettings] = NULL;
	char why[300] = "";
	int rc = -ESRCH;
	bool bg = true;
	sched_lock_vm(&s->sched, v);
	if (v->vm) {
		rc = vm16_set_settings(v->vm, list);
		if (rc)
			snprintf(why, sizeof(why), "%s", vm16_error(v->vm));
		for (unsigned k = 0; rc == 0 && k < given.nsettings; k++) /* remember where they came from */
			progsettings_set(v->settings, list[k], "request", why, sizeof(why));
		bg = vdd_property(v->vm, "DOS_BACKGROUND_EXECUTION") != 0;
	}
	sched_unlock_vm(&s->sched, v);
	if (rc == -ESRCH) {
		server_reply_error(c, req, "bad_state", "VM %u has ended", v->id);
	} else if (rc) {
		server_reply_error(c, req, rc == -ENOMEM ? "internal" : "bad_setting", "%s", why);
	} else {
		sched_set_bg_exec(&s->sched, v, bg);
		server_reply(c, req, NULL);
	}
	sched_put(&s->sched, v);
out:
	vdm_spec_free(&given);
	return 0;
}

/* ---- focus ---- */

/* Takes (on) or leaves the VM's foreground for this connection. */
static void set_focus(struct server *s, struct conn *c, struct vdm *v, bool on)
{
	unsigned n = sched_focus(&s->sched, v, on ? 1 : -1);
	if (n == (on ? 1u : 0u)) { /* the VM's first foreground client came, or the last left */
		sched_lock_vm(&s->sched, v);
		if (v->vm)
			vm16_set_focus(v->vm, on);
		sched_unlock_vm(&s->sched, v);
	}
	if (on) {
		c->focus[c->nfocus++] = v->id;
		return;
	}
	for (unsigned k = 0; k < c->nfocus; k++)
		if (c->focus[k] == v->id) {
			c->focus[k] = c->focus[--c->nfocus];
			break;
		}
}

static int h_focus(struct server *s, struct conn *c, cJSON *req)
{
	static const struct req_field f[] = { { "id", RT_ID, true }, { "on", RT_BOOL, false } };
	if (!checked(c, req, f, NFIELDS(f)))
		return 0;
	struct vdm *v = get_vm(s, c, req);
	if (!v)
		return 0;
	bool on = req_bool(req, "on", true), has = false;
	for (unsigned k = 0; k < c->nfocus; k++)
		has |= c->focus[k] == v->id;
	if (on && !has && c->nfocus == CONN_MAX_FOCUS) {
		server_reply_error(c, req, "bad_request", "a connection holds at most %d VMs in the foreground",
				   CONN_MAX_FOCUS);
	} else {
		if (on != has)
			set_focus(s, c, v, on);
		cJSON *r = cJSON_CreateObject();
		pthread_mutex_lock(&s->sched.lock);
		cJSON_AddNumberToObject(r, "clients", v->focus);
		cJSON_AddStringToObject(r, "state", vdm_state_name(v->state));
		pthread_mutex_unlock(&s->sched.lock);
		server_reply(c, req, r);
	}
	sched_put(&s->sched, v);
	return 0;
}

/* ---- shutdown ---- */

static int h_shutdown(struct server *s, struct conn *c, cJSON *req)
{
	if (!checked(c, req, NULL, 0))
		return 0;
	server_reply(c, req, NULL);
	server_log(s, 0, "shutting down (a shutdown request from connection %d)", c->id);
	s->shutting_down = true;
	return 0;
}

void server_conn_gone(struct server *s, struct conn *c)
{
	while (c->nfocus) {
		struct vdm *v = sched_get(&s->sched, c->focus[c->nfocus - 1]);
		if (!v) {
			c->nfocus--;
			continue;
		}
		set_focus(s, c, v, false);
		sched_put(&s->sched, v);
	}
	for (;;) {
		struct vdm *owned = NULL;
		pthread_mutex_lock(&s->sched.lock);
		for (size_t k = 0; k < s->sched.nvms && !owned; k++) {
			struct vdm *v = s->sched.vms[k];
			if (v->owner_conn == c->id) {
				v->owner_conn = -1;
				if (!vdm_state_ended(v->state) && v->kill_state == VDM_RUNNING) {
					owned = v;
					owned->refs++;
				}
			}
		}
		pthread_mutex_unlock(&s->sched.lock);
		if (!owned)
			return;
		sched_kill(&s->sched, owned, VDM_KILLED, "its owning client disconnected");
		sched_put(&s->sched, owned);
	}
}

/* ---- dispatch ---- */

/* Each operation's handler: a read-only table, not state (.data.rel.ro
 * only for its relocated pointers). */
static const struct {
	const char *op;
	handler_fn fn;
} handlers[] = {
	{ "hello", h_hello },   { "create", h_create }, { "list", h_list },       { "status", h_status },
	{ "wait", h_wait },     { "pause", h_pause },   { "resume", h_resume },   { "kill", h_kill },
	{ "remove", h_remove }, { "screen", h_screen }, { "screenshot", h_screenshot }, { "mouse", h_mouse }, { "keys", h_keys },       { "output", h_output },
	{ "vdd_open", h_vdd_open }, { "vdd_request", h_vdd_request }, { "vdd_close", h_vdd_close },
	{ "settings", h_settings }, { "set", h_set },   { "focus", h_focus },     { "shutdown", h_shutdown },
};

int server_handle(struct server *s, struct conn *c, cJSON *req)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, "v");
	if (v && !(cJSON_IsNumber(v) && (v->valuedouble == 1 || v->valuedouble == SERVER_PROTOCOL))) {
		server_reply_error(c, req, "unsupported_version", "this server speaks protocol versions 1 to %d",
				   SERVER_PROTOCOL);
		return 0;
	}
	const cJSON *op = cJSON_GetObjectItemCaseSensitive(req, "op");
	if (!cJSON_IsString(op)) {
		server_reply_error(c, req, "bad_request", "field \"op\" (a string) is required");
		return 0;
	}
	for (size_t k = 0; k < sizeof(handlers) / sizeof(handlers[0]); k++)
		if (strcmp(handlers[k].op, op->valuestring) == 0)
			return handlers[k].fn(s, c, req);
	server_reply_error(c, req, "unknown_op", "no request is called \"%.64s\"", op->valuestring);
	return 0;
}
