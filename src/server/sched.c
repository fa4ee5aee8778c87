/*
 * sched.c - the VM table and the scheduler (sched.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mvdm/vdd.h"
#include "server/sched.h"
#include "server/vdm_build.h"

/* How many device events a waking VM may catch up with in one go (a VM
 * asleep for an hour has 65,000 timer ticks to see). */
enum { CATCHUP_EVENTS = 200000, CATCHUP_INSNS = 200000 };
/* Idle sleepers wake on multiples of this (ns): a thousand idle VMs then
 * wake together about 100 times a second instead of each at its own
 * 18.2 Hz tick, so the workers sleep in long stretches. A tick reaches
 * the guest at most this late; the time passed to its clock is exact. */
enum { IDLE_SLACK_NS = 10000000 };
/* Speed cap: the credit a capped VM may build up (ns). */
enum { CAP_CREDIT_NS = 100000000 };

uint64_t sched_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}


/* ---- run queue (FIFO) ---- */

static void rq_push(struct sched *s, struct vdm *v)
{
	v->rq_next = NULL;
	if (s->rq_tail)
		s->rq_tail->rq_next = v;
	else
		s->rq_head = v;
	s->rq_tail = v;
	v->where = VDM_RUNQ;
	v->state = VDM_RUNNING;
	pthread_cond_signal(&s->work);
}

static void rq_remove(struct sched *s, struct vdm *v)
{
	struct vdm **p = &s->rq_head, *prev = NULL;
	while (*p && *p != v) {
		prev = *p;
		p = &(*p)->rq_next;
	}
	if (!*p)
		return;
	*p = v->rq_next;
	if (s->rq_tail == v)
		s->rq_tail = prev;
	v->rq_next = NULL;
}

/* ---- sleepers: a binary min-heap on wake_ns ---- */

static void heap_set(struct sched *s, size_t i, struct vdm *v)
{
	s->heap[i] = v;
	v->heap_index = i;
}

static void heap_up(struct sched *s, size_t i)
{
	struct vdm *v = s->heap[i];
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (s->heap[parent]->wake_ns <= v->wake_ns)
			break;
		heap_set(s, i, s->heap[parent]);
		i = parent;
	}
	heap_set(s, i, v);
}

static void heap_down(struct sched *s, size_t i)
{
	struct vdm *v = s->heap[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= s->nheap)
			break;
		if (c + 1 < s->nheap && s->heap[c + 1]->wake_ns < s->heap[c]->wake_ns)
			c++;
		if (s->heap[c]->wake_ns >= v->wake_ns)
			break;
		heap_set(s, i, s->heap[c]);
		i = c;
	}
	heap_set(s, i, v);
}

static int heap_push(struct sched *s, struct vdm *v)
{
	if (s->nheap == s->heap_cap) {
		size_t cap = s->heap_cap ? s->heap_cap * 2 : 64;
		struct vdm **h = realloc(s->heap, cap * sizeof(*h));
		if (!h)
			return -ENOMEM;
		s->heap = h;
		s->heap_cap = cap;
	}
	heap_set(s, s->nheap++, v);
	heap_up(s, s->nheap - 1);
	if (v->heap_index == 0) /* a new earliest wake: re-arm the timed waits */
		pthread_cond_signal(&s->work);
	return 0;
}

static void heap_remove(struct sched *s, struct vdm *v)
{
	size_t i = v->heap_index;
	struct vdm *last = s->heap[--s->nheap];
	if (i == s->nheap)
		return;
	heap_set(s, i, last);
	heap_up(s, i);
	heap_down(s, last->heap_index);
}

/* ---- states ---- */

static bool may_run(const struct sched *s, const struct vdm *v)
{
	return !v->paused && !v->held && v->kill_state == VDM_RUNNING && (!s->exclusive || s->exclusive == v) &&
	       (v->bg_exec || v->focus);
}

