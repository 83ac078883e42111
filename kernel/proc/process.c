/*
 * process.c — process objects (proc/process.h): creation, the process list (the descriptor
 * table is proc/files.c's), exit and reaping, and the
 * deadline and alarm scans the clock task runs (proc/clock.c).
 */
#include <fw/log.h>
#include <fw/heap.h>
#include <fw/time.h>
#include <time/clock.h>
#include <fw/typecache.h>
#include <fs/terminal.h>
#include <proc/process.h>
#include <proc/wait.h>

/* Most groups a single exit can orphan with stopped members that get SIGHUP + SIGCONT. */
#define ORPHAN_MAX 32

DEFINE_TYPE_CACHE(thread_cache, struct thread);
DEFINE_TYPE_CACHE(process_cache, struct process);
DEFINE_LIST(proc_list, struct thread, all_link, spinlock);

struct spinlock proc_lock = SPINLOCK_INIT(proc_lock);
static struct proc_list all_procs GUARDED_BY(&proc_lock);
static bool procs_ready GUARDED_BY(&proc_lock);
static u32 next_pid GUARDED_BY(&proc_lock) = 1;

/* group_new - a new thread group for a process `parent` (a leader, or NULL for init) forks:
 * no threads counted yet, its parent's limits and nice value (proc_ctl_fork copies the
 * prctl/personality flags, proc_alloc the program and OOM adjustment). */
static struct process *group_new(struct thread *parent)
{
	struct process *g = KNEW(process_cache);
	if (!g)
		return NULL;
	refcount_init(&g->refs, 1); /* its first thread's */
	spin_lock_init(&g->itimer_lock);
	spin_lock_init(&g->rlim_lock);
	proc_rlimit_init(g, parent);
	return g;
}

/* group_put - drop a thread's reference to its group; the last frees it (its exe was dropped
 * when the group exited, or was never set). */
static void group_put(struct process *g)
{
	if (g && refcount_put(&g->refs))
		KFREE(process_cache, g);
}

/* proc_alloc - a new process (leader NULL: a new thread group) or a thread of `leader`'s
 * group sharing `leader`'s memory map (the thread holds a reference to its leader and to the
 * group) and the handler table `sh` (the caller's reference passes to the thread, or is
 * dropped on failure). */
