/*
 * time/timerfd.h — timerfd files (time/timerfd.c): a timer on CLOCK_MONOTONIC, BOOTTIME or
 * REALTIME whose expirations a read returns (8 bytes: the count since the last read, then 0;
 * -EAGAIN with none, which the read system call turns into sleeping on timerfd_waitq), pollable
 * (POLLIN while expirations are unread) through file_ops.poll, hence watchable by epoll.
 * Expiry is driven by the clock task (proc/clock.c: timerfd_fire_due once a tick), not from
 * interrupt context, so the wake-up may run epoll's and poll's hooks under ordinary spinlocks.
 */
#ifndef KERNEL_TIME_TIMERFD_H
#define KERNEL_TIME_TIMERFD_H

#include <fs/vfs.h>

/* timerfd_new - a disarmed timer file on Linux clock `clockid` (O_RDWR | flags): 0, -EINVAL
 * for another clock, -ENOMEM. */
int timerfd_new(i64 clockid, u32 flags, u32 uid, u32 gid, struct file **out);
bool vfs_file_is_timerfd(const struct file *f);
/* timerfd_set - arm (value 0: disarm) with the first expiry `value_ns` from now, or at clock
 * time `value_ns` when abs; then every interval_ns (0: once). Unread expirations are
 * dropped. The old setting, as timerfd_get gives it, goes to *old_*. `cancel_on_set` on an
 * absolute CLOCK_REALTIME setting: a later timerfd_clock_was_set cancels the timer. 0. */
int timerfd_set(struct file *f, bool abs, bool cancel_on_set, u64 value_ns, u64 interval_ns,
		u64 *old_value_ns, u64 *old_interval_ns);
/* timerfd_get - the time to the next expiry (0: disarmed) and the interval. */
void timerfd_get(struct file *f, u64 *value_ns, u64 *interval_ns);
struct waitq *timerfd_waitq(struct file *f);
/* timerfd_clock_was_set - the wall clock was set (settimeofday, clock_settime): every
 * TFD_TIMER_CANCEL_ON_SET timer polls readable and its next read is -ECANCELED. */
void timerfd_clock_was_set(void);
/* timerfd_readable - expirations are waiting to be read. */
bool timerfd_readable(struct file *f);
/* timerfd_fire_due - count the expirations of every armed timer whose deadline passed at
 * `now_ns` (fw_time_ns clock) and wake its readers. Context: the clock task. */
void timerfd_fire_due(u64 now_ns);

#endif /* KERNEL_TIME_TIMERFD_H */