/* Puts a VM to sleep until wake_ns (idle: its clock owes the time). */
static void sleep_until(struct sched *s, struct vdm *v, uint64_t now, uint64_t wake_ns, bool idle)
{
	v->anchor_ns = now;
	v->sleep_is_idle = idle;
	if (idle && wake_ns < UINT64_MAX - IDLE_SLACK_NS)
		wake_ns += IDLE_SLACK_NS - wake_ns % IDLE_SLACK_NS;
	v->wake_ns = wake_ns < v->deadline_ns ? wake_ns : v->deadline_ns;
	v->where = VDM_ASLEEP;
	v->state = idle ? VDM_IDLE : VDM_RUNNING;
	if (heap_push(s, v) < 0) /* no memory for the heap: run again instead */
		rq_push(s, v);
}

/* Takes a VM off the queues; an idle sleeper keeps the time it slept. */
static void detach(struct sched *s, struct vdm *v, uint64_t now)
{
	if (v->where == VDM_RUNQ) {
		rq_remove(s, v);
	} else if (v->where == VDM_ASLEEP) {
		heap_remove(s, v);
		if (v->sleep_is_idle)
			v->owed_ns += now - v->anchor_ns;
	}
	v->where = VDM_NOWHERE;
}

/* A VM not on a CPU that should stop (paused, frozen) or go (resumed). */
static void place(struct sched *s, struct vdm *v)
{
	if (may_run(s, v)) {
		rq_push(s, v);
		return;
	}
	v->where = VDM_NOWHERE;
	if (v->paused)
		v->state = VDM_PAUSED;
	else if (!v->held) /* held by a request for a moment: its state stays */
		v->state = VDM_FROZEN;
}

/* An exclusive VM takes the machine: freeze the others. */
static void freeze_others(struct sched *s, uint64_t now)
{
	for (size_t k = 0; k < s->nvms; k++) {
		struct vdm *o = s->vms[k];
		if (o == s->exclusive || vdm_state_ended(o->state) || o->where == VDM_ONCPU || o->where == VDM_GONE)
			continue;
		if (o->where == VDM_RUNQ || o->where == VDM_ASLEEP)
			detach(s, o, now);
		place(s, o);
	}
}

/* The exclusive VM ended: the next exclusive one takes over, or everyone
 * resumes where they were. */
static void release_exclusive(struct sched *s, uint64_t now)
{
	s->exclusive = NULL;
	for (size_t k = 0; k < s->nvms; k++) {
		struct vdm *o = s->vms[k];
		if (o->spec.exclusive && !vdm_state_ended(o->state) && o->kill_state == VDM_RUNNING) {
			s->exclusive = o;
			break;
		}
	}
	if (s->exclusive) {
		freeze_others(s, now);
		if (s->exclusive->where == VDM_NOWHERE)
			place(s, s->exclusive);
		return;
	}
	for (size_t k = 0; k < s->nvms; k++) {
		struct vdm *o = s->vms[k];
		if (o->where == VDM_NOWHERE && !vdm_state_ended(o->state))
			place(s, o);
	}
}

/* The VM's machine is gone (torn down): record how it ended. */
static void finish(struct sched *s, struct vdm *v, enum vdm_state st, const char *reason, int code)
{
	v->state = st;
	v->where = VDM_GONE;
	v->exit_code = code;
	if (reason && reason != v->reason)
		snprintf(v->reason, sizeof(v->reason), "%s", reason);
	if (s->exclusive == v)
		release_exclusive(s, sched_now_ns());
	if (s->ended)
		s->ended(s->ctx, v);
}

/* Ends a VM that this thread owns (where == ONCPU); called with s->lock
 * held, drops it meanwhile. */
static void end_owned(struct sched *s, struct vdm *v, enum vdm_state st, const char *reason)
{
	char why[sizeof(v->reason)];
	snprintf(why, sizeof(why), "%s", reason);
	pthread_mutex_unlock(&s->lock);
	pthread_mutex_lock(&v->lock);
	vdm_teardown(v, true);
	pthread_mutex_unlock(&v->lock);
	pthread_mutex_lock(&s->lock);
	finish(s, v, st, why, 0);
}

