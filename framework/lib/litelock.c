/*
 * lib/litelock.c — struct litelock (fw/litelock.h): a test-and-set spinning lock whose word
 * holds the owner's token, so "held by me" is one load. The owner token comes from the port
 * (__fw_lock_owner). No fairness, no sleeping: it is the library's reference lock kind until
 * the sync layer's spinlocks and mutexes exist.
 *
 * SAFETY (every __atomic builtin below): the builtins act on the private lock word only,
 * with acquire ordering on taking the lock and release ordering on dropping it.
 */
#include <fw/litelock.h>

void litelock_lock(struct litelock *l) NO_THREAD_SAFETY_ANALYSIS
{
	uintptr_t me = __fw_lock_owner();
	/* SAFETY: atomic accesses to the lock word (see the top of this file). */
	FW_CHECK(__atomic_load_n(&l->owner, __ATOMIC_RELAXED) != me, "litelock: recursive lock");
	for (;;) {
		uintptr_t expect = 0;
		/* SAFETY: acquire CAS on the lock word. */
		if (__atomic_compare_exchange_n(&l->owner, &expect, me, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		/* SAFETY: a relaxed load of the lock word; pause is a spin-loop hint. */
		while (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) != 0)
			__builtin_ia32_pause();
	}
}

bool litelock_trylock(struct litelock *l) NO_THREAD_SAFETY_ANALYSIS
{
	uintptr_t expect = 0;
	/* SAFETY: acquire CAS on the lock word. */
	return __atomic_compare_exchange_n(&l->owner, &expect, __fw_lock_owner(), false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void litelock_unlock(struct litelock *l) NO_THREAD_SAFETY_ANALYSIS
{
	FW_CHECK(litelock_held(l), "litelock: unlock by a non-owner");
	/* SAFETY: release store on the lock word, by its owner (checked). */
	__atomic_store_n(&l->owner, 0, __ATOMIC_RELEASE);
}

void litelock_assert_held(const struct litelock *l) NO_THREAD_SAFETY_ANALYSIS
{
	FW_CHECK(litelock_held(l), "litelock: expected to be held");
}
