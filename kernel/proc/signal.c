/*
 * signal.c — signal delivery (proc/process.h): pending sets, waking a blocked process, the
 * default actions, and handler frames on the user stack in Linux's x86-64 layout (struct
 * rt_sigframe: the return address = sa_restorer, a ucontext with the general registers and
 * the signal mask, a siginfo, and the FPU image below them), restored by rt_sigreturn.
 *
 * Sending makes a signal pending under the target's sig_lock and wakes the queue the target
 * sleeps on (p->waiting_on, proc/wait.h); the sleeping call sees the signal and returns
 * -ERESTART*. Delivery happens in the process's task just before it returns to user mode: a
 * -ERESTART* result becomes -EINTR when a handler runs (or a restart of the call for
 * -ERESTARTSYS under SA_RESTART, and -ERESTARTNOINTR always), and a restart when none runs
 * (-ERESTART_RESTARTBLOCK through restart_syscall). Standard signals do not queue: one
 * pending bit and one siginfo per signal. Stop signals stop the process (PROC_STOPPED: its
 * task sleeps on p->sig_wq) until SIGCONT or SIGKILL; wait4 reports both with
 * WUNTRACED/WCONTINUED. The FPU image is written raw (the XSAVE/FXSAVE bytes) without the
 * FP_XSTATE magic words, so user space sees it as a legacy FXSAVE area.
 */
#include <fw/log.h>
#include <fw/time.h>
#include <fw/uaccess.h>
#include <proc/process.h>
#include <proc/wait.h>

#define SIGILL 4
#define SIGKILL 9
#define SIGSEGV 11
#define SIGSTOP 19
#define SIG_IGN 1
#define SA_SIGINFO 0x4ull
#define SA_RESTORER 0x04000000ull
#define SA_RESTART 0x10000000ull
#define SA_NODEFER 0x40000000ull
#define SA_RESETHAND 0x80000000ull
#define UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))
#define EFLAGS_TF 0x100ull
#define EFLAGS_DF 0x400ull
#define RED_ZONE 128u

/* struct rt_sigframe as x86-64 Linux lays it out (440 bytes; uc at 8, info at 312). */
struct sig_frame {
	u64 pretcode;
	/* struct ucontext */
	u64 uc_flags, uc_link;
	u64 ss_sp;
	u32 ss_flags, ss_pad;
	u64 ss_size;
	/* struct sigcontext: r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags,
	 * cs/gs/fs/ss, err, trapno, oldmask, cr2 */
	u64 gregs[23];
	u64 fpstate;
	u64 reserved1[8];
	u64 sigmask;
	/* siginfo_t (128 bytes) */
	i32 si_signo, si_errno, si_code, si_pad;
	u64 si_fields[14];
};
_Static_assert(sizeof(struct sig_frame) == 440, "struct rt_sigframe");
_Static_assert(__builtin_offsetof(struct sig_frame, sigmask) == 304, "uc_sigmask");
_Static_assert(__builtin_offsetof(struct sig_frame, si_signo) == 312, "info");
#define FRAME_UC_OFF 8u
#define FRAME_INFO_OFF 312u
#define GREG_CSGSFS 18
#define GREG_ERR 19
#define GREG_TRAPNO 20
#define GREG_OLDMASK 21
#define GREG_CR2 22

DEFINE_UCOPY(usigframe, struct sig_frame);

/* siginfo_t alone (rt_sigtimedwait). */
struct usiginfo {
	i32 si_signo, si_errno, si_code, si_pad;
	u64 si_fields[14];
};
_Static_assert(sizeof(struct usiginfo) == 128, "siginfo_t");
DEFINE_UCOPY(usiginfo_p, struct usiginfo);

/* The sigcontext order of the first 18 general registers. */
static const enum user_reg greg_order[18] = {
	UREG_R8, UREG_R9, UREG_R10, UREG_R11, UREG_R12, UREG_R13, UREG_R14, UREG_R15,
	UREG_RDI, UREG_RSI, UREG_RBP, UREG_RBX, UREG_RDX, UREG_RAX, UREG_RCX, UREG_RSP,
	UREG_RIP, UREG_RFLAGS,
};

