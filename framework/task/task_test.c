/*
 * task_test.c — ktests of tasks (suite `task`): spawn/exit/join, context switches, preemption
 * on the timer tick (and none while preemption is off), timed sleep, reaping of detached tasks,
 * spreading over CPUs; and the stress test (suite `task_stress`): thousands of short tasks
 * contending on a mutex, an IRQ-disabling spinlock and a wait queue on every CPU.
 */
#include <fw/ktest.h>
#include <fw/sync.h>
#include <fw/task.h>
#include <fw/time.h>

#include "internal/ktest_task.h"

/* The worker subtype's identity (declared in internal/ktest_task.h). */
DEFINE_TYPE_INFO(tworker_cb, struct tworker);
#include "internal/printk.h"
#include "internal/rawlock.h"
#include "internal/task.h"

static struct tworker tw[64];

static void exit_with_idx(struct tworker *w)
{
	if (w->idx == 7)
		task_exit(42);
	w->a = task_id();
}

KTEST(task, spawn_join_exit_codes)
{
	struct task *a = tw_spawn(&tw[0], exit_with_idx, 7, TASK_ANY_CPU);
	struct task *b = tw_spawn(&tw[1], exit_with_idx, 1, TASK_ANY_CPU);
	KT_ASSERT(kt, a && b);
	int ca = task_join_raw(a), cb = task_join_raw(b);
	KT_EXPECT_EQ(kt, ca, 42);
	KT_EXPECT_EQ(kt, cb, 0);
	KT_EXPECT_NE(kt, tw[1].a, 0ull);
	KT_EXPECT_NE(kt, tw[1].a, task_id());
}

static u32 turn_log[16];
static u32 turn_n;
static u32 turn_go;

static void yielder(struct tworker *w)
{
	/* SAFETY: turn_n and turn_go are static test words shared by the workers and the runner;
	 * the atomics are their only accesses. */
	while (!__atomic_load_n(&turn_go, __ATOMIC_ACQUIRE))
		task_yield(); /* until both are queued: the other CPU may start one at once */
	for (u32 i = 0; i < 6; i++) {
		u32 n = __atomic_fetch_add(&turn_n, 1, __ATOMIC_SEQ_CST);
		if (n < 16)
			turn_log[n] = w->idx;
		task_yield();
	}
}

KTEST(task, context_switch_round_robin_on_one_cpu)
{
	turn_n = 0;
	turn_go = 0;
	u32 cpu = tw_other_cpu();
	/* Both are queued before either takes a turn: the other CPU runs the first as soon as it
	 * is queued (preemption off here does not stop that CPU), so they wait for turn_go; on a
	 * loaded host the second spawn can come long after (landing at load 17: 1 alternation). */
	preempt_disable();
	struct task *a = tw_spawn(&tw[0], yielder, 0, cpu);
	struct task *b = tw_spawn(&tw[1], yielder, 1, cpu);
	preempt_enable();
	/* SAFETY: the static start flag the workers read atomically. */
	__atomic_store_n(&turn_go, 1, __ATOMIC_RELEASE);
	KT_ASSERT(kt, a && b);
	task_join_raw(a);
	task_join_raw(b);
	KT_EXPECT_EQ(kt, turn_n, 12u);
	u32 alternations = 0;
	for (u32 i = 1; i < 12; i++)
		alternations += turn_log[i] != turn_log[i - 1];
	KT_EXPECT_GE(kt, alternations, 10u); /* yield hands the CPU over every time */
}

static u32 spin_started, spin_stop;

static void busy_spinner(struct tworker *w)
{
	/* SAFETY: spin_started/spin_stop and tw[0].a are static test words shared with the spinner
	 * task, accessed only through atomics (a flag handshake); tw has 64 entries. */
	__atomic_store_n(&spin_started, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&spin_stop, __ATOMIC_ACQUIRE))
		w->a++;
}

