/* A list of tasks does not accept a file. */
/* expect-error: incompatible pointer types */
#include <fw/list.h>
#include <fw/litelock.h>
struct cf_task { struct list_link link; };
struct cf_file { struct list_link link; };
DEFINE_LIST(cf_list, struct cf_task, link, litelock);
void cf(struct cf_list *l, struct cf_file *f) NO_THREAD_SAFETY_ANALYSIS
{
	cf_list_push_back(l, f);
}
