/*
 * signal.c — signal delivery (proc/process.h, proc/signal.h): sending (the pending sets and
 * queues live in proc/sigqueue.c), waking a blocked thread, the default actions, and handler
 * frames in Linux's x86-64 layout (struct rt_sigframe: the return address = sa_restorer, a
 * ucontext with the alternate-stack setting, the general registers and the signal mask, a
 * siginfo, and the FPU image below them), on the thread's stack or, for SA_ONSTACK, on its
 * alternate signal stack (sigaltstack), restored by rt_sigreturn.
 *
 * Sending makes a signal pending under the target's sig_lock and wakes the queue the target
 * sleeps on (p->waiting_on, proc/wait.h); the sleeping call sees the signal and returns
 * -ERESTART*. Delivery happens in the thread's task just before it returns to user mode: a
 * -ERESTART* result becomes -EINTR when a handler runs (or a restart of the call for
 * -ERESTARTSYS under SA_RESTART, and -ERESTARTNOINTR always), and a restart when none runs
 * (-ERESTART_RESTARTBLOCK through restart_syscall). Stop signals stop the process
 * (PROC_STOPPED: its task sleeps on p->sig_wq) until SIGCONT or SIGKILL; wait4/waitid report
 * both. An exception with a handler (proc_signal_fault) is delivered at once, ahead of
 * whatever is pending; a stack overflow reaches its handler when the handler runs on the
 * alternate stack (the frame cannot be written below the stack's limit: then, as a frame
 * that does not fit the alternate stack, the thread is killed with SIGSEGV). The FPU image is
 * written raw (the XSAVE/FXSAVE bytes) without the FP_XSTATE magic words, so user space sees
 * it as a legacy FXSAVE area.
 */
#include <fw/log.h>
#include <fw/time.h>
#include <time/clock.h>
#include <fw/uaccess.h>
#include <proc/process.h>
#include <proc/wait.h>

#define SIGILL UAPI_SIGILL
#define SIGBUS UAPI_SIGBUS
#define SIGFPE UAPI_SIGFPE
#define SIGKILL UAPI_SIGKILL
#define SIGSEGV UAPI_SIGSEGV
#define SIGCHLD UAPI_SIGCHLD
#define SIGCONT UAPI_SIGCONT
#define SIGSTOP UAPI_SIGSTOP
#define UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))
#define EFLAGS_TF 0x100ull
#define EFLAGS_DF 0x400ull
#define RED_ZONE 128u
#define PF_VECTOR 14u

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
_Static_assert(__builtin_offsetof(struct sig_frame, ss_sp) == 24, "uc_stack");
_Static_assert(__builtin_offsetof(struct sig_frame, sigmask) == 304, "uc_sigmask");
_Static_assert(__builtin_offsetof(struct sig_frame, si_signo) == 312, "info");
#define FRAME_UC_OFF 8u
#define FRAME_INFO_OFF 312u
#define GREG_RSP 15
#define GREG_RIP 16
#define GREG_CSGSFS 18
#define GREG_ERR 19
#define GREG_TRAPNO 20
#define GREG_OLDMASK 21
#define GREG_CR2 22

DEFINE_UCOPY(usigframe, struct sig_frame);

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

/* default_ignores - SIGCHLD, SIGCONT (its continuing happens when it is sent), SIGURG,
 * SIGWINCH. */
static bool default_ignores(u32 sig)
{
	return sig == SIGCHLD || sig == SIGCONT || sig == UAPI_SIGURG || sig == UAPI_SIGWINCH;
}

static bool is_stop(u32 sig)
{
	return sig >= UAPI_SIGSTOP && sig <= UAPI_SIGTTOU;
}

/* action_locked - the disposition of sig in p's group's table. With `take` (the signal is
 * being delivered), SA_RESETHAND's one shot is used up: the table goes back to SIG_DFL. */
static struct proc_sigaction action_locked(struct thread *p, u32 sig, bool take)
	REQUIRES(p->sig_lock)
{
	struct proc_sighand *h = p->sighand;
	spin_lock(&h->lock);
	struct proc_sigaction a = h->act[sig - 1];
	if (take && a.handler > UAPI_SIG_IGN && (a.flags & UAPI_SA_RESETHAND))
		h->act[sig - 1].handler = UAPI_SIG_DFL;
	spin_unlock(&h->lock);
	return a;
}

/* notify_parent - a stop (CLD_STOPPED) or continue (CLD_CONTINUED) of p's process (once per
 * group stop, by whichever thread stopped or was continued first): wake a parent waiting in
 * wait4/waitid and send it SIGCHLD unless it asked for SA_NOCLDSTOP. */
