/*
 * proc.c — process system calls: exit (one thread) and exit_group, the id getters (getpid is
 * the thread group's id, gettid the thread's), fork/vfork/clone (a new process with a
 * copy-on-write copy of the address space; with CLONE_VM|CLONE_VFORK one that runs in the
 * parent's memory while the parent sleeps until it execs or exits; or with CLONE_THREAD a
 * thread of the caller's group: proc/thread.c), execve, set_tid_address and arch_prctl.
 * wait4 and waitid: syscall/wait.c.
 */
#include <fw/log.h>
#include <fw/uaccess.h>
#include <proc/pidfd.h>
#include <proc/wait.h>
#include <syscall/syscall.h>
#include <uapi/prctl.h>
#include <uapi/events.h>

#define SIGCHLD 17
#define CLONE_VM 0x100ull
#define CLONE_FS 0x200ull
#define CLONE_FILES 0x400ull
#define CLONE_SIGHAND 0x800ull
#define CLONE_VFORK 0x4000ull
#define CLONE_THREAD 0x10000ull
#define CLONE_SYSVSEM 0x40000ull
#define CLONE_SETTLS 0x80000ull
#define CLONE_PARENT_SETTID 0x100000ull
#define CLONE_CHILD_CLEARTID 0x200000ull
#define CLONE_DETACHED 0x400000ull
#define CLONE_CHILD_SETTID 0x1000000ull
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

DEFINE_UCOPY(uword_p, u64);
DEFINE_UCOPY(uint_p, u32);
DEFINE_UCOPY(ubyte, u8);
DEFINE_UCOPY(ucomm, struct proc_comm);

/* exit ends the calling thread (the group with its last thread), exit_group every thread. */
i64 sys_exit(struct process *p, const struct sc_args *a)
{
	proc_thread_exit(p, (int)((a->a[0] & 0xff) << 8));
	return SC_GONE;
}

i64 sys_exit_group(struct process *p, const struct sc_args *a)
{
	proc_group_exit(p, (int)((a->a[0] & 0xff) << 8));
	return SC_GONE;
}

i64 sys_getpid(struct process *p, const struct sc_args *a)
{
	(void)a;
	return p->leader->pid;
}

i64 sys_gettid(struct process *p, const struct sc_args *a)
{
	(void)a;
	return p->pid;
}

i64 sys_getppid(struct process *p, const struct sc_args *a)
{
	(void)a;
	return atomic_u32_load(&p->leader->ppid);
}

i64 sys_getuid(struct process *p, const struct sc_args *a)
{
	(void)a;
	return p->fs.cred.uid;
}

i64 sys_geteuid(struct process *p, const struct sc_args *a)
{
	(void)a;
	return p->fs.cred.euid;
}

i64 sys_getgid(struct process *p, const struct sc_args *a)
{
	(void)a;
	return p->fs.cred.gid;
}

i64 sys_getegid(struct process *p, const struct sc_args *a)
{
	(void)a;
	return p->fs.cred.egid;
}

/* who - the process `pid` names for getpgid/getsid (0: p), with a reference; NULL: ESRCH. */
static struct process *who(struct process *p, i64 pid)
{
	if (!pid) {
		proc_get(p);
		return p;
	}
	return pid > 0 ? proc_by_pid(pid) : NULL;
}

i64 sys_getpgid(struct process *p, const struct sc_args *a)
{
	struct process *t = who(p->leader, (i64)(i32)a->a[0]);
	if (!t)
		return -ESRCH;
	i64 r = proc_pgid(t);
	proc_put(t);
	return r;
}

i64 sys_getsid(struct process *p, const struct sc_args *a)
{
	struct process *t = who(p->leader, (i64)(i32)a->a[0]);
	if (!t)
		return -ESRCH;
	i64 r = proc_sid(t);
	proc_put(t);
	return r;
}

i64 sys_getpgrp(struct process *p, const struct sc_args *a)
{
	(void)a;
	return proc_pgid(p->leader);
}

i64 sys_setpgid(struct process *p, const struct sc_args *a)
{
	return proc_setpgid(p->leader, (i64)(i32)a->a[0], (i64)(i32)a->a[1]);
}

i64 sys_setsid(struct process *p, const struct sc_args *a)
{
	(void)a;
	return proc_setsid(p->leader);
}

/* copy_context - the child's registers, TLS base and FPU state from the parent's. */
static void copy_context(struct process *child, struct process *p)
{
	for (int r = 0; r < UREG_COUNT; r++)
		user_ctx_set_reg(&child->uc, (enum user_reg)r, user_ctx_reg(&p->uc, (enum user_reg)r));
	(void)user_ctx_set_fs_base(&child->uc, uaddr(user_ctx_fs_base(&p->uc)));
	(void)bytes_copy(user_ctx_fpu_bytes(&child->uc), user_ctx_fpu_bytes(&p->uc));
	user_ctx_set_retval(&child->uc, 0);
}

