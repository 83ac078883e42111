/*
 * sync_test.c — ktests of the locks (suite `sync`): spinlocks, IRQ-disabling spinlocks,
 * mutexes, rwlocks, rwsems and wait queues under contention from tasks on every CPU; held-lock
 * tracking; the lock-order check (direct and transitive inversions, reported once); the
 * sleeping-while-atomic report; the per-CPU guard.
 */
#include <fw/ktest.h>
#include <fw/preempt.h>
#include <fw/sync.h>
#include <fw/task.h>
#include <fw/time.h>

#include "internal/ktest_task.h"
#include "internal/printk.h"
#include "internal/rawlock.h"
#include "internal/task.h"

static struct tworker workers[16];

KTEST(sync, spin_basic_and_tracking)
{
	static struct spinlock a = SPINLOCK_INIT(test_a);
	struct spinlock *pa = &a;
	u32 before = preempt_count();
	KT_EXPECT_EQ(kt, task_locks_held(), 0u);
	spin_lock(pa);
	KT_EXPECT(kt, spinlock_held(pa));
	KT_EXPECT_EQ(kt, preempt_count(), before + 1);
	KT_EXPECT_EQ(kt, task_locks_held(), 1u);
	KT_EXPECT(kt, !spin_trylock(pa));
	spin_unlock(pa);
	KT_EXPECT(kt, !spinlock_held(pa));
	KT_EXPECT_EQ(kt, preempt_count(), before);
	KT_EXPECT(kt, spin_trylock(pa));
	KT_EXPECT(kt, spinlock_held(pa));
	spin_unlock(pa);
	KT_EXPECT_EQ(kt, task_locks_held(), 0u);
}

KTEST(sync, spin_irqsave_disables_interrupts)
{
	static struct spinlock l = SPINLOCK_INIT(test_irq);
	KT_ASSERT(kt, irqs_enabled());
	struct irq_state s = spin_lock_irqsave(&l);
	KT_EXPECT(kt, !irqs_enabled());
	KT_EXPECT(kt, in_atomic());
	spin_unlock_irqrestore(&l, s);
	KT_EXPECT(kt, irqs_enabled());
	KT_EXPECT(kt, !in_atomic());
}

KTEST(sync, held_locks_released_out_of_order)
{
	static struct spinlock a = SPINLOCK_INIT(ooo_a), b = SPINLOCK_INIT(ooo_b);
	static struct mutex m;
	mutex_init(&m);
	mutex_lock(&m);
	spin_lock(&a);
	spin_lock(&b);
	KT_EXPECT_EQ(kt, task_locks_held(), 3u);
	KT_EXPECT(kt, mutex_held(&m));
	spin_unlock(&a); /* not the innermost: allowed, tracked */
	KT_EXPECT_EQ(kt, task_locks_held(), 2u);
	KT_EXPECT(kt, spinlock_held(&b) && !spinlock_held(&a));
	spin_unlock(&b);
	mutex_unlock(&m);
	KT_EXPECT_EQ(kt, task_locks_held(), 0u);
	KT_EXPECT(kt, !mutex_held(&m));
}

/* lockdep=0: the lock functions record held locks inline (lockdep_note_acquire/_release);
 * nesting, a release out of order and a trylock are tracked as with the check on. The flag is
 * flipped for this test only (other CPUs meanwhile take locks unchecked: harmless). */
KTEST(sync, held_locks_tracked_without_the_order_check)
{
	static struct spinlock a = SPINLOCK_INIT(noord_a), b = SPINLOCK_INIT(noord_b);
	static struct mutex m;
	mutex_init(&m);
	/* SAFETY: relaxed atomic accesses of the boot-time flag, put back below. */
	bool was = __atomic_load_n(&lockdep_order_check, __ATOMIC_RELAXED);
	__atomic_store_n(&lockdep_order_check, false, __ATOMIC_RELAXED);
	mutex_lock(&m);
	spin_lock(&a);
	KT_EXPECT(kt, spin_trylock(&b));
	KT_EXPECT_EQ(kt, task_locks_held(), 3u);
	KT_EXPECT(kt, lockdep_holds(&m) && lockdep_holds(&a) && lockdep_holds(&b));
	spin_unlock(&a); /* out of order: the slow path removes it from the middle */
	KT_EXPECT_EQ(kt, task_locks_held(), 2u);
	KT_EXPECT(kt, !lockdep_holds(&a) && lockdep_holds(&b) && lockdep_holds(&m));
	spin_unlock(&b);
	mutex_unlock(&m);
	KT_EXPECT_EQ(kt, task_locks_held(), 0u);
	/* SAFETY: as above. */
	__atomic_store_n(&lockdep_order_check, was, __ATOMIC_RELAXED);
}

