/*
 * settings.c - per-VM properties ("DOS settings", as OS/2 had them): the
 * VDDs register them with a type, a default and a range; the VM's
 * configuration sets them as "NAME=VALUE" strings. All settings are checked
 * before any VDD is created, so a wrong one is a configuration error and no
 * half-made VM. Values: booleans on/off, yes/no, true/false, 1/0; integers
 * in decimal or 0x-hexadecimal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vm/vm_internal.h"

static struct vm_setting *find(struct vm *vm, const char *name, size_t len)
{
	for (unsigned k = 0; k < vm->nsettings; k++)
		if (strlen(vm->settings[k].prop->name) == len && strncasecmp(vm->settings[k].prop->name, name, len) == 0)
			return &vm->settings[k];
	return NULL;
}

static int parse_value(struct vm *vm, const struct vdd_property *p, const char *text, int64_t *out)
{
	if (p->type == VDD_PROP_BOOL) {
		static const char *const yes[] = { "on", "yes", "true", "1" }, *const no[] = { "off", "no", "false", "0" };
		for (size_t k = 0; k < 4; k++) {
			if (strcasecmp(text, yes[k]) == 0)
				return (int)(*out = 1) - 1;
			if (strcasecmp(text, no[k]) == 0)
				return (int)(*out = 0);
		}
		return vm_fail(vm, -EINVAL, "setting %s takes on or off (got \"%s\")", p->name, text);
	}
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 0);
	if (errno || end == text || *end)
		return vm_fail(vm, -EINVAL, "setting %s takes a number (got \"%s\")", p->name, text);
	if (v < p->min || v > p->max)
		return vm_fail(vm, -ERANGE, "setting %s must be %lld to %lld (got %lld)", p->name, (long long)p->min,
			       (long long)p->max, v);
	*out = v;
	return 0;
}

int vm_settings_apply(struct vm *vm, const struct vdd_ops *const *ops, unsigned nops, const char *const *settings)
{
	vm->nsettings = 0;
	for (unsigned k = 0; k < nops; k++) {
		for (size_t j = 0; j < ops[k]->nprops; j++) {
			const struct vdd_property *p = &ops[k]->props[j];
			if (find(vm, p->name, strlen(p->name)))
				return vm_fail(vm, -EEXIST, "two devices register the setting %s", p->name);
			if (vm->nsettings == VM_MAX_SETTINGS)
				return vm_fail(vm, -ENOSPC, "too many settings");
			vm->settings[vm->nsettings++] = (struct vm_setting){ p, p->def };
		}
	}
	for (const char *const *s = settings; s && *s; s++) {
		const char *eq = strchr(*s, '=');
		if (!eq)
			return vm_fail(vm, -EINVAL, "setting \"%s\" is not NAME=VALUE", *s);
		struct vm_setting *st = find(vm, *s, (size_t)(eq - *s));
		if (!st)
			return vm_fail(vm, -ENOENT, "unknown setting %.*s", (int)(eq - *s), *s);
		int rc = parse_value(vm, st->prop, eq + 1, &st->value);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int64_t vdd_property(const struct vm *vm, const char *name)
{
	for (unsigned k = 0; k < vm->nsettings; k++)
		if (strcasecmp(vm->settings[k].prop->name, name) == 0)
			return vm->settings[k].value;
	return 0;
}

void vm16_list_settings(const struct vm *vm, vm16_setting_fn fn, void *ctx)
{
	for (unsigned k = 0; k < vm->nsettings; k++) {
		const struct vdd_property *p = vm->settings[k].prop;
		fn(ctx, p->name, p->type == VDD_PROP_BOOL, vm->settings[k].value, p->def, p->min, p->max, p->help);
	}
}
