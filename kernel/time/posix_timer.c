/*
 * posix_timer.c — POSIX per-process timers (time/posix_timer.h): timer_create, timer_settime,
 * timer_gettime, timer_getoverrun and timer_delete.
 *
 * A timer belongs to a thread group (its leader, whose reference it holds) and has a small id,
 * the lowest free one in that group. Its deadline is kept on the framework's monotonic clock,
 * except after an absolute CLOCK_REALTIME setting: then its expiries are dates of the wall
 * clock (`wall`) and follow a later settimeofday or clock_settime, as on Linux (relative
 * CLOCK_REALTIME timers do not: Linux runs them on the monotonic clock). The clock task calls
 * posix_timer_fire_due once a tick: the due timers, earliest deadline first, send their signal (si_code SI_TIMER, si_timerid,
 * si_value, si_overrun) to the group, or with SIGEV_THREAD_ID to one thread of it, or nothing
 * for SIGEV_NONE; a periodic one moves on by whole intervals, and the periods it skipped are
 * its overrun. An expiry whose previous signal is still pending sends nothing: it adds to that
 * signal's si_overrun (proc_sigqueue_timer_merge_locked), as Linux. timer_getoverrun gives the
 * overrun of the timer's last signal (Linux: of the last one delivered). Timers of a group
 * that has exited are deleted by the same pass.
 *
 * execve deletes the group's timers (posix_timer_delete_group).
 *
 * CPU-time clocks (time/cpu_clock.h: CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID and the
 * negative ids, which glibc passes for those two and which name other processes' clocks): such
 * a timer's deadline and interval are in that CPU time (proc/usage.h, as the threads last
 * published it: at most a tick old), checked by the same pass once a tick, so it fires at most
 * a tick or two of wall time late. A thread-clock timer whose thread has exited never fires
 * again (Linux detaches it).
 *
 * Locks: ptimer_lock (spinlock: every timer's state and the list) → proc_lock (to look at a
 * group's state; a CPU-time clock's sums also take the process's rlim_lock) or the target's
 * sig_lock (the merge); signals are sent with none held.
 */
#include <fw/heap.h>
#include <fw/time.h>
#include <fw/typecache.h>
#include <proc/process.h>
#include <time/clock.h>
#include <time/cpu_clock.h>
#include <time/posix_timer.h>
#include <uapi/time.h>

#define PTIMER_MAX 256 /* timers per thread group */
#define SI_TIMER (-2)

struct ptimer {
	struct list_link link; /* on ptimers (ptimer_lock) */
	/* immutable after creation */
	struct thread *owner;  /* the group leader; a reference */
	struct thread *target; /* who gets the signal (owner, or a thread: a reference) */
	struct thread *cpu_of; /* a CPU-time clock's thread or leader (a reference); NULL for
				 * the other clocks */
	int cpu_cid;            /* and its id (time/cpu_clock.h) */
	i32 id;
	i64 clockid;
	i32 notify; /* SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID */
	u32 signo;
	u64 value;  /* sigev_value: the signal's si_value */
	/* ptimer_lock */
	u64 deadline_ns; /* fw_time_ns, or cpu_of's CPU time, or a wall date; 0: disarmed */
	bool wall;       /* deadline_ns is a date of the wall clock (an absolute REALTIME setting) */
	u64 interval_ns;
	u32 overrun;     /* expirations its last signal missed (its si_overrun) */
};
DEFINE_TYPE_CACHE(ptimer_cache, struct ptimer);
DEFINE_LIST(ptimer_list, struct ptimer, link, spinlock);

static struct spinlock ptimer_lock = SPINLOCK_INIT(ptimer_lock);
static struct ptimer_list ptimers GUARDED_BY(&ptimer_lock);
static bool ptimers_ready GUARDED_BY(&ptimer_lock);

static void ptimers_init_locked(void) REQUIRES(&ptimer_lock)
{
	if (!ptimers_ready) {
		ptimer_list_init(&ptimers, &ptimer_lock);
		ptimers_ready = true;
	}
}

static void ptimer_free(struct ptimer *t)
{
	if (t->target != t->owner)
		proc_put(t->target);
	if (t->cpu_of)
		proc_put(t->cpu_of);
	proc_put(t->owner);
	KFREE(ptimer_cache, t);
}

/* find_locked - timer `id` of p's group, or NULL. */
static struct ptimer *find_locked(struct thread *p, i64 id) REQUIRES(&ptimer_lock)
{
	ptimers_init_locked();
	LIST_FOR_EACH(ptimer_list, &ptimers, t)
		if (t->owner == p->leader && t->id == id)
			return t;
	return NULL;
}

static bool group_gone(struct thread *leader)
{
	spin_lock(&proc_lock);
	bool gone = !leader->listed || leader->state == PROC_ZOMBIE;
	spin_unlock(&proc_lock);
	return gone;
}

