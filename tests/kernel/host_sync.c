/*
 * tests/kernel/host_sync.c — the fw/sync.h calls the host-built services use (spinlocks and
 * wait queues), for the single-threaded host tests and the fuzzer: a spinlock records that it
 * is held (so spinlock_held answers and a double lock stops the test), and a wait queue
 * counts its wake-ups and runs its callback entries (no task ever sleeps on the host). Not the
 * kernel's implementation (framework/sync/), which the in-kernel tests cover.
 */
#include <fw/sync.h>
#include <stddef.h>
#include <stdlib.h>

void __fw_spin_lock_init(struct spinlock *l, struct lock_class *cls)
{
	l->next = l->serve = 0;
	l->owner = NULL;
	l->cls = cls;
}

void spin_lock(struct spinlock *l) NO_THREAD_SAFETY_ANALYSIS
{
	if (l->next != l->serve)
		abort(); /* taken twice: the kernel would deadlock */
	l->next++;
}

void spin_unlock(struct spinlock *l) NO_THREAD_SAFETY_ANALYSIS
{
	if (l->next == l->serve)
		abort(); /* not held */
	l->serve++;
}

bool spinlock_held(const struct spinlock *l)
{
	return l->next != l->serve;
}

void spin_assert_held(const struct spinlock *l) NO_THREAD_SAFETY_ANALYSIS
{
	if (!spinlock_held(l))
		abort();
}

void waitq_init(struct waitq *wq)
{
	wq->wakeups = 0;
}

/* The callback entries (epoll's hooks) on a circular list through wq->entries. */
static void entries_init(struct waitq *wq)
{
	if (!wq->entries.next)
		wq->entries.next = wq->entries.prev = &wq->entries;
}

static struct wait_entry *entry_of(struct fw_qlink *l)
{
	return (struct wait_entry *)(void *)((char *)l - offsetof(struct wait_entry, link));
}

static void run_entries(struct waitq *wq)
{
	entries_init(wq);
	bool taken = false;
	for (struct fw_qlink *l = wq->entries.next; l != &wq->entries;) {
		struct fw_qlink *nx = l->next;
		struct wait_entry *e = entry_of(l);
		if (e->fn)
			e->fn(e);
		else if (e->xfn && !taken)
			taken = e->xfn(e);
		l = nx;
	}
}

uint32_t waitq_wake_one(struct waitq *wq)
{
	wq->wakeups++;
	run_entries(wq);
	return 0;
}

uint32_t waitq_wake_all(struct waitq *wq)
{
	wq->wakeups++;
	run_entries(wq);
	return 0;
}

/* No task ever sleeps in a host test: only callback entries wait here. */
bool waitq_has_sleepers(struct waitq *wq)
{
	(void)wq;
	return false;
}

static void add_entry(struct waitq *wq, struct wait_entry *e, void (*fn)(struct wait_entry *),
		      bool (*xfn)(struct wait_entry *))
{
	entries_init(wq);
	FW_CHECK(!e->wq || e->wq == wq, "waitq_add_entry: the entry is on another queue");
	e->fn = fn;
	e->xfn = xfn;
	if (e->link.next)
		return;
	e->wq = wq;
	e->link.prev = wq->entries.prev;
	e->link.next = &wq->entries;
	wq->entries.prev->next = &e->link;
	wq->entries.prev = &e->link;
}

void waitq_add_entry(struct waitq *wq, struct wait_entry *e, void (*fn)(struct wait_entry *))
{
	add_entry(wq, e, fn, NULL);
}

void waitq_add_exclusive_entry(struct waitq *wq, struct wait_entry *e,
			       bool (*fn)(struct wait_entry *))
{
	add_entry(wq, e, NULL, fn);
}

void waitq_remove_entry(struct waitq *wq, struct wait_entry *e)
{
	if (!e->link.next)
		return;
	FW_CHECK(e->wq == wq, "waitq_remove_entry: the entry is on another queue");
	e->wq = NULL;
	e->link.prev->next = e->link.next;
	e->link.next->prev = e->link.prev;
	e->link.next = e->link.prev = NULL;
}

/* Mutexes (the VFS's lock): held or not, as the spinlocks above; nobody ever waits. */
void __fw_mutex_init(struct mutex *m, struct lock_class *cls)
{
	m->owner = 0;
	m->cls = cls;
	m->wait_lock.next = m->wait_lock.serve = 0;
}

static uintptr_t host_mutex_owner(void)
{
	static char token;
	return (uintptr_t)(void *)&token; /* any non-zero marker: one thread on the host */
}

void mutex_lock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	if (m->owner)
		abort(); /* taken twice: the kernel would deadlock */
	m->owner = host_mutex_owner();
}

bool mutex_trylock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	if (m->owner)
		return false;
	m->owner = host_mutex_owner();
	return true;
}

void mutex_unlock(struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	if (!m->owner)
		abort(); /* not held */
	m->owner = 0;
}

bool mutex_held(const struct mutex *m)
{
	return m->owner != 0;
}

void mutex_assert_held(const struct mutex *m) NO_THREAD_SAFETY_ANALYSIS
{
	if (!mutex_held(m))
		abort();
}


/* Reader-writer semaphores (the VFS's lock): a count, as the kernel's (readers > 0, a writer
 * -1); one thread, so a reader is "the caller" while any reader holds it; nobody waits. */
void __fw_rwsem_init(struct rwsem *l, struct lock_class *cls)
{
	l->count = 0;
	l->writer = NULL;
	l->cls = cls;
	l->wait_lock.next = l->wait_lock.serve = 0;
}

void down_read(struct rwsem *l) NO_THREAD_SAFETY_ANALYSIS
{
	if (l->count < 0)
		abort(); /* held for writing: the kernel would deadlock */
	l->count++;
}

void up_read(struct rwsem *l) NO_THREAD_SAFETY_ANALYSIS
{
	if (l->count <= 0)
		abort(); /* not held for reading */
	l->count--;
}

void down_write(struct rwsem *l) NO_THREAD_SAFETY_ANALYSIS
{
	if (l->count != 0)
		abort(); /* held: the kernel would deadlock */
	l->count = -1;
	l->writer = (struct task *)(void *)host_mutex_owner();
}

void up_write(struct rwsem *l) NO_THREAD_SAFETY_ANALYSIS
{
	if (l->count != -1)
		abort(); /* not held for writing */
	l->count = 0;
	l->writer = NULL;
}

bool rwsem_held(const struct rwsem *l)
{
	return l->count != 0;
}

bool rwsem_write_held(const struct rwsem *l)
{
	return l->count == -1;
}
