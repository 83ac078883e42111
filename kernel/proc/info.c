/*
 * info.c — what a process shows of itself to /proc and prctl (proc/process.h,
 * "Introspection"): a snapshot of its ids, state and thread count, its name (comm), its
 * program file (exe) and its memory map.
 */
#include <proc/process.h>

void proc_info_of(struct thread *p, struct proc_info *out)
{
	struct thread *g = p->leader;
	*out = (struct proc_info){ .tid = p->pid, .tgid = g->pid };
	spin_lock(&g->sig_lock);
	bool sleeping = g->waiting_on != NULL;
	spin_unlock(&g->sig_lock);
	if (p != g) {
		spin_lock(&p->sig_lock);
		sleeping = p->waiting_on != NULL;
		spin_unlock(&p->sig_lock);
	}
	spin_lock(&proc_lock);
	out->ppid = g->proc->parent ? g->proc->parent->pid : 0;
	out->pgid = g->proc->pgid;
	out->sid = g->proc->sid;
	out->nthreads = g->state == PROC_ZOMBIE ? 1 : g->proc->nthreads;
	out->comm = p->comm;
	out->cred = p->fs.cred;
	out->start_ns = g->start_ns;
	/* p's own thread has ended (its task ran and left: task_id is set when it starts) while
	 * its group lives on, as a main thread after pthread_exit: Linux shows it a zombie */
	bool ended = p->exited && p->task_id != 0;
	if (g->state == PROC_ZOMBIE || p->state == PROC_ZOMBIE || ended)
		out->state = 'Z';
	else if (g->state == PROC_STOPPED || p->state == PROC_STOPPED)
		out->state = 'T';
	else
		out->state = sleeping ? 'S' : 'R';
	spin_unlock(&proc_lock);
}

void proc_set_comm(struct thread *p, struct str name)
{
	struct proc_comm c = { 0 };
	(void)str_copy_to(bytes_head(BYTES_OF_ARRAY(c.b), PROC_COMM_LEN - 1),
			  str_head(name, PROC_COMM_LEN - 1));
	spin_lock(&proc_lock);
	p->comm = c;
	spin_unlock(&proc_lock);
}

void proc_get_comm(struct thread *p, struct proc_comm *dst)
{
	spin_lock(&proc_lock);
	*dst = p->comm;
	spin_unlock(&proc_lock);
}

void proc_set_exe(struct thread *p, struct vfs_path exe)
{
	struct process *g = p->proc;
	spin_lock(&proc_lock);
	struct vfs_path old = g->exe;
	g->exe = exe;
	spin_unlock(&proc_lock);
	if (old.mnt || old.dentry)
		vfs_path_put(old);
}

struct vfs_path proc_get_exe(struct thread *p)
{
	struct process *g = p->proc;
	spin_lock(&proc_lock);
	struct vfs_path e = g->exe;
	vfs_path_get(e);
	spin_unlock(&proc_lock);
	return e;
}

struct vm_map *proc_mm_get(struct thread *p)
{
	spin_lock(&proc_lock);
	struct vm_map *m = p->mm;
	if (m)
		vm_map_get(m);
	spin_unlock(&proc_lock);
	return m;
}
