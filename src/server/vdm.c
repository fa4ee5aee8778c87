/*
 * vdm.c - a VM as the server keeps it (vdm.h, vdm_build.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/png.h"
#include "mvdm/progsettings.h"
#include "mvdm/vdd.h"
#include "server/vdm_build.h"

const char *vdm_state_name(enum vdm_state s)
{
	static const char *const names[] = { /* (read-only: relocated pointers, no state) */
		[VDM_RUNNING] = "running", [VDM_IDLE] = "idle",       [VDM_PAUSED] = "paused",
		[VDM_FROZEN] = "frozen",   [VDM_EXITED] = "exited",   [VDM_FAULTED] = "faulted",
		[VDM_KILLED] = "killed",   [VDM_TIMED_OUT] = "timed_out",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

bool vdm_name_ok(const char *name)
{
	if (!name[0])
		return false;
	size_t digits = strspn(name, "0123456789");
	if (!name[digits])
		return false;
	if (name[0] == 'v' && name[1] == 'm' && name[2] && !name[2 + strspn(name + 2, "0123456789")])
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			return false;
	return true;
}

void vdm_spec_free(struct vdm_spec *s)
{
	free(s->program);
	free(s->tail);
	for (int k = 0; k < 26; k++)
		free(s->drives[k]);
	for (unsigned k = 0; k < s->nenv; k++)
		free(s->env[k]);
	for (unsigned k = 0; k < s->nsettings; k++)
		free(s->settings[k]);
	for (unsigned k = 0; k < s->nprofile_settings; k++)
		free(s->profile_settings[k]);
	free(s->profile);
	free(s->autoexec);
	memset(s, 0, sizeof(*s));
}

static int dup_str(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

int vdm_spec_copy(struct vdm_spec *dst, const struct vdm_spec *src)
{
	memset(dst, 0, sizeof(*dst));
	int rc = dup_str(&dst->program, src->program);
	rc |= dup_str(&dst->tail, src->tail);
	for (int k = 0; k < 26; k++)
		rc |= dup_str(&dst->drives[k], src->drives[k]);
	for (; dst->nenv < src->nenv; dst->nenv++)
		rc |= dup_str(&dst->env[dst->nenv], src->env[dst->nenv]);
	for (; dst->nsettings < src->nsettings; dst->nsettings++)
		rc |= dup_str(&dst->settings[dst->nsettings], src->settings[dst->nsettings]);
	for (; dst->nprofile_settings < src->nprofile_settings; dst->nprofile_settings++)
		rc |= dup_str(&dst->profile_settings[dst->nprofile_settings],
			      src->profile_settings[dst->nprofile_settings]);
	rc |= dup_str(&dst->profile, src->profile);
	rc |= dup_str(&dst->autoexec, src->autoexec);
	dst->exclusive = src->exclusive;
	dst->timeout_s = src->timeout_s;
	dst->mips = src->mips;
	memcpy(dst->name, src->name, sizeof(dst->name));
	if (rc) {
		vdm_spec_free(dst);
		return -ENOMEM;
	}
	return 0;
}

struct vdm *vdm_new(void)
{
	struct vdm *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	pthread_mutex_init(&v->lock, NULL);
	pthread_mutex_init(&v->out_lock, NULL);
	v->owner_conn = -1;
	return v;
}

void vdm_free(struct vdm *v)
{
	if (!v)
		return;
	vdm_teardown(v, false);
	vdm_spec_free(&v->spec);
	free(v->last_screen);
	free(v->last_png);
	outring_free(&v->out);
	progsettings_destroy(v->settings);
	pthread_mutex_destroy(&v->lock);
	pthread_mutex_destroy(&v->out_lock);
	free(v);
}

double vdm_speed_cap(const struct vdm *v)
{
	if (v->spec.mips > 0)
		return v->spec.mips;
	int64_t cpu_speed = v->vm ? vdd_property(v->vm, "CPU_SPEED") : 0;
	return cpu_speed > 0 ? (double)cpu_speed : 0;
}

void vdm_tap(void *ctx, const uint8_t *buf, size_t len)
{
	struct vdm *v = ctx;
	pthread_mutex_lock(&v->out_lock);
	outring_append(&v->out, buf, len); /* -ENOMEM: counted as lost */
	pthread_mutex_unlock(&v->out_lock);
}

size_t vdm_feed_keys(struct vdm *v)
{
	size_t k = 0;
	while (v->vm && k < v->keylen) {
		char one[2] = { v->keybuf[k], 0 };
		int rc = vm16_type(v->vm, one);
		if (rc != 0 && rc != -EINVAL)
			break; /* the keyboard queue is full: the rest waits */
		k++;       /* typed, or (-EINVAL) no key on a US keyboard: dropped */
	}
	memmove(v->keybuf, v->keybuf + k, v->keylen - k);
	v->keylen -= k;
	return k;
}

int vdm_build(struct vdm *v, struct vm16_host *host, const char *const *settings,
	      int (*start)(void *ctx, const char *program, const char *tail, char *err, size_t errlen),
	      char *err, size_t errlen)
{
	struct vm16_config vc;
	vm16_config_default(&vc);
	vc.pace_idle = true; /* the scheduler sleeps idle VMs in real time */
	vc.settings = settings;
	vc.task_mode = v->spec.exclusive ? VM16_EXCLUSIVE : VM16_CONCURRENT;
	vc.host = host;
	int rc = vm16_create(&vc, &v->vm, err, errlen);
	if (rc)
		return rc;
	struct dos_config dc;
	dos_config_default(&dc);
	for (int k = 0; k < 26; k++)
		dc.drives[k] = v->spec.drives[k];
	for (unsigned k = 0; k < v->spec.nenv; k++)
		dc.env[k] = v->spec.env[k];
	dc.nenv = v->spec.nenv;
	dc.console.ctx = v;
	dc.console.write = vdm_tap; /* the screen shows it; the ring keeps a copy */
	dc.console.read = NULL;     /* input: the VM's keyboard */
	dc.console.echo = true;
	dc.start = start;
	dc.start_ctx = v;
	dc.autoexec = v->spec.autoexec;
	rc = dos_create(v->vm, &dc, &v->dos, err, errlen);
	if (!rc)
		rc = dos_start(v->dos, v->spec.program, v->spec.tail ? v->spec.tail : "", err, errlen);
	if (rc) {
		dos_destroy(v->dos);
		vm16_destroy(v->vm);
		v->dos = NULL;
		v->vm = NULL;
	}
	return rc;
}

void vdm_teardown(struct vdm *v, bool picture)
{
	if (!v->vm)
		return;
	if (!v->last_screen) {
		v->last_screen = malloc(sizeof(*v->last_screen));
		if (v->last_screen && vm16_screen(v->vm, v->last_screen) != 0) {
			free(v->last_screen);
			v->last_screen = NULL;
		}
	}
	/* The picture too, kept as a PNG (a few KiB) for screenshot requests
	 * (about 3 ms: not when nobody can ask any more). */
	struct vm16_frame f;
	if (picture && !v->last_png && vm16_frame(v->vm, &f, 0) == 0 && png_encode_frame(&f, &v->last_png, &v->last_png_len) == 0) {
		v->last_frame = f;
		v->last_frame.pixels = NULL;
	}
	dos_destroy(v->dos);
	vm16_destroy(v->vm);
	v->dos = NULL;
	v->vm = NULL;
}