/* ---- contention ------------------------------------------------------------------------- */

static struct spinlock cnt_lock = SPINLOCK_INIT(cnt_lock);
static u64 cnt_value;
static u32 cnt_cpu_seen[FW_MAX_CPUS];

static void spin_adder(struct tworker *w)
{
	/* 1000 each: with two vCPUs on a loaded host, a holder whose vCPU the host deschedules
	 * keeps the other spinning; 4000 each took over the 10 s test limit at load 17 */
	for (u32 i = 0; i < 1000; i++) {
		struct irq_state s = spin_lock_irqsave(&cnt_lock);
		u64 v = cnt_value;
		cpu_pause();
		cnt_value = v + 1;
		spin_unlock_irqrestore(&cnt_lock, s);
	}
	/* SAFETY: cpu_this_id() < FW_MAX_CPUS, the length of cnt_cpu_seen, read with preemption
	 * disabled (the guard it requires); the increment is atomic since workers on other CPUs
	 * add too. */
	preempt_disable();
	__atomic_fetch_add(&cnt_cpu_seen[cpu_this_id()], 1, __ATOMIC_RELAXED);
	preempt_enable();
	(void)w;
}

KTEST(sync, spinlock_contention_across_cpus)
{
	cnt_value = 0;
	for (u32 i = 0; i < FW_MAX_CPUS; i++)
		cnt_cpu_seen[i] = 0;
	struct task *t[4];
	/* SAFETY: i < 4 <= 16, the length of workers. */
	for (u32 i = 0; i < 4; i++) {
		t[i] = tw_spawn(&workers[i], spin_adder, i, i % cpu_count());
		KT_ASSERT(kt, t[i] != NULL);
	}
	for (u32 i = 0; i < 4; i++)
		task_join_raw(t[i]);
	KT_EXPECT_EQ(kt, cnt_value, 4000ull);
	if (cpu_count() > 1)
		KT_EXPECT(kt, cnt_cpu_seen[0] > 0 && cnt_cpu_seen[1] > 0);
}

static struct mutex mtx;
static u64 mtx_value;
static u32 mtx_inside;
static u32 mtx_overlap;

static void mutex_adder(struct tworker *w)
{
	for (u32 i = 0; i < 300; i++) {
		/* SAFETY: mtx_inside and mtx_overlap are static test counters; the atomics are
		 * their only accesses. */
		mutex_lock(&mtx);
		if (__atomic_add_fetch(&mtx_inside, 1, __ATOMIC_SEQ_CST) != 1)
			__atomic_fetch_add(&mtx_overlap, 1, __ATOMIC_RELAXED);
		u64 v = mtx_value;
		if (i % 16 == 0)
			task_yield(); /* sleeping-capable section: others queue up meanwhile */
		mtx_value = v + 1;
		__atomic_sub_fetch(&mtx_inside, 1, __ATOMIC_SEQ_CST);
		mutex_unlock(&mtx);
	}
	(void)w;
}

KTEST(sync, mutex_contention_with_sleeping_holders)
{
	mutex_init(&mtx);
	mtx_value = 0;
	mtx_overlap = 0;
	struct task *t[8];
	/* SAFETY: i < 8 <= 16, the length of workers. */
	for (u32 i = 0; i < 8; i++) {
		t[i] = tw_spawn(&workers[i], mutex_adder, i, TASK_ANY_CPU);
		KT_ASSERT(kt, t[i] != NULL);
	}
	for (u32 i = 0; i < 8; i++)
		task_join_raw(t[i]);
	KT_EXPECT_EQ(kt, mtx_value, 2400ull);
	KT_EXPECT_EQ(kt, mtx_overlap, 0u);
	KT_EXPECT(kt, !mutex_held(&mtx));
}

/* The mutex's unlock wakes the head of its queue without handing the mutex over: the holder
 * may take it again at once (no convoy), and the woken waiter, beaten, sleeps until the next
 * unlock wakes it again (no lost wake-up). */
static struct mutex mb;
static u32 mb_waiter_entered;

static void mb_waiter(struct tworker *w)
{
	mutex_lock(&mb);
	/* SAFETY: an atomic store to the static test flag. */
	__atomic_store_n(&mb_waiter_entered, 1, __ATOMIC_SEQ_CST);
	mutex_unlock(&mb);
	(void)w;
}

