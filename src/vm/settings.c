/*
 * settings.c - per-VM properties ("DOS settings", as OS/2 had them): the
 * monitor, the DOS kernel (core_props.c) and the VDDs register them with a
 * type, a default and a range or a list of choices; the VM's configuration
 * sets them as "NAME=VALUE" strings. All settings are checked before any
 * VDD is created, so a wrong one is a configuration error and no half-made
 * VM. Values: booleans on/off, yes/no, true/false, 1/0; integers in decimal
 * or 0x-hexadecimal; choices by name. Names and choices are matched
 * case-insensitively. The catalog (every setting of the built-in parts,
 * without a VM) and the checks of a VM share one parser.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vm/vm_internal.h"
#include "common/failf.h"

static void info_of(const struct vdd_property *p, const char *owner, struct vm16_setting_info *s)
{
	memset(s, 0, sizeof(*s));
	s->name = p->name;
	s->type = (enum vm16_setting_type)p->type;
	s->value = s->def = p->def;
	s->min = p->min;
	s->max = p->max;
	s->step = p->step > 1 ? p->step : 1;
	s->live = p->live;
	s->owner = owner;
	s->help = p->help ? p->help : "";
	if (p->type == VDD_PROP_BOOL) {
		s->min = 0;
		s->max = 1;
	} else if (p->type == VDD_PROP_CHOICE) {
		s->choices = p->choices;
		s->min = 0;
		s->max = -1;
		for (const char *const *c = p->choices; c && *c; c++)
			s->max++;
	}
}


/* DOS_VERSION holds major * 100 + minor and is written X.YY (one spelling
 * everywhere: vm16_dos_version_parse). */
static bool is_dos_version(const struct vm16_setting_info *s)
{
	return s->type == VM16_SETTING_INT && strcasecmp(s->name, "DOS_VERSION") == 0;
}

int vm16_dos_version_parse(const char *text, int64_t *value)
{
	const char *p = text;
	unsigned major = 0, minor = 0, digits = 0;
	while (*p >= '0' && *p <= '9' && digits < 9) {
		major = major * 10 + (unsigned)(*p++ - '0');
		digits++;
	}
	if (!digits)
		return -EINVAL;
	if (*p == 0) {
		/* "7" is 7.00; "330" is 3.30 (the setting's own form). */
		if (digits == 1) {
			*value = major * 100;
			return 0;
		}
		if (digits >= 3) { /* out of range beyond 999: the caller says so */
			*value = major;
			return 0;
		}
		return -EINVAL;
	}
	if (*p != '.' || digits != 1)
		return -EINVAL;
	p++;
	unsigned mdigits = 0;
	while (*p >= '0' && *p <= '9' && mdigits < 3) {
		minor = minor * 10 + (unsigned)(*p++ - '0');
		mdigits++;
	}
	if (*p || mdigits == 0 || mdigits > 2)
		return -EINVAL;
	/* "3.3" is 3.30, as DOS prints it. */
	*value = major * 100 + (mdigits == 1 ? minor * 10 : minor);
	return 0;
}

/* "a, b or c" for the choices or the few values of a stepped range. */
static void list_values(const struct vm16_setting_info *s, char *out, size_t len)
{
	size_t o = 0;
	out[0] = 0;
	int64_t n = s->type == VM16_SETTING_CHOICE ? s->max + 1 : (s->max - s->min) / s->step + 1;
	for (int64_t k = 0; k < n && o < len; k++) {
		const char *sep = k == 0 ? "" : k == n - 1 ? " or " : ", ";
		int w = s->type == VM16_SETTING_CHOICE ? snprintf(out + o, len - o, "%s%s", sep, s->choices[k])
						       : snprintf(out + o, len - o, "%s%lld", sep,
								  (long long)(s->min + k * s->step));
		if (w < 0)
			break;
		o += (size_t)w;
	}
}

