/*
 * time.c — reading and setting the clocks: clock_gettime, clock_getres, clock_settime,
 * gettimeofday, settimeofday, time (time/clock.h keeps the clocks).
 *
 * Linux's order of checks is kept: copy in (EFAULT), validate (EINVAL), then privilege (EPERM),
 * so an unprivileged caller with a bad value sees EINVAL as on Linux.
 */
#include <fw/errno.h>
#include <fw/uaccess.h>
#include <syscall/syscall.h>
#include <time/clock.h>
#include <time/timerfd.h>
#include <uapi/misc.h>
#include <uapi/time.h>

DEFINE_UCOPY(utime_timespec, struct uapi_timespec);
DEFINE_UCOPY(utime_timeval, struct uapi_timeval);
DEFINE_UCOPY(utime_timezone, struct uapi_timezone);
DEFINE_UCOPY(utime_i64, i64);

/* The time zone settimeofday stores and gettimeofday reports (Linux keeps it for old
 * programs; the kernel itself ignores it). */
static struct uapi_timezone sys_tz;

static struct uapi_timespec ns_to_timespec(i64 ns)
{
	return (struct uapi_timespec){ .tv_sec = ns / UAPI_NSEC_PER_SEC, .tv_nsec = ns % UAPI_NSEC_PER_SEC };
}

/* settime_allowed - CAP_SYS_TIME, which Trellis has as effective uid 0. */
static bool settime_allowed(const struct process *p)
{
	return p->fs.cred.euid == 0;
}

i64 sys_clock_gettime(struct process *p, const struct sc_args *a)
{
	i64 ns;
	int err = 0;
	if (a->a[0] == UAPI_CLOCK_PROCESS_CPUTIME_ID || a->a[0] == UAPI_CLOCK_THREAD_CPUTIME_ID)
		ns = (i64)proc_cpu_ns(p, a->a[0] == UAPI_CLOCK_THREAD_CPUTIME_ID); /* proc/usage.h */
	else
		err = clock_read_ns((i64)a->a[0], &ns);
	if (err)
		return err;
	struct uapi_timespec ts = ns_to_timespec(ns);
	return utime_timespec_to_user(&ts, uaddr(a->a[1])) ? -EFAULT : 0;
}

i64 sys_clock_getres(struct process *p, const struct sc_args *a)
{
	(void)p;
	i64 res = clock_res_ns((i64)a->a[0]);
	if (res < 0)
		return res;
	if (!a->a[1])
		return 0;
	struct uapi_timespec ts = ns_to_timespec(res);
	return utime_timespec_to_user(&ts, uaddr(a->a[1])) ? -EFAULT : 0;
}

i64 sys_gettimeofday(struct process *p, const struct sc_args *a)
{
	(void)p;
	if (a->a[0]) {
		i64 ns = clock_realtime_ns();
		struct uapi_timeval tv = { .tv_sec = ns / UAPI_NSEC_PER_SEC,
					   .tv_usec = (ns % UAPI_NSEC_PER_SEC) / UAPI_NSEC_PER_USEC };
		if (utime_timeval_to_user(&tv, uaddr(a->a[0])))
			return -EFAULT;
	}
	if (a->a[1]) {
		struct uapi_timezone tz = sys_tz;
		if (utime_timezone_to_user(&tz, uaddr(a->a[1])))
			return -EFAULT;
	}
	return 0;
}

i64 sys_time(struct process *p, const struct sc_args *a)
{
	(void)p;
	i64 secs = clock_realtime_ns() / UAPI_NSEC_PER_SEC;
	if (a->a[0] && utime_i64_to_user(&secs, uaddr(a->a[0])))
		return -EFAULT;
	return secs;
}

/* set_realtime - the common end of settimeofday and clock_settime(CLOCK_REALTIME). */
static i64 set_realtime(const struct process *p, const struct uapi_timespec *ts,
			const struct uapi_timezone *tz)
{
	if (ts && (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= UAPI_NSEC_PER_SEC ||
		   ts->tv_sec >= INT64_MAX / UAPI_NSEC_PER_SEC))
		return -EINVAL;
	if (tz && (tz->tz_minuteswest > 15 * 60 || tz->tz_minuteswest < -15 * 60))
		return -EINVAL;
	if (!settime_allowed(p))
		return -EPERM;
	if (tz)
		sys_tz = *tz;
	if (ts) {
		int e = clock_set_realtime_ns(ts->tv_sec * UAPI_NSEC_PER_SEC + ts->tv_nsec);
		if (!e)
			timerfd_clock_was_set(); /* TFD_TIMER_CANCEL_ON_SET timers are cancelled */
		return e;
	}
	return 0;
}

i64 sys_settimeofday(struct process *p, const struct sc_args *a)
{
	struct uapi_timeval tv;
	struct uapi_timezone tz;
	struct uapi_timespec ts = { 0 };
	if (a->a[0]) {
		if (utime_timeval_from_user(&tv, uaddr(a->a[0])))
			return -EFAULT;
		if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EINVAL;
		ts = (struct uapi_timespec){ .tv_sec = tv.tv_sec, .tv_nsec = tv.tv_usec * UAPI_NSEC_PER_USEC };
	}
	if (a->a[1] && utime_timezone_from_user(&tz, uaddr(a->a[1])))
		return -EFAULT;
	return set_realtime(p, a->a[0] ? &ts : NULL, a->a[1] ? &tz : NULL);
}

i64 sys_clock_settime(struct process *p, const struct sc_args *a)
{
	i64 unused;
	if (clock_read_ns((i64)a->a[0], &unused))
		return -EINVAL;
	struct uapi_timespec ts;
	if (utime_timespec_from_user(&ts, uaddr(a->a[1])))
		return -EFAULT;
	if (a->a[0] != UAPI_CLOCK_REALTIME)
		return -EINVAL; /* only the wall clock can be set, as on Linux */
	return set_realtime(p, &ts, NULL);
}