KTEST(task, timer_tick_preempts_a_busy_task)
{
	spin_started = spin_stop = 0;
	/* pinned to the runner's CPU: it can only run if the tick preempts the runner, and the
	 * runner only gets back if the tick preempts it */
	struct task *t = tw_spawn(&tw[0], busy_spinner, 0, 0);
	KT_ASSERT(kt, t != NULL);
	u64 t0 = fw_time_ns();
	/* SAFETY: spin_started is the static flag busy_spinner sets, read atomically. */
	while (!__atomic_load_n(&spin_started, __ATOMIC_ACQUIRE) &&
	       fw_time_ns() - t0 < 2 * FW_NSEC_PER_SEC)
		cpu_pause();
	/* SAFETY: the same static handshake words, read and written only with atomics. */
	KT_EXPECT(kt, __atomic_load_n(&spin_started, __ATOMIC_ACQUIRE));
	u64 seen = __atomic_load_n(&tw[0].a, __ATOMIC_RELAXED);
	t0 = fw_time_ns();
	while (__atomic_load_n(&tw[0].a, __ATOMIC_RELAXED) == seen &&
	       fw_time_ns() - t0 < 2 * FW_NSEC_PER_SEC)
		cpu_pause();
	KT_EXPECT_NE(kt, __atomic_load_n(&tw[0].a, __ATOMIC_RELAXED), seen);
	__atomic_store_n(&spin_stop, 1, __ATOMIC_RELEASE);
	task_join_raw(t);
}

KTEST(task, no_preemption_while_preempt_disabled)
{
	spin_started = spin_stop = 0;
	preempt_disable();
	struct task *t = tw_spawn(&tw[0], busy_spinner, 0, 0);
	KT_ASSERT(kt, t != NULL);
	/* SAFETY: spin_started/spin_stop are static test flags shared with the spinner, touched
	 * only atomically. */
	u64 t0 = fw_time_ns();
	while (fw_time_ns() - t0 < 40 * FW_NSEC_PER_MSEC) /* ten ticks */
		cpu_pause();
	KT_EXPECT_EQ(kt, __atomic_load_n(&spin_started, __ATOMIC_ACQUIRE), 0u);
	preempt_enable(); /* the pending reschedule happens here */
	t0 = fw_time_ns();
	while (!__atomic_load_n(&spin_started, __ATOMIC_ACQUIRE) &&
	       fw_time_ns() - t0 < 2 * FW_NSEC_PER_SEC)
		cpu_pause();
	KT_EXPECT_EQ(kt, __atomic_load_n(&spin_started, __ATOMIC_ACQUIRE), 1u);
	__atomic_store_n(&spin_stop, 1, __ATOMIC_RELEASE);
	task_join_raw(t);
}

static void sleeper(struct tworker *w)
{
	u64 t0 = fw_time_ns();
	task_sleep_ms(30);
	w->a = fw_time_ns() - t0;
}

KTEST(task, sleep_ms_sleeps_and_lets_others_run)
{
	struct task *t = tw_spawn(&tw[0], sleeper, 0, TASK_ANY_CPU);
	KT_ASSERT(kt, t != NULL);
	u64 t0 = fw_time_ns();
	task_sleep_ms(5);
	KT_EXPECT_GE(kt, fw_time_ns() - t0, 5 * FW_NSEC_PER_MSEC);
	task_join_raw(t);
	KT_EXPECT_GE(kt, tw[0].a, 30 * FW_NSEC_PER_MSEC);
	KT_EXPECT_LT(kt, tw[0].a, 500 * FW_NSEC_PER_MSEC);
}

static void quick(struct tworker *w)
{
	w->a = 1;
}

KTEST(task, detached_tasks_are_reaped)
{
	u32 base = tasks_live();
	/* SAFETY: i < 40 <= 64, the length of tw. */
	for (u32 i = 0; i < 40; i++) {
		struct task *t = tw_spawn(&tw[i], quick, i, TASK_ANY_CPU);
		KT_ASSERT(kt, t != NULL);
		task_detach_raw(t);
	}
	u64 t0 = fw_time_ns();
	while (tasks_live() != base && fw_time_ns() - t0 < 2 * FW_NSEC_PER_SEC)
		task_sleep_ms(1);
	KT_EXPECT_EQ(kt, tasks_live(), base);
	u32 ran = 0;
	for (u32 i = 0; i < 40; i++)
		ran += (u32)tw[i].a;
	KT_EXPECT_EQ(kt, ran, 40u);
}