KTEST(sync, mutex_unlock_and_retake_then_the_woken_waiter_enters)
{
	mutex_init(&mb);
	mb_waiter_entered = 0;
	mutex_lock(&mb);
	struct task *w = tw_spawn(&workers[0], mb_waiter, 0, task_cpu());
	KT_ASSERT(kt, w != NULL);
	task_sleep_ms(20); /* the waiter queues and sleeps */
	mutex_unlock(&mb); /* wakes it */
	mutex_lock(&mb);   /* taken again before it runs */
	/* SAFETY: an atomic read of the static test flag. */
	KT_EXPECT_EQ(kt, __atomic_load_n(&mb_waiter_entered, __ATOMIC_SEQ_CST), 0u);
	task_sleep_ms(20); /* it ran, lost, and sleeps again */
	KT_EXPECT_EQ(kt, __atomic_load_n(&mb_waiter_entered, __ATOMIC_SEQ_CST), 0u);
	mutex_unlock(&mb); /* wakes it again */
	task_join_raw(w);
	KT_EXPECT_EQ(kt, mb_waiter_entered, 1u);
	KT_EXPECT(kt, !mutex_held(&mb));
}

static struct rwlock rw;
static u64 rw_x, rw_y;
static u32 rw_torn;

static void rw_reader(struct tworker *w)
{
	for (u32 i = 0; i < 3000; i++) {
		read_lock(&rw);
		/* SAFETY: rw_torn is a static test counter, only incremented atomically. */
		if (rw_x != rw_y)
			__atomic_fetch_add(&rw_torn, 1, __ATOMIC_RELAXED);
		read_unlock(&rw);
	}
	(void)w;
}

static void rw_writer(struct tworker *w)
{
	for (u32 i = 0; i < 1500; i++) {
		write_lock(&rw);
		rw_x++;
		cpu_pause();
		rw_y++;
		write_unlock(&rw);
	}
	(void)w;
}

KTEST(sync, rwlock_readers_never_see_a_torn_write)
{
	rwlock_init(&rw);
	rw_x = rw_y = 0;
	rw_torn = 0;
	struct task *t[4];
	t[0] = tw_spawn(&workers[0], rw_writer, 0, 0);
	t[1] = tw_spawn(&workers[1], rw_reader, 1, tw_other_cpu());
	t[2] = tw_spawn(&workers[2], rw_reader, 2, 0);
	t[3] = tw_spawn(&workers[3], rw_writer, 3, tw_other_cpu());
	for (u32 i = 0; i < 4; i++)
		KT_ASSERT(kt, t[i] != NULL);
	for (u32 i = 0; i < 4; i++)
		task_join_raw(t[i]);
	KT_EXPECT_EQ(kt, rw_torn, 0u);
	KT_EXPECT_EQ(kt, rw_x, 3000ull);
	KT_EXPECT_EQ(kt, rw_y, 3000ull);
}

/* ---- rwsem ------------------------------------------------------------------------------- */

static struct rwsem rs;
static u64 rs_x, rs_y;
static u32 rs_torn, rs_readers_in, rs_readers_max, rs_writer_overlap;

/* readers sleep inside (task_yield) so that others queue behind them; a reader counts how
 * many readers are inside at once (several: sharing works) and whether a writer's two words
 * ever disagree (a torn write: exclusion failed) */