static struct thread *proc_alloc(struct thread *parent, struct thread *leader,
				  struct proc_sighand *sh)
{
	/* a process starts with a table of its own (fork copies the parent's into it); a
	 * thread shares its creator's */
	if (!leader)
		sh = proc_sighand_new();
	struct thread *p = sh ? KNEW(thread_cache) : NULL;
	if (!p) {
		proc_sighand_put(sh);
		return NULL;
	}
	if (leader) {
		refcount_get(&leader->proc->refs);
		p->proc = leader->proc;
	} else {
		p->proc = group_new(parent);
	}
	if (!p->proc) {
		proc_sighand_put(sh);
		KFREE(thread_cache, p);
		return NULL;
	}
	if (leader)
		vm_map_get(leader->mm);
	p->mm = leader ? leader->mm : vm_map_create();
	if (!p->mm) {
		proc_sighand_put(sh);
		group_put(p->proc);
		KFREE(thread_cache, p);
		return NULL;
	}
	if (kbuf_alloc(&p->io_kbuf, VM_PAGE_SIZE)) {
		proc_sighand_put(sh);
		vm_map_put(p->mm);
		group_put(p->proc);
		KFREE(thread_cache, p);
		return NULL;
	}
	user_context_init(&p->uc);
	spin_lock_init(&p->sig_lock);
	proc_sigpending_init(p);
	p->sighand = sh;
	waitq_init(&p->child_wq);
	waitq_init(&p->sig_wq);
	waitq_init(&p->exit_wq);
	waitq_init(&p->poll_wq);
	waitq_init(&p->futex_wq);
	spin_lock_init(&p->borrowed_lock);
	spin_lock(&p->borrowed_lock);
	file_refs_init(&p->fd_borrowed, 4 * PROC_MAX_FDS); /* poll of every descriptor, four times */
	spin_unlock(&p->borrowed_lock);
	if (proc_files_new(p)) {
		/* the handler table too (it leaked here: make test-abi-fault's sighand_cache +1
		 * after a fork or clone whose descriptor table could not be had; ktest
		 * proc.failed_fork_frees_its_handler_table) */
		p->sighand = NULL;
		proc_sighand_put(sh);
		spin_lock(&p->borrowed_lock);
		file_refs_destroy(&p->fd_borrowed);
		spin_unlock(&p->borrowed_lock);
		user_context_fini(&p->uc);
		kbuf_free(&p->io_kbuf);
		vm_map_put(p->mm);
		group_put(p->proc);
		KFREE(thread_cache, p);
		return NULL;
	}
	p->umask = 022;
	p->start_ns = fw_time_ns();
	refcount_init(&p->refs, 1); /* the list's */
	spin_lock(&proc_lock);
	if (!procs_ready) {
		procs_ready = true;
		proc_list_init(&all_procs, &proc_lock);
	}
	struct process *g = p->proc;
	if (leader && g->group_exiting) {
		/* the group is ending (exit_group, a fatal signal): no new thread */
		spin_unlock(&proc_lock);
		proc_files_put(p, false);
		spin_lock(&p->borrowed_lock);
		file_refs_destroy(&p->fd_borrowed);
		spin_unlock(&p->borrowed_lock);
		proc_drop_memory(p);
		p->sighand = NULL;
		proc_sighand_put(sh);
		kbuf_free(&p->io_kbuf);
		user_context_fini(&p->uc);
		group_put(g);
		KFREE(thread_cache, p);
		return NULL;
	}
	p->pid = next_pid++;
	p->leader = leader ? leader : p;
	g->nthreads++;
	if (leader)
		proc_get(leader);
	p->comm = leader ? leader->comm : parent ? parent->comm : p->comm; /* fork copies it */
	if (!leader && parent) { /* a fork runs its parent's program, with its OOM adjustment */
		g->exe = parent->proc->exe;
		vfs_path_get(g->exe);
		g->oom_score_adj = parent->proc->oom_score_adj;
		g->oom_score_adj_min = parent->proc->oom_score_adj_min;
	}
	if (!leader) { /* a new process: its parent's group and session (init: its own) */
		g->pgid = parent ? parent->proc->pgid : p->pid;
		g->sid = parent ? parent->proc->sid : p->pid;
		g->tty_detached = parent ? parent->proc->tty_detached : false;
		g->parent = parent;
		atomic_u32_store(&g->ppid, parent ? parent->pid : 0);
	}
	p->state = PROC_RUNNABLE;
	if (!leader)
		g->exit_signal = UAPI_SIGCHLD; /* fork's; clone sets its own (proc_set_exit_parent) */
	p->exited = true; /* until proc_start gives it a task */
	p->listed = true;
	proc_list_push_back(&all_procs, p);
	spin_unlock(&proc_lock);
	return p;
}

struct thread *proc_create(struct thread *parent)
{
	return proc_alloc(parent ? parent->leader : NULL, NULL, NULL);
}

struct thread *proc_create_thread(struct thread *p, bool share_files)
{
	struct proc_sighand *sh = p->sighand;
	refcount_get(&sh->refs);
	struct thread *t = proc_alloc(NULL, p->leader, sh);
	if (!t)
		return NULL;
	if (share_files) {
		proc_share_files(t, p);
	} else if (proc_copy_files(t, p)) {
		proc_discard(t);
		return NULL;
	}
	t->fs = p->fs;
	vfs_ctx_get(&t->fs);
	t->umask = p->umask;
	/* CLONE_VM without CLONE_VFORK: no alternate signal stack (sigaltstack(2)) */
	t->altstack = (struct proc_altstack){ .flags = UAPI_SS_DISABLE };
	spin_lock(&p->sig_lock);
	u64 mask = p->sigmask, cpus = p->cpu_mask;
	spin_unlock(&p->sig_lock);
	spin_lock(&t->sig_lock);
	t->sigmask = mask;
	t->cpu_mask = cpus;
	atomic_u64_store(&t->cpu_mask_pending, cpus);
	spin_unlock(&t->sig_lock);
	atomic_u32_store(&t->make_it_fail, atomic_u32_load(&p->make_it_fail));
	return t;
}

int proc_set_exit_parent(struct thread *c, struct thread *p, u32 exit_signal,
			 bool clone_parent)
{
	int e = 0;
	spin_lock(&proc_lock);
	if (clone_parent) {
		struct thread *gp = p->proc->parent;
		if (!gp || p->leader->pid == 1) {
			e = -EINVAL;
		} else {
			/* the caller's parent is alive here: its exit would have moved the
			 * caller to a reaper under this lock first */
			c->proc->parent = gp;
			atomic_u32_store(&c->proc->ppid, gp->pid);
			c->proc->exit_signal = p->proc->exit_signal;
		}
	} else {
		c->proc->exit_signal = exit_signal;
	}
	spin_unlock(&proc_lock);
	return e;
}

