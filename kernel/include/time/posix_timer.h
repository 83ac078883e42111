/*
 * time/posix_timer.h — POSIX per-process timers (time/posix_timer.c): timer_create and
 * friends, driven by the clock task (posix_timer_fire_due once a tick, proc/clock.c).
 * Every function returns Linux's errnos: -EINVAL for an unknown clock or timer id, -EAGAIN
 * when the group has PTIMER_MAX timers, -ENOMEM.
 */
#ifndef KERNEL_TIME_POSIX_TIMER_H
#define KERNEL_TIME_POSIX_TIMER_H

#include <fw/types.h>

struct thread;

#define POSIX_SIGEV_SIGNAL 0
#define POSIX_SIGEV_NONE 1
#define POSIX_SIGEV_THREAD 2
#define POSIX_SIGEV_THREAD_ID 4

/* posix_timer_create - a disarmed timer of p's group on `clockid` that sends `signo` as
 * `notify` says (SIGEV_THREAD_ID: to thread `tid` of the group) with si_value `value` (when
 * has_value; else the timer's id, as for a NULL sigevent); its id in *id_out. */
int posix_timer_create(struct thread *p, i64 clockid, i32 notify, u32 signo, i64 tid,
		       bool has_value, u64 value, i32 *id_out);
int posix_timer_delete(struct thread *p, i64 id);
/* posix_timer_set - arm (value 0: disarm) for `value_ns` from now, or at clock time value_ns
 * when abs; then every interval_ns (0: once); the old setting to *old_*. */
int posix_timer_set(struct thread *p, i64 id, bool abs, u64 value_ns, u64 interval_ns,
		    u64 *old_value_ns, u64 *old_interval_ns);
int posix_timer_get(struct thread *p, i64 id, u64 *value_ns, u64 *interval_ns);
/* posix_timer_overrun - the periods skipped at the timer's last expiry, or -EINVAL. */
i64 posix_timer_overrun(struct thread *p, i64 id);
void posix_timer_fire_due(u64 now_ns);
/* posix_timer_delete_group - delete every timer of p's group (execve, as Linux). */
void posix_timer_delete_group(struct thread *p);

#endif /* KERNEL_TIME_POSIX_TIMER_H */
