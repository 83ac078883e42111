/* expect: calling function 'tsa_dir_kids_push_back' requires holding mutex 'parent->lock' */
#include <fw/list.h>
#include <fw/sync.h>

DEFINE_LIST_HEAD(tsa_dir_kids);
struct tsa_dir {
	struct mutex lock;
	struct tsa_dir_kids kids;
	struct list_link sibling;
};
DEFINE_LIST_IN(tsa_dir_kids, struct tsa_dir, sibling, struct tsa_dir, kids, mutex, lock);

/* Holding the child's lock is not holding the parent's: the list's lock is per object. */
void tsa_bad(struct tsa_dir *parent, struct tsa_dir *child);
void tsa_bad(struct tsa_dir *parent, struct tsa_dir *child)
{
	mutex_lock(&child->lock);
	tsa_dir_kids_push_back(parent, child);
	mutex_unlock(&child->lock);
}