/* selected - c is a child of p that `sel` names. */
static bool selected(struct thread *c, struct thread *p, struct proc_wait_sel sel)
	REQUIRES(&proc_lock)
{
	if (c->leader != c || c->proc->parent != p)
		return false; /* children are processes, reached by their leaders */
	bool clone_child = c->proc->exit_signal != UAPI_SIGCHLD;
	if (sel.kind != PROC_WAIT_ALL_CHILDREN &&
	    clone_child != (sel.kind == PROC_WAIT_CLONE_CHILDREN))
		return false;
	switch (sel.by) {
	case PROC_WAIT_PID:
		return c->pid == sel.id;
	case PROC_WAIT_PGID:
		return c->proc->pgid == sel.id;
	default:
		return true;
	}
}

struct thread *proc_find_child(struct thread *p, struct proc_wait_sel sel, bool *has_child)
{
	struct thread *found = NULL;
	*has_child = false;
	spin_lock(&proc_lock);
	LIST_FOR_EACH(proc_list, &all_procs, c) {
		if (!selected(c, p, sel) || c->autoreap)
			continue;
		*has_child = true;
		if (c->state == PROC_ZOMBIE && !found)
			found = c;
	}
	if (found)
		proc_get(found);
	spin_unlock(&proc_lock);
	return found;
}

struct pgid_set {
	u32 ids[ORPHAN_MAX];
	size_t n;
};
static void orphaned_by_exit(struct thread *p, struct pgid_set *set) REQUIRES(&proc_lock);
static void signal_pgrp(u32 pgid, u32 sig);

void proc_exit(struct thread *p, int status)
{
	spin_lock(&proc_lock);
	u32 led_sid = p->leader == p && p->proc->sid == p->pid ? p->proc->sid : 0;
	spin_unlock(&proc_lock);
	if (led_sid) /* a session leader: its controlling terminal lets the session go */
		tty_session_exit(led_sid);
	proc_files_put(p, true);
	vfs_ctx_put(&p->fs); /* its root and cwd (the credentials stay for wait4 and kill) */
	proc_fs_release(p);
	proc_drop_memory(p);
	proc_set_exe(p, (struct vfs_path){ 0 }); /* a zombie has no program (exe: ENOENT) */
	spin_lock(&p->proc->itimer_lock);
	p->proc->alarm_ns = 0;
	spin_unlock(&p->proc->itimer_lock);
	spin_lock(&proc_lock);
	p->state = PROC_ZOMBIE;
	p->wait_status = status;
	struct pgid_set orphaned = { .n = 0 };
	orphaned_by_exit(p, &orphaned);
	struct thread *reaper = proc_new_reaper_locked(p); /* p itself: p is init */
	proc_ctl_mark_pdeath_locked(p, 0, true); /* sent once reparented (proc_ctl_send_pdeath) */
	/* A child that is a zombie already tells its new parent, as its exit would have
	 * (Linux's reparent_leader): an init asleep in wait() reaps it now, not when something
	 * else wakes it (the zombies stayed: fuzz repro reparented_zombie_wakes_init). */
	u32 zombie_pid = 0;
	int zombie_status = 0;
	LIST_FOR_EACH(proc_list, &all_procs, c) {
		if (c->leader == c && c->proc->parent == p) {
			struct process *cg = c->proc;
			cg->parent = reaper != p ? reaper : NULL;
			cg->exit_signal = UAPI_SIGCHLD; /* Linux's reparent_leader */
			atomic_u32_store(&cg->ppid, cg->parent ? cg->parent->pid : 0);
			if (cg->parent && c->state == PROC_ZOMBIE && !zombie_pid) {
				zombie_pid = c->pid;
				zombie_status = c->wait_status;
			}
		}
	}
	bool tell_reaper = zombie_pid && reaper && reaper != p && reaper->state != PROC_ZOMBIE;
	if (tell_reaper)
		proc_get(reaper);
	struct thread *parent = p->proc->parent;
	bool notify = parent && parent != p && parent->state != PROC_ZOMBIE;
	if (notify)
		proc_get(parent); /* it may exit and be reaped before the signal below goes */
	u32 exit_sig = p->proc->exit_signal;
	spin_unlock(&proc_lock);
	if (tell_reaper) {
		bool killed = (zombie_status & 0x7f) != 0;
		proc_signal_send(reaper, UAPI_SIGCHLD, (struct proc_siginfo){
			.code = killed ? 2 : 1, .pid = zombie_pid,
			.status = killed ? (zombie_status & 0x7f) : ((zombie_status >> 8) & 0xff) });
		(void)waitq_wake_all(&reaper->child_wq);
		proc_put(reaper);
	}
	/* POSIX: a group this exit orphans that has stopped members gets SIGHUP, then SIGCONT
	 * (nobody is left to continue it by job control). */
	for (size_t i = 0; i < orphaned.n; i++) {
		signal_pgrp(orphaned.ids[i], UAPI_SIGHUP);
		signal_pgrp(orphaned.ids[i], UAPI_SIGCONT);
	}
	/* The exit signal to the parent (SIGCHLD, whose default action ignores it; a clone
	 * child's own, or none): CLD_EXITED 1 or CLD_KILLED 2. With SIGCHLD ignored (or
	 * SA_NOCLDWAIT) nobody waits for a SIGCHLD child: the zombie is freed at once (Linux's
	 * do_notify_parent; a clone child stays for its __WCLONE wait). */
	if (notify) {
		struct proc_sigaction chld = proc_sigaction_get(parent, UAPI_SIGCHLD);
		if (exit_sig == UAPI_SIGCHLD &&
		    (chld.handler == 1 || (chld.flags & 2 /* SA_NOCLDWAIT */))) {
			spin_lock(&proc_lock);
			p->autoreap = true;
			spin_unlock(&proc_lock);
		}
		bool killed = (status & 0x7f) != 0;
		i32 code = (status & 0x80) ? UAPI_CLD_DUMPED : killed ? UAPI_CLD_KILLED : UAPI_CLD_EXITED;
		if (exit_sig && exit_sig <= PROC_NSIG)
			(void)proc_signal_send(parent, exit_sig, (struct proc_siginfo){
				.code = code, .pid = p->pid, .uid = p->fs.cred.uid,
				.status = killed ? (status & 0x7f) : ((status >> 8) & 0xff) });
		(void)waitq_wake_all(&parent->child_wq);
		/* the parent's reference from above: a parent that exited and was reaped meanwhile
		 * was freed under this signal (30-min soak: a #GP on the heap poison in its
		 * sig_lock; threads.exit_while_the_parent_is_reaped) */
		proc_put(parent);
	}
	(void)waitq_wake_all(&p->exit_wq); /* pidfds: the group has exited (proc/pidfd.c) */
}

