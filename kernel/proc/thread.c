/*
 * thread.c — every thread runs on its own framework task (proc/process.h): the task's loop
 * enters user mode, serves what comes back (a system call, an exception, the end of a time
 * slice), acts on pending signals, and repeats until the thread exits. A call that must wait
 * sleeps on its object's wait queue (proc/wait.h); nothing here re-runs a call.
 *
 * Thread groups: exit of one thread (its clear-child-tid word zeroed and woken, its robust
 * list walked: Linux's exit_robust_list and mm_release), exit_group and fatal signals (every
 * other thread gets SIGKILL; the group ends with the first status), process-directed signals
 * (to a thread that does not block them). The last thread to exit ends the group through its
 * leader (proc_exit): a leader whose own thread ended first stays, not a zombie, until then.
 *
 * User code runs on every CPU: each process's task is an ordinary framework task (no pinning
 * unless sched_setaffinity asks), its address space follows it through context switches, and
 * the tick preempts it in user mode or in the kernel. A run of user code also ends every
 * SLICE_NS (the context's deadline) so pending signals are acted on without a system call.
 * Shared state is guarded by the locks proc/process.h names.
 *
 * Also here: starting the first program from an initramfs archive, and proc_run.
 */
#include <fw/boot.h>
#include <fw/log.h>
#include <fw/task.h>
#include <fw/time.h>
#include <proc/boot.h>
#include <proc/process.h>
#include <random/random.h>
#include <proc/wait.h>
#include <syscall/syscall.h>
#include <fs/devices.h>
#include <fs/procfs.h>
#include <fs/sysfs.h>
#include <fw/uaccess.h>
#include <uapi/futex.h>

#define SLICE_NS 10000000ull
#define SIGILL 4
#define SIGBUS 7
#define SIGFPE 8
#define SIGSEGV 11
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22

void proc_wait_begin_at(struct thread *p, struct waitq *wq, u64 deadline_ns, bool wall)
{
	spin_lock(&p->sig_lock);
	p->waiting_on = wq;
	p->sleep_deadline_ns = deadline_ns;
	p->sleep_wall = wall;
	spin_unlock(&p->sig_lock);
}

void proc_wait_end(struct thread *p)
{
	spin_lock(&p->sig_lock);
	p->waiting_on = NULL;
	p->sleep_deadline_ns = 0;
	p->sleep_wall = false;
	spin_unlock(&p->sig_lock);
}

/* ---- thread groups ------------------------------------------------------------------------ */

DEFINE_UCOPY(uexit_word, u32);
DEFINE_UCOPY(uexit_ptr, u64);
DEFINE_UCOPY(urobust_head, struct uapi_robust_list_head);

/* robust_death - the futex word at `addr` was held by the dying thread `tid`: mark it
 * FUTEX_OWNER_DIED (keeping FUTEX_WAITERS) and wake one waiter (Linux's handle_futex_death). */
static void robust_death(struct thread *p, u64 addr, u32 tid)
{
	u32 cur = 0;
	if (addr & 3 || uexit_word_from_user(&cur, uaddr(addr)))
		return;
	for (int tries = 0; tries < 100 && (cur & UAPI_FUTEX_TID_MASK) == tid; tries++) {
		u32 want = (cur & UAPI_FUTEX_WAITERS) | UAPI_FUTEX_OWNER_DIED, seen = 0;
		if (user_cmpxchg_u32(uaddr(addr), cur, want, &seen))
			return;
		if (seen == cur) {
			if (cur & UAPI_FUTEX_WAITERS)
				(void)proc_futex_wake(p, uaddr(addr), UAPI_FUTEX_BITSET_MATCH_ANY, 1, false);
			return;
		}
		cur = seen;
	}
}

/* robust_walk - the robust list of p (set_robust_list): every futex p still holds is marked
 * owner-died. At most ROBUST_LIST_LIMIT entries (a cycle in user memory ends there). */
static void robust_walk(struct thread *p)
{
	spin_lock(&p->sig_lock);
	u64 head_addr = p->robust_list;
	p->robust_list = 0;
	spin_unlock(&p->sig_lock);
	struct uapi_robust_list_head head;
	if (!head_addr || urobust_head_from_user(&head, uaddr(head_addr)))
		return;
	u64 pending = head.list_op_pending & ~1ull;
	u64 entry = head.list_next;
	for (u32 n = 0; n < UAPI_ROBUST_LIST_LIMIT && entry != head_addr; n++) {
		u64 link = entry & ~1ull; /* bit 0: a PI futex (handled the same here) */
		u64 next = 0;
		if (!link || uexit_ptr_from_user(&next, uaddr(link)))
			break;
		if (link != pending)
			robust_death(p, link + (u64)head.futex_offset, p->pid);
		entry = next;
	}
	if (pending)
		robust_death(p, pending + (u64)head.futex_offset, p->pid);
}

