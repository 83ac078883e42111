/*
 * sched.c — the scheduler core: per-CPU run queues, the context switch, sleep and wake-up,
 * the timer tick, idle. Which task runs next is the policy's decision (kernel/sched/, through
 * struct sched_policy_ops); everything here is mechanism and locking.
 *
 * Invariants (rq = a CPU's run queue, guarded by rq->lock, a raw lock):
 *  - a task is on at most one rq; `on_rq` is true while it is queued *or running*; the
 *    running task is not in the policy's queue (the framework re-enqueues it when it is
 *    preempted or yields);
 *  - t->cpu changes only while t is deactivated (asleep, !on_rq), under the old rq's lock,
 *    by the one waker that moved its state SLEEPING -> RUNNING;
 *  - rq->lock is held across the stack switch and released by the *next* task
 *    (finish_switch), so nobody can wake and run a task whose registers are still being saved;
 *  - involuntary preemption (tick, wake-up, preempt_enable) never deactivates a task, even
 *    one that has marked itself SLEEPING on its way to sleep: that task stays runnable and
 *    sleeps at its own schedule() call. Only a voluntary schedule() sleeps.
 * Lock order: waitq/mutex raw locks -> rq->lock -> task pool lock.
 */
#include <fw/time.h>

#include "internal/clock.h"
#include "internal/format.h"
#include "internal/panic_internal.h"
#include "internal/mm.h"
#include "arch/x86_64/percpu.h"
#include "internal/printk.h"
#include "internal/task.h"
#include "internal/user.h"

struct CAPABILITY("run queue") sched_rq {
	struct fw_rawlock lock;
	u32 cpu;
	u32 nr_queued;            /* entities in the policy's queue */
	struct task *curr;
	struct task *prev;        /* handed to finish_switch */
	u64 switches;
	u64 idle_ns;              /* in the idle task, up to its last switch-out (written under
				   * lock; read by sched_cpu_times under it too) */
	u64 user_stamps;          /* user mode on this CPU, any task (clock stamps; atomic adds
				   * by user_clock_stop, relaxed reads) */
};

static struct sched_rq rqs[FW_MAX_CPUS_INTERNAL];
static const struct sched_policy_ops *policy;
extern bool sched_running;
void ipi_send_resched(u32 cpu);
void ipi_send_kick(u32 cpu);

bool sched_rq_held(const struct sched_rq *rq)
{
	return raw_spin_held(&rq->lock);
}

void sched_rq_assert_held(const struct sched_rq *rq) NO_THREAD_SAFETY_ANALYSIS
{
	FW_CHECK(sched_rq_held(rq), "run queue not locked");
}

struct sched_rq *sched_rq_of(uint32_t cpu)
{
	/* SAFETY: cpu < FW_MAX_CPUS_INTERNAL is checked on the next line (panic otherwise), so
	 * &rqs[cpu] is in the array. */
	FW_CHECK(cpu < FW_MAX_CPUS_INTERNAL, "sched_rq_of: CPU out of range");
	return &rqs[cpu];
}

uint32_t sched_rq_cpu(const struct sched_rq *rq)
{
	return rq->cpu;
}

uint32_t sched_cpu_load(uint32_t cpu)
{
	/* SAFETY: cpu is bounded just below before &rqs[cpu]; curr and nr_queued are relaxed
	 * atomic reads of a snapshot (writers hold rq->lock); curr is a task slot, and task slots
	 * are never freed, so reading c->is_idle is sound even if c has since exited. */
	if (cpu >= FW_MAX_CPUS_INTERNAL)
		return ~0u;
	struct sched_rq *rq = &rqs[cpu];
	struct task *c = __atomic_load_n(&rq->curr, __ATOMIC_RELAXED);
	return __atomic_load_n(&rq->nr_queued, __ATOMIC_RELAXED) + (c && !c->is_idle);
}

