/* safecheck-expect: reject stack-escape
 *
 * Linking a stack object into a list that outlives the frame (the real fw/list.h: the
 * generated push keeps its element, FW_KEPT on the framework's insert).
 */
#include <fw/list.h>
#include <fw/litelock.h>

struct job {
	struct list_link link;
	int id;
};
DEFINE_LIST(job_list, struct job, link, litelock);

static struct litelock jobs_lock;
static struct job_list jobs GUARDED_BY(&jobs_lock);

void bad_queue_stack_job(void);
void bad_queue_stack_job(void)
{
	struct job j = { .id = 1 };
	litelock_lock(&jobs_lock);
	job_list_push_back(&jobs, &j);
	litelock_unlock(&jobs_lock);
}
