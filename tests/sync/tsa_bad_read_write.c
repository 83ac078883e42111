/* expect: writing variable 'limit' requires holding rwlock '&account::rw' exclusively */
#include <fw/sync.h>

struct account {
	struct rwlock rw;
	uint64_t limit GUARDED_BY(&rw);
};

void tsa_bad(struct account *a);
void tsa_bad(struct account *a)
{
	read_lock(&a->rw);
	a->limit = 0;
	read_unlock(&a->rw);
}