struct cpu_times sched_cpu_times(uint32_t cpu)
{
	struct cpu_times t = { 0, 0, 0 };
	if (cpu >= FW_MAX_CPUS_INTERNAL)
		return t;
	/* SAFETY: cpu is bounded just above before &rqs[cpu]; idle_ns, curr and curr's
	 * ran_since_ns are written only with rq->lock held and IRQs off (schedule), and are read
	 * here the same way; curr is a task slot, never freed. */
	struct sched_rq *rq = &rqs[cpu];
	u64 f = irq_save();
	raw_spin_lock_keep(&rq->lock);
	u64 now = fw_time_ns();
	t.idle_ns = rq->idle_ns;
	if (rq->curr && rq->curr->is_idle && now > rq->curr->ran_since_ns)
		t.idle_ns += now - rq->curr->ran_since_ns;
	t.switches = rq->switches;
	raw_spin_unlock_keep(&rq->lock);
	irq_restore(f);
	/* SAFETY: rq is &rqs[cpu] (bounded above); user_stamps only grows by atomic adds. */
	t.user_ns = clock_stamp_ns(__atomic_load_n(&rq->user_stamps, __ATOMIC_RELAXED));
	return t;
}

void sched_count_user(u64 stamps)
{
	/* SAFETY: this_cpu()->id < FW_MAX_CPUS_INTERNAL (the per-CPU area's own id); a task
	 * moved to another CPU meanwhile only credits the time to the CPU it left. */
	__atomic_fetch_add(&rqs[this_cpu()->id].user_stamps, stamps, __ATOMIC_RELAXED);
}

struct task *sched_check_pick(struct sched_entity *se, u32 cpu)
{
	/* The policy is service code: what it returns must be a task entity the framework
	 * handed to this run queue and that is still queued there. */
	struct task *t = task_of_entity(se);
	FW_CHECK(t && se->queued_on == cpu + 1,
		 "sched: the policy's pick_next returned an entity that is not queued on this CPU");
	return t;
}

static void enqueue_locked(struct sched_rq *rq, struct task *t)
{
	t->se.queued_on = rq->cpu + 1;
	policy->enqueue(rq, &t->se);
	rq->nr_queued++;
}

/* Ask `rq`'s CPU to reschedule soon (its idle task, or a tick-less wake-up). */
static void kick(struct sched_rq *rq)
{
	if (!rq->curr || !rq->curr->is_idle)
		return; /* a busy CPU picks the task up at its next tick or sleep */
	if (rq->cpu == this_cpu()->id)
		this_cpu()->need_resched = 1;
	else
		ipi_send_resched(rq->cpu);
}

void sched_init(void);
void sched_init(void)
{
	policy = kernel_sched_policy();
	FW_CHECK(policy && policy->enqueue && policy->pick_next && policy->select_cpu,
		 "the kernel's scheduling policy is incomplete");
	/* SAFETY: i < FW_MAX_CPUS_INTERNAL, the length of both rqs and cpu_locals, bounds every
	 * index below. */
	for (u32 i = 0; i < FW_MAX_CPUS_INTERNAL; i++) {
		rqs[i].cpu = i;
		cpu_locals[i].rq = &rqs[i];
		if (policy->init_rq) {
			u64 f = raw_spin_lock_irqsave(&rqs[i].lock);
			policy->init_rq(&rqs[i]);
			raw_spin_unlock_irqrestore(&rqs[i].lock, f);
		}
	}
	char name[64];
	fmt_to_cstr(name, sizeof(name), STR("%s"), FMT_ARGS(policy->name));
	printk(FW_LOG_INFO, "sched: policy \"%s\"", name);
}

/* Called on the new task's stack right after the switch: release what __schedule held. */
static void finish_switch(void)
{
	struct cpu_local *c = this_cpu();
	struct sched_rq *rq = c->rq;
	/* SAFETY: an acquire load of a live task's state (prev is a task slot, never freed;
	 * it is reaped here only after this load sees it DEAD and off the run queue). */
	struct task *prev = rq->prev;
	rq->prev = NULL;
	bool reap = prev && __atomic_load_n(&prev->state, __ATOMIC_ACQUIRE) == TASK_DEAD &&
		    !prev->on_rq;
	raw_spin_unlock_keep(&rq->lock);
	preempt_count_sub(1);
	if (reap)
		task_put_dead(prev);
}