void proc_discard(struct thread *p)
{
	proc_files_put(p, true);
	vfs_ctx_put(&p->fs); /* the root and cwd a failed fork or clone copied (none: nothing) */
	proc_fs_release(p);
	proc_drop_memory(p);
	if (p->leader == p)
		proc_set_exe(p, (struct vfs_path){ 0 });
	spin_lock(&proc_lock);
	p->state = PROC_ZOMBIE;
	if (p->leader != p)
		p->proc->nthreads--; /* a thread that never ran */
	spin_unlock(&proc_lock);
	proc_reap(p);
}

void proc_get(struct thread *p)
{
	refcount_get(&p->refs);
}

void proc_put(struct thread *p)
{
	/* A loop, not recursion: a thread's last put drops its reference to its leader. */
	while (p && refcount_put(&p->refs)) {
		kbuf_free(&p->io_kbuf);
		spin_lock(&p->borrowed_lock);
		file_refs_destroy(&p->fd_borrowed);
		spin_unlock(&p->borrowed_lock);
		proc_drop_memory(p); /* gone at exit already, unless the process never ran */
		proc_fs_release(p);  /* likewise */
		user_context_fini(&p->uc); /* its FPU state may still be live in the CPU (lazy FPU) */
		proc_sigpending_flush(p); /* a signal queued after its exit */
		struct proc_sighand *sh = p->sighand;
		p->sighand = NULL;
		proc_sighand_put(sh);
		struct thread *leader = p->leader != p ? p->leader : NULL;
		group_put(p->proc);
		KFREE(thread_cache, p);
		p = leader;
	}
}

void proc_task_done(struct thread *p)
{
	spin_lock(&proc_lock);
	p->exited = true;
	bool autoreap = p->autoreap && p->state == PROC_ZOMBIE;
	spin_unlock(&proc_lock);
	(void)waitq_wake_all(&p->exit_wq);
	if (autoreap)
		proc_reap(p); /* nobody waits for it: its task frees its zombie */
	proc_put(p); /* the task's reference */
}

void proc_vfork_release(struct thread *p)
{
	spin_lock(&proc_lock);
	bool waited = p->vfork_wait;
	p->vfork_wait = false;
	spin_unlock(&proc_lock);
	if (waited)
		(void)waitq_wake_all(&p->exit_wq);
}

bool proc_has_exited(struct thread *p)
{
	spin_lock(&proc_lock);
	bool done = p->exited;
	spin_unlock(&proc_lock);
	return done;
}

