/*
 * proc.c — process system calls: exit (one thread) and exit_group, the id getters (getpid is
 * the thread group's id, gettid the thread's), fork/vfork/clone (a new process with a
 * copy-on-write copy of the address space; with CLONE_VM one that runs in the caller's
 * memory, with CLONE_VFORK while the caller sleeps until it execs or exits; or with
 * CLONE_THREAD a thread of the caller's group: proc/thread.c), execve, set_tid_address and
 * arch_prctl.
 * wait4 and waitid: syscall/wait.c.
 */
#include <fw/log.h>
#include <fw/uaccess.h>
#include <proc/pidfd.h>
#include <proc/wait.h>
#include <syscall/define.h>
#include <uapi/prctl.h>
#include <uapi/events.h>
#include <uapi/sched.h>

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

DEFINE_UCOPY(uword_p, u64);
DEFINE_UCOPY(uint_p, u32);
DEFINE_UCOPY(ubyte, u8);
DEFINE_UCOPY(ucomm, struct proc_comm);

/* exit ends the calling thread (the group with its last thread), exit_group every thread. */
SYSCALL_DEFINE1(exit, int, error_code)
{
	proc_thread_exit(p, (error_code & 0xff) << 8);
	return SC_GONE;
}

SYSCALL_DEFINE1(exit_group, int, error_code)
{
	proc_group_exit(p, (error_code & 0xff) << 8);
	return SC_GONE;
}

SYSCALL_DEFINE0(getpid)
{
	return p->leader->pid;
}

SYSCALL_DEFINE0(gettid)
{
	return p->pid;
}

SYSCALL_DEFINE0(getppid)
{
	return atomic_u32_load(&p->proc->ppid);
}

SYSCALL_DEFINE0(getuid)
{
	return p->fs.cred.uid;
}

SYSCALL_DEFINE0(geteuid)
{
	return p->fs.cred.euid;
}

SYSCALL_DEFINE0(getgid)
{
	return p->fs.cred.gid;
}

SYSCALL_DEFINE0(getegid)
{
	return p->fs.cred.egid;
}

/* who - the process `pid` names for getpgid/getsid (0: p), with a reference; NULL: ESRCH. */
static struct thread *who(struct thread *p, i64 pid)
{
	if (!pid) {
		proc_get(p);
		return p;
	}
	return pid > 0 ? proc_by_pid(pid) : NULL;
}

SYSCALL_DEFINE1(getpgid, int, pid)
{
	struct thread *t = who(p->leader, pid);
	if (!t)
		return -ESRCH;
	i64 r = proc_pgid(t);
	proc_put(t);
	return r;
}

SYSCALL_DEFINE1(getsid, int, pid)
{
	struct thread *t = who(p->leader, pid);
	if (!t)
		return -ESRCH;
	i64 r = proc_sid(t);
	proc_put(t);
	return r;
}

SYSCALL_DEFINE0(getpgrp)
{
	return proc_pgid(p->leader);
}

SYSCALL_DEFINE2(setpgid, int, pid, int, pgid)
{
	return proc_setpgid(p->leader, pid, pgid);
}

SYSCALL_DEFINE0(setsid)
{
	return proc_setsid(p->leader);
}

/* copy_context - the child's registers, TLS base and FPU state from the parent's. */
static void copy_context(struct thread *child, struct thread *p)
{
	for (int r = 0; r < UREG_COUNT; r++)
		user_ctx_set_reg(&child->uc, (enum user_reg)r, user_ctx_reg(&p->uc, (enum user_reg)r));
	(void)user_ctx_set_fs_base(&child->uc, uaddr(user_ctx_fs_base(&p->uc)));
	(void)bytes_copy(user_ctx_fpu_bytes(&child->uc), user_ctx_fpu_bytes(&p->uc));
	user_ctx_set_retval(&child->uc, 0);
}

/* vfork_released - the vfork child c no longer uses p's memory, or p is being killed. */
static bool vfork_released(struct thread *p, struct thread *c)
{
	spin_lock(&proc_lock);
	bool waiting = c->vfork_wait;
	spin_unlock(&proc_lock);
	return !waiting || proc_signal_fatal(p);
}

/* nproc_exceeded - RLIMIT_NPROC: the caller's real user already runs as many tasks as its limit
 * allows (root, by real or effective uid, is exempt: Linux's INIT_USER and CAP_SYS_RESOURCE). */
static bool nproc_exceeded(struct thread *p)
{
	const struct cred *c = &p->fs.cred;
	if (c->uid == 0 || c->euid == 0)
		return false;
	return proc_count_tasks(c->uid) >= proc_rlimit_cur(p, UAPI_RLIMIT_NPROC);
}

