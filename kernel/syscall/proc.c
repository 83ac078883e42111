/*
 * proc.c — process system calls: exit and exit_group, the id getters, fork/vfork/clone (a
 * new process with an eager copy of the address space; threads are not supported, so clone
 * accepts only the flags a fork or a vfork-style spawn passes), wait4, execve,
 * set_tid_address and arch_prctl.
 */
#include <fw/uaccess.h>
#include <syscall/syscall.h>

#define SIGCHLD 17
#define CLONE_VM 0x100ull
#define CLONE_VFORK 0x4000ull
#define CLONE_PARENT_SETTID 0x100000ull
#define CLONE_CHILD_CLEARTID 0x200000ull
#define CLONE_CHILD_SETTID 0x1000000ull
#define WNOHANG 1
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

DEFINE_UCOPY(uword_p, u64);
DEFINE_UCOPY(uint_p, u32);

/* The process that inherits orphans (pid 1). */
static struct process *reaper_of(struct process *p)
{
	struct process *r = p;
	while (r->parent)
		r = r->parent;
	return r;
}

i64 sys_exit(struct process *p, const struct sc_args *a)
{
	proc_exit(p, (int)((a->a[0] & 0xff) << 8), reaper_of(p));
	return SC_GONE;
}

i64 sys_exit_group(struct process *p, const struct sc_args *a)
{
	return sys_exit(p, a);
}

i64 sys_getpid(struct process *p, const struct sc_args *a)
{
	(void)a;
	return p->pid;
}

i64 sys_gettid(struct process *p, const struct sc_args *a)
{
	(void)a;
	return p->pid;
}

i64 sys_getppid(struct process *p, const struct sc_args *a)
{
	(void)a;
	return p->parent ? p->parent->pid : 0;
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

i64 sys_getpgid(struct process *p, const struct sc_args *a)
{
	if (a->a[0] && a->a[0] != p->pid)
		return -ESRCH; /* other processes' groups: not tracked yet */
	return p->pgid;
}

i64 sys_getpgrp(struct process *p, const struct sc_args *a)
{
	(void)a;
	return p->pgid;
}

i64 sys_setpgid(struct process *p, const struct sc_args *a)
{
	if ((i64)a->a[1] < 0)
		return -EINVAL;
	if (a->a[0] && a->a[0] != p->pid)
		return -ESRCH;
	p->pgid = a->a[1] ? (u32)a->a[1] : p->pid;
	return 0;
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

static i64 do_fork(struct process *p, u64 flags, u64 stack, u64 ptid, u64 ctid)
{
	u64 allowed = 0xff | CLONE_VM | CLONE_VFORK | CLONE_PARENT_SETTID |
		      CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID;
	if ((flags & ~allowed) || (flags & 0xff) != SIGCHLD)
		return -EINVAL; /* threads and other exit signals: not yet */
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
		return -EINVAL; /* a shared address space without vfork is a thread */
	struct process *c = proc_create(p);
	if (!c)
		return -ENOMEM;
	/* CLONE_CHILD_SETTID writes the child's tid into the child's memory: write it into the
	 * parent's page before the copy and restore the parent's word after. */
	u64 saved = 0;
	bool settid = (flags & CLONE_CHILD_SETTID) && !uword_p_from_user(&saved, uaddr(ctid));
	u32 tid = c->pid;
	if (settid && uint_p_to_user(&tid, uaddr(ctid)))
		settid = false;
	int e = proc_copy_memory(c, p);
	if (settid)
		(void)uword_p_to_user(&saved, uaddr(ctid));
	if (e) {
		proc_exit(c, 0, p);
		proc_reap(c);
		return -ENOMEM;
	}
	c->fs = p->fs;
	vfs_ctx_get(&c->fs); /* the child holds its own root and cwd */
	c->umask = p->umask;
	c->sigmask = p->sigmask;
	for (u32 s = 0; s < PROC_NSIG; s++)
		c->sigactions[s] = p->sigactions[s];
	c->tid_address = (flags & CLONE_CHILD_CLEARTID) ? ctid : 0;
	c->alarm_ns = c->alarm_interval_ns = 0; /* timers are not inherited */
	for (size_t fd = 0; fd < fd_array_len(&p->fds); fd++) {
		struct fd_slot s = fd_array_get(&p->fds, fd).value;
		if (!s.file)
			continue;
		vfs_file_get(s.file);
		if (fd_array_len(&c->fds) <= fd && fd_array_resize(&c->fds, fd + 1)) {
			vfs_close(s.file);
			continue;
		}
		(void)fd_array_set(&c->fds, fd, s);
	}
	copy_context(c, p);
	if (stack)
		(void)user_ctx_set_sp(&c->uc, uaddr(stack));
	if (flags & CLONE_PARENT_SETTID)
		(void)uint_p_to_user(&tid, uaddr(ptid));
	return c->pid;
}

i64 sys_fork(struct process *p, const struct sc_args *a)
{
	(void)a;
	return do_fork(p, SIGCHLD, 0, 0, 0);
}

i64 sys_clone(struct process *p, const struct sc_args *a)
{
	/* x86-64: clone(flags, stack, parent_tid, child_tid, tls) */
	return do_fork(p, a->a[0], a->a[1], a->a[2], a->a[3]);
}

i64 sys_wait4(struct process *p, const struct sc_args *a)
{
	i64 pid = (i64)(int)a->a[0];
	u64 options = a->a[2];
	if (options & ~(u64)(WNOHANG | 0x40000000 /* __WALL */ | 0x80000000 /* __WCLONE */ | 2 | 8))
		return -EINVAL;
	bool has_child;
	struct process *z = proc_find_child(p, pid > 0 ? pid : -1, &has_child);
	if (!has_child)
		return -ECHILD;
	u32 ev_status;
	struct process *ev = z ? NULL : proc_find_stop_event(p, pid > 0 ? pid : -1,
							     options & 2 /* WUNTRACED */,
							     options & 8 /* WCONTINUED */, &ev_status);
	if (ev) {
		if (a->a[1] && uint_p_to_user(&ev_status, uaddr(a->a[1])))
			return -EFAULT;
		return ev->pid;
	}
	if (!z) {
		if (options & WNOHANG)
			return 0;
		p->state = PROC_BLOCKED;
		return SC_BLOCK;
	}
	u32 status = (u32)z->wait_status;
	if (a->a[1] && uint_p_to_user(&status, uaddr(a->a[1])))
		return -EFAULT;
	i64 zpid = z->pid;
	proc_reap(z);
	return zpid;
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

i64 sys_set_tid_address(struct process *p, const struct sc_args *a)
{
	p->tid_address = a->a[0];
	return p->pid;
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