static void notify_parent(struct thread *p, i32 code, u32 sig)
{
	spin_lock(&proc_lock);
	struct thread *parent = p->proc->parent;
	bool live = parent && parent->state != PROC_ZOMBIE;
	if (live)
		proc_get(parent);
	spin_unlock(&proc_lock);
	if (!live)
		return;
	(void)waitq_wake_all(&parent->child_wq);
	bool nocldstop = (proc_sigaction_get(parent, SIGCHLD).flags & UAPI_SA_NOCLDSTOP) != 0;
	if (!nocldstop)
		(void)proc_signal_send(parent, SIGCHLD, (struct proc_siginfo){
			.code = code, .pid = p->leader->pid, .uid = p->fs.cred.uid, .status = (i32)sig });
	proc_put(parent);
}

static bool ignored(const struct proc_sigaction *a, u32 sig)
{
	return sig != SIGKILL &&
	       (a->handler == UAPI_SIG_IGN || (a->handler == UAPI_SIG_DFL && default_ignores(sig)));
}

/* wake_locked - wake the queue p sleeps on, if any. */
static void wake_locked(struct thread *p) REQUIRES(p->sig_lock)
{
	if (p->waiting_on)
		(void)waitq_wake_all(p->waiting_on);
}

int proc_signal_send(struct thread *p, u32 sig, struct proc_siginfo info)
{
	if (sig < 1 || sig > PROC_NSIG)
		return -EINVAL;
	/* Stop, continue and kill change the run state when sent (as Linux). */
	bool continued = false, group_continued = false;
	spin_lock(&proc_lock);
	bool zombie = p->state == PROC_ZOMBIE;
	if (!zombie && (sig == SIGCONT || sig == SIGKILL)) {
		continued = p->state == PROC_STOPPED; /* this thread sleeps stopped */
		if (continued)
			p->state = PROC_RUNNABLE;
		struct process *g = p->proc;
		if (g->stopped) { /* the first thread to see it ends the group stop */
			g->stopped = false;
			g->stop_sig = 0;
			group_continued = sig == SIGCONT;
			g->cont_report = group_continued;
		}
	}
	spin_unlock(&proc_lock);
	if (zombie)
		return 0;
	int r = 0;
	spin_lock(&p->sig_lock);
	if (is_stop(sig))
		proc_sigdiscard_locked(p, SIGCONT);
	if (sig == SIGCONT)
		for (u32 s = UAPI_SIGSTOP; s <= UAPI_SIGTTOU; s++)
			proc_sigdiscard_locked(p, s);
	if (continued || sig == SIGKILL)
		wake_locked(p); /* a stopped task sleeps until it sees the change */
	struct proc_sigaction act = action_locked(p, sig, false);
	bool blocked = (p->sigmask & sigbit(sig)) != 0;
	bool drop = (!blocked && ignored(&act, sig)) ||
		    (p->leader->pid == 1 && act.handler == UAPI_SIG_DFL); /* init: handled only */
	if (!drop) {
		r = proc_sigqueue_locked(p, sig, &info);
		bool wakes = !blocked || (p->sigwaiting & sigbit(sig)); /* rt_sigtimedwait wakes */
		if (!r && wakes)
			wake_locked(p);
	}
	spin_unlock(&p->sig_lock);
	/* signalfds: after the unlock, as their pollers' entries take the poller's sig_lock */
	if (!drop && !r)
		(void)waitq_wake_all(&p->sighand->signalfd_wq);
	if (group_continued)
		notify_parent(p, UAPI_CLD_CONTINUED, SIGCONT);
	return r;
}

bool proc_signal_fatal(struct thread *p)
{
	/* the fast path of the copy loops that ask between chunks: nothing pending at all
	 * (sig_attn is written under sig_lock; a signal sent meanwhile is seen next time) */
	if (!(atomic_u32_load(&p->sig_attn) & PROC_SIG_ATTN_PENDING))
		return false;
	spin_lock(&p->sig_lock);
	bool dying = (p->pending.set & sigbit(SIGKILL)) != 0;
	spin_unlock(&p->sig_lock);
	return dying;
}

int proc_wait_interrupted(struct thread *p)
{
	int r = 0;
	spin_lock(&p->sig_lock);
	u64 pend = p->pending.set;
	if ((pend & ~(p->sigmask & ~p->sigwaiting)) || (pend & sigbit(SIGKILL)))
		r = -ERESTARTSYS;
	else if (p->sleep_deadline_ns && proc_sleep_due_locked(p, fw_time_ns(),
							   p->sleep_wall ? clock_realtime_ns() : 0))
		r = -ETIMEDOUT;
	spin_unlock(&p->sig_lock);
	return r;
}

