/* expect: mutex 'a->mlock' is not held on every path through here */
#include <fw/sync.h>

struct account {
	struct mutex mlock;
	uint64_t history GUARDED_BY(&mlock);
};

void tsa_bad(struct account *a, bool early);
void tsa_bad(struct account *a, bool early)
{
	mutex_lock(&a->mlock);
	if (early)
		return;
	a->history++;
	mutex_unlock(&a->mlock);
}