static void rs_reader(struct tworker *w)
{
	/* SAFETY: the rs_* words are static test state: readers touch the counters only with
	 * atomics; rs_x and rs_y are written by writers, which exclude readers. */
	for (u32 i = 0; i < 400; i++) {
		down_read(&rs);
		u32 in = __atomic_add_fetch(&rs_readers_in, 1, __ATOMIC_SEQ_CST);
		u32 m = __atomic_load_n(&rs_readers_max, __ATOMIC_RELAXED);
		while (in > m && !__atomic_compare_exchange_n(&rs_readers_max, &m, in, false,
							      __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
		u64 x = rs_x;
		if (i % 8 == 0)
			task_yield();
		/* SAFETY: atomics on the static test counters (see above). */
		if (x != rs_x || rs_x != rs_y)
			__atomic_fetch_add(&rs_torn, 1, __ATOMIC_RELAXED);
		/* SAFETY: as above. */
		__atomic_sub_fetch(&rs_readers_in, 1, __ATOMIC_SEQ_CST);
		up_read(&rs);
	}
	(void)w;
}

static void rs_writer(struct tworker *w)
{
	/* SAFETY: as rs_reader. */
	for (u32 i = 0; i < 200; i++) {
		down_write(&rs);
		if (__atomic_load_n(&rs_readers_in, __ATOMIC_SEQ_CST))
			__atomic_fetch_add(&rs_writer_overlap, 1, __ATOMIC_RELAXED);
		rs_x++;
		if (i % 8 == 0)
			task_yield();
		rs_y++;
		up_write(&rs);
	}
	(void)w;
}

KTEST(sync, rwsem_readers_share_and_writers_exclude_while_sleeping)
{
	rwsem_init(&rs);
	rs_x = rs_y = 0;
	rs_torn = rs_readers_in = rs_readers_max = rs_writer_overlap = 0;
	struct task *t[6];
	/* SAFETY: i < 6 <= 16, the length of workers. */
	for (u32 i = 0; i < 6; i++) {
		t[i] = tw_spawn(&workers[i], i % 3 == 0 ? rs_writer : rs_reader, i, TASK_ANY_CPU);
		KT_ASSERT(kt, t[i] != NULL);
	}
	for (u32 i = 0; i < 6; i++)
		task_join_raw(t[i]);
	KT_EXPECT_EQ(kt, rs_torn, 0u);
	KT_EXPECT_EQ(kt, rs_writer_overlap, 0u);
	KT_EXPECT_EQ(kt, rs_x, 400ull);
	KT_EXPECT_EQ(kt, rs_y, 400ull);
	KT_EXPECT(kt, rs_readers_max >= 2u); /* readers were inside together */
	KT_EXPECT(kt, !rwsem_held(&rs));
}

/* The order test: the main task holds the lock for reading; a writer queues; a reader that
 * comes after it must not slip past the queued writer (it would starve writers), and enters
 * only after the writer is done. Each worker appends its index to rs_order. */
static u32 rs_order[4], rs_norder;

static void rs_note(u32 who)
{
	/* SAFETY: rs_norder indexes rs_order below its length of 4 (checked); atomics only. */
	u32 n = __atomic_fetch_add(&rs_norder, 1, __ATOMIC_SEQ_CST);
	if (n < 4)
		__atomic_store_n(&rs_order[n], who, __ATOMIC_SEQ_CST);
}

static void rs_late_writer(struct tworker *w)
{
	down_write(&rs);
	rs_note(1);
	up_write(&rs);
	(void)w;
}

static void rs_late_reader(struct tworker *w)
{
	down_read(&rs);
	rs_note(2);
	up_read(&rs);
	(void)w;
}

KTEST(sync, rwsem_queued_writer_holds_off_later_readers)
{
	rwsem_init(&rs);
	rs_norder = 0;
	down_read(&rs);
	KT_EXPECT(kt, rwsem_held(&rs));
	KT_EXPECT(kt, !rwsem_write_held(&rs));
	struct task *w = tw_spawn(&workers[0], rs_late_writer, 0, TASK_ANY_CPU);
	KT_ASSERT(kt, w != NULL);
	task_sleep_ms(20); /* the writer queues behind this reader */
	struct task *r = tw_spawn(&workers[1], rs_late_reader, 1, TASK_ANY_CPU);
	KT_ASSERT(kt, r != NULL);
	task_sleep_ms(20); /* the reader queues behind the writer, not beside this reader */
	/* SAFETY: an atomic read of the static test counter rs_norder. */
	KT_EXPECT_EQ(kt, __atomic_load_n(&rs_norder, __ATOMIC_SEQ_CST), 0u);
	up_read(&rs);
	task_join_raw(w);
	task_join_raw(r);
	KT_EXPECT_EQ(kt, rs_norder, 2u);
	KT_EXPECT_EQ(kt, rs_order[0], 1u); /* the writer first */
	KT_EXPECT_EQ(kt, rs_order[1], 2u);
	down_write(&rs);
	KT_EXPECT(kt, rwsem_held(&rs));
	KT_EXPECT(kt, rwsem_write_held(&rs));
	up_write(&rs);
	KT_EXPECT(kt, !rwsem_held(&rs));
}

/* No hand-off: a writer that releases while another waits and takes the lock again at once
 * gets it (the woken waiter retries later) instead of sleeping until the waiter has run (a
 * hand-off made every contended acquisition cost a wake-up: a lock convoy). The waiter
 * shares the test's CPU, so it cannot run between the release and the retake. */
static u32 rs_waiter_entered;

static void rs_waiting_writer(struct tworker *w)
{
	down_write(&rs);
	/* SAFETY: an atomic store to the static test flag. */
	__atomic_store_n(&rs_waiter_entered, 1, __ATOMIC_SEQ_CST);
	up_write(&rs);
	(void)w;
}

KTEST(sync, rwsem_release_and_retake_does_not_wait_for_the_woken)
{
	rwsem_init(&rs);
	rs_waiter_entered = 0;
	down_write(&rs);
	struct task *w = tw_spawn(&workers[0], rs_waiting_writer, 0, task_cpu());
	KT_ASSERT(kt, w != NULL);
	task_sleep_ms(20); /* the waiter queues and sleeps */
	up_write(&rs);     /* wakes it */
	down_write(&rs);   /* taken again before it runs */
	/* SAFETY: an atomic read of the static test flag. */
	KT_EXPECT_EQ(kt, __atomic_load_n(&rs_waiter_entered, __ATOMIC_SEQ_CST), 0u);
	up_write(&rs);
	task_join_raw(w);
	KT_EXPECT_EQ(kt, rs_waiter_entered, 1u);
}

static void rs_up_write_not_held(void) NO_THREAD_SAFETY_ANALYSIS
{
	static struct rwsem l = RWSEM_INIT(rs_unheld);
	up_write(&l); /* never taken */
}

KTEST(sync, rwsem_up_write_not_held_stops)
{
	struct ktest_trap tr;
	ktest_expect_trap(kt, rs_up_write_not_held, &tr);
	KT_EXPECT_EQ(kt, tr.kind, KTEST_TRAP_PANIC);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "not held for writing by the caller"));
}

