/*
 * cpu_clock.c — naming and reading the CPU-time clocks (time/cpu_clock.h).
 */
#include <proc/process.h>
#include <time/cpu_clock.h>
#include <uapi/time.h>

#define CPU_CLOCK_MAX 3
/* pid 0's SCHED clocks: (~0 << 3) | ..., written out (a negative value is not shifted in C) */
#define CPU_CLOCK_OF_PROCESS (-8 | CPU_CLOCK_SCHED)
#define CPU_CLOCK_OF_THREAD (-8 | CPU_CLOCK_PERTHREAD | CPU_CLOCK_SCHED)

int cpu_clock_id(int id)
{
	if (id == UAPI_CLOCK_PROCESS_CPUTIME_ID)
		return CPU_CLOCK_OF_PROCESS;
	if (id == UAPI_CLOCK_THREAD_CPUTIME_ID)
		return CPU_CLOCK_OF_THREAD;
	return id < 0 ? id : 0;
}

struct thread *cpu_clock_owner(struct thread *p, int cid)
{
	if (cid >= 0 || (cid & CPU_CLOCK_WHICH_MASK) == CPU_CLOCK_MAX)
		return NULL;
	bool thread = (cid & CPU_CLOCK_PERTHREAD) != 0;
	i64 pid = ~(i64)(cid >> 3); /* gcc shifts a negative int arithmetically */
	struct thread *t = proc_by_pid(pid ? pid : (thread ? p->pid : p->leader->pid));
	if (!t)
		return NULL;
	/* a process is named by its leader's pid (or, as Linux allows, the caller's own tid) */
	bool ok = thread ? t->leader == p->leader : t->leader == t || t == p;
	if (!ok) {
		proc_put(t);
		return NULL;
	}
	if (!thread && t != t->leader) {
		struct thread *g = t->leader;
		proc_get(g);
		proc_put(t);
		t = g;
	}
	return t;
}

u64 cpu_clock_read_ns(struct thread *o, int cid)
{
	bool thread = (cid & CPU_CLOCK_PERTHREAD) != 0;
	struct proc_usage u = proc_usage_peek(o, thread);
	return (cid & CPU_CLOCK_WHICH_MASK) == CPU_CLOCK_VIRT ? u.utime_ns : u.utime_ns + u.stime_ns;
}