/* terminate - a fatal signal ends p's whole thread group (Linux's do_group_exit). */
static void terminate(struct thread *p, u32 sig)
{
	proc_group_exit(p, (int)sig);
	vmspace_deactivate();
}

static bool is_stopped(struct thread *p)
{
	spin_lock(&proc_lock);
	bool stopped = p->state == PROC_STOPPED;
	spin_unlock(&proc_lock);
	return stopped;
}

/* stop - p stops for `sig`: the first thread of the group to stop reports the process stopped
 * to the parent; sleep until SIGCONT or SIGKILL. */
static void stop(struct thread *p, u32 sig)
{
	spin_lock(&proc_lock);
	p->state = PROC_STOPPED;
	struct process *g = p->proc;
	bool first = !g->stopped;
	if (first) {
		g->stopped = true;
		g->stop_sig = sig;
		g->cont_report = false;
	}
	spin_unlock(&proc_lock);
	if (first)
		notify_parent(p, UAPI_CLD_STOPPED, sig);
	proc_wait_begin(p, &p->sig_wq, 0);
	WAITQ_WAIT(&p->sig_wq, !is_stopped(p));
	proc_wait_end(p);
}

/* ---- the alternate signal stack ----------------------------------------------------------- */

/* within_altstack - sp lies in p's alternate stack (Linux's __on_sig_stack: the stack grows
 * down, so its top counts and its bottom does not). */
static bool within_altstack(const struct thread *p, u64 sp)
{
	return sp > p->altstack.sp && sp - p->altstack.sp <= p->altstack.size;
}

/* on_altstack - p runs on its alternate stack (Linux's on_sig_stack: never with
 * SS_AUTODISARM, whose stack is disarmed while a handler uses it). */
static bool on_altstack(const struct thread *p, u64 sp)
{
	if (p->altstack.flags & UAPI_SS_AUTODISARM)
		return false;
	return within_altstack(p, sp);
}

/* altstack_state - SS_DISABLE (none), SS_ONSTACK (p runs on it) or 0 (sas_ss_flags). */
static u32 altstack_state(const struct thread *p, u64 sp)
{
	if (!p->altstack.size)
		return UAPI_SS_DISABLE;
	return on_altstack(p, sp) ? UAPI_SS_ONSTACK : 0;
}

int proc_sigaltstack(struct thread *p, const struct uapi_stack *ss, struct uapi_stack *old,
		     u64 sp, u64 min_size)
{
	struct proc_altstack *a = &p->altstack;
	if (old)
		*old = (struct uapi_stack){
			.ss_sp = a->sp, .ss_size = a->size,
			.ss_flags = (i32)(altstack_state(p, sp) | (a->flags & UAPI_SS_AUTODISARM)) };
	if (!ss)
		return 0;
	if (on_altstack(p, sp))
		return -EPERM;
	u32 flags = (u32)ss->ss_flags;
	u32 mode = flags & ~UAPI_SS_AUTODISARM;
	if (mode != UAPI_SS_DISABLE && mode != UAPI_SS_ONSTACK && mode != 0)
		return -EINVAL;
	if (a->sp == ss->ss_sp && a->size == ss->ss_size && a->flags == flags)
		return 0; /* no change (Linux skips the size check too) */
	if (mode == UAPI_SS_DISABLE) {
		*a = (struct proc_altstack){ .flags = flags };
		return 0;
	}
	if (ss->ss_size < min_size)
		return -ENOMEM;
	*a = (struct proc_altstack){ .sp = ss->ss_sp, .size = ss->ss_size, .flags = flags };
	return 0;
}

/* ---- handler frames ----------------------------------------------------------------------- */

/* setup_frame - build sig's frame (with its siginfo `si`) on p's stack, or on its alternate
 * stack for SA_ONSTACK, and point p at the handler; false on a stack that cannot take it
 * (unwritable, or a frame that would not fit the alternate stack) or a bad handler. */
