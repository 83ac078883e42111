/*
 * signal.c — the signal system calls: rt_sigaction, rt_sigprocmask, rt_sigpending,
 * rt_sigsuspend, pause, rt_sigtimedwait, kill, tkill, tgkill, rt_sigqueueinfo,
 * rt_tgsigqueueinfo, sigaltstack and rt_sigreturn (SIGKILL and SIGSTOP can be neither caught
 * nor blocked); the interval timer and the sleeps. Sending, queueing and delivery live in
 * proc/signal.c and proc/sigqueue.c.
 */
#include <fw/time.h>
#include <fw/uaccess.h>
#include <proc/wait.h>
#include <syscall/define.h>

#define SIGKILL UAPI_SIGKILL
#define SIGSTOP UAPI_SIGSTOP
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))

/* struct kernel_sigaction on x86-64: handler, flags, restorer, mask (8 bytes each). */
DEFINE_UCOPY(usigaction, struct proc_sigaction);
DEFINE_UCOPY(usigset, u64);
DEFINE_UCOPY(ustack, struct uapi_stack);
DEFINE_UCOPY(usiginfo_in, struct uapi_siginfo);

SYSCALL_DEFINE4(rt_sigaction, int, sig, ulong, uact, ulong, uoact, size, sigsetsize)
{
	if (sigsetsize != 8 || sig < 1 || (u32)sig > PROC_NSIG)
		return -EINVAL;
	struct proc_sigaction act, old;
	if (uact && usigaction_from_user(&act, uaddr(uact)))
		return -EFAULT;
	if (uact && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (uact) {
		act.mask &= ~UNBLOCKABLE;
		/* one table for the whole thread group (proc/signal.h): O(1) */
		proc_sigaction_set(p, (u32)sig, act, &old);
	} else {
		old = proc_sigaction_get(p, (u32)sig);
	}
	if (uoact && usigaction_to_user(&old, uaddr(uoact)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(rt_sigpending, uptr, uset, size, sigsetsize)
{
	if (sigsetsize > 8)
		return -EINVAL;
	spin_lock(&p->sig_lock);
	u64 set = p->pending.set & p->sigmask;
	spin_unlock(&p->sig_lock);
	return usigset_to_user(&set, uset) ? -EFAULT : 0;
}

/* signal_ready - an unblocked signal is pending (what pause and rt_sigsuspend wait for). */
static bool signal_ready(struct process *p)
{
	spin_lock(&p->sig_lock);
	bool ready = (p->pending.set & ~p->sigmask) != 0;
	spin_unlock(&p->sig_lock);
	return ready;
}

SYSCALL_DEFINE2(rt_sigsuspend, uptr, uset, size, sigsetsize)
{
	if (sigsetsize != 8)
		return -EINVAL;
	u64 set;
	if (usigset_from_user(&set, uset))
		return -EFAULT;
	spin_lock(&p->sig_lock);
	if (!p->sigsuspended) {
		p->sigsaved = p->sigmask;
		proc_sigsuspended_set_locked(p, true);
	}
	p->sigmask = set & ~UNBLOCKABLE;
	spin_unlock(&p->sig_lock);
	/* Only a signal ends it; delivery restores the saved mask (in the handler's frame). */
	(void)PROC_WAIT(p, &p->sig_wq, signal_ready(p), 0);
	return -ERESTARTNOHAND;
}

/* struct timespec as rt_sigtimedwait takes it */
struct usig_timespec {
	i64 sec, nsec;
};
DEFINE_UCOPY(usig_timespec, struct usig_timespec);

/* sig_in_set - a signal of `set` is pending (what rt_sigtimedwait waits for). */
static bool sig_in_set(struct process *p, u64 set)
{
	spin_lock(&p->sig_lock);
	bool ready = (p->pending.set & set) != 0;
	spin_unlock(&p->sig_lock);
	return ready;
}

/* take_signal - dequeue the lowest pending signal of `set`, its siginfo_t to `info` (0: not
 * written): the signal, 0 when none is pending, or -EFAULT (the signal is gone, as Linux). */
static i64 take_signal(struct process *p, u64 set, u64 info)
{
	struct proc_siginfo si;
	u32 sig = proc_signal_dequeue(p, set, &si);
	if (sig && info && proc_siginfo_to_user(sig, &si, uaddr(info)))
		return -EFAULT;
	return sig;
}

SYSCALL_DEFINE4(rt_sigtimedwait, uptr, uset, ulong, uinfo, ulong, uts, size, sigsetsize)
{
	if (sigsetsize != 8)
		return -EINVAL;
	u64 set;
	if (usigset_from_user(&set, uset))
		return -EFAULT;
	set &= ~UNBLOCKABLE;
	struct usig_timespec ts = { -1, 0 };
	if (uts) {
		if (usig_timespec_from_user(&ts, uaddr(uts)))
			return -EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
			return -EINVAL;
	}
	i64 sig = take_signal(p, set, uinfo);
	if (sig)
		return sig;
	if (ts.sec == 0 && ts.nsec == 0)
		return -EAGAIN;
	u64 sec = (u64)ts.sec < (1ull << 32) ? (u64)ts.sec : (1ull << 32);
	u64 deadline = ts.sec >= 0 ? fw_time_ns() + sec * 1000000000ull + (u64)ts.nsec : 0;
	spin_lock(&p->sig_lock);
	p->sigwaiting = set; /* these wake p although blocked */
	spin_unlock(&p->sig_lock);
	int e = PROC_WAIT(p, &p->sig_wq, sig_in_set(p, set), deadline);
	spin_lock(&p->sig_lock);
	p->sigwaiting = 0;
	spin_unlock(&p->sig_lock);
	sig = take_signal(p, set, uinfo);
	if (sig)
		return sig;
	return e == -ETIMEDOUT ? -EAGAIN : -EINTR;
}

SYSCALL_DEFINE0(pause)
{
	(void)PROC_WAIT(p, &p->sig_wq, signal_ready(p), 0);
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	if ((u32)sig > PROC_NSIG) /* negative too, as Linux's unsigned valid_signal */
		return -EINVAL;
	if (pid == (int)0x80000000)
		return -ESRCH; /* INT_MIN: no group -INT_MIN */
	return proc_kill(p, pid, (u32)sig);
}

/* send_to_thread - a thread-directed signal with `info` to thread `tid` (of group `tgid`,
 * -1: any): 0, -ESRCH, -EPERM, -EINVAL or -EAGAIN (a full real-time queue). */
static i64 send_to_thread(struct process *p, i64 tgid, i64 tid, u64 sig,
			  struct proc_siginfo info)
{
	if (sig > PROC_NSIG || tid <= 0 || (tgid != -1 && tgid <= 0))
		return -EINVAL;
	struct process *q = proc_by_pid(tid);
	if (!q)
		return -ESRCH;
	spin_lock(&proc_lock);
	bool zombie = q->state == PROC_ZOMBIE;
	spin_unlock(&proc_lock);
	i64 e = 0;
	if (zombie || (tgid != -1 && tgid != (i64)q->leader->pid))
		e = -ESRCH;
	else if (!proc_may_signal(p, q))
		e = -EPERM;
	else if (sig)
		e = proc_signal_send(q, (u32)sig, info);
	proc_put(q);
	return e;
}

/* tkill/tgkill - one thread, by tid (tgkill: of the thread group tgid). */
static i64 thread_kill(struct process *p, i64 tgid, i64 tid, u64 sig)
{
	return send_to_thread(p, tgid, tid, sig, (struct proc_siginfo){
		.code = UAPI_SI_TKILL, .pid = p->leader->pid, .uid = p->fs.cred.uid });
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
	return thread_kill(p, -1, tid, (u32)sig);
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	return thread_kill(p, tgid, tid, (u32)sig);
}

/* queued_info - rt_sigqueueinfo's siginfo from user memory (si_signo becomes sig); -EFAULT,
 * or -EPERM when it claims to come from kill/tkill or the kernel (si_code >= 0 or SI_TKILL)
 * and is sent to anyone but the caller itself (`to`: the pid or tid named; Linux compares it
 * with the caller's tid). */
static int queued_info(struct process *p, u64 sig, u64 uinfo, i64 to, struct proc_siginfo *si)
{
	struct uapi_siginfo u;
	if (usiginfo_in_from_user(&u, uaddr(uinfo)))
		return -EFAULT;
	if ((u.si_code >= 0 || u.si_code == UAPI_SI_TKILL) && to != (i64)p->pid)
		return -EPERM;
	*si = proc_siginfo_from_uapi((u32)sig, &u);
	return 0;
}

SYSCALL_DEFINE3(rt_sigqueueinfo, int, pid, int, signo, ulong, uinfo)
{
	u64 sig = (u32)signo; /* negative: over PROC_NSIG, EINVAL */
	struct proc_siginfo si;
	int e = queued_info(p, sig, uinfo, pid, &si);
	if (e)
		return e;
	if (pid <= 0)
		return -ESRCH; /* POSIX.1b names no process groups */
	struct process *q = proc_by_pid(pid);
	if (!q)
		return -ESRCH;
	spin_lock(&proc_lock);
	bool zombie = q->state == PROC_ZOMBIE;
	spin_unlock(&proc_lock);
	if (zombie)
		e = -ESRCH;
	else if (sig > PROC_NSIG)
		e = -EINVAL;
	else if (!proc_may_signal(p, q))
		e = -EPERM;
	else if (sig)
		e = proc_group_signal(q->leader, (u32)sig, si); /* process-directed */
	proc_put(q);
	return e;
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, int, tgid, int, tid, int, signo, ulong, uinfo)
{
	u64 sig = (u32)signo;
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	struct proc_siginfo si;
	int e = queued_info(p, sig, uinfo, tid, &si);
	if (e)
		return e;
	return send_to_thread(p, tgid, tid, sig, si);
}

SYSCALL_DEFINE2(sigaltstack, ulong, uss, ulong, uoss)
{
	struct uapi_stack ss, old;
	if (uss && ustack_from_user(&ss, uaddr(uss)))
		return -EFAULT;
	int e = proc_sigaltstack(p, uss ? &ss : NULL, uoss ? &old : NULL,
				 user_ctx_sp(&p->uc), UAPI_MINSIGSTKSZ);
	if (!e && uoss && ustack_to_user(&old, uaddr(uoss)))
		e = -EFAULT;
	return e;
}

SYSCALL_DEFINE0(rt_sigreturn)
{
	return proc_sigreturn(p) ? SC_KEEP : SC_GONE;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, ulong, nset, ulong, oset, size, sigsetsize)
{
	if (sigsetsize != 8)
		return -EINVAL;
	u64 set = 0;
	spin_lock(&p->sig_lock);
	u64 old = p->sigmask;
	spin_unlock(&p->sig_lock);
	if (nset) {
		if ((u32)how > SIG_SETMASK)
			return -EINVAL;
		if (usigset_from_user(&set, uaddr(nset)))
			return -EFAULT;
	}
	if (oset && usigset_to_user(&old, uaddr(oset)))
		return -EFAULT;
	if (nset) {
		spin_lock(&p->sig_lock);
		if (how == SIG_BLOCK)
			p->sigmask |= set;
		else if (how == SIG_UNBLOCK)
			p->sigmask &= ~set;
		else
			p->sigmask = set;
		p->sigmask &= ~UNBLOCKABLE;
		spin_unlock(&p->sig_lock);
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
static struct uitimerval itimer_now(struct process *p) REQUIRES(p->sig_lock)
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
	spin_lock(&p->sig_lock);
	struct uitimerval v = itimer_now(p);
	spin_unlock(&p->sig_lock);
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
	u64 val = tv_ns(v.vsec, v.vusec);
	spin_lock(&p->sig_lock);
	struct uitimerval old = itimer_now(p);
	p->alarm_ns = val ? fw_time_ns() + val : 0;
	p->alarm_interval_ns = tv_ns(v.isec, v.iusec);
	spin_unlock(&p->sig_lock);
	if (a->a[2] && uitimerval_to_user(&old, uaddr(a->a[2])))
		return -EFAULT;
	return 0;
}

i64 sys_alarm(struct process *p, const struct sc_args *a)
{
	u32 secs = (u32)a->a[0];
	spin_lock(&p->sig_lock);
	struct uitimerval old = itimer_now(p);
	p->alarm_ns = secs ? fw_time_ns() + (u64)secs * 1000000000ull : 0;
	p->alarm_interval_ns = 0;
	spin_unlock(&p->sig_lock);
	/* the seconds left, rounded to nearest; a pending alarm never reports 0 */
	i64 left = old.vsec + (old.vusec >= 500000);
	return (!left && (old.vsec || old.vusec)) ? 1 : left;
}

/* sleep_until - sleep until `deadline` (fw_time_ns); a signal ends it early: then `rem`
 * (0: none) gets the time left and the call returns -ERESTART_RESTARTBLOCK, which becomes
 * -EINTR when a handler runs and a restart_syscall that sleeps on when none does. */
static i64 sleep_until(struct process *p, u64 deadline, u64 rem)
{
	struct waitq *wq = &p->sig_wq; /* nothing but a signal or the deadline wakes it */
	int e = PROC_WAIT(p, wq, fw_time_ns() >= deadline, deadline);
	if (e != -ERESTARTSYS)
		return 0;
	p->restart = PROC_RESTART_SLEEP;
	p->restart_deadline_ns = deadline;
	if (rem) {
		u64 now = fw_time_ns(), left = deadline > now ? deadline - now : 0;
		struct usig_timespec r = { (i64)(left / 1000000000ull), (i64)(left % 1000000000ull) };
		if (usig_timespec_to_user(&r, uaddr(rem)))
			return -EFAULT;
	}
	return -ERESTART_RESTARTBLOCK;
}

i64 proc_restart_sleep(struct process *p)
{
	if (p->restart != PROC_RESTART_SLEEP)
		return -EINTR;
	p->restart = PROC_RESTART_NONE;
	return sleep_until(p, p->restart_deadline_ns, 0);
}

/* do_sleep - nanosleep and clock_nanosleep: the request at `ureq`, relative or absolute (on
 * the monotonic clock: every clock is). */
static i64 do_sleep(struct process *p, u64 ureq, bool absolute, u64 rem)
{
	struct usig_timespec ts;
	if (usig_timespec_from_user(&ts, uaddr(ureq)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	u64 sec = (u64)ts.sec < (1ull << 32) ? (u64)ts.sec : (1ull << 32); /* ~136 years */
	u64 req = sec * 1000000000ull + (u64)ts.nsec;
	u64 deadline = absolute ? req : fw_time_ns() + req;
	return sleep_until(p, deadline, absolute ? 0 : rem);
}

i64 sys_nanosleep(struct process *p, const struct sc_args *a)
{
	return do_sleep(p, a->a[0], false, a->a[1]);
}

i64 sys_clock_nanosleep(struct process *p, const struct sc_args *a)
{
	if (a->a[0] > 11 || (a->a[1] & ~1ull))
		return -EINVAL;
	return do_sleep(p, a->a[2], a->a[1] & 1 /* TIMER_ABSTIME */, a->a[3]);
}
