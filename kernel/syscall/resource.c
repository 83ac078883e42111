/*
 * resource.c — resource limits and priorities: getrlimit, setrlimit and prlimit64 over
 * proc/rlimit.h (prlimit on another process needs the caller's real ids to match all of the
 * target's, or root: check_prlimit_permission), and getpriority/setpriority (the nice value is
 * recorded per process and inherited; the scheduling policy does not weigh it yet), getrusage
 * and times over proc/usage.h.
 */
#include <fw/time.h>
#include <fw/uaccess.h>
#include <proc/rlimit.h>
#include <syscall/define.h>
#include <uapi/resource.h>

DEFINE_UCOPY(urlimit, struct uapi_rlimit);
DEFINE_UCOPY(urusage, struct uapi_rusage);
DEFINE_UCOPY(utms, struct uapi_tms);

/* prlimit_target - the process pid names (0: p), with a reference; -ESRCH or -EPERM. */
static int prlimit_target(struct thread *p, i64 pid, struct thread **out)
{
	if (pid == 0 || pid == (i64)p->leader->pid || pid == (i64)p->pid) {
		proc_get(p);
		*out = p;
		return 0;
	}
	struct thread *t = proc_by_pid(pid);
	if (!t)
		return -ESRCH;
	const struct cred *c = &p->fs.cred, *tc = &t->fs.cred;
	bool match = c->uid == tc->euid && c->uid == tc->suid && c->uid == tc->uid &&
		     c->gid == tc->egid && c->gid == tc->sgid && c->gid == tc->gid;
	if (!match && c->euid != 0) { /* CAP_SYS_RESOURCE: root here */
		proc_put(t);
		return -EPERM;
	}
	*out = t;
	return 0;
}