/* clear_child_tid - set_tid_address / CLONE_CHILD_CLEARTID: zero the word and wake one futex
 * waiter on it (how pthread_join learns the thread ended). */
static void clear_child_tid(struct thread *p)
{
	u64 addr = p->clear_child_tid;
	p->clear_child_tid = 0;
	if (!addr)
		return;
	u32 zero = 0;
	if (uexit_word_to_user(&zero, uaddr(addr)))
		return;
	(void)proc_futex_wake(p, uaddr(addr), UAPI_FUTEX_BITSET_MATCH_ANY, 1, false);
}

void proc_thread_exit(struct thread *p, int status)
{
	struct thread *g = p->leader;
	struct process *gp = p->proc;
	if (p->mm) {
		robust_walk(p);
		clear_child_tid(p);
	}
	spin_lock(&proc_lock);
	bool last = --gp->nthreads == 0;
	int group_status = gp->group_exiting ? gp->group_status : status;
	if (!last) /* PR_SET_PDEATHSIG: the children this thread made (last: proc_exit does it) */
		proc_ctl_mark_pdeath_locked(g, p->pid, false);
	spin_unlock(&proc_lock);
	(void)waitq_wake_all(&g->exit_wq); /* an execve waits for the others to be gone */
	proc_sigpending_flush(p); /* what nobody will take any more (its queued counts back) */
	if (p != g) {
		/* this thread lets go of its table now; nobody waits for a thread. Not a
		 * close(2): the group's POSIX locks stay (its other threads still have the files) */
		proc_files_put(p, false);
		vfs_ctx_put(&p->fs);
		proc_fs_release(p);
		proc_drop_memory(p);
		spin_lock(&proc_lock);
		p->state = PROC_ZOMBIE;
		p->autoreap = true; /* proc_task_done frees it */
		spin_unlock(&proc_lock);
	}
	if (!last) {
		proc_ctl_send_pdeath();
		return; /* a leader that is not last stays (not a zombie) until the others end */
	}
	proc_exit(g, group_status);
	proc_ctl_send_pdeath();
	spin_lock(&proc_lock);
	bool reap_now = p != g && g->autoreap && g->exited; /* g's own task ended before */
	spin_unlock(&proc_lock);
	if (reap_now)
		proc_reap(g);
}

/* kill_others - SIGKILL every live thread of p's group but p. */
static void kill_others(struct thread *p)
{
	for (struct thread *t = proc_group_next(p->leader, 0); t; ) {
		if (t != p)
			(void)proc_signal_send(t, UAPI_SIGKILL, (struct proc_siginfo){ .code = UAPI_SI_KERNEL });
		struct thread *next = proc_group_next(p->leader, t->pid);
		proc_put(t);
		t = next;
	}
}

void proc_group_exit(struct thread *p, int status)
{
	struct process *g = p->proc;
	spin_lock(&proc_lock);
	/* killed by another thread's execve: only this thread ends, the group goes on */
	bool exec_kill = g->exec_thread && g->exec_thread != p && !g->group_exiting;
	bool first = !exec_kill && !g->group_exiting;
	if (first) {
		g->group_exiting = true;
		g->group_status = status;
	}
	bool alone = g->nthreads == 1;
	spin_unlock(&proc_lock);
	if (first && !alone)
		kill_others(p);
	proc_thread_exit(p, status);
}

void proc_exec_single(struct thread *p)
{
	struct process *g = p->proc;
	if (p->mm && vmspace_is_current(&p->mm->vs)) {
		/* as at exit: the old program's futexes are released (Linux's mm_release) */
		robust_walk(p);
		clear_child_tid(p);
	}
	spin_lock(&proc_lock);
	bool others = g->nthreads > 1;
	bool mine = !g->exec_thread && !g->group_exiting;
	if (others && mine)
		g->exec_thread = p;
	spin_unlock(&proc_lock);
	if (!others || !mine)
		return; /* alone; or another thread's execve or exit_group kills this one */
	kill_others(p);
	WAITQ_WAIT(&p->leader->exit_wq, proc_group_threads(p) == 1);
	spin_lock(&proc_lock);
	g->exec_thread = NULL;
	spin_unlock(&proc_lock);
}

u32 proc_group_threads(struct thread *p)
{
	spin_lock(&proc_lock);
	u32 n = p->proc->nthreads;
	spin_unlock(&proc_lock);
	return n;
}