void proc_reap(struct thread *z)
{
	spin_lock(&proc_lock);
	bool listed = z->listed;
	z->listed = false;
	if (listed)
		proc_list_remove(&all_procs, z);
	spin_unlock(&proc_lock);
	if (listed)
		proc_put(z); /* the list's reference */
}

void proc_end_all(struct thread *keep)
{
	for (;;) {
		struct thread *victim = NULL;
		spin_lock(&proc_lock);
		LIST_FOR_EACH(proc_list, &all_procs, c) {
			if (c == keep || victim)
				continue;
			victim = c;
			c->autoreap = false; /* freed here, not by its task */
			proc_get(c);
		}
		spin_unlock(&proc_lock);
		if (!victim)
			return;
		(void)proc_signal_send(victim, UAPI_SIGKILL, (struct proc_siginfo){ .code = UAPI_SI_KERNEL });
		WAITQ_WAIT(&victim->exit_wq, proc_has_exited(victim));
		proc_reap(victim);
		proc_put(victim);
	}
}

/* orphaned_locked - whether group pgid is orphaned once `gone` (exiting, or NULL) no longer
 * counts, either as a member or as a parent: no live member has a parent outside the group in
 * the same session. A parent that is init (pid 1) does not count (as Linux). */
static bool orphaned_locked(u32 pgid, struct thread *gone) REQUIRES(&proc_lock)
{
	LIST_FOR_EACH(proc_list, &all_procs, c) {
		if (c->leader != c || c->proc->pgid != pgid || c == gone || c->state == PROC_ZOMBIE)
			continue;
		const struct thread *par = c->proc->parent;
		if (!par || par == gone || par->pid == 1)
			continue;
		if (par->proc->pgid != pgid && par->proc->sid == c->proc->sid)
			return false;
	}
	return true;
}

static bool has_stopped_locked(u32 pgid) REQUIRES(&proc_lock)
{
	LIST_FOR_EACH(proc_list, &all_procs, c)
		if (c->leader == c && c->proc->pgid == pgid && c->proc->stopped)
			return true;
	return false;
}

static void add_pgid(struct pgid_set *set, u32 pgid)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->ids[i] == pgid)
			return;
	if (set->n < ORPHAN_MAX)
		set->ids[set->n++] = pgid;
}

/* orphaned_by_exit - the groups p's exit orphans that have stopped members (Linux's
 * kill_orphaned_pgrp): p's own group when p was its link to the session (its parent is in
 * another group of the same session), and the groups of p's children that p linked. */
static void orphaned_by_exit(struct thread *p, struct pgid_set *set) REQUIRES(&proc_lock)
{
	const struct thread *par = p->proc->parent;
	if (par && par != p && par->proc->pgid != p->proc->pgid && par->proc->sid == p->proc->sid &&
	    orphaned_locked(p->proc->pgid, p) && has_stopped_locked(p->proc->pgid))
		add_pgid(set, p->proc->pgid);
	LIST_FOR_EACH(proc_list, &all_procs, c) {
		if (c->leader != c || c->proc->parent != p || c->proc->pgid == p->proc->pgid ||
		    c->proc->sid != p->proc->sid)
			continue;
		if (orphaned_locked(c->proc->pgid, p) && has_stopped_locked(c->proc->pgid))
			add_pgid(set, c->proc->pgid);
	}
}

/* signal_pgrp - sig to every live member of group pgid (a kernel signal: no permission check),
 * one at a time in pid order outside proc_lock. */
static void signal_pgrp(u32 pgid, u32 sig)
{
	u32 after = 0;
	for (;;) {
		struct thread *q = NULL;
		spin_lock(&proc_lock);
		LIST_FOR_EACH(proc_list, &all_procs, c)
			if (c->leader == c && c->pid > after && c->proc->pgid == pgid && c->state != PROC_ZOMBIE &&
			    (!q || c->pid < q->pid))
				q = c;
		if (q)
			proc_get(q);
		spin_unlock(&proc_lock);
		if (!q)
			return;
		after = q->pid;
		(void)proc_group_signal(q, sig, (struct proc_siginfo){ .code = UAPI_SI_KERNEL });
		proc_put(q);
	}
}

void proc_signal_pgrp(u32 pgid, u32 sig)
{
	signal_pgrp(pgid, sig);
}

int proc_pgrp_session(u32 pgid, u32 sid)
{
	int e = -ESRCH;
	spin_lock(&proc_lock);
	LIST_FOR_EACH(proc_list, &all_procs, c) {
		if (c->leader != c || c->proc->pgid != pgid || c->state == PROC_ZOMBIE)
			continue;
		if (c->proc->sid == sid)
			e = 0;
		else if (e)
			e = -EPERM;
	}
	spin_unlock(&proc_lock);
	return e;
}

