/*
 * syscall/pidfd.c — pidfd_open, pidfd_send_signal and pidfd_getfd over the pidfd files of
 * proc/pidfd.c (poll and epoll go through the file). Errors in Linux 6.1's order. CLONE_PIDFD
 * is in syscall/proc.c (clone), waitid(P_PIDFD) in proc/wait.c.
 */
#include <fw/uaccess.h>
#include <proc/pidfd.h>
#include <syscall/define.h>
#include <uapi/events.h>
#include <uapi/signal.h>

DEFINE_UCOPY(upidfd_siginfo, struct uapi_siginfo);

/* pidfd_open(pid, flags): a close-on-exec pidfd for the thread group `pid` leads. */
SYSCALL_DEFINE2(pidfd_open, int, pid, uint, flags)
{
	if (flags & ~UAPI_PIDFD_NONBLOCK || pid <= 0)
		return -EINVAL;
	struct thread *q = proc_by_pid(pid);
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
static struct thread *pidfd_of(struct thread *p, int fd)
{
	struct file *f = proc_fd_get(p, fd);
	return f && vfs_file_is_pidfd(f) ? pidfd_process(f) : NULL;
}

/* reaped - g is off the process list: its pid names nothing any more (ESRCH). */
static bool reaped(struct thread *g)
{
	spin_lock(&proc_lock);
	bool gone = !g->listed;
	spin_unlock(&proc_lock);
	return gone;
}

/* exited - g's whole group has exited (a zombie, or reaped). */
static bool exited(struct thread *g)
{
	spin_lock(&proc_lock);
	bool gone = !g->listed || g->state == PROC_ZOMBIE;
	spin_unlock(&proc_lock);
	return gone;
}

/* pidfd_send_signal(pidfd, sig, info, flags): kill(2) aimed by a pidfd, or, with `info`,
 * rt_sigqueueinfo(2): the caller's siginfo (si_signo must be sig; one claiming to come from
 * kill, tkill or the kernel may only go to the caller's own process, named from its leader
 * thread, as Linux compares the pidfd's pid with the caller's). A zombie takes the signal
 * and ignores it, as Linux. */
SYSCALL_DEFINE4(pidfd_send_signal, int, pidfd, int, sig, uptr, info, uint, flags)
{
	if (flags)
		return -EINVAL;
	struct thread *g = pidfd_of(p, pidfd);
	if (!g)
		return -EBADF;
	struct proc_siginfo si = { .code = UAPI_SI_USER, .pid = p->leader->pid,
				   .uid = p->fs.cred.uid };
	if (info.v) {
		struct uapi_siginfo u;
		if (upidfd_siginfo_from_user(&u, info))
			return -EFAULT;
		if (u.si_signo != sig)
			return -EINVAL;
		if (p->pid != g->pid && (u.si_code >= 0 || u.si_code == UAPI_SI_TKILL))
			return -EPERM;
		si = proc_siginfo_from_uapi((u32)sig, &u);
	}
	if (reaped(g))
		return -ESRCH; /* pids are never reused: a listed g is the one the pid names */
	if (sig < 0 || (u32)sig > PROC_NSIG)
		return -EINVAL;
	if (!proc_may_signal(p, g))
		return -EPERM;
	return sig ? proc_group_signal(g, (u32)sig, si) : 0;
}

/* pidfd_getfd(pidfd, targetfd, flags): a copy of the target process's descriptor `targetfd`
 * in the caller's table (close-on-exec; the same open file, as dup). Linux 6.1's order: flags
 * (EINVAL), the pidfd (EBADF), the target exited (ESRCH: a zombie too), ptrace attach
 * access with the caller's real ids (EPERM: proc_may_ptrace_attach), the target's descriptor
 * (EBADF; also when only its leader thread has exited: the leader's table is gone), the
 * caller's table (EMFILE). */
SYSCALL_DEFINE3(pidfd_getfd, int, pidfd, int, targetfd, uint, flags)
{
	if (flags)
		return -EINVAL;
	struct thread *g = pidfd_of(p, pidfd);
	if (!g)
		return -EBADF;
	if (exited(g))
		return -ESRCH;
	if (!proc_may_ptrace_attach(p, g))
		return -EPERM;
	bool cloexec_there;
	struct file *f = targetfd < 0 ? NULL : proc_fd_peek_get(g, targetfd, &cloexec_there);
	if (!f)
		return -EBADF;
	struct result_i64 r = proc_fd_install(p, f, 0, true);
	if (r.err)
		vfs_close(f);
	return r.err ? r.err : r.value;
}
