/*
 * rwlock.c — spinning reader-writer locks (fw/sync.h).
 *
 * `state` > 0 counts readers, -1 means a writer holds it. A writer that has to wait raises
 * `writers_waiting`, which stops new readers from entering, so a stream of readers cannot
 * starve writers. Preemption is off while held (readers and writers alike). Readers are
 * tracked for the lock order like any lock (a read-then-write inversion deadlocks as well).
 */
#include <fw/sync.h>

#include "internal/panic_internal.h"
#include "internal/rawlock.h"
#include "internal/task.h"

void __fw_rwlock_init(struct rwlock *l, struct lock_class *cls)
{
	/* SAFETY: atomic loads of the lock's own words, which only its functions write. */
	FW_CHECK(__atomic_load_n(&l->state, __ATOMIC_ACQUIRE) == 0 &&
			 __atomic_load_n(&l->writers_waiting, __ATOMIC_ACQUIRE) == 0,
		 "rwlock_init of a rwlock that is held or waited for");
	l->state = 0;
	l->writers_waiting = 0;
	l->writer = NULL;
	l->cls = cls;
}

void read_lock(struct rwlock *l) NO_THREAD_SAFETY_ANALYSIS
{
	/* SAFETY: l is a live rwlock; state (readers > 0, writer -1) and writers_waiting change
	 * only through these __atomic builtins; the CAS admits a reader only while no writer holds
	 * or waits. The return address (this frame's) is lockdep's acquire site. */
	preempt_disable();
	lockdep_acquire(l, lock_class_of(l),
			(u64)(uintptr_t)__builtin_return_address(0), false);
	for (;;) {
		i32 s = __atomic_load_n(&l->state, __ATOMIC_RELAXED);
		if (s >= 0 && !__atomic_load_n(&l->writers_waiting, __ATOMIC_RELAXED) &&
		    __atomic_compare_exchange_n(&l->state, &s, s + 1, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		cpu_pause();
		cpu_poll_work();
	}
}

void read_unlock(struct rwlock *l) NO_THREAD_SAFETY_ANALYSIS
{
	/* SAFETY: state > 0 is checked first (panic otherwise), so the decrement drops this
	 * reader's own count. */
	if (__atomic_load_n(&l->state, __ATOMIC_RELAXED) <= 0)
		panic_message("read_unlock: not read-locked");
	lockdep_release(l);
	__atomic_fetch_sub(&l->state, 1, __ATOMIC_RELEASE);
	preempt_enable();
}

void write_lock(struct rwlock *l) NO_THREAD_SAFETY_ANALYSIS
{
	/* SAFETY: atomics on the fields of a live rwlock; the CAS 0 -> -1 admits one writer only
	 * when no reader or writer holds it; writers_waiting is a count each writer raises once
	 * and drops once. */
	preempt_disable();
	struct task *me = task_current();
	if (me && __atomic_load_n(&l->writer, __ATOMIC_RELAXED) == me)
		panic_message("write_lock: recursive acquisition (self-deadlock)");
	lockdep_acquire(l, lock_class_of(l),
			(u64)(uintptr_t)__builtin_return_address(0), false);
	bool waiting = false;
	for (;;) {
		i32 zero = 0;
		if (__atomic_compare_exchange_n(&l->state, &zero, -1, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			break;
		/* SAFETY: writers_waiting is raised once per waiting writer and dropped by that
		 * same writer below. */
		if (!waiting) {
			__atomic_fetch_add(&l->writers_waiting, 1, __ATOMIC_RELAXED);
			waiting = true;
		}
		cpu_pause();
		cpu_poll_work();
	}
	/* SAFETY: drops the count this writer raised; writer is stored only by the holder (state
	 * == -1). */
	if (waiting)
		__atomic_fetch_sub(&l->writers_waiting, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&l->writer, me, __ATOMIC_RELAXED);
}

void write_unlock(struct rwlock *l) NO_THREAD_SAFETY_ANALYSIS
{
	/* SAFETY: the checks panic unless the caller holds the write lock, so it alone clears
	 * writer and releases state with a release store. */
	if (__atomic_load_n(&l->writer, __ATOMIC_RELAXED) != task_current() ||
	    __atomic_load_n(&l->state, __ATOMIC_RELAXED) != -1)
		panic_message("write_unlock: not write-locked by the caller");
	__atomic_store_n(&l->writer, NULL, __ATOMIC_RELAXED);
	lockdep_release(l);
	__atomic_store_n(&l->state, 0, __ATOMIC_RELEASE);
	preempt_enable();
}

bool rwlock_held(const struct rwlock *l)
{
	/* SAFETY: a relaxed atomic read of writer; it equals me only if this task holds the write
	 * lock. */
	struct task *me = task_current();
	return me && __atomic_load_n(&l->writer, __ATOMIC_RELAXED) == me;
}
