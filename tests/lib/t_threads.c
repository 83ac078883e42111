/*
 * tests/lib/t_threads.c — host-only concurrency tests of litelock, the atomics and the
 * reference counts: several pthreads hammer one object, and the end state must be exact
 * (mutual exclusion holds, no increment is lost, a count never reaches 0 early).
 */
#include <pthread.h>

#include <fw/atomic.h>
#include <fw/list.h>
#include <fw/litelock.h>
#include <fw/refcount.h>

#include "../../framework/lib/ktest_compat.h"

#define T_THREADS 4
#define T_ROUNDS 50000

struct t_item {
	struct list_link link;
};
DEFINE_LIST(t_item_list, struct t_item, link, litelock);

static struct {
	struct litelock lock;
	uint64_t plain_counter GUARDED_BY(&lock);
	struct t_item_list items GUARDED_BY(&lock);
	struct atomic_u64 atomic_counter;
	struct refcount ref;
	struct atomic_u32 early_zero;
	struct t_item slots[T_THREADS];
} t_shared = { .lock = LITELOCK_INIT };

static void *t_worker(void *arg)
{
	struct t_item *mine = arg;
	for (int i = 0; i < T_ROUNDS; i++) {
		litelock_lock(&t_shared.lock);
		t_shared.plain_counter++;
		t_item_list_push_back(&t_shared.items, mine);
		t_item_list_remove(&t_shared.items, mine);
		litelock_unlock(&t_shared.lock);
		atomic_u64_fetch_add(&t_shared.atomic_counter, 1);
		refcount_get(&t_shared.ref);
		if (refcount_put(&t_shared.ref))
			atomic_u32_fetch_add(&t_shared.early_zero, 1);
	}
	return NULL;
}

KTEST(threads, lock_atomics_refcount)
{
	pthread_t th[T_THREADS];
	atomic_u64_init(&t_shared.atomic_counter, 0);
	atomic_u32_init(&t_shared.early_zero, 0);
	refcount_init(&t_shared.ref, 1);
	litelock_lock(&t_shared.lock);
	t_shared.plain_counter = 0;
	t_item_list_init(&t_shared.items, &t_shared.lock);
	litelock_unlock(&t_shared.lock);
	int started = 0;
	for (int i = 0; i < T_THREADS; i++)
		started += pthread_create(&th[i], NULL, t_worker, &t_shared.slots[i]) == 0;
	KT_ASSERT(kt, started == T_THREADS);
	for (int i = 0; i < T_THREADS; i++)
		pthread_join(th[i], NULL);
	litelock_lock(&t_shared.lock);
	KT_EXPECT(kt, t_shared.plain_counter == (uint64_t)T_THREADS * T_ROUNDS);
	KT_EXPECT(kt, t_item_list_is_empty(&t_shared.items));
	litelock_unlock(&t_shared.lock);
	KT_EXPECT(kt, atomic_u64_load(&t_shared.atomic_counter) == (uint64_t)T_THREADS * T_ROUNDS);
	KT_EXPECT(kt, atomic_u32_load(&t_shared.early_zero) == 0);
	KT_EXPECT(kt, refcount_read(&t_shared.ref) == 1);
	KT_EXPECT(kt, refcount_put(&t_shared.ref));
}
