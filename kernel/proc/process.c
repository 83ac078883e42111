/*
 * process.c — process objects (proc/process.h): creation, the process list, the file
 * descriptor table (lowest free slot, O_CLOEXEC bit per slot), exit and reaping.
 */
#include <fw/heap.h>
#include <fw/typecache.h>
#include <proc/process.h>

DEFINE_TYPE_CACHE(process_cache, struct process);
DEFINE_LIST(proc_list, struct process, all_link, litelock);

struct litelock proc_lock;
static struct proc_list all_procs GUARDED_BY(&proc_lock);
static bool procs_ready;
static u32 next_pid = 1;

struct process *proc_create(struct process *parent)
{
	struct process *p = KNEW(process_cache);
	if (!p)
		return NULL;
	p->mm = vm_map_create();
	if (!p->mm) {
		KFREE(process_cache, p);
		return NULL;
	}
	user_context_init(&p->uc);
	fd_array_init(&p->fds, PROC_MAX_FDS);
	p->umask = 022;
	if (!procs_ready) {
		litelock_init(&proc_lock);
		procs_ready = true;
		litelock_lock(&proc_lock);
		proc_list_init(&all_procs, &proc_lock);
		litelock_unlock(&proc_lock);
	}
	litelock_lock(&proc_lock);
	p->pid = next_pid++;
	p->pgid = parent ? parent->pgid : p->pid;
	p->parent = parent;
	p->state = PROC_RUNNABLE;
	proc_list_push_back(&all_procs, p);
	litelock_unlock(&proc_lock);
	return p;
}

/* proc_next_runnable - the runnable process after `cur` in list order (round robin). */
struct process *proc_next_runnable(struct process *cur)
{
	struct process *pick = NULL;
	litelock_lock(&proc_lock);
	struct process *p = cur ? proc_list_next(&all_procs, cur) : NULL;
	for (size_t n = 0; n <= proc_list_len(&all_procs) && !pick; n++) {
		if (!p)
			p = proc_list_first(&all_procs);
		if (p && p->state == PROC_RUNNABLE)
			pick = p;
		else if (p)
			p = proc_list_next(&all_procs, p);
	}
	litelock_unlock(&proc_lock);
	return pick;
}

struct process *proc_find_child(struct process *p, i64 pid, bool *has_child)
{
	struct process *found = NULL;
	*has_child = false;
	litelock_lock(&proc_lock);
	LIST_FOR_EACH(proc_list, &all_procs, c) {
		if (c->parent != p || (pid > 0 && c->pid != (u64)pid) || c->autoreap)
			continue;
		*has_child = true;
		if (c->state == PROC_ZOMBIE && !found)
			found = c;
	}
	litelock_unlock(&proc_lock);
	return found;
}

struct result_i64 proc_fd_install(struct process *p, struct file *f, u32 min_fd, bool cloexec)
{
	size_t n = fd_array_len(&p->fds);
	for (size_t fd = min_fd; fd < PROC_MAX_FDS; fd++) {
		if (fd >= n) {
			if (fd_array_resize(&p->fds, fd + 1))
				return result_i64_err(-EMFILE);
			n = fd + 1;
		}
		if (!fd_array_get(&p->fds, fd).value.file) {
			(void)fd_array_set(&p->fds, fd, (struct fd_slot){ .file = f, .cloexec = cloexec });
			return result_i64_ok((i64)fd);
		}
	}
	return result_i64_err(-EMFILE);
}

struct file *proc_fd_get(struct process *p, i64 fd)
{
	if (fd < 0)
		return NULL;
	return fd_array_get(&p->fds, (size_t)fd).value.file;
}

int proc_fd_close(struct process *p, i64 fd)
{
	struct file *f = proc_fd_get(p, fd);
	if (!f)
		return -EBADF;
	(void)fd_array_set(&p->fds, (size_t)fd, (struct fd_slot){ 0 });
	vfs_close(f);
	return 0;
}

void proc_exit(struct process *p, int status, struct process *reaper)
{
	for (size_t fd = 0; fd < fd_array_len(&p->fds); fd++)
		(void)proc_fd_close(p, (i64)fd);
	fd_array_destroy(&p->fds);
	proc_drop_memory(p);
	litelock_lock(&proc_lock);
	p->state = PROC_ZOMBIE;
	p->wait_status = status;
	LIST_FOR_EACH(proc_list, &all_procs, c)
		if (c->parent == p)
			c->parent = reaper != p ? reaper : NULL;
	struct process *parent = p->parent;
	if (parent && parent->state == PROC_BLOCKED)
		parent->state = PROC_RUNNABLE;
	litelock_unlock(&proc_lock);
	/* SIGCHLD to the parent (its default action ignores it): CLD_EXITED 1 or CLD_KILLED 2;
	 * with SIGCHLD ignored (or SA_NOCLDWAIT) nobody waits: the runner reaps it. */
	if (parent && parent != p && parent->state != PROC_ZOMBIE) {
		struct proc_sigaction chld = parent->sigactions[17 - 1];
		if (chld.handler == 1 || (chld.flags & 2 /* SA_NOCLDWAIT */))
			p->autoreap = true;
		bool killed = (status & 0x7f) != 0;
		proc_signal_send(parent, 17, (struct proc_siginfo){
			.code = killed ? 2 : 1, .pid = p->pid,
			.status = killed ? (status & 0x7f) : ((status >> 8) & 0xff) });
	}
}

