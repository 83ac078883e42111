/*
 * signal.c — signal delivery (proc/process.h): pending sets, waking a blocked process, the
 * default actions, and handler frames on the user stack in Linux's x86-64 layout (struct
 * rt_sigframe: the return address = sa_restorer, a ucontext with the general registers and
 * the signal mask, a siginfo, and the FPU image below them), restored by rt_sigreturn.
 *
 * Delivery happens in the runner just before a process returns to user mode. A process that
 * was blocked in a system call (SC_BLOCK rewound it to its `syscall` instruction) gets -EINTR
 * when a handler runs, or re-runs the call after the handler with SA_RESTART for the calls
 * Linux restarts. Standard signals do not queue: one pending bit and one siginfo per signal.
 * Stop signals stop the process (PROC_STOPPED) until SIGCONT or SIGKILL; wait4 reports both
 * with WUNTRACED/WCONTINUED. The FPU image is written raw (the XSAVE/FXSAVE bytes) without the
 * FP_XSTATE magic words, so user space sees it as a legacy FXSAVE area.
 */
#include <fw/log.h>
#include <fw/uaccess.h>
#include <proc/process.h>

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
	struct process *parent = p->parent;
	if (!parent || parent->state == PROC_ZOMBIE)
		return;
	litelock_lock(&proc_lock);
	if (parent->state == PROC_BLOCKED && !parent->wait_console)
		parent->state = PROC_RUNNABLE;
	litelock_unlock(&proc_lock);
	if (!(parent->sigactions[SIGCHLD - 1].flags & 1 /* SA_NOCLDSTOP */))
		proc_signal_send(parent, SIGCHLD, (struct proc_siginfo){
			.code = code, .pid = p->pid, .status = (i32)sig });
}

static bool ignored(const struct process *p, u32 sig)
{
	u64 h = p->sigactions[sig - 1].handler;
	return sig != SIGKILL && (h == SIG_IGN || (h == 0 && default_ignores(sig)));
}

void proc_signal_send(struct process *p, u32 sig, struct proc_siginfo info)
{
	if (sig < 1 || sig > PROC_NSIG || p->state == PROC_ZOMBIE)
		return;
	/* Stop and continue act when sent (as Linux): each cancels the other's pending. */
	if (is_stop(sig))
		p->sigpending &= ~sigbit(SIGCONT);
	if (sig == SIGCONT) {
		p->sigpending &= ~STOP_SIGS;
		if (p->state == PROC_STOPPED) {
			litelock_lock(&proc_lock);
			p->state = PROC_RUNNABLE;
			p->stop_sig = 0;
			p->cont_report = true;
			litelock_unlock(&proc_lock);
			notify_parent(p, 6, SIGCONT);
		}
	}
	if (sig == SIGKILL && p->state == PROC_STOPPED) {
		litelock_lock(&proc_lock);
		p->state = PROC_RUNNABLE;
		litelock_unlock(&proc_lock);
	}
	bool blocked = (p->sigmask & sigbit(sig)) != 0;
	if (!blocked && ignored(p, sig))
		return;
	blocked = blocked && !(p->sigwaiting & sigbit(sig)); /* rt_sigtimedwait wakes for it */
	if (p->pid == 1 && p->sigactions[sig - 1].handler == 0)
		return; /* init only gets the signals it has handlers for (as Linux) */
	if (!(p->sigpending & sigbit(sig)))
		p->siginfo[sig - 1] = info;
	p->sigpending |= sigbit(sig);
	if (blocked || p->state == PROC_STOPPED)
		return;
	litelock_lock(&proc_lock);
	if (p->state == PROC_BLOCKED) {
		p->state = PROC_RUNNABLE;
		p->wait_console = false;
		p->wait_pipe = false;
	}
	litelock_unlock(&proc_lock);
}

static struct process *reaper_of(struct process *p)
{
	while (p->parent)
		p = p->parent;
	return p;
}

static void terminate(struct process *p, u32 sig)
{
	vmspace_deactivate();
	proc_exit(p, (int)sig, reaper_of(p));
}

/* never_restarted - the calls Linux ends with EINTR even under SA_RESTART when a handler runs
 * (poll, select, pselect6, ppoll, pause, nanosleep, rt_sigtimedwait, rt_sigsuspend, clock_nanosleep,
 * epoll_wait, epoll_pwait). */