static u64 sigbit(u32 sig)
{
	return 1ull << (sig - 1);
}

#define SIGCHLD 17
#define SIGCONT 18
#define STOP_SIGS (sigbit(19) | sigbit(20) | sigbit(21) | sigbit(22))

/* default_ignores - SIGCHLD, SIGCONT (its continuing happens when it is sent), SIGURG,
 * SIGWINCH. */
static bool default_ignores(u32 sig)
{
	return sig == SIGCHLD || sig == SIGCONT || sig == 23 /* SIGURG */ ||
	       sig == 28 /* SIGWINCH */;
}

static bool is_stop(u32 sig)
{
	return sig >= 19 && sig <= 22;
}

/* notify_parent - a stop (CLD_STOPPED 5) or continue (CLD_CONTINUED 6) of p: wake a parent
 * waiting in wait4 and send it SIGCHLD unless it asked for SA_NOCLDSTOP. */
static void notify_parent(struct process *p, i32 code, u32 sig)
{
	spin_lock(&proc_lock);
	struct process *parent = p->parent;
	bool live = parent && parent->state != PROC_ZOMBIE;
	if (live)
		proc_get(parent);
	spin_unlock(&proc_lock);
	if (!live)
		return;
	(void)waitq_wake_all(&parent->child_wq);
	spin_lock(&parent->sig_lock);
	bool nocldstop = (parent->sigactions[SIGCHLD - 1].flags & 1 /* SA_NOCLDSTOP */) != 0;
	spin_unlock(&parent->sig_lock);
	if (!nocldstop)
		proc_signal_send(parent, SIGCHLD, (struct proc_siginfo){
			.code = code, .pid = p->pid, .status = (i32)sig });
	proc_put(parent);
}

static bool ignored(const struct process *p, u32 sig) REQUIRES(p->sig_lock)
{
	u64 h = p->sigactions[sig - 1].handler;
	return sig != SIGKILL && (h == SIG_IGN || (h == 0 && default_ignores(sig)));
}

/* wake_locked - wake the queue p sleeps on, if any. */
static void wake_locked(struct process *p) REQUIRES(p->sig_lock)
{
	if (p->waiting_on)
		(void)waitq_wake_all(p->waiting_on);
}

void proc_signal_send(struct process *p, u32 sig, struct proc_siginfo info)
{
	if (sig < 1 || sig > PROC_NSIG)
		return;
	/* Stop, continue and kill change the run state when sent (as Linux). */
	bool continued = false;
	spin_lock(&proc_lock);
	bool zombie = p->state == PROC_ZOMBIE;
	if (!zombie && (sig == SIGCONT || sig == SIGKILL) && p->state == PROC_STOPPED) {
		p->state = PROC_RUNNABLE;
		p->stop_sig = 0;
		if (sig == SIGCONT) {
			p->cont_report = true;
			continued = true;
		}
	}
	spin_unlock(&proc_lock);
	if (zombie)
		return;
	spin_lock(&p->sig_lock);
	if (is_stop(sig))
		p->sigpending &= ~sigbit(SIGCONT);
	if (sig == SIGCONT)
		p->sigpending &= ~STOP_SIGS;
	if (continued || sig == SIGKILL)
		wake_locked(p); /* a stopped task sleeps until it sees the change */
	bool blocked = (p->sigmask & sigbit(sig)) != 0;
	bool drop = (!blocked && ignored(p, sig)) ||
		    (p->leader->pid == 1 && p->sigactions[sig - 1].handler == 0); /* init: handled only */
	if (!drop) {
		blocked = blocked && !(p->sigwaiting & sigbit(sig)); /* rt_sigtimedwait wakes */
		if (!(p->sigpending & sigbit(sig)))
			p->siginfo[sig - 1] = info;
		p->sigpending |= sigbit(sig);
		if (!blocked)
			wake_locked(p);
	}
	spin_unlock(&p->sig_lock);
	if (continued)
		notify_parent(p, 6, SIGCONT);
}

