/*
 * syscall/epoll.c — epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait and
 * epoll_pwait2 over the epoll instances of fs/vfs/epoll.c (docs/poll.md). A wait collects the
 * ready events; when there are none it sleeps on the instance's queue until one is ready, the
 * timeout passes (0 events) or a signal comes (-EINTR: epoll waits are never restarted, as
 * Linux). epoll_pwait/epoll_pwait2 install their signal mask as ppoll does.
 */
#include <fw/time.h>
#include <fw/uaccess.h>
#include <proc/wait.h>
#include <syscall/define.h>
#include <uapi/epoll.h>
#include <uapi/misc.h>

#define EP_NSEC 1000000000ull
#define EP_MAX_WAIT_SEC 100000000ll /* longer timeouts wait forever (over three years) */

DEFINE_UCOPY(uepoll_event, struct uapi_epoll_event);
DEFINE_UCOPY(uep_timespec, struct uapi_timespec);
DEFINE_UCOPY(uep_sigset, u64);

/* ep_create - a new instance on the lowest free descriptor. */
static i64 ep_create(struct thread *p, bool cloexec)
{
	struct file *f = NULL;
	int e = vfs_epoll_create(0, p->fs.cred.euid, p->fs.cred.egid, &f);
	if (e)
		return e;
	struct result_i64 r = proc_fd_install(p, f, 0, cloexec);
	if (r.err) {
		vfs_close(f);
		return r.err;
	}
	return r.value;
}

/* epoll_create(size): size is a hint, but must be positive. */
SYSCALL_DEFINE1(epoll_create, int, size)
{
	if (size <= 0)
		return -EINVAL;
	return ep_create(p, false);
}

/* epoll_create1(flags): EPOLL_CLOEXEC or nothing. */
SYSCALL_DEFINE1(epoll_create1, int, flags)
{
	if (flags & ~(int)UAPI_EPOLL_CLOEXEC)
		return -EINVAL;
	return ep_create(p, ((u32)flags & UAPI_EPOLL_CLOEXEC) != 0);
}

/* epoll_ctl(epfd, op, fd, event): the event is read for ADD and MOD (DEL may pass NULL). */
SYSCALL_DEFINE4(epoll_ctl, int, epfd, int, op, int, fd, uptr, event)
{
	struct vfs_epoll_event ev = { 0 };
	if (op != UAPI_EPOLL_CTL_DEL) {
		struct uapi_epoll_event u;
		if (uepoll_event_from_user(&u, event))
			return -EFAULT;
		ev.events = u.events;
		ev.data = (u64)u.data_hi << 32 | u.data_lo;
	}
	struct file *epf = proc_fd_get(p, epfd);
	struct file *tf = proc_fd_get(p, fd);
	if (!epf || !tf)
		return -EBADF;
	vfs_file_get(epf); /* both stay open while we work, whatever another thread closes */
	vfs_file_get(tf);
	int e = vfs_epoll_ctl(epf, op, tf, (i32)fd, &ev);
	vfs_close(tf);
	vfs_close(epf);
	return e;
}

/* ep_wait - the common wait: deadline absolute (fw_time_ns; 0: none), nowait for a zero
 * timeout; an optional temporary signal mask. */
static i64 ep_wait(struct thread *p, i64 epfd, u64 uevents, i64 maxevents, bool nowait,
		   u64 deadline, bool masked, u64 mask)
{
	if (maxevents <= 0 || maxevents > (i64)UAPI_EP_MAX_EVENTS)
		return -EINVAL;
	struct file *epf = proc_fd_get(p, epfd);
	if (!epf)
		return -EBADF;
	if (!vfs_file_is_epoll(epf))
		return -EINVAL;
	/* epf stays open until the call returns: proc_fd_get holds it for the call */
	if (masked)
		poll_mask_install(p, mask);
	i64 ret;
	for (;;) {
		ret = vfs_epoll_collect(epf, uevents, (u32)maxevents);
		if (ret || nowait)
			break;
		int e = PROC_WAIT(p, vfs_epoll_waitq(epf), vfs_epoll_has_ready(epf), deadline);
		if (e == -ERESTARTSYS) {
			ret = -EINTR; /* never restarted (signal(7)) */
			break;
		}
		if (e == -ETIMEDOUT)
			break; /* ret is 0 */
	}
	if (masked)
		poll_mask_restore(p, ret == -EINTR);
	return ret;
}

/* ep_ms_deadline - epoll_wait's timeout in ms: negative waits forever, 0 does not wait. */
static u64 ep_ms_deadline(int ms, bool *nowait)
{
	*nowait = ms == 0;
	return ms > 0 ? fw_time_ns() + (u64)ms * FW_NSEC_PER_MSEC : 0;
}

/* ep_sigmask - epoll_pwait's mask argument: 0, -EINVAL (size) or -EFAULT; *masked when set. */
static int ep_sigmask(u64 uset, u64 size, bool *masked, u64 *mask)
{
	*masked = false;
	if (!uset)
		return 0;
	if (size != 8)
		return -EINVAL;
	if (uep_sigset_from_user(mask, uaddr(uset)))
		return -EFAULT;
	*masked = true;
	return 0;
}

SYSCALL_DEFINE4(epoll_wait, int, epfd, ulong, events, int, maxevents, int, timeout)
{
	bool nowait;
	u64 deadline = ep_ms_deadline(timeout, &nowait);
	return ep_wait(p, epfd, events, maxevents, nowait, deadline, false, 0);
}

SYSCALL_DEFINE6(epoll_pwait, int, epfd, ulong, events, int, maxevents, int, timeout, ulong,
		sigmask, size, sigsetsize)
{
	bool masked, nowait;
	u64 mask = 0;
	int e = ep_sigmask(sigmask, sigsetsize, &masked, &mask);
	if (e)
		return e;
	u64 deadline = ep_ms_deadline(timeout, &nowait);
	return ep_wait(p, epfd, events, maxevents, nowait, deadline, masked, mask);
}

/* epoll_pwait2: the timeout is a struct timespec (NULL: forever). */
SYSCALL_DEFINE6(epoll_pwait2, int, epfd, ulong, events, int, maxevents, uptr, timeout, ulong,
		sigmask, size, sigsetsize)
{
	bool masked, nowait = false;
	u64 mask = 0, deadline = 0;
	if (timeout.v) {
		struct uapi_timespec ts;
		if (uep_timespec_from_user(&ts, timeout))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (i64)EP_NSEC)
			return -EINVAL;
		nowait = ts.tv_sec == 0 && ts.tv_nsec == 0;
		if (ts.tv_sec < EP_MAX_WAIT_SEC)
			deadline = fw_time_ns() + (u64)ts.tv_sec * EP_NSEC + (u64)ts.tv_nsec;
	}
	int e = ep_sigmask(sigmask, sigsetsize, &masked, &mask);
	if (e)
		return e;
	return ep_wait(p, epfd, events, maxevents, nowait, deadline, masked, mask);
}
