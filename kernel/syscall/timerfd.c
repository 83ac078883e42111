/*
 * syscall/timerfd.c — timerfd_create, timerfd_settime and timerfd_gettime over the timer files
 * of time/timerfd.c (reads and poll go through the file like any other).
 */
#include <fw/uaccess.h>
#include <syscall/define.h>
#include <time/timerfd.h>
#include <uapi/time.h>
#include <uapi/timerfd.h>

#define TFD_MAX_SEC 100000000ll /* longer relative times are kept as about three years */
#define TFD_ABS_MAX_SEC 9223372035ll /* absolute times: the most an i64 of ns holds */

DEFINE_UCOPY(uitimerspec, struct uapi_itimerspec);

SYSCALL_DEFINE2(timerfd_create, int, clockid, int, flags)
{
	if (flags & ~(int)(UAPI_TFD_CLOEXEC | UAPI_TFD_NONBLOCK))
		return -EINVAL;
	struct file *f = NULL;
	int e = timerfd_new(clockid, (u32)flags & UAPI_TFD_NONBLOCK, p->fs.cred.euid,
			    p->fs.cred.egid, &f);
	if (e)
		return e;
	struct result_i64 r = proc_fd_install(p, f, 0, ((u32)flags & UAPI_TFD_CLOEXEC) != 0);
	if (r.err) {
		vfs_close(f);
		return r.err;
	}
	return r.value;
}

/* ts_ns - a validated timespec in nanoseconds (clamped to max_sec); false if invalid. */
static bool ts_ns(i64 sec, i64 nsec, i64 max_sec, u64 *out)
{
	if (sec < 0 || nsec < 0 || nsec >= UAPI_NSEC_PER_SEC)
		return false;
	if (sec > max_sec)
		sec = max_sec;
	*out = (u64)sec * (u64)UAPI_NSEC_PER_SEC + (u64)nsec;
	return true;
}

static struct uapi_itimerspec to_its(u64 value_ns, u64 interval_ns)
{
	return (struct uapi_itimerspec){
		.interval_sec = (i64)(interval_ns / (u64)UAPI_NSEC_PER_SEC),
		.interval_nsec = (i64)(interval_ns % (u64)UAPI_NSEC_PER_SEC),
		.value_sec = (i64)(value_ns / (u64)UAPI_NSEC_PER_SEC),
		.value_nsec = (i64)(value_ns % (u64)UAPI_NSEC_PER_SEC),
	};
}

static struct file *timer_file(struct thread *p, int fd, int *err)
{
	struct file *f = proc_fd_get(p, fd);
	*err = !f ? -EBADF : !vfs_file_is_timerfd(f) ? -EINVAL : 0;
	return *err ? NULL : f;
}

/* timerfd_settime(fd, flags, new, old): TFD_TIMER_ABSTIME, TFD_TIMER_CANCEL_ON_SET (acts on an
 * absolute CLOCK_REALTIME setting: setting the wall clock makes the next read ECANCELED). */
SYSCALL_DEFINE4(timerfd_settime, int, fd, int, sflags, uptr, new_value, uptr, old_value)
{
	u32 flags = (u32)sflags;
	struct uapi_itimerspec its;
	if (uitimerspec_from_user(&its, new_value))
		return -EFAULT;
	u64 value = 0, interval = 0;
	if ((flags & ~(UAPI_TFD_TIMER_ABSTIME | UAPI_TFD_TIMER_CANCEL_ON_SET)) ||
	    /* an absolute time is not clamped like a relative one: a date is past three years */
	    !ts_ns(its.value_sec, its.value_nsec,
		   (flags & UAPI_TFD_TIMER_ABSTIME) ? TFD_ABS_MAX_SEC : TFD_MAX_SEC, &value) ||
	    !ts_ns(its.interval_sec, its.interval_nsec, TFD_MAX_SEC, &interval))
		return -EINVAL;
	int e;
	struct file *f = timer_file(p, fd, &e);
	if (!f)
		return e;
	u64 old_value_ns = 0, old_interval_ns = 0;
	bool abs = (flags & UAPI_TFD_TIMER_ABSTIME) != 0;
	e = timerfd_set(f, abs, abs && (flags & UAPI_TFD_TIMER_CANCEL_ON_SET), value, interval,
			&old_value_ns, &old_interval_ns);
	if (e)
		return e;
	if (old_value.v) {
		struct uapi_itimerspec old = to_its(old_value_ns, old_interval_ns);
		if (uitimerspec_to_user(&old, old_value))
			return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE2(timerfd_gettime, int, fd, uptr, curr_value)
{
	int e;
	struct file *f = timer_file(p, fd, &e);
	if (!f)
		return e;
	u64 value = 0, interval = 0;
	timerfd_get(f, &value, &interval);
	struct uapi_itimerspec cur = to_its(value, interval);
	return uitimerspec_to_user(&cur, curr_value) ? -EFAULT : 0;
}