static void __schedule(bool preempt)
{
	struct cpu_local *c = this_cpu();
	struct task *prev = c->current;
	u64 f = irq_save();
	preempt_count_add(1);
	struct sched_rq *rq = c->rq;
	raw_spin_lock_keep(&rq->lock);
	c->need_resched = 0;
	/* SAFETY: prev is this CPU's current task, live while it runs; its state is written with
	 * atomics by wakers. */
	if (!prev->is_idle) {
		if (preempt || __atomic_load_n(&prev->state, __ATOMIC_ACQUIRE) == TASK_RUNNING)
			enqueue_locked(rq, prev);
		else
			prev->on_rq = false; /* sleeping or dead: deactivated */
	}
	struct sched_entity *se = policy->pick_next(rq);
	struct task *next = se ? sched_check_pick(se, rq->cpu) : c->idle;
	if (se)
		se->queued_on = 0;
	if (se)
		rq->nr_queued--;
	if (next == prev) {
		raw_spin_unlock_keep(&rq->lock);
		preempt_count_sub(1);
		irq_restore(f);
		return;
	}
	next->switches++;
	rq->switches++;
	u64 now = fw_time_ns();
	/* SAFETY: prev and next are live tasks; their accounting fields are written only here,
	 * with this run queue locked and IRQs off (see struct task). */
	prev->run_ns += now - prev->ran_since_ns;
	if (prev->is_idle)
		rq->idle_ns += now - prev->ran_since_ns;
	if (!preempt && __atomic_load_n(&prev->state, __ATOMIC_ACQUIRE) != TASK_RUNNING)
		prev->nvcsw++;
	else
		prev->nivcsw++;
	next->ran_since_ns = now;
	/* SAFETY: published for task_kick's lock-free read (seq_cst, see there). */
	__atomic_store_n(&rq->curr, next, __ATOMIC_SEQ_CST);
	rq->prev = prev;
	c->current = next;
	user_switch(prev, next); /* lazy FPU save, the user boundary of next */
	vmspace_switch_to(next); /* its address space, when it has one and it differs */
	task_switch_stacks(&prev->rsp, next->rsp);
	/* back on prev's stack: some task switched to us (maybe on another CPU) */
	finish_switch();
	irq_restore(f);
}

void schedule(void)
{
	if (!sched_running)
		return;
	if (preempt_count_raw() != 0)
		panic_message("schedule: called with preemption disabled (sleeping while atomic)");
	__schedule(false);
}

/* Involuntary: from interrupt exit or preempt_enable (count 0, the caller checked). */
void schedule_preempt(void);
void schedule_preempt(void)
{
	__schedule(true);
}

/* The first C code of every new task: finish the switch, then run the entry. */
__attribute__((noreturn)) void task_first_run(void);
void task_first_run(void)
{
	finish_switch();
	irq_enable();
	struct task *me = current_task();
	if (me->is_idle)
		sched_idle_loop();
	callback_invoke(me->entry);
	task_exit(0);
}

/* The online CPUs' bits (bit n: CPU n). */
static u64 online_mask(void)
{
	u64 m = 0;
	/* SAFETY: c < FW_MAX_CPUS_INTERNAL, inside cpu_locals. */
	for (u32 c = 0; c < FW_MAX_CPUS_INTERNAL && c < 64; c++)
		if (__atomic_load_n(&cpu_locals[c].online, __ATOMIC_ACQUIRE))
			m |= 1ull << c;
	return m;
}

/* dest, or the lowest online CPU t's mask allows when dest is not one (task_set_cpu_mask). */
static u32 allowed_cpu(struct task *t, u32 dest)
{
	/* SAFETY: the mask is an atomic word the task itself stores. */
	u64 mask = __atomic_load_n(&t->cpu_mask, __ATOMIC_ACQUIRE) & online_mask();
	if (!mask || (dest < 64 && (mask & (1ull << dest))))
		return dest;
	return (u32)__builtin_ctzll(mask);
}

