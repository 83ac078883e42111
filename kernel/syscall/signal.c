/*
 * signal.c — rt_sigaction and rt_sigprocmask: dispositions and the mask are recorded and
 * reported back (SIGKILL and SIGSTOP can be neither caught nor blocked); delivery comes with
 * the signals issue. SIGCHLD's default action (ignore) is what wait4 relies on.
 */
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
	}
	return 0;
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
