/*
 * oom.c — the out-of-memory policy (proc/process.h): when a page fault finds no free frame,
 * the process holding the most memory is ended, not whichever process happened to fault.
 * Without it a worker that maps and touches all of memory makes init's next page fault kill
 * init, and with it the system. Linux's rule, simplified: the largest resident set
 * (vmspace_resident_pages) wins, init is never chosen, and a victim already dying is waited
 * for instead of a second one being killed.
 */
#include <fw/log.h>
#include <fw/task.h>
#include <proc/process.h>

#define SIGKILL 9
#define SI_KERNEL 0x80
#define OOM_WAIT_MS 10 /* how long the faulting process waits for the victim's memory */

bool proc_oom_kill(struct process *p)
{
	u64 pages = 0;
	struct process *v = proc_oom_victim(&pages);
	if (!v)
		return false;
	if (v == p) {
		proc_put(v);
		return false;
	}
	bool dying = proc_signal_fatal(v);
	if (!dying) {
		fw_warn("out of memory (pid %u faulting): killed pid %u, %llu pages resident", p->pid,
			v->pid, (unsigned long long)pages);
		(void)proc_signal_send(v, SIGKILL, (struct proc_siginfo){ .code = SI_KERNEL });
	}
	proc_put(v);
	task_sleep_ms(OOM_WAIT_MS);
	return true;
}
