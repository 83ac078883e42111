/*
 * ctl.c — what prctl(2) and personality(2) keep, under proc_lock: per thread (struct proc_ctl
 * in struct thread) the parent-death signal and no_new_privs, per process (struct
 * proc_group_ctl in struct process) the dumpable flag, the child-subreaper flag and the
 * personality, and how fork, exec and id changes pass them
 * on (Linux's rules: prctl(2), personality(2)). Sending the parent-death signals needs the
 * process list: proc_ctl_mark_pdeath_locked and proc_ctl_send_pdeath are in process.c.
 */
#include <proc/process.h>

void proc_ctl_fork(struct thread *c, struct thread *p, bool thread)
{
	spin_lock(&proc_lock);
	c->ctl.no_new_privs = p->ctl.no_new_privs; /* every child and thread keeps it */
	if (!thread) {
		c->ctl.creator_tid = p->pid; /* the "parent thread" of PR_SET_PDEATHSIG */
		c->proc->ctl.personality = p->proc->ctl.personality;
		c->proc->ctl.undumpable = p->proc->ctl.undumpable; /* the mm's flag: copied with it */
	}
	spin_unlock(&proc_lock);
}

void proc_ctl_exec(struct thread *p)
{
	spin_lock(&proc_lock);
	p->proc->ctl.undumpable = false; /* a new program is dumpable (no setuid images here) */
	spin_unlock(&proc_lock);
}

void proc_ctl_ids_changed(struct thread *p)
{
	spin_lock(&proc_lock);
	p->proc->ctl.undumpable = true; /* fs.suid_dumpable = 0, Linux's default */
	spin_unlock(&proc_lock);
}

/* Get and set, each under proc_lock (the fields are read by other processes' exits). */
#define CTL_GET(type, expr)                                                                 \
	do {                                                                                \
		spin_lock(&proc_lock);                                                      \
		type v_ = (expr);                                                           \
		spin_unlock(&proc_lock);                                                    \
		return v_;                                                                  \
	} while (0)
#define CTL_SET(lvalue, value)                                                              \
	do {                                                                                \
		spin_lock(&proc_lock);                                                      \
		(lvalue) = (value);                                                         \
		spin_unlock(&proc_lock);                                                    \
	} while (0)

u32 proc_ctl_pdeathsig(struct thread *p)
{
	CTL_GET(u32, p->ctl.pdeath_signal);
}

void proc_ctl_set_pdeathsig(struct thread *p, u32 sig)
{
	CTL_SET(p->ctl.pdeath_signal, sig);
}

bool proc_ctl_dumpable(struct thread *p)
{
	CTL_GET(bool, !p->proc->ctl.undumpable);
}

void proc_ctl_set_dumpable(struct thread *p, bool on)
{
	CTL_SET(p->proc->ctl.undumpable, !on);
}

bool proc_ctl_no_new_privs(struct thread *p)
{
	CTL_GET(bool, p->ctl.no_new_privs);
}

void proc_ctl_set_no_new_privs(struct thread *p)
{
	CTL_SET(p->ctl.no_new_privs, true);
}

bool proc_ctl_subreaper(struct thread *p)
{
	CTL_GET(bool, p->proc->ctl.child_subreaper);
}

void proc_ctl_set_subreaper(struct thread *p, bool on)
{
	CTL_SET(p->proc->ctl.child_subreaper, on);
}

u32 proc_personality(struct thread *p)
{
	CTL_GET(u32, p->proc->ctl.personality);
}

void proc_set_personality(struct thread *p, u32 persona)
{
	CTL_SET(p->proc->ctl.personality, persona);
}

struct thread *proc_new_reaper_locked(struct thread *g)
{
	struct thread *r = g;
	for (struct thread *a = g->proc->parent; a; a = a->proc->parent) {
		if (a->proc->ctl.child_subreaper && a->state != PROC_ZOMBIE && !a->proc->group_exiting)
			return a; /* the nearest living subreaper */
		r = a;
	}
	return r; /* the root of the tree: init */
}
