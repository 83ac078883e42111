/*
 * wait.c — waiting for children: wait4 and waitid (Linux's do_wait). Both look at the
 * children of the caller's thread group that a selector names (a pid, a process group, or
 * any), for an exit (a zombie: reaped once reported, unless WNOWAIT), a stop (WUNTRACED /
 * WSTOPPED) or a continue (WCONTINUED) not reported yet, and sleep on the group leader's
 * child_wq until one comes (WNOHANG: never), the last matching child is gone (ECHILD) or a
 * signal interrupts (-ERESTARTSYS). wait4 returns the pid and a status word; waitid fills a
 * siginfo_t (SIGCHLD, CLD_EXITED/KILLED/DUMPED/STOPPED/CONTINUED, si_pid, si_uid,
 * si_status); waitid's P_PIDFD waits for the child a pidfd names (proc/pidfd.h: its
 * PIDFD_NONBLOCK means WNOHANG). Both write the reported child's resource usage when asked (rusage), as
 * getrusage counts it; a reaped child's usage joins the caller's children totals.
 */
#include <fw/uaccess.h>
#include <proc/pidfd.h>
#include <proc/usage.h>
#include <proc/wait.h>
#include <syscall/define.h>
#include <uapi/events.h>

#define W_ANY_CLONE (UAPI_WNOTHREAD | UAPI_WALL | UAPI_WCLONE)

DEFINE_UCOPY(ustatus, u32);

/* waitid's siginfo_t: the head (signo, errno, code) and, at offset 16, what follows. */
struct uwait_head {
	i32 signo, errnum, code;
};
struct uwait_body {
	i32 pid;
	u32 uid;
	i32 status;
};
DEFINE_UCOPY(uwait_head, struct uwait_head);
DEFINE_UCOPY(uwait_body, struct uwait_body);

/* wait_kind - which children the options make eligible (Linux's eligible_child): __WALL all,
 * __WCLONE those whose exit signal is not SIGCHLD, neither those whose is. */
static enum proc_wait_kind wait_kind(u64 options)
{
	if (options & UAPI_WALL)
		return PROC_WAIT_ALL_CHILDREN;
	return (options & UAPI_WCLONE) ? PROC_WAIT_CLONE_CHILDREN : PROC_WAIT_SIGCHLD_CHILDREN;
}

/* A child event a wait can report. */
struct wait_event {
	struct thread *child; /* with a reference; NULL: nothing to report */
	u32 status;            /* the wait status word */
	bool zombie;           /* an exit (reaped once reported, unless WNOWAIT) */
	bool has_child;        /* the caller has a child the selector names at all */
	struct proc_usage usage; /* the child's, with its reaped children's (do_wait fills it) */
};

/* wait_find - an exited child `sel` names (WEXITED), else a stop or continue the options
 * ask for. */
static struct wait_event wait_find(struct thread *g, struct proc_wait_sel sel, u32 options)
{
	struct wait_event ev = { 0 };
	struct thread *z = proc_find_child(g, sel, &ev.has_child);
	if (z && (options & UAPI_WEXITED)) {
		spin_lock(&proc_lock);
		ev.status = (u32)z->wait_status;
		spin_unlock(&proc_lock);
		ev.child = z;
		ev.zombie = true;
		return ev;
	}
	if (z)
		proc_put(z);
	ev.child = proc_find_stop_event(g, sel, options & UAPI_WSTOPPED, options & UAPI_WCONTINUED,
					options & UAPI_WNOWAIT, &ev.status);
	return ev;
}

/* wait_ready - the condition a wait sleeps for (something to report, or no child at all). */
static bool wait_ready(struct thread *g, struct proc_wait_sel sel, u32 options,
		       struct wait_event *ev)
{
	if (ev->child)
		return true;
	*ev = wait_find(g, sel, options);
	return ev->child || !ev->has_child;
}

/* do_wait - the event to report in *ev (with a reference to put), or 0 with ev->child NULL
 * (WNOHANG, nothing yet), -ECHILD or -ERESTARTSYS. A reported zombie is reaped unless
 * WNOWAIT. */
static int do_wait(struct thread *p, struct proc_wait_sel sel, u32 options, struct wait_event *ev)
{
	struct thread *g = p->leader; /* the group's children, whichever thread forked them */
	*ev = wait_find(g, sel, options);
	if (!ev->child && !ev->has_child)
		return -ECHILD;
	if (!ev->child) {
		if (options & UAPI_WNOHANG)
			return 0;
		int e = PROC_WAIT(p, &g->child_wq, wait_ready(g, sel, options, ev), 0);
		if (!ev->child)
			return ev->has_child ? e : -ECHILD;
	}
	ev->usage = proc_usage_total(ev->child);
	if (ev->zombie && !(options & UAPI_WNOWAIT)) {
		proc_acct_reaped(g, ev->child);
		proc_reap(ev->child);
	}
	return 0;
}

