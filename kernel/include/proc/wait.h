/*
 * proc/wait.h — how a system call sleeps, and the internal "restart" results.
 *
 * A call that cannot finish sleeps on the wait queue of the object it waits for (a pipe, the
 * console, p->child_wq, p->sig_wq) with PROC_WAIT. While it sleeps, p->waiting_on names that
 * queue, so a signal sent to p (proc/signal.c) and the clock task (proc/clock.c, at
 * p->sleep_deadline_ns) can wake it; it never spins and is never woken by anything else.
 *
 *     int e = PROC_WAIT(p, &pipe->wq, pipe_has_data(pipe), 0);
 *     if (e)             // -ERESTARTSYS: a signal is pending; -ETIMEDOUT: the deadline passed
 *             return done ? done : e;
 *
 * A deadline is a time of the monotonic clock (fw_time_ns), or with PROC_WAIT_WALL a date of
 * the wall clock (clock_realtime_ns): such a sleep follows a later settimeofday or
 * clock_settime, as Linux's absolute CLOCK_REALTIME timers do (a clock set forward past the
 * date ends it at the next clock tick, one set back makes it longer).
 *
 * The condition is tested first, so a wake-up that makes it true wins over a signal that
 * arrives at the same time (wait4 returns the zombie's pid even when SIGCHLD's handler is
 * about to run, as Linux). The condition is evaluated with p sleeping-marked: it may take
 * spinlocks, never a mutex, and must not sleep.
 *
 * The -ERESTART* values never reach user space: proc_signal_deliver turns them into -EINTR
 * when a handler runs (or a restart with SA_RESTART for ERESTARTSYS), and into a restart of
 * the call when no handler runs (linux/errno.h, kernel-internal values).
 */
#ifndef KERNEL_PROC_WAIT_H
#define KERNEL_PROC_WAIT_H

#include <fw/types.h>
#include <fw/sync.h>

struct thread;

#define ERESTARTSYS 512           /* restart with SA_RESTART, else EINTR */
#define ERESTARTNOINTR 513        /* always restart */
#define ERESTARTNOHAND 514        /* restart only if no handler ran */
#define ERESTART_RESTARTBLOCK 516 /* restart through restart_syscall if no handler ran */

/* proc_is_restart - r is one of the -ERESTART* results. */
static inline bool proc_is_restart(i64 r)
{
	return r == -ERESTARTSYS || r == -ERESTARTNOINTR || r == -ERESTARTNOHAND ||
	       r == -ERESTART_RESTARTBLOCK;
}

/* proc_wait_begin - p is about to sleep on wq until deadline_ns (0: none; `wall`: a date of
 * the wall clock, else a monotonic time): record it. Context: p's task. */
void proc_wait_begin_at(struct thread *p, struct waitq *wq, u64 deadline_ns, bool wall);
static inline void proc_wait_begin(struct thread *p, struct waitq *wq, u64 deadline_ns)
{
	proc_wait_begin_at(p, wq, deadline_ns, false);
}
/* proc_wait_interrupted - what stops the sleep besides its condition: -ERESTARTSYS when an
 * unblocked signal is pending (or p is being killed), -ETIMEDOUT when the deadline passed, 0
 * otherwise. Takes p->sig_lock (a spinlock). */
int proc_wait_interrupted(struct thread *p);
/* proc_wait_end - the sleep is over: forget the queue. */
void proc_wait_end(struct thread *p);

/* PROC_WAIT(p, wq, cond, deadline_ns) - sleep on wq until cond: 0, -ERESTARTSYS or
 * -ETIMEDOUT (see above). Context: p's own task, no lock held. */
#define PROC_WAIT_AT(p, wq, cond, deadline_ns, wall)                                        \
	({                                                                                  \
		int __pw_r = 0;                                                             \
		proc_wait_begin_at((p), (wq), (deadline_ns), (wall));                       \
		WAITQ_WAIT((wq), (cond) || (__pw_r = proc_wait_interrupted(p)) != 0);       \
		proc_wait_end(p);                                                           \
		__pw_r;                                                                     \
	})
#define PROC_WAIT(p, wq, cond, deadline_ns) PROC_WAIT_AT(p, wq, cond, deadline_ns, false)
/* PROC_WAIT_WALL - PROC_WAIT until a date of the wall clock (0: none). */
#define PROC_WAIT_WALL(p, wq, cond, wall_ns) PROC_WAIT_AT(p, wq, cond, wall_ns, true)

#endif /* KERNEL_PROC_WAIT_H */