/* ---- wait queues ------------------------------------------------------------------------ */

static struct waitq ping_q, pong_q;
static u32 ball; /* even: ping's turn, odd: pong's */

/* ping waits on ping_q for an even ball, then hands over through pong_q; pong the reverse */
static void pinger(struct tworker *w)
{
	/* SAFETY: ball is a static word shared by pinger and ponger, touched only with atomics. */
	for (u32 i = 0; i < 150; i++) {
		WAITQ_WAIT(&ping_q, __atomic_load_n(&ball, __ATOMIC_ACQUIRE) % 2 == 0);
		__atomic_fetch_add(&ball, 1, __ATOMIC_RELEASE);
		waitq_wake_all(&pong_q);
	}
	(void)w;
}

static void ponger(struct tworker *w)
{
	/* SAFETY: ball is a static word shared by pinger and ponger, touched only with atomics. */
	for (u32 i = 0; i < 150; i++) {
		WAITQ_WAIT(&pong_q, __atomic_load_n(&ball, __ATOMIC_ACQUIRE) % 2 == 1);
		__atomic_fetch_add(&ball, 1, __ATOMIC_RELEASE);
		waitq_wake_all(&ping_q);
	}
	(void)w;
}

KTEST(sync, waitq_ping_pong_across_cpus_loses_no_wakeup)
{
	waitq_init(&ping_q);
	waitq_init(&pong_q);
	ball = 0;
	struct task *a = tw_spawn(&workers[0], pinger, 0, 0);
	KT_ASSERT(kt, a != NULL);
	struct task *b = tw_spawn(&workers[1], ponger, 1, tw_other_cpu());
	KT_ASSERT(kt, b != NULL);
	task_join_raw(a);
	task_join_raw(b);
	KT_EXPECT_EQ(kt, ball, 300u);
}


static struct waitq tok_q;
static struct spinlock tok_lock = SPINLOCK_INIT(tok_lock);
static u32 tokens, consumed;

static void consumer(struct tworker *w)
{
	/* SAFETY: tokens and consumed are static test counters, read atomically (updated under
	 * tok_lock). */
	for (;;) {
		WAITQ_WAIT(&tok_q, __atomic_load_n(&tokens, __ATOMIC_ACQUIRE) > 0 ||
					   __atomic_load_n(&consumed, __ATOMIC_ACQUIRE) >= 3000);
		spin_lock(&tok_lock);
		if (tokens > 0) {
			tokens--;
			consumed++;
			w->a++;
		}
		bool done = consumed >= 3000;
		spin_unlock(&tok_lock);
		if (done)
			break;
	}
	waitq_wake_all(&tok_q); /* let the other consumers see the end */
}

static void producer(struct tworker *w)
{
	for (u32 i = 0; i < 1500; i++) {
		spin_lock(&tok_lock);
		tokens++;
		spin_unlock(&tok_lock);
		waitq_wake_one(&tok_q);
		if (i % 64 == 0)
			task_yield();
	}
	(void)w;
}

