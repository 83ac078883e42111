/*
 * sync/wait_test.c — ktests of timed and interruptible waits, kicks and per-CPU timers (suite
 * `wait`, issue #14): WAITQ_WAIT_EVENT's three outcomes, task_sleep_until, task_kick waking an
 * interruptible sleeper on another CPU and leaving an uninterruptible one alone, no kick lost
 * against a wait that is just going to sleep (200 rounds across CPUs), fw_timer expiry, re-arm
 * and cancel. (A kick pulling a task out of user mode: user_smp_test.c.)
 */
#include <fw/ktest.h>
#include <fw/subtype.h>
#include <fw/sync.h>
#include <fw/task.h>
#include <fw/time.h>
#include <fw/timer.h>

#include "internal/ktest_task.h"
#include "internal/task.h"

static struct tworker ww[4];
static struct waitq wt_q;
static u32 wt_flag;

KTEST(wait, timed_wait_times_out_not_early)
{
	waitq_init(&wt_q);
	u64 t0 = fw_time_ns(), deadline = t0 + 20 * FW_NSEC_PER_MSEC;
	int r = WAITQ_WAIT_EVENT(&wt_q, false, deadline, WAIT_UNINTERRUPTIBLE);
	KT_EXPECT_EQ(kt, r, -ETIMEDOUT);
	KT_EXPECT_GE(kt, fw_time_ns(), deadline);
	/* a deadline already past: at once, and a true condition still wins */
	KT_EXPECT_EQ(kt, WAITQ_WAIT_EVENT(&wt_q, false, t0, WAIT_UNINTERRUPTIBLE), -ETIMEDOUT);
	KT_EXPECT_EQ(kt, WAITQ_WAIT_EVENT(&wt_q, true, t0, WAIT_INTERRUPTIBLE), 0);
}

static void set_flag_later(struct tworker *w)
{
	task_sleep_ms(w->b);
	/* SAFETY: a static test flag, only touched atomically. */
	__atomic_store_n(&wt_flag, 1, __ATOMIC_SEQ_CST);
	waitq_wake_all(&wt_q);
}

KTEST(wait, timed_wait_returns_when_the_condition_comes_true)
{
	waitq_init(&wt_q);
	wt_flag = 0;
	struct task *t = tw_spawn_args(&ww[0], set_flag_later, 0, tw_other_cpu(), 10, 0);
	KT_ASSERT(kt, t != NULL);
	/* SAFETY: as set_flag_later. */
	int r = WAITQ_WAIT_EVENT(&wt_q, __atomic_load_n(&wt_flag, __ATOMIC_SEQ_CST),
				 fw_time_ns() + 10 * FW_NSEC_PER_SEC, WAIT_INTERRUPTIBLE);
	KT_EXPECT_EQ(kt, r, 0);
	task_join_raw(t);
}

/* Wait on wt_q, interruptibly (w->b: flags) with deadline w->c ms from now; w->result. */
static void waiter(struct tworker *w)
{
	u64 deadline = w->c ? fw_time_ns() + w->c * FW_NSEC_PER_MSEC : 0;
	/* SAFETY: a static test flag, only touched atomically. */
	__atomic_store_n(&w->a, 1, __ATOMIC_SEQ_CST);
	w->result = WAITQ_WAIT_EVENT(&wt_q, false, deadline, (unsigned)w->b);
	w->idx = task_kicked() ? 1u : 0u;
	/* a second wait with the flag still set ends at once; after clearing it, it times out */
	int again = WAITQ_WAIT_EVENT(&wt_q, false, fw_time_ns() + 5 * FW_NSEC_PER_MSEC, (unsigned)w->b);
	task_kick_clear();
	int cleared = WAITQ_WAIT_EVENT(&wt_q, false, fw_time_ns() + 5 * FW_NSEC_PER_MSEC, (unsigned)w->b);
	w->a = (u64)(again == -EINTR) | ((u64)(cleared == -ETIMEDOUT) << 1) | (1ull << 8);
}

static void wait_started(struct tworker *w)
{
	/* SAFETY: as waiter. */
	while (__atomic_load_n(&w->a, __ATOMIC_SEQ_CST) == 0)
		task_yield();
	task_sleep_ms(5); /* let it reach the sleep */
}

KTEST(wait, kick_ends_an_interruptible_wait_on_another_cpu)
{
	waitq_init(&wt_q);
	/* no deadline: only the kick can end it */
	struct task *t = tw_spawn_args(&ww[0], waiter, 0, tw_other_cpu(), WAIT_INTERRUPTIBLE, 0);
	KT_ASSERT(kt, t != NULL);
	wait_started(&ww[0]);
	task_kick_task(t);
	task_join_raw(t);
	KT_EXPECT_EQ(kt, ww[0].result, -EINTR);
	KT_EXPECT_EQ(kt, ww[0].idx, 1u);             /* the flag stayed set */
	KT_EXPECT_EQ(kt, ww[0].a, 0x103ull);         /* -EINTR again at once; timed out once cleared */
}

KTEST(wait, kick_leaves_an_uninterruptible_wait_alone)
{
	waitq_init(&wt_q);
	struct task *t = tw_spawn_args(&ww[0], waiter, 0, tw_other_cpu(), WAIT_UNINTERRUPTIBLE, 60);
	KT_ASSERT(kt, t != NULL);
	wait_started(&ww[0]);
	task_kick_task(t);
	task_join_raw(t);
	KT_EXPECT_EQ(kt, ww[0].result, -ETIMEDOUT);
	KT_EXPECT_EQ(kt, ww[0].idx, 1u); /* kicked, but the wait did not care */
	KT_EXPECT_EQ(kt, ww[0].a, 0x102ull);
}