int vm16_setting_parse(const struct vm16_setting_info *s, const char *text, int64_t *value, char *err, size_t errlen)
{
	char values[256];
	if (s->type == VM16_SETTING_BOOL) {
		static const char *const yes[] = { "on", "yes", "true", "1" }, *const no[] = { "off", "no", "false", "0" };
		for (size_t k = 0; k < 4; k++) {
			if (strcasecmp(text, yes[k]) == 0) {
				*value = 1;
				return 0;
			}
			if (strcasecmp(text, no[k]) == 0) {
				*value = 0;
				return 0;
			}
		}
		return failf(err, errlen, -EINVAL, "setting %s takes on or off (got \"%s\")", s->name, text);
	}
	if (s->type == VM16_SETTING_CHOICE) {
		for (int64_t k = 0; k <= s->max; k++) {
			if (strcasecmp(text, s->choices[k]) == 0) {
				*value = k;
				return 0;
			}
		}
		list_values(s, values, sizeof(values));
		return failf(err, errlen, -EINVAL, "setting %s takes %s (got \"%s\")", s->name, values, text);
	}
	if (is_dos_version(s)) {
		int64_t ver;
		if (vm16_dos_version_parse(text, &ver) < 0)
			return failf(err, errlen, -EINVAL,
				     "setting %s takes a DOS version, X.Y or major * 100 + minor (5.0, 3.30, 330; got \"%s\")",
				     s->name, text);
		if (ver < s->min || ver > s->max)
			return failf(err, errlen, -ERANGE, "setting %s must be %d.%02d to %d.%02d (got %s)", s->name,
				     (int)(s->min / 100), (int)(s->min % 100), (int)(s->max / 100), (int)(s->max % 100),
				     text);
		*value = ver;
		return 0;
	}
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 0);
	if (errno == ERANGE)
		return failf(err, errlen, -ERANGE, "setting %s must be %lld to %lld (got %s)", s->name,
			     (long long)s->min, (long long)s->max, text);
	if (errno || end == text || *end)
		return failf(err, errlen, -EINVAL, "setting %s takes a number (got \"%s\")", s->name, text);
	bool few = s->step > 1 && (s->max - s->min) / s->step < 4;
	if (few && (v < s->min || v > s->max || (v - s->min) % s->step)) {
		list_values(s, values, sizeof(values));
		return failf(err, errlen, -ERANGE, "setting %s must be %s (got %lld)", s->name, values, v);
	}
	if (v < s->min || v > s->max)
		return failf(err, errlen, -ERANGE, "setting %s must be %lld to %lld (got %lld)", s->name,
			     (long long)s->min, (long long)s->max, v);
	if ((v - s->min) % s->step) {
		if (s->min % s->step == 0)
			return failf(err, errlen, -ERANGE, "setting %s must be a multiple of %lld (got %lld)", s->name,
				     (long long)s->step, v);
		return failf(err, errlen, -ERANGE, "setting %s must be %lld plus a multiple of %lld (got %lld)",
			     s->name, (long long)s->min, (long long)s->step, v);
	}
	*value = v;
	return 0;
}

int vm16_setting_format(const struct vm16_setting_info *s, int64_t value, char *buf, size_t len)
{
	if (s->type == VM16_SETTING_BOOL)
		return snprintf(buf, len, "%s", value ? "on" : "off");
	if (s->type == VM16_SETTING_CHOICE)
		return snprintf(buf, len, "%s", value >= 0 && value <= s->max ? s->choices[value] : "?");
	if (is_dos_version(s))
		return snprintf(buf, len, "%d.%02d", (int)(value / 100), (int)(value % 100));
	return snprintf(buf, len, "%lld", (long long)value);
}

/* The catalog: the core table, then the built-in VDDs in creation order. */
static bool catalog_walk(bool (*fn)(void *ctx, const struct vm16_setting_info *s), void *ctx)
{
	struct vm16_setting_info s;
	for (size_t k = 0; k < vm_ncore_props; k++) {
		info_of(&vm_core_props[k].prop, vm_core_props[k].owner, &s);
		if (fn(ctx, &s))
			return true;
	}
	size_t n;
	const struct vdd_ops *const *ops = vm_builtin_vdds(&n);
	for (size_t k = 0; k < n; k++) {
		for (size_t j = 0; j < ops[k]->nprops; j++) {
			info_of(&ops[k]->props[j], ops[k]->name, &s);
			if (fn(ctx, &s))
				return true;
		}
	}
	return false;
}

struct catalog_cb {
	vm16_setting_fn fn;
	void *ctx;
};

static bool catalog_one(void *ctx, const struct vm16_setting_info *s)
{
	struct catalog_cb *cb = ctx;
	cb->fn(cb->ctx, s);
	return false;
}

void vm16_settings_catalog(vm16_setting_fn fn, void *ctx)
{
	struct catalog_cb cb = { fn, ctx };
	catalog_walk(catalog_one, &cb);
}

struct lookup {
	const char *name;
	size_t len;
	struct vm16_setting_info *out;
};

static bool lookup_one(void *ctx, const struct vm16_setting_info *s)
{
	struct lookup *l = ctx;
	if (strlen(s->name) != l->len || strncasecmp(s->name, l->name, l->len) != 0)
		return false;
	*l->out = *s;
	return true;
}

static int lookup_n(const char *name, size_t len, struct vm16_setting_info *out)
{
	struct lookup l = { name, len, out };
	return catalog_walk(lookup_one, &l) ? 0 : -ENOENT;
}

int vm16_settings_lookup(const char *name, struct vm16_setting_info *out)
{
	return lookup_n(name, strlen(name), out);
}

