/*
 * fw/timer.h — per-CPU one-shot timers: call a typed callback once the monotonic clock
 * (fw_time_ns) passes a deadline.
 *
 *     struct alarm { struct callback fire; struct fw_timer timer; ... };
 *     DEFINE_SUBTYPE(alarm_fire, struct alarm, fire, struct callback, tag);
 *     static void alarm_ring(struct alarm *a) { ... }          // interrupt context
 *     DEFINE_SUBTYPE_CALLBACK(alarm_fire, struct callback, alarm_ring);
 *     ...  callback_set(&a->fire, SUBTYPE_CALLBACK(alarm_fire, alarm_ring));
 *          fw_timer_init(&a->timer, &a->fire);
 *          fw_timer_arm(&a->timer, fw_time_ns() + 50 * FW_NSEC_PER_MSEC);
 *          ...
 *          fw_timer_cancel(&a->timer);   // before a is freed: afterwards it never runs
 *
 * Model: each CPU keeps its armed timers sorted by deadline; a timer is armed on the CPU that
 * arms it and expires there, from that CPU's timer interrupt (resolution: the tick, 1 /
 * FW_TICK_HZ s; a timer never fires early). The callback runs in interrupt context with
 * interrupts off: it must be short and must not sleep (waking a task, a waitq_wake_*, setting a
 * flag). A timer runs at most once per arming. The timed waits of fw/sync.h and the sleeps of
 * fw/task.h stand on the same timers.
 *
 * Context: init/arm/cancel from any context but the timer's own callback may re-arm it (not
 * cancel it). cancel waits while the callback runs on another CPU, so after it returns the
 * callback is neither queued nor running.
 */
#ifndef FW_TIMER_H
#define FW_TIMER_H

#include <fw/libbase.h>
#include <fw/subtype.h>
#include <fw/sync.h>

struct fw_timer_base;

struct FW_NOCOPY fw_timer {
	uint64_t deadline_ns FW_PRIVATE;
	struct fw_qlink link FW_PRIVATE;        /* on its CPU's list while armed */
	struct fw_timer_base *base FW_PRIVATE;  /* the list it is on, NULL when idle */
	struct callback *cb FW_PRIVATE;         /* what expiry calls (services) */
	struct task *wake FW_PRIVATE;           /* or: the task expiry wakes (framework) */
};

/*
 * fw_timer_init - an idle timer that calls `cb` at expiry.
 * Needs: cb tagged and set (callback_set); t and cb must not live on a stack (checked: the
 * timer is still reachable by the interrupt when a stack frame would be gone).
 */
void fw_timer_init(struct fw_timer *t, struct callback *cb);

/* fw_timer_arm - (re)arm t for `deadline_ns` (fw_time_ns clock) on this CPU; an armed timer
 * moves. A deadline in the past fires at the next tick. */
void fw_timer_arm(struct fw_timer *t, uint64_t deadline_ns);

/* fw_timer_cancel - disarm t; true when it was armed (so its callback will not run for that
 * arming). Returns only once the callback is not running anywhere. Not from t's callback. */
bool fw_timer_cancel(struct fw_timer *t);

/* fw_timer_pending - whether t is armed (a snapshot). */
bool fw_timer_pending(const struct fw_timer *t);

#endif /* FW_TIMER_H */
