/*
 * fw/sync.h — locks that say what they guard: spinlocks (plain and IRQ-disabling), mutexes,
 * reader-writer locks and wait queues.
 *
 *     struct counter {
 *             struct spinlock lock;
 *             uint64_t hits GUARDED_BY(&lock);
 *     };
 *     static void counter_hit(struct counter *c) REQUIRES(&c->lock) { c->hits++; }
 *     ...  spin_lock_init(&c->lock);
 *          spin_lock(&c->lock); counter_hit(c); spin_unlock(&c->lock);
 *
 * Static checks (clang -Werror=thread-safety): a GUARDED_BY field touched without its lock, a
 * REQUIRES function called without it, a lock not released on some path — all compile errors.
 * Run-time checks: each task records the locks it holds (so `spinlock_held()` answers "held by
 * me", unlocking a lock you do not hold stops the kernel, and a lock taken twice is reported as
 * the self-deadlock it is); every acquisition is checked against the order in which lock
 * *classes* (one per spin_lock_init/mutex_init call site, or per static initializer) have been
 * taken so far, and an inversion (A then B somewhere, B then A here — or a longer cycle) is
 * reported the first time it is seen, with both backtraces.
 *
 * Which lock where:
 *   spinlock        short sections; never sleep inside; preemption is off while held.
 *   spin_lock_irqsave
 *                   when an interrupt handler takes the same lock (else the handler could
 *                   spin forever on the lock its own CPU holds).
 *   mutex           sections that may sleep; task context only.
 *   rwlock          many readers or one writer; spinning (preemption off while held); a
 *                   waiting writer holds off new readers.
 *   rwsem           many readers or one writer, sleeping (task context only); a queued
 *                   writer holds off new readers.
 *   waitq           sleep until a condition holds: WAITQ_WAIT(wq, cond).
 * Context of each function below: "any" includes interrupt handlers; "task" excludes them and
 * excludes atomic sections (might_sleep() reports a violation).
 */
#ifndef FW_SYNC_H
#define FW_SYNC_H

#include <fw/libbase.h>
#include <fw/preempt.h>
#include <fw/subtype.h>

#ifndef ACQUIRE_SHARED
#define ACQUIRE_SHARED(...) __attribute__((acquire_shared_capability(__VA_ARGS__)))
#define RELEASE_SHARED(...) __attribute__((release_shared_capability(__VA_ARGS__)))
#define REQUIRES_SHARED(...) __attribute__((requires_shared_capability(__VA_ARGS__)))
#endif

struct task;

/* Framework-internal building blocks (fields private): the innermost ticket lock and a queue
 * link. Services only ever embed them through the types below. */
struct fw_rawlock {
	uint32_t next FW_PRIVATE, serve FW_PRIVATE, owner FW_PRIVATE;
};
struct fw_qlink {
	struct fw_qlink *next FW_PRIVATE, *prev FW_PRIVATE;
};

/* A lock class: the identity the lock-order check works on (one per init site). */
struct lock_class {
	const char *name FW_PRIVATE;
	uint32_t id FW_PRIVATE; /* assigned on first acquisition, 0 before */
};

/* ---- spinlock ---------------------------------------------------------------------------- */
struct CAPABILITY("spinlock") FW_NOCOPY spinlock {
	uint32_t next FW_PRIVATE;          /* ticket lock: next ticket */
	uint32_t serve FW_PRIVATE;         /* ticket being served */
	struct task *owner FW_PRIVATE;     /* holder, NULL when free */
	struct lock_class *cls FW_PRIVATE; /* the init site's class; NULL: own_cls */
	struct lock_class own_cls FW_PRIVATE;
};

/* A statically initialised spinlock, its own class named `lname`:
 *     static struct spinlock table_lock = SPINLOCK_INIT(table_lock);
 * (A zeroed spinlock is a valid unlocked one too, with an unnamed class of its own.) */
