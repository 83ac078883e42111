/* safecheck-expect: reject thread-safety
 *
 * Using a container without holding the lock that guards it. Rejected by the compiler
 * (-Werror=thread-safety -Werror=thread-safety-pointer: passing a pointer to a GUARDED_BY
 * head without its lock), and at run time by the container's own lock check.
 */
#include <fw/list.h>
#include <fw/litelock.h>

struct bad_ul_task {
	struct list_link link;
};
DEFINE_LIST(bad_list, struct bad_ul_task, link, litelock);

struct bad_rq {
	struct litelock lock;
	struct bad_list tasks GUARDED_BY(&lock);
};

void bad_enqueue(struct bad_rq *rq, struct bad_ul_task *t)
{
	bad_list_push_back(&rq->tasks, t);
}
