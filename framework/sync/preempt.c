/*
 * preempt.c — the preemption count (fw/preempt.h), interrupt entry/exit accounting, and the
 * sleeping-while-atomic check.
 *
 * The count lives in the per-CPU area (arch/x86_64/percpu.h) and changes by single %gs-relative
 * instructions. preempt_enable() that brings it to 0 reschedules if the tick or a wake-up asked
 * for it meanwhile; leaving an interrupt does the same when the interrupted code was
 * preemptible (count 0, interrupts on), which is how the timer tick preempts a task.
 */
#include <fw/preempt.h>

#include "arch/x86_64/percpu.h"
#include "internal/printk.h"
#include "internal/rawlock.h"
#include "internal/symbols.h"
#include "internal/task.h"

struct fw_preempt_token fw_preempt;
static u64 atomic_sleep_reports;
bool sched_running; /* schedule() may be called (set once the run queues exist) */

void preempt_disable(void) NO_THREAD_SAFETY_ANALYSIS
{
	preempt_off();
}

void preempt_enable(void) NO_THREAD_SAFETY_ANALYSIS
{
	preempt_on();
}

uint32_t preempt_count(void)
{
	return percpu_ready ? preempt_count_raw() : 0;
}

bool in_atomic(void)
{
	return preempt_count() != 0 || !irqs_enabled();
}

uint64_t might_sleep_reports(void)
{
	/* SAFETY: a relaxed atomic read of a static counter (a snapshot). */
	return __atomic_load_n(&atomic_sleep_reports, __ATOMIC_RELAXED);
}

void might_sleep(void)
{
	if (!in_atomic())
		return;
	/* SAFETY: a relaxed atomic increment of a static statistics counter. */
	__atomic_fetch_add(&atomic_sleep_reports, 1, __ATOMIC_RELAXED);
	struct task *t = task_current();
	printk(FW_LOG_ERR, "BUG: sleeping while atomic: task %s (id %lu) on CPU %u, preempt count "
			   "0x%x, interrupts %s",
	       t ? t->name : "?", t ? (unsigned long)t->id : 0ul, percpu_ready ? this_cpu()->id : 0,
	       preempt_count(), irqs_enabled() ? "on" : "off");
	if (t)
		lockdep_print_held(t);
	report_caller_backtrace();
}

uint32_t cpu_this_id(void)
{
	return percpu_ready ? this_cpu()->id : 0;
}

uint32_t __fw_percpu_index(void)
{
	FW_CHECK(!percpu_ready || preempt_count_raw() != 0 || !irqs_enabled(),
		 "per-CPU data used without a preemption guard");
	return percpu_ready ? this_cpu()->id : 0;
}

uint32_t cpu_count(void)
{
	/* SAFETY: an acquire load of the online count the CPUs raise as they come up. */
	u32 n = __atomic_load_n(&cpu_online_count, __ATOMIC_ACQUIRE);
	return n ? n : 1;
}

/* Interrupt entry/exit (arch/x86_64/traps.c calls these around every IRQ handler). */
void sched_irq_enter(void)
{
	if (percpu_ready)
		preempt_count_add(HARDIRQ_ONE);
}

void sched_irq_exit(u64 interrupted_rflags)
{
	if (!percpu_ready)
		return;
	preempt_count_sub(HARDIRQ_ONE);
	if (preempt_count_raw() == 0 && this_cpu()->need_resched && sched_running &&
	    (interrupted_rflags & RFLAGS_IF))
		schedule_preempt();
}