int proc_group_signal(struct thread *g, u32 sig, struct proc_siginfo info)
{
	g = g->leader;
	spin_lock(&proc_lock);
	bool alone = g->proc->nthreads <= 1 && !g->exited; /* the leader is the only thread */
	spin_unlock(&proc_lock);
	if (alone)
		return proc_signal_send(g, sig, info);
	/* every thread: SIGKILL, stops and SIGCONT; otherwise the first live thread (by tid, the
	 * leader first) that does not block sig, else the first live one */
	bool all = sig == UAPI_SIGKILL || sig == SIGCONT || sig == SIGSTOP || sig == SIGTSTP ||
		   sig == SIGTTIN || sig == SIGTTOU;
	struct thread *fallback = NULL;
	for (struct thread *t = proc_group_next(g, 0); t; ) {
		struct thread *next = proc_group_next(g, t->pid);
		/* a leader whose own thread has exited is listed but takes no signal */
		bool live = !proc_has_exited(t);
		bool sent = all;
		if (!all && live) {
			spin_lock(&t->sig_lock);
			sent = (t->sigmask & (1ull << (sig - 1))) == 0;
			spin_unlock(&t->sig_lock);
		}
		int r = sent ? proc_signal_send(t, sig, info) : 0;
		if (sent && !all) {
			proc_put(t);
			if (next)
				proc_put(next);
			if (fallback)
				proc_put(fallback);
			return r;
		}
		if (!sent && live && !fallback)
			fallback = t; /* every live thread blocks it: pending in the first one */
		else
			proc_put(t);
		t = next;
	}
	int r = 0;
	if (!all) {
		r = proc_signal_send(fallback ? fallback : g, sig, info);
		if (fallback)
			proc_put(fallback);
	}
	return r;
}

/* fault_signal - the signal an unhandled exception kills with (as Linux's traps do). */
static int fault_signal(u32 vector)
{
	switch (vector) {
	case 0:  /* #DE */
	case 16: /* #MF */
	case 19: /* #XM */
		return SIGFPE;
	case 6: /* #UD */
		return SIGILL;
	default:
		return SIGSEGV;
	}
}

/* note_fault - p's task resolved a fault at `addr`: the same address resolved 1000 times in a
 * row is a fault that never sticks (the mapping is made but the CPU does not see it): logged
 * once per process, as it is a kernel bug. */
static void note_fault(struct thread *p, u64 addr)
{
	if (addr != p->fault_addr_last) {
		p->fault_addr_last = addr;
		p->fault_repeats = 0;
		return;
	}
	if (++p->fault_repeats == 1000)
		fw_warn("pid %u: the fault at %lx came back 1000 times after it was resolved",
			p->pid, addr);
}

/* serve - handle one return from user mode; false when p has exited. */
static bool serve(struct thread *p, enum user_return why)
{
	if (why == USER_RET_INTERRUPT) {
		/* the slice is over: let the others run, then act on pending signals */
		task_yield();
		return proc_signal_deliver(p, 0, 0);
	}
	if (why == USER_RET_EXCEPTION) {
		struct user_exception ex = user_ctx_exception(&p->uc);
		if (ex.vector == 14) {
			unsigned access = ((ex.error_code & 2) ? VM_FAULT_WRITE : 0) |
					  ((ex.error_code & 16) ? VM_FAULT_EXEC : 0) |
					  ((ex.error_code & 1) ? VM_FAULT_PRESENT : 0);
			int r = vmspace_handle_fault(&p->mm->vs, uaddr(ex.fault_addr), access);
			/* Out of frames (a copy on write, a new page): try again a few times,
			 * then the out-of-memory policy ends the process holding the most
			 * memory and p faults again a little later (proc/oom.c); p ends itself
			 * when it is that process. */
			for (int i = 0; r == -ENOMEM && i < 16; i++)
				r = vmspace_handle_fault(&p->mm->vs, uaddr(ex.fault_addr), access);
			if (r == -ENOMEM) {
				bool other = proc_oom_kill(p);
				if (other) /* the instruction faults again; a signal first */
					return proc_signal_deliver(p, 0, 0);
				fw_err("pid %u: out of memory at a page fault: killed", p->pid);
				return proc_signal_fault(p, UAPI_SIGKILL, ex);
			}
			if (r == 0) {
				proc_acct_fault(p);
				note_fault(p, ex.fault_addr);
				/* Pending signals are acted on here too, as on every return to user
				 * mode: a process whose faults kept coming back never reached a signal
				 * check (the slice deadline is re-armed at each entry, so no timer
				 * return came either), and SIGKILL could not end it. Not the cause of
				 * the fuzz runs' open "worker survived SIGKILL" (docs/fuzzing.md). */
				return proc_signal_deliver(p, 0, 0);
			}
			if (r == -ENXIO) /* a file mapping past the end of its file */
				return proc_signal_fault(p, SIGBUS, ex);
			if (r == -EACCES) /* mapped without the right (PROT_NONE: not present) */
				ex.error_code |= 1; /* reported as a protection fault: SEGV_ACCERR */
		}
		return proc_signal_fault(p, (u32)fault_signal(ex.vector), ex);
	}
	struct user_syscall sc = user_ctx_syscall(&p->uc);
	u64 nr = sc.nr;
	proc_fs_sync(p); /* another thread's chdir/chroot/umask under CLONE_FS */
	i64 r = syscall_dispatch(p, &sc);
	if (r == SC_GONE)
		return false;
	proc_fd_end_call(p); /* the references the call's descriptor lookups held */
	if (vm_map_take_oom(p->mm))
		proc_oom_after_copy(p); /* a user copy of the call found no frame */
	if (r == SC_KEEP)
		return proc_signal_deliver(p, 0, 0); /* rt_sigreturn: the context is restored */
	user_ctx_set_retval(&p->uc, r);
	return proc_signal_deliver(p, nr, r);
}

