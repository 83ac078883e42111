/*
 * clock.c — the clock task: once a tick it wakes the processes whose sleep deadline passed
 * (proc/wait.h), sends due ITIMER_REAL alarms (SIGALRM), counts the expirations of due
 * timerfds (time/timerfd.h), fires due POSIX timers (time/posix_timer.h), samples the load
 * averages every 5 s (sched/loadavg.h), and moves console input through the line discipline (waking the
 * console's readers).
 *
 * It stands in for what the framework half of issue #14 brings — per-CPU timers that wake a
 * sleeper at its deadline, and the UART receive interrupt — and goes when they land. Its
 * resolution is the tick (4 ms at 250 Hz).
 */
#include <fw/task.h>
#include <fw/time.h>
#include <fs/terminal.h>
#include <proc/process.h>
#include <sched/loadavg.h>
#include <time/posix_timer.h>
#include <time/timerfd.h>

struct proc_clock {
	struct callback cb;
};
DEFINE_SUBTYPE(proc_clock_cb, struct proc_clock, cb, struct callback, tag);

static void proc_clock_main(struct proc_clock *c)
{
	(void)c;
	for (;;) {
		u64 now = fw_time_ns();
		proc_wake_sleepers(now);
		proc_fire_alarms(now);
		timerfd_fire_due(now);
		posix_timer_fire_due(now);
		loadavg_sample(now);
		(void)term_console_input();
		task_sleep_ms(1);
	}
}
DEFINE_SUBTYPE_CALLBACK(proc_clock_cb, struct callback, proc_clock_main);

static struct spinlock clock_lock = SPINLOCK_INIT(clock_lock);
static bool clock_started GUARDED_BY(&clock_lock);

int proc_clock_start(void)
{
	spin_lock(&clock_lock);
	bool started = clock_started;
	clock_started = true;
	spin_unlock(&clock_lock);
	if (started)
		return 0;
	struct proc_clock *c = proc_clock_cb_new();
	if (!c)
		return -ENOMEM;
	callback_set(&c->cb, SUBTYPE_CALLBACK(proc_clock_cb, proc_clock_main));
	struct task_handle t = TASK_HANDLE_EMPTY;
	if (task_spawn(&t, &c->cb, STR("proc-clock"), TASK_ANY_CPU)) {
		proc_clock_cb_delete(c);
		spin_lock(&clock_lock);
		clock_started = false;
		spin_unlock(&clock_lock);
		return -EAGAIN;
	}
	task_detach(&t);
	return 0;
}