int posix_timer_create(struct thread *p, i64 clockid, i32 notify, u32 signo, i64 tid,
		       bool has_value, u64 value, i32 *id_out)
{
	int cid = cpu_clock_id((int)clockid);
	struct thread *cpu_of = NULL;
	if (cid) {
		cpu_of = cpu_clock_owner(p, cid);
		if (!cpu_of)
			return -EINVAL;
	} else if (clockid != UAPI_CLOCK_MONOTONIC && clockid != UAPI_CLOCK_REALTIME &&
		   clockid != UAPI_CLOCK_BOOTTIME) {
		return -EINVAL;
	}
	struct thread *target = p->leader;
	if (notify == POSIX_SIGEV_THREAD_ID) {
		target = proc_by_pid(tid);
		if (!target || target->leader != p->leader) {
			if (target)
				proc_put(target);
			if (cpu_of)
				proc_put(cpu_of);
			return -EINVAL;
		}
	}
	struct ptimer *t = KNEW(ptimer_cache);
	if (!t) {
		if (target != p->leader)
			proc_put(target);
		if (cpu_of)
			proc_put(cpu_of);
		return -ENOMEM;
	}
	proc_get(p->leader);
	t->owner = p->leader;
	t->target = target;
	t->cpu_of = cpu_of;
	t->cpu_cid = cid;
	t->clockid = clockid;
	t->notify = notify;
	t->signo = signo;
	int err = 0;
	spin_lock(&ptimer_lock);
	i32 id = 0;
	while (id < PTIMER_MAX && find_locked(p, id))
		id++;
	if (id == PTIMER_MAX) {
		err = -EAGAIN;
	} else {
		t->id = id;
		t->value = has_value ? value : (u64)(u32)id; /* no sigevent: the id, as Linux */
		ptimer_list_push_back(&ptimers, t);
	}
	spin_unlock(&ptimer_lock);
	if (err) {
		ptimer_free(t);
		return err;
	}
	*id_out = id;
	return 0;
}

int posix_timer_delete(struct thread *p, i64 id)
{
	spin_lock(&ptimer_lock);
	struct ptimer *t = find_locked(p, id);
	if (t) {
		ptimer_list_remove(&ptimers, t);
	}
	spin_unlock(&ptimer_lock);
	if (!t)
		return -EINVAL;
	ptimer_free(t);
	return 0;
}

/* wall_now - the wall clock's reading as a deadline of a `wall` timer (never negative). */
static u64 wall_now(void)
{
	i64 rt = clock_realtime_ns();
	return rt < 0 ? 0 : (u64)rt;
}

/* now_of - the time on t's clock: `mono` (fw_time_ns) for the monotonic clocks and relative
 * REALTIME settings, the wall clock for an absolute REALTIME one, the CPU time for a CPU-time
 * clock (0 once its thread has exited: never due again). Takes proc_lock (after
 * ptimer_lock). */
static u64 now_of(struct ptimer *t, u64 mono) REQUIRES(&ptimer_lock)
{
	if (t->wall)
		return wall_now();
	if (!t->cpu_of)
		return mono;
	if ((t->cpu_cid & CPU_CLOCK_PERTHREAD) && proc_has_exited(t->cpu_of))
		return 0;
	return cpu_clock_read_ns(t->cpu_of, t->cpu_cid);
}

static u64 left_locked(struct ptimer *t, u64 now) REQUIRES(&ptimer_lock)
{
	if (!t->deadline_ns)
		return 0;
	return t->deadline_ns > now ? t->deadline_ns - now : 1;
}

int posix_timer_set(struct thread *p, i64 id, bool abs, u64 value_ns, u64 interval_ns,
		    u64 *old_value_ns, u64 *old_interval_ns)
{
	proc_acct_publish(p); /* the caller's CPU time up to now, for a CPU-time clock */
	u64 mono = fw_time_ns();
	spin_lock(&ptimer_lock);
	struct ptimer *t = find_locked(p, id);
	if (!t) {
		spin_unlock(&ptimer_lock);
		return -EINVAL;
	}
	*old_value_ns = left_locked(t, now_of(t, mono));
	*old_interval_ns = t->interval_ns;
	t->wall = value_ns && abs && t->clockid == UAPI_CLOCK_REALTIME;
	u64 now = now_of(t, mono);
	u64 deadline = 0;
	if (value_ns && !abs)
		deadline = now + value_ns;
	else if (value_ns)
		deadline = value_ns; /* a date on t's clock: MONOTONIC and BOOTTIME are the
				      * framework's clock, REALTIME the wall clock (`wall`), a CPU
				      * clock's absolute time is its own */
	t->deadline_ns = deadline;
	t->interval_ns = deadline ? interval_ns : 0;
	t->overrun = 0;
	spin_unlock(&ptimer_lock);
	return 0;
}

