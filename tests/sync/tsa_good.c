/*
 * tsa_good.c — service-style code the thread-safety analysis must accept (tests/sync/run.sh
 * compiles it with the service flags): guarded fields under their locks, REQUIRES functions
 * called with the lock held, shared reads under a read lock or an rwsem held for reading, per-CPU data under the guard.
 */
#include <fw/preempt.h>
#include <fw/sync.h>

struct account {
	struct spinlock lock;
	uint64_t balance GUARDED_BY(&lock);
	struct mutex mlock;
	uint64_t history GUARDED_BY(&mlock);
	struct rwlock rw;
	uint64_t limit GUARDED_BY(&rw);
	struct rwsem sem;
	uint64_t owner GUARDED_BY(&sem);
};

/* a walker may run with the rwsem held either way; a change needs it for writing */
static uint64_t owner_read(struct account *a) REQUIRES_SHARED(&a->sem)
{
	return a->owner;
}

DEFINE_PER_CPU(tsa_hits, uint64_t);

static void deposit_locked(struct account *a, uint64_t n) REQUIRES(&a->lock)
{
	a->balance += n;
}

uint64_t tsa_good(struct account *a);
uint64_t tsa_good(struct account *a)
{
	spin_lock(&a->lock);
	deposit_locked(a, 5);
	spin_unlock(&a->lock);

	struct irq_state s = spin_lock_irqsave(&a->lock);
	a->balance--;
	spin_unlock_irqrestore(&a->lock, s);

	mutex_lock(&a->mlock);
	a->history++;
	mutex_unlock(&a->mlock);

	read_lock(&a->rw);
	uint64_t l = a->limit;
	read_unlock(&a->rw);
	write_lock(&a->rw);
	a->limit = l + 1;
	write_unlock(&a->rw);

	down_read(&a->sem);
	uint64_t o = owner_read(a);
	up_read(&a->sem);
	down_write(&a->sem);
	a->owner = o + owner_read(a);
	up_write(&a->sem);

	preempt_disable();
	(*tsa_hits_this_cpu())++;
	preempt_enable();
	return l;
}

/* A per-object lock kind (fw/list.h DEFINE_LIST_IN): each directory's entries are guarded by
 * that directory's own mutex; a directory's subdirectories are entries of the same type. */
#include <fw/list.h>
DEFINE_LIST_HEAD(tsa_dir_kids);
struct tsa_dir {
	struct mutex lock;
	struct tsa_dir_kids kids;
	struct list_link sibling;
};
DEFINE_LIST_IN(tsa_dir_kids, struct tsa_dir, sibling, struct tsa_dir, kids, mutex, lock);

size_t tsa_dir_adopt(struct tsa_dir *parent, struct tsa_dir *child);
size_t tsa_dir_adopt(struct tsa_dir *parent, struct tsa_dir *child)
{
	size_t n = 0;
	mutex_lock(&parent->lock);
	tsa_dir_kids_push_back(parent, child);
	LIST_FOR_EACH(tsa_dir_kids, parent, k)
		n++;
	mutex_unlock(&parent->lock);
	return n;
}
