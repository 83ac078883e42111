/*
 * proc/usage.h — what processes use, for getrusage(2), times(2) and wait4's rusage: user and
 * system CPU time, page faults, context switches and the peak resident size.
 *
 * CPU time comes from the framework's per-task accounting (task_usage_self: time on a CPU,
 * switch to switch): p's task charges the time inside user_enter() to user time and the rest
 * (system calls, faults, signal delivery) to system time, at every return from user mode and
 * every entry into it. Minor faults are counted by the page-fault path (every fault is minor:
 * nothing is read from a disk), the peak resident size is sampled there and when asked.
 *
 * A thread's counters are its own (atomics: its task writes, anyone reads). When a thread other
 * than the leader ends, its counters move into its process's `dead` totals (struct process);
 * a process's usage is the leader's own + dead + every live thread's (a snapshot: a thread
 * ending during the sum may be left out). When a parent reaps a child with wait4, the child's usage and its
 * own children's are added to the parent process's `children` totals (RUSAGE_CHILDREN).
 */
#ifndef KERNEL_PROC_USAGE_H
#define KERNEL_PROC_USAGE_H

#include <fw/atomic.h>
#include <fw/types.h>

/* A snapshot (all sums). */
struct proc_usage {
	u64 utime_ns, stime_ns;
	u64 minflt, majflt;
	u64 nvcsw, nivcsw;
	u64 maxrss_kb;
};

/* A thread's live counters (in struct thread). */
struct proc_acct {
	struct atomic_u64 utime_ns, stime_ns, minflt, nvcsw, nivcsw, maxrss_kb;
	/* p's own task only: its task's usage when p began (the framework counts a task's run
	 * and user time; p's times are the growth since), and the tick of the last publish */
	u64 base_run_ns, base_user_ns;
	u64 pub_tick;
};

struct thread;

/* proc_acct_start - p's task begins (its run time so far is nobody's). Context: p's task. */
void proc_acct_start(struct thread *p);
/* proc_acct_publish - copy p's task's CPU times and switch counts into p's counters, which
 * other tasks read (getrusage of the process, /proc, wait4). Context: p's task. The framework
 * counts the times at every user-mode entry and exit; p publishes them at most once a tick
 * (proc_acct_tick, on its way back to user mode) and whenever it reads them itself, so
 * another task's view of a running thread is at most a tick old. */
void proc_acct_publish(struct thread *p);
/* proc_acct_tick - proc_acct_publish, then RLIMIT_CPU's check (proc_rlimit_cpu_check) and the
 * CPU interval timers' (proc_itimer_cpu_tick), when a tick has passed since the last.
 * Context: p's task. */
void proc_acct_tick(struct thread *p);
/* proc_acct_fault - p took a minor page fault (and may have grown). Context: p's task. */
void proc_acct_fault(struct thread *p);
/* proc_acct_thread_done - p's task is ending: a non-leader thread's counters move into its
 * process's dead totals. Context: p's task. */
void proc_acct_thread_done(struct thread *p);
/* proc_acct_reaped - `parent` reaped zombie z (wait4): z's usage and z's children's are added
 * to parent's children totals. */
void proc_acct_reaped(struct thread *parent, struct thread *z);

/* proc_usage_thread / proc_usage_self / proc_usage_children - RUSAGE_THREAD (p alone),
 * RUSAGE_SELF (p's whole process), RUSAGE_CHILDREN (its reaped children). */
struct proc_usage proc_usage_thread(struct thread *p);
struct proc_usage proc_usage_self(struct thread *p);
struct proc_usage proc_usage_children(struct thread *p);
/* proc_usage_total - another process z's usage plus its reaped children's (what wait4 reports
 * for z; no resident-size sample: z's memory is not the caller's to look at). */
struct proc_usage proc_usage_total(struct thread *z);

/* proc_usage_peek - p's usage (`thread`: its own, else its process's) without sampling its
 * resident size: what another process may read (/proc/PID/stat). */
struct proc_usage proc_usage_peek(struct thread *p, bool thread);
/* proc_cpu_ns - CPU time (user + system) of p's thread alone or of its process, up to now
 * (CLOCK_THREAD_CPUTIME_ID, CLOCK_PROCESS_CPUTIME_ID). Context: p's task. */
u64 proc_cpu_ns(struct thread *p, bool thread);

#endif /* KERNEL_PROC_USAGE_H */