#define SPINLOCK_INIT(lname)                                                                \
	{ .next = 0, .serve = 0, .owner = NULL, .cls = NULL,                                \
	  .own_cls = { .name = #lname, .id = 0 } }

void __fw_spin_lock_init(struct spinlock *l, struct lock_class *cls);
/* spin_lock_init - an unlocked spinlock whose class is this call site. Context: any. */
#define spin_lock_init(l)                                                                   \
	do {                                                                                \
		static struct lock_class __fw_cls = { .name = #l, .id = 0 };                \
		__fw_spin_lock_init((l), &__fw_cls);                                        \
	} while (0)

/* spin_lock / spin_unlock - take/release; preemption is off in between. Context: any, but a
 * lock an interrupt handler takes must use the _irqsave pair everywhere. */
void spin_lock(struct spinlock *l) ACQUIRE(*l);
void spin_unlock(struct spinlock *l) RELEASE(*l);
bool spin_trylock(struct spinlock *l) TRY_ACQUIRE(true, *l);

/* The saved interrupt state of spin_lock_irqsave (give it back to spin_unlock_irqrestore). */
struct irq_state {
	uint64_t flags FW_PRIVATE;
};
struct irq_state spin_lock_irqsave(struct spinlock *l) ACQUIRE(*l);
void spin_unlock_irqrestore(struct spinlock *l, struct irq_state s) RELEASE(*l);

/* spinlock_held - the calling task holds l (the container lock protocol, fw/litelock.h). */
bool spinlock_held(const struct spinlock *l);
/* spin_assert_held - stop unless held; tells the static analysis it is. */
void spin_assert_held(const struct spinlock *l) ASSERT_CAPABILITY(*l);

/* ---- mutex ------------------------------------------------------------------------------- */
struct CAPABILITY("mutex") FW_NOCOPY mutex {
	struct fw_rawlock wait_lock FW_PRIVATE;
	/* the holder (a task pointer, or 0) | MUTEX_WAITERS while tasks wait (atomic: taken and
	 * released by compare-and-swap) */
	uintptr_t owner FW_PRIVATE;
	struct fw_qlink waiters FW_PRIVATE;
	struct lock_class *cls FW_PRIVATE;
	struct lock_class own_cls FW_PRIVATE;
};

/* A statically initialised mutex (a zeroed one is valid too): MUTEX_INIT(name). */
#define MUTEX_INIT(lname) { .cls = NULL, .own_cls = { .name = #lname, .id = 0 } }

void __fw_mutex_init(struct mutex *m, struct lock_class *cls);
#define mutex_init(m)                                                                       \
	do {                                                                                \
		static struct lock_class __fw_cls = { .name = #m, .id = 0 };                \
		__fw_mutex_init((m), &__fw_cls);                                            \
	} while (0)

/* mutex_lock - take, sleeping while another task holds it. Context: task. */
void mutex_lock(struct mutex *m) ACQUIRE(*m);
bool mutex_trylock(struct mutex *m) TRY_ACQUIRE(true, *m);
/* mutex_unlock - release and wake the first waiter. Context: task (the holder). */
void mutex_unlock(struct mutex *m) RELEASE(*m);
bool mutex_held(const struct mutex *m);
void mutex_assert_held(const struct mutex *m) ASSERT_CAPABILITY(*m);

/* ---- reader-writer lock (spinning) ------------------------------------------------------- */
struct CAPABILITY("rwlock") FW_NOCOPY rwlock {
	int32_t state FW_PRIVATE;          /* >0 readers, -1 a writer, 0 free */
	uint32_t writers_waiting FW_PRIVATE;
	struct task *writer FW_PRIVATE;
	struct lock_class *cls FW_PRIVATE;
	struct lock_class own_cls FW_PRIVATE;
};

#define RWLOCK_INIT(lname) { .cls = NULL, .own_cls = { .name = #lname, .id = 0 } }

void __fw_rwlock_init(struct rwlock *l, struct lock_class *cls);
#define rwlock_init(l)                                                                      \
	do {                                                                                \
		static struct lock_class __fw_cls = { .name = #l, .id = 0 };                \
		__fw_rwlock_init((l), &__fw_cls);                                           \
	} while (0)

void read_lock(struct rwlock *l) ACQUIRE_SHARED(*l);
void read_unlock(struct rwlock *l) RELEASE_SHARED(*l);
void write_lock(struct rwlock *l) ACQUIRE(*l);
void write_unlock(struct rwlock *l) RELEASE(*l);
/* rwlock_held - the caller holds it for writing. */
bool rwlock_held(const struct rwlock *l);

/* ---- reader-writer semaphore (sleeping) ------------------------------------------------- */
/*
 * Many readers or one writer, for sections that may sleep (Linux's rw_semaphore). Entering is
 * one compare-and-swap, with no lock, while it is free enough; a task that cannot enter queues
 * and sleeps, and a release wakes the head of the queue (a writer, or the readers at the
 * head), which retries. A reader does not enter past a queued writer (writers do not starve);
 * a writer may take a lock that is free before a woken waiter does (no hand-off, as the
 * mutex: no lock convoy). Not recursive in either mode (a second down_read by a holder
 * deadlocks behind a queued writer, as Linux's); taking it for writing while holding it is
 * reported as the self-deadlock it is.
 * Lifetime: up_read/up_write read the waiter count after they let go, so an rwsem must not
 * be freed by a task that takes it while a release may still be running (every rwsem today
 * is static: vfs_lock, dcache_lock). A mutex has no such rule: its unlock's last access is
 * the release itself (the waiters bit in its owner word).
 */
struct CAPABILITY("rwsem") FW_NOCOPY rwsem {
	struct fw_rawlock wait_lock FW_PRIVATE;
	int32_t count FW_PRIVATE;         /* >0 readers, -1 a writer, 0 free (atomic) */
	uint32_t nwaiters FW_PRIVATE;     /* entries on `waiters` (atomic; changed under wait_lock) */
	struct task *writer FW_PRIVATE;   /* the writing holder */
	struct fw_qlink waiters FW_PRIVATE; /* sleeping tasks' queue entries, in arrival order */
	struct lock_class *cls FW_PRIVATE;
	struct lock_class own_cls FW_PRIVATE;
};

/* A statically initialised rwsem (a zeroed one is valid too): RWSEM_INIT(name). */
#define RWSEM_INIT(lname) { .cls = NULL, .own_cls = { .name = #lname, .id = 0 } }

void __fw_rwsem_init(struct rwsem *l, struct lock_class *cls);
#define rwsem_init(l)                                                                       \
	do {                                                                                \
		static struct lock_class __fw_cls = { .name = #l, .id = 0 };                \
		__fw_rwsem_init((l), &__fw_cls);                                            \
	} while (0)

/* down_read / up_read - take / release for reading, sleeping while a writer holds it or any
 * task waits. Context: task. */
void down_read(struct rwsem *l) ACQUIRE_SHARED(*l);
void up_read(struct rwsem *l) RELEASE_SHARED(*l);
/* down_write / up_write - take / release for writing. Context: task. */
void down_write(struct rwsem *l) ACQUIRE(*l);
void up_write(struct rwsem *l) RELEASE(*l);
/* rwsem_held - the calling task holds l in either mode (the container lock protocol,
 * fw/litelock.h: a container guarded by an rwsem may be read by readers; its changes are
 * kept to writers by REQUIRES on the functions that make them). */
bool rwsem_held(const struct rwsem *l);
/* rwsem_write_held - the calling task holds l for writing. */
bool rwsem_write_held(const struct rwsem *l);

/* ---- wait queues ------------------------------------------------------------------------- */
/*
 * A wait queue holds sleeping tasks and callback entries. WAITQ_WAIT(wq, cond) sleeps until
 * `cond` is true: the task is queued *before* cond is tested, so a waker that makes cond true
 * and then calls waitq_wake_*() can never be missed (no lost wake-ups).
 *
 * Callback entries (struct wait_entry, embedded in a service object and tagged through its
 * subtype, fw/subtype.h) are called by every wake, in the waker's context (any: keep them
 * short; they may wake tasks). They stay queued until waitq_remove_entry().
 * Exclusive callback entries (waitq_add_exclusive_entry; epoll's EPOLLEXCLUSIVE) are called in
 * queue order only until one returns true ("I woke a waiter"): one wake reaches one consumer.
 */
struct FW_NOCOPY waitq {
	struct fw_rawlock lock FW_PRIVATE;
	struct fw_qlink tasks FW_PRIVATE;
	struct fw_qlink entries FW_PRIVATE;
	uint64_t wakeups FW_PRIVATE;
};

struct wait_entry {
	struct type_tag tag;
	void (*fn)(struct wait_entry *self) FW_PRIVATE;
	bool (*xfn)(struct wait_entry *self) FW_PRIVATE; /* an exclusive entry's (fn is NULL) */
	struct fw_qlink link FW_PRIVATE;
	struct waitq *wq FW_PRIVATE; /* the queue it is on (NULL: none), set under that queue's lock */
};

/* waitq_init - an empty queue. Context: any. */
void waitq_init(struct waitq *wq);

/* WAITQ_WAIT - sleep until cond is true (re-evaluated after every wake-up). Context: task. */
#define WAITQ_WAIT(wq, cond)                                                                \
	do {                                                                                \
		for (;;) {                                                                  \
			__fw_waitq_prepare(wq);                                             \
			if (cond)                                                           \
				break;                                                      \
			__fw_waitq_sleep(wq);                                               \
		}                                                                           \
		__fw_waitq_finish(wq);                                                      \
	} while (0)
void __fw_waitq_prepare(struct waitq *wq);
void __fw_waitq_sleep(struct waitq *wq);
void __fw_waitq_finish(struct waitq *wq);

/* How a wait may end besides its condition. */
enum wait_flags {
	WAIT_UNINTERRUPTIBLE = 0,
	WAIT_INTERRUPTIBLE = 1u << 0, /* a task_kick() (fw/task.h) ends it with -EINTR */
};

/*
 * WAITQ_WAIT_EVENT - sleep until cond is true, the deadline passes (deadline_ns on the
 * fw_time_ns() clock; 0: none) or, with WAIT_INTERRUPTIBLE, the task is kicked.
 * Evaluates to 0 when cond held (a true cond wins over a timeout or kick that comes at the
 * same time), -ETIMEDOUT, or -EINTR (the kick flag stays set: the caller returns ERESTART*
 * and lets signal delivery decide). Resolution of deadlines: the tick. Context: task.
 *
 *     int err = WAITQ_WAIT_EVENT(&pipe->readers, pipe_readable(pipe), 0, WAIT_INTERRUPTIBLE);
 *     if (err) return -ERESTARTSYS;
 */
#define WAITQ_WAIT_EVENT(wq, cond, deadline_ns, flags)                                      	({                                                                                  		int __fw_wait_err = 0;                                                      		for (;;) {                                                                  			__fw_waitq_prepare(wq);                                             			if (cond)                                                           				break;                                                      			__fw_wait_err = __fw_waitq_sleep_until(wq, (deadline_ns), (flags)); 			if (__fw_wait_err) {                                                				if (cond)                                                   					__fw_wait_err = 0;                                  				break;                                                      			}                                                                   		}                                                                           		__fw_waitq_finish(wq);                                                      		__fw_wait_err;                                                              	})
int __fw_waitq_sleep_until(struct waitq *wq, uint64_t deadline_ns, unsigned flags);

/* waitq_wake_one / waitq_wake_all - wake the oldest sleeper / all of them, run every callback
 * entry and the exclusive entries up to the first that returns true. Return the number of
 * tasks woken. Context: any. */
uint32_t waitq_wake_one(struct waitq *wq);
uint32_t waitq_wake_all(struct waitq *wq);
/* waitq_has_sleepers - a task is queued on wq (callback entries are not counted); read
 * without the queue's lock (Linux's waitqueue_active). A false answer loses no wake-up only
 * when the caller changed the sleepers' condition under a lock L that their condition test
 * also takes: a sleeper queues itself before it tests, so one that took L before the change
 * is seen here once the caller has released L. Context: any. */
bool waitq_has_sleepers(struct waitq *wq);

/*
 * waitq_add_entry - queue a callback entry; `fn` takes the entry (use SUBTYPE_CALLBACK-style
 * trampolines to reach the embedding object). Needs: e tagged by its subtype, and not on a
 * stack (both checked: the queue keeps the pointer after the caller's frame is gone); e on no
 * other queue (checked: stops the kernel). Adding it again to the same queue only changes fn.
 * waitq_remove_entry - unqueue it (no-op when not queued). Needs: wq is the queue e is on
 * (checked: removing it under another queue's lock would change a list that queue's wakers
 * walk; stops the kernel). Context: any.
 */
void waitq_add_entry(struct waitq *wq, struct wait_entry *e FW_KEPT,
		     void (*fn)(struct wait_entry *));
/* waitq_add_exclusive_entry - queue an exclusive callback entry (at the tail): a wake calls
 * `fn` only while no exclusive entry before it returned true. Same needs as waitq_add_entry. */
void waitq_add_exclusive_entry(struct waitq *wq, struct wait_entry *e FW_KEPT,
			       bool (*fn)(struct wait_entry *));
void waitq_remove_entry(struct waitq *wq, struct wait_entry *e);

#endif /* FW_SYNC_H */