int vm16_settings_check(const char *const *settings, char *err, size_t errlen)
{
	for (const char *const *p = settings; p && *p; p++) {
		const char *eq = strchr(*p, '=');
		if (!eq)
			return failf(err, errlen, -EINVAL, "setting \"%s\" is not NAME=VALUE", *p);
		struct vm16_setting_info s;
		if (lookup_n(*p, (size_t)(eq - *p), &s) < 0)
			return failf(err, errlen, -ENOENT, "unknown setting %.*s", (int)(eq - *p), *p);
		int64_t v;
		int rc = vm16_setting_parse(&s, eq + 1, &v, err, errlen);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The settings of one VM. */

static struct vm_setting *find(const struct vm *vm, const char *name, size_t len)
{
	for (unsigned k = 0; k < vm->nsettings; k++)
		if (strlen(vm->settings[k].prop->name) == len && strncasecmp(vm->settings[k].prop->name, name, len) == 0)
			return (struct vm_setting *)&vm->settings[k];
	return NULL;
}

static int add(struct vm *vm, const struct vdd_property *p, const char *owner)
{
	if (find(vm, p->name, strlen(p->name)))
		return vm_fail(vm, -EEXIST, "two devices register the setting %s", p->name);
	if (vm->nsettings == VM_MAX_SETTINGS)
		return vm_fail(vm, -ENOSPC, "too many settings");
	if (p->type == VDD_PROP_CHOICE && (!p->choices || !p->choices[0]))
		return vm_fail(vm, -EINVAL, "setting %s is a choice without choices", p->name);
	vm->settings[vm->nsettings++] = (struct vm_setting){ .prop = p, .owner = owner, .value = p->def };
	return 0;
}

static void info_of_vm(const struct vm_setting *st, struct vm16_setting_info *s)
{
	info_of(st->prop, st->owner, s);
	s->value = st->value;
	s->given = st->given;
}

/* Parse "NAME=VALUE" for this VM: its setting and the value, or an error
 * in vm16_error(). */
static int parse_vm(struct vm *vm, const char *name_value, struct vm_setting **st, int64_t *v)
{
	const char *eq = strchr(name_value, '=');
	if (!eq)
		return vm_fail(vm, -EINVAL, "setting \"%s\" is not NAME=VALUE", name_value);
	*st = find(vm, name_value, (size_t)(eq - name_value));
	if (!*st)
		return vm_fail(vm, -ENOENT, "unknown setting %.*s", (int)(eq - name_value), name_value);
	struct vm16_setting_info s;
	info_of_vm(*st, &s);
	return vm16_setting_parse(&s, eq + 1, v, vm->error, sizeof(vm->error));
}

int vm_settings_apply(struct vm *vm, const struct vdd_ops *const *ops, unsigned nops, const char *const *settings)
{
	vm->nsettings = 0;
	for (size_t k = 0; k < vm_ncore_props; k++) {
		int rc = add(vm, &vm_core_props[k].prop, vm_core_props[k].owner);
		if (rc < 0)
			return rc;
	}
	for (unsigned k = 0; k < nops; k++) {
		for (size_t j = 0; j < ops[k]->nprops; j++) {
			int rc = add(vm, &ops[k]->props[j], ops[k]->name);
			if (rc < 0)
				return rc;
		}
	}
	for (const char *const *s = settings; s && *s; s++) {
		struct vm_setting *st;
		int64_t v;
		int rc = parse_vm(vm, *s, &st, &v);
		if (rc < 0)
			return rc;
		st->value = v;
		st->given = true;
	}
	return 0;
}

bool vm_setting_given(const struct vm *vm, const char *name)
{
	const struct vm_setting *st = find(vm, name, strlen(name));
	return st && st->given;
}

void vm_setting_store(struct vm *vm, const char *name, int64_t value)
{
	struct vm_setting *st = find(vm, name, strlen(name));
	if (st)
		st->value = value;
}

int64_t vdd_property(const struct vm *vm, const char *name)
{
	const struct vm_setting *st = find(vm, name, strlen(name));
	return st ? st->value : 0;
}

void vm16_list_settings(const struct vm *vm, vm16_setting_fn fn, void *ctx)
{
	for (unsigned k = 0; k < vm->nsettings; k++) {
		struct vm16_setting_info s;
		info_of_vm(&vm->settings[k], &s);
		fn(ctx, &s);
	}
}

int vm16_set_settings(struct vm *vm, const char *const *settings)
{
	/* Check them all first: nothing changes unless everything can. */
	for (const char *const *p = settings; p && *p; p++) {
		struct vm_setting *st;
		int64_t v;
		int rc = parse_vm(vm, *p, &st, &v);
		if (rc < 0)
			return rc;
		if (!st->prop->live)
			return vm_fail(vm, -EPERM,
				       "setting %s cannot change while the VM runs (give it when the VM is created)",
				       st->prop->name);
	}
	for (const char *const *p = settings; p && *p; p++) {
		struct vm_setting *st;
		int64_t v;
		if (parse_vm(vm, *p, &st, &v) == 0) {
			st->value = v;
			st->given = true;
		}
	}
	return 0;
}

int vm16_set_setting(struct vm *vm, const char *name, const char *value)
{
	char buf[VM_ERR_LEN];
	if (snprintf(buf, sizeof(buf), "%s=%s", name, value) >= (int)sizeof(buf) || strchr(name, '='))
		return vm_fail(vm, -EINVAL, "setting name or value too long or malformed");
	const char *list[] = { buf, NULL };
	return vm16_set_settings(vm, list);
}