KTEST(sync, waitq_producers_consumers_wake_races)
{
	waitq_init(&tok_q);
	tokens = consumed = 0;
	struct task *t[6];
	/* SAFETY: i < 4 <= 16, the length of workers. */
	for (u32 i = 0; i < 4; i++)
		t[i] = tw_spawn(&workers[i], consumer, i, i % cpu_count());
	t[4] = tw_spawn(&workers[4], producer, 4, 0);
	t[5] = tw_spawn(&workers[5], producer, 5, tw_other_cpu());
	for (u32 i = 0; i < 6; i++)
		KT_ASSERT(kt, t[i] != NULL);
	for (u32 i = 0; i < 6; i++)
		task_join_raw(t[i]);
	KT_EXPECT_EQ(kt, consumed, 3000u);
	KT_EXPECT_EQ(kt, tokens, 0u);
	KT_EXPECT_EQ(kt, workers[0].a + workers[1].a + workers[2].a + workers[3].a, 3000ull);
}

struct wake_probe {
	struct wait_entry entry;
	u32 calls;
};
DEFINE_SUBTYPE(wake_probe_e, struct wake_probe, entry, struct wait_entry, tag);
static void wake_probe_fn(struct wait_entry *e)
{
	wake_probe_e_from(e)->calls++;
}

KTEST(sync, waitq_callback_entries_run_on_wake)
{
	static struct waitq q;
	static struct wake_probe p;
	waitq_init(&q);
	wake_probe_e_init(&p);
	p.calls = 0;
	waitq_add_entry(&q, &p.entry, wake_probe_fn);
	u32 woken_all = waitq_wake_all(&q), woken_one = waitq_wake_one(&q);
	KT_EXPECT_EQ(kt, woken_all, 0u); /* no tasks queued, only the entry */
	KT_EXPECT_EQ(kt, woken_one, 0u);
	KT_EXPECT_EQ(kt, p.calls, 2u);
	waitq_remove_entry(&q, &p.entry);
	waitq_wake_all(&q);
	KT_EXPECT_EQ(kt, p.calls, 2u);
}

struct excl_probe {
	struct wait_entry entry;
	u32 calls;
	bool accept; /* what the callback answers */
};
DEFINE_SUBTYPE(excl_probe_e, struct excl_probe, entry, struct wait_entry, tag);
static bool excl_probe_fn(struct wait_entry *e)
{
	struct excl_probe *p = excl_probe_e_from(e);
	p->calls++;
	return p->accept;
}

KTEST(sync, waitq_exclusive_entries_stop_at_the_first_taker)
{
	static struct waitq q;
	static struct excl_probe a, b, c;
	static struct wake_probe plain;
	waitq_init(&q);
	excl_probe_e_init(&a);
	excl_probe_e_init(&b);
	excl_probe_e_init(&c);
	wake_probe_e_init(&plain);
	a.calls = b.calls = c.calls = plain.calls = 0;
	a.accept = false; /* no waiter: the wake goes on to the next exclusive entry */
	b.accept = true;
	c.accept = true;
	waitq_add_exclusive_entry(&q, &a.entry, excl_probe_fn);
	waitq_add_exclusive_entry(&q, &b.entry, excl_probe_fn);
	waitq_add_exclusive_entry(&q, &c.entry, excl_probe_fn);
	waitq_add_entry(&q, &plain.entry, wake_probe_fn); /* after them, yet always called */
	waitq_wake_all(&q);
	KT_EXPECT_EQ(kt, a.calls, 1u);
	KT_EXPECT_EQ(kt, b.calls, 1u);
	KT_EXPECT_EQ(kt, c.calls, 0u);
	KT_EXPECT_EQ(kt, plain.calls, 1u);
	b.accept = false;
	waitq_wake_one(&q);
	KT_EXPECT_EQ(kt, c.calls, 1u);
	KT_EXPECT_EQ(kt, plain.calls, 2u);
	waitq_remove_entry(&q, &a.entry);
	waitq_remove_entry(&q, &b.entry);
	waitq_remove_entry(&q, &c.entry);
	waitq_remove_entry(&q, &plain.entry);
}

/* ---- misuse detection ------------------------------------------------------------------- */

/* Issue #13 (hostile pass on exclusive entries): an entry is on one queue at a time. Removing
 * it through another queue once unlinked it under the wrong lock while its own queue's wakers
 * walked the list; adding it to a second queue changed its callback under the wrong lock. */
static struct waitq other_q_a, other_q_b;
static struct excl_probe other_e;
static void remove_through_the_wrong_queue(void)
{
	waitq_remove_entry(&other_q_b, &other_e.entry);
}
static void add_to_a_second_queue(void)
{
	waitq_add_exclusive_entry(&other_q_b, &other_e.entry, excl_probe_fn);
}