static void where_am_i(struct tworker *w)
{
	u64 t0 = fw_time_ns();
	while (fw_time_ns() - t0 < 20 * FW_NSEC_PER_MSEC)
		cpu_pause();
	preempt_disable();
	w->a = cpu_this_id();
	preempt_enable();
}

KTEST(task, new_tasks_spread_over_cpus)
{
	struct task *t[8];
	/* SAFETY: i < 8 <= 64, the length of tw. */
	for (u32 i = 0; i < 8; i++) {
		t[i] = tw_spawn(&tw[i], where_am_i, i, TASK_ANY_CPU);
		KT_ASSERT(kt, t[i] != NULL);
	}
	u32 on_cpu[FW_MAX_CPUS] = { 0 };
	for (u32 i = 0; i < 8; i++) {
		task_join_raw(t[i]);
		if (tw[i].a < FW_MAX_CPUS)
			on_cpu[tw[i].a]++;
	}
	for (u32 c = 0; c < cpu_count(); c++)
		KT_EXPECT_GT(kt, on_cpu[c], 0u);
}

KTEST(task, spawn_refuses_an_entry_on_the_stack)
{
	struct tworker local;
	tworker_cb_init(&local);
	callback_set(&local.cb, SUBTYPE_CALLBACK(tworker_cb, tworker_run));
	local.body = quick;
	struct task *t = task_spawn_raw(&local.cb, STR("bad"), TASK_ANY_CPU);
	KT_EXPECT(kt, t == NULL);
}

static void nothing(struct tworker *w)
{
	(void)w;
}

KTEST(task, pool_exhaustion_returns_null_and_recovers)
{
	static struct tworker many[128];
	struct task *t[128];
	u32 n = 0;
	u32 old_limit = task_set_limit(96); /* the real limit is thousands: see task.many_tasks */
	preempt_disable(); /* none of them may finish while we fill the pool */
	/* SAFETY: n < 128, the length of many. */
	for (; n < 128; n++) {
		t[n] = tw_spawn(&many[n], nothing, n, TASK_ANY_CPU);
		if (!t[n])
			break;
	}
	preempt_enable();
	KT_EXPECT_LT(kt, n, 128u);
	KT_EXPECT_GT(kt, n, 32u);
	for (u32 i = 0; i < n; i++)
		task_join_raw(t[i]);
	task_set_limit(old_limit);
	struct task *again = tw_spawn(&many[0], nothing, 0, TASK_ANY_CPU);
	KT_EXPECT(kt, again != NULL);
	if (again)
		task_join_raw(again);
}

/* Thousands of threads: 1500 tasks alive at once, all asleep on one wait queue, then woken
 * together and joined (their slots, chunks and stacks come from the grown pool). */
#define MANY_TASKS 1500u
static struct tworker many_w[MANY_TASKS];
static struct task *many_t[MANY_TASKS];
static struct waitq many_q;
static u32 many_go, many_asleep;

static void many_body(struct tworker *w)
{
	/* SAFETY: static test counters, only touched atomically. */
	__atomic_fetch_add(&many_asleep, 1, __ATOMIC_SEQ_CST);
	WAITQ_WAIT(&many_q, __atomic_load_n(&many_go, __ATOMIC_SEQ_CST) != 0);
	w->a = 1;
}

/* tasks_live_settled - the live task count once it held still for three 5 ms samples (at most
 * a second): tasks of earlier tests may still be ending, and under -smp 2 on a loaded host one
 * ended in the middle of many_tasks_alive_at_once and failed it. */
static u32 tasks_live_settled(void)
{
	u32 last = tasks_live(), same = 0;
	for (int i = 0; i < 200 && same < 3; i++) {
		task_sleep_ms(5);
		u32 now = tasks_live();
		same = now == last ? same + 1 : 0;
		last = now;
	}
	return last;
}