/* ---- one slice ---- */

struct slice {
	uint64_t pass_ns;     /* in: idle time owed to the VM clock */
	uint64_t budget;      /* in: units of work (vm16_run) */
	uint64_t deadline_ns; /* in: the VM's time limit (monotonic) */
	uint64_t t0;          /* host time the slice began */
	uint64_t owed_left;   /* out: idle time not passed yet (the slice ended early) */
	enum vm16_stop stop;  /* out */
	uint64_t idle_ns, insns, work, cpu_ns;
	double mips;          /* the speed cap in effect, 0 = none */
	int exit_code;
	char error[256];
	uint64_t out_before, out_after;
	size_t fed;           /* typed characters that went into the keyboard */
	bool keys_left;       /* typed characters still wait for room */
};

/* Whether the slice must end now (checked between sub-slices): someone
 * wants the VM off the CPU, its time limit passed, or the slice ran long. */
static bool slice_must_end(struct vdm *v, const struct slice *sl)
{
	if (atomic_load_explicit(&v->preempt, memory_order_relaxed))
		return true;
	uint64_t now = sched_now_ns();
	return now >= sl->deadline_ns || now - sl->t0 >= SCHED_SLICE_MAX_NS;
}

/* Passes the owed time one device event at a time, running the guest
 * between them so it takes each interrupt (every missed timer tick). A
 * VM whose ticks only our BIOS sees passes it in one step (vm16_idle_ns
 * says no event is due: docs/idle.md "Deep sleep"). What is left when the
 * slice must end stays owed (sl->owed_left). */
static enum vm16_stop catch_up(struct vdm *v, struct vm *vm, struct slice *sl)
{
	uint64_t pass = sl->pass_ns;
	for (unsigned k = 0; pass > 0 && k < CATCHUP_EVENTS; k++) {
		uint64_t ns = vm16_idle_ns(vm);
		if (ns >= pass)
			break;
		vm16_pass_time(vm, ns);
		pass -= ns;
		enum vm16_stop r = vm16_run(vm, CATCHUP_INSNS);
		if (r != VM16_STOP_IDLE && r != VM16_STOP_SLICE)
			return r;
		if (k % 16 == 15 && slice_must_end(v, sl)) {
			sl->owed_left = pass;
			return VM16_STOP_SLICE;
		}
	}
	vm16_pass_time(vm, pass);
	return VM16_STOP_SLICE;
}

static void run_slice(struct vdm *v, struct slice *sl)
{
	pthread_mutex_lock(&v->lock);
	sl->t0 = sched_now_ns(); /* time on a worker (a syscall-free clock) */
	pthread_mutex_lock(&v->out_lock);
	sl->out_before = v->out.total;
	pthread_mutex_unlock(&v->out_lock);
	struct vm *vm = v->vm;
	sl->stop = catch_up(v, vm, sl);
	sl->fed = vdm_feed_keys(v);
	for (uint64_t left = sl->owed_left ? 0 : sl->budget; sl->stop == VM16_STOP_SLICE && left > 0;) {
		uint64_t n = left < SCHED_SUBSLICE ? left : SCHED_SUBSLICE;
		sl->stop = vm16_run(vm, n);
		left -= n;
		if (left && slice_must_end(v, sl))
			break;
	}
	sl->fed += vdm_feed_keys(v);
	sl->keys_left = v->keylen > 0;
	sl->idle_ns = vm16_idle_ns(vm);
	sl->insns = vm16_insns(vm);
	sl->work = vm16_work(vm);
	sl->mips = vdm_speed_cap(v);
	if (sl->stop == VM16_STOP_EXIT || sl->stop == VM16_STOP_FAULT) {
		sl->exit_code = vm16_exit_code(vm);
		snprintf(sl->error, sizeof(sl->error), "%s", vm16_error(vm));
		vdm_teardown(v, true);
	}
	sl->cpu_ns = sched_now_ns() - sl->t0;
	pthread_mutex_unlock(&v->lock);
	pthread_mutex_lock(&v->out_lock);
	sl->out_after = v->out.total;
	pthread_mutex_unlock(&v->out_lock);
}