KTEST(sync, waitq_entry_on_another_queue_stops)
{
	waitq_init(&other_q_a);
	waitq_init(&other_q_b);
	excl_probe_e_init(&other_e);
	other_e.calls = 0;
	other_e.accept = true;
	waitq_add_exclusive_entry(&other_q_a, &other_e.entry, excl_probe_fn);
	struct ktest_trap tr;
	ktest_expect_trap(kt, remove_through_the_wrong_queue, &tr);
	KT_EXPECT_EQ(kt, tr.kind, KTEST_TRAP_PANIC);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "the entry is on another queue"));
	ktest_expect_trap(kt, add_to_a_second_queue, &tr);
	KT_EXPECT_EQ(kt, tr.kind, KTEST_TRAP_PANIC);
	/* still on its own queue, and only there */
	waitq_wake_all(&other_q_b);
	KT_EXPECT_EQ(kt, other_e.calls, 0u);
	waitq_wake_all(&other_q_a);
	KT_EXPECT_EQ(kt, other_e.calls, 1u);
	waitq_remove_entry(&other_q_a, &other_e.entry);
	waitq_add_exclusive_entry(&other_q_b, &other_e.entry, excl_probe_fn); /* free again: fine */
	waitq_remove_entry(&other_q_b, &other_e.entry);
}

KTEST(sync, sleeping_while_atomic_is_reported_with_backtrace)
{
	static struct spinlock l = SPINLOCK_INIT(atomic_sleep_spin);
	static struct mutex m;
	mutex_init(&m);
	u64 before = might_sleep_reports();
	console_capture_start();
	spin_lock(&l);
	mutex_lock(&m); /* uncontended: reported, and does not really sleep */
	mutex_unlock(&m);
	spin_unlock(&l);
	console_capture_stop();
	KT_EXPECT_EQ(kt, might_sleep_reports(), before + 1);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "sleeping while atomic"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "atomic_sleep_spin"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "sync_test.c"));
	/* with interrupts off */
	irq_disable();
	might_sleep();
	irq_enable();
	KT_EXPECT_EQ(kt, might_sleep_reports(), before + 2);
	/* and not when sleeping is fine */
	might_sleep();
	KT_EXPECT_EQ(kt, might_sleep_reports(), before + 2);
}

KTEST(sync, lock_order_inversion_reported_once)
{
	static struct spinlock a = SPINLOCK_INIT(inv_a), b = SPINLOCK_INIT(inv_b);
	u64 before = lockdep_inversions();
	if (!lockdep_order_checking())
		KT_SKIP(kt, "lock-order checking is off (lockdep=0)");
	spin_lock(&a);
	spin_lock(&b); /* a -> b */
	spin_unlock(&b);
	spin_unlock(&a);
	KT_EXPECT_EQ(kt, lockdep_inversions(), before);
	console_capture_start();
	spin_lock(&b);
	spin_lock(&a); /* b -> a: inversion */
	spin_unlock(&a);
	spin_unlock(&b);
	console_capture_stop();
	KT_EXPECT_EQ(kt, lockdep_inversions(), before + 1);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "lock-order inversion"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "inv_a"));
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "first seen of the opposite order"));
	/* the same inversion again: not reported twice */
	spin_lock(&b);
	spin_lock(&a);
	spin_unlock(&a);
	spin_unlock(&b);
	KT_EXPECT_EQ(kt, lockdep_inversions(), before + 1);
}

KTEST(sync, lock_order_transitive_cycle_and_mixed_kinds)
{
	static struct spinlock a = SPINLOCK_INIT(cyc_a), c = SPINLOCK_INIT(cyc_c), d = SPINLOCK_INIT(cyc_d);
	static struct mutex m;
	mutex_init(&m);
	u64 before = lockdep_inversions();
	if (!lockdep_order_checking())
		KT_SKIP(kt, "lock-order checking is off (lockdep=0)");
	mutex_lock(&m); /* m -> a */
	spin_lock(&a);
	spin_unlock(&a);
	mutex_unlock(&m);
	spin_lock(&a); /* a -> c */
	spin_lock(&c);
	spin_unlock(&c);
	spin_unlock(&a);
	KT_EXPECT_EQ(kt, lockdep_inversions(), before);
	spin_lock(&c); /* c -> d */
	spin_lock(&d);
	spin_unlock(&d);
	spin_unlock(&c);
	spin_lock(&d); /* d -> a closes a -> c -> d -> a */
	spin_lock(&a);
	spin_unlock(&a);
	spin_unlock(&d);
	KT_EXPECT_EQ(kt, lockdep_inversions(), before + 1);
	/* trylock takes no order: no report */
	spin_lock(&c);
	KT_EXPECT(kt, spin_trylock(&a));
	spin_unlock(&a);
	spin_unlock(&c);
	KT_EXPECT_EQ(kt, lockdep_inversions(), before + 1);
}