int task_set_cpu_mask(uint64_t mask)
{
	might_sleep();
	struct task *me = current_task();
	u64 allowed = mask & online_mask();
	if (!allowed)
		return -EINVAL;
	/* SAFETY: the caller's own word, read atomically by task_wake on other CPUs. */
	__atomic_store_n(&me->cpu_mask, allowed, __ATOMIC_RELEASE);
	/* A task changes CPU only when it wakes: sleep for a millisecond until an allowed CPU
	 * runs us (a pinned task stays where it was pinned). */
	for (int tries = 0; tries < 8 && me->pinned_cpu == TASK_ANY_CPU; tries++) {
		u32 here = task_cpu();
		if (here < 64 && (allowed & (1ull << here)))
			break;
		/* a real sleep (a deadline already passed would not switch out): the timer's
		 * wake-up goes through task_wake, which places the task on an allowed CPU */
		(void)task_sleep_until(fw_time_ns() + FW_NSEC_PER_MSEC, WAIT_UNINTERRUPTIBLE);
	}
	return 0;
}

uint64_t task_cpu_mask(void)
{
	struct task *me = current_task();
	/* SAFETY: the caller's own word. */
	u64 m = __atomic_load_n(&me->cpu_mask, __ATOMIC_ACQUIRE) & online_mask();
	if (me->pinned_cpu != TASK_ANY_CPU && me->pinned_cpu < 64)
		return 1ull << me->pinned_cpu;
	return m ? m : online_mask();
}

struct task_usage task_usage_self(void)
{
	u64 f = irq_save();
	struct task *t = current_task();
	/* SAFETY: the running task's own accounting, stable while IRQs are off (only a switch
	 * of this task writes it, and none can happen now). */
	struct task_usage u = {
		.run_ns = t->run_ns + (fw_time_ns() - t->ran_since_ns),
		.user_ns = clock_stamp_ns(t->user_stamps),
		.nvcsw = t->nvcsw,
		.nivcsw = t->nivcsw,
	};
	irq_restore(f);
	if (u.user_ns > u.run_ns) /* two clocks: the user time never exceeds the whole */
		u.user_ns = u.run_ns;
	return u;
}

uint32_t task_cpu(void)
{
	/* SAFETY: the running task's own run queue index, a snapshot. */
	return __atomic_load_n(&current_task()->cpu, __ATOMIC_ACQUIRE);
}

bool task_wake(struct task *t)
{
	/* SAFETY: t->cpu only ever holds an index checked < FW_MAX_CPUS_INTERNAL (task_spawn,
	 * sched_start_task and the dest check below), so &rqs[cpu] is in bounds; the rq lock re-
	 * check catches a concurrent move. The state loads/stores are the sleep/wake handshake,
	 * seq_cst against the sleeper's store. */
	for (;;) {
		u32 cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
		struct sched_rq *rq = &rqs[cpu];
		u64 f = raw_spin_lock_irqsave(&rq->lock);
		if (t->cpu != cpu) {
			raw_spin_unlock_irqrestore(&rq->lock, f);
			continue;
		}
		/* SAFETY: rq->lock is held and t->cpu == cpu, so t's run queue is this one: state
		 * is read and moved out of SLEEPING under the lock the sleeper used, seq_cst
		 * against its store. */
		if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != TASK_SLEEPING) {
			raw_spin_unlock_irqrestore(&rq->lock, f);
			return false;
		}
		/* SAFETY: still under rq->lock; the seq_cst store pairs with the sleeper's store
		 * of SLEEPING. */
		__atomic_store_n(&t->state, TASK_RUNNING, __ATOMIC_SEQ_CST);
		if (t->on_rq) { /* has not switched out yet: it will see RUNNING */
			raw_spin_unlock_irqrestore(&rq->lock, f);
			return true;
		}
		/* SAFETY: dest is bounded before cpu_locals[dest] is read (|| short-circuits) and
		 * before &rqs[dest]; t->cpu is republished with release so task_wake's acquire
		 * load on another CPU sees it. */
		u32 dest = t->pinned_cpu != TASK_ANY_CPU ? t->pinned_cpu
							 : allowed_cpu(t, policy->select_cpu(&t->se, cpu));
		if (dest >= FW_MAX_CPUS_INTERNAL || !__atomic_load_n(&cpu_locals[dest].online, __ATOMIC_ACQUIRE))
			dest = cpu;
		if (dest != cpu) {
			/* only we may enqueue t now (we moved it out of SLEEPING), so it can
			 * change run queue between the two locks */
			__atomic_store_n(&t->cpu, dest, __ATOMIC_RELEASE);
			raw_spin_unlock_keep(&rq->lock);
			rq = &rqs[dest];
			raw_spin_lock_keep(&rq->lock);
		}
		t->on_rq = true;
		enqueue_locked(rq, t);
		kick(rq);
		raw_spin_unlock_irqrestore(&rq->lock, f);
		return true;
	}
}