/* Instructions for the next slice: a capped VM gets at most 10 ms worth. */
static uint64_t slice_budget(const struct vdm *v)
{
	double ten_ms = v->cap_mips * 10000;
	if (v->cap_mips > 0 && ten_ms < SCHED_SLICE_INSNS)
		return ten_ms >= 1 ? (uint64_t)ten_ms : 1;
	return SCHED_SLICE_INSNS;
}

/* Host ns that `work` units take at the speed cap. */
static uint64_t ns_at_cap(uint64_t work, double mips)
{
	return (uint64_t)((double)work * 1000.0 / mips);
}

/* Back from a slice (s->lock held): end, park, sleep or queue the VM. */
static void after_slice(struct sched *s, struct vdm *v, const struct slice *sl)
{
	uint64_t now = sched_now_ns();
	uint64_t before = v->work;
	v->insns = sl->insns;
	v->work = sl->work;
	v->cpu_ns += sl->cpu_ns;
	if (sl->stop == VM16_STOP_EXIT) {
		finish(s, v, VDM_EXITED, "", sl->exit_code);
		return;
	}
	if (sl->stop == VM16_STOP_FAULT) {
		finish(s, v, VDM_FAULTED, sl->error, 0);
		return;
	}
	if (v->kill_state != VDM_RUNNING) {
		end_owned(s, v, v->kill_state, v->reason);
		return;
	}
	if (now >= v->deadline_ns) {
		char why[64];
		snprintf(why, sizeof(why), "its time limit of %g s ran out", v->spec.timeout_s);
		end_owned(s, v, VDM_TIMED_OUT, why);
		return;
	}
	v->owed_ns += sl->owed_left;
	if (!may_run(s, v)) {
		v->where = VDM_NOWHERE;
		place(s, v);
		if (s->parked)
			s->parked(s->ctx, v);
		return;
	}
	if (sl->stop == VM16_STOP_IDLE && !v->kicked && !(sl->keys_left && sl->fed)) {
		uint64_t wake = sl->idle_ns >= UINT64_MAX - now ? UINT64_MAX : now + sl->idle_ns;
		sleep_until(s, v, now, wake, true);
		return;
	}
	v->cap_mips = sl->mips; /* CPU_SPEED is live */
	if (sl->mips > 0) {
		/* Speed cap: the time these instructions take at the capped rate. */
		if (now - v->cap_base_ns > CAP_CREDIT_NS + ns_at_cap(before - v->cap_base_work, sl->mips)) {
			v->cap_base_ns = now;
			v->cap_base_work = before;
		}
		uint64_t due = v->cap_base_ns + ns_at_cap(sl->work - v->cap_base_work, sl->mips);
		if (due > now) {
			sleep_until(s, v, now, due, false);
			return;
		}
	}
	rq_push(s, v);
}

/* Sleepers whose time came go to the run queue. */
static void wake_due(struct sched *s, uint64_t now)
{
	while (s->nheap && s->heap[0]->wake_ns <= now) {
		struct vdm *v = s->heap[0];
		heap_remove(s, v);
		if (v->sleep_is_idle)
			v->owed_ns += now - v->anchor_ns;
		v->where = VDM_NOWHERE;
		rq_push(s, v);
	}
}