KTEST(task, many_tasks_alive_at_once)
{
	waitq_init(&many_q);
	many_go = many_asleep = 0;
	u32 live0 = tasks_live_settled(), n = 0;
	/* SAFETY: n < MANY_TASKS, the length of both arrays. */
	for (; n < MANY_TASKS; n++) {
		many_t[n] = tw_spawn(&many_w[n], many_body, n, TASK_ANY_CPU);
		if (!many_t[n])
			break;
	}
	KT_EXPECT_EQ(kt, n, MANY_TASKS);
	KT_EXPECT_GE(kt, tasks_live(), n); /* ours at least (others may end meanwhile) */
	/* SAFETY: as many_body. */
	while (__atomic_load_n(&many_asleep, __ATOMIC_SEQ_CST) < n)
		task_sleep_ms(1);
	__atomic_store_n(&many_go, 1, __ATOMIC_SEQ_CST);
	waitq_wake_all(&many_q);
	u32 ran = 0;
	/* SAFETY: i < n <= MANY_TASKS. */
	for (u32 i = 0; i < n; i++) {
		task_join_raw(many_t[i]);
		ran += (u32)many_w[i].a;
	}
	KT_EXPECT_EQ(kt, ran, n);
	KT_EXPECT_LE(kt, tasks_live_settled(), live0); /* every one of ours is gone */
}

/* ---- stress ----------------------------------------------------------------------------- */

#define STRESS_TASKS 2000u
#define STRESS_LIVE 48u

static struct mutex st_mutex = MUTEX_INIT(st_mutex);
static struct spinlock st_spin = SPINLOCK_INIT(st_spin);
static struct waitq st_q;
static u64 st_mutex_count, st_spin_count;
static u32 st_tokens;
static u32 st_done;

static void stress_body(struct tworker *w)
{
	for (u32 k = 0; k < 2; k++) {
		mutex_lock(&st_mutex);
		st_mutex_count++;
		if ((w->idx + k) % 7 == 0)
			task_yield();
		mutex_unlock(&st_mutex);
	}
	struct irq_state s = spin_lock_irqsave(&st_spin);
	st_spin_count++;
	st_tokens++; /* give one token... */
	spin_unlock_irqrestore(&st_spin, s);
	waitq_wake_one(&st_q);
	/* SAFETY: st_tokens and st_done and w->c are static test words shared by the stress tasks,
	 * touched only with atomics (or under st_spin); w is this worker's own live tworker. */
	for (;;) { /* ...then take one (maybe another task's): a lost wake-up would hang here */
		WAITQ_WAIT(&st_q, __atomic_load_n(&st_tokens, __ATOMIC_ACQUIRE) > 0);
		s = spin_lock_irqsave(&st_spin);
		bool got = st_tokens > 0;
		if (got)
			st_tokens--;
		spin_unlock_irqrestore(&st_spin, s);
		if (got)
			break;
	}
	/* SAFETY: st_done is a static counter, w->c this worker's own live tworker word: both
	 * written atomically. */
	__atomic_fetch_add(&st_done, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&w->c, 1, __ATOMIC_RELEASE);
}

