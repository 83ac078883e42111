/*
 * time/cpu_clock.h — the CPU-time clocks of processes and threads (Linux's posix-cpu-timers
 * encoding, time/cpu_clock.c), for clock_gettime/clock_getres/clock_settime and timer_create.
 *
 * A negative clock id names one: (~pid << 3) | PERTHREAD (4) | which, where which is PROF (0:
 * user + system time), VIRT (1: user) or SCHED (2: all time run, here user + system); pid 0 is
 * the caller's own process or thread. CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID are
 * pid 0's SCHED clocks (glibc passes them in the negative form). Any process's clock may be
 * named (Linux checks no permission), a thread's only from its own process. Times come from
 * proc/usage.h: a running thread's as it last published them (at most a tick old).
 */
#ifndef KERNEL_TIME_CPU_CLOCK_H
#define KERNEL_TIME_CPU_CLOCK_H

#include <fw/types.h>

struct thread;

#define CPU_CLOCK_PERTHREAD 4
#define CPU_CLOCK_WHICH_MASK 3
#define CPU_CLOCK_PROF 0
#define CPU_CLOCK_VIRT 1
#define CPU_CLOCK_SCHED 2

/* cpu_clock_id - the CPU clock clock id `id` names, in the negative form; 0 for any other
 * (a non-negative id that is not one of the two CPU clocks). */
int cpu_clock_id(int id);
/* cpu_clock_owner - the thread (PERTHREAD) or the leader of the process whose clock `cid`
 * (negative) is, with a reference (proc_put); NULL when it names nothing the caller `p` may
 * use (Linux's pid_for_clock): the caller answers -EINVAL. */
struct thread *cpu_clock_owner(struct thread *p, int cid);
/* cpu_clock_read_ns - the clock's time for its owner `o` (from cpu_clock_owner). */
u64 cpu_clock_read_ns(struct thread *o, int cid);

#endif /* KERNEL_TIME_CPU_CLOCK_H */
