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
 * - Preemption: a slice runs in sub-slices of SCHED_SUBSLICE units of
 *   work (vm16_run: instructions, string iterations, host time of DOS
 *   calls); between two the worker ends the slice early when the VM's
 *   deadline passed, the slice ran SCHED_SLICE_MAX_NS, or someone asked
 *   (vdm.preempt: kill, pause, shutdown, a request that needs the
 *   machine: sched_lock_vm). So none of these waits more than one sub-slice,
 *   whatever the guest does, and nothing here blocks the caller on a VM:
 *   kill and pause of a VM on a worker return -EINPROGRESS and the
 *   worker reports when it has ended or parked it (ended, parked).
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

/* A slice: at most SCHED_SLICE_INSNS units of work and SCHED_SLICE_MAX_NS
 * of host time, checked every SCHED_SUBSLICE units. */
enum { SCHED_SLICE_INSNS = 1000000, SCHED_SUBSLICE = 50000, SCHED_MAX_WORKERS = 64 };
#define SCHED_SLICE_MAX_NS 10000000u

struct sched {
	pthread_mutex_t lock;
	pthread_cond_t work;           /* the run queue or the heap changed */
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
	/* Called (with sched.lock held) when a VM ended, and when a worker
	 * parked a VM that may not run (paused, frozen): the server answers
	 * whoever waits for it. Must not block. */
	void (*ended)(void *ctx, struct vdm *v);
	void (*parked)(void *ctx, struct vdm *v);
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

/* Each returns 0 or -EALREADY (no change needed) / -ESRCH (it has ended).
 * sched_pause of a VM on a worker returns -EINPROGRESS: it is paused, and
 * the worker parks it after its sub-slice (then sched_settled() is true
 * and the `parked` callback runs). */
int sched_pause(struct sched *s, struct vdm *v);
int sched_resume(struct sched *s, struct vdm *v);
/* Ends the VM as `state` (killed, timed out) with reason: 0 when it has
 * ended, -EINPROGRESS when a worker runs it and ends it after its
 * sub-slice (the `ended` callback says when), -ESRCH if it had ended. */
int sched_kill(struct sched *s, struct vdm *v, enum vdm_state state, const char *reason);
/* Whether no worker runs the VM (it has ended, or sits parked or queued). */
bool sched_settled(struct sched *s, struct vdm *v);
/* Takes v->lock for a request, between slices: no slice of v starts until
 * sched_unlock_vm(), and a worker running it ends its slice at the next
 * sub-slice, so the wait is short whatever the guest does. */
void sched_lock_vm(struct sched *s, struct vdm *v);
void sched_unlock_vm(struct sched *s, struct vdm *v);
/* A client took (+1) or left (-1) the VM's foreground; a VM whose
 * bg_exec is off runs only while it has one. Returns the new count. */
unsigned sched_focus(struct sched *s, struct vdm *v, int delta);
/* DOS_BACKGROUND_EXECUTION changed. */
void sched_set_bg_exec(struct sched *s, struct vdm *v, bool on);
/* Input arrived: wake it if it sleeps. */
void sched_kick(struct sched *s, struct vdm *v);
/* Forgets an ended VM: -EBUSY if it has not ended. */
int sched_remove(struct sched *s, struct vdm *v);
/* Ends the VMs whose deadline passed while not runnable (paused, frozen).
 * Returns the earliest deadline (monotonic ns) of such a VM still to
 * come, UINT64_MAX if none: the caller checks again then (the workers
 * watch the deadlines of runnable and sleeping VMs). */
uint64_t sched_check_deadlines(struct sched *s);

#endif
