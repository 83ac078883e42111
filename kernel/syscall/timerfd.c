/*
 * syscall/timerfd.c — timerfd_create, timerfd_settime and timerfd_gettime over the timer files
 * of time/timerfd.c (reads and poll go through the file like any other).
 */
#include <fw/uaccess.h>
#include <syscall/syscall.h>
#include <time/timerfd.h>
#include <uapi/time.h>
#include <uapi/timerfd.h>

#define TFD_MAX_SEC 100000000ll /* longer times are kept as about three years */

DEFINE_UCOPY(uitimerspec, struct uapi_itimerspec);

i64 sys_timerfd_create(struct process *p, const struct sc_args *a)
{
	u32 flags = (u32)a->a[1];
	if ((int)a->a[1] & ~(int)(UAPI_TFD_CLOEXEC | UAPI_TFD_NONBLOCK))
		return -EINVAL;
	struct file *f = NULL;
	int e = timerfd_new((i64)(int)a->a[0], flags & UAPI_TFD_NONBLOCK, p->fs.cred.euid,
			    p->fs.cred.egid, &f);
	if (e)
		return e;
	struct result_i64 r = proc_fd_install(p, f, 0, (flags & UAPI_TFD_CLOEXEC) != 0);
	if (r.err) {
		vfs_close(f);
		return r.err;
	}
	return r.value;
}

/* ts_ns - a validated timespec in nanoseconds (clamped to TFD_MAX_SEC); false if invalid. */
static bool ts_ns(i64 sec, i64 nsec, u64 *out)
{
	if (sec < 0 || nsec < 0 || nsec >= UAPI_NSEC_PER_SEC)
		return false;
	if (sec > TFD_MAX_SEC)
		sec = TFD_MAX_SEC;
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

static struct file *timer_file(struct process *p, u64 fd, int *err)
{
	struct file *f = proc_fd_get(p, (i64)(int)fd);
	*err = !f ? -EBADF : !vfs_file_is_timerfd(f) ? -EINVAL : 0;
	return *err ? NULL : f;
}

/* timerfd_settime(fd, flags, new, old): TFD_TIMER_ABSTIME; TFD_TIMER_CANCEL_ON_SET is
 * refused where it would act (an absolute CLOCK_REALTIME timer), as nothing cancels yet. */
i64 sys_timerfd_settime(struct process *p, const struct sc_args *a)
{
	u32 flags = (u32)a->a[1];
	struct uapi_itimerspec its;
	if (uitimerspec_from_user(&its, uaddr(a->a[2])))
		return -EFAULT;
	u64 value = 0, interval = 0;
	if ((flags & ~(UAPI_TFD_TIMER_ABSTIME | UAPI_TFD_TIMER_CANCEL_ON_SET)) ||
	    !ts_ns(its.value_sec, its.value_nsec, &value) ||
	    !ts_ns(its.interval_sec, its.interval_nsec, &interval))
		return -EINVAL;
	int e;
	struct file *f = timer_file(p, a->a[0], &e);
	if (!f)
		return e;
	u64 old_value = 0, old_interval = 0;
	bool abs = (flags & UAPI_TFD_TIMER_ABSTIME) != 0;
	e = timerfd_set(f, abs, abs && (flags & UAPI_TFD_TIMER_CANCEL_ON_SET), value, interval,
			&old_value, &old_interval);
	if (e)
		return e;
	if (a->a[3]) {
		struct uapi_itimerspec old = to_its(old_value, old_interval);
		if (uitimerspec_to_user(&old, uaddr(a->a[3])))
			return -EFAULT;
	}
	return 0;
}

i64 sys_timerfd_gettime(struct process *p, const struct sc_args *a)
{
	int e;
	struct file *f = timer_file(p, a->a[0], &e);
	if (!f)
		return e;
	u64 value = 0, interval = 0;
	timerfd_get(f, &value, &interval);
	struct uapi_itimerspec cur = to_its(value, interval);
	return uitimerspec_to_user(&cur, uaddr(a->a[1])) ? -EFAULT : 0;
}
