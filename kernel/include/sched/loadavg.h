/*
 * sched/loadavg.h — the system load averages (/proc/loadavg, sysinfo).
 */
#ifndef KERNEL_SCHED_LOADAVG_H
#define KERNEL_SCHED_LOADAVG_H

#include <fw/types.h>

/* Fixed point of the averages: LOADAVG_FIXED_1 is 1.0 (Linux's FSHIFT, 11 bits). */
#define LOADAVG_FSHIFT 11
#define LOADAVG_FIXED_1 (1ull << LOADAVG_FSHIFT)

/* loadavg_sample - fold the number of runnable tasks into the averages when 5 s have passed
 * since the last sample (the clock task calls it often; the caller itself is not counted).
 * Context: task. */
void loadavg_sample(u64 now_ns);

/* The 1, 5 and 15 minute averages, in LOADAVG_FIXED_1 units. */
struct loadavg {
	u64 one, five, fifteen;
};
/* loadavg_read - the averages now. */
struct loadavg loadavg_read(void);

#endif /* KERNEL_SCHED_LOADAVG_H */