KTEST(task_stress, thousands_of_tasks_contend_without_deadlock)
{
	static struct tworker sw[STRESS_LIVE];
	static struct task *st[STRESS_LIVE];
	waitq_init(&st_q);
	st_mutex_count = st_spin_count = 0;
	st_tokens = st_done = 0;
	u32 base = tasks_live();
	/* Spawning stops at 6 s (a loaded host may emulate far slower than an idle one: the test
	 * checks for deadlock and lost wake-ups, not speed); what was spawned must all finish by
	 * 9 s (the runner's watchdog is 10 s). */
	u64 t0 = fw_time_ns(), deadline = t0 + 9 * FW_NSEC_PER_SEC;
	u64 spawn_until = t0 + 6 * FW_NSEC_PER_SEC;
	u32 spawned = 0, target = STRESS_TASKS;
	for (u32 i = 0; i < STRESS_LIVE; i++)
		st[i] = NULL;
	bool stuck = false;
	while (spawned < target || tasks_live() != base) {
		u64 now = fw_time_ns();
		if (now > deadline) {
			stuck = true;
			break;
		}
		if (now > spawn_until)
			target = spawned;
		bool progress = false;
		/* SAFETY: i < STRESS_LIVE, the length of st and sw; sw[i].c is read atomically
		 * (its worker stores it). */
		for (u32 i = 0; i < STRESS_LIVE; i++) {
			if (st[i] && __atomic_load_n(&sw[i].c, __ATOMIC_ACQUIRE)) {
				task_join_raw(st[i]);
				st[i] = NULL;
				progress = true;
			}
			if (!st[i] && spawned < target) {
				/* SAFETY: i < STRESS_LIVE, the length of sw. */
				st[i] = tw_spawn(&sw[i], stress_body, spawned, TASK_ANY_CPU);
				if (st[i]) {
					spawned++;
					progress = true;
				}
			}
		}
		if (!progress)
			task_sleep_ms(1);
	}
	u64 ms = (fw_time_ns() - t0) / FW_NSEC_PER_MSEC;
	/* SAFETY: st_done is a static counter; an acquire read for the summary line. */
	kprintf_raw("    # stress: %u tasks on %u CPU(s) in %lu ms; %u done\n", spawned, cpu_count(),
		    (unsigned long)ms, __atomic_load_n(&st_done, __ATOMIC_ACQUIRE));
	KT_EXPECT(kt, !stuck);
	/* Every invariant is against the number actually spawned: a slow host spawns fewer in its
	 * 6 s, never a wrong count. At least one task must have run through. */
	KT_EXPECT_GT(kt, spawned, 0u);
	KT_EXPECT_EQ(kt, st_done, spawned);
	KT_EXPECT_EQ(kt, st_mutex_count, 2ull * spawned);
	KT_EXPECT_EQ(kt, st_spin_count, (u64)spawned);
	KT_EXPECT_EQ(kt, st_tokens, 0u);
	KT_EXPECT_EQ(kt, tasks_live(), base);
}

/* Issue #13 class 8: a task handle is consumed once — join and detach empty it, so a second
 * join or a join after detach cannot drop someone else's reference. */
static struct tworker handle_w;
static void handle_body(struct tworker *w)
{
	w->result = 7;
}

static void stack_entry_spawn(struct ktest_ctx *kt)
{
	struct tworker on_stack;
	tworker_cb_init(&on_stack);
	callback_set(&on_stack.cb, SUBTYPE_CALLBACK(tworker_cb, tworker_run));
	struct task_handle h = TASK_HANDLE_EMPTY;
	KT_EXPECT_EQ(kt, task_spawn(&h, &on_stack.cb, STR("on stack"), TASK_ANY_CPU), -EINVAL);
	KT_EXPECT(kt, task_handle_is_empty(&h));
}

KTEST(task, handle_is_consumed_once)
{
	struct task_handle h = TASK_HANDLE_EMPTY;
	tworker_cb_init(&handle_w);
	callback_set(&handle_w.cb, SUBTYPE_CALLBACK(tworker_cb, tworker_run));
	handle_w.body = handle_body;
	handle_w.result = 0;
	KT_ASSERT_EQ(kt, task_spawn(&h, &handle_w.cb, STR("handle"), TASK_ANY_CPU), 0);
	KT_EXPECT(kt, !task_handle_is_empty(&h));
	KT_EXPECT_EQ(kt, task_spawn(&h, &handle_w.cb, STR("again"), TASK_ANY_CPU), -EBUSY);
	(void)task_join(&h);
	KT_EXPECT(kt, task_handle_is_empty(&h));
	KT_EXPECT_EQ(kt, handle_w.result, 7);
	KT_EXPECT_EQ(kt, task_join(&h), -EINVAL);
	task_detach(&h); /* empty: ignored */
	stack_entry_spawn(kt);
}

/* ---- CPU masks (sched_setaffinity) ------------------------------------------------------- */

static struct tworker mask_w;

/* Restrict itself to CPU w->b, then sleep and yield a few times: every time it runs there.
 * w->a: the runs seen elsewhere; w->result: task_set_cpu_mask's result; w->c: the mask read
 * back. */
static void mask_body(struct tworker *w)
{
	w->result = task_set_cpu_mask(1ull << w->b);
	w->c = task_cpu_mask();
	for (u32 i = 0; i < 20; i++) {
		if (task_cpu() != w->b)
			w->a++;
		if (i % 2)
			task_sleep_ms(1);
		else
			task_yield();
	}
}

