/*
 * vdm.h - one virtual DOS machine as the server keeps it: the VM and its
 * DOS kernel, what it was created from (so START and `like` can make
 * another one the same), its console output, its state and the fields the
 * scheduler (sched.c) uses.
 *
 * Locking: `lock` guards vm and dos (a worker holds it for a time slice; a
 * request that reads the screen or sends keys holds it between slices).
 * `out_lock` guards the output ring. Everything else is guarded by the
 * scheduler's lock (struct sched.lock).
 */
#ifndef MVDM_SERVER_VDM_H
#define MVDM_SERVER_VDM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "mvdm/dos.h"
#include "mvdm/vm16.h"
#include "server/outring.h"

enum vdm_state {
	VDM_RUNNING,   /* runnable, or on a worker */
	VDM_IDLE,      /* asleep until its next device event or input */
	VDM_PAUSED,    /* by request */
	VDM_FROZEN,    /* an exclusive VM runs, or it may not run in the background */
	VDM_EXITED,    /* ended states from here on */
	VDM_FAULTED,
	VDM_KILLED,
	VDM_TIMED_OUT,
};
const char *vdm_state_name(enum vdm_state s);
/* Whether a client may give a VM this name: not empty, not all digits
 * (that is an id), not vm<digits> (the default names), no control
 * characters. */
bool vdm_name_ok(const char *name);
static inline bool vdm_state_ended(enum vdm_state s)
{
	return s >= VDM_EXITED;
}

enum { VDM_MAX_SETTINGS = 64, VDM_NAME_MAX = 64, VDM_KEYBUF = 4096 };
/* The slowest speed cap (create's mips): 10,000 instructions a second, a
 * thirtieth of the first PC's 8088. Below it the VM would hardly ever run
 * and the cap's arithmetic (ns per instruction) loses its meaning. */
#define VDM_MIPS_MIN 0.01

/* What a VM is made from: owned strings, copied by vdm_spec_copy(). */
struct vdm_spec {
	char *program;                 /* DOS path */
	char *tail;                    /* command tail */
	char *drives[26];              /* absolute host directories or NULL */
	char *env[DOS_MAX_ENV];
	unsigned nenv;
	char *settings[VDM_MAX_SETTINGS]; /* "NAME=VALUE", request overrides */
	unsigned nsettings;
	char *profile_settings[VDM_MAX_SETTINGS]; /* "NAME=VALUE" of the profile (below the request's) */
	unsigned nprofile_settings;
	char *profile;                 /* the profile's path (settings' source), or NULL */
	char *autoexec;                /* start-up commands (dos_config.autoexec), or NULL */
	bool exclusive;
	double timeout_s;              /* 0 = none */
	double mips;                   /* 0 = CPU_SPEED setting */
	char name[VDM_NAME_MAX + 1];
};
void vdm_spec_free(struct vdm_spec *s);
/* A deep copy; returns 0 or -ENOMEM (dst is then empty). */
int vdm_spec_copy(struct vdm_spec *dst, const struct vdm_spec *src);

/* Where the scheduler has the VM. */
enum vdm_where { VDM_NOWHERE, VDM_RUNQ, VDM_ASLEEP, VDM_ONCPU, VDM_GONE };

struct server;
struct progsettings;

struct vdm {
	uint32_t id;
	uint32_t parent;               /* 0 = none */
	struct vdm_spec spec;
	struct server *server;
	int owner_conn;                /* connection that owns it (`owned`), or -1 */

	pthread_mutex_t lock;
	struct vm *vm;                 /* NULL once ended */
	/* Read by the worker running the VM between sub-slices, without a
	 * lock: when set it ends the slice (sched.h). Set with sched.lock
	 * held by kill, pause, shutdown and sched_lock_vm; cleared by the
	 * worker that takes the VM (may_run() then holds what was asked). */
	atomic_bool preempt;
	struct dos *dos;
	char keybuf[VDM_KEYBUF];       /* typed text not yet in the keyboard (lock) */
	size_t keylen;

	pthread_mutex_t out_lock;
	struct outring out;
	struct vm16_screen *last_screen; /* the screen when it ended */
	uint8_t *last_png;             /* its picture then, as a PNG (screenshot) */
	size_t last_png_len;
	struct vm16_frame last_frame;  /* that picture's facts (pixels NULL) */
	struct progsettings *settings; /* what was given and where from (lock) */

	/* Guarded by the scheduler lock. */
	enum vdm_state state;
	enum vdm_where where;
	bool paused, kicked;           /* kicked: input arrived while on a CPU */
	unsigned held;                 /* requests holding `lock` (sched_lock_vm): no slice starts */
	enum vdm_state kill_state;     /* != VDM_RUNNING: end it as this when possible */
	char reason[256];
	int exit_code;
	struct vdm *rq_next;           /* run queue link */
	size_t heap_index;             /* position in the sleepers' heap */
	uint64_t wake_ns;              /* monotonic time it wakes (asleep) */
	bool sleep_is_idle;            /* asleep because idle (else throttled) */
	uint64_t anchor_ns;            /* host time the VM clock was last in step with */
	uint64_t owed_ns;              /* idle host time not yet passed to the VM clock */
	uint64_t created_ns, first_insn_ns, deadline_ns;
	uint64_t cpu_ns;               /* host CPU time in slices */
	uint64_t insns;                /* retired instructions, copied after each slice */
	uint64_t work;                 /* units of guest work (vm16_work), likewise */
	uint64_t cap_base_ns, cap_base_work; /* speed cap window */
	double cap_mips;               /* the cap of the last slice (vdm_speed_cap) */
	unsigned refs;                 /* the table's and requests' references */
	unsigned focus;                /* connections that hold it in the foreground */
	bool bg_exec;                  /* DOS_BACKGROUND_EXECUTION: runs without focus */
};

/* With v->lock held: types as much of keybuf as the keyboard takes.
 * Returns the number of characters typed. */
size_t vdm_feed_keys(struct vdm *v);

/* With v->lock held: the speed cap in MIPS, 0 = none: the request's
 * mips, else the live CPU_SPEED setting. */
double vdm_speed_cap(const struct vdm *v);

/* The console tap: appends to the output ring (called on a worker). */
void vdm_tap(void *ctx, const uint8_t *buf, size_t len);

#endif