static void *worker(void *arg)
{
	struct sched *s = arg;
	pthread_mutex_lock(&s->lock);
	while (!s->stopping) {
		uint64_t now = sched_now_ns();
		wake_due(s, now);
		struct vdm *v = s->rq_head;
		if (!v) {
			s->idle_workers++;
			if (s->nheap && s->heap[0]->wake_ns != UINT64_MAX) {
				uint64_t at = s->heap[0]->wake_ns;
				struct timespec ts;
				clock_gettime(CLOCK_MONOTONIC, &ts);
				uint64_t abs = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec + (at - now);
				ts.tv_sec = (time_t)(abs / 1000000000u);
				ts.tv_nsec = (long)(abs % 1000000000u);
				pthread_cond_timedwait(&s->work, &s->lock, &ts);
			} else {
				pthread_cond_wait(&s->work, &s->lock);
			}
			s->idle_workers--;
			continue;
		}
		s->rq_head = v->rq_next;
		if (!s->rq_head)
			s->rq_tail = NULL;
		v->rq_next = NULL;
		if (!may_run(s, v)) { /* stale: paused or frozen since it was queued */
			place(s, v);
			continue;
		}
		if (now >= v->deadline_ns) {
			v->where = VDM_ONCPU;
			char why[64];
			snprintf(why, sizeof(why), "its time limit of %g s ran out", v->spec.timeout_s);
			end_owned(s, v, VDM_TIMED_OUT, why);
			continue;
		}
		v->where = VDM_ONCPU;
		v->state = VDM_RUNNING;
		v->kicked = false;
		atomic_store(&v->preempt, false); /* what asked for it is settled: may_run() */
		if (!v->first_insn_ns)
			v->first_insn_ns = now;
		struct slice sl = { .pass_ns = v->owed_ns, .budget = slice_budget(v), .deadline_ns = v->deadline_ns };
		v->owed_ns = 0;
		pthread_mutex_unlock(&s->lock);
		run_slice(v, &sl);
		if (sl.out_after != sl.out_before && s->output)
			s->output(s->ctx, v);
		pthread_mutex_lock(&s->lock);
		after_slice(s, v, &sl);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* ---- the API ---- */

int sched_init(struct sched *s, unsigned nworkers)
{
	memset(s, 0, sizeof(*s));
	if (nworkers == 0 || nworkers > SCHED_MAX_WORKERS)
		return -EINVAL;
	s->nworkers = nworkers;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->work, &ca);
	pthread_condattr_destroy(&ca);
	return 0;
}

int sched_start(struct sched *s)
{
	for (; s->started < s->nworkers; s->started++) {
		int rc = pthread_create(&s->threads[s->started], NULL, worker, s);
		if (rc)
			return -rc;
	}
	return 0;
}

void sched_fini(struct sched *s)
{
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	for (size_t k = 0; k < s->nvms; k++)
		atomic_store(&s->vms[k]->preempt, true); /* off the CPUs at the next sub-slice */
	pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->lock);
	for (unsigned k = 0; k < s->started; k++)
		pthread_join(s->threads[k], NULL);
	/* No worker runs now: end what still lives, then free the table. */
	for (size_t k = 0; k < s->nvms; k++) {
		struct vdm *v = s->vms[k];
		if (!vdm_state_ended(v->state)) {
			vdm_teardown(v, false); /* shutting down: nobody asks for its picture */
			v->state = VDM_KILLED;
		}
		vdm_free(v);
	}
	free(s->vms);
	free(s->heap);
	pthread_cond_destroy(&s->work);
	pthread_mutex_destroy(&s->lock);
}

uint64_t sched_deadline_after(uint64_t now_ns, double seconds)
{
	/* A double beyond the range of uint64_t does not convert (C17
	 * 6.3.1.4): saturate first, so 1e300 s is "never" and not "now". */
	double ns = seconds * 1e9;
	if (!(ns > 0))
		return now_ns;
	if (ns >= (double)(UINT64_MAX - now_ns))
		return UINT64_MAX;
	return now_ns + (uint64_t)ns;
}