u32 proc_pgid(struct thread *p)
{
	spin_lock(&proc_lock);
	u32 g = p->proc->pgid;
	spin_unlock(&proc_lock);
	return g;
}

u32 proc_sid(struct thread *p)
{
	spin_lock(&proc_lock);
	u32 s = p->proc->sid;
	spin_unlock(&proc_lock);
	return s;
}

bool proc_pgrp_orphaned(struct thread *p)
{
	spin_lock(&proc_lock);
	bool o = orphaned_locked(p->proc->pgid, NULL);
	spin_unlock(&proc_lock);
	return o;
}

/* find_locked - the thread (leader or not) whose tid is `pid`, or NULL. */
static struct thread *find_locked(i64 pid) REQUIRES(&proc_lock)
{
	LIST_FOR_EACH(proc_list, &all_procs, q)
		if ((i64)q->pid == pid)
			return q;
	return NULL;
}

int proc_setpgid(struct thread *p, i64 pid, i64 pgid)
{
	if (!pid)
		pid = p->pid;
	if (!pgid)
		pgid = pid;
	if (pgid < 0)
		return -EINVAL;
	int e = 0;
	spin_lock(&proc_lock);
	struct thread *t = find_locked(pid);
	if (!t) {
		e = -ESRCH;
	} else if (t->leader != t) {
		e = -EINVAL; /* a thread's tid names no process (Linux: not a group leader) */
	} else if (t != p && t->proc->parent != p) {
		e = -ESRCH;
	} else if (t != p && t->proc->sid != p->proc->sid) {
		e = -EPERM;
	} else if (t != p && t->proc->execed) {
		e = -EACCES;
	} else if (t->proc->sid == t->pid) {
		e = -EPERM; /* a session leader stays in its group */
	} else if ((u64)pgid != t->pid) {
		bool found = false;
		LIST_FOR_EACH(proc_list, &all_procs, g)
			if (g->leader == g && (i64)g->proc->pgid == pgid && g->proc->sid == p->proc->sid)
				found = true;
		if (!found)
			e = -EPERM; /* no such group in the caller's session */
	}
	if (!e)
		t->proc->pgid = (u32)pgid;
	spin_unlock(&proc_lock);
	return e;
}

i64 proc_setsid(struct thread *p)
{
	i64 r = p->pid;
	spin_lock(&proc_lock);
	LIST_FOR_EACH(proc_list, &all_procs, g)
		if (g->leader == g && g->proc->pgid == p->pid)
			r = -EPERM; /* p's pid names a group already (p leads it, or it did) */
	if (r > 0) {
		p->proc->sid = p->pid;
		p->proc->pgid = p->pid;
		p->proc->tty_detached = false;
	}
	spin_unlock(&proc_lock);
	return r;
}


struct thread *proc_by_pid(i64 pid)
{
	struct thread *found = NULL;
	spin_lock(&proc_lock);
	if (procs_ready) /* /proc may ask before the first process exists */
		LIST_FOR_EACH(proc_list, &all_procs, q)
			if ((i64)q->pid == pid)
				found = q;
	if (found)
		proc_get(found);
	spin_unlock(&proc_lock);
	return found;
}

u32 proc_count_tasks(u32 uid)
{
	u32 n = 0;
	spin_lock(&proc_lock);
	LIST_FOR_EACH(proc_list, &all_procs, q)
		if (q->state != PROC_ZOMBIE && !q->exited &&
		    (uid == PROC_ANY_UID || q->fs.cred.uid == uid))
			n++;
	spin_unlock(&proc_lock);
	return n;
}

struct thread *proc_next_leader(u32 after)
{
	struct thread *found = NULL;
	spin_lock(&proc_lock);
	LIST_FOR_EACH(proc_list, &all_procs, q)
		if (q->leader == q && q->pid > after && (!found || q->pid < found->pid))
			found = q;
	if (found)
		proc_get(found);
	spin_unlock(&proc_lock);
	return found;
}

struct vm_map *proc_swap_mm(struct thread *p, struct vm_map *m)
{
	spin_lock(&proc_lock);
	struct vm_map *old = p->mm;
	p->mm = m;
	spin_unlock(&proc_lock);
	return old;
}

struct thread *proc_oom_victim(u64 *pages)
{
	struct thread *best = NULL;
	i64 most = 0;
	u64 best_pages = 0;
	spin_lock(&proc_lock);
	LIST_FOR_EACH(proc_list, &all_procs, q) {
		if (q->leader->pid == 1 || q->exited || !q->mm)
			continue;
		/* q->mm changes only under proc_lock (proc_swap_mm), so it is referenced here */
		u64 n = vmspace_resident_pages(&q->mm->vs);
		i64 score = proc_oom_badness(n, q->proc->oom_score_adj);
		if (score > most) { /* adj -1000 scores -1: never chosen */
			most = score;
			best = q;
			best_pages = n;
		}
	}
	if (best)
		proc_get(best);
	spin_unlock(&proc_lock);
	*pages = best_pages;
	return best;
}