/* apply_cpu_mask - move to the CPUs sched_setaffinity (or the parent, at fork) asked for. */
static void apply_cpu_mask(struct thread *p)
{
	if (!atomic_u64_load_relaxed(&p->cpu_mask_pending))
		return; /* the common case: one load per return to user mode */
	u64 m = atomic_u64_xchg(&p->cpu_mask_pending, 0);
	if (m)
		(void)task_set_cpu_mask(m); /* -EINVAL (no online CPU) was refused when it was set */
}

/* apply_make_it_fail - give p's task the mark /proc/PID/make-it-fail last wrote. */
static void apply_make_it_fail(struct thread *p)
{
	u32 v = atomic_u32_load_relaxed(&p->make_it_fail);
	if (v == p->make_it_fail_task)
		return; /* the common case: one load and a compare per return to user mode */
	p->make_it_fail_task = v;
	task_set_make_it_fail(v != 0);
}

/* proc_thread_main - the task of a process: run it until it exits. */
static void proc_thread_main(struct thread *p)
{
	spin_lock(&proc_lock);
	p->task_id = task_id(); /* proc_current finds p by it */
	spin_unlock(&proc_lock);
	vmspace_activate(&p->mm->vs);
	/* Pending signals are acted on before every return to user mode. */
	proc_acct_start(p);
	bool alive = proc_signal_deliver(p, 0, 0);
	while (alive) {
		apply_cpu_mask(p);
		apply_make_it_fail(p);
		user_ctx_set_deadline(&p->uc, fw_time_coarse_ns() + SLICE_NS);
		enum user_return why = user_enter(&p->uc);
		alive = serve(p, why);
		if (fw_time_ticks() != p->acct.pub_tick) /* proc_acct_tick's test, without the call */
			proc_acct_tick(p);
	}
	proc_acct_thread_done(p);
	/* p is a zombie now (proc_exit ran in this task): leave it for the reaper. */
	vmspace_deactivate();
	user_context_fini(&p->uc); /* no user state of p stays live in this CPU */
	proc_task_done(p);
}
DEFINE_SUBTYPE(proc_entry, struct thread, entry, struct callback, tag);
DEFINE_SUBTYPE_CALLBACK(proc_entry, struct callback, proc_thread_main);

int proc_start(struct thread *p)
{
	proc_entry_init(p);
	callback_set(&p->entry, SUBTYPE_CALLBACK(proc_entry, proc_thread_main));
	proc_get(p); /* the task's reference, dropped by proc_task_done */
	spin_lock(&proc_lock);
	p->exited = false;
	/* A thread made while its group started to end (exit_group, a fatal signal) was not
	 * started when the others were killed: it dies at its first signal check instead. Under
	 * proc_lock with `exited`, so either this sees the group ending or the killer sees it. */
	bool doomed = p->proc->group_exiting;
	spin_unlock(&proc_lock);
	if (doomed)
		(void)proc_signal_send(p, UAPI_SIGKILL, (struct proc_siginfo){ .code = UAPI_SI_KERNEL });
	struct task_handle t = TASK_HANDLE_EMPTY;
	int e = task_spawn(&t, &p->entry, STR("process"), TASK_ANY_CPU);
	if (e) {
		spin_lock(&proc_lock);
		p->exited = true;
		spin_unlock(&proc_lock);
		proc_put(p);
		return e; /* -EAGAIN out of tasks, -ENOMEM out of frames for its stack */
	}
	task_detach(&t);
	return 0;
}