/* vfork_released - the vfork child c no longer uses p's memory, or p is being killed. */
static bool vfork_released(struct process *p, struct process *c)
{
	spin_lock(&proc_lock);
	bool waiting = c->vfork_wait;
	spin_unlock(&proc_lock);
	return !waiting || proc_signal_fatal(p);
}

/* nproc_exceeded - RLIMIT_NPROC: the caller's real user already runs as many tasks as its limit
 * allows (root, by real or effective uid, is exempt: Linux's INIT_USER and CAP_SYS_RESOURCE). */
static bool nproc_exceeded(struct process *p)
{
	const struct cred *c = &p->fs.cred;
	if (c->uid == 0 || c->euid == 0)
		return false;
	return proc_count_tasks(c->uid) >= proc_rlimit_cur(p, UAPI_RLIMIT_NPROC);
}

/* install_pidfd - CLONE_PIDFD: a close-on-exec pidfd for the child c in p's table, its number
 * written to user `to` (clone's parent_tid): the fd, or -ENOMEM, -EMFILE, -EFAULT. */
static i64 install_pidfd(struct process *p, struct process *c, u64 to)
{
	struct file_result f = pidfd_new(c, 0);
	if (f.err)
		return f.err;
	struct result_i64 fd = proc_fd_install(p, f.value, 0, true);
	if (fd.err) {
		vfs_close(f.value);
		return fd.err;
	}
	u32 v = (u32)fd.value;
	if (uint_p_to_user(&v, uaddr(to))) {
		(void)proc_fd_close(p, fd.value);
		return -EFAULT;
	}
	return fd.value;
}

static i64 do_fork(struct process *p, u64 flags, u64 stack, u64 ptid, u64 ctid)
{
	u64 allowed = 0xff | CLONE_VM | CLONE_VFORK | CLONE_PARENT_SETTID |
		      CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | UAPI_CLONE_PIDFD;
	if ((flags & ~allowed) || (flags & 0xff) != SIGCHLD)
		return -EINVAL; /* threads and other exit signals: not yet */
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
		return -EINVAL; /* a shared address space without vfork is a thread */
	if (nproc_exceeded(p))
		return -EAGAIN;
	bool shared = (flags & CLONE_VM) != 0;
	struct process *c = proc_create(p);
	if (!c)
		return -ENOMEM;
	proc_ctl_fork(c, p, false);
	u32 tid = c->pid;
	int e = 0;
	if (shared) {
		/* vfork: the child runs in the parent's memory while the parent sleeps */
		proc_share_memory(c, p);
		if (flags & CLONE_CHILD_SETTID)
			(void)uint_p_to_user(&tid, uaddr(ctid));
	} else {
		/* CLONE_CHILD_SETTID writes the child's tid into the child's memory: write it
		 * into the parent's page before the copy and restore the parent's word after. */
		u64 saved = 0;
		bool settid = (flags & CLONE_CHILD_SETTID) && !uword_p_from_user(&saved, uaddr(ctid));
		if (settid && uint_p_to_user(&tid, uaddr(ctid)))
			settid = false;
		e = proc_copy_memory(c, p);
		if (settid)
			(void)uword_p_to_user(&saved, uaddr(ctid));
	}
	if (e) {
		proc_discard(c); /* it never existed for the parent: no SIGCHLD */
		return -ENOMEM;
	}
	c->fs = p->fs;
	vfs_ctx_get(&c->fs); /* the child holds its own root and cwd */
	c->umask = p->umask;
	/* the mask, the dispositions (a copy: no CLONE_SIGHAND), the alternate signal stack
	 * and the CPU affinity are inherited */
	proc_sighand_inherit(c, p);
	c->altstack = p->altstack;
	spin_lock(&p->sig_lock);
	u64 mask = p->sigmask, cpus = p->cpu_mask;
	spin_unlock(&p->sig_lock);
	spin_lock(&c->sig_lock);
	c->sigmask = mask;
	c->cpu_mask = cpus; /* the affinity is inherited (sched_setaffinity(2)) */
	atomic_u64_store(&c->cpu_mask_pending, cpus);
	spin_unlock(&c->sig_lock);
	atomic_u32_store(&c->make_it_fail, atomic_u32_load(&p->make_it_fail));
	c->clear_child_tid = (flags & CLONE_CHILD_CLEARTID) ? ctid : 0;
	/* Out of memory for the descriptor table: the fork fails (it succeeded with a child
	 * that had no descriptors: found by make test-abi-fault). */
	if (proc_copy_files(c, p)) {
		proc_discard(c);
		return -ENOMEM;
	}
	copy_context(c, p);
	if (stack)
		(void)user_ctx_set_sp(&c->uc, uaddr(stack));
	if (flags & CLONE_VFORK) {
		spin_lock(&proc_lock);
		c->vfork_wait = true;
		spin_unlock(&proc_lock);
	}
	if (flags & CLONE_PARENT_SETTID)
		(void)uint_p_to_user(&tid, uaddr(ptid));
	/* after the files were copied: the child does not get its own pidfd (as Linux) */
	i64 pidfd = (flags & UAPI_CLONE_PIDFD) ? install_pidfd(p, c, ptid) : 0;
	if (pidfd < 0) {
		proc_discard(c);
		return pidfd;
	}
	proc_get(c); /* the vfork wait below outlives a fast child's reaping */
	if (proc_start(c)) {
		if (flags & UAPI_CLONE_PIDFD)
			(void)proc_fd_close(p, pidfd);
		proc_put(c);
		proc_discard(c);
		return -EAGAIN;
	}
	if (flags & CLONE_VFORK) {
		/* Linux's wait_for_vfork_done: until the child execs or exits; only a fatal
		 * signal ends the wait early (others stay pending until then) */
		proc_wait_begin(p, &c->exit_wq, 0);
		WAITQ_WAIT(&c->exit_wq, vfork_released(p, c));
		proc_wait_end(p);
	}
	proc_put(c);
	return tid;
}