KTEST(task, cpu_mask_moves_the_task_and_keeps_it_there)
{
	u32 last = cpu_count() - 1;
	/* spawned on CPU 0's choice of CPU, then restricted to the last CPU */
	struct task *t = tw_spawn_args(&mask_w, mask_body, 0, TASK_ANY_CPU, last, 0);
	KT_ASSERT(kt, t != NULL);
	task_join_raw(t);
	KT_EXPECT_EQ(kt, mask_w.result, 0);
	KT_EXPECT_EQ(kt, mask_w.a, 0u);
	KT_EXPECT_EQ(kt, mask_w.c, 1ull << last);
}

KTEST(task, cpu_mask_without_an_online_cpu_is_einval)
{
	u64 before = task_cpu_mask();
	KT_EXPECT_EQ(kt, task_set_cpu_mask(0), -EINVAL);
	if (cpu_count() < 64)
		KT_EXPECT_EQ(kt, task_set_cpu_mask(1ull << 63), -EINVAL);
	KT_EXPECT_EQ(kt, task_cpu_mask(), before);
}

/* The CPU accounting getrusage and the CPU-time clocks stand on (task_usage_self). */
KTEST(task, usage_counts_run_time_and_sleeps)
{
	struct task_usage a = task_usage_self();
	u64 start = fw_time_ns();
	while (fw_time_ns() - start < 5000000) /* busy for 5 ms of wall time */
		;
	struct task_usage b = task_usage_self();
	KT_EXPECT_GE(kt, b.run_ns - a.run_ns, 1000000u); /* most of it on this CPU */
	task_sleep_ms(2);
	struct task_usage c = task_usage_self();
	KT_EXPECT_GE(kt, c.nvcsw + c.nivcsw, b.nvcsw + b.nivcsw + 1);
	/* the sleep itself is not run time: far less than the 2 ms slept plus the busy loop */
	KT_EXPECT(kt, c.run_ns >= b.run_ns);
}

/* /proc/stat's per-CPU times (sched_cpu_times): a CPU's idle time grows while every task on
 * it sleeps, never exceeds the time since boot, and its switch count grows; a CPU out of range
 * is all zeros. */
KTEST(task, cpu_times_count_idle_and_switches)
{
	u32 cpu = task_cpu();
	struct cpu_times a = sched_cpu_times(cpu);
	task_sleep_ms(20);
	struct cpu_times b = sched_cpu_times(cpu);
	u64 now = fw_time_ns();
	KT_EXPECT(kt, b.idle_ns <= now);
	KT_EXPECT(kt, b.switches > a.switches);
	KT_EXPECT(kt, b.user_ns >= a.user_ns);
	u64 idle = 0;
	for (u32 c = 0; c < cpu_count(); c++)
		idle += sched_cpu_times(c).idle_ns;
	KT_EXPECT(kt, idle > 0);
	struct cpu_times z = sched_cpu_times(FW_MAX_CPUS);
	KT_EXPECT_EQ(kt, z.idle_ns + z.user_ns + z.switches, 0u);
}

/* Issue #13 class 9: a scheduling policy is service code, so the entity its pick_next returns
 * is checked before the framework switches to its stack: one of the policy's own making, and a
 * real task's entity that is not queued (the running task's), both stop the kernel. */
static struct sched_entity pick_forged_se;
static void pick_forged(void)
{
	(void)sched_check_pick(&pick_forged_se, 0);
}

static void pick_running(void)
{
	(void)sched_check_pick(&task_current()->se, 0);
}

KTEST(task, pick_next_result_is_checked)
{
	struct ktest_trap tr;
	ktest_expect_trap(kt, pick_forged, &tr);
	KT_EXPECT_EQ(kt, tr.kind, KTEST_TRAP_PANIC);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "pick_next returned an entity that is not queued"));
	ktest_expect_trap(kt, pick_running, &tr);
	KT_EXPECT_EQ(kt, tr.kind, KTEST_TRAP_PANIC);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "pick_next returned an entity that is not queued"));
}
