/*
 * usage.c — CPU time, fault and switch accounting per thread and its sums (proc/usage.h).
 */
#include <fw/task.h>
#include <fw/time.h>
#include <fw/vmspace.h>
#include <proc/itimer.h>
#include <proc/process.h>
#include <proc/rlimit.h>

void proc_acct_start(struct thread *p)
{
	struct task_usage u = task_usage_self();
	p->acct.base_run_ns = u.run_ns;
	p->acct.base_user_ns = u.user_ns;
	p->acct.pub_tick = fw_time_ticks();
}

/* raise_to - *a becomes v unless it holds more (the published times never go back). */
static void raise_to(struct atomic_u64 *a, u64 v)
{
	if (v > atomic_u64_load_relaxed(a))
		atomic_u64_store(a, v);
}

void proc_acct_publish(struct thread *p)
{
	struct task_usage u = task_usage_self();
	u64 run = u.run_ns - p->acct.base_run_ns;
	u64 user = u.user_ns - p->acct.base_user_ns;
	if (user > run) /* two clocks: a hair apart at most */
		user = run;
	raise_to(&p->acct.utime_ns, user);
	raise_to(&p->acct.stime_ns, run - user);
	atomic_u64_store(&p->acct.nvcsw, u.nvcsw);
	atomic_u64_store(&p->acct.nivcsw, u.nivcsw);
}

void proc_acct_tick(struct thread *p)
{
	u64 now = fw_time_ticks();
	if (now == p->acct.pub_tick)
		return;
	p->acct.pub_tick = now;
	proc_acct_publish(p);
	proc_rlimit_cpu_check(p);
	proc_itimer_cpu_tick(p);
}

/* sample_rss - raise p's peak resident size to what its memory map holds now. Context: p's
 * own task (p->mm is its own to read). */
static void sample_rss(struct thread *p)
{
	struct vm_map *m = p->mm;
	if (!m)
		return;
	u64 kb = vmspace_resident_pages(&m->vs) * (FRAME_SIZE / 1024);
	if (kb > atomic_u64_load_relaxed(&p->acct.maxrss_kb))
		atomic_u64_store(&p->acct.maxrss_kb, kb);
}

void proc_acct_fault(struct thread *p)
{
	(void)atomic_u64_fetch_add(&p->acct.minflt, 1);
	sample_rss(p);
}

/* own - p's own counters as a snapshot. */
static struct proc_usage own(struct thread *p)
{
	return (struct proc_usage){
		.utime_ns = atomic_u64_load(&p->acct.utime_ns),
		.stime_ns = atomic_u64_load(&p->acct.stime_ns),
		.minflt = atomic_u64_load(&p->acct.minflt),
		.nvcsw = atomic_u64_load(&p->acct.nvcsw),
		.nivcsw = atomic_u64_load(&p->acct.nivcsw),
		.maxrss_kb = atomic_u64_load(&p->acct.maxrss_kb),
	};
}

/* add - a += b (maxrss: the larger). */
static void add(struct proc_usage *a, const struct proc_usage *b)
{
	a->utime_ns += b->utime_ns;
	a->stime_ns += b->stime_ns;
	a->minflt += b->minflt;
	a->majflt += b->majflt;
	a->nvcsw += b->nvcsw;
	a->nivcsw += b->nivcsw;
	if (b->maxrss_kb > a->maxrss_kb)
		a->maxrss_kb = b->maxrss_kb;
}

void proc_acct_thread_done(struct thread *p)
{
	struct process *g = p->proc;
	proc_acct_publish(p); /* the last stretch */
	if (p->leader == p)
		return; /* the leader keeps its own counters (they outlive its task) */
	struct proc_usage u = own(p);
	spin_lock(&g->rlim_lock);
	add(&g->dead_usage, &u);
	spin_unlock(&g->rlim_lock);
	/* zeroed so that a sum running now counts them at most once (or misses them) */
	(void)atomic_u64_fetch_sub(&p->acct.utime_ns, u.utime_ns);
	(void)atomic_u64_fetch_sub(&p->acct.stime_ns, u.stime_ns);
	(void)atomic_u64_fetch_sub(&p->acct.minflt, u.minflt);
	atomic_u64_store(&p->acct.nvcsw, 0);
	atomic_u64_store(&p->acct.nivcsw, 0);
}

struct proc_usage proc_usage_thread(struct thread *p)
{
	proc_acct_publish(p);
	sample_rss(p);
	struct proc_usage u = own(p);
	struct proc_usage g = proc_usage_self(p);
	u.maxrss_kb = g.maxrss_kb; /* Linux: the process's peak, for a thread too */
	return u;
}

/* group_sum - the usage of g's process (g a leader): its own, its ended threads', its live
 * threads'. */
static struct proc_usage group_sum(struct thread *g)
{
	spin_lock(&g->proc->rlim_lock);
	struct proc_usage sum = g->proc->dead_usage;
	spin_unlock(&g->proc->rlim_lock);
	struct proc_usage lu = own(g);
	add(&sum, &lu);
	for (struct thread *t = proc_group_next(g, 0); t;) {
		if (t != g) {
			struct proc_usage tu = own(t);
			add(&sum, &tu);
		}
		u32 at = t->pid;
		proc_put(t);
		t = proc_group_next(g, at);
	}
	return sum;
}

struct proc_usage proc_usage_self(struct thread *p)
{
	proc_acct_publish(p);
	sample_rss(p);
	return group_sum(p->leader);
}

struct proc_usage proc_usage_peek(struct thread *p, bool thread)
{
	return thread ? own(p) : group_sum(p->leader);
}

struct proc_usage proc_usage_children(struct thread *p)
{
	struct process *g = p->proc;
	spin_lock(&g->rlim_lock);
	struct proc_usage u = g->child_usage;
	spin_unlock(&g->rlim_lock);
	return u;
}

struct proc_usage proc_usage_total(struct thread *z)
{
	struct proc_usage u = group_sum(z->leader);
	struct proc_usage c = proc_usage_children(z);
	add(&u, &c);
	return u;
}

void proc_acct_reaped(struct thread *parent, struct thread *z)
{
	struct proc_usage u = proc_usage_total(z);
	struct process *g = parent->proc;
	spin_lock(&g->rlim_lock);
	add(&g->child_usage, &u);
	spin_unlock(&g->rlim_lock);
}

u64 proc_cpu_ns(struct thread *p, bool thread)
{
	proc_acct_publish(p);
	struct proc_usage u = thread ? own(p) : group_sum(p->leader);
	return u.utime_ns + u.stime_ns;
}
