/*
 * rlimit.c — resource limits (proc/rlimit.h): Linux's defaults for the first process, copies
 * on fork, and prlimit's checks (do_prlimit in kernel/sys.c: EINVAL for an unknown resource
 * or a soft limit above the hard one, EPERM for NOFILE above fs.nr_open or a raised hard limit
 * without privilege). The limits live in the thread group (struct process), shared by its
 * threads.
 */
#include <fw/frame.h>
#include <proc/process.h>
#include <proc/rlimit.h>
#include <proc/usage.h>
#include <uapi/signal.h>

#define MIB (1ull << 20)
#define SIGXFSZ 25
#define SIGXCPU 24
#define SIGKILL 9
#define NSEC_PER_SEC 1000000000ull

/* defaults - init's limits (INIT_RLIMITS), NPROC and SIGPENDING from the memory size. */
struct rlim_set {
	struct proc_rlimit lim[PROC_RLIM_N];
};

static void defaults(struct rlim_set *set)
{
	for (u32 i = 0; i < PROC_RLIM_N; i++)
		set->lim[i] = (struct proc_rlimit){ PROC_RLIM_INFINITY, PROC_RLIM_INFINITY };
	/* fork_init: max_threads = RAM / (8 * THREAD_SIZE), at least 20; init gets half */
	u64 threads = frame_stat_total() * FRAME_SIZE / (8 * 16384);
	if (threads < 20)
		threads = 20;
	set->lim[UAPI_RLIMIT_STACK].cur = 8 * MIB;
	set->lim[UAPI_RLIMIT_CORE].cur = 0;
	set->lim[UAPI_RLIMIT_NPROC] = (struct proc_rlimit){ threads / 2, threads / 2 };
	set->lim[UAPI_RLIMIT_SIGPENDING] = (struct proc_rlimit){ threads / 2, threads / 2 };
	set->lim[UAPI_RLIMIT_NOFILE] = (struct proc_rlimit){ 1024, 4096 };
	set->lim[UAPI_RLIMIT_MEMLOCK] = (struct proc_rlimit){ 8 * MIB, 8 * MIB };
	set->lim[UAPI_RLIMIT_MSGQUEUE] = (struct proc_rlimit){ 819200, 819200 };
	set->lim[UAPI_RLIMIT_NICE] = (struct proc_rlimit){ 0, 0 };
	set->lim[UAPI_RLIMIT_RTPRIO] = (struct proc_rlimit){ 0, 0 };
}

void proc_rlimit_init(struct process *p, struct thread *parent)
{
	struct rlim_set set;
	i32 nice = 0;
	if (parent) {
		struct process *g = parent->proc;
		spin_lock(&g->rlim_lock);
		for (u32 i = 0; i < PROC_RLIM_N; i++)
			set.lim[i] = g->rlim[i];
		nice = g->nice;
		spin_unlock(&g->rlim_lock);
	} else {
		defaults(&set);
	}
	spin_lock(&p->rlim_lock);
	for (u32 i = 0; i < PROC_RLIM_N; i++)
		p->rlim[i] = set.lim[i];
	p->nice = nice;
	spin_unlock(&p->rlim_lock);
}

struct proc_rlimit proc_rlimit_get(struct thread *target, u32 res)
{
	struct proc_rlimit r = { PROC_RLIM_INFINITY, PROC_RLIM_INFINITY };
	if (res >= PROC_RLIM_N)
		return r;
	struct process *g = target->proc;
	spin_lock(&g->rlim_lock);
	r = g->rlim[res];
	spin_unlock(&g->rlim_lock);
	return r;
}

u64 proc_rlimit_cur(struct thread *p, u32 res)
{
	return proc_rlimit_get(p, res).cur;
}

u64 proc_rlimit_max(struct thread *p, u32 res)
{
	return proc_rlimit_get(p, res).max;
}

int proc_rlimit_set(struct thread *target, const struct cred *by, u32 res,
		    const struct proc_rlimit *set, struct proc_rlimit *old)
{
	if (res >= PROC_RLIM_N)
		return -EINVAL;
	if (set && set->cur > set->max)
		return -EINVAL;
	if (set && res == UAPI_RLIMIT_NOFILE && set->max > PROC_NR_OPEN)
		return -EPERM;
	struct process *g = target->proc;
	int e = 0;
	spin_lock(&g->rlim_lock);
	struct proc_rlimit prev = g->rlim[res];
	if (set && set->max > prev.max && by->euid != 0) /* CAP_SYS_RESOURCE: root here */
		e = -EPERM;
	else if (set)
		g->rlim[res] = *set;
	spin_unlock(&g->rlim_lock);
	if (!e && old)
		*old = prev;
	return e;
}

int proc_rlimit_fsize(struct thread *p, u64 pos, u64 *count)
{
	u64 lim = proc_rlimit_cur(p, UAPI_RLIMIT_FSIZE);
	if (lim == PROC_RLIM_INFINITY)
		return 0;
	if (pos >= lim) {
		proc_signal_send(p, SIGXFSZ, (struct proc_siginfo){ .code = 0, .pid = p->leader->pid });
		return -EFBIG;
	}
	if (*count > lim - pos)
		*count = lim - pos;
	return 0;
}

void proc_rlimit_cpu_check(struct thread *p)
{
	struct process *g = p->proc;
	spin_lock(&g->rlim_lock);
	struct proc_rlimit r = g->rlim[UAPI_RLIMIT_CPU];
	spin_unlock(&g->rlim_lock);
	if (r.cur == PROC_RLIM_INFINITY && r.max == PROC_RLIM_INFINITY)
		return;
	struct proc_usage u = proc_usage_peek(p, false);
	u64 ns = u.utime_ns + u.stime_ns;
	struct proc_siginfo info = { .code = UAPI_SI_KERNEL };
	if (r.max != PROC_RLIM_INFINITY && ns / NSEC_PER_SEC >= r.max) {
		proc_group_signal(p->leader, SIGKILL, info);
		return;
	}
	if (r.cur == PROC_RLIM_INFINITY || ns / NSEC_PER_SEC < r.cur)
		return;
	spin_lock(&g->rlim_lock);
	bool due = g->rlim[UAPI_RLIMIT_CPU].cur == r.cur; /* not changed meanwhile */
	if (due)
		g->rlim[UAPI_RLIMIT_CPU].cur = r.cur + 1; /* Linux: the next one a second later */
	spin_unlock(&g->rlim_lock);
	if (due)
		proc_group_signal(p->leader, SIGXCPU, info);
}