bool proc_may_signal(const struct thread *from, const struct thread *to)
{
	const struct cred *a = &from->fs.cred, *b = &to->fs.cred;
	return a->euid == 0 || a->uid == b->uid || a->euid == b->uid || a->uid == b->suid ||
	       a->euid == b->suid;
}

bool proc_may_ptrace_attach(struct thread *from, struct thread *g)
{
	if (from->leader == g || from->fs.cred.euid == 0)
		return true;
	const struct cred *a = &from->fs.cred, *b = &g->fs.cred;
	if (a->uid != b->uid || a->uid != b->euid || a->uid != b->suid || a->gid != b->gid ||
	    a->gid != b->egid || a->gid != b->sgid)
		return false;
	spin_lock(&proc_lock);
	bool zombie = g->state == PROC_ZOMBIE;
	spin_unlock(&proc_lock);
	return zombie || proc_ctl_dumpable(g);
}

int proc_kill(struct thread *from, i64 pid, u32 sig)
{
	struct proc_siginfo info = { .code = UAPI_SI_USER, .pid = from->leader->pid,
				     .uid = from->fs.cred.uid };
	if (pid > 0) {
		struct thread *q = proc_by_pid(pid);
		if (!q)
			return -ESRCH;
		int e = proc_may_signal(from, q) ? 0 : -EPERM;
		if (!e && sig)
			(void)proc_group_signal(q->leader, sig, info); /* a zombie ignores it */
		proc_put(q);
		return e;
	}
	/* Several targets (any number): walk the list by pid, signalling one process at a
	 * time outside the lock (sending takes the target's signal lock). A process created
	 * meanwhile gets a larger pid and may be reached or not, as with Linux. */
	u32 found = 0, sent = 0;
	u32 after = 0;
	for (;;) {
		struct thread *q = NULL;
		spin_lock(&proc_lock);
		LIST_FOR_EACH(proc_list, &all_procs, c) {
			if (c->pid <= after || c->state == PROC_ZOMBIE || (q && c->pid >= q->pid) ||
			    c->leader != c) /* a thread group is one target, reached by its leader */
				continue;
			bool match = pid == -1 ? (c->pid != 1 && c != from->leader)
				   : (i64)c->proc->pgid == (pid == 0 ? (i64)from->proc->pgid : -pid);
			if (match)
				q = c;
		}
		if (q)
			proc_get(q);
		spin_unlock(&proc_lock);
		if (!q)
			break;
		after = q->pid;
		found++;
		if (proc_may_signal(from, q)) {
			sent++;
			if (sig)
				(void)proc_group_signal(q, sig, info);
		}
		proc_put(q);
	}
	if (!found)
		return -ESRCH;
	return sent ? 0 : -EPERM;
}

struct thread *proc_find_stop_event(struct thread *p, struct proc_wait_sel sel, bool stops,
				     bool conts, bool keep, u32 *status)
{
	struct thread *found = NULL;
	spin_lock(&proc_lock);
	LIST_FOR_EACH(proc_list, &all_procs, c) {
		if (found || !selected(c, p, sel))
			continue;
		struct process *g = c->proc;
		if (stops && g->stop_sig && g->stopped) {
			*status = (g->stop_sig << 8) | 0x7f;
			if (!keep)
				g->stop_sig = 0;
			found = c;
		} else if (conts && g->cont_report) {
			*status = 0xffff;
			if (!keep)
				g->cont_report = false;
			found = c;
		}
	}
	if (found)
		proc_get(found);
	spin_unlock(&proc_lock);
	return found;
}

void proc_fire_alarms(u64 now_ns)
{
	u32 after = 0;
	for (;;) {
		struct thread *due = NULL;
		spin_lock(&proc_lock);
		LIST_FOR_EACH(proc_list, &all_procs, c) {
			if (due || c->pid <= after || c->state == PROC_ZOMBIE || c->leader != c)
				continue;
			struct process *g = c->proc;
			spin_lock(&g->itimer_lock);
			if (g->alarm_ns && g->alarm_ns <= now_ns) {
				g->alarm_ns = g->alarm_interval_ns ? now_ns + g->alarm_interval_ns : 0;
				due = c;
			}
			spin_unlock(&g->itimer_lock);
		}
		if (due) {
			after = due->pid;
			proc_get(due);
		}
		spin_unlock(&proc_lock);
		if (!due)
			return;
		/* process-directed (proc/itimer.h), through its leader */
		(void)proc_group_signal(due, UAPI_SIGALRM, (struct proc_siginfo){ .code = UAPI_SI_KERNEL });
		proc_put(due);
	}
}