static bool never_restarted(u64 nr)
{
	switch (nr) {
	case 7: case 23: case 34: case 35: case 128: case 130: case 230: case 232: case 270: case 271:
	case 281:
		return true;
	default:
		return false;
	}
}

/* setup_frame - build sig's frame on p's stack and point p at the handler; false on a bad
 * stack or handler. */
static bool setup_frame(struct process *p, u32 sig, const struct proc_sigaction *act,
			u64 oldmask)
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
	struct proc_siginfo si = p->siginfo[sig - 1];
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
	u64 ready = p->sigpending & set;
	if (!ready)
		return 0;
	u32 sig = (u32)__builtin_ctzll(ready) + 1;
	p->sigpending &= ~sigbit(sig);
	if (info.v) {
		struct proc_siginfo si = p->siginfo[sig - 1];
		struct usiginfo u = { .si_signo = (i32)sig, .si_code = si.code };
		u.si_fields[0] = si.pid;
		u.si_fields[1] = (u32)si.status;
		if (usiginfo_p_to_user(&u, info))
			return -EFAULT;
	}
	return (int)sig;
}

bool proc_signal_deliver(struct process *p)
{
	for (;;) {
		u64 ready = p->sigpending & ~p->sigmask;
		if (!ready)
			break;
		u32 sig = (u32)__builtin_ctzll(ready) + 1;
		if (ready & sigbit(SIGKILL))
			sig = SIGKILL;
		p->sigpending &= ~sigbit(sig);
		struct proc_sigaction act = p->sigactions[sig - 1];
		if (sig == SIGKILL || act.handler == 0) {
			if (sig != SIGKILL && default_ignores(sig))
				continue;
			if (is_stop(sig)) {
				litelock_lock(&proc_lock);
				p->state = PROC_STOPPED;
				p->stop_sig = sig;
				p->cont_report = false;
				litelock_unlock(&proc_lock);
				notify_parent(p, 5, sig);
				return true; /* the runner moves on; SIGCONT makes p runnable */
			}
			terminate(p, sig);
			return false;
		}
		if (act.handler == SIG_IGN)
			continue;
		/* A handler runs: first settle an interrupted blocking call. */
		struct user_context *uc = &p->uc;
		if (p->in_block) {
			p->in_block = false;
			u64 nr = user_ctx_syscall_nr(uc);
			p->wait_deadline_ns = 0;
			p->wait_console = false;
			p->sigwaiting = 0;
			p->wait_pipe = false;
			if (!(act.flags & SA_RESTART) || never_restarted(nr)) {
				/* a pipe write that moved bytes returns their count, as Linux */
				i64 done = p->pipe_written ? (i64)p->pipe_written : -EINTR;
				p->pipe_written = 0;
				(void)user_ctx_set_ip(uc, uaddr(user_ctx_ip(uc) + 2));
				user_ctx_set_retval(uc, done);
			}
		}
		u64 oldmask = p->sigsuspended ? p->sigsaved : p->sigmask;
		p->sigsuspended = false;
		if (!setup_frame(p, sig, &act, oldmask)) {
			fw_info("pid %u: cannot build the frame of signal %u: killed by SIGSEGV",
				p->pid, sig);
			terminate(p, SIGSEGV);
			return false;
		}
		p->sigmask |= act.mask | ((act.flags & SA_NODEFER) ? 0 : sigbit(sig));
		p->sigmask &= ~UNBLOCKABLE;
		if (act.flags & SA_RESETHAND)
			p->sigactions[sig - 1] = (struct proc_sigaction){ 0 };
		return true;
	}
	if (p->sigsuspended && !p->in_block) {
		/* rt_sigsuspend returned without a handler running: its mask goes */
		p->sigmask = p->sigsaved;
		p->sigsuspended = false;
	}
	return true;
}

bool proc_signal_fault(struct process *p, u32 sig, struct user_exception ex)
{
	u64 h = p->sigactions[sig - 1].handler;
	if (h > SIG_IGN && !(p->sigmask & sigbit(sig))) {
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
		p->sigpending |= sigbit(sig);
		p->in_block = false;
		/* deliver this one first: hold back the others for a moment */
		u64 others = p->sigpending & ~sigbit(sig);
		p->sigpending = sigbit(sig);
		bool alive = proc_signal_deliver(p);
		p->sigpending |= others;
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
	p->sigmask = f.sigmask & ~UNBLOCKABLE;
	p->in_block = false;
	return true;
}
