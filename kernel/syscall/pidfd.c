/*
 * syscall/pidfd.c — pidfd_open and pidfd_send_signal over the pidfd files of proc/pidfd.c
 * (poll and epoll go through the file). Errors in Linux 6.1's order. CLONE_PIDFD is in
 * syscall/proc.c (clone), waitid(P_PIDFD) in proc/wait.c; pidfd_getfd waits for branch proc.
 */
#include <proc/pidfd.h>
#include <syscall/syscall.h>
#include <uapi/events.h>

/* pidfd_open(pid, flags): a close-on-exec pidfd for the thread group `pid` leads. */
i64 sys_pidfd_open(struct process *p, const struct sc_args *a)
{
	i64 pid = (i64)(int)a->a[0];
	u32 flags = (u32)a->a[1];
	if (a->a[1] & ~(u64)UAPI_PIDFD_NONBLOCK || pid <= 0)
		return -EINVAL;
	struct process *q = proc_by_pid(pid);
	if (!q)
		return -ESRCH;
	struct file_result f = { .err = -EINVAL }; /* a thread that does not lead its group */
	if (q->leader == q)
		f = pidfd_new(q, flags);
	proc_put(q);
	if (f.err)
		return f.err;
	struct result_i64 r = proc_fd_install(p, f.value, 0, true);
	if (r.err)
		vfs_close(f.value);
	return r.err ? r.err : r.value;
}

/* pidfd_of - the leader pidfd `fd` names: EBADF for no file or another kind. */
static struct process *pidfd_of(struct process *p, u64 fd)
{
	struct file *f = proc_fd_get(p, (i64)(int)fd);
	return f && vfs_file_is_pidfd(f) ? pidfd_process(f) : NULL;
}

/* reaped - g is off the process list: its pid names nothing any more (ESRCH). */
static bool reaped(struct process *g)
{
	spin_lock(&proc_lock);
	bool gone = !g->listed;
	spin_unlock(&proc_lock);
	return gone;
}

/* pidfd_send_signal(pidfd, sig, info, flags): kill(2) aimed by a pidfd (info: not yet). */
i64 sys_pidfd_send_signal(struct process *p, const struct sc_args *a)
{
	u64 sig = a->a[1];
	if (a->a[3])
		return -EINVAL;
	struct process *g = pidfd_of(p, a->a[0]);
	if (!g)
		return -EBADF;
	if (a->a[2])
		return -EINVAL; /* a caller's siginfo needs the queued signals (branch sig) */
	if (reaped(g))
		return -ESRCH;
	if (sig > PROC_NSIG)
		return -EINVAL;
	/* pids are never reused, so the pid still names g */
	return proc_kill(p, g->pid, (u32)sig);
}