int proc_run(struct thread *init)
{
	int e = proc_clock_start();
	if (!e)
		e = proc_start(init);
	if (e) {
		proc_discard(init);
		return e;
	}
	WAITQ_WAIT(&init->exit_wq, proc_has_exited(init));
	spin_lock(&proc_lock);
	int status = init->wait_status;
	spin_unlock(&proc_lock);
	/* Like Linux, nothing runs without init: end whatever is left, free every zombie. */
	proc_end_all(init);
	proc_reap(init);
	return status;
}

struct thread *proc_spawn_init(const struct vfs_ctx *c, struct str init_path, int *err)
{
	struct thread *init = proc_create(NULL);
	if (!init) {
		*err = -ENOMEM;
		return NULL;
	}
	init->fs = *c;
	vfs_ctx_get(&init->fs);
	/* fds 0, 1, 2 on the console, as Linux opens /dev/console for init */
	struct file_result con = vfs_open(c, STR("/dev/console"), VFS_O_RDWR, 0);
	for (u32 fd = 0; fd < 3 && !con.err; fd++) {
		if (fd)
			vfs_file_get(con.value);
		if (proc_fd_install(init, con.value, fd, false).err)
			vfs_close(con.value);
	}
	if (con.err)
		fw_warn("init: no /dev/console (%d): fds 0-2 are closed", con.err);
	/* rdinit=/init= named one program; otherwise /init, /sbin/init, /bin/sh in turn. */
	const struct str fallbacks[3] = { STR("/init"), STR("/sbin/init"), STR("/bin/sh") };
	int e = -ENOENT;
	for (int i = 0; i < 3 && (e == -ENOENT || e == -EACCES); i++) {
		struct str path = str_len(init_path) ? init_path : fallbacks[i];
		struct exec_strv argv, envp;
		e = boot_init_strvs(fw_boot_cmdline(), path, &argv, &envp);
		if (!e)
			e = proc_execve(init, path, &argv, &envp);
		exec_strv_destroy(&argv);
		exec_strv_destroy(&envp);
		if (str_len(init_path))
			break;
	}
	if (e) {
		proc_discard(init);
		*err = e;
		return NULL;
	}
	*err = 0;
	return init;
}

/* mount_pseudo - a file system of `type` (its source named the same) at `path`, made if
 * missing, nosuid,nodev,noexec; a failure is only reported. */
static void mount_pseudo(const struct vfs_ctx *c, struct str type, struct str path)
{
	int e = vfs_mkdir(c, path, 0555);
	if (!e || e == -EEXIST)
		e = vfs_mount_new(c, type, type, path,
				  VFS_MNT_NOSUID | VFS_MNT_NODEV | VFS_MNT_NOEXEC, STR(""));
	if (e)
		fw_warn("init: cannot mount %s: %d", path, e);
}

int proc_start_init(struct bytes archive, struct str init_path)
{
	struct path_result root = vfs_init();
	if (root.err)
		return root.err;
	devices_init();
	random_init(); /* seeded before any program can ask (the entropy device is probed now) */
	kmsg_init();
	devtmpfs_init();
	procfs_init();
	sysfs_init();
	struct vfs_ctx c = { .root = root.value, .cwd = root.value };
	int e = initramfs_unpack(&c, archive);
	if (e) {
		fw_err("initramfs: unpacking failed: %d", e);
		return e;
	}
	e = devices_populate(&c);
	if (e)
		fw_warn("initramfs: cannot create /dev nodes: %d", e);
	/* /proc and /sys are there from the first instruction of init (programs and the fuzzer's
	 * workers read /proc/self, tools look in /sys, before anything could mount them); init
	 * may mount them again. */
	mount_pseudo(&c, STR("proc"), STR("/proc"));
	mount_pseudo(&c, STR("sysfs"), STR("/sys"));
	struct thread *init = proc_spawn_init(&c, init_path, &e);
	if (!init) {
		fw_err("init: cannot run the first program: %d", e);
		return e;
	}
	/* The figure make bench reads (docs/benchmarks.md): kernel entry to init's first
	 * instruction, by the kernel's clock. */
	fw_info("trellis: boot-to-init %u us",
		(fw_time_ns() - fw_time_boot_entry_ns()) / FW_NSEC_PER_USEC);
	return proc_run(init);
}