int proc_wait_interrupted(struct process *p)
{
	int r = 0;
	spin_lock(&p->sig_lock);
	if ((p->sigpending & ~(p->sigmask & ~p->sigwaiting)) || (p->sigpending & sigbit(SIGKILL)))
		r = -ERESTARTSYS;
	else if (p->sleep_deadline_ns && fw_time_ns() >= p->sleep_deadline_ns)
		r = -ETIMEDOUT;
	spin_unlock(&p->sig_lock);
	return r;
}

/* terminate - a fatal signal ends p's whole thread group (Linux's do_group_exit). */
static void terminate(struct process *p, u32 sig)
{
	proc_group_exit(p, (int)sig);
	vmspace_deactivate();
}

static bool is_stopped(struct process *p)
{
	spin_lock(&proc_lock);
	bool stopped = p->state == PROC_STOPPED;
	spin_unlock(&proc_lock);
	return stopped;
}

/* stop - p stops for `sig`: report it to the parent, sleep until SIGCONT or SIGKILL. */
static void stop(struct process *p, u32 sig)
{
	spin_lock(&proc_lock);
	p->state = PROC_STOPPED;
	p->stop_sig = sig;
	p->cont_report = false;
	spin_unlock(&proc_lock);
	notify_parent(p, 5, sig);
	proc_wait_begin(p, &p->sig_wq, 0);
	WAITQ_WAIT(&p->sig_wq, !is_stopped(p));
	proc_wait_end(p);
}

/* setup_frame - build sig's frame (with its siginfo `si`) on p's stack and point p at the
 * handler; false on a bad stack or handler. */
static bool setup_frame(struct process *p, u32 sig, const struct proc_sigaction *act,
			u64 oldmask, struct proc_siginfo si)
{
	struct user_context *uc = &p->uc;
	if (!(act->flags & SA_RESTORER))
		return false; /* x86-64 Linux has no vDSO fallback for the return either */
	u64 sp = user_ctx_sp(uc);
	size_t fsz = user_fpu_size();
	if (sp < (1u << 16) || fsz > USER_FPU_AREA)
		return false;
	u64 fpaddr = (sp - RED_ZONE - fsz) & ~63ull;
	u64 frame = ((fpaddr - sizeof(struct sig_frame)) & ~15ull) - 8;
	struct sig_frame f = { 0 };
	f.pretcode = act->restorer;
	f.uc_flags = 0x2 | 0x4; /* UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS */
	for (u32 i = 0; i < 18; i++)
		f.gregs[i] = user_ctx_reg(uc, greg_order[i]);
	f.gregs[GREG_CSGSFS] = 0x33 | (0x2bull << 48);
	f.gregs[GREG_ERR] = si.err;
	f.gregs[GREG_TRAPNO] = si.trapno;
	f.gregs[GREG_OLDMASK] = oldmask;
	f.gregs[GREG_CR2] = si.addr;
	f.fpstate = fpaddr;
	f.sigmask = oldmask;
	f.si_signo = (i32)sig;
	f.si_code = si.code;
	if (sig == SIGSEGV || sig == SIGILL || sig == 8 /* SIGFPE */ || sig == 7 /* SIGBUS */) {
		f.si_fields[0] = si.addr;
	} else {
		f.si_fields[0] = si.pid; /* si_pid, si_uid (0) */
		f.si_fields[1] = (u32)si.status; /* SIGCHLD's si_status */
	}
	struct bytes fpu = bytes_head(user_ctx_fpu_bytes(uc), fsz);
	struct vm_writer w = vm_writer_user(uaddr(fpaddr), fsz);
	struct result_size wr = vm_write(&w, fpu);
	if (wr.err || wr.value != fsz)
		return false;
	if (usigframe_to_user(&f, uaddr(frame)))
		return false;
	if (user_ctx_set_ip(uc, uaddr(act->handler)) || user_ctx_set_sp(uc, uaddr(frame)))
		return false;
	user_ctx_set_reg(uc, UREG_RDI, sig);
	user_ctx_set_reg(uc, UREG_RSI, frame + FRAME_INFO_OFF);
	user_ctx_set_reg(uc, UREG_RDX, frame + FRAME_UC_OFF);
	user_ctx_set_reg(uc, UREG_RAX, 0);
	user_ctx_set_reg(uc, UREG_RFLAGS,
			 user_ctx_reg(uc, UREG_RFLAGS) & ~(EFLAGS_TF | EFLAGS_DF));
	return true;
}