static bool setup_frame(struct thread *p, u32 sig, const struct proc_sigaction *act,
			u64 oldmask, const struct proc_siginfo *si)
{
	struct user_context *uc = &p->uc;
	if (!(act->flags & UAPI_SA_RESTORER))
		return false; /* x86-64 Linux has no vDSO fallback for the return either */
	size_t fsz = user_fpu_size();
	if (fsz > USER_FPU_AREA)
		return false;
	/* As Linux's get_sigframe: below the red zone, or at the top of the alternate stack
	 * when the handler asks for it and p is not on it already. */
	u64 sp = user_ctx_sp(uc) - RED_ZONE;
	bool nested = on_altstack(p, sp), entering = false;
	if ((act->flags & UAPI_SA_ONSTACK) && altstack_state(p, sp) == 0) {
		sp = p->altstack.sp + p->altstack.size;
		entering = true;
	}
	if (sp < (1u << 16) || sp > VM_USER_END)
		return false;
	u64 fpaddr = (sp - fsz) & ~63ull;
	u64 frame = ((fpaddr - sizeof(struct sig_frame)) & ~15ull) - 8;
	if ((nested || entering) && !within_altstack(p, frame)) {
		fw_info("pid %u: signal %u's frame overflows the alternate stack", p->pid, sig);
		return false;
	}
	struct sig_frame f = { 0 };
	f.pretcode = act->restorer;
	f.uc_flags = 0x2 | 0x4; /* UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS */
	f.ss_sp = p->altstack.sp;
	f.ss_flags = p->altstack.flags;
	f.ss_size = p->altstack.size;
	for (u32 i = 0; i < 18; i++)
		f.gregs[i] = user_ctx_reg(uc, greg_order[i]);
	f.gregs[GREG_CSGSFS] = 0x33 | (0x2bull << 48);
	f.gregs[GREG_ERR] = si->err;
	f.gregs[GREG_TRAPNO] = si->trapno;
	f.gregs[GREG_OLDMASK] = oldmask;
	f.gregs[GREG_CR2] = si->trapno == PF_VECTOR ? si->addr : 0;
	f.fpstate = fpaddr;
	f.sigmask = oldmask;
	struct uapi_siginfo info = proc_siginfo_to_uapi(sig, si);
	f.si_signo = info.si_signo;
	f.si_errno = info.si_errno;
	f.si_code = info.si_code;
	for (u32 i = 0; i < 14; i++)
		f.si_fields[i] = info.si_fields[i];
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

/* run_handler - build the frame of a caught signal (`oldmask`: the mask the handler's return
 * restores) and block what the handler blocks (Linux's handle_signal + signal_delivered);
 * false when the frame could not be built and p was killed with SIGSEGV. */
static bool run_handler(struct thread *p, u32 sig, const struct proc_sigaction *act,
			const struct proc_siginfo *si, u64 oldmask)
{
	if (!setup_frame(p, sig, act, oldmask, si)) {
		fw_info("pid %u: cannot build the frame of signal %u: killed by SIGSEGV", p->pid,
			sig);
		terminate(p, SIGSEGV);
		return false;
	}
	spin_lock(&p->sig_lock);
	if (p->sigsuspended)
		p->sigmask = p->sigsaved;
	proc_sigsuspended_set_locked(p, false);
	p->sigmask |= act->mask | ((act->flags & UAPI_SA_NODEFER) ? 0 : sigbit(sig));
	p->sigmask &= ~UNBLOCKABLE;
	spin_unlock(&p->sig_lock);
	if (p->altstack.flags & UAPI_SS_AUTODISARM)
		p->altstack = (struct proc_altstack){ .flags = UAPI_SS_DISABLE };
	return true;
}

/* settle_restart - a handler is about to run (or none ran: `handler` false) after the call
 * `nr` returned the -ERESTART* value `ret`: turn it into -EINTR or rewind to the `syscall`
 * instruction (2 bytes) with the number back in RAX. */
static void settle_restart(struct thread *p, u64 nr, i64 ret, bool handler, u64 act_flags)
{
	struct user_context *uc = &p->uc;
	bool again = !handler || ret == -ERESTARTNOINTR ||
		     (ret == -ERESTARTSYS && (act_flags & UAPI_SA_RESTART));
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

static bool deliver(struct thread *p, u64 nr, i64 ret, bool restart);

bool proc_signal_deliver_pending(struct thread *p, u64 nr, i64 ret)
{
	bool restart = proc_is_restart(ret);
	/* The common return (proc_signal_deliver's inline test, the same as this one): no call
	 * to settle, no signal pending, no sigsuspend mask to put back: no lock. A signal posted
	 * just after this look is seen at the next return from user mode (the timer's at the
	 * latest), as one posted just after the locked look in deliver() would be. */
	if (!restart && !atomic_u32_load_relaxed(&p->sig_attn))
		return true;
	return deliver(p, nr, ret, restart);
}

/* deliver - proc_signal_deliver's slow path: settle the call, deliver what is pending. */
static FW_NOINLINE bool deliver(struct thread *p, u64 nr, i64 ret, bool restart)
{
	for (;;) {
		struct proc_siginfo si = { 0 };
		struct proc_sigaction act = { 0 };
		spin_lock(&p->sig_lock);
		u32 sig = proc_sigdequeue_locked(p, ~p->sigmask | sigbit(SIGKILL), &si);
		if (sig) {
			act = action_locked(p, sig, true);
		} else if (!restart) {
			/* nothing to deliver and no call to settle (the common return): the end
			 * below under this same hold of the lock */
			if (p->sigsuspended) {
				p->sigmask = p->sigsaved;
				proc_sigsuspended_set_locked(p, false);
			}
			spin_unlock(&p->sig_lock);
			return true;
		}
		u64 oldmask = p->sigsuspended ? p->sigsaved : p->sigmask;
		spin_unlock(&p->sig_lock);
		if (!sig)
			break;
		if (sig == SIGKILL || act.handler == UAPI_SIG_DFL) {
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
		if (act.handler == UAPI_SIG_IGN)
			continue;
		/* A handler runs: first settle an interrupted call. */
		if (restart)
			settle_restart(p, nr, ret, true, act.flags);
		return run_handler(p, sig, &act, &si, oldmask);
	}
	if (restart)
		settle_restart(p, nr, ret, false, 0);
	spin_lock(&p->sig_lock);
	if (p->sigsuspended) {
		/* rt_sigsuspend ends without a handler (it restarts): its mask goes */
		p->sigmask = p->sigsaved;
		proc_sigsuspended_set_locked(p, false);
	}
	spin_unlock(&p->sig_lock);
	return true;
}

/* fault_code - the si_code of an exception (Linux's traps and page-fault handler). */
static i32 fault_code(u32 sig, struct user_exception ex)
{
	if (ex.vector == PF_VECTOR && sig == SIGBUS)
		return UAPI_BUS_ADRERR; /* a file mapping past the end of its file */
	if (ex.vector == PF_VECTOR)
		return (ex.error_code & 1) ? UAPI_SEGV_ACCERR : UAPI_SEGV_MAPERR;
	if (ex.vector == 6)
		return UAPI_ILL_ILLOPN;
	if (ex.vector == 0)
		return UAPI_FPE_INTDIV;
	return UAPI_SI_KERNEL; /* a general protection fault and the rest */
}

bool proc_signal_fault(struct thread *p, u32 sig, struct user_exception ex)
{
	spin_lock(&p->sig_lock);
	struct proc_sigaction act = action_locked(p, sig, false);
	/* as Linux's force_sig: a blocked or ignored fault signal kills */
	bool caught = sig != SIGKILL && act.handler > UAPI_SIG_IGN && !(p->sigmask & sigbit(sig));
	if (caught)
		act = action_locked(p, sig, true);
	u64 oldmask = p->sigsuspended ? p->sigsaved : p->sigmask;
	spin_unlock(&p->sig_lock);
	if (caught) {
		i32 code = fault_code(sig, ex);
		struct proc_siginfo si = { .code = code, .trapno = ex.vector, .err = ex.error_code };
		/* si_addr: the address for a page fault, the instruction for the others */
		si.addr = ex.vector == PF_VECTOR ? ex.fault_addr : user_ctx_ip(&p->uc);
		if (code == UAPI_SI_KERNEL)
			si.addr = 0;
		return run_handler(p, sig, &act, &si, oldmask);
	}
	fw_info("pid %u: exception %u (error %x) at %x (address %x): killed by signal %u",
		p->pid, ex.vector, ex.error_code, user_ctx_ip(&p->uc), ex.fault_addr, sig);
	terminate(p, sig);
	return false;
}

bool proc_sigreturn(struct thread *p)
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
	ok = ok && !user_ctx_set_ip(uc, uaddr(f.gregs[GREG_RIP])) &&
	     !user_ctx_set_sp(uc, uaddr(f.gregs[GREG_RSP]));
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
	/* uc_stack becomes the alternate stack again (an SS_AUTODISARM one is re-armed); as
	 * Linux, a refusal (the restored context runs on it: EPERM) is not an error */
	struct uapi_stack ss = { .ss_sp = f.ss_sp, .ss_flags = (i32)f.ss_flags,
				 .ss_size = f.ss_size };
	(void)proc_sigaltstack(p, &ss, NULL, f.gregs[GREG_RSP], UAPI_MINSIGSTKSZ);
	return true;
}
