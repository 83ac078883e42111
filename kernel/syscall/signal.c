/*
 * signal.c — the signal system calls: rt_sigaction, rt_sigprocmask, rt_sigpending,
 * rt_sigsuspend, pause, rt_sigtimedwait, kill, tkill, tgkill, rt_sigqueueinfo,
 * rt_tgsigqueueinfo, sigaltstack and rt_sigreturn (SIGKILL and SIGSTOP can be neither caught
 * nor blocked); nanosleep and clock_nanosleep (the interval timers: syscall/itimer.c).
 * Sending, queueing and delivery live in proc/signal.c and proc/sigqueue.c.
 */
#include <fw/preempt.h>
#include <fw/time.h>
#include <fw/uaccess.h>
#include <proc/wait.h>
#include <syscall/define.h>
#include <time/clock.h>
#include <uapi/time.h>

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
static bool signal_ready(struct thread *p)
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
static bool sig_in_set(struct thread *p, u64 set)
{
	spin_lock(&p->sig_lock);
	bool ready = (p->pending.set & set) != 0;
	spin_unlock(&p->sig_lock);
	return ready;
}

/* take_signal - dequeue the lowest pending signal of `set`, its siginfo_t to `info` (0: not
 * written): the signal, 0 when none is pending, or -EFAULT (the signal is gone, as Linux). */
