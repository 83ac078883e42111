/*
 * syscall/ptimer.c — timer_create, timer_settime, timer_gettime, timer_getoverrun and
 * timer_delete over the POSIX timers of time/posix_timer.c. Arguments are copied in and
 * checked first (EFAULT, EINVAL), then the timer is looked up (EINVAL for an unknown id).
 */
#include <fw/uaccess.h>
#include <syscall/define.h>
#include <time/posix_timer.h>
#include <uapi/time.h>
#include <uapi/timerfd.h>

#define PT_MAX_SEC 100000000ll /* longer relative times are kept as about three years */
#define PT_ABS_MAX_SEC 9223372035ll /* absolute times: the most an i64 of ns holds */
#define PT_SIGALRM 14u
#define PT_NSIG 64

/* The head of struct sigevent (64 bytes): sigev_value, sigev_signo, sigev_notify, and the
 * union's first int (_tid for SIGEV_THREAD_ID). */
struct uapi_sigevent_head {
	u32 value_lo, value_hi;
	i32 signo;
	i32 notify;
	i32 tid;
	i32 pad;
};
_Static_assert(sizeof(struct uapi_sigevent_head) == 24, "struct sigevent's head");

DEFINE_UCOPY(usigevent_head, struct uapi_sigevent_head);
DEFINE_UCOPY(upt_itimerspec, struct uapi_itimerspec);
DEFINE_UCOPY(upt_timer_id, i32);

/* timer_create(clockid, sevp, timerid): sevp NULL is SIGEV_SIGNAL with SIGALRM. */
SYSCALL_DEFINE3(timer_create, int, clockid, uptr, sevp, uptr, timerid)
{
	struct uapi_sigevent_head ev = { .signo = (i32)PT_SIGALRM, .notify = POSIX_SIGEV_SIGNAL };
	if (sevp.v && usigevent_head_from_user(&ev, sevp))
		return -EFAULT;
	i32 notify = ev.notify;
	if (notify == POSIX_SIGEV_THREAD) /* glibc's threads: a signal, as Linux treats it */
		notify = POSIX_SIGEV_SIGNAL;
	if (notify == (POSIX_SIGEV_SIGNAL | POSIX_SIGEV_THREAD_ID))
		notify = POSIX_SIGEV_THREAD_ID;
	if (notify != POSIX_SIGEV_SIGNAL && notify != POSIX_SIGEV_NONE &&
	    notify != POSIX_SIGEV_THREAD_ID)
		return -EINVAL;
	if (notify != POSIX_SIGEV_NONE && (ev.signo <= 0 || ev.signo > PT_NSIG))
		return -EINVAL;
	i32 id = 0;
	u64 value = (u64)ev.value_hi << 32 | ev.value_lo;
	int e = posix_timer_create(p, clockid, notify, (u32)ev.signo, ev.tid, sevp.v != 0, value,
				   &id);
	if (e)
		return e;
	if (upt_timer_id_to_user(&id, timerid)) {
		(void)posix_timer_delete(p, id);
		return -EFAULT;
	}
	return 0;
}

/* pt_ns - a validated timespec in nanoseconds (clamped to max_sec); false if invalid. */
static bool pt_ns(i64 sec, i64 nsec, i64 max_sec, u64 *out)
{
	if (sec < 0 || nsec < 0 || nsec >= UAPI_NSEC_PER_SEC)
		return false;
	if (sec > max_sec)
		sec = max_sec;
	*out = (u64)sec * (u64)UAPI_NSEC_PER_SEC + (u64)nsec;
	return true;
}

static struct uapi_itimerspec pt_its(u64 value_ns, u64 interval_ns)
{
	return (struct uapi_itimerspec){
		.interval_sec = (i64)(interval_ns / (u64)UAPI_NSEC_PER_SEC),
		.interval_nsec = (i64)(interval_ns % (u64)UAPI_NSEC_PER_SEC),
		.value_sec = (i64)(value_ns / (u64)UAPI_NSEC_PER_SEC),
		.value_nsec = (i64)(value_ns % (u64)UAPI_NSEC_PER_SEC),
	};
}

SYSCALL_DEFINE4(timer_settime, int, timer_id, int, flags, uptr, new_value, uptr, old_value)
{
	struct uapi_itimerspec its;
	if (upt_itimerspec_from_user(&its, new_value))
		return -EFAULT;
	u64 value = 0, interval = 0;
	/* an absolute time is not clamped like a relative one: a date is past three years */
	bool abs = (flags & UAPI_TIMER_ABSTIME) != 0;
	if ((flags & ~UAPI_TIMER_ABSTIME) ||
	    !pt_ns(its.value_sec, its.value_nsec, abs ? PT_ABS_MAX_SEC : PT_MAX_SEC, &value) ||
	    !pt_ns(its.interval_sec, its.interval_nsec, PT_MAX_SEC, &interval))
		return -EINVAL;
	u64 old_value_ns = 0, old_interval_ns = 0;
	int e = posix_timer_set(p, timer_id, abs, value, interval, &old_value_ns,
				&old_interval_ns);
	if (e)
		return e;
	if (old_value.v) {
		struct uapi_itimerspec old = pt_its(old_value_ns, old_interval_ns);
		if (upt_itimerspec_to_user(&old, old_value))
			return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE2(timer_gettime, int, timer_id, uptr, curr_value)
{
	u64 value = 0, interval = 0;
	int e = posix_timer_get(p, timer_id, &value, &interval);
	if (e)
		return e;
	struct uapi_itimerspec cur = pt_its(value, interval);
	return upt_itimerspec_to_user(&cur, curr_value) ? -EFAULT : 0;
}

SYSCALL_DEFINE1(timer_getoverrun, int, timer_id)
{
	return posix_timer_overrun(p, timer_id);
}

SYSCALL_DEFINE1(timer_delete, int, timer_id)
{
	return posix_timer_delete(p, timer_id);
}
