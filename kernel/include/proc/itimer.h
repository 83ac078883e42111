/*
 * proc/itimer.h — the interval timers of getitimer(2)/setitimer(2)/alarm(2) (proc/itimer.c):
 * one of each per process, kept in its struct process, as Linux keeps them in signal_struct:
 *
 *   ITIMER_REAL     on the monotonic clock: SIGALRM, sent by the clock task
 *                   (proc_fire_alarms);
 *   ITIMER_VIRTUAL  on the process's user CPU time: SIGVTALRM;
 *   ITIMER_PROF     on its user + system CPU time: SIGPROF.
 *
 * The CPU timers hold their expiry as a point of the process's CPU time (proc/usage.h's sums
 * over every thread, ended ones included); each thread checks them once a tick on its way back
 * to user mode (proc_acct_tick), so one fires at most a tick (4 ms) of CPU time late. All
 * three are process-directed signals with si_code SI_KERNEL, reloaded by their interval
 * (once per expiry). Not inherited by fork (the child's are disarmed), kept across execve.
 * Locking: the process's itimer_lock; CPU times are sampled before it is taken (they need
 * proc_lock, which comes before it).
 */
#ifndef KERNEL_PROC_ITIMER_H
#define KERNEL_PROC_ITIMER_H

#include <fw/types.h>

struct thread;

/* A timer: the time left and its reload, in ns (value 0: disarmed). */
struct proc_itimer_val {
	u64 value_ns, interval_ns;
};

/* proc_itimer_get - p's process's timer `which` (UAPI_ITIMER_*): 0, or -EINVAL for another
 * which. A timer that is due but not yet sent reports a tick left, as Linux. */
int proc_itimer_get(struct thread *p, int which, struct proc_itimer_val *out);
/* proc_itimer_set - arm it with `v` (value_ns 0: disarm); *old gets what it held (as
 * proc_itimer_get). A CPU timer's new value gets one tick more, as Linux's, so it never fires
 * before that much CPU time has been used. 0 or -EINVAL. */
int proc_itimer_set(struct thread *p, int which, struct proc_itimer_val v,
		    struct proc_itimer_val *old);
/* proc_itimer_cpu_tick - send SIGVTALRM / SIGPROF for p's process's CPU timers that are due.
 * Context: p's task (proc_acct_tick, after p's times were published). */
void proc_itimer_cpu_tick(struct thread *p);

#endif /* KERNEL_PROC_ITIMER_H */