static i64 take_signal(struct thread *p, u64 set, u64 info)
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
static i64 send_to_thread(struct thread *p, i64 tgid, i64 tid, u64 sig,
			  struct proc_siginfo info)
{
	if (sig > PROC_NSIG || tid <= 0 || (tgid != -1 && tgid <= 0))
		return -EINVAL;
	struct thread *q = proc_by_pid(tid);
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
static i64 thread_kill(struct thread *p, i64 tgid, i64 tid, u64 sig)
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
static int queued_info(struct thread *p, u64 sig, u64 uinfo, i64 to, struct proc_siginfo *si)
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
	struct thread *q = proc_by_pid(pid);
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

/* sleep_until - sleep until `deadline` (fw_time_ns); a signal ends it early: then `rem`
 * (0: none) gets the time left and the call returns -ERESTART_RESTARTBLOCK, which becomes
 * -EINTR when a handler runs and a restart_syscall that sleeps on when none does. */
static i64 sleep_until(struct thread *p, u64 deadline, u64 rem)
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

static i64 cpu_sleep(struct thread *p, u64 target, bool absolute, u64 rem);

i64 proc_restart_sleep(struct thread *p)
{
	enum proc_restart r = p->restart;
	p->restart = PROC_RESTART_NONE;
	if (r == PROC_RESTART_SLEEP)
		return sleep_until(p, p->restart_deadline_ns, 0);
	if (r == PROC_RESTART_CPU_SLEEP)
		return cpu_sleep(p, p->restart_deadline_ns, false, 0);
	return -EINTR;
}

/* sleep_request - a struct timespec request in ns (the seconds clamped to about 136 years):
 * 0, -EFAULT or -EINVAL. */
static int sleep_request(struct uaddr ureq, u64 *ns)
{
	struct usig_timespec ts;
	if (usig_timespec_from_user(&ts, ureq))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	u64 sec = (u64)ts.sec < (1ull << 32) ? (u64)ts.sec : (1ull << 32);
	*ns = sec * 1000000000ull + (u64)ts.nsec;
	return 0;
}

SYSCALL_DEFINE2(nanosleep, uptr, request, uptr, remain)
{
	u64 req;
	int e = sleep_request(request, &req);
	return e ? e : sleep_until(p, fw_time_ns() + req, remain.v);
}

/* cpu_sleep - clock_nanosleep on CLOCK_PROCESS_CPUTIME_ID: until the process's CPU time
 * reaches `target`. Its other threads move that clock, at most cpu_count() times as fast as
 * the monotonic clock, so the sleep goes in steps of (time left) / cpu_count() (at least a
 * tick) and looks again: it never ends early. A signal ends it: an absolute sleep restarts
 * (-ERESTARTNOHAND); a relative one reports the CPU time left in `rem` and ends with
 * -ERESTART_RESTARTBLOCK: -EINTR when a handler runs, else restart_syscall sleeps on to the
 * same CPU time (Linux's posix_cpu_nsleep_restart). */
static i64 cpu_sleep(struct thread *p, u64 target, bool absolute, u64 rem)
{
	for (;;) {
		u64 now = proc_cpu_ns(p, false);
		if (now >= target)
			return 0;
		u64 step = (target - now) / cpu_count();
		if (step < 1000000000ull / FW_TICK_HZ)
			step = 1000000000ull / FW_TICK_HZ;
		u64 deadline = fw_time_ns() + step;
		if (PROC_WAIT(p, &p->sig_wq, fw_time_ns() >= deadline, deadline) != -ERESTARTSYS)
			continue;
		if (absolute)
			return -ERESTARTNOHAND;
		if (rem) {
			now = proc_cpu_ns(p, false);
			u64 left = target > now ? target - now : 0;
			struct usig_timespec r = { (i64)(left / 1000000000ull),
						   (i64)(left % 1000000000ull) };
			if (usig_timespec_to_user(&r, uaddr(rem)))
				return -EFAULT;
		}
		p->restart = PROC_RESTART_CPU_SLEEP;
		p->restart_deadline_ns = target;
		return -ERESTART_RESTARTBLOCK;
	}
}

/* wall_sleep - an absolute REALTIME/TAI sleep: until the wall clock reads `date`, following any
 * change of that clock while it sleeps (PROC_WAIT_WALL). A signal ends it with -ERESTARTNOHAND:
 * with no handler the call restarts with the same date, as Linux's absolute sleeps. */
static i64 wall_sleep(struct thread *p, u64 date)
{
	for (;;) {
		i64 now = clock_realtime_ns();
		if (now >= 0 && (u64)now >= date)
			return 0;
		if (PROC_WAIT_WALL(p, &p->sig_wq, false, date) == -ERESTARTSYS)
			return -ERESTARTNOHAND;
	}
}

/* clock_nanosleep(clockid, flags, request, remain): the clocks Linux sleeps on. REALTIME and
 * TAI (and REALTIME_ALARM) absolute times are dates of the wall clock and follow a
 * settimeofday or clock_settime made during the sleep (wall_sleep); MONOTONIC and BOOTTIME are the monotonic clock; PROCESS_CPUTIME_ID the
 * process's CPU time (cpu_sleep). The clocks Linux cannot sleep on (MONOTONIC_RAW, the COARSE
 * ones, THREAD_CPUTIME_ID) are EOPNOTSUPP, as Linux 6.1. Flags other than TIMER_ABSTIME
 * are ignored, as Linux. */
SYSCALL_DEFINE4(clock_nanosleep, int, clockid, int, flags, uptr, request, uptr, remain)
{
	bool wall = false;
	switch (clockid) {
	case UAPI_CLOCK_REALTIME:
	case UAPI_CLOCK_REALTIME_ALARM:
	case UAPI_CLOCK_TAI:
		wall = true;
		break;
	case UAPI_CLOCK_MONOTONIC:
	case UAPI_CLOCK_BOOTTIME:
	case UAPI_CLOCK_BOOTTIME_ALARM:
	case UAPI_CLOCK_PROCESS_CPUTIME_ID:
		break;
	case UAPI_CLOCK_MONOTONIC_RAW:
	case UAPI_CLOCK_REALTIME_COARSE:
	case UAPI_CLOCK_MONOTONIC_COARSE:
	case UAPI_CLOCK_THREAD_CPUTIME_ID:
		return -EOPNOTSUPP;
	default: /* unknown ids, other processes' CPU clocks (negative) */
		return -EINVAL;
	}
	u64 req;
	int e = sleep_request(request, &req);
	if (e)
		return e;
	bool absolute = (flags & UAPI_TIMER_ABSTIME) != 0;
	if (clockid == UAPI_CLOCK_PROCESS_CPUTIME_ID)
		return cpu_sleep(p, absolute ? req : proc_cpu_ns(p, false) + req, absolute,
				 remain.v);
	if (!absolute)
		return sleep_until(p, fw_time_ns() + req, remain.v);
	if (wall)
		return wall_sleep(p, req);
	return sleep_until(p, req, 0);
}
