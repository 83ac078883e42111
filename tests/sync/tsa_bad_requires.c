/* expect: calling function 'deposit_locked' requires holding spinlock */
#include <fw/sync.h>

struct account {
	struct spinlock lock;
	uint64_t balance GUARDED_BY(&lock);
};

static void deposit_locked(struct account *a) REQUIRES(&a->lock)
{
	a->balance++;
}

void tsa_bad(struct account *a);
void tsa_bad(struct account *a)
{
	deposit_locked(a);
}
