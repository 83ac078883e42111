/*
 * time/clock.h — the kernel's clocks: Linux's clock ids over the framework's monotonic clock,
 * and the wall clock (CLOCK_REALTIME), started from the CMOS RTC at boot and kept as an offset
 * from the monotonic clock (so it advances with it and jumps only when set).
 *
 * Lock-free: the wall-clock offset is one atomic word, read on every clock_gettime.
 */
#ifndef KERNEL_TIME_CLOCK_H
#define KERNEL_TIME_CLOCK_H

#include <fw/types.h>

/* clock_init - read the RTC and start the wall clock. Context: boot, once. */
void clock_init(void);

/* clock_realtime_ns - nanoseconds since the Unix epoch (the wall clock). Context: any. */
i64 clock_realtime_ns(void);

/*
 * clock_set_realtime_ns - set the wall clock to `ns` since the epoch (settimeofday,
 * clock_settime). Returns 0, or -EINVAL for a negative time. The caller checks privilege.
 */
int clock_set_realtime_ns(i64 ns);

/* clock_step_realtime_ns - move the wall clock by `delta` (adjtimex's ADJ_SETOFFSET), in one
 * atomic step. Returns 0, or -EINVAL when it would go before the epoch. The caller checks
 * privilege. */
int clock_step_realtime_ns(i64 delta);

/*
 * clock_read_ns - the value of Linux clock `id` in nanoseconds (for the CPU-time clocks, see
 * clock.c). Returns 0 and stores it in *out, or -EINVAL for an id Trellis does not have.
 */
int clock_read_ns(i64 id, i64 *out);

/* clock_res_ns - the resolution of clock `id` (clock_getres), or -EINVAL. */
i64 clock_res_ns(i64 id);

#endif /* KERNEL_TIME_CLOCK_H */