int proc_signal_take(struct process *p, u64 set, struct uaddr info)
{
	spin_lock(&p->sig_lock);
	u64 ready = p->sigpending & set;
	u32 sig = ready ? (u32)__builtin_ctzll(ready) + 1 : 0;
	struct proc_siginfo si = { 0 };
	if (sig) {
		p->sigpending &= ~sigbit(sig);
		si = p->siginfo[sig - 1];
	}
	spin_unlock(&p->sig_lock);
	if (sig && info.v) {
		struct usiginfo u = { .si_signo = (i32)sig, .si_code = si.code };
		u.si_fields[0] = si.pid;
		u.si_fields[1] = (u32)si.status;
		if (usiginfo_p_to_user(&u, info))
			return -EFAULT;
	}
	return (int)sig;
}

/* settle_restart - a handler is about to run (or none ran: `handler` false) after the call
 * `nr` returned the -ERESTART* value `ret`: turn it into -EINTR or rewind to the `syscall`
 * instruction (2 bytes) with the number back in RAX. */
static void settle_restart(struct process *p, u64 nr, i64 ret, bool handler, u64 act_flags)
{
	struct user_context *uc = &p->uc;
	bool again = !handler || ret == -ERESTARTNOINTR ||
		     (ret == -ERESTARTSYS && (act_flags & SA_RESTART));
	if (!again) {
		user_ctx_set_retval(uc, -EINTR);
		return;
	}
	u64 redo = nr;
	if (ret == -ERESTART_RESTARTBLOCK)
		redo = 219; /* restart_syscall continues the sleep (p->restart) */
	(void)user_ctx_set_ip(uc, uaddr(user_ctx_ip(uc) - 2));
	user_ctx_set_reg(uc, UREG_RAX, redo);
}

bool proc_signal_deliver(struct process *p, u64 nr, i64 ret)
{
	bool restart = proc_is_restart(ret);
	for (;;) {
		spin_lock(&p->sig_lock);
		u64 ready = p->sigpending & ~p->sigmask;
		u32 sig = ready ? (u32)__builtin_ctzll(ready) + 1 : 0;
		if (ready & sigbit(SIGKILL))
			sig = SIGKILL;
		struct proc_sigaction act = { 0 };
		struct proc_siginfo si = { 0 };
		u64 oldmask = 0;
		if (sig) {
			p->sigpending &= ~sigbit(sig);
			act = p->sigactions[sig - 1];
			si = p->siginfo[sig - 1];
			oldmask = p->sigsuspended ? p->sigsaved : p->sigmask;
		} else if (!restart) {
			/* nothing to deliver and no call to settle (the common return): the end
			 * below under this same hold of the lock */
			if (p->sigsuspended) {
				p->sigmask = p->sigsaved;
				p->sigsuspended = false;
			}
			spin_unlock(&p->sig_lock);
			return true;
		}
		spin_unlock(&p->sig_lock);
		if (!sig)
			break;
		if (sig == SIGKILL || act.handler == 0) {
			if (sig != SIGKILL && default_ignores(sig))
				continue;
			if (is_stop(sig)) {
				/* SIGTSTP, SIGTTIN, SIGTTOU would stop a job nobody can continue: an
				 * orphaned group discards them (POSIX; SIGSTOP still stops). */
				if (sig != SIGSTOP && proc_pgrp_orphaned(p))
					continue;
				stop(p, sig);
				continue;
			}
			terminate(p, sig);
			return false;
		}
		if (act.handler == SIG_IGN)
			continue;
		/* A handler runs: first settle an interrupted call. */
		if (restart)
			settle_restart(p, nr, ret, true, act.flags);
		if (!setup_frame(p, sig, &act, oldmask, si)) {
			fw_info("pid %u: cannot build the frame of signal %u: killed by SIGSEGV",
				p->pid, sig);
			terminate(p, SIGSEGV);
			return false;
		}
		spin_lock(&p->sig_lock);
		if (p->sigsuspended)
			p->sigmask = p->sigsaved;
		p->sigsuspended = false;
		p->sigmask |= act.mask | ((act.flags & SA_NODEFER) ? 0 : sigbit(sig));
		p->sigmask &= ~UNBLOCKABLE;
		if (act.flags & SA_RESETHAND)
			p->sigactions[sig - 1] = (struct proc_sigaction){ 0 };
		spin_unlock(&p->sig_lock);
		return true;
	}
	if (restart)
		settle_restart(p, nr, ret, false, 0);
	spin_lock(&p->sig_lock);
	if (p->sigsuspended) {
		/* rt_sigsuspend ends without a handler (it restarts): its mask goes */
		p->sigmask = p->sigsaved;
		p->sigsuspended = false;
	}
	spin_unlock(&p->sig_lock);
	return true;
}

