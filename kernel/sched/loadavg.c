/*
 * loadavg.c — the load averages (sched/loadavg.h).
 *
 * Every 5 s the clock task counts the runnable tasks (running or queued on any CPU:
 * sched_cpu_load, less the clock task itself) and folds the count into three exponentially
 * decaying averages over 1, 5 and 15 minutes, in Linux's fixed point: 11 fraction bits and the
 * decay factors e^(-5/60), e^(-5/300) and e^(-5/900) (1884, 2014 and 2037 of 2048), rounding
 * up while the load rises. Linux also counts tasks in uninterruptible sleep (disk waits);
 * Trellis has no such sleep state, so the averages count runnable tasks only.
 *
 * One spinlock guards the averages and the time of the next sample.
 */
#include <fw/sync.h>
#include <fw/task.h>
#include <sched/loadavg.h>

#define LOADAVG_PERIOD_NS 5000000000ull

#define EXP_1 1884  /* e^(-5/60) */
#define EXP_5 2014  /* e^(-5/300) */
#define EXP_15 2037 /* e^(-5/900) */

static struct spinlock loadavg_lock = SPINLOCK_INIT(loadavg_lock);
static struct loadavg loadavg_now GUARDED_BY(&loadavg_lock);
static u64 loadavg_next_ns GUARDED_BY(&loadavg_lock);

/* fold - one step of the average `load` towards `active` (both fixed point) with factor e. */
static u64 fold(u64 load, u64 e, u64 active)
{
	u64 n = load * e + active * (LOADAVG_FIXED_1 - e);
	if (active >= load)
		n += LOADAVG_FIXED_1 - 1;
	return n / LOADAVG_FIXED_1;
}

void loadavg_sample(u64 now_ns)
{
	spin_lock(&loadavg_lock);
	bool due = now_ns >= loadavg_next_ns;
	if (due)
		loadavg_next_ns = now_ns + LOADAVG_PERIOD_NS;
	spin_unlock(&loadavg_lock);
	if (!due)
		return;
	u64 running = 0;
	for (u32 cpu = 0; cpu < cpu_count(); cpu++)
		running += sched_cpu_load(cpu);
	if (running)
		running--; /* the caller, on its CPU */
	u64 active = running * LOADAVG_FIXED_1;
	spin_lock(&loadavg_lock);
	loadavg_now.one = fold(loadavg_now.one, EXP_1, active);
	loadavg_now.five = fold(loadavg_now.five, EXP_5, active);
	loadavg_now.fifteen = fold(loadavg_now.fifteen, EXP_15, active);
	spin_unlock(&loadavg_lock);
}

struct loadavg loadavg_read(void)
{
	spin_lock(&loadavg_lock);
	struct loadavg a = loadavg_now;
	spin_unlock(&loadavg_lock);
	return a;
}