bool proc_sleep_due_locked(const struct thread *p, u64 now_ns, i64 wall_ns)
{
	if (p->sleep_wall)
		return wall_ns >= 0 && p->sleep_deadline_ns <= (u64)wall_ns;
	return p->sleep_deadline_ns <= now_ns;
}

void proc_wake_sleepers(u64 now_ns)
{
	i64 wall_ns = clock_realtime_ns();
	spin_lock(&proc_lock);
	LIST_FOR_EACH(proc_list, &all_procs, c) {
		spin_lock(&c->sig_lock);
		if (c->waiting_on && c->sleep_deadline_ns &&
		    proc_sleep_due_locked(c, now_ns, wall_ns))
			(void)waitq_wake_all(c->waiting_on);
		spin_unlock(&c->sig_lock);
	}
	spin_unlock(&proc_lock);
}

struct thread *proc_group_next(struct thread *g, u32 after)
{
	struct thread *t = NULL;
	spin_lock(&proc_lock);
	LIST_FOR_EACH(proc_list, &all_procs, c) {
		if (c->leader != g || c->pid <= after || c->state == PROC_ZOMBIE ||
		    (c->exited && c != g) || (t && c->pid >= t->pid))
			continue;
		t = c;
	}
	if (t)
		proc_get(t);
	spin_unlock(&proc_lock);
	return t;
}

struct thread *proc_current(void)
{
	u64 me = task_id();
	struct thread *found = NULL;
	spin_lock(&proc_lock);
	if (procs_ready)
		LIST_FOR_EACH(proc_list, &all_procs, q)
			if (q->task_id == me && !q->exited)
				found = q;
	if (found)
		proc_get(found);
	spin_unlock(&proc_lock);
	return found;
}

u32 proc_next_tgid(u32 from)
{
	u32 best = 0;
	spin_lock(&proc_lock);
	if (procs_ready)
		LIST_FOR_EACH(proc_list, &all_procs, q)
			if (q->leader == q && q->pid >= from && (!best || q->pid < best))
				best = q->pid;
	spin_unlock(&proc_lock);
	return best;
}

void proc_ctl_mark_pdeath_locked(struct thread *g, u32 tid, bool all)
{
	LIST_FOR_EACH(proc_list, &all_procs, c) {
		if (c->leader != c || c->proc->parent != g || !(all || c->ctl.creator_tid == tid))
			continue;
		c->ctl.creator_tid = 0; /* it now belongs to the group (Linux: to another thread) */
		if (c->ctl.pdeath_signal && c->state != PROC_ZOMBIE)
			c->ctl.pdeath_due = true;
	}
}

void proc_ctl_send_pdeath(void)
{
	for (;;) {
		struct thread *t = NULL;
		u32 sig = 0;
		spin_lock(&proc_lock);
		LIST_FOR_EACH(proc_list, &all_procs, c) {
			if (!t && c->ctl.pdeath_due) {
				c->ctl.pdeath_due = false;
				t = c;
				sig = c->ctl.pdeath_signal;
				proc_get(t);
			}
		}
		spin_unlock(&proc_lock);
		if (!t)
			return;
		if (sig) /* as Linux's SEND_SIG_NOINFO from the exiting parent: SI_USER */
			(void)proc_group_signal(t, sig, (struct proc_siginfo){ .code = 0 });
		proc_put(t);
	}
}

void proc_show_all(void)
{
	fw_info("sysrq: processes (pid tgid ppid task state waiting pending blocked attn)");
	spin_lock(&proc_lock);
	LIST_FOR_EACH(proc_list, &all_procs, q) {
		/* sig_lock nests inside proc_lock (the locking note in proc/process.h) */
		spin_lock(&q->sig_lock);
		bool waiting = q->waiting_on != NULL;
		u64 pending = q->pending.set, blocked = q->sigmask;
		u32 attn = atomic_u32_load(&q->sig_attn);
		spin_unlock(&q->sig_lock);
		fw_info("  %u %u %u task %lu state %u %s pending %lx blocked %lx attn %x", q->pid,
			q->leader->pid, q->proc->parent ? q->proc->parent->pid : 0, q->task_id,
			(unsigned)q->state, waiting ? STR("waiting") : STR("-"), pending, blocked, attn);
	}
	spin_unlock(&proc_lock);
	task_show_all();
}