int sched_add(struct sched *s, struct vdm *v)
{
	pthread_mutex_lock(&s->lock);
	/* The limit is checked where the VM goes in, under the one lock:
	 * VMs made by START on the workers and by requests at once cannot
	 * pass it together. */
	if (s->max_vms && s->nvms >= s->max_vms) {
		pthread_mutex_unlock(&s->lock);
		return -ENOSPC;
	}
	for (size_t k = 0; k < s->nvms; k++)
		if (strcmp(s->vms[k]->spec.name, v->spec.name) == 0) {
			pthread_mutex_unlock(&s->lock);
			return -EEXIST;
		}
	if (s->nvms == s->vms_cap) {
		size_t cap = s->vms_cap ? s->vms_cap * 2 : 64;
		struct vdm **t = realloc(s->vms, cap * sizeof(*t));
		if (!t) {
			pthread_mutex_unlock(&s->lock);
			return -ENOMEM;
		}
		s->vms = t;
		s->vms_cap = cap;
	}
	s->vms[s->nvms++] = v;
	v->refs = 1;
	v->kill_state = VDM_RUNNING;
	v->where = VDM_NOWHERE;
	uint64_t now = sched_now_ns();
	v->anchor_ns = now;
	v->deadline_ns = v->spec.timeout_s > 0 ? sched_deadline_after(now, v->spec.timeout_s) : UINT64_MAX;
	if (v->spec.exclusive && !s->exclusive) {
		s->exclusive = v;
		freeze_others(s, now);
	}
	place(s, v);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

struct vdm *sched_find_name(struct sched *s, const char *name)
{
	struct vdm *found = NULL;
	pthread_mutex_lock(&s->lock);
	for (size_t k = 0; k < s->nvms && !found; k++)
		if (strcmp(s->vms[k]->spec.name, name) == 0) {
			found = s->vms[k];
			found->refs++;
		}
	pthread_mutex_unlock(&s->lock);
	return found;
}

struct vdm *sched_get(struct sched *s, uint32_t id)
{
	struct vdm *found = NULL;
	pthread_mutex_lock(&s->lock);
	for (size_t k = 0; k < s->nvms; k++)
		if (s->vms[k]->id == id) {
			found = s->vms[k];
			found->refs++;
			break;
		}
	pthread_mutex_unlock(&s->lock);
	return found;
}

void sched_put(struct sched *s, struct vdm *v)
{
	pthread_mutex_lock(&s->lock);
	bool last = --v->refs == 0;
	pthread_mutex_unlock(&s->lock);
	if (last)
		vdm_free(v);
}

int sched_pause(struct sched *s, struct vdm *v)
{
	int rc = 0;
	pthread_mutex_lock(&s->lock);
	if (vdm_state_ended(v->state) || v->kill_state != VDM_RUNNING) {
		rc = -ESRCH;
	} else if (v->paused) {
		rc = -EALREADY;
	} else {
		v->paused = true;
		if (v->where == VDM_RUNQ || v->where == VDM_ASLEEP) {
			detach(s, v, sched_now_ns());
			place(s, v);
		} else if (v->where == VDM_NOWHERE) {
			place(s, v);
		} else if (v->where == VDM_ONCPU) {
			/* The worker parks it after its sub-slice. */
			atomic_store(&v->preempt, true);
			rc = -EINPROGRESS;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int sched_resume(struct sched *s, struct vdm *v)
{
	int rc = 0;
	pthread_mutex_lock(&s->lock);
	if (vdm_state_ended(v->state) || v->kill_state != VDM_RUNNING) {
		rc = -ESRCH;
	} else if (!v->paused) {
		rc = -EALREADY;
	} else {
		v->paused = false;
		if (v->where == VDM_NOWHERE)
			place(s, v);
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int sched_kill(struct sched *s, struct vdm *v, enum vdm_state st, const char *reason)
{
	int rc = 0;
	pthread_mutex_lock(&s->lock);
	if (vdm_state_ended(v->state)) {
		rc = -ESRCH;
	} else if (v->kill_state != VDM_RUNNING) {
		rc = -EINPROGRESS; /* ending already, on its worker */
	} else {
		v->kill_state = st;
		snprintf(v->reason, sizeof(v->reason), "%s", reason);
		if (v->where != VDM_ONCPU) {
			detach(s, v, sched_now_ns());
			v->where = VDM_ONCPU; /* ours now: no worker takes it */
			end_owned(s, v, st, v->reason);
		} else {
			/* Its worker ends it after the sub-slice. */
			atomic_store(&v->preempt, true);
			rc = -EINPROGRESS;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

void sched_lock_vm(struct sched *s, struct vdm *v)
{
	pthread_mutex_lock(&s->lock);
	v->held++;
	if (v->where == VDM_ONCPU)
		atomic_store(&v->preempt, true);
	pthread_mutex_unlock(&s->lock);
	pthread_mutex_lock(&v->lock);
}

void sched_unlock_vm(struct sched *s, struct vdm *v)
{
	pthread_mutex_unlock(&v->lock);
	pthread_mutex_lock(&s->lock);
	if (--v->held == 0 && v->where == VDM_NOWHERE && !vdm_state_ended(v->state))
		place(s, v);
	pthread_mutex_unlock(&s->lock);
}

bool sched_settled(struct sched *s, struct vdm *v)
{
	pthread_mutex_lock(&s->lock);
	bool settled = vdm_state_ended(v->state) || (v->where != VDM_ONCPU && v->kill_state == VDM_RUNNING);
	pthread_mutex_unlock(&s->lock);
	return settled;
}

/* A change of what may_run() depends on: stop or start the VM. */
static void reconsider(struct sched *s, struct vdm *v)
{
	if (vdm_state_ended(v->state) || v->where == VDM_ONCPU || v->where == VDM_GONE)
		return; /* a worker places it after its slice */
	bool runs = v->where == VDM_RUNQ || v->where == VDM_ASLEEP;
	if (runs == may_run(s, v))
		return;
	if (runs)
		detach(s, v, sched_now_ns());
	place(s, v);
}

unsigned sched_focus(struct sched *s, struct vdm *v, int delta)
{
	pthread_mutex_lock(&s->lock);
	if (delta < 0 && v->focus)
		v->focus--;
	else if (delta > 0)
		v->focus++;
	unsigned n = v->focus;
	reconsider(s, v);
	pthread_mutex_unlock(&s->lock);
	return n;
}

void sched_set_bg_exec(struct sched *s, struct vdm *v, bool on)
{
	pthread_mutex_lock(&s->lock);
	v->bg_exec = on;
	reconsider(s, v);
	pthread_mutex_unlock(&s->lock);
}

void sched_kick(struct sched *s, struct vdm *v)
{
	pthread_mutex_lock(&s->lock);
	if (v->where == VDM_ONCPU) {
		v->kicked = true;
	} else if (v->where == VDM_ASLEEP) {
		detach(s, v, sched_now_ns());
		rq_push(s, v);
	}
	pthread_mutex_unlock(&s->lock);
}

int sched_remove(struct sched *s, struct vdm *v)
{
	pthread_mutex_lock(&s->lock);
	if (!vdm_state_ended(v->state)) {
		pthread_mutex_unlock(&s->lock);
		return -EBUSY;
	}
	for (size_t k = 0; k < s->nvms; k++)
		if (s->vms[k] == v) {
			memmove(&s->vms[k], &s->vms[k + 1], (s->nvms - k - 1) * sizeof(*s->vms));
			s->nvms--;
			v->refs--; /* the table's reference; the caller still holds one */
			break;
		}
	pthread_mutex_unlock(&s->lock);
	return 0;
}

uint64_t sched_check_deadlines(struct sched *s)
{
	uint64_t now = sched_now_ns();
	for (;;) {
		struct vdm *due = NULL;
		uint64_t next = UINT64_MAX;
		pthread_mutex_lock(&s->lock);
		for (size_t k = 0; k < s->nvms && !due; k++) {
			struct vdm *v = s->vms[k];
			if (vdm_state_ended(v->state) || v->kill_state != VDM_RUNNING || v->where != VDM_NOWHERE)
				continue;
			if (v->deadline_ns <= now) {
				due = v;
				due->refs++;
			} else if (v->deadline_ns < next) {
				next = v->deadline_ns;
			}
		}
		pthread_mutex_unlock(&s->lock);
		if (!due)
			return next;
		char why[64];
		snprintf(why, sizeof(why), "its time limit of %g s ran out", due->spec.timeout_s);
		sched_kill(s, due, VDM_TIMED_OUT, why);
		sched_put(s, due);
	}
}
