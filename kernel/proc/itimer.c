/*
 * itimer.c — the interval timers ITIMER_REAL, ITIMER_VIRTUAL and ITIMER_PROF of a process
 * (proc/itimer.h). ITIMER_REAL's expiry is sent by the clock task (proc_fire_alarms in
 * process.c); the CPU timers' by the threads' own ticks (proc_itimer_cpu_tick).
 */
#include <fw/time.h>
#include <proc/itimer.h>
#include <proc/process.h>
#include <uapi/time.h>

#define ITIMER_TICK_NS (1000000000ull / FW_TICK_HZ) /* Linux's TICK_NSEC at the same HZ */
#define ITIMER_REAL_DUE_NS 1000ull

/* cpu_index - the cpu_itimer_* slot of a CPU timer, or -1. */
static int cpu_index(int which)
{
	return which == UAPI_ITIMER_VIRTUAL ? 0 : which == UAPI_ITIMER_PROF ? 1 : -1;
}

/* cpu_now - p's process's CPU time the timer in slot i runs on (user; user + system). */
static u64 cpu_now(struct thread *p, int i)
{
	struct proc_usage u = proc_usage_peek(p, false);
	return i == 0 ? u.utime_ns : u.utime_ns + u.stime_ns;
}

/* left - the time from `now` to `expires` (0: disarmed); a due one that was not sent yet has
 * `due_ns` left (Linux: a microsecond for ITIMER_REAL, a tick for the CPU timers). */
static u64 left(u64 expires, u64 now, u64 due_ns)
{
	if (!expires)
		return 0;
	return expires > now ? expires - now : due_ns;
}

int proc_itimer_get(struct thread *p, int which, struct proc_itimer_val *out)
{
	struct process *g = p->proc;
	int i = cpu_index(which);
	if (which != UAPI_ITIMER_REAL && i < 0)
		return -EINVAL;
	u64 now = 0;
	if (i >= 0) {
		proc_acct_publish(p); /* the caller's own time up to now */
		now = cpu_now(p, i);
	}
	spin_lock(&g->itimer_lock);
	if (i < 0) {
		*out = (struct proc_itimer_val){ .value_ns = left(g->alarm_ns, fw_time_ns(), ITIMER_REAL_DUE_NS),
						 .interval_ns = g->alarm_interval_ns };
	} else {
		*out = (struct proc_itimer_val){ .value_ns = left(g->cpu_itimer_ns[i], now, ITIMER_TICK_NS),
						 .interval_ns = g->cpu_itimer_interval_ns[i] };
	}
	spin_unlock(&g->itimer_lock);
	return 0;
}

int proc_itimer_set(struct thread *p, int which, struct proc_itimer_val v,
		    struct proc_itimer_val *old)
{
	struct process *g = p->proc;
	int i = cpu_index(which);
	if (which != UAPI_ITIMER_REAL && i < 0)
		return -EINVAL;
	u64 now = 0;
	if (i >= 0) {
		proc_acct_publish(p);
		now = cpu_now(p, i);
	}
	spin_lock(&g->itimer_lock);
	if (i < 0) {
		now = fw_time_ns();
		*old = (struct proc_itimer_val){ .value_ns = left(g->alarm_ns, now, ITIMER_REAL_DUE_NS),
						 .interval_ns = g->alarm_interval_ns };
		g->alarm_ns = v.value_ns ? now + v.value_ns : 0;
		g->alarm_interval_ns = v.value_ns ? v.interval_ns : 0; /* Linux: kept for CPU timers only */
	} else {
		*old = (struct proc_itimer_val){ .value_ns = left(g->cpu_itimer_ns[i], now, ITIMER_TICK_NS),
						 .interval_ns = g->cpu_itimer_interval_ns[i] };
		g->cpu_itimer_ns[i] = v.value_ns ? now + v.value_ns + ITIMER_TICK_NS : 0;
		g->cpu_itimer_interval_ns[i] = v.interval_ns;
	}
	spin_unlock(&g->itimer_lock);
	return 0;
}

void proc_itimer_cpu_tick(struct thread *p)
{
	struct process *g = p->proc;
	spin_lock(&g->itimer_lock);
	bool armed = g->cpu_itimer_ns[0] || g->cpu_itimer_ns[1];
	spin_unlock(&g->itimer_lock);
	if (!armed)
		return; /* the common case: one lock per tick */
	struct proc_usage u = proc_usage_peek(p, false);
	u64 now[2] = { u.utime_ns, u.utime_ns + u.stime_ns };
	bool due[2] = { false, false };
	spin_lock(&g->itimer_lock);
	for (int i = 0; i < 2; i++) {
		u64 e = g->cpu_itimer_ns[i];
		if (!e || now[i] < e)
			continue;
		/* Linux reloads once per expiry, from the expiry (a late tick does not drift it) */
		g->cpu_itimer_ns[i] = g->cpu_itimer_interval_ns[i] ? e + g->cpu_itimer_interval_ns[i] : 0;
		due[i] = true;
	}
	spin_unlock(&g->itimer_lock);
	struct proc_siginfo info = { .code = UAPI_SI_KERNEL };
	if (due[0])
		(void)proc_group_signal(p->leader, UAPI_SIGVTALRM, info);
	if (due[1])
		(void)proc_group_signal(p->leader, UAPI_SIGPROF, info);
}