i64 sys_fork(struct process *p, const struct sc_args *a)
{
	(void)a;
	return do_fork(p, SIGCHLD, 0, 0, 0);
}

i64 sys_vfork(struct process *p, const struct sc_args *a)
{
	(void)a;
	return do_fork(p, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0);
}

/* do_thread - clone with CLONE_THREAD: a new thread of p's group (pthread_create's flags). */
static i64 do_thread(struct process *p, u64 flags, u64 stack, u64 ptid, u64 ctid, u64 tls)
{
	u64 allowed = 0xff | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
		      CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID |
		      CLONE_CHILD_CLEARTID | CLONE_DETACHED;
	/* Linux: a thread shares the handlers, which needs the shared address space */
	if (!(flags & CLONE_SIGHAND) || !(flags & CLONE_VM))
		return -EINVAL;
	if (flags & ~allowed) {
		fw_debug("clone: thread flags %lx not supported", flags & ~allowed);
		return -EINVAL;
	}
	if ((flags & CLONE_SETTLS) && tls >= VM_USER_END)
		return -EPERM; /* Linux's do_arch_prctl_64: a base outside the user half */
	if (nproc_exceeded(p))
		return -EAGAIN;
	struct process *t = proc_create_thread(p, (flags & CLONE_FILES) != 0);
	if (!t)
		return -ENOMEM; /* every way it fails is an allocation (Linux: ENOMEM) */
	copy_context(t, p);
	proc_ctl_fork(t, p, true);
	if (stack)
		(void)user_ctx_set_sp(&t->uc, uaddr(stack));
	if (flags & CLONE_SETTLS)
		(void)user_ctx_set_fs_base(&t->uc, uaddr(tls));
	u32 tid = t->pid;
	/* the ids are written before the thread runs (both in the shared memory) */
	if (flags & CLONE_PARENT_SETTID)
		(void)uint_p_to_user(&tid, uaddr(ptid));
	if (flags & CLONE_CHILD_SETTID)
		(void)uint_p_to_user(&tid, uaddr(ctid));
	t->clear_child_tid = (flags & CLONE_CHILD_CLEARTID) ? ctid : 0;
	int e = proc_start(t);
	if (e) {
		proc_discard(t);
		return e;
	}
	return tid;
}

i64 sys_clone(struct process *p, const struct sc_args *a)
{
	/* x86-64: clone(flags, stack, parent_tid, child_tid, tls) */
	u64 flags = a->a[0];
	/* CLONE_PIDFD writes the pidfd where CLONE_PARENT_SETTID writes the tid; no pidfd for
	 * a thread (Linux's kernel_clone and copy_process) */
	if ((flags & UAPI_CLONE_PIDFD) &&
	    (flags & (CLONE_PARENT_SETTID | CLONE_THREAD | CLONE_DETACHED)))
		return -EINVAL;
	if (a->a[0] & CLONE_THREAD)
		return do_thread(p, a->a[0], a->a[1], a->a[2], a->a[3], a->a[4]);
	if (a->a[0] & CLONE_SIGHAND) /* handlers shared by two processes: not yet */
		return -EINVAL;
	return do_fork(p, a->a[0], a->a[1], a->a[2], a->a[3]);
}

i64 sys_execve(struct process *p, const struct sc_args *a)
{
	struct upath path;
	struct uargv argv, envp;
	int e = upath_get(&path, a->a[0]);
	int ea = uargv_get(&argv, a->a[1]);
	int ee = uargv_get(&envp, a->a[2]);
	if (!e)
		e = ea ? ea : ee;
	if (!e)
		e = proc_execve(p, path.s, &argv.v, &envp.v);
	uargv_put(&envp);
	uargv_put(&argv);
	upath_put(&path);
	return e;
}

