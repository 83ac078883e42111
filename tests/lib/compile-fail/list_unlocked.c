/* Passing a guarded container without holding its lock (-Werror=thread-safety-pointer). */
/* expect-error: requires holding litelock */
#include <fw/list.h>
#include <fw/litelock.h>
struct cf_task { struct list_link link; };
DEFINE_LIST(cf_list, struct cf_task, link, litelock);
struct cf_rq { struct litelock lock; struct cf_list tasks GUARDED_BY(&lock); };
void cf(struct cf_rq *rq, struct cf_task *t)
{
	cf_list_push_back(&rq->tasks, t);
}
