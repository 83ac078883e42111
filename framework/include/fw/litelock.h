/*
 * fw/litelock.h — the lock protocol the typed containers use, and `struct litelock`, a small
 * test-and-set lock that implements it.
 *
 * Lock protocol. A container declared with lock kind K (DEFINE_LIST(..., K) and friends)
 * stores a `struct K *` bound at init and, on every operation, checks `K##_held(lock)`. So a
 * lock kind K is any type `struct K` declared CAPABILITY("...") with
 *     bool K##_held(const struct K *l);   true when the calling context holds l
 * The sync layer (issue #5) adds its spinlocks and mutexes as kinds; until then litelock is
 * the kind the library's own tests and early services use.
 *
 * litelock: a spinning lock with an owner token. The owner is __fw_lock_owner(): the calling
 * thread on the host, the current CPU/task in the kernel. lock/unlock/trylock carry clang
 * thread-safety attributes, so -Werror=thread-safety checks their use statically; held()
 * answers the run-time question for the containers.
 */
#ifndef FW_LITELOCK_H
#define FW_LITELOCK_H

#include <fw/libbase.h>

struct CAPABILITY("litelock") FW_NOCOPY litelock {
	uintptr_t owner FW_PRIVATE; /* 0 when free, else the owner's token */
};

#define LITELOCK_INIT { .owner = 0 }

/* __fw_lock_owner - framework-internal: a non-zero token naming the calling context. */
uintptr_t __fw_lock_owner(void);

/* litelock_init - an unlocked lock. */
static inline void litelock_init(struct litelock *l)
{
	/* SAFETY: an atomic store to the lock word, which only these functions touch. */
	__atomic_store_n(&l->owner, 0, __ATOMIC_RELEASE);
}

/* litelock_lock - acquire, spinning. Needs: not already held by the caller (checked). */
void litelock_lock(struct litelock *l) ACQUIRE(*l);
/* litelock_trylock - acquire if free; true on success. */
bool litelock_trylock(struct litelock *l) TRY_ACQUIRE(true, *l);
/* litelock_unlock - release. Needs: held by the caller (checked). */
void litelock_unlock(struct litelock *l) RELEASE(*l);
/* litelock_held - the calling context holds `l`. */
static inline bool litelock_held(const struct litelock *l)
{
	/* SAFETY: an atomic load of the lock word, which only these functions touch. */
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) == __fw_lock_owner();
}
/* litelock_assert_held - tell the static analysis (and check at run time) that `l` is held. */
void litelock_assert_held(const struct litelock *l) ASSERT_CAPABILITY(*l);

#endif /* FW_LITELOCK_H */