/* install_pidfd - CLONE_PIDFD: a close-on-exec pidfd for the child c in p's table, its number
 * written to user `to` (clone's parent_tid): the fd, or -ENOMEM, -EMFILE, -EFAULT. */
static i64 install_pidfd(struct thread *p, struct thread *c, u64 to)
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

/* do_fork - a new process: fork, vfork, and clone/clone3 without CLONE_THREAD. The low byte
 * of `flags` is the exit signal (SIGCHLD for fork; another, or none, makes a "clone child"
 * that only __WCLONE/__WALL waits see). CLONE_VM shares the caller's memory (with CLONE_VFORK
 * the caller sleeps until the child execs or exits; without, both run in it, as threads of
 * two processes), CLONE_FILES its descriptor table, CLONE_FS its cwd, root and umask;
 * CLONE_PARENT makes the child its parent's (with the caller's own exit signal); CLONE_SETTLS
 * sets the child's fs base. Not offered (EINVAL): CLONE_SIGHAND without CLONE_THREAD (one
 * handler table for two processes: an exec would have to unshare a table other processes'
 * signal paths read without a lock), the namespaces. CLONE_SYSVSEM, CLONE_DETACHED,
 * CLONE_PTRACE and CLONE_UNTRACED are accepted and change nothing here (no System V
 * semaphore undo lists, no ptrace). CLONE_PIDFD: a pidfd for the child, its number written to
 * `pidfd_to`. */