bool proc_signal_fault(struct process *p, u32 sig, struct user_exception ex)
{
	spin_lock(&p->sig_lock);
	u64 h = p->sigactions[sig - 1].handler;
	bool caught = h > SIG_IGN && !(p->sigmask & sigbit(sig));
	u64 others = 0;
	if (caught) {
		i32 code = 0x80; /* SI_KERNEL */
		if (ex.vector == 14 && sig == 7)
			code = 2; /* BUS_ADRERR: a file mapping past the end of its file */
		else if (ex.vector == 14)
			code = (ex.error_code & 1) ? 2 /* SEGV_ACCERR */ : 1 /* SEGV_MAPERR */;
		else if (ex.vector == 6)
			code = 2; /* ILL_ILLOPN */
		else if (ex.vector == 0)
			code = 1; /* FPE_INTDIV */
		p->siginfo[sig - 1] = (struct proc_siginfo){
			.code = code, .trapno = ex.vector, .err = ex.error_code, .addr = ex.fault_addr };
		/* deliver this one first: hold back the others for a moment */
		others = p->sigpending & ~sigbit(sig);
		p->sigpending = sigbit(sig);
	}
	spin_unlock(&p->sig_lock);
	if (caught) {
		bool alive = proc_signal_deliver(p, 0, 0);
		spin_lock(&p->sig_lock);
		p->sigpending |= others;
		spin_unlock(&p->sig_lock);
		return alive;
	}
	fw_info("pid %u: exception %u (error %x) at %x (address %x): killed by signal %u",
		p->pid, ex.vector, ex.error_code, user_ctx_ip(&p->uc), ex.fault_addr, sig);
	terminate(p, sig);
	return false;
}

bool proc_sigreturn(struct process *p)
{
	struct user_context *uc = &p->uc;
	struct sig_frame f;
	u64 sp = user_ctx_sp(uc);
	bool ok = sp >= 8 && !usigframe_from_user(&f, uaddr(sp - 8));
	if (ok && f.fpstate) {
		size_t fsz = user_fpu_size();
		struct vm_reader r = vm_reader_user(uaddr(f.fpstate), fsz);
		struct result_size rd = vm_read(&r, bytes_head(user_ctx_fpu_bytes(uc), fsz));
		ok = !rd.err && rd.value == fsz;
	}
	ok = ok && !user_ctx_set_ip(uc, uaddr(f.gregs[16])) &&
	     !user_ctx_set_sp(uc, uaddr(f.gregs[15]));
	if (!ok) {
		fw_info("pid %u: rt_sigreturn with a bad frame: killed by SIGSEGV", p->pid);
		terminate(p, SIGSEGV);
		return false;
	}
	for (u32 i = 0; i < 18; i++)
		if (greg_order[i] != UREG_RIP && greg_order[i] != UREG_RSP)
			user_ctx_set_reg(uc, greg_order[i], f.gregs[i]); /* RFLAGS: sanitised at entry */
	spin_lock(&p->sig_lock);
	p->sigmask = f.sigmask & ~UNBLOCKABLE;
	spin_unlock(&p->sig_lock);
	return true;
}
