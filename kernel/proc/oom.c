/*
 * oom.c — the out-of-memory policy (proc/process.h): when a page fault finds no free frame,
 * the process holding the most memory is ended, not whichever process happened to fault.
 * Without it a worker that maps and touches all of memory makes init's next page fault kill
 * init, and with it the system. Linux's rule, simplified: the largest resident set
 * (vmspace_resident_pages) moved by the process's oom_score_adj (adj / 1000 of memory) wins,
 * init and processes whose adj is -1000 are never chosen, and a victim already dying is
 * waited for instead of a second one being killed.
 */
#include <fw/frame.h>
#include <fw/log.h>
#include <fw/task.h>
#include <proc/process.h>

#define SI_KERNEL 0x80
#define OOM_WAIT_MS 10 /* how long the faulting process waits for the victim's memory */

#define OOM_ADJ_MIN (-1000)
#define OOM_ADJ_MAX 1000

i64 proc_oom_badness(u64 resident_pages, i32 adj)
{
	if (adj <= OOM_ADJ_MIN)
		return -1;
	i64 total = (i64)frame_stat_total();
	i64 points = (i64)resident_pages + (i64)adj * (total / 1000);
	return points > 0 ? points : 1; /* as Linux: anything killable scores at least 1 */
}

u64 proc_oom_score(struct thread *p)
{
	struct thread *g = p->leader;
	struct vm_map *m = proc_mm_get(g);
	u64 pages = m ? vmspace_resident_pages(&m->vs) : 0;
	if (m)
		vm_map_put(m);
	i64 badness = g->pid == 1 ? -1 : proc_oom_badness(pages, proc_oom_adj(g));
	i64 total = (i64)frame_stat_total();
	if (badness < 0 || total <= 0)
		return 0;
	i64 points = (1000 + badness * 1000 / total) * 2 / 3; /* Linux's proc_oom_score */
	return points > 0 ? (u64)points : 0;
}

i32 proc_oom_adj(struct thread *p)
{
	spin_lock(&proc_lock);
	i32 adj = p->proc->oom_score_adj;
	spin_unlock(&proc_lock);
	return adj;
}

int proc_set_oom_adj(struct thread *p, i32 adj, bool privileged)
{
	if (adj < OOM_ADJ_MIN || adj > OOM_ADJ_MAX)
		return -EINVAL;
	int e = 0;
	spin_lock(&proc_lock);
	struct process *g = p->proc;
	if (adj < g->oom_score_adj_min && !privileged)
		e = -EACCES; /* CAP_SYS_RESOURCE lowers it; others only back to what root set */
	if (!e) {
		g->oom_score_adj = adj;
		if (privileged)
			g->oom_score_adj_min = adj;
	}
	spin_unlock(&proc_lock);
	return e;
}

bool proc_oom_kill(struct thread *p)
{
	u64 pages = 0;
	struct thread *v = proc_oom_victim(&pages);
	if (!v)
		return false;
	if (v == p) {
		proc_put(v);
		return false;
	}
	bool dying = proc_signal_fatal(v);
	if (!dying) {
		fw_err("out of memory (pid %u faulting): killed pid %u, %llu pages resident", p->pid,
			v->pid, (unsigned long long)pages);
		(void)proc_signal_send(v, UAPI_SIGKILL, (struct proc_siginfo){ .code = SI_KERNEL });
	}
	proc_put(v);
	task_sleep_ms(OOM_WAIT_MS);
	return true;
}

void proc_oom_after_copy(struct thread *p)
{
	if (proc_oom_kill(p))
		return; /* another process goes; this call's EFAULT stands */
	if (proc_signal_fatal(p))
		return;
	fw_err("pid %u: out of memory in a copy to user memory: killed", p->pid);
	(void)proc_signal_send(p, UAPI_SIGKILL, (struct proc_siginfo){ .code = SI_KERNEL });
}
