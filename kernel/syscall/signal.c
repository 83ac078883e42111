/*
 * signal.c — the signal system calls: rt_sigaction, rt_sigprocmask, rt_sigpending,
 * rt_sigsuspend, pause, kill, tkill, tgkill and rt_sigreturn (SIGKILL and SIGSTOP can be
 * neither caught nor blocked). Sending and delivery live in proc/signal.c.
 */
#include <fw/time.h>
#include <fw/uaccess.h>
#include <syscall/syscall.h>

#define SIGKILL 9
#define SIGSTOP 19
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))

/* struct kernel_sigaction on x86-64: handler, flags, restorer, mask (8 bytes each). */
DEFINE_UCOPY(usigaction, struct proc_sigaction);
DEFINE_UCOPY(usigset, u64);

i64 sys_rt_sigaction(struct process *p, const struct sc_args *a)
{
	u64 sig = a->a[0];
	if (a->a[3] != 8 || sig < 1 || sig > PROC_NSIG)
		return -EINVAL;
	struct proc_sigaction act;
	if (a->a[1] && usigaction_from_user(&act, uaddr(a->a[1])))
		return -EFAULT;
	if (a->a[1] && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	struct proc_sigaction old = p->sigactions[sig - 1];
	if (a->a[2] && usigaction_to_user(&old, uaddr(a->a[2])))
		return -EFAULT;
	if (a->a[1]) {
		act.mask &= ~UNBLOCKABLE;
		p->sigactions[sig - 1] = act;
		/* Setting SIG_IGN, or SIG_DFL for a signal it ignores, discards a pending one. */
		bool dfl_ignores = sig == 17 || sig == 23 || sig == 28;
		if (act.handler == 1 || (act.handler == 0 && dfl_ignores))
			p->sigpending &= ~(1ull << (sig - 1));
	}
	return 0;
}

i64 sys_rt_sigpending(struct process *p, const struct sc_args *a)
{
	if (a->a[1] > 8)
		return -EINVAL;
	u64 set = p->sigpending & p->sigmask;
	return usigset_to_user(&set, uaddr(a->a[0])) ? -EFAULT : 0;
}

i64 sys_rt_sigsuspend(struct process *p, const struct sc_args *a)
{
	if (a->a[1] != 8)
		return -EINVAL;
	u64 set;
	if (usigset_from_user(&set, uaddr(a->a[0])))
		return -EFAULT;
	if (!p->sigsuspended) {
		p->sigsaved = p->sigmask;
		p->sigsuspended = true;
	}
	p->sigmask = set & ~UNBLOCKABLE;
	if (p->sigpending & ~p->sigmask)
		return -EINTR; /* delivery runs next, with the saved mask in the frame */
	p->state = PROC_BLOCKED;
	return SC_BLOCK; /* woken by a signal: the handler's delivery makes it -EINTR */
}

/* struct timespec as rt_sigtimedwait takes it */
struct usig_timespec {
	i64 sec, nsec;
};
DEFINE_UCOPY(usig_timespec, struct usig_timespec);

i64 sys_rt_sigtimedwait(struct process *p, const struct sc_args *a)
{
	if (a->a[3] != 8)
		return -EINVAL;
	u64 set;
	if (usigset_from_user(&set, uaddr(a->a[0])))
		return -EFAULT;
	set &= ~UNBLOCKABLE;
	struct usig_timespec ts = { -1, 0 };
	if (a->a[2]) {
		if (usig_timespec_from_user(&ts, uaddr(a->a[2])))
			return -EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
			return -EINVAL;
	}
	int sig = proc_signal_take(p, set, uaddr(a->a[1]));
	if (sig) {
		p->sigwaiting = 0;
		p->wait_deadline_ns = 0;
		return sig;
	}
	u64 now = fw_time_ns();
	if (ts.sec >= 0) {
		if (!p->wait_deadline_ns) /* the first run: re-runs keep the deadline */
			p->wait_deadline_ns = now + (u64)ts.sec * 1000000000ull + (u64)ts.nsec + 1;
		if (now >= p->wait_deadline_ns) {
			p->sigwaiting = 0;
			p->wait_deadline_ns = 0;
			return -EAGAIN;
		}
		p->wait_console = true; /* the runner's deadline wake-up (console input re-runs it) */
	}
	p->sigwaiting = set;
	p->state = PROC_BLOCKED;
	return SC_BLOCK;
}

i64 sys_pause(struct process *p, const struct sc_args *a)
{
	(void)a;
	if (p->sigpending & ~p->sigmask)
		return -EINTR;
	p->state = PROC_BLOCKED;
	return SC_BLOCK;
}

i64 sys_kill(struct process *p, const struct sc_args *a)
{
	i64 pid = (i64)(int)a->a[0];
	u64 sig = a->a[1];
	if (sig > PROC_NSIG)
		return -EINVAL;
	if (pid == (i64)(int)0x80000000)
		return -ESRCH; /* INT_MIN: no group -INT_MIN */
	return proc_kill(p, pid, (u32)sig);
}

/* tkill/tgkill - one thread: every process has exactly one, whose tid is the pid. */
static i64 thread_kill(struct process *p, i64 tgid, i64 tid, u64 sig)
{
	if (sig > PROC_NSIG || tid <= 0 || (tgid != -1 && tgid <= 0))
		return -EINVAL;
	struct process *q = proc_by_pid(tid);
	if (!q || q->state == PROC_ZOMBIE || (tgid != -1 && tgid != tid))
		return -ESRCH;
	if (q->fs.cred.uid != p->fs.cred.uid && p->fs.cred.euid && q->fs.cred.uid != p->fs.cred.euid)
		return -EPERM;
	if (sig)
		proc_signal_send(q, (u32)sig, (struct proc_siginfo){ .code = -6 /* SI_TKILL */,
								   .pid = p->pid });
	return 0;
}

i64 sys_tkill(struct process *p, const struct sc_args *a)
{
	return thread_kill(p, -1, (i64)(int)a->a[0], a->a[1]);
}

i64 sys_tgkill(struct process *p, const struct sc_args *a)
{
	return thread_kill(p, (i64)(int)a->a[0], (i64)(int)a->a[1], a->a[2]);
}

i64 sys_rt_sigreturn(struct process *p, const struct sc_args *a)
{
	(void)a;
	return proc_sigreturn(p) ? SC_KEEP : SC_GONE;
}

i64 sys_rt_sigprocmask(struct process *p, const struct sc_args *a)
{
	if (a->a[3] != 8)
		return -EINVAL;
	u64 set = 0, old = p->sigmask;
	if (a->a[1]) {
		if (a->a[0] > SIG_SETMASK)
			return -EINVAL;
		if (usigset_from_user(&set, uaddr(a->a[1])))
			return -EFAULT;
	}
	if (a->a[2] && usigset_to_user(&old, uaddr(a->a[2])))
		return -EFAULT;
	if (a->a[1]) {
		if (a->a[0] == SIG_BLOCK)
			p->sigmask |= set;
		else if (a->a[0] == SIG_UNBLOCK)
			p->sigmask &= ~set;
		else
			p->sigmask = set;
		p->sigmask &= ~UNBLOCKABLE;
	}
	return 0;
}

/* struct itimerval: interval, then value; each a struct timeval (sec, usec). */
struct uitimerval {
	i64 isec, iusec, vsec, vusec;
};
DEFINE_UCOPY(uitimerval, struct uitimerval);

static u64 tv_ns(i64 sec, i64 usec)
{
	return (u64)sec * 1000000000ull + (u64)usec * 1000ull;
}

/* itimer_now - the current ITIMER_REAL as struct itimerval. */
static struct uitimerval itimer_now(const struct process *p)
{
	struct uitimerval v = { 0 };
	u64 now = fw_time_ns();
	u64 left = p->alarm_ns ? (p->alarm_ns > now ? p->alarm_ns - now : 1000) : 0;
	v.isec = (i64)(p->alarm_interval_ns / 1000000000ull);
	v.iusec = (i64)(p->alarm_interval_ns % 1000000000ull / 1000);
	v.vsec = (i64)(left / 1000000000ull);
	v.vusec = (i64)(left % 1000000000ull / 1000);
	if (p->alarm_ns && !v.vsec && !v.vusec)
		v.vusec = 1;
	return v;
}

i64 sys_getitimer(struct process *p, const struct sc_args *a)
{
	if (a->a[0] != 0)
		return -EINVAL; /* ITIMER_VIRTUAL/PROF: not yet */
	struct uitimerval v = itimer_now(p);
	return uitimerval_to_user(&v, uaddr(a->a[1])) ? -EFAULT : 0;
}

i64 sys_setitimer(struct process *p, const struct sc_args *a)
{
	if (a->a[0] != 0)
		return -EINVAL; /* ITIMER_VIRTUAL/PROF: not yet */
	struct uitimerval v = { 0 };
	if (a->a[1] && uitimerval_from_user(&v, uaddr(a->a[1])))
		return -EFAULT;
	if (v.isec < 0 || v.iusec < 0 || v.iusec >= 1000000 || v.vsec < 0 || v.vusec < 0 ||
	    v.vusec >= 1000000)
		return -EINVAL;
	struct uitimerval old = itimer_now(p);
	if (a->a[2] && uitimerval_to_user(&old, uaddr(a->a[2])))
		return -EFAULT;
	u64 val = tv_ns(v.vsec, v.vusec);
	p->alarm_ns = val ? fw_time_ns() + val : 0;
	p->alarm_interval_ns = tv_ns(v.isec, v.iusec);
	return 0;
}

i64 sys_alarm(struct process *p, const struct sc_args *a)
{
	struct uitimerval old = itimer_now(p);
	u32 secs = (u32)a->a[0];
	p->alarm_ns = secs ? fw_time_ns() + (u64)secs * 1000000000ull : 0;
	p->alarm_interval_ns = 0;
	/* the seconds left, rounded to nearest; a pending alarm never reports 0 */
	i64 left = old.vsec + (old.vusec >= 500000);
	return (!left && (old.vsec || old.vusec)) ? 1 : left;
}

/* do_sleep - sleep until `deadline` (first run: now + the request; re-runs keep it) by the
 * runner's deadline wake-up; a signal with a handler ends it with -EINTR (rem is not written). */
static i64 do_sleep(struct process *p, u64 ureq, bool absolute)
{
	struct usig_timespec ts;
	if (usig_timespec_from_user(&ts, uaddr(ureq)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	u64 now = fw_time_ns();
	u64 req = (u64)ts.sec * 1000000000ull + (u64)ts.nsec;
	if (!p->wait_deadline_ns)
		p->wait_deadline_ns = (absolute ? req : now + req) + 1;
	if (now >= p->wait_deadline_ns) {
		p->wait_deadline_ns = 0;
		return 0;
	}
	p->wait_console = true; /* the runner's deadline wake-up (console input re-runs it) */
	p->state = PROC_BLOCKED;
	return SC_BLOCK;
}

i64 sys_nanosleep(struct process *p, const struct sc_args *a)
{
	return do_sleep(p, a->a[0], false);
}

i64 sys_clock_nanosleep(struct process *p, const struct sc_args *a)
{
	if (a->a[0] > 11 || (a->a[1] & ~1ull))
		return -EINVAL;
	return do_sleep(p, a->a[2], a->a[1] & 1 /* TIMER_ABSTIME */);
}
