/*
 * syscall/itimer.c — getitimer, setitimer and alarm over the interval timers of proc/itimer.c
 * (ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF: one of each per process). Linux 6.1's order:
 * setitimer copies the new value in (EFAULT), checks it (EINVAL), then the timer (EINVAL).
 */
#include <fw/uaccess.h>
#include <proc/itimer.h>
#include <syscall/define.h>
#include <uapi/time.h>

DEFINE_UCOPY(uitimerval, struct uapi_itimerval);

#define USEC_PER_SEC 1000000ll

static struct uapi_timeval ns_to_tv(u64 ns)
{
	return (struct uapi_timeval){ .tv_sec = (i64)(ns / (u64)UAPI_NSEC_PER_SEC),
				      .tv_usec = (i64)(ns % (u64)UAPI_NSEC_PER_SEC / 1000u) };
}

static struct uapi_itimerval to_itimerval(struct proc_itimer_val v)
{
	struct uapi_itimerval r = { .it_interval = ns_to_tv(v.interval_ns),
				    .it_value = ns_to_tv(v.value_ns) };
	if (v.value_ns && !r.it_value.tv_sec && !r.it_value.tv_usec)
		r.it_value.tv_usec = 1; /* an armed timer never reads as disarmed */
	return r;
}

/* tv_ns - a valid struct timeval in ns (the seconds clamped to about 136 years: no timer
 * outlives that); false for a negative or out-of-range one (Linux's timeval_valid). */
static bool tv_ns(struct uapi_timeval tv, u64 *ns)
{
	if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= USEC_PER_SEC)
		return false;
	u64 sec = (u64)tv.tv_sec < (1ull << 32) ? (u64)tv.tv_sec : (1ull << 32);
	*ns = sec * (u64)UAPI_NSEC_PER_SEC + (u64)tv.tv_usec * 1000u;
	return true;
}

SYSCALL_DEFINE2(getitimer, int, which, uptr, curr_value)
{
	struct proc_itimer_val v;
	int e = proc_itimer_get(p, which, &v);
	if (e)
		return e;
	struct uapi_itimerval out = to_itimerval(v);
	return uitimerval_to_user(&out, curr_value) ? -EFAULT : 0;
}

/* setitimer(which, new_value, old_value): new_value NULL disarms (a misfeature Linux 6.1
 * still honours). */
SYSCALL_DEFINE3(setitimer, int, which, uptr, new_value, uptr, old_value)
{
	struct uapi_itimerval in = { 0 };
	if (new_value.v && uitimerval_from_user(&in, new_value))
		return -EFAULT;
	struct proc_itimer_val v, old;
	if (!tv_ns(in.it_value, &v.value_ns) || !tv_ns(in.it_interval, &v.interval_ns))
		return -EINVAL;
	int e = proc_itimer_set(p, which, v, &old);
	if (e)
		return e;
	struct uapi_itimerval out = to_itimerval(old);
	if (old_value.v && uitimerval_to_user(&out, old_value))
		return -EFAULT;
	return 0;
}

/* alarm(seconds): ITIMER_REAL, one shot; the seconds the old one had left, rounded to the
 * nearest, and never 0 for one still pending (Linux's alarm_setitimer). */
SYSCALL_DEFINE1(alarm, uint, seconds)
{
	struct proc_itimer_val old;
	struct proc_itimer_val v = { .value_ns = (u64)seconds * (u64)UAPI_NSEC_PER_SEC };
	(void)proc_itimer_set(p, UAPI_ITIMER_REAL, v, &old);
	struct uapi_itimerval o = to_itimerval(old);
	i64 secs = o.it_value.tv_sec;
	if ((!secs && o.it_value.tv_usec) || o.it_value.tv_usec >= 500000)
		secs++;
	return secs;
}
