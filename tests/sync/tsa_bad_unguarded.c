/* expect: writing variable 'balance' requires holding spinlock */
#include <fw/sync.h>

struct account {
	struct spinlock lock;
	uint64_t balance GUARDED_BY(&lock);
};

void tsa_bad(struct account *a);
void tsa_bad(struct account *a)
{
	a->balance++;
}