/* No kick is lost against a wait that is on its way to sleep: 200 rounds, the kicker on the
 * other CPU kicks as soon as it sees the round start; a lost kick would time out (2 s). */
static u32 wt_round;
static void round_waiter(struct tworker *w)
{
	for (u32 r = 1; r <= 200; r++) {
		task_kick_clear();
		/* SAFETY: a static test counter, only touched atomically. */
		__atomic_store_n(&wt_round, r, __ATOMIC_SEQ_CST);
		int e = WAITQ_WAIT_EVENT(&wt_q, false, fw_time_ns() + 2 * FW_NSEC_PER_SEC,
					 WAIT_INTERRUPTIBLE);
		if (e != -EINTR)
			w->b++;
		/* SAFETY: as above; wait for the kicker to have finished this round */
		while (__atomic_load_n(&w->c, __ATOMIC_SEQ_CST) < r)
			task_yield();
	}
}

KTEST(wait, no_kick_is_lost_against_a_sleeping_waiter)
{
	waitq_init(&wt_q);
	wt_round = 0;
	struct task *t = tw_spawn_args(&ww[1], round_waiter, 1, tw_other_cpu(), 0, 0);
	KT_ASSERT(kt, t != NULL);
	for (u32 r = 1; r <= 200; r++) {
		/* SAFETY: the counters of round_waiter, only touched atomically. */
		while (__atomic_load_n(&wt_round, __ATOMIC_SEQ_CST) < r)
			task_yield();
		task_kick_task(t);
		__atomic_store_n(&ww[1].c, r, __ATOMIC_SEQ_CST);
	}
	task_join_raw(t);
	KT_EXPECT_EQ(kt, ww[1].b, 0u);
}

static void sleeper(struct tworker *w)
{
	u64 t0 = fw_time_ns();
	w->result = task_sleep_until(t0 + w->c * FW_NSEC_PER_MSEC, (unsigned)w->b);
	w->a = fw_time_ns() - t0;
	task_kick_clear();
}

KTEST(wait, sleep_until_ends_at_the_deadline_or_a_kick)
{
	u64 t0 = fw_time_ns();
	KT_EXPECT_EQ(kt, task_sleep_until(t0 + 12 * FW_NSEC_PER_MSEC, WAIT_INTERRUPTIBLE), 0);
	KT_EXPECT_GE(kt, fw_time_ns(), t0 + 12 * FW_NSEC_PER_MSEC);
	/* a minute: only the kick ends it within the test's time */
	struct task *t = tw_spawn_args(&ww[2], sleeper, 2, tw_other_cpu(), WAIT_INTERRUPTIBLE, 60000);
	KT_ASSERT(kt, t != NULL);
	task_sleep_ms(10);
	task_kick_task(t);
	task_join_raw(t);
	KT_EXPECT_EQ(kt, ww[2].result, -EINTR);
}

/* ---- fw_timer ---------------------------------------------------------------------------- */
struct wt_alarm {
	struct callback fire;
	struct fw_timer timer;
	u32 runs;
	u64 at;
};
DEFINE_SUBTYPE(wt_alarm_fire, struct wt_alarm, fire, struct callback, tag);
static void wt_alarm_ring(struct wt_alarm *a)
{
	a->runs++;
	a->at = fw_time_ns();
}
DEFINE_SUBTYPE_CALLBACK(wt_alarm_fire, struct callback, wt_alarm_ring);

static struct wt_alarm wt_alarms[2];

static void alarm_init(struct wt_alarm *a)
{
	wt_alarm_fire_init(a);
	callback_set(&a->fire, SUBTYPE_CALLBACK(wt_alarm_fire, wt_alarm_ring));
	fw_timer_init(&a->timer, &a->fire);
	a->runs = 0;
	a->at = 0;
}

KTEST(wait, timers_fire_once_not_early_and_cancel)
{
	struct wt_alarm *a = &wt_alarms[0], *b = &wt_alarms[1];
	alarm_init(a);
	alarm_init(b);
	u64 t0 = fw_time_ns();
	fw_timer_arm(&a->timer, t0 + 8 * FW_NSEC_PER_MSEC);
	fw_timer_arm(&b->timer, t0 + 4 * FW_NSEC_PER_MSEC);
	fw_timer_arm(&b->timer, t0 + 10 * FW_NSEC_PER_SEC); /* re-armed: moves far away */
	/* A loaded host can stop this virtual CPU for milliseconds between the two arms: then b's
	 * first deadline passed while it was armed and it may rightly have fired once (make
	 * test's ktest-max saw b->runs == 1). Its "moved" check needs the re-arm in time. */
	bool rearmed_in_time = fw_time_ns() < t0 + 4 * FW_NSEC_PER_MSEC;
	KT_EXPECT(kt, fw_timer_pending(&a->timer));
	task_sleep_ms(20);
	KT_EXPECT_EQ(kt, a->runs, 1u);
	KT_EXPECT_GE(kt, a->at, t0 + 8 * FW_NSEC_PER_MSEC);
	KT_EXPECT(kt, !fw_timer_pending(&a->timer));
	if (rearmed_in_time)
		KT_EXPECT_EQ(kt, b->runs, 0u); /* not at its first deadline: it moved */
	KT_EXPECT_LE(kt, b->runs, 1u);
	u32 b_early = b->runs;
	KT_EXPECT(kt, fw_timer_cancel(&b->timer));
	KT_EXPECT(kt, !fw_timer_cancel(&b->timer));
	task_sleep_ms(20);
	KT_EXPECT_EQ(kt, b->runs, b_early); /* cancelled: never ran again */
	KT_EXPECT_EQ(kt, a->runs, 1u); /* once per arming */
}