/* do_prlimit - read (uold != 0) and/or set (unew != 0) limit res of pid. */
static i64 do_prlimit(struct thread *p, i64 pid, u64 res, u64 unew, u64 uold)
{
	struct uapi_rlimit nu;
	if (unew && urlimit_from_user(&nu, uaddr(unew)))
		return -EFAULT;
	if (res >= PROC_RLIM_N)
		return -EINVAL;
	struct thread *t;
	int e = prlimit_target(p, pid, &t);
	if (e)
		return e;
	struct proc_rlimit set = { nu.rlim_cur, nu.rlim_max }, old;
	e = proc_rlimit_set(t, &p->fs.cred, (u32)res, unew ? &set : NULL, &old);
	proc_put(t);
	if (e)
		return e;
	struct uapi_rlimit ou = { old.cur, old.max };
	if (uold && urlimit_to_user(&ou, uaddr(uold)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(getrlimit, uint, resource, uptr, rlim)
{
	if (resource >= PROC_RLIM_N)
		return -EINVAL;
	struct proc_rlimit r = proc_rlimit_get(p, resource);
	struct uapi_rlimit u = { r.cur, r.max };
	return urlimit_to_user(&u, rlim) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(setrlimit, uint, resource, ulong, rlim)
{
	if (resource >= PROC_RLIM_N)
		return -EINVAL;
	if (!rlim)
		return -EFAULT;
	return do_prlimit(p, 0, resource, rlim, 0);
}

SYSCALL_DEFINE4(prlimit64, int, pid, uint, resource, ulong, new_rlim, ulong, old_rlim)
{
	return do_prlimit(p, pid, resource, new_rlim, old_rlim);
}

/* --- nice values ----------------------------------------------------------------------------- */

static i32 nice_of(struct thread *t)
{
	struct process *g = t->proc;
	spin_lock(&g->rlim_lock);
	i32 n = g->nice;
	spin_unlock(&g->rlim_lock);
	return n;
}

/* set_nice - setpriority on one process t by p: Linux's set_one_prio. */
static int set_nice(struct thread *p, struct thread *t, i32 nice)
{
	const struct cred *c = &p->fs.cred, *tc = &t->fs.cred;
	if (c->euid != 0 && c->uid != tc->euid && c->euid != tc->euid)
		return -EPERM;
	struct process *g = t->proc;
	/* lowering the value needs CAP_SYS_NICE or RLIMIT_NICE's room (20 - nice <= rlim) */
	u64 room = proc_rlimit_cur(t, UAPI_RLIMIT_NICE);
	spin_lock(&g->rlim_lock);
	int e = 0;
	if (nice < g->nice && c->euid != 0 && (u64)(20 - nice) > room)
		e = -EACCES;
	else
		g->nice = nice;
	spin_unlock(&g->rlim_lock);
	return e;
}

/* prio_match - whether process g (a leader) is one `which`/`who` names for caller p. */
static bool prio_match(struct thread *p, struct thread *g, i64 which, i64 who)
{
	switch (which) {
	case UAPI_PRIO_PGRP:
		return proc_pgid(g) == (who ? (u32)who : proc_pgid(p->leader));
	case UAPI_PRIO_USER:
		return g->fs.cred.uid == (who ? (u32)who : p->fs.cred.uid);
	default:
		return false;
	}
}

SYSCALL_DEFINE2(getpriority, int, which, int, who)
{
	if (which < UAPI_PRIO_PROCESS || which > UAPI_PRIO_USER)
		return -EINVAL;
	if (which == UAPI_PRIO_PROCESS) {
		struct thread *t = who ? proc_by_pid(who) : p;
		if (!t)
			return -ESRCH;
		i32 n = nice_of(t);
		if (who)
			proc_put(t);
		return 20 - n; /* the raw call returns 20 - nice (1..40) */
	}
	i64 best = -ESRCH;
	for (struct thread *g = proc_next_leader(0); g;) {
		if (prio_match(p, g, which, who) && 20 - nice_of(g) > best)
			best = 20 - nice_of(g);
		u32 at = g->pid;
		proc_put(g);
		g = proc_next_leader(at);
	}
	return best;
}

SYSCALL_DEFINE3(setpriority, int, which, int, who, int, niceval)
{
	if (which < UAPI_PRIO_PROCESS || which > UAPI_PRIO_USER)
		return -EINVAL;
	i32 nice = niceval < -20 ? -20 : niceval > 19 ? 19 : niceval;
	if (which == UAPI_PRIO_PROCESS) {
		struct thread *t = who ? proc_by_pid(who) : p;
		if (!t)
			return -ESRCH;
		int e = set_nice(p, t, nice);
		if (who)
			proc_put(t);
		return e;
	}
	int e = -ESRCH;
	for (struct thread *g = proc_next_leader(0); g;) {
		if (prio_match(p, g, which, who)) {
			int r = set_nice(p, g, nice);
			e = (e == -ESRCH || r) ? r : e;
		}
		u32 at = g->pid;
		proc_put(g);
		g = proc_next_leader(at);
	}
	return e;
}

/* --- usage ----------------------------------------------------------------------------------- */

static struct uapi_timeval tv_of(u64 ns)
{
	return (struct uapi_timeval){ (i64)(ns / 1000000000u), (i64)(ns % 1000000000u / 1000u) };
}

int rusage_to_user(struct proc_usage u, u64 addr)
{
	struct uapi_rusage ru = {
		.ru_utime = tv_of(u.utime_ns),
		.ru_stime = tv_of(u.stime_ns),
		.ru_maxrss = (i64)u.maxrss_kb,
		.ru_minflt = (i64)u.minflt,
		.ru_majflt = (i64)u.majflt,
		.ru_nvcsw = (i64)u.nvcsw,
		.ru_nivcsw = (i64)u.nivcsw,
	};
	return urusage_to_user(&ru, uaddr(addr)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(getrusage, int, who, ulong, ru)
{
	struct proc_usage u;
	switch (who) {
	case UAPI_RUSAGE_SELF:
		u = proc_usage_self(p);
		break;
	case UAPI_RUSAGE_CHILDREN:
		u = proc_usage_children(p);
		break;
	case UAPI_RUSAGE_THREAD:
		u = proc_usage_thread(p);
		break;
	default:
		return -EINVAL;
	}
	return rusage_to_user(u, ru);
}

static i64 ticks_of(u64 ns)
{
	return (i64)(ns / (1000000000u / UAPI_USER_HZ));
}

SYSCALL_DEFINE1(times, uptr, tbuf)
{
	struct proc_usage s = proc_usage_self(p), c = proc_usage_children(p);
	struct uapi_tms t = {
		.tms_utime = ticks_of(s.utime_ns),
		.tms_stime = ticks_of(s.stime_ns),
		.tms_cutime = ticks_of(c.utime_ns),
		.tms_cstime = ticks_of(c.stime_ns),
	};
	if (tbuf.v && utms_to_user(&t, tbuf))
		return -EFAULT;
	/* clock ticks since boot (Linux starts its count 300 s before zero; programs only take
	 * differences) */
	return ticks_of(fw_time_ns());
}
