/*
 * ipi.c — inter-processor calls and reschedule interrupts.
 *
 * cpu_call(cpu, cb): each CPU has one mailbox guarded by its raw lock; the caller takes the
 * target's mailbox lock, posts the callback, sends VEC_IPI_CALL and spins — with its own
 * interrupts *enabled*, so it keeps serving calls aimed at itself — until the target marks it
 * done. A call made with interrupts disabled is refused (-EDEADLK): two CPUs each waiting for
 * the other with interrupts off would never finish. The mailbox lock is taken with interrupts
 * enabled too (a trylock loop), for the same reason.
 */
#include <fw/cpu.h>

#include "internal/lapic.h"
#include "arch/x86_64/percpu.h"
#include "internal/printk.h"
#include "internal/rawlock.h"
#include "internal/symbols.h"
#include "internal/task.h"
#include "internal/trap.h"

struct call_box {
	u32 busy;              /* a caller owns the box (cmpxchg 0 -> 1) */
	struct callback *cb;   /* posted callback */
	u32 done;              /* set by the target after running it */
};

static struct call_box boxes[FW_MAX_CPUS_INTERNAL];
static u64 refused_calls;

static void ipi_call_handler(struct trap_frame *f)
{
	(void)f;
	lapic_eoi();
	struct cpu_local *c = this_cpu();
	/* SAFETY: c->id < FW_MAX_CPUS_INTERNAL (it indexes cpu_locals), so boxes[c->id] is in
	 * bounds; the box is this CPU's mailbox: cb/done are the acquire/release handshake with
	 * the caller that posted cb. */
	struct call_box *b = &boxes[c->id];
	struct callback *cb = __atomic_load_n(&b->cb, __ATOMIC_ACQUIRE);
	if (cb && !__atomic_load_n(&b->done, __ATOMIC_ACQUIRE)) {
		callback_invoke(cb);
		c->ipi_calls++;
		__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
	}
}

static void ipi_resched_handler(struct trap_frame *f)
{
	(void)f;
	lapic_eoi();
	this_cpu()->need_resched = 1; /* sched_irq_exit() switches on the way out */
}

/* task_kick's interrupt: nothing to do here; the way back to user mode (user_irq_exit) looks
 * at the current task's kicked flag. */
static void ipi_kick_handler(struct trap_frame *f)
{
	(void)f;
	lapic_eoi();
}

int cpu_call(uint32_t cpu, struct callback *cb)
{
	/* SAFETY: cpu is bounded before cpu_locals[cpu] and boxes[cpu] are touched (|| short-
	 * circuits); busy is a CAS-taken ownership flag, so one caller at a time posts cb and
	 * waits on done; refused_calls is a relaxed statistics counter. */
	if (cpu >= FW_MAX_CPUS_INTERNAL || !__atomic_load_n(&cpu_locals[cpu].online, __ATOMIC_ACQUIRE))
		return -EINVAL;
	if (!irqs_enabled() || (preempt_count_raw() & HARDIRQ_MASK)) {
		__atomic_fetch_add(&refused_calls, 1, __ATOMIC_RELAXED);
		printk(FW_LOG_WARN, "cpu_call: refused with interrupts disabled (it could deadlock "
				    "against a CPU waiting for us)");
		report_caller_backtrace();
		return -EDEADLK;
	}
	preempt_disable();
	/* SAFETY: cpu < FW_MAX_CPUS_INTERNAL (checked at the top), the length of boxes; the CAS on
	 * busy makes this caller the box's only poster until it releases busy, so it alone writes
	 * done and cb. */
	struct call_box *b = &boxes[cpu];
	u32 expect = 0;
	while (!__atomic_compare_exchange_n(&b->busy, &expect, 1, false, __ATOMIC_ACQUIRE,
					    __ATOMIC_RELAXED)) {
		expect = 0;
		cpu_pause();
	}
	/* SAFETY: we own the box (the CAS above); the release store of cb publishes done = 0 and
	 * the callback. */
	b->done = 0;
	__atomic_store_n(&b->cb, cb, __ATOMIC_RELEASE);
	if (cpu == this_cpu()->id) {
		u64 f = irq_save();
		callback_invoke(cb);
		this_cpu()->ipi_calls++;
		irq_restore(f);
	} else {
		lapic_send_ipi(cpu_locals[cpu].apic_id, VEC_IPI_CALL);
		/* SAFETY: we own the box (busy == 1): waiting for the target's release of done,
		 * then clearing cb and releasing busy, hands the box to the next caller. */
		while (!__atomic_load_n(&b->done, __ATOMIC_ACQUIRE))
			cpu_pause();
	}
	/* SAFETY: the box is still ours (busy == 1) and the target is done with cb; release busy
	 * last. */
	__atomic_store_n(&b->cb, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&b->busy, 0, __ATOMIC_RELEASE);
	preempt_enable();
	return 0;
}

uint64_t cpu_ipi_calls(uint32_t cpu)
{
	/* SAFETY: cpu is bounded before cpu_locals[cpu] is read; a relaxed snapshot of a counter. */
	return cpu < FW_MAX_CPUS_INTERNAL ? __atomic_load_n(&cpu_locals[cpu].ipi_calls, __ATOMIC_RELAXED) : 0;
}

u64 cpu_call_refusals(void);
u64 cpu_call_refusals(void)
{
	/* SAFETY: a relaxed atomic read of a static statistics counter. */
	return __atomic_load_n(&refused_calls, __ATOMIC_RELAXED);
}

void ipi_send_resched(u32 cpu);
void ipi_send_resched(u32 cpu)
{
	/* SAFETY: cpu is bounded before cpu_locals[cpu] is read (&& short-circuits). */
	if (cpu < FW_MAX_CPUS_INTERNAL && __atomic_load_n(&cpu_locals[cpu].online, __ATOMIC_ACQUIRE))
		lapic_send_ipi(cpu_locals[cpu].apic_id, VEC_IPI_RESCHED);
}

void ipi_send_kick(u32 cpu);
void ipi_send_kick(u32 cpu)
{
	/* SAFETY: cpu is bounded before cpu_locals[cpu] is read (&& short-circuits). */
	if (cpu < FW_MAX_CPUS_INTERNAL && __atomic_load_n(&cpu_locals[cpu].online, __ATOMIC_ACQUIRE))
		lapic_send_ipi(cpu_locals[cpu].apic_id, VEC_IPI_KICK);
}

static void ap_timer_handler(struct trap_frame *f)
{
	(void)f;
	this_cpu()->ticks++;
	lapic_eoi();
	sched_tick();
}

void ipi_init(void);
void ipi_init(void)
{
	trap_set_irq_handler(VEC_IPI_CALL, ipi_call_handler);
	trap_set_irq_handler(VEC_IPI_RESCHED, ipi_resched_handler);
	trap_set_irq_handler(VEC_IPI_KICK, ipi_kick_handler);
	trap_set_irq_handler(VEC_AP_TIMER, ap_timer_handler);
}