u32 proc_wake_console_waiters(bool readable, u64 now_ns)
{
	u32 waiting = 0;
	litelock_lock(&proc_lock);
	LIST_FOR_EACH(proc_list, &all_procs, c) {
		if (c->state != PROC_BLOCKED || !c->wait_console)
			continue;
		if (readable || (c->wait_deadline_ns && c->wait_deadline_ns <= now_ns)) {
			c->wait_console = false;
			c->wait_pipe = false;
			c->state = PROC_RUNNABLE;
		} else {
			waiting++;
		}
	}
	litelock_unlock(&proc_lock);
	return waiting;
}

void proc_wake_pipe_waiters(void)
{
	litelock_lock(&proc_lock);
	LIST_FOR_EACH(proc_list, &all_procs, c) {
		if (c->state != PROC_BLOCKED || !c->wait_pipe)
			continue;
		c->wait_pipe = false;
		c->wait_console = false;
		c->state = PROC_RUNNABLE;
	}
	litelock_unlock(&proc_lock);
}

void proc_reap(struct process *z)
{
	litelock_lock(&proc_lock);
	proc_list_remove(&all_procs, z);
	litelock_unlock(&proc_lock);
	proc_drop_memory(z); /* gone at exit already, unless the process never ran */
	user_context_fini(&z->uc); /* its FPU state may still be live in the CPU (lazy FPU) */
	KFREE(process_cache, z);
}

struct process *proc_by_pid(i64 pid)
{
	struct process *found = NULL;
	litelock_lock(&proc_lock);
	LIST_FOR_EACH(proc_list, &all_procs, q)
		if ((i64)q->pid == pid)
			found = q;
	litelock_unlock(&proc_lock);
	return found;
}

/* may_signal - Linux's rule: root, or the sender's real or effective uid is the target's
 * real uid (saved uids are not tracked). */
static bool may_signal(const struct process *from, const struct process *to)
{
	const struct cred *a = &from->fs.cred, *b = &to->fs.cred;
	return a->euid == 0 || a->uid == b->uid || a->euid == b->uid;
}

int proc_kill(struct process *from, i64 pid, u32 sig)
{
	struct proc_siginfo info = { .code = 0 /* SI_USER */, .pid = from->pid };
	if (pid > 0) {
		struct process *q = proc_by_pid(pid);
		if (!q)
			return -ESRCH;
		if (!may_signal(from, q))
			return -EPERM;
		if (sig && q->state != PROC_ZOMBIE)
			proc_signal_send(q, sig, info);
		return 0;
	}
	/* Several targets: collect them under the lock, signal them after it (sending takes
	 * the lock to wake a blocked process). */
	struct process *hit[64];
	u32 n = 0, found = 0, denied = 0;
	litelock_lock(&proc_lock);
	LIST_FOR_EACH(proc_list, &all_procs, q) {
		if (q->state == PROC_ZOMBIE)
			continue;
		bool match = pid == -1 ? (q->pid != 1 && q != from)
			   : (i64)q->pgid == (pid == 0 ? (i64)from->pgid : -pid);
		if (!match)
			continue;
		found++;
		if (!may_signal(from, q))
			denied++;
		else if (n < 64)
			hit[n++] = q;
	}
	litelock_unlock(&proc_lock);
	if (!found)
		return -ESRCH;
	if (!n)
		return -EPERM;
	(void)denied;
	for (u32 i = 0; i < n && sig; i++)
		proc_signal_send(hit[i], sig, info);
	return 0;
}

struct process *proc_find_stop_event(struct process *p, i64 pid, bool stops, bool conts,
				     u32 *status)
{
	struct process *found = NULL;
	litelock_lock(&proc_lock);
	LIST_FOR_EACH(proc_list, &all_procs, c) {
		if (found || c->parent != p || (pid > 0 && c->pid != (u64)pid))
			continue;
		if (stops && c->stop_sig && c->state == PROC_STOPPED) {
			*status = (c->stop_sig << 8) | 0x7f;
			c->stop_sig = 0;
			found = c;
		} else if (conts && c->cont_report) {
			*status = 0xffff;
			c->cont_report = false;
			found = c;
		}
	}
	litelock_unlock(&proc_lock);
	return found;
}

void proc_reap_detached(struct process *keep)
{
	for (;;) {
		struct process *z = NULL;
		litelock_lock(&proc_lock);
		LIST_FOR_EACH(proc_list, &all_procs, c)
			if (c != keep && c->state == PROC_ZOMBIE && c->autoreap)
				z = c;
		litelock_unlock(&proc_lock);
		if (!z)
			return;
		proc_reap(z);
	}
}

u32 proc_fire_alarms(u64 now_ns)
{
	u32 armed = 0;
	for (;;) {
		struct process *due = NULL;
		armed = 0;
		litelock_lock(&proc_lock);
		LIST_FOR_EACH(proc_list, &all_procs, c) {
			if (!c->alarm_ns || c->state == PROC_ZOMBIE)
				continue;
			if (c->alarm_ns <= now_ns && !due)
				due = c;
			else
				armed++;
		}
		litelock_unlock(&proc_lock);
		if (!due)
			return armed;
		due->alarm_ns = due->alarm_interval_ns ? now_ns + due->alarm_interval_ns : 0;
		proc_signal_send(due, 14 /* SIGALRM */, (struct proc_siginfo){ .code = 0x80 });
	}
}