static void unlock_not_held(void)
{
	static struct spinlock l = SPINLOCK_INIT(never_locked);
	spin_unlock(&l);
}

KTEST(sync, unlock_of_a_lock_not_held_stops)
{
	struct ktest_trap tr;
	ktest_expect_trap(kt, unlock_not_held, &tr);
	KT_EXPECT_EQ(kt, tr.kind, KTEST_TRAP_PANIC);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "not held by the caller"));
}

DEFINE_PER_CPU(test_hits, u64);

static void percpu_unguarded(void) NO_THREAD_SAFETY_ANALYSIS
{
	(*test_hits_this_cpu())++;
}

KTEST(sync, per_cpu_data_needs_a_guard)
{
	preempt_disable();
	u64 *p = test_hits_this_cpu();
	(*p)++;
	KT_EXPECT_EQ(kt, preempt_count() & 0xffffu, 1u);
	KT_EXPECT_EQ(kt, cpu_this_id(), 0u); /* the runner is the boot task, on CPU 0 */
	preempt_enable();
	KT_EXPECT_EQ(kt, *test_hits_of_cpu(0), 1ull);
	struct ktest_trap tr;
	ktest_expect_trap(kt, percpu_unguarded, &tr);
	KT_EXPECT_EQ(kt, tr.kind, KTEST_TRAP_PANIC);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "without a preemption guard"));
	KT_EXPECT_EQ(kt, *test_hits_of_cpu(0), 1ull);
}

/* Issue #13 class 9: the framework refuses to re-initialise a lock or queue in use, and to
 * queue a wait entry that lives on a stack (the queue would outlive the frame). */
static struct mutex reinit_m;
static void reinit_held_mutex(void)
{
	mutex_init(&reinit_m);
}

KTEST(sync, reinit_of_a_held_mutex_stops)
{
	mutex_init(&reinit_m);
	mutex_lock(&reinit_m);
	struct ktest_trap tr;
	ktest_expect_trap(kt, reinit_held_mutex, &tr);
	KT_EXPECT_EQ(kt, tr.kind, KTEST_TRAP_PANIC);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "mutex_init of a mutex that is held"));
	mutex_unlock(&reinit_m);
	mutex_init(&reinit_m); /* free again: allowed */
}

static struct spinlock reinit_s;
static void reinit_held_spinlock(void) NO_THREAD_SAFETY_ANALYSIS
{
	spin_lock_init(&reinit_s);
}

KTEST(sync, reinit_of_a_held_spinlock_stops)
{
	spin_lock_init(&reinit_s);
	/* taken by "another owner": a ticket handed out and not served. SAFETY: a test forging
	 * a waiter on a lock no task uses. */
	__atomic_store_n(&reinit_s.next, 1, __ATOMIC_RELEASE);
	struct ktest_trap tr;
	ktest_expect_trap(kt, reinit_held_spinlock, &tr);
	KT_EXPECT_EQ(kt, tr.kind, KTEST_TRAP_PANIC);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "spin_lock_init of a spinlock that is held"));
	/* SAFETY: the forged ticket taken back (the lock is unused). */
	__atomic_store_n(&reinit_s.next, 0, __ATOMIC_RELEASE);
}

static struct waitq reinit_q;
static void reinit_busy_waitq(void)
{
	waitq_init(&reinit_q);
}

static void stack_entry_queued(void)
{
	struct wake_probe on_stack;
	wake_probe_e_init(&on_stack);
	waitq_add_entry(&reinit_q, &on_stack.entry, wake_probe_fn);
}

KTEST(sync, reinit_of_a_busy_waitq_and_stack_entries_stop)
{
	static struct wake_probe p;
	waitq_init(&reinit_q);
	wake_probe_e_init(&p);
	waitq_add_entry(&reinit_q, &p.entry, wake_probe_fn);
	struct ktest_trap tr;
	ktest_expect_trap(kt, reinit_busy_waitq, &tr);
	KT_EXPECT_EQ(kt, tr.kind, KTEST_TRAP_PANIC);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "waitq_init of a wait queue that has sleepers or entries"));
	waitq_remove_entry(&reinit_q, &p.entry);
	ktest_expect_trap(kt, stack_entry_queued, &tr);
	KT_EXPECT_EQ(kt, tr.kind, KTEST_TRAP_PANIC);
	KT_EXPECT(kt, KT_REPORT_HAS(kt, "a wait entry on a stack"));
	waitq_init(&reinit_q); /* empty again: allowed */
}