SYSCALL_DEFINE4(wait4, int, pid, uptr, stat_addr, uint, options, ulong, ru)
{
	if (options & ~(u32)(UAPI_WNOHANG | UAPI_WUNTRACED | UAPI_WCONTINUED | W_ANY_CLONE))
		return -EINVAL;
	if (pid == (i32)0x80000000)
		return -ESRCH; /* INT_MIN: no group -INT_MIN (as Linux) */
	struct proc_wait_sel sel = { .by = PROC_WAIT_ANY };
	if (pid > 0)
		sel = (struct proc_wait_sel){ .by = PROC_WAIT_PID, .id = (u32)pid };
	else if (pid == 0)
		sel = (struct proc_wait_sel){ .by = PROC_WAIT_PGID, .id = proc_pgid(p->leader) };
	else if (pid < -1)
		sel = (struct proc_wait_sel){ .by = PROC_WAIT_PGID, .id = (u32)-pid };
	sel.kind = wait_kind(options);
	struct wait_event ev;
	int e = do_wait(p, sel, options | UAPI_WEXITED, &ev);
	if (e || !ev.child)
		return e;
	i64 cpid = ev.child->pid;
	proc_put(ev.child);
	/* as Linux: the child is reaped even when the status cannot be written */
	if (stat_addr.v && ustatus_to_user(&ev.status, stat_addr))
		return -EFAULT;
	if (ru && rusage_to_user(ev.usage, ru))
		return -EFAULT;
	return cpid;
}

/* child_info - what waitid says of an event with wait status `st`. */
static struct uwait_body child_info(u32 st, i32 *code)
{
	struct uwait_body b = { 0 };
	if ((st & 0xffff) == 0xffff) {
		*code = UAPI_CLD_CONTINUED;
		b.status = (i32)UAPI_SIGCONT;
	} else if ((st & 0xff) == 0x7f) {
		*code = UAPI_CLD_STOPPED;
		b.status = (i32)((st >> 8) & 0xff);
	} else if (st & 0x7f) {
		*code = (st & 0x80) ? UAPI_CLD_DUMPED : UAPI_CLD_KILLED;
		b.status = (i32)(st & 0x7f);
	} else {
		*code = UAPI_CLD_EXITED;
		b.status = (i32)((st >> 8) & 0xff);
	}
	return b;
}

SYSCALL_DEFINE5(waitid, int, which, int, id, ulong, info, uint, options, ulong, ru)
{
	u32 known = UAPI_WNOHANG | UAPI_WNOWAIT | UAPI_WEXITED | UAPI_WSTOPPED | UAPI_WCONTINUED |
		    W_ANY_CLONE;
	if ((options & ~known) ||
	    !(options & (UAPI_WEXITED | UAPI_WSTOPPED | UAPI_WCONTINUED)))
		return -EINVAL;
	struct proc_wait_sel sel = { .by = PROC_WAIT_ANY };
	bool pidfd_nonblock = false;
	switch (which) {
	case UAPI_P_ALL:
		break;
	case UAPI_P_PID:
		if (id <= 0)
			return -EINVAL;
		sel = (struct proc_wait_sel){ .by = PROC_WAIT_PID, .id = (u32)id };
		break;
	case UAPI_P_PGID:
		if (id < 0)
			return -EINVAL;
		sel = (struct proc_wait_sel){ .by = PROC_WAIT_PGID,
					      .id = id ? (u32)id : proc_pgid(p->leader) };
		break;
	case UAPI_P_PIDFD: {
		if (id < 0)
			return -EINVAL;
		struct file *f = proc_fd_get(p, id);
		if (!f || !vfs_file_is_pidfd(f))
			return -EBADF;
		sel = (struct proc_wait_sel){ .by = PROC_WAIT_PID, .id = pidfd_process(f)->pid };
		/* a PIDFD_NONBLOCK pidfd never waits: EAGAIN, unless the caller said WNOHANG */
		pidfd_nonblock = (f->flags & UAPI_PIDFD_NONBLOCK) && !(options & UAPI_WNOHANG);
		if (pidfd_nonblock)
			options |= UAPI_WNOHANG;
		break;
	}
	default:
		return -EINVAL;
	}
	sel.kind = wait_kind(options);
	struct wait_event ev;
	int e = do_wait(p, sel, options, &ev);
	if (e)
		return e;
	if (!ev.child && pidfd_nonblock)
		return -EAGAIN; /* as Linux's kernel_waitid */
	struct uwait_head head = { 0 };
	struct uwait_body body = { 0 };
	bool reported = ev.child != NULL;
	if (ev.child) {
		head.signo = (i32)UAPI_SIGCHLD;
		body = child_info(ev.status, &head.code);
		body.pid = (i32)ev.child->pid;
		body.uid = ev.child->fs.cred.uid;
		proc_put(ev.child);
	}
	/* WNOHANG with nothing to report: zeros, as Linux writes */
	if (info && (uwait_head_to_user(&head, uaddr(info)) ||
		     uwait_body_to_user(&body, uaddr(info + 16))))
		return -EFAULT;
	if (reported && ru && rusage_to_user(ev.usage, ru))
		return -EFAULT;
	return 0;
}