i64 sys_restart_syscall(struct process *p, const struct sc_args *a)
{
	(void)a;
	return proc_restart_sleep(p);
}

i64 sys_set_tid_address(struct process *p, const struct sc_args *a)
{
	p->clear_child_tid = a->a[0];
	return p->pid;
}

/* prctl(2): the process's name (PR_SET_NAME copies at most 15 bytes, up to a NUL, as
 * Linux's strncpy_from_user; PR_GET_NAME writes all 16), the parent-death signal, the
 * dumpable flag, no_new_privs and the child-subreaper flag (proc/ctl.c), with Linux's
 * argument checks. Other options: -EINVAL. */
i64 sys_prctl(struct process *p, const struct sc_args *a)
{
	u64 arg2 = a->a[1];
	bool rest_zero = !a->a[2] && !a->a[3] && !a->a[4];
	switch (a->a[0]) {
	case UAPI_PR_SET_PDEATHSIG:
		if (arg2 > UAPI_NSIG)
			return -EINVAL;
		proc_ctl_set_pdeathsig(p, (u32)arg2);
		return 0;
	case UAPI_PR_GET_PDEATHSIG: {
		u32 sig = proc_ctl_pdeathsig(p);
		return uint_p_to_user(&sig, uaddr(arg2)) ? -EFAULT : 0;
	}
	case UAPI_PR_GET_DUMPABLE:
		return proc_ctl_dumpable(p) ? 1 : 0;
	case UAPI_PR_SET_DUMPABLE:
		if (arg2 > 1) /* SUID_DUMP_DISABLE 0, SUID_DUMP_USER 1 */
			return -EINVAL;
		proc_ctl_set_dumpable(p, arg2 == 1);
		return 0;
	case UAPI_PR_SET_NO_NEW_PRIVS:
		if (arg2 != 1 || !rest_zero)
			return -EINVAL;
		proc_ctl_set_no_new_privs(p);
		return 0;
	case UAPI_PR_GET_NO_NEW_PRIVS:
		if (arg2 || !rest_zero)
			return -EINVAL;
		return proc_ctl_no_new_privs(p) ? 1 : 0;
	case UAPI_PR_SET_CHILD_SUBREAPER:
		proc_ctl_set_subreaper(p, arg2 != 0);
		return 0;
	case UAPI_PR_GET_CHILD_SUBREAPER: {
		u32 on = proc_ctl_subreaper(p) ? 1 : 0;
		return uint_p_to_user(&on, uaddr(arg2)) ? -EFAULT : 0;
	}
	case UAPI_PR_SET_NAME: {
		struct proc_comm c = { 0 };
		size_t n = 0;
		for (; n < PROC_COMM_LEN - 1; n++) {
			u8 b;
			if (ubyte_from_user(&b, uaddr_add(uaddr(a->a[1]), n)))
				return -EFAULT;
			if (!b)
				break;
			c.b[n] = b;
		}
		proc_set_comm(p, str_from_bytes(bytes_head(BYTES_OF_ARRAY(c.b), n)));
		return 0;
	}
	case UAPI_PR_GET_NAME: {
		struct proc_comm c;
		proc_get_comm(p, &c);
		return ucomm_to_user(&c, uaddr(a->a[1])) ? -EFAULT : 0;
	}
	default:
		return -EINVAL;
	}
}

/* personality(2): 0xffffffff asks; otherwise the new persona, the old one returned. Only
 * PER_LINUX is offered, with ADDR_NO_RANDOMIZE (Trellis never randomizes the layout, so the
 * flag holds as asked); any other persona or flag would not be honoured: -EINVAL. */
i64 sys_personality(struct process *p, const struct sc_args *a)
{
	u32 persona = (u32)a->a[0];
	u32 old = proc_personality(p);
	if (persona == UAPI_PER_QUERY)
		return old;
	if (persona & ~UAPI_ADDR_NO_RANDOMIZE)
		return -EINVAL;
	proc_set_personality(p, persona);
	return old;
}

i64 sys_arch_prctl(struct process *p, const struct sc_args *a)
{
	switch (a->a[0]) {
	case ARCH_SET_FS:
		return user_ctx_set_fs_base(&p->uc, uaddr(a->a[1])) ? -EPERM : 0;
	case ARCH_GET_FS: {
		u64 base = user_ctx_fs_base(&p->uc);
		return uword_p_to_user(&base, uaddr(a->a[1])) ? -EFAULT : 0;
	}
	default:
		return -EINVAL; /* GS and the CPUID controls: not yet */
	}
}
