/* expect: calling function 'tree_link' requires holding rwsem 'tree_lock' exclusively */
#include <fw/sync.h>

/* A walk holds the tree's rwsem for reading; a change of the tree needs it for writing. */
extern struct rwsem tree_lock;
void tree_link(void) REQUIRES(tree_lock);
uint32_t tree_walk(void) REQUIRES_SHARED(tree_lock);

void tsa_bad(void);
void tsa_bad(void)
{
	down_read(&tree_lock);
	(void)tree_walk();
	tree_link();
	up_read(&tree_lock);
}