int posix_timer_get(struct thread *p, i64 id, u64 *value_ns, u64 *interval_ns)
{
	proc_acct_publish(p);
	u64 now = fw_time_ns();
	spin_lock(&ptimer_lock);
	struct ptimer *t = find_locked(p, id);
	if (t) {
		*value_ns = left_locked(t, now_of(t, now));
		*interval_ns = t->interval_ns;
	}
	spin_unlock(&ptimer_lock);
	return t ? 0 : -EINVAL;
}

i64 posix_timer_overrun(struct thread *p, i64 id)
{
	spin_lock(&ptimer_lock);
	struct ptimer *t = find_locked(p, id);
	i64 r = t ? (i64)t->overrun : -EINVAL;
	spin_unlock(&ptimer_lock);
	return r;
}

void posix_timer_delete_group(struct thread *p)
{
	for (;;) {
		struct ptimer *found = NULL;
		spin_lock(&ptimer_lock);
		ptimers_init_locked();
		LIST_FOR_EACH(ptimer_list, &ptimers, t) {
			if (t->owner == p->leader) {
				found = t;
				break;
			}
		}
		if (found)
			ptimer_list_remove(&ptimers, found);
		spin_unlock(&ptimer_lock);
		if (!found)
			return;
		ptimer_free(found);
	}
}

/* next_due_locked - a timer of a group that is gone, else the due timer (at `now`) with the
 * earliest deadline, so timers due within one tick fire in the order of their deadlines
 * (regression: they fired in the list's order); NULL if none. A handled timer is no longer
 * due (moved past `now` or disarmed), so a scan restarted after each one ends. */
static struct ptimer *next_due_locked(u64 now, i64 wall_off) REQUIRES(&ptimer_lock)
{
	struct ptimer *first = NULL, *cpu_due = NULL;
	i64 first_key = 0;
	LIST_FOR_EACH(ptimer_list, &ptimers, t) {
		if (group_gone(t->owner))
			return t;
		if (!t->deadline_ns)
			continue;
		if (t->cpu_of) { /* another clock: no order against the others */
			if (!cpu_due && t->deadline_ns <= now_of(t, now))
				cpu_due = t;
			continue;
		}
		/* a wall date as a monotonic time (wall_off: the wall clock's offset), to order it
		 * among the others */
		i64 key = t->wall ? (i64)t->deadline_ns - wall_off : (i64)t->deadline_ns;
		if (key <= (i64)now && (!first || key < first_key)) {
			first = t;
			first_key = key;
		}
	}
	return first ? first : cpu_due;
}

void posix_timer_fire_due(u64 now_ns)
{
	spin_lock(&ptimer_lock);
	ptimers_init_locked();
	struct ptimer *t;
	i64 wall_off = clock_realtime_ns() - (i64)now_ns;
	while ((t = next_due_locked(now_ns, wall_off))) {
		if (group_gone(t->owner)) {
			ptimer_list_remove(&ptimers, t);
			spin_unlock(&ptimer_lock);
			ptimer_free(t);
			spin_lock(&ptimer_lock);
			continue;
		}
		u64 n = 0, now = now_of(t, now_ns);
		if (now < t->deadline_ns) /* a CPU-time sum a hair behind the one that found it due */
			now = t->deadline_ns;
		if (t->interval_ns) {
			n = (now - t->deadline_ns) / t->interval_ns;
			t->deadline_ns += (n + 1) * t->interval_ns;
		} else {
			t->deadline_ns = 0;
		}
		u32 skipped = n > 0x7ffffffe ? 0x7ffffffe : (u32)n;
		if (t->notify == POSIX_SIGEV_NONE) {
			t->overrun = skipped;
			continue;
		}
		struct thread *to = t->target;
		u32 sig = t->signo;
		spin_lock(&to->sig_lock);
		bool merged = proc_sigqueue_timer_merge_locked(to, sig, t->id, skipped + 1);
		spin_unlock(&to->sig_lock);
		if (merged) { /* the last signal is still pending: it carries this expiry too */
			u64 o = (u64)t->overrun + skipped + 1;
			t->overrun = o > 0x7fffffff ? 0x7fffffff : (u32)o;
			continue;
		}
		t->overrun = skipped;
		struct proc_siginfo info = { .code = SI_TIMER, .timer_id = t->id,
					     .overrun = (i32)skipped, .value = t->value };
		proc_get(to);
		spin_unlock(&ptimer_lock);
		(void)proc_signal_send(to, sig, info);
		proc_put(to);
		spin_lock(&ptimer_lock);
	}
	spin_unlock(&ptimer_lock);
}