/* Make a new (never run) task runnable. */
void sched_start_task(struct task *t);
void sched_start_task(struct task *t)
{
	/* SAFETY: cpu is bounded before cpu_locals[cpu] (|| short-circuits) and replaced by this
	 * CPU's id otherwise, so &rqs[cpu] is in bounds. */
	u32 cpu = t->pinned_cpu != TASK_ANY_CPU ? t->pinned_cpu
						: allowed_cpu(t, policy->select_cpu(&t->se, this_cpu()->id));
	if (cpu >= FW_MAX_CPUS_INTERNAL || !__atomic_load_n(&cpu_locals[cpu].online, __ATOMIC_ACQUIRE))
		cpu = this_cpu()->id;
	t->cpu = cpu;
	struct sched_rq *rq = &rqs[cpu];
	u64 f = raw_spin_lock_irqsave(&rq->lock);
	t->on_rq = true;
	enqueue_locked(rq, t);
	kick(rq);
	raw_spin_unlock_irqrestore(&rq->lock, f);
}

void sched_tick(void)
{
	if (!sched_running)
		return;
	timers_run_this_cpu(fw_time_ns()); /* timed sleeps and service timers of this CPU */
	struct cpu_local *c = this_cpu();
	struct sched_rq *rq = c->rq;
	u64 f = raw_spin_lock_irqsave(&rq->lock);
	struct task *curr = rq->curr;
	if (curr && !curr->is_idle && policy->tick && policy->tick(rq, &curr->se))
		c->need_resched = 1;
	if (curr && curr->is_idle && rq->nr_queued)
		c->need_resched = 1;
	raw_spin_unlock_irqrestore(&rq->lock, f);
}

int sched_sleep_prepared(u64 deadline_ns, unsigned flags)
{
	might_sleep();
	struct task *me = current_task();
	bool intr = (flags & WAIT_INTERRUPTIBLE) != 0;
	/* SAFETY: me is the running task; the seq_cst store/load pair with task_kick's store of
	 * kicked and load of wait_interruptible (one of the two sides sees the other). */
	if (intr) {
		__atomic_store_n(&me->wait_interruptible, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&me->kicked, __ATOMIC_SEQ_CST))
			return -EINTR;
	}
	if (deadline_ns) {
		if (fw_time_ns() >= deadline_ns)
			return -ETIMEDOUT;
		fw_timer_arm(&me->sleep_timer, deadline_ns);
	}
	schedule();
	if (deadline_ns)
		fw_timer_cancel(&me->sleep_timer); /* after this, its expiry cannot wake us later */
	/* SAFETY: as above. */
	if (intr && __atomic_load_n(&me->kicked, __ATOMIC_SEQ_CST))
		return -EINTR;
	if (deadline_ns && fw_time_ns() >= deadline_ns)
		return -ETIMEDOUT;
	return 0;
}

void sched_sleep_done(struct task *me)
{
	/* SAFETY: me is the running task; only it and its wakers write its state, atomically. */
	__atomic_store_n(&me->state, TASK_RUNNING, __ATOMIC_SEQ_CST);
	__atomic_store_n(&me->wait_interruptible, 0, __ATOMIC_SEQ_CST);
}

int task_sleep_until(uint64_t deadline_ns, unsigned flags)
{
	struct task *me = current_task();
	for (;;) {
		/* SAFETY: me is the running task; the seq_cst store pairs with task_wake's load. */
		__atomic_store_n(&me->state, TASK_SLEEPING, __ATOMIC_SEQ_CST);
		int r = sched_sleep_prepared(deadline_ns, flags);
		sched_sleep_done(me);
		if (r == -ETIMEDOUT)
			return 0;
		if (r)
			return r;
		/* woken early (a stray wake-up): sleep again */
	}
}