static i64 do_fork(struct thread *p, u64 flags, u64 stack, u64 ptid, u64 ctid, u64 tls,
		   u64 pidfd_to)
{
	u64 allowed = UAPI_CSIGNAL | UAPI_CLONE_VM | UAPI_CLONE_FS | UAPI_CLONE_FILES |
		      UAPI_CLONE_VFORK | UAPI_CLONE_PARENT | UAPI_CLONE_SETTLS |
		      UAPI_CLONE_SYSVSEM | UAPI_CLONE_DETACHED | UAPI_CLONE_PTRACE |
		      UAPI_CLONE_UNTRACED | UAPI_CLONE_PARENT_SETTID | UAPI_CLONE_CHILD_CLEARTID |
		      UAPI_CLONE_CHILD_SETTID | UAPI_CLONE_PIDFD;
	if (flags & ~allowed) {
		fw_debug("clone: process flags %lx not supported", flags & ~allowed);
		return -EINVAL;
	}
	if ((flags & UAPI_CLONE_SETTLS) && tls >= VM_USER_END)
		return -EPERM; /* Linux's do_arch_prctl_64: a base outside the user half */
	if (nproc_exceeded(p))
		return -EAGAIN;
	bool shared = (flags & UAPI_CLONE_VM) != 0;
	struct thread *c = proc_create(p);
	if (!c)
		return -ENOMEM;
	proc_ctl_fork(c, p, false);
	u32 tid = c->pid;
	int e = 0;
	if (shared) {
		/* the child runs in the caller's memory (vfork: while the caller sleeps) */
		proc_share_memory(c, p);
		if (flags & UAPI_CLONE_CHILD_SETTID)
			(void)uint_p_to_user(&tid, uaddr(ctid));
	} else {
		/* CLONE_CHILD_SETTID writes the child's tid into the child's memory: write it
		 * into the parent's page before the copy and restore the parent's word after. */
		u64 saved = 0;
		bool settid = (flags & UAPI_CLONE_CHILD_SETTID) && !uword_p_from_user(&saved, uaddr(ctid));
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
	if ((flags & UAPI_CLONE_FS) && proc_fs_share(c, p)) {
		proc_discard(c);
		return -ENOMEM;
	}
	/* the mask, the dispositions (a copy: no CLONE_SIGHAND), the alternate signal stack
	 * and the CPU affinity are inherited */
	proc_sighand_inherit(c, p);
	/* Linux's copy_process: CLONE_VM without CLONE_VFORK starts with no alternate
	 * signal stack (it would be the caller's, in the same memory) */
	if ((flags & (UAPI_CLONE_VM | UAPI_CLONE_VFORK)) == UAPI_CLONE_VM)
		c->altstack = (struct proc_altstack){ .flags = UAPI_SS_DISABLE };
	else
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
	c->clear_child_tid = (flags & UAPI_CLONE_CHILD_CLEARTID) ? ctid : 0;
	/* Out of memory for the descriptor table: the fork fails (it succeeded with a child
	 * that had no descriptors: found by make test-abi-fault). */
	if (flags & UAPI_CLONE_FILES) {
		proc_share_files(c, p);
	} else if (proc_copy_files(c, p)) {
		proc_discard(c);
		return -ENOMEM;
	}
	/* the exit signal, and the parent: the caller, or with CLONE_PARENT the caller's own
	 * parent (init has none to give: EINVAL, Linux's SIGNAL_UNKILLABLE check) */
	if (proc_set_exit_parent(c, p, (u32)(flags & UAPI_CSIGNAL),
				 (flags & UAPI_CLONE_PARENT) != 0)) {
		proc_discard(c);
		return -EINVAL;
	}
	copy_context(c, p);
	if (stack)
		(void)user_ctx_set_sp(&c->uc, uaddr(stack));
	if (flags & UAPI_CLONE_SETTLS)
		(void)user_ctx_set_fs_base(&c->uc, uaddr(tls));
	if (flags & UAPI_CLONE_VFORK) {
		spin_lock(&proc_lock);
		c->vfork_wait = true;
		spin_unlock(&proc_lock);
	}
	if (flags & UAPI_CLONE_PARENT_SETTID)
		(void)uint_p_to_user(&tid, uaddr(ptid));
	/* after the files were copied: the child does not get its own pidfd (as Linux) */
	i64 pidfd = (flags & UAPI_CLONE_PIDFD) ? install_pidfd(p, c, pidfd_to) : 0;
	if (pidfd < 0) {
		proc_discard(c);
		return pidfd;
	}
	proc_get(c); /* the vfork wait below outlives a fast child's reaping */
	int se = proc_start(c);
	if (se) {
		if (flags & UAPI_CLONE_PIDFD)
			(void)proc_fd_close(p, pidfd);
		proc_put(c);
		proc_discard(c);
		return se; /* -EAGAIN out of tasks, -ENOMEM without frames for its stack (Linux) */
	}
	if (flags & UAPI_CLONE_VFORK) {
		/* Linux's wait_for_vfork_done: until the child execs or exits; only a fatal
		 * signal ends the wait early (others stay pending until then) */
		proc_wait_begin(p, &c->exit_wq, 0);
		WAITQ_WAIT(&c->exit_wq, vfork_released(p, c));
		proc_wait_end(p);
	}
	proc_put(c);
	return tid;
}

SYSCALL_DEFINE0(fork)
{
	return do_fork(p, UAPI_SIGCHLD, 0, 0, 0, 0, 0);
}

SYSCALL_DEFINE0(vfork)
{
	return do_fork(p, UAPI_CLONE_VM | UAPI_CLONE_VFORK | UAPI_SIGCHLD, 0, 0, 0, 0, 0);
}

/* do_thread - clone with CLONE_THREAD: a new thread of p's group (pthread_create's flags). */
static i64 do_thread(struct thread *p, u64 flags, u64 stack, u64 ptid, u64 ctid, u64 tls)
{
	u64 allowed = UAPI_CSIGNAL | UAPI_CLONE_VM | UAPI_CLONE_FS | UAPI_CLONE_FILES |
		      UAPI_CLONE_SIGHAND | UAPI_CLONE_THREAD | UAPI_CLONE_SYSVSEM | UAPI_CLONE_SETTLS |
		      UAPI_CLONE_PARENT_SETTID | UAPI_CLONE_CHILD_SETTID | UAPI_CLONE_CHILD_CLEARTID |
		      UAPI_CLONE_DETACHED;
	/* Linux: a thread shares the handlers, which needs the shared address space */
	if (!(flags & UAPI_CLONE_SIGHAND) || !(flags & UAPI_CLONE_VM))
		return -EINVAL;
	if (flags & ~allowed) {
		fw_debug("clone: thread flags %lx not supported", flags & ~allowed);
		return -EINVAL;
	}
	if ((flags & UAPI_CLONE_SETTLS) && tls >= VM_USER_END)
		return -EPERM; /* Linux's do_arch_prctl_64: a base outside the user half */
	if (nproc_exceeded(p))
		return -EAGAIN;
	struct thread *t = proc_create_thread(p, (flags & UAPI_CLONE_FILES) != 0);
	if (!t)
		return -ENOMEM; /* every way it fails is an allocation (Linux: ENOMEM) */
	if ((flags & UAPI_CLONE_FS) && proc_fs_share(t, p)) {
		proc_discard(t);
		return -ENOMEM;
	}
	copy_context(t, p);
	proc_ctl_fork(t, p, true);
	if (stack)
		(void)user_ctx_set_sp(&t->uc, uaddr(stack));
	if (flags & UAPI_CLONE_SETTLS)
		(void)user_ctx_set_fs_base(&t->uc, uaddr(tls));
	u32 tid = t->pid;
	/* the ids are written before the thread runs (both in the shared memory) */
	if (flags & UAPI_CLONE_PARENT_SETTID)
		(void)uint_p_to_user(&tid, uaddr(ptid));
	if (flags & UAPI_CLONE_CHILD_SETTID)
		(void)uint_p_to_user(&tid, uaddr(ctid));
	t->clear_child_tid = (flags & UAPI_CLONE_CHILD_CLEARTID) ? ctid : 0;
	int e = proc_start(t);
	if (e) {
		proc_discard(t);
		return e;
	}
	return tid;
}

/* do_clone - clone(2) and clone3(2) after their argument checks: flags with the exit signal in
 * the low byte, the child's stack pointer (0: the caller's), where CLONE_PIDFD writes the
 * pidfd (clone: parent_tid; clone3: its own field). No pidfd for a thread or with
 * CLONE_DETACHED (Linux's copy_process). */
static i64 do_clone(struct thread *p, u64 flags, u64 sp, u64 ptid, u64 ctid, u64 tls,
		    u64 pidfd_to)
{
	if ((flags & UAPI_CLONE_PIDFD) && (flags & (UAPI_CLONE_THREAD | UAPI_CLONE_DETACHED)))
		return -EINVAL;
	if (flags & UAPI_CLONE_THREAD)
		return do_thread(p, flags, sp, ptid, ctid, tls);
	if (flags & UAPI_CLONE_SIGHAND) /* handlers shared by two processes: not offered */
		return -EINVAL;
	return do_fork(p, flags, sp, ptid, ctid, tls, pidfd_to);
}

/* x86-64: clone(flags, stack, parent_tid, child_tid, tls) */
SYSCALL_DEFINE5(clone, ulong, flags, ulong, newsp, ulong, parent_tid, ulong, child_tid, ulong, tls)
{
	/* CLONE_PIDFD writes the pidfd where CLONE_PARENT_SETTID writes the tid (Linux's
	 * kernel_clone: both at once is EINVAL) */
	if ((flags & UAPI_CLONE_PIDFD) && (flags & UAPI_CLONE_PARENT_SETTID))
		return -EINVAL;
	return do_clone(p, flags, newsp, parent_tid, child_tid, tls, parent_tid);
}


/* clone3(args, size): struct clone_args as Linux reads it (copy_clone_args_from_user,
 * clone3_args_valid): size at least CLONE_ARGS_SIZE_VER0 (EINVAL) and at most a page (E2BIG);
 * bytes past the structure this kernel knows must be zero (E2BIG); the exit signal in its own
 * field (the flags' low byte and CLONE_DETACHED must be 0), none with CLONE_THREAD or
 * CLONE_PARENT; stack and stack_size both or neither, the child's stack pointer at their end.
 * Not offered (EINVAL): set_tid (choosing the child's pid), CLONE_INTO_CGROUP,
 * CLONE_CLEAR_SIGHAND, and what clone(2) itself refuses. */
SYSCALL_DEFINE2(clone3, ulong, uargs, size, size)
{
	if (size < UAPI_CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	if (size > 4096)
		return -E2BIG;
	/* the structure (a shorter, older one: the fields it lacks stay 0), then every byte past
	 * it, which must be 0 */
	u8 raw[UAPI_CLONE_ARGS_SIZE_VER2] = { 0 };
	struct vm_reader r = vm_reader_user(uaddr(uargs), size);
	struct bytes rb = BYTES_OF_ARRAY(raw);
	u64 head = size < sizeof(raw) ? size : sizeof(raw);
	struct result_size got = vm_read(&r, bytes_head(rb, head));
	if (got.err || got.value < head)
		return -EFAULT;
	for (u64 off = head; off < size;) {
		u8 tail[64];
		u64 n = size - off < sizeof(tail) ? size - off : sizeof(tail);
		got = vm_read(&r, bytes_head(BYTES_OF_ARRAY(tail), n));
		if (got.err || got.value < n)
			return -EFAULT;
		for (u64 k = 0; k < n; k++)
			if (bytes_u8(BYTES_OF_ARRAY(tail), k).value)
				return -E2BIG;
		off += n;
	}
	struct uapi_clone_args args = {
		.flags = bytes_le64(rb, 0).value,
		.pidfd = bytes_le64(rb, 8).value,
		.child_tid = bytes_le64(rb, 16).value,
		.parent_tid = bytes_le64(rb, 24).value,
		.exit_signal = bytes_le64(rb, 32).value,
		.stack = bytes_le64(rb, 40).value,
		.stack_size = bytes_le64(rb, 48).value,
		.tls = bytes_le64(rb, 56).value,
		.set_tid = bytes_le64(rb, 64).value,
		.set_tid_size = bytes_le64(rb, 72).value,
		.cgroup = bytes_le64(rb, 80).value,
	};
	if (args.exit_signal & ~0xffull || args.exit_signal > UAPI_NSIG)
		return -EINVAL;
	if (args.set_tid_size || args.set_tid)
		return -EINVAL; /* choosing the pid (privileged in Linux): not offered */
	if (args.flags & ~0xffffffffull) /* CLONE_CLEAR_SIGHAND, CLONE_INTO_CGROUP: not offered */
		return -EINVAL;
	if (args.flags & (UAPI_CLONE_DETACHED | (UAPI_CSIGNAL & ~0x80ull))) /* but CLONE_NEWTIME */
		return -EINVAL;
	if ((args.flags & (UAPI_CLONE_THREAD | UAPI_CLONE_PARENT)) && args.exit_signal)
		return -EINVAL;
	if (!args.stack != !args.stack_size)
		return -EINVAL;
	u64 sp = 0;
	if (args.stack) {
		if (args.stack_size > VM_USER_END || args.stack > VM_USER_END - args.stack_size)
			return -EINVAL; /* Linux's access_ok */
		sp = args.stack + args.stack_size;
	}
	return do_clone(p, args.flags | args.exit_signal, sp, args.parent_tid, args.child_tid,
			args.tls, args.pidfd);
}

SYSCALL_DEFINE3(execve, ulong, filename, ulong, uargv, ulong, uenvp)
{
	struct upath path;
	struct uargv argv, envp;
	int e = upath_get(&path, filename);
	int ea = uargv_get(&argv, uargv);
	int ee = uargv_get(&envp, uenvp);
	if (!e)
		e = ea ? ea : ee;
	if (!e)
		e = proc_execve(p, path.s, &argv.v, &envp.v);
	uargv_put(&envp);
	uargv_put(&argv);
	upath_put(&path);
	return e;
}

SYSCALL_DEFINE0(restart_syscall)
{
	return proc_restart_sleep(p);
}

SYSCALL_DEFINE1(set_tid_address, ulong, tidptr)
{
	p->clear_child_tid = tidptr;
	return p->pid;
}

/* prctl(2): the process's name (PR_SET_NAME copies at most 15 bytes, up to a NUL, as
 * Linux's strncpy_from_user; PR_GET_NAME writes all 16), the parent-death signal, the
 * dumpable flag, no_new_privs and the child-subreaper flag (proc/ctl.c), with Linux's
 * argument checks. Other options: -EINVAL. */
SYSCALL_DEFINE5(prctl, int, option, ulong, arg2, ulong, arg3, ulong, arg4, ulong, arg5)
{
	bool rest_zero = !arg3 && !arg4 && !arg5;
	switch (option) {
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
			if (ubyte_from_user(&b, uaddr_add(uaddr(arg2), n)))
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
		return ucomm_to_user(&c, uaddr(arg2)) ? -EFAULT : 0;
	}
	default:
		return -EINVAL;
	}
}

/* personality(2): 0xffffffff asks; otherwise the new persona, the old one returned. Only
 * PER_LINUX is offered, with ADDR_NO_RANDOMIZE (Trellis never randomizes the layout, so the
 * flag holds as asked); any other persona or flag would not be honoured: -EINVAL. */
SYSCALL_DEFINE1(personality, uint, persona)
{
	u32 old = proc_personality(p);
	if (persona == UAPI_PER_QUERY)
		return old;
	if (persona & ~UAPI_ADDR_NO_RANDOMIZE)
		return -EINVAL;
	proc_set_personality(p, persona);
	return old;
}

SYSCALL_DEFINE2(arch_prctl, int, option, ulong, arg2)
{
	switch (option) {
	case ARCH_SET_FS:
		return user_ctx_set_fs_base(&p->uc, uaddr(arg2)) ? -EPERM : 0;
	case ARCH_GET_FS: {
		u64 base = user_ctx_fs_base(&p->uc);
		return uword_p_to_user(&base, uaddr(arg2)) ? -EFAULT : 0;
	}
	default:
		return -EINVAL; /* GS and the CPUID controls: not yet */
	}
}
