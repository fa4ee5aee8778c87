/*
 * sched.h - the VM table and the scheduler: VMs time-sliced over a pool of
 * worker threads.
 *
 * - A runnable VM waits in a FIFO run queue; a worker takes it, runs one
 *   slice (SCHED_SLICE_INSNS instructions, a few milliseconds) and puts it
 *   back at the tail, so concurrent VMs share the machine round robin.
 * - A VM that idles (HLT with interrupts on, a keyboard wait, a polling
 *   loop the monitor recognised) sleeps in a heap ordered by wake time: the
 *   time of its next device event (the timer tick). When it wakes, the host
 *   time it slept is passed to its virtual clock, one device event at a
 *   time with the guest running between them, so every timer tick it
 *   missed is delivered in order. Input (keys) wakes it at once.
 * - An exclusive VM freezes every other VM while it lives; they resume
 *   where they were when it ends (a frozen VM's clock does not count the
 *   frozen time, nor does a paused one's).
 * - Limits: a wall-clock deadline (timeout_s) and a speed cap in MIPS
 *   (the VM sleeps when it ran ahead of its allowance).
 *
 * Locking: sched.lock guards the table, the queues and every vdm field
 * marked so in vdm.h. Lock order: a vdm's lock, then sched.lock; never
 * the other way.
 */
#ifndef MVDM_SERVER_SCHED_H
#define MVDM_SERVER_SCHED_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/vdm.h"

enum { SCHED_SLICE_INSNS = 1000000, SCHED_MAX_WORKERS = 64 };

struct sched {
	pthread_mutex_t lock;
	pthread_cond_t work;           /* the run queue or the heap changed */
	pthread_cond_t settled;        /* a VM came back from a worker */
	struct vdm *rq_head, *rq_tail;
	struct vdm **heap;             /* sleepers by wake_ns */
	size_t nheap, heap_cap;
	struct vdm **vms;              /* the table, by creation order */
	size_t nvms, vms_cap;
	struct vdm *exclusive;         /* the exclusive VM holding the machine */
	size_t max_vms;                /* the most VMs in the table (0: no limit) */
	pthread_t threads[SCHED_MAX_WORKERS];
	unsigned nworkers, started;
	unsigned idle_workers;
	bool stopping;
	/* Called (with sched.lock held) when a VM ended: the server answers
	 * whoever waits for it. Must not block. */
	void (*ended)(void *ctx, struct vdm *v);
	/* Called (without locks) after a slice that produced console output. */
	void (*output)(void *ctx, struct vdm *v);
	void *ctx;
};

uint64_t sched_now_ns(void);
/* now_ns + seconds, saturating at UINT64_MAX (never) for any huge value. */
uint64_t sched_deadline_after(uint64_t now_ns, double seconds);

int sched_init(struct sched *s, unsigned nworkers);
/* Starts the workers. Returns 0 or a negative errno. */
int sched_start(struct sched *s);
/* Ends every VM (as killed), stops and joins the workers, frees the table. */
void sched_fini(struct sched *s);

/* Adds a built VM (v->vm set, refs 1 for the table, its name set) and
 * makes it runnable, or paused if v->paused. -ENOSPC when the table holds
 * max_vms VMs, -EEXIST when a VM of that name is in it. */
int sched_add(struct sched *s, struct vdm *v);
/* The VM called name, with a reference taken, or NULL. */
struct vdm *sched_find_name(struct sched *s, const char *name);
/* The VM with that id with a reference taken, or NULL. */
struct vdm *sched_get(struct sched *s, uint32_t id);
void sched_put(struct sched *s, struct vdm *v);

/* Each returns 0 or -EALREADY (no change needed) / -ESRCH (it has ended). */
int sched_pause(struct sched *s, struct vdm *v);
int sched_resume(struct sched *s, struct vdm *v);
/* Ends the VM as `state` (killed, timed out) with reason. */
int sched_kill(struct sched *s, struct vdm *v, enum vdm_state state, const char *reason);
/* A client took (+1) or left (-1) the VM's foreground; a VM whose
 * bg_exec is off runs only while it has one. Returns the new count. */
unsigned sched_focus(struct sched *s, struct vdm *v, int delta);
/* DOS_BACKGROUND_EXECUTION changed. */
void sched_set_bg_exec(struct sched *s, struct vdm *v, bool on);
/* Input arrived: wake it if it sleeps. */
void sched_kick(struct sched *s, struct vdm *v);
/* Forgets an ended VM: -EBUSY if it has not ended. */
int sched_remove(struct sched *s, struct vdm *v);
/* Ends the VMs whose deadline passed while not runnable (paused, frozen). */
void sched_check_deadlines(struct sched *s);

#endif