void task_sleep_ms(uint64_t ms)
{
	(void)task_sleep_until(fw_time_ns() + ms * FW_NSEC_PER_MSEC, WAIT_UNINTERRUPTIBLE);
}

void task_kick_task(struct task *t)
{
	/* SAFETY: t is a live task the caller holds a handle to; the seq_cst accesses pair with
	 * sched_sleep_prepared (see there) and with user_enter's check of kicked. */
	__atomic_store_n(&t->kicked, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&t->state, __ATOMIC_SEQ_CST) == TASK_SLEEPING &&
	    __atomic_load_n(&t->wait_interruptible, __ATOMIC_SEQ_CST)) {
		task_wake(t);
		return;
	}
	/* Running on another CPU, maybe in user mode: an interrupt makes it look at the flag on
	 * its way back to user mode (user_irq_exit); in the kernel it sees the flag at its next
	 * interruptible wait or user_enter. */
	preempt_disable();
	/* SAFETY: an atomic read of t's CPU (a snapshot; task_wake republishes it on moves). */
	u32 cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
	/* SAFETY: cpu < FW_MAX_CPUS_INTERNAL (task_spawn/task_wake store only such values), so
	 * rqs[cpu] is in bounds; curr is a relaxed snapshot: a task that became curr after it
	 * sees the flag set above before it enters user mode. */
	if (cpu != this_cpu()->id && __atomic_load_n(&rqs[cpu].curr, __ATOMIC_SEQ_CST) == t)
		ipi_send_kick(cpu);
	preempt_enable();
}

bool task_kicked(void)
{
	struct task *me = task_current();
	/* SAFETY: an atomic read of the caller's own flag. */
	return me && __atomic_load_n(&me->kicked, __ATOMIC_SEQ_CST);
}

void task_kick_clear(void)
{
	struct task *me = task_current();
	/* SAFETY: the caller's own flag. */
	if (me)
		__atomic_store_n(&me->kicked, 0, __ATOMIC_SEQ_CST);
}

void task_kick(const struct task_handle *h)
{
	if (h->t)
		task_kick_task(h->t);
}

void task_yield(void)
{
	might_sleep();
	schedule();
}

void sched_idle_loop(void)
{
	for (;;) {
		irq_disable();
		struct cpu_local *c = this_cpu();
		/* SAFETY: c->rq points into rqs (set by sched_init); nr_queued is a relaxed
		 * snapshot, re-checked in schedule(). */
		if (c->need_resched || __atomic_load_n(&c->rq->nr_queued, __ATOMIC_RELAXED)) {
			irq_enable();
			schedule();
			continue;
		}
		irq_enable_and_halt();
	}
}

/* An AP's idle task is running: its run queue can take tasks. Context: the AP, IF=0. */
void sched_cpu_online(struct cpu_local *c);
void sched_cpu_online(struct cpu_local *c)
{
	c->rq->curr = c->idle;
	c->idle->on_rq = true;
}

/* The boot flow becomes CPU 0's first task; schedule() works from here on. */
void sched_start(struct task *boot, struct task *idle0);
void sched_start(struct task *boot, struct task *idle0)
{
	struct cpu_local *c = &cpu_locals[0];
	c->idle = idle0;
	c->current = boot;
	rqs[0].curr = boot;
	boot->on_rq = true;
	/* SAFETY: a release store of a static flag, publishing the run queue set up above. */
	__atomic_store_n(&sched_running, true, __ATOMIC_RELEASE);
}

u64 sched_switches(u32 cpu);
u64 sched_switches(u32 cpu)
{
	return cpu < FW_MAX_CPUS_INTERNAL ? rqs[cpu].switches : 0;
}

/* The last switch of an exiting task (task_exit): IRQs off, count 0, state DEAD. */
__attribute__((noreturn)) void schedule_dead(void);
void schedule_dead(void)
{
	__schedule(false);
	panic_message("schedule_dead: a dead task ran again");
}
